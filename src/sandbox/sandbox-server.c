/* sandbox-server.c — routing, authentication, rate limits, faults,
 * statistics and state persistence of hangar-sandbox (the control API is in
 * sandbox-control.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sandbox-private.h"

/* A sliding window: at most `limit` accepted requests within any
 * RATE_WINDOW_US. The window is 1 s minus a 50 ms tolerance so that a client
 * pacing exactly at the limit (5 requests 200 ms apart) is never refused
 * because of scheduling jitter. */
#define RATE_WINDOW_US (950 * G_TIME_SPAN_MILLISECOND)

typedef struct
{
  GQueue  stamps;          /* gint64 (as pointer-sized ints) of accepted requests */
  gint64  penalty_until_us;
} SandboxBucket;

typedef struct
{
  SandboxServer     *self;
  SoupServerMessage *msg;
  char              *path;
  GHashTable        *query;
  SandboxFault      *fault;   /* copy; owned */
  guint              source;
} DelayedRequest;

const char * const sandbox_basic_scopes[] = {
  "data.records:read", "data.records:write", "data.recordComments:read",
  "data.recordComments:write", "schema.bases:read", "schema.bases:write",
  "workspacesAndBases:read", "webhook:manage", "block:manage", "user.email:read", NULL,
};

static void dispatch (SandboxServer *self, SoupServerMessage *msg, const char *path,
                      GHashTable *query, SandboxFault *fault);

/* ------------------------------------------------------------------ misc */

void
sandbox_fault_free (SandboxFault *fault)
{
  if (fault == NULL)
    return;
  g_free (fault->path_prefix);
  g_free (fault->method);
  g_free (fault);
}

static void
bucket_free (SandboxBucket *bucket)
{
  g_queue_clear_full (&bucket->stamps, g_free);
  g_free (bucket);
}

void
sandbox_iterator_free (SandboxIterator *iter)
{
  if (iter == NULL)
    return;
  g_free (iter->id);
  g_free (iter->table_id);
  g_free (iter->base_id);
  g_ptr_array_unref (iter->record_ids);
  g_free (iter);
}

static void
count_inc (GHashTable *table,
           const char *key)
{
  gpointer old = g_hash_table_lookup (table, key);

  g_hash_table_insert (table, g_strdup (key), GSIZE_TO_POINTER (GPOINTER_TO_SIZE (old) + 1));
}

static const char *
path_of (SoupServerMessage *msg)
{
  GUri *uri = soup_server_message_get_uri (msg);

  /* NULL when libsoup refused an unparsable request line itself */
  return uri != NULL ? g_uri_get_path (uri) : "";
}

/* ------------------------------------------------------------ persistence */

static gboolean
save_now (SandboxServer *self,
          GError       **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *path = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;

  if (self->config.state_dir == NULL)
    return TRUE;
  root = sandbox_store_serialize (self);
  if (self->oauth != NULL)
    {
      JsonNode *oauth = sandbox_oauth_serialize (self->oauth);

      if (oauth != NULL)
        json_object_set_member (json_node_get_object (root), "oauth", oauth);
    }
  data = sandbox_json_generate (root, &len);
  path = g_build_filename (self->config.state_dir, "state.json", NULL);
  /* temp file + fsync + rename */
  return g_file_set_contents_full (path, data, len,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   0600, error);
}

static gboolean
save_timeout_cb (gpointer data)
{
  SandboxServer *self = data;
  g_autoptr(GError) error = NULL;

  self->save_source = 0;
  if (!save_now (self, &error))
    g_warning ("Could not save the sandbox state: %s", error->message);
  return G_SOURCE_REMOVE;
}

void
sandbox_server_changed (SandboxServer *self)
{
  if (self->config.state_dir == NULL || self->loading || self->save_source != 0)
    return;
  /* debounced: a burst of writes costs one save */
  self->save_source = g_timeout_add (200, save_timeout_cb, self);
}

void
sandbox_server_flush (SandboxServer *self)
{
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&self->save_source, g_source_remove);
  if (self->config.state_dir != NULL && !save_now (self, &error))
    g_warning ("Could not save the sandbox state: %s", error->message);
}

/* Reads DIR/state.json strictly (RFC 8259, nesting limited, the shape
 * checked): a damaged or hostile file is refused with the place of the
 * problem, and left untouched. */
