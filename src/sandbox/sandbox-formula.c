/* sandbox-formula.c — Airtable's formula language for filterByFormula
 *
 * A tokenizer, a recursive-descent parser to a small AST (field references
 * resolved at parse time), and an evaluator over dynamically typed values:
 * blank, number, boolean, string, date/time, array and error.
 *
 * Choices where the fact sheet (§9, §12) says UNCONFIRMED or says nothing:
 *  - Function names are case-insensitive (`find(...)` = `FIND(...)`).
 *    Field names are case-sensitive (that part is documented).
 *  - There are no bare TRUE/FALSE keywords: a bare word is a field name.
 *    `==` and `<>` are syntax errors; only `!=` means "not equal".
 *  - Precedence, loosest first: comparisons (= != < > <= >=), then &, then
 *    + -, then * /, then unary minus. All binary operators are
 *    left-associative, so 1<2<3 is (1<2)<3.
 *  - Booleans (TRUE(), comparisons, AND…, a ticked checkbox) are 1/0 in
 *    arithmetic, "1"/"0" as text, and come out of sandbox_formula_evaluate
 *    as the numbers 1/0 (inside arrays, e.g. a lookup of checkboxes, they
 *    stay JSON true/false).
 *  - Blank is 0 in arithmetic and "" in text. `{F} = ''`, `{F} = BLANK()`
 *    and `{F} = 0` are true for an empty cell, and also (as "" and 0 compare
 *    equal) for a number cell holding 0. Blank never equals a date and
 *    orders before every date, so `{Date} < TODAY()` holds for an empty
 *    date (filter with AND({Date}, …) to exclude those).
 *  - Comparisons: numbers (and booleans) numerically; strings exactly,
 *    ordered by byte (= code point) value, case-sensitive; a number against
 *    a string compares numerically when the string is a number, else as
 *    text; dates as instants (a date-only value is midnight UTC), against a
 *    string that parses as a date likewise, else as text; arrays as their
 *    ", "-joined text. NaN equals nothing.
 *  - `+ - * /` on text that is not a number give #ERROR! (no JS-style "+"
 *    concatenation); a one-element array is its element; dates in
 *    arithmetic are errors (use DATEADD / DATETIME_DIFF). x/0 is an error,
 *    0/0 is NaN; any infinite result is an error.
 *  - FIND and SEARCH count 1-based in characters (code points); FIND is
 *    case-sensitive and gives 0 when not found, SEARCH is case-insensitive
 *    (per-character lower-casing) and gives blank when not found. Their
 *    optional start is a 1-based position (values < 1 mean 1). An empty
 *    needle is found at the start position.
 *  - LEN, LEFT, RIGHT, MID, REPLACE count code points (not UTF-16 units).
 *    MID/REPLACE clamp a start < 1 to 1; negative counts give "".
 *    TRIM strips ASCII whitespace at both ends only.
 *  - VALUE ignores spaces, "$€£¥" and "," and honours a trailing "%";
 *    anything else that is not a number is #ERROR!.
 *  - MOD takes the sign of the dividend (JavaScript %); ROUND rounds halves
 *    toward +∞; ROUNDUP away from zero; ROUNDDOWN toward zero; INT is floor.
 *    SQRT of a negative number and AVERAGE of nothing are NaN.
 *  - SUM/MAX/MIN/AVERAGE flatten arrays and use numbers, booleans and
 *    numeric text, skipping the rest; MAX/MIN of nothing is 0. COUNT counts
 *    numbers, COUNTA non-blank non-"" values, COUNTALL everything.
 *  - Multi-value cells (multiple selects, links as the cell callback gives
 *    them, lookups) are arrays; as text they join with ", ". Collaborators
 *    are their name (else email, else id), attachments their filename,
 *    barcodes their text, buttons their label. An array is truthy when it
 *    has at least one element. ARRAYJOIN's default separator is ", ";
 *    ARRAYUNIQUE compares items by type and text; ARRAYSLICE is 1-based with
 *    an inclusive end, negative positions counting from the end.
 *  - Date and dateTime fields (and created/last-modified time) become date
 *    values; text becomes a date in date functions when it is ISO 8601
 *    ("YYYY-MM-DD", "YYYY-MM-DDTHH:mm[:ss[.SSS]][Z|±hh:mm]", space instead of
 *    T allowed; no offset = UTC) or "M/D/YYYY [HH:mm[:ss]]". As text, a
 *    date-only value is "YYYY-MM-DD" and a date-time is
 *    "YYYY-MM-DDTHH:mm:ss.SSSZ" in UTC.
 *  - NOW() and TODAY() are UTC (TODAY() is midnight UTC, a date-only value).
 *    YEAR…SECOND, WEEKDAY (0 = Sunday; "Monday" as 2nd argument makes
 *    Monday 0), IS_SAME and DATETIME_FORMAT work in the value's time zone,
 *    which is UTC unless SET_TIMEZONE changed it.
 *  - DATETIME_DIFF(d1, d2, unit) is d1 − d2, truncated toward zero; the
 *    default unit is seconds; months/quarters/years count whole calendar
 *    months. Units: milliseconds ms, seconds s, minutes m, hours h, days d,
 *    weeks w, months M, quarters Q, years y (long names case-insensitive,
 *    singular or plural). IS_SAME without a unit compares instants.
 *  - DATETIME_FORMAT's default format is ISO ("YYYY-MM-DDTHH:mm:ss.SSSZ",
 *    UTC); tokens: YYYY YY Q MMMM MMM MM M Do DDDD DDD DD D dddd ddd dd d
 *    HH H hh h kk k mm m ss s SSS SS S A a X x ZZ Z L LL LLL LLLL l ll LT
 *    LTS and [literal text]; English names only. DATETIME_PARSE accepts the
 *    same tokens (forgiving about literal characters, like moment.js);
 *    parts missing from the format default to the current year, January
 *    and the 1st. The locale argument is ignored.
 *  - REGEX_MATCH/EXTRACT/REPLACE use GRegex (PCRE), not RE2; an invalid
 *    pattern is #ERROR! for the record, not a parse error. Backtracking is
 *    capped ((*LIMIT_MATCH=100000)); a match that hits the cap is #ERROR!.
 *  - WORKDAY / WORKDAY_DIFF skip Saturdays, Sundays and the holidays given
 *    as a comma-separated string of ISO dates; WORKDAY_DIFF counts both
 *    ends (like NETWORKDAYS) and is negative when the end comes first.
 *  - Not implemented (UNKNOWN_FUNCTION): FROMNOW, TONOW (their output
 *    format is not pinned down). LAST_MODIFIED_TIME ignores its field
 *    arguments.
 *  - Limits: 256 KiB of formula text, 200 levels of parentheses, calls and
 *    unary minus (beyond: a syntax error, never a stack overflow), and 4 MiB
 *    for any string built during evaluation (beyond it: #ERROR!). Runs of
 *    operators of one precedence level are flat chains, so 1+1+…+1 has no
 *    depth limit.
 *  - Sorting (sandbox_formula_compare_cells): blanks first ascending.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "sandbox-formula.h"

#include <math.h>
#include <string.h>

#define MAX_TEXT_LENGTH   (256 * 1024)
#define MAX_NESTING       200
#define MAX_STRING_RESULT (4 * 1024 * 1024)

G_DEFINE_QUARK (sandbox-formula-error-quark, sandbox_formula_error)

/* ------------------------------------------------------------------ */
/* Values                                                              */
/* ------------------------------------------------------------------ */

typedef enum
{
  VAL_BLANK,
  VAL_NUMBER,
  VAL_BOOL,
  VAL_STRING,
  VAL_DATE,
  VAL_ARRAY,
  VAL_ERROR,
} ValueKind;

typedef struct
{
  ValueKind  kind;
  gboolean   date_only;  /* VAL_DATE */
  double     number;     /* VAL_NUMBER; VAL_BOOL as 0/1 */
  char      *string;     /* VAL_STRING; VAL_ERROR: the error text */
  GDateTime *date;       /* VAL_DATE */
  GPtrArray *array;      /* VAL_ARRAY: Value*, never nested */
} Value;

static void
value_free (Value *v)
{
  if (v == NULL)
    return;
  g_free (v->string);
  g_clear_pointer (&v->date, g_date_time_unref);
  g_clear_pointer (&v->array, g_ptr_array_unref);
  g_free (v);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Value, value_free)

static Value *
value_new (ValueKind kind)
{
  Value *v = g_new0 (Value, 1);
  v->kind = kind;
  if (kind == VAL_ARRAY)
    v->array = g_ptr_array_new_with_free_func ((GDestroyNotify) value_free);
  return v;
}

static Value *
value_blank (void)
{
  return value_new (VAL_BLANK);
}

static Value *
value_number (double d)
{
  Value *v = value_new (VAL_NUMBER);
  v->number = d;
  return v;
}

static Value *
value_bool (gboolean b)
{
  Value *v = value_new (VAL_BOOL);
  v->number = b ? 1 : 0;
  return v;
}

static Value *
value_string_take (char *s)
{
  Value *v = value_new (VAL_STRING);
  v->string = s;
  return v;
}

static Value *
value_string (const char *s)
{
  return value_string_take (g_strdup (s));
}

static Value *
value_error (const char *code)
{
  Value *v = value_new (VAL_ERROR);
  v->string = g_strdup (code ? code : "#ERROR!");
  return v;
}

/* A number result: infinities are errors, NaN stays NaN. */
static Value *
value_number_checked (double d)
{
  if (isinf (d))
    return value_error ("#NUM!");
  return value_number (d);
}

/* Takes a built string, refusing results over the size limit. */
static Value *
value_string_checked (GString *s)
{
  if (s->len > MAX_STRING_RESULT)
    {
      g_string_free (s, TRUE);
      return value_error ("#ERROR!");
    }
  return value_string_take (g_string_free (s, FALSE));
}

static Value *
value_date (GDateTime *dt, gboolean date_only)
{
  Value *v;

  if (dt == NULL)
    return value_error ("#ERROR!");
  v = value_new (VAL_DATE);
  v->date = dt;
  v->date_only = date_only;
  return v;
}

static Value *
value_copy (const Value *v)
{
  Value *c = value_new (v->kind);

  c->date_only = v->date_only;
  c->number = v->number;
  c->string = g_strdup (v->string);
  if (v->date)
    c->date = g_date_time_ref (v->date);
  if (v->array)
    for (guint i = 0; i < v->array->len; i++)
      g_ptr_array_add (c->array, value_copy (g_ptr_array_index (v->array, i)));
  return c;
}

static gboolean
value_truthy (const Value *v)
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

static char *
format_date_iso (GDateTime *dt, gboolean date_only)
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

static void value_append_text (const Value *v, GString *out);

static void
value_append_text (const Value *v, GString *out)
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
        g_autofree char *s = format_date_iso (v->date, v->date_only);
        g_string_append (out, s);
      }
      break;
    case VAL_ARRAY:
      for (guint i = 0; i < v->array->len; i++)
        {
          if (i > 0)
            g_string_append (out, ", ");
          value_append_text (g_ptr_array_index (v->array, i), out);
          if (out->len > MAX_STRING_RESULT)
            break;
        }
      break;
    default:
      break;
    }
}

/* The value as text; errors are the caller's to check first. */
static char *
value_to_text (const Value *v)
{
  GString *s;

  if (v->kind == VAL_STRING)
    return g_strdup (v->string);
  s = g_string_new (NULL);
  value_append_text (v, s);
  return g_string_free (s, FALSE);
}

/* Strict decimal syntax: [+-]digits[.digits][e[+-]digits], or .digits. */
static gboolean
parse_number_text (const char *text, double *out)
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
static gboolean
value_to_number (const Value *v, double *out)
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
        return parse_number_text (p, out);
      }
    case VAL_ARRAY:
      if (v->array->len == 0)
        {
          *out = 0;
          return TRUE;
        }
      if (v->array->len == 1)
        return value_to_number (g_ptr_array_index (v->array, 0), out);
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

static const char * const month_names[] = {
  "January", "February", "March", "April", "May", "June", "July",
  "August", "September", "October", "November", "December",
};
static const char * const weekday_names[] = {
  "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
};

static int
read_digits (const char **p, int min, int max, int *out)
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

static GDateTime *
make_date_time (GTimeZone *tz, int y, int mo, int d, int h, int mi, double s)
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
static gboolean
read_offset (const char **p, GTimeZone **out_tz)
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
  if (read_digits (&s, 2, 2, &hh) == 0)
    return FALSE;
  if (*s == ':')
    s++;
  if (g_ascii_isdigit (*s) && read_digits (&s, 2, 2, &mm) == 0)
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
  if (read_digits (&s, 1, 2, h) == 0 || *s != ':')
    return FALSE;
  s++;
  if (read_digits (&s, 2, 2, mi) == 0)
    return FALSE;
  if (*s == ':')
    {
      s++;
      if (read_digits (&s, 2, 2, &ss) == 0)
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
static GDateTime *
parse_date_text (const char *text, gboolean *out_date_only)
{
  const char *p = text;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  double sec = 0;
  gboolean date_only = TRUE;
  g_autoptr(GTimeZone) tz = NULL;
  char sep;

  while (g_ascii_isspace (*p))
    p++;
  if (read_digits (&p, 4, 4, &y) != 0 && (*p == '-' || *p == '/'))
    {
      sep = *p++;
      if (read_digits (&p, 1, 2, &mo) == 0 || *p != sep)
        return NULL;
      p++;
      if (read_digits (&p, 1, 2, &d) == 0)
        return NULL;
    }
  else
    {
      /* M/D/YYYY */
      p = text;
      while (g_ascii_isspace (*p))
        p++;
      if (read_digits (&p, 1, 2, &mo) == 0 || *p != '/')
        return NULL;
      p++;
      if (read_digits (&p, 1, 2, &d) == 0 || *p != '/')
        return NULL;
      p++;
      if (read_digits (&p, 4, 4, &y) == 0)
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
      if (*p != '\0' && !read_offset (&p, &tz))
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
    g_autoptr(GDateTime) dt = make_date_time (tz, y, mo, d, h, mi, sec);

    if (dt == NULL)
      return NULL;
    return g_date_time_to_utc (dt);
  }
}

/* Date coercion: *out is NULL for blank; FALSE when not a date. */
static gboolean
value_to_date (const Value *v, GDateTime **out, gboolean *out_date_only)
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
      *out = parse_date_text (v->string, out_date_only);
      return *out != NULL;
    case VAL_ARRAY:
      if (v->array->len == 0)
        return TRUE;
      if (v->array->len == 1)
        return value_to_date (g_ptr_array_index (v->array, 0), out, out_date_only);
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

/* One JSON value (not an array) to a Value. */
static Value *
value_from_json_scalar (JsonNode *node, const char *type)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return value_blank ();
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType t = json_node_get_value_type (node);

      if (t == G_TYPE_STRING)
        {
          const char *s = json_node_get_string (node);

          if (is_date_type (type) && s != NULL && s[0] != '\0')
            {
              gboolean date_only = FALSE;
              GDateTime *dt = parse_date_text (s, &date_only);

              if (dt != NULL)
                return value_date (dt, date_only);
            }
          return value_string (s ? s : "");
        }
      if (t == G_TYPE_INT64 || t == G_TYPE_INT)
        return value_number ((double) json_node_get_int (node));
      if (t == G_TYPE_DOUBLE || t == G_TYPE_FLOAT)
        return value_number (json_node_get_double (node));
      if (t == G_TYPE_BOOLEAN)
        return value_bool (json_node_get_boolean (node));
      return value_blank ();
    }
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      const char *s;

      if ((s = object_get_string (o, "error")) != NULL)
        return value_error (s);
      if ((s = object_get_string (o, "specialValue")) != NULL)
        return value_number (g_str_equal (s, "Infinity") ? INFINITY :
                             g_str_equal (s, "-Infinity") ? -INFINITY : NAN);
      /* collaborators, attachments, barcodes, buttons, aiText, links */
      if ((s = object_get_string (o, "name")) != NULL ||
          (s = object_get_string (o, "filename")) != NULL ||
          (s = object_get_string (o, "text")) != NULL ||
          (s = object_get_string (o, "label")) != NULL ||
          (s = object_get_string (o, "value")) != NULL ||
          (s = object_get_string (o, "email")) != NULL ||
          (s = object_get_string (o, "id")) != NULL)
        return value_string (s);
      return value_blank ();
    }
  return value_blank ();
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
                                   value_blank () : value_from_json_scalar (x, type));
                }
            }
          else
            g_ptr_array_add (into, value_from_json_scalar (item, type));
        }
    }
  else
    g_ptr_array_add (into, value_from_json_scalar (node, type));
}

