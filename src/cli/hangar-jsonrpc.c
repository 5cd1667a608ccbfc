/* hangar-jsonrpc.c — JSON-RPC 2.0 over a newline-delimited byte stream
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hangar-json.h"
#include "hangar-jsonrpc.h"
#include "hangar-redact.h"

/* Input is read this much at a time. */
#define READ_CHUNK        (64 * 1024)
/* Output is written this much at a time: a pipe that polls writable has
 * room for at least one page, so a write never blocks the main loop (and
 * with it the reading of a cancellation) however slowly the peer reads. */
#define WRITE_CHUNK       4096
/* Requests handled at once (and the bytes of their messages: a handler
 * holds its parsed arguments until it answers); more wait in a queue, in
 * order. */
#define MAX_IN_FLIGHT       8
#define MAX_IN_FLIGHT_BYTES (8 * 1024 * 1024)
/* Reading stops while this many requests (or this many bytes of them)
 * wait, or this much output waits for the peer to read it. */
#define MAX_WAITING         64
#define MAX_WAITING_BYTES   (4 * 1024 * 1024)
#define MAX_OUTPUT_BYTES    (1024 * 1024)

struct _HangarJsonrpcRequest
{
  guint          ref_count;
  HangarJsonrpc *channel;      /* strong until answered */
  char          *key;          /* the id as a hash key */
  JsonNode      *id;
  char          *method;
  JsonObject    *params;       /* nullable */
  GCancellable  *cancellable;
  gsize          size;         /* bytes of the line it came in */
  gboolean       dispatched;
  gboolean       answered;
  gboolean       cancelled;    /* the answer is not wanted */
};

struct _HangarJsonrpc
{
  GObject        parent_instance;

  GInputStream  *input;
  GOutputStream *output;
  gsize          max_message_bytes;
  GCancellable  *read_cancellable;
  GCancellable  *write_cancellable;  /* cancelled only by hangar_jsonrpc_close() */

  /* Reading */
  GBytes        *chunk;        /* read, not yet split into lines */
  gsize          chunk_pos;
  GString       *line;
  gboolean       line_too_long;
  gboolean       reading;
  gboolean       input_done;

  /* Requests */
  GQueue         waiting;      /* HangarJsonrpcRequest, owned */
  gsize          waiting_bytes;
  GHashTable    *open;         /* key → request (not owned): waiting or in flight */
  guint          n_in_flight;
  gsize          in_flight_bytes;

  /* Writing */
  GQueue         out;          /* GBytes */
  gsize          out_pos;      /* into the head */
  gsize          out_bytes;
  gboolean       writing;
  gboolean       output_broken;

  gboolean       closing;
  gboolean       closed;
  gboolean       pumping;
  gboolean       pump_again;
};

G_DEFINE_BOXED_TYPE (HangarJsonrpcRequest, hangar_jsonrpc_request,
                     hangar_jsonrpc_request_ref, hangar_jsonrpc_request_unref)
G_DEFINE_FINAL_TYPE (HangarJsonrpc, hangar_jsonrpc, G_TYPE_OBJECT)

enum {
  REQUEST_RECEIVED,
  NOTIFICATION_RECEIVED,
  CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void pump (HangarJsonrpc *self);

/* Output ------------------------------------------------------------------- */

static void write_next (HangarJsonrpc *self);

static void
write_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(HangarJsonrpc) self = user_data;
  g_autoptr(GError) error = NULL;
  gssize n;

