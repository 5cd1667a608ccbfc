/* sandbox-formula-value.c — formula values: conversions between blank,
 * numbers, booleans, text, dates and arrays, date parsing, and cells in
 * and out of JSON
 *
 * The language and the choices this implementation makes are described in
 * src/sandbox/README.md ("filterByFormula").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "sandbox-formula-private.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK (sandbox-formula-error-quark, sandbox_formula_error)

/* ------------------------------------------------------------------ */
/* Values                                                              */
/* ------------------------------------------------------------------ */

void
_sandbox_formula_value_free (FormulaValue *v)
{
  if (v == NULL)
    return;
  g_free (v->string);
  g_clear_pointer (&v->date, g_date_time_unref);
  g_clear_pointer (&v->array, g_ptr_array_unref);
  g_free (v);
}

FormulaValue *
_sandbox_formula_value_new (FormulaValueKind kind)
{
  FormulaValue *v = g_new0 (FormulaValue, 1);
  v->kind = kind;
  if (kind == VAL_ARRAY)
    v->array = g_ptr_array_new_with_free_func ((GDestroyNotify) _sandbox_formula_value_free);
  return v;
}

FormulaValue *
_sandbox_formula_value_blank (void)
{
  return _sandbox_formula_value_new (VAL_BLANK);
}

FormulaValue *
_sandbox_formula_value_number (double d)
{
  FormulaValue *v = _sandbox_formula_value_new (VAL_NUMBER);
  v->number = d;
  return v;
}

FormulaValue *
_sandbox_formula_value_bool (gboolean b)
{
  FormulaValue *v = _sandbox_formula_value_new (VAL_BOOL);
  v->number = b ? 1 : 0;
  return v;
}

FormulaValue *
_sandbox_formula_value_string_take (char *s)
{
  FormulaValue *v = _sandbox_formula_value_new (VAL_STRING);
  v->string = s;
  return v;
}

FormulaValue *
_sandbox_formula_value_string (const char *s)
{
  return _sandbox_formula_value_string_take (g_strdup (s));
}

FormulaValue *
_sandbox_formula_value_error (const char *code)
{
  FormulaValue *v = _sandbox_formula_value_new (VAL_ERROR);
  v->string = g_strdup (code ? code : "#ERROR!");
  return v;
}

/* A number result: infinities are errors, NaN stays NaN. */
FormulaValue *
_sandbox_formula_value_number_checked (double d)
{
  if (isinf (d))
    return _sandbox_formula_value_error ("#NUM!");
  return _sandbox_formula_value_number (d);
}

/* Takes a built string, refusing results over the size limit. */
FormulaValue *
_sandbox_formula_value_string_checked (GString *s)
{
  if (s->len > MAX_STRING_RESULT)
    {
      g_string_free (s, TRUE);
      return _sandbox_formula_value_error ("#ERROR!");
    }
  return _sandbox_formula_value_string_take (g_string_free (s, FALSE));
}

FormulaValue *
_sandbox_formula_value_date (GDateTime *dt, gboolean date_only)
{
  FormulaValue *v;

  if (dt == NULL)
    return _sandbox_formula_value_error ("#ERROR!");
  v = _sandbox_formula_value_new (VAL_DATE);
  v->date = dt;
  v->date_only = date_only;
  return v;
}

FormulaValue *
_sandbox_formula_value_copy (const FormulaValue *v)
{
  FormulaValue *c = _sandbox_formula_value_new (v->kind);

  c->date_only = v->date_only;
  c->number = v->number;
  c->string = g_strdup (v->string);
  if (v->date)
    c->date = g_date_time_ref (v->date);
  if (v->array)
    for (guint i = 0; i < v->array->len; i++)
      g_ptr_array_add (c->array, _sandbox_formula_value_copy (g_ptr_array_index (v->array, i)));
  return c;
}

gboolean
_sandbox_formula_value_truthy (const FormulaValue *v)
{
  switch (v->kind)
    {
    case VAL_NUMBER:
    case VAL_BOOL:
      return v->number != 0 && !isnan (v->number);
    case VAL_STRING:
      return v->string[0] != '\0';
    case VAL_DATE:
      return TRUE;
    case VAL_ARRAY:
      return v->array->len > 0;
    case VAL_BLANK:
    case VAL_ERROR:
    default:
      return FALSE;
    }
}

