/* hangar-json.c — the one guarded way into JSON, and JSON out again
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hangar-json.h"
#include "hangar-model-private.h"

G_DEFINE_QUARK (hangar-json-error-quark, hangar_json_error)

/* One rewrite the scan asks for: bytes [start, end) of the input become
 * @replacement before json-glib reads the text. */
typedef struct
{
  gsize       start;
  gsize       end;
  char       *replacement;
  char       *note;
  char       *path;         /* where the value is, e.g. records[3].fields.Count */
  char       *message;      /* the note without its "byte N: " */
} Rewrite;

/* Where the scan is: one entry per open container. */
typedef struct
{
  char   kind;              /* '{' or '[' */
  guint  index;             /* arrays: the element being read */
  gsize  key_start;         /* objects: the member name being read, */
  gsize  key_end;           /* as its JSON text with the quotes */
} Level;

typedef struct
{
  const guchar *p;
  const guchar *start;
  const guchar *end;
  GArray       *rewrites;   /* of Rewrite, NULL when the caller only validates */
  Level         levels[HANGAR_JSON_MAX_DEPTH];
  guint         depth;
} Scan;

static void
rewrite_clear (gpointer data)
{
  Rewrite *rewrite = data;

  g_free (rewrite->replacement);
  g_free (rewrite->note);
  g_free (rewrite->path);
  g_free (rewrite->message);
}

/* The text of the JSON string literal at [start, end) (quotes included),
 * unescaped. The scan checked it already. */
static char *
unescape_key (const guchar *start,
              const guchar *end)
{
  GString *out = g_string_sized_new (end - start);

  for (const guchar *p = start + 1; p < end - 1; p++)
    {
      if (*p != '\\')
        {
          g_string_append_c (out, *p);
          continue;
        }
      p++;
      switch (*p)
        {
        case 'b': g_string_append_c (out, '\b'); break;
        case 'f': g_string_append_c (out, '\f'); break;
        case 'n': g_string_append_c (out, '\n'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'u':
          {
            gunichar c = 0;

            for (int i = 1; i <= 4; i++)
              c = c * 16 + g_ascii_xdigit_value (p[i]);
            p += 4;
            if (c >= 0xd800 && c <= 0xdbff && p + 6 < end && p[1] == '\\' && p[2] == 'u')
              {
                gunichar low = 0;

                for (int i = 3; i <= 6; i++)
                  low = low * 16 + g_ascii_xdigit_value (p[i]);
                if (low >= 0xdc00 && low <= 0xdfff)
                  {
                    c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
                    p += 6;
                  }
              }
            if (c == 0 || (c >= 0xd800 && c <= 0xdfff))
              c = 0xfffd;
            g_string_append_unichar (out, c);
          }
          break;
        default:
          g_string_append_c (out, *p);
          break;
        }
    }
  return g_string_free (out, FALSE);
}

static gboolean
is_plain_name (const char *name)
{
  if (!g_ascii_isalpha (*name) && *name != '_')
    return FALSE;
  for (const char *c = name; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && *c != '_')
      return FALSE;
  return TRUE;
}

/* The path of the value the scan is in: "" for the root, then ".name" (or
 * ["name"] for names that are not plain) and "[index]" per level, without a
 * leading dot. */
static char *
current_path (Scan *scan)
{
  GString *path = g_string_new (NULL);

  for (guint i = 0; i < scan->depth; i++)
    {
      Level *level = &scan->levels[i];

      if (level->kind == '[')
        g_string_append_printf (path, "[%u]", level->index);
      else if (level->key_end > level->key_start)
        {
          g_autofree char *name = unescape_key (scan->start + level->key_start, scan->start + level->key_end);

          if (is_plain_name (name))
            g_string_append_printf (path, "%s%s", path->len > 0 ? "." : "", name);
          else
            {
              g_string_append_c (path, '[');
              hangar_json_append_string (path, name);
              g_string_append_c (path, ']');
            }
        }
    }
  return g_string_free (path, FALSE);
}

static gboolean
scan_fail (Scan        *scan,
           int          code,
           GError     **error,
           const char  *format,
           ...) G_GNUC_PRINTF (4, 5);

static gboolean
scan_fail (Scan        *scan,
           int          code,
           GError     **error,
           const char  *format,
           ...)
{
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, HANGAR_JSON_ERROR, code, "Invalid JSON at byte %" G_GSIZE_FORMAT ": %s",
               (gsize) (scan->p - scan->start), reason);
  return FALSE;
}

