/* hangar-client-batch.c — HangarClient's batches: creates, updates, upserts
 * and deletes of any number of records, sent in chunks of 10
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hangar-batch-result.h"
#include "hangar-client-private.h"
#include "hangar-error.h"
#include "hangar-ids.h"
#include "hangar-model-private.h"

/* ------------------------------------------------------------------------ */
/* Batches                                                                   */

typedef enum
{
  BATCH_CREATE,
  BATCH_UPDATE,
  BATCH_UPSERT,
  BATCH_DELETE,
} BatchKind;

typedef struct
{
  BatchKind          kind;
  char              *base_id;
  char              *table;
  GPtrArray         *inputs;       /* JsonObject* (create: fields; else records), or char* ids */
  char             **merge_fields;
  HangarWriteFlags   flags;
  HangarBatchResult *result;
  guint              next;         /* first input of the next chunk */
  guint              chunk_len;
  gboolean           stopped;
} BatchOp;

static void
batch_op_free (gpointer data)
{
  BatchOp *op = data;

  g_free (op->base_id);
  g_free (op->table);
  g_clear_pointer (&op->inputs, g_ptr_array_unref);
  g_strfreev (op->merge_fields);
  g_clear_object (&op->result);
  g_free (op);
}

static void batch_send_next (GTask *task);

static void
batch_mark_chunk (BatchOp               *op,
                  HangarBatchItemStatus  status,
                  const GError          *error)
{
  for (guint i = op->next; i < op->next + op->chunk_len; i++)
    _hangar_batch_result_set_failed (op->result, i, status, error);
}

static void
batch_finish_task (GTask *task)
{
  BatchOp *op = g_task_get_task_data (task);

  g_task_return_pointer (task, g_steal_pointer (&op->result), g_object_unref);
}

static gboolean
batch_apply_response (BatchOp    *op,
                      JsonNode   *root,
                      GPtrArray  *notes,
                      GError    **error)
{
  JsonObject *object;
  JsonArray *records;
  JsonNode *node;
  g_autoptr(GHashTable) created = NULL;

  if (!_hangar_client_check_object_root (root, "batch write", &object, error))
    return FALSE;
  node = json_object_get_member (object, "records");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error_literal (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE,
                           _("The batch write answer has no “records” array"));
      return FALSE;
    }
  records = json_node_get_array (node);
  if (json_array_get_length (records) != op->chunk_len)
    {
      g_set_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE,
                   _("The batch write answer has %u records for %u sent"),
                   json_array_get_length (records), op->chunk_len);
      return FALSE;
    }

  if (op->kind == BATCH_UPSERT)
    {
      JsonNode *ids = json_object_get_member (object, "createdRecords");

      created = g_hash_table_new (g_str_hash, g_str_equal);
      if (ids != NULL && JSON_NODE_HOLDS_ARRAY (ids))
        {
          JsonArray *array = json_node_get_array (ids);

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              JsonNode *id = json_array_get_element (array, i);

              if (JSON_NODE_HOLDS_VALUE (id) && json_node_get_value_type (id) == G_TYPE_STRING)
                g_hash_table_add (created, (gpointer) json_node_get_string (id));
            }
        }
    }

  for (guint i = 0; i < op->chunk_len; i++)
    {
      JsonNode *element = json_array_get_element (records, i);

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_set_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE,
                       _("Record %u of the batch write answer is not an object"), i);
          return FALSE;
        }

      if (op->kind == BATCH_DELETE)
        {
          JsonObject *item = json_node_get_object (element);
          JsonNode *id = json_object_get_member (item, "id");
          JsonNode *deleted = json_object_get_member (item, "deleted");

          if (id == NULL || !JSON_NODE_HOLDS_VALUE (id) || json_node_get_value_type (id) != G_TYPE_STRING ||
              deleted == NULL || !JSON_NODE_HOLDS_VALUE (deleted) ||
              json_node_get_value_type (deleted) != G_TYPE_BOOLEAN)
            {
              g_set_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE,
                           _("Record %u of the delete answer lacks “id” or “deleted”"), i);
              return FALSE;
            }
          if (json_node_get_boolean (deleted))
            _hangar_batch_result_set_written (op->result, op->next + i, NULL,
                                              json_node_get_string (id), FALSE);
          else
            {
              g_autoptr(GError) not_deleted = g_error_new (HANGAR_API_ERROR, HANGAR_API_ERROR_FAILED,
                                                           _("Airtable did not delete %s"),
                                                           json_node_get_string (id));

              _hangar_batch_result_set_failed (op->result, op->next + i,
                                               HANGAR_BATCH_ITEM_FAILED, not_deleted);
            }
        }
      else
        {
          g_autoptr(HangarRecord) record = hangar_record_new_from_json (json_node_get_object (element), error);
          g_autofree char *prefix = g_strdup_printf ("records[%u]", i);

          if (record == NULL)
            return FALSE;
          _hangar_record_take_notes (record, notes, prefix);
          _hangar_batch_result_set_written (op->result, op->next + i, record, NULL,
                                            op->kind == BATCH_CREATE ||
                                            (created != NULL &&
                                             g_hash_table_contains (created, hangar_record_get_id (record))));
        }
    }
  return TRUE;
}

