/* hangar-comment.c — a comment on a record
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hangar-comment.h"
#include "hangar-model-private.h"

struct _HangarComment
{
  GObject    parent_instance;

  char      *id;
  char      *text;
  char      *author_id;
  char      *author_email;
  char      *author_name;
  char      *parent_comment_id;
  GDateTime *created_time;
  GDateTime *last_updated_time;
  GHashTable *mentions;       /* user or group id → display name */
};

G_DEFINE_FINAL_TYPE (HangarComment, hangar_comment, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_TEXT,
  PROP_AUTHOR_NAME,
  PROP_CREATED_TIME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
hangar_comment_finalize (GObject *object)
{
  HangarComment *self = (HangarComment *) object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->author_id, g_free);
  g_clear_pointer (&self->author_email, g_free);
  g_clear_pointer (&self->author_name, g_free);
  g_clear_pointer (&self->parent_comment_id, g_free);
  g_clear_pointer (&self->created_time, g_date_time_unref);
  g_clear_pointer (&self->last_updated_time, g_date_time_unref);
  g_clear_pointer (&self->mentions, g_hash_table_unref);

  G_OBJECT_CLASS (hangar_comment_parent_class)->finalize (object);
}

static void
hangar_comment_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  HangarComment *self = HANGAR_COMMENT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    case PROP_AUTHOR_NAME:
      g_value_set_string (value, self->author_name);
      break;
    case PROP_CREATED_TIME:
      g_value_set_boxed (value, self->created_time);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_comment_class_init (HangarCommentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hangar_comment_finalize;
  object_class->get_property = hangar_comment_get_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUTHOR_NAME] =
    g_param_spec_string ("author-name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CREATED_TIME] =
    g_param_spec_boxed ("created-time", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_comment_init (HangarComment *self)
{
}

/**
 * hangar_comment_new_from_json:
 * @object: `{"id","author":{"id","email"?,"name"?},"text","createdTime",
 *   "lastUpdatedTime"?,"parentCommentId"?, ...}`
 * @error: return location for a %HANGAR_API_ERROR_INVALID_RESPONSE
 *
 * Returns: (transfer full) (nullable): the comment
 */
HangarComment *
hangar_comment_new_from_json (JsonObject  *object,
                              GError     **error)
{
  g_autoptr(HangarComment) self = NULL;
  const char *id, *text, *created, *updated, *parent;
  const char *author_id = NULL, *author_email = NULL, *author_name = NULL;
  JsonObject *author;
  JsonObject *mentioned = NULL;

  g_return_val_if_fail (object != NULL, NULL);

  if (!_hangar_json_get_string (object, "id", TRUE, "a comment", &id, error))
    return NULL;
  if (!_hangar_json_get_string (object, "text", TRUE, "a comment", &text, error) ||
      !_hangar_json_get_string (object, "createdTime", TRUE, "a comment", &created, error) ||
      !_hangar_json_get_string (object, "lastUpdatedTime", FALSE, "a comment", &updated, error) ||
      !_hangar_json_get_string (object, "parentCommentId", FALSE, "a comment", &parent, error) ||
      !_hangar_json_get_object (object, "author", TRUE, "a comment", &author, error) ||
      !_hangar_json_get_string (author, "id", TRUE, "the author", &author_id, error) ||
      !_hangar_json_get_string (author, "email", FALSE, "the author", &author_email, error) ||
      !_hangar_json_get_string (author, "name", FALSE, "the author", &author_name, error))
    {
      g_prefix_error (error, "Comment %s: ", id);
      return NULL;
    }

  self = g_object_new (HANGAR_TYPE_COMMENT, NULL);
  self->id = g_strdup (id);
  self->text = g_strdup (text);
  self->author_id = g_strdup (author_id);
  self->author_email = g_strdup (author_email);
  self->author_name = g_strdup (author_name);
  self->parent_comment_id = g_strdup (parent);

  /* "mentioned": {"usr…": {"type","id","displayName","email"?}, …} */
  if (!_hangar_json_get_object (object, "mentioned", FALSE, "a comment", &mentioned, error))
    {
      g_prefix_error (error, "Comment %s: ", id);
      return NULL;
    }
  self->mentions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (mentioned != NULL)
    {
      g_autoptr(GList) members = json_object_get_members (mentioned);

      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *entry = json_object_get_member (mentioned, l->data);
          const char *name = NULL;

          if (entry == NULL || !JSON_NODE_HOLDS_OBJECT (entry) ||
              !_hangar_json_get_string (json_node_get_object (entry), "displayName", TRUE, "a mention", &name, error))
            {
              if (error != NULL && *error == NULL)
                g_set_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE,
                             "a mention is not an object");
              g_prefix_error (error, "Comment %s: ", id);
              return NULL;
            }
          g_hash_table_insert (self->mentions, g_strdup (l->data), g_strdup (name));
        }
    }

  self->created_time = _hangar_parse_timestamp (created, "a comment", "createdTime", error);
  if (self->created_time == NULL)
    return NULL;
  if (updated != NULL)
    {
      self->last_updated_time = _hangar_parse_timestamp (updated, "a comment", "lastUpdatedTime", error);
      if (self->last_updated_time == NULL)
        return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * hangar_comment_list_from_json:
 *
 * Returns: (transfer full) (element-type HangarComment): the comments
 */
GPtrArray *
hangar_comment_list_from_json (JsonNode  *response,
                               GError   **error)
{
  return _hangar_model_list_from_json (response, "comments", "comment",
                                       (HangarModelFromJson) hangar_comment_new_from_json,
                                       error);
}

const char *
hangar_comment_get_id (HangarComment *self)
{
  g_return_val_if_fail (HANGAR_IS_COMMENT (self), NULL);
  return self->id;
}

const char *
hangar_comment_get_text (HangarComment *self)
{
  g_return_val_if_fail (HANGAR_IS_COMMENT (self), NULL);
  return self->text;
}

const char *
hangar_comment_get_author_id (HangarComment *self)
{
  g_return_val_if_fail (HANGAR_IS_COMMENT (self), NULL);
  return self->author_id;
}

const char *
hangar_comment_get_author_email (HangarComment *self)
{
  g_return_val_if_fail (HANGAR_IS_COMMENT (self), NULL);
  return self->author_email;
}

const char *
hangar_comment_get_author_name (HangarComment *self)
{
  g_return_val_if_fail (HANGAR_IS_COMMENT (self), NULL);
  return self->author_name;
}

GDateTime *
hangar_comment_get_created_time (HangarComment *self)
{
  g_return_val_if_fail (HANGAR_IS_COMMENT (self), NULL);
  return self->created_time;
}

GDateTime *
hangar_comment_get_last_updated_time (HangarComment *self)
{
  g_return_val_if_fail (HANGAR_IS_COMMENT (self), NULL);
  return self->last_updated_time;
}

const char *
hangar_comment_get_parent_comment_id (HangarComment *self)
{
  g_return_val_if_fail (HANGAR_IS_COMMENT (self), NULL);
  return self->parent_comment_id;
}

/**
 * hangar_comment_get_mention_name:
 * @self: a #HangarComment
 * @id: a user (or group) id written as `@[id]` in the text
 *
 * Returns: (nullable): the display name Airtable gave for @id
 */
const char *
hangar_comment_get_mention_name (HangarComment *self,
                                 const char    *id)
{
  g_return_val_if_fail (HANGAR_IS_COMMENT (self), NULL);
  return self->mentions != NULL ? g_hash_table_lookup (self->mentions, id) : NULL;
}

/**
 * hangar_comment_dup_display_text:
 * @self: a #HangarComment
 *
 * The text for people: every mention `@[usr…]` whose name Airtable gave
 * becomes `@Name`; unknown ones stay as written.
 *
 * Returns: (transfer full): the text
 */
char *
hangar_comment_dup_display_text (HangarComment *self)
{
  GString *out;
  const char *p;

  g_return_val_if_fail (HANGAR_IS_COMMENT (self), NULL);

  out = g_string_new (NULL);
  p = self->text;
  while (*p != '\0')
    {
      const char *start = strstr (p, "@[");
      const char *close = start != NULL ? strchr (start + 2, ']') : NULL;

      if (start == NULL || close == NULL)
        {
          g_string_append (out, p);
          break;
        }
      g_string_append_len (out, p, start - p);
      {
        g_autofree char *id = g_strndup (start + 2, close - (start + 2));
        const char *name = hangar_comment_get_mention_name (self, id);

        if (name != NULL)
          {
            g_string_append_c (out, '@');
            g_string_append (out, name);
          }
        else
          g_string_append_len (out, start, close + 1 - start);
      }
      p = close + 1;
    }
  return g_string_free (out, FALSE);
}
