/* sandbox-formula-parser.c — the recursive-descent formula parser, and the
 * public parse / evaluate entry points
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
/* AST                                                                 */
/* ------------------------------------------------------------------ */

void
_sandbox_formula_node_free (FormulaNode *node)
{
  if (node == NULL)
    return;
  for (guint i = 0; i < node->n_args; i++)
    _sandbox_formula_node_free (node->args[i]);
  g_free (node->args);
  g_free (node->ops);
  g_free (node->string);
  g_free (node->field_type);
  g_clear_pointer (&node->regex, g_regex_unref);
  g_free (node);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FormulaNode, _sandbox_formula_node_free)

/* Patterns come from requests: cap PCRE's backtracking so that a
 * catastrophic pattern costs about a millisecond per record, not a second
 * (hitting the cap makes the result #ERROR!). */
GRegex *
_sandbox_formula_compile_user_regex (const char *pattern,
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

static FormulaToken *
peek (Parser *p)
{
  return &g_array_index (p->tokens, FormulaToken, p->pos);
}

static FormulaToken *
advance (Parser *p)
{
  FormulaToken *t = peek (p);

  if (t->kind != TOK_EOF)
    p->pos++;
  return t;
}

static FormulaNode *
parse_fail (Parser *p, FormulaToken *at, const char *what)
{
  if (p->error != NULL && *p->error == NULL)
    g_set_error (p->error, SANDBOX_FORMULA_ERROR, SANDBOX_FORMULA_ERROR_SYNTAX,
                 "Invalid formula: %s at character %ld", what, at->column);
  return NULL;
}

static const char *
token_description (FormulaToken *t)
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

static FormulaNode *parse_expression (Parser *p);

static FormulaNode *
node_new (FormulaNodeKind kind)
{
  FormulaNode *n = g_new0 (FormulaNode, 1);

  n->kind = kind;
  n->depth = 1;
  return n;
}

static FormulaNode *
resolve_field (Parser *p, FormulaToken *t)
{
  const char *id = NULL, *type = NULL;
  FormulaNode *n;

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

static FormulaNode *
parse_call (Parser *p, FormulaToken *name)
{
  const FormulaFunc *def = _sandbox_formula_lookup_function (name->text);
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func ((GDestroyNotify) _sandbox_formula_node_free);
  FormulaNode *n;
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
          FormulaNode *arg = parse_expression (p);

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
  n->args = (FormulaNode **) g_ptr_array_free (g_steal_pointer (&args), FALSE);

  /* REGEX_*: compile a literal pattern once */
  if (g_str_has_prefix (def->name, "REGEX_") && n->n_args >= 2 &&
      n->args[1]->kind == NODE_STRING)
    n->regex = _sandbox_formula_compile_user_regex (n->args[1]->string, TRUE);
  return n;
}

static FormulaNode *
parse_primary (Parser *p)
{
  FormulaToken *t = peek (p);
  FormulaNode *n;

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
          _sandbox_formula_node_free (n);
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

static FormulaNode *
parse_unary (Parser *p)
{
  if (peek (p)->kind == TOK_MINUS)
    {
      FormulaNode *operand, *n;

      advance (p);
      if (!enter (p))
        return NULL;
      operand = parse_unary (p);
      p->nesting--;
      if (operand == NULL)
        return NULL;
      n = node_new (NODE_NEGATE);
      n->n_args = 1;
      n->args = g_new (FormulaNode *, 1);
      n->args[0] = operand;
      n->depth = operand->depth + 1;
      return n;
    }
  return parse_primary (p);
}

typedef FormulaNode *(*ParseLevel) (Parser *p);

/* One precedence level: operands joined by its operators, kept as a flat
 * left-to-right chain so that long runs (1+1+…+1) need no deep tree. */
static FormulaNode *
parse_binary_level (Parser *p, ParseLevel next, const FormulaTokenKind *ops, guint n_ops)
{
  g_autoptr(GPtrArray) operands = NULL;
  g_autoptr(GArray) operators = NULL;
  FormulaNode *first = next (p);
  FormulaNode *chain;
  int depth = 0;

  if (first == NULL)
    return NULL;
  for (;;)
    {
      FormulaToken *op = peek (p);
      gboolean match = FALSE;
      FormulaNode *right;

      for (guint i = 0; i < n_ops; i++)
        if (op->kind == ops[i])
          match = TRUE;
      if (!match)
        break;
      if (operands == NULL)
        {
          operands = g_ptr_array_new_with_free_func ((GDestroyNotify) _sandbox_formula_node_free);
          operators = g_array_new (FALSE, FALSE, sizeof (FormulaTokenKind));
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
  chain->args = (FormulaNode **) g_ptr_array_free (g_steal_pointer (&operands), FALSE);
  chain->ops = (FormulaTokenKind *) (gpointer) g_array_free (g_steal_pointer (&operators), FALSE);
  return chain;
}

static FormulaNode *
parse_term (Parser *p)
{
  static const FormulaTokenKind ops[] = { TOK_STAR, TOK_SLASH };

  return parse_binary_level (p, parse_unary, ops, G_N_ELEMENTS (ops));
}

static FormulaNode *
parse_additive (Parser *p)
{
  static const FormulaTokenKind ops[] = { TOK_PLUS, TOK_MINUS };

  return parse_binary_level (p, parse_term, ops, G_N_ELEMENTS (ops));
}

static FormulaNode *
parse_concat (Parser *p)
{
  static const FormulaTokenKind ops[] = { TOK_AMP };

  return parse_binary_level (p, parse_additive, ops, G_N_ELEMENTS (ops));
}

static FormulaNode *
parse_expression (Parser *p)
{
  static const FormulaTokenKind ops[] = { TOK_EQ, TOK_NE, TOK_LT, TOK_GT, TOK_LE, TOK_GE };

  return parse_binary_level (p, parse_concat, ops, G_N_ELEMENTS (ops));
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
  FormulaNode *root;

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
  tokens = _sandbox_formula_tokenize (text, error);
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
      FormulaToken *t = peek (&p);

      g_clear_pointer (&root, _sandbox_formula_node_free);
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

static FormulaValue *
evaluate (SandboxFormula         *formula,
          SandboxFormulaCellFunc  cell,
          gpointer                record,
          const char             *record_id,
          GDateTime              *now)
{
  FormulaCtx ctx = { cell, record, record_id, NULL, NULL };
  FormulaValue *v;

  ctx.now = now ? g_date_time_to_utc (now) : g_date_time_new_now_utc ();
  v = _sandbox_formula_eval (&ctx, formula->root);
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
  g_autoptr(FormulaValue) v = NULL;

  g_return_val_if_fail (formula != NULL, FALSE);

  v = evaluate (formula, cell, record, record_id, now);
  return _sandbox_formula_value_truthy (v);
}

JsonNode *
sandbox_formula_evaluate (SandboxFormula         *formula,
                          SandboxFormulaCellFunc  cell,
                          gpointer                record,
                          const char             *record_id,
                          GDateTime              *now)
{
  g_autoptr(FormulaValue) v = NULL;

  g_return_val_if_fail (formula != NULL, NULL);

  v = evaluate (formula, cell, record, record_id, now);
  return _sandbox_formula_value_to_json (v, FALSE);
}

void
sandbox_formula_free (SandboxFormula *formula)
{
  if (formula == NULL)
    return;
  _sandbox_formula_node_free (formula->root);
  g_free (formula);
}
