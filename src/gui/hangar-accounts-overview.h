/* hangar-accounts-overview.h — every account and the health of its connection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hangar-auth.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_ACCOUNTS_OVERVIEW (hangar_accounts_overview_get_type ())

G_DECLARE_FINAL_TYPE (HangarAccountsOverview, hangar_accounts_overview, HANGAR, ACCOUNTS_OVERVIEW, GtkWidget)

/* One row per account of @store: status, kind, user, scopes granted versus
 * needed, token expiries, last successful request and last error (from the
 * request log), sortable by any column, with Reconnect, Test and Disconnect
 * (the win.reconnect-account and win.disconnect-account actions). */
GtkWidget  *hangar_accounts_overview_new             (HangarAccountStore     *store);

/* For tests and tools: the rows in their shown order
 * (HangarAccountsOverviewRow), sorting as a click on a column header does
 * (@column: "account", "status", "kind", "user", "scopes", "access",
 * "refresh", "success", "error"), and a cell's text. */
GListModel *hangar_accounts_overview_get_rows        (HangarAccountsOverview *self);
gboolean    hangar_accounts_overview_sort_by         (HangarAccountsOverview *self,
                                                      const char             *column,
                                                      gboolean                descending);
char       *hangar_accounts_overview_dup_cell_text   (HangarAccountsOverview *self,
                                                      guint                   position,
                                                      const char             *column);
/* Runs "Test" on the row at @position. */
void        hangar_accounts_overview_test            (HangarAccountsOverview *self,
                                                      guint                   position);

G_END_DECLS
