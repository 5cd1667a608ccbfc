/* sandbox-util.c — ids, times, error envelopes, query and body parsing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "sandbox-private.h"

static const char alnum[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

void
sandbox_random_bytes (guint8 *buf,
                      gsize   len)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = getrandom (buf + done, len - done, 0);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          g_error ("getrandom failed: %s", g_strerror (errno));
        }
      done += (gsize) n;
    }
}

/* prefix + 14 characters of [A-Za-z0-9]; CSPRNG-backed so ids never repeat
 * across restarts with the same state directory. */
char *
sandbox_new_id (const char *prefix)
{
  guint8 raw[14];
  GString *s = g_string_new (prefix);

  sandbox_random_bytes (raw, sizeof raw);
  for (guint i = 0; i < 14; i++)
    g_string_append_c (s, alnum[raw[i] % 62]);
  return g_string_free (s, FALSE);
}

char *
sandbox_random_hex (gsize bytes)
{
  g_autofree guint8 *raw = g_malloc (bytes);
  GString *s = g_string_new (NULL);

  sandbox_random_bytes (raw, bytes);
  for (gsize i = 0; i < bytes; i++)
    g_string_append_printf (s, "%02x", raw[i]);
  return g_string_free (s, FALSE);
}

char *
sandbox_new_pat (void)
{
  g_autofree char *id = sandbox_new_id ("pat");
  g_autofree char *hex = sandbox_random_hex (32);

  return g_strconcat (id, ".", hex, NULL);
}

gboolean
sandbox_is_id (const char *text,
               const char *prefix)
{
  if (text == NULL || !g_str_has_prefix (text, prefix) || strlen (text) != 17)
    return FALSE;
  for (const char *p = text + 3; *p; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;
  return TRUE;
}

char *
sandbox_format_time (gint64 ms)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (ms / 1000);

  if (dt == NULL)
    return g_strdup ("1970-01-01T00:00:00.000Z");
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                          g_date_time_get_year (dt), g_date_time_get_month (dt),
                          g_date_time_get_day_of_month (dt), g_date_time_get_hour (dt),
                          g_date_time_get_minute (dt), g_date_time_get_second (dt),
                          (int) (((ms % 1000) + 1000) % 1000));
}

/* Accepts YYYY-MM-DD, and ISO 8601 date-times with or without an offset
 * (fractional seconds of any length). Without an offset @zone applies. */
gboolean
sandbox_parse_time (const char *text,
                    GTimeZone  *zone,
                    gint64     *out_ms,
                    gboolean   *out_date_only)
{
  int y, mo, d;
  g_autoptr(GDateTime) dt = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  size_t len;

  if (text == NULL)
    return FALSE;
  len = strlen (text);
  if (len == 10 && sscanf (text, "%4d-%2d-%2d", &y, &mo, &d) == 3 && text[4] == '-' && text[7] == '-')
    {
      dt = g_date_time_new (utc, y, mo, d, 0, 0, 0);
      if (dt == NULL)
        return FALSE;
      *out_ms = g_date_time_to_unix (dt) * 1000;
      if (out_date_only)
        *out_date_only = TRUE;
      return TRUE;
    }
  if (len < 16 || len > 64)
    return FALSE;
  dt = g_date_time_new_from_iso8601 (text, zone != NULL ? zone : utc);
  if (dt == NULL)
    {
      /* "YYYY-MM-DDTHH:MM" without seconds */
      g_autofree char *with_seconds = g_strconcat (text, ":00", NULL);

      if (len == 16)
        dt = g_date_time_new_from_iso8601 (with_seconds, zone != NULL ? zone : utc);
      if (dt == NULL)
        return FALSE;
    }
  *out_ms = g_date_time_to_unix (dt) * 1000 + g_date_time_get_microsecond (dt) / 1000;
  if (out_date_only)
    *out_date_only = FALSE;
  return TRUE;
}

/* Writes @d the way JavaScript's Number.prototype.toString() does (Airtable's
 * servers speak JSON.stringify): the shortest digits that read back as the
 * same double, plain notation for 1e-7 < |d| < 1e21, otherwise "1.5e+21",
 * "1e-7"; integral values without ".0". */
