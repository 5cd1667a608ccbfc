/* bench-edit.c — keypress → repainted, in the record grid. Not a test: it
 * prints figures and asserts no timing.
 *
 * Real keys (xdotool) into a grid showing the sandbox's "Tasks" table,
 * ROUNDS times (default 20), on its first rows in turn:
 *
 *   a character on a cell   → the editor open with it, painted
 *   Enter in the editor     → the cell painted with its new value
 *
 * Each latency runs from the key event's X server time (milliseconds on
 * the monotonic clock, as g_get_monotonic_time()) to the frame clock's
 * "after-paint" of the frame that shows the result. The time the event
 * was dispatched to GTK is printed too, and where the time from there
 * goes:
 *
 *   handled   the event's dispatch until the main loop is free again: the
 *             app's key handler and what it does at once (an editor made
 *             and its popover shown; a commit journalled, the model and
 *             the row updated), measured by an idle of high priority
 *             added at the dispatch, which runs as soon as it returns
 *   wait      until the frame clock starts the frame that paints it
 *   layout    the frame's update and layout phases (size requests,
 *             allocation of the window and the popover)
 *   paint     the frame's paint phase: the snapshot and its rendering by
 *             the renderer named in the output (GSK_RENDERER chooses)
 *   rest      after the paint until "after-paint"
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
#include "hangar-comments-panel.h"
#include "hangar-journal.h"
#include "hangar-record-detail.h"
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
  gint64            handled_us;
  gint64            painted_us;
  /* the phases of the frame under way, and of the one that painted it */
  gint64            frame_start_us;
  gint64            layout_end_us;
  gint64            paint_end_us;
  gint64            painted_start_us;
  gint64            painted_layout_us;
  gint64            painted_paint_us;
} B;

static gboolean
handled_cb (gpointer data)
{
  if (B.handled_us == 0)
    B.handled_us = g_get_monotonic_time ();
  return G_SOURCE_REMOVE;
}

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
      B.handled_us = 0;
      /* Runs once the event's dispatch has returned, before any frame. */
      g_idle_add_full (G_PRIORITY_HIGH, handled_cb, NULL, NULL);
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
before_paint_cb (GdkFrameClock *clock,
                 gpointer       user_data)
{
  B.frame_start_us = g_get_monotonic_time ();
  B.layout_end_us = B.paint_end_us = 0;
}

/* Connected after GTK's own handlers: the end of each phase. */
static void
layout_cb (GdkFrameClock *clock,
           gpointer       user_data)
{
  B.layout_end_us = g_get_monotonic_time ();
}

static void
paint_cb (GdkFrameClock *clock,
          gpointer       user_data)
{
  B.paint_end_us = g_get_monotonic_time ();
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
    {
      B.painted_us = g_get_monotonic_time ();
      B.painted_start_us = B.frame_start_us;
      B.painted_layout_us = B.layout_end_us != 0 ? B.layout_end_us : B.frame_start_us;
      B.painted_paint_us = B.paint_end_us != 0 ? B.paint_end_us : B.painted_layout_us;
    }
}

static gboolean
painted (gpointer data)
{
  return B.painted_us != 0;
}

/* The figures of one kind of keypress: from the event, from the
 * dispatch, and the parts of the latter. */
typedef struct
{
  GArray *from_event;
  GArray *from_dispatch;
  GArray *handled;
  GArray *wait;
  GArray *layout;
  GArray *paint;
  GArray *rest;
} Figures;

static void
figures_init (Figures *figures)
{
  GArray **all[] = { &figures->from_event, &figures->from_dispatch, &figures->handled, &figures->wait,
                     &figures->layout, &figures->paint, &figures->rest };

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    *all[i] = g_array_new (FALSE, FALSE, sizeof (double));
}

static void
figures_clear (Figures *figures)
{
  GArray **all[] = { &figures->from_event, &figures->from_dispatch, &figures->handled, &figures->wait,
                     &figures->layout, &figures->paint, &figures->rest };

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    g_clear_pointer (all[i], g_array_unref);
}

static void
add_ms (GArray *values,
        gint64  from_us,
        gint64  to_us)
{
  double ms = (to_us - from_us) / 1000.0;

  g_array_append_val (values, ms);
}

