/* hangar-cli-webhooks.c — webhooks list|create|delete|refresh|payloads
 *
 * For admins and scripts: the webhook calls of src/api/WEBHOOKS.md, JSON in
 * and JSON lines out, with the exit statuses of the data commands.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hangar-cli.h"
#include "hangar-client-webhooks.h"

static const char webhooks_usage[] =
  "usage: webhooks list BASE | create BASE [--spec JSON | --data-type T…] [--scope TABLE_OR_VIEW]\n"
  "       [--notification-url URL] | delete BASE WEBHOOK… | refresh BASE WEBHOOK |\n"
  "       payloads BASE WEBHOOK [--cursor N] [--limit N] [--all]";

/* The name --help shows: "hangar-cli webhooks SUB". */
static char **
with_name (char       **argv,
           const char  *sub,
           char       **storage)
{
  *storage = g_strdup_printf ("webhooks %s", sub);
  argv[0] = *storage;
  return argv;
}

static int
webhooks_list (HangarCliGlobals  *globals,
               int                argc,
               char             **argv)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) hooks = NULL;
  g_autoptr(GError) error = NULL;

  if (!hangar_cli_parse_options (entries, "BASE — the base's webhooks, one JSON line each", &argc, &argv))
    return HANGAR_CLI_EXIT_USAGE;
  if (argc != 2)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "usage: webhooks list BASE");
  if (!hangar_cli_check_ids ("base", argv[1], NULL))
    return HANGAR_CLI_EXIT_USAGE;
  if (!(client = hangar_cli_open_client (globals, &error)))
    return hangar_cli_report_error (error);

  hangar_client_list_webhooks_async (client, argv[1], NULL, hangar_cli_wait_callback, &result);
  hooks = hangar_client_list_webhooks_finish (client, hangar_cli_wait (&result), &error);
  if (hooks == NULL)
    return hangar_cli_report_error (error);
  for (guint i = 0; i < hooks->len; i++)
    {
      g_autoptr(JsonNode) node = hangar_webhook_to_json (g_ptr_array_index (hooks, i));

      hangar_cli_print_json_line (node);
    }
  return HANGAR_CLI_EXIT_OK;
}

static int
webhooks_create (HangarCliGlobals  *globals,
                 int                argc,
                 char             **argv)
{
  g_autofree char *spec_text = NULL;
  g_auto(GStrv) data_types = NULL;
  g_autofree char *scope = NULL;
  g_autofree char *url = NULL;
  GOptionEntry entries[] = {
    { "spec", 0, 0, G_OPTION_ARG_STRING, &spec_text,
      "The whole specification, {\"options\": {\"filters\": …}}", "JSON" },
    { "data-type", 0, 0, G_OPTION_ARG_STRING_ARRAY, &data_types,
      "tableData, tableFields or tableMetadata (repeatable; default tableData)", "TYPE" },
    { "scope", 0, 0, G_OPTION_ARG_STRING, &scope, "Only changes in this table or view (an id)", "ID" },
    { "notification-url", 0, 0, G_OPTION_ARG_STRING, &url,
      "Where Airtable pings (none: the webhook is only polled)", "URL" },
    { NULL }
  };
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(HangarWebhook) hook = NULL;
  g_autoptr(JsonNode) spec_node = NULL;
  g_autoptr(JsonObject) spec = NULL;
  g_autoptr(JsonObject) out = json_object_new ();
  g_autoptr(JsonNode) out_node = NULL;
  g_autoptr(GError) error = NULL;

  if (!hangar_cli_parse_options (entries, "BASE — create a webhook; prints its id, MAC secret and expiry",
                                 &argc, &argv))
    return HANGAR_CLI_EXIT_USAGE;
  if (argc != 2)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "usage: webhooks create BASE [--spec JSON | --data-type T…]");
  if (!hangar_cli_check_ids ("base", argv[1], NULL))
    return HANGAR_CLI_EXIT_USAGE;
  if (spec_text != NULL && (data_types != NULL || scope != NULL))
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "--spec is the whole specification: not with --data-type or --scope");

  if (spec_text != NULL)
    {
      g_auto(GStrv) notes = NULL;

      spec_node = hangar_cli_parse_json (spec_text, strlen (spec_text), &notes, &error);
      if (spec_node == NULL)
        return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "--spec is not JSON: %s; nothing was sent", error->message);
      if (!JSON_NODE_HOLDS_OBJECT (spec_node))
        return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "--spec must be an object, {\"options\": …}; nothing was sent");
      spec = json_object_ref (json_node_get_object (spec_node));
    }
  else
    {
      JsonObject *options = json_object_new ();
      JsonObject *filters = json_object_new ();
      JsonArray *types = json_array_new ();

      for (guint i = 0; data_types != NULL && data_types[i] != NULL; i++)
        json_array_add_string_element (types, data_types[i]);
      if (data_types == NULL)
        json_array_add_string_element (types, "tableData");
      json_object_set_array_member (filters, "dataTypes", types);
      if (scope != NULL)
        json_object_set_string_member (filters, "recordChangeScope", scope);
      json_object_set_object_member (options, "filters", filters);
      spec = json_object_new ();
      json_object_set_object_member (spec, "options", options);
    }

  if (!(client = hangar_cli_open_client (globals, &error)))
    return hangar_cli_report_error (error);
  hangar_client_create_webhook_async (client, argv[1], spec, url, NULL, hangar_cli_wait_callback, &result);
  hook = hangar_client_create_webhook_finish (client, hangar_cli_wait (&result), &error);
  if (hook == NULL)
    return hangar_cli_report_error (error);

  /* The secret is printed once, here: Airtable never shows it again, and
   * it is what checks the pings of a notification URL. */
  json_object_set_string_member (out, "id", hangar_webhook_get_id (hook));
  if (hangar_webhook_get_mac_secret (hook) != NULL)
    json_object_set_string_member (out, "macSecretBase64", hangar_webhook_get_mac_secret (hook));
  if (hangar_webhook_get_expiration_time (hook) != NULL)
    {
      g_autofree char *when = g_date_time_format_iso8601 (hangar_webhook_get_expiration_time (hook));

      json_object_set_string_member (out, "expirationTime", when);
    }
  out_node = json_node_init_object (json_node_alloc (), out);
  hangar_cli_print_json_line (out_node);
  return HANGAR_CLI_EXIT_OK;
}

