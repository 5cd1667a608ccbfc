/* test-client-budget.c — one rate budget for every process of the user
 *
 * The library in this process and two hangar-cli processes load one base
 * at once and the sandbox (with Airtable's limits) sees no 429; a 429 seen
 * by one scheduler pauses another that shares its files; a process that
 * dies or stops while it holds a bucket's lock costs nobody anything.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE   /* F_OFD_SETLK */
#include "test-client-common.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <unistd.h>

#define N_RECORDS 1000

/* Process A of three: the library, with the default (shared) scheduler;
 * B and C: hangar-cli records list. */
static void
test_three_processes (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--quiet", "--penalty", "2", "--generate",
                                                                     "Shared:1000", NULL);
  g_autoptr(HangarClient) client = tc_client_new (sandbox, NULL, hangar_scheduler_get_default (), TRUE);
  g_autofree char *base_id = hangar_test_sandbox_base_id (sandbox, sandbox->pat, "Shared");
  g_autofree char *token_env = g_strconcat ("HANGAR_TEST_TOKEN=", sandbox->pat, NULL);
  const char *env[] = { token_env, "HANGAR_RATE_LIMIT_PENALTY_MS=2000", NULL };
  const char *argv[] = { HANGAR_CLI_PATH, "--api-url", sandbox->url, "--token-env", "HANGAR_TEST_TOKEN",
                         "records", "list", base_id, "Records", NULL };
  g_autoptr(GSubprocess) b = NULL;
  g_autoptr(GSubprocess) c = NULL;
  g_autoptr(HangarTestRun) run_b = NULL;
  g_autoptr(HangarTestRun) run_c = NULL;
  g_autoptr(HangarFetch) fetch = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (hangar_scheduler_get_shared_dir (hangar_scheduler_get_default ()));
  g_assert_nonnull (base_id);
  hangar_test_sandbox_control (sandbox, "/__sandbox/reset-stats", "{}");

  b = hangar_test_spawn (argv, env, FALSE);
  c = hangar_test_spawn (argv, env, FALSE);
  fetch = hangar_fetch_new (client, base_id, "Records", NULL);
  hangar_fetch_set_keep_records (fetch, FALSE);
  hangar_fetch_run_async (fetch, NULL, hangar_test_result_cb, &result);

  /* (the main loop runs while the CLIs are waited for: A goes on) */
  run_b = hangar_test_finish (b, NULL);
  run_c = hangar_test_finish (c, NULL);
  g_assert_true (hangar_fetch_run_finish (fetch, hangar_test_wait_result (&result), &error));
  g_assert_no_error (error);

  g_assert_cmpint (run_b->status, ==, 0);
  g_assert_cmpint (run_c->status, ==, 0);
  g_assert_cmpuint (g_strv_length (run_b->lines), ==, N_RECORDS);
  g_assert_cmpuint (g_strv_length (run_c->lines), ==, N_RECORDS);
  g_assert_cmpuint (hangar_fetch_get_n_fetched (fetch), ==, N_RECORDS);

  /* Three processes, each pacing alone, would send 15 requests a second. */
  g_assert_cmpint (hangar_test_sandbox_stat (sandbox, "by_status.429"), ==, 0);
  g_assert_cmpint (hangar_test_sandbox_stat (sandbox, "rate_limited"), ==, 0);
  g_assert_cmpint (hangar_test_sandbox_stat (sandbox, "by_status.200"), >=, 3 * (N_RECORDS / 100));

  /* the meter's view: requests of all three in the last second (the
   * last ones may be older than that by now, so at most the limit) */
  {
    guint limit = 0;
    guint used = hangar_scheduler_get_base_usage (hangar_scheduler_get_default (), base_id, &limit);

    g_assert_cmpuint (limit, ==, 5);
    g_assert_cmpuint (used, <=, 5);
  }
}

typedef struct
{
  GPtrArray *events;
} Log;

static void
paused_cb (HangarRateState *state,
           GParamSpec      *pspec,
           gpointer         user_data)
{
  Log *log = user_data;

  g_ptr_array_add (log->events, g_strdup (hangar_rate_state_get_paused (state) ? "paused" : "resumed"));
}

static void
granted_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Log *log = user_data;

  g_assert_true (hangar_scheduler_acquire_finish (HANGAR_SCHEDULER (object), result, NULL));
  g_ptr_array_add (log->events, g_strdup ("granted"));
}

static gboolean
has_events (gpointer data)
{
  Log *log = data;

  return log->events->len >= 3;
}

