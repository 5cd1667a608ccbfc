/* sandbox-webhooks.c — Airtable's webhooks API: create, list, delete,
 * refresh, enable or disable notifications, list payloads
 *
 * src/api/WEBHOOKS.md describes the protocol, the limits and every choice
 * made where Airtable's documentation is silent. Payloads are built in
 * sandbox-webhooks-payloads.c from the change sets of sandbox-changes.c;
 * pings are sent by sandbox-webhooks-notify.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sandbox-webhooks-private.h"

static const char * const data_types[] = { "tableData", "tableFields", "tableMetadata", NULL };
static const char * const change_types[] = { "add", "remove", "update", NULL };
static const char * const sources[] = {
  "client", "publicApi", "formSubmission", "formPageSubmission", "automation", "system", "sync",
  "anonymousUser", "unknown", NULL,
};

/* ------------------------------------------------------------------ basics */

gint64
_sandbox_webhooks_now_ms (SandboxServer *self)
{
  return g_get_real_time () / 1000 + self->webhook_clock_offset_ms;
}

const char *
_sandbox_webhooks_option (SandboxField *field,
                          const char   *member)
{
  JsonNode *node = field->options != NULL ? json_object_get_member (field->options, member) : NULL;

  return sandbox_node_is_string (node) ? json_node_get_string (node) : NULL;
}

void
_sandbox_payload_free (SandboxPayload *payload)
{
  if (payload == NULL)
    return;
  json_object_unref (payload->payload);
  g_free (payload);
}

static void
clear_spec (SandboxWebhook *hook)
{
  g_clear_pointer (&hook->data_types, g_strfreev);
  g_clear_pointer (&hook->scope_table_id, g_free);
  g_clear_pointer (&hook->scope_view_id, g_free);
  g_clear_pointer (&hook->change_types, g_strfreev);
  g_clear_pointer (&hook->from_sources, g_strfreev);
  g_clear_pointer (&hook->form_view_id, g_free);
  g_clear_pointer (&hook->form_page_id, g_free);
  g_clear_pointer (&hook->watch_data, g_strfreev);
  g_clear_pointer (&hook->watch_schemas, g_strfreev);
  g_clear_pointer (&hook->include_fields, g_strfreev);
  hook->include_all = FALSE;
  hook->include_previous_cells = FALSE;
  hook->include_previous_fields = FALSE;
}

void
_sandbox_webhook_free (SandboxWebhook *hook)
{
  if (hook == NULL)
    return;
  _sandbox_webhooks_ping_cancel (hook);
  g_free (hook->id);
  g_free (hook->base_id);
  g_free (hook->client_id);
  g_free (hook->creator_id);
  g_free (hook->notification_url);
  g_clear_pointer (&hook->specification, json_object_unref);
  if (hook->mac_secret != NULL)
    memset (hook->mac_secret, 0, strlen (hook->mac_secret));
  g_free (hook->mac_secret);
  g_ptr_array_unref (hook->payloads);
  g_clear_pointer (&hook->last_notification, json_object_unref);
  clear_spec (hook);
  g_free (hook);
}

void
sandbox_webhooks_free_base (SandboxBase *base)
{
  g_clear_pointer (&base->webhooks, g_ptr_array_unref);
}

/* Enabled and not yet past its expiration time. */
gboolean
_sandbox_webhooks_active (SandboxServer  *self,
                          SandboxWebhook *hook)
{
  return hook->enabled && _sandbox_webhooks_now_ms (self) <= hook->expiration_ms;
}

/* Turns expired webhooks off, forgets them 7 days after expiry, and drops
 * payloads older than 7 days (their cursor numbers stay taken). */
void
_sandbox_webhooks_sweep (SandboxServer *self,
                         SandboxBase   *base)
{
  gint64 now = _sandbox_webhooks_now_ms (self);
  gboolean changed = FALSE;

  for (guint i = base->webhooks != NULL ? base->webhooks->len : 0; i > 0; i--)
    {
      SandboxWebhook *hook = base->webhooks->pdata[i - 1];
      guint old = 0;

      if (hook->enabled && now > hook->expiration_ms)
        {
          hook->enabled = FALSE;
          _sandbox_webhooks_ping_cancel (hook);
          changed = TRUE;
        }
      if (now > hook->expiration_ms + SANDBOX_WEBHOOK_RETENTION_MS)
        {
          g_ptr_array_remove_index (base->webhooks, i - 1);
          changed = TRUE;
          continue;
        }
      while (old < hook->payloads->len
             && ((SandboxPayload *) hook->payloads->pdata[old])->created_ms < now - SANDBOX_WEBHOOK_RETENTION_MS)
        old++;
      if (old > 0)
        {
          g_ptr_array_remove_range (hook->payloads, 0, old);
          changed = TRUE;
        }
    }
  if (changed)
    sandbox_server_changed (self);
}

