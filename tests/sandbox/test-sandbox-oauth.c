/* test-sandbox-oauth.c — the sandbox's OAuth 2.0 module behind an in-process
 * SoupServer (own thread) with a fake core, so TTLs, grace windows and
 * confidential integrations can be set directly (/hangar/sandbox/oauth/unit/…).
 * The same flows against a real hangar-sandbox process are in
 * test-sandbox-oauth-process.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "test-sandbox-oauth-common.h"

/* ---------------------------------------------------------------------- */
/* Unit: authorize validation                                              */
/* ---------------------------------------------------------------------- */

static void
test_unit_authorize_no_redirect (void)
{
  g_autoptr(Harness) h = harness_auto ();
  Pkce pkce;
  struct { const char *client_id; const char *redirect; const char *extra; } cases[] = {
    { "nope", REDIRECT, NULL },                                       /* unknown client */
    { NULL, REDIRECT, NULL },                                         /* set below: own id */
    { NULL, "http://localhost:4000/other", NULL },                    /* unregistered */
    { NULL, "http://localhost:4001/airtable-oauth", NULL },           /* port differs */
    { NULL, REDIRECT "/", NULL },                                     /* not exact */
    { NULL, REDIRECT, "&redirect_uri=" REDIRECT },                    /* repeated */
    { NULL, REDIRECT, "&client_id=x" },                               /* repeated */
  };

  pkce_make (&pkce, 64);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = NULL;
      g_autoptr(Reply) r = NULL;

      if (i == 1)
        continue;
      path = authorize_path (cases[i].client_id != NULL ? cases[i].client_id : h->client_id,
                             cases[i].redirect, SCOPES, &pkce, cases[i].extra);
      r = http (h->url, "GET", path, NULL, NULL, NULL);
      assert_error_page (r);
    }

  /* No client_id at all */
  {
    g_autoptr(Reply) r = http (h->url, "GET", "/oauth2/v1/authorize?redirect_uri=" REDIRECT, NULL, NULL, NULL);

    assert_error_page (r);
  }
}

static void
test_unit_authorize_redirect_errors (void)
{
  g_autoptr(Harness) h = harness_auto ();
  Pkce pkce;
  g_autofree char *e_id = NULL;
  g_autofree char *e_ch = NULL;
  struct { const char *query; const char *error; const char *state; } cases[] = {
    /* response_type */
    { "response_type=token&scope=data.records:read&state=" STATE "&code_challenge=CH&code_challenge_method=S256", "unsupported_response_type", STATE },
    { "scope=data.records:read&state=" STATE "&code_challenge=CH&code_challenge_method=S256", "invalid_request", STATE },
    /* scope */
    { "response_type=code&state=" STATE "&code_challenge=CH&code_challenge_method=S256", "invalid_scope", STATE },
    { "response_type=code&scope=&state=" STATE "&code_challenge=CH&code_challenge_method=S256", "invalid_scope", STATE },
    { "response_type=code&scope=data.records:read+data.records:read&state=" STATE "&code_challenge=CH&code_challenge_method=S256", "invalid_scope", STATE },
    { "response_type=code&scope=data.records:read++schema.bases:read&state=" STATE "&code_challenge=CH&code_challenge_method=S256", "invalid_scope", STATE },
    { "response_type=code&scope=data.records:delete&state=" STATE "&code_challenge=CH&code_challenge_method=S256", "invalid_scope", STATE },
    { "response_type=code&scope=webhook:manage&state=" STATE "&code_challenge=CH&code_challenge_method=S256", "invalid_scope", STATE },
    { "response_type=code&scope=enterprise.auditLogs:read&state=" STATE "&code_challenge=CH&code_challenge_method=S256", "invalid_scope", STATE },
    /* state */
    { "response_type=code&scope=data.records:read&code_challenge=CH&code_challenge_method=S256", "invalid_request", NULL },
    { "response_type=code&scope=data.records:read&state=short&code_challenge=CH&code_challenge_method=S256", "invalid_request", "short" },
    { "response_type=code&scope=data.records:read&state=has%20a%20space%2Fslash-xx&code_challenge=CH&code_challenge_method=S256", "invalid_request", "has a space/slash-xx" },
    { "response_type=code&scope=data.records:read&state=" STATE "&state=" STATE "&code_challenge=CH&code_challenge_method=S256", "invalid_request", NULL },
    /* PKCE */
    { "response_type=code&scope=data.records:read&state=" STATE "&code_challenge_method=S256", "invalid_request", STATE },
    { "response_type=code&scope=data.records:read&state=" STATE "&code_challenge=tooshort&code_challenge_method=S256", "invalid_request", STATE },
    { "response_type=code&scope=data.records:read&state=" STATE "&code_challenge=CH", "invalid_request", STATE },
    { "response_type=code&scope=data.records:read&state=" STATE "&code_challenge=CH&code_challenge_method=plain", "invalid_request", STATE },
    /* repeated parameter */
    { "response_type=code&scope=data.records:read&scope=data.records:read&state=" STATE "&code_challenge=CH&code_challenge_method=S256", "invalid_request", STATE },
    { "response_type=code&response_type=code&scope=data.records:read&state=" STATE "&code_challenge=CH&code_challenge_method=S256", "invalid_request", STATE },
  };

  pkce_make (&pkce, 43);
  e_id = g_uri_escape_string (h->client_id, NULL, FALSE);
  e_ch = g_strdup (pkce.challenge);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *q = NULL;
      g_autofree char *path = NULL;
      g_autoptr(Reply) r = NULL;
      g_auto(GStrv) parts = g_strsplit (cases[i].query, "=CH", -1);
      g_autofree char *sep = g_strconcat ("=", e_ch, NULL);

      q = g_strjoinv (sep, parts);
      path = g_strdup_printf ("/oauth2/v1/authorize?client_id=%s&redirect_uri=%s&%s",
                              e_id, "http%3A%2F%2Flocalhost%3A4000%2Fairtable-oauth", q);
      r = http (h->url, "GET", path, NULL, NULL, NULL);
      g_test_message ("case %u: %s", i, cases[i].query);
      assert_redirect_error (r, REDIRECT, cases[i].error, cases[i].state);
    }

  /* A scope the integration has not enabled */
  {
    g_autofree char *path = authorize_path (h->narrow_id, REDIRECT, SCOPES, &pkce, NULL);
    g_autoptr(Reply) r = http (h->url, "GET", path, NULL, NULL, NULL);

    assert_redirect_error (r, REDIRECT, "invalid_scope", STATE);
  }
}

