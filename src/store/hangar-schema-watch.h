/* hangar-schema-watch.h — "the schema of base X changed": one place where
 * whoever learns it (a webhook payload, a schema edit in this process)
 * says so, and whoever shows a schema hears it
 *
 *   hangar_schema_watch_notify_base_changed (hangar_schema_watch_get_default (),
 *                                            account_id, base_id);
 *
 * Listeners (the base page, the record grid) fetch the base's schema again;
 * the grid then compares it with what it showed last and tells the user
 * what changed (hangar-schema-drift.h). Main thread only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define HANGAR_TYPE_SCHEMA_WATCH (hangar_schema_watch_get_type ())

G_DECLARE_FINAL_TYPE (HangarSchemaWatch, hangar_schema_watch, HANGAR, SCHEMA_WATCH, GObject)

/* The process's one watch (transfer none). */
HangarSchemaWatch *hangar_schema_watch_get_default         (void);

/* Emits "base-changed" (const char *account_id, const char *base_id).
 * @table_id (nullable) names the table that changed, when known; it is
 * the signal's third argument. */
void               hangar_schema_watch_notify_base_changed (HangarSchemaWatch *self,
                                                            const char        *account_id,
                                                            const char        *base_id,
                                                            const char        *table_id);

G_END_DECLS
