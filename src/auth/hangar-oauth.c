/* hangar-oauth.c — OAuth 2.0 authorization code + PKCE
 *
 * As Airtable describes it in https://airtable.com/developers/web/api/oauth-reference
 * (RFC 6749 with RFC 7636 PKCE, S256 only); what Hangar does on top is in
 * src/auth/README.md.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>
#include <sys/random.h>

#include "hangar-account-private.h"
#include "hangar-auth-error.h"
#include "hangar-ids.h"
#include "hangar-json.h"
#include "hangar-oauth.h"
#include "hangar-redact.h"
#include "hangar-scopes.h"
#include "hangar-token-source.h"

struct _HangarOAuthFlow
{
  GObject                 parent_instance;
  HangarOAuthIntegration *integration;
  char                   *verifier;
  char                   *state;
  char                   *authorize_uri;
};

G_DEFINE_FINAL_TYPE (HangarOAuthFlow, hangar_oauth_flow, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (HangarOAuthIntegration, hangar_oauth_integration,
                     hangar_oauth_integration_copy, hangar_oauth_integration_free)

/* The token endpoint's and whoami's answers are well under 2 KB; a longer
 * one is refused once this much has come (the network is not trusted to
 * end it). */
#define MAX_ANSWER_BYTES (64 * 1024)
/* hangar-sandbox's start line: its URL, client ids, users and their tokens. */
#define MAX_SANDBOX_LINE_BYTES (1024 * 1024)

/* RFC 7636 unreserved minus '~', which Airtable does not accept. */
static const char url_safe_alphabet[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-";

/* ------------------------------------------------------------------------ */
/* Integration                                                              */

static char *
strip_trailing_slash (const char *url)
{
  char *copy = g_strdup (url);
  gsize len = strlen (copy);

  while (len > 0 && copy[len - 1] == '/')
    copy[--len] = '\0';
  return copy;
}

/**
 * hangar_oauth_integration_new:
 * @api_url: (nullable): API base URL, %NULL for Airtable's
 * @oauth_url: (nullable): OAuth base URL, %NULL for Airtable's
 * @client_id: the client id
 * @client_secret: (nullable): the client secret
 * @redirect_uri: the registered redirect URI
 * @scopes: (nullable): scopes to request, %NULL for hangar_scopes_default()
 *
 * Returns: (transfer full): a new integration description
 */
HangarOAuthIntegration *
hangar_oauth_integration_new (const char         *api_url,
                              const char         *oauth_url,
                              const char         *client_id,
                              const char         *client_secret,
                              const char         *redirect_uri,
                              const char * const *scopes)
{
  HangarOAuthIntegration *self = g_new0 (HangarOAuthIntegration, 1);

  self->api_url = strip_trailing_slash (api_url ? api_url : "https://api.airtable.com");
  self->oauth_url = strip_trailing_slash (oauth_url ? oauth_url : "https://airtable.com");
  self->client_id = g_strdup (client_id);
  self->client_secret = (client_secret && *client_secret) ? g_strdup (client_secret) : NULL;
  /* However it came (keyring, environment, command line, a form), a client
   * secret is kept out of every message from here on. */
  hangar_redact_add_secret (self->client_secret);
  self->redirect_uri = g_strdup (redirect_uri);
  self->scopes = g_strdupv ((char **) (scopes ? scopes : hangar_scopes_default ()));
  return self;
}

/**
 * hangar_oauth_integration_copy:
 * @self: an integration
 *
 * Returns: (transfer full): a deep copy
 */
HangarOAuthIntegration *
hangar_oauth_integration_copy (const HangarOAuthIntegration *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return hangar_oauth_integration_new (self->api_url, self->oauth_url, self->client_id,
                                       self->client_secret, self->redirect_uri,
                                       (const char * const *) self->scopes);
}

/**
 * hangar_oauth_integration_free:
 * @self: (nullable): an integration
 *
 * Frees @self, wiping the client secret.
 */
void
hangar_oauth_integration_free (HangarOAuthIntegration *self)
{
  if (self == NULL)
    return;
  g_free (self->api_url);
  g_free (self->oauth_url);
  g_free (self->client_id);
  hangar_token_free (self->client_secret);
  g_free (self->redirect_uri);
  g_strfreev (self->scopes);
  g_free (self);
}

static gboolean
is_loopback_host (const char *host)
{
  return host != NULL &&
         (g_ascii_strcasecmp (host, "localhost") == 0 ||
          g_str_equal (host, "127.0.0.1") ||
          g_str_equal (host, "::1") ||
          g_str_equal (host, "[::1]"));
}

static gboolean
check_http_url (const char  *what,
                const char  *url,
                gboolean     allow_query,
                GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  if (url == NULL || *url == '\0')
    {
      g_set_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_SETTINGS,
                   "The %s is missing", what);
      return FALSE;
    }
  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_SETTINGS,
                   "The %s “%s” is not a valid URL", what, url);
      return FALSE;
    }
  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "https") != 0 &&
      !(g_ascii_strcasecmp (scheme, "http") == 0 && is_loopback_host (g_uri_get_host (uri))))
    {
      g_set_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_SETTINGS,
                   "The %s must use https (plain http only for localhost)", what);
      return FALSE;
    }
  if (g_uri_get_userinfo (uri) != NULL || g_uri_get_fragment (uri) != NULL ||
      (!allow_query && g_uri_get_query (uri) != NULL))
    {
      g_set_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_SETTINGS,
                   "The %s must not contain a user name, a fragment%s", what,
                   allow_query ? "" : " or a query");
      return FALSE;
    }
  return TRUE;
}

