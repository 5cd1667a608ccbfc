/* test-sandbox-hostile.c — hostile input against a real hangar-sandbox over
 * real HTTP: bodies that are not strict JSON (to the API with a token, and to
 * the unauthenticated control API), damaged and hostile state files, and
 * request paths that try to forge log lines
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "test-sandbox-common.h"

/* A sandbox whose stderr the test reads (the shared launcher lets it through). */
typedef struct
{
  HangarTestSandbox *sb;
  GSubprocess       *proc;
} Captured;

static Captured *
start_captured (const char * const *extra)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *line = NULL;
  const char *bin = g_getenv ("HANGAR_SANDBOX");
  Captured *c = g_new0 (Captured, 1);

  g_ptr_array_add (argv, (char *) (bin != NULL ? bin : BUILDDIR "/src/sandbox/hangar-sandbox"));
  g_ptr_array_add (argv, (char *) "--port");
  g_ptr_array_add (argv, (char *) "0");
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) extra[i]);
  g_ptr_array_add (argv, NULL);
  c->proc = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (c->proc));
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (in), FALSE);
  line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  json_parser_load_from_data (parser, line, -1, &error);
  g_assert_no_error (error);
  c->sb = g_new0 (HangarTestSandbox, 1);
  c->sb->info = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
  c->sb->url = g_strdup (json_object_get_string_member (c->sb->info, "url"));
  c->sb->pat = g_strdup (json_object_get_string_member (c->sb->info, "pat"));
  return c;
}

/* Stops the server and returns everything it wrote on stderr. */
static char *
stop_captured (Captured *c)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  g_subprocess_send_signal (c->proc, SIGTERM);
  /* the log is escaped, so it is always UTF-8 */
  g_subprocess_communicate_utf8 (c->proc, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_subprocess_wait (c->proc, NULL, NULL);
  g_assert_true (g_subprocess_get_if_exited (c->proc));
  g_clear_object (&c->proc);
  hangar_test_sandbox_stop (c->sb);
  g_free (c);
  return err != NULL ? g_steal_pointer (&err) : g_strdup ("");
}

static GString *
nest (const char *open,
      guint       n,
      const char *middle,
      const char *close)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append (s, open);
  g_string_append (s, middle);
  for (guint i = 0; close != NULL && i < n; i++)
    g_string_append (s, close);
  return s;
}

static void
assert_error_type (GBytes     *reply,
                   const char *type)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *err;

  json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), &error);
  g_assert_no_error (error);
  err = json_object_get_member (json_node_get_object (json_parser_get_root (parser)), "error");
  g_assert_nonnull (err);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (err), "type"), ==, type);
}

