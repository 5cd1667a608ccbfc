/* hostile-server.c — a loopback HTTP server that misbehaves on purpose
 *
 *   hostile-server
 *
 * Binds 127.0.0.1 on a free port (never any other address), prints one JSON
 * line {"url": "http://127.0.0.1:PORT"} and serves until its standard input
 * closes. It speaks HTTP/1.1 by hand over a raw socket service, so it can do
 * what no well-behaved server library would: trickle bytes, send bodies
 * without end, lie about lengths, nest JSON without end, repeat pages and
 * echo secrets.
 *
 * The first path segment picks the behaviour; the rest is the API path the
 * client asked for. A client pointed at http://127.0.0.1:PORT/CASE sends
 * /CASE/v0/… requests. Cases:
 *
 *   ok               small, valid answers (whoami, one page, bases, schema)
 *   trickle-body     200 with a Content-Length, then one byte every 200 ms
 *   trickle-headers  the status line, then one header byte every 200 ms
 *   endless          200, chunked, a record list that never ends
 *   endless-error    500, chunked, an error body that never ends
 *   endless-404      404, chunked, an error body that never ends
 *   huge-length      200 announcing 10 GB, then silence
 *   repeat-offset    every list page is the same, with the same offset
 *   same-records     the same records on every page, with a new offset each
 *   empty-pages      empty pages, each with a new offset
 *   numbers          a page whose records hold 1e999999 and 2^80
 *   deep             200 with JSON nested 200,000 levels, for every route
 *   deep-error       422 with a body nested 30,000 levels
 *   precision        a schema whose number fields have odd precisions
 *   echo-secret      422 whose type and message echo the bearer token, in
 *                    several spellings
 *   echo-secret-reason  422 without a body whose reason phrase echoes it
 *   redirect         302 to /ok/… on this server
 *   drop             reads the request, closes without answering
 *
 * GET /__count/CASE answers {"count": N}: how many requests CASE received.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <stdio.h>
#include <string.h>

#define MAX_HEAD   (64 * 1024)
#define MAX_BODY   (4 * 1024 * 1024)
#define DEEP_LEVELS 200000

static GMutex      counts_lock;
static GHashTable *counts;   /* case → guint */

static void
count_request (const char *name)
{
  g_mutex_lock (&counts_lock);
  g_hash_table_insert (counts, g_strdup (name),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, name)) + 1));
  g_mutex_unlock (&counts_lock);
}

static guint
get_count (const char *name)
{
  guint n;

  g_mutex_lock (&counts_lock);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, name));
  g_mutex_unlock (&counts_lock);
  return n;
}

static guint
next_serial (void)
{
  static gint serial;

  return (guint) g_atomic_int_add (&serial, 1);
}

typedef struct
{
  char *method;
  char *path;          /* without the query */
  char *query;
  char *bearer;        /* the Authorization header's token, or NULL */
} Request;

static void
request_clear (Request *request)
{
  g_free (request->method);
  g_free (request->path);
  g_free (request->query);
  g_free (request->bearer);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Request, request_clear)

/* Reads the head (and any Content-Length body, discarded). FALSE when the
 * peer went away or sent something that is not HTTP. */
static gboolean
read_request (GInputStream *in,
              Request      *request)
{
  g_autoptr(GString) head = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) first = NULL;
  guint64 length = 0;
  char c;

  while (!g_str_has_suffix (head->str, "\r\n\r\n"))
    {
      if (head->len > MAX_HEAD || g_input_stream_read (in, &c, 1, NULL, NULL) != 1)
        return FALSE;
      g_string_append_c (head, c);
    }

  lines = g_strsplit (head->str, "\r\n", -1);
  first = g_strsplit (lines[0], " ", 3);
  if (g_strv_length (first) < 2)
    return FALSE;
  request->method = g_strdup (first[0]);
  request->path = g_strndup (first[1], strcspn (first[1], "?"));
  request->query = strchr (first[1], '?') != NULL ? g_strdup (strchr (first[1], '?') + 1) : NULL;

  for (guint i = 1; lines[i] != NULL; i++)
    {
      if (g_ascii_strncasecmp (lines[i], "Content-Length:", 15) == 0)
        length = g_ascii_strtoull (lines[i] + 15, NULL, 10);
      else if (g_ascii_strncasecmp (lines[i], "Authorization: Bearer ", 22) == 0)
        request->bearer = g_strdup (lines[i] + 22);
    }
  if (length > MAX_BODY)
    return FALSE;
  while (length > 0)
    {
      char buf[4096];
      gssize n = g_input_stream_read (in, buf, MIN (length, sizeof buf), NULL, NULL);

      if (n <= 0)
        return FALSE;
      length -= n;
    }
  return TRUE;
}

