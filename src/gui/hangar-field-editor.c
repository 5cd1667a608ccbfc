/* hangar-field-editor.c — the form for one field
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-field-editor.h"
#include "hangar-schema-widgets.h"

/**
 * HangarFieldEditor:
 *
 * Name, type, description and the type's options of one field, checked as
 * the user types with the rules Airtable's API applies
 * (hangar-field-spec.h), so the dialog around it can say what is wrong
 * before anything is sent. Creating offers every type the API can create
 * (only the primary-capable ones for a new table's first field) with the
 * options each takes; editing lets the name and description change, and a
 * formula's text, and shows the rest read-only with the reason. The
 * options rows depend on the type and are built in code.
 */

typedef struct
{
  GtkWidget   *row;
  GtkEditable *entry;
  GtkDropDown *color;
} ChoiceRow;

struct _HangarFieldEditor
{
  GtkWidget            parent_instance;

  /* template */
  GtkWidget           *box;
  AdwPreferencesGroup *field_group;
  AdwEntryRow         *name_row;
  AdwComboRow         *type_row;
  AdwActionRow        *type_fixed_row;
  GtkImage            *type_fixed_icon;
  AdwPreferencesGroup *description_group;
  GtkTextView         *description_view;
  GtkLabel            *description_hint;
  AdwPreferencesGroup *options_group;
  GtkLabel            *problem_label;

  gboolean             editing;
  gboolean             primary;
  gboolean             filling;       /* no checks while the form is filled in */
  HangarTable         *table;
  HangarField         *field;
  GPtrArray           *tables;
  GPtrArray           *siblings;
  GArray              *types;         /* HangarFieldType, as offered by type_row */
  HangarFieldType      shown_type;    /* whose options are shown */
  GPtrArray           *option_widgets;  /* added to options_group */
  GHashTable          *parts;         /* name → widget (not owned) */
  GPtrArray           *choices;       /* ChoiceRow */
  GtkWidget           *add_choice_row;
  GPtrArray           *zone_values;   /* time zone combo: value per position; NULL = other */
  char                *problem;
  guint                check_id;
};

G_DEFINE_FINAL_TYPE (HangarFieldEditor, hangar_field_editor, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PROBLEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void queue_check (HangarFieldEditor *self);

/* ---- helpers ---- */

static char *
description_text (HangarFieldEditor *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->description_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static HangarFieldType
selected_type (HangarFieldEditor *self)
{
  guint i = adw_combo_row_get_selected (self->type_row);

  if (self->editing)
    return self->field != NULL ? hangar_field_get_field_type (self->field) : HANGAR_FIELD_TYPE_UNKNOWN;
  if (i == GTK_INVALID_LIST_POSITION || i >= self->types->len)
    return HANGAR_FIELD_TYPE_UNKNOWN;
  return g_array_index (self->types, HangarFieldType, i);
}

static void
add_option (HangarFieldEditor *self,
            const char        *part,
            GtkWidget         *widget)
{
  adw_preferences_group_add (self->options_group, widget);
  g_ptr_array_add (self->option_widgets, widget);
  if (part != NULL)
    g_hash_table_insert (self->parts, (gpointer) part, widget);
}

static void
changed_cb (HangarFieldEditor *self)
{
  queue_check (self);
}

static GtkWidget *
info_row (const char *title,
          const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  return row;
}

/* A row with a spin button from @min to @max. */
static GtkWidget *
spin_row (HangarFieldEditor *self,
          const char        *part,
          const char        *title,
          int                min,
          int                max,
          int                value)
{
  GtkWidget *row = info_row (title, NULL);
  GtkWidget *spin = gtk_spin_button_new_with_range (min, max, 1);

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  g_signal_connect_swapped (spin, "value-changed", G_CALLBACK (changed_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  add_option (self, NULL, row);
  g_hash_table_insert (self->parts, (gpointer) part, spin);
  return spin;
}

/* A combo row of @values shown as @words (both NULL-terminated; @words
 * NULL: the values themselves). */
static AdwComboRow *
combo_row (HangarFieldEditor  *self,
           const char         *part,
           const char         *title,
           const char * const *values,
           const char *      (*words) (const char *),
           const char         *selected)
{
  AdwComboRow *row = ADW_COMBO_ROW (adw_combo_row_new ());
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  for (guint i = 0; values[i] != NULL; i++)
    {
      gtk_string_list_append (list, words != NULL ? words (values[i]) : values[i]);
      if (g_strcmp0 (values[i], selected) == 0)
        {
          adw_combo_row_set_model (row, G_LIST_MODEL (list));
          adw_combo_row_set_selected (row, i);
        }
    }
  if (adw_combo_row_get_model (row) == NULL)
    adw_combo_row_set_model (row, G_LIST_MODEL (list));
  g_object_set_data (G_OBJECT (row), "values", (gpointer) values);
  g_signal_connect_swapped (row, "notify::selected", G_CALLBACK (changed_cb), self);
  add_option (self, part, GTK_WIDGET (row));
  return row;
}

static const char *
combo_value (HangarFieldEditor *self,
             const char        *part)
{
  GtkWidget *row = g_hash_table_lookup (self->parts, part);
  const char * const *values;
  guint i;

  if (row == NULL)
    return NULL;
  values = g_object_get_data (G_OBJECT (row), "values");
  i = adw_combo_row_get_selected (ADW_COMBO_ROW (row));
  if (values == NULL || i == GTK_INVALID_LIST_POSITION || i >= g_strv_length ((char **) values))
    return NULL;
  return values[i];
}

static const char *
color_words (const char *color)
{
  /* A combo row's list keeps a copy; the words are made afresh each time. */
  static GHashTable *cache;
  char *words;

  if (cache == NULL)
    cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  words = g_hash_table_lookup (cache, color);
  if (words == NULL)
    {
      words = hangar_field_describe_color (color);
      g_hash_table_insert (cache, g_strdup (color), words);
    }
  return words;
}

/* ---- choices ---- */

static void
choice_row_free (ChoiceRow *choice)
{
  g_free (choice);
}

static void
renumber_choices (HangarFieldEditor *self)
{
  for (guint i = 0; i < self->choices->len; i++)
    {
      ChoiceRow *choice = g_ptr_array_index (self->choices, i);
      g_autofree char *title = g_strdup_printf (_("Choice %u"), i + 1);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (choice->row), title);
    }
}

static void
remove_choice_cb (GtkButton         *button,
                  HangarFieldEditor *self)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), ADW_TYPE_ENTRY_ROW);

  for (guint i = 0; i < self->choices->len; i++)
    {
      ChoiceRow *choice = g_ptr_array_index (self->choices, i);

      if (choice->row == row)
        {
          adw_preferences_group_remove (self->options_group, row);
          g_ptr_array_remove (self->option_widgets, row);
          g_ptr_array_remove_index (self->choices, i);
          break;
        }
    }
  renumber_choices (self);
  queue_check (self);
}