/* The API and OAuth base URLs get the same check as every API URL
 * (src/api/hangar-ids.h): tokens go only over https, or plain http to this
 * machine. */
static gboolean
check_base_url (const char  *what,
                const char  *url,
                GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (hangar_check_api_url (url, &local_error))
    return TRUE;
  g_set_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_SETTINGS,
               "The %s: %s", what, local_error->message);
  return FALSE;
}

/**
 * hangar_oauth_integration_validate:
 * @self: an integration
 * @error: return location for a #GError
 *
 * Checks the settings before a flow starts, so a typo fails here rather than
 * on Airtable's error page.
 *
 * Returns: %TRUE when usable
 */
gboolean
hangar_oauth_integration_validate (const HangarOAuthIntegration  *self,
                                   GError                       **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->client_id == NULL || *self->client_id == '\0')
    {
      g_set_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_SETTINGS,
                   "%s", "The OAuth client id is missing");
      return FALSE;
    }
  if (!check_base_url ("API URL", self->api_url, error) ||
      !check_base_url ("OAuth URL", self->oauth_url, error) ||
      !check_http_url ("redirect URI", self->redirect_uri, TRUE, error))
    return FALSE;
  if (self->scopes == NULL || self->scopes[0] == NULL)
    {
      g_set_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_SETTINGS,
                   "%s", "At least one scope must be requested");
      return FALSE;
    }
  return TRUE;
}

/**
 * hangar_oauth_integration_new_from_sandbox_line:
 * @json_line: the JSON object hangar-sandbox prints on start
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the sandbox's public integration, or %NULL
 */
HangarOAuthIntegration *
hangar_oauth_integration_new_from_sandbox_line (const char  *json_line,
                                                GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_auto(GStrv) notes = NULL;
  const char *url = NULL, *client_id = NULL, *redirect_uri = NULL;
  JsonObject *obj;

  /* Any parse error is replaced by one sentence below: the line carries
   * tokens, and no message should point into it. */
  root = hangar_json_parse (json_line, -1, MAX_SANDBOX_LINE_BYTES, &notes, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    goto bad;
  obj = json_node_get_object (root);
  if (!_hangar_json_get_string (obj, "url", TRUE, "the sandbox line", &url, NULL) ||
      !_hangar_json_get_string (obj, "client_id", TRUE, "the sandbox line", &client_id, NULL) ||
      !_hangar_json_get_string (obj, "redirect_uri", TRUE, "the sandbox line", &redirect_uri, NULL))
    goto bad;
  return hangar_oauth_integration_new (url, url, client_id, NULL, redirect_uri, NULL);

bad:
  g_set_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_SETTINGS,
               "%s", "The sandbox line is not a JSON object with url, client_id and redirect_uri");
  return NULL;
}

char *
hangar_oauth_integration_dup_authorize_endpoint (const HangarOAuthIntegration *self)
{
  return g_strconcat (self->oauth_url, "/oauth2/v1/authorize", NULL);
}

char *
hangar_oauth_integration_dup_token_endpoint (const HangarOAuthIntegration *self)
{
  return g_strconcat (self->oauth_url, "/oauth2/v1/token", NULL);
}

/* ------------------------------------------------------------------------ */
/* Randomness, PKCE, state                                                  */

/**
 * hangar_oauth_random_bytes:
 * @buffer: where to write
 * @len: how many bytes
 *
 * Cryptographically secure random bytes from the kernel (getrandom(2)).
 */
void
hangar_oauth_random_bytes (guint8 *buffer,
                           gsize   len)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = getrandom (buffer + done, len - done, 0);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          g_error ("getrandom() failed: %s", g_strerror (errno));
        }
      done += (gsize) n;
    }
}

static char *
random_url_safe_string (guint length)
{
  char *out = g_malloc (length + 1);
  guint filled = 0;

  /* Rejection sampling keeps the 65 characters uniformly likely. */
  while (filled < length)
    {
      guint8 buf[64];

      hangar_oauth_random_bytes (buf, sizeof buf);
      for (guint i = 0; i < sizeof buf && filled < length; i++)
        if (buf[i] < 3 * 65)
          out[filled++] = url_safe_alphabet[buf[i] % 65];
      explicit_bzero (buf, sizeof buf);
    }
  out[length] = '\0';
  return out;
}

/**
 * hangar_oauth_generate_verifier:
 * @length: 43 to 128
 *
 * Returns: (transfer full): a PKCE code verifier
 */
char *
hangar_oauth_generate_verifier (guint length)
{
  g_return_val_if_fail (length >= 43 && length <= 128, NULL);

  return random_url_safe_string (length);
}

/**
 * hangar_oauth_generate_state:
 *
 * Returns: (transfer full): a random `state` (43 chars, ~260 bits)
 */
