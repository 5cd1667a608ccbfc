/* hangar-field.c — a field (column) of an Airtable table, and its type
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <limits.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "hangar-field.h"
#include "hangar-model-private.h"

struct _HangarField
{
  GObject          parent_instance;

  char            *id;
  char            *name;
  char            *description;
  char            *type_string;
  HangarFieldType  type;
  JsonObject      *options;
  char           **notes;      /* what in the field's answer could not be used as sent */
};

G_DEFINE_FINAL_TYPE (HangarField, hangar_field, G_TYPE_OBJECT)

static gint64 precision_of (JsonObject  *options,
                            char       **out_note);

G_DEFINE_ENUM_TYPE (HangarFieldType, hangar_field_type,
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_UNKNOWN, "unknown"),
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_SINGLE_LINE_TEXT, "single-line-text"),
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_MULTILINE_TEXT, "multiline-text"),
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_RICH_TEXT, "rich-text"),
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_EMAIL, "email"),
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_URL, "url"),
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_PHONE_NUMBER, "phone-number"),
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_NUMBER, "number"),
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_PERCENT, "percent"),
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_CURRENCY, "currency"),
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_DURATION, "duration"),
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_RATING, "rating"),
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_CHECKBOX, "checkbox"),
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_SINGLE_SELECT, "single-select"),
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_MULTIPLE_SELECTS, "multiple-selects"),
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_SINGLE_COLLABORATOR, "single-collaborator"),
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_MULTIPLE_COLLABORATORS, "multiple-collaborators"),
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_MULTIPLE_RECORD_LINKS, "multiple-record-links"),
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_DATE, "date"),
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_DATE_TIME, "date-time"),
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_MULTIPLE_ATTACHMENTS, "multiple-attachments"),
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_BARCODE, "barcode"),
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_FORMULA, "formula"),
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_ROLLUP, "rollup"),
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_COUNT, "count"),
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_MULTIPLE_LOOKUP_VALUES, "multiple-lookup-values"),
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_AUTO_NUMBER, "auto-number"),
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_BUTTON, "button"),
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_CREATED_TIME, "created-time"),
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_LAST_MODIFIED_TIME, "last-modified-time"),
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_CREATED_BY, "created-by"),
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_LAST_MODIFIED_BY, "last-modified-by"),
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_AI_TEXT, "ai-text"),
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_EXTERNAL_SYNC_SOURCE, "external-sync-source"),
  G_DEFINE_ENUM_VALUE (HANGAR_FIELD_TYPE_MANUAL_SORT, "manual-sort"))

typedef struct
{
  HangarFieldType  type;
  const char      *api_name;
  const char      *display_name;
  const char      *icon_name;
  guint            computed : 1;
  guint            text_like : 1;
} FieldTypeInfo;

