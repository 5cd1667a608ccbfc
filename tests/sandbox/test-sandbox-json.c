/* test-sandbox-json.c — the strict JSON check every body and the state file
 * pass before json-glib sees them (src/sandbox/sandbox-json.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hangar-test-sandbox.h"
#include "sandbox-private.h"

static gboolean
check (const char *text,
       gsize       len,
       guint       depth)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = sandbox_json_check (text, len, depth, &error);

  g_assert_true (ok == (error == NULL));
  return ok;
}

static void
test_accepts (void)
{
  const char *good[] = {
    "{}", "[]", "0", "-0", "1.5", "-1.25e+10", "1E5", "2e-3", "\"\"", "true", "false", "null",
    " \t\r\n{ \"a\" : [ 1 , 2 , { } , [ ] ] } \n",
    "{\"a\":{\"b\":{\"c\":[null,true,false,\"x\"]}}}",
    "\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uD83D\\uDE00 \\u0000\"",
    "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"",
    "{\"a\":1,\"a\":2}",   /* duplicate names: RFC 8259 allows them, the last one wins */
    "[1e400]",              /* syntactically a number; its value is refused where it matters */
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = NULL;

      g_test_message ("accept %u: %s", i, good[i]);
      g_assert_true (check (good[i], strlen (good[i]), 64));
      node = sandbox_json_parse (good[i], strlen (good[i]), 64, &error);
      if (i == G_N_ELEMENTS (good) - 1 && node == NULL)
        continue;   /* json-glib may refuse an infinite number; that is a refusal too */
      g_assert_no_error (error);
      g_assert_nonnull (node);
    }
  /* a NUL inside the document is not JSON, even where json-glib would stop early */
  g_assert_false (check ("{}\0", 3, 64));
}

static void
test_refuses (void)
{
  /* what json-glib 1.6 accepts or mishandles, and what is simply broken */
  const char *bad[] = {
    "", " ", "{", "}", "[", "]", "[1,]", "{\"a\":1,}", "{,}", "[,1]", "{\"a\"}", "{\"a\":}",
    "{'a':1}", "['x']", "{a:1}", "/* c */ {}", "{} // c", "{/*\"*/\"a\":1}", "# c\n{}",
    "[1 2]", "{\"a\":1 \"b\":2}", "01", "-", "1.", ".5", "1e", "+1", "0x10", "NaN", "Infinity",
    "-Infinity", "tru", "nul", "True", "undefined", "{}{}", "[] x", "\"a\" \"b\"",
    "\"unterminated", "\"bad \\x escape\"", "\"\\u12\"", "\"\\uZZZZ\"",
    "\"\\uD800\"", "\"\\uDC00\"", "\"\\uD800\\u0041\"", "\"tab\there\"", "\"new\nline\"",
    "\xef\xbb\xbf{}", "\"\xff\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"",
    "[1}", "{\"a\":1]", "[[[]]", "]", "{\"a\" 1}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = NULL;

      g_test_message ("refuse %u: %s", i, bad[i]);
      g_assert_false (check (bad[i], strlen (bad[i]), 64));
      node = sandbox_json_parse (bad[i], strlen (bad[i]), 64, &error);
      g_assert_null (node);
      g_assert_error (error, SANDBOX_JSON_ERROR, SANDBOX_JSON_ERROR_INVALID);
    }
}

static void
test_depth (void)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autoptr(GString) fooled = g_string_new ("{'\"':");

  /* exactly the limit is fine, one more is refused */
  for (guint i = 0; i < 64; i++)
    g_string_append_c (s, '[');
  for (guint i = 0; i < 64; i++)
    g_string_append_c (s, ']');
  g_assert_true (check (s->str, s->len, 64));
  g_string_prepend_c (s, '[');
  g_string_append_c (s, ']');
  g_assert_false (check (s->str, s->len, 64));

  /* a million open brackets: refused at once, without recursion */
  g_string_truncate (s, 0);
  for (guint i = 0; i < 1000000; i++)
    g_string_append_c (s, '[');
  g_assert_false (check (s->str, s->len, 64));
  g_assert_false (check (s->str, s->len, G_MAXUINT));   /* unlimited depth: still iterative */

  /* brackets inside strings do not count */
  g_string_truncate (s, 0);
  g_string_append_c (s, '"');
  for (guint i = 0; i < 100000; i++)
    g_string_append (s, "[{");
  g_string_append_c (s, '"');
  g_assert_true (check (s->str, s->len, 1));

  /* the kind of body that fooled a quote-counting guard: a quote inside a
   * single-quoted string hides the real nesting that follows */
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (fooled, '[');
  g_assert_false (check (fooled->str, fooled->len, 64));
}

/* Whatever the check accepts, json-glib parses; random documents built from
 * JSON's tokens and near misses, compared with json-glib's own verdict. */
static void
test_agrees_with_json_glib (void)
{
  static const char * const pieces[] = {
    "{", "}", "[", "]", ",", ":", "\"a\"", "\"\\u00e9\"", "1", "-2.5e3", "true", "null", " ",
    "'", "/*", "*/", "\"", "\\", "0", "01", "\n", "x", "\"\\uD83D\\uDE00\"",
  };
  GRand *rand = g_rand_new_with_seed (20240613);
  guint accepted = 0;

  for (guint n = 0; n < 20000; n++)
    {
      g_autoptr(GString) s = g_string_new (NULL);
      guint len = g_rand_int_range (rand, 1, 12);
      g_autoptr(GError) error = NULL;

      for (guint i = 0; i < len; i++)
        g_string_append (s, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
      if (check (s->str, s->len, 64))
        {
          g_autoptr(JsonParser) parser = json_parser_new ();

          accepted++;
          if (!json_parser_load_from_data (parser, s->str, s->len, &error))
            g_error ("accepted by the check, refused by json-glib: %s (%s)", s->str, error->message);
        }
    }
  g_test_message ("%u of 20000 random documents were valid JSON", accepted);
  g_assert_cmpuint (accepted, >, 100);
  g_rand_free (rand);
}

static void
test_log_escape (void)
{
  const struct { const char *in, *out; } cases[] = {
    { "/v0/app/Tasks", "/v0/app/Tasks" },
    { "/v0/a\r\nhangar-sandbox: FORGED", "/v0/a\\x0d\\x0ahangar-sandbox: FORGED" },
    { "\x1b[31mred", "\\x1b[31mred" },
    { "back\\slash", "back\\\\slash" },
    { "caf\xc3\xa9", "caf\xc3\xa9" },
    { "\xe2\x80\xae" "evil", "\\u{202e}evil" },
    { "c1\xc2\x9b", "c1\\u{009b}" },
    { "bad\xff", "bad\\xff" },
    { "del\x7f", "del\\x7f" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *escaped = sandbox_log_escape (cases[i].in);

      g_assert_cmpstr (escaped, ==, cases[i].out);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hangar/sandbox/json/accepts", test_accepts);
  g_test_add_func ("/hangar/sandbox/json/refuses", test_refuses);
  g_test_add_func ("/hangar/sandbox/json/depth", test_depth);
  g_test_add_func ("/hangar/sandbox/json/agrees-with-json-glib", test_agrees_with_json_glib);
  g_test_add_func ("/hangar/sandbox/json/log-escape", test_log_escape);

  return g_test_run ();
}
