/* hangar-window-private.h — the window's parts, for tests and tools only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hangar-window.h"

G_BEGIN_DECLS

typedef struct _HangarSidebar     HangarSidebar;
typedef struct _HangarAccountPage HangarAccountPage;

/* The content stack's visible page: "empty", "select", "account", "base",
 * "grid" or "overview". */
const char         *hangar_window_get_content_page      (HangarWindow                 *self);
HangarSidebar      *hangar_window_get_sidebar           (HangarWindow                 *self);
HangarAccountPage  *hangar_window_get_account_page      (HangarWindow                 *self);
GtkWidget          *hangar_window_get_record_grid       (HangarWindow                 *self);
GtkWidget          *hangar_window_get_changes_button    (HangarWindow                 *self);
/* The HangarAccountsOverview of the "overview" page. */
GtkWidget          *hangar_window_get_overview          (HangarWindow                 *self);
/* The base page (HangarBasePage), shown for a selected base. */
GtkWidget          *hangar_window_get_base_page         (HangarWindow                 *self);
/* Title of the last toast shown (NULL before any). */
const char         *hangar_window_get_last_toast        (HangarWindow                 *self);
/* The toast's button action, e.g. "win.reconnect-account", or NULL. */
const char         *hangar_window_get_last_toast_action (HangarWindow                 *self);

G_END_DECLS
