/* hangar-record-page.c — one page of a record listing, read in one pass
 *
 * A page of 100 records went through three passes before: the strict
 * scan, json-glib's tree, and json-glib's tree written back as each
 * record's compact text (which the CLI then parsed and wrote once more).
 * Here the strict rules are checked while each record's fields are copied
 * into their compact form, so a page costs one pass and a few allocations
 * per record. What this reader does not handle it hands back (FALSE), and
 * the caller reads the page the old way; see hangar-record-page.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "hangar-json.h"
#include "hangar-model-private.h"
#include "hangar-record-page.h"

/* Names of one object compared one by one up to this many; past it they
 * go in a hash set (a hostile object with 100,000 names stays linear). */
#define LINEAR_NAMES 16
/* An offset longer than this is left to the full read. */
#define PEEK_OFFSET_MAX 1024

typedef struct
{
  gsize start;   /* in Reader.out, the name with its quotes */
  gsize len;
} NameSpan;

typedef struct
{
  guint       first;   /* index in Reader.names */
  guint       n;
  GHashTable *set;     /* of g_strndup'd names, once n > LINEAR_NAMES */
} Level;

typedef struct
{
  const guchar *p;
  const guchar *end;
  guint         depth;
  GString      *out;
  GArray       *names;  /* NameSpan of the open objects' members */
  Level         levels[HANGAR_JSON_MAX_DEPTH + 1];
} Reader;