  self->writing = FALSE;
  n = g_output_stream_write_finish (G_OUTPUT_STREAM (source), result, &error);
  if (n < 0)
    {
      /* The peer went away (or we are told to stop): nothing more can be
       * answered. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("writing to the peer failed: %s", error->message);
      self->output_broken = TRUE;
      g_queue_clear_full (&self->out, (GDestroyNotify) g_bytes_unref);
      self->out_bytes = 0;
      self->out_pos = 0;
      hangar_jsonrpc_close (self);
      pump (self);
      return;
    }

  self->out_pos += n;
  if (self->out_pos >= g_bytes_get_size (g_queue_peek_head (&self->out)))
    {
      GBytes *done = g_queue_pop_head (&self->out);

      self->out_bytes -= g_bytes_get_size (done);
      self->out_pos = 0;
      g_bytes_unref (done);
    }
  write_next (self);
  pump (self);
}

static void
write_next (HangarJsonrpc *self)
{
  GBytes *head;
  gsize size;
  const guint8 *data;

  if (self->writing || self->output_broken || g_queue_is_empty (&self->out))
    return;

  head = g_queue_peek_head (&self->out);
  data = g_bytes_get_data (head, &size);
  self->writing = TRUE;
  g_output_stream_write_async (self->output, data + self->out_pos,
                               MIN (WRITE_CHUNK, size - self->out_pos),
                               G_PRIORITY_DEFAULT, self->write_cancellable, write_cb, g_object_ref (self));
}

/* Queues one message. Every message passes hangar_redact(): whatever a
 * server or a bug put into it, no token that this process holds goes out
 * (JSON text keeps no raw newline, so one message stays one line). */
static void
send_message (HangarJsonrpc *self,
              JsonObject    *message)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  char *safe;
  gsize len;

  if (self->output_broken)
    return;

  node = json_node_init_object (json_node_alloc (), message);
  text = hangar_json_to_string (node, -1);
  safe = hangar_redact (text);
  len = strlen (safe);
  safe = g_realloc (safe, len + 1);
  safe[len] = '\n';
  g_queue_push_tail (&self->out, g_bytes_new_take (safe, len + 1));
  self->out_bytes += len + 1;
  write_next (self);
}

static JsonObject *
new_message (void)
{
  JsonObject *message = json_object_new ();

  json_object_set_string_member (message, "jsonrpc", "2.0");
  return message;
}

/* An error answer. @id NULL: the id could not be read, so none is given
 * (the Model Context Protocol's schema makes it optional for this case). */
static void
send_error (HangarJsonrpc *self,
            JsonNode      *id,
            int            code,
            const char    *message_text,
            JsonNode      *data)
{
  g_autoptr(JsonObject) message = new_message ();
  JsonObject *error = json_object_new ();

  if (id != NULL)
    json_object_set_member (message, "id", json_node_copy (id));
  json_object_set_int_member (error, "code", code);
  json_object_set_string_member (error, "message", message_text);
  if (data != NULL)
    json_object_set_member (error, "data", json_node_copy (data));
  json_object_set_object_member (message, "error", error);
  send_message (self, message);
}

/* Requests ----------------------------------------------------------------- */

/* The id as a hash key: strings and numbers never collide, and 1 and 1.0
 * are the same number. */
static char *
id_key (JsonNode *id)
{
  if (json_node_get_value_type (id) == G_TYPE_STRING)
    return g_strconcat ("s", json_node_get_string (id), NULL);
  if (json_node_get_value_type (id) == G_TYPE_INT64)
    return g_strdup_printf ("n%" G_GINT64_FORMAT, json_node_get_int (id));
  else
    {
      double value = json_node_get_double (id);
      g_autofree char *text = NULL;

      if (value >= -9007199254740992.0 && value <= 9007199254740992.0 && value == (double) (gint64) value)
        return g_strdup_printf ("n%" G_GINT64_FORMAT, (gint64) value);
      text = hangar_json_to_string (id, -1);
      return g_strconcat ("n", text, NULL);
    }
}

HangarJsonrpcRequest *
hangar_jsonrpc_request_ref (HangarJsonrpcRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  self->ref_count++;
  return self;
}

static void
request_finish (HangarJsonrpcRequest *self)
{
  HangarJsonrpc *channel = self->channel;

  self->answered = TRUE;
  if (channel == NULL)
    return;
  if (g_hash_table_lookup (channel->open, self->key) == self)
    g_hash_table_remove (channel->open, self->key);
  if (self->dispatched)
    {
      channel->n_in_flight--;
      channel->in_flight_bytes -= self->size;
    }
  self->channel = NULL;
  pump (channel);
  g_object_unref (channel);
}

void
hangar_jsonrpc_request_unref (HangarJsonrpcRequest *self)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->ref_count > 0);

  if (self->ref_count == 1 && !self->answered && self->dispatched)
    {
      /* A handler let go of it without answering: the peer still gets an
       * answer, so it never waits for one that will not come. */
      hangar_jsonrpc_request_reply_error (self, HANGAR_JSONRPC_INTERNAL_ERROR,
                                          "the request was dropped without an answer", NULL);
    }
  if (--self->ref_count > 0)
    return;

  if (!self->answered)
    request_finish (self);
  g_free (self->key);
  json_node_unref (self->id);
  g_free (self->method);
  g_clear_pointer (&self->params, json_object_unref);
  g_clear_object (&self->cancellable);
  g_free (self);
}

