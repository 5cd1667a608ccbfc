/* hangar-window.h — the main window: accounts sidebar and content area
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hangar-auth.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_WINDOW (hangar_window_get_type ())

G_DECLARE_FINAL_TYPE (HangarWindow, hangar_window, HANGAR, WINDOW, AdwApplicationWindow)

/* @application may be NULL (tests). */
HangarWindow       *hangar_window_new                   (GtkApplication               *application,
                                                         HangarAccountStore           *store);
HangarAccountStore *hangar_window_get_store             (HangarWindow                 *self);
/* The sandbox's integration: pre-fills "Add account → OAuth". NULL clears. */
void                hangar_window_set_sandbox           (HangarWindow                 *self,
                                                         const HangarOAuthIntegration *integration);
const HangarOAuthIntegration *hangar_window_get_sandbox (HangarWindow                 *self);
/* Shows a transient message at the bottom of the window. */
void                hangar_window_toast                 (HangarWindow                 *self,
                                                         const char                   *message);
/* A toast with a "Reconnect" button for the account @account_id. */
void                hangar_window_toast_reconnect       (HangarWindow                 *self,
                                                         const char                   *message,
                                                         const char                   *account_id);
/* Selects the account @account_id in the sidebar and shows its page. */
gboolean            hangar_window_show_account          (HangarWindow                 *self,
                                                         const char                   *account_id);
/* Shows the accounts overview (also the win.show-overview action). */
void                hangar_window_show_overview         (HangarWindow                 *self);
/* Opens the add-account dialog (also the win.add-account action). */
GtkWindow          *hangar_window_add_account           (HangarWindow                 *self);

G_END_DECLS
