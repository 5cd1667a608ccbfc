/* hangar-csv-cell.c — a field as a CSV column: cell values out and in
 *
 * The choices per field type are listed in hangar-csv-cell.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hangar-csv-cell.h"
#include "hangar-json.h"

struct _HangarCsvField
{
  HangarField *field;
  HangarField *values;       /* the field that says how values look: the result of a formula … */
  char        *linked_table; /* the linked table of values that are links */
  char       **choices;      /* select option names */
};

static HangarField *
result_field (HangarField *field)
{
  JsonObject *options = hangar_field_get_options (field);
  JsonObject *result = NULL;
  const char *type = NULL;
  g_autoptr(JsonObject) spec = NULL;

  if (options == NULL ||
      !_hangar_json_get_object (options, "result", FALSE, "options", &result, NULL) || result == NULL ||
      !_hangar_json_get_string (result, "type", FALSE, "result", &type, NULL) || type == NULL)
    return g_object_ref (field);

  spec = json_object_new ();
  json_object_set_string_member (spec, "id", hangar_field_get_id (field));
  json_object_set_string_member (spec, "name", hangar_field_get_name (field));
  json_object_set_string_member (spec, "type", type);
  if (json_object_has_member (result, "options") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (result, "options")))
    json_object_set_object_member (spec, "options",
                                   json_object_ref (json_object_get_object_member (result, "options")));
  {
    HangarField *values = hangar_field_new_from_json (spec, NULL);

    return values != NULL ? values : g_object_ref (field);
  }
}

/**
 * hangar_csv_field_new:
 * @field: a field of the table
 *
 * Returns: (transfer full): the column for @field
 */
HangarCsvField *
hangar_csv_field_new (HangarField *field)
{
  HangarCsvField *self;
  HangarFieldType type;
  JsonObject *options;
  const char *linked = NULL;

  g_return_val_if_fail (HANGAR_IS_FIELD (field), NULL);

  self = g_new0 (HangarCsvField, 1);
  self->field = g_object_ref (field);
  type = hangar_field_get_field_type (field);
  if (type == HANGAR_FIELD_TYPE_FORMULA || type == HANGAR_FIELD_TYPE_ROLLUP ||
      type == HANGAR_FIELD_TYPE_MULTIPLE_LOOKUP_VALUES)
    self->values = result_field (field);
  else
    self->values = g_object_ref (field);

  options = hangar_field_get_options (self->values);
  if (hangar_field_get_field_type (self->values) == HANGAR_FIELD_TYPE_MULTIPLE_RECORD_LINKS &&
      options != NULL && _hangar_json_get_string (options, "linkedTableId", FALSE, "options", &linked, NULL))
    self->linked_table = g_strdup (linked);
  self->choices = hangar_field_dup_choice_names (self->values);
  return self;
}

void
hangar_csv_field_free (HangarCsvField *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->field);
  g_clear_object (&self->values);
  g_free (self->linked_table);
  g_strfreev (self->choices);
  g_free (self);
}

HangarField *
hangar_csv_field_get_field (HangarCsvField *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->field;
}

gboolean
hangar_csv_field_is_writable (HangarCsvField *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return !hangar_field_is_computed (self->field);
}

const char *
hangar_csv_field_get_linked_table (HangarCsvField *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->linked_table;
}

static gboolean
type_is_numeric (HangarFieldType type)
{
  switch ((int) type)
    {
    case HANGAR_FIELD_TYPE_NUMBER:
    case HANGAR_FIELD_TYPE_CURRENCY:
    case HANGAR_FIELD_TYPE_PERCENT:
    case HANGAR_FIELD_TYPE_DURATION:
    case HANGAR_FIELD_TYPE_RATING:
    case HANGAR_FIELD_TYPE_COUNT:
    case HANGAR_FIELD_TYPE_AUTO_NUMBER:
      return TRUE;
    default:
      return FALSE;
    }
}

HangarCsvCellFlags
hangar_csv_field_get_cell_flags (HangarCsvField *self)
{
  g_return_val_if_fail (self != NULL, HANGAR_CSV_CELL_GUARD);
  /* "-3.5" written from a number is a number, not a formula. */
  return type_is_numeric (hangar_field_get_field_type (self->values)) ? HANGAR_CSV_CELL_PLAIN : HANGAR_CSV_CELL_GUARD;
}

