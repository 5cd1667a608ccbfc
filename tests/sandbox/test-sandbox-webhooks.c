/* test-sandbox-webhooks.c — the webhooks API of a real hangar-sandbox over
 * real HTTP: create, list, delete, validation, scopes and roles, the payload
 * format, cursors, filters, sources and schema changes
 *
 * Lifetimes, limits, error payloads, pings and persistence are in
 * test-sandbox-webhooks-life.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "test-sandbox-webhooks-common.h"

static HangarTestSandbox *
start (void)
{
  return hangar_test_sandbox_start ("--no-rate-limit", "--quiet", NULL);
}

static void
test_create_list_delete (void)
{
  g_autoptr(HangarTestSandbox) sb = start ();
  g_autofree char *base = sb_demo_base (sb);
  g_autofree char *tasks = wh_table_id (sb, base, "Tasks");
  g_autofree char *spec = g_strdup_printf ("{\"options\":{\"filters\":{\"dataTypes\":[\"tableData\"],\"recordChangeScope\":\"%s\"}}}", tasks);
  g_autofree char *body = g_strdup_printf ("{\"specification\":%s}", spec);
  g_autoptr(JsonObject) created = wh_create (sb, base, sb->pat, body, 200);
  const char *id = json_object_get_string_member (created, "id");
  g_autofree char *keys = wh_keys (created);
  gsize secret_len = 0;
  g_autofree guchar *secret = g_base64_decode (json_object_get_string_member (created, "macSecretBase64"), &secret_len);
  gint64 expires = wh_parse_time (json_object_get_string_member (created, "expirationTime"));
  gint64 now = g_get_real_time () / 1000;
  g_autoptr(JsonObject) listed = NULL;
  g_autoptr(JsonObject) payloads = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *list_keys = NULL;
  g_autofree char *path = NULL;

  g_assert_cmpstr (keys, ==, "id,macSecretBase64,expirationTime");
  g_assert_true (g_str_has_prefix (id, "ach") && strlen (id) == 17);
  g_assert_cmpuint (secret_len, ==, 128);
  /* seven days from now (the server's clock read before ours) */
  g_assert_cmpint (expires, <=, now + 7 * DAY_MS);
  g_assert_cmpint (expires, >, now + 7 * DAY_MS - 600000);

  listed = wh_find (sb, base, sb->pat, id);
  g_assert_nonnull (listed);
  list_keys = wh_keys (listed);
  g_assert_cmpstr (list_keys, ==, "id,specification,notificationUrl,cursorForNextPayload,lastNotificationResult,"
                                  "areNotificationsEnabled,lastSuccessfulNotificationTime,isHookEnabled,expirationTime");
  g_assert_true (json_object_get_null_member (listed, "notificationUrl"));
  g_assert_true (json_object_get_null_member (listed, "lastNotificationResult"));
  g_assert_true (json_object_get_null_member (listed, "lastSuccessfulNotificationTime"));
  g_assert_false (json_object_get_boolean_member (listed, "areNotificationsEnabled"));
  g_assert_true (json_object_get_boolean_member (listed, "isHookEnabled"));
  g_assert_cmpint (json_object_get_int_member (listed, "cursorForNextPayload"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (listed, "expirationTime"), ==,
                   json_object_get_string_member (created, "expirationTime"));
  /* the specification as registered */
  json_parser_load_from_data (parser, spec, -1, NULL);
  {
    g_autoptr(JsonNode) got = json_node_init_object (json_node_alloc (), json_object_get_object_member (listed, "specification"));

    g_assert_true (json_node_equal (got, json_parser_get_root (parser)));
  }

  /* creating a webhook makes no payload */
  payloads = wh_payloads (sb, base, id, 1, NULL);
  g_assert_cmpuint (json_array_get_length (wh_list (payloads)), ==, 0);
  g_assert_cmpint (json_object_get_int_member (payloads, "cursor"), ==, 1);
  g_assert_false (json_object_get_boolean_member (payloads, "mightHaveMore"));
  g_assert_cmpstr (json_object_get_string_member (payloads, "payloadFormat"), ==, "v0");

  path = g_strdup_printf ("/v0/bases/%s/webhooks/%s", base, id);
  {
    g_autoptr(JsonObject) deleted = sb_call (sb, "DELETE", path, sb->pat, NULL, 200);
    g_autoptr(JsonObject) again = sb_call (sb, "DELETE", path, sb->pat, NULL, 404);
    g_autofree char *payload_path = g_strdup_printf ("%s/payloads", path);
    g_autoptr(JsonObject) gone = sb_call (sb, "GET", payload_path, sb->pat, NULL, 404);

    g_assert_cmpuint (json_object_get_size (deleted), ==, 0);
    sb_assert_error (again, "MODEL_ID_NOT_FOUND");
    sb_assert_error (gone, "MODEL_ID_NOT_FOUND");
  }
  g_assert_null (wh_find (sb, base, sb->pat, id));
}

