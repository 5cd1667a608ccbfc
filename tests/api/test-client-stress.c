/* test-client-stress.c — many clients on one sandbox while the sandbox
 * injects every kind of failure the retry paths handle
 *
 * Eight clients run reads (whoami, a list page), idempotent writes (update)
 * and non-idempotent writes (create) back to back for a few seconds, while a
 * timer keeps queueing faults on the sandbox's control API: 500s, a 502 with
 * an HTML body, dropped connections, bodies cut in half, 429s and 503s with
 * Retry-After. The test checks that the process survives, that every
 * operation ends in success or in one of the errors its kind may give, and
 * that no create was ever sent twice: the table holds exactly the records
 * whose create succeeded or was answered with a cut body (the only fault
 * injected after the create was applied).
 *
 * The seed is printed; HANGAR_STRESS_SEED=N repeats a run's fault sequence.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "test-client-common.h"

#define N_CLIENTS      8
#define RUN_MS         4000
#define FAULT_EVERY_MS 40

typedef struct _Stress Stress;

typedef struct
{
  Stress       *stress;
  HangarClient *client;
  guint         index;
  guint         step;
  char         *last_record;   /* a record this client created, for updates */
} Worker;

typedef enum
{
  OP_WHOAMI,
  OP_LIST,
  OP_CREATE,
  OP_UPDATE,
  N_OPS
} OpKind;

static const char *op_names[N_OPS] = { "whoami", "list", "create", "update" };

struct _Stress
{
  HangarTestSandbox *sandbox;
  HangarScheduler   *scheduler;
  char              *base_id;
  char              *table_id;
  GRand             *rand;
  GMainLoop         *loop;
  Worker             workers[N_CLIENTS];
  gint64             stop_at;
  guint              running;
  guint              fault_id;

  guint              done[N_OPS];
  guint              ok[N_OPS];
  guint              by_code[N_OPS][HANGAR_API_ERROR_INVALID_ARGUMENT + 1];
  guint              creates_applied;   /* created: success or a cut (malformed) body */
  guint              faults_posted;
};

static void worker_next (Worker *worker);

/* Which errors each kind of operation may end with under these faults. */
static gboolean
allowed (OpKind        kind,
         const GError *error)
{
  if (error->domain != HANGAR_API_ERROR)
    return FALSE;
  switch (error->code)
    {
    case HANGAR_API_ERROR_SERVER_ERROR:     /* three 5xx in a row */
    case HANGAR_API_ERROR_INVALID_RESPONSE: /* a body cut in half */
    case HANGAR_API_ERROR_RATE_LIMITED:     /* more 429s than the client waits out */
      return TRUE;
    case HANGAR_API_ERROR_NETWORK:          /* three dropped connections */
      return kind != OP_CREATE;
    case HANGAR_API_ERROR_UNCERTAIN_WRITE:  /* a create cut off or answered 5xx */
      return kind == OP_CREATE;
    default:
      return FALSE;
    }
}

static void
op_done (Worker     *worker,
         OpKind      kind,
         gboolean    ok,
         GError     *error)
{
  Stress *stress = worker->stress;

  stress->done[kind]++;
  if (ok)
    stress->ok[kind]++;
  else
    {
      if (!allowed (kind, error))
        g_error ("client %u, %s: unexpected error %s %d: %s", worker->index, op_names[kind],
                 g_quark_to_string (error->domain), error->code, error->message);
      stress->by_code[kind][error->code]++;
    }
  worker_next (worker);
}

static void
whoami_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HangarWhoami) me = NULL;
  g_autoptr(GError) error = NULL;

  me = hangar_client_whoami_finish (HANGAR_CLIENT (object), result, &error);
  op_done (user_data, OP_WHOAMI, me != NULL, error);
}

static void
list_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GError) error = NULL;

  page = hangar_client_list_records_page_finish (HANGAR_CLIENT (object), result, NULL, &error);
  op_done (user_data, OP_LIST, page != NULL, error);
}

static void
create_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Worker *worker = user_data;
  g_autoptr(HangarRecord) record = NULL;
  g_autoptr(GError) error = NULL;

  record = hangar_client_create_record_finish (HANGAR_CLIENT (object), result, &error);
  if (record != NULL)
    {
      worker->stress->creates_applied++;
      g_free (worker->last_record);
      worker->last_record = g_strdup (hangar_record_get_id (record));
    }
  else if (g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE))
    worker->stress->creates_applied++;
  op_done (worker, OP_CREATE, record != NULL, error);
}

static void
update_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HangarRecord) record = NULL;
  g_autoptr(GError) error = NULL;

  record = hangar_client_update_record_finish (HANGAR_CLIENT (object), result, &error);
  op_done (user_data, OP_UPDATE, record != NULL, error);
}

static void
worker_next (Worker *worker)
{
  Stress *stress = worker->stress;
  OpKind kind;

  if (g_get_monotonic_time () >= stress->stop_at)
    {
      if (--stress->running == 0)
        g_main_loop_quit (stress->loop);
      return;
    }

  kind = (worker->index + worker->step++) % N_OPS;
  if (kind == OP_UPDATE && worker->last_record == NULL)
    kind = OP_CREATE;

  switch (kind)
    {
    case OP_WHOAMI:
      hangar_client_whoami_async (worker->client, NULL, whoami_cb, worker);
      break;
    case OP_LIST:
      hangar_client_list_records_page_async (worker->client, stress->base_id, stress->table_id,
                                             NULL, NULL, NULL, list_cb, worker);
      break;
    case OP_CREATE:
      {
        g_autofree char *text = g_strdup_printf ("{\"Name\": \"c%u-%u\"}", worker->index, worker->step);
        g_autoptr(JsonObject) fields = tc_object (text);

        hangar_client_create_record_async (worker->client, stress->base_id, stress->table_id, fields,
                                           HANGAR_WRITE_NONE, NULL, create_cb, worker);
      }
      break;
    case OP_UPDATE:
    case N_OPS:
    default:
      {
        g_autofree char *text = g_strdup_printf ("{\"Notes\": \"u%u\"}", worker->step);
        g_autoptr(JsonObject) fields = tc_object (text);

        hangar_client_update_record_async (worker->client, stress->base_id, stress->table_id,
                                           worker->last_record, fields, HANGAR_WRITE_NONE,
                                           NULL, update_cb, worker);
      }
      break;
    }
}

