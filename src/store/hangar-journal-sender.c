/* hangar-journal-sender.c — sending journalled changes to Airtable
 *
 * The sender takes the oldest pending changes and builds a batch: one kind
 * of write, one table, up to 10 records, several updates of one record
 * merged into one (later values win), updates of a record created in the
 * same batch merged into the create. Changes of one record go out in the
 * order they were made: a record with a change in flight, or an earlier
 * change that cannot go now, waits. A change held back (failed, in
 * conflict) holds back later changes of the same cells only.
 *
 * Before a request goes out its changes are written as "sending" in one
 * transaction; the answer is written in another. What an answer does:
 *
 *   written                         → written (the record Airtable returned)
 *   429 (after the client's own waits), offline, 5xx, a broken answer to an
 *   update or delete                → pending again, the sender pauses with
 *                                     backoff (and an update that keeps
 *                                     failing like that fails after a while)
 *   401 / the grant revoked         → pending; paused until signed in again
 *   403                             → failed, and write-refused is emitted
 *   4xx in a batch of several       → each sent alone next, to find the one
 *                                     Airtable refuses
 *   4xx alone                       → failed, with Airtable's message
 *   no answer to a create or upload → uncertain (never re-sent blind)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hangar-error.h"
#include "hangar-journal-private.h"

#define BACKOFF_MAX_S 60
/* Changes looked at for one batch at most (bounds the work per batch when
 * many changes wait behind ones that cannot go). */
#define SCAN_LIMIT 5000

typedef struct
{
  char       *record_id;
  GPtrArray  *changes;   /* HangarJournalChange (ref), oldest first */
  JsonObject *fields;    /* what is sent: the changes' fields merged */
} Entry;

typedef struct
{
  HangarJournal    *journal;
  HangarChangeKind  kind;
  char             *base_id;
  char             *table_id;
  gboolean          typecast;
  GPtrArray        *entries;   /* Entry */
} Batch;

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_free (entry->record_id);
  g_ptr_array_unref (entry->changes);
  g_clear_pointer (&entry->fields, json_object_unref);
  g_free (entry);
}

static void
batch_free (Batch *batch)
{
  g_clear_object (&batch->journal);
  g_free (batch->base_id);
  g_free (batch->table_id);
  g_ptr_array_unref (batch->entries);
  g_free (batch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Batch, batch_free)

static void pump_later (HangarJournal *self);

static void
merge_fields (JsonObject *into,
              JsonObject *from)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init_ordered (&iter, from);
  while (json_object_iter_next_ordered (&iter, &name, &value))
    json_object_set_member (into, name, json_node_copy (value));
}

static Entry *
entry_new (HangarJournalChange *change)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->record_id = g_strdup (change->record_id);
  entry->changes = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (entry->changes, g_object_ref (change));
  entry->fields = json_object_new ();
  merge_fields (entry->fields, change->fields);
  return entry;
}

static Entry *
batch_lookup (Batch      *batch,
              const char *record_id)
{
  for (guint i = 0; i < batch->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (batch->entries, i);

      if (g_str_equal (entry->record_id, record_id))
        return entry;
    }
  return NULL;
}

static char *
cell_key (const char *record_id,
          const char *field)
{
  return g_strconcat (record_id, "\x1f", field, NULL);
}

static void
hold_cells (GHashTable          *held,
            GHashTable          *busy,
            HangarJournalChange *change)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  switch (change->kind)
    {
    case HANGAR_CHANGE_UPDATE:
      json_object_iter_init_ordered (&iter, change->fields);
      while (json_object_iter_next_ordered (&iter, &name, &value))
        g_hash_table_add (held, cell_key (change->record_id, name));
      break;
    case HANGAR_CHANGE_UPLOAD:
      g_hash_table_add (held, cell_key (change->record_id,
                                        json_object_get_string_member_with_default (change->fields, "field", "")));
      break;
    case HANGAR_CHANGE_CREATE:
    case HANGAR_CHANGE_REPLACE:
      g_hash_table_add (busy, change->record_id);
      break;
    case HANGAR_CHANGE_DELETE:
    default:
      break;
    }
}

