/* hangar-record-grid-columns.c — one column per field, its header and its visibility
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-grid-cell.h"
#include "hangar-record-grid-private.h"

/* Columns are built in code (their number and kinds come from the table's
 * fields); each column's cells come from hangar_grid_cell_factory_new(),
 * where a cell per field type is made (and where editors will be). */

HangarField *
_hangar_record_grid_lookup_field (HangarRecordGrid *self,
                                  const char       *name)
{
  for (guint i = 0; self->fields != NULL && i < self->fields->len; i++)
    if (g_strcmp0 (hangar_field_get_name (g_ptr_array_index (self->fields, i)), name) == 0)
      return g_ptr_array_index (self->fields, i);
  return NULL;
}

static int
column_width_for (HangarField *field)
{
  switch ((int) hangar_field_get_field_type (field))
    {
    case HANGAR_FIELD_TYPE_CHECKBOX:
      return 72;
    case HANGAR_FIELD_TYPE_NUMBER:
    case HANGAR_FIELD_TYPE_PERCENT:
    case HANGAR_FIELD_TYPE_CURRENCY:
    case HANGAR_FIELD_TYPE_DURATION:
    case HANGAR_FIELD_TYPE_RATING:
    case HANGAR_FIELD_TYPE_COUNT:
    case HANGAR_FIELD_TYPE_AUTO_NUMBER:
      return 100;
    case HANGAR_FIELD_TYPE_DATE:
      return 110;
    case HANGAR_FIELD_TYPE_DATE_TIME:
    case HANGAR_FIELD_TYPE_CREATED_TIME:
    case HANGAR_FIELD_TYPE_LAST_MODIFIED_TIME:
      return 160;
    case HANGAR_FIELD_TYPE_MULTILINE_TEXT:
    case HANGAR_FIELD_TYPE_RICH_TEXT:
    case HANGAR_FIELD_TYPE_MULTIPLE_SELECTS:
    case HANGAR_FIELD_TYPE_MULTIPLE_ATTACHMENTS:
      return 220;
    default:
      return 160;
    }
}

/* ---- columns ---- */

/* GTK 4.8 has no header factory (4.12): the title of a column is a label in
 * an internal GtkColumnViewTitle (css name "button") holding a box. Add the
 * field-type icon, and the lock of computed fields, into that box. The
 * header's children are in column order. Only decoration: if the structure
 * differs in another GTK version nothing is added. */
static void
decorate_headers (HangarRecordGrid *self)
{
  GtkWidget *header = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
  GtkWidget *title;
  guint i = 0;

  if (header == NULL || g_strcmp0 (gtk_widget_get_css_name (header), "header") != 0)
    return;

  for (title = gtk_widget_get_first_child (header);
       title != NULL && i < self->fields->len;
       title = gtk_widget_get_next_sibling (title), i++)
    {
      HangarField *field = g_ptr_array_index (self->fields, i);
      GtkWidget *box = gtk_widget_get_first_child (title);
      GtkWidget *label = box != NULL ? gtk_widget_get_first_child (box) : NULL;
      GtkWidget *icon;
      g_autofree char *tooltip = NULL;

      if (!GTK_IS_BOX (box) || !GTK_IS_LABEL (label))
        return;

      icon = gtk_image_new_from_icon_name (hangar_grid_field_icon_name (field));
      gtk_widget_add_css_class (icon, "field-type-icon");
      gtk_box_prepend (GTK_BOX (box), icon);

      if (hangar_field_is_computed (field))
        {
          GtkWidget *lock = gtk_image_new_from_icon_name ("changes-prevent-symbolic");

          gtk_widget_add_css_class (lock, "computed-lock");
          gtk_box_insert_child_after (GTK_BOX (box), lock, label);
          gtk_widget_add_css_class (title, "computed-field");
          tooltip = g_strdup_printf (_("%s (%s)\nComputed — read only"),
                                     hangar_field_get_name (field),
                                     hangar_field_get_display_name (field));
        }
      else
        tooltip = g_strdup_printf ("%s (%s)",
                                   hangar_field_get_name (field),
                                   hangar_field_get_display_name (field));
      gtk_widget_set_tooltip_text (title, tooltip);
    }
}

