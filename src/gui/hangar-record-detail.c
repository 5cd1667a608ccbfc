/* hangar-record-detail.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "hangar-comments-panel.h"
#include "hangar-grid-cell.h"
#include "hangar-record-detail.h"

/**
 * HangarRecordDetail:
 *
 * The record detail panel: one row per field (type icon, name, a lock for
 * computed fields, the formatted value in a wrapping, selectable plain-text
 * label). Rows are built when the fields change and only their values are
 * updated when the record changes.
 */

typedef struct
{
  HangarField *field;
  GtkLabel    *value;
  char        *text;
} FieldRow;

struct _HangarRecordDetail
{
  GtkWidget        parent_instance;

  GtkStack        *stack;
  GtkLabel        *title_label;
  GtkLabel        *id_label;
  GtkBox          *fields_box;
  HangarCommentsPanel *comments;

  GArray          *rows;      /* FieldRow */
  HangarLinkCache *links;
  gulong           links_handler;
  HangarRecord    *record;
};

G_DEFINE_FINAL_TYPE (HangarRecordDetail, hangar_record_detail, GTK_TYPE_WIDGET)

static void
field_row_clear (gpointer data)
{
  FieldRow *row = data;

  g_clear_object (&row->field);
  g_clear_pointer (&row->text, g_free);
}

static void
update_values (HangarRecordDetail *self)
{
  HangarField *primary = NULL;

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
      if (i == 0)
        primary = row->field;
    }

  if (primary != NULL && g_array_index (self->rows, FieldRow, 0).text[0] != '\0')
    gtk_label_set_text (self->title_label, g_array_index (self->rows, FieldRow, 0).text);
  else
    gtk_label_set_text (self->title_label, _("Untitled record"));
  gtk_label_set_text (self->id_label, hangar_record_get_id (self->record));
  gtk_stack_set_visible_child_name (self->stack, "record");
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

static void
hangar_record_detail_dispose (GObject *object)
{
  HangarRecordDetail *self = HANGAR_RECORD_DETAIL (object);
  GtkWidget *child;

  clear_links (self);
  g_clear_object (&self->record);
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

  G_OBJECT_CLASS (hangar_record_detail_parent_class)->finalize (object);
}

static void
hangar_record_detail_class_init (HangarRecordDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_record_detail_dispose;
  object_class->finalize = hangar_record_detail_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tablehangar/Hangar/hangar-record-detail.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarRecordDetail, stack);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordDetail, title_label);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordDetail, id_label);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordDetail, fields_box);
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
      FieldRow row = { g_object_ref (field), GTK_LABEL (value), NULL };

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
      gtk_label_set_selectable (GTK_LABEL (value), TRUE);
      gtk_widget_set_focusable (value, FALSE);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (value),
                                      GTK_ACCESSIBLE_RELATION_LABELLED_BY, name, NULL,
                                      -1);
      gtk_box_append (GTK_BOX (box), value);

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

  g_set_object (&self->record, record);
  update_values (self);
  hangar_comments_panel_set_record (self->comments, record != NULL ? hangar_record_get_id (record) : NULL);
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

  for (guint i = 0; i < self->rows->len; i++)
    {
      FieldRow *row = &g_array_index (self->rows, FieldRow, i);

      if (g_strcmp0 (hangar_field_get_name (row->field), field_name) == 0)
        return row->text != NULL ? row->text : "";
    }
  return NULL;
}
