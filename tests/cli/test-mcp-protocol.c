/* test-mcp-protocol.c — hangar-cli mcp at the level of its bytes: the
 * lifecycle, JSON-RPC errors for hostile input (not JSON, invalid UTF-8,
 * NULs, deep nesting, lines longer than the limit or than memory, wrong
 * types), a peer that stops reading, cancellation, pacing against a
 * rate-limited sandbox, stdout that carries nothing but the protocol, and
 * tokens echoed by a hostile server that never reach the agent.
 *
 * The built hangar-cli runs as a subprocess (under an address-space limit
 * where memory is the point); accounts are connected in this process with
 * libsecret's file backend, which the child shares. The official MCP SDK
 * covers the tools themselves (test-mcp.js).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "test-cli-common.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "hangar-auth.h"
#include "hangar-test-sandbox.h"
#include "hangar-test-wait.h"

/* Far below what holding the hostile input (or the output of a peer that
 * stopped reading) would take; the libraries and thread stacks take about
 * 60 MB of it. */
#define RLIMIT_BYTES (160 * 1024 * 1024)
/* The server's line limit (src/cli/hangar-cli-mcp-private.h). */
#define MAX_MESSAGE  (4 * 1024 * 1024)

#define INIT "{\"jsonrpc\":\"2.0\",\"id\":\"init\",\"method\":\"initialize\",\"params\":{\"protocolVersion\":" \
             "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}\n" \
             "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"

#define ECHO_PAT "patECHOECHO000000.0123456789abcdef0123456789abcdef0123456789abcdef"

static HangarTestSandbox *sandbox;
static char *big_base;

/* ---- running the server ------------------------------------------------- */

static CliRun *
mcp_run (const char        *input,
         gsize              input_len,
         const char * const *extra_env,
         const char        *first_arg,
         ...)
{
  CliOptions opts = { .input = input, .input_len = input_len, .env = extra_env };
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  g_ptr_array_add (args, (char *) "mcp");
  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return cli_runv (&opts, (const char * const *) args->pdata);
}

/* Every line of stdout is one JSON-RPC 2.0 message, nothing else. */
static GPtrArray *
messages_of (const char *out)
{
  GPtrArray *messages = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  guint n = g_strv_length (lines);

  g_assert_true (n > 0 && lines[n - 1][0] == '\0');  /* every message ends its line */
  for (guint i = 0; i + 1 < n; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      JsonNode *root;

      if (!json_parser_load_from_data (parser, lines[i], -1, &error))
        g_error ("stdout line %u is not JSON (%s): %.200s", i + 1, error->message, lines[i]);
      root = json_parser_get_root (parser);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "jsonrpc"), ==, "2.0");
      g_ptr_array_add (messages, json_object_ref (json_node_get_object (root)));
    }
  return messages;
}

/* @message answers the request @id (a string, or a number as text). */
static void
assert_id (JsonObject *message,
           const char *id)
{
  JsonNode *node = json_object_get_member (message, "id");

  if (id == NULL)
    {
      g_assert_null (node);
      return;
    }
  g_assert_nonnull (node);
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    g_assert_cmpstr (json_node_get_string (node), ==, id);
  else
    {
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));

      g_assert_cmpstr (text, ==, id);
    }
}

static JsonObject *
assert_result (JsonObject *message,
               const char *id)
{
  assert_id (message, id);
  g_assert_false (json_object_has_member (message, "error"));
  return json_object_get_object_member (message, "result");
}

static void
assert_error (JsonObject *message,
              const char *id,
              gint64      code,
              const char *in_message)
{
  JsonObject *error;

  assert_id (message, id);
  g_assert_false (json_object_has_member (message, "result"));
  error = json_object_get_object_member (message, "error");
  g_assert_nonnull (error);
  g_assert_cmpint (json_object_get_int_member (error, "code"), ==, code);
  if (in_message != NULL && strstr (json_object_get_string_member (error, "message"), in_message) == NULL)
    g_error ("error message “%s” does not say “%s”", json_object_get_string_member (error, "message"), in_message);
}

/* The answer to the request @id (answers to tool calls come in the order
 * they finish). */
