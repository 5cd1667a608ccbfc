/* hangar-cell-value.c — a cell's value as text and back, per field type
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hangar-cell-value.h"
#include "hangar-grid-cell.h"
#include "hangar-json.h"

G_DEFINE_QUARK (hangar-cell-value-error-quark, hangar_cell_value_error)

/* ---- options ---- */

static JsonObject *
options_object (JsonObject *options,
                const char *member)
{
  JsonNode *node = options != NULL ? json_object_get_member (options, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static const char *
object_string (JsonObject *object,
               const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

const char *
hangar_cell_value_option_string (HangarField *field,
                                 const char  *member)
{
  return object_string (hangar_field_get_options (field), member);
}

static gint64
option_int (HangarField *field,
            const char  *member,
            gint64       fallback)
{
  JsonObject *options = hangar_field_get_options (field);
  JsonNode *node = options != NULL ? json_object_get_member (options, member) : NULL;
  double value;

  if (node == NULL || !_hangar_json_node_get_number (node, &value))
    return fallback;
  return (gint64) value;
}

guint
hangar_cell_value_rating_max (HangarField *field)
{
  return (guint) CLAMP (option_int (field, "max", 5), 1, 10);
}

/* GLib 2.74 reads /etc/localtime again on every g_time_zone_new_local()
 * when TZ is unset, and the grid asks for each date-time cell it binds:
 * the local zone is read once per process. */
static GTimeZone *
local_zone (void)
{
  static GTimeZone *zone;
  static gsize once;

  if (g_once_init_enter (&once))
    {
      zone = g_time_zone_new_local ();
      g_once_init_leave (&once, 1);
    }
  return g_time_zone_ref (zone);
}

GTimeZone *
hangar_cell_value_zone_for_options (JsonObject *options)
{
  const char *zone = object_string (options, "timeZone");
  GTimeZone *tz;

  if (zone == NULL || g_str_equal (zone, "client"))
    return local_zone ();
  if (g_str_equal (zone, "utc"))
    return g_time_zone_new_utc ();
  tz = g_time_zone_new_identifier (zone);
  return tz != NULL ? tz : local_zone ();
}

GTimeZone *
hangar_cell_value_time_zone (HangarField *field)
{
  return hangar_cell_value_zone_for_options (hangar_field_get_options (field));
}

void
hangar_cell_value_get_choices (HangarField  *field,
                               GPtrArray   **out_names,
                               GPtrArray   **out_colors)
{
  JsonObject *options = hangar_field_get_options (field);
  JsonNode *node = options != NULL ? json_object_get_member (options, "choices") : NULL;
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *colors = g_ptr_array_new_with_free_func (g_free);

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *choices = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (choices); i++)
        {
          JsonNode *element = json_array_get_element (choices, i);
          const char *name;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            continue;
          name = object_string (json_node_get_object (element), "name");
          if (name == NULL)
            continue;
          g_ptr_array_add (names, g_strdup (name));
          g_ptr_array_add (colors, g_strdup (object_string (json_node_get_object (element), "color") ?: "none"));
        }
    }
  *out_names = names;
  if (out_colors != NULL)
    *out_colors = colors;
  else
    g_ptr_array_unref (colors);
}

/* ---- kinds ---- */

HangarCellEditKind
hangar_cell_edit_kind (HangarField *field)
{
  g_return_val_if_fail (HANGAR_IS_FIELD (field), HANGAR_CELL_EDIT_NONE);

  if (hangar_field_is_computed (field))
    return HANGAR_CELL_EDIT_NONE;
  switch ((int) hangar_field_get_field_type (field))
    {
    case HANGAR_FIELD_TYPE_SINGLE_LINE_TEXT:
    case HANGAR_FIELD_TYPE_EMAIL:
    case HANGAR_FIELD_TYPE_URL:
    case HANGAR_FIELD_TYPE_PHONE_NUMBER:
    case HANGAR_FIELD_TYPE_BARCODE:
      return HANGAR_CELL_EDIT_TEXT;
    case HANGAR_FIELD_TYPE_MULTILINE_TEXT:
    case HANGAR_FIELD_TYPE_RICH_TEXT:
      return HANGAR_CELL_EDIT_LONG_TEXT;
    case HANGAR_FIELD_TYPE_NUMBER:
    case HANGAR_FIELD_TYPE_CURRENCY:
    case HANGAR_FIELD_TYPE_PERCENT:
    case HANGAR_FIELD_TYPE_DURATION:
      return HANGAR_CELL_EDIT_NUMBER;
    case HANGAR_FIELD_TYPE_CHECKBOX:
      return HANGAR_CELL_EDIT_CHECKBOX;
    case HANGAR_FIELD_TYPE_RATING:
      return HANGAR_CELL_EDIT_RATING;
    case HANGAR_FIELD_TYPE_SINGLE_SELECT:
    case HANGAR_FIELD_TYPE_MULTIPLE_SELECTS:
      return HANGAR_CELL_EDIT_SELECT;
    case HANGAR_FIELD_TYPE_DATE:
    case HANGAR_FIELD_TYPE_DATE_TIME:
      return HANGAR_CELL_EDIT_DATE;
    case HANGAR_FIELD_TYPE_MULTIPLE_RECORD_LINKS:
      return HANGAR_CELL_EDIT_LINKS;
    case HANGAR_FIELD_TYPE_SINGLE_COLLABORATOR:
    case HANGAR_FIELD_TYPE_MULTIPLE_COLLABORATORS:
      return HANGAR_CELL_EDIT_COLLABORATORS;
    case HANGAR_FIELD_TYPE_MULTIPLE_ATTACHMENTS:
      return HANGAR_CELL_EDIT_ATTACHMENTS;
    default:
      return HANGAR_CELL_EDIT_NONE;
    }
}

char *
hangar_cell_value_why_read_only (HangarField *field)
{
  g_return_val_if_fail (HANGAR_IS_FIELD (field), NULL);

  if (hangar_cell_edit_kind (field) != HANGAR_CELL_EDIT_NONE)
    return NULL;
  if (hangar_field_get_field_type (field) == HANGAR_FIELD_TYPE_UNKNOWN)
    return g_strdup_printf (_("“%s” is of a type this version of Hangar does not know (%s), so it is not edited"),
                            hangar_field_get_name (field), hangar_field_get_type_string (field));
  {
    g_autofree char *kind = g_utf8_strdown (hangar_field_get_display_name (field), -1);

    /* e.g. "“Total” is a rollup field: Airtable works it out, so it cannot be edited" */
    return g_strdup_printf (_("“%s” is a %s field: Airtable works it out, so it cannot be edited"),
                            hangar_field_get_name (field), kind);
  }
}

/* ---- numbers ---- */

typedef struct
{
  char decimal[8];
  char group[8];
} Separators;

static void
locale_separators (Separators *seps)
{
  const struct lconv *lc = localeconv ();

  g_strlcpy (seps->decimal, lc->decimal_point != NULL && *lc->decimal_point ? lc->decimal_point : ".",
             sizeof seps->decimal);
  g_strlcpy (seps->group, lc->thousands_sep != NULL ? lc->thousands_sep : "", sizeof seps->group);
}

/* @value with up to @decimals digits (trailing zeros dropped), the
 * locale's decimal point, no grouping: what a user retypes. */
static char *
format_editable_number (double value,
                        int    decimals)
{
  Separators seps;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *text = NULL;
  char *dot;

  locale_separators (&seps);
  if (decimals >= 0)
    {
      char format[16];

      g_snprintf (format, sizeof format, "%%.%df", CLAMP (decimals, 0, 10));
      g_ascii_formatd (buf, sizeof buf, format, value);
      if (strchr (buf, '.') != NULL)
        {
          char *end = buf + strlen (buf) - 1;

          while (*end == '0')
            *end-- = '\0';
          if (*end == '.')
            *end = '\0';
        }
    }
  else
    hangar_json_format_double (buf, value);
  if (g_str_equal (buf, "-0"))
    g_strlcpy (buf, "0", sizeof buf);

  dot = strchr (buf, '.');
  if (dot == NULL || g_str_equal (seps.decimal, "."))
    return g_strdup (buf);
  *dot = '\0';
  return g_strconcat (buf, seps.decimal, dot + 1, NULL);
}

/* Reads a number as people write it here: the locale's decimal point and
 * grouping, a leading sign, spaces (and no-break spaces) anywhere. A "."
 * is also taken as the decimal point when the locale groups with something
 * else. Returns FALSE when it is not a number. */
static gboolean
parse_locale_number (const char *text,
                     double     *out)
{
  Separators seps;
  GString *ascii = g_string_new (NULL);
  const char *p = text;
  gboolean seen_decimal = FALSE;
  gboolean digits = FALSE;
  char *end = NULL;
  double value;

  locale_separators (&seps);
  while (*p != '\0')
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || c == 0x00A0 || c == 0x202F || c == 0x2009 || c == '\'')
        ;
      else if (c >= '0' && c <= '9')
        {
          g_string_append_c (ascii, (char) c);
          digits = TRUE;
        }
      else if ((c == '-' || c == '+' || c == 0x2212) && ascii->len == 0)
        g_string_append_c (ascii, c == '+' ? '+' : '-');
      else if (seps.group[0] != '\0' && g_str_has_prefix (p, seps.group) && !seen_decimal)
        {
          p += strlen (seps.group);
          continue;
        }
      else if (g_str_has_prefix (p, seps.decimal) && !seen_decimal)
        {
          g_string_append_c (ascii, '.');
          seen_decimal = TRUE;
          p += strlen (seps.decimal);
          continue;
        }
      else if (c == '.' && !seen_decimal)
        {
          g_string_append_c (ascii, '.');
          seen_decimal = TRUE;
        }
      else if ((c == 'e' || c == 'E') && digits)
        g_string_append_c (ascii, 'e');
      else
        {
          g_string_free (ascii, TRUE);
          return FALSE;
        }
      p = g_utf8_next_char (p);
    }
  if (!digits)
    {
      g_string_free (ascii, TRUE);
      return FALSE;
    }
  value = g_ascii_strtod (ascii->str, &end);
  if (end == NULL || *end != '\0' || !isfinite (value))
    {
      g_string_free (ascii, TRUE);
      return FALSE;
    }
  g_string_free (ascii, TRUE);
  *out = value;
  return TRUE;
}

