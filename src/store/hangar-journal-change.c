/* hangar-journal-change.c — one journalled change, a group of them, and
 * their inverse for undo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "hangar-journal-private.h"
#include "hangar-json.h"

G_DEFINE_ENUM_TYPE (HangarChangeKind, hangar_change_kind,
  G_DEFINE_ENUM_VALUE (HANGAR_CHANGE_CREATE, "create"),
  G_DEFINE_ENUM_VALUE (HANGAR_CHANGE_UPDATE, "update"),
  G_DEFINE_ENUM_VALUE (HANGAR_CHANGE_REPLACE, "replace"),
  G_DEFINE_ENUM_VALUE (HANGAR_CHANGE_DELETE, "delete"),
  G_DEFINE_ENUM_VALUE (HANGAR_CHANGE_UPLOAD, "upload"))

G_DEFINE_ENUM_TYPE (HangarChangeState, hangar_change_state,
  G_DEFINE_ENUM_VALUE (HANGAR_CHANGE_PENDING, "pending"),
  G_DEFINE_ENUM_VALUE (HANGAR_CHANGE_SENDING, "sending"),
  G_DEFINE_ENUM_VALUE (HANGAR_CHANGE_WRITTEN, "written"),
  G_DEFINE_ENUM_VALUE (HANGAR_CHANGE_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (HANGAR_CHANGE_UNCERTAIN, "uncertain"),
  G_DEFINE_ENUM_VALUE (HANGAR_N_CHANGE_STATES, "n-states"))

G_DEFINE_ENUM_TYPE (HangarJournalPause, hangar_journal_pause,
  G_DEFINE_ENUM_VALUE (HANGAR_JOURNAL_PAUSE_NONE, "none"),
  G_DEFINE_ENUM_VALUE (HANGAR_JOURNAL_PAUSE_RATE_LIMITED, "rate-limited"),
  G_DEFINE_ENUM_VALUE (HANGAR_JOURNAL_PAUSE_OFFLINE, "offline"),
  G_DEFINE_ENUM_VALUE (HANGAR_JOURNAL_PAUSE_SERVER_ERROR, "server-error"),
  G_DEFINE_ENUM_VALUE (HANGAR_JOURNAL_PAUSE_SIGN_IN, "sign-in"))

G_DEFINE_FINAL_TYPE (HangarJournalChange, hangar_journal_change, G_TYPE_OBJECT)
G_DEFINE_FINAL_TYPE (HangarJournalGroup, hangar_journal_group, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_MESSAGE,
  PROP_RECORD_ID,
  PROP_CONFLICT,
  PROP_FIELDS,
  PROP_PERSISTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
hangar_change_state_to_string (HangarChangeState state)
{
  static const char * const names[] = { "pending", "sending", "written", "failed", "uncertain" };

  return state < G_N_ELEMENTS (names) ? names[state] : "unknown";
}

gboolean
hangar_journal_is_local_id (const char *record_id)
{
  return record_id != NULL && g_str_has_prefix (record_id, HANGAR_LOCAL_ID_PREFIX);
}

/* "new" + 14 characters, the shape of Airtable's ids, which never start with
 * "new" (records are "rec…"). Not a secret: g_random is enough. */
char *
_hangar_journal_new_local_id (void)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  char id[3 + 14 + 1] = HANGAR_LOCAL_ID_PREFIX;

  for (guint i = 3; i < 3 + 14; i++)
    id[i] = alphabet[g_random_int_range (0, sizeof alphabet - 1)];
  id[3 + 14] = '\0';
  return g_strdup (id);
}

JsonObject *
_hangar_journal_object_from_text (const char *text)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  if (text == NULL)
    return NULL;
  node = hangar_json_parse (text, -1, 0, NULL, &error);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_warning ("A journal entry holds JSON that is not an object: %s",
                 error != NULL ? error->message : "wrong type");
      return json_object_new ();
    }
  return json_object_ref (json_node_get_object (node));
}

