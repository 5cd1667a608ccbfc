/* hangar-grid-cell.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-cell-value.h"
#include "hangar-grid-cell.h"
#include "hangar-record.h"

/* Cells are created per visible row and per column, so each one is a single
 * cheap widget (GtkInscription for text: it measures and draws without a
 * label's layout per row); only select chips and attachments use a small
 * box. bind() never connects anything that unbind() does not disconnect.
 * Editors are not cells: the grid creates one on activation
 * (hangar-cell-editor.c). A cell's decorations (the cursor, a range, the
 * state of an edit) are CSS classes on its GtkColumnView cell, set at bind
 * and whenever the grid asks (HangarGridCells). */

typedef enum
{
  CELL_TEXT,
  CELL_NUMBER,
  CELL_CHECK,
  CELL_CHIPS,
  CELL_ATTACHMENT,
  CELL_LINK,
} CellKind;

typedef struct
{
  HangarField     *field;
  char            *name;
  CellKind         kind;
  gboolean         computed;
  GHashTable      *colors;       /* choice name → colour name, for chips */
  HangarLinkCache *links;        /* nullable */
  char            *linked_table; /* for CELL_LINK */
  HangarGridCells *cells;        /* nullable */
} CellColumn;

struct _HangarGridCells
{
  gatomicrefcount             ref_count;
  HangarGridModel            *model;      /* weak */
  HangarGridCellDecorateFunc  decorate;
  gpointer                    user_data;
  GHashTable                 *by_record;  /* record id → GPtrArray of GtkListItem (not owned) */
  char                       *add_row_field;
};

static const struct { HangarGridCellFlags flag; const char *css; } cell_classes[] = {
  { HANGAR_GRID_CELL_CURSOR, "cell-cursor" },
  { HANGAR_GRID_CELL_RANGE, "cell-range" },
  { HANGAR_GRID_CELL_PENDING, "cell-pending" },
  { HANGAR_GRID_CELL_SENDING, "cell-sending" },
  { HANGAR_GRID_CELL_FAILED, "cell-failed" },
  { HANGAR_GRID_CELL_UNCERTAIN, "cell-uncertain" },
  { HANGAR_GRID_CELL_CONFLICT, "cell-conflict" },
  { HANGAR_GRID_CELL_NEW_ROW, "cell-new-row" },
};

#define MAX_CHIPS 4

static void
cell_column_free (gpointer data)
{
  CellColumn *column = data;

  g_clear_object (&column->field);
  g_clear_object (&column->links);
  g_clear_pointer (&column->cells, hangar_grid_cells_unref);
  g_clear_pointer (&column->colors, g_hash_table_unref);
  g_free (column->name);
  g_free (column->linked_table);
  g_free (column);
}