/* Bytes that end a plain run inside a string. */
static const guchar special[256] = {
  [0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1, [0x06] = 1, [0x07] = 1,
  [0x08] = 1, [0x09] = 1, [0x0a] = 1, [0x0b] = 1, [0x0c] = 1, [0x0d] = 1, [0x0e] = 1, [0x0f] = 1,
  [0x10] = 1, [0x11] = 1, [0x12] = 1, [0x13] = 1, [0x14] = 1, [0x15] = 1, [0x16] = 1, [0x17] = 1,
  [0x18] = 1, [0x19] = 1, [0x1a] = 1, [0x1b] = 1, [0x1c] = 1, [0x1d] = 1, [0x1e] = 1, [0x1f] = 1,
  ['"'] = 1, ['\\'] = 1, [0x7f] = 1,
};

static inline void
skip_ws (Reader *r)
{
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
    r->p++;
}

static int
hex4 (const guchar *p,
      const guchar *end)
{
  int value = 0;

  if (end - p < 4)
    return -1;
  for (int i = 0; i < 4; i++)
    {
      int h = g_ascii_xdigit_value (p[i]);

      if (h < 0)
        return -1;
      value = value * 16 + h;
    }
  return value;
}

/* One character as hangar_json_append_string() writes it. */
static void
append_char (GString  *out,
             gunichar  c)
{
  switch (c)
    {
    case '"':  g_string_append_len (out, "\\\"", 2); break;
    case '\\': g_string_append_len (out, "\\\\", 2); break;
    case '\n': g_string_append_len (out, "\\n", 2); break;
    case '\r': g_string_append_len (out, "\\r", 2); break;
    case '\t': g_string_append_len (out, "\\t", 2); break;
    case '\b': g_string_append_len (out, "\\b", 2); break;
    case '\f': g_string_append_len (out, "\\f", 2); break;
    default:
      if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_unichar (out, c);
      break;
    }
}

/* A string, cursor on its opening quote, copied to out as
 * hangar_json_append_string() would write its value. The whole text is
 * known to be UTF-8. */
static gboolean
read_string (Reader *r)
{
  const guchar *p = r->p + 1;
  const guchar *end = r->end;
  GString *out = r->out;

  g_string_append_c (out, '"');
  for (;;)
    {
      const guchar *q = p;
      guchar c;

      while (q < end && !special[*q])
        q++;
      g_string_append_len (out, (const char *) p, q - p);
      if (q >= end)
        return FALSE;
      c = *q;
      if (c == '"')
        {
          g_string_append_c (out, '"');
          r->p = q + 1;
          return TRUE;
        }
      if (c < 0x20)
        return FALSE;
      if (c == 0x7f)
        {
          g_string_append_len (out, "\\u007f", 6);
          p = q + 1;
          continue;
        }
      if (end - q < 2)
        return FALSE;
      switch (q[1])
        {
        case '"':  append_char (out, '"'); p = q + 2; break;
        case '\\': append_char (out, '\\'); p = q + 2; break;
        case '/':  g_string_append_c (out, '/'); p = q + 2; break;
        case 'b':  append_char (out, '\b'); p = q + 2; break;
        case 'f':  append_char (out, '\f'); p = q + 2; break;
        case 'n':  append_char (out, '\n'); p = q + 2; break;
        case 'r':  append_char (out, '\r'); p = q + 2; break;
        case 't':  append_char (out, '\t'); p = q + 2; break;
        case 'u':
          {
            int unit = hex4 (q + 2, end);
            gunichar c32;

            if (unit < 0)
              return FALSE;
            p = q + 6;
            if (unit >= 0xd800 && unit <= 0xdbff)
              {
                int low = (end - p >= 6 && p[0] == '\\' && p[1] == 'u') ? hex4 (p + 2, end) : -1;

                /* An unpaired surrogate becomes U+FFFD with a note: the models' path. */
                if (low < 0xdc00 || low > 0xdfff)
                  return FALSE;
                c32 = 0x10000 + (((gunichar) unit - 0xd800) << 10) + ((gunichar) low - 0xdc00);
                p += 6;
              }
            else if ((unit >= 0xdc00 && unit <= 0xdfff) || unit == 0)
              return FALSE;
            else
              c32 = (gunichar) unit;
            append_char (out, c32);
          }
          break;
        default:
          return FALSE;
        }
    }
}

/* A string whose text needs no unescaping (no backslash, no control
 * character): its bytes without the quotes. Cursor on the opening quote. */
static gboolean
read_plain (Reader        *r,
            const guchar **start,
            gsize         *len)
{
  const guchar *q = r->p + 1;

  *start = q;
  while (q < r->end && *q != '"')
    {
      if (*q < 0x20 || *q == '\\')
        return FALSE;
      q++;
    }
  if (q >= r->end)
    return FALSE;
  *len = q - *start;
  r->p = q + 1;
  return TRUE;
}

/* @digits significant digits without an exponent: does the shortest form
 * hangar_json_append_double() writes equal the text? It prints 15
 * significant digits with "%g", which keeps any decimal of at most 15
 * digits exactly (DBL_DIG) and drops trailing zeros, in plain notation from
 * 1e-4 up to 1e15. */
static gboolean
decimal_is_shortest (const guchar *int_start,
                     gsize         int_len,
                     const guchar *frac_start,
                     gsize         frac_len)
{
  gsize sig;

  if (frac_start[frac_len - 1] == '0')
    return FALSE;
  if (int_len == 1 && int_start[0] == '0')
    {
      gsize zeros = 0;

      while (zeros < frac_len && frac_start[zeros] == '0')
        zeros++;
      if (zeros > 3)
        return FALSE;
      sig = frac_len - zeros;
    }
  else
    sig = int_len + frac_len;
  return sig <= 15;
}

static gboolean
read_number (Reader *r)
{
  const guchar *start = r->p;
  const guchar *p = r->p;
  const guchar *end = r->end;
  const guchar *int_start, *frac_start = NULL;
  gsize int_len, frac_len = 0;
  gboolean exponent = FALSE;

  if (*p == '-')
    p++;
  if (p >= end || !g_ascii_isdigit (*p))
    return FALSE;
  int_start = p;
  if (*p == '0')
    {
      p++;
      if (p < end && g_ascii_isdigit (*p))
        return FALSE;
    }
  else
    while (p < end && g_ascii_isdigit (*p))
      p++;
  int_len = p - int_start;
  if (p < end && *p == '.')
    {
      p++;
      frac_start = p;
      while (p < end && g_ascii_isdigit (*p))
        p++;
      frac_len = p - frac_start;
      if (frac_len == 0)
        return FALSE;
    }
  if (p < end && (*p == 'e' || *p == 'E'))
    {
      const guchar *digits;

      exponent = TRUE;
      p++;
      if (p < end && (*p == '+' || *p == '-'))
        p++;
      digits = p;
      while (p < end && g_ascii_isdigit (*p))
        p++;
      if (p == digits)
        return FALSE;
    }
  r->p = p;

  if (frac_start == NULL && !exponent)
    {
      /* json-glib keeps an integer as gint64; 19 digits and more may not
       * fit (the models' path rewrites those, with a note). */
      if (int_len >= 19)
        return FALSE;
      if (p - start == 2 && start[0] == '-' && start[1] == '0')
        g_string_append_c (r->out, '0');
      else
        g_string_append_len (r->out, (const char *) start, p - start);
      return TRUE;
    }

  if (!exponent && decimal_is_shortest (int_start, int_len, frac_start, frac_len))
    {
      g_string_append_len (r->out, (const char *) start, p - start);
      return TRUE;
    }

  {
    char buf[64];
    gsize len = p - start;
    double value;

    if (len >= sizeof buf)
      return FALSE;
    memcpy (buf, start, len);
    buf[len] = '\0';
    value = g_ascii_strtod (buf, NULL);
    if (!isfinite (value))
      return FALSE;   /* read as null, with a note: the models' path */
    hangar_json_append_double (r->out, value);
  }
  return TRUE;
}

static gboolean
read_literal (Reader     *r,
              const char *word,
              gsize       len)
{
  if ((gsize) (r->end - r->p) < len || memcmp (r->p, word, len) != 0)
    return FALSE;
  g_string_append_len (r->out, word, len);
  r->p += len;
  return TRUE;
}

/* The member name just copied to out at @start must not have come before
 * in its object: json-glib keeps the last value of a name given twice, in
 * the first one's place; the models' path does that. */
static gboolean
name_is_new (Reader *r,
             Level  *level,
             gsize   start)
{
  NameSpan span = { start, r->out->len - start };
  const char *name = r->out->str + start;

  if (level->set != NULL)
    {
      if (!g_hash_table_add (level->set, g_strndup (name, span.len)))
        return FALSE;
    }
  else
    {
      for (guint i = level->first; i < level->first + level->n; i++)
        {
          NameSpan *other = &g_array_index (r->names, NameSpan, i);

          if (other->len == span.len && memcmp (r->out->str + other->start, name, span.len) == 0)
            return FALSE;
        }
      if (level->n + 1 > LINEAR_NAMES)
        {
          level->set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
          for (guint i = level->first; i < level->first + level->n; i++)
            {
              NameSpan *other = &g_array_index (r->names, NameSpan, i);

              g_hash_table_add (level->set, g_strndup (r->out->str + other->start, other->len));
            }
          g_hash_table_add (level->set, g_strndup (name, span.len));
        }
    }
  g_array_append_val (r->names, span);
  level->n++;
  return TRUE;
}

static gboolean read_value (Reader *r);

static gboolean
read_object (Reader *r)
{
  Level *level;
  gboolean ok = FALSE;

  if (r->depth >= HANGAR_JSON_MAX_DEPTH)
    return FALSE;
  level = &r->levels[++r->depth];
  level->first = r->names->len;
  level->n = 0;
  level->set = NULL;

  r->p++;
  g_string_append_c (r->out, '{');
  skip_ws (r);
  if (r->p < r->end && *r->p == '}')
    {
      r->p++;
      g_string_append_c (r->out, '}');
      ok = TRUE;
      goto out;
    }
  for (;;)
    {
      gsize name_start;

      skip_ws (r);
      if (r->p >= r->end || *r->p != '"')
        goto out;
      name_start = r->out->len;
      if (!read_string (r) || !name_is_new (r, level, name_start))
        goto out;
      skip_ws (r);
      if (r->p >= r->end || *r->p != ':')
        goto out;
      r->p++;
      g_string_append_c (r->out, ':');
      if (!read_value (r))
        goto out;
      skip_ws (r);
      if (r->p >= r->end)
        goto out;
      if (*r->p == ',')
        {
          r->p++;
          g_string_append_c (r->out, ',');
          continue;
        }
      if (*r->p == '}')
        {
          r->p++;
          g_string_append_c (r->out, '}');
          ok = TRUE;
        }
      goto out;
    }

out:
  g_clear_pointer (&level->set, g_hash_table_unref);
  g_array_set_size (r->names, level->first);
  r->depth--;
  return ok;
}

static gboolean
read_array (Reader *r)
{
  if (r->depth >= HANGAR_JSON_MAX_DEPTH)
    return FALSE;
  r->depth++;
  r->p++;
  g_string_append_c (r->out, '[');
  skip_ws (r);
  if (r->p < r->end && *r->p == ']')
    {
      r->p++;
      g_string_append_c (r->out, ']');
      r->depth--;
      return TRUE;
    }
  for (;;)
    {
      if (!read_value (r))
        return FALSE;
      skip_ws (r);
      if (r->p >= r->end)
        return FALSE;
      if (*r->p == ',')
        {
          r->p++;
          g_string_append_c (r->out, ',');
          continue;
        }
      if (*r->p != ']')
        return FALSE;
      r->p++;
      g_string_append_c (r->out, ']');
      r->depth--;
      return TRUE;
    }
}

/* Any value, copied to out in compact form; recursion is bounded by
 * HANGAR_JSON_MAX_DEPTH. */
static gboolean
read_value (Reader *r)
{
  skip_ws (r);
  if (r->p >= r->end)
    return FALSE;
  switch (*r->p)
    {
    case '{': return read_object (r);
    case '[': return read_array (r);
    case '"': return read_string (r);
    case 't': return read_literal (r, "true", 4);
    case 'f': return read_literal (r, "false", 5);
    case 'n': return read_literal (r, "null", 4);
    default:
      if (*r->p == '-' || g_ascii_isdigit (*r->p))
        return read_number (r);
      return FALSE;
    }
}

/* A value nobody keeps (an unknown member): checked, then dropped. */
static gboolean
skip_value (Reader *r)
{
  gsize len = r->out->len;
  gboolean ok = read_value (r);

  g_string_truncate (r->out, len);
  return ok;
}

/* A member name of the page's own structure, with no escapes. The cursor
 * ends after its ":". */
static gboolean
read_member_name (Reader        *r,
                  const guchar **name,
                  gsize         *len)
{
  skip_ws (r);
  if (r->p >= r->end || *r->p != '"' || !read_plain (r, name, len))
    return FALSE;
  skip_ws (r);
  if (r->p >= r->end || *r->p != ':')
    return FALSE;
  r->p++;
  skip_ws (r);
  return r->p < r->end;
}

static gboolean
name_is (const guchar *name,
         gsize         len,
         const char   *word)
{
  return strlen (word) == len && memcmp (name, word, len) == 0;
}

/* After a member: "," (TRUE, *more) or the closing @close (TRUE, !*more). */
static gboolean
next_member (Reader   *r,
             char      close,
             gboolean *more)
{
  skip_ws (r);
  if (r->p >= r->end)
    return FALSE;
  if (*r->p == ',')
    {
      r->p++;
      *more = TRUE;
      return TRUE;
    }
  if (*r->p == close)
    {
      r->p++;
      *more = FALSE;
      return TRUE;
    }
  return FALSE;
}

static gboolean
two_digits (const char *p,
            int        *out)
{
  if (!g_ascii_isdigit (p[0]) || !g_ascii_isdigit (p[1]))
    return FALSE;
  *out = (p[0] - '0') * 10 + (p[1] - '0');
  return TRUE;
}

/* Days from 1970-01-01 to the civil date (proleptic Gregorian). */
static gint64
days_from_civil (gint64 y,
                 int    m,
                 int    d)
{
  gint64 era, yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* "2024-01-31T12:00:00Z" or "2024-01-31T12:00:00.123Z", the form Airtable
 * writes, into Unix µs; anything else goes to GDateTime. */
static gboolean
parse_created (const guchar *text,
               gsize         len,
               gint64       *out_us)
{
  const char *s = (const char *) text;
  int year_hi, year_lo, month, day, hour, minute, second, ms = 0;
  static const int month_days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

  if (len == 20 || len == 24)
    {
      if (s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[len - 1] != 'Z')
        goto slow;
      if (!two_digits (s, &year_hi) || !two_digits (s + 2, &year_lo) || !two_digits (s + 5, &month) ||
          !two_digits (s + 8, &day) || !two_digits (s + 11, &hour) || !two_digits (s + 14, &minute) ||
          !two_digits (s + 17, &second))
        goto slow;
      if (len == 24)
        {
          if (s[19] != '.' || !g_ascii_isdigit (s[20]) || !g_ascii_isdigit (s[21]) || !g_ascii_isdigit (s[22]))
            goto slow;
          ms = (s[20] - '0') * 100 + (s[21] - '0') * 10 + (s[22] - '0');
        }
      {
        int year = year_hi * 100 + year_lo;
        gboolean leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

        if (year < 1 || month < 1 || month > 12 || day < 1 || day > month_days[month - 1] ||
            (month == 2 && day == 29 && !leap) || hour > 23 || minute > 59 || second > 59)
          goto slow;
        *out_us = ((days_from_civil (year, month, day) * 24 + hour) * 60 + minute) * G_GINT64_CONSTANT (60000000) +
                  second * G_GINT64_CONSTANT (1000000) + ms * 1000;
        return TRUE;
      }
    }

slow:
  {
    g_autofree char *copy = g_strndup (s, len);
    g_autoptr(GDateTime) dt = _hangar_parse_timestamp (copy, "a record", "createdTime", NULL);

    if (dt == NULL)
      return FALSE;
    *out_us = g_date_time_to_unix (dt) * G_USEC_PER_SEC + g_date_time_get_microsecond (dt);
    return TRUE;
  }
}

/* One record object, cursor on its "{". */
static HangarRecord *
read_record (Reader *r)
{
  g_autofree char *id = NULL;
  g_autofree char *compact = NULL;
  gint64 created_us = 0;
  gint64 comment_count = -1;
  gboolean have_created = FALSE;
  guint seen = 0;
  gboolean more = TRUE;

  r->p++;
  skip_ws (r);
  if (r->p < r->end && *r->p == '}')
    return NULL;   /* no id: the models' path says so */
  r->depth = 3;    /* the page, "records", this record */
  while (more)
    {
      const guchar *name;
      gsize len;

      if (!read_member_name (r, &name, &len))
        return NULL;
      if (name_is (name, len, "id"))
        {
          const guchar *text;
          gsize text_len;

          if ((seen & 1) || *r->p != '"' || !read_plain (r, &text, &text_len))
            return NULL;
          seen |= 1;
          id = g_strndup ((const char *) text, text_len);
        }
      else if (name_is (name, len, "createdTime"))
        {
          const guchar *text;
          gsize text_len;

          if ((seen & 2) || *r->p != '"' || !read_plain (r, &text, &text_len) ||
              !parse_created (text, text_len, &created_us))
            return NULL;
          seen |= 2;
          have_created = TRUE;
        }
      else if (name_is (name, len, "fields"))
        {
          if (seen & 4)
            return NULL;
          seen |= 4;
          if (*r->p == 'n')
            {
              if (!skip_value (r))
                return NULL;
            }
          else if (*r->p == '{')
            {
              g_string_truncate (r->out, 0);
              if (!read_object (r))
                return NULL;
              if (r->out->len > 2)
                compact = g_strndup (r->out->str, r->out->len);
              g_string_truncate (r->out, 0);
            }
          else
            return NULL;
        }
      else if (name_is (name, len, "commentCount"))
        {
          if (seen & 8)
            return NULL;
          seen |= 8;
          if (*r->p == 'n')
            {
              if (!skip_value (r))
                return NULL;
            }
          else
            {
              const guchar *start = r->p;
              char buf[24];
              gsize digits;

              if (!skip_value (r))
                return NULL;
              digits = r->p - start;
              /* Plain integers only; 3.0 and friends take the models' path. */
              if (digits >= 19 || (*start != '-' && !g_ascii_isdigit (*start)))
                return NULL;
              for (gsize i = (*start == '-'); i < digits; i++)
                if (!g_ascii_isdigit (start[i]))
                  return NULL;
              memcpy (buf, start, digits);
              buf[digits] = '\0';
              comment_count = g_ascii_strtoll (buf, NULL, 10);
            }
        }
      else if (!skip_value (r))
        return NULL;

      if (!next_member (r, '}', &more))
        return NULL;
    }

  if (id == NULL || !have_created)
    return NULL;
  return _hangar_record_new_compact (g_steal_pointer (&id), created_us, g_steal_pointer (&compact),
                                     comment_count);
}

static gboolean
read_records (Reader    *r,
              GPtrArray *records)
{
  gboolean more = TRUE;

  if (*r->p != '[')
    return FALSE;
  r->p++;
  skip_ws (r);
  if (r->p < r->end && *r->p == ']')
    {
      r->p++;
      return TRUE;
    }
  while (more)
    {
      HangarRecord *record;

      r->depth = 2;   /* the page and "records" */
      skip_ws (r);
      if (r->p >= r->end || *r->p != '{')
        return FALSE;
      record = read_record (r);
      if (record == NULL)
        return FALSE;
      g_ptr_array_add (records, record);
      r->depth = 2;
      if (!next_member (r, ']', &more))
        return FALSE;
    }
  r->depth = 1;
  return TRUE;
}

gboolean
_hangar_record_page_read (const char  *data,
                          gsize        length,
                          gsize        max_bytes,
                          GPtrArray  **out_records,
                          char       **out_offset)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) out = NULL;
  g_autoptr(GArray) names = NULL;
  g_autofree char *offset = NULL;
  Reader r;
  gboolean have_records = FALSE, have_offset = FALSE, more = TRUE;

  *out_records = NULL;
  *out_offset = NULL;
  if ((max_bytes > 0 && length > max_bytes) || !g_utf8_validate_len (data, length, NULL))
    return FALSE;

  out = g_string_sized_new (4096);
  names = g_array_new (FALSE, FALSE, sizeof (NameSpan));
  r.p = (const guchar *) data;
  r.end = r.p + length;
  r.depth = 1;   /* the page object is open while its members are read */
  r.out = out;
  r.names = names;

  skip_ws (&r);
  if (r.p >= r.end || *r.p != '{')
    return FALSE;
  r.p++;
  skip_ws (&r);
  if (r.p < r.end && *r.p == '}')
    return FALSE;
  while (more)
    {
      const guchar *name;
      gsize len;

      if (!read_member_name (&r, &name, &len))
        return FALSE;
      if (name_is (name, len, "records"))
        {
          if (have_records || !read_records (&r, records))
            return FALSE;
          have_records = TRUE;
        }
      else if (name_is (name, len, "offset"))
        {
          const guchar *text;
          gsize text_len;

          if (have_offset)
            return FALSE;
          have_offset = TRUE;
          if (*r.p == 'n')
            {
              if (!skip_value (&r))
                return FALSE;
            }
          else if (*r.p != '"' || !read_plain (&r, &text, &text_len))
            return FALSE;
          else
            offset = g_strndup ((const char *) text, text_len);
        }
      else if (!skip_value (&r))
        return FALSE;
      if (!next_member (&r, '}', &more))
        return FALSE;
    }
  skip_ws (&r);
  if (r.p != r.end || !have_records)
    return FALSE;

  *out_records = g_steal_pointer (&records);
  *out_offset = g_steal_pointer (&offset);
  return TRUE;
}

