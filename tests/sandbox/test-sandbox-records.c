/* test-sandbox-records.c — the records API of hangar-sandbox, over real HTTP
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "test-sandbox-common.h"

static HangarTestSandbox *
start (void)
{
  return hangar_test_sandbox_start ("--no-rate-limit", "--quiet", NULL);
}

static gboolean
has_field (JsonObject *record,
           const char *name)
{
  return json_object_has_member (sb_fields (record), name);
}

static void
test_pagination (void)
{
  g_autoptr(HangarTestSandbox) sb = start ();
  g_autofree char *base = sb_demo_base (sb);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *offset = NULL;
  guint pages = 0;
  guint total = sb_count_records (sb, base, "Tasks");

  g_assert_cmpuint (total, ==, 8);

  /* pageSize=3 over 8 records: 3 + 3 + 2, offset absent on the last page */
  do
    {
      g_autofree char *path = offset != NULL ? g_strdup_printf ("/v0/%s/Tasks?pageSize=3&offset=%s", base, offset)
                                             : g_strdup_printf ("/v0/%s/Tasks?pageSize=3", base);
      g_autoptr(JsonObject) reply = sb_call (sb, "GET", path, sb->pat, NULL, 200);
      JsonArray *records = sb_records (reply);

      pages++;
      g_assert_cmpuint (json_array_get_length (records), ==, pages < 3 ? 3 : 2);
      for (guint i = 0; i < json_array_get_length (records); i++)
        {
          JsonObject *record = json_array_get_object_element (records, i);
          const char *id = json_object_get_string_member (record, "id");

          g_assert_true (g_str_has_prefix (id, "rec"));
          g_assert_cmpuint (strlen (id), ==, 17);
          g_assert_true (g_str_has_suffix (json_object_get_string_member (record, "createdTime"), "Z"));
          g_assert_false (g_hash_table_contains (seen, id));
          g_hash_table_add (seen, g_strdup (id));
        }
      g_clear_pointer (&offset, g_free);
      if (json_object_has_member (reply, "offset"))
        {
          const char *raw = json_object_get_string_member (reply, "offset");

          g_assert_true (g_str_has_prefix (raw, "itr"));
          g_assert_nonnull (strstr (raw, "/rec"));
          offset = g_uri_escape_string (raw, NULL, TRUE);
        }
    }
  while (offset != NULL);
  g_assert_cmpuint (pages, ==, 3);
  g_assert_cmpuint (g_hash_table_size (seen), ==, 8);

  /* maxRecords caps the total across pages */
  {
    g_autofree char *path = g_strdup_printf ("/v0/%s/Tasks?pageSize=2&maxRecords=3", base);
    g_autoptr(JsonObject) first = sb_call (sb, "GET", path, sb->pat, NULL, 200);
    g_autofree char *next = NULL;
    g_autoptr(JsonObject) second = NULL;

    g_assert_cmpuint (json_array_get_length (sb_records (first)), ==, 2);
    next = g_strdup_printf ("/v0/%s/Tasks?pageSize=2&maxRecords=3&offset=%s", base,
                            json_object_get_string_member (first, "offset"));
    second = sb_call (sb, "GET", next, sb->pat, NULL, 200);
    g_assert_cmpuint (json_array_get_length (sb_records (second)), ==, 1);
    g_assert_false (json_object_has_member (second, "offset"));
  }

  /* POST listRecords: options and the later offsets in the JSON body */
  {
    g_autofree char *path = g_strdup_printf ("/v0/%s/Tasks/listRecords", base);
    g_autoptr(JsonObject) first = sb_call (sb, "POST", path, sb->pat, "{\"pageSize\":5,\"fields\":[\"Title\"]}", 200);
    g_autofree char *body = NULL;
    g_autoptr(JsonObject) second = NULL;

    g_assert_cmpuint (json_array_get_length (sb_records (first)), ==, 5);
    g_assert_cmpuint (json_object_get_size (sb_fields (json_array_get_object_element (sb_records (first), 0))), ==, 1);
    body = g_strdup_printf ("{\"pageSize\":5,\"fields\":[\"Title\"],\"offset\":\"%s\"}",
                            json_object_get_string_member (first, "offset"));
    second = sb_call (sb, "POST", path, sb->pat, body, 200);
    g_assert_cmpuint (json_array_get_length (sb_records (second)), ==, 3);
    g_assert_false (json_object_has_member (second, "offset"));
  }

  /* pageSize above 100 is refused */
  {
    g_autofree char *path = g_strdup_printf ("/v0/%s/Tasks?pageSize=101", base);
    g_autoptr(JsonObject) reply = sb_call (sb, "GET", path, sb->pat, NULL, 422);

    sb_assert_error (reply, "INVALID_PAGE_SIZE");
  }
}

static void
test_offsets (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--no-rate-limit", "--quiet", "--iterator-ttl", "0.3", NULL);
  g_autofree char *base = sb_demo_base (sb);
  g_autofree char *path = g_strdup_printf ("/v0/%s/Tasks?pageSize=2", base);
  g_autoptr(JsonObject) first = sb_call (sb, "GET", path, sb->pat, NULL, 200);
  const char *offset = json_object_get_string_member (first, "offset");
  const char *garbage[] = { "10", "itr", "abc/def", "itrAAAAAAAAAAAAAA", "recAAAAAAAAAAAAAA/itrAAAAAAAAAAAAAA", "%00", "itr%2Frec" };

  g_assert_nonnull (offset);

  /* a well-formed but unknown iterator: not available (as after a restart) */
  {
    g_autofree char *p = g_strdup_printf ("/v0/%s/Tasks?offset=itrAAAAAAAAAAAAAA/recAAAAAAAAAAAAAA", base);
    g_autoptr(JsonObject) reply = sb_call (sb, "GET", p, sb->pat, NULL, 422);

    sb_assert_error (reply, "LIST_RECORDS_ITERATOR_NOT_AVAILABLE");
  }
  for (guint i = 0; i < G_N_ELEMENTS (garbage); i++)
    {
      g_autofree char *p = g_strdup_printf ("/v0/%s/Tasks?offset=%s", base, garbage[i]);
      g_autoptr(JsonObject) reply = sb_call (sb, "GET", p, sb->pat, NULL, 422);

      sb_assert_error (reply, "INVALID_OFFSET_VALUE");
    }
  {
    g_autofree char *p = g_strdup_printf ("/v0/%s/Tasks?offset=10", base);
    g_autoptr(JsonObject) reply = sb_call (sb, "GET", p, sb->pat, NULL, 422);

    g_assert_cmpstr (sb_error_message (reply), ==, "The value of offset 10 is invalid");
  }

  /* only the 16 most recently used iterators live */
  {
    g_autofree char *oldest = NULL;

    for (guint i = 0; i < 17; i++)
      {
        g_autoptr(JsonObject) page = sb_call (sb, "GET", path, sb->pat, NULL, 200);

        if (i == 0)
          oldest = g_strdup (json_object_get_string_member (page, "offset"));
      }
    {
      g_autofree char *p = g_strdup_printf ("/v0/%s/Tasks?pageSize=2&offset=%s", base, oldest);
      g_autoptr(JsonObject) reply = sb_call (sb, "GET", p, sb->pat, NULL, 422);

      sb_assert_error (reply, "LIST_RECORDS_ITERATOR_NOT_AVAILABLE");
    }
  }

  /* the iterator expires after --iterator-ttl seconds of inactivity */
  g_clear_pointer (&first, json_object_unref);
  first = sb_call (sb, "GET", path, sb->pat, NULL, 200);
  offset = json_object_get_string_member (first, "offset");
  {
    g_autofree char *p = g_strdup_printf ("/v0/%s/Tasks?pageSize=2&offset=%s", base, offset);
    g_autoptr(JsonObject) reply = sb_call (sb, "GET", p, sb->pat, NULL, 200);   /* still alive, and used */

    g_assert_cmpuint (json_array_get_length (sb_records (reply)), ==, 2);
  }
  g_usleep (700 * G_TIME_SPAN_MILLISECOND);
  {
    g_autofree char *p = g_strdup_printf ("/v0/%s/Tasks?pageSize=2&offset=%s", base, offset);
    g_autoptr(JsonObject) reply = sb_call (sb, "GET", p, sb->pat, NULL, 422);

    sb_assert_error (reply, "LIST_RECORDS_ITERATOR_NOT_AVAILABLE");
  }
}