static void
test_unit_authorize_accepts (void)
{
  g_autoptr(Harness) h = harness_auto ();
  Pkce pkce;
  g_autofree char *e_id = NULL;
  g_autofree char *path = NULL;
  g_autoptr(Reply) r = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autofree char *state = g_strnfill (1024, 'a');

  pkce_make (&pkce, 43);
  e_id = g_uri_escape_string (h->client_id, NULL, FALSE);

  /* '+' between scopes (URLSearchParams style), a 1024-char state, and a
   * redirect URI that has its own query. */
  path = g_strdup_printf ("/oauth2/v1/authorize?client_id=%s&redirect_uri=%s&response_type=code"
                          "&scope=data.records:read+user.email:read&state=%s&code_challenge=%s"
                          "&code_challenge_method=S256",
                          e_id, "http%3A%2F%2F127.0.0.1%3A4001%2Fcb%3Fx%3D1", state, pkce.challenge);
  r = http (h->url, "GET", path, NULL, NULL, NULL);
  params = redirect_params (r, "http://127.0.0.1:4001/cb?x=1&");
  g_assert_cmpstr (g_hash_table_lookup (params, "x"), ==, "1");
  g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==, state);
  g_assert_nonnull (g_hash_table_lookup (params, "code"));
  g_assert_false (g_hash_table_contains (params, "code_challenge"));
}

/* ---------------------------------------------------------------------- */
/* Unit: token endpoint                                                    */
/* ---------------------------------------------------------------------- */

static void
test_unit_token_errors (void)
{
  g_autoptr(Harness) h = harness_auto ();
  Pkce pkce;
  g_autofree char *code = NULL;
  g_autofree char *body = NULL;
  guint64 before;

  pkce_make (&pkce, 64);
  code = get_code (h->url, h->client_id, REDIRECT, SCOPES, &pkce);
  body = form ("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT,
               "code_verifier", pkce.verifier, "client_id", h->client_id, NULL);
  before = sandbox_oauth_get_token_request_count (h->oauth);

  /* Content types other than form encoding */
  {
    g_autoptr(Reply) r = http (h->url, "POST", "/oauth2/v1/token", "application/json",
                               "{\"grant_type\":\"authorization_code\"}", NULL);
    assert_oauth_error (r, 400, "invalid_request");
  }
  {
    g_autoptr(Reply) r = http (h->url, "POST", "/oauth2/v1/token", "text/plain", body, NULL);
    assert_oauth_error (r, 400, "invalid_request");
  }
  /* Repeated parameters */
  {
    g_autofree char *dup = g_strconcat (body, "&client_id=", h->client_id, NULL);
    g_autoptr(Reply) r = token_post (h->url, dup, NULL);
    assert_oauth_error (r, 400, "invalid_request");
  }
  /* Unsupported and missing grant types */
  {
    g_autofree char *b = form ("grant_type", "client_credentials", "client_id", h->client_id, NULL);
    g_autoptr(Reply) r = token_post (h->url, b, NULL);
    assert_oauth_error (r, 400, "unsupported_grant_type");
  }
  {
    g_autofree char *b = form ("client_id", h->client_id, NULL);
    g_autoptr(Reply) r = token_post (h->url, b, NULL);
    assert_oauth_error (r, 400, "invalid_request");
  }
  /* Client identification */
  {
    g_autofree char *b = form ("grant_type", "authorization_code", "code", code, NULL);
    g_autoptr(Reply) r = token_post (h->url, b, NULL);
    assert_oauth_error (r, 401, "invalid_client");
  }
  {
    g_autofree char *b = form ("grant_type", "authorization_code", "code", code, "client_id", "unknown", NULL);
    g_autoptr(Reply) r = token_post (h->url, b, NULL);
    assert_oauth_error (r, 401, "invalid_client");
  }
  /* Basic auth is forbidden for a public integration */
  {
    g_autofree char *auth = basic (h->client_id, "anything", FALSE);
    g_autoptr(Reply) r = token_post (h->url, body, auth);
    assert_oauth_error (r, 401, "invalid_client");
  }
  /* Wrong method, unknown route */
  {
    g_autoptr(Reply) r = http (h->url, "GET", "/oauth2/v1/token", NULL, NULL, NULL);
    g_assert_cmpuint (r->status, ==, 405);
  }
  {
    g_autoptr(Reply) r = http (h->url, "GET", "/oauth2/v1/nope", NULL, NULL, NULL);
    g_assert_cmpuint (r->status, ==, 404);
  }

  /* None of the above consumed the code. */
  {
    g_autoptr(Reply) r = token_post (h->url, body, NULL);
    assert_token_success (r, SCOPES, 3600, 5184000);
  }
  g_assert_cmpuint (sandbox_oauth_get_token_request_count (h->oauth), ==, before + 9);
  g_assert_cmpuint (sandbox_oauth_get_exchange_count (h->oauth), ==, 1);
}

