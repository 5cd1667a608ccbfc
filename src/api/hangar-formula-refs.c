/* hangar-formula-refs.c — the field references in formula text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hangar-formula-refs.h"

/* Airtable's formula syntax: `{Field name}` with `\}` and `\\` escaped
 * inside, strings in '…' or "…" with backslash escapes, and bare words that
 * are either function names (followed by "(") or single-word field names.
 * https://support.airtable.com/docs/formula-field-reference */

static gboolean
is_word_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || (guchar) c >= 0x80;
}

static void
append_braced (GString    *out,
               const char *name)
{
  g_string_append_c (out, '{');
  for (const char *p = name; *p != '\0'; p++)
    {
      if (*p == '}' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '}');
}

char *
hangar_formula_rewrite_refs (const char           *text,
                             HangarFormulaRefFunc  func,
                             gpointer              user_data,
                             guint                *n_unknown)
{
  GString *out;
  const char *p;
  guint unknown = 0;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (func != NULL, NULL);

  out = g_string_sized_new (strlen (text) + 16);
  p = text;
  while (*p != '\0')
    {
      if (*p == '\'' || *p == '"')
        {
          char quote = *p;

          /* A string literal, copied as it is (an unterminated one too). */
          g_string_append_c (out, *p++);
          while (*p != '\0' && *p != quote)
            {
              if (*p == '\\' && p[1] != '\0')
                g_string_append_c (out, *p++);
              g_string_append_c (out, *p++);
            }
          if (*p == quote)
            g_string_append_c (out, *p++);
        }
      else if (*p == '{')
        {
          g_autoptr(GString) ref = g_string_new (NULL);
          const char *q = p + 1;
          g_autofree char *replacement = NULL;

          while (*q != '\0' && *q != '}')
            {
              if (*q == '\\' && (q[1] == '}' || q[1] == '\\'))
                q++;
              g_string_append_c (ref, *q++);
            }
          if (*q != '}')
            {
              /* Not closed: the server will say so; keep the rest. */
              g_string_append (out, p);
              break;
            }
          replacement = func (ref->str, TRUE, user_data);
          if (replacement != NULL)
            append_braced (out, replacement);
          else
            {
              g_string_append_len (out, p, q + 1 - p);
              unknown++;
            }
          p = q + 1;
        }
      else if (g_ascii_isalpha (*p) || *p == '_' || (guchar) *p >= 0x80)
        {
          const char *start = p;
          const char *after;
          g_autofree char *word = NULL;
          g_autofree char *replacement = NULL;

          while (is_word_char (*p))
            p++;
          word = g_strndup (start, p - start);
          for (after = p; *after == ' ' || *after == '\t' || *after == '\n' || *after == '\r'; after++)
            ;
          /* A function call keeps its name. */
          if (*after != '(')
            replacement = func (word, FALSE, user_data);
          if (replacement != NULL)
            append_braced (out, replacement);
          else
            g_string_append (out, word);
        }
      else if (g_ascii_isdigit (*p))
        {
          /* A number: its digits (and an exponent's letters) are no word. */
          while (g_ascii_isalnum (*p) || *p == '.')
            g_string_append_c (out, *p++);
        }
      else
        g_string_append_c (out, *p++);
    }

  if (n_unknown != NULL)
    *n_unknown = unknown;
  return g_string_free (out, FALSE);
}
