/* hangar-sidebar.h — accounts → bases → tables, loaded lazily
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hangar-sidebar-node.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_SIDEBAR (hangar_sidebar_get_type ())

G_DECLARE_FINAL_TYPE (HangarSidebar, hangar_sidebar, HANGAR, SIDEBAR, GtkWidget)

GtkWidget  *hangar_sidebar_new                (HangarAccountStore *store);
/* The selected HangarAccount or HangarSidebarNode, or NULL ("selected-item"). */
GObject    *hangar_sidebar_get_selected_item  (HangarSidebar      *self);
void        hangar_sidebar_select_account     (HangarSidebar      *self,
                                               HangarAccount      *account,
                                               gboolean            expand);
/* Leaves nothing selected ("selected-item" becomes NULL). */
void        hangar_sidebar_unselect           (HangarSidebar      *self);
/* Selects @item (an account or a node), if shown; FALSE otherwise. */
gboolean    hangar_sidebar_select_item        (HangarSidebar      *self,
                                               gpointer            item);
/* Selects (and expands the way to) a table by id; FALSE if not loaded. */
gboolean    hangar_sidebar_select_table       (HangarSidebar      *self,
                                               HangarAccount      *account,
                                               const char         *table_id);
/* TRUE while an arrow key is moving the selection (the compact layout then
 * stays on the sidebar until the item is opened: Enter, "item-opened"). */
gboolean    hangar_sidebar_is_keyboard_moving (HangarSidebar      *self);
/* Expands or collapses the row of @item (an account or a base node). */
void        hangar_sidebar_set_expanded       (HangarSidebar      *self,
                                               gpointer            item,
                                               gboolean            expanded);
/* Lists the account's bases again (after a reconnect). */
void        hangar_sidebar_reload_account     (HangarSidebar      *self,
                                               HangarAccount      *account);

/* Signals "load-failed" (HangarAccount *account, const char *message) and
 * "item-opened" (Enter or a double click on an account or a table). */

G_END_DECLS
