/* hangar-cell-editor.c — the editor of one cell: the object, its keys, and
 * the text, number and rating editors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hangar-cell-editor-private.h"
#include "hangar-compat.h"
#include "hangar-journal.h"

/**
 * HangarCellEditor:
 *
 * What edits one cell, made only when editing starts (the grid's cells are
 * plain inscriptions). The grid shows it in a popover over the cell, the
 * record panel in a popover under the field. It holds the field's value
 * as typed or picked and commits it as a JSON cell value ready to write:
 * Enter commits and moves down, Tab right, Shift+Tab left, Escape cancels.
 * A value that is not valid (a number that is not one, an email without
 * "@") is refused with a message in the editor, which stays open.
 */

G_DEFINE_FINAL_TYPE (HangarCellEditor, hangar_cell_editor, GTK_TYPE_WIDGET)

enum {
  COMMITTED,
  CANCELLED,
  FILES_CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
_hangar_cell_editor_set_error (HangarCellEditor *self,
                               const char       *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_text (GTK_LABEL (self->error_label), message != NULL ? message : "");
  gtk_widget_set_visible (self->error_label, message != NULL);
  /* Read out with the field (GTK 4.8 has no announcements). */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  message != NULL ? message : "", -1);
}

void
_hangar_cell_editor_emit_commit (HangarCellEditor     *self,
                                 JsonNode             *value,
                                 gboolean              typecast,
                                 HangarCellEditorMove  move)
{
  if (self->done)
    return;
  self->done = TRUE;
  g_signal_emit (self, signals[COMMITTED], 0, value, typecast, move);
}

GtkWidget *
_hangar_cell_editor_heading (HangarCellEditor *self,
                             const char       *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "caption");
  return label;
}

/* ---- text, long text, numbers ---- */

static char *
entry_text (HangarCellEditor *self)
{
  if (GTK_IS_TEXT_VIEW (self->entry))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->entry));
      GtkTextIter start, end;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    }
  return g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->entry)));
}

static void
entry_changed_cb (HangarCellEditor *self)
{
  _hangar_cell_editor_set_error (self, NULL);
}

static void
open_cb (GtkButton        *button,
         HangarCellEditor *self)
{
  g_autofree char *text = entry_text (self);
  g_autofree char *uri = NULL;
  g_autoptr(GError) error = NULL;

  g_strstrip (text);
  if (!hangar_cell_value_check_text (self->field, text, &error))
    {
      _hangar_cell_editor_set_error (self, error->message);
      return;
    }
  if (hangar_field_get_field_type (self->field) == HANGAR_FIELD_TYPE_EMAIL)
    uri = g_strconcat ("mailto:", text, NULL);
  else
    uri = strstr (text, "://") != NULL ? g_strdup (text) : g_strconcat ("https://", text, NULL);
  hangar_compat_show_uri (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), uri);
}

static const char *
number_hint (HangarField *field)
{
  switch ((int) hangar_field_get_field_type (field))
    {
    case HANGAR_FIELD_TYPE_PERCENT:
      return "%";
    case HANGAR_FIELD_TYPE_CURRENCY:
      return hangar_cell_value_option_string (field, "symbol");
    case HANGAR_FIELD_TYPE_DURATION:
      return hangar_cell_value_option_string (field, "durationFormat") ?: "h:mm";
    default:
      return NULL;
    }
}

