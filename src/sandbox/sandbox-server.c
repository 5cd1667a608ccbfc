/* sandbox-server.c — routing, authentication, rate limits, faults, the
 * control API, statistics and state persistence of hangar-sandbox
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
  guint     count;
  guint     status;
  double    retry_after;
  guint     delay_ms;
  gboolean  drop;
  gboolean  malformed;
  char     *path_prefix;
  char     *method;       /* only requests of this method, or any */
} SandboxFault;

typedef struct
{
  SandboxServer     *self;
  SoupServerMessage *msg;
  char              *path;
  GHashTable        *query;
  SandboxFault      *fault;   /* copy; owned */
} DelayedRequest;

const char * const sandbox_basic_scopes[] = {
  "data.records:read", "data.records:write", "data.recordComments:read",
  "data.recordComments:write", "schema.bases:read", "schema.bases:write",
  "workspacesAndBases:read", "webhook:manage", "block:manage", "user.email:read", NULL,
};

static void dispatch (SandboxServer *self, SoupServerMessage *msg, const char *path,
                      GHashTable *query, SandboxFault *fault);

/* ------------------------------------------------------------------ misc */

static void
fault_free (SandboxFault *fault)
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
  g_autoptr(JsonGenerator) gen = json_generator_new ();
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
  json_generator_set_root (gen, root);
  data = json_generator_to_data (gen, &len);
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

static gboolean
load_state (SandboxServer *self,
            gboolean      *out_loaded,
            GError       **error)
{
  g_autofree char *path = g_build_filename (self->config.state_dir, "state.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonNode *oauth;

  *out_loaded = FALSE;
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  if (!json_parser_load_from_file (parser, path, error))
    return FALSE;
  root = json_parser_get_root (parser);
  if (!sandbox_store_deserialize (self, root, error))
    return FALSE;
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

/* ------------------------------------------------------------ control API */

static SandboxUser *
control_user (SandboxServer *self,
              JsonObject    *body,
              gboolean      *bad)
{
  JsonNode *node = body != NULL ? json_object_get_member (body, "user") : NULL;

  *bad = FALSE;
  if (node == NULL)
    return self->users->pdata[0];
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      SandboxUser *user = sandbox_server_find_user (self, json_node_get_string (node));

      *bad = user == NULL;
      return user;
    }
  *bad = TRUE;
  return NULL;
}

static JsonObject *
counts_object (GHashTable *table)
{
  JsonObject *obj = json_object_new ();
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, &value))
    json_object_set_int_member (obj, key, (gint64) GPOINTER_TO_SIZE (value));
  return obj;
}

static const char *
body_string (JsonObject *body,
             const char *member)
{
  JsonNode *node = body != NULL ? json_object_get_member (body, member) : NULL;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

static void
serve_attachment (SandboxServer     *self,
                  SoupServerMessage *msg,
                  const char        *path)
{
  const char *name = strrchr (path, '/');
  g_auto(GStrv) parts = g_strsplit (path + strlen ("/__sandbox/attachments/"), "/", 2);
  GBytes *uploaded = parts[0] != NULL ? g_hash_table_lookup (self->uploads, parts[0]) : NULL;

  if (uploaded != NULL)
    {
      gsize len = 0;
      const char *data = g_bytes_get_data (uploaded, &len);

      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, g_hash_table_lookup (self->upload_types, parts[0]),
                                        SOUP_MEMORY_COPY, data, len);
      return;
    }
  static const char svg[] =
    "<svg xmlns='http://www.w3.org/2000/svg' width='640' height='640'>"
    "<rect width='640' height='640' fill='#3584e4'/>"
    "<text x='320' y='330' font-size='48' text-anchor='middle' fill='white'>Hangar sandbox</text></svg>";

  name = name != NULL ? name + 1 : path;
  soup_server_message_set_status (msg, 200, NULL);
  if (g_str_has_suffix (name, ".png") || g_str_has_suffix (name, ".jpg") || g_str_has_suffix (name, ".svg"))
    soup_server_message_set_response (msg, "image/svg+xml", SOUP_MEMORY_STATIC, svg, strlen (svg));
  else
    {
      g_autofree char *text = g_strdup_printf ("This is %s, a placeholder file served by hangar-sandbox.\n", name);

      soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_COPY, text, strlen (text));
    }
}

