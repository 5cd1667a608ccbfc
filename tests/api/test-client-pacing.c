/* test-client-pacing.c — the scheduler, and pacing against a real sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "test-client-common.h"

/* ---- the scheduler on its own (order, not timing) ---- */

typedef struct
{
  GPtrArray *order;
  GMainLoop *loop;
  guint      pending;
} Grants;

typedef struct
{
  Grants *grants;
  char   *label;
} Ticket;

static void
granted_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Ticket *ticket = user_data;
  g_autoptr(GError) error = NULL;

  if (hangar_scheduler_acquire_finish (HANGAR_SCHEDULER (object), result, &error))
    g_ptr_array_add (ticket->grants->order, g_strdup (ticket->label));
  else
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_ptr_array_add (ticket->grants->order, g_strconcat (ticket->label, "-cancelled", NULL));
    }
  if (--ticket->grants->pending == 0)
    g_main_loop_quit (ticket->grants->loop);
  g_free (ticket->label);
  g_free (ticket);
}

static void
acquire (HangarScheduler *scheduler,
         Grants          *grants,
         const char      *base,
         gpointer         token_key,
         GCancellable    *cancellable,
         const char      *label)
{
  Ticket *ticket = g_new0 (Ticket, 1);

  ticket->grants = grants;
  ticket->label = g_strdup (label);
  grants->pending++;
  hangar_scheduler_acquire_async (scheduler, base, token_key, cancellable, granted_cb, ticket);
}

static char *
joined (GPtrArray *order)
{
  g_ptr_array_add (order, NULL);
  return g_strjoinv (",", (char **) order->pdata);
}

static void
test_scheduler_order (void)
{
  g_autoptr(HangarScheduler) scheduler = hangar_scheduler_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *result = NULL;
  Grants grants = { order, loop, 0 };
  HangarRateState *state = hangar_scheduler_get_base_state (scheduler, "appA");

  g_object_set (scheduler, "base-rate", 20.0, NULL);

  /* per-base buckets only (no token key) */
  acquire (scheduler, &grants, "appA", NULL, NULL, "A1");
  acquire (scheduler, &grants, "appA", NULL, cancellable, "A2");
  acquire (scheduler, &grants, "appA", NULL, NULL, "A3");
  acquire (scheduler, &grants, "appB", NULL, NULL, "B1");
  acquire (scheduler, &grants, NULL, NULL, NULL, "meta");
  g_assert_cmpuint (hangar_rate_state_get_queued (state), ==, 3);
  g_cancellable_cancel (cancellable);
  g_main_loop_run (loop);

  /* other buckets are not held up by A's spacing; a cancelled waiter leaves
   * at once and does not block the one behind it; A stays in order */
  for (guint i = 0; i < order->len; i++)
    if (g_str_equal (g_ptr_array_index (order, i), "A2-cancelled"))
      {
        g_ptr_array_remove_index (order, i);
        break;
      }
  g_assert_cmpuint (order->len, ==, 4);
  result = joined (order);
  g_assert_cmpstr (result, ==, "A1,B1,meta,A3");
  g_assert_cmpuint (hangar_rate_state_get_queued (state), ==, 0);
}

typedef struct
{
  GPtrArray *events;
} PauseLog;

static void
paused_notify_cb (HangarRateState *state,
                  GParamSpec      *pspec,
                  gpointer         user_data)
{
  GPtrArray *events = user_data;

  g_ptr_array_add (events, g_strdup (hangar_rate_state_get_paused (state) ? "paused" : "resumed"));
}

static void
test_scheduler_pause (void)
{
  g_autoptr(HangarScheduler) scheduler = NULL;
  g_autoptr(GObject) token = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *result = NULL;
  Grants grants = { order, loop, 0 };
  HangarRateState *state;
  gint64 now;

  /* main() set HANGAR_RATE_LIMIT_PENALTY_MS=300 */
  scheduler = hangar_scheduler_new ();
  g_assert_cmpuint (hangar_scheduler_get_penalty_ms (scheduler), ==, 300);

  state = hangar_scheduler_get_base_state (scheduler, "appP");
  g_signal_connect (state, "notify::paused", G_CALLBACK (paused_notify_cb), order);

  now = g_get_real_time ();
  hangar_scheduler_report_rate_limited (scheduler, "appP", token);
  g_assert_true (hangar_rate_state_get_paused (state));
  g_assert_cmpint (hangar_rate_state_get_paused_until (state), >, now);
  g_assert_cmpint (hangar_rate_state_get_remaining_ms (state), >, 0);
  g_assert_cmpuint (hangar_rate_state_get_n_rate_limited (state), ==, 1);

  acquire (scheduler, &grants, "appP", token, NULL, "P1");
  acquire (scheduler, &grants, "appQ", token, NULL, "Q1");
  g_main_loop_run (loop);

  /* the other base went first; P waited for the end of the pause */
  result = joined (order);
  g_assert_cmpstr (result, ==, "paused,Q1,resumed,P1");
  g_assert_false (hangar_rate_state_get_paused (state));
  g_assert_cmpint (hangar_rate_state_get_paused_until (state), ==, 0);

  /* a 429 to a call that is not per base pauses the token's bucket */
  hangar_scheduler_report_rate_limited (scheduler, NULL, token);
  g_assert_true (hangar_rate_state_get_paused (hangar_scheduler_get_token_state (scheduler, token)));
  g_assert_false (hangar_rate_state_get_paused (state));
}

/* ---- against the sandbox ---- */

typedef struct
{
  guint      pending;
  guint      ok;
  guint      rate_limited;
  guint      other;
  GMainLoop *loop;
} Tally;