void
sandbox_webhooks_sweep_all (SandboxServer *self)
{
  for (guint i = 0; i < self->bases->len; i++)
    _sandbox_webhooks_sweep (self, self->bases->pdata[i]);
}

SandboxWebhook *
sandbox_webhooks_find (SandboxServer *self,
                       const char    *id,
                       SandboxBase  **out_base)
{
  for (guint i = 0; id != NULL && i < self->bases->len; i++)
    {
      SandboxBase *base = self->bases->pdata[i];

      for (guint j = 0; base->webhooks != NULL && j < base->webhooks->len; j++)
        {
          SandboxWebhook *hook = base->webhooks->pdata[j];

          if (g_str_equal (hook->id, id))
            {
              if (out_base != NULL)
                *out_base = base;
              return hook;
            }
        }
    }
  return NULL;
}

guint
sandbox_webhook_drop_payloads (SandboxWebhook *hook)
{
  guint n = hook->payloads->len;

  g_ptr_array_set_size (hook->payloads, 0);
  return n;
}

void
sandbox_webhook_expire_now (SandboxServer  *self,
                            SandboxWebhook *hook)
{
  hook->expiration_ms = MIN (hook->expiration_ms, _sandbox_webhooks_now_ms (self) - 1);
}

/* -------------------------------------------------------- specification */

static gboolean
fail (char      **type,
      char      **message,
      const char *t,
      char       *m)
{
  *type = g_strdup (t);
  *message = m;
  return FALSE;
}

static char **
string_list (JsonNode           *node,
             const char * const *allowed)
{
  GStrvBuilder *builder;
  char **out;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  builder = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
    {
      const char *s = sandbox_array_string (json_node_get_array (node), i);

      if (s == NULL || (allowed != NULL && !g_strv_contains (allowed, s)))
        {
          g_strv_builder_unref (builder);
          return NULL;
        }
      g_strv_builder_add (builder, s);
    }
  out = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return out;
}

static gboolean
only_members (JsonObject         *obj,
              const char * const *allowed,
              char              **unknown)
{
  GList *members = json_object_get_members (obj);
  gboolean ok = TRUE;

  for (GList *l = members; l != NULL && ok; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        ok = FALSE;
        *unknown = g_strdup (l->data);
      }
  g_list_free (members);
  return ok;
}

/* A field id in the scope table, or in any table of the base. */
static gboolean
field_exists (SandboxBase *base,
              const char  *scope_table_id,
              const char  *field_id)
{
  if (!sandbox_is_id (field_id, "fld"))
    return FALSE;
  for (guint i = 0; i < base->tables->len; i++)
    {
      SandboxTable *table = base->tables->pdata[i];

      if (scope_table_id != NULL && !g_str_equal (table->id, scope_table_id))
        continue;
      for (guint f = 0; f < table->fields->len; f++)
        if (g_str_equal (((SandboxField *) table->fields->pdata[f])->id, field_id))
          return TRUE;
    }
  return FALSE;
}

static gboolean
fields_exist (SandboxBase *base,
              const char  *scope_table_id,
              char       **ids,
              const char **missing)
{
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    if (!field_exists (base, scope_table_id, ids[i]))
      {
        *missing = ids[i];
        return FALSE;
      }
  return TRUE;
}

#define INVALID "INVALID_REQUEST_UNKNOWN"

/* Reads {"options": {"filters": {…}, "includes"?: {…}}} into @hook. With
 * @check_ids every table, view and field named must exist (a create);
 * without, what was valid once is kept as it is (a load). */
