/* hangar-record.h — one Airtable record
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hangar-types.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_RECORD (hangar_record_get_type ())

G_DECLARE_FINAL_TYPE (HangarRecord, hangar_record, HANGAR, RECORD, GObject)

HangarRecord *hangar_record_new                (const char    *id,
                                                GDateTime     *created_time,
                                                JsonObject    *fields);
HangarRecord *hangar_record_new_from_json      (JsonObject    *object,
                                                GError       **error);
GPtrArray    *hangar_record_list_from_json     (JsonNode      *response,
                                                GError       **error);

const char   *hangar_record_get_id             (HangarRecord  *self);
GDateTime    *hangar_record_get_created_time   (HangarRecord  *self);
JsonObject   *hangar_record_get_fields         (HangarRecord  *self);
JsonNode     *hangar_record_get_field          (HangarRecord  *self,
                                                const char    *name);
gboolean      hangar_record_has_field          (HangarRecord  *self,
                                                const char    *name);
JsonObject   *hangar_record_dup_fields         (HangarRecord  *self);
const char * const *hangar_record_get_notes  (HangarRecord  *self);
gboolean      hangar_record_has_comment_count  (HangarRecord  *self);
gint64        hangar_record_get_comment_count  (HangarRecord  *self);
JsonNode     *hangar_record_to_json            (HangarRecord  *self,
                                                gboolean       include_id);

G_END_DECLS
