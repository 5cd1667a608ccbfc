/* hangar-base-page-rows.c — a base page's groups and the rows that open
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-base-page-private.h"
#include "hangar-schema-widgets.h"
#include "hangar-table-counts.h"

/* ---- building the groups ---- */

static char *
table_summary (HangarBasePage *self,
               HangarTable    *table)
{
  GPtrArray *fields = hangar_table_get_fields (table);
  GPtrArray *views = hangar_table_get_views (table);
  guint n_fields = fields != NULL ? fields->len : 0;
  guint n_views = views != NULL ? views->len : 0;
  GString *text = g_string_new (NULL);
  guint64 n_records = 0;

  g_string_append_printf (text, g_dngettext (NULL, "%u field", "%u fields", n_fields), n_fields);
  g_string_append (text, " · ");
  g_string_append_printf (text, g_dngettext (NULL, "%u view", "%u views", n_views), n_views);
  if (hangar_table_counts_lookup (hangar_table_counts_get_default (),
                                  self->account != NULL ? hangar_account_get_id (self->account) : NULL,
                                  hangar_base_get_id (self->base), hangar_table_get_id (table), &n_records))
    {
      g_string_append (text, " · ");
      g_string_append_printf (text, g_dngettext (NULL, "%" G_GUINT64_FORMAT " record",
                                                 "%" G_GUINT64_FORMAT " records", (gulong) n_records),
                              n_records);
    }
  return g_string_free (text, FALSE);
}

void
_hangar_base_page_update_group_description (HangarBasePage      *self,
                          AdwPreferencesGroup *group,
                          HangarTable         *table)
{
  g_autofree char *summary = table_summary (self, table);
  g_autofree char *text = NULL;
  g_autofree char *escaped = NULL;

  if (hangar_table_get_description (table) != NULL)
    text = g_strdup_printf ("%s\n%s", hangar_table_get_description (table), summary);
  else
    text = g_strdup (summary);
  /* A group's description is markup in libadwaita 1.2; this is server text. */
  escaped = g_markup_escape_text (text, -1);
  adw_preferences_group_set_description (group, escaped);
}

static GtkWidget *
copy_button (const char *id)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  g_autofree char *tooltip = g_strdup_printf (_("Copy %s"), id);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "page.copy");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_string (id));
  return button;
}

/* ---- rows that open ----
 *
 * A field (and a table's views) is one AdwActionRow; activating it (a
 * click, Enter, Space) opens a plain row of details right below it, made
 * the first time. Lighter than an AdwExpanderRow, which counts when a base
 * has a thousand fields. */

#define ARROW_KEY    "hangar-arrow"     /* on a row: the image saying so */
#define FILL_KEY     "hangar-fill"      /* on a row: what makes its details */

typedef void (*FillFunc) (HangarBasePage *self,
                          GtkWidget      *row,
                          GtkBox         *box);

static GtkWidget *
detail_line (const char *title,
             const char *text,
             const char *copy_id)
{
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *label = gtk_label_new (title);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), text == NULL);
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_box_append (GTK_BOX (labels), label);
  if (text != NULL)
    {
      GtkWidget *value = gtk_label_new (text);

      gtk_widget_add_css_class (label, "caption-heading");
      gtk_widget_add_css_class (label, "dim-label");
      gtk_label_set_xalign (GTK_LABEL (value), 0);
      gtk_label_set_wrap (GTK_LABEL (value), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (value), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_selectable (GTK_LABEL (value), TRUE);
      if (copy_id != NULL)
        gtk_widget_add_css_class (value, "field-id");
      gtk_box_append (GTK_BOX (labels), value);
    }
  gtk_box_append (GTK_BOX (line), labels);
  if (copy_id != NULL)
    gtk_box_append (GTK_BOX (line), copy_button (copy_id));
  return line;
}

