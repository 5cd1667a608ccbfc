/* hangar-sync-webhooks.c — HangarSync's webhook per base
 *
 * The recipe (src/api/WEBHOOKS.md): list the base's webhooks; keep using
 * ours while it is enabled; otherwise reuse an enabled one with our
 * specification and no notification URL, or create one. Poll its payloads
 * from the cursor kept in the "sync" tables, looping while the server
 * says there may be more. Never delete a webhook this app did not create
 * (the ids it created are kept); a base full of webhooks, or a token
 * without webhook:manage, means polling for changed records instead.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hangar-client-webhooks.h"
#include "hangar-error.h"
#include "hangar-sync-private.h"

/* Version i → i + 1 of the "sync" component's tables (CACHE database). */
static const char * const schema_steps[] = {
  /* 1 */
  "CREATE TABLE sync_webhook ("
  "  base_id       TEXT PRIMARY KEY NOT NULL,"
  "  webhook_id    TEXT,"
  "  created_by_us INTEGER NOT NULL DEFAULT 0,"
  "  cursor        INTEGER NOT NULL DEFAULT 1,"
  "  last_poll_us  INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE TABLE sync_own_webhook ("           /* every webhook this app created and has not deleted */
  "  base_id    TEXT NOT NULL,"
  "  webhook_id TEXT NOT NULL,"
  "  created_us INTEGER NOT NULL,"
  "  PRIMARY KEY (base_id, webhook_id)"
  ");",
};

/* Keep polling without webhooks this long after the base refused one. */
#define BLOCKED_US ((gint64) G_USEC_PER_SEC * 60 * 60)

gboolean
_hangar_sync_ensure_schema (HangarSync  *self,
                            GError     **error)
{
  return hangar_store_ensure_schema (hangar_cache_get_store (self->cache), "sync", schema_steps,
                                     G_N_ELEMENTS (schema_steps), error);
}

static HangarStore *
store_of (SyncBase *base)
{
  return hangar_cache_get_store (base->sync->cache);
}

void
_hangar_sync_load_webhook (SyncBase *base)
{
  g_autoptr(HangarStoreStmt) stmt = NULL;
  g_autoptr(GError) error = NULL;

  stmt = hangar_store_prepare (store_of (base),
                               "SELECT webhook_id, created_by_us, cursor, last_poll_us FROM sync_webhook "
                               "WHERE base_id = ?1", &error);
  if (stmt == NULL)
    return;
  sqlite3_bind_text (stmt, 1, base->base_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return;
  g_free (base->webhook_id);
  base->webhook_id = sqlite3_column_type (stmt, 0) == SQLITE_TEXT
                       ? g_strdup ((const char *) sqlite3_column_text (stmt, 0)) : NULL;
  base->created_by_us = sqlite3_column_int (stmt, 1) != 0;
  base->cursor = MAX (sqlite3_column_int64 (stmt, 2), 1);
  base->last_poll_us = sqlite3_column_int64 (stmt, 3);
}

static void
save_webhook (SyncBase *base)
{
  g_autoptr(HangarStoreStmt) stmt = NULL;
  g_autoptr(GError) error = NULL;

  stmt = hangar_store_prepare (store_of (base),
                               "INSERT OR REPLACE INTO sync_webhook (base_id, webhook_id, created_by_us, cursor, last_poll_us) "
                               "VALUES (?1, ?2, ?3, ?4, ?5)", &error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, base->base_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, base->webhook_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 3, base->created_by_us);
      sqlite3_bind_int64 (stmt, 4, base->cursor);
      sqlite3_bind_int64 (stmt, 5, base->last_poll_us);
      if (sqlite3_step (stmt) == SQLITE_DONE)
        return;
      hangar_store_set_error (&error, hangar_store_get_db (store_of (base)), sqlite3_errcode (hangar_store_get_db (store_of (base))),
                              "Could not keep the webhook cursor");
    }
  g_warning ("%s", error->message);
}

