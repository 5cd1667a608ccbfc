/* test-redact.c — secrets never reach a message in any spelling, and server
 * text is made safe for a terminal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hangar-api.h"
#include "hangar-redact.h"

#define TOKEN "patAbC123.d4e5f6/g7+h8=i9_j0-kLmNoPqRsTuVwXyZ"

static void
assert_redacted (const char *text,
                 const char *expected)
{
  g_autofree char *out = hangar_redact (text);

  g_assert_cmpstr (out, ==, expected);
}

static char *
percent_encode_all (const char *text)
{
  GString *s = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    g_string_append_printf (s, "%%%02X", (guchar) *p);
  return g_string_free (s, FALSE);
}

static void
test_spellings (void)
{
  g_autofree char *escaped = g_uri_escape_string (TOKEN, NULL, FALSE);
  g_autofree char *escaped_lower = g_strdup (escaped);
  g_autofree char *all = percent_encode_all (TOKEN);
  g_autofree char *twice = g_uri_escape_string (escaped, NULL, FALSE);
  g_autofree char *basic_in = g_strconcat ("client-id:", TOKEN, NULL);
  g_autofree char *basic = g_base64_encode ((const guchar *) basic_in, strlen (basic_in));
  GString *json_u = g_string_new (NULL);
  GString *html = g_string_new (NULL);
  const char *forms[8];
  guint n = 0;

  hangar_redact_clear ();
  hangar_redact_add_secret (TOKEN);

  /* Lower-case hex digits in the escapes only. */
  for (char *p = escaped_lower; *p != '\0'; p++)
    if (*p == '%')
      {
        p[1] = g_ascii_tolower (p[1]);
        p[2] = g_ascii_tolower (p[2]);
      }
  g_assert_cmpstr (escaped_lower, !=, escaped);

  for (const char *p = TOKEN; *p != '\0'; p++)
    {
      g_string_append_printf (json_u, "\\u%04x", (guchar) *p);
      g_string_append_printf (html, (p - TOKEN) % 2 ? "&#%d;" : "&#x%x;", (guchar) *p);
    }

  forms[n++] = TOKEN;
  forms[n++] = escaped;
  forms[n++] = escaped_lower;
  forms[n++] = all;
  forms[n++] = twice;
  forms[n++] = json_u->str;
  forms[n++] = html->str;
  forms[n++] = "patAbC123.d4e5f6\\/g7+h8=i9_j0-kLmNoPqRsTuVwXyZ";

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = g_strdup_printf ("Invalid token “%s” (again: %s)", forms[i], forms[i]);

      assert_redacted (text, "Invalid token “[token]” (again: [token])");
    }

  /* An echoed Authorization: Basic header: the client id's whole groups
   * stay, and nothing that mixes in a byte of the secret does. */
  {
    g_autofree char *text = g_strdup_printf ("got Basic %s.", basic);
    g_autofree char *out = hangar_redact (text);
    g_autofree char *expected = g_strdup_printf ("got Basic %.12s[token].", basic);

    g_assert_cmpstr (out, ==, expected);
  }
  /* Base64 of the token at each alignment, in both alphabets. */
  for (guint pad = 0; pad < 3; pad++)
    {
      g_autofree char *in = g_strdup_printf ("%.*s%s", pad, "xyz", TOKEN);
      g_autofree char *b64 = g_base64_encode ((const guchar *) in, strlen (in));
      g_autofree char *out = hangar_redact (b64);
      g_autofree char *url = g_strdup (b64);

      /* The short prefix shares a group with the secret: nothing is left. */
      g_assert_cmpstr (out, ==, HANGAR_REDACTED);
      g_strdelimit (url, "+", '-');
      g_strdelimit (url, "/", '_');
      g_clear_pointer (&out, g_free);
      out = hangar_redact (url);
      g_assert_nonnull (strstr (out, HANGAR_REDACTED));
    }

  g_string_free (json_u, TRUE);
  g_string_free (html, TRUE);
}

