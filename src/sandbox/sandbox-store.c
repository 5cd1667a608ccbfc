/* sandbox-store.c — users, bases, tables, fields, records and the cell rules
 *
 * Records keep only writable cells (keyed by field id) in one JsonObject;
 * computed cells (formula, rollup, count, lookup, autoNumber, createdTime)
 * are worked out when read.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox-private.h"

typedef struct
{
  SandboxServer *self;
  SandboxTable  *table;
  SandboxRecord *record;
} FormulaCtx;

static int formula_depth;

static JsonObject *collaborator_object (SandboxUser *user);

static const char * const select_colors[] = {
  "blueLight2", "cyanLight2", "tealLight2", "greenLight2", "yellowLight2",
  "orangeLight2", "redLight2", "pinkLight2", "purpleLight2", "grayLight2",
};

static const char * const computed_types[] = {
  "formula", "rollup", "count", "multipleLookupValues", "autoNumber", "createdTime",
  "lastModifiedTime", "createdBy", "lastModifiedBy", "button", "aiText",
  "externalSyncSource", NULL,
};

static const char * const known_types[] = {
  "singleLineText", "multilineText", "richText", "email", "url", "phoneNumber",
  "number", "percent", "currency", "duration", "rating", "checkbox", "singleSelect",
  "multipleSelects", "singleCollaborator", "multipleCollaborators", "multipleRecordLinks",
  "date", "dateTime", "multipleAttachments", "barcode", NULL,
};

/* ---------------------------------------------------------------- helpers */

static gboolean
node_is_type (JsonNode *node,
              GType     type)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

static gboolean
node_is_string (JsonNode *node)
{
  return node_is_type (node, G_TYPE_STRING);
}

static gboolean
node_is_number (JsonNode *node)
{
  return node_is_type (node, G_TYPE_INT64) || node_is_type (node, G_TYPE_DOUBLE);
}

static double
node_number (JsonNode *node)
{
  if (node_is_type (node, G_TYPE_INT64))
    return (double) json_node_get_int (node);
  return json_node_get_double (node);
}

static JsonNode *
number_node (double value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  if (value == floor (value) && fabs (value) < 9e15)
    json_node_set_int (node, (gint64) value);
  else
    json_node_set_double (node, value);
  return node;
}

static JsonNode *
string_node (const char *value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, value);
  return node;
}

static gboolean
node_is_empty (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (node_is_string (node))
    return *json_node_get_string (node) == '\0';
  if (node_is_type (node, G_TYPE_BOOLEAN))
    return !json_node_get_boolean (node);
  if (JSON_NODE_HOLDS_ARRAY (node))
    return json_array_get_length (json_node_get_array (node)) == 0;
  return FALSE;
}

static gboolean
type_in (const char          *type,
         const char * const  *list)
{
  return g_strv_contains (list, type);
}

gboolean
sandbox_field_is_computed (SandboxField *field)
{
  return type_in (field->type, computed_types);
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

static void
comment_free (SandboxComment *comment)
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
  return record;
}

void
sandbox_table_remove_record (SandboxTable  *table,
                             SandboxRecord *record)
{
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

static const char *
option_string (SandboxField *field,
               const char   *member)
{
  JsonNode *node;

  if (field->options == NULL)
    return NULL;
  node = json_object_get_member (field->options, member);
  return node_is_string (node) ? json_node_get_string (node) : NULL;
}

static double
option_number (SandboxField *field,
               const char   *member,
               double        fallback)
{
  JsonNode *node;

  if (field->options == NULL)
    return fallback;
  node = json_object_get_member (field->options, member);
  return node_is_number (node) ? node_number (node) : fallback;
}

/* ---------------------------------------------------------------- formula */

gboolean
sandbox_field_resolve_cb (const char  *name_or_id,
                          const char **out_id,
                          const char **out_type,
                          gpointer     data)
{
  SandboxTable *table = data;
  SandboxField *field = sandbox_table_find_field (table, name_or_id);

  if (field == NULL)
    return FALSE;
  *out_id = field->id;
  *out_type = field->type;
  return TRUE;
}

SandboxFormula *
sandbox_table_parse_formula (SandboxServer *self,
                             SandboxTable  *table,
                             const char    *text,
                             GError       **error)
{
  return sandbox_formula_parse (text, sandbox_field_resolve_cb, table, error);
}

static JsonNode *
formula_view_of (FormulaCtx   *ctx,
                 SandboxField *field,
                 JsonNode     *value)
{
  /* Links appear as the linked records' primary values, collaborators as
   * names, attachments as file names: how Airtable formulas see them. */
  if (value == NULL || !JSON_NODE_HOLDS_ARRAY (value))
    {
      if (value != NULL && JSON_NODE_HOLDS_OBJECT (value) && g_str_equal (field->type, "singleCollaborator"))
        {
          JsonNode *name = json_object_get_member (json_node_get_object (value), "name");
          JsonNode *copy = name != NULL ? json_node_copy (name) : NULL;

          json_node_unref (value);
          return copy;
        }
      if (value != NULL && JSON_NODE_HOLDS_OBJECT (value) && g_str_equal (field->type, "barcode"))
        {
          JsonNode *text = json_object_get_member (json_node_get_object (value), "text");
          JsonNode *copy = text != NULL ? json_node_copy (text) : NULL;

          json_node_unref (value);
          return copy;
        }
      return value;
    }

  if (g_str_equal (field->type, "multipleRecordLinks")
      || g_str_equal (field->type, "multipleCollaborators")
      || g_str_equal (field->type, "multipleAttachments"))
    {
      JsonArray *in = json_node_get_array (value);
      JsonArray *out = json_array_new ();
      JsonNode *result = json_node_new (JSON_NODE_ARRAY);
      SandboxTable *linked = NULL;

      if (g_str_equal (field->type, "multipleRecordLinks"))
        linked = sandbox_server_find_table_by_id (ctx->self, option_string (field, "linkedTableId"));

      for (guint i = 0; i < json_array_get_length (in); i++)
        {
          JsonNode *item = json_array_get_element (in, i);

          if (linked != NULL && node_is_string (item))
            {
              SandboxRecord *other = g_hash_table_lookup (linked->records_by_id, json_node_get_string (item));
              SandboxField *primary = sandbox_table_primary_field (linked);
              g_autoptr(JsonNode) pv = NULL;
              g_autofree char *text = NULL;

              if (other == NULL || primary == NULL)
                continue;
              pv = sandbox_record_get_cell (ctx->self, linked, other, primary);
              text = sandbox_cell_to_string (ctx->self, linked, primary, pv, NULL);
              json_array_add_string_element (out, text);
            }
          else if (JSON_NODE_HOLDS_OBJECT (item))
            {
              JsonObject *obj = json_node_get_object (item);
              const char *key = g_str_equal (field->type, "multipleAttachments") ? "filename" : "name";

              if (json_object_has_member (obj, key) && node_is_string (json_object_get_member (obj, key)))
                json_array_add_string_element (out, json_object_get_string_member (obj, key));
            }
        }
      json_node_take_array (result, out);
      json_node_unref (value);
      return result;
    }
  return value;
}

JsonNode *
sandbox_formula_cell_cb (const char *field_id,
                         gpointer    data)
{
  FormulaCtx *ctx = data;
  SandboxField *field;

  if (g_str_equal (field_id, SANDBOX_FORMULA_CREATED_TIME) || g_str_equal (field_id, SANDBOX_FORMULA_LAST_MODIFIED_TIME))
    {
      gboolean created = g_str_equal (field_id, SANDBOX_FORMULA_CREATED_TIME) || ctx->record->modified_ms == 0;
      g_autofree char *text = sandbox_format_time (created ? ctx->record->created_ms : ctx->record->modified_ms);

      return string_node (text);
    }
  field = sandbox_table_find_field (ctx->table, field_id);
  if (field == NULL)
    return NULL;
  return formula_view_of (ctx, field, sandbox_record_get_cell (ctx->self, ctx->table, ctx->record, field));
}

gboolean
sandbox_record_matches (SandboxServer  *self,
                        SandboxTable   *table,
                        SandboxRecord  *record,
                        SandboxFormula *formula,
                        GDateTime      *now)
{
  FormulaCtx ctx = { self, table, record };

  return sandbox_formula_matches (formula, sandbox_formula_cell_cb, &ctx, record->id, now);
}

/* ------------------------------------------------------------- cell reads */

static JsonNode *
linked_values (SandboxServer *self,
               SandboxTable  *table,
               SandboxRecord *record,
               SandboxField  *field,
               gboolean       flatten)
{
  const char *link_id = option_string (field, "recordLinkFieldId");
  const char *target_id = option_string (field, "fieldIdInLinkedTable");
  SandboxField *link = link_id != NULL ? sandbox_table_find_field (table, link_id) : NULL;
  SandboxTable *linked;
  SandboxField *target;
  JsonNode *links;
  JsonArray *out;
  JsonNode *result;

  if (link == NULL || target_id == NULL)
    return NULL;
  linked = sandbox_server_find_table_by_id (self, option_string (link, "linkedTableId"));
  if (linked == NULL || (target = sandbox_table_find_field (linked, target_id)) == NULL)
    return NULL;
  links = json_object_get_member (record->cells, link->id);
  if (links == NULL || !JSON_NODE_HOLDS_ARRAY (links))
    return NULL;

  out = json_array_new ();
  for (guint i = 0; i < json_array_get_length (json_node_get_array (links)); i++)
    {
      const char *rid = json_array_get_string_element (json_node_get_array (links), i);
      SandboxRecord *other = rid != NULL ? g_hash_table_lookup (linked->records_by_id, rid) : NULL;
      JsonNode *value;

      if (other == NULL)
        continue;
      value = sandbox_record_get_cell (self, linked, other, target);
      if (value == NULL)
        continue;
      if (flatten && JSON_NODE_HOLDS_ARRAY (value))
        {
          for (guint j = 0; j < json_array_get_length (json_node_get_array (value)); j++)
            json_array_add_element (out, json_node_copy (json_array_get_element (json_node_get_array (value), j)));
          json_node_unref (value);
        }
      else
        json_array_add_element (out, value);
    }
  result = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (result, out);
  return result;
}

/* JSON has no NaN or Infinity: such formula results read as
 * {"specialValue":"NaN"} / {"specialValue":"Infinity"}. */
static JsonNode *
finite_or_special (JsonNode *node)
{
  if (node != NULL && node_is_type (node, G_TYPE_DOUBLE) && !isfinite (json_node_get_double (node)))
    {
      double v = json_node_get_double (node);
      JsonObject *obj = json_object_new ();

      json_object_set_string_member (obj, "specialValue", isnan (v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
      json_node_unref (node);
      node = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (node, obj);
    }
  else if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (node_is_type (item, G_TYPE_DOUBLE) && !isfinite (json_node_get_double (item)))
            json_node_init_null (item);
        }
    }
  return node;
}

static JsonNode *
computed_cell (SandboxServer *self,
               SandboxTable  *table,
               SandboxRecord *record,
               SandboxField  *field)
{
  if (g_str_equal (field->type, "autoNumber"))
    return number_node ((double) record->autonumber);

  if (g_str_equal (field->type, "lastModifiedTime"))
    {
      /* any cell of the record (the sandbox does not narrow it to referencedFieldIds) */
      g_autofree char *text = sandbox_format_time (record->modified_ms != 0 ? record->modified_ms : record->created_ms);

      return string_node (text);
    }

  if (g_str_equal (field->type, "createdBy") || g_str_equal (field->type, "lastModifiedBy"))
    {
      const char *id = g_str_equal (field->type, "createdBy") || record->modified_by == NULL
                       ? record->created_by : record->modified_by;
      SandboxUser *user;
      JsonNode *node;

      if (id == NULL)
        id = table->base->owner_id;   /* demo and generated records: the base's owner */
      user = sandbox_server_find_user (self, id);

      if (user == NULL)
        return NULL;
      node = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (node, collaborator_object (user));
      return node;
    }

  if (g_str_equal (field->type, "createdTime"))
    {
      g_autofree char *text = sandbox_format_time (record->created_ms);

      return string_node (text);
    }

  if (g_str_equal (field->type, "count"))
    {
      const char *link_id = option_string (field, "recordLinkFieldId");
      SandboxField *link = link_id != NULL ? sandbox_table_find_field (table, link_id) : NULL;
      g_autoptr(JsonNode) links = link != NULL ? sandbox_record_get_cell (self, table, record, link) : NULL;

      return number_node (links != NULL && JSON_NODE_HOLDS_ARRAY (links)
                          ? json_array_get_length (json_node_get_array (links)) : 0);
    }

  if (g_str_equal (field->type, "multipleLookupValues"))
    return linked_values (self, table, record, field, TRUE);

  if (g_str_equal (field->type, "rollup"))
    {
      /* The sandbox's rollups sum numbers and join anything else. */
      g_autoptr(JsonNode) values = linked_values (self, table, record, field, TRUE);
      JsonArray *array;
      double sum = 0;
      gboolean numeric = TRUE;
      g_autoptr(GString) joined = g_string_new (NULL);

      if (values == NULL)
        return number_node (0);
      array = json_node_get_array (values);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (node_is_number (item))
            sum += node_number (item);
          else
            numeric = FALSE;
          if (node_is_string (item))
            g_string_append_printf (joined, "%s%s", joined->len ? ", " : "", json_node_get_string (item));
        }
      if (numeric)
        return number_node (sum);
      return string_node (joined->str);
    }

  if (g_str_equal (field->type, "formula"))
    {
      FormulaCtx ctx = { self, table, record };
      g_autoptr(GDateTime) now = NULL;
      JsonNode *result;

      if (formula_depth > 8)
        {
          JsonObject *err = json_object_new ();

          result = json_node_new (JSON_NODE_OBJECT);
          json_object_set_string_member (err, "error", "#ERROR!");
          json_node_take_object (result, err);
          return result;
        }
      if (field->formula == NULL && !field->formula_failed)
        {
          const char *text = option_string (field, "formula");

          field->formula = text != NULL ? sandbox_table_parse_formula (self, table, text, NULL) : NULL;
          field->formula_failed = field->formula == NULL;
        }
      if (field->formula == NULL)
        {
          JsonObject *err = json_object_new ();

          result = json_node_new (JSON_NODE_OBJECT);
          json_object_set_string_member (err, "error", "#ERROR!");
          json_node_take_object (result, err);
          return result;
        }
      now = g_date_time_new_now_utc ();
      formula_depth++;
      result = sandbox_formula_evaluate (field->formula, sandbox_formula_cell_cb, &ctx, record->id, now);
      formula_depth--;
      return finite_or_special (result);
    }

  return NULL;
}

