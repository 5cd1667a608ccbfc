/* hangar-view-settings.c — what the grid remembers of one table
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hangar-formula-refs.h"
#include "hangar-schema-drift.h"
#include "hangar-store.h"
#include "hangar-view-settings.h"

/* The stored form's version; a newer one is not read (another Hangar's). */
#define SETTINGS_VERSION 1

G_DEFINE_BOXED_TYPE (HangarViewSettings, hangar_view_settings,
                     hangar_view_settings_copy, hangar_view_settings_free)

static void
sort_free (HangarViewSort *sort)
{
  g_free (sort->field_id);
  g_free (sort);
}

static void
condition_free (HangarViewCondition *condition)
{
  g_free (condition->field_id);
  g_free (condition->op);
  g_free (condition->value);
  g_free (condition);
}

HangarViewSettings *
hangar_view_settings_new (void)
{
  HangarViewSettings *self = g_new0 (HangarViewSettings, 1);

  self->sorts = g_ptr_array_new_with_free_func ((GDestroyNotify) sort_free);
  self->conditions = g_ptr_array_new_with_free_func ((GDestroyNotify) condition_free);
  self->hidden = g_ptr_array_new_with_free_func (g_free);
  self->order = g_ptr_array_new_with_free_func (g_free);
  self->widths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return self;
}

void
hangar_view_settings_free (HangarViewSettings *self)
{
  if (self == NULL)
    return;
  g_free (self->view_id);
  g_free (self->filter_formula);
  g_free (self->search);
  g_ptr_array_unref (self->sorts);
  g_ptr_array_unref (self->conditions);
  g_ptr_array_unref (self->hidden);
  g_ptr_array_unref (self->order);
  g_hash_table_unref (self->widths);
  g_free (self);
}

void
hangar_view_settings_add_sort (HangarViewSettings *self,
                               const char         *field_id,
                               gboolean            descending)
{
  HangarViewSort *sort = g_new0 (HangarViewSort, 1);

  sort->field_id = g_strdup (field_id);
  sort->descending = descending;
  g_ptr_array_add (self->sorts, sort);
}

void
hangar_view_settings_add_condition (HangarViewSettings *self,
                                    const char         *field_id,
                                    const char         *op,
                                    const char         *value)
{
  HangarViewCondition *condition = g_new0 (HangarViewCondition, 1);

  condition->field_id = g_strdup (field_id);
  condition->op = g_strdup (op);
  condition->value = g_strdup (value);
  g_ptr_array_add (self->conditions, condition);
}

HangarViewSettings *
hangar_view_settings_copy (HangarViewSettings *self)
{
  HangarViewSettings *copy = hangar_view_settings_new ();
  GHashTableIter iter;
  gpointer key, value;

  copy->view_id = g_strdup (self->view_id);
  copy->filter_is_formula = self->filter_is_formula;
  copy->filter_formula = g_strdup (self->filter_formula);
  copy->filter_match_any = self->filter_match_any;
  copy->search = g_strdup (self->search);
  for (guint i = 0; i < self->sorts->len; i++)
    {
      HangarViewSort *sort = g_ptr_array_index (self->sorts, i);

      hangar_view_settings_add_sort (copy, sort->field_id, sort->descending);
    }
  for (guint i = 0; i < self->conditions->len; i++)
    {
      HangarViewCondition *condition = g_ptr_array_index (self->conditions, i);

      hangar_view_settings_add_condition (copy, condition->field_id, condition->op, condition->value);
    }
  for (guint i = 0; i < self->hidden->len; i++)
    g_ptr_array_add (copy->hidden, g_strdup (g_ptr_array_index (self->hidden, i)));
  for (guint i = 0; i < self->order->len; i++)
    g_ptr_array_add (copy->order, g_strdup (g_ptr_array_index (self->order, i)));
  g_hash_table_iter_init (&iter, self->widths);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy->widths, g_strdup (key), value);
  return copy;
}

gboolean
hangar_view_settings_is_empty (HangarViewSettings *self)
{
  return self->view_id == NULL && self->sorts->len == 0 && self->filter_formula == NULL &&
         self->conditions->len == 0 && self->search == NULL && self->hidden->len == 0 &&
         self->order->len == 0 && g_hash_table_size (self->widths) == 0;
}