static void
build_text (HangarCellEditor *self)
{
  g_autofree char *text = hangar_cell_value_to_edit_text (self->field, self->initial);
  HangarFieldType type = hangar_field_get_field_type (self->field);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  if (self->kind == HANGAR_CELL_EDIT_LONG_TEXT)
    {
      GtkWidget *scrolled = gtk_scrolled_window_new ();
      GtkTextBuffer *buffer;

      self->entry = gtk_text_view_new ();
      gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (self->entry), GTK_WRAP_WORD_CHAR);
      gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (self->entry), FALSE);
      buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->entry));
      gtk_text_buffer_set_text (buffer, text, -1);
      g_signal_connect_swapped (buffer, "changed", G_CALLBACK (entry_changed_cb), self);
      gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), self->entry);
      gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 120);
      gtk_scrolled_window_set_min_content_width (GTK_SCROLLED_WINDOW (scrolled), 320);
      gtk_widget_add_css_class (scrolled, "long-text-editor");
      gtk_widget_set_hexpand (scrolled, TRUE);
      gtk_box_append (GTK_BOX (row), scrolled);
      gtk_box_append (GTK_BOX (self->box), row);
      gtk_box_append (GTK_BOX (self->box),
                      _hangar_cell_editor_heading (self, _("Enter saves · Shift+Enter starts a new line · Escape cancels")));
    }
  else
    {
      const char *hint = self->kind == HANGAR_CELL_EDIT_NUMBER ? number_hint (self->field) : NULL;

      self->entry = gtk_entry_new ();
      gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
      gtk_widget_set_hexpand (self->entry, TRUE);
      gtk_editable_set_width_chars (GTK_EDITABLE (self->entry), 18);
      if (self->kind == HANGAR_CELL_EDIT_NUMBER)
        {
          gtk_entry_set_alignment (GTK_ENTRY (self->entry), 1.0);
          gtk_entry_set_input_purpose (GTK_ENTRY (self->entry),
                                       type == HANGAR_FIELD_TYPE_DURATION ? GTK_INPUT_PURPOSE_FREE_FORM
                                                                          : GTK_INPUT_PURPOSE_NUMBER);
        }
      else if (type == HANGAR_FIELD_TYPE_EMAIL)
        gtk_entry_set_input_purpose (GTK_ENTRY (self->entry), GTK_INPUT_PURPOSE_EMAIL);
      else if (type == HANGAR_FIELD_TYPE_URL)
        gtk_entry_set_input_purpose (GTK_ENTRY (self->entry), GTK_INPUT_PURPOSE_URL);
      else if (type == HANGAR_FIELD_TYPE_PHONE_NUMBER)
        gtk_entry_set_input_purpose (GTK_ENTRY (self->entry), GTK_INPUT_PURPOSE_PHONE);
      g_signal_connect_swapped (self->entry, "changed", G_CALLBACK (entry_changed_cb), self);
      gtk_box_append (GTK_BOX (row), self->entry);
      if (hint != NULL)
        {
          GtkWidget *label = gtk_label_new (hint);

          gtk_widget_add_css_class (label, "dim-label");
          gtk_box_append (GTK_BOX (row), label);
        }
      if (type == HANGAR_FIELD_TYPE_EMAIL || type == HANGAR_FIELD_TYPE_URL)
        {
          GtkWidget *open = gtk_button_new_from_icon_name (type == HANGAR_FIELD_TYPE_EMAIL ? "mail-send-symbolic"
                                                                                           : "web-browser-symbolic");
          const char *name = type == HANGAR_FIELD_TYPE_EMAIL ? _("Write an email") : _("Open in the browser");

          gtk_widget_set_tooltip_text (open, name);
          gtk_accessible_update_property (GTK_ACCESSIBLE (open), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
          g_signal_connect (open, "clicked", G_CALLBACK (open_cb), self);
          gtk_box_append (GTK_BOX (row), open);
        }
      gtk_box_append (GTK_BOX (self->box), row);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  hangar_field_get_name (self->field), -1);
  self->focus = self->entry;
}

/* ---- rating ---- */

static void
show_rating (HangarCellEditor *self)
{
  guint max = hangar_cell_value_rating_max (self->field);

  for (guint i = 0; i < max; i++)
    {
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->stars[i]), i < self->rating);
      gtk_button_set_icon_name (GTK_BUTTON (self->stars[i]),
                                i < self->rating ? "starred-symbolic" : "non-starred-symbolic");
    }
}

static void
star_clicked_cb (GtkButton        *button,
                 HangarCellEditor *self)
{
  guint value = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "hangar-rating"));

  /* The same star again clears it, as in Airtable. */
  self->rating = self->rating == value ? 0 : value;
  show_rating (self);
}

