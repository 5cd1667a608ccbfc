/* sandbox-store-string.c — cellFormat=string: cells as display text
 * for a time zone and a user locale (src/sandbox/README.md describes the
 * format)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox-store-private.h"

static void
append_number (GString      *s,
               double        value,
               int           precision)
{
  g_autofree char *text = g_strdup_printf ("%.*f", precision, value);

  g_string_append (s, text);
}

/* ---------------------------------------------- cellFormat=string locales */

/* What userLocale changes in cellFormat=string (the sandbox's own choice;
 * Airtable calls its string format unstable): separators, the "local" and
 * "friendly" date formats, and the clock when a field names none. */
typedef enum { FRIENDLY_MDY, FRIENDLY_DMY, FRIENDLY_DMY_DOT } FriendlyStyle;

typedef struct
{
  const char         *decimal;
  const char         *group;
  const char         *local_date;   /* moment's "l" as a g_date_time_format pattern */
  FriendlyStyle       friendly;     /* moment's "LL" */
  const char * const *months;
  gboolean            h24;          /* default clock when a field has no timeFormat */
} StringLocale;

static const char * const months_en[] = { "January", "February", "March", "April", "May", "June", "July",
                                          "August", "September", "October", "November", "December" };
static const char * const months_de[] = { "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli",
                                          "August", "September", "Oktober", "November", "Dezember" };
static const char * const months_fr[] = { "janvier", "février", "mars", "avril", "mai", "juin", "juillet",
                                          "août", "septembre", "octobre", "novembre", "décembre" };

static const StringLocale locale_en_us = { ".", ",", "%-m/%-d/%Y", FRIENDLY_MDY, months_en, FALSE };
static const StringLocale locale_en_gb = { ".", ",", "%-d/%-m/%Y", FRIENDLY_DMY, months_en, TRUE };
static const StringLocale locale_de = { ",", ".", "%-d.%-m.%Y", FRIENDLY_DMY_DOT, months_de, TRUE };
/* French groups with a narrow no-break space (U+202F), as Intl does */
static const StringLocale locale_fr = { ",", "\xe2\x80\xaf", "%-d/%-m/%Y", FRIENDLY_DMY, months_fr, TRUE };

static gboolean
locale_is (const char *tag,
           const char *language)
{
  gsize n = strlen (language);

  return g_ascii_strncasecmp (tag, language, n) == 0 && (tag[n] == '\0' || tag[n] == '-' || tag[n] == '_');
}

/* en-us (and every locale not listed) · en-gb, en-au, en-nz, en-ie, en-za,
 * en-in · de-* · fr-*. */
static const StringLocale *
string_locale (const char *tag)
{
  static const char * const day_first_english[] = { "en-gb", "en-au", "en-nz", "en-ie", "en-za", "en-in" };

  if (tag == NULL)
    return &locale_en_us;
  for (guint i = 0; i < G_N_ELEMENTS (day_first_english); i++)
    if (g_ascii_strncasecmp (tag, day_first_english[i], 2) == 0 && strlen (tag) == 5
        && (tag[2] == '-' || tag[2] == '_') && g_ascii_strcasecmp (tag + 3, day_first_english[i] + 3) == 0)
      return &locale_en_gb;
  if (locale_is (tag, "de"))
    return &locale_de;
  if (locale_is (tag, "fr"))
    return &locale_fr;
  return &locale_en_us;
}

/* @value with @precision decimals, the locale's decimal mark, and (when
 * @group) thousands grouped: 1234567.5 → "1,234,567.50" / "1.234.567,50". */
static void
append_locale_number (GString            *s,
                      const StringLocale *loc,
                      double              value,
                      int                 precision,
                      gboolean            group)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE + 400];
  char format[16];
  const char *digits = buf;
  const char *dot;
  gsize int_len;

  g_snprintf (format, sizeof format, "%%.%df", CLAMP (precision, 0, 8));
  g_ascii_formatd (buf, sizeof buf, format, value);
  if (*digits == '-')
    {
      g_string_append_c (s, '-');
      digits++;
    }
  dot = strchr (digits, '.');
  int_len = dot != NULL ? (gsize) (dot - digits) : strlen (digits);
  for (gsize i = 0; i < int_len; i++)
    {
      if (group && i > 0 && (int_len - i) % 3 == 0)
        g_string_append (s, loc->group);
      g_string_append_c (s, digits[i]);
    }
  if (dot != NULL)
    {
      g_string_append (s, loc->decimal);
      g_string_append (s, dot + 1);
    }
}

/* The options that describe a date: the field's, or its result's
 * (createdTime, lastModifiedTime, formula). */
