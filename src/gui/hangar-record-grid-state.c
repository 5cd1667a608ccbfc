/* hangar-record-grid-state.c — the grid remembers itself: view, sort,
 * filter, search, hidden fields, column order and widths per table, and
 * tells what changed in the table's schema since it was last shown
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-record-grid-private.h"
#include "hangar-schema-drift.h"
#include "hangar-table-counts.h"
#include "hangar-view-state.h"

/* Settings live in the account's state database, the "views" component
 * (src/store/hangar-view-state.h), and name every field by id: a renamed
 * field keeps its sort, filter, width and place; one that is gone takes
 * its sort or filter with it, and the user is told. The grid itself keeps
 * fields by name (sort editor, filter editor, hidden set), so names and
 * ids are translated here, at the edges: when settings are saved and when
 * they are applied.
 *
 * Saving happens shortly after a change (a burst of column resizing is one
 * save) and at once when the grid moves to another table or goes away. */

#define SAVE_DELAY_MS 400

static const struct
{
  HangarFilterOp  op;
  const char     *name;
} filter_ops[] = {
  { HANGAR_FILTER_CONTAINS, "contains" },
  { HANGAR_FILTER_NOT_CONTAINS, "not-contains" },
  { HANGAR_FILTER_IS, "is" },
  { HANGAR_FILTER_IS_NOT, "is-not" },
  { HANGAR_FILTER_LT, "lt" },
  { HANGAR_FILTER_GT, "gt" },
  { HANGAR_FILTER_LE, "le" },
  { HANGAR_FILTER_GE, "ge" },
  { HANGAR_FILTER_BEFORE, "before" },
  { HANGAR_FILTER_AFTER, "after" },
  { HANGAR_FILTER_IS_EMPTY, "is-empty" },
  { HANGAR_FILTER_IS_NOT_EMPTY, "is-not-empty" },
  { HANGAR_FILTER_CHECKED, "checked" },
  { HANGAR_FILTER_NOT_CHECKED, "not-checked" },
};

static const char *
op_name (HangarFilterOp op)
{
  for (guint i = 0; i < G_N_ELEMENTS (filter_ops); i++)
    if (filter_ops[i].op == op)
      return filter_ops[i].name;
  return NULL;
}

static gboolean
op_from_name (const char     *name,
              HangarFilterOp *op)
{
  for (guint i = 0; i < G_N_ELEMENTS (filter_ops); i++)
    if (g_strcmp0 (filter_ops[i].name, name) == 0)
      {
        *op = filter_ops[i].op;
        return TRUE;
      }
  return FALSE;
}

static HangarField *
field_by_id (HangarRecordGrid *self,
             const char       *id)
{
  for (guint i = 0; self->fields != NULL && i < self->fields->len; i++)
    if (g_strcmp0 (hangar_field_get_id (g_ptr_array_index (self->fields, i)), id) == 0)
      return g_ptr_array_index (self->fields, i);
  return NULL;
}

static HangarViewState *
open_state (HangarRecordGrid *self)
{
  g_autoptr(GError) error = NULL;
  HangarViewState *state;

  if (self->state_account_id == NULL)
    return NULL;
  state = hangar_view_state_new_for_account (self->state_account_id, &error);
  if (state == NULL)
    g_warning ("The view settings cannot be kept: %s", error->message);
  return state;
}

/* ---- what is shown, as settings ---- */

