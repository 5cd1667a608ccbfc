/* test-sandbox-formula.c — the sandbox's formula parser and evaluator
 *
 * A table of formulas evaluated against one fake record (a fake resolve and
 * cell callback stand in for the server's table), plus nesting limits,
 * sorting, threads and a fixed-seed fuzz loop.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "hangar-test-sandbox.h"
#include "sandbox-formula.h"

/* ------------------------------------------------------------------ */
/* The fake table                                                      */
/* ------------------------------------------------------------------ */

typedef struct
{
  const char *id;
  const char *name;
  const char *type;
  const char *json;   /* the record's cell, NULL = empty */
} FakeField;

static const FakeField fake_fields[] = {
  { "fldName00000000001", "Name", "singleLineText", "\"Alpha Widget\"" },
  { "fldNotes0000000001", "Notes", "multilineText", "\"Line one\\nLine \\\"two\\\"\"" },
  { "fldPrice0000000001", "Price", "currency", "12.5" },
  { "fldQty000000000001", "Qty", "number", "3" },
  { "fldZero00000000001", "Zero", "number", "0" },
  { "fldEmptyText000001", "Empty Text", "singleLineText", NULL },
  { "fldEmptyNum0000001", "Empty Num", "number", NULL },
  { "fldDone00000000001", "Done", "checkbox", "true" },
  { "fldNotDone00000001", "Not Done", "checkbox", NULL },
  { "fldTags00000000001", "Tags", "multipleSelects", "[\"red\",\"blue\",\"red\"]" },
  { "fldStatus000000001", "Status", "singleSelect", "\"In progress\"" },
  { "fldDue000000000001", "Due", "date", "\"2024-03-15\"" },
  { "fldStart0000000001", "Start", "dateTime", "\"2024-03-10T08:30:00.000Z\"" },
  { "fldOwner0000000001", "Owner", "singleCollaborator",
    "{\"id\":\"usrA0000000000001\",\"email\":\"ann@example.com\",\"name\":\"Ann Lee\"}" },
  { "fldFiles0000000001", "Files", "multipleAttachments",
    "[{\"id\":\"att1\",\"url\":\"https://example.com/a.pdf\",\"filename\":\"a.pdf\",\"size\":10},"
    " {\"id\":\"att2\",\"url\":\"https://example.com/b.png\",\"filename\":\"b.png\",\"size\":20}]" },
  { "fldProjects0000001", "Projects", "multipleRecordLinks", "[\"Apollo\",\"Gemini\"]" },
  { "fldBrace0000000001", "Odd}Name", "singleLineText", "\"braced\"" },
  { "fldBack00000000001", "Back\\Slash", "singleLineText", "\"slashed\"" },
  { "fldQuote0000000001", "It's \"quoted\"", "singleLineText", "\"q\"" },
  { "fldPct000000000001", "Pct", "percent", "0.25" },
  { "fldLookup000000001", "Lookup", "multipleLookupValues", "[1,2,3]" },
  { "fldMixed0000000001", "Mixed", "multipleLookupValues", "[\"x\",\"\",null,false,\"x\"]" },
  { "fldGrosse000000001", "Größe", "number", "7" },
  { "fldNumText00000001", "Num Text", "singleLineText", "\"42\"" },
  { "fldSpaced000000001", "Spaced", "singleLineText", "\"  padded  \"" },
  { "fldBroken000000001", "Broken", "formula", "{\"error\":\"#ERROR!\"}" },
  { "fldNaN000000000001", "NaNField", "formula", "{\"specialValue\":\"NaN\"}" },
  { "fldEmoji0000000001", "Emoji", "singleLineText", "\"Café ☕ ÉTÉ\"" },
};

#define RECORD_ID "recTEST0000000001"
#define CREATED   "2024-01-05T09:00:00.000Z"

static GHashTable *fake_record;   /* field id → JsonNode */
static GDateTime  *fake_now;      /* 2024-03-12T15:45:30Z */
static guint       resolve_calls;

static gboolean
fake_resolve (const char  *name_or_id,
              const char **out_id,
              const char **out_type,
              gpointer     user_data)
{
  resolve_calls++;
  for (guint i = 0; i < G_N_ELEMENTS (fake_fields); i++)
    if (g_str_equal (fake_fields[i].name, name_or_id) ||
        g_str_equal (fake_fields[i].id, name_or_id))
      {
        *out_id = fake_fields[i].id;
        *out_type = fake_fields[i].type;
        return TRUE;
      }
  return FALSE;
}

static JsonNode *
fake_cell (const char *field_id,
           gpointer    record)
{
  JsonNode *node;

  if (g_str_equal (field_id, SANDBOX_FORMULA_CREATED_TIME))
    {
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_string (node, CREATED);
      return node;
    }
  node = g_hash_table_lookup (record, field_id);
  return node ? json_node_ref (node) : NULL;
}

static void
fake_setup (void)
{
  fake_record = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                       (GDestroyNotify) json_node_unref);
  for (guint i = 0; i < G_N_ELEMENTS (fake_fields); i++)
    if (fake_fields[i].json != NULL)
      {
        g_autoptr(GError) error = NULL;
        JsonNode *node = json_from_string (fake_fields[i].json, &error);

        g_assert_no_error (error);
        g_hash_table_insert (fake_record, (gpointer) fake_fields[i].id, node);
      }
  fake_now = g_date_time_new_utc (2024, 3, 12, 15, 45, 30);
}

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static gboolean
json_loose_equal (JsonNode *a, JsonNode *b)
{
  if (JSON_NODE_TYPE (a) != JSON_NODE_TYPE (b))
    return FALSE;
  switch (JSON_NODE_TYPE (a))
    {
    case JSON_NODE_NULL:
      return TRUE;
    case JSON_NODE_VALUE:
      {
        GType ta = json_node_get_value_type (a), tb = json_node_get_value_type (b);
        gboolean na = ta == G_TYPE_INT64 || ta == G_TYPE_DOUBLE;
        gboolean nb = tb == G_TYPE_INT64 || tb == G_TYPE_DOUBLE;

        if (na && nb)
          {
            double x = json_node_get_double (a), y = json_node_get_double (b);

            if (ta == G_TYPE_INT64)
              x = (double) json_node_get_int (a);
            if (tb == G_TYPE_INT64)
              y = (double) json_node_get_int (b);
            return fabs (x - y) <= 1e-9 * MAX (1.0, fabs (y));
          }
        if (ta != tb)
          return FALSE;
        if (ta == G_TYPE_STRING)
          return g_strcmp0 (json_node_get_string (a), json_node_get_string (b)) == 0;
        if (ta == G_TYPE_BOOLEAN)
          return json_node_get_boolean (a) == json_node_get_boolean (b);
        return FALSE;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *x = json_node_get_array (a), *y = json_node_get_array (b);

        if (json_array_get_length (x) != json_array_get_length (y))
          return FALSE;
        for (guint i = 0; i < json_array_get_length (x); i++)
          if (!json_loose_equal (json_array_get_element (x, i), json_array_get_element (y, i)))
            return FALSE;
        return TRUE;
      }
    case JSON_NODE_OBJECT:
      {
        JsonObject *x = json_node_get_object (a), *y = json_node_get_object (b);
        g_autoptr(GList) members = json_object_get_members (x);

        if (json_object_get_size (x) != json_object_get_size (y))
          return FALSE;
        for (GList *l = members; l; l = l->next)
          if (!json_object_has_member (y, l->data) ||
              !json_loose_equal (json_object_get_member (x, l->data),
                                 json_object_get_member (y, l->data)))
            return FALSE;
        return TRUE;
      }
    default:
      return FALSE;
    }
}

/* truthiness as filterByFormula applies it, read off the JSON result */
static gboolean
json_truthy (JsonNode *n)
{
  switch (JSON_NODE_TYPE (n))
    {
    case JSON_NODE_NULL:
      return FALSE;
    case JSON_NODE_ARRAY:
      return json_array_get_length (json_node_get_array (n)) > 0;
    case JSON_NODE_OBJECT:
      {
        JsonObject *o = json_node_get_object (n);

        return !json_object_has_member (o, "error") && !json_object_has_member (o, "specialValue");
      }
    case JSON_NODE_VALUE:
      {
        GType t = json_node_get_value_type (n);

        if (t == G_TYPE_STRING)
          return json_node_get_string (n)[0] != '\0';
        if (t == G_TYPE_BOOLEAN)
          return json_node_get_boolean (n);
        if (t == G_TYPE_INT64)
          return json_node_get_int (n) != 0;
        return json_node_get_double (n) != 0;
      }
    default:
      return FALSE;
    }
}

