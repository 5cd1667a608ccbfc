/* sandbox-webhooks-notify.c — notification pings
 *
 * When a webhook with a notificationUrl gets a payload, the URL gets a POST
 * of {"base":{"id"},"webhook":{"id"},"timestamp"} (compact JSON, no change
 * data) with an X-Airtable-Content-MAC header: "hmac-sha256=" and the hex
 * HMAC-SHA256 of the body bytes, keyed with the base64-decoded macSecret.
 * Pings that find one already under way are coalesced into one more after
 * it. A ping fails unless the answer is 200 or 204 within 25 seconds; it is
 * retried 13 times from a 10 s backoff, doubling (the control API can
 * shorten it for tests), after which notifications are turned off.
 *
 * The sandbox pings loopback addresses only (127.0.0.0/8, ::1, localhost):
 * a test server never reaches the network. Any other URL is accepted at
 * create time but each ping is recorded as failed, without a retry.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sandbox-webhooks-private.h"

typedef struct
{
  SandboxServer *self;
  char          *webhook_id;
  guint          retry;
  gint64         started_us;
} Ping;

static void ping_now (SandboxServer *self, SandboxWebhook *hook);

char *
sandbox_webhook_mac (const char *secret_base64,
                     const char *data,
                     gsize       len)
{
  gsize key_len = 0;
  guchar *key = g_base64_decode (secret_base64, &key_len);
  GHmac *hmac = g_hmac_new (G_CHECKSUM_SHA256, key, key_len);
  char *mac;

  g_hmac_update (hmac, (const guchar *) data, (gssize) len);
  mac = g_strconcat ("hmac-sha256=", g_hmac_get_string (hmac), NULL);
  g_hmac_unref (hmac);
  memset (key, 0, key_len);
  g_free (key);
  return mac;
}

static gboolean
is_loopback_url (const char *text)
{
  g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GInetAddress) address = NULL;
  const char *host;

  if (uri == NULL || (host = g_uri_get_host (uri)) == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

static void
record_result (SandboxServer  *self,
               SandboxWebhook *hook,
               gboolean        success,
               const char     *error_message,
               guint           retry,
               gint64          started_us,
               gboolean        will_retry)
{
  JsonObject *result = json_object_new ();
  gint64 now = _sandbox_webhooks_now_ms (self);
  g_autofree char *completed = sandbox_format_time (now);

  json_object_set_boolean_member (result, "success", success);
  json_object_set_string_member (result, "completionTimestamp", completed);
  json_object_set_double_member (result, "durationMs", (double) (g_get_monotonic_time () - started_us) / 1000.0);
  json_object_set_int_member (result, "retryNumber", retry);
  if (!success)
    {
      JsonObject *error = json_object_new ();

      json_object_set_string_member (error, "message", error_message);
      json_object_set_object_member (result, "error", error);
      json_object_set_boolean_member (result, "willBeRetried", will_retry);
    }
  g_clear_pointer (&hook->last_notification, json_object_unref);
  hook->last_notification = result;
  if (success)
    hook->last_success_ms = now;
  sandbox_server_changed (self);
}

static gboolean
ping_source_cb (gpointer data)
{
  Ping *ping = data;
  SandboxWebhook *hook = sandbox_webhooks_find (ping->self, ping->webhook_id, NULL);

  if (hook != NULL)
    {
      hook->ping_source = 0;
      ping_now (ping->self, hook);
    }
  return G_SOURCE_REMOVE;
}

static void
ping_free (Ping *ping)
{
  g_free (ping->webhook_id);
  g_free (ping);
}

static void
schedule (SandboxServer  *self,
          SandboxWebhook *hook,
          guint           delay_ms)
{
  Ping *ping = g_new0 (Ping, 1);

  ping->self = self;
  ping->webhook_id = g_strdup (hook->id);
  hook->ping_source = g_timeout_add_full (G_PRIORITY_DEFAULT, delay_ms, ping_source_cb, ping, (GDestroyNotify) ping_free);
}

static void
failed (SandboxServer  *self,
        SandboxWebhook *hook,
        const char     *message,
        guint           retry,
        gint64          started_us,
        gboolean        retriable)
{
  gboolean will_retry = retriable && retry < SANDBOX_WEBHOOK_PING_RETRIES && hook->notifications;

  self->pings_failed++;
  record_result (self, hook, FALSE, message, retry, started_us, will_retry);
  if (will_retry)
    {
      guint64 delay = (guint64) self->webhook_retry_base_ms << MIN (retry, 20u);

      hook->ping_retry = retry + 1;
      schedule (self, hook, (guint) MIN (delay, G_MAXUINT));
    }
  else
    {
      hook->ping_retry = 0;
      if (retriable)
        hook->notifications = FALSE;   /* given up: enableNotifications turns them back on */
    }
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Ping *ping = data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  SandboxWebhook *hook;
  guint status;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      ping_free (ping);   /* the server is going away */
      return;
    }
  hook = sandbox_webhooks_find (ping->self, ping->webhook_id, NULL);
  if (hook == NULL)
    {
      ping_free (ping);   /* deleted meanwhile */
      return;
    }
  hook->ping_in_flight = FALSE;
  status = msg != NULL ? soup_message_get_status (msg) : 0;
  if (error == NULL && (status == 200 || status == 204))
    {
      ping->self->pings_sent++;
      hook->ping_retry = 0;
      record_result (ping->self, hook, TRUE, NULL, ping->retry, ping->started_us, FALSE);
      if (hook->ping_wanted && hook->notifications)
        schedule (ping->self, hook, 0);
    }
  else
    {
      g_autofree char *message = error != NULL
                                 ? g_strdup_printf ("The HTTP request failed: %s", error->message)
                                 : g_strdup_printf ("The HTTP request returned a %u status code instead of 200 or 204.", status);

      failed (ping->self, hook, message, ping->retry, ping->started_us, TRUE);
    }
  ping_free (ping);
}