char *
_hangar_journal_object_to_text (JsonObject *object)
{
  g_autoptr(JsonNode) node = NULL;

  if (object == NULL)
    return NULL;
  node = json_node_init_object (json_node_alloc (), object);
  return hangar_json_to_string (node, -1);
}

/* ---- comparing values ---- */

static gboolean
node_is_empty (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (JSON_NODE_HOLDS_ARRAY (node))
    return json_array_get_length (json_node_get_array (node)) == 0;
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_STRING)
        return json_node_get_string (node)[0] == '\0';
      if (type == G_TYPE_BOOLEAN)
        return !json_node_get_boolean (node);
    }
  return FALSE;
}

/* The identity of an array element: a string, or an object's "id" (links
 * with metadata, attachments, collaborators), or its "email" (a
 * collaborator written by email), or its text. */
static char *
element_key (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      const char *members[] = { "id", "email", "url", "text", "name" };

      for (guint i = 0; i < G_N_ELEMENTS (members); i++)
        {
          JsonNode *member = json_object_get_member (object, members[i]);

          if (member != NULL && JSON_NODE_HOLDS_VALUE (member) &&
              json_node_get_value_type (member) == G_TYPE_STRING)
            return g_strdup_printf ("%s:%s", members[i], json_node_get_string (member));
        }
    }
  return hangar_json_to_string (node, -1);
}

/**
 * hangar_journal_values_equal:
 * @a: (nullable): a cell value
 * @b: (nullable): another
 *
 * Returns: whether they are the same as far as Airtable is concerned
 */
gboolean
hangar_journal_values_equal (JsonNode *a,
                             JsonNode *b)
{
  double x, y;

  if (node_is_empty (a) || node_is_empty (b))
    return node_is_empty (a) && node_is_empty (b);

  if (_hangar_json_node_get_number (a, &x) && _hangar_json_node_get_number (b, &y))
    return x == y || fabs (x - y) <= 1e-9 * MAX (fabs (x), fabs (y));

  if (JSON_NODE_HOLDS_VALUE (a) && JSON_NODE_HOLDS_VALUE (b) &&
      json_node_get_value_type (a) == G_TYPE_STRING && json_node_get_value_type (b) == G_TYPE_STRING)
    {
      const char *sa = json_node_get_string (a);
      const char *sb = json_node_get_string (b);
      g_autoptr(GDateTime) da = NULL;
      g_autoptr(GDateTime) db = NULL;

      if (g_str_equal (sa, sb))
        return TRUE;
      /* Date-times: "…T07:00:00Z" and "…T07:00:00.000Z" are one instant. */
      da = strchr (sa, 'T') != NULL ? g_date_time_new_from_iso8601 (sa, NULL) : NULL;
      db = da != NULL && strchr (sb, 'T') != NULL ? g_date_time_new_from_iso8601 (sb, NULL) : NULL;
      return da != NULL && db != NULL && g_date_time_equal (da, db);
    }

  if (JSON_NODE_HOLDS_ARRAY (a) && JSON_NODE_HOLDS_ARRAY (b))
    {
      JsonArray *aa = json_node_get_array (a);
      JsonArray *ab = json_node_get_array (b);
      guint n = json_array_get_length (aa);

      if (n != json_array_get_length (ab))
        return FALSE;
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *ka = element_key (json_array_get_element (aa, i));
          g_autofree char *kb = element_key (json_array_get_element (ab, i));

          if (!g_str_equal (ka, kb))
            return FALSE;
        }
      return TRUE;
    }

  if (JSON_NODE_HOLDS_OBJECT (a) && JSON_NODE_HOLDS_OBJECT (b))
    {
      g_autofree char *ka = element_key (a);
      g_autofree char *kb = element_key (b);

      return g_str_equal (ka, kb);
    }

  {
    g_autofree char *ta = hangar_json_to_string (a, -1);
    g_autofree char *tb = hangar_json_to_string (b, -1);

    return g_str_equal (ta, tb);
  }
}

