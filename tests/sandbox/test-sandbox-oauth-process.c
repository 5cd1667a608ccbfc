/* test-sandbox-oauth-process.c — OAuth 2.0 against a real hangar-sandbox
 * process: the API (whoami, list bases) and the control API included
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "test-sandbox-oauth-common.h"

/* ---------------------------------------------------------------------- */
/* Real hangar-sandbox process                                             */
/* ---------------------------------------------------------------------- */

static JsonNode *
api_get (HangarTestSandbox *sb,
         const char        *path,
         const char        *bearer,
         guint             *status)
{
  return hangar_test_sandbox_request (sb, "GET", path, bearer, NULL, status);
}

/* The ids of the bases @bearer can list, sorted. */
static GPtrArray *
list_base_ids (HangarTestSandbox *sb,
               const char        *bearer)
{
  g_autoptr(JsonNode) node = NULL;
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  JsonArray *bases;
  guint status = 0;

  node = api_get (sb, "/v0/meta/bases", bearer, &status);
  g_assert_cmpuint (status, ==, 200);
  bases = json_object_get_array_member (json_node_get_object (node), "bases");
  for (guint i = 0; i < json_array_get_length (bases); i++)
    g_ptr_array_add (ids, g_strdup (json_object_get_string_member (json_array_get_object_element (bases, i), "id")));
  return ids;
}

static gboolean
ptr_array_contains_str (GPtrArray  *array,
                        const char *s)
{
  for (guint i = 0; i < array->len; i++)
    if (g_str_equal (g_ptr_array_index (array, i), s))
      return TRUE;
  return FALSE;
}

static Reply *
process_tokens (HangarTestSandbox *sb,
                const char        *scope)
{
  Pkce pkce;
  g_autofree char *code = NULL;
  Reply *r;

  pkce_make (&pkce, 96);
  code = get_code (sb->url, sb->client_id, sb->redirect_uri, scope, &pkce);
  r = exchange (sb->url, sb->client_id, sb->redirect_uri, code, pkce.verifier);
  if (r->status != 200)
    g_error ("exchange failed: %u %s", r->status, r->body);
  return r;
}

static void
test_process_full_flow (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--auto-approve", NULL);
  g_autoptr(Reply) t = process_tokens (sb, "data.records:read schema.bases:read user.email:read");
  g_autoptr(JsonNode) who = NULL;
  g_autoptr(JsonNode) pat_who = NULL;
  g_autoptr(GPtrArray) oauth_bases = NULL;
  g_autoptr(GPtrArray) pat_bases = NULL;
  JsonObject *obj;
  JsonArray *scopes;
  guint status = 0;

  assert_token_success (t, "data.records:read schema.bases:read user.email:read", 3600, 5184000);

  who = api_get (sb, "/v0/meta/whoami", json_str (t, "access_token"), &status);
  g_assert_cmpuint (status, ==, 200);
  obj = json_node_get_object (who);
  pat_who = api_get (sb, "/v0/meta/whoami", sb->pat, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (obj, "id"), ==,
                   json_object_get_string_member (json_node_get_object (pat_who), "id"));
  scopes = json_object_get_array_member (obj, "scopes");
  g_assert_nonnull (scopes);
  g_assert_cmpuint (json_array_get_length (scopes), ==, 3);
  g_assert_true (json_object_has_member (obj, "email"));

  /* Auto-approve grants every base of the default user. */
  oauth_bases = list_base_ids (sb, json_str (t, "access_token"));
  pat_bases = list_base_ids (sb, sb->pat);
  g_assert_cmpuint (oauth_bases->len, >, 0);
  g_assert_cmpuint (oauth_bases->len, ==, pat_bases->len);
}

