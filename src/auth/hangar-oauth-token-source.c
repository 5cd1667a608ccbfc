/* hangar-oauth-token-source.c — proactive, single-flight token refresh
 *
 * One "run" at a time per source: load the stored tokens if needed, decide
 * whether a refresh is due, take the per-account lock file (polled from the
 * main loop, never blocking it), re-read the keyring (another process may
 * have refreshed meanwhile), refresh only if still needed, store the new pair,
 * release the lock, then answer every caller that queued up meanwhile.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hangar-account-private.h"
#include "hangar-account-store.h"
#include "hangar-auth-error.h"
#include "hangar-error.h"
#include "hangar-oauth-token-source.h"

#define MAX_MARGIN_US          (5 * 60 * G_USEC_PER_SEC)
#define MAX_TICK_MS            (30 * 1000)
#define MIN_BACKOFF_US         (1 * G_USEC_PER_SEC)
#define MAX_BACKOFF_US         (5 * 60 * G_USEC_PER_SEC)
#define LOCK_POLL_MS           20
#define LOCK_TIMEOUT_US        (30 * G_USEC_PER_SEC)
#define REFRESH_NEAR_END_US    (G_GINT64_CONSTANT (7) * 24 * 3600 * G_GINT64_CONSTANT (1000000))
/* A token this close to expiry is not handed out, even if refreshing failed:
 * min(2 s, half the refresh margin). */
#define MIN_USABLE_US          (2 * G_USEC_PER_SEC)
/* Airtable's refresh rotates the access token away at once, killing the
 * requests still on their way with it. So once a token stops being handed
 * out (at its due time), the refresh waits this long — min(3 s, half the
 * margin) — for requests that got it just before to reach the server. Every
 * process stops handing a token out at the same wall-clock moment (they
 * share the stored expiry), so the wait covers the other processes too. */
#define MAX_DRAIN_US           (3 * G_USEC_PER_SEC)

typedef struct
{
  GTask    *task;
  gboolean  unauthorized;
  char     *rejected;
} Waiter;

struct _HangarOAuthTokenSource
{
  GObject            parent_instance;

  GWeakRef           account;
  HangarCredentials *creds;          /* cached; NULL until loaded */
  gboolean           invalid;
  GError            *invalid_error;

  GQueue             waiters;        /* of Waiter* */
  gboolean           running;
  GCancellable      *cancellable;    /* internal work; cancelled in dispose */

  guint              timer_id;
  gint64             timer_target;   /* wall clock, µs */

  int                lock_fd;
  guint              lock_poll_id;
  gint64             lock_deadline;  /* monotonic, µs */

  /* After a failed refresh, no new attempt before this (monotonic µs), so a
   * broken token endpoint is not hammered (Airtable revokes grants that
   * refresh too often). Doubles from 1 s up to 5 min; reset on success. */
  gint64             retry_not_before;
  gint64             backoff_us;
  GError            *last_error;

  guint              drain_id;       /* waiting before sending a refresh */
};

static void hangar_oauth_token_source_iface_init (HangarTokenSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HangarOAuthTokenSource, hangar_oauth_token_source, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HANGAR_TYPE_TOKEN_SOURCE,
                                                      hangar_oauth_token_source_iface_init))

static void run_start        (HangarOAuthTokenSource *self);
static void run_decide       (HangarOAuthTokenSource *self);
static void run_finish       (HangarOAuthTokenSource *self,
                              const GError           *error);
static void run_finish_keep_backoff (HangarOAuthTokenSource *self,
                                     const GError           *error);
static void schedule_timer   (HangarOAuthTokenSource *self);
static void resume_watch_ref (void);

/* Every live source, for the resume handler. */
static GList *live_sources;
static gint64 clock_skew_us;

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */

static void
waiter_free (Waiter *w)
{
  g_clear_object (&w->task);
  hangar_token_free (w->rejected);
  g_free (w);
}

static HangarAccount *
dup_account (HangarOAuthTokenSource *self)
{
  return g_weak_ref_get (&self->account);
}

static HangarAccountStore *
get_store (HangarAccount *account)
{
  return account ? hangar_account_get_store (account) : NULL;
}

gint64
_hangar_auth_get_real_time (void)
{
  return g_get_real_time () + clock_skew_us;
}

void
_hangar_auth_set_clock_skew (gint64 skew_us)
{
  clock_skew_us = skew_us;
}

/**
 * hangar_oauth_token_source_margin_for:
 * @lifetime_us: how long the access token lives, in µs
 *
 * Returns: how long before expiry a refresh is due: min(5 min, lifetime / 2)
 */
gint64
hangar_oauth_token_source_margin_for (gint64 lifetime_us)
{
  if (lifetime_us <= 0)
    lifetime_us = G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC;
  return MIN (MAX_MARGIN_US, lifetime_us / 2);
}

/**
 * hangar_oauth_token_source_drain_for:
 * @lifetime_us: how long the access token lives, in µs
 *
 * Returns: how long after a token stopped being handed out its refresh is
 *   sent, so requests already on their way are not killed by the rotation:
 *   min(3 s, margin / 2)
 */
gint64
hangar_oauth_token_source_drain_for (gint64 lifetime_us)
{
  return MIN (MAX_DRAIN_US, hangar_oauth_token_source_margin_for (lifetime_us) / 2);
}

