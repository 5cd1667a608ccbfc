/* sandbox-control.c — the control API under /__sandbox/ (no authentication,
 * loopback only; requests to it are not counted in the statistics)
 *
 * Tests and benchmarks use it to read counters, make tokens, revoke grants,
 * inject faults and the like; src/sandbox/README.md lists every route.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sandbox-private.h"

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

static gboolean
latency_value_ok (JsonNode *node)
{
  return sandbox_node_is_type (node, G_TYPE_INT64) && json_node_get_int (node) >= 0 && json_node_get_int (node) <= 600000;
}

static void
latency_reply (SandboxServer *self,
               JsonObject    *reply)
{
  json_object_set_int_member (reply, "ms", self->config.latency_ms);
  json_object_set_int_member (reply, "jitter_ms", self->config.latency_jitter_ms);
  json_object_set_int_member (reply, "in_flight", self->held->len);
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

void
sandbox_control_handle (SandboxServer     *self,
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

  if (sandbox_control_handle_data (self, msg, name, method, body))
    return;

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
      json_object_set_int_member (reply, "latency_ms", self->config.latency_ms);
      json_object_set_int_member (reply, "latency_jitter_ms", self->config.latency_jitter_ms);
      json_object_set_int_member (reply, "in_flight", self->held->len);
      json_object_set_int_member (reply, "max_in_flight", self->max_in_flight);
      json_object_set_int_member (reply, "delayed", (gint64) self->held_total);
      json_object_set_int_member (reply, "pings_sent", (gint64) self->pings_sent);
      json_object_set_int_member (reply, "pings_failed", (gint64) self->pings_failed);
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

  if (g_str_equal (name, "latency") && g_str_equal (method, "GET"))
    {
      latency_reply (self, reply);
      sandbox_respond_object (msg, 200, reply);
      return;
    }

  if (!g_str_equal (method, "POST"))
    {
      sandbox_respond_not_found (msg);
      return;
    }

  if (g_str_equal (name, "latency"))
    {
      JsonNode *ms = body != NULL ? json_object_get_member (body, "ms") : NULL;
      JsonNode *jitter = body != NULL ? json_object_get_member (body, "jitter_ms") : NULL;
      JsonNode *release = body != NULL ? json_object_get_member (body, "release") : NULL;

      if ((ms != NULL && !latency_value_ok (ms)) || (jitter != NULL && !latency_value_ok (jitter))
          || (release != NULL && !sandbox_node_is_type (release, G_TYPE_BOOLEAN)))
        {
          sandbox_respond_error (msg, 422, "INVALID_REQUEST_UNKNOWN",
                                 "Expected {\"ms\"?: 0..600000, \"jitter_ms\"?: 0..600000, \"release\"?: bool}");
          return;
        }
      if (ms != NULL)
        self->config.latency_ms = (guint) json_node_get_int (ms);
      if (jitter != NULL)
        self->config.latency_jitter_ms = (guint) json_node_get_int (jitter);
      if (release != NULL && json_node_get_boolean (release))
        json_object_set_int_member (reply, "released", sandbox_latency_release_all (self));
      latency_reply (self, reply);
      sandbox_respond_object (msg, 200, reply);
      return;
    }

  if (g_str_equal (name, "reset-stats"))
    {
      self->requests = 0;
      self->held_total = 0;
      self->max_in_flight = self->held->len;
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
        sandbox_fault_free (fault);
      json_object_set_int_member (reply, "pending", g_queue_get_length (self->faults));
      sandbox_respond_object (msg, 200, reply);
      return;
    }

  if (g_str_equal (name, "clear-faults"))
    {
      g_queue_clear_full (self->faults, (GDestroyNotify) sandbox_fault_free);
      sandbox_respond_object (msg, 200, reply);
      return;
    }

  sandbox_respond_not_found (msg);
}
