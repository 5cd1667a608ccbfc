/* sandbox-meta.c — whoami and the meta (schema) API: list bases, base schema,
 * create/update table and field (Airtable's "Meta API" and "Get user info")
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sandbox-private.h"

#define BASES_PAGE 1000
#define MAX_DESCRIPTION 20000

static const char * const primary_types[] = {
  "singleLineText", "multilineText", "richText", "email", "url", "phoneNumber", "number",
  "percent", "currency", "duration", "date", "dateTime", "barcode", NULL,
};

static const char * const creatable_types[] = {
  "singleLineText", "multilineText", "richText", "email", "url", "phoneNumber",
  "number", "percent", "currency", "duration", "rating", "checkbox", "singleSelect",
  "multipleSelects", "singleCollaborator", "multipleCollaborators", "multipleRecordLinks",
  "date", "dateTime", "multipleAttachments", "barcode", NULL,
};

static gboolean
node_is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

typedef struct
{
  SandboxTable *table;
  GPtrArray    *ids;
} CollectCtx;

static gboolean
collect_resolve_cb (const char  *name_or_id,
                    const char **out_id,
                    const char **out_type,
                    gpointer     data)
{
  CollectCtx *ctx = data;

  if (!sandbox_field_resolve_cb (name_or_id, out_id, out_type, ctx->table))
    return FALSE;
  if (!g_ptr_array_find_with_equal_func (ctx->ids, *out_id, g_str_equal, NULL))
    g_ptr_array_add (ctx->ids, g_strdup (*out_id));
  return TRUE;
}

/* Rewrites {Field Name} references as {fld…} ids, as Airtable returns
 * formula options; text inside string literals is left alone. */
