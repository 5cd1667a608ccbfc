/* hangar-compat.h — the few pieces that differ between GTK 4.8 / libadwaita 1.2
 * (Debian 12) and the current GNOME runtime
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Opens @uri in the user's browser (gtk_show_uri on 4.8, GtkUriLauncher on
 * 4.10+ builds that raise the floor). */
void       hangar_compat_show_uri          (GtkWindow  *parent,
                                            const char *uri);

/* Asks a yes/no question in an AdwMessageDialog (1.2; AdwAlertDialog is 1.5).
 * @callback is called once with TRUE when the user confirmed. */
typedef void (*HangarCompatConfirmFunc) (gboolean confirmed,
                                         gpointer user_data);

GtkWindow *hangar_compat_confirm           (GtkWindow               *parent,
                                            const char              *heading,
                                            const char              *body,
                                            const char              *confirm_label,
                                            gboolean                 destructive,
                                            HangarCompatConfirmFunc  callback,
                                            gpointer                 user_data);

/* Renders @widget (already mapped) to a PNG file. */
gboolean   hangar_compat_save_widget_png   (GtkWidget   *widget,
                                            const char  *path,
                                            GError     **error);

/* Sets @widget's tooltip when it differs from the one it has: GTK asks the
 * X server where the pointer is on every set, even of the same text. */
void       hangar_compat_set_tooltip_text  (GtkWidget   *widget,
                                            const char  *text);

G_END_DECLS
