/* hangar-client-private.h — what the files of HangarClient share
 *
 * HangarClient is one class over several files:
 *
 *   hangar-client.c          the object, its properties, the helpers the
 *                            endpoints share, records and comments
 *   hangar-client-request.c  the request pipeline (pacing, token, send,
 *                            retries, 401 / 429 / 503, deadline, reading the
 *                            body under a cap) and the generic request
 *   hangar-client-batch.c    chunked creates, updates, upserts and deletes
 *   hangar-client-comments.c a page of comments, editing and deleting one
 *   hangar-client-meta.c     whoami, bases, schema, tables and fields
 *   hangar-client-upload.c   uploading a file to an attachment field
 *
 * The protocol facts the client relies on are in src/api/README.md.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "hangar-client.h"
#include "hangar-request-info.h"

G_BEGIN_DECLS

/* Airtable refuses URLs of 16,000 characters and more (src/api/README.md). */
#define HANGAR_URL_LIMIT 16000

/* Caps on the size of an answer's body, per endpoint, enforced while the
 * body is read (src/api/README.md, "Answer size caps"). */
#define HANGAR_ERROR_BODY_MAX             (64 * 1024)
#define HANGAR_ANSWER_MAX_WHOAMI          (64 * 1024)
#define HANGAR_ANSWER_MAX_DELETE          (64 * 1024)
#define HANGAR_ANSWER_MAX_FIELD           (1024 * 1024)
#define HANGAR_ANSWER_MAX_BASES_PAGE      (4 * 1024 * 1024)
#define HANGAR_ANSWER_MAX_COMMENTS_PAGE   (8 * 1024 * 1024)
#define HANGAR_ANSWER_MAX_RECORD          (8 * 1024 * 1024)
#define HANGAR_ANSWER_MAX_TABLE           (16 * 1024 * 1024)
#define HANGAR_ANSWER_MAX_RECORDS_PAGE    (32 * 1024 * 1024)
#define HANGAR_ANSWER_MAX_BATCH           (32 * 1024 * 1024)
#define HANGAR_ANSWER_MAX_SCHEMA          (64 * 1024 * 1024)
#define HANGAR_ANSWER_MAX_GENERIC         (64 * 1024 * 1024)
#define HANGAR_ANSWER_MAX_DEFAULT         HANGAR_ANSWER_MAX_RECORDS_PAGE

struct _HangarClient
{
  GObject            parent_instance;

  char              *api_url;
  HangarTokenSource *token_source;
  HangarScheduler   *scheduler;
  SoupSession       *session;
  GCancellable      *cancellable;      /* cancelled by invalidation or cancel_all */
  gulong             invalidated_id;
  GError            *invalid_error;
  GError            *url_error;        /* the api-url failed hangar_check_api_url() */
  guint              timeout;          /* s of silence before a read fails */
  guint              deadline;         /* s one request may take, 0 = none */
  gboolean           pacing;
  guint64            n_requests;
  GDateTime         *server_time;      /* the Date of the newest answer */
  GHashTable        *latency;          /* base id ("" for none) → gint64* µs, smoothed */
};

/* One operation on the wire, with its retries (hangar-client-request.c). */
typedef struct _HangarClientCall HangarClientCall;

/* @path is taken (already percent-encoded); @query is taken (encoded, may be
 * NULL or empty); @body is taken (may be NULL). @idempotent: may be re-sent
 * after it may have reached the server. */
HangarClientCall *_hangar_client_call_new        (const char          *method,
                                                  char                *path,
                                                  char                *query,
                                                  GBytes              *body,
                                                  const char          *base_id,
                                                  gboolean             idempotent);

/* Sends @call to @url (scheme and host, e.g. Airtable's content host for
 * uploads) instead of the client's API URL. */
void              _hangar_client_call_set_url    (HangarClientCall    *call,
                                                  const char          *url);
/* The largest answer body @call accepts (default HANGAR_ANSWER_MAX_DEFAULT). */
void              _hangar_client_call_set_max_bytes (HangarClientCall *call,
                                                     gsize             max_bytes);

/* A 2xx body is handed back as it came (_hangar_client_send_finish_raw),
 * for a caller that reads it itself. */
void              _hangar_client_call_set_raw_body  (HangarClientCall *call,
                                                     gboolean          raw_body);

