/* hangar-consent-private.h — the consent dialog in progress, for tests and tools only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hangar-consent.h"

G_BEGIN_DECLS

/* The dialog of the flow in progress, if any. */
GtkWindow *hangar_consent_get_dialog     (void);
/* Whether the dialog's page finished loading (not loading, some URI). */
gboolean   hangar_consent_dialog_is_loaded (GtkWindow  *dialog);
/* To act in the page as a user would, tests and tools link WebKitGTK
 * themselves and run scripts in the dialog's "web-view"
 * (tests/gui/hangar-test-consent.h): the application has no such hook. */

G_END_DECLS