/* Shortest text that reads back as the same double, like JavaScript. */
static char *
format_number (double d)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE + 16];

  if (isnan (d))
    return g_strdup ("NaN");
  if (isinf (d))
    return g_strdup (d > 0 ? "Infinity" : "-Infinity");
  if (d == 0)
    return g_strdup ("0");
  if (d == floor (d) && fabs (d) < 1e21)
    {
      g_snprintf (buf, sizeof buf, "%.0f", d);
      return g_strdup (buf);
    }
  for (int prec = 1; prec <= 17; prec++)
    {
      char fmt[8];

      g_snprintf (fmt, sizeof fmt, "%%.%dg", prec);
      g_ascii_formatd (buf, sizeof buf, fmt, d);
      if (g_ascii_strtod (buf, NULL) == d)
        break;
    }
  return g_strdup (buf);
}

char *
_sandbox_formula_format_date_iso (GDateTime *dt, gboolean date_only)
{
  g_autoptr(GDateTime) utc = NULL;

  if (date_only)
    return g_strdup_printf ("%04d-%02d-%02d", g_date_time_get_year (dt),
                            g_date_time_get_month (dt),
                            g_date_time_get_day_of_month (dt));
  utc = g_date_time_to_utc (dt);
  if (utc == NULL)
    return g_strdup ("");
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                          g_date_time_get_year (utc), g_date_time_get_month (utc),
                          g_date_time_get_day_of_month (utc), g_date_time_get_hour (utc),
                          g_date_time_get_minute (utc), g_date_time_get_second (utc),
                          g_date_time_get_microsecond (utc) / 1000);
}

void
_sandbox_formula_value_append_text (const FormulaValue *v, GString *out)
{
  switch (v->kind)
    {
    case VAL_BLANK:
      break;
    case VAL_NUMBER:
      {
        g_autofree char *s = format_number (v->number);
        g_string_append (out, s);
      }
      break;
    case VAL_BOOL:
      g_string_append_c (out, v->number != 0 ? '1' : '0');
      break;
    case VAL_STRING:
    case VAL_ERROR:
      g_string_append (out, v->string);
      break;
    case VAL_DATE:
      {
        g_autofree char *s = _sandbox_formula_format_date_iso (v->date, v->date_only);
        g_string_append (out, s);
      }
      break;
    case VAL_ARRAY:
      for (guint i = 0; i < v->array->len; i++)
        {
          if (i > 0)
            g_string_append (out, ", ");
          _sandbox_formula_value_append_text (g_ptr_array_index (v->array, i), out);
          if (out->len > MAX_STRING_RESULT)
            break;
        }
      break;
    default:
      break;
    }
}

/* The value as text; errors are the caller's to check first. */
char *
_sandbox_formula_value_to_text (const FormulaValue *v)
{
  GString *s;

  if (v->kind == VAL_STRING)
    return g_strdup (v->string);
  s = g_string_new (NULL);
  _sandbox_formula_value_append_text (v, s);
  return g_string_free (s, FALSE);
}

/* Strict decimal syntax: [+-]digits[.digits][e[+-]digits], or .digits. */
gboolean
_sandbox_formula_parse_number_text (const char *text, double *out)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  const char *p = copy;
  gboolean digits = FALSE;

  if (*p == '+' || *p == '-')
    p++;
  while (g_ascii_isdigit (*p))
    p++, digits = TRUE;
  if (*p == '.')
    {
      p++;
      while (g_ascii_isdigit (*p))
        p++, digits = TRUE;
    }
  if (!digits)
    return FALSE;
  if (*p == 'e' || *p == 'E')
    {
      p++;
      if (*p == '+' || *p == '-')
        p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  if (*p != '\0')
    return FALSE;
  *out = g_ascii_strtod (copy, NULL);
  return TRUE;
}

/* Number coercion: FALSE when the value has no numeric meaning. */
gboolean
_sandbox_formula_value_to_number (const FormulaValue *v, double *out)
{
  switch (v->kind)
    {
    case VAL_BLANK:
      *out = 0;
      return TRUE;
    case VAL_NUMBER:
    case VAL_BOOL:
      *out = v->number;
      return TRUE;
    case VAL_STRING:
      {
        const char *p = v->string;

        while (g_ascii_isspace (*p))
          p++;
        if (*p == '\0')
          {
            *out = 0;
            return TRUE;
          }
        return _sandbox_formula_parse_number_text (p, out);
      }
    case VAL_ARRAY:
      if (v->array->len == 0)
        {
          *out = 0;
          return TRUE;
        }
      if (v->array->len == 1)
        return _sandbox_formula_value_to_number (g_ptr_array_index (v->array, 0), out);
      return FALSE;
    case VAL_DATE:
    case VAL_ERROR:
    default:
      return FALSE;
    }
}