static void
test_validation (void)
{
  g_autoptr(HangarTestSandbox) sb = start ();
  g_autofree char *base = sb_demo_base (sb);
  g_autofree char *path = g_strdup_printf ("/v0/bases/%s/webhooks", base);
  const struct { const char *body; guint status; const char *type; } cases[] = {
    { "{}", 422, "INVALID_REQUEST_UNKNOWN" },
    { "{\"specification\":5}", 422, "INVALID_REQUEST_UNKNOWN" },
    { "{\"specification\":{}}", 422, "INVALID_REQUEST_UNKNOWN" },
    { "{\"specification\":{\"options\":{}}}", 422, "INVALID_REQUEST_UNKNOWN" },
    { "{\"specification\":{\"options\":{\"filters\":{}}}}", 422, "INVALID_FILTERS" },
    { "{\"specification\":{\"options\":{\"filters\":{\"dataTypes\":[]}}}}", 422, "INVALID_FILTERS" },
    { "{\"specification\":{\"options\":{\"filters\":{\"dataTypes\":[\"records\"]}}}}", 422, "INVALID_FILTERS" },
    { "{\"specification\":{\"options\":{\"filters\":{\"dataTypes\":[\"tableData\"],\"recordChangeScope\":\"Tasks\"}}}}", 422, "INVALID_FILTERS" },
    { "{\"specification\":{\"options\":{\"filters\":{\"dataTypes\":[\"tableData\"],\"recordChangeScope\":\"tbl00000000000000\"}}}}", 422, "INVALID_FILTERS" },
    { "{\"specification\":{\"options\":{\"filters\":{\"dataTypes\":[\"tableData\"],\"watchDataInFieldIds\":[\"Points\"]}}}}", 422, "INVALID_FILTERS" },
    { "{\"specification\":{\"options\":{\"filters\":{\"dataTypes\":[\"tableData\"],\"changeTypes\":[\"move\"]}}}}", 422, "INVALID_FILTERS" },
    { "{\"specification\":{\"options\":{\"filters\":{\"dataTypes\":[\"tableData\"],\"fromSources\":[\"telepathy\"]}}}}", 422, "INVALID_FILTERS" },
    { "{\"specification\":{\"options\":{\"filters\":{\"dataTypes\":[\"tableData\"],\"colour\":1}}}}", 422, "INVALID_FILTERS" },
    { "{\"specification\":{\"options\":{\"filters\":{\"dataTypes\":[\"tableData\"],\"sourceOptions\":{\"formSubmission\":{}}}}}}", 422, "INVALID_FILTERS" },
    { "{\"specification\":{\"options\":{\"filters\":{\"dataTypes\":[\"tableData\"]},\"includes\":{\"includePreviousCellValues\":\"yes\"}}}}", 422, "INVALID_REQUEST_UNKNOWN" },
    { "{\"specification\":{\"options\":{\"filters\":{\"dataTypes\":[\"tableData\"]},\"includes\":{\"includeCellValuesInFieldIds\":\"some\"}}}}", 422, "INVALID_FILTERS" },
    { "{\"specification\":{\"options\":{\"filters\":{\"dataTypes\":[\"tableData\"]}}},\"notificationUrl\":\"ftp://127.0.0.1/x\"}", 422, "INVALID_REQUEST_UNKNOWN" },
    { "{\"specification\":{\"options\":{\"filters\":{\"dataTypes\":[\"tableData\"]}}},\"notificationUrl\":7}", 422, "INVALID_REQUEST_UNKNOWN" },
    { "{\"specification\":{\"options\":{\"filters\":{\"dataTypes\":[\"tableData\"]}}},\"extra\":1}", 422, "INVALID_REQUEST_UNKNOWN" },
    { "{'specification':{}}", 400, "INVALID_REQUEST_BODY" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) reply = NULL;

      g_test_message ("case %u: %s", i, cases[i].body);
      reply = sb_call (sb, "POST", path, sb->pat, cases[i].body, cases[i].status);
      sb_assert_error (reply, cases[i].type);
    }
  /* an empty body */
  {
    g_autoptr(JsonObject) reply = sb_call (sb, "POST", path, sb->pat, NULL, 422);

    sb_assert_error (reply, "INVALID_REQUEST_UNKNOWN");
  }
  /* unknown routes and methods */
  {
    g_autofree char *other = g_strdup_printf ("/v0/bases/%s/webhooks/achNope/whatever", base);
    g_autoptr(JsonObject) a = sb_call (sb, "PATCH", path, sb->pat, "{}", 404);
    g_autoptr(JsonObject) b = sb_call (sb, "GET", other, sb->pat, NULL, 404);
  }
  /* nothing was created */
  {
    g_autoptr(JsonObject) list = sb_call (sb, "GET", path, sb->pat, NULL, 200);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (list, "webhooks")), ==, 0);
  }
}

static char *
pat_with (HangarTestSandbox *sb,
          const char        *user,
          const char        *scopes)
{
  g_autofree char *body = g_strdup_printf ("{\"user\":\"%s\",\"scopes\":%s}", user, scopes);
  g_autoptr(JsonObject) reply = sb_call (sb, "POST", "/__sandbox/pats", NULL, body, 200);

  return g_strdup (json_object_get_string_member (reply, "token"));
}

