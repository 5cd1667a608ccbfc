/* test-cli-hostile.c — hangar-cli against a hostile server: a listing that
 * never ends, control characters and escape sequences in error types,
 * messages, reason phrases and cells, and error messages that echo the
 * secrets the CLI holds in every spelling.
 *
 * The server is a SoupServer in this process on 127.0.0.1 only; it logs
 * every request, so a test can tell what was (not) sent. The CLI runs as a
 * subprocess under a timeout. Accounts for -a are connected in this
 * process, with libsecret's file backend shared with the child.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "test-cli-common.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "hangar-auth.h"
#include "hangar-test-sandbox.h"

#define BASE          "appHOSTILE0000001"
#define ENV_TOKEN     "patHOSTILEenv00000.0123456789abcdef0123456789abcdef"
#define PAT_TOKEN     "patHOSTILEpat00000.fedcba9876543210fedcba9876543210"
#define OAUTH_ACCESS  "oaaHOSTILEaccess.0123456789ABCDEFGHIJ/+=klmnop"
#define OAUTH_REFRESH "oarHOSTILErefresh.0123456789ABCDEFGHIJ~_-klmnop"
#define CLIENT_ID     "hostile-client-id"
#define CLIENT_SECRET "hostile-CLIENT-secret_0123456789/+="

typedef struct
{
  SoupServer *server;
  char       *url;
  GPtrArray  *log;      /* "METHOD /path?query" of every request */
  GPtrArray  *echo;     /* secrets the server knows besides the bearer */
} Hostile;

static Hostile *hostile;

/* ---- the server --------------------------------------------------------- */

static char *
percent_all (const char *text)
{
  GString *s = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    g_string_append_printf (s, "%%%02X", (guchar) *p);
  return g_string_free (s, FALSE);
}

static char *
json_u_escaped (const char *text)
{
  GString *s = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    g_string_append_printf (s, "\\u%04x", (guchar) *p);
  return g_string_free (s, FALSE);
}

/* Every spelling of @secret a careless or hostile server might echo. */
static GPtrArray *
spellings (const char *secret)
{
  GPtrArray *forms = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *basic_in = g_strconcat (CLIENT_ID ":", secret, NULL);
  g_autofree char *once = g_uri_escape_string (secret, NULL, FALSE);

  g_ptr_array_add (forms, g_strdup (secret));
  g_ptr_array_add (forms, percent_all (secret));
  g_ptr_array_add (forms, g_uri_escape_string (secret, NULL, FALSE));
  g_ptr_array_add (forms, g_uri_escape_string (once, NULL, FALSE));
  g_ptr_array_add (forms, json_u_escaped (secret));
  g_ptr_array_add (forms, g_base64_encode ((const guchar *) secret, strlen (secret)));
  g_ptr_array_add (forms, g_base64_encode ((const guchar *) basic_in, strlen (basic_in)));
  return forms;
}

static void
respond_json (SoupServerMessage *msg,
              guint              status,
              const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static const char *
bearer_of (SoupServerMessage *msg)
{
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");

  return auth != NULL && g_str_has_prefix (auth, "Bearer ") ? auth + 7 : NULL;
}

/* 422 whose message quotes the caller's token and every known secret in
 * every spelling (JSON-escaped in the body itself too). */
static void
respond_echo (SoupServerMessage *msg)
{
  g_autoptr(GString) message = g_string_new ("Token rejected:");
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GPtrArray) secrets = g_ptr_array_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();

  if (bearer_of (msg) != NULL)
    g_ptr_array_add (secrets, (char *) bearer_of (msg));
  for (guint i = 0; i < hostile->echo->len; i++)
    g_ptr_array_add (secrets, hostile->echo->pdata[i]);
  for (guint i = 0; i < secrets->len; i++)
    {
      g_autoptr(GPtrArray) forms = spellings (secrets->pdata[i]);

      for (guint f = 0; f < forms->len; f++)
        g_string_append_printf (message, " <%s>", (char *) forms->pdata[f]);
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "INVALID_REQUEST_UNKNOWN");
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message->str);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (gen, root);
  body = json_generator_to_data (gen, NULL);
  respond_json (msg, 422, body);
}

static char *
record (guint       n,
        const char *name_json)
{
  return g_strdup_printf ("{\"id\":\"recHOSTILE%07u\",\"createdTime\":\"2024-01-02T03:04:05.000Z\","
                          "\"fields\":{\"Name\":%s}}", n, name_json);
}

