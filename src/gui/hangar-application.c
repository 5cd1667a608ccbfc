/* hangar-application.c — application actions live here, in one place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <signal.h>

#include "hangar-about.h"
#include "hangar-background.h"
#include "hangar-application-private.h"
#include "hangar-compat.h"
#include "hangar-notifier.h"
#include "hangar-request-log.h"
#include "hangar-sandbox-launcher.h"
#include "hangar-window.h"

#define SANDBOX_PREFERRED_PORT 8470

struct _HangarApplication
{
  AdwApplication         parent_instance;

  HangarAccountStore    *store;
  HangarNotifier        *notifier;
  HangarBackground      *background;
  HangarSandboxLauncher *sandbox;
  HangarOAuthIntegration *sandbox_integration;
  guint                  sandbox_port;
  gboolean               want_sandbox;
  gboolean               sandbox_failed;
  gboolean               activate_pending;
};

G_DEFINE_FINAL_TYPE (HangarApplication, hangar_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "sandbox", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Run against a local hangar-sandbox with demo data (no Airtable account needed)"), NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version"), NULL },
  { NULL }
};

static HangarWindow *
get_window (HangarApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (HANGAR_IS_WINDOW (window))
    return HANGAR_WINDOW (window);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (HANGAR_IS_WINDOW (l->data))
      return HANGAR_WINDOW (l->data);

  return NULL;
}

static void
apply_sandbox (HangarApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (HANGAR_IS_WINDOW (l->data))
      hangar_window_set_sandbox (HANGAR_WINDOW (l->data), self->sandbox_integration);
}

static void hangar_application_activate (GApplication *app);

/* The sandbox prefers one port but takes any free one when that is busy:
 * point every saved sandbox account at the URL it really listens on. Its
 * OAuth state lives in its --state-dir, so the saved tokens stay valid; only
 * the address moved. Returns how many accounts moved. */
guint
hangar_application_rebase_sandbox_accounts (HangarAccountStore *store,
                                            const char         *url)
{
  return hangar_account_store_move_sandbox_accounts (store, url);
}

static void
sandbox_started_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(HangarApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  HangarSandboxLauncher *launcher = HANGAR_SANDBOX_LAUNCHER (object);
  HangarWindow *window;

  g_application_release (G_APPLICATION (self));

  if (!hangar_sandbox_launcher_start_finish (launcher, result, &error))
    {
      g_autofree char *text = g_strdup_printf (_("The sandbox could not start: %s"), error->message);

      self->sandbox_failed = TRUE;
      g_printerr ("hangar: %s\n", text);
      /* The window waited for the sandbox: show it now, with the reason. */
      if (self->activate_pending)
        hangar_application_activate (G_APPLICATION (self));
      if ((window = get_window (self)) != NULL)
        hangar_window_toast (window, text);
      return;
    }

  self->sandbox_integration =
    hangar_oauth_integration_new (hangar_sandbox_launcher_get_url (launcher),
                                  hangar_sandbox_launcher_get_url (launcher),
                                  hangar_sandbox_launcher_get_client_id (launcher),
                                  NULL,
                                  hangar_sandbox_launcher_get_redirect_uri (launcher),
                                  NULL);
  /* The URL only, never the demo token. */
  g_printerr ("hangar: sandbox running at %s\n", hangar_sandbox_launcher_get_url (launcher));
  if (self->sandbox_port == SANDBOX_PREFERRED_PORT &&
      !g_str_has_suffix (hangar_sandbox_launcher_get_url (launcher), ":" G_STRINGIFY (SANDBOX_PREFERRED_PORT)))
    g_printerr ("hangar: port %d was busy, so the sandbox took another one; saved sandbox accounts follow it\n",
                SANDBOX_PREFERRED_PORT);
  if (hangar_application_rebase_sandbox_accounts (self->store, hangar_sandbox_launcher_get_url (launcher)) > 0)
    {
      g_autoptr(GError) flush_error = NULL;

      if (!hangar_account_store_flush (self->store, &flush_error))
        g_printerr ("hangar: could not save the account list: %s\n", flush_error->message);
    }
  apply_sandbox (self);
  if (self->activate_pending)
    hangar_application_activate (G_APPLICATION (self));
}