gboolean
_sandbox_webhook_parse_spec (SandboxServer  *self,
                             SandboxBase    *base,
                             SandboxWebhook *hook,
                             JsonNode       *specification,
                             gboolean        check_ids,
                             char          **type,
                             char          **message)
{
  static const char * const spec_keys[] = { "options", NULL };
  static const char * const option_keys[] = { "filters", "includes", NULL };
  static const char * const filter_keys[] = {
    "dataTypes", "recordChangeScope", "changeTypes", "fromSources", "sourceOptions",
    "watchDataInFieldIds", "watchSchemasOfFieldIds", NULL,
  };
  static const char * const include_keys[] = {
    "includeCellValuesInFieldIds", "includePreviousCellValues", "includePreviousFieldDefinitions", NULL,
  };
  JsonObject *options, *filters, *includes = NULL;
  JsonNode *node;
  g_autofree char *unknown = NULL;
  const char *missing = NULL;

  clear_spec (hook);
  if (specification == NULL || !JSON_NODE_HOLDS_OBJECT (specification))
    return fail (type, message, INVALID, g_strdup ("Invalid request: \"specification\" must be an object."));
  if (!only_members (json_node_get_object (specification), spec_keys, &unknown))
    return fail (type, message, INVALID, g_strdup_printf ("Invalid request: unknown member \"specification.%s\".", unknown));
  node = json_object_get_member (json_node_get_object (specification), "options");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return fail (type, message, INVALID, g_strdup ("Invalid request: \"specification.options\" must be an object."));
  options = json_node_get_object (node);
  if (!only_members (options, option_keys, &unknown))
    return fail (type, message, INVALID, g_strdup_printf ("Invalid request: unknown member \"specification.options.%s\".", unknown));
  node = json_object_get_member (options, "filters");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return fail (type, message, INVALID, g_strdup ("Invalid request: \"specification.options.filters\" must be an object."));
  filters = json_node_get_object (node);
  if (!only_members (filters, filter_keys, &unknown))
    return fail (type, message, "INVALID_FILTERS", g_strdup_printf ("Unknown filter \"%s\".", unknown));
  node = json_object_get_member (options, "includes");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return fail (type, message, INVALID, g_strdup ("Invalid request: \"specification.options.includes\" must be an object."));
      includes = json_node_get_object (node);
      if (!only_members (includes, include_keys, &unknown))
        return fail (type, message, INVALID, g_strdup_printf ("Invalid request: unknown member \"includes.%s\".", unknown));
    }

  hook->data_types = string_list (json_object_get_member (filters, "dataTypes"), data_types);
  if (hook->data_types == NULL || hook->data_types[0] == NULL)
    return fail (type, message, "INVALID_FILTERS",
                 g_strdup ("filters.dataTypes must be a non-empty array of \"tableData\", \"tableFields\", \"tableMetadata\"."));

  node = json_object_get_member (filters, "recordChangeScope");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      const char *scope = sandbox_node_is_string (node) ? json_node_get_string (node) : NULL;
      SandboxTable *table = scope != NULL ? sandbox_base_find_table_by_id (base, scope) : NULL;

      if (scope == NULL)
        return fail (type, message, "INVALID_FILTERS", g_strdup ("filters.recordChangeScope must be a table or view id."));
      if (table != NULL)
        hook->scope_table_id = g_strdup (table->id);
      else
        {
          for (guint t = 0; t < base->tables->len && hook->scope_view_id == NULL; t++)
            {
              SandboxTable *candidate = base->tables->pdata[t];

              for (guint v = 0; v < candidate->views->len; v++)
                {
                  SandboxView *view = candidate->views->pdata[v];

                  if (!g_str_equal (view->id, scope))
                    continue;
                  if (check_ids && (g_str_equal (view->type, "form") || g_str_equal (view->type, "list")))
                    return fail (type, message, "INVALID_FILTERS",
                                 g_strdup_printf ("filters.recordChangeScope: %s views are not supported.", view->type));
                  hook->scope_view_id = g_strdup (view->id);
                  hook->scope_table_id = g_strdup (candidate->id);
                  break;
                }
            }
          if (hook->scope_view_id == NULL)
            {
              if (check_ids)
                return fail (type, message, "INVALID_FILTERS",
                             g_strdup_printf ("filters.recordChangeScope: no table or view \"%s\" in this base.", scope));
              /* a scope that went away: the webhook is in error, keep the id */
              hook->scope_table_id = g_strdup (scope);
            }
        }
    }

  node = json_object_get_member (filters, "changeTypes");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node)
      && (hook->change_types = string_list (node, change_types)) == NULL)
    return fail (type, message, "INVALID_FILTERS", g_strdup ("filters.changeTypes must be an array of \"add\", \"remove\", \"update\"."));
  node = json_object_get_member (filters, "fromSources");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node) && (hook->from_sources = string_list (node, sources)) == NULL)
    return fail (type, message, "INVALID_FILTERS", g_strdup ("filters.fromSources holds an unknown source."));
  node = json_object_get_member (filters, "sourceOptions");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      static const char * const source_option_keys[] = { "formSubmission", "formPageSubmission", NULL };
      JsonNode *form, *page;

      if (!JSON_NODE_HOLDS_OBJECT (node) || !only_members (json_node_get_object (node), source_option_keys, &unknown))
        return fail (type, message, "INVALID_FILTERS", g_strdup ("filters.sourceOptions may hold formSubmission and formPageSubmission."));
      form = json_object_get_member (json_node_get_object (node), "formSubmission");
      page = json_object_get_member (json_node_get_object (node), "formPageSubmission");
      if (form != NULL)
        {
          JsonNode *view = JSON_NODE_HOLDS_OBJECT (form) ? json_object_get_member (json_node_get_object (form), "viewId") : NULL;

          if (!sandbox_node_is_string (view))
            return fail (type, message, "INVALID_FILTERS", g_strdup ("filters.sourceOptions.formSubmission needs a viewId."));
          hook->form_view_id = g_strdup (json_node_get_string (view));
        }
      if (page != NULL)
        {
          JsonNode *id = JSON_NODE_HOLDS_OBJECT (page) ? json_object_get_member (json_node_get_object (page), "pageId") : NULL;

          if (!sandbox_node_is_string (id))
            return fail (type, message, "INVALID_FILTERS", g_strdup ("filters.sourceOptions.formPageSubmission needs a pageId."));
          hook->form_page_id = g_strdup (json_node_get_string (id));
        }
    }
  node = json_object_get_member (filters, "watchDataInFieldIds");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node)
      && ((hook->watch_data = string_list (node, NULL)) == NULL
          || (check_ids && !fields_exist (base, hook->scope_table_id, hook->watch_data, &missing))))
    return fail (type, message, "INVALID_FILTERS",
                 missing != NULL ? g_strdup_printf ("filters.watchDataInFieldIds: no field \"%s\" (field ids, not names, in the scope).", missing)
                                 : g_strdup ("filters.watchDataInFieldIds must be an array of field ids."));
  node = json_object_get_member (filters, "watchSchemasOfFieldIds");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node)
      && ((hook->watch_schemas = string_list (node, NULL)) == NULL
          || (check_ids && !fields_exist (base, hook->scope_table_id, hook->watch_schemas, &missing))))
    return fail (type, message, "INVALID_FILTERS",
                 missing != NULL ? g_strdup_printf ("filters.watchSchemasOfFieldIds: no field \"%s\" (field ids, not names, in the scope).", missing)
                                 : g_strdup ("filters.watchSchemasOfFieldIds must be an array of field ids."));

  if (includes != NULL)
    {
      JsonNode *cells = json_object_get_member (includes, "includeCellValuesInFieldIds");
      JsonNode *prev_cells = json_object_get_member (includes, "includePreviousCellValues");
      JsonNode *prev_fields = json_object_get_member (includes, "includePreviousFieldDefinitions");

      if (sandbox_node_is_string (cells) && g_str_equal (json_node_get_string (cells), "all"))
        hook->include_all = TRUE;
      else if (cells != NULL && !JSON_NODE_HOLDS_NULL (cells)
               && ((hook->include_fields = string_list (cells, NULL)) == NULL
                   || (check_ids && !fields_exist (base, hook->scope_table_id, hook->include_fields, &missing))))
        return fail (type, message, "INVALID_FILTERS",
                     missing != NULL ? g_strdup_printf ("includes.includeCellValuesInFieldIds: no field \"%s\".", missing)
                                     : g_strdup ("includes.includeCellValuesInFieldIds must be \"all\" or an array of field ids."));
      if ((prev_cells != NULL && !JSON_NODE_HOLDS_NULL (prev_cells) && !sandbox_node_is_type (prev_cells, G_TYPE_BOOLEAN))
          || (prev_fields != NULL && !JSON_NODE_HOLDS_NULL (prev_fields) && !sandbox_node_is_type (prev_fields, G_TYPE_BOOLEAN)))
        return fail (type, message, INVALID, g_strdup ("Invalid request: includePreviousCellValues and includePreviousFieldDefinitions are booleans."));
      hook->include_previous_cells = sandbox_node_is_type (prev_cells, G_TYPE_BOOLEAN) && json_node_get_boolean (prev_cells);
      hook->include_previous_fields = sandbox_node_is_type (prev_fields, G_TYPE_BOOLEAN) && json_node_get_boolean (prev_fields);
    }
  return TRUE;
}

