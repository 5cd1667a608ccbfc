/* hangar-screenshots.h — `hangar --screenshot-dir DIR`: renders the main views
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hangar-window.h"

G_BEGIN_DECLS

/* Walks @window through its main views against the running sandbox and saves
 * each to DIR/<view>.png: main-empty, add-account, consent, account, grid.
 * @pat is unused unless OAuth fails (then the account is connected with it).
 * Quits the application at the end. */
void hangar_screenshots_run (HangarWindow *window,
                             const char   *dir,
                             const char   *pat);

G_END_DECLS