static double
round_to (double value,
          gint64 precision)
{
  double scale;

  if (precision < 0)
    return value;
  scale = pow (10, (double) CLAMP (precision, 0, 10));
  return round (value * scale) / scale;
}

/* "1:30" (h:mm), "1:30:15.5", "90" (minutes), "1.5h", "45m", "30s". */
static gboolean
parse_duration (const char *text,
                double     *out_seconds)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  gboolean negative = FALSE;
  char *p = copy;
  double parts[3] = { 0, 0, 0 };
  guint n = 0;

  if (*p == '-')
    {
      negative = TRUE;
      p++;
    }
  if (strchr (p, ':') != NULL)
    {
      g_auto(GStrv) fields = g_strsplit (p, ":", 4);

      n = g_strv_length (fields);
      if (n < 2 || n > 3)
        return FALSE;
      for (guint i = 0; i < n; i++)
        {
          char *end = NULL;

          g_strstrip (fields[i]);
          if (fields[i][0] == '\0')
            return FALSE;
          parts[i] = g_ascii_strtod (fields[i], &end);
          if (end == NULL || *end != '\0' || parts[i] < 0 || (i < n - 1 && parts[i] != floor (parts[i])))
            return FALSE;
          if (i > 0 && parts[i] >= 60)
            return FALSE;
        }
      *out_seconds = parts[0] * 3600 + parts[1] * 60 + (n == 3 ? parts[2] : 0);
    }
  else
    {
      double value;
      char unit = 'm';
      gsize len = strlen (p);

      if (len > 0 && strchr ("hms", g_ascii_tolower (p[len - 1])) != NULL)
        {
          unit = g_ascii_tolower (p[len - 1]);
          p[len - 1] = '\0';
        }
      if (!parse_locale_number (p, &value) || value < 0)
        return FALSE;
      *out_seconds = unit == 'h' ? value * 3600 : unit == 's' ? value : value * 60;
    }
  if (negative)
    *out_seconds = -*out_seconds;
  return TRUE;
}