/* ---- JSON ---- */

static void
set_string (JsonObject *object,
            const char *name,
            const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, name, value);
}

static JsonArray *
strings_array (GPtrArray *strings)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < strings->len; i++)
    json_array_add_string_element (array, g_ptr_array_index (strings, i));
  return array;
}

JsonNode *
hangar_view_settings_to_json (HangarViewSettings *self)
{
  g_autoptr(JsonObject) object = json_object_new ();
  JsonArray *sorts = json_array_new ();
  JsonArray *conditions = json_array_new ();
  JsonObject *widths = json_object_new ();
  g_autoptr(GList) keys = NULL;

  json_object_set_int_member (object, "version", SETTINGS_VERSION);
  set_string (object, "view", self->view_id);
  for (guint i = 0; i < self->sorts->len; i++)
    {
      HangarViewSort *sort = g_ptr_array_index (self->sorts, i);
      JsonObject *item = json_object_new ();

      json_object_set_string_member (item, "field", sort->field_id);
      json_object_set_boolean_member (item, "descending", sort->descending);
      json_array_add_object_element (sorts, item);
    }
  json_object_set_array_member (object, "sort", sorts);
  json_object_set_boolean_member (object, "filterIsFormula", self->filter_is_formula);
  set_string (object, "filterFormula", self->filter_formula);
  json_object_set_boolean_member (object, "filterMatchAny", self->filter_match_any);
  for (guint i = 0; i < self->conditions->len; i++)
    {
      HangarViewCondition *condition = g_ptr_array_index (self->conditions, i);
      JsonObject *item = json_object_new ();

      json_object_set_string_member (item, "field", condition->field_id);
      json_object_set_string_member (item, "op", condition->op);
      set_string (item, "value", condition->value);
      json_array_add_object_element (conditions, item);
    }
  json_object_set_array_member (object, "conditions", conditions);
  set_string (object, "search", self->search);
  json_object_set_array_member (object, "hidden", strings_array (self->hidden));
  json_object_set_array_member (object, "order", strings_array (self->order));
  /* Sorted, so that the same settings always read the same. */
  keys = g_list_sort (g_hash_table_get_keys (self->widths), (GCompareFunc) strcmp);
  for (GList *l = keys; l != NULL; l = l->next)
    json_object_set_int_member (widths, l->data, GPOINTER_TO_INT (g_hash_table_lookup (self->widths, l->data)));
  json_object_set_object_member (object, "widths", widths);
  return json_node_init_object (json_node_alloc (), object);
}

static const char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
get_boolean (JsonObject *object,
             const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN &&
         json_node_get_boolean (node);
}

static JsonArray *
get_array (JsonObject *object,
           const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonObject *
element_object (JsonArray *array,
                guint      i)
{
  JsonNode *node = json_array_get_element (array, i);

  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static void
read_strings (JsonArray *array,
              GPtrArray *into)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_ptr_array_add (into, g_strdup (json_node_get_string (node)));
    }
}

