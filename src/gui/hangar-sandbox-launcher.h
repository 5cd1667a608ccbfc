/* hangar-sandbox-launcher.h — runs hangar-sandbox for `hangar --sandbox`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define HANGAR_TYPE_SANDBOX_LAUNCHER (hangar_sandbox_launcher_get_type ())

G_DECLARE_FINAL_TYPE (HangarSandboxLauncher, hangar_sandbox_launcher, HANGAR, SANDBOX_LAUNCHER, GObject)

HangarSandboxLauncher *hangar_sandbox_launcher_new              (void);

/* Starts the sandbox (binary from $HANGAR_SANDBOX, else next to the running
 * executable, the build dir or BINDIR) with its state under @state_dir
 * (NULL: $XDG_DATA_HOME/hangar/sandbox), plus @extra_args, and waits for its
 * JSON line. It listens on @port when that is free (so accounts saved with the
 * sandbox's URL keep working across runs) and on any free port (--port 0)
 * otherwise; @port 0 means any free port at once. */
void                   hangar_sandbox_launcher_start_async      (HangarSandboxLauncher *self,
                                                                 const char            *state_dir,
                                                                 guint                  port,
                                                                 const char * const    *extra_args,
                                                                 GCancellable          *cancellable,
                                                                 GAsyncReadyCallback    callback,
                                                                 gpointer               user_data);
gboolean               hangar_sandbox_launcher_start_finish     (HangarSandboxLauncher *self,
                                                                 GAsyncResult          *result,
                                                                 GError               **error);

/* Stops the sandbox (SIGTERM) and waits a moment for it to exit. */
void                   hangar_sandbox_launcher_stop             (HangarSandboxLauncher *self);

gboolean               hangar_sandbox_launcher_get_running      (HangarSandboxLauncher *self);
const char            *hangar_sandbox_launcher_get_url          (HangarSandboxLauncher *self);
const char            *hangar_sandbox_launcher_get_client_id    (HangarSandboxLauncher *self);
const char            *hangar_sandbox_launcher_get_redirect_uri (HangarSandboxLauncher *self);
/* The demo personal access token (tools connect with it when OAuth is not
 * wanted; never shown or logged). */
const char            *hangar_sandbox_launcher_get_pat          (HangarSandboxLauncher *self);

/* Finds the hangar-sandbox executable; NULL when none is found. */
char                  *hangar_sandbox_launcher_find_binary      (void);

G_END_DECLS
