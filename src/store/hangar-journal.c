/* hangar-journal.c — the edit journal: its tables, its counts and signals,
 * the sender lock, the list model, overlays and conflicts (changes go to
 * disk in hangar-journal-write.c)
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

/* How often a process that is not the sender tries to become it. */
#define LOCK_POLL_S 2

static const char * const schema_steps[] = {
  /* 0 → 1 */
  "CREATE TABLE journal_group ("
  "  id         INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  label      TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL"
  ");"
  "CREATE TABLE journal_change ("
  "  id          INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  group_id    INTEGER NOT NULL REFERENCES journal_group (id) ON DELETE CASCADE,"
  "  kind        INTEGER NOT NULL,"
  "  state       INTEGER NOT NULL,"
  "  base_id     TEXT NOT NULL,"
  "  table_id    TEXT NOT NULL,"
  "  record_id   TEXT NOT NULL,"
  "  local_id    TEXT,"
  "  fields      TEXT NOT NULL,"
  "  previous    TEXT,"
  "  typecast    INTEGER NOT NULL DEFAULT 0,"
  "  solo        INTEGER NOT NULL DEFAULT 0,"
  "  conflict    TEXT,"
  "  message     TEXT,"
  "  attempts    INTEGER NOT NULL DEFAULT 0,"
  "  lookup_done INTEGER NOT NULL DEFAULT 0,"
  "  created_at  INTEGER NOT NULL,"
  "  sent_at     INTEGER NOT NULL DEFAULT 0,"
  "  done_at     INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX journal_change_unsettled ON journal_change (state) WHERE state <> 2 OR conflict IS NOT NULL;"
  "CREATE INDEX journal_change_record ON journal_change (record_id);",
};

enum {
  PROP_0,
  PROP_N_PENDING,
  PROP_N_SENDING,
  PROP_N_FAILED,
  PROP_N_UNCERTAIN,
  PROP_N_CONFLICTS,
  PROP_PAUSE,
  PROP_PAUSED_UNTIL,
  PROP_SENDING,
  PROP_IS_SENDER,
  N_PROPS
};

enum {
  RECORD_CHANGED,
  RECORD_WRITTEN,
  WRITE_REFUSED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (HangarJournal, hangar_journal, G_TYPE_OBJECT)

static const guint count_props[HANGAR_N_CHANGE_STATES] = {
  PROP_N_PENDING, PROP_N_SENDING, 0, PROP_N_FAILED, PROP_N_UNCERTAIN,
};

/* ---- helpers ---- */

GPtrArray *
_hangar_journal_record_list (HangarJournal *self,
             const char    *record_id,
             gboolean       create)
{
  GPtrArray *list = g_hash_table_lookup (self->by_record, record_id);

  if (list == NULL && create)
    {
      list = g_ptr_array_new ();
      g_hash_table_insert (self->by_record, g_strdup (record_id), list);
    }
  return list;
}

void
_hangar_journal_emit_record_changed (HangarJournal *self,
                     const char    *record_id)
{
  g_signal_emit (self, signals[RECORD_CHANGED], 0, record_id);
}

/* A change in conflict counts as a conflict only: it is neither sent nor
 * done until the user decides. */
void
_hangar_journal_count_add (HangarJournal       *self,
           HangarJournalChange *change,
           int                  delta)
{
  if (change->conflict != NULL)
    {
      self->n_conflicts += delta;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CONFLICTS]);
    }
  else if (change->state < HANGAR_N_CHANGE_STATES)
    {
      self->counts[change->state] += delta;
      if (count_props[change->state] != 0)
        g_object_notify_by_pspec (G_OBJECT (self), properties[count_props[change->state]]);
    }
}

/* Puts @change on the open list (unsettled) and counts it. */
void
_hangar_journal_open_change (HangarJournal       *self,
             HangarJournalChange *change)
{
  change->journal = self;
  g_ptr_array_add (self->open, g_object_ref (change));
  g_ptr_array_add (_hangar_journal_record_list (self, change->record_id, TRUE), change);
  _hangar_journal_count_add (self, change, 1);
}