static SandboxFormula *
parse (const char *text, GError **error)
{
  return sandbox_formula_parse (text, fake_resolve, NULL, error);
}

static char *
eval_to_string (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SandboxFormula) f = parse (text, &error);
  g_autoptr(JsonNode) v = NULL;

  g_assert_no_error (error);
  v = sandbox_formula_evaluate (f, fake_cell, fake_record, RECORD_ID, fake_now);
  return json_to_string (v, FALSE);
}

/* ------------------------------------------------------------------ */
/* The table                                                           */
/* ------------------------------------------------------------------ */

/* expect: JSON of sandbox_formula_evaluate(); "?1"/"?0" for truthiness only;
 * "!SYNTAX", "!FIELD", "!FUNC", "!ARGS" for a parse error of that code. */
typedef struct
{
  const char *formula;
  const char *expect;
} Case;

#define ERR "{\"error\":\"#ERROR!\"}"
#define NAN_JSON "{\"specialValue\":\"NaN\"}"

static const Case cases[] = {
  /* arithmetic and precedence */
  { "1+2*3", "7" },
  { "(1+2)*3", "9" },
  { "10-4-3", "3" },
  { "12/4/3", "1" },
  { "-3+5", "2" },
  { "--3", "3" },
  { "-(2*3)", "-6" },
  { "2*-3", "-6" },
  { "1.5e2", "150" },
  { ".5+0.25", "0.75" },
  { "7/2", "3.5" },
  { "1/0", ERR },
  { "0/0", NAN_JSON },
  { "{Price}*{Qty}", "37.5" },
  { "{Empty Num}+5", "5" },
  { "{Done}+{Done}", "2" },
  { "{Not Done}*1", "0" },
  { "'abc'+1", ERR },
  { "{Num Text}+1", "43" },
  { "'  7 '*2", "14" },
  { "{Lookup}+1", ERR },
  { "-'abc'", ERR },
  { "{Pct}*100", "25" },
  { "{NaNField}+1", NAN_JSON },
  { "POWER(10, 400)", ERR },
  /* & and text coercion */
  { "1 & 2", "\"12\"" },
  { "'a' & {Empty Text} & 'b'", "\"ab\"" },
  { "{Tags} & ''", "\"red, blue, red\"" },
  { "{Owner} & ''", "\"Ann Lee\"" },
  { "{Files} & ''", "\"a.pdf, b.png\"" },
  { "{Projects} & ''", "\"Apollo, Gemini\"" },
  { "{Done} & ''", "\"1\"" },
  { "(0.1+0.2)&''", "\"0.30000000000000004\"" },
  { "1+2&3", "\"33\"" },
  { "2*3&'x'", "\"6x\"" },
  { "1&2=12", "1" },
  { "{Due}&''", "\"2024-03-15\"" },
  { "{Start}&''", "\"2024-03-10T08:30:00.000Z\"" },
  { "{Broken}&'x'", ERR },
  /* comparisons */
  { "1=1", "1" },
  { "1!=1", "0" },
  { "2>1", "1" },
  { "2<1", "0" },
  { "2>=2", "1" },
  { "2<=1", "0" },
  { "1<2<3", "1" },
  { "3>2>1", "0" },
  { "{Name}='Alpha Widget'", "1" },
  { "{Name}='alpha widget'", "0" },
  { "{Name}!='Alpha Widget'", "0" },
  { "{Empty Text}=''", "1" },
  { "{Empty Text}=BLANK()", "1" },
  { "{Name}=''", "0" },
  { "NOT({Name}='')", "1" },
  { "{Empty Num}=0", "1" },
  { "{Not Done}=FALSE()", "1" },
  { "{Done}=TRUE()", "1" },
  { "{Done}=1", "1" },
  { "{Num Text}=42", "1" },
  { "{Qty}='3'", "1" },
  { "{Qty}>'10'", "0" },
  { "'b'>'a'", "1" },
  { "'B'<'a'", "1" },
  { "{Due}='2024-03-15'", "1" },
  { "{Due}<{Start}", "0" },
  { "{Due}=DATETIME_PARSE('2024-03-15')", "1" },
  { "{Start}>'2024-03-10'", "1" },
  { "{Due}=BLANK()", "0" },
  { "{Due}>TODAY()", "1" },
  { "0/0=0/0", "0" },
  { "0/0!=0/0", "1" },
  { "ERROR()=1", ERR },
  { "{Projects}='Apollo, Gemini'", "1" },
  /* strings, quoting and escapes */
  { "\"He said \\\"hi\\\"\"", "\"He said \\\"hi\\\"\"" },
  { "'Guest\\'s'", "\"Guest's\"" },
  { "'back\\\\slash'", "\"back\\\\slash\"" },
  { "'tab\\there'", "\"tab\\there\"" },
  { "'new\\nline'", "\"new\\nline\"" },
  { "\"it's\"", "\"it's\"" },
  { "'say \"x\"'", "\"say \\\"x\\\"\"" },
  { "'{Name}'", "\"{Name}\"" },
  { "''", "\"\"" },
  { "{Notes}", "\"Line one\\nLine \\\"two\\\"\"" },
  { "FIND('\"two\"', {Notes})", "15" },
  { "\u2018x\u2019", "!SYNTAX" },
  { "\u201Cx\u201D", "!SYNTAX" },
  { "{Name}=\u201CAlpha Widget\u201D", "!SYNTAX" },
  { "'unterminated", "!SYNTAX" },
  { "\"unterminated\\\"", "!SYNTAX" },
  /* field references */
  { "{Odd\\}Name}", "\"braced\"" },
  { "{Back\\\\Slash}", "\"slashed\"" },
  { "{Back\\Slash}", "\"slashed\"" },
  { "{It's \"quoted\"}", "\"q\"" },
  { "{fldQty000000000001}", "3" },
  { "{fldQty000000000001}={Qty}", "1" },
  { "Qty*2", "6" },
  { "Größe+1", "8" },
  { "{Owner}", "\"Ann Lee\"" },
  { "{Files}", "[\"a.pdf\",\"b.png\"]" },
  { "{Lookup}", "[1,2,3]" },
  { "{Empty Text}", "null" },
  { "{Unterminated", "!SYNTAX" },
  { "{}", "!SYNTAX" },
  { "{Nope}", "!FIELD" },
  { "Nope", "!FIELD" },
  { "{name}", "!FIELD" },
  { "TRUE", "!FIELD" },
  { "{Qty}+{Missing}", "!FIELD" },
  /* whitespace */
  { "  \n\t 1 \n + \r\n 2  ", "3" },
  { "IF(\n  {Qty} > 1,\n  'yes',\n  'no'\n)", "\"yes\"" },
  /* syntax errors */
  { "", "!SYNTAX" },
  { "   ", "!SYNTAX" },
  { "1 +", "!SYNTAX" },
  { "(1", "!SYNTAX" },
  { "1)", "!SYNTAX" },
  { "1 2", "!SYNTAX" },
  { "1 == 1", "!SYNTAX" },
  { "1 <> 2", "!SYNTAX" },
  { "AND(1,)", "!SYNTAX" },
  { "AND(,1)", "!SYNTAX" },
  { "!1", "!SYNTAX" },
  { "3abc", "!SYNTAX" },
  { "1 # 2", "!SYNTAX" },
  { "{Qty} {Qty}", "!SYNTAX" },
  { "*2", "!SYNTAX" },
  { "()", "!SYNTAX" },
  { "{\"fields\": {\"Name\": \"x\"}}", "!SYNTAX" },
  { "[1,2]", "!SYNTAX" },
  /* function names and argument counts */
  { "FOO(1)", "!FUNC" },
  { "Qty(1)", "!FUNC" },
  { "NOT()", "!ARGS" },
  { "NOT(1,2)", "!ARGS" },
  { "IF(1)", "!ARGS" },
  { "TRUE(1)", "!ARGS" },
  { "MID('a',1)", "!ARGS" },
  { "LEFT('a')", "!ARGS" },
  { "DATEADD(NOW(),1)", "!ARGS" },
  { "RECORD_ID(1)", "!ARGS" },
  { "AND()", "!ARGS" },
  { "IF(1, FOO(), 2)", "!FUNC" },
  { "true()", "1" },
  { "find('b','abc')", "2" },
  { "Len('abc')", "3" },
  /* logic */
  { "AND(1, 'x', {Done})", "1" },
  { "AND(1, 0)", "0" },
  { "AND({Empty Text}, 1)", "0" },
  { "OR(0, '', {Empty Num}, {Tags})", "1" },
  { "OR(0, FALSE())", "0" },
  { "XOR(1, 1, 1)", "1" },
  { "XOR(1, 1)", "0" },
  { "NOT({Not Done})", "1" },
  { "NOT('x')", "0" },
  { "IF({Qty}>2, 'many', 'few')", "\"many\"" },
  { "IF({Zero}, 'yes', 'no')", "\"no\"" },
  { "IF(0, 1)", "null" },
  { "IF(1, 'ok', 1/0)", "\"ok\"" },
  { "IF(ERROR(), 1, 2)", ERR },
  { "SWITCH({Status}, 'Todo', 1, 'In progress', 2, 0)", "2" },
  { "SWITCH('zzz', 'a', 1, 'dflt')", "\"dflt\"" },
  { "SWITCH('zzz', 'a', 1)", "null" },
  { "SWITCH({Empty Text}, '', 'empty', 'full')", "\"empty\"" },
  { "TRUE()", "1" },
  { "FALSE()", "0" },
  { "BLANK()", "null" },
  { "ERROR()", ERR },
  { "ISERROR(1/0)", "1" },
  { "ISERROR(1)", "0" },
  { "ISERROR({Broken})", "1" },
  { "AND(1, ERROR())", ERR },
  { "RECORD_ID()", "\"" RECORD_ID "\"" },
  { "OR(RECORD_ID()='recX', RECORD_ID()='" RECORD_ID "')", "1" },
  /* text functions */
  { "CONCATENATE('a', 1, {Empty Text}, {Tags})", "\"a1red, blue, red\"" },
  { "FIND('Widget', {Name})", "7" },
  { "FIND('widget', {Name})", "0" },
  { "FIND('a', 'banana', 3)", "4" },
  { "FIND('', 'abc')", "1" },
  { "SEARCH('widget', {Name})", "7" },
  { "SEARCH('zzz', {Name})", "null" },
  { "FIND('☕', {Emoji})", "6" },
  { "SEARCH('été', {Emoji})", "8" },
  { "LEN({Emoji})", "10" },
  { "LEN(123)", "3" },
  { "LEN({Tags})", "14" },
  { "LEN({Empty Text})", "0" },
  { "LEFT({Name}, 5)", "\"Alpha\"" },
  { "RIGHT({Name}, 6)", "\"Widget\"" },
  { "LEFT('ab', 10)", "\"ab\"" },
  { "RIGHT('ab', 0)", "\"\"" },
  { "LEFT('ab', -1)", ERR },
  { "MID({Name}, 7, 3)", "\"Wid\"" },
  { "MID('abc', 2, 100)", "\"bc\"" },
  { "MID('Café ☕', 4, 3)", "\"é ☕\"" },
  { "LOWER({Emoji})", "\"café ☕ été\"" },
  { "UPPER('abc é')", "\"ABC É\"" },
  { "TRIM({Spaced})", "\"padded\"" },
  { "LEN({Spaced})", "10" },
  { "SUBSTITUTE('a-b-c', '-', '+')", "\"a+b+c\"" },
  { "SUBSTITUTE('a-b-c', '-', '+', 2)", "\"a-b+c\"" },
  { "SUBSTITUTE('abc', '', 'x')", "\"abc\"" },
  { "REPLACE('abcdef', 2, 3, 'XY')", "\"aXYef\"" },
  { "REPT('ab', 3)", "\"ababab\"" },
  { "REPT('x', 100000000)", ERR },
  { "T('x')", "\"x\"" },
  { "T(5)", "null" },
  { "VALUE('$1,000.50')", "1000.5" },
  { "VALUE('12%')", "0.12" },
  { "VALUE('abc')", ERR },
  { "VALUE({Num Text})", "42" },
  { "ENCODE_URL_COMPONENT('a b&c/é')", "\"a%20b%26c%2F%C3%A9\"" },
  { "REGEX_MATCH({Name}, '^Al.*get$')", "1" },
  { "REGEX_EXTRACT('order 1234 now', '[0-9]+')", "\"1234\"" },
  { "REGEX_REPLACE('a1b22', '[0-9]+', '#')", "\"a#b#\"" },
  { "REGEX_MATCH('x', '(')", ERR },
  { "REGEX_MATCH('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab', '(a+)+$')", ERR },
  { "REGEX_MATCH('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab', '(a+)+' & '$')", ERR },
  { "REGEX_MATCH('ABC', '(?i)^abc$')", "1" },
  { "REGEX_MATCH('a(b', '(' & '')", ERR },
  /* numeric functions */
  { "ABS(-2.5)", "2.5" },
  { "ROUND(2.5)", "3" },
  { "ROUND(-2.5)", "-2" },
  { "ROUND(3.14159, 2)", "3.14" },
  { "ROUND(1234, -2)", "1200" },
  { "ROUNDUP(3.2, 0)", "4" },
  { "ROUNDUP(-3.2, 0)", "-4" },
  { "ROUNDUP(0.1*3, 1)", "0.3" },
  { "ROUNDDOWN(3.9, 0)", "3" },
  { "ROUNDDOWN(-3.9, 0)", "-3" },
  { "INT(-2.5)", "-3" },
  { "INT(2.9)", "2" },
  { "MOD(7, 5)", "2" },
  { "MOD(-7, 5)", "-2" },
  { "MOD(1, 0)", ERR },
  { "MAX(1, 5, 3)", "5" },
  { "MIN({Lookup}, 0.5)", "0.5" },
  { "MAX({Lookup})", "3" },
  { "MAX()", "!ARGS" },
  { "SUM({Lookup}, 4)", "10" },
  { "SUM('2', 3, 'x')", "5" },
  { "AVERAGE(1, 2, 3, 4)", "2.5" },
  { "AVERAGE({Empty Num})", NAN_JSON },
  { "COUNT(1, 'a', {Empty Num}, 2)", "2" },
  { "COUNTA(1, 'a', {Empty Num}, '')", "2" },
  { "COUNTA({Mixed})", "3" },
  { "COUNTALL({Mixed})", "5" },
  { "CEILING(4.1)", "5" },
  { "CEILING(4.1, 2)", "6" },
  { "FLOOR(4.9, 2)", "4" },
  { "FLOOR(-4.1)", "-5" },
  { "SQRT(16)", "4" },
  { "SQRT(-1)", NAN_JSON },
  { "POWER(2, 10)", "1024" },
  { "EVEN(1.5)", "2" },
  { "ODD(2)", "3" },
  { "LOG(100)", "2" },
  { "EXP(0)", "1" },
  /* arrays */
  { "ARRAYJOIN({Tags})", "\"red, blue, red\"" },
  { "ARRAYJOIN({Tags}, '|')", "\"red|blue|red\"" },
  { "ARRAYJOIN({Empty Text})", "\"\"" },
  { "ARRAYUNIQUE({Tags})", "[\"red\",\"blue\"]" },
  { "ARRAYCOMPACT({Mixed})", "[\"x\",false,\"x\"]" },
  { "ARRAYSLICE({Lookup}, 2, 3)", "[2,3]" },
  { "ARRAYSLICE({Lookup}, -1)", "[3]" },
  { "ARRAYFLATTEN({Lookup}, {Tags})", "[1,2,3,\"red\",\"blue\",\"red\"]" },
  { "FIND('blue', ARRAYJOIN({Tags}))", "6" },
  { "FIND('blue', {Tags})", "6" },
  { "{Tags}", "[\"red\",\"blue\",\"red\"]" },
  /* dates; now = 2024-03-12T15:45:30Z */
  { "TODAY()", "\"2024-03-12\"" },
  { "NOW()", "\"2024-03-12T15:45:30.000Z\"" },
  { "{Due}", "\"2024-03-15\"" },
  { "IS_BEFORE({Start}, {Due})", "1" },
  { "IS_AFTER({Start}, {Due})", "0" },
  { "IS_BEFORE({Due}, TODAY())", "0" },
  { "IS_AFTER({Due}, NOW())", "1" },
  { "IS_BEFORE({Empty Text}, TODAY())", "null" },
  { "IS_SAME({Start}, '2024-03-10', 'day')", "1" },
  { "IS_SAME({Start}, '2024-03-10')", "0" },
  { "IS_SAME({Due}, '2024-03-01', 'month')", "1" },
  { "IS_SAME({Due}, '2023-03-15', 'year')", "0" },
  { "IS_SAME({Due}, '2024-03-17', 'week')", "0" },
  { "IS_SAME({Due}, '2024-03-11', 'week')", "1" },
  { "DATETIME_DIFF({Due}, {Start}, 'days')", "4" },
  { "DATETIME_DIFF({Start}, {Due}, 'days')", "-4" },
  { "DATETIME_DIFF({Due}, {Start}, 'hours')", "111" },
  { "DATETIME_DIFF({Due}, {Start}, 'weeks')", "0" },
  { "DATETIME_DIFF('2024-03-15', '2024-01-31', 'months')", "1" },
  { "DATETIME_DIFF('2025-03-15', {Due}, 'years')", "1" },
  { "DATETIME_DIFF('2024-01-01T00:00:10Z', '2024-01-01T00:00:00Z')", "10" },
  { "DATETIME_DIFF(TODAY(), {Due}, 'd')", "-3" },
  { "DATETIME_DIFF(TODAY(), {Due}, 'parsecs')", ERR },
  { "DATEADD({Due}, 1, 'month')", "\"2024-04-15\"" },
  { "DATEADD({Start}, 90, 'minutes')", "\"2024-03-10T10:00:00.000Z\"" },
  { "DATEADD('2024-01-31', 1, 'months')", "\"2024-02-29\"" },
  { "DATEADD({Due}, -2, 'w')", "\"2024-03-01\"" },
  { "DATEADD({Due}, 1, 'fortnight')", ERR },
  { "DATETIME_PARSE('2023-12-01')", "\"2023-12-01T00:00:00.000Z\"" },
  { "DATETIME_PARSE('2023-12-01T12:34:56.000Z')", "\"2023-12-01T12:34:56.000Z\"" },
  { "DATETIME_PARSE('2023-12-01T12:34:56+02:00')", "\"2023-12-01T10:34:56.000Z\"" },
  { "DATETIME_PARSE('2023-12-01 12:34')", "\"2023-12-01T12:34:00.000Z\"" },
  { "DATETIME_PARSE('3/5/2024')", "\"2024-03-05T00:00:00.000Z\"" },
  { "DATETIME_PARSE('15/03/2024 14:05', 'DD/MM/YYYY HH:mm')", "\"2024-03-15T14:05:00.000Z\"" },
  { "DATETIME_PARSE('March 5, 2024 2:30 pm', 'MMMM D, YYYY h:mm a')", "\"2024-03-05T14:30:00.000Z\"" },
  { "DATETIME_PARSE('1700000000', 'X')", "\"2023-11-14T22:13:20.000Z\"" },
  { "DATETIME_PARSE('not a date')", ERR },
  { "DATETIME_PARSE('2024-02-30')", ERR },
  { "DATETIME_FORMAT({Start}, 'YYYY-MM-DD HH:mm')", "\"2024-03-10 08:30\"" },
  { "DATETIME_FORMAT({Due}, 'dddd, MMMM Do YYYY')", "\"Friday, March 15th 2024\"" },
  { "DATETIME_FORMAT({Start}, 'h:mm A [on] MMM D')", "\"8:30 AM on Mar 10\"" },
  { "DATETIME_FORMAT({Start})", "\"2024-03-10T08:30:00.000Z\"" },
  { "DATETIME_FORMAT({Due}, 'L')", "\"03/15/2024\"" },
  { "DATETIME_FORMAT({Empty Text}, 'L')", "null" },
  { "DATETIME_FORMAT(SET_TIMEZONE({Start}, 'Asia/Tokyo'), 'HH:mm Z')", "\"17:30 +09:00\"" },
  { "HOUR(SET_TIMEZONE({Start}, 'Asia/Tokyo'))", "17" },
  { "SET_TIMEZONE({Start}, 'Not/AZone')", ERR },
  { "YEAR({Due})", "2024" },
  { "MONTH({Due})", "3" },
  { "DAY({Due})", "15" },
  { "HOUR({Start})", "8" },
  { "MINUTE({Start})", "30" },
  { "SECOND({Start})", "0" },
  { "WEEKDAY({Due})", "5" },
  { "WEEKDAY({Due}, 'Monday')", "4" },
  { "WEEKNUM('2024-01-07')", "2" },
  { "WORKDAY({Due}, 1)", "\"2024-03-18\"" },
  { "WORKDAY('2024-03-15', -5)", "\"2024-03-08\"" },
  { "WORKDAY({Due}, 2, '2024-03-18, 2024-03-19')", "\"2024-03-21\"" },
  { "WORKDAY({Due}, 1, 'not a date')", ERR },
  { "WORKDAY_DIFF('2024-01-01', '2024-01-05')", "5" },
  { "WORKDAY_DIFF('2024-01-01', '2024-01-14')", "10" },
  { "WORKDAY_DIFF('2024-01-14', '2024-01-01')", "-10" },
  { "WORKDAY_DIFF('2024-01-06', '2024-01-07')", "0" },
  { "WORKDAY_DIFF('2024-12-23', '2024-12-27', '2024-12-25,2024-12-26')", "3" },
  { "WORKDAY_DIFF({Start}, {Due})", "5" },
  { "DATESTR({Start})", "\"2024-03-10\"" },
  { "TIMESTR({Start})", "\"08:30:00\"" },
  { "YEAR({Empty Text})", "null" },
  { "YEAR('garbage')", ERR },
  { "CREATED_TIME()", "\"" CREATED "\"" },
  { "IS_AFTER(CREATED_TIME(), '2024-01-01')", "1" },
  { "LAST_MODIFIED_TIME()", "\"" CREATED "\"" },
  { "DATETIME_DIFF(TODAY(), {Purchase Date}, 'days')>=7", "!FIELD" },
  /* truthiness (0, FALSE, "", NaN, [], blank and errors are false) */
  { "{Name}", "?1" },
  { "{Empty Text}", "?0" },
  { "{Tags}", "?1" },
  { "{Zero}", "?0" },
  { "{Not Done}", "?0" },
  { "{Done}", "?1" },
  { "0/0", "?0" },
  { "ERROR()", "?0" },
  { "ARRAYCOMPACT({Empty Text})", "?0" },
  { "'0'", "?1" },
  { "{Due}", "?1" },
  /* pyairtable-style output */
  { "AND({Name}='Alpha Widget', {Qty}>=3)", "1" },
  { "OR({Name}='x', {Qty}>=21)", "0" },
  { "AND({Odd\\}Name}='braced', NOT({Status}='Done'))", "1" },
  { "{Name}='Guest\\'s'", "0" },
};

