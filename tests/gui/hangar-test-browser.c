/* hangar-test-browser.c — a stand-in for the user's web browser in the
 * sign-in tests
 *
 * test-sign-in makes it the default handler of http and https URLs in its
 * own HOME (a desktop file and mimeapps.list), so Hangar's gtk_show_uri()
 * really launches it with the authorization URL. It then does what a user
 * does: opens the consent page (the sandbox's), grants every base (or
 * cancels), and follows the redirect to Hangar's loopback listener. What it
 * saw is appended to $HANGAR_TEST_BROWSER_LOG, one line each.
 *
 * $HANGAR_TEST_BROWSER_MODE:
 *   grant   (default) grant, then follow the redirect
 *   deny    cancel on the consent page, then follow the redirect
 *   forge   first send the listener an answer with another state, then the
 *           real one
 *   ignore  do nothing: the user walked away
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "hangar-test.h"

static void
log_line (const char *format,
          ...) G_GNUC_PRINTF (1, 2);

static void
log_line (const char *format,
          ...)
{
  const char *path = g_getenv ("HANGAR_TEST_BROWSER_LOG");
  g_autofree char *line = NULL;
  va_list args;
  FILE *file;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);
  if (path == NULL || (file = fopen (path, "a")) == NULL)
    return;
  fprintf (file, "%s\n", line);
  fclose (file);
}

/* @location with its state replaced: an answer this sign-in never asked for. */
static char *
forge (const char *location)
{
  g_autoptr(GUri) uri = g_uri_parse (location, G_URI_FLAGS_ENCODED, NULL);

  return g_uri_join (G_URI_FLAGS_ENCODED, g_uri_get_scheme (uri), NULL, g_uri_get_host (uri),
                     g_uri_get_port (uri), g_uri_get_path (uri), "code=forged&state=not-this-sign-in", NULL);
}

static void
follow (const char *what,
        const char *location)
{
  g_autoptr(HangarTestHttp) answer = hangar_test_http ("GET", location, NULL);

  log_line ("%s %u %s", what, answer->status,
            answer->body != NULL && strstr (answer->body, "You can close this tab") != NULL ? "closable" : "-");
}

int
main (int   argc,
      char *argv[])
{
  const char *mode = g_getenv ("HANGAR_TEST_BROWSER_MODE");
  g_autoptr(GUri) authorize = NULL;
  g_autofree char *origin = NULL;
  g_autofree char *location = NULL;
  HangarTestSandbox sandbox = { 0 };

  if (argc < 2)
    return 2;
  if (mode == NULL)
    mode = "grant";
  authorize = g_uri_parse (argv[1], G_URI_FLAGS_ENCODED, NULL);
  if (authorize == NULL)
    {
      log_line ("unusable %s", argv[1]);
      return 1;
    }
  /* Only the path: the query carries the state. */
  log_line ("opened %s", g_uri_get_path (authorize));
  if (g_str_equal (mode, "ignore"))
    return 0;

  /* The consent page is the sandbox's own; only its address is needed. */
  origin = g_strdup_printf ("%s://%s:%d", g_uri_get_scheme (authorize), g_uri_get_host (authorize),
                            g_uri_get_port (authorize));
  sandbox.url = origin;
  location = hangar_test_sandbox_consent (&sandbox, argv[1], NULL, g_str_equal (mode, "deny"));
  if (g_str_equal (mode, "forge"))
    {
      g_autofree char *forged = forge (location);

      follow ("forged", forged);
    }
  follow ("answer", location);
  return 0;
}
