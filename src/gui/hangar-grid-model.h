/* hangar-grid-model.h — the grid's model: the loaded records, as the user
 * should see them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hangar-record.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_GRID_MODEL (hangar_grid_model_get_type ())

G_DECLARE_FINAL_TYPE (HangarGridModel, hangar_grid_model, HANGAR, GRID_MODEL, GObject)

/* The id of the "+" row (the last row, when shown): a HangarRecord with no
 * fields that creates a record when activated. */
#define HANGAR_GRID_ADD_ROW_ID "hangar:add-row"

/* Called for each record the list brings: the record to show instead
 * (transfer full), or NULL to show it as it is; *out_hidden TRUE hides it
 * (a delete not on the server yet). */
typedef HangarRecord *(*HangarGridOverlayFunc) (HangarRecord *record,
                                                gboolean     *out_hidden,
                                                gpointer      user_data);

HangarGridModel *hangar_grid_model_new            (void);

/* The records to show (a GListModel of HangarRecord, e.g. a
 * HangarRecordList); NULL for none. Forgets replaced and hidden records
 * and the new rows that have their real ids now (a reload lists them). */
void             hangar_grid_model_set_model      (HangarGridModel *self,
                                                   GListModel      *model);
GListModel      *hangar_grid_model_get_model      (HangarGridModel *self);

void             hangar_grid_model_set_overlay    (HangarGridModel       *self,
                                                   HangarGridOverlayFunc  func,
                                                   gpointer               user_data);

/* Shows @record instead of the row with the same id and emits
 * ::record-changed for it (not items-changed: the row keeps its widgets,
 * its selection and its focus; the grid refreshes the row's cells).
 * Returns the row, or GTK_INVALID_LIST_POSITION (G_MAXUINT) when no row
 * has that id. */
guint            hangar_grid_model_replace_record (HangarGridModel *self,
                                                   HangarRecord    *record);
/* The record of @position, transfer none (NULL past the end). */
HangarRecord    *hangar_grid_model_peek           (HangarGridModel *self,
                                                   guint            position);
/* The row showing @record_id, or G_MAXUINT. */
guint            hangar_grid_model_find           (HangarGridModel *self,
                                                   const char      *record_id);
/* The record shown for @record (its replacement, if any); transfer none. */
HangarRecord    *hangar_grid_model_resolve        (HangarGridModel *self,
                                                   HangarRecord    *record);

/* Hides the row of @record_id (deleted) or shows it again; a hidden id
 * stays hidden when pages arrive. */
void             hangar_grid_model_set_hidden     (HangarGridModel *self,
                                                   const char      *record_id,
                                                   gboolean         hidden);
gboolean         hangar_grid_model_is_hidden      (HangarGridModel *self,
                                                   const char      *record_id);

/* A new row at the end of the loaded ones (a record created here); when
 * @after_id names a row, right after it instead (a duplicate, a record
 * restored by undo). Returns its row. */
guint            hangar_grid_model_add_local      (HangarGridModel *self,
                                                   HangarRecord    *record,
                                                   const char      *after_id);
/* A new row got its real id: @record (with it) takes its place. */
gboolean         hangar_grid_model_rename         (HangarGridModel *self,
                                                   const char      *old_id,
                                                   HangarRecord    *record);
/* Removes a new row (its create was discarded or undone). */
void             hangar_grid_model_remove_local   (HangarGridModel *self,
                                                   const char      *record_id);

/* Whether the "+" row ends the grid. */
void             hangar_grid_model_set_add_row    (HangarGridModel *self,
                                                   gboolean         shown);
gboolean         hangar_grid_model_get_add_row    (HangarGridModel *self);
gboolean         hangar_grid_model_is_add_row     (HangarRecord    *record);

/* Rows that are records (not the "+" row). */
guint            hangar_grid_model_get_n_records  (HangarGridModel *self);

G_END_DECLS
