/* sandbox-webhooks-state.c — webhooks and their payloads in the state file
 *
 * Each saved base holds its last baseTransactionNumber and its webhooks,
 * secrets and payloads included (the sandbox must still sign pings after a
 * restart). Pings under way are not saved. Webhooks of --generate bases are
 * not saved either: those bases get new table ids at every start.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sandbox-webhooks-private.h"

static void
add_string (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_int (JsonBuilder *b,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
add_bool (JsonBuilder *b,
          const char  *name,
          gboolean     value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_boolean_value (b, value);
}

static void
add_object (JsonBuilder *b,
            const char  *name,
            JsonObject  *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_value (b, json_node_init_object (json_node_alloc (), value));
  else
    json_builder_add_null_value (b);
}

void
sandbox_webhooks_serialize_base (SandboxServer *self,
                                 SandboxBase   *base,
                                 JsonBuilder   *b)
{
  add_int (b, "transaction_number", base->transaction_number);
  if (base->generated_spec != NULL || base->webhooks == NULL || base->webhooks->len == 0)
    return;
  json_builder_set_member_name (b, "webhooks");
  json_builder_begin_array (b);
  for (guint i = 0; i < base->webhooks->len; i++)
    {
      SandboxWebhook *hook = base->webhooks->pdata[i];

      json_builder_begin_object (b);
      add_string (b, "id", hook->id);
      add_string (b, "client_id", hook->client_id);
      add_string (b, "creator_id", hook->creator_id);
      add_string (b, "notification_url", hook->notification_url);
      add_object (b, "specification", hook->specification);
      add_string (b, "mac_secret", hook->mac_secret);
      add_int (b, "created_ms", hook->created_ms);
      add_int (b, "expiration_ms", hook->expiration_ms);
      add_bool (b, "enabled", hook->enabled);
      add_bool (b, "errored", hook->errored);
      add_bool (b, "notifications", hook->notifications);
      add_int (b, "cursor_next", hook->cursor_next);
      add_object (b, "last_notification", hook->last_notification);
      add_int (b, "last_success_ms", hook->last_success_ms);
      json_builder_set_member_name (b, "payloads");
      json_builder_begin_array (b);
      for (guint p = 0; p < hook->payloads->len; p++)
        {
          SandboxPayload *payload = hook->payloads->pdata[p];

          json_builder_begin_object (b);
          add_int (b, "cursor", payload->cursor);
          add_int (b, "created_ms", payload->created_ms);
          add_object (b, "payload", payload->payload);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static gboolean
bad (GError    **error,
     guint       index,
     const char *member)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "webhooks[%u].%s: missing or of the wrong type", index, member);
  return FALSE;
}

static gboolean
get_string (JsonObject  *obj,
            const char  *member,
            gboolean     nullable,
            const char **out)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (nullable && (node == NULL || JSON_NODE_HOLDS_NULL (node)))
    {
      *out = NULL;
      return TRUE;
    }
  if (!sandbox_node_is_string (node))
    return FALSE;
  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
get_int (JsonObject *obj,
         const char *member,
         gint64     *out)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (!sandbox_node_is_type (node, G_TYPE_INT64))
    return FALSE;
  *out = json_node_get_int (node);
  return TRUE;
}

static gboolean
get_bool (JsonObject *obj,
          const char *member,
          gboolean   *out)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (!sandbox_node_is_type (node, G_TYPE_BOOLEAN))
    return FALSE;
  *out = json_node_get_boolean (node);
  return TRUE;
}

/* a deep copy: loaded objects must not share nodes with the parser's tree */
static JsonObject *
copy_object (JsonNode *node)
{
  g_autoptr(JsonNode) copy = json_node_copy (node);

  return json_object_ref (json_node_get_object (copy));
}