static void
batch_chunk_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BatchOp *op = g_task_get_task_data (task);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) notes = NULL;
  g_autoptr(GError) error = NULL;
  guint status;

  root = _hangar_client_send_finish (HANGAR_CLIENT (object), result, NULL, &notes, &error);
  _hangar_client_redact_error (error);
  status = hangar_api_error_get_http_status (error);
  if (root != NULL)
    {
      _hangar_batch_result_count_request (op->result);
      if (!batch_apply_response (op, root, notes, &error))
        {
          /* A 2xx answer we cannot read: the chunk was most likely applied. */
          batch_mark_chunk (op, HANGAR_BATCH_ITEM_UNCERTAIN, _hangar_client_redact_error (error));
          op->stopped = TRUE;
        }
    }
  else if (g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE) &&
           status >= 200 && status < 300)
    {
      /* A 2xx whose body we cannot read (cut, too large): applied, most likely. */
      _hangar_batch_result_count_request (op->result);
      batch_mark_chunk (op, HANGAR_BATCH_ITEM_UNCERTAIN, error);
      op->stopped = TRUE;
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
           g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_UNCERTAIN_WRITE) ||
           g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_REVOKED) ||
           hangar_client_get_invalidated (HANGAR_CLIENT (object)))
    {
      /* Cancelled or cut off while in flight: we cannot know. */
      batch_mark_chunk (op,
                        g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_UNCERTAIN_WRITE) ||
                        g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                        ? HANGAR_BATCH_ITEM_UNCERTAIN : HANGAR_BATCH_ITEM_FAILED,
                        error);
      op->stopped = TRUE;
    }
  else
    {
      if (hangar_api_error_get_http_status (error) != 0)
        _hangar_batch_result_count_request (op->result);
      batch_mark_chunk (op, HANGAR_BATCH_ITEM_FAILED, error);
      if (!(op->flags & HANGAR_WRITE_CONTINUE_ON_ERROR))
        op->stopped = TRUE;
    }

  op->next += op->chunk_len;
  op->chunk_len = 0;

  if (op->stopped || op->next >= op->inputs->len)
    {
      if (op->stopped && op->next < op->inputs->len)
        {
          g_autoptr(GError) not_sent = g_error_new (HANGAR_API_ERROR, HANGAR_API_ERROR_FAILED,
                                                    _("Not sent because an earlier chunk failed: %s"),
                                                    hangar_batch_result_get_error (op->result)
                                                    ? hangar_batch_result_get_error (op->result)->message
                                                    : "unknown error");

          for (guint i = op->next; i < op->inputs->len; i++)
            _hangar_batch_result_set_failed (op->result, i, HANGAR_BATCH_ITEM_NOT_SENT, not_sent);
        }
      batch_finish_task (task);
      return;
    }
  batch_send_next (g_steal_pointer (&task));
}

