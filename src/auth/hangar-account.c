/* hangar-account.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hangar-account-private.h"
#include "hangar-account-store.h"
#include "hangar-oauth-token-source.h"

G_DEFINE_FINAL_TYPE (HangarAccount, hangar_account, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (HangarAccountStatus, hangar_account_status,
  G_DEFINE_ENUM_VALUE (HANGAR_ACCOUNT_STATUS_PENDING, "pending"),
  G_DEFINE_ENUM_VALUE (HANGAR_ACCOUNT_STATUS_ACTIVE, "active"),
  G_DEFINE_ENUM_VALUE (HANGAR_ACCOUNT_STATUS_EXPIRED, "expired"),
  G_DEFINE_ENUM_VALUE (HANGAR_ACCOUNT_STATUS_REVOKED, "revoked"),
  G_DEFINE_ENUM_VALUE (HANGAR_ACCOUNT_STATUS_ERROR, "error"))

G_DEFINE_ENUM_TYPE (HangarAccountKind, hangar_account_kind,
  G_DEFINE_ENUM_VALUE (HANGAR_ACCOUNT_KIND_OAUTH, "oauth"),
  G_DEFINE_ENUM_VALUE (HANGAR_ACCOUNT_KIND_PAT, "pat"))

enum {
  PROP_0,
  PROP_ID,
  PROP_LABEL,
  PROP_IDENTIFIER,
  PROP_KIND,
  PROP_STATUS,
  PROP_STATUS_REASON,
  PROP_NEEDS_ATTENTION,
  PROP_USER_ID,
  PROP_EMAIL,
  PROP_SCOPES,
  PROP_REQUESTED_SCOPES,
  PROP_API_URL,
  PROP_OAUTH_URL,
  PROP_CLIENT_ID,
  PROP_REDIRECT_URI,
  PROP_CONNECTED_AT,
  PROP_LAST_REFRESH,
  PROP_ACCESS_EXPIRES_AT,
  PROP_REFRESH_EXPIRES_AT,
  PROP_CLIENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char **
string_field (HangarAccount *self,
              guint          prop_id)
{
  switch (prop_id)
    {
    case PROP_LABEL: return &self->label;
    case PROP_IDENTIFIER: return &self->identifier;
    case PROP_STATUS_REASON: return &self->status_reason;
    case PROP_USER_ID: return &self->user_id;
    case PROP_EMAIL: return &self->email;
    case PROP_API_URL: return &self->api_url;
    case PROP_OAUTH_URL: return &self->oauth_url;
    case PROP_CLIENT_ID: return &self->client_id;
    case PROP_REDIRECT_URI: return &self->redirect_uri;
    default: return NULL;
    }
}

static char ***
strv_field (HangarAccount *self,
            guint          prop_id)
{
  switch (prop_id)
    {
    case PROP_SCOPES: return &self->scopes;
    case PROP_REQUESTED_SCOPES: return &self->requested_scopes;
    default: return NULL;
    }
}

static gint64 *
int_field (HangarAccount *self,
           guint          prop_id)
{
  switch (prop_id)
    {
    case PROP_CONNECTED_AT: return &self->connected_at;
    case PROP_LAST_REFRESH: return &self->last_refresh;
    case PROP_ACCESS_EXPIRES_AT: return &self->access_expires_at;
    case PROP_REFRESH_EXPIRES_AT: return &self->refresh_expires_at;
    default: return NULL;
    }
}

static gboolean
strv_equal0 (const char * const *a,
             const char * const *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_strv_equal (a, b);
}

static void
set_string_prop (HangarAccount *self,
                 guint          prop_id,
                 const char    *value)
{
  char **field = string_field (self, prop_id);

  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_strv_prop (HangarAccount      *self,
               guint               prop_id,
               const char * const *value)
{
  char ***field = strv_field (self, prop_id);

  if (strv_equal0 ((const char * const *) *field, value))
    return;
  g_strfreev (*field);
  *field = g_strdupv ((char **) value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_int_prop (HangarAccount *self,
              guint          prop_id,
              gint64         value)
{
  gint64 *field = int_field (self, prop_id);

  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
hangar_account_dispose (GObject *object)
{
  HangarAccount *self = HANGAR_ACCOUNT (object);

  g_clear_object (&self->client);
  g_clear_object (&self->token_source);

  G_OBJECT_CLASS (hangar_account_parent_class)->dispose (object);
}

static void
hangar_account_finalize (GObject *object)
{
  HangarAccount *self = HANGAR_ACCOUNT (object);

  g_free (self->id);
  g_free (self->label);
  g_free (self->identifier);
  g_free (self->status_reason);
  g_free (self->user_id);
  g_free (self->email);
  g_strfreev (self->scopes);
  g_strfreev (self->requested_scopes);
  g_free (self->api_url);
  g_free (self->oauth_url);
  g_free (self->client_id);
  g_free (self->redirect_uri);
  g_weak_ref_clear (&self->store);

  G_OBJECT_CLASS (hangar_account_parent_class)->finalize (object);
}

static void
hangar_account_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  HangarAccount *self = HANGAR_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_CLIENT:
      g_value_set_object (value, hangar_account_get_client (self));
      break;
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;
    case PROP_NEEDS_ATTENTION:
      g_value_set_boolean (value, hangar_account_get_needs_attention (self));
      break;
    case PROP_SCOPES:
    case PROP_REQUESTED_SCOPES:
      g_value_set_boxed (value, *strv_field (self, prop_id));
      break;
    case PROP_CONNECTED_AT:
    case PROP_LAST_REFRESH:
    case PROP_ACCESS_EXPIRES_AT:
    case PROP_REFRESH_EXPIRES_AT:
      g_value_set_int64 (value, *int_field (self, prop_id));
      break;
    default:
      if (string_field (self, prop_id) != NULL)
        g_value_set_string (value, *string_field (self, prop_id));
      else
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_account_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  HangarAccount *self = HANGAR_ACCOUNT (object);

  /* Everything else is read-only from outside: the metadata changes only
   * through the typed functions (hangar_account_set_label(),
   * hangar_account_set_status() and the store's own, private ones), so that
   * nobody but src/auth writes an identifier or a URL. */
  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_account_class_init (HangarAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = hangar_account_dispose;
  object_class->finalize = hangar_account_finalize;
  object_class->get_property = hangar_account_get_property;
  object_class->set_property = hangar_account_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LABEL] = g_param_spec_string ("label", NULL, NULL, NULL, ro);
  properties[PROP_IDENTIFIER] = g_param_spec_string ("identifier", NULL, NULL, NULL, ro);
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, HANGAR_TYPE_ACCOUNT_KIND, HANGAR_ACCOUNT_KIND_OAUTH, ro);
  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL, HANGAR_TYPE_ACCOUNT_STATUS, HANGAR_ACCOUNT_STATUS_PENDING, ro);
  properties[PROP_STATUS_REASON] = g_param_spec_string ("status-reason", NULL, NULL, NULL, ro);
  properties[PROP_NEEDS_ATTENTION] =
    g_param_spec_boolean ("needs-attention", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_USER_ID] = g_param_spec_string ("user-id", NULL, NULL, NULL, ro);
  properties[PROP_EMAIL] = g_param_spec_string ("email", NULL, NULL, NULL, ro);
  properties[PROP_SCOPES] = g_param_spec_boxed ("scopes", NULL, NULL, G_TYPE_STRV, ro);
  properties[PROP_REQUESTED_SCOPES] = g_param_spec_boxed ("requested-scopes", NULL, NULL, G_TYPE_STRV, ro);
  properties[PROP_API_URL] = g_param_spec_string ("api-url", NULL, NULL, NULL, ro);
  properties[PROP_OAUTH_URL] = g_param_spec_string ("oauth-url", NULL, NULL, NULL, ro);
  properties[PROP_CLIENT_ID] = g_param_spec_string ("client-id", NULL, NULL, NULL, ro);
  properties[PROP_REDIRECT_URI] = g_param_spec_string ("redirect-uri", NULL, NULL, NULL, ro);
  properties[PROP_CONNECTED_AT] = g_param_spec_int64 ("connected-at", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_LAST_REFRESH] = g_param_spec_int64 ("last-refresh", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_ACCESS_EXPIRES_AT] =
    g_param_spec_int64 ("access-expires-at", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_REFRESH_EXPIRES_AT] =
    g_param_spec_int64 ("refresh-expires-at", NULL, NULL, 0, G_MAXINT64, 0, ro);

  /* The account's HangarClient (created on first read). Notified when a
   * reconnect replaced an invalidated client: fetch it again then. */
  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, G_TYPE_OBJECT,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_account_init (HangarAccount *self)
{
  g_weak_ref_init (&self->store, NULL);
}

