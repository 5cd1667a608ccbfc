/* hangar-formula.c — safe construction of Airtable formulas (filterByFormula)
 *
 * Quoting rules (Airtable's formula reference,
 * https://support.airtable.com/docs/formula-field-reference; see also
 * src/api/README.md, "Formulas"; checked against hangar-sandbox's evaluator
 * by tests/api/test-formula.c):
 *  - strings: single quotes; `\` → `\\`, `'` → `\'`; everything else,
 *    newlines and any Unicode included, is kept as it is;
 *  - field references: `{…}`; `\` → `\\`, `}` → `\}`;
 *  - numbers: C-locale decimal text, never an exponent, shortest form that
 *    reads back to the same double;
 *  - booleans TRUE() / FALSE(), dates DATETIME_PARSE('…').
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "hangar-formula.h"

typedef enum
{
  NODE_ATOM,        /* text is complete formula text */
  NODE_COMPARISON,  /* text is the operator, two args */
  NODE_CALL,        /* text is the function name */
} NodeKind;

struct _HangarFormula
{
  gatomicrefcount  ref_count;
  NodeKind         kind;
  char            *text;
  GPtrArray       *args;  /* HangarFormula, NULL for atoms */
};

G_DEFINE_BOXED_TYPE (HangarFormula, hangar_formula, hangar_formula_ref, hangar_formula_unref)

static const char * const operators[] = { "=", "!=", "<", ">", "<=", ">=" };

static HangarFormula *
node_new (NodeKind  kind,
          char     *text)
{
  HangarFormula *self = g_new0 (HangarFormula, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->kind = kind;
  self->text = text;
  if (kind != NODE_ATOM)
    self->args = g_ptr_array_new_with_free_func ((GDestroyNotify) hangar_formula_unref);
  return self;
}

HangarFormula *
hangar_formula_ref (HangarFormula *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
hangar_formula_unref (HangarFormula *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->text);
      g_clear_pointer (&self->args, g_ptr_array_unref);
      g_free (self);
    }
}

static void
render (HangarFormula *self,
        GString       *out)
{
  switch (self->kind)
    {
    case NODE_ATOM:
      g_string_append (out, self->text);
      break;

    case NODE_COMPARISON:
      for (guint i = 0; i < 2; i++)
        {
          HangarFormula *side = g_ptr_array_index (self->args, i);
          gboolean paren = side->kind == NODE_COMPARISON;

          if (i == 1)
            g_string_append (out, self->text);
          if (paren)
            g_string_append_c (out, '(');
          render (side, out);
          if (paren)
            g_string_append_c (out, ')');
        }
      break;

    case NODE_CALL:
    default:
      g_string_append (out, self->text);
      g_string_append_c (out, '(');
      for (guint i = 0; i < self->args->len; i++)
        {
          if (i > 0)
            g_string_append (out, ", ");
          render (g_ptr_array_index (self->args, i), out);
        }
      g_string_append_c (out, ')');
      break;
    }
}

/**
 * hangar_formula_to_string:
 *
 * Returns: (transfer full): the formula text, ready for `filterByFormula`
 */
char *
hangar_formula_to_string (HangarFormula *self)
{
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);

  out = g_string_new (NULL);
  render (self, out);
  return g_string_free (out, FALSE);
}

/* Text helpers ------------------------------------------------------------ */

/**
 * hangar_formula_quote_string:
 * @text: any UTF-8 text
 *
 * Returns: (transfer full): @text as a single-quoted formula string literal
 */
char *
hangar_formula_quote_string (const char *text)
{
  GString *out;

  g_return_val_if_fail (text != NULL, NULL);

  out = g_string_sized_new (strlen (text) + 2);
  g_string_append_c (out, '\'');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\\' || *p == '\'')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '\'');
  return g_string_free (out, FALSE);
}

/**
 * hangar_formula_quote_field:
 * @name_or_id: a field name or id, not empty
 *
 * Returns: (transfer full): a `{…}` reference to the field
 */
