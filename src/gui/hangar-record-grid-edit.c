/* hangar-record-grid-edit.c — editing records in the grid, through the
 * account's journal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hangar-account.h"
#include "hangar-cell-value.h"
#include "hangar-compat.h"
#include "hangar-json.h"
#include "hangar-record-grid-private.h"
#include "hangar-scopes.h"

/* Every edit becomes a group of changes in the account's HangarJournal
 * (src/store/hangar-journal.h), which writes it to disk and then sends it.
 * The grid never writes to Airtable itself and never keeps its own copy of
 * an edit: a row shows the record as Airtable last gave it (the list's, or
 * a newer answer in self->fresh) with the journal's unsent changes put
 * over it (hangar_journal_overlay_record()), recomputed whenever the
 * journal says the record's changes moved (::record-changed). So a
 * discarded or failed change shows what is really there, and the server's
 * answer replaces the local guess. */

#define MAX_UNDO 100

static void stop_following (HangarRecordGrid *self);

void
_hangar_cell_write_free (gpointer data)
{
  HangarCellWrite *write = data;

  g_free (write->record_id);
  g_clear_pointer (&write->value, json_node_unref);
  g_free (write);
}

/* ---- messages ---- */

void
_hangar_record_grid_show_message (HangarRecordGrid *self,
                                  const char       *message)
{
  AdwToastOverlay *overlay = ADW_TOAST_OVERLAY (gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY));

  g_free (self->edit_message);
  self->edit_message = g_strdup (message);
  gtk_label_set_text (self->edit_label, message != NULL ? message : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->edit_label), message);
  if (overlay != NULL && message != NULL)
    {
      /* A toast's title is Pango markup in libadwaita 1.2, and messages
       * quote field names and Airtable's words. */
      g_autofree char *escaped = g_markup_escape_text (message, -1);
      AdwToast *toast = adw_toast_new (escaped);

      adw_toast_set_timeout (toast, 4);
      adw_toast_overlay_add_toast (overlay, toast);
    }
}

/* ---- what is shown ---- */

HangarRecord *
_hangar_record_grid_server_record (HangarRecordGrid *self,
                                   const char       *record_id)
{
  HangarRecord *record = g_hash_table_lookup (self->fresh, record_id);

  if (record == NULL && self->records != NULL)
    record = hangar_record_list_lookup (self->records, record_id);
  return record;
}

static gboolean
is_our_table (HangarRecordGrid    *self,
              HangarJournalChange *change)
{
  return self->table != NULL && self->base_id != NULL &&
         g_strcmp0 (hangar_journal_change_get_base_id (change), self->base_id) == 0 &&
         (g_strcmp0 (hangar_journal_change_get_table_id (change), hangar_table_get_id (self->table)) == 0 ||
          g_strcmp0 (hangar_journal_change_get_table_id (change), hangar_table_get_name (self->table)) == 0);
}

static HangarRecord *
local_record (HangarRecordGrid *self,
              const char       *local_id)
{
  g_autoptr(GPtrArray) locals = NULL;

  if (self->journal == NULL || self->table == NULL)
    return NULL;
  locals = hangar_journal_dup_local_records (self->journal, self->base_id, hangar_table_get_id (self->table));
  for (guint i = 0; i < locals->len; i++)
    if (g_str_equal (hangar_record_get_id (g_ptr_array_index (locals, i)), local_id))
      return g_object_ref (g_ptr_array_index (locals, i));
  return NULL;
}

/* Shows @record_id as Airtable has it with the journal's unsent changes
 * over it (or hides it, or adds or drops a new row). */
static void
refresh_record (HangarRecordGrid *self,
                const char       *record_id)
{
  if (self->journal == NULL || self->table == NULL)
    return;

  if (hangar_journal_is_local_id (record_id))
    {
      g_autoptr(HangarRecord) record = local_record (self, record_id);

      if (record == NULL)
        hangar_grid_model_remove_local (self->model, record_id);
      else if (hangar_grid_model_find (self->model, record_id) == G_MAXUINT)
        hangar_grid_model_add_local (self->model, record, g_hash_table_lookup (self->place_after, record_id));
      else
        hangar_grid_model_replace_record (self->model, record);
    }
  else
    {
      HangarRecord *server = _hangar_record_grid_server_record (self, record_id);
      g_autoptr(HangarRecord) shown = NULL;
      gboolean deleted = FALSE;

      if (server == NULL)
        return;
      shown = hangar_journal_overlay_record (self->journal, server, &deleted);
      if (deleted)
        {
          if (hangar_grid_model_find (self->model, record_id) != G_MAXUINT && g_hash_table_lookup (self->deleted_after, record_id) == NULL)
            {
              guint row = hangar_grid_model_find (self->model, record_id);
              HangarRecord *above = row > 0 ? hangar_grid_model_peek (self->model, row - 1) : NULL;

              g_hash_table_insert (self->deleted_after, g_strdup (record_id),
                                   g_strdup (above != NULL ? hangar_record_get_id (above) : ""));
            }
          hangar_grid_model_set_hidden (self->model, record_id, TRUE);
          return;
        }
      if (hangar_grid_model_is_hidden (self->model, record_id))
        hangar_grid_model_set_hidden (self->model, record_id, FALSE);
      hangar_grid_model_replace_record (self->model, shown != NULL ? shown : server);
    }
  if (self->cells != NULL)
    hangar_grid_cells_redecorate_record (self->cells, record_id);
}

static HangarRecord *
overlay_cb (HangarRecord *record,
            gboolean     *out_hidden,
            gpointer      user_data)
{
  HangarRecordGrid *self = user_data;

  if (self->journal == NULL)
    return NULL;
  /* A refresh: a value changed on Airtable under an edit not sent yet is
   * a conflict for the user to settle. */
  hangar_journal_observe_record (self->journal, self->base_id,
                                 self->table != NULL ? hangar_table_get_id (self->table) : "", record);
  return hangar_journal_overlay_record (self->journal, record, out_hidden);
}

/* New rows the journal has for this table (after a restart, or a reload). */
static void
add_local_rows (HangarRecordGrid *self)
{
  g_autoptr(GPtrArray) locals = NULL;

  if (self->journal == NULL || self->table == NULL)
    return;
  locals = hangar_journal_dup_local_records (self->journal, self->base_id, hangar_table_get_id (self->table));
  for (guint i = 0; i < locals->len; i++)
    hangar_grid_model_add_local (self->model, g_ptr_array_index (locals, i), NULL);
}

/* ---- the journal's signals ---- */

static void
journal_record_changed_cb (HangarJournal    *journal,
                           const char       *record_id,
                           HangarRecordGrid *self)
{
  refresh_record (self, record_id);
}

