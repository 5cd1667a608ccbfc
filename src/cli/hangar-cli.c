/* hangar-cli.c — hangar-cli: main, global options, dispatch, shared helpers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "hangar-auth-error.h"
#include "hangar-cli.h"
#include "hangar-request-log.h"

#define DEFAULT_TOKEN_ENV "AIRTABLE_TOKEN"

static const char usage_text[] =
  "Usage: hangar-cli [OPTION…] COMMAND [ARG…]\n"
  "       hangar-cli help [COMMAND [SUBCOMMAND]]   (the options of one command)\n"
  "\n"
  "Data commands (the token: --token-env VAR, default " DEFAULT_TOKEN_ENV ", or -a A):\n"
  "  bases [--format jsonl|csv]                 list the bases the token can use\n"
  "  schema BASE [--compact]                    tables, fields and views as JSON\n"
  "  schema create-table BASE NAME -f|--field NAME:TYPE[:OPTIONS-JSON]…\n"
  "               [--description D] [--pretty]\n"
  "  schema create-field BASE TABLE NAME TYPE [-o|--options JSON]\n"
  "               [--description D] [--pretty]\n"
  "  schema update-table BASE TABLE [-n|--name N] [--description D] [--pretty]\n"
  "  schema update-field BASE TABLE FIELD [-n|--name N] [--description D]\n"
  "               [--formula F | -o|--options JSON] [--pretty]\n"
  "               checked against Airtable's rules before anything is written;\n"
  "               the new or changed table or field as a JSON line\n"
  "  records list BASE TABLE [--formula F] [--where FIELD=VALUE]…\n"
  "               [--sort FIELD | --sort -FIELD]… [--field F]… [--view V]\n"
  "               [--max N] [--page-size N] [--partitions N] [--format jsonl|csv]\n"
  "               [--no-formula-guard]   (CSV: see README, \"CSV files\")\n"
  "  records get BASE TABLE RECORD\n"
  "  records create|update|replace|upsert BASE TABLE [--merge-on FIELD]…\n"
  "               [--typecast] [--continue-on-error]\n"
  "               JSON lines on stdin: a fields object (create, upsert) or\n"
  "               {\"id\":…,\"fields\":…} (update, replace); results as JSON lines\n"
  "  records delete BASE TABLE RECORD…\n"
  "  records import BASE TABLE FILE.csv [--merge-on FIELD]… [--typecast]\n"
  "               [--map COLUMN=FIELD]… [--skip COLUMN]… [--failed-csv PATH]\n"
  "               [--restart] [--no-resume] [--deadline S]\n"
  "               rows that fail go to FILE-failed.csv with the reason; an\n"
  "               interrupted import resumes when run again (see README)\n"
  "  request METHOD PATH [-p|--param K=V]… [-d|--data JSON|-] [--compact]\n"
  "  webhooks list BASE                         the base's webhooks (JSON lines)\n"
  "  webhooks create BASE [--spec JSON | --data-type TYPE…] [--scope ID]\n"
  "               [--notification-url URL]    prints id, macSecretBase64, expirationTime\n"
  "  webhooks delete BASE WEBHOOK…\n"
  "  webhooks refresh BASE WEBHOOK              keep it alive seven more days\n"
  "  webhooks payloads BASE WEBHOOK [--cursor N] [--limit N] [--all]\n"
  "               pages of payloads: {\"payloads\", \"cursor\", \"mightHaveMore\"}\n"
  "  comments list BASE TABLE RECORD [--page-size N] [--max N]\n"
  "               a record's comments, newest first, as JSON lines\n"
  "  comments add BASE TABLE RECORD TEXT [--parent COMMENT]\n"
  "  comments edit BASE TABLE RECORD COMMENT TEXT\n"
  "  comments delete BASE TABLE RECORD COMMENT\n"
  "               TEXT - reads stdin; mention people as @[usr…]\n"
  "  log [-a ACCOUNT] [--errors] [--since T] [--base BASE] [--limit N]\n"
  "               [--format text|jsonl]\n"
  "               the requests made for connected accounts (by the app, the\n"
  "               CLI and the MCP server), oldest first; T: 2026-05-01,\n"
  "               2026-05-01T09:30, or 30s, 15m, 2h, 7d ago\n"
  "\n"
  "For agents (the Model Context Protocol on stdin/stdout, through connected accounts only):\n"
  "  mcp [-a ACCOUNT]… [--read-only]\n"
  "\n"
  "Account commands (tokens and client secrets are kept in the keyring):\n"
  "  accounts [--format text|jsonl] [--integrations]\n"
  "               list the connected accounts, or the saved OAuth integrations\n"
  "               (never their tokens or secrets)\n"
  "  connect LABEL --pat-env VAR [--api-url URL]\n"
  "               connect with the personal access token in variable VAR\n"
  "  connect LABEL --oauth [--client-id ID] [--client-secret-env VAR]\n"
  "               [--redirect-uri URI] [--scope SCOPE]… [--api-url URL]\n"
  "               [--oauth-url URL] [--no-browser] [--timeout S]\n"
  "               [--save-integration NAME]\n"
  "               sign in in the browser with your own OAuth integration\n"
  "               (client id default: $HANGAR_OAUTH_CLIENT_ID; the defaults of\n"
  "               the others: hangar-cli help connect)\n"
  "  connect LABEL --integration NAME [--scope SCOPE]… [--no-browser]\n"
  "               [--timeout S]\n"
  "               sign in with a saved OAuth integration (implies --oauth)\n"
  "  reconnect LABEL [--pat-env VAR] [--scope SCOPE]… [--no-browser]\n"
  "               [--timeout S]\n"
  "               sign in again (a token account needs --pat-env VAR)\n"
  "  disconnect LABEL                           forget an account and its tokens\n"
  "  disconnect --integration NAME              forget a saved OAuth integration\n"
  "\n"
  "Options:\n"
  "  --api-url URL    API base URL (default " HANGAR_DEFAULT_API_URL "); https,\n"
  "                   or plain http only for 127.0.0.1, ::1 and localhost\n"
  "  --token-env VAR  read the token from environment variable VAR\n"
  "                   (default " DEFAULT_TOKEN_ENV "); it is never printed\n"
  "  -a, --account A  use the connected account labelled A\n"
  "  --no-pacing      do not pace requests (5/s per base); for local servers\n"
  "  -h, --help       show this text\n"
  "  --version        show the version\n"
  "\n"
  "Input: JSON lines or --data of at most 2 MB, nested at most 128 levels.\n"
  "\n"
  "Exit status: 0 success, 1 error, 2 bad usage or input (nothing sent),\n"
  "3 a batch write stopped part way (see stderr for what was written), or an\n"
  "import wrote some rows and not others.\n";

int
hangar_cli_fail (int         status,
                 const char *format,
                 ...)
{
  g_autofree char *message = NULL;
  g_autofree char *clean = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  /* Server text may be in it: no secret in any spelling, no control
   * character (a server must not retitle or recolour the terminal, nor
   * forge a line of ours), and one line. */
  clean = hangar_redact_for_terminal (message, FALSE);
  fflush (stdout);
  fprintf (stderr, "hangar-cli: %s\n", clean);
  return status;
}

