/* test-auth-common.h — helpers for the accounts tests (header only)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "hangar-auth.h"
#include "hangar-client.h"
#include "hangar-error.h"
#include "hangar-test-sandbox.h"

/* Spins the default context until *slot is set by ta_wait_cb. */
static inline void
ta_wait_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

static inline GAsyncResult *
ta_wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static inline gboolean
ta_flag_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Lets the main loop run for @ms. */
static inline void
ta_spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, ta_flag_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* A fresh HOME/XDG tree and libsecret's file backend inside it. Call once,
 * right after g_test_init, before anything touches libsecret. */
static inline void
ta_init_environment (void)
{
  g_autofree char *keyring = NULL;

  hangar_test_isolate_home ();
  keyring = g_build_filename (g_get_user_data_dir (), "keyrings", "test.keyring", NULL);
  g_setenv ("SECRET_BACKEND", "file", TRUE);
  g_setenv ("SECRET_FILE_TEST_PATH", keyring, TRUE);
  g_setenv ("SECRET_FILE_TEST_PASSWORD", "test", TRUE);
}

/* A store with its own metadata file (one per test case). */
static inline HangarAccountStore *
ta_new_store (void)
{
  static guint n;
  g_autofree char *name = g_strdup_printf ("accounts-%u-%u.json", (guint) getpid (), ++n);
  g_autofree char *path = g_build_filename (g_get_user_config_dir (), "hangar", name, NULL);
  g_autoptr(GError) error = NULL;
  HangarAccountStore *store = hangar_account_store_new_for_path (path, &error);

  g_assert_no_error (error);
  return store;
}

/* ---- HTTP without following redirects (tests may block) ---- */

typedef struct
{
  guint  status;
  char  *location;
  char  *body;
} TaResponse;

static inline void
ta_response_free (TaResponse *r)
{
  g_free (r->location);
  g_free (r->body);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TaResponse, ta_response_free)

static inline TaResponse *
ta_http (const char *method,
         const char *url,
         const char *form)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  TaResponse *r = g_new0 (TaResponse, 1);
  const char *loc;

  g_assert_nonnull (msg);
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  if (form != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (form, strlen (form));
      soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", bytes);
    }
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  r->status = soup_message_get_status (msg);
  loc = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Location");
  r->location = g_strdup (loc);
  r->body = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  return r;
}

/* The first (or every) value="…" following @marker in @html. */
static inline GPtrArray *
ta_html_values (const char *html,
                const char *marker)
{
  GPtrArray *values = g_ptr_array_new_with_free_func (g_free);
  const char *p = html;

  while ((p = strstr (p, marker)) != NULL)
    {
      const char *v = strstr (p, "value=\"");
      const char *end;

      if (v == NULL)
        break;
      v += strlen ("value=\"");
      end = strchr (v, '"');
      g_assert_nonnull (end);
      g_ptr_array_add (values, g_strndup (v, end - v));
      p = end;
    }
  return values;
}

/* Drives the sandbox's consent page for @authorize_url: optionally switches
 * to @user_id, then grants every base offered, or cancels. Returns the
 * redirect (Location) the sandbox answered with. */
static inline char *
ta_consent (HangarTestSandbox *sandbox,
            const char        *authorize_url,
            const char        *user_id,
            gboolean           cancel)
{
  g_autoptr(TaResponse) page = ta_http ("GET", authorize_url, NULL);
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GPtrArray) bases = NULL;
  g_autofree char *decision = g_strconcat (sandbox->url, "/oauth2/v1/authorize/decision", NULL);
  g_autoptr(TaResponse) answer = NULL;
  GString *form;

  if (page->status == 302)
    return g_strdup (page->location);  /* --auto-approve */
  g_assert_cmpuint (page->status, ==, 200);
  tokens = ta_html_values (page->body, "name=\"form_token\"");
  g_assert_cmpuint (tokens->len, ==, 1);

  if (user_id != NULL)
    {
      g_autofree char *f = g_strdup_printf ("form_token=%s&user=%s&action=switch",
                                            (char *) tokens->pdata[0], user_id);
      g_autoptr(TaResponse) switched = ta_http ("POST", decision, f);

      g_assert_cmpuint (switched->status, ==, 200);
      g_ptr_array_unref (tokens);
      tokens = ta_html_values (switched->body, "name=\"form_token\"");
      g_assert_cmpuint (tokens->len, ==, 1);
      g_free (page->body);
      page->body = g_strdup (switched->body);
    }

  form = g_string_new (NULL);
  g_string_append_printf (form, "form_token=%s", (char *) tokens->pdata[0]);
  if (cancel)
    g_string_append (form, "&action=cancel");
  else
    {
      bases = ta_html_values (page->body, "name=\"base\"");
      g_assert_cmpuint (bases->len, >, 0);
      for (guint i = 0; i < bases->len; i++)
        g_string_append_printf (form, "&base=%s", (char *) bases->pdata[i]);
      g_string_append (form, "&action=grant");
    }
  answer = ta_http ("POST", decision, form->str);
  g_string_free (form, TRUE);
  g_assert_cmpuint (answer->status, ==, 302);
  g_assert_nonnull (answer->location);
  return g_strdup (answer->location);
}

