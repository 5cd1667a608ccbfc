/* hangar-journal-recover.c — opening a journal: what a process that died
 * left in it, and loading the changes not settled yet
 *
 * Split from hangar-journal.c to keep each file readable.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sys/file.h>
#include <unistd.h>

#include "hangar-journal-private.h"
#include "hangar-json.h"

/* An update of a new record goes out in its create's request (the sender
 * merges them), so a sending one was part of a create that may or may not
 * exist now. Its fields join the create's — which then says exactly what
 * was sent, for the lookup and for creating it again — and it is settled
 * as part of it. Runs inside _hangar_journal_recover()'s transaction. */
static gboolean
fold_sent_updates (HangarJournal  *self,
                   GError        **error)
{
  g_autoptr(HangarStoreStmt) select = NULL;
  g_autoptr(GArray) updates = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) creates = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  select = hangar_store_prepare (self->store,
                                 "SELECT u.id, c.id FROM journal_change u"
                                 " JOIN journal_change c ON c.record_id = u.record_id AND c.kind = ?1 AND c.state = ?2"
                                 " WHERE u.kind = ?3 AND u.state = ?2 AND u.record_id LIKE '" HANGAR_LOCAL_ID_PREFIX "%'"
                                 " ORDER BY u.id", error);
  if (select == NULL)
    return FALSE;
  sqlite3_bind_int (select, 1, HANGAR_CHANGE_CREATE);
  sqlite3_bind_int (select, 2, HANGAR_CHANGE_SENDING);
  sqlite3_bind_int (select, 3, HANGAR_CHANGE_UPDATE);
  while ((rc = sqlite3_step (select)) == SQLITE_ROW)
    {
      gint64 update_id = sqlite3_column_int64 (select, 0);
      gint64 create_id = sqlite3_column_int64 (select, 1);

      g_array_append_val (updates, update_id);
      g_array_append_val (creates, create_id);
    }
  if (rc != SQLITE_DONE)
    return hangar_store_set_error (error, hangar_store_get_db (self->store), rc, "Could not read the journal");
  g_clear_pointer (&select, hangar_store_stmt_release);

  for (guint i = 0; i < updates->len; i++)
    {
      gint64 update_id = g_array_index (updates, gint64, i);
      gint64 create_id = g_array_index (creates, gint64, i);
      g_autoptr(HangarStoreStmt) read = NULL;
      g_autoptr(HangarStoreStmt) write = NULL;
      g_autoptr(HangarStoreStmt) settle = NULL;
      g_autoptr(JsonObject) update = NULL;
      g_autoptr(JsonObject) create = NULL;
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      read = hangar_store_prepare (self->store, "SELECT (SELECT fields FROM journal_change WHERE id = ?1),"
                                                " (SELECT fields FROM journal_change WHERE id = ?2)", error);
      if (read == NULL)
        return FALSE;
      sqlite3_bind_int64 (read, 1, update_id);
      sqlite3_bind_int64 (read, 2, create_id);
      if (sqlite3_step (read) != SQLITE_ROW)
        continue;
      update = _hangar_journal_object_from_text ((const char *) sqlite3_column_text (read, 0));
      create = _hangar_journal_object_from_text ((const char *) sqlite3_column_text (read, 1));
      if (update == NULL || create == NULL)
        continue;
      json_object_iter_init_ordered (&iter, update);
      while (json_object_iter_next_ordered (&iter, &name, &value))
        json_object_set_member (create, name, json_node_copy (value));

      write = hangar_store_prepare (self->store, "UPDATE journal_change SET fields = ?1 WHERE id = ?2", error);
      if (write == NULL)
        return FALSE;
      {
        g_autofree char *text = _hangar_journal_object_to_text (create);

        sqlite3_bind_text (write, 1, text, -1, SQLITE_TRANSIENT);
      }
      sqlite3_bind_int64 (write, 2, create_id);
      if ((rc = sqlite3_step (write)) != SQLITE_DONE)
        return hangar_store_set_error (error, hangar_store_get_db (self->store), rc,
                                       "Could not fold an update into its new record");
      settle = hangar_store_prepare (self->store, "UPDATE journal_change SET state = ?1, done_at = ?2,"
                                                  " message = ?4 WHERE id = ?3", error);
      if (settle == NULL)
        return FALSE;
      sqlite3_bind_int (settle, 1, HANGAR_CHANGE_WRITTEN);
      sqlite3_bind_int64 (settle, 2, g_get_real_time ());
      sqlite3_bind_int64 (settle, 3, update_id);
      sqlite3_bind_text (settle, 4, _("Sent with the new record"), -1, SQLITE_TRANSIENT);
      if ((rc = sqlite3_step (settle)) != SQLITE_DONE)
        return hangar_store_set_error (error, hangar_store_get_db (self->store), rc,
                                       "Could not fold an update into its new record");
    }
  return TRUE;
}