const char *
hangar_jsonrpc_request_get_method (HangarJsonrpcRequest *self)
{
  return self->method;
}

JsonObject *
hangar_jsonrpc_request_get_params (HangarJsonrpcRequest *self)
{
  return self->params;
}

JsonNode *
hangar_jsonrpc_request_get_id (HangarJsonrpcRequest *self)
{
  return self->id;
}

GCancellable *
hangar_jsonrpc_request_get_cancellable (HangarJsonrpcRequest *self)
{
  return self->cancellable;
}

gboolean
hangar_jsonrpc_request_is_answered (HangarJsonrpcRequest *self)
{
  return self->answered;
}

void
hangar_jsonrpc_request_reply (HangarJsonrpcRequest *self,
                              JsonNode             *result)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (result != NULL);

  if (self->answered)
    return;
  if (!self->cancelled && self->channel != NULL)
    {
      g_autoptr(JsonObject) message = new_message ();

      json_object_set_member (message, "id", json_node_copy (self->id));
      json_object_set_member (message, "result", json_node_copy (result));
      send_message (self->channel, message);
    }
  request_finish (self);
}

void
hangar_jsonrpc_request_reply_error (HangarJsonrpcRequest *self,
                                    int                   code,
                                    const char           *message,
                                    JsonNode             *data)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (message != NULL);

  if (self->answered)
    return;
  if (!self->cancelled && self->channel != NULL)
    send_error (self->channel, self->id, code, message, data);
  request_finish (self);
}

/* Reading ------------------------------------------------------------------ */

static gboolean
is_blank (const char *text,
          gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r')
      return FALSE;
  return TRUE;
}

static gboolean
node_is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
node_is_number (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         (json_node_get_value_type (node) == G_TYPE_INT64 || json_node_get_value_type (node) == G_TYPE_DOUBLE);
}

