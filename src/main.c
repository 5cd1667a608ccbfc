/* main.c — the `hangar` entry point
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "hangar-application.h"
#include "hangar-redact.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(HangarApplication) app = NULL;

  setlocale (LC_ALL, "");
  /* No log line of the app, ours or a library's, can carry a token. */
  g_log_set_writer_func (hangar_redact_log_writer, NULL, NULL);
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = hangar_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