static gboolean
load_state (SandboxServer *self,
            gboolean      *out_loaded,
            GError       **error)
{
  g_autofree char *path = g_build_filename (self->config.state_dir, "state.json", NULL);
  g_autofree char *data = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize len = 0;
  JsonNode *oauth;

  *out_loaded = FALSE;
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  if (!g_file_get_contents (path, &data, &len, error))
    return FALSE;
  root = sandbox_json_parse (data, len, SANDBOX_STATE_MAX_DEPTH, &local_error);
  if (root == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "state.json is not valid JSON: %s", local_error->message);
      return FALSE;
    }
  if (!sandbox_store_deserialize (self, root, &local_error))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "state.json: %s", local_error->message);
      return FALSE;
    }
  oauth = json_object_get_member (json_node_get_object (root), "oauth");
  self->loading = TRUE;
  if (oauth != NULL && self->oauth != NULL && !sandbox_oauth_deserialize (self->oauth, oauth, error))
    {
      self->loading = FALSE;
      return FALSE;
    }
  self->loading = FALSE;
  *out_loaded = TRUE;
  return TRUE;
}

/* ------------------------------------------------------- OAuth core funcs */

static GPtrArray *
oauth_list_users (gpointer core)
{
  SandboxServer *self = core;
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < self->users->len; i++)
    {
      SandboxUser *user = self->users->pdata[i];

      user->oauth_view.id = user->id;
      user->oauth_view.email = user->email;
      user->oauth_view.name = user->name;
      g_ptr_array_add (out, &user->oauth_view);
    }
  return out;
}

static GPtrArray *
oauth_list_user_bases (gpointer    core,
                       const char *user_id)
{
  SandboxServer *self = core;
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < self->bases->len; i++)
    {
      SandboxBase *base = self->bases->pdata[i];
      SandboxUser *owner = sandbox_server_find_user (self, base->owner_id);

      if (user_id == NULL || !g_hash_table_contains (base->access, user_id))
        continue;
      base->oauth_view.id = base->id;
      base->oauth_view.name = base->name;
      base->oauth_view.workspace = owner != NULL ? owner->workspace_name : "Workspace";
      g_ptr_array_add (out, &base->oauth_view);
    }
  return out;
}

static void
oauth_changed (gpointer core)
{
  sandbox_server_changed (core);
}

/* ------------------------------------------------------------------- auth */

gboolean
sandbox_auth_has_scope (SandboxAuth *auth,
                        const char  *scope)
{
  return sandbox_strv_contains (auth->scopes, scope);
}

const char *
sandbox_base_permission (SandboxBase *base,
                         const char  *user_id)
{
  return g_hash_table_lookup (base->access, user_id);
}

/* Whether a base permission @level (none, read, comment, edit, create) is
 * at least @wanted. */
gboolean
sandbox_level_at_least (const char *level,
                        const char *wanted)
{
  const char *order[] = { "none", "read", "comment", "edit", "create", NULL };
  int have = -1, want = 0;

  for (int i = 0; order[i] != NULL; i++)
    {
      if (level != NULL && g_str_equal (order[i], level))
        have = i;
      if (g_str_equal (order[i], wanted))
        want = i;
    }
  return have >= want;
}

gboolean
sandbox_auth_can_see_base (SandboxServer *self,
                           SandboxAuth   *auth,
                           SandboxBase   *base)
{
  if (base == NULL || sandbox_base_permission (base, auth->user->id) == NULL)
    return FALSE;
  if (auth->is_oauth && !sandbox_strv_contains (auth->base_ids, base->id))
    return FALSE;
  return TRUE;
}

static void
auth_clear (SandboxAuth *auth)
{
  g_strfreev (auth->scopes);
  g_strfreev (auth->base_ids);
  g_free (auth->client_id);
  g_free (auth->token);
}