static void
start_sandbox (HangarApplication *self)
{
  if (self->sandbox != NULL)
    return;

  self->sandbox = hangar_sandbox_launcher_new ();

  /* Keep the application alive while the sandbox starts. */
  g_application_hold (G_APPLICATION (self));
  /* A fixed port keeps saved sandbox accounts working across runs (the
   * sandbox takes any free one when it is busy). */
  hangar_sandbox_launcher_start_async (self->sandbox, NULL, self->sandbox_port,
                                       NULL, NULL,
                                       sandbox_started_cb, g_object_ref (self));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  HangarApplication *self = user_data;

  if (self->background != NULL)
    hangar_background_quit (self->background);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; )
    {
      GtkWindow *window = l->data;
      l = l->next;
      gtk_window_close (window);
    }
  /* A window that asks first (changes not on Airtable yet) stays: the
   * application ends when it closes. A signal (action NULL) quits. */
  if (action != NULL && gtk_application_get_windows (GTK_APPLICATION (self)) != NULL)
    return;
  g_application_quit (G_APPLICATION (self));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  HangarApplication *self = user_data;
  const char *sandbox_url = NULL;

  if (self->sandbox != NULL)
    sandbox_url = hangar_sandbox_launcher_get_url (self->sandbox);
  if (self->want_sandbox && sandbox_url == NULL)
    sandbox_url = "on, not running";
  hangar_about_show (GTK_WINDOW (get_window (self)), sandbox_url);
}

static void
add_account_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  HangarApplication *self = user_data;
  HangarWindow *window;

  g_application_activate (G_APPLICATION (self));
  if ((window = get_window (self)) != NULL)
    hangar_window_add_account (window);
}

/* From a notification: the window (opened again if it was closed), on the
 * account; for reconnect-account, its reconnect flow too. */
static HangarWindow *
window_on_account (HangarApplication *self,
                   const char        *account_id)
{
  HangarWindow *window;

  g_application_activate (G_APPLICATION (self));
  window = get_window (self);
  if (window != NULL)
    hangar_window_show_account (window, account_id);
  return window;
}

static void
show_account_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  window_on_account (HANGAR_APPLICATION (user_data), g_variant_get_string (parameter, NULL));
}

static void
reconnect_account_action (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  HangarWindow *window = window_on_account (HANGAR_APPLICATION (user_data), g_variant_get_string (parameter, NULL));

  if (window != NULL)
    gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.reconnect-account", parameter);
}

static gboolean
unix_signal_cb (gpointer user_data)
{
  /* Ctrl+C in a terminal or a plain kill: quit properly, so the sandbox
   * is stopped and pending metadata written. */
  quit_action (NULL, NULL, user_data);
  return G_SOURCE_CONTINUE;
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "about", about_action },
  { "add-account", add_account_action },
  { "show-account", show_account_action, "s" },
  { "reconnect-account", reconnect_account_action, "s" },
};

static int
hangar_application_handle_local_options (GApplication *app,
                                         GVariantDict *options)
{
  HangarApplication *self = HANGAR_APPLICATION (app);
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("hangar %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (g_variant_dict_contains (options, "sandbox"))
    self->want_sandbox = TRUE;

  /* A sandbox run is its own instance, never a remote call into an
   * already running Hangar. */
  if (self->want_sandbox)
    g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);

  return G_APPLICATION_CLASS (hangar_application_parent_class)->handle_local_options (app, options);
}