static char *
formula_with_ids (SandboxTable *table,
                  const char   *text)
{
  GString *out = g_string_new (NULL);
  char quote = 0;

  for (const char *p = text; *p; p++)
    {
      if (quote != 0)
        {
          g_string_append_c (out, *p);
          if (*p == '\\' && p[1] != '\0')
            g_string_append_c (out, *++p);
          else if (*p == quote)
            quote = 0;
        }
      else if (*p == '\'' || *p == '"')
        {
          quote = *p;
          g_string_append_c (out, *p);
        }
      else if (*p == '{')
        {
          g_autoptr(GString) name = g_string_new (NULL);
          const char *q = p + 1;
          SandboxField *field;

          while (*q && *q != '}')
            {
              if (*q == '\\' && q[1] == '}')
                q++;
              g_string_append_c (name, *q++);
            }
          field = *q == '}' ? sandbox_table_find_field (table, name->str) : NULL;
          if (field == NULL)
            {
              g_string_append_c (out, *p);
              continue;
            }
          g_string_append_printf (out, "{%s}", field->id);
          p = q;
        }
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

/* The read form of a formula field's options. */
JsonObject *
sandbox_formula_field_options (SandboxTable *table,
                               const char   *text,
                               gboolean     *out_valid)
{
  JsonObject *options = json_object_new ();
  JsonArray *refs = json_array_new ();
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  CollectCtx ctx = { table, ids };
  g_autoptr(SandboxFormula) formula = sandbox_formula_parse (text, collect_resolve_cb, &ctx, NULL);

  for (guint i = 0; i < ids->len; i++)
    json_array_add_string_element (refs, ids->pdata[i]);
  if (formula != NULL)
    {
      g_autofree char *with_ids = formula_with_ids (table, text);

      json_object_set_string_member (options, "formula", with_ids);
    }
  else
    json_object_set_string_member (options, "formula", text);
  json_object_set_boolean_member (options, "isValid", formula != NULL);
  json_object_set_array_member (options, "referencedFieldIds", refs);
  json_object_set_null_member (options, "result");
  *out_valid = formula != NULL;
  return options;
}

static gboolean
description_ok (SoupServerMessage *msg,
                JsonNode          *node)
{
  if (node == NULL)
    return TRUE;
  if (!node_is_string (node) || *json_node_get_string (node) == '\0'
      || g_utf8_strlen (json_node_get_string (node), -1) > MAX_DESCRIPTION)
    {
      sandbox_respond_error (msg, 422, "INVALID_REQUEST_UNKNOWN",
                             "Invalid request: description must be a non-empty string of at most 20000 characters.");
      return FALSE;
    }
  return TRUE;
}

static gboolean
table_name_taken (SandboxBase  *base,
                  const char   *name,
                  SandboxTable *except)
{
  g_autofree char *folded = g_utf8_casefold (name, -1);

  for (guint i = 0; i < base->tables->len; i++)
    {
      SandboxTable *table = base->tables->pdata[i];
      g_autofree char *other = g_utf8_casefold (table->name, -1);

      if (table != except && g_str_equal (folded, other))
        return TRUE;
    }
  return FALSE;
}

/* Adds the reverse link field in the linked table. */
void
sandbox_table_add_inverse_link (SandboxServer *self,
                  SandboxTable  *table,
                  SandboxField  *field)
{
  SandboxTable *linked = sandbox_base_find_table_by_id (table->base,
                                                        json_object_get_string_member (field->options, "linkedTableId"));
  g_autoptr(JsonObject) options = json_object_new ();
  g_autofree char *name = g_strdup (table->name);
  SandboxField *inverse;

  if (linked == NULL)
    return;
  if (linked == table)
    return;   /* a self link keeps a single field */
  for (guint n = 2; sandbox_table_find_field_ci (linked, name) != NULL; n++)
    {
      g_free (name);
      name = g_strdup_printf ("%s %u", table->name, n);
    }
  json_object_set_string_member (options, "linkedTableId", table->id);
  json_object_set_boolean_member (options, "isReversed", FALSE);
  json_object_set_boolean_member (options, "prefersSingleRecordLink", FALSE);
  json_object_set_string_member (options, "inverseLinkFieldId", field->id);
  inverse = sandbox_table_add_field (linked, name, "multipleRecordLinks", options);
  json_object_set_string_member (field->options, "inverseLinkFieldId", inverse->id);
  sandbox_changes_field_created (linked, inverse);
}

/* Validates one field definition {name, type, description?, options?} of a
 * create-table or create-field body. */
static gboolean
validate_field_def (SandboxServer     *self,
                    SoupServerMessage *msg,
                    SandboxBase       *base,
                    JsonNode          *node,
                    JsonObject       **out_options)
{
  JsonObject *def;
  JsonNode *name, *type;
  g_autofree char *message = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      sandbox_respond_invalid_request (msg);
      return FALSE;
    }
  def = json_node_get_object (node);
  name = json_object_get_member (def, "name");
  type = json_object_get_member (def, "type");
  if (!node_is_string (name) || strspn (json_node_get_string (name), " \t\n") == strlen (json_node_get_string (name)))
    {
      sandbox_respond_error (msg, 422, "DUPLICATE_OR_EMPTY_FIELD_NAME", "Field names must be non-empty");
      return FALSE;
    }
  if (!node_is_string (type))
    {
      sandbox_respond_invalid_request (msg);
      return FALSE;
    }
  if (!g_strv_contains (creatable_types, json_node_get_string (type)))
    {
      sandbox_respond_error (msg, 422, "UNSUPPORTED_FIELD_TYPE_FOR_CREATE",
                             "Field type \"%s\" cannot be created through the API", json_node_get_string (type));
      return FALSE;
    }
  if (!description_ok (msg, json_object_get_member (def, "description")))
    return FALSE;
  if (!sandbox_field_options_validate (self, base, json_node_get_string (type),
                                       json_object_get_member (def, "options"), out_options, &message))
    {
      sandbox_respond_error (msg, 422, "INVALID_FIELD_TYPE_OPTIONS_FOR_CREATE", "%s", message);
      return FALSE;
    }
  return TRUE;
}

static void
whoami (SandboxServer     *self,
        SoupServerMessage *msg,
        SandboxAuth       *auth)
{
  g_autoptr(JsonObject) reply = json_object_new ();

  json_object_set_string_member (reply, "id", auth->user->id);
  if (sandbox_auth_has_scope (auth, "user.email:read"))
    json_object_set_string_member (reply, "email", auth->user->email);
  if (auth->is_oauth)
    {
      JsonArray *scopes = json_array_new ();

      for (guint i = 0; auth->scopes != NULL && auth->scopes[i] != NULL; i++)
        json_array_add_string_element (scopes, auth->scopes[i]);
      json_object_set_array_member (reply, "scopes", scopes);
    }
  sandbox_respond_object (msg, 200, reply);
}

static void
list_bases (SandboxServer     *self,
            SoupServerMessage *msg,
            SandboxAuth       *auth,
            GPtrArray         *query)
{
  g_autoptr(JsonObject) reply = json_object_new ();
  JsonArray *bases = json_array_new ();
  const char *offset = sandbox_query_get (query, "offset");
  g_autoptr(GPtrArray) visible = g_ptr_array_new ();
  guint start = 0;

  for (guint i = 0; i < self->bases->len; i++)
    if (sandbox_auth_can_see_base (self, auth, self->bases->pdata[i]))
      g_ptr_array_add (visible, self->bases->pdata[i]);

  if (offset != NULL)
    {
      const char *slash = strchr (offset, '/');
      gboolean found = FALSE;

      for (guint i = 0; slash != NULL && i < visible->len; i++)
        if (g_str_equal (((SandboxBase *) visible->pdata[i])->id, slash + 1))
          {
            start = i;
            found = TRUE;
          }
      if (!found || slash - offset != 17 || !g_str_has_prefix (offset, "itr"))
        {
          json_array_unref (bases);
          sandbox_respond_error (msg, 422, "INVALID_OFFSET_VALUE", "The value of offset %s is invalid", offset);
          return;
        }
    }
  for (guint i = start; i < visible->len && i < start + BASES_PAGE; i++)
    {
      SandboxBase *base = visible->pdata[i];
      JsonObject *b = json_object_new ();

      json_object_set_string_member (b, "id", base->id);
      json_object_set_string_member (b, "name", base->name);
      json_object_set_string_member (b, "permissionLevel", sandbox_base_permission (base, auth->user->id));
      json_array_add_object_element (bases, b);
    }
  json_object_set_array_member (reply, "bases", bases);
  if (start + BASES_PAGE < visible->len)
    {
      g_autofree char *itr = sandbox_new_id ("itr");
      g_autofree char *next = g_strconcat (itr, "/", ((SandboxBase *) visible->pdata[start + BASES_PAGE])->id, NULL);

      json_object_set_string_member (reply, "offset", next);
    }
  sandbox_respond_object (msg, 200, reply);
}

static void
base_schema (SandboxServer     *self,
             SoupServerMessage *msg,
             SandboxBase       *base,
             GPtrArray         *query)
{
  g_autoptr(JsonObject) reply = json_object_new ();
  JsonArray *tables = json_array_new ();
  gboolean visible = FALSE;

  for (guint i = 0; i + 1 < query->len; i += 2)
    if (g_str_has_prefix (query->pdata[i], "include") && g_str_equal (query->pdata[i + 1], "visibleFieldIds"))
      visible = TRUE;
  for (guint i = 0; i < base->tables->len; i++)
    json_array_add_object_element (tables, sandbox_table_to_json (base->tables->pdata[i], visible));
  json_object_set_array_member (reply, "tables", tables);
  sandbox_respond_object (msg, 200, reply);
}

static void
create_table (SandboxServer     *self,
              SoupServerMessage *msg,
              SandboxBase       *base,
              JsonObject        *body)
{
  JsonNode *name = json_object_get_member (body, "name");
  JsonNode *description = json_object_get_member (body, "description");
  JsonNode *fields = json_object_get_member (body, "fields");
  g_autoptr(GPtrArray) options = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonObject) reply = NULL;
  SandboxTable *table;
  JsonArray *defs;

  if (!node_is_string (name) || *json_node_get_string (name) == '\0')
    {
      sandbox_respond_error (msg, 422, "INVALID_TABLE_NAME", "Table names must be non-empty");
      return;
    }
  if (table_name_taken (base, json_node_get_string (name), NULL))
    {
      sandbox_respond_error (msg, 422, "DUPLICATE_TABLE_NAME", "A table named \"%s\" already exists", json_node_get_string (name));
      return;
    }
  if (!description_ok (msg, description))
    return;
  if (fields == NULL || !JSON_NODE_HOLDS_ARRAY (fields) || json_array_get_length (json_node_get_array (fields)) == 0)
    {
      sandbox_respond_error (msg, 422, "INVALID_REQUEST_UNKNOWN", "Invalid request: a table needs at least one field.");
      return;
    }
  defs = json_node_get_array (fields);
  for (guint i = 0; i < json_array_get_length (defs); i++)
    {
      JsonNode *def = json_array_get_element (defs, i);
      JsonObject *opts = NULL;
      g_autofree char *folded = NULL;

      if (!validate_field_def (self, msg, base, def, &opts))
        return;
      g_ptr_array_add (options, opts != NULL ? opts : json_object_new ());
      folded = g_utf8_casefold (json_object_get_string_member (json_node_get_object (def), "name"), -1);
      if (g_ptr_array_find_with_equal_func (names, folded, g_str_equal, NULL))
        {
          sandbox_respond_error (msg, 422, "DUPLICATE_OR_EMPTY_FIELD_NAME",
                                 "Field names must be unique (ignoring case): \"%s\"",
                                 json_object_get_string_member (json_node_get_object (def), "name"));
          return;
        }
      g_ptr_array_add (names, g_steal_pointer (&folded));
      if (i == 0 && !g_strv_contains (primary_types, json_object_get_string_member (json_node_get_object (def), "type")))
        {
          sandbox_respond_error (msg, 422, "INVALID_PRIMARY_FIELD_TYPE",
                                 "Field type \"%s\" cannot be the primary field",
                                 json_object_get_string_member (json_node_get_object (def), "type"));
          return;
        }
    }

  table = sandbox_table_new (base, json_node_get_string (name));
  sandbox_changes_table_created (table);
  if (description != NULL)
    table->description = g_strdup (json_node_get_string (description));
  for (guint i = 0; i < json_array_get_length (defs); i++)
    {
      JsonObject *def = json_array_get_object_element (defs, i);
      JsonObject *opts = options->pdata[i];
      SandboxField *field = sandbox_table_add_field (table, json_object_get_string_member (def, "name"),
                                                     json_object_get_string_member (def, "type"),
                                                     json_object_get_size (opts) > 0 ? opts : NULL);

      if (json_object_has_member (def, "description"))
        field->description = g_strdup (json_object_get_string_member (def, "description"));
      if (g_str_equal (field->type, "multipleRecordLinks"))
        sandbox_table_add_inverse_link (self, table, field);
    }
  sandbox_table_add_view (table, "Grid view", "grid");
  reply = sandbox_table_to_json (table, FALSE);
  sandbox_server_changed (self);
  sandbox_respond_object (msg, 200, reply);
}

