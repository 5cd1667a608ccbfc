/* hangar-cli-mcp-tools.c — the MCP server's tools
 *
 * Each tool is a JSON Schema for its arguments (published in tools/list and
 * enforced before the tool runs, src/cli/hangar-cli-mcp-schema.c) and an
 * asynchronous function on the account's HangarClient, so the client's
 * pacing, its 429 and 401 handling and its refusal to re-send an uncertain
 * write apply to everything an agent does.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hangar-cli-mcp-private.h"
#include "hangar-field-spec.h"

/* records a list or search call returns by default, and at most */
#define DEFAULT_MAX_RECORDS 100
#define MAX_LIST_RESTARTS   3

/* Schemas ------------------------------------------------------------------------ */

#define S_ACCOUNT \
  "\"account\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":1024," \
  "\"description\":\"The account's label (see list_accounts). Needed only when several accounts are available.\"}"
#define S_BASE \
  "\"base\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":1024," \
  "\"description\":\"A base id (app…) or the base's exact name\"}"
#define S_TABLE \
  "\"table\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":1024," \
  "\"description\":\"A table id (tbl…) or the table's name\"}"
#define S_RECORD_ID \
  "\"record_id\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":1024,\"description\":\"A record id (rec…)\"}"
#define S_FIELD_NAMES(what) \
  "{\"type\":\"array\",\"maxItems\":500,\"items\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":1024}," \
  "\"description\":\"" what "\"}"
#define S_FILTERS \
  "\"formula\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":100000," \
  "\"description\":\"An Airtable formula (filterByFormula); only records for which it is true\"}," \
  "\"where\":{\"type\":\"object\",\"maxProperties\":100," \
  "\"additionalProperties\":{\"type\":[\"string\",\"number\",\"boolean\",\"null\"]}," \
  "\"description\":\"Only records whose field (the key) equals the value, all of them (AND); values are quoted " \
  "safely, null matches an empty cell\"}," \
  "\"sort\":{\"type\":\"array\",\"maxItems\":50,\"items\":{\"type\":\"object\",\"additionalProperties\":false," \
  "\"required\":[\"field\"],\"properties\":{\"field\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":1024}," \
  "\"direction\":{\"type\":\"string\",\"enum\":[\"asc\",\"desc\"],\"default\":\"asc\"}}}," \
  "\"description\":\"Sort by these fields, in order\"}," \
  "\"fields\":" S_FIELD_NAMES ("Return only these fields (names or ids)") "," \
  "\"view\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":1024," \
  "\"description\":\"Only the records of this view (id or name), in its order\"}," \
  "\"max\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":1000,\"default\":100," \
  "\"description\":\"At most this many records (default 100)\"}"
#define S_WRITE_FLAGS \
  "\"typecast\":{\"type\":\"boolean\",\"default\":false," \
  "\"description\":\"Let Airtable convert values (e.g. text to numbers, new select options)\"}," \
  "\"continue_on_error\":{\"type\":\"boolean\",\"default\":false," \
  "\"description\":\"Send the later chunks of 10 even after one was refused\"}"
#define S_FIELDS_OBJECT \
  "\"fields\":{\"type\":\"object\",\"description\":\"Cell values by field name or id\"}"

static const char schema_list_accounts[] =
  "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{}}";

static const char schema_list_bases[] =
  "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{" S_ACCOUNT "}}";

static const char schema_describe_base[] =
  "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"base\"],\"properties\":{"
  S_ACCOUNT "," S_BASE ","
  "\"table\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":1024,"
  "\"description\":\"Only this table (id or name)\"}}}";

static const char schema_list_records[] =
  "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"base\",\"table\"],\"properties\":{"
  S_ACCOUNT "," S_BASE "," S_TABLE "," S_FILTERS ","
  "\"offset\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":1024,"
  "\"description\":\"Continue a listing: the offset a previous call returned, with the same other arguments\"}}}";

static const char schema_search_records[] =
  "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"base\",\"table\",\"query\"],\"properties\":{"
  S_ACCOUNT "," S_BASE "," S_TABLE ","
  "\"query\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":1000,"
  "\"description\":\"Text to look for, ignoring case\"},"
  "\"search_fields\":" S_FIELD_NAMES ("Look only in these fields (default: every text field of the table)") ","
  S_FILTERS "}}";

static const char schema_get_record[] =
  "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"base\",\"table\",\"record_id\"],"
  "\"properties\":{" S_ACCOUNT "," S_BASE "," S_TABLE "," S_RECORD_ID "}}";

static const char schema_create_records[] =
  "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"base\",\"table\",\"records\"],"
  "\"properties\":{" S_ACCOUNT "," S_BASE "," S_TABLE ","
  "\"records\":{\"type\":\"array\",\"minItems\":1,\"maxItems\":100,\"items\":{\"type\":\"object\","
  "\"additionalProperties\":false,\"required\":[\"fields\"],\"properties\":{" S_FIELDS_OBJECT "}},"
  "\"description\":\"The records to create, sent 10 at a time\"}," S_WRITE_FLAGS "}}";

static const char schema_update_records[] =
  "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"base\",\"table\",\"records\"],"
  "\"properties\":{" S_ACCOUNT "," S_BASE "," S_TABLE ","
  "\"records\":{\"type\":\"array\",\"minItems\":1,\"maxItems\":100,\"items\":{\"type\":\"object\","
  "\"additionalProperties\":false,\"required\":[\"id\",\"fields\"],\"properties\":{"
  "\"id\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":1024,\"description\":\"The record's id (rec…)\"},"
  S_FIELDS_OBJECT "}},\"description\":\"The records to change, sent 10 at a time\"},"
  "\"replace\":{\"type\":\"boolean\",\"default\":false,"
  "\"description\":\"Clear every field not given (PUT) instead of changing only the fields given\"},"
  S_WRITE_FLAGS "}}";

static const char schema_upsert_records[] =
  "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"base\",\"table\",\"merge_on\",\"records\"],"
  "\"properties\":{" S_ACCOUNT "," S_BASE "," S_TABLE ","
  "\"merge_on\":{\"type\":\"array\",\"minItems\":1,\"maxItems\":3,"
  "\"items\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":1024},"
  "\"description\":\"1 to 3 fields that identify a record: a record matching them is updated, otherwise one "
  "is created\"},"
  "\"records\":{\"type\":\"array\",\"minItems\":1,\"maxItems\":100,\"items\":{\"type\":\"object\","
  "\"additionalProperties\":false,\"required\":[\"fields\"],\"properties\":{" S_FIELDS_OBJECT "}},"
  "\"description\":\"The records, each with every merge field, sent 10 at a time\"}," S_WRITE_FLAGS "}}";

