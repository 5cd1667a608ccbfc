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
#include <libsecret/secret.h>

#include "hangar-account-private.h"
#include "hangar-json.h"

/* "[[[…]]]" @depth deep, wrapped as @prefix … @suffix. */
static char *
nested (const char *prefix,
        guint       depth,
        const char *suffix)
{
  GString *s = g_string_new (prefix);

  for (guint i = 0; i < depth; i++)
    g_string_append_c (s, '[');
  for (guint i = 0; i < depth; i++)
    g_string_append_c (s, ']');
  g_string_append (s, suffix);
  return g_string_free (s, FALSE);
}

/* Warnings are fatal in tests; one that is expected is taken here. */
static GString *expected_warnings;

static GLogWriterOutput
writer (GLogLevelFlags   level,
        const GLogField *fields,
        gsize            n_fields,
        gpointer         user_data)
{
  if (expected_warnings != NULL && (level & G_LOG_LEVEL_WARNING))
    {
      for (gsize i = 0; i < n_fields; i++)
        if (g_str_equal (fields[i].key, "MESSAGE"))
          g_string_append_printf (expected_warnings, "%s\n", (const char *) fields[i].value);
      return G_LOG_WRITER_HANDLED;
    }
  return g_log_writer_default (level, fields, n_fields, user_data);
}

static char *
metadata_path (const char *name)
{
  g_autofree char *file = g_strdup_printf ("%s-%u.json", name, (guint) g_random_int ());

  return g_build_filename (g_get_user_config_dir (), "hangar-meta", file, NULL);
}

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
  g_autoptr(HangarClient) old_client = NULL;
  guint client_notified = 0;
  const char *uid;

  uid = hangar_test_sandbox_user (sandbox, 0, "id");
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
  old_client = g_object_ref (hangar_account_get_client (oauth));
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

/* A broken accounts.json is refused with a message saying what is wrong
 * (never a crash inside json-glib), and the file is left alone. */
static void
test_accounts_file_hostile (void)
{
  g_autofree char *deep = nested ("{\"version\":1,\"accounts\":", 100000, "}");
  g_autofree char *big = NULL;
  g_autofree char *path = metadata_path ("accounts");
  g_autofree char *dir = g_path_get_dirname (path);
  struct { const char *what; const char *contents; const char *expect; } cases[] = {
    { "deeply nested", deep, "deep" },
    { "comments", "{\"version\":1,/* no */\"accounts\":[]}", "Invalid JSON" },
    { "single quotes", "{'version':1,'accounts':[]}", "Invalid JSON" },
    { "not an object", "[1,2,3]", "no \"accounts\" array" },
    { "a NUL byte", NULL, "NUL" },
  };

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HangarAccountStore) store = NULL;
      g_autofree char *after = NULL;

      if (cases[i].contents != NULL)
        g_assert_true (g_file_set_contents (path, cases[i].contents, -1, NULL));
      else
        g_assert_true (g_file_set_contents (path, "{\"version\":1,\"accounts\":[]}\0[]", 30, NULL));
      store = hangar_account_store_new_for_path (path, &error);
      g_test_message ("%s: %s", cases[i].what, error ? error->message : "(accepted)");
      g_assert_null (store);
      g_assert_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_FAILED);
      g_assert_nonnull (strstr (error->message, cases[i].expect));
      /* Nothing was written over it. */
      g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
      if (cases[i].contents != NULL)
        g_assert_cmpstr (after, ==, cases[i].contents);
    }

  /* Larger than the limit: refused before it is read. */
  big = g_malloc (5 * 1024 * 1024 + 1);
  memset (big, ' ', 5 * 1024 * 1024);
  big[5 * 1024 * 1024] = '\0';
  memcpy (big, "{\"version\":1,\"accounts\":[]}", strlen ("{\"version\":1,\"accounts\":[]}"));
  g_assert_true (g_file_set_contents (path, big, -1, NULL));
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(HangarAccountStore) store = hangar_account_store_new_for_path (path, &error);

    g_assert_null (store);
    g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED);
    g_assert_nonnull (strstr (error->message, "at most"));
  }

  /* Whitespace around it is fine. */
  g_assert_true (g_file_set_contents (path, "\n  {\"version\":1,\"accounts\":[]}  \n\n", -1, NULL));
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(HangarAccountStore) store = hangar_account_store_new_for_path (path, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  }
}

/* A broken integrations.json: nothing is listed, and using a saved
 * integration says why. */
static void
test_integrations_file_hostile (void)
{
  g_autoptr(HangarAccountStore) store = ta_new_store ();
  g_autofree char *dir = g_path_get_dirname (hangar_account_store_get_path (store));
  g_autofree char *path = g_build_filename (dir, "integrations.json", NULL);
  g_autofree char *deep = nested ("{\"version\":1,\"integrations\":", 100000, "}");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;
  g_autoptr(HangarOAuthIntegration) integration = NULL;

  g_assert_true (g_file_set_contents (path, deep, -1, NULL));
  names = hangar_account_store_list_integrations (store);
  g_assert_cmpuint (g_strv_length (names), ==, 0);
  hangar_account_store_remove_integration_async (store, "any", NULL, hangar_test_result_cb, &result);
  g_assert_false (hangar_account_store_remove_integration_finish (store, hangar_test_wait_result (&result), &error));
  g_assert_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_FAILED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "deep"));
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_unlink (path);

  /* Hand-edited with a value json-glib cannot hold: read, and said. */
  g_assert_true (g_file_set_contents (path,
                                      "{\"version\":1,\"integrations\":[{\"name\":\"n\",\"client_id\":\"c\","
                                      "\"redirect_uri\":\"http://127.0.0.1:9/cb\",\"extra\":1e999999}]}",
                                      -1, NULL));
  expected_warnings = g_string_new (NULL);
  integration = hangar_account_store_lookup_integration (store, "n", NULL);
  g_assert_nonnull (strstr (expected_warnings->str, "integrations.json"));
  g_assert_nonnull (strstr (expected_warnings->str, "1e999999 is out of range"));
  g_string_free (g_steal_pointer (&expected_warnings), TRUE);
  g_assert_nonnull (integration);
  g_assert_cmpstr (integration->client_id, ==, "c");
}

