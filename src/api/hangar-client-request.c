/* hangar-client-request.c — HangarClient's request pipeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hangar-client-private.h"
#include "hangar-error.h"
#include "hangar-ids.h"
#include "hangar-json.h"
#include "hangar-request-info.h"

/*
 * Every operation goes through one pipeline (a "call"):
 *
 *   scheduler slot (per base + per token pacing, 429 pauses)
 *     → token from the token source (fetched for every send)
 *     → libsoup send on the thread-default main context, one fresh
 *       SoupMessage on a connection of its own per attempt, under the
 *       client's deadline
 *     → the body, read in chunks under the call's size cap
 *     → status check: 401 → handle_unauthorized and exactly one retry;
 *       429 → pause the base, re-queue (reads and writes: a 429 was not applied);
 *       503 → wait Retry-After (or back off) and retry;
 *       other 5xx / connection failure → retry idempotent requests (3 tries,
 *       capped backoff with jitter); a create/upsert that may have reached the
 *       server fails with HANGAR_API_ERROR_UNCERTAIN_WRITE and is never re-sent;
 *       a deadline that passed is final (a server that trickles its answer
 *       would trickle the next one too)
 *     → a 2xx body through hangar_json_parse_full() under the same cap.
 *
 * Endpoints build a call, then turn the JSON answer into models. The
 * protocol facts and every number here are explained in src/api/README.md.
 */

#define MAX_TRIES            3
#define MAX_RATE_LIMIT_TRIES 5
#define BACKOFF_BASE_MS      200
#define BACKOFF_CAP_MS       5000
#define RETRY_AFTER_CAP_S    60
#define READ_CHUNK           (64 * 1024)

/* ------------------------------------------------------------------------ */
/* The call pipeline                                                         */

struct _HangarClientCall
{
  HangarClient *client;
  char         *method;
  char         *path;
  char         *query;
  GBytes       *body;
  char         *base_id;
  char         *url;          /* NULL: the client's API URL */
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
  gsize         max_bytes;            /* cap on a 2xx body */
  gboolean      raw_body;             /* a 2xx body is handed back unparsed */
  gint64        sent_us;              /* monotonic, when the attempt was sent */

  /* the attempt on the wire */
  SoupMessage  *msg;
  GInputStream *stream;
  GCancellable *attempt_cancellable;  /* op_cancellable or the deadline cancel it */
  gulong        attempt_cancel_id;
  GSource      *deadline;
  gulong        wrote_id;
  gboolean      timed_out;
  GByteArray   *buffer;
  GError       *read_error;           /* the body could not be read to its end */
  gboolean      too_large;            /* the body passed its cap; reading stopped */

  /* For the "request-finished" signal (hangar-request-info.h). */
  gint64        started_at;           /* wall clock, µs */
  gint64        started_us;           /* monotonic */
  gint64        acquire_started_us;   /* monotonic, while waiting for a slot */
  gint64        wait_us;
  guint         n_sent;
  guint         last_status;          /* of the last answer, 0 when none */
  SoupMessageHeaders *last_headers;
  GBytes       *last_body;
};

typedef struct
{
  guint      status;
  JsonNode  *root;
  GPtrArray *notes;   /* of HangarJsonNote, NULL when none */
  GBytes    *body;    /* raw_body calls: the 2xx body as it came */
} Response;

static void call_acquire (GTask *task);

static void
response_free (gpointer data)
{
  Response *response = data;

  g_clear_pointer (&response->root, json_node_unref);
  g_clear_pointer (&response->notes, g_ptr_array_unref);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_free (response);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Response, response_free)

/* Ends the attempt on the wire: no deadline, no stream, no message. The
 * stream must have been closed already (see finish_reading). */
static void
attempt_clear (HangarClientCall *call)
{
  if (call->deadline != NULL)
    {
      g_source_destroy (call->deadline);
      g_clear_pointer (&call->deadline, g_source_unref);
    }
  if (call->attempt_cancel_id != 0)
    g_cancellable_disconnect (call->op_cancellable, call->attempt_cancel_id);
  call->attempt_cancel_id = 0;
  if (call->msg != NULL)
    g_clear_signal_handler (&call->wrote_id, call->msg);
  g_clear_object (&call->attempt_cancellable);
  g_clear_object (&call->stream);
  g_clear_object (&call->msg);
  g_clear_pointer (&call->buffer, g_byte_array_unref);
  g_clear_error (&call->read_error);
  call->too_large = FALSE;
  call->timed_out = FALSE;
}