/* Indexed by HangarFieldType. */
static const FieldTypeInfo field_types[] = {
  { HANGAR_FIELD_TYPE_UNKNOWN, NULL, "Unknown type", "dialog-question-symbolic", TRUE, FALSE },
  { HANGAR_FIELD_TYPE_SINGLE_LINE_TEXT, "singleLineText", "Single line text", "format-text-plaintext-symbolic", FALSE, TRUE },
  { HANGAR_FIELD_TYPE_MULTILINE_TEXT, "multilineText", "Long text", "format-justify-left-symbolic", FALSE, TRUE },
  { HANGAR_FIELD_TYPE_RICH_TEXT, "richText", "Rich text", "format-text-rich-symbolic", FALSE, TRUE },
  { HANGAR_FIELD_TYPE_EMAIL, "email", "Email", "mail-unread-symbolic", FALSE, TRUE },
  { HANGAR_FIELD_TYPE_URL, "url", "URL", "insert-link-symbolic", FALSE, TRUE },
  { HANGAR_FIELD_TYPE_PHONE_NUMBER, "phoneNumber", "Phone number", "call-start-symbolic", FALSE, TRUE },
  { HANGAR_FIELD_TYPE_NUMBER, "number", "Number", "accessories-calculator-symbolic", FALSE, FALSE },
  { HANGAR_FIELD_TYPE_PERCENT, "percent", "Percent", "accessories-calculator-symbolic", FALSE, FALSE },
  { HANGAR_FIELD_TYPE_CURRENCY, "currency", "Currency", "accessories-calculator-symbolic", FALSE, FALSE },
  { HANGAR_FIELD_TYPE_DURATION, "duration", "Duration", "preferences-system-time-symbolic", FALSE, FALSE },
  { HANGAR_FIELD_TYPE_RATING, "rating", "Rating", "starred-symbolic", FALSE, FALSE },
  { HANGAR_FIELD_TYPE_CHECKBOX, "checkbox", "Checkbox", "checkbox-checked-symbolic", FALSE, FALSE },
  { HANGAR_FIELD_TYPE_SINGLE_SELECT, "singleSelect", "Single select", "radio-checked-symbolic", FALSE, FALSE },
  { HANGAR_FIELD_TYPE_MULTIPLE_SELECTS, "multipleSelects", "Multiple select", "view-list-bullet-symbolic", FALSE, FALSE },
  { HANGAR_FIELD_TYPE_SINGLE_COLLABORATOR, "singleCollaborator", "User", "avatar-default-symbolic", FALSE, FALSE },
  { HANGAR_FIELD_TYPE_MULTIPLE_COLLABORATORS, "multipleCollaborators", "Users", "system-users-symbolic", FALSE, FALSE },
  { HANGAR_FIELD_TYPE_MULTIPLE_RECORD_LINKS, "multipleRecordLinks", "Link to another record", "emblem-symbolic-link", FALSE, FALSE },
  { HANGAR_FIELD_TYPE_DATE, "date", "Date", "x-office-calendar-symbolic", FALSE, FALSE },
  { HANGAR_FIELD_TYPE_DATE_TIME, "dateTime", "Date and time", "x-office-calendar-symbolic", FALSE, FALSE },
  { HANGAR_FIELD_TYPE_MULTIPLE_ATTACHMENTS, "multipleAttachments", "Attachment", "mail-attachment-symbolic", FALSE, FALSE },
  { HANGAR_FIELD_TYPE_BARCODE, "barcode", "Barcode", "view-list-symbolic", FALSE, FALSE },
  { HANGAR_FIELD_TYPE_FORMULA, "formula", "Formula", "accessories-calculator-symbolic", TRUE, FALSE },
  { HANGAR_FIELD_TYPE_ROLLUP, "rollup", "Rollup", "view-list-ordered-symbolic", TRUE, FALSE },
  { HANGAR_FIELD_TYPE_COUNT, "count", "Count", "view-list-ordered-symbolic", TRUE, FALSE },
  { HANGAR_FIELD_TYPE_MULTIPLE_LOOKUP_VALUES, "multipleLookupValues", "Lookup", "edit-find-symbolic", TRUE, FALSE },
  { HANGAR_FIELD_TYPE_AUTO_NUMBER, "autoNumber", "Autonumber", "view-list-ordered-symbolic", TRUE, FALSE },
  { HANGAR_FIELD_TYPE_BUTTON, "button", "Button", "media-playback-start-symbolic", TRUE, FALSE },
  { HANGAR_FIELD_TYPE_CREATED_TIME, "createdTime", "Created time", "document-open-recent-symbolic", TRUE, FALSE },
  { HANGAR_FIELD_TYPE_LAST_MODIFIED_TIME, "lastModifiedTime", "Last modified time", "document-open-recent-symbolic", TRUE, FALSE },
  { HANGAR_FIELD_TYPE_CREATED_BY, "createdBy", "Created by", "avatar-default-symbolic", TRUE, FALSE },
  { HANGAR_FIELD_TYPE_LAST_MODIFIED_BY, "lastModifiedBy", "Last modified by", "avatar-default-symbolic", TRUE, FALSE },
  { HANGAR_FIELD_TYPE_AI_TEXT, "aiText", "AI text", "starred-symbolic", TRUE, FALSE },
  { HANGAR_FIELD_TYPE_EXTERNAL_SYNC_SOURCE, "externalSyncSource", "Sync source", "emblem-synchronizing-symbolic", TRUE, FALSE },
  { HANGAR_FIELD_TYPE_MANUAL_SORT, "manualSort", "Manual sort", "view-sort-ascending-symbolic", TRUE, FALSE },
};

G_STATIC_ASSERT (G_N_ELEMENTS (field_types) == HANGAR_FIELD_TYPE_MANUAL_SORT + 1);

static const FieldTypeInfo *
type_info (HangarFieldType type)
{
  if ((guint) type >= G_N_ELEMENTS (field_types))
    type = HANGAR_FIELD_TYPE_UNKNOWN;
  return &field_types[type];
}

HangarFieldType
hangar_field_type_from_string (const char *type)
{
  if (type == NULL)
    return HANGAR_FIELD_TYPE_UNKNOWN;

  for (guint i = 1; i < G_N_ELEMENTS (field_types); i++)
    if (strcmp (field_types[i].api_name, type) == 0)
      return field_types[i].type;

  return HANGAR_FIELD_TYPE_UNKNOWN;
}

const char *
hangar_field_type_to_string (HangarFieldType type)
{
  return type_info (type)->api_name;
}

