/* hangar-error.h — the HANGAR_API_ERROR domain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HANGAR_API_ERROR (hangar_api_error_quark ())

/**
 * HangarApiError:
 *
 * Errors of the Airtable API client. Mapped from the HTTP status first and the
 * Airtable error `type` second; the server's type and message are kept and can
 * be read back with hangar_api_error_get_server_type() and friends.
 */
typedef enum
{
  HANGAR_API_ERROR_FAILED,                  /* anything not listed below */
  HANGAR_API_ERROR_NETWORK,                 /* no HTTP response: DNS, refused, reset, TLS, timeout */
  HANGAR_API_ERROR_INVALID_RESPONSE,        /* response is not what the protocol promises (bad JSON, wrong types) */
  HANGAR_API_ERROR_INVALID_REQUEST,         /* 400, 422 INVALID_REQUEST_* and friends */
  HANGAR_API_ERROR_AUTHENTICATION_REQUIRED, /* 401 */
  HANGAR_API_ERROR_PERMISSION_DENIED,       /* 403 */
  HANGAR_API_ERROR_NOT_FOUND,               /* 404 */
  HANGAR_API_ERROR_CONFLICT,                /* 409 */
  HANGAR_API_ERROR_REQUEST_TOO_LARGE,       /* 413, 414 */
  HANGAR_API_ERROR_UNPROCESSABLE,           /* 422 with a specific Airtable type (UNKNOWN_FIELD_NAME, ...) */
  HANGAR_API_ERROR_INVALID_FORMULA,         /* 422 INVALID_FILTER_BY_FORMULA */
  HANGAR_API_ERROR_ITERATOR_EXPIRED,        /* 422 LIST_RECORDS_ITERATOR_NOT_AVAILABLE */
  HANGAR_API_ERROR_RATE_LIMITED,            /* 429 */
  HANGAR_API_ERROR_SERVER_ERROR,            /* 5xx */
  HANGAR_API_ERROR_REVOKED,                 /* the account's grant is gone; no call will be made */
  HANGAR_API_ERROR_TOKEN_EXPIRED,           /* no valid token can be had (refresh token past its end, offline past expiry) */
  HANGAR_API_ERROR_UNCERTAIN_WRITE,         /* a non-idempotent write may or may not have been applied */
  HANGAR_API_ERROR_PARTIAL,                 /* a chunked write stopped part way; see the operation's result */
  HANGAR_API_ERROR_INVALID_ARGUMENT,        /* refused before sending: a bad id, name or API URL (nothing was sent) */
} HangarApiError;

GQuark       hangar_api_error_quark           (void);

/* Extra data kept with every HANGAR_API_ERROR (G_DEFINE_EXTENDED_ERROR). */
void         hangar_api_error_set_details     (GError     *error,
                                               guint       http_status,
                                               const char *server_type,
                                               const char *server_message);
/* The getters take any error (or NULL): 0 or NULL unless it is a
 * HANGAR_API_ERROR with that detail, e.g. a cancelled request's. */
guint        hangar_api_error_get_http_status (const GError *error);
const char  *hangar_api_error_get_server_type (const GError *error);
const char  *hangar_api_error_get_server_message (const GError *error);

/* Maps an HTTP error response (status >= 300) to a HANGAR_API_ERROR with its
 * details set. Accepts both Airtable envelopes ({"error":{"type","message"}}
 * and {"error":"TYPE"}), an object without message and a null error. A
 * 4xx body that is not JSON gives HANGAR_API_ERROR_INVALID_RESPONSE; a 5xx
 * keeps HANGAR_API_ERROR_SERVER_ERROR whatever its body. */
GError      *hangar_api_error_new_from_response (guint       http_status,
                                                 const char *reason_phrase,
                                                 GBytes     *body);

/* The HANGAR_API_ERROR code for an HTTP status and an Airtable type. */
HangarApiError hangar_api_error_code_for (guint       http_status,
                                          const char *server_type);

G_END_DECLS
