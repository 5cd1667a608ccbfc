/* hangar-sidebar.h — accounts → bases → tables, loaded lazily
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hangar-api.h"
#include "hangar-auth.h"

G_BEGIN_DECLS

typedef enum
{
  HANGAR_SIDEBAR_NODE_BASE,
  HANGAR_SIDEBAR_NODE_TABLE,
  HANGAR_SIDEBAR_NODE_LOADING,
  HANGAR_SIDEBAR_NODE_MESSAGE,
} HangarSidebarNodeKind;

/* A row below an account: a base, a table, or a loading / error note. */
#define HANGAR_TYPE_SIDEBAR_NODE (hangar_sidebar_node_get_type ())

G_DECLARE_FINAL_TYPE (HangarSidebarNode, hangar_sidebar_node, HANGAR, SIDEBAR_NODE, GObject)

HangarSidebarNodeKind  hangar_sidebar_node_get_kind    (HangarSidebarNode *self);
HangarAccount         *hangar_sidebar_node_get_account (HangarSidebarNode *self);
HangarBase            *hangar_sidebar_node_get_base    (HangarSidebarNode *self);
HangarTable           *hangar_sidebar_node_get_table   (HangarSidebarNode *self);
const char            *hangar_sidebar_node_get_text    (HangarSidebarNode *self);

#define HANGAR_TYPE_SIDEBAR (hangar_sidebar_get_type ())

G_DECLARE_FINAL_TYPE (HangarSidebar, hangar_sidebar, HANGAR, SIDEBAR, GtkWidget)

GtkWidget  *hangar_sidebar_new                (HangarAccountStore *store);
/* The selected HangarAccount or HangarSidebarNode, or NULL ("selected-item"). */
GObject    *hangar_sidebar_get_selected_item  (HangarSidebar      *self);
void        hangar_sidebar_select_account     (HangarSidebar      *self,
                                               HangarAccount      *account,
                                               gboolean            expand);
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
/* The loaded children of @account (HangarSidebarNode, bases), or NULL when
 * never expanded. */
GListModel *hangar_sidebar_get_account_children (HangarSidebar    *self,
                                                 HangarAccount    *account);
/* The loaded tables of a base node, or NULL. */
GListModel *hangar_sidebar_get_base_children  (HangarSidebar      *self,
                                               HangarSidebarNode  *base_node);
/* The account row widget shown for @account, if it is visible. */
GtkWidget  *hangar_sidebar_get_account_row    (HangarSidebar      *self,
                                               HangarAccount      *account);

/* Signal "load-failed" (HangarAccount *account, const char *message). */

G_END_DECLS