static ChoiceRow *
add_choice (HangarFieldEditor *self,
            const char        *name,
            const char        *color)
{
  const char * const *colors = hangar_field_choice_colors ();
  ChoiceRow *choice = g_new0 (ChoiceRow, 1);
  GtkWidget *remove;
  guint position = 0;

  choice->row = adw_entry_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (choice->row), FALSE);
  choice->entry = GTK_EDITABLE (choice->row);
  gtk_editable_set_text (choice->entry, name != NULL ? name : "");
  choice->color = hangar_color_drop_down_new (colors);
  if (color == NULL)
    color = colors[self->choices->len % g_strv_length ((char **) colors)];
  for (guint i = 0; colors[i] != NULL; i++)
    if (g_str_equal (colors[i], color))
      position = i;
  gtk_drop_down_set_selected (choice->color, position);
  gtk_widget_set_valign (GTK_WIDGET (choice->color), GTK_ALIGN_CENTER);
  adw_entry_row_add_prefix (ADW_ENTRY_ROW (choice->row), GTK_WIDGET (choice->color));

  remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, _("Remove Choice"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Remove Choice"), -1);
  g_signal_connect (remove, "clicked", G_CALLBACK (remove_choice_cb), self);
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (choice->row), remove);

  g_signal_connect_swapped (choice->entry, "changed", G_CALLBACK (changed_cb), self);
  g_signal_connect_swapped (choice->color, "notify::selected", G_CALLBACK (changed_cb), self);

  /* Before the "Add Choice" row, which is moved to the end (kept alive
   * meanwhile: the group held its only reference). */
  if (self->add_choice_row != NULL)
    {
      g_object_ref (self->add_choice_row);
      adw_preferences_group_remove (self->options_group, self->add_choice_row);
      g_ptr_array_remove (self->option_widgets, self->add_choice_row);
    }
  add_option (self, NULL, choice->row);
  g_ptr_array_add (self->choices, choice);
  if (self->add_choice_row != NULL)
    {
      add_option (self, NULL, self->add_choice_row);
      g_object_unref (self->add_choice_row);
    }
  renumber_choices (self);
  return choice;
}

static void
add_choice_cb (HangarFieldEditor *self)
{
  ChoiceRow *choice = add_choice (self, NULL, NULL);

  gtk_widget_grab_focus (choice->row);
  queue_check (self);
}

/* ---- options per type ---- */

static void
clear_options (HangarFieldEditor *self)
{
  for (guint i = 0; i < self->option_widgets->len; i++)
    adw_preferences_group_remove (self->options_group, g_ptr_array_index (self->option_widgets, i));
  g_ptr_array_set_size (self->option_widgets, 0);
  g_ptr_array_set_size (self->choices, 0);
  g_hash_table_remove_all (self->parts);
  g_clear_pointer (&self->zone_values, g_ptr_array_unref);
  self->add_choice_row = NULL;
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static int
member_int (JsonObject *object,
            const char *name,
            int         fallback)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return fallback;
  return (int) json_node_get_int (node);
}