static const SecretSchema account_schema = {
  HANGAR_SECRET_SCHEMA_NAME, SECRET_SCHEMA_NONE,
  {
    { "account-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "generation", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

/* What another program (or a damaged keyring) left in an account's item. */
static void
put_raw_secret (HangarAccount *account,
                const char    *payload)
{
  g_autoptr(GError) error = NULL;

  /* The store re-reads the file backend before each operation; so must we. */
  secret_service_disconnect ();
  g_assert_true (secret_password_store_sync (&account_schema, SECRET_COLLECTION_DEFAULT, "test", payload, NULL,
                                             &error,
                                             "account-id", hangar_account_get_id (account),
                                             "generation", HANGAR_SECRET_GENERATION,
                                             NULL));
  g_assert_no_error (error);
}

static void
test_keyring_payload_hostile (void)
{
  g_autoptr(HangarAccountStore) store = ta_new_store ();
  HangarAccount *account = hangar_account_store_get_or_create (store, "pending|raw", "raw",
                                                               HANGAR_ACCOUNT_KIND_OAUTH);
  g_autofree char *deep = nested ("{\"access_token\":", 1000, "}");
  g_autofree char *big = g_strnfill (100 * 1024, 'x');
  g_autofree char *large = g_strdup_printf ("{\"access_token\":\"%s\"}", big);
  const char *payloads[] = { deep, large, "{\"access_token\":'single'}", "[]" };
  const char *expect[] = { "deep", "larger", "Invalid JSON", "not a JSON object" };

  for (guint i = 0; i < G_N_ELEMENTS (payloads); i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(HangarCredentials) creds = NULL;

      put_raw_secret (account, payloads[i]);
      hangar_account_store_load_credentials_async (store, account, NULL, hangar_test_result_cb, &result);
      creds = hangar_account_store_load_credentials_finish (store, hangar_test_wait_result (&result), &error);
      g_assert_null (creds);
      g_assert_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_KEYRING);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, expect[i]));
    }

  /* Times that are not integers in range are unknown (0), never wrapped. */
  put_raw_secret (account, "{\"access_token\":\"oaaTOKEN0123\",\"access_expires_at\":1e300,"
                           "\"refresh_expires_at\":-5,\"issued_at\":12.5}");
  {
    g_autoptr(HangarCredentials) creds = ta_load_credentials (store, account);

    g_assert_cmpstr (creds->access_token, ==, "oaaTOKEN0123");
    g_assert_cmpint (creds->access_expires_at, ==, 0);
    g_assert_cmpint (creds->refresh_expires_at, ==, 0);
    g_assert_cmpint (creds->issued_at, ==, 0);
  }

  /* What we write reads back the same. */
  {
    g_autoptr(HangarCredentials) creds = hangar_credentials_new ();
    g_autoptr(HangarCredentials) back = NULL;
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;

    creds->access_token = g_strdup ("oaa\"quoted\\and\ncontrol\x01");
    creds->refresh_token = g_strdup ("oarREFRESH0123");
    creds->access_expires_at = G_GINT64_CONSTANT (1700000000123456);
    creds->refresh_expires_at = G_MAXINT64;
    creds->issued_at = 1;
    hangar_account_store_save_credentials_async (store, account, creds, NULL, hangar_test_result_cb, &result);
    g_assert_true (hangar_account_store_save_credentials_finish (store, hangar_test_wait_result (&result), &error));
    back = ta_load_credentials (store, account);
    g_assert_cmpstr (back->access_token, ==, creds->access_token);
    g_assert_cmpstr (back->refresh_token, ==, creds->refresh_token);
    g_assert_cmpint (back->access_expires_at, ==, creds->access_expires_at);
    g_assert_cmpint (back->refresh_expires_at, ==, creds->refresh_expires_at);
    g_assert_cmpint (back->issued_at, ==, 1);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  ta_init_environment ();
  g_log_set_writer_func (writer, NULL, NULL);

  g_test_add_func ("/hangar/auth/metadata/read-only", test_properties_read_only);
  g_test_add_func ("/hangar/auth/metadata/move-sandbox-accounts", test_move_sandbox_accounts);
  g_test_add_func ("/hangar/auth/metadata/accounts-file-hostile", test_accounts_file_hostile);
  g_test_add_func ("/hangar/auth/metadata/integrations-file-hostile", test_integrations_file_hostile);
  g_test_add_func ("/hangar/auth/metadata/keyring-payload-hostile", test_keyring_payload_hostile);

  return g_test_run ();
}
