/* hangar-oauth-token-source.h — the accounts layer's HangarTokenSource
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hangar-token-source.h"
#include "hangar-account.h"

G_BEGIN_DECLS

/*
 * HangarOAuthTokenSource: hands out the account's access token.
 *
 * For an OAuth account it refreshes proactively: a token is handed out only
 * until its expiry minus a margin (min(5 min, half its lifetime)); the
 * refresh is then sent after a short drain (min(3 s, half the margin)) so
 * requests that got the old token just before can reach the server before
 * the rotation kills it. A timer at that moment covers an idle process; it
 * is re-checked against the wall clock at least every 30 s, on every
 * get_token, and at once when logind reports a resume from suspend
 * (PrepareForSleep(false) on the system bus; skipped quietly without one).
 * Single-flight in the process (concurrent callers
 * wait for the one refresh) and across processes (an flock()ed lock file per
 * account in $XDG_RUNTIME_DIR/hangar, polled from the main loop; after taking
 * it the stored tokens are re-read and refreshed only if still needed). The new
 * pair is written to the keyring before anyone gets it. 409 → re-read (the
 * rotated-away access token is not handed out again); invalid_grant → the
 * account becomes REVOKED and the source emits "invalidated". Network
 * failures never revoke (past expiry: EXPIRED, back to ACTIVE on the next
 * success). After a failed refresh the next attempt waits (1 s doubling to
 * 5 min) so a broken endpoint is never hammered; a 401 skips that wait. A
 * refresh token near its end is renewed early; past its end the account is
 * EXPIRED without asking the server.
 *
 * For a personal-access-token account it hands out the stored PAT; a 401
 * turns the account REVOKED and invalidates the source.
 */
#define HANGAR_TYPE_OAUTH_TOKEN_SOURCE (hangar_oauth_token_source_get_type ())

G_DECLARE_FINAL_TYPE (HangarOAuthTokenSource, hangar_oauth_token_source, HANGAR, OAUTH_TOKEN_SOURCE, GObject)

/* Usually obtained through hangar_account_get_token_source(). The source
 * keeps a weak pointer to @account. */
HangarTokenSource *hangar_oauth_token_source_new              (HangarAccount          *account);
HangarAccount     *hangar_oauth_token_source_get_account      (HangarOAuthTokenSource *self);
/* The margin before expiry at which a token stops being handed out, for a
 * token that lives @lifetime_us: min(5 min, lifetime / 2). */
gint64             hangar_oauth_token_source_margin_for       (gint64                  lifetime_us);
/* How long after that the refresh is sent: min(3 s, margin / 2). */
gint64             hangar_oauth_token_source_drain_for        (gint64                  lifetime_us);
/* Forgets the cached tokens: the next get_token re-reads the keyring. */
void               hangar_oauth_token_source_forget           (HangarOAuthTokenSource *self);

G_END_DECLS