static void
test_query_options (void)
{
  g_autoptr(HangarTestSandbox) sb = start ();
  g_autofree char *base = sb_demo_base (sb);

  /* sort by Points descending */
  {
    g_autofree char *p = g_strdup_printf ("/v0/%s/Tasks?sort%%5B0%%5D%%5Bfield%%5D=Points&sort%%5B0%%5D%%5Bdirection%%5D=desc", base);
    g_autoptr(JsonObject) reply = sb_call (sb, "GET", p, sb->pat, NULL, 200);
    JsonArray *records = sb_records (reply);
    gint64 last = G_MAXINT64;

    for (guint i = 0; i < json_array_get_length (records); i++)
      {
        JsonObject *fields = sb_fields (json_array_get_object_element (records, i));
        gint64 points = json_object_get_int_member_with_default (fields, "Points", 0);

        g_assert_cmpint (points, <=, last);
        last = points;
      }
    g_assert_cmpint (json_object_get_int_member (sb_fields (json_array_get_object_element (records, 0)), "Points"), ==, 13);
  }

  /* fields[] projects; returnFieldsByFieldId keys by id */
  {
    g_autofree char *p = g_strdup_printf ("/v0/%s/Tasks?fields%%5B%%5D=Title&fields%%5B%%5D=Points&returnFieldsByFieldId=1", base);
    g_autoptr(JsonObject) reply = sb_call (sb, "GET", p, sb->pat, NULL, 200);
    JsonObject *fields = sb_fields (json_array_get_object_element (sb_records (reply), 0));
    GList *keys = json_object_get_members (fields);

    g_assert_cmpuint (g_list_length (keys), ==, 2);
    for (GList *l = keys; l != NULL; l = l->next)
      g_assert_true (g_str_has_prefix (l->data, "fld"));
    g_list_free (keys);
  }
  {
    g_autofree char *p = g_strdup_printf ("/v0/%s/Tasks?fields%%5B%%5D=Nope", base);
    g_autoptr(JsonObject) reply = sb_call (sb, "GET", p, sb->pat, NULL, 422);

    sb_assert_error (reply, "UNKNOWN_FIELD_NAME");
  }

  /* filterByFormula with `+` as a space */
  {
    g_autofree char *p = g_strdup_printf ("/v0/%s/Tasks?filterByFormula=%%7BTitle%%7D%%3D%%27Offline+sync%%27", base);
    g_autoptr(JsonObject) reply = sb_call (sb, "GET", p, sb->pat, NULL, 200);

    g_assert_cmpuint (json_array_get_length (sb_records (reply)), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (sb_fields (json_array_get_object_element (sb_records (reply), 0)), "Title"),
                     ==, "Offline sync");
  }
  {
    g_autofree char *p = g_strdup_printf ("/v0/%s/Tasks?filterByFormula=AND((", base);
    g_autoptr(JsonObject) reply = sb_call (sb, "GET", p, sb->pat, NULL, 422);

    sb_assert_error (reply, "INVALID_FILTER_BY_FORMULA");
  }

  /* a view limits and orders; its filter here is NOT({Done}) sorted by Due */
  {
    g_autofree char *p = g_strdup_printf ("/v0/%s/Tasks?view=Open+tasks", base);
    g_autoptr(JsonObject) reply = sb_call (sb, "GET", p, sb->pat, NULL, 200);
    JsonArray *records = sb_records (reply);

    g_assert_cmpuint (json_array_get_length (records), ==, 6);
    for (guint i = 0; i < json_array_get_length (records); i++)
      g_assert_false (has_field (json_array_get_object_element (records, i), "Done"));
    /* blanks first, then ascending dates */
    g_assert_false (has_field (json_array_get_object_element (records, 0), "Due"));
    for (guint i = 2; i < json_array_get_length (records); i++)
      g_assert_cmpstr (json_object_get_string_member (sb_fields (json_array_get_object_element (records, i - 1)), "Due"), <=,
                       json_object_get_string_member (sb_fields (json_array_get_object_element (records, i)), "Due"));
  }
  {
    g_autofree char *p = g_strdup_printf ("/v0/%s/Tasks?view=Nope", base);
    g_autoptr(JsonObject) reply = sb_call (sb, "GET", p, sb->pat, NULL, 422);

    sb_assert_error (reply, "VIEW_NAME_NOT_FOUND");
  }

  /* recordMetadata[]=commentCount */
  {
    g_autofree char *p = g_strdup_printf ("/v0/%s/Projects?recordMetadata%%5B%%5D=commentCount", base);
    g_autoptr(JsonObject) reply = sb_call (sb, "GET", p, sb->pat, NULL, 200);

    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (sb_records (reply), 0), "commentCount"), ==, 2);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (sb_records (reply), 1), "commentCount"), ==, 0);
  }
  {
    g_autofree char *p = g_strdup_printf ("/v0/%s/Projects", base);
    g_autoptr(JsonObject) reply = sb_call (sb, "GET", p, sb->pat, NULL, 200);

    g_assert_false (json_object_has_member (json_array_get_object_element (sb_records (reply), 0), "commentCount"));
  }

  /* cellFormat=string needs timeZone and userLocale */
  {
    g_autofree char *p = g_strdup_printf ("/v0/%s/Projects?cellFormat=string", base);
    g_autoptr(JsonObject) reply = sb_call (sb, "GET", p, sb->pat, NULL, 422);

    sb_assert_error (reply, "INVALID_REQUEST_UNKNOWN");
  }
  {
    g_autofree char *p = g_strdup_printf ("/v0/%s/Projects?cellFormat=string&timeZone=Europe%%2FBerlin&userLocale=en-gb", base);
    g_autoptr(JsonObject) reply = sb_call (sb, "GET", p, sb->pat, NULL, 200);
    JsonObject *fields = sb_fields (json_array_get_object_element (sb_records (reply), 0));

    g_assert_cmpstr (json_object_get_string_member (fields, "Budget"), ==, "$120,000.00");
    g_assert_cmpstr (json_object_get_string_member (fields, "Progress"), ==, "40%");
    g_assert_cmpstr (json_object_get_string_member (fields, "Tags"), ==, "Mobile, Growth");
    g_assert_cmpstr (json_object_get_string_member (fields, "Owner"), ==, "Priya Patel");
    /* a rollup of durations shows as its result type (h:mm) */
    g_assert_cmpstr (json_object_get_string_member (fields, "Total estimate"), ==, "21:00");
  }

  /* a table by its percent-encoded name and by its id */
  {
    g_autofree char *p = g_strdup_printf ("/v0/meta/bases/%s/tables", base);
    g_autoptr(JsonObject) created = sb_call (sb, "POST", p, sb->pat,
                                             "{\"name\":\"Q3 / Plans & more\",\"fields\":[{\"name\":\"Name\",\"type\":\"singleLineText\"}]}", 200);
    g_autofree char *escaped = g_uri_escape_string ("Q3 / Plans & more", NULL, TRUE);
    g_autofree char *by_name = g_strdup_printf ("/v0/%s/%s", base, escaped);
    g_autofree char *by_id = g_strdup_printf ("/v0/%s/%s", base, json_object_get_string_member (created, "id"));
    g_autoptr(JsonObject) r1 = sb_call (sb, "POST", by_name, sb->pat, "{\"fields\":{\"Name\":\"x\"}}", 200);
    g_autoptr(JsonObject) r2 = sb_call (sb, "GET", by_id, sb->pat, NULL, 200);

    g_assert_cmpuint (json_array_get_length (sb_records (r2)), ==, 1);
  }
}