static void
append_js_number (GString *out,
                  double   d)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char digits[32];
  int k = 0;
  int n;
  const char *e;

  if (d == 0)
    {
      g_string_append_c (out, '0');
      return;
    }
  for (int precision = 0; precision <= 16; precision++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%de", precision);
      g_ascii_formatd (buf, sizeof buf, format, d);
      if (g_ascii_strtod (buf, NULL) == d)
        break;
    }
  /* buf: [-]d[.ddd]e±XX */
  e = strchr (buf, 'e');
  for (const char *c = buf; c < e; c++)
    if (g_ascii_isdigit (*c) && k < (int) sizeof digits - 1)
      digits[k++] = *c;
  while (k > 1 && digits[k - 1] == '0')
    k--;
  digits[k] = '\0';
  n = atoi (e + 1) + 1;
  if (buf[0] == '-')
    g_string_append_c (out, '-');

  if (k <= n && n <= 21)
    {
      g_string_append (out, digits);
      for (int i = k; i < n; i++)
        g_string_append_c (out, '0');
    }
  else if (0 < n && n <= 21)
    {
      g_string_append_len (out, digits, n);
      g_string_append_c (out, '.');
      g_string_append (out, digits + n);
    }
  else if (-6 < n && n <= 0)
    {
      g_string_append (out, "0.");
      for (int i = 0; i < -n; i++)
        g_string_append_c (out, '0');
      g_string_append (out, digits);
    }
  else
    {
      g_string_append_c (out, digits[0]);
      if (k > 1)
        {
          g_string_append_c (out, '.');
          g_string_append (out, digits + 1);
        }
      g_string_append_printf (out, "e%c%d", n - 1 >= 0 ? '+' : '-', ABS (n - 1));
    }
}

/* json-glib writes doubles with 17 significant digits ("8464.1399999999994"),
 * integral ones as "42.0" and an exponent as "1e+20.0" (not JSON). Rewrites
 * every double outside strings the way Airtable's JSON.stringify would
 * ("8464.14", "42", "1e+21"). Integers are left alone. */
static char *
tidy_numbers (const char *text,
              gsize      *out_len)
{
  GString *out = g_string_sized_new (strlen (text) + 16);
  const char *p = text;
  gboolean in_string = FALSE;

  while (*p != '\0')
    {
      const char *start;
      gsize len;
      char token[64];
      gboolean is_double = FALSE;

      if (in_string)
        {
          if (*p == '\\' && p[1] != '\0')
            g_string_append_c (out, *p++);
          else if (*p == '"')
            in_string = FALSE;
          g_string_append_c (out, *p++);
          continue;
        }
      if (*p == '"')
        in_string = TRUE;
      if (!g_ascii_isdigit (*p) && *p != '-')
        {
          g_string_append_c (out, *p++);
          continue;
        }

      /* a number token (outside strings only numbers hold digits) */
      start = p;
      while (g_ascii_isdigit (*p) || *p == '-' || *p == '+' || *p == '.' || *p == 'e' || *p == 'E')
        p++;
      len = p - start;
      for (gsize i = 0; i < len; i++)
        if (start[i] == '.' || start[i] == 'e' || start[i] == 'E')
          is_double = TRUE;
      if (!is_double || len >= sizeof token)
        {
          g_string_append_len (out, start, len);
          continue;
        }
      memcpy (token, start, len);
      token[len] = '\0';
      /* "1e+20.0": the ".0" after an exponent is json-glib's, drop it */
      if (strpbrk (token, "eE") != NULL && g_str_has_suffix (token, ".0"))
        token[len - 2] = '\0';
      append_js_number (out, g_ascii_strtod (token, NULL));
    }
  *out_len = out->len;
  return g_string_free (out, FALSE);
}

void
sandbox_respond_json (SoupServerMessage *msg,
                      guint              status,
                      JsonNode          *node)
{
  g_autofree char *text = NULL;
  gsize len = 0;

  if (node != NULL)
    {
      g_autofree char *raw = sandbox_json_generate (node, NULL);

      text = tidy_numbers (raw, &len);
    }
  else
    text = g_strdup ("");
  soup_server_message_set_status (msg, status, NULL);
  soup_message_body_truncate (soup_server_message_get_response_body (msg));   /* one answer only */
  soup_server_message_set_response (msg, "application/json; charset=utf-8",
                                    SOUP_MEMORY_TAKE, g_steal_pointer (&text), len);
}

