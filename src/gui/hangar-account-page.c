/* hangar-account-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-api.h"
#include "hangar-client.h"
#include "hangar-account-page.h"
#include "hangar-activity-view.h"
#include "hangar-console-view.h"
#include "hangar-redact.h"
#include "hangar-status-badge.h"

struct _HangarAccountPage
{
  GtkWidget            parent_instance;

  GtkWidget           *content;
  GtkWidget           *scroller;
  AdwViewStack        *view_stack;
  HangarActivityView  *activity_view;
  HangarConsoleView   *console_view;
  AdwActionRow        *status_row;
  GtkLabel            *status_badge;
  AdwActionRow        *test_row;
  GtkSpinner          *test_spinner;
  GtkButton           *test_button;
  AdwActionRow        *kind_row;
  AdwActionRow        *email_row;
  AdwActionRow        *user_row;
  AdwActionRow        *server_row;
  AdwActionRow        *connected_row;
  AdwPreferencesGroup *tokens_group;
  AdwActionRow        *access_row;
  AdwActionRow        *refresh_row;
  AdwActionRow        *refresh_expires_row;
  AdwPreferencesGroup *scopes_group;
  GtkButton           *reconnect_button;
  GtkButton           *disconnect_button;

  HangarAccount       *account;
  GSignalGroup        *account_signals;
  GPtrArray           *scope_rows;
  GCancellable        *test_cancellable;
  guint                tick_id;
};

G_DEFINE_FINAL_TYPE (HangarAccountPage, hangar_account_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ACCOUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

char *
hangar_format_relative_time (gint64 unix_time)
{
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *clock = NULL;
  g_autofree char *relative = NULL;
  gint64 delta;
  gint64 magnitude;

  if (unix_time <= 0)
    return g_strdup (_("Unknown"));

  when = g_date_time_new_from_unix_local (unix_time);
  now = g_date_time_new_now_local ();
  if (when == NULL || now == NULL)
    return g_strdup (_("Unknown"));

  delta = unix_time - g_date_time_to_unix (now);
  magnitude = ABS (delta);

  /* Clocks differ by a second here and there: "just now" both ways. */
  if (magnitude < 5)
    relative = g_strdup (_("just now"));
  else if (magnitude < 60)
    relative = g_strdup (delta >= 0 ? _("in less than a minute") : _("less than a minute ago"));
  else if (magnitude < 3600)
    {
      int minutes = (int) (magnitude / 60);
      relative = delta >= 0
        ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "in %d minute", "in %d minutes", minutes), minutes)
        : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute ago", "%d minutes ago", minutes), minutes);
    }
  else if (magnitude < 86400 * 2)
    {
      int hours = (int) (magnitude / 3600);
      relative = delta >= 0
        ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "in %d hour", "in %d hours", hours), hours)
        : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour ago", "%d hours ago", hours), hours);
    }
  else
    {
      int days = (int) (magnitude / 86400);
      relative = delta >= 0
        ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "in %d day", "in %d days", days), days)
        : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day ago", "%d days ago", days), days);
    }

  clock = g_date_time_format (when, magnitude < 86400 ? "%X" : "%x %X");
  return g_strdup_printf ("%s (%s)", relative, clock);
}

static void
set_subtitle (AdwActionRow *row,
              const char   *text)
{
  adw_action_row_set_subtitle (row, text != NULL && *text != '\0' ? text : _("Unknown"));
}

static void
set_time_subtitle (AdwActionRow *row,
                   gint64        unix_time)
{
  g_autofree char *text = hangar_format_relative_time (unix_time);

  adw_action_row_set_subtitle (row, text);
}

static void
update_times (HangarAccountPage *self)
{
  if (self->account == NULL)
    return;

  set_time_subtitle (self->connected_row, hangar_account_get_connected_at (self->account));
  set_time_subtitle (self->access_row, hangar_account_get_access_expires_at (self->account));
  set_time_subtitle (self->refresh_row, hangar_account_get_last_refresh (self->account));
  set_time_subtitle (self->refresh_expires_row, hangar_account_get_refresh_expires_at (self->account));
}