static void
hangar_application_startup (GApplication *app)
{
  HangarApplication *self = HANGAR_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *about_accels[] = { "F1", NULL };
  g_autoptr(GError) error = NULL;

  G_APPLICATION_CLASS (hangar_application_parent_class)->startup (app);
  gtk_window_set_default_icon_name (APP_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.about", about_accels);
  /* Ctrl+N and Ctrl+W are the window's own bindings (hangar-window.c). */

  if (self->want_sandbox)
    {
      /* Sandbox accounts live apart from real ones (their metadata in the
       * config dir like the real ones; the sandbox's own state under the
       * data dir). */
      g_autofree char *path = g_build_filename (g_get_user_config_dir (), "hangar", "sandbox", "accounts.json", NULL);

      self->store = hangar_account_store_new_for_path (path, &error);
    }
  else
    self->store = hangar_account_store_new (&error);

  if (self->store == NULL)
    g_error ("hangar: could not open the account list: %s", error->message);

  /* Every request made for an account goes into its request log, and an
   * account that needs the user says so, also with no window in front. */
  hangar_request_log_attach_accounts (self->store, "app");
  self->notifier = hangar_notifier_new (GTK_APPLICATION (self), self->store);
  self->background = hangar_background_new (GTK_APPLICATION (self), self->store);

  g_unix_signal_add (SIGINT, unix_signal_cb, self);
  g_unix_signal_add (SIGTERM, unix_signal_cb, self);

  if (self->want_sandbox)
    start_sandbox (self);
}

static void
hangar_application_activate (GApplication *app)
{
  HangarApplication *self = HANGAR_APPLICATION (app);
  HangarWindow *window = get_window (self);

  /* Sandbox mode: the window (and the clients of saved sandbox accounts)
   * waits until the sandbox says where it listens. */
  if (window == NULL && self->want_sandbox && self->sandbox_integration == NULL && !self->sandbox_failed)
    {
      self->activate_pending = TRUE;
      return;
    }
  self->activate_pending = FALSE;

  if (window == NULL)
    {
      window = hangar_window_new (GTK_APPLICATION (self), self->store);
#if HANGAR_DEVEL
      /* libadwaita's striped header bars: this is not the released app. */
      gtk_widget_add_css_class (GTK_WIDGET (window), "devel");
#endif
      if (self->sandbox_integration != NULL)
        hangar_window_set_sandbox (window, self->sandbox_integration);
    }

  gtk_window_present (GTK_WINDOW (window));
}

static void
hangar_application_shutdown (GApplication *app)
{
  HangarApplication *self = HANGAR_APPLICATION (app);

  if (self->store != NULL)
    hangar_account_store_flush (self->store, NULL);
  hangar_request_log_flush_all ();
  g_clear_object (&self->background);
  g_clear_object (&self->notifier);
  if (self->sandbox != NULL)
    hangar_sandbox_launcher_stop (self->sandbox);

  G_APPLICATION_CLASS (hangar_application_parent_class)->shutdown (app);
}

static void
hangar_application_dispose (GObject *object)
{
  HangarApplication *self = (HangarApplication *)object;

  g_clear_object (&self->sandbox);
  g_clear_object (&self->background);
  g_clear_object (&self->notifier);
  g_clear_object (&self->store);
  g_clear_pointer (&self->sandbox_integration, hangar_oauth_integration_free);

  G_OBJECT_CLASS (hangar_application_parent_class)->dispose (object);
}

static void
hangar_application_class_init (HangarApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = hangar_application_dispose;
  app_class->handle_local_options = hangar_application_handle_local_options;
  app_class->startup = hangar_application_startup;
  app_class->activate = hangar_application_activate;
  app_class->shutdown = hangar_application_shutdown;
}

static void
hangar_application_init (HangarApplication *self)
{
  self->sandbox_port = SANDBOX_PREFERRED_PORT;
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
}

HangarApplication *
hangar_application_new (void)
{
  return g_object_new (HANGAR_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       /* The resources' prefix, not the app id: the same in
                        * every profile (GTK would derive …/Hangar/Devel). */
                       "resource-base-path", "/io/github/tablehangar/Hangar",
                       NULL);
}

HangarAccountStore *
hangar_application_get_store (HangarApplication *self)
{
  g_return_val_if_fail (HANGAR_IS_APPLICATION (self), NULL);
  return self->store;
}

/* For tests and tools (hangar-application-private.h). */

void
_hangar_application_set_sandbox_port (HangarApplication *self,
                                      guint              port)
{
  g_return_if_fail (HANGAR_IS_APPLICATION (self));
  g_return_if_fail (self->sandbox == NULL);

  self->sandbox_port = port;
}

HangarBackground *
_hangar_application_get_background (HangarApplication *self)
{
  g_return_val_if_fail (HANGAR_IS_APPLICATION (self), NULL);

  return self->background;
}

HangarSandboxLauncher *
_hangar_application_get_sandbox (HangarApplication *self)
{
  g_return_val_if_fail (HANGAR_IS_APPLICATION (self), NULL);

  return self->sandbox;
}