/* ------------------------------------------------------------------------ */
/* Multiple values                                                           */

void
hangar_csv_append_item (GString    *out,
                        const char *item)
{
  if (strpbrk (item, ",\"") == NULL)
    {
      g_string_append (out, item);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = item; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/**
 * hangar_csv_split_items:
 * @text: a multiple value as written by hangar_csv_append_item() joined
 *   with ","
 *
 * Returns: (transfer full) (element-type utf8): the items, trimmed, empty
 *   ones left out
 */
GPtrArray *
hangar_csv_split_items (const char *text)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) item = g_string_new (NULL);
  const char *p = text;

  while (p != NULL)
    {
      const char *start;

      g_string_truncate (item, 0);
      while (*p == ' ' || *p == '\t')
        p++;
      if (*p == '"')
        {
          /* "x, y" with "" for a quote; what follows up to the next comma
           * is kept too (a stray quote is text). */
          for (p++; *p != '\0'; p++)
            {
              if (*p == '"' && p[1] == '"')
                {
                  g_string_append_c (item, '"');
                  p++;
                }
              else if (*p == '"')
                {
                  p++;
                  break;
                }
              else
                g_string_append_c (item, *p);
            }
        }
      start = p;
      while (*p != '\0' && *p != ',')
        p++;
      g_string_append_len (item, start, p - start);
      g_strstrip (item->str);
      item->len = strlen (item->str);
      if (item->len > 0)
        g_ptr_array_add (items, g_strdup (item->str));
      p = *p == ',' ? p + 1 : NULL;
    }
  return items;
}

/* ------------------------------------------------------------------------ */
/* Export                                                                    */

static const char *
object_string (JsonObject *object,
               const char *member)
{
  const char *value = NULL;

  if (!_hangar_json_get_string (object, member, FALSE, "value", &value, NULL) || value == NULL || value[0] == '\0')
    return NULL;
  return value;
}

/* One value (not an array) as text. */
static char *
format_scalar (HangarCsvField        *self,
               JsonNode              *value,
               HangarCsvLinkNameFunc  link_name,
               gpointer               user_data)
{
  HangarFieldType type = hangar_field_get_field_type (self->values);

  if (JSON_NODE_HOLDS_NULL (value))
    return g_strdup ("");

  if (type == HANGAR_FIELD_TYPE_MULTIPLE_RECORD_LINKS)
    {
      const char *id = NULL;

      if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
        id = json_node_get_string (value);
      else if (JSON_NODE_HOLDS_OBJECT (value))
        id = object_string (json_node_get_object (value), "id");
      if (id != NULL)
        {
          const char *name = link_name != NULL ? link_name (self->linked_table, id, user_data) : NULL;

          return g_strdup (name != NULL ? name : id);
        }
    }

  if (JSON_NODE_HOLDS_OBJECT (value))
    {
      JsonObject *object = json_node_get_object (value);

      if (type == HANGAR_FIELD_TYPE_SINGLE_COLLABORATOR || type == HANGAR_FIELD_TYPE_MULTIPLE_COLLABORATORS ||
          type == HANGAR_FIELD_TYPE_CREATED_BY || type == HANGAR_FIELD_TYPE_LAST_MODIFIED_BY)
        {
          const char *text = object_string (object, "email");

          if (text == NULL)
            text = object_string (object, "name");
          if (text == NULL)
            text = object_string (object, "id");
          return g_strdup (text != NULL ? text : "");
        }
      if (type == HANGAR_FIELD_TYPE_MULTIPLE_ATTACHMENTS)
        {
          const char *filename = object_string (object, "filename");
          const char *url = object_string (object, "url");

          if (filename != NULL && url != NULL)
            return g_strdup_printf ("%s (%s)", filename, url);
          return g_strdup (url != NULL ? url : filename != NULL ? filename : "");
        }
    }

  if (type == HANGAR_FIELD_TYPE_CHECKBOX &&
      JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (value) ? "checked" : "");

  return hangar_field_format_value_plain (self->values, value);
}

