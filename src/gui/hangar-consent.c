/* hangar-consent.c — host side of the consent dialog (no WebKit here)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <gmodule.h>

#include "hangar-consent-private.h"

#define CONSENT_MODULE_NAME "libhangar-consent.so"

typedef GType (*GetTypeFunc) (void);

static GType consent_dialog_type;
static GtkWindow *current_dialog;

typedef struct
{
  HangarConsentMatchFunc  match;
  HangarConsentBrowserFunc browser;
  gpointer                match_data;
  GDestroyNotify          match_destroy;
  GtkWindow              *dialog;
  gulong                  cancelled_id;
} RunData;

static void
run_data_free (RunData *data)
{
  if (data->match_destroy != NULL)
    data->match_destroy (data->match_data);
  g_clear_object (&data->dialog);
  g_free (data);
}

static GModule *
try_open (const char  *path,
          GString     *tried)
{
  GModule *module;

  if (path == NULL || !g_file_test (path, G_FILE_TEST_EXISTS))
    return NULL;

  module = g_module_open (path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
  if (module == NULL)
    g_string_append_printf (tried, "%s: %s\n", path, g_module_error ());
  return module;
}

gboolean
hangar_consent_ensure_module (GError **error)
{
  g_autoptr(GString) tried = NULL;
  g_autofree char *self_exe = NULL;
  g_autofree char *next_to_exe = NULL;
  g_autofree char *installed = NULL;
  GetTypeFunc get_type = NULL;
  GModule *module = NULL;

  if (consent_dialog_type != 0)
    return TRUE;

  tried = g_string_new (NULL);

  module = try_open (g_getenv ("HANGAR_CONSENT_MODULE"), tried);

  if (module == NULL)
    {
      /* The build tree keeps the module beside the `hangar` binary. */
      self_exe = g_file_read_link ("/proc/self/exe", NULL);
      if (self_exe != NULL)
        {
          g_autofree char *dir = g_path_get_dirname (self_exe);
          next_to_exe = g_build_filename (dir, CONSENT_MODULE_NAME, NULL);
          module = try_open (next_to_exe, tried);
        }
    }

  if (module == NULL)
    {
      installed = g_build_filename (PKGLIBDIR, CONSENT_MODULE_NAME, NULL);
      module = try_open (installed, tried);
    }

  if (module == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("The sign-in component (%s) could not be loaded. %s"),
                   CONSENT_MODULE_NAME, tried->str);
      return FALSE;
    }

  if (!g_module_symbol (module, "hangar_consent_module_get_dialog_type", (gpointer *) &get_type) ||
      get_type == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("The sign-in component is damaged: %s"), g_module_error ());
      g_module_close (module);
      return FALSE;
    }

  /* It registers a GType: it can never be unloaded. */
  g_module_make_resident (module);
  consent_dialog_type = get_type ();
  return TRUE;
}

gboolean
hangar_consent_module_loaded (void)
{
  return consent_dialog_type != 0;
}

GtkWindow *
hangar_consent_get_dialog (void)
{
  return current_dialog;
}

static gboolean
decide_redirect_cb (GtkWindow  *dialog,
                    const char *uri,
                    GTask      *task)
{
  RunData *data = g_task_get_task_data (task);

  return data->match (uri, data->match_data);
}

static gboolean
browser_requested_cb (GtkWindow *dialog,
                      GTask     *task)
{
  RunData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (data->browser == NULL)
    return FALSE;
  if (!data->browser (dialog, data->match_data, &error))
    {
      g_autofree char *text = g_strdup_printf (_("The sign-in cannot go on in the browser: %s"), error->message);

      gtk_widget_activate_action (GTK_WIDGET (dialog), "consent.show-error", "s", text);
      return TRUE;
    }
  return TRUE;
}

void
hangar_consent_complete (GtkWindow  *dialog,
                         const char *redirect_uri)
{
  g_return_if_fail (GTK_IS_WINDOW (dialog));
  g_return_if_fail (redirect_uri != NULL);

  gtk_widget_activate_action (GTK_WIDGET (dialog), "consent.complete", "s", redirect_uri);
}