static void
update_table (SandboxServer     *self,
              SoupServerMessage *msg,
              SandboxBase       *base,
              SandboxTable      *table,
              JsonObject        *body)
{
  JsonNode *name = json_object_get_member (body, "name");
  JsonNode *description = json_object_get_member (body, "description");
  g_autoptr(JsonObject) reply = NULL;

  if (name == NULL && description == NULL && !json_object_has_member (body, "dateDependencySettings"))
    {
      sandbox_respond_error (msg, 422, "INVALID_REQUEST_UNKNOWN",
                             "Invalid request: provide at least one of name, description.");
      return;
    }
  if (name != NULL)
    {
      if (!node_is_string (name) || *json_node_get_string (name) == '\0')
        {
          sandbox_respond_error (msg, 422, "INVALID_TABLE_NAME", "Table names must be non-empty");
          return;
        }
      if (table_name_taken (base, json_node_get_string (name), table))
        {
          sandbox_respond_error (msg, 422, "DUPLICATE_TABLE_NAME", "A table named \"%s\" already exists", json_node_get_string (name));
          return;
        }
    }
  if (!description_ok (msg, description))
    return;
  sandbox_changes_table_metadata (table);
  if (name != NULL)
    {
      g_free (table->name);
      table->name = g_strdup (json_node_get_string (name));
    }
  if (description != NULL)
    {
      g_free (table->description);
      table->description = g_strdup (json_node_get_string (description));
    }
  reply = sandbox_table_to_json (table, FALSE);
  sandbox_server_changed (self);
  sandbox_respond_object (msg, 200, reply);
}

