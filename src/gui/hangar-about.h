/* hangar-about.h — the About window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Shows Hangar's About window (AdwAboutWindow: libadwaita 1.2) over
 * @parent: name, icon, version, credits, licence, links, the newest
 * release's notes from the metainfo the app carries, and the debug info.
 * @sandbox_url is where `--sandbox`'s sandbox listens, NULL otherwise.
 * Returns the window (owned by GTK). */
GtkWindow *hangar_about_show                (GtkWindow   *parent,
                                             const char  *sandbox_url);

/* The debug info the About window offers to copy: the versions of the
 * libraries in use, how the app runs (Flatpak, display, sandbox mode).
 * Never an account, a token or a server answer. */
char      *hangar_about_dup_debug_info      (const char  *sandbox_url);

/* The newest release in @metainfo (AppStream XML): its version and its
 * description as the markup AdwAboutWindow takes (p, ul, ol, li, em, code),
 * in the first of the user's languages it has, else untranslated. FALSE with
 * @error when there is none or the XML is broken. */
gboolean   hangar_about_parse_release_notes (const char  *metainfo,
                                             gssize       length,
                                             char       **out_version,
                                             char       **out_notes,
                                             GError     **error);

G_END_DECLS
