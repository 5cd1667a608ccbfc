/* hangar-test-process.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hangar-test-process.h"
#include "hangar-test-wait.h"

/* The command line for messages: the program's base name and its
 * arguments, long ones cut (tests pass tokens through the environment, but
 * a message should not print one even by mistake). */
static char *
describe (const char * const *argv)
{
  GString *text = g_string_new (NULL);
  g_autofree char *base = g_path_get_basename (argv[0]);

  g_string_append (text, base);
  for (guint i = 1; argv[i] != NULL; i++)
    {
      if (g_utf8_strlen (argv[i], -1) > 24)
        g_string_append (text, " …");
      else
        g_string_append_printf (text, " %s", argv[i]);
    }
  return g_string_free (text, FALSE);
}

GSubprocess *
hangar_test_spawn (const char * const *argv,
                   const char * const *env,
                   gboolean            with_stdin)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE;
  GSubprocess *process;

  if (with_stdin)
    flags |= G_SUBPROCESS_FLAGS_STDIN_PIPE;
  launcher = g_subprocess_launcher_new (flags);
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      const char *eq = strchr (env[i], '=');

      if (eq == NULL)
        g_subprocess_launcher_unsetenv (launcher, env[i]);
      else
        {
          g_autofree char *name = g_strndup (env[i], eq - env[i]);

          g_subprocess_launcher_setenv (launcher, name, eq + 1, TRUE);
        }
    }
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  if (process == NULL)
    g_error ("Could not start %s: %s", argv[0], error->message);
  g_object_set_data_full (G_OBJECT (process), "hangar-test-name", describe (argv), g_free);
  return process;
}

typedef struct
{
  gboolean  done;
  char     *out;
  char     *err;
  GError   *error;
} Communicate;

static void
communicate_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Communicate *c = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &c->out, &c->err, &c->error);
  c->done = TRUE;
}

static void
wait_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *(gboolean *) user_data = TRUE;
}

static gboolean
set_flag_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

HangarTestRun *
hangar_test_finish (GSubprocess *process,
                    const char  *input)
{
  Communicate c = { 0 };
  HangarTestRun *run;
  gboolean exited = FALSE;
  gboolean expired = FALSE;
  guint timeout_s = hangar_test_wait_timeout_s ();
  guint deadline_id;
  gsize n;

  /* Reading and waiting both on the main loop, so a process that never
   * ends fails the test with its name instead of hanging it. */
  deadline_id = g_timeout_add_seconds (timeout_s, set_flag_cb, &expired);
  g_subprocess_communicate_utf8_async (process, input, NULL, communicate_cb, &c);
  g_subprocess_wait_async (process, NULL, wait_cb, &exited);
  while ((!c.done || !exited) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (expired)
    {
      const char *name = g_object_get_data (G_OBJECT (process), "hangar-test-name");

      g_subprocess_force_exit (process);
      g_error ("Timed out after %u s waiting for `%s` to exit", timeout_s, name != NULL ? name : "a process");
    }
  g_source_remove (deadline_id);
  if (c.error != NULL)
    g_error ("Could not read the output of a test process: %s", c.error->message);

  run = g_new0 (HangarTestRun, 1);
  run->out = c.out != NULL ? c.out : g_strdup ("");
  run->err = c.err != NULL ? c.err : g_strdup ("");
  run->status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
  run->lines = g_strsplit (run->out, "\n", -1);
  n = g_strv_length (run->lines);
  if (n > 0 && run->lines[n - 1][0] == '\0')
    g_clear_pointer (&run->lines[n - 1], g_free);
  return run;
}

HangarTestRun *
hangar_test_run (const char * const *argv,
                 const char * const *env,
                 const char         *input)
{
  g_autoptr(GSubprocess) process = hangar_test_spawn (argv, env, TRUE);

  return hangar_test_finish (process, input != NULL ? input : "");
}

void
hangar_test_run_free (HangarTestRun *run)
{
  if (run == NULL)
    return;
  g_free (run->out);
  g_free (run->err);
  g_strfreev (run->lines);
  g_free (run);
}