static void
build_rating (HangarCellEditor *self)
{
  guint max = hangar_cell_value_rating_max (self->field);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 2);
  double value = 0;

  if (self->initial != NULL && JSON_NODE_HOLDS_VALUE (self->initial))
    value = json_node_get_double (self->initial);
  self->rating = (guint) CLAMP (value, 0, max);
  self->stars = g_new0 (GtkWidget *, max + 1);
  for (guint i = 0; i < max; i++)
    {
      g_autofree char *name = g_strdup_printf (g_dngettext (NULL, "%u star", "%u stars", i + 1), i + 1);

      self->stars[i] = gtk_toggle_button_new ();
      gtk_widget_add_css_class (self->stars[i], "flat");
      gtk_widget_add_css_class (self->stars[i], "rating-star");
      g_object_set_data (G_OBJECT (self->stars[i]), "hangar-rating", GUINT_TO_POINTER (i + 1));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->stars[i]), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      g_signal_connect (self->stars[i], "clicked", G_CALLBACK (star_clicked_cb), self);
      gtk_box_append (GTK_BOX (row), self->stars[i]);
    }
  gtk_box_append (GTK_BOX (self->box), row);
  gtk_box_append (GTK_BOX (self->box), _hangar_cell_editor_heading (self, _("Type 0 to clear, 1–9 to rate")));
  show_rating (self);
  self->focus = self->stars[MAX (self->rating, 1) - 1];
}

/* ---- the value ---- */

/**
 * hangar_cell_editor_dup_value:
 * @self: a #HangarCellEditor
 * @out_typecast: (out) (optional): whether Airtable must convert it
 *   (a new select option)
 * @error: why what is entered is not a value
 *
 * Returns: (transfer full) (nullable): the value to write
 */
JsonNode *
hangar_cell_editor_dup_value (HangarCellEditor  *self,
                              gboolean          *out_typecast,
                              GError           **error)
{
  gboolean typecast = FALSE;
  JsonNode *value = NULL;

  g_return_val_if_fail (HANGAR_IS_CELL_EDITOR (self), NULL);

  switch (self->kind)
    {
    case HANGAR_CELL_EDIT_TEXT:
    case HANGAR_CELL_EDIT_LONG_TEXT:
    case HANGAR_CELL_EDIT_NUMBER:
      {
        g_autofree char *text = entry_text (self);

        value = hangar_cell_value_from_text (self->field, text, FALSE, &typecast, error);
      }
      break;
    case HANGAR_CELL_EDIT_RATING:
      value = self->rating > 0 ? json_node_init_int (json_node_alloc (), self->rating)
                               : json_node_new (JSON_NODE_NULL);
      break;
    case HANGAR_CELL_EDIT_SELECT:
      value = _hangar_cell_editor_select_value (self, &typecast, error);
      break;
    case HANGAR_CELL_EDIT_DATE:
      value = _hangar_cell_editor_date_value (self, error);
      break;
    case HANGAR_CELL_EDIT_LINKS:
      value = _hangar_cell_editor_links_value (self);
      break;
    case HANGAR_CELL_EDIT_COLLABORATORS:
      value = _hangar_cell_editor_people_value (self, error);
      break;
    case HANGAR_CELL_EDIT_ATTACHMENTS:
      value = _hangar_cell_editor_attachments_value (self);
      break;
    case HANGAR_CELL_EDIT_CHECKBOX:
      {
        gboolean checked = self->initial != NULL && JSON_NODE_HOLDS_VALUE (self->initial) &&
                           json_node_get_value_type (self->initial) == G_TYPE_BOOLEAN &&
                           json_node_get_boolean (self->initial);

        value = checked ? json_node_new (JSON_NODE_NULL) : json_node_init_boolean (json_node_alloc (), TRUE);
      }
      break;
    case HANGAR_CELL_EDIT_NONE:
    default:
      {
        g_autofree char *why = hangar_cell_value_why_read_only (self->field);

        g_set_error (error, HANGAR_CELL_VALUE_ERROR, HANGAR_CELL_VALUE_ERROR_READ_ONLY, "%s", why);
      }
      break;
    }
  if (out_typecast != NULL)
    *out_typecast = typecast;
  return value;
}