void
_hangar_journal_settle (HangarJournal       *self,
                        HangarJournalChange *change)
{
  GPtrArray *list = _hangar_journal_record_list (self, change->record_id, FALSE);

  if (list != NULL)
    {
      g_ptr_array_remove (list, change);
      if (list->len == 0)
        g_hash_table_remove (self->by_record, change->record_id);
    }
  if (g_ptr_array_remove (self->open, change))
    {
      /* (the array held a reference) */
    }
  self->n_settled_shown++;
  if (self->n_settled_shown > HANGAR_JOURNAL_KEEP_SETTLED)
    {
      /* Drop the oldest settled changes from the list model. */
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));

      for (guint i = 0; i < n && self->n_settled_shown > HANGAR_JOURNAL_KEEP_SETTLED / 2; )
        {
          g_autoptr(HangarJournalChange) item = g_list_model_get_item (G_LIST_MODEL (self->model), i);

          if (hangar_journal_change_is_settled (item))
            {
              g_list_store_remove (self->model, i);
              self->n_settled_shown--;
              n--;
            }
          else
            i++;
        }
    }
}

void
_hangar_journal_set_state (HangarJournal       *self,
                           HangarJournalChange *change,
                           HangarChangeState    state,
                           const char          *message)
{
  if (change->state == state && g_strcmp0 (change->message, message) == 0)
    return;
  g_object_freeze_notify (G_OBJECT (self));
  _hangar_journal_count_add (self, change, -1);
  _hangar_journal_change_set_state (change, state, message);
  _hangar_journal_count_add (self, change, 1);
  g_object_thaw_notify (G_OBJECT (self));
  _hangar_journal_emit_record_changed (self, change->record_id);
}


void
_hangar_journal_emit_written (HangarJournal       *self,
                              HangarJournalChange *change,
                              HangarRecord        *record)
{
  g_signal_emit (self, signals[RECORD_WRITTEN], 0, change, record);
}

void
_hangar_journal_emit_refused (HangarJournal       *self,
                              HangarJournalChange *change,
                              const GError        *error)
{
  g_signal_emit (self, signals[WRITE_REFUSED], 0, change, error);
}

void
_hangar_journal_check_idle (HangarJournal *self)
{
  GList *waiters;

  if (hangar_journal_count_unsent (self) > 0)
    return;
  waiters = g_steal_pointer (&self->waiters);
  for (GList *l = waiters; l != NULL; l = l->next)
    {
      g_autoptr(GTask) task = l->data;

      g_task_return_boolean (task, TRUE);
    }
  g_list_free (waiters);
}

/* ---- the sender lock ---- */

static char *
lock_path (HangarJournal *self)
{
  g_autofree char *dir = g_path_get_dirname (hangar_store_get_path (self->store));

  return g_build_filename (dir, "journal.lock", NULL);
}

static gboolean
try_lock (HangarJournal *self)
{
  if (self->lock_fd < 0)
    {
      g_autofree char *path = lock_path (self);

      self->lock_fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
      if (self->lock_fd < 0)
        {
          g_warning ("Could not open %s: %s", path, g_strerror (errno));
          return FALSE;
        }
    }
  /* Held until the process ends (the kernel drops it, even after a kill). */
  return flock (self->lock_fd, LOCK_EX | LOCK_NB) == 0;
}

static gboolean
lock_poll_cb (gpointer user_data)
{
  HangarJournal *self = user_data;

  if (!try_lock (self))
    return G_SOURCE_CONTINUE;
  self->lock_poll_id = 0;
  self->is_sender = TRUE;
  g_debug ("Journal: now the sender for %s", hangar_store_get_path (self->store));
  /* Another process sent until now: what it left is the truth. */
  _hangar_journal_load_open (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_SENDER]);
  _hangar_journal_sender_start (self);
  return G_SOURCE_REMOVE;
}

/* ---- GObject ---- */

static void
hangar_journal_dispose (GObject *object)
{
  HangarJournal *self = HANGAR_JOURNAL (object);

  _hangar_journal_sender_stop (self);
  g_clear_handle_id (&self->lock_poll_id, g_source_remove);
  if (self->lock_fd >= 0)
    {
      close (self->lock_fd);
      self->lock_fd = -1;
    }
  g_clear_object (&self->client);

  G_OBJECT_CLASS (hangar_journal_parent_class)->dispose (object);
}

static void
hangar_journal_finalize (GObject *object)
{
  HangarJournal *self = HANGAR_JOURNAL (object);

  g_clear_pointer (&self->by_record, g_hash_table_unref);
  g_clear_pointer (&self->open, g_ptr_array_unref);
  g_clear_object (&self->model);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (hangar_journal_parent_class)->finalize (object);
}

