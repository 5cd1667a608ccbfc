/* hangar-cli-schema.c — schema create-table, create-field, update-table,
 * update-field
 *
 * Each checks its input against Airtable's rules (src/api/hangar-field-spec.h)
 * before anything is sent; the rules that need the base's schema (names
 * taken, the table a link points to) are checked after reading it, still
 * before any write. Output: the table or field Airtable answered with, as
 * one line of JSON.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hangar-cli.h"

static const char * const edit_commands[] = {
  "create-table", "create-field", "update-table", "update-field", NULL,
};

gboolean
hangar_cli_schema_is_edit_command (const char *name)
{
  return name != NULL && g_strv_contains (edit_commands, name);
}

/* Prints @node as one line, or indented with --pretty. */
static int
print_result (JsonNode *node,
              gboolean  pretty)
{
  if (pretty)
    hangar_cli_print_json_pretty (node);
  else
    hangar_cli_print_json_line (node);
  return HANGAR_CLI_EXIT_OK;
}

/* A JSON object the user gave on the command line (options); NULL after
 * printing why. */
static JsonObject *
parse_object_arg (const char *what,
                  const char *text)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) notes = NULL;
  g_autoptr(JsonNode) node = hangar_cli_parse_json (text, strlen (text), &notes, &error);

  if (node == NULL)
    {
      hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "%s is not JSON: %s; nothing was sent", what, error->message);
      return NULL;
    }
  for (guint i = 0; notes != NULL && notes[i] != NULL; i++)
    hangar_cli_fail (0, "%s: %s", what, notes[i]);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "%s must be a JSON object; nothing was sent", what);
      return NULL;
    }
  return json_object_ref (json_node_get_object (node));
}

/* NAME:TYPE[:OPTIONS-JSON]. The type is the first known type name that
 * follows a colon, so a NAME may hold colons unless one is followed by a
 * type name and a colon or the end. */
static JsonObject *
parse_field_arg (const char *arg)
{
  g_autoptr(JsonObject) spec = json_object_new ();
  const char *colon;

  for (colon = strchr (arg, ':'); colon != NULL; colon = strchr (colon + 1, ':'))
    {
      const char *type_start = colon + 1;
      const char *type_end = strchr (type_start, ':');
      g_autofree char *type = type_end != NULL ? g_strndup (type_start, type_end - type_start) : g_strdup (type_start);

      if (hangar_field_type_from_string (type) == HANGAR_FIELD_TYPE_UNKNOWN)
        continue;
      {
        g_autofree char *name = g_strndup (arg, colon - arg);

        json_object_set_string_member (spec, "name", name);
      }
      json_object_set_string_member (spec, "type", type);
      if (type_end != NULL)
        {
          g_autofree char *what = g_strdup_printf ("--field “%s”: the options", arg);
          JsonObject *options = parse_object_arg (what, type_end + 1);

          if (options == NULL)
            return NULL;
          json_object_set_object_member (spec, "options", options);
        }
      return g_steal_pointer (&spec);
    }
  hangar_cli_fail (HANGAR_CLI_EXIT_USAGE,
                   "--field “%s” is not NAME:TYPE[:OPTIONS-JSON] with a field type such as singleLineText, "
                   "number or singleSelect; nothing was sent", arg);
  return NULL;
}

/* Reads the base's tables; NULL after printing the error. */
static GPtrArray *
read_schema (HangarClient *client,
             const char   *base_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *tables;

  hangar_client_get_base_schema_async (client, base_id, NULL, hangar_cli_wait_callback, &result);
  tables = hangar_client_get_base_schema_finish (client, hangar_cli_wait (&result), &error);
  if (tables == NULL)
    {
      g_prefix_error (&error, "reading the schema before the change: ");
      hangar_cli_report_error (error);
    }
  return tables;
}

/* A refusal from the rules: exit 2. @read: the schema was read first. */
static int
refuse (const GError *error,
        gboolean      read)
{
  g_autofree char *message = g_strdup (error->message);
  gsize length = strlen (message);

  /* Some reasons are whole sentences; this line goes on after them. */
  if (length > 0 && message[length - 1] == '.')
    message[length - 1] = '\0';
  return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "%s; %s", message,
                          read ? "nothing was written" : "nothing was sent");
}

