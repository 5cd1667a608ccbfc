/* hangar-test-process.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
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

/* Output is read and input written as separate streams, not with
 * g_subprocess_communicate(): a program may rightly exit before reading all
 * of its input (hangar-cli refuses an oversized line at once), and the
 * broken pipe that follows must not cost the output it did write. */
typedef struct
{
  guint     pending;
  GError   *error;
} Streams;

static void
splice_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Streams *s = user_data;
  g_autoptr(GError) error = NULL;

  if (g_output_stream_splice_finish (G_OUTPUT_STREAM (object), result, &error) < 0 && s->error == NULL)
    s->error = g_steal_pointer (&error);
  s->pending--;
}

static void
input_closed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Streams *s = user_data;

  g_output_stream_close_finish (G_OUTPUT_STREAM (object), result, NULL);
  s->pending--;
}

static void
input_written_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Streams *s = user_data;
  g_autoptr(GError) error = NULL;

  /* A program that stopped reading is its own business; the exit status
   * and its output say what it made of the input. */
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE) && s->error == NULL)
    s->error = g_steal_pointer (&error);
  g_output_stream_close_async (G_OUTPUT_STREAM (object), G_PRIORITY_DEFAULT, NULL, input_closed_cb, s);
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

gboolean
hangar_test_communicate (GSubprocess  *process,
                         GBytes       *input,
                         guint         timeout_s,
                         void        (*tick) (gpointer data),
                         gpointer      tick_data,
                         GBytes      **out,
                         GBytes      **err)
{
  g_autoptr(GOutputStream) out_mem = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) err_mem = g_memory_output_stream_new_resizable ();
  GInputStream *out_pipe = g_subprocess_get_stdout_pipe (process);
  GInputStream *err_pipe = g_subprocess_get_stderr_pipe (process);
  GOutputStream *in = g_subprocess_get_stdin_pipe (process);
  Streams streams = { 0 };
  gboolean exited = FALSE;
  gboolean expired = FALSE;
  guint deadline_id;

  /* Writing to a program that exited must be an error to handle, not a
   * signal that kills the test. */
  signal (SIGPIPE, SIG_IGN);

  deadline_id = g_timeout_add_seconds (timeout_s, set_flag_cb, &expired);
  if (out_pipe != NULL)
    {
      streams.pending++;
      g_output_stream_splice_async (out_mem, out_pipe,
                                    G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                    G_PRIORITY_DEFAULT, NULL, splice_cb, &streams);
    }
  if (err_pipe != NULL)
    {
      streams.pending++;
      g_output_stream_splice_async (err_mem, err_pipe,
                                    G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                    G_PRIORITY_DEFAULT, NULL, splice_cb, &streams);
    }
  if (in != NULL)
    {
      gsize len = 0;
      const void *data = input != NULL ? g_bytes_get_data (input, &len) : NULL;

      streams.pending++;
      g_output_stream_write_all_async (in, data != NULL ? data : "", len,
                                       G_PRIORITY_DEFAULT, NULL, input_written_cb, &streams);
    }
  g_subprocess_wait_async (process, NULL, wait_cb, &exited);
  while ((streams.pending > 0 || !exited) && !expired)
    {
      g_main_context_iteration (NULL, TRUE);
      if (tick != NULL)
        tick (tick_data);
    }
  if (expired)
    {
      g_subprocess_force_exit (process);
      return FALSE;
    }
  g_source_remove (deadline_id);
  if (streams.error != NULL)
    g_error ("Could not read the output of a test process: %s", streams.error->message);

  /* A stream without a pipe behind it was never spliced: close it empty. */
  g_output_stream_close (out_mem, NULL, NULL);
  g_output_stream_close (err_mem, NULL, NULL);
  if (out != NULL)
    *out = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out_mem));
  if (err != NULL)
    *err = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (err_mem));
  return TRUE;
}

static char *
bytes_text (GBytes *bytes)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);

  return data != NULL ? g_utf8_make_valid (data, len) : g_strdup ("");
}

HangarTestRun *
hangar_test_finish (GSubprocess *process,
                    const char  *input)
{
  g_autoptr(GBytes) in = g_bytes_new (input != NULL ? input : "", input != NULL ? strlen (input) : 0);
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  guint timeout_s = hangar_test_wait_timeout_s ();
  HangarTestRun *run;
  gsize n;

  /* Reading and waiting both on the main loop, so a process that never
   * ends fails the test with its name instead of hanging it. */
  if (!hangar_test_communicate (process, in, timeout_s, NULL, NULL, &out, &err))
    {
      const char *name = g_object_get_data (G_OBJECT (process), "hangar-test-name");

      g_error ("Timed out after %u s waiting for `%s` to exit", timeout_s, name != NULL ? name : "a process");
    }

  run = g_new0 (HangarTestRun, 1);
  run->out = bytes_text (out);
  run->err = bytes_text (err);
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
