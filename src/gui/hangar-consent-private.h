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
/* Runs @script in the dialog's page (to submit a form as a user would). */
void       hangar_consent_run_script     (GtkWindow  *dialog,
                                          const char *script);

G_END_DECLS