static void
test_strict_bodies (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--no-rate-limit", "--quiet", NULL);
  g_autofree char *base = sb_demo_base (sb);
  g_autofree char *tasks = g_strdup_printf ("/v0/%s/Tasks", base);
  g_autofree char *list = g_strdup_printf ("/v0/%s/Tasks/listRecords", base);
  g_autofree char *meta = g_strdup_printf ("/v0/meta/bases/%s/tables", base);
  guint before = sb_count_records (sb, base, "Tasks");
  /* a quote inside a single-quoted string or a comment made a quote-counting
   * guard miss the real brackets that follow; json-glib then recursed */
  g_autoptr(GString) fooled_quote = nest ("[", 300000, "", NULL);
  g_autoptr(GString) fooled_comment = nest ("[", 300000, "", NULL);
  g_autoptr(GString) deep = nest ("[", 65, "1", "]");
  g_autoptr(GString) deep_ok = nest ("[", 61, "1", "]");
  const char *bodies[] = {
    "{/* comment */\"fields\":{\"Title\":\"x\"}}",
    "{\"fields\":{\"Title\":\"x\"}} // comment",
    "{'fields':{'Title':'x'}}",
    "{fields:{\"Title\":\"x\"}}",
    "{\"fields\":{\"Title\":\"x\",}}",
    "{\"fields\":{\"Points\":NaN}}",
    "{\"fields\":{\"Points\":Infinity}}",
    "{\"fields\":{\"Points\":0x10}}",
    "{\"fields\":{\"Points\":01}}",
    "\xef\xbb\xbf{\"fields\":{\"Title\":\"x\"}}",
    "{\"fields\":{\"Title\":\"\\ud800\"}}",
    "{\"fields\":{\"Title\":\"a\tb\"}}",
    "{\"fields\":{\"Title\":\"\xff\"}}",
    "{\"fields\":{\"Title\":\"x\"}} trailing",
    "{\"fields\":{\"Title\":\"x\"}}{}",
    NULL, NULL, NULL,
  };

  g_string_prepend (fooled_quote, "{'\"':");
  g_string_prepend (fooled_comment, "/*\"*/");
  bodies[G_N_ELEMENTS (bodies) - 3] = fooled_quote->str;
  bodies[G_N_ELEMENTS (bodies) - 2] = fooled_comment->str;
  bodies[G_N_ELEMENTS (bodies) - 1] = deep->str;

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      const struct { const char *method; const char *path; const char *bearer; } targets[] = {
        { "POST", tasks, sb->pat },
        { "PATCH", tasks, sb->pat },
        { "POST", list, sb->pat },
        { "POST", meta, sb->pat },
        { "POST", "/__sandbox/faults", NULL },   /* the control API needs no token */
        { "POST", "/__sandbox/pats", NULL },
      };

      for (guint t = 0; t < G_N_ELEMENTS (targets); t++)
        {
          guint status = 0;
          g_autoptr(GBytes) reply = hangar_test_sandbox_raw_request (sb, targets[t].method, targets[t].path,
                                                                     targets[t].bearer, NULL, bodies[i],
                                                                     strlen (bodies[i]), "application/json", &status);

          g_test_message ("body %u to %s %s → %u", i, targets[t].method, targets[t].path, status);
          g_assert_cmpuint (status, ==, 400);
          assert_error_type (reply, "INVALID_REQUEST_BODY");
        }
    }

  /* nesting within the limit is JSON: refused for what it says, not as JSON */
  {
    g_autofree char *body = g_strdup_printf ("{\"fields\":{\"Title\":%s}}", deep_ok->str);
    guint status = 0;
    g_autoptr(GBytes) reply = hangar_test_sandbox_raw_request (sb, "POST", tasks, sb->pat, NULL, body, strlen (body),
                                                               "application/json", &status);

    g_assert_cmpuint (status, ==, 422);
    assert_error_type (reply, "INVALID_VALUE_FOR_COLUMN");
  }

  /* alive, nothing written, and the control API still works */
  g_assert_cmpuint (sb_count_records (sb, base, "Tasks"), ==, before);
  g_assert_cmpint (hangar_test_sandbox_stat (sb, "requests"), >, 0);
  g_assert_cmpint (hangar_test_sandbox_stat (sb, "by_status.400"), ==, (gint64) (G_N_ELEMENTS (bodies) * 4));
}

/* Runs the sandbox on @dir and expects it to refuse the state: exit status 1
 * (not a signal), one clear line on stderr, the file untouched. */
static void
assert_state_refused (const char *dir,
                      const char *content,
                      gsize       len,
                      const char *expected)
{
  g_autofree char *file = g_build_filename (dir, "state.json", NULL);
  g_autofree char *after = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  gsize after_len = 0;
  const char *bin = g_getenv ("HANGAR_SANDBOX");

  g_assert_true (g_file_set_contents (file, content, (gssize) len, NULL));
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                           bin != NULL ? bin : BUILDDIR "/src/sandbox/hangar-sandbox",
                           "--port", "0", "--state-dir", dir, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_subprocess_wait (proc, NULL, NULL);
  g_test_message ("stderr: %s", err);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 1);
  g_assert_true (g_str_has_prefix (err, "hangar-sandbox: Cannot load the state in "));
  g_assert_nonnull (strstr (err, expected));
  /* one line, no control characters from the file */
  g_assert_true (g_str_has_suffix (err, "\n"));
  g_assert_null (strchr (err, '\n') == err + strlen (err) - 1 ? NULL : "more than one line");
  for (const char *p = err; *p; p++)
    g_assert_true ((guchar) *p >= 0x20 || *p == '\n');
  g_assert_true (g_file_get_contents (file, &after, &after_len, NULL));
  g_assert_cmpmem (after, after_len, content, len);
}

/* Lists every record of every table the demo token sees, as JSON and as
 * strings, and the schemas: every code path that reads the store. */