/* ------------------------------------------------------------- the API */

static JsonNode *
time_or_null (gint64 ms)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  if (ms <= 0)
    return json_node_init_null (node);
  {
    g_autofree char *text = sandbox_format_time (ms);

    json_node_set_string (node, text);
  }
  return node;
}

/* One element of List webhooks, members in the order Airtable sends them. */
static JsonObject *
webhook_to_json (SandboxServer  *self,
                 SandboxWebhook *hook)
{
  JsonObject *obj = json_object_new ();
  g_autoptr(JsonNode) spec = json_node_init_object (json_node_alloc (), hook->specification);

  json_object_set_string_member (obj, "id", hook->id);
  json_object_set_member (obj, "specification", json_node_copy (spec));
  if (hook->notification_url != NULL)
    json_object_set_string_member (obj, "notificationUrl", hook->notification_url);
  else
    json_object_set_null_member (obj, "notificationUrl");
  json_object_set_int_member (obj, "cursorForNextPayload", hook->cursor_next);
  if (hook->last_notification != NULL)
    json_object_set_object_member (obj, "lastNotificationResult", json_object_ref (hook->last_notification));
  else
    json_object_set_null_member (obj, "lastNotificationResult");
  json_object_set_boolean_member (obj, "areNotificationsEnabled", hook->notifications);
  json_object_set_member (obj, "lastSuccessfulNotificationTime", time_or_null (hook->last_success_ms));
  json_object_set_boolean_member (obj, "isHookEnabled", _sandbox_webhooks_active (self, hook));
  json_object_set_member (obj, "expirationTime", time_or_null (hook->expiration_ms));
  return obj;
}

