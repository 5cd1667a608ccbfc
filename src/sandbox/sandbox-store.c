/* sandbox-store.c — users, bases, tables, fields and records: their
 * lifecycle, lookups and JSON form
 *
 * Records keep only writable cells (keyed by field id) in one JsonObject;
 * computed cells are worked out when read (sandbox-store-read.c), written
 * cells are checked and converted by sandbox-store-write.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox-store-private.h"

const char * const _sandbox_store_select_colors[] = {
  "blueLight2", "cyanLight2", "tealLight2", "greenLight2", "yellowLight2",
  "orangeLight2", "redLight2", "pinkLight2", "purpleLight2", "grayLight2",
};

const char * const _sandbox_store_computed_types[] = {
  "formula", "rollup", "count", "multipleLookupValues", "autoNumber", "createdTime",
  "lastModifiedTime", "createdBy", "lastModifiedBy", "button", "aiText",
  "externalSyncSource", NULL,
};

const char * const _sandbox_store_known_types[] = {
  "singleLineText", "multilineText", "richText", "email", "url", "phoneNumber",
  "number", "percent", "currency", "duration", "rating", "checkbox", "singleSelect",
  "multipleSelects", "singleCollaborator", "multipleCollaborators", "multipleRecordLinks",
  "date", "dateTime", "multipleAttachments", "barcode", NULL,
};

/* ---------------------------------------------------------------- helpers */

gboolean
_sandbox_store_type_in (const char          *type,
                        const char * const  *list)
{
  return g_strv_contains (list, type);
}

gboolean
sandbox_field_is_computed (SandboxField *field)
{
  return _sandbox_store_type_in (field->type, _sandbox_store_computed_types);
}

/* ------------------------------------------------------------- lifecycle */

void
sandbox_pat_free (SandboxPat *pat)
{
  if (pat == NULL)
    return;
  g_free (pat->token);
  g_free (pat->name);
  g_strfreev (pat->scopes);
  g_free (pat);
}

SandboxUser *
sandbox_user_new (const char *email,
                  const char *name)
{
  SandboxUser *user = g_new0 (SandboxUser, 1);

  user->id = sandbox_new_id ("usr");
  user->email = g_strdup (email);
  user->name = g_strdup (name);
  user->workspace_id = sandbox_new_id ("wsp");
  user->workspace_name = g_strdup_printf ("%s's workspace", name);
  user->pats = g_ptr_array_new_with_free_func ((GDestroyNotify) sandbox_pat_free);
  return user;
}

void
sandbox_user_free (SandboxUser *user)
{
  if (user == NULL)
    return;
  g_free (user->id);
  g_free (user->email);
  g_free (user->name);
  g_free (user->workspace_id);
  g_free (user->workspace_name);
  g_ptr_array_unref (user->pats);
  g_free (user);
}

SandboxPat *
sandbox_user_add_pat (SandboxUser        *user,
                      const char         *name,
                      const char * const *scopes)
{
  SandboxPat *pat = g_new0 (SandboxPat, 1);

  pat->token = sandbox_new_pat ();
  pat->name = g_strdup (name);
  pat->scopes = g_strdupv ((char **) scopes);
  g_ptr_array_add (user->pats, pat);
  return pat;
}

static void
field_free (SandboxField *field)
{
  g_free (field->id);
  g_free (field->name);
  g_free (field->type);
  g_free (field->description);
  g_clear_pointer (&field->options, json_object_unref);
  g_clear_pointer (&field->formula, sandbox_formula_free);
  g_free (field);
}

static void
view_free (SandboxView *view)
{
  g_free (view->id);
  g_free (view->name);
  g_free (view->type);
  g_free (view->filter);
  g_clear_pointer (&view->sort, json_array_unref);
  g_strfreev (view->hidden_field_ids);
  g_free (view);
}

void
_sandbox_store_comment_free (SandboxComment *comment)
{
  g_free (comment->id);
  g_free (comment->author_id);
  g_free (comment->text);
  g_free (comment->parent_id);
  g_free (comment);
}