const char *
hangar_field_type_get_display_name (HangarFieldType type)
{
  return type_info (type)->display_name;
}

const char *
hangar_field_type_get_icon_name (HangarFieldType type)
{
  return type_info (type)->icon_name;
}

gboolean
hangar_field_type_is_computed (HangarFieldType type)
{
  return type_info (type)->computed;
}

gboolean
hangar_field_type_is_text_like (HangarFieldType type)
{
  return type_info (type)->text_like;
}

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_DESCRIPTION,
  PROP_FIELD_TYPE,
  PROP_TYPE_STRING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
hangar_field_finalize (GObject *object)
{
  HangarField *self = (HangarField *) object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->type_string, g_free);
  g_clear_pointer (&self->options, json_object_unref);
  g_clear_pointer (&self->notes, g_strfreev);

  G_OBJECT_CLASS (hangar_field_parent_class)->finalize (object);
}

static void
hangar_field_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  HangarField *self = HANGAR_FIELD (object);

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
    case PROP_FIELD_TYPE:
      g_value_set_enum (value, self->type);
      break;
    case PROP_TYPE_STRING:
      g_value_set_string (value, self->type_string);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_field_class_init (HangarFieldClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hangar_field_finalize;
  object_class->get_property = hangar_field_get_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FIELD_TYPE] =
    g_param_spec_enum ("field-type", NULL, NULL, HANGAR_TYPE_FIELD_TYPE, HANGAR_FIELD_TYPE_UNKNOWN,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TYPE_STRING] =
    g_param_spec_string ("type-string", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_field_init (HangarField *self)
{
}

/**
 * hangar_field_new_from_json:
 * @object: a field object `{"id","name","type","description"?,"options"?}`
 * @error: return location for a %HANGAR_API_ERROR_INVALID_RESPONSE
 *
 * A type this build does not know becomes %HANGAR_FIELD_TYPE_UNKNOWN; its
 * name and options are kept. Unknown members are ignored; `options` may be
 * absent or null.
 *
 * Returns: (transfer full) (nullable): the field
 */
HangarField *
hangar_field_new_from_json (JsonObject  *object,
                            GError     **error)
{
  HangarField *self;
  const char *id, *name, *type, *description;
  JsonObject *options;

  g_return_val_if_fail (object != NULL, NULL);

  if (!_hangar_json_get_string (object, "id", TRUE, "a field", &id, error))
    return NULL;
  if (!_hangar_json_get_string (object, "name", TRUE, "a field", &name, error) ||
      !_hangar_json_get_string (object, "type", TRUE, "a field", &type, error) ||
      !_hangar_json_get_string (object, "description", FALSE, "a field", &description, error) ||
      !_hangar_json_get_object (object, "options", FALSE, "a field", &options, error))
    {
      g_prefix_error (error, "Field %s: ", id);
      return NULL;
    }

  self = g_object_new (HANGAR_TYPE_FIELD, NULL);
  self->id = g_strdup (id);
  self->name = g_strdup (name);
  self->description = g_strdup (description);
  self->type_string = g_strdup (type);
  self->type = hangar_field_type_from_string (type);
  self->options = options != NULL ? json_object_ref (options) : NULL;

  /* A precision outside 0–8 is kept in the options as sent; formatting
   * uses the nearest it can, and the field says so. */
  {
    g_autofree char *note = NULL;

    (void) precision_of (self->options, &note);
    if (note != NULL)
      {
        char *notes[] = { note, NULL };

        self->notes = g_strdupv (notes);
      }
  }

  return self;
}

/* Attaches the notes of @notes under @prefix (the field's path in the
 * answer). */
void
_hangar_field_take_notes (HangarField *self,
                          GPtrArray   *notes,
                          const char  *prefix)
{
  self->notes = _hangar_notes_append (self->notes, _hangar_notes_under (notes, prefix));
}

/**
 * hangar_field_get_notes:
 * @self: a #HangarField
 *
 * What in the field's description could not be used as Airtable sent it,
 * e.g. a `precision` outside 0–8 (kept in the options as sent; numbers are
 * shown with the nearest precision that can be used), or a number in the
 * options beyond the double range. One line each.
 *
 * Returns: (transfer none) (nullable) (array zero-terminated=1): the notes,
 *   %NULL when there is none
 */
const char * const *
hangar_field_get_notes (HangarField *self)
{
  g_return_val_if_fail (HANGAR_IS_FIELD (self), NULL);
  return (const char * const *) self->notes;
}

const char *
hangar_field_get_id (HangarField *self)
{
  g_return_val_if_fail (HANGAR_IS_FIELD (self), NULL);
  return self->id;
}

const char *
hangar_field_get_name (HangarField *self)
{
  g_return_val_if_fail (HANGAR_IS_FIELD (self), NULL);
  return self->name;
}

/**
 * hangar_field_get_description:
 *
 * Returns: (nullable): the description, %NULL when unset
 */
const char *
hangar_field_get_description (HangarField *self)
{
  g_return_val_if_fail (HANGAR_IS_FIELD (self), NULL);
  return self->description;
}

HangarFieldType
hangar_field_get_field_type (HangarField *self)
{
  g_return_val_if_fail (HANGAR_IS_FIELD (self), HANGAR_FIELD_TYPE_UNKNOWN);
  return self->type;
}

/**
 * hangar_field_get_type_string:
 *
 * Returns: the type exactly as the API named it, also for unknown types
 */
const char *
hangar_field_get_type_string (HangarField *self)
{
  g_return_val_if_fail (HANGAR_IS_FIELD (self), NULL);
  return self->type_string;
}

/**
 * hangar_field_get_options:
 *
 * Returns: (transfer none) (nullable): the raw `options` object, also for
 *   unknown types; %NULL when absent
 */
JsonObject *
hangar_field_get_options (HangarField *self)
{
  g_return_val_if_fail (HANGAR_IS_FIELD (self), NULL);
  return self->options;
}

gboolean
hangar_field_is_computed (HangarField *self)
{
  g_return_val_if_fail (HANGAR_IS_FIELD (self), TRUE);
  return hangar_field_type_is_computed (self->type);
}

gboolean
hangar_field_is_text_like (HangarField *self)
{
  g_return_val_if_fail (HANGAR_IS_FIELD (self), FALSE);
  return hangar_field_type_is_text_like (self->type);
}

const char *
hangar_field_get_display_name (HangarField *self)
{
  g_return_val_if_fail (HANGAR_IS_FIELD (self), NULL);
  return hangar_field_type_get_display_name (self->type);
}

const char *
hangar_field_get_icon_name (HangarField *self)
{
  g_return_val_if_fail (HANGAR_IS_FIELD (self), NULL);
  return hangar_field_type_get_icon_name (self->type);
}

/**
 * hangar_field_dup_choice_names:
 *
 * Returns: (transfer full): the names of the choices of a select field (or
 *   of any field whose options have `choices`), in order; empty otherwise
 */
char **
hangar_field_dup_choice_names (HangarField *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *choices = NULL;

  g_return_val_if_fail (HANGAR_IS_FIELD (self), NULL);

  if (self->options != NULL &&
      _hangar_json_get_array (self->options, "choices", FALSE, "options", &choices, NULL) &&
      choices != NULL)
    {
      for (guint i = 0; i < json_array_get_length (choices); i++)
        {
          JsonNode *choice = json_array_get_element (choices, i);
          const char *name = NULL;

          if (JSON_NODE_HOLDS_OBJECT (choice) &&
              _hangar_json_get_string (json_node_get_object (choice), "name", TRUE, "choice", &name, NULL))
            g_strv_builder_add (builder, name);
        }
    }

  return g_strv_builder_end (builder);
}

/**
 * hangar_field_to_json:
 *
 * The write form used to create a field or a table: `{"name","type",
 * "description"?, "options"?}` (no id). The type and options are sent as
 * they came, also for unknown types.
 *
 * Returns: (transfer full): a new object node
 */
JsonNode *
hangar_field_to_json (HangarField *self)
{
  g_autoptr(JsonObject) object = json_object_new ();

  g_return_val_if_fail (HANGAR_IS_FIELD (self), NULL);

  json_object_set_string_member (object, "name", self->name);
  json_object_set_string_member (object, "type", self->type_string);
  if (self->description != NULL)
    json_object_set_string_member (object, "description", self->description);
  if (self->options != NULL)
    json_object_set_object_member (object, "options", _hangar_json_object_deep_copy (self->options));

  return json_node_init_object (json_node_alloc (), object);
}

/* Value formatting ------------------------------------------------------- */

/* How numbers are written. Plain: machine-readable (`.` decimal point, no
 * grouping, ratings as numbers), for CSV. Display: the given decimal point
 * and digit grouping (from the locale, or given by tests), ratings as stars. */
typedef struct
{
  gboolean    display;
  const char *decimal_point;   /* never NULL or empty */
  const char *thousands_sep;   /* "" for none */
  const char *grouping;        /* struct lconv's grouping; NULL or "" for none */
} FormatStyle;

static const FormatStyle plain_style = { FALSE, ".", "", NULL };

/* Copies @ascii (a number as printed in the C locale: "-1234.5", "12",
 * "1e+21", "NaN") to @out with @style's decimal point and, when @group,
 * its digit grouping. Anything that is not plain digits is copied as is. */
static void
append_localized (GString           *out,
                  const char        *ascii,
                  const FormatStyle *style,
                  gboolean           group)
{
  const char *p = ascii;
  const char *int_start;
  gsize int_len;
  const char *rest;

  if (!style->display || strpbrk (ascii, "eEnN") != NULL)
    {
      g_string_append (out, ascii);
      return;
    }

  if (*p == '-' || *p == '+')
    g_string_append_c (out, *p++);
  int_start = p;
  while (g_ascii_isdigit (*p))
    p++;
  int_len = p - int_start;
  rest = p;

  if (group && int_len > 0 && style->thousands_sep[0] != '\0' &&
      style->grouping != NULL && style->grouping[0] != '\0' &&
      style->grouping[0] != CHAR_MAX && style->grouping[0] > 0)
    {
      /* Cut points from the right: sizes from grouping[], the last one
       * repeating (0 ends the list), CHAR_MAX stops grouping. */
      g_autofree gboolean *cut_before = g_new0 (gboolean, int_len + 1);
      const char *g = style->grouping;
      gsize pos = int_len;
      int size = *g;

      for (;;)
        {
          if (size <= 0 || size == CHAR_MAX || (gsize) size >= pos)
            break;
          pos -= size;
          cut_before[pos] = TRUE;
          if (g[1] != '\0')
            {
              g++;
              size = *g;
            }
        }
      for (gsize i = 0; i < int_len; i++)
        {
          if (cut_before[i])
            g_string_append (out, style->thousands_sep);
          g_string_append_c (out, int_start[i]);
        }
    }
  else
    g_string_append_len (out, int_start, int_len);

  if (*rest == '.')
    {
      g_string_append (out, style->decimal_point);
      rest++;
    }
  g_string_append (out, rest);
}

/* The shortest text that reads back as @value, never in the C locale's
 * way of someone else: "0.1", not "0.10000000000000001". */
static void
append_double_shortest (GString *out,
                        double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (value))
    {
      g_string_append (out, "NaN");
      return;
    }
  if (isinf (value))
    {
      g_string_append (out, value > 0 ? "Infinity" : "-Infinity");
      return;
    }

  for (int digits = 15; digits <= 17; digits++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", digits);
      g_ascii_formatd (buf, sizeof buf, format, value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }
  g_string_append (out, buf);
}

static void
append_fixed (GString *out,
              double   value,
              gint64   precision)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE + 32];
  char format[8];

  if (isnan (value) || isinf (value) || fabs (value) >= 1e21)
    {
      append_double_shortest (out, value);
      return;
    }

  precision = CLAMP (precision, 0, 8);
  g_snprintf (format, sizeof format, "%%.%df", (int) precision);
  g_ascii_formatd (buf, sizeof buf, format, value);
  /* "-0.00" reads oddly. */
  if (buf[0] == '-' && g_ascii_strtod (buf, NULL) == 0.0)
    g_string_append (out, buf + 1);
  else
    g_string_append (out, buf);
}