static JsonObject *
member_object (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static void
zone_selected_cb (HangarFieldEditor *self)
{
  GtkWidget *zone = g_hash_table_lookup (self->parts, "time-zone");
  GtkWidget *other = g_hash_table_lookup (self->parts, "time-zone-other");
  guint i;

  if (zone == NULL || other == NULL || self->zone_values == NULL)
    return;
  i = adw_combo_row_get_selected (ADW_COMBO_ROW (zone));
  gtk_widget_set_visible (other, i < self->zone_values->len && g_ptr_array_index (self->zone_values, i) == NULL);
  queue_check (self);
}

static void
time_zone_rows (HangarFieldEditor *self,
                const char        *zone)
{
  AdwComboRow *row = ADW_COMBO_ROW (adw_combo_row_new ());
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  const char *local_id = g_time_zone_get_identifier (local);
  GtkWidget *other = adw_entry_row_new ();
  guint selected = 0;

  self->zone_values = g_ptr_array_new ();
  gtk_string_list_append (list, hangar_field_describe_time_zone ("utc"));
  g_ptr_array_add (self->zone_values, (gpointer) "utc");
  gtk_string_list_append (list, hangar_field_describe_time_zone ("client"));
  g_ptr_array_add (self->zone_values, (gpointer) "client");
  /* This computer's zone, when it has an IANA name. */
  if (local_id != NULL && strchr (local_id, '/') != NULL)
    {
      g_autofree char *words = g_strdup_printf (_("%s (this computer's)"), local_id);

      gtk_string_list_append (list, words);
      g_ptr_array_add (self->zone_values, (gpointer) g_intern_string (local_id));
    }
  gtk_string_list_append (list, _("Other…"));
  g_ptr_array_add (self->zone_values, NULL);

  for (guint i = 0; i < self->zone_values->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->zone_values, i), zone) == 0)
      selected = i;
  if (zone != NULL && selected == 0 && g_strcmp0 (zone, "utc") != 0)
    selected = self->zone_values->len - 1;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Time Zone"));
  adw_combo_row_set_model (row, G_LIST_MODEL (list));
  adw_combo_row_set_selected (row, selected);
  add_option (self, "time-zone", GTK_WIDGET (row));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (other), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (other), _("Time zone name, e.g. Europe/Berlin"));
  if (selected == self->zone_values->len - 1 && zone != NULL)
    gtk_editable_set_text (GTK_EDITABLE (other), zone);
  gtk_widget_set_visible (other, selected == self->zone_values->len - 1);
  g_signal_connect_swapped (other, "changed", G_CALLBACK (changed_cb), self);
  add_option (self, "time-zone-other", other);
  g_signal_connect_swapped (row, "notify::selected", G_CALLBACK (zone_selected_cb), self);
}

static HangarTable *
linked_table (HangarFieldEditor *self)
{
  GtkWidget *row = g_hash_table_lookup (self->parts, "linked-table");
  guint i;

  if (row == NULL || self->tables == NULL)
    return NULL;
  i = adw_combo_row_get_selected (ADW_COMBO_ROW (row));
  return i < self->tables->len ? g_ptr_array_index (self->tables, i) : NULL;
}

static void
fill_views (HangarFieldEditor *self,
            const char        *selected_view)
{
  GtkWidget *row = g_hash_table_lookup (self->parts, "view");
  HangarTable *table = linked_table (self);
  GPtrArray *views = table != NULL ? hangar_table_get_views (table) : NULL;
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);
  guint selected = 0;

  if (row == NULL)
    return;
  gtk_string_list_append (list, _("Any record of the table"));
  for (guint i = 0; views != NULL && i < views->len; i++)
    {
      gtk_string_list_append (list, hangar_view_get_name (g_ptr_array_index (views, i)));
      if (g_strcmp0 (hangar_view_get_id (g_ptr_array_index (views, i)), selected_view) == 0)
        selected = i + 1;
    }
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (list));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
}

static void
linked_table_cb (HangarFieldEditor *self)
{
  fill_views (self, NULL);
  queue_check (self);
}

static void
link_rows (HangarFieldEditor *self,
           JsonObject        *options)
{
  AdwComboRow *table_row = ADW_COMBO_ROW (adw_combo_row_new ());
  AdwComboRow *view_row = ADW_COMBO_ROW (adw_combo_row_new ());
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  const char *linked_id = member_string (options, "linkedTableId");
  guint selected = 0;

  for (guint i = 0; self->tables != NULL && i < self->tables->len; i++)
    {
      HangarTable *table = g_ptr_array_index (self->tables, i);

      gtk_string_list_append (names, hangar_table_get_name (table));
      if (g_strcmp0 (hangar_table_get_id (table), linked_id) == 0)
        selected = i;
    }
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (table_row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (table_row), _("Linked Table"));
  adw_combo_row_set_model (table_row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (table_row, selected);
  add_option (self, "linked-table", GTK_WIDGET (table_row));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (view_row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (view_row), _("Choose Records From"));
  add_option (self, "view", GTK_WIDGET (view_row));
  fill_views (self, member_string (options, "viewIdForRecordSelection"));

  add_option (self, NULL, info_row (_("Inverse Field"),
                                    _("Airtable also adds a link field back to this table in the linked "
                                      "table (its inverse), except for a link within one table. "
                                      "Airtable's API offers no way to skip it.")));
  g_signal_connect_swapped (table_row, "notify::selected", G_CALLBACK (linked_table_cb), self);
  g_signal_connect_swapped (view_row, "notify::selected", G_CALLBACK (changed_cb), self);
}

static void
formula_rows (HangarFieldEditor *self)
{
  g_auto(GStrv) words = hangar_field_describe_options (self->field, self->table, self->tables);
  JsonObject *options = hangar_field_get_options (self->field);
  const char *formula = member_string (options, "formula");
  g_autofree char *named = NULL;
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkWidget *view = gtk_text_view_new ();

  /* The text with the fields' names: Airtable accepts names and ids. */
  if (formula != NULL)
    {
      for (guint i = 0; words[i] != NULL; i++)
        if (g_str_has_prefix (words[i], "Formula: "))
          named = g_strdup (words[i] + strlen ("Formula: "));
    }
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), TRUE);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 10);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 10);
  gtk_widget_set_size_request (view, -1, 64);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Formula"), -1);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)),
                            named != NULL ? named : formula != NULL ? formula : "", -1);
  g_object_set_data_full (G_OBJECT (view), "original",
                          g_strdup (named != NULL ? named : formula != NULL ? formula : ""), g_free);
  g_signal_connect_swapped (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), "changed",
                            G_CALLBACK (changed_cb), self);
  gtk_frame_set_child (GTK_FRAME (frame), view);
  add_option (self, NULL, frame);
  g_hash_table_insert (self->parts, (gpointer) "formula", view);

  for (guint i = 0; words[i] != NULL; i++)
    if (!g_str_has_prefix (words[i], "Formula: "))
      add_option (self, NULL, info_row (words[i], NULL));
}