static void
collect_items (HangarCsvField        *self,
               JsonNode              *value,
               HangarCsvLinkNameFunc  link_name,
               gpointer               user_data,
               GPtrArray             *items)
{
  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);

      for (guint i = 0; i < json_array_get_length (array); i++)
        collect_items (self, json_array_get_element (array, i), link_name, user_data, items);
      return;
    }
  {
    char *text = format_scalar (self, value, link_name, user_data);

    if (text[0] != '\0')
      g_ptr_array_add (items, text);
    else
      g_free (text);
  }
}

/**
 * hangar_csv_field_format:
 * @self: a column
 * @value: (nullable): the cell value as the API returns it
 * @link_name: (nullable): names linked records
 * @user_data: for @link_name
 *
 * Returns: (transfer full): the cell's text, "" for an empty cell
 */
char *
hangar_csv_field_format (HangarCsvField        *self,
                         JsonNode              *value,
                         HangarCsvLinkNameFunc  link_name,
                         gpointer               user_data)
{
  g_autoptr(GPtrArray) items = NULL;
  GString *out;

  g_return_val_if_fail (self != NULL, g_strdup (""));

  if (value == NULL)
    return g_strdup ("");
  if (!JSON_NODE_HOLDS_ARRAY (value))
    return format_scalar (self, value, link_name, user_data);

  items = g_ptr_array_new_with_free_func (g_free);
  collect_items (self, value, link_name, user_data, items);
  out = g_string_new (NULL);
  for (guint i = 0; i < items->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      hangar_csv_append_item (out, g_ptr_array_index (items, i));
    }
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------------ */
/* Import                                                                    */

static gboolean
value_error (GError     **error,
             const char  *format,
             ...) G_GNUC_PRINTF (2, 3);

static gboolean
value_error (GError     **error,
             const char  *format,
             ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, HANGAR_CSV_ERROR, HANGAR_CSV_ERROR_VALUE, message);
  return FALSE;
}

static JsonNode *
string_node (const char *text)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, text);
  return node;
}

static JsonNode *
number_node (double value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  if (value == floor (value) && fabs (value) < 9e15)
    json_node_set_int (node, (gint64) value);
  else
    json_node_set_double (node, value);
  return node;
}

/* A plain decimal number: optional sign, digits with an optional "." part
 * and exponent; commas only as thousands separators ("1,234,567.5"). */
static gboolean
parse_decimal (const char *text,
               double     *out)
{
  g_autoptr(GString) clean = g_string_new (NULL);
  const char *p = text;
  guint digits_in_group = 0;
  gboolean grouped = FALSE, in_int = TRUE, any_digit = FALSE;
  char *end = NULL;

  if (*p == '+' || *p == '-')
    g_string_append_c (clean, *p++);
  for (; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        {
          any_digit = TRUE;
          digits_in_group++;
          g_string_append_c (clean, *p);
        }
      else if (*p == ',' && in_int && digits_in_group > 0 && (!grouped ? digits_in_group <= 3 : digits_in_group == 3))
        {
          grouped = TRUE;
          digits_in_group = 0;
        }
      else if (*p == '.' && in_int)
        {
          if (grouped && digits_in_group != 3)
            return FALSE;
          in_int = FALSE;
          g_string_append_c (clean, *p);
        }
      else if ((*p == 'e' || *p == 'E') && any_digit)
        {
          if (in_int && grouped && digits_in_group != 3)
            return FALSE;
          in_int = FALSE;
          g_string_append (clean, p);
          break;
        }
      else
        return FALSE;
    }
  if (!any_digit || (in_int && grouped && digits_in_group != 3))
    return FALSE;
  *out = g_ascii_strtod (clean->str, &end);
  return end != NULL && *end == '\0' && isfinite (*out) && fabs (*out) <= 9e15;
}