/* Sends @call (taking it); the callback gets the JSON answer of a 2xx. */
void              _hangar_client_send_async      (HangarClient        *self,
                                                  HangarClientCall    *call,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
/* Returns: (transfer full): the answer's JSON, a JSON null for an empty body.
 * @out_notes: (optional): what hangar_json_parse_full() had to rewrite
 * (NULL when nothing); when not asked for, the notes are logged. */
JsonNode         *_hangar_client_send_finish     (HangarClient        *self,
                                                  GAsyncResult        *result,
                                                  guint               *out_status,
                                                  GPtrArray          **out_notes,
                                                  GError             **error);

/* For calls with a raw body: the 2xx body (empty when there was none). */
GBytes           *_hangar_client_send_finish_raw (HangarClient        *self,
                                                  GAsyncResult        *result,
                                                  guint               *out_status,
                                                  GError             **error);

/* Round trips (from sending to the last byte of the answer), smoothed per
 * base: what the partitioned fetch sizes itself by (hangar-fetch.c). */
void              _hangar_client_note_latency    (HangarClient        *self,
                                                  const char          *base_id,
                                                  gint64               us);

/* Emits "request-finished" (hangar-client.c) when anyone listens. */
void              _hangar_client_emit_request_finished (HangarClient      *self,
                                                        HangarRequestInfo *info);

/* Logs notes nobody attached to a model (g_warning, redacted). */
void              _hangar_client_log_notes       (GPtrArray           *notes);

/* @error (taken) with every registered secret removed from its message and
 * server details; returns it. For errors whose text may quote the server. */
GError           *_hangar_client_redact_error    (GError              *error);

/* ---- helpers for endpoints (hangar-client.c) ---- */

/* Checks (what, value) pairs with hangar_check_path_segment(). */
gboolean          _hangar_client_check_ids       (GError             **error,
                                                  const char          *what,
                                                  ...) G_GNUC_NULL_TERMINATED;
/* Completes an operation at once with @error (taken), nothing sent. */
void              _hangar_client_fail_early      (HangarClient        *self,
                                                  gpointer             source_tag,
                                                  GError              *error,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
/* /v0/{base}/{table}[/{record}]{suffix}, each segment percent-encoded. */
char             *_hangar_client_records_path    (const char          *base_id,
                                                  const char          *table,
                                                  const char          *record_id,
                                                  const char          *suffix);
GBytes           *_hangar_client_node_to_bytes   (JsonNode            *node);
GBytes           *_hangar_client_object_to_bytes (JsonObject          *object);
void              _hangar_client_add_write_flags (JsonObject          *body,
                                                  HangarWriteFlags     flags);
gboolean          _hangar_client_check_object_root (JsonNode          *root,
                                                    const char        *what,
                                                    JsonObject       **out,
                                                    GError           **error);
/* The "offset" of a list answer: NULL when absent; *ok FALSE (with @error)
 * when it is not a string. */
const char       *_hangar_client_get_offset_member (JsonObject        *object,
                                                    gboolean          *ok,
                                                    GError           **error);

/* One call, one parse of its answer. @notes: what the JSON parse had to
 * rewrite (NULL when nothing), for the parser to attach to its models. */
typedef gpointer  (*HangarClientParseFunc)       (JsonNode            *root,
                                                  GPtrArray           *notes,
                                                  GError             **error);
void              _hangar_client_run_simple      (HangarClient          *self,
                                                  HangarClientCall      *call,
                                                  gpointer               source_tag,
                                                  HangarClientParseFunc  parse,
                                                  GDestroyNotify         destroy,
                                                  GCancellable          *cancellable,
                                                  GAsyncReadyCallback    callback,
                                                  gpointer               user_data);
gpointer          _hangar_client_finish_simple   (HangarClient        *self,
                                                  GAsyncResult        *result,
                                                  gpointer             source_tag,
                                                  GError             **error);

/* One page of a record listing as its raw body, for a caller that reads
 * the offset first (hangar-fetch.c); _hangar_client_page_from_body() then
 * turns it into records. */
void              _hangar_client_list_page_raw_async  (HangarClient            *self,
                                                       const char              *base_id,
                                                       const char              *table,
                                                       const HangarListOptions *options,
                                                       const char              *offset,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
GBytes           *_hangar_client_list_page_raw_finish (HangarClient            *self,
                                                       GAsyncResult            *result,
                                                       guint                   *out_status,
                                                       GError                 **error);
/* @out_records: (element-type HangarRecord); @out_offset: NULL after the
 * last page. Errors are redacted. */
gboolean          _hangar_client_page_from_body       (GBytes                  *body,
                                                       guint                    status,
                                                       GPtrArray              **out_records,
                                                       char                   **out_offset,
                                                       GError                 **error);

/* Every page of a list that pages with "offset" (bases, comments). */
typedef GPtrArray *(*HangarClientListFunc)       (JsonNode            *response,
                                                  GError             **error);
void              _hangar_client_run_paged       (HangarClient         *self,
                                                  char                 *path,
                                                  const char           *base_id,
                                                  gsize                 max_bytes,
                                                  HangarClientListFunc  from_json,
                                                  gpointer              source_tag,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);

G_END_DECLS
