/* test-about.c — the About window: F1 opens it over the real application,
 * with the name and icon, version, credits, licence, links, the newest
 * release's notes from the metainfo the app carries, and the debug info
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "hangar-about.h"
#include "hangar-application-private.h"
#include "hangar-test-gui.h"
#include "hangar-window.h"

typedef struct
{
  HangarApplication *app;
  HangarWindow      *window;
  gboolean           checked;
} Run;

static gboolean
about_open (gpointer data)
{
  GtkWindow *about = hangar_test_gui_find_toplevel (ADW_TYPE_ABOUT_WINDOW);

  return about != NULL && gtk_widget_get_mapped (GTK_WIDGET (about));
}

static gboolean
some_text_contains (GtkWidget  *root,
                    const char *needle)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

  hangar_test_gui_collect_texts (root, texts);
  for (guint i = 0; i < texts->len; i++)
    if (strstr (g_ptr_array_index (texts, i), needle) != NULL)
      return TRUE;
  return FALSE;
}

static void
check_about (AdwAboutWindow *about)
{
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (GTK_WIDGET (about)));
  const char * const *developers = adw_about_window_get_developers (about);
  const char *notes = adw_about_window_get_release_notes (about);
  const char *debug = adw_about_window_get_debug_info (about);

  g_assert_cmpstr (adw_about_window_get_application_name (about), ==, "Hangar");
  g_assert_cmpstr (adw_about_window_get_application_icon (about), ==, APP_ID);
  /* The icon resolves (carried as a resource), in either profile. */
  g_assert_true (gtk_icon_theme_has_icon (theme, APP_ID));
  g_assert_cmpstr (adw_about_window_get_version (about), ==, PACKAGE_VERSION);
  g_assert_cmpstr (adw_about_window_get_developer_name (about), ==, "The Hangar contributors");
  g_assert_cmpstr (adw_about_window_get_website (about), ==, "https://github.com/tablehangar/hangar");
  g_assert_cmpstr (adw_about_window_get_issue_url (about), ==, "https://github.com/tablehangar/hangar/issues");
  g_assert_cmpint (adw_about_window_get_license_type (about), ==, GTK_LICENSE_GPL_3_0);
  g_assert_nonnull (strstr (adw_about_window_get_copyright (about), "© 2026"));
  g_assert_nonnull (developers);
  g_assert_nonnull (developers[0]);

  /* The newest release of data/…metainfo.xml.in.in, as markup. */
  g_assert_cmpstr (adw_about_window_get_release_notes_version (about), ==, PACKAGE_VERSION);
  g_assert_nonnull (notes);
  g_assert_true (g_str_has_prefix (notes, "<p>"));
  g_assert_nonnull (strstr (notes, "<ul><li>"));
  g_assert_null (strstr (notes, "\n"));

  g_assert_nonnull (debug);
  g_assert_nonnull (strstr (debug, "Hangar " PACKAGE_VERSION " (" APP_ID ", profile " PROFILE ")"));
  g_assert_nonnull (strstr (debug, "GTK 4."));
  g_assert_nonnull (strstr (debug, "libadwaita 1."));
  g_assert_nonnull (strstr (debug, "libsoup 3."));
  g_assert_nonnull (strstr (debug, "SQLite 3."));
  g_assert_nonnull (strstr (debug, "Flatpak: no"));
  g_assert_nonnull (strstr (debug, "Sandbox mode: off"));
  /* No sign-in has run, so WebKit is not in the process. */
  g_assert_nonnull (strstr (debug, "WebKitGTK not loaded"));

  /* What the window shows, as a user reads it. */
  g_assert_true (hangar_test_gui_shows_text (GTK_WIDGET (about), "Hangar"));
  g_assert_true (hangar_test_gui_shows_text (GTK_WIDGET (about), PACKAGE_VERSION));
  g_assert_true (hangar_test_gui_shows_text (GTK_WIDGET (about), "The Hangar contributors"));
  g_assert_true (some_text_contains (GTK_WIDGET (about), "GNU General Public License, version 3 or later"));
  g_assert_true (some_text_contains (GTK_WIDGET (about), "not made or endorsed by Airtable"));
  g_assert_true (some_text_contains (GTK_WIDGET (about), "© 2026 The Hangar contributors"));
}

static gboolean
run_script_cb (gpointer data)
{
  Run *run = data;
  GtkWindow *about;

  hangar_test_wait_until (hangar_test_gui_widget_mapped, run->window, "the window to map");
  g_assert_null (hangar_test_gui_find_toplevel (ADW_TYPE_ABOUT_WINDOW));

  /* F1, as a user presses it. */
  hangar_test_gui_key (GTK_WINDOW (run->window), "F1");
  hangar_test_wait_until (about_open, NULL, "the About window after F1");
  about = hangar_test_gui_find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_assert_true (gtk_window_get_transient_for (about) == GTK_WINDOW (run->window));
#if HANGAR_DEVEL
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (run->window), "devel"));
#else
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (run->window), "devel"));
#endif
  check_about (ADW_ABOUT_WINDOW (about));
  run->checked = TRUE;

  gtk_window_destroy (about);
  g_action_group_activate_action (G_ACTION_GROUP (run->app), "quit", NULL);
  return G_SOURCE_REMOVE;
}