/* A printable description of the byte at the cursor, for messages. */
static const char *
describe_byte (Scan *scan,
               char  buf[16])
{
  if (scan->p >= scan->end)
    return "the end of the text";
  if (*scan->p >= 0x21 && *scan->p < 0x7f)
    g_snprintf (buf, 16, "“%c”", *scan->p);
  else
    g_snprintf (buf, 16, "byte 0x%02x", *scan->p);
  return buf;
}

/* @message (taken) says what was changed, e.g. "the number 1e999 is out of
 * range and was read as null"; the note adds the byte offset. */
static void
add_rewrite (Scan       *scan,
             gsize       start,
             gsize       end,
             const char *replacement,
             char       *message)
{
  Rewrite rewrite = { start, end, NULL, NULL, NULL, message };

  if (scan->rewrites == NULL)
    {
      g_free (message);
      return;
    }
  rewrite.replacement = g_strdup (replacement);
  rewrite.note = g_strdup_printf ("byte %" G_GSIZE_FORMAT ": %s", start, message);
  rewrite.path = current_path (scan);
  g_array_append_val (scan->rewrites, rewrite);
}

static void
skip_whitespace (Scan *scan)
{
  while (scan->p < scan->end &&
         (*scan->p == ' ' || *scan->p == '\t' || *scan->p == '\n' || *scan->p == '\r'))
    scan->p++;
}

