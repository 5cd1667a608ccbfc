/* test-sandbox-latency.c — --latency and the control API's latency route:
 * answers are held back without blocking other requests
 *
 * Nothing here asserts that something is fast. What is asserted: an answer
 * never comes sooner than the latency (a lower bound the server guarantees),
 * and overlap is shown by the server's own accounting of held answers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "test-sandbox-common.h"

static gint64
timed_whoami (HangarTestSandbox *sb)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(JsonObject) me = sb_call (sb, "GET", "/v0/meta/whoami", sb->pat, NULL, 200);

  g_assert_nonnull (me);
  return (g_get_monotonic_time () - start) / 1000;
}

static void
test_lower_bound (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--quiet", "--latency", "300:50", NULL);
  g_autofree char *base = sb_demo_base (sb);
  g_autofree char *path = g_strdup_printf ("/v0/%s/Tasks?pageSize=3", base);
  gint64 before = hangar_test_sandbox_stat (sb, "delayed");

  g_assert_cmpint (hangar_test_sandbox_stat (sb, "latency_ms"), ==, 300);
  g_assert_cmpint (hangar_test_sandbox_stat (sb, "latency_jitter_ms"), ==, 50);
  for (guint i = 0; i < 3; i++)
    {
      gint64 elapsed = timed_whoami (sb);

      g_test_message ("whoami answered after %" G_GINT64_FORMAT " ms", elapsed);
      g_assert_cmpint (elapsed, >=, 300);
    }
  {
    gint64 start = g_get_monotonic_time ();
    g_autoptr(JsonObject) page = sb_call (sb, "GET", path, sb->pat, NULL, 200);

    g_assert_cmpint ((g_get_monotonic_time () - start) / 1000, >=, 300);
  }
  /* errors are held too: they come from the same far-away server */
  {
    gint64 start = g_get_monotonic_time ();
    g_autoptr(JsonObject) reply = sb_call (sb, "GET", "/v0/meta/whoami", "patNotAToken", NULL, 401);

    g_assert_cmpint ((g_get_monotonic_time () - start) / 1000, >=, 300);
  }
  /* five API answers were held; the control API's (these stats) never are */
  g_assert_cmpint (hangar_test_sandbox_stat (sb, "delayed") - before, ==, 5);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpint (hangar_test_sandbox_stat (sb, "in_flight"), ==, 0);
  g_assert_cmpint (hangar_test_sandbox_stat (sb, "delayed") - before, ==, 5);
}

typedef struct
{
  guint status;
  gboolean done;
} Answer;

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Answer *answer = data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  answer->status = soup_message_get_status (msg);
  answer->done = TRUE;
}

static SoupMessage *
whoami_message (HangarTestSandbox *sb)
{
  g_autofree char *url = g_strconcat (sb->url, "/v0/meta/whoami", NULL);
  g_autofree char *auth = g_strconcat ("Bearer ", sb->pat, NULL);
  SoupMessage *msg = soup_message_new ("GET", url);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  return msg;
}

static gboolean
tick_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Lets the asynchronous requests make progress until the server holds
 * @want answers (asked through the control API, which is never held). */
static void
wait_in_flight (HangarTestSandbox *sb,
                gint64             want)
{
  while (hangar_test_sandbox_stat (sb, "in_flight") < want)
    {
      gboolean ticked = FALSE;

      g_timeout_add (20, tick_cb, &ticked);
      while (!ticked)
        g_main_context_iteration (NULL, TRUE);
    }
}