static const char *
options_string (JsonObject *options,
                const char *member)
{
  JsonNode *node;

  if (options == NULL || !json_object_has_member (options, member))
    return NULL;
  node = json_object_get_member (options, member);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonObject *
options_object (JsonObject *options,
                const char *member)
{
  JsonNode *node;

  if (options == NULL || !json_object_has_member (options, member))
    return NULL;
  node = json_object_get_member (options, member);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_get_object (node);
}

/* For computed fields the options describe their result type. */
static HangarFieldType
effective_type (HangarField  *field,
                JsonObject  **out_options)
{
  HangarFieldType type = hangar_field_get_field_type (field);
  JsonObject *options = hangar_field_get_options (field);

  if (type == HANGAR_FIELD_TYPE_FORMULA ||
      type == HANGAR_FIELD_TYPE_ROLLUP ||
      type == HANGAR_FIELD_TYPE_CREATED_TIME ||
      type == HANGAR_FIELD_TYPE_LAST_MODIFIED_TIME)
    {
      JsonObject *result = options_object (options, "result");
      const char *rtype = options_string (result, "type");

      if (rtype != NULL)
        {
          HangarFieldType resolved = hangar_field_type_from_string (rtype);

          if (resolved == HANGAR_FIELD_TYPE_DATE || resolved == HANGAR_FIELD_TYPE_DATE_TIME)
            {
              *out_options = options_object (result, "options");
              return resolved;
            }
          if (type == HANGAR_FIELD_TYPE_FORMULA || type == HANGAR_FIELD_TYPE_ROLLUP)
            {
              *out_options = options_object (result, "options");
              return resolved;
            }
        }
      if (type == HANGAR_FIELD_TYPE_CREATED_TIME || type == HANGAR_FIELD_TYPE_LAST_MODIFIED_TIME)
        {
          *out_options = NULL;
          return HANGAR_FIELD_TYPE_DATE_TIME;
        }
    }

  *out_options = options;
  return type;
}

static const char *
date_format_for (JsonObject *options)
{
  const char *name = options_string (options_object (options, "dateFormat"), "name");

  if (g_strcmp0 (name, "local") == 0)
    return "%x";
  if (g_strcmp0 (name, "friendly") == 0)
    return "%B %-d, %Y";
  if (g_strcmp0 (name, "us") == 0)
    return "%-m/%-d/%Y";
  if (g_strcmp0 (name, "european") == 0)
    return "%-d/%-m/%Y";
  return "%Y-%m-%d";
}

static const char *
time_format_for (JsonObject *options)
{
  const char *name = options_string (options_object (options, "timeFormat"), "name");

  if (g_strcmp0 (name, "12hour") == 0)
    return "%-I:%M %p";
  return "%H:%M";
}

/* "2022-09-05" in the field's date format; NULL when not a date. */
static char *
format_date (const char *text,
             JsonObject *options)
{
  int y, m, d;
  g_autoptr(GDateTime) dt = NULL;

  if (sscanf (text, "%4d-%2d-%2d", &y, &m, &d) != 3)
    return NULL;
  dt = g_date_time_new_utc (y, m, d, 0, 0, 0);
  if (dt == NULL)
    return NULL;
  return g_date_time_format (dt, date_format_for (options));
}

/* An ISO 8601 UTC timestamp in the field's time zone (the local one, UTC or
 * a named zone, as its editor shows it); NULL when not one. */
static char *
format_date_time (const char *text,
                  JsonObject *options)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_iso8601 (text, NULL);
  g_autoptr(GTimeZone) zone = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *format = NULL;

  if (utc == NULL)
    return format_date (text, options);
  zone = hangar_cell_value_zone_for_options (options);
  local = g_date_time_to_timezone (utc, zone);
  format = g_strdup_printf ("%s %s", date_format_for (options), time_format_for (options));
  return g_date_time_format (local, format);
}

static void
append_dates (GString         *out,
              HangarFieldType  type,
              JsonObject      *options,
              JsonNode        *value)
{
  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          gsize before = out->len;

          if (i > 0)
            g_string_append (out, ", ");
          append_dates (out, type, options, json_array_get_element (array, i));
          if (i > 0 && out->len == before + 2)
            g_string_truncate (out, before);
        }
    }
  else if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (value);
      g_autofree char *formatted = NULL;

      if (type == HANGAR_FIELD_TYPE_DATE)
        formatted = format_date (text, options);
      else
        formatted = format_date_time (text, options);
      g_string_append (out, formatted != NULL ? formatted : text);
    }
}

static const char *
link_id (JsonNode *element)
{
  if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
    return json_node_get_string (element);
  if (JSON_NODE_HOLDS_OBJECT (element))
    return options_string (json_node_get_object (element), "id");
  return NULL;
}

static char *
format_links (HangarField     *field,
              JsonNode        *value,
              HangarLinkCache *links)
{
  const char *table_id = options_string (hangar_field_get_options (field), "linkedTableId");
  GString *out = g_string_new (NULL);
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (value))
    return g_string_free (out, FALSE);

  array = json_node_get_array (value);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *id = link_id (json_array_get_element (array, i));
      const char *name = NULL;

      if (id == NULL)
        continue;
      if (links != NULL && table_id != NULL)
        name = hangar_link_cache_lookup (links, table_id, id);
      if (out->len > 0)
        g_string_append (out, ", ");
      g_string_append (out, name != NULL && *name != '\0' ? name : id);
    }
  return g_string_free (out, FALSE);
}

/**
 * hangar_grid_format_cell:
 * @field: the field
 * @value: (nullable): the cell value as the API returned it
 * @links: (nullable): the grid's linked-record cache
 *
 * Returns: (transfer full): the display text, "" for an empty cell
 */