static void
ping_now (SandboxServer  *self,
          SandboxWebhook *hook)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *timestamp = NULL;
  g_autofree char *body = NULL;
  g_autofree char *mac = NULL;
  Ping *ping;

  if (!hook->notifications || hook->notification_url == NULL || hook->ping_in_flight)
    return;
  hook->ping_wanted = FALSE;
  if (!is_loopback_url (hook->notification_url))
    {
      failed (self, hook, "The sandbox sends notifications to loopback addresses only.", hook->ping_retry,
              g_get_monotonic_time (), FALSE);
      return;
    }
  msg = soup_message_new ("POST", hook->notification_url);
  if (msg == NULL)
    {
      failed (self, hook, "The notification URL cannot be used.", hook->ping_retry, g_get_monotonic_time (), FALSE);
      return;
    }
  if (self->ping_session == NULL)
    {
      self->ping_session = soup_session_new_with_options ("timeout", SANDBOX_WEBHOOK_PING_TIMEOUT_S,
                                                          "proxy-resolver", NULL,
                                                          "user-agent", "hangar-sandbox",
                                                          NULL);
      self->ping_cancellable = g_cancellable_new ();
    }
  /* compact, members in this order, so that a receiver may hash either the
   * raw bytes or JSON.stringify of what it parsed */
  timestamp = sandbox_format_time (_sandbox_webhooks_now_ms (self));
  body = g_strdup_printf ("{\"base\":{\"id\":\"%s\"},\"webhook\":{\"id\":\"%s\"},\"timestamp\":\"%s\"}",
                          hook->base_id, hook->id, timestamp);
  mac = sandbox_webhook_mac (hook->mac_secret, body, strlen (body));
  bytes = g_bytes_new (body, strlen (body));
  soup_message_set_request_body_from_bytes (msg, "application/json; charset=utf-8", bytes);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "X-Airtable-Content-MAC", mac);

  ping = g_new0 (Ping, 1);
  ping->self = self;
  ping->webhook_id = g_strdup (hook->id);
  ping->retry = hook->ping_retry;
  ping->started_us = g_get_monotonic_time ();
  hook->ping_in_flight = TRUE;
  soup_session_send_and_read_async (self->ping_session, msg, G_PRIORITY_DEFAULT, self->ping_cancellable, sent_cb, ping);
}

void
_sandbox_webhooks_ping_soon (SandboxServer  *self,
                             SandboxWebhook *hook)
{
  if (!hook->notifications || hook->notification_url == NULL)
    return;
  hook->ping_wanted = TRUE;
  if (hook->ping_in_flight || hook->ping_source != 0)
    return;   /* coalesced with the one under way or waiting */
  schedule (self, hook, 0);
}

void
_sandbox_webhooks_ping_cancel (SandboxWebhook *hook)
{
  g_clear_handle_id (&hook->ping_source, g_source_remove);
  hook->ping_wanted = FALSE;
}
