/* hangar-field-spec.c — what Airtable lets a client create and change in a
 * base's schema, checked before anything is sent; field options in words
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hangar-error.h"
#include "hangar-field-spec.h"
#include "hangar-formula-refs.h"

static const HangarFieldType creatable_types[] = {
  HANGAR_FIELD_TYPE_SINGLE_LINE_TEXT,
  HANGAR_FIELD_TYPE_MULTILINE_TEXT,
  HANGAR_FIELD_TYPE_RICH_TEXT,
  HANGAR_FIELD_TYPE_NUMBER,
  HANGAR_FIELD_TYPE_CURRENCY,
  HANGAR_FIELD_TYPE_PERCENT,
  HANGAR_FIELD_TYPE_DURATION,
  HANGAR_FIELD_TYPE_RATING,
  HANGAR_FIELD_TYPE_CHECKBOX,
  HANGAR_FIELD_TYPE_SINGLE_SELECT,
  HANGAR_FIELD_TYPE_MULTIPLE_SELECTS,
  HANGAR_FIELD_TYPE_DATE,
  HANGAR_FIELD_TYPE_DATE_TIME,
  HANGAR_FIELD_TYPE_MULTIPLE_RECORD_LINKS,
  HANGAR_FIELD_TYPE_SINGLE_COLLABORATOR,
  HANGAR_FIELD_TYPE_MULTIPLE_COLLABORATORS,
  HANGAR_FIELD_TYPE_MULTIPLE_ATTACHMENTS,
  HANGAR_FIELD_TYPE_EMAIL,
  HANGAR_FIELD_TYPE_URL,
  HANGAR_FIELD_TYPE_PHONE_NUMBER,
  HANGAR_FIELD_TYPE_BARCODE,
};

/* Text, number, date and contact types; never links, attachments,
 * checkboxes, selects, ratings or users (src/sandbox/README.md). */
static const HangarFieldType primary_types[] = {
  HANGAR_FIELD_TYPE_SINGLE_LINE_TEXT,
  HANGAR_FIELD_TYPE_MULTILINE_TEXT,
  HANGAR_FIELD_TYPE_RICH_TEXT,
  HANGAR_FIELD_TYPE_EMAIL,
  HANGAR_FIELD_TYPE_URL,
  HANGAR_FIELD_TYPE_PHONE_NUMBER,
  HANGAR_FIELD_TYPE_NUMBER,
  HANGAR_FIELD_TYPE_PERCENT,
  HANGAR_FIELD_TYPE_CURRENCY,
  HANGAR_FIELD_TYPE_DURATION,
  HANGAR_FIELD_TYPE_DATE,
  HANGAR_FIELD_TYPE_DATE_TIME,
  HANGAR_FIELD_TYPE_BARCODE,
};

static const char * const hues[] = {
  "blue", "cyan", "teal", "green", "yellow", "orange", "red", "pink", "purple", "gray",
};
static const char * const hue_words[] = {
  N_("Blue"), N_("Cyan"), N_("Teal"), N_("Green"), N_("Yellow"),
  N_("Orange"), N_("Red"), N_("Pink"), N_("Purple"), N_("Gray"),
};

static const char * const choice_colors[] = {
  "blueLight2", "cyanLight2", "tealLight2", "greenLight2", "yellowLight2",
  "orangeLight2", "redLight2", "pinkLight2", "purpleLight2", "grayLight2",
  "blueLight1", "cyanLight1", "tealLight1", "greenLight1", "yellowLight1",
  "orangeLight1", "redLight1", "pinkLight1", "purpleLight1", "grayLight1",
  "blueBright", "cyanBright", "tealBright", "greenBright", "yellowBright",
  "orangeBright", "redBright", "pinkBright", "purpleBright", "grayBright",
  "blueDark1", "cyanDark1", "tealDark1", "greenDark1", "yellowDark1",
  "orangeDark1", "redDark1", "pinkDark1", "purpleDark1", "grayDark1",
  NULL,
};

static const char * const bright_colors[] = {
  "yellowBright", "orangeBright", "redBright", "pinkBright", "purpleBright",
  "blueBright", "cyanBright", "tealBright", "greenBright", "grayBright",
  NULL,
};

static const char * const rating_icons[] = { "star", "heart", "thumbsUp", "flag", "dot", NULL };
static const char * const checkbox_icons[] = { "check", "xCheckbox", "star", "heart", "thumbsUp", "flag", "dot", NULL };
static const char * const duration_formats[] = {
  "h:mm", "h:mm:ss", "h:mm:ss.S", "h:mm:ss.SS", "h:mm:ss.SSS", NULL,
};
static const char * const date_format_names[] = { "local", "friendly", "us", "european", "iso", NULL };
static const char * const date_format_patterns[] = { "l", "LL", "M/D/YYYY", "D/M/YYYY", "YYYY-MM-DD", NULL };
/* Airtable's names for its formats, each with what it shows. */
static const char * const date_format_words[] = {
  N_("Local (3/5/2024 or 5/3/2024, by the viewer's locale)"),
  N_("Friendly (March 5, 2024)"),
  N_("US (3/5/2024)"),
  N_("European (5/3/2024)"),
  N_("ISO (2024-03-05)"),
};
static const char * const time_format_names[] = { "12hour", "24hour", NULL };
static const char * const time_format_patterns[] = { "h:mma", "HH:mm", NULL };
static const char * const time_format_words[] = { N_("12-hour (3:30pm)"), N_("24-hour (15:30)") };

/* ---- vocabularies ---- */

gboolean
hangar_field_type_is_creatable (HangarFieldType type)
{
  for (guint i = 0; i < G_N_ELEMENTS (creatable_types); i++)
    if (creatable_types[i] == type)
      return TRUE;
  return FALSE;
}

gboolean
hangar_field_type_can_be_primary (HangarFieldType type)
{
  for (guint i = 0; i < G_N_ELEMENTS (primary_types); i++)
    if (primary_types[i] == type)
      return TRUE;
  return FALSE;
}

