/* hangar-cli-mcp-private.h — what the MCP server's files share
 *
 * hangar-cli-mcp.c         the command, the protocol (lifecycle, tools/list,
 *                          tools/call, resources), accounts and results
 * hangar-cli-mcp-tools.c   the tools: their schemas and what they do
 * hangar-cli-mcp-schema.c  checking arguments against a tool's JSON Schema
 * hangar-jsonrpc.c         JSON-RPC 2.0 framing over stdin and stdout
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hangar-auth.h"
#include "hangar-cli.h"
#include "hangar-jsonrpc.h"

G_BEGIN_DECLS

/* The longest message read: a full write (Airtable takes bodies up to
 * 2 MB) with room for JSON-RPC's envelope and escaping. */
#define HANGAR_CLI_MCP_MAX_MESSAGE_BYTES (4 * 1024 * 1024)
/* The largest tool result as written, once as structured content and
 * once as its text (escaped again): the official TypeScript client refuses
 * to buffer a message of more than 10 MiB. */
#define HANGAR_CLI_MCP_MAX_RESULT_BYTES  (8 * 1024 * 1024)

typedef struct _HangarCliMcp     HangarCliMcp;
typedef struct _HangarCliMcpCall HangarCliMcpCall;
typedef struct _HangarCliMcpTool HangarCliMcpTool;

typedef void (*HangarCliMcpToolFunc) (HangarCliMcpCall *call);

struct _HangarCliMcpTool
{
  const char        *name;
  const char        *title;
  const char        *description;
  const char        *input_schema;   /* JSON text */
  HangarCapability   capability;     /* the scope it needs */
  gboolean           writes;         /* absent and refused with --read-only */
  gboolean           destructive;    /* may change or remove what exists */
  gboolean           idempotent;
  gboolean           needs_account;  /* FALSE only for list_accounts */
  HangarCliMcpToolFunc run;
};

struct _HangarCliMcp
{
  HangarJsonrpc       *rpc;
  HangarAccountStore  *store;
  char               **labels;       /* -a: the only accounts offered; NULL: all */
  char                *api_url;      /* --api-url given before the command */
  gboolean             read_only;
  gboolean             initialized;  /* initialize was answered */
  char                *protocol_version;
  GHashTable          *schemas;      /* tool name → JsonNode (parsed input schema) */
  GMainLoop           *loop;
};

/* One tools/call, from its arguments to its result. */
struct _HangarCliMcpCall
{
  HangarCliMcp         *server;
  HangarJsonrpcRequest *request;
  const HangarCliMcpTool *tool;
  JsonObject           *args;        /* validated against the tool's schema */
  HangarAccount        *account;     /* NULL for list_accounts */
  HangarClient         *client;
  GCancellable         *cancellable; /* the request's */
  gpointer              data;        /* the tool's own state */
  GDestroyNotify        data_free;
};

/* hangar-cli-mcp-tools.c */
const HangarCliMcpTool *_hangar_cli_mcp_get_tools       (guint *n_tools);

/* hangar-cli-mcp.c: ending a call (each frees @call). */
/* Success: @structured (transfer full) is the result, also given as text. */
void        _hangar_cli_mcp_call_return      (HangarCliMcpCall *call,
                                              JsonObject       *structured);
/* A tool error: "TYPE: message" for the model, {"error": {"type",
 * "message"}} (plus @extra's members, transfer full, may be NULL) as
 * structured content. */
void        _hangar_cli_mcp_call_fail_full   (HangarCliMcpCall *call,
                                              const char       *type,
                                              const char       *message,
                                              JsonObject       *extra);
void        _hangar_cli_mcp_call_fail        (HangarCliMcpCall *call,
                                              const char       *type,
                                              const char       *format,
                                              ...) G_GNUC_PRINTF (3, 4);
/* A GError from the client or the accounts: Airtable's type and message
 * when it has them; a 403 is explained (missing scope or base grant). */
void        _hangar_cli_mcp_call_fail_error  (HangarCliMcpCall *call,
                                              const GError     *error);
/* TRUE (and the call is over, quietly) when the peer cancelled it. */
gboolean    _hangar_cli_mcp_call_cancelled   (HangarCliMcpCall *call,
                                              const GError     *error);
/* The type and message of a GError as a tool reports them. */
void        _hangar_cli_mcp_describe_error   (const GError     *error,
                                              const char      **out_type,
                                              const char      **out_message);
/* The accounts this server may act for (-a), in the store's order. */
GPtrArray  *_hangar_cli_mcp_dup_accounts     (HangarCliMcp     *server);
JsonObject *_hangar_cli_mcp_account_to_json  (HangarAccount    *account);

/* hangar-cli-mcp-schema.c */
#define HANGAR_CLI_MCP_SCHEMA_ERROR (_hangar_cli_mcp_schema_error_quark ())
GQuark      _hangar_cli_mcp_schema_error_quark (void);
/* FALSE when @schema uses what the validator does not understand. */
gboolean    _hangar_cli_mcp_schema_check     (JsonNode    *schema,
                                              const char  *name,
                                              GError     **error);
/* FALSE with a message naming where (from @root_name, e.g.
 * "arguments.records[2].fields") and what is wrong. */
gboolean    _hangar_cli_mcp_schema_validate  (JsonNode    *schema,
                                              JsonNode    *value,
                                              const char  *root_name,
                                              GError     **error);

G_END_DECLS