static void
own_webhook_set (SyncBase   *base,
                 const char *webhook_id,
                 gboolean    own)
{
  g_autoptr(HangarStoreStmt) stmt = NULL;
  g_autoptr(GError) error = NULL;

  stmt = hangar_store_prepare (store_of (base),
                               own ? "INSERT OR IGNORE INTO sync_own_webhook (base_id, webhook_id, created_us) VALUES (?1, ?2, ?3)"
                                   : "DELETE FROM sync_own_webhook WHERE base_id = ?1 AND webhook_id = ?2 AND ?3 = ?3",
                               &error);
  if (stmt == NULL)
    {
      g_warning ("%s", error->message);
      return;
    }
  sqlite3_bind_text (stmt, 1, base->base_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, webhook_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time ());
  if (sqlite3_step (stmt) != SQLITE_DONE)
    g_warning ("Could not note the webhook %s", webhook_id);
}

static gboolean
own_webhook_is (SyncBase   *base,
                const char *webhook_id)
{
  g_autoptr(HangarStoreStmt) stmt = NULL;

  stmt = hangar_store_prepare (store_of (base),
                               "SELECT 1 FROM sync_own_webhook WHERE base_id = ?1 AND webhook_id = ?2", NULL);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, base->base_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, webhook_id, -1, SQLITE_TRANSIENT);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

static void
use_webhook (SyncBase   *base,
             const char *webhook_id,
             gboolean    created_by_us,
             gint64      cursor)
{
  g_free (base->webhook_id);
  base->webhook_id = g_strdup (webhook_id);
  base->created_by_us = created_by_us;
  base->cursor = MAX (cursor, 1);
  base->last_poll_us = g_get_real_time ();
  save_webhook (base);
}

/* ---- one operation of a step ---- */

typedef struct
{
  HangarSync   *sync;
  SyncBase     *base;
  GCancellable *cancellable;
  GPtrArray    *hooks;        /* the listing, during the webhook step */
  gint64        asked_cursor;
  gint64        started_us;
  gboolean      first_page;
  HangarWebhookPage *page;
} Op;

static Op *
op_new (SyncBase *base)
{
  Op *op = g_new0 (Op, 1);

  op->sync = g_object_ref (base->sync);
  op->base = base;
  op->cancellable = g_object_ref (base->cancellable);
  return op;
}

static void
op_free (Op *op)
{
  g_clear_pointer (&op->hooks, g_ptr_array_unref);
  g_clear_pointer (&op->page, hangar_webhook_page_free);
  g_clear_object (&op->cancellable);
  g_object_unref (op->sync);
  g_free (op);
}

/* Ends the step; a cancelled one leaves the base alone (whoever cancelled
 * reset it). */
static void
op_done (Op *op)
{
  SyncBase *base = op->base;
  gboolean cancelled = g_cancellable_is_cancelled (op->cancellable);

  op_free (op);
  if (!cancelled)
    _hangar_sync_step_done (base);
}

static gboolean
same_specification (JsonObject *a,
                    JsonObject *b)
{
  g_autoptr(JsonNode) na = NULL;
  g_autoptr(JsonNode) nb = NULL;

  if (a == NULL || b == NULL)
    return FALSE;
  na = json_node_init_object (json_node_alloc (), a);
  nb = json_node_init_object (json_node_alloc (), b);
  return json_node_equal (na, nb);
}

static const char *
describe_refusal (const GError *error)
{
  const char *type = hangar_api_error_get_server_type (error);

  if (g_strcmp0 (type, "TOO_MANY_WEBHOOKS_IN_BASE") == 0)
    return _("Live sync is off for this base: it already has 10 webhooks, Airtable's limit. "
             "Hangar fetches changed records every 30 seconds instead.");
  if (g_strcmp0 (type, "TOO_MANY_WEBHOOKS_IN_BASE_FOR_INTEGRATION") == 0)
    return _("Live sync is off for this base: this OAuth integration already has 2 webhooks in it, "
             "Airtable's limit. Hangar fetches changed records every 30 seconds instead.");
  if (g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_PERMISSION_DENIED))
    return _("Live sync is off for this base: it needs the webhook:manage scope and creator access to "
             "the base. Hangar fetches changed records every 30 seconds instead.");
  return NULL;
}