char *
hangar_oauth_generate_state (void)
{
  return random_url_safe_string (43);
}

static char *
base64url_no_padding (const guint8 *data,
                      gsize         len)
{
  char *b64 = g_base64_encode (data, len);
  gsize n = strlen (b64);

  for (gsize i = 0; i < n; i++)
    {
      if (b64[i] == '+')
        b64[i] = '-';
      else if (b64[i] == '/')
        b64[i] = '_';
    }
  while (n > 0 && b64[n - 1] == '=')
    b64[--n] = '\0';
  return b64;
}

/**
 * hangar_oauth_challenge_s256:
 * @verifier: a code verifier
 *
 * Returns: (transfer full): base64url(SHA-256(@verifier)) without padding
 */
char *
hangar_oauth_challenge_s256 (const char *verifier)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;

  g_return_val_if_fail (verifier != NULL, NULL);

  g_checksum_update (sum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (sum, digest, &len);
  return base64url_no_padding (digest, len);
}

/**
 * hangar_oauth_secure_equal:
 * @a: (nullable): a string
 * @b: (nullable): a string
 *
 * Compares in time that depends only on the lengths.
 *
 * Returns: %TRUE when equal (and both non-%NULL)
 */
gboolean
hangar_oauth_secure_equal (const char *a,
                           const char *b)
{
  gsize la, lb;
  guint8 diff;

  if (a == NULL || b == NULL)
    return FALSE;
  la = strlen (a);
  lb = strlen (b);
  diff = (la != lb);
  for (gsize i = 0; i < la; i++)
    diff |= (guint8) a[i] ^ (guint8) b[i % (lb ? lb : 1)];
  return diff == 0 && la == lb;
}

/**
 * hangar_oauth_build_authorize_uri:
 * @integration: the integration
 * @state: the flow's state
 * @code_challenge: S256 challenge of the flow's verifier
 *
 * Returns: (transfer full): the authorization URL
 */
char *
hangar_oauth_build_authorize_uri (const HangarOAuthIntegration *integration,
                                  const char                   *state,
                                  const char                   *code_challenge)
{
  g_autofree char *endpoint = NULL;
  g_autofree char *scope = NULL;
  g_autofree char *query = NULL;

  g_return_val_if_fail (integration != NULL, NULL);
  g_return_val_if_fail (state != NULL && code_challenge != NULL, NULL);

  endpoint = hangar_oauth_integration_dup_authorize_endpoint (integration);
  scope = g_strjoinv (" ", integration->scopes);
  query = soup_form_encode ("response_type", "code",
                            "client_id", integration->client_id,
                            "redirect_uri", integration->redirect_uri,
                            "scope", scope,
                            "state", state,
                            "code_challenge", code_challenge,
                            "code_challenge_method", "S256",
                            NULL);
  return g_strconcat (endpoint, "?", query, NULL);
}

/* ------------------------------------------------------------------------ */
/* Redirect                                                                 */

static int
effective_port (GUri *uri)
{
  int port = g_uri_get_port (uri);

  if (port > 0)
    return port;
  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0)
    return 443;
  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") == 0)
    return 80;
  return -1;
}

static const char *
effective_path (GUri *uri)
{
  const char *path = g_uri_get_path (uri);

  return (path == NULL || *path == '\0') ? "/" : path;
}

/**
 * hangar_oauth_redirect_matches:
 * @redirect_uri: the registered redirect URI
 * @uri: a URI the browser or web view is about to load
 *
 * Compares parsed scheme, host, port and path (not a string prefix, so
 * `http://localhost:4000/cb.evil.example` does not match).
 *
 * Returns: %TRUE when @uri is the redirect URI
 */
gboolean
hangar_oauth_redirect_matches (const char *redirect_uri,
                               const char *uri)
{
  g_autoptr(GUri) want = NULL;
  g_autoptr(GUri) got = NULL;

  if (redirect_uri == NULL || uri == NULL)
    return FALSE;
  want = g_uri_parse (redirect_uri, G_URI_FLAGS_ENCODED, NULL);
  got = g_uri_parse (uri, G_URI_FLAGS_ENCODED, NULL);
  if (want == NULL || got == NULL)
    return FALSE;
  if (g_uri_get_host (want) == NULL || g_uri_get_host (got) == NULL)
    return FALSE;
  if (g_uri_get_userinfo (got) != NULL)
    return FALSE;

  return g_ascii_strcasecmp (g_uri_get_scheme (want), g_uri_get_scheme (got)) == 0 &&
         g_ascii_strcasecmp (g_uri_get_host (want), g_uri_get_host (got)) == 0 &&
         effective_port (want) == effective_port (got) &&
         g_str_equal (effective_path (want), effective_path (got));
}

/**
 * hangar_oauth_parse_redirect:
 * @redirect_uri: the registered redirect URI
 * @expected_state: the state this flow sent
 * @uri: the URI the authorization server redirected to
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the authorization code, or %NULL
 */
