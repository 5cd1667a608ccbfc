/* hangar-record-grid-narrow.c — the grid's narrow layout
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-record-grid-private.h"

/* GTK 4.8 and libadwaita 1.2 have no breakpoints: the grid picks its layout
 * from the width it is given (size_allocate), and reports the narrow
 * layout's minimum width even while wide (measure), so that a window can be
 * made narrower than the wide toolbar and detail panel need.
 *
 * Narrow: View, Sort, Filter and Fields are icon-only (their accessible
 * names and tooltips stay); the search entry gives way to a toggle button
 * that swaps the toolbar for the entry; the detail panel is hidden and,
 * when opened (F9, the toolbar button, Enter on a row), takes the grid's
 * place instead of sitting beside it. */

/* Before the narrow layout was ever measured: a width it fits in. */
#define COMPACT_MIN_WIDTH_GUESS 360
/* Going back to wide needs this much more than the wide layout's last
 * known minimum (labels may have changed meanwhile). */
#define WIDE_HYSTERESIS 24

static const char * const button_icons[] = {
  "view-sort-descending-symbolic", "hangar-filter-symbolic", "view-reveal-symbolic",
};

static GtkMenuButton *
compact_button (HangarRecordGrid *self,
                guint             i)
{
  GtkMenuButton *buttons[] = { self->sort_button, self->filter_button, self->fields_button };

  return buttons[i];
}

static void
update_compact_visibility (HangarRecordGrid *self)
{
  gboolean searching = self->compact && gtk_toggle_button_get_active (self->search_toggle);
  gboolean detail = gtk_toggle_button_get_active (self->detail_button);

  gtk_widget_set_visible (GTK_WIDGET (self->view_dropdown), !searching);
  gtk_widget_set_visible (GTK_WIDGET (self->sort_button), !searching);
  gtk_widget_set_visible (GTK_WIDGET (self->filter_button), !searching);
  gtk_widget_set_visible (GTK_WIDGET (self->fields_button), !searching);
  gtk_widget_set_visible (self->reload_button, !searching);
  /* Narrow, "New Record" is in the edit menu beside it. */
  gtk_widget_set_visible (self->add_button, !self->compact);
  gtk_widget_set_visible (self->edit_button, !searching);
  gtk_widget_set_visible (GTK_WIDGET (self->detail_button), !searching);
  gtk_widget_set_visible (GTK_WIDGET (self->search_entry), !self->compact || searching);
  gtk_widget_set_visible (GTK_WIDGET (self->search_toggle), self->compact);
  /* Narrow: an open detail panel replaces the grid. */
  gtk_widget_set_visible (GTK_WIDGET (self->content_stack), !(self->compact && detail));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "grid.close-detail", self->compact && detail);
}

static void
set_compact (HangarRecordGrid *self,
             gboolean          compact)
{
  if (self->compact == compact)
    return;
  self->compact = compact;

  for (guint i = 0; i < G_N_ELEMENTS (self->button_contents); i++)
    {
      if (compact)
        gtk_menu_button_set_icon_name (compact_button (self, i), button_icons[i]);
      else
        gtk_menu_button_set_child (compact_button (self, i), self->button_contents[i]);
    }
  gtk_drop_down_set_factory (self->view_dropdown, compact ? self->view_icon_factory : self->view_label_factory);

  if (compact)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self), "narrow");
      self->detail_when_wide = gtk_toggle_button_get_active (self->detail_button);
      gtk_toggle_button_set_active (self->detail_button, FALSE);
      /* A search in progress stays in view. */
      gtk_toggle_button_set_active (self->search_toggle,
                                    gtk_widget_has_focus (GTK_WIDGET (self->search_entry)) ||
                                    gtk_editable_get_text (GTK_EDITABLE (self->search_entry))[0] != '\0');
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self), "narrow");
      if (self->detail_when_wide)
        gtk_toggle_button_set_active (self->detail_button, TRUE);
      gtk_toggle_button_set_active (self->search_toggle, FALSE);
    }
  update_compact_visibility (self);
}

static void
search_toggled_cb (HangarRecordGrid *self)
{
  update_compact_visibility (self);
  if (self->compact && gtk_toggle_button_get_active (self->search_toggle))
    gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  else if (self->compact && gtk_widget_get_focus_child (GTK_WIDGET (self->toolbar)) == NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->search_toggle));
}

static void
stop_search_cb (HangarRecordGrid *self)
{
  /* Escape in the entry: narrow, the toolbar comes back. */
  if (self->compact)
    gtk_toggle_button_set_active (self->search_toggle, FALSE);
}

static void
detail_toggled_cb (HangarRecordGrid *self)
{
  update_compact_visibility (self);
}

static void
view_label_setup_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *item,
                     gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (item, label);
}

