/* hangar-token-source.h — where a HangarClient gets its bearer token
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hangar-types.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_TOKEN_SOURCE (hangar_token_source_get_type ())

G_DECLARE_INTERFACE (HangarTokenSource, hangar_token_source, HANGAR, TOKEN_SOURCE, GObject)

/**
 * HangarTokenSourceInterface:
 * @get_token_async: hand out a currently valid access token. An implementation
 *   that refreshes does so proactively and single-flight; concurrent callers
 *   wait for the one refresh in flight.
 * @get_token_finish: returns the token (free it with hangar_token_free()), or
 *   %NULL with an error in %HANGAR_API_ERROR: %HANGAR_API_ERROR_REVOKED when
 *   the grant is gone, %HANGAR_API_ERROR_TOKEN_EXPIRED when no token can be had.
 * @handle_unauthorized_async: the API answered 401 to a request sent with
 *   @rejected_token. Refresh once (unless a newer token already replaced it) so
 *   the client can retry exactly once.
 * @handle_unauthorized_finish: %TRUE when a retry makes sense, otherwise %FALSE
 *   and an error as for @get_token_finish.
 * @dup_budget_key: (optional) a name for the rate budget the source's
 *   requests count against, the same in every process that uses the same
 *   token or account and telling nothing of the token (letters, digits, "-"
 *   and "_"), or %NULL; see hangar_token_source_dup_budget_key().
 *
 * The extension point between the API client and the accounts layer: the
 * client never knows whether it talks with a personal access token or OAuth.
 * When a source can no longer hand out tokens it emits #HangarTokenSource::invalidated;
 * the client then cancels its in-flight requests and fails new ones at once.
 */
struct _HangarTokenSourceInterface
{
  GTypeInterface parent_iface;

  void      (*get_token_async)            (HangarTokenSource   *self,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
  char     *(*get_token_finish)           (HangarTokenSource   *self,
                                           GAsyncResult        *result,
                                           GError             **error);
  void      (*handle_unauthorized_async)  (HangarTokenSource   *self,
                                           const char          *rejected_token,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
  gboolean  (*handle_unauthorized_finish) (HangarTokenSource   *self,
                                           GAsyncResult        *result,
                                           GError             **error);
  char     *(*dup_budget_key)             (HangarTokenSource   *self);
};

void      hangar_token_source_get_token_async            (HangarTokenSource   *self,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
char     *hangar_token_source_get_token_finish           (HangarTokenSource   *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
void      hangar_token_source_handle_unauthorized_async  (HangarTokenSource   *self,
                                                          const char          *rejected_token,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean  hangar_token_source_handle_unauthorized_finish (HangarTokenSource   *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
void      hangar_token_source_emit_invalidated           (HangarTokenSource   *self,
                                                          const GError        *reason);
char     *hangar_token_source_dup_budget_key             (HangarTokenSource   *self);

/* Wipes and frees a token string. */
void      hangar_token_free                              (char                *token);


/* A fixed token, e.g. a personal access token given on the command line.
 * A 401 is final for it: handle_unauthorized fails with
 * %HANGAR_API_ERROR_AUTHENTICATION_REQUIRED and the source is invalidated. */
#define HANGAR_TYPE_STATIC_TOKEN_SOURCE (hangar_static_token_source_get_type ())

G_DECLARE_FINAL_TYPE (HangarStaticTokenSource, hangar_static_token_source, HANGAR, STATIC_TOKEN_SOURCE, GObject)

HangarTokenSource *hangar_static_token_source_new (const char *token);

G_END_DECLS
