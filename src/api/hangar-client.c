/* hangar-client.c — the async Airtable Web API client
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "hangar-client.h"
#include "hangar-error.h"
#include "hangar-ids.h"
#include "hangar-record-list.h"

/*
 * Every operation goes through one pipeline (a "call"):
 *
 *   scheduler slot (per base + per token pacing, 429 pauses)
 *     → token from the token source (fetched for every send)
 *     → libsoup send on the thread-default main context
 *     → status check: 401 → handle_unauthorized and exactly one retry;
 *       429 → pause the base, re-queue (reads and writes: a 429 was not applied);
 *       503 → wait Retry-After (or back off) and retry;
 *       other 5xx / connection failure → retry idempotent requests (3 tries,
 *       capped backoff with jitter); a create/upsert that may have reached the
 *       server fails with HANGAR_API_ERROR_UNCERTAIN_WRITE and is never re-sent.
 *
 * Endpoints build a call, then turn the JSON answer into models.
 */

#define MAX_TRIES            3
#define MAX_RATE_LIMIT_TRIES 5
#define BACKOFF_BASE_MS      200
#define BACKOFF_CAP_MS       5000
#define RETRY_AFTER_CAP_S    60
#define URL_LIMIT            16000

struct _HangarClient
{
  GObject            parent_instance;

  char              *api_url;
  HangarTokenSource *token_source;
  HangarScheduler   *scheduler;
  SoupSession       *session;
  GCancellable      *cancellable;      /* cancelled by invalidation or cancel_all */
  gulong             invalidated_id;
  GError            *invalid_error;
  GError            *url_error;        /* the api-url failed hangar_check_api_url() */
  guint              timeout;
  gboolean           pacing;
  guint64            n_requests;
};

G_DEFINE_FINAL_TYPE (HangarClient, hangar_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_API_URL,
  PROP_TOKEN_SOURCE,
  PROP_SCHEDULER,
  PROP_PACING,
  PROP_TIMEOUT,
  PROP_INVALIDATED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------------ */
/* The call pipeline                                                         */

typedef struct
{
  HangarClient *client;
  char         *method;
  char         *path;
  char         *query;
  GBytes       *body;
  char         *base_id;
  gboolean      idempotent;

  guint         tries;
  guint         rate_limited;
  gboolean      retried_unauthorized;
  char         *token;
  GCancellable *op_cancellable;
  GCancellable *caller_cancellable;
  GCancellable *client_cancellable;   /* the client's at the time (cancel_all replaces it) */
  gulong        caller_cancel_id;
  gulong        client_cancel_id;
} Call;

typedef struct
{
  guint     status;
  JsonNode *root;
} Response;

static void call_acquire (GTask *task);

static void
response_free (gpointer data)
{
  Response *response = data;

  g_clear_pointer (&response->root, json_node_unref);
  g_free (response);
}

static void
call_free (gpointer data)
{
  Call *call = data;

  if (call->caller_cancel_id != 0)
    g_cancellable_disconnect (call->caller_cancellable, call->caller_cancel_id);
  if (call->client_cancel_id != 0)
    g_cancellable_disconnect (call->client_cancellable, call->client_cancel_id);
  g_clear_object (&call->client_cancellable);
  g_clear_object (&call->caller_cancellable);
  g_clear_object (&call->op_cancellable);
  g_clear_pointer (&call->token, hangar_token_free);
  g_clear_pointer (&call->body, g_bytes_unref);
  g_free (call->method);
  g_free (call->path);
  g_free (call->query);
  g_free (call->base_id);
  g_clear_object (&call->client);
  g_free (call);
}

static Call *
call_new (const char *method,
          char       *path,
          char       *query,
          GBytes     *body,
          const char *base_id,
          gboolean    idempotent)
{
  Call *call = g_new0 (Call, 1);

  call->method = g_strdup (method);
  call->path = path;
  call->query = (query != NULL && *query != '\0') ? query : (g_free (query), NULL);
  call->body = body;
  call->base_id = g_strdup (base_id);
  call->idempotent = idempotent;
  return call;
}

static void
forward_cancel_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

/* A call was cancelled: by its caller (G_IO_ERROR_CANCELLED) or because the
 * client's token source was invalidated (that error). */
static void
call_return_cancelled (GTask *task)
{
  Call *call = g_task_get_task_data (task);

  if (call->client->invalid_error != NULL &&
      !g_cancellable_is_cancelled (call->caller_cancellable))
    g_task_return_error (task, g_error_copy (call->client->invalid_error));
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", "Operation was cancelled");
}

typedef struct
{
  GSource *timeout;
  GSource *cancel;
} Delay;

static void
delay_free (gpointer data)
{
  Delay *delay = data;

  if (delay->timeout != NULL)
    {
      g_source_destroy (delay->timeout);
      g_source_unref (delay->timeout);
    }
  if (delay->cancel != NULL)
    {
      g_source_destroy (delay->cancel);
      g_source_unref (delay->cancel);
    }
  g_free (delay);
}

static gboolean
delay_timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  Delay *delay = g_task_get_task_data (task);

  /* Drop the other source (and its reference on the task). */
  if (delay->cancel != NULL)
    g_source_destroy (delay->cancel);
  g_task_return_boolean (task, TRUE);
  return G_SOURCE_REMOVE;
}

static gboolean
delay_cancel_cb (GCancellable *cancellable,
                 gpointer      user_data)
{
  GTask *task = user_data;
  Delay *delay = g_task_get_task_data (task);

  g_source_destroy (delay->timeout);
  g_task_return_error_if_cancelled (task);
  return G_SOURCE_REMOVE;
}

/* Waits @ms on the task's context; cancellable. Never blocks. */
static void
delay_async (guint                ms,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  GMainContext *context = g_task_get_context (task);
  Delay *delay = g_new0 (Delay, 1);

  g_task_set_source_tag (task, delay_async);
  g_task_set_task_data (task, delay, delay_free);

  /* The sources hold the task alive until one of them returns it; the
   * task's data then destroys both. */
  delay->timeout = g_timeout_source_new (ms);
  g_source_set_callback (delay->timeout, delay_timeout_cb, g_object_ref (task), g_object_unref);
  g_source_attach (delay->timeout, context);
  if (cancellable != NULL)
    {
      delay->cancel = g_cancellable_source_new (cancellable);
      g_source_set_callback (delay->cancel, (GSourceFunc) (void (*)(void)) delay_cancel_cb,
                             g_object_ref (task), g_object_unref);
      g_source_attach (delay->cancel, context);
    }
}

static gboolean
delay_finish (GAsyncResult  *result,
              GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static guint
backoff_ms (guint tries)
{
  guint ms = BACKOFF_BASE_MS;

  for (guint i = 1; i < tries && ms < BACKOFF_CAP_MS; i++)
    ms *= 2;
  ms = MIN (ms, BACKOFF_CAP_MS);
  /* Full jitter on the upper half, so concurrent clients spread out. */
  return ms / 2 + g_random_int_range (0, ms / 2 + 1);
}

static void
retry_delay_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  if (!delay_finish (result, NULL))
    {
      call_return_cancelled (task);
      return;
    }
  call_acquire (g_steal_pointer (&task));
}

static void
call_retry_later (GTask *task,
                  guint  ms)
{
  Call *call = g_task_get_task_data (task);

  g_debug ("%s %s: retrying in %u ms", call->method, call->path, ms);
  delay_async (ms, call->op_cancellable, retry_delay_cb, task);
}

/* Network errors that mean the request never left: safe to retry even a create. */
static gboolean
error_is_not_sent (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND) ||
         error->domain == G_RESOLVER_ERROR ||
         error->domain == G_TLS_ERROR;
}

static guint
parse_retry_after (SoupMessage *msg)
{
  const char *value = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                    "Retry-After");
  g_autofree char *copy = NULL;
  guint64 seconds = 0;

  if (value == NULL)
    return 0;
  copy = g_strstrip (g_strdup (value));
  if (!g_ascii_string_to_unsigned (copy, 10, 0, G_MAXUINT32, &seconds, NULL))
    return 0;
  return (guint) MIN (seconds, RETRY_AFTER_CAP_S) * 1000;
}

