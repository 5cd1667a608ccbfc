/* sandbox-oauth.c — the sandbox's OAuth 2.0 side (fact sheet §1, §2)
 *
 * Integrations, the authorize endpoint with its HTML consent page, the token
 * endpoint (code exchange with PKCE S256, refresh with rotation, a grace
 * window for duplicate refreshes and reuse detection), and the grants and
 * tokens they produce.
 *
 * Secrets are never kept in clear beyond the request that creates them:
 * codes, access and refresh tokens and client secrets are stored as SHA-256
 * digests (in memory and in the state file), so a state directory holds no
 * usable credential. Nothing here logs a token.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "sandbox-oauth.h"
#include "sandbox-consent.h"

#define CLIENT_ID_MAX         64
#define PENDING_TTL_US        (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)
#define MAX_PENDING           4096
#define MAX_ROTATED_PER_GRANT 64
#define STATE_VERSION         1

typedef struct
{
  char   client_id[CLIENT_ID_MAX]; /* in place so a pointer to it stays valid */
  char  *name;
  char  *secret_hash;              /* SHA-256 hex of the secret; NULL = public */
  GStrv  redirect_uris;
  GStrv  scopes;                   /* enabled for the integration */
} Integration;

typedef struct _Grant Grant;

typedef struct
{
  char  *hash;
  Grant *grant;
  gint64 rotated_us;
} Rotated;

struct _Grant
{
  char      *id;
  char      *user_id;
  char      *client_id;
  GStrv      scopes;            /* of the grant (and of its refresh tokens) */
  GPtrArray *base_ids;          /* of char* */
  gint64     created_us;

  char      *access_hash;       /* NULL when no live access token */
  GStrv      access_scopes;     /* may be a subset after a scoped refresh */
  gint64     access_expires_us;

  char      *refresh_hash;      /* NULL when none */
  gint64     refresh_expires_us;

  GPtrArray *rotated;           /* of Rotated*, oldest first */
  char      *attempts_hash;     /* the refresh token the attempts are for */
  GArray    *attempts;          /* gint64 µs of its recent uses (not persisted) */
};

typedef struct
{
  char  *hash;
  char  *client_id;
  char  *redirect_uri;
  char  *user_id;
  char  *challenge;
  GStrv  scopes;
  GStrv  base_ids;
  gint64 expires_us;
} Code;

typedef struct
{
  char  *form_token;
  char  *client_id;
  char  *redirect_uri;
  char  *state;
  char  *challenge;
  GStrv  scopes;
  char  *user_id;               /* the account the page currently shows */
  gint64 created_us;
} Pending;

struct _SandboxOAuth
{
  SandboxOAuthConfig    config;
  SandboxOAuthCoreFuncs funcs;
  gpointer              core;

  GHashTable *integrations;     /* client_id → Integration* (owned) */
  GHashTable *grants;           /* id → Grant* (owned) */
  GHashTable *access_index;     /* hash → Grant* */
  GHashTable *refresh_index;    /* hash → Grant* */
  GHashTable *rotated_index;    /* hash → Rotated* (owned by its grant) */
  GHashTable *codes;            /* hash → Code* (owned) */
  GHashTable *pending;          /* form token → Pending* (owned) */

  guint64 refresh_count;
  guint64 token_request_count;
  guint64 exchange_count;
};

typedef struct
{
  char *name;
  char *value;
} FormField;

/* The basic scopes of fact sheet §2.1, with the words the consent page
 * uses. Enterprise scopes (§2.2) are not offered: the sandbox has no
 * enterprise accounts, so requesting one gives invalid_scope. */
static const struct
{
  const char *scope;
  const char *description;
} known_scopes[] = {
  { "data.records:read",         "See the data in records" },
  { "data.records:write",        "Create, edit and delete records" },
  { "data.recordComments:read",  "See comments on records" },
  { "data.recordComments:write", "Create, edit and delete comments on records" },
  { "schema.bases:read",         "See the structure of bases, like table names and field types" },
  { "schema.bases:write",        "Change the structure of bases, like adding tables and fields" },
  { "workspacesAndBases:read",   "See workspaces, bases and views, including their collaborators" },
  { "webhook:manage",            "See, create and delete webhooks" },
  { "block:manage",              "Publish and manage custom extensions" },
  { "user.email:read",           "See your email address" },
};

/* ---------------------------------------------------------------------- */
/* Small helpers                                                           */
/* ---------------------------------------------------------------------- */

static gint64
now_us (void)
{
  return g_get_real_time ();
}

