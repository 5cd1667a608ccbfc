/* hangar-client.c — the async Airtable Web API client: the object, the
 * helpers its endpoints share, records and comments
 *
 * The request pipeline is in hangar-client-request.c, batches in
 * hangar-client-batch.c, the meta API in hangar-client-meta.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hangar-client-private.h"
#include "hangar-error.h"
#include "hangar-ids.h"
#include "hangar-model-private.h"
#include "hangar-page-guard.h"
#include "hangar-record-list.h"
#include "hangar-redact.h"

G_DEFINE_FINAL_TYPE (HangarClient, hangar_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_API_URL,
  PROP_TOKEN_SOURCE,
  PROP_SCHEDULER,
  PROP_PACING,
  PROP_TIMEOUT,
  PROP_DEADLINE,
  PROP_INVALIDATED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  REQUEST_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
_hangar_client_emit_request_finished (HangarClient      *self,
                                      HangarRequestInfo *info)
{
  if (g_signal_has_handler_pending (self, signals[REQUEST_FINISHED], 0, FALSE))
    g_signal_emit (self, signals[REQUEST_FINISHED], 0, info);
}

/* ------------------------------------------------------------------------ */
/* Helpers for endpoints                                                     */

/* Checks (what, value) pairs, NULL-terminated, with hangar_check_path_segment(). */
gboolean
_hangar_client_check_ids (GError     **error,
                          const char  *what,
                          ...)
{
  va_list args;
  gboolean ok = TRUE;

  va_start (args, what);
  for (; what != NULL && ok; what = va_arg (args, const char *))
    ok = hangar_check_path_segment (what, va_arg (args, const char *), error);
  va_end (args);
  return ok;
}

void
_hangar_client_fail_early (HangarClient        *self,
                           gpointer             source_tag,
                           GError              *error,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_return_error (task, error);
}

char *
_hangar_client_records_path (const char *base_id,
                             const char *table,
                             const char *record_id,
                             const char *suffix)
{
  g_autofree char *b = hangar_escape_segment (base_id);
  g_autofree char *t = hangar_escape_segment (table);

  if (record_id != NULL)
    {
      g_autofree char *r = hangar_escape_segment (record_id);

      return g_strconcat ("/v0/", b, "/", t, "/", r, suffix, NULL);
    }
  return g_strconcat ("/v0/", b, "/", t, suffix, NULL);
}

GBytes *
_hangar_client_node_to_bytes (JsonNode *node)
{
  /* json-glib 1.6's generator writes 1e20 as "1e+20.0", which is not JSON. */
  char *data = hangar_json_to_string (node, -1);

  return g_bytes_new_take (data, strlen (data));
}

GBytes *
_hangar_client_object_to_bytes (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  return _hangar_client_node_to_bytes (node);
}

void
_hangar_client_add_write_flags (JsonObject       *body,
                                HangarWriteFlags  flags)
{
  if (flags & HANGAR_WRITE_TYPECAST)
    json_object_set_boolean_member (body, "typecast", TRUE);
  if (flags & HANGAR_WRITE_FIELDS_BY_ID)
    json_object_set_boolean_member (body, "returnFieldsByFieldId", TRUE);
}

gboolean
_hangar_client_check_object_root (JsonNode    *root,
                                  const char  *what,
                                  JsonObject **out,
                                  GError     **error)
{
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE,
                   "The %s answer is not a JSON object", what);
      return FALSE;
    }
  *out = json_node_get_object (root);
  return TRUE;
}

const char *
_hangar_client_get_offset_member (JsonObject  *object,
                                  gboolean    *ok,
                                  GError     **error)
{
  JsonNode *node = json_object_get_member (object, "offset");

  *ok = TRUE;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      *ok = FALSE;
      g_set_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE,
                   "%s", "The “offset” of a list answer is not a string");
      return NULL;
    }
  return json_node_get_string (node);
}

void
_hangar_client_log_notes (GPtrArray *notes)
{
  for (guint i = 0; notes != NULL && i < notes->len; i++)
    {
      HangarJsonNote *note = g_ptr_array_index (notes, i);
      g_autofree char *text = hangar_redact (note->text);

      g_warning ("Airtable's answer: %s%s%s", note->path, *note->path != '\0' ? ": " : "", text);
    }
}

GError *
_hangar_client_redact_error (GError *error)
{
  g_autofree char *message = NULL;

  if (error == NULL)
    return NULL;
  message = hangar_redact (error->message);
  if (g_strcmp0 (message, error->message) != 0)
    {
      g_free (error->message);
      error->message = g_steal_pointer (&message);
    }
  if (error->domain == HANGAR_API_ERROR)
    {
      g_autofree char *type = hangar_redact (hangar_api_error_get_server_type (error));
      g_autofree char *server = hangar_redact (hangar_api_error_get_server_message (error));

      hangar_api_error_set_details (error, hangar_api_error_get_http_status (error), type, server);
    }
  return error;
}

