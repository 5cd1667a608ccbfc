/* sandbox-records.c — the records API: routing, scopes and permission
 * levels for every records route
 *
 * Listing is in sandbox-records-list.c, writes in sandbox-records-write.c,
 * comments and uploadAttachment in sandbox-records-comments.c. The routes
 * follow Airtable's public Web API documentation (list, get, create, update,
 * upsert, delete records; list, create, edit and delete comments; upload
 * attachment).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox-records-private.h"

/* ---------------------------------------------------------------- helpers */

void
_sandbox_records_respond_unknown_field (SoupServerMessage *msg,
                                        const char        *name)
{
  sandbox_respond_error (msg, 422, "UNKNOWN_FIELD_NAME", "Unknown field name: \"%s\"", name);
}

void
_sandbox_records_respond_record_not_found (SoupServerMessage *msg)
{
  sandbox_respond_error (msg, 404, "MODEL_ID_NOT_FOUND", "Record not found");
}

gboolean
_sandbox_records_parse_int (const char *text,
                            gint64     *out)
{
  char *end = NULL;

  if (text == NULL || *text == '\0')
    return FALSE;
  *out = g_ascii_strtoll (text, &end, 10);
  return end != NULL && *end == '\0';
}

/* --------------------------------------------------------------- routing */

static char *
join_segments (char **segments,
               guint  n)
{
  GString *s = g_string_new (segments[0]);

  for (guint i = 1; i < n; i++)
    g_string_append_printf (s, "/%s", segments[i]);
  return g_string_free (s, FALSE);
}

