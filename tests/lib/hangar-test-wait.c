/* hangar-test-wait.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-test-wait.h"

#define DEFAULT_TIMEOUT_S 60
#define POLL_MS           20

struct _HangarTestWait
{
  GAsyncResult *result;
  gboolean      consumed;   /* the result was handed out by hangar_test_wait_run */
};

guint
hangar_test_wait_timeout_s (void)
{
  const char *env = g_getenv ("HANGAR_TEST_WAIT_S");
  guint64 value = 0;

  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, G_MAXUINT / 1000, &value, NULL))
    return (guint) value;
  return DEFAULT_TIMEOUT_S;
}

static gboolean
set_flag_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
poll_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

void
hangar_test_wait_until (HangarTestCondition  condition,
                        gpointer             data,
                        const char          *what)
{
  guint timeout_s = hangar_test_wait_timeout_s ();
  gboolean expired = FALSE;
  guint deadline_id;
  guint poll_id;

  if (condition (data))
    return;

  deadline_id = g_timeout_add_seconds (timeout_s, set_flag_cb, &expired);
  poll_id = g_timeout_add (POLL_MS, poll_cb, NULL);
  while (!condition (data))
    {
      if (expired)
        g_error ("Timed out after %u s waiting for %s", timeout_s, what);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (poll_id);
  if (!expired)
    g_source_remove (deadline_id);
}

void
hangar_test_run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_flag_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

gboolean
hangar_test_pointer_is_set (gpointer location)
{
  return *(gpointer *) location != NULL;
}

gboolean
hangar_test_pointer_is_null (gpointer location)
{
  return *(gpointer *) location == NULL;
}

gboolean
hangar_test_flag_is_set (gpointer flag)
{
  return *(gboolean *) flag;
}

/* --- one async result ----------------------------------------------------- */

void
hangar_test_result_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      slot)
{
  GAsyncResult **out = slot;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

GAsyncResult *
hangar_test_wait_result_at (GAsyncResult **slot,
                            const char    *where)
{
  g_autofree char *what = g_strdup_printf ("an async result (%s)", where);

  hangar_test_wait_until (hangar_test_pointer_is_set, slot, what);
  return *slot;
}

/* --- a reusable waiter ---------------------------------------------------- */

HangarTestWait *
hangar_test_wait_new (void)
{
  return g_new0 (HangarTestWait, 1);
}

void
hangar_test_wait_free (HangarTestWait *wait)
{
  if (wait == NULL)
    return;
  g_clear_object (&wait->result);
  g_free (wait);
}

void
hangar_test_wait_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  HangarTestWait *wait = user_data;

  /* A result already handed out belongs to an earlier operation. */
  if (wait->consumed)
    hangar_test_wait_reset (wait);
  g_assert_null (wait->result);
  wait->result = g_object_ref (result);
}

static gboolean
wait_has_new_result (gpointer data)
{
  HangarTestWait *wait = data;

  return wait->result != NULL && !wait->consumed;
}

GAsyncResult *
hangar_test_wait_run_at (HangarTestWait *wait,
                         const char     *where)
{
  g_autofree char *what = g_strdup_printf ("an async result (%s)", where);

  hangar_test_wait_until (wait_has_new_result, wait, what);
  wait->consumed = TRUE;
  return wait->result;
}

void
hangar_test_wait_reset (HangarTestWait *wait)
{
  g_clear_object (&wait->result);
  wait->consumed = FALSE;
}