static int
hex_value (guchar c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Reads the four hex digits after "\u" at @p (which must be in bounds). */
static int
read_u_escape (const guchar *p,
               const guchar *end)
{
  int value = 0;

  if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
    return -1;
  for (int i = 2; i < 6; i++)
    {
      int h = hex_value (p[i]);

      if (h < 0)
        return -1;
      value = value * 16 + h;
    }
  return value;
}

/* A string, cursor on its opening quote. The whole input was checked to be
 * UTF-8 already, so only the JSON rules remain. */
static gboolean
scan_string (Scan    *scan,
             GError **error)
{
  char buf[16];

  scan->p++;
  for (;;)
    {
      guchar c;

      if (scan->p >= scan->end)
        return scan_fail (scan, HANGAR_JSON_ERROR_INVALID, error, "a string is not closed");
      c = *scan->p;
      if (c == '"')
        {
          scan->p++;
          return TRUE;
        }
      if (c < 0x20)
        return scan_fail (scan, HANGAR_JSON_ERROR_INVALID, error,
                          "a control character (0x%02x) inside a string must be escaped", c);
      if (c != '\\')
        {
          scan->p++;
          continue;
        }

      if (scan->end - scan->p < 2)
        return scan_fail (scan, HANGAR_JSON_ERROR_INVALID, error, "a string is not closed");
      switch (scan->p[1])
        {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
          scan->p += 2;
          break;

        case 'u':
          {
            gsize at = scan->p - scan->start;
            int unit = read_u_escape (scan->p, scan->end);

            if (unit < 0)
              return scan_fail (scan, HANGAR_JSON_ERROR_INVALID, error,
                                "“\\u” must be followed by four hex digits");
            if (unit >= 0xd800 && unit <= 0xdbff)
              {
                int low = read_u_escape (scan->p + 6, scan->end);

                if (low >= 0xdc00 && low <= 0xdfff)
                  {
                    scan->p += 12;
                    break;
                  }
                add_rewrite (scan, at, at + 6, "\\ufffd",
                             g_strdup_printf ("an unpaired surrogate (\\u%04x) was read as U+FFFD", unit));
              }
            else if (unit >= 0xdc00 && unit <= 0xdfff)
              add_rewrite (scan, at, at + 6, "\\ufffd",
                           g_strdup_printf ("an unpaired surrogate (\\u%04x) was read as U+FFFD", unit));
            else if (unit == 0)
              add_rewrite (scan, at, at + 6, "\\ufffd",
                           g_strdup ("a NUL character (\\u0000) was read as U+FFFD"));
            scan->p += 6;
          }
          break;

        default:
          scan->p++;
          return scan_fail (scan, HANGAR_JSON_ERROR_INVALID, error,
                            "%s is not a JSON escape", describe_byte (scan, buf));
        }
    }
}

/* A number, cursor on its first character ("-" or a digit). */
static gboolean
scan_number (Scan    *scan,
             GError **error)
{
  const guchar *first = scan->p;
  gboolean integral = TRUE;

  if (*scan->p == '-')
    scan->p++;
  if (scan->p >= scan->end || !g_ascii_isdigit (*scan->p))
    return scan_fail (scan, HANGAR_JSON_ERROR_INVALID, error, "“-” must be followed by a digit");
  if (*scan->p == '0')
    {
      scan->p++;
      if (scan->p < scan->end && g_ascii_isdigit (*scan->p))
        return scan_fail (scan, HANGAR_JSON_ERROR_INVALID, error, "a number cannot start with 0");
    }
  else
    while (scan->p < scan->end && g_ascii_isdigit (*scan->p))
      scan->p++;

  if (scan->p < scan->end && *scan->p == '.')
    {
      integral = FALSE;
      scan->p++;
      if (scan->p >= scan->end || !g_ascii_isdigit (*scan->p))
        return scan_fail (scan, HANGAR_JSON_ERROR_INVALID, error, "a digit must follow “.”");
      while (scan->p < scan->end && g_ascii_isdigit (*scan->p))
        scan->p++;
    }
  if (scan->p < scan->end && (*scan->p == 'e' || *scan->p == 'E'))
    {
      integral = FALSE;
      scan->p++;
      if (scan->p < scan->end && (*scan->p == '+' || *scan->p == '-'))
        scan->p++;
      if (scan->p >= scan->end || !g_ascii_isdigit (*scan->p))
        return scan_fail (scan, HANGAR_JSON_ERROR_INVALID, error, "an exponent needs digits");
      while (scan->p < scan->end && g_ascii_isdigit (*scan->p))
        scan->p++;
    }

  if (scan->rewrites != NULL)
    {
      gsize len = scan->p - first;
      gsize at = first - scan->start;
      g_autofree char *text = g_strndup ((const char *) first, len);
      g_autofree char *shown = len > 40 ? g_strdup_printf ("%.32s…", text) : g_strdup (text);

      if (integral)
        {
          char *endp;

          errno = 0;
          (void) g_ascii_strtoll (text, &endp, 10);
          if (errno == ERANGE)
            {
              double value = g_ascii_strtod (text, NULL);

              if (isfinite (value))
                {
                  char buf[G_ASCII_DTOSTR_BUF_SIZE];

                  /* json-glib wraps or clamps such integers; a double is
                   * what JavaScript (and so Airtable) makes of them. */
                  g_autofree char *as_double = NULL;

                  hangar_json_format_double (buf, value);
                  as_double = strpbrk (buf, ".eE") != NULL ? g_strdup (buf) : g_strconcat (buf, ".0", NULL);
                  add_rewrite (scan, at, at + len, as_double,
                               g_strdup_printf ("the integer %s is beyond 64 bits and was read as %s",
                                                shown, buf));
                }
              else
                add_rewrite (scan, at, at + len, "null",
                             g_strdup_printf ("the number %s is out of range and was read as null", shown));
            }
        }
      else if (!isfinite (g_ascii_strtod (text, NULL)))
        add_rewrite (scan, at, at + len, "null",
                     g_strdup_printf ("the number %s is out of range and was read as null", shown));
    }
  return TRUE;
}

static gboolean
scan_literal (Scan       *scan,
              const char *word,
              GError    **error)
{
  gsize len = strlen (word);
  char buf[16];

  if ((gsize) (scan->end - scan->p) < len || memcmp (scan->p, word, len) != 0)
    return scan_fail (scan, HANGAR_JSON_ERROR_INVALID, error,
                      "%s does not start a JSON value", describe_byte (scan, buf));
  scan->p += len;
  return TRUE;
}

/* A member name; remembered for the path of what follows. */
static gboolean
scan_member_name (Scan    *scan,
                  GError **error)
{
  Level *level = &scan->levels[scan->depth - 1];

  level->key_start = scan->p - scan->start;
  if (!scan_string (scan, error))
    return FALSE;
  level->key_end = scan->p - scan->start;
  return TRUE;
}

/* The whole text, iteratively: scan->levels holds one entry per open level. */
static gboolean
scan_text (Scan    *scan,
           GError **error)
{
  char buf[16];

  /* A byte order mark is not JSON, but editors write one; skip it. */
  if (scan->end - scan->p >= 3 && scan->p[0] == 0xef && scan->p[1] == 0xbb && scan->p[2] == 0xbf)
    scan->p += 3;

  skip_whitespace (scan);
  if (scan->p >= scan->end)
    return scan_fail (scan, HANGAR_JSON_ERROR_INVALID, error, "the text is empty");

  for (;;)
    {
      /* Expect a value. */
      skip_whitespace (scan);
      if (scan->p >= scan->end)
        return scan_fail (scan, HANGAR_JSON_ERROR_INVALID, error, "a value is missing");

      switch (*scan->p)
        {
        case '{':
        case '[':
          if (scan->depth == HANGAR_JSON_MAX_DEPTH)
            return scan_fail (scan, HANGAR_JSON_ERROR_TOO_DEEP, error,
                              "nested deeper than %d levels", HANGAR_JSON_MAX_DEPTH);
          scan->levels[scan->depth] = (Level) { (char) *scan->p, 0, 0, 0 };
          scan->depth++;
          scan->p++;
          skip_whitespace (scan);
          if (scan->p < scan->end && (*scan->p == '}' || *scan->p == ']'))
            {
              if ((*scan->p == '}') != (scan->levels[scan->depth - 1].kind == '{'))
                return scan_fail (scan, HANGAR_JSON_ERROR_INVALID, error,
                                  "%s does not close “%c”", describe_byte (scan, buf), scan->levels[scan->depth - 1].kind);
              scan->p++;
              scan->depth--;
              break;
            }
          if (scan->levels[scan->depth - 1].kind == '{')
            {
              if (scan->p >= scan->end || *scan->p != '"')
                return scan_fail (scan, HANGAR_JSON_ERROR_INVALID, error,
                                  "expected a member name, found %s", describe_byte (scan, buf));
              if (!scan_member_name (scan, error))
                return FALSE;
              skip_whitespace (scan);
              if (scan->p >= scan->end || *scan->p != ':')
                return scan_fail (scan, HANGAR_JSON_ERROR_INVALID, error,
                                  "expected “:”, found %s", describe_byte (scan, buf));
              scan->p++;
            }
          continue;  /* the first element's value */

        case '"':
          if (!scan_string (scan, error))
            return FALSE;
          break;

        case 't':
          if (!scan_literal (scan, "true", error))
            return FALSE;
          break;

        case 'f':
          if (!scan_literal (scan, "false", error))
            return FALSE;
          break;

        case 'n':
          if (!scan_literal (scan, "null", error))
            return FALSE;
          break;

        default:
          if (*scan->p == '-' || g_ascii_isdigit (*scan->p))
            {
              if (!scan_number (scan, error))
                return FALSE;
            }
          else
            return scan_fail (scan, HANGAR_JSON_ERROR_INVALID, error,
                              "%s does not start a JSON value", describe_byte (scan, buf));
          break;
        }

      /* After a value: close containers, or go on to the next element. */
      for (;;)
        {
          skip_whitespace (scan);
          if (scan->depth == 0)
            {
              if (scan->p < scan->end)
                return scan_fail (scan, HANGAR_JSON_ERROR_INVALID, error,
                                  "%s after the end of the value", describe_byte (scan, buf));
              return TRUE;
            }
          if (scan->p >= scan->end)
            return scan_fail (scan, HANGAR_JSON_ERROR_INVALID, error,
                              "the text ends inside %s", scan->levels[scan->depth - 1].kind == '{' ? "an object" : "an array");
          if (*scan->p == ',')
            {
              scan->p++;
              if (scan->levels[scan->depth - 1].kind == '[')
                scan->levels[scan->depth - 1].index++;
              else
                {
                  skip_whitespace (scan);
                  if (scan->p >= scan->end || *scan->p != '"')
                    return scan_fail (scan, HANGAR_JSON_ERROR_INVALID, error,
                                      "expected a member name, found %s", describe_byte (scan, buf));
                  if (!scan_member_name (scan, error))
                    return FALSE;
                  skip_whitespace (scan);
                  if (scan->p >= scan->end || *scan->p != ':')
                    return scan_fail (scan, HANGAR_JSON_ERROR_INVALID, error,
                                      "expected “:”, found %s", describe_byte (scan, buf));
                  scan->p++;
                }
              break;  /* next value */
            }
          if ((*scan->p == '}' && scan->levels[scan->depth - 1].kind == '{') || (*scan->p == ']' && scan->levels[scan->depth - 1].kind == '['))
            {
              scan->p++;
              scan->depth--;
              continue;
            }
          return scan_fail (scan, HANGAR_JSON_ERROR_INVALID, error, "expected “,” or “%c”, found %s",
                            scan->levels[scan->depth - 1].kind == '{' ? '}' : ']', describe_byte (scan, buf));
        }
    }
}

static gboolean
scan_all (const char  *data,
          gsize        length,
          gsize        max_bytes,
          GArray      *rewrites,
          GError     **error)
{
  Scan scan = { .p = (const guchar *) data, .start = (const guchar *) data,
                .end = (const guchar *) data + length, .rewrites = rewrites, .depth = 0 };
  const char *bad;

  if (max_bytes > 0 && length > max_bytes)
    {
      g_set_error (error, HANGAR_JSON_ERROR, HANGAR_JSON_ERROR_TOO_LARGE,
                   "JSON text of %" G_GSIZE_FORMAT " bytes is larger than the limit of %" G_GSIZE_FORMAT,
                   length, max_bytes);
      return FALSE;
    }
  if (!g_utf8_validate_len (data, length, &bad))
    {
      g_set_error (error, HANGAR_JSON_ERROR, HANGAR_JSON_ERROR_INVALID,
                   "Invalid JSON at byte %" G_GSIZE_FORMAT ": %s",
                   (gsize) (bad - data), *bad == '\0' ? "a NUL byte" : "not UTF-8 text");
      return FALSE;
    }
  return scan_text (&scan, error);
}

gboolean
hangar_json_validate (const char  *data,
                      gssize       length,
                      gsize        max_bytes,
                      GError     **error)
{
  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  return scan_all (data, length < 0 ? strlen (data) : (gsize) length, max_bytes, NULL, error);
}

/**
 * hangar_json_note_free:
 * @note: (transfer full): a note of hangar_json_parse_full()
 */
void
hangar_json_note_free (HangarJsonNote *note)
{
  if (note == NULL)
    return;
  g_free (note->path);
  g_free (note->message);
  g_free (note->text);
  g_free (note);
}

static JsonNode *
parse (const char   *data,
       gssize        length,
       gsize         max_bytes,
       GPtrArray    *notes,     /* of HangarJsonNote, or NULL: log them */
       GError      **error)
{
  g_autoptr(GArray) rewrites = g_array_new (FALSE, FALSE, sizeof (Rewrite));
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GString) rewritten = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize len;
  JsonNode *root;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  len = length < 0 ? strlen (data) : (gsize) length;
  g_array_set_clear_func (rewrites, rewrite_clear);

  if (!scan_all (data != NULL ? data : "", len, max_bytes, rewrites, error))
    return NULL;

  if (rewrites->len > 0)
    {
      gsize copied = 0;

      rewritten = g_string_sized_new (len + 16);
      for (guint i = 0; i < rewrites->len; i++)
        {
          Rewrite *r = &g_array_index (rewrites, Rewrite, i);

          g_string_append_len (rewritten, data + copied, r->start - copied);
          g_string_append (rewritten, r->replacement);
          copied = r->end;
          if (notes != NULL)
            {
              HangarJsonNote *note = g_new0 (HangarJsonNote, 1);

              note->offset = r->start;
              note->path = g_steal_pointer (&r->path);
              note->message = g_steal_pointer (&r->message);
              note->text = g_steal_pointer (&r->note);
              g_ptr_array_add (notes, note);
            }
          else
            g_warning ("JSON input: %s", r->note);
        }
      g_string_append_len (rewritten, data + copied, len - copied);
      data = rewritten->str;
      len = rewritten->len;
    }

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, len, &local_error))
    {
      /* The scan accepted it, so this is json-glib disagreeing with RFC
       * 8259; say so rather than crash or guess. */
      g_set_error (error, HANGAR_JSON_ERROR, HANGAR_JSON_ERROR_INVALID,
                   "Invalid JSON: %s", local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  return root != NULL ? json_node_ref (root) : json_node_new (JSON_NODE_NULL);
}

JsonNode *
hangar_json_parse (const char   *data,
                   gssize        length,
                   gsize         max_bytes,
                   char       ***out_notes,
                   GError      **error)
{
  g_autoptr(GPtrArray) notes = out_notes != NULL ? g_ptr_array_new_with_free_func ((GDestroyNotify) hangar_json_note_free) : NULL;
  JsonNode *root;

  if (out_notes != NULL)
    *out_notes = NULL;

  root = parse (data, length, max_bytes, notes, error);
  if (root != NULL && notes != NULL && notes->len > 0)
    {
      GStrvBuilder *builder = g_strv_builder_new ();

      for (guint i = 0; i < notes->len; i++)
        g_strv_builder_add (builder, ((HangarJsonNote *) g_ptr_array_index (notes, i))->text);
      *out_notes = g_strv_builder_end (builder);
      g_strv_builder_unref (builder);
    }
  return root;
}

/**
 * hangar_json_parse_full:
 * @out_notes: (out) (optional) (transfer full) (element-type HangarJsonNote):
 *   one note per rewrite, NULL when there was none
 *
 * hangar_json_parse(), with each note's place in the document as a path.
 */
JsonNode *
hangar_json_parse_full (const char   *data,
                        gssize        length,
                        gsize         max_bytes,
                        GPtrArray   **out_notes,
                        GError      **error)
{
  g_autoptr(GPtrArray) notes = out_notes != NULL ? g_ptr_array_new_with_free_func ((GDestroyNotify) hangar_json_note_free) : NULL;
  JsonNode *root;

  if (out_notes != NULL)
    *out_notes = NULL;

  root = parse (data, length, max_bytes, notes, error);
  if (root != NULL && notes != NULL && notes->len > 0)
    *out_notes = g_steal_pointer (&notes);
  return root;
}

JsonNode *
hangar_json_parse_bytes (GBytes      *bytes,
                         gsize        max_bytes,
                         char      ***out_notes,
                         GError     **error)
{
  gsize len = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;

  return hangar_json_parse (data != NULL ? data : "", len, max_bytes, out_notes, error);
}

/* Writing */

char *
hangar_json_format_double (char   *buf,
                           double  value)
{
  for (int digits = 15; digits <= 17; digits++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", digits);
      g_ascii_formatd (buf, G_ASCII_DTOSTR_BUF_SIZE, format, value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }
  return buf;
}

void
hangar_json_append_double (GString *out,
                           double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    g_string_append (out, "null");
  else if (value == 0)
    g_string_append_c (out, '0');   /* -0 too, as JSON.stringify writes it */
  else
    g_string_append (out, hangar_json_format_double (buf, value));
}

void
hangar_json_append_string (GString    *out,
                           const char *text)
{
  g_string_append_c (out, '"');
  for (const unsigned char *p = (const unsigned char *) text; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        case '\b':
          g_string_append (out, "\\b");
          break;
        case '\f':
          g_string_append (out, "\\f");
          break;
        default:
          /* DEL too: it is harmless in JSON but not on a terminal. */
          if (*p < 0x20 || *p == 0x7f)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, (char) *p);
          break;
        }
    }
  g_string_append_c (out, '"');
}

