/* hangar-freshness-label.h — how fresh the records in the grid are
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hangar-sync.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_FRESHNESS_LABEL (hangar_freshness_label_get_type ())

G_DECLARE_FINAL_TYPE (HangarFreshnessLabel, hangar_freshness_label, HANGAR, FRESHNESS_LABEL, GtkWidget)

GtkWidget  *hangar_freshness_label_new        (void);
/* Follows the table @table_id of @base_id through @sync; NULL hides it. */
void        hangar_freshness_label_set_source (HangarFreshnessLabel *self,
                                               HangarSync           *sync,
                                               const char           *base_id,
                                               const char           *table_id);
/* What it says now ("Live · updated just now", "Updated 5 minutes ago",
 * "Offline — showing data from 14:02"), or "" when hidden. */
const char *hangar_freshness_label_get_text   (HangarFreshnessLabel *self);
/* Tells it again now (e.g. after the grid's own state changed). */
void        hangar_freshness_label_update     (HangarFreshnessLabel *self);

G_END_DECLS