static Value *
value_from_cell (JsonNode *node, const char *type)
{
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      Value *v = value_new (VAL_ARRAY);

      value_add_json (v->array, node, type);
      return v;
    }
  return value_from_json_scalar (node, type);
}

static JsonNode *
value_to_json (const Value *v, gboolean in_array)
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
        g_autofree char *s = format_date_iso (v->date, v->date_only);

        node = json_node_new (JSON_NODE_VALUE);
        json_node_set_string (node, s);
        return node;
      }
    case VAL_ARRAY:
      {
        JsonArray *a = json_array_sized_new (v->array->len);

        for (guint i = 0; i < v->array->len; i++)
          json_array_add_element (a, value_to_json (g_ptr_array_index (v->array, i), TRUE));
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

/* ------------------------------------------------------------------ */
/* Tokens                                                              */
/* ------------------------------------------------------------------ */

typedef enum
{
  TOK_EOF,
  TOK_NUMBER,
  TOK_STRING,
  TOK_FIELD,
  TOK_NAME,
  TOK_LPAREN,
  TOK_RPAREN,
  TOK_COMMA,
  TOK_PLUS,
  TOK_MINUS,
  TOK_STAR,
  TOK_SLASH,
  TOK_AMP,
  TOK_EQ,
  TOK_NE,
  TOK_LT,
  TOK_GT,
  TOK_LE,
  TOK_GE,
} TokenKind;

typedef struct
{
  TokenKind kind;
  char     *text;    /* STRING, FIELD, NAME */
  double    number;  /* NUMBER */
  glong     column;  /* 1-based character position */
} Token;

static void
token_clear (Token *t)
{
  g_clear_pointer (&t->text, g_free);
}

static gboolean
set_syntax_error (GError **error, const char *source, const char *at, const char *what)
{
  g_set_error (error, SANDBOX_FORMULA_ERROR, SANDBOX_FORMULA_ERROR_SYNTAX,
               "Invalid formula: %s at character %ld", what,
               g_utf8_pointer_to_offset (source, at) + 1);
  return FALSE;
}

static gboolean
is_name_start (gunichar c)
{
  return c == '_' || g_unichar_isalpha (c);
}

static gboolean
is_name_char (gunichar c)
{
  return c == '_' || g_unichar_isalnum (c) || g_unichar_ismark (c);
}

static gboolean
is_curly_quote (gunichar c)
{
  return c == 0x2018 || c == 0x2019 || c == 0x201A || c == 0x201B ||
         c == 0x201C || c == 0x201D || c == 0x201E || c == 0x201F ||
         c == 0x00AB || c == 0x00BB;
}

/* Splits validated UTF-8 @source into tokens (ending with TOK_EOF). */
static GArray *
tokenize (const char *source, GError **error)
{
  g_autoptr(GArray) tokens = g_array_new (FALSE, TRUE, sizeof (Token));
  const char *p = source;
  const char *counted = source;  /* columns are counted incrementally */
  glong column = 1;

  g_array_set_clear_func (tokens, (GDestroyNotify) token_clear);

  for (;;)
    {
      Token tok = { 0 };
      gunichar c = g_utf8_get_char (p);

      if (c != 0 && g_unichar_isspace (c))
        {
          p = g_utf8_next_char (p);
          continue;
        }
      column += g_utf8_pointer_to_offset (counted, p);
      counted = p;
      tok.column = column;
      if (c == 0)
        {
          tok.kind = TOK_EOF;
          g_array_append_val (tokens, tok);
          break;
        }

      if (c == '{')
        {
          GString *name = g_string_new (NULL);
          const char *start = p;

          p++;
          while (*p != '\0' && *p != '}')
            {
              if (*p == '\\' && (p[1] == '}' || p[1] == '\\'))
                {
                  g_string_append_c (name, p[1]);
                  p += 2;
                }
              else
                g_string_append_c (name, *p++);
            }
          if (*p != '}')
            {
              g_string_free (name, TRUE);
              set_syntax_error (error, source, start, "unterminated field reference");
              return NULL;
            }
          p++;
          if (name->len == 0)
            {
              g_string_free (name, TRUE);
              set_syntax_error (error, source, start, "empty field reference {}");
              return NULL;
            }
          tok.kind = TOK_FIELD;
          tok.text = g_string_free (name, FALSE);
        }
      else if (c == '"' || c == '\'')
        {
          GString *str = g_string_new (NULL);
          const char *start = p;
          char quote = (char) c;

          p++;
          while (*p != '\0' && *p != quote)
            {
              if (*p == '\\' && p[1] != '\0')
                {
                  const char *next = g_utf8_next_char (p + 1);

                  switch (p[1])
                    {
                    case 'n': g_string_append_c (str, '\n'); break;
                    case 't': g_string_append_c (str, '\t'); break;
                    case 'r': g_string_append_c (str, '\r'); break;
                    default:  g_string_append_len (str, p + 1, next - (p + 1)); break;
                    }
                  p = next;
                }
              else
                g_string_append_c (str, *p++);
            }
          if (*p != quote)
            {
              g_string_free (str, TRUE);
              set_syntax_error (error, source, start, "unterminated string");
              return NULL;
            }
          p++;
          tok.kind = TOK_STRING;
          tok.text = g_string_free (str, FALSE);
        }
      else if (g_ascii_isdigit (*p) || (*p == '.' && g_ascii_isdigit (p[1])))
        {
          const char *start = p;
          g_autofree char *lit = NULL;

          while (g_ascii_isdigit (*p))
            p++;
          if (*p == '.')
            {
              p++;
              while (g_ascii_isdigit (*p))
                p++;
            }
          if ((*p == 'e' || *p == 'E') &&
              (g_ascii_isdigit (p[1]) ||
               ((p[1] == '+' || p[1] == '-') && g_ascii_isdigit (p[2]))))
            {
              p += 2;
              while (g_ascii_isdigit (*p))
                p++;
            }
          if (is_name_char (g_utf8_get_char (p)))
            {
              set_syntax_error (error, source, start, "malformed number");
              return NULL;
            }
          lit = g_strndup (start, p - start);
          tok.kind = TOK_NUMBER;
          tok.number = g_ascii_strtod (lit, NULL);
          if (!isfinite (tok.number))
            {
              set_syntax_error (error, source, start, "number out of range");
              return NULL;
            }
        }
      else if (is_name_start (c))
        {
          const char *start = p;

          while (*p != '\0' && is_name_char (g_utf8_get_char (p)))
            p = g_utf8_next_char (p);
          tok.kind = TOK_NAME;
          tok.text = g_strndup (start, p - start);
        }
      else
        {
          const char *start = p;

          switch (*p)
            {
            case '(': tok.kind = TOK_LPAREN; p++; break;
            case ')': tok.kind = TOK_RPAREN; p++; break;
            case ',': tok.kind = TOK_COMMA; p++; break;
            case '+': tok.kind = TOK_PLUS; p++; break;
            case '-': tok.kind = TOK_MINUS; p++; break;
            case '*': tok.kind = TOK_STAR; p++; break;
            case '/': tok.kind = TOK_SLASH; p++; break;
            case '&': tok.kind = TOK_AMP; p++; break;
            case '=':
              if (p[1] == '=')
                {
                  set_syntax_error (error, source, start, "\"==\" is not an operator (use \"=\")");
                  return NULL;
                }
              tok.kind = TOK_EQ;
              p++;
              break;
            case '!':
              if (p[1] != '=')
                {
                  set_syntax_error (error, source, start, "unexpected \"!\"");
                  return NULL;
                }
              tok.kind = TOK_NE;
              p += 2;
              break;
            case '<':
              if (p[1] == '>')
                {
                  set_syntax_error (error, source, start, "\"<>\" is not an operator (use \"!=\")");
                  return NULL;
                }
              tok.kind = p[1] == '=' ? TOK_LE : TOK_LT;
              p += p[1] == '=' ? 2 : 1;
              break;
            case '>':
              tok.kind = p[1] == '=' ? TOK_GE : TOK_GT;
              p += p[1] == '=' ? 2 : 1;
              break;
            default:
              if (is_curly_quote (c))
                set_syntax_error (error, source, start,
                                  "curly quotes are not string delimiters (use ' or \")");
              else
                set_syntax_error (error, source, start, "unexpected character");
              return NULL;
            }
        }
      g_array_append_val (tokens, tok);
    }
  return g_steal_pointer (&tokens);
}

/* ------------------------------------------------------------------ */
/* AST                                                                 */
/* ------------------------------------------------------------------ */

typedef enum
{
  NODE_NUMBER,
  NODE_STRING,
  NODE_FIELD,
  NODE_NEGATE,
  NODE_CHAIN,
  NODE_CALL,
} NodeKind;

typedef struct _Node Node;
typedef struct _FuncDef FuncDef;
typedef struct _Ctx Ctx;

struct _Node
{
  NodeKind       kind;
  TokenKind     *ops;         /* NODE_CHAIN: n_args - 1 operators, applied left to right */
  int            depth;
  double         number;      /* NODE_NUMBER */
  char          *string;      /* NODE_STRING; NODE_FIELD: field id */
  char          *field_type;  /* NODE_FIELD */
  const FuncDef *func;        /* NODE_CALL */
  Node         **args;        /* NODE_CALL, NODE_CHAIN (n_args), NODE_NEGATE (1) */
  guint          n_args;
  GRegex        *regex;       /* REGEX_* with a literal pattern; NULL if invalid */
};

typedef Value *(*EagerFunc) (Ctx *ctx, Value **args, guint n_args);
typedef Value *(*LazyFunc)  (Ctx *ctx, Node *node);

struct _FuncDef
{
  const char *name;
  int         min_args;
  int         max_args;   /* -1: any number */
  EagerFunc   eager;
  LazyFunc    lazy;
};

struct _Ctx
{
  SandboxFormulaCellFunc  cell;
  gpointer                record;
  const char             *record_id;
  GDateTime              *now;    /* UTC */
  Node                   *call;   /* the call being evaluated (for REGEX_*) */
};

struct _SandboxFormula
{
  Node *root;
};

static void
node_free (Node *node)
{
  if (node == NULL)
    return;
  for (guint i = 0; i < node->n_args; i++)
    node_free (node->args[i]);
  g_free (node->args);
  g_free (node->ops);
  g_free (node->string);
  g_free (node->field_type);
  g_clear_pointer (&node->regex, g_regex_unref);
  g_free (node);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Node, node_free)

static const FuncDef *lookup_function (const char *name);

/* Patterns come from requests: cap PCRE's backtracking so that a
 * catastrophic pattern costs about a millisecond per record, not a second
 * (hitting the cap makes the result #ERROR!). */
static GRegex *
compile_user_regex (const char *pattern,
                    gboolean    optimize)
{
  g_autofree char *capped = g_strconcat ("(*LIMIT_MATCH=100000)", pattern, NULL);

  return g_regex_new (capped, optimize ? G_REGEX_OPTIMIZE : 0, 0, NULL);
}

typedef struct
{
  const char                *source;
  GArray                    *tokens;
  guint                      pos;
  int                        nesting;
  SandboxFormulaResolveFunc  resolve;
  gpointer                   resolve_data;
  GError                   **error;
} Parser;

static Token *
peek (Parser *p)
{
  return &g_array_index (p->tokens, Token, p->pos);
}

static Token *
advance (Parser *p)
{
  Token *t = peek (p);

  if (t->kind != TOK_EOF)
    p->pos++;
  return t;
}

static Node *
parse_fail (Parser *p, Token *at, const char *what)
{
  if (p->error != NULL && *p->error == NULL)
    g_set_error (p->error, SANDBOX_FORMULA_ERROR, SANDBOX_FORMULA_ERROR_SYNTAX,
                 "Invalid formula: %s at character %ld", what, at->column);
  return NULL;
}

static const char *
token_description (Token *t)
{
  switch (t->kind)
    {
    case TOK_EOF: return "unexpected end of formula";
    case TOK_RPAREN: return "unexpected \")\"";
    case TOK_COMMA: return "unexpected \",\"";
    case TOK_NUMBER:
    case TOK_STRING:
    case TOK_FIELD:
    case TOK_NAME:
    case TOK_LPAREN:
      return "missing operator";
    case TOK_PLUS:
    case TOK_MINUS:
    case TOK_STAR:
    case TOK_SLASH:
    case TOK_AMP:
    case TOK_EQ:
    case TOK_NE:
    case TOK_LT:
    case TOK_GT:
    case TOK_LE:
    case TOK_GE:
    default:
      return "unexpected operator";
    }
}

static Node *parse_expression (Parser *p);

static Node *
node_new (NodeKind kind)
{
  Node *n = g_new0 (Node, 1);

  n->kind = kind;
  n->depth = 1;
  return n;
}

static Node *
resolve_field (Parser *p, Token *t)
{
  const char *id = NULL, *type = NULL;
  Node *n;

  if (p->resolve == NULL || !p->resolve (t->text, &id, &type, p->resolve_data) || id == NULL)
    {
      if (p->error != NULL && *p->error == NULL)
        g_set_error (p->error, SANDBOX_FORMULA_ERROR, SANDBOX_FORMULA_ERROR_UNKNOWN_FIELD,
                     "Unknown field names: %s", t->text);
      return NULL;
    }
  n = node_new (NODE_FIELD);
  n->string = g_strdup (id);
  n->field_type = g_strdup (type);
  return n;
}

static gboolean
enter (Parser *p)
{
  if (++p->nesting > MAX_NESTING)
    {
      parse_fail (p, peek (p), "formula nested too deeply");
      return FALSE;
    }
  return TRUE;
}

static Node *
parse_call (Parser *p, Token *name)
{
  const FuncDef *def = lookup_function (name->text);
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func ((GDestroyNotify) node_free);
  Node *n;
  int depth = 0;

  if (def == NULL)
    {
      if (p->error != NULL && *p->error == NULL)
        g_set_error (p->error, SANDBOX_FORMULA_ERROR, SANDBOX_FORMULA_ERROR_UNKNOWN_FUNCTION,
                     "Unknown function: %s", name->text);
      return NULL;
    }
  advance (p);  /* ( */
  if (peek (p)->kind != TOK_RPAREN)
    {
      for (;;)
        {
          Node *arg = parse_expression (p);

          if (arg == NULL)
            return NULL;
          depth = MAX (depth, arg->depth);
          g_ptr_array_add (args, arg);
          if (peek (p)->kind == TOK_COMMA)
            {
              advance (p);
              continue;
            }
          if (peek (p)->kind == TOK_RPAREN)
            break;
          return parse_fail (p, peek (p), peek (p)->kind == TOK_EOF ?
                             "missing \")\"" : "expected \",\" or \")\"");
        }
    }
  advance (p);  /* ) */

  if ((int) args->len < def->min_args ||
      (def->max_args >= 0 && (int) args->len > def->max_args))
    {
      if (p->error != NULL && *p->error == NULL)
        {
          if (def->max_args < 0)
            g_set_error (p->error, SANDBOX_FORMULA_ERROR, SANDBOX_FORMULA_ERROR_ARGUMENTS,
                         "%s expects at least %d argument%s, got %u", def->name,
                         def->min_args, def->min_args == 1 ? "" : "s", args->len);
          else if (def->min_args == def->max_args)
            g_set_error (p->error, SANDBOX_FORMULA_ERROR, SANDBOX_FORMULA_ERROR_ARGUMENTS,
                         "%s expects %d argument%s, got %u", def->name,
                         def->min_args, def->min_args == 1 ? "" : "s", args->len);
          else
            g_set_error (p->error, SANDBOX_FORMULA_ERROR, SANDBOX_FORMULA_ERROR_ARGUMENTS,
                         "%s expects %d to %d arguments, got %u", def->name,
                         def->min_args, def->max_args, args->len);
        }
      return NULL;
    }

  n = node_new (NODE_CALL);
  n->func = def;
  n->depth = depth + 1;
  n->n_args = args->len;
  g_ptr_array_set_free_func (args, NULL);
  n->args = (Node **) g_ptr_array_free (g_steal_pointer (&args), FALSE);

  /* REGEX_*: compile a literal pattern once */
  if (g_str_has_prefix (def->name, "REGEX_") && n->n_args >= 2 &&
      n->args[1]->kind == NODE_STRING)
    n->regex = compile_user_regex (n->args[1]->string, TRUE);
  return n;
}

static Node *
parse_primary (Parser *p)
{
  Token *t = peek (p);
  Node *n;

  switch (t->kind)
    {
    case TOK_NUMBER:
      advance (p);
      n = node_new (NODE_NUMBER);
      n->number = t->number;
      return n;
    case TOK_STRING:
      advance (p);
      n = node_new (NODE_STRING);
      n->string = g_strdup (t->text);
      return n;
    case TOK_FIELD:
      advance (p);
      return resolve_field (p, t);
    case TOK_NAME:
      advance (p);
      if (peek (p)->kind == TOK_LPAREN)
        {
          if (!enter (p))
            return NULL;
          n = parse_call (p, t);
          p->nesting--;
          return n;
        }
      return resolve_field (p, t);
    case TOK_LPAREN:
      advance (p);
      if (!enter (p))
        return NULL;
      n = parse_expression (p);
      p->nesting--;
      if (n == NULL)
        return NULL;
      if (peek (p)->kind != TOK_RPAREN)
        {
          node_free (n);
          return parse_fail (p, peek (p), peek (p)->kind == TOK_EOF ?
                             "missing \")\"" : "expected \")\"");
        }
      advance (p);
      return n;
    case TOK_EOF:
    case TOK_RPAREN:
    case TOK_COMMA:
    case TOK_PLUS:
    case TOK_MINUS:
    case TOK_STAR:
    case TOK_SLASH:
    case TOK_AMP:
    case TOK_EQ:
    case TOK_NE:
    case TOK_LT:
    case TOK_GT:
    case TOK_LE:
    case TOK_GE:
    default:
      return parse_fail (p, t, t->kind == TOK_EOF ? "unexpected end of formula" :
                         "expected a value");
    }
}

static Node *
parse_unary (Parser *p)
{
  if (peek (p)->kind == TOK_MINUS)
    {
      Node *operand, *n;

      advance (p);
      if (!enter (p))
        return NULL;
      operand = parse_unary (p);
      p->nesting--;
      if (operand == NULL)
        return NULL;
      n = node_new (NODE_NEGATE);
      n->n_args = 1;
      n->args = g_new (Node *, 1);
      n->args[0] = operand;
      n->depth = operand->depth + 1;
      return n;
    }
  return parse_primary (p);
}

typedef Node *(*ParseLevel) (Parser *p);

/* One precedence level: operands joined by its operators, kept as a flat
 * left-to-right chain so that long runs (1+1+…+1) need no deep tree. */
static Node *
parse_binary_level (Parser *p, ParseLevel next, const TokenKind *ops, guint n_ops)
{
  g_autoptr(GPtrArray) operands = NULL;
  g_autoptr(GArray) operators = NULL;
  Node *first = next (p);
  Node *chain;
  int depth = 0;

  if (first == NULL)
    return NULL;
  for (;;)
    {
      Token *op = peek (p);
      gboolean match = FALSE;
      Node *right;

      for (guint i = 0; i < n_ops; i++)
        if (op->kind == ops[i])
          match = TRUE;
      if (!match)
        break;
      if (operands == NULL)
        {
          operands = g_ptr_array_new_with_free_func ((GDestroyNotify) node_free);
          operators = g_array_new (FALSE, FALSE, sizeof (TokenKind));
          g_ptr_array_add (operands, first);
          depth = first->depth;
        }
      advance (p);
      right = next (p);
      if (right == NULL)
        return NULL;
      g_ptr_array_add (operands, right);
      g_array_append_val (operators, op->kind);
      depth = MAX (depth, right->depth);
    }
  if (operands == NULL)
    return first;

  chain = node_new (NODE_CHAIN);
  chain->depth = depth + 1;
  chain->n_args = operands->len;
  g_ptr_array_set_free_func (operands, NULL);
  chain->args = (Node **) g_ptr_array_free (g_steal_pointer (&operands), FALSE);
  chain->ops = (TokenKind *) (gpointer) g_array_free (g_steal_pointer (&operators), FALSE);
  return chain;
}

static Node *
parse_term (Parser *p)
{
  static const TokenKind ops[] = { TOK_STAR, TOK_SLASH };

  return parse_binary_level (p, parse_unary, ops, G_N_ELEMENTS (ops));
}

static Node *
parse_additive (Parser *p)
{
  static const TokenKind ops[] = { TOK_PLUS, TOK_MINUS };

  return parse_binary_level (p, parse_term, ops, G_N_ELEMENTS (ops));
}

static Node *
parse_concat (Parser *p)
{
  static const TokenKind ops[] = { TOK_AMP };

  return parse_binary_level (p, parse_additive, ops, G_N_ELEMENTS (ops));
}

static Node *
parse_expression (Parser *p)
{
  static const TokenKind ops[] = { TOK_EQ, TOK_NE, TOK_LT, TOK_GT, TOK_LE, TOK_GE };

  return parse_binary_level (p, parse_concat, ops, G_N_ELEMENTS (ops));
}

/* ------------------------------------------------------------------ */
/* Evaluation                                                          */
/* ------------------------------------------------------------------ */

static Value *eval (Ctx *ctx, Node *node);

static GDateTime *
ctx_now (Ctx *ctx)
{
  return ctx->now;
}

/* Returns the first error among @args, or NULL. */
static Value *
first_error (Value **args, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      if (args[i]->kind == VAL_ERROR)
        return value_copy (args[i]);
      if (args[i]->kind == VAL_ARRAY)
        for (guint j = 0; j < args[i]->array->len; j++)
          {
            Value *item = g_ptr_array_index (args[i]->array, j);

            if (item->kind == VAL_ERROR)
              return value_copy (item);
          }
    }
  return NULL;
}