/* ------------------------------------------------------------------ */
/* Dates                                                               */
/* ------------------------------------------------------------------ */

const char * const _sandbox_formula_month_names[] = {
  "January", "February", "March", "April", "May", "June", "July",
  "August", "September", "October", "November", "December",
};
const char * const _sandbox_formula_weekday_names[] = {
  "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
};

int
_sandbox_formula_read_digits (const char **p, int min, int max, int *out)
{
  int n = 0, value = 0;

  while (n < max && g_ascii_isdigit ((*p)[0]))
    {
      value = value * 10 + ((*p)[0] - '0');
      (*p)++;
      n++;
    }
  if (n < min)
    return 0;
  *out = value;
  return n;
}

GDateTime *
_sandbox_formula_make_date_time (GTimeZone *tz, int y, int mo, int d, int h, int mi, double s)
{
  GDateTime *dt;
  g_autoptr(GDateTime) local = NULL;

  if (y < 1 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
      h < 0 || h > 24 || mi < 0 || mi > 59 || s < 0 || s >= 61)
    return NULL;
  if (h == 24)
    {
      if (mi != 0 || s != 0)
        return NULL;
      local = g_date_time_new (tz, y, mo, d, 0, 0, 0);
      if (local == NULL)
        return NULL;
      dt = g_date_time_add_days (local, 1);
    }
  else
    {
      if (s >= 60)
        s = 59.999;
      dt = g_date_time_new (tz, y, mo, d, h, mi, s);
    }
  if (dt != NULL && g_date_time_get_day_of_month (dt) != d && h != 24)
    g_clear_pointer (&dt, g_date_time_unref);
  return dt;
}

/* Reads "Z", "+hh", "+hh:mm", "+hhmm"; advances @p. */
gboolean
_sandbox_formula_read_offset (const char **p, GTimeZone **out_tz)
{
  const char *s = *p;
  int sign, hh = 0, mm = 0;

  if (*s == 'Z' || *s == 'z')
    {
      *out_tz = g_time_zone_new_utc ();
      *p = s + 1;
      return TRUE;
    }
  if (*s != '+' && *s != '-')
    return FALSE;
  sign = *s == '-' ? -1 : 1;
  s++;
  if (_sandbox_formula_read_digits (&s, 2, 2, &hh) == 0)
    return FALSE;
  if (*s == ':')
    s++;
  if (g_ascii_isdigit (*s) && _sandbox_formula_read_digits (&s, 2, 2, &mm) == 0)
    return FALSE;
  if (hh > 23 || mm > 59)
    return FALSE;
  *out_tz = g_time_zone_new_offset (sign * (hh * 3600 + mm * 60));
  *p = s;
  return TRUE;
}

/* Reads "HH:mm[:ss[.fff]]"; advances @p. */
static gboolean
read_time (const char **p, int *h, int *mi, double *sec)
{
  const char *s = *p;
  int ss = 0;

  *sec = 0;
  if (_sandbox_formula_read_digits (&s, 1, 2, h) == 0 || *s != ':')
    return FALSE;
  s++;
  if (_sandbox_formula_read_digits (&s, 2, 2, mi) == 0)
    return FALSE;
  if (*s == ':')
    {
      s++;
      if (_sandbox_formula_read_digits (&s, 2, 2, &ss) == 0)
        return FALSE;
      *sec = ss;
      if ((*s == '.' || *s == ',') && g_ascii_isdigit (s[1]))
        {
          double scale = 0.1;

          s++;
          while (g_ascii_isdigit (*s))
            {
              *sec += (*s - '0') * scale;
              scale /= 10;
              s++;
            }
        }
    }
  *p = s;
  return TRUE;
}

/* ISO 8601-ish and M/D/YYYY text to an instant (UTC unless an offset is
 * given); NULL when it is not a date. */
