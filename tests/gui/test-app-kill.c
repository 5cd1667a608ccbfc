/* test-app-kill.c — the real application (the `hangar` binary) is killed
 * with SIGKILL while it holds edits, and started again: no edit may be lost
 * and no record created twice.
 *
 * The edits are typed into the grid with real key presses (xdotool):
 * three cells and a new record. Then:
 *
 *   run 1  every request to the base is answered 429 (Retry-After 30 s,
 *          Airtable's own penalty, so that run 2 — started within it, and
 *          bound by it through the budget the app's processes share —
 *          sends within the tests' 60 s waits):
 *          the journal pauses; the edits stay on disk unsent, and the new
 *          record made during the pause too; killed
 *   run 2  the app sends what run 1 left at start; the sandbox holds the
 *          writes (a fault delay) and applies them after the app is killed,
 *          so the create's answer never came
 *   run 3  started again: the updates are sent again, the create is
 *          uncertain and looked up (found, not created again); every change
 *          ends written
 *
 * Then the sandbox's records are read: each edit is there, once. The test
 * prints the line "edits made / on the server / lost / duplicates".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "hangar-account-store.h"
#include "hangar-journal.h"
#include "hangar-store.h"
#include "hangar-test-gui.h"
#include "hangar-test-input.h"
#include "hangar-view-state.h"

#define BASE_NAME "Big"
#define TABLE_NAME "Records"
#define N_RECORDS 60   /* one page: nothing loads later, when the test types */
#define HOLD_MS 4000

static const char *typed_updates[] = { "Kill A1", "Kill A2", "Kill A3" };
static const char *typed_create = "Kill new 1";

typedef struct
{
  HangarTestSandbox *sandbox;
  char              *account_id;
  char              *base_id;
  char              *table_id;
  char              *other_base_id;
  char              *other_table_id;
  char              *db_path;
} Fixture;

typedef struct
{
  GSubprocess      *process;
  GDataInputStream *out;
  GDataInputStream *err;
  GCancellable     *cancellable;
  gboolean          exited;
  char             *window;     /* X window id, decimal */
} App;

/* ---- the app ---- */

static void read_next (App *app, GDataInputStream *stream);

static void
line_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  App *app = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, &error);

  if (line == NULL)
    return;
  g_test_message ("hangar: %s", line);
  read_next (app, G_DATA_INPUT_STREAM (source));
}

static void
read_next (App              *app,
           GDataInputStream *stream)
{
  g_data_input_stream_read_line_async (stream, G_PRIORITY_DEFAULT, app->cancellable, line_cb, app);
}

static void
exited_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *exited = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *exited = TRUE;
}

static App *
app_start (void)
{
  const char *binary = g_getenv ("HANGAR_BINARY");
  const char *argv[] = { binary, NULL };
  App *app = g_new0 (App, 1);

  g_assert_nonnull (binary);
  app->process = hangar_test_spawn (argv, NULL, FALSE);
  app->cancellable = g_cancellable_new ();
  app->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (app->process));
  app->err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (app->process));
  read_next (app, app->out);
  read_next (app, app->err);
  g_subprocess_wait_async (app->process, NULL, exited_cb, &app->exited);
  return app;
}

static void
app_free (App *app)
{
  g_cancellable_cancel (app->cancellable);
  hangar_test_wait_until (hangar_test_flag_is_set, &app->exited, "hangar to exit");
  g_clear_object (&app->cancellable);
  g_clear_object (&app->out);
  g_clear_object (&app->err);
  g_clear_object (&app->process);
  g_free (app->window);
  g_free (app);
}

/* `kill -9`: no handler runs, nothing is flushed. */
static void
app_kill (App *app)
{
  g_assert_false (app->exited);
  g_subprocess_force_exit (app->process);
  hangar_test_wait_until (hangar_test_flag_is_set, &app->exited, "hangar to die");
  g_assert_true (g_subprocess_get_if_signaled (app->process));
  g_assert_cmpint (g_subprocess_get_term_sig (app->process), ==, SIGKILL);
  app_free (app);
}

static char *
xdotool (const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;
  va_list ap;

  g_ptr_array_add (argv, (gpointer) "xdotool");
  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error))
    g_error ("xdotool: %s", error->message);
  if (!g_spawn_check_wait_status (status, NULL))
    return NULL;
  return g_steal_pointer (&out);
}

