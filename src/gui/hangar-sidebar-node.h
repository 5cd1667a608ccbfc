/* hangar-sidebar-node.h — a row below an account in the sidebar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

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

/* @base for BASE and TABLE nodes, @table for TABLE nodes, @text for
 * LOADING and MESSAGE nodes; the others may be NULL. */
HangarSidebarNode     *hangar_sidebar_node_new         (HangarSidebarNodeKind  kind,
                                                        HangarAccount         *account,
                                                        HangarBase            *base,
                                                        HangarTable           *table,
                                                        const char            *text);
HangarSidebarNodeKind  hangar_sidebar_node_get_kind    (HangarSidebarNode     *self);
HangarAccount         *hangar_sidebar_node_get_account (HangarSidebarNode     *self);
HangarBase            *hangar_sidebar_node_get_base    (HangarSidebarNode     *self);
HangarTable           *hangar_sidebar_node_get_table   (HangarSidebarNode     *self);
/* The base's or table's name, or the note's text ("text", notified when
 * the table changes). */
const char            *hangar_sidebar_node_get_text    (HangarSidebarNode     *self);
/* A newer schema of the same table (a rename, new fields). */
void                   hangar_sidebar_node_set_table   (HangarSidebarNode     *self,
                                                        HangarTable           *table);

G_END_DECLS
