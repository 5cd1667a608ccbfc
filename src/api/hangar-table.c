/* hangar-table.c — an Airtable table's schema
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-model-private.h"
#include "hangar-table.h"

struct _HangarTable
{
  GObject     parent_instance;

  char       *id;
  char       *name;
  char       *description;
  char       *primary_field_id;
  GPtrArray  *fields;  /* HangarField */
  GPtrArray  *views;   /* HangarView */
};

G_DEFINE_FINAL_TYPE (HangarTable, hangar_table, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_DESCRIPTION,
  PROP_PRIMARY_FIELD_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
hangar_table_finalize (GObject *object)
{
  HangarTable *self = (HangarTable *) object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->primary_field_id, g_free);
  g_clear_pointer (&self->fields, g_ptr_array_unref);
  g_clear_pointer (&self->views, g_ptr_array_unref);

  G_OBJECT_CLASS (hangar_table_parent_class)->finalize (object);
}

static void
hangar_table_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  HangarTable *self = HANGAR_TABLE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;
    case PROP_PRIMARY_FIELD_ID:
      g_value_set_string (value, self->primary_field_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_table_class_init (HangarTableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hangar_table_finalize;
  object_class->get_property = hangar_table_get_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PRIMARY_FIELD_ID] =
    g_param_spec_string ("primary-field-id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_table_init (HangarTable *self)
{
}

static GPtrArray *
parse_children (JsonArray            *array,
                const char           *member,
                const char           *what,
                HangarModelFromJson   ctor,
                GError              **error)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func (g_object_unref);

  if (array == NULL)
    return g_steal_pointer (&result);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      gpointer child;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          _hangar_set_invalid_response (error, "%s[%u] is %s, not an object",
                                        member, i, _hangar_json_node_type_name (element));
          return NULL;
        }
      child = ctor (json_node_get_object (element), error);
      if (child == NULL)
        return NULL;
      g_ptr_array_add (result, child);
    }

  return g_steal_pointer (&result);
}

/**
 * hangar_table_new_from_json:
 * @object: a Table model `{"id","name","description"?,"primaryFieldId","fields","views"?}`
 * @error: return location for a %HANGAR_API_ERROR_INVALID_RESPONSE
 *
 * Every field and view is checked; unknown field types are kept as
 * %HANGAR_FIELD_TYPE_UNKNOWN, unknown members ignored.
 *
 * Returns: (transfer full) (nullable): the table
 */
HangarTable *
hangar_table_new_from_json (JsonObject  *object,
                            GError     **error)
{
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(GPtrArray) views = NULL;
  HangarTable *self;
  const char *id, *name, *description, *primary;
  JsonArray *fields_array, *views_array;

  g_return_val_if_fail (object != NULL, NULL);

  if (!_hangar_json_get_string (object, "id", TRUE, "a table", &id, error))
    return NULL;

  if (!_hangar_json_get_string (object, "name", TRUE, "a table", &name, error) ||
      !_hangar_json_get_string (object, "description", FALSE, "a table", &description, error) ||
      !_hangar_json_get_string (object, "primaryFieldId", TRUE, "a table", &primary, error) ||
      !_hangar_json_get_array (object, "fields", TRUE, "a table", &fields_array, error) ||
      !_hangar_json_get_array (object, "views", FALSE, "a table", &views_array, error) ||
      !(fields = parse_children (fields_array, "fields", "field",
                                 (HangarModelFromJson) hangar_field_new_from_json, error)) ||
      !(views = parse_children (views_array, "views", "view",
                                (HangarModelFromJson) hangar_view_new_from_json, error)))
    {
      g_prefix_error (error, "Table %s: ", id);
      return NULL;
    }

  self = g_object_new (HANGAR_TYPE_TABLE, NULL);
  self->id = g_strdup (id);
  self->name = g_strdup (name);
  self->description = g_strdup (description);
  self->primary_field_id = g_strdup (primary);
  self->fields = g_steal_pointer (&fields);
  self->views = g_steal_pointer (&views);
  return self;
}

/**
 * hangar_table_list_from_json:
 * @tables_response: the base schema response `{"tables": [...]}`
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type HangarTable): the tables in order
 */
GPtrArray *
hangar_table_list_from_json (JsonNode  *tables_response,
                             GError   **error)
{
  return _hangar_model_list_from_json (tables_response, "tables", "table",
                                       (HangarModelFromJson) hangar_table_new_from_json,
                                       error);
}

const char *
hangar_table_get_id (HangarTable *self)
{
  g_return_val_if_fail (HANGAR_IS_TABLE (self), NULL);
  return self->id;
}

const char *
hangar_table_get_name (HangarTable *self)
{
  g_return_val_if_fail (HANGAR_IS_TABLE (self), NULL);
  return self->name;
}

const char *
hangar_table_get_description (HangarTable *self)
{
  g_return_val_if_fail (HANGAR_IS_TABLE (self), NULL);
  return self->description;
}

const char *
hangar_table_get_primary_field_id (HangarTable *self)
{
  g_return_val_if_fail (HANGAR_IS_TABLE (self), NULL);
  return self->primary_field_id;
}

/**
 * hangar_table_get_primary_field:
 *
 * Returns: (transfer none) (nullable): the primary field, %NULL when the
 *   schema names one it does not list
 */
HangarField *
hangar_table_get_primary_field (HangarTable *self)
{
  g_return_val_if_fail (HANGAR_IS_TABLE (self), NULL);

  for (guint i = 0; i < self->fields->len; i++)
    if (g_strcmp0 (hangar_field_get_id (g_ptr_array_index (self->fields, i)), self->primary_field_id) == 0)
      return g_ptr_array_index (self->fields, i);
  return NULL;
}

