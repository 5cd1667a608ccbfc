/* hangar-notifier.c — desktop notifications when an account needs the user
 *
 * GNotification picks its backend by itself: the portal inside Flatpak,
 * org.gtk.Notifications where the desktop owns that name (GNOME Shell), and
 * org.freedesktop.Notifications otherwise. The freedesktop servers may read
 * a notification's body as markup, so every text put there is made inert
 * first (plain_text()).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-notifier.h"
#include "hangar-redact.h"
#include "hangar-window.h"

#define CHECK_INTERVAL_S 3600
#define FIRST_CHECK_S    5

struct _HangarNotifier
{
  GObject             parent_instance;

  GtkApplication     *application;  /* not owned: it owns us */
  HangarAccountStore *store;
  GHashTable         *accounts;     /* id → HangarAccount (ref) */
  GHashTable         *raised;       /* "id|condition" of what was told and not cleared */
  guint               timer_id;
  guint               first_check_id;
  gboolean            starting;     /* what holds at start was seen in the window already */
};

G_DEFINE_FINAL_TYPE (HangarNotifier, hangar_notifier, G_TYPE_OBJECT)

typedef enum
{
  CONDITION_REVOKED,
  CONDITION_EXPIRED,
  CONDITION_ERROR,
  CONDITION_REFRESH_ENDING,
  N_CONDITIONS
} Condition;

static const char * const condition_names[N_CONDITIONS] = {
  "revoked", "expired", "error", "refresh-ending",
};

/* Text a notification server may read as markup, made inert: the three
 * characters that markup needs are replaced by look-alikes. */
