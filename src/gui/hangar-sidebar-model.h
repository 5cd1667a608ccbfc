/* hangar-sidebar-model.h — accounts → bases → tables as a tree, listed lazily
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hangar-sidebar-node.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_SIDEBAR_MODEL (hangar_sidebar_model_get_type ())

G_DECLARE_FINAL_TYPE (HangarSidebarModel, hangar_sidebar_model, HANGAR, SIDEBAR_MODEL, GObject)

/* The tree over @store's accounts: an account's children are its bases
 * (HangarSidebarNode), a base's its tables, each listed the first time the
 * row is expanded (hangar_sidebar_model_ensure_loaded()), with a "Loading…"
 * node meanwhile and a message node when listing failed.
 * Signal "load-failed" (HangarAccount *account, const char *message). */
HangarSidebarModel *hangar_sidebar_model_new                (HangarAccountStore *store);
GtkTreeListModel   *hangar_sidebar_model_get_tree           (HangarSidebarModel *self);
/* Lists the children of @item (an account or a base node) unless done. */
void                hangar_sidebar_model_ensure_loaded      (HangarSidebarModel *self,
                                                             gpointer            item);
/* Lists the account's bases again if they were listed before. */
void                hangar_sidebar_model_reload_account     (HangarSidebarModel *self,
                                                             HangarAccount      *account);
/* The loaded children of @account or of a base node, or NULL when the row
 * was never expanded. */
GListModel         *hangar_sidebar_model_get_account_children (HangarSidebarModel *self,
                                                               HangarAccount      *account);
GListModel         *hangar_sidebar_model_get_base_children  (HangarSidebarModel *self,
                                                             HangarSidebarNode  *base_node);

G_END_DECLS