static void
create_field (SandboxServer     *self,
              SoupServerMessage *msg,
              SandboxBase       *base,
              SandboxTable      *table,
              JsonObject        *body)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), body);
  JsonObject *options = NULL;
  SandboxField *field;
  g_autoptr(JsonObject) reply = NULL;
  const char *name;

  if (!validate_field_def (self, msg, base, node, &options))
    return;
  name = json_object_get_string_member (body, "name");
  if (sandbox_table_find_field_ci (table, name) != NULL)
    {
      g_clear_pointer (&options, json_object_unref);
      sandbox_respond_error (msg, 422, "DUPLICATE_OR_EMPTY_FIELD_NAME",
                             "Field names must be unique (ignoring case): \"%s\"", name);
      return;
    }
  field = sandbox_table_add_field (table, name, json_object_get_string_member (body, "type"), options);
  g_clear_pointer (&options, json_object_unref);
  sandbox_changes_field_created (table, field);
  if (json_object_has_member (body, "description"))
    field->description = g_strdup (json_object_get_string_member (body, "description"));
  if (g_str_equal (field->type, "multipleRecordLinks"))
    sandbox_table_add_inverse_link (self, table, field);
  reply = sandbox_field_to_json (field);
  sandbox_server_changed (self);
  sandbox_respond_object (msg, 200, reply);
}