static void
call_free (gpointer data)
{
  HangarClientCall *call = data;

  attempt_clear (call);
  if (call->caller_cancel_id != 0)
    g_cancellable_disconnect (call->caller_cancellable, call->caller_cancel_id);
  if (call->client_cancel_id != 0)
    g_cancellable_disconnect (call->client_cancellable, call->client_cancel_id);
  g_clear_object (&call->client_cancellable);
  g_clear_object (&call->caller_cancellable);
  g_clear_object (&call->op_cancellable);
  g_clear_pointer (&call->token, hangar_token_free);
  g_clear_pointer (&call->body, g_bytes_unref);
  g_clear_pointer (&call->last_headers, soup_message_headers_unref);
  g_clear_pointer (&call->last_body, g_bytes_unref);
  g_free (call->method);
  g_free (call->path);
  g_free (call->query);
  g_free (call->base_id);
  g_free (call->url);
  g_clear_object (&call->client);
  g_free (call);
}

HangarClientCall *
_hangar_client_call_new (const char *method,
                         char       *path,
                         char       *query,
                         GBytes     *body,
                         const char *base_id,
                         gboolean    idempotent)
{
  HangarClientCall *call = g_new0 (HangarClientCall, 1);

  call->method = g_strdup (method);
  call->path = path;
  call->query = (query != NULL && *query != '\0') ? query : (g_free (query), NULL);
  call->body = body;
  call->base_id = g_strdup (base_id);
  call->idempotent = idempotent;
  call->max_bytes = HANGAR_ANSWER_MAX_DEFAULT;
  return call;
}

void
_hangar_client_call_set_url (HangarClientCall *call,
                             const char       *url)
{
  g_free (call->url);
  call->url = g_strdup (url);
}

void
_hangar_client_call_set_max_bytes (HangarClientCall *call,
                                   gsize             max_bytes)
{
  call->max_bytes = max_bytes;
}

