/* sandbox-formula-eval.c — evaluation of the formula tree: operators,
 * comparisons, the function table and the sort order of cells
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
/* Evaluation                                                          */
/* ------------------------------------------------------------------ */

GDateTime *
_sandbox_formula_ctx_now (FormulaCtx *ctx)
{
  return ctx->now;
}

/* Returns the first error among @args, or NULL. */
FormulaValue *
_sandbox_formula_first_error (FormulaValue **args, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      if (args[i]->kind == VAL_ERROR)
        return _sandbox_formula_value_copy (args[i]);
      if (args[i]->kind == VAL_ARRAY)
        for (guint j = 0; j < args[i]->array->len; j++)
          {
            FormulaValue *item = g_ptr_array_index (args[i]->array, j);

            if (item->kind == VAL_ERROR)
              return _sandbox_formula_value_copy (item);
          }
    }
  return NULL;
}

FormulaValue *
_sandbox_formula_number_arg (const FormulaValue *v, double *out)
{
  if (v->kind == VAL_ERROR)
    return _sandbox_formula_value_copy (v);
  if (!_sandbox_formula_value_to_number (v, out))
    return _sandbox_formula_value_error ("#ERROR!");
  return NULL;
}

/* Compares two non-error values: returns -1/0/1 in *cmp, or FALSE when they
 * are unordered (NaN). */
static gboolean
compare_values (const FormulaValue *a, const FormulaValue *b, int *cmp)
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
      const FormulaValue *other = a->kind == VAL_BLANK ? b : a;
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

      if (_sandbox_formula_value_to_date (a, &da, NULL) && _sandbox_formula_value_to_date (b, &db, NULL) &&
          da != NULL && db != NULL)
        {
          *cmp = g_date_time_compare (da, db);
          return TRUE;
        }
    }

  /* number against text */
  if ((a->kind == VAL_NUMBER || a->kind == VAL_BOOL) && b->kind != VAL_DATE &&
      _sandbox_formula_value_to_number (b, &y))
    {
      x = a->number;
      if (isnan (x) || isnan (y))
        return FALSE;
      *cmp = x < y ? -1 : x > y ? 1 : 0;
      return TRUE;
    }
  if ((b->kind == VAL_NUMBER || b->kind == VAL_BOOL) && a->kind != VAL_DATE &&
      _sandbox_formula_value_to_number (a, &x))
    {
      y = b->number;
      if (isnan (x) || isnan (y))
        return FALSE;
      *cmp = x < y ? -1 : x > y ? 1 : 0;
      return TRUE;
    }

  /* text */
  {
    g_autofree char *ta = _sandbox_formula_value_to_text (a);
    g_autofree char *tb = _sandbox_formula_value_to_text (b);
    int r = strcmp (ta, tb);

    *cmp = r < 0 ? -1 : r > 0 ? 1 : 0;
    return TRUE;
  }
}

FormulaValue *
_sandbox_formula_eval_compare (FormulaTokenKind op, const FormulaValue *a, const FormulaValue *b)
{
  int cmp = 0;
  gboolean ordered;

  if (a->kind == VAL_ERROR)
    return _sandbox_formula_value_copy (a);
  if (b->kind == VAL_ERROR)
    return _sandbox_formula_value_copy (b);
  ordered = compare_values (a, b, &cmp);
  switch (op)
    {
    case TOK_EQ: return _sandbox_formula_value_bool (ordered && cmp == 0);
    case TOK_NE: return _sandbox_formula_value_bool (!ordered || cmp != 0);
    case TOK_LT: return _sandbox_formula_value_bool (ordered && cmp < 0);
    case TOK_GT: return _sandbox_formula_value_bool (ordered && cmp > 0);
    case TOK_LE: return _sandbox_formula_value_bool (ordered && cmp <= 0);
    case TOK_GE: return _sandbox_formula_value_bool (ordered && cmp >= 0);
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
      return _sandbox_formula_value_error ("#ERROR!");
    }
}