char *
hangar_formula_quote_field (const char *name_or_id)
{
  GString *out;

  g_return_val_if_fail (name_or_id != NULL && *name_or_id != '\0', NULL);

  out = g_string_sized_new (strlen (name_or_id) + 2);
  g_string_append_c (out, '{');
  for (const char *p = name_or_id; *p != '\0'; p++)
    {
      if (*p == '\\' || *p == '}')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

static void
strip_trailing_zeros (char *buf)
{
  char *dot = strchr (buf, '.');
  char *end;

  if (dot == NULL)
    return;
  end = buf + strlen (buf) - 1;
  while (end > dot && *end == '0')
    *end-- = '\0';
  if (end == dot)
    *end = '\0';
}

/**
 * hangar_formula_format_number:
 * @value: a finite number
 *
 * Returns: (transfer full): @value as formula text, e.g. `2.5`, `-3`,
 *   `0.1`, `1000000000000000000000`; a `.` decimal point in every locale
 */
char *
hangar_formula_format_number (double value)
{
  char buf[512];

  g_return_val_if_fail (isfinite (value), NULL);

  if (value == 0.0)
    return g_strdup ("0");  /* also for -0 */

  for (int digits = 15; digits <= 17; digits++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", digits);
      g_ascii_formatd (buf, sizeof buf, format, value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }

  if (strchr (buf, 'e') != NULL || strchr (buf, 'E') != NULL)
    {
      /* No exponents in formulas: write the same digits out in full. */
      if (fabs (value) >= 1.0)
        g_ascii_formatd (buf, sizeof buf, "%.0f", value);
      else
        {
          for (int decimals = 1; decimals <= 340; decimals++)
            {
              char format[8];

              g_snprintf (format, sizeof format, "%%.%df", decimals);
              g_ascii_formatd (buf, sizeof buf, format, value);
              if (g_ascii_strtod (buf, NULL) == value)
                break;
            }
          strip_trailing_zeros (buf);
        }
    }

  return g_strdup (buf);
}

/* Leaves ------------------------------------------------------------------ */

/**
 * hangar_formula_field:
 * @name_or_id: a field name or id, not empty
 *
 * Returns: (transfer full): `{name}`, with `\` and `}` escaped
 */
HangarFormula *
hangar_formula_field (const char *name_or_id)
{
  g_return_val_if_fail (name_or_id != NULL && *name_or_id != '\0', NULL);
  return node_new (NODE_ATOM, hangar_formula_quote_field (name_or_id));
}

/**
 * hangar_formula_string:
 * @text: any UTF-8 text
 *
 * Returns: (transfer full): a string literal
 */
HangarFormula *
hangar_formula_string (const char *text)
{
  g_return_val_if_fail (text != NULL, NULL);
  return node_new (NODE_ATOM, hangar_formula_quote_string (text));
}

/**
 * hangar_formula_number:
 * @value: a finite number (NaN and infinities have no formula literal)
 *
 * Returns: (transfer full): a number literal
 */
HangarFormula *
hangar_formula_number (double value)
{
  g_return_val_if_fail (isfinite (value), NULL);
  return node_new (NODE_ATOM, hangar_formula_format_number (value));
}

HangarFormula *
hangar_formula_int (gint64 value)
{
  return node_new (NODE_ATOM, g_strdup_printf ("%" G_GINT64_FORMAT, value));
}

/**
 * hangar_formula_boolean:
 *
 * Returns: (transfer full): `TRUE()` or `FALSE()`
 */
HangarFormula *
hangar_formula_boolean (gboolean value)
{
  return node_new (NODE_ATOM, g_strdup (value ? "TRUE()" : "FALSE()"));
}

/**
 * hangar_formula_date:
 *
 * Returns: (transfer full): `DATETIME_PARSE('YYYY-MM-DD')`
 */
HangarFormula *
hangar_formula_date (int year,
                     int month,
                     int day)
{
  g_return_val_if_fail (g_date_valid_dmy (day, month, year), NULL);
  return node_new (NODE_ATOM, g_strdup_printf ("DATETIME_PARSE('%04d-%02d-%02d')", year, month, day));
}

/**
 * hangar_formula_datetime:
 * @datetime: any instant
 *
 * Returns: (transfer full): `DATETIME_PARSE('YYYY-MM-DDTHH:MM:SS.mmmZ')` in UTC
 */
HangarFormula *
hangar_formula_datetime (GDateTime *datetime)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (datetime != NULL, NULL);

  utc = g_date_time_to_utc (datetime);
  text = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S");
  return node_new (NODE_ATOM, g_strdup_printf ("DATETIME_PARSE('%s.%03dZ')", text,
                                               g_date_time_get_microsecond (utc) / 1000));
}

HangarFormula *
hangar_formula_blank (void)
{
  return node_new (NODE_ATOM, g_strdup ("BLANK()"));
}

HangarFormula *
hangar_formula_record_id (void)
{
  return node_new (NODE_ATOM, g_strdup ("RECORD_ID()"));
}

/**
 * hangar_formula_raw:
 * @formula_text: formula text written by a person who knows what it does
 *
 * The one way to insert text unquoted; it is wrapped in parentheses so it
 * stays one operand wherever it is used. Never pass user-supplied values
 * here; use hangar_formula_string() and hangar_formula_field().
 *
 * Returns: (transfer full): the fragment
 */
HangarFormula *
hangar_formula_raw (const char *formula_text)
{
  g_return_val_if_fail (formula_text != NULL, NULL);
  return node_new (NODE_ATOM, g_strdup_printf ("(%s)", formula_text));
}

/* Comparisons ------------------------------------------------------------- */

/**
 * hangar_formula_compare:
 * @left: (transfer full): left operand
 * @op: the operator
 * @right: (transfer full): right operand
 *
 * Renders as `left<op>right` without spaces; a comparison used as an
 * operand gets parentheses.
 *
 * Returns: (transfer full): the comparison
 */
HangarFormula *
hangar_formula_compare (HangarFormula   *left,
                        HangarFormulaOp  op,
                        HangarFormula   *right)
{
  HangarFormula *self;

  if (left == NULL || right == NULL || (guint) op >= G_N_ELEMENTS (operators))
    {
      g_clear_pointer (&left, hangar_formula_unref);
      g_clear_pointer (&right, hangar_formula_unref);
      g_return_val_if_reached (NULL);
    }

  self = node_new (NODE_COMPARISON, g_strdup (operators[op]));
  g_ptr_array_add (self->args, left);
  g_ptr_array_add (self->args, right);
  return self;
}

HangarFormula *
hangar_formula_eq (HangarFormula *left,
                   HangarFormula *right)
{
  return hangar_formula_compare (left, HANGAR_FORMULA_EQ, right);
}

HangarFormula *
hangar_formula_ne (HangarFormula *left,
                   HangarFormula *right)
{
  return hangar_formula_compare (left, HANGAR_FORMULA_NE, right);
}

HangarFormula *
hangar_formula_lt (HangarFormula *left,
                   HangarFormula *right)
{
  return hangar_formula_compare (left, HANGAR_FORMULA_LT, right);
}

HangarFormula *
hangar_formula_gt (HangarFormula *left,
                   HangarFormula *right)
{
  return hangar_formula_compare (left, HANGAR_FORMULA_GT, right);
}

HangarFormula *
hangar_formula_le (HangarFormula *left,
                   HangarFormula *right)
{
  return hangar_formula_compare (left, HANGAR_FORMULA_LE, right);
}

HangarFormula *
hangar_formula_ge (HangarFormula *left,
                   HangarFormula *right)
{
  return hangar_formula_compare (left, HANGAR_FORMULA_GE, right);
}

/* Calls ------------------------------------------------------------------- */

static gboolean
is_identifier (const char *name)
{
  if (name == NULL || !(g_ascii_isalpha (*name) || *name == '_'))
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || *p == '_'))
      return FALSE;
  return TRUE;
}