void
sandbox_records_handle (SandboxServer     *self,
                        SoupServerMessage *msg,
                        SandboxAuth       *auth,
                        SandboxBase       *base,
                        char             **segments,
                        guint              n_segments,
                        GPtrArray         *query)
{
  const char *method = soup_server_message_get_method (msg);
  gboolean is_get = g_str_equal (method, "GET");
  gboolean is_post = g_str_equal (method, "POST");
  gboolean is_patch = g_str_equal (method, "PATCH");
  gboolean is_put = g_str_equal (method, "PUT");
  gboolean is_delete = g_str_equal (method, "DELETE");
  gboolean comments;
  gboolean list_post;
  const char *scope;
  g_autofree char *joined = NULL;
  g_autofree char **shifted = NULL;

  if (n_segments == 3 && g_str_equal (segments[2], "uploadAttachment") && sandbox_is_id (segments[0], "rec")
      && (base == NULL || sandbox_base_find_table (base, segments[0]) == NULL))
    {
      if (!g_str_equal (method, "POST"))
        sandbox_respond_not_found (msg);
      else if (!sandbox_auth_has_scope (auth, "data.records:write") || !sandbox_auth_can_see_base (self, auth, base)
               || !sandbox_level_at_least (sandbox_base_permission (base, auth->user->id), "edit"))
        sandbox_respond_forbidden (msg);
      else if (sandbox_server_check_base_rate (self, msg, base))
        _sandbox_records_handle_upload (self, msg, base, segments[0], segments[1]);
      return;
    }

  /* The path arrives decoded, so a table name containing "/" spans several
   * segments: take the longest run of leading segments naming a table. */
  if (base != NULL && n_segments > 1 && sandbox_base_find_table (base, segments[0]) == NULL)
    for (guint k = n_segments; k > 1; k--)
      {
        g_autofree char *name = join_segments (segments, k);

        if (sandbox_base_find_table (base, name) != NULL)
          {
            shifted = g_new0 (char *, n_segments - k + 2);
            joined = g_steal_pointer (&name);
            shifted[0] = joined;
            for (guint i = k; i < n_segments; i++)
              shifted[i - k + 1] = segments[i];
            segments = shifted;
            n_segments = n_segments - k + 1;
            break;
          }
      }
  comments = (n_segments == 3 || n_segments == 4) && g_str_equal (segments[2], "comments");
  list_post = n_segments == 2 && g_str_equal (segments[1], "listRecords");
  const char *level;
  SandboxTable *table;
  g_autoptr(JsonNode) body_node = NULL;

  if (n_segments > 4 || (n_segments >= 3 && !comments))
    {
      sandbox_respond_not_found (msg);
      return;
    }
  if (comments)
    {
      gboolean writing = !is_get;

      scope = writing ? "data.recordComments:write" : "data.recordComments:read";
      level = writing ? "comment" : "read";
      if ((n_segments == 3 && !is_get && !is_post) || (n_segments == 4 && !is_patch && !is_delete))
        {
          sandbox_respond_not_found (msg);
          return;
        }
    }
  else if (is_get || list_post)
    {
      scope = "data.records:read";
      level = "read";
      if (list_post && !is_post)
        {
          sandbox_respond_not_found (msg);
          return;
        }
    }
  else if (is_post || is_patch || is_put || is_delete)
    {
      scope = "data.records:write";
      level = "edit";
      if (is_post && n_segments != 1)
        {
          sandbox_respond_not_found (msg);
          return;
        }
    }
  else
    {
      sandbox_respond_not_found (msg);   /* unknown method: 404, see README */
      return;
    }

  if (!sandbox_auth_has_scope (auth, scope) || !sandbox_auth_can_see_base (self, auth, base)
      || !sandbox_level_at_least (sandbox_base_permission (base, auth->user->id), level))
    {
      sandbox_respond_forbidden (msg);
      return;
    }
  if (!sandbox_server_check_base_rate (self, msg, base))
    return;

  table = sandbox_base_find_table (base, segments[0]);
  if (table == NULL)
    {
      sandbox_respond_error (msg, 404, "TABLE_NOT_FOUND", "Could not find table %s in application %s", segments[0], base->id);
      return;
    }

  sandbox_pending_choices_discard (self);
  if ((is_post || is_patch || is_put) && !comments)
    {
      SoupMessageBody *raw = soup_server_message_get_request_body (msg);

      if (!(list_post && (raw == NULL || raw->length == 0)))
        {
          body_node = sandbox_parse_body (msg, raw, TRUE);
          if (body_node == NULL)
            return;
        }
    }

  if (list_post)
    {
      g_autoptr(JsonObject) empty = json_object_new ();

      _sandbox_records_handle_list (self, msg, table, query, body_node != NULL ? json_node_get_object (body_node) : empty);
      return;
    }

  if (n_segments == 1)
    {
      if (is_get)
        _sandbox_records_handle_list (self, msg, table, query, NULL);
      else if (is_post)
        _sandbox_records_handle_create (self, msg, table, json_node_get_object (body_node), query);
      else if (is_patch || is_put)
        _sandbox_records_handle_update_batch (self, msg, table, json_node_get_object (body_node), query, is_put);
      else
        _sandbox_records_handle_delete_batch (self, msg, table, query);
      return;
    }

  {
    SandboxRecord *record = g_hash_table_lookup (table->records_by_id, segments[1]);

    if (is_get && record == NULL)
      {
        /* Airtable's get-record falls back to any table of the base */
        for (guint i = 0; i < base->tables->len && record == NULL; i++)
          {
            SandboxTable *other = base->tables->pdata[i];

            record = g_hash_table_lookup (other->records_by_id, segments[1]);
            if (record != NULL)
              table = other;
          }
      }

    if (comments)
      {
        if (record == NULL)
          _sandbox_records_respond_record_not_found (msg);
        else if (n_segments == 4)
          _sandbox_records_handle_comment_change (self, msg, auth, record, segments[3]);
        else
          _sandbox_records_handle_comments (self, msg, auth, table, record, query);
        return;
      }

    if (is_get)
      {
        gboolean by_id = sandbox_query_bool (sandbox_query_get (query, "returnFieldsByFieldId"));
        const char *cell_format = sandbox_query_get (query, "cellFormat");
        g_autoptr(GTimeZone) zone = NULL;
        g_autoptr(JsonObject) reply = NULL;

        for (guint i = 0; i + 1 < query->len; i += 2)
          if (g_str_has_prefix (query->pdata[i], "fields"))
            {
              sandbox_respond_invalid_request (msg);
              return;
            }
        if (record == NULL)
          {
            _sandbox_records_respond_record_not_found (msg);
            return;
          }
        if (cell_format != NULL && g_str_equal (cell_format, "string"))
          {
            const char *tz = sandbox_query_get (query, "timeZone");

            if (tz == NULL || sandbox_query_get (query, "userLocale") == NULL
                || (zone = g_time_zone_new_identifier (tz)) == NULL)
              {
                sandbox_respond_error (msg, 422, "INVALID_REQUEST_UNKNOWN",
                                       "Invalid request: timeZone and userLocale are required when cellFormat is \"string\".");
                return;
              }
          }
        else if (cell_format != NULL && !g_str_equal (cell_format, "json"))
          {
            sandbox_respond_error (msg, 422, "INVALID_REQUEST_UNKNOWN", "Invalid cellFormat: \"%s\"", cell_format);
            return;
          }
        reply = sandbox_record_to_json (self, table, record, NULL, by_id, FALSE, zone,
                                        sandbox_query_get (query, "userLocale"));
        sandbox_respond_object (msg, 200, reply);
        return;
      }

    if (is_delete)
      {
        g_autoptr(JsonObject) reply = json_object_new ();

        if (record == NULL)
          {
            _sandbox_records_respond_record_not_found (msg);
            return;
          }
        json_object_set_string_member (reply, "id", record->id);
        json_object_set_boolean_member (reply, "deleted", TRUE);
        sandbox_record_delete (self, table, record);
        sandbox_server_changed (self);
        sandbox_respond_object (msg, 200, reply);
        return;
      }

    if (is_patch || is_put)
      {
        _sandbox_records_handle_update_one (self, msg, table, segments[1], json_node_get_object (body_node), query, is_put);
        return;
      }
  }
  sandbox_respond_not_found (msg);
}