static void
fill_random (guint8 *buf,
             gsize   len)
{
  gsize done = 0;

  while (done < len)
    {
      gssize n = getrandom (buf + done, len - done, 0);

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
base64url_encode (const guint8 *data,
                  gsize         len)
{
  char *s = g_base64_encode (data, len);
  gsize n;

  for (char *p = s; *p != '\0'; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
    }
  n = strlen (s);
  while (n > 0 && s[n - 1] == '=')
    s[--n] = '\0';
  return s;
}

/* @prefix + base64url of @nbytes random bytes from getrandom(). */
static char *
random_token (const char *prefix,
              gsize       nbytes)
{
  guint8 buf[64];
  g_autofree char *b64 = NULL;

  g_assert (nbytes <= sizeof buf);
  fill_random (buf, nbytes);
  b64 = base64url_encode (buf, nbytes);
  memset (buf, 0, sizeof buf);
  return g_strconcat (prefix, b64, NULL);
}

static char *
random_client_id (void)
{
  guint8 b[16];

  fill_random (b, sizeof b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                          b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

static char *
hash_secret (const char *secret)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, secret, -1);
}

/* Compares two equal-length hex digests without an early exit. */
static gboolean
digest_equal (const char *a,
              const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  guint diff = (la != lb);

  for (gsize i = 0; i < la && i < lb; i++)
    diff |= (guint) (a[i] ^ b[i]);
  return diff == 0;
}

static gboolean
str_in_strv (const char * const *strv,
             const char         *s)
{
  return strv != NULL && s != NULL && g_strv_contains (strv, s);
}

static gboolean
ptr_array_has_str (GPtrArray  *array,
                   const char *s)
{
  for (guint i = 0; i < array->len; i++)
    if (g_str_equal (g_ptr_array_index (array, i), s))
      return TRUE;
  return FALSE;
}

static gboolean
is_known_scope (const char *scope)
{
  for (guint i = 0; i < G_N_ELEMENTS (known_scopes); i++)
    if (g_str_equal (known_scopes[i].scope, scope))
      return TRUE;
  return FALSE;
}

const char *
sandbox_oauth_describe_scope (const char *scope)
{
  for (guint i = 0; i < G_N_ELEMENTS (known_scopes); i++)
    if (g_str_equal (known_scopes[i].scope, scope))
      return known_scopes[i].description;
  return scope;
}

static gboolean
is_charset (const char *s,
            const char *extra)
{
  for (const char *p = s; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr (extra, *p) == NULL)
      return FALSE;
  return TRUE;
}

static void
changed (SandboxOAuth *self)
{
  if (self->funcs.changed != NULL)
    self->funcs.changed (self->core);
}

/* ---------------------------------------------------------------------- */
/* Records                                                                 */
/* ---------------------------------------------------------------------- */

static void
integration_free (Integration *integ)
{
  g_free (integ->name);
  g_free (integ->secret_hash);
  g_strfreev (integ->redirect_uris);
  g_strfreev (integ->scopes);
  g_free (integ);
}

static void
rotated_free (Rotated *r)
{
  g_free (r->hash);
  g_free (r);
}

static Grant *
grant_new (const char *user_id,
           const char *client_id,
           const char * const *scopes,
           const char * const *base_ids)
{
  Grant *grant = g_new0 (Grant, 1);

  grant->id = random_token ("oag", 12);
  grant->user_id = g_strdup (user_id);
  grant->client_id = g_strdup (client_id);
  grant->scopes = g_strdupv ((char **) scopes);
  grant->base_ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; base_ids != NULL && base_ids[i] != NULL; i++)
    g_ptr_array_add (grant->base_ids, g_strdup (base_ids[i]));
  grant->rotated = g_ptr_array_new_with_free_func ((GDestroyNotify) rotated_free);
  grant->attempts = g_array_new (FALSE, FALSE, sizeof (gint64));
  grant->created_us = now_us ();
  return grant;
}

static void
grant_free (Grant *grant)
{
  g_free (grant->id);
  g_free (grant->user_id);
  g_free (grant->client_id);
  g_strfreev (grant->scopes);
  g_ptr_array_unref (grant->base_ids);
  g_free (grant->access_hash);
  g_strfreev (grant->access_scopes);
  g_free (grant->refresh_hash);
  g_ptr_array_unref (grant->rotated);
  g_array_unref (grant->attempts);
  g_free (grant->attempts_hash);
  g_free (grant);
}

static void
code_free (Code *code)
{
  g_free (code->hash);
  g_free (code->client_id);
  g_free (code->redirect_uri);
  g_free (code->user_id);
  g_free (code->challenge);
  g_strfreev (code->scopes);
  g_strfreev (code->base_ids);
  g_free (code);
}

static void
pending_free (Pending *p)
{
  g_free (p->form_token);
  g_free (p->client_id);
  g_free (p->redirect_uri);
  g_free (p->state);
  g_free (p->challenge);
  g_strfreev (p->scopes);
  g_free (p->user_id);
  g_free (p);
}

static void
form_field_free (FormField *f)
{
  g_free (f->name);
  g_free (f->value);
  g_free (f);
}

/* Drops the grant's live tokens from the indexes. */
static void
grant_unindex_tokens (SandboxOAuth *self,
                      Grant        *grant)
{
  if (grant->access_hash != NULL)
    g_hash_table_remove (self->access_index, grant->access_hash);
  g_clear_pointer (&grant->access_hash, g_free);
  g_clear_pointer (&grant->access_scopes, g_strfreev);
  if (grant->refresh_hash != NULL)
    g_hash_table_remove (self->refresh_index, grant->refresh_hash);
  g_clear_pointer (&grant->refresh_hash, g_free);
}

/* Revokes a grant: every token it ever issued is dead from now on. */
static void
grant_revoke (SandboxOAuth *self,
              Grant        *grant)
{
  grant_unindex_tokens (self, grant);
  for (guint i = 0; i < grant->rotated->len; i++)
    {
      Rotated *r = g_ptr_array_index (grant->rotated, i);

      g_hash_table_remove (self->rotated_index, r->hash);
    }
  g_hash_table_remove (self->grants, grant->id); /* frees it */
}

static void
grant_add_rotated (SandboxOAuth *self,
                   Grant        *grant,
                   char         *hash, /* transfer full */
                   gint64        rotated_us)
{
  Rotated *r = g_new0 (Rotated, 1);

  r->hash = hash;
  r->grant = grant;
  r->rotated_us = rotated_us;
  g_ptr_array_add (grant->rotated, r);
  g_hash_table_replace (self->rotated_index, r->hash, r);

  while (grant->rotated->len > MAX_ROTATED_PER_GRANT)
    {
      Rotated *oldest = g_ptr_array_index (grant->rotated, 0);

      g_hash_table_remove (self->rotated_index, oldest->hash);
      g_ptr_array_remove_index (grant->rotated, 0);
    }
}

/* Issues a fresh access/refresh pair for @grant, returning the tokens in
 * clear (only the caller's response ever sees them). */
static void
grant_issue_tokens (SandboxOAuth *self,
                    Grant        *grant,
                    const char * const *access_scopes,
                    char        **out_access,
                    char        **out_refresh)
{
  char *access = random_token ("oaa", 32);
  char *refresh = random_token ("oar", 32);
  gint64 now = now_us ();

  grant_unindex_tokens (self, grant);

  grant->access_hash = hash_secret (access);
  grant->access_scopes = g_strdupv ((char **) access_scopes);
  grant->access_expires_us = now + self->config.access_ttl_s * G_USEC_PER_SEC;
  g_hash_table_replace (self->access_index, grant->access_hash, grant);

  grant->refresh_hash = hash_secret (refresh);
  grant->refresh_expires_us = now + self->config.refresh_ttl_s * G_USEC_PER_SEC;
  g_hash_table_replace (self->refresh_index, grant->refresh_hash, grant);

  *out_access = access;
  *out_refresh = refresh;
}

static Integration *
find_integration_by_name (SandboxOAuth *self,
                          const char   *name)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->integrations);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Integration *integ = value;

      if (g_str_equal (integ->name, name))
        return integ;
    }
  return NULL;
}

