/* hangar-client-comments.c — HangarClient's comments: one page of a
 * record's comments, editing and deleting a comment
 *
 * Listing every page and creating a comment are in hangar-client.c.
 * Airtable: https://airtable.com/developers/web/api/list-comments,
 * …/update-comment, …/delete-comment.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hangar-client-private.h"
#include "hangar-error.h"
#include "hangar-ids.h"

typedef struct
{
  GPtrArray *comments;
  char      *offset;
} CommentPage;

static void
comment_page_free (gpointer data)
{
  CommentPage *page = data;

  g_clear_pointer (&page->comments, g_ptr_array_unref);
  g_free (page->offset);
  g_free (page);
}

static void
page_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) notes = NULL;
  CommentPage *page;
  GError *error = NULL;
  const char *offset;
  gboolean ok;

  root = _hangar_client_send_finish (HANGAR_CLIENT (object), result, NULL, &notes, &error);
  if (root == NULL)
    {
      g_task_return_error (task, _hangar_client_redact_error (error));
      return;
    }
  _hangar_client_log_notes (notes);
  page = g_new0 (CommentPage, 1);
  page->comments = hangar_comment_list_from_json (root, &error);
  if (page->comments == NULL)
    {
      comment_page_free (page);
      g_task_return_error (task, _hangar_client_redact_error (error));
      return;
    }
  offset = _hangar_client_get_offset_member (json_node_get_object (root), &ok, &error);
  if (!ok)
    {
      comment_page_free (page);
      g_task_return_error (task, _hangar_client_redact_error (error));
      return;
    }
  page->offset = g_strdup (offset);
  g_task_return_pointer (task, page, comment_page_free);
}

/**
 * hangar_client_list_comments_page_async:
 * @self: a #HangarClient
 * @base_id: the base
 * @table: a table id or name
 * @record_id: the record
 * @page_size: comments per page, 1 to 100 (0: Airtable's default, 100)
 * @offset: (nullable): where the page starts, from the previous page
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the page
 * @user_data: data for @callback
 *
 * One page of the record's comments, newest first, as Airtable pages them.
 */
void
hangar_client_list_comments_page_async (HangarClient        *self,
                                        const char          *base_id,
                                        const char          *table,
                                        const char          *record_id,
                                        guint                page_size,
                                        const char          *offset,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GString) query = g_string_new (NULL);
  GError *error = NULL;
  HangarClientCall *call;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && table != NULL && record_id != NULL);

  if (!_hangar_client_check_ids (&error, "base", base_id, "table", table, "record", record_id, NULL))
    {
      _hangar_client_fail_early (self, hangar_client_list_comments_page_async, error, callback, user_data);
      return;
    }

  if (page_size > 0)
    g_string_append_printf (query, "pageSize=%u", MIN (page_size, 100));
  if (offset != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (offset, NULL, FALSE);

      g_string_append_printf (query, "%soffset=%s", query->len > 0 ? "&" : "", escaped);
    }

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_client_list_comments_page_async);
  g_task_set_check_cancellable (task, FALSE);
  call = _hangar_client_call_new ("GET", _hangar_client_records_path (base_id, table, record_id, "/comments"),
                                  g_string_free (g_steal_pointer (&query), FALSE), NULL, base_id, TRUE);
  _hangar_client_call_set_max_bytes (call, HANGAR_ANSWER_MAX_COMMENTS_PAGE);
  _hangar_client_send_async (self, call, cancellable, page_done_cb, g_steal_pointer (&task));
}

/**
 * hangar_client_list_comments_page_finish:
 * @self: a #HangarClient
 * @result: the result
 * @out_offset: (out) (transfer full) (nullable): where the next page
 *   starts, %NULL after the last page
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type HangarComment): the page, newest
 *   first
 */
GPtrArray *
hangar_client_list_comments_page_finish (HangarClient  *self,
                                         GAsyncResult  *result,
                                         char         **out_offset,
                                         GError       **error)
{
  CommentPage *page;
  GPtrArray *comments;

  g_return_val_if_fail (HANGAR_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hangar_client_list_comments_page_async, NULL);

  if (out_offset != NULL)
    *out_offset = NULL;
  page = g_task_propagate_pointer (G_TASK (result), error);
  if (page == NULL)
    return NULL;
  comments = g_steal_pointer (&page->comments);
  if (out_offset != NULL)
    *out_offset = g_steal_pointer (&page->offset);
  comment_page_free (page);
  return comments;
}

