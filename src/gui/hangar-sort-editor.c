/* hangar-sort-editor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "hangar-sort-editor.h"

/**
 * HangarSortEditor:
 *
 * The grid's own sort UI. GTK 4.8 cannot tell which column a GtkColumnView is
 * sorted by (GtkColumnViewSorter getters are 4.10), and the sort has to go to
 * Airtable as `sort[]` anyway so that it covers the whole table, not just the
 * loaded pages. Each row is a field and a direction; rows can be moved up and
 * down to change priority. Emits #HangarSortEditor::changed after each edit.
 */

typedef struct
{
  char     *field;
  gboolean  descending;
} SortSpec;

struct _HangarSortEditor
{
  GtkWidget      parent_instance;

  GtkLabel      *placeholder;
  GtkBox        *rows_box;
  GtkButton     *add_button;
  GtkButton     *clear_button;

  GPtrArray     *fields;      /* HangarField */
  GtkStringList *field_names;
  GArray        *sorts;       /* SortSpec */
};

G_DEFINE_FINAL_TYPE (HangarSortEditor, hangar_sort_editor, GTK_TYPE_WIDGET)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void rebuild_rows (HangarSortEditor *self);

static void
sort_spec_clear (gpointer data)
{
  SortSpec *spec = data;

  g_clear_pointer (&spec->field, g_free);
}

static int
find_sort (HangarSortEditor *self,
           const char       *field)
{
  for (guint i = 0; i < self->sorts->len; i++)
    if (g_strcmp0 (g_array_index (self->sorts, SortSpec, i).field, field) == 0)
      return (int) i;
  return -1;
}

static guint
field_position (HangarSortEditor *self,
                const char       *name)
{
  for (guint i = 0; i < self->fields->len; i++)
    if (g_strcmp0 (hangar_field_get_name (g_ptr_array_index (self->fields, i)), name) == 0)
      return i;
  return GTK_INVALID_LIST_POSITION;
}

static void
emit_changed (HangarSortEditor *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static guint
row_index (GtkWidget *widget)
{
  return GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (widget), "sort-index"));
}

static void
field_selected_cb (GtkDropDown      *dropdown,
                   GParamSpec       *pspec,
                   HangarSortEditor *self)
{
  guint index = row_index (GTK_WIDGET (dropdown));
  guint selected = gtk_drop_down_get_selected (dropdown);
  SortSpec *spec;
  const char *name;

  if (index >= self->sorts->len || selected >= self->fields->len)
    return;
  name = hangar_field_get_name (g_ptr_array_index (self->fields, selected));
  spec = &g_array_index (self->sorts, SortSpec, index);
  if (g_strcmp0 (spec->field, name) == 0)
    return;
  g_free (spec->field);
  spec->field = g_strdup (name);
  emit_changed (self);
}

static void
direction_selected_cb (GtkDropDown      *dropdown,
                       GParamSpec       *pspec,
                       HangarSortEditor *self)
{
  guint index = row_index (GTK_WIDGET (dropdown));
  gboolean descending = gtk_drop_down_get_selected (dropdown) == 1;
  SortSpec *spec;

  if (index >= self->sorts->len)
    return;
  spec = &g_array_index (self->sorts, SortSpec, index);
  if (spec->descending == descending)
    return;
  spec->descending = descending;
  emit_changed (self);
}

static void
swap_sorts (HangarSortEditor *self,
            guint             a,
            guint             b)
{
  SortSpec tmp = g_array_index (self->sorts, SortSpec, a);

  g_array_index (self->sorts, SortSpec, a) = g_array_index (self->sorts, SortSpec, b);
  g_array_index (self->sorts, SortSpec, b) = tmp;
}

static void
move_up_clicked_cb (GtkButton        *button,
                    HangarSortEditor *self)
{
  guint index = row_index (GTK_WIDGET (button));

  if (index == 0 || index >= self->sorts->len)
    return;
  swap_sorts (self, index - 1, index);
  rebuild_rows (self);
  emit_changed (self);
}

static void
move_down_clicked_cb (GtkButton        *button,
                      HangarSortEditor *self)
{
  guint index = row_index (GTK_WIDGET (button));

  if (index + 1 >= self->sorts->len)
    return;
  swap_sorts (self, index, index + 1);
  rebuild_rows (self);
  emit_changed (self);
}

static void
remove_clicked_cb (GtkButton        *button,
                   HangarSortEditor *self)
{
  guint index = row_index (GTK_WIDGET (button));

  if (index >= self->sorts->len)
    return;
  g_array_remove_index (self->sorts, index);
  rebuild_rows (self);
  emit_changed (self);
}

