/* hangar-webhook.h — an Airtable webhook and a page of its payloads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hangar-types.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_WEBHOOK (hangar_webhook_get_type ())

G_DECLARE_FINAL_TYPE (HangarWebhook, hangar_webhook, HANGAR, WEBHOOK, GObject)

/* One element of "list webhooks", or the answer of "create a webhook"
 * (then only the id, the MAC secret and the expiry are known). */
HangarWebhook *hangar_webhook_new_from_json          (JsonObject     *object,
                                                      GError        **error);
GPtrArray     *hangar_webhook_list_from_json         (JsonNode       *response,
                                                      GError        **error);

const char    *hangar_webhook_get_id                 (HangarWebhook  *self);
/* The MAC secret of pings, base64; only in the answer of create. */
const char    *hangar_webhook_get_mac_secret         (HangarWebhook  *self);
/* NULL when the webhook has none (a polled webhook). */
const char    *hangar_webhook_get_notification_url   (HangarWebhook  *self);
/* The cursor the next payload will get; -1 when the answer did not say. */
gint64         hangar_webhook_get_cursor_for_next_payload (HangarWebhook *self);
/* FALSE once expired or after its error payload; TRUE when not said. */
gboolean       hangar_webhook_get_is_hook_enabled    (HangarWebhook  *self);
gboolean       hangar_webhook_get_are_notifications_enabled (HangarWebhook *self);
/* NULL: never expires (or not said). */
GDateTime     *hangar_webhook_get_expiration_time    (HangarWebhook  *self);
/* {"options": {...}} as the server listed it; NULL for a created one. */
JsonObject    *hangar_webhook_get_specification      (HangarWebhook  *self);
/* The object the server sent, unknown members included. */
JsonNode      *hangar_webhook_to_json                (HangarWebhook  *self);

/* One page of "list webhook payloads". */
typedef struct
{
  GPtrArray *payloads;         /* JsonObject, oldest first */
  gint64     cursor;           /* the cursor to ask for next time */
  gboolean   might_have_more;  /* ask again at once with @cursor */
} HangarWebhookPage;

HangarWebhookPage *hangar_webhook_page_new_from_json (JsonNode          *response,
                                                      GError           **error);
void               hangar_webhook_page_free          (HangarWebhookPage *page);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarWebhookPage, hangar_webhook_page_free)

G_END_DECLS
