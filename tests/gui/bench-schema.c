/* bench-schema.c — how long the base page takes for a large base (a
 * benchmark: prints figures, asserts nothing about time)
 *
 *   xvfb-run -a bench-schema [TABLES [FIELDS]]
 *
 * Adds TABLES tables (default 40) of FIELDS fields each (default 30, of
 * every creatable type in turn) to a sandbox's demo base, then shows the
 * base page and reports: the first tables painted (the page shows them
 * while it makes the rest), every table made and painted, and a search
 * over every field.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "hangar-base-page.h"
#include "hangar-test-gui.h"

static gboolean
page_showing (gpointer data)
{
  return g_strcmp0 (hangar_base_page_get_state (data), "schema") == 0;
}

static gboolean
page_ready (gpointer data)
{
  return !hangar_base_page_get_loading (data) &&
         g_strcmp0 (hangar_base_page_get_state (data), "schema") == 0;
}

static char *
table_spec (guint index,
            guint n_fields)
{
  static const char * const types[] = {
    "singleLineText", "number", "singleSelect", "date", "checkbox", "currency", "multilineText",
    "rating", "email", "dateTime", "percent", "multipleSelects", "url", "duration",
  };
  GString *spec = g_string_new (NULL);

  g_string_append_printf (spec, "{\"name\":\"Bench %u\",\"description\":\"Table %u of the benchmark\",\"fields\":[", index, index);
  for (guint f = 0; f < n_fields; f++)
    {
      const char *type = f == 0 ? "singleLineText" : types[f % G_N_ELEMENTS (types)];

      g_string_append_printf (spec, "%s{\"name\":\"Field %u\",\"type\":\"%s\"", f > 0 ? "," : "", f, type);
      if (g_str_equal (type, "singleSelect") || g_str_equal (type, "multipleSelects"))
        g_string_append (spec, ",\"options\":{\"choices\":[{\"name\":\"One\"},{\"name\":\"Two\"},{\"name\":\"Three\"}]}");
      g_string_append (spec, "}");
    }
  g_string_append (spec, "]}");
  return g_string_free (spec, FALSE);
}

int
main (int   argc,
      char *argv[])
{
  guint n_tables = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 40;
  guint n_fields = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 30;
  g_autoptr(HangarTestSandbox) sandbox = NULL;
  g_autoptr(HangarTokenSource) source = NULL;
  g_autoptr(HangarClient) client = NULL;
  g_autofree char *base_id = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) bases = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarBase) base = NULL;
  GtkWindow *window;
  HangarBasePage *page;
  gint64 start, first, built, painted, searched;

  hangar_test_gui_init (&argc, &argv);
  sandbox = hangar_test_sandbox_start ("--no-rate-limit", "--quiet", NULL);
  base_id = hangar_test_sandbox_base_id (sandbox, sandbox->pat, "Product Roadmap");
  path = g_strdup_printf ("/v0/meta/bases/%s/tables", base_id);
  for (guint t = 0; t < n_tables; t++)
    {
      g_autofree char *spec = table_spec (t, n_fields);
      g_autoptr(JsonNode) reply = NULL;
      guint status = 0;

      reply = hangar_test_sandbox_request (sandbox, "POST", path, sandbox->pat, spec, &status);
      g_assert_cmpuint (status, ==, 200);
    }
  {
    g_autoptr(JsonNode) node = json_from_string ("{\"id\":\"\",\"name\":\"Product Roadmap\",\"permissionLevel\":\"create\"}", &error);

    json_object_set_string_member (json_node_get_object (node), "id", base_id);
    base = hangar_base_new_from_json (json_node_get_object (node), &error);
    g_assert_no_error (error);
  }

  source = hangar_static_token_source_new (sandbox->pat);
  client = hangar_client_new (sandbox->url, source);
  hangar_client_set_pacing (client, FALSE);
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 1200, 800);
  page = HANGAR_BASE_PAGE (hangar_base_page_new ());
  gtk_window_set_child (window, GTK_WIDGET (page));
  gtk_window_present (window);
  hangar_test_wait_until (hangar_test_gui_widget_mapped, window, "the window to map");
  hangar_test_gui_wait_for_frame (GTK_WIDGET (window));

  start = g_get_monotonic_time ();
  hangar_base_page_set_base_with_client (page, client, NULL, base);
  hangar_test_wait_until (page_showing, page, "the first tables");
  hangar_test_gui_wait_for_frame (GTK_WIDGET (page));
  first = g_get_monotonic_time ();
  hangar_test_wait_until (page_ready, page, "the base page");
  built = g_get_monotonic_time ();
  hangar_test_gui_wait_for_frame (GTK_WIDGET (page));
  painted = g_get_monotonic_time ();
  gtk_editable_set_text (hangar_base_page_get_search_entry (page), "field 7");
  /* The entry's own delay before searching is not measured: search now. */
  g_signal_emit_by_name (hangar_base_page_get_search_entry (page), "search-changed");
  hangar_test_gui_wait_for_frame (GTK_WIDGET (page));
  searched = g_get_monotonic_time ();

  g_print ("base page, %u tables of %u fields (%u fields):\n", n_tables + 3, n_fields, n_tables * n_fields);
  g_print ("  first tables painted:       %.0f ms\n", (first - start) / 1000.0);
  g_print ("  every table made:           %.0f ms\n", (built - start) / 1000.0);
  g_print ("  every table painted:        %.0f ms\n", (painted - start) / 1000.0);
  g_print ("  search over every field:    %.0f ms\n", (searched - painted) / 1000.0);

  gtk_window_destroy (window);
  return 0;
}