static void
journal_record_written_cb (HangarJournal       *journal,
                           HangarJournalChange *change,
                           HangarRecord        *record,
                           HangarRecordGrid    *self)
{
  const char *local_id = hangar_journal_change_get_local_id (change);

  if (!is_our_table (self, change))
    return;

  if (record == NULL)
    {
      g_hash_table_remove (self->fresh, hangar_journal_change_get_record_id (change));
      return;
    }
  if (hangar_journal_change_get_kind (change) == HANGAR_CHANGE_UPLOAD)
    {
      /* An upload's answer holds the attachment field alone, keyed by the
       * field's id: put it into the record as last known. */
      HangarRecord *known = _hangar_record_grid_server_record (self, hangar_record_get_id (record));
      const char *name = json_object_get_string_member_with_default (hangar_journal_change_get_fields (change),
                                                                     "field", "");
      JsonObject *answer = hangar_record_get_fields (record);
      HangarField *field = _hangar_record_grid_lookup_field (self, name);
      JsonNode *value = json_object_get_member (answer, name);
      g_autoptr(JsonObject) merged = NULL;

      if (value == NULL && field != NULL)
        value = json_object_get_member (answer, hangar_field_get_id (field));
      if (known == NULL || value == NULL)
        return;
      merged = _hangar_json_object_deep_copy (hangar_record_get_fields (known));
      json_object_set_member (merged, name, json_node_copy (value));
      g_hash_table_replace (self->fresh, g_strdup (hangar_record_get_id (record)),
                            hangar_record_new (hangar_record_get_id (known), hangar_record_get_created_time (known),
                                               merged));
      refresh_record (self, hangar_record_get_id (record));
      return;
    }

  /* The answer is the truth now (with what is still unsent over it). */
  g_hash_table_replace (self->fresh, g_strdup (hangar_record_get_id (record)), g_object_ref (record));

  if (hangar_journal_change_get_kind (change) == HANGAR_CHANGE_CREATE && local_id != NULL &&
      hangar_grid_model_find (self->model, local_id) != G_MAXUINT)
    {
      g_autoptr(HangarRecord) shown = hangar_journal_overlay_record (journal, record, NULL);
      guint row = hangar_grid_model_find (self->model, local_id);

      hangar_grid_model_rename (self->model, local_id, shown != NULL ? shown : record);
      if (self->cells != NULL)
        hangar_grid_cells_refresh (self->cells, local_id);
      if (self->editor_record_id != NULL && g_str_equal (self->editor_record_id, local_id))
        {
          g_free (self->editor_record_id);
          self->editor_record_id = g_strdup (hangar_record_get_id (record));
        }
      if (row == self->cursor_row)
        hangar_record_detail_set_record (self->detail, shown != NULL ? shown : record);
      return;
    }
  refresh_record (self, hangar_record_get_id (record));
}

static void
journal_write_refused_cb (HangarJournal       *journal,
                          HangarJournalChange *change,
                          const GError        *error,
                          HangarRecordGrid    *self)
{
  g_autofree char *explained = NULL;

  if (!is_our_table (self, change))
    return;
  if (self->account != NULL)
    explained = hangar_scopes_explain_forbidden (self->account, HANGAR_CAPABILITY_RECORDS_WRITE, NULL, error);
  g_free (self->refused_reason);
  self->refused_reason = explained != NULL ? g_steal_pointer (&explained)
                         : g_strdup_printf (_("Airtable refused to change this table: %s"), error->message);
  _hangar_record_grid_update_editable (self);
}

/* ---- editable or not ---- */

static void
set_action_enabled (HangarRecordGrid *self,
                    const char       *name,
                    gboolean          enabled)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), name, enabled);
}

void
_hangar_record_grid_update_editable (HangarRecordGrid *self)
{
  g_autofree char *reason = NULL;
  gboolean shown = self->table != NULL && self->client != NULL;
  gboolean banner = FALSE;
  const char *level = self->permission_level;

  if (!shown)
    reason = g_strdup (_("No table is shown"));
  else if (self->journal == NULL)
    reason = g_strdup (_("Editing needs a connected account"));
  else if (level != NULL && (g_str_equal (level, "none") || g_str_equal (level, "read") || g_str_equal (level, "comment")))
    {
      reason = g_strdup_printf (_("Read only: your permission on this base is “%s”; changing records needs "
                                  "“edit” or “create”"), level);
      banner = TRUE;
    }
  else if (self->account != NULL && !hangar_scopes_account_can (self->account, HANGAR_CAPABILITY_RECORDS_WRITE))
    {
      reason = g_strdup (_("Read only: this account's token lacks the data.records:write scope — reconnect "
                           "and grant it to edit records"));
      banner = TRUE;
    }
  else if (self->refused_reason != NULL)
    {
      reason = g_strdup_printf (_("Read only: %s"), self->refused_reason);
      banner = TRUE;
    }

  g_free (self->read_only_reason);
  self->read_only_reason = g_steal_pointer (&reason);
  gtk_label_set_text (self->readonly_label, self->read_only_reason != NULL ? self->read_only_reason : "");
  gtk_revealer_set_reveal_child (self->readonly_revealer, banner);

  set_action_enabled (self, "grid.new-record", self->read_only_reason == NULL);
  set_action_enabled (self, "grid.paste", self->read_only_reason == NULL);
  set_action_enabled (self, "grid.clear-cells", self->read_only_reason == NULL);
  set_action_enabled (self, "grid.fill-down", self->read_only_reason == NULL);
  set_action_enabled (self, "grid.delete-records", self->read_only_reason == NULL);
  set_action_enabled (self, "grid.duplicate-records", self->read_only_reason == NULL);
  set_action_enabled (self, "grid.undo", self->read_only_reason == NULL && self->undo_stack->len > 0);
  set_action_enabled (self, "grid.redo", self->read_only_reason == NULL && self->redo_stack->len > 0);
  hangar_compat_set_tooltip_text (self->add_button, self->read_only_reason != NULL ? self->read_only_reason
                                                                                  : _("New record (Ctrl+Shift+N)"));
  hangar_grid_model_set_add_row (self->model, self->read_only_reason == NULL);
  hangar_record_detail_set_read_only_reason (self->detail, self->read_only_reason);
}

char *
_hangar_record_grid_why_not_editable (HangarRecordGrid *self,
                                      HangarField      *field)
{
  if (self->read_only_reason != NULL)
    return g_strdup (self->read_only_reason);
  return field != NULL ? hangar_cell_value_why_read_only (field) : NULL;
}

/* ---- writing ---- */

void
_hangar_record_grid_push_undo (HangarRecordGrid   *self,
                               HangarJournalGroup *group)
{
  g_ptr_array_add (self->undo_stack, g_object_ref (group));
  if (self->undo_stack->len > MAX_UNDO)
    g_ptr_array_remove_index (self->undo_stack, 0);
  g_ptr_array_set_size (self->redo_stack, 0);
  _hangar_record_grid_update_editable (self);
}

