/* hangar-cli-mcp.c — hangar-cli mcp: a Model Context Protocol server on stdio
 *
 * An agent (an MCP client such as an AI assistant) starts `hangar-cli mcp`
 * and speaks JSON-RPC to it over stdin and stdout. The server acts only
 * through the accounts connected in Hangar: tokens stay in the keyring and
 * in the account's client, never in a message; every message written
 * passes hangar_redact() (src/cli/hangar-jsonrpc.c). What it may do is
 * bounded by the accounts chosen with -a, their scopes, and --read-only.
 *
 * The protocol: https://modelcontextprotocol.io/specification (revisions
 * 2024-11-05 to 2025-11-25).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#include <glib-unix.h>

#include "hangar-cli-mcp-private.h"

/* Newest first; an initialize asking for another gets the newest. */
static const char * const protocol_versions[] = {
  "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05", NULL
};

/* Resources: one per base, its schema as JSON. */
#define RESOURCE_SCHEME   "hangar"
#define RESOURCE_TEMPLATE "hangar://accounts/{account}/bases/{baseId}/schema"

/* The error code the protocol gives a resource that does not exist. */
#define MCP_RESOURCE_NOT_FOUND (-32002)

static const char instructions[] =
  "Hangar reaches Airtable only through the accounts connected in Hangar; you never need or see a token. "
  "Call list_accounts first, and pass \"account\" (its label) to the other tools when more than one is listed. "
  "Name a base by its id (app…) or its exact name, a table by its id or name. "
  "describe_base gives the tables, fields and views to use in list_records and the write tools. "
  "Writes are sent in chunks of 10 records and report each record's outcome; a failed chunk stops the rest "
  "unless continue_on_error is set. An error result names Airtable's error type and message.";

static void call_free (HangarCliMcpCall *call);

/* Accounts ------------------------------------------------------------------ */

GPtrArray *
_hangar_cli_mcp_dup_accounts (HangarCliMcp *server)
{
  GPtrArray *accounts = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (server->store));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HangarAccount) account = g_list_model_get_item (G_LIST_MODEL (server->store), i);

      if (server->labels != NULL && !g_strv_contains ((const char * const *) server->labels,
                                                      hangar_account_get_label (account)))
        continue;
      g_ptr_array_add (accounts, g_steal_pointer (&account));
    }
  return accounts;
}

static const char *
status_nick (HangarAccountStatus status)
{
  switch (status)
    {
    case HANGAR_ACCOUNT_STATUS_PENDING: return "pending";
    case HANGAR_ACCOUNT_STATUS_ACTIVE: return "active";
    case HANGAR_ACCOUNT_STATUS_EXPIRED: return "expired";
    case HANGAR_ACCOUNT_STATUS_REVOKED: return "revoked";
    case HANGAR_ACCOUNT_STATUS_ERROR: return "error";
    default: return "unknown";
    }
}

JsonObject *
_hangar_cli_mcp_account_to_json (HangarAccount *account)
{
  JsonObject *object = json_object_new ();
  const char * const *scopes = hangar_account_get_scopes (account);
  g_auto(GStrv) missing = hangar_scopes_account_missing_all (account);
  JsonArray *array;

  json_object_set_string_member (object, "label", hangar_account_get_label (account));
  json_object_set_string_member (object, "id", hangar_account_get_id (account));
  json_object_set_string_member (object, "kind",
                                 hangar_account_get_kind (account) == HANGAR_ACCOUNT_KIND_PAT
                                 ? "personal_access_token" : "oauth");
  json_object_set_string_member (object, "status", status_nick (hangar_account_get_status (account)));
  if (hangar_account_get_status_reason (account) != NULL)
    json_object_set_string_member (object, "reason", hangar_account_get_status_reason (account));
  if (hangar_account_get_email (account) != NULL)
    json_object_set_string_member (object, "email", hangar_account_get_email (account));
  if (hangar_account_get_user_id (account) != NULL)
    json_object_set_string_member (object, "user_id", hangar_account_get_user_id (account));
  if (scopes != NULL)
    {
      array = json_array_new ();
      for (guint i = 0; scopes[i] != NULL; i++)
        json_array_add_string_element (array, scopes[i]);
      json_object_set_array_member (object, "scopes", array);
    }
  else
    json_object_set_null_member (object, "scopes");
  array = json_array_new ();
  for (guint i = 0; missing != NULL && missing[i] != NULL; i++)
    json_array_add_string_element (array, missing[i]);
  json_object_set_array_member (object, "missing_scopes", array);
  if (hangar_account_get_api_url (account) != NULL)
    json_object_set_string_member (object, "api_url", hangar_account_get_api_url (account));
  return object;
}

static char *
list_labels (GPtrArray *accounts)
{
  g_autoptr(GString) labels = g_string_new (NULL);

  for (guint i = 0; i < accounts->len; i++)
    g_string_append_printf (labels, "%s“%s”", i > 0 ? ", " : "",
                            hangar_account_get_label (g_ptr_array_index (accounts, i)));
  return g_string_free (g_steal_pointer (&labels), FALSE);
}

/* The account named @name (a label or an id), or the only one when @name
 * is NULL; NULL with a type and a message for the agent otherwise. */