static void
prune (SandboxOAuth *self)
{
  GHashTableIter iter;
  gpointer value;
  gint64 now = now_us ();

  g_hash_table_iter_init (&iter, self->codes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Code *) value)->expires_us <= now)
      g_hash_table_iter_remove (&iter);

  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Pending *) value)->created_us + PENDING_TTL_US <= now)
      g_hash_table_iter_remove (&iter);
}

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
static GPtrArray *
form_parse (const char *data,
            gsize       len)
{
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func ((GDestroyNotify) form_field_free);
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
          FormField *f = g_new0 (FormField, 1);

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
static GHashTable *
form_index (GPtrArray   *fields,
            GHashTable **out_repeated)
{
  GHashTable *index = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTable *repeated = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < fields->len; i++)
    {
      FormField *f = g_ptr_array_index (fields, i);

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

static GBytes *
request_body (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  return soup_message_body_flatten (body);
}

static gboolean
is_form_content_type (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *type = soup_message_headers_get_content_type (headers, NULL);

  return type != NULL && g_ascii_strcasecmp (type, "application/x-www-form-urlencoded") == 0;
}

/* Space-separated scopes (a '+' in the query has already become a space).
 * Returns NULL and a description when the list is empty, malformed,
 * repeats a scope or names an unknown one. */
static GStrv
parse_scopes (const char  *value,
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
      if (!is_known_scope (parts[i]))
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

static void
respond_json_node (SoupServerMessage *msg,
                   guint              status,
                   JsonNode          *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  gsize len = 0;
  char *text;

  json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, &len);
  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "Pragma", "no-cache");
  soup_server_message_set_response (msg, "application/json; charset=utf-8",
                                    SOUP_MEMORY_TAKE, text, len);
}

static void
respond_oauth_error (SoupServerMessage *msg,
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
  respond_json_node (msg, status, node);
}

/* RFC 6749 §5.2: 401 for invalid_client, 400 for everything else. */
static void
token_error (SoupServerMessage *msg,
             const char        *error,
             const char        *description)
{
  gboolean client = g_str_equal (error, "invalid_client");

  respond_oauth_error (msg, client ? 401 : 400, error, description);
}

static void
respond_html (SoupServerMessage *msg,
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

static void
respond_error_page (SoupServerMessage *msg,
                    guint              status,
                    const char        *title,
                    const char        *detail)
{
  respond_html (msg, status, sandbox_consent_render_error (title, detail));
}

static void
append_query_param (GString    *s,
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

static void
respond_redirect (SoupServerMessage *msg,
                  const char        *location)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_server_message_set_redirect (msg, 302, location);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
}

static void
redirect_error (SoupServerMessage *msg,
                const char        *redirect_uri,
                const char        *error,
                const char        *description,
                const char        *state)
{
  g_autoptr(GString) loc = g_string_new (redirect_uri);

  append_query_param (loc, "error", error);
  append_query_param (loc, "error_description", description);
  if (state != NULL)
    append_query_param (loc, "state", state);
  respond_redirect (msg, loc->str);
}

static void
respond_method_not_allowed (SoupServerMessage *msg,
                            const char        *allow)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", allow);
  respond_oauth_error (msg, 405, "invalid_request", "Method not allowed");
}

/* ---------------------------------------------------------------------- */
/* Authorize                                                               */
/* ---------------------------------------------------------------------- */

static GPtrArray *
list_users (SandboxOAuth *self)
{
  GPtrArray *users = NULL;

  if (self->funcs.list_users != NULL)
    users = self->funcs.list_users (self->core);
  if (users == NULL)
    users = g_ptr_array_new ();
  return users;
}

static GPtrArray *
list_user_bases (SandboxOAuth *self,
                 const char   *user_id)
{
  GPtrArray *bases = NULL;

  if (self->funcs.list_user_bases != NULL)
    bases = self->funcs.list_user_bases (self->core, user_id);
  if (bases == NULL)
    bases = g_ptr_array_new ();
  return bases;
}

static gboolean
user_exists (SandboxOAuth *self,
             const char   *user_id)
{
  g_autoptr(GPtrArray) users = list_users (self);

  for (guint i = 0; i < users->len; i++)
    if (g_str_equal (((SandboxOAuthUser *) g_ptr_array_index (users, i))->id, user_id))
      return TRUE;
  return FALSE;
}

/* Issues a code for a decided authorization and redirects to the client. */
static void
issue_code_and_redirect (SandboxOAuth       *self,
                         SoupServerMessage  *msg,
                         const char         *client_id,
                         const char         *redirect_uri,
                         const char         *state,
                         const char         *challenge,
                         const char * const *scopes,
                         const char         *user_id,
                         const char * const *base_ids)
{
  g_autofree char *code_value = random_token ("oac", 32);
  g_autoptr(GString) loc = g_string_new (redirect_uri);
  Code *code = g_new0 (Code, 1);

  code->hash = hash_secret (code_value);
  code->client_id = g_strdup (client_id);
  code->redirect_uri = g_strdup (redirect_uri);
  code->user_id = g_strdup (user_id);
  code->challenge = g_strdup (challenge);
  code->scopes = g_strdupv ((char **) scopes);
  code->base_ids = g_strdupv ((char **) base_ids);
  code->expires_us = now_us () + self->config.code_ttl_s * G_USEC_PER_SEC;
  g_hash_table_replace (self->codes, code->hash, code);
  changed (self);

  /* code and state only (changelog 2025-03-13: no code_challenge echo). */
  append_query_param (loc, "code", code_value);
  append_query_param (loc, "state", state);
  respond_redirect (msg, loc->str);
}

static void
render_consent (SandboxOAuth      *self,
                SoupServerMessage *msg,
                Pending           *pending, /* owned by self->pending */
                const char        *message)
{
  g_autoptr(GPtrArray) users = list_users (self);
  g_autoptr(GPtrArray) bases = list_user_bases (self, pending->user_id);
  Integration *integ = g_hash_table_lookup (self->integrations, pending->client_id);
  SandboxConsentPage page = { 0 };

  page.integration_name = integ != NULL ? integ->name : pending->client_id;
  page.redirect_uri = pending->redirect_uri;
  page.form_token = pending->form_token;
  page.action = "/oauth2/v1/authorize/decision";
  page.users = users;
  page.current_user_id = pending->user_id;
  page.scopes = (const char * const *) pending->scopes;
  page.bases = bases;
  page.message = message;
  respond_html (msg, 200, sandbox_consent_render (&page));
}

static void
handle_authorize (SandboxOAuth      *self,
                  SoupServerMessage *msg)
{
  GUri *uri = soup_server_message_get_uri (msg);
  const char *raw = g_uri_get_query (uri);
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GHashTable) repeated = NULL;
  g_auto(GStrv) scopes = NULL;
  const char *client_id, *redirect_uri, *response_type, *scope, *state;
  const char *challenge, *method, *why = NULL;
  Integration *integ;

  fields = form_parse (raw != NULL ? raw : "", raw != NULL ? strlen (raw) : 0);
  if (fields == NULL)
    {
      respond_error_page (msg, 400, "This authorization request is malformed",
                          "Its query string has a bad percent-escape or is not valid UTF-8. "
                          "The application that sent you here built a broken link.");
      return;
    }
  params = form_index (fields, &repeated);

  /* client_id and redirect_uri first: when either is wrong there is nowhere
   * safe to redirect to, so the user gets an error page (§1.3). */
  client_id = g_hash_table_lookup (params, "client_id");
  redirect_uri = g_hash_table_lookup (params, "redirect_uri");
  if (client_id == NULL || g_hash_table_contains (repeated, "client_id"))
    {
      respond_error_page (msg, 400, "Unknown integration",
                          "The request has no client_id, or more than one. "
                          "The application that sent you here is misconfigured.");
      return;
    }
  integ = g_hash_table_lookup (self->integrations, client_id);
  if (integ == NULL)
    {
      respond_error_page (msg, 400, "Unknown integration",
                          "No integration has this client_id. "
                          "The application that sent you here is misconfigured.");
      return;
    }
  if (redirect_uri == NULL || g_hash_table_contains (repeated, "redirect_uri")
      || !str_in_strv ((const char * const *) integ->redirect_uris, redirect_uri))
    {
      respond_error_page (msg, 400, "Invalid redirect URI",
                          "The redirect_uri is missing or is not registered for this integration. "
                          "For your safety you were not sent back to the application.");
      return;
    }

  /* From here on errors go back to the client. state is echoed only when
   * the request carried exactly one. */
  state = g_hash_table_contains (repeated, "state") ? NULL : g_hash_table_lookup (params, "state");

  if (g_hash_table_size (repeated) > 0)
    {
      redirect_error (msg, redirect_uri, "invalid_request",
                      "A parameter was given more than once", state);
      return;
    }

  response_type = g_hash_table_lookup (params, "response_type");
  if (response_type == NULL)
    {
      redirect_error (msg, redirect_uri, "invalid_request",
                      "The response_type parameter is missing", state);
      return;
    }
  if (!g_str_equal (response_type, "code"))
    {
      redirect_error (msg, redirect_uri, "unsupported_response_type",
                      "The response_type must be code", state);
      return;
    }

  scope = g_hash_table_lookup (params, "scope");
  scopes = parse_scopes (scope, &why);
  if (scopes == NULL)
    {
      redirect_error (msg, redirect_uri, "invalid_scope", why, state);
      return;
    }
  for (guint i = 0; scopes[i] != NULL; i++)
    if (!str_in_strv ((const char * const *) integ->scopes, scopes[i]))
      {
        redirect_error (msg, redirect_uri, "invalid_scope",
                        "The scope parameter names a scope that is not enabled for this integration",
                        state);
        return;
      }

  if (state == NULL || strlen (state) < 16 || strlen (state) > 1024
      || !is_charset (state, "._-"))
    {
      redirect_error (msg, redirect_uri, "invalid_request",
                      "The state parameter must be 16 to 1024 characters of A-Z a-z 0-9 . _ -",
                      state);
      return;
    }

  challenge = g_hash_table_lookup (params, "code_challenge");
  method = g_hash_table_lookup (params, "code_challenge_method");
  if (challenge == NULL || strlen (challenge) != 43 || !is_charset (challenge, "_-"))
    {
      redirect_error (msg, redirect_uri, "invalid_request",
                      "The code_challenge must be the base64url SHA-256 of the code_verifier (43 characters)",
                      state);
      return;
    }
  if (method == NULL || !g_str_equal (method, "S256"))
    {
      redirect_error (msg, redirect_uri, "invalid_request",
                      "The code_challenge_method must be S256", state);
      return;
    }

  if (self->config.auto_deny)
    {
      redirect_error (msg, redirect_uri, "access_denied",
                      "The user did not grant access to the integration", state);
      return;
    }

  if (self->config.auto_approve)
    {
      g_autoptr(GPtrArray) users = list_users (self);
      g_autoptr(GPtrArray) bases = NULL;
      g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
      g_auto(GStrv) base_ids = NULL;
      SandboxOAuthUser *user;

      if (users->len == 0)
        {
          redirect_error (msg, redirect_uri, "server_error", "The sandbox has no users", state);
          return;
        }
      user = g_ptr_array_index (users, 0);
      bases = list_user_bases (self, user->id);
      for (guint i = 0; i < bases->len; i++)
        g_strv_builder_add (ids, ((SandboxOAuthBase *) g_ptr_array_index (bases, i))->id);
      base_ids = g_strv_builder_end (ids);
      issue_code_and_redirect (self, msg, client_id, redirect_uri, state, challenge,
                               (const char * const *) scopes, user->id,
                               (const char * const *) base_ids);
      return;
    }

  {
    g_autoptr(GPtrArray) users = list_users (self);
    Pending *pending;

    if (users->len == 0)
      {
        redirect_error (msg, redirect_uri, "server_error", "The sandbox has no users", state);
        return;
      }
    if (g_hash_table_size (self->pending) >= MAX_PENDING)
      {
        redirect_error (msg, redirect_uri, "temporarily_unavailable",
                        "Too many authorizations are waiting for an answer", state);
        return;
      }
    pending = g_new0 (Pending, 1);
    pending->form_token = random_token ("", 24);
    pending->client_id = g_strdup (client_id);
    pending->redirect_uri = g_strdup (redirect_uri);
    pending->state = g_strdup (state);
    pending->challenge = g_strdup (challenge);
    pending->scopes = g_steal_pointer (&scopes);
    pending->user_id = g_strdup (((SandboxOAuthUser *) g_ptr_array_index (users, 0))->id);
    pending->created_us = now_us ();
    g_hash_table_replace (self->pending, pending->form_token, pending);
    render_consent (self, msg, pending, NULL);
  }
}