gboolean
hangar_cell_editor_commit (HangarCellEditor     *self,
                           HangarCellEditorMove  move)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) value = NULL;
  gboolean typecast = FALSE;

  g_return_val_if_fail (HANGAR_IS_CELL_EDITOR (self), FALSE);

  if (self->done)
    return TRUE;
  value = hangar_cell_editor_dup_value (self, &typecast, &error);
  if (value == NULL)
    {
      _hangar_cell_editor_set_error (self, error->message);
      return FALSE;
    }
  _hangar_cell_editor_emit_commit (self, value, typecast, move);
  return TRUE;
}

gboolean
hangar_cell_editor_get_changed (HangarCellEditor *self)
{
  g_autoptr(JsonNode) value = NULL;

  g_return_val_if_fail (HANGAR_IS_CELL_EDITOR (self), FALSE);

  value = hangar_cell_editor_dup_value (self, NULL, NULL);
  if (value == NULL)
    return TRUE;
  return !hangar_journal_values_equal (value, self->initial);
}

/* ---- keys ---- */

/* What the editor does with a key before the widget with the keyboard
 * sees it: TRUE when it took it. */
static gboolean
handle_key (HangarCellEditor *self,
            guint             keyval,
            GdkModifierType   state)
{
  gboolean shift = (state & GDK_SHIFT_MASK) != 0;

  state &= gtk_accelerator_get_default_mod_mask ();

  switch (keyval)
    {
    case GDK_KEY_Escape:
      if (!self->done)
        {
          self->done = TRUE;
          g_signal_emit (self, signals[CANCELLED], 0);
        }
      return TRUE;

    case GDK_KEY_Tab:
    case GDK_KEY_ISO_Left_Tab:
      hangar_cell_editor_commit (self, shift || keyval == GDK_KEY_ISO_Left_Tab ? HANGAR_CELL_EDITOR_LEFT
                                                                               : HANGAR_CELL_EDITOR_RIGHT);
      return TRUE;

    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
      {
        GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
        GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

        /* A button (Add Files…, Today, a star) does what it says. */
        if (focus != NULL && (GTK_IS_BUTTON (focus) || GTK_IS_BUTTON (gtk_widget_get_ancestor (focus, GTK_TYPE_BUTTON))) &&
            self->kind != HANGAR_CELL_EDIT_RATING)
          return FALSE;
      }
      if (self->kind == HANGAR_CELL_EDIT_LONG_TEXT && shift)
        return FALSE;   /* a new line */
      if ((self->kind == HANGAR_CELL_EDIT_SELECT || self->kind == HANGAR_CELL_EDIT_LINKS ||
           self->kind == HANGAR_CELL_EDIT_COLLABORATORS) &&
          self->search != NULL && gtk_editable_get_text (GTK_EDITABLE (self->search))[0] != '\0')
        return FALSE;   /* the kind's own entry picks what was searched */
      if (self->confirm != NULL && gtk_widget_get_visible (self->confirm))
        return FALSE;
      hangar_cell_editor_commit (self, shift ? HANGAR_CELL_EDITOR_UP : HANGAR_CELL_EDITOR_DOWN);
      return TRUE;

    default:
      break;
    }

  if (self->kind == HANGAR_CELL_EDIT_RATING && state == 0 && keyval >= GDK_KEY_0 && keyval <= GDK_KEY_9)
    {
      guint value = keyval - GDK_KEY_0;

      if (value <= hangar_cell_value_rating_max (self->field))
        {
          self->rating = value;
          show_rating (self);
        }
      return TRUE;
    }
  return FALSE;
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                HangarCellEditor      *self)
{
  return handle_key (self, keyval, state);
}

/* The widget of the editor that has the keyboard, or the one that takes
 * it when the editor opens. */
static GtkWidget *
keyboard_widget (HangarCellEditor *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self)))
    return focus;
  return self->focus;
}

/* Deletes the selection of @editable, or the character before (@forward:
 * after) its cursor. */
static void
editable_delete (GtkEditable *editable,
                 gboolean     forward)
{
  int start, end;

  if (gtk_editable_get_selection_bounds (editable, &start, &end))
    {
      gtk_editable_delete_selection (editable);
      return;
    }
  start = gtk_editable_get_position (editable);
  if (forward)
    gtk_editable_delete_text (editable, start, start + 1);
  else if (start > 0)
    gtk_editable_delete_text (editable, start - 1, start);
}