static HangarFormula *
call_valist (const char    *name,
             gboolean       need_one,
             HangarFormula *first,
             va_list        args)
{
  g_autoptr(HangarFormula) self = node_new (NODE_CALL, g_strdup (name));
  gboolean ok = is_identifier (name);

  for (HangarFormula *arg = first; arg != NULL; arg = va_arg (args, HangarFormula *))
    g_ptr_array_add (self->args, arg);

  g_return_val_if_fail (ok, NULL);
  g_return_val_if_fail (!need_one || self->args->len > 0, NULL);

  return g_steal_pointer (&self);
}

/**
 * hangar_formula_and:
 * @first: (transfer full): the first operand
 * @...: (transfer full): more operands, then %NULL
 *
 * Returns: (transfer full): `AND(a, b, …)`
 */
HangarFormula *
hangar_formula_and (HangarFormula *first,
                    ...)
{
  HangarFormula *self;
  va_list args;

  va_start (args, first);
  self = call_valist ("AND", TRUE, first, args);
  va_end (args);
  return self;
}

/**
 * hangar_formula_or:
 * @first: (transfer full): the first operand
 * @...: (transfer full): more operands, then %NULL
 *
 * Returns: (transfer full): `OR(a, b, …)`
 */
HangarFormula *
hangar_formula_or (HangarFormula *first,
                   ...)
{
  HangarFormula *self;
  va_list args;

  va_start (args, first);
  self = call_valist ("OR", TRUE, first, args);
  va_end (args);
  return self;
}

