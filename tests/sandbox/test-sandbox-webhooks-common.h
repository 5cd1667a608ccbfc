/* test-sandbox-webhooks-common.h — helpers for the webhook tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <string.h>

#include "test-sandbox-common.h"

#define DAY_MS (G_GINT64_CONSTANT (24) * 3600 * 1000)

/* The id of a table or field of @base, by name, from the schema. */
static inline char *
wh_table_id (HangarTestSandbox *sb,
             const char        *base,
             const char        *table)
{
  g_autofree char *path = g_strdup_printf ("/v0/meta/bases/%s/tables", base);
  g_autoptr(JsonObject) schema = sb_call (sb, "GET", path, sb->pat, NULL, 200);
  JsonArray *tables = json_object_get_array_member (schema, "tables");

  for (guint i = 0; i < json_array_get_length (tables); i++)
    {
      JsonObject *t = json_array_get_object_element (tables, i);

      if (g_str_equal (json_object_get_string_member (t, "name"), table))
        return g_strdup (json_object_get_string_member (t, "id"));
    }
  g_error ("no table %s", table);
  return NULL;
}

static inline char *
wh_schema_id (HangarTestSandbox *sb,
              const char        *base,
              const char        *table,
              const char        *kind,     /* "fields" or "views" */
              const char        *name)
{
  g_autofree char *path = g_strdup_printf ("/v0/meta/bases/%s/tables", base);
  g_autoptr(JsonObject) schema = sb_call (sb, "GET", path, sb->pat, NULL, 200);
  JsonArray *tables = json_object_get_array_member (schema, "tables");

  for (guint i = 0; i < json_array_get_length (tables); i++)
    {
      JsonObject *t = json_array_get_object_element (tables, i);
      JsonArray *items;

      if (!g_str_equal (json_object_get_string_member (t, "name"), table))
        continue;
      items = json_object_get_array_member (t, kind);
      for (guint j = 0; j < json_array_get_length (items); j++)
        {
          JsonObject *item = json_array_get_object_element (items, j);

          if (g_str_equal (json_object_get_string_member (item, "name"), name))
            return g_strdup (json_object_get_string_member (item, "id"));
        }
    }
  g_error ("no %s %s in %s", kind, name, table);
  return NULL;
}

#define wh_field_id(sb, base, table, name) wh_schema_id ((sb), (base), (table), "fields", (name))
#define wh_view_id(sb, base, table, name) wh_schema_id ((sb), (base), (table), "views", (name))

/* POST a webhook; returns the reply (asserting @status). */
static inline JsonObject *
wh_create (HangarTestSandbox *sb,
           const char        *base,
           const char        *bearer,
           const char        *body,
           guint              status)
{
  g_autofree char *path = g_strdup_printf ("/v0/bases/%s/webhooks", base);

  return sb_call (sb, "POST", path, bearer, body, status);
}

/* Creates a webhook with this filters/includes JSON and returns its id. */
static inline char *
wh_create_id (HangarTestSandbox *sb,
              const char        *base,
              const char        *options)
{
  g_autofree char *body = g_strdup_printf ("{\"specification\":{\"options\":%s}}", options);
  g_autoptr(JsonObject) reply = wh_create (sb, base, sb->pat, body, 200);

  return g_strdup (json_object_get_string_member (reply, "id"));
}

static inline JsonObject *
wh_payloads (HangarTestSandbox *sb,
             const char        *base,
             const char        *hook,
             gint64             cursor,
             const char        *extra)
{
  g_autofree char *path = g_strdup_printf ("/v0/bases/%s/webhooks/%s/payloads?cursor=%" G_GINT64_FORMAT "%s", base, hook,
                                           cursor, extra != NULL ? extra : "");

  return sb_call (sb, "GET", path, sb->pat, NULL, 200);
}

/* The list element of @hook, or NULL. */
static inline JsonObject *
wh_find (HangarTestSandbox *sb,
         const char        *base,
         const char        *bearer,
         const char        *hook)
{
  g_autofree char *path = g_strdup_printf ("/v0/bases/%s/webhooks", base);
  g_autoptr(JsonObject) list = sb_call (sb, "GET", path, bearer, NULL, 200);
  JsonArray *hooks = json_object_get_array_member (list, "webhooks");

  for (guint i = 0; i < json_array_get_length (hooks); i++)
    {
      JsonObject *h = json_array_get_object_element (hooks, i);

      if (g_str_equal (json_object_get_string_member (h, "id"), hook))
        return json_object_ref (h);
    }
  return NULL;
}

/* Creates a Tasks record through the API; returns its id. */
static inline char *
wh_new_task (HangarTestSandbox *sb,
             const char        *base,
             const char        *fields)
{
  g_autofree char *path = g_strdup_printf ("/v0/%s/Tasks", base);
  g_autofree char *body = g_strdup_printf ("{\"fields\":%s,\"typecast\":true}", fields);
  g_autoptr(JsonObject) record = sb_call (sb, "POST", path, sb->pat, body, 200);

  return g_strdup (json_object_get_string_member (record, "id"));
}

static inline void
wh_patch_task (HangarTestSandbox *sb,
               const char        *base,
               const char        *record,
               const char        *fields)
{
  g_autofree char *path = g_strdup_printf ("/v0/%s/Tasks/%s", base, record);
  g_autofree char *body = g_strdup_printf ("{\"fields\":%s,\"typecast\":true}", fields);
  g_autoptr(JsonObject) reply = sb_call (sb, "PATCH", path, sb->pat, body, 200);
}

static inline JsonObject *
wh_control (HangarTestSandbox *sb,
            const char        *route,
            const char        *body,
            guint              status)
{
  g_autofree char *path = g_strconcat ("/__sandbox/", route, NULL);

  return sb_call (sb, "POST", path, NULL, body, status);
}

static inline void
wh_advance (HangarTestSandbox *sb,
            gint64             ms)
{
  g_autofree char *body = g_strdup_printf ("{\"advance_ms\":%" G_GINT64_FORMAT "}", ms);
  g_autoptr(JsonObject) reply = wh_control (sb, "webhooks/clock", body, 200);
}

/* A member path into a payload: "changedTablesById", table id, … */
static inline JsonObject *
wh_object (JsonObject *obj,
           const char *first,
           ...)
{
  va_list ap;

  va_start (ap, first);
  for (const char *m = first; m != NULL && obj != NULL; m = va_arg (ap, const char *))
    {
      JsonNode *node = json_object_get_member (obj, m);

      obj = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
    }
  va_end (ap);
  return obj;
}

static inline JsonArray *
wh_list (JsonObject *reply)
{
  return json_object_get_array_member (reply, "payloads");
}

static inline JsonObject *
wh_nth (JsonObject *reply,
        guint       i)
{
  return json_array_get_object_element (wh_list (reply), i);
}

static inline gint64
wh_parse_time (const char *iso)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (iso, NULL);

  g_assert_nonnull (dt);
  return g_date_time_to_unix (dt) * 1000 + g_date_time_get_microsecond (dt) / 1000;
}

/* The member names of @obj, comma-joined in order. */
static inline char *
wh_keys (JsonObject *obj)
{
  GList *members = json_object_get_members (obj);
  GString *s = g_string_new (NULL);

  for (GList *l = members; l != NULL; l = l->next)
    g_string_append_printf (s, "%s%s", s->len > 0 ? "," : "", (const char *) l->data);
  g_list_free (members);
  return g_string_free (s, FALSE);
}
