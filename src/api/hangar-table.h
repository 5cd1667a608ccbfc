/* hangar-table.h — an Airtable table's schema
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hangar-field.h"
#include "hangar-view.h"

#include "hangar-types.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_TABLE (hangar_table_get_type ())

G_DECLARE_FINAL_TYPE (HangarTable, hangar_table, HANGAR, TABLE, GObject)

HangarTable *hangar_table_new_from_json       (JsonObject  *object,
                                               GError     **error);
GPtrArray   *hangar_table_list_from_json      (JsonNode    *tables_response,
                                               GError     **error);

const char  *hangar_table_get_id              (HangarTable *self);
const char  *hangar_table_get_name            (HangarTable *self);
const char  *hangar_table_get_description     (HangarTable *self);
const char  *hangar_table_get_primary_field_id (HangarTable *self);
HangarField *hangar_table_get_primary_field   (HangarTable *self);
GPtrArray   *hangar_table_get_fields          (HangarTable *self);
GPtrArray   *hangar_table_get_views           (HangarTable *self);
HangarField *hangar_table_lookup_field        (HangarTable *self,
                                               const char  *name_or_id);
HangarView  *hangar_table_lookup_view         (HangarTable *self,
                                               const char  *name_or_id);

/* The Table model as the schema API shows it (field and view ids included). */
JsonNode    *hangar_table_to_json             (HangarTable *self);

/* Finds a table by id or name in an array from hangar_table_list_from_json(). */
HangarTable *hangar_table_list_lookup         (GPtrArray   *tables,
                                               const char  *name_or_id);

G_END_DECLS
