/* sandbox-formula-fn-date.c — date and time functions
 *
 * The language and the choices this implementation makes are described in
 * src/sandbox/README.md ("filterByFormula").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "sandbox-formula-private.h"

#include <math.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Date functions                                                      */
/* ------------------------------------------------------------------ */

typedef enum
{
  UNIT_NONE,
  UNIT_MS,
  UNIT_SECOND,
  UNIT_MINUTE,
  UNIT_HOUR,
  UNIT_DAY,
  UNIT_WEEK,
  UNIT_MONTH,
  UNIT_QUARTER,
  UNIT_YEAR,
} Unit;

static Unit
parse_unit (const char *text)
{
  static const struct { const char *name; Unit unit; } names[] = {
    { "millisecond", UNIT_MS }, { "ms", UNIT_MS },
    { "second", UNIT_SECOND }, { "s", UNIT_SECOND },
    { "minute", UNIT_MINUTE },
    { "hour", UNIT_HOUR }, { "h", UNIT_HOUR },
    { "day", UNIT_DAY }, { "d", UNIT_DAY },
    { "week", UNIT_WEEK }, { "w", UNIT_WEEK },
    { "month", UNIT_MONTH },
    { "quarter", UNIT_QUARTER },
    { "year", UNIT_YEAR }, { "y", UNIT_YEAR },
  };
  g_autofree char *lower = NULL;
  gsize len;

  /* case matters for the one-letter forms */
  if (g_str_equal (text, "M"))
    return UNIT_MONTH;
  if (g_str_equal (text, "m"))
    return UNIT_MINUTE;
  if (g_str_equal (text, "Q"))
    return UNIT_QUARTER;
  lower = g_ascii_strdown (text, -1);
  g_strstrip (lower);
  len = strlen (lower);
  if (len > 2 && lower[len - 1] == 's')
    lower[len - 1] = '\0';
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (lower, names[i].name))
      return names[i].unit;
  return UNIT_NONE;
}

static gint64
unit_microseconds (Unit unit)
{
  switch (unit)
    {
    case UNIT_MS: return G_TIME_SPAN_MILLISECOND;
    case UNIT_SECOND: return G_TIME_SPAN_SECOND;
    case UNIT_MINUTE: return G_TIME_SPAN_MINUTE;
    case UNIT_HOUR: return G_TIME_SPAN_HOUR;
    case UNIT_DAY: return G_TIME_SPAN_DAY;
    case UNIT_WEEK: return 7 * G_TIME_SPAN_DAY;
    case UNIT_NONE:
    case UNIT_MONTH:
    case UNIT_QUARTER:
    case UNIT_YEAR:
    default:
      return 0;
    }
}

/* Date argument: returns an error value, or NULL with *out set (NULL = blank). */
static FormulaValue *
date_arg (FormulaValue *v, GDateTime **out, gboolean *date_only)
{
  if (v->kind == VAL_ERROR)
    return _sandbox_formula_value_copy (v);
  if (!_sandbox_formula_value_to_date (v, out, date_only))
    return _sandbox_formula_value_error ("#ERROR!");
  return NULL;
}

#define DATE_ARG(v, out, date_only)                 \
  G_STMT_START {                                    \
    FormulaValue *err_ = date_arg ((v), (out), (date_only)); \
    if (err_ != NULL)                               \
      return err_;                                  \
  } G_STMT_END

static FormulaValue *
fn_today (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  GDateTime *now = _sandbox_formula_ctx_now (ctx);

  return _sandbox_formula_value_date (g_date_time_new_utc (g_date_time_get_year (now),
                                          g_date_time_get_month (now),
                                          g_date_time_get_day_of_month (now), 0, 0, 0),
                     TRUE);
}

static FormulaValue *
fn_now (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  return _sandbox_formula_value_date (g_date_time_ref (_sandbox_formula_ctx_now (ctx)), FALSE);
}

static FormulaValue *
before_after (FormulaValue **args, int want)
{
  g_autoptr(GDateTime) a = NULL;
  g_autoptr(GDateTime) b = NULL;

  DATE_ARG (args[0], &a, NULL);
  DATE_ARG (args[1], &b, NULL);
  if (a == NULL || b == NULL)
    return _sandbox_formula_value_blank ();
  return _sandbox_formula_value_bool (g_date_time_compare (a, b) == want);
}

static FormulaValue *
fn_is_before (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  return before_after (args, -1);
}

static FormulaValue *
fn_is_after (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  return before_after (args, 1);
}

