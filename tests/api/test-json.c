/* test-json.c — the guarded JSON entry point: strict RFC 8259, depth and
 * size limits, values json-glib cannot hold, the writer, and a seeded fuzz
 * run that checks the scan never accepts what json-glib then refuses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "hangar-api.h"
#include "hangar-json.h"

static void
assert_refused (const char *text,
                int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = hangar_json_parse (text, -1, 0, NULL, &error);

  if (node != NULL)
    g_error ("accepted %s", text);
  g_assert_error (error, HANGAR_JSON_ERROR, code);
  g_assert_true (g_str_has_prefix (error->message, "Invalid JSON") ||
                 code == HANGAR_JSON_ERROR_TOO_LARGE);
  g_assert_false (hangar_json_validate (text, -1, 0, NULL));
}

static char *
roundtrip (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) notes = NULL;
  g_autoptr(JsonNode) node = hangar_json_parse (text, -1, 0, &notes, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_null (notes);
  g_assert_true (hangar_json_validate (text, -1, 0, NULL));
  return hangar_json_to_string (node, -1);
}

static void
test_strict (void)
{
  const char *valid[][2] = {
    { "{}", "{}" },
    { "[]", "[]" },
    { " \t\r\n{ \"a\" : [ 1 , 2.5 , -0 , 1e2 , 1E-2 , true , false , null ] } \n", "{\"a\":[1,2.5,0,100,0.01,true,false,null]}" },
    { "\"x\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"", "\"x\\\"\\\\/\\b\\f\\n\\r\\té😀\"" },
    { "\xef\xbb\xbf[1]", "[1]" },
    { "0", "0" },
    { "\"ü\"", "\"ü\"" },
    { "[[[[[]]]]]", "[[[[[]]]]]" },
    { "{\"a\":{\"b\":{}}}", "{\"a\":{\"b\":{}}}" },
  };
  const char *invalid[] = {
    "", "   ", "[1,]", "{\"a\":1,}", "[01]", "[1.]", "[.5]", "[1e]", "[+1]", "[-]",
    "['a']", "[\"a\"/*c*/]", "// c\n[1]", "[1]#", "[NaN]", "[Infinity]", "[-Infinity]",
    "[tru]", "[nul]", "[True]", "{a:1}", "{\"a\" 1}", "{\"a\":}", "[1 2]", "[1]]", "[[1]",
    "{\"a\":1]", "[\"a\nb\"]", "[\"tab\there\"]", "[\"\\x41\"]", "[\"\\u12\"]", "[\"\\u12G4\"]",
    "[\"open", "[\"\\", "{\"a\"", "{", "[", "]", "}", ",", ":", "\"a\" \"b\"",
    "[\"\xff\"]", "[\"\xc3\"]", "\xef\xbb\xbf", "[1]\xef\xbb\xbf", "[0x10]", "[1_000]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_autofree char *out = roundtrip (valid[i][0]);

      g_assert_cmpstr (out, ==, valid[i][1]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    assert_refused (invalid[i], HANGAR_JSON_ERROR_INVALID);

  /* A NUL byte is never text. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (hangar_json_validate ("[\"a\0b\"]", 7, 0, &error));
    g_assert_error (error, HANGAR_JSON_ERROR, HANGAR_JSON_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "NUL"));
  }
}

static void
test_messages (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (hangar_json_validate ("{\"a\": 1,\n \"b\": [1, 2,]}", -1, 0, &error));
  g_assert_cmpstr (error->message, ==, "Invalid JSON at byte 21: “]” does not start a JSON value");
  g_clear_error (&error);

  g_assert_false (hangar_json_validate ("[1] x", -1, 0, &error));
  g_assert_cmpstr (error->message, ==, "Invalid JSON at byte 4: “x” after the end of the value");
  g_clear_error (&error);

  g_assert_false (hangar_json_validate ("[\"a\x1b[31m\"]", -1, 0, &error));
  g_assert_cmpstr (error->message, ==,
                   "Invalid JSON at byte 3: a control character (0x1b) inside a string must be escaped");
}

static char *
nested (guint       depth,
        const char *open,
        const char *inner,
        const char *close)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append (s, open);
  g_string_append (s, inner);
  for (guint i = 0; i < depth; i++)
    g_string_append (s, close);
  return g_string_free (s, FALSE);
}

static void
test_depth (void)
{
  g_autofree char *ok = nested (HANGAR_JSON_MAX_DEPTH, "[", "1", "]");
  g_autofree char *ok_objects = nested (HANGAR_JSON_MAX_DEPTH, "{\"a\":", "1", "}");
  g_autofree char *deep = nested (HANGAR_JSON_MAX_DEPTH + 1, "[", "", "]");
  g_autofree char *deep_objects = nested (HANGAR_JSON_MAX_DEPTH + 1, "{\"a\":", "1", "}");
  /* What overflowed json-glib's recursive parser, and far more. */
  g_autofree char *hostile = nested (1000000, "[", "", "]");
  g_autofree char *unclosed = nested (1000000, "{\"a\":[", "", "");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = hangar_json_parse (ok, -1, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  g_clear_pointer (&node, json_node_unref);
  node = hangar_json_parse (ok_objects, -1, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));

  assert_refused (deep, HANGAR_JSON_ERROR_TOO_DEEP);
  assert_refused (deep_objects, HANGAR_JSON_ERROR_TOO_DEEP);
  assert_refused (hostile, HANGAR_JSON_ERROR_TOO_DEEP);
  assert_refused (unclosed, HANGAR_JSON_ERROR_TOO_DEEP);
  g_assert_false (hangar_json_validate (hostile, -1, 0, &error));
  g_assert_cmpstr (error->message, ==, "Invalid JSON at byte 128: nested deeper than 128 levels");
}