static void
hangar_journal_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  HangarJournal *self = HANGAR_JOURNAL (object);

  switch (prop_id)
    {
    case PROP_N_PENDING:
      g_value_set_uint (value, self->counts[HANGAR_CHANGE_PENDING]);
      break;
    case PROP_N_SENDING:
      g_value_set_uint (value, self->counts[HANGAR_CHANGE_SENDING]);
      break;
    case PROP_N_FAILED:
      g_value_set_uint (value, self->counts[HANGAR_CHANGE_FAILED]);
      break;
    case PROP_N_UNCERTAIN:
      g_value_set_uint (value, self->counts[HANGAR_CHANGE_UNCERTAIN]);
      break;
    case PROP_N_CONFLICTS:
      g_value_set_uint (value, self->n_conflicts);
      break;
    case PROP_PAUSE:
      g_value_set_enum (value, self->pause);
      break;
    case PROP_PAUSED_UNTIL:
      g_value_set_int64 (value, self->paused_until);
      break;
    case PROP_SENDING:
      g_value_set_boolean (value, self->sending);
      break;
    case PROP_IS_SENDER:
      g_value_set_boolean (value, self->is_sender);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_journal_class_init (HangarJournalClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = hangar_journal_dispose;
  object_class->finalize = hangar_journal_finalize;
  object_class->get_property = hangar_journal_get_property;

  properties[PROP_N_PENDING] = g_param_spec_uint ("n-pending", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_N_SENDING] = g_param_spec_uint ("n-sending", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_N_FAILED] = g_param_spec_uint ("n-failed", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_N_UNCERTAIN] = g_param_spec_uint ("n-uncertain", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_N_CONFLICTS] = g_param_spec_uint ("n-conflicts", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_PAUSE] = g_param_spec_enum ("pause", NULL, NULL, HANGAR_TYPE_JOURNAL_PAUSE,
                                              HANGAR_JOURNAL_PAUSE_NONE, flags);
  /**
   * HangarJournal:paused-until:
   *
   * The end of the pause in real-time microseconds (g_get_real_time()),
   * 0 when not paused.
   */
  properties[PROP_PAUSED_UNTIL] = g_param_spec_int64 ("paused-until", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_SENDING] = g_param_spec_boolean ("sending", NULL, NULL, TRUE, flags);
  properties[PROP_IS_SENDER] = g_param_spec_boolean ("is-sender", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HangarJournal::record-changed:
   * @self: the journal
   * @record_id: a record (or local) id
   *
   * The unsettled changes of a record changed: one was added, changed
   * state, got a conflict or was settled.
   */
  signals[RECORD_CHANGED] =
    g_signal_new ("record-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * HangarJournal::record-written:
   * @self: the journal
   * @change: the change written
   * @record: (nullable): the record as Airtable answered (NULL for a delete)
   */
  signals[RECORD_WRITTEN] =
    g_signal_new ("record-written", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, HANGAR_TYPE_JOURNAL_CHANGE, HANGAR_TYPE_RECORD);
  /**
   * HangarJournal::write-refused:
   * @self: the journal
   * @change: the change Airtable refused
   * @error: why (HANGAR_API_ERROR_PERMISSION_DENIED: the token or the base
   *   does not allow writing)
   */
  signals[WRITE_REFUSED] =
    g_signal_new ("write-refused", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, HANGAR_TYPE_JOURNAL_CHANGE, G_TYPE_ERROR);
}

static void
hangar_journal_init (HangarJournal *self)
{
  self->model = g_list_store_new (HANGAR_TYPE_JOURNAL_CHANGE);
  self->open = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_record = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  self->sending = TRUE;
  self->lock_fd = -1;
}

/* ---- public API ---- */

/**
 * hangar_journal_new:
 * @store: the account's state database
 * @client: (nullable): the account's client
 * @error: where a database error goes
 *
 * Returns: (transfer full): the journal, or %NULL with @error
 */
HangarJournal *
hangar_journal_new (HangarStore   *store,
                    HangarClient  *client,
                    GError       **error)
{
  g_autoptr(HangarJournal) self = NULL;

  g_return_val_if_fail (HANGAR_IS_STORE (store), NULL);
  g_return_val_if_fail (client == NULL || HANGAR_IS_CLIENT (client), NULL);

  if (!hangar_store_ensure_schema (store, "journal", schema_steps, G_N_ELEMENTS (schema_steps), error))
    return NULL;

  self = g_object_new (HANGAR_TYPE_JOURNAL, NULL);
  self->store = g_object_ref (store);
  self->client = client != NULL ? g_object_ref (client) : NULL;

  if (try_lock (self))
    {
      self->is_sender = TRUE;
      if (!_hangar_journal_recover (self, error))
        return NULL;
    }
  else
    self->lock_poll_id = g_timeout_add_seconds (LOCK_POLL_S, lock_poll_cb, self);
  _hangar_journal_load_open (self);
  if (self->is_sender)
    _hangar_journal_sender_start (self);
  return g_steal_pointer (&self);
}

static void
shared_journal_gone (gpointer  data,
                     GObject  *where_the_object_was)
{
  g_hash_table_remove (data, g_object_get_data (where_the_object_was, "hangar-account-id"));
}

/**
 * hangar_journal_get_for_account:
 * @account_id: an account identifier
 * @client: (nullable): the account's client (set on the shared journal)
 * @error: where a database error goes
 *
 * Returns: (transfer full): the account's journal
 */
HangarJournal *
hangar_journal_get_for_account (const char    *account_id,
                                HangarClient  *client,
                                GError       **error)
{
  static GHashTable *journals;   /* account id → HangarJournal (weak) */
  HangarJournal *journal;
  g_autoptr(HangarStore) store = NULL;

  g_return_val_if_fail (account_id != NULL, NULL);

  if (journals == NULL)
    journals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  journal = g_hash_table_lookup (journals, account_id);
  if (journal != NULL)
    {
      if (client != NULL)
        hangar_journal_set_client (journal, client);
      return g_object_ref (journal);
    }

  store = hangar_store_get_for_account (account_id, HANGAR_STORE_STATE, error);
  if (store == NULL)
    return NULL;
  journal = hangar_journal_new (store, client, error);
  if (journal == NULL)
    return NULL;
  g_object_set_data_full (G_OBJECT (journal), "hangar-account-id", g_strdup (account_id), g_free);
  g_hash_table_insert (journals, g_strdup (account_id), journal);
  g_object_weak_ref (G_OBJECT (journal), shared_journal_gone, journals);
  return journal;
}

HangarStore *
hangar_journal_get_store (HangarJournal *self)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL (self), NULL);
  return self->store;
}

HangarClient *
hangar_journal_get_client (HangarJournal *self)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL (self), NULL);
  return self->client;
}