static void
read_everything (HangarTestSandbox *sb)
{
  g_autoptr(JsonObject) bases = sb_call (sb, "GET", "/v0/meta/bases", sb->pat, NULL, 200);
  JsonArray *list = json_object_get_array_member (bases, "bases");

  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      const char *base = json_object_get_string_member (json_array_get_object_element (list, i), "id");
      g_autofree char *path = g_strdup_printf ("/v0/meta/bases/%s/tables", base);
      g_autoptr(JsonObject) schema = sb_call (sb, "GET", path, sb->pat, NULL, 200);
      JsonArray *tables = json_object_get_array_member (schema, "tables");

      for (guint t = 0; t < json_array_get_length (tables); t++)
        {
          const char *table = json_object_get_string_member (json_array_get_object_element (tables, t), "id");
          g_autofree char *records = g_strdup_printf ("/v0/%s/%s?pageSize=100", base, table);
          g_autofree char *strings = g_strdup_printf ("/v0/%s/%s?cellFormat=string&timeZone=Europe%%2FBerlin&userLocale=de",
                                                      base, table);
          g_autoptr(JsonObject) a = sb_call (sb, "GET", records, sb->pat, NULL, 200);
          g_autoptr(JsonObject) b = sb_call (sb, "GET", strings, sb->pat, NULL, 200);
        }
    }
}

static void
test_state_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sandbox-hostile-XXXXXX", &error);
  g_autofree char *good_dir = g_dir_make_tmp ("sandbox-good-XXXXXX", &error);
  g_autofree char *good = NULL;
  g_autofree char *good_file = NULL;
  g_autoptr(GString) deep = nest ("[", 1000000, "", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_no_error (error);
  /* a real state to damage */
  {
    g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--quiet", "--state-dir", good_dir, NULL);
  }
  good_file = g_build_filename (good_dir, "state.json", NULL);
  g_assert_true (g_file_get_contents (good_file, &good, NULL, NULL));

  assert_state_refused (dir, "{not json", 9, "not valid JSON");
  assert_state_refused (dir, "{/* a comment */\"users\":[],\"bases\":[]}", 38, "not valid JSON");
  assert_state_refused (dir, "{'users':[],'bases':[]}", 23, "not valid JSON");
  assert_state_refused (dir, deep->str, deep->len, "Nested too deeply");
  assert_state_refused (dir, "[]", 2, "not a JSON object");
  assert_state_refused (dir, "{\"users\":[],\"bases\":[]}", 23, "users");
  assert_state_refused (dir, "{\"version\":99,\"users\":[{\"id\":\"u\",\"email\":\"e\"}],\"bases\":[]}", 58, "version");
  assert_state_refused (dir, "{\"users\":[{\"id\":\"u\",\"email\":\"e\"},{\"id\":\"u\",\"email\":\"f\"}],\"bases\":[]}",
                        68, "the same user id twice");
  /* a control character inside the file reaches the message only escaped */
  {
    const char *text = "{\"users\":[{\"id\":\"u\",\"email\":\"e\"}],\"bases\":[{\"id\":\"b\",\"tables\":[{\"id\":\"t\","
                       "\"fields\":[{\"id\":\"f\",\"type\":\"\\u001b[31mred\"}]}]}]}";

    assert_state_refused (dir, text, strlen (text), "bases[0].tables[0].fields[0].type");
  }

  /* damage the real state in the places the code relies on */
  {
    struct { const char *find; const char *replace; const char *expected; } cuts[] = {
      /* a select choice whose name is a number */
      { "\"name\":\"Engineering\"", "\"name\":7", "choices" },
      /* a link cell that is a string, not an array of ids */
      { "\"cells\":{", "\"cells\":{\"__\":0,", NULL },
      /* a field type nobody knows */
      { "\"type\":\"singleLineText\"", "\"type\":\"hologram\"", "not a field type" },
      /* a record id that is not a string */
      { "\"id\":\"rec", "\"id\":7,\"was\":\"rec", "not a string" },
    };

    json_parser_load_from_data (parser, good, -1, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
      {
        g_autoptr(GString) damaged = g_string_new (good);
        const char *at = strstr (good, cuts[i].find);

        g_assert_nonnull (at);
        g_string_erase (damaged, at - good, strlen (cuts[i].find));
        g_string_insert (damaged, at - good, cuts[i].replace);
        if (cuts[i].expected == NULL)
          {
            /* harmless damage: the state loads and every table reads */
            g_autofree char *file = g_build_filename (dir, "state.json", NULL);
            g_autoptr(HangarTestSandbox) sb = NULL;

            g_assert_true (g_file_set_contents (file, damaged->str, damaged->len, NULL));
            sb = hangar_test_sandbox_start ("--quiet", "--no-rate-limit", "--state-dir", dir, NULL);
            read_everything (sb);
          }
        else
          assert_state_refused (dir, damaged->str, damaged->len, cuts[i].expected);
      }
  }
  sb_remove_tree (dir);
  sb_remove_tree (good_dir);
}

static void
test_log_lines (void)
{
  Captured *c = start_captured ((const char * const[]) { "--no-rate-limit", NULL });
  const char *paths[] = {
    "/v0/abc%0D%0Ahangar-sandbox:%20GET%20/forged%20%E2%86%92%20200%0D%0A/x",
    "/v0/abc%0Ahangar-sandbox:%20FORGED",
    "/v0/%1B%5B31mred%1B%5B0m%07",
    "/v0/%E2%80%AEdesrever",
    "/v0/%C2%9B31m",
    "/v0/%FF%FE",
    "/__sandbox/x%0D%0Ahangar-sandbox:%20FORGED",
  };
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  guint request_lines = 0;

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      guint status = 0;
      g_autoptr(GBytes) reply = hangar_test_sandbox_raw_request (c->sb, "GET", paths[i], c->sb->pat, NULL, NULL, 0,
                                                                 NULL, &status);

      g_assert_cmpuint (status, >=, 400);
    }
  err = stop_captured (c);
  g_test_message ("stderr:\n%s", err);
  lines = g_strsplit (err, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      if (*line == '\0')
        continue;
      /* every line is the sandbox's own, none forged by a path */
      g_assert_true (g_str_has_prefix (line, "hangar-sandbox: "));
      g_assert_false (g_str_has_prefix (line, "hangar-sandbox: FORGED"));
      g_assert_false (g_str_has_prefix (line, "hangar-sandbox: GET /forged"));
      if (g_str_has_prefix (line, "hangar-sandbox: GET /v0/"))
        request_lines++;
      for (const char *p = line; *p; p = g_utf8_next_char (p))
        {
          gunichar ch = g_utf8_get_char_validated (p, -1);

          g_assert_true (ch != (gunichar) -1 && ch != (gunichar) -2);
          g_assert_false (ch < 0x20 || (ch >= 0x7f && ch <= 0x9f));
          g_assert_false (ch == 0x202e);
        }
    }
  /* one line per API request (the control API's are logged too) */
  g_assert_cmpuint (request_lines, ==, G_N_ELEMENTS (paths) - 1);
  g_assert_nonnull (strstr (err, "/v0/abc\\x0d\\x0ahangar-sandbox: GET /forged"));
  g_assert_nonnull (strstr (err, "\\x1b[31mred"));
  g_assert_nonnull (strstr (err, "\\u{202e}desrever"));
}