static gboolean
parse_number (HangarCsvField  *self,
              const char      *text,
              double          *out,
              GError         **error)
{
  HangarFieldType type = hangar_field_get_field_type (self->field);
  JsonObject *options = hangar_field_get_options (self->field);
  g_autofree char *work = g_strdup (text);
  const char *symbol = NULL;
  char *p = work;
  gboolean negative = FALSE;
  gsize len;

  if (*p == '-')
    {
      negative = TRUE;
      p++;
    }
  if (type == HANGAR_FIELD_TYPE_CURRENCY)
    {
      static const char * const symbols[] = { "$", "€", "£", "¥", NULL };

      if (options != NULL)
        _hangar_json_get_string (options, "symbol", FALSE, "options", &symbol, NULL);
      if (symbol != NULL && symbol[0] != '\0' && g_str_has_prefix (p, symbol))
        p += strlen (symbol);
      else
        for (guint i = 0; symbols[i] != NULL; i++)
          if (g_str_has_prefix (p, symbols[i]))
            {
              p += strlen (symbols[i]);
              break;
            }
      while (*p == ' ')
        p++;
    }
  len = strlen (p);
  if (len > 0 && p[len - 1] == '%')
    {
      if (type != HANGAR_FIELD_TYPE_PERCENT)
        return value_error (error, "“%s” is a percentage, not a number", text);
      p[--len] = '\0';
      while (len > 0 && p[len - 1] == ' ')
        p[--len] = '\0';
    }
  if (!(negative && (*p == '-' || *p == '+')) && parse_decimal (p, out))
    {
      if (negative)
        *out = -*out;
      if (type == HANGAR_FIELD_TYPE_PERCENT)
        *out /= 100.0;   /* shown as 12.5 %, kept as 0.125, "%" or not */
      return TRUE;
    }
  return value_error (error, "“%s” is not a number", text);
}

static gboolean
parse_duration (const char *text,
                double     *out)
{
  g_auto(GStrv) parts = NULL;
  guint n;
  double total = 0;
  gboolean negative = text[0] == '-';

  if (strchr (text, ':') == NULL)
    return parse_decimal (text, out);
  parts = g_strsplit (negative ? text + 1 : text, ":", -1);
  n = g_strv_length (parts);
  if (n < 2 || n > 3)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      char *end = NULL;
      double v;

      if (parts[i][0] == '\0' || !g_ascii_isdigit (parts[i][0]))
        return FALSE;
      v = g_ascii_strtod (parts[i], &end);
      if (end == NULL || *end != '\0' || (i < n - 1 && v != floor (v)) || (i > 0 && v >= 60))
        return FALSE;
      total += v * (i == 0 ? 3600 : i == 1 ? 60 : 1);
    }
  *out = negative ? -total : total;
  return isfinite (total);
}

static const char *
match_choice (HangarCsvField *self,
              const char     *name)
{
  for (guint i = 0; self->choices != NULL && self->choices[i] != NULL; i++)
    if (g_str_equal (self->choices[i], name))
      return self->choices[i];
  for (guint i = 0; self->choices != NULL && self->choices[i] != NULL; i++)
    {
      g_autofree char *a = g_utf8_casefold (self->choices[i], -1);
      g_autofree char *b = g_utf8_casefold (name, -1);

      if (g_str_equal (a, b))
        return self->choices[i];
    }
  return NULL;
}

static gboolean
parse_choice (HangarCsvField  *self,
              const char      *name,
              gboolean         typecast,
              const char     **out,
              GError         **error)
{
  const char *found = match_choice (self, name);

  if (found != NULL)
    {
      *out = found;
      return TRUE;
    }
  if (typecast)
    {
      *out = name;
      return TRUE;
    }
  return value_error (error, "“%s” is not an option of %s (turn on typecast to add it)",
                      name, hangar_field_get_name (self->field));
}

static gboolean
is_user_id (const char *text)
{
  return g_str_has_prefix (text, "usr") && strlen (text) == 17;
}

static gboolean
parse_collaborator (const char  *text,
                    JsonNode   **out,
                    GError     **error)
{
  JsonObject *object;

  if (is_user_id (text))
    {
      object = json_object_new ();
      json_object_set_string_member (object, "id", text);
    }
  else if (strchr (text, '@') != NULL && strchr (text, ' ') == NULL)
    {
      object = json_object_new ();
      json_object_set_string_member (object, "email", text);
    }
  else
    return value_error (error, "“%s” is neither an email address nor a usr… id", text);

  *out = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  return TRUE;
}

