/* hangar-token-source.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hangar-error.h"
#include "hangar-token-source.h"
#include "hangar-redact.h"

G_DEFINE_INTERFACE (HangarTokenSource, hangar_token_source, G_TYPE_OBJECT)

enum {
  INVALIDATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
hangar_token_source_default_init (HangarTokenSourceInterface *iface)
{
  /**
   * HangarTokenSource::invalidated:
   * @self: the source
   * @reason: a #GError (boxed) saying why no more tokens can be had
   *
   * Emitted once when the source turns unusable (revoked grant, expired
   * refresh token, a personal access token refused with 401).
   */
  signals[INVALIDATED] =
    g_signal_new ("invalidated",
                  G_TYPE_FROM_INTERFACE (iface),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

/**
 * hangar_token_source_get_token_async:
 * @self: a #HangarTokenSource
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the result
 * @user_data: data for @callback
 *
 * Asks for a currently valid access token.
 */
void
hangar_token_source_get_token_async (HangarTokenSource   *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (HANGAR_IS_TOKEN_SOURCE (self));

  HANGAR_TOKEN_SOURCE_GET_IFACE (self)->get_token_async (self, cancellable, callback, user_data);
}

/**
 * hangar_token_source_get_token_finish:
 * @self: a #HangarTokenSource
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Every token handed out is registered with hangar_redact_add_secret(), so
 * no message can quote it whichever source it came from.
 *
 * Returns: (transfer full): the token; free it with hangar_token_free()
 */
char *
hangar_token_source_get_token_finish (HangarTokenSource  *self,
                                      GAsyncResult       *result,
                                      GError            **error)
{
  char *token;

  g_return_val_if_fail (HANGAR_IS_TOKEN_SOURCE (self), NULL);

  token = HANGAR_TOKEN_SOURCE_GET_IFACE (self)->get_token_finish (self, result, error);
  hangar_redact_add_secret (token);
  return token;
}

/**
 * hangar_token_source_handle_unauthorized_async:
 * @self: a #HangarTokenSource
 * @rejected_token: the token the server answered 401 to
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the result
 * @user_data: data for @callback
 *
 * Reports a 401 so the source can refresh once; the client retries exactly once
 * when this succeeds.
 */
void
hangar_token_source_handle_unauthorized_async (HangarTokenSource   *self,
                                               const char          *rejected_token,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  g_return_if_fail (HANGAR_IS_TOKEN_SOURCE (self));

  HANGAR_TOKEN_SOURCE_GET_IFACE (self)->handle_unauthorized_async (self, rejected_token,
                                                                   cancellable, callback, user_data);
}

gboolean
hangar_token_source_handle_unauthorized_finish (HangarTokenSource  *self,
                                                GAsyncResult       *result,
                                                GError            **error)
{
  g_return_val_if_fail (HANGAR_IS_TOKEN_SOURCE (self), FALSE);

  return HANGAR_TOKEN_SOURCE_GET_IFACE (self)->handle_unauthorized_finish (self, result, error);
}

/**
 * hangar_token_source_emit_invalidated:
 * @self: a #HangarTokenSource
 * @reason: why the source cannot hand out tokens any more
 *
 * For implementations: announce that the source is unusable.
 */
void
hangar_token_source_emit_invalidated (HangarTokenSource *self,
                                      const GError      *reason)
{
  g_return_if_fail (HANGAR_IS_TOKEN_SOURCE (self));
  g_return_if_fail (reason != NULL);

  g_signal_emit (self, signals[INVALIDATED], 0, reason);
}

/**
 * hangar_token_source_dup_budget_key:
 * @self: a #HangarTokenSource
 *
 * Airtable counts requests per token (50 a second), whichever process
 * sends them; processes that share the key share that budget
 * (hangar-scheduler.c).
 *
 * Returns: (transfer full) (nullable): the key, %NULL when the source has
 *   none (its token's budget is then paced within the process only)
 */
char *
hangar_token_source_dup_budget_key (HangarTokenSource *self)
{
  HangarTokenSourceInterface *iface;

  g_return_val_if_fail (HANGAR_IS_TOKEN_SOURCE (self), NULL);

  iface = HANGAR_TOKEN_SOURCE_GET_IFACE (self);
  return iface->dup_budget_key != NULL ? iface->dup_budget_key (self) : NULL;
}

/**
 * hangar_token_free:
 * @token: (nullable): a token string
 *
 * Overwrites @token with zeros before freeing it.
 */
void
hangar_token_free (char *token)
{
  if (token == NULL)
    return;
  explicit_bzero (token, strlen (token));
  g_free (token);
}

/* ------------------------------------------------------------------------ */

struct _HangarStaticTokenSource
{
  GObject   parent_instance;
  char     *token;
  gboolean  invalid;
};

static void hangar_static_token_source_iface_init (HangarTokenSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HangarStaticTokenSource, hangar_static_token_source, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HANGAR_TYPE_TOKEN_SOURCE,
                                                      hangar_static_token_source_iface_init))

