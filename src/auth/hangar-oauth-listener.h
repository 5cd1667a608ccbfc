/* hangar-oauth-listener.h — receives the browser's answer of a consent flow
 * on the loopback redirect URI (no GTK)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hangar-oauth.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_OAUTH_LISTENER (hangar_oauth_listener_get_type ())

G_DECLARE_FINAL_TYPE (HangarOAuthListener, hangar_oauth_listener, HANGAR, OAUTH_LISTENER, GObject)

/*
 * The flow's redirect URI must be http://127.0.0.1:PORT/… or
 * http://localhost:PORT/… (Airtable allows plain http only for loopback).
 * The listener binds that port on 127.0.0.1 — and on ::1 too for
 * "localhost", which a browser may resolve to it — never on another
 * address, and answers:
 *
 *  - anything but the exact redirect URI (path, and a Host header naming
 *    that host and port, so a page of another site pointed at the port
 *    gets nothing): 404;
 *  - another method than GET on it: 405;
 *  - a GET whose `state` is not the flow's (compared in constant time): a
 *    400 page, and it keeps waiting — a forged answer cannot end the
 *    sign-in;
 *  - the GET with the flow's state: the wait completes with that URI (it
 *    carries the code, or Airtable's error); the browser's request is held
 *    until hangar_oauth_listener_respond() (or the listener's end) answers
 *    it with a short page saying the tab can be closed;
 *  - anything after that: 409.
 */
HangarOAuthListener *hangar_oauth_listener_new          (HangarOAuthFlow      *flow,
                                                         GError              **error);
/* The redirect URI the listener serves. */
const char          *hangar_oauth_listener_get_redirect_uri (HangarOAuthListener *self);

/* Waits for the browser. Completes with the redirect URI that carried the
 * flow's state; parse it with hangar_oauth_flow_parse_redirect(). */
void                 hangar_oauth_listener_wait_async   (HangarOAuthListener  *self,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
char                *hangar_oauth_listener_wait_finish  (HangarOAuthListener  *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

/* Answers the browser's held request: a page titled @title saying @text
 * (plain text, shown escaped), status 200 when @ok and 400 otherwise. */
void                 hangar_oauth_listener_respond      (HangarOAuthListener  *self,
                                                         gboolean              ok,
                                                         const char           *title,
                                                         const char           *text);

/* Stops listening (also done when the listener is finalized); a held
 * request is answered as cancelled first. */
void                 hangar_oauth_listener_close        (HangarOAuthListener  *self);

G_END_DECLS