/* Takes the task. */
static void
batch_send_next (GTask *task)
{
  HangarClient *self = g_task_get_source_object (task);
  BatchOp *op = g_task_get_task_data (task);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonArray) records = NULL;
  const char *method;
  gboolean idempotent;
  char *query = NULL;
  GBytes *bytes = NULL;
  HangarClientCall *call;

  op->chunk_len = MIN (HANGAR_BATCH_SIZE, op->inputs->len - op->next);

  if (op->kind == BATCH_DELETE)
    {
      GString *q = g_string_new (NULL);

      for (guint i = op->next; i < op->next + op->chunk_len; i++)
        {
          g_autofree char *id = g_uri_escape_string (g_ptr_array_index (op->inputs, i), NULL, FALSE);

          g_string_append_printf (q, "%srecords%%5B%%5D=%s", q->len > 0 ? "&" : "", id);
        }
      query = g_string_free (q, FALSE);
      call = _hangar_client_call_new ("DELETE", _hangar_client_records_path (op->base_id, op->table, NULL, ""),
                                      query, NULL, op->base_id, TRUE);
  _hangar_client_call_set_max_bytes (call, HANGAR_ANSWER_MAX_BATCH);
      _hangar_client_send_async (self, call, g_task_get_cancellable (task), batch_chunk_cb, task);
      return;
    }

  body = json_object_new ();
  records = json_array_new ();
  for (guint i = op->next; i < op->next + op->chunk_len; i++)
    {
      JsonObject *input = g_ptr_array_index (op->inputs, i);

      if (op->kind == BATCH_CREATE)
        {
          JsonObject *record = json_object_new ();

          json_object_set_object_member (record, "fields", json_object_ref (input));
          json_array_add_object_element (records, record);
        }
      else
        json_array_add_object_element (records, json_object_ref (input));
    }
  json_object_set_array_member (body, "records", json_array_ref (records));

  if (op->kind == BATCH_UPSERT)
    {
      JsonObject *perform = json_object_new ();
      JsonArray *merge = json_array_new ();

      for (guint i = 0; op->merge_fields[i] != NULL; i++)
        json_array_add_string_element (merge, op->merge_fields[i]);
      json_object_set_array_member (perform, "fieldsToMergeOn", merge);
      json_object_set_object_member (body, "performUpsert", perform);
    }
  _hangar_client_add_write_flags (body, op->flags);
  bytes = _hangar_client_object_to_bytes (body);

  switch (op->kind)
    {
    case BATCH_CREATE:
      method = "POST";
      idempotent = FALSE;
      break;
    case BATCH_UPSERT:
      method = (op->flags & HANGAR_WRITE_REPLACE) ? "PUT" : "PATCH";
      idempotent = FALSE;
      break;
    case BATCH_UPDATE:
    case BATCH_DELETE:
    default:
      method = (op->flags & HANGAR_WRITE_REPLACE) ? "PUT" : "PATCH";
      idempotent = TRUE;
      break;
    }

  call = _hangar_client_call_new (method, _hangar_client_records_path (op->base_id, op->table, NULL, ""),
                                  NULL, bytes, op->base_id, idempotent);
  _hangar_client_call_set_max_bytes (call, HANGAR_ANSWER_MAX_BATCH);
  _hangar_client_send_async (self, call, g_task_get_cancellable (task), batch_chunk_cb, task);
}

static void
run_batch (HangarClient        *self,
           BatchOp             *op,
           gpointer             source_tag,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  /* The result says what happened even when cancelled part way. */
  g_task_set_check_cancellable (task, FALSE);
  op->result = _hangar_batch_result_new (op->inputs->len);
  g_task_set_task_data (task, op, batch_op_free);

  if (op->inputs->len == 0)
    {
      batch_finish_task (task);
      g_object_unref (task);
      return;
    }
  batch_send_next (task);
}

static GPtrArray *
copy_objects (GPtrArray *objects)
{
  GPtrArray *copy = g_ptr_array_new_full (objects->len, (GDestroyNotify) json_object_unref);

  for (guint i = 0; i < objects->len; i++)
    g_ptr_array_add (copy, json_object_ref (g_ptr_array_index (objects, i)));
  return copy;
}

static gboolean
validate_records (GPtrArray   *records,
                  gboolean     id_required,
                  GError     **error)
{
  for (guint i = 0; i < records->len; i++)
    {
      JsonObject *record = g_ptr_array_index (records, i);
      JsonNode *fields;
      JsonNode *id;

      if (record == NULL)
        {
          g_set_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_REQUEST,
                       "Record %u is missing", i + 1);
          return FALSE;
        }
      fields = json_object_get_member (record, "fields");
      id = json_object_get_member (record, "id");
      if (fields == NULL || !JSON_NODE_HOLDS_OBJECT (fields))
        {
          g_set_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_REQUEST,
                       "Record %u has no “fields” object", i + 1);
          return FALSE;
        }
      if (id != NULL && !JSON_NODE_HOLDS_NULL (id) &&
          (!JSON_NODE_HOLDS_VALUE (id) || json_node_get_value_type (id) != G_TYPE_STRING))
        {
          g_set_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_REQUEST,
                       "Record %u has an “id” that is not a string", i + 1);
          return FALSE;
        }
      if (id_required && (id == NULL || JSON_NODE_HOLDS_NULL (id)))
        {
          g_set_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_REQUEST,
                       "Record %u has no “id”", i + 1);
          return FALSE;
        }
    }
  return TRUE;
}

