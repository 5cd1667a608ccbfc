/* hangar-test-gui.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <gio/gunixsocketaddress.h>
#include <stdlib.h>
#include <string.h>

#include "hangar-test-gui.h"

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

/* --- is there a display? -------------------------------------------------- */

static gboolean
can_connect (GSocketAddress *address)
{
  g_autoptr(GSocket) socket = NULL;

  socket = g_socket_new (g_socket_address_get_family (address), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_DEFAULT, NULL);
  if (socket == NULL)
    return FALSE;
  g_socket_set_timeout (socket, 5);
  return g_socket_connect (socket, address, NULL, NULL);
}

static gboolean
can_connect_unix (const char             *path,
                  GUnixSocketAddressType  type)
{
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new_with_type (path, -1, type);

  return can_connect (address);
}

/* $DISPLAY is "[host]:N[.screen]": a local server listens on
 * /tmp/.X11-unix/XN (and on Linux the abstract socket of that name), a
 * remote one on TCP port 6000 + N. */
static gboolean
x11_usable (const char *display)
{
  const char *colon;
  g_autofree char *host = NULL;
  guint64 number = 0;
  char *end = NULL;

  if (display == NULL || *display == '\0' || (colon = strrchr (display, ':')) == NULL)
    return FALSE;
  number = g_ascii_strtoull (colon + 1, &end, 10);
  if (end == colon + 1 || number > 65535 - 6000)
    return FALSE;
  host = g_strndup (display, colon - display);

  if (*host == '\0' || g_str_equal (host, "unix"))
    {
      g_autofree char *path = g_strdup_printf ("/tmp/.X11-unix/X%u", (guint) number);

      return can_connect_unix (path, G_UNIX_SOCKET_ADDRESS_PATH) ||
             can_connect_unix (path, G_UNIX_SOCKET_ADDRESS_ABSTRACT);
    }
  else
    {
      g_autoptr(GSocketClient) client = g_socket_client_new ();
      g_autoptr(GSocketConnection) connection = NULL;

      g_socket_client_set_timeout (client, 5);
      connection = g_socket_client_connect_to_host (client, host, (guint16) (6000 + number), NULL, NULL);
      return connection != NULL;
    }
}

/* $WAYLAND_DISPLAY is a socket path, relative to $XDG_RUNTIME_DIR unless
 * absolute. */
static gboolean
wayland_usable (const char *name)
{
  g_autofree char *path = NULL;
  const char *runtime = g_getenv ("XDG_RUNTIME_DIR");

  if (name == NULL || *name == '\0')
    return FALSE;
  if (g_path_is_absolute (name))
    path = g_strdup (name);
  else if (runtime != NULL && *runtime != '\0')
    path = g_build_filename (runtime, name, NULL);
  else
    return FALSE;
  return can_connect_unix (path, G_UNIX_SOCKET_ADDRESS_PATH);
}

gboolean
hangar_test_gui_have_display (void)
{
  const char *backend = g_getenv ("GDK_BACKEND");
  gboolean x11_allowed = backend == NULL || *backend == '\0' || strstr (backend, "x11") != NULL || strstr (backend, "*") != NULL;
  gboolean wayland_allowed = backend == NULL || *backend == '\0' || strstr (backend, "wayland") != NULL || strstr (backend, "*") != NULL;

  return (wayland_allowed && wayland_usable (g_getenv ("WAYLAND_DISPLAY"))) ||
         (x11_allowed && x11_usable (g_getenv ("DISPLAY")));
}

void
hangar_test_gui_init (int    *argc,
                      char ***argv)
{
  if (!hangar_test_gui_have_display ())
    {
      g_autofree char *name = g_path_get_basename ((*argv)[0]);

      g_printerr ("%s: SKIP: no display (neither $DISPLAY nor $WAYLAND_DISPLAY names a display "
                  "server that accepts a connection). Run the GUI tests with "
                  "`meson test --setup headless` (a private Xvfb and D-Bus session) or under xvfb-run.\n",
                  name);
      exit (77);
    }
  /* A home of the process's own before GTK starts (see
   * hangar_test_isolate_home()): WebKit and GTK read it at start-up. */
  hangar_test_isolate_home ();
  gtk_test_init (argc, argv, NULL);
  adw_init ();
}

/* --- finding widgets ------------------------------------------------------ */

GtkWindow *
hangar_test_gui_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      /* The list keeps its own reference: the window outlives this one. */
      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