static void
test_unit_pkce_and_code_rules (void)
{
  g_autoptr(Harness) h = harness_auto ();
  Pkce pkce, other;

  pkce_make (&pkce, 128);
  pkce_make (&other, 128);

  /* Wrong verifier: invalid_grant, and the code is gone even though the
   * exchange failed. */
  {
    g_autofree char *code = get_code (h->url, h->client_id, REDIRECT, SCOPES, &pkce);
    g_autoptr(Reply) r1 = exchange (h->url, h->client_id, REDIRECT, code, other.verifier);
    g_autoptr(Reply) r2 = NULL;

    assert_oauth_error (r1, 400, "invalid_grant");
    r2 = exchange (h->url, h->client_id, REDIRECT, code, pkce.verifier);
    assert_oauth_error (r2, 400, "invalid_grant");
  }
  /* Reuse of a successful code */
  {
    g_autofree char *code = get_code (h->url, h->client_id, REDIRECT, SCOPES, &pkce);
    g_autoptr(Reply) r1 = exchange (h->url, h->client_id, REDIRECT, code, pkce.verifier);
    g_autoptr(Reply) r2 = NULL;

    assert_token_success (r1, SCOPES, 3600, 5184000);
    r2 = exchange (h->url, h->client_id, REDIRECT, code, pkce.verifier);
    assert_oauth_error (r2, 400, "invalid_grant");
  }
  /* Verifier too short, too long for the charset, wrong charset */
  {
    const char *bad[] = { "abc", "has~tilde~which~airtable~does~not~allow~0123456789", NULL };

    for (guint i = 0; bad[i] != NULL; i++)
      {
        g_autofree char *code = get_code (h->url, h->client_id, REDIRECT, SCOPES, &pkce);
        g_autoptr(Reply) r = exchange (h->url, h->client_id, REDIRECT, code, bad[i]);

        assert_oauth_error (r, 400, "invalid_grant");
      }
  }
  /* redirect_uri differs or is missing */
  {
    g_autofree char *code = get_code (h->url, h->client_id, REDIRECT, SCOPES, &pkce);
    g_autoptr(Reply) r = exchange (h->url, h->client_id, "http://127.0.0.1:4001/cb?x=1", code, pkce.verifier);

    assert_oauth_error (r, 400, "invalid_grant");
  }
  {
    g_autofree char *code = get_code (h->url, h->client_id, REDIRECT, SCOPES, &pkce);
    g_autofree char *b = form ("grant_type", "authorization_code", "code", code,
                               "code_verifier", pkce.verifier, "client_id", h->client_id, NULL);
    g_autoptr(Reply) r = token_post (h->url, b, NULL);

    assert_oauth_error (r, 400, "invalid_grant");
  }
  /* client_id differs (another registered public client) */
  {
    g_autofree char *code = get_code (h->url, h->client_id, REDIRECT, "data.records:read", &pkce);
    g_autoptr(Reply) r = exchange (h->url, h->narrow_id, REDIRECT, code, pkce.verifier);

    assert_oauth_error (r, 400, "invalid_grant");
  }
  /* Unknown code */
  {
    g_autoptr(Reply) r = exchange (h->url, h->client_id, REDIRECT, "oacmadeup", pkce.verifier);

    assert_oauth_error (r, 400, "invalid_grant");
  }
  /* An extra code_challenge_method in the body is ignored */
  {
    g_autofree char *code = get_code (h->url, h->client_id, REDIRECT, SCOPES, &pkce);
    g_autofree char *b = form ("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT,
                               "code_verifier", pkce.verifier, "client_id", h->client_id,
                               "code_challenge_method", "S256", NULL);
    g_autoptr(Reply) r = token_post (h->url, b, NULL);

    assert_token_success (r, SCOPES, 3600, 5184000);
  }
}

static void
test_unit_code_expiry (void)
{
  SandboxOAuthConfig config = { .auto_approve = TRUE, .code_ttl_s = 1 };
  g_autoptr(Harness) h = harness_new (&config);
  Pkce pkce;
  g_autofree char *code = NULL;
  g_autoptr(Reply) r = NULL;

  pkce_make (&pkce, 50);
  code = get_code (h->url, h->client_id, REDIRECT, SCOPES, &pkce);
  g_usleep (1200 * 1000);
  r = exchange (h->url, h->client_id, REDIRECT, code, pkce.verifier);
  assert_oauth_error (r, 400, "invalid_grant");
}