/**
 * hangar_cell_editor_replay_key:
 * @self: a #HangarCellEditor
 * @keyval: the key pressed
 * @state: the modifiers held
 *
 * A key pressed before the editor was on screen, which reached the grid
 * instead of the editor: does what the key would have done in the editor
 * — the editor's own keys (Enter, Tab, Escape, digits of a rating), then
 * what the widget with the keyboard does with it (a character typed into
 * an entry or a text view, Backspace, Delete, Home, End, Left, Right,
 * Enter in a search entry picks what was searched, Enter or Space on a
 * button presses it). Keys with Ctrl or Alt are not replayed.
 *
 * Returns: whether the key did something
 */
gboolean
hangar_cell_editor_replay_key (HangarCellEditor *self,
                               guint             keyval,
                               GdkModifierType   state)
{
  GdkModifierType mods = state & gtk_accelerator_get_default_mod_mask ();
  GtkWidget *target;
  gunichar c;

  g_return_val_if_fail (HANGAR_IS_CELL_EDITOR (self), FALSE);

  if (self->done || (mods & ~GDK_SHIFT_MASK) != 0)
    return FALSE;
  if (handle_key (self, keyval, state))
    return TRUE;
  target = keyboard_widget (self);
  if (target == NULL)
    return FALSE;

  /* Enter and Space on a button press it. */
  if (GTK_IS_BUTTON (target) || GTK_IS_BUTTON (gtk_widget_get_ancestor (target, GTK_TYPE_BUTTON)))
    {
      if (keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter || keyval == GDK_KEY_ISO_Enter ||
          keyval == GDK_KEY_space || keyval == GDK_KEY_KP_Space)
        return gtk_widget_activate (GTK_IS_BUTTON (target) ? target : gtk_widget_get_ancestor (target, GTK_TYPE_BUTTON));
      return FALSE;
    }

  if (GTK_IS_TEXT_VIEW (target))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (target));

      switch (keyval)
        {
        case GDK_KEY_Return:
        case GDK_KEY_KP_Enter:
        case GDK_KEY_ISO_Enter:
          gtk_text_buffer_delete_selection (buffer, TRUE, TRUE);
          gtk_text_buffer_insert_interactive_at_cursor (buffer, "\n", 1, TRUE);
          return TRUE;
        case GDK_KEY_BackSpace:
        case GDK_KEY_Delete:
        case GDK_KEY_KP_Delete:
          if (!gtk_text_buffer_delete_selection (buffer, TRUE, TRUE))
            {
              GtkTextIter at, other;

              gtk_text_buffer_get_iter_at_mark (buffer, &at, gtk_text_buffer_get_insert (buffer));
              other = at;
              if (keyval == GDK_KEY_BackSpace ? gtk_text_iter_backward_cursor_position (&other)
                                              : gtk_text_iter_forward_cursor_position (&other))
                gtk_text_buffer_delete_interactive (buffer, &at, &other, TRUE);
            }
          return TRUE;
        default:
          break;
        }
      c = gdk_keyval_to_unicode (keyval);
      if (c != 0 && g_unichar_isprint (c))
        {
          char utf8[8] = { 0 };
          int length = g_unichar_to_utf8 (c, utf8);

          gtk_text_buffer_delete_selection (buffer, TRUE, TRUE);
          gtk_text_buffer_insert_interactive_at_cursor (buffer, utf8, length, TRUE);
          return TRUE;
        }
      return FALSE;
    }

  /* An entry's keyboard is on the text inside it. */
  if (!GTK_IS_EDITABLE (target))
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
      {
        /* The entry's "activate" (a search picks what was searched); the
         * keyboard is on the text inside it. */
        GtkWidget *entry = GTK_IS_SEARCH_ENTRY (target) || GTK_IS_ENTRY (target) ? target
                           : gtk_widget_get_ancestor (target, GTK_TYPE_SEARCH_ENTRY) != NULL
                           ? gtk_widget_get_ancestor (target, GTK_TYPE_SEARCH_ENTRY)
                           : gtk_widget_get_ancestor (target, GTK_TYPE_ENTRY);

        if (entry == NULL)
          return gtk_widget_activate (target);
        g_signal_emit_by_name (entry, "activate");
        return TRUE;
      }
    case GDK_KEY_BackSpace:
      editable_delete (GTK_EDITABLE (target), FALSE);
      return TRUE;
    case GDK_KEY_Delete:
    case GDK_KEY_KP_Delete:
      editable_delete (GTK_EDITABLE (target), TRUE);
      return TRUE;
    case GDK_KEY_Home:
    case GDK_KEY_KP_Home:
      gtk_editable_set_position (GTK_EDITABLE (target), 0);
      return TRUE;
    case GDK_KEY_End:
    case GDK_KEY_KP_End:
      gtk_editable_set_position (GTK_EDITABLE (target), -1);
      return TRUE;
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      gtk_editable_set_position (GTK_EDITABLE (target), MAX (gtk_editable_get_position (GTK_EDITABLE (target)) - 1, 0));
      return TRUE;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      gtk_editable_set_position (GTK_EDITABLE (target), gtk_editable_get_position (GTK_EDITABLE (target)) + 1);
      return TRUE;
    default:
      break;
    }
  c = gdk_keyval_to_unicode (keyval);
  if (c != 0 && g_unichar_isprint (c))
    {
      char utf8[8] = { 0 };
      int length = g_unichar_to_utf8 (c, utf8);
      int position;

      gtk_editable_delete_selection (GTK_EDITABLE (target));
      position = gtk_editable_get_position (GTK_EDITABLE (target));
      gtk_editable_insert_text (GTK_EDITABLE (target), utf8, length, &position);
      gtk_editable_set_position (GTK_EDITABLE (target), position);
      return TRUE;
    }
  return FALSE;
}

