/* test-cli-accounts.c — hangar-cli accounts / connect / reconnect / disconnect
 * and -a LABEL, as real processes against a real hangar-sandbox.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE 1
#include "../auth/test-auth-common.h"

#include <gio/gio.h>

static GString *all_output;  /* every byte any hangar-cli printed */

static GSubprocess *
cli_spawn (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (char *) HANGAR_CLI_PATH);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  return hangar_test_spawn ((const char * const *) argv->pdata, NULL, FALSE);
}

static HangarTestRun *
cli_finish (GSubprocess *proc)
{
  HangarTestRun *r = hangar_test_finish (proc, NULL);

  g_string_append (all_output, r->out);
  g_string_append (all_output, r->err);
  return r;
}

static HangarTestRun *
cli (const char *first,
     ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  va_list ap;

  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  proc = cli_spawn ((const char * const *) args->pdata);
  return cli_finish (proc);
}

/* The accounts as `hangar-cli accounts --format jsonl` reports them. */
static JsonObject *
cli_account (const char *label)
{
  g_autoptr(HangarTestRun) r = cli ("accounts", "--format", "jsonl", NULL);
  g_auto(GStrv) lines = NULL;

  g_assert_cmpint (r->status, ==, 0);
  lines = g_strsplit (r->out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *obj;

      if (*lines[i] == '\0')
        continue;
      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, NULL));
      obj = json_node_get_object (json_parser_get_root (parser));
      if (g_strcmp0 (json_object_get_string_member (obj, "label"), label) == 0)
        return json_object_ref (obj);
    }
  return NULL;
}

static guint
free_loopback_port (void)
{
  g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_socket_bind (sock, addr, TRUE, &error));
  bound = g_socket_get_local_address (sock, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* A public integration registered with a loopback redirect on a free port. */
static void
register_integration (HangarTestSandbox  *sandbox,
                      char              **out_client_id,
                      char              **out_redirect)
{
  guint port = free_loopback_port ();
  g_autofree char *redirect = g_strdup_printf ("http://127.0.0.1:%u/hangar-test/cb", port);
  g_autofree char *body = g_strdup_printf ("{\"name\":\"cli test %u\",\"redirect_uris\":[\"%s\"]}", port, redirect);
  g_autoptr(JsonNode) reply = NULL;
  guint status = 0;

  reply = hangar_test_sandbox_request (sandbox, "POST", "/__sandbox/integrations", NULL, body, &status);
  g_assert_cmpuint (status, ==, 200);
  *out_client_id = g_strdup (json_object_get_string_member (json_node_get_object (reply), "client_id"));
  *out_redirect = g_steal_pointer (&redirect);
}

/* hangar-cli connect LABEL --oauth --no-browser …; the test plays the
 * browser: opens the printed URL (auto-approve or the consent page as
 * @user_id) and follows the redirect to the CLI's loopback listener. */
typedef void (*Probe) (const char *url);

static HangarTestRun *cli_oauth_args (HangarTestSandbox  *sandbox,
                               const char * const *args,
                               const char         *user_id);
static HangarTestRun *cli_oauth_args_probe (HangarTestSandbox  *sandbox,
                                     const char * const *args,
                                     const char         *user_id,
                                     Probe               probe);

static HangarTestRun *
cli_connect_oauth (HangarTestSandbox *sandbox,
                   const char        *command,
                   const char        *label,
                   const char        *user_id)
{
  g_autofree char *client_id = NULL;
  g_autofree char *redirect = NULL;

  register_integration (sandbox, &client_id, &redirect);
  if (g_str_equal (command, "connect"))
    {
      const char *args[] = { "connect", label, "--oauth", "--api-url", sandbox->url, "--client-id", client_id,
                             "--redirect-uri", redirect, "--no-browser", "--timeout", "60", NULL };
      return cli_oauth_args (sandbox, args, user_id);
    }
  else
    {
      const char *args[] = { "reconnect", label, "--no-browser", "--timeout", "60", NULL };
      return cli_oauth_args (sandbox, args, user_id);
    }
}

/* Runs hangar-cli with @args (a connect that prints the authorization URL)
 * and plays the browser for it. */
static HangarTestRun *
cli_oauth_args (HangarTestSandbox  *sandbox,
                const char * const *args,
                const char         *user_id)
{
  return cli_oauth_args_probe (sandbox, args, user_id, NULL);
}

/* Same, with @probe called with the authorization URL while the CLI waits
 * for the answer. */
static HangarTestRun *
cli_oauth_args_probe (HangarTestSandbox  *sandbox,
                      const char * const *args,
                      const char         *user_id,
                      Probe               probe)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *location = NULL;
  g_autoptr(HangarTestHttp) page = NULL;
  HangarTestRun *r;

  proc = cli_spawn (args);

  /* The first stdout line is the authorization URL. */
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  url = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (url);
  g_string_append_printf (all_output, "%s\n", url);
  g_assert_true (g_str_has_prefix (url, sandbox->url));
  g_assert_nonnull (strstr (url, "code_challenge_method=S256"));
  if (probe != NULL)
    probe (url);

  location = hangar_test_sandbox_consent (sandbox, url, user_id, FALSE);
  page = hangar_test_http ("GET", location, NULL);
  g_assert_cmpuint (page->status, ==, 200);
  g_assert_nonnull (strstr (page->body, "Connected"));

  /* The rest of the output, and the exit status. */
  {
    g_autoptr(GString) rest = g_string_new (NULL);
    char *line;

    while ((line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error)) != NULL)
      {
        g_string_append_printf (rest, "%s\n", line);
        g_free (line);
      }
    g_assert_no_error (error);
    g_subprocess_wait (proc, NULL, &error);
    g_assert_no_error (error);
    r = g_new0 (HangarTestRun, 1);
    r->status = g_subprocess_get_exit_status (proc);
    r->out = g_string_free (g_steal_pointer (&rest), FALSE);
    {
      g_autoptr(GBytes) err = NULL;
      g_autoptr(GInputStream) err_stream = g_object_ref (g_subprocess_get_stderr_pipe (proc));
      g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable ();

      g_output_stream_splice (mem, err_stream, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, NULL);
      err = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
      r->err = g_strndup (g_bytes_get_data (err, NULL), g_bytes_get_size (err));
    }
    g_string_append (all_output, r->out);
    g_string_append (all_output, r->err);
  }
  return r;
}

