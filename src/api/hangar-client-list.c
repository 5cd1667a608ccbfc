/* hangar-client-list.c — HangarClient: listing records, and round trips
 *
 * Pages of a listing, read in one pass into the records' compact text
 * (hangar-record-page.c) or through the models when something is off;
 * whole listings; the smoothed round trips HangarFetch sizes its parts by.
 * Split from hangar-client.c, whose object and other endpoints it shares
 * through hangar-client-private.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hangar-client-private.h"
#include "hangar-error.h"
#include "hangar-ids.h"
#include "hangar-model-private.h"
#include "hangar-record-list.h"
#include "hangar-record-page.h"
#include "hangar-redact.h"
#include "hangar-scheduler.h"

/* ---- round trips ---- */

void
_hangar_client_note_latency (HangarClient *self,
                             const char   *base_id,
                             gint64        us)
{
  const char *keys[] = { base_id != NULL ? base_id : "", "" };

  /* Per base, and "" for the client as a whole. A new sample counts a
   * quarter: quick to follow a change, calm under one slow answer. */
  for (guint i = 0; i < (base_id != NULL ? 2 : 1); i++)
    {
      gint64 *value = g_hash_table_lookup (self->latency, keys[i]);

      if (value == NULL)
        {
          value = g_new (gint64, 1);
          *value = us;
          g_hash_table_insert (self->latency, g_strdup (keys[i]), value);
        }
      else
        *value = (*value * 3 + us) / 4;
    }
  /* The next process (a CLI run) starts from it too. */
  if (self->pacing && base_id != NULL)
    _hangar_scheduler_note_latency (self->scheduler, base_id, us);
}

/**
 * hangar_client_get_latency_us:
 * @self: a #HangarClient
 * @base_id: (nullable): a base
 *
 * How long a request takes, from sending it to the last byte of the answer,
 * smoothed over this client's recent requests to @base_id (or to anything,
 * when there were none to @base_id or @base_id is %NULL).
 *
 * Returns: microseconds, -1 when the client sent nothing yet
 */
gint64
hangar_client_get_latency_us (HangarClient *self,
                              const char   *base_id)
{
  gint64 *value = NULL;

  g_return_val_if_fail (HANGAR_IS_CLIENT (self), -1);

  if (base_id != NULL)
    value = g_hash_table_lookup (self->latency, base_id);
  if (value == NULL)
    value = g_hash_table_lookup (self->latency, "");
  return value != NULL ? *value : -1;
}

/* ---- list records ---- */

typedef struct
{
  GPtrArray *records;
  char      *offset;
} Page;

static void
page_free (gpointer data)
{
  Page *page = data;

  g_clear_pointer (&page->records, g_ptr_array_unref);
  g_free (page->offset);
  g_free (page);
}

static gpointer
parse_page (JsonNode   *root,
            GPtrArray  *notes,
            GError    **error)
{
  g_autoptr(GPtrArray) records = NULL;
  const char *offset;
  gboolean ok;
  Page *page;

  records = _hangar_record_list_from_json_with_notes (root, notes, error);
  if (records == NULL)
    return NULL;
  offset = _hangar_client_get_offset_member (json_node_get_object (root), &ok, error);
  if (!ok)
    return NULL;

  page = g_new0 (Page, 1);
  page->records = g_steal_pointer (&records);
  page->offset = g_strdup (offset);
  return page;
}

/* The page's body: read in one pass when it is the common case
 * (hangar-record-page.c), through the JSON tree and the models otherwise,
 * which say exactly what is wrong with it. */