static void
list_records (SoupServerMessage *msg,
              const char        *table,
              GHashTable        *query)
{
  const char *offset = query != NULL ? g_hash_table_lookup (query, "offset") : NULL;
  guint page = offset != NULL ? (guint) g_ascii_strtoull (offset + 3, NULL, 10) : 0;
  g_autofree char *one = record (1, "\"same\"");
  g_autofree char *body = NULL;

  if (g_str_equal (table, "tblSameOffset"))
    body = g_strdup_printf ("{\"records\":[%s],\"offset\":\"itr0/recHOSTILE0000001\"}", one);
  else if (g_str_equal (table, "tblNoNew"))
    body = g_strdup_printf ("{\"records\":[%s],\"offset\":\"itr%u\"}", one, page + 1);
  else if (g_str_equal (table, "tblEmpty"))
    body = g_strdup_printf ("{\"records\":[],\"offset\":\"itr%u\"}", page + 1);
  else if (g_str_equal (table, "tblExpiring") && offset != NULL)
    {
      respond_json (msg, 422, "{\"error\":{\"type\":\"LIST_RECORDS_ITERATOR_NOT_AVAILABLE\","
                              "\"message\":\"Iterator not available\"}}");
      return;
    }
  else if (g_str_equal (table, "tblExpiring"))
    body = g_strdup_printf ("{\"records\":[%s],\"offset\":\"itr1\"}", one);
  else if (g_str_equal (table, "tblPages"))
    {
      g_autofree char *rec = record (page + 1, "\"fine\"");

      body = page < 2 ? g_strdup_printf ("{\"records\":[%s],\"offset\":\"itr%u\"}", rec, page + 1)
                      : g_strdup_printf ("{\"records\":[%s]}", rec);
    }
  else if (g_str_equal (table, "tblCells"))
    {
      g_autofree char *rec = record (1, "\"a\\u001b]0;pwned\\u0007b\\u001b[31mred\\u007f"
                                        "\\u009b2J\\u202egnp.exe\\r\\nhangar-cli: forged\"");

      body = g_strdup_printf ("{\"records\":[%s]}", rec);
    }
  else if (g_str_equal (table, "tblEscape"))
    {
      respond_json (msg, 422, "{\"error\":{\"type\":\"EVIL\\u001b]0;owned\\u0007\","
                              "\"message\":\"red \\u001b[31mALERT\\u001b[0m\\nhangar-cli: forged line\\r"
                              "\\u009b2J \\u202egnp.exe\\u0007 del\\u007f end\"}}");
      return;
    }
  else if (g_str_equal (table, "tblReason"))
    {
      soup_server_message_set_status (msg, 418, "I am a \x1b]0;pwned\x07teapot\x1b[2J");
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{}", 2);
      return;
    }
  else
    {
      respond_json (msg, 404, "{\"error\":\"NOT_FOUND\"}");
      return;
    }
  respond_json (msg, 200, body);
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  GUri *uri = soup_server_message_get_uri (msg);
  g_autofree char *entry = g_strdup_printf ("%s %s%s%s", soup_server_message_get_method (msg), path,
                                            g_uri_get_query (uri) ? "?" : "",
                                            g_uri_get_query (uri) ? g_uri_get_query (uri) : "");
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);

  g_ptr_array_add (hostile->log, g_steal_pointer (&entry));

  if (g_str_equal (path, "/oauth2/v1/token"))
    respond_json (msg, 200, "{\"access_token\":\"" OAUTH_ACCESS "\",\"refresh_token\":\"" OAUTH_REFRESH "\","
                            "\"token_type\":\"Bearer\",\"expires_in\":3600,\"refresh_expires_in\":5184000,"
                            "\"scope\":\"data.records:read schema.bases:read\"}");
  else if (g_str_equal (path, "/v0/meta/whoami"))
    respond_json (msg, 200, "{\"id\":\"usrHOSTILE0000001\",\"email\":\"hostile@example.test\"}");
  else if (g_str_equal (path, "/v0/meta/bases"))
    respond_echo (msg);
  else if (g_str_has_prefix (path, "/v0/meta/bases/" BASE "/tables"))
    respond_json (msg, 200, "{\"tables\":[{\"id\":\"tblCells\",\"name\":\"tblCells\",\"primaryFieldId\":\"fldName0000000001\","
                            "\"fields\":[{\"id\":\"fldName0000000001\",\"name\":\"Name\",\"type\":\"singleLineText\"}],"
                            "\"views\":[]}]}");
  else if (g_strv_length (parts) == 4 && g_str_equal (parts[2], BASE))
    list_records (msg, parts[3], query);
  else
    respond_json (msg, 404, "{\"error\":\"NOT_FOUND\"}");
}