static void
unauthorized_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GError *response_error = g_object_get_data (G_OBJECT (task), "hangar-401");

  if (hangar_token_source_handle_unauthorized_finish (HANGAR_TOKEN_SOURCE (object), result, &error))
    {
      call->retried_unauthorized = TRUE;
      call_acquire (g_steal_pointer (&task));
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_cancellable_is_cancelled (call->op_cancellable))
    {
      call_return_cancelled (task);
      return;
    }

  /* Keep the server's 401 details unless the source knows better (revoked). */
  if (g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_AUTHENTICATION_REQUIRED) &&
      response_error != NULL)
    g_task_return_error (task, g_error_copy (response_error));
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  SoupMessage *msg = g_object_get_data (G_OBJECT (task), "hangar-message");
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);

  if (error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          g_cancellable_is_cancelled (call->op_cancellable))
        {
          call_return_cancelled (task);
          return;
        }

      call->tries++;
      if ((call->idempotent || error_is_not_sent (error)) && call->tries < MAX_TRIES)
        {
          call_retry_later (g_steal_pointer (&task), backoff_ms (call->tries));
          return;
        }

      if (!call->idempotent && !error_is_not_sent (error))
        g_task_return_new_error (task, HANGAR_API_ERROR, HANGAR_API_ERROR_UNCERTAIN_WRITE,
                                 "The connection failed after the request was sent (%s); "
                                 "the write may or may not have been applied, so it was not re-sent",
                                 error->message);
      else
        g_task_return_new_error (task, HANGAR_API_ERROR, HANGAR_API_ERROR_NETWORK,
                                 "Could not reach Airtable: %s", error->message);
      return;
    }

  status = soup_message_get_status (msg);
  g_debug ("%s %s -> %u", call->method, call->path, status);

  if (status == SOUP_STATUS_UNAUTHORIZED && !call->retried_unauthorized)
    {
      GError *response_error = hangar_api_error_new_from_response (status, soup_message_get_reason_phrase (msg), body);

      g_object_set_data_full (G_OBJECT (task), "hangar-401", response_error, (GDestroyNotify) g_error_free);
      hangar_token_source_handle_unauthorized_async (call->client->token_source, call->token,
                                                     call->op_cancellable, unauthorized_cb,
                                                     g_steal_pointer (&task));
      return;
    }

  if (status == 429 && call->client->pacing && call->rate_limited < MAX_RATE_LIMIT_TRIES)
    {
      /* Not applied: wait out the base's penalty and send again. */
      call->rate_limited++;
      hangar_scheduler_report_rate_limited (call->client->scheduler, call->base_id,
                                            call->client->token_source);
      call_acquire (g_steal_pointer (&task));
      return;
    }

  if (status == SOUP_STATUS_SERVICE_UNAVAILABLE && ++call->tries < MAX_TRIES)
    {
      /* 503 RETRIABLE_ERROR: Airtable says the request is safe to repeat. */
      guint wait = parse_retry_after (msg);

      call_retry_later (g_steal_pointer (&task), wait > 0 ? wait : backoff_ms (call->tries));
      return;
    }

  if (status >= 500 && status != SOUP_STATUS_SERVICE_UNAVAILABLE)
    {
      if (call->idempotent && ++call->tries < MAX_TRIES)
        {
          call_retry_later (g_steal_pointer (&task), backoff_ms (call->tries));
          return;
        }
      if (!call->idempotent)
        {
          g_autoptr(GError) server = hangar_api_error_new_from_response (status, soup_message_get_reason_phrase (msg), body);
          GError *uncertain = g_error_new (HANGAR_API_ERROR, HANGAR_API_ERROR_UNCERTAIN_WRITE,
                                           "Airtable answered HTTP %u (%s); the write may or may not "
                                           "have been applied, so it was not re-sent",
                                           status, server->message);

          hangar_api_error_set_details (uncertain, status,
                                        hangar_api_error_get_server_type (server),
                                        hangar_api_error_get_server_message (server));
          g_task_return_error (task, uncertain);
          return;
        }
    }

  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      Response *response = g_new0 (Response, 1);
      gsize len = 0;
      const char *data = body != NULL ? g_bytes_get_data (body, &len) : NULL;

      response->status = status;
      if (len > 0)
        {
          if (!json_parser_load_from_data (parser, data, len, &error))
            {
              GError *invalid = g_error_new (HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE,
                                             "Airtable's answer is not valid JSON: %s", error->message);

              hangar_api_error_set_details (invalid, status, NULL, NULL);
              response_free (response);
              g_task_return_error (task, invalid);
              return;
            }
          response->root = json_parser_steal_root (parser);
        }
      g_task_return_pointer (task, response, response_free);
      return;
    }

  g_task_return_error (task, hangar_api_error_new_from_response (status, soup_message_get_reason_phrase (msg), body));
}

static void
call_send (GTask *task)
{
  Call *call = g_task_get_task_data (task);
  HangarClient *self = call->client;
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *auth = NULL;
  SoupMessageHeaders *headers;

  uri = g_strconcat (self->api_url, call->path,
                     call->query ? (strchr (call->path, '?') ? "&" : "?") : "",
                     call->query ? call->query : "", NULL);
  msg = soup_message_new (call->method, uri);
  if (msg == NULL)
    {
      g_task_return_new_error (task, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_REQUEST,
                               "Not a valid request URL: %s%s", self->api_url, call->path);
      return;
    }

  headers = soup_message_get_request_headers (msg);
  auth = g_strconcat ("Bearer ", call->token, NULL);
  soup_message_headers_replace (headers, "Authorization", auth);
  explicit_bzero (auth, strlen (auth));
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (call->body != NULL)
    soup_message_set_request_body_from_bytes (msg, "application/json", call->body);
  /* Never let libsoup restart a message by itself. libsoup 3.2 re-sends a
   * GET/PUT/DELETE when a reused connection fails before the answer; when
   * that failure is detected in the iteration that started the read, its
   * GTask result arrives from an idle *after* the restarted attempt began,
   * run_until_read_done() (soup-session.c) takes the stale error for the new
   * attempt's and finishes the message, and the new attempt's own result
   * then reads the message's NULL I/O data: SIGSEGV. A connection of its
   * own for every attempt, closed after the answer, means libsoup never
   * meets a failing reused connection (src/api/README.md, "libsoup
   * restarts"). Our retry policy, with a fresh SoupMessage per attempt,
   * decides what is re-sent. No redirects either: Airtable's API does not
   * redirect, and a redirect must not carry the token elsewhere. */
  soup_message_add_flags (msg, SOUP_MESSAGE_NEW_CONNECTION | SOUP_MESSAGE_NO_REDIRECT);
  soup_message_headers_replace (headers, "Connection", "close");

  g_object_set_data_full (G_OBJECT (task), "hangar-message", g_object_ref (msg), g_object_unref);
  self->n_requests++;
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, call->op_cancellable,
                                    sent_cb, g_steal_pointer (&task));
}

static void
token_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  char *token;

  token = hangar_token_source_get_token_finish (HANGAR_TOKEN_SOURCE (object), result, &error);
  if (token == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          g_cancellable_is_cancelled (call->op_cancellable))
        call_return_cancelled (task);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_clear_pointer (&call->token, hangar_token_free);
  call->token = token;
  call_send (g_steal_pointer (&task));
}

static void
call_get_token (GTask *task)
{
  Call *call = g_task_get_task_data (task);

  if (g_cancellable_is_cancelled (call->op_cancellable))
    {
      call_return_cancelled (task);
      g_object_unref (task);
      return;
    }
  hangar_token_source_get_token_async (call->client->token_source, call->op_cancellable,
                                       token_cb, task);
}

static void
acquired_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;

  if (!hangar_scheduler_acquire_finish (HANGAR_SCHEDULER (object), result, NULL))
    {
      call_return_cancelled (task);
      g_object_unref (task);
      return;
    }
  call_get_token (task);
}