static void
finish_flow (GTask *task)
{
  RunData *data = g_task_get_task_data (task);

  if (data->dialog != NULL)
    {
      g_signal_handlers_disconnect_by_data (data->dialog, task);
      if (current_dialog == data->dialog)
        current_dialog = NULL;
    }
  if (data->cancelled_id != 0)
    {
      g_cancellable_disconnect (g_task_get_cancellable (task), data->cancelled_id);
      data->cancelled_id = 0;
    }
}

static void
redirected_cb (GtkWindow  *dialog,
               const char *uri,
               GTask      *task)
{
  g_autoptr(GTask) owned = task;

  finish_flow (task);
  g_task_return_pointer (task, g_strdup (uri), g_free);
}

static void
dialog_cancelled_cb (GtkWindow *dialog,
                     GTask     *task)
{
  g_autoptr(GTask) owned = task;

  finish_flow (task);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s",
                           _("Sign-in was cancelled"));
}

static gboolean
close_dialog_idle (gpointer user_data)
{
  g_autoptr(GtkWindow) dialog = user_data;

  gtk_window_close (dialog);
  return G_SOURCE_REMOVE;
}

static void
cancellable_cancelled_cb (GCancellable *cancellable,
                          GtkWindow    *dialog)
{
  /* Runs in the cancelling thread (the main one here); close from an idle
   * so the cancellable is not disconnected from within its own handler
   * (at the default priority: a busy window would starve an idle one). */
  g_idle_add_full (G_PRIORITY_DEFAULT, close_dialog_idle, g_object_ref (dialog), NULL);
}

void
hangar_consent_run_async (GtkWindow               *parent,
                          const char              *authorize_uri,
                          HangarConsentMatchFunc   match,
                          gpointer                 match_data,
                          GDestroyNotify           match_destroy,
                          GCancellable            *cancellable,
                          GAsyncReadyCallback      callback,
                          gpointer                 user_data)
{
  hangar_consent_run_full_async (parent, authorize_uri, match, NULL, match_data, match_destroy,
                                 cancellable, callback, user_data);
}

void
hangar_consent_run_full_async (GtkWindow               *parent,
                               const char              *authorize_uri,
                               HangarConsentMatchFunc   match,
                               HangarConsentBrowserFunc browser,
                               gpointer                 match_data,
                               GDestroyNotify           match_destroy,
                               GCancellable            *cancellable,
                               GAsyncReadyCallback      callback,
                               gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  RunData *data;

  g_return_if_fail (authorize_uri != NULL);
  g_return_if_fail (match != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_consent_run_async);

  data = g_new0 (RunData, 1);
  data->match = match;
  data->browser = browser;
  data->match_data = match_data;
  data->match_destroy = match_destroy;
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);

  if (!hangar_consent_ensure_module (&error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (current_dialog != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY, "%s",
                               _("Another sign-in is in progress"));
      return;
    }

  data->dialog = g_object_ref_sink (g_object_new (consent_dialog_type,
                                                  "authorize-uri", authorize_uri,
                                                  "transient-for", parent,
                                                  "modal", parent != NULL,
                                                  NULL));
  current_dialog = data->dialog;

  /* The signal handlers share one reference to the task, released by
   * whichever of "redirected" / "cancelled" comes (exactly one does). */
  g_signal_connect (data->dialog, "decide-redirect", G_CALLBACK (decide_redirect_cb), task);
  g_signal_connect (data->dialog, "redirected", G_CALLBACK (redirected_cb), task);
  g_signal_connect (data->dialog, "cancelled", G_CALLBACK (dialog_cancelled_cb), task);
  g_signal_connect (data->dialog, "browser-requested", G_CALLBACK (browser_requested_cb), task);
  if (cancellable != NULL)
    data->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (cancellable_cancelled_cb),
                                                data->dialog, NULL);

  gtk_window_present (data->dialog);
  g_steal_pointer (&task);
}

char *
hangar_consent_run_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hangar_consent_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
hangar_consent_dialog_is_loaded (GtkWindow *dialog)
{
  g_autoptr(GObject) view = NULL;
  g_autofree char *uri = NULL;
  gboolean loading = TRUE;

  g_return_val_if_fail (GTK_IS_WINDOW (dialog), FALSE);

  g_object_get (dialog, "web-view", &view, NULL);
  if (view == NULL)
    return FALSE;
  g_object_get (view, "is-loading", &loading, "uri", &uri, NULL);
  return !loading && uri != NULL && *uri != '\0';
}