static char *
attachment_url (SandboxServer *self,
                const char    *stored)
{
  if (stored != NULL && g_str_has_prefix (stored, "/__sandbox/"))
    return g_strconcat (self->url != NULL ? self->url : "", stored, NULL);
  return g_strdup (stored);
}

static JsonNode *
absolute_attachments (SandboxServer *self,
                      JsonNode      *value)
{
  JsonArray *in = json_node_get_array (value);
  JsonArray *out = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < json_array_get_length (in); i++)
    {
      JsonObject *src = json_array_get_object_element (in, i);
      JsonObject *copy = json_object_new ();
      GList *members = json_object_get_members (src);

      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *m = json_object_get_member (src, l->data);

          if (g_str_equal (l->data, "url") && node_is_string (m))
            {
              g_autofree char *url = attachment_url (self, json_node_get_string (m));

              json_object_set_string_member (copy, "url", url);
            }
          else if (g_str_equal (l->data, "thumbnails") && JSON_NODE_HOLDS_OBJECT (m))
            {
              JsonObject *thumbs = json_node_get_object (m);
              JsonObject *tcopy = json_object_new ();
              GList *sizes = json_object_get_members (thumbs);

              for (GList *s = sizes; s != NULL; s = s->next)
                {
                  JsonObject *t = json_object_get_object_member (thumbs, s->data);
                  JsonObject *t2 = json_object_new ();

                  if (t != NULL)
                    {
                      g_autofree char *url = attachment_url (self, json_object_get_string_member_with_default (t, "url", ""));

                      json_object_set_string_member (t2, "url", url);
                      json_object_set_int_member (t2, "width", json_object_get_int_member_with_default (t, "width", 0));
                      json_object_set_int_member (t2, "height", json_object_get_int_member_with_default (t, "height", 0));
                    }
                  json_object_set_object_member (tcopy, s->data, t2);
                }
              g_list_free (sizes);
              json_object_set_object_member (copy, "thumbnails", tcopy);
            }
          else
            json_object_set_member (copy, l->data, json_node_copy (m));
        }
      g_list_free (members);
      json_array_add_object_element (out, copy);
    }
  json_node_take_array (node, out);
  return node;
}

JsonNode *
sandbox_record_get_cell (SandboxServer *self,
                         SandboxTable  *table,
                         SandboxRecord *record,
                         SandboxField  *field)
{
  JsonNode *stored;

  if (sandbox_field_is_computed (field))
    {
      JsonNode *value = computed_cell (self, table, record, field);

      if (value != NULL && node_is_empty (value))
        g_clear_pointer (&value, json_node_unref);
      return value;
    }

  stored = json_object_get_member (record->cells, field->id);
  if (stored == NULL)
    return NULL;

  if (g_str_equal (field->type, "multipleRecordLinks") && JSON_NODE_HOLDS_ARRAY (stored))
    {
      /* Drop links to records deleted since. */
      SandboxTable *linked = sandbox_server_find_table_by_id (self, option_string (field, "linkedTableId"));
      JsonArray *in = json_node_get_array (stored);
      JsonArray *out = json_array_new ();
      JsonNode *node;

      for (guint i = 0; i < json_array_get_length (in); i++)
        {
          const char *rid = json_array_get_string_element (in, i);

          if (linked != NULL && rid != NULL && g_hash_table_contains (linked->records_by_id, rid))
            json_array_add_string_element (out, rid);
        }
      if (json_array_get_length (out) == 0)
        {
          json_array_unref (out);
          return NULL;
        }
      node = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (node, out);
      return node;
    }

  if (g_str_equal (field->type, "multipleAttachments") && JSON_NODE_HOLDS_ARRAY (stored))
    return absolute_attachments (self, stored);

  return json_node_copy (stored);
}

static void
append_number (GString      *s,
               double        value,
               int           precision)
{
  g_autofree char *text = g_strdup_printf ("%.*f", precision, value);

  g_string_append (s, text);
}

/* ---------------------------------------------- cellFormat=string locales */

/* What userLocale changes in cellFormat=string (the sandbox's own choice;
 * Airtable calls its string format unstable): separators, the "local" and
 * "friendly" date formats, and the clock when a field names none. */
typedef enum { FRIENDLY_MDY, FRIENDLY_DMY, FRIENDLY_DMY_DOT } FriendlyStyle;