static void
view_label_bind_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    gpointer                  user_data)
{
  GtkStringObject *string = gtk_list_item_get_item (item);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), gtk_string_object_get_string (string));
}

static void
view_icon_setup_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    gpointer                  user_data)
{
  gtk_list_item_set_child (item, gtk_image_new_from_icon_name ("view-list-symbolic"));
}

static void
view_tooltip_cb (HangarRecordGrid *self)
{
  GtkStringObject *string = gtk_drop_down_get_selected_item (self->view_dropdown);
  g_autofree char *tooltip = NULL;

  /* Icon-only when narrow: the tooltip names the view shown. */
  if (string != NULL)
    tooltip = g_strdup_printf (_("Airtable view: %s"), gtk_string_object_get_string (string));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->view_dropdown), tooltip != NULL ? tooltip : _("Airtable view"));
}

static void
hangar_record_grid_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  HangarRecordGrid *self = HANGAR_RECORD_GRID (widget);

  gtk_layout_manager_measure (self->layout, widget, orientation, for_size, minimum, natural,
                              minimum_baseline, natural_baseline);
  if (orientation != GTK_ORIENTATION_HORIZONTAL)
    return;
  if (self->compact)
    self->compact_min_width = *minimum;
  else
    {
      self->wide_min_width = *minimum;
      *minimum = MIN (*minimum, self->compact_min_width);
    }
}

static void
hangar_record_grid_size_allocate (GtkWidget *widget,
                                  int        width,
                                  int        height,
                                  int        baseline)
{
  HangarRecordGrid *self = HANGAR_RECORD_GRID (widget);

  if (!self->compact && width < self->wide_min_width)
    set_compact (self, TRUE);
  else if (self->compact && width >= self->wide_min_width + WIDE_HYSTERESIS)
    {
      set_compact (self, FALSE);
      /* The wide layout may need more now (a longer label): measure it
       * again, and stay narrow if it does not fit after all. */
      {
        int min = 0, nat = 0;

        gtk_layout_manager_measure (self->layout, widget, GTK_ORIENTATION_HORIZONTAL, -1,
                                    &min, &nat, NULL, NULL);
        self->wide_min_width = min;
        if (width < min)
          set_compact (self, TRUE);
      }
    }
  gtk_layout_manager_allocate (self->layout, widget, width, height, baseline);
  /* Popovers parented to the grid (the cell editor, the context menu). */
  if (self->editor_popover != NULL)
    gtk_popover_present (GTK_POPOVER (self->editor_popover));
  if (self->context_menu != NULL)
    gtk_popover_present (GTK_POPOVER (self->context_menu));
}

static GtkSizeRequestMode
hangar_record_grid_get_request_mode (GtkWidget *widget)
{
  /* The banners' labels wrap. */
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

void
_hangar_record_grid_class_init_narrow (GtkWidgetClass *widget_class)
{
  widget_class->measure = hangar_record_grid_measure;
  widget_class->size_allocate = hangar_record_grid_size_allocate;
  widget_class->get_request_mode = hangar_record_grid_get_request_mode;

  gtk_widget_class_bind_template_callback (widget_class, search_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
}

void
_hangar_record_grid_init_narrow (HangarRecordGrid *self)
{
  /* Labelled contents kept while their buttons show icons; view names in
   * the list, an icon on the button. */
  self->compact_min_width = COMPACT_MIN_WIDTH_GUESS;
  self->button_contents[0] = g_object_ref (GTK_WIDGET (self->sort_content));
  self->button_contents[1] = g_object_ref (GTK_WIDGET (self->filter_content));
  self->button_contents[2] = g_object_ref (GTK_WIDGET (self->fields_content));
  self->view_label_factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (self->view_label_factory, "setup", G_CALLBACK (view_label_setup_cb), NULL);
  g_signal_connect (self->view_label_factory, "bind", G_CALLBACK (view_label_bind_cb), NULL);
  self->view_icon_factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (self->view_icon_factory, "setup", G_CALLBACK (view_icon_setup_cb), NULL);
  gtk_drop_down_set_factory (self->view_dropdown, self->view_label_factory);
  gtk_drop_down_set_list_factory (self->view_dropdown, self->view_label_factory);
  g_signal_connect_swapped (self->view_dropdown, "notify::selected-item", G_CALLBACK (view_tooltip_cb), self);
  g_signal_connect_swapped (self->detail_button, "notify::active", G_CALLBACK (detail_toggled_cb), self);
  update_compact_visibility (self);
}

void
_hangar_record_grid_dispose_narrow (HangarRecordGrid *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->button_contents); i++)
    g_clear_object (&self->button_contents[i]);
  g_clear_object (&self->view_label_factory);
  g_clear_object (&self->view_icon_factory);
  g_clear_object (&self->layout);
}