static void
test_unit_basic_auth (void)
{
  g_autoptr(Harness) h = harness_auto ();
  Pkce pkce;
  g_autofree char *std_auth = basic (h->secret_id, SECRET, FALSE);
  g_autofree char *url_auth = basic (h->secret_id, SECRET, TRUE);
  g_autofree char *bad_auth = basic (h->secret_id, "wrong", FALSE);
  g_autofree char *code = NULL;

  /* The secret was chosen so the encodings really differ. */
  g_assert_cmpstr (std_auth, !=, url_auth);
  pkce_make (&pkce, 60);

  code = get_code (h->url, h->secret_id, REDIRECT, SCOPES, &pkce);
  {
    /* Required: body client_id alone is not enough */
    g_autofree char *b = form ("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT,
                               "code_verifier", pkce.verifier, "client_id", h->secret_id, NULL);
    g_autoptr(Reply) r = token_post (h->url, b, NULL);
    assert_oauth_error (r, 401, "invalid_client");
  }
  {
    g_autofree char *b = form ("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT,
                               "code_verifier", pkce.verifier, NULL);
    g_autoptr(Reply) r = token_post (h->url, b, bad_auth);
    assert_oauth_error (r, 401, "invalid_client");
  }
  {
    g_autoptr(Reply) r = token_post (h->url, "grant_type=authorization_code&code=x", "Basic !!notbase64!!");
    assert_oauth_error (r, 401, "invalid_client");
  }
  {
    /* Body client_id must match the header */
    g_autofree char *b = form ("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT,
                               "code_verifier", pkce.verifier, "client_id", h->client_id, NULL);
    g_autoptr(Reply) r = token_post (h->url, b, std_auth);
    assert_oauth_error (r, 401, "invalid_client");
  }
  {
    /* Standard base64, body client_id matching */
    g_autofree char *b = form ("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT,
                               "code_verifier", pkce.verifier, "client_id", h->secret_id, NULL);
    g_autoptr(Reply) r = token_post (h->url, b, std_auth);
    assert_token_success (r, SCOPES, 3600, 5184000);
  }
  {
    /* URL-safe base64, no body client_id; then a refresh the same way */
    g_autofree char *code2 = get_code (h->url, h->secret_id, REDIRECT, SCOPES, &pkce);
    g_autofree char *b = form ("grant_type", "authorization_code", "code", code2, "redirect_uri", REDIRECT,
                               "code_verifier", pkce.verifier, NULL);
    g_autoptr(Reply) r = token_post (h->url, b, url_auth);
    g_autofree char *rb = NULL;
    g_autoptr(Reply) r2 = NULL;

    assert_token_success (r, SCOPES, 3600, 5184000);
    rb = form ("grant_type", "refresh_token", "refresh_token", json_str (r, "refresh_token"), NULL);
    r2 = token_post (h->url, rb, NULL);
    assert_oauth_error (r2, 401, "invalid_client");
    g_clear_pointer (&r2, reply_free);
    r2 = token_post (h->url, rb, std_auth);
    assert_token_success (r2, SCOPES, 3600, 5184000);
  }
}

/* ---------------------------------------------------------------------- */
/* Unit: refresh                                                           */
/* ---------------------------------------------------------------------- */

static Reply *
harness_tokens (Harness    *h,
                const char *scope)
{
  Pkce pkce;
  g_autofree char *code = NULL;
  Reply *r;

  pkce_make (&pkce, 80);
  code = get_code (h->url, h->client_id, REDIRECT, scope, &pkce);
  r = exchange (h->url, h->client_id, REDIRECT, code, pkce.verifier);
  assert_token_success (r, scope, json_object_get_int_member (r->json, "expires_in"),
                        json_object_get_int_member (r->json, "refresh_expires_in"));
  return r;
}

static void
test_unit_refresh_rotation (void)
{
  SandboxOAuthConfig config = { .auto_approve = TRUE, .access_ttl_s = 120, .refresh_ttl_s = 900,
                                .refresh_grace_ms = 60000 };
  g_autoptr(Harness) h = harness_new (&config);
  g_autoptr(Reply) t1 = harness_tokens (h, SCOPES);
  g_autoptr(Reply) t2 = NULL;
  g_autoptr(Reply) t3 = NULL;
  g_autoptr(Reply) dup = NULL;
  g_autoptr(SandboxOAuthTokenInfo) info1 = NULL;
  g_autoptr(SandboxOAuthTokenInfo) info2 = NULL;
  g_autoptr(SandboxOAuthTokenInfo) info3 = NULL;
  guint changed_before;

  g_assert_cmpint (json_object_get_int_member (t1->json, "expires_in"), ==, 120);
  g_assert_cmpint (json_object_get_int_member (t1->json, "refresh_expires_in"), ==, 900);
  info1 = harness_lookup (h, json_str (t1, "access_token"));
  g_assert_nonnull (info1);
  g_assert_cmpstr (info1->user_id, ==, fake_users[0].id);
  g_assert_cmpstr (info1->client_id, ==, h->client_id);
  g_assert_cmpuint (g_strv_length (info1->base_ids), ==, 3);
  g_clear_pointer (&info1, sandbox_oauth_token_info_free);

  changed_before = h->changed;
  t2 = refresh (h->url, h->client_id, json_str (t1, "refresh_token"));
  assert_token_success (t2, SCOPES, 120, 900);
  g_assert_cmpuint (h->changed, >, changed_before);
  g_assert_cmpuint (sandbox_oauth_get_refresh_count (h->oauth), ==, 1);

  /* The old access token is dead at once, the new one works. */
  info1 = harness_lookup (h, json_str (t1, "access_token"));
  g_assert_null (info1);
  info2 = harness_lookup (h, json_str (t2, "access_token"));
  g_assert_nonnull (info2);

  /* A duplicate within the grace window: 409, and nothing is revoked. */
  dup = refresh (h->url, h->client_id, json_str (t1, "refresh_token"));
  g_assert_cmpuint (dup->status, ==, 409);
  g_assert_cmpstr (json_str (dup, "error"), ==, "conflict");
  g_assert_nonnull (json_str (dup, "error_description"));
  g_clear_pointer (&info2, sandbox_oauth_token_info_free);
  info2 = harness_lookup (h, json_str (t2, "access_token"));
  g_assert_nonnull (info2);

  t3 = refresh (h->url, h->client_id, json_str (t2, "refresh_token"));
  assert_token_success (t3, SCOPES, 120, 900);
  info3 = harness_lookup (h, json_str (t3, "access_token"));
  g_assert_nonnull (info3);
  g_assert_cmpuint (sandbox_oauth_get_refresh_count (h->oauth), ==, 2);

  /* Another client cannot use the refresh token. */
  {
    g_autoptr(Reply) r = refresh (h->url, h->narrow_id, json_str (t3, "refresh_token"));
    assert_oauth_error (r, 400, "invalid_grant");
  }
  /* Garbage refresh token */
  {
    g_autoptr(Reply) r = refresh (h->url, h->client_id, "oarnothing");
    assert_oauth_error (r, 400, "invalid_grant");
  }
  {
    g_autofree char *b = form ("grant_type", "refresh_token", "client_id", h->client_id, NULL);
    g_autoptr(Reply) r = token_post (h->url, b, NULL);
    assert_oauth_error (r, 400, "invalid_request");
  }
}

