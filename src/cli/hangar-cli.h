/* hangar-cli.h — declarations shared by the hangar-cli sources
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdio.h>

#include "hangar-api.h"
#include "hangar-client.h"
#include "hangar-csv-export.h"
#include "hangar-ids.h"
#include "hangar-json.h"
#include "hangar-redact.h"

G_BEGIN_DECLS

/* Exit statuses */
#define HANGAR_CLI_EXIT_OK       0  /* success */
#define HANGAR_CLI_EXIT_ERROR    1  /* API, network or other error; nothing (more) written */
#define HANGAR_CLI_EXIT_USAGE    2  /* bad command line or bad stdin input; nothing sent */
#define HANGAR_CLI_EXIT_PARTIAL  3  /* a batch write stopped part way: some records written */

/* The options given before the command. */
typedef struct
{
  char *api_url;    /* --api-url, NULL for the default */
  char *token_env;  /* --token-env, NULL for the default */
  char *account;    /* -a / --account */
  gboolean no_pacing; /* --no-pacing */
} HangarCliGlobals;

/* Accounts (src/cli/hangar-cli-accounts.c).
 * Handles the commands "accounts", "connect", "reconnect" and "disconnect";
 * argv[0] is the command. A --api-url given before the command is passed on
 * as "--api-url URL" right after argv[0]. Returns the exit status. */
int           hangar_cli_accounts_run        (const char  *command,
                                              int          argc,
                                              char       **argv);
/* The program that makes the requests, as the request log records it:
 * "cli" (default), "mcp" for the MCP server. */
void          hangar_cli_set_request_source  (const char  *source);
/* The client of the account labelled @label, for `-a LABEL`; its requests
 * are logged in the account's request log. */
HangarClient *hangar_cli_open_account_client (const char  *label,
                                              const char  *api_url_override,
                                              GError     **error);

/* hangar-cli.c */
HangarClient *hangar_cli_open_client         (HangarCliGlobals *globals,
                                              GError          **error);
/* Prints one line "hangar-cli: TYPE: message" to stderr (no token, ever)
 * and returns HANGAR_CLI_EXIT_ERROR. */
int           hangar_cli_report_error        (const GError     *error);
/* Prints "hangar-cli: " + a printf message on one line of stderr, through
 * hangar_redact_for_terminal(): every registered secret in any spelling
 * becomes [token], control characters and newlines are shown as escapes.
 * Returns @status. */
int           hangar_cli_fail                (int               status,
                                              const char       *format,
                                              ...) G_GNUC_PRINTF (2, 3);
/* Checks identifiers the user named (pairs of what and value: "base",
 * argv[1], "table", argv[2], …, NULL) with hangar_check_path_segment():
 * "." and ".." would be folded by URL normalisation into another endpoint.
 * On the first bad one prints why and returns FALSE (then exit 2: nothing
 * was sent). */
gboolean      hangar_cli_check_ids           (const char       *first_what,
                                              ...) G_GNUC_NULL_TERMINATED;
/* A line of human-readable text on stdout, made safe the same way (the
 * newline is added). */
void          hangar_cli_print_line          (const char       *format,
                                              ...) G_GNUC_PRINTF (1, 2);
/* Spins the default main context until the async call that was given
 * hangar_cli_wait_callback and @slot completes; returns the result. */
void          hangar_cli_wait_callback       (GObject          *source,
                                              GAsyncResult     *result,
                                              gpointer          user_data);
GAsyncResult *hangar_cli_wait                (GAsyncResult    **slot);
/* Writes @node as compact JSON and a newline to stdout. */
void          hangar_cli_print_json_line     (JsonNode         *node);
void          hangar_cli_print_json_pretty   (JsonNode         *node);

/* Airtable refuses a request body over 2 MB (413 REQUEST_TOO_LARGE; the
 * same limit as hangar-sandbox, src/sandbox/README.md). No input that could
 * only become a larger body is read past this, let alone sent. */
#define HANGAR_CLI_MAX_INPUT_BYTES (2 * 1024 * 1024)