void
sandbox_record_free (SandboxRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->id);
  g_free (record->created_by);
  g_free (record->modified_by);
  json_object_unref (record->cells);
  g_clear_pointer (&record->comments, g_ptr_array_unref);
  g_free (record);
}

SandboxBase *
sandbox_base_new (const char  *name,
                  SandboxUser *owner)
{
  SandboxBase *base = g_new0 (SandboxBase, 1);

  base->id = sandbox_new_id ("app");
  base->name = g_strdup (name);
  base->owner_id = g_strdup (owner != NULL ? owner->id : "");
  base->access = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (owner != NULL)
    g_hash_table_insert (base->access, g_strdup (owner->id), g_strdup ("create"));
  base->tables = g_ptr_array_new_with_free_func ((GDestroyNotify) sandbox_table_free);
  return base;
}

void
sandbox_base_free (SandboxBase *base)
{
  if (base == NULL)
    return;
  g_free (base->id);
  g_free (base->name);
  g_free (base->owner_id);
  g_hash_table_unref (base->access);
  sandbox_webhooks_free_base (base);
  g_ptr_array_unref (base->tables);
  g_free (base->generated_spec);
  g_free (base);
}

SandboxTable *
sandbox_table_new (SandboxBase *base,
                   const char  *name)
{
  SandboxTable *table = g_new0 (SandboxTable, 1);

  table->id = sandbox_new_id ("tbl");
  table->name = g_strdup (name);
  table->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) field_free);
  table->views = g_ptr_array_new_with_free_func ((GDestroyNotify) view_free);
  table->records = g_ptr_array_new_with_free_func ((GDestroyNotify) sandbox_record_free);
  table->records_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  table->next_autonumber = 1;
  table->base = base;
  if (base != NULL)
    g_ptr_array_add (base->tables, table);
  return table;
}

void
sandbox_table_free (SandboxTable *table)
{
  if (table == NULL)
    return;
  g_free (table->id);
  g_free (table->name);
  g_free (table->description);
  g_free (table->primary_field_id);
  g_hash_table_unref (table->records_by_id);
  g_ptr_array_unref (table->records);
  g_ptr_array_unref (table->views);
  g_ptr_array_unref (table->fields);
  g_free (table);
}

SandboxField *
sandbox_table_add_field (SandboxTable *table,
                         const char   *name,
                         const char   *type,
                         JsonObject   *options)
{
  SandboxField *field = g_new0 (SandboxField, 1);

  field->id = sandbox_new_id ("fld");
  field->name = g_strdup (name);
  field->type = g_strdup (type);
  field->options = options != NULL ? json_object_ref (options) : NULL;
  g_ptr_array_add (table->fields, field);
  if (table->primary_field_id == NULL)
    table->primary_field_id = g_strdup (field->id);
  return field;
}

SandboxView *
sandbox_table_add_view (SandboxTable *table,
                        const char   *name,
                        const char   *type)
{
  SandboxView *view = g_new0 (SandboxView, 1);

  view->id = sandbox_new_id ("viw");
  view->name = g_strdup (name);
  view->type = g_strdup (type);
  g_ptr_array_add (table->views, view);
  return view;
}

SandboxRecord *
sandbox_record_new (SandboxTable *table)
{
  SandboxRecord *record = g_new0 (SandboxRecord, 1);

  record->id = sandbox_new_id ("rec");
  record->created_ms = g_get_real_time () / 1000;
  record->autonumber = table->next_autonumber++;
  record->cells = json_object_new ();
  g_ptr_array_add (table->records, record);
  g_hash_table_insert (table->records_by_id, record->id, record);
  sandbox_changes_created (table, record);
  return record;
}

void
sandbox_table_remove_record (SandboxTable  *table,
                             SandboxRecord *record)
{
  sandbox_changes_destroyed (table, record);
  g_hash_table_remove (table->records_by_id, record->id);
  g_ptr_array_remove (table->records, record);
}

/* ---------------------------------------------------------------- lookups */

