/* hangar-background.c — "Run in Background": the application outlives its window
 *
 * The application holds itself (g_application_hold()) only while it has no
 * window, so what keeps it alive is always visible: a window, or this hold.
 *
 * Inside Flatpak the desktop decides whether an app without a window may
 * run on: org.freedesktop.portal.Background, described at
 * https://flatpak.github.io/xdg-desktop-portal/docs/doc-org.freedesktop.portal.Background.html
 *
 *   RequestBackground (IN s parent_window, IN a{sv} options, OUT o handle)
 *     options: handle_token s, reason s, autostart b (and commandline as,
 *     dbus-activatable b, not used here)
 *
 * The answer comes as org.freedesktop.portal.Request::Response (u response,
 * a{sv} results) on the handle /org/freedesktop/portal/desktop/request/
 * SENDER/TOKEN (SENDER: the unique bus name without ':' and with '.' as '_');
 * response 0 with results["background"] true is a yes. Every Flatpak app may
 * talk to the portal, so the manifests need no permission for it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-background.h"
#include "hangar-window.h"

#define SETTING_KEY     "run-in-background"
#define PORTAL_NAME     "org.freedesktop.portal.Desktop"
#define PORTAL_PATH     "/org/freedesktop/portal/desktop"
#define PORTAL_IFACE    "org.freedesktop.portal.Background"
#define REQUEST_IFACE   "org.freedesktop.portal.Request"

typedef enum
{
  PORTAL_UNASKED,
  PORTAL_PENDING,
  PORTAL_GRANTED,
  PORTAL_REFUSED,
} PortalState;

struct _HangarBackground
{
  GObject             parent_instance;

  GtkApplication     *application;  /* not owned: it owns us */
  HangarAccountStore *store;
  GSettings          *settings;     /* NULL without the installed schema */
  GSimpleAction      *action;
  GCancellable       *cancellable;
  GDBusConnection    *bus;          /* while a portal request waits */
  guint               response_id;
  gboolean            enabled;
  gboolean            held;
  gboolean            quitting;
  gboolean            use_portal;
  PortalState         portal;
};

G_DEFINE_FINAL_TYPE (HangarBackground, hangar_background, G_TYPE_OBJECT)

static void update (HangarBackground *self);

static HangarWindow *
find_window (HangarBackground *self)
{
  GtkWindow *window = gtk_application_get_active_window (self->application);

  if (HANGAR_IS_WINDOW (window))
    return HANGAR_WINDOW (window);
  for (GList *l = gtk_application_get_windows (self->application); l != NULL; l = l->next)
    if (HANGAR_IS_WINDOW (l->data))
      return HANGAR_WINDOW (l->data);
  return NULL;
}

/* In the window when there is one, else on the desktop. */
static void
tell (HangarBackground *self,
      const char       *text)
{
  HangarWindow *window = find_window (self);
  g_autoptr(GNotification) notification = NULL;

  if (window != NULL)
    {
      hangar_window_toast (window, text);
      return;
    }
  notification = g_notification_new (_("Hangar cannot run in the background"));
  g_notification_set_body (notification, text);
  g_application_send_notification (G_APPLICATION (self->application), "run-in-background", notification);
}

static void
arm_token_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  char *token;

  /* Only to start the source's refresh timer; failures reach the notifier
   * through the account's status. */
  token = hangar_token_source_get_token_finish (HANGAR_TOKEN_SOURCE (object), result, &error);
  if (token != NULL)
    hangar_token_free (token);
}

/* The proactive refresh runs once a token was asked for: ask for every OAuth
 * account that may still work, so it runs (and a revoked grant shows) with
 * no window too. */
static void
arm_token_sources (HangarBackground *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HangarAccount) account = g_list_model_get_item (G_LIST_MODEL (self->store), i);
      HangarAccountStatus status = hangar_account_get_status (account);

      if (hangar_account_get_kind (account) == HANGAR_ACCOUNT_KIND_OAUTH &&
          (status == HANGAR_ACCOUNT_STATUS_ACTIVE || status == HANGAR_ACCOUNT_STATUS_EXPIRED))
        hangar_token_source_get_token_async (hangar_account_get_token_source (account),
                                             self->cancellable, arm_token_cb, NULL);
    }
}