static void
hostile_start (void)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  hostile = g_new0 (Hostile, 1);
  hostile->log = g_ptr_array_new_with_free_func (g_free);
  hostile->echo = g_ptr_array_new ();
  hostile->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (hostile->server, NULL, server_cb, NULL, NULL);
  /* Loopback only. */
  g_assert_true (soup_server_listen_local (hostile->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (hostile->server);
  hostile->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
}

static guint
requests_to (const char *needle)
{
  guint n = 0;

  for (guint i = 0; i < hostile->log->len; i++)
    if (strstr (hostile->log->pdata[i], needle) != NULL)
      n++;
  return n;
}

/* ---- running the CLI ------------------------------------------------------ */

static CliRun *
run_env_token (CliOptions *opts,
               const char *first_arg,
               ...)
{
  const char *env[] = { "HANGAR_TEST_TOKEN", ENV_TOKEN, NULL };
  CliOptions defaults = { 0 };
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  if (opts == NULL)
    opts = &defaults;
  opts->env = env;
  g_ptr_array_add (args, (char *) "--api-url");
  g_ptr_array_add (args, hostile->url);
  g_ptr_array_add (args, (char *) "--token-env");
  g_ptr_array_add (args, (char *) "HANGAR_TEST_TOKEN");
  g_ptr_array_add (args, (char *) "--no-pacing");
  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return cli_runv (opts, (const char * const *) args->pdata);
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p != '\0'; p++)
    if (*p == '\n')
      n++;
  return n;
}

/* ---- a listing that never ends ---------------------------------------- */