static void
test_process_consent_page (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_startv (NULL);
  g_autoptr(GPtrArray) pat_bases = list_base_ids (sb, sb->pat);
  g_autoptr(Reply) page = NULL;
  g_autofree char *path = NULL;
  g_autofree char *token = NULL;
  g_autofree char *default_user = NULL;
  Pkce pkce;

  pkce_make (&pkce, 43);
  path = authorize_path (sb->client_id, sb->redirect_uri, SCOPES, &pkce, NULL);
  page = http (sb->url, "GET", path, NULL, NULL, NULL);
  g_assert_cmpuint (page->status, ==, 200);
  g_assert_cmpstr (page->content_type, ==, "text/html");
  g_assert_nonnull (strstr (page->body, "<form method=\"post\""));
  g_assert_nonnull (strstr (page->body, "wants to access your Airtable bases"));
  g_assert_nonnull (strstr (page->body, "See the data in records"));
  for (guint i = 0; i < pat_bases->len; i++)
    g_assert_true (has_base_checkbox (page->body, g_ptr_array_index (pat_bases, i)));
  g_assert_cmpuint (count_str (page->body, "type=\"checkbox\""), ==, pat_bases->len);
  token = extract_form_token (page->body);
  {
    const char *p = strstr (page->body, "<option value=\"");
    g_assert_nonnull (p);
    p += strlen ("<option value=\"");
    default_user = g_strndup (p, strchr (p, '"') - p);
  }

  /* Grant exactly one base: the token lists exactly that base. */
  {
    g_autofree char *b = form ("form_token", token, "user", default_user,
                               "base", g_ptr_array_index (pat_bases, 0), "action", "grant", NULL);
    g_autoptr(Reply) r = decide (sb->url, b);
    g_autoptr(GHashTable) params = redirect_params (r, sb->redirect_uri);
    g_autoptr(Reply) t = NULL;
    g_autoptr(GPtrArray) ids = NULL;

    g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==, STATE);
    t = exchange (sb->url, sb->client_id, sb->redirect_uri, g_hash_table_lookup (params, "code"), pkce.verifier);
    assert_token_success (t, SCOPES, 3600, 5184000);
    ids = list_base_ids (sb, json_str (t, "access_token"));
    g_assert_cmpuint (ids->len, ==, 1);
    g_assert_cmpstr (g_ptr_array_index (ids, 0), ==, g_ptr_array_index (pat_bases, 0));
  }

  /* Cancel → access_denied */
  {
    g_autoptr(Reply) p = http (sb->url, "GET", path, NULL, NULL, NULL);
    g_autofree char *t = extract_form_token (p->body);
    g_autofree char *b = form ("form_token", t, "action", "cancel", NULL);
    g_autoptr(Reply) r = decide (sb->url, b);

    assert_redirect_error (r, sb->redirect_uri, "access_denied", STATE);
  }

  /* Unknown client: an error page, no redirect */
  {
    g_autofree char *bad = authorize_path ("not-a-client", sb->redirect_uri, SCOPES, &pkce, NULL);
    g_autoptr(Reply) r = http (sb->url, "GET", bad, NULL, NULL, NULL);

    assert_error_page (r);
  }
}

