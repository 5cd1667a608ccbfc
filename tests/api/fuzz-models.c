/* fuzz-models.c — fuzzing the JSON entry point and the model parsers
 *
 * One input is one answer as a server could send it: its first byte picks
 * what reads it (the JSON entry point alone, a record list page, one
 * record, the bases, a base schema, a table, a field, a view, whoami, an
 * error body, comments), the rest is the body. Whatever the bytes, the
 * readers must not crash, must agree with each other (what the strict scan
 * accepts, json-glib parses; what the writer prints, the scan accepts
 * again and prints the same), and every model they build must answer all of
 * its getters.
 *
 * Built two ways from this file:
 *   - with its own driver (the api suite's "fuzz-models" test, and
 *     tests/api/fuzz-models.sh for longer runs): seeded mutations of valid
 *     answers for a number of seconds or executions, printing how many
 *     inputs ran; a crash writes the input that caused it to
 *     fuzz-models-crash-PID.bin before the process dies;
 *   - with -DHANGAR_LIBFUZZER and clang's -fsanitize=fuzzer, as a libFuzzer
 *     target (tests/api/fuzz-models.sh builds it when clang can).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "hangar-api.h"
#include "hangar-model-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Inputs that got past the JSON entry point, and that made models. */
static guint64 n_parsed, n_models;

typedef enum
{
  KIND_JSON,
  KIND_RECORD_PAGE,
  KIND_RECORD,
  KIND_BASES,
  KIND_SCHEMA,
  KIND_TABLE,
  KIND_FIELD,
  KIND_VIEW,
  KIND_WHOAMI,
  KIND_ERROR,
  KIND_COMMENTS,
  N_KINDS
} Kind;

static void
check_utf8 (const char *text)
{
  if (text != NULL && !g_utf8_validate (text, -1, NULL))
    g_error ("not UTF-8: %s", text);
}

static void
check_error (GError *error)
{
  g_assert_nonnull (error);
  check_utf8 (error->message);
}

static void
check_notes (const char * const *notes)
{
  for (guint i = 0; notes != NULL && notes[i] != NULL; i++)
    check_utf8 (notes[i]);
}

static void
exercise_field (HangarField *field)
{
  static const char *values[] = {
    "0", "-1.5", "1e300", "123456789012345678901", "\"2024-02-29\"", "\"2024-01-01T10:00:00.000Z\"",
    "true", "[\"a\",\"b\"]", "{\"label\":\"x\",\"url\":null}", "[{\"id\":\"att1\",\"url\":\"u\",\"filename\":\"f\"}]",
    "{\"id\":\"usr1\",\"email\":\"e\"}", "{\"specialValue\":\"NaN\"}", "\"\"", "null", "[[1]]",
  };
  g_auto(GStrv) choices = hangar_field_dup_choice_names (field);
  g_autoptr(JsonNode) back = hangar_field_to_json (field);

  check_utf8 (hangar_field_get_id (field));
  check_utf8 (hangar_field_get_name (field));
  check_utf8 (hangar_field_get_display_name (field));
  (void) hangar_field_get_icon_name (field);
  (void) hangar_field_is_computed (field);
  check_notes (hangar_field_get_notes (field));
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr(GPtrArray) notes = NULL;
      g_autoptr(JsonNode) value = hangar_json_parse_full (values[i], -1, 0, &notes, NULL);
      g_autofree char *shown = NULL;
      g_autofree char *plain = NULL;

      if (value == NULL)
        continue;
      shown = hangar_field_format_value_with_separators (field, value, ",", ".", "\3");
      plain = hangar_field_format_value_plain (field, value);
      check_utf8 (shown);
      check_utf8 (plain);
    }
}

static void
exercise_record (HangarRecord *record)
{
  JsonObject *fields;
  g_autoptr(JsonNode) back = NULL;
  g_autoptr(GList) members = NULL;

  check_utf8 (hangar_record_get_id (record));
  (void) hangar_record_get_created_time (record);
  (void) hangar_record_get_comment_count (record);
  check_notes (hangar_record_get_notes (record));
  /* reads the compact text back */
  fields = hangar_record_get_fields (record);
  members = json_object_get_members (fields);
  for (GList *l = members; l != NULL; l = l->next)
    (void) hangar_record_get_field (record, l->data);
  back = hangar_record_to_json (record, TRUE);
  {
    g_autofree char *text = hangar_json_to_string (back, -1);

    g_assert_true (hangar_json_validate (text, -1, 0, NULL));
  }
}