static void
fixed_rows (HangarFieldEditor *self)
{
  g_auto(GStrv) words = hangar_field_describe_options (self->field, self->table, self->tables);
  const char *reason = hangar_field_options_fixed_reason (self->field);

  for (guint i = 0; words[i] != NULL; i++)
    add_option (self, NULL, info_row (words[i], NULL));
  if (words[0] == NULL)
    add_option (self, NULL, info_row (_("No options"), NULL));
  if (reason != NULL)
    {
      GtkWidget *label = gtk_label_new (reason);

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_margin_top (label, 6);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "caption");
      add_option (self, "fixed-reason", label);
    }
}

/* Builds the options rows of @type, filled from @options (may be NULL:
 * Airtable's defaults). */
static void
rebuild_options (HangarFieldEditor *self,
                 HangarFieldType    type,
                 JsonObject        *options)
{
  gboolean filling = self->filling;

  self->filling = TRUE;
  clear_options (self);
  self->shown_type = type;

  if (self->editing)
    {
      if (type == HANGAR_FIELD_TYPE_FORMULA)
        formula_rows (self);
      else
        fixed_rows (self);
      gtk_widget_set_visible (GTK_WIDGET (self->options_group), TRUE);
      self->filling = filling;
      return;
    }

  switch ((int) type)
    {
    case HANGAR_FIELD_TYPE_NUMBER:
    case HANGAR_FIELD_TYPE_PERCENT:
    case HANGAR_FIELD_TYPE_CURRENCY:
      if (type == HANGAR_FIELD_TYPE_CURRENCY)
        {
          GtkWidget *symbol = adw_entry_row_new ();

          adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (symbol), FALSE);
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (symbol), _("Currency Symbol"));
          gtk_editable_set_text (GTK_EDITABLE (symbol), member_string (options, "symbol") != NULL
                                                        ? member_string (options, "symbol") : "$");
          g_signal_connect_swapped (symbol, "changed", G_CALLBACK (changed_cb), self);
          add_option (self, "symbol", symbol);
        }
      spin_row (self, "precision", _("Decimal Places"), 0, hangar_field_max_precision (type),
                member_int (options, "precision", type == HANGAR_FIELD_TYPE_CURRENCY ? 2 : 0));
      break;

    case HANGAR_FIELD_TYPE_DURATION:
      combo_row (self, "duration-format", _("Shown As"), hangar_field_duration_formats (), NULL,
                 member_string (options, "durationFormat") != NULL ? member_string (options, "durationFormat") : "h:mm");
      break;

    case HANGAR_FIELD_TYPE_RATING:
      spin_row (self, "max", _("Highest Rating"), 1, 10, member_int (options, "max", 5));
      combo_row (self, "icon", _("Icon"), hangar_field_rating_icons (), hangar_field_describe_icon,
                 member_string (options, "icon") != NULL ? member_string (options, "icon") : "star");
      combo_row (self, "color", _("Colour"), hangar_field_bright_colors (), color_words,
                 member_string (options, "color") != NULL ? member_string (options, "color") : "yellowBright");
      break;

    case HANGAR_FIELD_TYPE_CHECKBOX:
      combo_row (self, "icon", _("Icon"), hangar_field_checkbox_icons (), hangar_field_describe_icon,
                 member_string (options, "icon") != NULL ? member_string (options, "icon") : "check");
      combo_row (self, "color", _("Colour"), hangar_field_bright_colors (), color_words,
                 member_string (options, "color") != NULL ? member_string (options, "color") : "greenBright");
      break;

    case HANGAR_FIELD_TYPE_SINGLE_SELECT:
    case HANGAR_FIELD_TYPE_MULTIPLE_SELECTS:
      {
        JsonNode *node = options != NULL ? json_object_get_member (options, "choices") : NULL;
        GtkWidget *button = gtk_button_new_with_mnemonic (_("_Add Choice"));
        GtkWidget *row = adw_action_row_new ();

        gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
        g_signal_connect_swapped (button, "clicked", G_CALLBACK (add_choice_cb), self);
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Choices"));
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
        self->add_choice_row = row;
        add_option (self, NULL, row);
        g_hash_table_insert (self->parts, (gpointer) "add-choice", button);
        if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
          for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
            {
              JsonNode *item = json_array_get_element (json_node_get_array (node), i);
              JsonObject *choice = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;

              add_choice (self, member_string (choice, "name"), member_string (choice, "color"));
            }
      }
      break;

    case HANGAR_FIELD_TYPE_DATE:
    case HANGAR_FIELD_TYPE_DATE_TIME:
      combo_row (self, "date-format", _("Date Format"), hangar_field_date_format_names (),
                 hangar_field_describe_date_format,
                 member_string (member_object (options, "dateFormat"), "name") != NULL
                 ? member_string (member_object (options, "dateFormat"), "name") : "iso");
      if (type == HANGAR_FIELD_TYPE_DATE_TIME)
        {
          combo_row (self, "time-format", _("Time Format"), hangar_field_time_format_names (),
                     hangar_field_describe_time_format,
                     member_string (member_object (options, "timeFormat"), "name") != NULL
                     ? member_string (member_object (options, "timeFormat"), "name") : "24hour");
          time_zone_rows (self, member_string (options, "timeZone") != NULL ? member_string (options, "timeZone") : "utc");
        }
      break;

    case HANGAR_FIELD_TYPE_MULTIPLE_RECORD_LINKS:
      link_rows (self, options);
      break;

    default:
      break;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->options_group), self->option_widgets->len > 0);
  self->filling = filling;
}