/* Live sync is not to be had for now: poll for changed records. */
static void
fall_back (SyncBase   *base,
           const char *note)
{
  base->blocked_until_us = g_get_monotonic_time () + BLOCKED_US;
  _hangar_sync_set_mode (base, HANGAR_SYNC_MODE_POLLING, note);
}

static void delete_cb (GObject *object, GAsyncResult *result, gpointer user_data);

/* Deletes a webhook this app created, in the background. */
static void
delete_own (SyncBase   *base,
            const char *webhook_id)
{
  g_debug ("Deleting the webhook %s of %s, which this app created", webhook_id, base->base_id);
  hangar_client_delete_webhook_async (base->sync->client, base->base_id, webhook_id, NULL, delete_cb,
                                      g_strdup (webhook_id));
}

static void
delete_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autofree char *webhook_id = user_data;
  g_autoptr(GError) error = NULL;

  /* Gone either way, or tried again at the next check (it stays noted). */
  if (!hangar_client_delete_webhook_finish (HANGAR_CLIENT (object), result, &error) &&
      !g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_NOT_FOUND))
    g_debug ("Could not delete the webhook %s: %s", webhook_id, error->message);
}

static void
created_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Op *op = user_data;
  SyncBase *base = op->base;
  g_autoptr(HangarWebhook) hook = NULL;
  g_autoptr(GError) error = NULL;
  const char *note;

  hook = hangar_client_create_webhook_finish (HANGAR_CLIENT (object), result, &error);
  if (g_cancellable_is_cancelled (op->cancellable))
    {
      /* Created all the same: noted as ours, so it is reused or cleaned. */
      if (hook != NULL)
        own_webhook_set (base, hangar_webhook_get_id (hook), TRUE);
      op_done (op);
      return;
    }
  _hangar_sync_note_result (op->sync, error);
  if (hook == NULL)
    {
      if ((note = describe_refusal (error)) != NULL)
        fall_back (base, note);
      else
        /* An uncertain create is found by the next listing (it has our
         * specification); anything else is tried again. */
        g_debug ("Could not create a webhook for %s: %s", base->base_id, error->message);
      op_done (op);
      return;
    }

  own_webhook_set (base, hangar_webhook_get_id (hook), TRUE);
  use_webhook (base, hangar_webhook_get_id (hook), TRUE, 1);
  base->health_us = g_get_monotonic_time ();
  base->next_cursor = 1;
  g_debug ("Created the webhook %s for %s", hangar_webhook_get_id (hook), base->base_id);
  _hangar_sync_set_mode (base, HANGAR_SYNC_MODE_LIVE, NULL);
  op_done (op);
}

static void
create_webhook (Op *op)
{
  g_autoptr(JsonObject) spec = _hangar_sync_dup_own_specification (op->sync);

  hangar_client_create_webhook_async (op->sync->client, op->base->base_id, spec, NULL, op->cancellable,
                                      created_cb, op);
}