void
_hangar_client_call_set_raw_body (HangarClientCall *call,
                                  gboolean          raw_body)
{
  call->raw_body = raw_body;
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
  HangarClientCall *call = g_task_get_task_data (task);

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
  HangarClientCall *call = g_task_get_task_data (task);

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
  HangarClientCall *call = g_task_get_task_data (task);
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

static char *
format_size (gsize bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}

/* The attempt failed before a whole answer arrived: @error from libsoup or
 * the body's stream. Takes the task. */
static void
attempt_failed (GTask  *task,
                GError *error)
{
  HangarClientCall *call = g_task_get_task_data (task);
  gboolean timed_out = call->timed_out;
  gboolean not_sent = error_is_not_sent (error);
  HangarClient *self = call->client;

  attempt_clear (call);
  call->last_status = 0;
  g_clear_pointer (&call->last_headers, soup_message_headers_unref);
  g_clear_pointer (&call->last_body, g_bytes_unref);

  if (!timed_out &&
      (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
       g_cancellable_is_cancelled (call->op_cancellable)))
    {
      call_return_cancelled (task);
      g_object_unref (task);
      return;
    }

  if (timed_out)
    {
      /* Final: a server that trickles its answer would trickle the next. */
      if (!call->idempotent)
        g_task_return_new_error (task, HANGAR_API_ERROR, HANGAR_API_ERROR_UNCERTAIN_WRITE,
                                 _("Airtable did not answer within %u s (the request timed out); the "
                                   "write may or may not have been applied, so it was not re-sent"),
                                 self->deadline);
      else
        g_task_return_new_error (task, HANGAR_API_ERROR, HANGAR_API_ERROR_NETWORK,
                                 _("Airtable did not answer within %u s (the request timed out)"),
                                 self->deadline);
      g_object_unref (task);
      return;
    }

  call->tries++;
  if ((call->idempotent || not_sent) && call->tries < MAX_TRIES)
    {
      call_retry_later (task, backoff_ms (call->tries));
      return;
    }

  if (!call->idempotent && !not_sent)
    g_task_return_new_error (task, HANGAR_API_ERROR, HANGAR_API_ERROR_UNCERTAIN_WRITE,
                             _("The connection failed after the request was sent (%s); "
                               "the write may or may not have been applied, so it was not re-sent"),
                             error->message);
  else
    g_task_return_new_error (task, HANGAR_API_ERROR, HANGAR_API_ERROR_NETWORK,
                             _("Could not reach Airtable: %s"), error->message);
  g_object_unref (task);
}

/* Keeps the newest Date header (hangar_client_dup_server_time()). */
static void
note_server_time (HangarClient *self,
                  SoupMessage  *msg)
{
  const char *date = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Date");
  GDateTime *time = date != NULL ? soup_date_time_new_from_http_string (date) : NULL;

  if (time == NULL)
    return;
  if (self->server_time == NULL || g_date_time_compare (time, self->server_time) > 0)
    {
      g_clear_pointer (&self->server_time, g_date_time_unref);
      self->server_time = time;
    }
  else
    g_date_time_unref (time);
}

/* A whole answer (or as much of an error answer as its cap allows) is in:
 * decide. Takes the task. */
static void
answer_received (GTask *task)
{
  HangarClientCall *call = g_task_get_task_data (task);
  HangarClient *self = call->client;
  g_autoptr(SoupMessage) msg = g_object_ref (call->msg);
  guint status = soup_message_get_status (msg);
  g_autoptr(GBytes) body = NULL;
  gboolean too_large = call->too_large;
  gsize max_bytes = call->max_bytes;
  g_autofree char *reason = g_strdup (soup_message_get_reason_phrase (msg));
  guint retry_after;

  /* An error answer whose body passed its cap is judged by its status alone. */
  body = call->buffer != NULL && !(too_large && !SOUP_STATUS_IS_SUCCESSFUL (status))
           ? g_byte_array_free_to_bytes (g_steal_pointer (&call->buffer))
           : NULL;
  retry_after = parse_retry_after (msg);
  note_server_time (self, msg);
  attempt_clear (call);

  /* What the request console shows of the last answer. */
  call->last_status = status;
  g_clear_pointer (&call->last_headers, soup_message_headers_unref);
  g_clear_pointer (&call->last_body, g_bytes_unref);
  call->last_headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  call->last_body = body != NULL ? g_bytes_ref (body) : NULL;

  g_debug ("%s %s -> %u", call->method, call->path, status);
  if (call->sent_us > 0 && status < 500 && status != 429)
    _hangar_client_note_latency (self, call->base_id, g_get_monotonic_time () - call->sent_us);

  if (status == SOUP_STATUS_UNAUTHORIZED && !call->retried_unauthorized)
    {
      GError *response_error = hangar_api_error_new_from_response (status, reason, body);

      g_object_set_data_full (G_OBJECT (task), "hangar-401", response_error, (GDestroyNotify) g_error_free);
      hangar_token_source_handle_unauthorized_async (self->token_source, call->token,
                                                     call->op_cancellable, unauthorized_cb, task);
      return;
    }

  if (status == 429 && self->pacing && call->rate_limited < MAX_RATE_LIMIT_TRIES)
    {
      /* Not applied: wait out the base's penalty and send again. */
      call->rate_limited++;
      hangar_scheduler_report_rate_limited (self->scheduler, call->base_id, self->token_source);
      call_acquire (task);
      return;
    }

  if (status == SOUP_STATUS_SERVICE_UNAVAILABLE && ++call->tries < MAX_TRIES)
    {
      /* 503 RETRIABLE_ERROR: Airtable says the request is safe to repeat. */
      call_retry_later (task, retry_after > 0 ? retry_after : backoff_ms (call->tries));
      return;
    }

  if (status >= 500 && status != SOUP_STATUS_SERVICE_UNAVAILABLE)
    {
      if (call->idempotent && ++call->tries < MAX_TRIES)
        {
          call_retry_later (task, backoff_ms (call->tries));
          return;
        }
      if (!call->idempotent)
        {
          g_autoptr(GError) server = hangar_api_error_new_from_response (status, reason, body);
          GError *uncertain = g_error_new (HANGAR_API_ERROR, HANGAR_API_ERROR_UNCERTAIN_WRITE,
                                           _("Airtable answered HTTP %u (%s); the write may or may not "
                                             "have been applied, so it was not re-sent"),
                                           status, server->message);

          hangar_api_error_set_details (uncertain, status,
                                        hangar_api_error_get_server_type (server),
                                        hangar_api_error_get_server_message (server));
          g_task_return_error (task, uncertain);
          g_object_unref (task);
          return;
        }
    }

  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_autoptr(Response) response = g_new0 (Response, 1);
      g_autoptr(GError) error = NULL;
      gsize len = 0;
      const char *data = body != NULL ? g_bytes_get_data (body, &len) : NULL;

      response->status = status;
      if (too_large)
        {
          g_autofree char *limit = format_size (max_bytes);
          GError *invalid = g_error_new (HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE,
                                         _("Airtable's answer is larger than the %s this request allows; "
                                           "reading stopped there"), limit);

          hangar_api_error_set_details (invalid, status, NULL, NULL);
          g_task_return_error (task, invalid);
          g_object_unref (task);
          return;
        }
      if (call->raw_body)
        response->body = body != NULL ? g_bytes_ref (body) : g_bytes_new (NULL, 0);
      else if (len > 0)
        {
          response->root = hangar_json_parse_full (data, len, max_bytes, &response->notes, &error);
          if (response->root == NULL)
            {
              GError *invalid = g_error_new (HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE,
                                             _("Airtable's answer is not valid JSON: %s"), error->message);

              hangar_api_error_set_details (invalid, status, NULL, NULL);
              g_task_return_error (task, invalid);
              g_object_unref (task);
              return;
            }
        }
      g_task_return_pointer (task, g_steal_pointer (&response), response_free);
      g_object_unref (task);
      return;
    }

  {
    GError *error = hangar_api_error_new_from_response (status, reason, body);

    if (too_large)
      g_prefix_error (&error, "(the error answer was larger than %u KiB and was not read) ",
                      HANGAR_ERROR_BODY_MAX / 1024);
    g_task_return_error (task, error);
    g_object_unref (task);
  }
}