static HangarAccount *
find_account (HangarCliMcp  *server,
              const char    *name,
              const char   **out_type,
              char         **out_message)
{
  g_autoptr(GPtrArray) accounts = _hangar_cli_mcp_dup_accounts (server);
  g_autofree char *labels = NULL;

  if (accounts->len == 0)
    {
      *out_type = "NO_ACCOUNT";
      *out_message = g_strdup (server->labels != NULL
                               ? "none of the accounts this server was started with (-a) is connected any more"
                               : "no Airtable account is connected in Hangar: connect one in the app or with "
                                 "hangar-cli connect");
      return NULL;
    }
  if (name == NULL)
    {
      if (accounts->len == 1)
        return g_object_ref (g_ptr_array_index (accounts, 0));
      labels = list_labels (accounts);
      *out_type = "ACCOUNT_REQUIRED";
      *out_message = g_strdup_printf ("several accounts are available (%s): name one with \"account\"", labels);
      return NULL;
    }
  for (guint i = 0; i < accounts->len; i++)
    {
      HangarAccount *account = g_ptr_array_index (accounts, i);

      if (g_str_equal (hangar_account_get_label (account), name) || g_str_equal (hangar_account_get_id (account), name))
        return g_object_ref (account);
    }
  labels = list_labels (accounts);
  *out_type = "ACCOUNT_NOT_FOUND";
  *out_message = g_strdup_printf ("no account “%s” is available (available: %s)", name, labels);
  return NULL;
}

/* The client of @account, unless the account cannot be used: revoked or
 * never connected (nothing would be sent), or tied to another API URL than
 * --api-url. */
static HangarClient *
open_client (HangarCliMcp   *server,
             HangarAccount  *account,
             const char    **out_type,
             char          **out_message)
{
  HangarAccountStatus status = hangar_account_get_status (account);
  const char *label = hangar_account_get_label (account);
  const char *reason = hangar_account_get_status_reason (account);
  g_autoptr(GError) error = NULL;
  HangarClient *client;

  if (status == HANGAR_ACCOUNT_STATUS_REVOKED || status == HANGAR_ACCOUNT_STATUS_PENDING)
    {
      *out_type = status == HANGAR_ACCOUNT_STATUS_REVOKED ? "ACCOUNT_REVOKED" : "ACCOUNT_NOT_CONNECTED";
      *out_message = g_strdup_printf ("the account “%s” is %s%s%s; nothing was sent. Its owner can reconnect it "
                                      "in Hangar or with: hangar-cli reconnect %s",
                                      label, status_nick (status), reason != NULL ? ": " : "",
                                      reason != NULL ? reason : "", label);
      return NULL;
    }
  client = hangar_cli_open_account_client (label, server->api_url, &error);
  if (client == NULL)
    {
      const char *message;

      _hangar_cli_mcp_describe_error (error, out_type, &message);
      *out_message = g_strdup (message);
    }
  return client;
}

/* Results ------------------------------------------------------------------- */

static JsonObject *
text_content (const char *text)
{
  JsonObject *content = json_object_new ();

  json_object_set_string_member (content, "type", "text");
  json_object_set_string_member (content, "text", text);
  return content;
}

static void
call_reply (HangarCliMcpCall *call,
            JsonObject       *result)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), result);

  json_object_unref (result);
  hangar_jsonrpc_request_reply (call->request, node);
  call_free (call);
}

void
_hangar_cli_mcp_call_fail_full (HangarCliMcpCall *call,
                                const char       *type,
                                const char       *message,
                                JsonObject       *extra)
{
  g_autoptr(JsonObject) result = json_object_new ();
  g_autoptr(JsonObject) structured = extra != NULL ? extra : json_object_new ();
  JsonObject *error = json_object_new ();
  JsonArray *content = json_array_new ();
  g_autofree char *text = g_strdup_printf ("%s: %s", type, message);

  json_object_set_string_member (error, "type", type);
  json_object_set_string_member (error, "message", message);
  json_object_set_object_member (structured, "error", error);

  json_array_add_object_element (content, text_content (text));
  if (extra != NULL)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), structured);
      g_autofree char *details = hangar_json_to_string (node, -1);

      json_array_add_object_element (content, text_content (details));
    }
  json_object_set_array_member (result, "content", content);
  json_object_set_object_member (result, "structuredContent", g_steal_pointer (&structured));
  json_object_set_boolean_member (result, "isError", TRUE);
  call_reply (call, g_steal_pointer (&result));
}

void
_hangar_cli_mcp_call_fail (HangarCliMcpCall *call,
                           const char       *type,
                           const char       *format,
                           ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  _hangar_cli_mcp_call_fail_full (call, type, message, NULL);
}

