/* hangar-background.h — "Run in Background": the application outlives its window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hangar-auth.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_BACKGROUND (hangar_background_get_type ())
G_DECLARE_FINAL_TYPE (HangarBackground, hangar_background, HANGAR, BACKGROUND, GObject)

/* Follows the `run-in-background` setting for @application (without the
 * installed schema it stays off) and adds the stateful action
 * app.run-in-background that toggles it. While the setting is on and the
 * desktop allows it, closing the last window leaves the application running
 * (held) with the notifier and the token refresh of @store's OAuth accounts;
 * a new window ends that, and so does turning the setting off (the
 * application then quits when no window is left).
 *
 * Inside Flatpak it asks org.freedesktop.portal.Background first (when the
 * setting is turned on and when the last window closes); when refused it
 * says so and the application quits on close as it would without the
 * setting. */
HangarBackground *hangar_background_new          (GtkApplication     *application,
                                                  HangarAccountStore *store);

/* The application quits for real (app.quit): closing its windows now
 * does not leave it running. */
void              hangar_background_quit         (HangarBackground   *self);

/* Whether the application is held now: no window, running on. */
gboolean          hangar_background_get_held     (HangarBackground   *self);

/* Whether a request to the background portal waits for its answer. */
gboolean          hangar_background_get_asking   (HangarBackground   *self);

/* Whether the background portal is asked (default: inside Flatpak, that is
 * when /.flatpak-info exists); for tests with a fake portal. */
void              hangar_background_set_use_portal (HangarBackground *self,
                                                    gboolean          use_portal);

G_END_DECLS
