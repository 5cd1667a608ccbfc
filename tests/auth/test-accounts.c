/* test-accounts.c — account store, OAuth flows, refresh, revocation, isolation
 * against a real hangar-sandbox, with libsecret's file backend.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE 1
#include "test-auth-common.h"

#include <glib/gstdio.h>
#include <sys/stat.h>

#include "hangar-account-private.h"

/* Every token the tests saw, to scan files and logs for at the end. */
static HangarTestSecrets *seen_tokens;
static GString *log_text;
static GString *warning_text;

static void
remember_token (const char *token)
{
  hangar_test_secrets_add (seen_tokens, token);
}

static void
remember_account_tokens (HangarAccountStore *store,
                         HangarAccount      *account)
{
  g_autoptr(HangarCredentials) creds = ta_load_credentials (store, account);

  remember_token (creds->access_token);
  remember_token (creds->refresh_token);
}

/* The token lifecycle's wall clock jumps @ms ahead, as if that much time
 * had passed with the main loop stopped: no timer fires, and every token
 * looks that much older to the account. The sandbox's clock does not move,
 * so it still takes them. Reset with reset_clock() at the end of a test. */
static gint64 clock_skew_us;

static void
advance_clock (guint ms)
{
  clock_skew_us += (gint64) ms * 1000;
  _hangar_auth_set_clock_skew (clock_skew_us);
}

static void
reset_clock (void)
{
  clock_skew_us = 0;
  _hangar_auth_set_clock_skew (0);
}

static gboolean
label_is_watched (gpointer account)
{
  return g_strcmp0 (hangar_account_get_label (HANGAR_ACCOUNT (account)), "watched") == 0;
}

static gboolean
account_active (gpointer account)
{
  return hangar_account_get_status (HANGAR_ACCOUNT (account)) == HANGAR_ACCOUNT_STATUS_ACTIVE;
}

static GLogWriterOutput
capture_writer (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (fields[i].length < 0)
      {
        g_string_append_printf (log_text, "%s=%s\n", fields[i].key, (const char *) fields[i].value);
        if (level & (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR))
          g_string_append_printf (warning_text, "%s=%s\n", fields[i].key, (const char *) fields[i].value);
      }
  return g_log_writer_default (level, fields, n_fields, user_data);
}

static gint64
stat_of (HangarTestSandbox *sandbox,
         const char        *name)
{
  return hangar_test_sandbox_stat (sandbox, name);
}

/* ------------------------------------------------------------------------ */

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *count)
{
  (*count)++;
}

static void
items_changed_cb_count (guint *count)
{
  (*count)++;
}