char *
hangar_grid_format_cell (HangarField     *field,
                         JsonNode        *value,
                         HangarLinkCache *links)
{
  JsonObject *options = NULL;
  HangarFieldType type;

  g_return_val_if_fail (HANGAR_IS_FIELD (field), g_strdup (""));

  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return g_strdup ("");

  type = effective_type (field, &options);
  switch ((int) type)
    {
    case HANGAR_FIELD_TYPE_DATE:
    case HANGAR_FIELD_TYPE_DATE_TIME:
      {
        GString *out = g_string_new (NULL);

        append_dates (out, type, options, value);
        return g_string_free (out, FALSE);
      }

    case HANGAR_FIELD_TYPE_MULTIPLE_RECORD_LINKS:
      if (hangar_field_get_field_type (field) == HANGAR_FIELD_TYPE_MULTIPLE_RECORD_LINKS)
        return format_links (field, value, links);
      break;

    case HANGAR_FIELD_TYPE_CHECKBOX:
      if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_BOOLEAN)
        return g_strdup (json_node_get_boolean (value) ? _("Checked") : "");
      break;

    case HANGAR_FIELD_TYPE_AI_TEXT:
      if (JSON_NODE_HOLDS_OBJECT (value))
        {
          JsonObject *object = json_node_get_object (value);
          const char *text = options_string (object, "value");
          const char *state = options_string (object, "state");

          if (text != NULL)
            return g_strdup (text);
          if (g_strcmp0 (state, "loading") == 0)
            return g_strdup (_("Generating…"));
          if (g_strcmp0 (state, "error") == 0)
            return g_strdup (_("Error"));
          return g_strdup ("");
        }
      break;

    default:
      break;
    }

  return hangar_field_format_value (field, value);
}

/**
 * hangar_grid_field_icon_name:
 * @field: a field
 *
 * Returns: the symbolic icon for @field's type, checked against the icon theme
 */
const char *
hangar_grid_field_icon_name (HangarField *field)
{
  static GHashTable *checked; /* icon name → GINT(1) present / GINT(2) absent */
  const char *name = hangar_field_get_icon_name (field);
  GdkDisplay *display = gdk_display_get_default ();
  gpointer known;

  if (name == NULL || display == NULL)
    return "text-x-generic-symbolic";

  if (checked == NULL)
    checked = g_hash_table_new (g_str_hash, g_str_equal);
  known = g_hash_table_lookup (checked, name);
  if (known == NULL)
    {
      GtkIconTheme *theme = gtk_icon_theme_get_for_display (display);

      known = GINT_TO_POINTER (gtk_icon_theme_has_icon (theme, name) ? 1 : 2);
      g_hash_table_insert (checked, (gpointer) name, known);
    }
  if (GPOINTER_TO_INT (known) == 1)
    return name;

  switch ((int) hangar_field_get_field_type (field))
    {
    case HANGAR_FIELD_TYPE_MULTIPLE_RECORD_LINKS:
      return "insert-link-symbolic";
    case HANGAR_FIELD_TYPE_SINGLE_SELECT:
    case HANGAR_FIELD_TYPE_MULTIPLE_SELECTS:
      return "view-list-symbolic";
    case HANGAR_FIELD_TYPE_MULTILINE_TEXT:
    case HANGAR_FIELD_TYPE_RICH_TEXT:
      return "format-justify-left-symbolic";
    default:
      return "text-x-generic-symbolic";
    }
}