static const char schema_delete_records[] =
  "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"base\",\"table\",\"record_ids\"],"
  "\"properties\":{" S_ACCOUNT "," S_BASE "," S_TABLE ","
  "\"record_ids\":{\"type\":\"array\",\"minItems\":1,\"maxItems\":100,"
  "\"items\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":1024},"
  "\"description\":\"The records to delete (rec…), sent 10 at a time\"}}}";

static const char schema_list_comments[] =
  "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"base\",\"table\",\"record_id\"],"
  "\"properties\":{" S_ACCOUNT "," S_BASE "," S_TABLE "," S_RECORD_ID "}}";

static const char schema_add_comment[] =
  "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"base\",\"table\",\"record_id\",\"text\"],"
  "\"properties\":{" S_ACCOUNT "," S_BASE "," S_TABLE "," S_RECORD_ID ","
  "\"text\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":100000,\"description\":\"The comment\"},"
  "\"parent_comment_id\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":1024,"
  "\"description\":\"Reply to this comment (com…)\"}}}";

#define S_FIELD_SPEC_PROPS \
  "\"name\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":1024}," \
  "\"type\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":100," \
  "\"description\":\"An Airtable field type: singleLineText, multilineText, number, checkbox, singleSelect, " \
  "date, email, url, …\"}," \
  "\"description\":{\"type\":\"string\",\"maxLength\":20000}," \
  "\"options\":{\"type\":\"object\",\"description\":\"The type's options, as Airtable's API describes them\"}"

static const char schema_create_table[] =
  "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"base\",\"name\",\"fields\"],"
  "\"properties\":{" S_ACCOUNT "," S_BASE ","
  "\"name\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":1024},"
  "\"description\":{\"type\":\"string\",\"maxLength\":20000},"
  "\"fields\":{\"type\":\"array\",\"minItems\":1,\"maxItems\":500,\"items\":{\"type\":\"object\","
  "\"additionalProperties\":false,\"required\":[\"name\",\"type\"],\"properties\":{" S_FIELD_SPEC_PROPS "}},"
  "\"description\":\"The fields; the first is the primary field\"}}}";

static const char schema_create_field[] =
  "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"base\",\"table\",\"name\",\"type\"],"
  "\"properties\":{" S_ACCOUNT "," S_BASE "," S_TABLE "," S_FIELD_SPEC_PROPS "}}";

/* Shared state of one call ----------------------------------------------------- */

typedef struct
{
  char              *base_id;      /* resolved */
  char              *base_name;    /* when known */
  HangarListOptions *options;
  GPtrArray         *records;      /* HangarRecord, listed so far */
  GHashTable        *seen;         /* record ids listed */
  GHashTable        *offsets;      /* offsets handed back by the server */
  char              *offset;
  guint              max;
  guint              restarts;
  gboolean           from_offset;  /* the agent continued a listing */
  GPtrArray         *items;        /* JsonObject: what a write sends */
  GPtrArray         *ids;          /* char *, NULL-terminated: what a delete sends */
} Work;

static void
work_free (Work *work)
{
  g_free (work->base_id);
  g_free (work->base_name);
  g_clear_pointer (&work->options, hangar_list_options_free);
  g_clear_pointer (&work->records, g_ptr_array_unref);
  g_clear_pointer (&work->seen, g_hash_table_unref);
  g_clear_pointer (&work->offsets, g_hash_table_unref);
  g_free (work->offset);
  g_clear_pointer (&work->items, g_ptr_array_unref);
  g_clear_pointer (&work->ids, g_ptr_array_unref);
  g_free (work);
}

static Work *
work_for (HangarCliMcpCall *call)
{
  if (call->data == NULL)
    {
      call->data = g_new0 (Work, 1);
      call->data_free = (GDestroyNotify) work_free;
    }
  return call->data;
}