JsonObject *
sandbox_webhook_debug_json (SandboxServer  *self,
                            SandboxWebhook *hook)
{
  JsonObject *obj = webhook_to_json (self, hook);

  json_object_set_string_member (obj, "base", hook->base_id);
  json_object_set_int_member (obj, "payloads", hook->payloads->len);
  json_object_set_boolean_member (obj, "errored", hook->errored);
  if (hook->client_id != NULL)
    json_object_set_string_member (obj, "client_id", hook->client_id);
  return obj;
}

/* An OAuth integration sees only its own webhooks; a PAT sees all. */
static gboolean
visible_to (SandboxAuth    *auth,
            SandboxWebhook *hook)
{
  return !auth->is_oauth || g_strcmp0 (auth->client_id, hook->client_id) == 0;
}

static gboolean
is_loopback_or_any_http_url (const char *text)
{
  g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);

  return uri != NULL && g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0'
         && (g_str_equal (g_uri_get_scheme (uri), "https") || g_str_equal (g_uri_get_scheme (uri), "http"));
}

/* The scopes a specification's data types need besides webhook:manage. */
static gboolean
has_data_scopes (SandboxAuth    *auth,
                 SandboxWebhook *hook)
{
  for (guint i = 0; hook->data_types != NULL && hook->data_types[i] != NULL; i++)
    {
      const char *needed = g_str_equal (hook->data_types[i], "tableData") ? "data.records:read" : "schema.bases:read";

      if (!sandbox_auth_has_scope (auth, needed))
        return FALSE;
    }
  return TRUE;
}

static void
respond_webhook_not_found (SoupServerMessage *msg)
{
  sandbox_respond_error (msg, 404, "MODEL_ID_NOT_FOUND", "Webhook not found");
}