static gboolean
touches_held (GHashTable          *held,
              HangarJournalChange *change)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;
  gboolean touches = FALSE;

  if (g_hash_table_size (held) == 0)
    return FALSE;
  if (change->kind == HANGAR_CHANGE_UPLOAD)
    {
      g_autofree char *key = cell_key (change->record_id,
                                       json_object_get_string_member_with_default (change->fields, "field", ""));
      return g_hash_table_contains (held, key);
    }
  if (change->kind != HANGAR_CHANGE_UPDATE && change->kind != HANGAR_CHANGE_REPLACE)
    return FALSE;
  json_object_iter_init_ordered (&iter, change->fields);
  while (!touches && json_object_iter_next_ordered (&iter, &name, &value))
    {
      g_autofree char *key = cell_key (change->record_id, name);

      touches = g_hash_table_contains (held, key);
    }
  return touches;
}

static void
rate_state_notify_cb (HangarRateState *state,
                      GParamSpec      *pspec,
                      HangarJournal   *self)
{
  _hangar_journal_kick (self);
}

static HangarRateState *
rate_state_for (HangarJournal *self,
                const char    *base_id)
{
  HangarRateState *state;

  if (self->client == NULL)
    return NULL;
  state = g_hash_table_lookup (self->rate_states, base_id);
  if (state == NULL)
    {
      state = hangar_client_get_rate_state (self->client, base_id);
      if (state == NULL)
        return NULL;
      g_hash_table_insert (self->rate_states, g_strdup (base_id), g_object_ref (state));
      g_signal_connect_object (state, "notify::paused", G_CALLBACK (rate_state_notify_cb), self, 0);
    }
  return state;
}

static gboolean
base_paused (HangarJournal *self,
             const char    *base_id)
{
  HangarRateState *state = rate_state_for (self, base_id);

  return state != NULL && hangar_rate_state_get_paused (state);
}

static Batch *
pick_batch (HangarJournal *self)
{
  g_autoptr(GHashTable) busy = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) held = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(Batch) batch = NULL;
  guint scanned = 0;

  for (guint i = 0; i < self->open->len && scanned < SCAN_LIMIT; i++, scanned++)
    {
      HangarJournalChange *change = g_ptr_array_index (self->open, i);
      const char *record = change->record_id;
      Entry *entry;

      /* Persisted in the order submitted: nothing after this is on disk. */
      if (!change->persisted)
        break;

      switch (change->state)
        {
        case HANGAR_CHANGE_SENDING:
          g_hash_table_add (busy, (gpointer) record);
          continue;
        case HANGAR_CHANGE_UNCERTAIN:
        case HANGAR_CHANGE_FAILED:
          hold_cells (held, busy, change);
          continue;
        case HANGAR_CHANGE_WRITTEN:
          /* (in conflict after the fact: nothing to send) */
          continue;
        case HANGAR_CHANGE_PENDING:
        default:
          break;
        }
      if (change->conflict != NULL)
        {
          hold_cells (held, busy, change);
          continue;
        }
      if (g_hash_table_contains (busy, record))
        continue;
      if (touches_held (held, change))
        {
          g_hash_table_add (busy, (gpointer) record);
          continue;
        }

      if (hangar_journal_is_local_id (record) && change->kind != HANGAR_CHANGE_CREATE)
        {
          /* Its create is not written yet: merge into it when it is in
           * this batch, else wait. */
          entry = batch != NULL && batch->kind == HANGAR_CHANGE_CREATE ? batch_lookup (batch, record) : NULL;
          if (entry != NULL && change->kind == HANGAR_CHANGE_UPDATE)
            {
              merge_fields (entry->fields, change->fields);
              g_ptr_array_add (entry->changes, g_object_ref (change));
            }
          else
            g_hash_table_add (busy, (gpointer) record);
          continue;
        }

      if (base_paused (self, change->base_id))
        {
          g_hash_table_add (busy, (gpointer) record);
          continue;
        }

      if (batch == NULL)
        {
          batch = g_new0 (Batch, 1);
          batch->journal = g_object_ref (self);
          batch->kind = change->kind;
          batch->base_id = g_strdup (change->base_id);
          batch->table_id = g_strdup (change->table_id);
          batch->typecast = change->typecast;
          batch->entries = g_ptr_array_new_with_free_func (entry_free);
          g_ptr_array_add (batch->entries, entry_new (change));
          if (change->solo || change->kind == HANGAR_CHANGE_UPLOAD)
            return g_steal_pointer (&batch);
          continue;
        }

      if (change->kind == batch->kind && !change->solo && change->typecast == batch->typecast &&
          g_str_equal (change->base_id, batch->base_id) && g_str_equal (change->table_id, batch->table_id))
        {
          entry = batch_lookup (batch, record);
          if (entry != NULL)
            {
              if (change->kind == HANGAR_CHANGE_UPDATE)
                {
                  merge_fields (entry->fields, change->fields);
                  g_ptr_array_add (entry->changes, g_object_ref (change));
                }
              else
                g_hash_table_add (busy, (gpointer) record);
              continue;
            }
          if (batch->entries->len < HANGAR_JOURNAL_BATCH)
            {
              g_ptr_array_add (batch->entries, entry_new (change));
              continue;
            }
        }
      g_hash_table_add (busy, (gpointer) record);
    }
  return g_steal_pointer (&batch);
}