static char *
format_duration (HangarField *field,
                 double       seconds)
{
  /* The field's own format, with "." as Airtable writes fractions. */
  g_autoptr(JsonNode) node = json_node_init_double (json_node_alloc (), seconds);

  return hangar_field_format_value_plain (field, node);
}

/* ---- dates ---- */

static const char *
date_format_name (HangarField *field)
{
  JsonObject *options = hangar_field_get_options (field);

  return object_string (options_object (options, "dateFormat"), "name");
}

static const char *
date_strftime (HangarField *field)
{
  const char *name = date_format_name (field);

  if (g_strcmp0 (name, "us") == 0)
    return "%-m/%-d/%Y";
  if (g_strcmp0 (name, "european") == 0)
    return "%-d/%-m/%Y";
  if (g_strcmp0 (name, "local") == 0 || g_strcmp0 (name, "friendly") == 0)
    return "%x";
  return "%Y-%m-%d";
}

static gboolean
twelve_hour (HangarField *field)
{
  JsonObject *options = hangar_field_get_options (field);

  return g_strcmp0 (object_string (options_object (options, "timeFormat"), "name"), "12hour") == 0;
}

/* Reads the date at the start of @text (ISO, the field's M/D or D/M order,
 * or whatever the locale writes, through GDate), and where it ended. */
static gboolean
parse_date_part (HangarField  *field,
                 const char   *text,
                 int          *y,
                 int          *m,
                 int          *d)
{
  int a, b, c, consumed = 0;
  const char *name = date_format_name (field);
  g_autoptr(GDate) date = NULL;

  if (sscanf (text, "%4d-%2d-%2d%n", &a, &b, &c, &consumed) == 3 && consumed >= 8 && a >= 1000)
    {
      *y = a; *m = b; *d = c;
      return g_date_valid_dmy (c, b, a);
    }
  if (sscanf (text, "%d%*[/.-]%d%*[/.-]%d%n", &a, &b, &c, &consumed) == 3)
    {
      if (c < 100)
        c += 2000;
      if (g_strcmp0 (name, "us") == 0)
        {
          *m = a; *d = b; *y = c;
          return g_date_valid_dmy (b, a, c);
        }
      if (g_strcmp0 (name, "european") == 0)
        {
          *d = a; *m = b; *y = c;
          return g_date_valid_dmy (a, b, c);
        }
    }
  /* The locale's own order and month names ("5.3.2024", "March 5, 2024"). */
  date = g_date_new ();
  g_date_set_parse (date, text);
  if (!g_date_valid (date))
    return FALSE;
  *y = g_date_get_year (date);
  *m = g_date_get_month (date);
  *d = g_date_get_day (date);
  return TRUE;
}

/* Splits "DATE TIME" into the date text and hours/minutes/seconds; FALSE
 * when there is no time. */
static gboolean
split_time (char   *text,
            int    *hour,
            int    *minute,
            double *second)
{
  GRegex *regex;
  g_autoptr(GMatchInfo) match = NULL;
  gboolean found = FALSE;

  regex = g_regex_new ("(?:^|[\\sT,])(\\d{1,2}):(\\d{2})(?::(\\d{2}(?:\\.\\d+)?))?\\s*([aApP]\\.?[mM]\\.?)?\\s*(Z|[+-]\\d{2}:?\\d{2})?\\s*$",
                       0, 0, NULL);
  if (g_regex_match (regex, text, 0, &match))
    {
      g_autofree char *h = g_match_info_fetch (match, 1);
      g_autofree char *mi = g_match_info_fetch (match, 2);
      g_autofree char *s = g_match_info_fetch (match, 3);
      g_autofree char *ampm = g_match_info_fetch (match, 4);
      int start = 0;

      *hour = atoi (h);
      *minute = atoi (mi);
      *second = s != NULL && *s != '\0' ? g_ascii_strtod (s, NULL) : 0;
      if (ampm != NULL && *ampm != '\0')
        {
          gboolean pm = g_ascii_tolower (ampm[0]) == 'p';

          if (*hour < 1 || *hour > 12)
            {
              g_regex_unref (regex);
              return FALSE;
            }
          *hour = (*hour % 12) + (pm ? 12 : 0);
        }
      g_match_info_fetch_pos (match, 0, &start, NULL);
      text[start] = '\0';
      found = *hour < 24 && *minute < 60 && *second < 60;
    }
  g_regex_unref (regex);
  return found;
}

