/* hangar-cache-query.c — sort, filter and search over cached records
 *
 * Offline, the grid's sort, filter and search run on the cached records.
 * They become one SQL statement over cache_record, each cell read with
 * json_extract() (cells are JSON keyed by field id), run on the store's
 * worker thread; its result is the ordered list of rowids a
 * HangarCachedRecords shows.
 *
 * The filter is a filterByFormula text. Only the subset the grid's filter
 * editor writes is translated (hangar-cache-query.h says which); it follows
 * Airtable's rules as hangar-sandbox implements them (src/sandbox/README.md,
 * "filterByFormula"): a blank cell is "" to text and 0 to numbers, text
 * comparison is exact, FIND with LOWER on both sides ignores case. Case is
 * folded with GLib's Unicode lower-casing (SQLite's lower() knows only
 * ASCII). Anything else is refused, naming what, so the grid can say the
 * filter is not available offline rather than show the wrong rows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "hangar-cache-private.h"
#include "hangar-cache-query.h"

G_DEFINE_QUARK (hangar-cache-query-error-quark, hangar_cache_query_error)

/* Formulas deeper than this are not a filter editor's: refused. */
#define MAX_DEPTH 64

typedef enum
{
  PARAM_TEXT,
  PARAM_NUMBER,
} ParamKind;

typedef struct
{
  ParamKind  kind;
  char      *text;
  double     number;
} Param;

struct _HangarCacheQuery
{
  GPtrArray  *fields;     /* HangarField */
  GString    *where;      /* "" or an SQL condition */
  GString    *order;      /* "" or "expr ASC, expr DESC" */
  GPtrArray  *params;     /* Param*, numbered from 2 (?1 is the table) */
  char       *search;
};

static void
param_free (Param *param)
{
  g_free (param->text);
  g_free (param);
}

/* Adds a parameter; returns its placeholder number. */
static guint
add_text_param (HangarCacheQuery *query,
                const char       *text)
{
  Param *param = g_new0 (Param, 1);

  param->kind = PARAM_TEXT;
  param->text = g_strdup (text);
  g_ptr_array_add (query->params, param);
  return query->params->len + 1;
}

static guint
add_number_param (HangarCacheQuery *query,
                  double            number)
{
  Param *param = g_new0 (Param, 1);

  param->kind = PARAM_NUMBER;
  param->number = number;
  g_ptr_array_add (query->params, param);
  return query->params->len + 1;
}

HangarCacheQuery *
hangar_cache_query_new (HangarTable *table)
{
  HangarCacheQuery *query = g_new0 (HangarCacheQuery, 1);
  GPtrArray *fields = hangar_table_get_fields (table);

  query->fields = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; fields != NULL && i < fields->len; i++)
    g_ptr_array_add (query->fields, g_object_ref (g_ptr_array_index (fields, i)));
  query->where = g_string_new (NULL);
  query->order = g_string_new (NULL);
  query->params = g_ptr_array_new_with_free_func ((GDestroyNotify) param_free);
  return query;
}

void
hangar_cache_query_free (HangarCacheQuery *query)
{
  if (query == NULL)
    return;
  g_ptr_array_unref (query->fields);
  g_string_free (query->where, TRUE);
  g_string_free (query->order, TRUE);
  g_ptr_array_unref (query->params);
  g_free (query->search);
  g_free (query);
}

HangarCacheQuery *
hangar_cache_query_copy (HangarCacheQuery *query)
{
  HangarCacheQuery *copy = g_new0 (HangarCacheQuery, 1);

  copy->fields = g_ptr_array_ref (query->fields);
  copy->where = g_string_new (query->where->str);
  copy->order = g_string_new (query->order->str);
  copy->params = g_ptr_array_new_with_free_func ((GDestroyNotify) param_free);
  for (guint i = 0; i < query->params->len; i++)
    {
      Param *param = g_ptr_array_index (query->params, i);
      Param *dup = g_new0 (Param, 1);

      dup->kind = param->kind;
      dup->text = g_strdup (param->text);
      dup->number = param->number;
      g_ptr_array_add (copy->params, dup);
    }
  copy->search = g_strdup (query->search);
  return copy;
}

gboolean
hangar_cache_query_is_plain (HangarCacheQuery *query)
{
  return query->where->len == 0 && query->order->len == 0 && (query->search == NULL || *query->search == '\0');
}

