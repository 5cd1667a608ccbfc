/* bench-grid.c — how fast the record grid shows a big table; grid screenshots
 *
 *   bench-grid [--records N] [--screenshot FILE.png] [--table NAME]
 *
 * --screenshot with --records N shows a generated table of N records.
 *
 * Without --screenshot: starts hangar-sandbox with a generated table of N
 * records (default 100000) and no rate limit, opens it in a record grid and
 * prints the time from hangar_record_grid_show_table_with_client() to the
 * first items-changed with rows, and to the first frame painted after it
 * (the first visible row). The grid loads on demand: it then prints how
 * many records and requests 2 s of idling cost, and the time from scrolling
 * to the end to the next page in the model.
 *
 * With --screenshot: opens the demo "Tasks" table (or --table NAME of the
 * Product Roadmap base) at 1280x800 and saves a PNG once loaded.
 *
 * Run under a display, e.g. xvfb-run -a build/tests/gui/bench-grid.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "hangar-client.h"
#include "hangar-filter-editor.h"
#include "hangar-sort-editor.h"
#include "hangar-record-grid-private.h"
#include "hangar-test-gui.h"

typedef struct
{
  gint64   start_us;
  gint64   first_rows_us;
  gint64   first_frame_us;
  gulong   frame_handler;
  gboolean done;
} Timing;

static HangarTable *
find_table (HangarTestSandbox  *sandbox,
            const char         *base_name,
            const char         *table_name,
            char              **out_base_id)
{
  g_autoptr(JsonNode) bases = hangar_test_sandbox_get (sandbox, "/v0/meta/bases");
  JsonArray *array = json_object_get_array_member (json_node_get_object (bases), "bases");
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *base = json_array_get_object_element (array, i);
      const char *id = json_object_get_string_member (base, "id");
      g_autofree char *path = g_strdup_printf ("/v0/meta/bases/%s/tables", id);
      g_autoptr(JsonNode) tables_node = NULL;
      g_autoptr(GPtrArray) tables = NULL;
      HangarTable *table;

      if (base_name != NULL && g_strcmp0 (json_object_get_string_member (base, "name"), base_name) != 0)
        continue;
      tables_node = hangar_test_sandbox_get (sandbox, path);
      tables = hangar_table_list_from_json (tables_node, &error);
      g_assert_no_error (error);
      table = hangar_table_list_lookup (tables, table_name);
      if (table != NULL)
        {
          *out_base_id = g_strdup (id);
          return g_object_ref (table);
        }
    }
  g_error ("No table %s", table_name);
  return NULL;
}

static void
after_paint_cb (GdkFrameClock *clock,
                Timing        *timing)
{
  if (timing->first_rows_us == 0 || timing->first_frame_us != 0)
    return;
  timing->first_frame_us = g_get_monotonic_time ();
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Timing     *timing)
{
  guint n = g_list_model_get_n_items (model);

  if (timing->first_rows_us == 0 && n > 0)
    timing->first_rows_us = g_get_monotonic_time ();
}

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *flag = user_data;

  *flag = TRUE;
  return G_SOURCE_REMOVE;
}

static void
spin_until (gboolean *flag,
            guint     max_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (max_ms, timeout_cb, &timed_out);

  while (!*flag && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
}

static gboolean
loaded (HangarRecordGrid *grid)
{
  gboolean loading = TRUE;

  g_object_get (grid, "loading", &loading, NULL);
  return !loading;
}

static void
settle (guint ms)
{
  gboolean settled = FALSE;

  g_timeout_add (ms, timeout_cb, &settled);
  spin_until (&settled, ms + 1000);
}

/* Opens the popover of @button and saves it next to @path. */
static void
save_popover (GtkWidget  *grid,
              const char *button_tooltip_prefix,
              const char *path,
              const char *suffix)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *base = g_strndup (path, strlen (path) - (g_str_has_suffix (path, ".png") ? 4 : 0));
  g_autofree char *file = g_strdup_printf ("%s-%s.png", base, suffix);
  GtkWidget *toolbar = gtk_widget_get_first_child (grid);

  for (GtkWidget *child = gtk_widget_get_first_child (toolbar); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      const char *tooltip = gtk_widget_get_tooltip_text (child);

      if (GTK_IS_MENU_BUTTON (child) && tooltip != NULL && g_str_has_prefix (tooltip, button_tooltip_prefix))
        {
          GtkPopover *popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (child));

          gtk_menu_button_popup (GTK_MENU_BUTTON (child));
          settle (500);
          if (!hangar_test_gui_save_png (GTK_WIDGET (popover), file, &error))
            g_error ("%s", error->message);
          g_print ("saved %s\n", file);
          gtk_popover_popdown (popover);
          settle (200);
        }
    }
}

