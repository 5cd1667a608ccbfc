/* hangar-rate-state.h — the observable rate-limit state of one base
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "hangar-types.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_RATE_STATE (hangar_rate_state_get_type ())

G_DECLARE_FINAL_TYPE (HangarRateState, hangar_rate_state, HANGAR, RATE_STATE, GObject)

const char *hangar_rate_state_get_key           (HangarRateState *self);
gint64      hangar_rate_state_get_paused_until  (HangarRateState *self);
gboolean    hangar_rate_state_get_paused        (HangarRateState *self);
guint       hangar_rate_state_get_queued        (HangarRateState *self);
guint       hangar_rate_state_get_n_rate_limited (HangarRateState *self);
gint64      hangar_rate_state_get_remaining_ms  (HangarRateState *self);

/* For the scheduler only. */
HangarRateState *_hangar_rate_state_new              (const char      *key);
void             _hangar_rate_state_set_paused_until (HangarRateState *self,
                                                      gint64           paused_until);
void             _hangar_rate_state_set_queued       (HangarRateState *self,
                                                      guint            queued);
void             _hangar_rate_state_count_rate_limited (HangarRateState *self);

G_END_DECLS
