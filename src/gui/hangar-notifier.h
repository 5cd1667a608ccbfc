/* hangar-notifier.h — desktop notifications when an account needs the user
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hangar-auth.h"

G_BEGIN_DECLS

/* A refresh token this close to its end is worth a warning. */
#define HANGAR_NOTIFIER_REFRESH_WARNING_S (G_GINT64_CONSTANT (7) * 24 * 3600)

#define HANGAR_TYPE_NOTIFIER (hangar_notifier_get_type ())
G_DECLARE_FINAL_TYPE (HangarNotifier, hangar_notifier, HANGAR, NOTIFIER, GObject)

/* Watches every account of @store for the application @application. When
 * an account becomes REVOKED, EXPIRED or ERROR, or its refresh token gets
 * within HANGAR_NOTIFIER_REFRESH_WARNING_S of its end, it sends a
 * GNotification with a "Reconnect" button (app.reconnect-account) — unless
 * a window of the application has the focus: then that window shows a
 * toast instead (for REVOKED and EXPIRED the window's own). One
 * notification per condition: it is withdrawn when the condition clears
 * and may come again only after that. */
HangarNotifier *hangar_notifier_new              (GtkApplication     *application,
                                                  HangarAccountStore *store);

/* Looks at every account now (also done on every change and every hour). */
void            hangar_notifier_check            (HangarNotifier     *self);

/* The id of the notification for @account_id and @condition ("revoked",
 * "expired", "error", "refresh-ending"), as given to
 * g_application_send_notification(). */
char           *hangar_notifier_notification_id  (const char         *account_id,
                                                  const char         *condition);

G_END_DECLS