static void
test_size (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new_static ("[1,2,3]", 7);

  g_assert_true (hangar_json_validate ("[1,2,3]", -1, 7, NULL));
  g_assert_false (hangar_json_validate ("[1,2,3]", -1, 6, &error));
  g_assert_error (error, HANGAR_JSON_ERROR, HANGAR_JSON_ERROR_TOO_LARGE);
  g_assert_cmpstr (error->message, ==, "JSON text of 7 bytes is larger than the limit of 6");
  g_clear_error (&error);

  node = hangar_json_parse_bytes (bytes, 6, NULL, &error);
  g_assert_null (node);
  g_assert_error (error, HANGAR_JSON_ERROR, HANGAR_JSON_ERROR_TOO_LARGE);
  g_clear_error (&error);
  node = hangar_json_parse_bytes (bytes, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 3);
}

/* Values json-glib would change silently come back rewritten, each with a
 * note that says what happened. */
static void
test_unrepresentable (void)
{
  struct {
    const char *in;
    const char *out;
    const char *note;
  } cases[] = {
    { "[1e999999]", "[null]", "byte 1: the number 1e999999 is out of range and was read as null" },
    { "[-1e400]", "[null]", "byte 1: the number -1e400 is out of range and was read as null" },
    { "[123456789012345678901234]", "[1.2345678901234569e+23]",
      "byte 1: the integer 123456789012345678901234 is beyond 64 bits and was read as 1.2345678901234569e+23" },
    { "[9223372036854775808]", "[9.223372036854776e+18]",
      "byte 1: the integer 9223372036854775808 is beyond 64 bits and was read as 9.223372036854776e+18" },
    { "[-9223372036854775809]", "[-9.223372036854776e+18]",
      "byte 1: the integer -9223372036854775809 is beyond 64 bits and was read as -9.223372036854776e+18" },
    { "[\"a\\u0000b\"]", "[\"a\xef\xbf\xbd" "b\"]", "byte 3: a NUL character (\\u0000) was read as U+FFFD" },
    { "[\"\\ud800\"]", "[\"\xef\xbf\xbd\"]", "byte 2: an unpaired surrogate (\\ud800) was read as U+FFFD" },
    { "[\"\\ud800x\"]", "[\"\xef\xbf\xbdx\"]", "byte 2: an unpaired surrogate (\\ud800) was read as U+FFFD" },
    { "[\"\\udc00\"]", "[\"\xef\xbf\xbd\"]", "byte 2: an unpaired surrogate (\\udc00) was read as U+FFFD" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) notes = NULL;
      g_autoptr(JsonNode) node = hangar_json_parse (cases[i].in, -1, 0, &notes, &error);
      g_autofree char *out = NULL;

      g_assert_no_error (error);
      out = hangar_json_to_string (node, -1);
      g_assert_cmpstr (out, ==, cases[i].out);
      g_assert_nonnull (notes);
      g_assert_cmpstr (notes[0], ==, cases[i].note);
      g_assert_null (notes[1]);
    }

  /* Still in range: no note, exact values. */
  {
    g_auto(GStrv) notes = NULL;
    g_autoptr(JsonNode) node = hangar_json_parse ("[9223372036854775807,-9223372036854775808,1e308,1e-400]",
                                                  -1, 0, &notes, NULL);
    JsonArray *a = json_node_get_array (node);

    g_assert_null (notes);
    g_assert_cmpint (json_array_get_int_element (a, 0), ==, G_MAXINT64);
    g_assert_cmpint (json_array_get_int_element (a, 1), ==, G_MININT64);
    g_assert_cmpfloat (json_array_get_double_element (a, 2), ==, 1e308);
    g_assert_cmpfloat (json_array_get_double_element (a, 3), ==, 0.0);
  }
}

