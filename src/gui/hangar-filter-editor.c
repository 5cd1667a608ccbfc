/* hangar-filter-editor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "hangar-filter-editor.h"
#include "hangar-formula.h"

/**
 * HangarFilterEditor:
 *
 * Rows of field / operator / value combined with AND or OR, compiled with
 * the formula builder (so user text is always quoted, never spliced into the
 * formula), or a raw formula typed by hand. Switching to the raw mode starts
 * from the compiled conditions; switching back keeps the conditions as they
 * were. The editor never clears what the user typed on an error: the grid
 * shows the server's message with hangar_filter_editor_set_error().
 */

typedef struct
{
  HangarField    *field;
  HangarFilterOp  op;
  char           *value;
} Condition;

struct _HangarFilterEditor
{
  GtkWidget      parent_instance;

  GtkSwitch     *raw_switch;
  GtkStack      *mode_stack;
  GtkDropDown   *match_dropdown;
  GtkLabel      *placeholder;
  GtkBox        *rows_box;
  GtkButton     *add_button;
  GtkTextView   *formula_view;
  GtkLabel      *error_label;

  GPtrArray     *fields;     /* HangarField */
  GtkStringList *field_names;
  GArray        *conditions; /* Condition */
};

G_DEFINE_FINAL_TYPE (HangarFilterEditor, hangar_filter_editor, GTK_TYPE_WIDGET)