/* ---- answers ---- */

static guint
backoff_s (guint step)
{
  guint s = 1;

  for (guint i = 1; i < step && s < BACKOFF_MAX_S; i++)
    s *= 2;
  return MIN (s, BACKOFF_MAX_S);
}

static gboolean
resume_cb (gpointer user_data)
{
  HangarJournal *self = user_data;

  self->resume_id = 0;
  _hangar_journal_set_pause (self, HANGAR_JOURNAL_PAUSE_NONE, 0);
  _hangar_journal_kick (self);
  return G_SOURCE_REMOVE;
}

static void
pause_for (HangarJournal      *self,
           HangarJournalPause  reason,
           guint               seconds)
{
  g_clear_handle_id (&self->resume_id, g_source_remove);
  _hangar_journal_set_pause (self, reason, g_get_real_time () + (gint64) seconds * G_USEC_PER_SEC);
  self->resume_id = g_timeout_add_seconds (seconds, resume_cb, self);
  g_debug ("Journal: paused %u s (%d)", seconds, reason);
}

static gboolean
error_is_gone (const GError *error)
{
  const char *type = hangar_api_error_get_server_type (error);

  return g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_NOT_FOUND) ||
         g_strcmp0 (type, "ROW_DOES_NOT_EXIST") == 0 ||
         g_strcmp0 (type, "MODEL_ID_NOT_FOUND") == 0;
}

static char *
error_text (const GError *error)
{
  const char *server = hangar_api_error_get_server_message (error);
  const char *type = hangar_api_error_get_server_type (error);

  if (server != NULL && type != NULL)
    return g_strdup_printf ("%s (%s)", server, type);
  if (server != NULL)
    return g_strdup (server);
  return g_strdup (error->message);
}

typedef struct
{
  HangarJournalPause transient;
  gboolean           any_written;
  GPtrArray         *to_persist;   /* HangarJournalChange (no ref: entries hold them) */
  GPtrArray         *written;      /* Entry* written */
  GPtrArray         *refused;      /* HangarJournalChange refused with 403 */
  GPtrArray         *absorbed;     /* HangarJournalChange now part of its create */
  GError            *refusal;
} Outcome;

static void
set_all (HangarJournal     *self,
         Entry             *entry,
         HangarChangeState  state,
         const char        *message,
         Outcome           *outcome)
{
  for (guint i = 0; i < entry->changes->len; i++)
    {
      HangarJournalChange *change = g_ptr_array_index (entry->changes, i);

      _hangar_journal_set_state (self, change, state, message);
      g_ptr_array_add (outcome->to_persist, change);
    }
}

/* A create (or upload) that may or may not have been applied. Updates of
 * the new record went out in its request: their fields join the create's,
 * which then says exactly what was sent — for the lookup, and for creating
 * it again — and they are settled as part of it. */