char *
hangar_oauth_parse_redirect (const char  *redirect_uri,
                             const char  *expected_state,
                             const char  *uri,
                             GError     **error)
{
  g_autoptr(GUri) parsed = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GHashTable) repeated = NULL;
  const char *query;
  const char *state, *code, *err, *desc;

  g_return_val_if_fail (expected_state != NULL, NULL);

  if (!hangar_oauth_redirect_matches (redirect_uri, uri))
    {
      g_set_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_REDIRECT_MISMATCH,
                   "%s", "The authorization answer did not come to the registered redirect URI");
      return NULL;
    }
  parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED, NULL);
  query = g_uri_get_query (parsed);
  params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) hangar_token_free);
  repeated = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (query != NULL)
    {
      GUriParamsIter iter;
      char *name = NULL, *value = NULL;

      /* A repeated parameter is never Airtable's answer: someone is
       * playing games with which copy we read. */
      g_uri_params_iter_init (&iter, query, -1, "&", G_URI_PARAMS_WWW_FORM);
      while (g_uri_params_iter_next (&iter, &name, &value, NULL))
        {
          if (g_hash_table_contains (params, name))
            g_hash_table_add (repeated, g_strdup (name));
          g_hash_table_replace (params, name, value);
          name = value = NULL;
        }
    }

  state = g_hash_table_lookup (params, "state");
  if (g_hash_table_contains (repeated, "state") || !hangar_oauth_secure_equal (state, expected_state))
    {
      g_set_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_STATE_MISMATCH,
                   "%s", "The authorization answer does not belong to this sign-in (state mismatch)");
      return NULL;
    }

  if (g_hash_table_size (repeated) > 0)
    {
      g_set_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_RESPONSE,
                   "%s", "The authorization answer repeats a parameter");
      return NULL;
    }
  err = g_hash_table_lookup (params, "error");
  desc = g_hash_table_lookup (params, "error_description");
  if (err != NULL)
    {
      if (g_str_equal (err, "access_denied"))
        g_set_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_CANCELLED,
                     "%s", desc ? desc : "Access was not granted");
      else
        g_set_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_AUTHORIZATION,
                     "Authorization failed (%s)%s%s", err, desc ? ": " : "", desc ? desc : "");
      return NULL;
    }

  code = g_hash_table_lookup (params, "code");
  if (code == NULL || *code == '\0')
    {
      g_set_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_RESPONSE,
                   "%s", "The authorization answer has neither a code nor an error");
      return NULL;
    }
  /* The code is as good as a token until it is exchanged. */
  hangar_redact_add_secret (code);
  return g_strdup (code);
}

/* ------------------------------------------------------------------------ */
/* Token endpoint                                                           */

/* An answer of the token endpoint or of whoami as a JSON object, or NULL
 * when it is anything else; then @problem says why, in words that never
 * quote the answer (it may hold a token). */
static JsonObject *
parse_object (GBytes  *body,
              char   **problem)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) notes = NULL;

  *problem = NULL;
  if (body == NULL || g_bytes_get_size (body) == 0)
    {
      *problem = g_strdup ("it is empty");
      return NULL;
    }
  root = hangar_json_parse_bytes (body, MAX_ANSWER_BYTES, &notes, &error);
  if (root == NULL)
    {
      *problem = g_strdup (error->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      *problem = g_strdup_printf ("it is %s", _hangar_json_node_type_name (root));
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

/* ------------------------------------------------------------------------ */
/* Reading an answer, at most MAX_ANSWER_BYTES of it                        */

typedef struct
{
  SoupSession  *session;
  GInputStream *stream;
  GByteArray   *data;
  /* The message's own: cancelling it ends the exchange and drops the
   * connection at once, where closing the stream would first read on. */
  GCancellable *cancel;
  GCancellable *caller_cancellable;
  gulong        caller_handler;
} CappedRead;

static void
capped_read_free (CappedRead *read)
{
  if (read->caller_handler != 0)
    g_cancellable_disconnect (read->caller_cancellable, read->caller_handler);
  g_clear_object (&read->caller_cancellable);
  g_clear_object (&read->stream);
  g_clear_object (&read->cancel);
  g_clear_object (&read->session);
  g_clear_object (&read->stream);
  if (read->data != NULL)
    {
      explicit_bzero (read->data->data, read->data->len);
      g_byte_array_unref (read->data);
    }
  g_free (read);
}

static void capped_read_next (GTask *task);

static void
capped_chunk_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CappedRead *read = g_task_get_task_data (task);
  g_autoptr(GBytes) chunk = NULL;
  GError *error = NULL;
  gsize len = 0;
  const guint8 *bytes;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (chunk == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  bytes = g_bytes_get_data (chunk, &len);
  if (len == 0)
    {
      GByteArray *data = g_steal_pointer (&read->data);

      g_input_stream_close (read->stream, NULL, NULL);
      g_task_return_pointer (task, g_byte_array_free_to_bytes (data), (GDestroyNotify) g_bytes_unref);
      return;
    }
  if (read->data->len + len > MAX_ANSWER_BYTES)
    {
      explicit_bzero ((guint8 *) bytes, len);
      g_cancellable_cancel (read->cancel);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                               "The answer is larger than %d bytes", MAX_ANSWER_BYTES);
      return;
    }
  g_byte_array_append (read->data, bytes, len);
  /* The chunk may hold a token: wipe it before it is freed. */
  explicit_bzero ((guint8 *) bytes, len);
  capped_read_next (g_steal_pointer (&task));
}

static void
capped_read_next (GTask *task)
{
  CappedRead *read = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (read->stream, 8192, G_PRIORITY_DEFAULT,
                                   read->cancel, capped_chunk_cb, task);
}

static void
capped_sent_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  CappedRead *read = g_task_get_task_data (task);
  GError *error = NULL;

  read->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (read->stream == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  capped_read_next (task);
}

/* soup_session_send_and_read_async(), but an answer longer than
 * MAX_ANSWER_BYTES fails with G_IO_ERROR_MESSAGE_TOO_LARGE as soon as that
 * many bytes came, instead of filling memory with whatever a broken or
 * hostile server sends. */
static void
capped_send_and_read_async (SoupSession         *session,
                            SoupMessage         *msg,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task = g_task_new (session, cancellable, callback, user_data);
  CappedRead *read = g_new0 (CappedRead, 1);

  g_task_set_source_tag (task, capped_send_and_read_async);
  read->session = g_object_ref (session);
  read->data = g_byte_array_new ();
  read->cancel = g_cancellable_new ();
  if (cancellable != NULL)
    {
      read->caller_cancellable = g_object_ref (cancellable);
      read->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (g_cancellable_cancel),
                                                    g_object_ref (read->cancel), g_object_unref);
    }
  g_task_set_task_data (task, read, (GDestroyNotify) capped_read_free);
  soup_session_send_async (session, msg, G_PRIORITY_DEFAULT, read->cancel, capped_sent_cb, task);
}

