/* test-metadata.c — account metadata changes only through src/auth's typed
 * functions; moving sandbox accounts to a new port; what the store does
 * with broken or oversized metadata and keyring payloads.
 *
 * A real hangar-sandbox and libsecret's file backend.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "test-auth-common.h"

#include <glib/gstdio.h>

#include "hangar-account-private.h"

static void
connected_cb (HangarAccount *account,
              GParamSpec    *pspec,
              guint         *count)
{
  (*count)++;
}

/* No property of an account can be set by name from outside src/auth:
 * only "id", once, at construction. */
static void
test_properties_read_only (void)
{
  g_autoptr(GTypeClass) klass = g_type_class_ref (HANGAR_TYPE_ACCOUNT);
  guint n = 0;
  g_autofree GParamSpec **pspecs = g_object_class_list_properties (G_OBJECT_CLASS (klass), &n);

  g_assert_cmpuint (n, >=, 20);
  for (guint i = 0; i < n; i++)
    {
      if (g_str_equal (pspecs[i]->name, "id"))
        {
          g_assert_true (pspecs[i]->flags & G_PARAM_CONSTRUCT_ONLY);
          continue;
        }
      if (pspecs[i]->flags & G_PARAM_WRITABLE)
        g_error ("HangarAccount:%s is writable", pspecs[i]->name);
    }
}

/* Two sandbox accounts (a token and an OAuth one), one account of a real
 * server, and a pending one: the sandbox moves to another address. */
static void
test_move_sandbox_accounts (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--auto-approve", "-q", NULL);
  g_autoptr(HangarAccountStore) store = ta_new_store ();
  g_autoptr(HangarAccountStore) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = g_uri_parse (sandbox->url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *moved_url = NULL;
  g_autofree char *pat_identifier = NULL;
  g_autofree char *oauth_identifier = NULL;
  HangarAccount *pat, *oauth, *remote, *pending;
  HangarClient *old_client;
  guint client_notified = 0;
  const char *uid;

  ta_sandbox_user (sandbox, 0, &uid, NULL);
  pat = ta_connect_pat (store, sandbox, "pat", sandbox->pat);
  oauth = ta_connect_oauth (store, sandbox, "oauth", NULL);
  remote = hangar_account_store_get_or_create (store, "pat|https://api.airtable.com|usrREMOTE", "remote",
                                               HANGAR_ACCOUNT_KIND_PAT);
  _hangar_account_set_api_url (remote, "https://api.airtable.com");
  _hangar_account_set_identity (remote, "usrREMOTE", NULL);
  pending = hangar_account_store_get_or_create (store, "pending|later", "later", HANGAR_ACCOUNT_KIND_OAUTH);
  _hangar_account_set_api_url (pending, sandbox->url);
  _hangar_account_set_oauth_url (pending, sandbox->url);

  g_assert_no_error (ta_client_whoami (oauth));
  old_client = hangar_account_get_client (oauth);
  g_assert_cmpstr (hangar_client_get_api_url (old_client), ==, sandbox->url);
  g_signal_connect (oauth, "notify::client", G_CALLBACK (connected_cb), &client_notified);

  /* Nothing moves to where everything already is, nor to a URL that is
   * not a local sandbox's. */
  g_assert_cmpuint (hangar_account_store_move_sandbox_accounts (store, sandbox->url), ==, 0);
  g_assert_cmpuint (hangar_account_store_move_sandbox_accounts (store, "https://api.airtable.com"), ==, 0);
  g_assert_cmpuint (hangar_account_store_move_sandbox_accounts (store, "http://example.com:8470"), ==, 0);
  g_assert_cmpuint (hangar_account_store_move_sandbox_accounts (store, "ftp://127.0.0.1:8470"), ==, 0);
  g_assert_cmpstr (hangar_account_get_api_url (pat), ==, sandbox->url);
  g_assert_cmpuint (client_notified, ==, 0);

  /* "localhost" reaches the same sandbox under another URL, so the moved
   * accounts can be checked to work there. */
  moved_url = g_strdup_printf ("http://localhost:%d", g_uri_get_port (uri));
  g_assert_cmpuint (hangar_account_store_move_sandbox_accounts (store, moved_url), ==, 3);

  pat_identifier = g_strdup_printf ("pat|%s|%s", moved_url, uid);
  oauth_identifier = g_strdup_printf ("oauth|%s|%s|%s", moved_url, sandbox->client_id, uid);
  g_assert_cmpstr (hangar_account_get_api_url (pat), ==, moved_url);
  g_assert_cmpstr (hangar_account_get_identifier (pat), ==, pat_identifier);
  g_assert_cmpstr (hangar_account_get_api_url (oauth), ==, moved_url);
  g_assert_cmpstr (hangar_account_get_oauth_url (oauth), ==, moved_url);
  g_assert_cmpstr (hangar_account_get_identifier (oauth), ==, oauth_identifier);
  g_assert_cmpstr (hangar_account_get_api_url (pending), ==, moved_url);
  g_assert_cmpstr (hangar_account_get_identifier (pending), ==, "pending|later");
  g_assert_cmpstr (hangar_account_get_api_url (remote), ==, "https://api.airtable.com");
  g_assert_cmpstr (hangar_account_get_identifier (remote), ==, "pat|https://api.airtable.com|usrREMOTE");

  /* The old client (made for the old URL) was replaced, and the new one
   * works with the saved tokens. */
  g_assert_cmpuint (client_notified, ==, 1);
  g_assert_true (hangar_account_get_client (oauth) != old_client);
  g_assert_cmpstr (hangar_client_get_api_url (hangar_account_get_client (oauth)), ==, moved_url);
  g_assert_no_error (ta_client_whoami (oauth));
  g_assert_no_error (ta_client_whoami (pat));

  /* Signing in again finds the moved account, not a twin. */
  g_assert_true (hangar_account_store_lookup_by_identifier (store, oauth_identifier) == oauth);

  /* Saved, and seen by another process. */
  g_assert_true (hangar_account_store_flush (store, &error));
  g_assert_no_error (error);
  other = hangar_account_store_new_for_path (hangar_account_store_get_path (store), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hangar_account_get_api_url (hangar_account_store_lookup_by_label (other, "oauth")), ==, moved_url);
  g_assert_cmpstr (hangar_account_get_identifier (hangar_account_store_lookup_by_label (other, "pat")), ==,
                   pat_identifier);

  /* Moving again to the same place changes nothing; a trailing slash is
   * the same place. */
  {
    g_autofree char *slashed = g_strconcat (moved_url, "/", NULL);

    g_assert_cmpuint (hangar_account_store_move_sandbox_accounts (store, moved_url), ==, 0);
    g_assert_cmpuint (hangar_account_store_move_sandbox_accounts (store, slashed), ==, 0);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  ta_init_environment ();

  g_test_add_func ("/hangar/auth/metadata/read-only", test_properties_read_only);
  g_test_add_func ("/hangar/auth/metadata/move-sandbox-accounts", test_move_sandbox_accounts);

  return g_test_run ();
}