static void
static_get_token_async (HangarTokenSource   *source,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  HangarStaticTokenSource *self = HANGAR_STATIC_TOKEN_SOURCE (source);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, static_get_token_async);
  if (self->invalid)
    g_task_return_new_error (task, HANGAR_API_ERROR, HANGAR_API_ERROR_AUTHENTICATION_REQUIRED,
                             "%s", _("The personal access token was refused by Airtable"));
  else
    g_task_return_pointer (task, g_strdup (self->token), (GDestroyNotify) hangar_token_free);
}

static char *
static_get_token_finish (HangarTokenSource  *source,
                         GAsyncResult       *result,
                         GError            **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
static_handle_unauthorized_async (HangarTokenSource   *source,
                                  const char          *rejected_token,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  HangarStaticTokenSource *self = HANGAR_STATIC_TOKEN_SOURCE (source);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;

  g_task_set_source_tag (task, static_handle_unauthorized_async);
  error = g_error_new_literal (HANGAR_API_ERROR, HANGAR_API_ERROR_AUTHENTICATION_REQUIRED,
                               _("The personal access token was refused by Airtable"));
  if (!self->invalid)
    {
      self->invalid = TRUE;
      hangar_token_source_emit_invalidated (source, error);
    }
  g_task_return_error (task, g_steal_pointer (&error));
}

static gboolean
static_handle_unauthorized_finish (HangarTokenSource  *source,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* 64 bits of a salted SHA-256 of the token: the same for every process
 * with this token, and no way back to it. */
static char *
static_dup_budget_key (HangarTokenSource *source)
{
  HangarStaticTokenSource *self = HANGAR_STATIC_TOKEN_SOURCE (source);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  char *key;

  g_checksum_update (checksum, (const guchar *) "hangar rate budget\0", 19);
  g_checksum_update (checksum, (const guchar *) self->token, strlen (self->token));
  key = g_strdup_printf ("pat-%.16s", g_checksum_get_string (checksum));
  return key;
}

static void
hangar_static_token_source_iface_init (HangarTokenSourceInterface *iface)
{
  iface->get_token_async = static_get_token_async;
  iface->get_token_finish = static_get_token_finish;
  iface->handle_unauthorized_async = static_handle_unauthorized_async;
  iface->handle_unauthorized_finish = static_handle_unauthorized_finish;
  iface->dup_budget_key = static_dup_budget_key;
}

static void
hangar_static_token_source_finalize (GObject *object)
{
  HangarStaticTokenSource *self = HANGAR_STATIC_TOKEN_SOURCE (object);

  g_clear_pointer (&self->token, hangar_token_free);

  G_OBJECT_CLASS (hangar_static_token_source_parent_class)->finalize (object);
}

static void
hangar_static_token_source_class_init (HangarStaticTokenSourceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hangar_static_token_source_finalize;
}

static void
hangar_static_token_source_init (HangarStaticTokenSource *self)
{
}

/**
 * hangar_static_token_source_new:
 * @token: the bearer token
 *
 * Returns: (transfer full): a token source that always hands out @token
 */
HangarTokenSource *
hangar_static_token_source_new (const char *token)
{
  HangarStaticTokenSource *self;

  g_return_val_if_fail (token != NULL && *token != '\0', NULL);

  self = g_object_new (HANGAR_TYPE_STATIC_TOKEN_SOURCE, NULL);
  self->token = g_strdup (token);
  hangar_redact_add_secret (token);
  return HANGAR_TOKEN_SOURCE (self);
}