/* ---- HangarJournalChange ---- */

static void
hangar_journal_change_finalize (GObject *object)
{
  HangarJournalChange *self = HANGAR_JOURNAL_CHANGE (object);

  g_free (self->base_id);
  g_free (self->table_id);
  g_free (self->record_id);
  g_free (self->local_id);
  g_free (self->restores_id);
  g_clear_pointer (&self->fields, json_object_unref);
  g_clear_pointer (&self->previous, json_object_unref);
  g_clear_pointer (&self->conflict, json_object_unref);
  g_free (self->message);
  g_clear_object (&self->result);

  G_OBJECT_CLASS (hangar_journal_change_parent_class)->finalize (object);
}

static void
hangar_journal_change_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  HangarJournalChange *self = HANGAR_JOURNAL_CHANGE (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    case PROP_RECORD_ID:
      g_value_set_string (value, self->record_id);
      break;
    case PROP_CONFLICT:
      g_value_set_boolean (value, self->conflict != NULL);
      break;
    case PROP_FIELDS:
      g_value_set_boxed (value, self->fields);
      break;
    case PROP_PERSISTED:
      g_value_set_boolean (value, self->persisted);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_journal_change_class_init (HangarJournalChangeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hangar_journal_change_finalize;
  object_class->get_property = hangar_journal_change_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, HANGAR_TYPE_CHANGE_STATE, HANGAR_CHANGE_PENDING,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_RECORD_ID] =
    g_param_spec_string ("record-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * HangarJournalChange:conflict:
   *
   * Whether the server's value changed meanwhile (see
   * hangar_journal_change_get_conflict()).
   */
  properties[PROP_CONFLICT] =
    g_param_spec_boolean ("conflict", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_FIELDS] =
    g_param_spec_boxed ("fields", NULL, NULL, JSON_TYPE_OBJECT,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PERSISTED] =
    g_param_spec_boolean ("persisted", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_journal_change_init (HangarJournalChange *self)
{
}

HangarJournalChange *
_hangar_journal_change_new (HangarChangeKind  kind,
                            const char       *base_id,
                            const char       *table_id,
                            const char       *record_id,
                            JsonObject       *fields,
                            JsonObject       *previous,
                            gboolean          typecast)
{
  HangarJournalChange *self = g_object_new (HANGAR_TYPE_JOURNAL_CHANGE, NULL);

  self->kind = kind;
  self->state = HANGAR_CHANGE_PENDING;
  self->base_id = g_strdup (base_id);
  self->table_id = g_strdup (table_id);
  self->record_id = g_strdup (record_id);
  self->fields = fields != NULL ? _hangar_json_object_deep_copy (fields) : json_object_new ();
  self->previous = previous != NULL ? _hangar_json_object_deep_copy (previous) : NULL;
  self->typecast = typecast;
  self->created_at = g_get_real_time ();
  return self;
}

void
_hangar_journal_change_notify (HangarJournalChange *self,
                               const char          *property)
{
  g_object_notify (G_OBJECT (self), property);
}

void
_hangar_journal_change_set_state (HangarJournalChange *self,
                                  HangarChangeState    state,
                                  const char          *message)
{
  gboolean state_changed = self->state != state;
  gboolean message_changed = g_strcmp0 (self->message, message) != 0;

  self->state = state;
  if (message_changed)
    {
      g_free (self->message);
      self->message = g_strdup (message);
    }
  if (state_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  if (message_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
}

void
_hangar_journal_change_set_record_id (HangarJournalChange *self,
                                      const char          *record_id)
{
  if (g_strcmp0 (self->record_id, record_id) == 0)
    return;
  g_free (self->record_id);
  self->record_id = g_strdup (record_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECORD_ID]);
}

void
_hangar_journal_change_set_conflict (HangarJournalChange *self,
                                     JsonObject          *conflict)
{
  gboolean was = self->conflict != NULL;

  g_clear_pointer (&self->conflict, json_object_unref);
  if (conflict != NULL)
    self->conflict = json_object_ref (conflict);
  if (was != (conflict != NULL) || conflict != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONFLICT]);
}

void
_hangar_journal_change_set_result (HangarJournalChange *self,
                                   HangarRecord        *record)
{
  g_set_object (&self->result, record);
}

void
_hangar_journal_change_set_fields (HangarJournalChange *self,
                                   JsonObject          *fields)
{
  g_clear_pointer (&self->fields, json_object_unref);
  self->fields = _hangar_json_object_deep_copy (fields);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIELDS]);
}

