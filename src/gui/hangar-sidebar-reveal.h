/* hangar-sidebar-reveal.h — select a table in the sidebar that may not be
 * listed yet: its account and base are expanded (listing them), then it is
 * selected
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hangar-sidebar.h"

G_BEGIN_DECLS

/* Expands @account and the base @base_id as needed and selects the table
 * @table_id once it is listed (at once when it is already). Gives up
 * quietly when the base or table is not there, a listing fails, or the
 * user selects something else meanwhile. */
void      hangar_sidebar_reveal_table (HangarSidebar *sidebar,
                                       HangarAccount *account,
                                       const char    *base_id,
                                       const char    *table_id);
/* The table last opened with any of @store's accounts (the "views"
 * component of each account's state database), revealed as above; at
 * start. */
void      hangar_sidebar_reveal_last_table (HangarSidebar      *sidebar,
                                            HangarAccountStore *store);
/* Selects the row of the base @base_id of @account, if listed. */
gboolean  hangar_sidebar_select_base  (HangarSidebar *sidebar,
                                       HangarAccount *account,
                                       const char    *base_id);

G_END_DECLS