static gboolean
rate_limited (HangarRecordGrid *grid)
{
  gboolean limited = FALSE;

  g_object_get (grid, "rate-limited", &limited, NULL);
  return limited;
}

static int shot_width = 1280;
static gboolean shot_show_detail;  /* open the detail panel (narrow: in place of the grid) */
static char *shot_search;          /* search for this, through the search button when narrow */
static char *shot_generate;   /* "Bench:N" with --screenshot --records N */

static int
screenshot (const char *path,
            const char *table_name,
            gboolean    popovers,
            gboolean    paused,
            gboolean    hide_detail)
{
  const char *args[] = { paused ? "--penalty" : "--no-rate-limit", paused ? "30" : "--quiet", "--quiet",
                         shot_generate != NULL ? "--generate" : NULL, shot_generate, NULL };
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_startv (args);
  g_autoptr(HangarTokenSource) source = hangar_static_token_source_new (sandbox->pat);
  g_autoptr(HangarClient) client = hangar_client_new (sandbox->url, source);
  g_autofree char *base_id = NULL;
  g_autoptr(HangarTable) table = find_table (sandbox, NULL, table_name, &base_id);
  g_autoptr(GError) error = NULL;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *grid = hangar_record_grid_new ();
  gboolean settled = FALSE;

  gtk_window_set_default_size (GTK_WINDOW (window), shot_width, 800);
  gtk_window_set_child (GTK_WINDOW (window), grid);
  gtk_window_present (GTK_WINDOW (window));

  if (paused)
    {
      /* A burst over 5 req/s: the base is in its penalty when the grid asks. */
      settle (1100);
      for (guint i = 0; i < 12; i++)
        {
          g_autofree char *p = g_strdup_printf ("/v0/%s/%s?pageSize=1", base_id, hangar_table_get_id (table));
          g_autoptr(JsonNode) node = hangar_test_sandbox_request (sandbox, "GET", p, sandbox->pat, NULL, NULL);
        }
      hangar_record_grid_show_table_with_client (HANGAR_RECORD_GRID (grid), client, base_id, table);
      while (!rate_limited (HANGAR_RECORD_GRID (grid)))
        g_main_context_iteration (NULL, TRUE);
      settle (1500);
      if (!hangar_test_gui_save_png (window, path, &error))
        g_error ("%s", error->message);
      g_print ("saved %s\n", path);
      gtk_window_destroy (GTK_WINDOW (window));
      return 0;
    }

  hangar_record_grid_show_table_with_client (HANGAR_RECORD_GRID (grid), client, base_id, table);
  if (hide_detail)
    gtk_widget_activate_action (grid, "grid.toggle-detail", NULL);
  while (!loaded (HANGAR_RECORD_GRID (grid)))
    g_main_context_iteration (NULL, TRUE);
  /* Linked names and the first frame. */
  g_timeout_add (800, timeout_cb, &settled);
  spin_until (&settled, 2000);
  if (shot_show_detail && !gtk_widget_get_visible (GTK_WIDGET (hangar_record_grid_get_detail (HANGAR_RECORD_GRID (grid)))))
    {
      gtk_widget_activate_action (grid, "grid.toggle-detail", NULL);
      settle (500);
    }
  if (shot_search != NULL)
    {
      gtk_widget_activate_action (grid, "grid.focus-search", NULL);
      hangar_record_grid_set_search (HANGAR_RECORD_GRID (grid), shot_search);
      settle (400);
      while (!loaded (HANGAR_RECORD_GRID (grid)))
        g_main_context_iteration (NULL, TRUE);
      settle (500);
    }

  if (!hangar_test_gui_save_png (window, path, &error))
    g_error ("%s", error->message);
  g_print ("saved %s\n", path);

  if (popovers)
    {
      HangarRecordGrid *g = HANGAR_RECORD_GRID (grid);
      HangarFilterEditor *filter = hangar_record_grid_get_filter_editor (g);

      hangar_sort_editor_add_sort (hangar_record_grid_get_sort_editor (g), "Points", TRUE);
      hangar_sort_editor_add_sort (hangar_record_grid_get_sort_editor (g), "Title", FALSE);
      while (!loaded (g))
        g_main_context_iteration (NULL, TRUE);
      hangar_filter_editor_add_condition (filter, "Points", HANGAR_FILTER_GE, "3");
      hangar_filter_editor_add_condition (filter, "Labels", HANGAR_FILTER_CONTAINS, "feature");
      hangar_filter_editor_apply (filter);
      while (!loaded (g))
        g_main_context_iteration (NULL, TRUE);
      settle (500);
      save_popover (grid, "Sort", path, "sort");
      save_popover (grid, "Filter", path, "filter");
      save_popover (grid, "Show or hide", path, "fields");
      {
        g_autofree char *base = g_strndup (path, strlen (path) - 4);
        g_autofree char *file = g_strdup_printf ("%s-sorted-filtered.png", base);

        if (!hangar_test_gui_save_png (window, file, &error))
          g_error ("%s", error->message);
        g_print ("saved %s\n", file);
      }
    }
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *shot = NULL;
  g_autofree char *table_name = NULL;
  int n_records = 100000;
  gboolean popovers = FALSE;
  gboolean paused = FALSE;
  gboolean hide_detail = FALSE;
  GOptionEntry entries[] = {
    { "records", 0, 0, G_OPTION_ARG_INT, &n_records, "Records in the generated table", "N" },
    { "screenshot", 0, 0, G_OPTION_ARG_FILENAME, &shot, "Save a PNG of the demo table instead", "FILE" },
    { "table", 0, 0, G_OPTION_ARG_STRING, &table_name, "Demo table for --screenshot (default Tasks)", "NAME" },
    { "rate-limited", 0, 0, G_OPTION_ARG_NONE, &paused, "With --screenshot: show the 429 pause banner", NULL },
    { "width", 0, 0, G_OPTION_ARG_INT, &shot_width, "With --screenshot: window width (default 1280)", "PX" },
    { "hide-detail", 0, 0, G_OPTION_ARG_NONE, &hide_detail, "With --screenshot: hide the detail panel", NULL },
    { "show-detail", 0, 0, G_OPTION_ARG_NONE, &shot_show_detail, "With --screenshot: open the detail panel", NULL },
    { "search", 0, 0, G_OPTION_ARG_STRING, &shot_search, "With --screenshot: search for TEXT", "TEXT" },
    { "popovers", 0, 0, G_OPTION_ARG_NONE, &popovers, "With --screenshot: also sort, filter and save the popovers", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- record grid benchmark");
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarTestSandbox) sandbox = NULL;
  g_autoptr(HangarTokenSource) source = NULL;
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(HangarTable) table = NULL;
  g_autofree char *base_id = NULL;
  g_autofree char *spec = NULL;
  const char *args[5];
  GtkWidget *window;
  GtkWidget *grid;
  GListModel *model;
  GdkFrameClock *clock;
  Timing timing = { 0 };
  gint64 setup_us;
  guint n_idle;
  g_autoptr(JsonNode) reset = NULL;
  gboolean dummy = FALSE;

  int argc_before = argc;
  g_auto(GStrv) argv_before = g_strdupv (argv);

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  hangar_test_isolate_home ();
  gtk_init ();
  adw_init ();
  {
    /* The application's stylesheet, as AdwApplication would load it. */
    g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (provider, "/io/github/tablehangar/Hangar/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }

  if (shot != NULL)
    {
      /* --records N with --screenshot: a generated table of N records
       * (its status bar shows how many are loaded so far). */
      for (int i = 1; i < argc_before; i++)
        if (g_str_has_prefix (argv_before[i], "--records"))
          {
            shot_generate = g_strdup_printf ("Bench:%d", n_records);
            g_clear_pointer (&table_name, g_free);
            table_name = g_strdup ("Records");
          }
      return screenshot (shot, table_name != NULL ? table_name : "Tasks", popovers, paused, hide_detail);
    }

  spec = g_strdup_printf ("Bench:%d", n_records);
  args[0] = "--no-rate-limit";
  args[1] = "--generate";
  args[2] = spec;
  args[3] = "--quiet";
  args[4] = NULL;
  setup_us = g_get_monotonic_time ();
  sandbox = hangar_test_sandbox_startv (args);
  g_print ("sandbox with %d generated records ready in %.0f ms\n",
           n_records, (g_get_monotonic_time () - setup_us) / 1000.0);

  source = hangar_static_token_source_new (sandbox->pat);
  client = hangar_client_new (sandbox->url, source);
  table = find_table (sandbox, "Bench", "Records", &base_id);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  grid = hangar_record_grid_new ();
  gtk_window_set_child (GTK_WINDOW (window), grid);
  gtk_window_present (GTK_WINDOW (window));
  /* Let the empty window map and paint before timing. */
  g_timeout_add (300, timeout_cb, &dummy);
  spin_until (&dummy, 1000);

  model = G_LIST_MODEL (hangar_record_grid_get_model (HANGAR_RECORD_GRID (grid)));
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &timing);
  clock = gtk_widget_get_frame_clock (window);
  timing.frame_handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &timing);

  reset = hangar_test_sandbox_request (sandbox, "POST", "/__sandbox/reset-stats", NULL, NULL, NULL);

  timing.start_us = g_get_monotonic_time ();
  hangar_record_grid_show_table_with_client (HANGAR_RECORD_GRID (grid), client, base_id, table);

  while (timing.first_frame_us == 0 &&
         g_get_monotonic_time () - timing.start_us < 60 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, TRUE);

  g_print ("table of %d records, %u fields\n", n_records, hangar_table_get_fields (table)->len);
  if (timing.first_rows_us != 0)
    g_print ("show_table → first rows in the model: %.1f ms\n",
             (timing.first_rows_us - timing.start_us) / 1000.0);
  if (timing.first_frame_us != 0)
    g_print ("show_table → first visible row (frame painted): %.1f ms\n",
             (timing.first_frame_us - timing.start_us) / 1000.0);

  /* On demand: idling loads nothing more than what fills the view. */
  settle (2000);
  n_idle = g_list_model_get_n_items (model);
  g_print ("after 2 s idle: %u of %d records loaded, %" G_GINT64_FORMAT " API requests\n",
           n_idle, n_records, hangar_test_sandbox_stat (sandbox, "requests"));

  /* Scrolled to the end: the next page. */
  {
    GtkAdjustment *adjustment =
      gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (hangar_record_grid_get_column_view (HANGAR_RECORD_GRID (grid))));
    gint64 scroll_us = g_get_monotonic_time ();

    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment));
    while (g_list_model_get_n_items (model) == n_idle &&
           g_get_monotonic_time () - scroll_us < 10 * G_USEC_PER_SEC)
      g_main_context_iteration (NULL, TRUE);
    if (g_list_model_get_n_items (model) > n_idle)
      g_print ("scroll to the end → next page in the model: %.1f ms (%u records)\n",
               (g_get_monotonic_time () - scroll_us) / 1000.0, g_list_model_get_n_items (model));
    else
      g_print ("scroll to the end → no new page within 10 s\n");
  }

  g_signal_handler_disconnect (clock, timing.frame_handler);
  g_signal_handlers_disconnect_by_data (model, &timing);
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