static HangarField *
lookup_field (HangarCacheQuery *query,
              const char       *name_or_id)
{
  for (guint i = 0; i < query->fields->len; i++)
    {
      HangarField *field = g_ptr_array_index (query->fields, i);

      if (g_strcmp0 (hangar_field_get_name (field), name_or_id) == 0)
        return field;
    }
  for (guint i = 0; i < query->fields->len; i++)
    {
      HangarField *field = g_ptr_array_index (query->fields, i);

      if (g_strcmp0 (hangar_field_get_id (field), name_or_id) == 0)
        return field;
    }
  return NULL;
}

/* Field ids go into JSON paths: only letters and digits, as Airtable's are. */
static gboolean
id_is_plain (const char *id)
{
  if (id == NULL || *id == '\0')
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;
  return TRUE;
}

/* The SQL of a cell's value; NULL when its id cannot go into a path. */
static char *
cell_sql (HangarField *field)
{
  if (!id_is_plain (hangar_field_get_id (field)))
    return NULL;
  return g_strdup_printf ("json_extract (r.cells, '$.%s')", hangar_field_get_id (field));
}

typedef enum
{
  KIND_TEXT,
  KIND_NUMBER,
  KIND_CHECKBOX,
  KIND_DATE,
  KIND_LIST,     /* an array of texts (multiple selects) */
  KIND_OTHER,
} CellKind;

static CellKind
cell_kind (HangarField *field)
{
  HangarFieldType type = hangar_field_get_field_type (field);

  switch ((int) type)
    {
    case HANGAR_FIELD_TYPE_NUMBER:
    case HANGAR_FIELD_TYPE_PERCENT:
    case HANGAR_FIELD_TYPE_CURRENCY:
    case HANGAR_FIELD_TYPE_DURATION:
    case HANGAR_FIELD_TYPE_RATING:
    case HANGAR_FIELD_TYPE_COUNT:
    case HANGAR_FIELD_TYPE_AUTO_NUMBER:
      return KIND_NUMBER;
    case HANGAR_FIELD_TYPE_CHECKBOX:
      return KIND_CHECKBOX;
    case HANGAR_FIELD_TYPE_DATE:
    case HANGAR_FIELD_TYPE_DATE_TIME:
    case HANGAR_FIELD_TYPE_CREATED_TIME:
    case HANGAR_FIELD_TYPE_LAST_MODIFIED_TIME:
      return KIND_DATE;
    case HANGAR_FIELD_TYPE_SINGLE_SELECT:
      return KIND_TEXT;
    case HANGAR_FIELD_TYPE_MULTIPLE_SELECTS:
      return KIND_LIST;
    default:
      return hangar_field_type_is_text_like (type) ? KIND_TEXT : KIND_OTHER;
    }
}

/* ---- sorting ---- */

gboolean
hangar_cache_query_add_sort (HangarCacheQuery  *query,
                             const char        *name,
                             gboolean           descending,
                             GError           **error)
{
  HangarField *field = lookup_field (query, name);
  g_autofree char *cell = NULL;
  g_autofree char *expr = NULL;
  g_auto(GStrv) choices = NULL;

  if (field == NULL || (cell = cell_sql (field)) == NULL)
    {
      g_set_error (error, HANGAR_CACHE_QUERY_ERROR, HANGAR_CACHE_QUERY_ERROR_UNSUPPORTED,
                   _("The field “%s” is not in the offline copy"), name);
      return FALSE;
    }

  switch (cell_kind (field))
    {
    case KIND_NUMBER:
    case KIND_DATE:
      expr = g_strdup (cell);
      break;
    case KIND_CHECKBOX:
      expr = g_strdup_printf ("coalesce (%s, 0)", cell);
      break;
    case KIND_LIST:
      expr = g_strdup_printf ("hangar_fold ((SELECT group_concat (value, ', ') FROM json_each (r.cells, '$.%s')))",
                              hangar_field_get_id (field));
      break;
    case KIND_TEXT:
    case KIND_OTHER:
    default:
      /* Selects sort in the order of their choices, as Airtable does. */
      choices = hangar_field_get_field_type (field) == HANGAR_FIELD_TYPE_SINGLE_SELECT
                  ? hangar_field_dup_choice_names (field) : NULL;
      if (choices != NULL && choices[0] != NULL)
        {
          g_autoptr(GString) when = g_string_new ("CASE WHEN ");

          g_string_append_printf (when, "%s IS NULL THEN NULL", cell);
          for (guint i = 0; choices[i] != NULL; i++)
            g_string_append_printf (when, " WHEN %s = ?%u THEN %u", cell, add_text_param (query, choices[i]), i);
          g_string_append_printf (when, " ELSE %u END", g_strv_length (choices));
          expr = g_string_free (g_steal_pointer (&when), FALSE);
        }
      else
        expr = g_strdup_printf ("hangar_fold (%s)", cell);
      break;
    }

  if (query->order->len > 0)
    g_string_append (query->order, ", ");
  /* Blanks first ascending (NULL sorts first in SQLite), last descending. */
  g_string_append_printf (query->order, "%s %s", expr, descending ? "DESC" : "ASC");
  return TRUE;
}

