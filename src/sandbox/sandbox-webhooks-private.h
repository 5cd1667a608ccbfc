/* sandbox-webhooks-private.h — webhooks and the change sets that feed them
 *
 * The webhooks API (sandbox-webhooks.c), the payloads built from a change
 * set (sandbox-webhooks-payloads.c), pings (sandbox-webhooks-notify.c) and
 * the state file part (sandbox-webhooks-state.c) share these. The protocol
 * they follow is described in src/api/WEBHOOKS.md.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sandbox-private.h"

G_BEGIN_DECLS

#define SANDBOX_WEBHOOKS_PER_BASE             10
#define SANDBOX_WEBHOOKS_PER_INTEGRATION      2
#define SANDBOX_WEBHOOK_LIFETIME_MS           (G_GINT64_CONSTANT (7) * 24 * 3600 * 1000)
#define SANDBOX_WEBHOOK_RETENTION_MS          (G_GINT64_CONSTANT (7) * 24 * 3600 * 1000)
#define SANDBOX_WEBHOOK_PAYLOADS_MAX_LIMIT    50
#define SANDBOX_WEBHOOK_SECRET_BYTES          128
#define SANDBOX_WEBHOOK_PING_RETRIES          13
#define SANDBOX_WEBHOOK_PING_TIMEOUT_S        25
/* record entries in one payload before a change is split over several */
#define SANDBOX_WEBHOOK_SPLIT                 1000

typedef struct
{
  gint64      cursor;
  gint64      created_ms;     /* webhook clock */
  JsonObject *payload;
} SandboxPayload;

struct _SandboxWebhook
{
  char       *id;             /* ach… */
  char       *base_id;
  char       *client_id;      /* the OAuth integration that created it; NULL: a PAT */
  char       *creator_id;     /* usr… */
  char       *notification_url;
  JsonObject *specification;  /* {"options": …} as it was given */
  char       *mac_secret;     /* base64 of SANDBOX_WEBHOOK_SECRET_BYTES random bytes */
  gint64      created_ms;
  gint64      expiration_ms;
  gboolean    enabled;        /* isHookEnabled: off after expiry or an error payload */
  gboolean    errored;        /* an error payload was sent */
  gboolean    notifications;  /* areNotificationsEnabled */
  gint64      cursor_next;    /* cursorForNextPayload */
  GPtrArray  *payloads;       /* SandboxPayload*, oldest first */
  JsonObject *last_notification;  /* lastNotificationResult, NULL before the first ping */
  gint64      last_success_ms;    /* 0: never */

  /* the specification, parsed */
  char      **data_types;
  char       *scope_table_id;   /* recordChangeScope: the table, or the view's table */
  char       *scope_view_id;    /* recordChangeScope when it names a view */
  char      **change_types;     /* NULL: all */
  char      **from_sources;     /* NULL: all */
  char       *form_view_id;     /* sourceOptions.formSubmission.viewId */
  char       *form_page_id;     /* sourceOptions.formPageSubmission.pageId */
  char      **watch_data;       /* watchDataInFieldIds, NULL: all */
  char      **watch_schemas;    /* watchSchemasOfFieldIds, NULL: all */
  gboolean    include_all;      /* includeCellValuesInFieldIds: "all" */
  char      **include_fields;   /* includeCellValuesInFieldIds: ids */
  gboolean    include_previous_cells;
  gboolean    include_previous_fields;

  /* pings (sandbox-webhooks-notify.c); not saved */
  guint       ping_source;
  gboolean    ping_wanted;      /* a payload arrived since the last ping started */
  gboolean    ping_in_flight;
  guint       ping_retry;
  gint64      ping_started_us;
};

typedef struct
{
  char       *key;            /* "tbl…/rec…" */
  char       *table_id;
  char       *record_id;
  gint64      created_ms;
  gboolean    created;        /* did not exist before */
  gboolean    destroyed;      /* does not exist after */
  gboolean    neighbours_touched;
  JsonObject *before;         /* field id → V2 value; NULL when created */
  JsonObject *after;          /* at the end; NULL when destroyed */
  GHashTable *before_views;   /* the scope views the record was visible in */
  GHashTable *after_views;
  GPtrArray  *changed;        /* field ids whose value differs (at the end) */
} SandboxRecordChange;

typedef struct
{
  char       *table_id;
  JsonObject *previous_metadata;  /* {name, description} before, when changed */
  GPtrArray  *created_fields;     /* field ids */
  GHashTable *changed_fields;     /* field id → previous {type, name} */
  GPtrArray  *destroyed_fields;   /* field ids */
} SandboxTableChange;

struct _SandboxChanges
{
  SandboxServer *server;
  SandboxBase   *base;
  char          *source;          /* actionMetadata.source */
  char          *user_id;         /* NULL: no user (automation, system…) */
  JsonObject    *source_metadata; /* viewId, pageId or automationId, or NULL */
  GHashTable    *records;         /* key → SandboxRecordChange* (borrowed) */
  GPtrArray     *record_order;    /* SandboxRecordChange*, first touch first */
  GHashTable    *tables;          /* table id → SandboxTableChange* (borrowed) */
  GPtrArray     *table_order;     /* SandboxTableChange* */
  GPtrArray     *created_tables;  /* table ids */
  GPtrArray     *destroyed_tables;/* table ids */
  GHashTable    *scope_views;     /* view ids some webhook is scoped to */
};

/* sandbox-webhooks.c */
gint64      _sandbox_webhooks_now_ms        (SandboxServer  *self);
const char *_sandbox_webhooks_option        (SandboxField   *field,
                                             const char     *member);
gboolean    _sandbox_webhooks_active        (SandboxServer  *self,
                                             SandboxWebhook *hook);
void        _sandbox_webhooks_sweep         (SandboxServer  *self,
                                             SandboxBase    *base);
void        _sandbox_webhook_free           (SandboxWebhook *hook);
void        _sandbox_payload_free           (SandboxPayload *payload);
gboolean    _sandbox_webhook_parse_spec     (SandboxServer  *self,
                                             SandboxBase    *base,
                                             SandboxWebhook *hook,
                                             JsonNode       *specification,
                                             gboolean        check_ids,
                                             char          **error_type,
                                             char          **error_message);

/* sandbox-webhooks-payloads.c */
void        _sandbox_webhooks_deliver       (SandboxServer  *self,
                                             SandboxChanges *changes);

/* sandbox-webhooks-notify.c */
void        _sandbox_webhooks_ping_soon     (SandboxServer  *self,
                                             SandboxWebhook *hook);
void        _sandbox_webhooks_ping_cancel   (SandboxWebhook *hook);

G_END_DECLS
