/* hangar-webhook.c — an Airtable webhook and a page of its payloads
 *
 * The shapes are in src/api/WEBHOOKS.md ("Create", "List", "List
 * payloads"). Every member is type-checked before it is read; members this
 * code does not know are kept in the webhook's JSON and otherwise ignored.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-model-private.h"
#include "hangar-redact.h"
#include "hangar-webhook.h"

struct _HangarWebhook
{
  GObject     parent_instance;

  char       *id;
  char       *mac_secret;
  char       *notification_url;
  gint64      cursor_for_next_payload;
  gboolean    is_hook_enabled;
  gboolean    are_notifications_enabled;
  GDateTime  *expiration_time;
  JsonObject *specification;
  JsonObject *json;
};

G_DEFINE_FINAL_TYPE (HangarWebhook, hangar_webhook, G_TYPE_OBJECT)

static void
hangar_webhook_finalize (GObject *object)
{
  HangarWebhook *self = (HangarWebhook *) object;

  g_free (self->id);
  g_free (self->mac_secret);
  g_free (self->notification_url);
  g_clear_pointer (&self->expiration_time, g_date_time_unref);
  g_clear_pointer (&self->specification, json_object_unref);
  g_clear_pointer (&self->json, json_object_unref);

  G_OBJECT_CLASS (hangar_webhook_parent_class)->finalize (object);
}

static void
hangar_webhook_class_init (HangarWebhookClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hangar_webhook_finalize;
}

static void
hangar_webhook_init (HangarWebhook *self)
{
  self->cursor_for_next_payload = -1;
  self->is_hook_enabled = TRUE;
}

/**
 * hangar_webhook_new_from_json:
 * @object: an element of `webhooks`, or the create answer
 *   `{"id", "macSecretBase64", "expirationTime"}`
 * @error: return location for a %HANGAR_API_ERROR_INVALID_RESPONSE
 *
 * A MAC secret in @object is registered with hangar_redact_add_secret(): no
 * message shows it from then on.
 *
 * Returns: (transfer full) (nullable): the webhook
 */
HangarWebhook *
hangar_webhook_new_from_json (JsonObject  *object,
                              GError     **error)
{
  g_autoptr(HangarWebhook) self = NULL;
  const char *id = NULL;
  const char *secret = NULL;
  const char *url = NULL;
  const char *expiration = NULL;
  JsonObject *specification = NULL;
  gint64 cursor = -1;
  gboolean enabled = TRUE;
  gboolean notifications = FALSE;

  g_return_val_if_fail (object != NULL, NULL);

  if (!_hangar_json_get_string (object, "id", TRUE, "a webhook", &id, error) ||
      !_hangar_json_get_string (object, "macSecretBase64", FALSE, "a webhook", &secret, error) ||
      !_hangar_json_get_string (object, "notificationUrl", FALSE, "a webhook", &url, error) ||
      !_hangar_json_get_string (object, "expirationTime", FALSE, "a webhook", &expiration, error) ||
      !_hangar_json_get_object (object, "specification", FALSE, "a webhook", &specification, error) ||
      !_hangar_json_get_int (object, "cursorForNextPayload", FALSE, "a webhook", &cursor, error) ||
      !_hangar_json_get_boolean (object, "isHookEnabled", FALSE, "a webhook", &enabled, error) ||
      !_hangar_json_get_boolean (object, "areNotificationsEnabled", FALSE, "a webhook", &notifications, error))
    return NULL;
  if (json_object_has_member (object, "cursorForNextPayload") && cursor < 1)
    {
      _hangar_set_invalid_response (error, "The webhook %s has the cursor %" G_GINT64_FORMAT
                                    ", not a positive number", id, cursor);
      return NULL;
    }

  self = g_object_new (HANGAR_TYPE_WEBHOOK, NULL);
  self->id = g_strdup (id);
  if (secret != NULL)
    {
      hangar_redact_add_secret (secret);
      self->mac_secret = g_strdup (secret);
    }
  self->notification_url = g_strdup (url);
  self->cursor_for_next_payload = json_object_has_member (object, "cursorForNextPayload") ? cursor : -1;
  self->is_hook_enabled = enabled;
  self->are_notifications_enabled = notifications;
  if (expiration != NULL)
    {
      self->expiration_time = _hangar_parse_timestamp (expiration, "a webhook", "expirationTime", error);
      if (self->expiration_time == NULL)
        return NULL;
    }
  if (specification != NULL)
    self->specification = _hangar_json_object_deep_copy (specification);
  self->json = _hangar_json_object_deep_copy (object);
  return g_steal_pointer (&self);
}

/**
 * hangar_webhook_list_from_json:
 * @response: `{"webhooks": [...]}`
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type HangarWebhook): the webhooks
 */
