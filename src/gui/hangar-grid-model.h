/* hangar-grid-model.h — the grid's pass-through model with replaceable records
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hangar-record.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_GRID_MODEL (hangar_grid_model_get_type ())

G_DECLARE_FINAL_TYPE (HangarGridModel, hangar_grid_model, HANGAR, GRID_MODEL, GObject)

HangarGridModel *hangar_grid_model_new            (void);

/* The records to show (a GListModel of HangarRecord, e.g. a
 * HangarRecordList); NULL for none. Forgets replaced records. */
void             hangar_grid_model_set_model      (HangarGridModel *self,
                                                   GListModel      *model);
GListModel      *hangar_grid_model_get_model      (HangarGridModel *self);

/* Shows @record instead of the loaded record with the same id and emits
 * items-changed for its row so its cells are bound again. Returns the row,
 * or GTK_INVALID_LIST_POSITION (G_MAXUINT) when the id is not loaded. */
guint            hangar_grid_model_replace_record (HangarGridModel *self,
                                                   HangarRecord    *record);

G_END_DECLS
