/* test-sandbox-access.c — authentication, scopes, isolation between users,
 * OAuth tokens seen by the core, and rate limits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "test-sandbox-common.h"

static const char *
find_pat (HangarTestSandbox *sb,
          const char        *email,
          const char        *pat_name)
{
  static char token[256];
  g_autoptr(JsonObject) users = sb_call (sb, "GET", "/__sandbox/users", NULL, NULL, 200);
  JsonArray *list = json_object_get_array_member (users, "users");

  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *user = json_array_get_object_element (list, i);
      JsonArray *pats = json_object_get_array_member (user, "pats");

      if (!g_str_equal (json_object_get_string_member (user, "email"), email))
        continue;
      for (guint j = 0; j < json_array_get_length (pats); j++)
        {
          JsonObject *pat = json_array_get_object_element (pats, j);

          if (g_str_equal (json_object_get_string_member (pat, "name"), pat_name))
            {
              g_strlcpy (token, json_object_get_string_member (pat, "token"), sizeof token);
              return token;
            }
        }
    }
  g_assert_not_reached ();
  return NULL;
}

static char *
pat_with_scopes (HangarTestSandbox *sb,
                 const char        *scopes_json)
{
  g_autofree char *body = g_strdup_printf ("{\"scopes\":%s}", scopes_json);
  g_autoptr(JsonObject) reply = sb_call (sb, "POST", "/__sandbox/pats", NULL, body, 200);

  return g_strdup (json_object_get_string_member (reply, "token"));
}

static void
assert_forbidden (JsonObject *reply)
{
  sb_assert_error (reply, "INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND");
  g_assert_cmpstr (sb_error_message (reply), ==, FORBIDDEN_MESSAGE);
}

static void
test_unauthenticated (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--no-rate-limit", "--quiet", NULL);
  g_autofree char *base = sb_demo_base (sb);
  g_autofree char *path = g_strdup_printf ("/v0/%s/Tasks", base);
  g_autofree char *almost = g_strconcat (sb->pat, "x", NULL);
  const char *headers[][2] = {
    { NULL, NULL },
    { "Authorization", "Bearer" },
    { "Authorization", "Bearer " },
    { "Authorization", "Bearer garbage" },
    { "Authorization", "Basic ZGVtbzpkZW1v" },
    { "Authorization", "pat123" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (headers); i++)
    {
      const char *h[] = { headers[i][0], headers[i][1], NULL };
      guint status = 0;
      g_autoptr(GBytes) body = hangar_test_sandbox_raw_request (sb, "GET", path, NULL, headers[i][0] != NULL ? h : NULL,
                                                                NULL, 0, NULL, &status);
      gsize len = 0;
      const char *data = g_bytes_get_data (body, &len);

      g_assert_cmpuint (status, ==, 401);
      g_assert_cmpmem (data, len, "{\"error\":{\"type\":\"AUTHENTICATION_REQUIRED\",\"message\":\"Authentication required\"}}",
                       strlen ("{\"error\":{\"type\":\"AUTHENTICATION_REQUIRED\",\"message\":\"Authentication required\"}}"));
    }
  {
    g_autoptr(JsonObject) reply = sb_call (sb, "GET", path, almost, NULL, 401);
    g_autoptr(JsonObject) who = sb_call (sb, "GET", "/v0/meta/whoami", "patAAAAAAAAAAAAAA.00", NULL, 401);

    sb_assert_error (reply, "AUTHENTICATION_REQUIRED");
    sb_assert_error (who, "AUTHENTICATION_REQUIRED");
  }
}

static void
test_isolation (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--no-rate-limit", "--quiet", NULL);
  const char *other_pat = hangar_test_sandbox_user (sb, 1, "pat");
  g_autofree char *roadmap = sb_demo_base (sb);
  g_autofree char *garden = hangar_test_sandbox_base_id (sb, other_pat, "Garden Club");
  g_autoptr(JsonObject) other_bases = sb_call (sb, "GET", "/v0/meta/bases", other_pat, NULL, 200);
  g_autoptr(JsonObject) other_me = sb_call (sb, "GET", "/v0/meta/whoami", other_pat, NULL, 200);

  g_assert_cmpstr (hangar_test_sandbox_user (sb, 0, "id"), ==, json_object_get_string_member (sb->info, "user_id"));
  g_assert_cmpstr (json_object_get_string_member (other_me, "email"), ==, "other@hangar.test");
  g_assert_nonnull (garden);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (other_bases, "bases")), ==, 1);
  g_assert_null (hangar_test_sandbox_base_id (sb, sb->pat, "Garden Club"));

  /* each user's token is refused on the other's base, exactly like a missing base */
  {
    const char *paths[][2] = { { "/v0/", "/Plants" }, { "/v0/", "/Plants/recAAAAAAAAAAAAAA" }, { "/v0/meta/bases/", "/tables" } };

    for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
      {
        g_autofree char *p1 = g_strconcat (paths[i][0], garden, paths[i][1], NULL);
        g_autofree char *p2 = g_strconcat (paths[i][0], roadmap, paths[i][1], NULL);
        g_autofree char *p3 = g_strconcat (paths[i][0], "appAAAAAAAAAAAAAA", paths[i][1], NULL);
        g_autoptr(JsonObject) r1 = sb_call (sb, "GET", p1, sb->pat, NULL, 403);
        g_autoptr(JsonObject) r2 = sb_call (sb, "GET", p2, other_pat, NULL, 403);
        g_autoptr(JsonObject) r3 = sb_call (sb, "GET", p3, sb->pat, NULL, 403);

        assert_forbidden (r1);
        assert_forbidden (r2);
        assert_forbidden (r3);
      }
  }
  {
    g_autofree char *p = g_strdup_printf ("/v0/%s/Plants", garden);
    g_autoptr(JsonObject) write = sb_call (sb, "POST", p, sb->pat, "{\"fields\":{\"Name\":\"Weed\"}}", 403);
    g_autoptr(JsonObject) own = sb_call (sb, "GET", p, other_pat, NULL, 200);

    assert_forbidden (write);
    g_assert_cmpuint (json_array_get_length (sb_records (own)), ==, 3);
  }
}

