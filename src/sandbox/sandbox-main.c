/* sandbox-main.c — hangar-sandbox's command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <signal.h>
#include <unistd.h>

#include "sandbox-private.h"

static gboolean quiet;

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static GLogWriterOutput
log_writer (GLogLevelFlags   level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         data)
{
  g_autofree char *line = NULL;
  g_autofree char *safe = NULL;

  if (quiet && (level & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG)) != 0)
    return G_LOG_WRITER_HANDLED;
  if ((level & G_LOG_LEVEL_DEBUG) != 0 && g_getenv ("G_MESSAGES_DEBUG") == NULL)
    return G_LOG_WRITER_HANDLED;
  /* everything to stderr: stdout carries only the one JSON line */
  line = g_log_writer_format_fields (level, fields, n_fields, FALSE);
  safe = sandbox_log_escape (line);
  fprintf (stderr, "%s\n", safe);
  return G_LOG_WRITER_HANDLED;
}

static void
request_log_cb (SoupServer        *server,
                SoupServerMessage *msg,
                gpointer           data)
{
  /* method, path and status only: queries and headers may carry secrets.
   * The path arrives percent-decoded, so it is escaped: a %0d%0a in a URL
   * must not start a line of its own. */
  GUri *uri = soup_server_message_get_uri (msg);
  g_autofree char *method = NULL;
  g_autofree char *path = NULL;

  if (quiet)
    return;
  method = sandbox_log_escape (soup_server_message_get_method (msg));
  path = uri != NULL ? sandbox_log_escape (g_uri_get_path (uri)) : g_strdup ("(bad request line)");
  g_printerr ("hangar-sandbox: %s %s → %u\n", method, path, soup_server_message_get_status (msg));
}