/* ------------------------------------------------------------------------ */
/* Private                                                                  */

HangarAccount *
_hangar_account_new (const char *id)
{
  return g_object_new (HANGAR_TYPE_ACCOUNT, "id", id, NULL);
}

void
_hangar_account_set_store (HangarAccount      *self,
                           HangarAccountStore *store)
{
  g_weak_ref_set (&self->store, store);
}

void
_hangar_account_set_identifier (HangarAccount *self,
                                const char    *identifier)
{
  set_string_prop (self, PROP_IDENTIFIER, identifier);
}

void
_hangar_account_set_identity (HangarAccount *self,
                              const char    *user_id,
                              const char    *email)
{
  g_object_freeze_notify (G_OBJECT (self));
  set_string_prop (self, PROP_USER_ID, user_id);
  set_string_prop (self, PROP_EMAIL, email);
  g_object_thaw_notify (G_OBJECT (self));
}

void
_hangar_account_set_scopes (HangarAccount      *self,
                            const char * const *scopes)
{
  set_strv_prop (self, PROP_SCOPES, scopes);
}

void
_hangar_account_set_api_url (HangarAccount *self,
                             const char    *api_url)
{
  set_string_prop (self, PROP_API_URL, api_url);
}

void
_hangar_account_set_oauth_url (HangarAccount *self,
                               const char    *oauth_url)
{
  set_string_prop (self, PROP_OAUTH_URL, oauth_url);
}

