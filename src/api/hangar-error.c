/* hangar-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-error.h"

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

  priv->http_status = http_status;
  g_free (priv->server_type);
  priv->server_type = g_strdup (server_type);
  g_free (priv->server_message);
  priv->server_message = g_strdup (server_message);
}

guint
hangar_api_error_get_http_status (const GError *error)
{
  HangarApiErrorPrivate *priv;

  if (error == NULL || (priv = hangar_api_error_get_private (error)) == NULL)
    return 0;
  return priv->http_status;
}

const char *
hangar_api_error_get_server_type (const GError *error)
{
  HangarApiErrorPrivate *priv;

  if (error == NULL || (priv = hangar_api_error_get_private (error)) == NULL)
    return NULL;
  return priv->server_type;
}

const char *
hangar_api_error_get_server_message (const GError *error)
{
  HangarApiErrorPrivate *priv;

  if (error == NULL || (priv = hangar_api_error_get_private (error)) == NULL)
    return NULL;
  return priv->server_message;
}