static void
listed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Op *op = user_data;
  SyncBase *base = op->base;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) spec = _hangar_sync_dup_own_specification (op->sync);
  HangarWebhook *current = NULL;
  HangarWebhook *reusable = NULL;
  const char *note;

  op->hooks = hangar_client_list_webhooks_finish (HANGAR_CLIENT (object), result, &error);
  if (g_cancellable_is_cancelled (op->cancellable))
    {
      op_done (op);
      return;
    }
  _hangar_sync_note_result (op->sync, error);
  if (op->hooks == NULL)
    {
      if ((note = describe_refusal (error)) != NULL)
        fall_back (base, note);
      else
        g_debug ("Could not list the webhooks of %s: %s", base->base_id, error->message);
      op_done (op);
      return;
    }

  for (guint i = 0; i < op->hooks->len; i++)
    {
      HangarWebhook *hook = g_ptr_array_index (op->hooks, i);
      const char *id = hangar_webhook_get_id (hook);

      if (g_strcmp0 (id, base->webhook_id) == 0)
        current = hook;
      else if (own_webhook_is (base, id) && !hangar_webhook_get_is_hook_enabled (hook))
        {
          /* An old one of ours that died: it still counts against the
           * limit until deleted. */
          delete_own (base, id);
          own_webhook_set (base, id, FALSE);
        }
      else if (reusable == NULL && hangar_webhook_get_is_hook_enabled (hook) &&
               hangar_webhook_get_notification_url (hook) == NULL &&
               same_specification (hangar_webhook_get_specification (hook), spec))
        reusable = hook;
    }

  if (current != NULL && hangar_webhook_get_is_hook_enabled (current))
    {
      gint64 next = hangar_webhook_get_cursor_for_next_payload (current);

      base->health_us = g_get_monotonic_time ();
      base->next_cursor = next;
      if ((next > 0 && base->cursor > next) ||
          g_get_real_time () - base->last_poll_us > HANGAR_SYNC_STALE_US)
        {
          /* Payloads a week old are gone; a cursor past the end means the
           * webhook is not the one we knew. */
          _hangar_sync_mark_lost (base, "the webhook's payloads may have been lost");
          if (next > 0)
            base->cursor = next;
          base->last_poll_us = g_get_real_time ();
          save_webhook (base);
        }
      _hangar_sync_set_mode (base, HANGAR_SYNC_MODE_LIVE, NULL);
      op_done (op);
      return;
    }

  if (base->webhook_id != NULL)
    {
      /* Ours expired, errored or disappeared: what it would have said is
       * lost. */
      _hangar_sync_mark_lost (base, current != NULL ? "the webhook was turned off (expired or in error)"
                                                    : "the webhook is gone");
      if (current != NULL && base->created_by_us)
        {
          delete_own (base, base->webhook_id);
          own_webhook_set (base, base->webhook_id, FALSE);
        }
      g_clear_pointer (&base->webhook_id, g_free);
      base->created_by_us = FALSE;
      save_webhook (base);
    }

  if (reusable != NULL)
    {
      const char *id = hangar_webhook_get_id (reusable);

      /* Changes before now are not in it for us: the cached tables are
       * fetched again, and payloads start from its next cursor. */
      _hangar_sync_mark_lost (base, "a webhook is reused");
      use_webhook (base, id, own_webhook_is (base, id), hangar_webhook_get_cursor_for_next_payload (reusable));
      base->health_us = g_get_monotonic_time ();
      base->next_cursor = base->cursor;
      _hangar_sync_set_mode (base, HANGAR_SYNC_MODE_LIVE, NULL);
      op_done (op);
      return;
    }

  /* A new webhook starts at cursor 1 and knows nothing before it. */
  _hangar_sync_mark_lost (base, "a new webhook is created");
  create_webhook (op);
}

void
_hangar_sync_webhook_step (SyncBase *base)
{
  HangarSync *self = base->sync;

  if (!self->use_webhooks)
    {
      _hangar_sync_set_mode (base, HANGAR_SYNC_MODE_POLLING,
                             _("Live sync needs the webhook:manage scope, which this account was not granted. "
                               "Hangar fetches changed records every 30 seconds instead."));
      _hangar_sync_step_done (base);
      return;
    }
  if (base->blocked_until_us > g_get_monotonic_time ())
    {
      _hangar_sync_set_mode (base, HANGAR_SYNC_MODE_POLLING, base->note);
      _hangar_sync_step_done (base);
      return;
    }
  base->blocked_until_us = 0;
  hangar_client_list_webhooks_async (self->client, base->base_id, base->cancellable, listed_cb, op_new (base));
}

/* ---- payloads ---- */

static void poll_page (Op *op);

