/* hangar-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "hangar-error.h"
#include "hangar-json.h"
#include "hangar-redact.h"

/* An error envelope is a few hundred bytes; a body longer than this is not
 * one (the client reads no more of an error answer than this either). */
#define ERROR_BODY_MAX (64 * 1024)

typedef struct
{
  guint  http_status;
  char  *server_type;
  char  *server_message;
} HangarApiErrorPrivate;

static void
hangar_api_error_private_init (HangarApiErrorPrivate *priv)
{
  priv->http_status = 0;
  priv->server_type = NULL;
  priv->server_message = NULL;
}

static void
hangar_api_error_private_copy (const HangarApiErrorPrivate *src,
                               HangarApiErrorPrivate       *dest)
{
  dest->http_status = src->http_status;
  dest->server_type = g_strdup (src->server_type);
  dest->server_message = g_strdup (src->server_message);
}

static void
hangar_api_error_private_clear (HangarApiErrorPrivate *priv)
{
  g_clear_pointer (&priv->server_type, g_free);
  g_clear_pointer (&priv->server_message, g_free);
}

G_DEFINE_EXTENDED_ERROR (HangarApiError, hangar_api_error)

/**
 * hangar_api_error_set_details:
 * @error: an error in %HANGAR_API_ERROR
 * @http_status: the HTTP status, or 0 when there was no response
 * @server_type: (nullable): Airtable's error `type`, e.g. `INVALID_FILTER_BY_FORMULA`
 * @server_message: (nullable): Airtable's error `message`
 *
 * Attaches what the server said to @error so callers can show or branch on it.
 */
void
hangar_api_error_set_details (GError     *error,
                              guint       http_status,
                              const char *server_type,
                              const char *server_message)
{
  HangarApiErrorPrivate *priv;

  g_return_if_fail (error != NULL);

  priv = hangar_api_error_get_private (error);
  if (priv == NULL)
    return;

  /* Server text never carries a secret further than this. */
  priv->http_status = http_status;
  g_free (priv->server_type);
  priv->server_type = hangar_redact (server_type);
  g_free (priv->server_message);
  priv->server_message = hangar_redact (server_message);
}

guint
hangar_api_error_get_http_status (const GError *error)
{
  HangarApiErrorPrivate *priv;

  if (error == NULL || error->domain != HANGAR_API_ERROR ||
      (priv = hangar_api_error_get_private (error)) == NULL)
    return 0;
  return priv->http_status;
}

const char *
hangar_api_error_get_server_type (const GError *error)
{
  HangarApiErrorPrivate *priv;

  if (error == NULL || error->domain != HANGAR_API_ERROR ||
      (priv = hangar_api_error_get_private (error)) == NULL)
    return NULL;
  return priv->server_type;
}

const char *
hangar_api_error_get_server_message (const GError *error)
{
  HangarApiErrorPrivate *priv;

  if (error == NULL || error->domain != HANGAR_API_ERROR ||
      (priv = hangar_api_error_get_private (error)) == NULL)
    return NULL;
  return priv->server_message;
}

/**
 * hangar_api_error_code_for:
 * @http_status: an HTTP status >= 300
 * @server_type: (nullable): Airtable's error type
 *
 * Returns: the %HANGAR_API_ERROR code for this status and type. The status
 *   decides first; the type refines 422 answers.
 */
HangarApiError
hangar_api_error_code_for (guint       http_status,
                           const char *server_type)
{
  switch (http_status)
    {
    case 400:
      return HANGAR_API_ERROR_INVALID_REQUEST;
    case 401:
      return HANGAR_API_ERROR_AUTHENTICATION_REQUIRED;
    case 403:
      return HANGAR_API_ERROR_PERMISSION_DENIED;
    case 404:
      return HANGAR_API_ERROR_NOT_FOUND;
    case 409:
      return HANGAR_API_ERROR_CONFLICT;
    case 413:
    case 414:
      return HANGAR_API_ERROR_REQUEST_TOO_LARGE;
    case 422:
      if (server_type == NULL)
        return HANGAR_API_ERROR_UNPROCESSABLE;
      if (g_str_equal (server_type, "INVALID_FILTER_BY_FORMULA"))
        return HANGAR_API_ERROR_INVALID_FORMULA;
      if (g_str_equal (server_type, "LIST_RECORDS_ITERATOR_NOT_AVAILABLE"))
        return HANGAR_API_ERROR_ITERATOR_EXPIRED;
      if (g_str_has_prefix (server_type, "INVALID_REQUEST"))
        return HANGAR_API_ERROR_INVALID_REQUEST;
      return HANGAR_API_ERROR_UNPROCESSABLE;
    case 429:
      return HANGAR_API_ERROR_RATE_LIMITED;
    default:
      if (http_status >= 500 && http_status < 600)
        return HANGAR_API_ERROR_SERVER_ERROR;
      return HANGAR_API_ERROR_FAILED;
    }
}

