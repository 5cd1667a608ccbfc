/* hangar-whoami.c — who a token belongs to (GET /v0/meta/whoami)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-model-private.h"
#include "hangar-whoami.h"

struct _HangarWhoami
{
  GObject   parent_instance;

  char     *user_id;
  char     *email;
  char    **scopes;
};

G_DEFINE_FINAL_TYPE (HangarWhoami, hangar_whoami, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_USER_ID,
  PROP_EMAIL,
  PROP_SCOPES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
hangar_whoami_finalize (GObject *object)
{
  HangarWhoami *self = (HangarWhoami *) object;

  g_clear_pointer (&self->user_id, g_free);
  g_clear_pointer (&self->email, g_free);
  g_clear_pointer (&self->scopes, g_strfreev);

  G_OBJECT_CLASS (hangar_whoami_parent_class)->finalize (object);
}

static void
hangar_whoami_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  HangarWhoami *self = HANGAR_WHOAMI (object);

  switch (prop_id)
    {
    case PROP_USER_ID:
      g_value_set_string (value, self->user_id);
      break;
    case PROP_EMAIL:
      g_value_set_string (value, self->email);
      break;
    case PROP_SCOPES:
      g_value_set_boxed (value, self->scopes);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_whoami_class_init (HangarWhoamiClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hangar_whoami_finalize;
  object_class->get_property = hangar_whoami_get_property;

  properties[PROP_USER_ID] =
    g_param_spec_string ("user-id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_EMAIL] =
    g_param_spec_string ("email", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCOPES] =
    g_param_spec_boxed ("scopes", NULL, NULL, G_TYPE_STRV, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_whoami_init (HangarWhoami *self)
{
}

/**
 * hangar_whoami_new_from_json:
 * @object: `{"id","email"?,"scopes"?}`
 * @error: return location for a %HANGAR_API_ERROR_INVALID_RESPONSE
 *
 * Returns: (transfer full) (nullable): the answer
 */
HangarWhoami *
hangar_whoami_new_from_json (JsonObject  *object,
                             GError     **error)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  HangarWhoami *self;
  const char *id, *email;
  JsonArray *scopes;

  g_return_val_if_fail (object != NULL, NULL);

  if (!_hangar_json_get_string (object, "id", TRUE, "whoami", &id, error) ||
      !_hangar_json_get_string (object, "email", FALSE, "whoami", &email, error) ||
      !_hangar_json_get_array (object, "scopes", FALSE, "whoami", &scopes, error))
    return NULL;

  if (scopes != NULL)
    {
      builder = g_strv_builder_new ();
      for (guint i = 0; i < json_array_get_length (scopes); i++)
        {
          JsonNode *element = json_array_get_element (scopes, i);

          if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
            {
              _hangar_set_invalid_response (error, "whoami scopes[%u] is %s, not a string",
                                            i, _hangar_json_node_type_name (element));
              return NULL;
            }
          g_strv_builder_add (builder, json_node_get_string (element));
        }
    }

  self = g_object_new (HANGAR_TYPE_WHOAMI, NULL);
  self->user_id = g_strdup (id);
  self->email = g_strdup (email);
  self->scopes = builder != NULL ? g_strv_builder_end (builder) : NULL;
  return self;
}

const char *
hangar_whoami_get_user_id (HangarWhoami *self)
{
  g_return_val_if_fail (HANGAR_IS_WHOAMI (self), NULL);
  return self->user_id;
}

const char *
hangar_whoami_get_email (HangarWhoami *self)
{
  g_return_val_if_fail (HANGAR_IS_WHOAMI (self), NULL);
  return self->email;
}

/**
 * hangar_whoami_get_scopes:
 *
 * Returns: (nullable) (array zero-terminated=1): the granted scopes, %NULL
 *   when the server did not list them (personal access tokens)
 */
const char * const *
hangar_whoami_get_scopes (HangarWhoami *self)
{
  g_return_val_if_fail (HANGAR_IS_WHOAMI (self), NULL);
  return (const char * const *) self->scopes;
}

gboolean
hangar_whoami_has_scope (HangarWhoami *self,
                         const char   *scope)
{
  g_return_val_if_fail (HANGAR_IS_WHOAMI (self), FALSE);
  return self->scopes != NULL && g_strv_contains ((const char * const *) self->scopes, scope);
}