static void
closed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  HangarClientCall *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* Closing after a cancelled read or a passed cap reports "cancelled"; the
   * reason is already in the call. */
  (void) g_input_stream_close_finish (G_INPUT_STREAM (object), result, NULL);

  if (call->read_error != NULL)
    {
      error = g_steal_pointer (&call->read_error);
      attempt_failed (task, error);
      return;
    }
  answer_received (task);
}

/* Closes the body's stream, then goes on. Takes the task. A stream that was
 * not read to its end is closed with a cancelled cancellable, so libsoup
 * does not read (and discard) the rest of it: an endless body stops here.
 * (Dropping an unclosed stream would close it synchronously, reading the
 * rest first, and block.) */
static void
finish_reading (GTask    *task,
                gboolean  at_end)
{
  HangarClientCall *call = g_task_get_task_data (task);
  g_autoptr(GCancellable) stop = NULL;

  if (!at_end)
    {
      stop = g_cancellable_new ();
      g_cancellable_cancel (stop);
    }
  g_input_stream_close_async (call->stream, G_PRIORITY_DEFAULT, at_end ? NULL : stop, closed_cb, task);
}

static void read_next (GTask *task);

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  HangarClientCall *call = g_task_get_task_data (task);
  g_autoptr(GBytes) chunk = NULL;
  GError *error = NULL;
  gsize cap;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (chunk == NULL)
    {
      call->read_error = error;
      finish_reading (task, FALSE);
      return;
    }
  if (g_bytes_get_size (chunk) == 0)
    {
      finish_reading (task, TRUE);
      return;
    }

  cap = SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (call->msg)) ? call->max_bytes : HANGAR_ERROR_BODY_MAX;
  if (call->buffer->len + g_bytes_get_size (chunk) > cap)
    {
      call->too_large = TRUE;
      finish_reading (task, FALSE);
      return;
    }
  g_byte_array_append (call->buffer, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  read_next (task);
}

static void
read_next (GTask *task)
{
  HangarClientCall *call = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (call->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   call->attempt_cancellable, read_cb, task);
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  HangarClientCall *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  goffset length;
  gsize cap;

  call->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (call->stream == NULL)
    {
      attempt_failed (task, error);
      return;
    }

  /* A declared length over the cap is refused before reading anything. */
  cap = SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (call->msg)) ? call->max_bytes : HANGAR_ERROR_BODY_MAX;
  headers = soup_message_get_response_headers (call->msg);
  length = soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
             ? soup_message_headers_get_content_length (headers) : -1;
  call->buffer = g_byte_array_sized_new (length > 0 && (gsize) length <= cap ? (guint) length : 0);
  if (length > 0 && (gsize) length > cap)
    {
      call->too_large = TRUE;
      finish_reading (task, FALSE);
      return;
    }
  read_next (task);
}

