/* hangar-sidebar-private.h — the sidebar's parts, for tests and tools only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hangar-sidebar.h"

G_BEGIN_DECLS

/* The loaded children of @account (HangarSidebarNode, bases), or NULL when
 * never expanded. */
GListModel *hangar_sidebar_get_account_children (HangarSidebar     *self,
                                                 HangarAccount     *account);
/* The loaded tables of a base node, or NULL. */
GListModel *hangar_sidebar_get_base_children    (HangarSidebar     *self,
                                                 HangarSidebarNode *base_node);
/* The account row widget shown for @account, if it is visible. */
GtkWidget  *hangar_sidebar_get_account_row      (HangarSidebar     *self,
                                                 HangarAccount     *account);

G_END_DECLS
