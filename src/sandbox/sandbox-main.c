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

  if (quiet && (level & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG)) != 0)
    return G_LOG_WRITER_HANDLED;
  if ((level & G_LOG_LEVEL_DEBUG) != 0 && g_getenv ("G_MESSAGES_DEBUG") == NULL)
    return G_LOG_WRITER_HANDLED;
  /* everything to stderr: stdout carries only the one JSON line */
  line = g_log_writer_format_fields (level, fields, n_fields, FALSE);
  fprintf (stderr, "%s\n", line);
  return G_LOG_WRITER_HANDLED;
}

static void
request_log_cb (SoupServer        *server,
                SoupServerMessage *msg,
                gpointer           data)
{
  /* method, path and status only: queries and headers may carry secrets */
  GUri *uri = soup_server_message_get_uri (msg);

  if (!quiet)
    g_printerr ("hangar-sandbox: %s %s → %u\n", soup_server_message_get_method (msg),
                uri != NULL ? g_uri_get_path (uri) : "(bad request line)", soup_server_message_get_status (msg));
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
    "Serves the Airtable Web API (records, meta, whoami) and OAuth 2.0 on 127.0.0.1,\n"
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

  server = sandbox_server_new (&config, &error);
  if (server == NULL)
    {
      g_printerr ("hangar-sandbox: %s\n", error->message);
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

  line = sandbox_server_startup_line (server);
  fputs (line, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
  if (!quiet)
    g_printerr ("hangar-sandbox: listening on %s\n", server->url);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_main_loop_run (loop);

  sandbox_server_flush (server);
  sandbox_server_free (server);
  return 0;
}
