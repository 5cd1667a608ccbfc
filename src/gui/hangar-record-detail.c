/* hangar-record-detail.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "hangar-cell-editor.h"
#include "hangar-cell-value.h"
#include "hangar-comments-panel.h"
#include "hangar-compat.h"
#include "hangar-frame-hook.h"
#include "hangar-grid-cell.h"
#include "hangar-journal.h"
#include "hangar-record-detail.h"

/**
 * HangarRecordDetail:
 *
 * The record panel: the record's title, id and creation time, buttons to
 * copy its URL or id, duplicate or delete it, and one row per field (type
 * icon, name, a lock for computed fields, the state of an edit not yet on
 * Airtable, and the value as wrapping plain text). A writable field's value
 * is a button: it opens the field's editor (HangarCellEditor) in a popover,
 * a checkbox toggles. The panel does not write: it emits ::field-edited
 * (and ::files-chosen, ::action) and the grid journals the change. Rows are
 * built when the fields change and only their values are updated when the
 * record changes.
 */

typedef struct
{
  HangarField *field;
  GtkLabel    *value;
  GtkWidget   *button;   /* around the value when the field is writable */
  GtkLabel    *state;    /* an edit's state: saving, not saved, conflict */
  char        *text;
} FieldRow;

struct _HangarRecordDetail
{
  GtkWidget        parent_instance;

  GtkStack        *stack;
  GtkLabel        *title_label;
  GtkLabel        *id_label;
  GtkLabel        *created_label;
  GtkLabel        *message_label;
  GtkBox          *fields_box;
  GtkWidget       *actions_box;
  GtkWidget       *duplicate_button;
  GtkWidget       *delete_button;
  HangarCommentsPanel *comments;

  GArray          *rows;      /* FieldRow */
  HangarLinkCache *links;
  gulong           links_handler;
  HangarRecord    *record;
  HangarJournal   *journal;
  char            *base_id;
  char            *table_id;
  char            *api_url;
  char            *read_only_reason;
  GtkWidget       *popover;   /* the open editor */
  gboolean         stale;     /* the record changed while the panel was not on screen */
  HangarFrameHook  update;        /* a record to show after the frame being made */
  guint            comments_id;   /* the cursor to rest on a record before its comments are read */
};