static void
append_number_node (GString  *out,
                    JsonNode *value)
{
  if (json_node_get_value_type (value) == G_TYPE_INT64)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (value));
  else
    append_double_shortest (out, json_node_get_double (value));
}

/* Digits after the decimal point Airtable allows in number, currency and
 * percent fields. */
#define MAX_PRECISION 8

/* The precision to format with: the option when it is a whole number from
 * 0 to 8, MAX_PRECISION for a larger one (a double has no more digits to
 * show), -1 (the shortest form) when it is absent or unusable. @out_note
 * (optional) says what was not used as sent. */
static gint64
precision_of (JsonObject  *options,
              char       **out_note)
{
  JsonNode *node = options != NULL ? json_object_get_member (options, "precision") : NULL;
  double value;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (out_note != NULL)
    *out_note = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return -1;
  if (!_hangar_json_node_get_number (node, &value) || !isfinite (value))
    {
      if (out_note != NULL)
        *out_note = g_strdup_printf ("“options.precision” is %s, not a number; numbers are shown "
                                     "as they are", _hangar_json_node_type_name (node));
      return -1;
    }
  if (value >= 0 && value <= MAX_PRECISION && value == floor (value))
    return (gint64) value;

  hangar_json_format_double (buf, value);
  if (value > MAX_PRECISION)
    {
      if (out_note != NULL)
        *out_note = g_strdup_printf ("“options.precision” is %s, more than the %d decimals Airtable "
                                     "allows; numbers are shown with %d", buf, MAX_PRECISION, MAX_PRECISION);
      return MAX_PRECISION;
    }
  if (out_note != NULL)
    *out_note = g_strdup_printf ("“options.precision” is %s, not a number of decimals from 0 to %d; "
                                 "numbers are shown as they are", buf, MAX_PRECISION);
  return -1;
}