static GtkWidget *
choices_line (HangarField *field)
{
  JsonObject *options = hangar_field_get_options (field);
  JsonNode *node = options != NULL ? json_object_get_member (options, "choices") : NULL;
  GtkWidget *flow = gtk_flow_box_new ();

  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), 12);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (flow), 4);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (flow), 4);
  gtk_widget_set_focusable (flow, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (flow), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Choices"), -1);
  for (guint i = 0; node != NULL && JSON_NODE_HOLDS_ARRAY (node) && i < json_array_get_length (json_node_get_array (node)); i++)
    {
      JsonNode *item = json_array_get_element (json_node_get_array (node), i);
      JsonObject *choice = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;
      const char *name = choice != NULL ? json_object_get_string_member_with_default (choice, "name", "?") : "?";
      const char *color = choice != NULL ? json_object_get_string_member_with_default (choice, "color", NULL) : NULL;
      GtkWidget *chip = hangar_color_chip_new (color, name);

      gtk_flow_box_append (GTK_FLOW_BOX (flow), chip);
      gtk_widget_set_focusable (gtk_widget_get_parent (chip), FALSE);
    }
  return flow;
}

/* A field's details: type, options in words, choices, description, id. */
static void
fill_field (HangarBasePage *self,
            GtkWidget      *row,
            GtkBox         *box)
{
  HangarField *field = g_object_get_data (G_OBJECT (row), FIELD_KEY);
  HangarTable *table = g_object_get_data (G_OBJECT (row), TABLE_KEY);
  g_auto(GStrv) words = hangar_field_describe_options (field, table, self->tables);
  HangarFieldType type = hangar_field_get_field_type (field);
  g_autofree char *type_words = hangar_field_is_computed (field)
                                ? g_strdup_printf (_("%s, computed by Airtable: read only"),
                                                   hangar_field_get_display_name (field))
                                : g_strdup (hangar_field_get_display_name (field));

  gtk_box_append (box, detail_line (_("Type"), type_words, NULL));
  for (guint i = 0; words[i] != NULL; i++)
    gtk_box_append (box, detail_line (words[i], NULL, NULL));
  if (type == HANGAR_FIELD_TYPE_SINGLE_SELECT || type == HANGAR_FIELD_TYPE_MULTIPLE_SELECTS)
    gtk_box_append (box, choices_line (field));
  if (hangar_field_get_description (field) != NULL)
    gtk_box_append (box, detail_line (_("Description"), hangar_field_get_description (field), NULL));
  if (g_strcmp0 (hangar_table_get_primary_field_id (table), hangar_field_get_id (field)) == 0)
    gtk_box_append (box, detail_line (_("Primary field: it names each record, e.g. in links to this table."), NULL, NULL));
  gtk_box_append (box, detail_line (_("Field ID"), hangar_field_get_id (field), hangar_field_get_id (field)));
}

/* A table's views: name, type, id. */
static void
fill_views (HangarBasePage *self,
            GtkWidget      *row,
            GtkBox         *box)
{
  HangarTable *table = g_object_get_data (G_OBJECT (row), TABLE_KEY);
  GPtrArray *views = hangar_table_get_views (table);

  for (guint i = 0; views != NULL && i < views->len; i++)
    {
      HangarView *view = g_ptr_array_index (views, i);
      g_autofree char *type = g_strdup (hangar_view_get_view_type (view));
      g_autofree char *words = NULL;

      if (g_strcmp0 (type, "block") == 0)
        {
          g_free (type);
          type = g_strdup (_("Gantt"));
        }
      else if (type != NULL && type[0] != '\0')
        type[0] = g_ascii_toupper (type[0]);
      words = g_strdup_printf ("%s · %s", type != NULL ? type : "?", hangar_view_get_id (view));
      gtk_box_append (box, detail_line (hangar_view_get_name (view), words, hangar_view_get_id (view)));
    }
  if (views == NULL || views->len == 0)
    gtk_box_append (box, detail_line (_("No views"), NULL, NULL));
}