enum {
  FIELD_EDITED,
  FILES_CHOSEN,
  ACTION,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (HangarRecordDetail, hangar_record_detail, GTK_TYPE_WIDGET)

static void
field_row_clear (gpointer data)
{
  FieldRow *row = data;

  g_clear_object (&row->field);
  g_clear_pointer (&row->text, g_free);
}

static void
show_message (HangarRecordDetail *self,
              const char         *message)
{
  gtk_label_set_text (self->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

/* The state of the newest edit of @row's field not yet on Airtable. */
static void
update_state (HangarRecordDetail *self,
              FieldRow           *row)
{
  HangarChangeState state;
  gboolean conflict = FALSE;
  const char *text = NULL;

  if (self->journal != NULL && self->record != NULL &&
      hangar_journal_get_cell_state (self->journal, hangar_record_get_id (self->record),
                                     hangar_field_get_name (row->field), &state, &conflict))
    {
      if (conflict)
        text = _("Changed on Airtable meanwhile — see Changes");
      else if (state == HANGAR_CHANGE_PENDING || state == HANGAR_CHANGE_SENDING)
        text = _("Saving…");
      else if (state == HANGAR_CHANGE_FAILED)
        text = _("Not saved — see Changes");
      else if (state == HANGAR_CHANGE_UNCERTAIN)
        text = _("May not be saved — see Changes");
    }
  gtk_label_set_text (row->state, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (row->state), text != NULL);
}

static void
update_values (HangarRecordDetail *self)
{
  HangarField *primary = NULL;

  /* Hidden, the panel only keeps its record: the grid moves it with the
   * cursor on every key, and it is filled in when it is shown (map). */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->stale = TRUE;
      return;
    }
  self->stale = FALSE;
  if (self->record == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  for (guint i = 0; i < self->rows->len; i++)
    {
      FieldRow *row = &g_array_index (self->rows, FieldRow, i);
      JsonNode *value = hangar_record_get_field (self->record, hangar_field_get_name (row->field));

      g_free (row->text);
      row->text = hangar_grid_format_cell (row->field, value, self->links);
      if (row->text[0] == '\0')
        {
          gtk_label_set_text (row->value, "—");
          gtk_widget_add_css_class (GTK_WIDGET (row->value), "dim-label");
        }
      else
        {
          gtk_label_set_text (row->value, row->text);
          gtk_widget_remove_css_class (GTK_WIDGET (row->value), "dim-label");
        }
      update_state (self, row);
      if (i == 0)
        primary = row->field;
    }

  if (primary != NULL && g_array_index (self->rows, FieldRow, 0).text[0] != '\0')
    gtk_label_set_text (self->title_label, g_array_index (self->rows, FieldRow, 0).text);
  else
    gtk_label_set_text (self->title_label, _("Untitled record"));
  gtk_label_set_text (self->id_label, hangar_record_get_id (self->record));
  if (hangar_record_get_created_time (self->record) != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (hangar_record_get_created_time (self->record));
      g_autofree char *when = g_date_time_format (local, "%x %X");
      g_autofree char *text = g_strdup_printf (_("Created %s"), when);

      gtk_label_set_text (self->created_label, text);
    }
  else
    gtk_label_set_text (self->created_label, hangar_journal_is_local_id (hangar_record_get_id (self->record))
                                             ? _("New — not on Airtable yet") : "");
  gtk_stack_set_visible_child_name (self->stack, "record");
}

/* The record whose comments the panel shows: none for a new record not on
 * Airtable yet (a local id). */
static const char *
comments_record_id (HangarRecordDetail *self)
{
  const char *id = self->record != NULL ? hangar_record_get_id (self->record) : NULL;

  return id != NULL && !g_str_has_prefix (id, HANGAR_LOCAL_ID_PREFIX) ? id : NULL;
}

/* The comments of the record shown: read when the panel is on screen. */
static void
show_comments (HangarRecordDetail *self)
{
  g_clear_handle_id (&self->comments_id, g_source_remove);
  hangar_comments_panel_set_record (self->comments, comments_record_id (self));
}

static gboolean
comments_timeout_cb (gpointer user_data)
{
  HangarRecordDetail *self = user_data;

  self->comments_id = 0;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    show_comments (self);
  else
    self->stale = TRUE;   /* hidden meanwhile: read when shown again */
  return G_SOURCE_REMOVE;
}

/* Comments are a request each: a cursor run down the rows (arrow keys held,
 * Enter after Enter) reads only those of the record it stops on, instead of
 * spending the base's 5 requests a second on every record it passes. */
#define COMMENTS_DELAY_MS 300

static void
follow_comments (HangarRecordDetail *self)
{
  g_clear_handle_id (&self->comments_id, g_source_remove);
  if (g_strcmp0 (comments_record_id (self), hangar_comments_panel_get_record_id (self->comments)) == 0)
    return;
  /* Not the last record's comments meanwhile. */
  hangar_comments_panel_set_record (self->comments, NULL);
  self->comments_id = g_timeout_add (COMMENTS_DELAY_MS, comments_timeout_cb, self);
}

static void
update_after_paint_cb (GdkFrameClock      *clock,
                       HangarRecordDetail *self)
{
  hangar_frame_hook_clear (&self->update);
  update_values (self);
  if (!self->stale)
    follow_comments (self);
}

/* The record is shown in the panel after the frame being made: the grid
 * changes it with the cursor and with each edit, and its labels wrap, so
 * measuring them again would be part of the frame that shows the edited
 * cell (tests/gui/bench-edit.c). */
static void
schedule_update (HangarRecordDetail *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (hangar_frame_hook_is_live (&self->update, clock))
    return;   /* one is coming */
  hangar_frame_hook_clear (&self->update);
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)) || clock == NULL)
    {
      update_values (self);
      if (!self->stale)
        show_comments (self);
      return;
    }
  hangar_frame_hook_connect (&self->update, clock, "after-paint", FALSE, G_CALLBACK (update_after_paint_cb), self);
  gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_AFTER_PAINT);
}