static void
test_unit_refresh_reuse (void)
{
  SandboxOAuthConfig config = { .auto_approve = TRUE, .refresh_grace_ms = 50 };
  g_autoptr(Harness) h = harness_new (&config);
  g_autoptr(Reply) t1 = harness_tokens (h, SCOPES);
  g_autoptr(Reply) t2 = NULL;
  g_autoptr(Reply) reuse = NULL;
  g_autoptr(Reply) after = NULL;
  g_autoptr(SandboxOAuthTokenInfo) info = NULL;

  t2 = refresh (h->url, h->client_id, json_str (t1, "refresh_token"));
  assert_token_success (t2, SCOPES, 3600, 5184000);
  g_usleep (200 * 1000);

  /* Reuse after the grace window: invalid_grant, and the whole grant dies. */
  reuse = refresh (h->url, h->client_id, json_str (t1, "refresh_token"));
  assert_oauth_error (reuse, 400, "invalid_grant");
  info = harness_lookup (h, json_str (t2, "access_token"));
  g_assert_null (info);
  after = refresh (h->url, h->client_id, json_str (t2, "refresh_token"));
  assert_oauth_error (after, 400, "invalid_grant");
}

static void
test_unit_refresh_abuse (void)
{
  SandboxOAuthConfig config = { .auto_approve = TRUE, .refresh_grace_ms = 60000, .refresh_abuse_per_s = 3 };
  g_autoptr(Harness) h = harness_new (&config);
  g_autoptr(Reply) t1 = harness_tokens (h, SCOPES);
  g_autoptr(Reply) t2 = NULL;
  g_autoptr(SandboxOAuthTokenInfo) info = NULL;

  t2 = refresh (h->url, h->client_id, json_str (t1, "refresh_token"));
  assert_token_success (t2, SCOPES, 3600, 5184000);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(Reply) dup = refresh (h->url, h->client_id, json_str (t1, "refresh_token"));
      g_assert_cmpuint (dup->status, ==, 409);
    }
  /* The fourth request within a second goes over the limit of 3. */
  {
    g_autoptr(Reply) r = refresh (h->url, h->client_id, json_str (t1, "refresh_token"));
    g_autoptr(Reply) r2 = refresh (h->url, h->client_id, json_str (t2, "refresh_token"));

    assert_oauth_error (r, 400, "invalid_grant");
    assert_oauth_error (r2, 400, "invalid_grant");
  }
  info = harness_lookup (h, json_str (t2, "access_token"));
  g_assert_null (info);
}

static void
test_unit_refresh_chain (void)
{
  SandboxOAuthConfig config = { .auto_approve = TRUE, .refresh_abuse_per_s = 3 };
  g_autoptr(Harness) h = harness_new (&config);
  g_autoptr(Reply) t = harness_tokens (h, SCOPES);

  /* Sequential rotations are not abuse, however quick. */
  for (guint i = 0; i < 8; i++)
    {
      Reply *next = refresh (h->url, h->client_id, json_str (t, "refresh_token"));

      assert_token_success (next, SCOPES, 3600, 5184000);
      reply_free (t);
      t = next;
    }
}

static void
test_unit_refresh_expiry (void)
{
  SandboxOAuthConfig config = { .auto_approve = TRUE, .refresh_ttl_s = 1 };
  g_autoptr(Harness) h = harness_new (&config);
  g_autoptr(Reply) t1 = harness_tokens (h, SCOPES);

  g_assert_cmpint (json_object_get_int_member (t1->json, "refresh_expires_in"), ==, 1);
  g_usleep (1200 * 1000);
  {
    g_autoptr(Reply) r = refresh (h->url, h->client_id, json_str (t1, "refresh_token"));
    assert_oauth_error (r, 400, "invalid_grant");
  }
}

