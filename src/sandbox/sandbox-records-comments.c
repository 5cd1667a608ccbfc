/* sandbox-records-comments.c — record comments and uploadAttachment
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox-records-private.h"

/* ------------------------------------------------------------- comments */

static JsonObject *
comment_to_json (SandboxServer  *self,
                 SandboxComment *comment)
{
  JsonObject *obj = json_object_new ();
  JsonObject *author = json_object_new ();
  SandboxUser *user = sandbox_server_find_user (self, comment->author_id);
  g_autofree char *created = sandbox_format_time (comment->created_ms);

  json_object_set_string_member (obj, "id", comment->id);
  json_object_set_string_member (author, "id", comment->author_id);
  if (user != NULL)
    {
      json_object_set_string_member (author, "email", user->email);
      json_object_set_string_member (author, "name", user->name);
    }
  json_object_set_object_member (obj, "author", author);
  json_object_set_string_member (obj, "text", comment->text);
  json_object_set_string_member (obj, "createdTime", created);
  if (comment->updated_ms > 0)
    {
      g_autofree char *updated = sandbox_format_time (comment->updated_ms);

      json_object_set_string_member (obj, "lastUpdatedTime", updated);
    }
  else
    json_object_set_null_member (obj, "lastUpdatedTime");
  if (comment->parent_id != NULL)
    json_object_set_string_member (obj, "parentCommentId", comment->parent_id);

  /* "mentioned": every known user written as @[usr…] in the text, keyed by
   * id (Airtable's user-mentioned model). */
  {
    JsonObject *mentioned = NULL;
    const char *p = comment->text;

    while ((p = strstr (p, "@[usr")) != NULL)
      {
        const char *close = strchr (p, ']');
        g_autofree char *id = close != NULL ? g_strndup (p + 2, close - (p + 2)) : NULL;
        SandboxUser *who = id != NULL ? sandbox_server_find_user (self, id) : NULL;

        p += 2;
        if (who == NULL || !g_str_equal (who->id, id))
          continue;
        if (mentioned == NULL)
          mentioned = json_object_new ();
        if (!json_object_has_member (mentioned, who->id))
          {
            JsonObject *m = json_object_new ();

            json_object_set_string_member (m, "type", "user");
            json_object_set_string_member (m, "id", who->id);
            json_object_set_string_member (m, "displayName", who->name);
            json_object_set_string_member (m, "email", who->email);
            json_object_set_object_member (mentioned, who->id, m);
          }
      }
    if (mentioned != NULL)
      json_object_set_object_member (obj, "mentioned", mentioned);
  }
  return obj;
}

static SandboxComment *
find_comment (SandboxRecord *record,
              const char    *comment_id,
              guint         *out_index)
{
  for (guint i = 0; record->comments != NULL && i < record->comments->len; i++)
    {
      SandboxComment *comment = record->comments->pdata[i];

      if (g_str_equal (comment->id, comment_id))
        {
          *out_index = i;
          return comment;
        }
    }
  return NULL;
}

/* PATCH and DELETE …/comments/{id}: only the comment's author may (the API
 * says users can change and delete only the comments they created); anyone
 * else gets 403 INVALID_PERMISSIONS, see README. */
void
_sandbox_records_handle_comment_change (SandboxServer     *self,
                                        SoupServerMessage *msg,
                                        SandboxAuth       *auth,
                                        SandboxRecord     *record,
                                        const char        *comment_id)
{
  const char *method = soup_server_message_get_method (msg);
  guint index = 0;
  SandboxComment *comment = find_comment (record, comment_id, &index);

  if (comment == NULL)
    {
      sandbox_respond_error (msg, 404, "MODEL_ID_NOT_FOUND", "Comment not found");
      return;
    }
  if (!g_str_equal (comment->author_id, auth->user->id))
    {
      sandbox_respond_error (msg, 403, "INVALID_PERMISSIONS", "You are not permitted to perform this operation");
      return;
    }

  if (g_str_equal (method, "DELETE"))
    {
      g_autoptr(JsonObject) reply = json_object_new ();

      json_object_set_string_member (reply, "id", comment->id);
      json_object_set_boolean_member (reply, "deleted", TRUE);
      g_ptr_array_remove_index (record->comments, index);
      sandbox_server_changed (self);
      sandbox_respond_object (msg, 200, reply);
      return;
    }

  {
    SoupMessageBody *raw = soup_server_message_get_request_body (msg);
    g_autoptr(JsonNode) body_node = NULL;
    g_autoptr(JsonObject) updated = NULL;
    JsonNode *text;

    if (raw == NULL || raw->length == 0)
      {
        sandbox_respond_invalid_request (msg);
        return;
      }
    body_node = sandbox_parse_body (msg, raw, TRUE);
    if (body_node == NULL)
      return;
    text = json_object_get_member (json_node_get_object (body_node), "text");
    if (!sandbox_node_is_type (text, G_TYPE_STRING) || *json_node_get_string (text) == '\0')
      {
        sandbox_respond_invalid_request (msg);
        return;
      }
    g_free (comment->text);
    comment->text = g_strdup (json_node_get_string (text));
    comment->updated_ms = MAX (g_get_real_time () / 1000, comment->created_ms + 1);
    updated = comment_to_json (self, comment);
    sandbox_server_changed (self);
    sandbox_respond_object (msg, 200, updated);
  }
}