GtkWidget *
hangar_test_gui_find_widget (GtkWidget *root,
                             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) && gtk_widget_get_visible (root))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = hangar_test_gui_find_widget (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

GtkWidget *
hangar_test_gui_find_named (GtkWidget  *root,
                            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = hangar_test_gui_find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

GtkLabel *
hangar_test_gui_find_label (GtkWidget  *root,
                            const char *needle)
{
  if (GTK_IS_LABEL (root) && strstr (gtk_label_get_text (GTK_LABEL (root)), needle) != NULL)
    return GTK_LABEL (root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found = hangar_test_gui_find_label (child, needle);

      if (found != NULL)
        return found;
    }
  return NULL;
}

void
hangar_test_gui_collect_texts (GtkWidget *root,
                               GPtrArray *texts)
{
  if (GTK_IS_INSCRIPTION (root) && gtk_inscription_get_text (GTK_INSCRIPTION (root)) != NULL)
    g_ptr_array_add (texts, g_strdup (gtk_inscription_get_text (GTK_INSCRIPTION (root))));
  if (GTK_IS_LABEL (root))
    g_ptr_array_add (texts, g_strdup (gtk_label_get_text (GTK_LABEL (root))));
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    hangar_test_gui_collect_texts (child, texts);
}

gboolean
hangar_test_gui_shows_text (GtkWidget  *root,
                            const char *text)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

  hangar_test_gui_collect_texts (root, texts);
  for (guint i = 0; i < texts->len; i++)
    if (g_strcmp0 (g_ptr_array_index (texts, i), text) == 0)
      return TRUE;
  return FALSE;
}

typedef struct
{
  GtkWidget  *root;
  const char *text;
} TextWait;

static gboolean
text_shown (gpointer data)
{
  TextWait *wait = data;

  return hangar_test_gui_shows_text (wait->root, wait->text);
}

void
hangar_test_gui_wait_for_text (GtkWidget  *root,
                               const char *text)
{
  TextWait wait = { root, text };
  g_autofree char *what = g_strdup_printf ("\"%s\" to be shown in a %s", text, G_OBJECT_TYPE_NAME (root));

  hangar_test_wait_until (text_shown, &wait, what);
}

gboolean
hangar_test_gui_widget_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (GTK_WIDGET (widget));
}

gboolean
hangar_test_gui_widget_hidden (gpointer widget)
{
  return !gtk_widget_get_visible (GTK_WIDGET (widget));
}

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       data)
{
  *(gboolean *) data = TRUE;
}

void
hangar_test_gui_wait_for_frame (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gboolean painted = FALSE;
  gulong handler;

  g_assert_nonnull (clock);   /* the widget is realized */
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &painted);
  gtk_widget_queue_draw (widget);
  gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_LAYOUT | GDK_FRAME_CLOCK_PHASE_PAINT);
  hangar_test_wait_until (hangar_test_flag_is_set, &painted, "a new frame to be painted");
  g_signal_handler_disconnect (clock, handler);
}

/* --- rendering ------------------------------------------------------------ */

gboolean
hangar_test_gui_save_png (GtkWidget   *widget,
                          const char  *path,
                          GError     **error)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = NULL;
  GtkNative *native = gtk_widget_get_native (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  if (native != NULL)
    renderer = gtk_native_get_renderer (native);
  if (renderer == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, "%s is not realized", G_OBJECT_TYPE_NAME (widget));
      return FALSE;
    }
  if (width <= 0 || height <= 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, "%s has no size", G_OBJECT_TYPE_NAME (widget));
      return FALSE;
    }

  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s drew nothing", G_OBJECT_TYPE_NAME (widget));
      return FALSE;
    }
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not write %s", path);
      return FALSE;
    }
  return TRUE;
}

/* --- real input ------------------------------------------------------------ */

static char *
xdotool_path (void)
{
  return g_find_program_in_path ("xdotool");
}

gboolean
hangar_test_gui_have_real_input (void)
{
#ifdef GDK_WINDOWING_X11
  g_autofree char *path = xdotool_path ();

  return path != NULL && GDK_IS_X11_DISPLAY (gdk_display_get_default ());
#else
  return FALSE;
#endif
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
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, &err, &status, &error))
    g_error ("xdotool could not run: %s", error->message);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("xdotool %s failed: %s (%s)", args[0], error->message, err != NULL ? err : "");
}

/* On screen, painted, known to the X server, and holding the focus. */
static void
focus_window (GtkWindow *window)
{
#ifdef GDK_WINDOWING_X11
  GdkSurface *surface;
  g_autofree char *xid = NULL;

  gtk_window_present (window);
  hangar_test_wait_until (hangar_test_gui_widget_mapped, window, "the window to map before input");
  hangar_test_gui_wait_for_frame (GTK_WIDGET (window));
  surface = gtk_native_get_surface (GTK_NATIVE (window));
  xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (surface));
  gdk_display_sync (gtk_widget_get_display (GTK_WIDGET (window)));
  run_xdotool ((const char * const[]) { "windowfocus", "--sync", xid, NULL });
#else
  g_assert_not_reached ();
#endif
}

void
hangar_test_gui_key (GtkWindow  *window,
                     const char *keys)
{
  g_return_if_fail (hangar_test_gui_have_real_input ());

  focus_window (window);
  run_xdotool ((const char * const[]) { "key", "--clearmodifiers", keys, NULL });
}

void
hangar_test_gui_type (GtkWindow  *window,
                      const char *text)
{
  g_return_if_fail (hangar_test_gui_have_real_input ());

  focus_window (window);
  run_xdotool ((const char * const[]) { "type", "--clearmodifiers", "--delay", "1", text, NULL });
}