gboolean
hangar_cli_check_ids (const char *first_what,
                      ...)
{
  va_list args;
  gboolean ok = TRUE;

  va_start (args, first_what);
  for (const char *what = first_what; what != NULL && ok; what = va_arg (args, const char *))
    {
      const char *value = va_arg (args, const char *);
      g_autoptr(GError) error = NULL;

      if (!hangar_check_path_segment (what, value, &error))
        {
          hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "%s; nothing was sent", error->message);
          ok = FALSE;
        }
    }
  va_end (args);
  return ok;
}

void
hangar_cli_print_line (const char *format,
                       ...)
{
  g_autofree char *line = NULL;
  g_autofree char *clean = NULL;
  va_list args;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);

  clean = hangar_redact_for_terminal (line, FALSE);
  fputs (clean, stdout);
  fputc ('\n', stdout);
}

/**
 * hangar_cli_report_error:
 *
 * One line on stderr: `hangar-cli: TYPE: message` for errors the API
 * answered (Airtable's type and message), `hangar-cli: message` otherwise.
 * Returns 2 for what was refused before anything was sent (a bad id, name
 * or URL, bad settings), 1 otherwise.
 */
int
hangar_cli_report_error (const GError *error)
{
  const char *type = NULL;
  const char *server_message = NULL;

  if (g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_ARGUMENT) ||
      g_error_matches (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_SETTINGS))
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "%s; nothing was sent", error->message);

  if (error->domain == HANGAR_API_ERROR)
    {
      type = hangar_api_error_get_server_type (error);
      server_message = hangar_api_error_get_server_message (error);
    }

  if (type != NULL && server_message != NULL && server_message[0] != '\0')
    return hangar_cli_fail (HANGAR_CLI_EXIT_ERROR, "%s: %s", type, server_message);
  if (type != NULL && strstr (error->message, type) == NULL)
    return hangar_cli_fail (HANGAR_CLI_EXIT_ERROR, "%s: %s", type, error->message);
  /* A 401 that the token source turned into its own error. */
  if (type == NULL && g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_AUTHENTICATION_REQUIRED))
    return hangar_cli_fail (HANGAR_CLI_EXIT_ERROR, "AUTHENTICATION_REQUIRED: %s", error->message);
  if (error->domain == HANGAR_API_ERROR && error->code == HANGAR_API_ERROR_NETWORK)
    return hangar_cli_fail (HANGAR_CLI_EXIT_ERROR, "network error: %s", error->message);
  return hangar_cli_fail (HANGAR_CLI_EXIT_ERROR, "%s", error->message);
}

