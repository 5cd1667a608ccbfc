/* bench-grid-cache.c — opening a big cached table in the record grid
 *
 *   xvfb-run -a _build/tests/gui/bench-grid-cache [--records N] [--runs R]
 *
 * Starts hangar-sandbox with a generated table of N records (default
 * 100,000) and no rate limit, fills an offline cache with it, then R times
 * (default 5) opens the table as the app does after a restart — a new
 * cache object on the file, a new sync, a new grid in a window — and
 * prints the time from the call that shows the table to the first rows in
 * the model, to the first frame painted with them (the first visible row),
 * and to the whole table's order being known, and the main thread's CPU
 * time to the first two (what the wall times are on an idle machine). The
 * first visible row is the end of the first frame whose cells on screen
 * hold the first record's name. Each run also prints its frames up to then
 * (when each began after the call, and its layout and paint times) and how
 * many records were built for it.
 * Prints figures; asserts nothing about time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>
#include <time.h>

#include "hangar-cache.h"
#include "hangar-client.h"
#include "hangar-record-grid-private.h"
#include "hangar-sync.h"
#include "hangar-test-gui.h"

typedef struct
{
  gint64 start_us;
  gint64 first_rows_us;
  gint64 first_frame_us;
  /* The main thread's CPU time at the same points: on a loaded machine the
   * wall times above mostly measure waiting for a core. */
  gint64 start_cpu_us;
  gint64 first_rows_cpu_us;
  gint64 first_frame_cpu_us;
  /* Where the time to the first visible row went, frame by frame: each
   * frame's start, end of its layout and end of its paint (GTK's own
   * handlers run before these, connected later). */
  GString *phases;
  gint64   frame_start_us;
  gint64   frame_start_cpu_us;
  gint64   layout_end_us;
  gint64   paint_end_us;
  guint    n_frames;
  guint    n_layouts;       /* layout passes in the frame (GTK runs up to 4) */
  guint    built_at_frame;
  HangarRecordGrid *grid;
} Timing;

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static void
before_paint_cb (GdkFrameClock *clock,
                 Timing        *timing)
{
  if (timing->first_frame_us == 0)
    {
      timing->frame_start_us = g_get_monotonic_time ();
      timing->frame_start_cpu_us = thread_cpu_us ();
      timing->n_layouts = 0;
    }
}

static void
layout_cb (GdkFrameClock *clock,
           Timing        *timing)
{
  if (timing->first_frame_us == 0)
    {
      timing->layout_end_us = g_get_monotonic_time ();
      timing->n_layouts++;
    }
}

static void
paint_cb (GdkFrameClock *clock,
          Timing        *timing)
{
  if (timing->first_frame_us == 0)
    timing->paint_end_us = g_get_monotonic_time ();
}

/* The frame just painted holds the first record's name in a cell on screen
 * (not only a model with rows in it). */
static gboolean
first_row_painted (HangarRecordGrid *grid)
{
  GListModel *model = G_LIST_MODEL (hangar_record_grid_get_model (grid));
  GtkWidget *view = GTK_WIDGET (hangar_record_grid_get_column_view (grid));
  g_autoptr(HangarRecord) first = g_list_model_get_n_items (model) > 0 ? g_list_model_get_item (model, 0) : NULL;
  JsonNode *name = first != NULL ? hangar_record_get_field (first, "Name") : NULL;

  return name != NULL && gtk_widget_get_mapped (view) &&
         hangar_test_gui_shows_text (view, json_node_get_string (name));
}

static void
after_paint_cb (GdkFrameClock *clock,
                Timing        *timing)
{
  gint64 now = g_get_monotonic_time ();
  gboolean painted;

  if (timing->first_frame_us != 0)
    return;
  timing->n_frames++;
  painted = timing->first_rows_us != 0 && first_row_painted (timing->grid);
  if (timing->frame_start_us != 0)
    g_string_append_printf (timing->phases, " [frame at %.1f (CPU %.1f): layout %.1f (%u passes), paint %.1f (CPU %.1f)%s]",
                            (timing->frame_start_us - timing->start_us) / 1000.0,
                            (timing->frame_start_cpu_us - timing->start_cpu_us) / 1000.0,
                            (timing->layout_end_us - timing->frame_start_us) / 1000.0, timing->n_layouts,
                            (timing->paint_end_us - timing->layout_end_us) / 1000.0,
                            (thread_cpu_us () - timing->frame_start_cpu_us) / 1000.0,
                            painted ? ", first row" : "");
  if (painted)
    {
      HangarCachedRecords *cached = timing->grid->cached;

      timing->first_frame_us = now;
      timing->first_frame_cpu_us = thread_cpu_us ();
      timing->built_at_frame = cached != NULL ? hangar_cached_records_get_n_built (cached) : 0;
    }
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Timing     *timing)
{
  if (timing->first_rows_us == 0 && g_list_model_get_n_items (model) > 0)
    {
      timing->first_rows_us = g_get_monotonic_time ();
      timing->first_rows_cpu_us = thread_cpu_us ();
    }
}