HangarViewSettings *
hangar_view_settings_from_json (JsonNode  *node,
                                GError   **error)
{
  g_autoptr(HangarViewSettings) self = NULL;
  JsonObject *object;
  JsonNode *version;
  JsonNode *widths;
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, HANGAR_STORE_ERROR, HANGAR_STORE_ERROR_CORRUPT,
                           "The saved view settings are not an object");
      return NULL;
    }
  object = json_node_get_object (node);
  version = json_object_get_member (object, "version");
  if (version == NULL || !JSON_NODE_HOLDS_VALUE (version) || json_node_get_value_type (version) != G_TYPE_INT64 ||
      json_node_get_int (version) < 1)
    {
      g_set_error_literal (error, HANGAR_STORE_ERROR, HANGAR_STORE_ERROR_CORRUPT,
                           "The saved view settings have no version");
      return NULL;
    }
  if (json_node_get_int (version) > SETTINGS_VERSION)
    {
      g_set_error_literal (error, HANGAR_STORE_ERROR, HANGAR_STORE_ERROR_NEWER,
                           "The saved view settings were written by a newer Hangar");
      return NULL;
    }

  self = hangar_view_settings_new ();
  self->view_id = g_strdup (get_string (object, "view"));
  array = get_array (object, "sort");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *item = element_object (array, i);

      if (get_string (item, "field") != NULL)
        hangar_view_settings_add_sort (self, get_string (item, "field"), get_boolean (item, "descending"));
    }
  self->filter_is_formula = get_boolean (object, "filterIsFormula");
  self->filter_formula = g_strdup (get_string (object, "filterFormula"));
  self->filter_match_any = get_boolean (object, "filterMatchAny");
  array = get_array (object, "conditions");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *item = element_object (array, i);

      if (get_string (item, "field") != NULL && get_string (item, "op") != NULL)
        hangar_view_settings_add_condition (self, get_string (item, "field"), get_string (item, "op"),
                                            get_string (item, "value"));
    }
  self->search = g_strdup (get_string (object, "search"));
  read_strings (get_array (object, "hidden"), self->hidden);
  read_strings (get_array (object, "order"), self->order);
  widths = json_object_get_member (object, "widths");
  if (widths != NULL && JSON_NODE_HOLDS_OBJECT (widths))
    {
      g_autoptr(GList) members = json_object_get_members (json_node_get_object (widths));

      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *width = json_object_get_member (json_node_get_object (widths), l->data);

          /* A width a window could show; anything else was not ours. */
          if (JSON_NODE_HOLDS_VALUE (width) && json_node_get_value_type (width) == G_TYPE_INT64 &&
              json_node_get_int (width) > 0 && json_node_get_int (width) <= 10000)
            g_hash_table_insert (self->widths, g_strdup (l->data), GINT_TO_POINTER ((int) json_node_get_int (width)));
        }
    }
  return g_steal_pointer (&self);
}

/* ---- formulas ---- */

typedef struct
{
  HangarTable *table;
  guint        missing;
} RefsData;

static HangarField *
field_with_id (HangarTable *table,
               const char  *id)
{
  GPtrArray *fields = hangar_table_get_fields (table);

  for (guint i = 0; fields != NULL && i < fields->len; i++)
    if (g_strcmp0 (hangar_field_get_id (g_ptr_array_index (fields, i)), id) == 0)
      return g_ptr_array_index (fields, i);
  return NULL;
}

static HangarField *
field_named (HangarTable *table,
             const char  *name)
{
  GPtrArray *fields = hangar_table_get_fields (table);

  /* Formula references match names exactly. */
  for (guint i = 0; fields != NULL && i < fields->len; i++)
    if (g_strcmp0 (hangar_field_get_name (g_ptr_array_index (fields, i)), name) == 0)
      return g_ptr_array_index (fields, i);
  return NULL;
}