static void
portal_done (HangarBackground *self)
{
  if (self->response_id != 0)
    g_dbus_connection_signal_unsubscribe (self->bus, self->response_id);
  self->response_id = 0;
  g_clear_object (&self->bus);
}

static void
portal_answer (HangarBackground *self,
               gboolean          allowed,
               const char       *why)
{
  portal_done (self);
  self->portal = allowed ? PORTAL_GRANTED : PORTAL_REFUSED;
  if (!allowed)
    {
      g_autofree char *text = NULL;

      if (why != NULL)
        text = g_strdup_printf (_("Hangar may not run in the background (%s): it quits when its window is closed"), why);
      else
        text = g_strdup (_("The desktop does not allow Hangar to run in the background: it quits when its window is closed"));
      g_printerr ("hangar: %s\n", text);
      tell (self, text);
    }
  update (self);
}

static void
response_cb (GDBusConnection *connection,
             const char      *sender,
             const char      *path,
             const char      *interface,
             const char      *signal,
             GVariant        *parameters,
             gpointer         user_data)
{
  HangarBackground *self = user_data;
  g_autoptr(GVariant) results = NULL;
  gboolean background = FALSE;
  guint32 response;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(ua{sv})")))
    return;
  g_variant_get (parameters, "(u@a{sv})", &response, &results);
  /* 0: the user (or the stored permission) answered; 1: cancelled; 2: other. */
  if (response == 0)
    g_variant_lookup (results, "background", "b", &background);
  portal_answer (self, response == 0 && background, NULL);
}

static void
request_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(HangarBackground) self = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (reply == NULL && self->portal == PORTAL_PENDING)
    {
      g_dbus_error_strip_remote_error (error);
      portal_answer (self, FALSE, error->message);
    }
  /* Else the Response signal answers; its path was known beforehand, so it
   * cannot come before the subscription. */
}

static void
ask_portal (HangarBackground *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *sender = NULL;
  g_autofree char *handle = NULL;
  GVariantBuilder options;

  if (!self->use_portal || self->portal == PORTAL_PENDING || self->quitting)
    return;

  self->bus = g_application_get_dbus_connection (G_APPLICATION (self->application));
  if (self->bus != NULL)
    g_object_ref (self->bus);
  else if ((self->bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error)) == NULL)
    {
      portal_answer (self, FALSE, error->message);
      return;
    }

  /* The token only tells our requests apart; it is no secret. */
  token = g_strdup_printf ("hangar%u", g_random_int ());
  sender = g_strdup (g_dbus_connection_get_unique_name (self->bus) + 1);
  g_strdelimit (sender, ".", '_');
  handle = g_strdup_printf (PORTAL_PATH "/request/%s/%s", sender, token);
  self->portal = PORTAL_PENDING;
  self->response_id = g_dbus_connection_signal_subscribe (self->bus, PORTAL_NAME, REQUEST_IFACE, "Response",
                                                          handle, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                                          response_cb, self, NULL);
  /* The bus handles one connection's messages in order: the match rule is
   * in place before the request arrives. */

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "handle_token", g_variant_new_string (token));
  g_variant_builder_add (&options, "{sv}", "reason",
                         g_variant_new_string (_("Keep watching your accounts and send notifications after the window is closed")));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (FALSE));
  /* No parent window: the request may come when there is none. */
  g_dbus_connection_call (self->bus, PORTAL_NAME, PORTAL_PATH, PORTAL_IFACE, "RequestBackground",
                          g_variant_new ("(sa{sv})", "", &options), G_VARIANT_TYPE ("(o)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, self->cancellable, request_cb, g_object_ref (self));
}

/* Holds the application exactly while it should run without a window. */
static void
update (HangarBackground *self)
{
  gboolean no_window = gtk_application_get_windows (self->application) == NULL;
  gboolean wanted = self->enabled && !self->quitting && self->portal != PORTAL_REFUSED;

  if (no_window && wanted && !self->held)
    {
      self->held = TRUE;
      g_application_hold (G_APPLICATION (self->application));
      g_debug ("running in the background");
      arm_token_sources (self);
      if (self->portal != PORTAL_GRANTED)
        ask_portal (self);
    }
  else if (self->held && (!no_window || !wanted))
    {
      self->held = FALSE;
      /* With no window left, this ends the application. */
      g_application_release (G_APPLICATION (self->application));
    }
}

static void
set_enabled (HangarBackground *self,
             gboolean          enabled)
{
  if (self->enabled == enabled)
    return;
  self->enabled = enabled;
  g_simple_action_set_state (self->action, g_variant_new_boolean (enabled));
  if (enabled)
    {
      HangarWindow *window = find_window (self);

      /* Asked again each time it is turned on: the answer may have changed. */
      if (self->portal == PORTAL_REFUSED)
        self->portal = PORTAL_UNASKED;
      if (window != NULL)
        hangar_window_toast (window, _("Hangar keeps watching your accounts and sends notifications after the window is closed"));
      ask_portal (self);
    }
  update (self);
}

static void
setting_changed_cb (GSettings  *settings,
                    const char *key,
                    gpointer    user_data)
{
  HangarBackground *self = user_data;

  set_enabled (self, g_settings_get_boolean (settings, SETTING_KEY));
}

static void
change_state_cb (GSimpleAction *action,
                 GVariant      *state,
                 gpointer       user_data)
{
  HangarBackground *self = user_data;
  gboolean enabled = g_variant_get_boolean (state);

  if (self->settings != NULL)
    g_settings_set_boolean (self->settings, SETTING_KEY, enabled);
  else
    set_enabled (self, enabled);
}

static void
windows_changed_cb (GtkApplication *application,
                    GtkWindow      *window,
                    gpointer        user_data)
{
  update (user_data);
}


static void
hangar_background_dispose (GObject *object)
{
  HangarBackground *self = (HangarBackground *)object;

  g_cancellable_cancel (self->cancellable);
  portal_done (self);
  if (self->held)
    g_application_release (G_APPLICATION (self->application));
  self->held = FALSE;
  if (self->application != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->application, self);
      g_action_map_remove_action (G_ACTION_MAP (self->application), SETTING_KEY);
      self->application = NULL;
    }
  g_clear_object (&self->settings);
  g_clear_object (&self->action);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (hangar_background_parent_class)->dispose (object);
}