static gint64
margin_of (const HangarCredentials *creds)
{
  gint64 lifetime = 0;

  if (creds->issued_at > 0 && creds->access_expires_at > creds->issued_at)
    lifetime = creds->access_expires_at - creds->issued_at;
  return hangar_oauth_token_source_margin_for (lifetime);
}

static gint64
refresh_near_end_of (const HangarCredentials *creds)
{
  gint64 lifetime = 0;

  if (creds->issued_at > 0 && creds->refresh_expires_at > creds->issued_at)
    lifetime = creds->refresh_expires_at - creds->issued_at;
  if (lifetime <= 0)
    return REFRESH_NEAR_END_US;
  return MIN (REFRESH_NEAR_END_US, lifetime / 5);
}

static gint64
lifetime_of (const HangarCredentials *creds)
{
  if (creds->issued_at > 0 && creds->access_expires_at > creds->issued_at)
    return creds->access_expires_at - creds->issued_at;
  return 0;
}

/* When the access token stops being handed out: its margin before expiry,
 * or earlier when the refresh token nears its end (refreshing renews it).
 * G_MAXINT64 for a token that never expires. */
static gint64
due_at (const HangarCredentials *creds)
{
  gint64 t;

  if (creds->access_token == NULL)
    return 0;
  if (creds->access_expires_at == 0)
    return G_MAXINT64;
  t = creds->access_expires_at - margin_of (creds);
  if (creds->refresh_expires_at > 0)
    t = MIN (t, creds->refresh_expires_at - refresh_near_end_of (creds));
  return t;
}

/* When the refresh is sent: the due time plus the drain, but never more
 * than a quarter of the way from there to the end that made it due (the access token's
 * expiry, or the refresh token's end for a short-lived refresh token). */
static gint64
send_at (const HangarCredentials *creds)
{
  gint64 due = due_at (creds);
  gint64 end = creds->access_expires_at;
  gint64 drain;

  if (due == 0 || due == G_MAXINT64)
    return due;
  if (creds->refresh_expires_at > 0 &&
      creds->refresh_expires_at - refresh_near_end_of (creds) <= creds->access_expires_at - margin_of (creds))
    end = creds->refresh_expires_at;
  drain = MIN (hangar_oauth_token_source_drain_for (lifetime_of (creds)), (end - due) / 4);
  return due + MAX (drain, 0);
}

static gboolean
is_pat (HangarOAuthTokenSource *self)
{
  g_autoptr(HangarAccount) account = dup_account (self);

  return account != NULL && hangar_account_get_kind (account) == HANGAR_ACCOUNT_KIND_PAT;
}

/* A refresh is due: the access token is within its margin of expiry, or the
 * refresh token is near its end (refreshing renews it). */
static gboolean
refresh_due (const HangarCredentials *creds,
             gint64                   now)
{
  return now >= due_at (creds);
}

static gboolean
token_usable (const HangarCredentials *creds,
              gint64                   now)
{
  if (creds == NULL || creds->access_token == NULL)
    return FALSE;
  if (creds->access_expires_at == 0)
    return TRUE;
  return now < creds->access_expires_at - MIN (MIN_USABLE_US, margin_of (creds) / 2);
}

static GError *
to_api_error (const GError *error)
{
  GError *ret;
  int code = HANGAR_API_ERROR_FAILED;

  if (error->domain == HANGAR_API_ERROR || error->domain == G_IO_ERROR)
    return g_error_copy (error);
  if (error->domain == HANGAR_AUTH_ERROR)
    switch (error->code)
      {
      case HANGAR_AUTH_ERROR_NETWORK: code = HANGAR_API_ERROR_NETWORK; break;
      case HANGAR_AUTH_ERROR_INVALID_GRANT: code = HANGAR_API_ERROR_REVOKED; break;
      case HANGAR_AUTH_ERROR_CONFLICT: code = HANGAR_API_ERROR_TOKEN_EXPIRED; break;
      case HANGAR_AUTH_ERROR_NOT_FOUND: code = HANGAR_API_ERROR_REVOKED; break;
      default: code = HANGAR_API_ERROR_FAILED; break;
      }
  ret = g_error_new_literal (HANGAR_API_ERROR, code, error->message);
  return ret;
}

/* Mirrors the fresh credentials into the account's (non-secret) metadata. */
static void
update_account_after_refresh (HangarOAuthTokenSource *self,
                              gboolean                refreshed)
{
  g_autoptr(HangarAccount) account = dup_account (self);
  g_autofree char *reason = NULL;
  gint64 now = _hangar_auth_get_real_time ();

  if (account == NULL || self->creds == NULL)
    return;

  g_object_freeze_notify (G_OBJECT (account));
  _hangar_account_set_expiry (account,
                              self->creds->access_expires_at / G_USEC_PER_SEC,
                              self->creds->refresh_expires_at / G_USEC_PER_SEC);
  if (refreshed)
    _hangar_account_set_last_refresh (account, now / G_USEC_PER_SEC);
  if (refreshed && self->creds->scope != NULL)
    {
      g_auto(GStrv) scopes = g_strsplit_set (self->creds->scope, " ", -1);
      _hangar_account_set_scopes (account, (const char * const *) scopes);
    }
  if (self->creds->refresh_expires_at > 0 &&
      self->creds->refresh_expires_at - now < refresh_near_end_of (self->creds))
    {
      g_autoptr(GDateTime) end = g_date_time_new_from_unix_local (self->creds->refresh_expires_at / G_USEC_PER_SEC);
      g_autofree char *when = g_date_time_format (end, "%Y-%m-%d %H:%M");

      reason = g_strdup_printf (_("The sign-in ends on %s unless it is renewed before"), when);
    }
  hangar_account_set_status (account, HANGAR_ACCOUNT_STATUS_ACTIVE, reason);
  g_object_thaw_notify (G_OBJECT (account));
}

