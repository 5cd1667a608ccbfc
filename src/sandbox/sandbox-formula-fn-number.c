/* sandbox-formula-fn-number.c — numeric and array functions
 *
 * The language and the choices this implementation makes are described in
 * src/sandbox/README.md ("filterByFormula").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "sandbox-formula-private.h"

#include <math.h>
#include <string.h>

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

static FormulaValue *
fn_abs (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  double x;

  NUMBER_ARG (args[0], &x);
  return _sandbox_formula_value_number (fabs (x));
}

typedef enum { ROUND_HALF_UP, ROUND_AWAY, ROUND_TOWARD_ZERO } RoundMode;

static FormulaValue *
round_common (FormulaValue **args, guint n, RoundMode mode)
{
  double x, places = 0, factor, scaled, r;

  NUMBER_ARG (args[0], &x);
  if (n > 1)
    NUMBER_ARG (args[1], &places);
  if (isnan (x) || isnan (places))
    return _sandbox_formula_value_number (NAN);
  places = trunc (places);
  if (places > 15)
    return _sandbox_formula_value_number (x);
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
  return _sandbox_formula_value_number_checked (r / factor);
}

static FormulaValue *
fn_round (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  return round_common (args, n, ROUND_HALF_UP);
}

static FormulaValue *
fn_roundup (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  return round_common (args, n, ROUND_AWAY);
}

static FormulaValue *
fn_rounddown (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  return round_common (args, n, ROUND_TOWARD_ZERO);
}

static FormulaValue *
fn_int (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  double x;

  NUMBER_ARG (args[0], &x);
  return _sandbox_formula_value_number (floor (x));
}

static FormulaValue *
fn_mod (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  double x, y;

  NUMBER_ARG (args[0], &x);
  NUMBER_ARG (args[1], &y);
  if (y == 0)
    return _sandbox_formula_value_error ("#DIV/0!");
  return _sandbox_formula_value_number (fmod (x, y));
}

static FormulaValue *
ceil_floor_common (FormulaValue **args, guint n, gboolean up)
{
  double x, sig = 1, q;

  NUMBER_ARG (args[0], &x);
  if (n > 1)
    NUMBER_ARG (args[1], &sig);
  if (sig == 0)
    return _sandbox_formula_value_number (0);
  q = denoise (x / sig);
  return _sandbox_formula_value_number_checked ((up ? ceil (q) : floor (q)) * sig);
}

static FormulaValue *
fn_ceiling (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  return ceil_floor_common (args, n, TRUE);
}

static FormulaValue *
fn_floor (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  return ceil_floor_common (args, n, FALSE);
}

static FormulaValue *
fn_sqrt (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  double x;

  NUMBER_ARG (args[0], &x);
  return _sandbox_formula_value_number (x < 0 ? NAN : sqrt (x));
}

static FormulaValue *
fn_power (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  double x, y;

  NUMBER_ARG (args[0], &x);
  NUMBER_ARG (args[1], &y);
  return _sandbox_formula_value_number_checked (pow (x, y));
}

static FormulaValue *
fn_exp (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  double x;

  NUMBER_ARG (args[0], &x);
  return _sandbox_formula_value_number_checked (exp (x));
}

static FormulaValue *
fn_log (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  double x, base = 10;

  NUMBER_ARG (args[0], &x);
  if (n > 1)
    NUMBER_ARG (args[1], &base);
  if (x <= 0 || base <= 0 || base == 1)
    return _sandbox_formula_value_error ("#NUM!");
  return _sandbox_formula_value_number_checked (log (x) / log (base));
}

static FormulaValue *
even_odd_common (FormulaValue **args, gboolean odd)
{
  double x, m, r;

  NUMBER_ARG (args[0], &x);
  if (isnan (x))
    return _sandbox_formula_value_number (NAN);
  m = ceil (fabs (denoise (x)));
  if (odd)
    r = fmod (m, 2) == 1 ? m : m + 1;
  else
    r = fmod (m, 2) == 0 ? m : m + 1;
  return _sandbox_formula_value_number_checked (x < 0 ? -r : r);
}

static FormulaValue *
fn_even (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  return even_odd_common (args, FALSE);
}

static FormulaValue *
fn_odd (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  return even_odd_common (args, TRUE);
}

/* Every argument, arrays expanded (borrowed). */
static GPtrArray *
flatten_args (FormulaValue **args, guint n)
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
collect_numbers (FormulaValue **args, guint n, GArray *out)
{
  g_autoptr(GPtrArray) items = flatten_args (args, n);

  for (guint i = 0; i < items->len; i++)
    {
      FormulaValue *v = g_ptr_array_index (items, i);
      double d;

      if (v->kind == VAL_ERROR)
        return FALSE;
      if (v->kind == VAL_NUMBER || v->kind == VAL_BOOL)
        g_array_append_val (out, v->number);
      else if (v->kind == VAL_STRING && v->string[0] != '\0' &&
               _sandbox_formula_parse_number_text (v->string, &d))
        g_array_append_val (out, d);
    }
  return TRUE;
}