static void
append_indent (GString *out,
               int      indent,
               guint    depth)
{
  if (indent < 0)
    return;
  g_string_append_c (out, '\n');
  for (guint i = 0; i < (guint) indent * depth; i++)
    g_string_append_c (out, ' ');
}

/* Recursion is bounded: every tree was built from text that the scan
 * limited to HANGAR_JSON_MAX_DEPTH levels, or by our own code. */
static void
append_node (GString  *out,
             JsonNode *node,
             int       indent,
             guint     depth)
{
  switch (node != NULL ? json_node_get_node_type (node) : JSON_NODE_NULL)
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;
        gboolean first = TRUE;

        g_string_append_c (out, '{');
        json_object_iter_init_ordered (&iter, json_node_get_object (node));
        while (json_object_iter_next_ordered (&iter, &name, &member))
          {
            if (!first)
              g_string_append_c (out, ',');
            first = FALSE;
            append_indent (out, indent, depth + 1);
            hangar_json_append_string (out, name);
            g_string_append (out, indent >= 0 ? ": " : ":");
            append_node (out, member, indent, depth + 1);
          }
        if (!first)
          append_indent (out, indent, depth);
        g_string_append_c (out, '}');
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            append_indent (out, indent, depth + 1);
            append_node (out, json_array_get_element (array, i), indent, depth + 1);
          }
        if (n > 0)
          append_indent (out, indent, depth);
        g_string_append_c (out, ']');
      }
      break;

    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          hangar_json_append_string (out, json_node_get_string (node));
          break;
        case G_TYPE_INT64:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          hangar_json_append_double (out, json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        default:
          g_string_append (out, "null");
          break;
        }
      break;

    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
}

