/* hangar-cli-meta.c — bases, schema and request
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hangar-cli.h"

int
hangar_cli_bases_run (HangarCliGlobals  *globals,
                      int                argc,
                      char             **argv)
{
  g_autofree char *format = NULL;
  GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, "Output format: jsonl (default) or csv", "FORMAT" },
    { NULL }
  };
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) bases = NULL;
  g_autoptr(GError) error = NULL;
  gboolean csv;

  if (!hangar_cli_parse_options (entries, "— list the bases", &argc, &argv))
    return HANGAR_CLI_EXIT_USAGE;
  if (argc != 1)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "bases takes no arguments");
  if (format != NULL && !g_str_equal (format, "jsonl") && !g_str_equal (format, "csv"))
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "unknown format “%s” (jsonl or csv)", format);
  csv = format != NULL && g_str_equal (format, "csv");

  if (!(client = hangar_cli_open_client (globals, &error)))
    return hangar_cli_report_error (error);

  hangar_client_list_bases_async (client, NULL, hangar_cli_wait_callback, &result);
  bases = hangar_client_list_bases_finish (client, hangar_cli_wait (&result), &error);
  if (bases == NULL)
    return hangar_cli_report_error (error);

  if (csv)
    {
      const char *header[] = { "id", "name", "permissionLevel" };

      hangar_cli_print_csv_row (header, 3);
    }

  for (guint i = 0; i < bases->len; i++)
    {
      HangarBase *base = g_ptr_array_index (bases, i);

      if (csv)
        {
          const char *row[] = {
            hangar_base_get_id (base), hangar_base_get_name (base), hangar_base_get_permission_level (base),
          };

          hangar_cli_print_csv_row (row, 3);
        }
      else
        {
          g_autoptr(JsonObject) object = json_object_new ();
          g_autoptr(JsonNode) node = NULL;

          json_object_set_string_member (object, "id", hangar_base_get_id (base));
          json_object_set_string_member (object, "name", hangar_base_get_name (base));
          json_object_set_string_member (object, "permissionLevel", hangar_base_get_permission_level (base));
          node = json_node_init_object (json_node_alloc (), object);
          hangar_cli_print_json_line (node);
        }
    }

  return HANGAR_CLI_EXIT_OK;
}

int
hangar_cli_schema_run (HangarCliGlobals  *globals,
                       int                argc,
                       char             **argv)
{
  gboolean compact = FALSE;
  GOptionEntry entries[] = {
    { "compact", 0, 0, G_OPTION_ARG_NONE, &compact, "One line of JSON instead of indented", NULL },
    { NULL }
  };
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) tables = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  JsonArray *array;

  if (argc >= 2 && hangar_cli_schema_is_edit_command (argv[1]))
    return hangar_cli_schema_edit_run (globals, argc - 1, argv + 1);
  if (!hangar_cli_parse_options (entries, "BASE — tables, fields and views (changes: hangar-cli help schema "
                                 "create-table|create-field|update-table|update-field)", &argc, &argv))
    return HANGAR_CLI_EXIT_USAGE;
  if (argc != 2)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "usage: schema BASE");
  if (!hangar_cli_check_ids ("base", argv[1], NULL))
    return HANGAR_CLI_EXIT_USAGE;

  if (!(client = hangar_cli_open_client (globals, &error)))
    return hangar_cli_report_error (error);

  hangar_client_get_base_schema_async (client, argv[1], NULL, hangar_cli_wait_callback, &result);
  tables = hangar_client_get_base_schema_finish (client, hangar_cli_wait (&result), &error);
  if (tables == NULL)
    return hangar_cli_report_error (error);

  array = json_array_new ();
  for (guint i = 0; i < tables->len; i++)
    json_array_add_element (array, hangar_table_to_json (g_ptr_array_index (tables, i)));
  json_object_set_array_member (object, "tables", array);
  node = json_node_init_object (json_node_alloc (), object);

  if (compact)
    hangar_cli_print_json_line (node);
  else
    hangar_cli_print_json_pretty (node);
  return HANGAR_CLI_EXIT_OK;
}

int
hangar_cli_request_run (HangarCliGlobals  *globals,
                        int                argc,
                        char             **argv)
{
  g_auto(GStrv) params = NULL;
  g_autofree char *data = NULL;
  gboolean compact = FALSE;
  GOptionEntry entries[] = {
    { "param", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &params, "Query parameter (repeatable; unencoded)", "KEY=VALUE" },
    { "data", 'd', 0, G_OPTION_ARG_STRING, &data, "JSON body, or - to read it from stdin", "JSON" },
    { "compact", 0, 0, G_OPTION_ARG_NONE, &compact, "One line of JSON instead of indented", NULL },
    { NULL }
  };
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) query = g_ptr_array_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *method = NULL;
  guint status = 0;

  if (!hangar_cli_parse_options (entries, "METHOD PATH — send any request, print the response body",
                                 &argc, &argv))
    return HANGAR_CLI_EXIT_USAGE;
  if (argc != 3)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "usage: request METHOD PATH [--param K=V]… [--data JSON]");

  method = g_ascii_strup (argv[1], -1);
  if (!g_strv_contains ((const char * const[]) { "GET", "POST", "PATCH", "PUT", "DELETE", NULL }, method))
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "unknown method “%s”", argv[1]);
  if (argv[2][0] != '/')
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "PATH must start with /, e.g. /v0/meta/whoami");

  for (guint i = 0; params != NULL && params[i] != NULL; i++)
    {
      const char *eq = strchr (params[i], '=');

      if (eq == NULL)
        return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "--param “%s” is not KEY=VALUE", params[i]);
      g_ptr_array_add (query, g_strndup (params[i], eq - params[i]));
      g_ptr_array_add (query, g_strdup (eq + 1));
    }
  g_ptr_array_set_free_func (query, g_free);
  g_ptr_array_add (query, NULL);

  if (data != NULL)
    {
      g_autofree char *text = NULL;
      g_auto(GStrv) notes = NULL;
      gsize length = 0;

      if (g_str_equal (data, "-"))
        {
          /* Read no further than what could still be sent. */
          text = hangar_cli_read_stdin (HANGAR_CLI_MAX_INPUT_BYTES, &length, &error);
          if (text == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
            return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE,
                                    "--data - : stdin is longer than %d bytes, more than Airtable accepts "
                                    "in one request; nothing was sent", HANGAR_CLI_MAX_INPUT_BYTES);
          if (text == NULL)
            return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "reading stdin: %s", error->message);
        }
      else
        {
          text = g_strdup (data);
          length = strlen (text);
        }
      body = hangar_cli_parse_json (text, length, &notes, &error);
      if (body == NULL)
        return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "--data is not JSON: %s; nothing was sent", error->message);
      for (guint i = 0; notes != NULL && notes[i] != NULL; i++)
        hangar_cli_fail (0, "--data: %s", notes[i]);
    }

  if (!(client = hangar_cli_open_client (globals, &error)))
    return hangar_cli_report_error (error);

  hangar_client_request_async (client, method, argv[2],
                               query->len > 1 ? (const char * const *) query->pdata : NULL,
                               body, NULL, hangar_cli_wait_callback, &result);
  response = hangar_client_request_finish (client, hangar_cli_wait (&result), &status, &error);
  if (error != NULL)
    return hangar_cli_report_error (error);

  if (response != NULL)
    {
      if (compact)
        hangar_cli_print_json_line (response);
      else
        hangar_cli_print_json_pretty (response);
    }
  return HANGAR_CLI_EXIT_OK;
}