void
_hangar_cli_mcp_describe_error (const GError  *error,
                                const char   **out_type,
                                const char   **out_message)
{
  const char *type = NULL;
  const char *message = error->message;

  if (error->domain == HANGAR_API_ERROR)
    {
      const char *server_message = hangar_api_error_get_server_message (error);

      type = hangar_api_error_get_server_type (error);
      if (type != NULL && server_message != NULL && server_message[0] != '\0')
        message = server_message;
      if (type == NULL)
        switch ((HangarApiError) error->code)
          {
          case HANGAR_API_ERROR_NETWORK: type = "NETWORK_ERROR"; break;
          case HANGAR_API_ERROR_INVALID_RESPONSE: type = "INVALID_RESPONSE"; break;
          case HANGAR_API_ERROR_AUTHENTICATION_REQUIRED: type = "AUTHENTICATION_REQUIRED"; break;
          case HANGAR_API_ERROR_PERMISSION_DENIED: type = "INVALID_PERMISSIONS"; break;
          case HANGAR_API_ERROR_NOT_FOUND: type = "NOT_FOUND"; break;
          case HANGAR_API_ERROR_RATE_LIMITED: type = "RATE_LIMITED"; break;
          case HANGAR_API_ERROR_SERVER_ERROR: type = "SERVER_ERROR"; break;
          case HANGAR_API_ERROR_REVOKED: type = "ACCOUNT_REVOKED"; break;
          case HANGAR_API_ERROR_TOKEN_EXPIRED: type = "ACCOUNT_EXPIRED"; break;
          case HANGAR_API_ERROR_UNCERTAIN_WRITE: type = "UNCERTAIN_WRITE"; break;
          case HANGAR_API_ERROR_INVALID_ARGUMENT: type = "INVALID_ARGUMENTS"; break;
          case HANGAR_API_ERROR_REQUEST_TOO_LARGE: type = "REQUEST_TOO_LARGE"; break;
          case HANGAR_API_ERROR_INVALID_FORMULA: type = "INVALID_FILTER_BY_FORMULA"; break;
          case HANGAR_API_ERROR_ITERATOR_EXPIRED: type = "LIST_RECORDS_ITERATOR_NOT_AVAILABLE"; break;
          case HANGAR_API_ERROR_PARTIAL: type = "PARTIAL_WRITE"; break;
          case HANGAR_API_ERROR_FAILED:
          case HANGAR_API_ERROR_INVALID_REQUEST:
          case HANGAR_API_ERROR_CONFLICT:
          case HANGAR_API_ERROR_UNPROCESSABLE:
          default: type = "ERROR"; break;
          }
    }
  else if (error->domain == HANGAR_AUTH_ERROR)
    type = error->code == HANGAR_AUTH_ERROR_NOT_FOUND ? "ACCOUNT_NOT_FOUND" : "ACCOUNT_ERROR";
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    type = "CANCELLED";
  else
    type = "ERROR";

  *out_type = type;
  *out_message = message;
}

void
_hangar_cli_mcp_call_fail_error (HangarCliMcpCall *call,
                                 const GError     *error)
{
  const char *type, *message;
  g_autofree char *hint = NULL;

  if (_hangar_cli_mcp_call_cancelled (call, error))
    return;
  _hangar_cli_mcp_describe_error (error, &type, &message);
  if (call->account != NULL)
    hint = hangar_scopes_explain_forbidden (call->account, call->tool->capability, NULL, error);
  if (hint != NULL)
    {
      g_autofree char *full = g_strdup_printf ("%s (%s)", message, hint);

      _hangar_cli_mcp_call_fail_full (call, type, full, NULL);
    }
  else
    _hangar_cli_mcp_call_fail_full (call, type, message, NULL);
}

gboolean
_hangar_cli_mcp_call_cancelled (HangarCliMcpCall *call,
                                const GError     *error)
{
  /* Only the peer (notifications/cancelled) or the end of the session
   * cancels a call; the client's own cancellations come back as errors
   * of their own (a revoked account, …). */
  if (!g_cancellable_is_cancelled (call->cancellable))
    return FALSE;
  /* The peer cancelled it (or the server is stopping): the answer is not
   * wanted and hangar-jsonrpc.c drops it. */
  hangar_jsonrpc_request_reply_error (call->request, HANGAR_JSONRPC_INTERNAL_ERROR, "cancelled", NULL);
  call_free (call);
  return TRUE;
}

void
_hangar_cli_mcp_call_return (HangarCliMcpCall *call,
                             JsonObject       *structured)
{
  g_autoptr(JsonObject) result = json_object_new ();
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), structured);
  g_autofree char *text = hangar_json_to_string (node, -1);
  JsonArray *content;
  gsize written = 0;

  /* The text goes out as is and again inside a JSON string, where every
   * quote and backslash takes one more byte. */
  for (const char *p = text; *p != '\0'; p++)
    written += (*p == '"' || *p == '\\') ? 3 : 2;
  if (written > HANGAR_CLI_MCP_MAX_RESULT_BYTES)
    {
      json_object_unref (structured);
      _hangar_cli_mcp_call_fail (call, "RESULT_TOO_LARGE",
                                 "the result would take %" G_GSIZE_FORMAT " bytes, more than the %d a message "
                                 "may have; ask for less (a lower max, fewer fields, one table)",
                                 written, HANGAR_CLI_MCP_MAX_RESULT_BYTES);
      return;
    }
  content = json_array_new ();
  /* Structured for clients that read it, the same as text for those that
   * do not (the protocol asks for both). */
  json_array_add_object_element (content, text_content (text));
  json_object_set_array_member (result, "content", content);
  json_object_set_object_member (result, "structuredContent", structured);
  call_reply (call, g_steal_pointer (&result));
}

static void
call_free (HangarCliMcpCall *call)
{
  if (call->data_free != NULL)
    call->data_free (call->data);
  g_clear_pointer (&call->request, hangar_jsonrpc_request_unref);
  g_clear_pointer (&call->args, json_object_unref);
  g_clear_object (&call->account);
  g_clear_object (&call->client);
  g_clear_object (&call->cancellable);
  g_free (call);
}

/* tools/list and tools/call --------------------------------------------------- */

static const HangarCliMcpTool *
lookup_tool (const char *name)
{
  guint n;
  const HangarCliMcpTool *tools = _hangar_cli_mcp_get_tools (&n);

  for (guint i = 0; i < n; i++)
    if (g_str_equal (tools[i].name, name))
      return &tools[i];
  return NULL;
}