static JsonNode *
parse_date (HangarField  *field,
            const char   *text,
            GError      **error)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  gboolean with_time = hangar_field_get_field_type (field) == HANGAR_FIELD_TYPE_DATE_TIME;
  int y = 0, m = 0, d = 0, hour = 0, minute = 0;
  double second = 0;
  gboolean has_time;

  /* An exact instant (what a copy from another Hangar or the API gives). */
  if (with_time && strchr (copy, 'T') != NULL)
    {
      g_autoptr(GDateTime) exact = g_date_time_new_from_iso8601 (copy, NULL);

      if (exact != NULL)
        {
          g_autoptr(GDateTime) utc = g_date_time_to_utc (exact);
          g_autofree char *iso = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S.000Z");

          return json_node_init_string (json_node_alloc (), iso);
        }
    }

  has_time = split_time (copy, &hour, &minute, &second);
  g_strstrip (copy);
  if (!parse_date_part (field, copy, &y, &m, &d))
    {
      g_set_error (error, HANGAR_CELL_VALUE_ERROR, HANGAR_CELL_VALUE_ERROR_INVALID,
                   _("“%s” is not a date"), text);
      return NULL;
    }
  if (!with_time)
    {
      g_autofree char *iso = g_strdup_printf ("%04d-%02d-%02d", y, m, d);

      return json_node_init_string (json_node_alloc (), iso);
    }
  {
    g_autoptr(GTimeZone) tz = hangar_cell_value_time_zone (field);
    g_autoptr(GDateTime) local = g_date_time_new (tz, y, m, d, has_time ? hour : 0, has_time ? minute : 0,
                                                  has_time ? second : 0);
    g_autoptr(GDateTime) utc = NULL;
    g_autofree char *iso = NULL;

    if (local == NULL)
      {
        g_set_error (error, HANGAR_CELL_VALUE_ERROR, HANGAR_CELL_VALUE_ERROR_INVALID,
                     _("“%s” is not a date and time"), text);
        return NULL;
      }
    utc = g_date_time_to_utc (local);
    iso = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S.000Z");
    return json_node_init_string (json_node_alloc (), iso);
  }
}

static char *
format_date_for_edit (HangarField *field,
                      const char  *value)
{
  if (hangar_field_get_field_type (field) == HANGAR_FIELD_TYPE_DATE_TIME)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_iso8601 (value, NULL);
      g_autoptr(GTimeZone) tz = hangar_cell_value_time_zone (field);
      g_autoptr(GDateTime) there = NULL;
      g_autofree char *format = NULL;

      if (utc == NULL)
        return g_strdup (value);
      there = g_date_time_to_timezone (utc, tz);
      format = g_strdup_printf ("%s %s", date_strftime (field), twelve_hour (field) ? "%-I:%M %p" : "%H:%M");
      return g_date_time_format (there, format);
    }
  else
    {
      int y, m, d;
      g_autoptr(GDateTime) date = NULL;

      if (sscanf (value, "%4d-%2d-%2d", &y, &m, &d) != 3 ||
          (date = g_date_time_new_utc (y, m, d, 0, 0, 0)) == NULL)
        return g_strdup (value);
      return g_date_time_format (date, date_strftime (field));
    }
}

char *
hangar_cell_value_format_day (HangarField *field,
                              int          year,
                              int          month,
                              int          day)
{
  g_autoptr(GDateTime) date = g_date_time_new_utc (year, month, day, 0, 0, 0);

  if (date == NULL)
    return g_strdup ("");
  return g_date_time_format (date, date_strftime (field));
}

/* ---- text checks ---- */

gboolean
hangar_cell_value_check_text (HangarField  *field,
                              const char   *text,
                              GError      **error)
{
  switch ((int) hangar_field_get_field_type (field))
    {
    case HANGAR_FIELD_TYPE_EMAIL:
      {
        const char *at = strchr (text, '@');

        if (at == NULL || at == text || strchr (at + 1, '.') == NULL || strpbrk (text, " \t\n<>,;") != NULL ||
            g_str_has_suffix (text, "."))
          {
            g_set_error (error, HANGAR_CELL_VALUE_ERROR, HANGAR_CELL_VALUE_ERROR_INVALID,
                         _("“%s” is not an email address"), text);
            return FALSE;
          }
      }
      return TRUE;

    case HANGAR_FIELD_TYPE_URL:
      {
        g_autofree char *with_scheme = strstr (text, "://") != NULL ? g_strdup (text) : g_strconcat ("https://", text, NULL);
        g_autoptr(GUri) uri = g_uri_parse (with_scheme, G_URI_FLAGS_NONE, NULL);

        if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
            strpbrk (text, " \t\n") != NULL ||
            (strstr (text, "://") == NULL && strchr (g_uri_get_host (uri), '.') == NULL))
          {
            g_set_error (error, HANGAR_CELL_VALUE_ERROR, HANGAR_CELL_VALUE_ERROR_INVALID,
                         _("“%s” is not a web address"), text);
            return FALSE;
          }
      }
      return TRUE;

    case HANGAR_FIELD_TYPE_PHONE_NUMBER:
      {
        guint digits = 0;

        for (const char *p = text; *p != '\0'; p++)
          {
            if (g_ascii_isdigit (*p))
              digits++;
            else if (strchr (" +-().x/", *p) == NULL && !(g_ascii_tolower (*p) == 'e' && p[1] == 'x'))
              {
                if (g_ascii_isalpha (*p) && g_ascii_strncasecmp (p, "ext", 3) == 0)
                  {
                    p += 2;
                    continue;
                  }
                digits = 0;
                break;
              }
          }
        if (digits < 3)
          {
            g_set_error (error, HANGAR_CELL_VALUE_ERROR, HANGAR_CELL_VALUE_ERROR_INVALID,
                         _("“%s” is not a phone number"), text);
            return FALSE;
          }
      }
      return TRUE;

    default:
      return TRUE;
    }
}