static gint64
option_precision (JsonObject *options)
{
  return precision_of (options, NULL);
}

static const char *
option_string (JsonObject *options,
               const char *member)
{
  const char *value = NULL;

  if (options == NULL ||
      !_hangar_json_get_string (options, member, FALSE, "options", &value, NULL))
    return NULL;
  return value;
}

static void
append_duration (GString    *out,
                 double      seconds,
                 const char *format)
{
  guint decimals = 0;
  gboolean with_seconds = FALSE;
  guint64 hours, minutes;
  double rest;

  if (format != NULL && g_str_has_prefix (format, "h:mm:ss"))
    {
      with_seconds = TRUE;
      if (format[7] == '.')
        decimals = MIN (strlen (format + 8), 3);
    }

  if (isnan (seconds) || isinf (seconds))
    {
      append_double_shortest (out, seconds);
      return;
    }

  if (seconds < 0)
    {
      g_string_append_c (out, '-');
      seconds = -seconds;
    }

  /* Work in units of the smallest displayed digit, rounded once. */
  if (with_seconds)
    {
      double scale = pow (10, decimals);
      double units = floor (seconds * scale + 0.5);
      guint64 whole = (guint64) (units / scale);

      rest = units - (double) whole * scale;
      hours = whole / 3600;
      minutes = (whole % 3600) / 60;
      g_string_append_printf (out, "%" G_GUINT64_FORMAT ":%02" G_GUINT64_FORMAT ":%02" G_GUINT64_FORMAT,
                              hours, minutes, whole % 60);
      if (decimals > 0)
        g_string_append_printf (out, ".%0*u", (int) decimals, (guint) rest);
    }
  else
    {
      guint64 total_minutes = (guint64) floor (seconds / 60.0);

      hours = total_minutes / 60;
      minutes = total_minutes % 60;
      g_string_append_printf (out, "%" G_GUINT64_FORMAT ":%02" G_GUINT64_FORMAT, hours, minutes);
    }
}

