/* hangar-connect.h — one OAuth connect: consent dialog, redirect, code exchange
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hangar-auth.h"

G_BEGIN_DECLS

/* Runs the consent flow for @integration in the WebKit dialog, checks the
 * redirect (registered URI, `state`), exchanges the code and stores the
 * account as @label (a reconnect when that label exists). Fails with
 * G_IO_ERROR_CANCELLED when the dialog was closed and with
 * HANGAR_AUTH_ERROR_CANCELLED when the user pressed Cancel on the consent
 * page: both are "cancelled", not errors, for the user. */
void           hangar_connect_oauth_async   (GtkWindow                    *parent,
                                             HangarAccountStore           *store,
                                             const char                   *label,
                                             const HangarOAuthIntegration *integration,
                                             GCancellable                 *cancellable,
                                             GAsyncReadyCallback           callback,
                                             gpointer                      user_data);
/* The same sign-in in the user's browser (the authorization URL opened
 * with gtk_show_uri), its answer awaited on the loopback redirect URI
 * (HangarOAuthListener), then checked and exchanged like the dialog's.
 * For sign-ins the consent dialog cannot host (single sign-on through
 * another site, a captcha). Cancelling @cancellable stops waiting and frees
 * the port. Finish with hangar_connect_oauth_finish(). */
void           hangar_connect_oauth_in_browser_async (GtkWindow                    *parent,
                                                      HangarAccountStore           *store,
                                                      const char                   *label,
                                                      const HangarOAuthIntegration *integration,
                                                      GCancellable                 *cancellable,
                                                      GAsyncReadyCallback           callback,
                                                      gpointer                      user_data);
/* Returns: (transfer full): the connected account. */
HangarAccount *hangar_connect_oauth_finish  (GAsyncResult                 *result,
                                             GError                      **error);

/* Whether @error only means the user cancelled. */
gboolean       hangar_connect_error_is_cancel (const GError *error);

/* A sentence for the user about a failed connect, reconnect or disconnect:
 * @prefix ("Could not connect") plus what to do about it where we know
 * (a missing or locked keyring, a refused consent, a tampered redirect). */
char          *hangar_connect_describe_error  (const char   *prefix,
                                               const GError *error);

G_END_DECLS
