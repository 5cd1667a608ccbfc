/* hangar-oauth-listener.c — receives the browser's answer of a consent flow
 * on the loopback redirect URI
 *
 * Used by `hangar-cli connect --oauth` and by the app's "Sign in with your
 * browser": one implementation of the checks in hangar-oauth-listener.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "hangar-auth-error.h"
#include "hangar-oauth-listener.h"
#include "hangar-token-source.h"

struct _HangarOAuthListener
{
  GObject            parent_instance;

  HangarOAuthFlow   *flow;
  SoupServer        *server;
  SoupServerMessage *held;       /* the browser's request with our state */
  char              *answer;     /* its URI, until someone waits for it */
  GTask             *waiting;
  gulong             cancel_id;
  gboolean           answered;   /* a request with our state came */
  gboolean           responded;  /* its page is on its way */
};

G_DEFINE_FINAL_TYPE (HangarOAuthListener, hangar_oauth_listener, G_TYPE_OBJECT)

/* A string wiped when freed: URIs here carry the authorization code. */
typedef char SecretString;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SecretString, hangar_token_free)

static void
set_page (SoupServerMessage *msg,
          guint              status,
          const char        *title,
          const char        *text)
{
  g_autofree char *t = g_markup_escape_text (title, -1);
  g_autofree char *x = g_markup_escape_text (text, -1);
  g_autofree char *page = g_strdup_printf ("<!doctype html><html><head><meta charset=\"utf-8\">"
                                           "<title>Hangar: %s</title></head>"
                                           "<body style=\"font-family:sans-serif;margin:3em\">"
                                           "<h1>%s</h1><p>%s</p></body></html>\n",
                                           t, t, x);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_server_message_set_status (msg, status, NULL);
  /* Nothing of this page is kept or passed on: the URL carried a code. */
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY, page, strlen (page));
}

static void
complete_wait (HangarOAuthListener *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->waiting);

  if (task == NULL || self->answer == NULL)
    {
      self->waiting = g_steal_pointer (&task);
      return;
    }
  if (self->cancel_id != 0)
    g_cancellable_disconnect (g_task_get_cancellable (task), self->cancel_id);
  self->cancel_id = 0;
  g_task_return_pointer (task, g_steal_pointer (&self->answer), (GDestroyNotify) hangar_token_free);
}

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  HangarOAuthListener *self = user_data;
  g_autoptr(SecretString) uri = g_uri_to_string (soup_server_message_get_uri (msg));
  g_autoptr(SecretString) code = NULL;
  g_autoptr(GError) error = NULL;

  /* The URI as the request names it, its host from the Host header: only
   * the exact redirect URI is ours. */
  if (!hangar_oauth_flow_is_redirect (self->flow, uri))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  if (!g_str_equal (soup_server_message_get_method (msg), "GET"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      return;
    }
  if (self->answered)
    {
      set_page (msg, SOUP_STATUS_CONFLICT, _("Already answered"), _("This sign-in was answered already."));
      return;
    }

  code = hangar_oauth_flow_parse_redirect (self->flow, uri, &error);
  if (code == NULL && g_error_matches (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_REDIRECT_MISMATCH))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  if (code == NULL && g_error_matches (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_STATE_MISMATCH))
    {
      /* Not the answer to this sign-in (forged or stale): refused, and the
       * real one is still awaited. */
      g_debug ("OAuth listener: refused an answer with another state");
      set_page (msg, SOUP_STATUS_BAD_REQUEST, _("Not connected"), error->message);
      return;
    }

  /* Ours, with a code or with Airtable's error: the caller decides, and
   * answers the browser then. */
  self->answered = TRUE;
  self->held = g_object_ref (msg);
  soup_server_message_pause (msg);
  self->answer = g_steal_pointer (&uri);
  complete_wait (self);
}

static gboolean
return_cancelled_idle (gpointer data)
{
  HangarOAuthListener *self = data;
  g_autoptr(GTask) task = g_steal_pointer (&self->waiting);

  if (task != NULL)
    {
      if (self->cancel_id != 0)
        g_cancellable_disconnect (g_task_get_cancellable (task), self->cancel_id);
      self->cancel_id = 0;
      g_task_return_error_if_cancelled (task);
    }
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

static void
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  /* Inside g_cancellable_cancel(): finish from an idle, where
   * disconnecting this handler is allowed. At the default priority, not
   * the idle one: a window busy repainting (a spinner on a loaded machine)
   * always has a frame due, and would hold a low-priority idle off for
   * good — the Cancel button would seem to do nothing. */
  g_idle_add_full (G_PRIORITY_DEFAULT, return_cancelled_idle, g_object_ref (user_data), NULL);
}

static gboolean
disconnect_later_cb (gpointer data)
{
  SoupServer *server = data;

  soup_server_disconnect (server);
  g_object_unref (server);
  return G_SOURCE_REMOVE;
}

static void
hangar_oauth_listener_dispose (GObject *object)
{
  HangarOAuthListener *self = (HangarOAuthListener *) object;

  hangar_oauth_listener_close (self);
  g_clear_object (&self->flow);

  G_OBJECT_CLASS (hangar_oauth_listener_parent_class)->dispose (object);
}

static void
hangar_oauth_listener_finalize (GObject *object)
{
  HangarOAuthListener *self = (HangarOAuthListener *) object;

  g_clear_pointer (&self->answer, hangar_token_free);

  G_OBJECT_CLASS (hangar_oauth_listener_parent_class)->finalize (object);
}

static void
hangar_oauth_listener_class_init (HangarOAuthListenerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hangar_oauth_listener_dispose;
  object_class->finalize = hangar_oauth_listener_finalize;
}