typedef enum { AGG_SUM, AGG_MAX, AGG_MIN, AGG_AVERAGE } Aggregate;

static FormulaValue *
aggregate (FormulaValue **args, guint n, Aggregate kind)
{
  g_autoptr(GArray) nums = g_array_new (FALSE, FALSE, sizeof (double));
  double acc = 0;

  if (!collect_numbers (args, n, nums))
    return _sandbox_formula_first_error (args, n);
  if (nums->len == 0)
    return _sandbox_formula_value_number (kind == AGG_AVERAGE ? NAN : 0);
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
  return _sandbox_formula_value_number_checked (acc);
}

static FormulaValue *
fn_sum (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  return aggregate (args, n, AGG_SUM);
}

static FormulaValue *
fn_max (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  return aggregate (args, n, AGG_MAX);
}

static FormulaValue *
fn_min (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  return aggregate (args, n, AGG_MIN);
}

static FormulaValue *
fn_average (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  return aggregate (args, n, AGG_AVERAGE);
}

static FormulaValue *
count_common (FormulaValue **args, guint n, int mode)
{
  g_autoptr(GPtrArray) items = flatten_args (args, n);
  guint count = 0;

  for (guint i = 0; i < items->len; i++)
    {
      FormulaValue *v = g_ptr_array_index (items, i);

      if (mode == 0)
        count += v->kind == VAL_NUMBER;
      else if (mode == 1)
        count += v->kind != VAL_BLANK && !(v->kind == VAL_STRING && v->string[0] == '\0');
      else
        count++;
    }
  return _sandbox_formula_value_number (count);
}

static FormulaValue *
fn_count (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  return count_common (args, n, 0);
}

static FormulaValue *
fn_counta (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  return count_common (args, n, 1);
}

static FormulaValue *
fn_countall (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  return count_common (args, n, 2);
}

/* ------------------------------------------------------------------ */
/* Array functions                                                     */
/* ------------------------------------------------------------------ */

/* The argument as a list (borrowed items): blank is empty, a scalar is one. */
static GPtrArray *
as_list (FormulaValue *v)
{
  GPtrArray *items = g_ptr_array_new ();

  if (v->kind == VAL_ARRAY)
    for (guint i = 0; i < v->array->len; i++)
      g_ptr_array_add (items, g_ptr_array_index (v->array, i));
  else if (v->kind != VAL_BLANK)
    g_ptr_array_add (items, v);
  return items;
}

static FormulaValue *
fn_arrayjoin (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *sep = NULL;
  GString *out;

  if (args[0]->kind == VAL_ERROR)
    return _sandbox_formula_value_copy (args[0]);
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
      _sandbox_formula_value_append_text (g_ptr_array_index (items, i), out);
    }
  return _sandbox_formula_value_string_checked (out);
}

static FormulaValue *
fn_arrayunique (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  g_autoptr(GPtrArray) items = as_list (args[0]);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  FormulaValue *out = _sandbox_formula_value_new (VAL_ARRAY);

  for (guint i = 0; i < items->len; i++)
    {
      FormulaValue *v = g_ptr_array_index (items, i);
      g_autofree char *text = _sandbox_formula_value_to_text (v);
      char *key = g_strdup_printf ("%d:%s", (int) v->kind, text);

      if (g_hash_table_add (seen, key))
        g_ptr_array_add (out->array, _sandbox_formula_value_copy (v));
    }
  return out;
}

static FormulaValue *
fn_arraycompact (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  g_autoptr(GPtrArray) items = as_list (args[0]);
  FormulaValue *out = _sandbox_formula_value_new (VAL_ARRAY);

  for (guint i = 0; i < items->len; i++)
    {
      FormulaValue *v = g_ptr_array_index (items, i);

      if (v->kind == VAL_BLANK || (v->kind == VAL_STRING && v->string[0] == '\0'))
        continue;
      g_ptr_array_add (out->array, _sandbox_formula_value_copy (v));
    }
  return out;
}

static FormulaValue *
fn_arrayflatten (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  g_autoptr(GPtrArray) items = flatten_args (args, n);
  FormulaValue *out = _sandbox_formula_value_new (VAL_ARRAY);

  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (out->array, _sandbox_formula_value_copy (g_ptr_array_index (items, i)));
  return out;
}

static FormulaValue *
fn_arrayslice (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  g_autoptr(GPtrArray) items = as_list (args[0]);
  double start, end;
  double len = items->len;
  FormulaValue *out;

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
  out = _sandbox_formula_value_new (VAL_ARRAY);
  for (guint i = (guint) start; (double) i < end; i++)
    g_ptr_array_add (out->array, _sandbox_formula_value_copy (g_ptr_array_index (items, i)));
  return out;
}

/* The numeric and array functions: name, argument counts, implementation. */
const FormulaFunc _sandbox_formula_number_functions[] = {
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
  { NULL, 0, 0, NULL, NULL },
};