static GMenuModel *
header_menu_for (HangarRecordGrid *self,
                 HangarField      *field)
{
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenu) sort = g_menu_new ();
  g_autoptr(GMenu) other = g_menu_new ();
  const char *name = hangar_field_get_name (field);
  g_autoptr(GMenuItem) item = NULL;

  item = g_menu_item_new (_("Sort Ascending"), NULL);
  g_menu_item_set_action_and_target (item, "grid.sort-ascending", "s", name);
  g_menu_append_item (sort, item);
  g_clear_object (&item);

  item = g_menu_item_new (_("Sort Descending"), NULL);
  g_menu_item_set_action_and_target (item, "grid.sort-descending", "s", name);
  g_menu_append_item (sort, item);
  g_clear_object (&item);

  item = g_menu_item_new (_("Hide Field"), NULL);
  g_menu_item_set_action_and_target (item, "grid.hide-field", "s", name);
  g_menu_append_item (other, item);
  g_clear_object (&item);

  /* The window's: the field in the base's schema browser. */
  item = g_menu_item_new (_("Show Field in Schema"), NULL);
  g_menu_item_set_action_and_target (item, "win.show-field", "(sss)", self->base_id,
                                     hangar_table_get_id (self->table), hangar_field_get_id (field));
  g_menu_append_item (other, item);

  g_menu_append_section (menu, NULL, G_MENU_MODEL (sort));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (other));
  return G_MENU_MODEL (menu);
}

static void
field_toggled_cb (GtkCheckButton   *button,
                  HangarRecordGrid *self)
{
  const char *name = g_object_get_data (G_OBJECT (button), "field-name");

  hangar_record_grid_set_field_visible (self, name, gtk_check_button_get_active (button));
}

void
_hangar_record_grid_rebuild_columns (HangarRecordGrid *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);
  GtkWidget *child;

  while (g_list_model_get_n_items (columns) > 0)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, 0);

      gtk_column_view_remove_column (self->column_view, column);
    }
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->fields_box))) != NULL)
    gtk_box_remove (self->fields_box, child);

  for (guint i = 0; self->fields != NULL && i < self->fields->len; i++)
    {
      HangarField *field = g_ptr_array_index (self->fields, i);
      g_autoptr(GtkListItemFactory) factory = hangar_grid_cell_factory_new (field, self->links, self->cells);
      g_autoptr(GtkColumnViewColumn) column = gtk_column_view_column_new (hangar_field_get_name (field),
                                                                         g_steal_pointer (&factory));
      g_autoptr(GMenuModel) menu = header_menu_for (self, field);
      GtkWidget *check;

      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_column_set_fixed_width (column,
                                              field == hangar_table_get_primary_field (self->table)
                                              ? 210 : column_width_for (field));
      gtk_column_view_column_set_header_menu (column, menu);
      g_object_set_data_full (G_OBJECT (column), "hangar-field", g_object_ref (field), g_object_unref);
      gtk_column_view_append_column (self->column_view, column);

      check = gtk_check_button_new_with_label (hangar_field_get_name (field));
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
      g_object_set_data_full (G_OBJECT (check), "field-name",
                              g_strdup (hangar_field_get_name (field)), g_free);
      g_signal_connect (check, "toggled", G_CALLBACK (field_toggled_cb), self);
      gtk_box_append (self->fields_box, check);
    }

  _hangar_record_grid_add_comment_count (self);
  decorate_headers (self);
  if (self->cells != NULL && self->table != NULL && hangar_table_get_primary_field (self->table) != NULL)
    hangar_grid_cells_set_add_row_field (self->cells, hangar_field_get_name (hangar_table_get_primary_field (self->table)));
  _hangar_record_grid_columns_changed (self);
}

GtkColumnView *
hangar_record_grid_get_column_view (HangarRecordGrid *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_GRID (self), NULL);

  return self->column_view;
}

/**
 * hangar_record_grid_set_field_visible:
 * @self: a #HangarRecordGrid
 * @field_name: a field of the table
 * @visible: whether its column is shown
 *
 * Shows or hides a column (locally; every field is still fetched).
 */
void
hangar_record_grid_set_field_visible (HangarRecordGrid *self,
                                      const char       *field_name,
                                      gboolean          visible)
{
  GListModel *columns;
  GtkWidget *check;

  g_return_if_fail (HANGAR_IS_RECORD_GRID (self));

  if (_hangar_record_grid_lookup_field (self, field_name) == NULL)
    return;

  if (visible)
    g_hash_table_remove (self->hidden, field_name);
  else
    g_hash_table_add (self->hidden, g_strdup (field_name));

  columns = gtk_column_view_get_columns (self->column_view);
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      HangarField *field = g_object_get_data (G_OBJECT (column), "hangar-field");

      if (field != NULL && g_strcmp0 (hangar_field_get_name (field), field_name) == 0)
        gtk_column_view_column_set_visible (column, visible);
    }

  for (check = gtk_widget_get_first_child (GTK_WIDGET (self->fields_box));
       check != NULL;
       check = gtk_widget_get_next_sibling (check))
    if (g_strcmp0 (g_object_get_data (G_OBJECT (check), "field-name"), field_name) == 0 &&
        gtk_check_button_get_active (GTK_CHECK_BUTTON (check)) != visible)
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), visible);

  _hangar_record_grid_columns_changed (self);
  _hangar_record_grid_update_query_label (self);
  _hangar_record_grid_queue_save_state (self);
}