static CellKind
cell_kind_for (HangarField *field)
{
  JsonObject *options;

  switch ((int) effective_type (field, &options))
    {
    case HANGAR_FIELD_TYPE_NUMBER:
    case HANGAR_FIELD_TYPE_PERCENT:
    case HANGAR_FIELD_TYPE_CURRENCY:
    case HANGAR_FIELD_TYPE_DURATION:
    case HANGAR_FIELD_TYPE_COUNT:
    case HANGAR_FIELD_TYPE_AUTO_NUMBER:
      return CELL_NUMBER;
    case HANGAR_FIELD_TYPE_CHECKBOX:
      return hangar_field_get_field_type (field) == HANGAR_FIELD_TYPE_CHECKBOX ? CELL_CHECK : CELL_TEXT;
    case HANGAR_FIELD_TYPE_SINGLE_SELECT:
    case HANGAR_FIELD_TYPE_MULTIPLE_SELECTS:
      return hangar_field_get_field_type (field) == HANGAR_FIELD_TYPE_SINGLE_SELECT ||
             hangar_field_get_field_type (field) == HANGAR_FIELD_TYPE_MULTIPLE_SELECTS
             ? CELL_CHIPS : CELL_TEXT;
    case HANGAR_FIELD_TYPE_MULTIPLE_ATTACHMENTS:
      return CELL_ATTACHMENT;
    case HANGAR_FIELD_TYPE_MULTIPLE_RECORD_LINKS:
      return CELL_LINK;
    default:
      return CELL_TEXT;
    }
}

static GHashTable *
choice_colors (HangarField *field)
{
  GHashTable *colors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  JsonObject *options = hangar_field_get_options (field);
  JsonArray *choices;
  JsonNode *node;

  if (options == NULL || !json_object_has_member (options, "choices"))
    return colors;
  node = json_object_get_member (options, "choices");
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return colors;
  choices = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (choices); i++)
    {
      JsonNode *element = json_array_get_element (choices, i);
      const char *name;
      const char *color;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      name = options_string (json_node_get_object (element), "name");
      color = options_string (json_node_get_object (element), "color");
      if (name != NULL)
        g_hash_table_replace (colors, g_strdup (name), g_strdup (color != NULL ? color : "none"));
    }
  return colors;
}

static GtkWidget *
new_inscription (gboolean numeric)
{
  GtkWidget *inscription = gtk_inscription_new (NULL);

  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (inscription),
                                     GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (inscription), numeric ? 8 : 16);
  gtk_inscription_set_min_chars (GTK_INSCRIPTION (inscription), 3);
  gtk_widget_set_hexpand (inscription, TRUE);
  if (numeric)
    {
      gtk_inscription_set_xalign (GTK_INSCRIPTION (inscription), 1.0);
      gtk_widget_add_css_class (inscription, "numeric-cell");
    }
  return inscription;
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          CellColumn               *column)
{
  GtkWidget *widget = NULL;

  switch (column->kind)
    {
    case CELL_TEXT:
    case CELL_LINK:
      widget = new_inscription (FALSE);
      break;

    case CELL_NUMBER:
      widget = new_inscription (TRUE);
      break;

    case CELL_CHECK:
      {
        JsonObject *options = hangar_field_get_options (column->field);
        const char *icon = options_string (options, "icon");

        widget = gtk_image_new_from_icon_name (g_strcmp0 (icon, "star") == 0
                                               ? "starred-symbolic"
                                               : "object-select-symbolic");
        gtk_widget_set_halign (widget, GTK_ALIGN_CENTER);
        gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, _("Checked"),
                                        -1);
      }
      break;

    case CELL_CHIPS:
      widget = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 3);
      gtk_widget_set_overflow (widget, GTK_OVERFLOW_HIDDEN);
      gtk_widget_set_valign (widget, GTK_ALIGN_CENTER);
      break;

    case CELL_ATTACHMENT:
      {
        widget = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
        gtk_box_append (GTK_BOX (widget), gtk_image_new_from_icon_name ("mail-attachment-symbolic"));
        gtk_box_append (GTK_BOX (widget), new_inscription (FALSE));
      }
      break;

    default:
      g_assert_not_reached ();
    }

  if (column->computed)
    gtk_widget_add_css_class (widget, "computed-cell");
  /* For hangar_grid_cells_locate(): a click lands on this widget. */
  g_object_set_data (G_OBJECT (widget), "hangar-grid-list-item", list_item);
  g_object_set_data (G_OBJECT (widget), "hangar-grid-cell-column", column);
  gtk_list_item_set_child (list_item, widget);
}

