/* hangar-model-private.h — JSON checking shared by the model classes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hangar-error.h"
#include "hangar-json.h"
#include "hangar-types.h"

G_BEGIN_DECLS

/* Parses an ISO 8601 timestamp (any number of fractional digits); NULL and
 * an error when it is not one. */
GDateTime  *_hangar_parse_timestamp  (const char  *text,
                                      const char  *what,
                                      const char  *member,
                                      GError     **error);

/* Sets HANGAR_API_ERROR_INVALID_RESPONSE with a printf message. */
void        _hangar_set_invalid_response (GError     **error,
                                          const char  *format,
                                          ...) G_GNUC_PRINTF (2, 3);

/* Reads an array of objects from the response member @member of @response
 * (which must be an object) and builds one model per element with @ctor.
 * The returned array owns references (g_object_unref). */
typedef gpointer (*HangarModelFromJson) (JsonObject *object, GError **error);
GPtrArray  *_hangar_model_list_from_json (JsonNode            *response,
                                          const char          *member,
                                          const char          *what,
                                          HangarModelFromJson  ctor,
                                          GError             **error);

/* Records (hangar-record.c): notes from the parse of an answer. */

void        _hangar_record_take_notes (HangarRecord *self,
                                       GPtrArray    *notes,
                                       const char   *prefix);
GPtrArray  *_hangar_record_list_from_json_with_notes (JsonNode   *response,
                                                      GPtrArray  *notes,
                                                      GError    **error);

/* Fields (hangar-field.c): notes from the parse of an answer. */
void        _hangar_field_take_notes  (HangarField  *self,
                                       GPtrArray    *notes,
                                       const char   *prefix);

/* The notes of hangar_json_parse_full() that concern the value at @prefix
 * (a path as in HangarJsonNote, "" for the whole document) or anything in
 * it, as texts for a model: "field “Count”: the integer … was read as …"
 * when the rest of the path starts with a record's "fields", otherwise
 * "“options.precision”: …". NULL when there is none. */
char      **_hangar_notes_under      (GPtrArray   *notes,
                                      const char  *prefix);

/* @list with @more appended (both NULL-terminated, either may be NULL);
 * takes both. */
char      **_hangar_notes_append     (char       **list,
                                      char       **more);

G_END_DECLS
