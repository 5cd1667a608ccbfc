/* hangar-client-webhooks.c — HangarClient's webhook calls
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-client-private.h"
#include "hangar-client-webhooks.h"
#include "hangar-error.h"
#include "hangar-ids.h"
#include "hangar-model-private.h"

/* Answer caps (src/api/README.md, "Answer size caps"). A page of payloads
 * holds up to 50 payloads of up to 1,000 record changes each. */
#define ANSWER_MAX_WEBHOOKS  (4 * 1024 * 1024)
#define ANSWER_MAX_SMALL     (64 * 1024)
#define ANSWER_MAX_PAYLOADS  (64 * 1024 * 1024)

/* /v0/bases/{base}/webhooks[/{id}[{suffix}]] */
static char *
webhooks_path (const char *base_id,
               const char *webhook_id,
               const char *suffix)
{
  g_autofree char *b = hangar_escape_segment (base_id);
  g_autofree char *w = webhook_id != NULL ? hangar_escape_segment (webhook_id) : NULL;

  return g_strconcat ("/v0/bases/", b, "/webhooks", w != NULL ? "/" : "", w != NULL ? w : "",
                      suffix != NULL ? suffix : "", NULL);
}

static gpointer
parse_webhooks (JsonNode   *root,
                GPtrArray  *notes,
                GError    **error)
{
  _hangar_client_log_notes (notes);
  return hangar_webhook_list_from_json (root, error);
}

static gpointer
parse_webhook (JsonNode   *root,
               GPtrArray  *notes,
               GError    **error)
{
  JsonObject *object;

  _hangar_client_log_notes (notes);
  if (!_hangar_client_check_object_root (root, "webhook", &object, error))
    return NULL;
  return hangar_webhook_new_from_json (object, error);
}

/* "An empty response": 200 with {} or nothing, or 204. */
static gpointer
parse_empty (JsonNode   *root,
             GPtrArray  *notes,
             GError    **error)
{
  _hangar_client_log_notes (notes);
  if (root != NULL && !JSON_NODE_HOLDS_NULL (root) && !JSON_NODE_HOLDS_OBJECT (root))
    {
      _hangar_set_invalid_response (error, "The answer is %s, not an empty object",
                                    _hangar_json_node_type_name (root));
      return NULL;
    }
  return GINT_TO_POINTER (TRUE);
}

static gpointer
parse_expiration (JsonNode   *root,
                  GPtrArray  *notes,
                  GError    **error)
{
  JsonObject *object;
  const char *text = NULL;

  _hangar_client_log_notes (notes);
  if (!_hangar_client_check_object_root (root, "webhook refresh", &object, error) ||
      !_hangar_json_get_string (object, "expirationTime", TRUE, "the webhook refresh", &text, error))
    return NULL;
  return _hangar_parse_timestamp (text, "the webhook refresh", "expirationTime", error);
}

static gpointer
parse_payloads (JsonNode   *root,
                GPtrArray  *notes,
                GError    **error)
{
  /* A rewritten value in a payload (a number beyond the double range, …)
   * is logged: payloads are applied to the cache, not shown as they are. */
  _hangar_client_log_notes (notes);
  return hangar_webhook_page_new_from_json (root, error);
}

/**
 * hangar_client_list_webhooks_async:
 * @self: a #HangarClient
 * @base_id: the base
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the webhooks
 * @user_data: data for @callback
 *
 * The webhooks of @base_id this token may see: every one for a personal
 * access token, only its own for an OAuth integration.
 */