guint
_hangar_record_grid_add_updates (HangarRecordGrid   *self,
                                 HangarJournalGroup *group,
                                 GPtrArray          *writes)
{
  g_autoptr(GHashTable) by_record = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                           (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  guint n = 0;

  /* One update per record, in the order first met. */
  for (guint i = 0; i < writes->len; i++)
    {
      HangarCellWrite *write = g_ptr_array_index (writes, i);
      GPtrArray *list = g_hash_table_lookup (by_record, write->record_id);

      if (list == NULL)
        {
          list = g_ptr_array_new ();
          g_hash_table_insert (by_record, write->record_id, list);
          g_ptr_array_add (order, write->record_id);
        }
      g_ptr_array_add (list, write);
    }

  for (guint i = 0; i < order->len; i++)
    {
      const char *id = g_ptr_array_index (order, i);
      GPtrArray *list = g_hash_table_lookup (by_record, id);
      guint row = hangar_grid_model_find (self->model, id);
      HangarRecord *shown = row != G_MAXUINT ? hangar_grid_model_peek (self->model, row) : NULL;
      g_autoptr(JsonObject) fields = json_object_new ();
      g_autoptr(JsonObject) previous = json_object_new ();
      gboolean typecast = FALSE;

      for (guint j = 0; j < list->len; j++)
        {
          HangarCellWrite *write = g_ptr_array_index (list, j);
          const char *name = hangar_field_get_name (write->field);
          JsonNode *before = shown != NULL ? hangar_record_get_field (shown, name) : NULL;

          if (!write->typecast && hangar_journal_values_equal (before, write->value))
            continue;
          json_object_set_member (fields, name, json_node_copy (write->value));
          json_object_set_member (previous, name, before != NULL ? json_node_copy (before) : json_node_new (JSON_NODE_NULL));
          typecast |= write->typecast;
        }
      if (json_object_get_size (fields) == 0)
        continue;
      hangar_journal_group_add_update (group, self->base_id, hangar_table_get_id (self->table), id,
                                       fields, previous, typecast);
      n++;
    }
  return n;
}

HangarJournalGroup *
_hangar_record_grid_write_cells (HangarRecordGrid *self,
                                 const char       *label,
                                 GPtrArray        *writes)
{
  g_autoptr(HangarJournalGroup) group = NULL;

  if (self->journal == NULL || self->table == NULL || writes->len == 0)
    return NULL;
  group = hangar_journal_group_new (label);
  if (_hangar_record_grid_add_updates (self, group, writes) == 0)
    return NULL;
  hangar_journal_submit (self->journal, group);
  _hangar_record_grid_push_undo (self, group);
  return group;
}

HangarJournalGroup *
_hangar_record_grid_create_records (HangarRecordGrid *self,
                                    const char       *label,
                                    GPtrArray        *fields,
                                    GPtrArray        *after)
{
  g_autoptr(HangarJournalGroup) group = NULL;

  if (self->journal == NULL || self->table == NULL || fields->len == 0)
    return NULL;
  group = hangar_journal_group_new (label);
  for (guint i = 0; i < fields->len; i++)
    {
      HangarJournalChange *change = hangar_journal_group_add_create (group, self->base_id,
                                                                     hangar_table_get_id (self->table),
                                                                     g_ptr_array_index (fields, i), FALSE);
      const char *under = after != NULL && i < after->len ? g_ptr_array_index (after, i) : NULL;

      if (under != NULL)
        g_hash_table_insert (self->place_after, g_strdup (hangar_journal_change_get_record_id (change)),
                             g_strdup (under));
    }
  hangar_journal_submit (self->journal, group);
  _hangar_record_grid_push_undo (self, group);
  return group;
}

/* The fields of @record that a copy of it can be written with. */
static JsonObject *
writable_fields (HangarRecordGrid *self,
                 HangarRecord     *record)
{
  JsonObject *out = json_object_new ();

  for (guint i = 0; self->fields != NULL && i < self->fields->len; i++)
    {
      HangarField *field = g_ptr_array_index (self->fields, i);
      JsonNode *value = hangar_record_get_field (record, hangar_field_get_name (field));
      g_autoptr(JsonNode) write = NULL;

      if (value == NULL || JSON_NODE_HOLDS_NULL (value))
        continue;
      write = hangar_cell_value_for_write (field, value);
      if (write != NULL && !JSON_NODE_HOLDS_NULL (write))
        json_object_set_member (out, hangar_field_get_name (field), g_steal_pointer (&write));
    }
  return out;
}

/* ---- the editor ---- */

static void
move_after_commit (HangarRecordGrid     *self,
                   HangarCellEditorMove  move)
{
  g_autoptr(GPtrArray) fields = _hangar_record_grid_visible_fields (self);
  guint row = self->cursor_row;
  int column = -1;

  for (guint i = 0; i < fields->len; i++)
    if (g_ptr_array_index (fields, i) == self->cursor_field)
      column = (int) i;
  switch (move)
    {
    case HANGAR_CELL_EDITOR_DOWN:
      if (row + 1 < hangar_grid_model_get_n_records (self->model))
        row++;
      break;
    case HANGAR_CELL_EDITOR_UP:
      if (row > 0)
        row--;
      break;
    case HANGAR_CELL_EDITOR_RIGHT:
      column = MIN (column + 1, (int) fields->len - 1);
      break;
    case HANGAR_CELL_EDITOR_LEFT:
      column = MAX (column - 1, 0);
      break;
    case HANGAR_CELL_EDITOR_STAY:
    default:
      break;
    }
  if (column >= 0 && column < (int) fields->len)
    _hangar_record_grid_set_cursor (self, row, g_ptr_array_index (fields, column), FALSE);
}

static void
editor_committed_cb (HangarCellEditor     *editor,
                     JsonNode             *value,
                     gboolean              typecast,
                     guint                 move,
                     HangarRecordGrid     *self)
{
  g_autoptr(GPtrArray) writes = g_ptr_array_new_with_free_func (_hangar_cell_write_free);
  HangarCellWrite *write = g_new0 (HangarCellWrite, 1);
  g_autofree char *label = g_strdup_printf (_("Edit %s"), hangar_field_get_name (self->editor_field));

  write->record_id = g_strdup (self->editor_record_id);
  write->field = self->editor_field;
  write->value = json_node_copy (value);
  write->typecast = typecast;
  g_ptr_array_add (writes, write);
  _hangar_record_grid_write_cells (self, label, writes);
  _hangar_record_grid_close_editor (self, FALSE);
  move_after_commit (self, move);
}

static void
editor_cancelled_cb (HangarCellEditor *editor,
                     HangarRecordGrid *self)
{
  _hangar_record_grid_close_editor (self, FALSE);
}

static void
editor_files_chosen_cb (HangarCellEditor *editor,
                        GListModel       *files,
                        HangarRecordGrid *self)
{
  guint n = g_list_model_get_n_items (files);
  g_autofree char *label = g_strdup_printf (g_dngettext (NULL, "Add %u file to %s", "Add %u files to %s", n),
                                            n, hangar_field_get_name (self->editor_field));
  g_autoptr(HangarJournalGroup) group = hangar_journal_group_new (label);
  HangarRecord *record = hangar_grid_model_peek (self->model, hangar_grid_model_find (self->model, self->editor_record_id));
  JsonNode *before = record != NULL ? hangar_record_get_field (record, hangar_field_get_name (self->editor_field)) : NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GFile) file = g_list_model_get_item (files, i);
      g_autofree char *path = g_file_get_path (file);
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *guess = g_content_type_guess (name, NULL, 0, NULL);
      g_autofree char *mime = g_content_type_get_mime_type (guess);

      if (path == NULL)
        continue;
      hangar_journal_group_add_upload (group, self->base_id, hangar_table_get_id (self->table),
                                       self->editor_record_id, hangar_field_get_name (self->editor_field),
                                       path, name, mime, before);
    }
  if (hangar_journal_group_get_n_changes (group) > 0)
    {
      hangar_journal_submit (self->journal, group);
      _hangar_record_grid_push_undo (self, group);
    }
  _hangar_record_grid_close_editor (self, FALSE);
}