static gboolean
authenticate (SandboxServer     *self,
              SoupServerMessage *msg,
              SandboxAuth       *auth)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
  g_autofree char *token = NULL;

  memset (auth, 0, sizeof *auth);
  if (header != NULL && g_ascii_strncasecmp (header, "Bearer ", 7) == 0)
    token = g_strstrip (g_strdup (header + 7));

  if (token != NULL && *token != '\0')
    {
      if (g_str_has_prefix (token, "pat"))
        for (guint i = 0; i < self->users->len && auth->user == NULL; i++)
          {
            SandboxUser *user = self->users->pdata[i];

            for (guint j = 0; j < user->pats->len; j++)
              {
                SandboxPat *pat = user->pats->pdata[j];

                if (g_str_equal (pat->token, token))
                  {
                    auth->user = user;
                    auth->scopes = g_strdupv (pat->scopes);
                    break;
                  }
              }
          }
      if (auth->user == NULL && self->oauth != NULL)
        {
          SandboxOAuthTokenInfo *info = sandbox_oauth_lookup_access_token (self->oauth, token);

          if (info != NULL)
            {
              auth->user = sandbox_server_find_user (self, info->user_id);
              auth->scopes = g_strdupv (info->scopes);
              auth->base_ids = g_strdupv (info->base_ids != NULL ? info->base_ids : (char *[]) { NULL });
              auth->is_oauth = TRUE;
              auth->client_id = g_strdup (info->client_id);
              sandbox_oauth_token_info_free (info);
            }
        }
    }

  if (auth->user == NULL)
    {
      auth_clear (auth);
      memset (auth, 0, sizeof *auth);
      sandbox_respond_error (msg, 401, "AUTHENTICATION_REQUIRED", "Authentication required");
      return FALSE;
    }
  auth->token = g_steal_pointer (&token);
  count_inc (self->by_user, auth->user->id);
  return TRUE;
}

/* ------------------------------------------------------------ rate limits */

static gboolean
rate_check (SandboxServer *self,
            const char    *key,
            guint          limit)
{
  SandboxBucket *bucket;
  gint64 now = g_get_monotonic_time ();

  if (!self->config.rate_limit)
    return TRUE;
  bucket = g_hash_table_lookup (self->buckets, key);
  if (bucket == NULL)
    {
      bucket = g_new0 (SandboxBucket, 1);
      g_queue_init (&bucket->stamps);
      g_hash_table_insert (self->buckets, g_strdup (key), bucket);
    }
  if (bucket->penalty_until_us > now)
    return FALSE;
  while (!g_queue_is_empty (&bucket->stamps)
         && *(gint64 *) g_queue_peek_head (&bucket->stamps) <= now - RATE_WINDOW_US)
    g_free (g_queue_pop_head (&bucket->stamps));
  if (g_queue_get_length (&bucket->stamps) >= limit)
    {
      bucket->penalty_until_us = now + (gint64) (self->config.penalty_s * G_USEC_PER_SEC);
      while (!g_queue_is_empty (&bucket->stamps))
        g_free (g_queue_pop_head (&bucket->stamps));
      return FALSE;
    }
  g_queue_push_tail (&bucket->stamps, g_memdup2 (&now, sizeof now));
  return TRUE;
}

static void
respond_rate_limited (SandboxServer     *self,
                      SoupServerMessage *msg)
{
  self->rate_limited++;
  sandbox_respond_error (msg, 429, "RATE_LIMIT_REACHED", "Rate limit exceeded. Please try again later");
}

gboolean
sandbox_server_check_base_rate (SandboxServer     *self,
                                SoupServerMessage *msg,
                                SandboxBase       *base)
{
  g_autofree char *key = g_strconcat ("base:", base->id, NULL);

  if (rate_check (self, key, 5))
    return TRUE;
  respond_rate_limited (self, msg);
  return FALSE;
}

/* ---------------------------------------------------------------- faults */

static SandboxFault *
take_fault (SandboxServer *self,
            const char    *method,
            const char    *path)
{
  for (GList *l = self->faults->head; l != NULL; l = l->next)
    {
      SandboxFault *fault = l->data;
      SandboxFault *copy;

      if (fault->path_prefix != NULL && !g_str_has_prefix (path, fault->path_prefix))
        continue;
      if (fault->method != NULL && g_ascii_strcasecmp (fault->method, method) != 0)
        continue;
      copy = g_memdup2 (fault, sizeof *fault);
      copy->path_prefix = NULL;
      copy->method = NULL;
      if (--fault->count == 0)
        {
          g_queue_delete_link (self->faults, l);
          sandbox_fault_free (fault);
        }
      return copy;
    }
  return NULL;
}

