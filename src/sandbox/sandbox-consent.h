/* sandbox-consent.h — the HTML of the sandbox's OAuth consent page
 *
 * Self-contained pages (inline CSS, no scripts, no external resources).
 * Every string that comes from outside (names, ids, URIs, messages) is
 * HTML-escaped here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const char         *integration_name;
  const char         *redirect_uri;
  const char         *form_token;      /* hidden, single-use */
  const char         *action;          /* form POST target */
  GPtrArray          *users;           /* of SandboxOAuthUser* */
  const char         *current_user_id;
  const char * const *scopes;
  GPtrArray          *bases;           /* of SandboxOAuthBase*, of the current user */
  const char         *message;         /* NULL or a notice shown above the form */
} SandboxConsentPage;

/* The consent page. Returns the whole document. */
GString    *sandbox_consent_render       (const SandboxConsentPage *page);

/* A page for errors that must not redirect (unknown client, bad
 * redirect_uri, expired form). */
GString    *sandbox_consent_render_error (const char *title,
                                          const char *detail);

/* Plain words for an Airtable scope (the scope itself when unknown).
 * Implemented in sandbox-oauth.c. */
const char *sandbox_oauth_describe_scope (const char *scope);

G_END_DECLS
