/* test-shortcuts.c — the shortcuts window (Ctrl+?) lists every shortcut:
 * each accelerator the application sets for an action, and each key that
 * the window, the record grid, the comments panel, the base page and the
 * dialogs bind in their classes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "hangar-add-account-dialog.h"
#include "hangar-application-private.h"
#include "hangar-base-page.h"
#include "hangar-comments-panel.h"
#include "hangar-export-dialog.h"
#include "hangar-field-dialog.h"
#include "hangar-import-dialog.h"
#include "hangar-record-grid.h"
#include "hangar-table-dialog.h"
#include "hangar-test-gui.h"
#include "hangar-window.h"

typedef struct
{
  HangarApplication *app;
  HangarWindow      *window;
  gboolean           checked;
} Run;

/* "keyval:modifiers", the keyval in lower case and the keypad's Enter as
 * Return, so that the same key written two ways compares equal. */
static char *
key_id (guint           keyval,
        GdkModifierType mods)
{
  keyval = gdk_keyval_to_lower (keyval);
  if (keyval == GDK_KEY_KP_Enter)
    keyval = GDK_KEY_Return;
  return g_strdup_printf ("%s:%x", gdk_keyval_name (keyval),
                          mods & (GDK_CONTROL_MASK | GDK_SHIFT_MASK | GDK_ALT_MASK | GDK_SUPER_MASK));
}

static char *
accel_id (const char *accel)
{
  guint keyval = 0;
  GdkModifierType mods = 0;

  g_assert_true (gtk_accelerator_parse (accel, &keyval, &mods));
  return key_id (keyval, mods);
}

static void
collect_listed (GtkWidget  *widget,
                GHashTable *listed,
                guint      *n_shortcuts)
{
  if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
    {
      g_autofree char *accelerator = NULL;
      g_autofree char *title = NULL;
      g_auto(GStrv) accels = NULL;

      g_object_get (widget, "accelerator", &accelerator, "title", &title, NULL);
      g_assert_nonnull (title);
      g_assert_cmpstr (title, !=, "");
      if (accelerator != NULL)
        {
          accels = g_strsplit (accelerator, " ", -1);
          for (guint i = 0; accels[i] != NULL; i++)
            if (*accels[i] != '\0')
              g_hash_table_add (listed, accel_id (accels[i]));
        }
      (*n_shortcuts)++;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_listed (child, listed, n_shortcuts);
}

/* The keys @widget binds: its class shortcuts (with those of the classes
 * it derives from) and the shortcut controllers added to it. */
static GHashTable *
bound_keys (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  GHashTable *keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger))
            g_hash_table_add (keys, key_id (gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)),
                                            gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger))));
        }
    }
  return keys;
}

/* Every key @widget binds that the toolkit class it derives from does not
 * (GTK's own, such as F10 for a window's menu, are GTK's to document)
 * must be listed. */
static void
check_widget_bindings (GtkWidget  *widget,
                       GHashTable *listed)
{
  GType parent = g_type_parent (G_OBJECT_TYPE (widget));
  g_autoptr(GHashTable) keys = bound_keys (widget);
  g_autoptr(GHashTable) toolkit = NULL;
  GHashTableIter iter;
  const char *id;
  guint checked = 0;

  if (!G_TYPE_IS_ABSTRACT (parent))
    {
      GtkWidget *plain = g_object_ref_sink (g_object_new (parent, NULL));

      toolkit = bound_keys (plain);
      if (GTK_IS_WINDOW (plain))
        gtk_window_destroy (GTK_WINDOW (plain));
      g_object_unref (plain);
    }

  g_hash_table_iter_init (&iter, keys);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    {
      if (toolkit != NULL && g_hash_table_contains (toolkit, id))
        continue;
      if (!g_hash_table_contains (listed, id))
        g_error ("%s binds %s, which the shortcuts window does not list",
                 G_OBJECT_TYPE_NAME (widget), id);
      checked++;
    }
  /* Each of these classes binds keys of its own: none found means this
   * test no longer sees them, not that all is well. */
  g_assert_cmpuint (checked, >, 0);
}