static void
update_field (SandboxServer     *self,
              SoupServerMessage *msg,
              SandboxTable      *table,
              SandboxField      *field,
              JsonObject        *body)
{
  JsonNode *name = json_object_get_member (body, "name");
  JsonNode *description = json_object_get_member (body, "description");
  JsonNode *options = json_object_get_member (body, "options");
  JsonNode *type = json_object_get_member (body, "type");
  JsonObject *new_options = NULL;
  g_autoptr(JsonObject) reply = NULL;

  if (type != NULL && (!node_is_string (type) || !g_str_equal (json_node_get_string (type), field->type)))
    {
      sandbox_respond_error (msg, 422, "INVALID_REQUEST_UNKNOWN", "Invalid request: the type of a field cannot be changed.");
      return;
    }
  if (name == NULL && description == NULL && options == NULL)
    {
      sandbox_respond_error (msg, 422, "INVALID_REQUEST_UNKNOWN",
                             "Invalid request: provide at least one of name, description, options.");
      return;
    }
  if (name != NULL)
    {
      SandboxField *other;

      if (!node_is_string (name) || *json_node_get_string (name) == '\0')
        {
          sandbox_respond_error (msg, 422, "DUPLICATE_OR_EMPTY_FIELD_NAME", "Field names must be non-empty");
          return;
        }
      other = sandbox_table_find_field_ci (table, json_node_get_string (name));
      if (other != NULL && other != field)
        {
          sandbox_respond_error (msg, 422, "DUPLICATE_OR_EMPTY_FIELD_NAME",
                                 "Field names must be unique (ignoring case): \"%s\"", json_node_get_string (name));
          return;
        }
    }
  if (!description_ok (msg, description))
    return;
  if (options != NULL)
    {
      JsonNode *formula;
      gboolean valid = FALSE;

      if (!g_str_equal (field->type, "formula"))
        {
          sandbox_respond_error (msg, 422, "INVALID_FIELD_TYPE_OPTIONS_FOR_UPDATE",
                                 "The options of a %s field cannot be updated", field->type);
          return;
        }
      formula = JSON_NODE_HOLDS_OBJECT (options) ? json_object_get_member (json_node_get_object (options), "formula") : NULL;
      if (!node_is_string (formula))
        {
          sandbox_respond_error (msg, 422, "INVALID_FIELD_TYPE_OPTIONS_FOR_UPDATE", "options.formula must be a string");
          return;
        }
      new_options = sandbox_formula_field_options (table, json_node_get_string (formula), &valid);
      if (!valid)
        {
          json_object_unref (new_options);
          sandbox_respond_error (msg, 422, "INVALID_FIELD_TYPE_OPTIONS_FOR_UPDATE",
                                 "The formula is invalid: %s", json_node_get_string (formula));
          return;
        }
    }

  sandbox_changes_field_changed (table, field);
  if (new_options != NULL)
    {
      /* every record's value of the formula may change */
      for (guint i = 0; i < table->records->len; i++)
        sandbox_changes_touch_linked (table, table->records->pdata[i]);
    }
  if (name != NULL)
    {
      g_free (field->name);
      field->name = g_strdup (json_node_get_string (name));
    }
  if (description != NULL)
    {
      g_free (field->description);
      field->description = g_strdup (json_node_get_string (description));
    }
  if (new_options != NULL)
    {
      g_clear_pointer (&field->options, json_object_unref);
      field->options = new_options;
      g_clear_pointer (&field->formula, sandbox_formula_free);
      field->formula_failed = FALSE;
    }
  reply = sandbox_field_to_json (field);
  sandbox_server_changed (self);
  sandbox_respond_object (msg, 200, reply);
}