/* Two schedulers sharing one directory stand for two processes: the 429
 * the first one saw pauses the second, which says so (its state) and
 * sends only when the pause is over. */
static void
test_pause_is_shared (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_runtime_dir (), "hangar", "budget-pause", NULL);
  g_autoptr(HangarScheduler) one = hangar_scheduler_new ();
  g_autoptr(HangarScheduler) two = hangar_scheduler_new ();
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *joined = NULL;
  Log log = { events };
  HangarRateState *state;

  hangar_scheduler_set_shared_dir (one, dir);
  hangar_scheduler_set_shared_dir (two, dir);
  hangar_scheduler_set_penalty_ms (one, 400);

  hangar_scheduler_report_rate_limited (one, "appSharedPause01", NULL);
  g_assert_true (hangar_rate_state_get_paused (hangar_scheduler_get_base_state (one, "appSharedPause01")));

  state = hangar_scheduler_get_base_state (two, "appSharedPause01");
  g_assert_false (hangar_rate_state_get_paused (state));
  g_signal_connect (state, "notify::paused", G_CALLBACK (paused_cb), &log);
  hangar_scheduler_acquire_async (two, "appSharedPause01", NULL, NULL, granted_cb, &log);
  hangar_test_wait_until (has_events, &log, "the second scheduler's slot");

  g_ptr_array_add (events, NULL);
  joined = g_strjoinv (",", (char **) events->pdata);
  g_assert_cmpstr (joined, ==, "paused,resumed,granted");
}

/* --- a process that holds a bucket's lock when it dies, or stops ------- */

static const char *hold_lock_path;

/* The helper: takes the lock as the library does, says so, and waits to
 * be killed. */
static int
hold_lock (const char *path)
{
  struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
  int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

  if (fd < 0 || fcntl (fd, F_OFD_SETLK, &fl) != 0)
    return 1;
  fputs ("locked\n", stdout);
  fflush (stdout);
  for (;;)
    pause ();
}

static GSubprocess *
spawn_holder (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autofree char *line = NULL;
  GSubprocess *holder;

  holder = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "/proc/self/exe", "--hold-lock", path, NULL);
  g_assert_no_error (error);
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (holder));
  line = g_data_input_stream_read_line (in, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "locked");
  return holder;
}

static gboolean
is_set (gpointer data)
{
  return *(gboolean *) data;
}

static void
acquired_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_assert_true (hangar_scheduler_acquire_finish (HANGAR_SCHEDULER (object), result, NULL));
  *(gboolean *) user_data = TRUE;
}

static void
test_holder_dies_or_stops (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_runtime_dir (), "hangar", "budget-holder", NULL);
  g_autofree char *path = g_build_filename (dir, "base-appHolder000000001", NULL);
  g_autoptr(HangarScheduler) scheduler = hangar_scheduler_new ();
  g_autoptr(GSubprocess) holder = NULL;
  gboolean granted = FALSE;
  pid_t pid;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  hangar_scheduler_set_shared_dir (scheduler, dir);

  /* killed while holding the lock: the kernel lets it go */
  holder = spawn_holder (path);
  g_subprocess_force_exit (holder);
  g_assert_true (g_subprocess_wait (holder, NULL, NULL));
  g_clear_object (&holder);
  hangar_scheduler_acquire_async (scheduler, "appHolder000000001", NULL, NULL, acquired_cb, &granted);
  hangar_test_wait_until (is_set, &granted, "a slot after the holder died");

  /* stopped while holding it: passed over after a while, nobody waits for ever */
  granted = FALSE;
  holder = spawn_holder (path);
  pid = atoi (g_subprocess_get_identifier (holder));
  kill (pid, SIGSTOP);
  hangar_scheduler_acquire_async (scheduler, "appHolder000000001", NULL, NULL, acquired_cb, &granted);
  hangar_test_wait_until (is_set, &granted, "a slot while the holder is stopped");
  g_subprocess_force_exit (holder);   /* SIGKILL ends a stopped process too */
  g_subprocess_wait (holder, NULL, NULL);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 3 && g_str_equal (argv[1], "--hold-lock"))
    {
      hold_lock_path = argv[2];
      return hold_lock (hold_lock_path);
    }

  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();

  g_test_add_func ("/hangar/api/client/budget/three-processes", test_three_processes);
  g_test_add_func ("/hangar/api/client/budget/pause-is-shared", test_pause_is_shared);
  g_test_add_func ("/hangar/api/client/budget/holder-dies-or-stops", test_holder_dies_or_stops);
  return g_test_run ();
}