static void
flush_update (HangarRecordDetail *self)
{
  if (self->update.clock != NULL)
    update_after_paint_cb (self->update.clock, self);
}

static void
hangar_record_detail_map (GtkWidget *widget)
{
  HangarRecordDetail *self = HANGAR_RECORD_DETAIL (widget);

  GTK_WIDGET_CLASS (hangar_record_detail_parent_class)->map (widget);
  if (self->stale)
    {
      update_values (self);
      show_comments (self);
    }
}

static void
links_changed_cb (HangarLinkCache    *links,
                  HangarRecordDetail *self)
{
  update_values (self);
}

static void
clear_links (HangarRecordDetail *self)
{
  if (self->links != NULL)
    g_clear_signal_handler (&self->links_handler, self->links);
  g_clear_object (&self->links);
}

/* ---- editing ---- */

static void
close_editor (HangarRecordDetail *self)
{
  GtkWidget *popover = g_steal_pointer (&self->popover);

  if (popover == NULL)
    return;
  g_signal_handlers_disconnect_by_data (popover, self);
  gtk_popover_popdown (GTK_POPOVER (popover));
  gtk_widget_unparent (popover);
}

static void
editor_committed_cb (HangarCellEditor *editor,
                     JsonNode         *value,
                     gboolean          typecast,
                     guint             move,
                     HangarRecordDetail *self)
{
  HangarField *field = hangar_cell_editor_get_field (editor);
  g_autoptr(GObject) keep = g_object_ref (G_OBJECT (field));

  close_editor (self);
  g_signal_emit (self, signals[FIELD_EDITED], 0, field, value, typecast);
}

static void
editor_cancelled_cb (HangarCellEditor   *editor,
                     HangarRecordDetail *self)
{
  close_editor (self);
}

static void
editor_files_chosen_cb (HangarCellEditor   *editor,
                        GListModel         *files,
                        HangarRecordDetail *self)
{
  HangarField *field = hangar_cell_editor_get_field (editor);
  g_autoptr(GObject) keep = g_object_ref (G_OBJECT (field));

  close_editor (self);
  g_signal_emit (self, signals[FILES_CHOSEN], 0, field, files);
}

static void
popover_closed_cb (GtkPopover         *popover,
                   HangarRecordDetail *self)
{
  HangarCellEditor *editor = HANGAR_CELL_EDITOR (gtk_popover_get_child (popover));

  /* A click elsewhere keeps what was typed, when it is valid. */
  if (hangar_cell_editor_get_changed (editor) && hangar_cell_editor_commit (editor, HANGAR_CELL_EDITOR_STAY))
    return;
  close_editor (self);
}

static void
value_clicked_cb (GtkButton          *button,
                  HangarRecordDetail *self)
{
  FieldRow *row = NULL;
  GtkWidget *editor;
  GtkWidget *popover;
  JsonNode *value;

  for (guint i = 0; i < self->rows->len; i++)
    if (g_array_index (self->rows, FieldRow, i).button == GTK_WIDGET (button))
      row = &g_array_index (self->rows, FieldRow, i);
  if (row == NULL || self->record == NULL)
    return;
  if (self->read_only_reason != NULL)
    {
      show_message (self, self->read_only_reason);
      return;
    }
  show_message (self, NULL);
  value = hangar_record_get_field (self->record, hangar_field_get_name (row->field));

  if (hangar_cell_edit_kind (row->field) == HANGAR_CELL_EDIT_CHECKBOX)
    {
      gboolean checked = value != NULL && JSON_NODE_HOLDS_VALUE (value) &&
                         json_node_get_value_type (value) == G_TYPE_BOOLEAN && json_node_get_boolean (value);
      g_autoptr(JsonNode) toggled = checked ? json_node_new (JSON_NODE_NULL)
                                            : json_node_init_boolean (json_node_alloc (), TRUE);

      g_signal_emit (self, signals[FIELD_EDITED], 0, row->field, toggled, FALSE);
      return;
    }

  close_editor (self);
  editor = hangar_cell_editor_new (row->field, value, self->links, self->api_url);
  popover = gtk_popover_new ();
  gtk_popover_set_child (GTK_POPOVER (popover), editor);
  gtk_popover_set_position (GTK_POPOVER (popover), GTK_POS_BOTTOM);
  gtk_widget_add_css_class (popover, "cell-editor-popover");
  gtk_widget_set_parent (popover, GTK_WIDGET (button));
  g_signal_connect (editor, "committed", G_CALLBACK (editor_committed_cb), self);
  g_signal_connect (editor, "cancelled", G_CALLBACK (editor_cancelled_cb), self);
  g_signal_connect (editor, "files-chosen", G_CALLBACK (editor_files_chosen_cb), self);
  g_signal_connect (popover, "closed", G_CALLBACK (popover_closed_cb), self);
  self->popover = popover;
  gtk_popover_popup (GTK_POPOVER (popover));
  if (hangar_cell_editor_get_focus_widget (HANGAR_CELL_EDITOR (editor)) != NULL)
    gtk_widget_grab_focus (hangar_cell_editor_get_focus_widget (HANGAR_CELL_EDITOR (editor)));
}