/* Takes the task's reference. */
static void
call_acquire (GTask *task)
{
  Call *call = g_task_get_task_data (task);
  HangarClient *self = call->client;

  if (!self->pacing)
    {
      call_get_token (task);
      return;
    }
  hangar_scheduler_acquire_async (self->scheduler, call->base_id, self->token_source,
                                  call->op_cancellable, acquired_cb, task);
}

/* Sends @call (taking it) and calls back with a Response; see send_finish. */
static void
client_send_async (HangarClient        *self,
                   Call                *call,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, client_send_async);
  call->client = g_object_ref (self);
  call->op_cancellable = g_cancellable_new ();
  g_task_set_task_data (task, call, call_free);

  if (self->url_error != NULL)
    {
      g_task_return_error (task, g_error_copy (self->url_error));
      return;
    }
  if (self->invalid_error != NULL)
    {
      g_task_return_error (task, g_error_copy (self->invalid_error));
      return;
    }

  if (cancellable != NULL)
    {
      call->caller_cancellable = g_object_ref (cancellable);
      call->caller_cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (forward_cancel_cb),
                                                      call->op_cancellable, NULL);
    }
  call->client_cancellable = g_object_ref (self->cancellable);
  call->client_cancel_id = g_cancellable_connect (self->cancellable, G_CALLBACK (forward_cancel_cb),
                                                  call->op_cancellable, NULL);

  call_acquire (g_steal_pointer (&task));
}

static JsonNode *
client_send_finish (HangarClient  *self,
                    GAsyncResult  *result,
                    guint         *out_status,
                    GError       **error)
{
  Response *response;
  JsonNode *root;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  response = g_task_propagate_pointer (G_TASK (result), error);
  if (response == NULL)
    return NULL;
  if (out_status != NULL)
    *out_status = response->status;
  root = g_steal_pointer (&response->root);
  response_free (response);
  if (root == NULL)
    /* An empty 2xx body: a JSON null stands in for it. */
    root = json_node_new (JSON_NODE_NULL);
  return root;
}

/* ------------------------------------------------------------------------ */
/* Helpers for endpoints                                                     */

static char *
escape_segment (const char *segment)
{
  return hangar_escape_segment (segment);
}

/* Checks (what, value) pairs, NULL-terminated, with hangar_check_path_segment(). */
static gboolean
check_ids (GError     **error,
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

static void
fail_early (HangarClient        *self,
            gpointer             source_tag,
            GError              *error,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_return_error (task, error);
}

static char *
records_path (const char *base_id,
              const char *table,
              const char *record_id,
              const char *suffix)
{
  g_autofree char *b = escape_segment (base_id);
  g_autofree char *t = escape_segment (table);

  if (record_id != NULL)
    {
      g_autofree char *r = escape_segment (record_id);

      return g_strconcat ("/v0/", b, "/", t, "/", r, suffix, NULL);
    }
  return g_strconcat ("/v0/", b, "/", t, suffix, NULL);
}

static GBytes *
node_to_bytes (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  gsize len = 0;
  char *data;

  json_generator_set_root (generator, node);
  data = json_generator_to_data (generator, &len);
  return g_bytes_new_take (data, len);
}

static GBytes *
object_to_bytes (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  return node_to_bytes (node);
}

static void
add_write_flags (JsonObject       *body,
                 HangarWriteFlags  flags)
{
  if (flags & HANGAR_WRITE_TYPECAST)
    json_object_set_boolean_member (body, "typecast", TRUE);
  if (flags & HANGAR_WRITE_FIELDS_BY_ID)
    json_object_set_boolean_member (body, "returnFieldsByFieldId", TRUE);
}

static gboolean
check_object_root (JsonNode    *root,
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

static const char *
get_offset_member (JsonObject  *object,
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

/* Simple operations: one call, one parse. */

typedef gpointer (*ParseFunc) (JsonNode *root, GError **error);

typedef struct
{
  ParseFunc      parse;
  GDestroyNotify destroy;
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

  root = client_send_finish (HANGAR_CLIENT (object), result, NULL, &error);
  if (root == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  value = op->parse (root, &error);
  if (value == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, value, op->destroy);
}

static void
run_simple (HangarClient        *self,
            Call                *call,
            gpointer             source_tag,
            ParseFunc            parse,
            GDestroyNotify       destroy,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  SimpleOp *op = g_new0 (SimpleOp, 1);

  g_task_set_source_tag (task, source_tag);
  g_task_set_check_cancellable (task, FALSE);
  op->parse = parse;
  op->destroy = destroy;
  g_task_set_task_data (task, op, g_free);
  client_send_async (self, call, cancellable, simple_done_cb, g_steal_pointer (&task));
}

static gpointer
finish_simple (HangarClient  *self,
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
parse_record (JsonNode  *root,
              GError   **error)
{
  JsonObject *object;

  if (!check_object_root (root, "record", &object, error))
    return NULL;
  return hangar_record_new_from_json (object, error);
}

static gpointer
parse_deleted (JsonNode  *root,
               GError   **error)
{
  JsonObject *object;
  JsonNode *deleted;

  if (!check_object_root (root, "delete", &object, error))
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
parse_whoami (JsonNode  *root,
              GError   **error)
{
  JsonObject *object;

  if (!check_object_root (root, "whoami", &object, error))
    return NULL;
  return hangar_whoami_new_from_json (object, error);
}

static gpointer
parse_table (JsonNode  *root,
             GError   **error)
{
  JsonObject *object;

  if (!check_object_root (root, "table", &object, error))
    return NULL;
  return hangar_table_new_from_json (object, error);
}

static gpointer
parse_field (JsonNode  *root,
             GError   **error)
{
  JsonObject *object;

  if (!check_object_root (root, "field", &object, error))
    return NULL;
  return hangar_field_new_from_json (object, error);
}

static gpointer
parse_comment (JsonNode  *root,
               GError   **error)
{
  JsonObject *object;

  if (!check_object_root (root, "comment", &object, error))
    return NULL;
  return hangar_comment_new_from_json (object, error);
}

static gpointer
parse_tables (JsonNode  *root,
              GError   **error)
{
  return hangar_table_list_from_json (root, error);
}

/* ------------------------------------------------------------------------ */
/* Paged reads (bases, comments)                                             */

typedef GPtrArray *(*ListFromJson) (JsonNode *response, GError **error);

typedef struct
{
  char         *path;
  char         *base_id;
  ListFromJson  from_json;
  GPtrArray    *items;
  GHashTable   *seen_offsets;
} PagedOp;

static void
paged_op_free (gpointer data)
{
  PagedOp *op = data;

  g_free (op->path);
  g_free (op->base_id);
  g_clear_pointer (&op->items, g_ptr_array_unref);
  g_clear_pointer (&op->seen_offsets, g_hash_table_unref);
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

  root = client_send_finish (HANGAR_CLIENT (object), result, NULL, &error);
  if (root == NULL ||
      (page = op->from_json (root, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < page->len; i++)
    g_ptr_array_add (op->items, g_object_ref (g_ptr_array_index (page, i)));

  response = json_node_get_object (root);
  offset = get_offset_member (response, &ok, &error);
  if (!ok)
    {
      g_task_return_error (task, error);
      return;
    }
  if (offset == NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&op->items), (GDestroyNotify) g_ptr_array_unref);
      return;
    }
  if (!g_hash_table_add (op->seen_offsets, g_strdup (offset)))
    {
      g_task_return_new_error (task, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE,
                               "%s", "Airtable returned the same page offset twice");
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
  Call *call;

  if (offset != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (offset, NULL, FALSE);

      query = g_strconcat ("offset=", escaped, NULL);
    }
  call = call_new ("GET", g_strdup (op->path), query, NULL, op->base_id, TRUE);
  client_send_async (self, call, g_task_get_cancellable (task), paged_page_cb, task);
}

static void
run_paged (HangarClient        *self,
           char                *path,
           const char          *base_id,
           ListFromJson         from_json,
           gpointer             source_tag,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  PagedOp *op = g_new0 (PagedOp, 1);

  g_task_set_source_tag (task, source_tag);
  g_task_set_check_cancellable (task, FALSE);
  op->path = path;
  op->base_id = g_strdup (base_id);
  op->from_json = from_json;
  op->items = g_ptr_array_new_with_free_func (g_object_unref);
  op->seen_offsets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_task_set_task_data (task, op, paged_op_free);
  paged_fetch (task, NULL);
}

/* ------------------------------------------------------------------------ */
/* Batches                                                                   */

typedef enum
{
  BATCH_CREATE,
  BATCH_UPDATE,
  BATCH_UPSERT,
  BATCH_DELETE,
} BatchKind;

typedef struct
{
  BatchKind          kind;
  char              *base_id;
  char              *table;
  GPtrArray         *inputs;       /* JsonObject* (create: fields; else records), or char* ids */
  char             **merge_fields;
  HangarWriteFlags   flags;
  HangarBatchResult *result;
  guint              next;         /* first input of the next chunk */
  guint              chunk_len;
  gboolean           stopped;
} BatchOp;

static void
batch_op_free (gpointer data)
{
  BatchOp *op = data;

  g_free (op->base_id);
  g_free (op->table);
  g_clear_pointer (&op->inputs, g_ptr_array_unref);
  g_strfreev (op->merge_fields);
  g_clear_object (&op->result);
  g_free (op);
}

static void batch_send_next (GTask *task);

static void
batch_mark_chunk (BatchOp               *op,
                  HangarBatchItemStatus  status,
                  const GError          *error)
{
  for (guint i = op->next; i < op->next + op->chunk_len; i++)
    _hangar_batch_result_set_failed (op->result, i, status, error);
}

static void
batch_finish_task (GTask *task)
{
  BatchOp *op = g_task_get_task_data (task);

  g_task_return_pointer (task, g_steal_pointer (&op->result), g_object_unref);
}

static gboolean
batch_apply_response (BatchOp   *op,
                      JsonNode  *root,
                      GError   **error)
{
  JsonObject *object;
  JsonArray *records;
  JsonNode *node;
  g_autoptr(GHashTable) created = NULL;

  if (!check_object_root (root, "batch write", &object, error))
    return FALSE;
  node = json_object_get_member (object, "records");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE,
                   "%s", "The batch write answer has no “records” array");
      return FALSE;
    }
  records = json_node_get_array (node);
  if (json_array_get_length (records) != op->chunk_len)
    {
      g_set_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE,
                   "The batch write answer has %u records for %u sent",
                   json_array_get_length (records), op->chunk_len);
      return FALSE;
    }

  if (op->kind == BATCH_UPSERT)
    {
      JsonNode *ids = json_object_get_member (object, "createdRecords");

      created = g_hash_table_new (g_str_hash, g_str_equal);
      if (ids != NULL && JSON_NODE_HOLDS_ARRAY (ids))
        {
          JsonArray *array = json_node_get_array (ids);

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              JsonNode *id = json_array_get_element (array, i);

              if (JSON_NODE_HOLDS_VALUE (id) && json_node_get_value_type (id) == G_TYPE_STRING)
                g_hash_table_add (created, (gpointer) json_node_get_string (id));
            }
        }
    }

  for (guint i = 0; i < op->chunk_len; i++)
    {
      JsonNode *element = json_array_get_element (records, i);

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_set_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE,
                       "Record %u of the batch write answer is not an object", i);
          return FALSE;
        }

      if (op->kind == BATCH_DELETE)
        {
          JsonObject *item = json_node_get_object (element);
          JsonNode *id = json_object_get_member (item, "id");
          JsonNode *deleted = json_object_get_member (item, "deleted");

          if (id == NULL || !JSON_NODE_HOLDS_VALUE (id) || json_node_get_value_type (id) != G_TYPE_STRING ||
              deleted == NULL || !JSON_NODE_HOLDS_VALUE (deleted) ||
              json_node_get_value_type (deleted) != G_TYPE_BOOLEAN)
            {
              g_set_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE,
                           "Record %u of the delete answer lacks “id” or “deleted”", i);
              return FALSE;
            }
          if (json_node_get_boolean (deleted))
            _hangar_batch_result_set_written (op->result, op->next + i, NULL,
                                              json_node_get_string (id), FALSE);
          else
            {
              g_autoptr(GError) not_deleted = g_error_new (HANGAR_API_ERROR, HANGAR_API_ERROR_FAILED,
                                                           "Airtable did not delete %s",
                                                           json_node_get_string (id));

              _hangar_batch_result_set_failed (op->result, op->next + i,
                                               HANGAR_BATCH_ITEM_FAILED, not_deleted);
            }
        }
      else
        {
          g_autoptr(HangarRecord) record = hangar_record_new_from_json (json_node_get_object (element), error);

          if (record == NULL)
            return FALSE;
          _hangar_batch_result_set_written (op->result, op->next + i, record, NULL,
                                            op->kind == BATCH_CREATE ||
                                            (created != NULL &&
                                             g_hash_table_contains (created, hangar_record_get_id (record))));
        }
    }
  return TRUE;
}

