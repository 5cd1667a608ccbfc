/* hangar-cli-accounts.c — placeholder until the accounts work lands
 *
 * The accounts work replaces this file entirely.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-cli.h"

int
hangar_cli_accounts_run (const char  *command,
                         int          argc,
                         char       **argv)
{
  return hangar_cli_fail (HANGAR_CLI_EXIT_ERROR,
                          "%s: accounts are not available in this build yet", command);
}

HangarClient *
hangar_cli_open_account_client (const char  *label,
                                const char  *api_url_override,
                                GError     **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
               "accounts are not available in this build yet (account “%s”)", label);
  return NULL;
}