gboolean
sandbox_webhooks_deserialize_base (SandboxServer *self,
                                   SandboxBase   *base,
                                   JsonObject    *object,
                                   GError       **error)
{
  JsonNode *list = json_object_get_member (object, "webhooks");
  JsonNode *number = json_object_get_member (object, "transaction_number");

  if (number != NULL && (!sandbox_node_is_type (number, G_TYPE_INT64) || json_node_get_int (number) < 0))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "transaction_number: not a count");
      return FALSE;
    }
  base->transaction_number = number != NULL ? json_node_get_int (number) : 0;
  if (list == NULL || JSON_NODE_HOLDS_NULL (list))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (list) || json_array_get_length (json_node_get_array (list)) > SANDBOX_WEBHOOKS_PER_BASE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "webhooks: not an array of at most %d webhooks",
                   SANDBOX_WEBHOOKS_PER_BASE);
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (list)); i++)
    {
      JsonNode *item = json_array_get_element (json_node_get_array (list), i);
      JsonObject *obj;
      g_autoptr(GError) spec_error = NULL;
      g_autofree char *etype = NULL;
      g_autofree char *emessage = NULL;
      const char *id, *client_id, *creator_id, *url, *secret;
      JsonNode *spec, *last, *payloads;
      SandboxWebhook *hook;
      gint64 last_cursor = 0;

      if (item == NULL || !JSON_NODE_HOLDS_OBJECT (item))
        return bad (error, i, "(the webhook)");
      obj = json_node_get_object (item);
      if (!get_string (obj, "id", FALSE, &id) || !sandbox_is_id (id, "ach"))
        return bad (error, i, "id");
      if (sandbox_webhooks_find (self, id, NULL) != NULL)
        return bad (error, i, "id (the same webhook twice)");
      if (!get_string (obj, "client_id", TRUE, &client_id))
        return bad (error, i, "client_id");
      if (!get_string (obj, "creator_id", FALSE, &creator_id))
        return bad (error, i, "creator_id");
      if (!get_string (obj, "notification_url", TRUE, &url))
        return bad (error, i, "notification_url");
      if (!get_string (obj, "mac_secret", FALSE, &secret))
        return bad (error, i, "mac_secret");
      spec = json_object_get_member (obj, "specification");
      last = json_object_get_member (obj, "last_notification");
      payloads = json_object_get_member (obj, "payloads");
      if (spec == NULL || !JSON_NODE_HOLDS_OBJECT (spec))
        return bad (error, i, "specification");
      if (last != NULL && !JSON_NODE_HOLDS_NULL (last) && !JSON_NODE_HOLDS_OBJECT (last))
        return bad (error, i, "last_notification");
      if (payloads == NULL || !JSON_NODE_HOLDS_ARRAY (payloads))
        return bad (error, i, "payloads");

      hook = g_new0 (SandboxWebhook, 1);
      hook->payloads = g_ptr_array_new_with_free_func ((GDestroyNotify) _sandbox_payload_free);
      if (base->webhooks == NULL)
        base->webhooks = g_ptr_array_new_with_free_func ((GDestroyNotify) _sandbox_webhook_free);
      g_ptr_array_add (base->webhooks, hook);   /* freed with the base on any error below */
      hook->id = g_strdup (id);
      hook->base_id = g_strdup (base->id);
      hook->client_id = g_strdup (client_id);
      hook->creator_id = g_strdup (creator_id);
      hook->notification_url = g_strdup (url);
      hook->mac_secret = g_strdup (secret);
      hook->specification = copy_object (spec);
      if (last != NULL && JSON_NODE_HOLDS_OBJECT (last))
        hook->last_notification = copy_object (last);
      if (!get_int (obj, "created_ms", &hook->created_ms) || !get_int (obj, "expiration_ms", &hook->expiration_ms)
          || !get_int (obj, "cursor_next", &hook->cursor_next) || hook->cursor_next < 1
          || !get_int (obj, "last_success_ms", &hook->last_success_ms)
          || !get_bool (obj, "enabled", &hook->enabled) || !get_bool (obj, "errored", &hook->errored)
          || !get_bool (obj, "notifications", &hook->notifications))
        return bad (error, i, "(a number or flag)");
      /* what was valid at create stays as it is: names of what was removed
       * since are kept, the webhook is in error then */
      if (!_sandbox_webhook_parse_spec (self, base, hook, spec, FALSE, &etype, &emessage))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "webhooks[%u].specification: %s", i, emessage);
          return FALSE;
        }
      for (guint p = 0; p < json_array_get_length (json_node_get_array (payloads)); p++)
        {
          JsonNode *pn = json_array_get_element (json_node_get_array (payloads), p);
          JsonObject *po = pn != NULL && JSON_NODE_HOLDS_OBJECT (pn) ? json_node_get_object (pn) : NULL;
          JsonNode *body = po != NULL ? json_object_get_member (po, "payload") : NULL;
          SandboxPayload *payload;
          gint64 cursor = 0, created = 0;

          if (po == NULL || !get_int (po, "cursor", &cursor) || !get_int (po, "created_ms", &created)
              || body == NULL || !JSON_NODE_HOLDS_OBJECT (body)
              || cursor <= last_cursor || cursor >= hook->cursor_next)
            return bad (error, i, "payloads (in cursor order, below cursor_next)");
          payload = g_new0 (SandboxPayload, 1);
          payload->cursor = last_cursor = cursor;
          payload->created_ms = created;
          payload->payload = copy_object (body);
          g_ptr_array_add (hook->payloads, payload);
        }
    }
  return TRUE;
}