static gboolean
complete_cb (gpointer data)
{
  gpointer *args = data;
  HangarCacheTableState state;

  hangar_cache_get_table_state (args[0], args[1], args[2], &state);
  return state.complete && !hangar_sync_get_filling (args[3], args[1], args[2], NULL);
}

static gboolean
frame_seen_cb (gpointer data)
{
  return ((Timing *) data)->first_frame_us != 0;
}

static gboolean
all_listed_cb (gpointer data)
{
  HangarRecordGrid *grid = data;

  return !hangar_record_grid_get_loading (grid);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_doubles);
  return g_array_index (values, double, values->len / 2);
}

int
main (int   argc,
      char *argv[])
{
  int n_records = 100000;
  int runs = 5;
  GOptionEntry entries[] = {
    { "records", 0, 0, G_OPTION_ARG_INT, &n_records, "Records in the table (100000)", "N" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Times to open it (5)", "R" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— first row of a cached table");
  g_autoptr(GError) error = NULL;
  g_autofree char *generate = NULL;
  g_autofree char *base_id = NULL;
  g_autofree char *path = NULL;
  g_autoptr(HangarTestSandbox) sandbox = NULL;
  g_autoptr(HangarTokenSource) source = NULL;
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(HangarTable) table = NULL;
  g_autoptr(GPtrArray) tables = NULL;
  g_autoptr(JsonNode) tables_node = NULL;
  g_autoptr(GArray) rows_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) frame_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) all_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) rows_cpu_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) frame_cpu_ms = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 t0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  hangar_test_gui_init (&argc, &argv);
  hangar_test_isolate_home ();

  generate = g_strdup_printf ("Cached:%d", n_records);
  sandbox = hangar_test_sandbox_start ("--no-rate-limit", "--quiet", "--generate", generate, NULL);
  source = hangar_static_token_source_new (sandbox->pat);
  client = hangar_client_new (sandbox->url, source);
  hangar_client_set_pacing (client, FALSE);
  base_id = hangar_test_sandbox_base_id (sandbox, sandbox->pat, "Cached");
  path = g_strdup_printf ("/v0/meta/bases/%s/tables", base_id);
  tables_node = hangar_test_sandbox_get (sandbox, path);
  tables = hangar_table_list_from_json (tables_node, &error);
  g_assert_no_error (error);
  table = g_object_ref (hangar_table_list_lookup (tables, "Records"));

  /* Fill the cache once. */
  {
    g_autoptr(HangarCache) cache = hangar_cache_get_for_account ("bench", &error);
    g_autoptr(HangarSync) sync = NULL;
    gpointer args[4];

    g_assert_no_error (error);
    sync = hangar_sync_new (client, cache);
    args[0] = cache;
    args[1] = base_id;
    args[2] = (gpointer) hangar_table_get_id (table);
    args[3] = sync;
    t0 = g_get_monotonic_time ();
    hangar_sync_watch_table (sync, base_id, table);
    hangar_test_wait_until (complete_cb, args, "the cache to be filled");
    g_print ("Filled the cache with %d records in %.1f s (unpaced, loopback)\n", n_records,
             (g_get_monotonic_time () - t0) / 1e6);
    hangar_sync_unwatch_table (sync, base_id, hangar_table_get_id (table));
  }

  for (int run = 0; run < runs; run++)
    {
      g_autoptr(HangarCache) cache = NULL;
      g_autoptr(HangarSync) sync = NULL;
      GtkWidget *window = gtk_window_new ();
      HangarRecordGrid *grid = HANGAR_RECORD_GRID (hangar_record_grid_new ());
      GListModel *model = G_LIST_MODEL (hangar_record_grid_get_model (grid));
      Timing timing = { 0 };
      gulong items_id, paint_id, before_id, layout_id, painted_id;
      GdkFrameClock *clock;
      double ms;

      gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
      gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (grid));
      gtk_window_present (GTK_WINDOW (window));
      hangar_test_gui_wait_for_frame (window);
      clock = gtk_widget_get_frame_clock (window);
      items_id = g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &timing);
      paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &timing);
      before_id = g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), &timing);
      layout_id = g_signal_connect (clock, "layout", G_CALLBACK (layout_cb), &timing);
      painted_id = g_signal_connect (clock, "paint", G_CALLBACK (paint_cb), &timing);
      timing.phases = g_string_new (NULL);
      timing.grid = grid;

      /* As after a restart: the cache opened, a sync made, the table shown. */
      timing.start_us = g_get_monotonic_time ();
      timing.start_cpu_us = thread_cpu_us ();
      cache = hangar_cache_get_for_account ("bench", &error);
      g_assert_no_error (error);
      {
        gint64 t_cache = g_get_monotonic_time ();
        gint64 t_sync;

        sync = hangar_sync_new (client, cache);
        t_sync = g_get_monotonic_time ();
        hangar_record_grid_set_sync (grid, sync);
        hangar_record_grid_show_table_with_client (grid, client, base_id, table);
        g_print ("  (cache open %.1f ms, sync %.1f ms, show %.1f ms)\n", (t_cache - timing.start_us) / 1000.0,
                 (t_sync - t_cache) / 1000.0, (g_get_monotonic_time () - t_sync) / 1000.0);
      }
      gtk_widget_queue_draw (window);
      hangar_test_wait_until (frame_seen_cb, &timing, "the first frame with rows");
      hangar_test_wait_until (all_listed_cb, grid, "every row");

      ms = (timing.first_rows_us - timing.start_us) / 1000.0;
      g_array_append_val (rows_ms, ms);
      ms = (timing.first_frame_us - timing.start_us) / 1000.0;
      g_array_append_val (frame_ms, ms);
      ms = (g_get_monotonic_time () - timing.start_us) / 1000.0;
      g_array_append_val (all_ms, ms);
      ms = (timing.first_rows_cpu_us - timing.start_cpu_us) / 1000.0;
      g_array_append_val (rows_cpu_ms, ms);
      ms = (timing.first_frame_cpu_us - timing.start_cpu_us) / 1000.0;
      g_array_append_val (frame_cpu_ms, ms);
      g_print ("run %d: first rows %.1f ms, first frame %.1f ms, whole order %.1f ms (%u rows); "
               "main-thread CPU to first rows %.1f ms, to first frame %.1f ms\n", run + 1,
               g_array_index (rows_ms, double, rows_ms->len - 1), g_array_index (frame_ms, double, frame_ms->len - 1),
               g_array_index (all_ms, double, all_ms->len - 1), g_list_model_get_n_items (model),
               g_array_index (rows_cpu_ms, double, rows_cpu_ms->len - 1),
               g_array_index (frame_cpu_ms, double, frame_cpu_ms->len - 1));

      g_signal_handler_disconnect (model, items_id);
      g_signal_handler_disconnect (clock, paint_id);
      g_signal_handler_disconnect (clock, before_id);
      g_signal_handler_disconnect (clock, layout_id);
      g_signal_handler_disconnect (clock, painted_id);
      g_print ("  (frames to the first visible row:%s; %u records built)\n", timing.phases->str, timing.built_at_frame);
      g_string_free (timing.phases, TRUE);
      gtk_window_destroy (GTK_WINDOW (window));
      hangar_test_run_for (200);  /* let requests in flight end before the next run */
    }

  g_print ("\nCached open of %d records, median of %d: first rows %.1f ms, first visible row %.1f ms, "
           "whole order %.1f ms\n", n_records, runs, median (rows_ms), median (frame_ms), median (all_ms));
  g_print ("Main-thread CPU time, median: to the first rows %.1f ms, to the first visible row %.1f ms\n",
           median (rows_cpu_ms), median (frame_cpu_ms));
  return 0;
}
