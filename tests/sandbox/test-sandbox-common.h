/* test-sandbox-common.h — small helpers shared by the sandbox core tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib/gstdio.h>

#include "hangar-test-sandbox.h"

#define FORBIDDEN_MESSAGE "Invalid permissions, or the requested model was not found. Check that both your user and your token have the required permissions, and that the model names and/or ids are correct."

/* One request; asserts the status and returns the body object (or NULL). */
static inline JsonObject *
sb_call (HangarTestSandbox *sb,
         const char        *method,
         const char        *path,
         const char        *bearer,
         const char        *body,
         guint              expected)
{
  guint status = 0;
  g_autoptr(JsonNode) node = hangar_test_sandbox_request (sb, method, path, bearer, body, &status);

  if (status != expected)
    {
      g_autofree char *dump = node != NULL ? json_to_string (node, FALSE) : g_strdup ("(no JSON body)");

      g_error ("%s %s: expected %u, got %u: %s", method, path, expected, status, dump);
    }
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_object_ref (json_node_get_object (node));
}

/* Asserts the object-form Airtable error {"error":{"type":TYPE,…}}. */
static inline void
sb_assert_error (JsonObject *reply,
                 const char *type)
{
  JsonNode *error;

  g_assert_nonnull (reply);
  error = json_object_get_member (reply, "error");
  g_assert_nonnull (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (error));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (error), "type"), ==, type);
}

static inline const char *
sb_error_message (JsonObject *reply)
{
  return json_object_get_string_member (json_object_get_object_member (reply, "error"), "message");
}

static inline JsonObject *
sb_fields (JsonObject *record)
{
  return json_object_get_object_member (record, "fields");
}

static inline JsonArray *
sb_records (JsonObject *reply)
{
  return json_object_get_array_member (reply, "records");
}

static inline char *
sb_demo_base (HangarTestSandbox *sb)
{
  char *id = hangar_test_sandbox_base_id (sb, sb->pat, "Product Roadmap");

  g_assert_nonnull (id);
  return id;
}

/* Counts every record of a table by paging through it. */
static inline guint
sb_count_records (HangarTestSandbox *sb,
                  const char        *base,
                  const char        *table)
{
  g_autofree char *offset = NULL;
  guint n = 0;

  do
    {
      g_autofree char *path = offset != NULL ? g_strdup_printf ("/v0/%s/%s?offset=%s", base, table, offset)
                                             : g_strdup_printf ("/v0/%s/%s", base, table);
      g_autoptr(JsonObject) reply = sb_call (sb, "GET", path, sb->pat, NULL, 200);

      n += json_array_get_length (sb_records (reply));
      g_clear_pointer (&offset, g_free);
      if (json_object_has_member (reply, "offset"))
        offset = g_uri_escape_string (json_object_get_string_member (reply, "offset"), NULL, TRUE);
    }
  while (offset != NULL);
  return n;
}

/* Removes a directory the test made, with what is in it. */
static inline void
sb_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        sb_remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}
