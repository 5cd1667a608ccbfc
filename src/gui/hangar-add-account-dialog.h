/* hangar-add-account-dialog.h — connect an account with OAuth or a token
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hangar-auth.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_ADD_ACCOUNT_DIALOG (hangar_add_account_dialog_get_type ())

G_DECLARE_FINAL_TYPE (HangarAddAccountDialog, hangar_add_account_dialog, HANGAR, ADD_ACCOUNT_DIALOG, AdwWindow)

/* @sandbox: (nullable): an integration to pre-fill the OAuth page with. */
HangarAddAccountDialog *hangar_add_account_dialog_new           (GtkWindow                    *parent,
                                                                 HangarAccountStore           *store,
                                                                 const HangarOAuthIntegration *sandbox);
/* Sets the account name on both pages (a reconnect when it exists). */
void                    hangar_add_account_dialog_set_label     (HangarAddAccountDialog       *self,
                                                                 const char                   *label);
/* Shows a page: "choose", "oauth", "pat" or "progress". */
void                    hangar_add_account_dialog_show_page     (HangarAddAccountDialog       *self,
                                                                 const char                   *page);
const char             *hangar_add_account_dialog_get_page      (HangarAddAccountDialog       *self);
/* The message shown on the OAuth / token page after a failed or cancelled
 * attempt (NULL when none). */
const char             *hangar_add_account_dialog_get_message   (HangarAddAccountDialog       *self);

/* Signal "account-added" (HangarAccount *account): emitted once the account
 * is connected, right before the dialog closes. */

G_END_DECLS
