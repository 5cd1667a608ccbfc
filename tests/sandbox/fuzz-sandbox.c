/* fuzz-sandbox.c — fuzzing the sandbox's request handling
 *
 * One input is one of:
 *   - a raw HTTP request (request line, headers, body) through libsoup;
 *   - a JSON body for a records, listRecords, meta, webhook or control route;
 *   - a query string for list records (sort[], fields[], offset, pageSize…);
 *   - a filterByFormula, evaluated against the demo tables;
 *   - a document for the strict JSON check, compared with json-glib;
 *   - a state file, loaded and then read in full.
 * The first byte picks the kind. "@BASE@", "@PAT@" and "@TABLE@" in an
 * input become the live base id, token and table id.
 *
 * The requests go through the real server (SoupServer and every handler) in
 * this process, over a socket pair handed to soup_server_accept_iostream(),
 * so nothing listens on the network and an iteration costs well under a
 * millisecond. Checks beyond "no crash": every JSON answer is strict JSON,
 * every document the strict check accepts json-glib parses, and GLib
 * criticals abort.
 *
 * Two drivers share the target:
 *   - built with -DHANGAR_LIBFUZZER and -fsanitize=fuzzer: libFuzzer's
 *     coverage-guided loop (tests/sandbox/fuzz-sandbox.sh builds and runs it);
 *   - otherwise a main() with a seeded random generator over built-in seeds,
 *     run by the test suite for a fixed number of iterations:
 *       fuzz-sandbox [--iterations N] [--seconds S] [--seed N]
 *                    [--write-seeds DIR] [--replay FILE]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "sandbox-webhooks-private.h"

typedef enum
{
  KIND_RAW,
  KIND_CREATE,
  KIND_UPDATE,
  KIND_LIST_POST,
  KIND_QUERY,
  KIND_FORMULA,
  KIND_META,
  KIND_WEBHOOK,
  KIND_CONTROL,
  KIND_JSON,
  KIND_STATE,
  N_KINDS,
} Kind;

static const char * const kind_names[] = {
  "raw", "create", "update", "listRecords", "query", "formula", "meta", "webhook", "control", "json", "state",
};

static const char * const control_routes[] = {
  "pats", "revoke", "expire-tokens", "remove-base", "integrations", "latency", "reset-stats",
  "reset-rate-limits", "share", "edit", "schema", "webhooks/clock", "webhooks/expire",
  "webhooks/drop-payloads", "webhooks/settings",
};

static SandboxServer *server;
static char *base_id;
static char *table_id;
static char *pat;
static char *state_seed;   /* the demo's state file, a seed for KIND_STATE */
static guint since_reset;
static GSocketAddress *local, *remote;

/* Under LeakSanitizer (an ASan build): libsoup 3.2.2 leaks the method and
 * path of a request it refuses by itself, which the fuzzer sends on
 * purpose. Not the sandbox's leak; the suppression needs whole stacks, as
 * GLib and libsoup are built without frame pointers. Unused otherwise. */
const char *__lsan_default_suppressions (void);
const char *__asan_default_options (void);

const char *
__lsan_default_suppressions (void)
{
  return "leak:soup_headers_parse_request\n";
}

const char *
__asan_default_options (void)
{
  return "fast_unwind_on_malloc=0";
}
static guint64 answers;

/* ------------------------------------------------------------------ server */

