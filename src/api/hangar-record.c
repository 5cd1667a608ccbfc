/* hangar-record.c — one Airtable record
 *
 * A list model may hold 100,000 records, so a record keeps little: its id,
 * its creation time as an integer, and its cell values as compact JSON
 * text. A parsed JsonObject costs about 2.5 KB for ten fields, the text a
 * tenth of that; the object is built on the first read of a value and kept
 * from then on (only the rows someone looks at pay for it). Empty cells are
 * absent, as the API sends them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-model-private.h"
#include "hangar-record.h"

struct _HangarRecord
{
  GObject     parent_instance;

  char       *id;
  gint64      created_us;     /* Unix µs; NO_TIME for records built locally */
  GDateTime  *created_time;   /* made on the first ask */
  char       *compact;        /* the fields as JSON text, until first read */
  JsonObject *fields;         /* NULL until first read */
  gint64      comment_count;  /* -1 when the response had none */
  char      **notes;          /* what could not be kept as sent, NULL mostly */
};

G_DEFINE_FINAL_TYPE (HangarRecord, hangar_record, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_CREATED_TIME,
  PROP_COMMENT_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define NO_TIME G_MININT64

/* Builds the fields object from the compact text on first use. The text
 * is our own (json-glib's generator over a checked object), but it goes
 * through the one guarded parser all the same. */
static JsonObject *
ensure_fields (HangarRecord *self)
{
  if (self->fields == NULL)
    {
      g_autoptr(JsonNode) root = NULL;
      g_autoptr(GError) error = NULL;

      if (self->compact != NULL)
        {
          root = hangar_json_parse (self->compact, -1, 0, NULL, &error);
          if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
            g_critical ("The stored fields of record %s do not read back: %s", self->id,
                        error != NULL ? error->message : "not an object");
        }
      if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
        self->fields = json_object_ref (json_node_get_object (root));
      else
        self->fields = json_object_new ();
      g_clear_pointer (&self->compact, g_free);
    }
  return self->fields;
}

static void
hangar_record_finalize (GObject *object)
{
  HangarRecord *self = (HangarRecord *) object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->created_time, g_date_time_unref);
  g_clear_pointer (&self->compact, g_free);
  g_clear_pointer (&self->fields, json_object_unref);
  g_clear_pointer (&self->notes, g_strfreev);

  G_OBJECT_CLASS (hangar_record_parent_class)->finalize (object);
}

static void
hangar_record_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  HangarRecord *self = HANGAR_RECORD (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_CREATED_TIME:
      g_value_set_boxed (value, hangar_record_get_created_time (self));
      break;
    case PROP_COMMENT_COUNT:
      g_value_set_int64 (value, self->comment_count);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_record_class_init (HangarRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hangar_record_finalize;
  object_class->get_property = hangar_record_get_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CREATED_TIME] =
    g_param_spec_boxed ("created-time", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMMENT_COUNT] =
    g_param_spec_int64 ("comment-count", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_record_init (HangarRecord *self)
{
  self->comment_count = -1;
  self->created_us = NO_TIME;
}

/**
 * hangar_record_new:
 * @id: (nullable): the record id, %NULL for a record not yet created
 * @created_time: (nullable): when it was created
 * @fields: (nullable): the cell values; a reference is taken
 *
 * Builds a record locally, e.g. to pass to a create call.
 */
HangarRecord *
hangar_record_new (const char *id,
                   GDateTime  *created_time,
                   JsonObject *fields)
{
  HangarRecord *self = g_object_new (HANGAR_TYPE_RECORD, NULL);

  self->id = g_strdup (id);
  if (created_time != NULL)
    {
      self->created_time = g_date_time_ref (created_time);
      self->created_us = g_date_time_to_unix (created_time) * G_USEC_PER_SEC +
                         g_date_time_get_microsecond (created_time);
    }
  self->fields = fields != NULL ? json_object_ref (fields) : json_object_new ();
  return self;
}

/**
 * hangar_record_new_from_json:
 * @object: a record object of the API: `{"id", "createdTime", "fields", "commentCount"?}`
 * @error: return location for a %HANGAR_API_ERROR_INVALID_RESPONSE
 *
 * Checks the types of the members; keeps a compact copy of `fields`.
 * Unknown members are ignored, a missing `fields` is read as no values.
 *
 * Returns: (transfer full) (nullable): the record
 */
HangarRecord *
hangar_record_new_from_json (JsonObject  *object,
                             GError     **error)
{
  g_autoptr(HangarRecord) self = NULL;
  g_autoptr(GDateTime) created = NULL;
  const char *id;
  const char *created_text;
  JsonObject *fields;
  gint64 comment_count = -1;

  g_return_val_if_fail (object != NULL, NULL);

  if (!_hangar_json_get_string (object, "id", TRUE, "a record", &id, error))
    return NULL;

  if (!_hangar_json_get_string (object, "createdTime", TRUE, "a record", &created_text, error))
    return NULL;
  created = _hangar_parse_timestamp (created_text, "a record", "createdTime", error);
  if (created == NULL)
    return NULL;

  if (!_hangar_json_get_object (object, "fields", FALSE, "a record", &fields, error))
    return NULL;

  if (json_object_has_member (object, "commentCount") &&
      !_hangar_json_get_int (object, "commentCount", FALSE, "a record", &comment_count, error))
    return NULL;

  self = g_object_new (HANGAR_TYPE_RECORD, NULL);
  self->id = g_strdup (id);
  self->created_us = g_date_time_to_unix (created) * G_USEC_PER_SEC + g_date_time_get_microsecond (created);
  if (fields != NULL && json_object_get_size (fields) > 0)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), fields);

      /* Not json-glib 1.6's generator: it writes 1e20 as "1e+20.0", which
       * is not JSON, and the record's fields would not read back. */
      self->compact = hangar_json_to_string (node, -1);
    }
  self->comment_count = comment_count;

  return g_steal_pointer (&self);
}