static void
test_unit_refresh_scope (void)
{
  g_autoptr(Harness) h = harness_auto ();
  g_autoptr(Reply) t1 = harness_tokens (h, "data.records:read data.records:write user.email:read");
  g_autoptr(Reply) t2 = NULL;
  g_autoptr(SandboxOAuthTokenInfo) info = NULL;

  /* A scope outside the grant, and a malformed one */
  {
    g_autofree char *b = form ("grant_type", "refresh_token", "refresh_token", json_str (t1, "refresh_token"),
                               "client_id", h->client_id, "scope", "schema.bases:read", NULL);
    g_autoptr(Reply) r = token_post (h->url, b, NULL);
    assert_oauth_error (r, 400, "invalid_scope");
  }
  {
    g_autofree char *b = form ("grant_type", "refresh_token", "refresh_token", json_str (t1, "refresh_token"),
                               "client_id", h->client_id, "scope", "", NULL);
    g_autoptr(Reply) r = token_post (h->url, b, NULL);
    assert_oauth_error (r, 400, "invalid_scope");
  }
  /* A subset: the new access token has exactly that scope */
  {
    g_autofree char *b = form ("grant_type", "refresh_token", "refresh_token", json_str (t1, "refresh_token"),
                               "client_id", h->client_id, "scope", "data.records:read", NULL);

    t2 = token_post (h->url, b, NULL);
    assert_token_success (t2, "data.records:read", 3600, 5184000);
  }
  info = harness_lookup (h, json_str (t2, "access_token"));
  g_assert_nonnull (info);
  g_assert_cmpuint (g_strv_length (info->scopes), ==, 1);
  g_assert_cmpstr (info->scopes[0], ==, "data.records:read");

  /* The next refresh without a scope gets the grant's full scope back. */
  {
    g_autoptr(Reply) r = refresh (h->url, h->client_id, json_str (t2, "refresh_token"));
    assert_token_success (r, "data.records:read data.records:write user.email:read", 3600, 5184000);
  }
}

/* ---------------------------------------------------------------------- */
/* Unit: control operations and persistence                                */
/* ---------------------------------------------------------------------- */

static void
test_unit_control_operations (void)
{
  g_autoptr(Harness) h = harness_auto ();
  g_autoptr(Reply) a = harness_tokens (h, SCOPES);
  g_autoptr(Reply) b = harness_tokens (h, SCOPES);
  g_autoptr(SandboxOAuthTokenInfo) info = NULL;
  guint n;

  /* Remove one base from every grant of the user */
  g_mutex_lock (&h->lock);
  n = sandbox_oauth_remove_base (h->oauth, fake_users[0].id, "appContent000002");
  g_mutex_unlock (&h->lock);
  g_assert_cmpuint (n, ==, 2);
  info = harness_lookup (h, json_str (a, "access_token"));
  g_assert_nonnull (info);
  g_assert_cmpuint (g_strv_length (info->base_ids), ==, 2);
  g_assert_false (g_strv_contains ((const char * const *) info->base_ids, "appContent000002"));
  g_clear_pointer (&info, sandbox_oauth_token_info_free);

  /* Expire access tokens: lookups fail, refresh still works */
  g_mutex_lock (&h->lock);
  n = sandbox_oauth_expire_access_tokens (h->oauth, NULL);
  g_mutex_unlock (&h->lock);
  g_assert_cmpuint (n, ==, 2);
  info = harness_lookup (h, json_str (a, "access_token"));
  g_assert_null (info);
  {
    g_autoptr(Reply) r = refresh (h->url, h->client_id, json_str (a, "refresh_token"));
    assert_token_success (r, SCOPES, 3600, 5184000);

    /* Revoke the user: every token of every grant dies */
    g_mutex_lock (&h->lock);
    n = sandbox_oauth_revoke_user (h->oauth, fake_users[0].id);
    g_mutex_unlock (&h->lock);
    g_assert_cmpuint (n, ==, 2);
    info = harness_lookup (h, json_str (r, "access_token"));
    g_assert_null (info);
    {
      g_autoptr(Reply) r2 = refresh (h->url, h->client_id, json_str (r, "refresh_token"));
      g_autoptr(Reply) r3 = refresh (h->url, h->client_id, json_str (b, "refresh_token"));

      assert_oauth_error (r2, 400, "invalid_grant");
      assert_oauth_error (r3, 400, "invalid_grant");
    }
  }
  g_mutex_lock (&h->lock);
  n = sandbox_oauth_revoke_user (h->oauth, NULL);
  g_mutex_unlock (&h->lock);
  g_assert_cmpuint (n, ==, 0);
}