static void
exercise_table (HangarTable *table)
{
  GPtrArray *fields = hangar_table_get_fields (table);
  GPtrArray *views = hangar_table_get_views (table);
  g_autoptr(JsonNode) back = hangar_table_to_json (table);

  check_utf8 (hangar_table_get_name (table));
  (void) hangar_table_get_primary_field (table);
  for (guint i = 0; i < fields->len; i++)
    exercise_field (g_ptr_array_index (fields, i));
  for (guint i = 0; i < views->len; i++)
    {
      g_autoptr(JsonNode) view = hangar_view_to_json (g_ptr_array_index (views, i));

      check_utf8 (hangar_view_get_name (g_ptr_array_index (views, i)));
    }
}

/* The JSON entry point on its own: scan and parser agree, the writer's
 * output reads back the same. */
static void
exercise_json (const char *text,
               gsize       len)
{
  g_autoptr(GPtrArray) notes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = hangar_json_parse_full (text, len, 0, &notes, &error);
  gboolean valid = hangar_json_validate (text, len, 0, NULL);

  if (node == NULL)
    {
      check_error (error);
      g_assert_true (error->domain == HANGAR_JSON_ERROR);
      if (g_str_has_prefix (error->message, "Invalid JSON: "))
        g_error ("the scan accepted what json-glib refused: %s", error->message);
      g_assert_false (valid);
      return;
    }
  g_assert_true (valid);
  n_parsed++;
  for (guint i = 0; notes != NULL && i < notes->len; i++)
    {
      HangarJsonNote *note = g_ptr_array_index (notes, i);

      check_utf8 (note->path);
      check_utf8 (note->message);
    }
  {
    g_autofree char *out = hangar_json_to_string (node, -1);
    g_autofree char *pretty = hangar_json_to_string (node, 2);
    g_autoptr(JsonNode) again = hangar_json_parse (out, -1, 0, NULL, &error);
    g_autofree char *out2 = NULL;

    g_assert_no_error (error);
    out2 = hangar_json_to_string (again, -1);
    g_assert_cmpstr (out, ==, out2);
    g_assert_true (hangar_json_validate (pretty, -1, 0, NULL));
  }
}

