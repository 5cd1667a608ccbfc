/* hangar-cell-editor-links.c — linked records (a picker that searches the
 * linked table by its primary field) and collaborators (by email: Airtable's
 * Web API does not list a base's collaborators to pick from)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hangar-cell-editor-private.h"
#include "hangar-client.h"
#include "hangar-formula.h"
#include "hangar-grid-cell.h"

#define SEARCH_DELAY_MS 250
#define MAX_RESULTS     20

/* ---- the list of what is chosen ---- */

typedef void (*RemoveFunc) (HangarCellEditor *self,
                            guint             index);

static void
remove_clicked_cb (GtkButton        *button,
                   HangarCellEditor *self)
{
  RemoveFunc remove = g_object_get_data (G_OBJECT (button), "hangar-remove");
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "hangar-index"));

  remove (self, index);
}

static void
add_chosen_row (HangarCellEditor *self,
                const char       *text,
                guint             index,
                RemoveFunc        remove)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (text);   /* plain text */
  GtkWidget *button = gtk_button_new_from_icon_name ("window-close-symbolic");
  g_autofree char *name = g_strdup_printf (_("Remove %s"), text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "circular");
  gtk_widget_set_tooltip_text (button, name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  g_object_set_data (G_OBJECT (button), "hangar-remove", remove);
  g_object_set_data (G_OBJECT (button), "hangar-index", GUINT_TO_POINTER (index));
  g_signal_connect (button, "clicked", G_CALLBACK (remove_clicked_cb), self);
  gtk_box_append (GTK_BOX (row), label);
  gtk_box_append (GTK_BOX (row), button);
  gtk_widget_add_css_class (row, "chosen-item");
  gtk_box_append (GTK_BOX (self->chosen), row);
}

static void
clear_chosen (HangarCellEditor *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->chosen)) != NULL)
    gtk_box_remove (GTK_BOX (self->chosen), child);
}

/* ---- links ---- */

static const char *
linked_table (HangarCellEditor *self)
{
  return hangar_cell_value_option_string (self->field, "linkedTableId");
}

static const char *
link_name (HangarCellEditor *self,
           const char       *id)
{
  const char *name = self->links != NULL ? hangar_link_cache_lookup (self->links, linked_table (self), id) : NULL;

  return name != NULL && *name != '\0' ? name : id;
}

static void show_links (HangarCellEditor *self);

static void
remove_link (HangarCellEditor *self,
             guint             index)
{
  if (index < self->items->len)
    g_ptr_array_remove_index (self->items, index);
  show_links (self);
}

static gboolean
has_link (HangarCellEditor *self,
          const char       *id)
{
  for (guint i = 0; i < self->items->len; i++)
    if (g_str_equal (g_ptr_array_index (self->items, i), id))
      return TRUE;
  return FALSE;
}

static void
update_result_marks (HangarCellEditor *self)
{
  for (GtkWidget *row = gtk_widget_get_first_child (self->list); row != NULL; row = gtk_widget_get_next_sibling (row))
    {
      const char *id = g_object_get_data (G_OBJECT (row), "hangar-record-id");
      GtkWidget *check = g_object_get_data (G_OBJECT (row), "hangar-check");

      if (id != NULL && check != NULL)
        gtk_widget_set_opacity (check, has_link (self, id) ? 1.0 : 0.0);
    }
}

static void
show_links (HangarCellEditor *self)
{
  clear_chosen (self);
  for (guint i = 0; i < self->items->len; i++)
    add_chosen_row (self, link_name (self, g_ptr_array_index (self->items, i)), i, remove_link);
  if (self->items->len == 0)
    gtk_box_append (GTK_BOX (self->chosen), _hangar_cell_editor_heading (self, _("No linked records")));
  update_result_marks (self);
}

static void
toggle_link (HangarCellEditor *self,
             const char       *id)
{
  gboolean single = FALSE;
  JsonObject *options = hangar_field_get_options (self->field);

  if (options != NULL && json_object_has_member (options, "prefersSingleRecordLink"))
    single = json_object_get_boolean_member_with_default (options, "prefersSingleRecordLink", FALSE);
  for (guint i = 0; i < self->items->len; i++)
    if (g_str_equal (g_ptr_array_index (self->items, i), id))
      {
        g_ptr_array_remove_index (self->items, i);
        show_links (self);
        return;
      }
  if (single)
    g_ptr_array_set_size (self->items, 0);
  g_ptr_array_add (self->items, g_strdup (id));
  show_links (self);
}