static void
batch_chunk_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BatchOp *op = g_task_get_task_data (task);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  root = client_send_finish (HANGAR_CLIENT (object), result, NULL, &error);
  if (root != NULL)
    {
      _hangar_batch_result_count_request (op->result);
      if (!batch_apply_response (op, root, &error))
        {
          /* A 2xx answer we cannot read: the chunk was most likely applied. */
          batch_mark_chunk (op, HANGAR_BATCH_ITEM_UNCERTAIN, error);
          op->stopped = TRUE;
        }
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
           g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_UNCERTAIN_WRITE) ||
           g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_REVOKED) ||
           hangar_client_get_invalidated (HANGAR_CLIENT (object)))
    {
      /* Cancelled or cut off while in flight: we cannot know. */
      batch_mark_chunk (op,
                        g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_UNCERTAIN_WRITE) ||
                        g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                        ? HANGAR_BATCH_ITEM_UNCERTAIN : HANGAR_BATCH_ITEM_FAILED,
                        error);
      op->stopped = TRUE;
    }
  else
    {
      if (hangar_api_error_get_http_status (error) != 0)
        _hangar_batch_result_count_request (op->result);
      batch_mark_chunk (op, HANGAR_BATCH_ITEM_FAILED, error);
      if (!(op->flags & HANGAR_WRITE_CONTINUE_ON_ERROR))
        op->stopped = TRUE;
    }

  op->next += op->chunk_len;
  op->chunk_len = 0;

  if (op->stopped || op->next >= op->inputs->len)
    {
      if (op->stopped && op->next < op->inputs->len)
        {
          g_autoptr(GError) not_sent = g_error_new (HANGAR_API_ERROR, HANGAR_API_ERROR_FAILED,
                                                    "Not sent because an earlier chunk failed: %s",
                                                    hangar_batch_result_get_error (op->result)
                                                    ? hangar_batch_result_get_error (op->result)->message
                                                    : "unknown error");

          for (guint i = op->next; i < op->inputs->len; i++)
            _hangar_batch_result_set_failed (op->result, i, HANGAR_BATCH_ITEM_NOT_SENT, not_sent);
        }
      batch_finish_task (task);
      return;
    }
  batch_send_next (g_steal_pointer (&task));
}