static gboolean
write_all (GOutputStream *out,
           const char    *data,
           gsize          len)
{
  return g_output_stream_write_all (out, data, len, NULL, NULL, NULL);
}

static gboolean
write_text (GOutputStream *out,
            const char    *text)
{
  return write_all (out, text, strlen (text));
}

static void
respond (GOutputStream *out,
         guint          status,
         const char    *reason,
         const char    *body)
{
  g_autofree char *head = g_strdup_printf ("HTTP/1.1 %u %s\r\n"
                                           "Content-Type: application/json\r\n"
                                           "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                                           "Connection: close\r\n\r\n",
                                           status, reason, strlen (body));

  if (write_text (out, head))
    write_text (out, body);
}

/* One chunk of a chunked body. */
static gboolean
write_chunk (GOutputStream *out,
             const char    *data,
             gsize          len)
{
  g_autofree char *size = g_strdup_printf ("%" G_GSIZE_MODIFIER "x\r\n", len);

  return write_text (out, size) && write_all (out, data, len) && write_text (out, "\r\n");
}

static const char *
record_json (void)
{
  return "{\"id\":\"recAAAAAAAAAAAAAA\",\"createdTime\":\"2024-01-01T00:00:00.000Z\",\"fields\":{\"Name\":\"a\"}}";
}

/* The normal answer of a route, for the cases that only change the shape
 * of one kind of answer. */
static char *
ok_answer (const Request *request,
           const char    *api_path)
{
  if (g_str_has_prefix (api_path, "/v0/meta/whoami"))
    return g_strdup ("{\"id\":\"usrHostileUser0001\"}");
  if (g_str_equal (api_path, "/v0/meta/bases"))
    return g_strdup ("{\"bases\":[{\"id\":\"appHostileBase001\",\"name\":\"Hostile\",\"permissionLevel\":\"create\"}]}");
  if (g_str_has_prefix (api_path, "/v0/meta/bases/"))
    return g_strdup ("{\"tables\":[{\"id\":\"tblHostileTable01\",\"name\":\"T\",\"primaryFieldId\":\"fldName0000000001\","
                     "\"fields\":[{\"id\":\"fldName0000000001\",\"name\":\"Name\",\"type\":\"singleLineText\"}],"
                     "\"views\":[]}]}");
  return g_strdup_printf ("{\"records\":[%s]}", record_json ());
}

static void
serve_list_case (GOutputStream *out,
                 const char    *name,
                 const char    *api_path)
{
  g_autofree char *body = NULL;
  guint n = next_serial ();

  if (g_str_equal (api_path, "/v0/meta/bases"))
    {
      /* the bases listing pages the same way */
      const char *base = "{\"id\":\"appHostileBase001\",\"name\":\"Hostile\",\"permissionLevel\":\"create\"}";

      if (g_str_equal (name, "repeat-offset"))
        body = g_strdup_printf ("{\"bases\":[%s],\"offset\":\"itrSameSameSame01/appHostileBase001\"}", base);
      else if (g_str_equal (name, "same-records"))
        body = g_strdup_printf ("{\"bases\":[%s],\"offset\":\"itr%014u/appHostileBase001\"}", base, n);
      else
        body = g_strdup_printf ("{\"bases\":[],\"offset\":\"itr%014u/appHostileBase001\"}", n);
    }
  else if (g_str_equal (name, "repeat-offset"))
    body = g_strdup_printf ("{\"records\":[%s],\"offset\":\"itrSameSameSame01/recAAAAAAAAAAAAAA\"}", record_json ());
  else if (g_str_equal (name, "same-records"))
    body = g_strdup_printf ("{\"records\":[%s],\"offset\":\"itr%014u/recAAAAAAAAAAAAAA\"}", record_json (), n);
  else
    body = g_strdup_printf ("{\"records\":[],\"offset\":\"itr%014u/recAAAAAAAAAAAAAA\"}", n);
  respond (out, 200, "OK", body);
}