static gboolean
window_found (gpointer data)
{
  App *app = data;
  g_autofree char *pid = g_strdup (g_subprocess_get_identifier (app->process));
  g_autofree char *out = NULL;

  if (app->exited)
    g_error ("hangar exited before showing its window");
  out = xdotool ("search", "--onlyvisible", "--pid", pid, NULL);
  if (out == NULL || *g_strstrip (out) == '\0')
    return FALSE;
  g_free (app->window);
  app->window = g_strdup (strtok (out, "\n"));
  return TRUE;
}

/* Polls of the sandbox: a request (a new connection) each, not more than
 * twenty a second — polled flat out for a minute they ran the machine out
 * of connections and the sandbox stopped answering. */
static gboolean
poll_due (void)
{
  static gint64 last;

  if (g_get_monotonic_time () - last < 50000)
    return FALSE;
  last = g_get_monotonic_time ();
  return TRUE;
}

typedef struct
{
  HangarTestSandbox *sandbox;
  gint64             first;
  gint64             last;
  gint64             since;
} Quiet;

/* The app has made the requests that show a table (bases, tables, a page
 * of records) and then none for a second: it has loaded what it
 * shows. Starting takes seconds on a loaded machine, so a quiet second
 * alone could come before the first request. */
static gboolean
requests_quiet (gpointer data)
{
  Quiet *quiet = data;
  gint64 now;

  if (!poll_due ())
    return FALSE;
  now = hangar_test_sandbox_stat (quiet->sandbox, "requests");

  if (now != quiet->last)
    {
      quiet->last = now;
      quiet->since = g_get_monotonic_time ();
      return FALSE;
    }
  return now - quiet->first >= 3 && g_get_monotonic_time () - quiet->since > G_USEC_PER_SEC;
}

/* @first: the sandbox's request count before the app started. */
static void
wait_quiet (Fixture *f,
            gint64   first)
{
  Quiet quiet = { f->sandbox, first, -1, 0 };

  hangar_test_wait_until (requests_quiet, &quiet, "the app to load its table");
}

static gboolean
no_fault_pending (gpointer data)
{
  HangarTestSandbox *sandbox = data;
  g_autoptr(JsonNode) answer = NULL;

  if (!poll_due ())
    return FALSE;
  answer = hangar_test_sandbox_control_json (sandbox, "/__sandbox/faults", "{\"count\":0}");
  return json_object_get_int_member (json_node_get_object (answer), "pending") == 0;
}

/* A probe for the rows being in the grid: once they are, the cursor is on
 * the first row and the record panel asks for that record's comments. A
 * fault that only delays the first request for a record of the table by a
 * millisecond tells when it came (a second of no requests alone does not:
 * a loaded machine can take longer to show the rows it was sent, and keys
 * typed before are lost). Any record: the first fill reads the table in
 * parts at once, so which record is first depends on which part came
 * first. */
static void
probe_first_row (Fixture *f)
{
  g_autofree char *probe = NULL;

  probe = g_strdup_printf ("{\"count\":1,\"delay_ms\":1,\"method\":\"GET\",\"path_prefix\":\"/v0/%s/%s/rec\"}",
                           f->base_id, f->table_id);
  hangar_test_sandbox_control (f->sandbox, "/__sandbox/faults", probe);
}

static void
wait_first_row (Fixture *f)
{
  hangar_test_wait_until (no_fault_pending, f->sandbox, "the grid to show its rows (the first record's comments asked for)");
}

/* Real keys into the app's window, with the pointer over it (there is no
 * window manager: the window under the pointer has the keyboard). Not
 * `--window`: that sends synthetic events, which are not real input. */
static void
app_keys (App        *app,
          const char *keys)
{
  g_autofree char *out = xdotool ("key", "--delay", "40", keys, NULL);

  (void) out;
  hangar_test_run_for (100);
}

static void
app_type (App        *app,
          const char *text)
{
  g_autofree char *out = xdotool ("type", "--delay", "20", text, NULL);

  (void) out;
  hangar_test_run_for (100);
}