static void
test_get_record (void)
{
  g_autoptr(HangarTestSandbox) sb = start ();
  g_autofree char *base = sb_demo_base (sb);
  g_autofree char *list = g_strdup_printf ("/v0/%s/Tasks?maxRecords=1", base);
  g_autoptr(JsonObject) page = sb_call (sb, "GET", list, sb->pat, NULL, 200);
  const char *id = json_object_get_string_member (json_array_get_object_element (sb_records (page), 0), "id");
  g_autofree char *path = g_strdup_printf ("/v0/%s/Tasks/%s", base, id);
  g_autoptr(JsonObject) record = sb_call (sb, "GET", path, sb->pat, NULL, 200);

  g_assert_cmpstr (json_object_get_string_member (record, "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (sb_fields (record), "Title"), ==, "Design new navigation");
  g_assert_true (json_object_get_boolean_member (sb_fields (record), "Done"));

  /* fields[] is not supported on get */
  {
    g_autofree char *p = g_strdup_printf ("%s?fields%%5B%%5D=Title", path);
    g_autoptr(JsonObject) reply = sb_call (sb, "GET", p, sb->pat, NULL, 422);

    sb_assert_error (reply, "INVALID_REQUEST_UNKNOWN");
  }
  /* the base-wide fallback: a Tasks record asked for through Projects */
  {
    g_autofree char *p = g_strdup_printf ("/v0/%s/Projects/%s", base, id);
    g_autoptr(JsonObject) reply = sb_call (sb, "GET", p, sb->pat, NULL, 200);

    g_assert_cmpstr (json_object_get_string_member (reply, "id"), ==, id);
  }
  {
    g_autofree char *p = g_strdup_printf ("/v0/%s/Tasks/recAAAAAAAAAAAAAA", base);
    g_autoptr(JsonObject) reply = sb_call (sb, "GET", p, sb->pat, NULL, 404);

    sb_assert_error (reply, "MODEL_ID_NOT_FOUND");
  }
}

static void
test_create (void)
{
  g_autoptr(HangarTestSandbox) sb = start ();
  g_autofree char *base = sb_demo_base (sb);
  g_autofree char *path = g_strdup_printf ("/v0/%s/Tasks", base);
  guint before = sb_count_records (sb, base, "Tasks");

  /* single shape: a bare record; empty values are left out */
  {
    g_autoptr(JsonObject) record = sb_call (sb, "POST", path, sb->pat,
                                            "{\"fields\":{\"Title\":\"One\",\"Points\":2,\"Labels\":[],\"Done\":false,\"Due\":null},\"typecast\":false,\"returnFieldsByFieldId\":false}", 200);

    g_assert_true (g_str_has_prefix (json_object_get_string_member (record, "id"), "rec"));
    g_assert_cmpstr (json_object_get_string_member (sb_fields (record), "Title"), ==, "One");
    g_assert_false (has_field (record, "Labels"));
    g_assert_false (has_field (record, "Done"));
    g_assert_false (has_field (record, "Due"));
    g_assert_true (has_field (record, "ID"));        /* autoNumber */
    g_assert_true (has_field (record, "Created"));   /* createdTime */
  }
  /* an empty record comes back with "fields": {} plus computed cells */
  {
    g_autoptr(JsonObject) record = sb_call (sb, "POST", path, sb->pat, "{\"fields\":{}}", 200);

    g_assert_false (has_field (record, "Title"));
  }
  /* batch shape, input order kept */
  {
    g_autoptr(JsonObject) reply = sb_call (sb, "POST", path, sb->pat,
                                           "{\"records\":[{\"fields\":{\"Title\":\"A\"}},{\"fields\":{\"Title\":\"B\"}}]}", 200);

    g_assert_cmpuint (json_array_get_length (sb_records (reply)), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (sb_fields (json_array_get_object_element (sb_records (reply), 1)), "Title"), ==, "B");
  }
  g_assert_cmpuint (sb_count_records (sb, base, "Tasks"), ==, before + 4);

  /* 11 records: refused with the documented message */
  {
    g_autoptr(GString) body = g_string_new ("{\"records\":[");
    g_autoptr(JsonObject) reply = NULL;

    for (guint i = 0; i < 11; i++)
      g_string_append_printf (body, "%s{\"fields\":{\"Title\":\"n%u\"}}", i ? "," : "", i);
    g_string_append (body, "]}");
    reply = sb_call (sb, "POST", path, sb->pat, body->str, 422);
    sb_assert_error (reply, "INVALID_RECORDS");
    g_assert_cmpstr (sb_error_message (reply), ==, "A maximum of 10 records can be created per request but you have provided 11.");
  }

  /* validation errors, all-or-nothing */
  {
    struct { const char *body; const char *type; } cases[] = {
      { "{\"records\":[{\"fields\":{\"Title\":\"ok\"}},{\"fields\":{\"Nope\":1}}]}", "UNKNOWN_FIELD_NAME" },
      { "{\"records\":[{\"fields\":{\"Title\":\"ok\"}},{\"fields\":{\"ID\":5}}]}", "INVALID_VALUE_FOR_COLUMN" },
      { "{\"records\":[{\"fields\":{\"Title\":\"ok\"}},{\"fields\":{\"Late\":1}}]}", "INVALID_VALUE_FOR_COLUMN" },
      { "{\"records\":[{\"fields\":{\"Title\":\"ok\"}},{\"fields\":{\"Points\":\"seven\"}}]}", "INVALID_VALUE_FOR_COLUMN" },
      { "{\"records\":[{\"fields\":{\"Title\":\"ok\"}},{\"fields\":{\"Done\":\"yes\"}}]}", "INVALID_VALUE_FOR_COLUMN" },
      { "{\"records\":[{\"fields\":{\"Title\":\"ok\"}},{\"fields\":{\"Labels\":[\"brand-new\"]}}]}", "INVALID_MULTIPLE_CHOICE_OPTIONS" },
      { "{\"records\":[{\"fields\":{\"Title\":\"ok\"}},{\"fields\":{\"Project\":[\"recAAAAAAAAAAAAAA\"]}}]}", "ROW_DOES_NOT_EXIST" },
      { "{\"records\":[{\"fields\":{\"Title\":\"ok\"}},{\"fields\":{\"Due\":\"tomorrow\"}}]}", "INVALID_VALUE_FOR_COLUMN" },
      { "{\"records\":[{\"fields\":{\"Title\":\"ok\"}},{\"fields\":{\"Title\":5}}]}", "INVALID_VALUE_FOR_COLUMN" },
      { "{\"records\":[{\"fields\":{\"Title\":\"ok\"}},{\"nofields\":{}}]}", "INVALID_REQUEST_MISSING_FIELDS" },
      { "{\"title\":\"no fields\"}", "INVALID_REQUEST_MISSING_FIELDS" },
      { "{\"records\":[]}", "INVALID_RECORDS" },
      { "{\"records\":[{\"fields\":{\"Title\":\"ok\"}}],\"typecast\":\"yes\"}", "INVALID_REQUEST_UNKNOWN" },
    };
    guint count = sb_count_records (sb, base, "Tasks");

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(JsonObject) reply = sb_call (sb, "POST", path, sb->pat, cases[i].body, 422);

        sb_assert_error (reply, cases[i].type);
      }
    g_assert_cmpuint (sb_count_records (sb, base, "Tasks"), ==, count);
  }

  /* field ids as keys; computed field message */
  {
    g_autofree char *schema_path = g_strdup_printf ("/v0/meta/bases/%s/tables", base);
    g_autoptr(JsonObject) schema = sb_call (sb, "GET", schema_path, sb->pat, NULL, 200);
    JsonObject *tasks = json_array_get_object_element (json_object_get_array_member (schema, "tables"), 2);
    const char *title_id = json_object_get_string_member (tasks, "primaryFieldId");
    g_autofree char *body = g_strdup_printf ("{\"fields\":{\"%s\":\"by id\"},\"returnFieldsByFieldId\":true}", title_id);
    g_autoptr(JsonObject) record = sb_call (sb, "POST", path, sb->pat, body, 200);

    g_assert_cmpstr (json_object_get_string_member (sb_fields (record), title_id), ==, "by id");
  }
}

static void
test_links (void)
{
  g_autoptr(HangarTestSandbox) sb = start ();
  g_autofree char *base = sb_demo_base (sb);
  g_autofree char *projects = g_strdup_printf ("/v0/%s/Projects?filterByFormula=%%7BName%%7D%%3D%%27Website+redesign%%27", base);
  g_autoptr(JsonObject) page = sb_call (sb, "GET", projects, sb->pat, NULL, 200);
  JsonObject *project = json_array_get_object_element (sb_records (page), 0);
  const char *project_id = json_object_get_string_member (project, "id");
  gint64 count = json_object_get_int_member (sb_fields (project), "Task count");
  g_autofree char *path = g_strdup_printf ("/v0/%s/Tasks", base);
  g_autofree char *body = g_strdup_printf ("{\"fields\":{\"Title\":\"Linked\",\"Project\":[\"%s\"],\"Estimate\":600}}", project_id);
  g_autoptr(JsonObject) task = sb_call (sb, "POST", path, sb->pat, body, 200);
  g_autofree char *project_path = g_strdup_printf ("/v0/%s/Projects/%s", base, project_id);
  g_autoptr(JsonObject) after = sb_call (sb, "GET", project_path, sb->pat, NULL, 200);
  JsonArray *tasks = json_object_get_array_member (sb_fields (after), "Tasks");
  gboolean found = FALSE;

  for (guint i = 0; i < json_array_get_length (tasks); i++)
    if (g_str_equal (json_array_get_string_element (tasks, i), json_object_get_string_member (task, "id")))
      found = TRUE;
  g_assert_true (found);                                 /* the inverse link */
  g_assert_cmpint (json_object_get_int_member (sb_fields (after), "Task count"), ==, count + 1);   /* count field */
  g_assert_cmpint (json_object_get_int_member (sb_fields (after), "Total estimate"), ==, 28800 + 600); /* rollup */

  /* deleting the task removes it from the project */
  {
    g_autofree char *del = g_strdup_printf ("/v0/%s/Tasks/%s", base, json_object_get_string_member (task, "id"));
    g_autoptr(JsonObject) reply = sb_call (sb, "DELETE", del, sb->pat, NULL, 200);
    g_autoptr(JsonObject) again = sb_call (sb, "GET", project_path, sb->pat, NULL, 200);

    g_assert_true (json_object_get_boolean_member (reply, "deleted"));
    g_assert_cmpint (json_object_get_int_member (sb_fields (again), "Task count"), ==, count);
  }
}

static char *
first_task_id (HangarTestSandbox *sb,
               const char        *base)
{
  g_autofree char *list = g_strdup_printf ("/v0/%s/Tasks?maxRecords=1", base);
  g_autoptr(JsonObject) page = sb_call (sb, "GET", list, sb->pat, NULL, 200);

  return g_strdup (json_object_get_string_member (json_array_get_object_element (sb_records (page), 0), "id"));
}

static void
test_update (void)
{
  g_autoptr(HangarTestSandbox) sb = start ();
  g_autofree char *base = sb_demo_base (sb);
  g_autofree char *id = first_task_id (sb, base);
  g_autofree char *path = g_strdup_printf ("/v0/%s/Tasks/%s", base, id);
  g_autofree char *table = g_strdup_printf ("/v0/%s/Tasks", base);

  /* PATCH merges */
  {
    g_autoptr(JsonObject) record = sb_call (sb, "PATCH", path, sb->pat, "{\"fields\":{\"Points\":21}}", 200);

    g_assert_cmpint (json_object_get_int_member (sb_fields (record), "Points"), ==, 21);
    /* createdBy / lastModifiedBy: the owner created it, the demo user wrote it */
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (sb_fields (record), "Created by"), "email"), ==,
                     "demo@hangar.test");
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (sb_fields (record), "Last modified by"), "id"), ==,
                     json_object_get_string_member (sb->info, "user_id"));
    /* lastModifiedTime follows the write; the demo record was created days ago */
    g_assert_cmpstr (json_object_get_string_member (sb_fields (record), "Last modified"), >,
                     json_object_get_string_member (sb_fields (record), "Created"));
    g_assert_cmpstr (json_object_get_string_member (sb_fields (record), "Title"), ==, "Design new navigation");
  }
  /* null clears */
  {
    g_autoptr(JsonObject) record = sb_call (sb, "PATCH", path, sb->pat, "{\"fields\":{\"Points\":null}}", 200);

    g_assert_false (has_field (record, "Points"));
  }
  /* PUT clears every writable field not sent */
  {
    g_autoptr(JsonObject) record = sb_call (sb, "PUT", path, sb->pat, "{\"fields\":{\"Title\":\"Only title\"}}", 200);

    g_assert_cmpstr (json_object_get_string_member (sb_fields (record), "Title"), ==, "Only title");
    g_assert_false (has_field (record, "Done"));
    g_assert_false (has_field (record, "Labels"));
    g_assert_false (has_field (record, "Project"));
    g_assert_true (has_field (record, "ID"));   /* computed cells stay */
  }
  /* batch PATCH and PUT */
  {
    g_autofree char *body = g_strdup_printf ("{\"records\":[{\"id\":\"%s\",\"fields\":{\"Points\":1}}]}", id);
    g_autoptr(JsonObject) reply = sb_call (sb, "PATCH", table, sb->pat, body, 200);

    g_assert_cmpint (json_object_get_int_member (sb_fields (json_array_get_object_element (sb_records (reply), 0)), "Points"), ==, 1);
    g_assert_false (json_object_has_member (reply, "createdRecords"));
  }
  {
    g_autofree char *body = g_strdup_printf ("{\"records\":[{\"id\":\"%s\",\"fields\":{\"Points\":2}}]}", id);
    g_autoptr(JsonObject) reply = sb_call (sb, "PUT", table, sb->pat, body, 200);
    JsonObject *record = json_array_get_object_element (sb_records (reply), 0);

    g_assert_cmpint (json_object_get_int_member (sb_fields (record), "Points"), ==, 2);
    g_assert_false (has_field (record, "Title"));
  }
  /* unknown ids: nothing changes */
  {
    g_autofree char *body = g_strdup_printf ("{\"records\":[{\"id\":\"%s\",\"fields\":{\"Points\":3}},{\"id\":\"recAAAAAAAAAAAAAA\",\"fields\":{}}]}", id);
    g_autoptr(JsonObject) reply = sb_call (sb, "PATCH", table, sb->pat, body, 422);
    g_autoptr(JsonObject) record = sb_call (sb, "GET", path, sb->pat, NULL, 200);

    sb_assert_error (reply, "ROW_DOES_NOT_EXIST");
    g_assert_cmpstr (sb_error_message (reply), ==, "Record ID recAAAAAAAAAAAAAA does not exist in this table");
    g_assert_cmpint (json_object_get_int_member (sb_fields (record), "Points"), ==, 2);
  }
  {
    g_autofree char *p = g_strdup_printf ("/v0/%s/Tasks/recAAAAAAAAAAAAAA", base);
    g_autoptr(JsonObject) reply = sb_call (sb, "PATCH", p, sb->pat, "{\"fields\":{}}", 404);

    sb_assert_error (reply, "MODEL_ID_NOT_FOUND");
  }
  /* batch shape errors */
  {
    const char *bodies[] = {
      "{\"records\":[{\"fields\":{\"Points\":3}}]}",
      "{\"records\":[]}",
      "{\"records\":{}}",
      "{\"records\":[5]}",
      "{\"fields\":{}}",
    };

    for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
      {
        g_autoptr(JsonObject) reply = sb_call (sb, "PATCH", table, sb->pat, bodies[i], 422);

        sb_assert_error (reply, "INVALID_RECORDS");
      }
  }
  {
    g_autoptr(GString) body = g_string_new ("{\"records\":[");
    g_autoptr(JsonObject) reply = NULL;

    for (guint i = 0; i < 11; i++)
      g_string_append_printf (body, "%s{\"id\":\"%s\",\"fields\":{}}", i ? "," : "", id);
    g_string_append (body, "]}");
    reply = sb_call (sb, "PATCH", table, sb->pat, body->str, 422);
    sb_assert_error (reply, "INVALID_RECORDS");
  }
}