static JsonObject *
answer_to (GPtrArray  *messages,
           const char *id)
{
  for (guint i = 0; i < messages->len; i++)
    {
      JsonNode *node = json_object_get_member (messages->pdata[i], "id");
      g_autofree char *text = NULL;

      if (node == NULL)
        continue;
      text = json_node_get_value_type (node) == G_TYPE_STRING ? g_strdup (json_node_get_string (node))
                                                                : g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
      if (g_str_equal (text, id))
        return messages->pdata[i];
    }
  g_error ("no answer to %s", id);
}

static char *
ping (guint id)
{
  return g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"id\":%u,\"method\":\"ping\"}\n", id);
}

/* ---- the lifecycle -------------------------------------------------------- */

static void
test_lifecycle (void)
{
  const char *input =
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n"
    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}\n"
    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2024-11-05\","
    "\"capabilities\":{},\"clientInfo\":{\"name\":\"old\",\"version\":\"0\"}}}\n"
    "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\"}}\n"
    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
    "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\"}\n"
    "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"resources/templates/list\",\"params\":{}}\n"
    "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"prompts/list\"}\n"
    "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/list\",\"params\":{\"cursor\":\"x\"}}\n"
    "{\"jsonrpc\":\"2.0\",\"id\":\"a string id\",\"method\":\"ping\"}\n"
    "{\"jsonrpc\":\"2.0\",\"id\":-0.0,\"method\":\"ping\"}\n";
  g_autoptr(CliRun) run = mcp_run (input, 0, NULL, NULL);
  g_autoptr(GPtrArray) m = messages_of (run->out);
  JsonObject *result;

  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpuint (m->len, ==, 10);
  g_assert_cmpuint (json_object_get_size (assert_result (m->pdata[0], "1")), ==, 0);
  assert_error (m->pdata[1], "2", -32600, "not initialized");
  /* An older version the server speaks is kept. */
  result = assert_result (m->pdata[2], "3");
  g_assert_cmpstr (json_object_get_string_member (result, "protocolVersion"), ==, "2024-11-05");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (result, "serverInfo"), "name"),
                   ==, "hangar");
  g_assert_true (json_object_has_member (json_object_get_object_member (result, "capabilities"), "tools"));
  assert_error (m->pdata[3], "4", -32600, "already initialized");
  result = assert_result (m->pdata[4], "5");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result, "tools")), ==, 14);
  result = assert_result (m->pdata[5], "6");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result, "resourceTemplates")), ==, 1);
  assert_error (m->pdata[6], "7", -32601, "prompts/list");
  assert_error (m->pdata[7], "8", -32602, "cursor");
  assert_result (m->pdata[8], "a string id");
  assert_result (m->pdata[9], "0");

  /* A version it does not speak gets its newest; no version is an error. */
  {
    const char *unknown =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}\n"
      "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"1999-01-01\"}}\n";
    g_autoptr(CliRun) again = mcp_run (unknown, 0, NULL, "--read-only", NULL);
    g_autoptr(GPtrArray) m2 = messages_of (again->out);

    g_assert_cmpint (again->status, ==, 0);
    g_assert_cmpuint (m2->len, ==, 2);
    assert_error (m2->pdata[0], "1", -32602, "protocolVersion");
    g_assert_cmpstr (json_object_get_string_member (assert_result (m2->pdata[1], "2"), "protocolVersion"),
                     ==, "2025-11-25");
  }

  /* --read-only: seven tools, none of them writes. */
  {
    g_autofree char *text = g_strconcat (INIT, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}\n", NULL);
    g_autoptr(CliRun) ro = mcp_run (text, 0, NULL, "--read-only", NULL);
    g_autoptr(GPtrArray) m3 = messages_of (ro->out);
    JsonArray *tools = json_object_get_array_member (assert_result (m3->pdata[1], "2"), "tools");

    g_assert_cmpuint (json_array_get_length (tools), ==, 7);
    for (guint i = 0; i < json_array_get_length (tools); i++)
      {
        JsonObject *tool = json_array_get_object_element (tools, i);

        g_assert_true (json_object_get_boolean_member (json_object_get_object_member (tool, "annotations"),
                                                       "readOnlyHint"));
      }
  }

  /* Options that would go around the accounts are refused. */
  {
    const char *args[] = { "--token-env", "HOME", "mcp", NULL };
    g_autoptr(CliRun) refused = cli_runv (NULL, args);

    g_assert_cmpint (refused->status, ==, 2);
    g_assert_cmpstr (refused->out, ==, "");
  }
}

/* ---- hostile input ----------------------------------------------------------- */