/* Gives @pending a new single-use form token and shows the page again. */
static void
rerender_consent (SandboxOAuth      *self,
                  SoupServerMessage *msg,
                  Pending           *pending, /* transfer full */
                  const char        *message)
{
  g_free (pending->form_token);
  pending->form_token = random_token ("", 24);
  g_hash_table_replace (self->pending, pending->form_token, pending);
  render_consent (self, msg, pending, message);
}

static void
handle_decision (SandboxOAuth      *self,
                 SoupServerMessage *msg)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GHashTable) repeated = NULL;
  g_autoptr(GPtrArray) user_bases = NULL;
  g_autoptr(GPtrArray) chosen = NULL;
  const char *token, *action, *user_id;
  gpointer stolen_key = NULL, stolen_value = NULL;
  Pending *pending;
  gsize len = 0;
  const char *data;

  if (!is_form_content_type (msg))
    {
      respond_error_page (msg, 400, "Bad request", "The form was not sent as a web form.");
      return;
    }
  body = request_body (msg);
  data = g_bytes_get_data (body, &len);
  fields = form_parse (data != NULL ? data : "", len);
  if (fields == NULL)
    {
      respond_error_page (msg, 400, "Bad request", "The form data is malformed.");
      return;
    }
  params = form_index (fields, &repeated);

  token = g_hash_table_lookup (params, "form_token");
  if (token == NULL || g_hash_table_contains (repeated, "form_token")
      || !g_hash_table_steal_extended (self->pending, token, &stolen_key, &stolen_value))
    {
      respond_error_page (msg, 400, "This page has expired",
                          "This authorization request was already answered or has expired. "
                          "Go back to the application and connect again.");
      return;
    }
  /* The token is single-use: it is out of the table now, whatever happens. */
  pending = stolen_value;

  if (pending->created_us + PENDING_TTL_US <= now_us ())
    {
      pending_free (pending);
      respond_error_page (msg, 400, "This page has expired",
                          "This authorization request is too old. "
                          "Go back to the application and connect again.");
      return;
    }

  action = g_hash_table_lookup (params, "action");
  if (action == NULL || g_hash_table_contains (repeated, "action"))
    {
      rerender_consent (self, msg, pending, "Choose Grant access or Cancel.");
      return;
    }

  if (g_str_equal (action, "cancel"))
    {
      redirect_error (msg, pending->redirect_uri, "access_denied",
                      "The user did not grant access to the integration", pending->state);
      pending_free (pending);
      return;
    }

  user_id = g_hash_table_lookup (params, "user");
  if (user_id != NULL && !g_hash_table_contains (repeated, "user")
      && !g_str_equal (user_id, pending->user_id))
    {
      if (!user_exists (self, user_id))
        {
          rerender_consent (self, msg, pending, "That account does not exist.");
          return;
        }
      g_free (pending->user_id);
      pending->user_id = g_strdup (user_id);
      rerender_consent (self, msg, pending,
                        g_str_equal (action, "grant") ? "You switched accounts: choose the bases to grant for this account." : NULL);
      return;
    }

  if (g_str_equal (action, "switch"))
    {
      rerender_consent (self, msg, pending, NULL);
      return;
    }
  if (!g_str_equal (action, "grant"))
    {
      rerender_consent (self, msg, pending, "Choose Grant access or Cancel.");
      return;
    }

  /* Grant: every ticked base must belong to the shown account. */
  user_bases = list_user_bases (self, pending->user_id);
  chosen = g_ptr_array_new ();
  for (guint i = 0; i < fields->len; i++)
    {
      FormField *f = g_ptr_array_index (fields, i);
      gboolean found = FALSE;

      if (!g_str_equal (f->name, "base"))
        continue;
      for (guint j = 0; j < user_bases->len && !found; j++)
        found = g_str_equal (((SandboxOAuthBase *) g_ptr_array_index (user_bases, j))->id, f->value);
      if (!found)
        {
          rerender_consent (self, msg, pending, "One of the chosen bases is not available to this account.");
          return;
        }
      if (!ptr_array_has_str (chosen, f->value))
        g_ptr_array_add (chosen, f->value);
    }
  if (chosen->len == 0)
    {
      rerender_consent (self, msg, pending, "Choose at least one base to grant access to.");
      return;
    }
  g_ptr_array_add (chosen, NULL);

  issue_code_and_redirect (self, msg, pending->client_id, pending->redirect_uri, pending->state,
                           pending->challenge, (const char * const *) pending->scopes,
                           pending->user_id, (const char * const *) chosen->pdata);
  pending_free (pending);
}

/* ---------------------------------------------------------------------- */
/* Token                                                                   */
/* ---------------------------------------------------------------------- */

/* "Basic <b64(id:secret)>", standard or url-safe base64, padding optional. */
static gboolean
parse_basic (const char  *header,
             char       **out_id,
             char       **out_secret)
{
  g_autofree char *b64 = NULL;
  g_autofree guchar *decoded = NULL;
  g_autofree char *text = NULL;
  gsize n, dlen = 0;
  const char *colon;

  if (g_ascii_strncasecmp (header, "Basic ", 6) != 0)
    return FALSE;
  header += 6;
  while (*header == ' ')
    header++;
  b64 = g_strdup (header);
  g_strchomp (b64);
  n = strlen (b64);
  while (n > 0 && b64[n - 1] == '=')
    b64[--n] = '\0';
  if (n == 0 || n % 4 == 1 || !is_charset (b64, "+/-_"))
    return FALSE;
  for (char *p = b64; *p != '\0'; p++)
    {
      if (*p == '-')
        *p = '+';
      else if (*p == '_')
        *p = '/';
    }
  {
    g_autoptr(GString) padded = g_string_new (b64);

    while (padded->len % 4 != 0)
      g_string_append_c (padded, '=');
    decoded = g_base64_decode (padded->str, &dlen);
  }
  if (decoded == NULL || dlen == 0 || memchr (decoded, '\0', dlen) != NULL)
    return FALSE;
  text = g_strndup ((const char *) decoded, dlen);
  memset (decoded, 0, dlen);
  if (!g_utf8_validate (text, -1, NULL))
    return FALSE;
  colon = strchr (text, ':');
  if (colon == NULL || colon == text)
    return FALSE;
  *out_id = g_strndup (text, colon - text);
  *out_secret = g_strdup (colon + 1);
  memset (text, 0, strlen (text));
  return TRUE;
}

/* Identifies and authenticates the client (§1.5). On failure writes the
 * invalid_client response and returns NULL. */
