/* test-window-sandbox.c — `hangar --sandbox`, the real binary
 *
 * Starts the application as a user would, checks that it started its
 * sandbox (state under the user data dir, a live server), that WebKit is not
 * mapped into the process before any consent dialog, and that quitting stops
 * the sandbox.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

#include "hangar-test-sandbox.h"

static gboolean
timeout_cb (gpointer data)
{
  g_error ("Timed out: %s", (const char *) data);
  return G_SOURCE_REMOVE;
}

static guint
http_status (const char *url)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = soup_session_send_and_read (session, msg, NULL, &error);
  if (body == NULL)
    return 0;
  return soup_message_get_status (msg);
}

static void
wait_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, &error);
  g_assert_no_error (error);
  *done = TRUE;
}

static void
test_sandbox_mode (void)
{
  const char *binary = g_getenv ("HANGAR_BINARY");
  g_autoptr(GSubprocess) app = NULL;
  g_autoptr(GDataInputStream) err = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *stats = NULL;
  g_autofree char *maps_path = NULL;
  g_autofree char *maps = NULL;
  g_autofree char *state_dir = NULL;
  gboolean done = FALSE;
  guint guard;

  g_assert_nonnull (binary);
  guard = g_timeout_add_seconds (60, timeout_cb, (gpointer) "hangar --sandbox");

  app = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_PIPE, &error, binary, "--sandbox", NULL);
  g_assert_no_error (error);

  /* The app says where its sandbox listens (the URL only, never a token). */
  err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (app));
  while (url == NULL)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (err, NULL, NULL, &error);

      g_assert_no_error (error);
      if (line == NULL)
        g_error ("hangar exited before its sandbox was running");
      g_assert_null (strstr (line, "\"pat\""));
      if (g_str_has_prefix (line, "hangar: sandbox running at "))
        url = g_strdup (line + strlen ("hangar: sandbox running at "));
    }

  g_assert_true (g_str_has_prefix (url, "http://127.0.0.1:"));
  stats = g_strconcat (url, "/__sandbox/stats", NULL);
  g_assert_cmpuint (http_status (stats), ==, 200);

  /* Its state lives under the user data dir. */
  state_dir = g_build_filename (g_getenv ("XDG_DATA_HOME"), "hangar", "sandbox", NULL);
  g_assert_true (g_file_test (state_dir, G_FILE_TEST_IS_DIR));

  /* WebKit is not in the process: it loads only with a consent dialog. */
  maps_path = g_strdup_printf ("/proc/%s/maps", g_subprocess_get_identifier (app));
  g_assert_true (g_file_get_contents (maps_path, &maps, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (strstr (maps, "libwebkitgtk"));
  g_assert_null (strstr (maps, "libhangar-consent"));

  /* Quitting (SIGTERM is handled as app.quit) stops the sandbox. */
  g_subprocess_send_signal (app, SIGTERM);
  g_subprocess_wait_async (app, NULL, wait_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_subprocess_get_if_exited (app));
  g_assert_cmpint (g_subprocess_get_exit_status (app), ==, 0);
  g_assert_cmpuint (http_status (stats), ==, 0);

  g_source_remove (guard);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();
  {
    g_autofree char *keyring = g_build_filename (g_getenv ("HOME"), "test.keyring", NULL);
    g_setenv ("SECRET_BACKEND", "file", TRUE);
    g_setenv ("SECRET_FILE_TEST_PATH", keyring, TRUE);
    g_setenv ("SECRET_FILE_TEST_PASSWORD", "test", TRUE);
  }

  g_test_add_func ("/hangar/gui/window/sandbox-mode", test_sandbox_mode);

  return g_test_run ();
}