/* One line: a request, a notification, or something to refuse. */
static void
handle_line (HangarJsonrpc *self,
             const char    *text,
             gsize          len,
             gboolean       too_long)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) notes = NULL;
  JsonObject *object;
  JsonNode *version, *id, *method, *params;
  HangarJsonrpcRequest *request;
  g_autofree char *key = NULL;

  if (too_long)
    {
      g_autofree char *message = g_strdup_printf ("the message is longer than %" G_GSIZE_FORMAT
                                                  " bytes and was not read", self->max_message_bytes);

      send_error (self, NULL, HANGAR_JSONRPC_INVALID_REQUEST, message, NULL);
      return;
    }
  if (is_blank (text, len))
    return;

  root = hangar_json_parse (text, len, self->max_message_bytes, &notes, &error);
  if (root == NULL)
    {
      g_autofree char *message = g_strdup_printf ("not JSON: %s", error->message);

      send_error (self, NULL, HANGAR_JSONRPC_PARSE_ERROR, message, NULL);
      return;
    }
  for (guint i = 0; notes != NULL && notes[i] != NULL; i++)
    g_debug ("input: %s", notes[i]);

  if (JSON_NODE_HOLDS_ARRAY (root))
    {
      /* JSON-RPC batches; the Model Context Protocol dropped them in its
       * 2025-06-18 revision. */
      send_error (self, NULL, HANGAR_JSONRPC_INVALID_REQUEST,
                  "batches (JSON arrays) are not supported: send one message per line", NULL);
      return;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      send_error (self, NULL, HANGAR_JSONRPC_INVALID_REQUEST, "a message must be a JSON object", NULL);
      return;
    }

  object = json_node_get_object (root);
  version = json_object_get_member (object, "jsonrpc");
  id = json_object_get_member (object, "id");
  method = json_object_get_member (object, "method");
  params = json_object_get_member (object, "params");

  if (id != NULL && !node_is_string (id) && !node_is_number (id))
    {
      send_error (self, NULL, HANGAR_JSONRPC_INVALID_REQUEST,
                  "“id” must be a string or a number", NULL);
      return;
    }
  if (!node_is_string (version) || !g_str_equal (json_node_get_string (version), "2.0"))
    {
      if (id != NULL || method != NULL)
        send_error (self, id, HANGAR_JSONRPC_INVALID_REQUEST, "“jsonrpc” must be \"2.0\"", NULL);
      return;
    }
  if (method == NULL)
    {
      /* An answer to a request of ours; we send none, so it answers nothing. */
      if (id != NULL && (json_object_has_member (object, "result") || json_object_has_member (object, "error")))
        g_debug ("ignoring a response to a request that was never sent");
      else
        send_error (self, id, HANGAR_JSONRPC_INVALID_REQUEST, "a request needs a “method”", NULL);
      return;
    }
  if (!node_is_string (method))
    {
      send_error (self, id, HANGAR_JSONRPC_INVALID_REQUEST, "“method” must be a string", NULL);
      return;
    }
  if (params != NULL && !JSON_NODE_HOLDS_OBJECT (params))
    {
      if (id != NULL)
        send_error (self, id, HANGAR_JSONRPC_INVALID_PARAMS, "“params” must be an object", NULL);
      return;
    }

  if (id == NULL)
    {
      g_signal_emit (self, signals[NOTIFICATION_RECEIVED], 0, json_node_get_string (method),
                     params != NULL ? json_node_get_object (params) : NULL);
      return;
    }

  key = id_key (id);
  if (g_hash_table_contains (self->open, key))
    {
      send_error (self, id, HANGAR_JSONRPC_INVALID_REQUEST,
                  "another request with this id is still open", NULL);
      return;
    }

  request = g_new0 (HangarJsonrpcRequest, 1);
  request->ref_count = 1;
  request->channel = g_object_ref (self);
  request->key = g_steal_pointer (&key);
  request->id = json_node_copy (id);
  request->method = g_strdup (json_node_get_string (method));
  request->params = params != NULL ? json_object_ref (json_node_get_object (params)) : NULL;
  request->cancellable = g_cancellable_new ();
  request->size = len;
  g_hash_table_insert (self->open, request->key, request);
  g_queue_push_tail (&self->waiting, request);
  self->waiting_bytes += len;
}

/* Takes bytes from the chunk up to the end of a line (handling the line)
 * or the end of the chunk. */
static void
take_line (HangarJsonrpc *self)
{
  gsize size;
  const char *data = g_bytes_get_data (self->chunk, &size);
  const char *start = data + self->chunk_pos;
  gsize avail = size - self->chunk_pos;
  const char *newline = memchr (start, '\n', avail);
  gsize n = newline != NULL ? (gsize) (newline - start) : avail;

  /* Past the limit the rest of the line is read and dropped, never kept. */
  if (!self->line_too_long && self->line->len + n > self->max_message_bytes + 1)
    {
      self->line_too_long = TRUE;
      g_string_truncate (self->line, 0);
    }
  if (!self->line_too_long)
    g_string_append_len (self->line, start, n);
  self->chunk_pos += n;

  if (newline != NULL)
    {
      self->chunk_pos++;
      if (self->line->len > 0 && self->line->str[self->line->len - 1] == '\r')
        g_string_truncate (self->line, self->line->len - 1);
      if (self->line->len > self->max_message_bytes)
        self->line_too_long = TRUE;
      handle_line (self, self->line->str, self->line->len, self->line_too_long);
      g_string_truncate (self->line, 0);
      self->line_too_long = FALSE;
    }

  if (self->chunk_pos >= size)
    {
      g_clear_pointer (&self->chunk, g_bytes_unref);
      self->chunk_pos = 0;
    }
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(HangarJsonrpc) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  self->reading = FALSE;
  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (bytes == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("reading from the peer failed: %s", error->message);
      self->input_done = TRUE;
    }
  else if (g_bytes_get_size (bytes) == 0)
    {
      self->input_done = TRUE;
      /* A last line without its newline still counts. */
      if (self->line->len > 0 || self->line_too_long)
        {
          handle_line (self, self->line->str, self->line->len, self->line_too_long);
          g_string_truncate (self->line, 0);
          self->line_too_long = FALSE;
        }
    }
  else
    {
      self->chunk = g_steal_pointer (&bytes);
      self->chunk_pos = 0;
    }
  pump (self);
}