/* ---- to text ---- */

static char *
node_string (JsonNode *node)
{
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  return NULL;
}

static void
append_list_item (GString    *out,
                  const char *item)
{
  if (item == NULL || *item == '\0')
    return;
  if (out->len > 0)
    g_string_append (out, ", ");
  g_string_append (out, item);
}

/* A collaborator as the user refers to them: email, or name, or id. */
static const char *
collaborator_text (JsonNode *node)
{
  JsonObject *object;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);
  return object_string (object, "email") ?: object_string (object, "name") ?: object_string (object, "id");
}

char *
hangar_cell_value_to_edit_text (HangarField *field,
                                JsonNode    *value)
{
  double number;

  g_return_val_if_fail (HANGAR_IS_FIELD (field), g_strdup (""));

  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return g_strdup ("");

  switch ((int) hangar_field_get_field_type (field))
    {
    case HANGAR_FIELD_TYPE_NUMBER:
    case HANGAR_FIELD_TYPE_CURRENCY:
      if (_hangar_json_node_get_number (value, &number))
        return format_editable_number (number, -1);
      break;
    case HANGAR_FIELD_TYPE_PERCENT:
      if (_hangar_json_node_get_number (value, &number))
        {
          g_autofree char *text = format_editable_number (number * 100.0, 10);

          return g_strdup (text);
        }
      break;
    case HANGAR_FIELD_TYPE_DURATION:
      if (_hangar_json_node_get_number (value, &number))
        return format_duration (field, number);
      break;
    case HANGAR_FIELD_TYPE_RATING:
      if (_hangar_json_node_get_number (value, &number))
        return g_strdup_printf ("%d", (int) number);
      break;
    case HANGAR_FIELD_TYPE_CHECKBOX:
      return g_strdup (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_BOOLEAN &&
                       json_node_get_boolean (value) ? "true" : "");
    case HANGAR_FIELD_TYPE_DATE:
    case HANGAR_FIELD_TYPE_DATE_TIME:
      {
        g_autofree char *text = node_string (value);

        if (text != NULL)
          return format_date_for_edit (field, text);
      }
      break;
    case HANGAR_FIELD_TYPE_BARCODE:
      if (JSON_NODE_HOLDS_OBJECT (value))
        return g_strdup (object_string (json_node_get_object (value), "text") ?: "");
      break;
    case HANGAR_FIELD_TYPE_SINGLE_COLLABORATOR:
      return g_strdup (collaborator_text (value) ?: "");
    case HANGAR_FIELD_TYPE_MULTIPLE_COLLABORATORS:
    case HANGAR_FIELD_TYPE_MULTIPLE_SELECTS:
      if (JSON_NODE_HOLDS_ARRAY (value))
        {
          JsonArray *array = json_node_get_array (value);
          GString *out = g_string_new (NULL);

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              JsonNode *element = json_array_get_element (array, i);
              g_autofree char *item = JSON_NODE_HOLDS_OBJECT (element) ? g_strdup (collaborator_text (element))
                                                                        : node_string (element);

              append_list_item (out, item);
            }
          return g_string_free (out, FALSE);
        }
      break;
    default:
      break;
    }
  {
    char *text = node_string (value);

    return text != NULL ? text : hangar_grid_format_cell (field, value, NULL);
  }
}

char *
hangar_cell_value_to_copy_text (HangarField     *field,
                                JsonNode        *value,
                                HangarLinkCache *links)
{
  g_return_val_if_fail (HANGAR_IS_FIELD (field), g_strdup (""));

  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return g_strdup ("");

  switch ((int) hangar_field_get_field_type (field))
    {
    case HANGAR_FIELD_TYPE_MULTIPLE_ATTACHMENTS:
      if (JSON_NODE_HOLDS_ARRAY (value))
        {
          JsonArray *array = json_node_get_array (value);
          GString *out = g_string_new (NULL);

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              JsonNode *element = json_array_get_element (array, i);
              JsonObject *object = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
              const char *name = object_string (object, "filename");
              const char *url = object_string (object, "url");
              g_autofree char *item = url != NULL ? g_strdup_printf ("%s (%s)", name != NULL ? name : "file", url)
                                                  : g_strdup (name);

              append_list_item (out, item);
            }
          return g_string_free (out, FALSE);
        }
      break;
    case HANGAR_FIELD_TYPE_CHECKBOX:
      return g_strdup (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_BOOLEAN &&
                       json_node_get_boolean (value) ? "checked" : "");
    case HANGAR_FIELD_TYPE_SINGLE_COLLABORATOR:
    case HANGAR_FIELD_TYPE_MULTIPLE_COLLABORATORS:
    case HANGAR_FIELD_TYPE_DURATION:
    case HANGAR_FIELD_TYPE_RATING:
      return hangar_cell_value_to_edit_text (field, value);
    default:
      break;
    }
  return hangar_grid_format_cell (field, value, links);
}