const HangarFieldType *
hangar_field_creatable_types (guint *n_types)
{
  *n_types = G_N_ELEMENTS (creatable_types);
  return creatable_types;
}

const char * const *hangar_field_choice_colors (void) { return choice_colors; }
const char * const *hangar_field_bright_colors (void) { return bright_colors; }
const char * const *hangar_field_rating_icons (void) { return rating_icons; }
const char * const *hangar_field_checkbox_icons (void) { return checkbox_icons; }
const char * const *hangar_field_duration_formats (void) { return duration_formats; }
const char * const *hangar_field_date_format_names (void) { return date_format_names; }
const char * const *hangar_field_time_format_names (void) { return time_format_names; }

static int
index_of (const char * const *list,
          const char         *value)
{
  for (int i = 0; value != NULL && list[i] != NULL; i++)
    if (strcmp (list[i], value) == 0)
      return i;
  return -1;
}

const char *
hangar_field_date_format_pattern (const char *name)
{
  int i = index_of (date_format_names, name);

  return i >= 0 ? date_format_patterns[i] : NULL;
}

const char *
hangar_field_time_format_pattern (const char *name)
{
  int i = index_of (time_format_names, name);

  return i >= 0 ? time_format_patterns[i] : NULL;
}

int
hangar_field_max_precision (HangarFieldType type)
{
  return type == HANGAR_FIELD_TYPE_CURRENCY ? 7 : 8;
}

char *
hangar_field_describe_color (const char *color)
{
  if (color == NULL)
    return g_strdup ("");
  for (guint i = 0; i < G_N_ELEMENTS (hues); i++)
    {
      const char *shade;

      if (!g_str_has_prefix (color, hues[i]))
        continue;
      shade = color + strlen (hues[i]);
      if (strcmp (shade, "Light2") == 0)
        return g_strdup_printf (_("%s, lightest"), _(hue_words[i]));
      if (strcmp (shade, "Light1") == 0)
        return g_strdup_printf (_("%s, light"), _(hue_words[i]));
      if (strcmp (shade, "Bright") == 0)
        return g_strdup_printf (_("%s, bright"), _(hue_words[i]));
      if (strcmp (shade, "Dark1") == 0)
        return g_strdup_printf (_("%s, dark"), _(hue_words[i]));
    }
  return g_strdup (color);
}

const char *
hangar_field_describe_icon (const char *icon)
{
  static const char * const names[] = { "check", "xCheckbox", "star", "heart", "thumbsUp", "flag", "dot", NULL };
  static const char * const words[] = {
    N_("Check mark"), N_("Cross"), N_("Star"), N_("Heart"), N_("Thumbs up"), N_("Flag"), N_("Dot"),
  };
  int i = index_of (names, icon);

  return i >= 0 ? _(words[i]) : icon;
}

const char *
hangar_field_describe_date_format (const char *name)
{
  int i = index_of (date_format_names, name);

  return i >= 0 ? _(date_format_words[i]) : name;
}

const char *
hangar_field_describe_time_format (const char *name)
{
  int i = index_of (time_format_names, name);

  return i >= 0 ? _(time_format_words[i]) : name;
}

const char *
hangar_field_describe_time_zone (const char *zone)
{
  if (g_strcmp0 (zone, "utc") == 0)
    return "UTC";
  if (g_strcmp0 (zone, "client") == 0)
    return _("Each viewer's own time zone");
  return zone;
}

/* ---- lookups ---- */

HangarTable *
hangar_schema_find_table (GPtrArray  *tables,
                          const char *name_or_id)
{
  g_autofree char *folded = NULL;

  if (tables == NULL || name_or_id == NULL)
    return NULL;
  for (guint i = 0; i < tables->len; i++)
    if (g_strcmp0 (hangar_table_get_id (g_ptr_array_index (tables, i)), name_or_id) == 0)
      return g_ptr_array_index (tables, i);
  folded = g_utf8_casefold (name_or_id, -1);
  for (guint i = 0; i < tables->len; i++)
    {
      g_autofree char *other = g_utf8_casefold (hangar_table_get_name (g_ptr_array_index (tables, i)), -1);

      if (strcmp (folded, other) == 0)
        return g_ptr_array_index (tables, i);
    }
  return NULL;
}

HangarField *
hangar_schema_find_field (HangarTable *table,
                          const char  *name_or_id)
{
  GPtrArray *fields;
  g_autofree char *folded = NULL;

  if (table == NULL || name_or_id == NULL)
    return NULL;
  fields = hangar_table_get_fields (table);
  for (guint i = 0; fields != NULL && i < fields->len; i++)
    if (g_strcmp0 (hangar_field_get_id (g_ptr_array_index (fields, i)), name_or_id) == 0)
      return g_ptr_array_index (fields, i);
  folded = g_utf8_casefold (name_or_id, -1);
  for (guint i = 0; fields != NULL && i < fields->len; i++)
    {
      g_autofree char *other = g_utf8_casefold (hangar_field_get_name (g_ptr_array_index (fields, i)), -1);

      if (strcmp (folded, other) == 0)
        return g_ptr_array_index (fields, i);
    }
  return NULL;
}

static HangarTable *
table_by_id (GPtrArray  *tables,
             const char *id)
{
  for (guint i = 0; tables != NULL && id != NULL && i < tables->len; i++)
    if (g_strcmp0 (hangar_table_get_id (g_ptr_array_index (tables, i)), id) == 0)
      return g_ptr_array_index (tables, i);
  return NULL;
}

static HangarField *
field_by_id (HangarTable *table,
             const char  *id)
{
  GPtrArray *fields = table != NULL ? hangar_table_get_fields (table) : NULL;

  for (guint i = 0; fields != NULL && id != NULL && i < fields->len; i++)
    if (g_strcmp0 (hangar_field_get_id (g_ptr_array_index (fields, i)), id) == 0)
      return g_ptr_array_index (fields, i);
  return NULL;
}

