/* hangar-changes-button.h — the "changes" indicator of the header bar and
 * its list of edits not yet on Airtable
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hangar-account-store.h"
#include "hangar-journal.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_CHANGES_BUTTON (hangar_changes_button_get_type ())
G_DECLARE_FINAL_TYPE (HangarChangesButton, hangar_changes_button, HANGAR, CHANGES_BUTTON, GtkWidget)

GtkWidget      *hangar_changes_button_new              (void);

/* Opens the journal of every account of @store (so that what a previous
 * run left is sent, and uncertain creates are shown) and follows accounts
 * as they come and go. */
void            hangar_changes_button_set_account_store (HangarChangesButton *self,
                                                         HangarAccountStore  *store);
/* Adds a journal (tests: a journal without an account). */
void            hangar_changes_button_add_journal      (HangarChangesButton *self,
                                                        HangarJournal       *journal);

/* Over every journal: pending and sending (will be sent), failed,
 * uncertain, in conflict. */
guint           hangar_changes_button_count_unsent     (HangarChangesButton *self);
guint           hangar_changes_button_count_attention  (HangarChangesButton *self);

/* The badge and the status line as shown (tests). */
const char     *hangar_changes_button_get_badge_text   (HangarChangesButton *self);
const char     *hangar_changes_button_get_status_text  (HangarChangesButton *self);
/* The list of changes (HangarJournalChange not settled, every journal). */
GListModel     *hangar_changes_button_get_list         (HangarChangesButton *self);
void            hangar_changes_button_popup            (HangarChangesButton *self);

/* Asks before the window closes while changes are unsent: Keep for Later
 * (close now; they are sent next time) or Wait (close once they are on
 * Airtable). Returns FALSE when there is nothing to ask: close at once. */
gboolean        hangar_changes_button_confirm_close    (HangarChangesButton *self,
                                                        GtkWindow           *window);

G_END_DECLS