/* @dt cut down to the start of its @unit (in its own time zone). */
static GDateTime *
truncate_to (GDateTime *dt, Unit unit)
{
  int y = g_date_time_get_year (dt), mo = g_date_time_get_month (dt);
  int d = g_date_time_get_day_of_month (dt), h = g_date_time_get_hour (dt);
  int mi = g_date_time_get_minute (dt);
  double s = g_date_time_get_second (dt);
  GTimeZone *tz = g_date_time_get_timezone (dt);

  switch (unit)
    {
    case UNIT_YEAR: mo = 1; G_GNUC_FALLTHROUGH;
    case UNIT_QUARTER: if (unit == UNIT_QUARTER) mo = ((mo - 1) / 3) * 3 + 1; G_GNUC_FALLTHROUGH;
    case UNIT_MONTH: d = 1; G_GNUC_FALLTHROUGH;
    case UNIT_DAY: h = 0; G_GNUC_FALLTHROUGH;
    case UNIT_HOUR: mi = 0; G_GNUC_FALLTHROUGH;
    case UNIT_MINUTE: s = 0; break;
    case UNIT_SECOND: s = floor (s); break;
    case UNIT_WEEK:
      {
        g_autoptr(GDateTime) day = g_date_time_new (tz, y, mo, d, 0, 0, 0);
        int back = g_date_time_get_day_of_week (dt) % 7;  /* Sunday = 0 */

        return day ? g_date_time_add_days (day, -back) : NULL;
      }
    case UNIT_MS:
      s = floor (s * 1000) / 1000;
      break;
    case UNIT_NONE:
    default:
      return g_date_time_ref (dt);
    }
  return g_date_time_new (tz, y, mo, d, h, mi, s);
}

static FormulaValue *
fn_is_same (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  g_autoptr(GDateTime) a = NULL;
  g_autoptr(GDateTime) b = NULL;
  g_autoptr(GDateTime) ta = NULL;
  g_autoptr(GDateTime) tb = NULL;
  Unit unit = UNIT_NONE;

  DATE_ARG (args[0], &a, NULL);
  DATE_ARG (args[1], &b, NULL);
  if (n > 2)
    {
      g_autofree char *u = NULL;

      TEXT_ARG (args[2], u);
      unit = parse_unit (u);
      if (unit == UNIT_NONE)
        return _sandbox_formula_value_error ("#ERROR!");
    }
  if (a == NULL || b == NULL)
    return _sandbox_formula_value_blank ();
  if (unit == UNIT_NONE)
    return _sandbox_formula_value_bool (g_date_time_compare (a, b) == 0);
  {
    /* compare in the first date's zone */
    g_autoptr(GDateTime) b2 = g_date_time_to_timezone (b, g_date_time_get_timezone (a));

    if (b2 == NULL)
      return _sandbox_formula_value_error ("#ERROR!");
    ta = truncate_to (a, unit);
    tb = truncate_to (b2, unit);
  }
  if (ta == NULL || tb == NULL)
    return _sandbox_formula_value_error ("#ERROR!");
  return _sandbox_formula_value_bool (g_date_time_compare (ta, tb) == 0);
}

/* Whole calendar months from @b to @a (a − b), truncated toward zero. */
static gint64
months_between (GDateTime *a, GDateTime *b)
{
  gint64 whole = (gint64) (g_date_time_get_year (a) - g_date_time_get_year (b)) * 12 +
                 (g_date_time_get_month (a) - g_date_time_get_month (b));
  g_autoptr(GDateTime) anchor = g_date_time_add_months (b, (int) whole);
  int dir = g_date_time_compare (a, b);

  if (anchor == NULL)
    return whole;
  if (dir >= 0 && g_date_time_compare (anchor, a) > 0)
    whole--;
  else if (dir < 0 && g_date_time_compare (anchor, a) < 0)
    whole++;
  return whole;
}

static FormulaValue *
fn_datetime_diff (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  g_autoptr(GDateTime) a = NULL;
  g_autoptr(GDateTime) b = NULL;
  Unit unit = UNIT_SECOND;
  GTimeSpan span;

  DATE_ARG (args[0], &a, NULL);
  DATE_ARG (args[1], &b, NULL);
  if (n > 2)
    {
      g_autofree char *u = NULL;

      TEXT_ARG (args[2], u);
      unit = parse_unit (u);
      if (unit == UNIT_NONE)
        return _sandbox_formula_value_error ("#ERROR!");
    }
  if (a == NULL || b == NULL)
    return _sandbox_formula_value_blank ();
  switch (unit)
    {
    case UNIT_MONTH:
      return _sandbox_formula_value_number ((double) months_between (a, b));
    case UNIT_QUARTER:
      return _sandbox_formula_value_number ((double) (months_between (a, b) / 3));
    case UNIT_YEAR:
      return _sandbox_formula_value_number ((double) (months_between (a, b) / 12));
    case UNIT_NONE:
    case UNIT_MS:
    case UNIT_SECOND:
    case UNIT_MINUTE:
    case UNIT_HOUR:
    case UNIT_DAY:
    case UNIT_WEEK:
    default:
      span = g_date_time_difference (a, b);
      return _sandbox_formula_value_number ((double) (span / unit_microseconds (unit)));
    }
}