static void
test_upsert (void)
{
  g_autoptr(HangarTestSandbox) sb = start ();
  g_autofree char *base = sb_demo_base (sb);
  g_autofree char *table = g_strdup_printf ("/v0/%s/Tasks", base);
  guint before = sb_count_records (sb, base, "Tasks");
  g_autoptr(JsonObject) reply = sb_call (sb, "PATCH", table, sb->pat,
                                         "{\"performUpsert\":{\"fieldsToMergeOn\":[\"Title\"]},\"records\":["
                                         "{\"fields\":{\"Title\":\"Offline sync\",\"Points\":99}},"
                                         "{\"fields\":{\"Title\":\"Brand new task\",\"Points\":1}}]}", 200);
  JsonArray *created = json_object_get_array_member (reply, "createdRecords");
  JsonArray *updated = json_object_get_array_member (reply, "updatedRecords");

  g_assert_cmpuint (json_array_get_length (created), ==, 1);
  g_assert_cmpuint (json_array_get_length (updated), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (updated, 0), ==,
                   json_object_get_string_member (json_array_get_object_element (sb_records (reply), 0), "id"));
  g_assert_cmpstr (json_array_get_string_element (created, 0), ==,
                   json_object_get_string_member (json_array_get_object_element (sb_records (reply), 1), "id"));
  g_assert_cmpuint (sb_count_records (sb, base, "Tasks"), ==, before + 1);

  /* several matches fail the whole request */
  {
    g_autoptr(JsonObject) dup = sb_call (sb, "POST", table, sb->pat, "{\"fields\":{\"Title\":\"Offline sync\"}}", 200);
    g_autoptr(JsonObject) fail = sb_call (sb, "PATCH", table, sb->pat,
                                          "{\"performUpsert\":{\"fieldsToMergeOn\":[\"Title\"]},\"records\":["
                                          "{\"fields\":{\"Title\":\"Yet another\"}},{\"fields\":{\"Title\":\"Offline sync\",\"Points\":5}}]}", 422);

    sb_assert_error (fail, "INVALID_RECORDS");
    g_assert_cmpuint (sb_count_records (sb, base, "Tasks"), ==, before + 2);
  }
  /* 1 to 3 merge fields, writable, of a mergeable type */
  {
    const char *bodies[] = {
      "{\"performUpsert\":{\"fieldsToMergeOn\":[]},\"records\":[{\"fields\":{\"Title\":\"x\"}}]}",
      "{\"performUpsert\":{\"fieldsToMergeOn\":[\"Title\",\"Points\",\"Due\",\"Labels\"]},\"records\":[{\"fields\":{\"Title\":\"x\"}}]}",
      "{\"performUpsert\":{\"fieldsToMergeOn\":\"Title\"},\"records\":[{\"fields\":{\"Title\":\"x\"}}]}",
    };

    for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
      {
        g_autoptr(JsonObject) fail = sb_call (sb, "PATCH", table, sb->pat, bodies[i], 422);

        sb_assert_error (fail, "INVALID_REQUEST_UNKNOWN");
      }
  }
  {
    g_autoptr(JsonObject) fail = sb_call (sb, "PATCH", table, sb->pat,
                                          "{\"performUpsert\":{\"fieldsToMergeOn\":[\"ID\"]},\"records\":[{\"fields\":{\"Title\":\"x\"}}]}", 422);

    sb_assert_error (fail, "INVALID_FIELD_TO_MERGE_ON");
  }
  /* a record without the merge field */
  {
    g_autoptr(JsonObject) fail = sb_call (sb, "PATCH", table, sb->pat,
                                          "{\"performUpsert\":{\"fieldsToMergeOn\":[\"Title\"]},\"records\":[{\"fields\":{\"Points\":3}}]}", 422);

    sb_assert_error (fail, "INVALID_RECORDS");
  }
  /* PUT + upsert replaces the matched record */
  {
    g_autoptr(JsonObject) put = sb_call (sb, "PUT", table, sb->pat,
                                         "{\"performUpsert\":{\"fieldsToMergeOn\":[\"Title\"]},\"records\":[{\"fields\":{\"Title\":\"Brand new task\"}}]}", 200);
    JsonObject *record = json_array_get_object_element (sb_records (put), 0);

    g_assert_false (has_field (record, "Points"));
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (put, "updatedRecords")), ==, 1);
  }
}

