/* hangar-record-list.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-client.h"
#include "hangar-error.h"
#include "hangar-page-guard.h"
#include "hangar-record-list.h"

/**
 * HangarRecordList:
 *
 * A #GListModel of #HangarRecord for one table (and one set of list
 * options), filled page by page (100 records) so a view can show the first
 * page while the rest loads. Nothing is fetched until asked: the first
 * g_list_model_get_n_items(), a g_list_model_get_item() near the end of what
 * is loaded, hangar_record_list_load_more() (one page) or
 * hangar_record_list_load_all() (every page). hangar_record_list_stop()
 * cancels the page in flight and stops automatic loading until asked again.
 *
 * Each page appends its records with one #GListModel::items-changed.
 *
 * Iterator expiry. When Airtable answers 422 LIST_RECORDS_ITERATOR_NOT_AVAILABLE
 * for a later page, the list restarts the listing from the first page,
 * transparently:
 * - records already in the model stay where they are (the model never
 *   removes or reorders items while loading);
 * - every record the restarted listing returns whose id is already in the
 *   model is skipped, so nothing is duplicated; records not seen yet are
 *   appended in the order the restarted listing returns them, so nothing is
 *   lost (records created meanwhile show up at the end);
 * - a record deleted or changed on the server after it was shown keeps its
 *   first-seen version until the list is reloaded;
 * - at most 5 restarts per list, then #HangarRecordList:failed is set to
 *   %HANGAR_API_ERROR_ITERATOR_EXPIRED.
 *
 * A listing that goes round in circles — an offset given a second time, a
 * page whose records are all in the model already (beyond what a restart
 * replays), too many empty pages — stops with
 * %HANGAR_API_ERROR_INVALID_RESPONSE ("The server repeated a page…") in
 * #HangarRecordList:failed, never with another request (#HangarPageGuard).
 *
 * What Airtable sent that could not be kept exactly (a number beyond the
 * double range, an integer beyond 64 bits, …) is in each record's
 * hangar_record_get_notes() and, for the whole list, in
 * #HangarRecordList:notes.
 */

#define MAX_RESTARTS   5
#define PREFETCH_ROWS  50

struct _HangarRecordList
{
  GObject            parent_instance;

  HangarClient      *client;
  char              *base_id;
  char              *table;
  HangarListOptions *options;

  GPtrArray         *items;
  GHashTable        *ids;          /* record id (owned by the record) → record */
  HangarPageGuard   *guard;
  GPtrArray         *notes;        /* char*, NULL-terminated once there is one */
  char              *offset;
  GCancellable      *cancellable;
  GError            *failed;
  GList             *waiters;      /* GTask* of load_all_async */
  guint              idle_id;
  guint              n_restarts;
  guint              n_pages;
  guint              generation;   /* bumped by stop(): late answers are dropped */

  guint              started   : 1;
  guint              loading   : 1;
  guint              complete  : 1;
  guint              load_all  : 1;
  guint              stopped   : 1;
};

static void hangar_record_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HangarRecordList, hangar_record_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, hangar_record_list_model_init))

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_BASE_ID,
  PROP_TABLE,
  PROP_OPTIONS,
  PROP_LOADING,
  PROP_COMPLETE,
  PROP_FAILED,
  PROP_N_LOADED,
  PROP_N_ITEMS,
  PROP_NOTES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void fetch_page (HangarRecordList *self);

static void
set_loading (HangarRecordList *self,
             gboolean          loading)
{
  if (self->loading == !!loading)
    return;
  self->loading = !!loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

typedef struct
{
  GCancellable *cancellable;
  gulong        cancel_id;
  HangarRecordList *list;  /* unowned; the list owns the waiter */
} Waiter;

static void
resolve_waiters (HangarRecordList *self,
                 const GError     *error)
{
  GList *waiters = g_steal_pointer (&self->waiters);

  for (GList *l = waiters; l != NULL; l = l->next)
    {
      GTask *task = l->data;
      Waiter *waiter = g_task_get_task_data (task);

      if (waiter->cancel_id != 0)
        g_cancellable_disconnect (waiter->cancellable, waiter->cancel_id);
      waiter->cancel_id = 0;
      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
    }
  g_list_free_full (waiters, g_object_unref);
}

/* Returns: how many of @records were new */
static guint
append_records (HangarRecordList *self,
                GPtrArray        *records)
{
  guint old_n = self->items->len;
  gboolean noted = FALSE;
  guint added;

  for (guint i = 0; i < records->len; i++)
    {
      HangarRecord *record = g_ptr_array_index (records, i);
      const char *id = hangar_record_get_id (record);
      const char * const *notes;

      if (g_hash_table_contains (self->ids, id))
        continue;
      g_ptr_array_add (self->items, g_object_ref (record));
      g_hash_table_insert (self->ids, (gpointer) id, record);

      notes = hangar_record_get_notes (record);
      for (guint n = 0; notes != NULL && notes[n] != NULL; n++)
        {
          if (self->notes->len > 0)
            g_ptr_array_remove_index (self->notes, self->notes->len - 1);   /* the NULL */
          g_ptr_array_add (self->notes, g_strdup_printf ("record %s: %s", id, notes[n]));
          g_ptr_array_add (self->notes, NULL);
          noted = TRUE;
        }
    }

  added = self->items->len - old_n;
  if (noted)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOTES]);
  if (added > 0)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), old_n, 0, added);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_LOADED]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
    }
  return added;
}