/**
 * hangar_table_get_fields:
 *
 * Returns: (transfer none) (element-type HangarField): the fields in order
 */
GPtrArray *
hangar_table_get_fields (HangarTable *self)
{
  g_return_val_if_fail (HANGAR_IS_TABLE (self), NULL);
  return self->fields;
}

/**
 * hangar_table_get_views:
 *
 * Returns: (transfer none) (element-type HangarView): the views in order
 */
GPtrArray *
hangar_table_get_views (HangarTable *self)
{
  g_return_val_if_fail (HANGAR_IS_TABLE (self), NULL);
  return self->views;
}

/**
 * hangar_table_lookup_field:
 * @name_or_id: a field id (`fld…`) or its exact name
 *
 * Ids win over names, then exact names, then names ignoring case (Airtable
 * keeps names unique ignoring case).
 *
 * Returns: (transfer none) (nullable): the field
 */
HangarField *
hangar_table_lookup_field (HangarTable *self,
                           const char  *name_or_id)
{
  g_return_val_if_fail (HANGAR_IS_TABLE (self), NULL);
  g_return_val_if_fail (name_or_id != NULL, NULL);

  for (guint i = 0; i < self->fields->len; i++)
    if (g_strcmp0 (hangar_field_get_id (g_ptr_array_index (self->fields, i)), name_or_id) == 0)
      return g_ptr_array_index (self->fields, i);
  for (guint i = 0; i < self->fields->len; i++)
    if (g_strcmp0 (hangar_field_get_name (g_ptr_array_index (self->fields, i)), name_or_id) == 0)
      return g_ptr_array_index (self->fields, i);
  for (guint i = 0; i < self->fields->len; i++)
    {
      g_autofree char *a = g_utf8_casefold (hangar_field_get_name (g_ptr_array_index (self->fields, i)), -1);
      g_autofree char *b = g_utf8_casefold (name_or_id, -1);

      if (g_strcmp0 (a, b) == 0)
        return g_ptr_array_index (self->fields, i);
    }
  return NULL;
}

/**
 * hangar_table_lookup_view:
 * @name_or_id: a view id (`viw…`) or its exact name
 *
 * Returns: (transfer none) (nullable): the view
 */
HangarView *
hangar_table_lookup_view (HangarTable *self,
                          const char  *name_or_id)
{
  g_return_val_if_fail (HANGAR_IS_TABLE (self), NULL);
  g_return_val_if_fail (name_or_id != NULL, NULL);

  for (guint i = 0; i < self->views->len; i++)
    if (g_strcmp0 (hangar_view_get_id (g_ptr_array_index (self->views, i)), name_or_id) == 0)
      return g_ptr_array_index (self->views, i);
  for (guint i = 0; i < self->views->len; i++)
    if (g_strcmp0 (hangar_view_get_name (g_ptr_array_index (self->views, i)), name_or_id) == 0)
      return g_ptr_array_index (self->views, i);
  return NULL;
}

/**
 * hangar_table_list_lookup:
 * @tables: (element-type HangarTable): tables of a base
 * @name_or_id: a table id (`tbl…`) or its exact name
 *
 * Returns: (transfer none) (nullable): the table
 */
HangarTable *
hangar_table_list_lookup (GPtrArray  *tables,
                          const char *name_or_id)
{
  g_return_val_if_fail (tables != NULL, NULL);
  g_return_val_if_fail (name_or_id != NULL, NULL);

  for (guint i = 0; i < tables->len; i++)
    if (g_strcmp0 (hangar_table_get_id (g_ptr_array_index (tables, i)), name_or_id) == 0)
      return g_ptr_array_index (tables, i);
  for (guint i = 0; i < tables->len; i++)
    if (g_strcmp0 (hangar_table_get_name (g_ptr_array_index (tables, i)), name_or_id) == 0)
      return g_ptr_array_index (tables, i);
  return NULL;
}

/**
 * hangar_table_to_json:
 *
 * Returns: (transfer full): `{"id","name","description"?,"primaryFieldId",
 *   "fields":[{"id","name","type","description"?,"options"?}],"views":[…]}`
 */
JsonNode *
hangar_table_to_json (HangarTable *self)
{
  g_autoptr(JsonObject) object = json_object_new ();
  JsonArray *fields = json_array_new ();
  JsonArray *views = json_array_new ();

  g_return_val_if_fail (HANGAR_IS_TABLE (self), NULL);

  json_object_set_string_member (object, "id", self->id);
  json_object_set_string_member (object, "name", self->name);
  if (self->description != NULL)
    json_object_set_string_member (object, "description", self->description);
  json_object_set_string_member (object, "primaryFieldId", self->primary_field_id);

  for (guint i = 0; i < self->fields->len; i++)
    {
      HangarField *field = g_ptr_array_index (self->fields, i);
      g_autoptr(JsonNode) write = hangar_field_to_json (field);
      JsonObject *with_id = json_object_new ();
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_set_string_member (with_id, "id", hangar_field_get_id (field));
      json_object_iter_init_ordered (&iter, json_node_get_object (write));
      while (json_object_iter_next_ordered (&iter, &name, &member))
        json_object_set_member (with_id, name, json_node_ref (member));
      json_array_add_object_element (fields, with_id);
    }
  json_object_set_array_member (object, "fields", fields);

  for (guint i = 0; i < self->views->len; i++)
    json_array_add_element (views, hangar_view_to_json (g_ptr_array_index (self->views, i)));
  json_object_set_array_member (object, "views", views);

  return json_node_init_object (json_node_alloc (), object);
}
