/* hangar-redact.c — keeping secrets and control characters out of messages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hangar-redact.h"

#define MIN_SECRET_LEN 8
#define MAX_SECRETS 256
/* A base64 window shorter than this could occur by chance. */
#define MIN_WINDOW_LEN 8

typedef struct
{
  char  *secret;
  gsize  len;
  /* Runs of base64 text that encode only bytes of the secret, for each of
   * the three alignments it can have inside longer encoded text, in the
   * standard and the URL-safe alphabet. */
  char  *windows[6];
} Secret;

static GMutex lock;
static GPtrArray *secrets;   /* of Secret, oldest first */

static void
wipe_free (char *text)
{
  if (text != NULL)
    {
      explicit_bzero (text, strlen (text));
      g_free (text);
    }
}

static void
secret_free (gpointer data)
{
  Secret *s = data;

  wipe_free (s->secret);
  for (guint i = 0; i < G_N_ELEMENTS (s->windows); i++)
    wipe_free (s->windows[i]);
  g_free (s);
}

/* The characters of base64(pad + secret) that depend on secret bytes only:
 * the 4-character groups whose 3 input bytes all lie inside the secret. */
static char *
base64_window (const char *secret,
               gsize       len,
               gsize       pad,
               gboolean    url_safe)
{
  g_autofree guchar *input = g_malloc0 (pad + len);
  g_autofree char *encoded = NULL;
  gsize first_group = (pad + 2) / 3;
  gsize end_group = (pad + len) / 3;
  char *window;

  if (end_group <= first_group || (end_group - first_group) * 4 < MIN_WINDOW_LEN)
    return NULL;

  memcpy (input + pad, secret, len);
  encoded = g_base64_encode (input, pad + len);
  explicit_bzero (input, pad + len);
  window = g_strndup (encoded + first_group * 4, (end_group - first_group) * 4);
  explicit_bzero (encoded, strlen (encoded));
  if (url_safe)
    for (char *c = window; *c != '\0'; c++)
      {
        if (*c == '+')
          *c = '-';
        else if (*c == '/')
          *c = '_';
      }
  return window;
}

void
hangar_redact_add_secret (const char *secret)
{
  Secret *s;
  gsize len;

  if (secret == NULL || (len = strlen (secret)) < MIN_SECRET_LEN)
    return;

  g_mutex_lock (&lock);
  if (secrets == NULL)
    secrets = g_ptr_array_new_with_free_func (secret_free);
  for (guint i = 0; i < secrets->len; i++)
    {
      Secret *known = g_ptr_array_index (secrets, i);

      if (known->len == len && memcmp (known->secret, secret, len) == 0)
        {
          g_mutex_unlock (&lock);
          return;
        }
    }

  s = g_new0 (Secret, 1);
  s->secret = g_strdup (secret);
  s->len = len;
  for (guint pad = 0; pad < 3; pad++)
    {
      s->windows[pad * 2] = base64_window (secret, len, pad, FALSE);
      s->windows[pad * 2 + 1] = base64_window (secret, len, pad, TRUE);
    }
  if (secrets->len == MAX_SECRETS)
    g_ptr_array_remove_index (secrets, 0);
  g_ptr_array_add (secrets, s);
  g_mutex_unlock (&lock);
}

void
hangar_redact_clear (void)
{
  g_mutex_lock (&lock);
  g_clear_pointer (&secrets, g_ptr_array_unref);
  g_mutex_unlock (&lock);
}