static GBytes *
capped_send_and_read_finish (GAsyncResult  *result,
                             GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
wipe_bytes (GBytes *bytes)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  /* The body is ours alone (libsoup hands us a fresh GBytes). */
  if (data != NULL && len > 0)
    explicit_bzero ((guint8 *) data, len);
}

typedef struct
{
  SoupSession *session;
  SoupMessage *msg;
  gint64       started_at;
  char        *old_refresh_token;
} TokenRequest;

static void
token_request_free (TokenRequest *req)
{
  g_clear_object (&req->msg);
  g_clear_object (&req->session);
  hangar_token_free (req->old_refresh_token);
  g_free (req);
}

/* A lifetime in seconds from the token endpoint's answer. A whole positive
 * number; above @max_s it is taken as @max_s (see hangar-oauth.h), so that
 * no expiry computed from it can overflow. Missing is fine unless
 * @required (then 0 = unknown); anything else is the server's mistake. */
static gboolean
get_lifetime (JsonObject  *obj,
              const char  *member,
              gboolean     required,
              gint64       max_s,
              gint64      *out_s,
              GError     **error)
{
  JsonNode *node = json_object_get_member (obj, member);
  double value;

  *out_s = 0;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (!required)
        return TRUE;
      g_set_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_RESPONSE,
                   "The token endpoint's answer has no %s", member);
      return FALSE;
    }
  if (!_hangar_json_node_get_number (node, &value) || value != floor (value))
    {
      g_set_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_RESPONSE,
                   "The token endpoint's %s is %s, not a whole number of seconds", member,
                   _hangar_json_node_type_name (node));
      return FALSE;
    }
  if (value <= 0)
    {
      g_set_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_RESPONSE,
                   "The token endpoint's %s is %g: a token must live a positive number of seconds",
                   member, value);
      return FALSE;
    }
  if (value > (double) max_s)
    {
      g_debug ("The token endpoint's %s of %g s is taken as %" G_GINT64_FORMAT " s", member, value, max_s);
      value = (double) max_s;
    }
  *out_s = (gint64) value;
  return TRUE;
}