typedef struct
{
  const char *line;     /* without its newline; NULL ends the table */
  gsize       len;      /* 0: strlen */
  const char *id;       /* the answer's id; NULL: none */
  gint64      code;     /* 0: no answer at all */
  const char *says;
} Hostile;

static void
test_hostile (void)
{
  static const char nul_line[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"p\0ng\"}";
  g_autofree char *deep = g_strnfill (100000, '[');
  g_autofree char *deep_params = NULL;
  g_autoptr(GString) nest = g_string_new ("{\"jsonrpc\":\"2.0\",\"id\":\"deep\",\"method\":\"ping\",\"params\":{\"a\":");
  Hostile cases[] = {
    { "not json", 0, NULL, -32700, "not JSON" },
    { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"x\":\"\xff\xfe\"}", 0, NULL, -32700, "not JSON" },
    { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"x\":\"\xc0\xaf\"}", 0, NULL, -32700, "not JSON" },
    { nul_line, sizeof nul_line - 1, NULL, -32700, "not JSON" },
    { deep, 0, NULL, -32700, "deep" },
    { NULL /* deep_params */, 0, NULL, -32700, "deep" },
    { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"", 0, NULL, -32700, "not JSON" },
    { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}}", 0, NULL, -32700, "not JSON" },
    { "{'jsonrpc':'2.0'}", 0, NULL, -32700, "not JSON" },
    { "[{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}]", 0, NULL, -32600, "batches" },
    { "[]", 0, NULL, -32600, "batches" },
    { "42", 0, NULL, -32600, "object" },
    { "\"ping\"", 0, NULL, -32600, "object" },
    { "null", 0, NULL, -32600, "object" },
    { "{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"}", 0, NULL, -32600, "id" },
    { "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}", 0, NULL, -32600, "id" },
    { "{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"ping\"}", 0, NULL, -32600, "id" },
    { "{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"ping\"}", 0, NULL, -32600, "id" },
    { "{\"jsonrpc\":\"2.0\",\"id\":1e400,\"method\":\"ping\"}", 0, NULL, -32600, "id" },
    { "{\"jsonrpc\":\"1.0\",\"id\":5,\"method\":\"ping\"}", 0, "5", -32600, "jsonrpc" },
    { "{\"id\":6,\"method\":\"ping\"}", 0, "6", -32600, "jsonrpc" },
    { "{\"jsonrpc\":2,\"id\":7,\"method\":\"ping\"}", 0, "7", -32600, "jsonrpc" },
    { "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":42}", 0, "8", -32600, "method" },
    { "{\"jsonrpc\":\"2.0\",\"id\":9}", 0, "9", -32600, "method" },
    { "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"ping\",\"params\":[1,2]}", 0, "10", -32602, "params" },
    { "{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"ping\",\"params\":\"x\"}", 0, "11", -32602, "params" },
    { "{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"tools/call\"}", 0, "12", -32602, "name" },
    { "{\"jsonrpc\":\"2.0\",\"id\":13,\"method\":\"tools/call\",\"params\":{\"name\":7}}", 0, "13", -32602, "name" },
    { "{\"jsonrpc\":\"2.0\",\"id\":14,\"method\":\"tools/call\",\"params\":{\"name\":\"list_accounts\","
      "\"arguments\":[]}}", 0, "14", -32602, "arguments" },
    { "{\"jsonrpc\":\"2.0\",\"id\":15,\"method\":\"tools/call\",\"params\":{\"name\":\"rm -rf\"}}", 0, "15", -32602,
      "Unknown tool: rm -rf" },
    { "{\"jsonrpc\":\"2.0\",\"id\":16,\"method\":\"resources/read\",\"params\":{\"uri\":17}}", 0, "16", -32602, "uri" },
    { "{\"jsonrpc\":\"2.0\",\"id\":17,\"method\":\"resources/read\",\"params\":{\"uri\":\"hangar://x\"}}", 0, "17",
      -32002, "no such resource" },
    { "{\"jsonrpc\":\"2.0\",\"id\":18,\"method\":\"\"}", 0, "18", -32601, NULL },
    /* No answer: a response to nothing, notifications, blank lines. */
    { "{\"jsonrpc\":\"2.0\",\"id\":99,\"result\":{}}", 0, NULL, 0, NULL },
    { "{\"jsonrpc\":\"2.0\",\"id\":98,\"error\":{\"code\":1,\"message\":\"x\"}}", 0, NULL, 0, NULL },
    { "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/whatever\",\"params\":{\"a\":1}}", 0, NULL, 0, NULL },
    { "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":{\"x\":1}}}", 0,
      NULL, 0, NULL },
    { "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\"}", 0, NULL, 0, NULL },
    { "   \t ", 0, NULL, 0, NULL },
    { "", 0, NULL, 0, NULL },
    { NULL }
  };
  g_autoptr(GString) input = g_string_new (INIT);
  g_autoptr(CliRun) run = NULL;
  g_autoptr(GPtrArray) m = NULL;
  guint at = 1;

  for (guint i = 0; i < 129; i++)
    g_string_append (nest, "[");
  for (guint i = 0; i < 129; i++)
    g_string_append (nest, "]");
  g_string_append (nest, "}}");
  deep_params = g_string_free (g_steal_pointer (&nest), FALSE);
  cases[5].line = deep_params;

  /* Each hostile line is followed by a ping: the server answers the line
   * (or stays silent), then the ping, in order, and keeps going. */
  for (guint i = 0; cases[i].line != NULL; i++)
    {
      g_autofree char *p = ping (1000 + i);

      g_string_append_len (input, cases[i].line, cases[i].len > 0 ? cases[i].len : strlen (cases[i].line));
      g_string_append_c (input, '\n');
      g_string_append (input, p);
    }
  /* CRLF ends a line too; the last line needs no newline at all. */
  g_string_append (input, "{\"jsonrpc\":\"2.0\",\"id\":\"crlf\",\"method\":\"ping\"}\r\n");
  g_string_append (input, "{\"jsonrpc\":\"2.0\",\"id\":\"last\",\"method\":\"ping\"}");

  run = mcp_run (input->str, input->len, NULL, NULL);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_false (has_raw_control (run->out, "\n"));
  m = messages_of (run->out);
  assert_result (m->pdata[0], "init");
  for (guint i = 0; cases[i].line != NULL; i++)
    {
      g_autofree char *ping_id = g_strdup_printf ("%u", 1000 + i);

      g_test_message ("case %u: %.60s", i, cases[i].line);
      if (cases[i].code != 0)
        assert_error (m->pdata[at++], cases[i].id, cases[i].code, cases[i].says);
      assert_result (m->pdata[at++], ping_id);
    }
  assert_result (m->pdata[at++], "crlf");
  assert_result (m->pdata[at++], "last");
  g_assert_cmpuint (at, ==, m->len);
}

/* Lines longer than the limit are refused without being kept: one just
 * over it, and one of 300 MB, which would not even fit in the address
 * space the server is given. */
static void
test_long_lines (void)
{
  g_autofree char *at_limit = NULL;
  g_autofree char *over = NULL;
  g_autoptr(GString) input = g_string_new (INIT);
  g_autoptr(CliRun) run = NULL;
  g_autoptr(GPtrArray) m = NULL;
  const char *prefix = "{\"jsonrpc\":\"2.0\",\"id\":\"big\",\"method\":\"ping\",\"params\":{\"pad\":\"";
  gsize pad = MAX_MESSAGE - strlen (prefix) - 3;

  /* Exactly the limit: read and answered. */
  g_string_append_printf (input, "%s%0*d\"}}\n", prefix, (int) pad, 0);
  g_assert_cmpuint (input->len - strlen (INIT), ==, MAX_MESSAGE + 1);
  /* One byte more: refused. */
  g_string_append_printf (input, "%s%0*d\"}}\r\n", prefix, (int) pad + 1, 0);
  g_string_append (input, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}\n");
  run = mcp_run (input->str, input->len, NULL, NULL);
  g_assert_cmpint (run->status, ==, 0);
  m = messages_of (run->out);
  g_assert_cmpuint (m->len, ==, 4);
  assert_result (m->pdata[1], "big");
  assert_error (m->pdata[2], NULL, -32600, "longer than 4194304 bytes");
  assert_result (m->pdata[3], "2");

  {
    /* Before initialize, so that the only answers are to pings. */
    CliOptions opts = {
      .shell_input = "{ printf '{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"a\":\"'; "
                     "head -c 300000000 /dev/zero | tr '\\000' a; "
                     "printf '\"}}\\n{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}\\n'; "
                     "head -c 300000000 /dev/zero | tr '\\000' '['; }",
      .rlimit_as = RLIMIT_BYTES,
      .timeout_s = 300,
    };
    const char *args[] = { "mcp", NULL };
    g_autoptr(CliRun) huge = cli_runv (&opts, args);
    g_autoptr(GPtrArray) m2 = NULL;

    g_assert_cmpint (huge->status, ==, 0);
    m2 = messages_of (huge->out);
    /* The long line, the ping after it, and the last line (300 MB of "[",
     * no newline) at the end of the input. */
    g_assert_cmpuint (m2->len, ==, 3);
    assert_error (m2->pdata[0], NULL, -32600, "longer than");
    assert_result (m2->pdata[1], "2");
    assert_error (m2->pdata[2], NULL, -32600, "longer than");
  }
}

/* ---- a peer that stops reading ---------------------------------------------- */

typedef struct
{
  GOutputStream *stream;
  GBytes        *data;
  gsize          done;
  gboolean       finished;
  gboolean       peer_may_go;  /* the server may end before reading it all */
} Writer;

static void write_next (Writer *writer);

static void
write_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Writer *writer = user_data;
  g_autoptr(GError) error = NULL;
  gssize n = g_output_stream_write_finish (G_OUTPUT_STREAM (source), result, &error);

  if (n < 0 && writer->peer_may_go && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE))
    return;
  g_assert_no_error (error);
  writer->done += n;
  write_next (writer);
}