void
hangar_cli_wait_callback (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

GAsyncResult *
hangar_cli_wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
print_json (JsonNode *node,
            gboolean  pretty)
{
  GString *out = g_string_new (NULL);

  /* The shortest text that reads back as the same number (json-glib 1.6
   * writes 0.4 as 0.40000000000000002), every control character escaped. */
  hangar_json_append (out, node, pretty ? 2 : -1);
  g_string_append_c (out, '\n');
  fwrite (out->str, 1, out->len, stdout);
  g_string_free (out, TRUE);
}

void
hangar_cli_print_json_line (JsonNode *node)
{
  print_json (node, FALSE);
}

void
hangar_cli_print_json_pretty (JsonNode *node)
{
  print_json (node, TRUE);
}

JsonNode *
hangar_cli_parse_json (const char   *text,
                       gsize         length,
                       char       ***out_notes,
                       GError      **error)
{
  return hangar_json_parse (text, length, HANGAR_CLI_MAX_INPUT_BYTES, out_notes, error);
}

/* Reading stdin ----------------------------------------------------------- */

#define READ_CHUNK (64 * 1024)

struct _HangarCliLineReader
{
  int      fd;
  gsize    max_line;
  guint8  *chunk;
  gsize    chunk_len;
  gsize    chunk_pos;
  gboolean eof;
};

HangarCliLineReader *
hangar_cli_line_reader_new (int   fd,
                            gsize max_line)
{
  HangarCliLineReader *self = g_new0 (HangarCliLineReader, 1);

  self->fd = fd;
  self->max_line = max_line;
  self->chunk = g_malloc (READ_CHUNK);
  return self;
}

void
hangar_cli_line_reader_free (HangarCliLineReader *self)
{
  if (self == NULL)
    return;
  g_free (self->chunk);
  g_free (self);
}

/* Refills the chunk; FALSE at the end of the input or on an error. */
static gboolean
fill_chunk (HangarCliLineReader  *self,
            GError              **error)
{
  ssize_t n;

  if (self->eof)
    return FALSE;
  do
    n = read (self->fd, self->chunk, READ_CHUNK);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), "%s", g_strerror (errsv));
      self->eof = TRUE;
      return FALSE;
    }
  if (n == 0)
    {
      self->eof = TRUE;
      return FALSE;
    }
  self->chunk_len = (gsize) n;
  self->chunk_pos = 0;
  return TRUE;
}

