/* hangar-cli.h — declarations shared by the hangar-cli sources
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdio.h>

#include "hangar-api.h"
#include "hangar-client.h"

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

/* Accounts (src/cli/hangar-cli-accounts.c, owned by the accounts work).
 * Handles the commands "accounts", "connect", "reconnect" and "disconnect";
 * argv[0] is the command. A --api-url given before the command is passed on
 * as "--api-url URL" right after argv[0]. Returns the exit status. */
int           hangar_cli_accounts_run        (const char  *command,
                                              int          argc,
                                              char       **argv);
/* The client of the account labelled @label, for `-a LABEL`. */
HangarClient *hangar_cli_open_account_client (const char  *label,
                                              const char  *api_url_override,
                                              GError     **error);

/* hangar-cli.c */
HangarClient *hangar_cli_open_client         (HangarCliGlobals *globals,
                                              GError          **error);
/* Prints one line "hangar-cli: TYPE: message" to stderr (no token, ever)
 * and returns HANGAR_CLI_EXIT_ERROR. */
int           hangar_cli_report_error        (const GError     *error);
/* Prints "hangar-cli: " + a printf message on one line; returns @status. */
int           hangar_cli_fail                (int               status,
                                              const char       *format,
                                              ...) G_GNUC_PRINTF (2, 3);
/* Spins the default main context until the async call that was given
 * hangar_cli_wait_callback and @slot completes; returns the result. */
void          hangar_cli_wait_callback       (GObject          *source,
                                              GAsyncResult     *result,
                                              gpointer          user_data);
GAsyncResult *hangar_cli_wait                (GAsyncResult    **slot);
/* Writes @node as compact JSON and a newline to stdout. */
void          hangar_cli_print_json_line     (JsonNode         *node);
void          hangar_cli_print_json_pretty   (JsonNode         *node);
/* Parses a JSON text; NULL and an error when it is not JSON. */
JsonNode     *hangar_cli_parse_json          (const char       *text,
                                              GError          **error);

/* Writes one CSV row (RFC 4180: quoted when needed, CRLF-free "\n" end). */
void          hangar_cli_print_csv_row       (const char * const *cells,
                                              guint               n_cells);
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

G_END_DECLS