static void
entry_uncertain (HangarJournal *self,
                 Entry         *entry,
                 const char    *message,
                 Outcome       *outcome)
{
  HangarJournalChange *create = g_ptr_array_index (entry->changes, 0);

  for (guint i = 1; i < entry->changes->len; i++)
    {
      HangarJournalChange *change = g_ptr_array_index (entry->changes, i);

      merge_fields (create->fields, change->fields);
      _hangar_journal_set_state (self, change, HANGAR_CHANGE_WRITTEN, _("Sent with the new record"));
      g_ptr_array_add (outcome->to_persist, change);
      g_ptr_array_add (outcome->absorbed, change);
    }
  _hangar_journal_set_state (self, create, HANGAR_CHANGE_UNCERTAIN, message);
  g_ptr_array_add (outcome->to_persist, create);
}

static void
entry_transient (HangarJournal      *self,
                 Entry              *entry,
                 HangarJournalPause  reason,
                 const GError       *error,
                 gboolean            counts,
                 Outcome            *outcome)
{
  for (guint i = 0; i < entry->changes->len; i++)
    {
      HangarJournalChange *change = g_ptr_array_index (entry->changes, i);

      if (counts && change->attempts >= HANGAR_JOURNAL_MAX_ATTEMPTS)
        {
          g_autofree char *text = error_text (error);
          g_autofree char *message = g_strdup_printf (g_dngettext (NULL, "Airtable kept failing (%u attempt): %s",
                                                                   "Airtable kept failing (%u attempts): %s",
                                                                   change->attempts),
                                                      change->attempts, text);

          _hangar_journal_set_state (self, change, HANGAR_CHANGE_FAILED, message);
        }
      else
        _hangar_journal_set_state (self, change, HANGAR_CHANGE_PENDING, NULL);
      g_ptr_array_add (outcome->to_persist, change);
    }
  if (outcome->transient == HANGAR_JOURNAL_PAUSE_NONE || reason == HANGAR_JOURNAL_PAUSE_SIGN_IN)
    outcome->transient = reason;
}

static void
entry_failed (HangarJournal *self,
              Batch         *batch,
              Entry         *entry,
              const GError  *error,
              Outcome       *outcome)
{
  if ((batch->kind == HANGAR_CHANGE_CREATE || batch->kind == HANGAR_CHANGE_UPLOAD) &&
      (g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE) ||
       g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_UNCERTAIN_WRITE)))
    {
      /* An answer we cannot read may well mean it was applied. */
      g_autofree char *text = error_text (error);
      g_autofree char *message = g_strdup_printf (_("Airtable's answer could not be read, so this may or may "
                                                    "not have been saved: %s"), text);

      entry_uncertain (self, entry, message, outcome);
    }
  else if (g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_RATE_LIMITED))
    entry_transient (self, entry, HANGAR_JOURNAL_PAUSE_RATE_LIMITED, error, FALSE, outcome);
  else if (g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_NETWORK))
    entry_transient (self, entry, HANGAR_JOURNAL_PAUSE_OFFLINE, error, FALSE, outcome);
  else if (g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_SERVER_ERROR) ||
           g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE))
    entry_transient (self, entry, HANGAR_JOURNAL_PAUSE_SERVER_ERROR, error, TRUE, outcome);
  else if (g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_AUTHENTICATION_REQUIRED) ||
           g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_TOKEN_EXPIRED) ||
           g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_REVOKED))
    entry_transient (self, entry, HANGAR_JOURNAL_PAUSE_SIGN_IN, error, FALSE, outcome);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_all (self, entry, HANGAR_CHANGE_PENDING, NULL, outcome);
  else if (g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_PERMISSION_DENIED))
    {
      g_autofree char *text = error_text (error);

      set_all (self, entry, HANGAR_CHANGE_FAILED, text, outcome);
      for (guint i = 0; i < entry->changes->len; i++)
        g_ptr_array_add (outcome->refused, g_ptr_array_index (entry->changes, i));
      if (outcome->refusal == NULL)
        outcome->refusal = g_error_copy (error);
    }
  else if (batch->kind == HANGAR_CHANGE_DELETE && error_is_gone (error) &&
           ((HangarJournalChange *) g_ptr_array_index (entry->changes, 0))->attempts > 1)
    {
      /* Sent before without an answer, and gone now: that was us. */
      set_all (self, entry, HANGAR_CHANGE_WRITTEN, NULL, outcome);
      g_ptr_array_add (outcome->written, entry);
    }
  else if (batch->entries->len > 1)
    {
      /* Airtable refuses a whole batch for one bad record: send each alone
       * to find it. */
      for (guint i = 0; i < entry->changes->len; i++)
        {
          HangarJournalChange *change = g_ptr_array_index (entry->changes, i);

          change->solo = TRUE;
          change->attempts = MAX (change->attempts, 1) - 1;
        }
      set_all (self, entry, HANGAR_CHANGE_PENDING, NULL, outcome);
    }
  else
    {
      g_autofree char *text = error_text (error);

      set_all (self, entry, HANGAR_CHANGE_FAILED, text, outcome);
    }
}