static const char *
arg_string (HangarCliMcpCall *call,
            const char       *name)
{
  JsonNode *node = json_object_get_member (call->args, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;
}

static gboolean
arg_boolean (HangarCliMcpCall *call,
             const char       *name)
{
  JsonNode *node = json_object_get_member (call->args, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_boolean (node);
}

static JsonArray *
arg_array (HangarCliMcpCall *call,
           const char       *name)
{
  JsonNode *node = json_object_get_member (call->args, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static char *
format_time (GDateTime *time)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autofree char *text = NULL;

  if (time == NULL)
    return NULL;
  utc = g_date_time_to_utc (time);
  text = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%03dZ", text, g_date_time_get_microsecond (utc) / 1000);
}

static JsonObject *
record_to_json (HangarRecord *record)
{
  JsonObject *object = json_object_new ();
  g_autofree char *created = format_time (hangar_record_get_created_time (record));

  json_object_set_string_member (object, "id", hangar_record_get_id (record));
  if (created != NULL)
    json_object_set_string_member (object, "createdTime", created);
  json_object_set_object_member (object, "fields", json_object_ref (hangar_record_get_fields (record)));
  if (hangar_record_has_comment_count (record))
    json_object_set_int_member (object, "commentCount", hangar_record_get_comment_count (record));
  return object;
}

static JsonObject *
comment_to_json (HangarComment *comment)
{
  JsonObject *object = json_object_new ();
  JsonObject *author = json_object_new ();
  g_autofree char *created = format_time (hangar_comment_get_created_time (comment));
  g_autofree char *updated = format_time (hangar_comment_get_last_updated_time (comment));

  json_object_set_string_member (object, "id", hangar_comment_get_id (comment));
  json_object_set_string_member (object, "text", hangar_comment_get_text (comment));
  if (hangar_comment_get_author_id (comment) != NULL)
    json_object_set_string_member (author, "id", hangar_comment_get_author_id (comment));
  if (hangar_comment_get_author_email (comment) != NULL)
    json_object_set_string_member (author, "email", hangar_comment_get_author_email (comment));
  if (hangar_comment_get_author_name (comment) != NULL)
    json_object_set_string_member (author, "name", hangar_comment_get_author_name (comment));
  json_object_set_object_member (object, "author", author);
  if (created != NULL)
    json_object_set_string_member (object, "createdTime", created);
  if (updated != NULL)
    json_object_set_string_member (object, "lastUpdatedTime", updated);
  if (hangar_comment_get_parent_comment_id (comment) != NULL)
    json_object_set_string_member (object, "parentCommentId", hangar_comment_get_parent_comment_id (comment));
  return object;
}

/* Finding the base ----------------------------------------------------------- */

typedef void (*NextStep) (HangarCliMcpCall *call);

static gboolean
looks_like_base_id (const char *text)
{
  if (strlen (text) != 17 || !g_str_has_prefix (text, "app"))
    return FALSE;
  for (const char *p = text + 3; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;
  return TRUE;
}

typedef struct
{
  HangarCliMcpCall *call;
  NextStep          next;
} Step;

static void
bases_for_name_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Step *step = user_data;
  HangarCliMcpCall *call = step->call;
  NextStep next = step->next;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) bases = hangar_client_list_bases_finish (HANGAR_CLIENT (source), result, &error);
  const char *wanted = arg_string (call, "base");
  Work *work = work_for (call);
  g_autoptr(GString) ids = g_string_new (NULL);
  guint matches = 0;

  g_free (step);
  if (bases == NULL)
    {
      _hangar_cli_mcp_call_fail_error (call, error);
      return;
    }
  for (guint i = 0; i < bases->len; i++)
    {
      HangarBase *base = g_ptr_array_index (bases, i);

      if (g_strcmp0 (hangar_base_get_name (base), wanted) != 0)
        continue;
      if (matches++ == 0)
        {
          work->base_id = g_strdup (hangar_base_get_id (base));
          work->base_name = g_strdup (hangar_base_get_name (base));
        }
      g_string_append_printf (ids, "%s%s", ids->len > 0 ? ", " : "", hangar_base_get_id (base));
    }
  if (matches == 0)
    {
      _hangar_cli_mcp_call_fail (call, "BASE_NOT_FOUND",
                                 "the account “%s” has no base named “%s” (list_bases lists them)",
                                 hangar_account_get_label (call->account), wanted);
      return;
    }
  if (matches > 1)
    {
      _hangar_cli_mcp_call_fail (call, "AMBIGUOUS_BASE", "several bases are named “%s”: use an id (%s)",
                                 wanted, ids->str);
      return;
    }
  next (call);
}

/* Runs @next once the base argument is known as an id: an id is taken as
 * it is, a name is looked up among the account's bases. */
static void
with_base (HangarCliMcpCall *call,
           NextStep          next)
{
  const char *base = arg_string (call, "base");
  Work *work = work_for (call);
  Step *step;

  if (looks_like_base_id (base))
    {
      work->base_id = g_strdup (base);
      next (call);
      return;
    }
  if (!hangar_scopes_account_can (call->account, HANGAR_CAPABILITY_SCHEMA_READ))
    {
      _hangar_cli_mcp_call_fail (call, "MISSING_SCOPE",
                                 "finding a base by its name needs schema.bases:read, which the account “%s” was "
                                 "not granted: name the base by its id (app…)", hangar_account_get_label (call->account));
      return;
    }
  step = g_new0 (Step, 1);
  step->call = call;
  step->next = next;
  hangar_client_list_bases_async (call->client, call->cancellable, bases_for_name_cb, step);
}

/* list_accounts, list_bases, describe_base --------------------------------------- */

static void
tool_list_accounts (HangarCliMcpCall *call)
{
  g_autoptr(GPtrArray) accounts = _hangar_cli_mcp_dup_accounts (call->server);
  JsonObject *result = json_object_new ();
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < accounts->len; i++)
    json_array_add_object_element (array, _hangar_cli_mcp_account_to_json (g_ptr_array_index (accounts, i)));
  json_object_set_array_member (result, "accounts", array);
  json_object_set_boolean_member (result, "read_only", call->server->read_only);
  _hangar_cli_mcp_call_return (call, result);
}

static void
list_bases_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  HangarCliMcpCall *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) bases = hangar_client_list_bases_finish (HANGAR_CLIENT (source), result, &error);
  JsonObject *out;
  JsonArray *array;

  if (bases == NULL)
    {
      _hangar_cli_mcp_call_fail_error (call, error);
      return;
    }
  out = json_object_new ();
  array = json_array_new ();
  for (guint i = 0; i < bases->len; i++)
    {
      HangarBase *base = g_ptr_array_index (bases, i);
      JsonObject *object = json_object_new ();

      json_object_set_string_member (object, "id", hangar_base_get_id (base));
      json_object_set_string_member (object, "name", hangar_base_get_name (base));
      json_object_set_string_member (object, "permissionLevel", hangar_base_get_permission_level (base));
      json_array_add_object_element (array, object);
    }
  json_object_set_string_member (out, "account", hangar_account_get_label (call->account));
  json_object_set_array_member (out, "bases", array);
  _hangar_cli_mcp_call_return (call, out);
}

static void
tool_list_bases (HangarCliMcpCall *call)
{
  hangar_client_list_bases_async (call->client, call->cancellable, list_bases_cb, call);
}

static void
describe_base_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  HangarCliMcpCall *call = user_data;
  Work *work = work_for (call);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tables = hangar_client_get_base_schema_finish (HANGAR_CLIENT (source), result, &error);
  const char *only = arg_string (call, "table");
  JsonObject *out, *base;
  JsonArray *array;

  if (tables == NULL)
    {
      _hangar_cli_mcp_call_fail_error (call, error);
      return;
    }
  array = json_array_new ();
  for (guint i = 0; i < tables->len; i++)
    {
      HangarTable *table = g_ptr_array_index (tables, i);

      if (only == NULL || g_str_equal (hangar_table_get_id (table), only) ||
          g_str_equal (hangar_table_get_name (table), only))
        json_array_add_element (array, hangar_table_to_json (table));
    }
  if (only != NULL && json_array_get_length (array) == 0)
    {
      json_array_unref (array);
      _hangar_cli_mcp_call_fail (call, "TABLE_NOT_FOUND", "the base %s has no table “%s”", work->base_id, only);
      return;
    }
  out = json_object_new ();
  base = json_object_new ();
  json_object_set_string_member (base, "id", work->base_id);
  if (work->base_name != NULL)
    json_object_set_string_member (base, "name", work->base_name);
  json_object_set_object_member (out, "base", base);
  json_object_set_array_member (out, "tables", array);
  _hangar_cli_mcp_call_return (call, out);
}