/* The table holding the field @id, among @tables (and @table). */
static HangarField *
any_field_by_id (HangarTable  *table,
                 GPtrArray    *tables,
                 const char   *id,
                 HangarTable **out_table)
{
  HangarField *field = field_by_id (table, id);

  *out_table = table;
  for (guint i = 0; field == NULL && tables != NULL && i < tables->len; i++)
    {
      field = field_by_id (g_ptr_array_index (tables, i), id);
      *out_table = g_ptr_array_index (tables, i);
    }
  if (field == NULL)
    *out_table = NULL;
  return field;
}

/* ---- options in words ---- */

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
member_int (JsonObject *object,
            const char *name,
            gint64     *out)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_int (node);
  return TRUE;
}

static JsonObject *
member_object (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
member_array (JsonObject *object,
              const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static gboolean
member_true (JsonObject *object,
             const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN &&
         json_node_get_boolean (node);
}

static char *
precision_words (gint64 precision)
{
  if (precision == 0)
    return g_strdup (_("Whole numbers"));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d decimal place", "%d decimal places", (gulong) precision),
                          (int) CLAMP (precision, 0, G_MAXINT));
}

typedef struct
{
  HangarTable *table;
  GPtrArray   *tables;
} RefNames;

/* {fld…} → the field's current name (Airtable gives formulas with ids). */
static char *
ref_to_name_cb (const char *ref,
                gboolean    braced,
                gpointer    user_data)
{
  RefNames *names = user_data;
  HangarField *field;

  if (!braced)
    return NULL;
  field = field_by_id (names->table, ref);
  return field != NULL ? g_strdup (hangar_field_get_name (field)) : NULL;
}

static void
describe_date (GPtrArray  *lines,
               JsonObject *options)
{
  JsonObject *date_format = member_object (options, "dateFormat");
  JsonObject *time_format = member_object (options, "timeFormat");
  const char *zone = member_string (options, "timeZone");

  if (member_string (date_format, "name") != NULL)
    g_ptr_array_add (lines, g_strdup_printf (_("Date format: %s"),
                                             hangar_field_describe_date_format (member_string (date_format, "name"))));
  if (member_string (time_format, "name") != NULL)
    g_ptr_array_add (lines, g_strdup_printf (_("Time format: %s"),
                                             hangar_field_describe_time_format (member_string (time_format, "name"))));
  if (zone != NULL)
    g_ptr_array_add (lines, g_strdup_printf (_("Time zone: %s"), hangar_field_describe_time_zone (zone)));
}

/* The result of a computed field (formula, rollup, lookup, created time):
 * its type and that type's own options. */
static void
describe_result (GPtrArray   *lines,
                 JsonObject  *options,
                 HangarTable *table,
                 GPtrArray   *tables)
{
  JsonObject *result = member_object (options, "result");
  HangarFieldType type;
  JsonObject *result_options;
  gint64 precision;

  if (result == NULL || member_string (result, "type") == NULL)
    return;
  type = hangar_field_type_from_string (member_string (result, "type"));
  g_ptr_array_add (lines, g_strdup_printf (_("Result: %s"),
                                           type != HANGAR_FIELD_TYPE_UNKNOWN ? hangar_field_type_get_display_name (type)
                                                                             : member_string (result, "type")));
  result_options = member_object (result, "options");
  if (member_int (result_options, "precision", &precision))
    g_ptr_array_add (lines, precision_words (precision));
  if (member_string (result_options, "symbol") != NULL)
    g_ptr_array_add (lines, g_strdup_printf (_("Currency symbol “%s”"), member_string (result_options, "symbol")));
  if (member_string (result_options, "durationFormat") != NULL)
    g_ptr_array_add (lines, g_strdup_printf (_("Shown as %s"), member_string (result_options, "durationFormat")));
  describe_date (lines, result_options);
}

static char *
field_words (HangarTable *table,
             const char  *field_id)
{
  HangarField *field = field_by_id (table, field_id);

  if (field == NULL)
    return g_strdup_printf (_("field %s"), field_id != NULL ? field_id : "?");
  return g_strdup_printf ("“%s”", hangar_field_get_name (field));
}

char **
hangar_field_describe_options (HangarField *field,
                               HangarTable *table,
                               GPtrArray   *tables)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  JsonObject *options;
  gint64 number;

  g_return_val_if_fail (HANGAR_IS_FIELD (field), NULL);

  options = hangar_field_get_options (field);
  switch ((int) hangar_field_get_field_type (field))
    {
    case HANGAR_FIELD_TYPE_NUMBER:
    case HANGAR_FIELD_TYPE_PERCENT:
    case HANGAR_FIELD_TYPE_CURRENCY:
      if (member_string (options, "symbol") != NULL)
        g_ptr_array_add (lines, g_strdup_printf (_("Currency symbol “%s”"), member_string (options, "symbol")));
      if (member_int (options, "precision", &number))
        g_ptr_array_add (lines, precision_words (number));
      break;

    case HANGAR_FIELD_TYPE_DURATION:
      if (member_string (options, "durationFormat") != NULL)
        g_ptr_array_add (lines, g_strdup_printf (_("Shown as %s"), member_string (options, "durationFormat")));
      break;

    case HANGAR_FIELD_TYPE_RATING:
    case HANGAR_FIELD_TYPE_CHECKBOX:
      {
        g_autofree char *color = hangar_field_describe_color (member_string (options, "color"));

        if (member_int (options, "max", &number))
          g_ptr_array_add (lines, g_strdup_printf (_("Up to %d"), (int) CLAMP (number, G_MININT, G_MAXINT)));
        if (member_string (options, "icon") != NULL)
          g_ptr_array_add (lines, g_strdup_printf (_("Icon: %s"), hangar_field_describe_icon (member_string (options, "icon"))));
        if (member_string (options, "color") != NULL)
          g_ptr_array_add (lines, g_strdup_printf (_("Colour: %s"), color));
      }
      break;

    case HANGAR_FIELD_TYPE_SINGLE_SELECT:
    case HANGAR_FIELD_TYPE_MULTIPLE_SELECTS:
    case HANGAR_FIELD_TYPE_EXTERNAL_SYNC_SOURCE:
      {
        JsonArray *choices = member_array (options, "choices");
        g_autoptr(GString) text = g_string_new (NULL);
        guint n = choices != NULL ? json_array_get_length (choices) : 0;

        g_string_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u choice", "%u choices", n), n);
        for (guint i = 0; i < n; i++)
          {
            JsonNode *node = json_array_get_element (choices, i);
            JsonObject *choice = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
            g_autofree char *color = hangar_field_describe_color (member_string (choice, "color"));

            /* Translators: between the number of choices and the first of them. */
            g_string_append (text, i == 0 ? _(": ") : ", ");
            g_string_append (text, member_string (choice, "name") != NULL ? member_string (choice, "name") : "?");
            if (member_string (choice, "color") != NULL)
              g_string_append_printf (text, " (%s)", color);
          }
        g_ptr_array_add (lines, g_string_free (g_steal_pointer (&text), FALSE));
      }
      break;

    case HANGAR_FIELD_TYPE_DATE:
    case HANGAR_FIELD_TYPE_DATE_TIME:
      describe_date (lines, options);
      break;

    case HANGAR_FIELD_TYPE_MULTIPLE_RECORD_LINKS:
      {
        HangarTable *linked = table_by_id (tables, member_string (options, "linkedTableId"));
        const char *inverse_id = member_string (options, "inverseLinkFieldId");
        const char *view_id = member_string (options, "viewIdForRecordSelection");

        if (linked != NULL)
          g_ptr_array_add (lines, g_strdup_printf (_("Links to %s"), hangar_table_get_name (linked)));
        else if (member_string (options, "linkedTableId") != NULL)
          g_ptr_array_add (lines, g_strdup_printf (_("Links to table %s"), member_string (options, "linkedTableId")));
        if (inverse_id != NULL)
          {
            g_autofree char *inverse = field_words (linked, inverse_id);

            g_ptr_array_add (lines, g_strdup_printf (_("Inverse field: %s in %s"), inverse,
                                                     linked != NULL ? hangar_table_get_name (linked) : _("the linked table")));
          }
        else if (linked == table && table != NULL)
          g_ptr_array_add (lines, g_strdup (_("Links within this table (no inverse field)")));
        else
          g_ptr_array_add (lines, g_strdup (_("No inverse field")));
        if (member_true (options, "prefersSingleRecordLink"))
          g_ptr_array_add (lines, g_strdup (_("Prefers a single linked record")));
        if (view_id != NULL)
          {
            HangarView *view = linked != NULL ? hangar_table_lookup_view (linked, view_id) : NULL;

            g_ptr_array_add (lines, g_strdup_printf (_("Records chosen from the view %s"),
                                                     view != NULL ? hangar_view_get_name (view) : view_id));
          }
      }
      break;

    case HANGAR_FIELD_TYPE_FORMULA:
      {
        const char *formula = member_string (options, "formula");
        RefNames names = { table, tables };

        if (formula != NULL)
          {
            g_autofree char *named = hangar_formula_rewrite_refs (formula, ref_to_name_cb, &names, NULL);

            g_ptr_array_add (lines, g_strdup_printf (_("Formula: %s"), named));
          }
        if (options != NULL && json_object_has_member (options, "isValid") && !member_true (options, "isValid"))
          g_ptr_array_add (lines, g_strdup (_("The formula is not valid")));
        describe_result (lines, options, table, tables);
      }
      break;

    case HANGAR_FIELD_TYPE_ROLLUP:
    case HANGAR_FIELD_TYPE_MULTIPLE_LOOKUP_VALUES:
    case HANGAR_FIELD_TYPE_COUNT:
      {
        HangarField *link = field_by_id (table, member_string (options, "recordLinkFieldId"));
        HangarTable *linked = NULL;
        HangarField *source = NULL;

        if (link != NULL)
          linked = table_by_id (tables, member_string (hangar_field_get_options (link), "linkedTableId"));
        if (member_string (options, "fieldIdInLinkedTable") != NULL)
          source = any_field_by_id (linked, tables, member_string (options, "fieldIdInLinkedTable"), &linked);

        if (hangar_field_get_field_type (field) == HANGAR_FIELD_TYPE_COUNT)
          g_ptr_array_add (lines, g_strdup_printf (_("Counts the records linked through %s"),
                                                   link != NULL ? hangar_field_get_name (link) : _("a link field")));
        else
          {
            g_autofree char *what = source != NULL
                                      ? g_strdup_printf ("“%s”", hangar_field_get_name (source))
                                      : g_strdup (_("a field"));

            const char *through = link != NULL ? hangar_field_get_name (link) : _("a link field");

            g_ptr_array_add (lines, hangar_field_get_field_type (field) == HANGAR_FIELD_TYPE_ROLLUP
                                    ? g_strdup_printf (_("Rolls up %s of the records linked through %s"), what, through)
                                    : g_strdup_printf (_("Looks up %s of the records linked through %s"), what, through));
          }
        if (hangar_field_get_field_type (field) == HANGAR_FIELD_TYPE_ROLLUP)
          {
            /* Airtable's schema gives the aggregation only as a formula
             * over "values" (e.g. SUM(values)), and not always. */
            if (member_string (options, "formula") != NULL)
              g_ptr_array_add (lines, g_strdup_printf (_("Function: %s"), member_string (options, "formula")));
            else
              g_ptr_array_add (lines, g_strdup (_("Function: not given by Airtable's API")));
          }
        if (options != NULL && json_object_has_member (options, "isValid") && !member_true (options, "isValid"))
          g_ptr_array_add (lines, g_strdup (_("Not valid (its link or field is gone)")));
        describe_result (lines, options, table, tables);
      }
      break;

    case HANGAR_FIELD_TYPE_CREATED_TIME:
    case HANGAR_FIELD_TYPE_LAST_MODIFIED_TIME:
      {
        JsonArray *refs = member_array (options, "referencedFieldIds");

        if (hangar_field_get_field_type (field) == HANGAR_FIELD_TYPE_LAST_MODIFIED_TIME)
          {
            if (refs != NULL && json_array_get_length (refs) > 0)
              {
                g_autoptr(GString) text = g_string_new (_("When any of these changed: "));

                for (guint i = 0; i < json_array_get_length (refs); i++)
                  {
                    JsonNode *node = json_array_get_element (refs, i);
                    g_autofree char *words = field_words (table, JSON_NODE_HOLDS_VALUE (node) &&
                                                                 json_node_get_value_type (node) == G_TYPE_STRING
                                                                 ? json_node_get_string (node) : NULL);

                    g_string_append_printf (text, i > 0 ? ", %s" : "%s", words);
                  }
                g_ptr_array_add (lines, g_string_free (g_steal_pointer (&text), FALSE));
              }
            else
              g_ptr_array_add (lines, g_strdup (_("When any field of the record changed")));
          }
        describe_result (lines, options, table, tables);
      }
      break;

    default:
      break;
    }

  g_ptr_array_add (lines, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&lines), FALSE);
}