static void
test_store_basics (void)
{
  g_autoptr(HangarAccountStore) store = ta_new_store ();
  g_autoptr(HangarAccountStore) other = NULL;
  g_autoptr(GError) error = NULL;
  HangarAccount *a, *b, *seen;
  guint changes = 0;
  GStatBuf st;

  g_signal_connect (store, "items-changed", G_CALLBACK (items_changed_cb), &changes);
  a = hangar_account_store_get_or_create (store, "pending|one", "one", HANGAR_ACCOUNT_KIND_OAUTH);
  b = hangar_account_store_get_or_create (store, "pending|one", "ignored", HANGAR_ACCOUNT_KIND_OAUTH);
  g_assert_true (a == b);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1);
  g_assert_cmpint (hangar_account_get_status (a), ==, HANGAR_ACCOUNT_STATUS_PENDING);
  g_assert_true (hangar_account_get_needs_attention (a));
  g_assert_true (g_str_has_prefix (hangar_account_get_id (a), "acc"));
  g_assert_true (hangar_account_store_lookup_by_label (store, "one") == a);

  g_assert_true (hangar_account_store_flush (store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (hangar_account_store_get_path (store), &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  {
    /* Its directory is private too, even if it was not before. */
    g_autofree char *dir = g_path_get_dirname (hangar_account_store_get_path (store));

    g_assert_cmpint (g_stat (dir, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0700);
    g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
    hangar_account_set_label (a, "one again");
    g_assert_true (hangar_account_store_flush (store, &error));
    g_assert_cmpint (g_stat (dir, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0700);
    hangar_account_set_label (a, "one");
    g_assert_true (hangar_account_store_flush (store, &error));
  }

  /* Another "process" (a second store on the same file) sees it… */
  other = hangar_account_store_new_for_path (hangar_account_store_get_path (store), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (other)), ==, 1);
  seen = hangar_account_store_lookup_by_id (other, hangar_account_get_id (a));
  g_assert_nonnull (seen);
  g_assert_cmpstr (hangar_account_get_label (seen), ==, "one");

  /* …and follows changes made by the first one (re-read on demand). */
  hangar_account_set_label (a, "renamed");
  hangar_account_set_status (a, HANGAR_ACCOUNT_STATUS_ERROR, "because");
  g_assert_true (hangar_account_store_flush (store, &error));
  g_assert_true (hangar_account_store_reload (other, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (hangar_account_get_label (seen), ==, "renamed");
  g_assert_cmpint (hangar_account_get_status (seen), ==, HANGAR_ACCOUNT_STATUS_ERROR);
  g_assert_cmpstr (hangar_account_get_status_reason (seen), ==, "because");

  /* Without asking: the file monitor notices the other store's write. */
  hangar_account_set_label (a, "watched");
  g_assert_true (hangar_account_store_flush (store, &error));
  hangar_test_wait_until (label_is_watched, seen, "the file monitor to bring the new label");

  /* Accounts added by the other store survive this store's next write. */
  hangar_account_store_get_or_create (other, "pending|two", "two", HANGAR_ACCOUNT_KIND_PAT);
  g_assert_true (hangar_account_store_flush (other, &error));
  hangar_account_set_label (a, "renamed again");
  g_assert_true (hangar_account_store_flush (store, &error));
  g_assert_true (hangar_account_store_reload (store, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 2);
  g_assert_nonnull (hangar_account_store_lookup_by_label (store, "two"));
}

static void
test_store_secrets_and_remove (void)
{
  g_autoptr(HangarAccountStore) store = ta_new_store ();
  g_autoptr(HangarAccountStore) other = NULL;
  g_autoptr(HangarCredentials) creds = hangar_credentials_new ();
  g_autoptr(HangarCredentials) back = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cache = NULL;
  g_autofree char *cached_file = NULL;
  g_autofree char *id = NULL;
  HangarAccount *account;

  account = hangar_account_store_get_or_create (store, "pending|sec", "sec", HANGAR_ACCOUNT_KIND_OAUTH);
  id = g_strdup (hangar_account_get_id (account));
  creds->access_token = g_strdup ("oaaSECRETACCESS");
  creds->refresh_token = g_strdup ("oarSECRETREFRESH");
  creds->client_secret = g_strdup ("CLIENTSECRET");
  hangar_account_store_save_credentials_async (store, account, creds, NULL, hangar_test_result_cb, &result);
  g_assert_true (hangar_account_store_save_credentials_finish (store, hangar_test_wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  back = ta_load_credentials (store, account);
  g_assert_cmpstr (back->access_token, ==, "oaaSECRETACCESS");
  g_assert_cmpstr (back->client_secret, ==, "CLIENTSECRET");
  remember_token ("oaaSECRETACCESS");
  remember_token ("oarSECRETREFRESH");
  remember_token ("CLIENTSECRET");

  cache = hangar_account_dup_cache_dir (account);
  g_assert_cmpint (g_mkdir_with_parents (cache, 0700), ==, 0);
  cached_file = g_build_filename (cache, "bases.json", NULL);
  g_assert_true (g_file_set_contents (cached_file, "[]", -1, NULL));

  hangar_account_store_remove_async (store, account, NULL, hangar_test_result_cb, &result);
  g_assert_true (hangar_account_store_remove_finish (store, hangar_test_wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  g_assert_false (g_file_test (cache, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  other = hangar_account_store_new_for_path (hangar_account_store_get_path (store), &error);
  g_assert_no_error (error);
  g_assert_null (hangar_account_store_lookup_by_id (other, id));

  /* The secret is gone too: an account object with the same id finds nothing. */
  account = hangar_account_store_get_or_create (store, "pending|sec2", "sec2", HANGAR_ACCOUNT_KIND_OAUTH);
  {
    g_autoptr(HangarCredentials) none = NULL;

    hangar_account_store_load_credentials_async (store, account, NULL, hangar_test_result_cb, &result);
    none = hangar_account_store_load_credentials_finish (store, hangar_test_wait_result (&result), &error);
    g_assert_null (none);
    g_assert_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_NOT_FOUND);
  }
}

/* ------------------------------------------------------------------------ */

static void
test_flow_full (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--auto-approve", "-q", NULL);
  g_autoptr(HangarAccountStore) store = ta_new_store ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarCredentials) creds = NULL;
  g_autofree char *identifier = NULL;
  HangarAccount *account;
  const char *uid;

  uid = hangar_test_sandbox_user (sandbox, 0, "id");
  account = ta_connect_oauth (store, sandbox, "Work", NULL);
  g_assert_cmpint (hangar_account_get_status (account), ==, HANGAR_ACCOUNT_STATUS_ACTIVE);
  g_assert_false (hangar_account_get_needs_attention (account));
  g_assert_cmpint (hangar_account_get_kind (account), ==, HANGAR_ACCOUNT_KIND_OAUTH);
  g_assert_cmpstr (hangar_account_get_label (account), ==, "Work");
  g_assert_cmpstr (hangar_account_get_user_id (account), ==, uid);
  g_assert_cmpstr (hangar_account_get_email (account), ==,
                   json_object_get_string_member (sandbox->info, "email"));
  g_assert_true (hangar_account_has_scope (account, "data.records:read"));
  g_assert_true (hangar_account_has_scope (account, "schema.bases:write"));
  g_assert_cmpstr (hangar_account_get_client_id (account), ==, sandbox->client_id);
  g_assert_cmpint (hangar_account_get_access_expires_at (account), >, g_get_real_time () / G_USEC_PER_SEC);
  g_assert_cmpint (hangar_account_get_refresh_expires_at (account), >, hangar_account_get_access_expires_at (account));
  identifier = g_strdup_printf ("oauth|%s|%s|%s", sandbox->url, sandbox->client_id, uid);
  g_assert_cmpstr (hangar_account_get_identifier (account), ==, identifier);

  /* get-or-create by identifier is idempotent. */
  g_assert_true (hangar_account_store_get_or_create (store, identifier, "x", HANGAR_ACCOUNT_KIND_OAUTH) == account);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1);

  /* Tokens are in the keyring (stored before whoami used them). */
  creds = ta_load_credentials (store, account);
  g_assert_nonnull (creds->access_token);
  g_assert_nonnull (creds->refresh_token);
  remember_account_tokens (store, account);

  /* The shared client works, through the token source. */
  g_assert_true (hangar_account_get_client (account) == hangar_account_get_client (account));
  error = ta_client_whoami (account);
  g_assert_no_error (error);
  g_assert_cmpint (stat_of (sandbox, "exchanges"), ==, 1);
  g_assert_cmpint (stat_of (sandbox, "by_status.401"), ==, 0);

  /* Signing in again as the same user updates the same account. */
  {
    HangarAccount *again = ta_connect_oauth (store, sandbox, "Work 2", NULL);

    g_assert_true (again == account);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1);
    g_assert_null (hangar_account_store_lookup_by_label (store, "Work 2"));
    remember_account_tokens (store, account);
  }
}

static void
test_flow_denied (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("-q", NULL);
  g_autoptr(HangarOAuthIntegration) integration = ta_sandbox_integration (sandbox);
  g_autoptr(HangarOAuthFlow) flow = hangar_oauth_flow_new (integration);
  g_autoptr(HangarAccountStore) store = ta_new_store ();
  g_autofree char *redirect = NULL;
  g_autofree char *code = NULL;
  g_autoptr(GError) error = NULL;

  redirect = hangar_test_sandbox_consent (sandbox, hangar_oauth_flow_get_authorize_uri (flow), NULL, TRUE);
  g_assert_true (hangar_oauth_flow_is_redirect (flow, redirect));
  g_assert_nonnull (strstr (redirect, "error=access_denied"));
  code = hangar_oauth_flow_parse_redirect (flow, redirect, &error);
  g_assert_null (code);
  g_assert_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_CANCELLED);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  g_assert_cmpint (stat_of (sandbox, "exchanges"), ==, 0);
}

static char *
replace_param (const char *uri,
               const char *name,
               const char *value)
{
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED, NULL);
  g_autoptr(GHashTable) params = g_uri_parse_params (g_uri_get_query (parsed), -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
  g_autofree char *query = NULL;
  g_autoptr(GUri) changed = NULL;

  g_hash_table_replace (params, g_strdup (name), g_strdup (value));
  query = soup_form_encode_hash (params);
  changed = g_uri_build (G_URI_FLAGS_ENCODED, g_uri_get_scheme (parsed), NULL, g_uri_get_host (parsed),
                         g_uri_get_port (parsed), g_uri_get_path (parsed), query, NULL);
  return g_uri_to_string (changed);
}

static void
test_flow_state_and_foreign_redirect (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--auto-approve", "-q", NULL);
  g_autoptr(HangarOAuthIntegration) integration = ta_sandbox_integration (sandbox);
  g_autoptr(HangarOAuthFlow) flow = hangar_oauth_flow_new (integration);
  g_autoptr(HangarOAuthFlow) other_flow = hangar_oauth_flow_new (integration);
  g_autofree char *redirect = hangar_test_sandbox_consent (sandbox, hangar_oauth_flow_get_authorize_uri (flow), NULL, FALSE);
  g_autofree char *forged = replace_param (redirect, "state", hangar_oauth_flow_get_state (other_flow));
  g_autofree char *foreign = NULL;
  g_autoptr(GError) error = NULL;
  char *code;

  /* The answer to one flow is refused by another (state mismatch). */
  code = hangar_oauth_flow_parse_redirect (other_flow, redirect, &error);
  g_assert_null (code);
  g_assert_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_STATE_MISMATCH);
  g_clear_error (&error);
  code = hangar_oauth_flow_parse_redirect (flow, forged, &error);
  g_assert_null (code);
  g_assert_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_STATE_MISMATCH);
  g_clear_error (&error);

  /* The same query on another host or path is not our redirect. */
  foreign = g_strconcat ("http://127.0.0.1:8471/oauth/callbackx", strchr (redirect, '?'), NULL);
  g_assert_false (hangar_oauth_flow_is_redirect (flow, foreign));
  code = hangar_oauth_flow_parse_redirect (flow, foreign, &error);
  g_assert_null (code);
  g_assert_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_REDIRECT_MISMATCH);
  g_clear_error (&error);

  /* The genuine one still works. */
  code = hangar_oauth_flow_parse_redirect (flow, redirect, &error);
  g_assert_no_error (error);
  g_assert_nonnull (code);
  g_free (code);
}

static void
test_flow_code_reuse (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--auto-approve", "-q", NULL);
  g_autoptr(HangarOAuthIntegration) integration = ta_sandbox_integration (sandbox);
  g_autoptr(HangarOAuthFlow) flow = hangar_oauth_flow_new (integration);
  g_autofree char *redirect = hangar_test_sandbox_consent (sandbox, hangar_oauth_flow_get_authorize_uri (flow), NULL, FALSE);
  g_autofree char *code = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarCredentials) first = NULL;
  g_autoptr(HangarCredentials) second = NULL;

  code = hangar_oauth_flow_parse_redirect (flow, redirect, &error);
  g_assert_no_error (error);

  hangar_oauth_flow_exchange_code_async (flow, NULL, code, NULL, hangar_test_result_cb, &result);
  first = hangar_oauth_flow_exchange_code_finish (flow, hangar_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (first->access_token);
  remember_token (first->access_token);
  remember_token (first->refresh_token);
  g_clear_object (&result);

  hangar_oauth_flow_exchange_code_async (flow, NULL, code, NULL, hangar_test_result_cb, &result);
  second = hangar_oauth_flow_exchange_code_finish (flow, hangar_test_wait_result (&result), &error);
  g_assert_null (second);
  g_assert_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_GRANT);
}

/* ------------------------------------------------------------------------ */

static void
count_invalidated_cb (HangarTokenSource *source,
                      const GError      *reason,
                      guint             *count)
{
  (*count)++;
}

static void
test_pat (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("-q", NULL);
  g_autoptr(HangarAccountStore) store = ta_new_store ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarCredentials) bogus = hangar_credentials_new ();
  HangarAccount *account, *bad;
  guint invalidated = 0;
  const char *uid;

  uid = hangar_test_sandbox_user (sandbox, 0, "id");
  remember_token (sandbox->pat);
  account = ta_connect_pat (store, sandbox, "pat", sandbox->pat);
  g_assert_cmpint (hangar_account_get_status (account), ==, HANGAR_ACCOUNT_STATUS_ACTIVE);
  g_assert_cmpint (hangar_account_get_kind (account), ==, HANGAR_ACCOUNT_KIND_PAT);
  g_assert_cmpstr (hangar_account_get_user_id (account), ==, uid);
  g_assert_null (hangar_account_get_scopes (account));
  error = ta_client_whoami (account);
  g_assert_no_error (error);

  /* A refused token leaves no account behind. */
  hangar_account_store_connect_pat_async (store, "bad", sandbox->url, "patNOTAREALTOKEN.0000", NULL,
                                          hangar_test_result_cb, &result);
  bad = hangar_account_store_connect_pat_finish (store, hangar_test_wait_result (&result), &error);
  g_assert_null (bad);
  g_assert_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  g_clear_object (&result);
  g_assert_null (hangar_account_store_lookup_by_label (store, "bad"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1);

  /* A PAT that stops working: 401 → REVOKED with a reason, source invalidated. */
  bogus->access_token = g_strdup ("patREVOKEDTOKEN.1111");
  hangar_account_store_save_credentials_async (store, account, bogus, NULL, hangar_test_result_cb, &result);
  g_assert_true (hangar_account_store_save_credentials_finish (store, hangar_test_wait_result (&result), &error));
  g_clear_object (&result);
  hangar_oauth_token_source_forget (HANGAR_OAUTH_TOKEN_SOURCE (hangar_account_get_token_source (account)));
  g_signal_connect (hangar_account_get_token_source (account), "invalidated",
                    G_CALLBACK (count_invalidated_cb), &invalidated);
  error = ta_client_whoami (account);
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpint (hangar_account_get_status (account), ==, HANGAR_ACCOUNT_STATUS_REVOKED);
  g_assert_nonnull (hangar_account_get_status_reason (account));
  g_assert_cmpuint (invalidated, ==, 1);
}

/* ------------------------------------------------------------------------ */

typedef struct
{
  guint  pending;
  guint  failures;
} Many;

static void
many_whoami_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Many *m = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarWhoami) who = hangar_client_whoami_finish (HANGAR_CLIENT (object), result, &error);

  if (who == NULL)
    {
      g_test_message ("whoami failed: %s", error->message);
      m->failures++;
    }
  m->pending--;
}

static gboolean
many_done (gpointer data)
{
  return ((Many *) data)->pending == 0;
}

static void
test_refresh_proactive (void)
{
  /* An 8 s token: handed out for 4 s, refreshed 2 s later (the drain). */
  g_autoptr(HangarTestSandbox) sandbox =
    hangar_test_sandbox_start ("--auto-approve", "--access-ttl", "8", "--no-rate-limit", "-q", NULL);
  g_autoptr(HangarAccountStore) store = ta_new_store ();
  HangarAccount *account = ta_connect_oauth (store, sandbox, "ttl", NULL);
  gint64 end = g_get_monotonic_time () + 14 * G_USEC_PER_SEC;
  guint calls = 0;
  gint64 refreshes;

  remember_account_tokens (store, account);
  /* A long run of calls over nearly two lifetimes: one at a time, then
   * three at once, so requests are in flight when the refresh timer fires
   * or another caller finds the token due. (The timer runs on the real
   * clock, so real time is the behaviour here.) */
  while (g_get_monotonic_time () < end)
    {
      g_autoptr(GError) error = ta_client_whoami (account);
      Many m = { 3, 0 };

      g_assert_no_error (error);
      for (guint i = 0; i < 3; i++)
        hangar_client_whoami_async (hangar_account_get_client (account), NULL, many_whoami_cb, &m);
      hangar_test_wait_until (many_done, &m, "the concurrent whoami calls");
      g_assert_cmpuint (m.failures, ==, 0);
      calls += 4;
      if (calls % 20 == 0)
        remember_account_tokens (store, account);
      hangar_test_run_for (30);
    }
  refreshes = stat_of (sandbox, "refreshes");
  g_test_message ("%u calls, %" G_GINT64_FORMAT " refreshes, %" G_GINT64_FORMAT " × 401",
                  calls, refreshes, stat_of (sandbox, "by_status.401"));
  g_assert_cmpint (stat_of (sandbox, "by_status.401"), ==, 0);
  g_assert_cmpint (refreshes, >=, 2);
  g_assert_cmpint (hangar_account_get_status (account), ==, HANGAR_ACCOUNT_STATUS_ACTIVE);
  g_assert_cmpint (hangar_account_get_last_refresh (account), >, hangar_account_get_connected_at (account));
}

static void
run_concurrent_whoami (HangarAccount *account,
                       guint          n)
{
  Many m = { n, 0 };

  for (guint i = 0; i < n; i++)
    hangar_client_whoami_async (hangar_account_get_client (account), NULL, many_whoami_cb, &m);
  hangar_test_wait_until (many_done, &m, "the concurrent whoami calls");
  g_assert_cmpuint (m.failures, ==, 0);
}

static void
test_refresh_single_flight (void)
{
  g_autoptr(HangarTestSandbox) sandbox =
    hangar_test_sandbox_start ("--auto-approve", "--access-ttl", "4", "--no-rate-limit", "-q", NULL);
  g_autoptr(HangarAccountStore) store = ta_new_store ();
  HangarAccount *account = ta_connect_oauth (store, sandbox, "sf", NULL);
  gint64 before;

  /* Warm up (loads the tokens into the source), then let the token reach
   * its refresh margin without running the main loop, so no timer fires. */
  g_assert_no_error (ta_client_whoami (account));
  before = stat_of (sandbox, "refreshes");
  advance_clock (3300);

  run_concurrent_whoami (account, 20);
  g_assert_cmpint (stat_of (sandbox, "refreshes") - before, ==, 1);
  g_assert_cmpint (stat_of (sandbox, "by_status.401"), ==, 0);
  remember_account_tokens (store, account);

  /* Tokens expired on the server side: 20 requests meet 401 at once, and
   * their handle_unauthorized calls share one refresh. */
  before = stat_of (sandbox, "refreshes");
  {
    guint status = 0;
    g_autoptr(JsonNode) reply = hangar_test_sandbox_request (sandbox, "POST", "/__sandbox/expire-tokens",
                                                             NULL, "{}", &status);

    g_assert_cmpuint (status, ==, 200);
  }
  run_concurrent_whoami (account, 20);
  g_assert_cmpint (stat_of (sandbox, "refreshes") - before, ==, 1);
  g_assert_cmpint (stat_of (sandbox, "by_status.401"), >=, 1);
  remember_account_tokens (store, account);

  /* The lock file is private, in a private directory. */
  {
    g_autofree char *name = g_strconcat (hangar_account_get_id (account), ".lock", NULL);
    g_autofree char *dir = g_build_filename (g_get_user_runtime_dir (), "hangar", NULL);
    g_autofree char *lock = g_build_filename (dir, name, NULL);
    GStatBuf st;

    g_assert_cmpint (g_stat (lock, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
    g_assert_cmpint (g_stat (dir, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  }
  reset_clock ();
}

static void
test_refresh_two_stores (void)
{
  g_autoptr(HangarTestSandbox) sandbox =
    hangar_test_sandbox_start ("--auto-approve", "--access-ttl", "4", "--no-rate-limit", "-q", NULL);
  g_autoptr(HangarAccountStore) store = ta_new_store ();
  g_autoptr(HangarAccountStore) second = NULL;
  g_autoptr(GError) error = NULL;
  HangarAccount *account = ta_connect_oauth (store, sandbox, "two", NULL);
  HangarAccount *twin;
  gint64 before;

  g_assert_true (hangar_account_store_flush (store, &error));
  /* Two stores on the same files behave like two processes: separate
   * token sources, separate lock file descriptors. */
  second = hangar_account_store_new_for_path (hangar_account_store_get_path (store), &error);
  g_assert_no_error (error);
  twin = hangar_account_store_lookup_by_id (second, hangar_account_get_id (account));
  g_assert_nonnull (twin);
  g_assert_no_error (ta_client_whoami (account));
  g_assert_no_error (ta_client_whoami (twin));

  before = stat_of (sandbox, "refreshes");
  advance_clock (3300);
  {
    Many m = { 20, 0 };

    for (guint i = 0; i < 10; i++)
      {
        hangar_client_whoami_async (hangar_account_get_client (account), NULL, many_whoami_cb, &m);
        hangar_client_whoami_async (hangar_account_get_client (twin), NULL, many_whoami_cb, &m);
      }
    hangar_test_wait_until (many_done, &m, "the concurrent whoami calls");
    g_assert_cmpuint (m.failures, ==, 0);
  }
  g_assert_cmpint (stat_of (sandbox, "refreshes") - before, ==, 1);
  g_assert_cmpint (stat_of (sandbox, "by_status.409"), ==, 0);
  remember_account_tokens (store, account);
  reset_clock ();
}


static void
test_refresh_token_expired (void)
{
  g_autoptr(HangarTestSandbox) sandbox =
    hangar_test_sandbox_start ("--auto-approve", "--access-ttl", "2", "--refresh-ttl", "3", "--no-rate-limit", "-q", NULL);
  g_autoptr(HangarAccountStore) store = ta_new_store ();
  HangarAccount *account = ta_connect_oauth (store, sandbox, "short", NULL);
  g_autoptr(GError) error = NULL;
  gint64 token_requests;
  guint invalidated = 0;

  remember_account_tokens (store, account);
  g_signal_connect (hangar_account_get_token_source (account), "invalidated",
                    G_CALLBACK (count_invalidated_cb), &invalidated);
  g_assert_no_error (ta_client_whoami (account));
  token_requests = stat_of (sandbox, "token_requests");
  /* Past the refresh token's end (the main loop does not run meanwhile). */
  advance_clock (3500);
  error = ta_client_whoami (account);
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_TOKEN_EXPIRED);
  g_assert_cmpint (hangar_account_get_status (account), ==, HANGAR_ACCOUNT_STATUS_EXPIRED);
  g_assert_nonnull (strstr (hangar_account_get_status_reason (account), "reconnect"));
  g_assert_cmpuint (invalidated, ==, 1);
  /* Known to be dead: not even tried. */
  g_assert_cmpint (stat_of (sandbox, "token_requests"), ==, token_requests);
  reset_clock ();
}

/* A refresh token near its end is renewed early, while the access token
 * still has most of its minute; when renewing fails the account stays
 * usable but says when the sign-in ends. */
static void
test_refresh_token_near_end (void)
{
  /* A 30 s refresh token: its last fifth (6 s) counts as near its end. The
   * client's clock is moved there rather than waited for, so how long the
   * steps take on a loaded machine changes nothing. */
  g_autoptr(HangarTestSandbox) sandbox =
    hangar_test_sandbox_start ("--auto-approve", "--access-ttl", "600", "--refresh-ttl", "30", "--no-rate-limit", "-q", NULL);
  g_autoptr(HangarAccountStore) store = ta_new_store ();
  HangarAccount *account = ta_connect_oauth (store, sandbox, "ending", NULL);
  g_autoptr(HangarCredentials) first = NULL;
  g_autoptr(HangarCredentials) renewed = NULL;
  g_autoptr(JsonNode) reply = NULL;
  guint status = 0;

  remember_account_tokens (store, account);
  g_assert_no_error (ta_client_whoami (account));
  g_assert_null (hangar_account_get_status_reason (account));
  first = ta_load_credentials (store, account);
  g_assert_cmpint (first->refresh_expires_at, >, 0);

  /* 3 s before the refresh token's end (in its last fifth): renewed. */
  _hangar_auth_set_clock_skew (first->refresh_expires_at - 3 * G_USEC_PER_SEC - g_get_real_time ());
  g_assert_no_error (ta_client_whoami (account));
  g_assert_cmpint (stat_of (sandbox, "refreshes"), ==, 1);
  renewed = ta_load_credentials (store, account);
  g_assert_cmpstr (renewed->refresh_token, !=, first->refresh_token);
  g_assert_cmpint (renewed->refresh_expires_at, >, first->refresh_expires_at);
  g_assert_null (hangar_account_get_status_reason (account));
  remember_account_tokens (store, account);

  /* Next time the renewal fails (503): still ACTIVE, with the end date. */
  reply = hangar_test_sandbox_request (sandbox, "POST", "/__sandbox/faults", NULL,
                                       "{\"count\":1,\"status\":503,\"path_prefix\":\"/oauth2/v1/token\"}", &status);
  g_assert_cmpuint (status, ==, 200);
  _hangar_auth_set_clock_skew (renewed->refresh_expires_at - 3 * G_USEC_PER_SEC - g_get_real_time ());
  g_assert_no_error (ta_client_whoami (account));
  _hangar_auth_set_clock_skew (0);
  g_assert_cmpint (stat_of (sandbox, "by_status.503"), ==, 1);
  g_assert_cmpint (hangar_account_get_status (account), ==, HANGAR_ACCOUNT_STATUS_ACTIVE);
  g_assert_nonnull (hangar_account_get_status_reason (account));
  g_test_message ("near its end: %s", hangar_account_get_status_reason (account));
  g_assert_nonnull (strstr (hangar_account_get_status_reason (account), "could not be renewed"));
  reset_clock ();
}

static void
test_refresh_network_failure (void)
{
  g_autoptr(HangarTestSandbox) sandbox =
    hangar_test_sandbox_start ("--auto-approve", "--access-ttl", "4", "--no-rate-limit", "-q", NULL);
  g_autoptr(HangarAccountStore) store = ta_new_store ();
  HangarAccount *account = ta_connect_oauth (store, sandbox, "flaky", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  guint status = 0;
  guint invalidated = 0;
  gint64 token_requests;

  remember_account_tokens (store, account);
  g_signal_connect (hangar_account_get_token_source (account), "invalidated",
                    G_CALLBACK (count_invalidated_cb), &invalidated);
  g_assert_no_error (ta_client_whoami (account));
  /* The token endpoint fails (503) once; the access token runs out. */
  reply = hangar_test_sandbox_request (sandbox, "POST", "/__sandbox/faults", NULL,
                                       "{\"count\":1,\"status\":503,\"path_prefix\":\"/oauth2/v1/token\"}", &status);
  g_assert_cmpuint (status, ==, 200);
  advance_clock (3900);
  token_requests = stat_of (sandbox, "token_requests");
  error = ta_client_whoami (account);
  g_assert_nonnull (error);
  g_clear_error (&error);
  /* Never REVOKED for a server or network fault: EXPIRED, with a reason. */
  g_assert_cmpint (hangar_account_get_status (account), ==, HANGAR_ACCOUNT_STATUS_EXPIRED);
  g_assert_nonnull (hangar_account_get_status_reason (account));
  g_assert_cmpuint (invalidated, ==, 0);
  /* Backing off: an immediate second call does not hammer the endpoint. */
  error = ta_client_whoami (account);
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpint (stat_of (sandbox, "by_status.503"), ==, 1);
  g_assert_cmpint (stat_of (sandbox, "token_requests"), ==, token_requests);
  /* After the backoff the timer retries by itself, and all is well. */
  hangar_test_wait_until (account_active, account, "the timer's retry after the backoff");
  g_assert_null (hangar_account_get_status_reason (account));
  g_assert_no_error (ta_client_whoami (account));
  remember_account_tokens (store, account);
  reset_clock ();
}

static void
test_refresh_conflict (void)
{
  g_autoptr(HangarTestSandbox) sandbox =
    hangar_test_sandbox_start ("--auto-approve", "--access-ttl", "4", "--no-rate-limit", "-q", NULL);
  g_autoptr(HangarAccountStore) store = ta_new_store ();
  HangarAccount *account = ta_connect_oauth (store, sandbox, "race", NULL);
  g_autoptr(HangarCredentials) stored = ta_load_credentials (store, account);
  g_autoptr(HangarCredentials) stolen = NULL;
  g_autoptr(GError) error = NULL;
  gint64 token_requests;

  remember_account_tokens (store, account);
  g_assert_no_error (ta_client_whoami (account));
  advance_clock (3300);
  /* Someone refreshes behind our back without storing the result (a
   * misbehaving client): the stored refresh token was just used. Done
   * with a blocking request, so our own refresh timer cannot run first. */
  {
    g_autofree char *rt = g_uri_escape_string (stored->refresh_token, NULL, TRUE);
    g_autofree char *cid = g_uri_escape_string (sandbox->client_id, NULL, TRUE);
    g_autofree char *form = g_strdup_printf ("grant_type=refresh_token&refresh_token=%s&client_id=%s", rt, cid);
    g_autofree char *url = g_strconcat (sandbox->url, "/oauth2/v1/token", NULL);
    g_autoptr(HangarTestHttp) r = hangar_test_http ("POST", url, form);

    g_assert_cmpuint (r->status, ==, 200);
    stolen = hangar_credentials_new ();
  }

  token_requests = stat_of (sandbox, "token_requests");
  error = ta_client_whoami (account);
  g_assert_nonnull (error);
  g_test_message ("after 409: %s", error->message);
  /* One refresh attempt answered 409, then a re-read, no retry. */
  g_assert_cmpint (stat_of (sandbox, "by_status.409"), ==, 1);
  g_assert_cmpint (stat_of (sandbox, "token_requests") - token_requests, ==, 1);
  g_assert_cmpint (hangar_account_get_status (account), !=, HANGAR_ACCOUNT_STATUS_REVOKED);
  reset_clock ();
}


static void
test_confidential_client (void)
{
  g_autoptr(HangarTestSandbox) sandbox =
    hangar_test_sandbox_start ("--auto-approve", "--access-ttl", "4", "--no-rate-limit", "-q", NULL);
  g_autoptr(HangarAccountStore) store = ta_new_store ();
  const char *cid = json_object_get_string_member (sandbox->info, "confidential_client_id");
  const char *secret = json_object_get_string_member (sandbox->info, "confidential_client_secret");
  g_autoptr(HangarOAuthIntegration) integration =
    hangar_oauth_integration_new (sandbox->url, sandbox->url, cid, secret, sandbox->redirect_uri, NULL);
  g_autoptr(HangarOAuthIntegration) loaded = NULL;
  g_autoptr(HangarOAuthFlow) flow = hangar_oauth_flow_new (integration);
  g_autoptr(HangarCredentials) creds = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *redirect = NULL;
  g_autofree char *code = NULL;
  g_autofree char *metadata = NULL;
  HangarAccount *account;
  gint64 before;

  remember_token (secret);
  redirect = hangar_test_sandbox_consent (sandbox, hangar_oauth_flow_get_authorize_uri (flow), NULL, FALSE);
  code = hangar_oauth_flow_parse_redirect (flow, redirect, &error);
  g_assert_no_error (error);
  /* Basic auth with the secret (the sandbox refuses a confidential client without it). */
  hangar_account_store_connect_oauth_async (store, "confidential", flow, code, NULL, hangar_test_result_cb, &result);
  account = hangar_account_store_connect_oauth_finish (store, hangar_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  remember_account_tokens (store, account);

  /* The secret is kept in the keyring, never in the metadata file. */
  creds = ta_load_credentials (store, account);
  g_assert_cmpstr (creds->client_secret, ==, secret);
  g_assert_true (hangar_account_store_flush (store, &error));
  g_assert_true (g_file_get_contents (hangar_account_store_get_path (store), &metadata, NULL, NULL));
  g_assert_null (strstr (metadata, secret));
  g_assert_nonnull (strstr (metadata, cid));
  hangar_account_store_load_integration_async (store, account, NULL, hangar_test_result_cb, &result);
  loaded = hangar_account_store_load_integration_finish (store, hangar_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (loaded->client_secret, ==, secret);
  g_assert_cmpstr (loaded->client_id, ==, cid);
  g_assert_cmpstr (loaded->redirect_uri, ==, sandbox->redirect_uri);

  /* Refreshing works with the stored secret, too. */
  g_assert_no_error (ta_client_whoami (account));
  before = stat_of (sandbox, "refreshes");
  advance_clock (3300);
  g_assert_no_error (ta_client_whoami (account));
  g_assert_cmpint (stat_of (sandbox, "refreshes") - before, ==, 1);
  g_assert_cmpint (hangar_account_get_status (account), ==, HANGAR_ACCOUNT_STATUS_ACTIVE);
  remember_account_tokens (store, account);
  reset_clock ();
}

static void
test_revoke (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--auto-approve", "--no-rate-limit", "-q", NULL);
  g_autoptr(HangarAccountStore) store = ta_new_store ();
  HangarAccount *account = ta_connect_oauth (store, sandbox, "rev", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *user_stat = NULL;
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) reply = NULL;
  guint invalidated = 0;
  guint status = 0;
  gint64 user_requests, all_requests;
  const char *uid;

  uid = hangar_test_sandbox_user (sandbox, 0, "id");
  user_stat = g_strdup_printf ("by_user.%s", uid);
  remember_account_tokens (store, account);
  g_signal_connect (hangar_account_get_token_source (account), "invalidated",
                    G_CALLBACK (count_invalidated_cb), &invalidated);
  g_assert_no_error (ta_client_whoami (account));

  body = g_strdup_printf ("{\"user\":\"%s\"}", uid);
  reply = hangar_test_sandbox_request (sandbox, "POST", "/__sandbox/revoke", NULL, body, &status);
  g_assert_cmpuint (status, ==, 200);
  user_requests = stat_of (sandbox, user_stat);

  /* At most one failed request, then REVOKED. */
  error = ta_client_whoami (account);
  g_assert_nonnull (error);
  g_test_message ("after revoke: %s", error->message);
  g_clear_error (&error);
  g_assert_cmpint (hangar_account_get_status (account), ==, HANGAR_ACCOUNT_STATUS_REVOKED);
  g_assert_nonnull (hangar_account_get_status_reason (account));
  g_assert_cmpuint (invalidated, ==, 1);
  g_assert_cmpint (stat_of (sandbox, user_stat) - user_requests, <=, 1);

  /* No further request reaches the sandbox for this account. */
  user_requests = stat_of (sandbox, user_stat);
  all_requests = stat_of (sandbox, "requests");
  for (guint i = 0; i < 3; i++)
    {
      error = ta_client_whoami (account);
      g_assert_nonnull (error);
      g_clear_error (&error);
    }
  /* (nothing may follow in the background either: real time is the point) */
  hangar_test_run_for (100);
  g_assert_cmpint (stat_of (sandbox, user_stat), ==, user_requests);
  /* (the stats request itself is the only one counted in between) */
  g_assert_cmpint (stat_of (sandbox, "requests") - all_requests, <=, 2);

  /* Reconnecting (same label, same user) revives the same account with a
   * fresh client; "client" is notified so panels fetch the new one. */
  {
    guint client_changed = 0;
    HangarAccount *again;

    g_assert_true (hangar_client_get_invalidated (hangar_account_get_client (account)));
    g_signal_connect_swapped (account, "notify::client", G_CALLBACK (items_changed_cb_count), &client_changed);
    again = ta_connect_oauth (store, sandbox, "rev", NULL);
    g_assert_true (again == account);
    g_assert_cmpint (hangar_account_get_status (account), ==, HANGAR_ACCOUNT_STATUS_ACTIVE);
    g_assert_cmpuint (client_changed, ==, 1);
    g_assert_false (hangar_client_get_invalidated (hangar_account_get_client (account)));
    g_assert_no_error (ta_client_whoami (account));
    remember_account_tokens (store, account);
  }
}

/* ------------------------------------------------------------------------ */

static GPtrArray *
list_base_ids (HangarAccount *account)
{
  HangarClient *client = hangar_account_get_client (account);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) bases = NULL;
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  hangar_client_list_bases_async (client, NULL, hangar_test_result_cb, &result);
  bases = hangar_client_list_bases_finish (client, hangar_test_wait_result (&result), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < bases->len; i++)
    g_ptr_array_add (ids, g_strdup (hangar_base_get_id (g_ptr_array_index (bases, i))));
  return ids;
}

static GPtrArray *
sandbox_user_bases (HangarTestSandbox *sandbox,
                    const char        *user_id)
{
  g_autoptr(JsonNode) node = hangar_test_sandbox_request (sandbox, "GET", "/__sandbox/users", NULL, NULL, NULL);
  JsonArray *users = json_object_get_array_member (json_node_get_object (node), "users");
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonObject *u = json_array_get_object_element (users, i);
      JsonArray *bases;

      if (!g_str_equal (json_object_get_string_member (u, "id"), user_id))
        continue;
      bases = json_object_get_array_member (u, "bases");
      for (guint j = 0; j < json_array_get_length (bases); j++)
        g_ptr_array_add (ids, g_strdup (json_array_get_string_element (bases, j)));
    }
  return ids;
}

static gboolean
contains (GPtrArray  *array,
          const char *s)
{
  return g_ptr_array_find_with_equal_func (array, s, g_str_equal, NULL);
}

static void
assert_same_set (GPtrArray *a,
                 GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_true (contains (b, a->pdata[i]));
}

static void
test_two_users (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--no-rate-limit", "-q", NULL);
  g_autoptr(HangarAccountStore) store = ta_new_store ();
  const char *uid1, *uid2, *pat2;
  HangarAccount *o1, *o2, *p2;
  g_autoptr(GPtrArray) want1 = NULL;
  g_autoptr(GPtrArray) want2 = NULL;
  g_autoptr(GPtrArray) got1 = NULL;
  g_autoptr(GPtrArray) got2 = NULL;
  g_autoptr(GPtrArray) gotp2 = NULL;
  guint only_theirs = 0;

  uid1 = hangar_test_sandbox_user (sandbox, 0, "id");
  uid2 = hangar_test_sandbox_user (sandbox, 1, "id");
  pat2 = hangar_test_sandbox_user (sandbox, 1, "pat");
  remember_token (pat2);

  /* OAuth as the default user, OAuth as the second user (switched on the
   * consent page), and the second user's PAT. */
  o1 = ta_connect_oauth (store, sandbox, "first", NULL);
  o2 = ta_connect_oauth (store, sandbox, "second", uid2);
  p2 = ta_connect_pat (store, sandbox, "second-pat", pat2);
  remember_account_tokens (store, o1);
  remember_account_tokens (store, o2);
  g_assert_cmpstr (hangar_account_get_user_id (o1), ==, uid1);
  g_assert_cmpstr (hangar_account_get_user_id (o2), ==, uid2);
  g_assert_cmpstr (hangar_account_get_user_id (p2), ==, uid2);
  g_assert_true (o1 != o2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 3);

  want1 = sandbox_user_bases (sandbox, uid1);
  want2 = sandbox_user_bases (sandbox, uid2);
  got1 = list_base_ids (o1);
  got2 = list_base_ids (o2);
  gotp2 = list_base_ids (p2);
  assert_same_set (got1, want1);
  assert_same_set (got2, want2);
  assert_same_set (gotp2, want2);
  /* Bases only the second user has never show up for the first, and back. */
  for (guint i = 0; i < want2->len; i++)
    if (!contains (want1, want2->pdata[i]))
      {
        only_theirs++;
        g_assert_false (contains (got1, want2->pdata[i]));
      }
  for (guint i = 0; i < want1->len; i++)
    if (!contains (want2, want1->pdata[i]))
      {
        only_theirs++;
        g_assert_false (contains (got2, want1->pdata[i]));
        g_assert_false (contains (gotp2, want1->pdata[i]));
      }
  g_assert_cmpuint (only_theirs, >, 0);
}

/* ------------------------------------------------------------------------ */

static void
test_scopes (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--auto-approve", "--no-rate-limit", "-q", NULL);
  g_autoptr(HangarAccountStore) store = ta_new_store ();
  const char *few[] = { "data.records:read", NULL };
  g_autoptr(HangarOAuthIntegration) integration = ta_sandbox_integration (sandbox);
  g_autoptr(HangarOAuthFlow) flow = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) forbidden = NULL;
  g_autoptr(GPtrArray) bases = NULL;
  g_autofree char *redirect = NULL;
  g_autofree char *code = NULL;
  g_autofree char *text = NULL;
  g_autofree char *body = NULL;
  g_auto(GStrv) missing = NULL;
  g_autoptr(JsonNode) reply = NULL;
  HangarAccount *narrow, *wide;
  HangarClient *client;
  const char *uid;

  g_strfreev (integration->scopes);
  integration->scopes = g_strdupv ((char **) few);
  flow = hangar_oauth_flow_new (integration);
  redirect = hangar_test_sandbox_consent (sandbox, hangar_oauth_flow_get_authorize_uri (flow), NULL, FALSE);
  code = hangar_oauth_flow_parse_redirect (flow, redirect, &error);
  g_assert_no_error (error);
  hangar_account_store_connect_oauth_async (store, "narrow", flow, code, NULL, hangar_test_result_cb, &result);
  narrow = hangar_account_store_connect_oauth_finish (store, hangar_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  remember_account_tokens (store, narrow);

  g_assert_true (hangar_scopes_account_can (narrow, HANGAR_CAPABILITY_RECORDS_READ));
  g_assert_false (hangar_scopes_account_can (narrow, HANGAR_CAPABILITY_SCHEMA_WRITE));
  missing = hangar_scopes_account_missing (narrow, HANGAR_CAPABILITY_SCHEMA_WRITE);
  g_assert_cmpstrv (missing, ((const char *[]) { "schema.bases:write", NULL }));
  g_assert_null (hangar_account_get_email (narrow));  /* no user.email:read */

  /* A real 403 for the missing scope, explained. */
  client = hangar_account_get_client (narrow);
  hangar_client_list_bases_async (client, NULL, hangar_test_result_cb, &result);
  bases = hangar_client_list_bases_finish (client, hangar_test_wait_result (&result), &forbidden);
  g_clear_object (&result);
  g_assert_null (bases);
  g_assert_error (forbidden, HANGAR_API_ERROR, HANGAR_API_ERROR_PERMISSION_DENIED);
  text = hangar_scopes_explain_forbidden (narrow, HANGAR_CAPABILITY_SCHEMA_READ, NULL, forbidden);
  g_assert_nonnull (strstr (text, "lacks the scope schema.bases:read"));
  g_clear_pointer (&text, g_free);

  /* With every scope, a 403 on a base that was taken away is a base grant. */
  wide = ta_connect_oauth (store, sandbox, "wide", NULL);
  remember_account_tokens (store, wide);
  bases = list_base_ids (wide);
  g_assert_cmpuint (bases->len, >, 0);
  uid = hangar_test_sandbox_user (sandbox, 0, "id");
  body = g_strdup_printf ("{\"user\":\"%s\",\"base\":\"%s\"}", uid, (char *) bases->pdata[0]);
  reply = hangar_test_sandbox_request (sandbox, "POST", "/__sandbox/remove-base", NULL, body, NULL);
  {
    g_autoptr(GPtrArray) tables = NULL;
    g_autoptr(GError) denied = NULL;

    client = hangar_account_get_client (wide);
    hangar_client_get_base_schema_async (client, bases->pdata[0], NULL, hangar_test_result_cb, &result);
    tables = hangar_client_get_base_schema_finish (client, hangar_test_wait_result (&result), &denied);
    g_assert_null (tables);
    g_assert_error (denied, HANGAR_API_ERROR, HANGAR_API_ERROR_PERMISSION_DENIED);
    text = hangar_scopes_explain_forbidden (wide, HANGAR_CAPABILITY_SCHEMA_READ, "Roadmap", denied);
    g_assert_nonnull (strstr (text, "The base “Roadmap” is not granted to this account"));
    g_assert_nonnull (strstr (text, "reconnect"));
  }
  g_assert_null (hangar_scopes_explain_forbidden (wide, HANGAR_CAPABILITY_SCHEMA_READ, NULL, NULL));
}

/* ------------------------------------------------------------------------ */

/* A saved integration (confidential, so with a secret) connects two
 * accounts of two users; it survives a second store ("process") and its
 * removal leaves the accounts working. */
static void
test_integrations (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--no-rate-limit", "-q", NULL);
  g_autoptr(HangarAccountStore) store = ta_new_store ();
  g_autoptr(HangarAccountStore) other = NULL;
  const char *cid = json_object_get_string_member (sandbox->info, "confidential_client_id");
  const char *secret = json_object_get_string_member (sandbox->info, "confidential_client_secret");
  const char *scopes[] = { "data.records:read", "schema.bases:read", "user.email:read", NULL };
  g_autoptr(HangarOAuthIntegration) integration =
    hangar_oauth_integration_new (sandbox->url, sandbox->url, cid, secret, sandbox->redirect_uri, scopes);
  g_autoptr(HangarOAuthIntegration) bad =
    hangar_oauth_integration_new (sandbox->url, sandbox->url, cid, NULL, "http://example.com/cb", NULL);
  g_autoptr(HangarOAuthIntegration) plain = NULL;
  g_autoptr(HangarOAuthIntegration) loaded = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) names = NULL;
  HangarAccount *accounts[2];
  const char *uid2;
  gboolean has_secret = FALSE;
  GStatBuf st;

  remember_token (secret);
  uid2 = hangar_test_sandbox_user (sandbox, 1, "id");

  /* Bad settings and names are refused before anything is written. */
  hangar_account_store_save_integration_async (store, "bad", bad, NULL, hangar_test_result_cb, &result);
  g_assert_false (hangar_account_store_save_integration_finish (store, hangar_test_wait_result (&result), &error));
  g_assert_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_SETTINGS);
  g_clear_error (&error);
  g_clear_object (&result);
  hangar_account_store_save_integration_async (store, "a|b", integration, NULL, hangar_test_result_cb, &result);
  g_assert_false (hangar_account_store_save_integration_finish (store, hangar_test_wait_result (&result), &error));
  g_assert_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_SETTINGS);
  g_clear_error (&error);
  g_clear_object (&result);

  hangar_account_store_save_integration_async (store, "Team app", integration, NULL, hangar_test_result_cb, &result);
  g_assert_true (hangar_account_store_save_integration_finish (store, hangar_test_wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  /* Listed, 0600 in a 0700 dir, without the secret. */
  names = hangar_account_store_list_integrations (store);
  g_assert_cmpstrv (names, ((const char *[]) { "Team app", NULL }));
  path = g_build_filename (g_get_user_config_dir (), "hangar", "integrations.json", NULL);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_null (strstr (contents, secret));
  g_assert_nonnull (strstr (contents, cid));
  plain = hangar_account_store_lookup_integration (store, "Team app", &has_secret);
  g_assert_nonnull (plain);
  g_assert_true (has_secret);
  g_assert_null (plain->client_secret);
  g_assert_cmpstrv (plain->scopes, scopes);
  g_assert_null (hangar_account_store_lookup_integration (store, "nope", NULL));

  /* Another store (process) loads it with its secret from the keyring. */
  other = ta_new_store ();
  hangar_account_store_load_named_integration_async (other, "Team app", NULL, hangar_test_result_cb, &result);
  loaded = hangar_account_store_load_named_integration_finish (other, hangar_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpstr (loaded->client_secret, ==, secret);
  g_assert_cmpstr (loaded->client_id, ==, cid);
  g_assert_cmpstr (loaded->redirect_uri, ==, sandbox->redirect_uri);

  /* Two users connect with it (Basic auth with the stored secret). */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(HangarOAuthFlow) flow = hangar_oauth_flow_new (loaded);
      g_autofree char *redirect = hangar_test_sandbox_consent (sandbox, hangar_oauth_flow_get_authorize_uri (flow),
                                              i == 0 ? NULL : uid2, FALSE);
      g_autofree char *code = hangar_oauth_flow_parse_redirect (flow, redirect, &error);
      g_autofree char *label = g_strdup_printf ("team %u", i);

      g_assert_no_error (error);
      hangar_account_store_connect_oauth_async (store, label, flow, code, NULL, hangar_test_result_cb, &result);
      accounts[i] = hangar_account_store_connect_oauth_finish (store, hangar_test_wait_result (&result), &error);
      g_assert_no_error (error);
      g_clear_object (&result);
      remember_account_tokens (store, accounts[i]);
      g_assert_cmpstr (hangar_account_get_client_id (accounts[i]), ==, cid);
    }
  g_assert_cmpstr (hangar_account_get_user_id (accounts[1]), ==, uid2);
  g_assert_cmpstr (hangar_account_get_user_id (accounts[0]), !=, uid2);

  /* Removing it clears its secret; the accounts keep their own copy. */
  hangar_account_store_remove_integration_async (store, "Team app", NULL, hangar_test_result_cb, &result);
  g_assert_true (hangar_account_store_remove_integration_finish (store, hangar_test_wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_clear_pointer (&names, g_strfreev);
  names = hangar_account_store_list_integrations (other);
  g_assert_cmpuint (g_strv_length (names), ==, 0);
  hangar_account_store_remove_integration_async (store, "Team app", NULL, hangar_test_result_cb, &result);
  g_assert_false (hangar_account_store_remove_integration_finish (store, hangar_test_wait_result (&result), &error));
  g_assert_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_object (&result);
  {
    /* The keyring item is gone: saved again without a secret, none is found. */
    g_autoptr(HangarOAuthIntegration) again = NULL;

    g_clear_pointer (&integration->client_secret, hangar_token_free);
    integration->client_secret = NULL;
    hangar_account_store_save_integration_async (store, "Team app", integration, NULL, hangar_test_result_cb, &result);
    g_assert_true (hangar_account_store_save_integration_finish (store, hangar_test_wait_result (&result), &error));
    g_clear_object (&result);
    hangar_account_store_load_named_integration_async (store, "Team app", NULL, hangar_test_result_cb, &result);
    again = hangar_account_store_load_named_integration_finish (store, hangar_test_wait_result (&result), &error);
    g_assert_no_error (error);
    g_clear_object (&result);
    g_assert_null (again->client_secret);
  }
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(HangarOAuthIntegration) own = NULL;

      hangar_account_store_load_integration_async (store, accounts[i], NULL, hangar_test_result_cb, &result);
      own = hangar_account_store_load_integration_finish (store, hangar_test_wait_result (&result), &error);
      g_assert_no_error (error);
      g_clear_object (&result);
      g_assert_cmpstr (own->client_secret, ==, secret);
      g_assert_no_error (ta_client_whoami (accounts[i]));
    }
}

static gboolean
log_says_no_system_bus (gpointer data)
{
  return strstr (log_text->str, "No system bus") != NULL;
}

/* Every test here ran without a system bus (main points the library at a
 * socket that does not exist): no resume notifications, and not a word
 * above debug level about it. */
static void
test_resume_no_system_bus (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--auto-approve", "-q", NULL);
  g_autoptr(HangarAccountStore) store = ta_new_store ();
  HangarAccount *account = ta_connect_oauth (store, sandbox, "nobus", NULL);

  remember_account_tokens (store, account);
  g_assert_no_error (ta_client_whoami (account));
  hangar_test_wait_until (log_says_no_system_bus, NULL, "the library to find no system bus");
  g_assert_false (_hangar_oauth_token_source_resume_watch_active ());
  g_assert_null (strstr (warning_text->str, "bus"));
  /* A re-check with nothing due changes nothing and sends nothing. */
  {
    gint64 requests = stat_of (sandbox, "requests");

    _hangar_oauth_token_source_recheck_all ();
    /* (nothing may follow: real time is the point) */
    hangar_test_run_for (50);
    g_assert_cmpint (stat_of (sandbox, "requests") - requests, <=, 1);  /* the stat request */
    g_assert_cmpint (stat_of (sandbox, "refreshes"), ==, 0);
  }
  g_assert_no_error (ta_client_whoami (account));
}

static void
test_no_token_leaks (void)
{
  guint files = 0;

  /* Runs last: every token the other tests handled. */
  g_assert_cmpuint (hangar_test_secrets_get_n (seen_tokens), >=, 10);
  files = hangar_test_secrets_assert_not_in_xdg_dirs (seen_tokens);
  g_test_message ("%u files scanned for %u tokens", files, hangar_test_secrets_get_n (seen_tokens));
  g_assert_cmpuint (files, >, 0);
  g_assert_cmpuint (log_text->len, >, 0);
  hangar_test_secrets_assert_not_in_text (seen_tokens, "the library's log", log_text->str);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  ta_init_environment ();
  /* Record everything the library logs (debug included) to scan it later. */
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  seen_tokens = hangar_test_secrets_new ();
  log_text = g_string_new (NULL);
  warning_text = g_string_new (NULL);
  {
    g_autofree char *nowhere = g_build_filename (g_get_user_runtime_dir (), "no-system-bus", NULL);
    g_autofree char *address = g_strconcat ("unix:path=", nowhere, NULL);

    g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", address, TRUE);
  }
  g_log_set_writer_func (capture_writer, NULL, NULL);

  g_test_add_func ("/hangar/auth/store/basics", test_store_basics);
  g_test_add_func ("/hangar/auth/store/secrets-and-remove", test_store_secrets_and_remove);
  g_test_add_func ("/hangar/auth/flow/full", test_flow_full);
  g_test_add_func ("/hangar/auth/flow/denied", test_flow_denied);
  g_test_add_func ("/hangar/auth/flow/state-and-foreign-redirect", test_flow_state_and_foreign_redirect);
  g_test_add_func ("/hangar/auth/flow/code-reuse", test_flow_code_reuse);
  g_test_add_func ("/hangar/auth/flow/confidential-client", test_confidential_client);
  g_test_add_func ("/hangar/auth/pat", test_pat);
  g_test_add_func ("/hangar/auth/refresh/proactive", test_refresh_proactive);
  g_test_add_func ("/hangar/auth/refresh/single-flight", test_refresh_single_flight);
  g_test_add_func ("/hangar/auth/refresh/two-stores", test_refresh_two_stores);
  g_test_add_func ("/hangar/auth/refresh/token-expired", test_refresh_token_expired);
  g_test_add_func ("/hangar/auth/refresh/token-near-end", test_refresh_token_near_end);
  g_test_add_func ("/hangar/auth/refresh/network-failure", test_refresh_network_failure);
  g_test_add_func ("/hangar/auth/refresh/conflict", test_refresh_conflict);
  g_test_add_func ("/hangar/auth/revoke", test_revoke);
  g_test_add_func ("/hangar/auth/two-users", test_two_users);
  g_test_add_func ("/hangar/auth/scopes", test_scopes);
  g_test_add_func ("/hangar/auth/integrations", test_integrations);
  g_test_add_func ("/hangar/auth/resume/no-system-bus", test_resume_no_system_bus);
  g_test_add_func ("/hangar/auth/zz/no-token-leaks", test_no_token_leaks);

  return g_test_run ();
}