static void
test_cases (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const Case *c = &cases[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(SandboxFormula) f = parse (c->formula, &error);

      if (c->expect[0] == '!')
        {
          int code = g_str_equal (c->expect, "!SYNTAX") ? SANDBOX_FORMULA_ERROR_SYNTAX :
                     g_str_equal (c->expect, "!FIELD") ? SANDBOX_FORMULA_ERROR_UNKNOWN_FIELD :
                     g_str_equal (c->expect, "!FUNC") ? SANDBOX_FORMULA_ERROR_UNKNOWN_FUNCTION :
                     SANDBOX_FORMULA_ERROR_ARGUMENTS;

          if (f != NULL || !g_error_matches (error, SANDBOX_FORMULA_ERROR, code))
            g_error ("case %u [%s]: expected %s, got %s", i, c->formula, c->expect,
                     error ? error->message : "a parsed formula");
          g_assert_nonnull (error->message);
          continue;
        }

      if (f == NULL)
        g_error ("case %u [%s]: unexpected parse error: %s", i, c->formula, error->message);

      if (c->expect[0] == '?')
        {
          gboolean want = c->expect[1] == '1';
          gboolean got = sandbox_formula_matches (f, fake_cell, fake_record, RECORD_ID, fake_now);

          if (want != got)
            g_error ("case %u [%s]: expected truthiness %d, got %d", i, c->formula, want, got);
          continue;
        }

      {
        g_autoptr(JsonNode) expected = json_from_string (c->expect, &error);
        g_autoptr(JsonNode) got = sandbox_formula_evaluate (f, fake_cell, fake_record, RECORD_ID, fake_now);
        gboolean matches = sandbox_formula_matches (f, fake_cell, fake_record, RECORD_ID, fake_now);
        g_autofree char *got_text = json_to_string (got, FALSE);

        g_assert_no_error (error);
        if (!json_loose_equal (got, expected))
          g_error ("case %u [%s]: expected %s, got %s", i, c->formula, c->expect, got_text);
        /* the filter path agrees with the value path */
        if (matches != json_truthy (expected))
          g_error ("case %u [%s]: matches() gave %d for %s", i, c->formula, matches, got_text);
      }
    }
  g_test_message ("%u formula cases", (guint) G_N_ELEMENTS (cases));
}

