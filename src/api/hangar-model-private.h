/* hangar-model-private.h — JSON checking shared by the model classes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hangar-error.h"

G_BEGIN_DECLS

/* Each helper reads one member of @object after checking its JSON type. A
 * missing member is fine when @required is FALSE (the out value is then left
 * at NULL / the default); null counts as missing. Wrong types and missing
 * required members set HANGAR_API_ERROR_INVALID_RESPONSE naming @what (e.g.
 * "table tblXXX") and the member. */
gboolean    _hangar_json_get_string  (JsonObject  *object,
                                      const char  *member,
                                      gboolean     required,
                                      const char  *what,
                                      const char **out_value,
                                      GError     **error);
gboolean    _hangar_json_get_object  (JsonObject  *object,
                                      const char  *member,
                                      gboolean     required,
                                      const char  *what,
                                      JsonObject **out_value,
                                      GError     **error);
gboolean    _hangar_json_get_array   (JsonObject  *object,
                                      const char  *member,
                                      gboolean     required,
                                      const char  *what,
                                      JsonArray  **out_value,
                                      GError     **error);
gboolean    _hangar_json_get_int     (JsonObject  *object,
                                      const char  *member,
                                      gboolean     required,
                                      const char  *what,
                                      gint64      *out_value,
                                      GError     **error);
gboolean    _hangar_json_get_boolean (JsonObject  *object,
                                      const char  *member,
                                      gboolean     required,
                                      const char  *what,
                                      gboolean    *out_value,
                                      GError     **error);

/* Parses an ISO 8601 timestamp (any number of fractional digits); NULL and
 * an error when it is not one. */
GDateTime  *_hangar_parse_timestamp  (const char  *text,
                                      const char  *what,
                                      const char  *member,
                                      GError     **error);

/* TRUE for a JSON number (integer or double) and stores it as a double. */
gboolean    _hangar_json_node_get_number (JsonNode *node,
                                          double   *out_value);

/* Sets HANGAR_API_ERROR_INVALID_RESPONSE with a printf message. */
void        _hangar_set_invalid_response (GError     **error,
                                          const char  *format,
                                          ...) G_GNUC_PRINTF (2, 3);

/* "object" / "array" / "string" / "number" / "boolean" / "null" */
const char *_hangar_json_node_type_name (JsonNode *node);

/* Reads an array of objects from the response member @member of @response
 * (which must be an object) and builds one model per element with @ctor.
 * The returned array owns references (g_object_unref). */
typedef gpointer (*HangarModelFromJson) (JsonObject *object, GError **error);
GPtrArray  *_hangar_model_list_from_json (JsonNode            *response,
                                          const char          *member,
                                          const char          *what,
                                          HangarModelFromJson  ctor,
                                          GError             **error);

G_END_DECLS

G_BEGIN_DECLS

/* json_node_copy() shares objects and arrays; these copy all the way down. */
JsonNode   *_hangar_json_node_deep_copy   (JsonNode   *node);
JsonObject *_hangar_json_object_deep_copy (JsonObject *object);

G_END_DECLS
