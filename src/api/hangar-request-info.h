/* hangar-request-info.h — what one finished request did
 *
 * Every operation a HangarClient sends (with its retries) ends with a
 * HangarRequestInfo, handed to the client's "request-finished" signal: the
 * method and path, the final HTTP status, how long it took and how much of
 * that was spent waiting for the rate limit, how often it was re-sent, and
 * Airtable's error type when it failed. Observers (the request log, the
 * request console) read it during the emission or keep a reference.
 *
 * The info holds the answer's headers and body for the console; a log must
 * only keep hangar_request_info_dup_log_path() and the numbers: no query
 * value, no body, no token.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _HangarRequestInfo HangarRequestInfo;

#define HANGAR_TYPE_REQUEST_INFO (hangar_request_info_get_type ())
GType               hangar_request_info_get_type        (void);

HangarRequestInfo  *hangar_request_info_ref             (HangarRequestInfo *self);
void                hangar_request_info_unref           (HangarRequestInfo *self);

/* "GET", "POST", … */
const char         *hangar_request_info_get_method      (const HangarRequestInfo *self);
/* The path as sent ("/v0/app…/tbl…/rec…"), percent-encoded, without the query. */
const char         *hangar_request_info_get_path        (const HangarRequestInfo *self);
/* The encoded query as sent, NULL when none. Carries values (formulas,
 * offsets): never log it. */
const char         *hangar_request_info_get_query       (const HangarRequestInfo *self);
/* The path plus the names of the query parameters without their values
 * ("/v0/app…/Tasks?pageSize&offset"), with every registered secret
 * redacted: what a log may keep. */
char               *hangar_request_info_dup_log_path    (const HangarRequestInfo *self);
/* The base the request was paced for, NULL when none (meta calls). */
const char         *hangar_request_info_get_base_id     (const HangarRequestInfo *self);
/* Wall-clock time the operation started, in µs since the epoch. */
gint64              hangar_request_info_get_started_at  (const HangarRequestInfo *self);
/* From the start to the final answer (or failure), waits included, in µs. */
gint64              hangar_request_info_get_duration_us (const HangarRequestInfo *self);
/* Time spent waiting for the rate limit (the scheduler's slots, a paused
 * base's penalty), in µs. */
gint64              hangar_request_info_get_wait_us     (const HangarRequestInfo *self);
/* How often the request was sent again after the first time (a 401 retry,
 * a 429 re-queue, a 5xx or connection retry). */
guint               hangar_request_info_get_retries     (const HangarRequestInfo *self);
/* The HTTP status of the last answer, 0 when none came (network failure,
 * cancelled, refused before sending). */
guint               hangar_request_info_get_status      (const HangarRequestInfo *self);
/* NULL on success; else Airtable's error type ("INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND")
 * or, when the server gave none, a name for what went wrong here
 * ("NETWORK_ERROR", "CANCELLED", "REVOKED", "TOKEN_EXPIRED", "UNCERTAIN_WRITE", …). */
const char         *hangar_request_info_get_error_type  (const HangarRequestInfo *self);
/* The error the caller got, NULL on success. */
const GError       *hangar_request_info_get_error       (const HangarRequestInfo *self);
/* Whether the caller cancelled it (or the account was invalidated). */
gboolean            hangar_request_info_was_cancelled   (const HangarRequestInfo *self);
/* The last answer's headers and body, NULL when no answer came. */
SoupMessageHeaders *hangar_request_info_get_response_headers (const HangarRequestInfo *self);
GBytes             *hangar_request_info_get_response_body    (const HangarRequestInfo *self);

/* The short name used for @error when the server gave no type. */
const char         *hangar_request_info_error_name      (const GError      *error);

/* For the client's pipeline (src/api/hangar-client-request.c). Takes
 * nothing: every argument is copied or referenced. */
HangarRequestInfo  *_hangar_request_info_new            (const char         *method,
                                                         const char         *path,
                                                         const char         *query,
                                                         const char         *base_id,
                                                         gint64              started_at,
                                                         gint64              duration_us,
                                                         gint64              wait_us,
                                                         guint               retries,
                                                         guint               status,
                                                         const GError       *error,
                                                         SoupMessageHeaders *headers,
                                                         GBytes             *body);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarRequestInfo, hangar_request_info_unref)

G_END_DECLS