static void
describe_base_start (HangarCliMcpCall *call)
{
  hangar_client_get_base_schema_async (call->client, work_for (call)->base_id, call->cancellable,
                                       describe_base_cb, call);
}

static void
tool_describe_base (HangarCliMcpCall *call)
{
  with_base (call, describe_base_start);
}

/* list_records, search_records --------------------------------------------------- */

/* The filter of the call as one formula: the agent's own formula, each
 * where member as {field}=value (quoted by the formula builder), and the
 * search, all of them (AND). NULL when there is none. */
static char *
build_formula (HangarCliMcpCall *call,
               HangarFormula    *search)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func ((GDestroyNotify) hangar_formula_unref);
  const char *formula = arg_string (call, "formula");
  JsonNode *where = json_object_get_member (call->args, "where");
  g_autoptr(HangarFormula) combined = NULL;

  if (formula != NULL)
    g_ptr_array_add (parts, hangar_formula_raw (formula));
  if (where != NULL)
    {
      JsonObjectIter iter;
      const char *field;
      JsonNode *value;

      json_object_iter_init_ordered (&iter, json_node_get_object (where));
      while (json_object_iter_next_ordered (&iter, &field, &value))
        {
          HangarFormula *part;

          if (JSON_NODE_HOLDS_NULL (value))
            part = hangar_formula_is_blank (hangar_formula_field (field));
          else if (json_node_get_value_type (value) == G_TYPE_STRING)
            part = hangar_formula_field_equals (field, json_node_get_string (value));
          else if (json_node_get_value_type (value) == G_TYPE_BOOLEAN)
            part = hangar_formula_eq (hangar_formula_field (field), hangar_formula_boolean (json_node_get_boolean (value)));
          else if (json_node_get_value_type (value) == G_TYPE_INT64)
            part = hangar_formula_eq (hangar_formula_field (field), hangar_formula_int (json_node_get_int (value)));
          else
            part = hangar_formula_eq (hangar_formula_field (field), hangar_formula_number (json_node_get_double (value)));
          g_ptr_array_add (parts, part);
        }
    }
  if (search != NULL)
    g_ptr_array_add (parts, hangar_formula_ref (search));

  if (parts->len == 0)
    return NULL;
  if (parts->len == 1)
    combined = g_ptr_array_steal_index (parts, 0);
  else
    {
      gsize n = 0;
      g_autofree HangarFormula **args = (HangarFormula **) g_ptr_array_steal (parts, &n);

      combined = hangar_formula_callv ("AND", args, n);
    }
  return hangar_formula_to_string (combined);
}

static void list_next_page (HangarCliMcpCall *call);

static void
list_done (HangarCliMcpCall *call,
           const char       *next_offset)
{
  Work *work = work_for (call);
  JsonObject *out = json_object_new ();
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < work->records->len; i++)
    json_array_add_object_element (array, record_to_json (g_ptr_array_index (work->records, i)));
  json_object_set_array_member (out, "records", array);
  json_object_set_int_member (out, "count", work->records->len);
  if (next_offset != NULL)
    json_object_set_string_member (out, "offset", next_offset);
  _hangar_cli_mcp_call_return (call, out);
}

static void
list_page_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  HangarCliMcpCall *call = user_data;
  Work *work = work_for (call);
  g_autoptr(GError) error = NULL;
  g_autofree char *next = NULL;
  g_autoptr(GPtrArray) page = hangar_client_list_records_page_finish (HANGAR_CLIENT (source), result, &next, &error);

  if (page == NULL)
    {
      /* An expired listing starts over (records already taken are not
       * taken twice), unless the agent's own offset expired: then only
       * the agent can start over. */
      if (g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_ITERATOR_EXPIRED) &&
          !work->from_offset && work->restarts < MAX_LIST_RESTARTS)
        {
          work->restarts++;
          g_clear_pointer (&work->offset, g_free);
          g_hash_table_remove_all (work->offsets);
          list_next_page (call);
          return;
        }
      _hangar_cli_mcp_call_fail_error (call, error);
      return;
    }

  for (guint i = 0; i < page->len; i++)
    {
      HangarRecord *record = g_ptr_array_index (page, i);

      if (!g_hash_table_add (work->seen, g_strdup (hangar_record_get_id (record))))
        continue;
      g_ptr_array_add (work->records, g_object_ref (record));
    }

  if (next == NULL || work->records->len >= work->max)
    {
      list_done (call, next);
      return;
    }
  /* A server that hands back an offset twice would keep the listing
   * going for ever. */
  if (!g_hash_table_add (work->offsets, g_strdup (next)))
    {
      _hangar_cli_mcp_call_fail (call, "INVALID_RESPONSE",
                                 "the server returned a listing offset it had returned before; stopped after %u "
                                 "records", work->records->len);
      return;
    }
  g_free (work->offset);
  work->offset = g_steal_pointer (&next);
  list_next_page (call);
}

static void
list_next_page (HangarCliMcpCall *call)
{
  Work *work = work_for (call);

  /* Each page asks for no more than is still wanted, so the offset
   * returned continues exactly after the last record returned. */
  hangar_list_options_set_page_size (work->options, MIN (100, work->max - work->records->len));
  hangar_client_list_records_page_async (call->client, work->base_id, arg_string (call, "table"), work->options,
                                         work->offset, call->cancellable, list_page_cb, call);
}

