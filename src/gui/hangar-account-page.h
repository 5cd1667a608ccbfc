/* hangar-account-page.h — one account: status, identity, tokens, scopes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hangar-auth.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_ACCOUNT_PAGE (hangar_account_page_get_type ())

G_DECLARE_FINAL_TYPE (HangarAccountPage, hangar_account_page, HANGAR, ACCOUNT_PAGE, GtkWidget)

GtkWidget     *hangar_account_page_new               (void);
HangarAccount *hangar_account_page_get_account       (HangarAccountPage *self);
void           hangar_account_page_set_account       (HangarAccountPage *self,
                                                      HangarAccount     *account);
/* Runs "Test connection" (whoami through the account's client). */
void           hangar_account_page_test_connection   (HangarAccountPage *self);
/* The last test result shown ("Not tested yet", "Connected as …", an error). */
const char    *hangar_account_page_get_test_result   (HangarAccountPage *self);

/* Shows one of the page's views: "details", "activity" (the request log)
 * or "console" (the request console). */
void           hangar_account_page_show_view         (HangarAccountPage *self,
                                                      const char        *name);
GtkWidget     *hangar_account_page_get_activity_view (HangarAccountPage *self);
GtkWidget     *hangar_account_page_get_console_view  (HangarAccountPage *self);

/* Formats @unix_time relative to now ("in 58 minutes", "3 minutes ago") with
 * the local time; "Unknown" for 0. */
char          *hangar_format_relative_time           (gint64             unix_time);

G_END_DECLS