/* YYYY-MM-DD, YYYY/MM/DD, and the field's own M/D/YYYY or D/M/YYYY. */
static gboolean
parse_date_part (const char  *text,
                 const char  *format_name,
                 int         *y,
                 int         *m,
                 int         *d,
                 const char **rest)
{
  int a, b, c, n = 0;

  if (sscanf (text, "%4d-%2d-%2d%n", &a, &b, &c, &n) == 3 && n == 10)
    {
      *y = a; *m = b; *d = c;
    }
  else if (sscanf (text, "%4d/%2d/%2d%n", &a, &b, &c, &n) == 3 && n == 10)
    {
      *y = a; *m = b; *d = c;
    }
  else if (sscanf (text, "%2d/%2d/%4d%n", &a, &b, &c, &n) == 3 && n >= 8 && c >= 1000 &&
           g_ascii_isdigit (text[n - 1]))
    {
      if (g_strcmp0 (format_name, "european") == 0)
        {
          *d = a; *m = b;
        }
      else if (g_strcmp0 (format_name, "us") == 0 || g_strcmp0 (format_name, "local") == 0)
        {
          *m = a; *d = b;
        }
      else
        return FALSE;
      *y = c;
    }
  else
    return FALSE;

  if (*y < 1 || *y > 9999 || *m < 1 || *m > 12 || *d < 1 || *d > 31 ||
      !g_date_valid_dmy ((GDateDay) *d, (GDateMonth) *m, (GDateYear) *y))
    return FALSE;
  *rest = text + n;
  return TRUE;
}

static const char *
date_format_name (HangarField *field)
{
  JsonObject *options = hangar_field_get_options (field);
  JsonObject *format = NULL;
  const char *name = NULL;

  if (options != NULL && _hangar_json_get_object (options, "dateFormat", FALSE, "options", &format, NULL) &&
      format != NULL)
    _hangar_json_get_string (format, "name", FALSE, "dateFormat", &name, NULL);
  return name;
}

static gboolean
parse_date_time (HangarCsvField  *self,
                 const char      *text,
                 gboolean         date_only,
                 JsonNode       **out)
{
  const char *format_name = date_format_name (self->field);
  const char *rest = NULL;
  int y, m, d, hh = 0, mm = 0, n = 0;
  double ss = 0;

  if (!parse_date_part (text, format_name, &y, &m, &d, &rest))
    return FALSE;

  if (date_only)
    {
      g_autofree char *iso = NULL;

      /* A full timestamp in a date field: the date part, as Airtable does. */
      if (*rest != '\0' && *rest != 'T' && *rest != ' ')
        return FALSE;
      iso = g_strdup_printf ("%04d-%02d-%02d", y, m, d);
      *out = string_node (iso);
      return TRUE;
    }

  if (*rest == '\0')
    {
      g_autofree char *iso = g_strdup_printf ("%04d-%02d-%02dT00:00:00.000", y, m, d);

      *out = string_node (iso);
      return TRUE;
    }
  if (*rest != 'T' && *rest != ' ')
    return FALSE;
  rest++;
  if (sscanf (rest, "%2d:%2d%n", &hh, &mm, &n) != 2 || n != 5 || hh > 23 || mm > 59)
    return FALSE;
  rest += n;
  if (*rest == ':')
    {
      char *end = NULL;

      if (!g_ascii_isdigit (rest[1]))
        return FALSE;
      ss = g_ascii_strtod (rest + 1, &end);
      if (end == NULL || end - (rest + 1) < 2 || ss < 0 || ss >= 61)
        return FALSE;
      rest = end;
    }

  if (*rest == '\0')
    {
      /* No offset: the field's time zone applies, as in Airtable. */
      g_autofree char *iso = g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%06.3f", y, m, d, hh, mm, ss);

      g_strdelimit (iso, ",", '.');
      *out = string_node (iso);
      return TRUE;
    }
  {
    g_autoptr(GTimeZone) zone = g_time_zone_new_identifier (g_str_equal (rest, "Z") || g_str_equal (rest, "z") ? "UTC" : rest);
    g_autoptr(GDateTime) local = NULL;
    g_autoptr(GDateTime) utc = NULL;
    g_autofree char *base = NULL;

    if (zone == NULL || (rest[0] != 'Z' && rest[0] != 'z' && rest[0] != '+' && rest[0] != '-'))
      return FALSE;
    local = g_date_time_new (zone, y, m, d, hh, mm, ss);
    if (local == NULL)
      return FALSE;
    utc = g_date_time_to_utc (local);
    base = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S");
    {
      g_autofree char *full = g_strdup_printf ("%s.%03dZ", base, g_date_time_get_microsecond (utc) / 1000);

      *out = string_node (full);
    }
    return TRUE;
  }
}