/* ---- build and check ---- */

static JsonObject *
build_options (HangarFieldEditor *self,
               HangarFieldType    type)
{
  JsonObject *options = json_object_new ();
  GtkWidget *widget;

  switch ((int) type)
    {
    case HANGAR_FIELD_TYPE_NUMBER:
    case HANGAR_FIELD_TYPE_PERCENT:
    case HANGAR_FIELD_TYPE_CURRENCY:
      if ((widget = g_hash_table_lookup (self->parts, "precision")) != NULL)
        json_object_set_int_member (options, "precision",
                                    gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (widget)));
      if ((widget = g_hash_table_lookup (self->parts, "symbol")) != NULL)
        json_object_set_string_member (options, "symbol", gtk_editable_get_text (GTK_EDITABLE (widget)));
      break;

    case HANGAR_FIELD_TYPE_DURATION:
      if (combo_value (self, "duration-format") != NULL)
        json_object_set_string_member (options, "durationFormat", combo_value (self, "duration-format"));
      break;

    case HANGAR_FIELD_TYPE_RATING:
    case HANGAR_FIELD_TYPE_CHECKBOX:
      if (combo_value (self, "icon") != NULL)
        json_object_set_string_member (options, "icon", combo_value (self, "icon"));
      if (combo_value (self, "color") != NULL)
        json_object_set_string_member (options, "color", combo_value (self, "color"));
      if ((widget = g_hash_table_lookup (self->parts, "max")) != NULL)
        json_object_set_int_member (options, "max", gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (widget)));
      break;

    case HANGAR_FIELD_TYPE_SINGLE_SELECT:
    case HANGAR_FIELD_TYPE_MULTIPLE_SELECTS:
      {
        JsonArray *choices = json_array_new ();
        const char * const *colors = hangar_field_choice_colors ();

        for (guint i = 0; i < self->choices->len; i++)
          {
            ChoiceRow *choice = g_ptr_array_index (self->choices, i);
            JsonObject *item = json_object_new ();
            guint color = gtk_drop_down_get_selected (choice->color);

            json_object_set_string_member (item, "name", gtk_editable_get_text (choice->entry));
            if (color < g_strv_length ((char **) colors))
              json_object_set_string_member (item, "color", colors[color]);
            json_array_add_object_element (choices, item);
          }
        json_object_set_array_member (options, "choices", choices);
      }
      break;

    case HANGAR_FIELD_TYPE_DATE:
    case HANGAR_FIELD_TYPE_DATE_TIME:
      if (combo_value (self, "date-format") != NULL)
        {
          JsonObject *format = json_object_new ();

          json_object_set_string_member (format, "name", combo_value (self, "date-format"));
          json_object_set_string_member (format, "format", hangar_field_date_format_pattern (combo_value (self, "date-format")));
          json_object_set_object_member (options, "dateFormat", format);
        }
      if (combo_value (self, "time-format") != NULL)
        {
          JsonObject *format = json_object_new ();

          json_object_set_string_member (format, "name", combo_value (self, "time-format"));
          json_object_set_string_member (format, "format", hangar_field_time_format_pattern (combo_value (self, "time-format")));
          json_object_set_object_member (options, "timeFormat", format);
        }
      if ((widget = g_hash_table_lookup (self->parts, "time-zone")) != NULL && self->zone_values != NULL)
        {
          guint i = adw_combo_row_get_selected (ADW_COMBO_ROW (widget));
          const char *zone = i < self->zone_values->len ? g_ptr_array_index (self->zone_values, i) : NULL;
          g_autofree char *typed = NULL;

          if (zone == NULL)
            {
              typed = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (g_hash_table_lookup (self->parts,
                                                                                                     "time-zone-other")))));
              zone = typed;
            }
          json_object_set_string_member (options, "timeZone", zone);
        }
      break;

    case HANGAR_FIELD_TYPE_MULTIPLE_RECORD_LINKS:
      {
        HangarTable *table = linked_table (self);
        GtkWidget *view_row = g_hash_table_lookup (self->parts, "view");
        GPtrArray *views = table != NULL ? hangar_table_get_views (table) : NULL;
        guint view = view_row != NULL ? adw_combo_row_get_selected (ADW_COMBO_ROW (view_row)) : 0;

        if (table != NULL)
          json_object_set_string_member (options, "linkedTableId", hangar_table_get_id (table));
        if (views != NULL && view >= 1 && view != GTK_INVALID_LIST_POSITION && view - 1 < views->len)
          json_object_set_string_member (options, "viewIdForRecordSelection",
                                         hangar_view_get_id (g_ptr_array_index (views, view - 1)));
      }
      break;

    default:
      break;
    }
  return options;
}