static void
test_scopes (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--no-rate-limit", "--quiet", NULL);
  g_autofree char *base = sb_demo_base (sb);
  const char *read_only = find_pat (sb, "demo@hangar.test", "read-only");
  g_autofree char *schema_only = pat_with_scopes (sb, "[\"schema.bases:read\"]");
  g_autofree char *records_only = pat_with_scopes (sb, "[\"data.records:read\",\"data.records:write\"]");
  g_autofree char *none = pat_with_scopes (sb, "[]");
  g_autofree char *table = g_strdup_printf ("/v0/%s/Tasks", base);
  g_autofree char *list = g_strdup_printf ("/v0/%s/Tasks?maxRecords=1", base);
  g_autofree char *meta = g_strdup_printf ("/v0/meta/bases/%s/tables", base);
  g_autoptr(JsonObject) first = sb_call (sb, "GET", list, sb->pat, NULL, 200);
  g_autofree char *comments = g_strdup_printf ("/v0/%s/Tasks/%s/comments", base,
                                               json_object_get_string_member (json_array_get_object_element (sb_records (first), 0), "id"));
  struct { const char *method; const char *path; const char *token; const char *body; guint status; } cases[] = {
    { "GET", list, read_only, NULL, 200 },
    { "POST", table, read_only, "{\"fields\":{\"Title\":\"x\"}}", 403 },
    { "DELETE", table, read_only, NULL, 403 },
    { "POST", meta, read_only, "{\"name\":\"T\",\"fields\":[{\"name\":\"A\",\"type\":\"singleLineText\"}]}", 403 },
    { "GET", meta, read_only, NULL, 200 },
    { "GET", comments, read_only, NULL, 403 },
    { "GET", list, schema_only, NULL, 403 },
    { "GET", meta, schema_only, NULL, 200 },
    { "GET", "/v0/meta/bases", schema_only, NULL, 200 },
    { "GET", "/v0/meta/bases", records_only, NULL, 403 },
    { "GET", meta, records_only, NULL, 403 },
    { "POST", table, records_only, "{\"fields\":{\"Title\":\"scoped\"}}", 200 },
    { "GET", list, none, NULL, 403 },
    { "GET", "/v0/meta/whoami", none, NULL, 200 },
    { "POST", comments, records_only, "{\"text\":\"hi\"}", 403 },
    { "POST", comments, sb->pat, "{\"text\":\"hi\"}", 200 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) reply = sb_call (sb, cases[i].method, cases[i].path, cases[i].token, cases[i].body, cases[i].status);

      if (cases[i].status == 403)
        assert_forbidden (reply);
    }
}