static Value *
number_arg (const Value *v, double *out)
{
  if (v->kind == VAL_ERROR)
    return value_copy (v);
  if (!value_to_number (v, out))
    return value_error ("#ERROR!");
  return NULL;
}

#define NUMBER_ARG(v, out)                         \
  G_STMT_START {                                   \
    Value *err_ = number_arg ((v), (out));         \
    if (err_ != NULL)                              \
      return err_;                                 \
  } G_STMT_END

#define TEXT_ARG(v, out)                           \
  G_STMT_START {                                   \
    if ((v)->kind == VAL_ERROR)                    \
      return value_copy (v);                       \
    (out) = value_to_text (v);                     \
  } G_STMT_END

/* Compares two non-error values: returns -1/0/1 in *cmp, or FALSE when they
 * are unordered (NaN). */
static gboolean
compare_values (const Value *a, const Value *b, int *cmp)
{
  double x, y;

  /* blanks */
  if (a->kind == VAL_BLANK && b->kind == VAL_BLANK)
    {
      *cmp = 0;
      return TRUE;
    }
  if (a->kind == VAL_BLANK || b->kind == VAL_BLANK)
    {
      const Value *other = a->kind == VAL_BLANK ? b : a;
      int sign = a->kind == VAL_BLANK ? -1 : 1;

      switch (other->kind)
        {
        case VAL_NUMBER:
        case VAL_BOOL:
          if (isnan (other->number))
            return FALSE;
          *cmp = other->number > 0 ? sign : other->number < 0 ? -sign : 0;
          return TRUE;
        case VAL_STRING:
          *cmp = other->string[0] != '\0' ? sign : 0;
          return TRUE;
        case VAL_ARRAY:
          *cmp = other->array->len > 0 ? sign : 0;
          return TRUE;
        case VAL_DATE:
          *cmp = sign;  /* never equal; the date sorts after */
          return TRUE;
        case VAL_BLANK:
        case VAL_ERROR:
        default:
          *cmp = 0;
          return TRUE;
        }
    }

  /* numbers */
  if ((a->kind == VAL_NUMBER || a->kind == VAL_BOOL) &&
      (b->kind == VAL_NUMBER || b->kind == VAL_BOOL))
    {
      x = a->number;
      y = b->number;
      if (isnan (x) || isnan (y))
        return FALSE;
      *cmp = x < y ? -1 : x > y ? 1 : 0;
      return TRUE;
    }

  /* dates */
  if (a->kind == VAL_DATE || b->kind == VAL_DATE)
    {
      g_autoptr(GDateTime) da = NULL;
      g_autoptr(GDateTime) db = NULL;

      if (value_to_date (a, &da, NULL) && value_to_date (b, &db, NULL) &&
          da != NULL && db != NULL)
        {
          *cmp = g_date_time_compare (da, db);
          return TRUE;
        }
    }

  /* number against text */
  if ((a->kind == VAL_NUMBER || a->kind == VAL_BOOL) && b->kind != VAL_DATE &&
      value_to_number (b, &y))
    {
      x = a->number;
      if (isnan (x) || isnan (y))
        return FALSE;
      *cmp = x < y ? -1 : x > y ? 1 : 0;
      return TRUE;
    }
  if ((b->kind == VAL_NUMBER || b->kind == VAL_BOOL) && a->kind != VAL_DATE &&
      value_to_number (a, &x))
    {
      y = b->number;
      if (isnan (x) || isnan (y))
        return FALSE;
      *cmp = x < y ? -1 : x > y ? 1 : 0;
      return TRUE;
    }

  /* text */
  {
    g_autofree char *ta = value_to_text (a);
    g_autofree char *tb = value_to_text (b);
    int r = strcmp (ta, tb);

    *cmp = r < 0 ? -1 : r > 0 ? 1 : 0;
    return TRUE;
  }
}

static Value *
eval_compare (TokenKind op, const Value *a, const Value *b)
{
  int cmp = 0;
  gboolean ordered;

  if (a->kind == VAL_ERROR)
    return value_copy (a);
  if (b->kind == VAL_ERROR)
    return value_copy (b);
  ordered = compare_values (a, b, &cmp);
  switch (op)
    {
    case TOK_EQ: return value_bool (ordered && cmp == 0);
    case TOK_NE: return value_bool (!ordered || cmp != 0);
    case TOK_LT: return value_bool (ordered && cmp < 0);
    case TOK_GT: return value_bool (ordered && cmp > 0);
    case TOK_LE: return value_bool (ordered && cmp <= 0);
    case TOK_GE: return value_bool (ordered && cmp >= 0);
    case TOK_EOF:
    case TOK_NUMBER:
    case TOK_STRING:
    case TOK_FIELD:
    case TOK_NAME:
    case TOK_LPAREN:
    case TOK_RPAREN:
    case TOK_COMMA:
    case TOK_PLUS:
    case TOK_MINUS:
    case TOK_STAR:
    case TOK_SLASH:
    case TOK_AMP:
    default:
      return value_error ("#ERROR!");
    }
}

static Value *
apply_binary (TokenKind op, const Value *a, const Value *b)
{
  double x, y;

  switch (op)
    {
    case TOK_EQ:
    case TOK_NE:
    case TOK_LT:
    case TOK_GT:
    case TOK_LE:
    case TOK_GE:
      return eval_compare (op, a, b);
    case TOK_AMP:
      {
        GString *s;

        if (a->kind == VAL_ERROR)
          return value_copy (a);
        if (b->kind == VAL_ERROR)
          return value_copy (b);
        s = g_string_new (NULL);
        value_append_text (a, s);
        value_append_text (b, s);
        return value_string_checked (s);
      }
    case TOK_PLUS:
    case TOK_MINUS:
    case TOK_STAR:
    case TOK_SLASH:
      NUMBER_ARG (a, &x);
      NUMBER_ARG (b, &y);
      switch (op)
        {
        case TOK_PLUS: return value_number_checked (x + y);
        case TOK_MINUS: return value_number_checked (x - y);
        case TOK_STAR: return value_number_checked (x * y);
        case TOK_SLASH:
        default:
          if (y == 0)
            return (x == 0 || isnan (x)) ? value_number (NAN) : value_error ("#DIV/0!");
          return value_number_checked (x / y);
        }
    case TOK_EOF:
    case TOK_NUMBER:
    case TOK_STRING:
    case TOK_FIELD:
    case TOK_NAME:
    case TOK_LPAREN:
    case TOK_RPAREN:
    case TOK_COMMA:
    default:
      return value_error ("#ERROR!");
    }
}