static JsonNode *
field_json (HangarField *field)
{
  g_autoptr(JsonNode) write_form = hangar_field_to_json (field);
  JsonObject *object = json_object_new ();
  JsonObject *rest = json_node_get_object (write_form);
  g_autoptr(GList) members = json_object_get_members (rest);

  /* The id first, then the definition. */
  json_object_set_string_member (object, "id", hangar_field_get_id (field));
  for (GList *l = members; l != NULL; l = l->next)
    json_object_set_member (object, l->data, json_node_copy (json_object_get_member (rest, l->data)));
  return json_node_init_object (json_node_alloc (), object);
}

static int
create_table_run (HangarCliGlobals  *globals,
                  int                argc,
                  char             **argv)
{
  g_auto(GStrv) fields = NULL;
  g_autofree char *description = NULL;
  gboolean pretty = FALSE;
  GOptionEntry entries[] = {
    { "field", 'f', 0, G_OPTION_ARG_STRING_ARRAY, &fields,
      "A field, in order (the first is the primary field); OPTIONS-JSON as Airtable's field model, "
      "e.g. 'Status:singleSelect:{\"choices\":[{\"name\":\"Todo\"}]}'", "NAME:TYPE[:OPTIONS-JSON]" },
    { "description", 0, 0, G_OPTION_ARG_STRING, &description, "The table's description", "TEXT" },
    { "pretty", 0, 0, G_OPTION_ARG_NONE, &pretty, "Indented JSON instead of one line", NULL },
    { NULL }
  };
  g_autoptr(JsonObject) spec = json_object_new ();
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(GPtrArray) tables = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(HangarTable) table = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonArray *array = json_array_new ();

  json_object_set_array_member (spec, "fields", array);
  if (!hangar_cli_parse_options (entries, "BASE NAME --field NAME:TYPE[:OPTIONS-JSON]… — create a table",
                                 &argc, &argv))
    return HANGAR_CLI_EXIT_USAGE;
  if (argc != 3)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE,
                            "usage: schema create-table BASE NAME --field NAME:TYPE[:OPTIONS-JSON]… [--description D]");
  if (!hangar_cli_check_ids ("base", argv[1], NULL))
    return HANGAR_CLI_EXIT_USAGE;
  if (fields == NULL || fields[0] == NULL)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE,
                            "a table needs at least one --field NAME:TYPE (the first is its primary field); "
                            "nothing was sent");

  json_object_set_string_member (spec, "name", argv[2]);
  if (description != NULL)
    json_object_set_string_member (spec, "description", description);
  for (guint i = 0; fields[i] != NULL; i++)
    {
      JsonObject *field = parse_field_arg (fields[i]);

      if (field == NULL)
        return HANGAR_CLI_EXIT_USAGE;
      json_array_add_object_element (array, field);
    }
  /* What can be checked without the base's schema. */
  if (!hangar_table_spec_check (spec, NULL, &error))
    return refuse (error, FALSE);

  if (!(client = hangar_cli_open_client (globals, &error)))
    return hangar_cli_report_error (error);
  if (!(tables = read_schema (client, argv[1])))
    return HANGAR_CLI_EXIT_ERROR;
  if (!hangar_table_spec_check (spec, tables, &error))
    return refuse (error, TRUE);

  hangar_client_create_table_async (client, argv[1], spec, NULL, hangar_cli_wait_callback, &result);
  table = hangar_client_create_table_finish (client, hangar_cli_wait (&result), &error);
  if (table == NULL)
    return hangar_cli_report_error (error);
  node = hangar_table_to_json (table);
  return print_result (node, pretty);
}

