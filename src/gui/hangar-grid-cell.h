/* hangar-grid-cell.h — cells of the record grid, one kind per field type
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hangar-field.h"
#include "hangar-grid-model.h"
#include "hangar-link-cache.h"

G_BEGIN_DECLS

/* The display text of a cell as the grid and the detail panel show it:
 * hangar_field_format_value() plus dates and times in local time and linked
 * records by their primary values (from @links when known, else their ids).
 * Never NULL. */
char               *hangar_grid_format_cell        (HangarField     *field,
                                                    JsonNode        *value,
                                                    HangarLinkCache *links);

/* The field's type icon, or a generic one when the icon theme lacks it. */
const char         *hangar_grid_field_icon_name    (HangarField     *field);

/* What a cell shows besides its value: the cell cursor, a selected range,
 * the state of an edit not yet on Airtable. */
typedef enum
{
  HANGAR_GRID_CELL_CURSOR    = 1 << 0,
  HANGAR_GRID_CELL_RANGE     = 1 << 1,
  HANGAR_GRID_CELL_PENDING   = 1 << 2,
  HANGAR_GRID_CELL_SENDING   = 1 << 3,
  HANGAR_GRID_CELL_FAILED    = 1 << 4,
  HANGAR_GRID_CELL_UNCERTAIN = 1 << 5,
  HANGAR_GRID_CELL_CONFLICT  = 1 << 6,
  HANGAR_GRID_CELL_NEW_ROW   = 1 << 7,   /* the row is a record created here, not on Airtable yet */
} HangarGridCellFlags;

typedef guint (*HangarGridCellDecorateFunc) (gpointer      user_data,
                                             guint         position,
                                             HangarRecord *record,
                                             HangarField  *field);

/* The cells bound at any moment, by record: the grid refreshes a record's
 * cells when its row shows a new version, and redecorates cells when the
 * cursor or an edit's state changes, without touching the model. */
typedef struct _HangarGridCells HangarGridCells;

HangarGridCells    *hangar_grid_cells_new          (HangarGridModel            *model,
                                                    HangarGridCellDecorateFunc  decorate,
                                                    gpointer                    user_data);
HangarGridCells    *hangar_grid_cells_ref          (HangarGridCells            *cells);
void                hangar_grid_cells_unref        (HangarGridCells            *cells);
/* The grid goes: no more calls to its function. */
void                hangar_grid_cells_disconnect   (HangarGridCells            *cells);
/* Shows the record's current version in its bound cells. */
void                hangar_grid_cells_refresh      (HangarGridCells            *cells,
                                                    const char                 *record_id);
/* Decorates every bound cell again (the cursor or the range moved). */
void                hangar_grid_cells_redecorate   (HangarGridCells            *cells);
void                hangar_grid_cells_redecorate_record (HangarGridCells       *cells,
                                                         const char            *record_id);
/* The column whose cell in the "+" row says "+ New record". */
void                hangar_grid_cells_set_add_row_field (HangarGridCells       *cells,
                                                         const char            *field_name);
/* The widget of the bound cell at @position, @field (NULL when that row is
 * not on screen). */
GtkWidget          *hangar_grid_cells_lookup       (HangarGridCells            *cells,
                                                    guint                       position,
                                                    HangarField                *field);
/* The row and field of a cell widget (or a widget inside one); FALSE when
 * @widget is not in a bound cell. */
gboolean            hangar_grid_cells_locate       (GtkWidget                  *widget,
                                                    guint                      *out_position,
                                                    HangarField               **out_field);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarGridCells, hangar_grid_cells_unref)

/* A factory whose cells show @field of the HangarRecord items (as @cells'
 * model resolves them). All field types are dispatched here. @links and
 * @cells may be NULL. */
GtkListItemFactory *hangar_grid_cell_factory_new   (HangarField     *field,
                                                    HangarLinkCache *links,
                                                    HangarGridCells *cells);

G_END_DECLS