static gboolean
fault_cb (gpointer user_data)
{
  Stress *stress = user_data;
  static const char *faults[] = {
    "{\"count\": 1, \"status\": 500}",
    "{\"count\": 2, \"status\": 500}",
    "{\"count\": 1, \"status\": 502}",
    "{\"count\": 1, \"drop\": true}",
    "{\"count\": 2, \"drop\": true}",
    "{\"count\": 1, \"malformed\": true}",
    "{\"count\": 1, \"status\": 429}",
    "{\"count\": 1, \"status\": 503, \"retry_after\": 1}",
    "{\"count\": 1, \"status\": 503}",
  };

  if (g_get_monotonic_time () >= stress->stop_at)
    {
      stress->fault_id = 0;
      return G_SOURCE_REMOVE;
    }
  hangar_test_sandbox_control (stress->sandbox, "/__sandbox/faults",
                   faults[g_rand_int_range (stress->rand, 0, G_N_ELEMENTS (faults))]);
  stress->faults_posted++;
  return G_SOURCE_CONTINUE;
}

static void
test_stress (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--no-rate-limit", NULL);
  g_autoptr(HangarScheduler) scheduler = hangar_scheduler_new ();
  g_autoptr(HangarClient) setup = NULL;
  g_autoptr(GPtrArray) records = NULL;
  const char *seed_text = g_getenv ("HANGAR_STRESS_SEED");
  guint32 seed = seed_text != NULL ? (guint32) g_ascii_strtoull (seed_text, NULL, 10) : g_random_int ();
  Stress stress = { 0 };
  guint total = 0;

  g_test_message ("seed %u (HANGAR_STRESS_SEED=%u repeats it)", seed, seed);

  /* pacing on, as in the app, but fast: the point is the retry paths */
  hangar_scheduler_set_base_rate (scheduler, 1000);
  hangar_scheduler_set_token_rate (scheduler, 1000);
  hangar_scheduler_set_penalty_ms (scheduler, 50);

  setup = tc_client_new (sandbox, NULL, scheduler, TRUE);
  stress.sandbox = sandbox;
  stress.scheduler = scheduler;
  stress.base_id = tc_find_base (setup, NULL);
  stress.table_id = tc_create_table (setup, stress.base_id, "Stress");
  stress.rand = g_rand_new_with_seed (seed);
  stress.loop = g_main_loop_new (NULL, FALSE);
  stress.stop_at = g_get_monotonic_time () + RUN_MS * G_TIME_SPAN_MILLISECOND;

  for (guint i = 0; i < N_CLIENTS; i++)
    {
      stress.workers[i].stress = &stress;
      stress.workers[i].index = i;
      stress.workers[i].client = tc_client_new (sandbox, NULL, scheduler, TRUE);
      stress.running++;
    }
  stress.fault_id = g_timeout_add (FAULT_EVERY_MS, fault_cb, &stress);
  for (guint i = 0; i < N_CLIENTS; i++)
    worker_next (&stress.workers[i]);

  g_main_loop_run (stress.loop);
  g_clear_handle_id (&stress.fault_id, g_source_remove);
  hangar_test_sandbox_control (sandbox, "/__sandbox/clear-faults", "{}");

  for (guint k = 0; k < N_OPS; k++)
    {
      g_autoptr(GString) line = g_string_new (NULL);

      g_string_append_printf (line, "%-7s %4u done, %4u ok", op_names[k], stress.done[k], stress.ok[k]);
      for (guint c = 0; c < G_N_ELEMENTS (stress.by_code[k]); c++)
        if (stress.by_code[k][c] > 0)
          g_string_append_printf (line, ", %u x error %u", stress.by_code[k][c], c);
      g_test_message ("%s", line->str);
      total += stress.done[k];
    }
  g_test_message ("%u faults posted, %u operations", stress.faults_posted, total);

  /* the retry paths were exercised and mostly succeeded */
  g_assert_cmpuint (stress.faults_posted, >, 10);
  g_assert_cmpuint (stress.ok[OP_WHOAMI] + stress.ok[OP_LIST], >, 0);
  g_assert_cmpuint (stress.ok[OP_CREATE], >, 0);

  /* no create was sent twice */
  records = tc_list_all (setup, stress.base_id, stress.table_id, NULL);
  g_assert_cmpuint (records->len, ==, stress.creates_applied);

  for (guint i = 0; i < N_CLIENTS; i++)
    {
      g_clear_object (&stress.workers[i].client);
      g_free (stress.workers[i].last_record);
    }
  g_main_loop_unref (stress.loop);
  g_rand_free (stress.rand);
  g_free (stress.base_id);
  g_free (stress.table_id);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();

  g_test_add_func ("/hangar/api/client/stress/retries", test_stress);

  return g_test_run ();
}
