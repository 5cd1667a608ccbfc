/* test-sandbox-webhooks-life.c — webhooks over time and at their limits,
 * against a real hangar-sandbox: expiry and refresh, payload retention,
 * the per-base and per-integration limits, OAuth visibility, error
 * payloads, notification pings with their MAC, and the state file
 *
 * Time is moved with the control API's webhook clock, never waited for.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libsoup/soup.h>

#include "test-sandbox-oauth-common.h"
#include "test-sandbox-webhooks-common.h"
#include "sandbox-private.h"

static HangarTestSandbox *
start (void)
{
  return hangar_test_sandbox_start ("--no-rate-limit", "--quiet", "--auto-approve", NULL);
}

static gboolean
enabled (HangarTestSandbox *sb,
         const char        *base,
         const char        *hook)
{
  g_autoptr(JsonObject) listed = wh_find (sb, base, sb->pat, hook);

  g_assert_nonnull (listed);
  return json_object_get_boolean_member (listed, "isHookEnabled");
}

static void
test_mac (void)
{
  /* pyairtable's test vector: the key is "secret-key" */
  const char *spaced = "{\"base\": {\"id\": \"app00000000000000\"}, \"webhook\": {\"id\": \"ach00000000000000\"}, "
                       "\"timestamp\": \"2022-02-01T21:25:05.663Z\"}";
  const char *compact = "{\"base\":{\"id\":\"app00000000000000\"},\"webhook\":{\"id\":\"ach00000000000000\"},"
                        "\"timestamp\":\"2022-02-01T21:25:05.663Z\"}";
  g_autofree char *a = sandbox_webhook_mac ("c2VjcmV0LWtleQ==", spaced, strlen (spaced));
  g_autofree char *b = sandbox_webhook_mac ("c2VjcmV0LWtleQ==", compact, strlen (compact));

  g_assert_cmpstr (a, ==, "hmac-sha256=e26da696a90933647bddc83995c3e1e3bb1c3d8ce1ff61cb7469767d50b2b2d4");
  g_assert_cmpstr (b, ==, "hmac-sha256=6486781ffbbd5e9ed3bd9137d539ab9dceec8dba7c65c6cbf3c8c3ceefbf8802");
}

/* Lookups are computed fields no API can create, and the demo has none: the
 * V2 form of one, checked in process on a lookup added to the demo data. */
static void
test_lookup_v2 (void)
{
  SandboxConfig config = { 0 };
  g_autoptr(GError) error = NULL;
  SandboxServer *server;
  SandboxBase *base = NULL;
  SandboxTable *projects, *tasks;
  SandboxField *link, *title, *lookup;
  g_autoptr(JsonObject) options = json_object_new ();
  SandboxRecord *project = NULL;
  g_autoptr(JsonNode) rest = NULL;
  g_autoptr(JsonNode) v2 = NULL;
  JsonObject *by_record;
  JsonArray *ids;

  config.access_ttl_s = 3600;
  config.refresh_ttl_s = 3600;
  config.penalty_s = 30;
  config.iterator_ttl_s = 300;
  server = sandbox_server_new (&config, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < server->bases->len; i++)
    if (g_str_equal (((SandboxBase *) server->bases->pdata[i])->name, "Product Roadmap"))
      base = server->bases->pdata[i];
  projects = sandbox_base_find_table (base, "Projects");
  tasks = sandbox_base_find_table (base, "Tasks");
  link = sandbox_table_find_field (projects, "Tasks");
  title = sandbox_table_find_field (tasks, "Title");
  json_object_set_string_member (options, "recordLinkFieldId", link->id);
  json_object_set_string_member (options, "fieldIdInLinkedTable", title->id);
  lookup = sandbox_table_add_field (projects, "Task titles", "multipleLookupValues", options);
  for (guint i = 0; i < projects->records->len && project == NULL; i++)
    {
      g_autoptr(JsonNode) links = sandbox_record_get_cell (server, projects, projects->records->pdata[i], link);

      if (links != NULL && json_array_get_length (json_node_get_array (links)) >= 2)
        project = projects->records->pdata[i];
    }
  g_assert_nonnull (project);
  rest = sandbox_record_get_cell (server, projects, project, lookup);
  v2 = sandbox_cell_to_v2 (server, projects, project, lookup, rest);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (v2));
  by_record = json_object_get_object_member (json_node_get_object (v2), "valuesByLinkedRecordId");
  ids = json_object_get_array_member (json_node_get_object (v2), "linkedRecordIds");
  g_assert_cmpuint (json_array_get_length (ids), >=, 2);
  g_assert_cmpuint (json_object_get_size (by_record), ==, json_array_get_length (ids));
  for (guint i = 0; i < json_array_get_length (ids); i++)
    {
      const char *rid = json_array_get_string_element (ids, i);
      SandboxRecord *task = g_hash_table_lookup (tasks->records_by_id, rid);
      JsonArray *values = json_object_get_array_member (by_record, rid);

      g_assert_nonnull (task);
      g_assert_cmpuint (json_array_get_length (values), ==, 1);
      g_assert_cmpstr (json_array_get_string_element (values, 0), ==,
                       json_object_get_string_member (task->cells, title->id));
    }
  /* the REST form is the flat list of the same values */
  g_assert_cmpuint (json_array_get_length (json_node_get_array (rest)), ==, json_array_get_length (ids));
  sandbox_server_free (server);
}