/* ---- batches ---- */

/**
 * hangar_client_create_records_async:
 * @self: a #HangarClient
 * @base_id: the base
 * @table: a table id or name
 * @fields: (element-type JsonObject): one fields object per record
 * @flags: typecast / field ids / continue on error
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with a #HangarBatchResult
 * @user_data: data for @callback
 *
 * Creates the records in chunks of 10, in order.
 */
void
hangar_client_create_records_async (HangarClient        *self,
                                    const char          *base_id,
                                    const char          *table,
                                    GPtrArray           *fields,
                                    HangarWriteFlags     flags,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GError *error = NULL;
  BatchOp *op;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && table != NULL && fields != NULL);

  if (!_hangar_client_check_ids (&error, "base", base_id, "table", table, NULL))
    {
      _hangar_client_fail_early (self, hangar_client_create_records_async, error, callback, user_data);
      return;
    }
  for (guint i = 0; i < fields->len; i++)
    if (g_ptr_array_index (fields, i) == NULL)
      {
        _hangar_client_fail_early (self, hangar_client_create_records_async,
                                   g_error_new (HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_REQUEST,
                                                "Record %u has no fields object", i + 1),
                                   callback, user_data);
        return;
      }

  op = g_new0 (BatchOp, 1);
  op->kind = BATCH_CREATE;
  op->base_id = g_strdup (base_id);
  op->table = g_strdup (table);
  op->inputs = copy_objects (fields);
  op->flags = flags;
  run_batch (self, op, hangar_client_create_records_async, cancellable, callback, user_data);
}

/** hangar_client_create_records_finish: Returns: (transfer full): what was written */
HangarBatchResult *
hangar_client_create_records_finish (HangarClient  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return _hangar_client_finish_simple (self, result, hangar_client_create_records_async, error);
}

/**
 * hangar_client_update_records_async:
 * @self: a #HangarClient
 * @base_id: the base
 * @table: a table id or name
 * @records: (element-type JsonObject): `{"id": "rec…", "fields": {…}}` each
 * @flags: %HANGAR_WRITE_REPLACE for PUT, typecast, …
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with a #HangarBatchResult
 * @user_data: data for @callback
 */
void
hangar_client_update_records_async (HangarClient        *self,
                                    const char          *base_id,
                                    const char          *table,
                                    GPtrArray           *records,
                                    HangarWriteFlags     flags,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GError *error = NULL;
  BatchOp *op;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && table != NULL && records != NULL);

  if (!_hangar_client_check_ids (&error, "base", base_id, "table", table, NULL) ||
      !validate_records (records, TRUE, &error))
    {
      _hangar_client_fail_early (self, hangar_client_update_records_async, error, callback, user_data);
      return;
    }

  op = g_new0 (BatchOp, 1);
  op->kind = BATCH_UPDATE;
  op->base_id = g_strdup (base_id);
  op->table = g_strdup (table);
  op->inputs = copy_objects (records);
  op->flags = flags;
  run_batch (self, op, hangar_client_update_records_async, cancellable, callback, user_data);
}

/** hangar_client_update_records_finish: Returns: (transfer full): what was written */
HangarBatchResult *
hangar_client_update_records_finish (HangarClient  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return _hangar_client_finish_simple (self, result, hangar_client_update_records_async, error);
}

/**
 * hangar_client_upsert_records_async:
 * @self: a #HangarClient
 * @base_id: the base
 * @table: a table id or name
 * @merge_fields: (array zero-terminated=1): 1 to 3 field names or ids
 * @records: (element-type JsonObject): `{"fields": {…}}`, optionally with "id"
 * @flags: %HANGAR_WRITE_REPLACE for PUT, typecast, …
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with a #HangarBatchResult
 * @user_data: data for @callback
 *
 * Updates the record matching the merge fields, or creates one. Checked
 * before anything is sent: 1–3 merge fields, and every record without an id
 * has a value for each. Like a create, an upsert is never re-sent once it may
 * have reached the server.
 */