static HangarViewSettings *
capture (HangarRecordGrid *self)
{
  HangarViewSettings *settings = hangar_view_settings_new ();
  GListModel *columns = gtk_column_view_get_columns (self->column_view);
  guint n_sorts = hangar_sort_editor_get_n_sorts (self->sort_editor);
  GHashTableIter iter;
  gpointer key;

  settings->view_id = g_strdup (self->view_id);
  for (guint i = 0; i < n_sorts; i++)
    {
      gboolean descending = FALSE;
      HangarField *field = _hangar_record_grid_lookup_field (self, hangar_sort_editor_get_sort (self->sort_editor, i,
                                                                                                &descending));

      if (field != NULL)
        hangar_view_settings_add_sort (settings, hangar_field_get_id (field), descending);
    }

  /* The filter in effect. The builder's conditions are kept when they are
   * what was applied; otherwise (raw mode, or conditions edited but not
   * applied) the applied formula itself, with ids. */
  if (self->filter_formula != NULL)
    {
      g_autofree char *compiled = NULL;

      if (!hangar_filter_editor_get_raw_mode (self->filter_editor))
        compiled = hangar_filter_editor_build_formula (self->filter_editor, NULL);
      if (compiled != NULL && g_str_equal (compiled, self->filter_formula))
        {
          guint n = hangar_filter_editor_get_n_conditions (self->filter_editor);

          settings->filter_match_any = hangar_filter_editor_get_match_any (self->filter_editor);
          for (guint i = 0; i < n; i++)
            {
              HangarFilterOp op = 0;
              const char *value = NULL;
              const char *name = hangar_filter_editor_get_condition (self->filter_editor, i, &op, &value);
              HangarField *field = _hangar_record_grid_lookup_field (self, name);

              if (field != NULL && op_name (op) != NULL)
                hangar_view_settings_add_condition (settings, hangar_field_get_id (field), op_name (op), value);
            }
        }
      else
        {
          settings->filter_is_formula = TRUE;
          settings->filter_formula = hangar_view_settings_formula_to_ids (self->filter_formula, self->table);
        }
    }

  settings->search = g_strdup (self->search_text);

  g_hash_table_iter_init (&iter, self->hidden);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      HangarField *field = _hangar_record_grid_lookup_field (self, key);

      if (field != NULL)
        g_ptr_array_add (settings->hidden, g_strdup (hangar_field_get_id (field)));
    }
  g_ptr_array_sort (settings->hidden, (GCompareFunc) g_strcmp0);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      HangarField *field = g_object_get_data (G_OBJECT (column), "hangar-field");
      int width = gtk_column_view_column_get_fixed_width (column);

      if (field == NULL)
        continue;
      g_ptr_array_add (settings->order, g_strdup (hangar_field_get_id (field)));
      if (width > 0 && width != GPOINTER_TO_INT (g_object_get_data (G_OBJECT (column), "hangar-default-width")))
        g_hash_table_insert (settings->widths, g_strdup (hangar_field_get_id (field)), GINT_TO_POINTER (width));
    }
  /* The table's own order needs no keeping. */
  {
    gboolean same = self->fields != NULL && settings->order->len == self->fields->len;

    for (guint i = 0; same && i < settings->order->len; i++)
      same = g_str_equal (g_ptr_array_index (settings->order, i),
                          hangar_field_get_id (g_ptr_array_index (self->fields, i)));
    if (same)
      g_ptr_array_set_size (settings->order, 0);
  }
  return settings;
}

static gboolean
save_now (HangarRecordGrid *self)
{
  g_autoptr(HangarViewState) state = NULL;
  g_autoptr(HangarViewSettings) settings = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&self->save_id, g_source_remove);
  if (self->table == NULL || self->base_id == NULL || self->restoring || (state = open_state (self)) == NULL)
    return FALSE;
  settings = capture (self);
  if (!hangar_view_state_save_settings (state, self->base_id, hangar_table_get_id (self->table), settings, &error))
    {
      g_warning ("The view settings of %s were not saved: %s", hangar_table_get_name (self->table), error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
save_timeout_cb (gpointer data)
{
  HangarRecordGrid *self = data;

  self->save_id = 0;
  save_now (self);
  return G_SOURCE_REMOVE;
}

void
_hangar_record_grid_queue_save_state (HangarRecordGrid *self)
{
  if (self->restoring || self->state_account_id == NULL || self->table == NULL)
    return;
  g_clear_handle_id (&self->save_id, g_source_remove);
  self->save_id = g_timeout_add (SAVE_DELAY_MS, save_timeout_cb, self);
}

void
_hangar_record_grid_flush_state (HangarRecordGrid *self)
{
  if (self->save_id != 0)
    save_now (self);
}

/* ---- settings, applied ---- */

static void
column_changed_cb (GObject          *column,
                   GParamSpec       *pspec,
                   HangarRecordGrid *self)
{
  _hangar_record_grid_queue_save_state (self);
}

static void
columns_changed_cb (GListModel       *columns,
                    guint             position,
                    guint             removed,
                    guint             added,
                    HangarRecordGrid *self)
{
  /* Dragging a header moves its column: a new order to keep. */
  _hangar_record_grid_queue_save_state (self);
}

static void
watch_columns (HangarRecordGrid *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_object_get_data (G_OBJECT (column), "hangar-default-width") == NULL)
        {
          g_object_set_data (G_OBJECT (column), "hangar-default-width",
                             GINT_TO_POINTER (gtk_column_view_column_get_fixed_width (column)));
          g_signal_connect_object (column, "notify::fixed-width", G_CALLBACK (column_changed_cb), self, 0);
        }
    }
}

static GtkColumnViewColumn *
column_of (HangarRecordGrid *self,
           const char       *field_id,
           guint            *out_position)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      HangarField *field = g_object_get_data (G_OBJECT (column), "hangar-field");

      if (field != NULL && g_strcmp0 (hangar_field_get_id (field), field_id) == 0)
        {
          if (out_position != NULL)
            *out_position = i;
          return column;
        }
    }
  return NULL;
}