static void
copy_text (HangarRecordDetail *self,
           const char         *text,
           const char         *message)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  show_message (self, message);
}

static void
copy_url_cb (HangarRecordDetail *self)
{
  g_autofree char *url = NULL;

  if (self->record == NULL || self->base_id == NULL || self->table_id == NULL)
    return;
  if (hangar_journal_is_local_id (hangar_record_get_id (self->record)))
    {
      show_message (self, _("This record is not on Airtable yet: it has no URL"));
      return;
    }
  /* Airtable's own address of a record: base, table, record. */
  url = g_strdup_printf ("https://airtable.com/%s/%s/%s", self->base_id, self->table_id,
                         hangar_record_get_id (self->record));
  copy_text (self, url, _("Record URL copied"));
}

static void
copy_id_cb (HangarRecordDetail *self)
{
  if (self->record != NULL)
    copy_text (self, hangar_record_get_id (self->record), _("Record ID copied"));
}

static void
duplicate_cb (HangarRecordDetail *self)
{
  if (self->record != NULL)
    g_signal_emit (self, signals[ACTION], 0, "grid.duplicate-records");
}

static void
delete_cb (HangarRecordDetail *self)
{
  if (self->record != NULL)
    g_signal_emit (self, signals[ACTION], 0, "grid.delete-records");
}

static void
journal_record_changed_cb (HangarJournal      *journal,
                           const char         *record_id,
                           HangarRecordDetail *self)
{
  if (self->record == NULL || g_strcmp0 (hangar_record_get_id (self->record), record_id) != 0)
    return;
  for (guint i = 0; i < self->rows->len; i++)
    update_state (self, &g_array_index (self->rows, FieldRow, i));
}

