/* sandbox-formula-private.h — what the formula module's files share
 *
 * The module is split by concern: values (sandbox-formula-value.c), the
 * tokenizer (-lexer.c), the parser and public entry points (-parser.c), the
 * evaluator and function table (-eval.c) and the function families
 * (-fn-text.c, -fn-number.c, -fn-date.c). Everything here is internal.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sandbox-formula.h"

G_BEGIN_DECLS

#define MAX_TEXT_LENGTH   (256 * 1024)
#define MAX_NESTING       200
#define MAX_STRING_RESULT (4 * 1024 * 1024)

typedef enum
{
  VAL_BLANK,
  VAL_NUMBER,
  VAL_BOOL,
  VAL_STRING,
  VAL_DATE,
  VAL_ARRAY,
  VAL_ERROR,
} FormulaValueKind;

typedef struct
{
  FormulaValueKind kind;
  gboolean         date_only;  /* VAL_DATE */
  double           number;     /* VAL_NUMBER; VAL_BOOL as 0/1 */
  char            *string;     /* VAL_STRING; VAL_ERROR: the error text */
  GDateTime       *date;       /* VAL_DATE */
  GPtrArray       *array;      /* VAL_ARRAY: FormulaValue*, never nested */
} FormulaValue;

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
} FormulaTokenKind;

typedef struct
{
  FormulaTokenKind kind;
  char            *text;    /* STRING, FIELD, NAME */
  double           number;  /* NUMBER */
  glong            column;  /* 1-based character position */
} FormulaToken;

typedef enum
{
  NODE_NUMBER,
  NODE_STRING,
  NODE_FIELD,
  NODE_NEGATE,
  NODE_CHAIN,
  NODE_CALL,
} FormulaNodeKind;

typedef struct _FormulaNode FormulaNode;
typedef struct _FormulaFunc FormulaFunc;
typedef struct _FormulaCtx FormulaCtx;

struct _FormulaNode
{
  FormulaNodeKind    kind;
  FormulaTokenKind  *ops;         /* NODE_CHAIN: n_args - 1 operators, applied left to right */
  int                depth;
  double             number;      /* NODE_NUMBER */
  char              *string;      /* NODE_STRING; NODE_FIELD: field id */
  char              *field_type;  /* NODE_FIELD */
  const FormulaFunc *func;        /* NODE_CALL */
  FormulaNode      **args;        /* NODE_CALL, NODE_CHAIN (n_args), NODE_NEGATE (1) */
  guint              n_args;
  GRegex            *regex;       /* REGEX_* with a literal pattern; NULL if invalid */
};

typedef FormulaValue *(*FormulaEagerFunc) (FormulaCtx *ctx, FormulaValue **args, guint n_args);
typedef FormulaValue *(*FormulaLazyFunc)  (FormulaCtx *ctx, FormulaNode *node);

struct _FormulaFunc
{
  const char      *name;
  int              min_args;
  int              max_args;   /* -1: any number */
  FormulaEagerFunc eager;
  FormulaLazyFunc  lazy;
};

struct _FormulaCtx
{
  SandboxFormulaCellFunc  cell;
  gpointer                record;
  const char             *record_id;
  GDateTime              *now;    /* UTC */
  FormulaNode            *call;   /* the call being evaluated (for REGEX_*) */
};

struct _SandboxFormula
{
  FormulaNode *root;
};

/* sandbox-formula-value.c */
void _sandbox_formula_value_free (FormulaValue *v);
FormulaValue *_sandbox_formula_value_new (FormulaValueKind kind);
FormulaValue *_sandbox_formula_value_blank (void);
FormulaValue *_sandbox_formula_value_number (double d);
FormulaValue *_sandbox_formula_value_bool (gboolean b);
FormulaValue *_sandbox_formula_value_string_take (char *s);
FormulaValue *_sandbox_formula_value_string (const char *s);
FormulaValue *_sandbox_formula_value_error (const char *code);
FormulaValue *_sandbox_formula_value_number_checked (double d);
FormulaValue *_sandbox_formula_value_string_checked (GString *s);
FormulaValue *_sandbox_formula_value_date (GDateTime *dt, gboolean date_only);
FormulaValue *_sandbox_formula_value_copy (const FormulaValue *v);
gboolean _sandbox_formula_value_truthy (const FormulaValue *v);
char *_sandbox_formula_format_date_iso (GDateTime *dt, gboolean date_only);
void _sandbox_formula_value_append_text (const FormulaValue *v, GString *out);
char *_sandbox_formula_value_to_text (const FormulaValue *v);
gboolean _sandbox_formula_parse_number_text (const char *text, double *out);
gboolean _sandbox_formula_value_to_number (const FormulaValue *v, double *out);
int _sandbox_formula_read_digits (const char **p, int min, int max, int *out);
GDateTime *_sandbox_formula_make_date_time (GTimeZone *tz, int y, int mo, int d, int h, int mi, double s);
gboolean _sandbox_formula_read_offset (const char **p, GTimeZone **out_tz);
GDateTime *_sandbox_formula_parse_date_text (const char *text, gboolean *out_date_only);
gboolean _sandbox_formula_value_to_date (const FormulaValue *v, GDateTime **out, gboolean *out_date_only);
FormulaValue *_sandbox_formula_value_from_cell (JsonNode *node, const char *type);
JsonNode *_sandbox_formula_value_to_json (const FormulaValue *v, gboolean in_array);

/* sandbox-formula-lexer.c */
GArray *_sandbox_formula_tokenize (const char *source, GError **error);
void _sandbox_formula_token_clear (FormulaToken *t);

/* sandbox-formula-parser.c */
GRegex *_sandbox_formula_compile_user_regex (const char *pattern,
                                             gboolean    optimize);
void _sandbox_formula_node_free (FormulaNode *node);

/* sandbox-formula-eval.c */
GDateTime *_sandbox_formula_ctx_now (FormulaCtx *ctx);
FormulaValue *_sandbox_formula_first_error (FormulaValue **args, guint n);
FormulaValue *_sandbox_formula_eval_compare (FormulaTokenKind op, const FormulaValue *a, const FormulaValue *b);
FormulaValue *_sandbox_formula_eval (FormulaCtx *ctx, FormulaNode *node);
FormulaValue *_sandbox_formula_number_arg (const FormulaValue *v, double *out);
const FormulaFunc *_sandbox_formula_lookup_function (const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FormulaValue, _sandbox_formula_value_free)

#define NUMBER_ARG(v, out)                         \
  G_STMT_START {                                   \
    FormulaValue *err_ = _sandbox_formula_number_arg ((v), (out)); \
    if (err_ != NULL)                              \
      return err_;                                 \
  } G_STMT_END

#define TEXT_ARG(v, out)                           \
  G_STMT_START {                                   \
    if ((v)->kind == VAL_ERROR)                    \
      return _sandbox_formula_value_copy (v);      \
    (out) = _sandbox_formula_value_to_text (v);    \
  } G_STMT_END

/* the function families, each ending with a NULL name */
extern const FormulaFunc _sandbox_formula_text_functions[];
extern const FormulaFunc _sandbox_formula_number_functions[];
extern const FormulaFunc _sandbox_formula_date_functions[];
/* English month and weekday names */
extern const char * const _sandbox_formula_month_names[];
extern const char * const _sandbox_formula_weekday_names[];

G_END_DECLS
