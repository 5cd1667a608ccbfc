/* sandbox-store-state.c — the store in and out of the state file
 * (--state-dir)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox-store-private.h"

/* ------------------------------------------------------------ persistence */

static JsonNode *
strv_node (char **strv)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_array_add_string_element (array, strv[i]);
  json_node_take_array (node, array);
  return node;
}

static char **
node_strv (JsonNode *node)
{
  GPtrArray *out = g_ptr_array_new ();

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
      {
        JsonNode *item = json_array_get_element (json_node_get_array (node), i);

        if (sandbox_node_is_string (item))
          g_ptr_array_add (out, g_strdup (json_node_get_string (item)));
      }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

JsonNode *
sandbox_store_serialize (SandboxServer *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "webhook_clock_offset_ms");
  json_builder_add_int_value (b, self->webhook_clock_offset_ms);

  json_builder_set_member_name (b, "users");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->users->len; i++)
    {
      SandboxUser *user = self->users->pdata[i];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, user->id);
      json_builder_set_member_name (b, "email");
      json_builder_add_string_value (b, user->email);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, user->name);
      json_builder_set_member_name (b, "workspace_id");
      json_builder_add_string_value (b, user->workspace_id);
      json_builder_set_member_name (b, "workspace_name");
      json_builder_add_string_value (b, user->workspace_name);
      json_builder_set_member_name (b, "pats");
      json_builder_begin_array (b);
      for (guint j = 0; j < user->pats->len; j++)
        {
          SandboxPat *pat = user->pats->pdata[j];

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "token");
          json_builder_add_string_value (b, pat->token);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, pat->name);
          json_builder_set_member_name (b, "scopes");
          json_builder_add_value (b, strv_node (pat->scopes));
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "bases");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->bases->len; i++)
    {
      SandboxBase *base = self->bases->pdata[i];
      GHashTableIter iter;
      gpointer key, value;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, base->id);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, base->name);
      json_builder_set_member_name (b, "owner_id");
      json_builder_add_string_value (b, base->owner_id);
      json_builder_set_member_name (b, "access");
      json_builder_begin_object (b);
      g_hash_table_iter_init (&iter, base->access);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          json_builder_set_member_name (b, key);
          json_builder_add_string_value (b, value);
        }
      json_builder_end_object (b);
      if (base->generated_spec != NULL)
        {
          json_builder_set_member_name (b, "generated_spec");
          json_builder_add_string_value (b, base->generated_spec);
        }
      sandbox_webhooks_serialize_base (self, base, b);
      json_builder_set_member_name (b, "tables");
      json_builder_begin_array (b);
      for (guint t = 0; base->generated_spec == NULL && t < base->tables->len; t++)
        {
          SandboxTable *table = base->tables->pdata[t];

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "id");
          json_builder_add_string_value (b, table->id);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, table->name);
          if (table->description != NULL)
            {
              json_builder_set_member_name (b, "description");
              json_builder_add_string_value (b, table->description);
            }
          json_builder_set_member_name (b, "primary_field_id");
          json_builder_add_string_value (b, table->primary_field_id);
          json_builder_set_member_name (b, "next_autonumber");
          json_builder_add_int_value (b, table->next_autonumber);

          json_builder_set_member_name (b, "fields");
          json_builder_begin_array (b);
          for (guint f = 0; f < table->fields->len; f++)
            json_builder_add_value (b, json_node_init_object (json_node_alloc (), sandbox_field_to_json (table->fields->pdata[f])));
          json_builder_end_array (b);

          json_builder_set_member_name (b, "views");
          json_builder_begin_array (b);
          for (guint v = 0; v < table->views->len; v++)
            {
              SandboxView *view = table->views->pdata[v];

              json_builder_begin_object (b);
              json_builder_set_member_name (b, "id");
              json_builder_add_string_value (b, view->id);
              json_builder_set_member_name (b, "name");
              json_builder_add_string_value (b, view->name);
              json_builder_set_member_name (b, "type");
              json_builder_add_string_value (b, view->type);
              if (view->filter != NULL)
                {
                  json_builder_set_member_name (b, "filter");
                  json_builder_add_string_value (b, view->filter);
                }
              if (view->sort != NULL)
                {
                  JsonNode *n = json_node_new (JSON_NODE_ARRAY);

                  json_node_set_array (n, view->sort);
                  json_builder_set_member_name (b, "sort");
                  json_builder_add_value (b, n);
                }
              if (view->hidden_field_ids != NULL)
                {
                  json_builder_set_member_name (b, "hidden");
                  json_builder_add_value (b, strv_node (view->hidden_field_ids));
                }
              json_builder_end_object (b);
            }
          json_builder_end_array (b);

          json_builder_set_member_name (b, "records");
          json_builder_begin_array (b);
          for (guint r = 0; r < table->records->len; r++)
            {
              SandboxRecord *record = table->records->pdata[r];
              JsonNode *cells = json_node_new (JSON_NODE_OBJECT);

              json_builder_begin_object (b);
              json_builder_set_member_name (b, "id");
              json_builder_add_string_value (b, record->id);
              json_builder_set_member_name (b, "created_ms");
              json_builder_add_int_value (b, record->created_ms);
              json_builder_set_member_name (b, "autonumber");
              json_builder_add_int_value (b, record->autonumber);
              if (record->modified_ms != 0)
                {
                  json_builder_set_member_name (b, "modified_ms");
                  json_builder_add_int_value (b, record->modified_ms);
                }
              if (record->created_by != NULL)
                {
                  json_builder_set_member_name (b, "created_by");
                  json_builder_add_string_value (b, record->created_by);
                }
              if (record->modified_by != NULL)
                {
                  json_builder_set_member_name (b, "modified_by");
                  json_builder_add_string_value (b, record->modified_by);
                }
              json_node_set_object (cells, record->cells);
              json_builder_set_member_name (b, "cells");
              json_builder_add_value (b, cells);
              if (record->comments != NULL && record->comments->len > 0)
                {
                  json_builder_set_member_name (b, "comments");
                  json_builder_begin_array (b);
                  for (guint c = 0; c < record->comments->len; c++)
                    {
                      SandboxComment *comment = record->comments->pdata[c];

                      json_builder_begin_object (b);
                      json_builder_set_member_name (b, "id");
                      json_builder_add_string_value (b, comment->id);
                      json_builder_set_member_name (b, "author_id");
                      json_builder_add_string_value (b, comment->author_id);
                      json_builder_set_member_name (b, "text");
                      json_builder_add_string_value (b, comment->text);
                      if (comment->parent_id != NULL)
                        {
                          json_builder_set_member_name (b, "parent_id");
                          json_builder_add_string_value (b, comment->parent_id);
                        }
                      json_builder_set_member_name (b, "created_ms");
                      json_builder_add_int_value (b, comment->created_ms);
                      json_builder_set_member_name (b, "updated_ms");
                      json_builder_add_int_value (b, comment->updated_ms);
                      json_builder_end_object (b);
                    }
                  json_builder_end_array (b);
                }
              json_builder_end_object (b);
            }
          json_builder_end_array (b);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static const char *