GDateTime *
_sandbox_formula_parse_date_text (const char *text, gboolean *out_date_only)
{
  const char *p = text;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  double sec = 0;
  gboolean date_only = TRUE;
  g_autoptr(GTimeZone) tz = NULL;
  char sep;

  while (g_ascii_isspace (*p))
    p++;
  if (_sandbox_formula_read_digits (&p, 4, 4, &y) != 0 && (*p == '-' || *p == '/'))
    {
      sep = *p++;
      if (_sandbox_formula_read_digits (&p, 1, 2, &mo) == 0 || *p != sep)
        return NULL;
      p++;
      if (_sandbox_formula_read_digits (&p, 1, 2, &d) == 0)
        return NULL;
    }
  else
    {
      /* M/D/YYYY */
      p = text;
      while (g_ascii_isspace (*p))
        p++;
      if (_sandbox_formula_read_digits (&p, 1, 2, &mo) == 0 || *p != '/')
        return NULL;
      p++;
      if (_sandbox_formula_read_digits (&p, 1, 2, &d) == 0 || *p != '/')
        return NULL;
      p++;
      if (_sandbox_formula_read_digits (&p, 4, 4, &y) == 0)
        return NULL;
    }
  if (*p == 'T' || *p == 't' || (*p == ' ' && g_ascii_isdigit (p[1])))
    {
      p++;
      if (!read_time (&p, &h, &mi, &sec))
        return NULL;
      date_only = FALSE;
      while (*p == ' ')
        p++;
      if (*p != '\0' && !_sandbox_formula_read_offset (&p, &tz))
        return NULL;
    }
  while (g_ascii_isspace (*p))
    p++;
  if (*p != '\0')
    return NULL;
  if (tz == NULL)
    tz = g_time_zone_new_utc ();
  if (out_date_only)
    *out_date_only = date_only;
  {
    g_autoptr(GDateTime) dt = _sandbox_formula_make_date_time (tz, y, mo, d, h, mi, sec);

    if (dt == NULL)
      return NULL;
    return g_date_time_to_utc (dt);
  }
}

/* Date coercion: *out is NULL for blank; FALSE when not a date. */
gboolean
_sandbox_formula_value_to_date (const FormulaValue *v, GDateTime **out, gboolean *out_date_only)
{
  *out = NULL;
  if (out_date_only)
    *out_date_only = FALSE;
  switch (v->kind)
    {
    case VAL_BLANK:
      return TRUE;
    case VAL_DATE:
      *out = g_date_time_ref (v->date);
      if (out_date_only)
        *out_date_only = v->date_only;
      return TRUE;
    case VAL_STRING:
      if (v->string[0] == '\0')
        return TRUE;
      *out = _sandbox_formula_parse_date_text (v->string, out_date_only);
      return *out != NULL;
    case VAL_ARRAY:
      if (v->array->len == 0)
        return TRUE;
      if (v->array->len == 1)
        return _sandbox_formula_value_to_date (g_ptr_array_index (v->array, 0), out, out_date_only);
      return FALSE;
    case VAL_NUMBER:
    case VAL_BOOL:
    case VAL_ERROR:
    default:
      return FALSE;
    }
}

/* ------------------------------------------------------------------ */
/* Cells (JSON) to values                                              */
/* ------------------------------------------------------------------ */

static gboolean
is_date_type (const char *type)
{
  return type != NULL && (g_str_equal (type, "date") || g_str_equal (type, "dateTime") ||
                          g_str_equal (type, "createdTime") ||
                          g_str_equal (type, "lastModifiedTime"));
}

static const char *
object_get_string (JsonObject *o, const char *member)
{
  JsonNode *n = json_object_get_member (o, member);

  if (n != NULL && JSON_NODE_HOLDS_VALUE (n) &&
      json_node_get_value_type (n) == G_TYPE_STRING)
    return json_node_get_string (n);
  return NULL;
}

static void value_add_json (GPtrArray *into, JsonNode *node, const char *type);

/* One JSON value (not an array) to a FormulaValue. */
static FormulaValue *
value_from_json_scalar (JsonNode *node, const char *type)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return _sandbox_formula_value_blank ();
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType t = json_node_get_value_type (node);

      if (t == G_TYPE_STRING)
        {
          const char *s = json_node_get_string (node);

          if (is_date_type (type) && s != NULL && s[0] != '\0')
            {
              gboolean date_only = FALSE;
              GDateTime *dt = _sandbox_formula_parse_date_text (s, &date_only);

              if (dt != NULL)
                return _sandbox_formula_value_date (dt, date_only);
            }
          return _sandbox_formula_value_string (s ? s : "");
        }
      if (t == G_TYPE_INT64 || t == G_TYPE_INT)
        return _sandbox_formula_value_number ((double) json_node_get_int (node));
      if (t == G_TYPE_DOUBLE || t == G_TYPE_FLOAT)
        return _sandbox_formula_value_number (json_node_get_double (node));
      if (t == G_TYPE_BOOLEAN)
        return _sandbox_formula_value_bool (json_node_get_boolean (node));
      return _sandbox_formula_value_blank ();
    }
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      const char *s;

      if ((s = object_get_string (o, "error")) != NULL)
        return _sandbox_formula_value_error (s);
      if ((s = object_get_string (o, "specialValue")) != NULL)
        return _sandbox_formula_value_number (g_str_equal (s, "Infinity") ? INFINITY :
                             g_str_equal (s, "-Infinity") ? -INFINITY : NAN);
      /* collaborators, attachments, barcodes, buttons, aiText, links */
      if ((s = object_get_string (o, "name")) != NULL ||
          (s = object_get_string (o, "filename")) != NULL ||
          (s = object_get_string (o, "text")) != NULL ||
          (s = object_get_string (o, "label")) != NULL ||
          (s = object_get_string (o, "value")) != NULL ||
          (s = object_get_string (o, "email")) != NULL ||
          (s = object_get_string (o, "id")) != NULL)
        return _sandbox_formula_value_string (s);
      return _sandbox_formula_value_blank ();
    }
  return _sandbox_formula_value_blank ();
}

