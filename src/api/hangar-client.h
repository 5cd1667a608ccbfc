/* hangar-client.h — the async Airtable Web API client
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "hangar-types.h"
#include "hangar-base.h"
#include "hangar-batch-result.h"
#include "hangar-comment.h"
#include "hangar-field.h"
#include "hangar-list-options.h"
#include "hangar-rate-state.h"
#include "hangar-record.h"
#include "hangar-request-info.h"
#include "hangar-scheduler.h"
#include "hangar-table.h"
#include "hangar-token-source.h"
#include "hangar-whoami.h"

G_BEGIN_DECLS

#define HANGAR_DEFAULT_API_URL "https://api.airtable.com"

/* Seconds one request may take by default (HangarClient:deadline). */
#define HANGAR_DEFAULT_DEADLINE 120

/**
 * HangarWriteFlags:
 * @HANGAR_WRITE_NONE: defaults
 * @HANGAR_WRITE_TYPECAST: let Airtable convert values (and create select options)
 * @HANGAR_WRITE_FIELDS_BY_ID: key the returned records' fields by field id
 * @HANGAR_WRITE_REPLACE: PUT instead of PATCH: clear the fields not sent
 * @HANGAR_WRITE_CONTINUE_ON_ERROR: batches: send the later chunks even after
 *   one failed (by default the batch stops at the first failing chunk)
 */
typedef enum
{
  HANGAR_WRITE_NONE              = 0,
  HANGAR_WRITE_TYPECAST          = 1 << 0,
  HANGAR_WRITE_FIELDS_BY_ID      = 1 << 1,
  HANGAR_WRITE_REPLACE           = 1 << 2,
  HANGAR_WRITE_CONTINUE_ON_ERROR = 1 << 3,
} HangarWriteFlags;

/* Records per write request (Airtable's limit). */
#define HANGAR_BATCH_SIZE 10

#define HANGAR_TYPE_CLIENT (hangar_client_get_type ())

G_DECLARE_FINAL_TYPE (HangarClient, hangar_client, HANGAR, CLIENT, GObject)

HangarClient      *hangar_client_new                 (const char          *api_url,
                                                      HangarTokenSource   *token_source);
const char        *hangar_client_get_api_url         (HangarClient        *self);
HangarTokenSource *hangar_client_get_token_source    (HangarClient        *self);
HangarScheduler   *hangar_client_get_scheduler       (HangarClient        *self);
gboolean           hangar_client_get_pacing          (HangarClient        *self);
void               hangar_client_set_pacing          (HangarClient        *self,
                                                      gboolean             pacing);
guint              hangar_client_get_deadline        (HangarClient        *self);
void               hangar_client_set_deadline        (HangarClient        *self,
                                                      guint                seconds);
gboolean           hangar_client_get_invalidated     (HangarClient        *self);
const GError      *hangar_client_get_invalidated_error (HangarClient      *self);
HangarRateState   *hangar_client_get_rate_state      (HangarClient        *self,
                                                      const char          *base_id);
HangarRateState   *hangar_client_get_token_rate_state (HangarClient       *self);
void               hangar_client_cancel_all          (HangarClient        *self);
guint64            hangar_client_get_n_requests      (HangarClient        *self);
GDateTime         *hangar_client_dup_server_time     (HangarClient        *self);
gint64             hangar_client_get_latency_us      (HangarClient        *self,
                                                      const char          *base_id);

/* ---- records (src/api/README.md, "Records") ---- */

/* One page. @offset is NULL for the first page; *out_offset is NULL after the last. */
void          hangar_client_list_records_page_async  (HangarClient            *self,
                                                      const char              *base_id,
                                                      const char              *table,
                                                      const HangarListOptions *options,
                                                      const char              *offset,
                                                      GCancellable            *cancellable,
                                                      GAsyncReadyCallback      callback,
                                                      gpointer                 user_data);
GPtrArray    *hangar_client_list_records_page_finish (HangarClient            *self,
                                                      GAsyncResult            *result,
                                                      char                   **out_offset,
                                                      GError                 **error);
/* Every page (restarting on an expired iterator, see HangarRecordList). */
void          hangar_client_list_records_async       (HangarClient            *self,
                                                      const char              *base_id,
                                                      const char              *table,
                                                      const HangarListOptions *options,
                                                      GCancellable            *cancellable,
                                                      GAsyncReadyCallback      callback,
                                                      gpointer                 user_data);
GPtrArray    *hangar_client_list_records_finish      (HangarClient            *self,
                                                      GAsyncResult            *result,
                                                      GError                 **error);