/* ------------------------------------------------------------------ OAuth */

static char *
base64url (const guint8 *data,
           gsize         len)
{
  g_autofree char *b64 = g_base64_encode (data, len);
  GString *s = g_string_new (NULL);

  for (const char *p = b64; *p; p++)
    {
      if (*p == '+')
        g_string_append_c (s, '-');
      else if (*p == '/')
        g_string_append_c (s, '_');
      else if (*p != '=')
        g_string_append_c (s, *p);
    }
  return g_string_free (s, FALSE);
}

/* The authorization-code flow with --auto-approve; returns the access token. */
static char *
oauth_token (HangarTestSandbox *sb,
             const char        *scope)
{
  const char *verifier = "verifier-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG";
  const char *state = "state-0123456789abcdef";
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *challenge = NULL;
  g_autofree char *escaped_scope = g_uri_escape_string (scope, NULL, TRUE);
  g_autofree char *escaped_redirect = g_uri_escape_string (sb->redirect_uri, NULL, TRUE);
  g_autofree char *url = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) ignored = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) location = NULL;
  g_autoptr(GHashTable) params = NULL;
  const char *code;
  g_autofree char *form = NULL;
  guint status = 0;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_checksum_update (sum, (const guchar *) verifier, -1);
  g_checksum_get_digest (sum, digest, &digest_len);
  challenge = base64url (digest, digest_len);
  url = g_strdup_printf ("%s/oauth2/v1/authorize?client_id=%s&redirect_uri=%s&response_type=code&scope=%s&state=%s"
                         "&code_challenge=%s&code_challenge_method=S256",
                         sb->url, sb->client_id, escaped_redirect, escaped_scope, state, challenge);
  msg = soup_message_new ("GET", url);
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  ignored = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 302);
  location = g_uri_parse (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Location"),
                          G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  params = g_uri_parse_params (g_uri_get_query (location), -1, "&", G_URI_PARAMS_NONE, &error);
  g_assert_no_error (error);
  code = g_hash_table_lookup (params, "code");
  g_assert_nonnull (code);

  form = g_strdup_printf ("grant_type=authorization_code&code=%s&redirect_uri=%s&code_verifier=%s&client_id=%s",
                          code, escaped_redirect, verifier, sb->client_id);
  reply = hangar_test_sandbox_raw_request (sb, "POST", "/oauth2/v1/token", NULL, NULL, form, strlen (form),
                                           "application/x-www-form-urlencoded", &status);
  g_assert_cmpuint (status, ==, 200);
  node = json_from_string (g_bytes_get_data (reply, NULL), &error);
  g_assert_no_error (error);
  return g_strdup (json_object_get_string_member (json_node_get_object (node), "access_token"));
}