static void
test_scopes_and_roles (void)
{
  g_autoptr(HangarTestSandbox) sb = start ();
  g_autofree char *base = sb_demo_base (sb);
  g_autofree char *path = g_strdup_printf ("/v0/bases/%s/webhooks", base);
  g_autofree char *no_manage = pat_with (sb, "demo@hangar.test", "[\"data.records:read\",\"schema.bases:read\"]");
  g_autofree char *no_data = pat_with (sb, "demo@hangar.test", "[\"webhook:manage\",\"schema.bases:read\"]");
  g_autofree char *reader = pat_with (sb, "other@hangar.test", "[\"webhook:manage\",\"data.records:read\",\"schema.bases:read\"]");
  const char *data_spec = "{\"specification\":{\"options\":{\"filters\":{\"dataTypes\":[\"tableData\"]}}}}";
  const char *field_spec = "{\"specification\":{\"options\":{\"filters\":{\"dataTypes\":[\"tableFields\"]}}}}";
  g_autofree char *hook = wh_create_id (sb, base, "{\"filters\":{\"dataTypes\":[\"tableData\"]}}");
  g_autofree char *payloads = g_strdup_printf ("%s/%s/payloads", path, hook);
  g_autofree char *refresh = g_strdup_printf ("%s/%s/refresh", path, hook);

  /* webhook:manage on every route */
  {
    g_autoptr(JsonObject) a = sb_call (sb, "GET", path, no_manage, NULL, 403);
    g_autoptr(JsonObject) b = sb_call (sb, "POST", path, no_manage, data_spec, 403);
    g_autoptr(JsonObject) c = sb_call (sb, "GET", payloads, no_manage, NULL, 403);
    g_autoptr(JsonObject) d = sb_call (sb, "POST", refresh, no_manage, NULL, 403);

    sb_assert_error (a, "INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND");
  }
  /* tableData needs data.records:read, tableFields schema.bases:read */
  {
    g_autoptr(JsonObject) a = sb_call (sb, "POST", path, no_data, data_spec, 403);
    g_autoptr(JsonObject) b = sb_call (sb, "POST", path, no_data, field_spec, 200);
    g_autoptr(JsonObject) c = sb_call (sb, "GET", payloads, no_data, NULL, 403);
  }
  /* a base the user cannot see */
  {
    g_autoptr(JsonObject) a = sb_call (sb, "GET", path, reader, NULL, 403);
  }
  /* a read-only collaborator may look, not change */
  {
    g_autofree char *share = g_strdup_printf ("{\"base\":\"%s\",\"user\":\"other@hangar.test\",\"permission\":\"read\"}", base);
    g_autoptr(JsonObject) shared = wh_control (sb, "share", share, 200);
    g_autoptr(JsonObject) a = sb_call (sb, "GET", path, reader, NULL, 200);
    g_autoptr(JsonObject) b = sb_call (sb, "GET", payloads, reader, NULL, 200);
    g_autoptr(JsonObject) c = sb_call (sb, "POST", path, reader, data_spec, 403);
    g_autoptr(JsonObject) d = sb_call (sb, "POST", refresh, reader, NULL, 403);
    g_autofree char *one = g_strdup_printf ("%s/%s", path, hook);
    g_autoptr(JsonObject) e = sb_call (sb, "DELETE", one, reader, NULL, 403);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (a, "webhooks")), ==, 2);
  }
  /* no token at all */
  {
    g_autoptr(JsonObject) a = sb_call (sb, "GET", path, NULL, NULL, 401);

    sb_assert_error (a, "AUTHENTICATION_REQUIRED");
  }
}