static void
tools_list (HangarCliMcp         *server,
            HangarJsonrpcRequest *request)
{
  g_autoptr(JsonObject) result = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  JsonArray *array = json_array_new ();
  guint n;
  const HangarCliMcpTool *tools = _hangar_cli_mcp_get_tools (&n);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *tool;
      JsonObject *annotations;

      /* With --read-only a write tool does not exist as far as the agent
       * can tell (and is refused if called anyway). */
      if (server->read_only && tools[i].writes)
        continue;
      tool = json_object_new ();
      annotations = json_object_new ();
      json_object_set_string_member (tool, "name", tools[i].name);
      json_object_set_string_member (tool, "title", tools[i].title);
      json_object_set_string_member (tool, "description", tools[i].description);
      json_object_set_member (tool, "inputSchema",
                              json_node_copy (g_hash_table_lookup (server->schemas, tools[i].name)));
      json_object_set_string_member (annotations, "title", tools[i].title);
      json_object_set_boolean_member (annotations, "readOnlyHint", !tools[i].writes);
      if (tools[i].writes)
        {
          json_object_set_boolean_member (annotations, "destructiveHint", tools[i].destructive);
          json_object_set_boolean_member (annotations, "idempotentHint", tools[i].idempotent);
        }
      json_object_set_boolean_member (annotations, "openWorldHint", TRUE);
      json_object_set_object_member (tool, "annotations", annotations);
      json_array_add_object_element (array, tool);
    }
  json_object_set_array_member (result, "tools", array);
  node = json_node_init_object (json_node_alloc (), result);
  hangar_jsonrpc_request_reply (request, node);
}

static void
tools_call (HangarCliMcp         *server,
            HangarJsonrpcRequest *request)
{
  JsonObject *params = hangar_jsonrpc_request_get_params (request);
  JsonNode *name = params != NULL ? json_object_get_member (params, "name") : NULL;
  JsonNode *arguments = params != NULL ? json_object_get_member (params, "arguments") : NULL;
  g_autoptr(JsonNode) empty = NULL;
  g_autoptr(GError) error = NULL;
  const HangarCliMcpTool *tool;
  HangarCliMcpCall *call;

  if (name == NULL || !JSON_NODE_HOLDS_VALUE (name) || json_node_get_value_type (name) != G_TYPE_STRING)
    {
      hangar_jsonrpc_request_reply_error (request, HANGAR_JSONRPC_INVALID_PARAMS,
                                          "tools/call needs the tool's “name” (a string)", NULL);
      return;
    }
  if (arguments != NULL && !JSON_NODE_HOLDS_OBJECT (arguments))
    {
      hangar_jsonrpc_request_reply_error (request, HANGAR_JSONRPC_INVALID_PARAMS,
                                          "tools/call: “arguments” must be an object", NULL);
      return;
    }
  tool = lookup_tool (json_node_get_string (name));
  if (tool == NULL)
    {
      g_autofree char *message = g_strdup_printf ("Unknown tool: %s", json_node_get_string (name));

      hangar_jsonrpc_request_reply_error (request, HANGAR_JSONRPC_INVALID_PARAMS, message, NULL);
      return;
    }

  call = g_new0 (HangarCliMcpCall, 1);
  call->server = server;
  call->request = hangar_jsonrpc_request_ref (request);
  call->tool = tool;
  call->cancellable = g_object_ref (hangar_jsonrpc_request_get_cancellable (request));

  if (server->read_only && tool->writes)
    {
      _hangar_cli_mcp_call_fail (call, "READ_ONLY",
                                 "this server was started with --read-only: %s changes data and is not available; "
                                 "nothing was sent", tool->name);
      return;
    }

  if (arguments == NULL)
    {
      empty = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (empty, json_object_new ());
      arguments = empty;
    }
  if (!_hangar_cli_mcp_schema_validate (g_hash_table_lookup (server->schemas, tool->name), arguments,
                                        "arguments", &error))
    {
      _hangar_cli_mcp_call_fail (call, "INVALID_ARGUMENTS", "%s; nothing was sent", error->message);
      return;
    }
  call->args = json_object_ref (json_node_get_object (arguments));

  if (tool->needs_account)
    {
      const char *type = NULL;
      g_autofree char *message = NULL;
      const char *name_arg = json_object_has_member (call->args, "account")
                             ? json_object_get_string_member (call->args, "account") : NULL;

      call->account = find_account (server, name_arg, &type, &message);
      if (call->account != NULL)
        call->client = open_client (server, call->account, &type, &message);
      if (call->client == NULL)
        {
          _hangar_cli_mcp_call_fail (call, type, "%s", message);
          return;
        }
      if (!hangar_scopes_account_can (call->account, tool->capability))
        {
          g_auto(GStrv) missing = hangar_scopes_account_missing (call->account, tool->capability);
          g_autofree char *list = g_strjoinv (", ", missing);

          _hangar_cli_mcp_call_fail (call, "MISSING_SCOPE",
                                     "the account “%s” was not granted %s, which %s needs; nothing was sent. "
                                     "Its owner can reconnect it with that scope: hangar-cli reconnect %s",
                                     hangar_account_get_label (call->account), list, tool->name,
                                     hangar_account_get_label (call->account));
          return;
        }
    }

  tool->run (call);
}

/* Resources ------------------------------------------------------------------ */

static char *
resource_uri (HangarAccount *account,
              const char    *base_id)
{
  g_autofree char *label = g_uri_escape_string (hangar_account_get_label (account), NULL, FALSE);
  g_autofree char *base = g_uri_escape_string (base_id, NULL, FALSE);

  return g_strdup_printf (RESOURCE_SCHEME "://accounts/%s/bases/%s/schema", label, base);
}

