/* hangar-client-webhooks.h — HangarClient's webhook calls
 *
 * Part of HangarClient (its other calls are in hangar-client.h); the
 * protocol facts are in src/api/WEBHOOKS.md. Every call needs the
 * webhook:manage scope and counts against the base's 5 requests/s.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hangar-client.h"
#include "hangar-webhook.h"

G_BEGIN_DECLS

/* Most payloads one listing returns (Airtable's limit). */
#define HANGAR_WEBHOOK_PAYLOADS_LIMIT 50

/* GET …/webhooks → (element-type HangarWebhook) */
void               hangar_client_list_webhooks_async          (HangarClient        *self,
                                                               const char          *base_id,
                                                               GCancellable        *cancellable,
                                                               GAsyncReadyCallback  callback,
                                                               gpointer             user_data);
GPtrArray         *hangar_client_list_webhooks_finish         (HangarClient        *self,
                                                               GAsyncResult        *result,
                                                               GError             **error);

/* POST …/webhooks with @specification ({"options": {"filters": …}}) and,
 * when not NULL, @notification_url. Never re-sent once it may have reached
 * the server (HANGAR_API_ERROR_UNCERTAIN_WRITE). The webhook returned has
 * the id, the MAC secret and the expiry. */
void               hangar_client_create_webhook_async         (HangarClient        *self,
                                                               const char          *base_id,
                                                               JsonObject          *specification,
                                                               const char          *notification_url,
                                                               GCancellable        *cancellable,
                                                               GAsyncReadyCallback  callback,
                                                               gpointer             user_data);
HangarWebhook     *hangar_client_create_webhook_finish        (HangarClient        *self,
                                                               GAsyncResult        *result,
                                                               GError             **error);

/* DELETE …/webhooks/{id}; 200 or 204, empty or {}. */
void               hangar_client_delete_webhook_async         (HangarClient        *self,
                                                               const char          *base_id,
                                                               const char          *webhook_id,
                                                               GCancellable        *cancellable,
                                                               GAsyncReadyCallback  callback,
                                                               gpointer             user_data);
gboolean           hangar_client_delete_webhook_finish        (HangarClient        *self,
                                                               GAsyncResult        *result,
                                                               GError             **error);

/* POST …/webhooks/{id}/refresh → the new expiry (transfer full). */
void               hangar_client_refresh_webhook_async        (HangarClient        *self,
                                                               const char          *base_id,
                                                               const char          *webhook_id,
                                                               GCancellable        *cancellable,
                                                               GAsyncReadyCallback  callback,
                                                               gpointer             user_data);
GDateTime         *hangar_client_refresh_webhook_finish       (HangarClient        *self,
                                                               GAsyncResult        *result,
                                                               GError             **error);

/* GET …/webhooks/{id}/payloads?cursor=@cursor&limit=@limit; @cursor ≥ 1,
 * @limit 1..HANGAR_WEBHOOK_PAYLOADS_LIMIT (0 for the server's default).
 * One page: the caller loops while it says might_have_more and was not
 * empty. Also keeps an active webhook alive for seven more days. */
void               hangar_client_list_webhook_payloads_async  (HangarClient        *self,
                                                               const char          *base_id,
                                                               const char          *webhook_id,
                                                               gint64               cursor,
                                                               guint                limit,
                                                               GCancellable        *cancellable,
                                                               GAsyncReadyCallback  callback,
                                                               gpointer             user_data);
HangarWebhookPage *hangar_client_list_webhook_payloads_finish (HangarClient        *self,
                                                               GAsyncResult        *result,
                                                               GError             **error);

G_END_DECLS
