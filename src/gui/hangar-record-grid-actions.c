/* hangar-record-grid-actions.c — the grid.* actions and their keyboard shortcuts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-record-grid-private.h"

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  _hangar_record_grid_start_load (HANGAR_RECORD_GRID (widget));
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  _hangar_record_grid_retry (HANGAR_RECORD_GRID (widget));
}

static void
sort_field_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  HangarRecordGrid *self = HANGAR_RECORD_GRID (widget);
  const char *name = g_variant_get_string (parameter, NULL);

  /* From a column header: make it the only sort. */
  hangar_sort_editor_clear (self->sort_editor);
  hangar_sort_editor_add_sort (self->sort_editor, name,
                               g_str_equal (action_name, "grid.sort-descending"));
}

static void
hide_field_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  hangar_record_grid_set_field_visible (HANGAR_RECORD_GRID (widget),
                                        g_variant_get_string (parameter, NULL), FALSE);
}

static void
show_all_fields_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  HangarRecordGrid *self = HANGAR_RECORD_GRID (widget);

  for (guint i = 0; self->fields != NULL && i < self->fields->len; i++)
    hangar_record_grid_set_field_visible (self, hangar_field_get_name (g_ptr_array_index (self->fields, i)), TRUE);
}

static void
focus_search_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  HangarRecordGrid *self = HANGAR_RECORD_GRID (widget);

  if (self->compact)
    gtk_toggle_button_set_active (self->search_toggle, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
toggle_detail_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  HangarRecordGrid *self = HANGAR_RECORD_GRID (widget);

  gtk_toggle_button_set_active (self->detail_button, !gtk_toggle_button_get_active (self->detail_button));
}

static void
popup_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  HangarRecordGrid *self = HANGAR_RECORD_GRID (widget);

  if (g_str_equal (action_name, "grid.show-sort"))
    gtk_menu_button_popup (self->sort_button);
  else
    gtk_menu_button_popup (self->filter_button);
}

/* Escape, narrow, with the detail panel in the grid's place: back to the
 * grid. The action is disabled otherwise, so the key goes on to others. */
static void
close_detail_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  HangarRecordGrid *self = HANGAR_RECORD_GRID (widget);

  gtk_toggle_button_set_active (self->detail_button, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
}

void
_hangar_record_grid_class_init_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "grid.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "grid.retry", NULL, retry_action);
  gtk_widget_class_install_action (widget_class, "grid.sort-ascending", "s", sort_field_action);
  gtk_widget_class_install_action (widget_class, "grid.sort-descending", "s", sort_field_action);
  gtk_widget_class_install_action (widget_class, "grid.hide-field", "s", hide_field_action);
  gtk_widget_class_install_action (widget_class, "grid.show-all-fields", NULL, show_all_fields_action);
  gtk_widget_class_install_action (widget_class, "grid.focus-search", NULL, focus_search_action);
  gtk_widget_class_install_action (widget_class, "grid.toggle-detail", NULL, toggle_detail_action);
  gtk_widget_class_install_action (widget_class, "grid.close-detail", NULL, close_detail_action);
  gtk_widget_class_install_action (widget_class, "grid.show-sort", NULL, popup_action);
  gtk_widget_class_install_action (widget_class, "grid.show-filter", NULL, popup_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "grid.reload", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "grid.reload", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "grid.focus-search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "grid.toggle-detail", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "grid.close-detail", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_S, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "grid.show-sort", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "grid.show-filter", NULL);
}