static int
create_field_run (HangarCliGlobals  *globals,
                  int                argc,
                  char             **argv)
{
  g_autofree char *options = NULL;
  g_autofree char *description = NULL;
  gboolean pretty = FALSE;
  GOptionEntry entries[] = {
    { "options", 'o', 0, G_OPTION_ARG_STRING, &options,
      "The type's options as Airtable's field model gives them, e.g. '{\"precision\":2}'", "JSON" },
    { "description", 0, 0, G_OPTION_ARG_STRING, &description, "The field's description", "TEXT" },
    { "pretty", 0, 0, G_OPTION_ARG_NONE, &pretty, "Indented JSON instead of one line", NULL },
    { NULL }
  };
  g_autoptr(JsonObject) spec = json_object_new ();
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(GPtrArray) tables = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(HangarField) field = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  HangarTable *table;

  if (!hangar_cli_parse_options (entries, "BASE TABLE NAME TYPE — add a field to a table", &argc, &argv))
    return HANGAR_CLI_EXIT_USAGE;
  if (argc != 5)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE,
                            "usage: schema create-field BASE TABLE NAME TYPE [--options JSON] [--description D]");
  if (!hangar_cli_check_ids ("base", argv[1], "table", argv[2], NULL))
    return HANGAR_CLI_EXIT_USAGE;

  json_object_set_string_member (spec, "name", argv[3]);
  json_object_set_string_member (spec, "type", argv[4]);
  if (description != NULL)
    json_object_set_string_member (spec, "description", description);
  if (options != NULL)
    {
      JsonObject *object = parse_object_arg ("--options", options);

      if (object == NULL)
        return HANGAR_CLI_EXIT_USAGE;
      json_object_set_object_member (spec, "options", object);
    }
  if (!hangar_field_spec_check (spec, NULL, NULL, NULL, FALSE, &error))
    return refuse (error, FALSE);

  if (!(client = hangar_cli_open_client (globals, &error)))
    return hangar_cli_report_error (error);
  if (!(tables = read_schema (client, argv[1])))
    return HANGAR_CLI_EXIT_ERROR;
  table = hangar_schema_find_table (tables, argv[2]);
  if (table == NULL)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "the base has no table “%s”; nothing was written", argv[2]);
  if (!hangar_field_spec_check (spec, table, NULL, tables, FALSE, &error))
    return refuse (error, TRUE);

  hangar_client_create_field_async (client, argv[1], hangar_table_get_id (table), spec, NULL,
                                    hangar_cli_wait_callback, &result);
  field = hangar_client_create_field_finish (client, hangar_cli_wait (&result), &error);
  if (field == NULL)
    return hangar_cli_report_error (error);
  node = field_json (field);
  return print_result (node, pretty);
}

static int
update_table_run (HangarCliGlobals  *globals,
                  int                argc,
                  char             **argv)
{
  g_autofree char *name = NULL;
  g_autofree char *description = NULL;
  gboolean pretty = FALSE;
  GOptionEntry entries[] = {
    { "name", 'n', 0, G_OPTION_ARG_STRING, &name, "The new name", "NAME" },
    { "description", 0, 0, G_OPTION_ARG_STRING, &description, "The new description", "TEXT" },
    { "pretty", 0, 0, G_OPTION_ARG_NONE, &pretty, "Indented JSON instead of one line", NULL },
    { NULL }
  };
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(GPtrArray) tables = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(HangarTable) updated = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  HangarTable *table;

  if (!hangar_cli_parse_options (entries, "BASE TABLE [--name N] [--description D] — rename a table or "
                                 "change its description", &argc, &argv))
    return HANGAR_CLI_EXIT_USAGE;
  if (argc != 3)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "usage: schema update-table BASE TABLE [--name N] [--description D]");
  if (!hangar_cli_check_ids ("base", argv[1], "table", argv[2], NULL))
    return HANGAR_CLI_EXIT_USAGE;
  if (name == NULL && description == NULL)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "nothing to change: give --name or --description; nothing was sent");
  if (name != NULL)
    json_object_set_string_member (changes, "name", name);
  if (description != NULL)
    json_object_set_string_member (changes, "description", description);

  if (!(client = hangar_cli_open_client (globals, &error)))
    return hangar_cli_report_error (error);
  if (!(tables = read_schema (client, argv[1])))
    return HANGAR_CLI_EXIT_ERROR;
  table = hangar_schema_find_table (tables, argv[2]);
  if (table == NULL)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "the base has no table “%s”; nothing was written", argv[2]);
  if (!hangar_table_update_check (changes, table, tables, &error))
    return refuse (error, TRUE);

  hangar_client_update_table_async (client, argv[1], hangar_table_get_id (table), changes, NULL,
                                    hangar_cli_wait_callback, &result);
  updated = hangar_client_update_table_finish (client, hangar_cli_wait (&result), &error);
  if (updated == NULL)
    return hangar_cli_report_error (error);
  node = hangar_table_to_json (updated);
  return print_result (node, pretty);
}