/* ------------------------------------------------------------------ */
/* Limits                                                              */
/* ------------------------------------------------------------------ */

static char *
repeat (const char *piece, guint times)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < times; i++)
    g_string_append (s, piece);
  return g_string_free (s, FALSE);
}

static void
assert_syntax_error (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SandboxFormula) f = parse (text, &error);

  g_assert_null (f);
  g_assert_error (error, SANDBOX_FORMULA_ERROR, SANDBOX_FORMULA_ERROR_SYNTAX);
}

static char *
nested (const char *open, const char *middle, const char *close, guint depth)
{
  g_autofree char *a = repeat (open, depth);
  g_autofree char *b = repeat (close, depth);

  return g_strconcat (a, middle, b, NULL);
}

static void
test_nesting_limits (void)
{
  g_autofree char *ok_parens = nested ("(", "1", ")", 200);
  g_autofree char *deep_parens = nested ("(", "1", ")", 201);
  g_autofree char *huge_parens = nested ("(", "1", ")", 100000);
  g_autofree char *open_only = repeat ("(", 100000);
  g_autofree char *nots = nested ("NOT(", "1", ")", 150);
  g_autofree char *deep_calls = nested ("ABS(", "1", ")", 5000);
  g_autofree char *minus_ok = repeat ("-", 198);
  g_autofree char *minus_deep = repeat ("-", 50000);
  g_autofree char *minus_ok_formula = g_strconcat (minus_ok, "1", NULL);
  g_autofree char *minus_deep_formula = g_strconcat (minus_deep, "1", NULL);
  g_autofree char *chain_ok = repeat ("1+", 900);
  g_autofree char *chain_deep = repeat ("1+", 20000);
  g_autofree char *chain_ok_formula = g_strconcat (chain_ok, "1", NULL);
  g_autofree char *chain_deep_formula = g_strconcat (chain_deep, "1", NULL);
  g_autofree char *v = NULL;

  v = eval_to_string (ok_parens);
  g_assert_cmpstr (v, ==, "1");
  g_clear_pointer (&v, g_free);
  assert_syntax_error (deep_parens);
  assert_syntax_error (huge_parens);
  assert_syntax_error (open_only);
  assert_syntax_error (deep_calls);
  assert_syntax_error (minus_deep_formula);

  v = eval_to_string (nots);
  g_assert_cmpstr (v, ==, "1");
  g_clear_pointer (&v, g_free);
  v = eval_to_string (minus_ok_formula);
  g_assert_cmpstr (v, ==, "1");
  g_clear_pointer (&v, g_free);
  v = eval_to_string (chain_ok_formula);
  g_assert_cmpstr (v, ==, "901");
  g_clear_pointer (&v, g_free);
  /* long runs of one precedence level are flat: no depth limit */
  v = eval_to_string (chain_deep_formula);
  g_assert_cmpstr (v, ==, "20001");
  g_clear_pointer (&v, g_free);
  {
    g_autofree char *amps = repeat ("'ab'&", 30000);
    g_autofree char *amp_formula = g_strconcat ("LEN(", amps, "'')", NULL);

    v = eval_to_string (amp_formula);
    g_assert_cmpstr (v, ==, "60000");
    g_clear_pointer (&v, g_free);
  }
  /* precedence still holds inside a chain: 2*3+4*5-6/3 */
  v = eval_to_string ("2*3+4*5-6/3&'|'&1<2=1");
  g_assert_cmpstr (v, ==, "0");  /* (\"24|1\" < 2) = 1 → 0 */
  g_clear_pointer (&v, g_free);
}