/* Reads the "error" member of an Airtable error body. Returns FALSE when the
 * body is not JSON at all; an empty body or a JSON body without a usable
 * error member is fine (both outputs then stay NULL). */
static gboolean
parse_error_body (GBytes  *body,
                  char   **out_type,
                  char   **out_message)
{
  g_autoptr(JsonNode) root = NULL;
  g_auto(GStrv) notes = NULL;
  const char *data;
  gsize len = 0;
  JsonNode *err;

  *out_type = NULL;
  *out_message = NULL;

  if (body == NULL)
    return TRUE;
  data = g_bytes_get_data (body, &len);
  if (len == 0)
    return TRUE;

  /* The guarded parser: an error body is as untrusted as any answer. What
   * it had to rewrite (notes) does not matter for an error's text. */
  root = hangar_json_parse (data, len, ERROR_BODY_MAX, &notes, NULL);
  if (root == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return TRUE;

  err = json_object_get_member (json_node_get_object (root), "error");
  if (err == NULL || JSON_NODE_HOLDS_NULL (err))
    return TRUE;

  if (JSON_NODE_HOLDS_VALUE (err) && json_node_get_value_type (err) == G_TYPE_STRING)
    {
      *out_type = g_strdup (json_node_get_string (err));
      /* The OAuth form keeps its text in error_description. */
      {
        JsonNode *desc = json_object_get_member (json_node_get_object (root), "error_description");

        if (desc != NULL && JSON_NODE_HOLDS_VALUE (desc) &&
            json_node_get_value_type (desc) == G_TYPE_STRING)
          *out_message = g_strdup (json_node_get_string (desc));
      }
    }
  else if (JSON_NODE_HOLDS_OBJECT (err))
    {
      JsonObject *obj = json_node_get_object (err);
      JsonNode *type = json_object_get_member (obj, "type");
      JsonNode *message = json_object_get_member (obj, "message");

      if (type != NULL && JSON_NODE_HOLDS_VALUE (type) &&
          json_node_get_value_type (type) == G_TYPE_STRING)
        *out_type = g_strdup (json_node_get_string (type));
      if (message != NULL && JSON_NODE_HOLDS_VALUE (message) &&
          json_node_get_value_type (message) == G_TYPE_STRING)
        *out_message = g_strdup (json_node_get_string (message));
    }

  return TRUE;
}

/**
 * hangar_api_error_new_from_response:
 * @http_status: the HTTP status (>= 300)
 * @reason_phrase: (nullable): the HTTP reason phrase, for the message
 * @body: (nullable): the response body
 *
 * Returns: (transfer full): a new error in %HANGAR_API_ERROR, with details set
 */
GError *
hangar_api_error_new_from_response (guint       http_status,
                                    const char *reason_phrase,
                                    GBytes     *body)
{
  g_autofree char *type = NULL;
  g_autofree char *message = NULL;
  HangarApiError code;
  GError *error;

  if (!parse_error_body (body, &type, &message) && http_status < 500 && http_status != 429)
    {
      error = g_error_new (HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE,
                           _("Airtable answered HTTP %u with a body that is not JSON"),
                           http_status);
      hangar_api_error_set_details (error, http_status, NULL, NULL);
      return error;
    }

  code = hangar_api_error_code_for (http_status, type);

  /* Every piece of server text passes hangar_redact() here, at creation. */
  {
    g_autofree char *safe_message = hangar_redact (message);
    g_autofree char *safe_type = hangar_redact (type);
    g_autofree char *safe_reason = hangar_redact (reason_phrase);

    if (safe_message != NULL && *safe_message != '\0')
      error = g_error_new (HANGAR_API_ERROR, code, "%s", safe_message);
    else if (safe_type != NULL)
      error = g_error_new (HANGAR_API_ERROR, code, "%s (HTTP %u)", safe_type, http_status);
    else
      error = g_error_new (HANGAR_API_ERROR, code, "HTTP %u %s", http_status,
                           safe_reason != NULL ? safe_reason : "");
  }

  hangar_api_error_set_details (error, http_status, type, message);
  return error;
}
