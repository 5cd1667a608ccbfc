/* hangar-schema-widgets.c — pieces the schema browser and dialogs share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-schema-widgets.h"

void
hangar_schema_ensure_style (void)
{
  static gboolean done;
  GdkDisplay *display = gdk_display_get_default ();
  g_autoptr(GtkCssProvider) provider = NULL;

  if (done || display == NULL)
    return;
  done = TRUE;
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, "/io/github/tablehangar/Hangar/hangar-schema.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

GtkWidget *
hangar_color_chip_new (const char *color,
                       const char *text)
{
  GtkWidget *chip = gtk_label_new (text != NULL ? text : " ");
  g_autofree char *css = g_strdup_printf ("select-%s", color != NULL ? color : "none");
  g_autofree char *words = hangar_field_describe_color (color);

  gtk_widget_add_css_class (chip, "select-chip");
  gtk_widget_add_css_class (chip, css);
  if (text == NULL)
    gtk_widget_add_css_class (chip, "color-swatch");
  gtk_widget_set_valign (chip, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (chip, words);
  return chip;
}

static void
chip_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  with_words)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);

  if (with_words)
    gtk_box_append (GTK_BOX (box), gtk_label_new (NULL));
  gtk_list_item_set_child (item, box);
}

static void
chip_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  with_words)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  const char *color = gtk_string_object_get_string (gtk_list_item_get_item (item));
  GtkWidget *chip = hangar_color_chip_new (color, NULL);

  gtk_box_prepend (GTK_BOX (box), chip);
  if (with_words)
    {
      g_autofree char *words = hangar_field_describe_color (color);

      gtk_label_set_text (GTK_LABEL (gtk_widget_get_last_child (box)), words);
    }
}

static void
chip_unbind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  with_words)
{
  GtkWidget *box = gtk_list_item_get_child (item);

  gtk_box_remove (GTK_BOX (box), gtk_widget_get_first_child (box));
}

static GtkListItemFactory *
chip_factory (gboolean with_words)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (chip_setup_cb), GINT_TO_POINTER (with_words));
  g_signal_connect (factory, "bind", G_CALLBACK (chip_bind_cb), GINT_TO_POINTER (with_words));
  g_signal_connect (factory, "unbind", G_CALLBACK (chip_unbind_cb), GINT_TO_POINTER (with_words));
  return factory;
}

GtkDropDown *
hangar_color_drop_down_new (const char * const *colors)
{
  GtkStringList *list = gtk_string_list_new ((const char * const *) colors);
  GtkDropDown *drop_down = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (list), NULL));
  g_autoptr(GtkListItemFactory) button = chip_factory (FALSE);
  g_autoptr(GtkListItemFactory) popup = chip_factory (TRUE);

  gtk_drop_down_set_factory (drop_down, button);
  gtk_drop_down_set_list_factory (drop_down, popup);
  gtk_widget_set_tooltip_text (GTK_WIDGET (drop_down), _("Colour"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (drop_down), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Colour"), -1);
  return drop_down;
}

gboolean
hangar_schema_can_edit (HangarAccount  *account,
                        HangarBase     *base,
                        char          **out_reason)
{
  g_auto(GStrv) missing = NULL;

  if (account != NULL && !hangar_scopes_account_can (account, HANGAR_CAPABILITY_SCHEMA_WRITE))
    {
      missing = hangar_scopes_account_missing (account, HANGAR_CAPABILITY_SCHEMA_WRITE);
      if (out_reason != NULL)
        *out_reason = g_strdup_printf (_("Changing the schema needs the scope %s, which this account was not "
                                         "granted. Reconnect the account and grant it."),
                                       missing != NULL && missing[0] != NULL ? missing[0] : "schema.bases:write");
      return FALSE;
    }
  if (base != NULL && g_strcmp0 (hangar_base_get_permission_level (base), "create") != 0)
    {
      if (out_reason != NULL)
        *out_reason = g_strdup_printf (_("Changing the schema needs the Creator permission on this base; "
                                         "this account has “%s”."),
                                       hangar_base_get_permission_level (base));
      return FALSE;
    }
  return TRUE;
}

char *
hangar_schema_describe_error (HangarAccount *account,
                              HangarBase    *base,
                              const char    *doing,
                              const GError  *error)
{
  char *explained = NULL;
  const char *server;

  if (account != NULL)
    explained = hangar_scopes_explain_forbidden (account, HANGAR_CAPABILITY_SCHEMA_WRITE,
                                                 base != NULL ? hangar_base_get_name (base) : NULL, error);
  if (explained != NULL)
    return explained;
  server = error->domain == HANGAR_API_ERROR ? hangar_api_error_get_server_message (error) : NULL;
  return g_strdup_printf ("%s: %s", doing, server != NULL && *server != '\0' ? server : error->message);
}

/* Ctrl+Return (and Ctrl+S) saves from anywhere in the dialog, also from a
 * multi-line text, which would otherwise take the key first. */
void
hangar_schema_add_save_shortcuts (GtkWidget  *dialog,
                                  const char *action_name)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();
  const guint keys[] = { GDK_KEY_Return, GDK_KEY_KP_Enter, GDK_KEY_s };

  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (keys[i], GDK_CONTROL_MASK),
                                                            gtk_named_action_new (action_name)));
  gtk_widget_add_controller (dialog, controller);
}