gboolean
hangar_cli_line_reader_next (HangarCliLineReader  *self,
                             GString              *line,
                             gboolean             *too_long,
                             GError              **error)
{
  gboolean any = FALSE;

  g_string_truncate (line, 0);
  *too_long = FALSE;

  for (;;)
    {
      const guint8 *start, *newline;
      gsize avail;

      if (self->chunk_pos >= self->chunk_len)
        {
          GError *local_error = NULL;

          if (!fill_chunk (self, &local_error))
            {
              if (local_error != NULL)
                {
                  g_propagate_error (error, local_error);
                  return FALSE;
                }
              break;
            }
        }
      any = TRUE;
      start = self->chunk + self->chunk_pos;
      avail = self->chunk_len - self->chunk_pos;
      newline = memchr (start, '\n', avail);
      if (newline != NULL)
        avail = newline - start;
      /* Past the limit the rest of the line is read and dropped, never
       * kept: memory stays bounded whatever the input. */
      if (!*too_long && line->len + avail > self->max_line + 1)
        {
          *too_long = TRUE;
          g_string_truncate (line, 0);
        }
      if (!*too_long)
        g_string_append_len (line, (const char *) start, avail);
      self->chunk_pos += avail;
      if (newline != NULL)
        {
          self->chunk_pos++;
          break;
        }
    }

  if (!any)
    return FALSE;
  /* A CRLF line end counts as one. */
  if (line->len > 0 && line->str[line->len - 1] == '\r')
    g_string_truncate (line, line->len - 1);
  if (!*too_long && line->len > self->max_line)
    {
      *too_long = TRUE;
      g_string_truncate (line, 0);
    }
  return TRUE;
}

char *
hangar_cli_read_stdin (gsize    max_bytes,
                       gsize   *out_length,
                       GError **error)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree guint8 *chunk = g_malloc (READ_CHUNK);

  for (;;)
    {
      ssize_t n;

      do
        n = read (STDIN_FILENO, chunk, READ_CHUNK);
      while (n < 0 && errno == EINTR);
      if (n < 0)
        {
          int errsv = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), "%s", g_strerror (errsv));
          return NULL;
        }
      if (n == 0)
        break;
      /* Stop at once: nothing past the limit is read. */
      if (text->len + (gsize) n > max_bytes)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                       "the input is larger than the limit of %" G_GSIZE_FORMAT " bytes", max_bytes);
          return NULL;
        }
      g_string_append_len (text, (const char *) chunk, n);
    }
  *out_length = text->len;
  return g_string_free (g_steal_pointer (&text), FALSE);
}

HangarClient *
hangar_cli_open_client (HangarCliGlobals  *globals,
                        GError           **error)
{
  g_autoptr(HangarTokenSource) source = NULL;
  HangarClient *client;
  const char *var;
  const char *token;

  if (globals->account != NULL)
    {
      client = hangar_cli_open_account_client (globals->account, globals->api_url, error);
      if (client != NULL && globals->no_pacing)
        hangar_client_set_pacing (client, FALSE);
      return client;
    }

  var = globals->token_env != NULL ? globals->token_env : DEFAULT_TOKEN_ENV;
  token = g_getenv (var);
  if (token == NULL || token[0] == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "no token: environment variable %s is not set (use --token-env VAR or -a ACCOUNT)",
                   var);
      return NULL;
    }
  /* From now on no message shows it, in any spelling. */
  hangar_redact_add_secret (token);

  source = hangar_static_token_source_new (token);
  client = hangar_client_new (globals->api_url != NULL ? globals->api_url : HANGAR_DEFAULT_API_URL,
                              source);
  if (globals->no_pacing)
    hangar_client_set_pacing (client, FALSE);
  return client;
}

/* Reads "--name VALUE" or "--name=VALUE" at argv[*i]; advances *i. */
static gboolean
take_option (int          argc,
             char       **argv,
             int         *i,
             const char  *long_name,
             const char  *short_name,
             char       **out_value,
             gboolean    *out_missing)
{
  const char *arg = argv[*i];
  gsize len = strlen (long_name);

  *out_missing = FALSE;
  if (g_str_has_prefix (arg, long_name) && arg[len] == '=')
    {
      g_free (*out_value);
      *out_value = g_strdup (arg + len + 1);
      return TRUE;
    }
  if (g_strcmp0 (arg, long_name) == 0 || (short_name != NULL && g_strcmp0 (arg, short_name) == 0))
    {
      if (*i + 1 >= argc)
        {
          *out_missing = TRUE;
          return TRUE;
        }
      g_free (*out_value);
      *out_value = g_strdup (argv[++(*i)]);
      return TRUE;
    }
  return FALSE;
}