static void
test_expiry (void)
{
  g_autoptr(HangarTestSandbox) sb = start ();
  g_autofree char *base = sb_demo_base (sb);
  g_autofree char *hook = wh_create_id (sb, base, "{\"filters\":{\"dataTypes\":[\"tableData\"]}}");
  g_autofree char *refresh = g_strdup_printf ("/v0/bases/%s/webhooks/%s/refresh", base, hook);
  g_autofree char *record = wh_new_task (sb, base, "{\"Title\":\"before\"}");
  g_autoptr(JsonObject) listed = wh_find (sb, base, sb->pat, hook);
  gint64 expires = wh_parse_time (json_object_get_string_member (listed, "expirationTime"));

  /* six days on, still alive; reading payloads extends it by 7 days */
  wh_advance (sb, 6 * DAY_MS);
  g_assert_true (enabled (sb, base, hook));
  {
    g_autoptr(JsonObject) reply = wh_payloads (sb, base, hook, 1, NULL);
    g_autoptr(JsonObject) again = wh_find (sb, base, sb->pat, hook);

    g_assert_cmpint (wh_parse_time (json_object_get_string_member (again, "expirationTime")), >=, expires + 6 * DAY_MS);
    expires = wh_parse_time (json_object_get_string_member (again, "expirationTime"));
  }
  /* listing webhooks does not extend it */
  wh_advance (sb, DAY_MS);
  {
    g_autoptr(JsonObject) again = wh_find (sb, base, sb->pat, hook);

    g_assert_cmpint (wh_parse_time (json_object_get_string_member (again, "expirationTime")), ==, expires);
  }
  /* refresh: seven days from now */
  wh_advance (sb, 5 * DAY_MS);
  {
    g_autoptr(JsonObject) reply = sb_call (sb, "POST", refresh, sb->pat, NULL, 200);
    g_autoptr(JsonObject) with_body = sb_call (sb, "POST", refresh, sb->pat, "{}", 200);
    gint64 renewed = wh_parse_time (json_object_get_string_member (reply, "expirationTime"));

    g_assert_cmpint (renewed, >=, expires + 5 * DAY_MS);
    expires = renewed;
  }
  /* a change a day later, then no poll for six and a half days: expired
   * (it collects nothing and cannot be refreshed), but the change is less
   * than a week old and can still be read */
  wh_advance (sb, DAY_MS);
  wh_patch_task (sb, base, record, "{\"Title\":\"late\"}");
  wh_advance (sb, 13 * DAY_MS / 2);
  g_assert_false (enabled (sb, base, hook));
  wh_patch_task (sb, base, record, "{\"Title\":\"after\"}");
  {
    g_autoptr(JsonObject) listed2 = wh_find (sb, base, sb->pat, hook);
    g_autoptr(JsonObject) refused = sb_call (sb, "POST", refresh, sb->pat, NULL, 422);
    g_autoptr(JsonObject) reply = wh_payloads (sb, base, hook, 1, NULL);

    g_assert_cmpint (json_object_get_int_member (listed2, "cursorForNextPayload"), ==, 3);
    sb_assert_error (refused, "WEBHOOK_NOT_ACTIVE");
    /* the first payload is past its week; reading does not revive the webhook */
    g_assert_cmpuint (json_array_get_length (wh_list (reply)), ==, 1);
    g_assert_cmpint (json_object_get_int_member (reply, "cursor"), ==, 3);
    g_assert_false (enabled (sb, base, hook));
  }
  /* seven more days: gone */
  wh_advance (sb, 7 * DAY_MS);
  g_assert_null (wh_find (sb, base, sb->pat, hook));

  /* the control API expires one at once */
  {
    g_autofree char *other = wh_create_id (sb, base, "{\"filters\":{\"dataTypes\":[\"tableData\"]}}");
    g_autofree char *body = g_strdup_printf ("{\"webhook\":\"%s\"}", other);
    g_autoptr(JsonObject) expired = wh_control (sb, "webhooks/expire", body, 200);

    g_assert_false (enabled (sb, base, other));
  }
}