static void
test_typecast (void)
{
  g_autoptr(HangarTestSandbox) sb = start ();
  g_autofree char *base = sb_demo_base (sb);
  g_autofree char *table = g_strdup_printf ("/v0/%s/Tasks", base);
  g_autofree char *schema = g_strdup_printf ("/v0/meta/bases/%s/tables", base);
  g_autoptr(JsonObject) record = sb_call (sb, "POST", table, sb->pat,
                                          "{\"typecast\":true,\"fields\":{\"Title\":42,\"Points\":\"7\",\"Done\":\"true\","
                                          "\"Labels\":\"bug, urgent\",\"Project\":\"Data platform\",\"Due\":\"2026-03-04T10:00:00Z\"}}", 200);
  JsonObject *fields = sb_fields (record);

  g_assert_cmpstr (json_object_get_string_member (fields, "Title"), ==, "42");
  g_assert_cmpint (json_object_get_int_member (fields, "Points"), ==, 7);
  g_assert_true (json_object_get_boolean_member (fields, "Done"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (fields, "Labels")), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (fields, "Labels"), 1), ==, "urgent");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (fields, "Project")), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (fields, "Due"), ==, "2026-03-04");

  /* durations as the UI shows them: h:mm and h:mm:ss[.S] */
  {
    g_autoptr(JsonObject) a = sb_call (sb, "POST", table, sb->pat,
                                       "{\"typecast\":true,\"fields\":{\"Title\":\"d1\",\"Estimate\":\"1:30\"}}", 200);
    g_autoptr(JsonObject) b = sb_call (sb, "POST", table, sb->pat,
                                       "{\"typecast\":true,\"fields\":{\"Title\":\"d2\",\"Estimate\":\"2:00:30.5\"}}", 200);
    g_autoptr(JsonObject) c = sb_call (sb, "POST", table, sb->pat,
                                       "{\"typecast\":true,\"fields\":{\"Title\":\"d3\",\"Estimate\":\"1:75\"}}", 422);
    g_autoptr(JsonObject) d = sb_call (sb, "POST", table, sb->pat,
                                       "{\"fields\":{\"Title\":\"d4\",\"Estimate\":\"1:30\"}}", 422);

    g_assert_cmpfloat (json_object_get_double_member (sb_fields (a), "Estimate"), ==, 5400);
    g_assert_cmpfloat (json_object_get_double_member (sb_fields (b), "Estimate"), ==, 7230.5);
    sb_assert_error (c, "INVALID_VALUE_FOR_COLUMN");
    sb_assert_error (d, "INVALID_VALUE_FOR_COLUMN");
  }

  /* the new option now exists in the schema */
  {
    g_autoptr(JsonObject) reply = sb_call (sb, "GET", schema, sb->pat, NULL, 200);
    JsonObject *tasks = json_array_get_object_element (json_object_get_array_member (reply, "tables"), 2);
    JsonArray *tfields = json_object_get_array_member (tasks, "fields");
    gboolean found = FALSE;

    for (guint i = 0; i < json_array_get_length (tfields); i++)
      {
        JsonObject *f = json_array_get_object_element (tfields, i);

        if (g_str_equal (json_object_get_string_member (f, "name"), "Labels"))
          {
            JsonArray *choices = json_object_get_array_member (json_object_get_object_member (f, "options"), "choices");

            for (guint c = 0; c < json_array_get_length (choices); c++)
              {
                JsonObject *choice = json_array_get_object_element (choices, c);

                if (g_str_equal (json_object_get_string_member (choice, "name"), "urgent"))
                  {
                    found = TRUE;
                    g_assert_true (g_str_has_prefix (json_object_get_string_member (choice, "id"), "sel"));
                    g_assert_nonnull (json_object_get_string_member (choice, "color"));
                  }
              }
          }
      }
    g_assert_true (found);
  }

  /* a failed typecast request creates no option */
  {
    g_autoptr(JsonObject) fail = sb_call (sb, "POST", table, sb->pat,
                                          "{\"typecast\":true,\"records\":[{\"fields\":{\"Labels\":[\"never-made\"]}},{\"fields\":{\"Points\":\"x\"}}]}", 422);
    g_autoptr(JsonObject) again = sb_call (sb, "POST", table, sb->pat, "{\"fields\":{\"Labels\":[\"never-made\"]}}", 422);

    sb_assert_error (fail, "INVALID_VALUE_FOR_COLUMN");
    sb_assert_error (again, "INVALID_MULTIPLE_CHOICE_OPTIONS");
  }
}