/* Whether @ref looks like a field id (fld + 14 letters and digits). */
static gboolean
is_field_id (const char *ref)
{
  if (!g_str_has_prefix (ref, "fld") || strlen (ref) != 17)
    return FALSE;
  for (const char *p = ref + 3; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;
  return TRUE;
}

static char *
to_id_cb (const char *ref,
          gboolean    braced,
          gpointer    user_data)
{
  RefsData *data = user_data;
  HangarField *field = field_named (data->table, ref);

  if (field == NULL && braced && is_field_id (ref))
    field = field_with_id (data->table, ref);
  return field != NULL ? g_strdup (hangar_field_get_id (field)) : NULL;
}

static char *
to_name_cb (const char *ref,
            gboolean    braced,
            gpointer    user_data)
{
  RefsData *data = user_data;
  HangarField *field;

  if (!braced || !is_field_id (ref))
    return NULL;
  field = field_with_id (data->table, ref);
  if (field == NULL)
    {
      data->missing++;
      return NULL;
    }
  return g_strdup (hangar_field_get_name (field));
}

char *
hangar_view_settings_formula_to_ids (const char  *formula,
                                     HangarTable *table)
{
  RefsData data = { table, 0 };

  g_return_val_if_fail (formula != NULL, NULL);
  g_return_val_if_fail (HANGAR_IS_TABLE (table), NULL);

  return hangar_formula_rewrite_refs (formula, to_id_cb, &data, NULL);
}

char *
hangar_view_settings_formula_to_names (const char  *formula,
                                       HangarTable *table,
                                       guint       *n_missing)
{
  RefsData data = { table, 0 };
  char *text;

  g_return_val_if_fail (formula != NULL, NULL);
  g_return_val_if_fail (HANGAR_IS_TABLE (table), NULL);

  text = hangar_formula_rewrite_refs (formula, to_name_cb, &data, NULL);
  if (n_missing != NULL)
    *n_missing = data.missing;
  return text;
}

/* ---- reconcile ---- */

static void
remove_missing_ids (GPtrArray   *ids,
                    HangarTable *table)
{
  for (guint i = ids->len; i > 0; i--)
    if (field_with_id (table, g_ptr_array_index (ids, i - 1)) == NULL)
      g_ptr_array_remove_index (ids, i - 1);
}

/* The sentence for a dropped setting, naming the field when it is known. */
static char *
gone_message (const char *what,
              const char *field_id,
              GPtrArray  *shown)
{
  for (guint i = 0; shown != NULL && i < shown->len; i++)
    {
      HangarShownField *field = g_ptr_array_index (shown, i);

      if (g_strcmp0 (field->id, field_id) == 0)
        return g_strdup_printf ("%s on “%s” was removed: the field is gone.", what, field->name);
    }
  return g_strdup_printf ("%s was removed: its field is gone.", what);
}

char **
hangar_view_settings_reconcile (HangarViewSettings *self,
                                HangarTable        *table,
                                GPtrArray          *shown)
{
  g_autoptr(GPtrArray) messages = g_ptr_array_new ();
  GPtrArray *fields;
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (HANGAR_IS_TABLE (table), NULL);

  fields = hangar_table_get_fields (table);

  if (self->view_id != NULL && hangar_table_lookup_view (table, self->view_id) == NULL)
    {
      g_ptr_array_add (messages, g_strdup ("The view you had chosen is gone; all records are shown."));
      g_clear_pointer (&self->view_id, g_free);
    }

  for (guint i = 0; i < self->sorts->len;)
    {
      HangarViewSort *sort = g_ptr_array_index (self->sorts, i);

      if (field_with_id (table, sort->field_id) == NULL)
        {
          g_ptr_array_add (messages, gone_message ("The sort", sort->field_id, shown));
          g_ptr_array_remove_index (self->sorts, i);
        }
      else
        i++;
    }

  for (guint i = 0; i < self->conditions->len;)
    {
      HangarViewCondition *condition = g_ptr_array_index (self->conditions, i);

      if (field_with_id (table, condition->field_id) == NULL)
        {
          g_ptr_array_add (messages, gone_message ("A filter condition", condition->field_id, shown));
          g_ptr_array_remove_index (self->conditions, i);
        }
      else
        i++;
    }

  if (self->filter_formula != NULL)
    {
      guint missing = 0;
      g_autofree char *named = hangar_view_settings_formula_to_names (self->filter_formula, table, &missing);

      if (missing > 0)
        {
          g_ptr_array_add (messages, g_strdup ("The filter formula was removed: a field it used is gone."));
          g_clear_pointer (&self->filter_formula, g_free);
          self->filter_is_formula = FALSE;
        }
    }

  remove_missing_ids (self->hidden, table);
  remove_missing_ids (self->order, table);
  g_hash_table_iter_init (&iter, self->widths);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (field_with_id (table, key) == NULL)
      g_hash_table_iter_remove (&iter);

  /* New fields take the end of a saved order. */
  if (self->order->len > 0)
    for (guint i = 0; fields != NULL && i < fields->len; i++)
      {
        const char *id = hangar_field_get_id (g_ptr_array_index (fields, i));

        if (!g_ptr_array_find_with_equal_func (self->order, id, g_str_equal, NULL))
          g_ptr_array_add (self->order, g_strdup (id));
      }

  g_ptr_array_add (messages, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&messages), FALSE);
}