void
hangar_json_append (GString  *out,
                    JsonNode *node,
                    int       indent)
{
  append_node (out, node, indent, 0);
}

char *
hangar_json_to_string (JsonNode *node,
                       int       indent)
{
  GString *out = g_string_new (NULL);

  append_node (out, node, indent, 0);
  return g_string_free (out, FALSE);
}

/* Typed member access */

const char *
_hangar_json_node_type_name (JsonNode *node)
{
  if (node == NULL)
    return "nothing";

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      return "an object";
    case JSON_NODE_ARRAY:
      return "an array";
    case JSON_NODE_NULL:
      return "null";
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          return "a string";
        case G_TYPE_BOOLEAN:
          return "a boolean";
        case G_TYPE_INT64:
        case G_TYPE_DOUBLE:
          return "a number";
        default:
          return "a value";
        }
    default:
      return "something else";
    }
}

/* Returns the member node, or NULL when absent or null. Sets an error only
 * when a required member is missing. */
static JsonNode *
get_member (JsonObject  *object,
            const char  *member,
            gboolean     required,
            const char  *what,
            gboolean    *ok,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *ok = TRUE;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        {
          _hangar_set_invalid_response (error, "%s has no “%s”", what, member);
          *ok = FALSE;
        }
      return NULL;
    }

  return node;
}