/* Splits a resource URI into the account label and the base id. */
static gboolean
parse_resource_uri (const char  *uri,
                    char       **out_label,
                    char       **out_base)
{
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED, NULL);
  g_auto(GStrv) parts = NULL;

  if (parsed == NULL || g_strcmp0 (g_uri_get_scheme (parsed), RESOURCE_SCHEME) != 0 ||
      g_strcmp0 (g_uri_get_host (parsed), "accounts") != 0 ||
      g_uri_get_query (parsed) != NULL || g_uri_get_fragment (parsed) != NULL)
    return FALSE;
  /* "/LABEL/bases/BASE/schema" */
  parts = g_strsplit (g_uri_get_path (parsed), "/", -1);
  if (g_strv_length (parts) != 5 || parts[0][0] != '\0' || !g_str_equal (parts[2], "bases") ||
      !g_str_equal (parts[4], "schema") || parts[1][0] == '\0' || parts[3][0] == '\0')
    return FALSE;
  *out_label = g_uri_unescape_string (parts[1], NULL);
  *out_base = g_uri_unescape_string (parts[3], NULL);
  if (*out_label == NULL || *out_base == NULL || !g_utf8_validate (*out_label, -1, NULL))
    {
      g_clear_pointer (out_label, g_free);
      g_clear_pointer (out_base, g_free);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  HangarJsonrpcRequest *request;
  GPtrArray            *accounts;   /* HangarAccount */
  GPtrArray            *bases;      /* per account: GPtrArray of HangarBase, or NULL */
  guint                 pending;
} ResourcesList;

static void
resources_list_free (ResourcesList *list)
{
  hangar_jsonrpc_request_unref (list->request);
  g_ptr_array_unref (list->accounts);
  g_ptr_array_unref (list->bases);
  g_free (list);
}

static void
resources_list_done (ResourcesList *list)
{
  g_autoptr(JsonObject) result = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  JsonArray *resources = json_array_new ();

  for (guint i = 0; i < list->accounts->len; i++)
    {
      HangarAccount *account = g_ptr_array_index (list->accounts, i);
      GPtrArray *bases = g_ptr_array_index (list->bases, i);

      for (guint j = 0; bases != NULL && j < bases->len; j++)
        {
          HangarBase *base = g_ptr_array_index (bases, j);
          JsonObject *resource = json_object_new ();
          g_autofree char *uri = resource_uri (account, hangar_base_get_id (base));
          g_autofree char *name = g_strdup_printf ("%s/%s", hangar_account_get_label (account),
                                                   hangar_base_get_id (base));
          g_autofree char *title = g_strdup_printf ("Schema of %s (%s)", hangar_base_get_name (base),
                                                    hangar_account_get_label (account));

          json_object_set_string_member (resource, "uri", uri);
          json_object_set_string_member (resource, "name", name);
          json_object_set_string_member (resource, "title", title);
          json_object_set_string_member (resource, "description",
                                         "The base's tables with their fields (id, name, type, options) and views");
          json_object_set_string_member (resource, "mimeType", "application/json");
          json_array_add_object_element (resources, resource);
        }
    }
  json_object_set_array_member (result, "resources", resources);
  node = json_node_init_object (json_node_alloc (), result);
  hangar_jsonrpc_request_reply (list->request, node);
  resources_list_free (list);
}

typedef struct
{
  ResourcesList *list;
  guint          index;
} ResourcesListPart;

static void
resources_bases_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  ResourcesListPart *part = user_data;
  ResourcesList *list = part->list;
  g_autoptr(GError) error = NULL;
  GPtrArray *bases = hangar_client_list_bases_finish (HANGAR_CLIENT (source), result, &error);

  /* An account that cannot list its bases now has no resources to offer;
   * the others still do. */
  if (bases == NULL)
    g_debug ("resources/list: %s", error->message);
  g_ptr_array_index (list->bases, part->index) = bases;
  g_free (part);
  if (--list->pending == 0)
    resources_list_done (list);
}

static void
resources_list (HangarCliMcp         *server,
                HangarJsonrpcRequest *request)
{
  ResourcesList *list = g_new0 (ResourcesList, 1);
  g_autoptr(GPtrArray) accounts = _hangar_cli_mcp_dup_accounts (server);

  list->request = hangar_jsonrpc_request_ref (request);
  list->accounts = g_ptr_array_new_with_free_func (g_object_unref);
  list->bases = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  list->pending = 1;

  for (guint i = 0; i < accounts->len; i++)
    {
      HangarAccount *account = g_ptr_array_index (accounts, i);
      const char *type = NULL;
      g_autofree char *message = NULL;
      g_autoptr(HangarClient) client = NULL;
      ResourcesListPart *part;

      if (!hangar_scopes_account_can (account, HANGAR_CAPABILITY_SCHEMA_READ))
        continue;
      client = open_client (server, account, &type, &message);
      if (client == NULL)
        continue;
      part = g_new0 (ResourcesListPart, 1);
      part->list = list;
      part->index = list->accounts->len;
      g_ptr_array_add (list->accounts, g_object_ref (account));
      g_ptr_array_add (list->bases, NULL);
      list->pending++;
      hangar_client_list_bases_async (client, hangar_jsonrpc_request_get_cancellable (request),
                                      resources_bases_cb, part);
    }
  if (--list->pending == 0)
    resources_list_done (list);
}