enum {
  APPLY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef enum
{
  KIND_TEXT,
  KIND_NUMBER,
  KIND_CHECKBOX,
  KIND_SELECT,
  KIND_MULTI,
  KIND_DATE,
} FilterKind;

static const HangarFilterOp text_ops[] = {
  HANGAR_FILTER_CONTAINS, HANGAR_FILTER_NOT_CONTAINS, HANGAR_FILTER_IS, HANGAR_FILTER_IS_NOT,
  HANGAR_FILTER_IS_EMPTY, HANGAR_FILTER_IS_NOT_EMPTY,
};
static const HangarFilterOp number_ops[] = {
  HANGAR_FILTER_IS, HANGAR_FILTER_IS_NOT, HANGAR_FILTER_LT, HANGAR_FILTER_GT,
  HANGAR_FILTER_LE, HANGAR_FILTER_GE, HANGAR_FILTER_IS_EMPTY, HANGAR_FILTER_IS_NOT_EMPTY,
};
static const HangarFilterOp checkbox_ops[] = {
  HANGAR_FILTER_CHECKED, HANGAR_FILTER_NOT_CHECKED,
};
static const HangarFilterOp select_ops[] = {
  HANGAR_FILTER_IS, HANGAR_FILTER_IS_NOT, HANGAR_FILTER_CONTAINS, HANGAR_FILTER_NOT_CONTAINS,
  HANGAR_FILTER_IS_EMPTY, HANGAR_FILTER_IS_NOT_EMPTY,
};
static const HangarFilterOp multi_ops[] = {
  HANGAR_FILTER_CONTAINS, HANGAR_FILTER_NOT_CONTAINS, HANGAR_FILTER_IS_EMPTY, HANGAR_FILTER_IS_NOT_EMPTY,
};
static const HangarFilterOp date_ops[] = {
  HANGAR_FILTER_IS, HANGAR_FILTER_BEFORE, HANGAR_FILTER_AFTER,
  HANGAR_FILTER_IS_EMPTY, HANGAR_FILTER_IS_NOT_EMPTY,
};

static void rebuild_rows (HangarFilterEditor *self);

static const char *
op_label (HangarFilterOp op,
          FilterKind     kind)
{
  switch (op)
    {
    case HANGAR_FILTER_CONTAINS: return kind == KIND_MULTI ? _("has") : _("contains");
    case HANGAR_FILTER_NOT_CONTAINS: return kind == KIND_MULTI ? _("has not") : _("does not contain");
    case HANGAR_FILTER_IS: return kind == KIND_NUMBER ? "=" : _("is");
    case HANGAR_FILTER_IS_NOT: return kind == KIND_NUMBER ? "≠" : _("is not");
    case HANGAR_FILTER_LT: return "<";
    case HANGAR_FILTER_GT: return ">";
    case HANGAR_FILTER_LE: return "≤";
    case HANGAR_FILTER_GE: return "≥";
    case HANGAR_FILTER_BEFORE: return _("is before");
    case HANGAR_FILTER_AFTER: return _("is after");
    case HANGAR_FILTER_IS_EMPTY: return _("is empty");
    case HANGAR_FILTER_IS_NOT_EMPTY: return _("is not empty");
    case HANGAR_FILTER_CHECKED: return _("is checked");
    case HANGAR_FILTER_NOT_CHECKED: return _("is not checked");
    default: return "?";
    }
}

static gboolean
op_takes_value (HangarFilterOp op)
{
  return op != HANGAR_FILTER_IS_EMPTY && op != HANGAR_FILTER_IS_NOT_EMPTY &&
         op != HANGAR_FILTER_CHECKED && op != HANGAR_FILTER_NOT_CHECKED;
}

static FilterKind
kind_for (HangarField *field)
{
  switch ((int) hangar_field_get_field_type (field))
    {
    case HANGAR_FIELD_TYPE_NUMBER:
    case HANGAR_FIELD_TYPE_PERCENT:
    case HANGAR_FIELD_TYPE_CURRENCY:
    case HANGAR_FIELD_TYPE_DURATION:
    case HANGAR_FIELD_TYPE_RATING:
    case HANGAR_FIELD_TYPE_COUNT:
    case HANGAR_FIELD_TYPE_AUTO_NUMBER:
      return KIND_NUMBER;
    case HANGAR_FIELD_TYPE_CHECKBOX:
      return KIND_CHECKBOX;
    case HANGAR_FIELD_TYPE_SINGLE_SELECT:
      return KIND_SELECT;
    case HANGAR_FIELD_TYPE_MULTIPLE_SELECTS:
    case HANGAR_FIELD_TYPE_MULTIPLE_RECORD_LINKS:
    case HANGAR_FIELD_TYPE_MULTIPLE_COLLABORATORS:
    case HANGAR_FIELD_TYPE_MULTIPLE_ATTACHMENTS:
    case HANGAR_FIELD_TYPE_MULTIPLE_LOOKUP_VALUES:
      return KIND_MULTI;
    case HANGAR_FIELD_TYPE_DATE:
    case HANGAR_FIELD_TYPE_DATE_TIME:
    case HANGAR_FIELD_TYPE_CREATED_TIME:
    case HANGAR_FIELD_TYPE_LAST_MODIFIED_TIME:
      return KIND_DATE;
    default:
      return KIND_TEXT;
    }
}

static const HangarFilterOp *
ops_for (FilterKind  kind,
         guint      *n_ops)
{
  switch (kind)
    {
    case KIND_NUMBER: *n_ops = G_N_ELEMENTS (number_ops); return number_ops;
    case KIND_CHECKBOX: *n_ops = G_N_ELEMENTS (checkbox_ops); return checkbox_ops;
    case KIND_SELECT: *n_ops = G_N_ELEMENTS (select_ops); return select_ops;
    case KIND_MULTI: *n_ops = G_N_ELEMENTS (multi_ops); return multi_ops;
    case KIND_DATE: *n_ops = G_N_ELEMENTS (date_ops); return date_ops;
    case KIND_TEXT:
    default: *n_ops = G_N_ELEMENTS (text_ops); return text_ops;
    }
}

static void
condition_clear (gpointer data)
{
  Condition *condition = data;

  g_clear_object (&condition->field);
  g_clear_pointer (&condition->value, g_free);
}

static guint
row_index (gpointer widget)
{
  return GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (widget), "condition-index"));
}

static void
field_selected_cb (GtkDropDown        *dropdown,
                   GParamSpec         *pspec,
                   HangarFilterEditor *self)
{
  guint index = row_index (dropdown);
  guint selected = gtk_drop_down_get_selected (dropdown);
  Condition *condition;
  HangarField *field;
  guint n_ops;

  if (index >= self->conditions->len || selected >= self->fields->len)
    return;
  condition = &g_array_index (self->conditions, Condition, index);
  field = g_ptr_array_index (self->fields, selected);
  if (condition->field == field)
    return;
  g_set_object (&condition->field, field);
  condition->op = ops_for (kind_for (field), &n_ops)[0];
  rebuild_rows (self);
}