static void
server_free (void)
{
  g_clear_pointer (&server, sandbox_server_free);
  g_clear_pointer (&base_id, g_free);
  g_clear_pointer (&table_id, g_free);
  g_clear_pointer (&pat, g_free);
  /* let libsoup finish with the closed connections */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
server_setup (void)
{
  SandboxConfig config = { 0 };
  g_autoptr(GError) error = NULL;
  SandboxUser *demo;

  config.rate_limit = FALSE;
  config.access_ttl_s = 3600;
  config.refresh_ttl_s = 5184000;
  config.code_ttl_s = 600;
  config.refresh_grace_ms = 2000;
  config.penalty_s = 30;
  config.iterator_ttl_s = 300;
  config.quiet = TRUE;
  server = sandbox_server_new (&config, &error);
  g_assert_no_error (error);
  g_assert_true (sandbox_server_start (server, &error));
  g_assert_no_error (error);
  demo = server->users->pdata[0];
  pat = g_strdup (((SandboxPat *) demo->pats->pdata[0])->token);
  for (guint i = 0; i < server->bases->len; i++)
    {
      SandboxBase *base = server->bases->pdata[i];

      if (g_str_equal (base->name, "Product Roadmap"))
        {
          base_id = g_strdup (base->id);
          table_id = g_strdup (sandbox_base_find_table (base, "Tasks")->id);
        }
    }
  g_assert_nonnull (base_id);
  if (state_seed == NULL)
    {
      g_autoptr(JsonNode) root = sandbox_store_serialize (server);
      g_autoptr(JsonGenerator) gen = json_generator_new ();

      json_generator_set_root (gen, root);
      state_seed = json_generator_to_data (gen, NULL);
    }
  since_reset = 0;
}

/* Nothing of one input reaches the next: faults, latency and held answers
 * go, and every few thousand inputs the server starts afresh (bounded
 * memory). */
static void
between_inputs (void)
{
  if (++since_reset > 2000)
    {
      server_free ();
      server_setup ();
    }
  g_queue_clear_full (server->faults, (GDestroyNotify) sandbox_fault_free);
  server->config.latency_ms = 0;
  server->config.latency_jitter_ms = 0;
  sandbox_latency_release_all (server);
  sandbox_server_release_delayed (server);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_hash_table_remove_all (server->buckets);
}

static GString *
substitute (const guint8 *data,
            gsize         len)
{
  GString *s = g_string_new_len ((const char *) data, len);

  /* g_string_replace stops at NULs: inputs that hold one go as they are */
  if (memchr (data, 0, len) == NULL)
    {
      g_string_replace (s, "@BASE@", base_id, 0);
      g_string_replace (s, "@PAT@", pat, 0);
      g_string_replace (s, "@TABLE@", table_id, 0);
    }
  return s;
}

/* Checks every answer in @answer (a connection may carry several): each
 * JSON body must be strict JSON. */
static void
check_answer (const char *answer,
              gsize       len)
{
  const char *p = answer;
  const char *stop = answer + len;

  while (p < stop)
    {
      const char *end = g_strstr_len (p, stop - p, "\r\n\r\n");
      const char *length_header;
      const char *body;
      gsize body_len;

      if (end == NULL)
        return;
      answers++;
      length_header = g_strstr_len (p, end - p, "Content-Length: ");
      body = end + 4;
      if (length_header == NULL || g_strstr_len (p, end - p, "Transfer-Encoding") != NULL)
        return;   /* no way to tell where it ends: the last one */
      body_len = (gsize) g_ascii_strtoull (length_header + strlen ("Content-Length: "), NULL, 10);
      if (body_len > (gsize) (stop - body))
        return;   /* cut short: the connection was closed */
      if (g_strstr_len (p, end - p, "Content-Type: application/json") != NULL && body_len > 0)
        {
          g_autoptr(GError) error = NULL;

          if (!sandbox_json_check (body, body_len, SANDBOX_STATE_MAX_DEPTH, &error))
            g_error ("an answer is not strict JSON (%s): %.*s", error->message, (int) MIN (body_len, 400), body);
        }
      p = body + body_len;
    }
}

/* Sends @request over a fresh connection and reads the whole answer. */
static void
roundtrip (const char *request,
           gsize       len)
{
  int sv[2];
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) answer = g_string_new (NULL);
  gsize written = 0;
  guint idle = 0;

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    g_error ("socketpair: %s", g_strerror (errno));
  socket = g_socket_new_from_fd (sv[0], &error);
  g_assert_no_error (error);
  connection = g_socket_connection_factory_create_connection (socket);
  if (local == NULL)
    {
      /* libsoup wants addresses for a connection; a socket pair has none */
      local = g_inet_socket_address_new_from_string ("127.0.0.1", 8470);
      remote = g_inet_socket_address_new_from_string ("127.0.0.1", 8471);
    }
  if (!soup_server_accept_iostream (server->soup, G_IO_STREAM (connection), local, remote, &error))
    g_error ("accept: %s", error->message);
  fcntl (sv[1], F_SETFL, O_NONBLOCK);

  while (written < len && idle < 1000)
    {
      ssize_t n = write (sv[1], request + written, len - written);

      if (n > 0)
        {
          written += (gsize) n;
          idle = 0;
        }
      else if (n < 0 && errno != EAGAIN && errno != EINTR)
        break;   /* the server closed early (413, a refused request line) */
      else
        idle += !g_main_context_iteration (NULL, FALSE);
    }
  shutdown (sv[1], SHUT_WR);
  idle = 0;
  while (idle < 1000)
    {
      char buf[65536];
      ssize_t n = read (sv[1], buf, sizeof buf);

      if (n > 0)
        {
          g_string_append_len (answer, buf, n);
          idle = 0;
        }
      else if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
        break;
      else
        idle += !g_main_context_iteration (NULL, FALSE);
    }
  close (sv[1]);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  check_answer (answer->str, answer->len);
}