/* Takes the task. */
static void
batch_send_next (GTask *task)
{
  HangarClient *self = g_task_get_source_object (task);
  BatchOp *op = g_task_get_task_data (task);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonArray) records = NULL;
  const char *method;
  gboolean idempotent;
  char *query = NULL;
  GBytes *bytes = NULL;
  Call *call;

  op->chunk_len = MIN (HANGAR_BATCH_SIZE, op->inputs->len - op->next);

  if (op->kind == BATCH_DELETE)
    {
      GString *q = g_string_new (NULL);

      for (guint i = op->next; i < op->next + op->chunk_len; i++)
        {
          g_autofree char *id = g_uri_escape_string (g_ptr_array_index (op->inputs, i), NULL, FALSE);

          g_string_append_printf (q, "%srecords%%5B%%5D=%s", q->len > 0 ? "&" : "", id);
        }
      query = g_string_free (q, FALSE);
      call = call_new ("DELETE", records_path (op->base_id, op->table, NULL, ""), query, NULL,
                       op->base_id, TRUE);
      client_send_async (self, call, g_task_get_cancellable (task), batch_chunk_cb, task);
      return;
    }

  body = json_object_new ();
  records = json_array_new ();
  for (guint i = op->next; i < op->next + op->chunk_len; i++)
    {
      JsonObject *input = g_ptr_array_index (op->inputs, i);

      if (op->kind == BATCH_CREATE)
        {
          JsonObject *record = json_object_new ();

          json_object_set_object_member (record, "fields", json_object_ref (input));
          json_array_add_object_element (records, record);
        }
      else
        json_array_add_object_element (records, json_object_ref (input));
    }
  json_object_set_array_member (body, "records", json_array_ref (records));

  if (op->kind == BATCH_UPSERT)
    {
      JsonObject *perform = json_object_new ();
      JsonArray *merge = json_array_new ();

      for (guint i = 0; op->merge_fields[i] != NULL; i++)
        json_array_add_string_element (merge, op->merge_fields[i]);
      json_object_set_array_member (perform, "fieldsToMergeOn", merge);
      json_object_set_object_member (body, "performUpsert", perform);
    }
  add_write_flags (body, op->flags);
  bytes = object_to_bytes (body);

  switch (op->kind)
    {
    case BATCH_CREATE:
      method = "POST";
      idempotent = FALSE;
      break;
    case BATCH_UPSERT:
      method = (op->flags & HANGAR_WRITE_REPLACE) ? "PUT" : "PATCH";
      idempotent = FALSE;
      break;
    case BATCH_UPDATE:
    case BATCH_DELETE:
    default:
      method = (op->flags & HANGAR_WRITE_REPLACE) ? "PUT" : "PATCH";
      idempotent = TRUE;
      break;
    }

  call = call_new (method, records_path (op->base_id, op->table, NULL, ""), NULL, bytes,
                   op->base_id, idempotent);
  client_send_async (self, call, g_task_get_cancellable (task), batch_chunk_cb, task);
}

static void
run_batch (HangarClient        *self,
           BatchOp             *op,
           gpointer             source_tag,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  /* The result says what happened even when cancelled part way. */
  g_task_set_check_cancellable (task, FALSE);
  op->result = _hangar_batch_result_new (op->inputs->len);
  g_task_set_task_data (task, op, batch_op_free);

  if (op->inputs->len == 0)
    {
      batch_finish_task (task);
      g_object_unref (task);
      return;
    }
  batch_send_next (task);
}

static GPtrArray *
copy_objects (GPtrArray *objects)
{
  GPtrArray *copy = g_ptr_array_new_full (objects->len, (GDestroyNotify) json_object_unref);

  for (guint i = 0; i < objects->len; i++)
    g_ptr_array_add (copy, json_object_ref (g_ptr_array_index (objects, i)));
  return copy;
}

static gboolean
validate_records (GPtrArray   *records,
                  gboolean     id_required,
                  GError     **error)
{
  for (guint i = 0; i < records->len; i++)
    {
      JsonObject *record = g_ptr_array_index (records, i);
      JsonNode *fields;
      JsonNode *id;

      if (record == NULL)
        {
          g_set_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_REQUEST,
                       "Record %u is missing", i + 1);
          return FALSE;
        }
      fields = json_object_get_member (record, "fields");
      id = json_object_get_member (record, "id");
      if (fields == NULL || !JSON_NODE_HOLDS_OBJECT (fields))
        {
          g_set_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_REQUEST,
                       "Record %u has no “fields” object", i + 1);
          return FALSE;
        }
      if (id != NULL && !JSON_NODE_HOLDS_NULL (id) &&
          (!JSON_NODE_HOLDS_VALUE (id) || json_node_get_value_type (id) != G_TYPE_STRING))
        {
          g_set_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_REQUEST,
                       "Record %u has an “id” that is not a string", i + 1);
          return FALSE;
        }
      if (id_required && (id == NULL || JSON_NODE_HOLDS_NULL (id)))
        {
          g_set_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_REQUEST,
                       "Record %u has no “id”", i + 1);
          return FALSE;
        }
    }
  return TRUE;
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
   * HangarClient:invalidated:
   *
   * %TRUE once the token source was invalidated (e.g. the grant was
   * revoked): every call now fails at once with that error.
   */
  properties[PROP_INVALIDATED] =
    g_param_spec_boolean ("invalidated", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_client_init (HangarClient *self)
{
  self->cancellable = g_cancellable_new ();
  self->pacing = TRUE;
  self->timeout = 60;
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
parse_page (JsonNode  *root,
            GError   **error)
{
  g_autoptr(GPtrArray) records = NULL;
  const char *offset;
  gboolean ok;
  Page *page;

  records = hangar_record_list_from_json (root, error);
  if (records == NULL)
    return NULL;
  offset = get_offset_member (json_node_get_object (root), &ok, error);
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
  Call *call;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && table != NULL);

  if (!check_ids (&error, "base", base_id, "table", table, NULL))
    {
      fail_early (self, hangar_client_list_records_page_async, error, callback, user_data);
      return;
    }
  path = records_path (base_id, table, NULL, "");
  query = _hangar_list_options_to_query (options, offset);

  if (_hangar_list_options_get_force_post (options) ||
      strlen (self->api_url) + strlen (path) + 1 + strlen (query) >= URL_LIMIT)
    {
      g_free (path);
      path = records_path (base_id, table, NULL, "/listRecords");
      call = call_new ("POST", path, _hangar_list_options_to_post_query (options),
                       _hangar_list_options_to_post_body (options, offset), base_id, TRUE);
    }
  else
    call = call_new ("GET", path, g_steal_pointer (&query), NULL, base_id, TRUE);

  run_simple (self, call, hangar_client_list_records_page_async, parse_page, page_free,
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
  Page *page = finish_simple (self, result, hangar_client_list_records_page_async, error);
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
  return finish_simple (self, result, hangar_client_list_records_async, error);
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
  Call *call;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && table != NULL && record_id != NULL);

  if (!check_ids (&error, "base", base_id, "table", table, "record", record_id, NULL))
    {
      fail_early (self, hangar_client_get_record_async, error, callback, user_data);
      return;
    }
  call = call_new ("GET", records_path (base_id, table, record_id, ""),
                   _hangar_list_options_to_record_query (options), NULL, base_id, TRUE);
  run_simple (self, call, hangar_client_get_record_async, parse_record, g_object_unref,
              cancellable, callback, user_data);
}

/** hangar_client_get_record_finish: Returns: (transfer full): the record */
HangarRecord *
hangar_client_get_record_finish (HangarClient  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return finish_simple (self, result, hangar_client_get_record_async, error);
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
  Call *call;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && table != NULL && fields != NULL);

  if (!check_ids (&error, "base", base_id, "table", table, NULL))
    {
      fail_early (self, hangar_client_create_record_async, error, callback, user_data);
      return;
    }
  json_object_set_object_member (body, "fields", json_object_ref (fields));
  add_write_flags (body, flags);
  call = call_new ("POST", records_path (base_id, table, NULL, ""), NULL,
                   object_to_bytes (body), base_id, FALSE);
  run_simple (self, call, hangar_client_create_record_async, parse_record, g_object_unref,
              cancellable, callback, user_data);
}