static void
hangar_record_detail_dispose (GObject *object)
{
  HangarRecordDetail *self = HANGAR_RECORD_DETAIL (object);
  GtkWidget *child;

  hangar_frame_hook_clear (&self->update);
  g_clear_handle_id (&self->comments_id, g_source_remove);
  clear_links (self);
  g_clear_object (&self->record);
  g_clear_pointer (&self->popover, gtk_widget_unparent);
  if (self->journal != NULL)
    g_signal_handlers_disconnect_by_data (self->journal, self);
  g_clear_object (&self->journal);
  if (self->rows != NULL)
    g_array_set_size (self->rows, 0);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_RECORD_DETAIL);
  /* Children without a bound id are not removed by the above. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (hangar_record_detail_parent_class)->dispose (object);
}

static void
hangar_record_detail_finalize (GObject *object)
{
  HangarRecordDetail *self = HANGAR_RECORD_DETAIL (object);

  g_clear_pointer (&self->rows, g_array_unref);
  g_free (self->base_id);
  g_free (self->table_id);
  g_free (self->api_url);
  g_free (self->read_only_reason);

  G_OBJECT_CLASS (hangar_record_detail_parent_class)->finalize (object);
}

static void
hangar_record_detail_class_init (HangarRecordDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_record_detail_dispose;
  object_class->finalize = hangar_record_detail_finalize;
  widget_class->map = hangar_record_detail_map;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tablehangar/Hangar/hangar-record-detail.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarRecordDetail, stack);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordDetail, title_label);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordDetail, id_label);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordDetail, fields_box);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordDetail, created_label);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordDetail, message_label);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordDetail, actions_box);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordDetail, duplicate_button);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordDetail, delete_button);
  gtk_widget_class_bind_template_callback (widget_class, copy_url_cb);
  gtk_widget_class_bind_template_callback (widget_class, copy_id_cb);
  gtk_widget_class_bind_template_callback (widget_class, duplicate_cb);
  gtk_widget_class_bind_template_callback (widget_class, delete_cb);

  /**
   * HangarRecordDetail::field-edited:
   * @self: the panel
   * @field: the field
   * @value: its new value
   * @typecast: whether Airtable must convert it (a new select option)
   */
  signals[FIELD_EDITED] =
    g_signal_new ("field-edited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, HANGAR_TYPE_FIELD, JSON_TYPE_NODE, G_TYPE_BOOLEAN);
  /**
   * HangarRecordDetail::files-chosen:
   * @self: the panel
   * @field: an attachment field
   * @files: (element-type GFile): files to upload to it
   */
  signals[FILES_CHOSEN] =
    g_signal_new ("files-chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, HANGAR_TYPE_FIELD, G_TYPE_LIST_MODEL);
  /**
   * HangarRecordDetail::action:
   * @self: the panel
   * @action: "grid.duplicate-records" or "grid.delete-records", for this record
   */
  signals[ACTION] =
    g_signal_new ("action", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordDetail, comments);
  gtk_widget_class_set_css_name (widget_class, "recorddetail");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
hangar_record_detail_init (HangarRecordDetail *self)
{
  g_type_ensure (ADW_TYPE_STATUS_PAGE);
  g_type_ensure (HANGAR_TYPE_COMMENTS_PANEL);
  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_array_new (FALSE, TRUE, sizeof (FieldRow));
  g_array_set_clear_func (self->rows, field_row_clear);
}

/**
 * hangar_record_detail_new:
 *
 * Returns: (transfer floating): a new, empty detail panel
 */
GtkWidget *
hangar_record_detail_new (void)
{
  return g_object_new (HANGAR_TYPE_RECORD_DETAIL, NULL);
}

/**
 * hangar_record_detail_set_fields:
 * @self: a #HangarRecordDetail
 * @fields: (element-type HangarField) (nullable): every field of the table
 * @links: (nullable): the grid's linked-record cache
 *
 * Builds one row per field and clears the record shown.
 */
void
hangar_record_detail_set_fields (HangarRecordDetail *self,
                                 GPtrArray          *fields,
                                 HangarLinkCache    *links)
{
  GtkWidget *child;

  g_return_if_fail (HANGAR_IS_RECORD_DETAIL (self));

  clear_links (self);
  close_editor (self);
  g_clear_object (&self->record);
  g_array_set_size (self->rows, 0);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->fields_box))) != NULL)
    gtk_box_remove (self->fields_box, child);

  if (links != NULL)
    {
      self->links = g_object_ref (links);
      self->links_handler = g_signal_connect (links, "changed", G_CALLBACK (links_changed_cb), self);
    }

  for (guint i = 0; fields != NULL && i < fields->len; i++)
    {
      HangarField *field = g_ptr_array_index (fields, i);
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
      GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *icon = gtk_image_new_from_icon_name (hangar_grid_field_icon_name (field));
      GtkWidget *name = gtk_label_new (hangar_field_get_name (field));
      GtkWidget *value = gtk_label_new (NULL);
      FieldRow row = { g_object_ref (field), GTK_LABEL (value), NULL, NULL, NULL };

      gtk_widget_add_css_class (icon, "dim-label");
      gtk_widget_set_tooltip_text (icon, hangar_field_get_display_name (field));
      gtk_box_append (GTK_BOX (header), icon);

      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (name, "detail-field-name");
      gtk_box_append (GTK_BOX (header), name);

      if (hangar_field_is_computed (field))
        {
          GtkWidget *lock = gtk_image_new_from_icon_name ("changes-prevent-symbolic");

          gtk_widget_add_css_class (lock, "dim-label");
          gtk_widget_set_tooltip_text (lock, _("Computed — read only"));
          gtk_accessible_update_property (GTK_ACCESSIBLE (lock),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, _("Computed — read only"),
                                          -1);
          gtk_box_append (GTK_BOX (header), lock);
        }
      gtk_box_append (GTK_BOX (box), header);

      /* Plain text only: a value from the server is never parsed as Pango
       * markup (a "<" in it would break or restyle the label). */
      gtk_label_set_use_markup (GTK_LABEL (value), FALSE);
      gtk_label_set_xalign (GTK_LABEL (value), 0);
      gtk_label_set_wrap (GTK_LABEL (value), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (value), PANGO_WRAP_WORD_CHAR);
      gtk_widget_set_focusable (value, FALSE);
      if (hangar_cell_edit_kind (field) != HANGAR_CELL_EDIT_NONE)
        {
          /* Writable: the value is a button that opens its editor. */
          g_autofree char *name_text = g_strdup_printf (_("Edit %s"), hangar_field_get_name (field));

          row.button = gtk_button_new ();
          gtk_button_set_child (GTK_BUTTON (row.button), value);
          gtk_widget_add_css_class (row.button, "flat");
          gtk_widget_add_css_class (row.button, "detail-value-button");
          gtk_widget_set_tooltip_text (row.button, name_text);
          gtk_accessible_update_property (GTK_ACCESSIBLE (row.button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          name_text, -1);
          g_signal_connect (row.button, "clicked", G_CALLBACK (value_clicked_cb), self);
          gtk_box_append (GTK_BOX (box), row.button);
        }
      else
        {
          gtk_label_set_selectable (GTK_LABEL (value), TRUE);
          gtk_accessible_update_relation (GTK_ACCESSIBLE (value),
                                          GTK_ACCESSIBLE_RELATION_LABELLED_BY, name, NULL,
                                          -1);
          gtk_box_append (GTK_BOX (box), value);
        }
      row.state = GTK_LABEL (gtk_label_new (NULL));
      gtk_label_set_xalign (row.state, 0);
      gtk_widget_add_css_class (GTK_WIDGET (row.state), "caption");
      gtk_widget_add_css_class (GTK_WIDGET (row.state), "edit-state");
      gtk_widget_set_visible (GTK_WIDGET (row.state), FALSE);
      gtk_box_append (GTK_BOX (box), GTK_WIDGET (row.state));

      gtk_box_append (self->fields_box, box);
      g_array_append_val (self->rows, row);
    }

  update_values (self);
}