static void
test_size_limits (void)
{
  g_autoptr(GString) or = g_string_new ("OR(");
  g_autofree char *big_string = repeat ("x", 200000);
  g_autofree char *big_literal = g_strdup_printf ("LEN('%s')", big_string);
  g_autofree char *too_long = repeat ("1+", 200000);
  g_autofree char *long_name = repeat ("n", 10000);
  g_autofree char *long_ref = g_strdup_printf ("{%s}", long_name);
  g_autofree char *v = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SandboxFormula) f = NULL;

  /* a long OR of record ids, as clients build for "these records" */
  for (guint i = 0; i < 3000; i++)
    g_string_append_printf (or, "%sRECORD_ID()='rec%014u'", i ? "," : "", i);
  g_string_append (or, ",RECORD_ID()='" RECORD_ID "')");
  v = eval_to_string (or->str);
  g_assert_cmpstr (v, ==, "1");
  g_clear_pointer (&v, g_free);

  v = eval_to_string (big_literal);
  g_assert_cmpstr (v, ==, "200000");
  g_clear_pointer (&v, g_free);

  assert_syntax_error (too_long);            /* 400 KB of text */
  assert_syntax_error ("'\xff\xfe'");         /* not UTF-8 */
  assert_syntax_error ("{Name}='\xc3'");

  f = parse (long_ref, &error);
  g_assert_null (f);
  g_assert_error (error, SANDBOX_FORMULA_ERROR, SANDBOX_FORMULA_ERROR_UNKNOWN_FIELD);
  g_clear_error (&error);

  /* error messages point at the problem */
  f = parse ("{Qty} + ", &error);
  g_assert_null (f);
  g_assert_nonnull (strstr (error->message, "character"));
}

static void
test_parse_resolves_once (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SandboxFormula) f = NULL;
  guint before;

  resolve_calls = 0;
  f = parse ("AND({Qty}>1, Qty<10, {fldQty000000000001}=3)", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (resolve_calls, ==, 3);
  before = resolve_calls;
  for (guint i = 0; i < 10; i++)
    g_assert_true (sandbox_formula_matches (f, fake_cell, fake_record, RECORD_ID, fake_now));
  g_assert_cmpuint (resolve_calls, ==, before);
}

static void
test_now_default (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SandboxFormula) f = parse ("IS_AFTER(NOW(), '2020-01-01')", &error);

  g_assert_no_error (error);
  /* with no @now the evaluator uses the real clock */
  g_assert_true (sandbox_formula_matches (f, fake_cell, fake_record, RECORD_ID, NULL));
  /* with no cell callback every field is blank */
  g_clear_pointer (&f, sandbox_formula_free);
  f = parse ("{Name}=''", &error);
  g_assert_no_error (error);
  g_assert_true (sandbox_formula_matches (f, NULL, NULL, NULL, fake_now));
}

/* ------------------------------------------------------------------ */
/* Sorting                                                             */
/* ------------------------------------------------------------------ */

static JsonNode *
J (const char *json)
{
  return json ? json_from_string (json, NULL) : NULL;
}

static int
cmp_json (const char *a, const char *b, const char *type)
{
  g_autoptr(JsonNode) na = J (a);
  g_autoptr(JsonNode) nb = J (b);
  int r = sandbox_formula_compare_cells (na, nb, type);
  int back = sandbox_formula_compare_cells (nb, na, type);

  /* antisymmetric */
  g_assert_cmpint (r < 0, ==, back > 0);
  g_assert_cmpint (r == 0, ==, back == 0);
  return r;
}

typedef struct
{
  const char *type;
} SortData;

static int
sort_nodes (gconstpointer a, gconstpointer b, gpointer user_data)
{
  JsonNode *const *x = a;
  JsonNode *const *y = b;

  return sandbox_formula_compare_cells (*x, *y, ((SortData *) user_data)->type);
}