/* Each note says where its value is, so a caller can tell which record or
 * field it concerns. */
static void
test_note_paths (void)
{
  const char *text =
    "{\"records\":[{\"id\":\"a\",\"fields\":{\"N\":1}},"
    "{\"id\":\"b\",\"fields\":{\"Big n\\u00fcmber\":123456789012345678901234,"
    "\"x\":[1,1e999,{\"k\":\"\\u0000\"}],\"\":-1e400}}],"
    "\"\\u0000\":1e999}";
  const char *expected[][2] = {
    { "records[1].fields[\"Big nümber\"]", "the integer 123456789012345678901234 is beyond 64 bits and was read as 1.2345678901234569e+23" },
    { "records[1].fields.x[1]", "the number 1e999 is out of range and was read as null" },
    { "records[1].fields.x[2].k", "a NUL character (\\u0000) was read as U+FFFD" },
    { "records[1].fields[\"\"]", "the number -1e400 is out of range and was read as null" },
    { "", "a NUL character (\\u0000) was read as U+FFFD" },
    { "[\"\ufffd\"]", "the number 1e999 is out of range and was read as null" },
  };
  g_autoptr(GPtrArray) notes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = hangar_json_parse_full (text, -1, 0, &notes, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_nonnull (notes);
  g_assert_cmpuint (notes->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < notes->len; i++)
    {
      HangarJsonNote *note = g_ptr_array_index (notes, i);
      g_autofree char *text_note = g_strdup_printf ("byte %" G_GSIZE_FORMAT ": %s", note->offset, note->message);

      g_assert_cmpstr (note->path, ==, expected[i][0]);
      g_assert_cmpstr (note->message, ==, expected[i][1]);
      g_assert_cmpstr (note->text, ==, text_note);
    }

  /* nothing to say: no array at all */
  g_clear_pointer (&notes, g_ptr_array_unref);
  g_clear_pointer (&node, json_node_unref);
  node = hangar_json_parse_full ("[1,2]", -1, 0, &notes, &error);
  g_assert_no_error (error);
  g_assert_null (notes);
}

/* Without a place for notes they are logged, never dropped. */

static void
test_unrepresentable_logged (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(JsonNode) node = NULL;

      g_log_set_always_fatal (G_LOG_FATAL_MASK);
      node = hangar_json_parse ("{\"n\":1e999}", -1, 0, NULL, NULL);
      g_assert_nonnull (node);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*JSON input: byte 5: the number 1e999 is out of range and was read as null*");
}

static void
test_writer (void)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *pretty = NULL;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  hangar_json_append_double (out, 0.4);
  g_string_append_c (out, ' ');
  hangar_json_append_double (out, 1.0 / 3.0);
  g_string_append_c (out, ' ');
  hangar_json_append_double (out, INFINITY);
  g_string_append_c (out, ' ');
  hangar_json_append_double (out, NAN);
  g_string_append_c (out, ' ');
  hangar_json_append_string (out, "a\x1b]0;title\x07\x7f\"\\");
  g_assert_cmpstr (out->str, ==, "0.4 0.3333333333333333 null null \"a\\u001b]0;title\\u0007\\u007f\\\"\\\\\"");
  g_assert_cmpstr (hangar_json_format_double (buf, 0.1), ==, "0.1");
  g_assert_cmpstr (hangar_json_format_double (buf, -2.5e-300), ==, "-2.5e-300");

  node = hangar_json_parse ("{\"b\":[1,{\"c\":null}],\"a\":\"x\",\"e\":{},\"f\":[]}", -1, 0, NULL, NULL);
  pretty = hangar_json_to_string (node, 2);
  g_assert_cmpstr (pretty, ==,
                   "{\n  \"b\": [\n    1,\n    {\n      \"c\": null\n    }\n  ],\n  \"a\": \"x\",\n  \"e\": {},\n  \"f\": []\n}");
}

