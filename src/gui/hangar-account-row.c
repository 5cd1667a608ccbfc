/* hangar-account-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-account-row.h"
#include "hangar-status-badge.h"

struct _HangarAccountRow
{
  GtkWidget      parent_instance;

  GtkWidget     *box;
  AdwAvatar     *avatar;
  GtkLabel      *label;
  GtkLabel      *email_label;
  GtkLabel      *badge;

  HangarAccount *account;
  GSignalGroup  *account_signals;
};

G_DEFINE_FINAL_TYPE (HangarAccountRow, hangar_account_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ACCOUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update (HangarAccountRow *self)
{
  const char *label = "";
  const char *email = NULL;
  g_autofree char *tooltip = NULL;
  HangarAccountStatus status = HANGAR_ACCOUNT_STATUS_PENDING;

  if (self->account != NULL)
    {
      label = hangar_account_get_label (self->account);
      email = hangar_account_get_email (self->account);
      status = hangar_account_get_status (self->account);
      if (email == NULL || *email == '\0')
        email = hangar_account_get_user_id (self->account);
    }

  /* Plain text only: labels and emails may come from the server. */
  gtk_label_set_text (self->label, label != NULL ? label : "");
  gtk_label_set_text (self->email_label, email != NULL ? email : _("Not signed in"));
  adw_avatar_set_text (self->avatar, label);
  hangar_status_badge_update (self->badge, status);

  if (self->account != NULL && hangar_account_get_status_reason (self->account) != NULL)
    tooltip = g_strdup_printf ("%s: %s", hangar_account_status_to_string (status),
                               hangar_account_get_status_reason (self->account));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->badge), tooltip);
}

static void
account_notify_cb (HangarAccount    *account,
                   GParamSpec       *pspec,
                   HangarAccountRow *self)
{
  update (self);
}

static void
hangar_account_row_dispose (GObject *object)
{
  HangarAccountRow *self = (HangarAccountRow *)object;

  if (self->account_signals != NULL)
    g_signal_group_set_target (self->account_signals, NULL);
  g_clear_object (&self->account_signals);
  g_clear_object (&self->account);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_ACCOUNT_ROW);

  G_OBJECT_CLASS (hangar_account_row_parent_class)->dispose (object);
}

static void
hangar_account_row_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  HangarAccountRow *self = HANGAR_ACCOUNT_ROW (object);

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
hangar_account_row_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  HangarAccountRow *self = HANGAR_ACCOUNT_ROW (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      hangar_account_row_set_account (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_account_row_class_init (HangarAccountRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_account_row_dispose;
  object_class->get_property = hangar_account_row_get_property;
  object_class->set_property = hangar_account_row_set_property;

  properties[PROP_ACCOUNT] =
    g_param_spec_object ("account", NULL, NULL, HANGAR_TYPE_ACCOUNT,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/tablehangar/Hangar/hangar-account-row.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarAccountRow, box);
  gtk_widget_class_bind_template_child (widget_class, HangarAccountRow, avatar);
  gtk_widget_class_bind_template_child (widget_class, HangarAccountRow, label);
  gtk_widget_class_bind_template_child (widget_class, HangarAccountRow, email_label);
  gtk_widget_class_bind_template_child (widget_class, HangarAccountRow, badge);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
hangar_account_row_init (HangarAccountRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->account_signals = g_signal_group_new (HANGAR_TYPE_ACCOUNT);
  g_signal_group_connect (self->account_signals, "notify::label", G_CALLBACK (account_notify_cb), self);
  g_signal_group_connect (self->account_signals, "notify::email", G_CALLBACK (account_notify_cb), self);
  g_signal_group_connect (self->account_signals, "notify::user-id", G_CALLBACK (account_notify_cb), self);
  g_signal_group_connect (self->account_signals, "notify::status", G_CALLBACK (account_notify_cb), self);
  g_signal_group_connect (self->account_signals, "notify::status-reason", G_CALLBACK (account_notify_cb), self);
  update (self);
}

GtkWidget *
hangar_account_row_new (HangarAccount *account)
{
  return g_object_new (HANGAR_TYPE_ACCOUNT_ROW, "account", account, NULL);
}

HangarAccount *
hangar_account_row_get_account (HangarAccountRow *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNT_ROW (self), NULL);
  return self->account;
}

void
hangar_account_row_set_account (HangarAccountRow *self,
                                HangarAccount    *account)
{
  g_return_if_fail (HANGAR_IS_ACCOUNT_ROW (self));

  if (!g_set_object (&self->account, account))
    return;
  g_signal_group_set_target (self->account_signals, account);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNT]);
}

GtkLabel *
hangar_account_row_get_badge (HangarAccountRow *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNT_ROW (self), NULL);
  return self->badge;
}