static void
list_start (HangarCliMcpCall *call,
            HangarFormula    *search)
{
  Work *work = work_for (call);
  JsonNode *max = json_object_get_member (call->args, "max");
  JsonArray *sort = arg_array (call, "sort");
  JsonArray *fields = arg_array (call, "fields");
  g_autofree char *formula = build_formula (call, search);

  work->options = hangar_list_options_new ();
  work->records = g_ptr_array_new_with_free_func (g_object_unref);
  work->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  work->offsets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  work->max = max != NULL ? (guint) json_node_get_double (max) : DEFAULT_MAX_RECORDS;
  work->offset = g_strdup (arg_string (call, "offset"));
  work->from_offset = work->offset != NULL;

  if (formula != NULL)
    hangar_list_options_set_formula (work->options, formula);
  for (guint i = 0; sort != NULL && i < json_array_get_length (sort); i++)
    {
      JsonObject *one = json_array_get_object_element (sort, i);
      const char *direction = json_object_has_member (one, "direction")
                              ? json_object_get_string_member (one, "direction") : "asc";

      hangar_list_options_add_sort (work->options, json_object_get_string_member (one, "field"),
                                    g_str_equal (direction, "desc"));
    }
  for (guint i = 0; fields != NULL && i < json_array_get_length (fields); i++)
    hangar_list_options_add_field (work->options, json_array_get_string_element (fields, i));
  if (arg_string (call, "view") != NULL)
    hangar_list_options_set_view (work->options, arg_string (call, "view"));

  list_next_page (call);
}

static void
list_records_start (HangarCliMcpCall *call)
{
  list_start (call, NULL);
}

static void
tool_list_records (HangarCliMcpCall *call)
{
  with_base (call, list_records_start);
}

static HangarFormula *
search_formula (const char  *query,
                char       **fields,
                guint        n_fields)
{
  g_autofree HangarFormula **parts = g_new0 (HangarFormula *, n_fields);

  for (guint i = 0; i < n_fields; i++)
    parts[i] = hangar_formula_contains_text (hangar_formula_field (fields[i]), query, FALSE);
  if (n_fields == 1)
    return g_steal_pointer (&parts[0]);
  return hangar_formula_callv ("OR", parts, n_fields);
}

static void
search_schema_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  HangarCliMcpCall *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tables = hangar_client_get_base_schema_finish (HANGAR_CLIENT (source), result, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(HangarFormula) search = NULL;
  const char *table_name = arg_string (call, "table");
  HangarTable *table;
  GPtrArray *fields;

  if (tables == NULL)
    {
      _hangar_cli_mcp_call_fail_error (call, error);
      return;
    }
  table = hangar_table_list_lookup (tables, table_name);
  if (table == NULL)
    {
      _hangar_cli_mcp_call_fail (call, "TABLE_NOT_FOUND", "the base %s has no table “%s”",
                                 work_for (call)->base_id, table_name);
      return;
    }
  fields = hangar_table_get_fields (table);
  for (guint i = 0; i < fields->len; i++)
    {
      HangarField *field = g_ptr_array_index (fields, i);

      if (hangar_field_is_text_like (field) ||
          hangar_field_get_field_type (field) == HANGAR_FIELD_TYPE_SINGLE_SELECT)
        g_ptr_array_add (names, (char *) hangar_field_get_name (field));
    }
  if (names->len == 0)
    {
      _hangar_cli_mcp_call_fail (call, "NO_TEXT_FIELDS",
                                 "the table “%s” has no text field to search: name fields in search_fields",
                                 table_name);
      return;
    }
  search = search_formula (arg_string (call, "query"), (char **) names->pdata, names->len);
  list_start (call, search);
}

static void
search_records_start (HangarCliMcpCall *call)
{
  JsonArray *given = arg_array (call, "search_fields");

  if (given != NULL && json_array_get_length (given) > 0)
    {
      g_autoptr(GPtrArray) names = g_ptr_array_new ();
      g_autoptr(HangarFormula) search = NULL;

      for (guint i = 0; i < json_array_get_length (given); i++)
        g_ptr_array_add (names, (char *) json_array_get_string_element (given, i));
      search = search_formula (arg_string (call, "query"), (char **) names->pdata, names->len);
      list_start (call, search);
      return;
    }
  if (!hangar_scopes_account_can (call->account, HANGAR_CAPABILITY_SCHEMA_READ))
    {
      _hangar_cli_mcp_call_fail (call, "MISSING_SCOPE",
                                 "finding the text fields to search needs schema.bases:read, which the account "
                                 "“%s” was not granted: name the fields in search_fields",
                                 hangar_account_get_label (call->account));
      return;
    }
  hangar_client_get_base_schema_async (call->client, work_for (call)->base_id, call->cancellable,
                                       search_schema_cb, call);
}

static void
tool_search_records (HangarCliMcpCall *call)
{
  with_base (call, search_records_start);
}

/* get_record -------------------------------------------------------------------- */

static void
get_record_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  HangarCliMcpCall *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarRecord) record = hangar_client_get_record_finish (HANGAR_CLIENT (source), result, &error);
  JsonObject *out;

  if (record == NULL)
    {
      _hangar_cli_mcp_call_fail_error (call, error);
      return;
    }
  out = json_object_new ();
  json_object_set_object_member (out, "record", record_to_json (record));
  _hangar_cli_mcp_call_return (call, out);
}

static void
get_record_start (HangarCliMcpCall *call)
{
  hangar_client_get_record_async (call->client, work_for (call)->base_id, arg_string (call, "table"),
                                  arg_string (call, "record_id"), NULL, call->cancellable, get_record_cb, call);
}

static void
tool_get_record (HangarCliMcpCall *call)
{
  with_base (call, get_record_start);
}

/* Writes --------------------------------------------------------------------------- */

static const char *
item_status_nick (HangarBatchItemStatus status,
                  gboolean              deleting)
{
  switch (status)
    {
    case HANGAR_BATCH_ITEM_WRITTEN: return deleting ? "deleted" : "written";
    case HANGAR_BATCH_ITEM_FAILED: return "refused";
    case HANGAR_BATCH_ITEM_UNCERTAIN: return "uncertain";
    case HANGAR_BATCH_ITEM_NOT_SENT:
    default: return "not_sent";
    }
}

/* Each item's outcome, in the order given: what was written (and the
 * record as Airtable now has it), what was refused and why, what was not
 * sent, and what may or may not have been written. */