void
_hangar_journal_change_set_previous (HangarJournalChange *self,
                                     JsonObject          *previous)
{
  g_clear_pointer (&self->previous, json_object_unref);
  if (previous != NULL)
    self->previous = _hangar_json_object_deep_copy (previous);
}

HangarJournal *
hangar_journal_change_get_journal (HangarJournalChange *self)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL_CHANGE (self), NULL);
  return self->journal;
}

gint64
hangar_journal_change_get_id (HangarJournalChange *self)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL_CHANGE (self), 0);
  return self->id;
}

HangarChangeKind
hangar_journal_change_get_kind (HangarJournalChange *self)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL_CHANGE (self), HANGAR_CHANGE_UPDATE);
  return self->kind;
}

HangarChangeState
hangar_journal_change_get_state (HangarJournalChange *self)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL_CHANGE (self), HANGAR_CHANGE_PENDING);
  return self->state;
}

gboolean
hangar_journal_change_get_persisted (HangarJournalChange *self)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL_CHANGE (self), FALSE);
  return self->persisted;
}

const char *
hangar_journal_change_get_base_id (HangarJournalChange *self)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL_CHANGE (self), NULL);
  return self->base_id;
}

const char *
hangar_journal_change_get_table_id (HangarJournalChange *self)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL_CHANGE (self), NULL);
  return self->table_id;
}

const char *
hangar_journal_change_get_record_id (HangarJournalChange *self)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL_CHANGE (self), NULL);
  return self->record_id;
}

const char *
hangar_journal_change_get_local_id (HangarJournalChange *self)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL_CHANGE (self), NULL);
  return self->local_id;
}

const char *
hangar_journal_change_get_restores_id (HangarJournalChange *self)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL_CHANGE (self), NULL);
  return self->restores_id;
}

JsonObject *
hangar_journal_change_get_fields (HangarJournalChange *self)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL_CHANGE (self), NULL);
  return self->fields;
}

JsonObject *
hangar_journal_change_get_previous (HangarJournalChange *self)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL_CHANGE (self), NULL);
  return self->previous;
}

gboolean
hangar_journal_change_get_typecast (HangarJournalChange *self)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL_CHANGE (self), FALSE);
  return self->typecast;
}

const char *
hangar_journal_change_get_message (HangarJournalChange *self)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL_CHANGE (self), NULL);
  return self->message;
}

JsonObject *
hangar_journal_change_get_conflict (HangarJournalChange *self)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL_CHANGE (self), NULL);
  return self->conflict;
}

HangarRecord *
hangar_journal_change_get_result (HangarJournalChange *self)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL_CHANGE (self), NULL);
  return self->result;
}

const char *
hangar_journal_change_get_label (HangarJournalChange *self)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL_CHANGE (self), NULL);
  return self->group != NULL ? self->group->label : "";
}

guint
hangar_journal_change_get_attempts (HangarJournalChange *self)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL_CHANGE (self), 0);
  return self->attempts;
}

gboolean
hangar_journal_change_get_not_found (HangarJournalChange *self)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL_CHANGE (self), FALSE);
  return self->lookup_done == LOOKUP_NOT_FOUND;
}