static void
result_activated_cb (GtkListBox       *list,
                     GtkListBoxRow    *row,
                     HangarCellEditor *self)
{
  const char *id = g_object_get_data (G_OBJECT (row), "hangar-record-id");

  if (id != NULL)
    toggle_link (self, id);
}

static void
set_results_message (HangarCellEditor *self,
                     const char       *message)
{
  GtkWidget *child;
  GtkWidget *row;

  while ((child = gtk_widget_get_first_child (self->list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->list), child);
  if (message == NULL)
    return;
  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), _hangar_cell_editor_heading (self, message));
  gtk_list_box_append (GTK_LIST_BOX (self->list), row);
}

static void
searched_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  HangarCellEditor *self;
  g_autoptr(GError) error = NULL;
  g_autofree char *offset = NULL;
  g_autoptr(GPtrArray) records = hangar_client_list_records_page_finish (HANGAR_CLIENT (source), result, &offset, &error);
  HangarField *primary;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = HANGAR_CELL_EDITOR (user_data);
  if (records == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Could not search: %s"), error->message);

      set_results_message (self, message);
      return;
    }
  set_results_message (self, records->len == 0 ? _("No record matches") : NULL);
  primary = self->links != NULL ? hangar_link_cache_get_primary_field (self->links, linked_table (self)) : NULL;
  for (guint i = 0; i < records->len; i++)
    {
      HangarRecord *record = g_ptr_array_index (records, i);
      const char *id = hangar_record_get_id (record);
      g_autofree char *name = primary != NULL
                              ? hangar_grid_format_cell (primary, hangar_record_get_field (record, hangar_field_get_name (primary)), NULL)
                              : g_strdup (id);
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
      GtkWidget *label = gtk_label_new (*name != '\0' ? name : _("Untitled record"));
      GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");

      if (self->links != NULL)
        hangar_link_cache_remember (self->links, linked_table (self), id, name);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_box_append (GTK_BOX (box), label);
      gtk_box_append (GTK_BOX (box), check);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
      g_object_set_data_full (G_OBJECT (row), "hangar-record-id", g_strdup (id), g_free);
      g_object_set_data (G_OBJECT (row), "hangar-check", check);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      *name != '\0' ? name : id, -1);
      gtk_list_box_append (GTK_LIST_BOX (self->list), row);
    }
  update_result_marks (self);
}

static gboolean
search_now_cb (gpointer user_data)
{
  HangarCellEditor *self = user_data;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search));
  HangarClient *client = self->links != NULL ? hangar_link_cache_get_client (self->links) : NULL;
  HangarField *primary = self->links != NULL ? hangar_link_cache_get_primary_field (self->links, linked_table (self)) : NULL;
  g_autoptr(HangarListOptions) options = hangar_list_options_new ();

  self->search_id = 0;
  if (client == NULL || linked_table (self) == NULL)
    {
      set_results_message (self, _("The linked table cannot be searched"));
      return G_SOURCE_REMOVE;
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (primary != NULL)
    {
      hangar_list_options_add_field (options, hangar_field_get_name (primary));
      if (*text != '\0')
        {
          g_autoptr(HangarFormula) formula =
            hangar_formula_search (hangar_formula_lower (hangar_formula_string (text)),
                                   hangar_formula_lower (hangar_formula_field (hangar_field_get_name (primary))));
          g_autofree char *formula_text = hangar_formula_to_string (formula);

          hangar_list_options_set_formula (options, formula_text);
        }
      hangar_list_options_add_sort (options, hangar_field_get_name (primary), FALSE);
    }
  hangar_list_options_set_max_records (options, MAX_RESULTS);
  hangar_list_options_set_page_size (options, MAX_RESULTS);
  set_results_message (self, _("Searching…"));
  hangar_client_list_records_page_async (client, hangar_link_cache_get_base_id (self->links), linked_table (self),
                                         options, NULL, self->cancellable, searched_cb, self);
  return G_SOURCE_REMOVE;
}