static void
hangar_background_class_init (HangarBackgroundClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hangar_background_dispose;
}

static void
hangar_background_init (HangarBackground *self)
{
  self->cancellable = g_cancellable_new ();
  self->use_portal = g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

HangarBackground *
hangar_background_new (GtkApplication     *application,
                       HangarAccountStore *store)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  HangarBackground *self;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (HANGAR_IS_ACCOUNT_STORE (store), NULL);

  self = g_object_new (HANGAR_TYPE_BACKGROUND, NULL);
  self->application = application;
  self->store = g_object_ref (store);

  /* Without the installed schema (a bare build tree) the choice lasts for
   * this run only. */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema != NULL && g_settings_schema_has_key (schema, SETTING_KEY))
    {
      self->settings = g_settings_new (APP_ID);
      self->enabled = g_settings_get_boolean (self->settings, SETTING_KEY);
      g_signal_connect (self->settings, "changed::" SETTING_KEY, G_CALLBACK (setting_changed_cb), self);
    }

  self->action = g_simple_action_new_stateful (SETTING_KEY, NULL, g_variant_new_boolean (self->enabled));
  g_signal_connect (self->action, "change-state", G_CALLBACK (change_state_cb), self);
  g_action_map_add_action (G_ACTION_MAP (application), G_ACTION (self->action));

  g_signal_connect (application, "window-added", G_CALLBACK (windows_changed_cb), self);
  g_signal_connect (application, "window-removed", G_CALLBACK (windows_changed_cb), self);

  if (self->enabled)
    ask_portal (self);
  return self;
}

void
hangar_background_quit (HangarBackground *self)
{
  g_return_if_fail (HANGAR_IS_BACKGROUND (self));
  self->quitting = TRUE;
  update (self);
}

gboolean
hangar_background_get_held (HangarBackground *self)
{
  g_return_val_if_fail (HANGAR_IS_BACKGROUND (self), FALSE);
  return self->held;
}

gboolean
hangar_background_get_asking (HangarBackground *self)
{
  g_return_val_if_fail (HANGAR_IS_BACKGROUND (self), FALSE);
  return self->portal == PORTAL_PENDING;
}

void
hangar_background_set_use_portal (HangarBackground *self,
                                  gboolean          use_portal)
{
  g_return_if_fail (HANGAR_IS_BACKGROUND (self));
  self->use_portal = use_portal;
}