static Value *
eval (Ctx *ctx, Node *node)
{
  switch (node->kind)
    {
    case NODE_NUMBER:
      return value_number (node->number);
    case NODE_STRING:
      return value_string (node->string);
    case NODE_FIELD:
      {
        JsonNode *cell = ctx->cell ? ctx->cell (node->string, ctx->record) : NULL;
        Value *v = value_from_cell (cell, node->field_type);

        if (cell != NULL)
          json_node_unref (cell);
        return v;
      }
    case NODE_NEGATE:
      {
        g_autoptr(Value) a = eval (ctx, node->args[0]);
        double x;

        NUMBER_ARG (a, &x);
        return value_number (-x);
      }
    case NODE_CHAIN:
      {
        Value *acc = eval (ctx, node->args[0]);

        for (guint i = 1; i < node->n_args; i++)
          {
            g_autoptr(Value) rhs = eval (ctx, node->args[i]);
            Value *next = apply_binary (node->ops[i - 1], acc, rhs);

            value_free (acc);
            acc = next;
          }
        return acc;
      }
    case NODE_CALL:
      if (node->func->lazy != NULL)
        return node->func->lazy (ctx, node);
      else
        {
          Value *small[16];
          Value **args = node->n_args <= G_N_ELEMENTS (small) ?
                         small : g_new (Value *, node->n_args);
          Node *saved = ctx->call;
          Value *result;

          for (guint i = 0; i < node->n_args; i++)
            args[i] = eval (ctx, node->args[i]);
          ctx->call = node;
          result = node->func->eager (ctx, args, node->n_args);
          ctx->call = saved;
          for (guint i = 0; i < node->n_args; i++)
            value_free (args[i]);
          if (args != small)
            g_free (args);
          return result;
        }
    default:
      return value_error ("#ERROR!");
    }
}

/* ------------------------------------------------------------------ */
/* Logical functions                                                   */
/* ------------------------------------------------------------------ */

static Value *
fn_and (Ctx *ctx, Value **args, guint n)
{
  Value *err = first_error (args, n);

  if (err)
    return err;
  for (guint i = 0; i < n; i++)
    if (!value_truthy (args[i]))
      return value_bool (FALSE);
  return value_bool (TRUE);
}

static Value *
fn_or (Ctx *ctx, Value **args, guint n)
{
  Value *err = first_error (args, n);

  if (err)
    return err;
  for (guint i = 0; i < n; i++)
    if (value_truthy (args[i]))
      return value_bool (TRUE);
  return value_bool (FALSE);
}

static Value *
fn_xor (Ctx *ctx, Value **args, guint n)
{
  Value *err = first_error (args, n);
  guint count = 0;

  if (err)
    return err;
  for (guint i = 0; i < n; i++)
    if (value_truthy (args[i]))
      count++;
  return value_bool (count % 2 == 1);
}

static Value *
fn_not (Ctx *ctx, Value **args, guint n)
{
  if (args[0]->kind == VAL_ERROR)
    return value_copy (args[0]);
  return value_bool (!value_truthy (args[0]));
}

static Value *
fn_if (Ctx *ctx, Node *node)
{
  g_autoptr(Value) cond = eval (ctx, node->args[0]);

  if (cond->kind == VAL_ERROR)
    return g_steal_pointer (&cond);
  if (value_truthy (cond))
    return eval (ctx, node->args[1]);
  if (node->n_args > 2)
    return eval (ctx, node->args[2]);
  return value_blank ();
}

static Value *
fn_switch (Ctx *ctx, Node *node)
{
  g_autoptr(Value) subject = eval (ctx, node->args[0]);
  guint i;

  if (subject->kind == VAL_ERROR)
    return g_steal_pointer (&subject);
  for (i = 1; i + 1 < node->n_args; i += 2)
    {
      g_autoptr(Value) pattern = eval (ctx, node->args[i]);
      g_autoptr(Value) eq = eval_compare (TOK_EQ, subject, pattern);

      if (eq->kind == VAL_ERROR)
        return g_steal_pointer (&eq);
      if (value_truthy (eq))
        return eval (ctx, node->args[i + 1]);
    }
  if (i < node->n_args)
    return eval (ctx, node->args[i]);  /* default */
  return value_blank ();
}

static Value *
fn_true (Ctx *ctx, Value **args, guint n)
{
  return value_bool (TRUE);
}

static Value *
fn_false (Ctx *ctx, Value **args, guint n)
{
  return value_bool (FALSE);
}

static Value *
fn_blank (Ctx *ctx, Value **args, guint n)
{
  return value_blank ();
}

static Value *
fn_error (Ctx *ctx, Value **args, guint n)
{
  return value_error ("#ERROR!");
}

static Value *
fn_iserror (Ctx *ctx, Value **args, guint n)
{
  return value_bool (args[0]->kind == VAL_ERROR);
}

static Value *
fn_record_id (Ctx *ctx, Value **args, guint n)
{
  return ctx->record_id ? value_string (ctx->record_id) : value_blank ();
}

/* ------------------------------------------------------------------ */
/* Text functions                                                      */
/* ------------------------------------------------------------------ */

static Value *
fn_concatenate (Ctx *ctx, Value **args, guint n)
{
  Value *err = first_error (args, n);
  GString *s;

  if (err)
    return err;
  s = g_string_new (NULL);
  for (guint i = 0; i < n && s->len <= MAX_STRING_RESULT; i++)
    value_append_text (args[i], s);
  return value_string_checked (s);
}

static gunichar *
to_ucs4 (const char *s, glong *len, gboolean lower)
{
  gunichar *u = g_utf8_to_ucs4_fast (s, -1, len);

  if (lower)
    for (glong i = 0; i < *len; i++)
      u[i] = g_unichar_tolower (u[i]);
  return u;
}

/* 1-based position of @needle in @hay from 1-based @start, or 0. */
static glong
find_position (const char *needle, const char *hay, double start, gboolean fold)
{
  glong nl, hl, from;
  g_autofree gunichar *un = to_ucs4 (needle, &nl, fold);
  g_autofree gunichar *uh = to_ucs4 (hay, &hl, fold);

  if (isnan (start) || start < 1)
    start = 1;
  if (start > (double) hl + 1)
    return 0;
  from = (glong) start - 1;
  for (glong i = from; i + nl <= hl; i++)
    {
      glong j = 0;

      while (j < nl && uh[i + j] == un[j])
        j++;
      if (j == nl)
        return i + 1;
    }
  return 0;
}

static Value *
find_common (Value **args, guint n, gboolean search)
{
  g_autofree char *needle = NULL;
  g_autofree char *hay = NULL;
  double start = 1;
  glong pos;

  TEXT_ARG (args[0], needle);
  TEXT_ARG (args[1], hay);
  if (n > 2)
    NUMBER_ARG (args[2], &start);
  pos = find_position (needle, hay, start, search);
  if (pos == 0 && search)
    return value_blank ();
  return value_number (pos);
}

static Value *
fn_find (Ctx *ctx, Value **args, guint n)
{
  return find_common (args, n, FALSE);
}

static Value *
fn_search (Ctx *ctx, Value **args, guint n)
{
  return find_common (args, n, TRUE);
}

/* Characters [start, start+count) of @s, 0-based, clamped. */
static char *
substring_chars (const char *s, double start, double count)
{
  glong len = g_utf8_strlen (s, -1);
  glong from, to;

  if (isnan (start) || start < 0)
    start = 0;
  if (isnan (count) || count < 0)
    count = 0;
  if (start >= (double) len)
    return g_strdup ("");
  from = (glong) start;
  to = count >= (double) (len - from) ? len : from + (glong) count;
  return g_utf8_substring (s, from, to);
}

static Value *
fn_left (Ctx *ctx, Value **args, guint n)
{
  g_autofree char *s = NULL;
  double count;

  TEXT_ARG (args[0], s);
  NUMBER_ARG (args[1], &count);
  if (count < 0)
    return value_error ("#ERROR!");
  return value_string_take (substring_chars (s, 0, floor (count)));
}

static Value *
fn_right (Ctx *ctx, Value **args, guint n)
{
  g_autofree char *s = NULL;
  double count;
  glong len;

  TEXT_ARG (args[0], s);
  NUMBER_ARG (args[1], &count);
  if (count < 0)
    return value_error ("#ERROR!");
  count = floor (count);
  len = g_utf8_strlen (s, -1);
  if (count >= (double) len)
    return value_string (s);
  return value_string_take (substring_chars (s, (double) len - count, count));
}

static Value *
fn_mid (Ctx *ctx, Value **args, guint n)
{
  g_autofree char *s = NULL;
  double start, count;

  TEXT_ARG (args[0], s);
  NUMBER_ARG (args[1], &start);
  NUMBER_ARG (args[2], &count);
  start = floor (start);
  if (start < 1)
    start = 1;
  return value_string_take (substring_chars (s, start - 1, floor (count)));
}

static Value *
fn_len (Ctx *ctx, Value **args, guint n)
{
  g_autofree char *s = NULL;

  TEXT_ARG (args[0], s);
  return value_number (g_utf8_strlen (s, -1));
}

static Value *
fn_lower (Ctx *ctx, Value **args, guint n)
{
  g_autofree char *s = NULL;

  TEXT_ARG (args[0], s);
  return value_string_take (g_utf8_strdown (s, -1));
}

static Value *
fn_upper (Ctx *ctx, Value **args, guint n)
{
  g_autofree char *s = NULL;

  TEXT_ARG (args[0], s);
  return value_string_take (g_utf8_strup (s, -1));
}

static Value *
fn_trim (Ctx *ctx, Value **args, guint n)
{
  char *s;

  TEXT_ARG (args[0], s);
  g_strstrip (s);
  return value_string_take (s);
}

static Value *
fn_substitute (Ctx *ctx, Value **args, guint n)
{
  g_autofree char *s = NULL;
  g_autofree char *old = NULL;
  g_autofree char *rep = NULL;
  double index = 0;
  gsize old_len, rep_len;
  const char *p, *hit;
  GString *out;
  guint k = 0;

  TEXT_ARG (args[0], s);
  TEXT_ARG (args[1], old);
  TEXT_ARG (args[2], rep);
  if (n > 3)
    {
      NUMBER_ARG (args[3], &index);
      index = floor (index);
      if (index < 1)
        return value_error ("#ERROR!");
    }
  old_len = strlen (old);
  rep_len = strlen (rep);
  if (old_len == 0)
    return value_string (s);
  out = g_string_new (NULL);
  p = s;
  while ((hit = strstr (p, old)) != NULL)
    {
      k++;
      g_string_append_len (out, p, hit - p);
      if (index == 0 || (double) k == index)
        g_string_append_len (out, rep, rep_len);
      else
        g_string_append_len (out, hit, old_len);
      p = hit + old_len;
      if (out->len > MAX_STRING_RESULT)
        break;
    }
  g_string_append (out, p);
  return value_string_checked (out);
}

static Value *
fn_replace (Ctx *ctx, Value **args, guint n)
{
  g_autofree char *s = NULL;
  g_autofree char *rep = NULL;
  g_autofree char *head = NULL;
  g_autofree char *tail = NULL;
  double start, count;
  GString *out;

  TEXT_ARG (args[0], s);
  NUMBER_ARG (args[1], &start);
  NUMBER_ARG (args[2], &count);
  TEXT_ARG (args[3], rep);
  start = floor (start);
  count = floor (count);
  if (start < 1)
    start = 1;
  if (count < 0)
    count = 0;
  head = substring_chars (s, 0, start - 1);
  tail = substring_chars (s, start - 1 + count, G_MAXDOUBLE);
  out = g_string_new (head);
  g_string_append (out, rep);
  g_string_append (out, tail);
  return value_string_checked (out);
}

static Value *
fn_rept (Ctx *ctx, Value **args, guint n)
{
  g_autofree char *s = NULL;
  double times;
  gsize len;
  GString *out;

  TEXT_ARG (args[0], s);
  NUMBER_ARG (args[1], &times);
  times = floor (times);
  if (isnan (times) || times < 0)
    return value_error ("#ERROR!");
  len = strlen (s);
  if (len > 0 && times * (double) len > MAX_STRING_RESULT)
    return value_error ("#ERROR!");
  if (len == 0)
    return value_string ("");
  out = g_string_sized_new (len * (gsize) times + 1);
  for (gsize i = 0; i < (gsize) times; i++)
    g_string_append_len (out, s, len);
  return value_string_checked (out);
}

static Value *
fn_t (Ctx *ctx, Value **args, guint n)
{
  if (args[0]->kind == VAL_ERROR)
    return value_copy (args[0]);
  if (args[0]->kind == VAL_STRING)
    return value_copy (args[0]);
  return value_blank ();
}

static Value *
fn_value (Ctx *ctx, Value **args, guint n)
{
  g_autofree char *s = NULL;
  GString *clean;
  double d, scale = 1;
  const char *p;

  if (args[0]->kind == VAL_NUMBER || args[0]->kind == VAL_BOOL)
    return value_number (args[0]->number);
  TEXT_ARG (args[0], s);
  clean = g_string_new (NULL);
  for (p = s; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || c == '$' || c == ',' || c == 0x20AC ||
          c == 0xA3 || c == 0xA5)
        continue;
      g_string_append_unichar (clean, c);
    }
  if (clean->len > 0 && clean->str[clean->len - 1] == '%')
    {
      g_string_truncate (clean, clean->len - 1);
      scale = 0.01;
    }
  if (clean->len == 0 || !parse_number_text (clean->str, &d))
    {
      g_string_free (clean, TRUE);
      return value_error ("#ERROR!");
    }
  g_string_free (clean, TRUE);
  return value_number (d * scale);
}

static Value *
fn_encode_url_component (Ctx *ctx, Value **args, guint n)
{
  g_autofree char *s = NULL;

  TEXT_ARG (args[0], s);
  return value_string_take (g_uri_escape_string (s, "!*'()", FALSE));
}