static void
assert_no_tokens_in_output (HangarAccountStore *store,
                            GPtrArray          *extra)
{
  g_autoptr(HangarTestSecrets) secrets = hangar_test_secrets_new ();

  for (guint i = 0; extra != NULL && i < extra->len; i++)
    hangar_test_secrets_add (secrets, extra->pdata[i]);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
    {
      g_autoptr(HangarAccount) account = g_list_model_get_item (G_LIST_MODEL (store), i);
      g_autoptr(HangarCredentials) creds = ta_load_credentials (store, account);

      hangar_test_secrets_add (secrets, creds->access_token);
      hangar_test_secrets_add (secrets, creds->refresh_token);
    }
  hangar_test_secrets_assert_not_in_text (secrets, "hangar-cli's output", all_output->str);
}

/* ------------------------------------------------------------------------ */

static void
test_pat (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("-q", NULL);
  g_autoptr(HangarTestRun) connect = NULL;
  g_autoptr(HangarTestRun) bases = NULL;
  g_autoptr(HangarTestRun) dup = NULL;
  g_autoptr(HangarTestRun) bad = NULL;
  g_autoptr(HangarTestRun) gone = NULL;
  g_autoptr(HangarTestRun) list = NULL;
  g_autoptr(JsonObject) acc = NULL;
  g_autoptr(GPtrArray) secrets = g_ptr_array_new ();
  const char *uid;

  uid = hangar_test_sandbox_user (sandbox, 0, "id");
  g_setenv ("TEST_PAT", sandbox->pat, TRUE);
  g_ptr_array_add (secrets, sandbox->pat);

  connect = cli ("--api-url", sandbox->url, "connect", "mine", "--pat-env", "TEST_PAT", NULL);
  g_assert_cmpint (connect->status, ==, 0);
  g_assert_nonnull (strstr (connect->out, "Connected “mine”"));
  acc = cli_account ("mine");
  g_assert_nonnull (acc);
  g_assert_cmpstr (json_object_get_string_member (acc, "status"), ==, "active");
  g_assert_cmpstr (json_object_get_string_member (acc, "kind"), ==, "pat");
  g_assert_cmpstr (json_object_get_string_member (acc, "user_id"), ==, uid);

  bases = cli ("-a", "mine", "bases", NULL);
  g_assert_cmpint (bases->status, ==, 0);
  g_assert_nonnull (strstr (bases->out, "\"id\":\"app"));

  /* Same label again, a bad token, an unknown account, a foreign API URL. */
  dup = cli ("--api-url", sandbox->url, "connect", "mine", "--pat-env", "TEST_PAT", NULL);
  g_assert_cmpint (dup->status, ==, 1);
  g_setenv ("TEST_BAD_PAT", "patNOPE.0000", TRUE);
  bad = cli ("--api-url", sandbox->url, "connect", "other", "--pat-env", "TEST_BAD_PAT", NULL);
  g_assert_cmpint (bad->status, ==, 1);
  g_assert_null (cli_account ("other"));
  gone = cli ("-a", "nobody", "bases", NULL);
  g_assert_cmpint (gone->status, ==, 1);
  {
    g_autoptr(HangarTestRun) foreign = cli ("--api-url", "https://elsewhere.example", "-a", "mine", "bases", NULL);
    /* Refused before anything is sent: bad usage. */
    g_assert_cmpint (foreign->status, ==, 2);
    g_assert_nonnull (strstr (foreign->err, "its token is not sent to https://elsewhere.example"));
  }

  /* The human listing has no token either. */
  list = cli ("accounts", NULL);
  g_assert_cmpint (list->status, ==, 0);
  g_assert_nonnull (strstr (list->out, "mine"));
  g_assert_nonnull (strstr (list->out, "active"));

  {
    g_autoptr(HangarTestRun) off = cli ("disconnect", "mine", NULL);
    g_autoptr(HangarAccountStore) store = NULL;

    g_assert_cmpint (off->status, ==, 0);
    g_assert_null (cli_account ("mine"));
    store = hangar_account_store_new (NULL);
    assert_no_tokens_in_output (store, secrets);
  }
}

