/* hangar-test-wait.h — waiting on the main loop, with a deadline
 *
 * Tests wait for a condition, never for a fixed time: the main context is
 * iterated until the condition holds, and a test that waits longer than
 * the deadline fails with a message naming what it was waiting for. The
 * deadline is a hang guard, not a timing assertion: it is long (60 s,
 * or HANGAR_TEST_WAIT_S seconds, e.g. for runs under valgrind).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef gboolean (*HangarTestCondition) (gpointer data);

/* The hang guard in seconds: HANGAR_TEST_WAIT_S, or 60. */
guint          hangar_test_wait_timeout_s   (void);

/* Iterates the default main context until @condition (@data) holds. Aborts
 * the test with "Timed out after N s waiting for @what" past the deadline.
 * The condition is checked after every dispatch and at least every 20 ms,
 * so it may also look at things outside this process (a file, the
 * sandbox's stats). */
void           hangar_test_wait_until       (HangarTestCondition  condition,
                                             gpointer             data,
                                             const char          *what);

/* Lets the main loop run for @ms. Only for behaviour that needs real time
 * to pass (a debounce, a timer that is itself under test, checking that
 * nothing more happens); to wait for something to happen use
 * hangar_test_wait_until(). Callers say why in a comment. */
void           hangar_test_run_for          (guint                ms);

/* Conditions for the common cases. */
gboolean       hangar_test_pointer_is_set   (gpointer             location);  /* *(gpointer *) != NULL */
gboolean       hangar_test_pointer_is_null  (gpointer             location);  /* *(gpointer *) == NULL */
gboolean       hangar_test_flag_is_set      (gpointer             flag);      /* *(gboolean *) */

/* --- one async result at a time ------------------------------------------
 *
 *   g_autoptr(GAsyncResult) result = NULL;
 *
 *   hangar_client_whoami_async (client, NULL, hangar_test_result_cb, &result);
 *   who = hangar_client_whoami_finish (client, hangar_test_wait_result (&result), &error);
 *
 * hangar_test_result_cb stores a reference in the GAsyncResult * slot it is
 * given; hangar_test_wait_result waits until the slot is set and returns
 * it (still owned by the slot: clear it before the slot is used again). */
void           hangar_test_result_cb        (GObject             *source,
                                             GAsyncResult        *result,
                                             gpointer             slot);
#define hangar_test_wait_result(slot) hangar_test_wait_result_at ((slot), G_STRLOC)
GAsyncResult  *hangar_test_wait_result_at   (GAsyncResult       **slot,
                                             const char          *where);

/* --- a reusable waiter for a series of async calls ------------------------
 *
 *   g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
 *
 *   hangar_client_list_bases_async (client, NULL, hangar_test_wait_cb, wait);
 *   bases = hangar_client_list_bases_finish (client, hangar_test_wait_run (wait), &error);
 *
 * hangar_test_wait_run returns the result of the callback that fired (it
 * stays owned by @wait until the next run or hangar_test_wait_reset); a
 * later callback replaces a result already handed out. A timeout names the
 * file and line of the hangar_test_wait_run() call. */
typedef struct _HangarTestWait HangarTestWait;

HangarTestWait *hangar_test_wait_new        (void);
void            hangar_test_wait_free       (HangarTestWait      *wait);
void            hangar_test_wait_cb         (GObject             *source,
                                             GAsyncResult        *result,
                                             gpointer             wait);
#define hangar_test_wait_run(wait) hangar_test_wait_run_at ((wait), G_STRLOC)
GAsyncResult   *hangar_test_wait_run_at     (HangarTestWait      *wait,
                                             const char          *where);
/* Forgets the last result, so the next callback may store a new one. */
void            hangar_test_wait_reset      (HangarTestWait      *wait);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarTestWait, hangar_test_wait_free)

G_END_DECLS