static void
update_scopes (HangarAccountPage *self)
{
  for (guint i = 0; i < self->scope_rows->len; i++)
    adw_preferences_group_remove (self->scopes_group, g_ptr_array_index (self->scope_rows, i));
  g_ptr_array_set_size (self->scope_rows, 0);

  if (self->account == NULL)
    return;

  for (HangarCapability cap = 0; cap < HANGAR_N_CAPABILITIES; cap++)
    {
      const char * const *needed = hangar_capability_get_scopes (cap);
      g_autofree char *joined = g_strjoinv (", ", (char **) needed);
      g_auto(GStrv) missing = hangar_scopes_account_missing (self->account, cap);
      gboolean unknown = hangar_account_get_kind (self->account) == HANGAR_ACCOUNT_KIND_PAT;
      gboolean granted = missing == NULL || missing[0] == NULL;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon;
      GtkWidget *state;

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), hangar_capability_get_title (cap));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), joined);

      if (unknown)
        {
          icon = gtk_image_new_from_icon_name ("dialog-question-symbolic");
          state = gtk_label_new (_("Not reported for tokens"));
        }
      else if (granted)
        {
          icon = gtk_image_new_from_icon_name ("object-select-symbolic");
          gtk_widget_add_css_class (icon, "success");
          state = gtk_label_new (_("Granted"));
        }
      else
        {
          icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
          gtk_widget_add_css_class (icon, "warning");
          state = gtk_label_new (_("Missing"));
        }
      gtk_widget_add_css_class (state, "dim-label");
      gtk_widget_set_valign (state, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), state);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);

      adw_preferences_group_add (self->scopes_group, row);
      g_ptr_array_add (self->scope_rows, row);
    }
}

static void
update (HangarAccountPage *self)
{
  HangarAccount *account = self->account;
  HangarAccountStatus status;
  const char *reason;

  if (account == NULL)
    return;

  status = hangar_account_get_status (account);
  reason = hangar_account_get_status_reason (account);

  hangar_status_badge_update (self->status_badge, status);
  /* The badge names the status; the row says what it means. */
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->status_row),
                                 status == HANGAR_ACCOUNT_STATUS_ACTIVE ? _("Connected and working")
                                 : status == HANGAR_ACCOUNT_STATUS_PENDING ? _("Not signed in yet")
                                 : status == HANGAR_ACCOUNT_STATUS_ERROR ? _("Something went wrong")
                                 : _("Needs you to sign in again"));
  adw_action_row_set_subtitle (self->status_row,
                               reason != NULL ? reason
                               : status == HANGAR_ACCOUNT_STATUS_ACTIVE ? _("Tokens work and are refreshed before they expire")
                               : "");
  /* Reconnect is the thing to do only when the account is not working. */
  if (status == HANGAR_ACCOUNT_STATUS_ACTIVE)
    gtk_widget_remove_css_class (GTK_WIDGET (self->reconnect_button), "suggested-action");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->reconnect_button), "suggested-action");

  adw_action_row_set_subtitle (self->kind_row,
                               hangar_account_get_kind (account) == HANGAR_ACCOUNT_KIND_OAUTH
                               ? _("OAuth (Sign in with Airtable)")
                               : _("Personal access token"));
  set_subtitle (self->email_row, hangar_account_get_email (account));
  set_subtitle (self->user_row, hangar_account_get_user_id (account));
  set_subtitle (self->server_row, hangar_account_get_api_url (account));

  /* A PAT does not expire or refresh. */
  gtk_widget_set_visible (GTK_WIDGET (self->tokens_group),
                          hangar_account_get_kind (account) == HANGAR_ACCOUNT_KIND_OAUTH);

  update_times (self);
  update_scopes (self);
}

