/* hangar-test-notify.h — a desktop notification server on the test's bus
 *
 * GNotification takes the portal inside Flatpak, org.gtk.Notifications
 * where the desktop owns that name, and org.freedesktop.Notifications
 * otherwise — which is what it uses under `--setup headless`: the test owns
 * that name on its own connection to the session bus (a second "process" as
 * far as the bus is concerned) and implements the parts of the
 * specification GLib calls.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  guint32  id;
  guint32  replaces_id;
  char    *title;
  char    *body;
  char   **actions;
  char    *desktop_entry;   /* the "desktop-entry" hint */
} HangarTestNote;

/* Owns org.freedesktop.Notifications; returns once the name is ours. Once
 * per process, before the application sends anything. */
void            hangar_test_notify_start   (void);
/* Notifications received so far, and CloseNotification calls. */
guint           hangar_test_notify_count   (void);
guint           hangar_test_notify_closed  (void);
/* Waits (with the test deadline) until @n have arrived, asserts there are
 * exactly @n, and returns the @n-th (owned by the server). */
HangarTestNote *hangar_test_notify_wait    (guint       n);
/* The user clicks @action ("default" or a button) on notification @id. */
void            hangar_test_notify_invoke  (guint32     id,
                                            const char *action);

G_END_DECLS