static void
test_oauth (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--auto-approve", "-q", NULL);
  g_autoptr(HangarTestRun) r = NULL;
  g_autoptr(HangarTestRun) again = NULL;
  g_autoptr(HangarTestRun) bases = NULL;
  g_autoptr(JsonObject) acc = NULL;
  g_autoptr(HangarAccountStore) store = NULL;
  const char *uid;

  uid = hangar_test_sandbox_user (sandbox, 0, "id");
  r = cli_connect_oauth (sandbox, "connect", "oa", NULL);
  g_assert_cmpint (r->status, ==, 0);
  g_assert_nonnull (strstr (r->out, "Connected “oa”"));
  acc = cli_account ("oa");
  g_assert_nonnull (acc);
  g_assert_cmpstr (json_object_get_string_member (acc, "status"), ==, "active");
  g_assert_cmpstr (json_object_get_string_member (acc, "kind"), ==, "oauth");
  g_assert_cmpstr (json_object_get_string_member (acc, "user_id"), ==, uid);
  g_assert_cmpint (json_object_get_int_member (acc, "access_expires_at"), >, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (acc, "scopes")), >, 0);

  bases = cli ("-a", "oa", "bases", "--format", "csv", NULL);
  g_assert_cmpint (bases->status, ==, 0);
  g_assert_true (g_str_has_prefix (bases->out, "id,name,permissionLevel"));

  /* reconnect signs in again with the stored integration. */
  again = cli_connect_oauth (sandbox, "reconnect", "oa", NULL);
  g_assert_cmpint (again->status, ==, 0);

  store = hangar_account_store_new (NULL);
  assert_no_tokens_in_output (store, NULL);
  {
    g_autoptr(HangarTestRun) off = cli ("disconnect", "oa", NULL);
    g_assert_cmpint (off->status, ==, 0);
  }
}