void
hangar_journal_set_client (HangarJournal *self,
                           HangarClient  *client)
{
  g_return_if_fail (HANGAR_IS_JOURNAL (self));
  g_return_if_fail (client == NULL || HANGAR_IS_CLIENT (client));

  if (self->client == client)
    return;
  g_set_object (&self->client, client);
  _hangar_journal_kick (self);
}

void
hangar_journal_set_sending (HangarJournal *self,
                            gboolean       sending)
{
  g_return_if_fail (HANGAR_IS_JOURNAL (self));

  sending = !!sending;
  if (self->sending == sending)
    return;
  self->sending = sending;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SENDING]);
  _hangar_journal_kick (self);
}

gboolean
hangar_journal_get_sending (HangarJournal *self)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL (self), FALSE);
  return self->sending;
}

gboolean
hangar_journal_get_is_sender (HangarJournal *self)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL (self), FALSE);
  return self->is_sender;
}

GListModel *
hangar_journal_get_changes (HangarJournal *self)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL (self), NULL);
  return G_LIST_MODEL (self->model);
}

guint
hangar_journal_count (HangarJournal     *self,
                      HangarChangeState  state)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL (self), 0);
  g_return_val_if_fail (state < HANGAR_N_CHANGE_STATES, 0);
  return self->counts[state];
}

guint
hangar_journal_count_conflicts (HangarJournal *self)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL (self), 0);
  return self->n_conflicts;
}

guint
hangar_journal_count_unsent (HangarJournal *self)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL (self), 0);
  return self->counts[HANGAR_CHANGE_PENDING] + self->counts[HANGAR_CHANGE_SENDING];
}

HangarJournalPause
hangar_journal_get_pause (HangarJournal *self)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL (self), HANGAR_JOURNAL_PAUSE_NONE);
  return self->pause;
}