static JsonObject *
date_options (SandboxField *field)
{
  JsonNode *result;

  if (field->options == NULL)
    return NULL;
  result = json_object_get_member (field->options, "result");
  if (result != NULL && JSON_NODE_HOLDS_OBJECT (result))
    {
      JsonNode *options = json_object_get_member (json_node_get_object (result), "options");

      return options != NULL && JSON_NODE_HOLDS_OBJECT (options) ? json_node_get_object (options) : NULL;
    }
  return field->options;
}

static const char *
format_name (JsonObject *options,
             const char *member)
{
  JsonNode *node = options != NULL ? json_object_get_member (options, member) : NULL;
  JsonNode *name;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  name = json_object_get_member (json_node_get_object (node), "name");
  return sandbox_node_is_string (name) ? json_node_get_string (name) : NULL;
}

static void
append_locale_date (GString            *s,
                    const StringLocale *loc,
                    JsonObject         *options,
                    GDateTime          *dt)
{
  const char *name = format_name (options, "dateFormat");
  g_autofree char *text = NULL;
  int day = g_date_time_get_day_of_month (dt);
  const char *month = loc->months[g_date_time_get_month (dt) - 1];
  int year = g_date_time_get_year (dt);

  if (g_strcmp0 (name, "iso") == 0)
    text = g_date_time_format (dt, "%Y-%m-%d");
  else if (g_strcmp0 (name, "us") == 0)
    text = g_date_time_format (dt, "%-m/%-d/%Y");
  else if (g_strcmp0 (name, "european") == 0)
    text = g_date_time_format (dt, "%-d/%-m/%Y");
  else if (g_strcmp0 (name, "friendly") == 0)
    switch (loc->friendly)
      {
      case FRIENDLY_MDY:
        text = g_strdup_printf ("%s %d, %d", month, day, year);
        break;
      case FRIENDLY_DMY:
        text = g_strdup_printf ("%d %s %d", day, month, year);
        break;
      case FRIENDLY_DMY_DOT:
      default:
        text = g_strdup_printf ("%d. %s %d", day, month, year);
        break;
      }
  else
    text = g_date_time_format (dt, loc->local_date);
  g_string_append (s, text);
}

static void
append_locale_time (GString            *s,
                    const StringLocale *loc,
                    JsonObject         *options,
                    GDateTime          *dt)
{
  const char *name = format_name (options, "timeFormat");
  gboolean h24 = name != NULL ? g_str_equal (name, "24hour") : loc->h24;
  int hour = g_date_time_get_hour (dt);
  int minute = g_date_time_get_minute (dt);

  /* by hand: %P follows the process's LC_TIME ("" in de_DE) */
  if (h24)
    g_string_append_printf (s, "%02d:%02d", hour, minute);
  else
    g_string_append_printf (s, "%d:%02d%s", hour % 12 == 0 ? 12 : hour % 12, minute, hour < 12 ? "am" : "pm");
}

/* A dateTime field's own time zone wins over the request's ("utc" or an
 * IANA name); "client" or none means the request's timeZone. */
static GTimeZone *
display_zone (JsonObject *options,
              GTimeZone  *request_zone)
{
  JsonNode *node = options != NULL ? json_object_get_member (options, "timeZone") : NULL;
  const char *name = sandbox_node_is_string (node) ? json_node_get_string (node) : NULL;
  GTimeZone *zone;

  if (name != NULL && g_str_equal (name, "utc"))
    return g_time_zone_new_utc ();
  if (name != NULL && !g_str_equal (name, "client") && (zone = g_time_zone_new_identifier (name)) != NULL)
    return zone;
  return request_zone != NULL ? g_time_zone_ref (request_zone) : g_time_zone_new_utc ();
}

static void
append_duration (GString      *s,
                 SandboxField *field,
                 double        seconds)
{
  const char *format = _sandbox_store_option_string (field, "durationFormat");
  double whole;
  double frac;
  gint64 total;

  if (seconds < 0)
    {
      g_string_append_c (s, '-');
      seconds = -seconds;
    }
  frac = modf (seconds, &whole);
  total = (gint64) whole;
  if (format == NULL || g_str_equal (format, "h:mm"))
    {
      g_string_append_printf (s, "%" G_GINT64_FORMAT ":%02d", total / 3600, (int) (total / 60 % 60));
      return;
    }
  g_string_append_printf (s, "%" G_GINT64_FORMAT ":%02d:%02d", total / 3600, (int) (total / 60 % 60), (int) (total % 60));
  if (g_str_has_prefix (format, "h:mm:ss."))
    {
      int places = (int) strlen (format + strlen ("h:mm:ss."));
      g_autofree char *tail = g_strdup_printf ("%.*f", CLAMP (places, 1, 3), frac);

      g_string_append (s, strchr (tail, '.') != NULL ? strchr (tail, '.') : "");
    }
}