typedef struct
{
  HangarRecordList *list;
  guint             generation;
} PageRequest;

static void
page_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  PageRequest *request = user_data;
  g_autoptr(HangarRecordList) self = request->list;
  guint generation = request->generation;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *offset = NULL;
  guint added;

  g_free (request);

  records = hangar_client_list_records_page_finish (HANGAR_CLIENT (object), result, &offset, &error);

  if (generation != self->generation)
    return;

  if (records == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* Stopped: nothing failed; waiters learn it was cancelled. */
          set_loading (self, FALSE);
          resolve_waiters (self, error);
          return;
        }

      if (g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_ITERATOR_EXPIRED) &&
          self->offset != NULL && self->n_restarts < MAX_RESTARTS)
        {
          g_debug ("List iterator expired after %u records; restarting from the first page",
                   self->items->len);
          self->n_restarts++;
          g_clear_pointer (&self->offset, g_free);
          hangar_page_guard_restart (self->guard, self->items->len);
          fetch_page (self);
          return;
        }

      g_clear_error (&self->failed);
      self->failed = g_steal_pointer (&error);
      set_loading (self, FALSE);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAILED]);
      resolve_waiters (self, self->failed);
      return;
    }

  self->n_pages++;
  added = append_records (self, records);
  if (!hangar_page_guard_check (self->guard, records->len, added, offset, &error))
    {
      g_clear_error (&self->failed);
      self->failed = g_steal_pointer (&error);
      self->load_all = FALSE;
      set_loading (self, FALSE);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAILED]);
      resolve_waiters (self, self->failed);
      return;
    }
  g_free (self->offset);
  self->offset = g_steal_pointer (&offset);

  if (self->offset == NULL)
    {
      self->complete = TRUE;
      self->load_all = FALSE;
      set_loading (self, FALSE);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETE]);
      resolve_waiters (self, NULL);
      return;
    }

  if (self->load_all && !self->stopped)
    {
      fetch_page (self);
      return;
    }
  set_loading (self, FALSE);
}

static void
fetch_page (HangarRecordList *self)
{
  PageRequest *request = g_new0 (PageRequest, 1);

  request->list = g_object_ref (self);
  request->generation = self->generation;
  self->started = TRUE;
  set_loading (self, TRUE);
  hangar_client_list_records_page_async (self->client, self->base_id, self->table, self->options,
                                         self->offset, self->cancellable, page_cb, request);
}

static void
start_loading (HangarRecordList *self)
{
  if (self->loading || self->complete)
    return;
  if (self->failed != NULL)
    {
      g_clear_error (&self->failed);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAILED]);
    }
  fetch_page (self);
}

static gboolean
demand_idle_cb (gpointer user_data)
{
  HangarRecordList *self = user_data;

  self->idle_id = 0;
  if (!self->stopped && self->failed == NULL)
    start_loading (self);
  return G_SOURCE_REMOVE;
}

/* Views read the model while painting: never start I/O (or notify) from
 * inside a getter, only from an idle. */
static void
load_on_demand (HangarRecordList *self)
{
  if (self->idle_id != 0 || self->loading || self->complete || self->stopped || self->failed != NULL)
    return;
  self->idle_id = g_idle_add_full (G_PRIORITY_DEFAULT, demand_idle_cb, self, NULL);
}

static GType
hangar_record_list_get_item_type (GListModel *model)
{
  return HANGAR_TYPE_RECORD;
}

static guint
hangar_record_list_get_n_items (GListModel *model)
{
  HangarRecordList *self = HANGAR_RECORD_LIST (model);

  if (!self->started)
    load_on_demand (self);
  return self->items->len;
}

static gpointer
hangar_record_list_get_item (GListModel *model,
                             guint       position)
{
  HangarRecordList *self = HANGAR_RECORD_LIST (model);

  if (position + PREFETCH_ROWS >= self->items->len)
    load_on_demand (self);
  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
hangar_record_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = hangar_record_list_get_item_type;
  iface->get_n_items = hangar_record_list_get_n_items;
  iface->get_item = hangar_record_list_get_item;
}