gint64
hangar_journal_get_paused_until (HangarJournal *self)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL (self), 0);
  return self->paused_until;
}

void
_hangar_journal_set_pause (HangarJournal      *self,
                           HangarJournalPause  pause,
                           gint64              until)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (self->pause != pause)
    {
      self->pause = pause;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSE]);
    }
  if (self->paused_until != until)
    {
      self->paused_until = until;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED_UNTIL]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

GPtrArray *
hangar_journal_get_record_changes (HangarJournal *self,
                                   const char    *record_id)
{
  GPtrArray *list;
  GPtrArray *copy = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (HANGAR_IS_JOURNAL (self), copy);

  list = record_id != NULL ? _hangar_journal_record_list (self, record_id, FALSE) : NULL;
  for (guint i = 0; list != NULL && i < list->len; i++)
    g_ptr_array_add (copy, g_object_ref (g_ptr_array_index (list, i)));
  return copy;
}

gboolean
hangar_journal_get_cell_state (HangarJournal     *self,
                               const char        *record_id,
                               const char        *field_name,
                               HangarChangeState *out_state,
                               gboolean          *out_conflict)
{
  GPtrArray *list;

  g_return_val_if_fail (HANGAR_IS_JOURNAL (self), FALSE);

  list = record_id != NULL ? _hangar_journal_record_list (self, record_id, FALSE) : NULL;
  for (guint i = list != NULL ? list->len : 0; i > 0; i--)
    {
      HangarJournalChange *change = g_ptr_array_index (list, i - 1);

      if (field_name != NULL && !hangar_journal_change_touches (change, field_name))
        continue;
      if (out_state != NULL)
        *out_state = change->state;
      if (out_conflict != NULL)
        *out_conflict = change->conflict != NULL;
      return TRUE;
    }
  return FALSE;
}

/* Puts @change's values over @fields. */
static void
apply_change (JsonObject          *fields,
              HangarJournalChange *change)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (change->kind == HANGAR_CHANGE_REPLACE)
    {
      GList *members = json_object_get_members (fields);

      /* Every writable field not given is cleared: the ones in "previous"
       * are the record's writable fields. */
      for (GList *l = members; l != NULL; l = l->next)
        if (change->previous != NULL && json_object_has_member (change->previous, l->data) &&
            !json_object_has_member (change->fields, l->data))
          json_object_remove_member (fields, l->data);
      g_list_free (members);
    }
  if (change->kind != HANGAR_CHANGE_UPDATE && change->kind != HANGAR_CHANGE_REPLACE &&
      change->kind != HANGAR_CHANGE_CREATE)
    return;

  json_object_iter_init_ordered (&iter, change->fields);
  while (json_object_iter_next_ordered (&iter, &name, &value))
    {
      if (JSON_NODE_HOLDS_NULL (value))
        json_object_remove_member (fields, name);
      else
        json_object_set_member (fields, name, json_node_copy (value));
    }
}

/**
 * hangar_journal_overlay_record:
 * @self: a #HangarJournal
 * @record: a record as the server has it
 * @out_deleted: (out) (optional): set to whether a delete of it is pending
 *
 * Returns: (transfer full) (nullable): the record with local changes over it
 */
HangarRecord *
hangar_journal_overlay_record (HangarJournal *self,
                               HangarRecord  *record,
                               gboolean      *out_deleted)
{
  GPtrArray *list;
  g_autoptr(JsonObject) fields = NULL;
  gboolean any = FALSE;

  g_return_val_if_fail (HANGAR_IS_JOURNAL (self), NULL);
  g_return_val_if_fail (HANGAR_IS_RECORD (record), NULL);

  if (out_deleted != NULL)
    *out_deleted = FALSE;
  list = _hangar_journal_record_list (self, hangar_record_get_id (record), FALSE);
  if (list == NULL)
    return NULL;

  fields = _hangar_json_object_deep_copy (hangar_record_get_fields (record));
  for (guint i = 0; i < list->len; i++)
    {
      HangarJournalChange *change = g_ptr_array_index (list, i);

      /* Written ones are in the record already (or were overwritten since). */
      if (change->state == HANGAR_CHANGE_WRITTEN || change->state == HANGAR_CHANGE_UNCERTAIN)
        continue;
      if (change->kind == HANGAR_CHANGE_DELETE)
        {
          if (change->state != HANGAR_CHANGE_FAILED)
            {
              if (out_deleted != NULL)
                *out_deleted = TRUE;
              return NULL;
            }
          continue;
        }
      apply_change (fields, change);
      any = TRUE;
    }
  if (!any)
    return NULL;
  return hangar_record_new (hangar_record_get_id (record), hangar_record_get_created_time (record), fields);
}