static void
popover_closed_cb (GtkPopover       *popover,
                   HangarRecordGrid *self)
{
  /* A click elsewhere: what was typed is kept, if it is valid. */
  if (self->editor != NULL && !hangar_cell_editor_get_changed (self->editor))
    {
      _hangar_record_grid_close_editor (self, FALSE);
      return;
    }
  if (self->editor != NULL && !hangar_cell_editor_commit (self->editor, HANGAR_CELL_EDITOR_STAY))
    {
      g_autofree char *message = g_strdup_printf (_("Not saved: %s"), hangar_cell_editor_get_error (self->editor));

      _hangar_record_grid_show_message (self, message);
      _hangar_record_grid_close_editor (self, FALSE);
    }
}

static gboolean
focus_grid_idle_cb (gpointer user_data)
{
  g_autoptr(HangarRecordGrid) self = user_data;

  if (self->editor_popover == NULL && gtk_widget_get_mapped (GTK_WIDGET (self->column_view)))
    gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
  return G_SOURCE_REMOVE;
}

static void
stop_releasing (HangarRecordGrid *self)
{
  hangar_frame_hook_clear (&self->editor_release);
  g_clear_object (&self->closed_editor);
}

static void
release_editor_cb (GdkFrameClock    *clock,
                   HangarRecordGrid *self)
{
  /* (an edit opened since has put its own editor in) */
  if (self->spare_popover != NULL && self->closed_editor != NULL &&
      gtk_popover_get_child (GTK_POPOVER (self->spare_popover)) == self->closed_editor)
    gtk_popover_set_child (GTK_POPOVER (self->spare_popover), NULL);
  stop_releasing (self);
}

/* The closed editor leaves the spare popover once the frame that shows its
 * cell again is painted: unrealizing its widgets and dropping their
 * accessible objects costs about a millisecond that a commit's Enter need
 * not wait for (tests/gui/bench-edit.c). */
static void
release_editor_later (HangarRecordGrid *self,
                      GtkWidget        *popover)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  stop_releasing (self);
  if (clock == NULL)
    {
      gtk_popover_set_child (GTK_POPOVER (popover), NULL);
      return;
    }
  self->closed_editor = g_object_ref (gtk_popover_get_child (GTK_POPOVER (popover)));
  hangar_frame_hook_connect (&self->editor_release, clock, "after-paint", FALSE, G_CALLBACK (release_editor_cb), self);
  gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_AFTER_PAINT);
}