static void
run_one (Kind        kind,
         const char *text,
         gsize       len)
{
  g_autoptr(GPtrArray) notes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) models = NULL;

  if (kind == KIND_JSON)
    {
      exercise_json (text, len);
      return;
    }
  if (kind == KIND_ERROR)
    {
      g_autoptr(GBytes) body = g_bytes_new (text, len);
      guint statuses[] = { 400, 401, 403, 404, 413, 422, 429, 500, 503 };
      GError *mapped = hangar_api_error_new_from_response (statuses[len % G_N_ELEMENTS (statuses)],
                                                           "Reason", body);

      check_error (mapped);
      g_assert_true (mapped->domain == HANGAR_API_ERROR);
      check_utf8 (hangar_api_error_get_server_type (mapped));
      check_utf8 (hangar_api_error_get_server_message (mapped));
      g_error_free (mapped);
      return;
    }

  root = hangar_json_parse_full (text, len, 0, &notes, &error);
  if (root == NULL)
    {
      check_error (error);
      return;
    }
  n_parsed++;

  switch (kind)
    {
    case KIND_RECORD_PAGE:
      models = _hangar_record_list_from_json_with_notes (root, notes, &error);
      for (guint i = 0; models != NULL && i < models->len; i++)
        exercise_record (g_ptr_array_index (models, i));
      break;
    case KIND_RECORD:
      if (JSON_NODE_HOLDS_OBJECT (root))
        {
          g_autoptr(HangarRecord) record = hangar_record_new_from_json (json_node_get_object (root), &error);

          if (record != NULL)
            {
              _hangar_record_take_notes (record, notes, "");
              exercise_record (record);
            }
        }
      break;
    case KIND_BASES:
      models = hangar_base_list_from_json (root, &error);
      for (guint i = 0; models != NULL && i < models->len; i++)
        {
          check_utf8 (hangar_base_get_name (g_ptr_array_index (models, i)));
          (void) hangar_base_can_edit (g_ptr_array_index (models, i));
        }
      break;
    case KIND_SCHEMA:
      models = hangar_table_list_from_json (root, &error);
      for (guint i = 0; models != NULL && i < models->len; i++)
        {
          GPtrArray *fields = hangar_table_get_fields (g_ptr_array_index (models, i));

          for (guint j = 0; j < fields->len; j++)
            {
              g_autofree char *prefix = g_strdup_printf ("tables[%u].fields[%u]", i, j);

              _hangar_field_take_notes (g_ptr_array_index (fields, j), notes, prefix);
            }
          exercise_table (g_ptr_array_index (models, i));
        }
      break;
    case KIND_TABLE:
      if (JSON_NODE_HOLDS_OBJECT (root))
        {
          g_autoptr(HangarTable) table = hangar_table_new_from_json (json_node_get_object (root), &error);

          if (table != NULL)
            exercise_table (table);
        }
      break;
    case KIND_FIELD:
      if (JSON_NODE_HOLDS_OBJECT (root))
        {
          g_autoptr(HangarField) field = hangar_field_new_from_json (json_node_get_object (root), &error);

          if (field != NULL)
            {
              _hangar_field_take_notes (field, notes, "");
              exercise_field (field);
            }
        }
      break;
    case KIND_VIEW:
      if (JSON_NODE_HOLDS_OBJECT (root))
        {
          g_autoptr(HangarView) view = hangar_view_new_from_json (json_node_get_object (root), &error);

          if (view != NULL)
            {
              g_autoptr(JsonNode) back = hangar_view_to_json (view);

              (void) hangar_view_get_visible_field_ids (view);
              check_utf8 (hangar_view_get_view_type (view));
            }
        }
      break;
    case KIND_WHOAMI:
      if (JSON_NODE_HOLDS_OBJECT (root))
        {
          g_autoptr(HangarWhoami) me = hangar_whoami_new_from_json (json_node_get_object (root), &error);

          if (me != NULL)
            {
              check_utf8 (hangar_whoami_get_user_id (me));
              (void) hangar_whoami_get_scopes (me);
              (void) hangar_whoami_has_scope (me, "data.records:read");
            }
        }
      break;
    case KIND_COMMENTS:
      models = hangar_comment_list_from_json (root, &error);
      for (guint i = 0; models != NULL && i < models->len; i++)
        check_utf8 (hangar_comment_get_text (g_ptr_array_index (models, i)));
      break;
    case KIND_JSON:
    case KIND_ERROR:
    case N_KINDS:
    default:
      break;
    }
  if (error != NULL)
    check_error (error);
  else
    n_models++;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  if (size == 0)
    return 0;
  run_one ((Kind) (data[0] % N_KINDS), (const char *) data + 1, size - 1);
  return 0;
}

#ifndef HANGAR_LIBFUZZER

