/* hangar-record-grid-selection.c — the selected record, the detail panel and rows replaced after a change
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-record-grid-private.h"

/* One row is selected at a time (a GtkSingleSelection over the grid model);
 * the detail panel shows it. This is where the selection lives: a cell
 * cursor and a selection of many rows or of cell ranges extend it here. */

static void
selection_changed_cb (GtkSingleSelection *selection,
                      GParamSpec         *pspec,
                      HangarRecordGrid   *self)
{
  hangar_record_detail_set_record (self->detail, gtk_single_selection_get_selected_item (selection));
}

static void
row_activated_cb (HangarRecordGrid *self,
                  guint             position)
{
  gtk_single_selection_set_selected (self->selection, position);
  gtk_toggle_button_set_active (self->detail_button, TRUE);
}

void
_hangar_record_grid_class_init_selection (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
}

void
_hangar_record_grid_init_selection (HangarRecordGrid *self)
{
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  gtk_single_selection_set_autoselect (self->selection, TRUE);
  g_signal_connect (self->selection, "notify::selected-item", G_CALLBACK (selection_changed_cb), self);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
}

/**
 * hangar_record_grid_get_model:
 * @self: a #HangarRecordGrid
 *
 * Returns: (transfer none): the selection model of the grid (items are
 *   #HangarRecord in the server's order)
 */
GtkSelectionModel *
hangar_record_grid_get_model (HangarRecordGrid *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_GRID (self), NULL);

  return GTK_SELECTION_MODEL (self->selection);
}

HangarRecordDetail *
hangar_record_grid_get_detail (HangarRecordGrid *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_GRID (self), NULL);

  return self->detail;
}

/**
 * hangar_record_grid_replace_record:
 * @self: a #HangarRecordGrid
 * @record: a new version of a record shown in the grid (e.g. after an edit)
 *
 * The record-changed path: shows @record in place of the loaded record with
 * the same id, re-binding only that row's cells, and refreshes the detail
 * panel when it shows that record. The selection stays.
 *
 * Returns: %TRUE when a row showed that record
 */
gboolean
hangar_record_grid_replace_record (HangarRecordGrid *self,
                                   HangarRecord     *record)
{
  guint selected;
  guint row;

  g_return_val_if_fail (HANGAR_IS_RECORD_GRID (self), FALSE);
  g_return_val_if_fail (HANGAR_IS_RECORD (record), FALSE);

  selected = gtk_single_selection_get_selected (self->selection);
  row = hangar_grid_model_replace_record (self->model, record);
  if (row == G_MAXUINT)
    return FALSE;
  if (selected != GTK_INVALID_LIST_POSITION)
    gtk_single_selection_set_selected (self->selection, selected);
  if (selected == row)
    hangar_record_detail_set_record (self->detail, record);
  return TRUE;
}