void
_hangar_record_grid_close_editor (HangarRecordGrid *self,
                                  gboolean          commit)
{
  GtkWidget *popover = self->editor_popover;

  if (popover == NULL)
    return;
  if (commit && self->editor != NULL)
    {
      hangar_cell_editor_commit (self->editor, HANGAR_CELL_EDITOR_STAY);
      if (self->editor_popover == NULL)
        return;   /* the commit closed it */
    }
  self->editor_popover = NULL;
  stop_following (self);
  g_signal_handlers_disconnect_by_data (popover, self);
  if (self->editor != NULL)
    g_signal_handlers_disconnect_by_data (self->editor, self);
  self->editor = NULL;
  g_clear_pointer (&self->editor_record_id, g_free);
  self->editor_field = NULL;
  gtk_popover_popdown (GTK_POPOVER (popover));
  /* The popover stays for the next edit: its surface and renderer are
   * made once rather than for every edit. The editor goes. */
  if (self->spare_popover == NULL)
    {
      self->spare_popover = popover;
      if (gtk_popover_get_child (GTK_POPOVER (popover)) != NULL)
        release_editor_later (self, popover);
    }
  else
    gtk_widget_unparent (popover);
  /* Back to the cell now, so that keys typed next are the grid's, and again
   * once the popover has let the keyboard go. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self->column_view)))
    gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
  g_idle_add_full (G_PRIORITY_DEFAULT, focus_grid_idle_cb, g_object_ref (self), NULL);
}

/* Puts the editor over the cursor's cell. */
static void
place_editor (HangarRecordGrid *self)
{
  GdkRectangle rect = { 0, 0, 1, 1 };

  if (_hangar_record_grid_cursor_bounds (self, &rect))
    {
      gtk_popover_set_offset (GTK_POPOVER (self->editor_popover), 0, -rect.height);
      gtk_widget_set_size_request (GTK_WIDGET (self->editor), MAX (rect.width, 160), -1);
    }
  else
    gtk_popover_set_offset (GTK_POPOVER (self->editor_popover), 0, 0);   /* a reused popover keeps its last */
  gtk_popover_set_pointing_to (GTK_POPOVER (self->editor_popover), &rect);
  self->editor_rect = rect;
}

/* After each layout while the editor is open: the cell may have moved (it
 * was scrolled into view just as the editor opened, before the cells were
 * laid out again; rows came above it), and the editor goes with it. The
 * grid itself presents its popovers only when it is allocated, which a
 * scroll does not do (hangar-record-grid-narrow.c). */
static void
editor_layout_cb (GdkFrameClock    *clock,
                  HangarRecordGrid *self)
{
  GdkRectangle rect;

  if (self->editor_popover == NULL || !_hangar_record_grid_cursor_bounds (self, &rect) ||
      gdk_rectangle_equal (&rect, &self->editor_rect))
    return;
  place_editor (self);
  if (gtk_widget_get_visible (self->editor_popover))
    gtk_popover_present (GTK_POPOVER (self->editor_popover));
}

static void
stop_following (HangarRecordGrid *self)
{
  hangar_frame_hook_clear (&self->editor_follow);
}

static void
start_following (HangarRecordGrid *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  stop_following (self);
  if (clock == NULL)
    return;
  hangar_frame_hook_connect (&self->editor_follow, clock, "layout", TRUE, G_CALLBACK (editor_layout_cb), self);
}

static void
open_editor (HangarRecordGrid *self,
             HangarRecord     *record,
             HangarField      *field,
             const char       *initial_text)
{
  GtkWidget *popover = g_steal_pointer (&self->spare_popover);
  GtkWidget *editor;

  editor = hangar_cell_editor_new (field, hangar_record_get_field (record, hangar_field_get_name (field)),
                                   self->links, hangar_client_get_api_url (self->client));
  if (popover == NULL)
    {
      popover = gtk_popover_new ();
      gtk_widget_add_css_class (popover, "cell-editor-popover");
      gtk_popover_set_has_arrow (GTK_POPOVER (popover), FALSE);
      gtk_popover_set_position (GTK_POPOVER (popover), GTK_POS_BOTTOM);
      gtk_widget_set_halign (popover, GTK_ALIGN_START);
      gtk_widget_set_parent (popover, GTK_WIDGET (self));
    }
  gtk_popover_set_child (GTK_POPOVER (popover), editor);

  self->editor_popover = popover;
  self->editor = HANGAR_CELL_EDITOR (editor);
  /* Over the cell: the editor's top edge on the cell's. */
  place_editor (self);
  start_following (self);
  self->editor_record_id = g_strdup (hangar_record_get_id (record));
  self->editor_field = field;
  g_signal_connect (editor, "committed", G_CALLBACK (editor_committed_cb), self);
  g_signal_connect (editor, "cancelled", G_CALLBACK (editor_cancelled_cb), self);
  g_signal_connect (editor, "files-chosen", G_CALLBACK (editor_files_chosen_cb), self);
  g_signal_connect (popover, "closed", G_CALLBACK (popover_closed_cb), self);

  gtk_popover_popup (GTK_POPOVER (popover));
  if (hangar_cell_editor_get_focus_widget (self->editor) != NULL)
    gtk_widget_grab_focus (hangar_cell_editor_get_focus_widget (self->editor));
  if (initial_text != NULL)
    hangar_cell_editor_start_with_text (self->editor, initial_text);
}

void
_hangar_record_grid_edit_cell (HangarRecordGrid *self,
                               const char       *initial_text)
{
  HangarRecord *record;
  g_autofree char *why = NULL;

  if (self->cursor_row == G_MAXUINT || self->cursor_field == NULL)
    return;
  record = hangar_grid_model_peek (self->model, self->cursor_row);
  if (record == NULL)
    return;
  if (hangar_grid_model_is_add_row (record))
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "grid.new-record", NULL);
      return;
    }
  why = _hangar_record_grid_why_not_editable (self, self->cursor_field);
  if (why != NULL)
    {
      _hangar_record_grid_show_message (self, why);
      return;
    }
  if (hangar_cell_edit_kind (self->cursor_field) == HANGAR_CELL_EDIT_CHECKBOX)
    {
      /* Nothing to type: Enter and a character toggle it. */
      _hangar_record_grid_toggle_cell (self);
      return;
    }
  _hangar_record_grid_close_editor (self, TRUE);
  _hangar_record_grid_scroll_to_cursor (self);
  open_editor (self, record, self->cursor_field, initial_text);
}

void
_hangar_record_grid_toggle_cell (HangarRecordGrid *self)
{
  HangarRecord *record = self->cursor_row != G_MAXUINT ? hangar_grid_model_peek (self->model, self->cursor_row) : NULL;
  g_autoptr(GPtrArray) writes = g_ptr_array_new_with_free_func (_hangar_cell_write_free);
  g_autofree char *why = NULL;
  g_autofree char *label = NULL;
  HangarCellWrite *write;
  JsonNode *value;
  gboolean checked;

  if (record == NULL || hangar_grid_model_is_add_row (record) || self->cursor_field == NULL)
    return;
  why = _hangar_record_grid_why_not_editable (self, self->cursor_field);
  if (why != NULL)
    {
      _hangar_record_grid_show_message (self, why);
      return;
    }
  value = hangar_record_get_field (record, hangar_field_get_name (self->cursor_field));
  checked = value != NULL && JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_BOOLEAN &&
            json_node_get_boolean (value);
  write = g_new0 (HangarCellWrite, 1);
  write->record_id = g_strdup (hangar_record_get_id (record));
  write->field = self->cursor_field;
  write->value = checked ? json_node_new (JSON_NODE_NULL) : json_node_init_boolean (json_node_alloc (), TRUE);
  g_ptr_array_add (writes, write);
  label = g_strdup_printf (checked ? _("Uncheck %s") : _("Check %s"), hangar_field_get_name (self->cursor_field));
  _hangar_record_grid_write_cells (self, label, writes);
}

/* ---- actions ---- */

static void
new_record_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  HangarRecordGrid *self = HANGAR_RECORD_GRID (widget);
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  JsonObject *fields = json_object_new ();
  HangarJournalGroup *group;
  HangarField *primary;
  const char *local_id;
  guint row;

  if (self->read_only_reason != NULL)
    {
      _hangar_record_grid_show_message (self, self->read_only_reason);
      return;
    }
  for (guint i = 0; self->fields != NULL && i < self->fields->len; i++)
    {
      HangarField *field = g_ptr_array_index (self->fields, i);
      g_autoptr(JsonNode) value = hangar_cell_value_default (field);

      if (value != NULL)
        json_object_set_member (fields, hangar_field_get_name (field), g_steal_pointer (&value));
    }
  g_ptr_array_add (all, fields);
  group = _hangar_record_grid_create_records (self, _("New record"), all, NULL);
  if (group == NULL)
    return;

  /* Edited in place: the cursor on its first cell. */
  local_id = hangar_journal_change_get_record_id (g_ptr_array_index (hangar_journal_group_get_changes (group), 0));
  row = hangar_grid_model_find (self->model, local_id);
  primary = hangar_table_get_primary_field (self->table);
  if (row != G_MAXUINT)
    {
      _hangar_record_grid_set_cursor (self, row, primary, FALSE);
      if (primary != NULL && hangar_cell_edit_kind (primary) != HANGAR_CELL_EDIT_NONE &&
          hangar_cell_edit_kind (primary) != HANGAR_CELL_EDIT_CHECKBOX)
        _hangar_record_grid_edit_cell (self, NULL);
    }
}

