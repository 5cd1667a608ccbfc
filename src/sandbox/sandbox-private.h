/* sandbox-private.h — the sandbox core's data model and internal API
 *
 * Shared by sandbox-server.c (routing, auth, rate limits, faults, state),
 * sandbox-latency.c, the control API (sandbox-control*.c), the store
 * (sandbox-store*.c: bases, tables, fields, records, cell rules), the records
 * API (sandbox-records*.c), sandbox-meta.c, webhooks and the change sets that
 * feed them (sandbox-webhooks*.c, sandbox-changes.c), sandbox-demo.c,
 * sandbox-json.c and sandbox-util.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "sandbox-formula.h"
#include "sandbox-json.h"
#include "sandbox-oauth.h"

G_BEGIN_DECLS

#define SANDBOX_MAX_BODY        (2 * 1024 * 1024)
#define SANDBOX_MAX_URL         16000
/* nesting limits of strict JSON: request bodies, and the state file (whose
 * own structure wraps cells and payloads that came from requests) */
#define SANDBOX_MAX_DEPTH       64
#define SANDBOX_STATE_MAX_DEPTH 256
#define SANDBOX_DEFAULT_REDIRECT "http://127.0.0.1:8471/oauth/callback"

typedef struct _SandboxServer SandboxServer;
typedef struct _SandboxBase   SandboxBase;
typedef struct _SandboxTable  SandboxTable;
typedef struct _SandboxHeld   SandboxHeld;
typedef struct _SandboxWebhook SandboxWebhook;
typedef struct _SandboxChanges SandboxChanges;

typedef struct
{
  char  *token;      /* pat<14>.<64 hex> */
  char  *name;
  char **scopes;
} SandboxPat;

typedef struct
{
  char      *id;
  char      *email;
  char      *name;
  char      *workspace_id;
  char      *workspace_name;
  GPtrArray *pats;   /* SandboxPat* */
  SandboxOAuthUser oauth_view;  /* handed to sandbox-oauth.c */
} SandboxUser;

typedef struct
{
  char           *id;
  char           *name;
  char           *type;
  char           *description;  /* NULL when unset */
  JsonObject     *options;      /* NULL when none */
  SandboxFormula *formula;      /* parsed formula of a formula field, lazily */
  gboolean        formula_failed;
} SandboxField;

typedef struct
{
  char       *id;
  char       *name;
  char       *type;
  char       *filter;          /* sandbox-only: a formula limiting the view's records */
  JsonArray  *sort;            /* [{field, direction}] or NULL */
  char      **hidden_field_ids;/* NULL = every field visible */
} SandboxView;

typedef struct
{
  char   *id;
  char   *author_id;
  char   *text;
  char   *parent_id;
  gint64  created_ms;
  gint64  updated_ms;
} SandboxComment;

typedef struct
{
  char       *id;
  gint64      created_ms;
  gint64      modified_ms;     /* last write of a cell; 0 = never since creation */
  char       *created_by;      /* usr… or NULL */
  char       *modified_by;     /* usr… or NULL (then created_by) */
  gint64      autonumber;
  JsonObject *cells;           /* field id → stored value; never empty values */
  GPtrArray  *comments;        /* SandboxComment*, NULL when none */
} SandboxRecord;

struct _SandboxTable
{
  char        *id;
  char        *name;
  char        *description;
  char        *primary_field_id;
  GPtrArray   *fields;          /* SandboxField* */
  GPtrArray   *views;           /* SandboxView* */
  GPtrArray   *records;         /* SandboxRecord*, creation order */
  GHashTable  *records_by_id;   /* id → SandboxRecord* (borrowed) */
  gint64       next_autonumber;
  SandboxBase *base;
};

struct _SandboxBase
{
  char       *id;
  char       *name;
  char       *owner_id;
  GHashTable *access;           /* user id → permission level ("create", "edit", "read"…) */
  GPtrArray  *tables;           /* SandboxTable* */
  /* --generate bases are regenerated at start rather than saved */
  char       *generated_spec;   /* "NAME:N" or NULL */
  SandboxOAuthBase oauth_view;
  GPtrArray  *webhooks;         /* SandboxWebhook*, oldest first */
  gint64      transaction_number;  /* baseTransactionNumber of the last change */
  SandboxChanges *changes;      /* the change set being recorded, or NULL */
};