static gboolean
wrong_type (JsonNode    *node,
            const char  *member,
            const char  *what,
            const char  *expected,
            GError     **error)
{
  _hangar_set_invalid_response (error, "“%s” of %s is %s, not %s",
                                member, what, _hangar_json_node_type_name (node), expected);
  return FALSE;
}

gboolean
_hangar_json_get_string (JsonObject  *object,
                         const char  *member,
                         gboolean     required,
                         const char  *what,
                         const char **out_value,
                         GError     **error)
{
  gboolean ok;
  JsonNode *node = get_member (object, member, required, what, &ok, error);

  *out_value = NULL;
  if (node == NULL)
    return ok;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return wrong_type (node, member, what, "a string", error);

  *out_value = json_node_get_string (node);
  return TRUE;
}

gboolean
_hangar_json_get_object (JsonObject  *object,
                         const char  *member,
                         gboolean     required,
                         const char  *what,
                         JsonObject **out_value,
                         GError     **error)
{
  gboolean ok;
  JsonNode *node = get_member (object, member, required, what, &ok, error);

  *out_value = NULL;
  if (node == NULL)
    return ok;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return wrong_type (node, member, what, "an object", error);

  *out_value = json_node_get_object (node);
  return TRUE;
}

gboolean
_hangar_json_get_array (JsonObject  *object,
                        const char  *member,
                        gboolean     required,
                        const char  *what,
                        JsonArray  **out_value,
                        GError     **error)
{
  gboolean ok;
  JsonNode *node = get_member (object, member, required, what, &ok, error);

  *out_value = NULL;
  if (node == NULL)
    return ok;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return wrong_type (node, member, what, "an array", error);

  *out_value = json_node_get_array (node);
  return TRUE;
}