static int
hex_digit (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static int
hex_pair (const char *p)
{
  int hi = hex_digit (p[0]);
  int lo = hi >= 0 ? hex_digit (p[1]) : -1;

  return lo >= 0 ? hi * 16 + lo : -1;
}

/* How many bytes at @p spell the byte @c in one of the escapes a server may
 * use; 0 when none does. @p is NUL-terminated, so reading ahead stops at the
 * terminator by the checks themselves. */
static gsize
spelled (const char *p,
         guchar      c)
{
  if ((guchar) p[0] == c)
    return 1;

  switch (p[0])
    {
    case '%':
      if (hex_pair (p + 1) == c)
        return 3;
      if (p[1] == '2' && p[2] == '5' && hex_pair (p + 3) == c)
        return 5;   /* encoded twice */
      return 0;

    case '\\':
      if (p[1] == c && (c == '/' || c == '"' || c == '\\'))
        return 2;
      if ((p[1] == 'u' || p[1] == 'U') && p[2] == '0' && p[3] == '0' && hex_pair (p + 4) == c)
        return 6;
      if (p[1] == 'x' && hex_pair (p + 2) == c)
        return 4;
      return 0;

    case '&':
      if (p[1] == '#')
        {
          const char *q = p + 2;
          int value = 0;
          gboolean hex = (*q == 'x' || *q == 'X');
          guint digits = 0;

          if (hex)
            q++;
          for (; digits < 6; q++, digits++)
            {
              int d = hex ? hex_digit (*q) : (g_ascii_isdigit (*q) ? *q - '0' : -1);

              if (d < 0)
                break;
              value = value * (hex ? 16 : 10) + d;
            }
          if (digits > 0 && *q == ';' && value == c)
            return q + 1 - p;
        }
      return 0;

    default:
      return 0;
    }
}

static gboolean
is_base64_char (char c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/' || c == '-' || c == '_';
}

/* The length of text at @p that spells @secret, or 0. */
static gsize
match_secret (const char   *p,
              const Secret *s)
{
  const char *start = p;

  for (gsize i = 0; i < s->len; i++)
    {
      gsize n = spelled (p, (guchar) s->secret[i]);

      if (n == 0)
        return 0;
      p += n;
    }
  return p - start;
}

char *
hangar_redact (const char *text)
{
  GString *out;
  const char *p;

  if (text == NULL)
    return NULL;

  g_mutex_lock (&lock);
  if (secrets == NULL || secrets->len == 0)
    {
      g_mutex_unlock (&lock);
      return g_strdup (text);
    }

  out = g_string_sized_new (strlen (text));
  p = text;
  while (*p != '\0')
    {
      gsize matched = 0;
      gboolean in_base64 = FALSE;

      for (guint i = 0; i < secrets->len && matched == 0; i++)
        {
          Secret *s = g_ptr_array_index (secrets, i);

          matched = match_secret (p, s);
          for (guint w = 0; w < G_N_ELEMENTS (s->windows) && matched == 0; w++)
            if (s->windows[w] != NULL && g_str_has_prefix (p, s->windows[w]))
              {
                matched = strlen (s->windows[w]);
                in_base64 = TRUE;
              }
        }

      if (matched > 0 && in_base64)
        {
          /* The window holds the groups made of secret bytes only; the group
           * on either side mixes the secret's first or last bytes with the
           * text around it, so it goes too. */
          for (guint k = 0; k < 4 && out->len > 0 && is_base64_char (out->str[out->len - 1]); k++)
            g_string_truncate (out, out->len - 1);
          p += matched;
          for (guint k = 0; k < 4 && (is_base64_char (*p) || *p == '='); k++)
            p++;
          while (*p == '=')
            p++;
          g_string_append (out, HANGAR_REDACTED);
        }
      else if (matched > 0)
        {
          g_string_append (out, HANGAR_REDACTED);
          p += matched;
        }
      else
        g_string_append_c (out, *p++);
    }
  g_mutex_unlock (&lock);

  return g_string_free (out, FALSE);
}

char *
hangar_redact_for_terminal (const char *text,
                            gboolean    keep_newlines)
{
  g_autofree char *redacted = NULL;
  g_autofree char *valid = NULL;
  GString *out;

  if (text == NULL)
    return NULL;

  redacted = hangar_redact (text);
  valid = g_utf8_make_valid (redacted, -1);
  out = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n' && keep_newlines)
        g_string_append_c (out, '\n');
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append_c (out, '\t');
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\x%02x", c);
      else if ((c >= 0x80 && c <= 0x9f) ||
               (c >= 0x202a && c <= 0x202e) ||
               (c >= 0x2066 && c <= 0x2069))
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
    }

  return g_string_free (out, FALSE);
}

GLogWriterOutput
hangar_redact_log_writer (GLogLevelFlags   log_level,
                          const GLogField *fields,
                          gsize            n_fields,
                          gpointer         user_data)
{
  g_autofree GLogField *copy = g_memdup2 (fields, n_fields * sizeof *fields);
  g_autofree char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0 (copy[i].key, "MESSAGE") == 0 && copy[i].value != NULL)
      {
        g_autofree char *text = copy[i].length < 0
                                  ? g_strdup (copy[i].value)
                                  : g_strndup (copy[i].value, copy[i].length);

        message = hangar_redact_for_terminal (text, TRUE);
        copy[i].value = message;
        copy[i].length = -1;
        break;
      }

  return g_log_writer_default (log_level, copy, n_fields, user_data);
}