static void
test_payload_format (void)
{
  g_autoptr(HangarTestSandbox) sb = start ();
  g_autofree char *base = sb_demo_base (sb);
  g_autofree char *tasks = wh_table_id (sb, base, "Tasks");
  g_autofree char *title = wh_field_id (sb, base, "Tasks", "Title");
  g_autofree char *points = wh_field_id (sb, base, "Tasks", "Points");
  g_autofree char *labels = wh_field_id (sb, base, "Tasks", "Labels");
  g_autofree char *project = wh_field_id (sb, base, "Tasks", "Project");
  g_autofree char *done = wh_field_id (sb, base, "Tasks", "Done");
  g_autofree char *hook = wh_create_id (sb, base, "{\"filters\":{\"dataTypes\":[\"tableData\"]},"
                                                  "\"includes\":{\"includePreviousCellValues\":true,"
                                                  "\"includeCellValuesInFieldIds\":\"all\"}}");
  g_autofree char *projects_path = g_strdup_printf ("/v0/%s/Projects?maxRecords=1", base);
  g_autoptr(JsonObject) projects = sb_call (sb, "GET", projects_path, sb->pat, NULL, 200);
  JsonObject *first_project = json_array_get_object_element (sb_records (projects), 0);
  const char *project_id = json_object_get_string_member (first_project, "id");
  const char *project_name = json_object_get_string_member (sb_fields (first_project), "Name");
  g_autofree char *fields = g_strdup_printf ("{\"Title\":\"Hooked\",\"Points\":3,\"Labels\":[\"urgent\"],"
                                             "\"Project\":[\"%s\"],\"Done\":true}", project_id);
  g_autofree char *record = wh_new_task (sb, base, fields);
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonObject) whoami = sb_call (sb, "GET", "/v0/meta/whoami", sb->pat, NULL, 200);
  JsonObject *created, *changed, *payload, *cells, *user;
  JsonNode *node;
  g_autofree char *keys = NULL;
  gint64 first_tx;

  wh_patch_task (sb, base, record, "{\"Points\":5,\"Done\":false}");
  {
    g_autofree char *path = g_strdup_printf ("/v0/%s/Tasks/%s", base, record);
    g_autoptr(JsonObject) deleted = sb_call (sb, "DELETE", path, sb->pat, NULL, 200);
  }

  reply = wh_payloads (sb, base, hook, 1, NULL);
  g_assert_cmpuint (json_array_get_length (wh_list (reply)), ==, 3);
  g_assert_cmpint (json_object_get_int_member (reply, "cursor"), ==, 4);
  g_assert_false (json_object_get_boolean_member (reply, "mightHaveMore"));

  /* the create: V2 values by field id, createdTime in whole seconds */
  payload = wh_nth (reply, 0);
  keys = wh_keys (payload);
  g_assert_cmpstr (keys, ==, "timestamp,baseTransactionNumber,actionMetadata,payloadFormat,changedTablesById");
  g_assert_cmpstr (json_object_get_string_member (payload, "payloadFormat"), ==, "v0");
  g_assert_true (g_str_has_suffix (json_object_get_string_member (payload, "timestamp"), "Z"));
  g_assert_cmpstr (json_object_get_string_member (wh_object (payload, "actionMetadata", NULL), "source"), ==, "publicApi");
  user = wh_object (payload, "actionMetadata", "sourceMetadata", "user", NULL);
  g_assert_cmpstr (json_object_get_string_member (user, "id"), ==, json_object_get_string_member (whoami, "id"));
  g_assert_cmpstr (json_object_get_string_member (user, "email"), ==, "demo@hangar.test");
  g_assert_cmpstr (json_object_get_string_member (user, "permissionLevel"), ==, "create");
  g_assert_cmpstr (json_object_get_string_member (user, "name"), ==, "Dana Demo");
  created = wh_object (payload, "changedTablesById", tasks, "createdRecordsById", record, NULL);
  g_assert_nonnull (created);
  g_assert_true (g_str_has_suffix (json_object_get_string_member (created, "createdTime"), ".000Z"));
  cells = wh_object (created, "cellValuesByFieldId", NULL);
  g_assert_cmpstr (json_object_get_string_member (cells, title), ==, "Hooked");
  g_assert_cmpint (json_object_get_int_member (cells, points), ==, 3);
  g_assert_true (json_object_get_boolean_member (cells, done));
  node = json_object_get_member (cells, labels);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  {
    JsonObject *choice = json_array_get_object_element (json_node_get_array (node), 0);

    g_assert_true (g_str_has_prefix (json_object_get_string_member (choice, "id"), "sel"));
    g_assert_cmpstr (json_object_get_string_member (choice, "name"), ==, "urgent");
    g_assert_true (json_object_has_member (choice, "color"));
  }
  node = json_object_get_member (cells, project);
  {
    JsonObject *link = json_array_get_object_element (json_node_get_array (node), 0);

    g_assert_cmpstr (json_object_get_string_member (link, "id"), ==, project_id);
    g_assert_cmpstr (json_object_get_string_member (link, "name"), ==, project_name);
  }
  first_tx = json_object_get_int_member (payload, "baseTransactionNumber");

  /* the update: only what changed in current; previous and unchanged asked for */
  payload = wh_nth (reply, 1);
  g_assert_cmpint (json_object_get_int_member (payload, "baseTransactionNumber"), >, first_tx);
  changed = wh_object (payload, "changedTablesById", tasks, "changedRecordsById", record, NULL);
  g_assert_nonnull (changed);
  cells = wh_object (changed, "current", "cellValuesByFieldId", NULL);
  g_assert_cmpint (json_object_get_int_member (cells, points), ==, 5);
  g_assert_true (json_object_get_null_member (cells, done));   /* a cleared cell */
  g_assert_false (json_object_has_member (cells, title));
  cells = wh_object (changed, "previous", "cellValuesByFieldId", NULL);
  g_assert_cmpint (json_object_get_int_member (cells, points), ==, 3);
  g_assert_true (json_object_get_boolean_member (cells, done));
  cells = wh_object (changed, "unchanged", "cellValuesByFieldId", NULL);
  g_assert_cmpstr (json_object_get_string_member (cells, title), ==, "Hooked");
  g_assert_false (json_object_has_member (cells, points));

  /* the delete */
  payload = wh_nth (reply, 2);
  {
    JsonObject *table = wh_object (payload, "changedTablesById", tasks, NULL);
    JsonArray *destroyed = json_object_get_array_member (table, "destroyedRecordIds");

    g_assert_cmpuint (json_array_get_length (destroyed), ==, 1);
    g_assert_cmpstr (json_array_get_string_element (destroyed, 0), ==, record);
  }
  /* the link's other side changed too: the project lost and gained a task */
  {
    g_autofree char *projects_table = wh_table_id (sb, base, "Projects");

    g_assert_nonnull (wh_object (wh_nth (reply, 0), "changedTablesById", projects_table, "changedRecordsById", project_id, NULL));
  }
}

