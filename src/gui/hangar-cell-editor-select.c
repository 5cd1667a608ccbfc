/* hangar-cell-editor-select.c — single and multiple selects: a searchable
 * list of the field's options with their colours; a new option only after
 * the user confirms it (it is then sent with typecast, and Airtable adds it)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hangar-cell-editor-private.h"

static gboolean
is_multiple (HangarCellEditor *self)
{
  return hangar_field_get_field_type (self->field) == HANGAR_FIELD_TYPE_MULTIPLE_SELECTS;
}

static gboolean
is_chosen (HangarCellEditor *self,
           const char       *name)
{
  for (guint i = 0; i < self->items->len; i++)
    if (g_str_equal (g_ptr_array_index (self->items, i), name))
      return TRUE;
  return FALSE;
}

static void
update_row (HangarCellEditor *self,
            GtkWidget        *row)
{
  const char *name = g_object_get_data (G_OBJECT (row), "hangar-option");
  GtkWidget *check = g_object_get_data (G_OBJECT (row), "hangar-check");
  gboolean chosen;
  g_autofree char *label = NULL;

  if (name == NULL)
    return;
  chosen = is_chosen (self, name);
  gtk_widget_set_opacity (check, chosen ? 1.0 : 0.0);
  /* e.g. "Done, selected" */
  label = chosen ? g_strdup_printf (_("%s, selected"), name) : g_strdup (name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
update_rows (HangarCellEditor *self)
{
  for (GtkWidget *row = gtk_widget_get_first_child (self->list); row != NULL; row = gtk_widget_get_next_sibling (row))
    update_row (self, row);
}

static GtkWidget *
new_option_row (const char *name,
                const char *color)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *chip = gtk_label_new (name);   /* plain text, never markup */
  GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");
  g_autofree char *css = g_strdup_printf ("select-%s", color != NULL ? color : "none");

  gtk_label_set_ellipsize (GTK_LABEL (chip), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (chip), 30);
  gtk_widget_add_css_class (chip, "select-chip");
  gtk_widget_add_css_class (chip, css);
  gtk_widget_set_halign (chip, GTK_ALIGN_START);
  gtk_widget_set_hexpand (chip, TRUE);
  gtk_box_append (GTK_BOX (box), chip);
  gtk_box_append (GTK_BOX (box), check);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data_full (G_OBJECT (row), "hangar-option", g_strdup (name), g_free);
  g_object_set_data (G_OBJECT (row), "hangar-check", check);
  return row;
}

static char *
search_text (HangarCellEditor *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search))));
}

static gboolean
filter_cb (GtkListBoxRow *row,
           gpointer       user_data)
{
  HangarCellEditor *self = user_data;
  const char *name = g_object_get_data (G_OBJECT (row), "hangar-option");
  g_autofree char *text = search_text (self);
  g_autofree char *folded_text = NULL;
  g_autofree char *folded_name = NULL;

  if (name == NULL)
    {
      /* The "new option" row: only for a name that is not an option. */
      g_autoptr(GPtrArray) names = NULL;

      if (*text == '\0')
        return FALSE;
      hangar_cell_value_get_choices (self->field, &names, NULL);
      for (guint i = 0; i < names->len; i++)
        {
          g_autofree char *a = g_utf8_casefold (g_ptr_array_index (names, i), -1);
          g_autofree char *b = g_utf8_casefold (text, -1);

          if (g_str_equal (a, b))
            return FALSE;
        }
      return TRUE;
    }
  if (*text == '\0')
    return TRUE;
  folded_text = g_utf8_casefold (text, -1);
  folded_name = g_utf8_casefold (name, -1);
  return strstr (folded_name, folded_text) != NULL;
}

static void
update_create_row (HangarCellEditor *self)
{
  GtkWidget *create = g_object_get_data (G_OBJECT (self->list), "hangar-create-row");
  GtkWidget *label = g_object_get_data (G_OBJECT (create), "hangar-label");
  g_autofree char *text = search_text (self);
  g_autofree char *caption = g_strdup_printf (_("Create option “%s”…"), text);

  gtk_label_set_text (GTK_LABEL (label), caption);
}

static void
search_changed_cb (HangarCellEditor *self)
{
  g_autofree char *text = search_text (self);
  const char *asked = g_object_get_data (G_OBJECT (self->confirm), "hangar-asked");

  /* The entry says so a moment after the last key: Enter can have asked
   * about this very text already, and the question stays. */
  if (g_strcmp0 (text, asked) != 0)
    gtk_widget_set_visible (self->confirm, FALSE);
  _hangar_cell_editor_set_error (self, NULL);
  update_create_row (self);
  gtk_list_box_invalidate_filter (GTK_LIST_BOX (self->list));
}

/* A single select: picking an option is the edit. */
static void
choose (HangarCellEditor *self,
        const char       *name,
        gboolean          is_new)
{
  g_autoptr(JsonNode) value = json_node_init_string (json_node_alloc (), name);

  _hangar_cell_editor_emit_commit (self, value, is_new, HANGAR_CELL_EDITOR_STAY);
}