static void
resources_templates_list (HangarJsonrpcRequest *request)
{
  g_autoptr(JsonObject) result = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  JsonArray *templates = json_array_new ();
  JsonObject *template = json_object_new ();

  json_object_set_string_member (template, "uriTemplate", RESOURCE_TEMPLATE);
  json_object_set_string_member (template, "name", "base-schema");
  json_object_set_string_member (template, "title", "Schema of a base");
  json_object_set_string_member (template, "description",
                                 "The tables, fields and views of a base; {account} is an account's label "
                                 "(percent-encoded), {baseId} a base id (app…)");
  json_object_set_string_member (template, "mimeType", "application/json");
  json_array_add_object_element (templates, template);
  json_object_set_array_member (result, "resourceTemplates", templates);
  node = json_node_init_object (json_node_alloc (), result);
  hangar_jsonrpc_request_reply (request, node);
}

typedef struct
{
  HangarJsonrpcRequest *request;
  char                 *uri;
  char                 *base_id;
} ResourceRead;

static void
resource_read_free (ResourceRead *read)
{
  hangar_jsonrpc_request_unref (read->request);
  g_free (read->uri);
  g_free (read->base_id);
  g_free (read);
}

static void
reply_resource_error (HangarJsonrpcRequest *request,
                      int                   code,
                      const char           *type,
                      const char           *message)
{
  g_autoptr(JsonObject) data = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = g_strdup_printf ("%s: %s", type, message);

  json_object_set_string_member (data, "type", type);
  json_object_set_string_member (data, "message", message);
  node = json_node_init_object (json_node_alloc (), data);
  hangar_jsonrpc_request_reply_error (request, code, text, node);
}

static void
resource_schema_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  ResourceRead *read = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tables = hangar_client_get_base_schema_finish (HANGAR_CLIENT (source), result, &error);
  g_autoptr(JsonObject) schema = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonNode) schema_node = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  JsonObject *contents;
  JsonArray *array;

  if (tables == NULL)
    {
      const char *type, *message;

      _hangar_cli_mcp_describe_error (error, &type, &message);
      reply_resource_error (read->request,
                            g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_PERMISSION_DENIED) ||
                            g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_NOT_FOUND)
                            ? MCP_RESOURCE_NOT_FOUND : HANGAR_JSONRPC_INTERNAL_ERROR,
                            type, message);
      resource_read_free (read);
      return;
    }

  schema = json_object_new ();
  json_object_set_string_member (schema, "baseId", read->base_id);
  array = json_array_new ();
  for (guint i = 0; i < tables->len; i++)
    json_array_add_element (array, hangar_table_to_json (g_ptr_array_index (tables, i)));
  json_object_set_array_member (schema, "tables", array);
  schema_node = json_node_init_object (json_node_alloc (), schema);
  text = hangar_json_to_string (schema_node, 2);
  if (strlen (text) > HANGAR_CLI_MCP_MAX_RESULT_BYTES)
    {
      reply_resource_error (read->request, HANGAR_JSONRPC_INTERNAL_ERROR, "RESULT_TOO_LARGE",
                            "the schema is larger than a message may be: use describe_base with one table");
      resource_read_free (read);
      return;
    }

  contents = json_object_new ();
  json_object_set_string_member (contents, "uri", read->uri);
  json_object_set_string_member (contents, "mimeType", "application/json");
  json_object_set_string_member (contents, "text", text);
  array = json_array_new ();
  json_array_add_object_element (array, contents);
  reply = json_object_new ();
  json_object_set_array_member (reply, "contents", array);
  node = json_node_init_object (json_node_alloc (), reply);
  hangar_jsonrpc_request_reply (read->request, node);
  resource_read_free (read);
}

static void
resources_read (HangarCliMcp         *server,
                HangarJsonrpcRequest *request)
{
  JsonObject *params = hangar_jsonrpc_request_get_params (request);
  JsonNode *uri = params != NULL ? json_object_get_member (params, "uri") : NULL;
  g_autofree char *label = NULL;
  g_autofree char *base_id = NULL;
  g_autofree char *message = NULL;
  g_autoptr(HangarAccount) account = NULL;
  g_autoptr(HangarClient) client = NULL;
  const char *type = NULL;
  ResourceRead *read;

  if (uri == NULL || !JSON_NODE_HOLDS_VALUE (uri) || json_node_get_value_type (uri) != G_TYPE_STRING)
    {
      hangar_jsonrpc_request_reply_error (request, HANGAR_JSONRPC_INVALID_PARAMS,
                                          "resources/read needs the resource's “uri” (a string)", NULL);
      return;
    }
  if (!parse_resource_uri (json_node_get_string (uri), &label, &base_id))
    {
      reply_resource_error (request, MCP_RESOURCE_NOT_FOUND, "NOT_FOUND",
                            "no such resource: resources are " RESOURCE_TEMPLATE);
      return;
    }
  account = find_account (server, label, &type, &message);
  if (account == NULL)
    {
      reply_resource_error (request, MCP_RESOURCE_NOT_FOUND, type, message);
      return;
    }
  client = open_client (server, account, &type, &message);
  if (client == NULL)
    {
      reply_resource_error (request, HANGAR_JSONRPC_INTERNAL_ERROR, type, message);
      return;
    }
  if (!hangar_scopes_account_can (account, HANGAR_CAPABILITY_SCHEMA_READ))
    {
      message = g_strdup_printf ("the account “%s” was not granted schema.bases:read; nothing was sent", label);
      reply_resource_error (request, HANGAR_JSONRPC_INTERNAL_ERROR, "MISSING_SCOPE", message);
      return;
    }

  read = g_new0 (ResourceRead, 1);
  read->request = hangar_jsonrpc_request_ref (request);
  read->uri = g_strdup (json_node_get_string (uri));
  read->base_id = g_steal_pointer (&base_id);
  hangar_client_get_base_schema_async (client, read->base_id, hangar_jsonrpc_request_get_cancellable (request),
                                       resource_schema_cb, read);
}