static void
invalidate (HangarOAuthTokenSource *self,
            HangarAccountStatus     status,
            int                     api_code,
            const char             *reason)
{
  g_autoptr(HangarAccount) account = dup_account (self);
  g_autoptr(GError) error = NULL;

  if (self->invalid)
    return;
  self->invalid = TRUE;
  g_clear_handle_id (&self->timer_id, g_source_remove);
  error = g_error_new_literal (HANGAR_API_ERROR, api_code, reason);
  self->invalid_error = g_error_copy (error);
  if (account != NULL)
    hangar_account_set_status (account, status, reason);
  hangar_token_source_emit_invalidated (HANGAR_TOKEN_SOURCE (self), error);
}

gboolean
_hangar_oauth_token_source_is_invalid (HangarOAuthTokenSource *self)
{
  return self->invalid;
}

/* ------------------------------------------------------------------------ */
/* Lock file                                                                */

static void
lock_release (HangarOAuthTokenSource *self)
{
  g_clear_handle_id (&self->lock_poll_id, g_source_remove);
  if (self->lock_fd >= 0)
    {
      flock (self->lock_fd, LOCK_UN);
      close (self->lock_fd);
      self->lock_fd = -1;
    }
}

static char *
lock_path (HangarAccount *account)
{
  g_autofree char *name = g_strconcat (hangar_account_get_id (account), ".lock", NULL);

  return g_build_filename (g_get_user_runtime_dir (), "hangar", name, NULL);
}

static void run_locked (HangarOAuthTokenSource *self);

static gboolean
lock_try (HangarOAuthTokenSource *self)
{
  if (flock (self->lock_fd, LOCK_EX | LOCK_NB) == 0)
    return TRUE;
  if (errno != EWOULDBLOCK && errno != EINTR)
    g_warning ("Could not lock the account: %s", g_strerror (errno));
  return FALSE;
}

