/* hangar-budget-meter.h — how much of a base's request budget is in use
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hangar-scheduler.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_BUDGET_METER (hangar_budget_meter_get_type ())

G_DECLARE_FINAL_TYPE (HangarBudgetMeter, hangar_budget_meter, HANGAR, BUDGET_METER, GtkWidget)

/* A small level bar of the requests sent to one base in the last second,
 * by every Hangar process of the user, against the base's limit. Shown
 * only while "active" (the grid sets it while it loads) and a base is set.
 * Properties: "active" (read-write) and "usage" (read-only). */
GtkWidget *hangar_budget_meter_new        (void);
void       hangar_budget_meter_set_base   (HangarBudgetMeter *self,
                                           HangarScheduler   *scheduler,
                                           const char        *base_id);
gboolean   hangar_budget_meter_get_active (HangarBudgetMeter *self);
void       hangar_budget_meter_set_active (HangarBudgetMeter *self,
                                           gboolean           active);
/* The requests counted at the last tick, and the base's limit per second. */
guint      hangar_budget_meter_get_usage  (HangarBudgetMeter *self,
                                           guint             *out_limit);

G_END_DECLS