static char *
formula_text (HangarFieldEditor *self,
              const char       **original)
{
  GtkWidget *view = g_hash_table_lookup (self->parts, "formula");
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  if (view == NULL)
    return NULL;
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  *original = g_object_get_data (G_OBJECT (view), "original");
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

JsonObject *
hangar_field_editor_build (HangarFieldEditor *self)
{
  JsonObject *object = json_object_new ();
  g_autofree char *description = NULL;
  const char *name;

  g_return_val_if_fail (HANGAR_IS_FIELD_EDITOR (self), object);

  name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  description = description_text (self);

  if (!self->editing)
    {
      HangarFieldType type = selected_type (self);
      JsonObject *options;

      json_object_set_string_member (object, "name", name);
      if (type != HANGAR_FIELD_TYPE_UNKNOWN)
        json_object_set_string_member (object, "type", hangar_field_type_to_string (type));
      if (*description != '\0')
        json_object_set_string_member (object, "description", description);
      options = build_options (self, type);
      if (json_object_get_size (options) > 0)
        json_object_set_object_member (object, "options", options);
      else
        json_object_unref (options);
      return object;
    }

  if (self->field == NULL)
    return object;
  if (g_strcmp0 (name, hangar_field_get_name (self->field)) != 0)
    json_object_set_string_member (object, "name", name);
  if (g_strcmp0 (description, hangar_field_get_description (self->field) != NULL
                              ? hangar_field_get_description (self->field) : "") != 0)
    json_object_set_string_member (object, "description", description);
  {
    const char *original = NULL;
    g_autofree char *formula = formula_text (self, &original);

    if (formula != NULL && g_strcmp0 (formula, original) != 0)
      {
        JsonObject *options = json_object_new ();

        json_object_set_string_member (options, "formula", formula);
        json_object_set_object_member (object, "options", options);
      }
  }
  return object;
}

/* @shown: say it (an edit with nothing changed yet is no mistake: Save is
 * only off). */
static void
set_problem (HangarFieldEditor *self,
             const char        *problem,
             gboolean           shown)
{
  gtk_label_set_text (self->problem_label, problem != NULL ? problem : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), problem != NULL && shown);
  if (g_strcmp0 (problem, self->problem) == 0)
    return;
  g_free (self->problem);
  self->problem = g_strdup (problem);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
}

static void
check_now (HangarFieldEditor *self)
{
  g_autoptr(JsonObject) object = hangar_field_editor_build (self);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (self->editing)
    {
      if (self->field == NULL)
        ok = FALSE;
      else if (json_object_get_size (object) == 0)
        {
          set_problem (self, _("Nothing is changed yet."), FALSE);
          return;
        }
      else
        ok = hangar_field_update_check (object, self->table, self->field, &error);
    }
  else
    ok = hangar_field_spec_check (object, self->table, self->siblings, self->tables, self->primary, &error);

  set_problem (self, ok ? NULL : error != NULL ? error->message : _("The form is not complete."), TRUE);
}

static gboolean
check_idle_cb (gpointer data)
{
  HangarFieldEditor *self = data;

  self->check_id = 0;
  check_now (self);
  return G_SOURCE_REMOVE;
}

static void
queue_check (HangarFieldEditor *self)
{
  if (self->filling)
    return;
  /* Checked at once (the Save button follows), and once more when the
   * rows settle after a type change. */
  check_now (self);
  if (self->check_id == 0)
    self->check_id = g_idle_add (check_idle_cb, self);
}

static void
type_selected_cb (HangarFieldEditor *self)
{
  HangarFieldType type = selected_type (self);

  if (self->editing || type == self->shown_type)
    return;
  rebuild_options (self, type, NULL);
  queue_check (self);
}

/* ---- type chooser ---- */

