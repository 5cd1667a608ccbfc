/* hangar-rate-banner.h — "Airtable asked us to slow down", with a countdown
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hangar-rate-state.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_RATE_BANNER (hangar_rate_banner_get_type ())

G_DECLARE_FINAL_TYPE (HangarRateBanner, hangar_rate_banner, HANGAR, RATE_BANNER, GtkWidget)

/* A banner that slides in while @rate-state (a base's 429 pause) is paused
 * and counts the seconds down; hidden otherwise. Properties: "rate-state"
 * (read-write, nullable) and "revealed" (read-only). */
GtkWidget       *hangar_rate_banner_new            (void);
HangarRateState *hangar_rate_banner_get_rate_state (HangarRateBanner *self);
void             hangar_rate_banner_set_rate_state (HangarRateBanner *self,
                                                    HangarRateState  *state);
gboolean         hangar_rate_banner_get_revealed   (HangarRateBanner *self);
/* The banner's text while it is shown, else NULL. */
const char      *hangar_rate_banner_get_text       (HangarRateBanner *self);

G_END_DECLS