static void
create_webhook (SandboxServer     *self,
                SoupServerMessage *msg,
                SandboxAuth       *auth,
                SandboxBase       *base)
{
  static const char * const body_keys[] = { "notificationUrl", "specification", NULL };
  g_autoptr(JsonNode) body_node = sandbox_parse_body (msg, soup_server_message_get_request_body (msg), FALSE);
  JsonObject *body;
  JsonNode *url;
  SandboxWebhook *hook;
  g_autofree char *etype = NULL;
  g_autofree char *emessage = NULL;
  g_autofree char *unknown = NULL;
  g_autoptr(JsonObject) reply = json_object_new ();
  guint8 secret[SANDBOX_WEBHOOK_SECRET_BYTES];
  guint mine = 0;

  if (body_node == NULL)
    {
      if (soup_server_message_get_status (msg) == 0)
        sandbox_respond_error (msg, 422, INVALID, "Invalid request: the body must hold a \"specification\".");
      return;
    }
  body = json_node_get_object (body_node);
  if (!only_members (body, body_keys, &unknown))
    {
      sandbox_respond_error (msg, 422, INVALID, "Invalid request: unknown member \"%s\".", unknown);
      return;
    }
  url = json_object_get_member (body, "notificationUrl");
  if (url != NULL && !JSON_NODE_HOLDS_NULL (url)
      && (!sandbox_node_is_string (url) || !is_loopback_or_any_http_url (json_node_get_string (url))))
    {
      sandbox_respond_error (msg, 422, INVALID, "Invalid request: notificationUrl must be an http or https URL.");
      return;
    }

  _sandbox_webhooks_sweep (self, base);
  hook = g_new0 (SandboxWebhook, 1);
  hook->payloads = g_ptr_array_new_with_free_func ((GDestroyNotify) _sandbox_payload_free);
  if (!_sandbox_webhook_parse_spec (self, base, hook, json_object_get_member (body, "specification"), TRUE,
                                    &etype, &emessage))
    {
      _sandbox_webhook_free (hook);
      sandbox_respond_error (msg, 422, etype, "%s", emessage);
      return;
    }
  if (!has_data_scopes (auth, hook))
    {
      _sandbox_webhook_free (hook);
      sandbox_respond_forbidden (msg);
      return;
    }
  for (guint i = 0; base->webhooks != NULL && i < base->webhooks->len; i++)
    if (auth->is_oauth && g_strcmp0 (((SandboxWebhook *) base->webhooks->pdata[i])->client_id, auth->client_id) == 0)
      mine++;
  if (base->webhooks != NULL && base->webhooks->len >= SANDBOX_WEBHOOKS_PER_BASE)
    {
      _sandbox_webhook_free (hook);
      sandbox_respond_error (msg, 422, "TOO_MANY_WEBHOOKS_IN_BASE",
                             "A base can have at most %d webhooks; delete one first.", SANDBOX_WEBHOOKS_PER_BASE);
      return;
    }
  if (auth->is_oauth && mine >= SANDBOX_WEBHOOKS_PER_INTEGRATION)
    {
      _sandbox_webhook_free (hook);
      sandbox_respond_error (msg, 422, "TOO_MANY_WEBHOOKS_IN_BASE_FOR_INTEGRATION",
                             "An OAuth integration can have at most %d webhooks in a base; delete one first.",
                             SANDBOX_WEBHOOKS_PER_INTEGRATION);
      return;
    }

  hook->id = sandbox_new_id ("ach");
  hook->base_id = g_strdup (base->id);
  hook->client_id = g_strdup (auth->client_id);
  hook->creator_id = g_strdup (auth->user->id);
  hook->notification_url = sandbox_node_is_string (url) ? g_strdup (json_node_get_string (url)) : NULL;
  hook->specification = json_object_ref (json_node_get_object (json_object_get_member (body, "specification")));
  sandbox_random_bytes (secret, sizeof secret);
  hook->mac_secret = g_base64_encode (secret, sizeof secret);
  memset (secret, 0, sizeof secret);
  hook->created_ms = _sandbox_webhooks_now_ms (self);
  hook->expiration_ms = hook->created_ms + SANDBOX_WEBHOOK_LIFETIME_MS;
  hook->enabled = TRUE;
  hook->notifications = hook->notification_url != NULL;
  hook->cursor_next = 1;
  if (base->webhooks == NULL)
    base->webhooks = g_ptr_array_new_with_free_func ((GDestroyNotify) _sandbox_webhook_free);
  g_ptr_array_add (base->webhooks, hook);
  sandbox_server_changed (self);

  json_object_set_string_member (reply, "id", hook->id);
  json_object_set_string_member (reply, "macSecretBase64", hook->mac_secret);
  json_object_set_member (reply, "expirationTime", time_or_null (hook->expiration_ms));
  sandbox_respond_object (msg, 200, reply);
  /* a ping "shortly after" create, when a URL was given */
  if (hook->notifications)
    _sandbox_webhooks_ping_soon (self, hook);
}