static void
toggle_name (HangarCellEditor *self,
             const char       *name)
{
  for (guint i = 0; i < self->items->len; i++)
    if (g_str_equal (g_ptr_array_index (self->items, i), name))
      {
        g_ptr_array_remove_index (self->items, i);
        update_rows (self);
        return;
      }
  g_ptr_array_add (self->items, g_strdup (name));
  update_rows (self);
}

static void
show_confirm (HangarCellEditor *self)
{
  GtkWidget *question = g_object_get_data (G_OBJECT (self->confirm), "hangar-question");
  g_autofree char *text = search_text (self);
  g_autofree char *caption = g_strdup_printf (_("Add “%s” as a new option of “%s”? Airtable adds it to the "
                                                "field for everyone."), text, hangar_field_get_name (self->field));

  gtk_label_set_text (GTK_LABEL (question), caption);
  g_object_set_data_full (G_OBJECT (self->confirm), "hangar-asked", g_steal_pointer (&text), g_free);
  gtk_widget_set_visible (self->confirm, TRUE);
  gtk_widget_grab_focus (g_object_get_data (G_OBJECT (self->confirm), "hangar-button"));
}

static void
row_activated_cb (GtkListBox       *list,
                  GtkListBoxRow    *row,
                  HangarCellEditor *self)
{
  const char *name = g_object_get_data (G_OBJECT (row), "hangar-option");

  if (name == NULL)
    {
      show_confirm (self);
      return;
    }
  if (is_multiple (self))
    toggle_name (self, name);
  else
    choose (self, name, FALSE);
}

static void
confirm_clicked_cb (GtkButton        *button,
                    HangarCellEditor *self)
{
  g_autofree char *text = search_text (self);

  if (*text == '\0')
    return;
  g_free (self->new_option);
  self->new_option = g_strdup (text);
  gtk_widget_set_visible (self->confirm, FALSE);
  if (!is_multiple (self))
    {
      choose (self, text, TRUE);
      return;
    }
  if (!is_chosen (self, text))
    g_ptr_array_add (self->items, g_strdup (text));
  gtk_editable_set_text (GTK_EDITABLE (self->search), "");
  gtk_widget_grab_focus (self->search);
}

/* Enter in the search: the one option left, or the new one. */
static void
search_activate_cb (HangarCellEditor *self)
{
  GtkListBoxRow *only = NULL;
  guint n = 0;
  g_autofree char *text = search_text (self);

  if (*text == '\0')
    {
      hangar_cell_editor_commit (self, HANGAR_CELL_EDITOR_DOWN);
      return;
    }
  for (GtkWidget *row = gtk_widget_get_first_child (self->list); row != NULL; row = gtk_widget_get_next_sibling (row))
    /* (the list's own filter may lag behind the search's delay) */
    if (filter_cb (GTK_LIST_BOX_ROW (row), self))
      {
        const char *name = g_object_get_data (G_OBJECT (row), "hangar-option");
        g_autofree char *a = name != NULL ? g_utf8_casefold (name, -1) : NULL;
        g_autofree char *b = g_utf8_casefold (text, -1);

        /* An exact name wins over the others that contain it. */
        if (a != NULL && g_str_equal (a, b))
          {
            only = GTK_LIST_BOX_ROW (row);
            n = 1;
            break;
          }
        only = GTK_LIST_BOX_ROW (row);
        n++;
      }
  if (n == 1)
    {
      update_create_row (self);
      gtk_list_box_invalidate_filter (GTK_LIST_BOX (self->list));
      row_activated_cb (GTK_LIST_BOX (self->list), only, self);
      /* An option toggled: the search is done. A new one: the question
       * about it stays with its text. */
      if (!self->done && is_multiple (self) && g_object_get_data (G_OBJECT (only), "hangar-option") != NULL)
        gtk_editable_set_text (GTK_EDITABLE (self->search), "");
    }
}

static void
clear_clicked_cb (GtkButton        *button,
                  HangarCellEditor *self)
{
  g_autoptr(JsonNode) value = json_node_new (JSON_NODE_NULL);

  if (is_multiple (self))
    {
      g_ptr_array_set_size (self->items, 0);
      update_rows (self);
      return;
    }
  _hangar_cell_editor_emit_commit (self, value, FALSE, HANGAR_CELL_EDITOR_STAY);
}

static void
done_clicked_cb (GtkButton        *button,
                 HangarCellEditor *self)
{
  hangar_cell_editor_commit (self, HANGAR_CELL_EDITOR_STAY);
}