void
_hangar_account_set_integration (HangarAccount                *self,
                                 const HangarOAuthIntegration *integration)
{
  g_object_freeze_notify (G_OBJECT (self));
  set_string_prop (self, PROP_API_URL, integration->api_url);
  if (self->kind == HANGAR_ACCOUNT_KIND_OAUTH)
    {
      set_string_prop (self, PROP_OAUTH_URL, integration->oauth_url);
      set_string_prop (self, PROP_CLIENT_ID, integration->client_id);
      set_string_prop (self, PROP_REDIRECT_URI, integration->redirect_uri);
      set_strv_prop (self, PROP_REQUESTED_SCOPES, (const char * const *) integration->scopes);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

void
_hangar_account_set_connected_at (HangarAccount *self,
                                  gint64         unix_s)
{
  set_int_prop (self, PROP_CONNECTED_AT, MAX (unix_s, 0));
}

void
_hangar_account_set_last_refresh (HangarAccount *self,
                                  gint64         unix_s)
{
  set_int_prop (self, PROP_LAST_REFRESH, MAX (unix_s, 0));
}

void
_hangar_account_set_expiry (HangarAccount *self,
                            gint64         access_expires_at,
                            gint64         refresh_expires_at)
{
  g_object_freeze_notify (G_OBJECT (self));
  set_int_prop (self, PROP_ACCESS_EXPIRES_AT, MAX (access_expires_at, 0));
  set_int_prop (self, PROP_REFRESH_EXPIRES_AT, MAX (refresh_expires_at, 0));
  g_object_thaw_notify (G_OBJECT (self));
}

void
_hangar_account_set_kind (HangarAccount     *self,
                          HangarAccountKind  kind)
{
  if (self->kind == kind)
    return;
  self->kind = kind;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND]);
}

void
_hangar_account_shutdown (HangarAccount *self)
{
  gboolean had_client = self->client != NULL;

  g_clear_object (&self->client);
  g_clear_object (&self->token_source);
  if (had_client)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
}

HangarOAuthIntegration *
_hangar_account_dup_integration (HangarAccount *self)
{
  return hangar_oauth_integration_new (self->api_url, self->oauth_url, self->client_id, NULL,
                                       self->redirect_uri,
                                       (const char * const *) self->requested_scopes);
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
add_strv (JsonBuilder  *builder,
          const char   *name,
          char * const *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; value[i] != NULL; i++)
    json_builder_add_string_value (builder, value[i]);
  json_builder_end_array (builder);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static const char *
enum_nick (GType type,
           int   value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *v = g_enum_get_value (klass, value);

  return v ? v->value_nick : NULL;
}

static gboolean
enum_from_nick (GType       type,
                const char *nick,
                int        *out)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *v = nick ? g_enum_get_value_by_nick (klass, nick) : NULL;

  if (v == NULL)
    return FALSE;
  *out = v->value;
  return TRUE;
}