static void
test_cursor_and_limit (void)
{
  g_autoptr(HangarTestSandbox) sb = start ();
  g_autofree char *base = sb_demo_base (sb);
  g_autofree char *hook = wh_create_id (sb, base, "{\"filters\":{\"dataTypes\":[\"tableData\"]}}");
  g_autofree char *record = wh_new_task (sb, base, "{\"Title\":\"count\"}");
  g_autofree char *path = g_strdup_printf ("/v0/bases/%s/webhooks/%s/payloads", base, hook);

  for (guint i = 0; i < 54; i++)
    {
      g_autofree char *fields = g_strdup_printf ("{\"Points\":%u}", i);

      wh_patch_task (sb, base, record, fields);
    }
  /* 55 payloads; pages of 3 */
  {
    g_autoptr(JsonObject) a = wh_payloads (sb, base, hook, 1, "&limit=3");
    g_autoptr(JsonObject) b = wh_payloads (sb, base, hook, 4, "&limit=3");
    g_autoptr(JsonObject) all = wh_payloads (sb, base, hook, 1, "&limit=100");
    g_autoptr(JsonObject) dflt = wh_payloads (sb, base, hook, 51, NULL);
    g_autoptr(JsonObject) end = wh_payloads (sb, base, hook, 56, NULL);
    g_autoptr(JsonObject) beyond = wh_payloads (sb, base, hook, 1000, NULL);

    g_assert_cmpuint (json_array_get_length (wh_list (a)), ==, 3);
    g_assert_cmpint (json_object_get_int_member (a, "cursor"), ==, 4);
    g_assert_true (json_object_get_boolean_member (a, "mightHaveMore"));
    g_assert_cmpint (json_object_get_int_member (b, "cursor"), ==, 7);
    /* a limit above 50 reads 50 */
    g_assert_cmpuint (json_array_get_length (wh_list (all)), ==, 50);
    g_assert_cmpint (json_object_get_int_member (all, "cursor"), ==, 51);
    g_assert_true (json_object_get_boolean_member (all, "mightHaveMore"));
    g_assert_cmpuint (json_array_get_length (wh_list (dflt)), ==, 5);
    g_assert_cmpint (json_object_get_int_member (dflt, "cursor"), ==, 56);
    g_assert_false (json_object_get_boolean_member (dflt, "mightHaveMore"));
    /* nothing new: the cursor comes back as it was */
    g_assert_cmpuint (json_array_get_length (wh_list (end)), ==, 0);
    g_assert_cmpint (json_object_get_int_member (end, "cursor"), ==, 56);
    g_assert_cmpint (json_object_get_int_member (beyond, "cursor"), ==, 1000);
  }
  /* cursorForNextPayload follows */
  {
    g_autoptr(JsonObject) listed = wh_find (sb, base, sb->pat, hook);

    g_assert_cmpint (json_object_get_int_member (listed, "cursorForNextPayload"), ==, 56);
  }
  /* bad parameters */
  {
    const char *bad[] = { "?cursor=0", "?cursor=-1", "?cursor=abc", "?limit=0", "?limit=x", "?cursor=1.5" };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autofree char *full = g_strconcat (path, bad[i], NULL);
        g_autoptr(JsonObject) reply = sb_call (sb, "GET", full, sb->pat, NULL, 422);

        sb_assert_error (reply, "INVALID_REQUEST_UNKNOWN");
      }
  }
}

static guint
count_payloads (HangarTestSandbox *sb,
                const char        *base,
                const char        *hook)
{
  g_autoptr(JsonObject) reply = wh_payloads (sb, base, hook, 1, NULL);

  return json_array_get_length (wh_list (reply));
}

