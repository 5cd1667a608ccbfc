/* hangar-activity-view.h — an account's request log, as a list with filters
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hangar-auth.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_ACTIVITY_VIEW (hangar_activity_view_get_type ())

G_DECLARE_FINAL_TYPE (HangarActivityView, hangar_activity_view, HANGAR, ACTIVITY_VIEW, GtkWidget)

GtkWidget     *hangar_activity_view_new            (void);
HangarAccount *hangar_activity_view_get_account    (HangarActivityView *self);
/* Shows @account's request log (reads it again). */
void           hangar_activity_view_set_account    (HangarActivityView *self,
                                                    HangarAccount      *account);
/* Reads the log again: rows written by other programs (hangar-cli) appear. */
void           hangar_activity_view_reload         (HangarActivityView *self);

/* For tests and tools: what is shown, and the filters as the user sets them. */
GListModel    *hangar_activity_view_get_entries    (HangarActivityView *self);
gboolean       hangar_activity_view_get_loading    (HangarActivityView *self);
void           hangar_activity_view_set_errors_only (HangarActivityView *self,
                                                     gboolean            errors_only);
/* NULL: every base. The base must be one the log has seen (FALSE otherwise). */
gboolean       hangar_activity_view_set_base       (HangarActivityView *self,
                                                    const char         *base_id);

G_END_DECLS