static void
handle_control (SandboxServer     *self,
                SoupServerMessage *msg,
                const char        *path)
{
  const char *method = soup_server_message_get_method (msg);
  const char *name = path + strlen ("/__sandbox/");
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autoptr(JsonNode) body_node = NULL;
  JsonObject *body = NULL;
  gboolean bad = FALSE;
  SandboxUser *user;

  if (g_str_has_prefix (name, "attachments/") && g_str_equal (method, "GET"))
    {
      serve_attachment (self, msg, path);
      return;
    }

  if (g_str_equal (method, "POST"))
    {
      SoupMessageBody *raw = soup_server_message_get_request_body (msg);

      if (raw != NULL && raw->length > 0)
        {
          body_node = sandbox_parse_body (msg, raw, FALSE);
          if (body_node == NULL)
            return;
          body = json_node_get_object (body_node);
        }
    }

  if (g_str_equal (name, "stats") && g_str_equal (method, "GET"))
    {
      json_object_set_int_member (reply, "requests", (gint64) self->requests);
      json_object_set_int_member (reply, "refreshes",
                                  self->oauth != NULL ? (gint64) sandbox_oauth_get_refresh_count (self->oauth) : 0);
      json_object_set_int_member (reply, "token_requests",
                                  self->oauth != NULL ? (gint64) sandbox_oauth_get_token_request_count (self->oauth) : 0);
      json_object_set_int_member (reply, "exchanges",
                                  self->oauth != NULL ? (gint64) sandbox_oauth_get_exchange_count (self->oauth) : 0);
      json_object_set_int_member (reply, "rate_limited", (gint64) self->rate_limited);
      json_object_set_int_member (reply, "iterators", g_hash_table_size (self->iterators));
      json_object_set_object_member (reply, "by_status", counts_object (self->by_status));
      json_object_set_object_member (reply, "by_user", counts_object (self->by_user));
      sandbox_respond_object (msg, 200, reply);
      return;
    }

  if (g_str_equal (name, "users") && g_str_equal (method, "GET"))
    {
      JsonArray *users = json_array_new ();

      for (guint i = 0; i < self->users->len; i++)
        {
          SandboxUser *u = self->users->pdata[i];
          JsonObject *uo = json_object_new ();
          JsonArray *pats = json_array_new ();
          JsonArray *bases = json_array_new ();

          json_object_set_string_member (uo, "id", u->id);
          json_object_set_string_member (uo, "email", u->email);
          json_object_set_string_member (uo, "name", u->name);
          json_object_set_string_member (uo, "workspace_id", u->workspace_id);
          for (guint j = 0; j < u->pats->len; j++)
            {
              SandboxPat *pat = u->pats->pdata[j];
              JsonObject *po = json_object_new ();
              JsonArray *scopes = json_array_new ();

              json_object_set_string_member (po, "name", pat->name);
              json_object_set_string_member (po, "token", pat->token);
              for (guint k = 0; pat->scopes[k] != NULL; k++)
                json_array_add_string_element (scopes, pat->scopes[k]);
              json_object_set_array_member (po, "scopes", scopes);
              json_array_add_object_element (pats, po);
            }
          for (guint j = 0; j < self->bases->len; j++)
            {
              SandboxBase *base = self->bases->pdata[j];

              if (g_hash_table_contains (base->access, u->id))
                json_array_add_string_element (bases, base->id);
            }
          json_object_set_array_member (uo, "pats", pats);
          json_object_set_array_member (uo, "bases", bases);
          json_array_add_object_element (users, uo);
        }
      json_object_set_array_member (reply, "users", users);
      sandbox_respond_object (msg, 200, reply);
      return;
    }

  if (!g_str_equal (method, "POST"))
    {
      sandbox_respond_not_found (msg);
      return;
    }

  if (g_str_equal (name, "reset-stats"))
    {
      self->requests = 0;
      self->rate_limited = 0;
      g_hash_table_remove_all (self->by_status);
      g_hash_table_remove_all (self->by_user);
      sandbox_respond_object (msg, 200, reply);
      return;
    }

  if (g_str_equal (name, "reset-rate-limits"))
    {
      g_hash_table_remove_all (self->buckets);
      sandbox_respond_object (msg, 200, reply);
      return;
    }

  if (g_str_equal (name, "revoke") || g_str_equal (name, "expire-tokens"))
    {
      guint n;

      user = control_user (self, body, &bad);
      if (bad)
        {
          sandbox_respond_error (msg, 404, "NOT_FOUND", "Unknown user");
          return;
        }
      if (self->oauth == NULL)
        n = 0;
      else if (g_str_equal (name, "revoke"))
        n = sandbox_oauth_revoke_user (self->oauth, user->id);
      else
        n = sandbox_oauth_expire_access_tokens (self->oauth, user->id);
      json_object_set_int_member (reply, "affected", n);
      sandbox_respond_object (msg, 200, reply);
      return;
    }

  if (g_str_equal (name, "remove-base"))
    {
      const char *base_id = body_string (body, "base");

      user = control_user (self, body, &bad);
      if (bad || base_id == NULL)
        {
          sandbox_respond_error (msg, 422, "INVALID_REQUEST_UNKNOWN", "Expected {\"user\"?: \"usr…\", \"base\": \"app…\"}");
          return;
        }
      json_object_set_int_member (reply, "affected",
                                  self->oauth != NULL ? sandbox_oauth_remove_base (self->oauth, user->id, base_id) : 0);
      sandbox_respond_object (msg, 200, reply);
      return;
    }

  if (g_str_equal (name, "pats"))
    {
      /* a new PAT for a user, with the given scopes (default: every basic scope) */
      JsonNode *scopes = body != NULL ? json_object_get_member (body, "scopes") : NULL;
      g_autoptr(GPtrArray) list = g_ptr_array_new ();
      SandboxPat *pat;

      user = control_user (self, body, &bad);
      if (bad || (scopes != NULL && !JSON_NODE_HOLDS_ARRAY (scopes)))
        {
          sandbox_respond_error (msg, 422, "INVALID_REQUEST_UNKNOWN", "Expected {\"user\"?, \"scopes\"?: [...]}");
          return;
        }
      for (guint i = 0; scopes != NULL && i < json_array_get_length (json_node_get_array (scopes)); i++)
        {
          const char *s = sandbox_array_string (json_node_get_array (scopes), i);

          if (s != NULL)
            g_ptr_array_add (list, (char *) s);
        }
      if (scopes == NULL)
        for (guint i = 0; sandbox_basic_scopes[i] != NULL; i++)
          g_ptr_array_add (list, (char *) sandbox_basic_scopes[i]);
      g_ptr_array_add (list, NULL);
      pat = sandbox_user_add_pat (user, body_string (body, "name") != NULL ? body_string (body, "name") : "test token",
                                  (const char * const *) list->pdata);
      json_object_set_string_member (reply, "token", pat->token);
      json_object_set_string_member (reply, "user", user->id);
      sandbox_server_changed (self);
      sandbox_respond_object (msg, 200, reply);
      return;
    }

  if (g_str_equal (name, "integrations"))
    {
      const char *iname = body_string (body, "name");
      JsonNode *uris = body != NULL ? json_object_get_member (body, "redirect_uris") : NULL;
      JsonNode *secret = body != NULL ? json_object_get_member (body, "secret") : NULL;
      JsonNode *scopes = body != NULL ? json_object_get_member (body, "scopes") : NULL;
      g_autoptr(GPtrArray) uri_list = g_ptr_array_new ();
      g_autoptr(GPtrArray) scope_list = g_ptr_array_new ();
      g_autofree char *secret_text = NULL;
      const char *client_id;

      if (iname == NULL || uris == NULL || !JSON_NODE_HOLDS_ARRAY (uris)
          || (secret != NULL && (!JSON_NODE_HOLDS_VALUE (secret) || json_node_get_value_type (secret) != G_TYPE_BOOLEAN))
          || (scopes != NULL && !JSON_NODE_HOLDS_ARRAY (scopes)) || self->oauth == NULL)
        {
          sandbox_respond_error (msg, 422, "INVALID_REQUEST_UNKNOWN",
                                 "Expected {\"name\", \"redirect_uris\": [...], \"secret\"?: bool, \"scopes\"?: [...]}");
          return;
        }
      for (guint i = 0; i < json_array_get_length (json_node_get_array (uris)); i++)
        {
          const char *u = sandbox_array_string (json_node_get_array (uris), i);

          if (u != NULL)
            g_ptr_array_add (uri_list, (char *) u);
        }
      g_ptr_array_add (uri_list, NULL);
      for (guint i = 0; scopes != NULL && i < json_array_get_length (json_node_get_array (scopes)); i++)
        {
          const char *s = sandbox_array_string (json_node_get_array (scopes), i);

          if (s != NULL)
            g_ptr_array_add (scope_list, (char *) s);
        }
      if (scopes == NULL)
        for (guint i = 0; sandbox_basic_scopes[i] != NULL; i++)
          g_ptr_array_add (scope_list, (char *) sandbox_basic_scopes[i]);
      g_ptr_array_add (scope_list, NULL);
      if (secret != NULL && json_node_get_boolean (secret))
        secret_text = sandbox_random_hex (32);
      client_id = sandbox_oauth_add_integration (self->oauth, iname, (const char * const *) uri_list->pdata,
                                                 (const char * const *) scope_list->pdata, secret_text);
      json_object_set_string_member (reply, "client_id", client_id);
      if (secret_text != NULL)
        json_object_set_string_member (reply, "client_secret", secret_text);
      sandbox_server_changed (self);
      sandbox_respond_object (msg, 200, reply);
      return;
    }

  if (g_str_equal (name, "faults"))
    {
      JsonNode *count = body != NULL ? json_object_get_member (body, "count") : NULL;
      JsonNode *status = body != NULL ? json_object_get_member (body, "status") : NULL;
      JsonNode *retry = body != NULL ? json_object_get_member (body, "retry_after") : NULL;
      JsonNode *delay = body != NULL ? json_object_get_member (body, "delay_ms") : NULL;
      JsonNode *drop = body != NULL ? json_object_get_member (body, "drop") : NULL;
      JsonNode *malformed = body != NULL ? json_object_get_member (body, "malformed") : NULL;
      SandboxFault *fault;

#define IS(node, gtype) ((node) != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == (gtype))
      if (!IS (count, G_TYPE_INT64) || json_node_get_int (count) < 0
          || (status != NULL && (!IS (status, G_TYPE_INT64) || json_node_get_int (status) < 100 || json_node_get_int (status) > 599))
          || (retry != NULL && !IS (retry, G_TYPE_INT64) && !IS (retry, G_TYPE_DOUBLE))
          || (delay != NULL && (!IS (delay, G_TYPE_INT64) || json_node_get_int (delay) < 0 || json_node_get_int (delay) > 600000))
          || (drop != NULL && !IS (drop, G_TYPE_BOOLEAN))
          || (malformed != NULL && !IS (malformed, G_TYPE_BOOLEAN))
          || (json_object_has_member (body, "path_prefix") && body_string (body, "path_prefix") == NULL)
          || (json_object_has_member (body, "method") && body_string (body, "method") == NULL))
        {
          sandbox_respond_error (msg, 422, "INVALID_REQUEST_UNKNOWN",
                                 "Expected {\"count\": N, \"status\"?, \"retry_after\"?, \"delay_ms\"?, \"drop\"?, \"malformed\"?, \"path_prefix\"?, \"method\"?}");
          return;
        }
      fault = g_new0 (SandboxFault, 1);
      fault->count = (guint) json_node_get_int (count);
      fault->status = status != NULL ? (guint) json_node_get_int (status) : 0;
      fault->retry_after = retry != NULL ? json_node_get_double (retry) : -1;
      if (retry != NULL && IS (retry, G_TYPE_INT64))
        fault->retry_after = (double) json_node_get_int (retry);
      fault->delay_ms = delay != NULL ? (guint) json_node_get_int (delay) : 0;
      fault->drop = drop != NULL && json_node_get_boolean (drop);
      fault->malformed = malformed != NULL && json_node_get_boolean (malformed);
      fault->path_prefix = g_strdup (body_string (body, "path_prefix"));
      fault->method = g_strdup (body_string (body, "method"));
      if (fault->status == 0 && !fault->drop && !fault->malformed && fault->delay_ms == 0)
        fault->status = 503;
#undef IS
      if (fault->count > 0)
        g_queue_push_tail (self->faults, fault);
      else
        fault_free (fault);
      json_object_set_int_member (reply, "pending", g_queue_get_length (self->faults));
      sandbox_respond_object (msg, 200, reply);
      return;
    }

  if (g_str_equal (name, "clear-faults"))
    {
      g_queue_clear_full (self->faults, (GDestroyNotify) fault_free);
      sandbox_respond_object (msg, 200, reply);
      return;
    }

  sandbox_respond_not_found (msg);
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
          fault_free (fault);
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

static gboolean
delayed_cb (gpointer data)
{
  DelayedRequest *req = data;
  SandboxFault *fault = req->fault;

  req->fault = NULL;
  fault->delay_ms = 0;
  soup_server_message_unpause (req->msg);
  dispatch (req->self, req->msg, req->path, req->query, fault);
  g_object_unref (req->msg);
  g_free (req->path);
  g_clear_pointer (&req->query, g_hash_table_unref);
  g_free (req);
  return G_SOURCE_REMOVE;
}

/* --------------------------------------------------------------- routing */

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

  if (g_str_equal (segments->pdata[0], "meta"))
    {
      sandbox_meta_handle (self, msg, &auth, (char **) segments->pdata + 1, segments->len - 2, query);
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
  sandbox_records_handle (self, msg, &auth, base, (char **) segments->pdata + 1, segments->len - 2, query);
  self->acting_user_id = NULL;
  auth_clear (&auth);
}

static void
dispatch (SandboxServer     *self,
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
      g_timeout_add (fault->delay_ms, delayed_cb, req);
      return;
    }
  if (fault != NULL && fault->drop)
    {
      self->requests++;   /* no finished/aborted signal follows a stolen connection */
      drop_connection (msg);
      fault_free (fault);
      return;
    }
  if (fault != NULL && fault->status != 0)
    {
      apply_status_fault (msg, fault);
      fault_free (fault);
      return;
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
  fault_free (fault);
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
      handle_control (self, msg, raw_path);
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
  g_clear_object (&self->soup);
  g_clear_pointer (&self->oauth, sandbox_oauth_free);
  g_hash_table_unref (self->iterators);
  g_hash_table_unref (self->buckets);
  g_queue_free_full (self->faults, (GDestroyNotify) fault_free);
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
  g_autoptr(JsonGenerator) gen = json_generator_new ();
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
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}