static void
token_response_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TokenRequest *req = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) obj = NULL;
  g_autoptr(HangarCredentials) creds = NULL;
  guint status;
  const char *access, *refresh, *err, *desc, *scope;
  g_autofree char *safe_err = NULL;
  g_autofree char *safe_desc = NULL;
  gint64 expires_in = 0, refresh_expires_in = 0;
  g_autofree char *problem = NULL;

  body = capped_send_and_read_finish (result, &error);
  if (body == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
        g_task_return_new_error (task, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_RESPONSE,
                                 "The token endpoint's answer is larger than %d bytes", MAX_ANSWER_BYTES);
      else
        g_task_return_new_error (task, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_NETWORK,
                                 "Could not reach the token endpoint: %s", error->message);
      return;
    }

  status = soup_message_get_status (req->msg);
  obj = parse_object (body, &problem);
  wipe_bytes (body);

  if (status == 409)
    {
      g_task_return_new_error (task, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_CONFLICT,
                               "%s", "This refresh token was just refreshed (409)");
      goto out;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      err = obj ? _hangar_auth_json_string (obj, "error") : NULL;
      desc = obj ? _hangar_auth_json_string (obj, "error_description") : NULL;
      /* Server text goes into GError messages, and from there to logs, the
       * CLI and the UI. A broken or hostile endpoint may echo what we sent:
       * every secret the request carried (refresh token, code, verifier,
       * client secret) was registered with hangar_redact_add_secret() when
       * it entered the process, so no spelling of one survives this. */
      safe_err = hangar_redact (err);
      safe_desc = hangar_redact (desc);
      err = safe_err;
      desc = safe_desc;
      if (err != NULL && g_str_equal (err, "invalid_grant"))
        g_task_return_new_error (task, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_GRANT,
                                 "The grant was refused (invalid_grant)%s%s",
                                 desc ? ": " : "", desc ? desc : "");
      else if ((err != NULL && g_str_equal (err, "invalid_client")) || (err == NULL && status == 401))
        g_task_return_new_error (task, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_CLIENT,
                                 "The OAuth client id or secret was refused%s%s",
                                 desc ? ": " : "", desc ? desc : "");
      else if (status >= 500 || status < 100)
        g_task_return_new_error (task, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_NETWORK,
                                 "The token endpoint failed (HTTP %u)", status);
      else
        g_task_return_new_error (task, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_TOKEN_ENDPOINT,
                                 "The token endpoint answered HTTP %u (%s)%s%s", status,
                                 err ? err : "no error code", desc ? ": " : "", desc ? desc : "");
      goto out;
    }

  if (obj == NULL)
    {
      g_task_return_new_error (task, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_RESPONSE,
                               "The token endpoint's answer is not a JSON object (%s)", problem);
      goto out;
    }
  access = _hangar_auth_json_string (obj, "access_token");
  if (access == NULL || *access == '\0')
    {
      g_task_return_new_error (task, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_RESPONSE,
                               "%s", "The token endpoint's answer has no access_token");
      goto out;
    }
  if (!get_lifetime (obj, "expires_in", TRUE, HANGAR_OAUTH_MAX_ACCESS_LIFETIME_S, &expires_in, &error) ||
      !get_lifetime (obj, "refresh_expires_in", FALSE, HANGAR_OAUTH_MAX_REFRESH_LIFETIME_S,
                     &refresh_expires_in, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      goto out;
    }
  refresh = _hangar_auth_json_string (obj, "refresh_token");
  scope = _hangar_auth_json_string (obj, "scope");

  /* New secrets: from now on no message shows them. */
  hangar_redact_add_secret (access);
  hangar_redact_add_secret (refresh);
  creds = hangar_credentials_new ();
  creds->access_token = g_strdup (access);
  creds->refresh_token = g_strdup (refresh ? refresh : req->old_refresh_token);
  creds->issued_at = req->started_at;
  /* Count from when the request left: never believe a token lives longer. */
  creds->access_expires_at = req->started_at + expires_in * G_USEC_PER_SEC;
  if (refresh_expires_in > 0)
    creds->refresh_expires_at = req->started_at + refresh_expires_in * G_USEC_PER_SEC;
  creds->scope = g_strdup (scope);
  g_task_return_pointer (task, g_steal_pointer (&creds), (GDestroyNotify) hangar_credentials_free);

out:
  if (obj != NULL)
    _hangar_auth_wipe_json_strings (obj);
}