static void
bind_chips (GtkBox     *box,
            CellColumn *column,
            JsonNode   *value)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  guint shown;

  if (value == NULL)
    return;
  if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
    g_ptr_array_add (names, (gpointer) json_node_get_string (value));
  else if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
            g_ptr_array_add (names, (gpointer) json_node_get_string (element));
        }
    }

  shown = MIN (names->len, MAX_CHIPS);
  for (guint i = 0; i < shown; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      const char *color = g_hash_table_lookup (column->colors, name);
      g_autofree char *css = g_strdup_printf ("select-%s", color != NULL ? color : "none");
      GtkWidget *chip = gtk_label_new (name);   /* plain text, never markup */

      gtk_label_set_ellipsize (GTK_LABEL (chip), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (chip), 18);
      gtk_widget_add_css_class (chip, "select-chip");
      gtk_widget_add_css_class (chip, css);
      gtk_box_append (box, chip);
    }
  if (names->len > shown)
    {
      g_autofree char *more = g_strdup_printf ("+%u", names->len - shown);
      GtkWidget *label = gtk_label_new (more);

      gtk_widget_add_css_class (label, "cell-muted");
      gtk_box_append (box, label);
    }
}

static void
bind_attachments (GtkBox   *box,
                  JsonNode *value)
{
  GtkWidget *icon = gtk_widget_get_first_child (GTK_WIDGET (box));
  GtkInscription *text = GTK_INSCRIPTION (gtk_widget_get_next_sibling (icon));
  const char *first = NULL;
  guint n = 0;

  if (value != NULL && JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);

      n = json_array_get_length (array);
      for (guint i = 0; i < n && first == NULL; i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_OBJECT (element))
            first = options_string (json_node_get_object (element), "filename");
        }
    }

  gtk_widget_set_visible (icon, n > 0);
  if (n == 0)
    gtk_inscription_set_text (text, NULL);
  else if (n == 1)
    gtk_inscription_set_text (text, first != NULL ? first : _("1 file"));
  else
    {
      g_autofree char *label = g_strdup_printf (_("%s (+%u)"), first != NULL ? first : _("file"), n - 1);

      gtk_inscription_set_text (text, label);
    }
}

static HangarRecord *displayed_record (GtkListItem *list_item,
                                       CellColumn  *column);

static void
update_link_text (GtkListItem *list_item,
                  CellColumn  *column)
{
  HangarRecord *record = displayed_record (list_item, column);
  GtkWidget *child = gtk_list_item_get_child (list_item);
  g_autofree char *text = NULL;

  if (record == NULL || child == NULL)
    return;
  text = hangar_grid_format_cell (column->field,
                                  hangar_record_get_field (record, column->name),
                                  column->links);
  gtk_inscription_set_text (GTK_INSCRIPTION (child), text);
}

static void
links_changed_cb (HangarLinkCache *links,
                  GtkListItem     *list_item)
{
  CellColumn *column = g_object_get_data (G_OBJECT (list_item), "hangar-cell-column");

  if (column != NULL)
    update_link_text (list_item, column);
}

/* ---- the registry of bound cells ---- */

/* The record the row shows now (the list item may still hold an older
 * version: rows are refreshed in place, see HangarGridModel). */
static HangarRecord *
displayed_record (GtkListItem *list_item,
                  CellColumn  *column)
{
  HangarRecord *item = gtk_list_item_get_item (list_item);
  HangarRecord *shown;

  if (item == NULL || column->cells == NULL || column->cells->model == NULL)
    return item;
  shown = hangar_grid_model_peek (column->cells->model, gtk_list_item_get_position (list_item));
  return shown != NULL ? shown : item;
}

static void
register_cell (CellColumn   *column,
               GtkListItem  *list_item,
               HangarRecord *record)
{
  GPtrArray *items;
  const char *id = hangar_record_get_id (record);

  if (column->cells == NULL || id == NULL)
    return;
  g_object_set_data_full (G_OBJECT (list_item), "hangar-grid-bound-id", g_strdup (id), g_free);
  items = g_hash_table_lookup (column->cells->by_record, id);
  if (items == NULL)
    {
      items = g_ptr_array_new ();
      g_hash_table_insert (column->cells->by_record, g_strdup (id), items);
    }
  g_ptr_array_add (items, list_item);
}

