/* hangar-schema-sync.h — a window follows "the schema of base X changed":
 * the schema is read once, the sidebar's table rows take it in place, and
 * the others (the grid) are told
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hangar-sidebar.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_SCHEMA_SYNC (hangar_schema_sync_get_type ())

G_DECLARE_FINAL_TYPE (HangarSchemaSync, hangar_schema_sync, HANGAR, SCHEMA_SYNC, GObject)

/* Listens to the schema watch (hangar-schema-watch.h) for the accounts of
 * @store. Signal "tables-changed" (HangarAccount *account, const char
 * *base_id, GPtrArray *tables) once the base's new schema was read. */
HangarSchemaSync *hangar_schema_sync_new (HangarAccountStore *store,
                                          HangarSidebar      *sidebar);

G_END_DECLS