static void
test_delete (void)
{
  g_autoptr(HangarTestSandbox) sb = start ();
  g_autofree char *base = sb_demo_base (sb);
  g_autofree char *table = g_strdup_printf ("/v0/%s/Tasks", base);
  g_autoptr(JsonObject) created = sb_call (sb, "POST", table, sb->pat,
                                           "{\"records\":[{\"fields\":{\"Title\":\"d1\"}},{\"fields\":{\"Title\":\"d2\"}},{\"fields\":{\"Title\":\"d3\"}}]}", 200);
  const char *a = json_object_get_string_member (json_array_get_object_element (sb_records (created), 0), "id");
  const char *b = json_object_get_string_member (json_array_get_object_element (sb_records (created), 1), "id");
  const char *c = json_object_get_string_member (json_array_get_object_element (sb_records (created), 2), "id");
  guint before = sb_count_records (sb, base, "Tasks");

  /* batch: records[] in the query, bracket-encoded or not */
  {
    g_autofree char *p = g_strdup_printf ("%s?records%%5B%%5D=%s&records[]=%s", table, a, b);
    g_autoptr(JsonObject) reply = sb_call (sb, "DELETE", p, sb->pat, NULL, 200);
    JsonArray *records = sb_records (reply);

    g_assert_cmpuint (json_array_get_length (records), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (records, 0), "id"), ==, a);
    g_assert_true (json_object_get_boolean_member (json_array_get_object_element (records, 1), "deleted"));
  }
  g_assert_cmpuint (sb_count_records (sb, base, "Tasks"), ==, before - 2);
  /* unknown id in a batch: nothing deleted */
  {
    g_autofree char *p = g_strdup_printf ("%s?records[]=%s&records[]=recAAAAAAAAAAAAAA", table, c);
    g_autoptr(JsonObject) reply = sb_call (sb, "DELETE", p, sb->pat, NULL, 422);

    sb_assert_error (reply, "ROW_DOES_NOT_EXIST");
  }
  g_assert_cmpuint (sb_count_records (sb, base, "Tasks"), ==, before - 2);
  {
    g_autoptr(GString) p = g_string_new (table);
    g_autoptr(JsonObject) reply = NULL;

    for (guint i = 0; i < 11; i++)
      g_string_append_printf (p, "%crecords[]=%s", i ? '&' : '?', c);
    reply = sb_call (sb, "DELETE", p->str, sb->pat, NULL, 422);
    sb_assert_error (reply, "INVALID_RECORDS");
  }
  {
    g_autoptr(JsonObject) reply = sb_call (sb, "DELETE", table, sb->pat, NULL, 422);

    sb_assert_error (reply, "INVALID_RECORDS");
  }
  /* single */
  {
    g_autofree char *p = g_strdup_printf ("%s/%s", table, c);
    g_autoptr(JsonObject) reply = sb_call (sb, "DELETE", p, sb->pat, NULL, 200);
    g_autoptr(JsonObject) again = sb_call (sb, "DELETE", p, sb->pat, NULL, 404);

    g_assert_cmpstr (json_object_get_string_member (reply, "id"), ==, c);
    g_assert_true (json_object_get_boolean_member (reply, "deleted"));
    sb_assert_error (again, "MODEL_ID_NOT_FOUND");
  }
}

static void
test_comments (void)
{
  g_autoptr(HangarTestSandbox) sb = start ();
  g_autofree char *base = sb_demo_base (sb);
  g_autofree char *list = g_strdup_printf ("/v0/%s/Projects?maxRecords=1", base);
  g_autoptr(JsonObject) page = sb_call (sb, "GET", list, sb->pat, NULL, 200);
  const char *id = json_object_get_string_member (json_array_get_object_element (sb_records (page), 0), "id");
  g_autofree char *path = g_strdup_printf ("/v0/%s/Projects/%s/comments", base, id);
  g_autoptr(JsonObject) comments = sb_call (sb, "GET", path, sb->pat, NULL, 200);
  JsonArray *array = json_object_get_array_member (comments, "comments");
  JsonObject *first = json_array_get_object_element (array, 0);

  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (first, "id"), "com"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (first, "author"), "email"), ==, "demo@hangar.test");
  /* The older one is a colleague's, mentioning the demo user by id. */
  {
    JsonObject *second = json_array_get_object_element (array, 1);
    JsonObject *mentioned = json_object_get_object_member (second, "mentioned");
    const char *demo_id = hangar_test_sandbox_user (sb, 0, "id");
    JsonObject *who = json_object_get_object_member (mentioned, demo_id);

    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (second, "author"), "email"), ==, "priya@hangar.test");
    g_assert_true (g_str_has_prefix (json_object_get_string_member (second, "text"), "@[usr"));
    g_assert_cmpstr (json_object_get_string_member (who, "displayName"), ==, "Dana Demo");
    g_assert_cmpstr (json_object_get_string_member (who, "type"), ==, "user");
    g_assert_false (json_object_has_member (first, "mentioned"));

    /* Only the author may change or delete a comment. */
    {
      g_autofree char *other = g_strdup_printf ("%s/%s", path, json_object_get_string_member (second, "id"));
      g_autoptr(JsonObject) refused = sb_call (sb, "PATCH", other, sb->pat, "{\"text\":\"mine now\"}", 403);
      g_autoptr(JsonObject) not_deleted = sb_call (sb, "DELETE", other, sb->pat, NULL, 403);

      sb_assert_error (refused, "INVALID_PERMISSIONS");
      sb_assert_error (not_deleted, "INVALID_PERMISSIONS");
    }
  }

  {
    g_autoptr(JsonObject) created = sb_call (sb, "POST", path, sb->pat, "{\"text\":\"Looks good @[usrX]\"}", 200);
    g_autoptr(JsonObject) again = sb_call (sb, "GET", path, sb->pat, NULL, 200);
    g_autofree char *meta = g_strdup_printf ("/v0/%s/Projects?maxRecords=1&recordMetadata%%5B%%5D=commentCount", base);
    g_autoptr(JsonObject) counted = sb_call (sb, "GET", meta, sb->pat, NULL, 200);

    g_assert_cmpstr (json_object_get_string_member (created, "text"), ==, "Looks good @[usrX]");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (again, "comments")), ==, 3);
    /* newest first */
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (again, "comments"), 0), "id"),
                     ==, json_object_get_string_member (created, "id"));
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (sb_records (counted), 0), "commentCount"), ==, 3);

    /* Editing and deleting one's own comment. */
    {
      g_autofree char *one = g_strdup_printf ("%s/%s", path, json_object_get_string_member (created, "id"));
      g_autoptr(JsonObject) edited = sb_call (sb, "PATCH", one, sb->pat, "{\"text\":\"Edited\"}", 200);
      g_autoptr(JsonObject) empty = sb_call (sb, "PATCH", one, sb->pat, "{\"text\":\"\"}", 422);
      g_autoptr(JsonObject) deleted = sb_call (sb, "DELETE", one, sb->pat, NULL, 200);
      g_autoptr(JsonObject) gone = sb_call (sb, "DELETE", one, sb->pat, NULL, 404);
      g_autoptr(JsonObject) after = sb_call (sb, "GET", path, sb->pat, NULL, 200);

      g_assert_cmpstr (json_object_get_string_member (edited, "text"), ==, "Edited");
      g_assert_true (json_object_get_string_member (edited, "lastUpdatedTime") != NULL);
      g_assert_cmpstr (json_object_get_string_member (deleted, "id"), ==, json_object_get_string_member (created, "id"));
      g_assert_true (json_object_get_boolean_member (deleted, "deleted"));
      sb_assert_error (gone, "MODEL_ID_NOT_FOUND");
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (after, "comments")), ==, 2);
    }
  }
  {
    g_autoptr(JsonObject) bad = sb_call (sb, "POST", path, sb->pat, "{\"text\":5}", 422);

    sb_assert_error (bad, "INVALID_REQUEST_UNKNOWN");
  }
}