typedef struct
{
  const char         *decimal;
  const char         *group;
  const char         *local_date;   /* moment's "l" as a g_date_time_format pattern */
  FriendlyStyle       friendly;     /* moment's "LL" */
  const char * const *months;
  gboolean            h24;          /* default clock when a field has no timeFormat */
} StringLocale;

static const char * const months_en[] = { "January", "February", "March", "April", "May", "June", "July",
                                          "August", "September", "October", "November", "December" };
static const char * const months_de[] = { "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli",
                                          "August", "September", "Oktober", "November", "Dezember" };
static const char * const months_fr[] = { "janvier", "février", "mars", "avril", "mai", "juin", "juillet",
                                          "août", "septembre", "octobre", "novembre", "décembre" };

static const StringLocale locale_en_us = { ".", ",", "%-m/%-d/%Y", FRIENDLY_MDY, months_en, FALSE };
static const StringLocale locale_en_gb = { ".", ",", "%-d/%-m/%Y", FRIENDLY_DMY, months_en, TRUE };
static const StringLocale locale_de = { ",", ".", "%-d.%-m.%Y", FRIENDLY_DMY_DOT, months_de, TRUE };
/* French groups with a narrow no-break space (U+202F), as Intl does */
static const StringLocale locale_fr = { ",", "\xe2\x80\xaf", "%-d/%-m/%Y", FRIENDLY_DMY, months_fr, TRUE };

static gboolean
locale_is (const char *tag,
           const char *language)
{
  gsize n = strlen (language);

  return g_ascii_strncasecmp (tag, language, n) == 0 && (tag[n] == '\0' || tag[n] == '-' || tag[n] == '_');
}

/* en-us (and every locale not listed) · en-gb, en-au, en-nz, en-ie, en-za,
 * en-in · de-* · fr-*. */
static const StringLocale *
string_locale (const char *tag)
{
  static const char * const day_first_english[] = { "en-gb", "en-au", "en-nz", "en-ie", "en-za", "en-in" };

  if (tag == NULL)
    return &locale_en_us;
  for (guint i = 0; i < G_N_ELEMENTS (day_first_english); i++)
    if (g_ascii_strncasecmp (tag, day_first_english[i], 2) == 0 && strlen (tag) == 5
        && (tag[2] == '-' || tag[2] == '_') && g_ascii_strcasecmp (tag + 3, day_first_english[i] + 3) == 0)
      return &locale_en_gb;
  if (locale_is (tag, "de"))
    return &locale_de;
  if (locale_is (tag, "fr"))
    return &locale_fr;
  return &locale_en_us;
}

/* @value with @precision decimals, the locale's decimal mark, and (when
 * @group) thousands grouped: 1234567.5 → "1,234,567.50" / "1.234.567,50". */
static void
append_locale_number (GString            *s,
                      const StringLocale *loc,
                      double              value,
                      int                 precision,
                      gboolean            group)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE + 400];
  char format[16];
  const char *digits = buf;
  const char *dot;
  gsize int_len;

  g_snprintf (format, sizeof format, "%%.%df", CLAMP (precision, 0, 8));
  g_ascii_formatd (buf, sizeof buf, format, value);
  if (*digits == '-')
    {
      g_string_append_c (s, '-');
      digits++;
    }
  dot = strchr (digits, '.');
  int_len = dot != NULL ? (gsize) (dot - digits) : strlen (digits);
  for (gsize i = 0; i < int_len; i++)
    {
      if (group && i > 0 && (int_len - i) % 3 == 0)
        g_string_append (s, loc->group);
      g_string_append_c (s, digits[i]);
    }
  if (dot != NULL)
    {
      g_string_append (s, loc->decimal);
      g_string_append (s, dot + 1);
    }
}

/* The options that describe a date: the field's, or its result's
 * (createdTime, lastModifiedTime, formula). */
static JsonObject *
date_options (SandboxField *field)
{
  JsonNode *result;

  if (field->options == NULL)
    return NULL;
  result = json_object_get_member (field->options, "result");
  if (result != NULL && JSON_NODE_HOLDS_OBJECT (result))
    {
      JsonNode *options = json_object_get_member (json_node_get_object (result), "options");

      return options != NULL && JSON_NODE_HOLDS_OBJECT (options) ? json_node_get_object (options) : NULL;
    }
  return field->options;
}

static const char *
format_name (JsonObject *options,
             const char *member)
{
  JsonNode *node = options != NULL ? json_object_get_member (options, member) : NULL;
  JsonNode *name;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  name = json_object_get_member (json_node_get_object (node), "name");
  return node_is_string (name) ? json_node_get_string (name) : NULL;
}

static void
append_locale_date (GString            *s,
                    const StringLocale *loc,
                    JsonObject         *options,
                    GDateTime          *dt)
{
  const char *name = format_name (options, "dateFormat");
  g_autofree char *text = NULL;
  int day = g_date_time_get_day_of_month (dt);
  const char *month = loc->months[g_date_time_get_month (dt) - 1];
  int year = g_date_time_get_year (dt);

  if (g_strcmp0 (name, "iso") == 0)
    text = g_date_time_format (dt, "%Y-%m-%d");
  else if (g_strcmp0 (name, "us") == 0)
    text = g_date_time_format (dt, "%-m/%-d/%Y");
  else if (g_strcmp0 (name, "european") == 0)
    text = g_date_time_format (dt, "%-d/%-m/%Y");
  else if (g_strcmp0 (name, "friendly") == 0)
    switch (loc->friendly)
      {
      case FRIENDLY_MDY:
        text = g_strdup_printf ("%s %d, %d", month, day, year);
        break;
      case FRIENDLY_DMY:
        text = g_strdup_printf ("%d %s %d", day, month, year);
        break;
      case FRIENDLY_DMY_DOT:
      default:
        text = g_strdup_printf ("%d. %s %d", day, month, year);
        break;
      }
  else
    text = g_date_time_format (dt, loc->local_date);
  g_string_append (s, text);
}

static void
append_locale_time (GString            *s,
                    const StringLocale *loc,
                    JsonObject         *options,
                    GDateTime          *dt)
{
  const char *name = format_name (options, "timeFormat");
  gboolean h24 = name != NULL ? g_str_equal (name, "24hour") : loc->h24;
  int hour = g_date_time_get_hour (dt);
  int minute = g_date_time_get_minute (dt);

  /* by hand: %P follows the process's LC_TIME ("" in de_DE) */
  if (h24)
    g_string_append_printf (s, "%02d:%02d", hour, minute);
  else
    g_string_append_printf (s, "%d:%02d%s", hour % 12 == 0 ? 12 : hour % 12, minute, hour < 12 ? "am" : "pm");
}

/* A dateTime field's own time zone wins over the request's ("utc" or an
 * IANA name); "client" or none means the request's timeZone. */
static GTimeZone *
display_zone (JsonObject *options,
              GTimeZone  *request_zone)
{
  JsonNode *node = options != NULL ? json_object_get_member (options, "timeZone") : NULL;
  const char *name = node_is_string (node) ? json_node_get_string (node) : NULL;
  GTimeZone *zone;

  if (name != NULL && g_str_equal (name, "utc"))
    return g_time_zone_new_utc ();
  if (name != NULL && !g_str_equal (name, "client") && (zone = g_time_zone_new_identifier (name)) != NULL)
    return zone;
  return request_zone != NULL ? g_time_zone_ref (request_zone) : g_time_zone_new_utc ();
}

static void
append_duration (GString      *s,
                 SandboxField *field,
                 double        seconds)
{
  const char *format = option_string (field, "durationFormat");
  double whole;
  double frac;
  gint64 total;

  if (seconds < 0)
    {
      g_string_append_c (s, '-');
      seconds = -seconds;
    }
  frac = modf (seconds, &whole);
  total = (gint64) whole;
  if (format == NULL || g_str_equal (format, "h:mm"))
    {
      g_string_append_printf (s, "%" G_GINT64_FORMAT ":%02d", total / 3600, (int) (total / 60 % 60));
      return;
    }
  g_string_append_printf (s, "%" G_GINT64_FORMAT ":%02d:%02d", total / 3600, (int) (total / 60 % 60), (int) (total % 60));
  if (g_str_has_prefix (format, "h:mm:ss."))
    {
      int places = (int) strlen (format + strlen ("h:mm:ss."));
      g_autofree char *tail = g_strdup_printf ("%.*f", CLAMP (places, 1, 3), frac);

      g_string_append (s, strchr (tail, '.') != NULL ? strchr (tail, '.') : "");
    }
}

/* The cellFormat=string text of a scalar (number or date) in @loc; FALSE
 * when @value is not one this function formats. */