/* Simple operations: one call, one parse. */

typedef struct
{
  HangarClientParseFunc  parse;
  GDestroyNotify         destroy;
} SimpleOp;

static void
simple_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SimpleOp *op = g_task_get_task_data (task);
  g_autoptr(JsonNode) root = NULL;
  GError *error = NULL;
  gpointer value;

  g_autoptr(GPtrArray) notes = NULL;

  root = _hangar_client_send_finish (HANGAR_CLIENT (object), result, NULL, &notes, &error);
  if (root == NULL)
    {
      g_task_return_error (task, _hangar_client_redact_error (error));
      return;
    }
  value = op->parse (root, notes, &error);
  if (value == NULL)
    g_task_return_error (task, _hangar_client_redact_error (error));
  else
    g_task_return_pointer (task, value, op->destroy);
}

void
_hangar_client_run_simple (HangarClient          *self,
                           HangarClientCall      *call,
                           gpointer               source_tag,
                           HangarClientParseFunc  parse,
                           GDestroyNotify         destroy,
                           GCancellable          *cancellable,
                           GAsyncReadyCallback    callback,
                           gpointer               user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  SimpleOp *op = g_new0 (SimpleOp, 1);

  g_task_set_source_tag (task, source_tag);
  g_task_set_check_cancellable (task, FALSE);
  op->parse = parse;
  op->destroy = destroy;
  g_task_set_task_data (task, op, g_free);
  _hangar_client_send_async (self, call, cancellable, simple_done_cb, g_steal_pointer (&task));
}

gpointer
_hangar_client_finish_simple (HangarClient  *self,
                              GAsyncResult  *result,
                              gpointer       source_tag,
                              GError       **error)
{
  g_return_val_if_fail (HANGAR_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
parse_record (JsonNode   *root,
              GPtrArray  *notes,
              GError    **error)
{
  HangarRecord *record;
  JsonObject *object;

  if (!_hangar_client_check_object_root (root, "record", &object, error))
    return NULL;
  record = hangar_record_new_from_json (object, error);
  if (record != NULL)
    _hangar_record_take_notes (record, notes, "");
  return record;
}

static gpointer
parse_deleted (JsonNode   *root,
               GPtrArray  *notes,
               GError    **error)
{
  JsonObject *object;
  JsonNode *deleted;

  _hangar_client_log_notes (notes);

  if (!_hangar_client_check_object_root (root, "delete", &object, error))
    return NULL;
  deleted = json_object_get_member (object, "deleted");
  if (deleted == NULL || !JSON_NODE_HOLDS_VALUE (deleted) ||
      json_node_get_value_type (deleted) != G_TYPE_BOOLEAN || !json_node_get_boolean (deleted))
    {
      g_set_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE,
                   "%s", "The delete answer does not say “deleted”: true");
      return NULL;
    }
  return GINT_TO_POINTER (TRUE);
}

static gpointer
parse_comment (JsonNode   *root,
               GPtrArray  *notes,
               GError    **error)
{
  JsonObject *object;

  _hangar_client_log_notes (notes);

  if (!_hangar_client_check_object_root (root, "comment", &object, error))
    return NULL;
  return hangar_comment_new_from_json (object, error);
}

/* ------------------------------------------------------------------------ */
/* Paged reads (bases, comments)                                             */

typedef struct
{
  char                 *path;
  char                 *base_id;
  HangarClientListFunc  from_json;
  GPtrArray            *items;
  GHashTable           *seen_ids;
  HangarPageGuard      *guard;
  gsize                 max_bytes;
} PagedOp;

static void
paged_op_free (gpointer data)
{
  PagedOp *op = data;

  g_free (op->path);
  g_free (op->base_id);
  g_clear_pointer (&op->items, g_ptr_array_unref);
  g_clear_pointer (&op->seen_ids, g_hash_table_unref);
  g_clear_pointer (&op->guard, hangar_page_guard_free);
  g_free (op);
}

static void paged_fetch (GTask *task, const char *offset);

static void
paged_page_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PagedOp *op = g_task_get_task_data (task);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) page = NULL;
  GError *error = NULL;
  JsonObject *response;
  const char *offset;
  gboolean ok;

  g_autoptr(GPtrArray) notes = NULL;
  guint n_new = 0;

  root = _hangar_client_send_finish (HANGAR_CLIENT (object), result, NULL, &notes, &error);
  if (root == NULL ||
      (page = op->from_json (root, &error)) == NULL)
    {
      g_task_return_error (task, _hangar_client_redact_error (error));
      return;
    }
  _hangar_client_log_notes (notes);
  for (guint i = 0; i < page->len; i++)
    {
      GObject *item = g_ptr_array_index (page, i);
      char *id = NULL;

      g_object_get (item, "id", &id, NULL);
      if (id == NULL || !g_hash_table_add (op->seen_ids, id))
        continue;   /* seen before (the set owns the id either way) */
      n_new++;
      g_ptr_array_add (op->items, g_object_ref (item));
    }

  response = json_node_get_object (root);
  offset = _hangar_client_get_offset_member (response, &ok, &error);
  if (!ok || !hangar_page_guard_check (op->guard, page->len, n_new, offset, &error))
    {
      g_task_return_error (task, _hangar_client_redact_error (error));
      return;
    }
  if (offset == NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&op->items), (GDestroyNotify) g_ptr_array_unref);
      return;
    }
  paged_fetch (g_steal_pointer (&task), offset);
}