gboolean
_hangar_journal_recover (HangarJournal  *self,
                         GError        **error)
{
  gint64 now = g_get_real_time ();
  g_autofree char *sql = NULL;
  char *stopped;

  if (!hangar_store_begin (self->store, error))
    return FALSE;
  if (!fold_sent_updates (self, error))
    {
      hangar_store_rollback (self->store);
      return FALSE;
    }

  /* A process that died while a request was out: an update, replace or
   * delete is sent again (it is idempotent); a create or an upload may or
   * may not exist now, so it is never sent blind. Written changes older
   * than a week are forgotten. The message is quoted for SQL, since a
   * translation may hold an apostrophe. */
  stopped = sqlite3_mprintf ("%q", _("Hangar stopped before Airtable answered: this may or may not have been saved"));
  sql = g_strdup_printf ("UPDATE journal_change SET state = %d WHERE state = %d AND kind IN (%d, %d, %d);"
                         "UPDATE journal_change SET state = %d, message = '%s' WHERE state = %d AND kind IN (%d, %d);"
                         "DELETE FROM journal_change WHERE state = %d AND conflict IS NULL AND done_at < %" G_GINT64_FORMAT ";"
                         "DELETE FROM journal_group WHERE id NOT IN (SELECT group_id FROM journal_change);",
                         HANGAR_CHANGE_PENDING, HANGAR_CHANGE_SENDING,
                         HANGAR_CHANGE_UPDATE, HANGAR_CHANGE_REPLACE, HANGAR_CHANGE_DELETE,
                         HANGAR_CHANGE_UNCERTAIN,
                         stopped,
                         HANGAR_CHANGE_SENDING, HANGAR_CHANGE_CREATE, HANGAR_CHANGE_UPLOAD,
                         HANGAR_CHANGE_WRITTEN, now - KEEP_WRITTEN_US);
  sqlite3_free (stopped);
  if (!hangar_store_exec (self->store, sql, error))
    {
      hangar_store_rollback (self->store);
      return FALSE;
    }
  return hangar_store_commit (self->store, error);
}

/* ---- loading and recovery ---- */

static HangarJournalChange *
find_open (HangarJournal *self,
           gint64         id)
{
  for (guint i = 0; i < self->open->len; i++)
    {
      HangarJournalChange *change = g_ptr_array_index (self->open, i);

      if (change->id == id)
        return change;
    }
  return NULL;
}

/* Reads every unsettled change from disk. Changes already in memory keep
 * their objects (and take the state on disk); new ones are added. The set
 * is what the user did and Airtable does not have yet, so it stays small
 * enough to read on the main thread. */