static void
test_unit_persistence (void)
{
  g_autoptr(Harness) h = harness_auto ();
  g_autoptr(Reply) t1 = harness_tokens (h, SCOPES);
  g_autoptr(Reply) t2 = NULL;
  g_autoptr(JsonNode) state = NULL;
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SandboxOAuthTokenInfo) info = NULL;
  SandboxOAuthCoreFuncs funcs = { fake_list_users, fake_list_user_bases, NULL };
  static const char * const redirects[] = { REDIRECT, NULL };
  SandboxOAuth *fresh;
  const char *fresh_id;

  /* Rotate once so the state has a rotated token too. */
  t2 = refresh (h->url, h->client_id, json_str (t1, "refresh_token"));
  assert_token_success (t2, SCOPES, 3600, 5184000);

  g_mutex_lock (&h->lock);
  state = sandbox_oauth_serialize (h->oauth);
  g_mutex_unlock (&h->lock);
  json_generator_set_root (gen, state);
  text = json_generator_to_data (gen, NULL);

  /* No usable credential in the state */
  g_assert_null (strstr (text, json_str (t1, "access_token")));
  g_assert_null (strstr (text, json_str (t2, "access_token")));
  g_assert_null (strstr (text, json_str (t2, "refresh_token")));
  g_assert_null (strstr (text, SECRET));

  /* A new instance (as after a restart) that registers the same
   * integration first and loads the state afterwards. */
  fresh = sandbox_oauth_new (NULL, &funcs, NULL);
  fresh_id = sandbox_oauth_add_integration (fresh, INTEGRATION_NAME, redirects, NULL, NULL);
  g_assert_cmpstr (fresh_id, !=, h->client_id);
  g_assert_true (sandbox_oauth_deserialize (fresh, state, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fresh_id, ==, h->client_id);

  info = sandbox_oauth_lookup_access_token (fresh, json_str (t2, "access_token"));
  g_assert_nonnull (info);
  g_assert_cmpstr (info->client_id, ==, h->client_id);
  g_assert_cmpuint (g_strv_length (info->base_ids), ==, 3);
  g_clear_pointer (&info, sandbox_oauth_token_info_free);
  info = sandbox_oauth_lookup_access_token (fresh, json_str (t1, "access_token"));
  g_assert_null (info);

  /* Garbage states are refused without touching the live state. */
  {
    const char *bad[] = { "[]", "{\"version\":1}", "{\"version\":99,\"integrations\":[],\"grants\":[],\"codes\":[]}",
                          "{\"version\":1,\"integrations\":[],\"grants\":[{\"id\":1}],\"codes\":[]}", NULL };

    for (guint i = 0; bad[i] != NULL; i++)
      {
        g_autoptr(JsonParser) parser = json_parser_new ();
        g_autoptr(GError) e = NULL;

        g_assert_true (json_parser_load_from_data (parser, bad[i], -1, NULL));
        g_assert_false (sandbox_oauth_deserialize (fresh, json_parser_get_root (parser), &e));
        g_assert_nonnull (e);
      }
  }
  info = sandbox_oauth_lookup_access_token (fresh, json_str (t2, "access_token"));
  g_assert_nonnull (info);
  sandbox_oauth_free (fresh);
}

static void
test_unit_consent (void)
{
  g_autoptr(Harness) h = harness_new (NULL);
  Pkce pkce;
  g_autofree char *path = NULL;
  g_autoptr(Reply) page = NULL;
  g_autofree char *token = NULL;

  pkce_make (&pkce, 70);
  path = authorize_path (h->client_id, REDIRECT, SCOPES, &pkce, NULL);
  page = http (h->url, "GET", path, NULL, NULL, NULL);
  g_assert_cmpuint (page->status, ==, 200);
  g_assert_cmpstr (page->content_type, ==, "text/html");
  /* Name escaped, scopes in words, one checkbox per base of the default
   * user, the account selector, both buttons, no scripts or remote files. */
  g_assert_nonnull (strstr (page->body, "Demo &lt;b&gt;&amp;amp; &quot;App&quot;"));
  g_assert_null (strstr (page->body, "<b>&amp;"));
  g_assert_nonnull (strstr (page->body, "See the data in records"));
  g_assert_nonnull (strstr (page->body, "See the structure of bases"));
  g_assert_true (has_base_checkbox (page->body, "appRoadmap000001"));
  g_assert_true (has_base_checkbox (page->body, "appContent000002"));
  g_assert_true (has_base_checkbox (page->body, "appHiring0000003"));
  g_assert_false (has_base_checkbox (page->body, "appNavy0000000004"));
  g_assert_cmpuint (count_str (page->body, "type=\"checkbox\""), ==, 3);
  g_assert_nonnull (strstr (page->body, "Hiring &lt;pipeline&gt;"));
  g_assert_cmpuint (count_str (page->body, "<legend>"), ==, 2); /* Product, Marketing */
  g_assert_nonnull (strstr (page->body, "Signed in as"));
  g_assert_nonnull (strstr (page->body, "<option value=\"usrAda0000000001\" selected>"));
  g_assert_nonnull (strstr (page->body, "value=\"grant\""));
  g_assert_nonnull (strstr (page->body, "value=\"cancel\""));
  g_assert_nonnull (strstr (page->body, "action=\"/oauth2/v1/authorize/decision\""));
  g_assert_null (strstr (page->body, "<script"));
  g_assert_null (strstr (page->body, "src="));
  token = extract_form_token (page->body);
  g_assert_cmpuint (strlen (token), >=, 32);

  /* Grant with nothing ticked: the page comes back with a message and a
   * new token; the old token is spent. */
  {
    g_autofree char *b = form ("form_token", token, "user", fake_users[0].id, "action", "grant", NULL);
    g_autoptr(Reply) r = decide (h->url, b);
    g_autofree char *again = NULL;
    g_autoptr(Reply) r2 = NULL;

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_nonnull (strstr (r->body, "Choose at least one base"));
    r2 = decide (h->url, b);
    assert_error_page (r2);
    again = extract_form_token (r->body);
    g_assert_cmpstr (again, !=, token);
    g_free (token);
    token = g_steal_pointer (&again);
  }

  /* Switch account: the other user's bases */
  {
    g_autofree char *b = form ("form_token", token, "user", fake_users[1].id, "action", "switch", NULL);
    g_autoptr(Reply) r = decide (h->url, b);

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_true (has_base_checkbox (r->body, "appNavy0000000004"));
    g_assert_false (has_base_checkbox (r->body, "appRoadmap000001"));
    g_assert_nonnull (strstr (r->body, "<option value=\"usrGrace00000002\" selected>"));
    g_free (token);
    token = extract_form_token (r->body);
  }

  /* A base of another account is refused (page again) */
  {
    g_autofree char *b = form ("form_token", token, "user", fake_users[1].id, "base", "appRoadmap000001",
                               "action", "grant", NULL);
    g_autoptr(Reply) r = decide (h->url, b);

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_nonnull (strstr (r->body, "not available"));
    g_free (token);
    token = extract_form_token (r->body);
  }

  /* Grant one base: a code and the state only; its token has that base. */
  {
    g_autofree char *b = form ("form_token", token, "user", fake_users[1].id, "base", "appNavy0000000004",
                               "action", "grant", NULL);
    g_autoptr(Reply) r = decide (h->url, b);
    g_autoptr(GHashTable) params = redirect_params (r, REDIRECT);
    g_autoptr(Reply) t = NULL;
    g_autoptr(SandboxOAuthTokenInfo) info = NULL;

    g_assert_cmpuint (g_hash_table_size (params), ==, 2);
    g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==, STATE);
    t = exchange (h->url, h->client_id, REDIRECT, g_hash_table_lookup (params, "code"), pkce.verifier);
    assert_token_success (t, SCOPES, 3600, 5184000);
    info = harness_lookup (h, json_str (t, "access_token"));
    g_assert_nonnull (info);
    g_assert_cmpstr (info->user_id, ==, fake_users[1].id);
    g_assert_cmpuint (g_strv_length (info->base_ids), ==, 1);
    g_assert_cmpstr (info->base_ids[0], ==, "appNavy0000000004");

    /* The token of a decided request is spent. */
    {
      g_autoptr(Reply) r2 = decide (h->url, b);
      assert_error_page (r2);
    }
  }

  /* Cancel: access_denied with the state */
  {
    g_autoptr(Reply) p = http (h->url, "GET", path, NULL, NULL, NULL);
    g_autofree char *t = extract_form_token (p->body);
    g_autofree char *b = form ("form_token", t, "action", "cancel", NULL);
    g_autoptr(Reply) r = decide (h->url, b);

    assert_redirect_error (r, REDIRECT, "access_denied", STATE);
  }

  /* Forged or missing tokens, wrong content type */
  {
    g_autoptr(Reply) r1 = decide (h->url, "form_token=forged&action=grant&base=appRoadmap000001");
    g_autoptr(Reply) r2 = decide (h->url, "action=grant");
    g_autoptr(Reply) r3 = http (h->url, "POST", "/oauth2/v1/authorize/decision", "application/json", "{}", NULL);
    g_autoptr(Reply) r4 = http (h->url, "GET", "/oauth2/v1/authorize/decision", NULL, NULL, NULL);

    assert_error_page (r1);
    assert_error_page (r2);
    assert_error_page (r3);
    g_assert_cmpuint (r4->status, ==, 405);
  }
}