static void
op_selected_cb (GtkDropDown        *dropdown,
                GParamSpec         *pspec,
                HangarFilterEditor *self)
{
  guint index = row_index (dropdown);
  guint selected = gtk_drop_down_get_selected (dropdown);
  const HangarFilterOp *ops;
  Condition *condition;
  GtkWidget *entry;
  guint n_ops;

  if (index >= self->conditions->len)
    return;
  condition = &g_array_index (self->conditions, Condition, index);
  ops = ops_for (kind_for (condition->field), &n_ops);
  if (selected >= n_ops)
    return;
  condition->op = ops[selected];
  entry = g_object_get_data (G_OBJECT (dropdown), "value-entry");
  if (entry != NULL)
    gtk_widget_set_visible (entry, op_takes_value (condition->op));
}

static void
value_changed_cb (GtkEditable        *editable,
                  HangarFilterEditor *self)
{
  guint index = row_index (editable);
  Condition *condition;

  if (index >= self->conditions->len)
    return;
  condition = &g_array_index (self->conditions, Condition, index);
  g_free (condition->value);
  condition->value = g_strdup (gtk_editable_get_text (editable));
}

static void
value_activate_cb (GtkEntry           *entry,
                   HangarFilterEditor *self)
{
  hangar_filter_editor_apply (self);
}

static void
remove_clicked_cb (GtkButton          *button,
                   HangarFilterEditor *self)
{
  guint index = row_index (button);

  if (index >= self->conditions->len)
    return;
  g_array_remove_index (self->conditions, index);
  rebuild_rows (self);
}

static guint
field_position (HangarFilterEditor *self,
                HangarField        *field)
{
  for (guint i = 0; i < self->fields->len; i++)
    if (g_ptr_array_index (self->fields, i) == field)
      return i;
  return GTK_INVALID_LIST_POSITION;
}

static void
rebuild_rows (HangarFilterEditor *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->rows_box))) != NULL)
    gtk_box_remove (self->rows_box, child);

  for (guint i = 0; i < self->conditions->len; i++)
    {
      Condition *condition = &g_array_index (self->conditions, Condition, i);
      FilterKind kind = kind_for (condition->field);
      g_autoptr(GtkStringList) op_names = gtk_string_list_new (NULL);
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
      GtkWidget *field_dd;
      GtkWidget *op_dd;
      GtkWidget *entry;
      GtkWidget *remove;
      const HangarFilterOp *ops;
      guint n_ops;
      guint pos;

      ops = ops_for (kind, &n_ops);
      gtk_widget_add_css_class (row, "filter-row");

      field_dd = gtk_drop_down_new (g_object_ref (G_LIST_MODEL (self->field_names)), NULL);
      gtk_accessible_update_property (GTK_ACCESSIBLE (field_dd),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Condition field"),
                                      -1);
      pos = field_position (self, condition->field);
      if (pos != GTK_INVALID_LIST_POSITION)
        gtk_drop_down_set_selected (GTK_DROP_DOWN (field_dd), pos);
      g_object_set_data (G_OBJECT (field_dd), "condition-index", GUINT_TO_POINTER (i));
      gtk_box_append (GTK_BOX (row), field_dd);

      pos = 0;
      for (guint o = 0; o < n_ops; o++)
        {
          gtk_string_list_append (op_names, op_label (ops[o], kind));
          if (ops[o] == condition->op)
            pos = o;
        }
      condition->op = ops[pos];
      op_dd = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&op_names)), NULL);
      gtk_accessible_update_property (GTK_ACCESSIBLE (op_dd),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Condition operator"),
                                      -1);
      gtk_drop_down_set_selected (GTK_DROP_DOWN (op_dd), pos);
      g_object_set_data (G_OBJECT (op_dd), "condition-index", GUINT_TO_POINTER (i));
      gtk_box_append (GTK_BOX (row), op_dd);

      entry = gtk_entry_new ();
      gtk_widget_set_hexpand (entry, TRUE);
      gtk_entry_set_placeholder_text (GTK_ENTRY (entry),
                                      kind == KIND_DATE ? _("YYYY-MM-DD")
                                      : kind == KIND_NUMBER ? _("Number") : _("Value"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (entry),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Condition value"),
                                      -1);
      gtk_editable_set_text (GTK_EDITABLE (entry), condition->value != NULL ? condition->value : "");
      gtk_widget_set_visible (entry, op_takes_value (condition->op));
      g_object_set_data (G_OBJECT (entry), "condition-index", GUINT_TO_POINTER (i));
      g_object_set_data (G_OBJECT (op_dd), "value-entry", entry);
      g_signal_connect (entry, "changed", G_CALLBACK (value_changed_cb), self);
      g_signal_connect (entry, "activate", G_CALLBACK (value_activate_cb), self);
      gtk_box_append (GTK_BOX (row), entry);

      remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_tooltip_text (remove, _("Remove condition"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Remove condition"),
                                      -1);
      g_object_set_data (G_OBJECT (remove), "condition-index", GUINT_TO_POINTER (i));
      g_signal_connect (remove, "clicked", G_CALLBACK (remove_clicked_cb), self);
      gtk_box_append (GTK_BOX (row), remove);

      /* Connected last so that setting the initial selection is silent. */
      g_signal_connect (field_dd, "notify::selected", G_CALLBACK (field_selected_cb), self);
      g_signal_connect (op_dd, "notify::selected", G_CALLBACK (op_selected_cb), self);

      gtk_box_append (self->rows_box, row);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->placeholder), self->conditions->len == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->rows_box), self->conditions->len > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button), self->fields->len > 0);
}