/* Attaches the notes of @notes under @prefix (the record's path in the
 * answer, "" when the record is the whole answer). */
void
_hangar_record_take_notes (HangarRecord *self,
                           GPtrArray    *notes,
                           const char   *prefix)
{
  self->notes = _hangar_notes_append (self->notes, _hangar_notes_under (notes, prefix));
}

/* hangar_record_list_from_json() with the notes of the page's parse given
 * to the records they concern. */
GPtrArray *
_hangar_record_list_from_json_with_notes (JsonNode   *response,
                                          GPtrArray  *notes,
                                          GError    **error)
{
  GPtrArray *records = hangar_record_list_from_json (response, error);

  if (records != NULL && notes != NULL)
    for (guint i = 0; i < records->len; i++)
      {
        g_autofree char *prefix = g_strdup_printf ("records[%u]", i);

        _hangar_record_take_notes (g_ptr_array_index (records, i), notes, prefix);
      }
  return records;
}

/**
 * hangar_record_list_from_json:
 * @response: a list response `{"records": [...], "offset"?}`
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type HangarRecord): the records in order
 */
GPtrArray *
hangar_record_list_from_json (JsonNode  *response,
                              GError   **error)
{
  return _hangar_model_list_from_json (response, "records", "record",
                                       (HangarModelFromJson) hangar_record_new_from_json,
                                       error);
}

const char *
hangar_record_get_id (HangarRecord *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD (self), NULL);
  return self->id;
}

/**
 * hangar_record_get_created_time:
 *
 * Returns: (transfer none) (nullable): the creation time, in UTC
 */
GDateTime *
hangar_record_get_created_time (HangarRecord *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD (self), NULL);

  if (self->created_time == NULL && self->created_us != NO_TIME)
    {
      g_autoptr(GDateTime) seconds = g_date_time_new_from_unix_utc (self->created_us / G_USEC_PER_SEC);

      self->created_time = g_date_time_add (seconds, self->created_us % G_USEC_PER_SEC);
    }
  return self->created_time;
}

/**
 * hangar_record_get_fields:
 *
 * Returns: (transfer none): the cell values keyed by field name (or id when
 *   the listing asked for ids); empty cells are absent. Do not modify.
 */
JsonObject *
hangar_record_get_fields (HangarRecord *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD (self), NULL);
  return ensure_fields (self);
}

/**
 * hangar_record_get_field:
 * @name: a field name (or id, as the record is keyed)
 *
 * Returns: (transfer none) (nullable): the cell value, %NULL when empty
 */
JsonNode *
hangar_record_get_field (HangarRecord *self,
                         const char   *name)
{
  JsonNode *node;

  g_return_val_if_fail (HANGAR_IS_RECORD (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  node = json_object_get_member (ensure_fields (self), name);
  if (node != NULL && JSON_NODE_HOLDS_NULL (node))
    return NULL;
  return node;
}

gboolean
hangar_record_has_field (HangarRecord *self,
                         const char   *name)
{
  return hangar_record_get_field (self, name) != NULL;
}

/**
 * hangar_record_dup_fields:
 *
 * Returns: (transfer full): a deep copy of the cell values, free to modify
 */
JsonObject *
hangar_record_dup_fields (HangarRecord *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD (self), NULL);

  return _hangar_json_object_deep_copy (ensure_fields (self));
}

/**
 * hangar_record_get_notes:
 * @self: a #HangarRecord
 *
 * What Airtable sent for this record that could not be kept exactly: a
 * number beyond the double range (kept as an empty cell), an integer beyond
 * 64 bits (kept as the nearest double), a "\u0000" or an unpaired surrogate
 * in text (kept as U+FFFD). One line each, e.g. "field “Count”: the integer
 * 123456789012345678901234 is beyond 64 bits and was read as
 * 1.2345678901234569e+23". The record's other values are unaffected.
 *
 * Returns: (transfer none) (nullable) (array zero-terminated=1): the notes,
 *   %NULL when everything was kept as sent
 */
const char * const *
hangar_record_get_notes (HangarRecord *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD (self), NULL);
  return (const char * const *) self->notes;
}

gboolean
hangar_record_has_comment_count (HangarRecord *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD (self), FALSE);
  return self->comment_count >= 0;
}

/**
 * hangar_record_get_comment_count:
 *
 * Returns: the number of comments, or -1 when the listing did not ask for it
 */
gint64
hangar_record_get_comment_count (HangarRecord *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD (self), -1);
  return self->comment_count;
}

/**
 * hangar_record_to_json:
 * @include_id: whether to add `"id"` (for update and replace)
 *
 * Builds the write form of the record: `{"id"?: …, "fields": {…}}`.
 *
 * Returns: (transfer full): a new object node
 */
JsonNode *
hangar_record_to_json (HangarRecord *self,
                       gboolean      include_id)
{
  g_autoptr(JsonObject) object = json_object_new ();

  g_return_val_if_fail (HANGAR_IS_RECORD (self), NULL);

  if (include_id && self->id != NULL)
    json_object_set_string_member (object, "id", self->id);
  json_object_set_object_member (object, "fields", hangar_record_dup_fields (self));

  return json_node_init_object (json_node_alloc (), object);
}