static gboolean
lock_poll_cb (gpointer user_data)
{
  HangarOAuthTokenSource *self = user_data;

  if (lock_try (self))
    {
      self->lock_poll_id = 0;
      run_locked (self);
      return G_SOURCE_REMOVE;
    }
  if (g_get_monotonic_time () > self->lock_deadline)
    {
      g_autoptr(GError) error = NULL;

      self->lock_poll_id = 0;
      lock_release (self);
      error = g_error_new (HANGAR_API_ERROR, HANGAR_API_ERROR_FAILED, "%s",
                           _("Another program kept this account's refresh lock for too long"));
      run_finish (self, error);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
lock_acquire (HangarOAuthTokenSource *self)
{
  g_autoptr(HangarAccount) account = dup_account (self);
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GError) dir_error = NULL;

  if (account == NULL)
    {
      g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", "Account gone");
      run_finish (self, error);
      return;
    }
  path = lock_path (account);
  dir = g_path_get_dirname (path);
  if (!_hangar_auth_ensure_private_dir (dir, &dir_error))
    g_debug ("%s", dir_error->message);
  self->lock_fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (self->lock_fd < 0)
    {
      int errsv = errno;
      g_autoptr(GError) error = g_error_new (HANGAR_API_ERROR, HANGAR_API_ERROR_FAILED,
                                             _("Could not open the lock file %s: %s"),
                                             path, g_strerror (errsv));
      run_finish (self, error);
      return;
    }
  /* A lock file left by an older version may have looser permissions. */
  if (fchmod (self->lock_fd, 0600) != 0)
    g_debug ("Could not restrict the lock file: %s", g_strerror (errno));
  if (lock_try (self))
    {
      run_locked (self);
      return;
    }
  self->lock_deadline = g_get_monotonic_time () + LOCK_TIMEOUT_US;
  self->lock_poll_id = g_timeout_add (LOCK_POLL_MS, lock_poll_cb, self);
}

/* ------------------------------------------------------------------------ */
/* The run                                                                  */

static gboolean
any_rejected_equals (HangarOAuthTokenSource *self,
                     const char             *token)
{
  if (token == NULL)
    return FALSE;
  for (GList *l = self->waiters.head; l != NULL; l = l->next)
    {
      Waiter *w = l->data;

      if (w->unauthorized && g_strcmp0 (w->rejected, token) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
adopt (HangarOAuthTokenSource *self,
       HangarCredentials      *creds)
{
  g_clear_pointer (&self->creds, hangar_credentials_free);
  self->creds = creds;
}

/* Answers every waiter with the state we are in now. @error is what went
 * wrong, if anything (a still-usable token is handed out despite it). */
static void
run_finish (HangarOAuthTokenSource *self,
            const GError           *error)
{
  g_autoptr(GObject) keep = g_object_ref (G_OBJECT (self));
  gint64 now = _hangar_auth_get_real_time ();
  Waiter *w;

  lock_release (self);
  self->running = FALSE;

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      self->backoff_us = CLAMP (self->backoff_us * 2, MIN_BACKOFF_US, MAX_BACKOFF_US);
      self->retry_not_before = g_get_monotonic_time () + self->backoff_us;
      g_clear_error (&self->last_error);
      self->last_error = g_error_copy (error);
    }
  else if (error == NULL)
    {
      self->backoff_us = 0;
      self->retry_not_before = 0;
      g_clear_error (&self->last_error);
    }

  while ((w = g_queue_pop_head (&self->waiters)) != NULL)
    {
      if (self->invalid)
        g_task_return_error (w->task, g_error_copy (self->invalid_error));
      else if (w->unauthorized)
        {
          if (self->creds != NULL && self->creds->access_token != NULL &&
              g_strcmp0 (self->creds->access_token, w->rejected) != 0 &&
              token_usable (self->creds, now))
            g_task_return_boolean (w->task, TRUE);
          else if (error != NULL)
            g_task_return_error (w->task, to_api_error (error));
          else
            g_task_return_new_error (w->task, HANGAR_API_ERROR, HANGAR_API_ERROR_AUTHENTICATION_REQUIRED,
                                     "%s", _("Airtable refused the access token"));
        }
      else if (token_usable (self->creds, now))
        g_task_return_pointer (w->task, g_strdup (self->creds->access_token),
                               (GDestroyNotify) hangar_token_free);
      else if (error != NULL)
        g_task_return_error (w->task, to_api_error (error));
      else
        g_task_return_new_error (w->task, HANGAR_API_ERROR, HANGAR_API_ERROR_TOKEN_EXPIRED,
                                 "%s", _("No valid access token could be had"));
      waiter_free (w);
    }

  schedule_timer (self);
}

static void
run_finish_keep_backoff (HangarOAuthTokenSource *self,
                         const GError           *error)
{
  gint64 retry = self->retry_not_before;
  gint64 backoff = self->backoff_us;

  run_finish (self, error);
  self->retry_not_before = retry;
  self->backoff_us = backoff;
  schedule_timer (self);
}

static void
handle_refresh_failure (HangarOAuthTokenSource *self,
                        const GError           *error)
{
  g_autoptr(HangarAccount) account = dup_account (self);
  gint64 now = _hangar_auth_get_real_time ();

  if (g_error_matches (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_GRANT))
    {
      g_autofree char *reason = g_strdup_printf (_("Airtable refused to refresh the sign-in (%s); "
                                                   "the access was revoked or has ended — reconnect the account"),
                                                 error->message);
      invalidate (self, HANGAR_ACCOUNT_STATUS_REVOKED, HANGAR_API_ERROR_REVOKED, reason);
    }
  else if (g_error_matches (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_CLIENT))
    {
      if (account != NULL)
        hangar_account_set_status (account, HANGAR_ACCOUNT_STATUS_ERROR, error->message);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
           !token_usable (self->creds, now) && account != NULL)
    {
      /* Offline (or a server fault) past expiry: never REVOKED for that. */
      g_autofree char *reason = g_strdup_printf (_("The access token expired and could not be refreshed: %s"),
                                                 error->message);
      hangar_account_set_status (account, HANGAR_ACCOUNT_STATUS_EXPIRED, reason);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && account != NULL &&
           self->creds != NULL && self->creds->refresh_expires_at > 0 &&
           self->creds->refresh_expires_at - now < refresh_near_end_of (self->creds))
    {
      /* Still usable, but the sign-in is about to end and renewing failed. */
      g_autoptr(GDateTime) end = g_date_time_new_from_unix_local (self->creds->refresh_expires_at / G_USEC_PER_SEC);
      g_autofree char *when = g_date_time_format (end, "%Y-%m-%d %H:%M");
      g_autofree char *reason = g_strdup_printf (_("The sign-in ends on %s and could not be renewed yet: %s"),
                                                 when, error->message);
      hangar_account_set_status (account, HANGAR_ACCOUNT_STATUS_ACTIVE, reason);
    }
  run_finish (self, error);
}

static void
reread_after_conflict_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(HangarOAuthTokenSource) self = user_data;
  g_autoptr(GError) error = NULL;
  HangarCredentials *stored;

  stored = hangar_account_store_load_credentials_finish (HANGAR_ACCOUNT_STORE (object), result, &error);
  if (stored != NULL && self->creds != NULL &&
      g_strcmp0 (stored->access_token, self->creds->access_token) != 0)
    {
      /* Someone else refreshed just now: use their pair. */
      adopt (self, stored);
      update_account_after_refresh (self, FALSE);
      run_finish (self, NULL);
      return;
    }
  g_clear_pointer (&stored, hangar_credentials_free);
  /* Whoever refreshed rotated our access token away too: do not hand it
   * out (it would only meet a 401); wait for the backoff, then re-read. */
  if (self->creds != NULL)
    self->creds->access_expires_at = MIN (self->creds->access_expires_at, _hangar_auth_get_real_time ());
  if (error == NULL)
    error = g_error_new (HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_CONFLICT, "%s",
                         _("The token was just refreshed elsewhere, but no newer token is stored"));
  run_finish (self, error);
}

static void
stored_new_pair_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(HangarOAuthTokenSource) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarAccountStore) store = NULL;
  HangarCredentials *fresh = g_object_steal_data (G_OBJECT (self), "hangar-fresh");

  if (!hangar_account_store_save_credentials_finish (HANGAR_ACCOUNT_STORE (object), result, &error))
    {
      /* The old pair is dead already; keep the new one in memory so this
       * process can go on, but tell the callers. */
      g_warning ("Could not store the refreshed tokens: %s", error->message);
      adopt (self, fresh);
      run_finish (self, error);
      return;
    }
  adopt (self, fresh);
  update_account_after_refresh (self, TRUE);
  store = g_object_ref (HANGAR_ACCOUNT_STORE (object));
  run_finish (self, NULL);
}