/* A page at a time: GIO writes a whole buffer to a pipe that polls
 * writable in one blocking write(), which would block this process (and
 * its reading) for as long as the server does not read. */
static void
write_next (Writer *writer)
{
  gsize size = g_bytes_get_size (writer->data);

  if (writer->done == size)
    {
      writer->finished = TRUE;
      return;
    }
  g_output_stream_write_async (writer->stream, (const guint8 *) g_bytes_get_data (writer->data, NULL) + writer->done,
                               MIN (4096, size - writer->done), G_PRIORITY_DEFAULT, NULL, write_cb, writer);
}

/* The high-water mark of a process's resident memory, in KiB. */
static guint64
peak_rss_kib (const char *pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", pid);
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents (path, &status, NULL, NULL));
  line = strstr (status, "VmHWM:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen ("VmHWM:"), NULL, 10);
}

/* Thousands of requests whose answers (about 12 KB each, about 100 MB in
 * all) would all wait in the server if it went on reading while the peer
 * does not: it stops reading too, its memory stays small, and every answer
 * still comes, in order, once the peer reads again. */
static void
test_peer_stops_reading (void)
{
  const guint n = 8000;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GString) input = g_string_new (INIT);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pid = NULL;
  gsize answers = 0;
  Writer writer = { 0 };

  for (guint i = 0; i < n; i++)
    g_string_append_printf (input, "{\"jsonrpc\":\"2.0\",\"id\":%u,\"method\":\"tools/list\"}\n", i);
  bytes = g_string_free_to_bytes (g_steal_pointer (&input));

  process = g_subprocess_launcher_spawn (launcher, &error, HANGAR_CLI_PATH, "mcp", NULL);
  g_assert_no_error (error);
  pid = g_strdup (g_subprocess_get_identifier (process));
  writer.stream = g_subprocess_get_stdin_pipe (process);
  writer.data = bytes;
  write_next (&writer);

  /* Real time is the behaviour here: a peer that reads nothing for a
   * while. The server must stop taking input (so this write cannot end:
   * the input is far larger than a pipe holds) and stay alive. */
  hangar_test_run_for (2000);
  g_assert_false (writer.finished);
  g_assert_nonnull (g_subprocess_get_identifier (process));  /* still running */

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  g_buffered_input_stream_set_buffer_size (G_BUFFERED_INPUT_STREAM (out), 1024 * 1024);
  for (guint i = 0; i <= n; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autofree char *line = NULL;
      g_autofree char *expect = i == 0 ? g_strdup ("{\"jsonrpc\":\"2.0\",\"id\":\"init\",")
                                       : g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"id\":%u,\"result\":{\"tools\":", i - 1);
      gsize length = 0;

      g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, NULL, hangar_test_result_cb, &result);
      line = g_data_input_stream_read_line_finish (out, hangar_test_wait_result (&result), &length, &error);
      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (!g_str_has_prefix (line, expect))
        g_error ("answer %u: expected “%s…”, got “%.100s”", i, expect, line);
      answers += length;
    }
  hangar_test_wait_until (hangar_test_flag_is_set, &writer.finished, "the whole input to be read");
  /* Far less than the answers took, which never all waited at once. */
  g_test_message ("%" G_GSIZE_FORMAT " bytes of answers; server's peak RSS %" G_GUINT64_FORMAT " KiB",
                  answers, peak_rss_kib (pid));
  g_assert_cmpuint (answers, >, 80 * 1024 * 1024);
  g_assert_cmpuint (peak_rss_kib (pid), <, 48 * 1024);

  g_output_stream_close (writer.stream, NULL, NULL);
  {
    g_autoptr(GAsyncResult) result = NULL;

    g_subprocess_wait_async (process, NULL, hangar_test_result_cb, &result);
    g_assert_true (g_subprocess_wait_finish (process, hangar_test_wait_result (&result), &error));
    g_assert_no_error (error);
  }
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