static void
test_upload_attachment (void)
{
  g_autoptr(HangarTestSandbox) sb = start ();
  g_autofree char *base = sb_demo_base (sb);
  g_autofree char *list = g_strdup_printf ("/v0/%s/Projects?maxRecords=1", base);
  g_autoptr(JsonObject) page = sb_call (sb, "GET", list, sb->pat, NULL, 200);
  JsonObject *project = json_array_get_object_element (sb_records (page), 0);
  const char *id = json_object_get_string_member (project, "id");
  guint before = json_array_get_length (json_object_get_array_member (sb_fields (project), "Brief"));
  g_autofree char *b64 = g_base64_encode ((const guchar *) "hello, sandbox", 14);
  g_autofree char *body = g_strdup_printf ("{\"contentType\":\"text/plain\",\"filename\":\"notes.txt\",\"file\":\"%s\"}", b64);
  g_autofree char *path = g_strdup_printf ("/v0/%s/%s/Brief/uploadAttachment", base, id);
  g_autoptr(JsonObject) reply = sb_call (sb, "POST", path, sb->pat, body, 200);
  GList *keys = json_object_get_members (sb_fields (reply));
  JsonArray *atts = json_object_get_array_member (sb_fields (reply), keys->data);
  JsonObject *att = json_array_get_object_element (atts, json_array_get_length (atts) - 1);
  const char *url = json_object_get_string_member (att, "url");
  guint status = 0;
  g_autoptr(GBytes) bytes = NULL;

  g_list_free (keys);
  g_assert_cmpstr (json_object_get_string_member (reply, "id"), ==, id);
  g_assert_cmpuint (json_array_get_length (atts), ==, before + 1);
  g_assert_cmpstr (json_object_get_string_member (att, "filename"), ==, "notes.txt");
  g_assert_cmpint (json_object_get_int_member (att, "size"), ==, 14);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (att, "id"), "att"));
  g_assert_true (g_str_has_prefix (url, sb->url));
  bytes = hangar_test_sandbox_raw_request (sb, "GET", url + strlen (sb->url), NULL, NULL, NULL, 0, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "hello, sandbox", 14);
  {
    g_autofree char *bad = g_strdup_printf ("/v0/%s/%s/Name/uploadAttachment", base, id);
    g_autoptr(JsonObject) r = sb_call (sb, "POST", bad, sb->pat, body, 422);
    g_autoptr(JsonObject) r2 = sb_call (sb, "POST", path, hangar_test_sandbox_user (sb, 1, "pat"), body, 403);
  }
}

/* cellFormat=string follows userLocale (separators, "local" and "friendly"
 * dates, the default clock) and the fields' own formats and time zones. */
static const char *
string_cell (HangarTestSandbox *sb,
             const char        *base,
             const char        *table,
             const char        *record_id,
             const char        *locale,
             const char        *zone,
             const char        *field)
{
  static char value[256];
  g_autofree char *p = g_strdup_printf ("/v0/%s/%s/%s?cellFormat=string&timeZone=%s&userLocale=%s",
                                        base, table, record_id, zone, locale);
  g_autoptr(JsonObject) reply = sb_call (sb, "GET", p, sb->pat, NULL, 200);
  JsonObject *fields = sb_fields (reply);
  JsonNode *node = json_object_get_member (fields, field);

  if (node == NULL)
    return NULL;
  g_assert_cmpint (json_node_get_value_type (node), ==, G_TYPE_STRING);
  g_strlcpy (value, json_node_get_string (node), sizeof value);
  return value;
}