static void
refreshed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(HangarOAuthTokenSource) self = user_data;
  g_autoptr(HangarAccount) account = dup_account (self);
  HangarAccountStore *store = get_store (account);
  g_autoptr(GError) error = NULL;
  HangarCredentials *fresh;

  fresh = hangar_oauth_refresh_finish (result, &error);
  if (fresh == NULL)
    {
      if (g_error_matches (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_CONFLICT) && store != NULL)
        {
          /* 409: a duplicate refresh. Never retry with the same token. */
          lock_release (self);
          hangar_account_store_load_credentials_async (store, account, self->cancellable,
                                                       reread_after_conflict_cb, g_object_ref (self));
          return;
        }
      handle_refresh_failure (self, error);
      return;
    }
  if (store == NULL)
    {
      hangar_credentials_free (fresh);
      error = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", "Account gone");
      run_finish (self, error);
      return;
    }

  fresh->client_secret = g_strdup (self->creds ? self->creds->client_secret : NULL);
  g_object_set_data_full (G_OBJECT (self), "hangar-fresh", fresh, (GDestroyNotify) hangar_credentials_free);
  /* Stored before anyone gets it: a crash now must not lose the only
   * valid refresh token. */
  hangar_account_store_save_credentials_async (store, account, fresh, self->cancellable,
                                               stored_new_pair_cb, g_object_ref (self));
}

static void
start_refresh (HangarOAuthTokenSource *self)
{
  g_autoptr(HangarAccount) account = dup_account (self);
  HangarAccountStore *store = get_store (account);
  g_autoptr(HangarOAuthIntegration) integration = NULL;
  gint64 now = _hangar_auth_get_real_time ();

  if (store == NULL)
    {
      g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", "Account gone");
      run_finish (self, error);
      return;
    }
  if (self->creds->refresh_token == NULL)
    {
      invalidate (self, HANGAR_ACCOUNT_STATUS_ERROR, HANGAR_API_ERROR_TOKEN_EXPIRED,
                  _("No refresh token is stored — reconnect the account"));
      run_finish (self, NULL);
      return;
    }
  if (self->creds->refresh_expires_at > 0 && now >= self->creds->refresh_expires_at)
    {
      invalidate (self, HANGAR_ACCOUNT_STATUS_EXPIRED, HANGAR_API_ERROR_TOKEN_EXPIRED,
                  _("The sign-in ended (the refresh token is past its 60 days) — reconnect the account"));
      run_finish (self, NULL);
      return;
    }

  integration = _hangar_account_dup_integration (account);
  if (self->creds->client_secret != NULL)
    integration->client_secret = g_strdup (self->creds->client_secret);
  g_debug ("Refreshing the access token of account %s", hangar_account_get_id (account));
  hangar_oauth_refresh_async (hangar_account_store_get_session (store), integration,
                              self->creds->refresh_token, self->cancellable,
                              refreshed_cb, g_object_ref (self));
}

static gboolean
still_needed (HangarOAuthTokenSource *self)
{
  return refresh_due (self->creds, _hangar_auth_get_real_time ()) ||
         any_rejected_equals (self, self->creds->access_token);
}

static void
reread_locked_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(HangarOAuthTokenSource) self = user_data;
  g_autoptr(GError) error = NULL;
  HangarCredentials *stored;

  stored = hangar_account_store_load_credentials_finish (HANGAR_ACCOUNT_STORE (object), result, &error);
  if (stored == NULL)
    {
      if (g_error_matches (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_NOT_FOUND))
        invalidate (self, HANGAR_ACCOUNT_STATUS_ERROR, HANGAR_API_ERROR_REVOKED,
                    _("The account's credentials are missing from the keyring — reconnect it"));
      run_finish (self, error);
      return;
    }
  if (self->creds != NULL && g_strcmp0 (stored->access_token, self->creds->access_token) != 0)
    g_debug ("Another process refreshed the tokens; using theirs");
  adopt (self, stored);
  if (!still_needed (self))
    {
      update_account_after_refresh (self, FALSE);
      run_finish (self, NULL);
      return;
    }
  start_refresh (self);
}

static void
run_locked (HangarOAuthTokenSource *self)
{
  g_autoptr(HangarAccount) account = dup_account (self);
  HangarAccountStore *store = get_store (account);

  if (store == NULL)
    {
      g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", "Account gone");
      run_finish (self, error);
      return;
    }
  /* Under the lock, the keyring is the truth. */
  hangar_account_store_load_credentials_async (store, account, self->cancellable,
                                               reread_locked_cb, g_object_ref (self));
}