/**
 * hangar_journal_dup_local_records:
 * @self: a #HangarJournal
 * @base_id: a base
 * @table_id: a table id
 *
 * Returns: (transfer full) (element-type HangarRecord): the records created
 *   here and not written yet
 */
GPtrArray *
hangar_journal_dup_local_records (HangarJournal *self,
                                  const char    *base_id,
                                  const char    *table_id)
{
  GPtrArray *records = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (HANGAR_IS_JOURNAL (self), records);

  for (guint i = 0; i < self->open->len; i++)
    {
      HangarJournalChange *change = g_ptr_array_index (self->open, i);
      g_autoptr(JsonObject) fields = NULL;
      GPtrArray *list;
      gboolean deleted = FALSE;

      if (change->kind != HANGAR_CHANGE_CREATE || change->state == HANGAR_CHANGE_WRITTEN ||
          g_strcmp0 (change->base_id, base_id) != 0 || g_strcmp0 (change->table_id, table_id) != 0)
        continue;
      fields = json_object_new ();
      list = _hangar_journal_record_list (self, change->record_id, FALSE);
      for (guint j = 0; list != NULL && j < list->len; j++)
        {
          HangarJournalChange *later = g_ptr_array_index (list, j);

          if (later->kind == HANGAR_CHANGE_DELETE && later->state != HANGAR_CHANGE_FAILED)
            deleted = TRUE;
          else
            apply_change (fields, later);
        }
      if (!deleted)
        g_ptr_array_add (records, hangar_record_new (change->record_id, NULL, fields));
    }
  return records;
}

/**
 * hangar_journal_observe_record:
 * @self: a #HangarJournal
 * @base_id: its base
 * @table_id: its table
 * @record: a record as a refresh brought it
 *
 * Returns: %TRUE when a new conflict was found
 */
gboolean
hangar_journal_observe_record (HangarJournal *self,
                               const char    *base_id,
                               const char    *table_id,
                               HangarRecord  *record)
{
  GPtrArray *list;
  gboolean found = FALSE;

  g_return_val_if_fail (HANGAR_IS_JOURNAL (self), FALSE);
  g_return_val_if_fail (HANGAR_IS_RECORD (record), FALSE);

  list = _hangar_journal_record_list (self, hangar_record_get_id (record), FALSE);
  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      HangarJournalChange *change = g_ptr_array_index (list, i);
      g_autoptr(JsonObject) conflict = NULL;
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      if ((change->kind != HANGAR_CHANGE_UPDATE && change->kind != HANGAR_CHANGE_REPLACE) ||
          change->previous == NULL || change->conflict != NULL ||
          change->state == HANGAR_CHANGE_SENDING || change->state == HANGAR_CHANGE_UNCERTAIN)
        continue;

      json_object_iter_init_ordered (&iter, change->fields);
      while (json_object_iter_next_ordered (&iter, &name, &value))
        {
          JsonNode *server = hangar_record_get_field (record, name);
          JsonNode *before = json_object_get_member (change->previous, name);

          /* The value we meant to replace, or ours already: no conflict. A
           * later change of ours to the same cell settles it either way. */
          if (hangar_journal_values_equal (server, before) || hangar_journal_values_equal (server, value))
            continue;
          {
            gboolean later_touches = FALSE;

            for (guint j = i + 1; j < list->len; j++)
              if (hangar_journal_change_touches (g_ptr_array_index (list, j), name))
                later_touches = TRUE;
            if (later_touches)
              continue;
          }
          if (conflict == NULL)
            conflict = json_object_new ();
          json_object_set_member (conflict, name, server != NULL ? json_node_copy (server) : json_node_new (JSON_NODE_NULL));
        }
      if (conflict == NULL)
        continue;

      _hangar_journal_count_add (self, change, -1);
      _hangar_journal_change_set_conflict (change, conflict);
      _hangar_journal_count_add (self, change, 1);
      if (change->persisted)
        {
          g_autoptr(GError) error = NULL;

          if (!_hangar_journal_persist_one (self, change, &error))
            g_warning ("%s", error->message);
        }
      _hangar_journal_emit_record_changed (self, change->record_id);
      found = TRUE;
    }
  return found;
}

