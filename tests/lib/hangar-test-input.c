/* hangar-test-input.c — real keyboard and mouse input through xdotool
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gtk/gtk.h>
#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif
#include <stdlib.h>

#include "hangar-test-gui.h"
#include "hangar-test-input.h"

static char *
xdotool_path (void)
{
  return g_find_program_in_path ("xdotool");
}

gboolean
hangar_test_input_available (void)
{
  g_autofree char *path = xdotool_path ();

#ifdef GDK_WINDOWING_X11
  return path != NULL && GDK_IS_X11_DISPLAY (gdk_display_get_default ());
#else
  return FALSE;
#endif
}

void
hangar_test_input_require (void)
{
  if (hangar_test_input_available ())
    return;
  g_printerr ("SKIP: real input needs xdotool and an X11 display (build-aux/hangar-deps.sh installs xdotool; "
              "meson test --setup headless gives an Xvfb)\n");
  exit (77);
}

/* After xdotool returns the X server has made the events; a round trip
 * puts them in our queue, and dispatching what is pending hands them to
 * GTK. So when an input call returns, GTK has seen the input (what it
 * starts, e.g. a request, may still be on its way). */
static void
flush_events (void)
{
  GdkDisplay *display = gdk_display_get_default ();

  for (guint round = 0; round < 3; round++)
    {
      gdk_display_sync (display);
      while (g_main_context_pending (NULL))
        g_main_context_iteration (NULL, FALSE);
    }
}

static void
run_xdotool (const char * const *args)
{
  g_autofree char *path = xdotool_path ();
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_assert_nonnull (path);
  g_ptr_array_add (argv, path);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, &err, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("xdotool failed: %s %s", error != NULL ? error->message : "", err != NULL ? err : "");
  flush_events ();
}

/* On screen, and the X server has seen every request GTK made for it. */
static void
settle (GtkWidget *widget)
{
  hangar_test_wait_until (hangar_test_gui_widget_mapped, widget, "the widget to be on screen");
  hangar_test_gui_wait_for_frame (widget);
  gdk_display_sync (gtk_widget_get_display (widget));
}

/* @widget's middle in its X window's coordinates, and that window. */
static gulong
window_point (GtkWidget *widget,
              int       *out_x,
              int       *out_y)
{
#ifdef GDK_WINDOWING_X11
  GtkNative *native = gtk_widget_get_native (widget);
  GdkSurface *surface = gtk_native_get_surface (native);
  graphene_point_t point;
  double dx = 0, dy = 0;

  g_assert_true (GDK_IS_X11_SURFACE (surface));
  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native),
                                           &GRAPHENE_POINT_INIT (gtk_widget_get_width (widget) / 2.0,
                                                                 gtk_widget_get_height (widget) / 2.0),
                                           &point));
  /* The native widget sits inside its surface after the CSD shadow. */
  gtk_native_get_surface_transform (native, &dx, &dy);
  *out_x = (int) (point.x + dx);
  *out_y = (int) (point.y + dy);
  if (g_getenv ("HANGAR_TEST_INPUT_DEBUG") != NULL)
    g_printerr ("input: %s at %d,%d in window %lu (native %s, transform %g,%g)\n", G_OBJECT_TYPE_NAME (widget),
                *out_x, *out_y, (gulong) gdk_x11_surface_get_xid (surface), G_OBJECT_TYPE_NAME (native), dx, dy);
  return (gulong) gdk_x11_surface_get_xid (surface);
#else
  /* hangar_test_input_require() skips without X11. */
  g_assert_not_reached ();
#endif
}

void
hangar_test_input_point_at (GtkWidget *widget)
{
  int x, y;
  gulong xid;
  g_autofree char *window = NULL;
  g_autofree char *xs = NULL;
  g_autofree char *ys = NULL;

  settle (widget);
  xid = window_point (widget, &x, &y);
  window = g_strdup_printf ("%lu", xid);
  xs = g_strdup_printf ("%d", x);
  ys = g_strdup_printf ("%d", y);
  {
    const char *args[] = { "mousemove", "--window", window, xs, ys, NULL };

    run_xdotool (args);
  }
}

void
hangar_test_input_keys (GtkWidget  *widget,
                        const char *keys)
{
  g_auto(GStrv) names = g_strsplit (keys, " ", -1);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();

  hangar_test_input_point_at (widget);
  g_ptr_array_add (args, "key");
  g_ptr_array_add (args, "--delay");
  g_ptr_array_add (args, "40");
  for (guint i = 0; names[i] != NULL; i++)
    if (names[i][0] != '\0')
      g_ptr_array_add (args, names[i]);
  g_ptr_array_add (args, NULL);
  run_xdotool ((const char * const *) args->pdata);
}

void
hangar_test_input_type (GtkWidget  *widget,
                        const char *text)
{
  const char *args[] = { "type", "--delay", "40", text, NULL };

  hangar_test_input_point_at (widget);
  run_xdotool (args);
}

void
hangar_test_input_click (GtkWidget  *widget,
                         guint       button,
                         guint       count,
                         const char *modifiers)
{
  g_autofree char *which = g_strdup_printf ("%u", button);
  g_autofree char *repeat = g_strdup_printf ("%u", count);

  hangar_test_input_point_at (widget);
  if (modifiers != NULL)
    {
      const char *down[] = { "keydown", modifiers, NULL };

      run_xdotool (down);
    }
  {
    const char *args[] = { "click", "--repeat", repeat, "--delay", "80", which, NULL };

    run_xdotool (args);
  }
  if (modifiers != NULL)
    {
      const char *up[] = { "keyup", modifiers, NULL };

      run_xdotool (up);
    }
}
