/* sandbox-formula-fn-text.c — logical and text functions
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
/* Logical functions                                                   */
/* ------------------------------------------------------------------ */

static FormulaValue *
fn_and (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  FormulaValue *err = _sandbox_formula_first_error (args, n);

  if (err)
    return err;
  for (guint i = 0; i < n; i++)
    if (!_sandbox_formula_value_truthy (args[i]))
      return _sandbox_formula_value_bool (FALSE);
  return _sandbox_formula_value_bool (TRUE);
}

static FormulaValue *
fn_or (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  FormulaValue *err = _sandbox_formula_first_error (args, n);

  if (err)
    return err;
  for (guint i = 0; i < n; i++)
    if (_sandbox_formula_value_truthy (args[i]))
      return _sandbox_formula_value_bool (TRUE);
  return _sandbox_formula_value_bool (FALSE);
}

static FormulaValue *
fn_xor (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  FormulaValue *err = _sandbox_formula_first_error (args, n);
  guint count = 0;

  if (err)
    return err;
  for (guint i = 0; i < n; i++)
    if (_sandbox_formula_value_truthy (args[i]))
      count++;
  return _sandbox_formula_value_bool (count % 2 == 1);
}

static FormulaValue *
fn_not (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  if (args[0]->kind == VAL_ERROR)
    return _sandbox_formula_value_copy (args[0]);
  return _sandbox_formula_value_bool (!_sandbox_formula_value_truthy (args[0]));
}

static FormulaValue *
fn_if (FormulaCtx *ctx, FormulaNode *node)
{
  g_autoptr(FormulaValue) cond = _sandbox_formula_eval (ctx, node->args[0]);

  if (cond->kind == VAL_ERROR)
    return g_steal_pointer (&cond);
  if (_sandbox_formula_value_truthy (cond))
    return _sandbox_formula_eval (ctx, node->args[1]);
  if (node->n_args > 2)
    return _sandbox_formula_eval (ctx, node->args[2]);
  return _sandbox_formula_value_blank ();
}

static FormulaValue *
fn_switch (FormulaCtx *ctx, FormulaNode *node)
{
  g_autoptr(FormulaValue) subject = _sandbox_formula_eval (ctx, node->args[0]);
  guint i;

  if (subject->kind == VAL_ERROR)
    return g_steal_pointer (&subject);
  for (i = 1; i + 1 < node->n_args; i += 2)
    {
      g_autoptr(FormulaValue) pattern = _sandbox_formula_eval (ctx, node->args[i]);
      g_autoptr(FormulaValue) eq = _sandbox_formula_eval_compare (TOK_EQ, subject, pattern);

      if (eq->kind == VAL_ERROR)
        return g_steal_pointer (&eq);
      if (_sandbox_formula_value_truthy (eq))
        return _sandbox_formula_eval (ctx, node->args[i + 1]);
    }
  if (i < node->n_args)
    return _sandbox_formula_eval (ctx, node->args[i]);  /* default */
  return _sandbox_formula_value_blank ();
}

static FormulaValue *
fn_true (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  return _sandbox_formula_value_bool (TRUE);
}

static FormulaValue *
fn_false (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  return _sandbox_formula_value_bool (FALSE);
}

static FormulaValue *
fn_blank (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  return _sandbox_formula_value_blank ();
}

static FormulaValue *
fn_error (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  return _sandbox_formula_value_error ("#ERROR!");
}

static FormulaValue *
fn_iserror (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  return _sandbox_formula_value_bool (args[0]->kind == VAL_ERROR);
}

static FormulaValue *
fn_record_id (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  return ctx->record_id ? _sandbox_formula_value_string (ctx->record_id) : _sandbox_formula_value_blank ();
}

/* ------------------------------------------------------------------ */
/* Text functions                                                      */
/* ------------------------------------------------------------------ */

static FormulaValue *
fn_concatenate (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  FormulaValue *err = _sandbox_formula_first_error (args, n);
  GString *s;

  if (err)
    return err;
  s = g_string_new (NULL);
  for (guint i = 0; i < n && s->len <= MAX_STRING_RESULT; i++)
    _sandbox_formula_value_append_text (args[i], s);
  return _sandbox_formula_value_string_checked (s);
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

static FormulaValue *
find_common (FormulaValue **args, guint n, gboolean search)
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
    return _sandbox_formula_value_blank ();
  return _sandbox_formula_value_number (pos);
}

static FormulaValue *
fn_find (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  return find_common (args, n, FALSE);
}

static FormulaValue *
fn_search (FormulaCtx *ctx, FormulaValue **args, guint n)
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

static FormulaValue *
fn_left (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  g_autofree char *s = NULL;
  double count;

  TEXT_ARG (args[0], s);
  NUMBER_ARG (args[1], &count);
  if (count < 0)
    return _sandbox_formula_value_error ("#ERROR!");
  return _sandbox_formula_value_string_take (substring_chars (s, 0, floor (count)));
}

static FormulaValue *
fn_right (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  g_autofree char *s = NULL;
  double count;
  glong len;

  TEXT_ARG (args[0], s);
  NUMBER_ARG (args[1], &count);
  if (count < 0)
    return _sandbox_formula_value_error ("#ERROR!");
  count = floor (count);
  len = g_utf8_strlen (s, -1);
  if (count >= (double) len)
    return _sandbox_formula_value_string (s);
  return _sandbox_formula_value_string_take (substring_chars (s, (double) len - count, count));
}