static Page *
page_from_body (GBytes  *body,
                guint    status,
                GError **error)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) notes = NULL;
  g_autoptr(GError) local_error = NULL;
  char *offset = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (body, &len);
  Page *page;

  if (len > 0 && _hangar_record_page_read (data, len, HANGAR_ANSWER_MAX_RECORDS_PAGE, &records, &offset))
    {
      page = g_new0 (Page, 1);
      page->records = g_steal_pointer (&records);
      page->offset = offset;
      return page;
    }

  if (len > 0)
    {
      root = hangar_json_parse_full (data, len, HANGAR_ANSWER_MAX_RECORDS_PAGE, &notes, &local_error);
      if (root == NULL)
        {
          GError *invalid = g_error_new (HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE,
                                         _("Airtable's answer is not valid JSON: %s"), local_error->message);

          hangar_api_error_set_details (invalid, status, NULL, NULL);
          g_propagate_error (error, invalid);
          return NULL;
        }
    }
  else
    root = json_node_new (JSON_NODE_NULL);
  return parse_page (root, notes, error);
}

static void
page_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;
  guint status = 0;
  Page *page;

  body = _hangar_client_send_finish_raw (HANGAR_CLIENT (object), result, &status, &error);
  if (body == NULL)
    {
      g_task_return_error (task, _hangar_client_redact_error (error));
      return;
    }
  page = page_from_body (body, status, &error);
  if (page == NULL)
    g_task_return_error (task, _hangar_client_redact_error (error));
  else
    g_task_return_pointer (task, page, page_free);
}

/* The call for one page: GET, or POST …/listRecords when the URL would be too long. */
static HangarClientCall *
list_page_call (HangarClient            *self,
                const char              *base_id,
                const char              *table,
                const HangarListOptions *options,
                const char              *offset)
{
  g_autofree char *query = _hangar_list_options_to_query (options, offset);
  char *path = _hangar_client_records_path (base_id, table, NULL, "");
  HangarClientCall *call;

  if (_hangar_list_options_get_force_post (options) ||
      strlen (self->api_url) + strlen (path) + 1 + strlen (query) >= HANGAR_URL_LIMIT)
    {
      g_free (path);
      path = _hangar_client_records_path (base_id, table, NULL, "/listRecords");
      call = _hangar_client_call_new ("POST", path, _hangar_list_options_to_post_query (options),
                                      _hangar_list_options_to_post_body (options, offset), base_id, TRUE);
    }
  else
    call = _hangar_client_call_new ("GET", path, g_steal_pointer (&query), NULL, base_id, TRUE);
  /* At most 100 records per page */
  _hangar_client_call_set_max_bytes (call, HANGAR_ANSWER_MAX_RECORDS_PAGE);
  _hangar_client_call_set_raw_body (call, TRUE);
  return call;
}

/**
 * hangar_client_list_records_page_async:
 * @self: a #HangarClient
 * @base_id: the base (app…)
 * @table: a table id or name
 * @options: (nullable): query options
 * @offset: (nullable): the cursor from the previous page, %NULL for the first
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the page
 * @user_data: data for @callback
 *
 * Fetches one page of records. Uses GET, or POST …/listRecords (options in
 * the JSON body, timeZone/userLocale in the query) when the GET URL would
 * reach 16,000 characters.
 */
void
hangar_client_list_records_page_async (HangarClient            *self,
                                       const char              *base_id,
                                       const char              *table,
                                       const HangarListOptions *options,
                                       const char              *offset,
                                       GCancellable            *cancellable,
                                       GAsyncReadyCallback      callback,
                                       gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && table != NULL);

  if (!_hangar_client_check_ids (&error, "base", base_id, "table", table, NULL))
    {
      _hangar_client_fail_early (self, hangar_client_list_records_page_async, error, callback, user_data);
      return;
    }
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_client_list_records_page_async);
  g_task_set_check_cancellable (task, FALSE);
  _hangar_client_send_async (self, list_page_call (self, base_id, table, options, offset), cancellable,
                             page_done_cb, g_steal_pointer (&task));
}

static void
page_raw_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  guint status = 0;
  GBytes *body;

  body = _hangar_client_send_finish_raw (HANGAR_CLIENT (object), result, &status, &error);
  if (body == NULL)
    {
      g_task_return_error (task, _hangar_client_redact_error (error));
      return;
    }
  g_object_set_data (G_OBJECT (task), "hangar-status", GUINT_TO_POINTER (status));
  g_task_return_pointer (task, body, (GDestroyNotify) g_bytes_unref);
}

