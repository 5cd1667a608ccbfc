/* hangar-ids.c — checking what becomes part of a request URL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "hangar-error.h"
#include "hangar-ids.h"
#include "hangar-redact.h"

/* How much of a refused value a message quotes. */
#define SHOWN_CHARS 60

/* @text made safe to quote in a message: control characters escaped, invalid
 * UTF-8 replaced, secrets redacted, cut to SHOWN_CHARS characters. */
static char *
shown_text (const char *text)
{
  g_autofree char *safe = hangar_redact_for_terminal (text, FALSE);

  if (g_utf8_strlen (safe, -1) > SHOWN_CHARS)
    {
      g_autofree char *cut = g_utf8_substring (safe, 0, SHOWN_CHARS);

      return g_strconcat (cut, "…", NULL);
    }
  return g_steal_pointer (&safe);
}

static const char *
kind_of (const char *what)
{
  if (g_str_equal (what, "base"))
    return "base id";
  if (g_str_equal (what, "record"))
    return "record id";
  if (g_str_equal (what, "comment"))
    return "comment id";
  if (g_str_equal (what, "table") || g_str_equal (what, "field") || g_str_equal (what, "view"))
    return NULL;   /* "<what> name or id" */
  return "";
}

static gboolean
segment_fail (const char  *what,
              const char  *value,
              const char  *reason,
              GError     **error)
{
  g_autofree char *shown = shown_text (value);
  const char *kind = kind_of (what);
  g_autofree char *noun = kind == NULL ? g_strconcat (what, " name or id", NULL)
                                       : g_strdup (*kind != '\0' ? kind : what);

  g_set_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_ARGUMENT,
               "%s “%s” is not a valid %s (%s)", what, shown, noun, reason);
  return FALSE;
}

/**
 * hangar_check_path_segment:
 * @what: what @value names ("base", "table", "record", "field", …)
 * @value: (nullable): the value to check
 * @error: return location for a %HANGAR_API_ERROR_INVALID_ARGUMENT
 *
 * Returns: %TRUE when @value may become one path segment of a request
 */
gboolean
hangar_check_path_segment (const char  *what,
                           const char  *value,
                           GError     **error)
{
  gsize len;

  g_return_val_if_fail (what != NULL, FALSE);

  if (value == NULL || *value == '\0')
    return segment_fail (what, "", "it is empty", error);

  len = strlen (value);
  if (len > HANGAR_MAX_SEGMENT_BYTES)
    {
      g_autofree char *reason = g_strdup_printf ("it is longer than %d bytes", HANGAR_MAX_SEGMENT_BYTES);

      return segment_fail (what, value, reason, error);
    }
  if (!g_utf8_validate_len (value, len, NULL))
    return segment_fail (what, value, "it is not valid UTF-8 text", error);
  if (g_str_equal (value, ".") || g_str_equal (value, ".."))
    return segment_fail (what, value, "“.” and “..” would name another endpoint", error);

  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f))
        return segment_fail (what, value, "it contains a control character", error);
    }
  return TRUE;
}

static gboolean
url_fail (const char  *url,
          const char  *reason,
          GError     **error)
{
  g_autofree char *hidden = NULL;
  g_autofree char *shown = NULL;
  const char *authority = strstr (url, "://");
  const char *at;

  /* Never quote a password someone put into the URL. */
  if (authority != NULL && (at = strrchr (authority + 3, '@')) != NULL &&
      memchr (authority + 3, '/', at - (authority + 3)) == NULL)
    {
      g_autofree char *scheme = g_strndup (url, authority + 3 - url);

      hidden = g_strconcat (scheme, "…", at, NULL);
    }
  shown = shown_text (hidden != NULL ? hidden : url);

  g_set_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_ARGUMENT,
               "“%s” is not a usable API URL: %s", shown, reason);
  return FALSE;
}

static gboolean
host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *bare = NULL;
  gsize len = strlen (host);

  if (g_ascii_strcasecmp (host, "localhost") == 0 || g_ascii_strcasecmp (host, "localhost.") == 0)
    return TRUE;

  /* GUri gives IPv6 literals without their brackets. */
  bare = (len > 2 && host[0] == '[' && host[len - 1] == ']') ? g_strndup (host + 1, len - 2) : g_strdup (host);
  address = g_inet_address_new_from_string (bare);
  if (address == NULL)
    return FALSE;
  /* 127.0.0.0/8 and ::1 */
  return g_inet_address_get_is_loopback (address);
}

/**
 * hangar_check_api_url:
 * @url: (nullable): an API base URL, e.g. "https://api.airtable.com"
 * @error: return location for a %HANGAR_API_ERROR_INVALID_ARGUMENT
 *
 * Returns: %TRUE when requests (and the bearer token) may be sent to @url
 */
gboolean
hangar_check_api_url (const char  *url,
                      GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *scheme;
  const char *host;

  if (url == NULL || *url == '\0')
    return url_fail ("", "it is empty", error);
  if (!g_utf8_validate (url, -1, NULL))
    return url_fail (url, "it is not valid UTF-8 text", error);
  for (const char *p = url; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f || *p == ' ')
      return url_fail (url, "it contains a space or a control character", error);

  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, &local_error);
  if (uri == NULL)
    return url_fail (url, local_error->message, error);

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0)
    return url_fail (url, "only http:// and https:// URLs can be used", error);

  host = g_uri_get_host (uri);
  if (host == NULL || *host == '\0')
    return url_fail (url, "it names no host", error);
  if (g_uri_get_userinfo (uri) != NULL)
    return url_fail (url, "it contains a user name or password (tokens are sent in a header, never in the URL)", error);
  if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    return url_fail (url, "an API URL cannot have a query (“?”) or a fragment (“#”)", error);

  if (g_ascii_strcasecmp (scheme, "http") == 0 && !host_is_loopback (host))
    return url_fail (url, "plain http:// would send the token unencrypted; use https:// "
                          "(http:// is allowed only for 127.0.0.1, ::1 and localhost)", error);
  return TRUE;
}

/**
 * hangar_escape_segment:
 * @segment: one path segment, unencoded
 *
 * Returns: (transfer full): @segment with everything but the unreserved
 *   characters percent-encoded
 */
char *
hangar_escape_segment (const char *segment)
{
  g_return_val_if_fail (segment != NULL, NULL);

  /* No characters allowed unescaped: "/" becomes %2F, "%" becomes %25. */
  return g_uri_escape_string (segment, NULL, FALSE);
}
