/* hangar-cell-editor-attachments.c — attachments: the files with a
 * thumbnail where Airtable gives one, open and remove; "Add Files…" picks
 * files to upload (the grid journals one upload per file)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "hangar-cell-editor-private.h"
#include "hangar-compat.h"

#define THUMBNAIL_SIZE   48
#define THUMBNAIL_MAX_MB 4

static void show_files (HangarCellEditor *self);

static const char *
object_string (JsonObject *object,
               const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* An attachment URL made absolute: Airtable's are; the sandbox gives paths
 * on its own host. Only http(s). */
static char *
absolute_url (HangarCellEditor *self,
              const char       *url)
{
  g_autoptr(GUri) base = NULL;
  g_autoptr(GUri) resolved = NULL;

  if (url == NULL)
    return NULL;
  if (g_str_has_prefix (url, "https://") || g_str_has_prefix (url, "http://"))
    return g_strdup (url);
  if (self->api_url == NULL || url[0] != '/')
    return NULL;
  base = g_uri_parse (self->api_url, G_URI_FLAGS_NONE, NULL);
  resolved = base != NULL ? g_uri_parse_relative (base, url, G_URI_FLAGS_NONE, NULL) : NULL;
  return resolved != NULL ? g_uri_to_string (resolved) : NULL;
}

static void
thumbnail_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GtkPicture) picture = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GdkTexture) texture = NULL;

  if (bytes == NULL || msg == NULL || !SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg)) ||
      g_bytes_get_size (bytes) > THUMBNAIL_MAX_MB * 1024 * 1024)
    return;   /* the icon stays */
  texture = gdk_texture_new_from_bytes (bytes, NULL);
  if (texture != NULL)
    gtk_picture_set_paintable (picture, GDK_PAINTABLE (texture));
}

static void
load_thumbnail (HangarCellEditor *self,
                GtkWidget        *picture,
                JsonObject       *attachment)
{
  JsonObject *thumbnails = json_object_has_member (attachment, "thumbnails") &&
                           JSON_NODE_HOLDS_OBJECT (json_object_get_member (attachment, "thumbnails"))
                           ? json_object_get_object_member (attachment, "thumbnails") : NULL;
  JsonObject *small = thumbnails != NULL && json_object_has_member (thumbnails, "small") &&
                      JSON_NODE_HOLDS_OBJECT (json_object_get_member (thumbnails, "small"))
                      ? json_object_get_object_member (thumbnails, "small") : NULL;
  const char *type = object_string (attachment, "type");
  g_autofree char *url = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  SoupSession *session;

  /* A thumbnail when Airtable gives one; the file itself only when it is
   * a small image. */
  if (small != NULL)
    url = absolute_url (self, object_string (small, "url"));
  else if (type != NULL && g_str_has_prefix (type, "image/") &&
           json_object_get_int_member_with_default (attachment, "size", G_MAXINT) < 1024 * 1024)
    url = absolute_url (self, object_string (attachment, "url"));
  if (url == NULL)
    return;
  msg = soup_message_new ("GET", url);
  if (msg == NULL)
    return;
  session = g_object_get_data (G_OBJECT (self), "hangar-thumbnail-session");
  if (session == NULL)
    {
      session = soup_session_new_with_options ("timeout", 20, NULL);
      g_object_set_data_full (G_OBJECT (self), "hangar-thumbnail-session", session, g_object_unref);
    }
  soup_session_send_and_read_async (session, msg, G_PRIORITY_LOW, self->cancellable, thumbnail_cb,
                                    g_object_ref (picture));
}

static void
open_clicked_cb (GtkButton        *button,
                 HangarCellEditor *self)
{
  const char *url = g_object_get_data (G_OBJECT (button), "hangar-url");

  if (url != NULL)
    hangar_compat_show_uri (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), url);
}

static void
remove_clicked_cb (GtkButton        *button,
                   HangarCellEditor *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "hangar-index"));

  if (index < self->items->len)
    g_ptr_array_remove_index (self->items, index);
  show_files (self);
}

static GtkWidget *
icon_button (const char *icon,
             const char *name)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  return button;
}