static void
request (const char *method,
         const char *path,
         const char *bearer,
         const char *body,
         gsize       body_len)
{
  g_autoptr(GString) s = g_string_new (NULL);

  g_string_append_printf (s, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n", method, path);
  if (bearer != NULL)
    g_string_append_printf (s, "Authorization: Bearer %s\r\n", bearer);
  if (body != NULL)
    g_string_append_printf (s, "Content-Type: application/json\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n", body_len);
  g_string_append (s, "\r\n");
  if (body != NULL)
    g_string_append_len (s, body, body_len);
  roundtrip (s->str, s->len);
}

/* @text as a query string: its & and = structure kept, what would break the
 * request line escaped */
static char *
as_query (const char *text,
          gsize       len)
{
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar) text[i];

      if (c <= 0x20 || c >= 0x7f || c == '#' || c == '%')
        g_string_append_printf (s, "%%%02X", c);
      else
        g_string_append_c (s, (char) c);
    }
  return g_string_free (s, FALSE);
}

/* ------------------------------------------------------------ in process */

static void
check_json (const char *text,
            gsize       len)
{
  g_autoptr(GError) error = NULL;

  if (sandbox_json_check (text, len, 64, &error))
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (!json_parser_load_from_data (parser, text, (gssize) len, &error))
        g_error ("the strict check accepted what json-glib refuses (%s): %.*s", error->message, (int) MIN (len, 400), text);
    }
}

/* Every cell of every record, as JSON and as text: what a listing does. */
static void
read_everything (SandboxServer *self)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier ("Europe/Berlin");

  for (guint b = 0; b < self->bases->len; b++)
    {
      SandboxBase *base = self->bases->pdata[b];

      for (guint t = 0; t < base->tables->len; t++)
        {
          SandboxTable *table = base->tables->pdata[t];
          g_autoptr(JsonObject) schema = sandbox_table_to_json (table, TRUE);

          for (guint r = 0; r < table->records->len && r < 200; r++)
            {
              g_autoptr(JsonObject) a = sandbox_record_to_json (self, table, table->records->pdata[r], NULL, FALSE, TRUE, NULL, NULL);
              g_autoptr(JsonObject) c = sandbox_record_to_json (self, table, table->records->pdata[r], NULL, TRUE, FALSE,
                                                                zone, "de");
            }
        }
    }
  {
    g_autoptr(JsonNode) again = sandbox_store_serialize (self);
  }
}

static void
load_state (const char *text,
            gsize       len)
{
  g_autofree char *dir = g_dir_make_tmp ("fuzz-sandbox-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "state.json", NULL);
  SandboxConfig config = { 0 };
  SandboxServer *loaded;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (file, text, (gssize) len, NULL));
  config.state_dir = dir;
  config.rate_limit = FALSE;
  config.access_ttl_s = 3600;
  config.refresh_ttl_s = 5184000;
  config.penalty_s = 30;
  config.iterator_ttl_s = 300;
  loaded = sandbox_server_new (&config, &error);
  if (loaded != NULL)
    {
      read_everything (loaded);
      g_clear_handle_id (&loaded->save_source, g_source_remove);
      sandbox_server_free (loaded);
    }
  g_unlink (file);
  g_rmdir (dir);
}