static void
test_process_consent_switch_user (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_startv (NULL);
  JsonArray *users = json_object_get_array_member (sb->info, "users");
  JsonObject *first, *second;
  g_autoptr(GPtrArray) first_bases = NULL;
  g_autoptr(GPtrArray) second_bases = NULL;
  g_autoptr(Reply) page = NULL;
  g_autoptr(Reply) switched = NULL;
  g_autofree char *path = NULL;
  g_autofree char *token = NULL;
  g_autofree char *body = NULL;
  Pkce pkce;

  g_assert_nonnull (users);
  g_assert_cmpuint (json_array_get_length (users), >=, 2);
  first = json_array_get_object_element (users, 0);
  second = json_array_get_object_element (users, 1);
  first_bases = list_base_ids (sb, json_object_get_string_member (first, "pat"));
  second_bases = list_base_ids (sb, json_object_get_string_member (second, "pat"));
  g_assert_cmpuint (second_bases->len, >, 0);

  pkce_make (&pkce, 100);
  path = authorize_path (sb->client_id, sb->redirect_uri, SCOPES, &pkce, NULL);
  page = http (sb->url, "GET", path, NULL, NULL, NULL);
  g_assert_cmpuint (page->status, ==, 200);
  token = extract_form_token (page->body);

  body = form ("form_token", token, "user", json_object_get_string_member (second, "id"),
               "action", "switch", NULL);
  switched = decide (sb->url, body);
  g_assert_cmpuint (switched->status, ==, 200);
  for (guint i = 0; i < second_bases->len; i++)
    g_assert_true (has_base_checkbox (switched->body, g_ptr_array_index (second_bases, i)));
  for (guint i = 0; i < first_bases->len; i++)
    if (!ptr_array_contains_str (second_bases, g_ptr_array_index (first_bases, i)))
      g_assert_false (has_base_checkbox (switched->body, g_ptr_array_index (first_bases, i)));

  g_free (token);
  token = extract_form_token (switched->body);
  g_free (body);
  body = form ("form_token", token, "user", json_object_get_string_member (second, "id"),
               "base", g_ptr_array_index (second_bases, 0), "action", "grant", NULL);
  {
    g_autoptr(Reply) r = decide (sb->url, body);
    g_autoptr(GHashTable) params = redirect_params (r, sb->redirect_uri);
    g_autoptr(Reply) t = exchange (sb->url, sb->client_id, sb->redirect_uri,
                                   g_hash_table_lookup (params, "code"), pkce.verifier);
    g_autoptr(JsonNode) who = NULL;
    g_autoptr(GPtrArray) ids = NULL;
    guint status = 0;

    assert_token_success (t, SCOPES, 3600, 5184000);
    who = api_get (sb, "/v0/meta/whoami", json_str (t, "access_token"), &status);
    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (who), "id"), ==,
                     json_object_get_string_member (second, "id"));
    ids = list_base_ids (sb, json_str (t, "access_token"));
    g_assert_cmpuint (ids->len, ==, 1);
    g_assert_cmpstr (g_ptr_array_index (ids, 0), ==, g_ptr_array_index (second_bases, 0));
  }
}