static void
type_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);

  gtk_box_append (GTK_BOX (box), gtk_image_new ());
  gtk_box_append (GTK_BOX (box), gtk_label_new (NULL));
  gtk_list_item_set_child (item, box);
}

static void
type_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  data)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkStringObject *string = gtk_list_item_get_item (item);
  HangarFieldType type = hangar_field_type_from_string (gtk_string_object_get_string (string));

  gtk_image_set_from_icon_name (GTK_IMAGE (gtk_widget_get_first_child (box)), hangar_field_type_get_icon_name (type));
  gtk_label_set_text (GTK_LABEL (gtk_widget_get_last_child (box)), hangar_field_type_get_display_name (type));
}

static void
fill_types (HangarFieldEditor *self,
            HangarFieldType    selected)
{
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  const HangarFieldType *types;
  guint n_types = 0;
  guint position = 0;

  types = hangar_field_creatable_types (&n_types);
  g_array_set_size (self->types, 0);
  for (guint i = 0; i < n_types; i++)
    {
      if (self->primary && !hangar_field_type_can_be_primary (types[i]))
        continue;
      if (types[i] == selected)
        position = self->types->len;
      g_array_append_val (self->types, types[i]);
      gtk_string_list_append (list, hangar_field_type_to_string (types[i]));
    }
  g_signal_connect (factory, "setup", G_CALLBACK (type_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (type_bind_cb), NULL);
  adw_combo_row_set_factory (self->type_row, factory);
  adw_combo_row_set_model (self->type_row, G_LIST_MODEL (list));
  adw_combo_row_set_selected (self->type_row, position);
}

/* ---- GObject ---- */

static void
hangar_field_editor_dispose (GObject *object)
{
  HangarFieldEditor *self = HANGAR_FIELD_EDITOR (object);

  g_clear_handle_id (&self->check_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_FIELD_EDITOR);
  g_clear_object (&self->table);
  g_clear_object (&self->field);
  g_clear_pointer (&self->tables, g_ptr_array_unref);
  g_clear_pointer (&self->siblings, g_ptr_array_unref);

  G_OBJECT_CLASS (hangar_field_editor_parent_class)->dispose (object);
}

static void
hangar_field_editor_finalize (GObject *object)
{
  HangarFieldEditor *self = HANGAR_FIELD_EDITOR (object);

  g_clear_pointer (&self->types, g_array_unref);
  g_clear_pointer (&self->option_widgets, g_ptr_array_unref);
  g_clear_pointer (&self->parts, g_hash_table_unref);
  g_clear_pointer (&self->choices, g_ptr_array_unref);
  g_clear_pointer (&self->zone_values, g_ptr_array_unref);
  g_free (self->problem);

  G_OBJECT_CLASS (hangar_field_editor_parent_class)->finalize (object);
}

static void
hangar_field_editor_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  HangarFieldEditor *self = HANGAR_FIELD_EDITOR (object);

  switch (prop_id)
    {
    case PROP_PROBLEM:
      g_value_set_string (value, self->problem);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_field_editor_class_init (HangarFieldEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_field_editor_dispose;
  object_class->finalize = hangar_field_editor_finalize;
  object_class->get_property = hangar_field_editor_get_property;

  /**
   * HangarFieldEditor:problem:
   *
   * Why the form cannot be sent, or %NULL.
   */
  properties[PROP_PROBLEM] =
    g_param_spec_string ("problem", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/tablehangar/Hangar/hangar-field-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarFieldEditor, box);
  gtk_widget_class_bind_template_child (widget_class, HangarFieldEditor, field_group);
  gtk_widget_class_bind_template_child (widget_class, HangarFieldEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, HangarFieldEditor, type_row);
  gtk_widget_class_bind_template_child (widget_class, HangarFieldEditor, type_fixed_row);
  gtk_widget_class_bind_template_child (widget_class, HangarFieldEditor, type_fixed_icon);
  gtk_widget_class_bind_template_child (widget_class, HangarFieldEditor, description_group);
  gtk_widget_class_bind_template_child (widget_class, HangarFieldEditor, description_view);
  gtk_widget_class_bind_template_child (widget_class, HangarFieldEditor, description_hint);
  gtk_widget_class_bind_template_child (widget_class, HangarFieldEditor, options_group);
  gtk_widget_class_bind_template_child (widget_class, HangarFieldEditor, problem_label);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fieldeditor");
}

static void
hangar_field_editor_init (HangarFieldEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->types = g_array_new (FALSE, FALSE, sizeof (HangarFieldType));
  self->option_widgets = g_ptr_array_new ();
  self->parts = g_hash_table_new (g_str_hash, g_str_equal);
  self->choices = g_ptr_array_new_with_free_func ((GDestroyNotify) choice_row_free);
  self->shown_type = HANGAR_FIELD_TYPE_UNKNOWN;

  g_signal_connect_swapped (self->name_row, "changed", G_CALLBACK (changed_cb), self);
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->description_view), "changed",
                            G_CALLBACK (changed_cb), self);
  g_signal_connect_swapped (self->type_row, "notify::selected", G_CALLBACK (type_selected_cb), self);
}

GtkWidget *
hangar_field_editor_new (void)
{
  return g_object_new (HANGAR_TYPE_FIELD_EDITOR, NULL);
}