/** hangar_client_create_record_finish: Returns: (transfer full): the created record */
HangarRecord *
hangar_client_create_record_finish (HangarClient  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return finish_simple (self, result, hangar_client_create_record_async, error);
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
  Call *call;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && table != NULL && record_id != NULL && fields != NULL);

  if (!check_ids (&error, "base", base_id, "table", table, "record", record_id, NULL))
    {
      fail_early (self, hangar_client_update_record_async, error, callback, user_data);
      return;
    }
  json_object_set_object_member (body, "fields", json_object_ref (fields));
  add_write_flags (body, flags);
  call = call_new ((flags & HANGAR_WRITE_REPLACE) ? "PUT" : "PATCH",
                   records_path (base_id, table, record_id, ""), NULL,
                   object_to_bytes (body), base_id, TRUE);
  run_simple (self, call, hangar_client_update_record_async, parse_record, g_object_unref,
              cancellable, callback, user_data);
}

/** hangar_client_update_record_finish: Returns: (transfer full): the record as stored */
HangarRecord *
hangar_client_update_record_finish (HangarClient  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return finish_simple (self, result, hangar_client_update_record_async, error);
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
  Call *call;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && table != NULL && record_id != NULL);

  if (!check_ids (&error, "base", base_id, "table", table, "record", record_id, NULL))
    {
      fail_early (self, hangar_client_delete_record_async, error, callback, user_data);
      return;
    }
  call = call_new ("DELETE", records_path (base_id, table, record_id, ""), NULL, NULL, base_id, TRUE);
  run_simple (self, call, hangar_client_delete_record_async, parse_deleted, NULL,
              cancellable, callback, user_data);
}

gboolean
hangar_client_delete_record_finish (HangarClient  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return finish_simple (self, result, hangar_client_delete_record_async, error) != NULL;
}

/* ---- batches ---- */

/**
 * hangar_client_create_records_async:
 * @self: a #HangarClient
 * @base_id: the base
 * @table: a table id or name
 * @fields: (element-type JsonObject): one fields object per record
 * @flags: typecast / field ids / continue on error
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with a #HangarBatchResult
 * @user_data: data for @callback
 *
 * Creates the records in chunks of 10, in order.
 */
void
hangar_client_create_records_async (HangarClient        *self,
                                    const char          *base_id,
                                    const char          *table,
                                    GPtrArray           *fields,
                                    HangarWriteFlags     flags,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GError *error = NULL;
  BatchOp *op;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && table != NULL && fields != NULL);

  if (!check_ids (&error, "base", base_id, "table", table, NULL))
    {
      fail_early (self, hangar_client_create_records_async, error, callback, user_data);
      return;
    }
  for (guint i = 0; i < fields->len; i++)
    if (g_ptr_array_index (fields, i) == NULL)
      {
        fail_early (self, hangar_client_create_records_async,
                    g_error_new (HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_REQUEST,
                                 "Record %u has no fields object", i + 1),
                    callback, user_data);
        return;
      }

  op = g_new0 (BatchOp, 1);
  op->kind = BATCH_CREATE;
  op->base_id = g_strdup (base_id);
  op->table = g_strdup (table);
  op->inputs = copy_objects (fields);
  op->flags = flags;
  run_batch (self, op, hangar_client_create_records_async, cancellable, callback, user_data);
}

/** hangar_client_create_records_finish: Returns: (transfer full): what was written */
HangarBatchResult *
hangar_client_create_records_finish (HangarClient  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return finish_simple (self, result, hangar_client_create_records_async, error);
}

/**
 * hangar_client_update_records_async:
 * @self: a #HangarClient
 * @base_id: the base
 * @table: a table id or name
 * @records: (element-type JsonObject): `{"id": "rec…", "fields": {…}}` each
 * @flags: %HANGAR_WRITE_REPLACE for PUT, typecast, …
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with a #HangarBatchResult
 * @user_data: data for @callback
 */
void
hangar_client_update_records_async (HangarClient        *self,
                                    const char          *base_id,
                                    const char          *table,
                                    GPtrArray           *records,
                                    HangarWriteFlags     flags,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GError *error = NULL;
  BatchOp *op;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && table != NULL && records != NULL);

  if (!check_ids (&error, "base", base_id, "table", table, NULL) ||
      !validate_records (records, TRUE, &error))
    {
      fail_early (self, hangar_client_update_records_async, error, callback, user_data);
      return;
    }

  op = g_new0 (BatchOp, 1);
  op->kind = BATCH_UPDATE;
  op->base_id = g_strdup (base_id);
  op->table = g_strdup (table);
  op->inputs = copy_objects (records);
  op->flags = flags;
  run_batch (self, op, hangar_client_update_records_async, cancellable, callback, user_data);
}

/** hangar_client_update_records_finish: Returns: (transfer full): what was written */
HangarBatchResult *
hangar_client_update_records_finish (HangarClient  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return finish_simple (self, result, hangar_client_update_records_async, error);
}

/**
 * hangar_client_upsert_records_async:
 * @self: a #HangarClient
 * @base_id: the base
 * @table: a table id or name
 * @merge_fields: (array zero-terminated=1): 1 to 3 field names or ids
 * @records: (element-type JsonObject): `{"fields": {…}}`, optionally with "id"
 * @flags: %HANGAR_WRITE_REPLACE for PUT, typecast, …
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with a #HangarBatchResult
 * @user_data: data for @callback
 *
 * Updates the record matching the merge fields, or creates one. Checked
 * before anything is sent: 1–3 merge fields, and every record without an id
 * has a value for each. Like a create, an upsert is never re-sent once it may
 * have reached the server.
 */
void
hangar_client_upsert_records_async (HangarClient        *self,
                                    const char          *base_id,
                                    const char          *table,
                                    const char * const  *merge_fields,
                                    GPtrArray           *records,
                                    HangarWriteFlags     flags,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GError *error = NULL;
  guint n_merge;
  BatchOp *op;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && table != NULL && records != NULL);

  if (!check_ids (&error, "base", base_id, "table", table, NULL))
    {
      fail_early (self, hangar_client_upsert_records_async, error, callback, user_data);
      return;
    }
  n_merge = merge_fields != NULL ? g_strv_length ((char **) merge_fields) : 0;
  if (n_merge < 1 || n_merge > 3)
    {
      fail_early (self, hangar_client_upsert_records_async,
                  g_error_new (HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_REQUEST,
                               "An upsert needs 1 to 3 fields to merge on, not %u", n_merge),
                  callback, user_data);
      return;
    }
  for (guint m = 0; m < n_merge; m++)
    if (merge_fields[m][0] == '\0')
      {
        fail_early (self, hangar_client_upsert_records_async,
                    g_error_new (HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_REQUEST,
                                 "%s", "A merge field name is empty"),
                    callback, user_data);
        return;
      }

  if (!validate_records (records, FALSE, &error))
    {
      fail_early (self, hangar_client_upsert_records_async, error, callback, user_data);
      return;
    }
  for (guint i = 0; i < records->len; i++)
    {
      JsonObject *record = g_ptr_array_index (records, i);
      JsonNode *id = json_object_get_member (record, "id");
      JsonObject *fields = json_object_get_object_member (record, "fields");

      if (id != NULL && !JSON_NODE_HOLDS_NULL (id))
        continue;
      for (guint m = 0; m < n_merge; m++)
        if (!json_object_has_member (fields, merge_fields[m]))
          {
            fail_early (self, hangar_client_upsert_records_async,
                        g_error_new (HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_REQUEST,
                                     "Record %u has no id and no value for the merge field “%s”; "
                                     "nothing was sent", i + 1, merge_fields[m]),
                        callback, user_data);
            return;
          }
    }

  op = g_new0 (BatchOp, 1);
  op->kind = BATCH_UPSERT;
  op->base_id = g_strdup (base_id);
  op->table = g_strdup (table);
  op->inputs = copy_objects (records);
  op->merge_fields = g_strdupv ((char **) merge_fields);
  op->flags = flags;
  run_batch (self, op, hangar_client_upsert_records_async, cancellable, callback, user_data);
}

/** hangar_client_upsert_records_finish: Returns: (transfer full): what was written */
HangarBatchResult *
hangar_client_upsert_records_finish (HangarClient  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return finish_simple (self, result, hangar_client_upsert_records_async, error);
}