typedef struct
{
  SandboxUser *user;
  char       **scopes;          /* effective scopes */
  char       **base_ids;        /* OAuth: granted bases; NULL = every base of the user (PAT) */
  gboolean     is_oauth;
  char        *client_id;       /* OAuth: the integration; NULL for a PAT */
  char        *token;
} SandboxAuth;

typedef struct
{
  guint    port;
  char    *state_dir;
  gboolean auto_approve;
  gboolean rate_limit;
  gint64   access_ttl_s;
  gint64   refresh_ttl_s;
  gint64   code_ttl_s;          /* OAuth authorization code lifetime; 0 = 600 */
  gint64   refresh_grace_ms;    /* duplicate refresh → 409 within this; 0 = 2000 */
  gboolean auto_deny;           /* authorize answers access_denied (wins over auto_approve) */
  double   penalty_s;
  double   iterator_ttl_s;
  char   **redirect_uris;
  char   **generate;
  gboolean quiet;
  guint    latency_ms;          /* every API answer is held this long… */
  guint    latency_jitter_ms;   /* …plus a random 0..jitter */
} SandboxConfig;

/* A fault the control API injects into the next matching requests. */
typedef struct
{
  guint     count;
  guint     status;
  double    retry_after;
  guint     delay_ms;
  gboolean  drop;
  gboolean  malformed;
  char     *path_prefix;
  char     *method;       /* only requests of this HTTP method, or any */
} SandboxFault;

typedef struct
{
  char      *id;               /* itr… */
  char      *table_id;
  char      *base_id;
  GPtrArray *record_ids;       /* char*, the whole ordered result */
  guint      position;
  gint64     last_used_us;
} SandboxIterator;

struct _SandboxServer
{
  SandboxConfig  config;
  SoupServer    *soup;
  SandboxOAuth  *oauth;
  char          *url;
  char          *client_id;
  char          *confidential_client_id;
  char          *confidential_client_secret;

  GPtrArray     *users;         /* SandboxUser* ; [0] = demo, [1] = other */
  GPtrArray     *bases;         /* SandboxBase* */
  GHashTable    *pats;          /* token → SandboxUser* (borrowed) */
  GHashTable    *iterators;     /* id → SandboxIterator* */

  /* rate limiting */
  GHashTable    *buckets;       /* key → SandboxBucket* */

  /* control API */
  GQueue        *faults;        /* SandboxFault* */
  GPtrArray     *delayed;       /* requests a delay fault holds (sandbox-server.c) */
  guint64        requests;
  GHashTable    *by_status;     /* "200" → GUINT_TO_POINTER */
  GHashTable    *by_user;       /* usr… → count */
  guint64        rate_limited;

  /* bytes of uploadAttachment, by attachment id (memory only) */
  GHashTable    *uploads;        /* att… → GBytes; content type in upload_types */
  GHashTable    *upload_types;   /* att… → char* */

  /* webhooks: a clock the control API can move, and pings */
  gint64         webhook_clock_offset_ms;
  guint          webhook_retry_base_ms;   /* the first ping retry waits this long, then doubling */
  SoupSession   *ping_session;
  GCancellable  *ping_cancellable;
  guint64        pings_sent;
  guint64        pings_failed;

  /* answers held back by --latency (sandbox-latency.c) */
  GPtrArray     *held;          /* SandboxHeld* */
  guint64        held_total;
  guint          max_in_flight;

  /* the user of the API request being handled (for createdBy/lastModifiedBy) */
  const char    *acting_user_id;

  /* typecast select options waiting for their request to succeed */
  GPtrArray     *pending_choices;  /* of char*: field id, name, field id, name… */

  /* persistence */
  guint          save_source;
  guint          sweep_source;
  gboolean       loading;
};