char *
_hangar_record_page_peek_offset (const char *data,
                                 gsize       length)
{
  const guchar *s = (const guchar *) data;
  const guchar *p = s + length;
  const guchar *value_end, *q;

#define BACK_WS() while (p > s && (p[-1] == ' ' || p[-1] == '\n' || p[-1] == '\r' || p[-1] == '\t')) p--

  BACK_WS ();
  if (p == s || p[-1] != '}')
    return NULL;
  p--;
  BACK_WS ();
  if (p == s || p[-1] != '"')
    return NULL;
  value_end = --p;
  for (q = value_end; q > s && q[-1] != '"'; q--)
    if (q[-1] == '\\' || q[-1] < 0x20 || value_end - q >= PEEK_OFFSET_MAX)
      return NULL;
  if (q == s)
    return NULL;
  p = q - 1;
  BACK_WS ();
  if (p == s || p[-1] != ':')
    return NULL;
  p--;
  BACK_WS ();
  if (p - s < 9 || memcmp (p - 8, "\"offset\"", 8) != 0)
    return NULL;
  p -= 8;
  BACK_WS ();
  if (p == s || p[-1] != ',')
    return NULL;
#undef BACK_WS
  return g_strndup ((const char *) q, value_end - q);
}

char *
_hangar_format_timestamp_ms (char   *buf,
                             gint64  us)
{
  gint64 seconds = us >= 0 ? us / G_USEC_PER_SEC : -((-us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
  gint64 micro = us - seconds * G_USEC_PER_SEC;
  gint64 days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
  gint64 rest = seconds - days * 86400;
  gint64 z = days + 719468;
  gint64 era = (z >= 0 ? z : z - 146096) / 146097;
  gint64 doe = z - era * 146097;
  gint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  gint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  gint64 mp = (5 * doy + 2) / 153;
  gint64 day = doy - (153 * mp + 2) / 5 + 1;
  gint64 month = mp < 10 ? mp + 3 : mp - 9;
  gint64 year = yoe + era * 400 + (month <= 2);

  if (year < 1 || year > 9999)
    return NULL;
  /* As g_date_time_format ("%Y-%m-%dT%H:%M:%S") writes it, then ".mmmZ". */
  g_snprintf (buf, 32, "%d-%02d-%02dT%02d:%02d:%02d.%03dZ", (int) year, (int) month, (int) day,
              (int) (rest / 3600), (int) (rest / 60 % 60), (int) (rest % 60), (int) (micro / 1000));
  return buf;
}