/* {"<member>": [[[…]]]} nested @levels deep */
static char *
deep_json (const char *member,
           guint       levels)
{
  GString *text = g_string_sized_new (2 * levels + 32);

  g_string_append_printf (text, "{\"%s\":", member);
  for (guint i = 0; i < levels; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < levels; i++)
    g_string_append_c (text, ']');
  g_string_append_c (text, '}');
  return g_string_free (text, FALSE);
}

static void
serve_endless (GOutputStream *out,
               guint          status,
               const char    *reason,
               const char    *opening)
{
  g_autofree char *head = g_strdup_printf ("HTTP/1.1 %u %s\r\n"
                                           "Content-Type: application/json\r\n"
                                           "Transfer-Encoding: chunked\r\n"
                                           "Connection: close\r\n\r\n", status, reason);
  g_autoptr(GString) chunk = g_string_new (NULL);

  while (chunk->len < 64 * 1024)
    {
      g_string_append (chunk, record_json ());
      g_string_append_c (chunk, ',');
    }
  if (!write_text (out, head) || !write_chunk (out, opening, strlen (opening)))
    return;
  /* until the client hangs up */
  while (write_chunk (out, chunk->str, chunk->len))
    ;
}

static void
serve_echo_secret (GOutputStream *out,
                   const Request *request)
{
  const char *token = request->bearer != NULL ? request->bearer : "";
  g_autofree char *escaped = g_uri_escape_string (token, NULL, FALSE);
  g_autofree char *twice = g_uri_escape_string (escaped, NULL, FALSE);
  g_autofree char *body = g_strdup_printf ("{\"error\":{\"type\":\"BAD_%s\",\"message\":"
                                           "\"token %s, as %s and %s\"}}",
                                           token, token, escaped, twice);
  g_autofree char *reason = g_strdup_printf ("Bad %s", token);

  respond (out, 422, reason, body);
}

static void
serve_precision (GOutputStream *out)
{
  respond (out, 200, "OK",
           "{\"tables\":[{\"id\":\"tblHostileTable01\",\"name\":\"T\",\"primaryFieldId\":\"fldName0000000001\","
           "\"fields\":["
           "{\"id\":\"fldName0000000001\",\"name\":\"Name\",\"type\":\"singleLineText\"},"
           "{\"id\":\"fldHuge0000000001\",\"name\":\"Huge\",\"type\":\"number\",\"options\":{\"precision\":1e30}},"
           "{\"id\":\"fldInf00000000001\",\"name\":\"Inf\",\"type\":\"number\",\"options\":{\"precision\":1e999}},"
           "{\"id\":\"fldBig00000000001\",\"name\":\"Big\",\"type\":\"currency\",\"options\":{\"precision\":123456789012345678901234,\"symbol\":\"$\"}},"
           "{\"id\":\"fldNeg00000000001\",\"name\":\"Neg\",\"type\":\"percent\",\"options\":{\"precision\":-1}},"
           "{\"id\":\"fldOk000000000001\",\"name\":\"Fine\",\"type\":\"number\",\"options\":{\"precision\":2}}"
           "],\"views\":[]}]}");
}

