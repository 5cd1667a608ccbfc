/* hangar-request-info.c — what one finished request did
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hangar-error.h"
#include "hangar-redact.h"
#include "hangar-request-info.h"

struct _HangarRequestInfo
{
  gatomicrefcount     ref_count;
  char               *method;
  char               *path;
  char               *query;
  char               *base_id;
  gint64              started_at;
  gint64              duration_us;
  gint64              wait_us;
  guint               retries;
  guint               status;
  GError             *error;
  const char         *error_type;    /* static, or the error's server type */
  SoupMessageHeaders *headers;
  GBytes             *body;
};

G_DEFINE_BOXED_TYPE (HangarRequestInfo, hangar_request_info, hangar_request_info_ref, hangar_request_info_unref)

/* Names for what went wrong on this side, by HANGAR_API_ERROR code. */
static const char * const api_error_names[] = {
  [HANGAR_API_ERROR_FAILED] = "ERROR",
  [HANGAR_API_ERROR_NETWORK] = "NETWORK_ERROR",
  [HANGAR_API_ERROR_INVALID_RESPONSE] = "INVALID_RESPONSE",
  [HANGAR_API_ERROR_INVALID_REQUEST] = "INVALID_REQUEST",
  [HANGAR_API_ERROR_AUTHENTICATION_REQUIRED] = "AUTHENTICATION_REQUIRED",
  [HANGAR_API_ERROR_PERMISSION_DENIED] = "PERMISSION_DENIED",
  [HANGAR_API_ERROR_NOT_FOUND] = "NOT_FOUND",
  [HANGAR_API_ERROR_CONFLICT] = "CONFLICT",
  [HANGAR_API_ERROR_REQUEST_TOO_LARGE] = "REQUEST_TOO_LARGE",
  [HANGAR_API_ERROR_UNPROCESSABLE] = "UNPROCESSABLE",
  [HANGAR_API_ERROR_INVALID_FORMULA] = "INVALID_FILTER_BY_FORMULA",
  [HANGAR_API_ERROR_ITERATOR_EXPIRED] = "LIST_RECORDS_ITERATOR_NOT_AVAILABLE",
  [HANGAR_API_ERROR_RATE_LIMITED] = "RATE_LIMITED",
  [HANGAR_API_ERROR_SERVER_ERROR] = "SERVER_ERROR",
  [HANGAR_API_ERROR_REVOKED] = "REVOKED",
  [HANGAR_API_ERROR_TOKEN_EXPIRED] = "TOKEN_EXPIRED",
  [HANGAR_API_ERROR_UNCERTAIN_WRITE] = "UNCERTAIN_WRITE",
  [HANGAR_API_ERROR_PARTIAL] = "PARTIAL",
  [HANGAR_API_ERROR_INVALID_ARGUMENT] = "INVALID_ARGUMENT",
};

/**
 * hangar_request_info_error_name:
 * @error: an error a request failed with
 *
 * Returns: a short, stable name: "CANCELLED", the HANGAR_API_ERROR code's
 *   name ("NETWORK_ERROR", "REVOKED", …), or "ERROR"
 */
const char *
hangar_request_info_error_name (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return "CANCELLED";
  if (error->domain == HANGAR_API_ERROR && error->code >= 0 &&
      (gsize) error->code < G_N_ELEMENTS (api_error_names) && api_error_names[error->code] != NULL)
    return api_error_names[error->code];
  return "ERROR";
}