static FormulaValue *
fn_dateadd (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  g_autoptr(GDateTime) d = NULL;
  g_autofree char *u = NULL;
  gboolean date_only = FALSE;
  double count;
  Unit unit;
  GDateTime *r;

  DATE_ARG (args[0], &d, &date_only);
  NUMBER_ARG (args[1], &count);
  TEXT_ARG (args[2], u);
  unit = parse_unit (u);
  if (unit == UNIT_NONE || isnan (count))
    return _sandbox_formula_value_error ("#ERROR!");
  if (d == NULL)
    return _sandbox_formula_value_blank ();
  switch (unit)
    {
    case UNIT_MONTH:
    case UNIT_QUARTER:
    case UNIT_YEAR:
      {
        double months = trunc (count) * (unit == UNIT_YEAR ? 12 : unit == UNIT_QUARTER ? 3 : 1);

        if (fabs (months) > 120000)
          return _sandbox_formula_value_error ("#ERROR!");
        r = g_date_time_add_months (d, (int) months);
        break;
      }
    case UNIT_NONE:
    case UNIT_MS:
    case UNIT_SECOND:
    case UNIT_MINUTE:
    case UNIT_HOUR:
    case UNIT_DAY:
    case UNIT_WEEK:
    default:
      {
        double us = count * (double) unit_microseconds (unit);

        if (fabs (us) > 3.2e17)
          return _sandbox_formula_value_error ("#ERROR!");
        r = g_date_time_add (d, (GTimeSpan) llround (us));
        if (unit < UNIT_DAY || count != trunc (count))
          date_only = FALSE;
        break;
      }
    }
  return _sandbox_formula_value_date (r, date_only);
}

static FormulaValue *
date_part (FormulaValue **args, int part)
{
  g_autoptr(GDateTime) d = NULL;

  DATE_ARG (args[0], &d, NULL);
  if (d == NULL)
    return _sandbox_formula_value_blank ();
  switch (part)
    {
    case 0: return _sandbox_formula_value_number (g_date_time_get_year (d));
    case 1: return _sandbox_formula_value_number (g_date_time_get_month (d));
    case 2: return _sandbox_formula_value_number (g_date_time_get_day_of_month (d));
    case 3: return _sandbox_formula_value_number (g_date_time_get_hour (d));
    case 4: return _sandbox_formula_value_number (g_date_time_get_minute (d));
    case 5:
    default:
      return _sandbox_formula_value_number (g_date_time_get_second (d));
    }
}

static FormulaValue *
fn_year (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  return date_part (args, 0);
}

static FormulaValue *
fn_month (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  return date_part (args, 1);
}

static FormulaValue *
fn_day (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  return date_part (args, 2);
}

static FormulaValue *
fn_hour (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  return date_part (args, 3);
}

static FormulaValue *
fn_minute (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  return date_part (args, 4);
}

static FormulaValue *
fn_second (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  return date_part (args, 5);
}

/* 0 = Sunday, or 0 = Monday when @start says so. */
static FormulaValue *
weekday_start (FormulaValue **args, guint n, gboolean *monday)
{
  *monday = FALSE;
  if (n > 1)
    {
      g_autofree char *s = NULL;

      TEXT_ARG (args[1], s);
      if (g_ascii_strcasecmp (s, "monday") == 0)
        *monday = TRUE;
      else if (s[0] != '\0' && g_ascii_strcasecmp (s, "sunday") != 0)
        return _sandbox_formula_value_error ("#ERROR!");
    }
  return NULL;
}

static FormulaValue *
fn_weekday (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  g_autoptr(GDateTime) d = NULL;
  gboolean monday;
  FormulaValue *err;
  int dow;

  DATE_ARG (args[0], &d, NULL);
  if ((err = weekday_start (args, n, &monday)) != NULL)
    return err;
  if (d == NULL)
    return _sandbox_formula_value_blank ();
  dow = g_date_time_get_day_of_week (d);  /* 1 = Monday … 7 = Sunday */
  return _sandbox_formula_value_number (monday ? dow - 1 : dow % 7);
}

static FormulaValue *
fn_weeknum (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  g_autoptr(GDateTime) d = NULL;
  gboolean monday;
  FormulaValue *err;
  int doy, jan1;

  DATE_ARG (args[0], &d, NULL);
  if ((err = weekday_start (args, n, &monday)) != NULL)
    return err;
  if (d == NULL)
    return _sandbox_formula_value_blank ();
  doy = g_date_time_get_day_of_year (d);
  /* weekday of January 1st relative to the week start */
  jan1 = (g_date_time_get_day_of_week (d) - (doy - 1) % 7 + 14) % 7;  /* 0 = Sunday */
  if (monday)
    jan1 = (jan1 + 6) % 7;
  return _sandbox_formula_value_number ((doy - 1 + jan1) / 7 + 1);
}