static gboolean
handle_cb (GThreadedSocketService *service,
           GSocketConnection      *connection,
           GObject                *source_object,
           gpointer                user_data)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_auto(Request) request = { NULL };
  g_autofree char *name = NULL;
  const char *api_path;

  if (!read_request (in, &request) || request.path[0] != '/')
    return TRUE;

  api_path = strchr (request.path + 1, '/');
  name = api_path != NULL ? g_strndup (request.path + 1, api_path - (request.path + 1)) : g_strdup (request.path + 1);
  if (api_path == NULL)
    api_path = "/";

  if (g_str_equal (name, "__count"))
    {
      g_autofree char *body = g_strdup_printf ("{\"count\":%u}", get_count (api_path + 1));

      respond (out, 200, "OK", body);
      return TRUE;
    }
  count_request (name);

  if (g_str_equal (name, "ok"))
    {
      g_autofree char *body = ok_answer (&request, api_path);

      respond (out, 200, "OK", body);
    }
  else if (g_str_equal (name, "trickle-body"))
    {
      if (write_text (out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                           "Content-Length: 1000\r\nConnection: close\r\n\r\n"))
        while (write_text (out, " "))
          g_usleep (200 * 1000);
    }
  else if (g_str_equal (name, "trickle-headers"))
    {
      if (write_text (out, "HTTP/1.1 200 OK\r\nX-Slow: "))
        while (write_text (out, "a"))
          g_usleep (200 * 1000);
    }
  else if (g_str_equal (name, "endless"))
    serve_endless (out, 200, "OK", "{\"records\":[");
  else if (g_str_equal (name, "endless-error"))
    serve_endless (out, 500, "Internal Server Error", "{\"error\":{\"type\":\"X\",\"message\":\"");
  else if (g_str_equal (name, "endless-404"))
    serve_endless (out, 404, "Not Found", "{\"error\":{\"type\":\"X\",\"message\":\"");
  else if (g_str_equal (name, "huge-length"))
    {
      if (write_text (out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                           "Content-Length: 10000000000\r\nConnection: close\r\n\r\n{\"records\":["))
        g_usleep (30 * G_USEC_PER_SEC);
    }
  else if (g_str_equal (name, "repeat-offset") || g_str_equal (name, "same-records") ||
           g_str_equal (name, "empty-pages"))
    serve_list_case (out, name, api_path);
  else if (g_str_equal (name, "numbers"))
    respond (out, 200, "OK",
             "{\"records\":[{\"id\":\"recNumbers0000001\",\"createdTime\":\"2024-01-01T00:00:00.000Z\","
             "\"fields\":{\"Name\":\"kept\",\"Inf\":1e999999,\"Big\":1208925819614629174706176,"
             "\"List\":[1,-1e400,3],\"Fine\":42}},"
             "{\"id\":\"recNumbers0000002\",\"createdTime\":\"2024-01-01T00:00:00.000Z\","
             "\"fields\":{\"Name\":\"plain\",\"Fine\":7}}]}");
  else if (g_str_equal (name, "deep"))
    {
      g_autofree char *body = deep_json (g_str_has_prefix (api_path, "/v0/meta/bases/") ? "tables"
                                         : g_str_equal (api_path, "/v0/meta/bases") ? "bases" : "records",
                                         DEEP_LEVELS);

      respond (out, 200, "OK", body);
    }
  else if (g_str_equal (name, "deep-error"))
    {
      /* small enough to be read as an error body, too deep to be parsed */
      g_autofree char *body = deep_json ("error", 30000);

      respond (out, 422, "Unprocessable", body);
    }
  else if (g_str_equal (name, "precision"))
    serve_precision (out);
  else if (g_str_equal (name, "echo-secret"))
    serve_echo_secret (out, &request);
  else if (g_str_equal (name, "echo-secret-reason"))
    {
      g_autofree char *head = g_strdup_printf ("HTTP/1.1 422 Bad %s\r\nContent-Length: 0\r\n"
                                               "Connection: close\r\n\r\n",
                                               request.bearer != NULL ? request.bearer : "");

      write_text (out, head);
    }
  else if (g_str_equal (name, "redirect"))
    {
      g_autofree char *head = g_strdup_printf ("HTTP/1.1 302 Found\r\nLocation: /ok%s\r\n"
                                               "Content-Length: 0\r\nConnection: close\r\n\r\n", api_path);

      write_text (out, head);
    }
  else if (g_str_equal (name, "drop"))
    ;   /* closed unanswered */
  else
    respond (out, 404, "Not Found", "{\"error\":\"NOT_FOUND\"}");

  return TRUE;
}

static gboolean
stdin_closed_cb (GIOChannel   *channel,
                 GIOCondition  condition,
                 gpointer      loop)
{
  char buf[256];
  gsize n = 0;

  if (g_io_channel_read_chars (channel, buf, sizeof buf, &n, NULL) != G_IO_STATUS_NORMAL || n == 0)
    {
      g_main_loop_quit (loop);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GSocketService) service = g_threaded_socket_service_new (64);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GIOChannel) channel = g_io_channel_unix_new (0);
  g_autoptr(GError) error = NULL;

  counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* 127.0.0.1 only: this server must never be reachable from elsewhere. */
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (service), address, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error))
    {
      g_printerr ("hostile-server: %s\n", error->message);
      return 1;
    }
  g_signal_connect (service, "run", G_CALLBACK (handle_cb), NULL);
  g_socket_service_start (service);

  g_print ("{\"url\": \"http://127.0.0.1:%u\"}\n",
           g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective)));
  fflush (stdout);

  g_io_channel_set_encoding (channel, NULL, NULL);
  g_io_add_watch (channel, G_IO_IN | G_IO_HUP | G_IO_ERR, stdin_closed_cb, loop);
  g_main_loop_run (loop);
  return 0;
}