static void
value_add_json (GPtrArray *into, JsonNode *node, const char *type)
{
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);
      guint n = json_array_get_length (a);

      for (guint i = 0; i < n; i++)
        {
          JsonNode *item = json_array_get_element (a, i);

          /* flatten one level of nesting; deeper arrays become blank */
          if (JSON_NODE_HOLDS_ARRAY (item))
            {
              JsonArray *inner = json_node_get_array (item);

              for (guint j = 0; j < json_array_get_length (inner); j++)
                {
                  JsonNode *x = json_array_get_element (inner, j);

                  g_ptr_array_add (into, JSON_NODE_HOLDS_ARRAY (x) ?
                                   _sandbox_formula_value_blank () : value_from_json_scalar (x, type));
                }
            }
          else
            g_ptr_array_add (into, value_from_json_scalar (item, type));
        }
    }
  else
    g_ptr_array_add (into, value_from_json_scalar (node, type));
}

FormulaValue *
_sandbox_formula_value_from_cell (JsonNode *node, const char *type)
{
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      FormulaValue *v = _sandbox_formula_value_new (VAL_ARRAY);

      value_add_json (v->array, node, type);
      return v;
    }
  return value_from_json_scalar (node, type);
}

JsonNode *
_sandbox_formula_value_to_json (const FormulaValue *v, gboolean in_array)
{
  JsonNode *node;

  switch (v->kind)
    {
    case VAL_NUMBER:
      if (isnan (v->number))
        {
          JsonObject *o = json_object_new ();

          json_object_set_string_member (o, "specialValue", "NaN");
          node = json_node_new (JSON_NODE_OBJECT);
          json_node_take_object (node, o);
          return node;
        }
      if (isinf (v->number))
        {
          JsonObject *o = json_object_new ();

          json_object_set_string_member (o, "error", "#ERROR!");
          node = json_node_new (JSON_NODE_OBJECT);
          json_node_take_object (node, o);
          return node;
        }
      node = json_node_new (JSON_NODE_VALUE);
      if (v->number == floor (v->number) && fabs (v->number) < 9007199254740992.0)
        json_node_set_int (node, (gint64) v->number);
      else
        json_node_set_double (node, v->number);
      return node;
    case VAL_BOOL:
      node = json_node_new (JSON_NODE_VALUE);
      if (in_array)
        json_node_set_boolean (node, v->number != 0);
      else
        json_node_set_int (node, v->number != 0 ? 1 : 0);
      return node;
    case VAL_STRING:
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_string (node, v->string);
      return node;
    case VAL_DATE:
      {
        g_autofree char *s = _sandbox_formula_format_date_iso (v->date, v->date_only);

        node = json_node_new (JSON_NODE_VALUE);
        json_node_set_string (node, s);
        return node;
      }
    case VAL_ARRAY:
      {
        JsonArray *a = json_array_sized_new (v->array->len);

        for (guint i = 0; i < v->array->len; i++)
          json_array_add_element (a, _sandbox_formula_value_to_json (g_ptr_array_index (v->array, i), TRUE));
        node = json_node_new (JSON_NODE_ARRAY);
        json_node_take_array (node, a);
        return node;
      }
    case VAL_ERROR:
      {
        JsonObject *o = json_object_new ();

        json_object_set_string_member (o, "error", "#ERROR!");
        node = json_node_new (JSON_NODE_OBJECT);
        json_node_take_object (node, o);
        return node;
      }
    case VAL_BLANK:
    default:
      return json_node_new (JSON_NODE_NULL);
    }
}