static gboolean
append_locale_scalar (GString            *s,
                      const StringLocale *loc,
                      SandboxField       *field,
                      JsonNode           *value,
                      GTimeZone          *zone)
{
  SandboxField result_view;
  JsonNode *result = NULL;

  /* formula, rollup and lookup values are shown as their result type */
  if (field->options != NULL
      && type_in (field->type, (const char * const[]) { "formula", "rollup", "multipleLookupValues", NULL }))
    result = json_object_get_member (field->options, "result");
  if (result != NULL && JSON_NODE_HOLDS_OBJECT (result))
    {
      JsonObject *r = json_node_get_object (result);
      const char *rtype = json_object_get_string_member_with_default (r, "type", NULL);
      JsonNode *roptions = json_object_get_member (r, "options");

      if (rtype != NULL)
        {
          result_view = *field;
          result_view.type = (char *) rtype;
          result_view.options = roptions != NULL && JSON_NODE_HOLDS_OBJECT (roptions) ? json_node_get_object (roptions) : NULL;
          field = &result_view;
        }
    }

  if (node_is_number (value))
    {
      double v = node_number (value);
      gboolean integral = v == floor (v) && fabs (v) < 1e15;
      int precision = (int) option_number (field, "precision", integral ? 0 : 2);

      if (g_str_equal (field->type, "currency"))
        {
          const char *symbol = option_string (field, "symbol");

          if (v < 0)
            g_string_append_c (s, '-');
          g_string_append (s, symbol != NULL ? symbol : "$");
          append_locale_number (s, loc, fabs (v), precision, TRUE);
        }
      else if (g_str_equal (field->type, "percent"))
        {
          append_locale_number (s, loc, v * 100, precision, TRUE);
          g_string_append_c (s, '%');
        }
      else if (g_str_equal (field->type, "duration"))
        append_duration (s, field, v);
      else if (g_str_equal (field->type, "number"))
        append_locale_number (s, loc, v, precision, TRUE);
      else
        /* counts, ratings, autonumbers, formula and rollup results */
        append_locale_number (s, loc, v, integral ? 0 : precision, FALSE);
      return TRUE;
    }

  if (node_is_string (value))
    {
      const char *text = json_node_get_string (value);
      JsonObject *options = date_options (field);
      gboolean date_field = g_str_equal (field->type, "date");
      gboolean time_field = g_str_equal (field->type, "dateTime") || g_str_equal (field->type, "createdTime")
                            || g_str_equal (field->type, "lastModifiedTime");
      gint64 ms;
      gboolean date_only;

      if ((date_field || time_field) && sandbox_parse_time (text, NULL, &ms, &date_only))
        {
          g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (ms / 1000);

          if (date_field || date_only)
            append_locale_date (s, loc, options, utc);
          else
            {
              g_autoptr(GTimeZone) tz = display_zone (options, zone);
              g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);

              append_locale_date (s, loc, options, local);
              g_string_append_c (s, ' ');
              append_locale_time (s, loc, options, local);
            }
          return TRUE;
        }
    }
  return FALSE;
}

static char *
cell_to_string (SandboxServer      *self,
                SandboxTable       *table,
                SandboxField       *field,
                JsonNode           *value,
                GTimeZone          *zone,
                const StringLocale *loc)
{
  GString *s = g_string_new (NULL);

  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return g_string_free (s, FALSE);

  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);
      SandboxTable *linked = NULL;
      SandboxField *primary = NULL;

      if (g_str_equal (field->type, "multipleRecordLinks"))
        {
          linked = sandbox_server_find_table_by_id (self, option_string (field, "linkedTableId"));
          primary = linked != NULL ? sandbox_table_primary_field (linked) : NULL;
        }
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);
          g_autofree char *text = NULL;

          if (primary != NULL && node_is_string (item))
            {
              SandboxRecord *other = g_hash_table_lookup (linked->records_by_id, json_node_get_string (item));
              g_autoptr(JsonNode) pv = other != NULL ? sandbox_record_get_cell (self, linked, other, primary) : NULL;

              text = cell_to_string (self, linked, primary, pv, zone, loc);
            }
          else if (JSON_NODE_HOLDS_OBJECT (item))
            {
              JsonObject *obj = json_node_get_object (item);

              if (json_object_has_member (obj, "filename"))
                text = g_strdup_printf ("%s (%s)", json_object_get_string_member_with_default (obj, "filename", ""),
                                        json_object_get_string_member_with_default (obj, "url", ""));
              else
                text = g_strdup (json_object_get_string_member_with_default (obj, "name", ""));
            }
          else if (loc != NULL && (node_is_number (item) || node_is_string (item)))
            {
              /* lookups and rollup arrays: the items in the locale too */
              g_autoptr(GString) one = g_string_new (NULL);

              if (!append_locale_scalar (one, loc, field, item, zone))
                g_string_append (one, node_is_string (item) ? json_node_get_string (item) : "");
              text = g_string_free (g_steal_pointer (&one), FALSE);
            }
          else if (node_is_number (item))
            text = g_strdup_printf ("%g", node_number (item));
          else if (node_is_string (item))
            text = g_strdup (json_node_get_string (item));
          else
            text = g_strdup ("");
          if (i > 0)
            g_string_append (s, ", ");
          g_string_append (s, text);
        }
      return g_string_free (s, FALSE);
    }

  if (JSON_NODE_HOLDS_OBJECT (value))
    {
      JsonObject *obj = json_node_get_object (value);

      if (json_object_has_member (obj, "name"))
        g_string_append (s, json_object_get_string_member_with_default (obj, "name", ""));
      else if (json_object_has_member (obj, "text"))
        g_string_append (s, json_object_get_string_member_with_default (obj, "text", ""));
      else if (json_object_has_member (obj, "error"))
        g_string_append (s, "#ERROR!");
      return g_string_free (s, FALSE);
    }

  if (node_is_type (value, G_TYPE_BOOLEAN))
    {
      g_string_append (s, json_node_get_boolean (value) ? "checked" : "");
      return g_string_free (s, FALSE);
    }

  if (loc != NULL && append_locale_scalar (s, loc, field, value, zone))
    return g_string_free (s, FALSE);

  if (node_is_number (value))
    {
      double v = node_number (value);
      int precision = (int) option_number (field, "precision", v == floor (v) ? 0 : 2);

      if (g_str_equal (field->type, "currency"))
        {
          g_string_append (s, option_string (field, "symbol") != NULL ? option_string (field, "symbol") : "$");
          append_number (s, v, precision);
        }
      else if (g_str_equal (field->type, "percent"))
        {
          append_number (s, v * 100, precision);
          g_string_append_c (s, '%');
        }
      else if (g_str_equal (field->type, "duration"))
        g_string_append_printf (s, "%d:%02d", (int) (v / 3600), (int) fmod (v / 60, 60));
      else if (v == floor (v) && fabs (v) < 1e15)
        g_string_append_printf (s, "%" G_GINT64_FORMAT, (gint64) v);
      else
        append_number (s, v, precision);
      return g_string_free (s, FALSE);
    }

  if (node_is_string (value))
    {
      const char *text = json_node_get_string (value);
      gint64 ms;
      gboolean date_only;

      if ((g_str_equal (field->type, "dateTime") || g_str_equal (field->type, "createdTime"))
          && sandbox_parse_time (text, NULL, &ms, &date_only) && !date_only)
        {
          g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (ms / 1000);
          g_autoptr(GDateTime) local = zone != NULL ? g_date_time_to_timezone (utc, zone) : g_date_time_ref (utc);
          g_autofree char *f = g_date_time_format (local, "%-m/%-d/%Y");
          int hour = g_date_time_get_hour (local);

          g_string_append_printf (s, "%s %d:%02d%s", f, hour % 12 == 0 ? 12 : hour % 12,
                                  g_date_time_get_minute (local), hour < 12 ? "am" : "pm");
        }
      else if (g_str_equal (field->type, "date") && sandbox_parse_time (text, NULL, &ms, &date_only))
        {
          g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (ms / 1000);
          g_autofree char *f = g_date_time_format (utc, "%-m/%-d/%Y");

          g_string_append (s, f);
        }
      else
        g_string_append (s, text);
    }
  return g_string_free (s, FALSE);
}

/* The plain text of a cell (sorting, formula lookups): no locale. */
char *
sandbox_cell_to_string (SandboxServer *self,
                        SandboxTable  *table,
                        SandboxField  *field,
                        JsonNode      *value,
                        GTimeZone     *zone)
{
  return cell_to_string (self, table, field, value, zone, NULL);
}

/* cellFormat=string: the cell as display text for @zone and @user_locale. */
char *
sandbox_cell_to_display (SandboxServer *self,
                         SandboxTable  *table,
                         SandboxField  *field,
                         JsonNode      *value,
                         GTimeZone     *zone,
                         const char    *user_locale)
{
  return cell_to_string (self, table, field, value, zone, string_locale (user_locale));
}

/* ----------------------------------------------------------- cell writes */

static gboolean
set_error (char      **type,
           char      **message,
           const char *t,
           char       *m)
{
  *type = g_strdup (t);
  *message = m;
  return FALSE;
}

static gboolean
bad_value (SandboxField *field,
           char        **type,
           char        **message)
{
  return set_error (type, message, "INVALID_VALUE_FOR_COLUMN",
                    g_strdup_printf ("Field \"%s\" cannot accept the provided value", field->name));
}

static char *
typecast_string (JsonNode *value)
{
  if (node_is_string (value))
    return g_strdup (json_node_get_string (value));
  if (node_is_type (value, G_TYPE_INT64))
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (value));
  if (node_is_type (value, G_TYPE_DOUBLE))
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      return g_strdup (g_ascii_dtostr (buf, sizeof buf, json_node_get_double (value)));
    }
  if (node_is_type (value, G_TYPE_BOOLEAN))
    return g_strdup (json_node_get_boolean (value) ? "true" : "false");
  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);
      GString *s = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *item = typecast_string (json_array_get_element (array, i));

          if (item == NULL)
            continue;
          if (s->len)
            g_string_append (s, ", ");
          g_string_append (s, item);
        }
      return g_string_free (s, FALSE);
    }
  return NULL;
}