/* A control character written into a cell comes back escaped (json-glib
 * alone writes U+001F raw, which is not JSON), and the state file that
 * holds it loads again. */
static void
test_control_characters (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sandbox-controls-XXXXXX", &error);
  g_autofree char *base = NULL;
  g_autofree char *id = NULL;

  g_assert_no_error (error);
  {
    g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--no-rate-limit", "--quiet", "--state-dir", dir, NULL);
    g_autofree char *path = NULL;
    g_autoptr(JsonObject) record = NULL;
    g_autoptr(GBytes) raw = NULL;
    guint status = 0;
    gsize len = 0;
    const guchar *data;

    base = sb_demo_base (sb);
    path = g_strdup_printf ("/v0/%s/Tasks", base);
    record = sb_call (sb, "POST", path, sb->pat,
                      "{\"fields\":{\"Title\":\"a\\u001fb\\u0001c\\u007fd\"}}", 200);
    id = g_strdup (json_object_get_string_member (record, "id"));
    g_free (path);
    path = g_strdup_printf ("/v0/%s/Tasks/%s", base, id);
    raw = hangar_test_sandbox_raw_request (sb, "GET", path, sb->pat, NULL, NULL, 0, NULL, &status);
    g_assert_cmpuint (status, ==, 200);
    data = g_bytes_get_data (raw, &len);
    for (gsize i = 0; i < len; i++)
      g_assert_cmpuint (data[i], >=, 0x20);
    g_assert_nonnull (g_strstr_len ((const char *) data, len, "a\\u001fb\\u0001c"));
  }
  {
    g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--no-rate-limit", "--quiet", "--state-dir", dir, NULL);
    g_autofree char *path = g_strdup_printf ("/v0/%s/Tasks/%s", base, id);
    g_autoptr(JsonObject) record = sb_call (sb, "GET", path, sb->pat, NULL, 200);

    g_assert_cmpstr (json_object_get_string_member (sb_fields (record), "Title"), ==, "a\x1f" "b\x01" "c\x7f" "d");
  }
  sb_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();

  g_test_add_func ("/hangar/sandbox/hostile/strict-bodies", test_strict_bodies);
  g_test_add_func ("/hangar/sandbox/hostile/state-file", test_state_file);
  g_test_add_func ("/hangar/sandbox/hostile/log-lines", test_log_lines);
  g_test_add_func ("/hangar/sandbox/hostile/control-characters", test_control_characters);

  return g_test_run ();
}