void
hangar_client_list_webhooks_async (HangarClient        *self,
                                   const char          *base_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GError *error = NULL;
  HangarClientCall *call;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL);

  if (!_hangar_client_check_ids (&error, "base", base_id, NULL))
    {
      _hangar_client_fail_early (self, hangar_client_list_webhooks_async, error, callback, user_data);
      return;
    }
  call = _hangar_client_call_new ("GET", webhooks_path (base_id, NULL, NULL), NULL, NULL, base_id, TRUE);
  _hangar_client_call_set_max_bytes (call, ANSWER_MAX_WEBHOOKS);
  _hangar_client_run_simple (self, call, hangar_client_list_webhooks_async, parse_webhooks,
                             (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

/** hangar_client_list_webhooks_finish: Returns: (transfer full) (element-type HangarWebhook): the webhooks */
GPtrArray *
hangar_client_list_webhooks_finish (HangarClient  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return _hangar_client_finish_simple (self, result, hangar_client_list_webhooks_async, error);
}

/**
 * hangar_client_create_webhook_async:
 * @self: a #HangarClient
 * @base_id: the base
 * @specification: `{"options": {"filters": {…}, "includes"?: {…}}}`
 * @notification_url: (nullable): where pings go; %NULL for a webhook that
 *   is only polled
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the new webhook
 * @user_data: data for @callback
 *
 * A create is never re-sent after it may have reached Airtable: an answer
 * that never came is %HANGAR_API_ERROR_UNCERTAIN_WRITE (list the webhooks
 * to find out).
 */
void
hangar_client_create_webhook_async (HangarClient        *self,
                                    const char          *base_id,
                                    JsonObject          *specification,
                                    const char          *notification_url,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();
  GError *error = NULL;
  HangarClientCall *call;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && specification != NULL);

  if (!_hangar_client_check_ids (&error, "base", base_id, NULL))
    {
      _hangar_client_fail_early (self, hangar_client_create_webhook_async, error, callback, user_data);
      return;
    }
  if (notification_url != NULL)
    json_object_set_string_member (body, "notificationUrl", notification_url);
  json_object_set_object_member (body, "specification", _hangar_json_object_deep_copy (specification));

  call = _hangar_client_call_new ("POST", webhooks_path (base_id, NULL, NULL), NULL,
                                  _hangar_client_object_to_bytes (body), base_id, FALSE);
  _hangar_client_call_set_max_bytes (call, ANSWER_MAX_SMALL);
  _hangar_client_run_simple (self, call, hangar_client_create_webhook_async, parse_webhook,
                             g_object_unref, cancellable, callback, user_data);
}

/** hangar_client_create_webhook_finish: Returns: (transfer full): the webhook, with its MAC secret */
HangarWebhook *
hangar_client_create_webhook_finish (HangarClient  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return _hangar_client_finish_simple (self, result, hangar_client_create_webhook_async, error);
}

/**
 * hangar_client_delete_webhook_async:
 * @self: a #HangarClient
 * @base_id: the base
 * @webhook_id: the webhook
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 */
void
hangar_client_delete_webhook_async (HangarClient        *self,
                                    const char          *base_id,
                                    const char          *webhook_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GError *error = NULL;
  HangarClientCall *call;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && webhook_id != NULL);

  if (!_hangar_client_check_ids (&error, "base", base_id, "webhook", webhook_id, NULL))
    {
      _hangar_client_fail_early (self, hangar_client_delete_webhook_async, error, callback, user_data);
      return;
    }
  call = _hangar_client_call_new ("DELETE", webhooks_path (base_id, webhook_id, NULL), NULL, NULL,
                                  base_id, TRUE);
  _hangar_client_call_set_max_bytes (call, ANSWER_MAX_SMALL);
  _hangar_client_run_simple (self, call, hangar_client_delete_webhook_async, parse_empty, NULL,
                             cancellable, callback, user_data);
}

gboolean
hangar_client_delete_webhook_finish (HangarClient  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return _hangar_client_finish_simple (self, result, hangar_client_delete_webhook_async, error) != NULL;
}

/**
 * hangar_client_refresh_webhook_async:
 * @self: a #HangarClient
 * @base_id: the base
 * @webhook_id: the webhook
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the new expiry
 * @user_data: data for @callback
 *
 * Keeps an active webhook alive for seven more days. An expired or
 * turned-off webhook cannot be refreshed (a 4xx): create another one.
 */
