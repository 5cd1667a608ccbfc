/* hangar-record-grid-selection.c — the selected record, the detail panel and rows replaced after a change
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-record-grid-private.h"

/* Rows are selected many at a time (a GtkMultiSelection over the grid
 * model: click, Shift+click, Ctrl+click, Ctrl+A); the cell cursor
 * (hangar-record-grid-cursor.c) is on one of them, and the detail panel
 * shows the cursor's record. A selection made with the mouse or Ctrl+A
 * moves the cursor to its one row when there is one. The first row gets
 * the cursor when the rows arrive, as a single selection's autoselect did. */

static void
selection_changed_cb (GtkSelectionModel *selection,
                      guint              position,
                      guint              n_items,
                      HangarRecordGrid  *self)
{
  g_autoptr(GtkBitset) selected = NULL;

  if (g_object_get_data (G_OBJECT (self), "hangar-cursor-selecting") != NULL)
    return;
  selected = gtk_selection_model_get_selection (selection);
  if (gtk_bitset_get_size (selected) == 1)
    {
      guint row = gtk_bitset_get_minimum (selected);

      if (row != self->cursor_row)
        {
          HangarField *field = self->cursor_field;

          /* Keeps the column; the view made the selection already. */
          self->cursor_row = G_MAXUINT;
          _hangar_record_grid_set_cursor (self, row, field, FALSE);
        }
    }
}

static void
items_changed_cb (GListModel       *model,
                  guint             position,
                  guint             removed,
                  guint             added,
                  HangarRecordGrid *self)
{
  HangarRecord *first = hangar_grid_model_peek (self->model, 0);

  if (self->cursor_row == G_MAXUINT && first != NULL && !hangar_grid_model_is_add_row (first))
    _hangar_record_grid_set_cursor (self, 0, NULL, FALSE);
  else if (first == NULL)
    hangar_record_detail_set_record (self->detail, NULL);
}

static void
row_activated_cb (HangarRecordGrid *self,
                  guint             position)
{
  /* A double click or Enter the view handled: edit the cell when the
   * grid can be edited, else open the record. */
  if (position != self->cursor_row)
    _hangar_record_grid_set_cursor (self, position, self->cursor_field, FALSE);
  if (self->read_only_reason == NULL)
    {
      _hangar_record_grid_edit_cell (self, NULL);
      return;
    }
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
  self->selection = gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  g_signal_connect (self->selection, "selection-changed", G_CALLBACK (selection_changed_cb), self);
  g_signal_connect_after (self->model, "items-changed", G_CALLBACK (items_changed_cb), self);
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
 * the same id, refreshing only that row's cells (and the detail panel when
 * it shows that record). The selection and the cursor stay.
 *
 * Returns: %TRUE when a row showed that record
 */
gboolean
hangar_record_grid_replace_record (HangarRecordGrid *self,
                                   HangarRecord     *record)
{
  guint row;

  g_return_val_if_fail (HANGAR_IS_RECORD_GRID (self), FALSE);
  g_return_val_if_fail (HANGAR_IS_RECORD (record), FALSE);

  g_hash_table_replace (self->fresh, g_strdup (hangar_record_get_id (record)), g_object_ref (record));
  row = hangar_grid_model_replace_record (self->model, record);
  return row != G_MAXUINT;
}