static void
test_list_never_ends (void)
{
  struct { const char *table; const char *expect; guint max_requests; } cases[] = {
    { "tblSameOffset", "offset it had returned before", 2 },
    { "tblNoNew", "no record not listed already", 2 },
    { "tblEmpty", "no record not listed already", 1 },
    { "tblExpiring", "Iterator not available", 8 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *needle = g_strdup_printf ("/v0/" BASE "/%s", cases[i].table);
      guint before = requests_to (needle);
      g_autoptr(CliRun) run = run_env_token (NULL, "records", "list", BASE, cases[i].table, NULL);

      g_assert_cmpint (run->status, ==, 1);
      g_assert_nonnull (strstr (run->err, cases[i].expect));
      g_test_message ("%s: %u requests", cases[i].table, requests_to (needle) - before);
      g_assert_cmpuint (requests_to (needle) - before, <=, cases[i].max_requests);
      g_assert_cmpuint (requests_to (needle) - before, >=, 1);
    }

  /* A listing that does end is printed whole. */
  {
    g_autoptr(CliRun) run = run_env_token (NULL, "records", "list", BASE, "tblPages", NULL);

    g_assert_cmpint (run->status, ==, 0);
    g_assert_cmpuint (count_lines (run->out), ==, 3);
  }
}

/* ---- escape sequences ------------------------------------------------- */

static void
test_error_escapes (void)
{
  g_autoptr(CliRun) run = run_env_token (NULL, "records", "list", BASE, "tblEscape", NULL);

  g_assert_cmpint (run->status, ==, 1);
  /* One line, nothing a terminal would obey, everything still readable. */
  g_assert_cmpuint (count_lines (run->err), ==, 1);
  g_assert_true (g_str_has_prefix (run->err, "hangar-cli: EVIL\\x1b]0;owned\\x07: red \\x1b[31mALERT"));
  g_assert_false (has_raw_control (run->err, "\n"));
  g_assert_nonnull (strstr (run->err, "\\nhangar-cli: forged line\\x0d\\u009b2J \\u202egnp.exe\\x07 del\\x7f end"));
}

static void
test_reason_phrase_escapes (void)
{
  g_autoptr(CliRun) run = run_env_token (NULL, "records", "list", BASE, "tblReason", NULL);

  g_assert_cmpint (run->status, ==, 1);
  g_assert_cmpuint (count_lines (run->err), ==, 1);
  g_assert_false (has_raw_control (run->err, "\n"));
  g_assert_nonnull (strstr (run->err, "418"));
}

/* CSV into a pipe keeps the data exactly; on a terminal control characters
 * are shown, not obeyed. JSON is escaped either way (DEL too). */
static void
test_cells (void)
{
  const char *cell = "a\x1b]0;pwned\x07" "b\x1b[31mred\x7f\xc2\x9b" "2J\xe2\x80\xae" "gnp.exe\r\nhangar-cli: forged";
  g_autofree char *exact = g_strdup_printf ("id,Name\nrecHOSTILE0000001,\"%s\"\n", cell);

  {
    g_autoptr(CliRun) run = run_env_token (NULL, "records", "list", BASE, "tblCells", "--format", "csv", NULL);

    g_assert_cmpint (run->status, ==, 0);
    g_assert_cmpstr (run->out, ==, exact);
  }
  {
    CliOptions opts = { .pty = TRUE };
    g_autoptr(CliRun) run = run_env_token (&opts, "records", "list", BASE, "tblCells", "--format", "csv", NULL);

    g_assert_cmpint (run->status, ==, 0);
    g_test_message ("on a terminal: %s", run->out);
    /* The terminal turns "\n" into "\r\n"; nothing else is raw. */
    g_assert_false (has_raw_control (run->out, "\r\n"));
    g_assert_nonnull (strstr (run->out, "id,Name\r\n"));
    g_assert_nonnull (strstr (run->out, "a\\x1b]0;pwned\\x07b\\x1b[31mred\\x7f\\u009b2J\\u202egnp.exe\\x0d\r\n"
                                        "hangar-cli: forged\"\r\n"));
  }
  {
    g_autoptr(CliRun) run = run_env_token (NULL, "records", "list", BASE, "tblCells", NULL);

    g_assert_cmpint (run->status, ==, 0);
    g_assert_nonnull (strstr (run->out, "\"a\\u001b]0;pwned\\u0007b\\u001b[31mred\\u007f"));
    g_assert_nonnull (strstr (run->out, "\\r\\nhangar-cli: forged\""));
    for (const char *p = run->out; *p != '\0'; p++)
      g_assert_true ((guchar) *p >= 0x20 || *p == '\n');
    g_assert_null (strchr (run->out, 0x7f));
  }
}

/* ---- secrets echoed by the server --------------------------------------- */

static void
assert_no_spelling (const CliRun *run,
                    const char   *secret)
{
  g_autoptr(GPtrArray) forms = spellings (secret);

  for (guint f = 0; f < forms->len; f++)
    {
      if (strstr (run->err, forms->pdata[f]) != NULL || strstr (run->out, forms->pdata[f]) != NULL)
        g_error ("a spelling of a secret was printed: %s", (char *) forms->pdata[f]);
    }
}

static guint
count_redacted (const char *text)
{
  guint n = 0;

  for (const char *p = text; (p = strstr (p, "[token]")) != NULL; p++)
    n++;
  return n;
}

static void
test_echo_env_token (void)
{
  g_autoptr(CliRun) run = NULL;

  g_ptr_array_set_size (hostile->echo, 0);
  run = run_env_token (NULL, "bases", NULL);
  g_assert_cmpint (run->status, ==, 1);
  assert_no_spelling (run, ENV_TOKEN);
  /* Raw, %XX, %-escaped once and twice, \u00XX, base64, Basic: 7 forms. */
  g_assert_cmpuint (count_redacted (run->err), >=, 7);
}

static HangarAccount *
connect_pat (HangarAccountStore *store)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  HangarAccount *account;

  hangar_account_store_connect_pat_async (store, "hpat", hostile->url, PAT_TOKEN, NULL, hangar_test_result_cb, &result);
  hangar_test_wait_result (&result);
  account = hangar_account_store_connect_pat_finish (store, result, &error);
  g_assert_no_error (error);
  return account;
}

static HangarAccount *
connect_oauth (HangarAccountStore *store)
{
  g_autoptr(HangarOAuthIntegration) integration =
    hangar_oauth_integration_new (hostile->url, hostile->url, CLIENT_ID, CLIENT_SECRET,
                                  "http://127.0.0.1:9/callback", NULL);
  g_autoptr(HangarOAuthFlow) flow = hangar_oauth_flow_new (integration);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  HangarAccount *account;

  hangar_account_store_connect_oauth_async (store, "hoauth", flow, "code-HOSTILE-0123456789", NULL,
                                            hangar_test_result_cb, &result);
  hangar_test_wait_result (&result);
  account = hangar_account_store_connect_oauth_finish (store, result, &error);
  g_assert_no_error (error);
  return account;
}