static Integration *
authenticate_client (SandboxOAuth      *self,
                     SoupServerMessage *msg,
                     GHashTable        *params)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *auth = soup_message_headers_get_one (headers, "Authorization");
  const char *body_id = g_hash_table_lookup (params, "client_id");
  Integration *integ;

  if (auth != NULL)
    {
      g_autofree char *id = NULL;
      g_autofree char *secret = NULL;
      g_autofree char *hash = NULL;

      if (!parse_basic (auth, &id, &secret))
        {
          token_error (msg, "invalid_client", "The Authorization header is not valid HTTP Basic authentication");
          return NULL;
        }
      hash = hash_secret (secret);
      memset (secret, 0, strlen (secret));
      if (body_id != NULL && !g_str_equal (body_id, id))
        {
          token_error (msg, "invalid_client", "The client_id in the body does not match the Authorization header");
          return NULL;
        }
      integ = g_hash_table_lookup (self->integrations, id);
      if (integ == NULL)
        {
          token_error (msg, "invalid_client", "Unknown client_id");
          return NULL;
        }
      if (integ->secret_hash == NULL)
        {
          token_error (msg, "invalid_client",
                       "This integration has no client secret: do not send an Authorization header");
          return NULL;
        }
      if (!digest_equal (hash, integ->secret_hash))
        {
          token_error (msg, "invalid_client", "Invalid client credentials");
          return NULL;
        }
      return integ;
    }

  if (body_id == NULL)
    {
      token_error (msg, "invalid_client", "The client_id parameter is required for integrations without a client secret");
      return NULL;
    }
  integ = g_hash_table_lookup (self->integrations, body_id);
  if (integ == NULL)
    {
      token_error (msg, "invalid_client", "Unknown client_id");
      return NULL;
    }
  if (integ->secret_hash != NULL)
    {
      token_error (msg, "invalid_client",
                   "This integration has a client secret: authenticate with HTTP Basic");
      return NULL;
    }
  return integ;
}

static void
respond_tokens (SandboxOAuth      *self,
                SoupServerMessage *msg,
                const char        *access,
                const char        *refresh,
                const char * const *scopes)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *scope = g_strjoinv (" ", (char **) scopes);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "access_token");
  json_builder_add_string_value (b, access);
  json_builder_set_member_name (b, "refresh_token");
  json_builder_add_string_value (b, refresh);
  json_builder_set_member_name (b, "token_type");
  json_builder_add_string_value (b, "Bearer");
  json_builder_set_member_name (b, "scope");
  json_builder_add_string_value (b, scope);
  json_builder_set_member_name (b, "expires_in");
  json_builder_add_int_value (b, self->config.access_ttl_s);
  json_builder_set_member_name (b, "refresh_expires_in");
  json_builder_add_int_value (b, self->config.refresh_ttl_s);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  respond_json_node (msg, 200, node);
}

static void
token_authorization_code (SandboxOAuth      *self,
                          SoupServerMessage *msg,
                          Integration       *integ,
                          GHashTable        *params)
{
  const char *code_value = g_hash_table_lookup (params, "code");
  const char *redirect_uri = g_hash_table_lookup (params, "redirect_uri");
  const char *verifier = g_hash_table_lookup (params, "code_verifier");
  g_autofree char *hash = NULL;
  g_autofree char *computed = NULL;
  g_autofree char *access = NULL;
  g_autofree char *refresh = NULL;
  gpointer key = NULL, value = NULL;
  Code *code;
  Grant *grant;

  if (code_value == NULL || code_value[0] == '\0')
    {
      token_error (msg, "invalid_request", "The code parameter is missing");
      return;
    }
  hash = hash_secret (code_value);
  if (!g_hash_table_steal_extended (self->codes, hash, &key, &value))
    {
      token_error (msg, "invalid_grant", "The authorization code is invalid, expired or already used");
      return;
    }
  /* Single-use even if the exchange fails (§1.6). */
  code = value;
  changed (self);

  if (code->expires_us <= now_us ())
    {
      code_free (code);
      token_error (msg, "invalid_grant", "The authorization code is invalid, expired or already used");
      return;
    }
  if (!g_str_equal (code->client_id, integ->client_id))
    {
      code_free (code);
      token_error (msg, "invalid_grant", "The authorization code was issued to another client");
      return;
    }
  if (redirect_uri == NULL || !g_str_equal (redirect_uri, code->redirect_uri))
    {
      code_free (code);
      token_error (msg, "invalid_grant", "The redirect_uri does not match the authorization request");
      return;
    }
  if (verifier == NULL || strlen (verifier) < 43 || strlen (verifier) > 128
      || !is_charset (verifier, "._-"))
    {
      code_free (code);
      token_error (msg, "invalid_grant",
                   "The code_verifier must be 43 to 128 characters of A-Z a-z 0-9 . _ -");
      return;
    }
  {
    GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA256);
    guint8 digest[32];
    gsize dlen = sizeof digest;

    g_checksum_update (sum, (const guchar *) verifier, strlen (verifier));
    g_checksum_get_digest (sum, digest, &dlen);
    g_checksum_free (sum);
    computed = base64url_encode (digest, dlen);
  }
  if (!g_str_equal (computed, code->challenge))
    {
      code_free (code);
      token_error (msg, "invalid_grant", "The code_verifier does not match the code_challenge");
      return;
    }

  grant = grant_new (code->user_id, code->client_id, (const char * const *) code->scopes,
                     (const char * const *) code->base_ids);
  g_hash_table_replace (self->grants, grant->id, grant);
  grant_issue_tokens (self, grant, (const char * const *) code->scopes, &access, &refresh);
  code_free (code);
  self->exchange_count++;
  changed (self);

  respond_tokens (self, msg, access, refresh, (const char * const *) grant->access_scopes);
  memset (access, 0, strlen (access));
  memset (refresh, 0, strlen (refresh));
}

/* Counts a use of the refresh token @hash of @grant. TRUE when that token
 * was presented more than refresh_abuse_per_s times in the last second
 * (§1.9: "fewer than 10 refresh requests per second per token"; since
 * 2024-11-25 only more than 10 per second revoke). A chain of sequential
 * rotations never trips it: each new token starts a new count. */
static gboolean
refresh_abused (SandboxOAuth *self,
                Grant        *grant,
                const char   *hash,
                gint64        now)
{
  guint keep = 0;

  if (self->config.refresh_abuse_per_s < 0)
    return FALSE;
  if (g_strcmp0 (grant->attempts_hash, hash) != 0)
    {
      g_free (grant->attempts_hash);
      grant->attempts_hash = g_strdup (hash);
      g_array_set_size (grant->attempts, 0);
    }
  for (guint i = 0; i < grant->attempts->len; i++)
    {
      gint64 t = g_array_index (grant->attempts, gint64, i);

      if (now - t < G_USEC_PER_SEC)
        g_array_index (grant->attempts, gint64, keep++) = t;
    }
  g_array_set_size (grant->attempts, keep);
  g_array_append_val (grant->attempts, now);
  return grant->attempts->len > (guint) self->config.refresh_abuse_per_s;
}

static void
token_refresh (SandboxOAuth      *self,
               SoupServerMessage *msg,
               Integration       *integ,
               GHashTable        *params)
{
  const char *refresh_value = g_hash_table_lookup (params, "refresh_token");
  const char *scope = g_hash_table_lookup (params, "scope");
  g_autofree char *hash = NULL;
  g_autofree char *access = NULL;
  g_autofree char *refresh = NULL;
  g_auto(GStrv) scopes = NULL;
  Grant *grant;
  Rotated *rotated;
  gint64 now = now_us ();

  if (refresh_value == NULL || refresh_value[0] == '\0')
    {
      token_error (msg, "invalid_request", "The refresh_token parameter is missing");
      return;
    }
  hash = hash_secret (refresh_value);

  rotated = g_hash_table_lookup (self->rotated_index, hash);
  grant = rotated != NULL ? rotated->grant : g_hash_table_lookup (self->refresh_index, hash);
  if (grant != NULL && g_str_equal (grant->client_id, integ->client_id)
      && refresh_abused (self, grant, hash, now))
    {
      grant_revoke (self, grant);
      changed (self);
      token_error (msg, "invalid_grant",
                   "Too many refresh requests for this authorization; it has been revoked");
      return;
    }

  if (rotated != NULL && g_str_equal (rotated->grant->client_id, integ->client_id))
    {
      if (now - rotated->rotated_us < self->config.refresh_grace_ms * 1000)
        {
          /* A duplicate of a refresh that just succeeded: no harm done. */
          respond_oauth_error (msg, 409, "conflict",
                               "This refresh token was just used; use the tokens returned by that request");
          return;
        }
      /* Reuse of a rotated token: assume it leaked and kill the grant. */
      grant_revoke (self, rotated->grant);
      changed (self);
      token_error (msg, "invalid_grant", "The refresh token was already used; the authorization has been revoked");
      return;
    }

  grant = g_hash_table_lookup (self->refresh_index, hash);
  if (grant == NULL || !g_str_equal (grant->client_id, integ->client_id))
    {
      token_error (msg, "invalid_grant", "The refresh token is invalid, expired or revoked");
      return;
    }
  if (grant->refresh_expires_us <= now)
    {
      grant_revoke (self, grant);
      changed (self);
      token_error (msg, "invalid_grant", "The refresh token is invalid, expired or revoked");
      return;
    }

  if (scope != NULL)
    {
      const char *why = NULL;

      scopes = parse_scopes (scope, &why);
      if (scopes == NULL)
        {
          token_error (msg, "invalid_scope", why);
          return;
        }
      for (guint i = 0; scopes[i] != NULL; i++)
        if (!str_in_strv ((const char * const *) grant->scopes, scopes[i]))
          {
            token_error (msg, "invalid_scope", "The requested scope exceeds the scope of the grant");
            return;
          }
    }
  else
    scopes = g_strdupv (grant->scopes);

  /* Rotation: the old refresh token moves to the rotated list (for the
   * grace window and reuse detection) and the old access token dies. */
  grant_add_rotated (self, grant, g_strdup (grant->refresh_hash), now);
  grant_issue_tokens (self, grant, (const char * const *) scopes, &access, &refresh);
  self->refresh_count++;
  changed (self);

  respond_tokens (self, msg, access, refresh, (const char * const *) grant->access_scopes);
  memset (access, 0, strlen (access));
  memset (refresh, 0, strlen (refresh));
}