static void
test_oauth_tokens (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--no-rate-limit", "--quiet", "--auto-approve", NULL);
  g_autofree char *token = oauth_token (sb, "data.records:read schema.bases:read user.email:read");
  g_autofree char *roadmap = sb_demo_base (sb);
  g_autoptr(JsonObject) me = sb_call (sb, "GET", "/v0/meta/whoami", token, NULL, 200);
  JsonArray *scopes = json_object_get_array_member (me, "scopes");
  g_autofree char *list = g_strdup_printf ("/v0/%s/Tasks?maxRecords=1", roadmap);
  g_autofree char *table = g_strdup_printf ("/v0/%s/Tasks", roadmap);
  g_autofree char *body = NULL;

  /* whoami: scopes for OAuth tokens, email with user.email:read */
  g_assert_nonnull (scopes);
  g_assert_cmpuint (json_array_get_length (scopes), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (me, "email"), ==, "demo@hangar.test");
  g_assert_cmpstr (json_object_get_string_member (me, "id"), ==, json_object_get_string_member (sb->info, "user_id"));

  {
    g_autoptr(JsonObject) bases = sb_call (sb, "GET", "/v0/meta/bases", token, NULL, 200);
    g_autoptr(JsonObject) read = sb_call (sb, "GET", list, token, NULL, 200);
    g_autoptr(JsonObject) write = sb_call (sb, "POST", table, token, "{\"fields\":{\"Title\":\"x\"}}", 403);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (bases, "bases")), ==, 2);
    assert_forbidden (write);
  }

  /* a base removed from the grant: 403 and gone from the list */
  body = g_strdup_printf ("{\"base\":\"%s\"}", roadmap);
  {
    g_autoptr(JsonObject) removed = sb_call (sb, "POST", "/__sandbox/remove-base", NULL, body, 200);
    g_autoptr(JsonObject) refused = sb_call (sb, "GET", list, token, NULL, 403);
    g_autoptr(JsonObject) bases = sb_call (sb, "GET", "/v0/meta/bases", token, NULL, 200);

    assert_forbidden (refused);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (bases, "bases")), ==, 1);
    /* the PAT is not affected */
    g_clear_pointer (&bases, json_object_unref);
    bases = sb_call (sb, "GET", list, sb->pat, NULL, 200);
  }

  /* expire-tokens: the access token is dead */
  {
    g_autoptr(JsonObject) expired = sb_call (sb, "POST", "/__sandbox/expire-tokens", NULL, "{}", 200);
    g_autoptr(JsonObject) refused = sb_call (sb, "GET", "/v0/meta/whoami", token, NULL, 401);

    sb_assert_error (refused, "AUTHENTICATION_REQUIRED");
  }

  /* revoke: a fresh token dies too */
  {
    g_autofree char *fresh = oauth_token (sb, "data.records:read");
    g_autoptr(JsonObject) ok = sb_call (sb, "GET", "/v0/meta/whoami", fresh, NULL, 200);
    g_autofree char *revoke = g_strdup_printf ("{\"user\":\"%s\"}", json_object_get_string_member (sb->info, "user_id"));
    g_autoptr(JsonObject) revoked = sb_call (sb, "POST", "/__sandbox/revoke", NULL, revoke, 200);
    g_autoptr(JsonObject) refused = sb_call (sb, "GET", "/v0/meta/whoami", fresh, NULL, 401);

    g_assert_false (json_object_has_member (ok, "email"));
    g_assert_cmpint (json_object_get_int_member (revoked, "affected"), >=, 1);
    sb_assert_error (refused, "AUTHENTICATION_REQUIRED");
  }
  {
    g_autoptr(JsonObject) bad = sb_call (sb, "POST", "/__sandbox/revoke", NULL, "{\"user\":\"usrNobody00000000\"}", 404);
  }
}

static void
test_oauth_state (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sandbox-oauth-state-XXXXXX", &error);
  g_autofree char *token = NULL;
  g_autofree char *client_id = NULL;

  g_assert_no_error (error);
  {
    g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--no-rate-limit", "--quiet", "--auto-approve",
                                                                 "--state-dir", dir, NULL);

    token = oauth_token (sb, "data.records:read schema.bases:read");
    client_id = g_strdup (sb->client_id);
  }
  {
    /* the grant, its token and the integration's client id survive a restart */
    g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--no-rate-limit", "--quiet", "--state-dir", dir, NULL);
    g_autoptr(JsonObject) me = sb_call (sb, "GET", "/v0/meta/whoami", token, NULL, 200);
    g_autoptr(JsonObject) bases = sb_call (sb, "GET", "/v0/meta/bases", token, NULL, 200);

    g_assert_cmpstr (sb->client_id, ==, client_id);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (me, "scopes")), ==, 2);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (bases, "bases")), ==, 2);
  }
}