void
hangar_cache_query_set_search (HangarCacheQuery *query,
                               const char       *text)
{
  g_free (query->search);
  query->search = text != NULL && *text != '\0' ? g_utf8_casefold (text, -1) : NULL;
}

/* ---- the formula subset ---- */

typedef enum
{
  NODE_FIELD,
  NODE_STRING,
  NODE_NUMBER,
  NODE_CALL,
  NODE_COMPARE,
} NodeKind;

typedef struct _Node Node;
struct _Node
{
  NodeKind   kind;
  char      *text;    /* field name, string, function name (upper case), operator */
  double     number;
  GPtrArray *args;    /* Node*: call arguments, or the two operands */
};

static void
node_free (Node *node)
{
  if (node == NULL)
    return;
  g_free (node->text);
  g_clear_pointer (&node->args, g_ptr_array_unref);
  g_free (node);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Node, node_free)

typedef struct
{
  const char *text;
  const char *p;
  guint       depth;
  GError    **error;
} Parser;

static gboolean
syntax_error (Parser     *parser,
              const char *what)
{
  if (parser->error != NULL && *parser->error == NULL)
    g_set_error (parser->error, HANGAR_CACHE_QUERY_ERROR, HANGAR_CACHE_QUERY_ERROR_SYNTAX,
                 /* TRANSLATORS: %s is a reason, such as "a “)” is missing" or "it ends too early" ("it": the formula) */
                 _("The formula cannot be read at character %u: %s"),
                 (guint) g_utf8_pointer_to_offset (parser->text, parser->p) + 1, what);
  return FALSE;
}

static void
skip_space (Parser *parser)
{
  while (*parser->p == ' ' || *parser->p == '\t' || *parser->p == '\n' || *parser->p == '\r')
    parser->p++;
}

static Node *parse_compare (Parser *parser);