static int
update_field_run (HangarCliGlobals  *globals,
                  int                argc,
                  char             **argv)
{
  g_autofree char *name = NULL;
  g_autofree char *description = NULL;
  g_autofree char *formula = NULL;
  g_autofree char *options = NULL;
  gboolean pretty = FALSE;
  GOptionEntry entries[] = {
    { "name", 'n', 0, G_OPTION_ARG_STRING, &name, "The new name", "NAME" },
    { "description", 0, 0, G_OPTION_ARG_STRING, &description, "The new description", "TEXT" },
    { "formula", 0, 0, G_OPTION_ARG_STRING, &formula, "A formula field's new formula", "FORMULA" },
    { "options", 'o', 0, G_OPTION_ARG_STRING, &options,
      "New options (Airtable lets only a formula's be changed: '{\"formula\":\"…\"}')", "JSON" },
    { "pretty", 0, 0, G_OPTION_ARG_NONE, &pretty, "Indented JSON instead of one line", NULL },
    { NULL }
  };
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(GPtrArray) tables = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(HangarField) updated = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  HangarTable *table;
  HangarField *field;

  if (!hangar_cli_parse_options (entries, "BASE TABLE FIELD [--name N] [--description D] [--formula F] — "
                                 "rename a field, change its description or its formula", &argc, &argv))
    return HANGAR_CLI_EXIT_USAGE;
  if (argc != 4)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE,
                            "usage: schema update-field BASE TABLE FIELD [--name N] [--description D] "
                            "[--formula F | --options JSON]");
  if (!hangar_cli_check_ids ("base", argv[1], "table", argv[2], "field", argv[3], NULL))
    return HANGAR_CLI_EXIT_USAGE;
  if (formula != NULL && options != NULL)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "use either --formula or --options, not both; nothing was sent");
  if (name == NULL && description == NULL && formula == NULL && options == NULL)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE,
                            "nothing to change: give --name, --description or --formula; nothing was sent");
  if (name != NULL)
    json_object_set_string_member (changes, "name", name);
  if (description != NULL)
    json_object_set_string_member (changes, "description", description);
  if (formula != NULL)
    {
      JsonObject *object = json_object_new ();

      json_object_set_string_member (object, "formula", formula);
      json_object_set_object_member (changes, "options", object);
    }
  if (options != NULL)
    {
      JsonObject *object = parse_object_arg ("--options", options);

      if (object == NULL)
        return HANGAR_CLI_EXIT_USAGE;
      json_object_set_object_member (changes, "options", object);
    }

  if (!(client = hangar_cli_open_client (globals, &error)))
    return hangar_cli_report_error (error);
  if (!(tables = read_schema (client, argv[1])))
    return HANGAR_CLI_EXIT_ERROR;
  table = hangar_schema_find_table (tables, argv[2]);
  if (table == NULL)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "the base has no table “%s”; nothing was written", argv[2]);
  field = hangar_schema_find_field (table, argv[3]);
  if (field == NULL)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "%s has no field “%s”; nothing was written",
                            hangar_table_get_name (table), argv[3]);
  if (!hangar_field_update_check (changes, table, field, &error))
    return refuse (error, TRUE);

  hangar_client_update_field_async (client, argv[1], hangar_table_get_id (table), hangar_field_get_id (field),
                                    changes, NULL, hangar_cli_wait_callback, &result);
  updated = hangar_client_update_field_finish (client, hangar_cli_wait (&result), &error);
  if (updated == NULL)
    return hangar_cli_report_error (error);
  node = field_json (updated);
  return print_result (node, pretty);
}

int
hangar_cli_schema_edit_run (HangarCliGlobals  *globals,
                            int                argc,
                            char             **argv)
{
  g_return_val_if_fail (argc >= 1 && hangar_cli_schema_is_edit_command (argv[0]), HANGAR_CLI_EXIT_USAGE);

  if (g_str_equal (argv[0], "create-table"))
    return create_table_run (globals, argc, argv);
  if (g_str_equal (argv[0], "create-field"))
    return create_field_run (globals, argc, argv);
  if (g_str_equal (argv[0], "update-table"))
    return update_table_run (globals, argc, argv);
  return update_field_run (globals, argc, argv);
}