SandboxTable *
sandbox_base_find_table_by_id (SandboxBase *base,
                               const char  *id)
{
  for (guint i = 0; i < base->tables->len; i++)
    {
      SandboxTable *table = base->tables->pdata[i];

      if (g_str_equal (table->id, id))
        return table;
    }
  return NULL;
}

SandboxTable *
sandbox_base_find_table (SandboxBase *base,
                         const char  *id_or_name)
{
  SandboxTable *table = sandbox_base_find_table_by_id (base, id_or_name);

  if (table != NULL)
    return table;
  for (guint i = 0; i < base->tables->len; i++)
    {
      table = base->tables->pdata[i];
      if (g_str_equal (table->name, id_or_name))
        return table;
    }
  return NULL;
}

SandboxField *
sandbox_table_find_field (SandboxTable *table,
                          const char   *id_or_name)
{
  for (guint i = 0; i < table->fields->len; i++)
    {
      SandboxField *field = table->fields->pdata[i];

      if (g_str_equal (field->id, id_or_name))
        return field;
    }
  for (guint i = 0; i < table->fields->len; i++)
    {
      SandboxField *field = table->fields->pdata[i];

      if (g_str_equal (field->name, id_or_name))
        return field;
    }
  return NULL;
}

SandboxField *
sandbox_table_find_field_ci (SandboxTable *table,
                             const char   *name)
{
  g_autofree char *folded = g_utf8_casefold (name, -1);

  for (guint i = 0; i < table->fields->len; i++)
    {
      SandboxField *field = table->fields->pdata[i];
      g_autofree char *other = g_utf8_casefold (field->name, -1);

      if (g_str_equal (folded, other))
        return field;
    }
  return NULL;
}

SandboxView *
sandbox_table_find_view (SandboxTable *table,
                         const char   *id_or_name)
{
  for (guint i = 0; i < table->views->len; i++)
    {
      SandboxView *view = table->views->pdata[i];

      if (g_str_equal (view->id, id_or_name) || g_str_equal (view->name, id_or_name))
        return view;
    }
  return NULL;
}

SandboxField *
sandbox_table_primary_field (SandboxTable *table)
{
  return table->primary_field_id != NULL ? sandbox_table_find_field (table, table->primary_field_id) : NULL;
}

SandboxUser *
sandbox_server_find_user (SandboxServer *self,
                          const char    *id_or_email)
{
  for (guint i = 0; id_or_email != NULL && i < self->users->len; i++)
    {
      SandboxUser *user = self->users->pdata[i];

      if (g_str_equal (user->id, id_or_email) || g_ascii_strcasecmp (user->email, id_or_email) == 0)
        return user;
    }
  return NULL;
}

SandboxBase *
sandbox_server_find_base (SandboxServer *self,
                          const char    *id)
{
  for (guint i = 0; id != NULL && i < self->bases->len; i++)
    {
      SandboxBase *base = self->bases->pdata[i];

      if (g_str_equal (base->id, id))
        return base;
    }
  return NULL;
}

SandboxTable *
sandbox_server_find_table_by_id (SandboxServer *self,
                                 const char    *id)
{
  for (guint i = 0; id != NULL && i < self->bases->len; i++)
    {
      SandboxTable *table = sandbox_base_find_table_by_id (self->bases->pdata[i], id);

      if (table != NULL)
        return table;
    }
  return NULL;
}

const char *
_sandbox_store_option_string (SandboxField *field,
                              const char   *member)
{
  JsonNode *node;

  if (field->options == NULL)
    return NULL;
  node = json_object_get_member (field->options, member);
  return sandbox_node_is_string (node) ? json_node_get_string (node) : NULL;
}

double
_sandbox_store_option_number (SandboxField *field,
                              const char   *member,
                              double        fallback)
{
  JsonNode *node;

  if (field->options == NULL)
    return fallback;
  node = json_object_get_member (field->options, member);
  return sandbox_node_is_number (node) ? sandbox_node_number (node) : fallback;
}

/* ----------------------------------------------------------------- output */

