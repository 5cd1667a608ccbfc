/* test-translations.c — the application in German and in French: the
 * window, its menu, the About window and the shortcuts window show the
 * translations from the .mo files built in this tree, and plural forms
 * follow each language's rule
 *
 * Run once per language, with LANGUAGE set by tests/gui/meson.build and
 * HANGAR_TEST_LOCALEDIR naming the build tree's po/ directory.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "hangar-application-private.h"
#include "hangar-error.h"
#include "hangar-field-spec.h"
#include "hangar-test-gui.h"
#include "hangar-window.h"

typedef struct
{
  const char *language;
  /* What a user of that language reads. */
  const char *empty_title;        /* the window without accounts */
  const char *add_account;        /* its button */
  const char *about_comments;     /* the start of the About window's summary */
  const char *shortcut;           /* a title in the shortcuts window */
  const char *accounts_0;         /* "%u account" for 0, 1, 2 */
  const char *accounts_1;
  const char *accounts_2;
  const char *not_json;           /* the client's error for a 400 that is not JSON */
  const char *type_change;        /* why a field's type cannot change (schema editor) */
} Expected;

static const Expected expected[] = {
  { "de", "Noch keine Konten", "Konto _hinzufügen", "Eine Desktop-Anwendung für Airtable",
    "Datensatzdetails anzeigen oder verbergen",
    "0 Konten", "1 Konto", "2 Konten",
    "Airtable hat mit HTTP 400 und einem Inhalt geantwortet, der kein JSON ist",
    "Die API von Airtable kann den Typ eines Felds nicht ändern; ändern Sie ihn in Airtable." },
  /* French puts 0 in the singular. */
  { "fr", "Aucun compte pour l’instant", "_Ajouter un compte", "Une application de bureau pour Airtable",
    "Afficher ou masquer les détails de l’enregistrement",
    "0 compte", "1 compte", "2 comptes",
    "Airtable a répondu HTTP 400 avec un corps qui n’est pas du JSON",
    "L’API d’Airtable ne peut pas changer le type d’un champ ; changez-le dans Airtable." },
};

typedef struct
{
  const Expected    *expected;
  HangarApplication *app;
  HangarWindow      *window;
  gboolean           checked;
} Run;

static gboolean
some_text_starts_with (GtkWidget  *root,
                       const char *prefix)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

  hangar_test_gui_collect_texts (root, texts);
  for (guint i = 0; i < texts->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (texts, i), prefix))
      return TRUE;
  return FALSE;
}

static gboolean
button_labelled (GtkWidget  *root,
                 const char *label)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (button_labelled (child, label))
      return TRUE;
  return FALSE;
}

static gboolean
run_script_cb (gpointer data)
{
  Run *run = data;
  const Expected *e = run->expected;
  GtkShortcutsWindow *overlay;
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  gboolean found = FALSE;

  hangar_test_wait_until (hangar_test_gui_widget_mapped, run->window, "the window to map");

  /* The window without accounts, as the user first sees it. */
  hangar_test_gui_wait_for_text (GTK_WIDGET (run->window), e->empty_title);
  g_assert_true (button_labelled (GTK_WIDGET (run->window), e->add_account));
  g_assert_false (hangar_test_gui_shows_text (GTK_WIDGET (run->window), "No Accounts Yet"));

  /* The About window, as F1 opens it. */
  g_action_group_activate_action (G_ACTION_GROUP (run->app), "about", NULL);
  {
    GtkWindow *about = hangar_test_gui_find_toplevel (ADW_TYPE_ABOUT_WINDOW);

    g_assert_nonnull (about);
    g_assert_true (g_str_has_prefix (adw_about_window_get_comments (ADW_ABOUT_WINDOW (about)),
                                     e->about_comments));
    g_assert_true (some_text_starts_with (GTK_WIDGET (about), e->about_comments));
    gtk_window_destroy (about);
  }

  /* The shortcuts window: its titles are in a stack, so read them all. */
  overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (run->window));
  g_assert_nonnull (overlay);
  for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (overlay)); w != NULL && !found; )
    {
      if (GTK_IS_SHORTCUTS_SHORTCUT (w))
        {
          g_autofree char *title = NULL;

          g_object_get (w, "title", &title, NULL);
          found = g_strcmp0 (title, e->shortcut) == 0;
        }
      /* depth first */
      if (gtk_widget_get_first_child (w) != NULL)
        w = gtk_widget_get_first_child (w);
      else
        {
          while (w != NULL && gtk_widget_get_next_sibling (w) == NULL)
            {
              w = gtk_widget_get_parent (w);
              if (w == GTK_WIDGET (overlay))
                w = NULL;
            }
          if (w != NULL)
            w = gtk_widget_get_next_sibling (w);
        }
    }
  g_assert_true (found);

  run->checked = TRUE;
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
test_window (gconstpointer data)
{
  char *argv[] = { (char *) "hangar", NULL };
  Run run = { .expected = data };

  run.app = hangar_application_new ();
  g_signal_connect (run.app, "window-added", G_CALLBACK (window_added_cb), &run);
  g_assert_cmpint (g_application_run (G_APPLICATION (run.app), 1, argv), ==, 0);
  g_assert_true (run.checked);
  g_clear_object (&run.app);
}

static void
test_plurals (gconstpointer data)
{
  const Expected *e = data;
  const guint n[] = { 0, 1, 2 };
  const char *want[] = { e->accounts_0, e->accounts_1, e->accounts_2 };

  for (guint i = 0; i < G_N_ELEMENTS (n); i++)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u account", "%u accounts", n[i]),
                                               n[i]);

      g_assert_cmpstr (text, ==, want[i]);
    }
}

/* The library's own messages (libhangar: the API client, the field specs)
 * reach the user in the app's language too. */
static void
test_library (gconstpointer data)
{
  const Expected *e = data;
  g_autoptr(GBytes) body = g_bytes_new_static ("<html>Bad gateway</html>", 24);
  g_autoptr(GError) error = hangar_api_error_new_from_response (400, "Bad Request", body);

  g_assert_cmpstr (error->message, ==, e->not_json);
  g_assert_cmpstr (hangar_field_type_change_reason (), ==, e->type_change);
}

int
main (int   argc,
      char *argv[])
{
  const char *language = g_getenv ("LANGUAGE");
  const char *localedir = g_getenv ("HANGAR_TEST_LOCALEDIR");
  const Expected *e = NULL;

  hangar_test_isolate_home ();
  /* gtk_test_init leaves the locale alone, so set it here, as main.c does;
   * LANGUAGE then picks the translation (with LC_ALL=C.UTF-8 no locale data
   * need be installed). */
  setlocale (LC_ALL, "");
  hangar_test_gui_init (&argc, &argv);
  hangar_test_use_file_keyring (NULL);
  g_assert_nonnull (localedir);
  g_assert_nonnull (bindtextdomain (GETTEXT_PACKAGE, localedir));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    if (g_strcmp0 (language, expected[i].language) == 0)
      e = &expected[i];
  if (e == NULL)
    g_error ("LANGUAGE is %s; this test knows de and fr", language != NULL ? language : "unset");

  g_test_add_data_func ("/hangar/gui/translations/plurals", e, test_plurals);
  g_test_add_data_func ("/hangar/gui/translations/window", e, test_window);
  g_test_add_data_func ("/hangar/gui/translations/library", e, test_library);

  return g_test_run ();
}