/**
 * hangar_formula_xor:
 * @first: (transfer full): the first operand
 * @...: (transfer full): more operands, then %NULL
 *
 * Returns: (transfer full): `XOR(a, b, …)` (true for an odd count of true)
 */
HangarFormula *
hangar_formula_xor (HangarFormula *first,
                    ...)
{
  HangarFormula *self;
  va_list args;

  va_start (args, first);
  self = call_valist ("XOR", TRUE, first, args);
  va_end (args);
  return self;
}

/**
 * hangar_formula_call:
 * @name: a function name such as `DATETIME_DIFF`
 * @...: (transfer full): the arguments, then %NULL
 *
 * Returns: (transfer full): `NAME(a, b, …)`
 */
HangarFormula *
hangar_formula_call (const char *name,
                     ...)
{
  HangarFormula *self;
  HangarFormula *first;
  va_list args;

  va_start (args, name);
  first = va_arg (args, HangarFormula *);
  self = call_valist (name, FALSE, first, args);
  va_end (args);
  return self;
}

/**
 * hangar_formula_callv:
 * @name: a function name
 * @args: (array length=n_args) (transfer full): the arguments
 * @n_args: their number
 *
 * Returns: (transfer full): `NAME(a, b, …)`
 */
HangarFormula *
hangar_formula_callv (const char     *name,
                      HangarFormula **args,
                      guint           n_args)
{
  g_autoptr(HangarFormula) self = node_new (NODE_CALL, g_strdup (name));
  gboolean ok = is_identifier (name);

  for (guint i = 0; i < n_args; i++)
    {
      if (args[i] == NULL)
        ok = FALSE;
      else
        g_ptr_array_add (self->args, args[i]);
    }

  g_return_val_if_fail (ok, NULL);
  return g_steal_pointer (&self);
}

static HangarFormula *
call1 (const char    *name,
       HangarFormula *a)
{
  return hangar_formula_callv (name, &a, 1);
}

static HangarFormula *
call2 (const char    *name,
       HangarFormula *a,
       HangarFormula *b)
{
  HangarFormula *args[] = { a, b };

  return hangar_formula_callv (name, args, 2);
}

/**
 * hangar_formula_not:
 * @operand: (transfer full): the operand
 *
 * Returns: (transfer full): `NOT(operand)`
 */
HangarFormula *
hangar_formula_not (HangarFormula *operand)
{
  return call1 ("NOT", operand);
}

/**
 * hangar_formula_if:
 *
 * Returns: (transfer full): `IF(condition, then, else)`
 */
HangarFormula *
hangar_formula_if (HangarFormula *condition,
                   HangarFormula *then_value,
                   HangarFormula *else_value)
{
  HangarFormula *args[] = { condition, then_value, else_value };

  return hangar_formula_callv ("IF", args, 3);
}