/* Valid answers of every kind; mutations start from them. */
static const struct { Kind kind; const char *text; } seeds[] = {
  { KIND_JSON, "[1,-2.5e-3,0,null,false,\"\\ud83d\\ude00\",{\"\":[]},123456789012345678901234,1e999]" },
  { KIND_RECORD_PAGE,
    "{\"records\":[{\"id\":\"recA0000000000001\",\"createdTime\":\"2024-01-01T00:00:00.000Z\","
    "\"fields\":{\"Name\":\"a\",\"N\":1.5,\"T\":[\"x\",\"y\"],\"B\":true,\"At\":[{\"id\":\"att1\",\"url\":\"u\","
    "\"thumbnails\":{\"small\":{\"url\":\"s\",\"width\":1,\"height\":2}}}],\"C\":{\"id\":\"usr1\"}},"
    "\"commentCount\":2},{\"id\":\"recB0000000000002\",\"createdTime\":\"2024-01-02T00:00:00.123456Z\","
    "\"fields\":{}}],\"offset\":\"itr1/recB0000000000002\"}" },
  { KIND_RECORD, "{\"id\":\"recA0000000000001\",\"createdTime\":\"2024-01-01T00:00:00.000Z\",\"fields\":{\"Big\":99999999999999999999}}" },
  { KIND_BASES, "{\"bases\":[{\"id\":\"appA000000000001\",\"name\":\"A\",\"permissionLevel\":\"create\"}],\"offset\":\"x\"}" },
  { KIND_SCHEMA,
    "{\"tables\":[{\"id\":\"tblA000000000001\",\"name\":\"T\",\"primaryFieldId\":\"fld1\",\"fields\":["
    "{\"id\":\"fld1\",\"name\":\"Name\",\"type\":\"singleLineText\"},"
    "{\"id\":\"fld2\",\"name\":\"N\",\"type\":\"number\",\"options\":{\"precision\":2}},"
    "{\"id\":\"fld3\",\"name\":\"C\",\"type\":\"currency\",\"options\":{\"precision\":1e30,\"symbol\":\"$\"}},"
    "{\"id\":\"fld4\",\"name\":\"P\",\"type\":\"percent\",\"options\":{\"precision\":0}},"
    "{\"id\":\"fld5\",\"name\":\"D\",\"type\":\"duration\",\"options\":{\"durationFormat\":\"h:mm:ss.SS\"}},"
    "{\"id\":\"fld6\",\"name\":\"R\",\"type\":\"rating\",\"options\":{\"max\":5,\"icon\":\"star\"}},"
    "{\"id\":\"fld7\",\"name\":\"S\",\"type\":\"singleSelect\",\"options\":{\"choices\":[{\"id\":\"sel1\",\"name\":\"a\",\"color\":\"redLight2\"}]}},"
    "{\"id\":\"fld8\",\"name\":\"Dt\",\"type\":\"dateTime\",\"options\":{\"timeZone\":\"Europe/Berlin\",\"dateFormat\":{\"name\":\"iso\"},\"timeFormat\":{\"name\":\"24hour\"}}},"
    "{\"id\":\"fld9\",\"name\":\"F\",\"type\":\"formula\",\"options\":{\"result\":{\"type\":\"number\",\"options\":{\"precision\":1}}}}"
    "],\"views\":[{\"id\":\"viw1\",\"name\":\"Grid\",\"type\":\"grid\",\"visibleFieldIds\":[\"fld1\"]}]}]}" },
  { KIND_TABLE, "{\"id\":\"tbl1\",\"name\":\"T\",\"primaryFieldId\":\"fld1\",\"fields\":[{\"id\":\"fld1\",\"name\":\"N\",\"type\":\"autoNumber\"}],\"views\":[]}" },
  { KIND_FIELD, "{\"id\":\"fld1\",\"name\":\"Amount\",\"type\":\"currency\",\"options\":{\"precision\":7,\"symbol\":\"€\"}}" },
  { KIND_VIEW, "{\"id\":\"viw1\",\"name\":\"Kanban\",\"type\":\"kanban\"}" },
  { KIND_WHOAMI, "{\"id\":\"usr1\",\"email\":\"a@b.c\",\"scopes\":[\"data.records:read\",\"schema.bases:read\"]}" },
  { KIND_ERROR, "{\"error\":{\"type\":\"INVALID_FILTER_BY_FORMULA\",\"message\":\"Bad \\\"thing\\\" \\u00e9\"}}" },
  { KIND_ERROR, "{\"error\":\"invalid_grant\",\"error_description\":\"Token has been expired or revoked.\"}" },
  { KIND_COMMENTS,
    "{\"comments\":[{\"id\":\"com1\",\"author\":{\"id\":\"usr1\",\"email\":\"e\"},\"text\":\"hi @[usr1]\","
    "\"createdTime\":\"2024-01-01T00:00:00.000Z\",\"lastUpdatedTime\":null}],\"offset\":null}" },
};

/* Pieces worth splicing in: JSON syntax, hostile numbers and escapes, and
 * member names the parsers look for. */
static const char *dictionary[] = {
  "{", "}", "[", "]", ",", ":", "\"", "\\", "null", "true", "false", "0", "-0", "1e999999", "-1e400",
  "123456789012345678901234567890", "9223372036854775808", "-9223372036854775809", "1.5e-400",
  "\\u0000", "\\ud800", "\\udc00", "\\ud83d\\ude00", "\xc3\xa9", "\xff", "\x01", "\"id\"", "\"fields\"",
  "\"records\"", "\"offset\"", "\"options\"", "\"precision\"", "\"createdTime\"", "\"type\"", "\"error\"",
  "\"message\"", "\"tables\"", "\"views\"", "\"choices\"", "\"scopes\"", "\"bases\"", "\"comments\"",
  "\"2024-13-45T99:99:99Z\"", "\"\"", "[[[[[[[[[[", "]]]]]]]]]]", "{\"\":{\"\":{\"\":",
};

/* Warnings and messages about the input are expected; criticals are not. */
static GLogWriterOutput
quiet_writer (GLogLevelFlags   log_level,
              const GLogField *fields,
              gsize            n_fields,
              gpointer         user_data)
{
  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    return g_log_writer_default (log_level, fields, n_fields, user_data);
  return G_LOG_WRITER_HANDLED;
}