void
hangar_client_upsert_records_async (HangarClient        *self,
                                    const char          *base_id,
                                    const char          *table,
                                    const char * const  *merge_fields,
                                    GPtrArray           *records,
                                    HangarWriteFlags     flags,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GError *error = NULL;
  guint n_merge;
  BatchOp *op;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && table != NULL && records != NULL);

  if (!_hangar_client_check_ids (&error, "base", base_id, "table", table, NULL))
    {
      _hangar_client_fail_early (self, hangar_client_upsert_records_async, error, callback, user_data);
      return;
    }
  n_merge = merge_fields != NULL ? g_strv_length ((char **) merge_fields) : 0;
  if (n_merge < 1 || n_merge > 3)
    {
      _hangar_client_fail_early (self, hangar_client_upsert_records_async,
                                 g_error_new (HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_REQUEST,
                                              "An upsert needs 1 to 3 fields to merge on, not %u", n_merge),
                                 callback, user_data);
      return;
    }
  for (guint m = 0; m < n_merge; m++)
    if (merge_fields[m][0] == '\0')
      {
        _hangar_client_fail_early (self, hangar_client_upsert_records_async,
                                   g_error_new (HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_REQUEST,
                                                "%s", "A merge field name is empty"),
                                   callback, user_data);
        return;
      }

  if (!validate_records (records, FALSE, &error))
    {
      _hangar_client_fail_early (self, hangar_client_upsert_records_async, error, callback, user_data);
      return;
    }
  for (guint i = 0; i < records->len; i++)
    {
      JsonObject *record = g_ptr_array_index (records, i);
      JsonNode *id = json_object_get_member (record, "id");
      JsonObject *fields = json_object_get_object_member (record, "fields");

      if (id != NULL && !JSON_NODE_HOLDS_NULL (id))
        continue;
      for (guint m = 0; m < n_merge; m++)
        if (!json_object_has_member (fields, merge_fields[m]))
          {
            _hangar_client_fail_early (self, hangar_client_upsert_records_async,
                                       g_error_new (HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_REQUEST,
                                                    "Record %u has no id and no value for the merge field “%s”; "
                                                    "nothing was sent", i + 1, merge_fields[m]),
                                       callback, user_data);
            return;
          }
    }

  op = g_new0 (BatchOp, 1);
  op->kind = BATCH_UPSERT;
  op->base_id = g_strdup (base_id);
  op->table = g_strdup (table);
  op->inputs = copy_objects (records);
  op->merge_fields = g_strdupv ((char **) merge_fields);
  op->flags = flags;
  run_batch (self, op, hangar_client_upsert_records_async, cancellable, callback, user_data);
}

/** hangar_client_upsert_records_finish: Returns: (transfer full): what was written */
HangarBatchResult *
hangar_client_upsert_records_finish (HangarClient  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return _hangar_client_finish_simple (self, result, hangar_client_upsert_records_async, error);
}

/**
 * hangar_client_delete_records_async:
 * @self: a #HangarClient
 * @base_id: the base
 * @table: a table id or name
 * @record_ids: (array zero-terminated=1): the records to delete
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with a #HangarBatchResult
 * @user_data: data for @callback
 */
void
hangar_client_delete_records_async (HangarClient        *self,
                                    const char          *base_id,
                                    const char          *table,
                                    const char * const  *record_ids,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GError *error = NULL;
  BatchOp *op;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && table != NULL && record_ids != NULL);

  if (!_hangar_client_check_ids (&error, "base", base_id, "table", table, NULL))
    {
      _hangar_client_fail_early (self, hangar_client_delete_records_async, error, callback, user_data);
      return;
    }
  /* The ids go into the query, where they could not change the endpoint,
   * but an id that is not one is refused before anything is deleted. */
  for (guint i = 0; record_ids[i] != NULL; i++)
    if (!hangar_check_path_segment ("record", record_ids[i], &error))
      {
        g_prefix_error (&error, "Record %u: ", i + 1);
        _hangar_client_fail_early (self, hangar_client_delete_records_async, error, callback, user_data);
        return;
      }

  op = g_new0 (BatchOp, 1);
  op->kind = BATCH_DELETE;
  op->base_id = g_strdup (base_id);
  op->table = g_strdup (table);
  op->inputs = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; record_ids[i] != NULL; i++)
    g_ptr_array_add (op->inputs, g_strdup (record_ids[i]));
  run_batch (self, op, hangar_client_delete_records_async, cancellable, callback, user_data);
}

/** hangar_client_delete_records_finish: Returns: (transfer full): what was deleted */
HangarBatchResult *
hangar_client_delete_records_finish (HangarClient  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return _hangar_client_finish_simple (self, result, hangar_client_delete_records_async, error);
}