/**
 * hangar_client_delete_records_async:
 * @self: a #HangarClient
 * @base_id: the base
 * @table: a table id or name
 * @record_ids: (array zero-terminated=1): the records to delete
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with a #HangarBatchResult
 * @user_data: data for @callback
 */
void
hangar_client_delete_records_async (HangarClient        *self,
                                    const char          *base_id,
                                    const char          *table,
                                    const char * const  *record_ids,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GError *error = NULL;
  BatchOp *op;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && table != NULL && record_ids != NULL);

  if (!check_ids (&error, "base", base_id, "table", table, NULL))
    {
      fail_early (self, hangar_client_delete_records_async, error, callback, user_data);
      return;
    }
  /* The ids go into the query, where they could not change the endpoint,
   * but an id that is not one is refused before anything is deleted. */
  for (guint i = 0; record_ids[i] != NULL; i++)
    if (!hangar_check_path_segment ("record", record_ids[i], &error))
      {
        g_prefix_error (&error, "Record %u: ", i + 1);
        fail_early (self, hangar_client_delete_records_async, error, callback, user_data);
        return;
      }

  op = g_new0 (BatchOp, 1);
  op->kind = BATCH_DELETE;
  op->base_id = g_strdup (base_id);
  op->table = g_strdup (table);
  op->inputs = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; record_ids[i] != NULL; i++)
    g_ptr_array_add (op->inputs, g_strdup (record_ids[i]));
  run_batch (self, op, hangar_client_delete_records_async, cancellable, callback, user_data);
}

/** hangar_client_delete_records_finish: Returns: (transfer full): what was deleted */
HangarBatchResult *
hangar_client_delete_records_finish (HangarClient  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return finish_simple (self, result, hangar_client_delete_records_async, error);
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

  if (!check_ids (&error, "base", base_id, "table", table, "record", record_id, NULL))
    {
      fail_early (self, hangar_client_list_comments_async, error, callback, user_data);
      return;
    }
  run_paged (self, records_path (base_id, table, record_id, "/comments"), base_id,
             hangar_comment_list_from_json, hangar_client_list_comments_async,
             cancellable, callback, user_data);
}

/** hangar_client_list_comments_finish: Returns: (transfer full) (element-type HangarComment): the comments */
GPtrArray *
hangar_client_list_comments_finish (HangarClient  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return finish_simple (self, result, hangar_client_list_comments_async, error);
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
  Call *call;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && table != NULL && record_id != NULL && text != NULL);

  if (!check_ids (&error, "base", base_id, "table", table, "record", record_id, NULL))
    {
      fail_early (self, hangar_client_create_comment_async, error, callback, user_data);
      return;
    }

  json_object_set_string_member (body, "text", text);
  if (parent_comment_id != NULL)
    json_object_set_string_member (body, "parentCommentId", parent_comment_id);
  call = call_new ("POST", records_path (base_id, table, record_id, "/comments"), NULL,
                   object_to_bytes (body), base_id, FALSE);
  run_simple (self, call, hangar_client_create_comment_async, parse_comment, g_object_unref,
              cancellable, callback, user_data);
}

/** hangar_client_create_comment_finish: Returns: (transfer full): the comment */
HangarComment *
hangar_client_create_comment_finish (HangarClient  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return finish_simple (self, result, hangar_client_create_comment_async, error);
}

/* ---- meta ---- */

static char *
meta_base_path (const char *base_id,
                const char *rest1,
                const char *rest2,
                const char *rest3)
{
  g_autofree char *b = escape_segment (base_id);
  g_autofree char *r1 = rest1 ? escape_segment (rest1) : NULL;
  g_autofree char *r3 = rest3 ? escape_segment (rest3) : NULL;

  /* /v0/meta/bases/{base}/tables[/{table}[/fields[/{field}]]] */
  return g_strconcat ("/v0/meta/bases/", b, "/tables",
                      r1 ? "/" : "", r1 ? r1 : "",
                      rest2 ? rest2 : "",
                      r3 ? "/" : "", r3 ? r3 : "",
                      NULL);
}

/**
 * hangar_client_whoami_async:
 * @self: a #HangarClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the user
 * @user_data: data for @callback
 *
 * GET /v0/meta/whoami: the token's user, and for OAuth tokens its scopes.
 */
void
hangar_client_whoami_async (HangarClient        *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (HANGAR_IS_CLIENT (self));

  run_simple (self, call_new ("GET", g_strdup ("/v0/meta/whoami"), NULL, NULL, NULL, TRUE),
              hangar_client_whoami_async, parse_whoami, g_object_unref,
              cancellable, callback, user_data);
}

/** hangar_client_whoami_finish: Returns: (transfer full): the user */
HangarWhoami *
hangar_client_whoami_finish (HangarClient  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return finish_simple (self, result, hangar_client_whoami_async, error);
}

/**
 * hangar_client_list_bases_async:
 * @self: a #HangarClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with every base the token may use (all pages)
 * @user_data: data for @callback
 */
void
hangar_client_list_bases_async (HangarClient        *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (HANGAR_IS_CLIENT (self));

  run_paged (self, g_strdup ("/v0/meta/bases"), NULL, hangar_base_list_from_json,
             hangar_client_list_bases_async, cancellable, callback, user_data);
}

/** hangar_client_list_bases_finish: Returns: (transfer full) (element-type HangarBase): the bases */
GPtrArray *
hangar_client_list_bases_finish (HangarClient  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return finish_simple (self, result, hangar_client_list_bases_async, error);
}

/**
 * hangar_client_get_base_schema_async:
 * @self: a #HangarClient
 * @base_id: the base
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the tables
 * @user_data: data for @callback
 */
void
hangar_client_get_base_schema_async (HangarClient        *self,
                                     const char          *base_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GError *error = NULL;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL);

  if (!check_ids (&error, "base", base_id, NULL))
    {
      fail_early (self, hangar_client_get_base_schema_async, error, callback, user_data);
      return;
    }
  run_simple (self, call_new ("GET", meta_base_path (base_id, NULL, NULL, NULL), NULL, NULL, base_id, TRUE),
              hangar_client_get_base_schema_async, parse_tables, (GDestroyNotify) g_ptr_array_unref,
              cancellable, callback, user_data);
}

/** hangar_client_get_base_schema_finish: Returns: (transfer full) (element-type HangarTable): the tables */
GPtrArray *
hangar_client_get_base_schema_finish (HangarClient  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return finish_simple (self, result, hangar_client_get_base_schema_async, error);
}

void
hangar_client_create_table_async (HangarClient        *self,
                                  const char          *base_id,
                                  JsonObject          *spec,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GError *error = NULL;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && spec != NULL);

  if (!check_ids (&error, "base", base_id, NULL))
    {
      fail_early (self, hangar_client_create_table_async, error, callback, user_data);
      return;
    }

  run_simple (self, call_new ("POST", meta_base_path (base_id, NULL, NULL, NULL), NULL,
                              object_to_bytes (spec), base_id, FALSE),
              hangar_client_create_table_async, parse_table, g_object_unref,
              cancellable, callback, user_data);
}

/** hangar_client_create_table_finish: Returns: (transfer full): the new table */
HangarTable *
hangar_client_create_table_finish (HangarClient  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return finish_simple (self, result, hangar_client_create_table_async, error);
}

void
hangar_client_update_table_async (HangarClient        *self,
                                  const char          *base_id,
                                  const char          *table,
                                  JsonObject          *changes,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GError *error = NULL;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && table != NULL && changes != NULL);

  if (!check_ids (&error, "base", base_id, "table", table, NULL))
    {
      fail_early (self, hangar_client_update_table_async, error, callback, user_data);
      return;
    }

  run_simple (self, call_new ("PATCH", meta_base_path (base_id, table, NULL, NULL), NULL,
                              object_to_bytes (changes), base_id, TRUE),
              hangar_client_update_table_async, parse_table, g_object_unref,
              cancellable, callback, user_data);
}

