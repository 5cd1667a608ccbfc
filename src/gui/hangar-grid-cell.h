/* hangar-grid-cell.h — cells of the record grid, one kind per field type
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hangar-field.h"
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

/* A factory whose cells show @field of the HangarRecord items. All field
 * types are dispatched here, so an editor per type can be added in one place
 * later. @links may be NULL. */
GtkListItemFactory *hangar_grid_cell_factory_new   (HangarField     *field,
                                                    HangarLinkCache *links);

G_END_DECLS