static gboolean
tick_cb (gpointer user_data)
{
  update_times (HANGAR_ACCOUNT_PAGE (user_data));
  return G_SOURCE_CONTINUE;
}

static void
account_notify_cb (HangarAccount     *account,
                   GParamSpec        *pspec,
                   HangarAccountPage *self)
{
  update (self);
}

static void
whoami_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  HangarAccountPage *self;
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarWhoami) whoami = NULL;
  g_autofree char *text = NULL;

  whoami = hangar_client_whoami_finish (HANGAR_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = HANGAR_ACCOUNT_PAGE (user_data);
  gtk_spinner_stop (self->test_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->test_button), TRUE);

  if (whoami == NULL)
    {
      g_autofree char *message = hangar_redact (error->message);

      text = g_strdup_printf (_("Failed: %s"), message);
    }
  else if (hangar_whoami_get_email (whoami) != NULL)
    text = g_strdup_printf (_("Works: signed in as %s (%s)"),
                            hangar_whoami_get_email (whoami), hangar_whoami_get_user_id (whoami));
  else
    text = g_strdup_printf (_("Works: signed in as %s"), hangar_whoami_get_user_id (whoami));

  adw_action_row_set_subtitle (self->test_row, text);
}

static void
test_clicked_cb (HangarAccountPage *self)
{
  hangar_account_page_test_connection (self);
}

static void
reconnect_clicked_cb (HangarAccountPage *self)
{
  if (self->account != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.reconnect-account", "s",
                                hangar_account_get_id (self->account));
}

static void
disconnect_clicked_cb (HangarAccountPage *self)
{
  if (self->account != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.disconnect-account", "s",
                                hangar_account_get_id (self->account));
}

static void
hangar_account_page_map (GtkWidget *widget)
{
  HangarAccountPage *self = HANGAR_ACCOUNT_PAGE (widget);

  GTK_WIDGET_CLASS (hangar_account_page_parent_class)->map (widget);

  /* Keep "expires in …" live while visible. */
  update_times (self);
  if (self->tick_id == 0)
    self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
}

static void
hangar_account_page_unmap (GtkWidget *widget)
{
  HangarAccountPage *self = HANGAR_ACCOUNT_PAGE (widget);

  g_clear_handle_id (&self->tick_id, g_source_remove);

  GTK_WIDGET_CLASS (hangar_account_page_parent_class)->unmap (widget);
}

static void
hangar_account_page_dispose (GObject *object)
{
  HangarAccountPage *self = (HangarAccountPage *)object;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  if (self->account_signals != NULL)
    g_signal_group_set_target (self->account_signals, NULL);
  g_clear_object (&self->account_signals);
  g_clear_object (&self->account);
  g_clear_pointer (&self->scope_rows, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_ACCOUNT_PAGE);

  G_OBJECT_CLASS (hangar_account_page_parent_class)->dispose (object);
}