static int
webhooks_delete (HangarCliGlobals  *globals,
                 int                argc,
                 char             **argv)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(GError) error = NULL;

  if (!hangar_cli_parse_options (entries, "BASE WEBHOOK… — delete webhooks", &argc, &argv))
    return HANGAR_CLI_EXIT_USAGE;
  if (argc < 3)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "usage: webhooks delete BASE WEBHOOK…");
  for (int i = 1; i < argc; i++)
    if (!hangar_cli_check_ids (i == 1 ? "base" : "webhook", argv[i], NULL))
      return HANGAR_CLI_EXIT_USAGE;
  if (!(client = hangar_cli_open_client (globals, &error)))
    return hangar_cli_report_error (error);

  for (int i = 2; i < argc; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(JsonObject) out = json_object_new ();
      g_autoptr(JsonNode) node = NULL;

      hangar_client_delete_webhook_async (client, argv[1], argv[i], NULL, hangar_cli_wait_callback, &result);
      if (!hangar_client_delete_webhook_finish (client, hangar_cli_wait (&result), &error))
        return hangar_cli_report_error (error);
      json_object_set_string_member (out, "id", argv[i]);
      json_object_set_boolean_member (out, "deleted", TRUE);
      node = json_node_init_object (json_node_alloc (), g_steal_pointer (&out));
      hangar_cli_print_json_line (node);
    }
  return HANGAR_CLI_EXIT_OK;
}

static int
webhooks_refresh (HangarCliGlobals  *globals,
                  int                argc,
                  char             **argv)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GDateTime) expiry = NULL;
  g_autoptr(JsonObject) out = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *when = NULL;

  if (!hangar_cli_parse_options (entries, "BASE WEBHOOK — keep a webhook alive seven more days", &argc, &argv))
    return HANGAR_CLI_EXIT_USAGE;
  if (argc != 3)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "usage: webhooks refresh BASE WEBHOOK");
  if (!hangar_cli_check_ids ("base", argv[1], "webhook", argv[2], NULL))
    return HANGAR_CLI_EXIT_USAGE;
  if (!(client = hangar_cli_open_client (globals, &error)))
    return hangar_cli_report_error (error);

  hangar_client_refresh_webhook_async (client, argv[1], argv[2], NULL, hangar_cli_wait_callback, &result);
  expiry = hangar_client_refresh_webhook_finish (client, hangar_cli_wait (&result), &error);
  if (expiry == NULL)
    return hangar_cli_report_error (error);
  when = g_date_time_format_iso8601 (expiry);
  json_object_set_string_member (out, "expirationTime", when);
  node = json_node_init_object (json_node_alloc (), g_steal_pointer (&out));
  hangar_cli_print_json_line (node);
  return HANGAR_CLI_EXIT_OK;
}