static FormulaValue *
fn_mid (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  g_autofree char *s = NULL;
  double start, count;

  TEXT_ARG (args[0], s);
  NUMBER_ARG (args[1], &start);
  NUMBER_ARG (args[2], &count);
  start = floor (start);
  if (start < 1)
    start = 1;
  return _sandbox_formula_value_string_take (substring_chars (s, start - 1, floor (count)));
}

static FormulaValue *
fn_len (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  g_autofree char *s = NULL;

  TEXT_ARG (args[0], s);
  return _sandbox_formula_value_number (g_utf8_strlen (s, -1));
}

static FormulaValue *
fn_lower (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  g_autofree char *s = NULL;

  TEXT_ARG (args[0], s);
  return _sandbox_formula_value_string_take (g_utf8_strdown (s, -1));
}

static FormulaValue *
fn_upper (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  g_autofree char *s = NULL;

  TEXT_ARG (args[0], s);
  return _sandbox_formula_value_string_take (g_utf8_strup (s, -1));
}

static FormulaValue *
fn_trim (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  char *s;

  TEXT_ARG (args[0], s);
  g_strstrip (s);
  return _sandbox_formula_value_string_take (s);
}

static FormulaValue *
fn_substitute (FormulaCtx *ctx, FormulaValue **args, guint n)
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
        return _sandbox_formula_value_error ("#ERROR!");
    }
  old_len = strlen (old);
  rep_len = strlen (rep);
  if (old_len == 0)
    return _sandbox_formula_value_string (s);
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
  return _sandbox_formula_value_string_checked (out);
}

static FormulaValue *
fn_replace (FormulaCtx *ctx, FormulaValue **args, guint n)
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
  return _sandbox_formula_value_string_checked (out);
}

static FormulaValue *
fn_rept (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  g_autofree char *s = NULL;
  double times;
  gsize len;
  GString *out;

  TEXT_ARG (args[0], s);
  NUMBER_ARG (args[1], &times);
  times = floor (times);
  if (isnan (times) || times < 0)
    return _sandbox_formula_value_error ("#ERROR!");
  len = strlen (s);
  if (len > 0 && times * (double) len > MAX_STRING_RESULT)
    return _sandbox_formula_value_error ("#ERROR!");
  if (len == 0)
    return _sandbox_formula_value_string ("");
  out = g_string_sized_new (len * (gsize) times + 1);
  for (gsize i = 0; i < (gsize) times; i++)
    g_string_append_len (out, s, len);
  return _sandbox_formula_value_string_checked (out);
}

static FormulaValue *
fn_t (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  if (args[0]->kind == VAL_ERROR)
    return _sandbox_formula_value_copy (args[0]);
  if (args[0]->kind == VAL_STRING)
    return _sandbox_formula_value_copy (args[0]);
  return _sandbox_formula_value_blank ();
}

static FormulaValue *
fn_value (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  g_autofree char *s = NULL;
  GString *clean;
  double d, scale = 1;
  const char *p;

  if (args[0]->kind == VAL_NUMBER || args[0]->kind == VAL_BOOL)
    return _sandbox_formula_value_number (args[0]->number);
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
  if (clean->len == 0 || !_sandbox_formula_parse_number_text (clean->str, &d))
    {
      g_string_free (clean, TRUE);
      return _sandbox_formula_value_error ("#ERROR!");
    }
  g_string_free (clean, TRUE);
  return _sandbox_formula_value_number (d * scale);
}

static FormulaValue *
fn_encode_url_component (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  g_autofree char *s = NULL;

  TEXT_ARG (args[0], s);
  return _sandbox_formula_value_string_take (g_uri_escape_string (s, "!*'()", FALSE));
}

static FormulaValue *
regex_common (FormulaCtx *ctx, FormulaValue **args, guint n, int mode)
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
    re = _sandbox_formula_compile_user_regex (pattern, FALSE);
  if (re == NULL)
    return _sandbox_formula_value_error ("#ERROR!");
  if (mode == 2)
    {
      g_autofree char *rep = NULL;
      char *out;

      TEXT_ARG (args[2], rep);
      out = g_regex_replace (re, s, -1, 0, rep, 0, NULL);
      if (out == NULL)
        return _sandbox_formula_value_error ("#ERROR!");
      if (strlen (out) > MAX_STRING_RESULT)
        {
          g_free (out);
          return _sandbox_formula_value_error ("#ERROR!");
        }
      return _sandbox_formula_value_string_take (out);
    }
  matched = g_regex_match_full (re, s, -1, 0, 0, &info, &match_error);
  if (match_error != NULL)
    return _sandbox_formula_value_error ("#ERROR!");
  if (mode == 0)
    return _sandbox_formula_value_bool (matched);
  if (!matched)
    return _sandbox_formula_value_error ("#ERROR!");
  return _sandbox_formula_value_string_take (g_match_info_fetch (info, 0));
}

static FormulaValue *
fn_regex_match (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  return regex_common (ctx, args, n, 0);
}

static FormulaValue *
fn_regex_extract (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  return regex_common (ctx, args, n, 1);
}

static FormulaValue *
fn_regex_replace (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  return regex_common (ctx, args, n, 2);
}

/* The logical and text functions: name, argument counts, implementation. */
const FormulaFunc _sandbox_formula_text_functions[] = {
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
  { NULL, 0, 0, NULL, NULL },
};