static void
hangar_account_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  HangarAccountPage *self = HANGAR_ACCOUNT_PAGE (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      g_value_set_object (value, self->account);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_account_page_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  HangarAccountPage *self = HANGAR_ACCOUNT_PAGE (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      hangar_account_page_set_account (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_account_page_class_init (HangarAccountPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_account_page_dispose;
  object_class->get_property = hangar_account_page_get_property;
  object_class->set_property = hangar_account_page_set_property;
  widget_class->map = hangar_account_page_map;
  widget_class->unmap = hangar_account_page_unmap;

  g_type_ensure (HANGAR_TYPE_ACTIVITY_VIEW);
  g_type_ensure (HANGAR_TYPE_CONSOLE_VIEW);

  properties[PROP_ACCOUNT] =
    g_param_spec_object ("account", NULL, NULL, HANGAR_TYPE_ACCOUNT,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/tablehangar/Hangar/hangar-account-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarAccountPage, content);
  gtk_widget_class_bind_template_child (widget_class, HangarAccountPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, HangarAccountPage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, HangarAccountPage, activity_view);
  gtk_widget_class_bind_template_child (widget_class, HangarAccountPage, console_view);
  gtk_widget_class_bind_template_child (widget_class, HangarAccountPage, status_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAccountPage, status_badge);
  gtk_widget_class_bind_template_child (widget_class, HangarAccountPage, test_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAccountPage, test_spinner);
  gtk_widget_class_bind_template_child (widget_class, HangarAccountPage, test_button);
  gtk_widget_class_bind_template_child (widget_class, HangarAccountPage, kind_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAccountPage, email_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAccountPage, user_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAccountPage, server_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAccountPage, connected_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAccountPage, tokens_group);
  gtk_widget_class_bind_template_child (widget_class, HangarAccountPage, access_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAccountPage, refresh_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAccountPage, refresh_expires_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAccountPage, scopes_group);
  gtk_widget_class_bind_template_child (widget_class, HangarAccountPage, reconnect_button);
  gtk_widget_class_bind_template_child (widget_class, HangarAccountPage, disconnect_button);
  gtk_widget_class_bind_template_callback (widget_class, test_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, reconnect_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, disconnect_clicked_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
hangar_account_page_init (HangarAccountPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->scope_rows = g_ptr_array_new ();
  self->account_signals = g_signal_group_new (HANGAR_TYPE_ACCOUNT);
  g_signal_group_connect (self->account_signals, "notify", G_CALLBACK (account_notify_cb), self);
}

GtkWidget *
hangar_account_page_new (void)
{
  return g_object_new (HANGAR_TYPE_ACCOUNT_PAGE, NULL);
}

HangarAccount *
hangar_account_page_get_account (HangarAccountPage *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNT_PAGE (self), NULL);
  return self->account;
}

void
hangar_account_page_set_account (HangarAccountPage *self,
                                 HangarAccount     *account)
{
  g_return_if_fail (HANGAR_IS_ACCOUNT_PAGE (self));

  if (!g_set_object (&self->account, account))
    return;

  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  gtk_spinner_stop (self->test_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->test_button), TRUE);
  adw_action_row_set_subtitle (self->test_row, _("Not tested yet"));

  g_signal_group_set_target (self->account_signals, account);
  hangar_activity_view_set_account (self->activity_view, account);
  hangar_console_view_set_account (self->console_view, account);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNT]);
}

void
hangar_account_page_test_connection (HangarAccountPage *self)
{
  g_return_if_fail (HANGAR_IS_ACCOUNT_PAGE (self));

  if (self->account == NULL)
    return;

  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  self->test_cancellable = g_cancellable_new ();

  gtk_widget_set_sensitive (GTK_WIDGET (self->test_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), TRUE);
  gtk_spinner_start (self->test_spinner);
  adw_action_row_set_subtitle (self->test_row, _("Testing…"));

  hangar_client_whoami_async (hangar_account_get_client (self->account),
                              self->test_cancellable, whoami_cb, self);
}

/* "details", "activity" or "console" */
void
hangar_account_page_show_view (HangarAccountPage *self,
                               const char        *name)
{
  g_return_if_fail (HANGAR_IS_ACCOUNT_PAGE (self));
  adw_view_stack_set_visible_child_name (self->view_stack, name);
}

GtkWidget *
hangar_account_page_get_activity_view (HangarAccountPage *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNT_PAGE (self), NULL);
  return GTK_WIDGET (self->activity_view);
}

GtkWidget *
hangar_account_page_get_console_view (HangarAccountPage *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNT_PAGE (self), NULL);
  return GTK_WIDGET (self->console_view);
}

const char *
hangar_account_page_get_test_result (HangarAccountPage *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNT_PAGE (self), NULL);
  return adw_action_row_get_subtitle (self->test_row);
}