/* SIGTERM (what a client sends when the server does not end after its
 * input closed) ends the server at once and cleanly, even while its
 * answers wait for a peer that reads nothing. */
static void
test_sigterm (void)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GString) input = g_string_new (INIT);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Writer writer = { 0 };

  for (guint i = 0; i < 8000; i++)
    g_string_append_printf (input, "{\"jsonrpc\":\"2.0\",\"id\":%u,\"method\":\"tools/list\"}\n", i);
  bytes = g_string_free_to_bytes (g_steal_pointer (&input));
  process = g_subprocess_launcher_spawn (launcher, &error, HANGAR_CLI_PATH, "mcp", NULL);
  g_assert_no_error (error);
  writer.stream = g_subprocess_get_stdin_pipe (process);
  writer.data = bytes;
  writer.peer_may_go = TRUE;
  write_next (&writer);

  /* Real time is the behaviour: the server has filled the pipe to a peer
   * that reads nothing. */
  hangar_test_run_for (1000);
  g_assert_false (writer.finished);
  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait_async (process, NULL, hangar_test_result_cb, &result);
  g_assert_true (g_subprocess_wait_finish (process, hangar_test_wait_result (&result), &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

/* ---- with an account ------------------------------------------------------------- */

static void
connect_pat (const char *label,
             const char *url,
             const char *token)
{
  g_autoptr(HangarAccountStore) store = hangar_account_store_new (NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  HangarAccount *account;

  hangar_account_store_connect_pat_async (store, label, url, token, NULL, hangar_test_result_cb, &result);
  account = hangar_account_store_connect_pat_finish (store, hangar_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (hangar_account_get_status (account), ==, HANGAR_ACCOUNT_STATUS_ACTIVE);
  g_assert_true (hangar_account_store_flush (store, &error));
  g_assert_no_error (error);
}

static char *
list_call (const char *id,
           const char *account,
           guint       max)
{
  return g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"id\":\"%s\",\"method\":\"tools/call\",\"params\":{"
                          "\"name\":\"list_records\",\"arguments\":{\"account\":\"%s\",\"base\":\"%s\","
                          "\"table\":\"Records\",\"max\":%u}}}\n", id, account, big_base, max);
}

/* The sandbox limits every base to 5 requests a second (a sixth within
 * 950 ms is refused with 429): a listing of 7 pages goes through the
 * account's client, which paces it, and waits out a 429 should the load
 * on this machine still squeeze six requests into a window (a client that
 * did neither would get the 429 back as the tool's error). Debug logging
 * is on, and goes to stderr: stdout stays the protocol's alone. */
static void
test_pacing_and_stdout (void)
{
  g_autofree char *list = list_call ("list", "work", 700);
  g_autofree char *input = g_strconcat (INIT, list, NULL);
  /* The sandbox's penalty is 1 s (see main). */
  const char *env[] = { "G_MESSAGES_DEBUG", "all", "HANGAR_RATE_LIMIT_PENALTY_MS", "1100", NULL };
  g_autoptr(CliRun) run = NULL;
  g_autoptr(GPtrArray) m = NULL;
  JsonObject *result, *structured;
  gint64 rate_limited_before = hangar_test_sandbox_stat (sandbox, "rate_limited");

  run = mcp_run (input, 0, env, "-a", "work", NULL);
  g_assert_cmpint (run->status, ==, 0);
  m = messages_of (run->out);
  g_assert_cmpuint (m->len, ==, 2);
  result = assert_result (m->pdata[1], "list");
  g_assert_false (json_object_has_member (result, "isError"));
  structured = json_object_get_object_member (result, "structuredContent");
  g_assert_cmpint (json_object_get_int_member (structured, "count"), ==, 700);
  g_test_message ("429s during the paced listing: %" G_GINT64_FORMAT,
                  hangar_test_sandbox_stat (sandbox, "rate_limited") - rate_limited_before);
  /* The debug lines were written, to stderr. */
  g_assert_nonnull (strstr (run->err, "GET /v0/"));
  g_assert_null (strstr (run->err, sandbox->pat));
  g_assert_null (strstr (run->out, sandbox->pat));
}

/* A cancelled request is not answered; the server goes on with the rest
 * and ends cleanly. */
static void
test_cancel (void)
{
  g_autofree char *fault = g_strdup_printf ("{\"count\":1,\"delay_ms\":20000,\"path_prefix\":\"/v0/%s\"}", big_base);
  g_autofree char *list = list_call ("slow", "work", 5);
  g_autofree char *input = g_strconcat (INIT, list,
                                        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                                        "\"params\":{\"requestId\":\"slow\",\"reason\":\"changed my mind\"}}\n",
                                        "{\"jsonrpc\":\"2.0\",\"id\":\"after\",\"method\":\"ping\"}\n", NULL);
  g_autoptr(CliRun) run = NULL;
  g_autoptr(GPtrArray) m = NULL;

  hangar_test_sandbox_control (sandbox, "/__sandbox/faults", fault);
  /* Without the cancellation the delayed answer would hold the server
   * for 20 s; with it, the end of the input ends it at once. */
  run = mcp_run (input, 0, NULL, "-a", "work", NULL);
  hangar_test_sandbox_control (sandbox, "/__sandbox/clear-faults", NULL);
  g_assert_cmpint (run->status, ==, 0);
  m = messages_of (run->out);
  g_assert_cmpuint (m->len, ==, 2);
  assert_result (m->pdata[0], "init");
  assert_result (m->pdata[1], "after");
  g_assert_null (strstr (run->out, "\"slow\""));
}

/* ---- a server that echoes the token ----------------------------------------- */

static SoupServer *echo_server;
static char *echo_url;

static char *
percent_all (const char *text)
{
  GString *s = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    g_string_append_printf (s, "%%%02X", (guchar) *p);
  return g_string_free (s, FALSE);
}

static GPtrArray *
spellings (const char *secret)
{
  GPtrArray *forms = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) json_u = g_string_new (NULL);

  for (const char *p = secret; *p != '\0'; p++)
    g_string_append_printf (json_u, "\\u%04x", (guchar) *p);
  g_ptr_array_add (forms, g_strdup (secret));
  g_ptr_array_add (forms, percent_all (secret));
  g_ptr_array_add (forms, g_base64_encode ((const guchar *) secret, strlen (secret)));
  g_ptr_array_add (forms, g_string_free (g_steal_pointer (&json_u), FALSE));
  return forms;
}

/* Every answer quotes the token in every spelling: in an error message
 * (bases), in a cell (records) and in a field name (schema). */
static void
echo_cb (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
  const char *token = auth != NULL && g_str_has_prefix (auth, "Bearer ") ? auth + 7 : "";
  g_autoptr(GPtrArray) forms = spellings (token);
  g_autoptr(GString) text = g_string_new ("token:");
  g_autoptr(GString) body = g_string_new (NULL);
  guint status = 200;

  /* JSON escaping keeps "\u00XX" as the server wrote it. */
  for (guint i = 0; i < forms->len; i++)
    g_string_append_printf (text, " <%s>", (char *) forms->pdata[i]);

  if (g_str_equal (path, "/v0/meta/whoami"))
    g_string_assign (body, "{\"id\":\"usrECHO0000000001\",\"email\":\"echo@example.test\"}");
  else if (g_str_equal (path, "/v0/meta/bases"))
    {
      status = 422;
      g_string_printf (body, "{\"error\":{\"type\":\"INVALID_REQUEST_UNKNOWN\",\"message\":\"%s\"}}", text->str);
    }
  else if (g_str_has_prefix (path, "/v0/meta/bases/"))
    g_string_printf (body, "{\"tables\":[{\"id\":\"tblECHO0000000001\",\"name\":\"T\",\"primaryFieldId\":"
                     "\"fldECHO0000000001\",\"fields\":[{\"id\":\"fldECHO0000000001\",\"name\":\"%s\","
                     "\"type\":\"singleLineText\"}],\"views\":[]}]}", text->str);
  else
    g_string_printf (body, "{\"records\":[{\"id\":\"recECHO0000000001\",\"createdTime\":"
                     "\"2024-01-02T03:04:05.000Z\",\"fields\":{\"Name\":\"%s\"}}]}", text->str);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body->str, body->len);
}

static void
test_echoed_token (void)
{
  const char *input =
    INIT
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"list_bases\",\"arguments\":{}}}\n"
    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"list_records\",\"arguments\":"
    "{\"base\":\"appECHO0000000001\",\"table\":\"T\"}}}\n"
    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"describe_base\",\"arguments\":"
    "{\"base\":\"appECHO0000000001\"}}}\n"
    "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"resources/read\",\"params\":{\"uri\":"
    "\"hangar://accounts/echo/bases/appECHO0000000001/schema\"}}\n";
  g_autoptr(CliRun) run = NULL;
  g_autoptr(GPtrArray) forms = spellings (ECHO_PAT);
  g_autoptr(GPtrArray) m = NULL;
  guint redacted = 0;

  run = mcp_run (input, 0, NULL, "-a", "echo", NULL);
  g_assert_cmpint (run->status, ==, 0);
  m = messages_of (run->out);
  g_assert_cmpuint (m->len, ==, 5);
  for (guint i = 0; i < forms->len; i++)
    if (strstr (run->out, forms->pdata[i]) != NULL || strstr (run->err, forms->pdata[i]) != NULL)
      g_error ("spelling %u of the token reached the output", i);
  for (const char *p = run->out; (p = strstr (p, "[token]")) != NULL; p++)
    redacted++;
  /* Four spellings in four answers: as structured content and as text in
   * three tool results, as text in the resource. */
  g_assert_cmpuint (redacted, >=, 4 * 2 * 3 + 4);
  g_assert_true (json_object_get_boolean_member (assert_result (answer_to (m, "1"), "1"), "isError"));
  g_assert_false (json_object_has_member (assert_result (answer_to (m, "2"), "2"), "isError"));
  g_assert_false (json_object_has_member (assert_result (answer_to (m, "3"), "3"), "isError"));
  assert_result (answer_to (m, "4"), "4");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *keyring = NULL;
  g_autoptr(GError) error = NULL;
  GSList *uris;
  int status;

  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();
  signal (SIGPIPE, SIG_IGN);
  /* The server inherits this environment: it finds the same keyring file. */
  keyring = g_build_filename (g_get_user_data_dir (), "keyrings", "test.keyring", NULL);
  hangar_test_use_file_keyring (keyring);

  /* Rate limits on, as Airtable has them, with a short penalty. */
  sandbox = hangar_test_sandbox_start ("--generate", "Big:700", "--penalty", "1", NULL);
  big_base = hangar_test_sandbox_base_id (sandbox, sandbox->pat, "Big");
  connect_pat ("work", sandbox->url, sandbox->pat);

  echo_server = soup_server_new (NULL, NULL);
  soup_server_add_handler (echo_server, NULL, echo_cb, NULL, NULL);
  g_assert_true (soup_server_listen_local (echo_server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (echo_server);
  echo_url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  connect_pat ("echo", echo_url, ECHO_PAT);

  g_test_add_func ("/hangar/cli/mcp/lifecycle", test_lifecycle);
  g_test_add_func ("/hangar/cli/mcp/hostile", test_hostile);
  g_test_add_func ("/hangar/cli/mcp/long-lines", test_long_lines);
  g_test_add_func ("/hangar/cli/mcp/peer-stops-reading", test_peer_stops_reading);
  g_test_add_func ("/hangar/cli/mcp/sigterm", test_sigterm);
  g_test_add_func ("/hangar/cli/mcp/pacing-and-stdout", test_pacing_and_stdout);
  g_test_add_func ("/hangar/cli/mcp/cancel", test_cancel);
  g_test_add_func ("/hangar/cli/mcp/echoed-token", test_echoed_token);

  status = g_test_run ();
  hangar_test_sandbox_stop (sandbox);
  g_object_unref (echo_server);
  g_free (echo_url);
  g_free (big_base);
  return status;
}