static GtkWidget *
icon_button (const char *icon_name,
             const char *label,
             guint       index)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  gtk_widget_add_css_class (button, "flat");
  g_object_set_data (G_OBJECT (button), "sort-index", GUINT_TO_POINTER (index));
  return button;
}

static void
rebuild_rows (HangarSortEditor *self)
{
  static const char *directions[] = { N_("Ascending"), N_("Descending"), NULL };
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->rows_box))) != NULL)
    gtk_box_remove (self->rows_box, child);

  for (guint i = 0; i < self->sorts->len; i++)
    {
      SortSpec *spec = &g_array_index (self->sorts, SortSpec, i);
      g_autoptr(GtkStringList) dirs = gtk_string_list_new (NULL);
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
      GtkWidget *field_dd;
      GtkWidget *dir_dd;
      GtkWidget *button;
      guint pos;

      gtk_widget_add_css_class (row, "sort-row");

      field_dd = gtk_drop_down_new (g_object_ref (G_LIST_MODEL (self->field_names)), NULL);
      gtk_widget_set_hexpand (field_dd, TRUE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (field_dd),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Sort field"),
                                      -1);
      pos = field_position (self, spec->field);
      if (pos != GTK_INVALID_LIST_POSITION)
        gtk_drop_down_set_selected (GTK_DROP_DOWN (field_dd), pos);
      g_object_set_data (G_OBJECT (field_dd), "sort-index", GUINT_TO_POINTER (i));
      g_signal_connect (field_dd, "notify::selected", G_CALLBACK (field_selected_cb), self);
      gtk_box_append (GTK_BOX (row), field_dd);

      for (guint d = 0; directions[d] != NULL; d++)
        gtk_string_list_append (dirs, _(directions[d]));
      dir_dd = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&dirs)), NULL);
      gtk_accessible_update_property (GTK_ACCESSIBLE (dir_dd),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Sort direction"),
                                      -1);
      gtk_widget_set_size_request (dir_dd, 140, -1);
      gtk_drop_down_set_selected (GTK_DROP_DOWN (dir_dd), spec->descending ? 1 : 0);
      g_object_set_data (G_OBJECT (dir_dd), "sort-index", GUINT_TO_POINTER (i));
      g_signal_connect (dir_dd, "notify::selected", G_CALLBACK (direction_selected_cb), self);
      gtk_box_append (GTK_BOX (row), dir_dd);

      button = icon_button ("go-up-symbolic", _("Move up"), i);
      gtk_widget_set_sensitive (button, i > 0);
      g_signal_connect (button, "clicked", G_CALLBACK (move_up_clicked_cb), self);
      gtk_box_append (GTK_BOX (row), button);

      button = icon_button ("go-down-symbolic", _("Move down"), i);
      gtk_widget_set_sensitive (button, i + 1 < self->sorts->len);
      g_signal_connect (button, "clicked", G_CALLBACK (move_down_clicked_cb), self);
      gtk_box_append (GTK_BOX (row), button);

      button = icon_button ("user-trash-symbolic", _("Remove sort"), i);
      g_signal_connect (button, "clicked", G_CALLBACK (remove_clicked_cb), self);
      gtk_box_append (GTK_BOX (row), button);

      gtk_box_append (self->rows_box, row);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->placeholder), self->sorts->len == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->rows_box), self->sorts->len > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->clear_button), self->sorts->len > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button), self->fields->len > 0);
}

static void
add_clicked_cb (HangarSortEditor *self)
{
  /* Offer the first field not sorted on yet. */
  for (guint i = 0; i < self->fields->len; i++)
    {
      const char *name = hangar_field_get_name (g_ptr_array_index (self->fields, i));

      if (find_sort (self, name) < 0)
        {
          hangar_sort_editor_add_sort (self, name, FALSE);
          return;
        }
    }
}

static void
clear_clicked_cb (HangarSortEditor *self)
{
  if (self->sorts->len == 0)
    return;
  hangar_sort_editor_clear (self);
  emit_changed (self);
}

static void
hangar_sort_editor_dispose (GObject *object)
{
  HangarSortEditor *self = HANGAR_SORT_EDITOR (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_SORT_EDITOR);
  /* Children without a bound id are not removed by the above. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->field_names);

  G_OBJECT_CLASS (hangar_sort_editor_parent_class)->dispose (object);
}

static void
hangar_sort_editor_finalize (GObject *object)
{
  HangarSortEditor *self = HANGAR_SORT_EDITOR (object);

  g_clear_pointer (&self->fields, g_ptr_array_unref);
  g_clear_pointer (&self->sorts, g_array_unref);

  G_OBJECT_CLASS (hangar_sort_editor_parent_class)->finalize (object);
}

static void
hangar_sort_editor_class_init (HangarSortEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_sort_editor_dispose;
  object_class->finalize = hangar_sort_editor_finalize;

  /**
   * HangarSortEditor::changed:
   *
   * The user changed the sort (added, removed, moved or edited a row).
   */
  signals[CHANGED] = g_signal_new ("changed",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tablehangar/Hangar/hangar-sort-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarSortEditor, placeholder);
  gtk_widget_class_bind_template_child (widget_class, HangarSortEditor, rows_box);
  gtk_widget_class_bind_template_child (widget_class, HangarSortEditor, add_button);
  gtk_widget_class_bind_template_child (widget_class, HangarSortEditor, clear_button);
  gtk_widget_class_bind_template_callback (widget_class, add_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, clear_clicked_cb);
}

