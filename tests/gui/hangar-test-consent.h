/* hangar-test-consent.h — acting in the consent dialog's page (tests and tools)
 *
 * The consent dialog lives in libhangar-consent.so; its web view is its
 * "web-view" property. Tests and tools that link WebKitGTK run scripts in
 * it to submit the sign-in form as a user would; the application itself
 * never injects anything.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <webkit/webkit.h>

static inline void
hangar_test_consent_run_script (GtkWindow  *dialog,
                                const char *script)
{
  g_autoptr(GObject) view = NULL;

  g_assert_nonnull (dialog);
  g_object_get (dialog, "web-view", &view, NULL);
  g_assert_true (WEBKIT_IS_WEB_VIEW (view));
  webkit_web_view_evaluate_javascript (WEBKIT_WEB_VIEW (view), script, -1, NULL, NULL, NULL, NULL, NULL);
}