static void
test_string_locales (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--no-rate-limit", NULL);
  g_autofree char *base = sb_demo_base (sb);
  g_autofree char *tables = g_strdup_printf ("/v0/meta/bases/%s/tables", base);
  g_autofree char *records = g_strdup_printf ("/v0/%s/Formats", base);
  g_autoptr(JsonObject) created = NULL;
  g_autoptr(JsonObject) rec = NULL;
  g_autoptr(JsonObject) neg = NULL;
  g_autoptr(JsonObject) list = NULL;
  const char *id;
  const char *neg_id;
  static const struct
  {
    const char *locale, *field, *expected;
  } cases[] = {
    /* number grouping and decimal mark */
    { "en-us", "Amount", "1,234,567.89" },
    { "en-gb", "Amount", "1,234,567.89" },
    { "de-de", "Amount", "1.234.567,89" },
    { "de-AT", "Amount", "1.234.567,89" },
    { "fr-fr", "Amount", "1\u202f234\u202f567,89" },
    { "ja-jp", "Amount", "1,234,567.89" },      /* unlisted → en-us */
    { "en-us", "Small", "42.50" },
    { "de-de", "Small", "42,50" },
    { "en-us", "Price", "€9,999.50" },
    { "de-de", "Price", "€9.999,50" },
    { "en-us", "Rate", "12.5%" },
    { "fr-fr", "Rate", "12,5%" },
    { "en-us", "Count", "7" },
    /* "local" date order */
    { "en-us", "Day", "3/5/2024" },
    { "en-gb", "Day", "5/3/2024" },
    { "en-au", "Day", "5/3/2024" },
    { "de-de", "Day", "5.3.2024" },
    { "fr-fr", "Day", "5/3/2024" },
    /* fixed formats ignore the locale; "friendly" names the month */
    { "en-gb", "Iso", "2024-03-05" },
    { "de-de", "Us", "3/5/2024" },
    { "en-us", "European", "5/3/2024" },
    { "en-us", "Friendly", "March 5, 2024" },
    { "en-gb", "Friendly", "5 March 2024" },
    { "de-de", "Friendly", "5. März 2024" },
    { "fr-fr", "Friendly", "5 mars 2024" },
    /* dateTime: "client" zone = the request's (Europe/Berlin, +1 in March) */
    { "en-us", "When", "3/5/2024 3:30pm" },
    { "en-gb", "When", "5/3/2024 3:30pm" },
    { "de-de", "When 24", "5.3.2024 15:30" },
    { "en-us", "When 24", "3/5/2024 15:30" },
    /* a field with its own zone and clock */
    { "de-de", "Tokyo", "2024-03-05 23:30" },
    { "en-us", "Tokyo", "2024-03-05 23:30" },
    /* durations follow durationFormat */
    { "en-us", "Dur", "1:02:03" },
    { "en-us", "Short dur", "1:02" },
    { "en-us", "Precise dur", "1:02:03.5" },
  };

  created = sb_call (sb, "POST", tables, sb->pat,
                     "{\"name\":\"Formats\",\"fields\":["
                     "{\"name\":\"Name\",\"type\":\"singleLineText\"},"
                     "{\"name\":\"Amount\",\"type\":\"number\",\"options\":{\"precision\":2}},"
                     "{\"name\":\"Small\",\"type\":\"number\",\"options\":{\"precision\":2}},"
                     "{\"name\":\"Count\",\"type\":\"number\",\"options\":{\"precision\":0}},"
                     "{\"name\":\"Price\",\"type\":\"currency\",\"options\":{\"precision\":2,\"symbol\":\"€\"}},"
                     "{\"name\":\"Rate\",\"type\":\"percent\",\"options\":{\"precision\":1}},"
                     "{\"name\":\"Day\",\"type\":\"date\",\"options\":{\"dateFormat\":{\"name\":\"local\"}}},"
                     "{\"name\":\"Iso\",\"type\":\"date\",\"options\":{\"dateFormat\":{\"name\":\"iso\"}}},"
                     "{\"name\":\"Us\",\"type\":\"date\",\"options\":{\"dateFormat\":{\"name\":\"us\"}}},"
                     "{\"name\":\"European\",\"type\":\"date\",\"options\":{\"dateFormat\":{\"name\":\"european\"}}},"
                     "{\"name\":\"Friendly\",\"type\":\"date\",\"options\":{\"dateFormat\":{\"name\":\"friendly\"}}},"
                     "{\"name\":\"When\",\"type\":\"dateTime\",\"options\":{\"dateFormat\":{\"name\":\"local\"},"
                     "\"timeFormat\":{\"name\":\"12hour\"},\"timeZone\":\"client\"}},"
                     "{\"name\":\"When 24\",\"type\":\"dateTime\",\"options\":{\"dateFormat\":{\"name\":\"local\"},"
                     "\"timeFormat\":{\"name\":\"24hour\"},\"timeZone\":\"client\"}},"
                     "{\"name\":\"Tokyo\",\"type\":\"dateTime\",\"options\":{\"dateFormat\":{\"name\":\"iso\"},"
                     "\"timeFormat\":{\"name\":\"24hour\"},\"timeZone\":\"Asia/Tokyo\"}},"
                     "{\"name\":\"Dur\",\"type\":\"duration\",\"options\":{\"durationFormat\":\"h:mm:ss\"}},"
                     "{\"name\":\"Short dur\",\"type\":\"duration\",\"options\":{\"durationFormat\":\"h:mm\"}},"
                     "{\"name\":\"Precise dur\",\"type\":\"duration\",\"options\":{\"durationFormat\":\"h:mm:ss.S\"}}"
                     "]}", 200);
  rec = sb_call (sb, "POST", records, sb->pat,
                 "{\"fields\":{\"Name\":\"one\",\"Amount\":1234567.891,\"Small\":42.5,\"Count\":7,\"Price\":9999.5,"
                 "\"Rate\":0.125,\"Day\":\"2024-03-05\",\"Iso\":\"2024-03-05\",\"Us\":\"2024-03-05\","
                 "\"European\":\"2024-03-05\",\"Friendly\":\"2024-03-05\",\"When\":\"2024-03-05T14:30:00.000Z\",\"When 24\":\"2024-03-05T14:30:00.000Z\","
                 "\"Tokyo\":\"2024-03-05T14:30:00.000Z\",\"Dur\":3723,\"Short dur\":3723,\"Precise dur\":3723.5}}", 200);
  id = json_object_get_string_member (rec, "id");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *got = string_cell (sb, base, "Formats", id, cases[i].locale, "Europe%2FBerlin", cases[i].field);

      if (g_strcmp0 (got, cases[i].expected) != 0)
        g_error ("%s in %s: expected \"%s\", got \"%s\"", cases[i].field, cases[i].locale, cases[i].expected, got);
    }
  /* the request's zone moves a "client" dateTime, not a fixed one */
  g_assert_cmpstr (string_cell (sb, base, "Formats", id, "en-us", "America%2FNew_York", "When"), ==, "3/5/2024 9:30am");
  g_assert_cmpstr (string_cell (sb, base, "Formats", id, "en-us", "America%2FNew_York", "Tokyo"), ==, "2024-03-05 23:30");

  /* negatives and the list endpoint (GET and POST) */
  neg = sb_call (sb, "POST", records, sb->pat,
                 "{\"fields\":{\"Name\":\"neg\",\"Amount\":-1234.5,\"Price\":-1000}}", 200);
  neg_id = json_object_get_string_member (neg, "id");
  g_assert_cmpstr (string_cell (sb, base, "Formats", neg_id, "en-us", "UTC", "Amount"), ==, "-1,234.50");
  g_assert_cmpstr (string_cell (sb, base, "Formats", neg_id, "de-de", "UTC", "Price"), ==, "-€1.000,00");
  {
    g_autofree char *p = g_strdup_printf ("/v0/%s/Formats/listRecords?timeZone=UTC&userLocale=de-de", base);

    list = sb_call (sb, "POST", p, sb->pat,
                    "{\"cellFormat\":\"string\",\"sort\":[{\"field\":\"Name\"}],\"fields\":[\"Name\",\"Amount\",\"Day\"]}", 200);
    g_assert_cmpuint (json_array_get_length (sb_records (list)), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (sb_fields (json_array_get_object_element (sb_records (list), 0)), "Amount"),
                     ==, "-1.234,50");
    g_assert_cmpstr (json_object_get_string_member (sb_fields (json_array_get_object_element (sb_records (list), 1)), "Amount"),
                     ==, "1.234.567,89");
    g_assert_cmpstr (json_object_get_string_member (sb_fields (json_array_get_object_element (sb_records (list), 1)), "Day"),
                     ==, "5.3.2024");
  }
  /* the JSON format is untouched */
  {
    g_autofree char *p = g_strdup_printf ("/v0/%s/Formats/%s", base, id);
    g_autoptr(JsonObject) plain = sb_call (sb, "GET", p, sb->pat, NULL, 200);

    g_assert_cmpfloat (json_object_get_double_member (sb_fields (plain), "Amount"), ==, 1234567.891);
    g_assert_cmpstr (json_object_get_string_member (sb_fields (plain), "Day"), ==, "2024-03-05");
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();

  g_test_add_func ("/hangar/sandbox/records/pagination", test_pagination);
  g_test_add_func ("/hangar/sandbox/records/offsets", test_offsets);
  g_test_add_func ("/hangar/sandbox/records/query-options", test_query_options);
  g_test_add_func ("/hangar/sandbox/records/get", test_get_record);
  g_test_add_func ("/hangar/sandbox/records/create", test_create);
  g_test_add_func ("/hangar/sandbox/records/links", test_links);
  g_test_add_func ("/hangar/sandbox/records/update", test_update);
  g_test_add_func ("/hangar/sandbox/records/upsert", test_upsert);
  g_test_add_func ("/hangar/sandbox/records/typecast", test_typecast);
  g_test_add_func ("/hangar/sandbox/records/delete", test_delete);
  g_test_add_func ("/hangar/sandbox/records/comments", test_comments);
  g_test_add_func ("/hangar/sandbox/records/upload-attachment", test_upload_attachment);
  g_test_add_func ("/hangar/sandbox/records/string-locales", test_string_locales);
  return g_test_run ();
}