static void
test_two_processes_refresh (void)
{
  g_autoptr(HangarTestSandbox) sandbox =
    hangar_test_sandbox_start ("--auto-approve", "--access-ttl", "4", "--no-rate-limit", "-q", NULL);
  g_autoptr(HangarTestRun) r = NULL;
  g_autoptr(HangarAccountStore) store = NULL;

  r = cli_connect_oauth (sandbox, "connect", "busy", NULL);
  g_assert_cmpint (r->status, ==, 0);

  for (guint round = 0; round < 2; round++)
    {
      gint64 before = hangar_test_sandbox_stat (sandbox, "refreshes");
      const char *args[] = { "-a", "busy", "bases", NULL };
      g_autoptr(GSubprocess) p1 = NULL;
      g_autoptr(GSubprocess) p2 = NULL;
      g_autoptr(HangarTestRun) r1 = NULL;
      g_autoptr(HangarTestRun) r2 = NULL;

      /* Let the access token reach its refresh margin, then two processes
       * need a refresh at the same moment. (They read the real clock: real
       * time is the behaviour here.) */
      g_usleep (3400 * 1000);
      p1 = cli_spawn (args);
      p2 = cli_spawn (args);
      r1 = cli_finish (p1);
      r2 = cli_finish (p2);
      if (r1->status != 0 || r2->status != 0)
        g_error ("round %u: exit %d and %d; stderr: %s | %s", round, r1->status, r2->status, r1->err, r2->err);
      g_test_message ("round %u: %" G_GINT64_FORMAT " refresh(es)", round,
                      hangar_test_sandbox_stat (sandbox, "refreshes") - before);
      g_assert_cmpint (hangar_test_sandbox_stat (sandbox, "refreshes") - before, ==, 1);
    }
  g_assert_cmpint (hangar_test_sandbox_stat (sandbox, "by_status.401"), ==, 0);
  g_assert_cmpint (hangar_test_sandbox_stat (sandbox, "by_status.409"), ==, 0);

  store = hangar_account_store_new (NULL);
  assert_no_tokens_in_output (store, NULL);
  {
    g_autoptr(HangarTestRun) off = cli ("disconnect", "busy", NULL);
    g_assert_cmpint (off->status, ==, 0);
  }
}

static void
test_revoked (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--auto-approve", "--no-rate-limit", "-q", NULL);
  g_autoptr(HangarTestRun) r = NULL;
  g_autoptr(HangarTestRun) fail1 = NULL;
  g_autoptr(HangarTestRun) fail2 = NULL;
  g_autoptr(JsonObject) acc = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *user_stat = NULL;
  g_autofree char *body = NULL;
  const char *uid;
  gint64 before;

  uid = hangar_test_sandbox_user (sandbox, 0, "id");
  user_stat = g_strdup_printf ("by_user.%s", uid);
  r = cli_connect_oauth (sandbox, "connect", "rv", NULL);
  g_assert_cmpint (r->status, ==, 0);

  body = g_strdup_printf ("{\"user\":\"%s\"}", uid);
  reply = hangar_test_sandbox_request (sandbox, "POST", "/__sandbox/revoke", NULL, body, NULL);
  before = hangar_test_sandbox_stat (sandbox, user_stat);
  fail1 = cli ("-a", "rv", "bases", NULL);
  g_assert_cmpint (fail1->status, ==, 1);
  g_assert_cmpint (hangar_test_sandbox_stat (sandbox, user_stat) - before, <=, 1);
  acc = cli_account ("rv");
  g_assert_cmpstr (json_object_get_string_member (acc, "status"), ==, "revoked");
  g_assert_nonnull (json_object_get_string_member (acc, "reason"));

  /* The next process knows from the metadata and sends nothing. */
  before = hangar_test_sandbox_stat (sandbox, user_stat);
  fail2 = cli ("-a", "rv", "bases", NULL);
  g_assert_cmpint (fail2->status, ==, 1);
  g_assert_nonnull (strstr (fail2->err, "revoked"));
  g_assert_nonnull (strstr (fail2->err, "reconnect"));
  g_assert_cmpint (hangar_test_sandbox_stat (sandbox, user_stat), ==, before);
  {
    g_autoptr(HangarTestRun) off = cli ("disconnect", "rv", NULL);
    g_assert_cmpint (off->status, ==, 0);
  }
}

/* One raw HTTP/1.1 GET to @address:@port with @host as Host header;
 * returns the status code, or 0 when the connection is refused. */