static void
unregister_cell (CellColumn  *column,
                 GtkListItem *list_item)
{
  const char *id = g_object_get_data (G_OBJECT (list_item), "hangar-grid-bound-id");
  GPtrArray *items;

  if (column->cells == NULL || id == NULL)
    return;
  items = g_hash_table_lookup (column->cells->by_record, id);
  if (items != NULL)
    {
      g_ptr_array_remove_fast (items, list_item);
      if (items->len == 0)
        g_hash_table_remove (column->cells->by_record, id);
    }
  g_object_set_data (G_OBJECT (list_item), "hangar-grid-bound-id", NULL);
}

static GQuark
decorated_quark (void)
{
  static GQuark quark;

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("hangar-grid-cell-decorated");
  return quark;
}

static void
decorate_cell (CellColumn   *column,
               GtkListItem  *list_item,
               HangarRecord *record)
{
  GtkWidget *child = gtk_list_item_get_child (list_item);
  GtkWidget *cell = child != NULL ? gtk_widget_get_parent (child) : NULL;
  guint flags;

  if (cell == NULL || column->cells == NULL || column->cells->decorate == NULL)
    return;
  flags = column->cells->decorate (column->cells->user_data, gtk_list_item_get_position (list_item),
                                   record, column->field);
  /* The grid redecorates every cell on each cursor move: only those whose
   * classes change are touched (the flags they show, plus one). */
  if (GPOINTER_TO_UINT (g_object_get_qdata (G_OBJECT (cell), decorated_quark ())) == flags + 1)
    return;
  g_object_set_qdata (G_OBJECT (cell), decorated_quark (), GUINT_TO_POINTER (flags + 1));
  for (guint i = 0; i < G_N_ELEMENTS (cell_classes); i++)
    {
      if (flags & cell_classes[i].flag)
        gtk_widget_add_css_class (cell, cell_classes[i].css);
      else
        gtk_widget_remove_css_class (cell, cell_classes[i].css);
    }
}

/* The "+" row: the primary column says what it does, the others are empty. */
static void
bind_add_row (GtkWidget  *child,
              CellColumn *column)
{
  gboolean first = column->cells != NULL && g_strcmp0 (column->cells->add_row_field, column->name) == 0;

  if (GTK_IS_INSCRIPTION (child))
    gtk_inscription_set_text (GTK_INSCRIPTION (child), first ? _("+ New record") : NULL);
  else
    gtk_widget_set_visible (child, FALSE);
}

/* Whether the cell already shows @record's value: GTK 4.8 unbinds and binds
 * every cell of a row whose selection changed, and a refreshed record
 * rebinds its row, while mostly one value (or none) changed. Making the
 * cell again would cost a format and, for chips, new widgets to style and
 * measure: the frame after an edit or a click would pay for all of them. */
static gboolean
shows_value_of (GtkListItem  *list_item,
                CellColumn   *column,
                HangarRecord *record)
{
  HangarRecord *shown = g_object_get_data (G_OBJECT (list_item), "hangar-grid-shown-record");
  JsonNode *before, *now;

  if (shown == NULL || column->kind == CELL_LINK)
    return FALSE;   /* link text also follows the link cache */
  if (shown == record)
    return TRUE;
  if (hangar_grid_model_is_add_row (shown) || hangar_grid_model_is_add_row (record))
    return FALSE;
  before = hangar_record_get_field (shown, column->name);
  now = hangar_record_get_field (record, column->name);
  if (before == NULL || now == NULL)
    return before == now;
  return json_node_equal (before, now);
}