static void
test_getters (void)
{
  g_autoptr(JsonNode) node = hangar_json_parse ("{\"i\":3,\"d\":3.0,\"f\":3.5,\"big\":1e300,\"neg\":-1e300,"
                                                "\"s\":\"x\",\"b\":true,\"n\":null}", -1, 0, NULL, NULL);
  JsonObject *o = json_node_get_object (node);
  g_autoptr(GError) error = NULL;
  gint64 v = 0;
  const char *s = NULL;

  g_assert_true (_hangar_json_get_int (o, "i", TRUE, "test", &v, &error));
  g_assert_cmpint (v, ==, 3);
  g_assert_true (_hangar_json_get_int (o, "d", TRUE, "test", &v, &error));
  g_assert_cmpint (v, ==, 3);
  g_assert_false (_hangar_json_get_int (o, "f", TRUE, "test", &v, &error));
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);
  g_assert_false (_hangar_json_get_int (o, "big", TRUE, "test", &v, &error));
  g_clear_error (&error);
  g_assert_false (_hangar_json_get_int (o, "neg", TRUE, "test", &v, &error));
  g_clear_error (&error);
  g_assert_false (_hangar_json_get_int (o, "s", TRUE, "test", &v, &error));
  g_assert_cmpstr (error->message, ==, "Invalid response: “s” of test is a string, not an integer");
  g_clear_error (&error);
  g_assert_true (_hangar_json_get_string (o, "n", FALSE, "test", &s, &error));
  g_assert_null (s);
  g_assert_false (_hangar_json_get_string (o, "n", TRUE, "test", &s, &error));
  g_assert_cmpstr (error->message, ==, "Invalid response: test has no “n”");
}

/* Mutations of valid documents: whatever the scan accepts, json-glib must
 * parse, and the writer's output must be accepted again and be stable. The
 * run is bounded here; HANGAR_FUZZ_SECONDS makes it longer. */