static gboolean
parse_date (const char *text,
            int        *y,
            int        *m,
            int        *d)
{
  if (text == NULL || sscanf (text, "%4d-%2d-%2d", y, m, d) != 3)
    return FALSE;
  return g_date_valid_dmy (*d, *m, *y);
}

/* One condition as a formula; NULL and @error for an unusable value. */
static HangarFormula *
compile_condition (Condition  *condition,
                   GError    **error)
{
  const char *name = hangar_field_get_name (condition->field);
  const char *value = condition->value != NULL ? condition->value : "";
  FilterKind kind = kind_for (condition->field);
  HangarFormula *operand = NULL;
  double number = 0;
  int y = 0, m = 0, d = 0;

  if (op_takes_value (condition->op))
    {
      if (kind == KIND_NUMBER)
        {
          char *end = NULL;
          g_autofree char *trimmed = g_strstrip (g_strdup (value));

          number = g_ascii_strtod (trimmed, &end);
          if (*trimmed == '\0' || end == NULL || *end != '\0')
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("“%s” needs a number, not “%s”."), name, value);
              return NULL;
            }
          operand = hangar_formula_number (number);
        }
      else if (kind == KIND_DATE)
        {
          if (!parse_date (value, &y, &m, &d))
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("“%s” needs a date as YYYY-MM-DD, not “%s”."), name, value);
              return NULL;
            }
          operand = hangar_formula_date (y, m, d);
        }
      else
        operand = hangar_formula_string (value);
    }

  switch (condition->op)
    {
    case HANGAR_FILTER_CONTAINS:
    case HANGAR_FILTER_NOT_CONTAINS:
      {
        HangarFormula *haystack = hangar_formula_field (name);
        HangarFormula *contains;

        hangar_formula_unref (operand);
        /* Multi-value cells are compared as their comma-joined text. */
        if (kind == KIND_MULTI)
          haystack = hangar_formula_arrayjoin (haystack, ", ");
        contains = hangar_formula_contains_text (haystack, value, FALSE);
        return condition->op == HANGAR_FILTER_CONTAINS ? contains : hangar_formula_not (contains);
      }

    case HANGAR_FILTER_IS:
      if (kind == KIND_DATE)
        return hangar_formula_call ("IS_SAME", hangar_formula_field (name), operand,
                                    hangar_formula_string ("day"), NULL);
      return hangar_formula_eq (hangar_formula_field (name), operand);

    case HANGAR_FILTER_IS_NOT:
      return hangar_formula_ne (hangar_formula_field (name), operand);
    case HANGAR_FILTER_LT:
      return hangar_formula_lt (hangar_formula_field (name), operand);
    case HANGAR_FILTER_GT:
      return hangar_formula_gt (hangar_formula_field (name), operand);
    case HANGAR_FILTER_LE:
      return hangar_formula_le (hangar_formula_field (name), operand);
    case HANGAR_FILTER_GE:
      return hangar_formula_ge (hangar_formula_field (name), operand);
    case HANGAR_FILTER_BEFORE:
      return hangar_formula_call ("IS_BEFORE", hangar_formula_field (name), operand, NULL);
    case HANGAR_FILTER_AFTER:
      return hangar_formula_call ("IS_AFTER", hangar_formula_field (name), operand, NULL);
    case HANGAR_FILTER_IS_EMPTY:
      return hangar_formula_is_blank (hangar_formula_field (name));
    case HANGAR_FILTER_IS_NOT_EMPTY:
      return hangar_formula_is_not_blank (hangar_formula_field (name));
    case HANGAR_FILTER_CHECKED:
      return hangar_formula_eq (hangar_formula_field (name), hangar_formula_boolean (TRUE));
    case HANGAR_FILTER_NOT_CHECKED:
      return hangar_formula_not (hangar_formula_field (name));
    default:
      hangar_formula_unref (operand);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Unknown operator");
      return NULL;
    }
}