static FormulaValue *
apply_binary (FormulaTokenKind op, const FormulaValue *a, const FormulaValue *b)
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
      return _sandbox_formula_eval_compare (op, a, b);
    case TOK_AMP:
      {
        GString *s;

        if (a->kind == VAL_ERROR)
          return _sandbox_formula_value_copy (a);
        if (b->kind == VAL_ERROR)
          return _sandbox_formula_value_copy (b);
        s = g_string_new (NULL);
        _sandbox_formula_value_append_text (a, s);
        _sandbox_formula_value_append_text (b, s);
        return _sandbox_formula_value_string_checked (s);
      }
    case TOK_PLUS:
    case TOK_MINUS:
    case TOK_STAR:
    case TOK_SLASH:
      NUMBER_ARG (a, &x);
      NUMBER_ARG (b, &y);
      switch (op)
        {
        case TOK_PLUS: return _sandbox_formula_value_number_checked (x + y);
        case TOK_MINUS: return _sandbox_formula_value_number_checked (x - y);
        case TOK_STAR: return _sandbox_formula_value_number_checked (x * y);
        case TOK_SLASH:
        default:
          if (y == 0)
            return (x == 0 || isnan (x)) ? _sandbox_formula_value_number (NAN) : _sandbox_formula_value_error ("#DIV/0!");
          return _sandbox_formula_value_number_checked (x / y);
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
      return _sandbox_formula_value_error ("#ERROR!");
    }
}

FormulaValue *
_sandbox_formula_eval (FormulaCtx *ctx, FormulaNode *node)
{
  switch (node->kind)
    {
    case NODE_NUMBER:
      return _sandbox_formula_value_number (node->number);
    case NODE_STRING:
      return _sandbox_formula_value_string (node->string);
    case NODE_FIELD:
      {
        JsonNode *cell = ctx->cell ? ctx->cell (node->string, ctx->record) : NULL;
        FormulaValue *v = _sandbox_formula_value_from_cell (cell, node->field_type);

        if (cell != NULL)
          json_node_unref (cell);
        return v;
      }
    case NODE_NEGATE:
      {
        g_autoptr(FormulaValue) a = _sandbox_formula_eval (ctx, node->args[0]);
        double x;

        NUMBER_ARG (a, &x);
        return _sandbox_formula_value_number (-x);
      }
    case NODE_CHAIN:
      {
        FormulaValue *acc = _sandbox_formula_eval (ctx, node->args[0]);

        for (guint i = 1; i < node->n_args; i++)
          {
            g_autoptr(FormulaValue) rhs = _sandbox_formula_eval (ctx, node->args[i]);
            FormulaValue *next = apply_binary (node->ops[i - 1], acc, rhs);

            _sandbox_formula_value_free (acc);
            acc = next;
          }
        return acc;
      }
    case NODE_CALL:
      if (node->func->lazy != NULL)
        return node->func->lazy (ctx, node);
      else
        {
          FormulaValue *small[16];
          FormulaValue **args = node->n_args <= G_N_ELEMENTS (small) ?
                         small : g_new (FormulaValue *, node->n_args);
          FormulaNode *saved = ctx->call;
          FormulaValue *result;

          for (guint i = 0; i < node->n_args; i++)
            args[i] = _sandbox_formula_eval (ctx, node->args[i]);
          ctx->call = node;
          result = node->func->eager (ctx, args, node->n_args);
          ctx->call = saved;
          for (guint i = 0; i < node->n_args; i++)
            _sandbox_formula_value_free (args[i]);
          if (args != small)
            g_free (args);
          return result;
        }
    default:
      return _sandbox_formula_value_error ("#ERROR!");
    }
}

/* ------------------------------------------------------------------ */
/* Sorting                                                             */
/* ------------------------------------------------------------------ */

static gboolean
sort_is_blank (const FormulaValue *v)
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
  g_autoptr(FormulaValue) va = _sandbox_formula_value_from_cell (a, field_type);
  g_autoptr(FormulaValue) vb = _sandbox_formula_value_from_cell (b, field_type);
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
    g_autofree char *ta = _sandbox_formula_value_to_text (va);
    g_autofree char *tb = _sandbox_formula_value_to_text (vb);

    return compare_text (ta, tb);
  }
}

/* The function families, each ending with a NULL name. */
static const FormulaFunc * const families[] = {
  _sandbox_formula_text_functions,
  _sandbox_formula_number_functions,
  _sandbox_formula_date_functions,
};

const FormulaFunc *
_sandbox_formula_lookup_function (const char *name)
{
  for (guint f = 0; f < G_N_ELEMENTS (families); f++)
    for (const FormulaFunc *def = families[f]; def->name != NULL; def++)
      if (g_ascii_strcasecmp (def->name, name) == 0)
        return def;
  return NULL;
}