/* sandbox-util.c */
char       *sandbox_new_id              (const char *prefix);
char       *sandbox_new_pat             (void);
char       *sandbox_random_hex          (gsize bytes);
void        sandbox_random_bytes        (guint8 *buf, gsize len);   /* getrandom(2) */
char       *sandbox_format_time         (gint64 ms);
gboolean    sandbox_parse_time          (const char *text, GTimeZone *zone, gint64 *out_ms, gboolean *out_date_only);
gboolean    sandbox_is_id               (const char *text, const char *prefix);
void        sandbox_respond_json        (SoupServerMessage *msg, guint status, JsonNode *node);
void        sandbox_respond_object      (SoupServerMessage *msg, guint status, JsonObject *object);
void        sandbox_respond_error       (SoupServerMessage *msg, guint status, const char *type, const char *message_fmt, ...) G_GNUC_PRINTF (4, 5);
void        sandbox_respond_not_found   (SoupServerMessage *msg);
void        sandbox_respond_forbidden   (SoupServerMessage *msg);
void        sandbox_respond_invalid_request (SoupServerMessage *msg);
GPtrArray  *sandbox_parse_query         (const char *query);  /* of char*: key, value, key, value… */
const char *sandbox_query_get           (GPtrArray *pairs, const char *key);
gboolean    sandbox_query_bool          (const char *value);
JsonNode   *sandbox_parse_body          (SoupServerMessage *msg, SoupMessageBody *body, gboolean required);
const char *sandbox_array_string        (JsonArray *array, guint i);
gboolean    sandbox_strv_contains       (char **strv, const char *str);
char       *sandbox_log_escape          (const char *text);  /* for log lines: no control characters */
/* type checks and constructors of JSON value nodes */
gboolean    sandbox_node_is_type        (JsonNode *node, GType type);
gboolean    sandbox_node_is_string      (JsonNode *node);
gboolean    sandbox_node_is_number      (JsonNode *node);  /* int64 or double */
double      sandbox_node_number         (JsonNode *node);
gboolean    sandbox_node_is_empty       (JsonNode *node);  /* null, "", false, [] */
JsonNode   *sandbox_number_node         (double value);    /* integral values as int64 */
JsonNode   *sandbox_string_node         (const char *value);

/* sandbox-store.c */
SandboxUser   *sandbox_user_new          (const char *email, const char *name);
void           sandbox_user_free         (SandboxUser *user);
SandboxPat    *sandbox_user_add_pat      (SandboxUser *user, const char *name, const char * const *scopes);
void           sandbox_pat_free          (SandboxPat *pat);
SandboxBase   *sandbox_base_new          (const char *name, SandboxUser *owner);
void           sandbox_base_free         (SandboxBase *base);
SandboxTable  *sandbox_table_new         (SandboxBase *base, const char *name);
void           sandbox_table_free        (SandboxTable *table);
SandboxField  *sandbox_table_add_field   (SandboxTable *table, const char *name, const char *type, JsonObject *options);
SandboxView   *sandbox_table_add_view    (SandboxTable *table, const char *name, const char *type);
SandboxRecord *sandbox_record_new        (SandboxTable *table);
void           sandbox_record_free       (SandboxRecord *record);
void           sandbox_record_add_comment (SandboxRecord *record, SandboxComment *comment);
void           sandbox_table_remove_record (SandboxTable *table, SandboxRecord *record);
SandboxTable  *sandbox_base_find_table   (SandboxBase *base, const char *id_or_name);
SandboxTable  *sandbox_base_find_table_by_id (SandboxBase *base, const char *id);
SandboxField  *sandbox_table_find_field  (SandboxTable *table, const char *id_or_name);
SandboxField  *sandbox_table_find_field_ci (SandboxTable *table, const char *name);
SandboxView   *sandbox_table_find_view   (SandboxTable *table, const char *id_or_name);
SandboxField  *sandbox_table_primary_field (SandboxTable *table);
gboolean       sandbox_field_is_computed (SandboxField *field);
SandboxUser   *sandbox_server_find_user  (SandboxServer *self, const char *id_or_email);
SandboxBase   *sandbox_server_find_base  (SandboxServer *self, const char *id);
SandboxTable  *sandbox_server_find_table_by_id (SandboxServer *self, const char *id);

/* Validates/converts one written value. Returns the value to store (NULL =
 * clear) in @out, or sets @error_type/@error_message (owned by caller). */
gboolean       sandbox_cell_convert      (SandboxServer *self, SandboxTable *table, SandboxField *field,
                                          JsonNode *value, gboolean typecast, JsonNode **out,
                                          char **error_type, char **error_message);