static gpointer
parse_comment (JsonNode   *root,
               GPtrArray  *notes,
               GError    **error)
{
  JsonObject *object;

  _hangar_client_log_notes (notes);
  if (!_hangar_client_check_object_root (root, "comment", &object, error))
    return NULL;
  return hangar_comment_new_from_json (object, error);
}

/**
 * hangar_client_update_comment_async:
 * @self: a #HangarClient
 * @base_id: the base
 * @table: a table id or name
 * @record_id: the record
 * @comment_id: the comment (Airtable lets its author change it only)
 * @text: the new text (mentions as `@[usr…]`)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the changed comment
 * @user_data: data for @callback
 */
void
hangar_client_update_comment_async (HangarClient        *self,
                                    const char          *base_id,
                                    const char          *table,
                                    const char          *record_id,
                                    const char          *comment_id,
                                    const char          *text,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *escaped = NULL;
  g_autofree char *suffix = NULL;
  GError *error = NULL;
  HangarClientCall *call;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && table != NULL && record_id != NULL && comment_id != NULL && text != NULL);

  if (!_hangar_client_check_ids (&error, "base", base_id, "table", table, "record", record_id,
                                 "comment", comment_id, NULL))
    {
      _hangar_client_fail_early (self, hangar_client_update_comment_async, error, callback, user_data);
      return;
    }

  json_object_set_string_member (body, "text", text);
  escaped = hangar_escape_segment (comment_id);
  suffix = g_strconcat ("/comments/", escaped, NULL);
  /* Sending the same text twice changes nothing: safe to re-send. */
  call = _hangar_client_call_new ("PATCH", _hangar_client_records_path (base_id, table, record_id, suffix),
                                  NULL, _hangar_client_object_to_bytes (body), base_id, TRUE);
  _hangar_client_call_set_max_bytes (call, HANGAR_ANSWER_MAX_RECORD);
  _hangar_client_run_simple (self, call, hangar_client_update_comment_async, parse_comment, g_object_unref,
                             cancellable, callback, user_data);
}

/** hangar_client_update_comment_finish: Returns: (transfer full): the comment as changed */
HangarComment *
hangar_client_update_comment_finish (HangarClient  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return _hangar_client_finish_simple (self, result, hangar_client_update_comment_async, error);
}

static gpointer
parse_deleted (JsonNode   *root,
               GPtrArray  *notes,
               GError    **error)
{
  JsonObject *object;
  JsonNode *deleted;

  _hangar_client_log_notes (notes);
  if (!_hangar_client_check_object_root (root, "delete", &object, error))
    return NULL;
  deleted = json_object_get_member (object, "deleted");
  if (deleted == NULL || !JSON_NODE_HOLDS_VALUE (deleted) ||
      json_node_get_value_type (deleted) != G_TYPE_BOOLEAN || !json_node_get_boolean (deleted))
    {
      g_set_error_literal (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE,
                           _("The delete answer does not say “deleted”: true"));
      return NULL;
    }
  return GINT_TO_POINTER (TRUE);
}

/**
 * hangar_client_delete_comment_async:
 * @self: a #HangarClient
 * @base_id: the base
 * @table: a table id or name
 * @record_id: the record
 * @comment_id: the comment (its author's own, unless an enterprise admin)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when it is deleted
 * @user_data: data for @callback
 */
void
hangar_client_delete_comment_async (HangarClient        *self,
                                    const char          *base_id,
                                    const char          *table,
                                    const char          *record_id,
                                    const char          *comment_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autofree char *escaped = NULL;
  g_autofree char *suffix = NULL;
  GError *error = NULL;
  HangarClientCall *call;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && table != NULL && record_id != NULL && comment_id != NULL);

  if (!_hangar_client_check_ids (&error, "base", base_id, "table", table, "record", record_id,
                                 "comment", comment_id, NULL))
    {
      _hangar_client_fail_early (self, hangar_client_delete_comment_async, error, callback, user_data);
      return;
    }

  escaped = hangar_escape_segment (comment_id);
  suffix = g_strconcat ("/comments/", escaped, NULL);
  call = _hangar_client_call_new ("DELETE", _hangar_client_records_path (base_id, table, record_id, suffix),
                                  NULL, NULL, base_id, TRUE);
  _hangar_client_call_set_max_bytes (call, HANGAR_ANSWER_MAX_DELETE);
  _hangar_client_run_simple (self, call, hangar_client_delete_comment_async, parse_deleted, NULL,
                             cancellable, callback, user_data);
}

/** hangar_client_delete_comment_finish: Returns: TRUE when the comment was deleted */
gboolean
hangar_client_delete_comment_finish (HangarClient  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return _hangar_client_finish_simple (self, result, hangar_client_delete_comment_async, error) != NULL;
}