static void
test_filters (void)
{
  g_autoptr(HangarTestSandbox) sb = start ();
  g_autofree char *base = sb_demo_base (sb);
  g_autofree char *tasks = wh_table_id (sb, base, "Tasks");
  g_autofree char *points = wh_field_id (sb, base, "Tasks", "Points");
  g_autofree char *title = wh_field_id (sb, base, "Tasks", "Title");
  g_autofree char *open_view = wh_view_id (sb, base, "Tasks", "Open tasks");
  g_autofree char *scoped_spec = g_strdup_printf ("{\"filters\":{\"dataTypes\":[\"tableData\"],\"recordChangeScope\":\"%s\"}}", tasks);
  g_autofree char *watch_spec = g_strdup_printf ("{\"filters\":{\"dataTypes\":[\"tableData\"],\"watchDataInFieldIds\":[\"%s\"]},"
                                                 "\"includes\":{\"includeCellValuesInFieldIds\":[\"%s\"]}}", points, title);
  g_autofree char *view_spec = g_strdup_printf ("{\"filters\":{\"dataTypes\":[\"tableData\"],\"recordChangeScope\":\"%s\"}}", open_view);
  g_autofree char *scoped = wh_create_id (sb, base, scoped_spec);
  g_autofree char *adds = wh_create_id (sb, base, "{\"filters\":{\"dataTypes\":[\"tableData\"],\"changeTypes\":[\"add\"]}}");
  g_autofree char *clients = wh_create_id (sb, base, "{\"filters\":{\"dataTypes\":[\"tableData\"],\"fromSources\":[\"client\"]}}");
  g_autofree char *watched = wh_create_id (sb, base, watch_spec);
  g_autofree char *fields_only = wh_create_id (sb, base, "{\"filters\":{\"dataTypes\":[\"tableFields\"]}}");
  g_autofree char *viewed = wh_create_id (sb, base, view_spec);
  g_autofree char *people_path = g_strdup_printf ("/v0/%s/People", base);
  g_autofree char *record = NULL;

  /* a record in another table */
  {
    g_autoptr(JsonObject) person = sb_call (sb, "POST", people_path, sb->pat, "{\"fields\":{\"Name\":\"Elsewhere\"}}", 200);
  }
  g_assert_cmpuint (count_payloads (sb, base, scoped), ==, 0);
  g_assert_cmpuint (count_payloads (sb, base, adds), ==, 1);
  g_assert_cmpuint (count_payloads (sb, base, clients), ==, 0);
  g_assert_cmpuint (count_payloads (sb, base, watched), ==, 1);   /* a created record is an "add" */
  g_assert_cmpuint (count_payloads (sb, base, fields_only), ==, 0);
  g_assert_cmpuint (count_payloads (sb, base, viewed), ==, 0);

  /* a task: open (not done), so it is in the view */
  record = wh_new_task (sb, base, "{\"Title\":\"filtered\"}");
  g_assert_cmpuint (count_payloads (sb, base, scoped), ==, 1);
  g_assert_cmpuint (count_payloads (sb, base, viewed), ==, 1);
  {
    g_autoptr(JsonObject) reply = wh_payloads (sb, base, viewed, 1, NULL);

    g_assert_nonnull (wh_object (wh_nth (reply, 0), "changedTablesById", tasks, "changedViewsById", open_view,
                                 "createdRecordsById", record, NULL));
  }
  /* a title change: not watched */
  wh_patch_task (sb, base, record, "{\"Title\":\"renamed\"}");
  g_assert_cmpuint (count_payloads (sb, base, watched), ==, 2);
  g_assert_cmpuint (count_payloads (sb, base, adds), ==, 2);
  /* a points change: watched, with the included title unchanged */
  wh_patch_task (sb, base, record, "{\"Points\":8,\"Title\":\"again\"}");
  {
    g_autoptr(JsonObject) reply = wh_payloads (sb, base, watched, 3, NULL);
    JsonObject *change = wh_object (wh_nth (reply, 0), "changedTablesById", tasks, "changedRecordsById", record, NULL);
    JsonObject *current = wh_object (change, "current", "cellValuesByFieldId", NULL);

    g_assert_cmpuint (json_array_get_length (wh_list (reply)), ==, 1);
    g_assert_cmpint (json_object_get_int_member (current, points), ==, 8);
    g_assert_false (json_object_has_member (current, title));
    g_assert_false (json_object_has_member (change, "previous"));
    g_assert_cmpstr (json_object_get_string_member (wh_object (change, "unchanged", "cellValuesByFieldId", NULL), title),
                     ==, "again");
  }
  /* done: the task leaves the view */
  wh_patch_task (sb, base, record, "{\"Done\":true}");
  {
    g_autoptr(JsonObject) reply = wh_payloads (sb, base, viewed, 1, NULL);
    guint n = json_array_get_length (wh_list (reply));
    JsonObject *last = wh_object (wh_nth (reply, n - 1), "changedTablesById", tasks, "changedViewsById", open_view, NULL);

    g_assert_nonnull (last);
    g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (last, "destroyedRecordIds"), 0), ==, record);
  }
  /* a change from the UI (control API, source client) reaches the client-only webhook */
  {
    g_autofree char *body = g_strdup_printf ("{\"base\":\"%s\",\"table\":\"Tasks\",\"update\":{\"id\":\"%s\",\"fields\":{\"Points\":1}}}",
                                             base, record);
    g_autoptr(JsonObject) edited = wh_control (sb, "edit", body, 200);
    g_autoptr(JsonObject) reply = wh_payloads (sb, base, clients, 1, NULL);

    g_assert_cmpuint (json_array_get_length (wh_list (reply)), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (wh_object (wh_nth (reply, 0), "actionMetadata", NULL), "source"), ==, "client");
  }
  /* a field change reaches only the field webhook's kind */
  {
    g_autofree char *path = g_strdup_printf ("/v0/meta/bases/%s/tables/%s/fields", base, tasks);
    g_autoptr(JsonObject) field = sb_call (sb, "POST", path, sb->pat, "{\"name\":\"Extra\",\"type\":\"singleLineText\"}", 200);
    g_autoptr(JsonObject) reply = wh_payloads (sb, base, fields_only, 1, NULL);
    JsonObject *created = wh_object (wh_nth (reply, 0), "changedTablesById", tasks, "createdFieldsById",
                                     json_object_get_string_member (field, "id"), NULL);

    g_assert_cmpuint (json_array_get_length (wh_list (reply)), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (created, "name"), ==, "Extra");
    g_assert_cmpstr (json_object_get_string_member (created, "type"), ==, "singleLineText");
  }
}