/* ---- checks ---- */

G_GNUC_PRINTF (2, 3)
static gboolean
fail (GError    **error,
      const char *format,
      ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_ARGUMENT, message);
  return FALSE;
}

static gboolean
node_is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
node_is_int (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64;
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

/* A name: a non-empty, non-blank string of valid UTF-8. */
static gboolean
check_name (JsonNode    *node,
            const char  *what,
            const char **out,
            GError     **error)
{
  if (!node_is_string (node))
    return fail (error, "%s needs a name", what);
  if (!g_utf8_validate (json_node_get_string (node), -1, NULL))
    return fail (error, "%s: the name is not valid UTF-8", what);
  if (is_blank (json_node_get_string (node)))
    return fail (error, "%s needs a name that is not blank", what);
  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
check_description (JsonNode    *node,
                   const char  *what,
                   GError     **error)
{
  const char *text;

  if (node == NULL)
    return TRUE;
  if (!node_is_string (node))
    return fail (error, "%s: the description must be text", what);
  text = json_node_get_string (node);
  if (!g_utf8_validate (text, -1, NULL))
    return fail (error, "%s: the description is not valid UTF-8", what);
  if (*text == '\0')
    return fail (error, "%s: a description cannot be empty (Airtable's API cannot remove one)", what);
  if (g_utf8_strlen (text, -1) > HANGAR_SCHEMA_MAX_DESCRIPTION)
    return fail (error, "%s: the description is longer than Airtable's limit of %d characters",
                 what, HANGAR_SCHEMA_MAX_DESCRIPTION);
  return TRUE;
}

static gboolean
same_name (const char *a,
           const char *b)
{
  g_autofree char *fa = g_utf8_casefold (a, -1);
  g_autofree char *fb = g_utf8_casefold (b, -1);

  return strcmp (fa, fb) == 0;
}

/* Every member of @options must be one of @allowed. */
static gboolean
check_members (JsonObject         *options,
               const char * const *allowed,
               const char         *what,
               const char         *type_words,
               GError            **error)
{
  g_autoptr(GList) members = options != NULL ? json_object_get_members (options) : NULL;

  for (GList *l = members; l != NULL; l = l->next)
    if (allowed == NULL || !g_strv_contains (allowed, l->data))
      {
        if (allowed == NULL || allowed[0] == NULL)
          return fail (error, "%s: a %s field takes no options (“%s” given)", what, type_words, (const char *) l->data);
        return fail (error, "%s: “%s” is not an option a %s field can be created with", what,
                     (const char *) l->data, type_words);
      }
  return TRUE;
}

static gboolean
check_enum (JsonObject         *options,
            const char         *member,
            const char * const *values,
            const char         *what,
            const char         *words,
            GError            **error)
{
  JsonNode *node = json_object_get_member (options, member);
  g_autofree char *list = NULL;

  if (node == NULL)
    return TRUE;
  if (node_is_string (node) && g_strv_contains (values, json_node_get_string (node)))
    return TRUE;
  list = g_strjoinv (", ", (char **) values);
  return fail (error, "%s: %s must be one of %s", what, words, list);
}

static gboolean
check_time_zone (const char  *zone,
                 const char  *what,
                 GError     **error)
{
  g_autoptr(GTimeZone) tz = NULL;

  if (g_str_equal (zone, "utc") || g_str_equal (zone, "client"))
    return TRUE;
  /* An IANA name ("Europe/Berlin"); GLib reads the same database. Offsets
   * ("+02:00"), which GLib would also take, are not zone names. */
  if (g_ascii_isalpha (zone[0]))
    tz = g_time_zone_new_identifier (zone);
  if (tz == NULL)
    return fail (error, "%s: “%s” is not a time zone (use utc, client or a name like Europe/Berlin)", what, zone);
  return TRUE;
}

static gboolean
check_format_object (JsonObject         *options,
                     const char         *member,
                     const char * const *names,
                     const char *      (*pattern) (const char *),
                     const char         *what,
                     const char         *words,
                     GError            **error)
{
  JsonNode *node = json_object_get_member (options, member);
  JsonObject *object;
  JsonNode *name, *format;
  const char * const allowed[] = { "name", "format", NULL };

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, "%s: %s must be an object like {\"name\": \"%s\"}", what, member, names[0]);
  object = json_node_get_object (node);
  if (!check_members (object, allowed, what, words, error))
    return FALSE;
  name = json_object_get_member (object, "name");
  format = json_object_get_member (object, "format");
  if (!node_is_string (name) || !g_strv_contains (names, json_node_get_string (name)))
    {
      g_autofree char *list = g_strjoinv (", ", (char **) names);

      return fail (error, "%s: the %s's name must be one of %s", what, words, list);
    }
  if (format != NULL && (!node_is_string (format) ||
                         g_strcmp0 (json_node_get_string (format), pattern (json_node_get_string (name))) != 0))
    return fail (error, "%s: the %s “%s” goes with the format “%s”", what, words,
                 json_node_get_string (name), pattern (json_node_get_string (name)));
  return TRUE;
}

static gboolean
check_choices (JsonObject  *options,
               const char  *what,
               GError     **error)
{
  JsonNode *node = json_object_get_member (options, "choices");
  JsonArray *choices;
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();
  const char * const allowed[] = { "name", "color", "id", NULL };

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return fail (error, "%s: choices must be a list", what);
  choices = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (choices); i++)
    {
      JsonNode *item = json_array_get_element (choices, i);
      JsonObject *choice;
      JsonNode *name;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        return fail (error, "%s: choice %u must be an object like {\"name\": \"Done\"}", what, i + 1);
      choice = json_node_get_object (item);
      if (!check_members (choice, allowed, what, "choice", error))
        return FALSE;
      name = json_object_get_member (choice, "name");
      if (!node_is_string (name) || *json_node_get_string (name) == '\0')
        return fail (error, "%s: choice %u needs a name", what, i + 1);
      if (!g_utf8_validate (json_node_get_string (name), -1, NULL))
        return fail (error, "%s: choice %u is not valid UTF-8", what, i + 1);
      if (g_ptr_array_find_with_equal_func (seen, json_node_get_string (name), g_str_equal, NULL))
        return fail (error, "%s: the choice “%s” is there twice", what, json_node_get_string (name));
      g_ptr_array_add (seen, (gpointer) json_node_get_string (name));
      if (!check_enum (choice, "color", choice_colors, what, "a choice's colour", error))
        return FALSE;
      if (json_object_has_member (choice, "id") && !node_is_string (json_object_get_member (choice, "id")))
        return fail (error, "%s: choice %u: id must be text", what, i + 1);
    }
  return TRUE;
}