/* Typecast creates select options only when the whole request is valid:
 * sandbox_cell_convert queues them; commit adds them, discard forgets. */
void           sandbox_pending_choices_commit  (SandboxServer *self, SandboxTable *table);
void           sandbox_pending_choices_discard (SandboxServer *self);
/* Stores a converted value (NULL/empty clears) and keeps inverse links in step. */
void           sandbox_record_set_cell   (SandboxServer *self, SandboxTable *table, SandboxRecord *record,
                                          SandboxField *field, JsonNode *value);
/* A cell as webhook payloads show it ("V2": selects as {id, name, color},
 * links as {id, name}, lookups by linked record…); takes a REST value. */
JsonNode      *sandbox_cell_to_v2        (SandboxServer *self, SandboxTable *table, SandboxRecord *record, SandboxField *field,
                                          JsonNode *value);
/* Whether @view's filter keeps @record (a view without one keeps all). */
gboolean       sandbox_view_shows_record (SandboxServer *self, SandboxTable *table, SandboxView *view,
                                          SandboxRecord *record);
void           sandbox_record_delete     (SandboxServer *self, SandboxTable *table, SandboxRecord *record);
/* Removes a field (no API does this; the control API stands in for the UI). */
void           sandbox_table_remove_field (SandboxServer *self, SandboxTable *table, SandboxField *field);
/* The cell as the API returns it (computed fields included); NULL when empty. */
JsonNode      *sandbox_record_get_cell   (SandboxServer *self, SandboxTable *table, SandboxRecord *record,
                                          SandboxField *field);
char          *sandbox_cell_to_string    (SandboxServer *self, SandboxTable *table, SandboxField *field,
                                          JsonNode *value, GTimeZone *zone);
char          *sandbox_cell_to_display   (SandboxServer *self, SandboxTable *table, SandboxField *field,
                                          JsonNode *value, GTimeZone *zone, const char *user_locale);
JsonObject    *sandbox_attachment_new    (const char *url, const char *filename, const char *mime, gint64 size);
JsonObject    *sandbox_record_to_json    (SandboxServer *self, SandboxTable *table, SandboxRecord *record,
                                          GPtrArray *only_fields, gboolean by_id, gboolean comment_count,
                                          GTimeZone *string_zone, const char *string_locale);
JsonObject    *sandbox_field_to_json     (SandboxField *field);
JsonObject    *sandbox_table_to_json     (SandboxTable *table, gboolean visible_field_ids);
gboolean       sandbox_field_resolve_cb  (const char *name_or_id, const char **out_id, const char **out_type, gpointer table);
JsonNode      *sandbox_formula_cell_cb   (const char *field_id, gpointer ctx);
SandboxFormula *sandbox_table_parse_formula (SandboxServer *self, SandboxTable *table, const char *text, GError **error);
gboolean       sandbox_record_matches    (SandboxServer *self, SandboxTable *table, SandboxRecord *record,
                                          SandboxFormula *formula, GDateTime *now);
gboolean       sandbox_field_options_validate (SandboxServer *self, SandboxBase *base, const char *type,
                                          JsonNode *options, JsonObject **out_options, char **message);

JsonNode      *sandbox_store_serialize   (SandboxServer *self);
gboolean       sandbox_store_deserialize (SandboxServer *self, JsonNode *node, GError **error);

/* sandbox-demo.c */
void           sandbox_demo_populate     (SandboxServer *self);
gboolean       sandbox_demo_generate     (SandboxServer *self, const char *spec, GError **error);

/* sandbox-records.c / sandbox-meta.c: return after responding */
void           sandbox_records_handle    (SandboxServer *self, SoupServerMessage *msg, SandboxAuth *auth,
                                          SandboxBase *base, char **segments, guint n_segments,
                                          GPtrArray *query);
void           sandbox_meta_handle       (SandboxServer *self, SoupServerMessage *msg, SandboxAuth *auth,
                                          char **segments, guint n_segments, GPtrArray *query);
