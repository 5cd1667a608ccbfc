/* hangar-base.c — an Airtable base, as listed by /v0/meta/bases
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-base.h"
#include "hangar-model-private.h"

struct _HangarBase
{
  GObject  parent_instance;

  char    *id;
  char    *name;
  char    *permission_level;
};

G_DEFINE_FINAL_TYPE (HangarBase, hangar_base, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_PERMISSION_LEVEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
hangar_base_finalize (GObject *object)
{
  HangarBase *self = (HangarBase *) object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->permission_level, g_free);

  G_OBJECT_CLASS (hangar_base_parent_class)->finalize (object);
}

static void
hangar_base_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  HangarBase *self = HANGAR_BASE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_PERMISSION_LEVEL:
      g_value_set_string (value, self->permission_level);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_base_class_init (HangarBaseClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hangar_base_finalize;
  object_class->get_property = hangar_base_get_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PERMISSION_LEVEL] =
    g_param_spec_string ("permission-level", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_base_init (HangarBase *self)
{
}

/**
 * hangar_base_new_from_json:
 * @object: `{"id","name","permissionLevel"}`
 * @error: return location for a %HANGAR_API_ERROR_INVALID_RESPONSE
 *
 * Returns: (transfer full) (nullable): the base
 */
HangarBase *
hangar_base_new_from_json (JsonObject  *object,
                           GError     **error)
{
  HangarBase *self;
  const char *id, *name, *level;

  g_return_val_if_fail (object != NULL, NULL);

  if (!_hangar_json_get_string (object, "id", TRUE, "a base", &id, error))
    return NULL;
  if (!_hangar_json_get_string (object, "name", TRUE, "a base", &name, error) ||
      !_hangar_json_get_string (object, "permissionLevel", TRUE, "a base", &level, error))
    {
      g_prefix_error (error, "Base %s: ", id);
      return NULL;
    }

  self = g_object_new (HANGAR_TYPE_BASE, NULL);
  self->id = g_strdup (id);
  self->name = g_strdup (name);
  self->permission_level = g_strdup (level);
  return self;
}

/**
 * hangar_base_list_from_json:
 * @response: one page of /v0/meta/bases
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type HangarBase): the bases of the page
 */
GPtrArray *
hangar_base_list_from_json (JsonNode  *response,
                            GError   **error)
{
  return _hangar_model_list_from_json (response, "bases", "base",
                                       (HangarModelFromJson) hangar_base_new_from_json,
                                       error);
}

const char *
hangar_base_get_id (HangarBase *self)
{
  g_return_val_if_fail (HANGAR_IS_BASE (self), NULL);
  return self->id;
}

const char *
hangar_base_get_name (HangarBase *self)
{
  g_return_val_if_fail (HANGAR_IS_BASE (self), NULL);
  return self->name;
}

const char *
hangar_base_get_permission_level (HangarBase *self)
{
  g_return_val_if_fail (HANGAR_IS_BASE (self), NULL);
  return self->permission_level;
}

gboolean
hangar_base_can_edit (HangarBase *self)
{
  g_return_val_if_fail (HANGAR_IS_BASE (self), FALSE);
  return g_strcmp0 (self->permission_level, "edit") == 0 ||
         g_strcmp0 (self->permission_level, "create") == 0;
}