static void
test_overlap (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--quiet", NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) first = whoami_message (sb);
  g_autoptr(SoupMessage) second = whoami_message (sb);
  g_autoptr(JsonObject) set = NULL;
  g_autoptr(JsonObject) released = NULL;
  Answer a = { 0 }, b = { 0 };

  /* long enough that nothing is answered by the clock during the test */
  set = sb_call (sb, "POST", "/__sandbox/latency", NULL, "{\"ms\":600000}", 200);
  g_assert_cmpint (json_object_get_int_member (set, "ms"), ==, 600000);
  sb_call (sb, "POST", "/__sandbox/reset-stats", NULL, "{}", 200);

  soup_session_send_and_read_async (session, first, G_PRIORITY_DEFAULT, NULL, sent_cb, &a);
  wait_in_flight (sb, 1);
  /* the first answer is held; a second request is still taken and held */
  soup_session_send_and_read_async (session, second, G_PRIORITY_DEFAULT, NULL, sent_cb, &b);
  wait_in_flight (sb, 2);
  g_assert_cmpint (hangar_test_sandbox_stat (sb, "max_in_flight"), ==, 2);
  g_assert_false (a.done || b.done);
  /* the control API answers while both are held */
  g_assert_cmpint (hangar_test_sandbox_stat (sb, "in_flight"), ==, 2);

  released = sb_call (sb, "POST", "/__sandbox/latency", NULL, "{\"ms\":0,\"release\":true}", 200);
  g_assert_cmpint (json_object_get_int_member (released, "released"), ==, 2);
  while (!a.done || !b.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (a.status, ==, 200);
  g_assert_cmpuint (b.status, ==, 200);
  g_assert_cmpint (hangar_test_sandbox_stat (sb, "in_flight"), ==, 0);
  g_assert_cmpint (hangar_test_sandbox_stat (sb, "delayed"), ==, 2);
}

/* A client that gives up while its answer is held leaves nothing behind:
 * the answer goes nowhere when its time comes, and the server carries on. */
static void
test_client_gives_up (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--quiet", "--latency", "1500", NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = whoami_message (sb);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Answer a = { 0 };

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, cancellable, sent_cb, &a);
  wait_in_flight (sb, 1);
  g_cancellable_cancel (cancellable);
  while (!a.done)
    g_main_context_iteration (NULL, TRUE);
  g_clear_object (&session);   /* closes the connection */
  while (hangar_test_sandbox_stat (sb, "in_flight") > 0)
    {
      gboolean ticked = FALSE;

      g_timeout_add (20, tick_cb, &ticked);
      while (!ticked)
        g_main_context_iteration (NULL, TRUE);
    }
  /* and the server still answers (the control API, and the API once released) */
  {
    g_autoptr(JsonObject) set = sb_call (sb, "POST", "/__sandbox/latency", NULL, "{\"ms\":0}", 200);
    g_autoptr(JsonObject) me = sb_call (sb, "GET", "/v0/meta/whoami", sb->pat, NULL, 200);
  }
}

static void
test_runtime_change (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--quiet", NULL);
  g_autoptr(JsonObject) now = sb_call (sb, "GET", "/__sandbox/latency", NULL, NULL, 200);
  gint64 held;

  g_assert_cmpint (json_object_get_int_member (now, "ms"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (now, "jitter_ms"), ==, 0);
  timed_whoami (sb);
  g_assert_cmpint (hangar_test_sandbox_stat (sb, "delayed"), ==, 0);

  sb_call (sb, "POST", "/__sandbox/latency", NULL, "{\"ms\":250,\"jitter_ms\":20}", 200);
  g_assert_cmpint (timed_whoami (sb), >=, 250);
  held = hangar_test_sandbox_stat (sb, "delayed");
  g_assert_cmpint (held, ==, 1);

  sb_call (sb, "POST", "/__sandbox/latency", NULL, "{\"ms\":0,\"jitter_ms\":0}", 200);
  timed_whoami (sb);
  g_assert_cmpint (hangar_test_sandbox_stat (sb, "delayed"), ==, held);

  /* bad values are refused and change nothing */
  {
    const char *bad[] = { "{\"ms\":-1}", "{\"ms\":600001}", "{\"ms\":\"5\"}", "{\"jitter_ms\":1.5}", "{\"release\":1}" };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(JsonObject) reply = sb_call (sb, "POST", "/__sandbox/latency", NULL, bad[i], 422);

        sb_assert_error (reply, "INVALID_REQUEST_UNKNOWN");
      }
    g_assert_cmpint (hangar_test_sandbox_stat (sb, "latency_ms"), ==, 0);
  }
}

static void
test_bad_option (void)
{
  const char *bad[] = { "abc", "5:x", "-5", "1:2:3", "600001", "", ":5" };
  const char *bin = g_getenv ("HANGAR_SANDBOX");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSubprocess) proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                                      &error, bin != NULL ? bin : BUILDDIR "/src/sandbox/hangar-sandbox",
                                                      "--port", "0", "--latency", bad[i], NULL);

      g_assert_no_error (error);
      g_subprocess_wait (proc, NULL, NULL);
      g_assert_true (g_subprocess_get_if_exited (proc));
      g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 2);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();

  g_test_add_func ("/hangar/sandbox/latency/lower-bound", test_lower_bound);
  g_test_add_func ("/hangar/sandbox/latency/overlap", test_overlap);
  g_test_add_func ("/hangar/sandbox/latency/client-gives-up", test_client_gives_up);
  g_test_add_func ("/hangar/sandbox/latency/runtime-change", test_runtime_change);
  g_test_add_func ("/hangar/sandbox/latency/bad-option", test_bad_option);

  return g_test_run ();
}