static gboolean
must_pause (HangarJsonrpc *self)
{
  return self->waiting.length >= MAX_WAITING ||
         self->waiting_bytes >= MAX_WAITING_BYTES ||
         self->out_bytes >= MAX_OUTPUT_BYTES;
}

/* Whether the next waiting request may be handed out now. */
static gboolean
can_dispatch (HangarJsonrpc *self)
{
  HangarJsonrpcRequest *next = g_queue_peek_head (&self->waiting);

  return !self->closing && next != NULL && self->n_in_flight < MAX_IN_FLIGHT &&
         (self->n_in_flight == 0 || self->in_flight_bytes + next->size <= MAX_IN_FLIGHT_BYTES);
}

static void
dispatch_one (HangarJsonrpc *self)
{
  HangarJsonrpcRequest *request = g_queue_pop_head (&self->waiting);

  self->waiting_bytes -= request->size;
  request->dispatched = TRUE;
  self->n_in_flight++;
  self->in_flight_bytes += request->size;
  g_signal_emit (self, signals[REQUEST_RECEIVED], 0, request);
  hangar_jsonrpc_request_unref (request);
}

/* Moves everything along: hands out waiting requests, splits what was read
 * into lines, reads more, and says "closed" at the end — each only while
 * the limits allow. Re-entered from handlers that answer at once, it just
 * makes the outer call go round again. */
static void
pump (HangarJsonrpc *self)
{
  if (self->pumping)
    {
      self->pump_again = TRUE;
      return;
    }

  g_object_ref (self);
  self->pumping = TRUE;
  do
    {
      self->pump_again = FALSE;

      while (can_dispatch (self))
        dispatch_one (self);

      /* A request is handed out before the next line is read, so the
       * answers to what needs no handler keep their place in the order. */
      while (!self->closing && self->chunk != NULL && !must_pause (self))
        {
          take_line (self);
          if (can_dispatch (self))
            {
              self->pump_again = TRUE;
              break;
            }
        }

      if (!self->closing && self->chunk == NULL && !self->input_done && !self->reading && !must_pause (self))
        {
          self->reading = TRUE;
          g_input_stream_read_bytes_async (self->input, READ_CHUNK, G_PRIORITY_DEFAULT, self->read_cancellable,
                                           read_cb, g_object_ref (self));
        }

      if ((self->input_done || self->closing) && !self->closed && g_queue_is_empty (&self->waiting) &&
          self->n_in_flight == 0 && !self->writing && g_queue_is_empty (&self->out) && !self->reading)
        {
          self->closed = TRUE;
          g_signal_emit (self, signals[CLOSED], 0);
        }
    }
  while (self->pump_again);
  self->pumping = FALSE;
  g_object_unref (self);
}

/* GObject ------------------------------------------------------------------- */

static void
hangar_jsonrpc_dispose (GObject *object)
{
  HangarJsonrpc *self = HANGAR_JSONRPC (object);

  /* Waiting requests hold a reference: there are none left by now. */
  g_cancellable_cancel (self->read_cancellable);
  g_clear_object (&self->input);
  g_clear_object (&self->output);

  G_OBJECT_CLASS (hangar_jsonrpc_parent_class)->dispose (object);
}

static void
hangar_jsonrpc_finalize (GObject *object)
{
  HangarJsonrpc *self = HANGAR_JSONRPC (object);

  g_clear_object (&self->read_cancellable);
  g_clear_object (&self->write_cancellable);
  g_clear_pointer (&self->chunk, g_bytes_unref);
  g_string_free (self->line, TRUE);
  g_hash_table_unref (self->open);
  g_queue_clear_full (&self->out, (GDestroyNotify) g_bytes_unref);

  G_OBJECT_CLASS (hangar_jsonrpc_parent_class)->finalize (object);
}