/* The cellFormat=string text of a scalar (number or date) in @loc; FALSE
 * when @value is not one this function formats. */
static gboolean
append_locale_scalar (GString            *s,
                      const StringLocale *loc,
                      SandboxField       *field,
                      JsonNode           *value,
                      GTimeZone          *zone)
{
  SandboxField result_view;
  JsonNode *result = NULL;

  /* formula, rollup and lookup values are shown as their result type */
  if (field->options != NULL
      && _sandbox_store_type_in (field->type, (const char * const[]) { "formula", "rollup", "multipleLookupValues", NULL }))
    result = json_object_get_member (field->options, "result");
  if (result != NULL && JSON_NODE_HOLDS_OBJECT (result))
    {
      JsonObject *r = json_node_get_object (result);
      const char *rtype = json_object_get_string_member_with_default (r, "type", NULL);
      JsonNode *roptions = json_object_get_member (r, "options");

      if (rtype != NULL)
        {
          result_view = *field;
          result_view.type = (char *) rtype;
          result_view.options = roptions != NULL && JSON_NODE_HOLDS_OBJECT (roptions) ? json_node_get_object (roptions) : NULL;
          field = &result_view;
        }
    }

  if (sandbox_node_is_number (value))
    {
      double v = sandbox_node_number (value);
      gboolean integral = v == floor (v) && fabs (v) < 1e15;
      int precision = (int) _sandbox_store_option_number (field, "precision", integral ? 0 : 2);

      if (g_str_equal (field->type, "currency"))
        {
          const char *symbol = _sandbox_store_option_string (field, "symbol");

          if (v < 0)
            g_string_append_c (s, '-');
          g_string_append (s, symbol != NULL ? symbol : "$");
          append_locale_number (s, loc, fabs (v), precision, TRUE);
        }
      else if (g_str_equal (field->type, "percent"))
        {
          append_locale_number (s, loc, v * 100, precision, TRUE);
          g_string_append_c (s, '%');
        }
      else if (g_str_equal (field->type, "duration"))
        append_duration (s, field, v);
      else if (g_str_equal (field->type, "number"))
        append_locale_number (s, loc, v, precision, TRUE);
      else
        /* counts, ratings, autonumbers, formula and rollup results */
        append_locale_number (s, loc, v, integral ? 0 : precision, FALSE);
      return TRUE;
    }

  if (sandbox_node_is_string (value))
    {
      const char *text = json_node_get_string (value);
      JsonObject *options = date_options (field);
      gboolean date_field = g_str_equal (field->type, "date");
      gboolean time_field = g_str_equal (field->type, "dateTime") || g_str_equal (field->type, "createdTime")
                            || g_str_equal (field->type, "lastModifiedTime");
      gint64 ms;
      gboolean date_only;

      if ((date_field || time_field) && sandbox_parse_time (text, NULL, &ms, &date_only))
        {
          g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (ms / 1000);

          if (date_field || date_only)
            append_locale_date (s, loc, options, utc);
          else
            {
              g_autoptr(GTimeZone) tz = display_zone (options, zone);
              g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);

              append_locale_date (s, loc, options, local);
              g_string_append_c (s, ' ');
              append_locale_time (s, loc, options, local);
            }
          return TRUE;
        }
    }
  return FALSE;
}

