/* sandbox-json.c — strict JSON for everything the sandbox parses
 *
 * json-glib 1.6 accepts more than RFC 8259 (comments, single-quoted strings,
 * bare words in some places) and parses recursively without a depth limit,
 * so a crafted body can run it off the stack. Every request body and the
 * state file therefore go through sandbox_json_check() first: a small
 * iterative validator of RFC 8259 with a nesting limit. Only what it accepts
 * reaches json-glib, whose recursion is then bounded by that limit.
 *
 * Beyond the RFC's grammar it refuses what would turn into broken strings
 * later: a byte order mark, invalid UTF-8, and \u escapes that leave a
 * surrogate unpaired. src/sandbox/README.md says how refusals are answered.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sandbox-private.h"

G_DEFINE_QUARK (sandbox-json-error-quark, sandbox_json_error)

/* The containers open at one point of the scan: one bit per level (1 =
 * object), kept in a byte array so the depth limit, not the C stack, bounds
 * the memory. */
typedef struct
{
  GByteArray *bits;
  guint       depth;
} Stack;

static void
stack_push (Stack   *stack,
            gboolean object)
{
  guint byte = stack->depth / 8;

  if (byte >= stack->bits->len)
    g_byte_array_append (stack->bits, (const guint8 *) "", 1);
  if (object)
    stack->bits->data[byte] |= (guint8) (1u << (stack->depth % 8));
  else
    stack->bits->data[byte] &= (guint8) ~(1u << (stack->depth % 8));
  stack->depth++;
}

static gboolean
stack_top_is_object (Stack *stack)
{
  guint d = stack->depth - 1;

  return (stack->bits->data[d / 8] >> (d % 8)) & 1;
}

static gboolean
fail (GError    **error,
      gsize       at,
      const char *what)
{
  g_set_error (error, SANDBOX_JSON_ERROR, SANDBOX_JSON_ERROR_INVALID,
               "%s at byte %" G_GSIZE_FORMAT, what, at);
  return FALSE;
}

