/* hangar-connect.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-compat.h"
#include "hangar-connect.h"
#include "hangar-consent.h"
#include "hangar-token-source.h"

typedef struct
{
  HangarAccountStore  *store;
  HangarOAuthFlow     *flow;
  char                *label;
  /* A sign-in that goes on in the browser: its answer comes here. */
  HangarOAuthListener *listener;
  GCancellable        *listen_cancellable;
} ConnectData;

static void
connect_data_free (ConnectData *data)
{
  g_cancellable_cancel (data->listen_cancellable);
  g_clear_object (&data->listen_cancellable);
  if (data->listener != NULL)
    hangar_oauth_listener_close (data->listener);
  g_clear_object (&data->listener);
  g_clear_object (&data->store);
  g_clear_object (&data->flow);
  g_free (data->label);
  g_free (data);
}

/* What the consent run shares with its callbacks: the connect task. */
typedef struct
{
  GTask *task;
} RunCtx;

static void
run_ctx_free (gpointer data)
{
  RunCtx *ctx = data;

  g_clear_object (&ctx->task);
  g_free (ctx);
}

/* A string wiped when freed (the URIs here carry the code). */
typedef char SecretString;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SecretString, hangar_token_free)

gboolean
hangar_connect_error_is_cancel (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
         g_error_matches (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_CANCELLED);
}

char *
hangar_connect_describe_error (const char   *prefix,
                               const GError *error)
{
  if (g_error_matches (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_KEYRING))
    /* Tokens live only in the Secret Service: without one nothing can be
     * saved, so say what to do instead of libsecret's D-Bus words alone. */
    return g_strdup_printf (_("%s: Hangar keeps sign-in tokens only in your keyring, and no keyring "
                              "(Secret Service) could be used. Make sure one, such as GNOME Keyring, "
                              "is running and unlocked, then try again. (%s)"),
                            prefix, error->message);
  if (g_error_matches (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_CANCELLED))
    return g_strdup_printf (_("%s: access was not granted on the consent page."), prefix);
  if (g_error_matches (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_STATE_MISMATCH) ||
      g_error_matches (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_REDIRECT_MISMATCH))
    return g_strdup_printf (_("%s: the answer from the sign-in page did not belong to this sign-in, "
                              "so it was refused for your safety. Try again. (%s)"),
                            prefix, error->message);
  if (g_error_matches (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_CLIENT))
    return g_strdup_printf (_("%s: the server does not know this client ID and secret. "
                              "Check them against your integration. (%s)"),
                            prefix, error->message);
  if (g_error_matches (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_NETWORK))
    return g_strdup_printf (_("%s: the server could not be reached. Check your connection. (%s)"),
                            prefix, error->message);
  return g_strdup_printf ("%s: %s", prefix, error->message);
}

static gboolean
match_redirect (const char *uri,
                gpointer    user_data)
{
  RunCtx *ctx = user_data;
  ConnectData *data = g_task_get_task_data (ctx->task);

  return hangar_oauth_flow_is_redirect (data->flow, uri);
}

/* The browser's answer to a sign-in that began in the consent dialog:
 * the dialog ends with it, as if its own view had been sent there. */
static void
dialog_listener_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GtkWindow) dialog = user_data;
  g_autoptr(SecretString) uri = NULL;
  g_autoptr(GError) error = NULL;

  uri = hangar_oauth_listener_wait_finish (HANGAR_OAUTH_LISTENER (object), result, &error);
  if (uri == NULL)
    return;  /* cancelled or closed: the dialog went away */
  hangar_consent_complete (dialog, uri);
}

/* "Open in Browser" in the consent dialog: the same flow (state, PKCE) in
 * the user's browser, answered on the loopback listener. */
static gboolean
browser_requested (GtkWindow  *dialog,
                   gpointer    user_data,
                   GError    **error)
{
  RunCtx *ctx = user_data;
  ConnectData *data = g_task_get_task_data (ctx->task);

  if (data->listener == NULL)
    {
      data->listener = hangar_oauth_listener_new (data->flow, error);
      if (data->listener == NULL)
        return FALSE;
      hangar_oauth_listener_wait_async (data->listener, data->listen_cancellable, dialog_listener_cb,
                                        g_object_ref (dialog));
    }
  hangar_compat_show_uri (dialog, hangar_oauth_flow_get_authorize_uri (data->flow));
  return TRUE;
}

