/* hangar-model-private.h — JSON checking shared by the model classes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hangar-error.h"
#include "hangar-json.h"

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

G_END_DECLS
