/* hangar-drift-banner.h — "the table changed since you last saw it": a
 * line per field renamed, retyped, added or removed, and per setting that
 * had to go
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HANGAR_TYPE_DRIFT_BANNER (hangar_drift_banner_get_type ())

G_DECLARE_FINAL_TYPE (HangarDriftBanner, hangar_drift_banner, HANGAR, DRIFT_BANNER, GtkWidget)

GtkWidget  *hangar_drift_banner_new          (void);
/* Shows @heading and @lines (NULL-terminated, plain text); NULL or no
 * lines hides the banner. */
void        hangar_drift_banner_show         (HangarDriftBanner  *self,
                                              const char         *heading,
                                              const char * const *lines);
void        hangar_drift_banner_dismiss      (HangarDriftBanner  *self);
/* Whether it is shown ("revealed"), and its text (heading and lines). */
gboolean    hangar_drift_banner_get_revealed (HangarDriftBanner  *self);
const char *hangar_drift_banner_get_text     (HangarDriftBanner  *self);

G_END_DECLS
