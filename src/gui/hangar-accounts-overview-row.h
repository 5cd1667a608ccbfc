/* hangar-accounts-overview-row.h — one account in the accounts overview
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hangar-auth.h"
#include "hangar-request-log.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_ACCOUNTS_OVERVIEW_ROW (hangar_accounts_overview_row_get_type ())

G_DECLARE_FINAL_TYPE (HangarAccountsOverviewRow, hangar_accounts_overview_row, HANGAR, ACCOUNTS_OVERVIEW_ROW, GObject)

/* A row for @account: it follows the account's properties and reads the
 * health of its requests (last success, last error) from its request log,
 * again whenever the log is written. Signal "changed" (no arguments) when
 * anything shown may differ. */
HangarAccountsOverviewRow *hangar_accounts_overview_row_new           (HangarAccount *account);
HangarAccount             *hangar_accounts_overview_row_get_account   (HangarAccountsOverviewRow *self);
/* NULL until the log was read (or for an account never connected). */
const HangarRequestLogSummary *hangar_accounts_overview_row_get_summary (HangarAccountsOverviewRow *self);
/* Reads the log again. */
void                       hangar_accounts_overview_row_refresh       (HangarAccountsOverviewRow *self);

/* "Test": whoami through the account's client. The result is a sentence
 * for the user; NULL before any test. */
void                       hangar_accounts_overview_row_test          (HangarAccountsOverviewRow *self);
gboolean                   hangar_accounts_overview_row_get_testing   (HangarAccountsOverviewRow *self);
const char                *hangar_accounts_overview_row_get_test_result (HangarAccountsOverviewRow *self);

/* Stops whatever the row has running (the overview is going away). */
void                       hangar_accounts_overview_row_cancel        (HangarAccountsOverviewRow *self);

G_END_DECLS