static void
take_context (HangarFieldEditor *self,
              HangarTable       *table,
              GPtrArray         *tables,
              GPtrArray         *siblings)
{
  g_set_object (&self->table, table);
  g_clear_pointer (&self->tables, g_ptr_array_unref);
  g_clear_pointer (&self->siblings, g_ptr_array_unref);
  if (tables != NULL)
    self->tables = g_ptr_array_ref (tables);
  if (siblings != NULL)
    self->siblings = g_ptr_array_ref (siblings);
}

void
hangar_field_editor_set_create (HangarFieldEditor *self,
                                HangarTable       *table,
                                GPtrArray         *tables,
                                GPtrArray         *siblings,
                                gboolean           primary,
                                JsonObject        *spec)
{
  HangarFieldType type = HANGAR_FIELD_TYPE_SINGLE_LINE_TEXT;
  const char *description = spec != NULL ? member_string (spec, "description") : NULL;

  g_return_if_fail (HANGAR_IS_FIELD_EDITOR (self));

  self->filling = TRUE;
  self->editing = FALSE;
  self->primary = primary;
  g_clear_object (&self->field);
  take_context (self, table, tables, siblings);

  if (spec != NULL && member_string (spec, "type") != NULL)
    type = hangar_field_type_from_string (member_string (spec, "type"));
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), spec != NULL && member_string (spec, "name") != NULL
                                                          ? member_string (spec, "name") : "");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->description_view), description != NULL ? description : "", -1);
  gtk_widget_set_visible (GTK_WIDGET (self->type_row), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->type_fixed_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->description_hint), primary);
  gtk_label_set_text (self->description_hint,
                      primary ? _("The first field is the table's primary field: it names each record.") : "");
  fill_types (self, type);
  rebuild_options (self, selected_type (self), spec != NULL ? member_object (spec, "options") : NULL);
  self->filling = FALSE;
  check_now (self);
}

void
hangar_field_editor_set_edit (HangarFieldEditor *self,
                              HangarTable       *table,
                              HangarField       *field,
                              GPtrArray         *tables)
{
  g_autofree char *subtitle = NULL;

  g_return_if_fail (HANGAR_IS_FIELD_EDITOR (self));
  g_return_if_fail (HANGAR_IS_FIELD (field));

  self->filling = TRUE;
  self->editing = TRUE;
  self->primary = FALSE;
  g_set_object (&self->field, field);
  take_context (self, table, tables, NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), hangar_field_get_name (field));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->description_view),
                            hangar_field_get_description (field) != NULL ? hangar_field_get_description (field) : "", -1);
  gtk_widget_set_visible (GTK_WIDGET (self->type_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->type_fixed_row), TRUE);
  subtitle = g_strdup_printf ("%s\n%s", hangar_field_get_display_name (field), hangar_field_type_change_reason ());
  adw_action_row_set_subtitle (self->type_fixed_row, subtitle);
  gtk_image_set_from_icon_name (self->type_fixed_icon, hangar_field_get_icon_name (field));
  gtk_label_set_text (self->description_hint, _("Airtable's API can change a description but not remove it."));
  gtk_widget_set_visible (GTK_WIDGET (self->description_hint), TRUE);
  rebuild_options (self, hangar_field_get_field_type (field), hangar_field_get_options (field));
  self->filling = FALSE;
  check_now (self);
}

const char *
hangar_field_editor_get_problem (HangarFieldEditor *self)
{
  g_return_val_if_fail (HANGAR_IS_FIELD_EDITOR (self), NULL);
  return self->problem;
}

GtkWidget *
hangar_field_editor_get_part (HangarFieldEditor *self,
                              const char        *name)
{
  g_return_val_if_fail (HANGAR_IS_FIELD_EDITOR (self), NULL);

  if (g_strcmp0 (name, "description") == 0)
    return GTK_WIDGET (self->description_view);
  if (g_strcmp0 (name, "name") == 0)
    return GTK_WIDGET (self->name_row);
  if (g_strcmp0 (name, "type") == 0)
    return self->editing ? GTK_WIDGET (self->type_fixed_row) : GTK_WIDGET (self->type_row);
  return g_hash_table_lookup (self->parts, name);
}

guint
hangar_field_editor_get_n_choices (HangarFieldEditor *self)
{
  g_return_val_if_fail (HANGAR_IS_FIELD_EDITOR (self), 0);
  return self->choices->len;
}

GtkEditable *
hangar_field_editor_get_choice_entry (HangarFieldEditor *self,
                                      guint              index)
{
  g_return_val_if_fail (HANGAR_IS_FIELD_EDITOR (self), NULL);
  g_return_val_if_fail (index < self->choices->len, NULL);
  return ((ChoiceRow *) g_ptr_array_index (self->choices, index))->entry;
}

GtkDropDown *
hangar_field_editor_get_choice_color (HangarFieldEditor *self,
                                      guint              index)
{
  g_return_val_if_fail (HANGAR_IS_FIELD_EDITOR (self), NULL);
  g_return_val_if_fail (index < self->choices->len, NULL);
  return ((ChoiceRow *) g_ptr_array_index (self->choices, index))->color;
}