static void
apply_status_fault (SoupServerMessage *msg,
                    SandboxFault      *fault)
{
  if (fault->retry_after >= 0)
    {
      g_autofree char *value = g_strdup_printf ("%.0f", fault->retry_after);

      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", value);
    }
  switch (fault->status)
    {
    case 503:
      sandbox_respond_error (msg, 503, "RETRIABLE_ERROR",
                             "Server encountered an error while processing your request, and it is safe to retry the request");
      break;
    case 429:
      sandbox_respond_error (msg, 429, "RATE_LIMIT_REACHED", "Rate limit exceeded. Please try again later");
      break;
    case 401:
      sandbox_respond_error (msg, 401, "AUTHENTICATION_REQUIRED", "Authentication required");
      break;
    case 404:
      sandbox_respond_not_found (msg);
      break;
    case 502:
      soup_server_message_set_status (msg, 502, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC,
                                        "<html><body>502 Bad Gateway</body></html>", 41);
      break;
    default:
      sandbox_respond_error (msg, fault->status, "SERVER_ERROR", "Injected fault");
      break;
    }
}

static void
make_malformed (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);
  g_autofree char *cut = NULL;

  /* half of a JSON document, never valid JSON */
  if (len < 4)
    cut = g_strdup ("{\"records\": [");
  else
    cut = g_strndup (data, len / 2);
  soup_message_body_truncate (body);
  soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_COPY, cut, strlen (cut));
}

static void
drop_connection (SoupServerMessage *msg)
{
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);
}

static void
delayed_request_free (DelayedRequest *req)
{
  g_clear_handle_id (&req->source, g_source_remove);
  g_clear_object (&req->msg);
  g_free (req->path);
  g_clear_pointer (&req->query, g_hash_table_unref);
  sandbox_fault_free (req->fault);
  g_free (req);
}

static gboolean
delayed_cb (gpointer data)
{
  DelayedRequest *req = data;
  SandboxServer *self = req->self;
  SandboxFault *fault = g_steal_pointer (&req->fault);
  g_autoptr(SoupServerMessage) msg = g_object_ref (req->msg);
  g_autofree char *path = g_strdup (req->path);
  g_autoptr(GHashTable) query = req->query != NULL ? g_hash_table_ref (req->query) : NULL;

  req->source = 0;
  g_ptr_array_remove_fast (self->delayed, req);   /* frees it */
  fault->delay_ms = 0;
  soup_server_message_unpause (msg);
  dispatch (self, msg, path, query, fault);
  return G_SOURCE_REMOVE;
}

/* Answers every request a delay fault still holds, now. */
void
sandbox_server_release_delayed (SandboxServer *self)
{
  while (self->delayed->len > 0)
    {
      DelayedRequest *req = self->delayed->pdata[self->delayed->len - 1];

      g_clear_handle_id (&req->source, g_source_remove);
      delayed_cb (req);
    }
}

/* --------------------------------------------------------------- routing */

static gboolean
write_method (SoupServerMessage *msg)
{
  const char *method = soup_server_message_get_method (msg);

  return g_str_equal (method, "POST") || g_str_equal (method, "PATCH") || g_str_equal (method, "PUT")
         || g_str_equal (method, "DELETE");
}