static void
test_sources (void)
{
  g_autoptr(HangarTestSandbox) sb = start ();
  g_autofree char *base = sb_demo_base (sb);
  g_autofree char *tasks = wh_table_id (sb, base, "Tasks");
  g_autofree char *form_view = wh_view_id (sb, base, "Tasks", "Grid view");
  g_autofree char *form_spec = g_strdup_printf ("{\"filters\":{\"dataTypes\":[\"tableData\"],\"fromSources\":[\"formSubmission\"],"
                                                "\"sourceOptions\":{\"formSubmission\":{\"viewId\":\"%s\"}}}}", form_view);
  g_autofree char *all = wh_create_id (sb, base, "{\"filters\":{\"dataTypes\":[\"tableData\"]}}");
  g_autofree char *forms = wh_create_id (sb, base, form_spec);
  const char *other_pat = hangar_test_sandbox_user (sb, 1, "pat");
  const char *other_id = hangar_test_sandbox_user (sb, 1, "id");
  g_autoptr(JsonObject) reply = NULL;
  g_autofree char *share = g_strdup_printf ("{\"base\":\"%s\",\"user\":\"%s\",\"permission\":\"edit\"}", base, other_id);
  g_autofree char *path = g_strdup_printf ("/v0/%s/Tasks", base);
  g_autofree char *automation = g_strdup_printf ("{\"base\":\"%s\",\"table\":\"Tasks\",\"source\":\"automation\","
                                                 "\"automationId\":\"autAAAAAAAAAAAAAA\",\"create\":{\"Title\":\"by a robot\"}}", base);
  g_autofree char *form_ok = g_strdup_printf ("{\"base\":\"%s\",\"table\":\"Tasks\",\"source\":\"formSubmission\","
                                              "\"viewId\":\"%s\",\"create\":{\"Title\":\"from the form\"}}", base, form_view);
  g_autofree char *form_other = g_strdup_printf ("{\"base\":\"%s\",\"table\":\"Tasks\",\"source\":\"formSubmission\","
                                                 "\"viewId\":\"viwOTHEROTHEROTHE\",\"create\":{\"Title\":\"another form\"}}", base);
  JsonObject *action;

  /* a second user, editing through the API with their own token */
  g_autoptr(JsonObject) shared = wh_control (sb, "share", share, 200);
  g_autoptr(JsonObject) by_other = sb_call (sb, "POST", path, other_pat, "{\"fields\":{\"Title\":\"by Oskar\"}}", 200);
  g_autoptr(JsonObject) robot = wh_control (sb, "edit", automation, 200);
  g_autoptr(JsonObject) form_a = wh_control (sb, "edit", form_ok, 200);
  g_autoptr(JsonObject) form_b = wh_control (sb, "edit", form_other, 200);

  reply = wh_payloads (sb, base, all, 1, NULL);
  g_assert_cmpuint (json_array_get_length (wh_list (reply)), ==, 4);
  action = wh_object (wh_nth (reply, 0), "actionMetadata", NULL);
  g_assert_cmpstr (json_object_get_string_member (action, "source"), ==, "publicApi");
  g_assert_cmpstr (json_object_get_string_member (wh_object (action, "sourceMetadata", "user", NULL), "id"), ==, other_id);
  g_assert_cmpstr (json_object_get_string_member (wh_object (action, "sourceMetadata", "user", NULL), "permissionLevel"), ==, "edit");
  action = wh_object (wh_nth (reply, 1), "actionMetadata", NULL);
  g_assert_cmpstr (json_object_get_string_member (action, "source"), ==, "automation");
  g_assert_cmpstr (json_object_get_string_member (wh_object (action, "sourceMetadata", NULL), "automationId"), ==, "autAAAAAAAAAAAAAA");
  action = wh_object (wh_nth (reply, 2), "actionMetadata", NULL);
  g_assert_cmpstr (json_object_get_string_member (action, "source"), ==, "formSubmission");
  g_assert_cmpstr (json_object_get_string_member (wh_object (action, "sourceMetadata", NULL), "viewId"), ==, form_view);
  /* the record of the second user names them as creator */
  {
    g_autofree char *created_by = wh_field_id (sb, base, "Tasks", "Created by");
    JsonObject *cells = wh_object (wh_nth (reply, 0), "changedTablesById", tasks, "createdRecordsById",
                                   json_object_get_string_member (by_other, "id"), "cellValuesByFieldId", NULL);

    g_assert_cmpstr (json_object_get_string_member (wh_object (cells, created_by, NULL), "id"), ==, other_id);
  }
  /* only the form view named in sourceOptions */
  {
    g_autoptr(JsonObject) form_reply = wh_payloads (sb, base, forms, 1, NULL);

    g_assert_cmpuint (json_array_get_length (wh_list (form_reply)), ==, 1);
    g_assert_nonnull (wh_object (wh_nth (form_reply, 0), "changedTablesById", tasks, "createdRecordsById",
                                 json_object_get_string_member (form_a, "id"), NULL));
  }
  /* an edit by a user without edit rights is refused */
  {
    g_autofree char *no = g_strdup_printf ("{\"base\":\"%s\",\"table\":\"Tasks\",\"user\":\"priya@hangar.test\","
                                           "\"create\":{\"Title\":\"x\"}}", base);
    g_autoptr(JsonObject) refused = wh_control (sb, "edit", no, 422);
  }
}