/* Parses JSON the user gave (a stdin line, --data) through the one guarded
 * entry point: strict RFC 8259, at most HANGAR_JSON_MAX_DEPTH deep and
 * HANGAR_CLI_MAX_INPUT_BYTES long, whitespace around it allowed. Values
 * json-glib cannot hold as written are rewritten and each rewrite is
 * described in @out_notes. NULL with HANGAR_JSON_ERROR otherwise. */
JsonNode     *hangar_cli_parse_json          (const char       *text,
                                              gsize             length,
                                              char           ***out_notes,
                                              GError          **error);

/* Lines from a file descriptor, read in 64 KiB chunks: whatever the input,
 * no more than @max_line bytes of a line are ever kept. */
typedef struct _HangarCliLineReader HangarCliLineReader;

HangarCliLineReader *hangar_cli_line_reader_new  (int                  fd,
                                                  gsize                max_line);
void                 hangar_cli_line_reader_free (HangarCliLineReader *self);
/* The next line into @line, without its "\n" or "\r\n" (any bytes, NULs
 * included). A line longer than @max_line is read to its end and dropped:
 * @line is then empty and @too_long TRUE. FALSE at the end of the input, or
 * with @error set when reading failed. */
gboolean             hangar_cli_line_reader_next (HangarCliLineReader  *self,
                                                  GString              *line,
                                                  gboolean             *too_long,
                                                  GError              **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarCliLineReader, hangar_cli_line_reader_free)

/* All of stdin, unless it is longer than @max_bytes: then reading stops
 * there and G_IO_ERROR_MESSAGE_TOO_LARGE is returned. */
char         *hangar_cli_read_stdin          (gsize             max_bytes,
                                              gsize            *out_length,
                                              GError          **error);

/* Writes one CSV row (RFC 4180: quoted when needed, CRLF-free "\n" end).
 * When stdout is a terminal, control characters in cells are shown as
 * escapes (and secrets redacted); otherwise the cells are written exactly. */
void          hangar_cli_print_csv_row       (const char * const *cells,
                                              guint               n_cells);
/* The same with the formula guard where @flags (one per cell, nullable)
 * ask for it (src/api/hangar-csv.h). */
void          hangar_cli_print_csv_row_full  (const char * const       *cells,
                                              guint                     n_cells,
                                              const HangarCsvCellFlags *flags);
/* Parses a subcommand's options; on error prints it and returns FALSE. */
gboolean      hangar_cli_parse_options       (GOptionEntry      *entries,
                                              const char        *parameter_string,
                                              int               *argc,
                                              char            ***argv);

/* Command entry points; argv[0] is the command's name. */
int           hangar_cli_bases_run           (HangarCliGlobals *globals,
                                              int               argc,
                                              char            **argv);
int           hangar_cli_schema_run          (HangarCliGlobals *globals,
                                              int               argc,
                                              char            **argv);
int           hangar_cli_request_run         (HangarCliGlobals *globals,
                                              int               argc,
                                              char            **argv);
int           hangar_cli_records_run         (HangarCliGlobals *globals,
                                              int               argc,
                                              char            **argv);
/* records import (hangar-cli-import.c); argv[0] is "import". */
int           hangar_cli_import_run          (HangarCliGlobals *globals,
                                              int               argc,
                                              char            **argv);
int           hangar_cli_comments_run        (HangarCliGlobals *globals,
                                              int               argc,
                                              char            **argv);
/* hangar-cli-log.c */
int           hangar_cli_log_run             (HangarCliGlobals *globals,
                                              int               argc,
                                              char            **argv);
/* schema create-table|create-field|update-table|update-field
 * (hangar-cli-schema.c); argv[0] is the subcommand. */
gboolean      hangar_cli_schema_is_edit_command (const char    *name);
int           hangar_cli_schema_edit_run     (HangarCliGlobals *globals,
                                              int               argc,
                                              char            **argv);
/* hangar-cli-mcp.c */
int           hangar_cli_mcp_run             (HangarCliGlobals *globals,
                                              int               argc,
                                              char            **argv);

G_END_DECLS