void          hangar_client_get_record_async         (HangarClient            *self,
                                                      const char              *base_id,
                                                      const char              *table,
                                                      const char              *record_id,
                                                      const HangarListOptions *options,
                                                      GCancellable            *cancellable,
                                                      GAsyncReadyCallback      callback,
                                                      gpointer                 user_data);
HangarRecord *hangar_client_get_record_finish        (HangarClient            *self,
                                                      GAsyncResult            *result,
                                                      GError                 **error);

void          hangar_client_create_record_async      (HangarClient            *self,
                                                      const char              *base_id,
                                                      const char              *table,
                                                      JsonObject              *fields,
                                                      HangarWriteFlags         flags,
                                                      GCancellable            *cancellable,
                                                      GAsyncReadyCallback      callback,
                                                      gpointer                 user_data);
HangarRecord *hangar_client_create_record_finish     (HangarClient            *self,
                                                      GAsyncResult            *result,
                                                      GError                 **error);

/* PATCH, or PUT with HANGAR_WRITE_REPLACE. */
void          hangar_client_update_record_async      (HangarClient            *self,
                                                      const char              *base_id,
                                                      const char              *table,
                                                      const char              *record_id,
                                                      JsonObject              *fields,
                                                      HangarWriteFlags         flags,
                                                      GCancellable            *cancellable,
                                                      GAsyncReadyCallback      callback,
                                                      gpointer                 user_data);
HangarRecord *hangar_client_update_record_finish     (HangarClient            *self,
                                                      GAsyncResult            *result,
                                                      GError                 **error);

void          hangar_client_delete_record_async      (HangarClient            *self,
                                                      const char              *base_id,
                                                      const char              *table,
                                                      const char              *record_id,
                                                      GCancellable            *cancellable,
                                                      GAsyncReadyCallback      callback,
                                                      gpointer                 user_data);
gboolean      hangar_client_delete_record_finish     (HangarClient            *self,
                                                      GAsyncResult            *result,
                                                      GError                 **error);

/* Batches, sent in chunks of HANGAR_BATCH_SIZE. The _finish functions return
 * the HangarBatchResult whenever requests were attempted (check it with
 * hangar_batch_result_propagate_error()); NULL with an error only when the
 * input was refused before anything was sent. */

