/* hangar-test-gui.h — helpers for tests of real windows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hangar-test.h"

G_BEGIN_DECLS

/* Initialises GTK and libadwaita for a test (gtk_test_init + adw_init).
 * Without a usable display — neither $DISPLAY nor $WAYLAND_DISPLAY names
 * a server that accepts a connection — the test is skipped: a message on
 * stderr and exit status 77, which meson reports as SKIP. Run the suite
 * under `meson test --setup headless` (or xvfb-run) to run these tests. */
void        hangar_test_gui_init              (int          *argc,
                                               char       ***argv);

/* TRUE when a display server is reachable (see above). */
gboolean    hangar_test_gui_have_display      (void);

/* The first visible toplevel window of @type (or a subtype), or NULL. */
GtkWindow  *hangar_test_gui_find_toplevel     (GType         type);

/* The first visible widget of @type (or a subtype) in @root's tree,
 * @root included, depth first; NULL if none. */
GtkWidget  *hangar_test_gui_find_widget       (GtkWidget    *root,
                                               GType         type);

/* The first widget in @root's tree whose widget name
 * (gtk_widget_get_name(), by default the type name; the `name` property in
 * a .ui file) is @name; NULL if none. */
GtkWidget  *hangar_test_gui_find_named        (GtkWidget    *root,
                                               const char   *name);

/* The first label in @root's tree whose text contains @needle, or NULL. */
GtkLabel   *hangar_test_gui_find_label        (GtkWidget    *root,
                                               const char   *needle);

/* Appends the text of every label and inscription in @root's tree to
 * @texts (a GPtrArray of g_free'd strings). */
void        hangar_test_gui_collect_texts     (GtkWidget    *root,
                                               GPtrArray    *texts);

/* TRUE when a label or inscription in @root's tree shows exactly @text. */
gboolean    hangar_test_gui_shows_text        (GtkWidget    *root,
                                               const char   *text);

/* Waits until a label or inscription in @root's tree shows exactly @text. */
void        hangar_test_gui_wait_for_text     (GtkWidget    *root,
                                               const char   *text);

/* Asks for a new frame of @widget's window and waits until it has been
 * laid out and painted: what a test needs after a change before it looks
 * at sizes, positions or what is on screen. */
void        hangar_test_gui_wait_for_frame    (GtkWidget    *widget);

/* Conditions for hangar_test_wait_until(). */
gboolean    hangar_test_gui_widget_mapped     (gpointer      widget);
gboolean    hangar_test_gui_widget_hidden     (gpointer      widget);   /* not visible */

/* --- real input through the X server (xdotool) ----------------------------
 *
 * Key presses and typed text go through the X server as a user's would
 * (XTEST), to @window, which is given the keyboard focus first. Without
 * xdotool or an X11 display they cannot be sent: check
 * hangar_test_gui_have_real_input() and skip. The effect arrives as the
 * main loop runs: wait for it with hangar_test_wait_until(). */
gboolean    hangar_test_gui_have_real_input   (void);
/* @keys: xdotool's key names, e.g. "ctrl+Return", "Escape", "Down". */
void        hangar_test_gui_key               (GtkWindow    *window,
                                               const char   *keys);
void        hangar_test_gui_type              (GtkWindow    *window,
                                               const char   *text);

/* Renders @widget (realized, with a size) as it is on screen and saves it
 * as a PNG at @path. */
gboolean    hangar_test_gui_save_png          (GtkWidget    *widget,
                                               const char   *path,
                                               GError      **error);

G_END_DECLS