void
_hangar_base_page_set_row_open (HangarBasePage *self,
              GtkWidget      *row,
              gboolean        open)
{
  GtkWidget *details = g_object_get_data (G_OBJECT (row), DETAILS_KEY);
  GtkWidget *list = gtk_widget_get_parent (row);

  if (open && details == NULL && GTK_IS_LIST_BOX (list))
    {
      FillFunc fill = g_object_get_data (G_OBJECT (row), FILL_KEY);
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);

      details = gtk_list_box_row_new ();
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (details), FALSE);
      gtk_widget_set_focusable (details, FALSE);
      gtk_widget_add_css_class (details, "field-details");
      gtk_widget_set_margin_top (box, 8);
      gtk_widget_set_margin_bottom (box, 10);
      gtk_widget_set_margin_start (box, 48);
      gtk_widget_set_margin_end (box, 12);
      fill (self, row, GTK_BOX (box));
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (details), box);
      gtk_list_box_insert (GTK_LIST_BOX (list), details, gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row)) + 1);
      g_object_set_data (G_OBJECT (row), DETAILS_KEY, details);
    }
  g_object_set_data (G_OBJECT (row), OPEN_KEY, GINT_TO_POINTER (open));
  if (details != NULL)
    gtk_widget_set_visible (details, open && gtk_widget_get_visible (row));
  gtk_image_set_from_icon_name (g_object_get_data (G_OBJECT (row), ARROW_KEY),
                                open ? "pan-down-symbolic" : "pan-end-symbolic");
  gtk_accessible_update_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_EXPANDED, open, -1);
}

gboolean
_hangar_base_page_row_open (GtkWidget *row)
{
  return GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), OPEN_KEY));
}

static void
row_activated_cb (AdwActionRow   *row,
                  HangarBasePage *self)
{
  _hangar_base_page_set_row_open (self, GTK_WIDGET (row), !_hangar_base_page_row_open (GTK_WIDGET (row)));
}

/* Shown or hidden by the search: its details with it. */
void
_hangar_base_page_set_row_visible (GtkWidget *row,
                 gboolean   visible)
{
  GtkWidget *details = g_object_get_data (G_OBJECT (row), DETAILS_KEY);

  gtk_widget_set_visible (row, visible);
  if (details != NULL)
    gtk_widget_set_visible (details, visible && _hangar_base_page_row_open (row));
}

static GtkWidget *
opening_row (HangarBasePage *self,
             const char     *title,
             const char     *subtitle,
             const char     *icon_name,
             FillFunc        fill)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *arrow = gtk_image_new_from_icon_name ("pan-end-symbolic");

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  /* One line each (the details have it all): a row whose height does not
   * depend on its width is far cheaper to lay out, a thousand times over. */
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 1);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name (icon_name));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_accessible_update_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_EXPANDED, FALSE, -1);
  g_object_set_data (G_OBJECT (row), ARROW_KEY, arrow);
  g_object_set_data (G_OBJECT (row), FILL_KEY, fill);
  g_object_set_data (G_OBJECT (row), PAGE_KEY, self);
  g_signal_connect (row, "activated", G_CALLBACK (row_activated_cb), self);
  /* The arrow last: after the row's own buttons. */
  g_object_set_data_full (G_OBJECT (row), "hangar-arrow-ref", g_object_ref_sink (arrow), g_object_unref);
  return row;
}

static void
finish_opening_row (GtkWidget *row)
{
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), g_object_get_data (G_OBJECT (row), ARROW_KEY));
}

/* What the search looks through for a field (case-folded). */
static char *
field_search_text (HangarField  *field,
                   char        **words)
{
  g_autoptr(GString) search = g_string_new (NULL);

  g_string_append_printf (search, "%s\n%s\n%s\n%s\n%s\n",
                          hangar_field_get_name (field), hangar_field_get_display_name (field),
                          hangar_field_get_type_string (field) != NULL ? hangar_field_get_type_string (field) : "",
                          hangar_field_get_id (field),
                          hangar_field_get_description (field) != NULL ? hangar_field_get_description (field) : "");
  for (guint i = 0; words[i] != NULL; i++)
    g_string_append_printf (search, "%s\n", words[i]);
  return g_utf8_casefold (search->str, -1);
}