static void
window_added_cb (GtkApplication *app,
                 GtkWindow      *window,
                 Run            *run)
{
  if (!HANGAR_IS_WINDOW (window) || run->window != NULL)
    return;
  run->window = HANGAR_WINDOW (window);
  g_idle_add (run_script_cb, run);
}

static void
test_about_f1 (void)
{
  char *argv[] = { (char *) "hangar", NULL };
  Run run = { 0 };

  if (!hangar_test_gui_have_real_input ())
    {
      g_test_skip ("no real keyboard input here (xdotool and an X11 display)");
      return;
    }

  run.app = hangar_application_new ();
  g_signal_connect (run.app, "window-added", G_CALLBACK (window_added_cb), &run);
  g_assert_cmpint (g_application_run (G_APPLICATION (run.app), 1, argv), ==, 0);
  g_assert_true (run.checked);
  g_clear_object (&run.app);
}

/* --- release notes from metainfo ----------------------------------------- */

static const char metainfo[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  "<component type=\"desktop-application\">\n"
  "  <id>org.example.App</id>\n"
  "  <description><p>Not the release notes.</p></description>\n"
  "  <releases>\n"
  "    <release version=\"2.0\" date=\"2026-12-01\">\n"
  "      <description>\n"
  "        <p>Two\n          lines &amp; <em>more</em>.</p>\n"
  "        <p xml:lang=\"de\">Zwei Zeilen.</p>\n"
  "        <ul>\n"
  "          <li>First <code>x &lt; y</code></li>\n"
  "          <li xml:lang=\"de\">Erstens</li>\n"
  "          <li>Second</li>\n"
  "        </ul>\n"
  "        <ol><li xml:lang=\"fr\">Seulement en français</li></ol>\n"
  "      </description>\n"
  "    </release>\n"
  "    <release version=\"1.0\" date=\"2026-01-01\">\n"
  "      <description><p>Old.</p></description>\n"
  "    </release>\n"
  "  </releases>\n"
  "</component>\n";

static void
test_release_notes (void)
{
  g_autofree char *version = NULL;
  g_autofree char *notes = NULL;
  g_autofree char *de_version = NULL;
  g_autofree char *de_notes = NULL;
  g_autoptr(GError) error = NULL;
  const char *language = g_getenv ("LANGUAGE");
  g_autofree char *saved = g_strdup (language);

  g_setenv ("LANGUAGE", "C", TRUE);
  g_assert_true (hangar_about_parse_release_notes (metainfo, -1, &version, &notes, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (version, ==, "2.0");
  /* The newest release only, untranslated, escaped again, one line; a
   * list with nothing in this language is left out. */
  g_assert_cmpstr (notes, ==,
                   "<p>Two lines &amp; <em>more</em>.</p>"
                   "<ul><li>First <code>x &lt; y</code></li><li>Second</li></ul>");

  /* In German: the German paragraphs and items. */
  g_setenv ("LANGUAGE", "de", TRUE);
  g_assert_true (hangar_about_parse_release_notes (metainfo, -1, &de_version, &de_notes, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (de_notes, ==, "<p>Zwei Zeilen.</p><ul><li>Erstens</li></ul>");
  if (saved != NULL)
    g_setenv ("LANGUAGE", saved, TRUE);
  else
    g_unsetenv ("LANGUAGE");

  /* Broken or release-less metainfo: an error, never a crash. */
  {
    g_autofree char *v = NULL;
    g_autofree char *n = NULL;

    g_assert_false (hangar_about_parse_release_notes ("<component><releases><release version=\"1\">",
                                                      -1, &v, &n, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
    g_assert_false (hangar_about_parse_release_notes ("<component><name>x</name></component>",
                                                      -1, &v, &n, &error));
    g_assert_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT);
    g_assert_null (v);
    g_assert_null (n);
  }
}

static void
test_debug_info_sandbox (void)
{
  g_autofree char *info = hangar_about_dup_debug_info ("http://127.0.0.1:8470");

  g_assert_nonnull (strstr (info, "Sandbox mode: http://127.0.0.1:8470\n"));
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_isolate_home ();
  hangar_test_gui_init (&argc, &argv);
  hangar_test_use_file_keyring (NULL);

  g_test_add_func ("/hangar/gui/about/f1", test_about_f1);
  g_test_add_func ("/hangar/gui/about/release-notes", test_release_notes);
  g_test_add_func ("/hangar/gui/about/debug-info-sandbox", test_debug_info_sandbox);

  return g_test_run ();
}