static void
test_process_registered_integration (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_startv (NULL);
  g_autoptr(JsonNode) reg = NULL;
  g_autoptr(Reply) page = NULL;
  g_autofree char *path = NULL;
  const char *id;
  guint status = 0;
  Pkce pkce;

  reg = hangar_test_sandbox_request (sb, "POST", "/__sandbox/integrations", NULL,
                                     "{\"name\":\"<script>alert(1)</script> & Co\","
                                     "\"redirect_uris\":[\"http://localhost:9999/cb\"],"
                                     "\"scopes\":[\"data.records:read\"]}", &status);
  g_assert_cmpuint (status, ==, 200);
  id = json_object_get_string_member (json_node_get_object (reg), "client_id");
  g_assert_nonnull (id);

  /* The name is shown escaped; the integration's scope list is enforced. */
  pkce_make (&pkce, 43);
  path = authorize_path (id, "http://localhost:9999/cb", "data.records:read", &pkce, NULL);
  page = http (sb->url, "GET", path, NULL, NULL, NULL);
  g_assert_cmpuint (page->status, ==, 200);
  g_assert_nonnull (strstr (page->body, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"));
  g_assert_null (strstr (page->body, "<script"));
  g_free (path);
  path = authorize_path (id, "http://localhost:9999/cb", SCOPES, &pkce, NULL);
  {
    g_autoptr(Reply) r = http (sb->url, "GET", path, NULL, NULL, NULL);

    assert_redirect_error (r, "http://localhost:9999/cb", "invalid_scope", STATE);
  }
  /* Its redirect URI is not the demo integration's */
  g_free (path);
  path = authorize_path (sb->client_id, "http://localhost:9999/cb", SCOPES, &pkce, NULL);
  {
    g_autoptr(Reply) r = http (sb->url, "GET", path, NULL, NULL, NULL);

    assert_error_page (r);
  }
}

static void
test_process_rotation_and_revoke (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--auto-approve", "--no-rate-limit", NULL);
  g_autoptr(Reply) t1 = process_tokens (sb, SCOPES);
  g_autoptr(Reply) t2 = NULL;
  g_autoptr(Reply) dup = NULL;
  g_autoptr(JsonNode) n = NULL;
  guint status = 0;
  gint64 refreshes_before = hangar_test_sandbox_stat (sb, "refreshes");

  t2 = refresh (sb->url, sb->client_id, json_str (t1, "refresh_token"));
  assert_token_success (t2, SCOPES, 3600, 5184000);
  g_assert_cmpint (hangar_test_sandbox_stat (sb, "refreshes"), ==, refreshes_before + 1);

  /* The rotated-away access token: 401 at the API; the new one works */
  n = api_get (sb, "/v0/meta/whoami", json_str (t1, "access_token"), &status);
  g_assert_cmpuint (status, ==, 401);
  g_clear_pointer (&n, json_node_unref);
  n = api_get (sb, "/v0/meta/whoami", json_str (t2, "access_token"), &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&n, json_node_unref);

  /* Duplicate refresh within the (default 2 s) grace window → 409 */
  dup = refresh (sb->url, sb->client_id, json_str (t1, "refresh_token"));
  g_assert_cmpuint (dup->status, ==, 409);

  /* Revoke through the control API: access 401, refresh invalid_grant */
  n = hangar_test_sandbox_request (sb, "POST", "/__sandbox/revoke", NULL, "{}", &status);
  g_assert_cmpuint (status / 100, ==, 2);
  g_clear_pointer (&n, json_node_unref);
  n = api_get (sb, "/v0/meta/whoami", json_str (t2, "access_token"), &status);
  g_assert_cmpuint (status, ==, 401);
  {
    g_autoptr(Reply) r = refresh (sb->url, sb->client_id, json_str (t2, "refresh_token"));
    assert_oauth_error (r, 400, "invalid_grant");
  }
}

static void
test_process_control_switches (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--auto-approve", "--no-rate-limit", NULL);
  g_autoptr(Reply) t = process_tokens (sb, SCOPES);
  g_autoptr(GPtrArray) before = list_base_ids (sb, json_str (t, "access_token"));
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(JsonNode) n = NULL;
  g_autofree char *removed = NULL;
  g_autofree char *req = NULL;
  g_autofree char *path = NULL;
  guint status = 0;

  g_assert_cmpint (hangar_test_sandbox_stat (sb, "exchanges"), ==, 1);
  g_assert_cmpuint (before->len, >=, 2);

  /* Remove one base from the grant: gone from the list, 403 on its schema */
  removed = g_strdup (g_ptr_array_index (before, 0));
  req = g_strdup_printf ("{\"base\":\"%s\"}", removed);
  n = hangar_test_sandbox_request (sb, "POST", "/__sandbox/remove-base", NULL, req, &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&n, json_node_unref);
  after = list_base_ids (sb, json_str (t, "access_token"));
  g_assert_cmpuint (after->len, ==, before->len - 1);
  for (guint i = 0; i < after->len; i++)
    g_assert_cmpstr (g_ptr_array_index (after, i), !=, removed);
  path = g_strdup_printf ("/v0/meta/bases/%s/tables", removed);
  n = api_get (sb, path, json_str (t, "access_token"), &status);
  g_assert_cmpuint (status, ==, 403);
  g_clear_pointer (&n, json_node_unref);

  /* Expire access tokens now: 401, and a refresh brings access back */
  n = hangar_test_sandbox_request (sb, "POST", "/__sandbox/expire-tokens", NULL, "{}", &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&n, json_node_unref);
  n = api_get (sb, "/v0/meta/whoami", json_str (t, "access_token"), &status);
  g_assert_cmpuint (status, ==, 401);
  g_clear_pointer (&n, json_node_unref);
  {
    g_autoptr(Reply) r = refresh (sb->url, sb->client_id, json_str (t, "refresh_token"));
    g_autoptr(GPtrArray) ids = NULL;

    assert_token_success (r, SCOPES, 3600, 5184000);
    n = api_get (sb, "/v0/meta/whoami", json_str (r, "access_token"), &status);
    g_assert_cmpuint (status, ==, 200);
    /* The removed base stays removed after the refresh. */
    ids = list_base_ids (sb, json_str (r, "access_token"));
    g_assert_cmpuint (ids->len, ==, before->len - 1);
  }
}

static void
test_process_confidential_client (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--auto-approve", NULL);
  const char *id = json_object_get_string_member (sb->info, "confidential_client_id");
  const char *secret = json_object_get_string_member (sb->info, "confidential_client_secret");
  g_autofree char *auth = NULL;
  g_autofree char *code = NULL;
  g_autofree char *body = NULL;
  Pkce pkce;

  g_assert_nonnull (id);
  g_assert_nonnull (secret);
  g_assert_cmpstr (id, !=, "");
  auth = basic (id, secret, TRUE);
  pkce_make (&pkce, 43);
  code = get_code (sb->url, id, sb->redirect_uri, SCOPES, &pkce);
  body = form ("grant_type", "authorization_code", "code", code, "redirect_uri", sb->redirect_uri,
               "code_verifier", pkce.verifier, NULL);
  {
    /* Without the header: invalid_client (401), and the code survives */
    g_autofree char *b = g_strconcat (body, "&client_id=", id, NULL);
    g_autoptr(Reply) r = token_post (sb->url, b, NULL);

    assert_oauth_error (r, 401, "invalid_client");
  }
  {
    g_autoptr(Reply) r = token_post (sb->url, body, auth);

    assert_token_success (r, SCOPES, 3600, 5184000);
  }
  /* The public client must not send one */
  {
    g_autofree char *pub = basic (sb->client_id, "x", FALSE);
    g_autoptr(Reply) r = token_post (sb->url, "grant_type=refresh_token&refresh_token=oarx", pub);

    assert_oauth_error (r, 401, "invalid_client");
  }
}

static void
test_process_restart (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hangar-oauth-state-XXXXXX", &error);
  g_autoptr(Reply) t = NULL;
  g_autofree char *client_id = NULL;
  g_autoptr(JsonNode) n = NULL;
  guint status = 0;

  g_assert_no_error (error);
  {
    g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--auto-approve", "--state-dir", dir, NULL);

    t = process_tokens (sb, SCOPES);
    client_id = g_strdup (sb->client_id);
  }
  {
    g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--auto-approve", "--state-dir", dir, NULL);
    g_autoptr(Reply) r = NULL;

    /* Same integration, the access token still works, the refresh rotates */
    g_assert_cmpstr (sb->client_id, ==, client_id);
    n = api_get (sb, "/v0/meta/whoami", json_str (t, "access_token"), &status);
    g_assert_cmpuint (status, ==, 200);
    g_clear_pointer (&n, json_node_unref);
    r = refresh (sb->url, sb->client_id, json_str (t, "refresh_token"));
    assert_token_success (r, SCOPES, 3600, 5184000);
    n = api_get (sb, "/v0/meta/whoami", json_str (t, "access_token"), &status);
    g_assert_cmpuint (status, ==, 401);
    g_clear_pointer (&n, json_node_unref);

    /* The state directory holds no usable token */
    {
      g_autoptr(GDir) d = g_dir_open (dir, 0, &error);
      const char *name;

      g_assert_no_error (error);
      while ((name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *path = g_build_filename (dir, name, NULL);
          g_autofree char *contents = NULL;

          if (!g_file_test (path, G_FILE_TEST_IS_REGULAR)
              || !g_file_get_contents (path, &contents, NULL, NULL))
            continue;
          g_assert_null (strstr (contents, json_str (t, "access_token")));
          g_assert_null (strstr (contents, json_str (r, "access_token")));
          g_assert_null (strstr (contents, json_str (r, "refresh_token")));
        }
    }
  }
}

static void
test_process_ttls_and_reuse (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--auto-approve", "--access-ttl", "1",
                                                               "--refresh-ttl", "30", NULL);
  g_autoptr(Reply) t1 = process_tokens (sb, SCOPES);
  g_autoptr(Reply) t2 = NULL;
  g_autoptr(Reply) t3 = NULL;
  g_autoptr(JsonNode) n = NULL;
  guint status = 0;

  assert_token_success (t1, SCOPES, 1, 30);

  /* The access token dies after --access-ttl; a refresh brings a new one. */
  g_usleep (1300 * 1000);
  n = api_get (sb, "/v0/meta/whoami", json_str (t1, "access_token"), &status);
  g_assert_cmpuint (status, ==, 401);
  g_clear_pointer (&n, json_node_unref);
  t2 = refresh (sb->url, sb->client_id, json_str (t1, "refresh_token"));
  assert_token_success (t2, SCOPES, 1, 30);
  t3 = refresh (sb->url, sb->client_id, json_str (t2, "refresh_token"));
  assert_token_success (t3, SCOPES, 1, 30);
  n = api_get (sb, "/v0/meta/whoami", json_str (t3, "access_token"), &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&n, json_node_unref);

  /* Reusing a rotated refresh token after the grace window (2 s by
   * default) revokes the whole grant. */
  g_usleep (2300 * 1000);
  {
    g_autoptr(Reply) reuse = refresh (sb->url, sb->client_id, json_str (t1, "refresh_token"));
    g_autoptr(Reply) latest = refresh (sb->url, sb->client_id, json_str (t3, "refresh_token"));

    assert_oauth_error (reuse, 400, "invalid_grant");
    assert_oauth_error (latest, 400, "invalid_grant");
  }
}

/* --code-ttl: a code works inside its lifetime and is invalid_grant after. */
static void
test_process_code_ttl (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--auto-approve", "--no-rate-limit",
                                                               "--code-ttl", "1", NULL);
  Pkce fresh, stale;
  g_autofree char *fresh_code = NULL;
  g_autofree char *stale_code = NULL;
  g_autoptr(Reply) ok = NULL;
  g_autoptr(Reply) late = NULL;

  pkce_make (&fresh, 60);
  fresh_code = get_code (sb->url, sb->client_id, sb->redirect_uri, SCOPES, &fresh);
  ok = exchange (sb->url, sb->client_id, sb->redirect_uri, fresh_code, fresh.verifier);
  assert_token_success (ok, SCOPES, 3600, 5184000);

  pkce_make (&stale, 61);
  stale_code = get_code (sb->url, sb->client_id, sb->redirect_uri, SCOPES, &stale);
  g_usleep (1500 * 1000);
  late = exchange (sb->url, sb->client_id, sb->redirect_uri, stale_code, stale.verifier);
  assert_oauth_error (late, 400, "invalid_grant");
  g_assert_cmpint (hangar_test_sandbox_stat (sb, "exchanges"), ==, 1);
}

/* --refresh-grace-ms longer than the default: a duplicate refresh after the
 * default 2 s still gets 409 and harms nothing; after the window the same
 * token is reuse: invalid_grant and the whole grant is revoked. */
static void
test_process_refresh_grace (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--auto-approve", "--no-rate-limit",
                                                               "--refresh-grace-ms", "5000", NULL);
  g_autoptr(Reply) t1 = process_tokens (sb, SCOPES);
  g_autoptr(Reply) t2 = NULL;
  g_autoptr(JsonNode) n = NULL;
  gint64 start_us;
  guint status = 0;

  t2 = refresh (sb->url, sb->client_id, json_str (t1, "refresh_token"));
  start_us = g_get_monotonic_time ();
  assert_token_success (t2, SCOPES, 3600, 5184000);

  g_usleep (2500 * 1000);
  {
    g_autoptr(Reply) dup = refresh (sb->url, sb->client_id, json_str (t1, "refresh_token"));

    /* Only meaningful while still inside the 5 s window (a very slow
     * machine could overshoot it; then the reuse branch below applies). */
    if (g_get_monotonic_time () - start_us < 4500 * 1000)
      {
        g_assert_cmpuint (dup->status, ==, 409);
        g_assert_nonnull (dup->json);
        g_assert_cmpstr (json_str (dup, "error"), ==, "conflict");
        n = api_get (sb, "/v0/meta/whoami", json_str (t2, "access_token"), &status);
        g_assert_cmpuint (status, ==, 200);
        g_clear_pointer (&n, json_node_unref);
      }
    else
      g_test_message ("machine too slow for the grace-window half of this test");
  }

  /* Past the window: reuse of t1's refresh token revokes everything. */
  while (g_get_monotonic_time () - start_us < 5500 * 1000)
    g_usleep (100 * 1000);
  {
    g_autoptr(Reply) reuse = refresh (sb->url, sb->client_id, json_str (t1, "refresh_token"));
    g_autoptr(Reply) latest = NULL;

    assert_oauth_error (reuse, 400, "invalid_grant");
    n = api_get (sb, "/v0/meta/whoami", json_str (t2, "access_token"), &status);
    g_assert_cmpuint (status, ==, 401);
    latest = refresh (sb->url, sb->client_id, json_str (t2, "refresh_token"));
    assert_oauth_error (latest, 400, "invalid_grant");
  }
}