static void
report_batch (HangarCliMcpCall  *call,
              HangarBatchResult *batch,
              gboolean           deleting,
              gboolean           upsert)
{
  Work *work = work_for (call);
  guint n = hangar_batch_result_get_n_items (batch);
  guint written = hangar_batch_result_get_n_written (batch);
  JsonObject *out = json_object_new ();
  JsonArray *results = json_array_new ();
  const GError *error;
  const char *type, *message;
  g_autofree char *summary = NULL;
  guint n_uncertain = 0;

  for (guint i = 0; i < n; i++)
    {
      HangarBatchItemStatus status = hangar_batch_result_get_status (batch, i);
      JsonObject *item = json_object_new ();
      const GError *item_error = hangar_batch_result_get_item_error (batch, i);
      HangarRecord *record = hangar_batch_result_get_record (batch, i);
      const char *id = hangar_batch_result_get_record_id (batch, i);

      json_object_set_int_member (item, "index", i);
      json_object_set_string_member (item, "status", item_status_nick (status, deleting));
      if (id == NULL && deleting)
        id = g_ptr_array_index (work->ids, i);
      if (id == NULL && record != NULL)
        id = hangar_record_get_id (record);
      if (id != NULL)
        json_object_set_string_member (item, "id", id);
      if (upsert && status == HANGAR_BATCH_ITEM_WRITTEN)
        json_object_set_boolean_member (item, "created", hangar_batch_result_get_created (batch, i));
      if (!deleting && record != NULL && status == HANGAR_BATCH_ITEM_WRITTEN)
        json_object_set_object_member (item, "record", record_to_json (record));
      if (item_error != NULL && status != HANGAR_BATCH_ITEM_WRITTEN)
        {
          JsonObject *why = json_object_new ();

          _hangar_cli_mcp_describe_error (item_error, &type, &message);
          json_object_set_string_member (why, "type", type);
          json_object_set_string_member (why, "message", message);
          json_object_set_object_member (item, "error", why);
        }
      if (status == HANGAR_BATCH_ITEM_UNCERTAIN)
        n_uncertain++;
      json_array_add_object_element (results, item);
    }
  json_object_set_array_member (out, "results", results);
  json_object_set_int_member (out, deleting ? "deleted" : "written", written);
  json_object_set_int_member (out, "total", n);

  if (written == n)
    {
      _hangar_cli_mcp_call_return (call, out);
      return;
    }

  error = hangar_batch_result_get_error (batch);
  if (error != NULL)
    _hangar_cli_mcp_describe_error (error, &type, &message);
  else
    {
      type = "PARTIAL_WRITE";
      message = "the batch did not complete";
    }
  summary = g_strdup_printf ("%s — %u of %u records %s%s; each record's outcome is in \"results\"", message,
                             written, n, deleting ? "deleted" : "written",
                             n_uncertain > 0 ? " (some uncertain: check them before sending again)" : "");
  _hangar_cli_mcp_call_fail_full (call, type, summary, out);
}

static void
write_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  HangarCliMcpCall *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarBatchResult) batch = NULL;
  const char *name = call->tool->name;

  if (g_str_equal (name, "create_records"))
    batch = hangar_client_create_records_finish (HANGAR_CLIENT (source), result, &error);
  else if (g_str_equal (name, "update_records"))
    batch = hangar_client_update_records_finish (HANGAR_CLIENT (source), result, &error);
  else if (g_str_equal (name, "upsert_records"))
    batch = hangar_client_upsert_records_finish (HANGAR_CLIENT (source), result, &error);
  else
    batch = hangar_client_delete_records_finish (HANGAR_CLIENT (source), result, &error);

  /* NULL only when the input was refused before anything was sent. */
  if (batch == NULL)
    {
      if (_hangar_cli_mcp_call_cancelled (call, error))
        return;
      if (error->domain == HANGAR_API_ERROR && hangar_api_error_get_server_type (error) == NULL &&
          (error->code == HANGAR_API_ERROR_INVALID_REQUEST || error->code == HANGAR_API_ERROR_INVALID_ARGUMENT))
        _hangar_cli_mcp_call_fail (call, "INVALID_ARGUMENTS", "%s", error->message);
      else
        _hangar_cli_mcp_call_fail_error (call, error);
      return;
    }
  if (g_cancellable_is_cancelled (call->cancellable) && _hangar_cli_mcp_call_cancelled (call, NULL))
    return;
  report_batch (call, batch, g_str_equal (name, "delete_records"), g_str_equal (name, "upsert_records"));
}

static HangarWriteFlags
write_flags (HangarCliMcpCall *call)
{
  HangarWriteFlags flags = HANGAR_WRITE_NONE;

  if (arg_boolean (call, "typecast"))
    flags |= HANGAR_WRITE_TYPECAST;
  if (arg_boolean (call, "continue_on_error"))
    flags |= HANGAR_WRITE_CONTINUE_ON_ERROR;
  if (arg_boolean (call, "replace"))
    flags |= HANGAR_WRITE_REPLACE;
  return flags;
}

static void
write_start (HangarCliMcpCall *call)
{
  Work *work = work_for (call);
  const char *name = call->tool->name;
  const char *table = arg_string (call, "table");

  if (g_str_equal (name, "delete_records"))
    {
      JsonArray *ids = arg_array (call, "record_ids");

      work->ids = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < json_array_get_length (ids); i++)
        g_ptr_array_add (work->ids, g_strdup (json_array_get_string_element (ids, i)));
      g_ptr_array_add (work->ids, NULL);
      hangar_client_delete_records_async (call->client, work->base_id, table, (const char * const *) work->ids->pdata,
                                          call->cancellable, write_cb, call);
      return;
    }

  work->items = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; i < json_array_get_length (arg_array (call, "records")); i++)
    {
      JsonObject *record = json_array_get_object_element (arg_array (call, "records"), i);

      /* A create sends the fields alone; update and upsert send
       * {"id"?, "fields"} as given (the schema allowed nothing else). */
      if (g_str_equal (name, "create_records"))
        g_ptr_array_add (work->items, json_object_ref (json_object_get_object_member (record, "fields")));
      else
        g_ptr_array_add (work->items, json_object_ref (record));
    }

  if (g_str_equal (name, "create_records"))
    hangar_client_create_records_async (call->client, work->base_id, table, work->items, write_flags (call),
                                        call->cancellable, write_cb, call);
  else if (g_str_equal (name, "update_records"))
    hangar_client_update_records_async (call->client, work->base_id, table, work->items, write_flags (call),
                                        call->cancellable, write_cb, call);
  else
    {
      JsonArray *merge = arg_array (call, "merge_on");
      g_autoptr(GPtrArray) fields = g_ptr_array_new ();

      for (guint i = 0; i < json_array_get_length (merge); i++)
        g_ptr_array_add (fields, (char *) json_array_get_string_element (merge, i));
      g_ptr_array_add (fields, NULL);
      hangar_client_upsert_records_async (call->client, work->base_id, table, (const char * const *) fields->pdata,
                                          work->items, write_flags (call), call->cancellable, write_cb, call);
    }
}

