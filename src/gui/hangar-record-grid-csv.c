/* hangar-record-grid-csv.c — the grid's comment counts, and exporting and
 * importing CSV from it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-export-dialog.h"
#include "hangar-import-dialog.h"
#include "hangar-record-grid-private.h"

/* ---- comment counts ---- */

/* The count comes with the records when asked for
 * (recordMetadata[]=commentCount): only while the column is shown. */

static void
count_setup_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                gpointer                  user_data)
{
  GtkWidget *inscription = gtk_inscription_new (NULL);

  gtk_inscription_set_xalign (GTK_INSCRIPTION (inscription), 1.0);
  gtk_widget_add_css_class (inscription, "numeric-cell");
  gtk_list_item_set_child (list_item, inscription);
}

static void
count_bind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  HangarRecord *record = gtk_list_item_get_item (list_item);
  GtkInscription *inscription = GTK_INSCRIPTION (gtk_list_item_get_child (list_item));
  g_autofree char *text = NULL;

  if (record != NULL && hangar_record_has_comment_count (record) && hangar_record_get_comment_count (record) > 0)
    text = g_strdup_printf ("%" G_GINT64_FORMAT, hangar_record_get_comment_count (record));
  gtk_inscription_set_text (inscription, text);
}

static void
count_toggled_cb (GtkCheckButton   *button,
                  HangarRecordGrid *self)
{
  hangar_record_grid_set_show_comment_count (self, gtk_check_button_get_active (button));
}

static void
add_count_column (HangarRecordGrid *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) column = NULL;

  g_signal_connect (factory, "setup", G_CALLBACK (count_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (count_bind_cb), NULL);
  column = gtk_column_view_column_new (_("Comments"), g_steal_pointer (&factory));
  gtk_column_view_column_set_fixed_width (column, 96);
  gtk_column_view_append_column (self->column_view, column);
  self->comment_count_column = column;
}

/* Called when the columns are rebuilt: the count column (last, while it
 * is shown) and its switch in the Fields popover. */
void
_hangar_record_grid_add_comment_count (HangarRecordGrid *self)
{
  GtkWidget *separator, *check;

  /* The old column went with the others. */
  self->comment_count_column = NULL;
  self->comment_count_check = NULL;
  if (self->fields == NULL || self->fields->len == 0)
    return;

  if (self->show_comment_count)
    add_count_column (self);
  separator = gtk_separator_new (GTK_ORIENTATION_HORIZONTAL);
  gtk_box_append (self->fields_box, separator);
  check = gtk_check_button_new_with_label (_("Comment count"));
  gtk_widget_set_tooltip_text (check, _("A column with each record's number of comments"));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), self->show_comment_count);
  g_signal_connect (check, "toggled", G_CALLBACK (count_toggled_cb), self);
  gtk_box_append (self->fields_box, check);
  self->comment_count_check = check;
}

/**
 * hangar_record_grid_set_show_comment_count:
 * @self: a #HangarRecordGrid
 * @show: whether to show each record's number of comments
 *
 * Shows or hides the "Comments" column; showing it lists the records again
 * with their comment counts.
 */
void
hangar_record_grid_set_show_comment_count (HangarRecordGrid *self,
                                           gboolean          show)
{
  g_return_if_fail (HANGAR_IS_RECORD_GRID (self));

  show = !!show;
  if (self->show_comment_count == show)
    return;
  self->show_comment_count = show;
  if (show && self->comment_count_column == NULL && self->fields != NULL && self->fields->len > 0)
    add_count_column (self);
  else if (!show && self->comment_count_column != NULL)
    {
      gtk_column_view_remove_column (self->column_view, self->comment_count_column);
      self->comment_count_column = NULL;
    }
  if (self->comment_count_check != NULL &&
      gtk_check_button_get_active (GTK_CHECK_BUTTON (self->comment_count_check)) != show)
    gtk_check_button_set_active (GTK_CHECK_BUTTON (self->comment_count_check), show);
  if (show)
    _hangar_record_grid_start_load (self);
}

/* ---- export ---- */