static void
connect_oauth_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConnectData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  HangarAccount *account;

  account = hangar_account_store_connect_oauth_finish (HANGAR_ACCOUNT_STORE (object), result, &error);

  /* A browser waits for a page saying how it ended. */
  if (data->listener != NULL && account != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Hangar is now connected to Airtable as “%s”. You can close this tab."),
                                               hangar_account_get_label (account));

      hangar_oauth_listener_respond (data->listener, TRUE, _("Connected"), text);
    }
  else if (data->listener != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("%s You can close this tab."), error->message);

      hangar_oauth_listener_respond (data->listener, FALSE, _("Not connected"), text);
    }

  if (account == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_object_ref (account), g_object_unref);
}

/* Checks the redirect URI (registered URI, `state` in constant time;
 * access_denied is HANGAR_AUTH_ERROR_CANCELLED), exchanges the code and
 * stores the account. Takes the task. */
static void
connect_with_redirect (GTask      *task,
                       const char *uri)
{
  ConnectData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretString) code = NULL;

  code = hangar_oauth_flow_parse_redirect (data->flow, uri, &error);
  if (code == NULL)
    {
      if (data->listener != NULL)
        {
          g_autofree char *text = g_strdup_printf (_("%s You can close this tab."), error->message);

          hangar_oauth_listener_respond (data->listener,
                                         g_error_matches (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_CANCELLED),
                                         _("Not connected"), text);
        }
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  hangar_account_store_connect_oauth_async (data->store, data->label, data->flow, code,
                                            g_task_get_cancellable (task), connect_oauth_cb, task);
}

static void
consent_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretString) uri = NULL;

  uri = hangar_consent_run_finish (result, &error);
  if (uri == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  connect_with_redirect (g_steal_pointer (&task), uri);
}

void
hangar_connect_oauth_async (GtkWindow                    *parent,
                            HangarAccountStore           *store,
                            const char                   *label,
                            const HangarOAuthIntegration *integration,
                            GCancellable                 *cancellable,
                            GAsyncReadyCallback           callback,
                            gpointer                      user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  ConnectData *data;

  g_return_if_fail (HANGAR_IS_ACCOUNT_STORE (store));
  g_return_if_fail (label != NULL);
  g_return_if_fail (integration != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_connect_oauth_async);

  if (!hangar_oauth_integration_validate (integration, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = g_new0 (ConnectData, 1);
  data->store = g_object_ref (store);
  data->label = g_strdup (label);
  data->flow = hangar_oauth_flow_new (integration);
  data->listen_cancellable = g_cancellable_new ();
  g_task_set_task_data (task, data, (GDestroyNotify) connect_data_free);

  {
    RunCtx *ctx = g_new0 (RunCtx, 1);

    ctx->task = g_object_ref (task);
    hangar_consent_run_full_async (parent,
                                   hangar_oauth_flow_get_authorize_uri (data->flow),
                                   match_redirect, browser_requested, ctx, run_ctx_free,
                                   cancellable, consent_cb, g_steal_pointer (&task));
  }
}

static void
browser_answer_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretString) uri = NULL;

  uri = hangar_oauth_listener_wait_finish (HANGAR_OAUTH_LISTENER (object), result, &error);
  if (uri == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  connect_with_redirect (g_steal_pointer (&task), uri);
}

/**
 * hangar_connect_oauth_in_browser_async:
 *
 * See hangar-connect.h.
 */
void
hangar_connect_oauth_in_browser_async (GtkWindow                    *parent,
                                       HangarAccountStore           *store,
                                       const char                   *label,
                                       const HangarOAuthIntegration *integration,
                                       GCancellable                 *cancellable,
                                       GAsyncReadyCallback           callback,
                                       gpointer                      user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  ConnectData *data;

  g_return_if_fail (HANGAR_IS_ACCOUNT_STORE (store));
  g_return_if_fail (label != NULL);
  g_return_if_fail (integration != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_connect_oauth_async);

  if (!hangar_oauth_integration_validate (integration, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = g_new0 (ConnectData, 1);
  data->store = g_object_ref (store);
  data->label = g_strdup (label);
  data->flow = hangar_oauth_flow_new (integration);
  g_task_set_task_data (task, data, (GDestroyNotify) connect_data_free);

  data->listener = hangar_oauth_listener_new (data->flow, &error);
  if (data->listener == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  hangar_compat_show_uri (parent, hangar_oauth_flow_get_authorize_uri (data->flow));
  hangar_oauth_listener_wait_async (data->listener, cancellable, browser_answer_cb, g_steal_pointer (&task));
}

HangarAccount *
hangar_connect_oauth_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hangar_connect_oauth_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