static gboolean
check_int_range (JsonObject  *options,
                 const char  *member,
                 gint64       min,
                 gint64       max,
                 const char  *what,
                 const char  *words,
                 GError     **error)
{
  JsonNode *node = json_object_get_member (options, member);

  if (node == NULL)
    return TRUE;
  if (!node_is_int (node) || json_node_get_int (node) < min || json_node_get_int (node) > max)
    return fail (error, "%s: %s must be a whole number from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
                 what, words, min, max);
  return TRUE;
}

static gboolean
check_options (HangarFieldType   type,
               JsonNode         *node,
               GPtrArray        *tables,
               const char       *what,
               GError          **error)
{
  JsonObject *options;
  const char *type_words = hangar_field_type_get_display_name (type);
  g_autofree char *lower = g_utf8_strdown (type_words, -1);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (type == HANGAR_FIELD_TYPE_MULTIPLE_RECORD_LINKS)
        return fail (error, "%s: a link field needs the table it links to (options.linkedTableId)", what);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, "%s: options must be an object", what);
  options = json_node_get_object (node);

  switch ((int) type)
    {
    case HANGAR_FIELD_TYPE_NUMBER:
    case HANGAR_FIELD_TYPE_PERCENT:
      {
        const char * const allowed[] = { "precision", NULL };

        return check_members (options, allowed, what, lower, error) &&
               check_int_range (options, "precision", 0, 8, what, "precision", error);
      }

    case HANGAR_FIELD_TYPE_CURRENCY:
      {
        const char * const allowed[] = { "precision", "symbol", NULL };
        JsonNode *symbol = json_object_get_member (options, "symbol");

        if (!check_members (options, allowed, what, lower, error) ||
            !check_int_range (options, "precision", 0, 7, what, "precision", error))
          return FALSE;
        if (symbol != NULL && (!node_is_string (symbol) || !g_utf8_validate (json_node_get_string (symbol), -1, NULL)))
          return fail (error, "%s: the currency symbol must be text", what);
        return TRUE;
      }

    case HANGAR_FIELD_TYPE_DURATION:
      {
        const char * const allowed[] = { "durationFormat", NULL };

        return check_members (options, allowed, what, lower, error) &&
               check_enum (options, "durationFormat", duration_formats, what, "the duration format", error);
      }

    case HANGAR_FIELD_TYPE_RATING:
      {
        const char * const allowed[] = { "icon", "color", "max", NULL };

        return check_members (options, allowed, what, lower, error) &&
               check_enum (options, "icon", rating_icons, what, "a rating's icon", error) &&
               check_enum (options, "color", bright_colors, what, "a rating's colour", error) &&
               check_int_range (options, "max", 1, 10, what, "the highest rating", error);
      }

    case HANGAR_FIELD_TYPE_CHECKBOX:
      {
        const char * const allowed[] = { "icon", "color", NULL };

        return check_members (options, allowed, what, lower, error) &&
               check_enum (options, "icon", checkbox_icons, what, "a checkbox's icon", error) &&
               check_enum (options, "color", bright_colors, what, "a checkbox's colour", error);
      }

    case HANGAR_FIELD_TYPE_SINGLE_SELECT:
    case HANGAR_FIELD_TYPE_MULTIPLE_SELECTS:
      {
        const char * const allowed[] = { "choices", NULL };

        return check_members (options, allowed, what, lower, error) && check_choices (options, what, error);
      }

    case HANGAR_FIELD_TYPE_DATE:
      {
        const char * const allowed[] = { "dateFormat", NULL };

        return check_members (options, allowed, what, lower, error) &&
               check_format_object (options, "dateFormat", date_format_names, hangar_field_date_format_pattern,
                                    what, "date format", error);
      }

    case HANGAR_FIELD_TYPE_DATE_TIME:
      {
        const char * const allowed[] = { "dateFormat", "timeFormat", "timeZone", NULL };
        JsonNode *zone = json_object_get_member (options, "timeZone");

        if (!check_members (options, allowed, what, lower, error) ||
            !check_format_object (options, "dateFormat", date_format_names, hangar_field_date_format_pattern,
                                  what, "date format", error) ||
            !check_format_object (options, "timeFormat", time_format_names, hangar_field_time_format_pattern,
                                  what, "time format", error))
          return FALSE;
        if (zone != NULL && !node_is_string (zone))
          return fail (error, "%s: the time zone must be text", what);
        return zone == NULL || check_time_zone (json_node_get_string (zone), what, error);
      }

    case HANGAR_FIELD_TYPE_MULTIPLE_RECORD_LINKS:
      {
        const char * const allowed[] = { "linkedTableId", "viewIdForRecordSelection", NULL };
        JsonNode *linked = json_object_get_member (options, "linkedTableId");
        JsonNode *view = json_object_get_member (options, "viewIdForRecordSelection");
        HangarTable *table = NULL;

        for (const char * const *fixed = (const char * const[]) { "inverseLinkFieldId", "isReversed",
                                                                  "prefersSingleRecordLink", NULL };
             *fixed != NULL; fixed++)
          if (json_object_has_member (options, *fixed))
            return fail (error, "%s: %s is set by Airtable; a link field is created with linkedTableId "
                         "and viewIdForRecordSelection only (Airtable adds the inverse field itself)",
                         what, *fixed);
        if (!check_members (options, allowed, what, lower, error))
          return FALSE;
        if (!node_is_string (linked) || *json_node_get_string (linked) == '\0')
          return fail (error, "%s: a link field needs the table it links to (options.linkedTableId)", what);
        if (tables != NULL)
          {
            table = table_by_id (tables, json_node_get_string (linked));
            if (table == NULL)
              return fail (error, "%s: linkedTableId “%s” is not a table of this base (give a table id, tbl…)",
                           what, json_node_get_string (linked));
          }
        if (view != NULL && !node_is_string (view))
          return fail (error, "%s: viewIdForRecordSelection must be a view id", what);
        if (view != NULL && table != NULL && hangar_table_lookup_view (table, json_node_get_string (view)) == NULL)
          return fail (error, "%s: “%s” is not a view of %s", what, json_node_get_string (view),
                       hangar_table_get_name (table));
        return TRUE;
      }

    case HANGAR_FIELD_TYPE_SINGLE_COLLABORATOR:
    case HANGAR_FIELD_TYPE_MULTIPLE_COLLABORATORS:
    case HANGAR_FIELD_TYPE_MULTIPLE_ATTACHMENTS:
    default:
      return check_members (options, NULL, what, lower, error);
    }
}