static inline HangarOAuthIntegration *
ta_sandbox_integration (HangarTestSandbox *sandbox)
{
  return hangar_oauth_integration_new (sandbox->url, sandbox->url, sandbox->client_id, NULL,
                                       sandbox->redirect_uri, NULL);
}

/* The full flow: consent (as @user_id, or the default user), redirect
 * parsing, code exchange, whoami; returns the connected account. */
static inline HangarAccount *
ta_connect_oauth (HangarAccountStore *store,
                  HangarTestSandbox  *sandbox,
                  const char         *label,
                  const char         *user_id)
{
  g_autoptr(HangarOAuthIntegration) integration = ta_sandbox_integration (sandbox);
  g_autoptr(HangarOAuthFlow) flow = hangar_oauth_flow_new (integration);
  g_autofree char *redirect = ta_consent (sandbox, hangar_oauth_flow_get_authorize_uri (flow), user_id, FALSE);
  g_autofree char *code = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  HangarAccount *account;

  g_assert_true (hangar_oauth_flow_is_redirect (flow, redirect));
  code = hangar_oauth_flow_parse_redirect (flow, redirect, &error);
  g_assert_no_error (error);
  hangar_account_store_connect_oauth_async (store, label, flow, code, NULL, ta_wait_cb, &result);
  account = hangar_account_store_connect_oauth_finish (store, ta_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (account);
  return account;
}

static inline HangarAccount *
ta_connect_pat (HangarAccountStore *store,
                HangarTestSandbox  *sandbox,
                const char         *label,
                const char         *pat)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  HangarAccount *account;

  hangar_account_store_connect_pat_async (store, label, sandbox->url, pat, NULL, ta_wait_cb, &result);
  account = hangar_account_store_connect_pat_finish (store, ta_wait (&result), &error);
  g_assert_no_error (error);
  return account;
}

static inline HangarCredentials *
ta_load_credentials (HangarAccountStore *store,
                     HangarAccount      *account)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  HangarCredentials *creds;

  hangar_account_store_load_credentials_async (store, account, NULL, ta_wait_cb, &result);
  creds = hangar_account_store_load_credentials_finish (store, ta_wait (&result), &error);
  g_assert_no_error (error);
  return creds;
}

/* One whoami through the account's client; returns the error, if any. */
static inline GError *
ta_client_whoami (HangarAccount *account)
{
  HangarClient *client = hangar_account_get_client (account);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(HangarWhoami) who = NULL;
  GError *error = NULL;

  hangar_client_whoami_async (client, NULL, ta_wait_cb, &result);
  who = hangar_client_whoami_finish (client, ta_wait (&result), &error);
  if (who != NULL)
    g_assert_cmpstr (hangar_whoami_get_user_id (who), ==, hangar_account_get_user_id (account));
  return error;
}

/* The i-th user of the sandbox's JSON line ("users"): id and PAT. */
static inline void
ta_sandbox_user (HangarTestSandbox  *sandbox,
                 guint               i,
                 const char        **out_id,
                 const char        **out_pat)
{
  JsonArray *users = json_object_get_array_member (sandbox->info, "users");
  JsonObject *user;

  g_assert_nonnull (users);
  g_assert_cmpuint (json_array_get_length (users), >, i);
  user = json_array_get_object_element (users, i);
  *out_id = json_object_get_string_member (user, "id");
  if (out_pat != NULL)
    *out_pat = json_object_get_string_member (user, "pat");
}