static void
discard_change (HangarJournal       *self,
                HangarJournalChange *change)
{
  change->discarded = TRUE;
  _hangar_journal_count_add (self, change, -1);
  if (change->persisted)
    {
      g_autoptr(HangarStoreStmt) stmt = hangar_store_prepare (self->store,
                                                              "DELETE FROM journal_change WHERE id = ?1", NULL);

      if (stmt != NULL)
        {
          sqlite3_bind_int64 (stmt, 1, change->id);
          if (sqlite3_step (stmt) != SQLITE_DONE)
            g_warning ("Could not forget a change: %s", sqlite3_errmsg (hangar_store_get_db (self->store)));
        }
    }
  /* Counted out above: it leaves the open list now. */
  if (change->conflict != NULL)
    _hangar_journal_change_set_conflict (change, NULL);
  _hangar_journal_change_notify (change, "state");
  _hangar_journal_settle (self, change);
  _hangar_journal_emit_record_changed (self, change->record_id);
}

gboolean
hangar_journal_resolve_conflict (HangarJournal        *self,
                                 HangarJournalChange  *change,
                                 gboolean              keep_mine,
                                 GError              **error)
{
  g_autoptr(JsonObject) previous = NULL;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  g_return_val_if_fail (HANGAR_IS_JOURNAL (self), FALSE);
  g_return_val_if_fail (HANGAR_IS_JOURNAL_CHANGE (change), FALSE);

  if (change->conflict == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s", "This change has no conflict");
      return FALSE;
    }
  if (!keep_mine)
    {
      discard_change (self, change);
      _hangar_journal_check_idle (self);
      return TRUE;
    }

  /* Keep mine: what the server has now is what this change replaces. */
  previous = change->previous != NULL ? _hangar_json_object_deep_copy (change->previous) : json_object_new ();
  json_object_iter_init_ordered (&iter, change->conflict);
  while (json_object_iter_next_ordered (&iter, &name, &value))
    json_object_set_member (previous, name, json_node_copy (value));
  _hangar_journal_change_set_previous (change, previous);

  _hangar_journal_count_add (self, change, -1);
  _hangar_journal_change_set_conflict (change, NULL);
  /* A written change sent again (someone overwrote it after us). */
  change->state = HANGAR_CHANGE_PENDING;
  change->attempts = 0;
  _hangar_journal_change_notify (change, "state");
  _hangar_journal_count_add (self, change, 1);
  if (change->persisted && !_hangar_journal_persist_one (self, change, error))
    return FALSE;
  _hangar_journal_emit_record_changed (self, change->record_id);
  _hangar_journal_kick (self);
  return TRUE;
}

gboolean
hangar_journal_retry (HangarJournal        *self,
                      HangarJournalChange  *change,
                      GError              **error)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL (self), FALSE);
  g_return_val_if_fail (HANGAR_IS_JOURNAL_CHANGE (change), FALSE);

  if (change->state != HANGAR_CHANGE_FAILED && change->state != HANGAR_CHANGE_UNCERTAIN)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Only a failed or uncertain change can be sent again (this one is %s)",
                   hangar_change_state_to_string (change->state));
      return FALSE;
    }
  change->solo = FALSE;
  change->attempts = 0;
  change->lookup_done = LOOKUP_NONE;
  _hangar_journal_set_state (self, change, HANGAR_CHANGE_PENDING, NULL);
  if (change->persisted && !_hangar_journal_persist_one (self, change, error))
    return FALSE;
  self->backoff = 0;
  _hangar_journal_kick (self);
  return TRUE;
}