/* --auto-deny: no consent page, access_denied with the state, no code;
 * validation errors still come first; wins over --auto-approve. */
static void
test_process_auto_deny (void)
{
  const char *variants[][3] = {
    { "--auto-deny", NULL, NULL },
    { "--auto-deny", "--auto-approve", NULL },
  };

  for (guint v = 0; v < G_N_ELEMENTS (variants); v++)
    {
      g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_startv (variants[v]);
      Pkce pkce;
      g_autofree char *path = NULL;
      g_autofree char *bad_path = NULL;
      g_autoptr(Reply) r = NULL;
      g_autoptr(Reply) bad = NULL;
      g_autoptr(Reply) unknown = NULL;
      g_autofree char *unknown_path = NULL;

      pkce_make (&pkce, 70);
      path = authorize_path (sb->client_id, sb->redirect_uri, SCOPES, &pkce, NULL);
      r = http (sb->url, "GET", path, NULL, NULL, NULL);
      assert_redirect_error (r, sb->redirect_uri, "access_denied", STATE);

      bad_path = authorize_path (sb->client_id, sb->redirect_uri, "nope:scope", &pkce, NULL);
      bad = http (sb->url, "GET", bad_path, NULL, NULL, NULL);
      assert_redirect_error (bad, sb->redirect_uri, "invalid_scope", STATE);

      /* an unknown client never redirects, deny mode or not */
      unknown_path = authorize_path ("not-a-client", sb->redirect_uri, SCOPES, &pkce, NULL);
      unknown = http (sb->url, "GET", unknown_path, NULL, NULL, NULL);
      assert_error_page (unknown);

      g_assert_cmpint (hangar_test_sandbox_stat (sb, "exchanges"), ==, 0);
    }
}

