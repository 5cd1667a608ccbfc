/* test-keyring.c — the real flow against a real gnome-keyring-daemon
 *
 * Run plainly, the binary gives itself a fresh HOME, then re-executes
 * itself inside its own D-Bus session (dbus-run-session) after starting
 * `gnome-keyring-daemon --unlock --components=secrets` with a password on
 * stdin. The inner run connects an OAuth account (tokens in the real Secret
 * Service), checks the item, lets two hangar-cli processes refresh at once,
 * and removes the account again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE 1
#include "test-auth-common.h"

#include <libsecret/secret.h>
#include <errno.h>
#include <unistd.h>

static const SecretSchema schema = {
  HANGAR_SECRET_SCHEMA_NAME, SECRET_SCHEMA_NONE,
  {
    { "account-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "generation", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

static char *
lookup_raw (const char *account_id)
{
  g_autoptr(GError) error = NULL;
  char *secret = secret_password_lookup_sync (&schema, NULL, &error,
                                              "account-id", account_id,
                                              "generation", HANGAR_SECRET_GENERATION,
                                              NULL);

  g_assert_no_error (error);
  return secret;
}

static int
cli_status (const char * const *argv)
{
  g_autoptr(HangarTestRun) run = hangar_test_run (argv, NULL, NULL);

  return run->status;
}

static void
test_real_keyring (void)
{
  g_autoptr(HangarTestSandbox) sandbox =
    hangar_test_sandbox_start ("--auto-approve", "--access-ttl", "4", "--no-rate-limit", "-q", NULL);
  g_autoptr(HangarAccountStore) store = hangar_account_store_new (NULL);
  g_autoptr(HangarCredentials) creds = NULL;
  g_autoptr(HangarCredentials) after = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *id = NULL;
  const char *cli_args[] = { HANGAR_CLI_PATH, "-a", "real", "bases", NULL };
  g_autoptr(HangarTestSecrets) secrets = hangar_test_secrets_new ();
  HangarAccount *account;
  gint64 before;

  g_assert_null (g_getenv ("SECRET_BACKEND"));
  account = ta_connect_oauth (store, sandbox, "real", NULL);
  id = g_strdup (hangar_account_get_id (account));
  g_assert_true (hangar_account_store_flush (store, &error));

  /* The item is in the daemon, under our schema and generation. */
  creds = ta_load_credentials (store, account);
  raw = lookup_raw (id);
  g_assert_nonnull (raw);
  g_assert_nonnull (strstr (raw, creds->refresh_token));
  g_assert_no_error (ta_client_whoami (account));

  /* Two processes at expiry: one refresh, through the daemon. The other
   * processes read the real clock, so real time has to pass for the token
   * to reach its refresh margin (2 s of its 4); this process's main loop
   * stays stopped meanwhile, so its own refresh timer keeps out of it. */
  before = hangar_test_sandbox_stat (sandbox, "refreshes");
  g_usleep (3400 * 1000);
  {
    g_autoptr(GSubprocess) p1 = hangar_test_spawn (cli_args, NULL, FALSE);
    g_autoptr(GSubprocess) p2 = hangar_test_spawn (cli_args, NULL, FALSE);
    g_autoptr(HangarTestRun) r1 = hangar_test_finish (p1, NULL);
    g_autoptr(HangarTestRun) r2 = hangar_test_finish (p2, NULL);

    g_assert_cmpint (r1->status, ==, 0);
    g_assert_cmpint (r2->status, ==, 0);
  }
  g_assert_cmpint (hangar_test_sandbox_stat (sandbox, "refreshes") - before, ==, 1);
  g_assert_cmpint (hangar_test_sandbox_stat (sandbox, "by_status.409"), ==, 0);

  /* This process sees the rotated pair (it re-reads under the lock after
   * its own token is rejected) and keeps working without a new refresh. */
  after = ta_load_credentials (store, account);
  g_assert_cmpstr (after->refresh_token, !=, creds->refresh_token);
  before = hangar_test_sandbox_stat (sandbox, "refreshes");
  g_assert_no_error (ta_client_whoami (account));
  g_assert_cmpint (hangar_test_sandbox_stat (sandbox, "refreshes"), ==, before);
  g_assert_cmpint (cli_status (cli_args), ==, 0);

  /* No token on disk in clear (the daemon's keyring file is encrypted). */
  hangar_test_secrets_add (secrets, after->access_token);
  hangar_test_secrets_add (secrets, after->refresh_token);
  g_assert_cmpuint (hangar_test_secrets_assert_not_in_dir (secrets, g_get_home_dir ()), >, 0);

  /* Removal clears the item. */
  hangar_account_store_remove_async (store, account, NULL, hangar_test_result_cb, &result);
  g_assert_true (hangar_account_store_remove_finish (store, hangar_test_wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_pointer (&raw, secret_password_free);
  raw = lookup_raw (id);
  g_assert_null (raw);
}

static int
run_outer (int    argc,
           char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("hangar-keyring-XXXXXX", &error);
  g_autofree char *dbus = g_find_program_in_path ("dbus-run-session");
  g_autofree char *daemon = g_find_program_in_path ("gnome-keyring-daemon");
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  const char *subdirs[] = { "data", "config", "cache", "runtime" };
  const char *vars[] = { "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR" };
  g_autoptr(GPtrArray) args = g_ptr_array_new ();

  if (dbus == NULL || daemon == NULL || root == NULL || self == NULL)
    {
      g_printerr ("dbus-run-session or gnome-keyring-daemon missing: skipping\n");
      return 77;
    }
  g_setenv ("HOME", root, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *path = g_build_filename (root, subdirs[i], NULL);

      g_mkdir_with_parents (path, 0700);
      g_setenv (vars[i], path, TRUE);
    }
  g_unsetenv ("SECRET_BACKEND");
  g_unsetenv ("SECRET_FILE_TEST_PATH");
  g_unsetenv ("SECRET_FILE_TEST_PASSWORD");

  g_ptr_array_add (args, dbus);
  g_ptr_array_add (args, (char *) "--");
  g_ptr_array_add (args, (char *) "sh");
  g_ptr_array_add (args, (char *) "-c");
  g_ptr_array_add (args, (char *) "printf %s hangar-test-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 77; "
                                  "exec \"$0\" --inner \"$@\"");
  g_ptr_array_add (args, self);
  for (int i = 1; i < argc; i++)
    g_ptr_array_add (args, argv[i]);
  g_ptr_array_add (args, NULL);
  execv (dbus, (char **) args->pdata);
  g_printerr ("could not run %s: %s\n", dbus, g_strerror (errno));
  return 1;
}

int
main (int   argc,
      char *argv[])
{
  gboolean inner = FALSE;

  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--inner"))
      {
        inner = TRUE;
        for (int j = i; j < argc - 1; j++)
          argv[j] = argv[j + 1];
        argc--;
        argv[argc] = NULL;
        break;
      }
  if (!inner)
    return run_outer (argc, argv);

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hangar/auth/keyring/gnome-keyring", test_real_keyring);
  return g_test_run ();
}