static char *
plain_text (const char *text)
{
  g_autofree char *redacted = hangar_redact (text != NULL ? text : "");
  GString *out = g_string_new (NULL);

  for (const char *p = redacted; *p != '\0'; p++)
    {
      if (*p == '<')
        g_string_append (out, "‹");
      else if (*p == '>')
        g_string_append (out, "›");
      else if (*p == '&')
        g_string_append (out, "＆");
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

char *
hangar_notifier_notification_id (const char *account_id,
                                 const char *condition)
{
  return g_strdup_printf ("account-%s-%s", account_id, condition);
}

static gboolean
condition_holds (HangarAccount *account,
                 Condition      condition)
{
  HangarAccountStatus status = hangar_account_get_status (account);

  switch (condition)
    {
    case CONDITION_REVOKED:
      return status == HANGAR_ACCOUNT_STATUS_REVOKED;
    case CONDITION_EXPIRED:
      return status == HANGAR_ACCOUNT_STATUS_EXPIRED;
    case CONDITION_ERROR:
      return status == HANGAR_ACCOUNT_STATUS_ERROR;
    case CONDITION_REFRESH_ENDING:
      {
        gint64 end = hangar_account_get_refresh_expires_at (account);

        /* While the account works: when it does not, that is said already. */
        return hangar_account_get_kind (account) == HANGAR_ACCOUNT_KIND_OAUTH &&
               status == HANGAR_ACCOUNT_STATUS_ACTIVE && end > 0 &&
               end - g_get_real_time () / G_USEC_PER_SEC <= HANGAR_NOTIFIER_REFRESH_WARNING_S;
      }
    case N_CONDITIONS:
    default:
      return FALSE;
    }
}

/* The window the user is looking at, if a window of ours has the focus. */
static HangarWindow *
focused_window (HangarNotifier *self)
{
  gboolean any_active = FALSE;
  HangarWindow *main_window = NULL;

  for (GList *l = gtk_application_get_windows (self->application); l != NULL; l = l->next)
    {
      if (gtk_window_is_active (GTK_WINDOW (l->data)) && gtk_widget_get_visible (GTK_WIDGET (l->data)))
        any_active = TRUE;
      if (main_window == NULL && HANGAR_IS_WINDOW (l->data))
        main_window = HANGAR_WINDOW (l->data);
    }
  return any_active ? main_window : NULL;
}

static char *
days_left (HangarAccount *account)
{
  gint64 left = hangar_account_get_refresh_expires_at (account) - g_get_real_time () / G_USEC_PER_SEC;
  int days = (int) MAX ((left + 86399) / 86400, 0);

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day", "%d days", days), days);
}

static void
raise_condition (HangarNotifier *self,
                 HangarAccount  *account,
                 Condition       condition)
{
  g_autofree char *label = plain_text (hangar_account_get_label (account));
  g_autofree char *id = hangar_notifier_notification_id (hangar_account_get_id (account),
                                                         condition_names[condition]);
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GNotification) notification = NULL;
  HangarWindow *window = focused_window (self);

  switch (condition)
    {
    case CONDITION_REVOKED:
      title = g_strdup_printf (_("Access to “%s” was revoked"), label);
      body = g_strdup (_("Hangar can no longer reach Airtable for this account. Reconnect to sign in and grant access again."));
      break;
    case CONDITION_EXPIRED:
      title = g_strdup_printf (_("“%s” needs to sign in again"), label);
      body = g_strdup (_("Its sign-in has run out and could not be renewed. Reconnect to go on using it."));
      break;
    case CONDITION_ERROR:
      title = g_strdup_printf (_("“%s” has a problem"), label);
      body = g_strdup (_("Hangar cannot use this account right now. Open it to see why, or reconnect it."));
      break;
    case CONDITION_REFRESH_ENDING:
      {
        g_autofree char *left = days_left (account);

        title = g_strdup_printf (_("“%s” must sign in again within %s"), label, left);
        body = g_strdup (_("Airtable ends a sign-in 60 days after it was last renewed. Reconnect now to keep this account working."));
      }
      break;
    case N_CONDITIONS:
    default:
      g_return_if_reached ();
    }

  if (window != NULL)
    {
      /* The user is in the app: the window says it. REVOKED and EXPIRED
       * already have the window's own toast. */
      if (condition == CONDITION_ERROR || condition == CONDITION_REFRESH_ENDING)
        hangar_window_toast_reconnect (window, title, hangar_account_get_id (account));
      return;
    }

  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  g_notification_set_priority (notification, condition == CONDITION_REFRESH_ENDING
                                             ? G_NOTIFICATION_PRIORITY_NORMAL : G_NOTIFICATION_PRIORITY_HIGH);
  g_notification_set_default_action_and_target (notification, "app.show-account", "s",
                                                hangar_account_get_id (account));
  g_notification_add_button_with_target (notification, _("Reconnect"), "app.reconnect-account", "s",
                                         hangar_account_get_id (account));
  g_application_send_notification (G_APPLICATION (self->application), id, notification);
}

static void
check_account (HangarNotifier *self,
               HangarAccount  *account)
{
  for (Condition c = 0; c < N_CONDITIONS; c++)
    {
      g_autofree char *key = g_strdup_printf ("%s|%s", hangar_account_get_id (account), condition_names[c]);
      gboolean holds = condition_holds (account, c);

      if (holds && !g_hash_table_contains (self->raised, key))
        {
          /* A status the account had when the app started shows on its
           * badge; an ending sign-in is told once a window is up. */
          if (self->starting && c == CONDITION_REFRESH_ENDING)
            continue;
          /* Told once, until it clears. */
          g_hash_table_add (self->raised, g_steal_pointer (&key));
          if (!self->starting)
            raise_condition (self, account, c);
        }
      else if (!holds && g_hash_table_remove (self->raised, key))
        {
          g_autofree char *id = hangar_notifier_notification_id (hangar_account_get_id (account),
                                                                 condition_names[c]);

          g_application_withdraw_notification (G_APPLICATION (self->application), id);
        }
    }
}

static void
account_changed_cb (HangarAccount  *account,
                    GParamSpec     *pspec,
                    HangarNotifier *self)
{
  check_account (self, account);
}

static void
forget_account (HangarNotifier *self,
                const char     *account_id)
{
  for (Condition c = 0; c < N_CONDITIONS; c++)
    {
      g_autofree char *key = g_strdup_printf ("%s|%s", account_id, condition_names[c]);

      if (g_hash_table_remove (self->raised, key))
        {
          g_autofree char *id = hangar_notifier_notification_id (account_id, condition_names[c]);

          g_application_withdraw_notification (G_APPLICATION (self->application), id);
        }
    }
}

static void
store_items_changed_cb (GListModel     *model,
                        guint           position,
                        guint           removed,
                        guint           added,
                        HangarNotifier *self)
{
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(HangarAccount) account = g_list_model_get_item (model, position + i);
      const char *id = hangar_account_get_id (account);

      if (g_hash_table_contains (self->accounts, id))
        continue;
      g_hash_table_insert (self->accounts, g_strdup (id), g_object_ref (account));
      g_signal_connect_object (account, "notify::status", G_CALLBACK (account_changed_cb), self, 0);
      g_signal_connect_object (account, "notify::refresh-expires-at", G_CALLBACK (account_changed_cb), self, 0);
      check_account (self, account);
    }

  if (removed > 0)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, self->accounts);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (hangar_account_store_lookup_by_id (self->store, key) != value)
          {
            g_signal_handlers_disconnect_by_data (value, self);
            forget_account (self, key);
            g_hash_table_iter_remove (&iter);
          }
    }
}