JsonNode *
_hangar_account_to_json (HangarAccount *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_string (builder, "id", self->id);
  add_string (builder, "label", self->label);
  add_string (builder, "identifier", self->identifier);
  add_string (builder, "kind", enum_nick (HANGAR_TYPE_ACCOUNT_KIND, self->kind));
  add_string (builder, "status", enum_nick (HANGAR_TYPE_ACCOUNT_STATUS, self->status));
  add_string (builder, "status_reason", self->status_reason);
  add_string (builder, "user_id", self->user_id);
  add_string (builder, "email", self->email);
  add_strv (builder, "scopes", self->scopes);
  add_strv (builder, "requested_scopes", self->requested_scopes);
  add_string (builder, "api_url", self->api_url);
  add_string (builder, "oauth_url", self->oauth_url);
  add_string (builder, "client_id", self->client_id);
  add_string (builder, "redirect_uri", self->redirect_uri);
  add_int (builder, "connected_at", self->connected_at);
  add_int (builder, "last_refresh", self->last_refresh);
  add_int (builder, "access_expires_at", self->access_expires_at);
  add_int (builder, "refresh_expires_at", self->refresh_expires_at);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* Applies one accounts.json entry; notifies only what changed. */
gboolean
_hangar_account_update_from_json (HangarAccount *self,
                                  JsonObject    *obj)
{
  g_auto(GStrv) scopes = _hangar_auth_json_strv (obj, "scopes");
  g_auto(GStrv) requested = _hangar_auth_json_strv (obj, "requested_scopes");
  int kind = HANGAR_ACCOUNT_KIND_OAUTH;
  int status = HANGAR_ACCOUNT_STATUS_ERROR;

  if (g_strcmp0 (_hangar_auth_json_string (obj, "id"), self->id) != 0)
    return FALSE;

  g_object_freeze_notify (G_OBJECT (self));
  set_string_prop (self, PROP_LABEL, _hangar_auth_json_string (obj, "label"));
  set_string_prop (self, PROP_IDENTIFIER, _hangar_auth_json_string (obj, "identifier"));
  if (enum_from_nick (HANGAR_TYPE_ACCOUNT_KIND, _hangar_auth_json_string (obj, "kind"), &kind))
    _hangar_account_set_kind (self, kind);
  enum_from_nick (HANGAR_TYPE_ACCOUNT_STATUS, _hangar_auth_json_string (obj, "status"), &status);
  hangar_account_set_status (self, status, _hangar_auth_json_string (obj, "status_reason"));
  set_string_prop (self, PROP_USER_ID, _hangar_auth_json_string (obj, "user_id"));
  set_string_prop (self, PROP_EMAIL, _hangar_auth_json_string (obj, "email"));
  set_strv_prop (self, PROP_SCOPES, (const char * const *) scopes);
  set_strv_prop (self, PROP_REQUESTED_SCOPES, (const char * const *) requested);
  set_string_prop (self, PROP_API_URL, _hangar_auth_json_string (obj, "api_url"));
  set_string_prop (self, PROP_OAUTH_URL, _hangar_auth_json_string (obj, "oauth_url"));
  set_string_prop (self, PROP_CLIENT_ID, _hangar_auth_json_string (obj, "client_id"));
  set_string_prop (self, PROP_REDIRECT_URI, _hangar_auth_json_string (obj, "redirect_uri"));
  set_int_prop (self, PROP_CONNECTED_AT, _hangar_auth_json_time (obj, "connected_at"));
  set_int_prop (self, PROP_LAST_REFRESH, _hangar_auth_json_time (obj, "last_refresh"));
  set_int_prop (self, PROP_ACCESS_EXPIRES_AT, _hangar_auth_json_time (obj, "access_expires_at"));
  set_int_prop (self, PROP_REFRESH_EXPIRES_AT, _hangar_auth_json_time (obj, "refresh_expires_at"));
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Public                                                                   */

const char *
hangar_account_get_id (HangarAccount *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNT (self), NULL);
  return self->id;
}

const char *
hangar_account_get_label (HangarAccount *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNT (self), NULL);
  return self->label;
}

/**
 * hangar_account_set_label:
 * @self: an account
 * @label: the new label
 *
 * Renames the account (the store saves it).
 */
void
hangar_account_set_label (HangarAccount *self,
                          const char    *label)
{
  g_return_if_fail (HANGAR_IS_ACCOUNT (self));
  set_string_prop (self, PROP_LABEL, label);
}

const char *
hangar_account_get_identifier (HangarAccount *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNT (self), NULL);
  return self->identifier;
}

HangarAccountKind
hangar_account_get_kind (HangarAccount *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNT (self), HANGAR_ACCOUNT_KIND_OAUTH);
  return self->kind;
}

HangarAccountStatus
hangar_account_get_status (HangarAccount *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNT (self), HANGAR_ACCOUNT_STATUS_ERROR);
  return self->status;
}

const char *
hangar_account_get_status_reason (HangarAccount *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNT (self), NULL);
  return self->status_reason;
}

/**
 * hangar_account_set_status:
 * @self: an account
 * @status: the new status
 * @reason: (nullable): why, in words for the user
 *
 * Sets status and reason together (one notify each, only if changed).
 */
