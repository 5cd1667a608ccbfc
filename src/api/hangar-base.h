/* hangar-base.h — an Airtable base, as listed by /v0/meta/bases
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hangar-types.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_BASE (hangar_base_get_type ())

G_DECLARE_FINAL_TYPE (HangarBase, hangar_base, HANGAR, BASE, GObject)

HangarBase  *hangar_base_new_from_json         (JsonObject  *object,
                                                GError     **error);
/* {"bases": [...], "offset"?} → HangarBase elements */
GPtrArray   *hangar_base_list_from_json        (JsonNode    *response,
                                                GError     **error);
const char  *hangar_base_get_id                (HangarBase  *self);
const char  *hangar_base_get_name              (HangarBase  *self);
/* "none", "read", "comment", "edit", "create" (or a newer level) */
const char  *hangar_base_get_permission_level  (HangarBase  *self);
/* TRUE for "edit" and "create": records can be written. */
gboolean     hangar_base_can_edit              (HangarBase  *self);

G_END_DECLS