/* The session ------------------------------------------------------------------ */

static void
initialize (HangarCliMcp         *server,
            HangarJsonrpcRequest *request)
{
  JsonObject *params = hangar_jsonrpc_request_get_params (request);
  JsonNode *version = params != NULL ? json_object_get_member (params, "protocolVersion") : NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *capabilities, *tools, *resources, *info;
  const char *chosen = protocol_versions[0];
  g_autofree char *text = NULL;

  if (server->initialized)
    {
      hangar_jsonrpc_request_reply_error (request, HANGAR_JSONRPC_INVALID_REQUEST,
                                          "the session is already initialized", NULL);
      return;
    }
  if (version == NULL || !JSON_NODE_HOLDS_VALUE (version) || json_node_get_value_type (version) != G_TYPE_STRING)
    {
      hangar_jsonrpc_request_reply_error (request, HANGAR_JSONRPC_INVALID_PARAMS,
                                          "initialize needs “protocolVersion” (a string)", NULL);
      return;
    }
  /* The client's version when we speak it, otherwise our newest: the
   * client then decides whether it can go on. */
  if (g_strv_contains (protocol_versions, json_node_get_string (version)))
    chosen = json_node_get_string (version);
  server->protocol_version = g_strdup (chosen);
  server->initialized = TRUE;

  result = json_object_new ();
  capabilities = json_object_new ();
  tools = json_object_new ();
  resources = json_object_new ();
  info = json_object_new ();
  json_object_set_boolean_member (tools, "listChanged", FALSE);
  json_object_set_object_member (capabilities, "tools", tools);
  json_object_set_boolean_member (resources, "subscribe", FALSE);
  json_object_set_boolean_member (resources, "listChanged", FALSE);
  json_object_set_object_member (capabilities, "resources", resources);
  json_object_set_string_member (info, "name", "hangar");
  json_object_set_string_member (info, "title", "Hangar");
  json_object_set_string_member (info, "version", PACKAGE_VERSION);
  json_object_set_string_member (result, "protocolVersion", chosen);
  json_object_set_object_member (result, "capabilities", capabilities);
  json_object_set_object_member (result, "serverInfo", info);
  text = g_strdup_printf ("%s%s", instructions,
                          server->read_only ? " This server is read-only: it lists and reads, and writes nothing." : "");
  json_object_set_string_member (result, "instructions", text);
  node = json_node_init_object (json_node_alloc (), result);
  hangar_jsonrpc_request_reply (request, node);
}

static gboolean
refuse_cursor (HangarJsonrpcRequest *request)
{
  JsonObject *params = hangar_jsonrpc_request_get_params (request);

  /* Every list fits in one answer, so no cursor was ever handed out. */
  if (params != NULL && json_object_has_member (params, "cursor"))
    {
      hangar_jsonrpc_request_reply_error (request, HANGAR_JSONRPC_INVALID_PARAMS,
                                          "invalid cursor: this server never hands one out", NULL);
      return TRUE;
    }
  return FALSE;
}

static void
request_received_cb (HangarJsonrpc        *rpc,
                     HangarJsonrpcRequest *request,
                     gpointer              user_data)
{
  HangarCliMcp *server = user_data;
  const char *method = hangar_jsonrpc_request_get_method (request);

  if (g_str_equal (method, "initialize"))
    {
      initialize (server, request);
      return;
    }
  if (g_str_equal (method, "ping"))
    {
      g_autoptr(JsonNode) empty = json_node_new (JSON_NODE_OBJECT);

      json_node_take_object (empty, json_object_new ());

      hangar_jsonrpc_request_reply (request, empty);
      return;
    }
  if (!server->initialized)
    {
      hangar_jsonrpc_request_reply_error (request, HANGAR_JSONRPC_INVALID_REQUEST,
                                          "the session is not initialized: send initialize first", NULL);
      return;
    }

  if (g_str_equal (method, "tools/list"))
    {
      if (!refuse_cursor (request))
        tools_list (server, request);
    }
  else if (g_str_equal (method, "tools/call"))
    tools_call (server, request);
  else if (g_str_equal (method, "resources/list"))
    {
      if (!refuse_cursor (request))
        resources_list (server, request);
    }
  else if (g_str_equal (method, "resources/templates/list"))
    {
      if (!refuse_cursor (request))
        resources_templates_list (request);
    }
  else if (g_str_equal (method, "resources/read"))
    resources_read (server, request);
  else
    {
      g_autofree char *message = g_strdup_printf ("Method not found: %s", method);

      hangar_jsonrpc_request_reply_error (request, HANGAR_JSONRPC_METHOD_NOT_FOUND, message, NULL);
    }
}

static void
notification_received_cb (HangarJsonrpc *rpc,
                          const char    *method,
                          JsonObject    *params,
                          gpointer       user_data)
{
  if (g_str_equal (method, "notifications/cancelled") && params != NULL)
    hangar_jsonrpc_cancel_request (rpc, json_object_get_member (params, "requestId"));
  /* notifications/initialized and the rest need nothing from us. */
}