/* The webhook went away under us (deleted, or never there): start over. */
static void
webhook_gone (SyncBase *base)
{
  _hangar_sync_mark_lost (base, "the webhook is gone");
  g_clear_pointer (&base->webhook_id, g_free);
  base->created_by_us = FALSE;
  save_webhook (base);
  _hangar_sync_set_mode (base, HANGAR_SYNC_MODE_UNKNOWN, NULL);
}

static void
applied_cb (SyncBase *base,
            gboolean  ok,
            gboolean  lost,
            gpointer  data)
{
  Op *op = data;
  HangarWebhookPage *page = op->page;

  if (g_cancellable_is_cancelled (op->cancellable))
    {
      op_done (op);
      return;
    }
  if (!ok)
    {
      /* The cache could not take them: read them again next time. */
      op_done (op);
      return;
    }
  if (lost)
    {
      /* An error payload: the webhook collects nothing more. Ours is
       * deleted and a new one made at the next step. */
      if (base->created_by_us && base->webhook_id != NULL)
        {
          delete_own (base, base->webhook_id);
          own_webhook_set (base, base->webhook_id, FALSE);
        }
      _hangar_sync_mark_lost (base, "the webhook sent an error payload");
      g_clear_pointer (&base->webhook_id, g_free);
      base->created_by_us = FALSE;
      save_webhook (base);
      _hangar_sync_set_mode (base, HANGAR_SYNC_MODE_UNKNOWN, NULL);
      op_done (op);
      return;
    }

  base->cursor = page->cursor;
  base->last_poll_us = g_get_real_time ();
  save_webhook (base);
  if (page->might_have_more && page->payloads->len > 0)
    {
      g_clear_pointer (&op->page, hangar_webhook_page_free);
      poll_page (op);
      return;
    }
  if (base->schema_dirty)
    _hangar_sync_refresh_schema (base);
  _hangar_sync_tables_synced (base, op->started_us);
  op_done (op);
}

static void
payloads_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Op *op = user_data;
  SyncBase *base = op->base;
  g_autoptr(GError) error = NULL;
  HangarWebhookPage *page;
  gint64 first;

  page = hangar_client_list_webhook_payloads_finish (HANGAR_CLIENT (object), result, &error);
  if (g_cancellable_is_cancelled (op->cancellable))
    {
      g_clear_pointer (&page, hangar_webhook_page_free);
      op_done (op);
      return;
    }
  _hangar_sync_note_result (op->sync, error);
  if (page == NULL)
    {
      const char *note;

      if (g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_NOT_FOUND))
        webhook_gone (base);
      else if ((note = describe_refusal (error)) != NULL)
        fall_back (base, note);
      else
        g_debug ("Could not read the payloads of %s: %s", base->base_id, error->message);
      op_done (op);
      return;
    }
  op->page = page;

  /* A hole: the first payload returned is past the cursor asked for (the
   * ones between were deleted for age), or nothing came back although the
   * webhook had said more would. */
  first = page->cursor - page->payloads->len;
  if ((page->payloads->len > 0 && first > op->asked_cursor) ||
      (op->first_page && page->payloads->len == 0 && base->next_cursor > op->asked_cursor))
    {
      _hangar_sync_mark_lost (base, "payloads were deleted before they were read");
      base->cursor = MAX (page->cursor, base->next_cursor);
      base->next_cursor = -1;
      base->last_poll_us = g_get_real_time ();
      save_webhook (base);
      op_done (op);
      return;
    }
  op->first_page = FALSE;
  base->next_cursor = -1;
  if (page->payloads->len == 0)
    {
      applied_cb (base, TRUE, FALSE, op);
      return;
    }
  g_debug ("%u payloads for %s from cursor %" G_GINT64_FORMAT, page->payloads->len, base->base_id, op->asked_cursor);
  _hangar_sync_apply_payloads (base, page->payloads, applied_cb, op);
}

static void
poll_page (Op *op)
{
  op->asked_cursor = op->base->cursor;
  hangar_client_list_webhook_payloads_async (op->sync->client, op->base->base_id, op->base->webhook_id,
                                             op->asked_cursor, HANGAR_WEBHOOK_PAYLOADS_LIMIT, op->cancellable,
                                             payloads_cb, op);
}