static void
hangar_oauth_listener_init (HangarOAuthListener *self)
{
}

/**
 * hangar_oauth_listener_new:
 * @flow: the consent flow whose answer is awaited
 * @error: return location for a #GError
 *
 * Starts listening on the flow's loopback redirect URI.
 *
 * Returns: (transfer full): the listener, or %NULL with
 *   %HANGAR_AUTH_ERROR_INVALID_SETTINGS (not a loopback http URI with a
 *   port) or an error of the socket (the port is in use)
 */
HangarOAuthListener *
hangar_oauth_listener_new (HangarOAuthFlow  *flow,
                           GError          **error)
{
  g_autoptr(HangarOAuthListener) self = NULL;
  g_autoptr(GUri) redirect = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  const HangarOAuthIntegration *integration;
  const char *host;
  int port;

  g_return_val_if_fail (HANGAR_IS_OAUTH_FLOW (flow), NULL);

  integration = hangar_oauth_flow_get_integration (flow);
  redirect = g_uri_parse (integration->redirect_uri, G_URI_FLAGS_ENCODED, NULL);
  host = redirect != NULL ? g_uri_get_host (redirect) : NULL;
  port = redirect != NULL ? g_uri_get_port (redirect) : -1;
  if (redirect == NULL || g_ascii_strcasecmp (g_uri_get_scheme (redirect), "http") != 0 || host == NULL ||
      !(g_ascii_strcasecmp (host, "localhost") == 0 || g_str_equal (host, "127.0.0.1")) || port <= 0)
    {
      g_set_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_SETTINGS,
                   _("The redirect URL must be http://127.0.0.1:PORT/… or http://localhost:PORT/… "
                     "so that Hangar can receive the answer (it is %s)"),
                   integration->redirect_uri);
      return NULL;
    }

  self = g_object_new (HANGAR_TYPE_OAUTH_LISTENER, NULL);
  self->flow = g_object_ref (flow);
  self->server = soup_server_new ("server-header", "Hangar", NULL);
  soup_server_add_handler (self->server, NULL, handler_cb, self, NULL);

  /* Loopback only: never a public interface. */
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, (guint16) port);
  if (!soup_server_listen (self->server, address, 0, error))
    {
      g_prefix_error (error, _("Cannot listen on 127.0.0.1:%d for the answer (is another sign-in running?): "), port);
      return NULL;
    }
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    {
      /* A browser may resolve "localhost" to ::1 first; loopback still. */
      g_autoptr(GInetAddress) loopback6 = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
      g_autoptr(GSocketAddress) address6 = g_inet_socket_address_new (loopback6, (guint16) port);

      if (!soup_server_listen (self->server, address6, 0, NULL))
        g_debug ("No IPv6 loopback listener for the redirect");
    }
  return g_steal_pointer (&self);
}

const char *
hangar_oauth_listener_get_redirect_uri (HangarOAuthListener *self)
{
  g_return_val_if_fail (HANGAR_IS_OAUTH_LISTENER (self), NULL);
  return hangar_oauth_flow_get_integration (self->flow)->redirect_uri;
}

/**
 * hangar_oauth_listener_wait_async:
 * @self: a listener
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Waits until the browser is sent to the redirect URI with the flow's
 * state (at once if it came already). One wait at a time.
 */
void
hangar_oauth_listener_wait_async (HangarOAuthListener *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HANGAR_IS_OAUTH_LISTENER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_oauth_listener_wait_async);
  if (self->waiting != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, "%s", _("Already waiting"));
      return;
    }
  if (self->server == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED, "%s", _("The listener was closed"));
      return;
    }
  self->waiting = g_steal_pointer (&task);
  if (cancellable != NULL)
    self->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), self, NULL);
  complete_wait (self);
}

/**
 * hangar_oauth_listener_wait_finish:
 *
 * Returns: (transfer full): the redirect URI the browser was sent to (it
 *   carries the code: free it with hangar_token_free())
 */
char *
hangar_oauth_listener_wait_finish (HangarOAuthListener  *self,
                                   GAsyncResult         *result,
                                   GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
hangar_oauth_listener_respond (HangarOAuthListener *self,
                               gboolean             ok,
                               const char          *title,
                               const char          *text)
{
  g_autoptr(SoupServerMessage) held = NULL;

  g_return_if_fail (HANGAR_IS_OAUTH_LISTENER (self));

  held = g_steal_pointer (&self->held);
  if (held == NULL)
    return;
  set_page (held, ok ? SOUP_STATUS_OK : SOUP_STATUS_BAD_REQUEST, title, text);
  soup_server_message_unpause (held);
  self->responded = TRUE;
}

void
hangar_oauth_listener_close (HangarOAuthListener *self)
{
  g_return_if_fail (HANGAR_IS_OAUTH_LISTENER (self));

  hangar_oauth_listener_respond (self, FALSE, _("Not connected"),
                                 _("The sign-in was cancelled in Hangar. You can close this tab."));
  if (self->waiting != NULL)
    {
      g_autoptr(GTask) task = g_steal_pointer (&self->waiting);

      if (self->cancel_id != 0)
        g_cancellable_disconnect (g_task_get_cancellable (task), self->cancel_id);
      self->cancel_id = 0;
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED, "%s", _("The listener was closed"));
    }
  if (self->server == NULL)
    return;
  /* The page must still reach the browser: the socket goes a moment later. */
  if (self->responded)
    g_timeout_add (500, disconnect_later_cb, g_steal_pointer (&self->server));
  else
    {
      soup_server_disconnect (self->server);
      g_clear_object (&self->server);
    }
}