static gboolean
drain_done_cb (gpointer user_data)
{
  HangarOAuthTokenSource *self = user_data;

  self->drain_id = 0;
  if (self->invalid)
    run_finish (self, NULL);
  else
    lock_acquire (self);
  return G_SOURCE_REMOVE;
}

static void
run_decide (HangarOAuthTokenSource *self)
{
  if (self->invalid)
    {
      run_finish (self, NULL);
      return;
    }
  if (is_pat (self))
    {
      /* A PAT never refreshes; a 401 is final. */
      if (any_rejected_equals (self, self->creds->access_token))
        invalidate (self, HANGAR_ACCOUNT_STATUS_REVOKED, HANGAR_API_ERROR_REVOKED,
                    _("Airtable refused the personal access token (401) — it was revoked or "
                      "lost access; connect a new one"));
      run_finish (self, NULL);
      return;
    }
  if (!still_needed (self))
    {
      run_finish (self, NULL);
      return;
    }
  /* Backing off after a failure: callers get the still-usable token, or
   * the last error, without another request to the token endpoint. A 401
   * is different: the server just told us the token is dead. */
  if (self->last_error != NULL && g_get_monotonic_time () < self->retry_not_before &&
      !any_rejected_equals (self, self->creds->access_token))
    {
      g_autoptr(GError) last = g_error_copy (self->last_error);

      run_finish_keep_backoff (self, last);
      return;
    }
  /* Let requests that got the token just before it stopped being handed
   * out reach the server before the refresh rotates it away. Not after a
   * 401 (the server already refused it) nor past expiry. */
  if (!any_rejected_equals (self, self->creds->access_token) &&
      self->creds->access_token != NULL)
    {
      gint64 now = _hangar_auth_get_real_time ();
      gint64 when = send_at (self->creds);

      if (now < when && now < self->creds->access_expires_at)
        {
          guint ms = (guint) ((when - now + 999) / 1000);

          g_clear_handle_id (&self->drain_id, g_source_remove);
          self->drain_id = g_timeout_add (ms, drain_done_cb, self);
          return;
        }
    }
  lock_acquire (self);
}

static void
initial_load_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(HangarOAuthTokenSource) self = user_data;
  g_autoptr(GError) error = NULL;
  HangarCredentials *stored;

  stored = hangar_account_store_load_credentials_finish (HANGAR_ACCOUNT_STORE (object), result, &error);
  if (stored == NULL)
    {
      if (g_error_matches (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_NOT_FOUND))
        invalidate (self, HANGAR_ACCOUNT_STATUS_ERROR, HANGAR_API_ERROR_REVOKED,
                    _("The account's credentials are missing from the keyring — reconnect it"));
      run_finish (self, error);
      return;
    }
  adopt (self, stored);
  run_decide (self);
}

static void
run_start (HangarOAuthTokenSource *self)
{
  g_autoptr(HangarAccount) account = dup_account (self);
  HangarAccountStore *store = get_store (account);

  if (self->running)
    return;
  self->running = TRUE;

  if (store == NULL)
    {
      g_autoptr(GError) error = g_error_new (HANGAR_API_ERROR, HANGAR_API_ERROR_FAILED, "%s",
                                             _("The account is no longer in the account store"));
      run_finish (self, error);
      return;
    }
  if (self->creds == NULL)
    {
      hangar_account_store_load_credentials_async (store, account, self->cancellable,
                                                   initial_load_cb, g_object_ref (self));
      return;
    }
  run_decide (self);
}

/* ------------------------------------------------------------------------ */
/* Timer                                                                    */

/* Compares the wall clock with the refresh time: the main loop's timers
 * run on the monotonic clock, which stands still while the machine
 * sleeps, so after a resume the wall clock may be far ahead. */
static void
recheck (HangarOAuthTokenSource *self)
{
  if (self->running || self->invalid)
    return;
  if (self->creds != NULL && !is_pat (self) &&
      _hangar_auth_get_real_time () >= send_at (self->creds) &&
      g_get_monotonic_time () >= self->retry_not_before)
    run_start (self);
  else
    schedule_timer (self);
}

static gboolean
timer_cb (gpointer user_data)
{
  HangarOAuthTokenSource *self = user_data;

  self->timer_id = 0;
  recheck (self);
  return G_SOURCE_REMOVE;
}

/* ------------------------------------------------------------------------ */
/* Resume from suspend (logind)                                             */

/* One process-wide subscription to logind's PrepareForSleep on the system
 * bus. No system bus (tests, containers, Flatpak without the permission):
 * nothing happens, quietly; the 30 s wall-clock tick still covers a wake. */
static GDBusConnection *resume_bus;
static guint resume_subscription;
static gboolean resume_connecting;
static gboolean resume_unavailable;

void
_hangar_oauth_token_source_recheck_all (void)
{
  g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func (g_object_unref);

  /* A re-check may finish a run and drop the last reference elsewhere. */
  for (GList *l = live_sources; l != NULL; l = l->next)
    g_ptr_array_add (sources, g_object_ref (l->data));
  for (guint i = 0; i < sources->len; i++)
    recheck (g_ptr_array_index (sources, i));
}