static void
measure (Want        want,
         GtkWidget  *target,
         const char *keys,
         Figures    *figures)
{
  gint64 handled;

  B.want = want;
  B.event_ms = 0;
  B.painted_us = 0;
  hangar_test_input_keys (target, keys);
  hangar_test_wait_until (painted, NULL, "the result to be painted");
  add_ms (figures->from_event, (gint64) B.event_ms * 1000, B.painted_us);
  add_ms (figures->from_dispatch, B.dispatched_us, B.painted_us);
  /* (a frame that started before the handler was done painted it: the
   * handler ran inside that frame, as a popover's map can) */
  handled = B.handled_us != 0 ? MIN (B.handled_us, B.painted_start_us) : B.painted_start_us;
  if (B.painted_start_us < B.dispatched_us)
    handled = B.painted_start_us = B.dispatched_us;
  add_ms (figures->handled, B.dispatched_us, handled);
  add_ms (figures->wait, handled, B.painted_start_us);
  add_ms (figures->layout, B.painted_start_us, MAX (B.painted_layout_us, B.painted_start_us));
  add_ms (figures->paint, MAX (B.painted_layout_us, B.painted_start_us), MAX (B.painted_paint_us, B.painted_start_us));
  add_ms (figures->rest, MAX (B.painted_paint_us, B.painted_start_us), B.painted_us);
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

static void
report_figures (const char *what,
                Figures    *figures)
{
  report (what, figures->from_event);
  report ("  from the event's dispatch", figures->from_dispatch);
  report ("    handled (the app's handler, at once)", figures->handled);
  report ("    wait for the frame", figures->wait);
  report ("    frame: update and layout", figures->layout);
  report ("    frame: paint (snapshot, render)", figures->paint);
  report ("    frame: rest", figures->rest);
}

static gboolean
comments_settled (gpointer data)
{
  HangarRecordDetail *detail = hangar_record_grid_get_detail (B.grid);
  HangarCommentsPanel *panel = hangar_record_detail_get_comments (detail);
  HangarRecord *record = hangar_record_detail_get_record (detail);

  return record != NULL && !hangar_comments_panel_get_loading (panel) &&
         g_strcmp0 (hangar_comments_panel_get_record_id (panel), hangar_record_get_id (record)) == 0;
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
  Figures open, commit;
  g_autofree char *path = NULL;
  g_autofree char *tables_path = NULL;
  HangarTestSandbox *sandbox;
  GtkWindow *window;
  guint n_rows;
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
  {
    GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));

    g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), NULL);
    g_signal_connect_after (clock, "layout", G_CALLBACK (layout_cb), NULL);
    g_signal_connect_after (clock, "paint", G_CALLBACK (paint_cb), NULL);
    g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), NULL);
  }
  figures_init (&open);
  figures_init (&commit);

  n_rows = MIN (10, g_list_model_get_n_items (G_LIST_MODEL (hangar_record_grid_get_model (B.grid))) - 1);
  for (guint i = 0; i < rounds; i++)
    {
      GtkWidget *editor;

      B.row = i % n_rows;
      g_free (B.text);
      B.text = g_strdup_printf ("q%u", i);
      hangar_record_grid_set_cursor (B.grid, B.row, FIELD);
      hangar_test_gui_wait_for_frame (GTK_WIDGET (B.grid));
      /* As a user who stops on the row: the record panel has read its
       * comments (a request once the cursor rests), so that their answer
       * does not land inside a measurement. */
      hangar_test_wait_until (comments_settled, NULL, "the record panel's comments");
      gtk_widget_grab_focus (GTK_WIDGET (B.grid));
      hangar_test_input_click (hangar_record_grid_get_cell_widget (B.grid, B.row, FIELD), 1, 1, NULL);

      measure (WANT_EDITOR, GTK_WIDGET (B.grid), "q", &open);
      editor = GTK_WIDGET (hangar_record_grid_get_editor (B.grid));
      /* The editor's popover is a surface of its own (once). */
      {
        GtkWidget *popover = gtk_widget_get_ancestor (editor, GTK_TYPE_POPOVER);

        if (g_object_get_data (G_OBJECT (popover), "bench-watched") == NULL)
          {
            g_object_set_data (G_OBJECT (popover), "bench-watched", GINT_TO_POINTER (TRUE));
            watch_keys (popover);
          }
      }
      /* The rest of the value, then Enter. */
      {
        g_autofree char *rest = g_strdup_printf ("%u", i);

        hangar_test_input_type (editor, rest);
      }
      measure (WANT_CELL, editor, "Return", &commit);
    }
  hangar_test_wait_until (journal_idle, NULL, "the journal to send every edit");

  g_print ("\nkeypress → repainted, %u rounds, real keys under %s, renderer %s\n", rounds,
           g_getenv ("DISPLAY") != NULL ? g_getenv ("DISPLAY") : "a display",
           G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))));
  report_figures ("a character → its cell's editor painted", &open);
  report_figures ("Enter → the cell painted with its value", &commit);
  figures_clear (&open);
  figures_clear (&commit);

  gtk_window_destroy (window);
  g_clear_object (&B.grid);
  g_clear_object (&B.journal);
  g_free (B.text);
  g_free (base_id);
  hangar_test_sandbox_stop (sandbox);
  return 0;
}