/**
 * hangar_formula_find:
 *
 * Returns: (transfer full): `FIND(needle, haystack)`: the 1-based position,
 *   0 when not found; case-sensitive
 */
HangarFormula *
hangar_formula_find (HangarFormula *needle,
                     HangarFormula *haystack)
{
  return call2 ("FIND", needle, haystack);
}

/**
 * hangar_formula_search:
 *
 * Returns: (transfer full): `SEARCH(needle, haystack)`: the position, blank
 *   when not found
 */
HangarFormula *
hangar_formula_search (HangarFormula *needle,
                       HangarFormula *haystack)
{
  return call2 ("SEARCH", needle, haystack);
}

HangarFormula *
hangar_formula_lower (HangarFormula *text)
{
  return call1 ("LOWER", text);
}

/**
 * hangar_formula_arrayjoin:
 * @values: (transfer full): a multi-value field or array
 * @separator: (nullable): separator text; %NULL for the default
 *
 * Returns: (transfer full): `ARRAYJOIN(values[, 'sep'])`
 */
HangarFormula *
hangar_formula_arrayjoin (HangarFormula *values,
                          const char    *separator)
{
  if (separator == NULL)
    return call1 ("ARRAYJOIN", values);
  return call2 ("ARRAYJOIN", values, hangar_formula_string (separator));
}

/* Helpers ----------------------------------------------------------------- */

HangarFormula *
hangar_formula_is_blank (HangarFormula *value)
{
  return hangar_formula_eq (value, hangar_formula_blank ());
}

HangarFormula *
hangar_formula_is_not_blank (HangarFormula *value)
{
  return hangar_formula_not (hangar_formula_is_blank (value));
}

HangarFormula *
hangar_formula_is_empty_text (HangarFormula *value)
{
  return hangar_formula_eq (value, hangar_formula_string (""));
}

/**
 * hangar_formula_contains_text:
 * @haystack: (transfer full): the text to look in, e.g. a field
 * @needle: the text to look for
 * @case_sensitive: whether case matters
 *
 * FIND with LOWER on both sides, rather than SEARCH, because FIND's "0 when
 * not found" is documented while SEARCH's case rules are not.
 *
 * Returns: (transfer full): `FIND(LOWER('needle'), LOWER(haystack))>0`
 */
HangarFormula *
hangar_formula_contains_text (HangarFormula *haystack,
                              const char    *needle,
                              gboolean       case_sensitive)
{
  if (needle == NULL)
    {
      g_clear_pointer (&haystack, hangar_formula_unref);
      g_return_val_if_reached (NULL);
    }

  if (case_sensitive)
    return hangar_formula_gt (hangar_formula_find (hangar_formula_string (needle), haystack),
                              hangar_formula_int (0));

  return hangar_formula_gt (hangar_formula_find (hangar_formula_lower (hangar_formula_string (needle)),
                                                 hangar_formula_lower (haystack)),
                            hangar_formula_int (0));
}

HangarFormula *
hangar_formula_field_equals (const char *field,
                             const char *text)
{
  return hangar_formula_eq (hangar_formula_field (field), hangar_formula_string (text));
}

/**
 * hangar_formula_record_id_in:
 * @record_ids: %NULL-terminated record ids
 *
 * Returns: (transfer full): `OR(RECORD_ID()='recA', …)`, `FALSE()` when
 *   @record_ids is empty
 */
HangarFormula *
hangar_formula_record_id_in (const char * const *record_ids)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();

  g_return_val_if_fail (record_ids != NULL, NULL);

  if (record_ids[0] == NULL)
    return hangar_formula_boolean (FALSE);

  for (guint i = 0; record_ids[i] != NULL; i++)
    g_ptr_array_add (args, hangar_formula_eq (hangar_formula_record_id (),
                                              hangar_formula_string (record_ids[i])));

  return hangar_formula_callv ("OR", (HangarFormula **) args->pdata, args->len);
}
