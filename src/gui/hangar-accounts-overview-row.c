/* hangar-accounts-overview-row.c — one account in the accounts overview
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-accounts-overview-row.h"
#include "hangar-redact.h"

struct _HangarAccountsOverviewRow
{
  GObject                  parent_instance;

  HangarAccount           *account;
  HangarRequestLog        *log;
  gulong                   written_id;
  HangarRequestLogSummary *summary;
  GCancellable            *cancellable;
  GCancellable            *test_cancellable;
  char                    *test_result;
  gboolean                 testing;
  gboolean                 reading;
};

G_DEFINE_FINAL_TYPE (HangarAccountsOverviewRow, hangar_accounts_overview_row, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
emit_changed (HangarAccountsOverviewRow *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
summary_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  HangarAccountsOverviewRow *self;
  g_autoptr(GError) error = NULL;
  HangarRequestLogSummary *summary;

  summary = hangar_request_log_summary_finish (HANGAR_REQUEST_LOG (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = HANGAR_ACCOUNTS_OVERVIEW_ROW (user_data);
  self->reading = FALSE;
  if (summary == NULL)
    {
      g_debug ("No request log summary for %s: %s", hangar_account_get_id (self->account), error->message);
      return;
    }
  g_clear_pointer (&self->summary, hangar_request_log_summary_free);
  self->summary = summary;
  emit_changed (self);
}

static void
entries_written_cb (HangarRequestLog          *log,
                    GPtrArray                 *entries,
                    HangarAccountsOverviewRow *self)
{
  /* One read at a time is enough: it sees everything written before it. */
  if (!self->reading)
    hangar_accounts_overview_row_refresh (self);
}

/* The log, once the account was ever connected (no file for one that
 * never made a request). */
static void
ensure_log (HangarAccountsOverviewRow *self)
{
  g_autoptr(GError) error = NULL;

  if (self->log != NULL || hangar_account_get_status (self->account) == HANGAR_ACCOUNT_STATUS_PENDING)
    return;
  self->log = hangar_request_log_get_for_account (hangar_account_get_id (self->account), &error);
  if (self->log == NULL)
    {
      g_debug ("No request log for %s: %s", hangar_account_get_id (self->account), error->message);
      return;
    }
  self->written_id = g_signal_connect (self->log, "entries-written", G_CALLBACK (entries_written_cb), self);
}

static void
account_notify_cb (HangarAccount             *account,
                   GParamSpec                *pspec,
                   HangarAccountsOverviewRow *self)
{
  if (self->log == NULL)
    {
      ensure_log (self);
      if (self->log != NULL)
        hangar_accounts_overview_row_refresh (self);
    }
  emit_changed (self);
}

static void
whoami_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  HangarAccountsOverviewRow *self;
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarWhoami) whoami = NULL;

  whoami = hangar_client_whoami_finish (HANGAR_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = HANGAR_ACCOUNTS_OVERVIEW_ROW (user_data);
  self->testing = FALSE;
  g_free (self->test_result);
  if (whoami == NULL)
    {
      g_autofree char *message = hangar_redact (error->message);

      self->test_result = g_strdup_printf (_("Failed: %s"), message);
    }
  else
    self->test_result = g_strdup_printf (_("Works: signed in as %s"),
                                         hangar_whoami_get_email (whoami) != NULL
                                         ? hangar_whoami_get_email (whoami) : hangar_whoami_get_user_id (whoami));
  emit_changed (self);
}

static void
hangar_accounts_overview_row_dispose (GObject *object)
{
  HangarAccountsOverviewRow *self = (HangarAccountsOverviewRow *) object;

  hangar_accounts_overview_row_cancel (self);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->test_cancellable);
  if (self->log != NULL)
    g_clear_signal_handler (&self->written_id, self->log);
  g_clear_object (&self->log);
  if (self->account != NULL)
    g_signal_handlers_disconnect_by_data (self->account, self);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (hangar_accounts_overview_row_parent_class)->dispose (object);
}

static void
hangar_accounts_overview_row_finalize (GObject *object)
{
  HangarAccountsOverviewRow *self = (HangarAccountsOverviewRow *) object;

  g_clear_pointer (&self->summary, hangar_request_log_summary_free);
  g_free (self->test_result);

  G_OBJECT_CLASS (hangar_accounts_overview_row_parent_class)->finalize (object);
}

static void
hangar_accounts_overview_row_class_init (HangarAccountsOverviewRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hangar_accounts_overview_row_dispose;
  object_class->finalize = hangar_accounts_overview_row_finalize;

  /**
   * HangarAccountsOverviewRow::changed:
   *
   * Something shown about the account may have changed.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
hangar_accounts_overview_row_init (HangarAccountsOverviewRow *self)
{
  self->cancellable = g_cancellable_new ();
}

HangarAccountsOverviewRow *
hangar_accounts_overview_row_new (HangarAccount *account)
{
  HangarAccountsOverviewRow *self;

  g_return_val_if_fail (HANGAR_IS_ACCOUNT (account), NULL);

  self = g_object_new (HANGAR_TYPE_ACCOUNTS_OVERVIEW_ROW, NULL);
  self->account = g_object_ref (account);
  g_signal_connect (account, "notify", G_CALLBACK (account_notify_cb), self);
  ensure_log (self);
  hangar_accounts_overview_row_refresh (self);
  return self;
}

HangarAccount *
hangar_accounts_overview_row_get_account (HangarAccountsOverviewRow *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNTS_OVERVIEW_ROW (self), NULL);
  return self->account;
}

const HangarRequestLogSummary *
hangar_accounts_overview_row_get_summary (HangarAccountsOverviewRow *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNTS_OVERVIEW_ROW (self), NULL);
  return self->summary;
}

void
hangar_accounts_overview_row_refresh (HangarAccountsOverviewRow *self)
{
  g_return_if_fail (HANGAR_IS_ACCOUNTS_OVERVIEW_ROW (self));

  if (self->log == NULL)
    return;
  self->reading = TRUE;
  hangar_request_log_summary_async (self->log, self->cancellable, summary_cb, self);
}

void
hangar_accounts_overview_row_test (HangarAccountsOverviewRow *self)
{
  g_return_if_fail (HANGAR_IS_ACCOUNTS_OVERVIEW_ROW (self));

  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  self->test_cancellable = g_cancellable_new ();
  self->testing = TRUE;
  g_free (self->test_result);
  self->test_result = g_strdup (_("Testing…"));
  emit_changed (self);
  hangar_client_whoami_async (hangar_account_get_client (self->account), self->test_cancellable, whoami_cb, self);
}

gboolean
hangar_accounts_overview_row_get_testing (HangarAccountsOverviewRow *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNTS_OVERVIEW_ROW (self), FALSE);
  return self->testing;
}

const char *
hangar_accounts_overview_row_get_test_result (HangarAccountsOverviewRow *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNTS_OVERVIEW_ROW (self), NULL);
  return self->test_result;
}

void
hangar_accounts_overview_row_cancel (HangarAccountsOverviewRow *self)
{
  g_return_if_fail (HANGAR_IS_ACCOUNTS_OVERVIEW_ROW (self));

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->test_cancellable);
}