static char *current_input;
static gsize current_len;
static int crash_fd = -1;

static void
crash_handler (int signal_number)
{
  /* async-signal-safe: write what ran, then die as we would have */
  if (crash_fd >= 0 && current_input != NULL)
    {
      ssize_t written = write (crash_fd, current_input, current_len);

      (void) written;
      close (crash_fd);
    }
  signal (signal_number, SIG_DFL);
  raise (signal_number);
}

static void
mutate (GRand   *rand,
        GString *text)
{
  guint edits = g_rand_int_range (rand, 1, 8);

  for (guint e = 0; e < edits; e++)
    {
      guint pos = text->len > 1 ? g_rand_int_range (rand, 1, text->len) : 1;

      if (pos > text->len)
        pos = text->len;
      switch (g_rand_int_range (rand, 0, 6))
        {
        case 0:
          g_string_insert_c (text, pos, (char) g_rand_int_range (rand, 0, 256));
          break;
        case 1:
          if (pos < text->len)
            {
              guint len = g_rand_int_range (rand, 1, 8);

              g_string_erase (text, pos, MIN (len, text->len - pos));
            }
          break;
        case 2:
          if (pos < text->len)
            text->str[pos] = (char) g_rand_int_range (rand, 0, 256);
          break;
        case 3:
        case 4:
          g_string_insert (text, pos, dictionary[g_rand_int_range (rand, 0, G_N_ELEMENTS (dictionary))]);
          break;
        default:
          {
            /* repeat a slice: deep nesting, long numbers and strings */
            guint len = g_rand_int_range (rand, 1, 12);
            g_autofree char *slice = g_strndup (text->str + pos, len);

            for (guint k = g_rand_int_range (rand, 1, 64); k > 0; k--)
              g_string_insert (text, pos, slice);
          }
          break;
        }
    }
}

static void
collect_nodes (JsonNode  *node,
               GPtrArray *nodes)
{
  g_ptr_array_add (nodes, node);
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autoptr(GList) members = json_object_get_values (json_node_get_object (node));

      for (GList *l = members; l != NULL; l = l->next)
        collect_nodes (l->data, nodes);
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        collect_nodes (json_array_get_element (array, i), nodes);
    }
}

/* Valid JSON with the wrong shapes: a member given a value of another type,
 * removed or added, an array element dropped or added. Returns FALSE when
 * @text is not JSON (then only byte mutations apply). */
static gboolean
mutate_structure (GRand   *rand,
                  GString *text)
{
  static const char *values[] = {
    "\"\"", "0", "-1", "1.5", "1e300", "true", "false", "null", "\"x\"", "[]", "{}", "[null]",
    "\"2024-01-01T00:00:00Z\"", "\"not a time\"", "[\"a\",1]", "{\"id\":1}", "9007199254740993",
  };
  static const char *names[] = {
    "id", "fields", "records", "offset", "options", "precision", "createdTime", "type", "name",
    "error", "message", "tables", "views", "choices", "scopes", "bases", "comments", "primaryFieldId",
    "permissionLevel", "email", "author", "text", "commentCount", "visibleFieldIds", "result", "symbol",
  };
  g_autoptr(JsonNode) root = hangar_json_parse (text->str + 1, text->len - 1, 0, NULL, NULL);
  g_autofree char *out = NULL;

  if (root == NULL)
    return FALSE;
  for (guint e = g_rand_int_range (rand, 1, 4); e > 0; e--)
    {
      /* collected again after every edit: an edit frees what it replaced */
      g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
      g_autoptr(JsonNode) value = hangar_json_parse (values[g_rand_int_range (rand, 0, G_N_ELEMENTS (values))],
                                                     -1, 0, NULL, NULL);
      JsonNode *node;

      collect_nodes (root, nodes);
      node = g_ptr_array_index (nodes, g_rand_int_range (rand, 0, nodes->len));
      if (JSON_NODE_HOLDS_OBJECT (node))
        {
          JsonObject *object = json_node_get_object (node);
          g_autoptr(GList) members = json_object_get_members (object);
          const char *member = members != NULL
                               ? g_list_nth_data (members, g_rand_int_range (rand, 0, g_list_length (members)))
                               : NULL;

          switch (member != NULL ? g_rand_int_range (rand, 0, 3) : 2)
            {
            case 0:
              json_object_remove_member (object, member);
              break;
            case 1:
              /* a member of the document takes another value */
              json_object_set_member (object, member, json_node_copy (value));
              break;
            default:
              json_object_set_member (object, names[g_rand_int_range (rand, 0, G_N_ELEMENTS (names))],
                                      json_node_copy (value));
              break;
            }
        }
      else if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);

          if (json_array_get_length (array) > 0 && g_rand_boolean (rand))
            json_array_remove_element (array, g_rand_int_range (rand, 0, json_array_get_length (array)));
          else
            json_array_add_element (array, json_node_copy (value));
        }
    }
  out = hangar_json_to_string (root, -1);
  g_string_truncate (text, 1);
  g_string_append (text, out);
  return TRUE;
}