static FormulaValue *
fn_created_time (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  JsonNode *cell = ctx->cell ? ctx->cell (SANDBOX_FORMULA_CREATED_TIME, ctx->record) : NULL;
  FormulaValue *v = _sandbox_formula_value_from_cell (cell, "createdTime");

  if (cell != NULL)
    json_node_unref (cell);
  return v;
}

static FormulaValue *
fn_last_modified_time (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  JsonNode *cell = ctx->cell ? ctx->cell (SANDBOX_FORMULA_LAST_MODIFIED_TIME, ctx->record) : NULL;
  FormulaValue *v;

  if (cell == NULL)
    return fn_created_time (ctx, args, n);
  v = _sandbox_formula_value_from_cell (cell, "lastModifiedTime");
  json_node_unref (cell);
  return v;
}

static FormulaValue *
fn_set_timezone (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  g_autoptr(GDateTime) d = NULL;
  g_autoptr(GTimeZone) tz = NULL;
  g_autofree char *name = NULL;

  DATE_ARG (args[0], &d, NULL);
  TEXT_ARG (args[1], name);
  if (d == NULL)
    return _sandbox_formula_value_blank ();
  if (g_ascii_strcasecmp (name, "utc") == 0 || g_ascii_strcasecmp (name, "gmt") == 0)
    tz = g_time_zone_new_utc ();
  else
    tz = g_time_zone_new_identifier (name);
  if (tz == NULL)
    return _sandbox_formula_value_error ("#ERROR!");
  return _sandbox_formula_value_date (g_date_time_to_timezone (d, tz), FALSE);
}

/* Julian day (1 = Monday 1 January of year 1) of @dt's calendar date. */
static guint32
julian_of (GDateTime *dt)
{
  GDate d;

  g_date_clear (&d, 1);
  g_date_set_dmy (&d, (GDateDay) g_date_time_get_day_of_month (dt),
                  (GDateMonth) g_date_time_get_month (dt),
                  (GDateYear) g_date_time_get_year (dt));
  return g_date_get_julian (&d);
}

static gboolean
julian_is_weekday (gint64 j)
{
  return (j - 1) % 7 < 5;
}

/* Weekdays among julian days 1..j. */
static gint64
weekdays_upto (gint64 j)
{
  return (j / 7) * 5 + MIN (j % 7, 5);
}

/* The holidays argument: ISO dates separated by commas, as julian days. */
static FormulaValue *
holidays_arg (FormulaValue **args, guint n, guint index, GHashTable *out)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) parts = NULL;

  if (n <= index)
    return NULL;
  if (args[index]->kind == VAL_DATE)
    {
      g_hash_table_add (out, GUINT_TO_POINTER (julian_of (args[index]->date)));
      return NULL;
    }
  TEXT_ARG (args[index], text);
  parts = g_strsplit (text, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autoptr(GDateTime) d = NULL;

      g_strstrip (parts[i]);
      if (parts[i][0] == '\0')
        continue;
      d = _sandbox_formula_parse_date_text (parts[i], NULL);
      if (d == NULL)
        return _sandbox_formula_value_error ("#ERROR!");
      g_hash_table_add (out, GUINT_TO_POINTER (julian_of (d)));
    }
  return NULL;
}

static FormulaValue *
fn_workday (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GHashTable) holidays = g_hash_table_new (NULL, NULL);
  double count;
  gint64 j, remaining, step;
  GDate d;
  FormulaValue *err;

  DATE_ARG (args[0], &start, NULL);
  NUMBER_ARG (args[1], &count);
  if ((err = holidays_arg (args, n, 2, holidays)) != NULL)
    return err;
  if (start == NULL)
    return _sandbox_formula_value_blank ();
  if (isnan (count) || fabs (count) > 100000)
    return _sandbox_formula_value_error ("#ERROR!");
  remaining = (gint64) trunc (count);
  step = remaining < 0 ? -1 : 1;
  j = julian_of (start);
  while (remaining != 0)
    {
      j += step;
      if (j < 1 || j > 3652059)  /* 31 December 9999 */
        return _sandbox_formula_value_error ("#ERROR!");
      if (julian_is_weekday (j) && !g_hash_table_contains (holidays, GUINT_TO_POINTER ((guint) j)))
        remaining -= step;
    }
  g_date_clear (&d, 1);
  g_date_set_julian (&d, (guint32) j);
  return _sandbox_formula_value_date (g_date_time_new_utc (g_date_get_year (&d), g_date_get_month (&d),
                                          g_date_get_day (&d), 0, 0, 0), TRUE);
}