/**
 * hangar_record_detail_set_record:
 * @self: a #HangarRecordDetail
 * @record: (nullable): the record to show
 *
 * Shows every field of @record (or the empty state for %NULL).
 */
void
hangar_record_detail_set_record (HangarRecordDetail *self,
                                 HangarRecord       *record)
{
  g_return_if_fail (HANGAR_IS_RECORD_DETAIL (self));

  if (self->record != NULL && record != NULL &&
      g_strcmp0 (hangar_record_get_id (self->record), hangar_record_get_id (record)) != 0)
    {
      close_editor (self);
      show_message (self, NULL);
    }
  g_set_object (&self->record, record);
  schedule_update (self);
}

/**
 * hangar_record_detail_set_comments_context:
 * @self: a #HangarRecordDetail
 * @client: (nullable): the client the comments are read and written with
 * @account: (nullable): its account (scopes, and whose comments are yours)
 * @base_id: (nullable): the base
 * @table_id: (nullable): the table
 *
 * Where the comments panel finds the records' comments.
 */
void
hangar_record_detail_set_comments_context (HangarRecordDetail *self,
                                           HangarClient       *client,
                                           HangarAccount      *account,
                                           const char         *base_id,
                                           const char         *table_id)
{
  g_return_if_fail (HANGAR_IS_RECORD_DETAIL (self));

  hangar_comments_panel_set_context (self->comments, client, account, base_id, table_id);
}