/* ---- from text ---- */

char **
hangar_cell_value_split_list (const char *text)
{
  g_auto(GStrv) parts = g_strsplit_set (text != NULL ? text : "", ",;\n", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (parts[i][0] != '\0')
        g_strv_builder_add (builder, parts[i]);
    }
  return g_strv_builder_end (builder);
}

static const char *
match_choice (GPtrArray  *names,
              const char *text)
{
  for (guint i = 0; i < names->len; i++)
    if (g_str_equal (g_ptr_array_index (names, i), text))
      return g_ptr_array_index (names, i);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *a = g_utf8_casefold (g_ptr_array_index (names, i), -1);
      g_autofree char *b = g_utf8_casefold (text, -1);

      if (g_str_equal (a, b))
        return g_ptr_array_index (names, i);
    }
  return NULL;
}

static JsonNode *
parse_select (HangarField  *field,
              const char   *text,
              gboolean      allow_new,
              gboolean     *out_typecast,
              GError      **error)
{
  gboolean multiple = hangar_field_get_field_type (field) == HANGAR_FIELD_TYPE_MULTIPLE_SELECTS;
  g_autoptr(GPtrArray) names = NULL;
  g_auto(GStrv) items = NULL;
  JsonArray *array;
  JsonNode *node;

  hangar_cell_value_get_choices (field, &names, NULL);
  if (multiple)
    items = hangar_cell_value_split_list (text);
  else
    {
      items = g_new0 (char *, 2);
      items[0] = g_strstrip (g_strdup (text));
    }

  array = json_array_new ();
  for (guint i = 0; items[i] != NULL; i++)
    {
      const char *name = match_choice (names, items[i]);

      if (name == NULL && !allow_new)
        {
          json_array_unref (array);
          g_set_error (error, HANGAR_CELL_VALUE_ERROR, HANGAR_CELL_VALUE_ERROR_NEW_OPTION,
                       _("“%s” is not an option of “%s”"), items[i], hangar_field_get_name (field));
          return NULL;
        }
      if (name == NULL)
        *out_typecast = TRUE;
      json_array_add_string_element (array, name != NULL ? name : items[i]);
    }
  if (!multiple)
    {
      node = json_array_get_length (array) > 0 ? json_node_copy (json_array_get_element (array, 0))
                                                : json_node_new (JSON_NODE_NULL);
      json_array_unref (array);
      return node;
    }
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, array);
  return node;
}

static JsonNode *
collaborator_node (const char *text)
{
  JsonObject *object = json_object_new ();

  if (g_str_has_prefix (text, "usr") && strchr (text, '@') == NULL)
    json_object_set_string_member (object, "id", text);
  else
    json_object_set_string_member (object, "email", text);
  return json_node_init_object (json_node_alloc (), object);
}

