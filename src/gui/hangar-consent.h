/* hangar-consent.h — runs one OAuth consent flow in the WebKit dialog
 *
 * Loads libhangar-consent.so (which links WebKitGTK) on first use, so the
 * `hangar` binary itself never links WebKit.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* TRUE when @uri is the registered redirect URI. */
typedef gboolean (*HangarConsentMatchFunc) (const char *uri,
                                            gpointer    user_data);

/* Loads the consent module (once). Searched in $HANGAR_CONSENT_MODULE, next
 * to the running executable (build tree), then LIBDIR/hangar. */
gboolean   hangar_consent_ensure_module  (GError                **error);

/* Whether the module has been loaded into this process. */
gboolean   hangar_consent_module_loaded  (void);

/* Opens the consent dialog on @authorize_uri. Completes with the intercepted
 * redirect URI (which the caller parses and checks), or G_IO_ERROR_CANCELLED
 * when the user closed the dialog. Cancelling @cancellable closes it. */
void       hangar_consent_run_async      (GtkWindow               *parent,
                                          const char              *authorize_uri,
                                          HangarConsentMatchFunc   match,
                                          gpointer                 match_data,
                                          GDestroyNotify           match_destroy,
                                          GCancellable            *cancellable,
                                          GAsyncReadyCallback      callback,
                                          gpointer                 user_data);
char      *hangar_consent_run_finish     (GAsyncResult            *result,
                                          GError                 **error);

/* Called when the user chooses to go on in the browser ("Open in
 * Browser"): start the sign-in there and, once the browser's answer came,
 * end the dialog with hangar_consent_complete(). FALSE (with @error, shown
 * in the dialog) when the browser cannot be used. */
typedef gboolean (*HangarConsentBrowserFunc) (GtkWindow  *dialog,
                                              gpointer    user_data,
                                              GError    **error);

/* hangar_consent_run_async() with a way on to the browser. @browser and
 * @match share @match_data. */
void       hangar_consent_run_full_async (GtkWindow               *parent,
                                          const char              *authorize_uri,
                                          HangarConsentMatchFunc   match,
                                          HangarConsentBrowserFunc browser,
                                          gpointer                 match_data,
                                          GDestroyNotify           match_destroy,
                                          GCancellable            *cancellable,
                                          GAsyncReadyCallback      callback,
                                          gpointer                 user_data);

/* Ends the flow of @dialog with @redirect_uri, as if its view had been
 * sent there (an answer that came through the browser instead). */
void       hangar_consent_complete       (GtkWindow               *dialog,
                                          const char              *redirect_uri);

G_END_DECLS