static void
hangar_sort_editor_init (HangarSortEditor *self)
{
  g_type_ensure (ADW_TYPE_BUTTON_CONTENT);
  gtk_widget_init_template (GTK_WIDGET (self));

  self->fields = g_ptr_array_new_with_free_func (g_object_unref);
  self->field_names = gtk_string_list_new (NULL);
  self->sorts = g_array_new (FALSE, TRUE, sizeof (SortSpec));
  g_array_set_clear_func (self->sorts, sort_spec_clear);
  rebuild_rows (self);
}

/**
 * hangar_sort_editor_new:
 *
 * Returns: (transfer floating): a new, empty sort editor
 */
GtkWidget *
hangar_sort_editor_new (void)
{
  return g_object_new (HANGAR_TYPE_SORT_EDITOR, NULL);
}

/**
 * hangar_sort_editor_set_fields:
 * @self: a #HangarSortEditor
 * @fields: (element-type HangarField) (nullable): the fields to offer
 *
 * Sets the fields the user can sort on and clears the sort.
 */
void
hangar_sort_editor_set_fields (HangarSortEditor *self,
                               GPtrArray        *fields)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  g_return_if_fail (HANGAR_IS_SORT_EDITOR (self));

  g_ptr_array_set_size (self->fields, 0);
  for (guint i = 0; fields != NULL && i < fields->len; i++)
    {
      HangarField *field = g_ptr_array_index (fields, i);

      g_ptr_array_add (self->fields, g_object_ref (field));
      gtk_string_list_append (names, hangar_field_get_name (field));
    }
  g_set_object (&self->field_names, names);
  g_array_set_size (self->sorts, 0);
  rebuild_rows (self);
}

/**
 * hangar_sort_editor_add_sort:
 * @self: a #HangarSortEditor
 * @field_name: a field name
 * @descending: the direction
 *
 * Adds a sort on @field_name as the lowest priority (or changes the direction
 * of the existing one) and emits #HangarSortEditor::changed.
 */
void
hangar_sort_editor_add_sort (HangarSortEditor *self,
                             const char       *field_name,
                             gboolean          descending)
{
  int existing;

  g_return_if_fail (HANGAR_IS_SORT_EDITOR (self));
  g_return_if_fail (field_name != NULL);

  existing = find_sort (self, field_name);
  if (existing >= 0)
    {
      SortSpec *spec = &g_array_index (self->sorts, SortSpec, existing);

      if (spec->descending == descending)
        return;
      spec->descending = descending;
    }
  else
    {
      SortSpec spec = { g_strdup (field_name), descending };

      g_array_append_val (self->sorts, spec);
    }
  rebuild_rows (self);
  emit_changed (self);
}

/**
 * hangar_sort_editor_clear:
 * @self: a #HangarSortEditor
 *
 * Removes every sort, without emitting #HangarSortEditor::changed.
 */
void
hangar_sort_editor_clear (HangarSortEditor *self)
{
  g_return_if_fail (HANGAR_IS_SORT_EDITOR (self));

  g_array_set_size (self->sorts, 0);
  rebuild_rows (self);
}

guint
hangar_sort_editor_get_n_sorts (HangarSortEditor *self)
{
  g_return_val_if_fail (HANGAR_IS_SORT_EDITOR (self), 0);

  return self->sorts->len;
}

/**
 * hangar_sort_editor_get_sort:
 * @self: a #HangarSortEditor
 * @index: the priority, 0 first
 * @descending: (out) (optional): the direction
 *
 * Returns: (transfer none): the field name of the @index-th sort
 */
const char *
hangar_sort_editor_get_sort (HangarSortEditor *self,
                             guint             index,
                             gboolean         *descending)
{
  SortSpec *spec;

  g_return_val_if_fail (HANGAR_IS_SORT_EDITOR (self), NULL);
  g_return_val_if_fail (index < self->sorts->len, NULL);

  spec = &g_array_index (self->sorts, SortSpec, index);
  if (descending != NULL)
    *descending = spec->descending;
  return spec->field;
}