static FormulaValue *
fn_workday_diff (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  g_autoptr(GDateTime) a = NULL;
  g_autoptr(GDateTime) b = NULL;
  g_autoptr(GHashTable) holidays = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer key;
  gint64 lo, hi, count;
  FormulaValue *err;

  DATE_ARG (args[0], &a, NULL);
  DATE_ARG (args[1], &b, NULL);
  if ((err = holidays_arg (args, n, 2, holidays)) != NULL)
    return err;
  if (a == NULL || b == NULL)
    return _sandbox_formula_value_blank ();
  lo = MIN (julian_of (a), julian_of (b));
  hi = MAX (julian_of (a), julian_of (b));
  count = weekdays_upto (hi) - weekdays_upto (lo - 1);
  g_hash_table_iter_init (&iter, holidays);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      gint64 h = GPOINTER_TO_UINT (key);

      if (h >= lo && h <= hi && julian_is_weekday (h))
        count--;
    }
  return _sandbox_formula_value_number ((double) (julian_of (a) <= julian_of (b) ? count : -count));
}

static FormulaValue *
fn_set_locale (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  if (args[0]->kind == VAL_ERROR)
    return _sandbox_formula_value_copy (args[0]);
  return _sandbox_formula_value_copy (args[0]);
}

/* Format tokens, longest first. */
static const char * const format_tokens[] = {
  "YYYY", "YY", "Q", "MMMM", "MMM", "MM", "M", "Do", "DDDD", "DDD", "DD", "D",
  "dddd", "ddd", "dd", "d", "HH", "H", "hh", "h", "kk", "k", "mm", "m", "ss", "s",
  "SSS", "SS", "S", "A", "a", "X", "x", "ZZ", "Z", "LLLL", "LLL", "LL", "L",
  "LTS", "LT", "ll", "l",
};

static const char *
match_format_token (const char *p)
{
  const char *best = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (format_tokens); i++)
    if (g_str_has_prefix (p, format_tokens[i]) &&
        (best == NULL || strlen (format_tokens[i]) > strlen (best)))
      best = format_tokens[i];
  return best;
}

static const char *
ordinal_suffix (int d)
{
  if (d % 100 >= 11 && d % 100 <= 13)
    return "th";
  switch (d % 10)
    {
    case 1: return "st";
    case 2: return "nd";
    case 3: return "rd";
    default: return "th";
    }
}

static void format_date (GDateTime *dt, const char *fmt, GString *out, int depth);