gboolean       sandbox_auth_has_scope    (SandboxAuth *auth, const char *scope);
gboolean       sandbox_auth_can_see_base (SandboxServer *self, SandboxAuth *auth, SandboxBase *base);
const char    *sandbox_base_permission   (SandboxBase *base, const char *user_id);
gboolean       sandbox_level_at_least    (const char *level, const char *wanted);
void           sandbox_server_changed    (SandboxServer *self);
void           sandbox_iterator_free     (SandboxIterator *iter);
gboolean       sandbox_server_check_base_rate (SandboxServer *self, SoupServerMessage *msg, SandboxBase *base);

JsonObject    *sandbox_formula_field_options (SandboxTable *table, const char *text, gboolean *out_valid);
void           sandbox_table_add_inverse_link (SandboxServer *self, SandboxTable *table, SandboxField *field);

/* sandbox-latency.c */
void           sandbox_latency_setup     (SandboxServer *self);
void           sandbox_latency_hold      (SandboxServer *self, SoupServerMessage *msg);
guint          sandbox_latency_release_all (SandboxServer *self);
void           sandbox_latency_clear     (SandboxServer *self);

/* sandbox-changes.c: what a request changed in a base (for webhooks). The
 * hooks take the base from the table and do nothing without a change set. */
SandboxChanges *sandbox_changes_begin    (SandboxServer *self, SandboxBase *base, const char *source,
                                          const char *user_id, JsonObject *source_metadata);
void           sandbox_changes_end       (SandboxChanges *changes, gboolean commit);
void           sandbox_changes_touch     (SandboxTable *table, SandboxRecord *record);
void           sandbox_changes_touch_linked (SandboxTable *table, SandboxRecord *record);
void           sandbox_changes_created   (SandboxTable *table, SandboxRecord *record);
void           sandbox_changes_destroyed (SandboxTable *table, SandboxRecord *record);
void           sandbox_changes_table_created   (SandboxTable *table);
void           sandbox_changes_table_metadata  (SandboxTable *table);
void           sandbox_changes_table_destroyed (SandboxTable *table);
void           sandbox_changes_field_created   (SandboxTable *table, SandboxField *field);
void           sandbox_changes_field_changed   (SandboxTable *table, SandboxField *field);
void           sandbox_changes_field_destroyed (SandboxTable *table, SandboxField *field);

/* sandbox-webhooks*.c */
void           sandbox_webhooks_handle   (SandboxServer *self, SoupServerMessage *msg, SandboxAuth *auth,
                                          SandboxBase *base, char **segments, guint n_segments, GPtrArray *query);
void           sandbox_webhooks_sweep_all (SandboxServer *self);
void           sandbox_webhooks_free_base (SandboxBase *base);
char          *sandbox_webhook_mac       (const char *secret_base64, const char *data, gsize len);
void           sandbox_webhooks_serialize_base   (SandboxServer *self, SandboxBase *base, JsonBuilder *b);
gboolean       sandbox_webhooks_deserialize_base (SandboxServer *self, SandboxBase *base, JsonObject *object,
                                                  GError **error);
SandboxWebhook *sandbox_webhooks_find    (SandboxServer *self, const char *id, SandboxBase **out_base);
JsonObject    *sandbox_webhook_debug_json (SandboxServer *self, SandboxWebhook *hook);
guint          sandbox_webhook_drop_payloads (SandboxWebhook *hook);
void           sandbox_webhook_expire_now (SandboxServer *self, SandboxWebhook *hook);

/* sandbox-control.c */
void           sandbox_control_handle    (SandboxServer *self, SoupServerMessage *msg, const char *path);
/* sandbox-control-data.c: share, edit, schema and webhooks/…; FALSE when @name is not one of them */
gboolean       sandbox_control_handle_data (SandboxServer *self, SoupServerMessage *msg, const char *name,
                                            const char *method, JsonObject *body);

/* sandbox-server.c */
void           sandbox_fault_free        (SandboxFault *fault);
void           sandbox_server_release_delayed (SandboxServer *self);
SandboxServer *sandbox_server_new        (const SandboxConfig *config, GError **error);
void           sandbox_server_free       (SandboxServer *self);
gboolean       sandbox_server_start      (SandboxServer *self, GError **error);
char          *sandbox_server_startup_line (SandboxServer *self);
void           sandbox_server_flush      (SandboxServer *self);

extern const char * const sandbox_basic_scopes[];

G_END_DECLS