static void
tool_write (HangarCliMcpCall *call)
{
  with_base (call, write_start);
}

/* Comments ---------------------------------------------------------------------------- */

static void
list_comments_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  HangarCliMcpCall *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) comments = hangar_client_list_comments_finish (HANGAR_CLIENT (source), result, &error);
  JsonObject *out;
  JsonArray *array;

  if (comments == NULL)
    {
      _hangar_cli_mcp_call_fail_error (call, error);
      return;
    }
  out = json_object_new ();
  array = json_array_new ();
  for (guint i = 0; i < comments->len; i++)
    json_array_add_object_element (array, comment_to_json (g_ptr_array_index (comments, i)));
  json_object_set_array_member (out, "comments", array);
  _hangar_cli_mcp_call_return (call, out);
}

static void
list_comments_start (HangarCliMcpCall *call)
{
  hangar_client_list_comments_async (call->client, work_for (call)->base_id, arg_string (call, "table"),
                                     arg_string (call, "record_id"), call->cancellable, list_comments_cb, call);
}

static void
tool_list_comments (HangarCliMcpCall *call)
{
  with_base (call, list_comments_start);
}

static void
add_comment_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  HangarCliMcpCall *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarComment) comment = hangar_client_create_comment_finish (HANGAR_CLIENT (source), result, &error);
  JsonObject *out;

  if (comment == NULL)
    {
      _hangar_cli_mcp_call_fail_error (call, error);
      return;
    }
  out = json_object_new ();
  json_object_set_object_member (out, "comment", comment_to_json (comment));
  _hangar_cli_mcp_call_return (call, out);
}

static void
add_comment_start (HangarCliMcpCall *call)
{
  hangar_client_create_comment_async (call->client, work_for (call)->base_id, arg_string (call, "table"),
                                      arg_string (call, "record_id"), arg_string (call, "text"),
                                      arg_string (call, "parent_comment_id"), call->cancellable,
                                      add_comment_cb, call);
}

static void
tool_add_comment (HangarCliMcpCall *call)
{
  with_base (call, add_comment_start);
}

/* Schema changes ------------------------------------------------------------------------ */

/* {"name", "type", "description"?, "options"?} as the agent gave it. */
static JsonObject *
field_spec (JsonObject *given)
{
  JsonObject *spec = json_object_new ();
  static const char * const members[] = { "name", "type", "description", "options", NULL };

  for (guint i = 0; members[i] != NULL; i++)
    if (json_object_has_member (given, members[i]))
      json_object_set_member (spec, members[i], json_node_copy (json_object_get_member (given, members[i])));
  return spec;
}

static void
create_table_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  HangarCliMcpCall *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarTable) table = hangar_client_create_table_finish (HANGAR_CLIENT (source), result, &error);
  JsonObject *out;

  if (table == NULL)
    {
      _hangar_cli_mcp_call_fail_error (call, error);
      return;
    }
  out = json_object_new ();
  json_object_set_member (out, "table", hangar_table_to_json (table));
  _hangar_cli_mcp_call_return (call, out);
}

static JsonObject *
table_spec (HangarCliMcpCall *call)
{
  JsonObject *spec = json_object_new ();
  JsonArray *given = arg_array (call, "fields");
  JsonArray *fields = json_array_new ();

  json_object_set_string_member (spec, "name", arg_string (call, "name"));
  if (arg_string (call, "description") != NULL)
    json_object_set_string_member (spec, "description", arg_string (call, "description"));
  for (guint i = 0; i < json_array_get_length (given); i++)
    json_array_add_object_element (fields, field_spec (json_array_get_object_element (given, i)));
  json_object_set_array_member (spec, "fields", fields);
  return spec;
}

/* The new table is checked against Airtable's rules and the base's other
 * tables (names, link targets) before anything is written, as the CLI and
 * the window do: a refusal is a tool error and nothing is sent. */
static void
create_table_schema_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  HangarCliMcpCall *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tables = hangar_client_get_base_schema_finish (HANGAR_CLIENT (source), result, &error);
  g_autoptr(JsonObject) spec = NULL;

  if (tables == NULL)
    {
      _hangar_cli_mcp_call_fail_error (call, error);
      return;
    }
  spec = table_spec (call);
  if (!hangar_table_spec_check (spec, tables, &error))
    {
      _hangar_cli_mcp_call_fail_error (call, error);
      return;
    }
  hangar_client_create_table_async (call->client, work_for (call)->base_id, spec, call->cancellable,
                                    create_table_cb, call);
}

static void
create_table_start (HangarCliMcpCall *call)
{
  g_autoptr(JsonObject) spec = table_spec (call);
  g_autoptr(GError) error = NULL;

  /* What needs no schema is refused before any request. */
  if (!hangar_table_spec_check (spec, NULL, &error))
    {
      _hangar_cli_mcp_call_fail_error (call, error);
      return;
    }
  hangar_client_get_base_schema_async (call->client, work_for (call)->base_id, call->cancellable,
                                       create_table_schema_cb, call);
}

static void
tool_create_table (HangarCliMcpCall *call)
{
  with_base (call, create_table_start);
}

static void
create_field_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  HangarCliMcpCall *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarField) field = hangar_client_create_field_finish (HANGAR_CLIENT (source), result, &error);
  g_autoptr(JsonNode) written = NULL;
  JsonObject *out, *object;
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  if (field == NULL)
    {
      _hangar_cli_mcp_call_fail_error (call, error);
      return;
    }
  object = json_object_new ();
  json_object_set_string_member (object, "id", hangar_field_get_id (field));
  written = hangar_field_to_json (field);
  json_object_iter_init_ordered (&iter, json_node_get_object (written));
  while (json_object_iter_next_ordered (&iter, &name, &member))
    json_object_set_member (object, name, json_node_ref (member));
  out = json_object_new ();
  json_object_set_object_member (out, "field", object);
  _hangar_cli_mcp_call_return (call, out);
}