static void
handle_api (SandboxServer     *self,
            SoupServerMessage *msg,
            const char        *path)
{
  const char *raw_query = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autoptr(GPtrArray) query = sandbox_parse_query (raw_query);
  g_auto(GStrv) raw_segments = g_strsplit (path + strlen ("/v0/"), "/", -1);
  g_autoptr(GPtrArray) segments = g_ptr_array_new_with_free_func (g_free);
  SandboxAuth auth;
  SandboxBase *base;
  SandboxChanges *changes;
  guint n;

  for (guint i = 0; raw_segments[i] != NULL; i++)
    {
      /* libsoup hands us the path already percent-decoded */
      char *seg = g_strdup (raw_segments[i]);

      if (!g_utf8_validate (seg, -1, NULL))
        {
          g_free (seg);
          sandbox_respond_not_found (msg);
          return;
        }
      if (*seg == '\0' && raw_segments[i + 1] == NULL && i > 0)
        {
          g_free (seg);   /* a trailing slash */
          continue;
        }
      g_ptr_array_add (segments, seg);
    }
  g_ptr_array_add (segments, NULL);
  if (segments->len <= 1 || *(char *) segments->pdata[0] == '\0')
    {
      sandbox_respond_not_found (msg);
      return;
    }

  if (!authenticate (self, msg, &auth))
    return;

  if (!rate_check (self, auth.token, 50))
    {
      respond_rate_limited (self, msg);
      auth_clear (&auth);
      return;
    }

  n = segments->len - 1;
  if (n >= 3 && g_str_equal (segments->pdata[0], "bases") && g_str_equal (segments->pdata[2], "webhooks"))
    {
      base = sandbox_server_find_base (self, segments->pdata[1]);
      if (base == NULL || !sandbox_auth_can_see_base (self, &auth, base))
        sandbox_respond_forbidden (msg);
      else
        sandbox_webhooks_handle (self, msg, &auth, base, (char **) segments->pdata + 3, n - 3, query);
      auth_clear (&auth);
      return;
    }

  if (g_str_equal (segments->pdata[0], "meta"))
    {
      /* a schema change is reported to the base's webhooks */
      base = n >= 3 && g_str_equal (segments->pdata[1], "bases") ? sandbox_server_find_base (self, segments->pdata[2]) : NULL;
      changes = write_method (msg) ? sandbox_changes_begin (self, base, "publicApi", auth.user->id, NULL) : NULL;
      sandbox_meta_handle (self, msg, &auth, (char **) segments->pdata + 1, segments->len - 2, query);
      sandbox_changes_end (changes, SOUP_STATUS_IS_SUCCESSFUL (soup_server_message_get_status (msg)));
      auth_clear (&auth);
      return;
    }

  base = sandbox_server_find_base (self, segments->pdata[0]);
  if (segments->len - 1 < 2)
    {
      if (base == NULL || !sandbox_auth_can_see_base (self, &auth, base))
        sandbox_respond_forbidden (msg);
      else
        sandbox_respond_not_found (msg);
      auth_clear (&auth);
      return;
    }
  self->acting_user_id = auth.user->id;
  changes = write_method (msg) ? sandbox_changes_begin (self, base, "publicApi", auth.user->id, NULL) : NULL;
  sandbox_records_handle (self, msg, &auth, base, (char **) segments->pdata + 1, segments->len - 2, query);
  sandbox_changes_end (changes, SOUP_STATUS_IS_SUCCESSFUL (soup_server_message_get_status (msg)));
  self->acting_user_id = NULL;
  auth_clear (&auth);
}

/* Answers the request now, or hands it on (a delay fault, a dropped
 * connection): then FALSE. */
static gboolean
dispatch_now (SandboxServer     *self,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              SandboxFault      *fault)
{
  if (fault != NULL && fault->delay_ms > 0)
    {
      DelayedRequest *req = g_new0 (DelayedRequest, 1);

      req->self = self;
      req->msg = g_object_ref (msg);
      req->path = g_strdup (path);
      req->query = query != NULL ? g_hash_table_ref (query) : NULL;
      req->fault = fault;
      soup_server_message_pause (msg);
      req->source = g_timeout_add (fault->delay_ms, delayed_cb, req);
      g_ptr_array_add (self->delayed, req);
      return FALSE;
    }
  if (fault != NULL && fault->drop)
    {
      self->requests++;   /* no finished/aborted signal follows a stolen connection */
      drop_connection (msg);
      sandbox_fault_free (fault);
      return FALSE;
    }
  if (fault != NULL && fault->status != 0)
    {
      apply_status_fault (msg, fault);
      sandbox_fault_free (fault);
      return TRUE;
    }

  if (g_str_has_prefix (path, "/oauth2/v1/"))
    {
      if (self->oauth == NULL || !sandbox_oauth_handle (self->oauth, msg, path, query))
        sandbox_respond_not_found (msg);
    }
  else if (g_str_has_prefix (path, "/v0/"))
    handle_api (self, msg, path);
  else
    sandbox_respond_not_found (msg);

  if (fault != NULL && fault->malformed)
    make_malformed (msg);
  sandbox_fault_free (fault);
  return TRUE;
}

/* Every answer outside the control API: worked out now, then held for the
 * configured latency (sandbox-latency.c). */
static void
dispatch (SandboxServer     *self,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          SandboxFault      *fault)
{
  if (dispatch_now (self, msg, path, query, fault))
    sandbox_latency_hold (self, msg);
}

