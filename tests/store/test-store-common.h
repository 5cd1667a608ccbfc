/* test-store-common.h — helpers shared by the cache and sync tests (header only)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "config.h"

#include <string.h>

#include "hangar-api.h"
#include "hangar-cache.h"
#include "hangar-cached-records.h"
#include "hangar-store.h"
#include "hangar-sync.h"
#include "hangar-test.h"

/* A client for @sandbox with its own scheduler, unpaced unless asked. */
static inline HangarClient *
ts_client_new (HangarTestSandbox *sandbox,
               const char        *token,
               gboolean           pacing)
{
  g_autoptr(HangarTokenSource) source = hangar_static_token_source_new (token != NULL ? token : sandbox->pat);
  g_autoptr(HangarScheduler) scheduler = hangar_scheduler_new ();

  return g_object_new (HANGAR_TYPE_CLIENT,
                       "api-url", sandbox->url,
                       "token-source", source,
                       "scheduler", scheduler,
                       "pacing", pacing,
                       NULL);
}

/* The table named @name of the base named @base_name, as the meta API
 * shows it now; its base id in *out_base_id. */
static inline HangarTable *
ts_table (HangarTestSandbox  *sandbox,
          const char         *base_name,
          const char         *name,
          char              **out_base_id)
{
  g_autofree char *base_id = hangar_test_sandbox_base_id (sandbox, sandbox->pat, base_name);
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GPtrArray) tables = NULL;
  g_autoptr(GError) error = NULL;
  HangarTable *table;

  g_assert_nonnull (base_id);
  path = g_strdup_printf ("/v0/meta/bases/%s/tables", base_id);
  node = hangar_test_sandbox_get (sandbox, path);
  tables = hangar_table_list_from_json (node, &error);
  g_assert_no_error (error);
  table = hangar_table_list_lookup (tables, name);
  g_assert_nonnull (table);
  if (out_base_id != NULL)
    *out_base_id = g_steal_pointer (&base_id);
  return g_object_ref (table);
}

/* Every record of a table as the API lists it by field id: record id →
 * its fields as compact JSON. */
static inline GHashTable *
ts_server_records (HangarTestSandbox *sandbox,
                   const char        *base_id,
                   const char        *table_id)
{
  GHashTable *records = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *offset = NULL;

  do
    {
      g_autofree char *path = g_strdup_printf ("/v0/%s/%s?returnFieldsByFieldId=true%s%s", base_id, table_id,
                                               offset != NULL ? "&offset=" : "", offset != NULL ? offset : "");
      g_autoptr(JsonNode) page = hangar_test_sandbox_get (sandbox, path);
      JsonObject *object = json_node_get_object (page);
      JsonArray *array = json_object_get_array_member (object, "records");

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonObject *record = json_array_get_object_element (array, i);

          g_hash_table_insert (records, g_strdup (json_object_get_string_member (record, "id")),
                               hangar_json_to_string (json_object_get_member (record, "fields"), -1));
        }
      g_free (offset);
      offset = json_object_has_member (object, "offset")
                 ? g_strdup (json_object_get_string_member (object, "offset")) : NULL;
    }
  while (offset != NULL);
  return records;
}

static inline gboolean
ts_same_json (const char *a,
              const char *b)
{
  g_autoptr(JsonNode) na = hangar_json_parse (a, -1, 0, NULL, NULL);
  g_autoptr(JsonNode) nb = hangar_json_parse (b, -1, 0, NULL, NULL);

  return na != NULL && nb != NULL && json_node_equal (na, nb);
}

/* Whether the cached copy of the table holds exactly what the server
 * lists: the same records with the same cells. On a difference, *why says
 * which (for the failure message). */
static inline gboolean
ts_cache_matches_server (HangarCache       *cache,
                         HangarTestSandbox *sandbox,
                         const char        *base_id,
                         const char        *table_id,
                         char             **why)
{
  g_autoptr(GHashTable) server = ts_server_records (sandbox, base_id, table_id);
  guint n_cached = hangar_cache_count_records (cache, base_id, table_id);
  GHashTableIter iter;
  const char *id;
  const char *cells;

  if (n_cached != g_hash_table_size (server))
    {
      *why = g_strdup_printf ("%u records cached, %u on the server", n_cached, g_hash_table_size (server));
      return FALSE;
    }
  g_hash_table_iter_init (&iter, server);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, (gpointer *) &cells))
    {
      HangarCacheRow row = { 0 };
      gboolean same;

      if (!hangar_cache_read_record (cache, base_id, table_id, id, &row))
        {
          *why = g_strdup_printf ("%s is not cached", id);
          return FALSE;
        }
      same = ts_same_json (row.cells, cells);
      if (!same)
        *why = g_strdup_printf ("%s differs:\n  cached %s\n  server %s", id, row.cells, cells);
      hangar_cache_row_clear (&row);
      if (!same)
        return FALSE;
    }
  return TRUE;
}

typedef struct
{
  HangarCache       *cache;
  HangarTestSandbox *sandbox;
  const char        *base_id;
  const char        *table_id;
  char              *why;
} TsMatch;

static inline gboolean
ts_match_cb (gpointer data)
{
  TsMatch *match = data;
  g_autofree char *why = NULL;

  if (ts_cache_matches_server (match->cache, match->sandbox, match->base_id, match->table_id, &why))
    return TRUE;
  /* Said once per difference, so a timeout shows what was still wrong. */
  if (g_strcmp0 (why, match->why) != 0)
    g_test_message ("not yet: %s", why);
  g_free (match->why);
  match->why = g_steal_pointer (&why);
  return FALSE;
}

/* Waits until the cache holds what the server lists. */
static inline void
ts_wait_cache_matches (HangarCache       *cache,
                       HangarTestSandbox *sandbox,
                       const char        *base_id,
                       const char        *table_id)
{
  TsMatch match = { cache, sandbox, base_id, table_id, NULL };

  hangar_test_wait_until (ts_match_cb, &match, "the cache to hold what the server lists");
  g_free (match.why);
}

/* POST to the control API, asserting 200. */
#define ts_control(sandbox, path, ...) \
  G_STMT_START { \
    g_autofree char *ts_body_ = g_strdup_printf (__VA_ARGS__); \
    hangar_test_sandbox_control ((sandbox), (path), ts_body_); \
  } G_STMT_END