void
_sandbox_records_handle_comments (SandboxServer     *self,
                                  SoupServerMessage *msg,
                                  SandboxAuth       *auth,
                                  SandboxTable      *table,
                                  SandboxRecord     *record,
                                  GPtrArray         *query)
{
  const char *method = soup_server_message_get_method (msg);
  g_autoptr(JsonObject) reply = json_object_new ();

  if (g_str_equal (method, "GET"))
    {
      JsonArray *out = json_array_new ();
      gint64 page_size = 100;
      const char *offset = sandbox_query_get (query, "offset");
      const char *ps = sandbox_query_get (query, "pageSize");
      guint n = record->comments != NULL ? record->comments->len : 0;
      gint start = (gint) n - 1;

      if (ps != NULL && (!_sandbox_records_parse_int (ps, &page_size) || page_size < 1 || page_size > 100))
        {
          json_array_unref (out);
          sandbox_respond_error (msg, 422, "INVALID_PAGE_SIZE", "Invalid pageSize: \"%s\" (must be from 1 to 100)", ps);
          return;
        }
      if (offset != NULL)
        {
          gboolean found = FALSE;

          for (guint i = 0; i < n; i++)
            if (g_str_equal (((SandboxComment *) record->comments->pdata[i])->id, offset))
              {
                start = (gint) i;
                found = TRUE;
              }
          if (!found)
            {
              json_array_unref (out);
              sandbox_respond_error (msg, 422, "INVALID_OFFSET_VALUE", "The value of offset %s is invalid", offset);
              return;
            }
        }
      /* newest first */
      for (gint i = start; i >= 0 && json_array_get_length (out) < (guint) page_size; i--, start--)
        json_array_add_object_element (out, comment_to_json (self, record->comments->pdata[i]));
      json_object_set_array_member (reply, "comments", out);
      if (start >= 0)
        json_object_set_string_member (reply, "offset", ((SandboxComment *) record->comments->pdata[start])->id);
      else
        json_object_set_null_member (reply, "offset");
      sandbox_respond_object (msg, 200, reply);
      return;
    }

  if (g_str_equal (method, "POST"))
    {
      SoupMessageBody *raw = soup_server_message_get_request_body (msg);
      g_autoptr(JsonNode) body_node = NULL;
      JsonObject *body;
      JsonNode *text, *parent;
      SandboxComment *comment;
      g_autoptr(JsonObject) created = NULL;

      if (raw == NULL || raw->length == 0)
        {
          sandbox_respond_invalid_request (msg);
          return;
        }
      body_node = sandbox_parse_body (msg, raw, TRUE);
      if (body_node == NULL)
        return;
      body = json_node_get_object (body_node);
      text = json_object_get_member (body, "text");
      parent = json_object_get_member (body, "parentCommentId");
      if (!sandbox_node_is_type (text, G_TYPE_STRING) || *json_node_get_string (text) == '\0'
                                 || (parent != NULL && !JSON_NODE_HOLDS_NULL (parent) && !sandbox_node_is_type (parent, G_TYPE_STRING)))
        {
          sandbox_respond_invalid_request (msg);
          return;
        }
      comment = g_new0 (SandboxComment, 1);
      comment->id = sandbox_new_id ("com");
      comment->author_id = g_strdup (auth->user->id);
      comment->text = g_strdup (json_node_get_string (text));
      comment->parent_id = sandbox_node_is_type (parent, G_TYPE_STRING) ? g_strdup (json_node_get_string (parent)) : NULL;
      comment->created_ms = g_get_real_time () / 1000;
      sandbox_record_add_comment (record, comment);
      created = comment_to_json (self, comment);
      sandbox_server_changed (self);
      sandbox_respond_object (msg, 200, created);
      return;
    }
  sandbox_respond_not_found (msg);
}