static void
test_fuzz (void)
{
  const char *seeds[] = {
    "{\"records\":[{\"id\":\"rec1\",\"createdTime\":\"2024-01-01T00:00:00.000Z\",\"fields\":{\"Name\":\"a\",\"N\":1.5,\"T\":[\"x\",\"y\"],\"B\":true}}],\"offset\":\"itr1/rec1\"}",
    "{\"error\":{\"type\":\"INVALID_REQUEST\",\"message\":\"Bad \\\"thing\\\" \\u00e9\"}}",
    "[1,-2.5e-3,0,null,false,\"\\ud83d\\ude00\",{\"\":[]}]",
    "{\"access_token\":\"abc.def\",\"expires_in\":3600,\"refresh_expires_in\":5184000,\"scope\":\"a b\"}",
  };
  const char alphabet[] = "{}[]\",:\\/0123456789-+.eEtrufalsn \t\n\x01\x7f\xc3\xa9\xff'u";
  const char *env = g_getenv ("HANGAR_FUZZ_SECONDS");
  double seconds = env != NULL ? g_ascii_strtod (env, NULL) : 0.5;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261202);
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  guint64 runs = 0, accepted = 0;

  while (g_get_monotonic_time () < deadline || runs < 2000)
    {
      const char *seed = seeds[g_rand_int_range (rand, 0, G_N_ELEMENTS (seeds))];
      g_autoptr(GString) text = g_string_new (seed);
      guint edits = g_rand_int_range (rand, 1, 6);
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) notes = NULL;

      for (guint e = 0; e < edits; e++)
        {
          guint pos = text->len > 0 ? g_rand_int_range (rand, 0, text->len) : 0;
          char c = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];

          switch (g_rand_int_range (rand, 0, 4))
            {
            case 0:
              g_string_insert_c (text, pos, c);
              break;
            case 1:
              if (text->len > 0)
                g_string_erase (text, pos, 1);
              break;
            case 2:
              if (text->len > 0)
                text->str[pos] = c;
              break;
            default:
              {
                /* Repeat a slice: grows nesting and long numbers. */
                guint len = g_rand_int_range (rand, 1, 8);
                g_autofree char *slice = g_strndup (text->str + pos, len);

                for (guint k = g_rand_int_range (rand, 1, 40); k > 0; k--)
                  g_string_insert (text, pos, slice);
              }
              break;
            }
        }

      runs++;
      node = hangar_json_parse (text->str, text->len, 0, &notes, &error);
      if (node == NULL)
        {
          g_assert_nonnull (error);
          g_assert_true (error->domain == HANGAR_JSON_ERROR);
          /* "json-glib disagreeing" would mean the scan let through what
           * json-glib cannot read: a bug in the scan. */
          if (g_str_has_prefix (error->message, "Invalid JSON: "))
            g_error ("scan accepted, json-glib refused: %s\n%s", error->message, text->str);
          continue;
        }
      accepted++;
      {
        g_autofree char *out = hangar_json_to_string (node, -1);
        g_autoptr(JsonNode) again = hangar_json_parse (out, -1, 0, NULL, &error);
        g_autofree char *out2 = NULL;

        g_assert_no_error (error);
        out2 = hangar_json_to_string (again, -1);
        g_assert_cmpstr (out, ==, out2);
      }
    }
  g_test_message ("json fuzz: %" G_GUINT64_FORMAT " inputs, %" G_GUINT64_FORMAT " accepted", runs, accepted);
  if (env != NULL)
    g_print ("json fuzz: %" G_GUINT64_FORMAT " inputs, %" G_GUINT64_FORMAT " accepted, 0 findings\n",
             runs, accepted);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hangar/json/strict", test_strict);
  g_test_add_func ("/hangar/json/messages", test_messages);
  g_test_add_func ("/hangar/json/depth", test_depth);
  g_test_add_func ("/hangar/json/size", test_size);
  g_test_add_func ("/hangar/json/unrepresentable", test_unrepresentable);
  g_test_add_func ("/hangar/json/unrepresentable-logged", test_unrepresentable_logged);
  g_test_add_func ("/hangar/json/note-paths", test_note_paths);
  g_test_add_func ("/hangar/json/writer", test_writer);
  g_test_add_func ("/hangar/json/getters", test_getters);
  g_test_add_func ("/hangar/json/fuzz", test_fuzz);

  return g_test_run ();
}