/* -------------------------------------------------------------- one input */

static void
run_one (const guint8 *data,
         gsize         size)
{
  Kind kind;
  g_autoptr(GString) input = NULL;
  const char *text;
  gsize len;
  g_autofree char *path = NULL;

  if (size == 0)
    return;
  between_inputs ();
  kind = data[0] % N_KINDS;
  input = substitute (data + 1, size - 1);
  text = input->str;
  len = input->len;

  switch (kind)
    {
    case KIND_RAW:
      roundtrip (text, len);
      break;
    case KIND_CREATE:
      path = g_strdup_printf ("/v0/%s/Tasks", base_id);
      request ("POST", path, pat, text, len);
      break;
    case KIND_UPDATE:
      path = g_strdup_printf ("/v0/%s/Tasks", base_id);
      request (size % 2 ? "PATCH" : "PUT", path, pat, text, len);
      break;
    case KIND_LIST_POST:
      path = g_strdup_printf ("/v0/%s/Tasks/listRecords", base_id);
      request ("POST", path, pat, text, len);
      break;
    case KIND_QUERY:
      {
        g_autofree char *query = as_query (text, len);

        path = g_strdup_printf ("/v0/%s/Tasks?%s", base_id, query);
        request (size % 3 ? "GET" : "DELETE", path, pat, NULL, 0);
      }
      break;
    case KIND_FORMULA:
      {
        g_autofree char *escaped = g_uri_escape_bytes ((const guint8 *) text, len, NULL);

        path = g_strdup_printf ("/v0/%s/%s?filterByFormula=%s&sort%%5B0%%5D%%5Bfield%%5D=Title", base_id,
                                size % 2 ? "Tasks" : "Projects", escaped);
        request ("GET", path, pat, NULL, 0);
        /* and evaluated in process, record by record */
        {
          SandboxBase *base = sandbox_server_find_base (server, base_id);
          SandboxTable *table = sandbox_base_find_table (base, "Tasks");
          g_autoptr(SandboxFormula) formula = memchr (text, 0, len) == NULL
                                              ? sandbox_table_parse_formula (server, table, text, NULL) : NULL;
          g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

          for (guint r = 0; formula != NULL && r < table->records->len && r < 20; r++)
            sandbox_record_matches (server, table, table->records->pdata[r], formula, now);
        }
      }
      break;
    case KIND_META:
      path = g_strdup_printf (size % 2 ? "/v0/meta/bases/%s/tables" : "/v0/meta/bases/%s/tables/%s/fields", base_id, table_id);
      request ("POST", path, pat, text, len);
      break;
    case KIND_WEBHOOK:
      path = g_strdup_printf ("/v0/bases/%s/webhooks", base_id);
      request ("POST", path, pat, text, len);
      /* a change for whatever webhooks now exist, and their payloads */
      {
        g_autofree char *tasks = g_strdup_printf ("/v0/%s/Tasks", base_id);
        SandboxBase *base = sandbox_server_find_base (server, base_id);
        static const char change[] = "{\"fields\":{\"Title\":\"fuzz\",\"Points\":2,\"Labels\":[\"urgent\"],\"Done\":true},\"typecast\":true}";

        request ("POST", tasks, pat, change, sizeof change - 1);
        for (guint i = 0; base->webhooks != NULL && i < base->webhooks->len; i++)
          {
            g_autofree char *payloads = g_strdup_printf ("/v0/bases/%s/webhooks/%s/payloads?cursor=1",
                                                         base_id, ((SandboxWebhook *) base->webhooks->pdata[i])->id);

            request ("GET", payloads, pat, NULL, 0);
          }
        /* the base keeps at most a few, so that creates keep working */
        while (base->webhooks != NULL && base->webhooks->len > 3)
          g_ptr_array_remove_index (base->webhooks, 0);
      }
      break;
    case KIND_CONTROL:
      path = g_strconcat ("/__sandbox/", control_routes[(size / 2) % G_N_ELEMENTS (control_routes)], NULL);
      request ("POST", path, NULL, text, len);
      break;
    case KIND_JSON:
      check_json (text, len);
      break;
    case KIND_STATE:
      load_state (text, len);
      break;
    case N_KINDS:
    default:
      g_assert_not_reached ();
    }
}