static void
test_echo_accounts (void)
{
  g_autoptr(HangarAccountStore) store = hangar_account_store_new (NULL);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (store);
  g_assert_cmpint (hangar_account_get_status (connect_pat (store)), ==, HANGAR_ACCOUNT_STATUS_ACTIVE);
  g_assert_cmpint (hangar_account_get_status (connect_oauth (store)), ==, HANGAR_ACCOUNT_STATUS_ACTIVE);
  g_assert_true (hangar_account_store_flush (store, &error));
  g_assert_no_error (error);

  /* A token account: the server echoes the PAT. */
  {
    const char *args[] = { "--no-pacing", "-a", "hpat", "bases", NULL };
    g_autoptr(CliRun) run = NULL;

    g_ptr_array_set_size (hostile->echo, 0);
    run = cli_runv (NULL, args);
    g_assert_cmpint (run->status, ==, 1);
    assert_no_spelling (run, PAT_TOKEN);
    g_assert_cmpuint (count_redacted (run->err), >=, 7);
  }
  /* An OAuth account: the access token it sent, and the refresh token and
   * client secret the server knows from the sign-in. */
  {
    const char *args[] = { "--no-pacing", "-a", "hoauth", "bases", NULL };
    g_autoptr(CliRun) run = NULL;

    g_ptr_array_set_size (hostile->echo, 0);
    g_ptr_array_add (hostile->echo, (char *) OAUTH_REFRESH);
    g_ptr_array_add (hostile->echo, (char *) CLIENT_SECRET);
    run = cli_runv (NULL, args);
    g_assert_cmpint (run->status, ==, 1);
    assert_no_spelling (run, OAUTH_ACCESS);
    assert_no_spelling (run, OAUTH_REFRESH);
    assert_no_spelling (run, CLIENT_SECRET);
    g_assert_cmpuint (count_redacted (run->err), >=, 3 * 7);
  }
  /* The human listing of the accounts is clean too. */
  {
    const char *args[] = { "accounts", NULL };
    g_autoptr(CliRun) run = cli_runv (NULL, args);

    g_assert_cmpint (run->status, ==, 0);
    g_assert_nonnull (strstr (run->out, "hoauth"));
    assert_no_spelling (run, OAUTH_ACCESS);
    assert_no_spelling (run, PAT_TOKEN);
  }
  /* An account's token never goes to another URL: refused before sending. */
  {
    g_autoptr(GUri) uri = g_uri_parse (hostile->url, G_URI_FLAGS_NONE, NULL);
    g_autofree char *elsewhere = g_strdup_printf ("http://localhost:%d", g_uri_get_port (uri));
    const char *args[] = { "--api-url", elsewhere, "-a", "hpat", "bases", NULL };
    guint before = hostile->log->len;
    g_autoptr(CliRun) run = cli_runv (NULL, args);

    g_assert_cmpint (run->status, !=, 0);
    g_assert_nonnull (strstr (run->err, "its token is not sent to"));
    g_assert_cmpuint (hostile->log->len, ==, before);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *keyring = NULL;

  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();
  signal (SIGPIPE, SIG_IGN);
  /* The CLI inherits this environment: it finds the same keyring file. */
  keyring = g_build_filename (g_get_user_data_dir (), "keyrings", "test.keyring", NULL);
  g_setenv ("SECRET_BACKEND", "file", TRUE);
  g_setenv ("SECRET_FILE_TEST_PATH", keyring, TRUE);
  g_setenv ("SECRET_FILE_TEST_PASSWORD", "test", TRUE);
  hostile_start ();

  g_test_add_func ("/hangar/cli/hostile/list-never-ends", test_list_never_ends);
  g_test_add_func ("/hangar/cli/hostile/error-escapes", test_error_escapes);
  g_test_add_func ("/hangar/cli/hostile/reason-phrase-escapes", test_reason_phrase_escapes);
  g_test_add_func ("/hangar/cli/hostile/cells", test_cells);
  g_test_add_func ("/hangar/cli/hostile/echo-env-token", test_echo_env_token);
  g_test_add_func ("/hangar/cli/hostile/echo-accounts", test_echo_accounts);

  return g_test_run ();
}