int
main (int   argc,
      char *argv[])
{
  HangarCliGlobals globals = { NULL, NULL, NULL, FALSE };
  g_autoptr(GPtrArray) help_args = NULL;
  const char *command;
  int i;
  int status;

  setlocale (LC_ALL, "");
  g_set_prgname ("hangar-cli");
  /* Log lines (ours and the libraries') may quote a server: redacted and
   * made terminal-safe like everything else on stderr. */
  g_log_set_writer_func (hangar_redact_log_writer, NULL, NULL);

  for (i = 1; i < argc && argv[i][0] == '-'; i++)
    {
      gboolean missing = FALSE;

      if (g_strcmp0 (argv[i], "--") == 0)
        {
          i++;
          break;
        }
      if (g_strcmp0 (argv[i], "-h") == 0 || g_strcmp0 (argv[i], "--help") == 0)
        {
          fputs (usage_text, stdout);
          return HANGAR_CLI_EXIT_OK;
        }
      if (g_strcmp0 (argv[i], "--version") == 0)
        {
          printf ("hangar-cli %s\n", PACKAGE_VERSION);
          return HANGAR_CLI_EXIT_OK;
        }
      if (g_strcmp0 (argv[i], "--no-pacing") == 0)
        {
          globals.no_pacing = TRUE;
          continue;
        }
      if (take_option (argc, argv, &i, "--api-url", NULL, &globals.api_url, &missing) ||
          take_option (argc, argv, &i, "--token-env", NULL, &globals.token_env, &missing) ||
          take_option (argc, argv, &i, "--account", "-a", &globals.account, &missing))
        {
          if (missing)
            return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "%s needs a value", argv[i]);
          continue;
        }
      return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "unknown option %s (see --help)", argv[i]);
    }

  if (i >= argc)
    {
      fputs (usage_text, stderr);
      return HANGAR_CLI_EXIT_USAGE;
    }

  if (globals.account != NULL && globals.token_env != NULL)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "use either --token-env or -a, not both");
  if (globals.api_url != NULL)
    {
      g_autoptr(GError) error = NULL;

      /* Before any token goes anywhere: https, or plain http to this
       * machine only; nothing but http(s). */
      if (!hangar_check_api_url (globals.api_url, &error))
        return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "--api-url: %s", error->message);
    }

  command = argv[i];
  if (g_str_equal (command, "help"))
    {
      /* "help" alone prints the usage; "help COMMAND [SUB]" runs
       * "COMMAND [SUB] --help", which lists that command's options. */
      if (i + 1 >= argc || (i + 2 == argc && (g_str_equal (argv[i + 1], "records") ||
                                              g_str_equal (argv[i + 1], "webhooks"))))
        {
          fputs (usage_text, stdout);
          return HANGAR_CLI_EXIT_OK;
        }
      help_args = g_ptr_array_new ();
      g_ptr_array_add (help_args, argv[0]);
      for (int j = i + 1; j < argc; j++)
        g_ptr_array_add (help_args, argv[j]);
      g_ptr_array_add (help_args, (char *) "--help");
      g_ptr_array_add (help_args, NULL);
      argc = help_args->len - 1;
      argv = (char **) help_args->pdata;
      i = 1;
      command = argv[i];
    }
  if (g_str_equal (command, "bases"))
    status = hangar_cli_bases_run (&globals, argc - i, argv + i);
  else if (g_str_equal (command, "schema"))
    status = hangar_cli_schema_run (&globals, argc - i, argv + i);
  else if (g_str_equal (command, "records"))
    status = hangar_cli_records_run (&globals, argc - i, argv + i);
  else if (g_str_equal (command, "request"))
    status = hangar_cli_request_run (&globals, argc - i, argv + i);
  else if (g_str_equal (command, "webhooks"))
    status = hangar_cli_webhooks_run (&globals, argc - i, argv + i);
  else if (g_str_equal (command, "comments"))
    status = hangar_cli_comments_run (&globals, argc - i, argv + i);
  else if (g_str_equal (command, "log"))
    status = hangar_cli_log_run (&globals, argc - i, argv + i);
  else if (g_str_equal (command, "mcp"))
    status = hangar_cli_mcp_run (&globals, argc - i, argv + i);
  else if (g_str_equal (command, "accounts") || g_str_equal (command, "connect") ||
           g_str_equal (command, "reconnect") || g_str_equal (command, "disconnect"))
    {
      g_autoptr(GPtrArray) args = g_ptr_array_new ();

      g_ptr_array_add (args, argv[i]);
      if (globals.api_url != NULL)
        {
          g_ptr_array_add (args, (char *) "--api-url");
          g_ptr_array_add (args, globals.api_url);
        }
      for (int j = i + 1; j < argc; j++)
        g_ptr_array_add (args, argv[j]);
      g_ptr_array_add (args, NULL);
      status = hangar_cli_accounts_run (command, args->len - 1, (char **) args->pdata);
    }
  else
    status = hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "unknown command “%s” (see --help)", command);

  /* What this run asked of Airtable goes into the request log before exit. */
  hangar_request_log_flush_all ();
  if (fflush (stdout) != 0 && status == HANGAR_CLI_EXIT_OK)
    status = hangar_cli_fail (HANGAR_CLI_EXIT_ERROR, "could not write the output");

  g_free (globals.api_url);
  g_free (globals.token_env);
  g_free (globals.account);
  return status;
}

