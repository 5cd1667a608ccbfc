/* bench-edit.c — keypress → repainted, in the record grid. Not a test: it
 * prints figures and asserts no timing.
 *
 * Real keys (xdotool) into a grid showing the sandbox's "Tasks" table,
 * ROUNDS times (default 20), each on a row of its own:
 *
 *   a character on a cell   → the editor open with it, painted
 *   Enter in the editor     → the cell painted with its new value
 *
 * Each latency runs from the key event's X server time (milliseconds on
 * the monotonic clock, as g_get_monotonic_time()) to the frame clock's
 * "after-paint" of the frame that shows the result. The time the event
 * was dispatched to GTK is printed too.
 *
 * Usage: HANGAR_SANDBOX=_build/src/sandbox/hangar-sandbox \
 *          xvfb-run -a _build/tests/gui/bench-edit [ROUNDS]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <stdlib.h>

#include "hangar-cell-editor.h"
#include "hangar-client.h"
#include "hangar-journal.h"
#include "hangar-record-grid-private.h"
#include "hangar-test-gui.h"
#include "hangar-test-input.h"

#define FIELD "Title"

typedef enum
{
  WANT_NOTHING,
  WANT_EDITOR,     /* the editor mapped */
  WANT_CELL,       /* the cell showing `text` */
} Want;

static struct
{
  HangarRecordGrid *grid;
  HangarJournal    *journal;
  Want              want;
  guint             row;
  char             *text;
  guint32           event_ms;
  gint64            dispatched_us;
  gint64            painted_us;
} B;

static gboolean
key_cb (GtkEventControllerKey *controller,
        guint                  keyval,
        guint                  keycode,
        GdkModifierType        state,
        gpointer               user_data)
{
  if (B.want != WANT_NOTHING && B.event_ms == 0)
    {
      B.event_ms = gtk_event_controller_get_current_event_time (GTK_EVENT_CONTROLLER (controller));
      B.dispatched_us = g_get_monotonic_time ();
    }
  return FALSE;
}

static void
watch_keys (GtkWidget *widget)
{
  GtkEventController *keys = gtk_event_controller_key_new ();

  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_cb), NULL);
  gtk_widget_add_controller (widget, keys);
}

static const char *
cell_text (void)
{
  GtkWidget *cell = hangar_record_grid_get_cell_widget (B.grid, B.row, FIELD);

  for (GtkWidget *child = cell; child != NULL; child = gtk_widget_get_first_child (child))
    if (GTK_IS_INSCRIPTION (child))
      return gtk_inscription_get_text (GTK_INSCRIPTION (child));
  return NULL;
}

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  HangarCellEditor *editor;

  if (B.event_ms == 0 || B.painted_us != 0)
    return;
  editor = hangar_record_grid_get_editor (B.grid);
  if ((B.want == WANT_EDITOR && editor != NULL && gtk_widget_get_mapped (GTK_WIDGET (editor))) ||
      (B.want == WANT_CELL && g_strcmp0 (cell_text (), B.text) == 0))
    B.painted_us = g_get_monotonic_time ();
}

static gboolean
painted (gpointer data)
{
  return B.painted_us != 0;
}