void
sandbox_respond_object (SoupServerMessage *msg,
                        guint              status,
                        JsonObject        *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  sandbox_respond_json (msg, status, node);
}

void
sandbox_respond_error (SoupServerMessage *msg,
                       guint              status,
                       const char        *type,
                       const char        *message_fmt,
                       ...)
{
  g_autoptr(JsonObject) root = json_object_new ();
  JsonObject *error = json_object_new ();

  json_object_set_string_member (error, "type", type);
  if (message_fmt != NULL)
    {
      va_list ap;
      g_autofree char *message = NULL;

      va_start (ap, message_fmt);
      message = g_strdup_vprintf (message_fmt, ap);
      va_end (ap);
      json_object_set_string_member (error, "message", message);
    }
  json_object_set_object_member (root, "error", error);
  sandbox_respond_object (msg, status, root);
}

void
sandbox_respond_not_found (SoupServerMessage *msg)
{
  g_autoptr(JsonObject) root = json_object_new ();

  json_object_set_string_member (root, "error", "NOT_FOUND");
  sandbox_respond_object (msg, 404, root);
}

void
sandbox_respond_forbidden (SoupServerMessage *msg)
{
  sandbox_respond_error (msg, 403, "INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND",
                         "Invalid permissions, or the requested model was not found. Check that both your user and your token have the required permissions, and that the model names and/or ids are correct.");
}

void
sandbox_respond_invalid_request (SoupServerMessage *msg)
{
  sandbox_respond_error (msg, 422, "INVALID_REQUEST_UNKNOWN",
                         "Invalid request: parameter validation failed. Check your request data.");
}

static char *
form_unescape (const char *text,
               gsize       len)
{
  g_autofree char *copy = g_strndup (text, len);
  char *result;

  for (char *p = copy; *p; p++)
    if (*p == '+')
      *p = ' ';
  result = g_uri_unescape_string (copy, NULL);
  if (result == NULL || !g_utf8_validate (result, -1, NULL))
    {
      g_free (result);
      return NULL;
    }
  return result;
}

/* Splits a raw query string into decoded key/value pairs, keeping repeated
 * keys ("fields[]=A&fields[]=B") and their order. Undecodable pairs are
 * dropped. */
GPtrArray *
sandbox_parse_query (const char *query)
{
  GPtrArray *pairs = g_ptr_array_new_with_free_func (g_free);
  const char *p = query;

  while (p != NULL && *p)
    {
      const char *amp = strchr (p, '&');
      const char *end = amp != NULL ? amp : p + strlen (p);
      const char *eq = memchr (p, '=', end - p);
      char *key, *value;

      if (end > p)
        {
          key = form_unescape (p, (eq != NULL ? eq : end) - p);
          value = eq != NULL ? form_unescape (eq + 1, end - eq - 1) : g_strdup ("");
          if (value == NULL && eq != NULL)
            value = g_strndup (eq + 1, end - eq - 1);   /* undecodable: kept raw, so it is refused as garbage */
          if (value != NULL && !g_utf8_validate (value, -1, NULL))
            g_clear_pointer (&value, g_free);
          if (key != NULL && value != NULL)
            {
              g_ptr_array_add (pairs, key);
              g_ptr_array_add (pairs, value);
            }
          else
            {
              g_free (key);
              g_free (value);
            }
        }
      p = amp != NULL ? amp + 1 : NULL;
    }
  return pairs;
}

const char *
sandbox_query_get (GPtrArray  *pairs,
                   const char *key)
{
  for (guint i = 0; pairs != NULL && i + 1 < pairs->len; i += 2)
    if (g_str_equal (pairs->pdata[i], key))
      return pairs->pdata[i + 1];
  return NULL;
}

gboolean
sandbox_query_bool (const char *value)
{
  return value != NULL && (g_ascii_strcasecmp (value, "true") == 0 || g_str_equal (value, "1"));
}