gboolean
hangar_journal_discard (HangarJournal        *self,
                        HangarJournalChange  *change,
                        GError              **error)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL (self), FALSE);
  g_return_val_if_fail (HANGAR_IS_JOURNAL_CHANGE (change), FALSE);

  if (hangar_journal_change_is_settled (change))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s", _("This change is done already"));
      return FALSE;
    }
  if (change->state == HANGAR_CHANGE_SENDING)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY, "%s",
                   _("This change is being sent; wait for Airtable's answer"));
      return FALSE;
    }
  if (change->state == HANGAR_CHANGE_WRITTEN)
    {
      /* A written change in conflict: take theirs. */
      return hangar_journal_resolve_conflict (self, change, FALSE, error);
    }

  if (change->kind == HANGAR_CHANGE_CREATE && hangar_journal_is_local_id (change->record_id))
    {
      /* The record will never exist: its later changes go with it. */
      GPtrArray *list = _hangar_journal_record_list (self, change->record_id, FALSE);
      g_autoptr(GPtrArray) later = list != NULL ? g_ptr_array_copy (list, (GCopyFunc) g_object_ref, NULL) : NULL;

      if (later != NULL)
        g_ptr_array_set_free_func (later, g_object_unref);
      for (guint i = 0; later != NULL && i < later->len; i++)
        {
          HangarJournalChange *other = g_ptr_array_index (later, i);

          if (other != change && other->state != HANGAR_CHANGE_SENDING)
            discard_change (self, other);
        }
    }
  discard_change (self, change);
  _hangar_journal_check_idle (self);
  return TRUE;
}

gboolean
hangar_journal_edit (HangarJournalChange  *change,
                     JsonObject           *fields,
                     GError              **error)
{
  HangarJournal *self;

  g_return_val_if_fail (HANGAR_IS_JOURNAL_CHANGE (change), FALSE);
  g_return_val_if_fail (fields != NULL, FALSE);

  self = change->journal;
  if (self == NULL || (change->state != HANGAR_CHANGE_PENDING && change->state != HANGAR_CHANGE_FAILED) ||
      change->kind == HANGAR_CHANGE_DELETE || change->kind == HANGAR_CHANGE_UPLOAD)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s",
                   "Only a pending or failed create, update or replace can be edited");
      return FALSE;
    }
  _hangar_journal_change_set_fields (change, fields);
  change->solo = FALSE;
  change->attempts = 0;
  _hangar_journal_set_state (self, change, HANGAR_CHANGE_PENDING, NULL);
  if (change->persisted && !_hangar_journal_persist_one (self, change, error))
    return FALSE;
  _hangar_journal_emit_record_changed (self, change->record_id);
  _hangar_journal_kick (self);
  return TRUE;
}

gboolean
hangar_journal_mark_created (HangarJournal        *self,
                             HangarJournalChange  *change,
                             const char           *record_id,
                             GError              **error)
{
  g_autofree char *local_id = NULL;

  g_return_val_if_fail (HANGAR_IS_JOURNAL (self), FALSE);
  g_return_val_if_fail (HANGAR_IS_JOURNAL_CHANGE (change), FALSE);
  g_return_val_if_fail (record_id != NULL, FALSE);

  if (change->kind != HANGAR_CHANGE_CREATE || change->state != HANGAR_CHANGE_UNCERTAIN)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s",
                   "Only a create whose outcome is uncertain can be marked as created");
      return FALSE;
    }
  local_id = g_strdup (change->record_id);
  if (!hangar_store_begin (self->store, error))
    return FALSE;
  _hangar_journal_rename_record (self, local_id, record_id);
  if (!hangar_store_commit (self->store, error))
    return FALSE;
  _hangar_journal_set_state (self, change, HANGAR_CHANGE_WRITTEN, NULL);
  if (!_hangar_journal_persist_one (self, change, error))
    return FALSE;
  _hangar_journal_settle (self, change);
  _hangar_journal_emit_record_changed (self, local_id);
  _hangar_journal_emit_record_changed (self, record_id);
  _hangar_journal_emit_written (self, change, NULL);
  _hangar_journal_kick (self);
  return TRUE;
}

void
hangar_journal_resume (HangarJournal *self)
{
  g_return_if_fail (HANGAR_IS_JOURNAL (self));

  self->backoff = 0;
  _hangar_journal_set_pause (self, HANGAR_JOURNAL_PAUSE_NONE, 0);
  _hangar_journal_kick (self);
}

void
hangar_journal_wait_idle_async (HangarJournal       *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_return_if_fail (HANGAR_IS_JOURNAL (self));

  g_task_set_source_tag (task, hangar_journal_wait_idle_async);
  if (hangar_journal_count_unsent (self) == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  self->waiters = g_list_append (self->waiters, g_steal_pointer (&task));
}

gboolean
hangar_journal_wait_idle_finish (HangarJournal  *self,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