/* --------------------------------------------------------------- libFuzzer */

#ifdef HANGAR_LIBFUZZER

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  g_setenv ("TZ", "UTC", TRUE);
  server_setup ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  run_one (data, size);
  return 0;
}

#else /* the seeded random generator */

static const char * const seeds[] = {
  /* raw requests */
  "\x00" "GET /v0/meta/whoami HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer @PAT@\r\n\r\n",
  "\x00" "GET /v0/@BASE@/Tasks?pageSize=2&fields%5B%5D=Title HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer @PAT@\r\n\r\n",
  "\x00" "POST /v0/@BASE@/Tasks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer @PAT@\r\nContent-Type: application/json\r\nContent-Length: 26\r\n\r\n{\"fields\":{\"Title\":\"raw\"}}",
  "\x00" "POST /v0/@BASE@/Tasks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer @PAT@\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"fie\r\n0\r\n\r\n",
  "\x00" "GET /__sandbox/stats HTTP/1.1\r\nHost: x\r\n\r\n",
  "\x00" "POST /oauth2/v1/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 29\r\n\r\ngrant_type=refresh_token&a=b",
  "\x00" "GET /oauth2/v1/authorize?client_id=x&redirect_uri=http%3A%2F%2F127.0.0.1%3A8471%2Foauth%2Fcallback&response_type=code&scope=data.records%3Aread&state=0123456789abcdefg&code_challenge=abc&code_challenge_method=S256 HTTP/1.1\r\nHost: x\r\n\r\n",
  "\x00" "GET /v0/bases/@BASE@/webhooks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer @PAT@\r\n\r\n",
  /* create */
  "\x01" "{\"fields\":{\"Title\":\"x\",\"Points\":3,\"Done\":true,\"Due\":\"2024-05-01\",\"Labels\":[\"urgent\"]}}",
  "\x01" "{\"records\":[{\"fields\":{\"Title\":\"a\"}},{\"fields\":{\"Title\":\"b\",\"Estimate\":\"1:30\"}}],\"typecast\":true}",
  "\x01" "{\"fields\":{\"Project\":[\"rec00000000000000\"],\"Assignee\":[]},\"returnFieldsByFieldId\":true}",
  /* update */
  "\x02" "{\"records\":[{\"fields\":{\"Title\":\"u\",\"Points\":1}}],\"performUpsert\":{\"fieldsToMergeOn\":[\"Title\"]},\"typecast\":true}",
  "\x02" "{\"records\":[{\"id\":\"rec00000000000000\",\"fields\":{}}]}",
  /* listRecords */
  "\x03" "{\"pageSize\":3,\"sort\":[{\"field\":\"Points\",\"direction\":\"desc\"}],\"fields\":[\"Title\",\"Points\"],\"filterByFormula\":\"{Points}>1\",\"maxRecords\":7}",
  "\x03" "{\"view\":\"Open tasks\",\"cellFormat\":\"json\",\"returnFieldsByFieldId\":true,\"recordMetadata\":[\"commentCount\"]}",
  /* query strings */
  "\x04" "pageSize=3&sort[0][field]=Points&sort[0][direction]=desc&fields[]=Title&fields[]=Points&maxRecords=5",
  "\x04" "cellFormat=string&timeZone=Europe/Berlin&userLocale=de&view=Open tasks",
  "\x04" "offset=itr00000000000000/rec00000000000000&returnFieldsByFieldId=1&recordMetadata[]=commentCount",
  "\x04" "records[]=rec00000000000000&records[]=rec11111111111111",
  /* formulas */
  "\x05" "AND({Points}>1, NOT({Done}), FIND('a', LOWER({Title})))",
  "\x05" "IF(IS_BEFORE({Due}, TODAY()), 'late', DATETIME_FORMAT({Due}, 'YYYY-MM-DD'))",
  "\x05" "SWITCH({Points}, 1, 'one', 2, 'two', 'many') & CONCATENATE('x', RECORD_ID())",
  "\x05" "REGEX_REPLACE({Title}, '(a+)+b', 'x') = SUBSTITUTE(TRIM({Title}), ' ', '')",
  "\x05" "DATETIME_DIFF(DATEADD(NOW(), -3, 'days'), CREATED_TIME(), 'hours') + WORKDAY_DIFF('2024-01-01', '2024-02-01')",
  "\x05" "ARRAYJOIN(ARRAYUNIQUE({Labels}), ';') & ROUND(SQRT(ABS(-16)) / 3, 2) & MOD(-7, 3) & VALUE('$1,200.50')",
  "\x05" "DATETIME_PARSE('5 March 2024 10:00', 'D MMMM YYYY HH:mm') & WEEKDAY(TODAY(), 'Monday') & SET_TIMEZONE(NOW(), 'Asia/Tokyo')",
  /* meta */
  "\x06" "{\"name\":\"Fuzz\",\"description\":\"d\",\"fields\":[{\"name\":\"N\",\"type\":\"singleLineText\"},{\"name\":\"S\",\"type\":\"singleSelect\",\"options\":{\"choices\":[{\"name\":\"a\",\"color\":\"blueLight2\"}]}},{\"name\":\"D\",\"type\":\"dateTime\",\"options\":{\"timeZone\":\"utc\",\"dateFormat\":{\"name\":\"iso\"},\"timeFormat\":{\"name\":\"24hour\"}}}]}",
  "\x06" "{\"name\":\"L\",\"type\":\"multipleRecordLinks\",\"options\":{\"linkedTableId\":\"@TABLE@\"}}",
  /* webhooks */
  "\x07" "{\"specification\":{\"options\":{\"filters\":{\"dataTypes\":[\"tableData\",\"tableFields\",\"tableMetadata\"],\"recordChangeScope\":\"@TABLE@\",\"changeTypes\":[\"add\",\"update\"],\"fromSources\":[\"publicApi\",\"client\"]},\"includes\":{\"includeCellValuesInFieldIds\":\"all\",\"includePreviousCellValues\":true,\"includePreviousFieldDefinitions\":true}}}}",
  "\x07" "{\"notificationUrl\":\"http://127.0.0.1:1/x\",\"specification\":{\"options\":{\"filters\":{\"dataTypes\":[\"tableData\"]}}}}",
  /* control */
  "\x08" "{\"user\":\"demo@hangar.test\",\"scopes\":[\"data.records:read\"]}",
  "\x08" "{\"ms\":0,\"jitter_ms\":0}",
  "\x08" "{\"base\":\"@BASE@\",\"table\":\"Tasks\",\"source\":\"automation\",\"automationId\":\"aut1\",\"create\":{\"Title\":\"c\"}}",
  "\x08" "{\"advance_ms\":86400000}",
  /* json */
  "\x09" "{\"a\":[1,2.5e-3,-0,true,false,null,\"\\u00e9\\ud83d\\ude00\"],\"b\":{\"c\":{}}}",
  "\x09" "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
};