static void
check_shortcuts (Run *run)
{
  GtkShortcutsWindow *overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (run->window));
  g_autoptr(GHashTable) listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) actions = NULL;
  guint n_shortcuts = 0;
  guint n_accels = 0;

  g_assert_nonnull (overlay);
  collect_listed (GTK_WIDGET (overlay), listed, &n_shortcuts);
  g_assert_cmpuint (n_shortcuts, >=, 20);

  /* The accelerators of the application's actions, Ctrl+? included
   * (GtkApplication sets that one for the help overlay). */
  actions = gtk_application_list_action_descriptions (GTK_APPLICATION (run->app));
  for (guint i = 0; actions[i] != NULL; i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (run->app), actions[i]);

      for (guint j = 0; accels[j] != NULL; j++)
        {
          g_autofree char *id = accel_id (accels[j]);

          if (!g_hash_table_contains (listed, id))
            g_error ("%s has the accelerator %s, which the shortcuts window does not list",
                     actions[i], accels[j]);
          n_accels++;
        }
    }
  g_assert_cmpuint (n_accels, >=, 3);

  /* The keys the window and the pages inside it bind. */
  check_widget_bindings (GTK_WIDGET (run->window), listed);
  {
    GtkWidget *grid = g_object_ref_sink (hangar_record_grid_new ());
    GtkWidget *page = g_object_ref_sink (hangar_base_page_new ());
    GtkWidget *comments = g_object_ref_sink (g_object_new (HANGAR_TYPE_COMMENTS_PANEL, NULL));

    check_widget_bindings (grid, listed);
    check_widget_bindings (page, listed);
    check_widget_bindings (comments, listed);
    g_object_unref (grid);
    g_object_unref (page);
    g_object_unref (comments);
  }
  {
    const GType dialogs[] = {
      HANGAR_TYPE_ADD_ACCOUNT_DIALOG, HANGAR_TYPE_TABLE_DIALOG, HANGAR_TYPE_FIELD_DIALOG,
      HANGAR_TYPE_IMPORT_DIALOG, HANGAR_TYPE_EXPORT_DIALOG,
    };

    for (guint i = 0; i < G_N_ELEMENTS (dialogs); i++)
      {
        GtkWidget *dialog = g_object_new (dialogs[i], NULL);

        check_widget_bindings (dialog, listed);
        gtk_window_destroy (GTK_WINDOW (dialog));
      }
  }
}

static gboolean
overlay_open (gpointer data)
{
  Run *run = data;
  GtkShortcutsWindow *overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (run->window));

  return overlay != NULL && gtk_widget_get_mapped (GTK_WIDGET (overlay));
}

static gboolean
run_script_cb (gpointer data)
{
  Run *run = data;
  GtkShortcutsWindow *overlay;

  hangar_test_wait_until (hangar_test_gui_widget_mapped, run->window, "the window to map");
  check_shortcuts (run);

  /* Ctrl+? opens it, as a user presses it, with the groups on show. */
  if (hangar_test_gui_have_real_input ())
    {
      hangar_test_gui_key (GTK_WINDOW (run->window), "ctrl+question");
      hangar_test_wait_until (overlay_open, run, "the shortcuts window after Ctrl+?");
      overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (run->window));
      hangar_test_gui_wait_for_text (GTK_WIDGET (overlay), "Records");
      g_assert_true (hangar_test_gui_shows_text (GTK_WIDGET (overlay), "Show or Hide the Record Details"));
      gtk_widget_set_visible (GTK_WIDGET (overlay), FALSE);
    }
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
test_shortcuts_complete (void)
{
  char *argv[] = { (char *) "hangar", NULL };
  Run run = { 0 };

  run.app = hangar_application_new ();
  g_signal_connect (run.app, "window-added", G_CALLBACK (window_added_cb), &run);
  g_assert_cmpint (g_application_run (G_APPLICATION (run.app), 1, argv), ==, 0);
  g_assert_true (run.checked);
  g_clear_object (&run.app);
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_isolate_home ();
  hangar_test_gui_init (&argc, &argv);
  hangar_test_use_file_keyring (NULL);

  g_test_add_func ("/hangar/gui/shortcuts/complete", test_shortcuts_complete);

  return g_test_run ();
}