static void
test_compare_cells (void)
{
  static const char *texts[] = { "\"cherry\"", NULL, "\"Banana\"", "\"apple\"", "\"\"", "\"Éclair\"", "\"banana split\"" };
  static const char *sorted[] = { NULL, NULL, "apple", "Banana", "banana split", "cherry", "Éclair" };
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  SortData data = { "singleLineText" };

  /* numbers numerically, blanks first */
  g_assert_cmpint (cmp_json ("2", "10", "number"), <, 0);
  g_assert_cmpint (cmp_json ("-1.5", "-1", "currency"), <, 0);
  g_assert_cmpint (cmp_json ("3", "3", "number"), ==, 0);
  g_assert_cmpint (cmp_json (NULL, "-100", "number"), <, 0);
  g_assert_cmpint (cmp_json (NULL, "null", "number"), ==, 0);
  g_assert_cmpint (cmp_json ("0", NULL, "number"), >, 0);
  /* text case-insensitively, exact text breaks ties */
  g_assert_cmpint (cmp_json ("\"apple\"", "\"Banana\"", "singleLineText"), <, 0);
  g_assert_cmpint (cmp_json ("\"Zed\"", "\"alpha\"", "singleLineText"), >, 0);
  g_assert_cmpint (cmp_json ("\"a\"", "\"A\"", "singleLineText"), !=, 0);
  g_assert_cmpint (cmp_json ("\"10\"", "\"9\"", "singleLineText"), <, 0);  /* text, not numbers */
  g_assert_cmpint (cmp_json ("\"\"", "\"a\"", "singleLineText"), <, 0);
  /* dates chronologically */
  g_assert_cmpint (cmp_json ("\"2024-01-02\"", "\"2024-10-01\"", "date"), <, 0);
  g_assert_cmpint (cmp_json ("\"2024-01-02T10:00:00.000Z\"", "\"2024-01-02T09:00:00.000Z\"", "dateTime"), >, 0);
  g_assert_cmpint (cmp_json (NULL, "\"1970-01-01\"", "date"), <, 0);
  /* checkbox: blank (absent or false) before true */
  g_assert_cmpint (cmp_json (NULL, "true", "checkbox"), <, 0);
  g_assert_cmpint (cmp_json ("false", NULL, "checkbox"), ==, 0);
  /* arrays by joined text; collaborators by name */
  g_assert_cmpint (cmp_json ("[\"b\"]", "[\"a\",\"z\"]", "multipleSelects"), >, 0);
  g_assert_cmpint (cmp_json ("[]", "[\"a\"]", "multipleSelects"), <, 0);
  g_assert_cmpint (cmp_json ("{\"id\":\"usr1\",\"name\":\"Zoe\"}", "{\"id\":\"usr2\",\"name\":\"adam\"}",
                             "singleCollaborator"), >, 0);
  /* formula results: numbers numerically whatever the type says */
  g_assert_cmpint (cmp_json ("9", "10", "formula"), <, 0);

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    g_ptr_array_add (nodes, J (texts[i]));
  g_ptr_array_sort_with_data (nodes, sort_nodes, &data);
  for (guint i = 0; i < nodes->len; i++)
    {
      JsonNode *n = g_ptr_array_index (nodes, i);
      const char *s = n && JSON_NODE_HOLDS_VALUE (n) ? json_node_get_string (n) : NULL;

      if (sorted[i] == NULL)
        g_assert_true (s == NULL || s[0] == '\0');
      else
        g_assert_cmpstr (s, ==, sorted[i]);
      if (n)
        json_node_unref (n);
    }
}

/* ------------------------------------------------------------------ */
/* Threads                                                             */
/* ------------------------------------------------------------------ */

static gpointer
thread_main (gpointer data)
{
  SandboxFormula *f = data;

  for (guint i = 0; i < 2000; i++)
    {
      g_autoptr(JsonNode) v = sandbox_formula_evaluate (f, fake_cell, fake_record, RECORD_ID, fake_now);

      if (g_strcmp0 (json_node_get_string (v), "1-7-Alpha Widget") != 0)
        return GINT_TO_POINTER (FALSE);
    }
  return GINT_TO_POINTER (TRUE);
}

static void
test_threads (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SandboxFormula) f =
    parse ("REGEX_MATCH({Name}, '^Al') & '-' & SEARCH('w', {Name}) & '-' & REGEX_REPLACE({Name}, '\\\\s+', ' ')", &error);
  GThread *threads[4];

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("formula", thread_main, f);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_true (GPOINTER_TO_INT (g_thread_join (threads[i])));
}

/* ------------------------------------------------------------------ */
/* Fuzz                                                                */
/* ------------------------------------------------------------------ */

static const char * const fuzz_pieces[] = {
  "{", "}", "(", ")", ",", "'", "\"", "\\", "&", "+", "-", "*", "/", "=", "!=", "<", ">",
  "<=", ">=", " ", "\n", "1", "0", "2.5", "1e3", ".", "e", "{Name}", "{Qty}", "{Tags}",
  "{Due}", "{Start}", "{Done}", "{Empty Text}", "{Lookup}", "{Owner}", "{Broken}", "Qty",
  "'x'", "\"y\"", "''", "AND(", "OR(", "IF(", "SWITCH(", "NOT(", "FIND(", "SEARCH(",
  "MID(", "LEFT(", "RIGHT(", "LEN(", "SUBSTITUTE(", "REPLACE(", "REPT(", "VALUE(",
  "ARRAYJOIN(", "ARRAYSLICE(", "ARRAYUNIQUE(", "DATEADD(", "DATETIME_DIFF(",
  "DATETIME_PARSE(", "DATETIME_FORMAT(", "IS_SAME(", "ROUND(", "MOD(", "POWER(",
  "REGEX_MATCH(", "REGEX_REPLACE(", "SET_TIMEZONE(", "TODAY()", "NOW()", "BLANK()",
  "ERROR()", "RECORD_ID()", "'days'", "'months'", "'YYYY-MM-DD'", "'Do MMMM X x Z'",
  "'[0-9]+'", "'('", "-1e308", "99999999999", "\u2018", "\xc3\xa9", "\xe2\x98\x95",
};

static void
fuzz_one (const char *text, guint *parsed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SandboxFormula) f = parse (text, &error);

  if (f == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == SANDBOX_FORMULA_ERROR);
      g_assert_cmpint (error->code, >=, SANDBOX_FORMULA_ERROR_SYNTAX);
      g_assert_cmpint (error->code, <=, SANDBOX_FORMULA_ERROR_ARGUMENTS);
      return;
    }
  g_assert_no_error (error);
  (*parsed)++;
  {
    g_autoptr(JsonNode) v = sandbox_formula_evaluate (f, fake_cell, fake_record, RECORD_ID, fake_now);
    g_autofree char *s = json_to_string (v, FALSE);

    g_assert_nonnull (s);
    (void) sandbox_formula_matches (f, fake_cell, fake_record, RECORD_ID, fake_now);
  }
}

static void
test_fuzz (void)
{
  /* fixed by default; HANGAR_FORMULA_FUZZ_SEED / _ROUNDS for longer manual runs */
  const char *seed_env = g_getenv ("HANGAR_FORMULA_FUZZ_SEED");
  const char *rounds_env = g_getenv ("HANGAR_FORMULA_FUZZ_ROUNDS");
  guint32 seed = seed_env ? (guint32) g_ascii_strtoull (seed_env, NULL, 10) : 20261127;
  guint rounds = rounds_env ? (guint) g_ascii_strtoull (rounds_env, NULL, 10) : 20000;
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint parsed_random = 0, parsed_mutated = 0;

  /* random strings: raw bytes and formula fragments */
  for (guint i = 0; i < rounds; i++)
    {
      GString *s = g_string_new (NULL);
      guint n = g_rand_int_range (rand, 0, 24);

      for (guint k = 0; k < n; k++)
        {
          if (g_rand_int_range (rand, 0, 10) == 0)
            g_string_append_c (s, (char) g_rand_int_range (rand, 1, 256));
          else
            g_string_append (s, fuzz_pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (fuzz_pieces))]);
        }
      fuzz_one (s->str, &parsed_random);
      g_string_free (s, TRUE);
    }

  /* mutations of the valid formulas in the table */
  for (guint i = 0; i < rounds; i++)
    {
      const Case *c = &cases[g_rand_int_range (rand, 0, G_N_ELEMENTS (cases))];
      GString *s = g_string_new (c->formula);
      guint edits = g_rand_int_range (rand, 1, 4);

      for (guint k = 0; k < edits; k++)
        {
          guint pos = s->len ? g_rand_int_range (rand, 0, s->len) : 0;

          switch (g_rand_int_range (rand, 0, 4))
            {
            case 0:
              if (s->len)
                g_string_erase (s, pos, 1);
              break;
            case 1:
              g_string_insert (s, pos, fuzz_pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (fuzz_pieces))]);
              break;
            case 2:
              if (s->len)
                s->str[pos] = (char) g_rand_int_range (rand, 1, 256);
              break;
            default:
              if (s->len)
                {
                  g_autofree char *dup = g_strndup (s->str + pos, g_rand_int_range (rand, 1, 8));
                  g_string_insert (s, g_rand_int_range (rand, 0, s->len + 1), dup);
                }
              break;
            }
        }
      fuzz_one (s->str, &parsed_mutated);
      g_string_free (s, TRUE);
    }
  g_test_message ("fuzz: %u random and %u mutated formulas parsed and evaluated",
                  parsed_random, parsed_mutated);
  /* the loop really reached the evaluator */
  g_assert_cmpuint (parsed_random, >, rounds / 200);
  g_assert_cmpuint (parsed_mutated, >, rounds / 20);
}

