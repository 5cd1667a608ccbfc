/* sandbox-json.h — strict JSON in and out (sandbox-json.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define SANDBOX_JSON_ERROR (sandbox_json_error_quark ())
typedef enum
{
  SANDBOX_JSON_ERROR_INVALID,
} SandboxJsonError;

GQuark      sandbox_json_error_quark    (void);
/* TRUE when @data is one RFC 8259 JSON document (UTF-8, no BOM, no unpaired
 * surrogate escapes) nested at most @max_depth containers deep. Iterative. */
gboolean    sandbox_json_check          (const char *data, gsize len, guint max_depth, GError **error);
/* sandbox_json_check(), then json-glib; the root node (new reference) or NULL. */
JsonNode   *sandbox_json_parse          (const char *data, gsize len, guint max_depth, GError **error);
/* Compact JSON of @root that sandbox_json_check() accepts (json-glib alone
 * may leave a control character raw). */
char       *sandbox_json_generate       (JsonNode *root, gsize *out_len);

G_END_DECLS
