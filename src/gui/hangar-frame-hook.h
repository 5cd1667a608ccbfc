/* hangar-frame-hook.h — one handler on a window's frame clock
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A handler connected to a GdkFrameClock signal, with the clock held. A
 * frame clock drops every handler when its window is destroyed, so the
 * hook checks that its handler is still there before it disconnects it,
 * and says whether it is still live. Zero-initialised: not connected. */
typedef struct
{
  GdkFrameClock *clock;
  gulong         id;
} HangarFrameHook;

/* Connects @callback (void (*) (GdkFrameClock *, gpointer)) to @signal of
 * @clock, after GTK's own handlers when @after; what @hook held before is
 * let go. */
void      hangar_frame_hook_connect (HangarFrameHook *hook,
                                     GdkFrameClock   *clock,
                                     const char      *signal,
                                     gboolean         after,
                                     GCallback        callback,
                                     gpointer         data);
/* Whether @hook is connected to @clock and its window has not dropped it. */
gboolean  hangar_frame_hook_is_live (HangarFrameHook *hook,
                                     GdkFrameClock   *clock);
void      hangar_frame_hook_clear   (HangarFrameHook *hook);

G_END_DECLS
