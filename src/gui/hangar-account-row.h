/* hangar-account-row.h — an account in the sidebar: label, email, status badge
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hangar-auth.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_ACCOUNT_ROW (hangar_account_row_get_type ())

G_DECLARE_FINAL_TYPE (HangarAccountRow, hangar_account_row, HANGAR, ACCOUNT_ROW, GtkWidget)

GtkWidget     *hangar_account_row_new          (HangarAccount    *account);
HangarAccount *hangar_account_row_get_account  (HangarAccountRow *self);
void           hangar_account_row_set_account  (HangarAccountRow *self,
                                                HangarAccount    *account);
/* The status badge (for tests: its text is the status name). */
GtkLabel      *hangar_account_row_get_badge    (HangarAccountRow *self);

G_END_DECLS
