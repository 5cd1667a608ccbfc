/* hangar-record-grid.h — the record grid: one table's records in a GtkColumnView
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hangar-types.h"

G_BEGIN_DECLS

/* Forward declarations (identical typedefs are allowed by C11). */
typedef struct _HangarAccount HangarAccount;
typedef struct _HangarTable   HangarTable;
typedef struct _HangarRecord  HangarRecord;

#define HANGAR_TYPE_RECORD_GRID (hangar_record_grid_get_type ())

G_DECLARE_FINAL_TYPE (HangarRecordGrid, hangar_record_grid, HANGAR, RECORD_GRID, GtkWidget)

/**
 * hangar_record_grid_new:
 *
 * Creates an empty record grid. Call hangar_record_grid_show_table() to fill it.
 *
 * Returns: (transfer floating): a new #HangarRecordGrid
 */
GtkWidget   *hangar_record_grid_new        (void);

/**
 * hangar_record_grid_show_table:
 * @self: a #HangarRecordGrid
 * @account: the account whose client reads the records
 * @base_id: the `app…` id of the base holding @table
 * @table: the table (with its fields and views) to show
 *
 * Shows @table: builds one column per field and starts listing records page
 * by page through @account's client. Any load in flight is cancelled. The
 * sort, filter, search and view choices are reset.
 */
void         hangar_record_grid_show_table (HangarRecordGrid *self,
                                            HangarAccount    *account,
                                            const char       *base_id,
                                            HangarTable      *table);

/* The user's permission on the base shown ("read", "comment", "edit",
 * "create"): below "edit", editing is off and the grid says why. */
void         hangar_record_grid_set_permission_level (HangarRecordGrid *self,
                                                      const char       *level);

/**
 * hangar_record_grid_get_table:
 * @self: a #HangarRecordGrid
 *
 * Returns: (transfer none) (nullable): the table shown, if any
 */
HangarTable *hangar_record_grid_get_table  (HangarRecordGrid *self);

/* The number of comments of each record, in a column (hangar-record-grid-csv.c). */
void         hangar_record_grid_set_show_comment_count (HangarRecordGrid *self,
                                                        gboolean          show);
/* What the grid shows — view, filter, search, sort, the visible columns
 * in their order — to a CSV file (@file NULL: a file chooser). */
GtkWindow   *hangar_record_grid_export_csv (HangarRecordGrid *self,
                                            GFile            *file);
/* A CSV file into the table shown (@file NULL: a file chooser). */
GtkWindow   *hangar_record_grid_import_csv (HangarRecordGrid *self,
                                            GFile            *file);
/**
 * hangar_record_grid_schema_changed:
 * @self: a #HangarRecordGrid
 * @tables: (element-type HangarTable): the base's tables, read anew
 *
 * Shows the table again with its new schema (a renamed, retyped, added or
 * removed field); saved settings follow the fields by id and the changes
 * are told in a banner. Nothing happens when @tables hold the same table.
 */
void         hangar_record_grid_schema_changed (HangarRecordGrid *self,
                                                GPtrArray        *tables);

/**
 * hangar_record_grid_forget_account:
 * @self: a #HangarRecordGrid
 * @account: an account being removed
 *
 * When @self shows a table of @account, it shows nothing any more and lets
 * go of the account's offline cache, so the account's files can go.
 */
void         hangar_record_grid_forget_account (HangarRecordGrid *self,
                                                HangarAccount    *account);

G_END_DECLS
