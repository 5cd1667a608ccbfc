/* hangar-test-process.h — running a program with its output captured
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  int    status;   /* the exit status; -1 when a signal ended the process */
  char  *out;      /* everything written to stdout (never NULL) */
  char  *err;      /* everything written to stderr (never NULL) */
  char **lines;    /* stdout split into lines, without the empty one after the last newline */
} HangarTestRun;

/* Starts @argv with stdout and stderr captured (and stdin, when
 * @with_stdin). @env changes the child's environment: a NULL-terminated
 * list of "NAME=VALUE" entries to set and bare "NAME" entries to unset
 * (may be NULL). Aborts the test if the program cannot be started. */
GSubprocess   *hangar_test_spawn         (const char * const *argv,
                                          const char * const *env,
                                          gboolean            with_stdin);

/* Writes @input (may be NULL) to the process's stdin if it has one, reads
 * everything it prints and waits for it to exit, running the main loop
 * meanwhile. A process that has not exited by the hang guard of
 * hangar-test-wait.h is killed and the test aborted. */
HangarTestRun *hangar_test_finish        (GSubprocess        *process,
                                          const char         *input);

/* The engine of hangar_test_finish(), for runners of their own: writes
 * @input (may be NULL) to the process's stdin pipe if it has one, collects
 * its stdout and stderr pipes (those it has) into @out and @err, and waits
 * for it to exit, iterating the main context and calling @tick (may be
 * NULL) after every iteration. A program that exits without reading all of
 * its input is fine: the broken pipe costs nothing it wrote. Returns FALSE,
 * with the process killed, when it has not finished after @timeout_s. */
gboolean       hangar_test_communicate   (GSubprocess        *process,
                                          GBytes             *input,
                                          guint               timeout_s,
                                          void              (*tick) (gpointer data),
                                          gpointer            tick_data,
                                          GBytes            **out,
                                          GBytes            **err);

/* hangar_test_spawn() + hangar_test_finish(). */
HangarTestRun *hangar_test_run           (const char * const *argv,
                                          const char * const *env,
                                          const char         *input);

void           hangar_test_run_free      (HangarTestRun      *run);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarTestRun, hangar_test_run_free)

G_END_DECLS