void
sandbox_meta_handle (SandboxServer     *self,
                     SoupServerMessage *msg,
                     SandboxAuth       *auth,
                     char             **segments,
                     guint              n_segments,
                     GPtrArray         *query)
{
  const char *method = soup_server_message_get_method (msg);
  gboolean is_get = g_str_equal (method, "GET");
  gboolean is_post = g_str_equal (method, "POST");
  gboolean is_patch = g_str_equal (method, "PATCH");
  SandboxBase *base;
  SandboxTable *table = NULL;
  g_autoptr(JsonNode) body_node = NULL;
  JsonObject *body = NULL;
  const char *level;
  g_autofree char *joined = NULL;
  char *joined_segments[5];

  if (n_segments == 1 && g_str_equal (segments[0], "whoami") && is_get)
    {
      whoami (self, msg, auth);
      return;
    }
  if (n_segments == 1 && g_str_equal (segments[0], "bases") && is_get)
    {
      if (!sandbox_auth_has_scope (auth, "schema.bases:read"))
        sandbox_respond_forbidden (msg);
      else
        list_bases (self, msg, auth, query);
      return;
    }
  if (n_segments > 4 && !g_str_equal (segments[4], "fields"))
    {
      /* a table name with "/" in it (the path arrives decoded) */
      g_autoptr(GString) name = g_string_new (segments[3]);

      for (guint i = 4; i < n_segments; i++)
        g_string_append_printf (name, "/%s", segments[i]);
      joined = g_string_free (g_steal_pointer (&name), FALSE);
      joined_segments[0] = segments[0];
      joined_segments[1] = segments[1];
      joined_segments[2] = segments[2];
      joined_segments[3] = joined;
      joined_segments[4] = NULL;
      segments = joined_segments;
      n_segments = 4;
    }
  if (n_segments < 3 || !g_str_equal (segments[0], "bases") || !g_str_equal (segments[2], "tables")
      || n_segments > 6 || (n_segments >= 5 && !g_str_equal (segments[4], "fields")))
    {
      sandbox_respond_not_found (msg);
      return;
    }

  /* which operation, and what it needs */
  if (n_segments == 3 && is_get)
    level = "read";
  else if ((n_segments == 3 && is_post) || (n_segments == 4 && is_patch)
           || (n_segments == 5 && is_post) || (n_segments == 6 && is_patch))
    level = "create";
  else
    {
      sandbox_respond_not_found (msg);
      return;
    }

  base = sandbox_server_find_base (self, segments[1]);
  if (!sandbox_auth_has_scope (auth, g_str_equal (level, "read") ? "schema.bases:read" : "schema.bases:write")
      || !sandbox_auth_can_see_base (self, auth, base)
      || (g_str_equal (level, "create") && g_strcmp0 (sandbox_base_permission (base, auth->user->id), "create") != 0))
    {
      sandbox_respond_forbidden (msg);
      return;
    }
  if (!sandbox_server_check_base_rate (self, msg, base))
    return;

  if (n_segments >= 4)
    {
      table = sandbox_base_find_table (base, segments[3]);
      if (table == NULL)
        {
          sandbox_respond_error (msg, 404, "TABLE_NOT_FOUND", "Could not find table %s in application %s", segments[3], base->id);
          return;
        }
    }
  if (!is_get)
    {
      body_node = sandbox_parse_body (msg, soup_server_message_get_request_body (msg), FALSE);
      if (body_node == NULL)
        {
          SoupMessageBody *raw = soup_server_message_get_request_body (msg);

          if (raw == NULL || raw->length == 0)
            sandbox_respond_invalid_request (msg);
          return;
        }
      body = json_node_get_object (body_node);
    }

  if (n_segments == 3)
    {
      if (is_get)
        base_schema (self, msg, base, query);
      else
        create_table (self, msg, base, body);
    }
  else if (n_segments == 4)
    update_table (self, msg, base, table, body);
  else if (n_segments == 5)
    create_field (self, msg, base, table, body);
  else
    {
      SandboxField *field = sandbox_table_find_field (table, segments[5]);

      if (field == NULL)
        {
          sandbox_respond_error (msg, 404, "FIELD_NOT_FOUND", "Could not find field %s in table %s", segments[5], table->name);
          return;
        }
      update_field (self, msg, table, field, body);
    }
}