static void
send_token_request (GTask                        *task,
                    SoupSession                  *session,
                    const HangarOAuthIntegration *integration,
                    GHashTable                   *form,
                    const char                   *old_refresh_token)
{
  g_autofree char *endpoint = hangar_oauth_integration_dup_token_endpoint (integration);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  char *encoded;
  TokenRequest *req;

  /* A refresh token or a code never goes over plain http to another
   * machine, whatever the stored settings say. */
  if (!check_base_url ("OAuth URL", integration->oauth_url, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  msg = soup_message_new ("POST", endpoint);
  if (msg == NULL)
    {
      g_task_return_new_error (task, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_SETTINGS,
                               "The token endpoint “%s” is not a valid URL", endpoint);
      g_object_unref (task);
      return;
    }
  if (integration->client_secret != NULL)
    {
      /* Confidential client: Basic auth (client_id may then be left out). */
      g_autofree char *pair = g_strconcat (integration->client_id, ":", integration->client_secret, NULL);
      g_autofree char *b64 = g_base64_encode ((const guchar *) pair, strlen (pair));
      g_autofree char *header = g_strconcat ("Basic ", b64, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", header);
      explicit_bzero (pair, strlen (pair));
      explicit_bzero (b64, strlen (b64));
      explicit_bzero (header, strlen (header));
    }
  else
    {
      /* Public client: no Authorization header (it would be invalid_client). */
      g_hash_table_insert (form, (char *) "client_id", integration->client_id);
    }

  encoded = soup_form_encode_hash (form);
  body = g_bytes_new_with_free_func (encoded, strlen (encoded),
                                     (GDestroyNotify) hangar_token_free, encoded);
  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", body);

  req = g_new0 (TokenRequest, 1);
  req->msg = g_object_ref (msg);
  req->started_at = _hangar_auth_get_real_time ();
  req->old_refresh_token = g_strdup (old_refresh_token);
  /* Registered where they entered the process already; once more here,
   * for callers that built the integration or form by hand. */
  hangar_redact_add_secret (old_refresh_token);
  hangar_redact_add_secret (g_hash_table_lookup (form, "code"));
  hangar_redact_add_secret (g_hash_table_lookup (form, "code_verifier"));
  hangar_redact_add_secret (integration->client_secret);
  req->session = session ? g_object_ref (session) : soup_session_new_with_options ("timeout", 30, NULL);
  g_task_set_task_data (task, req, (GDestroyNotify) token_request_free);

  capped_send_and_read_async (req->session, msg, g_task_get_cancellable (task), token_response_cb, task);
}

/**
 * hangar_oauth_refresh_async:
 * @session: (nullable): the HTTP session
 * @integration: the account's integration
 * @refresh_token: the latest refresh token
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the result
 * @user_data: data for @callback
 *
 * Exchanges @refresh_token for a new pair. Nothing is stored here.
 */
void
hangar_oauth_refresh_async (SoupSession                  *session,
                            const HangarOAuthIntegration *integration,
                            const char                   *refresh_token,
                            GCancellable                 *cancellable,
                            GAsyncReadyCallback           callback,
                            gpointer                      user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);

  g_task_set_source_tag (task, hangar_oauth_refresh_async);
  g_hash_table_insert (form, (char *) "grant_type", (char *) "refresh_token");
  g_hash_table_insert (form, (char *) "refresh_token", (char *) refresh_token);
  send_token_request (task, session, integration, form, refresh_token);
}

/**
 * hangar_oauth_refresh_finish:
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the new credentials (without client secret)
 */
HangarCredentials *
hangar_oauth_refresh_finish (GAsyncResult  *result,
                             GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* whoami                                                                   */

void
hangar_oauth_identity_free (HangarOAuthIdentity *identity)
{
  if (identity == NULL)
    return;
  g_free (identity->user_id);
  g_free (identity->email);
  g_strfreev (identity->scopes);
  g_free (identity);
}

static void
whoami_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SoupMessage *msg = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) obj = NULL;
  g_autoptr(HangarOAuthIdentity) identity = NULL;
  JsonArray *scopes = NULL;
  g_autofree char *problem = NULL;
  const char *id;
  guint status;

  body = capped_send_and_read_finish (result, &error);
  if (body == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
        g_task_return_new_error (task, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_RESPONSE,
                                 "whoami's answer is larger than %d bytes", MAX_ANSWER_BYTES);
      else
        g_task_return_new_error (task, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_NETWORK,
                                 "Could not reach the API: %s", error->message);
      return;
    }
  status = soup_message_get_status (msg);
  if (status == 401)
    {
      g_task_return_new_error (task, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_UNAUTHORIZED,
                               "%s", "Airtable refused the token (401)");
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_task_return_new_error (task, HANGAR_AUTH_ERROR,
                               status >= 500 ? HANGAR_AUTH_ERROR_NETWORK : HANGAR_AUTH_ERROR_FAILED,
                               "whoami answered HTTP %u", status);
      return;
    }
  obj = parse_object (body, &problem);
  if (obj == NULL)
    {
      g_task_return_new_error (task, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_RESPONSE,
                               "whoami's answer is not a JSON object (%s)", problem);
      return;
    }
  id = _hangar_auth_json_string (obj, "id");
  if (id == NULL || *id == '\0')
    {
      g_task_return_new_error (task, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_RESPONSE,
                               "%s", "whoami's answer has no user id");
      return;
    }
  identity = g_new0 (HangarOAuthIdentity, 1);
  identity->user_id = g_strdup (id);
  identity->email = g_strdup (_hangar_auth_json_string (obj, "email"));
  if (_hangar_json_get_array (obj, "scopes", FALSE, "whoami", &scopes, NULL) && scopes != NULL)
    {
      JsonArray *array = scopes;
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (item));
        }
      identity->scopes = g_strv_builder_end (builder);
    }
  g_task_return_pointer (task, g_steal_pointer (&identity), (GDestroyNotify) hangar_oauth_identity_free);
}

/**
 * hangar_oauth_whoami_async:
 * @session: (nullable): the HTTP session
 * @api_url: API base URL
 * @access_token: the bearer token
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the result
 * @user_data: data for @callback
 *
 * Asks who the token belongs to: GET /v0/meta/whoami
 * (https://airtable.com/developers/web/api/get-user-id-scopes).
 */
