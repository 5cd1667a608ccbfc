/* hangar-schema-drift.h — how a table's fields changed since the app last
 * showed them: renamed, retyped, added or removed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hangar-client.h"
#include "hangar-table.h"

G_BEGIN_DECLS

/* One field as the app showed it (a row of the "views" component's
 * snapshot; see hangar-view-state.h). */
typedef struct
{
  char *id;
  char *name;
  char *type;   /* the API's type name */
} HangarShownField;

void              hangar_shown_field_free        (HangarShownField *field);
/* @table's fields as HangarShownField, in table order. */
GPtrArray        *hangar_shown_fields_from_table (HangarTable      *table);

typedef enum
{
  HANGAR_SCHEMA_CHANGE_ADDED   = 1 << 0,
  HANGAR_SCHEMA_CHANGE_REMOVED = 1 << 1,
  HANGAR_SCHEMA_CHANGE_RENAMED = 1 << 2,
  HANGAR_SCHEMA_CHANGE_RETYPED = 1 << 3,
} HangarSchemaChangeFlags;

typedef struct
{
  HangarSchemaChangeFlags  flags;
  char                    *field_id;
  char                    *old_name;   /* NULL when added */
  char                    *new_name;   /* NULL when removed */
  char                    *old_type;   /* the API's type names */
  char                    *new_type;
} HangarSchemaChange;

void              hangar_schema_change_free      (HangarSchemaChange *change);
/* One sentence: "“Points” was renamed to “Score”", "“Estimate” changed
 * from Number to Single line text", "“Notes” was removed", "“Owner” was
 * added" (a rename and a retype together in one sentence). */
char             *hangar_schema_change_describe  (HangarSchemaChange *change);

/* What changed from @shown (HangarShownField; NULL or empty: never shown,
 * nothing to report) to @table's fields now, matched by field id: removed
 * fields in their old order first, then renamed, retyped and added ones in
 * the table's order. Returns a GPtrArray of HangarSchemaChange, maybe
 * empty. */
GPtrArray        *hangar_schema_drift_compare    (GPtrArray        *shown,
                                                  HangarTable      *table);

/* The changes to one table of a base. */
typedef struct
{
  char        *table_id;
  char        *table_name;
  GPtrArray   *changes;    /* HangarSchemaChange */
} HangarTableDrift;

void              hangar_table_drift_free        (HangarTableDrift *drift);

typedef struct _HangarViewState HangarViewState;

/* Fetches the schema of @base_id with @client and compares every table the
 * app has shown before (its snapshot in @state) with it. The result: a
 * GPtrArray of HangarTableDrift for the tables that changed (a table that
 * is gone altogether has every field removed). The snapshot is not
 * updated: whoever shows the changes does that
 * (hangar_view_state_save_shown_fields()). Used when something says the
 * base's schema changed (a webhook payload, hangar-schema-watch.h). */
void              hangar_schema_drift_check_async  (HangarViewState     *state,
                                                    HangarClient        *client,
                                                    const char          *base_id,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
GPtrArray        *hangar_schema_drift_check_finish (HangarViewState     *state,
                                                    GAsyncResult        *result,
                                                    GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarSchemaChange, hangar_schema_change_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarTableDrift, hangar_table_drift_free)

G_END_DECLS
