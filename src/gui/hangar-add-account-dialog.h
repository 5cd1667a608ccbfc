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
/* Reconnect mode: the OAuth page for @account, with the integration it was
 * connected with (@integration, its secret included) or a saved one, and
 * asking for the scopes the account had plus @missing_scopes (e.g. what a
 * 403 showed it lacks). The name cannot change. */
void                    hangar_add_account_dialog_set_reconnect (HangarAddAccountDialog       *self,
                                                                 HangarAccount                *account,
                                                                 const HangarOAuthIntegration *integration,
                                                                 const char * const           *missing_scopes);
gboolean                hangar_add_account_dialog_get_reconnecting (HangarAddAccountDialog    *self);
/* The scopes a reconnect asks for (NULL when not reconnecting). */
const char * const     *hangar_add_account_dialog_get_scopes    (HangarAddAccountDialog       *self);
/* Picks a saved integration as the user does in its row; FALSE when there
 * is none by that name. */
gboolean                hangar_add_account_dialog_select_saved  (HangarAddAccountDialog       *self,
                                                                 const char                   *name);
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