static void
link_search_changed_cb (HangarCellEditor *self)
{
  g_clear_handle_id (&self->search_id, g_source_remove);
  self->search_id = g_timeout_add (SEARCH_DELAY_MS, search_now_cb, self);
}

static void
link_search_activate_cb (HangarCellEditor *self)
{
  GtkWidget *first = gtk_widget_get_first_child (self->list);
  const char *id = first != NULL ? g_object_get_data (G_OBJECT (first), "hangar-record-id") : NULL;

  if (id != NULL && !has_link (self, id))
    toggle_link (self, id);
  gtk_editable_set_text (GTK_EDITABLE (self->search), "");
}

static void
done_clicked_cb (GtkButton        *button,
                 HangarCellEditor *self)
{
  hangar_cell_editor_commit (self, HANGAR_CELL_EDITOR_STAY);
}

static GtkWidget *
done_button (HangarCellEditor *self)
{
  GtkWidget *done = gtk_button_new_with_mnemonic (_("_Done"));

  gtk_widget_add_css_class (done, "suggested-action");
  gtk_widget_set_halign (done, GTK_ALIGN_END);
  g_signal_connect (done, "clicked", G_CALLBACK (done_clicked_cb), self);
  return done;
}

void
_hangar_cell_editor_build_links (HangarCellEditor *self)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  self->items = g_ptr_array_new_with_free_func (g_free);
  if (self->initial != NULL && JSON_NODE_HOLDS_ARRAY (self->initial))
    {
      JsonArray *array = json_node_get_array (self->initial);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          const char *id = NULL;

          if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
            id = json_node_get_string (element);
          else if (JSON_NODE_HOLDS_OBJECT (element))
            id = json_object_get_string_member_with_default (json_node_get_object (element), "id", NULL);
          if (id != NULL)
            g_ptr_array_add (self->items, g_strdup (id));
        }
    }

  self->chosen = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->chosen), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Linked records"), -1);
  gtk_box_append (GTK_BOX (self->box), self->chosen);

  self->search = gtk_search_entry_new ();
  g_object_set (self->search, "placeholder-text", _("Find a record to link"), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->search), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Find a record to link"), -1);
  g_signal_connect_swapped (self->search, "search-changed", G_CALLBACK (link_search_changed_cb), self);
  g_signal_connect_swapped (self->search, "activate", G_CALLBACK (link_search_activate_cb), self);
  gtk_box_append (GTK_BOX (self->box), self->search);

  self->list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->list), GTK_SELECTION_NONE);
  gtk_list_box_set_activate_on_single_click (GTK_LIST_BOX (self->list), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Records found"), -1);
  g_signal_connect (self->list, "row-activated", G_CALLBACK (result_activated_cb), self);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 260);
  gtk_scrolled_window_set_min_content_width (GTK_SCROLLED_WINDOW (scrolled), 260);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), self->list);
  gtk_box_append (GTK_BOX (self->box), scrolled);
  gtk_box_append (GTK_BOX (self->box), done_button (self));

  show_links (self);
  /* The first records at once, then what the user types. */
  self->search_id = g_idle_add (search_now_cb, self);
  self->focus = self->search;
}

JsonNode *
_hangar_cell_editor_links_value (HangarCellEditor *self)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < self->items->len; i++)
    json_array_add_string_element (array, g_ptr_array_index (self->items, i));
  json_node_take_array (node, array);
  return node;
}

/* ---- collaborators ---- */

static gboolean
single_person (HangarCellEditor *self)
{
  return hangar_field_get_field_type (self->field) == HANGAR_FIELD_TYPE_SINGLE_COLLABORATOR;
}

static const char *
person_text (JsonNode *node)
{
  JsonObject *object = json_node_get_object (node);
  const char *name = json_object_get_string_member_with_default (object, "name", NULL);
  const char *email = json_object_get_string_member_with_default (object, "email", NULL);

  return email != NULL ? email : name != NULL ? name : json_object_get_string_member_with_default (object, "id", "?");
}

static void show_people (HangarCellEditor *self);

static void
remove_person (HangarCellEditor *self,
               guint             index)
{
  if (index < self->items->len)
    g_ptr_array_remove_index (self->items, index);
  show_people (self);
}