static void append_value (GString           *out,
                          HangarFieldType    type,
                          JsonObject        *options,
                          JsonNode          *value,
                          const FormatStyle *style);

/* Formula, rollup and lookup options carry the configuration of their
 * result as a field config: {"type": "...", "options": {...}}. */
static HangarFieldType
result_type (JsonObject  *options,
             JsonObject **out_result_options)
{
  JsonObject *result = NULL;
  const char *type = NULL;

  *out_result_options = NULL;
  if (options == NULL ||
      !_hangar_json_get_object (options, "result", FALSE, "options", &result, NULL) ||
      result == NULL ||
      !_hangar_json_get_string (result, "type", FALSE, "result", &type, NULL))
    return HANGAR_FIELD_TYPE_UNKNOWN;

  _hangar_json_get_object (result, "options", FALSE, "result", out_result_options, NULL);
  return hangar_field_type_from_string (type);
}

static void
append_object (GString         *out,
               HangarFieldType  type,
               JsonObject      *object)
{
  static const char * const display_members[] = {
    "name", "email", "filename", "text", "label", "value", "id", "url",
  };
  const char *text = NULL;

  /* Formula errors and special numbers. */
  if (_hangar_json_get_string (object, "error", FALSE, "value", &text, NULL) && text != NULL)
    {
      g_string_append (out, text);
      return;
    }
  if (_hangar_json_get_string (object, "specialValue", FALSE, "value", &text, NULL) && text != NULL)
    {
      g_string_append (out, text);
      return;
    }

  if (type == HANGAR_FIELD_TYPE_AI_TEXT)
    {
      const char *state = NULL;

      if (_hangar_json_get_string (object, "state", FALSE, "value", &state, NULL) &&
          g_strcmp0 (state, "error") == 0)
        {
          g_string_append (out, "#ERROR!");
          return;
        }
      if (_hangar_json_get_string (object, "value", FALSE, "value", &text, NULL) && text != NULL)
        g_string_append (out, text);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (display_members); i++)
    if (_hangar_json_get_string (object, display_members[i], FALSE, "value", &text, NULL) &&
        text != NULL && text[0] != '\0')
      {
        g_string_append (out, text);
        return;
      }

  /* Something new: show it as compact JSON rather than nothing. */
  {
    g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
    g_autofree char *json = hangar_json_to_string (node, -1);

    g_string_append (out, json);
  }
}

/* Rating: as many filled stars as the value, up to the field's max
 * (default 5), then empty ones: 3 of 5 is "★★★☆☆". */