gboolean
hangar_field_spec_check (JsonObject   *spec,
                         HangarTable  *table,
                         GPtrArray    *siblings,
                         GPtrArray    *tables,
                         gboolean      primary,
                         GError      **error)
{
  const char * const allowed[] = { "name", "type", "description", "options", NULL };
  const char *name = NULL;
  g_autofree char *what = NULL;
  JsonNode *type_node;
  HangarFieldType type;

  g_return_val_if_fail (spec != NULL, FALSE);

  if (!check_name (json_object_get_member (spec, "name"), "A field", &name, error))
    return FALSE;
  what = g_strdup_printf ("Field “%s”", name);
  {
    g_autoptr(GList) members = json_object_get_members (spec);

    for (GList *l = members; l != NULL; l = l->next)
      if (!g_strv_contains (allowed, l->data))
        return fail (error, "%s: “%s” is not part of a field definition (name, type, description, options)",
                     what, (const char *) l->data);
  }

  type_node = json_object_get_member (spec, "type");
  if (!node_is_string (type_node))
    return fail (error, "%s needs a type", what);
  type = hangar_field_type_from_string (json_node_get_string (type_node));
  if (type == HANGAR_FIELD_TYPE_UNKNOWN)
    return fail (error, "%s: “%s” is not a field type", what, json_node_get_string (type_node));
  if (!hangar_field_type_is_creatable (type))
    return fail (error, "%s: Airtable's API cannot create %s fields (%s); create them in Airtable",
                 what, hangar_field_type_get_display_name (type), json_node_get_string (type_node));
  if (primary && !hangar_field_type_can_be_primary (type))
    return fail (error, "%s: a %s field cannot be a table's primary (first) field",
                 what, hangar_field_type_get_display_name (type));

  if (table != NULL && hangar_schema_find_field (table, name) != NULL &&
      same_name (hangar_field_get_name (hangar_schema_find_field (table, name)), name))
    return fail (error, "%s: %s already has a field with this name (names are compared ignoring case)",
                 what, hangar_table_get_name (table));
  for (guint i = 0; siblings != NULL && i < siblings->len; i++)
    {
      JsonObject *other = g_ptr_array_index (siblings, i);
      const char *other_name = member_string (other, "name");

      if (other != spec && other_name != NULL && same_name (other_name, name))
        return fail (error, "%s: two fields would have this name (names are compared ignoring case)", what);
    }

  return check_description (json_object_get_member (spec, "description"), what, error) &&
         check_options (type, json_object_get_member (spec, "options"), tables, what, error);
}

