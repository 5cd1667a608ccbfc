/* hangar-application.h — the Hangar application: actions, options, sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hangar-auth.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_APPLICATION (hangar_application_get_type ())

G_DECLARE_FINAL_TYPE (HangarApplication, hangar_application, HANGAR, APPLICATION, AdwApplication)

HangarApplication  *hangar_application_new        (void);
HangarAccountStore *hangar_application_get_store  (HangarApplication *self);

/* Points every saved account of a local sandbox (loopback api-url) at @url,
 * where the sandbox listens now; returns how many moved. `hangar --sandbox`
 * does this before its window shows the accounts. */
guint               hangar_application_rebase_sandbox_accounts (HangarAccountStore *store,
                                                                const char         *url);

G_END_DECLS
