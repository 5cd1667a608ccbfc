/* hangar-view.h — a view of an Airtable table
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hangar-types.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_VIEW (hangar_view_get_type ())

G_DECLARE_FINAL_TYPE (HangarView, hangar_view, HANGAR, VIEW, GObject)

HangarView  *hangar_view_new_from_json          (JsonObject  *object,
                                                 GError     **error);
const char  *hangar_view_get_id                 (HangarView  *self);
const char  *hangar_view_get_name               (HangarView  *self);
/* "grid", "form", "calendar", "gallery", "kanban", "timeline", "block" or
 * whatever new type the API sends. */
const char  *hangar_view_get_view_type          (HangarView  *self);
/* Only for grid views fetched with include=visibleFieldIds; NULL otherwise. */
const char * const *hangar_view_get_visible_field_ids (HangarView *self);
/* {"id","name","type","visibleFieldIds"?} */
JsonNode    *hangar_view_to_json                (HangarView  *self);

G_END_DECLS