static gboolean
parse_checkbox (const char *text,
                gboolean   *out)
{
  static const char * const yes[] = { "checked", "true", "yes", "y", "1", "x", "✓", "✔", "on", NULL };
  static const char * const no[] = { "unchecked", "false", "no", "n", "0", "off", NULL };

  for (guint i = 0; yes[i] != NULL; i++)
    if (g_ascii_strcasecmp (text, yes[i]) == 0)
      {
        *out = TRUE;
        return TRUE;
      }
  for (guint i = 0; no[i] != NULL; i++)
    if (g_ascii_strcasecmp (text, no[i]) == 0)
      {
        *out = FALSE;
        return TRUE;
      }
  return FALSE;
}

static gboolean
parse_attachment (const char  *item,
                  JsonArray   *array,
                  GError     **error)
{
  g_autofree char *url = NULL;
  g_autofree char *filename = NULL;
  gsize len = strlen (item);
  const char *open = NULL;
  JsonObject *object;

  /* "name (url)" as exported, or a bare URL. */
  if (len > 2 && item[len - 1] == ')' && (open = g_strrstr (item, " (")) != NULL)
    {
      filename = g_strndup (item, open - item);
      url = g_strndup (open + 2, item + len - 1 - (open + 2));
    }
  else
    url = g_strdup (item);
  if (!g_str_has_prefix (url, "https://") && !g_str_has_prefix (url, "http://"))
    return value_error (error, "“%s” is not an attachment URL (http or https)", item);

  object = json_object_new ();
  json_object_set_string_member (object, "url", url);
  if (filename != NULL && filename[0] != '\0')
    json_object_set_string_member (object, "filename", filename);
  json_array_add_object_element (array, object);
  return TRUE;
}

static char *
trimmed (const char *text)
{
  return g_strstrip (g_strdup (text));
}