void
hangar_client_refresh_webhook_async (HangarClient        *self,
                                     const char          *base_id,
                                     const char          *webhook_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GError *error = NULL;
  HangarClientCall *call;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && webhook_id != NULL);

  if (!_hangar_client_check_ids (&error, "base", base_id, "webhook", webhook_id, NULL))
    {
      _hangar_client_fail_early (self, hangar_client_refresh_webhook_async, error, callback, user_data);
      return;
    }
  /* Sent without a body, as Airtable's own examples do; repeating it does
   * no harm. */
  call = _hangar_client_call_new ("POST", webhooks_path (base_id, webhook_id, "/refresh"), NULL, NULL,
                                  base_id, TRUE);
  _hangar_client_call_set_max_bytes (call, ANSWER_MAX_SMALL);
  _hangar_client_run_simple (self, call, hangar_client_refresh_webhook_async, parse_expiration,
                             (GDestroyNotify) g_date_time_unref, cancellable, callback, user_data);
}

/** hangar_client_refresh_webhook_finish: Returns: (transfer full): the new expiry */
GDateTime *
hangar_client_refresh_webhook_finish (HangarClient  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return _hangar_client_finish_simple (self, result, hangar_client_refresh_webhook_async, error);
}

/**
 * hangar_client_list_webhook_payloads_async:
 * @self: a #HangarClient
 * @base_id: the base
 * @webhook_id: the webhook
 * @cursor: the first payload wanted (1 for the oldest)
 * @limit: at most this many payloads (at most 50); 0 for the server's default
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the page
 * @user_data: data for @callback
 */
void
hangar_client_list_webhook_payloads_async (HangarClient        *self,
                                           const char          *base_id,
                                           const char          *webhook_id,
                                           gint64               cursor,
                                           guint                limit,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  GError *error = NULL;
  HangarClientCall *call;
  char *query;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && webhook_id != NULL);

  if (!_hangar_client_check_ids (&error, "base", base_id, "webhook", webhook_id, NULL))
    {
      _hangar_client_fail_early (self, hangar_client_list_webhook_payloads_async, error, callback, user_data);
      return;
    }
  if (cursor < 1 || limit > HANGAR_WEBHOOK_PAYLOADS_LIMIT)
    {
      error = g_error_new (HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_ARGUMENT,
                           "A payload cursor starts at 1 and a page holds at most %d payloads "
                           "(asked: cursor %" G_GINT64_FORMAT ", limit %u)",
                           HANGAR_WEBHOOK_PAYLOADS_LIMIT, cursor, limit);
      _hangar_client_fail_early (self, hangar_client_list_webhook_payloads_async, error, callback, user_data);
      return;
    }
  query = limit > 0 ? g_strdup_printf ("cursor=%" G_GINT64_FORMAT "&limit=%u", cursor, limit)
                    : g_strdup_printf ("cursor=%" G_GINT64_FORMAT, cursor);
  call = _hangar_client_call_new ("GET", webhooks_path (base_id, webhook_id, "/payloads"), query, NULL,
                                  base_id, TRUE);
  _hangar_client_call_set_max_bytes (call, ANSWER_MAX_PAYLOADS);
  _hangar_client_run_simple (self, call, hangar_client_list_webhook_payloads_async, parse_payloads,
                             (GDestroyNotify) hangar_webhook_page_free, cancellable, callback, user_data);
}

/** hangar_client_list_webhook_payloads_finish: Returns: (transfer full): the page */
HangarWebhookPage *
hangar_client_list_webhook_payloads_finish (HangarClient  *self,
                                            GAsyncResult  *result,
                                            GError       **error)
{
  return _hangar_client_finish_simple (self, result, hangar_client_list_webhook_payloads_async, error);
}