static char *
cell_to_string (SandboxServer      *self,
                SandboxTable       *table,
                SandboxField       *field,
                JsonNode           *value,
                GTimeZone          *zone,
                const StringLocale *loc)
{
  GString *s = g_string_new (NULL);

  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return g_string_free (s, FALSE);

  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);
      SandboxTable *linked = NULL;
      SandboxField *primary = NULL;

      if (g_str_equal (field->type, "multipleRecordLinks"))
        {
          linked = sandbox_server_find_table_by_id (self, _sandbox_store_option_string (field, "linkedTableId"));
          primary = linked != NULL ? sandbox_table_primary_field (linked) : NULL;
        }
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);
          g_autofree char *text = NULL;

          if (primary != NULL && sandbox_node_is_string (item))
            {
              SandboxRecord *other = g_hash_table_lookup (linked->records_by_id, json_node_get_string (item));
              g_autoptr(JsonNode) pv = other != NULL ? sandbox_record_get_cell (self, linked, other, primary) : NULL;

              text = cell_to_string (self, linked, primary, pv, zone, loc);
            }
          else if (JSON_NODE_HOLDS_OBJECT (item))
            {
              JsonObject *obj = json_node_get_object (item);

              if (json_object_has_member (obj, "filename"))
                text = g_strdup_printf ("%s (%s)", json_object_get_string_member_with_default (obj, "filename", ""),
                                        json_object_get_string_member_with_default (obj, "url", ""));
              else
                text = g_strdup (json_object_get_string_member_with_default (obj, "name", ""));
            }
          else if (loc != NULL && (sandbox_node_is_number (item) || sandbox_node_is_string (item)))
            {
              /* lookups and rollup arrays: the items in the locale too */
              g_autoptr(GString) one = g_string_new (NULL);

              if (!append_locale_scalar (one, loc, field, item, zone))
                g_string_append (one, sandbox_node_is_string (item) ? json_node_get_string (item) : "");
              text = g_string_free (g_steal_pointer (&one), FALSE);
            }
          else if (sandbox_node_is_number (item))
            text = g_strdup_printf ("%g", sandbox_node_number (item));
          else if (sandbox_node_is_string (item))
            text = g_strdup (json_node_get_string (item));
          else
            text = g_strdup ("");
          if (i > 0)
            g_string_append (s, ", ");
          g_string_append (s, text);
        }
      return g_string_free (s, FALSE);
    }

  if (JSON_NODE_HOLDS_OBJECT (value))
    {
      JsonObject *obj = json_node_get_object (value);

      if (json_object_has_member (obj, "name"))
        g_string_append (s, json_object_get_string_member_with_default (obj, "name", ""));
      else if (json_object_has_member (obj, "text"))
        g_string_append (s, json_object_get_string_member_with_default (obj, "text", ""));
      else if (json_object_has_member (obj, "error"))
        g_string_append (s, "#ERROR!");
      return g_string_free (s, FALSE);
    }

  if (sandbox_node_is_type (value, G_TYPE_BOOLEAN))
    {
      g_string_append (s, json_node_get_boolean (value) ? "checked" : "");
      return g_string_free (s, FALSE);
    }

  if (loc != NULL && append_locale_scalar (s, loc, field, value, zone))
    return g_string_free (s, FALSE);

  if (sandbox_node_is_number (value))
    {
      double v = sandbox_node_number (value);
      int precision = (int) _sandbox_store_option_number (field, "precision", v == floor (v) ? 0 : 2);

      if (g_str_equal (field->type, "currency"))
        {
          g_string_append (s, _sandbox_store_option_string (field, "symbol") != NULL ? _sandbox_store_option_string (field, "symbol") : "$");
          append_number (s, v, precision);
        }
      else if (g_str_equal (field->type, "percent"))
        {
          append_number (s, v * 100, precision);
          g_string_append_c (s, '%');
        }
      else if (g_str_equal (field->type, "duration"))
        g_string_append_printf (s, "%d:%02d", (int) (v / 3600), (int) fmod (v / 60, 60));
      else if (v == floor (v) && fabs (v) < 1e15)
        g_string_append_printf (s, "%" G_GINT64_FORMAT, (gint64) v);
      else
        append_number (s, v, precision);
      return g_string_free (s, FALSE);
    }

  if (sandbox_node_is_string (value))
    {
      const char *text = json_node_get_string (value);
      gint64 ms;
      gboolean date_only;

      if ((g_str_equal (field->type, "dateTime") || g_str_equal (field->type, "createdTime"))
          && sandbox_parse_time (text, NULL, &ms, &date_only) && !date_only)
        {
          g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (ms / 1000);
          g_autoptr(GDateTime) local = zone != NULL ? g_date_time_to_timezone (utc, zone) : g_date_time_ref (utc);
          g_autofree char *f = g_date_time_format (local, "%-m/%-d/%Y");
          int hour = g_date_time_get_hour (local);

          g_string_append_printf (s, "%s %d:%02d%s", f, hour % 12 == 0 ? 12 : hour % 12,
                                  g_date_time_get_minute (local), hour < 12 ? "am" : "pm");
        }
      else if (g_str_equal (field->type, "date") && sandbox_parse_time (text, NULL, &ms, &date_only))
        {
          g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (ms / 1000);
          g_autofree char *f = g_date_time_format (utc, "%-m/%-d/%Y");

          g_string_append (s, f);
        }
      else
        g_string_append (s, text);
    }
  return g_string_free (s, FALSE);
}

/* The plain text of a cell (sorting, formula lookups): no locale. */
char *
sandbox_cell_to_string (SandboxServer *self,
                        SandboxTable  *table,
                        SandboxField  *field,
                        JsonNode      *value,
                        GTimeZone     *zone)
{
  return cell_to_string (self, table, field, value, zone, NULL);
}

/* cellFormat=string: the cell as display text for @zone and @user_locale. */
char *
sandbox_cell_to_display (SandboxServer *self,
                         SandboxTable  *table,
                         SandboxField  *field,
                         JsonNode      *value,
                         GTimeZone     *zone,
                         const char    *user_locale)
{
  return cell_to_string (self, table, field, value, zone, string_locale (user_locale));
}