static char *
compile_conditions (HangarFilterEditor  *self,
                    GError             **error)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  g_autoptr(HangarFormula) combined = NULL;

  for (guint i = 0; i < self->conditions->len; i++)
    {
      HangarFormula *part = compile_condition (&g_array_index (self->conditions, Condition, i), error);

      if (part == NULL)
        {
          g_ptr_array_foreach (parts, (GFunc) hangar_formula_unref, NULL);
          return NULL;
        }
      g_ptr_array_add (parts, part);
    }

  if (parts->len == 0)
    return NULL;
  if (parts->len == 1)
    combined = g_ptr_array_index (parts, 0);
  else
    combined = hangar_formula_callv (gtk_drop_down_get_selected (self->match_dropdown) == 1 ? "OR" : "AND",
                                     (HangarFormula **) parts->pdata, parts->len);
  return hangar_formula_to_string (combined);
}

static char *
raw_text (HangarFilterEditor *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->formula_view);
  GtkTextIter start, end;
  char *text;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_strstrip (text);
  if (*text == '\0')
    g_clear_pointer (&text, g_free);
  return text;
}

static void
raw_switch_active_cb (HangarFilterEditor *self)
{
  gboolean raw = gtk_switch_get_active (self->raw_switch);

  if (raw)
    {
      g_autofree char *compiled = compile_conditions (self, NULL);
      g_autofree char *current = raw_text (self);

      /* Start the formula from the conditions unless one was typed already. */
      if (current == NULL && compiled != NULL)
        gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->formula_view), compiled, -1);
    }
  gtk_stack_set_visible_child_name (self->mode_stack, raw ? "raw" : "builder");
}

static void
add_clicked_cb (HangarFilterEditor *self)
{
  HangarField *field;
  guint n_ops;

  if (self->fields->len == 0)
    return;
  field = g_ptr_array_index (self->fields, 0);
  hangar_filter_editor_add_condition (self, hangar_field_get_name (field),
                                      ops_for (kind_for (field), &n_ops)[0], NULL);
}

static void
clear_clicked_cb (HangarFilterEditor *self)
{
  hangar_filter_editor_clear (self);
  hangar_filter_editor_apply (self);
}

static void
apply_clicked_cb (HangarFilterEditor *self)
{
  hangar_filter_editor_apply (self);
}

