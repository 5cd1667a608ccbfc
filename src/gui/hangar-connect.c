/* hangar-connect.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-connect.h"
#include "hangar-consent.h"

typedef struct
{
  HangarAccountStore *store;
  HangarOAuthFlow    *flow;
  char               *label;
} ConnectData;

static void
connect_data_free (ConnectData *data)
{
  g_clear_object (&data->store);
  g_clear_object (&data->flow);
  g_free (data->label);
  g_free (data);
}

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
  return hangar_oauth_flow_is_redirect (HANGAR_OAUTH_FLOW (user_data), uri);
}

static void
connect_oauth_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  HangarAccount *account;

  account = hangar_account_store_connect_oauth_finish (HANGAR_ACCOUNT_STORE (object), result, &error);
  if (account == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_object_ref (account), g_object_unref);
}

static void
consent_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConnectData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *code = NULL;
  GCancellable *cancellable;

  uri = hangar_consent_run_finish (result, &error);
  if (uri == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Checks the registered URI and `state` (constant time); maps
   * access_denied to HANGAR_AUTH_ERROR_CANCELLED. */
  code = hangar_oauth_flow_parse_redirect (data->flow, uri, &error);
  if (code == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  cancellable = g_task_get_cancellable (task);
  hangar_account_store_connect_oauth_async (data->store, data->label, data->flow, code, cancellable,
                                            connect_oauth_cb, g_steal_pointer (&task));
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
  g_task_set_task_data (task, data, (GDestroyNotify) connect_data_free);

  hangar_consent_run_async (parent,
                            hangar_oauth_flow_get_authorize_uri (data->flow),
                            match_redirect, g_object_ref (data->flow), g_object_unref,
                            cancellable, consent_cb, g_steal_pointer (&task));
}

HangarAccount *
hangar_connect_oauth_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hangar_connect_oauth_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