static void
handle_token (SandboxOAuth      *self,
              SoupServerMessage *msg)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GHashTable) repeated = NULL;
  const char *grant_type;
  const char *data;
  gsize len = 0;
  Integration *integ;

  if (!is_form_content_type (msg))
    {
      token_error (msg, "invalid_request", "The Content-Type must be application/x-www-form-urlencoded");
      return;
    }
  body = request_body (msg);
  data = g_bytes_get_data (body, &len);
  fields = form_parse (data != NULL ? data : "", len);
  if (fields == NULL)
    {
      token_error (msg, "invalid_request", "The request body is not valid form data");
      return;
    }
  params = form_index (fields, &repeated);
  if (g_hash_table_size (repeated) > 0)
    {
      token_error (msg, "invalid_request", "A parameter was given more than once");
      return;
    }

  integ = authenticate_client (self, msg, params);
  if (integ == NULL)
    return;

  grant_type = g_hash_table_lookup (params, "grant_type");
  if (grant_type == NULL)
    token_error (msg, "invalid_request", "The grant_type parameter is missing");
  else if (g_str_equal (grant_type, "authorization_code"))
    token_authorization_code (self, msg, integ, params);
  else if (g_str_equal (grant_type, "refresh_token"))
    token_refresh (self, msg, integ, params);
  else
    token_error (msg, "unsupported_grant_type", "The grant_type must be authorization_code or refresh_token");
}

/* ---------------------------------------------------------------------- */
/* Public API                                                              */
/* ---------------------------------------------------------------------- */

SandboxOAuth *
sandbox_oauth_new (const SandboxOAuthConfig    *config,
                   const SandboxOAuthCoreFuncs *funcs,
                   gpointer                     core)
{
  SandboxOAuth *self = g_new0 (SandboxOAuth, 1);

  if (config != NULL)
    self->config = *config;
  if (self->config.access_ttl_s <= 0)
    self->config.access_ttl_s = 3600;
  if (self->config.refresh_ttl_s <= 0)
    self->config.refresh_ttl_s = 5184000;
  if (self->config.code_ttl_s <= 0)
    self->config.code_ttl_s = 600;
  if (self->config.refresh_grace_ms <= 0)
    self->config.refresh_grace_ms = 2000;
  if (self->config.refresh_abuse_per_s == 0)
    self->config.refresh_abuse_per_s = 10;
  if (funcs != NULL)
    self->funcs = *funcs;
  self->core = core;

  self->integrations = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                              (GDestroyNotify) integration_free);
  self->grants = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) grant_free);
  self->access_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->refresh_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->rotated_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->codes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) code_free);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) pending_free);
  return self;
}

void
sandbox_oauth_free (SandboxOAuth *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->pending);
  g_hash_table_unref (self->codes);
  g_hash_table_unref (self->rotated_index);
  g_hash_table_unref (self->refresh_index);
  g_hash_table_unref (self->access_index);
  g_hash_table_unref (self->grants);
  g_hash_table_unref (self->integrations);
  g_free (self);
}

static GStrv
filter_known_scopes (const char * const *scopes)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < G_N_ELEMENTS (known_scopes); i++)
    if (scopes == NULL || str_in_strv (scopes, known_scopes[i].scope))
      g_strv_builder_add (builder, known_scopes[i].scope);
  return g_strv_builder_end (builder);
}

const char *
sandbox_oauth_add_integration (SandboxOAuth       *self,
                               const char         *name,
                               const char * const *redirect_uris,
                               const char * const *allowed_scopes,
                               const char         *client_secret)
{
  Integration *integ;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  /* Idempotent by name, so a restart with --state-dir keeps the client id
   * that applications have stored. */
  integ = find_integration_by_name (self, name);
  if (integ == NULL)
    {
      g_autofree char *id = random_client_id ();

      integ = g_new0 (Integration, 1);
      g_strlcpy (integ->client_id, id, sizeof integ->client_id);
      integ->name = g_strdup (name);
      g_hash_table_replace (self->integrations, integ->client_id, integ);
    }
  g_clear_pointer (&integ->redirect_uris, g_strfreev);
  g_clear_pointer (&integ->scopes, g_strfreev);
  g_clear_pointer (&integ->secret_hash, g_free);
  integ->redirect_uris = g_strdupv ((char **) redirect_uris);
  if (integ->redirect_uris == NULL)
    integ->redirect_uris = g_new0 (char *, 1);
  integ->scopes = filter_known_scopes (allowed_scopes);
  if (client_secret != NULL)
    integ->secret_hash = hash_secret (client_secret);
  changed (self);
  return integ->client_id;
}

gboolean
sandbox_oauth_handle (SandboxOAuth      *self,
                      SoupServerMessage *msg,
                      const char        *path,
                      GHashTable        *query)
{
  const char *method;

  g_return_val_if_fail (self != NULL, FALSE);

  if (path == NULL || !g_str_has_prefix (path, "/oauth2/v1/"))
    return FALSE;

  prune (self);
  method = soup_server_message_get_method (msg);

  if (g_str_equal (path, "/oauth2/v1/authorize"))
    {
      if (g_str_equal (method, "GET") || g_str_equal (method, "HEAD"))
        handle_authorize (self, msg);
      else
        respond_method_not_allowed (msg, "GET");
    }
  else if (g_str_equal (path, "/oauth2/v1/authorize/decision"))
    {
      if (g_str_equal (method, "POST"))
        handle_decision (self, msg);
      else
        respond_method_not_allowed (msg, "POST");
    }
  else if (g_str_equal (path, "/oauth2/v1/token"))
    {
      if (g_str_equal (method, "POST"))
        {
          self->token_request_count++;
          handle_token (self, msg);
        }
      else
        respond_method_not_allowed (msg, "POST");
    }
  else
    {
      soup_server_message_set_status (msg, 404, NULL);
      soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_STATIC,
                                        "{\"error\":\"NOT_FOUND\"}", strlen ("{\"error\":\"NOT_FOUND\"}"));
    }
  return TRUE;
}