static Value *
regex_common (Ctx *ctx, Value **args, guint n, int mode)
{
  g_autofree char *s = NULL;
  g_autofree char *pattern = NULL;
  g_autoptr(GRegex) re = NULL;
  g_autoptr(GMatchInfo) info = NULL;
  g_autoptr(GError) match_error = NULL;
  gboolean matched;

  TEXT_ARG (args[0], s);
  TEXT_ARG (args[1], pattern);
  if (ctx->call != NULL && ctx->call->args[1]->kind == NODE_STRING)
    re = ctx->call->regex ? g_regex_ref (ctx->call->regex) : NULL;
  else
    re = compile_user_regex (pattern, FALSE);
  if (re == NULL)
    return value_error ("#ERROR!");
  if (mode == 2)
    {
      g_autofree char *rep = NULL;
      char *out;

      TEXT_ARG (args[2], rep);
      out = g_regex_replace (re, s, -1, 0, rep, 0, NULL);
      if (out == NULL)
        return value_error ("#ERROR!");
      if (strlen (out) > MAX_STRING_RESULT)
        {
          g_free (out);
          return value_error ("#ERROR!");
        }
      return value_string_take (out);
    }
  matched = g_regex_match_full (re, s, -1, 0, 0, &info, &match_error);
  if (match_error != NULL)
    return value_error ("#ERROR!");
  if (mode == 0)
    return value_bool (matched);
  if (!matched)
    return value_error ("#ERROR!");
  return value_string_take (g_match_info_fetch (info, 0));
}

static Value *
fn_regex_match (Ctx *ctx, Value **args, guint n)
{
  return regex_common (ctx, args, n, 0);
}

static Value *
fn_regex_extract (Ctx *ctx, Value **args, guint n)
{
  return regex_common (ctx, args, n, 1);
}

static Value *
fn_regex_replace (Ctx *ctx, Value **args, guint n)
{
  return regex_common (ctx, args, n, 2);
}

/* ------------------------------------------------------------------ */
/* Numeric functions                                                   */
/* ------------------------------------------------------------------ */

/* Removes floating-point noise before ceil/floor: 3.0000000000000004 → 3. */
static double
denoise (double x)
{
  double r = nearbyint (x);

  if (fabs (x - r) < 1e-9 * MAX (1.0, fabs (x)))
    return r;
  return x;
}

static Value *
fn_abs (Ctx *ctx, Value **args, guint n)
{
  double x;

  NUMBER_ARG (args[0], &x);
  return value_number (fabs (x));
}

typedef enum { ROUND_HALF_UP, ROUND_AWAY, ROUND_TOWARD_ZERO } RoundMode;

static Value *
round_common (Value **args, guint n, RoundMode mode)
{
  double x, places = 0, factor, scaled, r;

  NUMBER_ARG (args[0], &x);
  if (n > 1)
    NUMBER_ARG (args[1], &places);
  if (isnan (x) || isnan (places))
    return value_number (NAN);
  places = trunc (places);
  if (places > 15)
    return value_number (x);
  if (places < -300)
    places = -300;
  factor = pow (10, places);
  scaled = denoise (x * factor);
  switch (mode)
    {
    case ROUND_AWAY:
      r = scaled < 0 ? -ceil (-scaled) : ceil (scaled);
      break;
    case ROUND_TOWARD_ZERO:
      r = trunc (scaled);
      break;
    case ROUND_HALF_UP:
    default:
      r = floor (scaled + 0.5);
      break;
    }
  return value_number_checked (r / factor);
}

static Value *
fn_round (Ctx *ctx, Value **args, guint n)
{
  return round_common (args, n, ROUND_HALF_UP);
}

static Value *
fn_roundup (Ctx *ctx, Value **args, guint n)
{
  return round_common (args, n, ROUND_AWAY);
}

static Value *
fn_rounddown (Ctx *ctx, Value **args, guint n)
{
  return round_common (args, n, ROUND_TOWARD_ZERO);
}

static Value *
fn_int (Ctx *ctx, Value **args, guint n)
{
  double x;

  NUMBER_ARG (args[0], &x);
  return value_number (floor (x));
}

static Value *
fn_mod (Ctx *ctx, Value **args, guint n)
{
  double x, y;

  NUMBER_ARG (args[0], &x);
  NUMBER_ARG (args[1], &y);
  if (y == 0)
    return value_error ("#DIV/0!");
  return value_number (fmod (x, y));
}

static Value *
ceil_floor_common (Value **args, guint n, gboolean up)
{
  double x, sig = 1, q;

  NUMBER_ARG (args[0], &x);
  if (n > 1)
    NUMBER_ARG (args[1], &sig);
  if (sig == 0)
    return value_number (0);
  q = denoise (x / sig);
  return value_number_checked ((up ? ceil (q) : floor (q)) * sig);
}

static Value *
fn_ceiling (Ctx *ctx, Value **args, guint n)
{
  return ceil_floor_common (args, n, TRUE);
}

static Value *
fn_floor (Ctx *ctx, Value **args, guint n)
{
  return ceil_floor_common (args, n, FALSE);
}

static Value *
fn_sqrt (Ctx *ctx, Value **args, guint n)
{
  double x;

  NUMBER_ARG (args[0], &x);
  return value_number (x < 0 ? NAN : sqrt (x));
}

static Value *
fn_power (Ctx *ctx, Value **args, guint n)
{
  double x, y;

  NUMBER_ARG (args[0], &x);
  NUMBER_ARG (args[1], &y);
  return value_number_checked (pow (x, y));
}

static Value *
fn_exp (Ctx *ctx, Value **args, guint n)
{
  double x;

  NUMBER_ARG (args[0], &x);
  return value_number_checked (exp (x));
}

static Value *
fn_log (Ctx *ctx, Value **args, guint n)
{
  double x, base = 10;

  NUMBER_ARG (args[0], &x);
  if (n > 1)
    NUMBER_ARG (args[1], &base);
  if (x <= 0 || base <= 0 || base == 1)
    return value_error ("#NUM!");
  return value_number_checked (log (x) / log (base));
}

static Value *
even_odd_common (Value **args, gboolean odd)
{
  double x, m, r;

  NUMBER_ARG (args[0], &x);
  if (isnan (x))
    return value_number (NAN);
  m = ceil (fabs (denoise (x)));
  if (odd)
    r = fmod (m, 2) == 1 ? m : m + 1;
  else
    r = fmod (m, 2) == 0 ? m : m + 1;
  return value_number_checked (x < 0 ? -r : r);
}

static Value *
fn_even (Ctx *ctx, Value **args, guint n)
{
  return even_odd_common (args, FALSE);
}

static Value *
fn_odd (Ctx *ctx, Value **args, guint n)
{
  return even_odd_common (args, TRUE);
}

/* Every argument, arrays expanded (borrowed). */
static GPtrArray *
flatten_args (Value **args, guint n)
{
  GPtrArray *items = g_ptr_array_new ();

  for (guint i = 0; i < n; i++)
    {
      if (args[i]->kind == VAL_ARRAY)
        for (guint j = 0; j < args[i]->array->len; j++)
          g_ptr_array_add (items, g_ptr_array_index (args[i]->array, j));
      else
        g_ptr_array_add (items, args[i]);
    }
  return items;
}

/* The numbers among @args for SUM/MAX/MIN/AVERAGE; FALSE on an error. */
static gboolean
collect_numbers (Value **args, guint n, GArray *out)
{
  g_autoptr(GPtrArray) items = flatten_args (args, n);

  for (guint i = 0; i < items->len; i++)
    {
      Value *v = g_ptr_array_index (items, i);
      double d;

      if (v->kind == VAL_ERROR)
        return FALSE;
      if (v->kind == VAL_NUMBER || v->kind == VAL_BOOL)
        g_array_append_val (out, v->number);
      else if (v->kind == VAL_STRING && v->string[0] != '\0' &&
               parse_number_text (v->string, &d))
        g_array_append_val (out, d);
    }
  return TRUE;
}

typedef enum { AGG_SUM, AGG_MAX, AGG_MIN, AGG_AVERAGE } Aggregate;

static Value *
aggregate (Value **args, guint n, Aggregate kind)
{
  g_autoptr(GArray) nums = g_array_new (FALSE, FALSE, sizeof (double));
  double acc = 0;

  if (!collect_numbers (args, n, nums))
    return first_error (args, n);
  if (nums->len == 0)
    return value_number (kind == AGG_AVERAGE ? NAN : 0);
  for (guint i = 0; i < nums->len; i++)
    {
      double d = g_array_index (nums, double, i);

      switch (kind)
        {
        case AGG_MAX: acc = i == 0 ? d : MAX (acc, d); break;
        case AGG_MIN: acc = i == 0 ? d : MIN (acc, d); break;
        case AGG_SUM:
        case AGG_AVERAGE:
        default:
          acc += d;
          break;
        }
    }
  if (kind == AGG_AVERAGE)
    acc /= nums->len;
  return value_number_checked (acc);
}

static Value *
fn_sum (Ctx *ctx, Value **args, guint n)
{
  return aggregate (args, n, AGG_SUM);
}

static Value *
fn_max (Ctx *ctx, Value **args, guint n)
{
  return aggregate (args, n, AGG_MAX);
}

static Value *
fn_min (Ctx *ctx, Value **args, guint n)
{
  return aggregate (args, n, AGG_MIN);
}

static Value *
fn_average (Ctx *ctx, Value **args, guint n)
{
  return aggregate (args, n, AGG_AVERAGE);
}

static Value *
count_common (Value **args, guint n, int mode)
{
  g_autoptr(GPtrArray) items = flatten_args (args, n);
  guint count = 0;

  for (guint i = 0; i < items->len; i++)
    {
      Value *v = g_ptr_array_index (items, i);

      if (mode == 0)
        count += v->kind == VAL_NUMBER;
      else if (mode == 1)
        count += v->kind != VAL_BLANK && !(v->kind == VAL_STRING && v->string[0] == '\0');
      else
        count++;
    }
  return value_number (count);
}

static Value *
fn_count (Ctx *ctx, Value **args, guint n)
{
  return count_common (args, n, 0);
}

static Value *
fn_counta (Ctx *ctx, Value **args, guint n)
{
  return count_common (args, n, 1);
}

static Value *
fn_countall (Ctx *ctx, Value **args, guint n)
{
  return count_common (args, n, 2);
}

/* ------------------------------------------------------------------ */
/* Array functions                                                     */
/* ------------------------------------------------------------------ */

/* The argument as a list (borrowed items): blank is empty, a scalar is one. */
static GPtrArray *
as_list (Value *v)
{
  GPtrArray *items = g_ptr_array_new ();

  if (v->kind == VAL_ARRAY)
    for (guint i = 0; i < v->array->len; i++)
      g_ptr_array_add (items, g_ptr_array_index (v->array, i));
  else if (v->kind != VAL_BLANK)
    g_ptr_array_add (items, v);
  return items;
}

static Value *
fn_arrayjoin (Ctx *ctx, Value **args, guint n)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *sep = NULL;
  GString *out;

  if (args[0]->kind == VAL_ERROR)
    return value_copy (args[0]);
  if (n > 1)
    TEXT_ARG (args[1], sep);
  else
    sep = g_strdup (", ");
  items = as_list (args[0]);
  out = g_string_new (NULL);
  for (guint i = 0; i < items->len && out->len <= MAX_STRING_RESULT; i++)
    {
      if (i > 0)
        g_string_append (out, sep);
      value_append_text (g_ptr_array_index (items, i), out);
    }
  return value_string_checked (out);
}

static Value *
fn_arrayunique (Ctx *ctx, Value **args, guint n)
{
  g_autoptr(GPtrArray) items = as_list (args[0]);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Value *out = value_new (VAL_ARRAY);

  for (guint i = 0; i < items->len; i++)
    {
      Value *v = g_ptr_array_index (items, i);
      g_autofree char *text = value_to_text (v);
      char *key = g_strdup_printf ("%d:%s", (int) v->kind, text);

      if (g_hash_table_add (seen, key))
        g_ptr_array_add (out->array, value_copy (v));
    }
  return out;
}

static Value *
fn_arraycompact (Ctx *ctx, Value **args, guint n)
{
  g_autoptr(GPtrArray) items = as_list (args[0]);
  Value *out = value_new (VAL_ARRAY);

  for (guint i = 0; i < items->len; i++)
    {
      Value *v = g_ptr_array_index (items, i);

      if (v->kind == VAL_BLANK || (v->kind == VAL_STRING && v->string[0] == '\0'))
        continue;
      g_ptr_array_add (out->array, value_copy (v));
    }
  return out;
}

static Value *
fn_arrayflatten (Ctx *ctx, Value **args, guint n)
{
  g_autoptr(GPtrArray) items = flatten_args (args, n);
  Value *out = value_new (VAL_ARRAY);

  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (out->array, value_copy (g_ptr_array_index (items, i)));
  return out;
}

static Value *
fn_arrayslice (Ctx *ctx, Value **args, guint n)
{
  g_autoptr(GPtrArray) items = as_list (args[0]);
  double start, end;
  double len = items->len;
  Value *out;

  NUMBER_ARG (args[1], &start);
  end = len;
  if (n > 2)
    {
      NUMBER_ARG (args[2], &end);
      end = floor (end);
      end = end < 0 ? len + end + 1 : end;  /* inclusive, 1-based → exclusive 0-based */
    }
  start = floor (start);
  start = start > 0 ? start - 1 : start < 0 ? len + start : 0;
  start = CLAMP (start, 0, len);
  end = CLAMP (end, 0, len);
  out = value_new (VAL_ARRAY);
  for (guint i = (guint) start; (double) i < end; i++)
    g_ptr_array_add (out->array, value_copy (g_ptr_array_index (items, i)));
  return out;
}

/* ------------------------------------------------------------------ */
/* Date functions                                                      */
/* ------------------------------------------------------------------ */

typedef enum
{
  UNIT_NONE,
  UNIT_MS,
  UNIT_SECOND,
  UNIT_MINUTE,
  UNIT_HOUR,
  UNIT_DAY,
  UNIT_WEEK,
  UNIT_MONTH,
  UNIT_QUARTER,
  UNIT_YEAR,
} Unit;

static Unit
parse_unit (const char *text)
{
  static const struct { const char *name; Unit unit; } names[] = {
    { "millisecond", UNIT_MS }, { "ms", UNIT_MS },
    { "second", UNIT_SECOND }, { "s", UNIT_SECOND },
    { "minute", UNIT_MINUTE },
    { "hour", UNIT_HOUR }, { "h", UNIT_HOUR },
    { "day", UNIT_DAY }, { "d", UNIT_DAY },
    { "week", UNIT_WEEK }, { "w", UNIT_WEEK },
    { "month", UNIT_MONTH },
    { "quarter", UNIT_QUARTER },
    { "year", UNIT_YEAR }, { "y", UNIT_YEAR },
  };
  g_autofree char *lower = NULL;
  gsize len;

  /* case matters for the one-letter forms */
  if (g_str_equal (text, "M"))
    return UNIT_MONTH;
  if (g_str_equal (text, "m"))
    return UNIT_MINUTE;
  if (g_str_equal (text, "Q"))
    return UNIT_QUARTER;
  lower = g_ascii_strdown (text, -1);
  g_strstrip (lower);
  len = strlen (lower);
  if (len > 2 && lower[len - 1] == 's')
    lower[len - 1] = '\0';
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (lower, names[i].name))
      return names[i].unit;
  return UNIT_NONE;
}