/* Random well-formed formulas: every function with a valid number of
 * arguments, over hostile literals. Each must parse and evaluate. */
static const struct { const char *name; int min, max; } gen_functions[] = {
  { "AND", 1, 3 }, { "OR", 1, 3 }, { "XOR", 1, 3 }, { "NOT", 1, 1 }, { "IF", 2, 3 },
  { "SWITCH", 2, 6 }, { "TRUE", 0, 0 }, { "FALSE", 0, 0 }, { "BLANK", 0, 0 },
  { "ERROR", 0, 0 }, { "ISERROR", 1, 1 }, { "RECORD_ID", 0, 0 },
  { "CONCATENATE", 1, 3 }, { "FIND", 2, 3 }, { "SEARCH", 2, 3 }, { "LEFT", 2, 2 },
  { "RIGHT", 2, 2 }, { "MID", 3, 3 }, { "LEN", 1, 1 }, { "LOWER", 1, 1 }, { "UPPER", 1, 1 },
  { "TRIM", 1, 1 }, { "SUBSTITUTE", 3, 4 }, { "REPLACE", 4, 4 }, { "REPT", 2, 2 },
  { "T", 1, 1 }, { "VALUE", 1, 1 }, { "ENCODE_URL_COMPONENT", 1, 1 },
  { "REGEX_MATCH", 2, 2 }, { "REGEX_EXTRACT", 2, 2 }, { "REGEX_REPLACE", 3, 3 },
  { "ABS", 1, 1 }, { "ROUND", 1, 2 }, { "ROUNDUP", 1, 2 }, { "ROUNDDOWN", 1, 2 },
  { "INT", 1, 1 }, { "MOD", 2, 2 }, { "CEILING", 1, 2 }, { "FLOOR", 1, 2 }, { "SQRT", 1, 1 },
  { "POWER", 2, 2 }, { "EXP", 1, 1 }, { "LOG", 1, 2 }, { "EVEN", 1, 1 }, { "ODD", 1, 1 },
  { "SUM", 1, 3 }, { "MAX", 1, 3 }, { "MIN", 1, 3 }, { "AVERAGE", 1, 3 }, { "COUNT", 1, 3 },
  { "COUNTA", 1, 3 }, { "COUNTALL", 1, 3 }, { "ARRAYJOIN", 1, 2 }, { "ARRAYUNIQUE", 1, 1 },
  { "ARRAYCOMPACT", 1, 1 }, { "ARRAYFLATTEN", 1, 3 }, { "ARRAYSLICE", 2, 3 },
  { "TODAY", 0, 0 }, { "NOW", 0, 0 }, { "IS_BEFORE", 2, 2 }, { "IS_AFTER", 2, 2 },
  { "IS_SAME", 2, 3 }, { "DATETIME_DIFF", 2, 3 }, { "DATEADD", 3, 3 },
  { "DATETIME_PARSE", 1, 3 }, { "DATETIME_FORMAT", 1, 2 }, { "DATESTR", 1, 1 },
  { "TIMESTR", 1, 1 }, { "YEAR", 1, 1 }, { "MONTH", 1, 1 }, { "DAY", 1, 1 },
  { "HOUR", 1, 1 }, { "MINUTE", 1, 1 }, { "SECOND", 1, 1 }, { "WEEKDAY", 1, 2 },
  { "WEEKNUM", 1, 2 }, { "WORKDAY", 2, 3 }, { "WORKDAY_DIFF", 2, 3 }, { "CREATED_TIME", 0, 0 }, { "LAST_MODIFIED_TIME", 0, 2 },
  { "SET_TIMEZONE", 2, 2 }, { "SET_LOCALE", 2, 2 },
};

static const char * const gen_leaves[] = {
  "0", "1", "2", "3", "-1", "2.5", "1e300", "-1e300", "0.000001", "1e15", "(0/0)",
  "''", "'x'", "'abc def'", "'days'", "'months'", "'M'", "'m'", "'Q'", "'y'", "'ms'",
  "'week'", "'YYYY-MM-DD'", "'Do MMMM YYYY h:mm:ss.SSS A X x Z ZZ LLLL [lit]'",
  "'2024-02-29'", "'2024-03-10T08:30:00Z'", "'0001-01-01'", "'9999-12-31T23:59:59Z'",
  "'[0-9]+'", "'('", "'\\\\1'", "'Monday'", "'Asia/Tokyo'", "'%'", "'$1,000'",
  "{Name}", "{Qty}", "{Tags}", "{Due}", "{Start}", "{Done}", "{Not Done}", "{Empty Text}",
  "{Lookup}", "{Mixed}", "{Owner}", "{Files}", "{Broken}", "{NaNField}", "{Emoji}",
  "BLANK()", "TODAY()", "NOW()", "ERROR()",
};

static void
gen_expr (GRand *rand, GString *out, int depth)
{
  int pick = g_rand_int_range (rand, 0, 10);

  if (depth <= 0 || pick < 3)
    {
      g_string_append (out, gen_leaves[g_rand_int_range (rand, 0, G_N_ELEMENTS (gen_leaves))]);
      return;
    }
  if (pick < 5)
    {
      static const char * const ops[] = { "+", "-", "*", "/", "&", "=", "!=", "<", ">", "<=", ">=" };

      g_string_append_c (out, '(');
      gen_expr (rand, out, depth - 1);
      g_string_append (out, ops[g_rand_int_range (rand, 0, G_N_ELEMENTS (ops))]);
      gen_expr (rand, out, depth - 1);
      g_string_append_c (out, ')');
      return;
    }
  if (pick == 5)
    {
      g_string_append_c (out, '-');
      gen_expr (rand, out, depth - 1);
      return;
    }
  {
    guint f = g_rand_int_range (rand, 0, G_N_ELEMENTS (gen_functions));
    int n = g_rand_int_range (rand, gen_functions[f].min, gen_functions[f].max + 1);

    g_string_append (out, gen_functions[f].name);
    g_string_append_c (out, '(');
    for (int i = 0; i < n; i++)
      {
        if (i > 0)
          g_string_append (out, ", ");
        gen_expr (rand, out, depth - 1);
      }
    g_string_append_c (out, ')');
  }
}

static void
test_generated (void)
{
  const char *rounds_env = g_getenv ("HANGAR_FORMULA_FUZZ_ROUNDS");
  const char *seed_env = g_getenv ("HANGAR_FORMULA_FUZZ_SEED");
  guint rounds = rounds_env ? (guint) g_ascii_strtoull (rounds_env, NULL, 10) : 20000;
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed_env ? (guint32) g_ascii_strtoull (seed_env, NULL, 10) : 4242);
  guint parsed = 0;

  for (guint i = 0; i < rounds; i++)
    {
      GString *s = g_string_new (NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(SandboxFormula) f = NULL;

      gen_expr (rand, s, g_rand_int_range (rand, 1, 6));
      f = parse (s->str, &error);
      if (f == NULL)
        g_error ("generated formula did not parse: %s\n%s", error->message, s->str);
      fuzz_one (s->str, &parsed);
      g_string_free (s, TRUE);
    }
  g_assert_cmpuint (parsed, ==, rounds);
}

/* ------------------------------------------------------------------ */
/* Through HTTP: filterByFormula against a real hangar-sandbox          */
/* ------------------------------------------------------------------ */

