/* test-client-common.h — helpers shared by the client tests (header only)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "config.h"

#include <string.h>

#include "hangar-api.h"
#include "hangar-test-sandbox.h"

/* Waiting for one async result on a GMainLoop. */
typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
  gboolean      consumed;   /* the result was handed out by tc_wait_run */
} TcWait;

static inline void
tc_wait_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  TcWait *wait = user_data;

  /* a result already handed out belongs to an earlier operation */
  if (wait->consumed)
    {
      g_clear_object (&wait->result);
      wait->consumed = FALSE;
    }
  g_assert_null (wait->result);
  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static inline TcWait *
tc_wait_new (void)
{
  TcWait *wait = g_new0 (TcWait, 1);

  wait->loop = g_main_loop_new (NULL, FALSE);
  return wait;
}

/* Runs the loop until the callback fired; returns the result (owned by @wait
 * until the next tc_wait_run or tc_wait_free). */
static inline GAsyncResult *
tc_wait_run (TcWait *wait)
{
  if (wait->result == NULL || wait->consumed)
    g_main_loop_run (wait->loop);
  g_assert_nonnull (wait->result);
  wait->consumed = TRUE;
  return wait->result;
}

static inline void
tc_wait_reset (TcWait *wait)
{
  g_clear_object (&wait->result);
  wait->consumed = FALSE;
}

static inline void
tc_wait_free (TcWait *wait)
{
  g_clear_object (&wait->result);
  g_main_loop_unref (wait->loop);
  g_free (wait);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TcWait, tc_wait_free)

static inline gboolean
tc_quit_cb (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

/* Lets the main loop run for @ms (never blocks the loop). */
static inline void
tc_spin (guint ms)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  g_timeout_add (ms, tc_quit_cb, loop);
  g_main_loop_run (loop);
}

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
  g_autoptr(TcWait) wait = tc_wait_new ();
  g_autoptr(GPtrArray) bases = NULL;
  g_autoptr(GError) error = NULL;

  hangar_client_list_bases_async (client, NULL, tc_wait_cb, wait);
  bases = hangar_client_list_bases_finish (client, tc_wait_run (wait), &error);
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
  g_autoptr(TcWait) wait = tc_wait_new ();
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
                                    NULL, tc_wait_cb, wait);
  table = hangar_client_create_table_finish (client, tc_wait_run (wait), &error);
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
  g_autoptr(TcWait) wait = tc_wait_new ();
  g_autoptr(GError) error = NULL;
  GPtrArray *records;

  hangar_client_list_records_async (client, base_id, table, options, NULL, tc_wait_cb, wait);
  records = hangar_client_list_records_finish (client, tc_wait_run (wait), &error);
  g_assert_no_error (error);
  g_assert_nonnull (records);
  return records;
}

static inline void
tc_post_control (HangarTestSandbox *sandbox,
                 const char        *path,
                 const char        *json)
{
  g_autoptr(JsonNode) reply = NULL;
  guint status = 0;

  reply = hangar_test_sandbox_request (sandbox, "POST", path, NULL, json, &status);
  g_assert_cmpuint (status, ==, 200);
}