static gboolean
stdout_is_terminal (void)
{
  static int terminal = -1;

  if (terminal < 0)
    terminal = isatty (STDOUT_FILENO) ? 1 : 0;
  return terminal == 1;
}

void
hangar_cli_print_csv_row_full (const char * const       *cells,
                               guint                     n_cells,
                               const HangarCsvCellFlags *flags)
{
  GString *line = g_string_new (NULL);

  for (guint i = 0; i < n_cells; i++)
    {
      g_autofree char *visible = NULL;
      const char *cell = cells[i] != NULL ? cells[i] : "";

      /* On a terminal, control characters in a cell are shown ("\x1b"),
       * never obeyed; into a file or a pipe the data goes exactly. */
      if (stdout_is_terminal ())
        cell = visible = hangar_redact_for_terminal (cell, TRUE);

      if (i > 0)
        g_string_append_c (line, ',');
      hangar_csv_append_cell (line, cell, flags != NULL ? flags[i] : HANGAR_CSV_CELL_PLAIN);
    }
  g_string_append_c (line, '\n');
  fwrite (line->str, 1, line->len, stdout);
  g_string_free (line, TRUE);
}

void
hangar_cli_print_csv_row (const char * const *cells,
                          guint               n_cells)
{
  hangar_cli_print_csv_row_full (cells, n_cells, NULL);
}

gboolean
hangar_cli_parse_options (GOptionEntry   *entries,
                          const char     *parameter_string,
                          int            *argc,
                          char         ***argv)
{
  static const char * const records_commands[] = {
    "list", "get", "create", "update", "replace", "upsert", "delete", "import", NULL,
  };
  g_autoptr(GOptionContext) context = g_option_context_new (parameter_string);
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = g_strdup (g_get_prgname ());
  g_autofree char *command_name = NULL;
  gboolean ok;

  /* --help's "Usage:" line names the command ("hangar-cli records list"),
   * not just the program. */
  if (*argc > 0)
    command_name = g_strdup_printf ("hangar-cli %s%s",
                                    g_strv_contains (records_commands, (*argv)[0]) ? "records "
                                    : hangar_cli_schema_is_edit_command ((*argv)[0]) ? "schema " : "",
                                    (*argv)[0]);
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_help_enabled (context, TRUE);
  if (command_name != NULL)
    g_set_prgname (command_name);
  ok = g_option_context_parse (context, argc, argv, &error);
  g_set_prgname (prgname);
  if (!ok)
    {
      hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "%s", error->message);
      return FALSE;
    }
  return TRUE;
}