SandboxOAuthTokenInfo *
sandbox_oauth_lookup_access_token (SandboxOAuth *self,
                                   const char   *token)
{
  g_autofree char *hash = NULL;
  SandboxOAuthTokenInfo *info;
  Grant *grant;

  g_return_val_if_fail (self != NULL, NULL);

  if (token == NULL || token[0] == '\0')
    return NULL;
  hash = hash_secret (token);
  grant = g_hash_table_lookup (self->access_index, hash);
  if (grant == NULL || grant->access_expires_us <= now_us ())
    return NULL;

  info = g_new0 (SandboxOAuthTokenInfo, 1);
  info->user_id = g_strdup (grant->user_id);
  info->client_id = g_strdup (grant->client_id);
  info->scopes = g_strdupv (grant->access_scopes);
  info->base_ids = g_new0 (char *, grant->base_ids->len + 1);
  for (guint i = 0; i < grant->base_ids->len; i++)
    info->base_ids[i] = g_strdup (g_ptr_array_index (grant->base_ids, i));
  return info;
}

void
sandbox_oauth_token_info_free (SandboxOAuthTokenInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->user_id);
  g_free (info->client_id);
  g_strfreev (info->scopes);
  g_strfreev (info->base_ids);
  g_free (info);
}

static GPtrArray *
grants_of_user (SandboxOAuth *self,
                const char   *user_id)
{
  GPtrArray *matches = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->grants);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Grant *grant = value;

      if (user_id == NULL || g_str_equal (grant->user_id, user_id))
        g_ptr_array_add (matches, grant);
    }
  return matches;
}

guint
sandbox_oauth_revoke_user (SandboxOAuth *self,
                           const char   *user_id)
{
  g_autoptr(GPtrArray) matches = NULL;
  GHashTableIter iter;
  gpointer value;
  guint codes = 0;
  guint count;

  g_return_val_if_fail (self != NULL, 0);

  matches = grants_of_user (self, user_id);
  count = matches->len;
  for (guint i = 0; i < matches->len; i++)
    grant_revoke (self, g_ptr_array_index (matches, i));

  /* Codes not yet exchanged stand for grants too. */
  g_hash_table_iter_init (&iter, self->codes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (user_id == NULL || g_str_equal (((Code *) value)->user_id, user_id))
      {
        g_hash_table_iter_remove (&iter);
        codes++;
      }

  if (count > 0 || codes > 0)
    changed (self);
  return count;
}

guint
sandbox_oauth_remove_base (SandboxOAuth *self,
                           const char   *user_id,
                           const char   *base_id)
{
  g_autoptr(GPtrArray) matches = NULL;
  GHashTableIter iter;
  gpointer value;
  gboolean any = FALSE;
  guint count = 0;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (base_id != NULL, 0);

  matches = grants_of_user (self, user_id);
  for (guint i = 0; i < matches->len; i++)
    {
      Grant *grant = g_ptr_array_index (matches, i);

      for (guint j = 0; j < grant->base_ids->len; j++)
        if (g_str_equal (g_ptr_array_index (grant->base_ids, j), base_id))
          {
            g_ptr_array_remove_index (grant->base_ids, j);
            count++;
            break;
          }
    }

  g_hash_table_iter_init (&iter, self->codes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Code *code = value;

      if ((user_id == NULL || g_str_equal (code->user_id, user_id))
          && str_in_strv ((const char * const *) code->base_ids, base_id))
        {
          g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

          for (guint j = 0; code->base_ids[j] != NULL; j++)
            if (!g_str_equal (code->base_ids[j], base_id))
              g_strv_builder_add (builder, code->base_ids[j]);
          g_strfreev (code->base_ids);
          code->base_ids = g_strv_builder_end (builder);
          any = TRUE;
        }
    }

  if (count > 0 || any)
    changed (self);
  return count;
}

guint
sandbox_oauth_expire_access_tokens (SandboxOAuth *self,
                                    const char   *user_id)
{
  g_autoptr(GPtrArray) matches = NULL;
  gint64 now = now_us ();
  guint count = 0;

  g_return_val_if_fail (self != NULL, 0);

  matches = grants_of_user (self, user_id);
  for (guint i = 0; i < matches->len; i++)
    {
      Grant *grant = g_ptr_array_index (matches, i);

      if (grant->access_hash != NULL && grant->access_expires_us > now)
        {
          grant->access_expires_us = now - 1;
          count++;
        }
    }
  if (count > 0)
    changed (self);
  return count;
}

guint64
sandbox_oauth_get_refresh_count (SandboxOAuth *self)
{
  return self->refresh_count;
}

guint64
sandbox_oauth_get_token_request_count (SandboxOAuth *self)
{
  return self->token_request_count;
}

guint64
sandbox_oauth_get_exchange_count (SandboxOAuth *self)
{
  return self->exchange_count;
}

/* ---------------------------------------------------------------------- */
/* Persistence                                                             */
/* ---------------------------------------------------------------------- */

static void
add_strv_member (JsonBuilder        *b,
                 const char         *name,
                 const char * const *strv)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_builder_add_string_value (b, strv[i]);
  json_builder_end_array (b);
}

static void
add_str_member (JsonBuilder *b,
                const char  *name,
                const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_int_member (JsonBuilder *b,
                const char  *name,
                gint64       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

JsonNode *
sandbox_oauth_serialize (SandboxOAuth *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (b);
  add_int_member (b, "version", STATE_VERSION);

  json_builder_set_member_name (b, "integrations");
  json_builder_begin_array (b);
  g_hash_table_iter_init (&iter, self->integrations);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Integration *integ = value;

      json_builder_begin_object (b);
      add_str_member (b, "client_id", integ->client_id);
      add_str_member (b, "name", integ->name);
      add_str_member (b, "secret_sha256", integ->secret_hash);
      add_strv_member (b, "redirect_uris", (const char * const *) integ->redirect_uris);
      add_strv_member (b, "scopes", (const char * const *) integ->scopes);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "grants");
  json_builder_begin_array (b);
  g_hash_table_iter_init (&iter, self->grants);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Grant *grant = value;

      g_ptr_array_add (grant->base_ids, NULL);
      json_builder_begin_object (b);
      add_str_member (b, "id", grant->id);
      add_str_member (b, "user_id", grant->user_id);
      add_str_member (b, "client_id", grant->client_id);
      add_strv_member (b, "scopes", (const char * const *) grant->scopes);
      add_strv_member (b, "base_ids", (const char * const *) grant->base_ids->pdata);
      add_int_member (b, "created_us", grant->created_us);
      add_str_member (b, "access_sha256", grant->access_hash);
      add_strv_member (b, "access_scopes", (const char * const *) grant->access_scopes);
      add_int_member (b, "access_expires_us", grant->access_expires_us);
      add_str_member (b, "refresh_sha256", grant->refresh_hash);
      add_int_member (b, "refresh_expires_us", grant->refresh_expires_us);
      json_builder_set_member_name (b, "rotated");
      json_builder_begin_array (b);
      for (guint i = 0; i < grant->rotated->len; i++)
        {
          Rotated *r = g_ptr_array_index (grant->rotated, i);

          json_builder_begin_object (b);
          add_str_member (b, "sha256", r->hash);
          add_int_member (b, "rotated_us", r->rotated_us);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      g_ptr_array_remove_index (grant->base_ids, grant->base_ids->len - 1);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "codes");
  json_builder_begin_array (b);
  g_hash_table_iter_init (&iter, self->codes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Code *code = value;

      json_builder_begin_object (b);
      add_str_member (b, "sha256", code->hash);
      add_str_member (b, "client_id", code->client_id);
      add_str_member (b, "redirect_uri", code->redirect_uri);
      add_str_member (b, "user_id", code->user_id);
      add_str_member (b, "challenge", code->challenge);
      add_strv_member (b, "scopes", (const char * const *) code->scopes);
      add_strv_member (b, "base_ids", (const char * const *) code->base_ids);
      add_int_member (b, "expires_us", code->expires_us);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* Typed readers: each sets @error and returns FALSE on a wrong type. */
static gboolean
read_string (JsonObject  *obj,
             const char  *name,
             gboolean     nullable,
             char       **out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node != NULL && JSON_NODE_HOLDS_NULL (node) && nullable)
    {
      *out = NULL;
      return TRUE;
    }
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "OAuth state: member “%s” is not a string", name);
      return FALSE;
    }
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
read_int (JsonObject  *obj,
          const char  *name,
          gint64      *out,
          GError     **error)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "OAuth state: member “%s” is not an integer", name);
      return FALSE;
    }
  *out = json_node_get_int (node);
  return TRUE;
}

