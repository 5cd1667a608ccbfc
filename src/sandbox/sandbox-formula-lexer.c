/* sandbox-formula-lexer.c — the formula tokenizer
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
/* Tokens                                                              */
/* ------------------------------------------------------------------ */

void
_sandbox_formula_token_clear (FormulaToken *t)
{
  g_clear_pointer (&t->text, g_free);
}

static gboolean
set_syntax_error (GError **error, const char *source, const char *at, const char *what)
{
  g_set_error (error, SANDBOX_FORMULA_ERROR, SANDBOX_FORMULA_ERROR_SYNTAX,
               "Invalid formula: %s at character %ld", what,
               g_utf8_pointer_to_offset (source, at) + 1);
  return FALSE;
}

static gboolean
is_name_start (gunichar c)
{
  return c == '_' || g_unichar_isalpha (c);
}

static gboolean
is_name_char (gunichar c)
{
  return c == '_' || g_unichar_isalnum (c) || g_unichar_ismark (c);
}

static gboolean
is_curly_quote (gunichar c)
{
  return c == 0x2018 || c == 0x2019 || c == 0x201A || c == 0x201B ||
         c == 0x201C || c == 0x201D || c == 0x201E || c == 0x201F ||
         c == 0x00AB || c == 0x00BB;
}

/* Splits validated UTF-8 @source into tokens (ending with TOK_EOF). */
GArray *
_sandbox_formula_tokenize (const char *source, GError **error)
{
  g_autoptr(GArray) tokens = g_array_new (FALSE, TRUE, sizeof (FormulaToken));
  const char *p = source;
  const char *counted = source;  /* columns are counted incrementally */
  glong column = 1;

  g_array_set_clear_func (tokens, (GDestroyNotify) _sandbox_formula_token_clear);

  for (;;)
    {
      FormulaToken tok = { 0 };
      gunichar c = g_utf8_get_char (p);

      if (c != 0 && g_unichar_isspace (c))
        {
          p = g_utf8_next_char (p);
          continue;
        }
      column += g_utf8_pointer_to_offset (counted, p);
      counted = p;
      tok.column = column;
      if (c == 0)
        {
          tok.kind = TOK_EOF;
          g_array_append_val (tokens, tok);
          break;
        }

      if (c == '{')
        {
          GString *name = g_string_new (NULL);
          const char *start = p;

          p++;
          while (*p != '\0' && *p != '}')
            {
              if (*p == '\\' && (p[1] == '}' || p[1] == '\\'))
                {
                  g_string_append_c (name, p[1]);
                  p += 2;
                }
              else
                g_string_append_c (name, *p++);
            }
          if (*p != '}')
            {
              g_string_free (name, TRUE);
              set_syntax_error (error, source, start, "unterminated field reference");
              return NULL;
            }
          p++;
          if (name->len == 0)
            {
              g_string_free (name, TRUE);
              set_syntax_error (error, source, start, "empty field reference {}");
              return NULL;
            }
          tok.kind = TOK_FIELD;
          tok.text = g_string_free (name, FALSE);
        }
      else if (c == '"' || c == '\'')
        {
          GString *str = g_string_new (NULL);
          const char *start = p;
          char quote = (char) c;

          p++;
          while (*p != '\0' && *p != quote)
            {
              if (*p == '\\' && p[1] != '\0')
                {
                  const char *next = g_utf8_next_char (p + 1);

                  switch (p[1])
                    {
                    case 'n': g_string_append_c (str, '\n'); break;
                    case 't': g_string_append_c (str, '\t'); break;
                    case 'r': g_string_append_c (str, '\r'); break;
                    default:  g_string_append_len (str, p + 1, next - (p + 1)); break;
                    }
                  p = next;
                }
              else
                g_string_append_c (str, *p++);
            }
          if (*p != quote)
            {
              g_string_free (str, TRUE);
              set_syntax_error (error, source, start, "unterminated string");
              return NULL;
            }
          p++;
          tok.kind = TOK_STRING;
          tok.text = g_string_free (str, FALSE);
        }
      else if (g_ascii_isdigit (*p) || (*p == '.' && g_ascii_isdigit (p[1])))
        {
          const char *start = p;
          g_autofree char *lit = NULL;

          while (g_ascii_isdigit (*p))
            p++;
          if (*p == '.')
            {
              p++;
              while (g_ascii_isdigit (*p))
                p++;
            }
          if ((*p == 'e' || *p == 'E') &&
              (g_ascii_isdigit (p[1]) ||
               ((p[1] == '+' || p[1] == '-') && g_ascii_isdigit (p[2]))))
            {
              p += 2;
              while (g_ascii_isdigit (*p))
                p++;
            }
          if (is_name_char (g_utf8_get_char (p)))
            {
              set_syntax_error (error, source, start, "malformed number");
              return NULL;
            }
          lit = g_strndup (start, p - start);
          tok.kind = TOK_NUMBER;
          tok.number = g_ascii_strtod (lit, NULL);
          if (!isfinite (tok.number))
            {
              set_syntax_error (error, source, start, "number out of range");
              return NULL;
            }
        }
      else if (is_name_start (c))
        {
          const char *start = p;

          while (*p != '\0' && is_name_char (g_utf8_get_char (p)))
            p = g_utf8_next_char (p);
          tok.kind = TOK_NAME;
          tok.text = g_strndup (start, p - start);
        }
      else
        {
          const char *start = p;

          switch (*p)
            {
            case '(': tok.kind = TOK_LPAREN; p++; break;
            case ')': tok.kind = TOK_RPAREN; p++; break;
            case ',': tok.kind = TOK_COMMA; p++; break;
            case '+': tok.kind = TOK_PLUS; p++; break;
            case '-': tok.kind = TOK_MINUS; p++; break;
            case '*': tok.kind = TOK_STAR; p++; break;
            case '/': tok.kind = TOK_SLASH; p++; break;
            case '&': tok.kind = TOK_AMP; p++; break;
            case '=':
              if (p[1] == '=')
                {
                  set_syntax_error (error, source, start, "\"==\" is not an operator (use \"=\")");
                  return NULL;
                }
              tok.kind = TOK_EQ;
              p++;
              break;
            case '!':
              if (p[1] != '=')
                {
                  set_syntax_error (error, source, start, "unexpected \"!\"");
                  return NULL;
                }
              tok.kind = TOK_NE;
              p += 2;
              break;
            case '<':
              if (p[1] == '>')
                {
                  set_syntax_error (error, source, start, "\"<>\" is not an operator (use \"!=\")");
                  return NULL;
                }
              tok.kind = p[1] == '=' ? TOK_LE : TOK_LT;
              p += p[1] == '=' ? 2 : 1;
              break;
            case '>':
              tok.kind = p[1] == '=' ? TOK_GE : TOK_GT;
              p += p[1] == '=' ? 2 : 1;
              break;
            default:
              if (is_curly_quote (c))
                set_syntax_error (error, source, start,
                                  "curly quotes are not string delimiters (use ' or \")");
              else
                set_syntax_error (error, source, start, "unexpected character");
              return NULL;
            }
        }
      g_array_append_val (tokens, tok);
    }
  return g_steal_pointer (&tokens);
}