/* The fields of the visible columns, in the order they are shown (the user
 * may have moved columns). */
static GPtrArray *
visible_fields (HangarRecordGrid *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);
  GPtrArray *fields = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      HangarField *field = g_object_get_data (G_OBJECT (column), "hangar-field");

      if (field != NULL && gtk_column_view_column_get_visible (column))
        g_ptr_array_add (fields, g_object_ref (field));
    }
  return fields;
}

static char *
suggested_name (HangarRecordGrid *self)
{
  GPtrArray *views = hangar_table_get_views (self->table);
  const char *view = NULL;
  g_autofree char *name = NULL;

  for (guint i = 0; self->view_id != NULL && views != NULL && i < views->len; i++)
    if (g_strcmp0 (hangar_view_get_id (g_ptr_array_index (views, i)), self->view_id) == 0)
      view = hangar_view_get_name (g_ptr_array_index (views, i));
  name = view != NULL ? g_strdup_printf ("%s - %s.csv", hangar_table_get_name (self->table), view)
                      : g_strdup_printf ("%s.csv", hangar_table_get_name (self->table));
  /* A name from the server: no directory separators in it. */
  g_strdelimit (name, "/\\", '-');
  return g_steal_pointer (&name);
}

/**
 * hangar_record_grid_export_csv:
 * @self: a #HangarRecordGrid showing a table
 * @file: (nullable): where to write; %NULL asks with a file chooser (the
 *   portal's in Flatpak)
 *
 * Exports what the grid shows — its view, filter, search and sort, the
 * visible columns in their order — to a CSV file, every record (not only
 * the loaded ones), with a progress window.
 *
 * Returns: (transfer none) (nullable): the progress window, once @file is
 *   known
 */
GtkWindow *
hangar_record_grid_export_csv (HangarRecordGrid *self,
                               GFile            *file)
{
  g_autoptr(HangarListOptions) options = NULL;
  g_autoptr(GPtrArray) fields = NULL;
  g_autofree char *name = NULL;
  HangarExportDialog *dialog;
  GtkRoot *root;

  g_return_val_if_fail (HANGAR_IS_RECORD_GRID (self), NULL);

  if (self->client == NULL || self->table == NULL)
    return NULL;
  root = gtk_widget_get_root (GTK_WIDGET (self));
  options = _hangar_record_grid_build_options (self);
  fields = visible_fields (self);
  name = suggested_name (self);
  dialog = hangar_export_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->client, self->base_id,
                                     self->table, fields, options, name);
  /* The count is known once every page is in. */
  if (self->records != NULL && hangar_record_list_get_complete (self->records))
    hangar_export_dialog_set_expected (dialog, g_list_model_get_n_items (G_LIST_MODEL (self->records)));
  return hangar_export_dialog_start (dialog, file);
}

/* ---- import ---- */

static void
imported_cb (HangarImportDialog *dialog,
             HangarRecordGrid   *self)
{
  /* New and changed records: list again. */
  _hangar_record_grid_start_load (self);
}

/**
 * hangar_record_grid_import_csv:
 * @self: a #HangarRecordGrid showing a table
 * @file: (nullable): the CSV file; %NULL asks with a file chooser
 *
 * Opens the import window for the table: mapping, preview, import, report.
 * The grid lists its records again when rows were written.
 *
 * Returns: (transfer none) (nullable): the import window, once @file is
 *   known
 */
GtkWindow *
hangar_record_grid_import_csv (HangarRecordGrid *self,
                               GFile            *file)
{
  HangarImportDialog *dialog;
  GtkRoot *root;

  g_return_val_if_fail (HANGAR_IS_RECORD_GRID (self), NULL);

  if (self->client == NULL || self->table == NULL)
    return NULL;
  root = gtk_widget_get_root (GTK_WIDGET (self));
  dialog = hangar_import_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->client, self->account,
                                     self->base_id, self->table);
  g_signal_connect_object (dialog, "imported", G_CALLBACK (imported_cb), self, 0);
  return hangar_import_dialog_start (dialog, file);
}