static gint64
unit_microseconds (Unit unit)
{
  switch (unit)
    {
    case UNIT_MS: return G_TIME_SPAN_MILLISECOND;
    case UNIT_SECOND: return G_TIME_SPAN_SECOND;
    case UNIT_MINUTE: return G_TIME_SPAN_MINUTE;
    case UNIT_HOUR: return G_TIME_SPAN_HOUR;
    case UNIT_DAY: return G_TIME_SPAN_DAY;
    case UNIT_WEEK: return 7 * G_TIME_SPAN_DAY;
    case UNIT_NONE:
    case UNIT_MONTH:
    case UNIT_QUARTER:
    case UNIT_YEAR:
    default:
      return 0;
    }
}

/* Date argument: returns an error value, or NULL with *out set (NULL = blank). */
static Value *
date_arg (Value *v, GDateTime **out, gboolean *date_only)
{
  if (v->kind == VAL_ERROR)
    return value_copy (v);
  if (!value_to_date (v, out, date_only))
    return value_error ("#ERROR!");
  return NULL;
}

#define DATE_ARG(v, out, date_only)                 \
  G_STMT_START {                                    \
    Value *err_ = date_arg ((v), (out), (date_only)); \
    if (err_ != NULL)                               \
      return err_;                                  \
  } G_STMT_END

static Value *
fn_today (Ctx *ctx, Value **args, guint n)
{
  GDateTime *now = ctx_now (ctx);

  return value_date (g_date_time_new_utc (g_date_time_get_year (now),
                                          g_date_time_get_month (now),
                                          g_date_time_get_day_of_month (now), 0, 0, 0),
                     TRUE);
}

static Value *
fn_now (Ctx *ctx, Value **args, guint n)
{
  return value_date (g_date_time_ref (ctx_now (ctx)), FALSE);
}

static Value *
before_after (Value **args, int want)
{
  g_autoptr(GDateTime) a = NULL;
  g_autoptr(GDateTime) b = NULL;

  DATE_ARG (args[0], &a, NULL);
  DATE_ARG (args[1], &b, NULL);
  if (a == NULL || b == NULL)
    return value_blank ();
  return value_bool (g_date_time_compare (a, b) == want);
}

static Value *
fn_is_before (Ctx *ctx, Value **args, guint n)
{
  return before_after (args, -1);
}

static Value *
fn_is_after (Ctx *ctx, Value **args, guint n)
{
  return before_after (args, 1);
}

/* @dt cut down to the start of its @unit (in its own time zone). */
static GDateTime *
truncate_to (GDateTime *dt, Unit unit)
{
  int y = g_date_time_get_year (dt), mo = g_date_time_get_month (dt);
  int d = g_date_time_get_day_of_month (dt), h = g_date_time_get_hour (dt);
  int mi = g_date_time_get_minute (dt);
  double s = g_date_time_get_second (dt);
  GTimeZone *tz = g_date_time_get_timezone (dt);

  switch (unit)
    {
    case UNIT_YEAR: mo = 1; G_GNUC_FALLTHROUGH;
    case UNIT_QUARTER: if (unit == UNIT_QUARTER) mo = ((mo - 1) / 3) * 3 + 1; G_GNUC_FALLTHROUGH;
    case UNIT_MONTH: d = 1; G_GNUC_FALLTHROUGH;
    case UNIT_DAY: h = 0; G_GNUC_FALLTHROUGH;
    case UNIT_HOUR: mi = 0; G_GNUC_FALLTHROUGH;
    case UNIT_MINUTE: s = 0; break;
    case UNIT_SECOND: s = floor (s); break;
    case UNIT_WEEK:
      {
        g_autoptr(GDateTime) day = g_date_time_new (tz, y, mo, d, 0, 0, 0);
        int back = g_date_time_get_day_of_week (dt) % 7;  /* Sunday = 0 */

        return day ? g_date_time_add_days (day, -back) : NULL;
      }
    case UNIT_MS:
      s = floor (s * 1000) / 1000;
      break;
    case UNIT_NONE:
    default:
      return g_date_time_ref (dt);
    }
  return g_date_time_new (tz, y, mo, d, h, mi, s);
}

static Value *
fn_is_same (Ctx *ctx, Value **args, guint n)
{
  g_autoptr(GDateTime) a = NULL;
  g_autoptr(GDateTime) b = NULL;
  g_autoptr(GDateTime) ta = NULL;
  g_autoptr(GDateTime) tb = NULL;
  Unit unit = UNIT_NONE;

  DATE_ARG (args[0], &a, NULL);
  DATE_ARG (args[1], &b, NULL);
  if (n > 2)
    {
      g_autofree char *u = NULL;

      TEXT_ARG (args[2], u);
      unit = parse_unit (u);
      if (unit == UNIT_NONE)
        return value_error ("#ERROR!");
    }
  if (a == NULL || b == NULL)
    return value_blank ();
  if (unit == UNIT_NONE)
    return value_bool (g_date_time_compare (a, b) == 0);
  {
    /* compare in the first date's zone */
    g_autoptr(GDateTime) b2 = g_date_time_to_timezone (b, g_date_time_get_timezone (a));

    if (b2 == NULL)
      return value_error ("#ERROR!");
    ta = truncate_to (a, unit);
    tb = truncate_to (b2, unit);
  }
  if (ta == NULL || tb == NULL)
    return value_error ("#ERROR!");
  return value_bool (g_date_time_compare (ta, tb) == 0);
}

/* Whole calendar months from @b to @a (a − b), truncated toward zero. */
static gint64
months_between (GDateTime *a, GDateTime *b)
{
  gint64 whole = (gint64) (g_date_time_get_year (a) - g_date_time_get_year (b)) * 12 +
                 (g_date_time_get_month (a) - g_date_time_get_month (b));
  g_autoptr(GDateTime) anchor = g_date_time_add_months (b, (int) whole);
  int dir = g_date_time_compare (a, b);

  if (anchor == NULL)
    return whole;
  if (dir >= 0 && g_date_time_compare (anchor, a) > 0)
    whole--;
  else if (dir < 0 && g_date_time_compare (anchor, a) < 0)
    whole++;
  return whole;
}

static Value *
fn_datetime_diff (Ctx *ctx, Value **args, guint n)
{
  g_autoptr(GDateTime) a = NULL;
  g_autoptr(GDateTime) b = NULL;
  Unit unit = UNIT_SECOND;
  GTimeSpan span;

  DATE_ARG (args[0], &a, NULL);
  DATE_ARG (args[1], &b, NULL);
  if (n > 2)
    {
      g_autofree char *u = NULL;

      TEXT_ARG (args[2], u);
      unit = parse_unit (u);
      if (unit == UNIT_NONE)
        return value_error ("#ERROR!");
    }
  if (a == NULL || b == NULL)
    return value_blank ();
  switch (unit)
    {
    case UNIT_MONTH:
      return value_number ((double) months_between (a, b));
    case UNIT_QUARTER:
      return value_number ((double) (months_between (a, b) / 3));
    case UNIT_YEAR:
      return value_number ((double) (months_between (a, b) / 12));
    case UNIT_NONE:
    case UNIT_MS:
    case UNIT_SECOND:
    case UNIT_MINUTE:
    case UNIT_HOUR:
    case UNIT_DAY:
    case UNIT_WEEK:
    default:
      span = g_date_time_difference (a, b);
      return value_number ((double) (span / unit_microseconds (unit)));
    }
}

static Value *
fn_dateadd (Ctx *ctx, Value **args, guint n)
{
  g_autoptr(GDateTime) d = NULL;
  g_autofree char *u = NULL;
  gboolean date_only = FALSE;
  double count;
  Unit unit;
  GDateTime *r;

  DATE_ARG (args[0], &d, &date_only);
  NUMBER_ARG (args[1], &count);
  TEXT_ARG (args[2], u);
  unit = parse_unit (u);
  if (unit == UNIT_NONE || isnan (count))
    return value_error ("#ERROR!");
  if (d == NULL)
    return value_blank ();
  switch (unit)
    {
    case UNIT_MONTH:
    case UNIT_QUARTER:
    case UNIT_YEAR:
      {
        double months = trunc (count) * (unit == UNIT_YEAR ? 12 : unit == UNIT_QUARTER ? 3 : 1);

        if (fabs (months) > 120000)
          return value_error ("#ERROR!");
        r = g_date_time_add_months (d, (int) months);
        break;
      }
    case UNIT_NONE:
    case UNIT_MS:
    case UNIT_SECOND:
    case UNIT_MINUTE:
    case UNIT_HOUR:
    case UNIT_DAY:
    case UNIT_WEEK:
    default:
      {
        double us = count * (double) unit_microseconds (unit);

        if (fabs (us) > 3.2e17)
          return value_error ("#ERROR!");
        r = g_date_time_add (d, (GTimeSpan) llround (us));
        if (unit < UNIT_DAY || count != trunc (count))
          date_only = FALSE;
        break;
      }
    }
  return value_date (r, date_only);
}

static Value *
date_part (Value **args, int part)
{
  g_autoptr(GDateTime) d = NULL;

  DATE_ARG (args[0], &d, NULL);
  if (d == NULL)
    return value_blank ();
  switch (part)
    {
    case 0: return value_number (g_date_time_get_year (d));
    case 1: return value_number (g_date_time_get_month (d));
    case 2: return value_number (g_date_time_get_day_of_month (d));
    case 3: return value_number (g_date_time_get_hour (d));
    case 4: return value_number (g_date_time_get_minute (d));
    case 5:
    default:
      return value_number (g_date_time_get_second (d));
    }
}

static Value *
fn_year (Ctx *ctx, Value **args, guint n)
{
  return date_part (args, 0);
}

static Value *
fn_month (Ctx *ctx, Value **args, guint n)
{
  return date_part (args, 1);
}

static Value *
fn_day (Ctx *ctx, Value **args, guint n)
{
  return date_part (args, 2);
}

static Value *
fn_hour (Ctx *ctx, Value **args, guint n)
{
  return date_part (args, 3);
}

static Value *
fn_minute (Ctx *ctx, Value **args, guint n)
{
  return date_part (args, 4);
}

static Value *
fn_second (Ctx *ctx, Value **args, guint n)
{
  return date_part (args, 5);
}

/* 0 = Sunday, or 0 = Monday when @start says so. */
static Value *
weekday_start (Value **args, guint n, gboolean *monday)
{
  *monday = FALSE;
  if (n > 1)
    {
      g_autofree char *s = NULL;

      TEXT_ARG (args[1], s);
      if (g_ascii_strcasecmp (s, "monday") == 0)
        *monday = TRUE;
      else if (s[0] != '\0' && g_ascii_strcasecmp (s, "sunday") != 0)
        return value_error ("#ERROR!");
    }
  return NULL;
}

static Value *
fn_weekday (Ctx *ctx, Value **args, guint n)
{
  g_autoptr(GDateTime) d = NULL;
  gboolean monday;
  Value *err;
  int dow;

  DATE_ARG (args[0], &d, NULL);
  if ((err = weekday_start (args, n, &monday)) != NULL)
    return err;
  if (d == NULL)
    return value_blank ();
  dow = g_date_time_get_day_of_week (d);  /* 1 = Monday … 7 = Sunday */
  return value_number (monday ? dow - 1 : dow % 7);
}

static Value *
fn_weeknum (Ctx *ctx, Value **args, guint n)
{
  g_autoptr(GDateTime) d = NULL;
  gboolean monday;
  Value *err;
  int doy, jan1;

  DATE_ARG (args[0], &d, NULL);
  if ((err = weekday_start (args, n, &monday)) != NULL)
    return err;
  if (d == NULL)
    return value_blank ();
  doy = g_date_time_get_day_of_year (d);
  /* weekday of January 1st relative to the week start */
  jan1 = (g_date_time_get_day_of_week (d) - (doy - 1) % 7 + 14) % 7;  /* 0 = Sunday */
  if (monday)
    jan1 = (jan1 + 6) % 7;
  return value_number ((doy - 1 + jan1) / 7 + 1);
}

static Value *
fn_created_time (Ctx *ctx, Value **args, guint n)
{
  JsonNode *cell = ctx->cell ? ctx->cell (SANDBOX_FORMULA_CREATED_TIME, ctx->record) : NULL;
  Value *v = value_from_cell (cell, "createdTime");

  if (cell != NULL)
    json_node_unref (cell);
  return v;
}

static Value *
fn_last_modified_time (Ctx *ctx, Value **args, guint n)
{
  JsonNode *cell = ctx->cell ? ctx->cell (SANDBOX_FORMULA_LAST_MODIFIED_TIME, ctx->record) : NULL;
  Value *v;

  if (cell == NULL)
    return fn_created_time (ctx, args, n);
  v = value_from_cell (cell, "lastModifiedTime");
  json_node_unref (cell);
  return v;
}

static Value *
fn_set_timezone (Ctx *ctx, Value **args, guint n)
{
  g_autoptr(GDateTime) d = NULL;
  g_autoptr(GTimeZone) tz = NULL;
  g_autofree char *name = NULL;

  DATE_ARG (args[0], &d, NULL);
  TEXT_ARG (args[1], name);
  if (d == NULL)
    return value_blank ();
  if (g_ascii_strcasecmp (name, "utc") == 0 || g_ascii_strcasecmp (name, "gmt") == 0)
    tz = g_time_zone_new_utc ();
  else
    tz = g_time_zone_new_identifier (name);
  if (tz == NULL)
    return value_error ("#ERROR!");
  return value_date (g_date_time_to_timezone (d, tz), FALSE);
}

/* Julian day (1 = Monday 1 January of year 1) of @dt's calendar date. */
static guint32
julian_of (GDateTime *dt)
{
  GDate d;

  g_date_clear (&d, 1);
  g_date_set_dmy (&d, (GDateDay) g_date_time_get_day_of_month (dt),
                  (GDateMonth) g_date_time_get_month (dt),
                  (GDateYear) g_date_time_get_year (dt));
  return g_date_get_julian (&d);
}

static gboolean
julian_is_weekday (gint64 j)
{
  return (j - 1) % 7 < 5;
}

/* Weekdays among julian days 1..j. */
static gint64
weekdays_upto (gint64 j)
{
  return (j / 7) * 5 + MIN (j % 7, 5);
}