static guint
raw_get (const char *address,
         guint       port,
         const char *host,
         const char *path)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *request = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n",
                                              path, host);
  char buf[64] = { 0 };
  gsize got = 0;
  guint status = 0;

  conn = g_socket_client_connect_to_host (client, address, port, NULL, &error);
  if (conn == NULL)
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
      return 0;
    }
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)),
                                            request, strlen (request), NULL, NULL, &error));
  g_assert_true (g_input_stream_read_all (g_io_stream_get_input_stream (G_IO_STREAM (conn)),
                                          buf, sizeof buf - 1, &got, NULL, &error));
  g_assert_true (g_str_has_prefix (buf, "HTTP/1.1 "));
  status = (guint) g_ascii_strtoull (buf + 9, NULL, 10);
  return status;
}

/* While hangar-cli waits on its loopback redirect URI: only 127.0.0.1,
 * only GET on the exact path with the right Host, only our state. */
static void
probe_listener (const char *url)
{
  g_autoptr(GUri) authorize = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  g_autoptr(GHashTable) params = g_uri_parse_params (g_uri_get_query (authorize), -1, "&",
                                                     G_URI_PARAMS_WWW_FORM, NULL);
  g_autoptr(GUri) redirect = g_uri_parse (g_hash_table_lookup (params, "redirect_uri"), G_URI_FLAGS_ENCODED, NULL);
  guint port = (guint) g_uri_get_port (redirect);
  const char *path = g_uri_get_path (redirect);
  g_autofree char *good_host = g_strdup_printf ("127.0.0.1:%u", port);
  g_autofree char *base = g_strdup_printf ("http://127.0.0.1:%u", port);
  g_autofree char *other = g_strconcat (base, path, "/more?code=x&state=y", NULL);
  g_autofree char *forged = g_strconcat (path, "?code=forged&state=not-ours", NULL);
  g_autofree char *right = g_strconcat (base, path, NULL);

  /* Another loopback address is not listened on (0.0.0.0 would be). */
  g_assert_cmpuint (raw_get ("127.0.0.2", port, good_host, path), ==, 0);
  {
    g_autoptr(HangarTestHttp) r = hangar_test_http ("GET", other, NULL);
    g_assert_cmpuint (r->status, ==, 404);
  }
  {
    g_autoptr(HangarTestHttp) r = hangar_test_http ("POST", other, "code=x&state=y");
    g_assert_cmpuint (r->status, ==, 404);
  }
  {
    g_autoptr(HangarTestHttp) r = hangar_test_http ("POST", right, "code=x&state=y");
    g_assert_cmpuint (r->status, ==, 405);
  }
  /* A page of another site pointed at our port (DNS rebinding). */
  g_assert_cmpuint (raw_get ("127.0.0.1", port, "evil.example", forged), ==, 404);
  /* A forged answer is refused, and the real one is still awaited. */
  g_assert_cmpuint (raw_get ("127.0.0.1", port, good_host, forged), ==, 400);
}

static void
test_listener (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--auto-approve", "-q", NULL);
  g_autofree char *client_id = NULL;
  g_autofree char *redirect = NULL;
  g_autoptr(HangarTestRun) r = NULL;

  register_integration (sandbox, &client_id, &redirect);
  {
    const char *args[] = { "connect", "probed", "--oauth", "--api-url", sandbox->url, "--client-id", client_id,
                           "--redirect-uri", redirect, "--no-browser", "--timeout", "60", NULL };
    r = cli_oauth_args_probe (sandbox, args, NULL, probe_listener);
  }
  g_assert_cmpint (r->status, ==, 0);
  g_assert_nonnull (strstr (r->out, "Connected “probed”"));
  {
    g_autoptr(HangarTestRun) off = cli ("disconnect", "probed", NULL);
    g_assert_cmpint (off->status, ==, 0);
  }
}

/* connect --save-integration once, then connect another user's account
 * with --integration NAME; list and forget the saved integration. */
