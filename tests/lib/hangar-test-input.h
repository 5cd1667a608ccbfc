/* hangar-test-input.h — real keyboard and mouse input for GUI tests
 *
 * Input goes through the X server (Xvfb under `meson test --setup
 * headless`) with xdotool's XTEST events, so GTK sees exactly what a user's
 * keyboard and mouse produce: focus, key bindings, event controllers,
 * popovers' grabs. Each call waits until the target is painted and the X
 * server has seen GTK's last requests, then sends the input, and returns
 * once GTK has dispatched the events (what they start — a request, an
 * animation — may still be going: the caller waits for the effect it
 * expects).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Whether real input can be sent (xdotool on an X11 display). A test that
 * needs it exits 77 without it (hangar_test_input_require()). */
gboolean    hangar_test_input_available     (void);
void        hangar_test_input_require       (void);

/* Puts the pointer over the middle of @widget (so the window under it has
 * the keyboard on a server without a window manager). */
void        hangar_test_input_point_at      (GtkWidget  *widget);

/* Presses keys, xdotool's names separated by spaces ("Return",
 * "ctrl+shift+z", "a b c"), with the pointer over @widget's window. */
void        hangar_test_input_keys          (GtkWidget  *widget,
                                             const char *keys);

/* Types @text as key presses (any characters the keyboard map has). */
void        hangar_test_input_type          (GtkWidget  *widget,
                                             const char *text);

/* Clicks @button (1 primary, 3 secondary) @count times in the middle of
 * @widget, with @modifiers held (xdotool's names: "shift", "ctrl"; NULL
 * for none). */
void        hangar_test_input_click         (GtkWidget  *widget,
                                             guint       button,
                                             guint       count,
                                             const char *modifiers);

G_END_DECLS
