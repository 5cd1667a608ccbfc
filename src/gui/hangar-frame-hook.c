/* hangar-frame-hook.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-frame-hook.h"

void
hangar_frame_hook_clear (HangarFrameHook *hook)
{
  if (hook->clock != NULL && hook->id != 0 && g_signal_handler_is_connected (hook->clock, hook->id))
    g_signal_handler_disconnect (hook->clock, hook->id);
  hook->id = 0;
  g_clear_object (&hook->clock);
}

void
hangar_frame_hook_connect (HangarFrameHook *hook,
                           GdkFrameClock   *clock,
                           const char      *signal,
                           gboolean         after,
                           GCallback        callback,
                           gpointer         data)
{
  g_return_if_fail (GDK_IS_FRAME_CLOCK (clock));

  hangar_frame_hook_clear (hook);
  hook->clock = g_object_ref (clock);
  hook->id = g_signal_connect_data (clock, signal, callback, data, NULL, after ? G_CONNECT_AFTER : 0);
}

gboolean
hangar_frame_hook_is_live (HangarFrameHook *hook,
                           GdkFrameClock   *clock)
{
  return hook->clock != NULL && hook->clock == clock && hook->id != 0 &&
         g_signal_handler_is_connected (hook->clock, hook->id);
}