static const char * const hostile_names[] = {
  "Guest's \"quoted\" name",
  "back\\slash",
  "{braces} & (parens)",
  "Ünïcödé ☕ 'x'",
  "trailing backslash\\",
  "a+b %20 &c=d?e#f;/",
};

/* pyairtable's quoting: single quotes, \ and ' escaped */
static char *
quote_single (const char *s)
{
  GString *out = g_string_new ("'");

  for (const char *p = s; *p; p++)
    {
      if (*p == '\\' || *p == '\'')
        g_string_append_c (out, '\\');
      if (*p == '\n')
        {
          g_string_append (out, "\\n");
          continue;
        }
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '\'');
  return g_string_free (out, FALSE);
}

static char *
quote_double (const char *s)
{
  GString *out = g_string_new ("\"");

  for (const char *p = s; *p; p++)
    {
      if (*p == '\\' || *p == '"')
        g_string_append_c (out, '\\');
      if (*p == '\n')
        {
          g_string_append (out, "\\n");
          continue;
        }
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

static JsonArray *
list_with_formula (HangarTestSandbox *sb,
                   const char        *base_id,
                   const char        *formula,
                   guint             *out_status,
                   JsonNode         **out_body)
{
  g_autofree char *escaped = g_uri_escape_string (formula, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/v0/%s/People?filterByFormula=%s", base_id, escaped);
  JsonNode *body = hangar_test_sandbox_request (sb, "GET", path, sb->pat, NULL, out_status);

  *out_body = body;
  if (*out_status != 200)
    return NULL;
  return json_object_get_array_member (json_node_get_object (body), "records");
}

static const char *
record_name (JsonArray *records, guint i)
{
  JsonObject *rec = json_array_get_object_element (records, i);
  JsonObject *fields = json_object_get_object_member (rec, "fields");

  return json_object_get_string_member_with_default (fields, "Name", NULL);
}

static void
test_http_filter (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--no-rate-limit", NULL);
  g_autoptr(JsonNode) bases = NULL;
  g_autoptr(GString) create = g_string_new ("{\"records\":[");
  g_autoptr(JsonNode) created = NULL;
  const char *base_id = NULL;
  JsonArray *list;
  guint status = 0;

  bases = hangar_test_sandbox_request (sb, "GET", "/v0/meta/bases", sb->pat, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  list = json_object_get_array_member (json_node_get_object (bases), "bases");
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *b = json_array_get_object_element (list, i);

      if (g_strcmp0 (json_object_get_string_member (b, "name"), "Product Roadmap") == 0)
        base_id = json_object_get_string_member (b, "id");
    }
  g_assert_nonnull (base_id);

  /* records whose names need every kind of escaping */
  for (guint i = 0; i < G_N_ELEMENTS (hostile_names); i++)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) n = NULL;
      g_autofree char *js = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "fields");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "Name");
      json_builder_add_string_value (b, hostile_names[i]);
      json_builder_end_object (b);
      json_builder_end_object (b);
      n = json_builder_get_root (b);
      js = json_to_string (n, FALSE);
      g_string_append_printf (create, "%s%s", i ? "," : "", js);
    }
  g_string_append (create, "]}");
  {
    g_autofree char *path = g_strdup_printf ("/v0/%s/People", base_id);

    created = hangar_test_sandbox_request (sb, "POST", path, sb->pat, create->str, &status);
    g_assert_cmpuint (status, ==, 200);
  }

  for (guint i = 0; i < G_N_ELEMENTS (hostile_names); i++)
    {
      g_autofree char *q1 = quote_single (hostile_names[i]);
      g_autofree char *q2 = quote_double (hostile_names[i]);
      g_autofree char *f1 = g_strdup_printf ("{Name}=%s", q1);
      g_autofree char *f2 = g_strdup_printf ("AND({Name} = %s, NOT({Name} = ''))", q2);
      const char *formulas[] = { f1, f2 };

      for (guint k = 0; k < G_N_ELEMENTS (formulas); k++)
        {
          g_autoptr(JsonNode) body = NULL;
          JsonArray *records = list_with_formula (sb, base_id, formulas[k], &status, &body);

          if (status != 200 || json_array_get_length (records) != 1)
            g_error ("filterByFormula=%s: status %u, %u records", formulas[k], status,
                     records ? json_array_get_length (records) : 0);
          g_assert_cmpstr (record_name (records, 0), ==, hostile_names[i]);
        }
    }

  /* functions over the demo data and the new records */
  {
    g_autoptr(JsonNode) body = NULL;
    JsonArray *records = list_with_formula (sb, base_id, "FIND('☕', {Name}) > 0", &status, &body);

    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpuint (json_array_get_length (records), ==, 1);
    g_assert_cmpstr (record_name (records, 0), ==, hostile_names[3]);
  }
  {
    g_autoptr(JsonNode) all_body = NULL;
    g_autoptr(JsonNode) none_body = NULL;
    g_autoptr(JsonNode) empty_body = NULL;
    JsonArray *all = list_with_formula (sb, base_id, "TRUE()", &status, &all_body);
    JsonArray *none = NULL, *empty = NULL;
    guint n_all = json_array_get_length (all);

    g_assert_cmpuint (n_all, >=, G_N_ELEMENTS (hostile_names));
    none = list_with_formula (sb, base_id, "0/0", &status, &none_body);
    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpuint (json_array_get_length (none), ==, 0);
    /* every record has a name: {Name}='' keeps none, NOT() keeps all */
    empty = list_with_formula (sb, base_id, "{Name}=''", &status, &empty_body);
    g_assert_cmpuint (json_array_get_length (empty), ==, 0);
  }

  /* unparseable formulas are 422 INVALID_FILTER_BY_FORMULA for the request */
  {
    const char *bad[] = { "{Name}=\u201CGuest\u201D", "{Nope}=1", "FOO({Name})", "AND(",
                          "NOT(1, 2)", "{\"fields\":1}", "{Name}='unterminated" };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(JsonNode) body = NULL;
        JsonObject *err;

        list_with_formula (sb, base_id, bad[i], &status, &body);
        g_assert_cmpuint (status, ==, 422);
        err = json_object_get_object_member (json_node_get_object (body), "error");
        g_assert_cmpstr (json_object_get_string_member (err, "type"), ==, "INVALID_FILTER_BY_FORMULA");
      }
  }

  /* the POST listRecords variant carries the formula in its body */
  {
    g_autofree char *q = quote_single (hostile_names[0]);
    g_autofree char *formula = g_strdup_printf ("{Name}=%s", q);
    g_autoptr(JsonBuilder) b = json_builder_new ();
    g_autoptr(JsonNode) req = NULL;
    g_autoptr(JsonNode) body = NULL;
    g_autofree char *js = NULL;
    g_autofree char *path = g_strdup_printf ("/v0/%s/People/listRecords", base_id);
    JsonArray *records;

    json_builder_begin_object (b);
    json_builder_set_member_name (b, "filterByFormula");
    json_builder_add_string_value (b, formula);
    json_builder_end_object (b);
    req = json_builder_get_root (b);
    js = json_to_string (req, FALSE);
    body = hangar_test_sandbox_request (sb, "POST", path, sb->pat, js, &status);
    g_assert_cmpuint (status, ==, 200);
    records = json_object_get_array_member (json_node_get_object (body), "records");
    g_assert_cmpuint (json_array_get_length (records), ==, 1);
    g_assert_cmpstr (record_name (records, 0), ==, hostile_names[0]);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();
  fake_setup ();

  g_test_add_func ("/hangar/sandbox/formula/cases", test_cases);
  g_test_add_func ("/hangar/sandbox/formula/nesting-limits", test_nesting_limits);
  g_test_add_func ("/hangar/sandbox/formula/size-limits", test_size_limits);
  g_test_add_func ("/hangar/sandbox/formula/resolve-once", test_parse_resolves_once);
  g_test_add_func ("/hangar/sandbox/formula/now-default", test_now_default);
  g_test_add_func ("/hangar/sandbox/formula/compare-cells", test_compare_cells);
  g_test_add_func ("/hangar/sandbox/formula/threads", test_threads);
  g_test_add_func ("/hangar/sandbox/formula/fuzz", test_fuzz);
  g_test_add_func ("/hangar/sandbox/formula/generated", test_generated);
  g_test_add_func ("/hangar/sandbox/formula/http-filter", test_http_filter);

  return g_test_run ();
}
