/* test-page-guard.c — the rules that stop a listing going round in circles
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-api.h"

static void
assert_repeated (GError *error)
{
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE);
  g_assert_true (g_str_has_prefix (error->message, "The server repeated a page"));
  g_error_free (error);
}

static void
test_offsets (void)
{
  g_autoptr(HangarPageGuard) guard = hangar_page_guard_new ();
  GError *error = NULL;

  g_assert_true (hangar_page_guard_check (guard, 100, 100, "itrA/rec1", &error));
  g_assert_true (hangar_page_guard_check (guard, 100, 100, "itrA/rec2", &error));
  g_assert_false (hangar_page_guard_check (guard, 100, 100, "itrA/rec1", &error));
  assert_repeated (error);
  error = NULL;

  /* the last page has no offset to repeat */
  g_assert_true (hangar_page_guard_check (guard, 7, 7, NULL, &error));
  g_assert_no_error (error);
}

static void
test_nothing_new (void)
{
  g_autoptr(HangarPageGuard) guard = hangar_page_guard_new ();
  GError *error = NULL;

  g_assert_true (hangar_page_guard_check (guard, 3, 3, "o1", NULL));
  /* some repeated records among new ones are fine */
  g_assert_true (hangar_page_guard_check (guard, 3, 1, "o2", NULL));
  /* none new: stop, whatever the offset */
  g_assert_false (hangar_page_guard_check (guard, 3, 0, "o3", &error));
  assert_repeated (error);
  error = NULL;
  g_assert_false (hangar_page_guard_check (guard, 3, 0, NULL, &error));
  assert_repeated (error);
}

static void
test_empty_pages (void)
{
  g_autoptr(HangarPageGuard) guard = hangar_page_guard_new ();
  GError *error = NULL;
  guint i;

  for (i = 0; i < HANGAR_PAGE_GUARD_MAX_EMPTY_PAGES; i++)
    {
      g_autofree char *offset = g_strdup_printf ("e%u", i);

      g_assert_true (hangar_page_guard_check (guard, 0, 0, offset, NULL));
    }
  /* a page with records starts the count again */
  g_assert_true (hangar_page_guard_check (guard, 1, 1, "r", NULL));
  for (i = 0; i < HANGAR_PAGE_GUARD_MAX_EMPTY_PAGES; i++)
    {
      g_autofree char *offset = g_strdup_printf ("f%u", i);

      g_assert_true (hangar_page_guard_check (guard, 0, 0, offset, NULL));
    }
  g_assert_false (hangar_page_guard_check (guard, 0, 0, "g", &error));
  assert_repeated (error);
  /* an empty last page is just the end */
  g_assert_true (hangar_page_guard_check (guard, 0, 0, NULL, NULL));
}

static void
test_restart (void)
{
  g_autoptr(HangarPageGuard) guard = hangar_page_guard_new ();
  GError *error = NULL;

  g_assert_true (hangar_page_guard_check (guard, 100, 100, "itrA/1", NULL));
  g_assert_true (hangar_page_guard_check (guard, 100, 100, "itrA/2", NULL));

  /* after an expired iterator the first 200 records come again, with
   * offsets that may repeat too */
  hangar_page_guard_restart (guard, 200);
  g_assert_true (hangar_page_guard_check (guard, 100, 0, "itrA/1", &error));
  g_assert_no_error (error);
  g_assert_true (hangar_page_guard_check (guard, 100, 0, "itrA/2", &error));
  g_assert_no_error (error);
  g_assert_true (hangar_page_guard_check (guard, 100, 40, "itrA/3", &error));
  g_assert_no_error (error);
  /* the replay is over: nothing new is an error again */
  g_assert_false (hangar_page_guard_check (guard, 100, 0, "itrA/4", &error));
  assert_repeated (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hangar/api/page-guard/offsets", test_offsets);
  g_test_add_func ("/hangar/api/page-guard/nothing-new", test_nothing_new);
  g_test_add_func ("/hangar/api/page-guard/empty-pages", test_empty_pages);
  g_test_add_func ("/hangar/api/page-guard/restart", test_restart);

  return g_test_run ();
}