typedef struct
{
  HangarRecordGrid *self;
  GPtrArray        *records;
} DeleteData;

static void
delete_confirmed_cb (gboolean confirmed,
                     gpointer user_data)
{
  DeleteData *data = user_data;
  HangarRecordGrid *self = data->self;

  if (confirmed && self->journal != NULL && self->table != NULL)
    {
      guint n = data->records->len;
      g_autofree char *label = g_strdup_printf (g_dngettext (NULL, "Delete %u record", "Delete %u records", n), n);
      g_autoptr(HangarJournalGroup) group = hangar_journal_group_new (label);

      for (guint i = 0; i < n; i++)
        {
          HangarRecord *record = g_ptr_array_index (data->records, i);
          g_autoptr(JsonObject) fields = writable_fields (self, record);
          guint row = hangar_grid_model_find (self->model, hangar_record_get_id (record));
          HangarRecord *above = row != G_MAXUINT && row > 0 ? hangar_grid_model_peek (self->model, row - 1) : NULL;

          g_hash_table_replace (self->deleted_after, g_strdup (hangar_record_get_id (record)),
                                g_strdup (above != NULL ? hangar_record_get_id (above) : ""));
          hangar_journal_group_add_delete (group, self->base_id, hangar_table_get_id (self->table),
                                           hangar_record_get_id (record), fields);
        }
      hangar_journal_submit (self->journal, group);
      _hangar_record_grid_push_undo (self, group);
      {
        g_autofree char *message = g_strdup_printf (g_dngettext (NULL, "%u record deleted — Ctrl+Z creates it again (with a new id)",
                                                                 "%u records deleted — Ctrl+Z creates them again (with new ids)", n), n);

        _hangar_record_grid_show_message (self, message);
      }
    }
  g_ptr_array_unref (data->records);
  g_object_unref (data->self);
  g_free (data);
}

static void
delete_records_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  HangarRecordGrid *self = HANGAR_RECORD_GRID (widget);
  g_autoptr(GPtrArray) records = _hangar_record_grid_target_records (self);
  g_autofree char *heading = NULL;
  DeleteData *data;

  if (self->read_only_reason != NULL)
    {
      _hangar_record_grid_show_message (self, self->read_only_reason);
      return;
    }
  if (records->len == 0)
    return;
  heading = g_strdup_printf (g_dngettext (NULL, "Delete %u record?", "Delete %u records?", records->len),
                             records->len);
  data = g_new0 (DeleteData, 1);
  data->self = g_object_ref (self);
  data->records = g_steal_pointer (&records);
  hangar_compat_confirm (GTK_WINDOW (gtk_widget_get_root (widget)), heading,
                         _("They are deleted from Airtable. Undo creates them again with the same values, "
                           "under new ids."),
                         _("_Delete"), TRUE, delete_confirmed_cb, data);
}

static void
duplicate_records_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  HangarRecordGrid *self = HANGAR_RECORD_GRID (widget);
  g_autoptr(GPtrArray) records = _hangar_record_grid_target_records (self);
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GPtrArray) after = g_ptr_array_new ();
  g_autofree char *label = NULL;

  if (self->read_only_reason != NULL)
    {
      _hangar_record_grid_show_message (self, self->read_only_reason);
      return;
    }
  for (guint i = 0; i < records->len; i++)
    {
      HangarRecord *record = g_ptr_array_index (records, i);

      g_ptr_array_add (fields, writable_fields (self, record));
      g_ptr_array_add (after, (gpointer) hangar_record_get_id (record));
    }
  label = g_strdup_printf (g_dngettext (NULL, "Duplicate %u record", "Duplicate %u records", records->len),
                           records->len);
  _hangar_record_grid_create_records (self, label, fields, after);
}

static void
clear_cells_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  HangarRecordGrid *self = HANGAR_RECORD_GRID (widget);
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(GPtrArray) writes = g_ptr_array_new_with_free_func (_hangar_cell_write_free);
  guint skipped = 0;

  if (self->read_only_reason != NULL)
    {
      _hangar_record_grid_show_message (self, self->read_only_reason);
      return;
    }
  if (!_hangar_record_grid_get_target (self, &rows, &fields))
    return;
  for (guint i = 0; i < rows->len; i++)
    for (guint j = 0; j < fields->len; j++)
      {
        HangarField *field = g_ptr_array_index (fields, j);
        HangarRecord *record = hangar_grid_model_peek (self->model, g_array_index (rows, guint, i));
        HangarCellWrite *write;

        if (hangar_cell_edit_kind (field) == HANGAR_CELL_EDIT_NONE)
          {
            skipped++;
            continue;
          }
        write = g_new0 (HangarCellWrite, 1);
        write->record_id = g_strdup (hangar_record_get_id (record));
        write->field = field;
        write->value = json_node_new (JSON_NODE_NULL);
        g_ptr_array_add (writes, write);
      }
  if (writes->len > 0)
    {
      g_autofree char *label = g_strdup_printf (g_dngettext (NULL, "Clear %u cell", "Clear %u cells", writes->len),
                                                writes->len);

      _hangar_record_grid_write_cells (self, label, writes);
    }
  if (skipped > 0 && writes->len == 0)
    {
      g_autofree char *why = hangar_cell_value_why_read_only (self->cursor_field);

      _hangar_record_grid_show_message (self, why);
    }
}

static void
fill_down_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  HangarRecordGrid *self = HANGAR_RECORD_GRID (widget);
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(GPtrArray) writes = g_ptr_array_new_with_free_func (_hangar_cell_write_free);
  HangarRecord *top;

  if (self->read_only_reason != NULL)
    {
      _hangar_record_grid_show_message (self, self->read_only_reason);
      return;
    }
  if (!_hangar_record_grid_get_target (self, &rows, &fields) || rows->len < 2)
    {
      _hangar_record_grid_show_message (self, _("Select cells in two rows or more to fill the top one down"));
      return;
    }
  /* Selected rows (no range): only the cursor's column. */
  if (fields->len > 1 && self->anchor_row == self->cursor_row && self->anchor_field == self->cursor_field)
    {
      g_ptr_array_set_size (fields, 0);
      g_ptr_array_add (fields, self->cursor_field);
    }
  top = hangar_grid_model_peek (self->model, g_array_index (rows, guint, 0));
  for (guint j = 0; j < fields->len; j++)
    {
      HangarField *field = g_ptr_array_index (fields, j);
      g_autoptr(JsonNode) value = NULL;

      if (hangar_cell_edit_kind (field) == HANGAR_CELL_EDIT_NONE)
        continue;
      value = hangar_cell_value_for_write (field, hangar_record_get_field (top, hangar_field_get_name (field)));
      for (guint i = 1; i < rows->len; i++)
        {
          HangarRecord *record = hangar_grid_model_peek (self->model, g_array_index (rows, guint, i));
          HangarCellWrite *write = g_new0 (HangarCellWrite, 1);

          write->record_id = g_strdup (hangar_record_get_id (record));
          write->field = field;
          write->value = json_node_copy (value);
          g_ptr_array_add (writes, write);
        }
    }
  if (writes->len > 0)
    {
      g_autofree char *label = g_strdup_printf (g_dngettext (NULL, "Fill down %u cell", "Fill down %u cells",
                                                             writes->len), writes->len);

      _hangar_record_grid_write_cells (self, label, writes);
    }
}