static gboolean
typecast_number (JsonNode *value,
                 double   *out)
{
  if (node_is_number (value))
    {
      *out = node_number (value);
      return TRUE;
    }
  if (node_is_string (value))
    {
      g_autofree char *text = g_strstrip (g_strdup (json_node_get_string (value)));
      g_autoptr(GString) clean = g_string_new (NULL);
      char *end = NULL;

      for (const char *p = text; *p; p++)
        if (*p != ',' && *p != '$' && *p != ' ' && *p != '%')
          g_string_append_c (clean, *p);
      if (clean->len == 0)
        return FALSE;
      *out = g_ascii_strtod (clean->str, &end);
      return end != NULL && *end == '\0' && isfinite (*out);
    }
  if (node_is_type (value, G_TYPE_BOOLEAN))
    {
      *out = json_node_get_boolean (value) ? 1 : 0;
      return TRUE;
    }
  return FALSE;
}

/* typecast of a duration written as the UI shows it: "1:30" (h:mm),
 * "1:30:15" or "1:30:15.5" (h:mm:ss[.S…]) → seconds. */
static gboolean
typecast_duration (const char *text,
                   double     *out)
{
  g_auto(GStrv) parts = NULL;
  guint n;
  double total = 0;

  if (strchr (text, ':') == NULL)
    return FALSE;
  parts = g_strsplit (text, ":", -1);
  n = g_strv_length (parts);
  if (n < 2 || n > 3)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      char *end = NULL;
      double v;

      g_strstrip (parts[i]);
      if (parts[i][0] == '\0' || !g_ascii_isdigit (parts[i][0]))
        return FALSE;
      v = g_ascii_strtod (parts[i], &end);
      if (end == NULL || *end != '\0' || (i < n - 1 && v != floor (v)) || (i > 0 && v >= 60))
        return FALSE;
      total += v * (i == 0 ? 3600 : i == 1 ? 60 : 1);
    }
  *out = total;
  return TRUE;
}

static JsonArray *
field_choices (SandboxField *field)
{
  JsonNode *node;

  if (field->options == NULL)
    field->options = json_object_new ();
  node = json_object_get_member (field->options, "choices");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      json_object_set_array_member (field->options, "choices", json_array_new ());
      node = json_object_get_member (field->options, "choices");
    }
  return json_node_get_array (node);
}

static const char *
find_choice (SandboxField *field,
             const char   *name)
{
  JsonArray *choices = field_choices (field);

  for (guint i = 0; i < json_array_get_length (choices); i++)
    {
      JsonObject *choice = json_array_get_object_element (choices, i);
      const char *cname = json_object_get_string_member_with_default (choice, "name", "");

      if (g_str_equal (cname, name) || g_str_equal (json_object_get_string_member_with_default (choice, "id", ""), name))
        return cname;
    }
  return NULL;
}

static void
add_choice (SandboxField *field,
            const char   *name)
{
  JsonArray *choices = field_choices (field);
  JsonObject *choice = json_object_new ();
  g_autofree char *id = sandbox_new_id ("sel");

  json_object_set_string_member (choice, "id", id);
  json_object_set_string_member (choice, "name", name);
  json_object_set_string_member (choice, "color",
                                 select_colors[json_array_get_length (choices) % G_N_ELEMENTS (select_colors)]);
  json_array_add_object_element (choices, choice);
}

/* Checks a select value; with typecast unknown options are collected in
 * @new_options (created only when the whole request is valid). */
static gboolean
convert_choice (SandboxField *field,
                const char   *name,
                gboolean      typecast,
                GPtrArray    *new_options,
                const char  **out_name,
                char        **type,
                char        **message)
{
  const char *found = find_choice (field, name);

  if (found != NULL)
    {
      *out_name = found;
      return TRUE;
    }
  if (!typecast)
    return set_error (type, message, "INVALID_MULTIPLE_CHOICE_OPTIONS",
                      g_strdup_printf ("Insufficient permissions to create new select option \"%s\"", name));
  *out_name = name;
  if (new_options != NULL)
    g_ptr_array_add (new_options, g_strdup (name));
  return TRUE;
}

static JsonObject *
collaborator_object (SandboxUser *user)
{
  JsonObject *obj = json_object_new ();

  json_object_set_string_member (obj, "id", user->id);
  json_object_set_string_member (obj, "email", user->email);
  json_object_set_string_member (obj, "name", user->name);
  return obj;
}

static SandboxUser *
convert_collaborator (SandboxServer *self,
                      JsonNode      *item,
                      gboolean       typecast)
{
  if (node_is_string (item))
    return sandbox_server_find_user (self, json_node_get_string (item));
  if (item != NULL && JSON_NODE_HOLDS_OBJECT (item))
    {
      JsonObject *obj = json_node_get_object (item);
      JsonNode *id = json_object_get_member (obj, "id");
      JsonNode *email = json_object_get_member (obj, "email");

      if (node_is_string (id))
        return sandbox_server_find_user (self, json_node_get_string (id));
      if (node_is_string (email))
        return sandbox_server_find_user (self, json_node_get_string (email));
    }
  return NULL;
}

static const char *
guess_mime (const char *filename)
{
  const char *dot = strrchr (filename, '.');

  if (dot == NULL)
    return "application/octet-stream";
  if (g_ascii_strcasecmp (dot, ".png") == 0)
    return "image/png";
  if (g_ascii_strcasecmp (dot, ".jpg") == 0 || g_ascii_strcasecmp (dot, ".jpeg") == 0)
    return "image/jpeg";
  if (g_ascii_strcasecmp (dot, ".svg") == 0)
    return "image/svg+xml";
  if (g_ascii_strcasecmp (dot, ".pdf") == 0)
    return "application/pdf";
  if (g_ascii_strcasecmp (dot, ".txt") == 0 || g_ascii_strcasecmp (dot, ".md") == 0)
    return "text/plain";
  return "application/octet-stream";
}

static JsonObject *
new_attachment (const char *url,
                const char *filename)
{
  JsonObject *att = json_object_new ();
  g_autofree char *id = sandbox_new_id ("att");
  const char *mime;

  if (filename == NULL)
    {
      const char *slash = strrchr (url, '/');

      filename = slash != NULL && slash[1] ? slash + 1 : "file";
    }
  mime = guess_mime (filename);
  json_object_set_string_member (att, "id", id);
  json_object_set_string_member (att, "url", url);
  json_object_set_string_member (att, "filename", filename);
  json_object_set_int_member (att, "size", 1024 + (gint64) strlen (filename) * 37);
  json_object_set_string_member (att, "type", mime);
  if (g_str_has_prefix (mime, "image/"))
    {
      JsonObject *thumbs = json_object_new ();
      const struct { const char *name; int w, h; } sizes[] = {
        { "small", 36, 36 }, { "large", 512, 512 }, { "full", 3000, 3000 },
      };

      json_object_set_int_member (att, "width", 640);
      json_object_set_int_member (att, "height", 640);
      for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
        {
          JsonObject *t = json_object_new ();

          json_object_set_string_member (t, "url", url);
          json_object_set_int_member (t, "width", sizes[i].w);
          json_object_set_int_member (t, "height", sizes[i].h);
          json_object_set_object_member (thumbs, sizes[i].name, t);
        }
      json_object_set_object_member (att, "thumbnails", thumbs);
    }
  return att;
}

JsonObject *
sandbox_attachment_new (const char *url,
                        const char *filename,
                        const char *mime,
                        gint64      size)
{
  JsonObject *att = new_attachment (url, filename);

  if (mime != NULL)
    json_object_set_string_member (att, "type", mime);
  if (size >= 0)
    json_object_set_int_member (att, "size", size);
  return att;
}

static gboolean
convert_date (SandboxField *field,
              const char   *text,
              gboolean      typecast,
              JsonNode    **out)
{
  gint64 ms;
  gboolean date_only;
  g_autoptr(GTimeZone) zone = NULL;
  const char *tz = option_string (field, "timeZone");

  if (g_str_equal (field->type, "dateTime") && tz != NULL && !g_str_equal (tz, "utc") && !g_str_equal (tz, "client"))
    zone = g_time_zone_new_identifier (tz);
  if (!sandbox_parse_time (text, zone, &ms, &date_only))
    return FALSE;
  if (g_str_equal (field->type, "date"))
    {
      g_autoptr(GDateTime) dt = NULL;
      g_autofree char *f = NULL;

      if (!date_only && !typecast && strlen (text) > 10)
        {
          /* a full timestamp in a date field: Airtable keeps the date part */
        }
      dt = g_date_time_new_from_unix_utc (ms / 1000);
      f = g_date_time_format (dt, "%Y-%m-%d");
      *out = string_node (f);
    }
  else
    {
      g_autofree char *f = sandbox_format_time (ms);

      *out = string_node (f);
    }
  return TRUE;
}

/* The cell rules of fact sheet §6.7, with typecast. @out is NULL for a
 * cleared cell. New select options are added only by _commit_choices. */
