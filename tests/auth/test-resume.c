/* test-resume.c — a resume from suspend (logind's PrepareForSleep(false) on
 * the system bus) makes the token sources re-check their expiry at once.
 *
 * The "system bus" is a private dbus-daemon (GTestDBus) that the library
 * finds through DBUS_SYSTEM_BUS_ADDRESS; the test owns org.freedesktop.login1
 * on it and emits the real signal. A suspend is what a process sees as the
 * wall clock jumping ahead while the main loop's (monotonic) timers stand
 * still: the test moves the accounts layer's wall clock on by 15 s, so the
 * refresh timer, armed on the monotonic clock, does not fire for another
 * ~13 s, and only the resume signal can explain a refresh before that.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "test-auth-common.h"

#include "hangar-account-private.h"

static GTestDBus *bus;

static GDBusConnection *
login1_connection (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  GDBusConnection *conn;
  guint32 result = 0;

  conn = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (bus),
                                                 G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                 G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                 NULL, NULL, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (conn, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.login1", 4 /* DO_NOT_QUEUE */),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u)", &result);
  g_assert_cmpuint (result, ==, 1 /* PRIMARY_OWNER */);
  return conn;
}

static void
emit_prepare_for_sleep (GDBusConnection *conn,
                        gboolean         sleeping)
{
  g_autoptr(GError) error = NULL;

  g_dbus_connection_emit_signal (conn, NULL, "/org/freedesktop/login1",
                                 "org.freedesktop.login1.Manager", "PrepareForSleep",
                                 g_variant_new ("(b)", sleeping), &error);
  g_assert_no_error (error);
  g_dbus_connection_flush_sync (conn, NULL, &error);
  g_assert_no_error (error);
}

static gboolean
resume_watch_active (gpointer data)
{
  return _hangar_oauth_token_source_resume_watch_active ();
}

typedef struct
{
  GDBusConnection   *login1;
  HangarTestSandbox *sandbox;
  gint64             before;
  gint64             sent_at;
} WakeWait;

/* Sends PrepareForSleep(false) every 100 ms until a refresh was seen. */
static gboolean
woken_and_refreshed (gpointer data)
{
  WakeWait *w = data;

  if (hangar_test_sandbox_stat (w->sandbox, "refreshes") != w->before)
    return TRUE;
  if (g_get_monotonic_time () - w->sent_at >= 100 * 1000)
    {
      emit_prepare_for_sleep (w->login1, FALSE);
      w->sent_at = g_get_monotonic_time ();
    }
  return FALSE;
}

typedef struct
{
  HangarAccount *account;
  gint64         last_refresh;
} RefreshWait;

static gboolean
last_refresh_moved (gpointer data)
{
  RefreshWait *w = data;

  return hangar_account_get_last_refresh (w->account) > w->last_refresh;
}

static void
test_resume_rechecks (void)
{
  g_autoptr(HangarTestSandbox) sandbox =
    hangar_test_sandbox_start ("--auto-approve", "--access-ttl", "20", "--no-rate-limit", "-q", NULL);
  g_autoptr(HangarAccountStore) store = ta_new_store ();
  g_autoptr(GDBusConnection) login1 = login1_connection ();
  HangarAccount *account;
  gint64 before, last_refresh;
  gint64 started = g_get_monotonic_time ();

  account = ta_connect_oauth (store, sandbox, "sleepy", NULL);
  /* Loads the tokens and arms the refresh timer: 20 s token, handed out
   * for 10 s, refreshed 3 s after that (13 s from now, monotonic). */
  g_assert_no_error (ta_client_whoami (account));
  hangar_test_wait_until (resume_watch_active, NULL, "the resume watch on the system bus");
  before = hangar_test_sandbox_stat (sandbox, "refreshes");
  last_refresh = hangar_account_get_last_refresh (account);

  /* Going to sleep changes nothing (for a while: real time is the point). */
  emit_prepare_for_sleep (login1, TRUE);
  hangar_test_run_for (200);
  g_assert_cmpint (hangar_test_sandbox_stat (sandbox, "refreshes"), ==, before);

  /* 15 s of sleep: the token is past its refresh time by the wall clock,
   * but nothing in the main loop knows yet. */
  _hangar_auth_set_clock_skew (15 * G_USEC_PER_SEC);
  hangar_test_run_for (300);   /* (nothing happens meanwhile) */
  g_assert_cmpint (hangar_test_sandbox_stat (sandbox, "refreshes"), ==, before);

  /* Wake-up: refreshed at once. The signal is sent again until it is seen,
   * since the bus may route it before the library's match rule is in. */
  {
    WakeWait w = { login1, sandbox, before, 0 };

    hangar_test_wait_until (woken_and_refreshed, &w, "a refresh after the resume signal");
  }
  /* Only conclusive long before the (monotonic) refresh timer could have
   * fired by itself; a machine that slow cannot tell the two apart. */
  if (g_get_monotonic_time () - started > 12 * G_USEC_PER_SEC)
    {
      _hangar_auth_set_clock_skew (0);
      g_test_incomplete ("too slow to tell the resume signal from the refresh timer");
      return;
    }
  g_assert_cmpint (hangar_test_sandbox_stat (sandbox, "refreshes") - before, ==, 1);
  {
    RefreshWait w = { account, last_refresh };

    hangar_test_wait_until (last_refresh_moved, &w, "the account's last refresh to move");
  }
  g_assert_cmpint (hangar_account_get_status (account), ==, HANGAR_ACCOUNT_STATUS_ACTIVE);

  /* The fresh token works; no request was refused on the way. */
  g_assert_no_error (ta_client_whoami (account));
  g_assert_cmpint (hangar_test_sandbox_stat (sandbox, "refreshes") - before, ==, 1);
  g_assert_cmpint (hangar_test_sandbox_stat (sandbox, "by_status.401"), ==, 0);
  _hangar_auth_set_clock_skew (0);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *daemon = g_find_program_in_path ("dbus-daemon");
  int ret;

  g_test_init (&argc, &argv, NULL);
  ta_init_environment ();
  if (daemon == NULL)
    {
      g_printerr ("dbus-daemon missing: skipping\n");
      return 77;
    }
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", g_test_dbus_get_bus_address (bus), TRUE);

  g_test_add_func ("/hangar/auth/resume/rechecks", test_resume_rechecks);
  ret = g_test_run ();

  g_test_dbus_down (bus);
  g_clear_object (&bus);
  return ret;
}