gboolean
_hangar_json_node_get_number (JsonNode *node,
                              double   *out_value)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      *out_value = (double) json_node_get_int (node);
      return TRUE;
    case G_TYPE_DOUBLE:
      *out_value = json_node_get_double (node);
      return TRUE;
    default:
      return FALSE;
    }
}

gboolean
_hangar_json_get_int (JsonObject  *object,
                      const char  *member,
                      gboolean     required,
                      const char  *what,
                      gint64      *out_value,
                      GError     **error)
{
  gboolean ok;
  JsonNode *node = get_member (object, member, required, what, &ok, error);
  double value;

  if (node == NULL)
    return ok;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    {
      *out_value = json_node_get_int (node);
      return TRUE;
    }

  /* 3.0 is an integer too; 3.5 or 1e300 is not (the range is checked
   * before the cast, which would be undefined outside it). */
  if (_hangar_json_node_get_number (node, &value) &&
      value >= -9.0e18 && value <= 9.0e18 &&
      value == (double) (gint64) value)
    {
      *out_value = (gint64) value;
      return TRUE;
    }

  return wrong_type (node, member, what, "an integer", error);
}

gboolean
_hangar_json_get_boolean (JsonObject  *object,
                          const char  *member,
                          gboolean     required,
                          const char  *what,
                          gboolean    *out_value,
                          GError     **error)
{
  gboolean ok;
  JsonNode *node = get_member (object, member, required, what, &ok, error);

  if (node == NULL)
    return ok;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return wrong_type (node, member, what, "a boolean", error);

  *out_value = json_node_get_boolean (node);
  return TRUE;
}

JsonObject *
_hangar_json_object_deep_copy (JsonObject *object)
{
  JsonObject *copy = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &name, &member))
    json_object_set_member (copy, name, _hangar_json_node_deep_copy (member));

  return copy;
}

JsonNode *
_hangar_json_node_deep_copy (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        g_autoptr(JsonObject) object = _hangar_json_object_deep_copy (json_node_get_object (node));
        return json_node_init_object (json_node_alloc (), object);
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *src = json_node_get_array (node);
        g_autoptr(JsonArray) array = json_array_sized_new (json_array_get_length (src));

        for (guint i = 0; i < json_array_get_length (src); i++)
          json_array_add_element (array, _hangar_json_node_deep_copy (json_array_get_element (src, i)));
        return json_node_init_array (json_node_alloc (), array);
      }
    case JSON_NODE_NULL:
    case JSON_NODE_VALUE:
    default:
      return json_node_copy (node);
    }
}