static void
test_retention (void)
{
  g_autoptr(HangarTestSandbox) sb = start ();
  g_autofree char *base = sb_demo_base (sb);
  g_autofree char *hook = wh_create_id (sb, base, "{\"filters\":{\"dataTypes\":[\"tableData\"]}}");
  g_autofree char *refresh = g_strdup_printf ("/v0/bases/%s/webhooks/%s/refresh", base, hook);
  g_autofree char *record = wh_new_task (sb, base, "{\"Title\":\"old news\"}");

  /* kept alive by refreshes, but its first payload is older than a week */
  wh_advance (sb, 5 * DAY_MS);
  {
    g_autoptr(JsonObject) a = sb_call (sb, "POST", refresh, sb->pat, NULL, 200);
  }
  wh_advance (sb, 3 * DAY_MS);
  g_assert_true (enabled (sb, base, hook));
  {
    g_autoptr(JsonObject) reply = wh_payloads (sb, base, hook, 1, NULL);

    g_assert_cmpuint (json_array_get_length (wh_list (reply)), ==, 0);
    g_assert_cmpint (json_object_get_int_member (reply, "cursor"), ==, 1);
  }
  /* cursors are never reused */
  wh_patch_task (sb, base, record, "{\"Points\":2}");
  {
    g_autoptr(JsonObject) reply = wh_payloads (sb, base, hook, 1, NULL);

    g_assert_cmpuint (json_array_get_length (wh_list (reply)), ==, 1);
    g_assert_cmpint (json_object_get_int_member (reply, "cursor"), ==, 3);
  }
  /* a week offline in one step: the payloads are dropped, the cursor stays */
  wh_patch_task (sb, base, record, "{\"Points\":3}");
  {
    g_autofree char *body = g_strdup_printf ("{\"webhook\":\"%s\"}", hook);
    g_autoptr(JsonObject) dropped = wh_control (sb, "webhooks/drop-payloads", body, 200);
    g_autoptr(JsonObject) reply = wh_payloads (sb, base, hook, 3, NULL);
    g_autoptr(JsonObject) listed = wh_find (sb, base, sb->pat, hook);

    g_assert_cmpint (json_object_get_int_member (dropped, "dropped"), ==, 2);
    g_assert_cmpuint (json_array_get_length (wh_list (reply)), ==, 0);
    g_assert_cmpint (json_object_get_int_member (listed, "cursorForNextPayload"), ==, 4);
  }
}

static char *
oauth_token (HangarTestSandbox *sb,
             const char        *client_id)
{
  Pkce pkce;
  g_autofree char *code = NULL;
  g_autoptr(Reply) r = NULL;

  pkce_make (&pkce, 96);
  code = get_code (sb->url, client_id, sb->redirect_uri, "webhook:manage data.records:read schema.bases:read", &pkce);
  r = exchange (sb->url, client_id, sb->redirect_uri, code, pkce.verifier);
  g_assert_cmpuint (r->status, ==, 200);
  return g_strdup (json_str (r, "access_token"));
}