void
_hangar_client_list_page_raw_async (HangarClient            *self,
                                    const char              *base_id,
                                    const char              *table,
                                    const HangarListOptions *options,
                                    const char              *offset,
                                    GCancellable            *cancellable,
                                    GAsyncReadyCallback      callback,
                                    gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (HANGAR_IS_CLIENT (self));

  if (!_hangar_client_check_ids (&error, "base", base_id, "table", table, NULL))
    {
      _hangar_client_fail_early (self, _hangar_client_list_page_raw_async, error, callback, user_data);
      return;
    }
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _hangar_client_list_page_raw_async);
  g_task_set_check_cancellable (task, FALSE);
  _hangar_client_send_async (self, list_page_call (self, base_id, table, options, offset), cancellable,
                             page_raw_done_cb, g_steal_pointer (&task));
}

GBytes *
_hangar_client_list_page_raw_finish (HangarClient  *self,
                                     GAsyncResult  *result,
                                     guint         *out_status,
                                     GError       **error)
{
  GBytes *body = _hangar_client_finish_simple (self, result, _hangar_client_list_page_raw_async, error);

  if (body != NULL && out_status != NULL)
    *out_status = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (result), "hangar-status"));
  return body;
}

gboolean
_hangar_client_page_from_body (GBytes      *body,
                               guint        status,
                               GPtrArray  **out_records,
                               char       **out_offset,
                               GError     **error)
{
  GError *local_error = NULL;
  Page *page = page_from_body (body, status, &local_error);

  if (page == NULL)
    {
      g_propagate_error (error, _hangar_client_redact_error (local_error));
      return FALSE;
    }
  *out_records = g_steal_pointer (&page->records);
  *out_offset = g_steal_pointer (&page->offset);
  page_free (page);
  return TRUE;
}

/**
 * hangar_client_list_records_page_finish:
 * @self: a #HangarClient
 * @result: the result
 * @out_offset: (out) (optional) (nullable): the next page's cursor, %NULL after the last page
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type HangarRecord): the page's records
 */
GPtrArray *
hangar_client_list_records_page_finish (HangarClient  *self,
                                        GAsyncResult  *result,
                                        char         **out_offset,
                                        GError       **error)
{
  Page *page = _hangar_client_finish_simple (self, result, hangar_client_list_records_page_async, error);
  GPtrArray *records;


  if (page == NULL)
    return NULL;
  if (out_offset != NULL)
    *out_offset = g_steal_pointer (&page->offset);
  records = g_steal_pointer (&page->records);
  page_free (page);
  return records;
}

static void
list_all_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HangarRecordList *list = HANGAR_RECORD_LIST (object);
  GError *error = NULL;
  GPtrArray *records;
  guint n;

  if (!hangar_record_list_load_all_finish (list, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  records = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (records, g_list_model_get_item (G_LIST_MODEL (list), i));
  g_task_return_pointer (task, records, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * hangar_client_list_records_async:
 * @self: a #HangarClient
 * @base_id: the base
 * @table: a table id or name
 * @options: (nullable): query options
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when every page was read
 * @user_data: data for @callback
 *
 * Reads every page, restarting from the first page (without duplicates) when
 * Airtable says the iterator expired; see #HangarRecordList.
 */
void
hangar_client_list_records_async (HangarClient            *self,
                                  const char              *base_id,
                                  const char              *table,
                                  const HangarListOptions *options,
                                  GCancellable            *cancellable,
                                  GAsyncReadyCallback      callback,
                                  gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(HangarRecordList) list = NULL;

  g_return_if_fail (HANGAR_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_client_list_records_async);
  list = hangar_record_list_new (self, base_id, table, options);
  hangar_record_list_load_all_async (list, cancellable, list_all_done_cb, g_steal_pointer (&task));
}

/**
 * hangar_client_list_records_finish:
 * @self: a #HangarClient
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type HangarRecord): every record
 */
GPtrArray *
hangar_client_list_records_finish (HangarClient  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return _hangar_client_finish_simple (self, result, hangar_client_list_records_async, error);
}