static void
got_chunk_cb (SoupServerMessage *msg,
              GBytes            *chunk,
              gpointer           data)
{
  gsize total = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (msg), "sandbox-body-size")) + g_bytes_get_size (chunk);

  g_object_set_data (G_OBJECT (msg), "sandbox-body-size", GSIZE_TO_POINTER (total));
  if (total > SANDBOX_MAX_BODY)
    {
      /* a chunked body past the cap: stop keeping it; the handler answers 413 */
      soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
      g_object_set_data (G_OBJECT (msg), "sandbox-too-large", GINT_TO_POINTER (1));
    }
}

/* libsoup answers a request it cannot parse (a bad %-escape or a NUL in the
 * URL, a broken request line or header, an unknown Transfer-Encoding) by
 * itself: it sets 400 (or 501) and writes the response without calling any
 * handler or signal in between. But "request-started" comes before the
 * parse, and whatever response body and headers the message holds by then
 * are what libsoup sends. So every message starts with an Airtable-style
 * error body (no status: a status would skip the handlers), and a request
 * that parses drops it again in "got-headers". */
static const char unparsable_body[] =
  "{\"error\":{\"type\":\"INVALID_REQUEST_UNKNOWN\",\"message\":\"Invalid request: "
  "the request line, URL or headers could not be parsed.\"}}";

static void
drop_prefilled_body_cb (SoupServerMessage *msg,
                        gpointer           data)
{
  if (soup_server_message_get_status (msg) != 0)
    return;   /* an early handler already answered (413) */
  soup_message_body_truncate (soup_server_message_get_response_body (msg));
  soup_message_headers_remove (soup_server_message_get_response_headers (msg), "Content-Type");
}

static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_STATIC,
                                    unparsable_body, sizeof unparsable_body - 1);
  g_signal_connect (msg, "got-headers", G_CALLBACK (drop_prefilled_body_cb), NULL);
}

/* Runs after the headers, before the body is read: an announced oversized
 * body is refused without reading (and buffering) it. */
static void
early_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  goffset length = soup_message_headers_get_content_length (soup_server_message_get_request_headers (msg));

  if (length > SANDBOX_MAX_BODY)
    {
      /* whatever of the body still arrives is not kept */
      soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
      sandbox_respond_error (msg, 413, "REQUEST_TOO_LARGE", "The request body exceeds the 2 MB limit.");
    }
  else if (soup_message_headers_get_encoding (soup_server_message_get_request_headers (msg)) == SOUP_ENCODING_CHUNKED)
    g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk_cb), NULL);
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  SandboxServer *self = user_data;
  GUri *uri = soup_server_message_get_uri (msg);
  const char *raw_path = g_uri_get_path (uri);
  const char *raw_query = g_uri_get_query (uri);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  gsize url_len = strlen (raw_path) + (raw_query != NULL ? strlen (raw_query) + 1 : 0);

  if (url_len > SANDBOX_MAX_URL)
    {
      sandbox_respond_error (msg, 414, "REQUEST_URI_TOO_LONG",
                             "The request URL is longer than 16000 characters. Use POST listRecords for long queries.");
      return;
    }
  if ((body != NULL && body->length > SANDBOX_MAX_BODY) || g_object_get_data (G_OBJECT (msg), "sandbox-too-large") != NULL)
    {
      sandbox_respond_error (msg, 413, "REQUEST_TOO_LARGE", "The request body exceeds the 2 MB limit.");
      return;
    }
  if (g_str_has_prefix (raw_path, "/__sandbox/"))
    {
      sandbox_control_handle (self, msg, raw_path);
      return;
    }
  dispatch (self, msg, raw_path, query, take_fault (self, soup_server_message_get_method (msg), raw_path));
}

static void
request_finished_cb (SoupServer        *server,
                     SoupServerMessage *msg,
                     gpointer           user_data)
{
  SandboxServer *self = user_data;
  const char *path = path_of (msg);
  char key[16];

  if (path == NULL || g_str_has_prefix (path, "/__sandbox/"))
    return;
  self->requests++;
  if (soup_server_message_get_status (msg) < 100)
    return;   /* dropped without an answer */
  g_snprintf (key, sizeof key, "%u", soup_server_message_get_status (msg));
  count_inc (self->by_status, key);
}