static GtkWidget *
field_row (HangarBasePage *self,
           HangarTable    *table,
           HangarField    *field)
{
  g_auto(GStrv) words = hangar_field_describe_options (field, table, self->tables);
  gboolean primary = g_strcmp0 (hangar_table_get_primary_field_id (table), hangar_field_get_id (field)) == 0;
  g_autoptr(GString) subtitle = g_string_new (hangar_field_get_display_name (field));
  HangarFieldType type = hangar_field_get_field_type (field);
  GtkWidget *row;
  GtkWidget *edit;

  if (type == HANGAR_FIELD_TYPE_UNKNOWN)
    g_string_append_printf (subtitle, " (%s)", hangar_field_get_type_string (field));
  if (words[0] != NULL && type != HANGAR_FIELD_TYPE_SINGLE_SELECT && type != HANGAR_FIELD_TYPE_MULTIPLE_SELECTS)
    g_string_append_printf (subtitle, " · %s", words[0]);

  row = opening_row (self, hangar_field_get_name (field), subtitle->str, hangar_field_get_icon_name (field), fill_field);
  g_object_set_data_full (G_OBJECT (row), FIELD_KEY, g_object_ref (field), g_object_unref);
  g_object_set_data_full (G_OBJECT (row), TABLE_KEY, g_object_ref (table), g_object_unref);

  if (primary)
    {
      GtkWidget *tag = gtk_label_new (_("Primary"));

      gtk_widget_set_valign (tag, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (tag, "primary-tag");
      gtk_widget_set_tooltip_text (tag, _("The primary field names each record"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), tag);
    }
  edit = gtk_button_new_from_icon_name ("document-edit-symbolic");
  gtk_widget_set_valign (edit, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (edit, "flat");
  gtk_widget_set_tooltip_text (edit, _("Edit Field"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (edit), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Edit Field"), -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (edit), "page.edit-field");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (edit), "(ss)", hangar_table_get_id (table), hangar_field_get_id (field));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), edit);
  finish_opening_row (row);

  g_object_set_data_full (G_OBJECT (row), SEARCH_KEY, field_search_text (field, words), g_free);
  return row;
}

static GtkWidget *
views_row (HangarBasePage *self,
           HangarTable    *table)
{
  GPtrArray *views = hangar_table_get_views (table);
  guint n = views != NULL ? views->len : 0;
  g_autofree char *subtitle = g_strdup_printf (g_dngettext (NULL, "%u view", "%u views", n), n);
  g_autoptr(GString) search = g_string_new ("view\n");
  GtkWidget *row = opening_row (self, _("Views"), subtitle, "view-grid-symbolic", fill_views);

  g_object_set_data_full (G_OBJECT (row), TABLE_KEY, g_object_ref (table), g_object_unref);
  finish_opening_row (row);
  for (guint i = 0; i < n; i++)
    {
      HangarView *view = g_ptr_array_index (views, i);

      g_string_append_printf (search, "%s\n%s\n%s\n", hangar_view_get_name (view),
                              hangar_view_get_view_type (view) != NULL ? hangar_view_get_view_type (view) : "",
                              hangar_view_get_id (view));
    }
  g_object_set_data_full (G_OBJECT (row), SEARCH_KEY, g_utf8_casefold (search->str, -1), g_free);
  return row;
}

/* The row of field @index of a group's table (@index == the number of
 * fields: its views row), made if it is not there yet and put in its
 * place: a folded table makes only the rows the search finds. */
static GtkWidget *
ensure_row (HangarBasePage *self,
            GtkWidget      *group,
            guint           index)
{
  HangarTable *table = g_object_get_data (G_OBJECT (group), TABLE_KEY);
  GPtrArray *rows = g_object_get_data (G_OBJECT (group), GROUP_ROWS_KEY);
  GPtrArray *fields = hangar_table_get_fields (table);
  guint n_fields = fields != NULL ? fields->len : 0;
  HangarField *field = index < n_fields ? g_ptr_array_index (fields, index) : NULL;
  g_autofree char *key = _hangar_base_page_row_key (hangar_table_get_id (table), field != NULL ? hangar_field_get_id (field) : "views");
  GtkWidget *row = g_hash_table_lookup (self->rows, key);
  guint position = 0;

  if (row != NULL)
    return row;
  row = field != NULL ? field_row (self, table, field) : views_row (self, table);
  g_object_set_data (G_OBJECT (row), "hangar-index", GUINT_TO_POINTER (index));
  while (position < rows->len &&
         GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (g_ptr_array_index (rows, position)), "hangar-index")) < index)
    position++;
  /* Rows are kept in field order, in the group's list too. */
  if (position == rows->len && g_object_get_data (G_OBJECT (group), UNFOLD_KEY) == NULL)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  else
    {
      GtkWidget *list;
      int list_position = 0;

      /* After the row before it (and that row's details, if open). */
      if (position > 0)
        {
          GtkWidget *before = g_ptr_array_index (rows, position - 1);
          GtkWidget *details = g_object_get_data (G_OBJECT (before), DETAILS_KEY);

          list_position = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (details != NULL ? details : before)) + 1;
        }
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      list = gtk_widget_get_parent (row);
      g_object_ref (row);
      gtk_list_box_remove (GTK_LIST_BOX (list), row);
      gtk_list_box_insert (GTK_LIST_BOX (list), row, list_position);
      g_object_unref (row);
    }
  g_ptr_array_insert (rows, (int) position, row);
  g_hash_table_insert (self->rows, g_steal_pointer (&key), row);
  return row;
}

/* Every row of a group's table; a folded one unfolds for good. */
void
_hangar_base_page_add_field_rows (HangarBasePage *self,
                GtkWidget      *group)
{
  HangarTable *table = g_object_get_data (G_OBJECT (group), TABLE_KEY);
  GPtrArray *fields = hangar_table_get_fields (table);
  GtkWidget *unfold = g_object_get_data (G_OBJECT (group), UNFOLD_KEY);
  guint n_fields = fields != NULL ? fields->len : 0;

  if (unfold != NULL)
    {
      g_object_set_data (G_OBJECT (group), UNFOLD_KEY, NULL);
      adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), unfold);
    }
  for (guint i = 0; i <= n_fields; i++)
    ensure_row (self, group, i);
}