void
_hangar_sync_poll_step (SyncBase *base)
{
  Op *op;

  if (base->webhook_id == NULL)
    {
      _hangar_sync_set_mode (base, HANGAR_SYNC_MODE_UNKNOWN, NULL);
      _hangar_sync_step_done (base);
      return;
    }
  op = op_new (base);
  op->first_page = TRUE;
  op->started_us = g_get_real_time ();
  poll_page (op);
}

/* ---- cleaning up ---- */

typedef struct
{
  GPtrArray *ids;
  guint      next;
  GError    *error;
} Cleanup;

static void
cleanup_free (Cleanup *cleanup)
{
  g_ptr_array_unref (cleanup->ids);
  g_clear_error (&cleanup->error);
  g_free (cleanup);
}

static void cleanup_next (GTask *task);

static void
cleanup_deleted_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HangarSync *self = g_task_get_source_object (task);
  Cleanup *cleanup = g_task_get_task_data (task);
  const char *id = g_ptr_array_index (cleanup->ids, cleanup->next - 1);
  const char *base_id = g_object_get_data (G_OBJECT (task), "base-id");
  SyncBase *base = g_hash_table_lookup (self->bases, base_id);
  g_autoptr(GError) error = NULL;

  if (hangar_client_delete_webhook_finish (HANGAR_CLIENT (object), result, &error) ||
      g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_NOT_FOUND))
    {
      if (base != NULL)
        {
          own_webhook_set (base, id, FALSE);
          if (g_strcmp0 (base->webhook_id, id) == 0)
            {
              g_clear_pointer (&base->webhook_id, g_free);
              save_webhook (base);
              _hangar_sync_set_mode (base, HANGAR_SYNC_MODE_UNKNOWN, NULL);
            }
        }
    }
  else if (cleanup->error == NULL)
    cleanup->error = g_steal_pointer (&error);
  cleanup_next (g_steal_pointer (&task));
}

static void
cleanup_next (GTask *task)
{
  HangarSync *self = g_task_get_source_object (task);
  Cleanup *cleanup = g_task_get_task_data (task);

  if (cleanup->next >= cleanup->ids->len)
    {
      if (cleanup->error != NULL)
        g_task_return_error (task, g_steal_pointer (&cleanup->error));
      else
        g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  hangar_client_delete_webhook_async (self->client, g_object_get_data (G_OBJECT (task), "base-id"),
                                      g_ptr_array_index (cleanup->ids, cleanup->next++),
                                      g_task_get_cancellable (task), cleanup_deleted_cb, task);
}

void
hangar_sync_delete_own_webhooks_async (HangarSync          *self,
                                       const char          *base_id,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(HangarStoreStmt) stmt = NULL;
  Cleanup *cleanup;
  GTask *task;
  SyncBase *base;

  g_return_if_fail (HANGAR_IS_SYNC (self));
  g_return_if_fail (base_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_sync_delete_own_webhooks_async);
  g_object_set_data_full (G_OBJECT (task), "base-id", g_strdup (base_id), g_free);
  cleanup = g_new0 (Cleanup, 1);
  cleanup->ids = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, cleanup, (GDestroyNotify) cleanup_free);

  /* Stop using it first, so no poll races the deletion. */
  base = g_hash_table_lookup (self->bases, base_id);
  if (base != NULL)
    {
      g_clear_handle_id (&base->timer, g_source_remove);
      base->blocked_until_us = g_get_monotonic_time () + BLOCKED_US;
    }

  stmt = hangar_store_prepare (hangar_cache_get_store (self->cache),
                               "SELECT webhook_id FROM sync_own_webhook WHERE base_id = ?1", NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, base_id, -1, SQLITE_TRANSIENT);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_ptr_array_add (cleanup->ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
    }
  cleanup_next (task);
}

gboolean
hangar_sync_delete_own_webhooks_finish (HangarSync    *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