static void
test_schema_changes (void)
{
  g_autoptr(HangarTestSandbox) sb = start ();
  g_autofree char *base = sb_demo_base (sb);
  g_autofree char *tasks = wh_table_id (sb, base, "Tasks");
  g_autofree char *hook = wh_create_id (sb, base, "{\"filters\":{\"dataTypes\":[\"tableData\",\"tableFields\",\"tableMetadata\"]},"
                                                  "\"includes\":{\"includePreviousFieldDefinitions\":true}}");
  g_autofree char *fields_path = g_strdup_printf ("/v0/meta/bases/%s/tables/%s/fields", base, tasks);
  g_autofree char *table_path = g_strdup_printf ("/v0/meta/bases/%s/tables/%s", base, tasks);
  g_autofree char *tables_path = g_strdup_printf ("/v0/meta/bases/%s/tables", base);
  g_autoptr(JsonObject) field = sb_call (sb, "POST", fields_path, sb->pat, "{\"name\":\"Mood\",\"type\":\"singleLineText\"}", 200);
  const char *field_id = json_object_get_string_member (field, "id");
  g_autofree char *field_path = g_strdup_printf ("%s/%s", fields_path, field_id);
  g_autoptr(JsonObject) renamed = sb_call (sb, "PATCH", field_path, sb->pat, "{\"name\":\"Feeling\"}", 200);
  g_autoptr(JsonObject) table = sb_call (sb, "PATCH", table_path, sb->pat, "{\"name\":\"Jobs\",\"description\":\"What to do\"}", 200);
  g_autoptr(JsonObject) new_table = sb_call (sb, "POST", tables_path, sb->pat,
                                             "{\"name\":\"Notes\",\"fields\":[{\"name\":\"Text\",\"type\":\"singleLineText\"}]}", 200);
  g_autoptr(JsonObject) reply = wh_payloads (sb, base, hook, 1, NULL);
  JsonObject *part;

  g_assert_cmpuint (json_array_get_length (wh_list (reply)), ==, 4);
  part = wh_object (wh_nth (reply, 0), "changedTablesById", tasks, "createdFieldsById", field_id, NULL);
  g_assert_cmpstr (json_object_get_string_member (part, "name"), ==, "Mood");
  part = wh_object (wh_nth (reply, 1), "changedTablesById", tasks, "changedFieldsById", field_id, NULL);
  g_assert_cmpstr (json_object_get_string_member (wh_object (part, "current", NULL), "name"), ==, "Feeling");
  g_assert_cmpstr (json_object_get_string_member (wh_object (part, "previous", NULL), "name"), ==, "Mood");
  g_assert_false (json_object_has_member (wh_object (part, "current", NULL), "type"));
  part = wh_object (wh_nth (reply, 2), "changedTablesById", tasks, "changedMetadata", NULL);
  g_assert_cmpstr (json_object_get_string_member (wh_object (part, "current", NULL), "name"), ==, "Jobs");
  g_assert_cmpstr (json_object_get_string_member (wh_object (part, "current", NULL), "description"), ==, "What to do");
  g_assert_cmpstr (json_object_get_string_member (wh_object (part, "previous", NULL), "name"), ==, "Tasks");
  g_assert_true (json_object_get_null_member (wh_object (part, "previous", NULL), "description"));
  part = wh_object (wh_nth (reply, 3), "createdTablesById", json_object_get_string_member (new_table, "id"), NULL);
  g_assert_cmpstr (json_object_get_string_member (wh_object (part, "metadata", NULL), "name"), ==, "Notes");
  g_assert_cmpuint (json_object_get_size (wh_object (part, "fieldsById", NULL)), ==, 1);
  g_assert_cmpuint (json_object_get_size (wh_object (part, "recordsById", NULL)), ==, 0);

  /* a formula's new text changes its records' values in the same payload */
  {
    g_autofree char *projects = wh_table_id (sb, base, "Projects");
    g_autofree char *summary = wh_field_id (sb, base, "Projects", "Summary");
    g_autofree char *path = g_strdup_printf ("/v0/meta/bases/%s/tables/%s/fields/%s", base, projects, summary);
    g_autoptr(JsonObject) updated = sb_call (sb, "PATCH", path, sb->pat, "{\"options\":{\"formula\":\"UPPER({Name})\"}}", 200);
    g_autoptr(JsonObject) after = wh_payloads (sb, base, hook, 5, NULL);
    JsonObject *changed = wh_object (wh_nth (after, 0), "changedTablesById", projects, "changedRecordsById", NULL);

    g_assert_cmpuint (json_array_get_length (wh_list (after)), ==, 1);
    g_assert_nonnull (changed);
    g_assert_cmpuint (json_object_get_size (changed), >, 0);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();

  g_test_add_func ("/hangar/sandbox/webhooks/create-list-delete", test_create_list_delete);
  g_test_add_func ("/hangar/sandbox/webhooks/validation", test_validation);
  g_test_add_func ("/hangar/sandbox/webhooks/scopes-and-roles", test_scopes_and_roles);
  g_test_add_func ("/hangar/sandbox/webhooks/payload-format", test_payload_format);
  g_test_add_func ("/hangar/sandbox/webhooks/cursor-and-limit", test_cursor_and_limit);
  g_test_add_func ("/hangar/sandbox/webhooks/filters", test_filters);
  g_test_add_func ("/hangar/sandbox/webhooks/sources", test_sources);
  g_test_add_func ("/hangar/sandbox/webhooks/schema-changes", test_schema_changes);

  return g_test_run ();
}