/* The request is out: pacing counts the next slot from here. */
static void
wrote_body_cb (SoupMessage *msg,
               gpointer     user_data)
{
  HangarClientCall *call = user_data;
  HangarClient *self = call->client;

  if (self->pacing)
    _hangar_scheduler_note_sent (self->scheduler, call->base_id, self->token_source, g_get_monotonic_time ());
}

static gboolean
deadline_cb (gpointer user_data)
{
  HangarClientCall *call = user_data;

  call->timed_out = TRUE;
  g_cancellable_cancel (call->attempt_cancellable);
  return G_SOURCE_REMOVE;
}

/* Takes the task. */
static void
call_send (GTask *task)
{
  HangarClientCall *call = g_task_get_task_data (task);
  HangarClient *self = call->client;
  g_autofree char *uri = NULL;
  g_autofree char *auth = NULL;
  SoupMessageHeaders *headers;

  uri = g_strconcat (call->url != NULL ? call->url : self->api_url, call->path,
                     call->query ? (strchr (call->path, '?') ? "&" : "?") : "",
                     call->query ? call->query : "", NULL);
  call->msg = soup_message_new (call->method, uri);
  if (call->msg == NULL)
    {
      g_task_return_new_error (task, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_REQUEST,
                               "Not a valid request URL: %s%s", self->api_url, call->path);
      g_object_unref (task);
      return;
    }

  headers = soup_message_get_request_headers (call->msg);
  auth = g_strconcat ("Bearer ", call->token, NULL);
  soup_message_headers_replace (headers, "Authorization", auth);
  explicit_bzero (auth, strlen (auth));
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (call->body != NULL)
    soup_message_set_request_body_from_bytes (call->msg, "application/json", call->body);
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
  soup_message_add_flags (call->msg, SOUP_MESSAGE_NEW_CONNECTION | SOUP_MESSAGE_NO_REDIRECT);
  soup_message_headers_replace (headers, "Connection", "close");

  /* The deadline covers this attempt from sending to the last byte. */
  call->attempt_cancellable = g_cancellable_new ();
  call->attempt_cancel_id = g_cancellable_connect (call->op_cancellable, G_CALLBACK (forward_cancel_cb),
                                                   call->attempt_cancellable, NULL);
  if (self->deadline > 0)
    {
      call->deadline = g_timeout_source_new_seconds (self->deadline);
      g_source_set_callback (call->deadline, deadline_cb, call, NULL);
      g_source_attach (call->deadline, g_main_context_get_thread_default ());
    }

  self->n_requests++;
  call->sent_us = g_get_monotonic_time ();
  call->wrote_id = g_signal_connect (call->msg, "wrote-body", G_CALLBACK (wrote_body_cb), call);
  call->n_sent++;
  soup_session_send_async (self->session, call->msg, G_PRIORITY_DEFAULT, call->attempt_cancellable,
                           sent_cb, task);
}

static void
token_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HangarClientCall *call = g_task_get_task_data (task);
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
  HangarClientCall *call = g_task_get_task_data (task);

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
  HangarClientCall *call = g_task_get_task_data (task);

  call->wait_us += g_get_monotonic_time () - call->acquire_started_us;
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
  HangarClientCall *call = g_task_get_task_data (task);
  HangarClient *self = call->client;

  if (!self->pacing)
    {
      call_get_token (task);
      return;
    }
  call->acquire_started_us = g_get_monotonic_time ();
  hangar_scheduler_acquire_async (self->scheduler, call->base_id, self->token_source,
                                  call->op_cancellable, acquired_cb, task);
}

/* The pipeline is done with @call: tell the observers what happened, then
 * hand the outcome to the caller's task. */
static void
pipeline_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  HangarClient *self = HANGAR_CLIENT (object);
  HangarClientCall *call = g_task_get_task_data (G_TASK (result));
  g_autoptr(HangarRequestInfo) info = NULL;
  GError *error = NULL;
  Response *response;

  response = g_task_propagate_pointer (G_TASK (result), &error);
  info = _hangar_request_info_new (call->method, call->path, call->query, call->base_id,
                                   call->started_at, g_get_monotonic_time () - call->started_us,
                                   call->wait_us, call->n_sent > 1 ? call->n_sent - 1 : 0,
                                   call->last_status, error, call->last_headers, call->last_body);
  /* The generic request hands it to a request console. */
  g_object_set_data_full (G_OBJECT (outer), "hangar-request-info", hangar_request_info_ref (info),
                          (GDestroyNotify) hangar_request_info_unref);
  _hangar_client_emit_request_finished (self, info);

  if (response != NULL)
    g_task_return_pointer (outer, response, response_free);
  else
    g_task_return_error (outer, error);
}