static gboolean
cell_convert_full (SandboxServer *self,
                   SandboxTable  *table,
                   SandboxField  *field,
                   JsonNode      *value,
                   gboolean       typecast,
                   GPtrArray     *new_options,
                   JsonNode     **out,
                   char         **type,
                   char         **message)
{
  const char *t = field->type;

  *out = NULL;
  if (sandbox_field_is_computed (field))
    return set_error (type, message, "INVALID_VALUE_FOR_COLUMN",
                      g_strdup_printf ("Field \"%s\" cannot accept a value because the field is computed", field->name));

  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return TRUE;

  if (type_in (t, (const char * const[]) { "singleLineText", "multilineText", "richText", "email", "url", "phoneNumber", NULL }))
    {
      g_autofree char *text = NULL;

      if (node_is_string (value))
        text = g_strdup (json_node_get_string (value));
      else if (typecast)
        text = typecast_string (value);
      if (text == NULL)
        return bad_value (field, type, message);
      if (*text)
        *out = string_node (text);
      return TRUE;
    }

  if (type_in (t, (const char * const[]) { "number", "percent", "currency", "duration", "rating", NULL }))
    {
      double v;

      if (node_is_number (value))
        v = node_number (value);
      else if (typecast && g_str_equal (t, "duration") && node_is_string (value)
               && typecast_duration (json_node_get_string (value), &v))
        ;
      else if (!typecast || !typecast_number (value, &v))
        return bad_value (field, type, message);
      if (!isfinite (v) || fabs (v) > 9e15)   /* beyond exact doubles: refused, see README */
        return bad_value (field, type, message);
      if (g_str_equal (t, "rating"))
        {
          double max = option_number (field, "max", 5);

          if (v != floor (v) || v < 0 || v > max)
            return bad_value (field, type, message);
          if (v == 0)
            return TRUE;
        }
      if (g_str_equal (t, "number") && option_number (field, "precision", 8) == 0 && v != floor (v))
        v = floor (v + 0.5);
      *out = number_node (v);
      return TRUE;
    }

  if (g_str_equal (t, "checkbox"))
    {
      gboolean b;

      if (node_is_type (value, G_TYPE_BOOLEAN))
        b = json_node_get_boolean (value);
      else if (typecast && node_is_string (value))
        {
          const char *s = json_node_get_string (value);

          b = g_ascii_strcasecmp (s, "true") == 0 || g_str_equal (s, "1") || g_ascii_strcasecmp (s, "yes") == 0
              || g_ascii_strcasecmp (s, "checked") == 0 || g_ascii_strcasecmp (s, "x") == 0;
        }
      else if (typecast && node_is_number (value))
        b = node_number (value) != 0;
      else
        return bad_value (field, type, message);
      if (b)
        {
          *out = json_node_new (JSON_NODE_VALUE);
          json_node_set_boolean (*out, TRUE);
        }
      return TRUE;
    }

  if (g_str_equal (t, "singleSelect"))
    {
      g_autofree char *text = node_is_string (value) ? g_strdup (json_node_get_string (value))
                                                     : (typecast ? typecast_string (value) : NULL);
      const char *name;

      if (text == NULL || JSON_NODE_HOLDS_ARRAY (value))
        return bad_value (field, type, message);
      if (*text == '\0')
        return TRUE;
      if (!convert_choice (field, text, typecast, new_options, &name, type, message))
        return FALSE;
      *out = string_node (name);
      return TRUE;
    }

  if (g_str_equal (t, "multipleSelects"))
    {
      JsonArray *result = json_array_new ();
      g_auto(GStrv) parts = NULL;
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

      if (JSON_NODE_HOLDS_ARRAY (value))
        {
          JsonArray *in = json_node_get_array (value);

          for (guint i = 0; i < json_array_get_length (in); i++)
            {
              JsonNode *item = json_array_get_element (in, i);
              char *text = node_is_string (item) ? g_strdup (json_node_get_string (item))
                                                 : (typecast ? typecast_string (item) : NULL);

              if (text == NULL)
                {
                  json_array_unref (result);
                  return bad_value (field, type, message);
                }
              g_ptr_array_add (names, text);
            }
        }
      else if (typecast && node_is_string (value))
        {
          parts = g_strsplit (json_node_get_string (value), ",", -1);
          for (guint i = 0; parts[i] != NULL; i++)
            {
              g_strstrip (parts[i]);
              if (*parts[i])
                g_ptr_array_add (names, g_strdup (parts[i]));
            }
        }
      else
        {
          json_array_unref (result);
          return bad_value (field, type, message);
        }

      for (guint i = 0; i < names->len; i++)
        {
          const char *name;
          gboolean dup = FALSE;

          if (!convert_choice (field, names->pdata[i], typecast, new_options, &name, type, message))
            {
              json_array_unref (result);
              return FALSE;
            }
          for (guint j = 0; j < json_array_get_length (result); j++)
            if (g_str_equal (json_array_get_string_element (result, j), name))
              dup = TRUE;
          if (!dup)
            json_array_add_string_element (result, name);
        }
      if (json_array_get_length (result) > 0)
        {
          *out = json_node_new (JSON_NODE_ARRAY);
          json_node_take_array (*out, result);
        }
      else
        json_array_unref (result);
      return TRUE;
    }

  if (g_str_equal (t, "singleCollaborator"))
    {
      SandboxUser *user = convert_collaborator (self, value, typecast);

      if (user == NULL)
        return bad_value (field, type, message);
      *out = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (*out, collaborator_object (user));
      return TRUE;
    }

  if (g_str_equal (t, "multipleCollaborators"))
    {
      JsonArray *result;
      JsonArray *in;

      if (!JSON_NODE_HOLDS_ARRAY (value))
        return bad_value (field, type, message);
      in = json_node_get_array (value);
      result = json_array_new ();
      for (guint i = 0; i < json_array_get_length (in); i++)
        {
          SandboxUser *user = convert_collaborator (self, json_array_get_element (in, i), typecast);

          if (user == NULL)
            {
              json_array_unref (result);
              return bad_value (field, type, message);
            }
          json_array_add_object_element (result, collaborator_object (user));
        }
      if (json_array_get_length (result) > 0)
        {
          *out = json_node_new (JSON_NODE_ARRAY);
          json_node_take_array (*out, result);
        }
      else
        json_array_unref (result);
      return TRUE;
    }

  if (g_str_equal (t, "multipleRecordLinks"))
    {
      SandboxTable *linked = sandbox_server_find_table_by_id (self, option_string (field, "linkedTableId"));
      g_autoptr(GPtrArray) items = g_ptr_array_new ();
      JsonArray *result;

      if (JSON_NODE_HOLDS_ARRAY (value))
        {
          for (guint i = 0; i < json_array_get_length (json_node_get_array (value)); i++)
            g_ptr_array_add (items, json_array_get_element (json_node_get_array (value), i));
        }
      else if (typecast && node_is_string (value))
        g_ptr_array_add (items, value);
      else
        return set_error (type, message, "INVALID_VALUE_FOR_COLUMN",
                          g_strdup_printf ("Value for field \"%s\" is not an array of record IDs.", field->name));
      if (linked == NULL)
        return bad_value (field, type, message);

      result = json_array_new ();
      for (guint i = 0; i < items->len; i++)
        {
          JsonNode *item = items->pdata[i];
          const char *rid = NULL;

          if (node_is_string (item))
            rid = json_node_get_string (item);
          else if (JSON_NODE_HOLDS_OBJECT (item) && node_is_string (json_object_get_member (json_node_get_object (item), "id")))
            rid = json_object_get_string_member (json_node_get_object (item), "id");
          if (rid == NULL)
            {
              json_array_unref (result);
              return set_error (type, message, "INVALID_VALUE_FOR_COLUMN",
                                g_strdup_printf ("Value for field \"%s\" is not an array of record IDs.", field->name));
            }
          if (!g_hash_table_contains (linked->records_by_id, rid) && typecast)
            {
              /* typecast matches a linked record by its primary value */
              SandboxField *primary = sandbox_table_primary_field (linked);

              for (guint r = 0; primary != NULL && r < linked->records->len; r++)
                {
                  SandboxRecord *other = linked->records->pdata[r];
                  JsonNode *pv = json_object_get_member (other->cells, primary->id);

                  if (node_is_string (pv) && g_str_equal (json_node_get_string (pv), rid))
                    {
                      rid = other->id;
                      break;
                    }
                }
            }
          if (!g_hash_table_contains (linked->records_by_id, rid))
            {
              json_array_unref (result);
              return set_error (type, message, "ROW_DOES_NOT_EXIST",
                                g_strdup_printf ("Record ID %s does not exist in table %s", rid, linked->name));
            }
          json_array_add_string_element (result, rid);
        }
      if (json_array_get_length (result) > 0)
        {
          *out = json_node_new (JSON_NODE_ARRAY);
          json_node_take_array (*out, result);
        }
      else
        json_array_unref (result);
      return TRUE;
    }

  if (g_str_equal (t, "date") || g_str_equal (t, "dateTime"))
    {
      if (!node_is_string (value))
        return bad_value (field, type, message);
      if (*json_node_get_string (value) == '\0')
        return TRUE;
      if (!convert_date (field, json_node_get_string (value), typecast, out))
        return set_error (type, message, "INVALID_VALUE_FOR_COLUMN",
                          g_strdup_printf ("Cannot parse value \"%s\" for field %s", json_node_get_string (value), field->name));
      return TRUE;
    }

  if (g_str_equal (t, "multipleAttachments"))
    {
      JsonArray *in;
      JsonArray *result;

      if (!JSON_NODE_HOLDS_ARRAY (value))
        return bad_value (field, type, message);
      in = json_node_get_array (value);
      result = json_array_new ();
      for (guint i = 0; i < json_array_get_length (in); i++)
        {
          JsonNode *item = json_array_get_element (in, i);
          JsonObject *obj = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;
          JsonNode *url = obj != NULL ? json_object_get_member (obj, "url") : NULL;
          JsonNode *id = obj != NULL ? json_object_get_member (obj, "id") : NULL;
          JsonNode *filename = obj != NULL ? json_object_get_member (obj, "filename") : NULL;

          if (node_is_string (url))
            {
              const char *u = json_node_get_string (url);

              /* keep our own absolute attachment urls relative, so they survive a port change */
              if (self->url != NULL && g_str_has_prefix (u, self->url) && g_str_has_prefix (u + strlen (self->url), "/__sandbox/"))
                u += strlen (self->url);
              if (filename != NULL && !node_is_string (filename))
                {
                  json_array_unref (result);
                  return bad_value (field, type, message);
                }
              json_array_add_object_element (result, new_attachment (u, filename != NULL ? json_node_get_string (filename) : NULL));
              if (node_is_string (id))
                json_object_set_string_member (json_array_get_object_element (result, json_array_get_length (result) - 1),
                                               "id", json_node_get_string (id));
            }
          else if (node_is_string (id))
            {
              /* keep an existing attachment of this field, found in any record */
              JsonObject *found = NULL;

              for (guint r = 0; r < table->records->len && found == NULL; r++)
                {
                  SandboxRecord *rec = table->records->pdata[r];
                  JsonNode *cell = json_object_get_member (rec->cells, field->id);

                  for (guint k = 0; cell != NULL && JSON_NODE_HOLDS_ARRAY (cell) && k < json_array_get_length (json_node_get_array (cell)); k++)
                    {
                      JsonObject *att = json_array_get_object_element (json_node_get_array (cell), k);

                      if (att != NULL && g_strcmp0 (json_object_get_string_member_with_default (att, "id", ""), json_node_get_string (id)) == 0)
                        {
                          found = att;
                          break;
                        }
                    }
                }
              if (found == NULL)
                {
                  json_array_unref (result);
                  return set_error (type, message, "INVALID_ATTACHMENT_OBJECT",
                                    g_strdup_printf ("Invalid attachment object for field %s", field->name));
                }
              json_array_add_element (result, json_node_init_object (json_node_alloc (), found));
            }
          else
            {
              json_array_unref (result);
              return set_error (type, message, "INVALID_ATTACHMENT_OBJECT",
                                g_strdup_printf ("Invalid attachment object for field %s", field->name));
            }
        }
      if (json_array_get_length (result) > 0)
        {
          *out = json_node_new (JSON_NODE_ARRAY);
          json_node_take_array (*out, result);
        }
      else
        json_array_unref (result);
      return TRUE;
    }

  if (g_str_equal (t, "barcode"))
    {
      if (JSON_NODE_HOLDS_OBJECT (value) && node_is_string (json_object_get_member (json_node_get_object (value), "text")))
        {
          *out = json_node_copy (value);
          return TRUE;
        }
      if (typecast && node_is_string (value))
        {
          JsonObject *obj = json_object_new ();

          json_object_set_string_member (obj, "text", json_node_get_string (value));
          *out = json_node_new (JSON_NODE_OBJECT);
          json_node_take_object (*out, obj);
          return TRUE;
        }
      return bad_value (field, type, message);
    }

  return bad_value (field, type, message);
}