static void
hangar_record_list_dispose (GObject *object)
{
  HangarRecordList *self = HANGAR_RECORD_LIST (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->idle_id, g_source_remove);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (hangar_record_list_parent_class)->dispose (object);
}

static void
hangar_record_list_finalize (GObject *object)
{
  HangarRecordList *self = HANGAR_RECORD_LIST (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->ids, g_hash_table_unref);
  g_clear_pointer (&self->guard, hangar_page_guard_free);
  g_clear_pointer (&self->notes, g_ptr_array_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->options, hangar_list_options_free);
  g_clear_error (&self->failed);
  g_free (self->offset);
  g_free (self->base_id);
  g_free (self->table);

  G_OBJECT_CLASS (hangar_record_list_parent_class)->finalize (object);
}

static void
hangar_record_list_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  HangarRecordList *self = HANGAR_RECORD_LIST (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_BASE_ID:
      g_value_set_string (value, self->base_id);
      break;
    case PROP_TABLE:
      g_value_set_string (value, self->table);
      break;
    case PROP_OPTIONS:
      g_value_set_boxed (value, self->options);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_COMPLETE:
      g_value_set_boolean (value, self->complete);
      break;
    case PROP_FAILED:
      g_value_set_boxed (value, self->failed);
      break;
    case PROP_N_LOADED:
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->items->len);
      break;
    case PROP_NOTES:
      g_value_set_boxed (value, hangar_record_list_get_notes (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_record_list_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  HangarRecordList *self = HANGAR_RECORD_LIST (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;
    case PROP_BASE_ID:
      self->base_id = g_value_dup_string (value);
      break;
    case PROP_TABLE:
      self->table = g_value_dup_string (value);
      break;
    case PROP_OPTIONS:
      self->options = g_value_dup_boxed (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_record_list_class_init (HangarRecordListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hangar_record_list_dispose;
  object_class->finalize = hangar_record_list_finalize;
  object_class->get_property = hangar_record_list_get_property;
  object_class->set_property = hangar_record_list_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, HANGAR_TYPE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BASE_ID] =
    g_param_spec_string ("base-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TABLE] =
    g_param_spec_string ("table", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OPTIONS] =
    g_param_spec_boxed ("options", NULL, NULL, HANGAR_TYPE_LIST_OPTIONS,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /** HangarRecordList:loading: a page request is in flight */
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /** HangarRecordList:complete: the last page was read */
  properties[PROP_COMPLETE] =
    g_param_spec_boolean ("complete", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /** HangarRecordList:failed: why loading stopped (a #GError), or %NULL */
  properties[PROP_FAILED] =
    g_param_spec_boxed ("failed", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /** HangarRecordList:n-loaded: records in the model so far */
  properties[PROP_N_LOADED] =
    g_param_spec_uint ("n-loaded", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * HangarRecordList:notes:
   *
   * What the loaded records held that could not be kept exactly as sent,
   * one line per value: "record rec…: field “Count”: the integer … is beyond
   * 64 bits and was read as …" (see hangar_record_get_notes()). %NULL while
   * there is none; notified when lines are added.
   */
  properties[PROP_NOTES] =
    g_param_spec_boxed ("notes", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_record_list_init (HangarRecordList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->ids = g_hash_table_new (g_str_hash, g_str_equal);
  self->guard = hangar_page_guard_new ();
  self->notes = g_ptr_array_new_with_free_func (g_free);
  self->cancellable = g_cancellable_new ();
}

/**
 * hangar_record_list_new:
 * @client: the account's client
 * @base_id: the base
 * @table: a table id or name
 * @options: (nullable): list options (copied)
 *
 * Returns: (transfer full): an empty list; see #HangarRecordList for when it loads
 */
HangarRecordList *
hangar_record_list_new (HangarClient            *client,
                        const char              *base_id,
                        const char              *table,
                        const HangarListOptions *options)
{
  g_return_val_if_fail (HANGAR_IS_CLIENT (client), NULL);
  g_return_val_if_fail (base_id != NULL && table != NULL, NULL);

  return g_object_new (HANGAR_TYPE_RECORD_LIST,
                       "client", client,
                       "base-id", base_id,
                       "table", table,
                       "options", options,
                       NULL);
}

gboolean
hangar_record_list_get_loading (HangarRecordList *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_LIST (self), FALSE);
  return self->loading;
}

gboolean
hangar_record_list_get_complete (HangarRecordList *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_LIST (self), FALSE);
  return self->complete;
}

/** hangar_record_list_get_failed: Returns: (nullable): why loading stopped */
const GError *
hangar_record_list_get_failed (HangarRecordList *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_LIST (self), NULL);
  return self->failed;
}

guint
hangar_record_list_get_n_loaded (HangarRecordList *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_LIST (self), 0);
  return self->items->len;
}

/**
 * hangar_record_list_get_notes:
 * @self: a #HangarRecordList
 *
 * Returns: (transfer none) (nullable) (array zero-terminated=1): see
 *   #HangarRecordList:notes
 */
const char * const *
hangar_record_list_get_notes (HangarRecordList *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_LIST (self), NULL);
  return self->notes->len > 0 ? (const char * const *) self->notes->pdata : NULL;
}

/** hangar_record_list_get_n_restarts: Returns: how often an expired iterator restarted the listing */
guint
hangar_record_list_get_n_restarts (HangarRecordList *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_LIST (self), 0);
  return self->n_restarts;
}

/** hangar_record_list_get_n_pages: Returns: pages received (restarted ones included) */
guint
hangar_record_list_get_n_pages (HangarRecordList *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_LIST (self), 0);
  return self->n_pages;
}

/** hangar_record_list_lookup: Returns: (transfer none) (nullable): the loaded record with this id */
HangarRecord *
hangar_record_list_lookup (HangarRecordList *self,
                           const char       *record_id)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_LIST (self), NULL);
  return g_hash_table_lookup (self->ids, record_id);
}

/**
 * hangar_record_list_load_more:
 * @self: a #HangarRecordList
 *
 * Loads the next page, unless one is in flight or the list is complete. A
 * failed list tries again from where it stopped.
 */
void
hangar_record_list_load_more (HangarRecordList *self)
{
  g_return_if_fail (HANGAR_IS_RECORD_LIST (self));

  self->stopped = FALSE;
  start_loading (self);
}

/**
 * hangar_record_list_load_all:
 * @self: a #HangarRecordList
 *
 * Loads page after page until the list is complete, fails or is stopped.
 */
void
hangar_record_list_load_all (HangarRecordList *self)
{
  g_return_if_fail (HANGAR_IS_RECORD_LIST (self));

  self->stopped = FALSE;
  if (self->complete)
    return;
  self->load_all = TRUE;
  start_loading (self);
}

/**
 * hangar_record_list_stop:
 * @self: a #HangarRecordList
 *
 * Cancels the page in flight and stops loading; the records loaded so far
 * stay. hangar_record_list_load_more() or _load_all() continue later.
 */
void
hangar_record_list_stop (HangarRecordList *self)
{
  g_return_if_fail (HANGAR_IS_RECORD_LIST (self));

  self->stopped = TRUE;
  self->load_all = FALSE;
  g_clear_handle_id (&self->idle_id, g_source_remove);
  if (self->loading)
    {
      /* The answer to the page in flight will be dropped. */
      self->generation++;
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
      set_loading (self, FALSE);
    }
  if (self->waiters != NULL)
    {
      g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", "Loading was stopped");

      resolve_waiters (self, error);
    }
}

static gboolean
stop_idle_cb (gpointer user_data)
{
  HangarRecordList *self = user_data;

  hangar_record_list_stop (self);
  return G_SOURCE_REMOVE;
}

static void
waiter_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  HangarRecordList *self = user_data;

  /* Not from inside g_cancellable_cancel(): disconnecting there would deadlock. */
  g_idle_add_full (G_PRIORITY_DEFAULT, stop_idle_cb, g_object_ref (self), g_object_unref);
}