/* '…' or "…" with backslash escapes, or {…} with backslash escapes. */
static char *
parse_quoted (Parser *parser,
              char    close)
{
  g_autoptr(GString) out = g_string_new (NULL);

  parser->p++;
  while (*parser->p != close)
    {
      if (*parser->p == '\0')
        {
          syntax_error (parser, _("a text or a field name is not closed"));
          return NULL;
        }
      if (*parser->p == '\\' && parser->p[1] != '\0')
        parser->p++;
      g_string_append_c (out, *parser->p++);
    }
  parser->p++;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static Node *
parse_primary (Parser *parser)
{
  g_autoptr(Node) node = g_new0 (Node, 1);

  skip_space (parser);
  if (++parser->depth > MAX_DEPTH)
    {
      syntax_error (parser, _("it is nested too deeply"));
      return NULL;
    }

  if (*parser->p == '(')
    {
      Node *inner;

      parser->p++;
      inner = parse_compare (parser);
      if (inner == NULL)
        return NULL;
      skip_space (parser);
      if (*parser->p != ')')
        {
          node_free (inner);
          syntax_error (parser, _("a “)” is missing"));
          return NULL;
        }
      parser->p++;
      parser->depth--;
      return inner;
    }
  if (*parser->p == '{')
    {
      node->kind = NODE_FIELD;
      if ((node->text = parse_quoted (parser, '}')) == NULL)
        return NULL;
    }
  else if (*parser->p == '\'' || *parser->p == '"')
    {
      node->kind = NODE_STRING;
      if ((node->text = parse_quoted (parser, *parser->p)) == NULL)
        return NULL;
    }
  else if (g_ascii_isdigit (*parser->p) || *parser->p == '.' ||
           (*parser->p == '-' && (g_ascii_isdigit (parser->p[1]) || parser->p[1] == '.')))
    {
      char *end = NULL;

      node->kind = NODE_NUMBER;
      node->number = g_ascii_strtod (parser->p, &end);
      if (end == parser->p)
        {
          syntax_error (parser, _("a number is malformed"));
          return NULL;
        }
      parser->p = end;
    }
  else if (g_ascii_isalpha (*parser->p) || *parser->p == '_')
    {
      const char *start = parser->p;

      while (g_ascii_isalnum (*parser->p) || *parser->p == '_')
        parser->p++;
      node->kind = NODE_CALL;
      node->text = g_ascii_strup (start, parser->p - start);
      node->args = g_ptr_array_new_with_free_func ((GDestroyNotify) node_free);
      skip_space (parser);
      if (*parser->p != '(')
        {
          syntax_error (parser, _("a function needs its parentheses"));
          return NULL;
        }
      parser->p++;
      skip_space (parser);
      if (*parser->p != ')')
        for (;;)
          {
            Node *arg = parse_compare (parser);

            if (arg == NULL)
              return NULL;
            g_ptr_array_add (node->args, arg);
            skip_space (parser);
            if (*parser->p == ',')
              {
                parser->p++;
                continue;
              }
            break;
          }
      if (*parser->p != ')')
        {
          syntax_error (parser, _("a “)” is missing"));
          return NULL;
        }
      parser->p++;
    }
  else
    {
      syntax_error (parser, *parser->p == '\0' ? _("it ends too early") : _("unexpected character"));
      return NULL;
    }
  parser->depth--;
  return g_steal_pointer (&node);
}

static const char *
read_operator (Parser *parser)
{
  static const char * const ops[] = { "<=", ">=", "!=", "=", "<", ">", NULL };

  skip_space (parser);
  for (guint i = 0; ops[i] != NULL; i++)
    if (g_str_has_prefix (parser->p, ops[i]))
      {
        parser->p += strlen (ops[i]);
        return ops[i];
      }
  return NULL;
}

/* Comparisons are the loosest level; arithmetic and & are not in the
 * subset (a formula using them is refused when translated, not here). */
static Node *
parse_compare (Parser *parser)
{
  g_autoptr(Node) left = parse_primary (parser);
  const char *op;

  if (left == NULL)
    return NULL;
  while ((op = read_operator (parser)) != NULL)
    {
      Node *right = parse_primary (parser);
      Node *compare;

      if (right == NULL)
        return NULL;
      compare = g_new0 (Node, 1);
      compare->kind = NODE_COMPARE;
      compare->text = g_strdup (op);
      compare->args = g_ptr_array_new_with_free_func ((GDestroyNotify) node_free);
      g_ptr_array_add (compare->args, g_steal_pointer (&left));
      g_ptr_array_add (compare->args, right);
      left = compare;
    }
  return g_steal_pointer (&left);
}

/* ---- translation ---- */

typedef struct
{
  HangarCacheQuery *query;
  GError          **error;
} Translator;

static gboolean
unsupported (Translator *t,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static gboolean
unsupported (Translator *t,
             const char *format,
             ...)
{
  va_list args;
  g_autofree char *what = NULL;

  if (t->error == NULL || *t->error != NULL)
    return FALSE;
  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (t->error, HANGAR_CACHE_QUERY_ERROR, HANGAR_CACHE_QUERY_ERROR_UNSUPPORTED,
               /* TRANSLATORS: %s is a reason, such as "“Name” is compared with a number" or "it uses SUM()" ("it": the filter) */
               _("This filter is not available offline: %s"), what);
  return FALSE;
}

static gboolean
is_call (Node       *node,
         const char *name,
         guint       n_args)
{
  return node->kind == NODE_CALL && g_str_equal (node->text, name) && node->args->len == n_args;
}

static Node *
arg (Node *node,
     guint i)
{
  return g_ptr_array_index (node->args, i);
}

static HangarField *
field_of (Translator *t,
          Node       *node)
{
  HangarField *field;

  if (node->kind != NODE_FIELD)
    return NULL;
  field = lookup_field (t->query, node->text);
  if (field == NULL || !id_is_plain (hangar_field_get_id (field)))
    {
      unsupported (t, _("the field “%s” is not in the offline copy"), node->text);
      return NULL;
    }
  return field;
}

/* A field's value as text, for "contains": lists joined with ", ". */
static char *
text_of_field (HangarField *field,
               const char  *separator_param)
{
  const char *id = hangar_field_get_id (field);

  if (cell_kind (field) == KIND_LIST)
    return g_strdup_printf ("coalesce ((SELECT group_concat (value, %s) FROM json_each (r.cells, '$.%s')), '')",
                            separator_param, id);
  return g_strdup_printf ("coalesce (json_extract (r.cells, '$.%s'), '')", id);
}

/* DATETIME_PARSE('YYYY-MM-DD[THH:MM:SS.mmmZ]') → the text, else NULL. */
static const char *
date_literal (Node *node)
{
  if (is_call (node, "DATETIME_PARSE", 1) && arg (node, 0)->kind == NODE_STRING)
    return arg (node, 0)->text;
  return NULL;
}

/* The instant of @text in the form dateTime cells have, so that text
 * comparison orders instants: "2024-03-05" is midnight UTC. */
static char *
normalize_date (const char *text,
                gboolean    date_only_field)
{
  if (date_only_field)
    return g_strndup (text, 10);
  if (strlen (text) == 10)
    return g_strconcat (text, "T00:00:00.000Z", NULL);
  return g_strdup (text);
}

static gboolean translate_bool (Translator *t, Node *node, GString *out);

/* FIND(needle, haystack) > 0 and its spellings: "contains". */
static gboolean
translate_contains (Translator *t,
                    Node       *find,
                    gboolean    negate,
                    GString    *out)
{
  Node *needle = arg (find, 0);
  Node *haystack = arg (find, 1);
  gboolean fold_needle = FALSE;
  gboolean fold_hay = FALSE;
  g_autofree char *sep = NULL;
  g_autofree char *text = NULL;
  HangarField *field;

  if (is_call (needle, "LOWER", 1))
    {
      fold_needle = TRUE;
      needle = arg (needle, 0);
    }
  if (needle->kind != NODE_STRING)
    return unsupported (t, _("FIND looks for something other than a text"));
  if (is_call (haystack, "LOWER", 1))
    {
      fold_hay = TRUE;
      haystack = arg (haystack, 0);
    }
  if (is_call (haystack, "ARRAYJOIN", 2) && arg (haystack, 1)->kind == NODE_STRING)
    {
      sep = g_strdup_printf ("?%u", add_text_param (t->query, arg (haystack, 1)->text));
      haystack = arg (haystack, 0);
    }
  else if (is_call (haystack, "ARRAYJOIN", 1))
    haystack = arg (haystack, 0);
  if ((field = field_of (t, haystack)) == NULL)
    return haystack->kind == NODE_FIELD ? FALSE : unsupported (t, _("FIND looks in something other than a field"));
  if (cell_kind (field) == KIND_OTHER || cell_kind (field) == KIND_CHECKBOX)
    return unsupported (t, _("“%s” is not a text field"), hangar_field_get_name (field));
  if (sep == NULL)
    sep = g_strdup_printf ("?%u", add_text_param (t->query, ", "));

  text = text_of_field (field, sep);
  /* FIND with LOWER on one side only is case-sensitive against a folded
   * text; fold both only when both are. SEARCH ignores case itself. */
  if (g_str_equal (find->text, "SEARCH"))
    fold_needle = fold_hay = TRUE;
  {
    g_autofree char *folded_needle = fold_needle ? g_utf8_strdown (needle->text, -1) : g_strdup (needle->text);

    g_string_append_printf (out, "(instr (%s%s%s, ?%u) %s 0)",
                            fold_hay ? "hangar_lower (" : "", text, fold_hay ? ")" : "",
                            add_text_param (t->query, folded_needle), negate ? "=" : ">");
  }
  return TRUE;
}

static gboolean
translate_compare (Translator *t,
                   Node       *node,
                   GString    *out)
{
  static const struct { const char *op; const char *flipped; const char *sql; } ops[] = {
    { "=", "=", "=" }, { "!=", "!=", "<>" }, { "<", ">", "<" }, { ">", "<", ">" },
    { "<=", ">=", "<=" }, { ">=", "<=", ">=" },
  };
  Node *left = arg (node, 0);
  Node *right = arg (node, 1);
  const char *op = node->text;
  const char *sql_op = NULL;
  HangarField *field;
  CellKind kind;
  g_autofree char *cell = NULL;

  /* The field (or FIND) on the left. */
  if (left->kind != NODE_FIELD && !is_call (left, "FIND", 2) && !is_call (left, "SEARCH", 2))
    {
      Node *swap = left;

      left = right;
      right = swap;
      for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
        if (g_str_equal (ops[i].op, op))
          {
            op = ops[i].flipped;
            break;
          }
    }
  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    if (g_str_equal (ops[i].op, op))
      sql_op = ops[i].sql;

  if (is_call (left, "FIND", 2) || is_call (left, "SEARCH", 2))
    {
      if (right->kind == NODE_NUMBER && right->number == 0 && g_str_equal (op, ">"))
        return translate_contains (t, left, FALSE, out);
      if (right->kind == NODE_NUMBER && right->number == 0 && g_str_equal (op, "="))
        return translate_contains (t, left, TRUE, out);
      if (right->kind == NODE_NUMBER && right->number == 1 && g_str_equal (op, ">="))
        return translate_contains (t, left, FALSE, out);
      return unsupported (t, _("FIND is compared with something other than 0"));
    }
  if (left->kind != NODE_FIELD)
    return unsupported (t, _("a comparison without a field"));
  if ((field = field_of (t, left)) == NULL)
    return FALSE;
  kind = cell_kind (field);
  cell = cell_sql (field);

  /* {F} = BLANK(): empty; {F} != BLANK(): not empty. */
  if (is_call (right, "BLANK", 0))
    {
      if (!g_str_equal (op, "=") && !g_str_equal (op, "!="))
        return unsupported (t, _("BLANK() is ordered"));
      g_string_append_printf (out, "(%s(%s IS NULL OR %s = '' OR %s = '[]'))",
                              g_str_equal (op, "!=") ? "NOT " : "", cell, cell, cell);
      return TRUE;
    }
  if (is_call (right, "TRUE", 0) || is_call (right, "FALSE", 0))
    {
      if (kind != KIND_CHECKBOX || (!g_str_equal (op, "=") && !g_str_equal (op, "!=")))
        return unsupported (t, _("“%s” is compared with TRUE() or FALSE()"), hangar_field_get_name (field));
      g_string_append_printf (out, "(coalesce (%s, 0) %s %d)", cell, sql_op, is_call (right, "TRUE", 0) ? 1 : 0);
      return TRUE;
    }
  if (right->kind == NODE_NUMBER)
    {
      if (kind != KIND_NUMBER && kind != KIND_CHECKBOX)
        return unsupported (t, _("“%s” is compared with a number"), hangar_field_get_name (field));
      /* A blank cell is 0 to a number. */
      g_string_append_printf (out, "(coalesce (%s, 0) %s ?%u)", cell, sql_op,
                              add_number_param (t->query, right->number));
      return TRUE;
    }
  if (right->kind == NODE_STRING)
    {
      if (kind != KIND_TEXT)
        return unsupported (t, _("“%s” is compared with a text"), hangar_field_get_name (field));
      /* A blank cell is "" to a text; comparison is exact. */
      g_string_append_printf (out, "(coalesce (%s, '') %s ?%u)", cell, sql_op,
                              add_text_param (t->query, right->text));
      return TRUE;
    }
  if (date_literal (right) != NULL)
    {
      g_autofree char *date = NULL;

      if (kind != KIND_DATE)
        return unsupported (t, _("“%s” is compared with a date"), hangar_field_get_name (field));
      date = normalize_date (date_literal (right), hangar_field_get_field_type (field) == HANGAR_FIELD_TYPE_DATE);
      g_string_append_printf (out, "(%s IS NOT NULL AND %s %s ?%u)", cell, cell, sql_op,
                              add_text_param (t->query, date));
      return TRUE;
    }
  return unsupported (t, _("“%s” is compared with a calculation"), hangar_field_get_name (field));
}

/* IS_SAME / IS_BEFORE / IS_AFTER of a date field and a date. */
static gboolean
translate_date_call (Translator *t,
                     Node       *node,
                     GString    *out)
{
  HangarField *field = field_of (t, arg (node, 0));
  const char *literal = date_literal (arg (node, 1));
  g_autofree char *cell = NULL;
  g_autofree char *date = NULL;
  gboolean date_only;

  if (field == NULL)
    return arg (node, 0)->kind == NODE_FIELD ? FALSE : unsupported (t, _("%s of something other than a field"), node->text);
  if (literal == NULL || cell_kind (field) != KIND_DATE)
    return unsupported (t, _("%s with something other than a date field and a date"), node->text);
  date_only = hangar_field_get_field_type (field) == HANGAR_FIELD_TYPE_DATE;
  cell = cell_sql (field);

  if (g_str_equal (node->text, "IS_SAME"))
    {
      if (node->args->len == 3 && (arg (node, 2)->kind != NODE_STRING || g_ascii_strcasecmp (arg (node, 2)->text, "day") != 0))
        return unsupported (t, _("IS_SAME with a unit other than “day”"));
      if (node->args->len != 3)
        return unsupported (t, _("IS_SAME without a unit"));
      /* The day in UTC, as the sandbox compares it. */
      g_string_append_printf (out, "(%s IS NOT NULL AND substr (%s, 1, 10) = ?%u)", cell, cell,
                              add_text_param (t->query, (date = g_strndup (literal, 10))));
      return TRUE;
    }
  date = normalize_date (literal, date_only);
  g_string_append_printf (out, "(%s IS NOT NULL AND %s %s ?%u)", cell, cell,
                          g_str_equal (node->text, "IS_BEFORE") ? "<" : ">", add_text_param (t->query, date));
  return TRUE;
}

static gboolean
translate_bool (Translator *t,
                Node       *node,
                GString    *out)
{
  if (node->kind == NODE_COMPARE)
    return translate_compare (t, node, out);

  if (node->kind == NODE_FIELD)
    {
      HangarField *field = field_of (t, node);
      g_autofree char *cell = NULL;

      if (field == NULL)
        return FALSE;
      if (cell_kind (field) == KIND_OTHER)
        return unsupported (t, _("“%s” is used as a condition"), hangar_field_get_name (field));
      /* Truthy: not blank, not "", not 0 (an unticked checkbox is absent). */
      cell = cell_sql (field);
      g_string_append_printf (out, "(%s IS NOT NULL AND %s <> '' AND %s <> 0 AND %s <> '[]')", cell, cell, cell, cell);
      return TRUE;
    }

  if (node->kind == NODE_CALL)
    {
      if ((g_str_equal (node->text, "AND") || g_str_equal (node->text, "OR")) && node->args->len > 0)
        {
          g_string_append_c (out, '(');
          for (guint i = 0; i < node->args->len; i++)
            {
              if (i > 0)
                g_string_append (out, g_str_equal (node->text, "AND") ? " AND " : " OR ");
              if (!translate_bool (t, arg (node, i), out))
                return FALSE;
            }
          g_string_append_c (out, ')');
          return TRUE;
        }
      if (is_call (node, "NOT", 1))
        {
          g_string_append (out, "(NOT ");
          if (!translate_bool (t, arg (node, 0), out))
            return FALSE;
          g_string_append_c (out, ')');
          return TRUE;
        }
      if (is_call (node, "TRUE", 0) || is_call (node, "FALSE", 0))
        {
          g_string_append (out, is_call (node, "TRUE", 0) ? "1" : "0");
          return TRUE;
        }
      if ((is_call (node, "IS_SAME", 2) || is_call (node, "IS_SAME", 3) ||
           is_call (node, "IS_BEFORE", 2) || is_call (node, "IS_AFTER", 2)))
        return translate_date_call (t, node, out);
      return unsupported (t, _("it uses %s()"), node->text);
    }

  return unsupported (t, _("a text or number alone is not a condition"));
}

gboolean
hangar_cache_query_set_formula (HangarCacheQuery  *query,
                                const char        *formula,
                                GError           **error)
{
  Parser parser = { formula, formula, 0, error };
  Translator t = { query, error };
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(Node) root = NULL;
  guint n_params = query->params->len;

  g_string_truncate (query->where, 0);
  if (formula == NULL || *formula == '\0')
    return TRUE;

  root = parse_compare (&parser);
  if (root == NULL)
    return FALSE;
  skip_space (&parser);
  if (*parser.p != '\0')
    return unsupported (&t, _("it uses operators other than comparisons"));
  if (!translate_bool (&t, root, sql))
    {
      /* Parameters of the failed translation are not referenced. */
      g_ptr_array_set_size (query->params, n_params);
      return FALSE;
    }
  g_string_assign (query->where, sql->str);
  return TRUE;
}

/* ---- running it ---- */

typedef struct
{
  char             *base_id;
  char             *table_id;
  HangarCacheQuery *query;
} ListJob;

static void
list_job_free (ListJob *job)
{
  g_free (job->base_id);
  g_free (job->table_id);
  hangar_cache_query_free (job->query);
  g_free (job);
}

/* hangar_lower(text): Unicode lower case (SQLite's lower() is ASCII-only);
 * hangar_fold(text): case-folded, for ordering. NULL stays NULL. */
static void
sql_lower (sqlite3_context *context,
           int              argc,
           sqlite3_value  **argv)
{
  const char *text = (const char *) sqlite3_value_text (argv[0]);
  char *lower;

  if (text == NULL)
    {
      sqlite3_result_null (context);
      return;
    }
  lower = sqlite3_user_data (context) != NULL ? g_utf8_casefold (text, -1) : g_utf8_strdown (text, -1);
  sqlite3_result_text (context, lower, -1, g_free);
}

static gboolean
register_functions (sqlite3  *db,
                    GError  **error)
{
  int rc = sqlite3_create_function_v2 (db, "hangar_lower", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                       sql_lower, NULL, NULL, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_create_function_v2 (db, "hangar_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, (void *) 1,
                                     sql_lower, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return hangar_store_set_error (error, db, rc, "Could not set up the offline search");
  return TRUE;
}

static gpointer
list_job (sqlite3       *db,
          gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  ListJob *job = data;
  HangarCacheQuery *query = job->query;
  g_autoptr(GString) sql = g_string_new ("SELECT r.rowid FROM cache_record r WHERE r.table_key = ?1");
  g_autoptr(GArray) rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = NULL;
  gint64 key;
  int rc;

  if (!register_functions (db, error))
    return NULL;
  key = _hangar_cache_table_key (db, job->base_id, job->table_id, FALSE, error);
  if (key < 0)
    return NULL;

  if (query->where->len > 0)
    g_string_append_printf (sql, " AND %s", query->where->str);
  if (query->search != NULL)
    {
      guint param = add_text_param (query, query->search);
      gboolean any = FALSE;

      g_string_append (sql, " AND (");
      for (guint i = 0; i < query->fields->len; i++)
        {
          HangarField *field = g_ptr_array_index (query->fields, i);

          if (!hangar_field_is_text_like (field) || !id_is_plain (hangar_field_get_id (field)))
            continue;
          g_string_append_printf (sql, "%sinstr (hangar_fold (json_extract (r.cells, '$.%s')), ?%u) > 0",
                                  any ? " OR " : "", hangar_field_get_id (field), param);
          any = TRUE;
        }
      g_string_append (sql, any ? ")" : "0)");
    }
  g_string_append_printf (sql, " ORDER BY %s%sr.position", query->order->str, query->order->len > 0 ? ", " : "");

  rc = sqlite3_prepare_v2 (db, sql->str, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      hangar_store_set_error (error, db, rc, "Could not query the offline copy");
      return NULL;
    }
  sqlite3_bind_int64 (stmt, 1, key);
  for (guint i = 0; i < query->params->len; i++)
    {
      Param *param = g_ptr_array_index (query->params, i);

      if (param->kind == PARAM_TEXT)
        sqlite3_bind_text (stmt, i + 2, param->text, -1, SQLITE_STATIC);
      else
        sqlite3_bind_double (stmt, i + 2, param->number);
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 rowid = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (rowids, rowid);
      if ((rowids->len & 0xfff) == 0 && g_cancellable_is_cancelled (cancellable))
        break;
    }
  sqlite3_finalize (stmt);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if (rc != SQLITE_DONE)
    {
      hangar_store_set_error (error, db, rc, "Could not query the offline copy");
      return NULL;
    }
  return g_steal_pointer (&rowids);
}

static void
list_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HangarCache *self = g_task_get_source_object (task);
  GError *error = NULL;
  GArray *rowids = hangar_store_run_finish (HANGAR_STORE (object), result, &error);

  if (rowids == NULL)
    {
      _hangar_cache_check_damage (self, error);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, rowids, (GDestroyNotify) g_array_unref);
}

void
hangar_cache_list_rowids_async (HangarCache         *cache,
                                const char          *base_id,
                                const char          *table_id,
                                HangarCacheQuery    *query,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;
  ListJob *job;

  g_return_if_fail (HANGAR_IS_CACHE (cache));
  g_return_if_fail (base_id != NULL && table_id != NULL && query != NULL);

  task = g_task_new (cache, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_cache_list_rowids_async);
  job = g_new0 (ListJob, 1);
  job->base_id = g_strdup (base_id);
  job->table_id = g_strdup (table_id);
  job->query = hangar_cache_query_copy (query);
  hangar_store_run_async (hangar_cache_get_store (cache), list_job, job, (GDestroyNotify) list_job_free,
                          (GDestroyNotify) g_array_unref, cancellable, list_done_cb, task);
}

GArray *
hangar_cache_list_rowids_finish (HangarCache   *cache,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, cache), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
