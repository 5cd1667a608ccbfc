/* test-cli-common.h — running the built hangar-cli as a subprocess, for the
 * hostile-input tests (header only)
 *
 * The child runs while this process's main loop keeps turning (a test
 * server in this process answers it), under a timeout, optionally with an
 * address-space limit, its stdin fed by a shell pipeline, or its stdout on
 * a pseudo-terminal.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1  /* posix_openpt() and friends */
#endif

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>

#include "hangar-test.h"

typedef struct
{
  int   status;       /* exit status; -1 when killed by a signal */
  int   term_signal;
  char *out;          /* stdout (from the terminal, when on one) */
  gsize out_len;
  char *err;
} CliRun;

static inline void
cli_run_free (CliRun *run)
{
  g_free (run->out);
  g_free (run->err);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CliRun, cli_run_free)

typedef struct
{
  const char         *input;        /* stdin; NULL = empty */
  gsize               input_len;    /* 0 = strlen (input) */
  const char         *shell_input;  /* sh command whose output is the CLI's stdin */
  gsize               rlimit_as;    /* address-space limit in bytes; 0 = none */
  gboolean            pty;          /* stdout on a pseudo-terminal */
  const char * const *env;          /* extra NAME, VALUE, …, NULL */
  guint               timeout_s;    /* 0 = 60 */
} CliOptions;

static rlim_t cli_child_rlimit;

static void
cli_child_setup (gpointer user_data)
{
  /* After fork, before exec: only async-signal-safe calls. */
  if (cli_child_rlimit > 0)
    {
      struct rlimit limit = { cli_child_rlimit, cli_child_rlimit };

      setrlimit (RLIMIT_AS, &limit);
    }
}

/* Everything the pseudo-terminal's master side has to read now. */
static inline void
cli_drain_pty (int      master,
               GString *into)
{
  char buf[4096];

  for (;;)
    {
      ssize_t n = read (master, buf, sizeof buf);

      if (n > 0)
        g_string_append_len (into, buf, n);
      else if (n < 0 && errno == EINTR)
        continue;
      else
        break;
    }
}

static int pty_master = -1;
static GString *pty_terminal;

static inline void
cli_drain_pty_tick (gpointer data)
{
  cli_drain_pty (pty_master, pty_terminal);
}

static inline CliRun *
cli_runv (const CliOptions   *opts,
          const char * const *args)
{
  static const CliOptions no_options = { 0 };
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) input = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) terminal = g_string_new (NULL);
  g_autofree char *shell = NULL;
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE;
  CliRun *run = g_new0 (CliRun, 1);
  int master = -1;

  if (opts == NULL)
    opts = &no_options;
  if (!opts->pty)
    flags |= G_SUBPROCESS_FLAGS_STDOUT_PIPE;
  launcher = g_subprocess_launcher_new (flags);
  for (guint i = 0; opts->env != NULL && opts->env[i] != NULL; i += 2)
    g_subprocess_launcher_setenv (launcher, opts->env[i], opts->env[i + 1], TRUE);
  cli_child_rlimit = (rlim_t) opts->rlimit_as;
  g_subprocess_launcher_set_child_setup (launcher, cli_child_setup, NULL, NULL);

  if (opts->pty)
    {
      int slave;

      master = posix_openpt (O_RDWR | O_NOCTTY);
      g_assert_cmpint (master, >=, 0);
      g_assert_cmpint (grantpt (master), ==, 0);
      g_assert_cmpint (unlockpt (master), ==, 0);
      slave = open (ptsname (master), O_RDWR | O_NOCTTY);
      g_assert_cmpint (slave, >=, 0);
      g_assert_true (g_unix_set_fd_nonblocking (master, TRUE, NULL));
      g_subprocess_launcher_take_stdout_fd (launcher, slave);
    }

  if (opts->shell_input != NULL)
    {
      /* The generator's output becomes the CLI's stdin. */
      shell = g_strdup_printf ("%s | exec \"$0\" \"$@\"", opts->shell_input);
      g_ptr_array_add (argv, (char *) "/bin/sh");
      g_ptr_array_add (argv, (char *) "-c");
      g_ptr_array_add (argv, shell);
    }
  g_ptr_array_add (argv, (char *) HANGAR_CLI_PATH);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  input = opts->input != NULL
            ? g_bytes_new (opts->input, opts->input_len > 0 ? opts->input_len : strlen (opts->input))
            : g_bytes_new (NULL, 0);

  pty_master = master;
  pty_terminal = terminal;
  /* A CLI that refuses its input exits before reading it all: the
   * library's runner takes the broken pipe in its stride. */
  if (!hangar_test_communicate (process, input, opts->timeout_s > 0 ? opts->timeout_s : 60,
                                master >= 0 ? cli_drain_pty_tick : NULL, NULL, &out, &err))
    g_error ("hangar-cli did not finish within the timeout (a hang)");
  if (master >= 0)
    {
      cli_drain_pty (master, terminal);
      close (master);
    }

  if (g_subprocess_get_if_exited (process))
    run->status = g_subprocess_get_exit_status (process);
  else
    {
      run->status = -1;
      run->term_signal = g_subprocess_get_term_sig (process);
    }
  if (opts->pty)
    {
      run->out_len = terminal->len;
      run->out = g_strndup (terminal->str, terminal->len);
    }
  else
    {
      run->out_len = out != NULL ? g_bytes_get_size (out) : 0;
      run->out = run->out_len > 0 ? g_strndup (g_bytes_get_data (out, NULL), run->out_len) : g_strdup ("");
    }
  run->err = err != NULL && g_bytes_get_size (err) > 0
               ? g_strndup (g_bytes_get_data (err, NULL), g_bytes_get_size (err))
               : g_strdup ("");
  g_test_message ("exit %d (signal %d); stderr: %s", run->status, run->term_signal, run->err);
  return run;
}

static inline CliRun *
cli_run (const CliOptions *opts,
         const char       *first_arg,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return cli_runv (opts, (const char * const *) args->pdata);
}

/* TRUE when @text has a byte below 0x20 other than @allowed's, or DEL, or a
 * C1 control (U+0080..U+009F) or a bidirectional override. */
static inline gboolean
has_raw_control (const char *text,
                 const char *allowed)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        return TRUE;
      if ((c < 0x20 && (allowed == NULL || strchr (allowed, (char) c) == NULL)) ||
          c == 0x7f || (c >= 0x80 && c <= 0x9f) ||
          (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
        return TRUE;
    }
  return FALSE;
}