static void
hangar_filter_editor_dispose (GObject *object)
{
  HangarFilterEditor *self = HANGAR_FILTER_EDITOR (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_FILTER_EDITOR);
  /* Children without a bound id are not removed by the above. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->field_names);

  G_OBJECT_CLASS (hangar_filter_editor_parent_class)->dispose (object);
}

static void
hangar_filter_editor_finalize (GObject *object)
{
  HangarFilterEditor *self = HANGAR_FILTER_EDITOR (object);

  g_clear_pointer (&self->conditions, g_array_unref);
  g_clear_pointer (&self->fields, g_ptr_array_unref);

  G_OBJECT_CLASS (hangar_filter_editor_parent_class)->finalize (object);
}

static void
hangar_filter_editor_class_init (HangarFilterEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_filter_editor_dispose;
  object_class->finalize = hangar_filter_editor_finalize;

  /**
   * HangarFilterEditor::apply:
   *
   * The user asked to apply the filter; read it with
   * hangar_filter_editor_build_formula().
   */
  signals[APPLY] = g_signal_new ("apply",
                                 G_TYPE_FROM_CLASS (klass),
                                 G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tablehangar/Hangar/hangar-filter-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarFilterEditor, raw_switch);
  gtk_widget_class_bind_template_child (widget_class, HangarFilterEditor, mode_stack);
  gtk_widget_class_bind_template_child (widget_class, HangarFilterEditor, match_dropdown);
  gtk_widget_class_bind_template_child (widget_class, HangarFilterEditor, placeholder);
  gtk_widget_class_bind_template_child (widget_class, HangarFilterEditor, rows_box);
  gtk_widget_class_bind_template_child (widget_class, HangarFilterEditor, add_button);
  gtk_widget_class_bind_template_child (widget_class, HangarFilterEditor, formula_view);
  gtk_widget_class_bind_template_child (widget_class, HangarFilterEditor, error_label);
  gtk_widget_class_bind_template_callback (widget_class, raw_switch_active_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, clear_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, apply_clicked_cb);
}

static void
hangar_filter_editor_init (HangarFilterEditor *self)
{
  g_type_ensure (ADW_TYPE_BUTTON_CONTENT);
  gtk_widget_init_template (GTK_WIDGET (self));

  self->fields = g_ptr_array_new_with_free_func (g_object_unref);
  self->field_names = gtk_string_list_new (NULL);
  self->conditions = g_array_new (FALSE, TRUE, sizeof (Condition));
  g_array_set_clear_func (self->conditions, condition_clear);
  rebuild_rows (self);
}

/**
 * hangar_filter_editor_new:
 *
 * Returns: (transfer floating): a new, empty filter editor
 */
GtkWidget *
hangar_filter_editor_new (void)
{
  return g_object_new (HANGAR_TYPE_FILTER_EDITOR, NULL);
}

/**
 * hangar_filter_editor_set_fields:
 * @self: a #HangarFilterEditor
 * @fields: (element-type HangarField) (nullable): the fields to offer
 *
 * Sets the fields conditions can use and clears the filter.
 */
void
hangar_filter_editor_set_fields (HangarFilterEditor *self,
                                 GPtrArray          *fields)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  g_return_if_fail (HANGAR_IS_FILTER_EDITOR (self));

  g_array_set_size (self->conditions, 0);
  g_ptr_array_set_size (self->fields, 0);
  for (guint i = 0; fields != NULL && i < fields->len; i++)
    {
      HangarField *field = g_ptr_array_index (fields, i);

      g_ptr_array_add (self->fields, g_object_ref (field));
      gtk_string_list_append (names, hangar_field_get_name (field));
    }
  g_set_object (&self->field_names, names);
  hangar_filter_editor_clear (self);
}

/**
 * hangar_filter_editor_add_condition:
 * @self: a #HangarFilterEditor
 * @field_name: one of the fields
 * @op: the operator
 * @value: (nullable): the value, for operators that take one
 *
 * Appends a condition row.
 */
void
hangar_filter_editor_add_condition (HangarFilterEditor *self,
                                    const char         *field_name,
                                    HangarFilterOp      op,
                                    const char         *value)
{
  Condition condition = { NULL, op, g_strdup (value) };

  g_return_if_fail (HANGAR_IS_FILTER_EDITOR (self));

  for (guint i = 0; i < self->fields->len; i++)
    if (g_strcmp0 (hangar_field_get_name (g_ptr_array_index (self->fields, i)), field_name) == 0)
      condition.field = g_object_ref (g_ptr_array_index (self->fields, i));

  if (condition.field == NULL)
    {
      g_warning ("No field “%s” to filter on", field_name);
      g_free (condition.value);
      return;
    }
  g_array_append_val (self->conditions, condition);
  rebuild_rows (self);
}