gboolean
_hangar_oauth_token_source_resume_watch_active (void)
{
  return resume_subscription != 0;
}

static void
prepare_for_sleep_cb (GDBusConnection *connection,
                      const char      *sender,
                      const char      *object_path,
                      const char      *interface,
                      const char      *signal,
                      GVariant        *parameters,
                      gpointer         user_data)
{
  gboolean going_to_sleep = TRUE;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    return;
  g_variant_get (parameters, "(b)", &going_to_sleep);
  if (going_to_sleep)
    return;
  g_debug ("Resumed from suspend: re-checking token expiry");
  _hangar_oauth_token_source_recheck_all ();
}

static void
system_bus_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  resume_connecting = FALSE;
  resume_bus = g_bus_get_finish (result, &error);
  if (resume_bus == NULL)
    {
      g_debug ("No system bus, so no resume notifications: %s", error->message);
      resume_unavailable = TRUE;
      return;
    }
  /* A sleeping machine must not keep the process alive or exit it. */
  g_dbus_connection_set_exit_on_close (resume_bus, FALSE);
  resume_subscription =
    g_dbus_connection_signal_subscribe (resume_bus, "org.freedesktop.login1",
                                        "org.freedesktop.login1.Manager", "PrepareForSleep",
                                        "/org/freedesktop/login1", NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE,
                                        prepare_for_sleep_cb, NULL, NULL);
}

static void
resume_watch_ref (void)
{
  if (resume_subscription != 0 || resume_connecting || resume_unavailable)
    return;
  resume_connecting = TRUE;
  g_bus_get (G_BUS_TYPE_SYSTEM, NULL, system_bus_cb, NULL);
}

static void
schedule_timer (HangarOAuthTokenSource *self)
{
  gint64 now = _hangar_auth_get_real_time ();
  gint64 delay_ms;

  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->invalid || self->running || self->creds == NULL || is_pat (self) ||
      self->creds->access_expires_at == 0 || self->creds->refresh_token == NULL)
    return;

  /* Callers that come within the margin wait for the refresh, which is
   * sent after the drain; the timer, at that moment, covers an idle
   * process (and is re-checked at least every 30 s against the wall
   * clock, and at once on resume from suspend). */
  self->timer_target = send_at (self->creds);
  delay_ms = (self->timer_target - now) / 1000;
  if (self->retry_not_before > 0)
    delay_ms = MAX (delay_ms, (self->retry_not_before - g_get_monotonic_time ()) / 1000 + 1);
  delay_ms = CLAMP (delay_ms, 0, MAX_TICK_MS);
  self->timer_id = g_timeout_add ((guint) delay_ms, timer_cb, self);
}

/* ------------------------------------------------------------------------ */
/* HangarTokenSource                                                        */

static void
enqueue (HangarOAuthTokenSource *self,
         GTask                  *task,
         gboolean                unauthorized,
         const char             *rejected)
{
  Waiter *w = g_new0 (Waiter, 1);

  w->task = task;
  w->unauthorized = unauthorized;
  w->rejected = g_strdup (rejected);
  g_queue_push_tail (&self->waiters, w);
  run_start (self);
}

/* Another process may have refreshed: the metadata file (re-read by the
 * store's monitor) then shows a later expiry than our cached pair. */
static void
check_metadata_newer (HangarOAuthTokenSource *self)
{
  g_autoptr(HangarAccount) account = dup_account (self);

  if (account == NULL || self->creds == NULL || self->running)
    return;
  if (hangar_account_get_access_expires_at (account) > self->creds->access_expires_at / G_USEC_PER_SEC + 1)
    g_clear_pointer (&self->creds, hangar_credentials_free);
}

static void
oauth_get_token_async (HangarTokenSource   *source,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  HangarOAuthTokenSource *self = HANGAR_OAUTH_TOKEN_SOURCE (source);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  gint64 now = _hangar_auth_get_real_time ();

  g_task_set_source_tag (task, oauth_get_token_async);
  if (self->invalid)
    {
      g_task_return_error (task, g_error_copy (self->invalid_error));
      g_object_unref (task);
      return;
    }
  check_metadata_newer (self);
  /* Fast path: a cached token outside its margin. Also re-checks the wall
   * clock on every call, which covers a missed timer after suspend. */
  if (!self->running && self->creds != NULL && self->creds->access_token != NULL &&
      !refresh_due (self->creds, now))
    {
      g_task_return_pointer (task, g_strdup (self->creds->access_token),
                             (GDestroyNotify) hangar_token_free);
      g_object_unref (task);
      return;
    }
  enqueue (self, task, FALSE, NULL);
}

static char *
oauth_get_token_finish (HangarTokenSource  *source,
                        GAsyncResult       *result,
                        GError            **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
oauth_handle_unauthorized_async (HangarTokenSource   *source,
                                 const char          *rejected_token,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  HangarOAuthTokenSource *self = HANGAR_OAUTH_TOKEN_SOURCE (source);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, oauth_handle_unauthorized_async);
  if (self->invalid)
    {
      g_task_return_error (task, g_error_copy (self->invalid_error));
      g_object_unref (task);
      return;
    }
  /* A newer token already replaced the rejected one: just retry. */
  if (!self->running && self->creds != NULL && self->creds->access_token != NULL &&
      rejected_token != NULL && g_strcmp0 (self->creds->access_token, rejected_token) != 0 &&
      token_usable (self->creds, _hangar_auth_get_real_time ()))
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  enqueue (self, task, TRUE, rejected_token ? rejected_token : "");
}