gint64
hangar_journal_change_get_created_at (HangarJournalChange *self)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL_CHANGE (self), 0);
  return self->created_at;
}

gboolean
hangar_journal_change_is_settled (HangarJournalChange *self)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL_CHANGE (self), FALSE);
  return self->discarded || (self->state == HANGAR_CHANGE_WRITTEN && self->conflict == NULL);
}

gboolean
hangar_journal_change_touches (HangarJournalChange *self,
                               const char          *field_name)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL_CHANGE (self), FALSE);

  switch (self->kind)
    {
    case HANGAR_CHANGE_DELETE:
    case HANGAR_CHANGE_CREATE:
    case HANGAR_CHANGE_REPLACE:
      return TRUE;
    case HANGAR_CHANGE_UPLOAD:
      return g_strcmp0 (json_object_get_string_member_with_default (self->fields, "field", ""),
                        field_name) == 0;
    case HANGAR_CHANGE_UPDATE:
    default:
      return field_name == NULL || json_object_has_member (self->fields, field_name);
    }
}

/* ---- HangarJournalGroup ---- */

static void
hangar_journal_group_finalize (GObject *object)
{
  HangarJournalGroup *self = HANGAR_JOURNAL_GROUP (object);

  for (guint i = 0; i < self->changes->len; i++)
    {
      HangarJournalChange *change = g_ptr_array_index (self->changes, i);

      if (change->group == self)
        change->group = NULL;
    }
  g_ptr_array_unref (self->changes);
  g_free (self->label);

  G_OBJECT_CLASS (hangar_journal_group_parent_class)->finalize (object);
}

static void
hangar_journal_group_class_init (HangarJournalGroupClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hangar_journal_group_finalize;
}

static void
hangar_journal_group_init (HangarJournalGroup *self)
{
  self->changes = g_ptr_array_new_with_free_func (g_object_unref);
  self->created_at = g_get_real_time ();
}

/**
 * hangar_journal_group_new:
 * @label: what the user did, e.g. "Edit Title" or "Paste 40 cells"
 *
 * Returns: (transfer full): an empty group, to fill and submit
 */
HangarJournalGroup *
hangar_journal_group_new (const char *label)
{
  HangarJournalGroup *self = g_object_new (HANGAR_TYPE_JOURNAL_GROUP, NULL);

  self->label = g_strdup (label != NULL ? label : "");
  return self;
}

const char *
hangar_journal_group_get_label (HangarJournalGroup *self)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL_GROUP (self), NULL);
  return self->label;
}

GPtrArray *
hangar_journal_group_get_changes (HangarJournalGroup *self)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL_GROUP (self), NULL);
  return self->changes;
}

guint
hangar_journal_group_get_n_changes (HangarJournalGroup *self)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL_GROUP (self), 0);
  return self->changes->len;
}

gboolean
hangar_journal_group_get_submitted (HangarJournalGroup *self)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL_GROUP (self), FALSE);
  return self->submitted;
}

static HangarJournalChange *
group_add (HangarJournalGroup  *self,
           HangarJournalChange *change)
{
  change->group = self;
  g_ptr_array_add (self->changes, change);
  return change;
}

HangarJournalChange *
hangar_journal_group_add_update (HangarJournalGroup *self,
                                 const char         *base_id,
                                 const char         *table_id,
                                 const char         *record_id,
                                 JsonObject         *fields,
                                 JsonObject         *previous,
                                 gboolean            typecast)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL_GROUP (self), NULL);
  g_return_val_if_fail (!self->submitted, NULL);
  g_return_val_if_fail (base_id != NULL && table_id != NULL && record_id != NULL && fields != NULL, NULL);

  return group_add (self, _hangar_journal_change_new (HANGAR_CHANGE_UPDATE, base_id, table_id, record_id,
                                                      fields, previous, typecast));
}

