/* hangar-status-badge.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-status-badge.h"

static const char *all_classes[] = {
  "status-pending", "status-active", "status-expired", "status-revoked", "status-error",
};

const char *
hangar_status_badge_css_class (HangarAccountStatus status)
{
  switch (status)
    {
    case HANGAR_ACCOUNT_STATUS_PENDING: return "status-pending";
    case HANGAR_ACCOUNT_STATUS_ACTIVE: return "status-active";
    case HANGAR_ACCOUNT_STATUS_EXPIRED: return "status-expired";
    case HANGAR_ACCOUNT_STATUS_REVOKED: return "status-revoked";
    case HANGAR_ACCOUNT_STATUS_ERROR: return "status-error";
    default: return "status-error";
    }
}

void
hangar_status_badge_update (GtkLabel            *label,
                            HangarAccountStatus  status)
{
  g_return_if_fail (GTK_IS_LABEL (label));

  for (guint i = 0; i < G_N_ELEMENTS (all_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (label), all_classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (label), "status-badge");
  gtk_widget_add_css_class (GTK_WIDGET (label), hangar_status_badge_css_class (status));
  gtk_label_set_text (label, hangar_account_status_to_string (status));
}

GtkLabel *
hangar_status_badge_new (void)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, "status-badge");
  return GTK_LABEL (label);
}