HangarRequestInfo *
_hangar_request_info_new (const char         *method,
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
                          GBytes             *body)
{
  HangarRequestInfo *self = g_new0 (HangarRequestInfo, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->method = g_strdup (method);
  self->path = g_strndup (path, strcspn (path, "?"));
  /* A generic request may carry its query in the path. */
  if (query != NULL && *query != '\0')
    self->query = g_strdup (query);
  else if (strchr (path, '?') != NULL && strchr (path, '?')[1] != '\0')
    self->query = g_strdup (strchr (path, '?') + 1);
  self->base_id = g_strdup (base_id);
  self->started_at = started_at;
  self->duration_us = MAX (duration_us, 0);
  self->wait_us = MAX (wait_us, 0);
  self->retries = retries;
  self->status = status;
  if (error != NULL)
    {
      const char *server_type = error->domain == HANGAR_API_ERROR ? hangar_api_error_get_server_type (error) : NULL;

      self->error = g_error_copy (error);
      /* A write that may or may not have been applied says so, whatever
       * the 5xx's own type was. */
      if (server_type != NULL && *server_type != '\0' &&
          !g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_UNCERTAIN_WRITE))
        self->error_type = hangar_api_error_get_server_type (self->error);
      else
        self->error_type = hangar_request_info_error_name (error);
    }
  if (headers != NULL)
    self->headers = soup_message_headers_ref (headers);
  if (body != NULL)
    self->body = g_bytes_ref (body);
  return self;
}

HangarRequestInfo *
hangar_request_info_ref (HangarRequestInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
hangar_request_info_unref (HangarRequestInfo *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->method);
  g_free (self->path);
  g_free (self->query);
  g_free (self->base_id);
  g_clear_error (&self->error);
  g_clear_pointer (&self->headers, soup_message_headers_unref);
  g_clear_pointer (&self->body, g_bytes_unref);
  g_free (self);
}

const char *
hangar_request_info_get_method (const HangarRequestInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->method;
}

const char *
hangar_request_info_get_path (const HangarRequestInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->path;
}

const char *
hangar_request_info_get_query (const HangarRequestInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->query;
}

/**
 * hangar_request_info_dup_log_path:
 * @self: a #HangarRequestInfo
 *
 * The path with the names of the query parameters but none of their values
 * (they carry formulas, searched text, offsets), each name once, in the
 * order sent. Record, table and base ids in the path stay. Anything that
 * spells a registered secret is redacted.
 *
 * Returns: (transfer full): the text a log may keep
 */
char *
hangar_request_info_dup_log_path (const HangarRequestInfo *self)
{
  g_autoptr(GString) text = NULL;
  g_auto(GStrv) params = NULL;
  g_autoptr(GPtrArray) seen = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  text = g_string_new (self->path);
  if (self->query != NULL)
    {
      seen = g_ptr_array_new_with_free_func (g_free);
      params = g_strsplit (self->query, "&", -1);
      for (guint i = 0; params[i] != NULL; i++)
        {
          char *name = g_strndup (params[i], strcspn (params[i], "="));

          if (*name == '\0' || g_ptr_array_find_with_equal_func (seen, name, g_str_equal, NULL))
            {
              g_free (name);
              continue;
            }
          g_string_append_c (text, seen->len == 0 ? '?' : '&');
          g_string_append (text, name);
          g_ptr_array_add (seen, name);
        }
    }
  return hangar_redact (text->str);
}

const char *
hangar_request_info_get_base_id (const HangarRequestInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->base_id;
}

gint64
hangar_request_info_get_started_at (const HangarRequestInfo *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->started_at;
}

gint64
hangar_request_info_get_duration_us (const HangarRequestInfo *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->duration_us;
}

gint64
hangar_request_info_get_wait_us (const HangarRequestInfo *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->wait_us;
}

guint
hangar_request_info_get_retries (const HangarRequestInfo *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->retries;
}

guint
hangar_request_info_get_status (const HangarRequestInfo *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->status;
}

const char *
hangar_request_info_get_error_type (const HangarRequestInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->error_type;
}

const GError *
hangar_request_info_get_error (const HangarRequestInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->error;
}

gboolean
hangar_request_info_was_cancelled (const HangarRequestInfo *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return g_error_matches (self->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

SoupMessageHeaders *
hangar_request_info_get_response_headers (const HangarRequestInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->headers;
}

GBytes *
hangar_request_info_get_response_body (const HangarRequestInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->body;
}
