/* test-client-common.h — helpers shared by the client tests (header only)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "config.h"

#include <string.h>

#include "hangar-api.h"
#include "hangar-test.h"

/* A client for @sandbox with its own scheduler (so tests do not share pacing
 * state) unless @scheduler is given. */
static inline HangarClient *
tc_client_new (HangarTestSandbox *sandbox,
               const char        *token,
               HangarScheduler   *scheduler,
               gboolean           pacing)
{
  g_autoptr(HangarTokenSource) source = hangar_static_token_source_new (token != NULL ? token : sandbox->pat);
  g_autoptr(HangarScheduler) own = scheduler == NULL ? hangar_scheduler_new () : NULL;

  return g_object_new (HANGAR_TYPE_CLIENT,
                       "api-url", sandbox->url,
                       "token-source", source,
                       "scheduler", scheduler != NULL ? scheduler : own,
                       "pacing", pacing,
                       NULL);
}

/* The id of the first base the PAT sees whose name is @name (any base when NULL). */
static inline char *
tc_find_base (HangarClient *client,
              const char   *name)
{
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  g_autoptr(GPtrArray) bases = NULL;
  g_autoptr(GError) error = NULL;

  hangar_client_list_bases_async (client, NULL, hangar_test_wait_cb, wait);
  bases = hangar_client_list_bases_finish (client, hangar_test_wait_run (wait), &error);
  g_assert_no_error (error);
  g_assert_nonnull (bases);
  for (guint i = 0; i < bases->len; i++)
    {
      HangarBase *base = g_ptr_array_index (bases, i);

      if (name == NULL ? hangar_base_can_edit (base) : g_str_equal (hangar_base_get_name (base), name))
        return g_strdup (hangar_base_get_id (base));
    }
  g_error ("No base named %s in the sandbox", name ? name : "(editable)");
  return NULL;
}

/* Creates a fresh table Name / Email / Count / Notes in @base_id; returns its id. */
static inline char *
tc_create_table (HangarClient *client,
                 const char   *base_id,
                 const char   *name)
{
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(HangarTable) table = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *spec = g_strdup_printf (
    "{\"name\": \"%s\", \"fields\": ["
    "{\"name\": \"Name\", \"type\": \"singleLineText\"},"
    "{\"name\": \"Email\", \"type\": \"email\"},"
    "{\"name\": \"Count\", \"type\": \"number\", \"options\": {\"precision\": 0}},"
    "{\"name\": \"Notes\", \"type\": \"multilineText\"}]}", name);

  json_parser_load_from_data (parser, spec, -1, &error);
  g_assert_no_error (error);
  hangar_client_create_table_async (client, base_id, json_node_get_object (json_parser_get_root (parser)),
                                    NULL, hangar_test_wait_cb, wait);
  table = hangar_client_create_table_finish (client, hangar_test_wait_run (wait), &error);
  g_assert_no_error (error);
  g_assert_nonnull (table);
  return g_strdup (hangar_table_get_id (table));
}

static inline JsonObject *
tc_object (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* {"Name": "<prefix> i", "Email": "<prefix>i@example.com", "Count": i} for i in [0, n) */
static inline GPtrArray *
tc_make_fields (const char *prefix,
                guint       n)
{
  GPtrArray *array = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *fields = json_object_new ();
      g_autofree char *name = g_strdup_printf ("%s %u", prefix, i);
      g_autofree char *email = g_strdup_printf ("%s%u@example.com", prefix, i);

      json_object_set_string_member (fields, "Name", name);
      json_object_set_string_member (fields, "Email", email);
      json_object_set_int_member (fields, "Count", i);
      g_ptr_array_add (array, fields);
    }
  return array;
}

/* Lists every record of a table (unpaced helper for assertions). */
static inline GPtrArray *
tc_list_all (HangarClient            *client,
             const char              *base_id,
             const char              *table,
             const HangarListOptions *options)
{
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  g_autoptr(GError) error = NULL;
  GPtrArray *records;

  hangar_client_list_records_async (client, base_id, table, options, NULL, hangar_test_wait_cb, wait);
  records = hangar_client_list_records_finish (client, hangar_test_wait_run (wait), &error);
  g_assert_no_error (error);
  g_assert_nonnull (records);
  return records;
}