static void
test_integration (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--no-rate-limit", "-q", NULL);
  g_autofree char *client_id = NULL;
  g_autofree char *redirect = NULL;
  g_autoptr(HangarTestRun) first = NULL;
  g_autoptr(HangarTestRun) second = NULL;
  g_autoptr(HangarTestRun) listed = NULL;
  g_autoptr(HangarTestRun) mixed = NULL;
  g_autoptr(HangarTestRun) forgot = NULL;
  g_autoptr(HangarTestRun) empty = NULL;
  g_autoptr(HangarTestRun) gone = NULL;
  g_autoptr(HangarTestRun) bases = NULL;
  g_autoptr(JsonObject) acc1 = NULL;
  g_autoptr(JsonObject) acc2 = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(HangarAccountStore) store = NULL;
  JsonObject *obj;
  const char *uid1, *uid2;

  uid1 = hangar_test_sandbox_user (sandbox, 0, "id");
  uid2 = hangar_test_sandbox_user (sandbox, 1, "id");
  register_integration (sandbox, &client_id, &redirect);
  {
    const char *args[] = { "connect", "team-1", "--oauth", "--api-url", sandbox->url, "--client-id", client_id,
                           "--redirect-uri", redirect, "--scope", "data.records:read", "--scope", "schema.bases:read",
                           "--save-integration", "team", "--no-browser", "--timeout", "60", NULL };
    first = cli_oauth_args (sandbox, args, NULL);
  }
  g_assert_cmpint (first->status, ==, 0);
  g_assert_nonnull (strstr (first->out, "Saved the integration as “team”"));

  listed = cli ("accounts", "--integrations", "--format", "jsonl", NULL);
  g_assert_cmpint (listed->status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, listed->out, -1, NULL));
  obj = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (obj, "name"), ==, "team");
  g_assert_cmpstr (json_object_get_string_member (obj, "client_id"), ==, client_id);
  g_assert_cmpstr (json_object_get_string_member (obj, "redirect_uri"), ==, redirect);
  g_assert_false (json_object_get_boolean_member (obj, "client_secret_stored"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj, "scopes")), ==, 2);

  /* Settings come from the saved integration only. */
  mixed = cli ("connect", "x", "--integration", "team", "--client-id", "other", NULL);
  g_assert_cmpint (mixed->status, ==, 2);

  {
    const char *args[] = { "connect", "team-2", "--integration", "team", "--no-browser", "--timeout", "60", NULL };
    second = cli_oauth_args (sandbox, args, uid2);
  }
  g_assert_cmpint (second->status, ==, 0);
  acc1 = cli_account ("team-1");
  acc2 = cli_account ("team-2");
  g_assert_cmpstr (json_object_get_string_member (acc1, "user_id"), ==, uid1);
  g_assert_cmpstr (json_object_get_string_member (acc2, "user_id"), ==, uid2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (acc2, "scopes")), ==, 2);

  /* Forgetting the integration leaves its accounts working. */
  forgot = cli ("disconnect", "--integration", "team", NULL);
  g_assert_cmpint (forgot->status, ==, 0);
  empty = cli ("accounts", "--integrations", "--format", "jsonl", NULL);
  g_assert_cmpint (empty->status, ==, 0);
  g_assert_cmpstr (empty->out, ==, "");
  gone = cli ("connect", "team-3", "--integration", "team", "--no-browser", NULL);
  g_assert_cmpint (gone->status, ==, 1);
  bases = cli ("-a", "team-2", "bases", NULL);
  g_assert_cmpint (bases->status, ==, 0);

  store = hangar_account_store_new (NULL);
  assert_no_tokens_in_output (store, NULL);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(HangarTestRun) off = cli ("disconnect", i == 0 ? "team-1" : "team-2", NULL);
      g_assert_cmpint (off->status, ==, 0);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  ta_init_environment ();
  all_output = g_string_new (NULL);

  g_test_add_func ("/hangar/cli/accounts/pat", test_pat);
  g_test_add_func ("/hangar/cli/accounts/oauth", test_oauth);
  g_test_add_func ("/hangar/cli/accounts/two-processes-refresh", test_two_processes_refresh);
  g_test_add_func ("/hangar/cli/accounts/revoked", test_revoked);
  g_test_add_func ("/hangar/cli/accounts/integration", test_integration);
  g_test_add_func ("/hangar/cli/accounts/listener", test_listener);

  return g_test_run ();
}
