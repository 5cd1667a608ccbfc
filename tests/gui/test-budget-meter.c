/* test-budget-meter.c — the meter of a base's request budget
 *
 * Against a real sandbox with Airtable's limits: the meter in this process
 * shows requests that another process (a hangar-cli loading the base)
 * sends, never more than the limit, and stays hidden and still while not
 * active; in the record grid it is shown exactly while the grid loads.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "hangar-budget-meter.h"
#include "hangar-client.h"
#include "hangar-record-grid-private.h"
#include "hangar-test-gui.h"

typedef struct
{
  HangarBudgetMeter *meter;
  guint              most;
} Watch;

static void
usage_cb (GObject    *object,
          GParamSpec *pspec,
          gpointer    user_data)
{
  Watch *watch = user_data;

  watch->most = MAX (watch->most, hangar_budget_meter_get_usage (watch->meter, NULL));
}

static gboolean
meter_counts (gpointer data)
{
  Watch *watch = data;

  return watch->most >= 1;
}

/* Requests this process never sent: the meter reads the budget that every
 * process of the user shares. */
static void
test_other_process (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--quiet", "--generate", "Metered:2000", NULL);
  g_autofree char *base_id = hangar_test_sandbox_base_id (sandbox, sandbox->pat, "Metered");
  g_autofree char *token_env = g_strconcat ("HANGAR_TEST_TOKEN=", sandbox->pat, NULL);
  const char *env[] = { token_env, NULL };
  const char *argv[] = { HANGAR_CLI_PATH, "--api-url", sandbox->url, "--token-env", "HANGAR_TEST_TOKEN",
                         "records", "list", base_id, "Records", NULL };
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  HangarBudgetMeter *meter = HANGAR_BUDGET_METER (hangar_budget_meter_new ());
  g_autoptr(GSubprocess) cli = NULL;
  g_autoptr(HangarTestRun) run = NULL;
  Watch watch = { meter, 0 };
  guint limit = 0;

  g_assert_nonnull (hangar_scheduler_get_shared_dir (hangar_scheduler_get_default ()));
  gtk_window_set_child (window, GTK_WIDGET (meter));
  gtk_window_present (window);
  g_signal_connect (meter, "notify::usage", G_CALLBACK (usage_cb), &watch);

  /* without a base, or not active: hidden */
  hangar_budget_meter_set_active (meter, TRUE);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (meter)));
  hangar_budget_meter_set_base (meter, hangar_scheduler_get_default (), base_id);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (meter)));
  g_assert_cmpuint (hangar_budget_meter_get_usage (meter, &limit), ==, 0);
  g_assert_cmpuint (limit, ==, 5);

  cli = hangar_test_spawn (argv, env, FALSE);
  hangar_test_wait_until (meter_counts, &watch, "the meter to count the other process's requests");
  run = hangar_test_finish (cli, NULL);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpuint (g_strv_length (run->lines), ==, 2000);
  g_assert_cmpuint (watch.most, <=, 5);
  g_assert_cmpint (hangar_test_sandbox_stat (sandbox, "by_status.429"), ==, 0);
  {
    const char *tooltip = gtk_widget_get_tooltip_text (GTK_WIDGET (meter));

    g_assert_nonnull (tooltip);
    g_assert_nonnull (strstr (tooltip, "of 5 requests"));
  }

  hangar_budget_meter_set_active (meter, FALSE);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (meter)));
  gtk_window_destroy (window);
}

typedef struct
{
  HangarRecordGrid *grid;
  GtkWidget        *meter;
  guint             shown_while_loading;
  guint             hidden_while_idle;
  guint             wrong;
  gboolean          started;
} GridWatch;

static void
loading_cb (GObject    *object,
            GParamSpec *pspec,
            gpointer    user_data)
{
  GridWatch *watch = user_data;
  gboolean loading = hangar_record_grid_get_loading (watch->grid);
  gboolean visible = gtk_widget_get_visible (watch->meter);

  if (loading)
    watch->started = TRUE;
  if (loading && visible)
    watch->shown_while_loading++;
  else if (!loading && !visible)
    watch->hidden_while_idle++;
  else
    watch->wrong++;
}

static gboolean
grid_loaded (gpointer data)
{
  GridWatch *watch = data;

  return watch->started && !hangar_record_grid_get_loading (watch->grid);
}

/* The grid shows the meter, beside its spinner, while it loads. */
static void
test_in_grid (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--quiet", "--latency", "200", NULL);
  g_autofree char *base_id = hangar_test_sandbox_base_id (sandbox, sandbox->pat, "Product Roadmap");
  g_autofree char *path = g_strdup_printf ("/v0/meta/bases/%s/tables", base_id);
  g_autoptr(JsonNode) tables_node = hangar_test_sandbox_get (sandbox, path);
  g_autoptr(GPtrArray) tables = NULL;
  g_autoptr(HangarTokenSource) source = hangar_static_token_source_new (sandbox->pat);
  g_autoptr(HangarClient) client = hangar_client_new (sandbox->url, source);
  g_autoptr(GError) error = NULL;
  HangarRecordGrid *grid = HANGAR_RECORD_GRID (hangar_record_grid_new ());
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  GridWatch watch = { grid, NULL, 0, 0, 0, FALSE };

  tables = hangar_table_list_from_json (tables_node, &error);
  g_assert_no_error (error);
  gtk_window_set_default_size (window, 1000, 700);
  gtk_window_set_child (window, GTK_WIDGET (grid));
  gtk_window_present (window);

  watch.meter = GTK_WIDGET (grid->budget_meter);
  g_assert_true (HANGAR_IS_BUDGET_METER (watch.meter));
  g_assert_false (gtk_widget_get_visible (watch.meter));
  g_assert_true (gtk_widget_get_parent (watch.meter) == gtk_widget_get_parent (GTK_WIDGET (grid->spinner)));

  g_signal_connect (grid, "notify::loading", G_CALLBACK (loading_cb), &watch);
  hangar_record_grid_show_table_with_client (grid, client, base_id, hangar_table_list_lookup (tables, "Tasks"));
  hangar_test_wait_until (grid_loaded, &watch, "the grid to load");
  g_assert_cmpuint (watch.shown_while_loading, >=, 1);
  g_assert_cmpuint (watch.hidden_while_idle, >=, 1);
  g_assert_cmpuint (watch.wrong, ==, 0);
  g_assert_false (gtk_widget_get_visible (watch.meter));
  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_gui_init (&argc, &argv);

  g_test_add_func ("/hangar/gui/budget-meter/other-process", test_other_process);
  g_test_add_func ("/hangar/gui/budget-meter/in-grid", test_in_grid);
  return g_test_run ();
}