static void
format_token (GDateTime *dt, const char *tok, GString *out, int depth)
{
  int y = g_date_time_get_year (dt), mo = g_date_time_get_month (dt);
  int d = g_date_time_get_day_of_month (dt), h = g_date_time_get_hour (dt);
  int dow = g_date_time_get_day_of_week (dt) % 7;  /* Sunday = 0 */
  int h12 = h % 12 == 0 ? 12 : h % 12;
  int ms = g_date_time_get_microsecond (dt) / 1000;
  GTimeSpan off = g_date_time_get_utc_offset (dt) / G_TIME_SPAN_SECOND;
  int off_abs = (int) ABS (off);

  if (g_str_equal (tok, "YYYY")) g_string_append_printf (out, "%04d", y);
  else if (g_str_equal (tok, "YY")) g_string_append_printf (out, "%02d", y % 100);
  else if (g_str_equal (tok, "Q")) g_string_append_printf (out, "%d", (mo - 1) / 3 + 1);
  else if (g_str_equal (tok, "MMMM")) g_string_append (out, _sandbox_formula_month_names[mo - 1]);
  else if (g_str_equal (tok, "MMM")) g_string_append_len (out, _sandbox_formula_month_names[mo - 1], 3);
  else if (g_str_equal (tok, "MM")) g_string_append_printf (out, "%02d", mo);
  else if (g_str_equal (tok, "M")) g_string_append_printf (out, "%d", mo);
  else if (g_str_equal (tok, "Do")) g_string_append_printf (out, "%d%s", d, ordinal_suffix (d));
  else if (g_str_equal (tok, "DDDD")) g_string_append_printf (out, "%03d", g_date_time_get_day_of_year (dt));
  else if (g_str_equal (tok, "DDD")) g_string_append_printf (out, "%d", g_date_time_get_day_of_year (dt));
  else if (g_str_equal (tok, "DD")) g_string_append_printf (out, "%02d", d);
  else if (g_str_equal (tok, "D")) g_string_append_printf (out, "%d", d);
  else if (g_str_equal (tok, "dddd")) g_string_append (out, _sandbox_formula_weekday_names[dow]);
  else if (g_str_equal (tok, "ddd")) g_string_append_len (out, _sandbox_formula_weekday_names[dow], 3);
  else if (g_str_equal (tok, "dd")) g_string_append_len (out, _sandbox_formula_weekday_names[dow], 2);
  else if (g_str_equal (tok, "d")) g_string_append_printf (out, "%d", dow);
  else if (g_str_equal (tok, "HH")) g_string_append_printf (out, "%02d", h);
  else if (g_str_equal (tok, "H")) g_string_append_printf (out, "%d", h);
  else if (g_str_equal (tok, "hh")) g_string_append_printf (out, "%02d", h12);
  else if (g_str_equal (tok, "h")) g_string_append_printf (out, "%d", h12);
  else if (g_str_equal (tok, "kk")) g_string_append_printf (out, "%02d", h == 0 ? 24 : h);
  else if (g_str_equal (tok, "k")) g_string_append_printf (out, "%d", h == 0 ? 24 : h);
  else if (g_str_equal (tok, "mm")) g_string_append_printf (out, "%02d", g_date_time_get_minute (dt));
  else if (g_str_equal (tok, "m")) g_string_append_printf (out, "%d", g_date_time_get_minute (dt));
  else if (g_str_equal (tok, "ss")) g_string_append_printf (out, "%02d", g_date_time_get_second (dt));
  else if (g_str_equal (tok, "s")) g_string_append_printf (out, "%d", g_date_time_get_second (dt));
  else if (g_str_equal (tok, "SSS")) g_string_append_printf (out, "%03d", ms);
  else if (g_str_equal (tok, "SS")) g_string_append_printf (out, "%02d", ms / 10);
  else if (g_str_equal (tok, "S")) g_string_append_printf (out, "%d", ms / 100);
  else if (g_str_equal (tok, "A")) g_string_append (out, h < 12 ? "AM" : "PM");
  else if (g_str_equal (tok, "a")) g_string_append (out, h < 12 ? "am" : "pm");
  else if (g_str_equal (tok, "X")) g_string_append_printf (out, "%" G_GINT64_FORMAT, g_date_time_to_unix (dt));
  else if (g_str_equal (tok, "x"))
    g_string_append_printf (out, "%" G_GINT64_FORMAT, g_date_time_to_unix (dt) * 1000 + ms);
  else if (g_str_equal (tok, "Z"))
    g_string_append_printf (out, "%c%02d:%02d", off < 0 ? '-' : '+', off_abs / 3600, off_abs / 60 % 60);
  else if (g_str_equal (tok, "ZZ"))
    g_string_append_printf (out, "%c%02d%02d", off < 0 ? '-' : '+', off_abs / 3600, off_abs / 60 % 60);
  else if (depth < 2)
    {
      /* localized presets, en-US */
      const char *expansion =
        g_str_equal (tok, "L") ? "MM/DD/YYYY" :
        g_str_equal (tok, "LL") ? "MMMM D, YYYY" :
        g_str_equal (tok, "LLL") ? "MMMM D, YYYY h:mm A" :
        g_str_equal (tok, "LLLL") ? "dddd, MMMM D, YYYY h:mm A" :
        g_str_equal (tok, "l") ? "M/D/YYYY" :
        g_str_equal (tok, "ll") ? "MMM D, YYYY" :
        g_str_equal (tok, "LT") ? "h:mm A" :
        g_str_equal (tok, "LTS") ? "h:mm:ss A" : "";

      format_date (dt, expansion, out, depth + 1);
    }
}

static void
format_date (GDateTime *dt, const char *fmt, GString *out, int depth)
{
  const char *p = fmt;

  while (*p != '\0' && out->len <= MAX_STRING_RESULT)
    {
      const char *tok;

      if (*p == '[')
        {
          const char *close = strchr (p + 1, ']');

          if (close != NULL)
            {
              g_string_append_len (out, p + 1, close - (p + 1));
              p = close + 1;
              continue;
            }
        }
      tok = match_format_token (p);
      if (tok != NULL)
        {
          format_token (dt, tok, out, depth);
          p += strlen (tok);
        }
      else
        g_string_append_c (out, *p++);
    }
}

static FormulaValue *
fn_datetime_format (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  g_autoptr(GDateTime) d = NULL;
  g_autofree char *fmt = NULL;
  GString *out;

  DATE_ARG (args[0], &d, NULL);
  if (n > 1)
    TEXT_ARG (args[1], fmt);
  if (d == NULL)
    return _sandbox_formula_value_blank ();
  if (fmt == NULL || fmt[0] == '\0')
    return _sandbox_formula_value_string_take (_sandbox_formula_format_date_iso (d, FALSE));
  out = g_string_new (NULL);
  format_date (d, fmt, out, 0);
  return _sandbox_formula_value_string_checked (out);
}

static FormulaValue *
fn_datestr (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  g_autoptr(GDateTime) d = NULL;

  DATE_ARG (args[0], &d, NULL);
  if (d == NULL)
    return _sandbox_formula_value_blank ();
  return _sandbox_formula_value_string_take (g_date_time_format (d, "%Y-%m-%d"));
}