static gboolean
sweep_cb (gpointer data)
{
  SandboxServer *self = data;
  GHashTableIter iter;
  gpointer value;
  gint64 now = g_get_monotonic_time ();
  gint64 ttl = (gint64) (self->config.iterator_ttl_s * G_USEC_PER_SEC);

  g_hash_table_iter_init (&iter, self->iterators);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      SandboxIterator *it = value;

      if (now - it->last_used_us > ttl)
        g_hash_table_iter_remove (&iter);
    }
  return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------ public API */

SandboxServer *
sandbox_server_new (const SandboxConfig *config,
                    GError             **error)
{
  SandboxServer *self = g_new0 (SandboxServer, 1);
  SandboxOAuthConfig oconfig = { 0 };
  static const SandboxOAuthCoreFuncs funcs = { oauth_list_users, oauth_list_user_bases, oauth_changed };
  gboolean loaded = FALSE;

  self->config = *config;
  self->config.state_dir = g_strdup (config->state_dir);
  self->config.redirect_uris = g_strdupv (config->redirect_uris);
  self->config.generate = g_strdupv (config->generate);
  self->users = g_ptr_array_new_with_free_func ((GDestroyNotify) sandbox_user_free);
  self->bases = g_ptr_array_new_with_free_func ((GDestroyNotify) sandbox_base_free);
  self->iterators = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) sandbox_iterator_free);
  self->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) bucket_free);
  self->faults = g_queue_new ();
  self->pending_choices = g_ptr_array_new_with_free_func (g_free);
  self->uploads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  self->upload_types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->by_status = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->by_user = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sandbox_latency_setup (self);
  self->delayed = g_ptr_array_new_with_free_func ((GDestroyNotify) delayed_request_free);
  self->webhook_retry_base_ms = 10000;

  oconfig.access_ttl_s = config->access_ttl_s;
  oconfig.refresh_ttl_s = config->refresh_ttl_s;
  oconfig.code_ttl_s = config->code_ttl_s > 0 ? config->code_ttl_s : 600;
  oconfig.refresh_grace_ms = config->refresh_grace_ms > 0 ? config->refresh_grace_ms : 2000;
  oconfig.auto_approve = config->auto_approve;
  oconfig.auto_deny = config->auto_deny;
  self->oauth = sandbox_oauth_new (&oconfig, &funcs, self);

  if (self->config.state_dir != NULL)
    {
      if (g_mkdir_with_parents (self->config.state_dir, 0700) != 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot create %s", self->config.state_dir);
          sandbox_server_free (self);
          return NULL;
        }
      if (!load_state (self, &loaded, error))
        {
          g_prefix_error (error, "Cannot load the state in %s: ", self->config.state_dir);
          sandbox_server_free (self);
          return NULL;
        }
    }
  if (!loaded)
    sandbox_demo_populate (self);

  for (guint i = 0; self->config.generate != NULL && self->config.generate[i] != NULL; i++)
    if (!sandbox_demo_generate (self, self->config.generate[i], error))
      {
        sandbox_server_free (self);
        return NULL;
      }
  /* a generated base from a saved state that this run did not ask for again */
  for (guint i = self->bases->len; i > 0; i--)
    {
      SandboxBase *base = self->bases->pdata[i - 1];

      if (base->generated_spec != NULL && base->tables->len == 0)
        g_ptr_array_remove_index (self->bases, i - 1);
    }
  return self;
}

void
sandbox_server_free (SandboxServer *self)
{
  if (self == NULL)
    return;
  g_clear_handle_id (&self->save_source, g_source_remove);
  g_clear_handle_id (&self->sweep_source, g_source_remove);
  sandbox_latency_clear (self);
  g_clear_pointer (&self->delayed, g_ptr_array_unref);
  if (self->ping_cancellable != NULL)
    g_cancellable_cancel (self->ping_cancellable);
  g_clear_object (&self->ping_cancellable);
  g_clear_object (&self->ping_session);
  g_clear_object (&self->soup);
  g_clear_pointer (&self->oauth, sandbox_oauth_free);
  g_hash_table_unref (self->iterators);
  g_hash_table_unref (self->buckets);
  g_queue_free_full (self->faults, (GDestroyNotify) sandbox_fault_free);
  g_ptr_array_unref (self->pending_choices);
  g_hash_table_unref (self->uploads);
  g_hash_table_unref (self->upload_types);
  g_hash_table_unref (self->by_status);
  g_hash_table_unref (self->by_user);
  g_ptr_array_unref (self->bases);
  g_ptr_array_unref (self->users);
  g_free (self->url);
  g_free (self->client_id);
  g_free (self->confidential_client_id);
  g_free (self->confidential_client_secret);
  g_free (self->config.state_dir);
  g_strfreev (self->config.redirect_uris);
  g_strfreev (self->config.generate);
  g_free (self);
}