gboolean
hangar_csv_field_parse (HangarCsvField  *self,
                        const char      *text,
                        gboolean         typecast,
                        JsonNode       **out,
                        GError         **error)
{
  HangarFieldType type;
  const char *unguarded;
  g_autofree char *value = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  *out = NULL;
  if (text == NULL)
    return TRUE;
  if (!hangar_csv_field_is_writable (self))
    return value_error (error, "%s is computed by Airtable and cannot be written", hangar_field_get_name (self->field));

  unguarded = hangar_csv_strip_formula_guard (text);
  if (unguarded != NULL)
    text = unguarded;
  type = hangar_field_get_field_type (self->field);

  /* Text keeps its spaces and line breaks; the rest is read trimmed. */
  if (hangar_field_is_text_like (self->field) || type == HANGAR_FIELD_TYPE_RICH_TEXT)
    {
      if (text[0] != '\0')
        *out = string_node (text);
      return TRUE;
    }

  value = trimmed (text);
  if (value[0] == '\0')
    return TRUE;

  switch ((int) type)
    {
    case HANGAR_FIELD_TYPE_NUMBER:
    case HANGAR_FIELD_TYPE_CURRENCY:
    case HANGAR_FIELD_TYPE_PERCENT:
      {
        double number;

        if (parse_number (self, value, &number, typecast ? NULL : error))
          *out = number_node (number);
        else if (typecast)
          *out = string_node (value);
        else
          return FALSE;
        return TRUE;
      }

    case HANGAR_FIELD_TYPE_DURATION:
      {
        double seconds;

        if (parse_duration (value, &seconds))
          *out = number_node (seconds);
        else if (typecast)
          *out = string_node (value);
        else
          return value_error (error, "“%s” is not a duration (h:mm, h:mm:ss or seconds)", value);
        return TRUE;
      }

    case HANGAR_FIELD_TYPE_RATING:
      {
        gint64 max = 5;
        double number = 0;
        JsonObject *options = hangar_field_get_options (self->field);
        const char *p;
        guint stars = 0;
        gboolean only_stars = TRUE;

        if (options != NULL)
          _hangar_json_get_int (options, "max", FALSE, "options", &max, NULL);
        for (p = value; *p != '\0'; p = g_utf8_next_char (p))
          {
            gunichar c = g_utf8_get_char (p);

            if (c == 0x2605)
              stars++;
            else if (c != 0x2606)
              only_stars = FALSE;
          }
        if (only_stars)
          number = stars;
        else if (!parse_decimal (value, &number) || number != floor (number))
          return value_error (error, "“%s” is not a rating (a whole number from 1 to %" G_GINT64_FORMAT ")", value, max);
        if (number < 0 || number > max)
          return value_error (error, "“%s” is not a rating from 1 to %" G_GINT64_FORMAT, value, max);
        if (number > 0)
          *out = number_node (number);
        return TRUE;
      }

    case HANGAR_FIELD_TYPE_CHECKBOX:
      {
        gboolean checked;

        if (!parse_checkbox (value, &checked))
          {
            if (!typecast)
              return value_error (error, "“%s” is not a checkbox value (checked or empty, true or false)", value);
            *out = string_node (value);
            return TRUE;
          }
        *out = json_node_new (JSON_NODE_VALUE);
        json_node_set_boolean (*out, checked);
        return TRUE;
      }

    case HANGAR_FIELD_TYPE_SINGLE_SELECT:
      {
        const char *name;

        if (!parse_choice (self, value, typecast, &name, error))
          return FALSE;
        *out = string_node (name);
        return TRUE;
      }

    case HANGAR_FIELD_TYPE_MULTIPLE_SELECTS:
    case HANGAR_FIELD_TYPE_MULTIPLE_RECORD_LINKS:
    case HANGAR_FIELD_TYPE_MULTIPLE_COLLABORATORS:
    case HANGAR_FIELD_TYPE_MULTIPLE_ATTACHMENTS:
      {
        g_autoptr(GPtrArray) items = hangar_csv_split_items (value);
        g_autoptr(JsonArray) array = json_array_new ();
        g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

        for (guint i = 0; i < items->len; i++)
          {
            const char *item = g_ptr_array_index (items, i);

            if (type == HANGAR_FIELD_TYPE_MULTIPLE_SELECTS)
              {
                const char *name;

                if (!parse_choice (self, item, typecast, &name, error))
                  return FALSE;
                if (g_hash_table_add (seen, (gpointer) name))
                  json_array_add_string_element (array, name);
              }
            else if (type == HANGAR_FIELD_TYPE_MULTIPLE_RECORD_LINKS)
              {
                if (g_hash_table_add (seen, (gpointer) item))
                  json_array_add_string_element (array, item);
              }
            else if (type == HANGAR_FIELD_TYPE_MULTIPLE_COLLABORATORS)
              {
                JsonNode *node = NULL;

                if (!parse_collaborator (item, &node, error))
                  return FALSE;
                json_array_add_element (array, node);
              }
            else if (!parse_attachment (item, array, error))
              return FALSE;
          }
        if (json_array_get_length (array) > 0)
          *out = json_node_init_array (json_node_alloc (), array);
        return TRUE;
      }

    case HANGAR_FIELD_TYPE_SINGLE_COLLABORATOR:
      return parse_collaborator (value, out, error);

    case HANGAR_FIELD_TYPE_DATE:
    case HANGAR_FIELD_TYPE_DATE_TIME:
      if (parse_date_time (self, value, type == HANGAR_FIELD_TYPE_DATE, out))
        return TRUE;
      if (typecast)
        {
          *out = string_node (value);
          return TRUE;
        }
      return value_error (error, type == HANGAR_FIELD_TYPE_DATE
                          ? "“%s” is not a date (YYYY-MM-DD)"
                          : "“%s” is not a date and time (YYYY-MM-DD HH:MM, ISO 8601)", value);

    case HANGAR_FIELD_TYPE_BARCODE:
      {
        JsonObject *object = json_object_new ();

        json_object_set_string_member (object, "text", value);
        *out = json_node_init_object (json_node_alloc (), object);
        json_object_unref (object);
        return TRUE;
      }

    default:
      return value_error (error, "%s has a field type (%s) that cannot be imported",
                          hangar_field_get_name (self->field), hangar_field_get_type_string (self->field));
    }
}