static gboolean
is_ws (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Reads the 4 hex digits after "\u" at @p; -1 when they are not hex. */
static int
read_hex4 (const char *p,
           const char *end)
{
  int v = 0;

  if (end - p < 4)
    return -1;
  for (int i = 0; i < 4; i++)
    {
      int h = hex_value (p[i]);

      if (h < 0)
        return -1;
      v = v * 16 + h;
    }
  return v;
}

/* Scans a string whose opening quote is at *@pos; leaves *@pos after the
 * closing quote. */
static gboolean
scan_string (const char *data,
             gsize       len,
             gsize      *pos,
             GError    **error)
{
  const char *p = data + *pos + 1;
  const char *end = data + len;

  while (p < end)
    {
      guchar c = (guchar) *p;

      if (c == '"')
        {
          *pos = (gsize) (p + 1 - data);
          return TRUE;
        }
      if (c < 0x20)
        return fail (error, p - data, "Control character in a string");
      if (c == '\\')
        {
          if (p + 1 >= end)
            break;
          switch (p[1])
            {
            case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
              p += 2;
              break;
            case 'u':
              {
                int u = read_hex4 (p + 2, end);

                if (u < 0)
                  return fail (error, p - data, "Bad \\u escape");
                p += 6;
                if (u >= 0xDC00 && u <= 0xDFFF)
                  return fail (error, p - 6 - data, "Unpaired surrogate escape");
                if (u >= 0xD800 && u <= 0xDBFF)
                  {
                    int low = (end - p >= 2 && p[0] == '\\' && p[1] == 'u') ? read_hex4 (p + 2, end) : -1;

                    if (low < 0xDC00 || low > 0xDFFF)
                      return fail (error, p - 6 - data, "Unpaired surrogate escape");
                    p += 6;
                  }
              }
              break;
            default:
              return fail (error, p - data, "Bad escape in a string");
            }
          continue;
        }
      if (c < 0x80)
        {
          p++;
          continue;
        }
      {
        /* one UTF-8 sequence; g_utf8_get_char_validated refuses overlongs,
         * surrogates and values past U+10FFFF */
        gunichar ch = g_utf8_get_char_validated (p, end - p);

        if (ch == (gunichar) -1 || ch == (gunichar) -2)
          return fail (error, p - data, "Invalid UTF-8 in a string");
        p = g_utf8_next_char (p);
      }
    }
  return fail (error, len, "Unterminated string");
}

/* Scans a number at *@pos (RFC 8259 grammar: -?int frac? exp?). */
static gboolean
scan_number (const char *data,
             gsize       len,
             gsize      *pos,
             GError    **error)
{
  gsize i = *pos;

  if (i < len && data[i] == '-')
    i++;
  if (i >= len || !g_ascii_isdigit (data[i]))
    return fail (error, i, "Bad number");
  if (data[i] == '0')
    i++;
  else
    while (i < len && g_ascii_isdigit (data[i]))
      i++;
  if (i < len && data[i] == '.')
    {
      i++;
      if (i >= len || !g_ascii_isdigit (data[i]))
        return fail (error, i, "Bad number");
      while (i < len && g_ascii_isdigit (data[i]))
        i++;
    }
  if (i < len && (data[i] == 'e' || data[i] == 'E'))
    {
      i++;
      if (i < len && (data[i] == '+' || data[i] == '-'))
        i++;
      if (i >= len || !g_ascii_isdigit (data[i]))
        return fail (error, i, "Bad number");
      while (i < len && g_ascii_isdigit (data[i]))
        i++;
    }
  *pos = i;
  return TRUE;
}

static gboolean
scan_literal (const char *data,
              gsize       len,
              gsize      *pos,
              const char *word,
              GError    **error)
{
  gsize n = strlen (word);

  if (len - *pos < n || memcmp (data + *pos, word, n) != 0)
    return fail (error, *pos, "Unexpected character");
  *pos += n;
  return TRUE;
}

gboolean
sandbox_json_check (const char *data,
                    gsize       len,
                    guint       max_depth,
                    GError    **error)
{
  g_autoptr(GByteArray) bits = g_byte_array_new ();
  Stack stack = { bits, 0 };
  gsize i = 0;
  /* what may come next: a value (at the start, after ':' or ',' in an
   * array, or after '[') or, after a value, ',' / a closer / the end */
  gboolean want_value = TRUE;
  gboolean after_open = FALSE;   /* just after '[' or '{': a closer is fine */
  gboolean want_key = FALSE;     /* in an object, after '{' or ',' */

  if (data == NULL)
    return fail (error, 0, "No data");
  if (len >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    return fail (error, 0, "Byte order mark");

  for (;;)
    {
      while (i < len && is_ws (data[i]))
        i++;
      if (i >= len)
        break;

      if (want_key)
        {
          if (data[i] == '}' && after_open)
            goto close;
          if (data[i] != '"')
            return fail (error, i, "Expected a member name");
          if (!scan_string (data, len, &i, error))
            return FALSE;
          while (i < len && is_ws (data[i]))
            i++;
          if (i >= len || data[i] != ':')
            return fail (error, i, "Expected ':'");
          i++;
          want_key = FALSE;
          after_open = FALSE;
          want_value = TRUE;
          continue;
        }

      if (want_value)
        {
          char c = data[i];

          if ((c == ']') && after_open && stack.depth > 0 && !stack_top_is_object (&stack))
            goto close;
          after_open = FALSE;
          if (c == '{' || c == '[')
            {
              if (stack.depth >= max_depth)
                return fail (error, i, "Nested too deeply");
              stack_push (&stack, c == '{');
              i++;
              after_open = TRUE;
              if (c == '{')
                {
                  want_key = TRUE;
                  want_value = FALSE;
                }
              continue;
            }
          if (c == '"')
            {
              if (!scan_string (data, len, &i, error))
                return FALSE;
            }
          else if (c == '-' || g_ascii_isdigit (c))
            {
              if (!scan_number (data, len, &i, error))
                return FALSE;
            }
          else if (c == 't')
            {
              if (!scan_literal (data, len, &i, "true", error))
                return FALSE;
            }
          else if (c == 'f')
            {
              if (!scan_literal (data, len, &i, "false", error))
                return FALSE;
            }
          else if (c == 'n')
            {
              if (!scan_literal (data, len, &i, "null", error))
                return FALSE;
            }
          else
            return fail (error, i, "Unexpected character");
          want_value = FALSE;
          if (stack.depth == 0)
            {
              /* the top-level value is complete: only whitespace may follow */
              while (i < len && is_ws (data[i]))
                i++;
              if (i < len)
                return fail (error, i, "Data after the end of the document");
              return TRUE;
            }
          continue;
        }

      /* after a value inside a container */
      if (data[i] == ',')
        {
          i++;
          if (stack_top_is_object (&stack))
            want_key = TRUE;
          else
            want_value = TRUE;
          continue;
        }
      if (data[i] == '}' || data[i] == ']')
        goto close;
      return fail (error, i, "Expected ',' or the end of a container");

    close:
      if (stack.depth == 0 || (data[i] == '}') != stack_top_is_object (&stack))
        return fail (error, i, "Mismatched bracket");
      stack.depth--;
      i++;
      after_open = FALSE;
      want_key = FALSE;
      want_value = FALSE;
      if (stack.depth == 0)
        {
          while (i < len && is_ws (data[i]))
            i++;
          if (i < len)
            return fail (error, i, "Data after the end of the document");
          return TRUE;
        }
    }
  return fail (error, len, stack.depth > 0 || want_value ? "Unexpected end of data" : "Empty document");
}

JsonNode *
sandbox_json_parse (const char *data,
                    gsize       len,
                    guint       max_depth,
                    GError    **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (!sandbox_json_check (data, len, max_depth, error))
    return NULL;
  /* what the check accepts, json-glib parses; its error is still handled,
   * for a difference between the two that the check did not foresee */
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, (gssize) len, &local_error))
    {
      g_set_error (error, SANDBOX_JSON_ERROR, SANDBOX_JSON_ERROR_INVALID, "%s", local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, SANDBOX_JSON_ERROR, SANDBOX_JSON_ERROR_INVALID, "Empty document");
      return NULL;
    }
  return json_node_ref (root);
}

/* json-glib 1.6 writes U+001F raw inside strings (it escapes the other
 * control characters), which is not JSON. Generates @root compactly and
 * escapes any raw control character, so that everything the sandbox writes
 * (answers, the state file) passes sandbox_json_check(). */
char *
sandbox_json_generate (JsonNode *root,
                       gsize    *out_len)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *raw = NULL;
  GString *out;
  gsize len = 0;

  json_generator_set_root (gen, root);
  raw = json_generator_to_data (gen, &len);
  out = g_string_sized_new (len + 16);
  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar) raw[i];

      /* compact output has no raw control character outside strings */
      if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  if (out_len != NULL)
    *out_len = out->len;
  return g_string_free (out, FALSE);
}