static void
unfold_activated_cb (AdwActionRow   *unfold,
                     HangarBasePage *self)
{
  GtkWidget *group = g_object_get_data (G_OBJECT (unfold), "hangar-group");
  GPtrArray *rows = g_object_get_data (G_OBJECT (group), GROUP_ROWS_KEY);

  _hangar_base_page_add_field_rows (self, group);
  _hangar_base_page_apply_search (self);
  if (rows->len > 0)
    gtk_widget_grab_focus (g_ptr_array_index (rows, 0));
}

/* In a folded table, the rows of the fields the search finds. */
void
_hangar_base_page_unfold_matches (HangarBasePage *self,
                GtkWidget      *group,
                const char     *needle)
{
  HangarTable *table = g_object_get_data (G_OBJECT (group), TABLE_KEY);
  GPtrArray *fields = hangar_table_get_fields (table);

  for (guint i = 0; fields != NULL && i < fields->len; i++)
    {
      g_auto(GStrv) words = hangar_field_describe_options (g_ptr_array_index (fields, i), table, self->tables);
      g_autofree char *text = field_search_text (g_ptr_array_index (fields, i), words);

      if (strstr (text, needle) != NULL)
        ensure_row (self, group, i);
    }
}

GtkWidget *
_hangar_base_page_table_group (HangarBasePage *self,
             HangarTable    *table)
{
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  GPtrArray *fields = hangar_table_get_fields (table);
  g_autofree char *escaped = g_markup_escape_text (hangar_table_get_name (table), -1);
  GPtrArray *rows = g_ptr_array_new ();
  GtkWidget *suffix = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *open = gtk_button_new_with_mnemonic (_("_Open"));
  GtkWidget *more = gtk_menu_button_new ();
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenuItem) item = NULL;
  g_autofree char *open_tip = g_strdup_printf (_("Show the records of %s"), hangar_table_get_name (table));

  adw_preferences_group_set_title (group, escaped);
  _hangar_base_page_update_group_description (self, group, table);

  gtk_widget_set_valign (suffix, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (open, open_tip);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (open), "page.open-table");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (open), g_variant_new_string (hangar_table_get_id (table)));
  gtk_box_append (GTK_BOX (suffix), open);

  item = g_menu_item_new (_("_Add Field…"), NULL);
  g_menu_item_set_action_and_target (item, "page.add-field", "s", hangar_table_get_id (table));
  g_menu_append_item (menu, item);
  g_clear_object (&item);
  item = g_menu_item_new (_("_Rename or Describe Table…"), NULL);
  g_menu_item_set_action_and_target (item, "page.edit-table", "s", hangar_table_get_id (table));
  g_menu_append_item (menu, item);
  g_clear_object (&item);
  item = g_menu_item_new (_("Copy Table _ID"), NULL);
  g_menu_item_set_action_and_target (item, "page.copy", "s", hangar_table_get_id (table));
  g_menu_append_item (menu, item);
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (more), G_MENU_MODEL (menu));
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (more), "view-more-symbolic");
  gtk_widget_set_tooltip_text (more, _("Table Actions"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (more), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Table Actions"), -1);
  gtk_box_append (GTK_BOX (suffix), more);
  adw_preferences_group_set_header_suffix (group, suffix);

  g_object_set_data_full (G_OBJECT (group), GROUP_ROWS_KEY, rows, (GDestroyNotify) g_ptr_array_unref);
  g_object_set_data_full (G_OBJECT (group), TABLE_KEY, g_object_ref (table), g_object_unref);
  {
    g_autofree char *folded = g_utf8_casefold (hangar_table_get_name (table), -1);

    g_object_set_data_full (G_OBJECT (group), SEARCH_KEY, g_steal_pointer (&folded), g_free);
  }

  if (self->folded)
    {
      guint n = fields != NULL ? fields->len : 0;
      g_autofree char *title = g_strdup_printf (g_dngettext (NULL, "Show its %u field", "Show its %u fields", n), n);
      GtkWidget *unfold = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (unfold), title);
      adw_action_row_add_prefix (ADW_ACTION_ROW (unfold), gtk_image_new_from_icon_name ("view-list-symbolic"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (unfold), gtk_image_new_from_icon_name ("pan-end-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (unfold), TRUE);
      g_object_set_data (G_OBJECT (unfold), "hangar-group", group);
      g_signal_connect (unfold, "activated", G_CALLBACK (unfold_activated_cb), self);
      adw_preferences_group_add (group, unfold);
      g_object_set_data (G_OBJECT (group), UNFOLD_KEY, unfold);
    }
  else
    _hangar_base_page_add_field_rows (self, GTK_WIDGET (group));
  return GTK_WIDGET (group);
}

void
_hangar_base_page_clear_groups (HangarBasePage *self)
{
  GtkWidget *child;

  g_hash_table_remove_all (self->groups);
  g_hash_table_remove_all (self->rows);
  g_clear_handle_id (&self->highlight_id, g_source_remove);
  g_clear_handle_id (&self->build_id, g_source_remove);
  self->n_built = 0;
  self->highlighted = NULL;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->tables_box))) != NULL)
    gtk_box_remove (self->tables_box, child);
}