void
hangar_filter_editor_set_match_any (HangarFilterEditor *self,
                                    gboolean            match_any)
{
  g_return_if_fail (HANGAR_IS_FILTER_EDITOR (self));

  gtk_drop_down_set_selected (self->match_dropdown, match_any ? 1 : 0);
}

/**
 * hangar_filter_editor_set_raw_formula:
 * @self: a #HangarFilterEditor
 * @formula: (nullable): formula text
 *
 * Switches to the raw mode with @formula as its text.
 */
void
hangar_filter_editor_set_raw_formula (HangarFilterEditor *self,
                                      const char         *formula)
{
  g_return_if_fail (HANGAR_IS_FILTER_EDITOR (self));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->formula_view),
                            formula != NULL ? formula : "", -1);
  gtk_switch_set_active (self->raw_switch, TRUE);
}

/**
 * hangar_filter_editor_clear:
 * @self: a #HangarFilterEditor
 *
 * Removes every condition and the raw formula, back in the builder mode.
 */
void
hangar_filter_editor_clear (HangarFilterEditor *self)
{
  g_return_if_fail (HANGAR_IS_FILTER_EDITOR (self));

  g_array_set_size (self->conditions, 0);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->formula_view), "", -1);
  gtk_switch_set_active (self->raw_switch, FALSE);
  gtk_drop_down_set_selected (self->match_dropdown, 0);
  hangar_filter_editor_set_error (self, NULL);
  rebuild_rows (self);
}

/**
 * hangar_filter_editor_build_formula:
 * @self: a #HangarFilterEditor
 * @error: return location for an invalid value
 *
 * Returns: (transfer full) (nullable): the formula, or %NULL for no filter
 *   (or on error)
 */
char *
hangar_filter_editor_build_formula (HangarFilterEditor  *self,
                                    GError             **error)
{
  g_return_val_if_fail (HANGAR_IS_FILTER_EDITOR (self), NULL);

  if (gtk_switch_get_active (self->raw_switch))
    return raw_text (self);
  return compile_conditions (self, error);
}

/**
 * hangar_filter_editor_set_error:
 * @self: a #HangarFilterEditor
 * @message: (nullable): plain text, e.g. the server's message
 *
 * Shows or hides the inline error under the conditions.
 */
void
hangar_filter_editor_set_error (HangarFilterEditor *self,
                                const char         *message)
{
  g_return_if_fail (HANGAR_IS_FILTER_EDITOR (self));

  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

/**
 * hangar_filter_editor_apply:
 * @self: a #HangarFilterEditor
 *
 * Emits #HangarFilterEditor::apply.
 */
void
hangar_filter_editor_apply (HangarFilterEditor *self)
{
  g_return_if_fail (HANGAR_IS_FILTER_EDITOR (self));

  g_signal_emit (self, signals[APPLY], 0);
}

gboolean
hangar_filter_editor_get_raw_mode (HangarFilterEditor *self)
{
  g_return_val_if_fail (HANGAR_IS_FILTER_EDITOR (self), FALSE);
  return gtk_switch_get_active (self->raw_switch);
}

gboolean
hangar_filter_editor_get_match_any (HangarFilterEditor *self)
{
  g_return_val_if_fail (HANGAR_IS_FILTER_EDITOR (self), FALSE);
  return gtk_drop_down_get_selected (self->match_dropdown) == 1;
}

guint
hangar_filter_editor_get_n_conditions (HangarFilterEditor *self)
{
  g_return_val_if_fail (HANGAR_IS_FILTER_EDITOR (self), 0);
  return self->conditions->len;
}

const char *
hangar_filter_editor_get_condition (HangarFilterEditor  *self,
                                    guint                index,
                                    HangarFilterOp      *op,
                                    const char         **value)
{
  Condition *condition;

  g_return_val_if_fail (HANGAR_IS_FILTER_EDITOR (self), NULL);
  g_return_val_if_fail (index < self->conditions->len, NULL);

  condition = &g_array_index (self->conditions, Condition, index);
  if (op != NULL)
    *op = condition->op;
  if (value != NULL)
    *value = op_takes_value (condition->op) ? condition->value : NULL;
  return hangar_field_get_name (condition->field);
}