void
_hangar_cell_editor_build_select (HangarCellEditor *self)
{
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) colors = NULL;
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *create = gtk_list_box_row_new ();
  GtkWidget *create_label = gtk_label_new (NULL);
  GtkWidget *question = gtk_label_new (NULL);
  GtkWidget *add = gtk_button_new_with_mnemonic (_("_Add Option"));
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *clear = gtk_button_new_with_mnemonic (_("_Clear"));

  self->items = g_ptr_array_new_with_free_func (g_free);
  if (self->initial != NULL && JSON_NODE_HOLDS_ARRAY (self->initial))
    {
      JsonArray *array = json_node_get_array (self->initial);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (JSON_NODE_HOLDS_VALUE (json_array_get_element (array, i)))
          g_ptr_array_add (self->items, g_strdup (json_array_get_string_element (array, i)));
    }
  else if (self->initial != NULL && JSON_NODE_HOLDS_VALUE (self->initial) &&
           json_node_get_value_type (self->initial) == G_TYPE_STRING)
    g_ptr_array_add (self->items, g_strdup (json_node_get_string (self->initial)));

  self->search = gtk_search_entry_new ();
  g_object_set (self->search, "placeholder-text", _("Find an option"), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->search), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Find an option"), -1);
  g_signal_connect_swapped (self->search, "search-changed", G_CALLBACK (search_changed_cb), self);
  g_signal_connect_swapped (self->search, "activate", G_CALLBACK (search_activate_cb), self);
  gtk_box_append (GTK_BOX (self->box), self->search);

  self->list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->list), GTK_SELECTION_NONE);
  gtk_list_box_set_activate_on_single_click (GTK_LIST_BOX (self->list), TRUE);
  gtk_widget_add_css_class (self->list, "select-options");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  hangar_field_get_name (self->field), -1);
  hangar_cell_value_get_choices (self->field, &names, &colors);
  for (guint i = 0; i < names->len; i++)
    gtk_list_box_append (GTK_LIST_BOX (self->list),
                         new_option_row (g_ptr_array_index (names, i), g_ptr_array_index (colors, i)));

  gtk_label_set_xalign (GTK_LABEL (create_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (create_label), PANGO_ELLIPSIZE_END);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (create), create_label);
  g_object_set_data (G_OBJECT (create), "hangar-label", create_label);
  gtk_list_box_append (GTK_LIST_BOX (self->list), create);
  g_object_set_data (G_OBJECT (self->list), "hangar-create-row", create);

  gtk_list_box_set_filter_func (GTK_LIST_BOX (self->list), filter_cb, self, NULL);
  g_signal_connect (self->list, "row-activated", G_CALLBACK (row_activated_cb), self);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 300);
  gtk_scrolled_window_set_min_content_width (GTK_SCROLLED_WINDOW (scrolled), 220);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), self->list);
  gtk_box_append (GTK_BOX (self->box), scrolled);

  /* The confirmation of a new option. */
  self->confirm = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_label_set_wrap (GTK_LABEL (question), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (question), 36);
  gtk_label_set_xalign (GTK_LABEL (question), 0);
  gtk_box_append (GTK_BOX (self->confirm), question);
  gtk_widget_add_css_class (add, "suggested-action");
  gtk_widget_set_halign (add, GTK_ALIGN_END);
  g_signal_connect (add, "clicked", G_CALLBACK (confirm_clicked_cb), self);
  gtk_box_append (GTK_BOX (self->confirm), add);
  g_object_set_data (G_OBJECT (self->confirm), "hangar-question", question);
  g_object_set_data (G_OBJECT (self->confirm), "hangar-button", add);
  gtk_widget_set_visible (self->confirm, FALSE);
  gtk_box_append (GTK_BOX (self->box), self->confirm);

  g_signal_connect (clear, "clicked", G_CALLBACK (clear_clicked_cb), self);
  gtk_widget_set_hexpand (clear, TRUE);
  gtk_widget_set_halign (clear, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (buttons), clear);
  if (is_multiple (self))
    {
      GtkWidget *done = gtk_button_new_with_mnemonic (_("_Done"));

      gtk_widget_add_css_class (done, "suggested-action");
      g_signal_connect (done, "clicked", G_CALLBACK (done_clicked_cb), self);
      gtk_box_append (GTK_BOX (buttons), done);
    }
  gtk_box_append (GTK_BOX (self->box), buttons);

  update_rows (self);
  update_create_row (self);
  self->focus = self->search;
}

void
_hangar_cell_editor_select_start (HangarCellEditor *self,
                                  const char       *text)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search), text);
  gtk_editable_set_position (GTK_EDITABLE (self->search), -1);
}

JsonNode *
_hangar_cell_editor_select_value (HangarCellEditor  *self,
                                  gboolean          *out_typecast,
                                  GError           **error)
{
  JsonArray *array;
  JsonNode *node;

  *out_typecast = self->new_option != NULL && is_chosen (self, self->new_option);
  if (!is_multiple (self))
    {
      /* Enter with nothing searched keeps the value. */
      if (self->items->len == 0)
        return json_node_new (JSON_NODE_NULL);
      return json_node_init_string (json_node_alloc (), g_ptr_array_index (self->items, 0));
    }
  array = json_array_new ();
  for (guint i = 0; i < self->items->len; i++)
    json_array_add_string_element (array, g_ptr_array_index (self->items, i));
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, array);
  return node;
}