static void
entry_written (HangarJournal *self,
               Batch         *batch,
               Entry         *entry,
               HangarRecord  *record,
               Outcome       *outcome)
{
  if (batch->kind == HANGAR_CHANGE_CREATE && record != NULL)
    {
      _hangar_journal_rename_record (self, entry->record_id, hangar_record_get_id (record));
      _hangar_journal_claim (self, hangar_record_get_id (record));
    }
  for (guint i = 0; i < entry->changes->len; i++)
    _hangar_journal_change_set_result (g_ptr_array_index (entry->changes, i), record);
  set_all (self, entry, HANGAR_CHANGE_WRITTEN, NULL, outcome);
  g_ptr_array_add (outcome->written, entry);
  outcome->any_written = TRUE;
}

static void
batch_finish (Batch             *batch,
              HangarBatchResult *result,
              HangarRecord      *single,
              const GError      *error)
{
  HangarJournal *self = batch->journal;
  Outcome outcome = { HANGAR_JOURNAL_PAUSE_NONE, FALSE, g_ptr_array_new (), g_ptr_array_new (),
                      g_ptr_array_new (), g_ptr_array_new (), NULL };
  g_autoptr(GError) persist_error = NULL;
  gboolean transaction;

  self->in_flight--;

  /* One transaction for the renames of new records and every state. */
  transaction = hangar_store_begin (self->store, &persist_error);
  if (!transaction)
    g_warning ("Journal: %s", persist_error->message);
  g_clear_error (&persist_error);

  for (guint i = 0; i < batch->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (batch->entries, i);

      if (single != NULL)
        entry_written (self, batch, entry, single, &outcome);
      else if (result == NULL)
        entry_failed (self, batch, entry, error, &outcome);
      else
        {
          const GError *item_error = hangar_batch_result_get_item_error (result, i);

          switch (hangar_batch_result_get_status (result, i))
            {
            case HANGAR_BATCH_ITEM_WRITTEN:
              entry_written (self, batch, entry, hangar_batch_result_get_record (result, i), &outcome);
              break;
            case HANGAR_BATCH_ITEM_UNCERTAIN:
              if (batch->kind == HANGAR_CHANGE_CREATE || batch->kind == HANGAR_CHANGE_UPLOAD)
                {
                  g_autofree char *text = item_error != NULL ? error_text (item_error) : NULL;
                  g_autofree char *message = text != NULL
                    ? g_strdup_printf (_("No answer came from Airtable, so this may or may not have been saved: %s"), text)
                    : g_strdup (_("No answer came from Airtable, so this may or may not have been saved"));

                  entry_uncertain (self, entry, message, &outcome);
                }
              else
                /* Sending an update or delete again is harmless. */
                entry_transient (self, entry, HANGAR_JOURNAL_PAUSE_SERVER_ERROR, item_error, TRUE, &outcome);
              break;
            case HANGAR_BATCH_ITEM_NOT_SENT:
              set_all (self, entry, HANGAR_CHANGE_PENDING, NULL, &outcome);
              break;
            case HANGAR_BATCH_ITEM_FAILED:
            default:
              entry_failed (self, batch, entry, item_error, &outcome);
              break;
            }
        }
    }

  if (transaction)
    {
      if (!_hangar_journal_persist_in (self, outcome.to_persist, &persist_error) ||
          !hangar_store_commit (self->store, &persist_error))
        {
          g_warning ("Journal: could not save what Airtable answered: %s", persist_error->message);
          hangar_store_rollback (self->store);
        }
      g_clear_error (&persist_error);
    }

  for (guint i = 0; i < outcome.written->len; i++)
    {
      Entry *entry = g_ptr_array_index (outcome.written, i);

      for (guint j = 0; j < entry->changes->len; j++)
        {
          HangarJournalChange *change = g_ptr_array_index (entry->changes, j);

          if (change->conflict == NULL)
            _hangar_journal_settle (self, change);
          _hangar_journal_emit_written (self, change, change->result);
        }
    }
  for (guint i = 0; i < outcome.absorbed->len; i++)
    _hangar_journal_settle (self, g_ptr_array_index (outcome.absorbed, i));
  for (guint i = 0; i < outcome.refused->len; i++)
    _hangar_journal_emit_refused (self, g_ptr_array_index (outcome.refused, i), outcome.refusal);

  if (outcome.transient != HANGAR_JOURNAL_PAUSE_NONE)
    {
      gint64 until = 0;

      if (outcome.transient == HANGAR_JOURNAL_PAUSE_RATE_LIMITED)
        {
          HangarRateState *state = rate_state_for (self, batch->base_id);

          until = state != NULL ? hangar_rate_state_get_paused_until (state) : 0;
        }
      self->backoff++;
      if (until > g_get_real_time ())
        pause_for (self, outcome.transient,
                   (guint) ((until - g_get_real_time () + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC));
      else
        pause_for (self, outcome.transient,
                   outcome.transient == HANGAR_JOURNAL_PAUSE_SIGN_IN ? 30 : backoff_s (self->backoff));
    }
  else if (outcome.any_written)
    self->backoff = 0;

  g_clear_error (&outcome.refusal);
  g_ptr_array_unref (outcome.to_persist);
  g_ptr_array_unref (outcome.written);
  g_ptr_array_unref (outcome.refused);
  g_ptr_array_unref (outcome.absorbed);
  _hangar_journal_check_idle (self);
  _hangar_journal_kick (self);
}

static void
batch_cb (GObject      *source,
          GAsyncResult *res,
          gpointer      user_data)
{
  g_autoptr(Batch) batch = user_data;
  g_autoptr(HangarBatchResult) result = NULL;
  g_autoptr(GError) error = NULL;

  switch (batch->kind)
    {
    case HANGAR_CHANGE_CREATE:
      result = hangar_client_create_records_finish (HANGAR_CLIENT (source), res, &error);
      break;
    case HANGAR_CHANGE_DELETE:
      result = hangar_client_delete_records_finish (HANGAR_CLIENT (source), res, &error);
      break;
    case HANGAR_CHANGE_UPDATE:
    case HANGAR_CHANGE_REPLACE:
    default:
      result = hangar_client_update_records_finish (HANGAR_CLIENT (source), res, &error);
      break;
    }
  batch_finish (batch, result, NULL, error);
}

static void
uploaded_cb (GObject      *source,
             GAsyncResult *res,
             gpointer      user_data)
{
  g_autoptr(Batch) batch = user_data;
  g_autoptr(HangarRecord) record = NULL;
  g_autoptr(GError) error = NULL;

  record = hangar_client_upload_attachment_finish (HANGAR_CLIENT (source), res, &error);
  if (record == NULL && g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_UNCERTAIN_WRITE))
    {
      g_autoptr(HangarBatchResult) uncertain = _hangar_batch_result_new (1);

      _hangar_batch_result_set_failed (uncertain, 0, HANGAR_BATCH_ITEM_UNCERTAIN, error);
      batch_finish (batch, uncertain, NULL, NULL);
      return;
    }
  batch_finish (batch, NULL, record, error);
}