JsonObject *
sandbox_record_to_json (SandboxServer *self,
                        SandboxTable  *table,
                        SandboxRecord *record,
                        GPtrArray     *only_fields,
                        gboolean       by_id,
                        gboolean       comment_count,
                        GTimeZone     *string_zone,
                        const char    *string_locale)
{
  JsonObject *obj = json_object_new ();
  JsonObject *fields = json_object_new ();
  g_autofree char *created = sandbox_format_time (record->created_ms);
  GPtrArray *list = only_fields != NULL ? only_fields : table->fields;

  json_object_set_string_member (obj, "id", record->id);
  json_object_set_string_member (obj, "createdTime", created);
  for (guint i = 0; i < list->len; i++)
    {
      SandboxField *field = list->pdata[i];
      JsonNode *value;

      if (!sandbox_field_is_computed (field) && !json_object_has_member (record->cells, field->id))
        continue;
      value = sandbox_record_get_cell (self, table, record, field);
      if (value == NULL)
        continue;
      if (string_zone != NULL)
        {
          g_autofree char *text = sandbox_cell_to_display (self, table, field, value, string_zone, string_locale);

          json_node_unref (value);
          if (*text == '\0')
            continue;
          value = sandbox_string_node (text);
        }
      json_object_set_member (fields, by_id ? field->id : field->name, value);
    }
  json_object_set_object_member (obj, "fields", fields);
  if (comment_count)
    json_object_set_int_member (obj, "commentCount", record->comments != NULL ? record->comments->len : 0);
  return obj;
}

JsonObject *
sandbox_field_to_json (SandboxField *field)
{
  JsonObject *obj = json_object_new ();

  json_object_set_string_member (obj, "type", field->type);
  json_object_set_string_member (obj, "id", field->id);
  json_object_set_string_member (obj, "name", field->name);
  if (field->description != NULL)
    json_object_set_string_member (obj, "description", field->description);
  if (field->options != NULL && json_object_get_size (field->options) > 0)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

      json_node_set_object (node, field->options);
      json_object_set_member (obj, "options", json_node_copy (node));
    }
  return obj;
}

JsonObject *
sandbox_table_to_json (SandboxTable *table,
                       gboolean      visible_field_ids)
{
  JsonObject *obj = json_object_new ();
  JsonArray *fields = json_array_new ();
  JsonArray *views = json_array_new ();

  json_object_set_string_member (obj, "id", table->id);
  json_object_set_string_member (obj, "name", table->name);
  if (table->description != NULL)
    json_object_set_string_member (obj, "description", table->description);
  json_object_set_string_member (obj, "primaryFieldId", table->primary_field_id);
  for (guint i = 0; i < table->fields->len; i++)
    json_array_add_object_element (fields, sandbox_field_to_json (table->fields->pdata[i]));
  for (guint i = 0; i < table->views->len; i++)
    {
      SandboxView *view = table->views->pdata[i];
      JsonObject *v = json_object_new ();

      json_object_set_string_member (v, "id", view->id);
      json_object_set_string_member (v, "name", view->name);
      json_object_set_string_member (v, "type", view->type);
      if (visible_field_ids && g_str_equal (view->type, "grid"))
        {
          JsonArray *ids = json_array_new ();

          for (guint f = 0; f < table->fields->len; f++)
            {
              SandboxField *field = table->fields->pdata[f];

              if (!sandbox_strv_contains (view->hidden_field_ids, field->id))
                json_array_add_string_element (ids, field->id);
            }
          json_object_set_array_member (v, "visibleFieldIds", ids);
        }
      json_array_add_object_element (views, v);
    }
  json_object_set_array_member (obj, "fields", fields);
  json_object_set_array_member (obj, "views", views);
  return obj;
}

void
sandbox_record_add_comment (SandboxRecord  *record,
                            SandboxComment *comment)
{
  if (record->comments == NULL)
    record->comments = g_ptr_array_new_with_free_func ((GDestroyNotify) _sandbox_store_comment_free);
  g_ptr_array_add (record->comments, comment);
}