/* Takes the task. */
static void
paged_fetch (GTask      *task,
             const char *offset)
{
  HangarClient *self = g_task_get_source_object (task);
  PagedOp *op = g_task_get_task_data (task);
  char *query = NULL;
  HangarClientCall *call;

  if (offset != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (offset, NULL, FALSE);

      query = g_strconcat ("offset=", escaped, NULL);
    }
  call = _hangar_client_call_new ("GET", g_strdup (op->path), query, NULL, op->base_id, TRUE);
  _hangar_client_call_set_max_bytes (call, op->max_bytes);
  _hangar_client_send_async (self, call, g_task_get_cancellable (task), paged_page_cb, task);
}

void
_hangar_client_run_paged (HangarClient         *self,
                          char                 *path,
                          const char           *base_id,
                          gsize                 max_bytes,
                          HangarClientListFunc  from_json,
                          gpointer              source_tag,
                          GCancellable         *cancellable,
                          GAsyncReadyCallback   callback,
                          gpointer              user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  PagedOp *op = g_new0 (PagedOp, 1);

  g_task_set_source_tag (task, source_tag);
  g_task_set_check_cancellable (task, FALSE);
  op->path = path;
  op->base_id = g_strdup (base_id);
  op->from_json = from_json;
  op->items = g_ptr_array_new_with_free_func (g_object_unref);
  op->seen_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  op->guard = hangar_page_guard_new ();
  op->max_bytes = max_bytes;
  g_task_set_task_data (task, op, paged_op_free);
  paged_fetch (task, NULL);
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */

static void
token_source_invalidated_cb (HangarTokenSource *source,
                             const GError      *reason,
                             gpointer           user_data)
{
  HangarClient *self = user_data;

  if (self->invalid_error != NULL)
    return;

  self->invalid_error = reason != NULL ? g_error_copy (reason)
    : g_error_new (HANGAR_API_ERROR, HANGAR_API_ERROR_REVOKED, "%s", "The account can no longer be used");
  g_debug ("Token source invalidated: cancelling every request of this client");
  g_cancellable_cancel (self->cancellable);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INVALIDATED]);
}

static void
hangar_client_constructed (GObject *object)
{
  HangarClient *self = HANGAR_CLIENT (object);
  g_autofree char *user_agent = g_strdup_printf ("Hangar/%s", PACKAGE_VERSION);

  G_OBJECT_CLASS (hangar_client_parent_class)->constructed (object);

  if (self->api_url == NULL)
    self->api_url = g_strdup (HANGAR_DEFAULT_API_URL);
  while (g_str_has_suffix (self->api_url, "/"))
    self->api_url[strlen (self->api_url) - 1] = '\0';
  /* Every call fails with this instead of sending anything (the token
   * included) to a URL that is not safe to use. */
  if (!hangar_check_api_url (self->api_url, &self->url_error))
    g_debug ("Refusing the API URL: %s", self->url_error->message);

  if (self->scheduler == NULL)
    self->scheduler = g_object_ref (hangar_scheduler_get_default ());

  self->session = soup_session_new_with_options ("user-agent", user_agent,
                                                 "timeout", self->timeout,
                                                 "idle-timeout", 60,
                                                 "max-conns-per-host", 8,
                                                 NULL);
  /* A 401 is ours to handle (one refresh, one retry); libsoup's own
   * authentication would re-queue the message inside libsoup. */
  soup_session_remove_feature_by_type (self->session, SOUP_TYPE_AUTH_MANAGER);

  g_return_if_fail (self->token_source != NULL);
  self->invalidated_id = g_signal_connect (self->token_source, "invalidated",
                                           G_CALLBACK (token_source_invalidated_cb), self);
}

static void
hangar_client_dispose (GObject *object)
{
  HangarClient *self = HANGAR_CLIENT (object);

  g_cancellable_cancel (self->cancellable);
  if (self->token_source != NULL)
    g_clear_signal_handler (&self->invalidated_id, self->token_source);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (hangar_client_parent_class)->dispose (object);
}

static void
hangar_client_finalize (GObject *object)
{
  HangarClient *self = HANGAR_CLIENT (object);

  g_clear_object (&self->token_source);
  g_clear_object (&self->scheduler);
  g_clear_object (&self->cancellable);
  g_clear_error (&self->invalid_error);
  g_clear_error (&self->url_error);
  g_clear_pointer (&self->server_time, g_date_time_unref);
  g_free (self->api_url);

  G_OBJECT_CLASS (hangar_client_parent_class)->finalize (object);
}

