/* hangar-view.c — a view of an Airtable table
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-model-private.h"
#include "hangar-view.h"

struct _HangarView
{
  GObject   parent_instance;

  char     *id;
  char     *name;
  char     *view_type;
  char    **visible_field_ids;
};

G_DEFINE_FINAL_TYPE (HangarView, hangar_view, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_VIEW_TYPE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
hangar_view_finalize (GObject *object)
{
  HangarView *self = (HangarView *) object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->view_type, g_free);
  g_clear_pointer (&self->visible_field_ids, g_strfreev);

  G_OBJECT_CLASS (hangar_view_parent_class)->finalize (object);
}

static void
hangar_view_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  HangarView *self = HANGAR_VIEW (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_VIEW_TYPE:
      g_value_set_string (value, self->view_type);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_view_class_init (HangarViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hangar_view_finalize;
  object_class->get_property = hangar_view_get_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_VIEW_TYPE] =
    g_param_spec_string ("view-type", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_view_init (HangarView *self)
{
}

/**
 * hangar_view_new_from_json:
 * @object: `{"id","name","type","visibleFieldIds"?}`
 * @error: return location for a %HANGAR_API_ERROR_INVALID_RESPONSE
 *
 * Returns: (transfer full) (nullable): the view
 */
HangarView *
hangar_view_new_from_json (JsonObject  *object,
                           GError     **error)
{
  HangarView *self;
  const char *id, *name, *type;
  JsonArray *visible = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;

  g_return_val_if_fail (object != NULL, NULL);

  if (!_hangar_json_get_string (object, "id", TRUE, "a view", &id, error))
    return NULL;
  if (!_hangar_json_get_string (object, "name", TRUE, "a view", &name, error) ||
      !_hangar_json_get_string (object, "type", TRUE, "a view", &type, error) ||
      !_hangar_json_get_array (object, "visibleFieldIds", FALSE, "a view", &visible, error))
    {
      g_prefix_error (error, "View %s: ", id);
      return NULL;
    }

  if (visible != NULL)
    {
      builder = g_strv_builder_new ();
      for (guint i = 0; i < json_array_get_length (visible); i++)
        {
          JsonNode *element = json_array_get_element (visible, i);

          if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
            {
              _hangar_set_invalid_response (error, "view %s: visibleFieldIds[%u] is %s, not a string",
                                            id, i, _hangar_json_node_type_name (element));
              return NULL;
            }
          g_strv_builder_add (builder, json_node_get_string (element));
        }
    }

  self = g_object_new (HANGAR_TYPE_VIEW, NULL);
  self->id = g_strdup (id);
  self->name = g_strdup (name);
  self->view_type = g_strdup (type);
  self->visible_field_ids = builder != NULL ? g_strv_builder_end (builder) : NULL;
  return self;
}

const char *
hangar_view_get_id (HangarView *self)
{
  g_return_val_if_fail (HANGAR_IS_VIEW (self), NULL);
  return self->id;
}

const char *
hangar_view_get_name (HangarView *self)
{
  g_return_val_if_fail (HANGAR_IS_VIEW (self), NULL);
  return self->name;
}

const char *
hangar_view_get_view_type (HangarView *self)
{
  g_return_val_if_fail (HANGAR_IS_VIEW (self), NULL);
  return self->view_type;
}

/**
 * hangar_view_get_visible_field_ids:
 *
 * Returns: (nullable) (array zero-terminated=1): the visible field ids
 */
const char * const *
hangar_view_get_visible_field_ids (HangarView *self)
{
  g_return_val_if_fail (HANGAR_IS_VIEW (self), NULL);
  return (const char * const *) self->visible_field_ids;
}

/**
 * hangar_view_to_json:
 *
 * Returns: (transfer full): the view as the schema API shows it
 */
JsonNode *
hangar_view_to_json (HangarView *self)
{
  g_autoptr(JsonObject) object = json_object_new ();

  g_return_val_if_fail (HANGAR_IS_VIEW (self), NULL);

  json_object_set_string_member (object, "id", self->id);
  json_object_set_string_member (object, "name", self->name);
  json_object_set_string_member (object, "type", self->view_type);
  if (self->visible_field_ids != NULL)
    {
      JsonArray *array = json_array_new ();

      for (guint i = 0; self->visible_field_ids[i] != NULL; i++)
        json_array_add_string_element (array, self->visible_field_ids[i]);
      json_object_set_array_member (object, "visibleFieldIds", array);
    }
  return json_node_init_object (json_node_alloc (), object);
}