static void
list_webhooks (SandboxServer     *self,
               SoupServerMessage *msg,
               SandboxAuth       *auth,
               SandboxBase       *base)
{
  g_autoptr(JsonObject) reply = json_object_new ();
  JsonArray *list = json_array_new ();

  _sandbox_webhooks_sweep (self, base);
  for (guint i = 0; base->webhooks != NULL && i < base->webhooks->len; i++)
    {
      SandboxWebhook *hook = base->webhooks->pdata[i];

      if (visible_to (auth, hook))
        json_array_add_object_element (list, webhook_to_json (self, hook));
    }
  json_object_set_array_member (reply, "webhooks", list);
  sandbox_respond_object (msg, 200, reply);
}

static void
list_payloads (SandboxServer     *self,
               SoupServerMessage *msg,
               SandboxAuth       *auth,
               SandboxWebhook    *hook,
               GPtrArray         *query)
{
  const char *cursor_text = sandbox_query_get (query, "cursor");
  const char *limit_text = sandbox_query_get (query, "limit");
  guint64 cursor = 1, limit = SANDBOX_WEBHOOK_PAYLOADS_MAX_LIMIT;
  g_autoptr(JsonObject) reply = json_object_new ();
  JsonArray *out = json_array_new ();
  gint64 next;
  guint i = 0;

  if ((cursor_text != NULL && !g_ascii_string_to_unsigned (cursor_text, 10, 1, G_MAXINT64, &cursor, NULL))
      || (limit_text != NULL && !g_ascii_string_to_unsigned (limit_text, 10, 1, G_MAXINT64, &limit, NULL)))
    {
      json_array_unref (out);
      sandbox_respond_error (msg, 422, INVALID, "Invalid request: cursor and limit are positive integers.");
      return;
    }
  if (!has_data_scopes (auth, hook))
    {
      json_array_unref (out);
      sandbox_respond_forbidden (msg);
      return;
    }
  limit = MIN (limit, SANDBOX_WEBHOOK_PAYLOADS_MAX_LIMIT);
  next = (gint64) cursor;
  /* payloads are in cursor order; purged ones are skipped over */
  while (i < hook->payloads->len && ((SandboxPayload *) hook->payloads->pdata[i])->cursor < (gint64) cursor)
    i++;
  for (; i < hook->payloads->len && json_array_get_length (out) < limit; i++)
    {
      SandboxPayload *payload = hook->payloads->pdata[i];

      json_array_add_object_element (out, json_object_ref (payload->payload));
      next = payload->cursor + 1;
    }
  json_object_set_array_member (reply, "payloads", out);
  json_object_set_int_member (reply, "cursor", next);
  json_object_set_boolean_member (reply, "mightHaveMore", i < hook->payloads->len);
  json_object_set_string_member (reply, "payloadFormat", "v0");
  /* reading payloads keeps an active webhook alive for another 7 days */
  if (_sandbox_webhooks_active (self, hook))
    {
      hook->expiration_ms = _sandbox_webhooks_now_ms (self) + SANDBOX_WEBHOOK_LIFETIME_MS;
      sandbox_server_changed (self);
    }
  sandbox_respond_object (msg, 200, reply);
}

static void
refresh_webhook (SandboxServer     *self,
                 SoupServerMessage *msg,
                 SandboxWebhook    *hook)
{
  g_autoptr(JsonObject) reply = json_object_new ();
  SoupMessageBody *raw = soup_server_message_get_request_body (msg);

  /* an empty body, {} or any JSON object: nothing in it is read */
  if (raw != NULL && raw->length > 0)
    {
      g_autoptr(JsonNode) body = sandbox_parse_body (msg, raw, FALSE);

      if (body == NULL)
        return;
    }
  if (!_sandbox_webhooks_active (self, hook))
    {
      sandbox_respond_error (msg, 422, "WEBHOOK_NOT_ACTIVE",
                             "Webhook %s has expired or was turned off; create a new one.", hook->id);
      return;
    }
  hook->expiration_ms = _sandbox_webhooks_now_ms (self) + SANDBOX_WEBHOOK_LIFETIME_MS;
  sandbox_server_changed (self);
  json_object_set_member (reply, "expirationTime", time_or_null (hook->expiration_ms));
  sandbox_respond_object (msg, 200, reply);
}