GPtrArray *
hangar_webhook_list_from_json (JsonNode  *response,
                               GError   **error)
{
  return _hangar_model_list_from_json (response, "webhooks", "webhook",
                                       (HangarModelFromJson) hangar_webhook_new_from_json, error);
}

const char *
hangar_webhook_get_id (HangarWebhook *self)
{
  g_return_val_if_fail (HANGAR_IS_WEBHOOK (self), NULL);
  return self->id;
}

const char *
hangar_webhook_get_mac_secret (HangarWebhook *self)
{
  g_return_val_if_fail (HANGAR_IS_WEBHOOK (self), NULL);
  return self->mac_secret;
}

const char *
hangar_webhook_get_notification_url (HangarWebhook *self)
{
  g_return_val_if_fail (HANGAR_IS_WEBHOOK (self), NULL);
  return self->notification_url;
}

gint64
hangar_webhook_get_cursor_for_next_payload (HangarWebhook *self)
{
  g_return_val_if_fail (HANGAR_IS_WEBHOOK (self), -1);
  return self->cursor_for_next_payload;
}

gboolean
hangar_webhook_get_is_hook_enabled (HangarWebhook *self)
{
  g_return_val_if_fail (HANGAR_IS_WEBHOOK (self), FALSE);
  return self->is_hook_enabled;
}

gboolean
hangar_webhook_get_are_notifications_enabled (HangarWebhook *self)
{
  g_return_val_if_fail (HANGAR_IS_WEBHOOK (self), FALSE);
  return self->are_notifications_enabled;
}

/** hangar_webhook_get_expiration_time: Returns: (transfer none) (nullable): when it expires */
GDateTime *
hangar_webhook_get_expiration_time (HangarWebhook *self)
{
  g_return_val_if_fail (HANGAR_IS_WEBHOOK (self), NULL);
  return self->expiration_time;
}

/** hangar_webhook_get_specification: Returns: (transfer none) (nullable): the specification */
JsonObject *
hangar_webhook_get_specification (HangarWebhook *self)
{
  g_return_val_if_fail (HANGAR_IS_WEBHOOK (self), NULL);
  return self->specification;
}

/** hangar_webhook_to_json: Returns: (transfer full): a copy of what the server sent */
JsonNode *
hangar_webhook_to_json (HangarWebhook *self)
{
  g_return_val_if_fail (HANGAR_IS_WEBHOOK (self), NULL);
  return json_node_init_object (json_node_alloc (), _hangar_json_object_deep_copy (self->json));
}

/**
 * hangar_webhook_page_new_from_json:
 * @response: `{"payloads": [...], "cursor", "mightHaveMore"}`
 * @error: return location for a %HANGAR_API_ERROR_INVALID_RESPONSE
 *
 * Checks the envelope: payloads are objects (their contents are the
 * caller's to check), the cursor a positive integer.
 *
 * Returns: (transfer full) (nullable): the page
 */
HangarWebhookPage *
hangar_webhook_page_new_from_json (JsonNode  *response,
                                   GError   **error)
{
  g_autoptr(HangarWebhookPage) page = g_new0 (HangarWebhookPage, 1);
  JsonObject *object;
  JsonArray *payloads;
  gint64 cursor = 0;
  gboolean more = FALSE;

  if (response == NULL || !JSON_NODE_HOLDS_OBJECT (response))
    {
      _hangar_set_invalid_response (error, "The payloads answer is %s, not an object",
                                    response != NULL ? _hangar_json_node_type_name (response) : "empty");
      return NULL;
    }
  object = json_node_get_object (response);
  if (!_hangar_json_get_array (object, "payloads", TRUE, "the payloads answer", &payloads, error) ||
      !_hangar_json_get_int (object, "cursor", TRUE, "the payloads answer", &cursor, error) ||
      !_hangar_json_get_boolean (object, "mightHaveMore", FALSE, "the payloads answer", &more, error))
    return NULL;
  if (cursor < 1)
    {
      _hangar_set_invalid_response (error, "The payloads answer has the cursor %" G_GINT64_FORMAT
                                    ", not a positive number", cursor);
      return NULL;
    }

  page->payloads = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; i < json_array_get_length (payloads); i++)
    {
      JsonNode *node = json_array_get_element (payloads, i);

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          _hangar_set_invalid_response (error, "Payload %u is %s, not an object", i,
                                        _hangar_json_node_type_name (node));
          return NULL;
        }
      g_ptr_array_add (page->payloads, json_object_ref (json_node_get_object (node)));
    }
  page->cursor = cursor;
  page->might_have_more = more;
  return g_steal_pointer (&page);
}

void
hangar_webhook_page_free (HangarWebhookPage *page)
{
  if (page == NULL)
    return;
  g_clear_pointer (&page->payloads, g_ptr_array_unref);
  g_free (page);
}
