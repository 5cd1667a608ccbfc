/* hangar-jsonrpc.h — JSON-RPC 2.0 over a newline-delimited byte stream
 *
 * One JSON text per line in both directions (the framing of the Model
 * Context Protocol's stdio transport). Everything read passes
 * hangar_json_parse() with a bound on the line length, so no input — too
 * long, too deep, not UTF-8, not JSON, not a JSON-RPC message — costs more
 * than that bound in memory or ends in anything but an error answer.
 *
 * Requests are queued and handed out a few at a time ("request-received");
 * while too many wait, or too much output waits for the peer to read it,
 * reading stops: memory stays bounded whatever the peer sends and however
 * slowly it reads. Every request is answered exactly once: a request whose
 * handler drops it unanswered gets an internal error, and a cancelled one
 * (hangar_jsonrpc_cancel_request()) gets no answer at all.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The error codes of JSON-RPC 2.0 (https://www.jsonrpc.org/specification). */
#define HANGAR_JSONRPC_PARSE_ERROR       (-32700)
#define HANGAR_JSONRPC_INVALID_REQUEST   (-32600)
#define HANGAR_JSONRPC_METHOD_NOT_FOUND  (-32601)
#define HANGAR_JSONRPC_INVALID_PARAMS    (-32602)
#define HANGAR_JSONRPC_INTERNAL_ERROR    (-32603)

/* One request, from its arrival to its answer. */
typedef struct _HangarJsonrpcRequest HangarJsonrpcRequest;

#define HANGAR_TYPE_JSONRPC_REQUEST (hangar_jsonrpc_request_get_type ())
GType                 hangar_jsonrpc_request_get_type     (void) G_GNUC_CONST;
HangarJsonrpcRequest *hangar_jsonrpc_request_ref          (HangarJsonrpcRequest *self);
void                  hangar_jsonrpc_request_unref        (HangarJsonrpcRequest *self);
const char           *hangar_jsonrpc_request_get_method   (HangarJsonrpcRequest *self);
/* The "params" object, or NULL when the request had none. */
JsonObject           *hangar_jsonrpc_request_get_params   (HangarJsonrpcRequest *self);
/* The id (a string or a number), as the peer sent it. */
JsonNode             *hangar_jsonrpc_request_get_id       (HangarJsonrpcRequest *self);
/* Cancelled when the peer cancels the request or the channel closes. */
GCancellable         *hangar_jsonrpc_request_get_cancellable (HangarJsonrpcRequest *self);
/* Answers with @result (transfer none). Only the first answer counts; an
 * answer to a cancelled request is dropped. */
void                  hangar_jsonrpc_request_reply        (HangarJsonrpcRequest *self,
                                                           JsonNode             *result);
/* Answers with an error; @data may be NULL (transfer none). */
void                  hangar_jsonrpc_request_reply_error  (HangarJsonrpcRequest *self,
                                                           int                   code,
                                                           const char           *message,
                                                           JsonNode             *data);
gboolean              hangar_jsonrpc_request_is_answered  (HangarJsonrpcRequest *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarJsonrpcRequest, hangar_jsonrpc_request_unref)

#define HANGAR_TYPE_JSONRPC (hangar_jsonrpc_get_type ())

G_DECLARE_FINAL_TYPE (HangarJsonrpc, hangar_jsonrpc, HANGAR, JSONRPC, GObject)

/*
 * Signals:
 *   "request-received"      (HangarJsonrpcRequest *request)
 *       A request to answer, now or later, with hangar_jsonrpc_request_reply*().
 *   "notification-received" (const char *method, JsonObject *params)
 *       A notification (no id); @params may be NULL. Nothing is answered.
 *   "closed"                ()
 *       The input ended (or the output broke) and every request has been
 *       answered and written out: the peer is done with us.
 */

/* @max_message_bytes: the longest line accepted; a longer one is read to
 * its end without being kept and answered with an error. */
HangarJsonrpc *hangar_jsonrpc_new              (GInputStream   *input,
                                                GOutputStream  *output,
                                                gsize           max_message_bytes);
/* Starts reading. */
void           hangar_jsonrpc_start            (HangarJsonrpc  *self);
/* Stops: no more reading, every request cancelled (its answer dropped),
 * output not yet written dropped. "closed" follows once every handler has
 * answered. */
void           hangar_jsonrpc_close            (HangarJsonrpc  *self);
/* The peer no longer wants the answer to the request @id: one still
 * waiting is dropped, one being handled is cancelled and its answer will
 * not be sent. FALSE when no such request is open. */
gboolean       hangar_jsonrpc_cancel_request   (HangarJsonrpc  *self,
                                                JsonNode       *id);
/* Sends a notification (@params may be NULL; transfer none). */
void           hangar_jsonrpc_notify           (HangarJsonrpc  *self,
                                                const char     *method,
                                                JsonObject     *params);
/* Requests handed to "request-received" and not answered yet. */
guint          hangar_jsonrpc_get_n_in_flight  (HangarJsonrpc  *self);

G_END_DECLS
