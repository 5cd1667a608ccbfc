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

#define HANGAR_TYPE_RECORD_GRID (hangar_record_grid_get_type ())

G_DECLARE_FINAL_TYPE (HangarRecordGrid, hangar_record_grid, HANGAR, RECORD_GRID, GtkWidget)

/**
 * hangar_record_grid_new:
 *
 * Creates an empty record grid. Call hangar_record_grid_show_table() to fill it.
 *
 * Returns: (transfer floating): a new #HangarRecordGrid
 */
GtkWidget *hangar_record_grid_new                    (void);

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
void       hangar_record_grid_show_table             (HangarRecordGrid *self,
                                                      HangarAccount    *account,
                                                      const char       *base_id,
                                                      HangarTable      *table);

/**
 * hangar_record_grid_show_table_with_client:
 * @self: a #HangarRecordGrid
 * @client: the client to list records with
 * @base_id: the `app…` id of the base holding @table
 * @table: the table to show
 *
 * Like hangar_record_grid_show_table() but with a bare #HangarClient (used by
 * hangar_record_grid_show_table() itself, by tests and by screenshot tools).
 */
void       hangar_record_grid_show_table_with_client (HangarRecordGrid *self,
                                                      HangarClient     *client,
                                                      const char       *base_id,
                                                      HangarTable      *table);

/**
 * hangar_record_grid_get_table:
 * @self: a #HangarRecordGrid
 *
 * Returns: (transfer none) (nullable): the table shown, if any
 */
HangarTable *hangar_record_grid_get_table            (HangarRecordGrid *self);

/* For tests, screenshots and the window's own menus. */
typedef struct _HangarSortEditor   HangarSortEditor;
typedef struct _HangarFilterEditor HangarFilterEditor;
typedef struct _HangarRecordDetail HangarRecordDetail;

GtkSelectionModel  *hangar_record_grid_get_model         (HangarRecordGrid *self);
GtkColumnView      *hangar_record_grid_get_column_view   (HangarRecordGrid *self);
gboolean            hangar_record_grid_get_loading       (HangarRecordGrid *self);
void                hangar_record_grid_set_field_visible (HangarRecordGrid *self,
                                                          const char       *field_name,
                                                          gboolean          visible);
void                hangar_record_grid_set_search        (HangarRecordGrid *self,
                                                          const char       *text);
void                hangar_record_grid_set_view          (HangarRecordGrid *self,
                                                          const char       *view_name_or_id);
HangarSortEditor   *hangar_record_grid_get_sort_editor   (HangarRecordGrid *self);
HangarFilterEditor *hangar_record_grid_get_filter_editor (HangarRecordGrid *self);
HangarRecordDetail *hangar_record_grid_get_detail        (HangarRecordGrid *self);
const char         *hangar_record_grid_get_rate_text     (HangarRecordGrid *self);
const char         *hangar_record_grid_get_count_text    (HangarRecordGrid *self);

/* The record-changed path (for edits): shows @record in place of the loaded
 * record with the same id. */
typedef struct _HangarRecord HangarRecord;
gboolean            hangar_record_grid_replace_record    (HangarRecordGrid *self,
                                                          HangarRecord     *record);

G_END_DECLS