/** hangar_client_update_table_finish: Returns: (transfer full): the table */
HangarTable *
hangar_client_update_table_finish (HangarClient  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return finish_simple (self, result, hangar_client_update_table_async, error);
}

void
hangar_client_create_field_async (HangarClient        *self,
                                  const char          *base_id,
                                  const char          *table_id,
                                  JsonObject          *spec,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GError *error = NULL;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && table_id != NULL && spec != NULL);

  if (!check_ids (&error, "base", base_id, "table", table_id, NULL))
    {
      fail_early (self, hangar_client_create_field_async, error, callback, user_data);
      return;
    }

  run_simple (self, call_new ("POST", meta_base_path (base_id, table_id, "/fields", NULL), NULL,
                              object_to_bytes (spec), base_id, FALSE),
              hangar_client_create_field_async, parse_field, g_object_unref,
              cancellable, callback, user_data);
}

/** hangar_client_create_field_finish: Returns: (transfer full): the new field */
HangarField *
hangar_client_create_field_finish (HangarClient  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return finish_simple (self, result, hangar_client_create_field_async, error);
}

void
hangar_client_update_field_async (HangarClient        *self,
                                  const char          *base_id,
                                  const char          *table_id,
                                  const char          *field_id,
                                  JsonObject          *changes,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GError *error = NULL;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && table_id != NULL && field_id != NULL && changes != NULL);

  if (!check_ids (&error, "base", base_id, "table", table_id, "field", field_id, NULL))
    {
      fail_early (self, hangar_client_update_field_async, error, callback, user_data);
      return;
    }

  run_simple (self, call_new ("PATCH", meta_base_path (base_id, table_id, "/fields", field_id), NULL,
                              object_to_bytes (changes), base_id, TRUE),
              hangar_client_update_field_async, parse_field, g_object_unref,
              cancellable, callback, user_data);
}

/** hangar_client_update_field_finish: Returns: (transfer full): the field */
HangarField *
hangar_client_update_field_finish (HangarClient  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return finish_simple (self, result, hangar_client_update_field_async, error);
}

/* ---- generic request ---- */

/* The base a path belongs to, for pacing: /v0/{app…}/… or /v0/meta/bases/{app…}/… */
static char *
base_of_path (const char *path)
{
  g_autofree char *bare = g_strndup (path, strcspn (path, "?"));
  g_auto(GStrv) parts = g_strsplit (bare, "/", 6);
  guint n = g_strv_length (parts);

  /* parts[0] is "" (leading slash), parts[1] "v0" */
  if (n > 2 && g_str_has_prefix (parts[2], "app"))
    return g_uri_unescape_string (parts[2], NULL);
  if (n > 4 && g_str_equal (parts[2], "meta") && g_str_equal (parts[3], "bases") &&
      g_str_has_prefix (parts[4], "app"))
    return g_uri_unescape_string (parts[4], NULL);
  return NULL;
}

/* The path of a generic request names exactly the endpoint it spells: no
 * "." or ".." segment (in any spelling, since URL normalisation would fold
 * them), no fragment, no raw control characters or spaces, and well-formed
 * percent escapes. A query may follow the path after "?". */
static gboolean
check_request_path (const char  *path,
                    GError     **error)
{
  g_autofree char *bare = g_strndup (path, strcspn (path, "?"));
  g_auto(GStrv) segments = NULL;

  for (const char *p = path; *p != '\0'; p++)
    if ((guchar) *p <= 0x20 || *p == 0x7f || *p == '#')
      {
        g_set_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_ARGUMENT,
                     "%s", *p == '#'
                     ? "The request path cannot contain a fragment (“#”)"
                     : "The request path contains a space or a control character: percent-encode it");
        return FALSE;
      }
  if (strlen (path) > URL_LIMIT)
    {
      g_set_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_ARGUMENT,
                   "The request path is longer than %d characters", URL_LIMIT);
      return FALSE;
    }

  segments = g_strsplit (bare + 1, "/", -1);
  for (guint i = 0; segments[i] != NULL; i++)
    {
      g_autofree char *decoded = g_uri_unescape_string (segments[i], NULL);

      if (decoded == NULL)
        {
          g_set_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_ARGUMENT,
                       "%s", "The request path has a malformed percent escape");
          return FALSE;
        }
      if (g_str_equal (decoded, ".") || g_str_equal (decoded, ".."))
        {
          g_set_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_ARGUMENT,
                       "%s", "The request path contains a “.” or “..” segment, which would name another endpoint");
          return FALSE;
        }
    }
  return TRUE;
}

static void
request_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  guint status = 0;
  Response *response;
  JsonNode *root;

  root = client_send_finish (HANGAR_CLIENT (object), result, &status, &error);
  if (root == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  response = g_new0 (Response, 1);
  response->status = status;
  response->root = JSON_NODE_HOLDS_NULL (root) ? (json_node_unref (root), NULL) : root;
  g_task_return_pointer (task, response, response_free);
}

/**
 * hangar_client_request_async:
 * @self: a #HangarClient
 * @method: an HTTP method
 * @path: the path, from "/v0/…", already percent-encoded
 * @query: (nullable) (array zero-terminated=1): unencoded key, value pairs
 * @body: (nullable): a JSON body
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Any other API call, with the same token handling, pacing, retries and
 * error mapping as the typed calls.
 */
void
hangar_client_request_async (HangarClient        *self,
                             const char          *method,
                             const char          *path,
                             const char * const  *query,
                             JsonNode            *body,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *base_id = NULL;
  g_autofree char *upper = NULL;
  GString *q;
  gboolean idempotent;
  GError *error = NULL;
  Call *call;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (method != NULL && path != NULL && path[0] == '/');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_client_request_async);
  g_task_set_check_cancellable (task, FALSE);

  if (!check_request_path (path, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  q = g_string_new (NULL);

  for (guint i = 0; query != NULL && query[i] != NULL; i += 2)
    {
      g_autofree char *k = g_uri_escape_string (query[i], NULL, FALSE);
      g_autofree char *v = query[i + 1] ? g_uri_escape_string (query[i + 1], NULL, FALSE) : g_strdup ("");

      g_string_append_printf (q, "%s%s=%s", q->len > 0 ? "&" : "", k, v);
      if (query[i + 1] == NULL)
        break;
    }

  upper = g_ascii_strup (method, -1);
  if (g_str_equal (upper, "GET") || g_str_equal (upper, "HEAD") || g_str_equal (upper, "DELETE"))
    idempotent = TRUE;
  else if (g_str_equal (upper, "POST"))
    idempotent = g_str_has_suffix (path, "/listRecords");
  else
    /* PUT/PATCH update by id are idempotent; an upsert is not. */
    idempotent = !(body != NULL && JSON_NODE_HOLDS_OBJECT (body) &&
                   json_object_has_member (json_node_get_object (body), "performUpsert"));

  base_id = base_of_path (path);
  call = call_new (upper, g_strdup (path), g_string_free (q, FALSE),
                   body != NULL ? node_to_bytes (body) : NULL, base_id, idempotent);
  client_send_async (self, call, cancellable, request_done_cb, g_steal_pointer (&task));
}

/**
 * hangar_client_request_finish:
 * @self: a #HangarClient
 * @result: the result
 * @out_status: (out) (optional): the HTTP status of the answer
 * @error: return location for a #GError (HTTP errors are mapped as usual)
 *
 * Returns: (transfer full) (nullable): the JSON body, %NULL for an empty one
 *   (check @error to tell it from a failure)
 */
JsonNode *
hangar_client_request_finish (HangarClient  *self,
                              GAsyncResult  *result,
                              guint         *out_status,
                              GError       **error)
{
  Response *response = finish_simple (self, result, hangar_client_request_async, error);
  JsonNode *root;

  if (response == NULL)
    return NULL;
  if (out_status != NULL)
    *out_status = response->status;
  root = g_steal_pointer (&response->root);
  response_free (response);
  return root;
}