/* The holidays argument: ISO dates separated by commas, as julian days. */
static Value *
holidays_arg (Value **args, guint n, guint index, GHashTable *out)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) parts = NULL;

  if (n <= index)
    return NULL;
  if (args[index]->kind == VAL_DATE)
    {
      g_hash_table_add (out, GUINT_TO_POINTER (julian_of (args[index]->date)));
      return NULL;
    }
  TEXT_ARG (args[index], text);
  parts = g_strsplit (text, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autoptr(GDateTime) d = NULL;

      g_strstrip (parts[i]);
      if (parts[i][0] == '\0')
        continue;
      d = parse_date_text (parts[i], NULL);
      if (d == NULL)
        return value_error ("#ERROR!");
      g_hash_table_add (out, GUINT_TO_POINTER (julian_of (d)));
    }
  return NULL;
}

static Value *
fn_workday (Ctx *ctx, Value **args, guint n)
{
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GHashTable) holidays = g_hash_table_new (NULL, NULL);
  double count;
  gint64 j, remaining, step;
  GDate d;
  Value *err;

  DATE_ARG (args[0], &start, NULL);
  NUMBER_ARG (args[1], &count);
  if ((err = holidays_arg (args, n, 2, holidays)) != NULL)
    return err;
  if (start == NULL)
    return value_blank ();
  if (isnan (count) || fabs (count) > 100000)
    return value_error ("#ERROR!");
  remaining = (gint64) trunc (count);
  step = remaining < 0 ? -1 : 1;
  j = julian_of (start);
  while (remaining != 0)
    {
      j += step;
      if (j < 1 || j > 3652059)  /* 31 December 9999 */
        return value_error ("#ERROR!");
      if (julian_is_weekday (j) && !g_hash_table_contains (holidays, GUINT_TO_POINTER ((guint) j)))
        remaining -= step;
    }
  g_date_clear (&d, 1);
  g_date_set_julian (&d, (guint32) j);
  return value_date (g_date_time_new_utc (g_date_get_year (&d), g_date_get_month (&d),
                                          g_date_get_day (&d), 0, 0, 0), TRUE);
}

static Value *
fn_workday_diff (Ctx *ctx, Value **args, guint n)
{
  g_autoptr(GDateTime) a = NULL;
  g_autoptr(GDateTime) b = NULL;
  g_autoptr(GHashTable) holidays = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer key;
  gint64 lo, hi, count;
  Value *err;

  DATE_ARG (args[0], &a, NULL);
  DATE_ARG (args[1], &b, NULL);
  if ((err = holidays_arg (args, n, 2, holidays)) != NULL)
    return err;
  if (a == NULL || b == NULL)
    return value_blank ();
  lo = MIN (julian_of (a), julian_of (b));
  hi = MAX (julian_of (a), julian_of (b));
  count = weekdays_upto (hi) - weekdays_upto (lo - 1);
  g_hash_table_iter_init (&iter, holidays);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      gint64 h = GPOINTER_TO_UINT (key);

      if (h >= lo && h <= hi && julian_is_weekday (h))
        count--;
    }
  return value_number ((double) (julian_of (a) <= julian_of (b) ? count : -count));
}

static Value *
fn_set_locale (Ctx *ctx, Value **args, guint n)
{
  if (args[0]->kind == VAL_ERROR)
    return value_copy (args[0]);
  return value_copy (args[0]);
}

/* Format tokens, longest first. */
static const char * const format_tokens[] = {
  "YYYY", "YY", "Q", "MMMM", "MMM", "MM", "M", "Do", "DDDD", "DDD", "DD", "D",
  "dddd", "ddd", "dd", "d", "HH", "H", "hh", "h", "kk", "k", "mm", "m", "ss", "s",
  "SSS", "SS", "S", "A", "a", "X", "x", "ZZ", "Z", "LLLL", "LLL", "LL", "L",
  "LTS", "LT", "ll", "l",
};

static const char *
match_format_token (const char *p)
{
  const char *best = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (format_tokens); i++)
    if (g_str_has_prefix (p, format_tokens[i]) &&
        (best == NULL || strlen (format_tokens[i]) > strlen (best)))
      best = format_tokens[i];
  return best;
}

static const char *
ordinal_suffix (int d)
{
  if (d % 100 >= 11 && d % 100 <= 13)
    return "th";
  switch (d % 10)
    {
    case 1: return "st";
    case 2: return "nd";
    case 3: return "rd";
    default: return "th";
    }
}

static void format_date (GDateTime *dt, const char *fmt, GString *out, int depth);

static void
format_token (GDateTime *dt, const char *tok, GString *out, int depth)
{
  int y = g_date_time_get_year (dt), mo = g_date_time_get_month (dt);
  int d = g_date_time_get_day_of_month (dt), h = g_date_time_get_hour (dt);
  int dow = g_date_time_get_day_of_week (dt) % 7;  /* Sunday = 0 */
  int h12 = h % 12 == 0 ? 12 : h % 12;
  int ms = g_date_time_get_microsecond (dt) / 1000;
  GTimeSpan off = g_date_time_get_utc_offset (dt) / G_TIME_SPAN_SECOND;
  int off_abs = (int) ABS (off);

  if (g_str_equal (tok, "YYYY")) g_string_append_printf (out, "%04d", y);
  else if (g_str_equal (tok, "YY")) g_string_append_printf (out, "%02d", y % 100);
  else if (g_str_equal (tok, "Q")) g_string_append_printf (out, "%d", (mo - 1) / 3 + 1);
  else if (g_str_equal (tok, "MMMM")) g_string_append (out, month_names[mo - 1]);
  else if (g_str_equal (tok, "MMM")) g_string_append_len (out, month_names[mo - 1], 3);
  else if (g_str_equal (tok, "MM")) g_string_append_printf (out, "%02d", mo);
  else if (g_str_equal (tok, "M")) g_string_append_printf (out, "%d", mo);
  else if (g_str_equal (tok, "Do")) g_string_append_printf (out, "%d%s", d, ordinal_suffix (d));
  else if (g_str_equal (tok, "DDDD")) g_string_append_printf (out, "%03d", g_date_time_get_day_of_year (dt));
  else if (g_str_equal (tok, "DDD")) g_string_append_printf (out, "%d", g_date_time_get_day_of_year (dt));
  else if (g_str_equal (tok, "DD")) g_string_append_printf (out, "%02d", d);
  else if (g_str_equal (tok, "D")) g_string_append_printf (out, "%d", d);
  else if (g_str_equal (tok, "dddd")) g_string_append (out, weekday_names[dow]);
  else if (g_str_equal (tok, "ddd")) g_string_append_len (out, weekday_names[dow], 3);
  else if (g_str_equal (tok, "dd")) g_string_append_len (out, weekday_names[dow], 2);
  else if (g_str_equal (tok, "d")) g_string_append_printf (out, "%d", dow);
  else if (g_str_equal (tok, "HH")) g_string_append_printf (out, "%02d", h);
  else if (g_str_equal (tok, "H")) g_string_append_printf (out, "%d", h);
  else if (g_str_equal (tok, "hh")) g_string_append_printf (out, "%02d", h12);
  else if (g_str_equal (tok, "h")) g_string_append_printf (out, "%d", h12);
  else if (g_str_equal (tok, "kk")) g_string_append_printf (out, "%02d", h == 0 ? 24 : h);
  else if (g_str_equal (tok, "k")) g_string_append_printf (out, "%d", h == 0 ? 24 : h);
  else if (g_str_equal (tok, "mm")) g_string_append_printf (out, "%02d", g_date_time_get_minute (dt));
  else if (g_str_equal (tok, "m")) g_string_append_printf (out, "%d", g_date_time_get_minute (dt));
  else if (g_str_equal (tok, "ss")) g_string_append_printf (out, "%02d", g_date_time_get_second (dt));
  else if (g_str_equal (tok, "s")) g_string_append_printf (out, "%d", g_date_time_get_second (dt));
  else if (g_str_equal (tok, "SSS")) g_string_append_printf (out, "%03d", ms);
  else if (g_str_equal (tok, "SS")) g_string_append_printf (out, "%02d", ms / 10);
  else if (g_str_equal (tok, "S")) g_string_append_printf (out, "%d", ms / 100);
  else if (g_str_equal (tok, "A")) g_string_append (out, h < 12 ? "AM" : "PM");
  else if (g_str_equal (tok, "a")) g_string_append (out, h < 12 ? "am" : "pm");
  else if (g_str_equal (tok, "X")) g_string_append_printf (out, "%" G_GINT64_FORMAT, g_date_time_to_unix (dt));
  else if (g_str_equal (tok, "x"))
    g_string_append_printf (out, "%" G_GINT64_FORMAT, g_date_time_to_unix (dt) * 1000 + ms);
  else if (g_str_equal (tok, "Z"))
    g_string_append_printf (out, "%c%02d:%02d", off < 0 ? '-' : '+', off_abs / 3600, off_abs / 60 % 60);
  else if (g_str_equal (tok, "ZZ"))
    g_string_append_printf (out, "%c%02d%02d", off < 0 ? '-' : '+', off_abs / 3600, off_abs / 60 % 60);
  else if (depth < 2)
    {
      /* localized presets, en-US */
      const char *expansion =
        g_str_equal (tok, "L") ? "MM/DD/YYYY" :
        g_str_equal (tok, "LL") ? "MMMM D, YYYY" :
        g_str_equal (tok, "LLL") ? "MMMM D, YYYY h:mm A" :
        g_str_equal (tok, "LLLL") ? "dddd, MMMM D, YYYY h:mm A" :
        g_str_equal (tok, "l") ? "M/D/YYYY" :
        g_str_equal (tok, "ll") ? "MMM D, YYYY" :
        g_str_equal (tok, "LT") ? "h:mm A" :
        g_str_equal (tok, "LTS") ? "h:mm:ss A" : "";

      format_date (dt, expansion, out, depth + 1);
    }
}

static void
format_date (GDateTime *dt, const char *fmt, GString *out, int depth)
{
  const char *p = fmt;

  while (*p != '\0' && out->len <= MAX_STRING_RESULT)
    {
      const char *tok;

      if (*p == '[')
        {
          const char *close = strchr (p + 1, ']');

          if (close != NULL)
            {
              g_string_append_len (out, p + 1, close - (p + 1));
              p = close + 1;
              continue;
            }
        }
      tok = match_format_token (p);
      if (tok != NULL)
        {
          format_token (dt, tok, out, depth);
          p += strlen (tok);
        }
      else
        g_string_append_c (out, *p++);
    }
}

static Value *
fn_datetime_format (Ctx *ctx, Value **args, guint n)
{
  g_autoptr(GDateTime) d = NULL;
  g_autofree char *fmt = NULL;
  GString *out;

  DATE_ARG (args[0], &d, NULL);
  if (n > 1)
    TEXT_ARG (args[1], fmt);
  if (d == NULL)
    return value_blank ();
  if (fmt == NULL || fmt[0] == '\0')
    return value_string_take (format_date_iso (d, FALSE));
  out = g_string_new (NULL);
  format_date (d, fmt, out, 0);
  return value_string_checked (out);
}

static Value *
fn_datestr (Ctx *ctx, Value **args, guint n)
{
  g_autoptr(GDateTime) d = NULL;

  DATE_ARG (args[0], &d, NULL);
  if (d == NULL)
    return value_blank ();
  return value_string_take (g_date_time_format (d, "%Y-%m-%d"));
}

static Value *
fn_timestr (Ctx *ctx, Value **args, guint n)
{
  g_autoptr(GDateTime) d = NULL;

  DATE_ARG (args[0], &d, NULL);
  if (d == NULL)
    return value_blank ();
  return value_string_take (g_date_time_format (d, "%H:%M:%S"));
}

static gboolean
read_name (const char **p, const char * const *names, guint n_names, int *out)
{
  for (guint i = 0; i < n_names; i++)
    {
      gsize full = strlen (names[i]);

      if (g_ascii_strncasecmp (*p, names[i], full) == 0)
        {
          *p += full;
          *out = (int) i;
          return TRUE;
        }
    }
  for (guint i = 0; i < n_names; i++)
    if (g_ascii_strncasecmp (*p, names[i], 3) == 0)
      {
        *p += 3;
        *out = (int) i;
        return TRUE;
      }
  return FALSE;
}

/* Parses @text by a moment.js-style @fmt; NULL when it does not fit. */
static GDateTime *
parse_with_format (const char *text, const char *fmt, GDateTime *now)
{
  const char *p = text, *f = fmt;
  int y = -1, mo = -1, d = -1, h = 0, mi = 0, s = 0, ms = 0, ampm = -1, ignored;
  gint64 unix_ms = G_MININT64;
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GDateTime) dt = NULL;

  while (*f != '\0')
    {
      const char *tok;

      if (*f == '[')
        {
          const char *close = strchr (f + 1, ']');

          if (close != NULL)
            {
              for (const char *l = f + 1; l < close && *p == *l; l++)
                p++;
              f = close + 1;
              continue;
            }
        }
      tok = match_format_token (f);
      if (tok == NULL)
        {
          /* forgiving about literals */
          if (*p == *f)
            p++;
          f++;
          continue;
        }
      f += strlen (tok);
      while (*p == ' ' && !g_ascii_isdigit (*tok))
        {
          if (g_ascii_isalpha (*p))
            break;
          if (g_ascii_isdigit (*p))
            break;
          p++;
        }
      if (g_str_equal (tok, "YYYY"))
        {
          if (!read_digits (&p, 1, 4, &y))
            return NULL;
        }
      else if (g_str_equal (tok, "YY"))
        {
          if (!read_digits (&p, 2, 2, &y))
            return NULL;
          y += y > 68 ? 1900 : 2000;
        }
      else if (g_str_equal (tok, "MMMM") || g_str_equal (tok, "MMM"))
        {
          if (!read_name (&p, month_names, 12, &mo))
            return NULL;
          mo++;
        }
      else if (g_str_equal (tok, "MM") || g_str_equal (tok, "M"))
        {
          if (!read_digits (&p, 1, 2, &mo))
            return NULL;
        }
      else if (g_str_equal (tok, "DD") || g_str_equal (tok, "D") || g_str_equal (tok, "Do"))
        {
          if (!read_digits (&p, 1, 2, &d))
            return NULL;
          if (g_str_equal (tok, "Do"))
            while (g_ascii_isalpha (*p))
              p++;
        }
      else if (g_str_equal (tok, "dddd") || g_str_equal (tok, "ddd") || g_str_equal (tok, "dd"))
        {
          if (!read_name (&p, weekday_names, 7, &ignored))
            while (g_ascii_isalpha (*p))
              p++;
        }
      else if (g_str_equal (tok, "HH") || g_str_equal (tok, "H") || g_str_equal (tok, "hh") ||
               g_str_equal (tok, "h") || g_str_equal (tok, "kk") || g_str_equal (tok, "k"))
        {
          if (!read_digits (&p, 1, 2, &h))
            return NULL;
          if (tok[0] == 'k' && h == 24)
            h = 0;
        }
      else if (g_str_equal (tok, "mm") || g_str_equal (tok, "m"))
        {
          if (!read_digits (&p, 1, 2, &mi))
            return NULL;
        }
      else if (g_str_equal (tok, "ss") || g_str_equal (tok, "s"))
        {
          if (!read_digits (&p, 1, 2, &s))
            return NULL;
        }
      else if (tok[0] == 'S')
        {
          int digits = 0, frac = 0;

          while (g_ascii_isdigit (*p))
            {
              if (digits < 3)
                frac = frac * 10 + (*p - '0'), digits++;
              p++;
            }
          if (digits == 0)
            return NULL;
          while (digits < 3)
            frac *= 10, digits++;
          ms = frac;
        }
      else if (g_str_equal (tok, "A") || g_str_equal (tok, "a"))
        {
          if (g_ascii_strncasecmp (p, "am", 2) == 0)
            ampm = 0;
          else if (g_ascii_strncasecmp (p, "pm", 2) == 0)
            ampm = 1;
          else
            return NULL;
          p += 2;
        }
      else if (g_str_equal (tok, "X") || g_str_equal (tok, "x"))
        {
          char *end = NULL;
          double v = g_ascii_strtod (p, &end);

          if (tok[0] == 'X')
            v *= 1000;
          /* year 9999 is about 2.5e14 ms after the epoch */
          if (end == p || !isfinite (v) || fabs (v) > 3e14)
            return NULL;
          unix_ms = (gint64) v;
          p = end;
        }
      else if (g_str_equal (tok, "Z") || g_str_equal (tok, "ZZ"))
        {
          g_clear_pointer (&tz, g_time_zone_unref);
          if (!read_offset (&p, &tz))
            return NULL;
        }
      else
        return NULL;  /* Q, DDD(D), d, L… cannot be parsed back */
    }

  if (unix_ms != G_MININT64)
    {
      g_autoptr(GDateTime) epoch = g_date_time_new_from_unix_utc (0);

      return epoch ? g_date_time_add (epoch, unix_ms * G_TIME_SPAN_MILLISECOND) : NULL;
    }
  if (ampm == 1 && h < 12)
    h += 12;
  else if (ampm == 0 && h == 12)
    h = 0;
  if (y < 0 && mo < 0 && d < 0)
    {
      y = g_date_time_get_year (now);
      mo = g_date_time_get_month (now);
      d = g_date_time_get_day_of_month (now);
    }
  if (y < 0)
    y = g_date_time_get_year (now);
  if (mo < 0)
    mo = 1;
  if (d < 0)
    d = 1;
  if (tz == NULL)
    tz = g_time_zone_new_utc ();
  dt = make_date_time (tz, y, mo, d, h, mi, s + ms / 1000.0);
  return dt ? g_date_time_to_utc (dt) : NULL;
}