const char *
hangar_field_type_change_reason (void)
{
  return _("Airtable's API cannot change a field's type; change it in Airtable.");
}

const char *
hangar_field_options_fixed_reason (HangarField *field)
{
  g_return_val_if_fail (HANGAR_IS_FIELD (field), NULL);

  switch ((int) hangar_field_get_field_type (field))
    {
    case HANGAR_FIELD_TYPE_FORMULA:
      return NULL;
    case HANGAR_FIELD_TYPE_MULTIPLE_RECORD_LINKS:
      return _("Airtable's API cannot change the options of a link field; change them in Airtable.");
    default:
      if (hangar_field_type_is_computed (hangar_field_get_field_type (field)))
        return _("Airtable's API cannot change how this field is computed; change it in Airtable.");
      return _("Airtable's API can change only a field's name and description (and a formula's text); "
               "change the options in Airtable.");
    }
}

gboolean
hangar_field_update_check (JsonObject   *changes,
                           HangarTable  *table,
                           HangarField  *field,
                           GError      **error)
{
  const char * const allowed[] = { "name", "description", "options", "type", NULL };
  g_autofree char *what = NULL;
  JsonNode *name = json_object_get_member (changes, "name");
  JsonNode *type = json_object_get_member (changes, "type");
  JsonNode *options = json_object_get_member (changes, "options");

  g_return_val_if_fail (changes != NULL, FALSE);
  g_return_val_if_fail (HANGAR_IS_FIELD (field), FALSE);

  what = g_strdup_printf ("Field “%s”", hangar_field_get_name (field));
  {
    g_autoptr(GList) members = json_object_get_members (changes);

    for (GList *l = members; l != NULL; l = l->next)
      if (!g_strv_contains (allowed, l->data))
        return fail (error, "%s: “%s” cannot be changed (name, description, and a formula's options)",
                     what, (const char *) l->data);
  }
  if (name == NULL && options == NULL && !json_object_has_member (changes, "description"))
    return fail (error, "%s: nothing to change (give a name, a description or a formula)", what);
  if (type != NULL && (!node_is_string (type) ||
                       g_strcmp0 (json_node_get_string (type), hangar_field_get_type_string (field)) != 0))
    return fail (error, "%s: %s", what, hangar_field_type_change_reason ());
  if (name != NULL)
    {
      const char *new_name = NULL;
      HangarField *other;

      if (!check_name (name, what, &new_name, error))
        return FALSE;
      other = table != NULL ? hangar_schema_find_field (table, new_name) : NULL;
      if (other != NULL && other != field && same_name (hangar_field_get_name (other), new_name))
        return fail (error, "%s: %s already has a field named “%s” (names are compared ignoring case)",
                     what, hangar_table_get_name (table), hangar_field_get_name (other));
    }
  if (!check_description (json_object_get_member (changes, "description"), what, error))
    return FALSE;
  if (options != NULL)
    {
      const char * const formula_only[] = { "formula", NULL };
      const char *reason = hangar_field_options_fixed_reason (field);
      JsonNode *formula;

      if (reason != NULL)
        return fail (error, "%s: %s", what, reason);
      if (!JSON_NODE_HOLDS_OBJECT (options) ||
          !check_members (json_node_get_object (options), formula_only, what, "formula", NULL))
        return fail (error, "%s: only the formula's text can be changed: {\"formula\": \"…\"}", what);
      formula = json_object_get_member (json_node_get_object (options), "formula");
      if (!node_is_string (formula) || is_blank (json_node_get_string (formula)))
        return fail (error, "%s: the formula cannot be empty", what);
    }
  return TRUE;
}