static void
page_tally_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Tally *tally = user_data;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GError) error = NULL;

  page = hangar_client_list_records_page_finish (HANGAR_CLIENT (object), result, NULL, &error);
  if (page != NULL)
    tally->ok++;
  else if (g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_RATE_LIMITED))
    tally->rate_limited++;
  else
    {
      g_printerr ("unexpected: %s\n", error->message);
      tally->other++;
    }
  if (--tally->pending == 0)
    g_main_loop_quit (tally->loop);
}

static void
whoami_tally_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Tally *tally = user_data;
  g_autoptr(HangarWhoami) me = NULL;
  g_autoptr(GError) error = NULL;

  me = hangar_client_whoami_finish (HANGAR_CLIENT (object), result, &error);
  if (me != NULL)
    tally->ok++;
  else
    tally->other++;
  if (--tally->pending == 0)
    g_main_loop_quit (tally->loop);
}

static char *
new_pat (HangarTestSandbox *sandbox)
{
  g_autoptr(JsonNode) reply = NULL;
  guint status = 0;

  reply = hangar_test_sandbox_request (sandbox, "POST", "/__sandbox/pats", NULL, "{\"name\": \"second\"}", &status);
  g_assert_cmpuint (status, ==, 200);
  return g_strdup (json_object_get_string_member (json_node_get_object (reply), "token"));
}

static void
test_no_429 (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_startv (NULL);
  g_autofree char *pat2 = new_pat (sandbox);
  /* two clients (two tokens) in one process share the default scheduler */
  g_autoptr(HangarClient) one = tc_client_new (sandbox, NULL, hangar_scheduler_get_default (), TRUE);
  g_autoptr(HangarClient) two = tc_client_new (sandbox, pat2, hangar_scheduler_get_default (), TRUE);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *base_id = tc_find_base (one, NULL);
  g_autofree char *table_id = tc_create_table (one, base_id, "Paced");
  Tally tally = { 0, 0, 0, 0, loop };

  for (guint i = 0; i < 20; i++)
    {
      tally.pending += 2;
      hangar_client_list_records_page_async (one, base_id, table_id, NULL, NULL, NULL, page_tally_cb, &tally);
      hangar_client_list_records_page_async (two, base_id, table_id, NULL, NULL, NULL, page_tally_cb, &tally);
    }
  /* and more than 50 calls in a burst on one token (not per base) */
  for (guint i = 0; i < 60; i++)
    {
      tally.pending++;
      hangar_client_whoami_async (one, NULL, whoami_tally_cb, &tally);
    }
  g_main_loop_run (loop);

  g_assert_cmpuint (tally.ok, ==, 100);
  g_assert_cmpuint (tally.rate_limited, ==, 0);
  g_assert_cmpuint (tally.other, ==, 0);
  g_assert_cmpint (hangar_test_sandbox_stat (sandbox, "by_status.429"), ==, 0);
  g_assert_cmpint (hangar_test_sandbox_stat (sandbox, "rate_limited"), ==, 0);
  g_assert_cmpuint (hangar_rate_state_get_n_rate_limited (hangar_client_get_rate_state (one, base_id)), ==, 0);
}

static void
test_pause_after_429 (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--penalty", "1", NULL);
  g_autoptr(HangarScheduler) scheduler = hangar_scheduler_new ();
  g_autoptr(HangarClient) paced = NULL;
  g_autoptr(HangarClient) rude = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base_id = NULL;
  g_autofree char *table_id = NULL;
  g_autofree char *log = NULL;
  Tally tally = { 0, 0, 0, 0, loop };
  HangarRateState *state;

  hangar_scheduler_set_penalty_ms (scheduler, 1200);
  paced = tc_client_new (sandbox, NULL, scheduler, TRUE);
  rude = tc_client_new (sandbox, NULL, NULL, FALSE);
  base_id = tc_find_base (paced, NULL);
  table_id = tc_create_table (paced, base_id, "Penalty");
  state = hangar_client_get_rate_state (paced, base_id);
  g_signal_connect (state, "notify::paused", G_CALLBACK (paused_notify_cb), events);

  /* an unpaced client trips the base's limit: it gets its 429s back */
  for (guint i = 0; i < 8; i++)
    {
      tally.pending++;
      hangar_client_list_records_page_async (rude, base_id, table_id, NULL, NULL, NULL, page_tally_cb, &tally);
    }
  g_main_loop_run (loop);
  g_assert_cmpuint (tally.rate_limited, >, 0);
  g_assert_cmpuint (tally.other, ==, 0);

  /* the paced client meets the penalty, pauses the base and re-sends after it */
  hangar_client_list_records_page_async (paced, base_id, table_id, NULL, NULL, NULL, hangar_test_wait_cb, wait);
  page = hangar_client_list_records_page_finish (paced, hangar_test_wait_run (wait), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (page);
  g_assert_cmpuint (hangar_rate_state_get_n_rate_limited (state), >=, 1);
  log = joined (events);
  g_assert_true (g_str_has_prefix (log, "paused,resumed"));
  g_assert_false (hangar_rate_state_get_paused (state));
  g_assert_cmpint (hangar_test_sandbox_stat (sandbox, "by_status.429"), >=, tally.rate_limited + 1);
}

int
main (int   argc,
      char *argv[])
{
  /* before any thread exists; every scheduler of this process reads it */
  g_setenv ("HANGAR_RATE_LIMIT_PENALTY_MS", "300", TRUE);
  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();

  g_test_add_func ("/hangar/api/client/pacing/scheduler-order", test_scheduler_order);
  g_test_add_func ("/hangar/api/client/pacing/scheduler-pause", test_scheduler_pause);
  g_test_add_func ("/hangar/api/client/pacing/no-429", test_no_429);
  g_test_add_func ("/hangar/api/client/pacing/pause-after-429", test_pause_after_429);

  return g_test_run ();
}