static Value *
fn_datetime_parse (Ctx *ctx, Value **args, guint n)
{
  g_autofree char *text = NULL;
  g_autofree char *fmt = NULL;
  GDateTime *dt;

  if (args[0]->kind == VAL_DATE)
    return value_date (g_date_time_ref (args[0]->date), FALSE);
  TEXT_ARG (args[0], text);
  if (n > 1)
    TEXT_ARG (args[1], fmt);
  if (text[0] == '\0')
    return value_blank ();
  if (fmt != NULL && fmt[0] != '\0')
    dt = parse_with_format (text, fmt, ctx_now (ctx));
  else
    dt = parse_date_text (text, NULL);
  if (dt == NULL)
    return value_error ("#ERROR!");
  return value_date (dt, FALSE);
}

/* ------------------------------------------------------------------ */
/* Function table                                                      */
/* ------------------------------------------------------------------ */

static const FuncDef functions[] = {
  /* logical */
  { "AND", 1, -1, fn_and, NULL },
  { "OR", 1, -1, fn_or, NULL },
  { "XOR", 1, -1, fn_xor, NULL },
  { "NOT", 1, 1, fn_not, NULL },
  { "IF", 2, 3, NULL, fn_if },
  { "SWITCH", 2, -1, NULL, fn_switch },
  { "TRUE", 0, 0, fn_true, NULL },
  { "FALSE", 0, 0, fn_false, NULL },
  { "BLANK", 0, 0, fn_blank, NULL },
  { "ERROR", 0, 0, fn_error, NULL },
  { "ISERROR", 1, 1, fn_iserror, NULL },
  { "RECORD_ID", 0, 0, fn_record_id, NULL },
  /* text */
  { "CONCATENATE", 1, -1, fn_concatenate, NULL },
  { "FIND", 2, 3, fn_find, NULL },
  { "SEARCH", 2, 3, fn_search, NULL },
  { "LEFT", 2, 2, fn_left, NULL },
  { "RIGHT", 2, 2, fn_right, NULL },
  { "MID", 3, 3, fn_mid, NULL },
  { "LEN", 1, 1, fn_len, NULL },
  { "LOWER", 1, 1, fn_lower, NULL },
  { "UPPER", 1, 1, fn_upper, NULL },
  { "TRIM", 1, 1, fn_trim, NULL },
  { "SUBSTITUTE", 3, 4, fn_substitute, NULL },
  { "REPLACE", 4, 4, fn_replace, NULL },
  { "REPT", 2, 2, fn_rept, NULL },
  { "T", 1, 1, fn_t, NULL },
  { "VALUE", 1, 1, fn_value, NULL },
  { "ENCODE_URL_COMPONENT", 1, 1, fn_encode_url_component, NULL },
  { "REGEX_MATCH", 2, 2, fn_regex_match, NULL },
  { "REGEX_EXTRACT", 2, 2, fn_regex_extract, NULL },
  { "REGEX_REPLACE", 3, 3, fn_regex_replace, NULL },
  /* numeric */
  { "ABS", 1, 1, fn_abs, NULL },
  { "ROUND", 1, 2, fn_round, NULL },
  { "ROUNDUP", 1, 2, fn_roundup, NULL },
  { "ROUNDDOWN", 1, 2, fn_rounddown, NULL },
  { "INT", 1, 1, fn_int, NULL },
  { "MOD", 2, 2, fn_mod, NULL },
  { "CEILING", 1, 2, fn_ceiling, NULL },
  { "FLOOR", 1, 2, fn_floor, NULL },
  { "SQRT", 1, 1, fn_sqrt, NULL },
  { "POWER", 2, 2, fn_power, NULL },
  { "EXP", 1, 1, fn_exp, NULL },
  { "LOG", 1, 2, fn_log, NULL },
  { "EVEN", 1, 1, fn_even, NULL },
  { "ODD", 1, 1, fn_odd, NULL },
  { "SUM", 1, -1, fn_sum, NULL },
  { "MAX", 1, -1, fn_max, NULL },
  { "MIN", 1, -1, fn_min, NULL },
  { "AVERAGE", 1, -1, fn_average, NULL },
  { "COUNT", 1, -1, fn_count, NULL },
  { "COUNTA", 1, -1, fn_counta, NULL },
  { "COUNTALL", 1, -1, fn_countall, NULL },
  /* arrays */
  { "ARRAYJOIN", 1, 2, fn_arrayjoin, NULL },
  { "ARRAYUNIQUE", 1, 1, fn_arrayunique, NULL },
  { "ARRAYCOMPACT", 1, 1, fn_arraycompact, NULL },
  { "ARRAYFLATTEN", 1, -1, fn_arrayflatten, NULL },
  { "ARRAYSLICE", 2, 3, fn_arrayslice, NULL },
  /* dates */
  { "TODAY", 0, 0, fn_today, NULL },
  { "NOW", 0, 0, fn_now, NULL },
  { "IS_BEFORE", 2, 2, fn_is_before, NULL },
  { "IS_AFTER", 2, 2, fn_is_after, NULL },
  { "IS_SAME", 2, 3, fn_is_same, NULL },
  { "DATETIME_DIFF", 2, 3, fn_datetime_diff, NULL },
  { "DATEADD", 3, 3, fn_dateadd, NULL },
  { "DATETIME_PARSE", 1, 3, fn_datetime_parse, NULL },
  { "DATETIME_FORMAT", 1, 2, fn_datetime_format, NULL },
  { "DATESTR", 1, 1, fn_datestr, NULL },
  { "TIMESTR", 1, 1, fn_timestr, NULL },
  { "YEAR", 1, 1, fn_year, NULL },
  { "MONTH", 1, 1, fn_month, NULL },
  { "DAY", 1, 1, fn_day, NULL },
  { "HOUR", 1, 1, fn_hour, NULL },
  { "MINUTE", 1, 1, fn_minute, NULL },
  { "SECOND", 1, 1, fn_second, NULL },
  { "WEEKDAY", 1, 2, fn_weekday, NULL },
  { "WEEKNUM", 1, 2, fn_weeknum, NULL },
  { "WORKDAY", 2, 3, fn_workday, NULL },
  { "WORKDAY_DIFF", 2, 3, fn_workday_diff, NULL },
  { "CREATED_TIME", 0, 0, fn_created_time, NULL },
  { "LAST_MODIFIED_TIME", 0, -1, fn_last_modified_time, NULL },
  { "SET_TIMEZONE", 2, 2, fn_set_timezone, NULL },
  { "SET_LOCALE", 2, 2, fn_set_locale, NULL },
};

static const FuncDef *
lookup_function (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (functions); i++)
    if (g_ascii_strcasecmp (functions[i].name, name) == 0)
      return &functions[i];
  return NULL;
}

/* ------------------------------------------------------------------ */
/* Public API                                                          */
/* ------------------------------------------------------------------ */

SandboxFormula *
sandbox_formula_parse (const char                 *text,
                       SandboxFormulaResolveFunc   resolve,
                       gpointer                    resolve_data,
                       GError                    **error)
{
  g_autoptr(GArray) tokens = NULL;
  g_autoptr(GError) local_error = NULL;
  Parser p = { 0 };
  SandboxFormula *formula;
  Node *root;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (text == NULL)
    text = "";
  if (strlen (text) > MAX_TEXT_LENGTH)
    {
      g_set_error (error, SANDBOX_FORMULA_ERROR, SANDBOX_FORMULA_ERROR_SYNTAX,
                   "Invalid formula: longer than %d bytes", MAX_TEXT_LENGTH);
      return NULL;
    }
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, SANDBOX_FORMULA_ERROR, SANDBOX_FORMULA_ERROR_SYNTAX,
                           "Invalid formula: not valid UTF-8");
      return NULL;
    }
  tokens = tokenize (text, error);
  if (tokens == NULL)
    return NULL;

  p.source = text;
  p.tokens = tokens;
  p.resolve = resolve;
  p.resolve_data = resolve_data;
  p.error = &local_error;

  root = parse_expression (&p);
  if (root != NULL && peek (&p)->kind != TOK_EOF)
    {
      Token *t = peek (&p);

      g_clear_pointer (&root, node_free);
      parse_fail (&p, t, token_description (t));
    }
  if (root == NULL)
    {
      if (local_error == NULL)
        g_set_error_literal (&local_error, SANDBOX_FORMULA_ERROR,
                             SANDBOX_FORMULA_ERROR_SYNTAX, "Invalid formula");
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  formula = g_new0 (SandboxFormula, 1);
  formula->root = root;
  return formula;
}

static Value *
evaluate (SandboxFormula         *formula,
          SandboxFormulaCellFunc  cell,
          gpointer                record,
          const char             *record_id,
          GDateTime              *now)
{
  Ctx ctx = { cell, record, record_id, NULL, NULL };
  Value *v;

  ctx.now = now ? g_date_time_to_utc (now) : g_date_time_new_now_utc ();
  v = eval (&ctx, formula->root);
  g_date_time_unref (ctx.now);
  return v;
}

gboolean
sandbox_formula_matches (SandboxFormula         *formula,
                         SandboxFormulaCellFunc  cell,
                         gpointer                record,
                         const char             *record_id,
                         GDateTime              *now)
{
  g_autoptr(Value) v = NULL;

  g_return_val_if_fail (formula != NULL, FALSE);

  v = evaluate (formula, cell, record, record_id, now);
  return value_truthy (v);
}

JsonNode *
sandbox_formula_evaluate (SandboxFormula         *formula,
                          SandboxFormulaCellFunc  cell,
                          gpointer                record,
                          const char             *record_id,
                          GDateTime              *now)
{
  g_autoptr(Value) v = NULL;

  g_return_val_if_fail (formula != NULL, NULL);

  v = evaluate (formula, cell, record, record_id, now);
  return value_to_json (v, FALSE);
}

void
sandbox_formula_free (SandboxFormula *formula)
{
  if (formula == NULL)
    return;
  node_free (formula->root);
  g_free (formula);
}

/* ------------------------------------------------------------------ */
/* Sorting                                                             */
/* ------------------------------------------------------------------ */

static gboolean
sort_is_blank (const Value *v)
{
  switch (v->kind)
    {
    case VAL_BLANK:
      return TRUE;
    case VAL_STRING:
      return v->string[0] == '\0';
    case VAL_ARRAY:
      return v->array->len == 0;
    case VAL_BOOL:
      return v->number == 0;
    case VAL_NUMBER:
    case VAL_DATE:
    case VAL_ERROR:
    default:
      return FALSE;
    }
}

static gboolean
is_ascii (const char *s)
{
  for (; *s; s++)
    if ((guchar) *s >= 0x80)
      return FALSE;
  return TRUE;
}

static int
compare_text (const char *a, const char *b)
{
  int r;

  if (is_ascii (a) && is_ascii (b))
    r = g_ascii_strcasecmp (a, b);
  else
    {
      g_autofree char *fa = g_utf8_casefold (a, -1);
      g_autofree char *fb = g_utf8_casefold (b, -1);

      r = g_utf8_collate (fa, fb);
    }
  if (r == 0)
    r = strcmp (a, b);
  return r < 0 ? -1 : r > 0 ? 1 : 0;
}

int
sandbox_formula_compare_cells (JsonNode   *a,
                               JsonNode   *b,
                               const char *field_type)
{
  g_autoptr(Value) va = value_from_cell (a, field_type);
  g_autoptr(Value) vb = value_from_cell (b, field_type);
  gboolean ba = sort_is_blank (va), bb = sort_is_blank (vb);

  if (ba || bb)
    return ba == bb ? 0 : ba ? -1 : 1;

  if ((va->kind == VAL_NUMBER || va->kind == VAL_BOOL) &&
      (vb->kind == VAL_NUMBER || vb->kind == VAL_BOOL))
    {
      double x = va->number, y = vb->number;

      /* NaN after every number */
      if (isnan (x) || isnan (y))
        return isnan (x) == isnan (y) ? 0 : isnan (x) ? 1 : -1;
      return x < y ? -1 : x > y ? 1 : 0;
    }
  if (va->kind == VAL_DATE && vb->kind == VAL_DATE)
    return g_date_time_compare (va->date, vb->date);

  {
    g_autofree char *ta = value_to_text (va);
    g_autofree char *tb = value_to_text (vb);

    return compare_text (ta, tb);
  }
}