static void
append_rating (GString    *out,
               JsonObject *options,
               double      number)
{
  gint64 max = 5;
  gint64 filled;

  if (options != NULL)
    _hangar_json_get_int (options, "max", FALSE, "options", &max, NULL);
  max = CLAMP (max, 1, 10);
  filled = isnan (number) ? 0 : (gint64) CLAMP (floor (number + 0.5), 0, (double) max);
  for (gint64 i = 0; i < max; i++)
    g_string_append (out, i < filled ? "★" : "☆");
}

static void
append_number (GString           *out,
               HangarFieldType    type,
               JsonObject        *options,
               JsonNode          *value,
               const FormatStyle *style)
{
  double number = 0;
  gint64 precision = option_precision (options);
  g_autoptr(GString) ascii = g_string_new (NULL);
  gboolean group = FALSE;

  _hangar_json_node_get_number (value, &number);

  switch ((int) type)
    {
    case HANGAR_FIELD_TYPE_NUMBER:
      if (precision >= 0)
        append_fixed (ascii, number, precision);
      else
        append_number_node (ascii, value);
      group = TRUE;
      break;

    case HANGAR_FIELD_TYPE_CURRENCY:
      {
        const char *symbol = option_string (options, "symbol");

        if (number < 0 && !(precision >= 0 && fabs (number) < 0.5 * pow (10, -CLAMP (precision, 0, 8))))
          {
            g_string_append_c (out, '-');
            number = -number;
          }
        if (symbol != NULL)
          g_string_append (out, symbol);
        append_fixed (ascii, number, precision >= 0 ? precision : 2);
        group = TRUE;
      }
      break;

    case HANGAR_FIELD_TYPE_PERCENT:
      if (precision >= 0)
        append_fixed (ascii, number * 100.0, precision);
      else
        {
          /* 0.123 * 100 is 12.299999999999999: round away the binary noise. */
          char buf[G_ASCII_DTOSTR_BUF_SIZE];

          g_ascii_formatd (buf, sizeof buf, "%.12g", number * 100.0);
          g_string_append (ascii, buf);
        }
      append_localized (out, ascii->str, style, TRUE);
      g_string_append_c (out, '%');
      return;

    case HANGAR_FIELD_TYPE_DURATION:
      append_duration (out, number, option_string (options, "durationFormat"));
      return;

    case HANGAR_FIELD_TYPE_RATING:
      if (style->display)
        {
          append_rating (out, options, number);
          return;
        }
      append_number_node (ascii, value);
      break;

    default:
      append_number_node (ascii, value);
      break;
    }

  append_localized (out, ascii->str, style, group);
}

static void
append_value (GString           *out,
              HangarFieldType    type,
              JsonObject        *options,
              JsonNode          *value,
              const FormatStyle *style)
{
  if (value == NULL)
    return;

  /* Computed fields: format by the configuration of their result. */
  if (type == HANGAR_FIELD_TYPE_FORMULA ||
      type == HANGAR_FIELD_TYPE_ROLLUP ||
      type == HANGAR_FIELD_TYPE_MULTIPLE_LOOKUP_VALUES)
    {
      JsonObject *result_options;
      HangarFieldType rtype = result_type (options, &result_options);

      /* A result type that is itself computed would loop. */
      if (rtype == HANGAR_FIELD_TYPE_FORMULA ||
          rtype == HANGAR_FIELD_TYPE_ROLLUP ||
          rtype == HANGAR_FIELD_TYPE_MULTIPLE_LOOKUP_VALUES)
        rtype = HANGAR_FIELD_TYPE_UNKNOWN;
      type = rtype;
      options = result_options;
    }

  switch (json_node_get_node_type (value))
    {
    case JSON_NODE_NULL:
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (value);
        gboolean first = TRUE;

        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            JsonNode *element = json_array_get_element (array, i);
            gsize before;

            if (!first)
              g_string_append (out, ", ");
            before = out->len;
            append_value (out, type, options, element, style);
            /* Skip empty elements (blank lookups) without doubled commas. */
            if (out->len == before && !first)
              g_string_truncate (out, before - 2);
            else if (out->len > before)
              first = FALSE;
          }
      }
      break;

    case JSON_NODE_OBJECT:
      append_object (out, type, json_node_get_object (value));
      break;

    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (value))
        {
        case G_TYPE_STRING:
          g_string_append (out, json_node_get_string (value));
          break;
        case G_TYPE_BOOLEAN:
          if (json_node_get_boolean (value))
            g_string_append (out, "true");
          else if (type != HANGAR_FIELD_TYPE_CHECKBOX)
            g_string_append (out, "false");
          break;
        case G_TYPE_INT64:
        case G_TYPE_DOUBLE:
          append_number (out, type, options, value, style);
          break;
        default:
          break;
        }
      break;

    default:
      break;
    }
}