JsonNode *
hangar_cell_value_from_text (HangarField  *field,
                             const char   *text,
                             gboolean      allow_new_options,
                             gboolean     *out_typecast,
                             GError      **error)
{
  g_autofree char *trimmed = NULL;
  gboolean typecast = FALSE;
  HangarFieldType type;
  double number;

  g_return_val_if_fail (HANGAR_IS_FIELD (field), NULL);

  if (out_typecast == NULL)
    out_typecast = &typecast;
  *out_typecast = FALSE;
  type = hangar_field_get_field_type (field);

  if (hangar_cell_edit_kind (field) == HANGAR_CELL_EDIT_NONE)
    {
      g_autofree char *why = hangar_cell_value_why_read_only (field);

      g_set_error (error, HANGAR_CELL_VALUE_ERROR, HANGAR_CELL_VALUE_ERROR_READ_ONLY, "%s", why);
      return NULL;
    }

  /* Long text keeps its spaces and lines; everything else is trimmed. */
  if (type == HANGAR_FIELD_TYPE_MULTILINE_TEXT || type == HANGAR_FIELD_TYPE_RICH_TEXT)
    return text == NULL || *text == '\0' ? json_node_new (JSON_NODE_NULL)
                                         : json_node_init_string (json_node_alloc (), text);
  trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  if (*trimmed == '\0')
    return json_node_new (JSON_NODE_NULL);

  switch ((int) type)
    {
    case HANGAR_FIELD_TYPE_SINGLE_LINE_TEXT:
      /* One line: newlines (a paste from elsewhere) become spaces. */
      g_strdelimit (trimmed, "\r\n", ' ');
      return json_node_init_string (json_node_alloc (), trimmed);

    case HANGAR_FIELD_TYPE_EMAIL:
    case HANGAR_FIELD_TYPE_URL:
    case HANGAR_FIELD_TYPE_PHONE_NUMBER:
      if (!hangar_cell_value_check_text (field, trimmed, error))
        return NULL;
      return json_node_init_string (json_node_alloc (), trimmed);

    case HANGAR_FIELD_TYPE_BARCODE:
      {
        JsonObject *object = json_object_new ();

        json_object_set_string_member (object, "text", trimmed);
        return json_node_init_object (json_node_alloc (), object);
      }

    case HANGAR_FIELD_TYPE_NUMBER:
    case HANGAR_FIELD_TYPE_CURRENCY:
    case HANGAR_FIELD_TYPE_PERCENT:
      {
        const char *symbol = hangar_cell_value_option_string (field, "symbol");
        GString *bare = g_string_new (trimmed);
        gboolean percent_sign = FALSE;
        gint64 precision = option_int (field, "precision", -1);

        if (symbol != NULL && *symbol != '\0')
          g_string_replace (bare, symbol, "", 0);
        for (const char *sign = "$€£¥%"; *sign != '\0'; sign = g_utf8_next_char (sign))
          {
            char one[8] = { 0 };

            g_unichar_to_utf8 (g_utf8_get_char (sign), one);
            if (strstr (bare->str, one) != NULL)
              {
                if (one[0] == '%')
                  percent_sign = TRUE;
                g_string_replace (bare, one, "", 0);
              }
          }
        if (!parse_locale_number (bare->str, &number))
          {
            g_string_free (bare, TRUE);
            g_set_error (error, HANGAR_CELL_VALUE_ERROR, HANGAR_CELL_VALUE_ERROR_INVALID,
                         _("“%s” is not a number"), trimmed);
            return NULL;
          }
        g_string_free (bare, TRUE);
        if (type == HANGAR_FIELD_TYPE_PERCENT)
          {
            /* 12.5 or 12.5 % mean 12.5 %, stored as 0.125. */
            number = round_to (number, precision) / 100.0;
            return json_node_init_double (json_node_alloc (), round_to (number, precision >= 0 ? precision + 2 : -1));
          }
        (void) percent_sign;
        number = round_to (number, precision >= 0 ? precision : type == HANGAR_FIELD_TYPE_CURRENCY ? 2 : -1);
        if (number == floor (number) && fabs (number) < 9e15)
          return json_node_init_int (json_node_alloc (), (gint64) number);
        return json_node_init_double (json_node_alloc (), number);
      }

    case HANGAR_FIELD_TYPE_DURATION:
      if (!parse_duration (trimmed, &number))
        {
          g_set_error (error, HANGAR_CELL_VALUE_ERROR, HANGAR_CELL_VALUE_ERROR_INVALID,
                       _("“%s” is not a duration (write it as h:mm, e.g. 1:30)"), trimmed);
          return NULL;
        }
      {
        const char *format = hangar_cell_value_option_string (field, "durationFormat");
        guint decimals = format != NULL && strlen (format) > 8 && format[7] == '.' ? strlen (format + 8) : 0;

        if (format == NULL || !g_str_has_prefix (format, "h:mm:ss"))
          number = round (number / 60.0) * 60.0;   /* h:mm: whole minutes */
        else
          number = round_to (number, decimals);
      }
      if (number == floor (number))
        return json_node_init_int (json_node_alloc (), (gint64) number);
      return json_node_init_double (json_node_alloc (), number);

    case HANGAR_FIELD_TYPE_RATING:
      {
        guint max = hangar_cell_value_rating_max (field);
        guint stars = 0;
        gboolean only_stars = TRUE;

        for (const char *p = trimmed; *p != '\0'; p = g_utf8_next_char (p))
          if (g_utf8_get_char (p) == 0x2605)
            stars++;
          else if (!g_unichar_isspace (g_utf8_get_char (p)) && g_utf8_get_char (p) != 0x2606)
            only_stars = FALSE;
        if (only_stars)
          number = stars;
        else if (!parse_locale_number (trimmed, &number) || number != floor (number))
          {
            g_set_error (error, HANGAR_CELL_VALUE_ERROR, HANGAR_CELL_VALUE_ERROR_INVALID,
                         _("“%s” is not a rating from 1 to %u"), trimmed, max);
            return NULL;
          }
        if (number < 0 || number > max)
          {
            g_set_error (error, HANGAR_CELL_VALUE_ERROR, HANGAR_CELL_VALUE_ERROR_INVALID,
                         _("“%s” is not a rating from 1 to %u"), trimmed, max);
            return NULL;
          }
        if (number == 0)
          return json_node_new (JSON_NODE_NULL);
        return json_node_init_int (json_node_alloc (), (gint64) number);
      }

    case HANGAR_FIELD_TYPE_CHECKBOX:
      {
        const char *yes[] = { "true", "yes", "y", "1", "checked", "x", "✓", "✔", "on" };
        const char *no[] = { "false", "no", "n", "0", "unchecked", "off" };
        g_autofree char *lower = g_utf8_strdown (trimmed, -1);

        for (guint i = 0; i < G_N_ELEMENTS (yes); i++)
          if (g_str_equal (lower, yes[i]) || g_str_equal (lower, _("checked")))
            return json_node_init_boolean (json_node_alloc (), TRUE);
        for (guint i = 0; i < G_N_ELEMENTS (no); i++)
          if (g_str_equal (lower, no[i]))
            return json_node_new (JSON_NODE_NULL);
        g_set_error (error, HANGAR_CELL_VALUE_ERROR, HANGAR_CELL_VALUE_ERROR_INVALID,
                     _("“%s” is not a checkbox value (checked, true or yes; or empty)"), trimmed);
        return NULL;
      }

    case HANGAR_FIELD_TYPE_SINGLE_SELECT:
    case HANGAR_FIELD_TYPE_MULTIPLE_SELECTS:
      return parse_select (field, trimmed, allow_new_options, out_typecast, error);

    case HANGAR_FIELD_TYPE_DATE:
    case HANGAR_FIELD_TYPE_DATE_TIME:
      return parse_date (field, trimmed, error);

    case HANGAR_FIELD_TYPE_SINGLE_COLLABORATOR:
      {
        g_auto(GStrv) items = hangar_cell_value_split_list (trimmed);

        if (items[0] == NULL || items[1] != NULL)
          {
            g_set_error (error, HANGAR_CELL_VALUE_ERROR, HANGAR_CELL_VALUE_ERROR_INVALID,
                         _("“%s” holds one person: give one email address"), hangar_field_get_name (field));
            return NULL;
          }
        return collaborator_node (items[0]);
      }

    case HANGAR_FIELD_TYPE_MULTIPLE_COLLABORATORS:
      {
        g_auto(GStrv) items = hangar_cell_value_split_list (trimmed);
        JsonArray *array = json_array_new ();
        JsonNode *node = json_node_new (JSON_NODE_ARRAY);

        for (guint i = 0; items[i] != NULL; i++)
          json_array_add_element (array, collaborator_node (items[i]));
        json_node_take_array (node, array);
        return node;
      }

    case HANGAR_FIELD_TYPE_MULTIPLE_ATTACHMENTS:
      {
        /* URLs, alone or as a copy writes them: "name (url)". */
        GRegex *regex = g_regex_new ("https?://[^\\s)]+", 0, 0, NULL);
        g_autoptr(GMatchInfo) match = NULL;
        JsonArray *array = json_array_new ();
        JsonNode *node;

        g_regex_match (regex, trimmed, 0, &match);
        while (g_match_info_matches (match))
          {
            JsonObject *object = json_object_new ();
            g_autofree char *url = g_match_info_fetch (match, 0);

            json_object_set_string_member (object, "url", url);
            json_array_add_object_element (array, object);
            g_match_info_next (match, NULL);
          }
        g_regex_unref (regex);
        if (json_array_get_length (array) == 0)
          {
            json_array_unref (array);
            g_set_error (error, HANGAR_CELL_VALUE_ERROR, HANGAR_CELL_VALUE_ERROR_INVALID,
                         _("Attachments are added from files or web addresses, not from “%s”"), trimmed);
            return NULL;
          }
        node = json_node_new (JSON_NODE_ARRAY);
        json_node_take_array (node, array);
        return node;
      }

    case HANGAR_FIELD_TYPE_MULTIPLE_RECORD_LINKS:
    default:
      g_set_error (error, HANGAR_CELL_VALUE_ERROR, HANGAR_CELL_VALUE_ERROR_INVALID,
                   _("“%s” cannot be set from text"), hangar_field_get_name (field));
      return NULL;
    }
}