static void
test_limits_and_oauth (void)
{
  g_autoptr(HangarTestSandbox) sb = start ();
  g_autofree char *base = sb_demo_base (sb);
  g_autofree char *path = g_strdup_printf ("/v0/bases/%s/webhooks", base);
  const char *spec = "{\"specification\":{\"options\":{\"filters\":{\"dataTypes\":[\"tableData\"]}}}}";
  g_autofree char *integration_body = g_strdup_printf ("{\"name\":\"Second app\",\"redirect_uris\":[\"%s\"]}", sb->redirect_uri);
  g_autoptr(JsonObject) integration = wh_control (sb, "integrations", integration_body, 200);
  g_autofree char *app1 = oauth_token (sb, sb->client_id);
  g_autofree char *app2 = oauth_token (sb, json_object_get_string_member (integration, "client_id"));
  g_autoptr(GPtrArray) app1_hooks = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *pat_hook = NULL;

  /* an integration may have two webhooks in a base */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(JsonObject) made = wh_create (sb, base, app1, spec, 200);

      g_ptr_array_add (app1_hooks, g_strdup (json_object_get_string_member (made, "id")));
    }
  {
    g_autoptr(JsonObject) third = wh_create (sb, base, app1, spec, 422);

    sb_assert_error (third, "TOO_MANY_WEBHOOKS_IN_BASE_FOR_INTEGRATION");
  }
  /* each integration sees its own; a PAT sees every one */
  {
    g_autoptr(JsonObject) made = wh_create (sb, base, app2, spec, 200);
    g_autoptr(JsonObject) own = sb_call (sb, "GET", path, app2, NULL, 200);
    g_autoptr(JsonObject) all = sb_call (sb, "GET", path, sb->pat, NULL, 200);
    g_autofree char *foreign = g_strdup_printf ("%s/%s", path, (char *) app1_hooks->pdata[0]);
    g_autofree char *foreign_payloads = g_strdup_printf ("%s/%s/payloads", path, (char *) app1_hooks->pdata[0]);
    g_autoptr(JsonObject) hidden = sb_call (sb, "DELETE", foreign, app2, NULL, 404);
    g_autoptr(JsonObject) hidden2 = sb_call (sb, "GET", foreign_payloads, app2, NULL, 404);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (own, "webhooks")), ==, 1);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (all, "webhooks")), ==, 3);
  }
  /* ten per base, whoever makes them */
  for (guint i = 0; i < 7; i++)
    g_free (wh_create_id (sb, base, "{\"filters\":{\"dataTypes\":[\"tableData\"]}}"));
  {
    g_autoptr(JsonObject) eleventh = wh_create (sb, base, sb->pat, spec, 422);

    sb_assert_error (eleventh, "TOO_MANY_WEBHOOKS_IN_BASE");
  }
  /* deleting one makes room */
  {
    g_autofree char *one = g_strdup_printf ("%s/%s", path, (char *) app1_hooks->pdata[1]);
    g_autoptr(JsonObject) deleted = sb_call (sb, "DELETE", one, app1, NULL, 200);

    pat_hook = wh_create_id (sb, base, "{\"filters\":{\"dataTypes\":[\"tableData\"]}}");
  }
  /* another base has its own count */
  {
    g_autofree char *other = hangar_test_sandbox_base_id (sb, sb->pat, "Content Calendar");

    g_free (wh_create_id (sb, other, "{\"filters\":{\"dataTypes\":[\"tableData\"]}}"));
  }
}

/* The consent page says in words what webhook:manage lets an app do. */
static void
test_consent_scope (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--quiet", NULL);
  Pkce pkce;
  g_autofree char *path = NULL;
  g_autoptr(Reply) page = NULL;

  pkce_make (&pkce, 96);
  path = authorize_path (sb->client_id, sb->redirect_uri, "webhook:manage data.records:read", &pkce, NULL);
  page = http (sb->url, "GET", path, NULL, NULL, NULL);
  g_assert_cmpuint (page->status, ==, 200);
  g_assert_nonnull (strstr (page->body, "Create webhooks that report changes in your bases to this app"));
}