HangarCommentsPanel *
hangar_record_detail_get_comments (HangarRecordDetail *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_DETAIL (self), NULL);

  return self->comments;
}

HangarRecord *
hangar_record_detail_get_record (HangarRecordDetail *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_DETAIL (self), NULL);

  return self->record;
}

guint
hangar_record_detail_get_n_fields (HangarRecordDetail *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_DETAIL (self), 0);

  return self->rows->len;
}

/**
 * hangar_record_detail_get_value_text:
 * @self: a #HangarRecordDetail
 * @field_name: a field name
 *
 * Returns: (nullable): the text shown for @field_name, "" when empty
 */
const char *
hangar_record_detail_get_value_text (HangarRecordDetail *self,
                                     const char         *field_name)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_DETAIL (self), NULL);

  flush_update (self);
  for (guint i = 0; i < self->rows->len; i++)
    {
      FieldRow *row = &g_array_index (self->rows, FieldRow, i);

      if (g_strcmp0 (hangar_field_get_name (row->field), field_name) == 0)
        return row->text != NULL ? row->text : "";
    }
  return NULL;
}

/**
 * hangar_record_detail_set_context:
 * @self: a #HangarRecordDetail
 * @base_id: (nullable): the base shown
 * @table_id: (nullable): the table shown
 * @api_url: (nullable): the API URL (relative attachment URLs)
 * @journal: (nullable): the account's journal (the state of edits)
 */
void
hangar_record_detail_set_context (HangarRecordDetail *self,
                                  const char         *base_id,
                                  const char         *table_id,
                                  const char         *api_url,
                                  HangarJournal      *journal)
{
  g_return_if_fail (HANGAR_IS_RECORD_DETAIL (self));

  g_free (self->base_id);
  self->base_id = g_strdup (base_id);
  g_free (self->table_id);
  self->table_id = g_strdup (table_id);
  g_free (self->api_url);
  self->api_url = g_strdup (api_url);
  if (self->journal != journal)
    {
      if (self->journal != NULL)
        g_signal_handlers_disconnect_by_data (self->journal, self);
      g_set_object (&self->journal, journal);
      if (journal != NULL)
        g_signal_connect (journal, "record-changed", G_CALLBACK (journal_record_changed_cb), self);
    }
}

/**
 * hangar_record_detail_set_read_only_reason:
 * @self: a #HangarRecordDetail
 * @reason: (nullable): why nothing can be edited, or %NULL
 */
void
hangar_record_detail_set_read_only_reason (HangarRecordDetail *self,
                                           const char         *reason)
{
  g_return_if_fail (HANGAR_IS_RECORD_DETAIL (self));

  g_free (self->read_only_reason);
  self->read_only_reason = g_strdup (reason);
  gtk_widget_set_sensitive (self->duplicate_button, reason == NULL);
  gtk_widget_set_sensitive (self->delete_button, reason == NULL);
  hangar_compat_set_tooltip_text (self->delete_button, reason != NULL ? reason : _("Delete record"));
  hangar_compat_set_tooltip_text (self->duplicate_button, reason != NULL ? reason : _("Duplicate record"));
}

/* For tests: the value button of @field_name (NULL for a computed field). */
GtkWidget *
hangar_record_detail_get_value_button (HangarRecordDetail *self,
                                       const char         *field_name)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_DETAIL (self), NULL);

  for (guint i = 0; i < self->rows->len; i++)
    {
      FieldRow *row = &g_array_index (self->rows, FieldRow, i);

      if (g_strcmp0 (hangar_field_get_name (row->field), field_name) == 0)
        return row->button;
    }
  return NULL;
}

/* For tests: the editor open in the panel, or NULL. */
HangarCellEditor *
hangar_record_detail_get_editor (HangarRecordDetail *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_DETAIL (self), NULL);

  return self->popover != NULL ? HANGAR_CELL_EDITOR (gtk_popover_get_child (GTK_POPOVER (self->popover))) : NULL;
}

/* The message shown at the top of the panel (a copy, a read-only reason). */
const char *
hangar_record_detail_get_message (HangarRecordDetail *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_DETAIL (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->message_label)) ? gtk_label_get_text (self->message_label) : NULL;
}