static FormulaValue *
fn_timestr (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  g_autoptr(GDateTime) d = NULL;

  DATE_ARG (args[0], &d, NULL);
  if (d == NULL)
    return _sandbox_formula_value_blank ();
  return _sandbox_formula_value_string_take (g_date_time_format (d, "%H:%M:%S"));
}

static gboolean
read_name (const char **p, const char * const *names, guint n_names, int *out)
{
  for (guint i = 0; i < n_names; i++)
    {
      gsize full = strlen (names[i]);

      if (g_ascii_strncasecmp (*p, names[i], full) == 0)
        {
          *p += full;
          *out = (int) i;
          return TRUE;
        }
    }
  for (guint i = 0; i < n_names; i++)
    if (g_ascii_strncasecmp (*p, names[i], 3) == 0)
      {
        *p += 3;
        *out = (int) i;
        return TRUE;
      }
  return FALSE;
}

/* Parses @text by a moment.js-style @fmt; NULL when it does not fit. */
static GDateTime *
parse_with_format (const char *text, const char *fmt, GDateTime *now)
{
  const char *p = text, *f = fmt;
  int y = -1, mo = -1, d = -1, h = 0, mi = 0, s = 0, ms = 0, ampm = -1, ignored;
  gint64 unix_ms = G_MININT64;
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GDateTime) dt = NULL;

  while (*f != '\0')
    {
      const char *tok;

      if (*f == '[')
        {
          const char *close = strchr (f + 1, ']');

          if (close != NULL)
            {
              for (const char *l = f + 1; l < close && *p == *l; l++)
                p++;
              f = close + 1;
              continue;
            }
        }
      tok = match_format_token (f);
      if (tok == NULL)
        {
          /* forgiving about literals */
          if (*p == *f)
            p++;
          f++;
          continue;
        }
      f += strlen (tok);
      while (*p == ' ' && !g_ascii_isdigit (*tok))
        {
          if (g_ascii_isalpha (*p))
            break;
          if (g_ascii_isdigit (*p))
            break;
          p++;
        }
      if (g_str_equal (tok, "YYYY"))
        {
          if (!_sandbox_formula_read_digits (&p, 1, 4, &y))
            return NULL;
        }
      else if (g_str_equal (tok, "YY"))
        {
          if (!_sandbox_formula_read_digits (&p, 2, 2, &y))
            return NULL;
          y += y > 68 ? 1900 : 2000;
        }
      else if (g_str_equal (tok, "MMMM") || g_str_equal (tok, "MMM"))
        {
          if (!read_name (&p, _sandbox_formula_month_names, 12, &mo))
            return NULL;
          mo++;
        }
      else if (g_str_equal (tok, "MM") || g_str_equal (tok, "M"))
        {
          if (!_sandbox_formula_read_digits (&p, 1, 2, &mo))
            return NULL;
        }
      else if (g_str_equal (tok, "DD") || g_str_equal (tok, "D") || g_str_equal (tok, "Do"))
        {
          if (!_sandbox_formula_read_digits (&p, 1, 2, &d))
            return NULL;
          if (g_str_equal (tok, "Do"))
            while (g_ascii_isalpha (*p))
              p++;
        }
      else if (g_str_equal (tok, "dddd") || g_str_equal (tok, "ddd") || g_str_equal (tok, "dd"))
        {
          if (!read_name (&p, _sandbox_formula_weekday_names, 7, &ignored))
            while (g_ascii_isalpha (*p))
              p++;
        }
      else if (g_str_equal (tok, "HH") || g_str_equal (tok, "H") || g_str_equal (tok, "hh") ||
               g_str_equal (tok, "h") || g_str_equal (tok, "kk") || g_str_equal (tok, "k"))
        {
          if (!_sandbox_formula_read_digits (&p, 1, 2, &h))
            return NULL;
          if (tok[0] == 'k' && h == 24)
            h = 0;
        }
      else if (g_str_equal (tok, "mm") || g_str_equal (tok, "m"))
        {
          if (!_sandbox_formula_read_digits (&p, 1, 2, &mi))
            return NULL;
        }
      else if (g_str_equal (tok, "ss") || g_str_equal (tok, "s"))
        {
          if (!_sandbox_formula_read_digits (&p, 1, 2, &s))
            return NULL;
        }
      else if (tok[0] == 'S')
        {
          int digits = 0, frac = 0;

          while (g_ascii_isdigit (*p))
            {
              if (digits < 3)
                frac = frac * 10 + (*p - '0'), digits++;
              p++;
            }
          if (digits == 0)
            return NULL;
          while (digits < 3)
            frac *= 10, digits++;
          ms = frac;
        }
      else if (g_str_equal (tok, "A") || g_str_equal (tok, "a"))
        {
          if (g_ascii_strncasecmp (p, "am", 2) == 0)
            ampm = 0;
          else if (g_ascii_strncasecmp (p, "pm", 2) == 0)
            ampm = 1;
          else
            return NULL;
          p += 2;
        }
      else if (g_str_equal (tok, "X") || g_str_equal (tok, "x"))
        {
          char *end = NULL;
          double v = g_ascii_strtod (p, &end);

          if (tok[0] == 'X')
            v *= 1000;
          /* year 9999 is about 2.5e14 ms after the epoch */
          if (end == p || !isfinite (v) || fabs (v) > 3e14)
            return NULL;
          unix_ms = (gint64) v;
          p = end;
        }
      else if (g_str_equal (tok, "Z") || g_str_equal (tok, "ZZ"))
        {
          g_clear_pointer (&tz, g_time_zone_unref);
          if (!_sandbox_formula_read_offset (&p, &tz))
            return NULL;
        }
      else
        return NULL;  /* Q, DDD(D), d, L… cannot be parsed back */
    }

  if (unix_ms != G_MININT64)
    {
      g_autoptr(GDateTime) epoch = g_date_time_new_from_unix_utc (0);

      return epoch ? g_date_time_add (epoch, unix_ms * G_TIME_SPAN_MILLISECOND) : NULL;
    }
  if (ampm == 1 && h < 12)
    h += 12;
  else if (ampm == 0 && h == 12)
    h = 0;
  if (y < 0 && mo < 0 && d < 0)
    {
      y = g_date_time_get_year (now);
      mo = g_date_time_get_month (now);
      d = g_date_time_get_day_of_month (now);
    }
  if (y < 0)
    y = g_date_time_get_year (now);
  if (mo < 0)
    mo = 1;
  if (d < 0)
    d = 1;
  if (tz == NULL)
    tz = g_time_zone_new_utc ();
  dt = _sandbox_formula_make_date_time (tz, y, mo, d, h, mi, s + ms / 1000.0);
  return dt ? g_date_time_to_utc (dt) : NULL;
}