static void
test_unit_auto_deny (void)
{
  SandboxOAuthConfig config = { .auto_approve = TRUE, .auto_deny = TRUE };
  g_autoptr(Harness) h = harness_new (&config);
  Pkce pkce;
  g_autofree char *path = NULL;
  g_autoptr(Reply) r = NULL;
  g_autoptr(Reply) bad = NULL;

  pkce_make (&pkce, 43);
  path = authorize_path (h->client_id, REDIRECT, SCOPES, &pkce, NULL);
  r = http (h->url, "GET", path, NULL, NULL, NULL);
  assert_redirect_error (r, REDIRECT, "access_denied", STATE);

  /* Validation still comes first */
  g_free (path);
  path = authorize_path (h->client_id, REDIRECT, "nope:scope", &pkce, NULL);
  bad = http (h->url, "GET", path, NULL, NULL, NULL);
  assert_redirect_error (bad, REDIRECT, "invalid_scope", STATE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();

  g_test_add_func ("/hangar/sandbox/oauth/unit/authorize-no-redirect", test_unit_authorize_no_redirect);
  g_test_add_func ("/hangar/sandbox/oauth/unit/authorize-redirect-errors", test_unit_authorize_redirect_errors);
  g_test_add_func ("/hangar/sandbox/oauth/unit/authorize-accepts", test_unit_authorize_accepts);
  g_test_add_func ("/hangar/sandbox/oauth/unit/token-errors", test_unit_token_errors);
  g_test_add_func ("/hangar/sandbox/oauth/unit/pkce-and-code-rules", test_unit_pkce_and_code_rules);
  g_test_add_func ("/hangar/sandbox/oauth/unit/code-expiry", test_unit_code_expiry);
  g_test_add_func ("/hangar/sandbox/oauth/unit/basic-auth", test_unit_basic_auth);
  g_test_add_func ("/hangar/sandbox/oauth/unit/refresh-rotation", test_unit_refresh_rotation);
  g_test_add_func ("/hangar/sandbox/oauth/unit/refresh-reuse", test_unit_refresh_reuse);
  g_test_add_func ("/hangar/sandbox/oauth/unit/refresh-abuse", test_unit_refresh_abuse);
  g_test_add_func ("/hangar/sandbox/oauth/unit/refresh-chain", test_unit_refresh_chain);
  g_test_add_func ("/hangar/sandbox/oauth/unit/refresh-expiry", test_unit_refresh_expiry);
  g_test_add_func ("/hangar/sandbox/oauth/unit/refresh-scope", test_unit_refresh_scope);
  g_test_add_func ("/hangar/sandbox/oauth/unit/control-operations", test_unit_control_operations);
  g_test_add_func ("/hangar/sandbox/oauth/unit/persistence", test_unit_persistence);
  g_test_add_func ("/hangar/sandbox/oauth/unit/consent", test_unit_consent);
  g_test_add_func ("/hangar/sandbox/oauth/unit/auto-deny", test_unit_auto_deny);

  return g_test_run ();
}