static void
hangar_client_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  HangarClient *self = HANGAR_CLIENT (object);

  switch (prop_id)
    {
    case PROP_API_URL:
      g_value_set_string (value, self->api_url);
      break;
    case PROP_TOKEN_SOURCE:
      g_value_set_object (value, self->token_source);
      break;
    case PROP_SCHEDULER:
      g_value_set_object (value, self->scheduler);
      break;
    case PROP_PACING:
      g_value_set_boolean (value, self->pacing);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;
    case PROP_DEADLINE:
      g_value_set_uint (value, self->deadline);
      break;
    case PROP_INVALIDATED:
      g_value_set_boolean (value, self->invalid_error != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_client_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  HangarClient *self = HANGAR_CLIENT (object);

  switch (prop_id)
    {
    case PROP_API_URL:
      g_free (self->api_url);
      self->api_url = g_value_dup_string (value);
      break;
    case PROP_TOKEN_SOURCE:
      self->token_source = g_value_dup_object (value);
      break;
    case PROP_SCHEDULER:
      self->scheduler = g_value_dup_object (value);
      break;
    case PROP_PACING:
      hangar_client_set_pacing (self, g_value_get_boolean (value));
      break;
    case PROP_TIMEOUT:
      self->timeout = g_value_get_uint (value);
      break;
    case PROP_DEADLINE:
      hangar_client_set_deadline (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_client_class_init (HangarClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = hangar_client_constructed;
  object_class->dispose = hangar_client_dispose;
  object_class->finalize = hangar_client_finalize;
  object_class->get_property = hangar_client_get_property;
  object_class->set_property = hangar_client_set_property;

  /**
   * HangarClient:api-url:
   *
   * Where the API lives, without the /v0 (default https://api.airtable.com).
   */
  properties[PROP_API_URL] =
    g_param_spec_string ("api-url", NULL, NULL, HANGAR_DEFAULT_API_URL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TOKEN_SOURCE] =
    g_param_spec_object ("token-source", NULL, NULL, HANGAR_TYPE_TOKEN_SOURCE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * HangarClient:scheduler:
   *
   * The pacing scheduler; the process-wide one unless a test gives its own.
   */
  properties[PROP_SCHEDULER] =
    g_param_spec_object ("scheduler", NULL, NULL, HANGAR_TYPE_SCHEDULER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * HangarClient:pacing:
   *
   * Whether requests wait for the scheduler (5/s per base, 50/s per token,
   * 429 pauses). Only benchmarks against a sandbox without rate limits turn
   * it off; without pacing a 429 is returned to the caller as is.
   */
  properties[PROP_PACING] =
    g_param_spec_boolean ("pacing", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * HangarClient:timeout:
   *
   * Seconds of network inactivity before a request fails.
   */
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 0, G_MAXUINT, 60,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * HangarClient:deadline:
   *
   * Seconds one HTTP request may take, from sending it to the last byte of
   * the answer, 0 for no limit (default 120). A request past its deadline
   * is stopped and fails like a network error, %HANGAR_API_ERROR_NETWORK
   * with a message saying it timed out (%HANGAR_API_ERROR_UNCERTAIN_WRITE
   * for a create or an upsert), and is not retried: a server that trickles
   * its answer a byte at a time cannot hold a call for longer.
   */
  properties[PROP_DEADLINE] =
    g_param_spec_uint ("deadline", NULL, NULL, 0, G_MAXUINT, HANGAR_DEFAULT_DEADLINE,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * HangarClient:invalidated:
   *
   * %TRUE once the token source was invalidated (e.g. the grant was
   * revoked): every call now fails at once with that error.
   */
  properties[PROP_INVALIDATED] =
    g_param_spec_boolean ("invalidated", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HangarClient::request-finished:
   * @self: the client
   * @info: what the request did (valid during the emission; take a
   *   reference to keep it)
   *
   * Emitted once for every operation the client sent or tried to send,
   * after its last retry, just before its caller gets the result: the
   * request log and the request console listen here.
   */
  signals[REQUEST_FINISHED] =
    g_signal_new ("request-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  HANGAR_TYPE_REQUEST_INFO | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
hangar_client_init (HangarClient *self)
{
  self->cancellable = g_cancellable_new ();
  self->pacing = TRUE;
  self->timeout = 60;
  self->deadline = HANGAR_DEFAULT_DEADLINE;
}

/* ------------------------------------------------------------------------ */
/* Public API                                                                */

/**
 * hangar_client_new:
 * @api_url: (nullable): the API's base URL, %NULL for Airtable's
 * @token_source: where bearer tokens come from
 *
 * Returns: (transfer full): a new client (one per account)
 */
HangarClient *
hangar_client_new (const char        *api_url,
                   HangarTokenSource *token_source)
{
  g_return_val_if_fail (HANGAR_IS_TOKEN_SOURCE (token_source), NULL);

  return g_object_new (HANGAR_TYPE_CLIENT,
                       "api-url", api_url != NULL ? api_url : HANGAR_DEFAULT_API_URL,
                       "token-source", token_source,
                       NULL);
}

const char *
hangar_client_get_api_url (HangarClient *self)
{
  g_return_val_if_fail (HANGAR_IS_CLIENT (self), NULL);
  return self->api_url;
}

/** hangar_client_get_token_source: Returns: (transfer none): the token source */
HangarTokenSource *
hangar_client_get_token_source (HangarClient *self)
{
  g_return_val_if_fail (HANGAR_IS_CLIENT (self), NULL);
  return self->token_source;
}

/** hangar_client_get_scheduler: Returns: (transfer none): the scheduler */
HangarScheduler *
hangar_client_get_scheduler (HangarClient *self)
{
  g_return_val_if_fail (HANGAR_IS_CLIENT (self), NULL);
  return self->scheduler;
}

gboolean
hangar_client_get_pacing (HangarClient *self)
{
  g_return_val_if_fail (HANGAR_IS_CLIENT (self), FALSE);
  return self->pacing;
}

void
hangar_client_set_pacing (HangarClient *self,
                          gboolean      pacing)
{
  g_return_if_fail (HANGAR_IS_CLIENT (self));

  pacing = !!pacing;
  if (self->pacing == pacing)
    return;
  self->pacing = pacing;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PACING]);
}

guint
hangar_client_get_deadline (HangarClient *self)
{
  g_return_val_if_fail (HANGAR_IS_CLIENT (self), 0);
  return self->deadline;
}

/**
 * hangar_client_set_deadline:
 * @self: a #HangarClient
 * @seconds: seconds one request may take, 0 for no limit
 *
 * Sets #HangarClient:deadline; requests already sent keep theirs.
 */
void
hangar_client_set_deadline (HangarClient *self,
                            guint         seconds)
{
  g_return_if_fail (HANGAR_IS_CLIENT (self));

  if (self->deadline == seconds)
    return;
  self->deadline = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEADLINE]);
}

gboolean
hangar_client_get_invalidated (HangarClient *self)
{
  g_return_val_if_fail (HANGAR_IS_CLIENT (self), FALSE);
  return self->invalid_error != NULL;
}

/** hangar_client_get_invalidated_error: Returns: (nullable): why the client stopped */
const GError *
hangar_client_get_invalidated_error (HangarClient *self)
{
  g_return_val_if_fail (HANGAR_IS_CLIENT (self), NULL);
  return self->invalid_error;
}

/**
 * hangar_client_get_rate_state:
 * @self: a #HangarClient
 * @base_id: a base id
 *
 * Returns: (transfer none): the pacing state of @base_id (paused-until, queued)
 */
HangarRateState *
hangar_client_get_rate_state (HangarClient *self,
                              const char   *base_id)
{
  g_return_val_if_fail (HANGAR_IS_CLIENT (self), NULL);
  return hangar_scheduler_get_base_state (self->scheduler, base_id);
}

/**
 * hangar_client_get_token_rate_state:
 * @self: a #HangarClient
 *
 * Returns: (transfer none): the pacing state of this client's token (pauses
 *   after a 429 to a call that is not per base)
 */
HangarRateState *
hangar_client_get_token_rate_state (HangarClient *self)
{
  g_return_val_if_fail (HANGAR_IS_CLIENT (self), NULL);
  return hangar_scheduler_get_token_state (self->scheduler, self->token_source);
}

/**
 * hangar_client_get_n_requests:
 * @self: a #HangarClient
 *
 * Returns: how many HTTP requests this client sent (retries included)
 */
guint64
hangar_client_get_n_requests (HangarClient *self)
{
  g_return_val_if_fail (HANGAR_IS_CLIENT (self), 0);
  return self->n_requests;
}

/**
 * hangar_client_dup_server_time:
 * @self: a #HangarClient
 *
 * The server's clock as its newest answer gave it (the HTTP Date header,
 * to the second): whatever a request sent after that answer does on the
 * server happens at this time or later. For callers that must compare
 * server times (createdTime) without trusting this machine's clock.
 *
 * Returns: (transfer full) (nullable): the time, or %NULL before any
 *   answer with a Date
 */
GDateTime *
hangar_client_dup_server_time (HangarClient *self)
{
  g_return_val_if_fail (HANGAR_IS_CLIENT (self), NULL);
  return self->server_time != NULL ? g_date_time_ref (self->server_time) : NULL;
}

/**
 * hangar_client_cancel_all:
 * @self: a #HangarClient
 *
 * Cancels every request in flight (their callers get G_IO_ERROR_CANCELLED);
 * later calls work normally.
 */
void
hangar_client_cancel_all (HangarClient *self)
{
  g_return_if_fail (HANGAR_IS_CLIENT (self));

  if (self->invalid_error != NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
}

/* ---- list records ---- */

typedef struct
{
  GPtrArray *records;
  char      *offset;
} Page;

static void
page_free (gpointer data)
{
  Page *page = data;

  g_clear_pointer (&page->records, g_ptr_array_unref);
  g_free (page->offset);
  g_free (page);
}

static gpointer
parse_page (JsonNode   *root,
            GPtrArray  *notes,
            GError    **error)
{
  g_autoptr(GPtrArray) records = NULL;
  const char *offset;
  gboolean ok;
  Page *page;

  records = _hangar_record_list_from_json_with_notes (root, notes, error);
  if (records == NULL)
    return NULL;
  offset = _hangar_client_get_offset_member (json_node_get_object (root), &ok, error);
  if (!ok)
    return NULL;

  page = g_new0 (Page, 1);
  page->records = g_steal_pointer (&records);
  page->offset = g_strdup (offset);
  return page;
}

/**
 * hangar_client_list_records_page_async:
 * @self: a #HangarClient
 * @base_id: the base (app…)
 * @table: a table id or name
 * @options: (nullable): query options
 * @offset: (nullable): the cursor from the previous page, %NULL for the first
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the page
 * @user_data: data for @callback
 *
 * Fetches one page of records. Uses GET, or POST …/listRecords (options in
 * the JSON body, timeZone/userLocale in the query) when the GET URL would
 * reach 16,000 characters.
 */
void
hangar_client_list_records_page_async (HangarClient            *self,
                                       const char              *base_id,
                                       const char              *table,
                                       const HangarListOptions *options,
                                       const char              *offset,
                                       GCancellable            *cancellable,
                                       GAsyncReadyCallback      callback,
                                       gpointer                 user_data)
{
  g_autofree char *query = NULL;
  GError *error = NULL;
  char *path;
  HangarClientCall *call;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && table != NULL);

  if (!_hangar_client_check_ids (&error, "base", base_id, "table", table, NULL))
    {
      _hangar_client_fail_early (self, hangar_client_list_records_page_async, error, callback, user_data);
      return;
    }
  path = _hangar_client_records_path (base_id, table, NULL, "");
  query = _hangar_list_options_to_query (options, offset);

  if (_hangar_list_options_get_force_post (options) ||
      strlen (self->api_url) + strlen (path) + 1 + strlen (query) >= HANGAR_URL_LIMIT)
    {
      g_free (path);
      path = _hangar_client_records_path (base_id, table, NULL, "/listRecords");
      call = _hangar_client_call_new ("POST", path, _hangar_list_options_to_post_query (options),
                                      _hangar_list_options_to_post_body (options, offset), base_id, TRUE);
    }
  else
    call = _hangar_client_call_new ("GET", path, g_steal_pointer (&query), NULL, base_id, TRUE);
  /* At most 100 records per page */
  _hangar_client_call_set_max_bytes (call, HANGAR_ANSWER_MAX_RECORDS_PAGE);

  _hangar_client_run_simple (self, call, hangar_client_list_records_page_async, parse_page, page_free,
                             cancellable, callback, user_data);
}

/**
 * hangar_client_list_records_page_finish:
 * @self: a #HangarClient
 * @result: the result
 * @out_offset: (out) (optional) (nullable): the next page's cursor, %NULL after the last page
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type HangarRecord): the page's records
 */
GPtrArray *
hangar_client_list_records_page_finish (HangarClient  *self,
                                        GAsyncResult  *result,
                                        char         **out_offset,
                                        GError       **error)
{
  Page *page = _hangar_client_finish_simple (self, result, hangar_client_list_records_page_async, error);
  GPtrArray *records;

  if (page == NULL)
    return NULL;
  if (out_offset != NULL)
    *out_offset = g_steal_pointer (&page->offset);
  records = g_steal_pointer (&page->records);
  page_free (page);
  return records;
}

static void
list_all_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HangarRecordList *list = HANGAR_RECORD_LIST (object);
  GError *error = NULL;
  GPtrArray *records;
  guint n;

  if (!hangar_record_list_load_all_finish (list, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  records = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (records, g_list_model_get_item (G_LIST_MODEL (list), i));
  g_task_return_pointer (task, records, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * hangar_client_list_records_async:
 * @self: a #HangarClient
 * @base_id: the base
 * @table: a table id or name
 * @options: (nullable): query options
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when every page was read
 * @user_data: data for @callback
 *
 * Reads every page, restarting from the first page (without duplicates) when
 * Airtable says the iterator expired; see #HangarRecordList.
 */
void
hangar_client_list_records_async (HangarClient            *self,
                                  const char              *base_id,
                                  const char              *table,
                                  const HangarListOptions *options,
                                  GCancellable            *cancellable,
                                  GAsyncReadyCallback      callback,
                                  gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(HangarRecordList) list = NULL;

  g_return_if_fail (HANGAR_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_client_list_records_async);
  list = hangar_record_list_new (self, base_id, table, options);
  hangar_record_list_load_all_async (list, cancellable, list_all_done_cb, g_steal_pointer (&task));
}

/**
 * hangar_client_list_records_finish:
 * @self: a #HangarClient
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type HangarRecord): every record
 */
GPtrArray *
hangar_client_list_records_finish (HangarClient  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return _hangar_client_finish_simple (self, result, hangar_client_list_records_async, error);
}

/* ---- single records ---- */

/**
 * hangar_client_get_record_async:
 * @self: a #HangarClient
 * @base_id: the base
 * @table: a table id or name
 * @record_id: the record (rec…)
 * @options: (nullable): only the cell format and field-id options apply
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the record
 * @user_data: data for @callback
 */
void
hangar_client_get_record_async (HangarClient            *self,
                                const char              *base_id,
                                const char              *table,
                                const char              *record_id,
                                const HangarListOptions *options,
                                GCancellable            *cancellable,
                                GAsyncReadyCallback      callback,
                                gpointer                 user_data)
{
  GError *error = NULL;
  HangarClientCall *call;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && table != NULL && record_id != NULL);

  if (!_hangar_client_check_ids (&error, "base", base_id, "table", table, "record", record_id, NULL))
    {
      _hangar_client_fail_early (self, hangar_client_get_record_async, error, callback, user_data);
      return;
    }
  call = _hangar_client_call_new ("GET", _hangar_client_records_path (base_id, table, record_id, ""),
                                  _hangar_list_options_to_record_query (options), NULL, base_id, TRUE);
  _hangar_client_call_set_max_bytes (call, HANGAR_ANSWER_MAX_RECORD);
  _hangar_client_run_simple (self, call, hangar_client_get_record_async, parse_record, g_object_unref,
                             cancellable, callback, user_data);
}

/** hangar_client_get_record_finish: Returns: (transfer full): the record */
HangarRecord *
hangar_client_get_record_finish (HangarClient  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return _hangar_client_finish_simple (self, result, hangar_client_get_record_async, error);
}

/**
 * hangar_client_create_record_async:
 * @self: a #HangarClient
 * @base_id: the base
 * @table: a table id or name
 * @fields: the cell values, keyed by field name or id
 * @flags: typecast / field ids
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the new record
 * @user_data: data for @callback
 *
 * Creates one record. Never re-sent once it may have reached the server: a
 * lost connection gives %HANGAR_API_ERROR_UNCERTAIN_WRITE.
 */
void
hangar_client_create_record_async (HangarClient        *self,
                                   const char          *base_id,
                                   const char          *table,
                                   JsonObject          *fields,
                                   HangarWriteFlags     flags,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();
  GError *error = NULL;
  HangarClientCall *call;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && table != NULL && fields != NULL);

  if (!_hangar_client_check_ids (&error, "base", base_id, "table", table, NULL))
    {
      _hangar_client_fail_early (self, hangar_client_create_record_async, error, callback, user_data);
      return;
    }
  json_object_set_object_member (body, "fields", json_object_ref (fields));
  _hangar_client_add_write_flags (body, flags);
  call = _hangar_client_call_new ("POST", _hangar_client_records_path (base_id, table, NULL, ""), NULL,
                                  _hangar_client_object_to_bytes (body), base_id, FALSE);
  _hangar_client_call_set_max_bytes (call, HANGAR_ANSWER_MAX_RECORD);
  _hangar_client_run_simple (self, call, hangar_client_create_record_async, parse_record, g_object_unref,
                             cancellable, callback, user_data);
}

/** hangar_client_create_record_finish: Returns: (transfer full): the created record */
HangarRecord *
hangar_client_create_record_finish (HangarClient  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return _hangar_client_finish_simple (self, result, hangar_client_create_record_async, error);
}

/**
 * hangar_client_update_record_async:
 * @self: a #HangarClient
 * @base_id: the base
 * @table: a table id or name
 * @record_id: the record
 * @fields: the values to write (%NULL values clear a cell)
 * @flags: %HANGAR_WRITE_REPLACE for PUT (clears every field not sent)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the updated record
 * @user_data: data for @callback
 */
void
hangar_client_update_record_async (HangarClient        *self,
                                   const char          *base_id,
                                   const char          *table,
                                   const char          *record_id,
                                   JsonObject          *fields,
                                   HangarWriteFlags     flags,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();
  GError *error = NULL;
  HangarClientCall *call;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && table != NULL && record_id != NULL && fields != NULL);

  if (!_hangar_client_check_ids (&error, "base", base_id, "table", table, "record", record_id, NULL))
    {
      _hangar_client_fail_early (self, hangar_client_update_record_async, error, callback, user_data);
      return;
    }
  json_object_set_object_member (body, "fields", json_object_ref (fields));
  _hangar_client_add_write_flags (body, flags);
  call = _hangar_client_call_new ((flags & HANGAR_WRITE_REPLACE) ? "PUT" : "PATCH",
                                  _hangar_client_records_path (base_id, table, record_id, ""), NULL,
                                  _hangar_client_object_to_bytes (body), base_id, TRUE);
  _hangar_client_call_set_max_bytes (call, HANGAR_ANSWER_MAX_RECORD);
  _hangar_client_run_simple (self, call, hangar_client_update_record_async, parse_record, g_object_unref,
                             cancellable, callback, user_data);
}

/** hangar_client_update_record_finish: Returns: (transfer full): the record as stored */
HangarRecord *
hangar_client_update_record_finish (HangarClient  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return _hangar_client_finish_simple (self, result, hangar_client_update_record_async, error);
}

/**
 * hangar_client_delete_record_async:
 * @self: a #HangarClient
 * @base_id: the base
 * @table: a table id or name
 * @record_id: the record
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 */
void
hangar_client_delete_record_async (HangarClient        *self,
                                   const char          *base_id,
                                   const char          *table,
                                   const char          *record_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GError *error = NULL;
  HangarClientCall *call;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && table != NULL && record_id != NULL);

  if (!_hangar_client_check_ids (&error, "base", base_id, "table", table, "record", record_id, NULL))
    {
      _hangar_client_fail_early (self, hangar_client_delete_record_async, error, callback, user_data);
      return;
    }
  call = _hangar_client_call_new ("DELETE", _hangar_client_records_path (base_id, table, record_id, ""),
                                  NULL, NULL, base_id, TRUE);
  _hangar_client_call_set_max_bytes (call, HANGAR_ANSWER_MAX_DELETE);
  _hangar_client_run_simple (self, call, hangar_client_delete_record_async, parse_deleted, NULL,
                             cancellable, callback, user_data);
}

gboolean
hangar_client_delete_record_finish (HangarClient  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return _hangar_client_finish_simple (self, result, hangar_client_delete_record_async, error) != NULL;
}

/* ---- comments ---- */

/**
 * hangar_client_list_comments_async:
 * @self: a #HangarClient
 * @base_id: the base
 * @table: a table id or name
 * @record_id: the record
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with every comment (all pages)
 * @user_data: data for @callback
 */
void
hangar_client_list_comments_async (HangarClient        *self,
                                   const char          *base_id,
                                   const char          *table,
                                   const char          *record_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GError *error = NULL;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && table != NULL && record_id != NULL);

  if (!_hangar_client_check_ids (&error, "base", base_id, "table", table, "record", record_id, NULL))
    {
      _hangar_client_fail_early (self, hangar_client_list_comments_async, error, callback, user_data);
      return;
    }
  _hangar_client_run_paged (self, _hangar_client_records_path (base_id, table, record_id, "/comments"),
                            base_id, HANGAR_ANSWER_MAX_COMMENTS_PAGE, hangar_comment_list_from_json,
                            hangar_client_list_comments_async, cancellable, callback, user_data);
}

/** hangar_client_list_comments_finish: Returns: (transfer full) (element-type HangarComment): the comments */
GPtrArray *
hangar_client_list_comments_finish (HangarClient  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return _hangar_client_finish_simple (self, result, hangar_client_list_comments_async, error);
}

/**
 * hangar_client_create_comment_async:
 * @self: a #HangarClient
 * @base_id: the base
 * @table: a table id or name
 * @record_id: the record
 * @text: the comment (mentions as `@[usr…]`)
 * @parent_comment_id: (nullable): the comment this one answers
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the new comment
 * @user_data: data for @callback
 */
void
hangar_client_create_comment_async (HangarClient        *self,
                                    const char          *base_id,
                                    const char          *table,
                                    const char          *record_id,
                                    const char          *text,
                                    const char          *parent_comment_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();
  GError *error = NULL;
  HangarClientCall *call;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && table != NULL && record_id != NULL && text != NULL);

  if (!_hangar_client_check_ids (&error, "base", base_id, "table", table, "record", record_id, NULL))
    {
      _hangar_client_fail_early (self, hangar_client_create_comment_async, error, callback, user_data);
      return;
    }

  json_object_set_string_member (body, "text", text);
  if (parent_comment_id != NULL)
    json_object_set_string_member (body, "parentCommentId", parent_comment_id);
  call = _hangar_client_call_new ("POST", _hangar_client_records_path (base_id, table, record_id, "/comments"),
                                  NULL, _hangar_client_object_to_bytes (body), base_id, FALSE);
  _hangar_client_call_set_max_bytes (call, HANGAR_ANSWER_MAX_RECORD);
  _hangar_client_run_simple (self, call, hangar_client_create_comment_async, parse_comment, g_object_unref,
                             cancellable, callback, user_data);
}

/** hangar_client_create_comment_finish: Returns: (transfer full): the comment */
HangarComment *
hangar_client_create_comment_finish (HangarClient  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return _hangar_client_finish_simple (self, result, hangar_client_create_comment_async, error);
}