static void
show_people (HangarCellEditor *self)
{
  clear_chosen (self);
  for (guint i = 0; i < self->items->len; i++)
    add_chosen_row (self, person_text (g_ptr_array_index (self->items, i)), i, remove_person);
  if (self->items->len == 0)
    gtk_box_append (GTK_BOX (self->chosen), _hangar_cell_editor_heading (self, _("Nobody")));
}

static void
add_person_cb (HangarCellEditor *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search))));
  JsonObject *object;
  const char *at;

  if (*text == '\0')
    return;
  at = strchr (text, '@');
  if (at == NULL || at == text || strchr (at, '.') == NULL || strchr (text, ' ') != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not an email address"), text);

      _hangar_cell_editor_set_error (self, message);
      return;
    }
  object = json_object_new ();
  json_object_set_string_member (object, "email", text);
  if (single_person (self))
    g_ptr_array_set_size (self->items, 0);
  g_ptr_array_add (self->items, json_node_init_object (json_node_alloc (), object));
  json_object_unref (object);
  gtk_editable_set_text (GTK_EDITABLE (self->search), "");
  _hangar_cell_editor_set_error (self, NULL);
  show_people (self);
}

void
_hangar_cell_editor_build_people (HangarCellEditor *self)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *add = gtk_button_new_with_mnemonic (_("_Add"));

  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  if (self->initial != NULL && JSON_NODE_HOLDS_OBJECT (self->initial))
    g_ptr_array_add (self->items, json_node_copy (self->initial));
  else if (self->initial != NULL && JSON_NODE_HOLDS_ARRAY (self->initial))
    {
      JsonArray *array = json_node_get_array (self->initial);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (JSON_NODE_HOLDS_OBJECT (json_array_get_element (array, i)))
          g_ptr_array_add (self->items, json_node_copy (json_array_get_element (array, i)));
    }

  gtk_box_append (GTK_BOX (self->box),
                  _hangar_cell_editor_heading (self, _("Airtable's API does not list a base's collaborators: "
                                                       "add people by their email address.")));
  self->chosen = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->chosen), GTK_ACCESSIBLE_PROPERTY_LABEL, _("People"), -1);
  gtk_box_append (GTK_BOX (self->box), self->chosen);

  self->search = gtk_entry_new ();
  gtk_entry_set_input_purpose (GTK_ENTRY (self->search), GTK_INPUT_PURPOSE_EMAIL);
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->search), _("name@example.com"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->search), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Email address to add"), -1);
  gtk_widget_set_hexpand (self->search, TRUE);
  g_signal_connect_swapped (self->search, "activate", G_CALLBACK (add_person_cb), self);
  g_signal_connect_swapped (add, "clicked", G_CALLBACK (add_person_cb), self);
  gtk_box_append (GTK_BOX (row), self->search);
  gtk_box_append (GTK_BOX (row), add);
  gtk_box_append (GTK_BOX (self->box), row);
  gtk_box_append (GTK_BOX (self->box), done_button (self));

  show_people (self);
  self->focus = self->search;
}

JsonNode *
_hangar_cell_editor_people_value (HangarCellEditor  *self,
                                  GError           **error)
{
  JsonArray *array;
  JsonNode *node;

  /* An address typed and not added yet counts. */
  if (gtk_editable_get_text (GTK_EDITABLE (self->search))[0] != '\0')
    {
      add_person_cb (self);
      if (self->error != NULL)
        {
          g_set_error (error, HANGAR_CELL_VALUE_ERROR, HANGAR_CELL_VALUE_ERROR_INVALID, "%s", self->error);
          return NULL;
        }
    }
  if (single_person (self))
    {
      JsonNode *person = self->items->len > 0 ? g_ptr_array_index (self->items, 0) : NULL;

      if (person == NULL)
        return json_node_new (JSON_NODE_NULL);
      return hangar_cell_value_for_write (self->field, person);
    }
  array = json_array_new ();
  for (guint i = 0; i < self->items->len; i++)
    {
      JsonObject *object = json_node_get_object (g_ptr_array_index (self->items, i));
      JsonObject *write = json_object_new ();
      const char *id = json_object_get_string_member_with_default (object, "id", NULL);

      if (id != NULL)
        json_object_set_string_member (write, "id", id);
      else
        json_object_set_string_member (write, "email", json_object_get_string_member_with_default (object, "email", ""));
      json_array_add_object_element (array, write);
    }
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, array);
  return node;
}