static void
apply (HangarRecordGrid   *self,
       HangarViewSettings *settings)
{
  GHashTableIter iter;
  gpointer key, value;

  if (settings->view_id != NULL)
    hangar_record_grid_set_view (self, settings->view_id);

  hangar_sort_editor_clear (self->sort_editor);
  for (guint i = 0; i < settings->sorts->len; i++)
    {
      HangarViewSort *sort = g_ptr_array_index (settings->sorts, i);
      HangarField *field = field_by_id (self, sort->field_id);

      if (field != NULL)
        hangar_sort_editor_add_sort (self->sort_editor, hangar_field_get_name (field), sort->descending);
    }

  hangar_filter_editor_clear (self->filter_editor);
  g_clear_pointer (&self->filter_formula, g_free);
  if (settings->filter_is_formula && settings->filter_formula != NULL)
    {
      g_autofree char *text = hangar_view_settings_formula_to_names (settings->filter_formula, self->table, NULL);

      hangar_filter_editor_set_raw_formula (self->filter_editor, text);
      self->filter_formula = g_steal_pointer (&text);
    }
  else if (settings->conditions->len > 0)
    {
      g_autoptr(GError) error = NULL;

      for (guint i = 0; i < settings->conditions->len; i++)
        {
          HangarViewCondition *condition = g_ptr_array_index (settings->conditions, i);
          HangarField *field = field_by_id (self, condition->field_id);
          HangarFilterOp op;

          if (field != NULL && op_from_name (condition->op, &op))
            hangar_filter_editor_add_condition (self->filter_editor, hangar_field_get_name (field), op,
                                                condition->value);
        }
      hangar_filter_editor_set_match_any (self->filter_editor, settings->filter_match_any);
      self->filter_formula = hangar_filter_editor_build_formula (self->filter_editor, &error);
      if (error != NULL)
        {
          /* A value that no longer suits the field (its type changed):
           * the condition stays in the editor, the filter is not applied. */
          hangar_filter_editor_set_error (self->filter_editor, error->message);
          g_clear_pointer (&self->filter_formula, g_free);
        }
    }

  g_free (self->search_text);
  self->search_text = g_strdup (settings->search);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), settings->search != NULL ? settings->search : "");

  for (guint i = 0; i < settings->hidden->len; i++)
    {
      HangarField *field = field_by_id (self, g_ptr_array_index (settings->hidden, i));

      if (field != NULL)
        hangar_record_grid_set_field_visible (self, hangar_field_get_name (field), FALSE);
    }

  g_hash_table_iter_init (&iter, settings->widths);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GtkColumnViewColumn *column = column_of (self, key, NULL);

      if (column != NULL)
        gtk_column_view_column_set_fixed_width (column, GPOINTER_TO_INT (value));
    }

  for (guint i = 0; i < settings->order->len; i++)
    {
      guint position = 0;
      GtkColumnViewColumn *column = column_of (self, g_ptr_array_index (settings->order, i), &position);

      if (column != NULL && position != i)
        gtk_column_view_insert_column (self->column_view, i, column);
    }
}

static void
tell_drift (HangarRecordGrid *self,
            GPtrArray        *changes,
            char            **dropped)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *heading = NULL;

  for (guint i = 0; changes != NULL && i < changes->len; i++)
    g_ptr_array_add (lines, hangar_schema_change_describe (g_ptr_array_index (changes, i)));
  for (guint i = 0; dropped != NULL && dropped[i] != NULL; i++)
    g_ptr_array_add (lines, g_strdup (dropped[i]));
  g_ptr_array_add (lines, NULL);

  if (changes != NULL && changes->len > 0)
    heading = g_strdup_printf (_("“%s” changed since you last saw it"), hangar_table_get_name (self->table));
  else
    heading = g_strdup_printf (_("Some settings of “%s” no longer apply"), hangar_table_get_name (self->table));
  hangar_drift_banner_show (self->drift_banner, heading, (const char * const *) lines->pdata);
}