static gboolean
timer_cb (gpointer user_data)
{
  hangar_notifier_check (HANGAR_NOTIFIER (user_data));
  return G_SOURCE_CONTINUE;
}

static gboolean
first_check_cb (gpointer user_data)
{
  HangarNotifier *self = user_data;

  self->first_check_id = 0;
  hangar_notifier_check (self);
  return G_SOURCE_REMOVE;
}

static void
hangar_notifier_dispose (GObject *object)
{
  HangarNotifier *self = (HangarNotifier *) object;

  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_handle_id (&self->first_check_id, g_source_remove);
  if (self->accounts != NULL)
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, self->accounts);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        g_signal_handlers_disconnect_by_data (value, self);
      g_hash_table_remove_all (self->accounts);
    }
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (hangar_notifier_parent_class)->dispose (object);
}

static void
hangar_notifier_finalize (GObject *object)
{
  HangarNotifier *self = (HangarNotifier *) object;

  g_clear_pointer (&self->accounts, g_hash_table_unref);
  g_clear_pointer (&self->raised, g_hash_table_unref);

  G_OBJECT_CLASS (hangar_notifier_parent_class)->finalize (object);
}

static void
hangar_notifier_class_init (HangarNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hangar_notifier_dispose;
  object_class->finalize = hangar_notifier_finalize;
}

static void
hangar_notifier_init (HangarNotifier *self)
{
  self->accounts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->raised = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * hangar_notifier_new:
 * @application: the application that sends the notifications
 * @store: the accounts to watch
 *
 * Returns: (transfer full): a notifier, watching from now on
 */
HangarNotifier *
hangar_notifier_new (GtkApplication     *application,
                     HangarAccountStore *store)
{
  HangarNotifier *self;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (HANGAR_IS_ACCOUNT_STORE (store), NULL);

  self = g_object_new (HANGAR_TYPE_NOTIFIER, NULL);
  self->application = application;
  self->store = g_object_ref (store);
  g_signal_connect (store, "items-changed", G_CALLBACK (store_items_changed_cb), self);
  self->starting = TRUE;
  store_items_changed_cb (G_LIST_MODEL (store), 0, 0, g_list_model_get_n_items (G_LIST_MODEL (store)), self);
  self->starting = FALSE;
  /* A refresh token nears its end without any change to see: look soon
   * after start (the window is up then) and every hour. */
  self->first_check_id = g_timeout_add_seconds (FIRST_CHECK_S, first_check_cb, self);
  self->timer_id = g_timeout_add_seconds (CHECK_INTERVAL_S, timer_cb, self);
  return self;
}

void
hangar_notifier_check (HangarNotifier *self)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (HANGAR_IS_NOTIFIER (self));

  g_hash_table_iter_init (&iter, self->accounts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    check_account (self, value);
}