static void
test_error_payload (void)
{
  g_autoptr(HangarTestSandbox) sb = start ();
  g_autofree char *base = sb_demo_base (sb);
  g_autofree char *tasks = wh_table_id (sb, base, "Tasks");
  g_autofree char *people = wh_table_id (sb, base, "People");
  g_autofree char *points = wh_field_id (sb, base, "Tasks", "Points");
  g_autofree char *due = wh_field_id (sb, base, "Tasks", "Due");
  g_autofree char *watch = g_strdup_printf ("{\"filters\":{\"dataTypes\":[\"tableData\"],\"watchDataInFieldIds\":[\"%s\"]}}", points);
  g_autofree char *include = g_strdup_printf ("{\"filters\":{\"dataTypes\":[\"tableData\"]},\"includes\":{\"includeCellValuesInFieldIds\":[\"%s\"]}}", due);
  g_autofree char *scope = g_strdup_printf ("{\"filters\":{\"dataTypes\":[\"tableData\"],\"recordChangeScope\":\"%s\"}}", people);
  g_autofree char *watching = wh_create_id (sb, base, watch);
  g_autofree char *including = wh_create_id (sb, base, include);
  g_autofree char *scoped = wh_create_id (sb, base, scope);
  g_autofree char *record = wh_new_task (sb, base, "{\"Title\":\"soon broken\",\"Points\":1}");
  g_autofree char *drop_points = g_strdup_printf ("{\"base\":\"%s\",\"table\":\"Tasks\",\"action\":\"delete-field\",\"field\":\"%s\"}", base, points);
  g_autofree char *drop_due = g_strdup_printf ("{\"base\":\"%s\",\"table\":\"Tasks\",\"action\":\"delete-field\",\"field\":\"%s\"}", base, due);
  g_autofree char *drop_people = g_strdup_printf ("{\"base\":\"%s\",\"table\":\"People\",\"action\":\"delete-table\"}", base);
  g_autofree char *fields_path = g_strdup_printf ("/v0/meta/bases/%s/tables/%s/fields", base, tasks);

  g_autoptr(JsonObject) a = wh_control (sb, "schema", drop_points, 200);
  {
    g_autoptr(JsonObject) reply = wh_payloads (sb, base, watching, 1, NULL);
    guint n = json_array_get_length (wh_list (reply));
    JsonObject *last = wh_nth (reply, n - 1);
    JsonObject *table = wh_object (last, "changedTablesById", tasks, NULL);

    g_assert_cmpuint (n, ==, 2);
    g_assert_true (json_object_get_boolean_member (last, "error"));
    g_assert_cmpstr (json_object_get_string_member (last, "code"), ==, "INVALID_HOOK");
    g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (table, "destroyedFieldIds"), 0), ==, points);
    g_assert_cmpstr (json_object_get_string_member (wh_object (last, "actionMetadata", NULL), "source"), ==, "client");
  }
  g_assert_false (enabled (sb, base, watching));
  /* no more payloads, even when a field of that name comes back */
  {
    g_autoptr(JsonObject) field = sb_call (sb, "POST", fields_path, sb->pat, "{\"name\":\"Points\",\"type\":\"number\"}", 200);
    g_autoptr(JsonObject) listed = NULL;

    wh_patch_task (sb, base, record, "{\"Points\":9}");
    listed = wh_find (sb, base, sb->pat, watching);
    g_assert_cmpint (json_object_get_int_member (listed, "cursorForNextPayload"), ==, 3);
    g_assert_false (json_object_get_boolean_member (listed, "isHookEnabled"));
  }
  /* a deleted field that was only included: no error */
  {
    g_autoptr(JsonObject) b = wh_control (sb, "schema", drop_due, 200);

    wh_patch_task (sb, base, record, "{\"Title\":\"still fine\"}");
    g_assert_true (enabled (sb, base, including));
  }
  /* the scope's table deleted */
  {
    g_autoptr(JsonObject) c = wh_control (sb, "schema", drop_people, 200);
    g_autoptr(JsonObject) reply = wh_payloads (sb, base, scoped, 1, NULL);
    guint n = json_array_get_length (wh_list (reply));
    JsonObject *last = wh_nth (reply, n - 1);

    g_assert_true (json_object_get_boolean_member (last, "error"));
    g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (last, "destroyedTableIds"), 0), ==, people);
    g_assert_false (enabled (sb, base, scoped));
  }
  /* the primary field and the last table stay */
  {
    g_autofree char *title = wh_field_id (sb, base, "Tasks", "Title");
    g_autofree char *body = g_strdup_printf ("{\"base\":\"%s\",\"table\":\"Tasks\",\"action\":\"delete-field\",\"field\":\"%s\"}", base, title);
    g_autoptr(JsonObject) refused = wh_control (sb, "schema", body, 422);
  }
}

