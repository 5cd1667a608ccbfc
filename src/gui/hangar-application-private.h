/* hangar-application-private.h — for tests and tools only (tests/gui)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hangar-application.h"
#include "hangar-background.h"
#include "hangar-sandbox-launcher.h"

G_BEGIN_DECLS

/* The port `--sandbox` asks the sandbox to listen on (8470 by default; 0
 * for any free one; when busy, the sandbox takes any free one). Call before
 * the application runs. */
void                   _hangar_application_set_sandbox_port (HangarApplication *self,
                                                             guint              port);
/* The sandbox of `--sandbox`, once started (its URL is NULL until it
 * listens, and stays NULL when it could not start). */
HangarSandboxLauncher *_hangar_application_get_sandbox      (HangarApplication *self);

/* "Run in Background" (hangar-background.h), once started up. */
HangarBackground      *_hangar_application_get_background   (HangarApplication *self);

G_END_DECLS