/* A click on a cell in the middle of the grid gives it the keyboard. */
static void
app_focus_grid (App *app)
{
  g_autofree char *geometry = xdotool ("getwindowgeometry", "--shell", app->window, NULL);
  g_auto(GStrv) lines = g_strsplit (geometry, "\n", -1);
  int width = 0, height = 0;
  g_autofree char *x = NULL;
  g_autofree char *y = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "WIDTH="))
        width = atoi (lines[i] + 6);
      else if (g_str_has_prefix (lines[i], "HEIGHT="))
        height = atoi (lines[i] + 7);
    }
  g_assert_cmpint (width, >, 400);
  g_assert_cmpint (height, >, 300);
  /* Left of the middle: right of the sidebar, left of the record panel. */
  x = g_strdup_printf ("%d", width * 2 / 5);
  y = g_strdup_printf ("%d", height / 2);
  g_free (xdotool ("mousemove", "--window", app->window, x, y, NULL));
  g_free (xdotool ("click", "1", NULL));
  hangar_test_run_for (300);
}

/* ---- the journal, read from its database as another process would ---- */

/* How many changes are in @state (-1: any) whose fields hold @text (NULL:
 * any). */
static int
journal_count (Fixture    *f,
               int         state,
               const char *text)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autofree char *like = g_strdup_printf ("%%%s%%", text != NULL ? text : "");
  int n = 0;

  if (!g_file_test (f->db_path, G_FILE_TEST_EXISTS))
    return 0;
  g_assert_cmpint (sqlite3_open_v2 (f->db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 2000);
  if (sqlite3_prepare_v2 (db, "SELECT count(*) FROM journal_change WHERE (?1 < 0 OR state = ?1) AND fields LIKE ?2",
                          -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_int (stmt, 1, state);
      sqlite3_bind_text (stmt, 2, like, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        n = sqlite3_column_int (stmt, 0);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

typedef struct
{
  Fixture    *f;
  const char *text;
} Journalled;

static gboolean
is_journalled (gpointer data)
{
  Journalled *j = data;

  return journal_count (j->f, -1, j->text) > 0;
}

static void
wait_journalled (Fixture    *f,
                 const char *text)
{
  Journalled j = { f, text };
  g_autofree char *what = g_strdup_printf ("“%s” in the journal", text);

  hangar_test_wait_until (is_journalled, &j, what);
}

static gboolean
none_pending (gpointer data)
{
  Fixture *f = data;

  return journal_count (f, HANGAR_CHANGE_PENDING, NULL) == 0;
}

static gboolean
all_written (gpointer data)
{
  Fixture *f = data;

  return journal_count (f, -1, NULL) > 0 && journal_count (f, HANGAR_CHANGE_WRITTEN, NULL) == journal_count (f, -1, NULL);
}

static gboolean
faults_taken (gpointer data)
{
  HangarTestSandbox *sandbox = data;
  g_autoptr(JsonNode) answer = NULL;

  if (!poll_due ())
    return FALSE;
  answer = hangar_test_sandbox_control_json (sandbox, "/__sandbox/faults", "{\"count\":0}");

  return json_object_get_int_member (json_node_get_object (answer), "pending") == 0;
}

/* Of the two faults queued in run 1, the first (one 429) is used up. */
static gboolean
first_fault_taken (gpointer data)
{
  HangarTestSandbox *sandbox = data;
  g_autoptr(JsonNode) answer = NULL;

  if (!poll_due ())
    return FALSE;
  answer = hangar_test_sandbox_control_json (sandbox, "/__sandbox/faults", "{\"count\":0}");

  return json_object_get_int_member (json_node_get_object (answer), "pending") <= 1;
}

/* ---- the server ---- */

/* Name → how many records have it, over the whole table. */
static GHashTable *
server_names (Fixture *f)
{
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *offset = NULL;

  do
    {
      g_autofree char *escaped = offset != NULL ? g_uri_escape_string (offset, NULL, TRUE) : NULL;
      g_autofree char *path = g_strdup_printf ("/v0/%s/%s%s%s", f->base_id, f->table_id,
                                               escaped != NULL ? "?offset=" : "", escaped != NULL ? escaped : "");
      g_autoptr(JsonNode) page = hangar_test_sandbox_get (f->sandbox, path);
      JsonArray *records = json_object_get_array_member (json_node_get_object (page), "records");

      g_clear_pointer (&offset, g_free);
      offset = g_strdup (json_object_get_string_member_with_default (json_node_get_object (page), "offset", NULL));
      for (guint i = 0; i < json_array_get_length (records); i++)
        {
          JsonObject *fields = json_object_get_object_member (json_array_get_object_element (records, i), "fields");
          const char *name = json_object_get_string_member_with_default (fields, "Name", "");

          g_hash_table_insert (names, g_strdup (name),
                               GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (names, name)) + 1));
        }
    }
  while (offset != NULL);
  return names;
}

/* ---- set-up ---- */

static char *
table_id_of (HangarTestSandbox *sandbox,
             const char        *base_id,
             const char        *name)
{
  g_autofree char *path = g_strdup_printf ("/v0/meta/bases/%s/tables", base_id);
  g_autoptr(JsonNode) tables = hangar_test_sandbox_get (sandbox, path);
  JsonArray *array = json_object_get_array_member (json_node_get_object (tables), "tables");

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *table = json_array_get_object_element (array, i);

      if (g_str_equal (json_object_get_string_member (table, "name"), name))
        return g_strdup (json_object_get_string_member (table, "id"));
    }
  g_error ("no table %s", name);
}

/* The table the app opens at start: the one opened last. */
static void
set_last_table (Fixture    *f,
                const char *base_id,
                const char *table_id)
{
  g_autoptr(HangarViewState) state = NULL;
  g_autoptr(GError) error = NULL;

  /* Later than anything the app noted (seconds). */
  hangar_test_run_for (1100);
  state = hangar_view_state_new_for_account (f->account_id, &error);
  g_assert_no_error (error);
  g_assert_true (hangar_view_state_set_last_table (state, base_id, table_id, &error));
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *spec = g_strdup_printf ("%s:%d", BASE_NAME, N_RECORDS);
  /* Not --quiet: the sandbox's request log (stderr, in the test's log)
   * is the timeline when a run goes wrong. */
  const char *args[] = { "--no-rate-limit", "--generate", spec, NULL };
  g_autofree char *store_path = NULL;
  g_autoptr(HangarAccountStore) store = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  HangarAccount *account;

  /* The home hangar_test_gui_init() made: GLib has its directories cached
   * already, and the app must use the same ones. */
  hangar_test_use_file_keyring (NULL);
  f->sandbox = hangar_test_sandbox_startv (args);
  f->base_id = hangar_test_sandbox_base_id (f->sandbox, f->sandbox->pat, BASE_NAME);
  f->table_id = table_id_of (f->sandbox, f->base_id, TABLE_NAME);
  f->other_base_id = hangar_test_sandbox_base_id (f->sandbox, f->sandbox->pat, "Product Roadmap");
  f->other_table_id = table_id_of (f->sandbox, f->other_base_id, "Tasks");

  /* The account, saved where the app reads it. */
  store_path = g_build_filename (g_getenv ("XDG_CONFIG_HOME"), "hangar", "accounts.json", NULL);
  store = hangar_account_store_new_for_path (store_path, &error);
  g_assert_no_error (error);
  hangar_account_store_connect_pat_async (store, "Sandbox", f->sandbox->url, f->sandbox->pat, NULL,
                                          hangar_test_result_cb, &result);
  account = hangar_account_store_connect_pat_finish (store, hangar_test_wait_result (&result), &error);
  g_assert_no_error (error);
  f->account_id = g_strdup (hangar_account_get_id (account));
  g_assert_true (hangar_account_store_flush (store, &error));
  f->db_path = hangar_store_path_for_account (f->account_id, HANGAR_STORE_STATE);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_free (f->account_id);
  g_free (f->base_id);
  g_free (f->table_id);
  g_free (f->other_base_id);
  g_free (f->other_table_id);
  g_free (f->db_path);
  g_clear_pointer (&f->sandbox, hangar_test_sandbox_stop);
}

/* ---- the test ---- */

static void
test_kill_and_restart (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *prefix = g_strdup_printf ("/v0/%s/", f->base_id);
  g_autofree char *fault = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  guint made = G_N_ELEMENTS (typed_updates) + 1, on_server = 0, lost = 0, duplicates = 0;
  gint64 first;
  App *app;

  /* Run 1: the edits typed while Airtable answers 429 (Retry-After 30 s);
   * they wait on disk. */
  set_last_table (f, f->base_id, f->table_id);
  first = hangar_test_sandbox_stat (f->sandbox, "requests");
  probe_first_row (f);
  app = app_start ();
  hangar_test_wait_until (window_found, app, "hangar's window");
  wait_first_row (f);
  wait_quiet (f, first);
  /* Every request to the base answered 429 from now on (the record panel
   * reads comments too, and the faults match by path only): the first
   * pauses the app for this base, and nothing of run 1 can be written. */
  fault = g_strdup_printf ("{\"count\":1,\"status\":429,\"retry_after\":30,\"path_prefix\":\"%s\"}", prefix);
  hangar_test_sandbox_control (f->sandbox, "/__sandbox/faults", fault);
  g_free (fault);
  fault = g_strdup_printf ("{\"count\":100000,\"status\":429,\"retry_after\":30,\"path_prefix\":\"%s\"}", prefix);
  hangar_test_sandbox_control (f->sandbox, "/__sandbox/faults", fault);
  app_focus_grid (app);
  app_keys (app, "ctrl+Home");
  for (guint i = 0; i < G_N_ELEMENTS (typed_updates); i++)
    {
      app_type (app, typed_updates[i]);
      app_keys (app, "Return");
      wait_journalled (f, typed_updates[i]);
    }
  /* The new record once the 429 is answered: the journal sends nothing to
   * a paused base, so it waits on disk too (made while the updates were
   * out, it could be sent alongside them and then held by the client's
   * pause — uncertain after the kill, for the user to decide). */
  hangar_test_wait_until (first_fault_taken, f->sandbox, "a 429 to be answered");
  app_keys (app, "ctrl+shift+n");
  hangar_test_run_for (300);
  app_type (app, typed_create);
  app_keys (app, "Return");
  wait_journalled (f, typed_create);
  /* A moment for whatever the app would do next (it must not send). */
  hangar_test_run_for (500);
  g_assert_cmpint (journal_count (f, HANGAR_CHANGE_WRITTEN, NULL), ==, 0);
  app_kill (app);
  hangar_test_sandbox_control (f->sandbox, "/__sandbox/clear-faults", "{}");

  before = server_names (f);
  for (guint i = 0; i < G_N_ELEMENTS (typed_updates); i++)
    g_assert_false (g_hash_table_contains (before, typed_updates[i]));
  g_assert_false (g_hash_table_contains (before, typed_create));

  /* Run 2: at start the app sends what run 1 left; the sandbox holds those
   * writes and applies them after the app is dead. It opens another base,
   * so that only the writes go to this one. */
  set_last_table (f, f->other_base_id, f->other_table_id);
  g_free (fault);
  fault = g_strdup_printf ("{\"count\":2,\"delay_ms\":%d,\"path_prefix\":\"%s\"}", HOLD_MS, prefix);
  hangar_test_sandbox_control (f->sandbox, "/__sandbox/faults", fault);
  app = app_start ();
  hangar_test_wait_until (faults_taken, f->sandbox, "the writes to reach the sandbox");
  hangar_test_wait_until (none_pending, f, "every change to be sending");
  g_assert_cmpint (journal_count (f, HANGAR_CHANGE_SENDING, NULL), >, 0);
  app_kill (app);
  hangar_test_run_for (HOLD_MS + 1000);

  /* Run 3: everything ends written, nothing twice. */
  app = app_start ();
  hangar_test_wait_until (all_written, f, "every change to be written");
  g_subprocess_send_signal (app->process, SIGTERM);
  app_free (app);

  after = server_names (f);
  for (guint i = 0; i <= G_N_ELEMENTS (typed_updates); i++)
    {
      const char *name = i < G_N_ELEMENTS (typed_updates) ? typed_updates[i] : typed_create;
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (after, name));

      if (n == 0)
        {
          g_test_message ("“%s” lost", name);
          lost++;
        }
      else
        on_server++;
      if (n > 1)
        duplicates += n - 1;
    }
  g_print ("\n%-60s %6s %10s %6s %11s\n", "scenario", "made", "on server", "lost", "duplicates");
  g_print ("%-60s %6u %10u %6u %11u\n", "real app: killed paused by a 429, then killed while sending",
           made, on_server, lost, duplicates);
  g_assert_cmpuint (lost, ==, 0);
  g_assert_cmpuint (duplicates, ==, 0);
  g_assert_cmpuint (on_server, ==, made);
  /* The new record exists once: the table grew by one. */
  g_assert_cmpuint (g_hash_table_size (after), >=, g_hash_table_size (before));
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_gui_init (&argc, &argv);
  hangar_test_input_require ();

  g_test_add ("/hangar/gui/app-kill/restart", Fixture, NULL, fixture_setup, test_kill_and_restart, fixture_teardown);
  return g_test_run ();
}