static const char * const dictionary[] = {
  "{", "}", "[", "]", "\"", "'", "\\", "\\u", "\\ud800", "/*", "*/", "//", ",", ":", "null", "true", "1e999",
  "-0", "0x1F", "NaN", "%00", "%0d%0a", "(", ")", "&", "+", "{Points}", "{Title}", "'x'", "BLANK()", "\xff", "\xc0\xaf",
  "\r\n", "\r\n\r\n", "Content-Length: 99999999\r\n", "Transfer-Encoding: chunked\r\n", "sort[0]", "fields[]", "=",
  "rec00000000000000", "@BASE@", "@TABLE@", "fld", "DATETIME_PARSE(", "REGEX_MATCH(", "\"fields\"", "\"records\"",
};

static GRand *rng;
static const guint8 *current;
static gsize current_len;
static char crash_path[256];

static void
on_fatal (int sig)
{
  int fd = open (crash_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

  if (fd >= 0)
    {
      ssize_t ignored = write (fd, current, current_len);

      (void) ignored;
      close (fd);
    }
  signal (sig, SIG_DFL);
  raise (sig);
}

static void
insert_bytes (GByteArray   *array,
              guint         pos,
              const guint8 *bytes,
              gsize         len)
{
  guint old = array->len;

  g_byte_array_set_size (array, old + (guint) len);
  memmove (array->data + pos + len, array->data + pos, old - pos);
  memcpy (array->data + pos, bytes, len);
}

static GByteArray *
mutate (const guint8 *seed,
        gsize         len)
{
  GByteArray *out = g_byte_array_new ();
  guint n = g_rand_int_range (rng, 1, 9);

  g_byte_array_append (out, seed, len);
  for (guint i = 0; i < n; i++)
    {
      guint op = g_rand_int_range (rng, 0, 9);
      guint pos = out->len > 1 ? (guint) g_rand_int_range (rng, 1, (gint32) out->len) : out->len;

      switch (op)
        {
        case 0:   /* flip a bit */
          if (out->len > 1)
            out->data[pos == out->len ? pos - 1 : pos] ^= (guint8) (1u << g_rand_int_range (rng, 0, 8));
          break;
        case 1:   /* a random byte */
          {
            guint8 b = (guint8) g_rand_int_range (rng, 0, 256);

            insert_bytes (out, pos, &b, 1);
          }
          break;
        case 2:   /* delete a range */
          if (pos < out->len)
            {
              guint count = (guint) g_rand_int_range (rng, 1, 16);

              g_byte_array_remove_range (out, pos, MIN (count, out->len - pos));
            }
          break;
        case 3:   /* a dictionary word */
          {
            const char *w = dictionary[g_rand_int_range (rng, 0, G_N_ELEMENTS (dictionary))];

            insert_bytes (out, pos, (const guint8 *) w, strlen (w));
          }
          break;
        case 4:   /* duplicate a range */
          if (pos < out->len && out->len < 100000)
            {
              guint want = (guint) g_rand_int_range (rng, 1, 64);
              guint n_dup = MIN (want, out->len - pos);
              g_autofree guint8 *copy = g_memdup2 (out->data + pos, n_dup);

              insert_bytes (out, pos, copy, n_dup);
            }
          break;
        case 5:   /* deep nesting */
          {
            const char *open = (const char *[]) { "[", "{\"a\":", "(", "NOT(", "-" }[g_rand_int_range (rng, 0, 5)];
            guint k = g_rand_int_range (rng, 1, 3000);

            for (guint j = 0; j < k && out->len < 200000; j++)
              insert_bytes (out, pos, (const guint8 *) open, strlen (open));
          }
          break;
        case 6:   /* cut */
          if (pos < out->len)
            g_byte_array_set_size (out, pos);
          break;
        case 7:   /* splice another seed in */
          {
            const char *other = seeds[g_rand_int_range (rng, 0, G_N_ELEMENTS (seeds))];
            gsize olen = strlen (other + 1) + 1;
            guint from = g_rand_int_range (rng, 1, olen + 1);

            insert_bytes (out, pos, (const guint8 *) other + from, olen - from);
          }
          break;
        case 8:   /* another kind */
        default:
          if (g_rand_int_range (rng, 0, 8) == 0)
            out->data[0] = (guint8) g_rand_int_range (rng, 0, N_KINDS);
          break;
        }
    }
  return out;
}

static void
write_seeds (const char *dir)
{
  g_mkdir_with_parents (dir, 0700);
  for (guint i = 0; i < G_N_ELEMENTS (seeds); i++)
    {
      g_autofree char *file = g_strdup_printf ("%s/seed-%02u", dir, i);
      gsize len = strlen (seeds[i] + 1) + 1;

      g_file_set_contents (file, seeds[i], (gssize) len, NULL);
    }
  {
    g_autofree char *file = g_strdup_printf ("%s/seed-state", dir);
    g_autofree char *data = g_strconcat ("\x0a", state_seed, NULL);

    g_file_set_contents (file, data, -1, NULL);
  }
}

int
main (int   argc,
      char *argv[])
{
  gint64 iterations = 2000;
  double seconds = 0;
  gint64 seed = 20240613;
  gint64 only_kind = -1;
  g_autofree char *seeds_dir = NULL;
  g_autofree char *replay = NULL;
  GOptionEntry entries[] = {
    { "iterations", 0, 0, G_OPTION_ARG_INT64, &iterations, "Inputs to run (default 2000)", "N" },
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &seconds, "Run this long instead", "S" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of the generator", "N" },
    { "kind", 0, 0, G_OPTION_ARG_INT64, &only_kind, "Only inputs of this kind (0 raw … 10 state)", "K" },
    { "write-seeds", 0, 0, G_OPTION_ARG_FILENAME, &seeds_dir, "Write the seed corpus to DIR and exit", "DIR" },
    { "replay", 0, 0, G_OPTION_ARG_FILENAME, &replay, "Run one input from FILE", "FILE" },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— fuzz the sandbox's request handling");
  g_autoptr(GError) error = NULL;
  guint64 counts[N_KINDS] = { 0 };
  gint64 start, n = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("fuzz-sandbox: %s\n", error->message);
      return 2;
    }
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  g_setenv ("TZ", "UTC", TRUE);
  server_setup ();
  if (seeds_dir != NULL)
    {
      write_seeds (seeds_dir);
      return 0;
    }
  if (replay != NULL)
    {
      g_autofree char *data = NULL;
      gsize len = 0;

      if (!g_file_get_contents (replay, &data, &len, &error))
        {
          g_printerr ("fuzz-sandbox: %s\n", error->message);
          return 2;
        }
      run_one ((const guint8 *) data, len);
      g_print ("replayed %s: no crash\n", replay);
      return 0;
    }

  g_snprintf (crash_path, sizeof crash_path, "fuzz-sandbox-crash-%" G_GINT64_FORMAT, seed);
  signal (SIGSEGV, on_fatal);
  signal (SIGABRT, on_fatal);
  signal (SIGBUS, on_fatal);
  signal (SIGFPE, on_fatal);
  rng = g_rand_new_with_seed ((guint32) seed);
  start = g_get_monotonic_time ();
  for (n = 0; seconds > 0 ? (g_get_monotonic_time () - start) < seconds * G_USEC_PER_SEC : n < iterations; n++)
    {
      const char *pick = seeds[g_rand_int_range (rng, 0, G_N_ELEMENTS (seeds))];
      g_autoptr(GByteArray) input = NULL;

      if (g_rand_int_range (rng, 0, 50) == 0)
        {
          g_autofree char *state = g_strconcat ("\x0a", state_seed, NULL);

          input = mutate ((const guint8 *) state, strlen (state));
        }
      else
        input = mutate ((const guint8 *) pick, strlen (pick + 1) + 1);
      if (only_kind >= 0 && input->len > 0)
        input->data[0] = (guint8) (only_kind % N_KINDS);
      current = input->data;
      current_len = input->len;
      counts[input->data[0] % N_KINDS]++;
      run_one (input->data, input->len);
    }
  {
    double elapsed = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
    g_autoptr(GString) by_kind = g_string_new (NULL);

    for (guint k = 0; k < N_KINDS; k++)
      g_string_append_printf (by_kind, "%s%s %" G_GUINT64_FORMAT, k > 0 ? ", " : "", kind_names[k], counts[k]);
    g_print ("fuzz-sandbox: seed %" G_GINT64_FORMAT ": %" G_GINT64_FORMAT " executions in %.1f s (%.0f/s), %"
             G_GUINT64_FORMAT " HTTP answers checked, findings: 0\n  by kind: %s\n",
             seed, n, elapsed, n / MAX (elapsed, 0.001), answers, by_kind->str);
  }
  server_free ();
  g_rand_free (rng);
  return 0;
}

#endif