HangarJournalChange *
hangar_journal_group_add_replace (HangarJournalGroup *self,
                                  const char         *base_id,
                                  const char         *table_id,
                                  const char         *record_id,
                                  JsonObject         *fields,
                                  JsonObject         *previous,
                                  gboolean            typecast)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL_GROUP (self), NULL);
  g_return_val_if_fail (!self->submitted, NULL);
  g_return_val_if_fail (base_id != NULL && table_id != NULL && record_id != NULL && fields != NULL, NULL);

  return group_add (self, _hangar_journal_change_new (HANGAR_CHANGE_REPLACE, base_id, table_id, record_id,
                                                      fields, previous, typecast));
}

HangarJournalChange *
hangar_journal_group_add_create (HangarJournalGroup *self,
                                 const char         *base_id,
                                 const char         *table_id,
                                 JsonObject         *fields,
                                 gboolean            typecast)
{
  g_autofree char *local_id = _hangar_journal_new_local_id ();
  HangarJournalChange *change;

  g_return_val_if_fail (HANGAR_IS_JOURNAL_GROUP (self), NULL);
  g_return_val_if_fail (!self->submitted, NULL);
  g_return_val_if_fail (base_id != NULL && table_id != NULL, NULL);

  change = _hangar_journal_change_new (HANGAR_CHANGE_CREATE, base_id, table_id, local_id,
                                       fields, NULL, typecast);
  change->local_id = g_strdup (local_id);
  return group_add (self, change);
}

HangarJournalChange *
hangar_journal_group_add_delete (HangarJournalGroup *self,
                                 const char         *base_id,
                                 const char         *table_id,
                                 const char         *record_id,
                                 JsonObject         *previous)
{
  g_return_val_if_fail (HANGAR_IS_JOURNAL_GROUP (self), NULL);
  g_return_val_if_fail (!self->submitted, NULL);
  g_return_val_if_fail (base_id != NULL && table_id != NULL && record_id != NULL, NULL);

  return group_add (self, _hangar_journal_change_new (HANGAR_CHANGE_DELETE, base_id, table_id, record_id,
                                                      NULL, previous, FALSE));
}

HangarJournalChange *
hangar_journal_group_add_upload (HangarJournalGroup *self,
                                 const char         *base_id,
                                 const char         *table_id,
                                 const char         *record_id,
                                 const char         *field_name,
                                 const char         *path,
                                 const char         *filename,
                                 const char         *content_type,
                                 JsonNode           *previous_attachments)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(JsonObject) previous = NULL;

  g_return_val_if_fail (HANGAR_IS_JOURNAL_GROUP (self), NULL);
  g_return_val_if_fail (!self->submitted, NULL);
  g_return_val_if_fail (field_name != NULL && path != NULL && record_id != NULL, NULL);

  json_object_set_string_member (fields, "field", field_name);
  json_object_set_string_member (fields, "path", path);
  json_object_set_string_member (fields, "filename", filename != NULL ? filename : "file");
  json_object_set_string_member (fields, "contentType",
                                 content_type != NULL ? content_type : "application/octet-stream");
  previous = json_object_new ();
  json_object_set_member (previous, field_name,
                          previous_attachments != NULL ? json_node_copy (previous_attachments)
                                                       : json_node_new (JSON_NODE_NULL));
  return group_add (self, _hangar_journal_change_new (HANGAR_CHANGE_UPLOAD, base_id, table_id, record_id,
                                                      fields, previous, FALSE));
}

/* ---- undo ---- */

/* The values of @keys in @source (missing ones as null, which clears). */
static JsonObject *
values_for (JsonObject *source,
            JsonObject *keys)
{
  JsonObject *out = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init_ordered (&iter, keys);
  while (json_object_iter_next_ordered (&iter, &name, &value))
    {
      JsonNode *before = source != NULL ? json_object_get_member (source, name) : NULL;

      json_object_set_member (out, name, before != NULL ? json_node_copy (before) : json_node_new (JSON_NODE_NULL));
    }
  return out;
}