/* "MS" or "MS:JITTER_MS", each 0..600000 */
static gboolean
parse_latency (const char *text,
               guint      *out_ms,
               guint      *out_jitter)
{
  g_auto(GStrv) parts = g_strsplit (text, ":", -1);
  guint64 values[2] = { 0, 0 };
  guint n = g_strv_length (parts);

  if (n < 1 || n > 2)
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (!g_ascii_string_to_unsigned (parts[i], 10, 0, 600000, &values[i], NULL))
      return FALSE;
  *out_ms = (guint) values[0];
  *out_jitter = (guint) values[1];
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  int port = 0;
  g_autofree char *state_dir = NULL;
  gboolean auto_approve = FALSE;
  gboolean auto_deny = FALSE;
  gboolean no_rate_limit = FALSE;
  gint64 access_ttl = 3600;
  gint64 refresh_ttl = 5184000;
  gint64 code_ttl = 600;
  gint64 refresh_grace_ms = 2000;
  double penalty = 30;
  double iterator_ttl = 300;
  g_auto(GStrv) redirect_uris = NULL;
  g_auto(GStrv) generate = NULL;
  g_autofree char *latency = NULL;
  guint latency_ms = 0;
  guint latency_jitter_ms = 0;
  GOptionEntry entries[] = {
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port on 127.0.0.1 (0 = pick a free one; default 0)", "N" },
    { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &state_dir, "Keep users, bases, records, tokens and grants in DIR across restarts (default: memory only)", "DIR" },
    { "auto-approve", 0, 0, G_OPTION_ARG_NONE, &auto_approve, "Skip the OAuth consent page: grant every base of the default user", NULL },
    { "auto-deny", 0, 0, G_OPTION_ARG_NONE, &auto_deny, "Skip the OAuth consent page: answer every valid authorize request with access_denied (wins over --auto-approve)", NULL },
    { "no-rate-limit", 0, 0, G_OPTION_ARG_NONE, &no_rate_limit, "Turn off the 5 req/s per base and 50 req/s per token limits", NULL },
    { "access-ttl", 0, 0, G_OPTION_ARG_INT64, &access_ttl, "OAuth access token lifetime in seconds (default 3600)", "S" },
    { "refresh-ttl", 0, 0, G_OPTION_ARG_INT64, &refresh_ttl, "OAuth refresh token lifetime in seconds (default 5184000 = 60 days)", "S" },
    { "code-ttl", 0, 0, G_OPTION_ARG_INT64, &code_ttl, "OAuth authorization code lifetime in seconds (default 600)", "S" },
    { "refresh-grace-ms", 0, 0, G_OPTION_ARG_INT64, &refresh_grace_ms, "Milliseconds after a refresh during which presenting the old refresh token again gets 409 instead of revoking the grant (default 2000)", "MS" },
    { "penalty", 0, 0, G_OPTION_ARG_DOUBLE, &penalty, "Seconds every request fails with 429 after a rate limit is exceeded (default 30; fractions allowed)", "S" },
    { "iterator-ttl", 0, 0, G_OPTION_ARG_DOUBLE, &iterator_ttl, "Idle seconds after which a list-records offset expires (default 300; fractions allowed)", "S" },
    { "redirect-uri", 0, 0, G_OPTION_ARG_STRING_ARRAY, &redirect_uris, "Also register URI for the public demo integration (repeatable); " SANDBOX_DEFAULT_REDIRECT " is always registered", "URI" },
    { "generate", 0, 0, G_OPTION_ARG_STRING_ARRAY, &generate, "Add a base NAME (table \"Records\") with N generated records, e.g. Big:200000 (repeatable)", "NAME:N" },
    { "latency", 0, 0, G_OPTION_ARG_STRING, &latency, "Hold every API and OAuth answer MS milliseconds, plus a random 0..JITTER_MS, without blocking other requests (default 0)", "MS[:JITTER_MS]" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Log only warnings and errors to stderr", NULL },
    { NULL },
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *line = NULL;
  SandboxConfig config = { 0 };
  SandboxServer *server;

  setlocale (LC_ALL, "");
  /* Under the test suite (which sets HANGAR_SANDBOX), die with the test
   * process: a failed assertion must not leave a server holding meson's
   * output pipes open. */
  if (g_getenv ("HANGAR_SANDBOX") != NULL)
    {
      prctl (PR_SET_PDEATHSIG, SIGTERM);
      if (getppid () == 1)
        return 1;
    }
  context = g_option_context_new ("— a local, Airtable-compatible server for Hangar");
  g_option_context_set_summary (context,
    "Serves the Airtable Web API (records, meta, whoami, webhooks) and OAuth 2.0 on 127.0.0.1,\n"
    "with demo bases, rate limits and a control API under /__sandbox/ for tests.\n"
    "On start it prints one JSON line on stdout: url, pat, client_id, redirect_uri,\n"
    "user_id, email, confidential_client_id, confidential_client_secret, users.");
  g_option_context_set_description (context,
    "Control API (no authentication, loopback only):\n"
    "  GET  /__sandbox/stats            counters: requests, refreshes, token_requests, by_status, by_user\n"
    "  POST /__sandbox/reset-stats      zero the counters\n"
    "  GET  /__sandbox/users            users, their PATs and bases\n"
    "  POST /__sandbox/pats             {\"user\"?, \"scopes\"?: [...]} → {\"token\"}\n"
    "  POST /__sandbox/revoke           {\"user\"?} revoke the user's OAuth grants (default: demo user)\n"
    "  POST /__sandbox/remove-base      {\"user\"?, \"base\": \"app…\"} remove a base from the user's grants\n"
    "  POST /__sandbox/expire-tokens    {\"user\"?} expire OAuth access tokens now\n"
    "  POST /__sandbox/integrations     {\"name\", \"redirect_uris\": [...], \"secret\"?: bool} → {\"client_id\", \"client_secret\"?}\n"
    "  POST /__sandbox/faults           {\"count\": N, \"status\"?, \"retry_after\"?, \"delay_ms\"?, \"drop\"?, \"malformed\"?, \"path_prefix\"?, \"method\"?}\n"
    "  POST /__sandbox/clear-faults     forget pending faults\n"
    "  POST /__sandbox/reset-rate-limits  forget rate-limit windows and penalties\n"
    "  GET  /__sandbox/latency          the latency in force; POST {\"ms\"?, \"jitter_ms\"?, \"release\"?: true} changes it\n"
    "  POST /__sandbox/share            {\"base\", \"user\", \"permission\"} a user's access to a base\n"
    "  POST /__sandbox/edit             {\"base\", \"table\", \"source\"?, …, \"create\"|\"update\"|\"delete\"} a change as the app would make it\n"
    "  POST /__sandbox/schema           {\"base\", \"table\", \"action\": \"delete-field\"|\"delete-table\"|\"retype-field\",\n"
    "                                   \"field\"?, \"type\"?, \"options\"?}\n"
    "  GET  /__sandbox/webhooks         every webhook; POST webhooks/clock {\"advance_ms\"}, webhooks/expire {\"webhook\"},\n"
    "                                   webhooks/drop-payloads {\"webhook\"?}, webhooks/settings {\"retry_base_ms\"}\n"
    "See src/sandbox/README.md for details.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("hangar-sandbox: %s\n", error->message);
      return 2;
    }
  if (port < 0 || port > 65535 || access_ttl < 1 || refresh_ttl < 1
      || code_ttl < 1 || refresh_grace_ms < 1 || penalty < 0 || iterator_ttl <= 0)
    {
      g_printerr ("hangar-sandbox: a numeric option is out of range\n");
      return 2;
    }
  if (latency != NULL && !parse_latency (latency, &latency_ms, &latency_jitter_ms))
    {
      g_printerr ("hangar-sandbox: --latency takes MS or MS:JITTER_MS, each from 0 to 600000\n");
      return 2;
    }

  g_log_set_writer_func (log_writer, NULL, NULL);

  config.port = (guint) port;
  config.state_dir = state_dir;
  config.auto_approve = auto_approve;
  config.rate_limit = !no_rate_limit;
  config.access_ttl_s = access_ttl;
  config.refresh_ttl_s = refresh_ttl;
  config.code_ttl_s = code_ttl;
  config.refresh_grace_ms = refresh_grace_ms;
  config.auto_deny = auto_deny;
  config.penalty_s = penalty;
  config.iterator_ttl_s = iterator_ttl;
  config.redirect_uris = redirect_uris;
  config.generate = generate;
  config.quiet = quiet;
  config.latency_ms = latency_ms;
  config.latency_jitter_ms = latency_jitter_ms;

  server = sandbox_server_new (&config, &error);
  if (server == NULL)
    {
      /* may quote a state file's content */
      g_autofree char *safe = sandbox_log_escape (error->message);

      g_printerr ("hangar-sandbox: %s\n", safe);
      return 1;
    }
  if (!sandbox_server_start (server, &error))
    {
      g_printerr ("hangar-sandbox: cannot listen: %s\n", error->message);
      sandbox_server_free (server);
      return 1;
    }
  g_signal_connect (server->soup, "request-finished", G_CALLBACK (request_log_cb), NULL);
  g_signal_connect (server->soup, "request-aborted", G_CALLBACK (request_log_cb), NULL);

  /* the handlers go in before the line is printed: whoever reads the line
   * may stop the server at once, and that must still save the state */
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_unix_signal_add (SIGINT, quit_cb, loop);

  line = sandbox_server_startup_line (server);
  fputs (line, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
  if (!quiet)
    g_printerr ("hangar-sandbox: listening on %s\n", server->url);

  g_main_loop_run (loop);

  sandbox_server_flush (server);
  sandbox_server_free (server);
  return 0;
}