/* "Edit Name" for "Undo Edit Name", in the language the label was made in:
 * the translation may put the label anywhere. */
static char *
undone_label (const char *label)
{
  const char *format = _("Undo %s");
  const char *hole = strstr (format, "%s");
  gsize before, after, length = strlen (label);

  if (hole == NULL)
    return NULL;
  before = hole - format;
  after = strlen (hole + 2);
  if (length <= before + after || strncmp (label, format, before) != 0 ||
      strcmp (label + length - after, hole + 2) != 0)
    return NULL;
  return g_strndup (label + before, length - before - after);
}

static void
undo_redo (HangarRecordGrid *self,
           gboolean          undo)
{
  GPtrArray *from = undo ? self->undo_stack : self->redo_stack;
  GPtrArray *to = undo ? self->redo_stack : self->undo_stack;
  g_autoptr(HangarJournalGroup) group = NULL;
  g_autoptr(HangarJournalGroup) inverse = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;
  g_autofree char *message = NULL;
  const char *original;
  gboolean new_ids = FALSE;

  if (self->journal == NULL || from->len == 0)
    {
      _hangar_record_grid_show_message (self, undo ? _("Nothing to undo") : _("Nothing to redo"));
      return;
    }
  group = g_object_ref (g_ptr_array_index (from, from->len - 1));
  g_ptr_array_remove_index (from, from->len - 1);
  original = hangar_journal_group_get_label (group);
  if ((label = undone_label (original)) == NULL)
    label = g_strdup_printf (undo ? _("Undo %s") : _("Redo %s"), original);
  inverse = hangar_journal_group_new_inverse (group, label, &error);
  if (inverse == NULL)
    {
      _hangar_record_grid_show_message (self, error->message);
      _hangar_record_grid_update_editable (self);
      return;
    }
  /* Records deleted before come back where they were (under new ids). */
  for (guint i = 0; i < hangar_journal_group_get_n_changes (inverse); i++)
    {
      HangarJournalChange *change = g_ptr_array_index (hangar_journal_group_get_changes (inverse), i);
      const char *restores = hangar_journal_change_get_restores_id (change);

      if (restores != NULL)
        {
          const char *above = g_hash_table_lookup (self->deleted_after, restores);

          new_ids = TRUE;
          if (above != NULL && *above != '\0')
            g_hash_table_insert (self->place_after, g_strdup (hangar_journal_change_get_record_id (change)),
                                 g_strdup (above));
        }
    }
  hangar_journal_submit (self->journal, inverse);
  g_ptr_array_add (to, g_object_ref (inverse));
  _hangar_record_grid_update_editable (self);
  message = new_ids ? g_strdup_printf (_("%s — records deleted before come back with new ids"), label)
                    : g_strdup (label);
  _hangar_record_grid_show_message (self, message);
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  undo_redo (HANGAR_RECORD_GRID (widget), g_str_equal (action_name, "grid.undo"));
}

static void
edit_cell_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  HangarRecordGrid *self = HANGAR_RECORD_GRID (widget);

  if (self->cursor_row == G_MAXUINT)
    _hangar_record_grid_set_cursor (self, 0, NULL, FALSE);
  _hangar_record_grid_edit_cell (self, NULL);
}

static void
expand_record_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  HangarRecordGrid *self = HANGAR_RECORD_GRID (widget);

  gtk_toggle_button_set_active (self->detail_button, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->detail));
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  _hangar_record_grid_copy (HANGAR_RECORD_GRID (widget), g_str_equal (action_name, "grid.cut"));
}

static void
paste_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  _hangar_record_grid_paste (HANGAR_RECORD_GRID (widget));
}

/* ---- the record panel ---- */

static void
detail_field_edited_cb (HangarRecordDetail *detail,
                        HangarField        *field,
                        JsonNode           *value,
                        gboolean            typecast,
                        HangarRecordGrid   *self)
{
  HangarRecord *record = hangar_record_detail_get_record (detail);
  g_autoptr(GPtrArray) writes = g_ptr_array_new_with_free_func (_hangar_cell_write_free);
  HangarCellWrite *write;
  g_autofree char *label = NULL;
  g_autofree char *why = _hangar_record_grid_why_not_editable (self, field);

  if (record == NULL)
    return;
  if (why != NULL)
    {
      _hangar_record_grid_show_message (self, why);
      return;
    }
  write = g_new0 (HangarCellWrite, 1);
  write->record_id = g_strdup (hangar_record_get_id (record));
  write->field = field;
  write->value = json_node_copy (value);
  write->typecast = typecast;
  g_ptr_array_add (writes, write);
  label = g_strdup_printf (_("Edit %s"), hangar_field_get_name (field));
  _hangar_record_grid_write_cells (self, label, writes);
}

static void
detail_files_chosen_cb (HangarRecordDetail *detail,
                        HangarField        *field,
                        GListModel         *files,
                        HangarRecordGrid   *self)
{
  HangarRecord *record = hangar_record_detail_get_record (detail);

  if (record == NULL || self->journal == NULL)
    return;
  g_free (self->editor_record_id);
  self->editor_record_id = g_strdup (hangar_record_get_id (record));
  self->editor_field = field;
  editor_files_chosen_cb (NULL, files, self);
}

static void
detail_action_cb (HangarRecordDetail *detail,
                  const char         *action,
                  HangarRecordGrid   *self)
{
  HangarRecord *record = hangar_record_detail_get_record (detail);
  guint row = record != NULL ? hangar_grid_model_find (self->model, hangar_record_get_id (record)) : G_MAXUINT;

  if (row == G_MAXUINT)
    return;
  /* The panel's record alone, not the rows selected in the grid. */
  _hangar_record_grid_set_cursor (self, row, self->cursor_field, FALSE);
  gtk_widget_activate_action (GTK_WIDGET (self), action, NULL);
}

/* ---- setup ---- */