/* ---- for writing ---- */

static JsonNode *
ids_only (JsonNode *value)
{
  JsonArray *out = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          const char *id = JSON_NODE_HOLDS_OBJECT (element) ? object_string (json_node_get_object (element), "id") : NULL;

          if (id != NULL)
            {
              JsonObject *keep = json_object_new ();

              json_object_set_string_member (keep, "id", id);
              json_array_add_object_element (out, keep);
            }
          else if (JSON_NODE_HOLDS_OBJECT (element))
            json_array_add_element (out, json_node_copy (element));
        }
    }
  json_node_take_array (node, out);
  return node;
}

JsonNode *
hangar_cell_value_for_write (HangarField *field,
                             JsonNode    *value)
{
  g_return_val_if_fail (HANGAR_IS_FIELD (field), NULL);

  if (hangar_cell_edit_kind (field) == HANGAR_CELL_EDIT_NONE)
    return NULL;
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return json_node_new (JSON_NODE_NULL);

  switch ((int) hangar_field_get_field_type (field))
    {
    case HANGAR_FIELD_TYPE_MULTIPLE_ATTACHMENTS:
    case HANGAR_FIELD_TYPE_MULTIPLE_COLLABORATORS:
      return ids_only (value);
    case HANGAR_FIELD_TYPE_SINGLE_COLLABORATOR:
      if (JSON_NODE_HOLDS_OBJECT (value) && object_string (json_node_get_object (value), "id") != NULL)
        {
          JsonObject *keep = json_object_new ();

          json_object_set_string_member (keep, "id", object_string (json_node_get_object (value), "id"));
          return json_node_init_object (json_node_alloc (), keep);
        }
      return json_node_copy (value);
    case HANGAR_FIELD_TYPE_MULTIPLE_RECORD_LINKS:
      if (JSON_NODE_HOLDS_ARRAY (value))
        {
          JsonArray *array = json_node_get_array (value);
          JsonArray *out = json_array_new ();
          JsonNode *node = json_node_new (JSON_NODE_ARRAY);

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              JsonNode *element = json_array_get_element (array, i);
              const char *id = JSON_NODE_HOLDS_OBJECT (element) ? object_string (json_node_get_object (element), "id")
                                                                : NULL;
              g_autofree char *text = id == NULL ? node_string (element) : NULL;

              if (id != NULL || text != NULL)
                json_array_add_string_element (out, id != NULL ? id : text);
            }
          json_node_take_array (node, out);
          return node;
        }
      return json_node_copy (value);
    default:
      return json_node_copy (value);
    }
}

JsonNode *
hangar_cell_value_default (HangarField *field)
{
  JsonObject *options;
  JsonNode *node;

  g_return_val_if_fail (HANGAR_IS_FIELD (field), NULL);

  if (hangar_cell_edit_kind (field) == HANGAR_CELL_EDIT_NONE)
    return NULL;
  options = hangar_field_get_options (field);
  node = options != NULL ? json_object_get_member (options, "defaultValue") : NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  return json_node_copy (node);
}