void
hangar_oauth_whoami_async (SoupSession         *session,
                           const char          *api_url,
                           const char          *access_token,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autofree char *url = g_strconcat (api_url, "/v0/meta/whoami", NULL);
  g_autofree char *header = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessage *msg;

  g_task_set_source_tag (task, hangar_oauth_whoami_async);
  /* The token goes only over https, or plain http to this machine. */
  if (!check_base_url ("API URL", api_url, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  msg = soup_message_new ("GET", url);
  if (msg == NULL)
    {
      g_task_return_new_error (task, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_SETTINGS,
                               "The API URL “%s” is not valid", api_url);
      g_object_unref (task);
      return;
    }
  header = g_strconcat ("Bearer ", access_token, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", header);
  explicit_bzero (header, strlen (header));
  g_task_set_task_data (task, msg, g_object_unref);
  if (session == NULL)
    {
      /* Keep a private session alive for as long as the task. */
      session = soup_session_new_with_options ("timeout", 30, NULL);
      g_object_set_data_full (G_OBJECT (msg), "hangar-session", session, g_object_unref);
    }
  capped_send_and_read_async (session, msg, cancellable, whoami_cb, task);
}

/**
 * hangar_oauth_whoami_finish:
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): who the token belongs to
 */
HangarOAuthIdentity *
hangar_oauth_whoami_finish (GAsyncResult  *result,
                            GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Flow                                                                     */

static void
hangar_oauth_flow_finalize (GObject *object)
{
  HangarOAuthFlow *self = HANGAR_OAUTH_FLOW (object);

  g_clear_pointer (&self->integration, hangar_oauth_integration_free);
  g_clear_pointer (&self->verifier, hangar_token_free);
  g_clear_pointer (&self->state, hangar_token_free);
  g_clear_pointer (&self->authorize_uri, g_free);

  G_OBJECT_CLASS (hangar_oauth_flow_parent_class)->finalize (object);
}

static void
hangar_oauth_flow_class_init (HangarOAuthFlowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hangar_oauth_flow_finalize;
}

static void
hangar_oauth_flow_init (HangarOAuthFlow *self)
{
}

/**
 * hangar_oauth_flow_new:
 * @integration: the integration to authorize against
 *
 * Starts a consent flow: a fresh 128-char verifier and a state.
 *
 * Returns: (transfer full): the flow
 */
HangarOAuthFlow *
hangar_oauth_flow_new (const HangarOAuthIntegration *integration)
{
  HangarOAuthFlow *self;
  g_autofree char *challenge = NULL;

  g_return_val_if_fail (integration != NULL, NULL);

  self = g_object_new (HANGAR_TYPE_OAUTH_FLOW, NULL);
  self->integration = hangar_oauth_integration_copy (integration);
  self->verifier = hangar_oauth_generate_verifier (128);
  hangar_redact_add_secret (self->verifier);
  self->state = hangar_oauth_generate_state ();
  challenge = hangar_oauth_challenge_s256 (self->verifier);
  self->authorize_uri = hangar_oauth_build_authorize_uri (self->integration, self->state, challenge);
  return self;
}

const HangarOAuthIntegration *
hangar_oauth_flow_get_integration (HangarOAuthFlow *self)
{
  g_return_val_if_fail (HANGAR_IS_OAUTH_FLOW (self), NULL);
  return self->integration;
}

const char *
hangar_oauth_flow_get_state (HangarOAuthFlow *self)
{
  g_return_val_if_fail (HANGAR_IS_OAUTH_FLOW (self), NULL);
  return self->state;
}

const char *
hangar_oauth_flow_get_authorize_uri (HangarOAuthFlow *self)
{
  g_return_val_if_fail (HANGAR_IS_OAUTH_FLOW (self), NULL);
  return self->authorize_uri;
}

gboolean
hangar_oauth_flow_is_redirect (HangarOAuthFlow *self,
                               const char      *uri)
{
  g_return_val_if_fail (HANGAR_IS_OAUTH_FLOW (self), FALSE);
  return hangar_oauth_redirect_matches (self->integration->redirect_uri, uri);
}

char *
hangar_oauth_flow_parse_redirect (HangarOAuthFlow  *self,
                                  const char       *uri,
                                  GError          **error)
{
  g_return_val_if_fail (HANGAR_IS_OAUTH_FLOW (self), NULL);
  return hangar_oauth_parse_redirect (self->integration->redirect_uri, self->state, uri, error);
}

/**
 * hangar_oauth_flow_exchange_code_async:
 * @self: the flow
 * @session: (nullable): the HTTP session
 * @code: the authorization code
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the result
 * @user_data: data for @callback
 *
 * grant_type=authorization_code with this flow's verifier and redirect URI.
 */
void
hangar_oauth_flow_exchange_code_async (HangarOAuthFlow     *self,
                                       SoupSession         *session,
                                       const char          *code,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  GTask *task;
  g_autoptr(GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_if_fail (HANGAR_IS_OAUTH_FLOW (self));
  g_return_if_fail (code != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_oauth_flow_exchange_code_async);
  g_hash_table_insert (form, (char *) "grant_type", (char *) "authorization_code");
  g_hash_table_insert (form, (char *) "code", (char *) code);
  g_hash_table_insert (form, (char *) "redirect_uri", self->integration->redirect_uri);
  g_hash_table_insert (form, (char *) "code_verifier", self->verifier);
  send_token_request (task, session, self->integration, form, NULL);
}

/**
 * hangar_oauth_flow_exchange_code_finish:
 * @self: the flow
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the tokens (not yet stored), with the integration's
 *   client secret copied in so they can be stored together
 */
HangarCredentials *
hangar_oauth_flow_exchange_code_finish (HangarOAuthFlow  *self,
                                        GAsyncResult     *result,
                                        GError          **error)
{
  HangarCredentials *creds;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  creds = g_task_propagate_pointer (G_TASK (result), error);
  if (creds != NULL && self->integration->client_secret != NULL)
    creds->client_secret = g_strdup (self->integration->client_secret);
  return creds;
}