static void
measure (Want        want,
         GtkWidget  *target,
         const char *keys,
         GArray     *from_event,
         GArray     *from_dispatch)
{
  double e, d;

  B.want = want;
  B.event_ms = 0;
  B.painted_us = 0;
  hangar_test_input_keys (target, keys);
  hangar_test_wait_until (painted, NULL, "the result to be painted");
  e = (B.painted_us - (gint64) B.event_ms * 1000) / 1000.0;
  d = (B.painted_us - B.dispatched_us) / 1000.0;
  g_array_append_val (from_event, e);
  g_array_append_val (from_dispatch, d);
  B.want = WANT_NOTHING;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
report (const char *what,
        GArray     *values)
{
  g_array_sort (values, compare_doubles);
  g_print ("%-44s median %6.1f ms   90th %6.1f ms   max %6.1f ms   (n = %u)\n", what,
           g_array_index (values, double, values->len / 2),
           g_array_index (values, double, values->len * 9 / 10),
           g_array_index (values, double, values->len - 1), values->len);
}

static gboolean
journal_idle (gpointer data)
{
  return hangar_journal_count_unsent (B.journal) == 0;
}

static gboolean
grid_idle (gpointer data)
{
  return !hangar_record_grid_get_loading (B.grid);
}

int
main (int   argc,
      char *argv[])
{
  const char *args[] = { "--no-rate-limit", "--quiet", NULL };
  guint rounds = argc > 1 ? (guint) atoi (argv[1]) : 20;
  g_autoptr(HangarTokenSource) source = NULL;
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(HangarStore) store = NULL;
  g_autoptr(GPtrArray) tables = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) open_event = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) open_dispatch = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) commit_event = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) commit_dispatch = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *path = NULL;
  g_autofree char *tables_path = NULL;
  HangarTestSandbox *sandbox;
  GtkWindow *window;
  char *base_id;

  hangar_test_gui_init (&argc, &argv);
  hangar_test_input_require ();

  sandbox = hangar_test_sandbox_startv (args);
  base_id = hangar_test_sandbox_base_id (sandbox, sandbox->pat, "Product Roadmap");
  tables_path = g_strdup_printf ("/v0/meta/bases/%s/tables", base_id);
  node = hangar_test_sandbox_get (sandbox, tables_path);
  tables = hangar_table_list_from_json (node, &error);
  g_assert_no_error (error);
  source = hangar_static_token_source_new (sandbox->pat);
  client = hangar_client_new (sandbox->url, source);
  path = g_build_filename (g_get_user_data_dir (), "hangar", "bench-edit", "state.sqlite", NULL);
  store = hangar_store_open (path, HANGAR_STORE_STATE, &error);
  g_assert_no_error (error);
  B.journal = hangar_journal_new (store, client, &error);
  g_assert_no_error (error);

  B.grid = g_object_ref_sink (HANGAR_RECORD_GRID (hangar_record_grid_new ()));
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 1280, 800);
  gtk_window_set_child (window, GTK_WIDGET (B.grid));
  gtk_window_present (window);
  watch_keys (GTK_WIDGET (window));

  hangar_record_grid_show_table_with_client (B.grid, client, base_id, hangar_table_list_lookup (tables, "Tasks"));
  hangar_record_grid_set_journal (B.grid, B.journal);
  hangar_test_wait_until (grid_idle, NULL, "the records to load");
  hangar_test_gui_wait_for_frame (GTK_WIDGET (B.grid));
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint", G_CALLBACK (after_paint_cb), NULL);

  rounds = MIN (rounds, g_list_model_get_n_items (G_LIST_MODEL (hangar_record_grid_get_model (B.grid))) - 1);
  for (guint i = 0; i < rounds; i++)
    {
      GtkWidget *editor;

      B.row = i % 10;
      g_free (B.text);
      B.text = g_strdup_printf ("q%u", i);
      hangar_record_grid_set_cursor (B.grid, B.row, FIELD);
      hangar_test_gui_wait_for_frame (GTK_WIDGET (B.grid));
      gtk_widget_grab_focus (GTK_WIDGET (B.grid));
      hangar_test_input_click (hangar_record_grid_get_cell_widget (B.grid, B.row, FIELD), 1, 1, NULL);

      measure (WANT_EDITOR, GTK_WIDGET (B.grid), "q", open_event, open_dispatch);
      editor = GTK_WIDGET (hangar_record_grid_get_editor (B.grid));
      /* Each editor has a popover of its own. */
      watch_keys (gtk_widget_get_ancestor (editor, GTK_TYPE_POPOVER));
      /* The rest of the value, then Enter. */
      {
        g_autofree char *rest = g_strdup_printf ("%u", i);

        hangar_test_input_type (editor, rest);
      }
      measure (WANT_CELL, editor, "Return", commit_event, commit_dispatch);
    }
  hangar_test_wait_until (journal_idle, NULL, "the journal to send every edit");

  g_print ("\nkeypress → repainted, %u rounds, real keys under %s\n", rounds,
           g_getenv ("DISPLAY") != NULL ? g_getenv ("DISPLAY") : "a display");
  report ("a character → its cell's editor painted", open_event);
  report ("  (from the event's dispatch)", open_dispatch);
  report ("Enter → the cell painted with its value", commit_event);
  report ("  (from the event's dispatch)", commit_dispatch);

  gtk_window_destroy (window);
  g_clear_object (&B.grid);
  g_clear_object (&B.journal);
  g_free (B.text);
  g_free (base_id);
  hangar_test_sandbox_stop (sandbox);
  return 0;
}