static void
enable_notifications (SandboxServer     *self,
                      SoupServerMessage *msg,
                      SandboxWebhook    *hook)
{
  g_autoptr(JsonNode) body_node = sandbox_parse_body (msg, soup_server_message_get_request_body (msg), FALSE);
  JsonNode *enable;
  g_autoptr(JsonObject) reply = json_object_new ();

  if (body_node == NULL)
    {
      if (soup_server_message_get_status (msg) == 0)
        sandbox_respond_error (msg, 422, INVALID, "Invalid request: expected {\"enable\": true|false}.");
      return;
    }
  enable = json_object_get_member (json_node_get_object (body_node), "enable");
  if (!sandbox_node_is_type (enable, G_TYPE_BOOLEAN) || json_object_get_size (json_node_get_object (body_node)) != 1)
    {
      sandbox_respond_error (msg, 422, INVALID, "Invalid request: expected {\"enable\": true|false}.");
      return;
    }
  /* without a notificationUrl there is nothing to turn on */
  hook->notifications = json_node_get_boolean (enable) && hook->notification_url != NULL;
  if (!hook->notifications)
    _sandbox_webhooks_ping_cancel (hook);
  hook->ping_retry = 0;
  sandbox_server_changed (self);
  sandbox_respond_object (msg, 200, reply);
}

void
sandbox_webhooks_handle (SandboxServer     *self,
                         SoupServerMessage *msg,
                         SandboxAuth       *auth,
                         SandboxBase       *base,
                         char             **segments,
                         guint              n_segments,
                         GPtrArray         *query)
{
  const char *method = soup_server_message_get_method (msg);
  const char *action = n_segments >= 2 ? segments[1] : NULL;
  const char *level;
  SandboxWebhook *hook = NULL;
  enum { CREATE, LIST, DELETE, REFRESH, ENABLE, PAYLOADS } op;

  if (n_segments == 0 && g_str_equal (method, "POST"))
    op = CREATE;
  else if (n_segments == 0 && g_str_equal (method, "GET"))
    op = LIST;
  else if (n_segments == 1 && g_str_equal (method, "DELETE"))
    op = DELETE;
  else if (n_segments == 2 && g_str_equal (action, "refresh") && g_str_equal (method, "POST"))
    op = REFRESH;
  else if (n_segments == 2 && g_str_equal (action, "enableNotifications") && g_str_equal (method, "POST"))
    op = ENABLE;
  else if (n_segments == 2 && g_str_equal (action, "payloads") && g_str_equal (method, "GET"))
    op = PAYLOADS;
  else
    {
      sandbox_respond_not_found (msg);
      return;
    }

  /* webhook:manage on every route; creator rights to change, read to look */
  level = op == LIST || op == PAYLOADS ? "read" : "create";
  if (!sandbox_auth_has_scope (auth, "webhook:manage") || !sandbox_auth_can_see_base (self, auth, base)
      || !sandbox_level_at_least (sandbox_base_permission (base, auth->user->id), level))
    {
      sandbox_respond_forbidden (msg);
      return;
    }
  if (!sandbox_server_check_base_rate (self, msg, base))
    return;

  if (op == CREATE)
    {
      create_webhook (self, msg, auth, base);
      return;
    }
  if (op == LIST)
    {
      list_webhooks (self, msg, auth, base);
      return;
    }

  _sandbox_webhooks_sweep (self, base);
  for (guint i = 0; base->webhooks != NULL && i < base->webhooks->len; i++)
    if (g_str_equal (((SandboxWebhook *) base->webhooks->pdata[i])->id, segments[0]))
      hook = base->webhooks->pdata[i];
  if (hook == NULL || !visible_to (auth, hook))
    {
      respond_webhook_not_found (msg);
      return;
    }
  switch (op)
    {
    case DELETE:
      {
        g_autoptr(JsonObject) reply = json_object_new ();

        g_ptr_array_remove (base->webhooks, hook);
        sandbox_server_changed (self);
        sandbox_respond_object (msg, 200, reply);
      }
      break;
    case REFRESH:
      refresh_webhook (self, msg, hook);
      break;
    case ENABLE:
      enable_notifications (self, msg, hook);
      break;
    case PAYLOADS:
      list_payloads (self, msg, auth, hook, query);
      break;
    case CREATE:
    case LIST:
    default:
      g_assert_not_reached ();
    }
}