static void
create_field_send (HangarCliMcpCall *call,
                   HangarTable      *table,
                   GPtrArray        *tables)
{
  g_autoptr(JsonObject) spec = field_spec (call->args);
  g_autoptr(GError) error = NULL;

  /* Checked against Airtable's rules, the table and the base before
   * anything is written, as the CLI and the window do. */
  if (!hangar_field_spec_check (spec, table, NULL, tables, FALSE, &error))
    {
      _hangar_cli_mcp_call_fail_error (call, error);
      return;
    }
  hangar_client_create_field_async (call->client, work_for (call)->base_id, hangar_table_get_id (table), spec,
                                    call->cancellable, create_field_cb, call);
}

static void
create_field_schema_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  HangarCliMcpCall *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tables = hangar_client_get_base_schema_finish (HANGAR_CLIENT (source), result, &error);
  HangarTable *table;

  if (tables == NULL)
    {
      _hangar_cli_mcp_call_fail_error (call, error);
      return;
    }
  table = hangar_table_list_lookup (tables, arg_string (call, "table"));
  if (table == NULL)
    {
      _hangar_cli_mcp_call_fail (call, "TABLE_NOT_FOUND", "the base %s has no table “%s”",
                                 work_for (call)->base_id, arg_string (call, "table"));
      return;
    }
  create_field_send (call, table, tables);
}

static void
create_field_start (HangarCliMcpCall *call)
{
  g_autoptr(JsonObject) spec = field_spec (call->args);
  g_autoptr(GError) error = NULL;

  /* What needs no schema is refused before any request; the rest once the
   * base's schema (which also turns a table name into its id) is in. */
  if (!hangar_field_spec_check (spec, NULL, NULL, NULL, FALSE, &error))
    {
      _hangar_cli_mcp_call_fail_error (call, error);
      return;
    }
  hangar_client_get_base_schema_async (call->client, work_for (call)->base_id, call->cancellable,
                                       create_field_schema_cb, call);
}

static void
tool_create_field (HangarCliMcpCall *call)
{
  with_base (call, create_field_start);
}

/* The table ------------------------------------------------------------------------------ */

static const HangarCliMcpTool tools[] = {
  { "list_accounts", "List accounts",
    "The Airtable accounts connected in Hangar that this server may use: label, status (active, expired, "
    "revoked, …), user, granted scopes. Never a token.",
    schema_list_accounts, HANGAR_CAPABILITY_RECORDS_READ, FALSE, FALSE, TRUE, FALSE, tool_list_accounts },
  { "list_bases", "List bases",
    "The bases an account can use: id, name and permission level.",
    schema_list_bases, HANGAR_CAPABILITY_SCHEMA_READ, FALSE, FALSE, TRUE, TRUE, tool_list_bases },
  { "describe_base", "Describe a base",
    "A base's tables with their fields (id, name, type, options such as select choices) and views.",
    schema_describe_base, HANGAR_CAPABILITY_SCHEMA_READ, FALSE, FALSE, TRUE, TRUE, tool_describe_base },
  { "list_records", "List records",
    "Records of a table, filtered (a formula, and/or field=value pairs quoted safely), sorted, limited to some "
    "fields or a view; at most max (default 100, up to 1000). When more remain, \"offset\" continues the listing.",
    schema_list_records, HANGAR_CAPABILITY_RECORDS_READ, FALSE, FALSE, TRUE, TRUE, tool_list_records },
  { "search_records", "Search records",
    "Records whose text fields (or the fields named in search_fields) contain the query, ignoring case; takes "
    "the same filters, sort, fields, view and max as list_records.",
    schema_search_records, HANGAR_CAPABILITY_RECORDS_READ, FALSE, FALSE, TRUE, TRUE, tool_search_records },
  { "get_record", "Get a record",
    "One record by its id, with every non-empty field.",
    schema_get_record, HANGAR_CAPABILITY_RECORDS_READ, FALSE, FALSE, TRUE, TRUE, tool_get_record },
  { "create_records", "Create records",
    "Creates records (up to 100, sent 10 at a time). The result gives each record's outcome: written (with its "
    "new id), refused, not sent, or uncertain.",
    schema_create_records, HANGAR_CAPABILITY_RECORDS_WRITE, TRUE, FALSE, FALSE, TRUE, tool_write },
  { "update_records", "Update records",
    "Changes the given fields of records by id (or, with replace, clears every field not given); up to 100, "
    "sent 10 at a time, with each record's outcome.",
    schema_update_records, HANGAR_CAPABILITY_RECORDS_WRITE, TRUE, TRUE, TRUE, TRUE, tool_write },
  { "upsert_records", "Upsert records",
    "Updates the record that matches the merge_on fields, or creates one; up to 100, sent 10 at a time, with "
    "each record's outcome and whether it was created.",
    schema_upsert_records, HANGAR_CAPABILITY_RECORDS_WRITE, TRUE, TRUE, FALSE, TRUE, tool_write },
  { "delete_records", "Delete records",
    "Deletes records by id; up to 100, sent 10 at a time, with each record's outcome.",
    schema_delete_records, HANGAR_CAPABILITY_RECORDS_WRITE, TRUE, TRUE, TRUE, TRUE, tool_write },
  { "list_comments", "List comments",
    "The comments on a record, newest first, with their authors.",
    schema_list_comments, HANGAR_CAPABILITY_COMMENTS_READ, FALSE, FALSE, TRUE, TRUE, tool_list_comments },
  { "add_comment", "Add a comment",
    "Adds a comment to a record (optionally as a reply).",
    schema_add_comment, HANGAR_CAPABILITY_COMMENTS_WRITE, TRUE, FALSE, FALSE, TRUE, tool_add_comment },
  { "create_table", "Create a table",
    "Creates a table with its fields (the first is the primary field).",
    schema_create_table, HANGAR_CAPABILITY_SCHEMA_WRITE, TRUE, FALSE, FALSE, TRUE, tool_create_table },
  { "create_field", "Create a field",
    "Adds a field to a table.",
    schema_create_field, HANGAR_CAPABILITY_SCHEMA_WRITE, TRUE, FALSE, FALSE, TRUE, tool_create_field },
};

const HangarCliMcpTool *
_hangar_cli_mcp_get_tools (guint *n_tools)
{
  *n_tools = G_N_ELEMENTS (tools);
  return tools;
}