static gboolean
oauth_handle_unauthorized_finish (HangarTokenSource  *source,
                                  GAsyncResult       *result,
                                  GError            **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Every process signed in as this account shares its token's budget. */
static char *
oauth_dup_budget_key (HangarTokenSource *source)
{
  g_autoptr(HangarAccount) account = dup_account (HANGAR_OAUTH_TOKEN_SOURCE (source));
  const char *id = account != NULL ? hangar_account_get_id (account) : NULL;

  if (id == NULL)
    return NULL;
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return NULL;
  return g_strconcat ("account-", id, NULL);
}

static void
hangar_oauth_token_source_iface_init (HangarTokenSourceInterface *iface)
{
  iface->get_token_async = oauth_get_token_async;
  iface->get_token_finish = oauth_get_token_finish;
  iface->handle_unauthorized_async = oauth_handle_unauthorized_async;
  iface->handle_unauthorized_finish = oauth_handle_unauthorized_finish;
  iface->dup_budget_key = oauth_dup_budget_key;
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                  */

static void
account_status_cb (HangarAccount          *account,
                   GParamSpec             *pspec,
                   HangarOAuthTokenSource *self)
{
  /* Another process found the grant gone (the store re-read the file). */
  if (!self->invalid && hangar_account_get_status (account) == HANGAR_ACCOUNT_STATUS_REVOKED)
    invalidate (self, HANGAR_ACCOUNT_STATUS_REVOKED, HANGAR_API_ERROR_REVOKED,
                hangar_account_get_status_reason (account)
                  ? hangar_account_get_status_reason (account)
                  : _("The account was revoked"));
}

static void
hangar_oauth_token_source_dispose (GObject *object)
{
  HangarOAuthTokenSource *self = HANGAR_OAUTH_TOKEN_SOURCE (object);
  g_autoptr(HangarAccount) account = dup_account (self);

  if (account != NULL)
    g_signal_handlers_disconnect_by_func (account, account_status_cb, self);
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_handle_id (&self->drain_id, g_source_remove);
  lock_release (self);
  live_sources = g_list_remove (live_sources, self);

  G_OBJECT_CLASS (hangar_oauth_token_source_parent_class)->dispose (object);
}

static void
hangar_oauth_token_source_finalize (GObject *object)
{
  HangarOAuthTokenSource *self = HANGAR_OAUTH_TOKEN_SOURCE (object);

  g_weak_ref_clear (&self->account);
  g_clear_pointer (&self->creds, hangar_credentials_free);
  g_clear_error (&self->invalid_error);
  g_clear_error (&self->last_error);
  g_clear_object (&self->cancellable);
  g_queue_clear_full (&self->waiters, (GDestroyNotify) waiter_free);

  G_OBJECT_CLASS (hangar_oauth_token_source_parent_class)->finalize (object);
}

static void
hangar_oauth_token_source_class_init (HangarOAuthTokenSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hangar_oauth_token_source_dispose;
  object_class->finalize = hangar_oauth_token_source_finalize;
}

static void
hangar_oauth_token_source_init (HangarOAuthTokenSource *self)
{
  g_weak_ref_init (&self->account, NULL);
  g_queue_init (&self->waiters);
  self->cancellable = g_cancellable_new ();
  self->lock_fd = -1;
  live_sources = g_list_prepend (live_sources, self);
  resume_watch_ref ();
}

/**
 * hangar_oauth_token_source_new:
 * @account: the account
 *
 * Returns: (transfer full): a token source for @account
 */
HangarTokenSource *
hangar_oauth_token_source_new (HangarAccount *account)
{
  HangarOAuthTokenSource *self;

  g_return_val_if_fail (HANGAR_IS_ACCOUNT (account), NULL);

  self = g_object_new (HANGAR_TYPE_OAUTH_TOKEN_SOURCE, NULL);
  g_weak_ref_set (&self->account, account);
  g_signal_connect (account, "notify::status", G_CALLBACK (account_status_cb), self);
  return HANGAR_TOKEN_SOURCE (self);
}

HangarAccount *
hangar_oauth_token_source_get_account (HangarOAuthTokenSource *self)
{
  g_autoptr(HangarAccount) account = NULL;

  g_return_val_if_fail (HANGAR_IS_OAUTH_TOKEN_SOURCE (self), NULL);
  account = dup_account (self);
  return account;  /* transfer none: the account owns us */
}

/**
 * hangar_oauth_token_source_forget:
 * @self: a token source
 *
 * Drops the cached tokens so the next call re-reads the keyring (after a
 * reconnect, or when another process is known to have refreshed).
 */
void
hangar_oauth_token_source_forget (HangarOAuthTokenSource *self)
{
  g_return_if_fail (HANGAR_IS_OAUTH_TOKEN_SOURCE (self));

  if (self->running)
    return;
  g_clear_pointer (&self->creds, hangar_credentials_free);
  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_error (&self->last_error);
  self->retry_not_before = 0;
  self->backoff_us = 0;
}