static void
test_ordinary_text (void)
{
  hangar_redact_clear ();
  hangar_redact_add_secret (TOKEN);
  /* Short "secrets" are not registered: they would mangle ordinary text. */
  hangar_redact_add_secret ("abc");
  hangar_redact_add_secret (NULL);

  assert_redacted ("", "");
  assert_redacted ("abc def %41 \\u0041 &#65; patAbC123", "abc def %41 \\u0041 &#65; patAbC123");
  assert_redacted ("ends with %", "ends with %");
  assert_redacted ("ends with %2", "ends with %2");
  assert_redacted ("ends with \\u00", "ends with \\u00");
  assert_redacted ("ends with &#x", "ends with &#x");
  g_assert_null (hangar_redact (NULL));

  /* Several secrets, adjacent. */
  hangar_redact_add_secret ("refresh-token-0123456789");
  assert_redacted (TOKEN "refresh-token-0123456789!", "[token][token]!");

  hangar_redact_clear ();
  assert_redacted (TOKEN, TOKEN);
}

static void
test_many_secrets (void)
{
  hangar_redact_clear ();
  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *s = g_strdup_printf ("secret-number-%05u", i);

      hangar_redact_add_secret (s);
    }
  /* The newest 256 are kept. */
  assert_redacted ("secret-number-00299", "[token]");
  assert_redacted ("secret-number-00044", "[token]");
  assert_redacted ("secret-number-00043", "secret-number-00043");
  hangar_redact_clear ();
}

static void
test_terminal (void)
{
  struct { const char *in; gboolean keep; const char *out; } cases[] = {
    { "plain é 😀", FALSE, "plain é 😀" },
    { "\x1b]0;owned\x07title", FALSE, "\\x1b]0;owned\\x07title" },
    { "\x1b[31mred\x1b[0m", FALSE, "\\x1b[31mred\\x1b[0m" },
    { "line\nhangar-cli: forged", FALSE, "line\\nhangar-cli: forged" },
    { "line\nnext", TRUE, "line\nnext" },
    { "cr\rover", FALSE, "cr\\x0dover" },
    { "tab\there", FALSE, "tab\there" },
    { "del\x7f", FALSE, "del\\x7f" },
    { "c1 \xc2\x9b" "31m", FALSE, "c1 \\u009b31m" },
    { "bidi \xe2\x80\xae" "gnp.exe", FALSE, "bidi \\u202egnp.exe" },
    { "bad \xff utf8", FALSE, "bad \xef\xbf\xbd utf8" },
  };

  hangar_redact_clear ();
  hangar_redact_add_secret (TOKEN);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = hangar_redact_for_terminal (cases[i].in, cases[i].keep);

      g_assert_cmpstr (out, ==, cases[i].out);
    }
  {
    g_autofree char *out = hangar_redact_for_terminal ("\x1b[2J" TOKEN, FALSE);

    g_assert_cmpstr (out, ==, "\\x1b[2J[token]");
  }
  hangar_redact_clear ();
}

static void
test_log_writer (void)
{
  if (g_test_subprocess ())
    {
      g_log_set_writer_func (hangar_redact_log_writer, NULL, NULL);
      hangar_redact_add_secret (TOKEN);
      g_message ("server said %s\x1b[2J", TOKEN);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*server said [token]\\x1b[2J*");
  g_test_trap_assert_stderr_unmatched ("*" TOKEN "*");
}

/* The static token source registers the token it is given. */
static void
test_token_source (void)
{
  g_autoptr(HangarTokenSource) source = NULL;

  hangar_redact_clear ();
  source = hangar_static_token_source_new ("pat-from-the-environment.0123");
  assert_redacted ("x pat-from-the-environment.0123 y", "x [token] y");
  hangar_redact_clear ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hangar/redact/spellings", test_spellings);
  g_test_add_func ("/hangar/redact/ordinary-text", test_ordinary_text);
  g_test_add_func ("/hangar/redact/many-secrets", test_many_secrets);
  g_test_add_func ("/hangar/redact/terminal", test_terminal);
  g_test_add_func ("/hangar/redact/log-writer", test_log_writer);
  g_test_add_func ("/hangar/redact/token-source", test_token_source);

  return g_test_run ();
}