void
hangar_account_set_status (HangarAccount       *self,
                           HangarAccountStatus  status,
                           const char          *reason)
{
  gboolean attention_before;

  g_return_if_fail (HANGAR_IS_ACCOUNT (self));

  attention_before = hangar_account_get_needs_attention (self);
  g_object_freeze_notify (G_OBJECT (self));
  if (self->status != status)
    {
      self->status = status;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
    }
  set_string_prop (self, PROP_STATUS_REASON, reason);
  if (attention_before != hangar_account_get_needs_attention (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEEDS_ATTENTION]);
  g_object_thaw_notify (G_OBJECT (self));
}

gboolean
hangar_account_get_needs_attention (HangarAccount *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNT (self), TRUE);
  return self->status != HANGAR_ACCOUNT_STATUS_ACTIVE;
}

const char *
hangar_account_get_user_id (HangarAccount *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNT (self), NULL);
  return self->user_id;
}

const char *
hangar_account_get_email (HangarAccount *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNT (self), NULL);
  return self->email;
}

const char * const *
hangar_account_get_scopes (HangarAccount *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNT (self), NULL);
  return (const char * const *) self->scopes;
}

const char * const *
hangar_account_get_requested_scopes (HangarAccount *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNT (self), NULL);
  return (const char * const *) self->requested_scopes;
}

gboolean
hangar_account_has_scope (HangarAccount *self,
                          const char    *scope)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNT (self), FALSE);
  return self->scopes != NULL && g_strv_contains ((const char * const *) self->scopes, scope);
}

const char *
hangar_account_get_api_url (HangarAccount *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNT (self), NULL);
  return self->api_url;
}

const char *
hangar_account_get_oauth_url (HangarAccount *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNT (self), NULL);
  return self->oauth_url;
}

const char *
hangar_account_get_client_id (HangarAccount *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNT (self), NULL);
  return self->client_id;
}

const char *
hangar_account_get_redirect_uri (HangarAccount *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNT (self), NULL);
  return self->redirect_uri;
}

gint64
hangar_account_get_connected_at (HangarAccount *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNT (self), 0);
  return self->connected_at;
}

gint64
hangar_account_get_last_refresh (HangarAccount *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNT (self), 0);
  return self->last_refresh;
}

gint64
hangar_account_get_access_expires_at (HangarAccount *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNT (self), 0);
  return self->access_expires_at;
}

gint64
hangar_account_get_refresh_expires_at (HangarAccount *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNT (self), 0);
  return self->refresh_expires_at;
}

const char *
hangar_account_status_to_string (HangarAccountStatus status)
{
  switch (status)
    {
    case HANGAR_ACCOUNT_STATUS_PENDING: return _("Pending");
    case HANGAR_ACCOUNT_STATUS_ACTIVE: return _("Active");
    case HANGAR_ACCOUNT_STATUS_EXPIRED: return _("Expired");
    case HANGAR_ACCOUNT_STATUS_REVOKED: return _("Revoked");
    case HANGAR_ACCOUNT_STATUS_ERROR: return _("Error");
    default: return _("Unknown");
    }
}

const char *
hangar_account_kind_to_string (HangarAccountKind kind)
{
  switch (kind)
    {
    case HANGAR_ACCOUNT_KIND_OAUTH: return _("OAuth");
    case HANGAR_ACCOUNT_KIND_PAT: return _("Personal access token");
    default: return _("Unknown");
    }
}

/**
 * hangar_account_get_store:
 * @self: an account
 *
 * Returns: (transfer none) (nullable): the store holding the account
 */
HangarAccountStore *
hangar_account_get_store (HangarAccount *self)
{
  HangarAccountStore *store;

  g_return_val_if_fail (HANGAR_IS_ACCOUNT (self), NULL);

  /* The store outlives its accounts' use; drop the extra ref at once. */
  store = g_weak_ref_get (&self->store);
  if (store != NULL)
    g_object_unref (store);
  return store;
}

/**
 * hangar_account_get_token_source:
 * @self: an account
 *
 * Returns: (transfer none): the account's token source
 */
HangarTokenSource *
hangar_account_get_token_source (HangarAccount *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNT (self), NULL);

  if (self->token_source == NULL)
    self->token_source = hangar_oauth_token_source_new (self);
  return self->token_source;
}

/**
 * hangar_account_dup_cache_dir:
 * @self: an account
 *
 * Returns: (transfer full): $XDG_CACHE_HOME/hangar/<id>
 */
char *
hangar_account_dup_cache_dir (HangarAccount *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNT (self), NULL);
  return g_build_filename (g_get_user_cache_dir (), "hangar", self->id, NULL);
}