void
_hangar_record_grid_restore_state (HangarRecordGrid *self)
{
  g_autoptr(HangarViewState) state = NULL;
  g_autoptr(HangarViewSettings) settings = NULL;
  g_autoptr(GPtrArray) shown = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_auto(GStrv) dropped = NULL;
  g_autoptr(GError) error = NULL;
  const char *table_id;

  hangar_drift_banner_dismiss (self->drift_banner);
  if (self->table == NULL || self->base_id == NULL)
    return;
  watch_columns (self);
  if ((state = open_state (self)) == NULL)
    return;

  table_id = hangar_table_get_id (self->table);
  shown = hangar_view_state_load_shown_fields (state, self->base_id, table_id);
  changes = hangar_schema_drift_compare (shown, self->table);
  settings = hangar_view_state_load_settings (state, self->base_id, table_id);
  if (settings != NULL)
    {
      dropped = hangar_view_settings_reconcile (settings, self->table, shown);
      self->restoring = TRUE;
      apply (self, settings);
      self->restoring = FALSE;
      /* What had to go is gone for good. */
      if (dropped[0] != NULL &&
          !hangar_view_state_save_settings (state, self->base_id, table_id, settings, &error))
        {
          g_warning ("The view settings of %s were not saved: %s", hangar_table_get_name (self->table), error->message);
          g_clear_error (&error);
        }
    }

  if (changes->len > 0 || (dropped != NULL && dropped[0] != NULL))
    tell_drift (self, changes, dropped);

  /* Told once: what is shown now is what was last seen. */
  if (!hangar_view_state_save_shown_fields (state, self->base_id, self->table, &error) ||
      !hangar_view_state_set_last_table (state, self->base_id, table_id, &error))
    g_warning ("Could not note what %s shows: %s", hangar_table_get_name (self->table), error->message);
}

/* ---- a newer schema ---- */

void
hangar_record_grid_schema_changed (HangarRecordGrid *self,
                                   GPtrArray        *tables)
{
  HangarTable *table;
  g_autoptr(HangarClient) client = NULL;
  g_autofree char *base_id = NULL;

  g_return_if_fail (HANGAR_IS_RECORD_GRID (self));

  if (self->table == NULL || tables == NULL)
    return;
  table = hangar_table_list_lookup (tables, hangar_table_get_id (self->table));
  if (table == NULL)
    {
      g_autofree char *heading = g_strdup_printf (_("The table “%s” is gone"), hangar_table_get_name (self->table));
      const char *lines[] = { _("It was deleted or renamed away from this base; what is shown is what was loaded."), NULL };

      hangar_drift_banner_show (self->drift_banner, heading, lines);
      return;
    }
  if (table == self->table)
    return;

  /* Shown afresh: the settings (saved now, by id) follow the fields. */
  save_now (self);
  client = g_object_ref (self->client);
  base_id = g_strdup (self->base_id);
  hangar_record_grid_show_table_with_client (self, client, base_id, table);
}

/* ---- record counts ---- */

static void
loading_cb (HangarRecordGrid *self)
{
  /* A listing of the whole table that ran to its end counts its records. */
  if (self->records == NULL || self->table == NULL || hangar_record_list_get_loading (self->records) ||
      !hangar_record_list_get_complete (self->records) || hangar_record_list_get_failed (self->records) != NULL ||
      self->view_id != NULL || self->filter_formula != NULL ||
      (self->search_text != NULL && *self->search_text != '\0'))
    return;
  hangar_table_counts_set (hangar_table_counts_get_default (), self->state_account_id, self->base_id,
                           hangar_table_get_id (self->table),
                           g_list_model_get_n_items (G_LIST_MODEL (self->records)));
}

/* ---- set up ---- */

void
_hangar_record_grid_init_state (HangarRecordGrid *self)
{
  self->drift_banner = HANGAR_DRIFT_BANNER (hangar_drift_banner_new ());
  gtk_widget_insert_after (GTK_WIDGET (self->drift_banner), GTK_WIDGET (self), GTK_WIDGET (self->rate_banner));
  g_signal_connect_object (gtk_column_view_get_columns (self->column_view), "items-changed",
                           G_CALLBACK (columns_changed_cb), self, 0);
  g_signal_connect (self, "notify::loading", G_CALLBACK (loading_cb), NULL);
}

void
_hangar_record_grid_dispose_state (HangarRecordGrid *self)
{
  _hangar_record_grid_flush_state (self);
  g_clear_handle_id (&self->save_id, g_source_remove);
  g_clear_pointer (&self->state_account_id, g_free);
}

void
hangar_record_grid_set_state_account (HangarRecordGrid *self,
                                      const char       *account_id)
{
  g_return_if_fail (HANGAR_IS_RECORD_GRID (self));

  if (g_strcmp0 (account_id, self->state_account_id) == 0)
    return;
  _hangar_record_grid_flush_state (self);
  g_free (self->state_account_id);
  self->state_account_id = g_strdup (account_id);
}

HangarDriftBanner *
hangar_record_grid_get_drift_banner (HangarRecordGrid *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_GRID (self), NULL);
  return self->drift_banner;
}

const char *
hangar_record_grid_get_base_id (HangarRecordGrid *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_GRID (self), NULL);
  return self->base_id;
}