/* Sends @call (taking it) and calls back with a Response; see send_finish. */
void
_hangar_client_send_async (HangarClient        *self,
                           HangarClientCall    *call,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *outer = g_task_new (self, NULL, callback, user_data);
  g_autoptr(GTask) task = g_task_new (self, NULL, pipeline_done_cb, outer);

  g_task_set_source_tag (outer, _hangar_client_send_async);
  g_task_set_source_tag (task, pipeline_done_cb);
  call->client = g_object_ref (self);
  call->op_cancellable = g_cancellable_new ();
  call->started_at = g_get_real_time ();
  call->started_us = g_get_monotonic_time ();
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

GBytes *
_hangar_client_send_finish_raw (HangarClient  *self,
                                GAsyncResult  *result,
                                guint         *out_status,
                                GError       **error)
{
  Response *response;
  GBytes *body;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  response = g_task_propagate_pointer (G_TASK (result), error);
  if (response == NULL)
    return NULL;
  if (out_status != NULL)
    *out_status = response->status;
  body = response->body != NULL ? g_steal_pointer (&response->body) : g_bytes_new (NULL, 0);
  response_free (response);
  return body;
}

JsonNode *
_hangar_client_send_finish (HangarClient  *self,
                            GAsyncResult  *result,
                            guint         *out_status,
                            GPtrArray    **out_notes,
                            GError       **error)
{
  Response *response;
  JsonNode *root;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (out_notes != NULL)
    *out_notes = NULL;
  response = g_task_propagate_pointer (G_TASK (result), error);
  if (response == NULL)
    return NULL;
  if (out_status != NULL)
    *out_status = response->status;
  if (out_notes != NULL)
    *out_notes = g_steal_pointer (&response->notes);
  else
    _hangar_client_log_notes (response->notes);
  root = g_steal_pointer (&response->root);
  response_free (response);
  if (root == NULL)
    /* An empty 2xx body: a JSON null stands in for it. */
    root = json_node_new (JSON_NODE_NULL);
  return root;
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
  if (strlen (path) > HANGAR_URL_LIMIT)
    {
      g_set_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_ARGUMENT,
                   "The request path is longer than %d characters", HANGAR_URL_LIMIT);
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
  HangarRequestInfo *info;
  Response *response;
  JsonNode *root;

  info = g_object_get_data (G_OBJECT (result), "hangar-request-info");
  if (info != NULL)
    g_object_set_data_full (G_OBJECT (task), "hangar-request-info", hangar_request_info_ref (info),
                            (GDestroyNotify) hangar_request_info_unref);
  root = _hangar_client_send_finish (HANGAR_CLIENT (object), result, &status, NULL, &error);
  if (root == NULL)
    {
      g_task_return_error (task, _hangar_client_redact_error (error));
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
  HangarClientCall *call;

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
  call = _hangar_client_call_new (upper, g_strdup (path), g_string_free (q, FALSE),
                                  body != NULL ? _hangar_client_node_to_bytes (body) : NULL, base_id, idempotent);
  _hangar_client_call_set_max_bytes (call, HANGAR_ANSWER_MAX_GENERIC);
  _hangar_client_send_async (self, call, cancellable, request_done_cb, g_steal_pointer (&task));
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
  Response *response = _hangar_client_finish_simple (self, result, hangar_client_request_async, error);
  JsonNode *root;

  if (response == NULL)
    return NULL;
  if (out_status != NULL)
    *out_status = response->status;
  root = g_steal_pointer (&response->root);
  response_free (response);
  return root;
}


/**
 * hangar_client_request_finish_info:
 * @self: a #HangarClient
 * @result: the result of hangar_client_request_async()
 * @error: return location for a #GError
 *
 * What a request console shows: the status, the answer's headers and body,
 * and the error the request ended with, if any (see #HangarRequestInfo).
 *
 * Returns: (transfer full) (nullable): the exchange, %NULL only when the
 *   request was refused before anything could be sent
 */
HangarRequestInfo *
hangar_client_request_finish_info (HangarClient  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  HangarRequestInfo *info;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (HANGAR_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  info = g_object_get_data (G_OBJECT (result), "hangar-request-info");
  root = hangar_client_request_finish (self, result, NULL, &local_error);
  if (info == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return hangar_request_info_ref (info);
}
