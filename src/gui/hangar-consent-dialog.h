/* hangar-consent-dialog.h — the OAuth consent page in a WebKit web view
 *
 * This type lives in a separate module (libhangar-consent.so) that links
 * WebKitGTK, so the application loads WebKit only when a consent flow
 * starts. The application talks to it through hangar-consent.h, which loads
 * the module and uses this type by name; nothing here is called directly
 * from the `hangar` binary.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define HANGAR_TYPE_CONSENT_DIALOG (hangar_consent_dialog_get_type ())

G_DECLARE_FINAL_TYPE (HangarConsentDialog, hangar_consent_dialog, HANGAR, CONSENT_DIALOG, AdwWindow)

/* Signals (see class_init):
 *   gboolean decide-redirect (const char *uri): TRUE when @uri is the
 *       registered redirect URI (the handler decides by parsed components).
 *   void redirected (const char *uri): the redirect, with the authorize
 *       URI's state, was intercepted (never loaded); the dialog then closes.
 *   void cancelled (void): the user closed the dialog first.
 * Properties: "authorize-uri" (construct), "host", "secure", "web-view",
 * "refusal" (what the view refused, as the message shown, or NULL). */

/* The entry points the loader looks up (G_MODULE_EXPORT). */
GType hangar_consent_module_get_dialog_type (void);

G_END_DECLS