/* Parses a JSON request body strictly (see sandbox-json.c). On failure it
 * responds (400 for anything that is not RFC 8259 JSON or is nested deeper
 * than SANDBOX_MAX_DEPTH, 422 when the body is required but missing or not
 * an object) and returns NULL. */
JsonNode *
sandbox_parse_body (SoupServerMessage *msg,
                    SoupMessageBody   *body,
                    gboolean           required)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (body == NULL || body->length == 0)
    {
      if (required)
        sandbox_respond_error (msg, 422, "INVALID_REQUEST_MISSING_FIELDS",
                               "Could not find field \"fields\" in the request body");
      return NULL;
    }
  root = sandbox_json_parse (body->data, (gsize) body->length, SANDBOX_MAX_DEPTH, &error);
  if (root == NULL)
    {
      sandbox_respond_error (msg, 400, "INVALID_REQUEST_BODY",
                             "Invalid request: the request body is not valid JSON.");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      sandbox_respond_error (msg, 422, "INVALID_REQUEST_UNKNOWN",
                             "Invalid request: parameter validation failed. Check your request data.");
      return NULL;
    }
  return g_steal_pointer (&root);
}

/* ------------------------------------------------------------- logging */

static gboolean
is_bidi_control (gunichar c)
{
  return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E)
         || (c >= 0x2066 && c <= 0x2069);
}

/* @text made safe for a log line: control characters (C0, DEL, C1), bidi
 * controls, invalid UTF-8 and the backslash become escapes (\x0d,
 * \u{202e}, \\), so text from a request can neither break a line nor
 * forge one, nor drive the terminal. */
char *
sandbox_log_escape (const char *text)
{
  GString *out;
  const char *p = text;
  const char *end;

  if (text == NULL)
    return g_strdup ("(null)");
  end = text + strlen (text);
  out = g_string_sized_new (end - text);
  while (p < end)
    {
      guchar b = (guchar) *p;
      gunichar c;

      if (b < 0x80)
        {
          if (b < 0x20 || b == 0x7f)
            g_string_append_printf (out, "\\x%02x", b);
          else if (b == '\\')
            g_string_append (out, "\\\\");
          else
            g_string_append_c (out, (char) b);
          p++;
          continue;
        }
      c = g_utf8_get_char_validated (p, end - p);
      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02x", b);
          p++;
          continue;
        }
      if ((c >= 0x80 && c <= 0x9f) || is_bidi_control (c))
        g_string_append_printf (out, "\\u{%04x}", c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------- JSON nodes */

gboolean
sandbox_node_is_type (JsonNode *node,
                      GType     type)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

gboolean
sandbox_node_is_string (JsonNode *node)
{
  return sandbox_node_is_type (node, G_TYPE_STRING);
}

gboolean
sandbox_node_is_number (JsonNode *node)
{
  return sandbox_node_is_type (node, G_TYPE_INT64) || sandbox_node_is_type (node, G_TYPE_DOUBLE);
}

double
sandbox_node_number (JsonNode *node)
{
  if (sandbox_node_is_type (node, G_TYPE_INT64))
    return (double) json_node_get_int (node);
  return json_node_get_double (node);
}

JsonNode *
sandbox_number_node (double value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  if (value == floor (value) && fabs (value) < 9e15)
    json_node_set_int (node, (gint64) value);
  else
    json_node_set_double (node, value);
  return node;
}

JsonNode *
sandbox_string_node (const char *value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, value);
  return node;
}

gboolean
sandbox_node_is_empty (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (sandbox_node_is_string (node))
    return *json_node_get_string (node) == '\0';
  if (sandbox_node_is_type (node, G_TYPE_BOOLEAN))
    return !json_node_get_boolean (node);
  if (JSON_NODE_HOLDS_ARRAY (node))
    return json_array_get_length (json_node_get_array (node)) == 0;
  return FALSE;
}

gboolean
sandbox_strv_contains (char       **strv,
                       const char  *str)
{
  return strv != NULL && g_strv_contains ((const char * const *) strv, str);
}

/* The i-th element of a client-supplied array if it is a string, else NULL
 * (json_array_get_string_element would complain about objects). */
const char *
sandbox_array_string (JsonArray *array,
                      guint      i)
{
  JsonNode *node = json_array_get_element (array, i);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}