void
_hangar_journal_load_open (HangarJournal *self)
{
  static const char *sql =
    "SELECT c.id, c.kind, c.state, c.base_id, c.table_id, c.record_id, c.local_id, c.fields,"
    " c.previous, c.typecast, c.solo, c.conflict, c.message, c.attempts, c.lookup_done,"
    " c.created_at, c.sent_at, g.id, g.label, g.created_at"
    " FROM journal_change c JOIN journal_group g ON g.id = c.group_id"
    " WHERE c.state <> 2 OR c.conflict IS NOT NULL ORDER BY c.id";
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarStoreStmt) stmt = hangar_store_prepare (self->store, sql, &error);
  g_autoptr(GHashTable) groups = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  if (stmt == NULL)
    {
      g_warning ("Could not read the journal: %s", error->message);
      return;
    }

  g_object_freeze_notify (G_OBJECT (self));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      HangarJournalChange *existing = find_open (self, id);
      HangarJournalChange *change;
      gint64 group_id = sqlite3_column_int64 (stmt, 17);
      HangarJournalGroup *group;
      g_autoptr(JsonObject) fields = _hangar_journal_object_from_text ((const char *) sqlite3_column_text (stmt, 7));
      g_autoptr(JsonObject) previous = _hangar_journal_object_from_text ((const char *) sqlite3_column_text (stmt, 8));
      g_autoptr(JsonObject) conflict = _hangar_journal_object_from_text ((const char *) sqlite3_column_text (stmt, 11));

      if (existing != NULL)
        {
          _hangar_journal_count_add (self, existing, -1);
          existing->state = sqlite3_column_int (stmt, 2);
          _hangar_journal_change_set_conflict (existing, conflict);
          _hangar_journal_count_add (self, existing, 1);
          continue;
        }

      change = _hangar_journal_change_new (sqlite3_column_int (stmt, 1),
                                           (const char *) sqlite3_column_text (stmt, 3),
                                           (const char *) sqlite3_column_text (stmt, 4),
                                           (const char *) sqlite3_column_text (stmt, 5),
                                           fields, previous, sqlite3_column_int (stmt, 9));
      change->id = id;
      change->persisted = TRUE;
      change->state = sqlite3_column_int (stmt, 2);
      change->local_id = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
      change->solo = sqlite3_column_int (stmt, 10);
      change->conflict = conflict != NULL ? json_object_ref (conflict) : NULL;
      change->message = g_strdup ((const char *) sqlite3_column_text (stmt, 12));
      change->attempts = sqlite3_column_int (stmt, 13);
      change->lookup_done = sqlite3_column_int (stmt, 14);
      change->created_at = sqlite3_column_int64 (stmt, 15);
      change->sent_at = sqlite3_column_int64 (stmt, 16);

      group = g_hash_table_lookup (groups, &group_id);
      if (group == NULL)
        {
          group = hangar_journal_group_new ((const char *) sqlite3_column_text (stmt, 18));
          group->db_id = group_id;
          group->created_at = sqlite3_column_int64 (stmt, 19);
          group->submitted = TRUE;
          g_hash_table_insert (groups, g_memdup2 (&group_id, sizeof group_id), group);
        }
      /* The group keeps its changes; the changes point back without a
       * reference. Loaded groups are not undo steps: they only give the
       * changes their labels. */
      change->group = group;
      g_ptr_array_add (group->changes, g_object_ref (change));
      g_object_set_data_full (G_OBJECT (change), "hangar-journal-group", g_object_ref (group), g_object_unref);

      _hangar_journal_open_change (self, change);
      g_ptr_array_add (added, change);
    }
  if (rc != SQLITE_DONE)
    g_warning ("Could not read the journal: %s", sqlite3_errmsg (hangar_store_get_db (self->store)));

  if (added->len > 0)
    g_list_store_splice (self->model, g_list_model_get_n_items (G_LIST_MODEL (self->model)), 0,
                         added->pdata, added->len);
  g_object_thaw_notify (G_OBJECT (self));

  for (guint i = 0; i < added->len; i++)
    _hangar_journal_emit_record_changed (self, HANGAR_JOURNAL_CHANGE (g_ptr_array_index (added, i))->record_id);
}