/* @fields: (element-type JsonObject) one fields object per record */
void               hangar_client_create_records_async  (HangarClient        *self,
                                                        const char          *base_id,
                                                        const char          *table,
                                                        GPtrArray           *fields,
                                                        HangarWriteFlags     flags,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
HangarBatchResult *hangar_client_create_records_finish (HangarClient        *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
/* @records: (element-type JsonObject) {"id": "rec…", "fields": {…}} each */
void               hangar_client_update_records_async  (HangarClient        *self,
                                                        const char          *base_id,
                                                        const char          *table,
                                                        GPtrArray           *records,
                                                        HangarWriteFlags     flags,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
HangarBatchResult *hangar_client_update_records_finish (HangarClient        *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
/* @records: (element-type JsonObject) {"fields": {…}} with an optional "id";
 * @merge_fields: 1 to 3 field names or ids. Every record without an id must
 * contain every merge field, checked before anything is sent. */
void               hangar_client_upsert_records_async  (HangarClient        *self,
                                                        const char          *base_id,
                                                        const char          *table,
                                                        const char * const  *merge_fields,
                                                        GPtrArray           *records,
                                                        HangarWriteFlags     flags,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
HangarBatchResult *hangar_client_upsert_records_finish (HangarClient        *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void               hangar_client_delete_records_async  (HangarClient        *self,
                                                        const char          *base_id,
                                                        const char          *table,
                                                        const char * const  *record_ids,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
HangarBatchResult *hangar_client_delete_records_finish (HangarClient        *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* Adds a file to an attachment field (the upload endpoint; not re-sent
 * once it may have reached the server). Returns the record. */
void          hangar_client_upload_attachment_async  (HangarClient        *self,
                                                      const char          *base_id,
                                                      const char          *record_id,
                                                      const char          *field,
                                                      const char          *content_type,
                                                      const char          *filename,
                                                      GBytes              *data,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
HangarRecord *hangar_client_upload_attachment_finish (HangarClient        *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* ---- comments ---- */
void          hangar_client_list_comments_async      (HangarClient        *self,
                                                      const char          *base_id,
                                                      const char          *table,
                                                      const char          *record_id,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
GPtrArray    *hangar_client_list_comments_finish     (HangarClient        *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
void          hangar_client_create_comment_async     (HangarClient        *self,
                                                      const char          *base_id,
                                                      const char          *table,
                                                      const char          *record_id,
                                                      const char          *text,
                                                      const char          *parent_comment_id,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
HangarComment *hangar_client_create_comment_finish   (HangarClient        *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
/* One page, newest first (hangar-client-comments.c); *out_offset is NULL
 * after the last page. */
void          hangar_client_list_comments_page_async (HangarClient        *self,
                                                      const char          *base_id,
                                                      const char          *table,
                                                      const char          *record_id,
                                                      guint                page_size,
                                                      const char          *offset,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
GPtrArray    *hangar_client_list_comments_page_finish (HangarClient       *self,
                                                       GAsyncResult       *result,
                                                       char              **out_offset,
                                                       GError            **error);
void          hangar_client_update_comment_async     (HangarClient        *self,
                                                      const char          *base_id,
                                                      const char          *table,
                                                      const char          *record_id,
                                                      const char          *comment_id,
                                                      const char          *text,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
HangarComment *hangar_client_update_comment_finish   (HangarClient        *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
void          hangar_client_delete_comment_async     (HangarClient        *self,
                                                      const char          *base_id,
                                                      const char          *table,
                                                      const char          *record_id,
                                                      const char          *comment_id,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean      hangar_client_delete_comment_finish    (HangarClient        *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* ---- meta: whoami, bases, schema (src/api/README.md, "Meta API") ---- */

void            hangar_client_whoami_async            (HangarClient        *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
HangarWhoami   *hangar_client_whoami_finish           (HangarClient        *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
/* All pages; (element-type HangarBase) */
void            hangar_client_list_bases_async        (HangarClient        *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
GPtrArray      *hangar_client_list_bases_finish       (HangarClient        *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
/* (element-type HangarTable) */
void            hangar_client_get_base_schema_async   (HangarClient        *self,
                                                       const char          *base_id,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
GPtrArray      *hangar_client_get_base_schema_finish  (HangarClient        *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
/* @spec: {"name", "description"?, "fields": [...]} */
void            hangar_client_create_table_async      (HangarClient        *self,
                                                       const char          *base_id,
                                                       JsonObject          *spec,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
HangarTable    *hangar_client_create_table_finish     (HangarClient        *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
/* @changes: any of "name", "description", "dateDependencySettings" */
void            hangar_client_update_table_async      (HangarClient        *self,
                                                       const char          *base_id,
                                                       const char          *table,
                                                       JsonObject          *changes,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
HangarTable    *hangar_client_update_table_finish     (HangarClient        *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
/* @spec: {"name", "type", "description"?, "options"?} */
void            hangar_client_create_field_async      (HangarClient        *self,
                                                       const char          *base_id,
                                                       const char          *table_id,
                                                       JsonObject          *spec,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
HangarField    *hangar_client_create_field_finish     (HangarClient        *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
/* @changes: any of "name", "description", "options" */
void            hangar_client_update_field_async      (HangarClient        *self,
                                                       const char          *base_id,
                                                       const char          *table_id,
                                                       const char          *field_id,
                                                       JsonObject          *changes,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
HangarField    *hangar_client_update_field_finish     (HangarClient        *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

/* ---- anything else (a request proxy) ---- */

/* @path: starts with "/", e.g. "/v0/meta/whoami", already percent-encoded;
 * @query: (nullable) (array zero-terminated=1): key, value, key, value, …, NULL
 *   (unencoded; repeat a key for arrays, e.g. "fields[]");
 * @body: (nullable): a JSON body.
 * POST and PATCH count as writes that may not be re-sent, except a POST to
 * …/listRecords. */
void            hangar_client_request_async           (HangarClient        *self,
                                                       const char          *method,
                                                       const char          *path,
                                                       const char * const  *query,
                                                       JsonNode            *body,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
/* Returns: (transfer full) (nullable): the body (NULL when empty) of a 2xx answer. */
JsonNode       *hangar_client_request_finish          (HangarClient        *self,
                                                       GAsyncResult        *result,
                                                       guint               *out_status,
                                                       GError             **error);
/* For a request console: the whole exchange of a hangar_client_request_async()
 * (status, answer headers and body, the error if any), also when Airtable
 * answered with an error. NULL with @error only when the request was
 * refused before the pipeline took it (a bad path). */
HangarRequestInfo *hangar_client_request_finish_info  (HangarClient        *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

G_END_DECLS