gboolean
sandbox_cell_convert (SandboxServer *self,
                      SandboxTable  *table,
                      SandboxField  *field,
                      JsonNode      *value,
                      gboolean       typecast,
                      JsonNode     **out,
                      char         **error_type,
                      char         **error_message)
{
  g_autoptr(GPtrArray) new_options = g_ptr_array_new_with_free_func (g_free);

  if (!cell_convert_full (self, table, field, value, typecast, new_options, out, error_type, error_message))
    return FALSE;
  for (guint i = 0; i < new_options->len; i++)
    {
      g_ptr_array_add (self->pending_choices, g_strdup (field->id));
      g_ptr_array_add (self->pending_choices, g_strdup (new_options->pdata[i]));
    }
  return TRUE;
}

void
sandbox_pending_choices_commit (SandboxServer *self,
                                SandboxTable  *table)
{
  for (guint i = 0; i + 1 < self->pending_choices->len; i += 2)
    {
      SandboxField *field = sandbox_table_find_field (table, self->pending_choices->pdata[i]);

      if (field != NULL && find_choice (field, self->pending_choices->pdata[i + 1]) == NULL)
        add_choice (field, self->pending_choices->pdata[i + 1]);
    }
  g_ptr_array_set_size (self->pending_choices, 0);
}

void
sandbox_pending_choices_discard (SandboxServer *self)
{
  g_ptr_array_set_size (self->pending_choices, 0);
}

static void
link_array_edit (JsonObject *cells,
                 const char *field_id,
                 const char *rid,
                 gboolean    add)
{
  JsonNode *node = json_object_get_member (cells, field_id);
  JsonArray *array = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  if (array != NULL)
    for (guint i = 0; i < json_array_get_length (array); i++)
      if (g_strcmp0 (json_array_get_string_element (array, i), rid) == 0)
        {
          if (!add)
            {
              json_array_remove_element (array, i);
              if (json_array_get_length (array) == 0)
                json_object_remove_member (cells, field_id);
            }
          return;
        }
  if (!add)
    return;
  if (array == NULL)
    {
      json_object_set_array_member (cells, field_id, json_array_new ());
      array = json_object_get_array_member (cells, field_id);
    }
  json_array_add_string_element (array, rid);
}