static void
waiter_free (gpointer data)
{
  Waiter *waiter = data;

  g_clear_object (&waiter->cancellable);
  g_free (waiter);
}

/**
 * hangar_record_list_load_all_async:
 * @self: a #HangarRecordList
 * @cancellable: (nullable): cancelling it stops the list
 * @callback: called when the list is complete, failed or was stopped
 * @user_data: data for @callback
 *
 * hangar_record_list_load_all(), with a callback.
 */
void
hangar_record_list_load_all_async (HangarRecordList    *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Waiter *waiter;

  g_return_if_fail (HANGAR_IS_RECORD_LIST (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, hangar_record_list_load_all_async);
  if (self->complete)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  waiter = g_new0 (Waiter, 1);
  waiter->list = self;
  g_task_set_task_data (task, waiter, waiter_free);
  if (cancellable != NULL)
    {
      waiter->cancellable = g_object_ref (cancellable);
      waiter->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (waiter_cancelled_cb),
                                                 self, NULL);
    }
  self->waiters = g_list_append (self->waiters, g_steal_pointer (&task));
  hangar_record_list_load_all (self);
}

gboolean
hangar_record_list_load_all_finish (HangarRecordList  *self,
                                    GAsyncResult      *result,
                                    GError           **error)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_LIST (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