/* ------------------------------------------------------- uploadAttachment */

/* POST /v0/{base}/{record}/{field}/uploadAttachment (Airtable's upload-attachment endpoint; on
 * content.airtable.com in reality, on the same URL here). The bytes are
 * kept in memory and served from /__sandbox/attachments/{att}/{filename}. */
void
_sandbox_records_handle_upload (SandboxServer     *self,
                                SoupServerMessage *msg,
                                SandboxBase       *base,
                                const char        *record_id,
                                const char        *field_name)
{
  SandboxTable *table = NULL;
  SandboxRecord *record = NULL;
  SandboxField *field;
  g_autoptr(JsonNode) body_node = NULL;
  JsonObject *body;
  JsonNode *ctype, *fname, *file;
  g_autofree guchar *data = NULL;
  gsize len = 0;
  JsonObject *att;
  g_autofree char *url = NULL;
  g_autofree char *escaped = NULL;
  JsonNode *cell;
  JsonArray *array;
  g_autoptr(JsonNode) value = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonObject) fields = NULL;
  g_autofree char *created = NULL;

  for (guint i = 0; i < base->tables->len && record == NULL; i++)
    {
      table = base->tables->pdata[i];
      record = g_hash_table_lookup (table->records_by_id, record_id);
    }
  if (record == NULL)
    {
      _sandbox_records_respond_record_not_found (msg);
      return;
    }
  field = sandbox_table_find_field (table, field_name);
  if (field == NULL || !g_str_equal (field->type, "multipleAttachments"))
    {
      sandbox_respond_error (msg, 422, "INVALID_ATTACHMENT_FIELD", "Field \"%s\" is not an attachment field", field_name);
      return;
    }
  body_node = sandbox_parse_body (msg, soup_server_message_get_request_body (msg), TRUE);
  if (body_node == NULL)
    return;
  body = json_node_get_object (body_node);
  ctype = json_object_get_member (body, "contentType");
  fname = json_object_get_member (body, "filename");
  file = json_object_get_member (body, "file");
  if (!sandbox_node_is_type (ctype, G_TYPE_STRING) || !sandbox_node_is_type (fname, G_TYPE_STRING) || !sandbox_node_is_type (file, G_TYPE_STRING)
      || *json_node_get_string (fname) == '\0')
    {
      sandbox_respond_invalid_request (msg);
      return;
    }
  data = g_base64_decode (json_node_get_string (file), &len);

  escaped = g_uri_escape_string (json_node_get_string (fname), NULL, FALSE);
  att = sandbox_attachment_new ("", json_node_get_string (fname), json_node_get_string (ctype), (gint64) len);
  url = g_strdup_printf ("/__sandbox/attachments/%s/%s", json_object_get_string_member (att, "id"), escaped);
  json_object_set_string_member (att, "url", url);
  if (json_object_has_member (att, "thumbnails"))
    json_object_remove_member (att, "thumbnails");
  g_hash_table_insert (self->uploads, g_strdup (json_object_get_string_member (att, "id")),
                       g_bytes_new_take (g_steal_pointer (&data), len));
  g_hash_table_insert (self->upload_types, g_strdup (json_object_get_string_member (att, "id")),
                       g_strdup (json_node_get_string (ctype)));

  cell = json_object_get_member (record->cells, field->id);
  array = json_array_new ();
  for (guint i = 0; cell != NULL && JSON_NODE_HOLDS_ARRAY (cell) && i < json_array_get_length (json_node_get_array (cell)); i++)
    json_array_add_element (array, json_node_copy (json_array_get_element (json_node_get_array (cell), i)));
  json_array_add_object_element (array, att);
  value = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (value, array);
  sandbox_record_set_cell (self, table, record, field, value);
  record->modified_ms = g_get_real_time () / 1000;
  g_free (record->modified_by);
  record->modified_by = g_strdup (self->acting_user_id);
  sandbox_server_changed (self);

  reply = json_object_new ();
  fields = json_object_new ();
  created = sandbox_format_time (record->created_ms);
  json_object_set_string_member (reply, "id", record->id);
  json_object_set_string_member (reply, "createdTime", created);
  json_object_set_member (fields, field->id, sandbox_record_get_cell (self, table, record, field));
  json_object_set_object_member (reply, "fields", g_steal_pointer (&fields));
  sandbox_respond_object (msg, 200, reply);
}