get_str (JsonObject *obj,
         const char *member)
{
  JsonNode *node = json_object_get_member (obj, member);

  return sandbox_node_is_string (node) ? json_node_get_string (node) : NULL;
}

static gint64
get_int (JsonObject *obj,
         const char *member)
{
  JsonNode *node = json_object_get_member (obj, member);

  return sandbox_node_is_type (node, G_TYPE_INT64) ? json_node_get_int (node) : 0;
}

static JsonArray *
get_array (JsonObject *obj,
           const char *member)
{
  JsonNode *node = json_object_get_member (obj, member);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonObject *
get_object (JsonArray *array,
            guint      i)
{
  JsonNode *node = json_array_get_element (array, i);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

gboolean
sandbox_store_deserialize (SandboxServer *self,
                           JsonNode      *node,
                           GError       **error)
{
  JsonObject *root;
  JsonArray *users, *bases;

  /* everything below may rely on the shapes checked here */
  if (!_sandbox_store_check_state (node, error))
    return FALSE;
  root = json_node_get_object (node);
  users = get_array (root, "users");
  bases = get_array (root, "bases");
  if (users == NULL || bases == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "state lacks users or bases");
      return FALSE;
    }

  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonObject *u = get_object (users, i);
      SandboxUser *user;
      JsonArray *pats;

      if (u == NULL || get_str (u, "id") == NULL || get_str (u, "email") == NULL)
        continue;
      user = g_new0 (SandboxUser, 1);
      user->id = g_strdup (get_str (u, "id"));
      user->email = g_strdup (get_str (u, "email"));
      user->name = g_strdup (get_str (u, "name") != NULL ? get_str (u, "name") : user->email);
      user->workspace_id = g_strdup (get_str (u, "workspace_id") != NULL ? get_str (u, "workspace_id") : "wspUnknown0000000");
      user->workspace_name = g_strdup (get_str (u, "workspace_name") != NULL ? get_str (u, "workspace_name") : "Workspace");
      user->pats = g_ptr_array_new_with_free_func ((GDestroyNotify) sandbox_pat_free);
      pats = get_array (u, "pats");
      for (guint j = 0; pats != NULL && j < json_array_get_length (pats); j++)
        {
          JsonObject *p = get_object (pats, j);
          SandboxPat *pat;

          if (p == NULL || get_str (p, "token") == NULL)
            continue;
          pat = g_new0 (SandboxPat, 1);
          pat->token = g_strdup (get_str (p, "token"));
          pat->name = g_strdup (get_str (p, "name") != NULL ? get_str (p, "name") : "token");
          pat->scopes = node_strv (json_object_get_member (p, "scopes"));
          g_ptr_array_add (user->pats, pat);
        }
      g_ptr_array_add (self->users, user);
    }

  for (guint i = 0; i < json_array_get_length (bases); i++)
    {
      JsonObject *bo = get_object (bases, i);
      SandboxBase *base;
      JsonNode *access;
      JsonArray *tables;

      if (bo == NULL || get_str (bo, "id") == NULL)
        continue;
      base = sandbox_base_new (get_str (bo, "name") != NULL ? get_str (bo, "name") : "Base", NULL);
      g_free (base->id);
      base->id = g_strdup (get_str (bo, "id"));
      g_free (base->owner_id);
      base->owner_id = g_strdup (get_str (bo, "owner_id") != NULL ? get_str (bo, "owner_id") : "");
      base->generated_spec = g_strdup (get_str (bo, "generated_spec"));
      access = json_object_get_member (bo, "access");
      if (access != NULL && JSON_NODE_HOLDS_OBJECT (access))
        {
          GList *members = json_object_get_members (json_node_get_object (access));

          for (GList *l = members; l != NULL; l = l->next)
            {
              const char *level = get_str (json_node_get_object (access), l->data);

              if (level != NULL)
                g_hash_table_insert (base->access, g_strdup (l->data), g_strdup (level));
            }
          g_list_free (members);
        }
      g_ptr_array_add (self->bases, base);

      tables = get_array (bo, "tables");
      for (guint t = 0; tables != NULL && t < json_array_get_length (tables); t++)
        {
          JsonObject *to = get_object (tables, t);
          SandboxTable *table;
          JsonArray *fields, *views, *records;

          if (to == NULL || get_str (to, "id") == NULL)
            continue;
          table = sandbox_table_new (base, get_str (to, "name") != NULL ? get_str (to, "name") : "Table");
          g_free (table->id);
          table->id = g_strdup (get_str (to, "id"));
          table->description = g_strdup (get_str (to, "description"));
          table->next_autonumber = MAX (1, get_int (to, "next_autonumber"));

          fields = get_array (to, "fields");
          for (guint f = 0; fields != NULL && f < json_array_get_length (fields); f++)
            {
              JsonObject *fo = get_object (fields, f);
              SandboxField *field;
              JsonNode *options;

              if (fo == NULL || get_str (fo, "id") == NULL || get_str (fo, "type") == NULL)
                continue;
              options = json_object_get_member (fo, "options");
              field = sandbox_table_add_field (table, get_str (fo, "name") != NULL ? get_str (fo, "name") : "Field",
                                               get_str (fo, "type"),
                                               options != NULL && JSON_NODE_HOLDS_OBJECT (options) ? json_node_get_object (options) : NULL);
              if (field->options != NULL)
                {
                  /* own a private copy: options are edited in place by typecast */
                  JsonNode *copy = json_node_copy (options);

                  json_object_unref (field->options);
                  field->options = json_object_ref (json_node_get_object (copy));
                  json_node_unref (copy);
                }
              g_free (field->id);
              field->id = g_strdup (get_str (fo, "id"));
              field->description = g_strdup (get_str (fo, "description"));
            }
          g_free (table->primary_field_id);
          table->primary_field_id = g_strdup (get_str (to, "primary_field_id"));
          if (table->primary_field_id == NULL && table->fields->len > 0)
            table->primary_field_id = g_strdup (((SandboxField *) table->fields->pdata[0])->id);

          views = get_array (to, "views");
          for (guint v = 0; views != NULL && v < json_array_get_length (views); v++)
            {
              JsonObject *vo = get_object (views, v);
              SandboxView *view;
              JsonArray *sort;

              if (vo == NULL || get_str (vo, "id") == NULL)
                continue;
              view = sandbox_table_add_view (table, get_str (vo, "name") != NULL ? get_str (vo, "name") : "Grid view",
                                             get_str (vo, "type") != NULL ? get_str (vo, "type") : "grid");
              g_free (view->id);
              view->id = g_strdup (get_str (vo, "id"));
              view->filter = g_strdup (get_str (vo, "filter"));
              sort = get_array (vo, "sort");
              if (sort != NULL)
                {
                  JsonNode *copy = json_node_copy (json_object_get_member (vo, "sort"));

                  view->sort = json_array_ref (json_node_get_array (copy));
                  json_node_unref (copy);
                }
              if (json_object_has_member (vo, "hidden"))
                view->hidden_field_ids = node_strv (json_object_get_member (vo, "hidden"));
            }

          records = get_array (to, "records");
          for (guint r = 0; records != NULL && r < json_array_get_length (records); r++)
            {
              JsonObject *ro = get_object (records, r);
              SandboxRecord *record;
              JsonNode *cells;
              JsonArray *comments;

              if (ro == NULL || get_str (ro, "id") == NULL)
                continue;
              record = g_new0 (SandboxRecord, 1);
              record->id = g_strdup (get_str (ro, "id"));
              record->created_ms = get_int (ro, "created_ms");
              record->autonumber = get_int (ro, "autonumber");
              record->modified_ms = get_int (ro, "modified_ms");
              record->created_by = g_strdup (get_str (ro, "created_by"));
              record->modified_by = g_strdup (get_str (ro, "modified_by"));
              cells = json_object_get_member (ro, "cells");
              if (cells != NULL && JSON_NODE_HOLDS_OBJECT (cells))
                {
                  JsonNode *copy = json_node_copy (cells);

                  record->cells = json_object_ref (json_node_get_object (copy));
                  json_node_unref (copy);
                }
              else
                record->cells = json_object_new ();
              comments = get_array (ro, "comments");
              for (guint c = 0; comments != NULL && c < json_array_get_length (comments); c++)
                {
                  JsonObject *co = get_object (comments, c);
                  SandboxComment *comment;

                  if (co == NULL || get_str (co, "id") == NULL)
                    continue;
                  comment = g_new0 (SandboxComment, 1);
                  comment->id = g_strdup (get_str (co, "id"));
                  comment->author_id = g_strdup (get_str (co, "author_id") != NULL ? get_str (co, "author_id") : "");
                  comment->text = g_strdup (get_str (co, "text") != NULL ? get_str (co, "text") : "");
                  comment->parent_id = g_strdup (get_str (co, "parent_id"));
                  comment->created_ms = get_int (co, "created_ms");
                  comment->updated_ms = get_int (co, "updated_ms");
                  if (record->comments == NULL)
                    record->comments = g_ptr_array_new_with_free_func ((GDestroyNotify) _sandbox_store_comment_free);
                  g_ptr_array_add (record->comments, comment);
                }
              g_ptr_array_add (table->records, record);
              g_hash_table_insert (table->records_by_id, record->id, record);
            }
        }
      if (!sandbox_webhooks_deserialize_base (self, base, bo, error))
        {
          g_prefix_error (error, "bases[%u].", i);
          return FALSE;
        }
    }
  self->webhook_clock_offset_ms = get_int (root, "webhook_clock_offset_ms");
  return self->users->len > 0;
}