/* Back to the state setup_cb() left, before another value is shown. */
static void
clear_content (GtkWidget  *child,
               CellColumn *column)
{
  gtk_widget_set_visible (child, TRUE);
  if (column->kind == CELL_CHIPS)
    {
      GtkWidget *chip;

      while ((chip = gtk_widget_get_first_child (child)) != NULL)
        gtk_box_remove (GTK_BOX (child), chip);
    }
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *list_item,
         CellColumn               *column)
{
  HangarRecord *record = displayed_record (list_item, column);
  GtkWidget *child = gtk_list_item_get_child (list_item);
  JsonNode *value;

  if (record == NULL || child == NULL)
    return;

  register_cell (column, list_item, record);
  if (shows_value_of (list_item, column, record))
    {
      /* (the newer version of the record, for the next comparison) */
      g_object_set_data_full (G_OBJECT (list_item), "hangar-grid-shown-record", g_object_ref (record), g_object_unref);
      decorate_cell (column, list_item, record);
      return;
    }
  clear_content (child, column);
  g_object_set_data_full (G_OBJECT (list_item), "hangar-grid-shown-record", g_object_ref (record), g_object_unref);
  if (hangar_grid_model_is_add_row (record))
    {
      bind_add_row (child, column);
      decorate_cell (column, list_item, record);
      return;
    }
  value = hangar_record_get_field (record, column->name);

  switch (column->kind)
    {
    case CELL_TEXT:
    case CELL_NUMBER:
      {
        g_autofree char *text = hangar_grid_format_cell (column->field, value, column->links);

        gtk_inscription_set_text (GTK_INSCRIPTION (child), text);
      }
      break;

    case CELL_LINK:
      update_link_text (list_item, column);
      if (column->links != NULL)
        {
          gulong id;

          /* Re-render when the linked primary values arrive; unbind disconnects. */
          g_object_set_data (G_OBJECT (list_item), "hangar-cell-column", column);
          id = g_signal_connect (column->links, "changed", G_CALLBACK (links_changed_cb), list_item);
          g_object_set_data (G_OBJECT (list_item), "hangar-links-handler", GSIZE_TO_POINTER (id));
        }
      break;

    case CELL_CHECK:
      gtk_widget_set_visible (child,
                              value != NULL &&
                              JSON_NODE_HOLDS_VALUE (value) &&
                              json_node_get_value_type (value) == G_TYPE_BOOLEAN &&
                              json_node_get_boolean (value));
      break;

    case CELL_CHIPS:
      bind_chips (GTK_BOX (child), column, value);
      break;

    case CELL_ATTACHMENT:
      bind_attachments (GTK_BOX (child), value);
      break;

    default:
      g_assert_not_reached ();
    }
  decorate_cell (column, list_item, record);
}

/* The content stays until the next bind, which keeps it when the value is
 * the same (shows_value_of()); the decorations are set again there too. */
static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           CellColumn               *column)
{
  unregister_cell (column, list_item);
  if (column->kind == CELL_LINK)
    {
      gulong id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (list_item), "hangar-links-handler"));

      if (id != 0 && column->links != NULL)
        g_signal_handler_disconnect (column->links, id);
      g_object_set_data (G_OBJECT (list_item), "hangar-links-handler", NULL);
      g_object_set_data (G_OBJECT (list_item), "hangar-cell-column", NULL);
    }
}

/**
 * hangar_grid_cell_factory_new:
 * @field: the field the cells show
 * @links: (nullable): where linked records' primary values come from
 * @cells: (nullable): the grid's registry of bound cells
 *
 * Returns: (transfer full): a factory for a #GtkColumnViewColumn
 */
GtkListItemFactory *
hangar_grid_cell_factory_new (HangarField     *field,
                              HangarLinkCache *links,
                              HangarGridCells *cells)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  CellColumn *column = g_new0 (CellColumn, 1);

  column->field = g_object_ref (field);
  column->name = g_strdup (hangar_field_get_name (field));
  column->kind = cell_kind_for (field);
  column->computed = hangar_field_is_computed (field);
  column->colors = choice_colors (field);
  column->links = links != NULL ? g_object_ref (links) : NULL;
  column->cells = cells != NULL ? hangar_grid_cells_ref (cells) : NULL;
  g_object_set_data_full (G_OBJECT (factory), "hangar-cell-column", column, cell_column_free);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), column);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), column);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), column);

  return factory;
}

/* ---- HangarGridCells ---- */

HangarGridCells *
hangar_grid_cells_new (HangarGridModel            *model,
                       HangarGridCellDecorateFunc  decorate,
                       gpointer                    user_data)
{
  HangarGridCells *cells = g_new0 (HangarGridCells, 1);

  g_atomic_ref_count_init (&cells->ref_count);
  cells->model = model;
  g_object_add_weak_pointer (G_OBJECT (model), (gpointer *) &cells->model);
  cells->decorate = decorate;
  cells->user_data = user_data;
  cells->by_record = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  return cells;
}

HangarGridCells *
hangar_grid_cells_ref (HangarGridCells *cells)
{
  g_atomic_ref_count_inc (&cells->ref_count);
  return cells;
}