static void
show_files (HangarCellEditor *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->chosen)) != NULL)
    gtk_box_remove (GTK_BOX (self->chosen), child);
  if (self->items->len == 0)
    gtk_box_append (GTK_BOX (self->chosen), _hangar_cell_editor_heading (self, _("No files")));

  for (guint i = 0; i < self->items->len; i++)
    {
      JsonObject *attachment = json_node_get_object (g_ptr_array_index (self->items, i));
      const char *filename = object_string (attachment, "filename") ?: _("file");
      g_autofree char *url = absolute_url (self, object_string (attachment, "url"));
      gint64 size = json_object_get_int_member_with_default (attachment, "size", -1);
      g_autofree char *size_text = size >= 0 ? g_format_size (size) : g_strdup ("");
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
      GtkWidget *picture = gtk_picture_new ();
      GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
      GtkWidget *name = gtk_label_new (filename);   /* plain text */
      GtkWidget *details = gtk_label_new (size_text);
      g_autofree char *open_name = g_strdup_printf (_("Open %s"), filename);
      g_autofree char *remove_name = g_strdup_printf (_("Remove %s"), filename);
      GtkWidget *open = icon_button ("document-open-symbolic", open_name);
      GtkWidget *remove = icon_button ("user-trash-symbolic", remove_name);
      g_autoptr(GIcon) icon = g_themed_icon_new ("mail-attachment-symbolic");

      gtk_widget_set_size_request (picture, THUMBNAIL_SIZE, THUMBNAIL_SIZE);
      gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_COVER);
      gtk_widget_add_css_class (picture, "attachment-thumbnail");
      gtk_accessible_update_property (GTK_ACCESSIBLE (picture), GTK_ACCESSIBLE_PROPERTY_LABEL, filename, -1);
      load_thumbnail (self, picture, attachment);

      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_MIDDLE);
      gtk_label_set_max_width_chars (GTK_LABEL (name), 28);
      gtk_label_set_xalign (GTK_LABEL (details), 0);
      gtk_widget_add_css_class (details, "dim-label");
      gtk_widget_add_css_class (details, "caption");
      gtk_box_append (GTK_BOX (texts), name);
      gtk_box_append (GTK_BOX (texts), details);
      gtk_widget_set_hexpand (texts, TRUE);
      gtk_widget_set_valign (texts, GTK_ALIGN_CENTER);

      g_object_set_data_full (G_OBJECT (open), "hangar-url", g_steal_pointer (&url), g_free);
      gtk_widget_set_sensitive (open, g_object_get_data (G_OBJECT (open), "hangar-url") != NULL);
      g_signal_connect (open, "clicked", G_CALLBACK (open_clicked_cb), self);
      g_object_set_data (G_OBJECT (remove), "hangar-index", GUINT_TO_POINTER (i));
      g_signal_connect (remove, "clicked", G_CALLBACK (remove_clicked_cb), self);

      gtk_box_append (GTK_BOX (row), picture);
      gtk_box_append (GTK_BOX (row), texts);
      gtk_box_append (GTK_BOX (row), open);
      gtk_box_append (GTK_BOX (row), remove);
      gtk_widget_add_css_class (row, "chosen-item");
      gtk_box_append (GTK_BOX (self->chosen), row);
    }
}

static void
chooser_response_cb (GtkNativeDialog  *dialog,
                     int               response,
                     HangarCellEditor *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));

      if (g_list_model_get_n_items (files) > 0)
        _hangar_cell_editor_emit_files (self, files);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
add_clicked_cb (GtkButton        *button,
                HangarCellEditor *self)
{
  GtkFileChooserNative *chooser;
  GtkWindow *parent = GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self)));

  /* The popover's own surface is no parent for a dialog: the window is. */
  if (GTK_IS_POPOVER (gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_POPOVER)))
    {
      GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_POPOVER);
      GtkWidget *owner = gtk_widget_get_parent (popover);

      parent = owner != NULL ? GTK_WINDOW (gtk_widget_get_root (owner)) : parent;
    }
  chooser = gtk_file_chooser_native_new (_("Add Files"), parent, GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Add"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
done_clicked_cb (GtkButton        *button,
                 HangarCellEditor *self)
{
  hangar_cell_editor_commit (self, HANGAR_CELL_EDITOR_STAY);
}

void
_hangar_cell_editor_build_attachments (HangarCellEditor *self)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *add = gtk_button_new_with_mnemonic (_("_Add Files…"));
  GtkWidget *done = gtk_button_new_with_mnemonic (_("_Done"));

  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  if (self->initial != NULL && JSON_NODE_HOLDS_ARRAY (self->initial))
    {
      JsonArray *array = json_node_get_array (self->initial);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (JSON_NODE_HOLDS_OBJECT (json_array_get_element (array, i)))
          g_ptr_array_add (self->items, json_node_copy (json_array_get_element (array, i)));
    }

  self->chosen = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->chosen), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Files"), -1);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 300);
  gtk_scrolled_window_set_min_content_width (GTK_SCROLLED_WINDOW (scrolled), 300);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), self->chosen);
  gtk_box_append (GTK_BOX (self->box), scrolled);

  g_signal_connect (add, "clicked", G_CALLBACK (add_clicked_cb), self);
  gtk_widget_set_hexpand (add, TRUE);
  gtk_widget_set_halign (add, GTK_ALIGN_START);
  gtk_widget_add_css_class (done, "suggested-action");
  g_signal_connect (done, "clicked", G_CALLBACK (done_clicked_cb), self);
  gtk_box_append (GTK_BOX (buttons), add);
  gtk_box_append (GTK_BOX (buttons), done);
  gtk_box_append (GTK_BOX (self->box), buttons);
  gtk_box_append (GTK_BOX (self->box),
                  _hangar_cell_editor_heading (self, _("Files up to 5 MB; each is sent to Airtable on its own")));

  show_files (self);
  self->focus = add;
}

JsonNode *
_hangar_cell_editor_attachments_value (HangarCellEditor *self)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < self->items->len; i++)
    json_array_add_element (array, json_node_copy (g_ptr_array_index (self->items, i)));
  json_node_take_array (node, array);
  {
    g_autoptr(JsonNode) owned = node;

    return hangar_cell_value_for_write (self->field, owned);
  }
}