/* Out-of-range values of the new options stop the sandbox with exit 2. */
static void
test_process_option_ranges (void)
{
  const char *sandbox = g_getenv ("HANGAR_SANDBOX");
  const char *bad[][2] = {
    { "--code-ttl", "0" },
    { "--refresh-grace-ms", "-5" },
    { "--code-ttl", "soon" },
  };

  g_assert_nonnull (sandbox);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSubprocess) p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                                   &error, sandbox, "--port", "0", bad[i][0], bad[i][1], NULL);

      g_assert_no_error (error);
      g_assert_true (g_subprocess_wait (p, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_if_exited (p));
      g_assert_cmpint (g_subprocess_get_exit_status (p), ==, 2);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();

  g_test_add_func ("/hangar/sandbox/oauth/full-flow", test_process_full_flow);
  g_test_add_func ("/hangar/sandbox/oauth/consent-page", test_process_consent_page);
  g_test_add_func ("/hangar/sandbox/oauth/consent-switch-user", test_process_consent_switch_user);
  g_test_add_func ("/hangar/sandbox/oauth/registered-integration", test_process_registered_integration);
  g_test_add_func ("/hangar/sandbox/oauth/rotation-and-revoke", test_process_rotation_and_revoke);
  g_test_add_func ("/hangar/sandbox/oauth/control-switches", test_process_control_switches);
  g_test_add_func ("/hangar/sandbox/oauth/confidential-client", test_process_confidential_client);
  g_test_add_func ("/hangar/sandbox/oauth/restart", test_process_restart);
  g_test_add_func ("/hangar/sandbox/oauth/ttls-and-reuse", test_process_ttls_and_reuse);
  g_test_add_func ("/hangar/sandbox/oauth/code-ttl", test_process_code_ttl);
  g_test_add_func ("/hangar/sandbox/oauth/refresh-grace", test_process_refresh_grace);
  g_test_add_func ("/hangar/sandbox/oauth/auto-deny", test_process_auto_deny);
  g_test_add_func ("/hangar/sandbox/oauth/option-ranges", test_process_option_ranges);

  return g_test_run ();
}