void
hangar_grid_cells_unref (HangarGridCells *cells)
{
  if (cells == NULL || !g_atomic_ref_count_dec (&cells->ref_count))
    return;
  if (cells->model != NULL)
    g_object_remove_weak_pointer (G_OBJECT (cells->model), (gpointer *) &cells->model);
  g_hash_table_unref (cells->by_record);
  g_free (cells->add_row_field);
  g_free (cells);
}

void
hangar_grid_cells_disconnect (HangarGridCells *cells)
{
  cells->decorate = NULL;
  cells->user_data = NULL;
}

/* Names the column whose "+" row cell says "+ New record". */
void
hangar_grid_cells_set_add_row_field (HangarGridCells *cells,
                                     const char      *field_name)
{
  g_free (cells->add_row_field);
  cells->add_row_field = g_strdup (field_name);
}

static void
rebind (GtkListItem *list_item)
{
  CellColumn *column = g_object_get_data (G_OBJECT (gtk_list_item_get_child (list_item)), "hangar-grid-cell-column");

  if (column == NULL)
    return;
  unbind_cb (NULL, list_item, column);
  bind_cb (NULL, list_item, column);
}

void
hangar_grid_cells_refresh (HangarGridCells *cells,
                           const char      *record_id)
{
  GPtrArray *items = record_id != NULL ? g_hash_table_lookup (cells->by_record, record_id) : NULL;
  g_autoptr(GPtrArray) copy = NULL;

  if (items == NULL)
    return;
  /* Rebinding moves items between lists. */
  copy = g_ptr_array_copy (items, NULL, NULL);
  for (guint i = 0; i < copy->len; i++)
    rebind (g_ptr_array_index (copy, i));
}

static void
redecorate_items (GPtrArray *items)
{
  for (guint i = 0; i < items->len; i++)
    {
      GtkListItem *list_item = g_ptr_array_index (items, i);
      GtkWidget *child = gtk_list_item_get_child (list_item);
      CellColumn *column = child != NULL ? g_object_get_data (G_OBJECT (child), "hangar-grid-cell-column") : NULL;

      if (column != NULL)
        decorate_cell (column, list_item, displayed_record (list_item, column));
    }
}

void
hangar_grid_cells_redecorate (HangarGridCells *cells)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, cells->by_record);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    redecorate_items (value);
}

void
hangar_grid_cells_redecorate_record (HangarGridCells *cells,
                                     const char      *record_id)
{
  GPtrArray *items = record_id != NULL ? g_hash_table_lookup (cells->by_record, record_id) : NULL;

  if (items != NULL)
    redecorate_items (items);
}

GtkWidget *
hangar_grid_cells_lookup (HangarGridCells *cells,
                          guint            position,
                          HangarField     *field)
{
  HangarRecord *record = cells->model != NULL ? hangar_grid_model_peek (cells->model, position) : NULL;
  GPtrArray *items = record != NULL ? g_hash_table_lookup (cells->by_record, hangar_record_get_id (record)) : NULL;

  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      GtkListItem *list_item = g_ptr_array_index (items, i);
      GtkWidget *child = gtk_list_item_get_child (list_item);
      CellColumn *column = child != NULL ? g_object_get_data (G_OBJECT (child), "hangar-grid-cell-column") : NULL;

      if (column != NULL && column->field == field && gtk_list_item_get_position (list_item) == position)
        return child;
    }
  return NULL;
}

gboolean
hangar_grid_cells_locate (GtkWidget    *widget,
                          guint        *out_position,
                          HangarField **out_field)
{
  for (; widget != NULL; widget = gtk_widget_get_parent (widget))
    {
      GtkListItem *list_item = g_object_get_data (G_OBJECT (widget), "hangar-grid-list-item");
      CellColumn *column = g_object_get_data (G_OBJECT (widget), "hangar-grid-cell-column");

      if (list_item != NULL && column != NULL)
        {
          if (gtk_list_item_get_position (list_item) == GTK_INVALID_LIST_POSITION)
            return FALSE;
          *out_position = gtk_list_item_get_position (list_item);
          *out_field = column->field;
          return TRUE;
        }
    }
  return FALSE;
}