static void
hangar_jsonrpc_class_init (HangarJsonrpcClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hangar_jsonrpc_dispose;
  object_class->finalize = hangar_jsonrpc_finalize;

  signals[REQUEST_RECEIVED] =
    g_signal_new ("request-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, HANGAR_TYPE_JSONRPC_REQUEST | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[NOTIFICATION_RECEIVED] =
    g_signal_new ("notification-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  JSON_TYPE_OBJECT | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
hangar_jsonrpc_init (HangarJsonrpc *self)
{
  self->read_cancellable = g_cancellable_new ();
  self->write_cancellable = g_cancellable_new ();
  self->line = g_string_new (NULL);
  self->open = g_hash_table_new (g_str_hash, g_str_equal);
  g_queue_init (&self->waiting);
  g_queue_init (&self->out);
}

/* Public -------------------------------------------------------------------- */

HangarJsonrpc *
hangar_jsonrpc_new (GInputStream  *input,
                    GOutputStream *output,
                    gsize          max_message_bytes)
{
  HangarJsonrpc *self;

  g_return_val_if_fail (G_IS_INPUT_STREAM (input), NULL);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (output), NULL);
  g_return_val_if_fail (max_message_bytes > 0, NULL);

  self = g_object_new (HANGAR_TYPE_JSONRPC, NULL);
  self->input = g_object_ref (input);
  self->output = g_object_ref (output);
  self->max_message_bytes = max_message_bytes;
  return self;
}

void
hangar_jsonrpc_start (HangarJsonrpc *self)
{
  g_return_if_fail (HANGAR_IS_JSONRPC (self));

  pump (self);
}

void
hangar_jsonrpc_close (HangarJsonrpc *self)
{
  GHashTableIter iter;
  gpointer value;
  g_autoptr(GPtrArray) open = g_ptr_array_new ();

  g_return_if_fail (HANGAR_IS_JSONRPC (self));

  if (self->closing)
    return;
  self->closing = TRUE;
  g_cancellable_cancel (self->read_cancellable);
  /* Output that waits for a peer that does not read would keep us alive
   * for ever: it goes. */
  if (!self->writing)
    {
      g_queue_clear_full (&self->out, (GDestroyNotify) g_bytes_unref);
      self->out_bytes = 0;
      self->out_pos = 0;
      self->output_broken = TRUE;
    }
  g_cancellable_cancel (self->write_cancellable);

  /* Waiting requests go unanswered; those in flight are cancelled, and
   * their handlers' answers dropped. */
  g_hash_table_iter_init (&iter, self->open);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (open, value);
  for (guint i = 0; i < open->len; i++)
    {
      HangarJsonrpcRequest *request = g_ptr_array_index (open, i);

      request->cancelled = TRUE;
      g_cancellable_cancel (request->cancellable);
    }
  while (!g_queue_is_empty (&self->waiting))
    {
      HangarJsonrpcRequest *request = g_queue_pop_head (&self->waiting);

      self->waiting_bytes -= request->size;
      request_finish (request);
      hangar_jsonrpc_request_unref (request);
    }
  pump (self);
}

gboolean
hangar_jsonrpc_cancel_request (HangarJsonrpc *self,
                               JsonNode      *id)
{
  g_autofree char *key = NULL;
  HangarJsonrpcRequest *request;

  g_return_val_if_fail (HANGAR_IS_JSONRPC (self), FALSE);

  if (id == NULL || (!node_is_string (id) && !node_is_number (id)))
    return FALSE;
  key = id_key (id);
  request = g_hash_table_lookup (self->open, key);
  if (request == NULL || request->cancelled)
    return FALSE;

  request->cancelled = TRUE;
  if (!request->dispatched)
    {
      g_queue_remove (&self->waiting, request);
      self->waiting_bytes -= request->size;
      request_finish (request);
      hangar_jsonrpc_request_unref (request);
      return TRUE;
    }
  /* Its handler sees the cancellation and answers; the answer is dropped. */
  g_cancellable_cancel (request->cancellable);
  return TRUE;
}

void
hangar_jsonrpc_notify (HangarJsonrpc *self,
                       const char    *method,
                       JsonObject    *params)
{
  g_autoptr(JsonObject) message = new_message ();

  g_return_if_fail (HANGAR_IS_JSONRPC (self));
  g_return_if_fail (method != NULL);

  json_object_set_string_member (message, "method", method);
  if (params != NULL)
    json_object_set_object_member (message, "params", json_object_ref (params));
  send_message (self, message);
}

guint
hangar_jsonrpc_get_n_in_flight (HangarJsonrpc *self)
{
  g_return_val_if_fail (HANGAR_IS_JSONRPC (self), 0);

  return self->n_in_flight;
}