static void
closed_cb (HangarJsonrpc *rpc,
           gpointer       user_data)
{
  HangarCliMcp *server = user_data;

  g_main_loop_quit (server->loop);
}

static gboolean
stop_cb (gpointer user_data)
{
  HangarCliMcp *server = user_data;

  hangar_jsonrpc_close (server->rpc);
  return G_SOURCE_CONTINUE;
}

static GHashTable *
parse_schemas (void)
{
  GHashTable *schemas = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) json_node_unref);
  guint n;
  const HangarCliMcpTool *tools = _hangar_cli_mcp_get_tools (&n);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      JsonNode *schema = hangar_json_parse (tools[i].input_schema, -1, 0, NULL, &error);

      /* The schemas are part of the program: a broken one is a bug. */
      if (schema == NULL || !_hangar_cli_mcp_schema_check (schema, tools[i].name, &error))
        g_error ("the input schema of %s is broken: %s", tools[i].name, error->message);
      g_hash_table_insert (schemas, (gpointer) tools[i].name, schema);
    }
  return schemas;
}

int
hangar_cli_mcp_run (HangarCliGlobals  *globals,
                    int                argc,
                    char             **argv)
{
  g_auto(GStrv) labels = NULL;
  gboolean read_only = FALSE;
  GOptionEntry entries[] = {
    { "account", 'a', 0, G_OPTION_ARG_STRING_ARRAY, &labels,
      "Offer only this connected account (repeatable; default: every connected account)", "LABEL" },
    { "read-only", 0, 0, G_OPTION_ARG_NONE, &read_only,
      "Offer only the tools that read: no record, comment, table or field is written", NULL },
    { NULL }
  };
  HangarCliMcp server = { 0 };
  g_autoptr(GInputStream) input = NULL;
  g_autoptr(GOutputStream) output = NULL;
  g_autoptr(GPtrArray) all_labels = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  guint signal_ids[3];

  if (!hangar_cli_parse_options (entries, "— serve the Model Context Protocol on stdin and stdout", &argc, &argv))
    return HANGAR_CLI_EXIT_USAGE;
  if (argc != 1)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "mcp takes no arguments (see hangar-cli help mcp)");
  if (globals->token_env != NULL)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE,
                            "mcp acts only through accounts connected in Hangar (-a LABEL), never with --token-env");
  if (globals->no_pacing)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "mcp always paces its requests: --no-pacing is not allowed");
  /* Every call an agent makes shows in the account's request log as the MCP server's. */
  hangar_cli_set_request_source ("mcp");

  /* stdout carries the protocol and nothing else: every log line, even
   * debug output asked for with G_MESSAGES_DEBUG, goes to stderr. */
  g_log_writer_default_set_use_stderr (TRUE);
  /* A peer that goes away is noticed as a failed write, not a signal that
   * would stop a batch half-way. */
  signal (SIGPIPE, SIG_IGN);

  server.store = hangar_account_store_get_default ();
  if (globals->account != NULL)
    g_ptr_array_add (all_labels, globals->account);
  for (guint i = 0; labels != NULL && labels[i] != NULL; i++)
    g_ptr_array_add (all_labels, labels[i]);
  for (guint i = 0; i < all_labels->len; i++)
    if (hangar_account_store_lookup_by_label (server.store, g_ptr_array_index (all_labels, i)) == NULL)
      return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "no account labelled “%s” (see hangar-cli accounts)",
                              (const char *) g_ptr_array_index (all_labels, i));
  if (all_labels->len > 0)
    {
      g_ptr_array_add (all_labels, NULL);
      server.labels = g_strdupv ((char **) all_labels->pdata);
    }
  server.api_url = globals->api_url;
  server.read_only = read_only;
  server.schemas = parse_schemas ();
  server.loop = g_main_loop_new (NULL, FALSE);

  input = g_unix_input_stream_new (STDIN_FILENO, FALSE);
  output = g_unix_output_stream_new (STDOUT_FILENO, FALSE);
  server.rpc = hangar_jsonrpc_new (input, output, HANGAR_CLI_MCP_MAX_MESSAGE_BYTES);
  g_signal_connect (server.rpc, "request-received", G_CALLBACK (request_received_cb), &server);
  g_signal_connect (server.rpc, "notification-received", G_CALLBACK (notification_received_cb), &server);
  g_signal_connect (server.rpc, "closed", G_CALLBACK (closed_cb), &server);
  signal_ids[0] = g_unix_signal_add (SIGTERM, stop_cb, &server);
  signal_ids[1] = g_unix_signal_add (SIGINT, stop_cb, &server);
  signal_ids[2] = g_unix_signal_add (SIGHUP, stop_cb, &server);

  hangar_jsonrpc_start (server.rpc);
  g_main_loop_run (server.loop);

  for (guint i = 0; i < G_N_ELEMENTS (signal_ids); i++)
    g_source_remove (signal_ids[i]);
  g_signal_handlers_disconnect_by_data (server.rpc, &server);
  g_clear_object (&server.rpc);
  g_main_loop_unref (server.loop);
  g_hash_table_unref (server.schemas);
  g_strfreev (server.labels);
  g_free (server.protocol_version);

  /* Token refreshes changed the accounts' metadata: keep it. */
  if (!hangar_account_store_flush (server.store, &error))
    hangar_cli_fail (0, "could not save the accounts: %s", error->message);
  return HANGAR_CLI_EXIT_OK;
}
