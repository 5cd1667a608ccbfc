/* hangar-status-badge.h — an account status as a coloured label with text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hangar-auth.h"

G_BEGIN_DECLS

/* Shows @status on @label: its name (never colour alone) plus a CSS class
 * status-active / -pending / -expired / -revoked / -error. */
void        hangar_status_badge_update     (GtkLabel            *label,
                                            HangarAccountStatus  status);
GtkLabel   *hangar_status_badge_new        (void);
const char *hangar_status_badge_css_class  (HangarAccountStatus  status);

G_END_DECLS