/* ------------------------------------------------------------------ pings */

typedef struct
{
  SoupServer *server;
  char       *url;
  guint       answer;     /* the status to answer */
  GPtrArray  *bodies;     /* char* */
  GPtrArray  *macs;       /* char* */
} Receiver;

static void
receiver_cb (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           data)
{
  Receiver *r = data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  const char *mac = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "X-Airtable-Content-MAC");

  g_ptr_array_add (r->bodies, g_strndup (body->data, body->length));
  g_ptr_array_add (r->macs, g_strdup (mac != NULL ? mac : ""));
  soup_server_message_set_status (msg, r->answer, NULL);
}

static Receiver *
receiver_new (void)
{
  Receiver *r = g_new0 (Receiver, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  r->server = soup_server_new (NULL, NULL);
  r->answer = 200;
  r->bodies = g_ptr_array_new_with_free_func (g_free);
  r->macs = g_ptr_array_new_with_free_func (g_free);
  soup_server_add_handler (r->server, "/ping", receiver_cb, r, NULL);
  g_assert_true (soup_server_listen_local (r->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (r->server);
  r->url = g_strdup_printf ("http://127.0.0.1:%d/ping", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return r;
}

static void
receiver_free (Receiver *r)
{
  g_object_unref (r->server);
  g_free (r->url);
  g_ptr_array_unref (r->bodies);
  g_ptr_array_unref (r->macs);
  g_free (r);
}

static gboolean
tick_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Serves pings (the receiver lives on this thread's main context) until
 * @count have arrived. */
static void
wait_pings (Receiver *r,
            guint     count)
{
  while (r->bodies->len < count)
    {
      gboolean ticked = FALSE;

      g_timeout_add (10, tick_cb, &ticked);
      while (!ticked)
        g_main_context_iteration (NULL, TRUE);
    }
}

/* Serves pings until the webhook's last result says @success (and, for a
 * failure, that no retry follows). */
static JsonObject *
wait_result (HangarTestSandbox *sb,
             const char        *base,
             const char        *hook,
             gboolean           success)
{
  for (;;)
    {
      g_autoptr(JsonObject) listed = wh_find (sb, base, sb->pat, hook);
      JsonNode *last = json_object_get_member (listed, "lastNotificationResult");
      gboolean ticked = FALSE;

      if (last != NULL && JSON_NODE_HOLDS_OBJECT (last))
        {
          JsonObject *result = json_node_get_object (last);

          if (json_object_get_boolean_member (result, "success") == success
              && (success || !json_object_get_boolean_member (result, "willBeRetried")))
            return json_object_ref (listed);
        }
      g_timeout_add (10, tick_cb, &ticked);
      while (!ticked)
        g_main_context_iteration (NULL, TRUE);
    }
}

static void
assert_ping (Receiver   *r,
             guint       i,
             const char *base,
             const char *hook,
             const char *secret)
{
  const char *body = r->bodies->pdata[i];
  g_autofree char *prefix = g_strdup_printf ("{\"base\":{\"id\":\"%s\"},\"webhook\":{\"id\":\"%s\"},\"timestamp\":\"", base, hook);
  gsize key_len = 0;
  g_autofree guchar *key = g_base64_decode (secret, &key_len);
  g_autofree char *hex = g_compute_hmac_for_data (G_CHECKSUM_SHA256, key, key_len, (const guchar *) body, strlen (body));
  g_autofree char *expected = g_strconcat ("hmac-sha256=", hex, NULL);

  g_assert_true (g_str_has_prefix (body, prefix));
  g_assert_true (g_str_has_suffix (body, "Z\"}"));
  g_assert_cmpstr (r->macs->pdata[i], ==, expected);
}

static void
test_pings (void)
{
  g_autoptr(HangarTestSandbox) sb = start ();
  g_autofree char *base = sb_demo_base (sb);
  Receiver *r = receiver_new ();
  g_autofree char *body = g_strdup_printf ("{\"notificationUrl\":\"%s\",\"specification\":{\"options\":{\"filters\":"
                                           "{\"dataTypes\":[\"tableData\"]}}}}", r->url);
  g_autoptr(JsonObject) created = wh_create (sb, base, sb->pat, body, 200);
  const char *hook = json_object_get_string_member (created, "id");
  const char *secret = json_object_get_string_member (created, "macSecretBase64");
  g_autofree char *enable = g_strdup_printf ("/v0/bases/%s/webhooks/%s/enableNotifications", base, hook);
  g_autofree char *record = NULL;
  g_autoptr(JsonObject) listed = wh_find (sb, base, sb->pat, hook);
  guint before;

  g_assert_true (json_object_get_boolean_member (listed, "areNotificationsEnabled"));
  g_assert_cmpstr (json_object_get_string_member (listed, "notificationUrl"), ==, r->url);
  /* one ping shortly after create, then one per change */
  wait_pings (r, 1);
  assert_ping (r, 0, base, hook, secret);
  record = wh_new_task (sb, base, "{\"Title\":\"ping\"}");
  wait_pings (r, 2);
  assert_ping (r, 1, base, hook, secret);
  {
    g_autoptr(JsonObject) ok = wait_result (sb, base, hook, TRUE);
    JsonObject *result = json_object_get_object_member (ok, "lastNotificationResult");

    g_assert_false (json_object_get_null_member (ok, "lastSuccessfulNotificationTime"));
    g_assert_cmpint (json_object_get_int_member (result, "retryNumber"), ==, 0);
    g_assert_false (json_object_has_member (result, "error"));
  }

  /* a receiver that fails: retried 13 times, then notifications are off */
  {
    g_autoptr(JsonObject) settings = wh_control (sb, "webhooks/settings", "{\"retry_base_ms\":1}", 200);
    g_autoptr(JsonObject) failed = NULL;
    JsonObject *result;

    r->answer = 503;
    before = r->bodies->len;
    wh_patch_task (sb, base, record, "{\"Points\":4}");
    failed = wait_result (sb, base, hook, FALSE);
    result = json_object_get_object_member (failed, "lastNotificationResult");
    g_assert_cmpuint (r->bodies->len - before, ==, 14);
    g_assert_cmpint (json_object_get_int_member (result, "retryNumber"), ==, 13);
    g_assert_false (json_object_get_boolean_member (result, "willBeRetried"));
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (result, "error"), "message"), ==,
                     "The HTTP request returned a 503 status code instead of 200 or 204.");
    g_assert_false (json_object_get_boolean_member (failed, "areNotificationsEnabled"));
    /* payloads were still collected */
    g_assert_cmpint (json_object_get_int_member (failed, "cursorForNextPayload"), ==, 3);
  }
  /* while off, no pings */
  before = r->bodies->len;
  wh_patch_task (sb, base, record, "{\"Points\":5}");
  g_assert_cmpuint (r->bodies->len, ==, before);
  /* turned back on, a 204 is a success */
  {
    g_autoptr(JsonObject) on = sb_call (sb, "POST", enable, sb->pat, "{\"enable\":true}", 200);
    g_autoptr(JsonObject) bad = sb_call (sb, "POST", enable, sb->pat, "{\"enable\":1}", 422);

    g_assert_cmpuint (json_object_get_size (on), ==, 0);
    r->answer = 204;
    wh_patch_task (sb, base, record, "{\"Points\":6}");
    json_object_unref (wait_result (sb, base, hook, TRUE));
    /* one ping for this change, none for the one made while they were off */
    g_assert_cmpuint (r->bodies->len, ==, before + 1);
    assert_ping (r, r->bodies->len - 1, base, hook, secret);
  }
  /* and off again on request */
  {
    g_autoptr(JsonObject) off = sb_call (sb, "POST", enable, sb->pat, "{\"enable\":false}", 200);
    g_autoptr(JsonObject) again = wh_find (sb, base, sb->pat, hook);

    g_assert_false (json_object_get_boolean_member (again, "areNotificationsEnabled"));
  }
  /* without a URL there is nothing to turn on */
  {
    g_autofree char *plain = wh_create_id (sb, base, "{\"filters\":{\"dataTypes\":[\"tableData\"]}}");
    g_autofree char *path = g_strdup_printf ("/v0/bases/%s/webhooks/%s/enableNotifications", base, plain);
    g_autoptr(JsonObject) on = sb_call (sb, "POST", path, sb->pat, "{\"enable\":true}", 200);
    g_autoptr(JsonObject) again = wh_find (sb, base, sb->pat, plain);

    g_assert_false (json_object_get_boolean_member (again, "areNotificationsEnabled"));
  }
  /* a URL that is not loopback: accepted, never contacted */
  {
    g_autofree char *far = g_strdup ("{\"notificationUrl\":\"https://example.com/hook\",\"specification\":{\"options\":"
                                     "{\"filters\":{\"dataTypes\":[\"tableData\"]}}}}");
    g_autoptr(JsonObject) made = wh_create (sb, base, sb->pat, far, 200);
    g_autoptr(JsonObject) result = wait_result (sb, base, json_object_get_string_member (made, "id"), FALSE);
    JsonObject *last = json_object_get_object_member (result, "lastNotificationResult");

    g_assert_nonnull (strstr (json_object_get_string_member (json_object_get_object_member (last, "error"), "message"), "loopback"));
  }
  receiver_free (r);
}

static void
test_persistence (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sandbox-webhooks-XXXXXX", &error);
  g_autofree char *base = NULL;
  g_autofree char *hook = NULL;
  g_autofree char *secret = NULL;
  gint64 tx = 0;

  g_assert_no_error (error);
  {
    g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--no-rate-limit", "--quiet", "--state-dir", dir, NULL);
    g_autofree char *record = NULL;
    g_autoptr(JsonObject) created = NULL;
    g_autoptr(JsonObject) reply = NULL;

    base = sb_demo_base (sb);
    created = wh_create (sb, base, sb->pat, "{\"specification\":{\"options\":{\"filters\":{\"dataTypes\":[\"tableData\"]}}}}", 200);
    hook = g_strdup (json_object_get_string_member (created, "id"));
    record = wh_new_task (sb, base, "{\"Title\":\"kept\"}");
    wh_advance (sb, DAY_MS);
    reply = wh_payloads (sb, base, hook, 1, NULL);
    tx = json_object_get_int_member (wh_nth (reply, 0), "baseTransactionNumber");
  }
  {
    g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--no-rate-limit", "--quiet", "--state-dir", dir, NULL);
    g_autoptr(JsonObject) reply = wh_payloads (sb, base, hook, 1, NULL);
    g_autoptr(JsonObject) listed = wh_find (sb, base, sb->pat, hook);
    g_autofree char *record = NULL;

    g_assert_cmpuint (json_array_get_length (wh_list (reply)), ==, 1);
    g_assert_true (json_object_get_boolean_member (listed, "isHookEnabled"));
    g_assert_cmpint (json_object_get_int_member (listed, "cursorForNextPayload"), ==, 2);
    record = wh_new_task (sb, base, "{\"Title\":\"after restart\"}");
    {
      g_autoptr(JsonObject) more = wh_payloads (sb, base, hook, 2, NULL);

      g_assert_cmpint (json_object_get_int_member (wh_nth (more, 0), "baseTransactionNumber"), >, tx);
      g_assert_cmpint (json_object_get_int_member (more, "cursor"), ==, 3);
    }
  }
  sb_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();

  g_test_add_func ("/hangar/sandbox/webhooks/mac", test_mac);
  g_test_add_func ("/hangar/sandbox/webhooks/lookup-v2", test_lookup_v2);
  g_test_add_func ("/hangar/sandbox/webhooks/expiry", test_expiry);
  g_test_add_func ("/hangar/sandbox/webhooks/retention", test_retention);
  g_test_add_func ("/hangar/sandbox/webhooks/limits-and-oauth", test_limits_and_oauth);
  g_test_add_func ("/hangar/sandbox/webhooks/consent-scope", test_consent_scope);
  g_test_add_func ("/hangar/sandbox/webhooks/error-payload", test_error_payload);
  g_test_add_func ("/hangar/sandbox/webhooks/pings", test_pings);
  g_test_add_func ("/hangar/sandbox/webhooks/persistence", test_persistence);

  return g_test_run ();
}