static gboolean
read_strv (JsonObject  *obj,
           const char  *name,
           GStrv       *out,
           GError     **error)
{
  JsonNode *node = json_object_get_member (obj, name);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "OAuth state: member “%s” is not an array", name);
      return FALSE;
    }
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "OAuth state: “%s” holds a non-string", name);
          return FALSE;
        }
      g_strv_builder_add (builder, json_node_get_string (item));
    }
  *out = g_strv_builder_end (builder);
  return TRUE;
}

static JsonArray *
read_array (JsonObject  *obj,
            const char  *name,
            GError     **error)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "OAuth state: member “%s” is not an array", name);
      return NULL;
    }
  return json_node_get_array (node);
}

static JsonObject *
element_object (JsonArray  *array,
                guint       i,
                GError    **error)
{
  JsonNode *node = json_array_get_element (array, i);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "OAuth state: an array element is not an object");
      return NULL;
    }
  return json_node_get_object (node);
}

gboolean
sandbox_oauth_deserialize (SandboxOAuth *self,
                           JsonNode     *node,
                           GError      **error)
{
  g_autoptr(GHashTable) grants = NULL;
  g_autoptr(GHashTable) codes = NULL;
  g_autoptr(GPtrArray) integrations = NULL;
  JsonObject *root;
  JsonArray *array;
  gint64 version = 0;

  g_return_val_if_fail (self != NULL, FALSE);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "OAuth state: not an object");
      return FALSE;
    }
  root = json_node_get_object (node);
  if (!read_int (root, "version", &version, error))
    return FALSE;
  if (version != STATE_VERSION)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "OAuth state: unsupported version %" G_GINT64_FORMAT, version);
      return FALSE;
    }

  /* Parse everything first; the live state changes only on success. */
  integrations = g_ptr_array_new_with_free_func ((GDestroyNotify) integration_free);
  if ((array = read_array (root, "integrations", error)) == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *obj = element_object (array, i, error);
      g_autofree char *id = NULL;
      Integration *integ;

      if (obj == NULL || !read_string (obj, "client_id", FALSE, &id, error))
        return FALSE;
      if (strlen (id) == 0 || strlen (id) >= CLIENT_ID_MAX)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "OAuth state: bad client id");
          return FALSE;
        }
      integ = g_new0 (Integration, 1);
      g_ptr_array_add (integrations, integ);
      g_strlcpy (integ->client_id, id, sizeof integ->client_id);
      if (!read_string (obj, "name", FALSE, &integ->name, error)
          || !read_string (obj, "secret_sha256", TRUE, &integ->secret_hash, error)
          || !read_strv (obj, "redirect_uris", &integ->redirect_uris, error)
          || !read_strv (obj, "scopes", &integ->scopes, error))
        return FALSE;
    }

  grants = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) grant_free);
  if ((array = read_array (root, "grants", error)) == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *obj = element_object (array, i, error);
      g_auto(GStrv) base_ids = NULL;
      JsonArray *rotated;
      Grant *grant;

      if (obj == NULL)
        return FALSE;
      grant = g_new0 (Grant, 1);
      grant->base_ids = g_ptr_array_new_with_free_func (g_free);
      grant->rotated = g_ptr_array_new_with_free_func ((GDestroyNotify) rotated_free);
      grant->attempts = g_array_new (FALSE, FALSE, sizeof (gint64));
      if (!read_string (obj, "id", FALSE, &grant->id, error))
        {
          grant_free (grant);
          return FALSE;
        }
      g_hash_table_replace (grants, grant->id, grant);
      if (!read_string (obj, "user_id", FALSE, &grant->user_id, error)
          || !read_string (obj, "client_id", FALSE, &grant->client_id, error)
          || !read_strv (obj, "scopes", &grant->scopes, error)
          || !read_strv (obj, "base_ids", &base_ids, error)
          || !read_int (obj, "created_us", &grant->created_us, error)
          || !read_string (obj, "access_sha256", TRUE, &grant->access_hash, error)
          || !read_strv (obj, "access_scopes", &grant->access_scopes, error)
          || !read_int (obj, "access_expires_us", &grant->access_expires_us, error)
          || !read_string (obj, "refresh_sha256", TRUE, &grant->refresh_hash, error)
          || !read_int (obj, "refresh_expires_us", &grant->refresh_expires_us, error)
          || (rotated = read_array (obj, "rotated", error)) == NULL)
        return FALSE;
      for (guint j = 0; base_ids[j] != NULL; j++)
        g_ptr_array_add (grant->base_ids, g_strdup (base_ids[j]));
      for (guint j = 0; j < json_array_get_length (rotated); j++)
        {
          JsonObject *robj = element_object (rotated, j, error);
          Rotated *r;

          if (robj == NULL)
            return FALSE;
          r = g_new0 (Rotated, 1);
          r->grant = grant;
          g_ptr_array_add (grant->rotated, r);
          if (!read_string (robj, "sha256", FALSE, &r->hash, error)
              || !read_int (robj, "rotated_us", &r->rotated_us, error))
            return FALSE;
        }
    }

  codes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) code_free);
  if ((array = read_array (root, "codes", error)) == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *obj = element_object (array, i, error);
      Code *code;

      if (obj == NULL)
        return FALSE;
      code = g_new0 (Code, 1);
      if (!read_string (obj, "sha256", FALSE, &code->hash, error))
        {
          code_free (code);
          return FALSE;
        }
      g_hash_table_replace (codes, code->hash, code);
      if (!read_string (obj, "client_id", FALSE, &code->client_id, error)
          || !read_string (obj, "redirect_uri", FALSE, &code->redirect_uri, error)
          || !read_string (obj, "user_id", FALSE, &code->user_id, error)
          || !read_string (obj, "challenge", FALSE, &code->challenge, error)
          || !read_strv (obj, "scopes", &code->scopes, error)
          || !read_strv (obj, "base_ids", &code->base_ids, error)
          || !read_int (obj, "expires_us", &code->expires_us, error))
        return FALSE;
    }

  /* Commit. Integrations registered during this run keep their pointer but
   * take the stored client id when the names match (see the header). */
  for (guint i = 0; i < integrations->len; i++)
    {
      Integration *stored = g_ptr_array_index (integrations, i);
      Integration *live = find_integration_by_name (self, stored->name);

      if (live != NULL)
        {
          if (!g_str_equal (live->client_id, stored->client_id)
              && !g_hash_table_contains (self->integrations, stored->client_id))
            {
              g_hash_table_steal (self->integrations, live->client_id);
              g_strlcpy (live->client_id, stored->client_id, sizeof live->client_id);
              g_hash_table_replace (self->integrations, live->client_id, live);
            }
          /* The configuration of this run (URIs, scopes, secret) wins. */
        }
      else if (!g_hash_table_contains (self->integrations, stored->client_id))
        {
          g_ptr_array_index (integrations, i) = NULL;
          g_hash_table_replace (self->integrations, stored->client_id, stored);
        }
    }
  g_ptr_array_set_free_func (integrations, NULL);
  for (guint i = 0; i < integrations->len; i++)
    if (g_ptr_array_index (integrations, i) != NULL)
      integration_free (g_ptr_array_index (integrations, i));

  g_hash_table_remove_all (self->access_index);
  g_hash_table_remove_all (self->refresh_index);
  g_hash_table_remove_all (self->rotated_index);
  g_clear_pointer (&self->grants, g_hash_table_unref);
  g_clear_pointer (&self->codes, g_hash_table_unref);
  self->grants = g_steal_pointer (&grants);
  self->codes = g_steal_pointer (&codes);
  {
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init (&iter, self->grants);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      {
        Grant *grant = value;

        if (grant->access_hash != NULL)
          g_hash_table_replace (self->access_index, grant->access_hash, grant);
        if (grant->refresh_hash != NULL)
          g_hash_table_replace (self->refresh_index, grant->refresh_hash, grant);
        for (guint j = 0; j < grant->rotated->len; j++)
          {
            Rotated *r = g_ptr_array_index (grant->rotated, j);

            g_hash_table_replace (self->rotated_index, r->hash, r);
          }
      }
  }
  return TRUE;
}