static void
file_loaded_cb (GObject      *source,
                GAsyncResult *res,
                gpointer      user_data)
{
  g_autoptr(Batch) batch = user_data;
  HangarJournal *self = batch->journal;
  Entry *entry = g_ptr_array_index (batch->entries, 0);
  HangarJournalChange *change = g_ptr_array_index (entry->changes, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  char *contents = NULL;
  gsize length = 0;

  if (!g_file_load_contents_finish (G_FILE (source), res, &contents, &length, NULL, &error))
    {
      g_autoptr(GError) refused = g_error_new (HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_ARGUMENT,
                                               _("The file can no longer be read: %s"), error->message);

      batch_finish (batch, NULL, NULL, refused);
      return;
    }
  bytes = g_bytes_new_take (contents, length);
  if (length > HANGAR_JOURNAL_MAX_UPLOAD)
    {
      g_autoptr(GError) refused = g_error_new (HANGAR_API_ERROR, HANGAR_API_ERROR_REQUEST_TOO_LARGE,
                                               _("The file is larger than %d MB, the most Airtable takes"),
                                               HANGAR_JOURNAL_MAX_UPLOAD / (1024 * 1024));

      batch_finish (batch, NULL, NULL, refused);
      return;
    }
  if (self->client == NULL || g_cancellable_is_cancelled (self->cancellable))
    {
      g_autoptr(GError) cancelled = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", _("Not sent"));

      batch_finish (batch, NULL, NULL, cancelled);
      return;
    }
  {
    /* (the batch goes to the callback: take what the call needs first) */
    Batch *owned = g_steal_pointer (&batch);

    hangar_client_upload_attachment_async (self->client, owned->base_id, change->record_id,
                                           json_object_get_string_member (change->fields, "field"),
                                           json_object_get_string_member (change->fields, "contentType"),
                                           json_object_get_string_member (change->fields, "filename"),
                                           bytes, self->cancellable, uploaded_cb, owned);
  }
}

static void
send_batch (HangarJournal *self,
            Batch         *batch)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time ();
  HangarWriteFlags flags = batch->typecast ? HANGAR_WRITE_TYPECAST : HANGAR_WRITE_NONE;

  for (guint i = 0; i < batch->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (batch->entries, i);

      for (guint j = 0; j < entry->changes->len; j++)
        {
          HangarJournalChange *change = g_ptr_array_index (entry->changes, j);

          change->attempts++;
          change->sent_at = now;
          _hangar_journal_set_state (self, change, HANGAR_CHANGE_SENDING, NULL);
          g_ptr_array_add (all, change);
        }
    }
  /* On disk as "sending" before the request leaves: after a crash, this is
   * what tells a create that may exist from one that was never sent. */
  if (!_hangar_journal_persist (self, all, &error))
    {
      g_warning ("Journal: not sending, the journal cannot be written: %s", error->message);
      for (guint i = 0; i < all->len; i++)
        {
          HangarJournalChange *change = g_ptr_array_index (all, i);

          change->attempts--;
          _hangar_journal_set_state (self, change, HANGAR_CHANGE_PENDING, NULL);
        }
      batch_free (batch);
      pause_for (self, HANGAR_JOURNAL_PAUSE_SERVER_ERROR, backoff_s (++self->backoff));
      return;
    }

  self->in_flight++;
  g_debug ("Journal: sending %u record(s) (kind %d) to %s/%s", batch->entries->len, batch->kind,
           batch->base_id, batch->table_id);

  switch (batch->kind)
    {
    case HANGAR_CHANGE_CREATE:
      {
        g_autoptr(GPtrArray) fields = g_ptr_array_new ();

        for (guint i = 0; i < batch->entries->len; i++)
          g_ptr_array_add (fields, ((Entry *) g_ptr_array_index (batch->entries, i))->fields);
        hangar_client_create_records_async (self->client, batch->base_id, batch->table_id, fields, flags,
                                            self->cancellable, batch_cb, batch);
      }
      break;

    case HANGAR_CHANGE_UPDATE:
    case HANGAR_CHANGE_REPLACE:
      {
        g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

        for (guint i = 0; i < batch->entries->len; i++)
          {
            Entry *entry = g_ptr_array_index (batch->entries, i);
            JsonObject *record = json_object_new ();

            json_object_set_string_member (record, "id", entry->record_id);
            json_object_set_object_member (record, "fields", json_object_ref (entry->fields));
            g_ptr_array_add (records, record);
          }
        if (batch->kind == HANGAR_CHANGE_REPLACE)
          flags |= HANGAR_WRITE_REPLACE;
        hangar_client_update_records_async (self->client, batch->base_id, batch->table_id, records, flags,
                                            self->cancellable, batch_cb, batch);
      }
      break;

    case HANGAR_CHANGE_DELETE:
      {
        g_autoptr(GPtrArray) ids = g_ptr_array_new ();

        for (guint i = 0; i < batch->entries->len; i++)
          g_ptr_array_add (ids, ((Entry *) g_ptr_array_index (batch->entries, i))->record_id);
        g_ptr_array_add (ids, NULL);
        hangar_client_delete_records_async (self->client, batch->base_id, batch->table_id,
                                            (const char * const *) ids->pdata,
                                            self->cancellable, batch_cb, batch);
      }
      break;

    case HANGAR_CHANGE_UPLOAD:
      {
        HangarJournalChange *change = g_ptr_array_index (((Entry *) g_ptr_array_index (batch->entries, 0))->changes, 0);
        g_autoptr(GFile) file = g_file_new_for_path (json_object_get_string_member (change->fields, "path"));

        g_file_load_contents_async (file, self->cancellable, file_loaded_cb, batch);
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

/* ---- the pump ---- */

static void
update_rate_pause (HangarJournal *self)
{
  GHashTableIter iter;
  gpointer value;
  gint64 until = 0;

  if (self->resume_id != 0)
    return;   /* a pause of our own is running */
  g_hash_table_iter_init (&iter, self->rate_states);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (hangar_rate_state_get_paused (value))
      until = MAX (until, hangar_rate_state_get_paused_until (value));
  if (until != 0 && hangar_journal_count (self, HANGAR_CHANGE_PENDING) + self->in_flight > 0)
    _hangar_journal_set_pause (self, HANGAR_JOURNAL_PAUSE_RATE_LIMITED, until);
  else if (self->pause == HANGAR_JOURNAL_PAUSE_RATE_LIMITED)
    _hangar_journal_set_pause (self, HANGAR_JOURNAL_PAUSE_NONE, 0);
}

static gboolean
pump_cb (gpointer user_data)
{
  HangarJournal *self = user_data;

  self->pump_id = 0;
  update_rate_pause (self);
  if (!self->sending || !self->is_sender || self->client == NULL || self->resume_id != 0)
    return G_SOURCE_REMOVE;

  while (self->in_flight < HANGAR_JOURNAL_IN_FLIGHT)
    {
      Batch *batch = pick_batch (self);

      if (batch == NULL)
        break;
      send_batch (self, batch);
      if (self->resume_id != 0)
        break;
    }
  return G_SOURCE_REMOVE;
}

static void
pump_later (HangarJournal *self)
{
  if (self->pump_id == 0)
    self->pump_id = g_idle_add_full (G_PRIORITY_DEFAULT, pump_cb, self, NULL);
}

void
_hangar_journal_kick (HangarJournal *self)
{
  if (self->cancellable == NULL)
    return;   /* stopped */
  pump_later (self);
}

void
_hangar_journal_sender_start (HangarJournal *self)
{
  if (self->rate_states == NULL)
    self->rate_states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  if (self->cancellable == NULL)
    self->cancellable = g_cancellable_new ();
  _hangar_journal_lookup_uncertain (self);
  pump_later (self);
}

void
_hangar_journal_sender_stop (HangarJournal *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->pump_id, g_source_remove);
  g_clear_handle_id (&self->resume_id, g_source_remove);
  if (self->rate_states != NULL)
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, self->rate_states);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        g_signal_handlers_disconnect_by_data (value, self);
      g_clear_pointer (&self->rate_states, g_hash_table_unref);
    }
}
