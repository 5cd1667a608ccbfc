/* hangar-compat.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-compat.h"

void
hangar_compat_show_uri (GtkWindow  *parent,
                        const char *uri)
{
  g_return_if_fail (uri != NULL);

  /* GtkUriLauncher is 4.10; gtk_show_uri is deprecated there but is the
   * only way on 4.8. */
#if GTK_CHECK_VERSION (4, 10, 0) && defined (GDK_VERSION_4_10) && GDK_VERSION_MAX_ALLOWED >= GDK_VERSION_4_10
  {
    g_autoptr(GtkUriLauncher) launcher = gtk_uri_launcher_new (uri);
    gtk_uri_launcher_launch (launcher, parent, NULL, NULL, NULL);
  }
#else
  gtk_show_uri (parent, uri, GDK_CURRENT_TIME);
#endif
}

typedef struct
{
  HangarCompatConfirmFunc callback;
  gpointer                user_data;
  gboolean                answered;
} ConfirmData;

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  ConfirmData *data = user_data;

  /* Exactly one answer, even if a second response comes before the
   * dialog is gone. */
  if (data->answered)
    return;
  data->answered = TRUE;
  data->callback (g_strcmp0 (response, "confirm") == 0, data->user_data);
}

GtkWindow *
hangar_compat_confirm (GtkWindow               *parent,
                       const char              *heading,
                       const char              *body,
                       const char              *confirm_label,
                       gboolean                 destructive,
                       HangarCompatConfirmFunc  callback,
                       gpointer                 user_data)
{
  GtkWidget *dialog;
  ConfirmData *data;

  dialog = adw_message_dialog_new (parent, heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "confirm", confirm_label,
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "confirm",
                                              destructive ? ADW_RESPONSE_DESTRUCTIVE
                                                          : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  data = g_new0 (ConfirmData, 1);
  data->callback = callback;
  data->user_data = user_data;
  g_signal_connect_data (dialog, "response", G_CALLBACK (confirm_response_cb), data,
                         (GClosureNotify) (void (*) (void)) g_free, 0);

  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}

gboolean
hangar_compat_save_widget_png (GtkWidget   *widget,
                               const char  *path,
                               GError     **error)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer;
  GtkNative *native;
  int width, height;

  native = gtk_widget_get_native (widget);
  if (native == NULL || (renderer = gtk_native_get_renderer (native)) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, "Widget is not realized");
      return FALSE;
    }

  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  if (width <= 0 || height <= 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, "Widget has no size");
      return FALSE;
    }

  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Nothing was drawn");
      return FALSE;
    }

  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not write %s", path);
      return FALSE;
    }
  return TRUE;
}

void
hangar_compat_set_tooltip_text (GtkWidget  *widget,
                                const char *text)
{
  const char *now = gtk_widget_get_tooltip_text (widget);

  if (text != NULL && text[0] == '\0')
    text = NULL;   /* GTK keeps an empty tooltip as none */
  if (g_strcmp0 (now, text) != 0)
    gtk_widget_set_tooltip_text (widget, text);
}