void
sandbox_record_set_cell (SandboxServer *self,
                         SandboxTable  *table,
                         SandboxRecord *record,
                         SandboxField  *field,
                         JsonNode      *value)
{
  if (g_str_equal (field->type, "multipleRecordLinks"))
    {
      SandboxTable *linked = sandbox_server_find_table_by_id (self, option_string (field, "linkedTableId"));
      const char *inverse_id = option_string (field, "inverseLinkFieldId");
      SandboxField *inverse = linked != NULL && inverse_id != NULL ? sandbox_table_find_field (linked, inverse_id) : NULL;

      if (inverse != NULL)
        {
          JsonNode *old = json_object_get_member (record->cells, field->id);
          JsonArray *old_a = old != NULL && JSON_NODE_HOLDS_ARRAY (old) ? json_node_get_array (old) : NULL;
          JsonArray *new_a = value != NULL && JSON_NODE_HOLDS_ARRAY (value) ? json_node_get_array (value) : NULL;

          for (guint i = 0; old_a != NULL && i < json_array_get_length (old_a); i++)
            {
              SandboxRecord *other = g_hash_table_lookup (linked->records_by_id, json_array_get_string_element (old_a, i));

              if (other != NULL)
                link_array_edit (other->cells, inverse->id, record->id, FALSE);
            }
          for (guint i = 0; new_a != NULL && i < json_array_get_length (new_a); i++)
            {
              SandboxRecord *other = g_hash_table_lookup (linked->records_by_id, json_array_get_string_element (new_a, i));

              if (other != NULL)
                link_array_edit (other->cells, inverse->id, record->id, TRUE);
            }
        }
    }

  if (value == NULL || node_is_empty (value))
    json_object_remove_member (record->cells, field->id);
  else
    json_object_set_member (record->cells, field->id, json_node_copy (value));
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
          value = string_node (text);
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

/* ------------------------------------------------------ schema validation */

static const char * const all_colors_bases[] = {
  "blue", "cyan", "teal", "green", "yellow", "orange", "red", "pink", "purple", "gray", NULL,
};

static gboolean
valid_color (const char *color,
             gboolean    bright_only)
{
  for (guint i = 0; all_colors_bases[i] != NULL; i++)
    {
      const char *suffixes[] = { "Light2", "Light1", "Bright", "Dark1" };

      if (!g_str_has_prefix (color, all_colors_bases[i]))
        continue;
      for (guint j = bright_only ? 2 : 0; j < (bright_only ? 3u : 4u); j++)
        if (g_str_equal (color + strlen (all_colors_bases[i]), suffixes[j]))
          return TRUE;
    }
  return FALSE;
}

/* Validates the write form of a new field's options (§6.7) and returns the
 * read form to store. Link fields are completed by the caller. */
gboolean
sandbox_field_options_validate (SandboxServer *self,
                                SandboxBase   *base,
                                const char    *type,
                                JsonNode      *options,
                                JsonObject   **out_options,
                                char         **message)
{
  JsonObject *in = NULL;
  g_autoptr(JsonObject) out = json_object_new ();

  *out_options = NULL;
  if (type_in (type, computed_types))
    {
      *message = g_strdup_printf ("Field type %s cannot be created through the API", type);
      return FALSE;
    }
  if (!type_in (type, known_types))
    {
      *message = g_strdup_printf ("Unknown field type \"%s\"", type);
      return FALSE;
    }
  if (options != NULL && !JSON_NODE_HOLDS_NULL (options))
    {
      if (!JSON_NODE_HOLDS_OBJECT (options))
        {
          *message = g_strdup ("options must be an object");
          return FALSE;
        }
      in = json_node_get_object (options);
    }

#define IN_MEMBER(name) (in != NULL ? json_object_get_member (in, name) : NULL)

  if (g_str_equal (type, "number") || g_str_equal (type, "percent") || g_str_equal (type, "currency"))
    {
      JsonNode *p = IN_MEMBER ("precision");
      JsonNode *sym = IN_MEMBER ("symbol");
      int max = g_str_equal (type, "currency") ? 7 : 8;

      if (p != NULL && (!node_is_type (p, G_TYPE_INT64) || json_node_get_int (p) < 0 || json_node_get_int (p) > max))
        {
          *message = g_strdup_printf ("options.precision must be an integer from 0 to %d", max);
          return FALSE;
        }
      json_object_set_int_member (out, "precision", p != NULL ? json_node_get_int (p) : (g_str_equal (type, "currency") ? 2 : 0));
      if (g_str_equal (type, "currency"))
        {
          if (sym != NULL && !node_is_string (sym))
            {
              *message = g_strdup ("options.symbol must be a string");
              return FALSE;
            }
          json_object_set_string_member (out, "symbol", sym != NULL ? json_node_get_string (sym) : "$");
        }
    }
  else if (g_str_equal (type, "duration"))
    {
      JsonNode *f = IN_MEMBER ("durationFormat");
      const char *formats[] = { "h:mm", "h:mm:ss", "h:mm:ss.S", "h:mm:ss.SS", "h:mm:ss.SSS", NULL };

      if (f != NULL && (!node_is_string (f) || !g_strv_contains (formats, json_node_get_string (f))))
        {
          *message = g_strdup ("options.durationFormat is invalid");
          return FALSE;
        }
      json_object_set_string_member (out, "durationFormat", f != NULL ? json_node_get_string (f) : "h:mm");
    }
  else if (g_str_equal (type, "rating") || g_str_equal (type, "checkbox"))
    {
      JsonNode *icon = IN_MEMBER ("icon");
      JsonNode *color = IN_MEMBER ("color");
      JsonNode *max = IN_MEMBER ("max");
      const char *rating_icons[] = { "star", "heart", "thumbsUp", "flag", "dot", NULL };
      const char *check_icons[] = { "check", "xCheckbox", "star", "heart", "thumbsUp", "flag", "dot", NULL };
      gboolean rating = g_str_equal (type, "rating");

      if (icon != NULL && (!node_is_string (icon) || !g_strv_contains (rating ? rating_icons : check_icons, json_node_get_string (icon))))
        {
          *message = g_strdup ("options.icon is invalid");
          return FALSE;
        }
      if (color != NULL && (!node_is_string (color) || !valid_color (json_node_get_string (color), TRUE)))
        {
          *message = g_strdup ("options.color is invalid");
          return FALSE;
        }
      if (rating && max != NULL && (!node_is_type (max, G_TYPE_INT64) || json_node_get_int (max) < 1 || json_node_get_int (max) > 10))
        {
          *message = g_strdup ("options.max must be an integer from 1 to 10");
          return FALSE;
        }
      json_object_set_string_member (out, "icon", icon != NULL ? json_node_get_string (icon) : (rating ? "star" : "check"));
      json_object_set_string_member (out, "color", color != NULL ? json_node_get_string (color) : (rating ? "yellowBright" : "greenBright"));
      if (rating)
        json_object_set_int_member (out, "max", max != NULL ? json_node_get_int (max) : 5);
    }
  else if (g_str_equal (type, "singleSelect") || g_str_equal (type, "multipleSelects"))
    {
      JsonNode *choices = IN_MEMBER ("choices");
      JsonArray *result = json_array_new ();

      json_object_set_array_member (out, "choices", result);
      if (choices != NULL && !JSON_NODE_HOLDS_ARRAY (choices))
        {
          *message = g_strdup ("options.choices must be an array");
          return FALSE;
        }
      for (guint i = 0; choices != NULL && i < json_array_get_length (json_node_get_array (choices)); i++)
        {
          JsonNode *item = json_array_get_element (json_node_get_array (choices), i);
          JsonObject *c;
          JsonNode *name, *color;
          JsonObject *choice;
          g_autofree char *id = NULL;

          if (!JSON_NODE_HOLDS_OBJECT (item))
            {
              *message = g_strdup ("every choice must be an object");
              return FALSE;
            }
          c = json_node_get_object (item);
          name = json_object_get_member (c, "name");
          color = json_object_get_member (c, "color");
          if (!node_is_string (name) || *json_node_get_string (name) == '\0')
            {
              *message = g_strdup ("every choice needs a non-empty name");
              return FALSE;
            }
          if (color != NULL && (!node_is_string (color) || !valid_color (json_node_get_string (color), FALSE)))
            {
              *message = g_strdup_printf ("choice color is invalid");
              return FALSE;
            }
          for (guint j = 0; j < json_array_get_length (result); j++)
            if (g_str_equal (json_object_get_string_member (json_array_get_object_element (result, j), "name"),
                             json_node_get_string (name)))
              {
                *message = g_strdup_printf ("duplicate choice name \"%s\"", json_node_get_string (name));
                return FALSE;
              }
          choice = json_object_new ();
          id = sandbox_new_id ("sel");
          json_object_set_string_member (choice, "id", id);
          json_object_set_string_member (choice, "name", json_node_get_string (name));
          json_object_set_string_member (choice, "color", color != NULL ? json_node_get_string (color)
                                                              : select_colors[i % G_N_ELEMENTS (select_colors)]);
          json_array_add_object_element (result, choice);
        }
    }
  else if (g_str_equal (type, "date") || g_str_equal (type, "dateTime"))
    {
      JsonNode *df = IN_MEMBER ("dateFormat");
      JsonNode *tf = IN_MEMBER ("timeFormat");
      JsonNode *tz = IN_MEMBER ("timeZone");
      const char *names[] = { "local", "friendly", "us", "european", "iso", NULL };
      const char *formats[] = { "l", "LL", "M/D/YYYY", "D/M/YYYY", "YYYY-MM-DD", NULL };
      JsonObject *date_format = json_object_new ();
      const char *name = "iso";

      json_object_set_object_member (out, "dateFormat", date_format);
      if (df != NULL)
        {
          JsonNode *n = JSON_NODE_HOLDS_OBJECT (df) ? json_object_get_member (json_node_get_object (df), "name") : NULL;
          JsonNode *f = JSON_NODE_HOLDS_OBJECT (df) ? json_object_get_member (json_node_get_object (df), "format") : NULL;
          guint idx = 0;

          if (!node_is_string (n) || !g_strv_contains (names, json_node_get_string (n)))
            {
              *message = g_strdup ("options.dateFormat.name is invalid");
              return FALSE;
            }
          name = json_node_get_string (n);
          while (!g_str_equal (names[idx], name))
            idx++;
          if (f != NULL && (!node_is_string (f) || !g_str_equal (json_node_get_string (f), formats[idx])))
            {
              *message = g_strdup ("options.dateFormat.format does not match its name");
              return FALSE;
            }
        }
      for (guint idx = 0; names[idx] != NULL; idx++)
        if (g_str_equal (names[idx], name))
          {
            json_object_set_string_member (date_format, "name", names[idx]);
            json_object_set_string_member (date_format, "format", formats[idx]);
          }
      if (g_str_equal (type, "dateTime"))
        {
          JsonObject *time_format = json_object_new ();
          const char *tname = "24hour";

          if (tf != NULL)
            {
              JsonNode *n = JSON_NODE_HOLDS_OBJECT (tf) ? json_object_get_member (json_node_get_object (tf), "name") : NULL;

              if (!node_is_string (n) || (!g_str_equal (json_node_get_string (n), "12hour") && !g_str_equal (json_node_get_string (n), "24hour")))
                {
                  json_object_unref (time_format);
                  *message = g_strdup ("options.timeFormat.name is invalid");
                  return FALSE;
                }
              tname = json_node_get_string (n);
            }
          json_object_set_string_member (time_format, "name", tname);
          json_object_set_string_member (time_format, "format", g_str_equal (tname, "12hour") ? "h:mma" : "HH:mm");
          json_object_set_object_member (out, "timeFormat", time_format);
          if (tz != NULL && !node_is_string (tz))
            {
              *message = g_strdup ("options.timeZone must be a string");
              return FALSE;
            }
          json_object_set_string_member (out, "timeZone", tz != NULL ? json_node_get_string (tz) : "utc");
        }
    }
  else if (g_str_equal (type, "multipleRecordLinks"))
    {
      JsonNode *linked = IN_MEMBER ("linkedTableId");
      JsonNode *view = IN_MEMBER ("viewIdForRecordSelection");

      if (!node_is_string (linked) || sandbox_base_find_table_by_id (base, json_node_get_string (linked)) == NULL)
        {
          *message = g_strdup ("options.linkedTableId must name a table of this base");
          return FALSE;
        }
      json_object_set_string_member (out, "linkedTableId", json_node_get_string (linked));
      json_object_set_boolean_member (out, "isReversed", FALSE);
      json_object_set_boolean_member (out, "prefersSingleRecordLink", FALSE);
      if (node_is_string (view))
        json_object_set_string_member (out, "viewIdForRecordSelection", json_node_get_string (view));
    }
  else if (g_str_equal (type, "multipleAttachments"))
    json_object_set_boolean_member (out, "isReversed", FALSE);
  else if (in != NULL && json_object_get_size (in) > 0 && !g_str_equal (type, "singleCollaborator")
           && !g_str_equal (type, "multipleCollaborators"))
    {
      *message = g_strdup_printf ("Field type %s takes no options", type);
      return FALSE;
    }
#undef IN_MEMBER

  *out_options = json_object_get_size (out) > 0 ? g_steal_pointer (&out) : NULL;
  return TRUE;
}

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

        if (node_is_string (item))
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

  return node_is_string (node) ? json_node_get_string (node) : NULL;
}

static gint64
get_int (JsonObject *obj,
         const char *member)
{
  JsonNode *node = json_object_get_member (obj, member);

  return node_is_type (node, G_TYPE_INT64) ? json_node_get_int (node) : 0;
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

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "state is not an object");
      return FALSE;
    }
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
                    record->comments = g_ptr_array_new_with_free_func ((GDestroyNotify) comment_free);
                  g_ptr_array_add (record->comments, comment);
                }
              g_ptr_array_add (table->records, record);
              g_hash_table_insert (table->records_by_id, record->id, record);
            }
        }
    }
  return self->users->len > 0;
}

void
sandbox_record_add_comment (SandboxRecord  *record,
                            SandboxComment *comment)
{
  if (record->comments == NULL)
    record->comments = g_ptr_array_new_with_free_func ((GDestroyNotify) comment_free);
  g_ptr_array_add (record->comments, comment);
}