static int
webhooks_payloads (HangarCliGlobals  *globals,
                   int                argc,
                   char             **argv)
{
  gint64 cursor = 1;
  int limit = 0;
  gboolean all = FALSE;
  GOptionEntry entries[] = {
    { "cursor", 0, 0, G_OPTION_ARG_INT64, &cursor, "The first payload wanted (default 1, the oldest kept)", "N" },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "At most N payloads a page (1 to 50)", "N" },
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, "Every page until there are no more", NULL },
    { NULL }
  };
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(GError) error = NULL;

  if (!hangar_cli_parse_options (entries,
                                 "BASE WEBHOOK — pages of payloads, one JSON line each: "
                                 "{\"payloads\": […], \"cursor\": next, \"mightHaveMore\"}",
                                 &argc, &argv))
    return HANGAR_CLI_EXIT_USAGE;
  if (argc != 3)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "usage: webhooks payloads BASE WEBHOOK [--cursor N] [--limit N] [--all]");
  if (!hangar_cli_check_ids ("base", argv[1], "webhook", argv[2], NULL))
    return HANGAR_CLI_EXIT_USAGE;
  if (cursor < 1)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "--cursor starts at 1; nothing was sent");
  if (limit < 0 || limit > HANGAR_WEBHOOK_PAYLOADS_LIMIT)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "--limit is 1 to %d; nothing was sent", HANGAR_WEBHOOK_PAYLOADS_LIMIT);
  if (!(client = hangar_cli_open_client (globals, &error)))
    return hangar_cli_report_error (error);

  for (;;)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(HangarWebhookPage) page = NULL;
      g_autoptr(JsonObject) out = json_object_new ();
      g_autoptr(JsonNode) node = NULL;
      JsonArray *payloads = json_array_new ();

      hangar_client_list_webhook_payloads_async (client, argv[1], argv[2], cursor, (guint) limit, NULL,
                                                 hangar_cli_wait_callback, &result);
      page = hangar_client_list_webhook_payloads_finish (client, hangar_cli_wait (&result), &error);
      if (page == NULL)
        {
          json_array_unref (payloads);
          return hangar_cli_report_error (error);
        }
      for (guint i = 0; i < page->payloads->len; i++)
        json_array_add_object_element (payloads, json_object_ref (g_ptr_array_index (page->payloads, i)));
      json_object_set_array_member (out, "payloads", payloads);
      json_object_set_int_member (out, "cursor", page->cursor);
      json_object_set_boolean_member (out, "mightHaveMore", page->might_have_more);
      node = json_node_init_object (json_node_alloc (), g_steal_pointer (&out));
      hangar_cli_print_json_line (node);

      /* Stop on an empty page too: a server that says "more" forever
       * must not keep us here. */
      if (!all || !page->might_have_more || page->payloads->len == 0 || page->cursor <= cursor)
        break;
      cursor = page->cursor;
    }
  return HANGAR_CLI_EXIT_OK;
}

int
hangar_cli_webhooks_run (HangarCliGlobals  *globals,
                         int                argc,
                         char             **argv)
{
  g_autofree char *name = NULL;
  const char *sub;

  if (argc < 2)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "%s", webhooks_usage);

  sub = argv[1];
  argc--;
  argv++;

  if (g_str_equal (sub, "list"))
    return webhooks_list (globals, argc, with_name (argv, sub, &name));
  if (g_str_equal (sub, "create"))
    return webhooks_create (globals, argc, with_name (argv, sub, &name));
  if (g_str_equal (sub, "delete"))
    return webhooks_delete (globals, argc, with_name (argv, sub, &name));
  if (g_str_equal (sub, "refresh"))
    return webhooks_refresh (globals, argc, with_name (argv, sub, &name));
  if (g_str_equal (sub, "payloads"))
    return webhooks_payloads (globals, argc, with_name (argv, sub, &name));

  return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "unknown webhooks command “%s”", sub);
}