/* An attachment list as the write that keeps exactly those files. */
static JsonNode *
attachments_as_write (JsonNode *attachments)
{
  JsonArray *out = json_array_new ();
  JsonNode *node;

  if (attachments != NULL && JSON_NODE_HOLDS_ARRAY (attachments))
    {
      JsonArray *array = json_node_get_array (attachments);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          JsonObject *keep;

          if (!JSON_NODE_HOLDS_OBJECT (element) ||
              json_object_get_string_member_with_default (json_node_get_object (element), "id", NULL) == NULL)
            continue;
          keep = json_object_new ();
          json_object_set_string_member (keep, "id",
                                         json_object_get_string_member (json_node_get_object (element), "id"));
          json_array_add_object_element (out, keep);
        }
    }
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, out);
  return node;
}

/**
 * hangar_journal_group_new_inverse:
 * @group: a submitted group
 * @label: (nullable): the new group's label (default: "Undo " + @group's)
 * @error: set when there is nothing to undo
 *
 * Returns: (transfer full) (nullable): the group that undoes @group
 */
HangarJournalGroup *
hangar_journal_group_new_inverse (HangarJournalGroup  *group,
                                  const char          *label,
                                  GError             **error)
{
  g_autoptr(HangarJournalGroup) inverse = NULL;
  g_autofree char *default_label = NULL;

  g_return_val_if_fail (HANGAR_IS_JOURNAL_GROUP (group), NULL);

  if (label == NULL)
    label = default_label = g_strdup_printf ("Undo %s", group->label);
  inverse = hangar_journal_group_new (label);

  for (guint i = group->changes->len; i > 0; i--)
    {
      HangarJournalChange *change = g_ptr_array_index (group->changes, i - 1);

      if (change->discarded || change->state == HANGAR_CHANGE_FAILED)
        continue;   /* never applied: nothing to undo */

      switch (change->kind)
        {
        case HANGAR_CHANGE_UPDATE:
          {
            g_autoptr(JsonObject) back = values_for (change->previous, change->fields);

            hangar_journal_group_add_update (inverse, change->base_id, change->table_id, change->record_id,
                                             back, change->fields, change->typecast);
          }
          break;

        case HANGAR_CHANGE_REPLACE:
          if (change->previous != NULL)
            hangar_journal_group_add_replace (inverse, change->base_id, change->table_id, change->record_id,
                                              change->previous, change->fields, change->typecast);
          break;

        case HANGAR_CHANGE_CREATE:
          if (change->state == HANGAR_CHANGE_UNCERTAIN)
            continue;   /* its id is not known; the changes list offers it */
          hangar_journal_group_add_delete (inverse, change->base_id, change->table_id, change->record_id,
                                           change->fields);
          break;

        case HANGAR_CHANGE_DELETE:
          {
            /* Created again, under a new id. */
            HangarJournalChange *create = hangar_journal_group_add_create (inverse, change->base_id,
                                                                           change->table_id,
                                                                           change->previous, FALSE);

            /* What the grid needs to put the new row where the old one was. */
            create->restores_id = g_strdup (change->record_id);
          }
          break;

        case HANGAR_CHANGE_UPLOAD:
          if (change->state != HANGAR_CHANGE_UNCERTAIN && change->previous != NULL)
            {
              const char *field = json_object_get_string_member_with_default (change->fields, "field", NULL);
              g_autoptr(JsonObject) back = json_object_new ();

              if (field == NULL)
                continue;
              json_object_set_member (back, field,
                                      attachments_as_write (json_object_get_member (change->previous, field)));
              hangar_journal_group_add_update (inverse, change->base_id, change->table_id, change->record_id,
                                               back, NULL, FALSE);
            }
          break;

        default:
          break;
        }
    }

  if (inverse->changes->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Nothing of “%s” reached Airtable, so there is nothing to undo"), group->label);
      return NULL;
    }
  return g_steal_pointer (&inverse);
}