void
_hangar_record_grid_class_init_edit (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "grid.new-record", NULL, new_record_action);
  gtk_widget_class_install_action (widget_class, "grid.delete-records", NULL, delete_records_action);
  gtk_widget_class_install_action (widget_class, "grid.duplicate-records", NULL, duplicate_records_action);
  gtk_widget_class_install_action (widget_class, "grid.clear-cells", NULL, clear_cells_action);
  gtk_widget_class_install_action (widget_class, "grid.fill-down", NULL, fill_down_action);
  gtk_widget_class_install_action (widget_class, "grid.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "grid.redo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "grid.edit-cell", NULL, edit_cell_action);
  gtk_widget_class_install_action (widget_class, "grid.expand-record", NULL, expand_record_action);
  gtk_widget_class_install_action (widget_class, "grid.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "grid.cut", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "grid.paste", NULL, paste_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_N, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "grid.new-record", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, GDK_CONTROL_MASK,
                                       "grid.delete-records", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_D, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "grid.duplicate-records", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK, "grid.fill-down", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "grid.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "grid.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_y, GDK_CONTROL_MASK, "grid.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "grid.copy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_x, GDK_CONTROL_MASK, "grid.cut", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK, "grid.paste", NULL);
}

void
_hangar_record_grid_init_edit (HangarRecordGrid *self)
{
  self->fresh = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->place_after = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->deleted_after = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->undo_stack = g_ptr_array_new_with_free_func (g_object_unref);
  self->redo_stack = g_ptr_array_new_with_free_func (g_object_unref);
  hangar_grid_model_set_overlay (self->model, overlay_cb, self);
  g_signal_connect (self->detail, "field-edited", G_CALLBACK (detail_field_edited_cb), self);
  g_signal_connect (self->detail, "files-chosen", G_CALLBACK (detail_files_chosen_cb), self);
  g_signal_connect (self->detail, "action", G_CALLBACK (detail_action_cb), self);
  _hangar_record_grid_update_editable (self);
}

static void
disconnect_journal (HangarRecordGrid *self)
{
  if (self->journal != NULL)
    g_signal_handlers_disconnect_by_data (self->journal, self);
  g_clear_object (&self->journal);
}

void
_hangar_record_grid_dispose_edit (HangarRecordGrid *self)
{
  stop_following (self);
  stop_releasing (self);
  if (self->editor_popover != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->editor_popover, self);
      if (self->editor != NULL)
        g_signal_handlers_disconnect_by_data (self->editor, self);
      gtk_widget_unparent (self->editor_popover);
      self->editor_popover = NULL;
      self->editor = NULL;
    }
  g_clear_pointer (&self->spare_popover, gtk_widget_unparent);
  disconnect_journal (self);
  g_clear_object (&self->account);
  g_clear_pointer (&self->fresh, g_hash_table_unref);
  g_clear_pointer (&self->place_after, g_hash_table_unref);
  g_clear_pointer (&self->deleted_after, g_hash_table_unref);
  g_clear_pointer (&self->undo_stack, g_ptr_array_unref);
  g_clear_pointer (&self->redo_stack, g_ptr_array_unref);
  g_clear_pointer (&self->read_only_reason, g_free);
  g_clear_pointer (&self->refused_reason, g_free);
  g_clear_pointer (&self->permission_level, g_free);
  g_clear_pointer (&self->editor_record_id, g_free);
  g_clear_pointer (&self->edit_message, g_free);
}

void
_hangar_record_grid_setup_editing (HangarRecordGrid *self,
                                   HangarAccount    *account)
{
  g_autoptr(HangarJournal) journal = NULL;
  g_autoptr(GError) error = NULL;

  g_set_object (&self->account, account);
  if (account != NULL)
    {
      journal = hangar_journal_get_for_account (hangar_account_get_id (account), hangar_account_get_client (account),
                                                &error);
      if (journal == NULL)
        {
          g_autofree char *message = g_strdup_printf (_("Editing is off: the journal of changes cannot be "
                                                        "opened (%s)"), error->message);

          g_warning ("%s", message);
          _hangar_record_grid_show_message (self, message);
        }
    }
  hangar_record_grid_set_journal (self, journal);
}

/* ---- public (the window, tests) ---- */

void
hangar_record_grid_set_journal (HangarRecordGrid *self,
                                HangarJournal    *journal)
{
  g_autoptr(GListModel) changes = NULL;

  g_return_if_fail (HANGAR_IS_RECORD_GRID (self));
  g_return_if_fail (journal == NULL || HANGAR_IS_JOURNAL (journal));

  if (self->journal != journal)
    {
      disconnect_journal (self);
      if (journal != NULL)
        {
          self->journal = g_object_ref (journal);
          g_signal_connect (journal, "record-changed", G_CALLBACK (journal_record_changed_cb), self);
          g_signal_connect (journal, "record-written", G_CALLBACK (journal_record_written_cb), self);
          g_signal_connect (journal, "write-refused", G_CALLBACK (journal_write_refused_cb), self);
        }
    }
  _hangar_record_grid_update_editable (self);
  if (self->journal == NULL)
    return;

  /* What the journal has for the rows already loaded. */
  add_local_rows (self);
  changes = g_object_ref (hangar_journal_get_changes (self->journal));
  for (guint i = 0; i < g_list_model_get_n_items (changes); i++)
    {
      g_autoptr(HangarJournalChange) change = g_list_model_get_item (changes, i);

      if (!hangar_journal_change_is_settled (change) && is_our_table (self, change))
        refresh_record (self, hangar_journal_change_get_record_id (change));
    }
}

HangarJournal *
hangar_record_grid_get_journal (HangarRecordGrid *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_GRID (self), NULL);

  return self->journal;
}

void
hangar_record_grid_set_permission_level (HangarRecordGrid *self,
                                         const char       *level)
{
  g_return_if_fail (HANGAR_IS_RECORD_GRID (self));

  g_free (self->permission_level);
  self->permission_level = g_strdup (level);
  _hangar_record_grid_update_editable (self);
}

const char *
hangar_record_grid_get_read_only_reason (HangarRecordGrid *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_GRID (self), NULL);

  return self->read_only_reason;
}

const char *
hangar_record_grid_get_edit_message (HangarRecordGrid *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_GRID (self), NULL);

  return self->edit_message;
}

HangarCellEditor *
hangar_record_grid_get_editor (HangarRecordGrid *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_GRID (self), NULL);

  return self->editor;
}

HangarGridModel *
hangar_record_grid_get_grid_model (HangarRecordGrid *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_GRID (self), NULL);

  return self->model;
}

/* A reload: the rows show the new listing; new rows and unsent changes are
 * put back on it. */
void
_hangar_record_grid_reapply_journal (HangarRecordGrid *self)
{
  g_hash_table_remove_all (self->fresh);
  add_local_rows (self);
}