gboolean
hangar_table_spec_check (JsonObject  *spec,
                         GPtrArray   *tables,
                         GError     **error)
{
  const char * const allowed[] = { "name", "description", "fields", NULL };
  const char *name = NULL;
  g_autofree char *what = NULL;
  JsonNode *fields;
  g_autoptr(GPtrArray) siblings = g_ptr_array_new ();
  JsonArray *array;

  g_return_val_if_fail (spec != NULL, FALSE);

  if (!check_name (json_object_get_member (spec, "name"), "A table", &name, error))
    return FALSE;
  what = g_strdup_printf ("Table “%s”", name);
  {
    g_autoptr(GList) members = json_object_get_members (spec);

    for (GList *l = members; l != NULL; l = l->next)
      if (!g_strv_contains (allowed, l->data))
        return fail (error, "%s: “%s” is not part of a table definition (name, description, fields)",
                     what, (const char *) l->data);
  }
  if (hangar_schema_find_table (tables, name) != NULL &&
      same_name (hangar_table_get_name (hangar_schema_find_table (tables, name)), name))
    return fail (error, "%s: the base already has a table with this name (names are compared ignoring case)", what);
  if (!check_description (json_object_get_member (spec, "description"), what, error))
    return FALSE;

  fields = json_object_get_member (spec, "fields");
  if (fields == NULL || !JSON_NODE_HOLDS_ARRAY (fields) || json_array_get_length (json_node_get_array (fields)) == 0)
    return fail (error, "%s needs at least one field; the first is its primary field", what);
  array = json_node_get_array (fields);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return fail (error, "%s: field %u must be an object {\"name\", \"type\", …}", what, i + 1);
      g_ptr_array_add (siblings, json_node_get_object (node));
    }
  for (guint i = 0; i < siblings->len; i++)
    if (!hangar_field_spec_check (g_ptr_array_index (siblings, i), NULL, siblings, tables, i == 0, error))
      return FALSE;
  return TRUE;
}

gboolean
hangar_table_update_check (JsonObject   *changes,
                           HangarTable  *table,
                           GPtrArray    *tables,
                           GError      **error)
{
  const char * const allowed[] = { "name", "description", NULL };
  g_autofree char *what = NULL;
  JsonNode *name = json_object_get_member (changes, "name");

  g_return_val_if_fail (changes != NULL, FALSE);
  g_return_val_if_fail (HANGAR_IS_TABLE (table), FALSE);

  what = g_strdup_printf ("Table “%s”", hangar_table_get_name (table));
  {
    g_autoptr(GList) members = json_object_get_members (changes);

    for (GList *l = members; l != NULL; l = l->next)
      if (!g_strv_contains (allowed, l->data))
        return fail (error, "%s: “%s” cannot be changed (name, description)", what, (const char *) l->data);
  }
  if (name == NULL && !json_object_has_member (changes, "description"))
    return fail (error, "%s: nothing to change (give a name or a description)", what);
  if (name != NULL)
    {
      const char *new_name = NULL;
      HangarTable *other;

      if (!check_name (name, what, &new_name, error))
        return FALSE;
      other = hangar_schema_find_table (tables, new_name);
      if (other != NULL && g_strcmp0 (hangar_table_get_id (other), hangar_table_get_id (table)) != 0 &&
          same_name (hangar_table_get_name (other), new_name))
        return fail (error, "%s: the base already has a table named “%s” (names are compared ignoring case)",
                     what, hangar_table_get_name (other));
    }
  return check_description (json_object_get_member (changes, "description"), what, error);
}