gboolean
sandbox_server_start (SandboxServer *self,
                      GError       **error)
{
  g_autoptr(GSList) uris = NULL;
  g_autoptr(GPtrArray) redirects = g_ptr_array_new ();
  static const char * const confidential_redirects[] = { SANDBOX_DEFAULT_REDIRECT, NULL };

  self->soup = soup_server_new ("server-header", "hangar-sandbox", NULL);
  soup_server_add_early_handler (self->soup, NULL, early_cb, self, NULL);
  soup_server_add_handler (self->soup, NULL, server_cb, self, NULL);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (request_started_cb), self);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (request_finished_cb), self);
  /* libsoup reports a 5xx answer (it closes the connection after it) and
   * a dropped connection as "aborted": both are requests too */
  g_signal_connect (self->soup, "request-aborted", G_CALLBACK (request_finished_cb), self);
  if (!soup_server_listen_local (self->soup, self->config.port, SOUP_SERVER_LISTEN_IPV4_ONLY, error))
    return FALSE;
  uris = soup_server_get_uris (self->soup);
  if (uris == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Not listening");
      return FALSE;
    }
  self->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

  g_ptr_array_add (redirects, (char *) SANDBOX_DEFAULT_REDIRECT);
  for (guint i = 0; self->config.redirect_uris != NULL && self->config.redirect_uris[i] != NULL; i++)
    g_ptr_array_add (redirects, self->config.redirect_uris[i]);
  g_ptr_array_add (redirects, NULL);
  if (self->oauth != NULL)
    {
      self->client_id = g_strdup (sandbox_oauth_add_integration (self->oauth, "Hangar Sandbox",
                                                                 (const char * const *) redirects->pdata,
                                                                 sandbox_basic_scopes, NULL));
      self->confidential_client_secret = sandbox_random_hex (32);
      self->confidential_client_id = g_strdup (sandbox_oauth_add_integration (self->oauth, "Hangar Sandbox (confidential)",
                                                                              confidential_redirects,
                                                                              sandbox_basic_scopes,
                                                                              self->confidential_client_secret));
    }
  self->sweep_source = g_timeout_add_seconds (2, sweep_cb, self);
  return TRUE;
}

char *
sandbox_server_startup_line (SandboxServer *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  SandboxUser *demo = self->users->pdata[0];
  SandboxPat *pat = demo->pats->len > 0 ? demo->pats->pdata[0] : NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "url");
  json_builder_add_string_value (b, self->url);
  json_builder_set_member_name (b, "pat");
  json_builder_add_string_value (b, pat != NULL ? pat->token : "");
  json_builder_set_member_name (b, "client_id");
  json_builder_add_string_value (b, self->client_id != NULL ? self->client_id : "");
  json_builder_set_member_name (b, "redirect_uri");
  json_builder_add_string_value (b, SANDBOX_DEFAULT_REDIRECT);
  json_builder_set_member_name (b, "user_id");
  json_builder_add_string_value (b, demo->id);
  json_builder_set_member_name (b, "email");
  json_builder_add_string_value (b, demo->email);
  json_builder_set_member_name (b, "confidential_client_id");
  json_builder_add_string_value (b, self->confidential_client_id != NULL ? self->confidential_client_id : "");
  json_builder_set_member_name (b, "confidential_client_secret");
  json_builder_add_string_value (b, self->confidential_client_secret != NULL ? self->confidential_client_secret : "");
  json_builder_set_member_name (b, "users");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->users->len; i++)
    {
      SandboxUser *user = self->users->pdata[i];
      SandboxPat *upat = user->pats->len > 0 ? user->pats->pdata[0] : NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, user->id);
      json_builder_set_member_name (b, "email");
      json_builder_add_string_value (b, user->email);
      json_builder_set_member_name (b, "pat");
      json_builder_add_string_value (b, upat != NULL ? upat->token : "");
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return sandbox_json_generate (root, NULL);
}
