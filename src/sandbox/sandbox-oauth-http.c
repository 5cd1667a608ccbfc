/* sandbox-oauth-http.c — OAuth request parsing (form bodies, scope lists)
 * and answers (RFC 6749 JSON errors, HTML pages, redirects)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "sandbox-json.h"
#include "sandbox-oauth-private.h"
#include "sandbox-consent.h"

/* ---------------------------------------------------------------------- */
/* application/x-www-form-urlencoded                                       */
/* ---------------------------------------------------------------------- */

static char *
form_decode (const char *start,
             const char *end)
{
  g_autofree char *raw = g_strndup (start, end - start);
  char *out;

  for (char *c = raw; *c != '\0'; c++)
    if (*c == '+')
      *c = ' ';
  out = g_uri_unescape_string (raw, NULL); /* NULL on bad escapes or %00 */
  if (out != NULL && !g_utf8_validate (out, -1, NULL))
    g_clear_pointer (&out, g_free);
  return out;
}

/* Parses a form body or query string into ordered (name, value) pairs.
 * Returns NULL when it is malformed (bad escape, NUL, invalid UTF-8). */
GPtrArray *
_sandbox_oauth_form_parse (const char *data,
                           gsize       len)
{
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func ((GDestroyNotify) _sandbox_oauth_form_field_free);
  const char *p = data;
  const char *end = data + len;

  if (len > 0 && memchr (data, '\0', len) != NULL)
    return NULL;

  while (p < end)
    {
      const char *amp = memchr (p, '&', end - p);
      const char *pend = amp != NULL ? amp : end;

      if (pend > p)
        {
          const char *eq = memchr (p, '=', pend - p);
          OAuthFormField *f = g_new0 (OAuthFormField, 1);

          f->name = form_decode (p, eq != NULL ? eq : pend);
          f->value = eq != NULL ? form_decode (eq + 1, pend) : g_strdup ("");
          g_ptr_array_add (fields, f);
          if (f->name == NULL || f->value == NULL)
            return NULL;
        }
      if (amp == NULL)
        break;
      p = amp + 1;
    }
  return g_steal_pointer (&fields);
}

/* name → value (first occurrence; values owned by @fields). Names given
 * more than once go to @out_repeated (may be NULL). */
GHashTable *
_sandbox_oauth_form_index (GPtrArray   *fields,
                           GHashTable **out_repeated)
{
  GHashTable *index = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTable *repeated = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < fields->len; i++)
    {
      OAuthFormField *f = g_ptr_array_index (fields, i);

      if (g_hash_table_contains (index, f->name))
        g_hash_table_add (repeated, f->name);
      else
        g_hash_table_insert (index, f->name, f->value);
    }
  if (out_repeated != NULL)
    *out_repeated = repeated;
  else
    g_hash_table_unref (repeated);
  return index;
}

GBytes *
_sandbox_oauth_request_body (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  return soup_message_body_flatten (body);
}

gboolean
_sandbox_oauth_is_form_content_type (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *type = soup_message_headers_get_content_type (headers, NULL);

  return type != NULL && g_ascii_strcasecmp (type, "application/x-www-form-urlencoded") == 0;
}

/* Space-separated scopes (a '+' in the query has already become a space).
 * Returns NULL and a description when the list is empty, malformed,
 * repeats a scope or names an unknown one. */
GStrv
_sandbox_oauth_parse_scopes (const char  *value,
                             const char **why)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  if (value == NULL || value[0] == '\0')
    {
      *why = "The scope parameter is missing or empty";
      return NULL;
    }
  parts = g_strsplit (value, " ", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (parts[i][0] == '\0')
        {
          *why = "The scope parameter is malformed (scopes are separated by single spaces)";
          return NULL;
        }
      if (!g_hash_table_add (seen, parts[i]))
        {
          *why = "The scope parameter repeats a scope";
          return NULL;
        }
      if (!_sandbox_oauth_is_known_scope (parts[i]))
        {
          *why = "The scope parameter names an unknown scope";
          return NULL;
        }
      g_strv_builder_add (builder, parts[i]);
    }
  return g_strv_builder_end (builder);
}

/* ---------------------------------------------------------------------- */
/* Responses                                                               */
/* ---------------------------------------------------------------------- */

void
_sandbox_oauth_respond_json_node (SoupServerMessage *msg,
                                  guint              status,
                                  JsonNode          *node)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  gsize len = 0;
  char *text = sandbox_json_generate (node, &len);

  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "Pragma", "no-cache");
  soup_server_message_set_response (msg, "application/json; charset=utf-8",
                                    SOUP_MEMORY_TAKE, text, len);
}

void
_sandbox_oauth_respond_oauth_error (SoupServerMessage *msg,
                                    guint              status,
                                    const char        *error,
                                    const char        *description)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_add_string_value (b, error);
  json_builder_set_member_name (b, "error_description");
  json_builder_add_string_value (b, description);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  _sandbox_oauth_respond_json_node (msg, status, node);
}

/* RFC 6749 §5.2: 401 for invalid_client, 400 for everything else. */
void
_sandbox_oauth_token_error (SoupServerMessage *msg,
                            const char        *error,
                            const char        *description)
{
  gboolean client = g_str_equal (error, "invalid_client");

  _sandbox_oauth_respond_oauth_error (msg, client ? 401 : 400, error, description);
}

void
_sandbox_oauth_respond_html (SoupServerMessage *msg,
                             guint              status,
                             GString           *html) /* transfer full */
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  gsize len = html->len;

  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "X-Frame-Options", "DENY");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
  /* No form-action: some engines apply it to the redirect that follows a
   * form POST, which would block the redirect to the client. */
  soup_message_headers_replace (headers, "Content-Security-Policy",
                                "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_TAKE,
                                    g_string_free (html, FALSE), len);
}

void
_sandbox_oauth_respond_error_page (SoupServerMessage *msg,
                                   guint              status,
                                   const char        *title,
                                   const char        *detail)
{
  _sandbox_oauth_respond_html (msg, status, sandbox_consent_render_error (title, detail));
}

void
_sandbox_oauth_append_query_param (GString    *s,
                                   const char *name,
                                   const char *value)
{
  const char *q = strchr (s->str, '?');
  char last = s->len > 0 ? s->str[s->len - 1] : '\0';

  if (q == NULL)
    g_string_append_c (s, '?');
  else if (last != '?' && last != '&')
    g_string_append_c (s, '&');
  g_string_append_uri_escaped (s, name, NULL, FALSE);
  g_string_append_c (s, '=');
  g_string_append_uri_escaped (s, value, NULL, FALSE);
}

void
_sandbox_oauth_respond_redirect (SoupServerMessage *msg,
                                 const char        *location)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_server_message_set_redirect (msg, 302, location);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
}

void
_sandbox_oauth_redirect_error (SoupServerMessage *msg,
                               const char        *redirect_uri,
                               const char        *error,
                               const char        *description,
                               const char        *state)
{
  g_autoptr(GString) loc = g_string_new (redirect_uri);

  _sandbox_oauth_append_query_param (loc, "error", error);
  _sandbox_oauth_append_query_param (loc, "error_description", description);
  if (state != NULL)
    _sandbox_oauth_append_query_param (loc, "state", state);
  _sandbox_oauth_respond_redirect (msg, loc->str);
}

void
_sandbox_oauth_respond_method_not_allowed (SoupServerMessage *msg,
                                           const char        *allow)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", allow);
  _sandbox_oauth_respond_oauth_error (msg, 405, "invalid_request", "Method not allowed");
}