/* ---- GObject ---- */

static void
hangar_cell_editor_dispose (GObject *object)
{
  HangarCellEditor *self = HANGAR_CELL_EDITOR (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->search_id, g_source_remove);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->links);

  G_OBJECT_CLASS (hangar_cell_editor_parent_class)->dispose (object);
}

static void
hangar_cell_editor_finalize (GObject *object)
{
  HangarCellEditor *self = HANGAR_CELL_EDITOR (object);

  g_clear_object (&self->field);
  g_clear_pointer (&self->initial, json_node_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_free (self->stars);
  g_free (self->error);
  g_free (self->api_url);
  g_free (self->new_option);

  G_OBJECT_CLASS (hangar_cell_editor_parent_class)->finalize (object);
}

static void
hangar_cell_editor_class_init (HangarCellEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_cell_editor_dispose;
  object_class->finalize = hangar_cell_editor_finalize;

  /**
   * HangarCellEditor::committed:
   * @self: the editor
   * @value: the value to write
   * @typecast: whether Airtable must convert it (a new select option)
   * @move: where the cursor goes (a #HangarCellEditorMove)
   */
  signals[COMMITTED] =
    g_signal_new ("committed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, JSON_TYPE_NODE, G_TYPE_BOOLEAN, G_TYPE_UINT);
  signals[CANCELLED] =
    g_signal_new ("cancelled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  /**
   * HangarCellEditor::files-chosen:
   * @self: the editor
   * @files: (element-type GFile): files to add to the attachment field
   */
  signals[FILES_CHOSEN] =
    g_signal_new ("files-chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_LIST_MODEL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "celleditor");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
hangar_cell_editor_init (HangarCellEditor *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  self->error_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->error_label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->error_label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (self->error_label), 40);
  gtk_widget_add_css_class (self->error_label, "error");
  gtk_widget_set_visible (self->error_label, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->error_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Error"), -1);

  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
}

/**
 * hangar_cell_editor_new:
 * @field: the field edited
 * @value: (nullable): its value now
 * @links: (nullable): the grid's linked-record cache
 * @api_url: (nullable): the API URL, for relative attachment URLs
 *
 * Returns: (transfer floating): an editor for @field
 */
GtkWidget *
hangar_cell_editor_new (HangarField     *field,
                        JsonNode        *value,
                        HangarLinkCache *links,
                        const char      *api_url)
{
  HangarCellEditor *self;

  g_return_val_if_fail (HANGAR_IS_FIELD (field), NULL);

  self = g_object_new (HANGAR_TYPE_CELL_EDITOR, NULL);
  self->field = g_object_ref (field);
  self->kind = hangar_cell_edit_kind (field);
  self->initial = value != NULL ? json_node_copy (value) : NULL;
  self->links = links != NULL ? g_object_ref (links) : NULL;
  self->api_url = g_strdup (api_url);
  self->cancellable = g_cancellable_new ();
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  hangar_field_get_name (field), -1);

  switch (self->kind)
    {
    case HANGAR_CELL_EDIT_TEXT:
    case HANGAR_CELL_EDIT_LONG_TEXT:
    case HANGAR_CELL_EDIT_NUMBER:
      build_text (self);
      break;
    case HANGAR_CELL_EDIT_RATING:
      build_rating (self);
      break;
    case HANGAR_CELL_EDIT_SELECT:
      _hangar_cell_editor_build_select (self);
      break;
    case HANGAR_CELL_EDIT_DATE:
      _hangar_cell_editor_build_date (self);
      break;
    case HANGAR_CELL_EDIT_LINKS:
      _hangar_cell_editor_build_links (self);
      break;
    case HANGAR_CELL_EDIT_COLLABORATORS:
      _hangar_cell_editor_build_people (self);
      break;
    case HANGAR_CELL_EDIT_ATTACHMENTS:
      _hangar_cell_editor_build_attachments (self);
      break;
    case HANGAR_CELL_EDIT_CHECKBOX:
    case HANGAR_CELL_EDIT_NONE:
    default:
      {
        g_autofree char *why = hangar_cell_value_why_read_only (field);

        gtk_box_append (GTK_BOX (self->box), _hangar_cell_editor_heading (self, why != NULL ? why : ""));
      }
      break;
    }
  gtk_box_append (GTK_BOX (self->box), self->error_label);
  return GTK_WIDGET (self);
}

HangarField *
hangar_cell_editor_get_field (HangarCellEditor *self)
{
  g_return_val_if_fail (HANGAR_IS_CELL_EDITOR (self), NULL);

  return self->field;
}

GtkWidget *
hangar_cell_editor_get_focus_widget (HangarCellEditor *self)
{
  g_return_val_if_fail (HANGAR_IS_CELL_EDITOR (self), NULL);

  return self->focus;
}

const char *
hangar_cell_editor_get_error (HangarCellEditor *self)
{
  g_return_val_if_fail (HANGAR_IS_CELL_EDITOR (self), NULL);

  return self->error;
}

void
hangar_cell_editor_start_with_text (HangarCellEditor *self,
                                    const char       *text)
{
  g_return_if_fail (HANGAR_IS_CELL_EDITOR (self));

  switch (self->kind)
    {
    case HANGAR_CELL_EDIT_TEXT:
    case HANGAR_CELL_EDIT_NUMBER:
    case HANGAR_CELL_EDIT_DATE:
      gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
      gtk_editable_set_position (GTK_EDITABLE (self->entry), -1);
      break;
    case HANGAR_CELL_EDIT_LONG_TEXT:
      {
        GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->entry));
        GtkTextIter end;

        gtk_text_buffer_set_text (buffer, text, -1);
        gtk_text_buffer_get_end_iter (buffer, &end);
        gtk_text_buffer_place_cursor (buffer, &end);
      }
      break;
    case HANGAR_CELL_EDIT_SELECT:
      _hangar_cell_editor_select_start (self, text);
      break;
    case HANGAR_CELL_EDIT_LINKS:
    case HANGAR_CELL_EDIT_COLLABORATORS:
      if (self->search != NULL)
        {
          gtk_editable_set_text (GTK_EDITABLE (self->search), text);
          gtk_editable_set_position (GTK_EDITABLE (self->search), -1);
        }
      break;
    case HANGAR_CELL_EDIT_RATING:
      if (text[0] >= '0' && text[0] <= '9' && (guint) (text[0] - '0') <= hangar_cell_value_rating_max (self->field))
        {
          self->rating = text[0] - '0';
          show_rating (self);
        }
      break;
    default:
      break;
    }
}

void
_hangar_cell_editor_emit_files (HangarCellEditor *self,
                                GListModel       *files)
{
  g_signal_emit (self, signals[FILES_CHOSEN], 0, files);
}