static FormulaValue *
fn_datetime_parse (FormulaCtx *ctx, FormulaValue **args, guint n)
{
  g_autofree char *text = NULL;
  g_autofree char *fmt = NULL;
  GDateTime *dt;

  if (args[0]->kind == VAL_DATE)
    return _sandbox_formula_value_date (g_date_time_ref (args[0]->date), FALSE);
  TEXT_ARG (args[0], text);
  if (n > 1)
    TEXT_ARG (args[1], fmt);
  if (text[0] == '\0')
    return _sandbox_formula_value_blank ();
  if (fmt != NULL && fmt[0] != '\0')
    dt = parse_with_format (text, fmt, _sandbox_formula_ctx_now (ctx));
  else
    dt = _sandbox_formula_parse_date_text (text, NULL);
  if (dt == NULL)
    return _sandbox_formula_value_error ("#ERROR!");
  return _sandbox_formula_value_date (dt, FALSE);
}

/* The date and time functions: name, argument counts, implementation. */
const FormulaFunc _sandbox_formula_date_functions[] = {
  /* dates */
  { "TODAY", 0, 0, fn_today, NULL },
  { "NOW", 0, 0, fn_now, NULL },
  { "IS_BEFORE", 2, 2, fn_is_before, NULL },
  { "IS_AFTER", 2, 2, fn_is_after, NULL },
  { "IS_SAME", 2, 3, fn_is_same, NULL },
  { "DATETIME_DIFF", 2, 3, fn_datetime_diff, NULL },
  { "DATEADD", 3, 3, fn_dateadd, NULL },
  { "DATETIME_PARSE", 1, 3, fn_datetime_parse, NULL },
  { "DATETIME_FORMAT", 1, 2, fn_datetime_format, NULL },
  { "DATESTR", 1, 1, fn_datestr, NULL },
  { "TIMESTR", 1, 1, fn_timestr, NULL },
  { "YEAR", 1, 1, fn_year, NULL },
  { "MONTH", 1, 1, fn_month, NULL },
  { "DAY", 1, 1, fn_day, NULL },
  { "HOUR", 1, 1, fn_hour, NULL },
  { "MINUTE", 1, 1, fn_minute, NULL },
  { "SECOND", 1, 1, fn_second, NULL },
  { "WEEKDAY", 1, 2, fn_weekday, NULL },
  { "WEEKNUM", 1, 2, fn_weeknum, NULL },
  { "WORKDAY", 2, 3, fn_workday, NULL },
  { "WORKDAY_DIFF", 2, 3, fn_workday_diff, NULL },
  { "CREATED_TIME", 0, 0, fn_created_time, NULL },
  { "LAST_MODIFIED_TIME", 0, -1, fn_last_modified_time, NULL },
  { "SET_TIMEZONE", 2, 2, fn_set_timezone, NULL },
  { "SET_LOCALE", 2, 2, fn_set_locale, NULL },
  { NULL, 0, 0, NULL, NULL },
};