static void
write_seeds (const char *dir)
{
  g_mkdir_with_parents (dir, 0700);
  for (guint i = 0; i < G_N_ELEMENTS (seeds); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/seed-%02u", dir, i);
      g_autoptr(GString) input = g_string_new (NULL);

      g_string_append_c (input, (char) seeds[i].kind);
      g_string_append (input, seeds[i].text);
      if (!g_file_set_contents (path, input->str, input->len, NULL))
        g_error ("cannot write %s", path);
    }
}

int
main (int   argc,
      char *argv[])
{
  double seconds = 2;
  gint64 max_runs = 0;
  guint32 seed = 20261202;
  g_autofree char *seeds_dir = NULL;
  g_autofree char *crash_path = NULL;
  GOptionEntry entries[] = {
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &seconds, "Run for this long (default 2)", "S" },
    { "runs", 0, 0, G_OPTION_ARG_INT64, &max_runs, "Stop after this many inputs", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, "Seed of the mutations", "N" },
    { "write-seeds", 0, 0, G_OPTION_ARG_FILENAME, &seeds_dir, "Write the seed inputs into DIR and exit", "DIR" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— fuzz the JSON entry point and the model parsers");
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = NULL;
  gint64 deadline;
  guint64 runs = 0;
  guint64 per_kind[N_KINDS] = { 0 };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (seeds_dir != NULL)
    {
      write_seeds (seeds_dir);
      return 0;
    }

  g_log_set_writer_func (quiet_writer, NULL, NULL);
  /* A critical is a finding: stop there, with the input written out. */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR);
  crash_path = g_strdup_printf ("fuzz-models-crash-%d.bin", (int) getpid ());
  crash_fd = open (crash_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  signal (SIGSEGV, crash_handler);
  signal (SIGABRT, crash_handler);
  signal (SIGBUS, crash_handler);
  signal (SIGFPE, crash_handler);

  rand = g_rand_new_with_seed (seed);
  deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  /* every seed as it is first */
  for (guint i = 0; i < G_N_ELEMENTS (seeds); i++)
    {
      run_one (seeds[i].kind, seeds[i].text, strlen (seeds[i].text));
      runs++;
    }
  while ((max_runs > 0 ? (gint64) runs < max_runs : g_get_monotonic_time () < deadline))
    {
      guint which = g_rand_int_range (rand, 0, G_N_ELEMENTS (seeds));
      g_autoptr(GString) input = g_string_new (NULL);

      g_string_append_c (input, (char) seeds[which].kind);
      g_string_append (input, seeds[which].text);
      /* half of the inputs keep valid JSON with wrong shapes; some of
       * those, and all the others, get byte edits too */
      if (!g_rand_boolean (rand) || !mutate_structure (rand, input) || g_rand_int_range (rand, 0, 4) == 0)
        mutate (rand, input);
      /* now and then, read it as another kind */
      if (g_rand_int_range (rand, 0, 8) == 0)
        input->str[0] = (char) g_rand_int_range (rand, 0, N_KINDS);

      current_input = input->str;
      current_len = input->len;
      LLVMFuzzerTestOneInput ((const uint8_t *) input->str, input->len);
      current_input = NULL;
      per_kind[(guchar) input->str[0] % N_KINDS]++;
      runs++;
    }

  close (crash_fd);
  unlink (crash_path);
  g_print ("fuzz-models: %" G_GUINT64_FORMAT " executions (seed %u), %" G_GUINT64_FORMAT " valid JSON, %"
           G_GUINT64_FORMAT " built models, 0 findings;", runs, seed, n_parsed, n_models);
  for (guint k = 0; k < N_KINDS; k++)
    g_print (" %" G_GUINT64_FORMAT, per_kind[k]);
  g_print (" per kind\n");
  return 0;
}

#endif