/* ------------------------------------------------------------ rate limits */

static guint
status_of (HangarTestSandbox *sb,
           const char        *path,
           const char        *token)
{
  guint status = 0;
  g_autoptr(JsonNode) node = hangar_test_sandbox_request (sb, "GET", path, token, NULL, &status);

  if (status == 429)
    {
      g_autofree char *text = json_to_string (node, FALSE);

      g_assert_cmpstr (text, ==, "{\"error\":{\"type\":\"RATE_LIMIT_REACHED\",\"message\":\"Rate limit exceeded. Please try again later\"}}");
    }
  return status;
}

static guint
sandbox_reset_limits (HangarTestSandbox *sb)
{
  guint status = 0;
  g_autoptr(JsonNode) node = hangar_test_sandbox_request (sb, "POST", "/__sandbox/reset-rate-limits", NULL, "{}", &status);

  return status;
}

static void
test_rate_limits (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--quiet", "--penalty", "0.5", NULL);
  g_autofree char *base = sb_demo_base (sb);
  g_autofree char *path = g_strdup_printf ("/v0/%s/Tasks?maxRecords=1", base);
  guint limited = 0;
  guint n429;

  /* a burst on one base: after 5 requests the base answers 429 */
  g_assert_cmpuint (sandbox_reset_limits (sb), ==, 200);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpuint (status_of (sb, path, sb->pat), ==, 200);
  g_assert_cmpuint (status_of (sb, path, sb->pat), ==, 429);
  /* the penalty holds for every token on that base … */
  g_assert_cmpuint (status_of (sb, path, find_pat (sb, "demo@hangar.test", "read-only")), ==, 429);
  /* … but not for requests without a base */
  g_assert_cmpuint (status_of (sb, "/v0/meta/whoami", sb->pat), ==, 200);
  n429 = (guint) hangar_test_sandbox_stat (sb, "by_status.429");
  g_assert_cmpuint (n429, >=, 2);
  /* after the penalty window, requests pass again */
  g_usleep (900 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpuint (status_of (sb, path, sb->pat), ==, 200);

  /* a client pacing at exactly 5 per second is never refused */
  g_assert_cmpuint (sandbox_reset_limits (sb), ==, 200);
  for (guint i = 0; i < 12; i++)
    {
      if (status_of (sb, path, sb->pat) == 429)
        limited++;
      g_usleep (200 * G_TIME_SPAN_MILLISECOND);
    }
  g_assert_cmpuint (limited, ==, 0);

  /* 50 per second per token: the 51st quick request is refused */
  g_assert_cmpuint (sandbox_reset_limits (sb), ==, 200);
  for (guint i = 0; i < 60; i++)
    if (status_of (sb, "/v0/meta/whoami", sb->pat) == 429)
      limited++;
  g_assert_cmpuint (limited, >=, 1);
  /* another user's token is not affected */
  g_assert_cmpuint (status_of (sb, "/v0/meta/whoami", hangar_test_sandbox_user (sb, 1, "pat")), ==, 200);
}

static void
test_no_rate_limit (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--quiet", "--no-rate-limit", NULL);
  g_autofree char *base = sb_demo_base (sb);
  g_autofree char *path = g_strdup_printf ("/v0/%s/Tasks?maxRecords=1", base);

  for (guint i = 0; i < 30; i++)
    g_assert_cmpuint (status_of (sb, path, sb->pat), ==, 200);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();

  g_test_add_func ("/hangar/sandbox/access/unauthenticated", test_unauthenticated);
  g_test_add_func ("/hangar/sandbox/access/isolation", test_isolation);
  g_test_add_func ("/hangar/sandbox/access/scopes", test_scopes);
  g_test_add_func ("/hangar/sandbox/access/oauth-tokens", test_oauth_tokens);
  g_test_add_func ("/hangar/sandbox/access/oauth-state", test_oauth_state);
  g_test_add_func ("/hangar/sandbox/access/rate-limits", test_rate_limits);
  g_test_add_func ("/hangar/sandbox/access/no-rate-limit", test_no_rate_limit);
  return g_test_run ();
}