static char *
format_with_style (HangarField       *field,
                   JsonNode          *value,
                   const FormatStyle *style)
{
  GString *out = g_string_new (NULL);

  append_value (out,
                field != NULL ? field->type : HANGAR_FIELD_TYPE_UNKNOWN,
                field != NULL ? field->options : NULL,
                value, style);

  return g_string_free (out, FALSE);
}

/**
 * hangar_field_format_value:
 * @field: (nullable): the field the value belongs to, for its options
 * @value: (nullable): a cell value as the API returns it (cellFormat json)
 *
 * Text to show a person for a cell (the record grid, the detail panel):
 * numbers with the field's precision, written the way the current
 * `LC_NUMERIC` locale writes them (its decimal point and thousands
 * grouping, from localeconv(): `$120,000.00` in en_US, `$120.000,00` in
 * de_DE, `$120000.00` in the C locale), ratings as stars up to the field's
 * max (`★★★☆☆`). Everything else as hangar_field_format_value_plain().
 *
 * Returns: (transfer full): the display text, never %NULL
 */
char *
hangar_field_format_value (HangarField *field,
                           JsonNode    *value)
{
  const struct lconv *conv;
  const char *decimal_point = ".";
  const char *thousands_sep = "";
  const char *grouping = NULL;

  g_return_val_if_fail (field == NULL || HANGAR_IS_FIELD (field), g_strdup (""));

  /* The strings belong to the C library until the next localeconv() or
   * setlocale(); they are used right away. */
  conv = localeconv ();
  if (conv != NULL)
    {
      if (conv->decimal_point != NULL && conv->decimal_point[0] != '\0' &&
          g_utf8_validate (conv->decimal_point, -1, NULL))
        decimal_point = conv->decimal_point;
      if (conv->thousands_sep != NULL && g_utf8_validate (conv->thousands_sep, -1, NULL))
        thousands_sep = conv->thousands_sep;
      grouping = conv->grouping;
    }

  return hangar_field_format_value_with_separators (field, value, decimal_point, thousands_sep, grouping);
}

/**
 * hangar_field_format_value_with_separators:
 * @field: (nullable): the field the value belongs to
 * @value: (nullable): a cell value
 * @decimal_point: the decimal point, e.g. "." or ","
 * @thousands_sep: the digit group separator, e.g. "," or "" for none
 * @grouping: (nullable): group sizes as in `struct lconv` (e.g. "\3" for
 *   thousands, "\3\2" for 12,34,567); %NULL means "\3"
 *
 * hangar_field_format_value() with given separators instead of the
 * locale's: the same result in every environment (tests, previews).
 * Grouping applies to number, currency and percent values.
 *
 * Returns: (transfer full): the display text, never %NULL
 */
char *
hangar_field_format_value_with_separators (HangarField *field,
                                           JsonNode    *value,
                                           const char  *decimal_point,
                                           const char  *thousands_sep,
                                           const char  *grouping)
{
  FormatStyle style = { TRUE, ".", "", "\3" };

  g_return_val_if_fail (field == NULL || HANGAR_IS_FIELD (field), g_strdup (""));

  if (decimal_point != NULL && decimal_point[0] != '\0')
    style.decimal_point = decimal_point;
  if (thousands_sep != NULL)
    style.thousands_sep = thousands_sep;
  if (grouping != NULL)
    style.grouping = grouping;

  return format_with_style (field, value, &style);
}

/**
 * hangar_field_format_value_plain:
 * @field: (nullable): the field the value belongs to, for its options
 * @value: (nullable): a cell value as the API returns it (cellFormat json)
 *
 * Machine-readable text for a cell, the same in every locale (CSV output):
 * numbers with the field's precision, always with a `.` decimal point and
 * no grouping, currency with its symbol (`$1.50`), percent scaled (0.123 →
 * `12.3%`), ratings as their number, durations as `h:mm` or
 * `h:mm:ss[.S…]` per `durationFormat`, checkbox `true` or empty, select
 * names, arrays joined with `, `, collaborators by name (else email),
 * attachments by file name, barcodes by text, buttons by label, formula
 * errors as `#ERROR!`, dates exactly as given. An empty cell gives "".
 *
 * Returns: (transfer full): the text, never %NULL
 */
char *
hangar_field_format_value_plain (HangarField *field,
                                 JsonNode    *value)
{
  g_return_val_if_fail (field == NULL || HANGAR_IS_FIELD (field), g_strdup (""));

  return format_with_style (field, value, &plain_style);
}
