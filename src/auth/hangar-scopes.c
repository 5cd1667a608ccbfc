/* hangar-scopes.c — capabilities and the scopes they need
 *
 * The scopes are Airtable's: https://airtable.com/developers/web/api/scopes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hangar-error.h"
#include "hangar-scopes.h"

G_DEFINE_ENUM_TYPE (HangarCapability, hangar_capability,
  G_DEFINE_ENUM_VALUE (HANGAR_CAPABILITY_RECORDS_READ, "records-read"),
  G_DEFINE_ENUM_VALUE (HANGAR_CAPABILITY_RECORDS_WRITE, "records-write"),
  G_DEFINE_ENUM_VALUE (HANGAR_CAPABILITY_COMMENTS_READ, "comments-read"),
  G_DEFINE_ENUM_VALUE (HANGAR_CAPABILITY_COMMENTS_WRITE, "comments-write"),
  G_DEFINE_ENUM_VALUE (HANGAR_CAPABILITY_SCHEMA_READ, "schema-read"),
  G_DEFINE_ENUM_VALUE (HANGAR_CAPABILITY_SCHEMA_WRITE, "schema-write"),
  G_DEFINE_ENUM_VALUE (HANGAR_CAPABILITY_USER_EMAIL, "user-email"),
  G_DEFINE_ENUM_VALUE (HANGAR_CAPABILITY_LIVE_SYNC, "live-sync"))

typedef struct
{
  const char *title;
  const char *scopes[3];
} CapabilityInfo;

/* What each feature needs. Reading records also lists bases to find them. */
static const CapabilityInfo capabilities[HANGAR_N_CAPABILITIES] = {
  [HANGAR_CAPABILITY_RECORDS_READ]   = { N_("Read records"),     { "data.records:read", NULL } },
  [HANGAR_CAPABILITY_RECORDS_WRITE]  = { N_("Edit records"),     { "data.records:write", NULL } },
  [HANGAR_CAPABILITY_COMMENTS_READ]  = { N_("Read comments"),    { "data.recordComments:read", NULL } },
  [HANGAR_CAPABILITY_COMMENTS_WRITE] = { N_("Write comments"),   { "data.recordComments:write", NULL } },
  [HANGAR_CAPABILITY_SCHEMA_READ]    = { N_("Browse bases and schemas"), { "schema.bases:read", NULL } },
  [HANGAR_CAPABILITY_SCHEMA_WRITE]   = { N_("Change tables and fields"), { "schema.bases:write", NULL } },
  [HANGAR_CAPABILITY_USER_EMAIL]     = { N_("See the user's email"),     { "user.email:read", NULL } },
  /* Webhooks are only polled (no notification URL): src/api/WEBHOOKS.md. */
  [HANGAR_CAPABILITY_LIVE_SYNC]      = { N_("Live sync of other people's changes"), { "webhook:manage", NULL } },
};

static const char * const default_scopes[] = {
  "data.records:read",
  "data.records:write",
  "data.recordComments:read",
  "data.recordComments:write",
  "schema.bases:read",
  "schema.bases:write",
  "user.email:read",
  "webhook:manage",
  NULL
};

/**
 * hangar_capability_get_scopes:
 * @capability: a capability
 *
 * Returns: (transfer none): the scopes it needs
 */
const char * const *
hangar_capability_get_scopes (HangarCapability capability)
{
  g_return_val_if_fail (capability < HANGAR_N_CAPABILITIES, NULL);
  return capabilities[capability].scopes;
}

const char *
hangar_capability_get_title (HangarCapability capability)
{
  g_return_val_if_fail (capability < HANGAR_N_CAPABILITIES, NULL);
  return g_dgettext (GETTEXT_PACKAGE, capabilities[capability].title);
}

/**
 * hangar_scopes_default:
 *
 * Returns: (transfer none): every scope a capability of Hangar needs
 */
const char * const *
hangar_scopes_default (void)
{
  return default_scopes;
}

static gboolean
scopes_known (HangarAccount *account)
{
  return hangar_account_get_kind (account) == HANGAR_ACCOUNT_KIND_OAUTH &&
         hangar_account_get_scopes (account) != NULL;
}

gboolean
hangar_scopes_account_can (HangarAccount    *account,
                           HangarCapability  capability)
{
  g_auto(GStrv) missing = hangar_scopes_account_missing (account, capability);

  return missing == NULL || missing[0] == NULL;
}

/**
 * hangar_scopes_account_missing:
 * @account: an account
 * @capability: a capability
 *
 * Returns: (transfer full): scopes @capability needs that @account lacks
 */
char **
hangar_scopes_account_missing (HangarAccount    *account,
                               HangarCapability  capability)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char * const *needed;

  g_return_val_if_fail (HANGAR_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (capability < HANGAR_N_CAPABILITIES, NULL);

  needed = capabilities[capability].scopes;
  if (scopes_known (account))
    for (guint i = 0; needed[i] != NULL; i++)
      if (!hangar_account_has_scope (account, needed[i]))
        g_strv_builder_add (builder, needed[i]);
  return g_strv_builder_end (builder);
}

/**
 * hangar_scopes_account_missing_all:
 * @account: an account
 *
 * Returns: (transfer full): default scopes the account was not granted
 */
char **
hangar_scopes_account_missing_all (HangarAccount *account)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (HANGAR_IS_ACCOUNT (account), NULL);

  if (scopes_known (account))
    for (guint i = 0; default_scopes[i] != NULL; i++)
      if (!hangar_account_has_scope (account, default_scopes[i]))
        g_strv_builder_add (builder, default_scopes[i]);
  return g_strv_builder_end (builder);
}

/**
 * hangar_scopes_explain_forbidden:
 * @account: the account the request was made for
 * @capability: what the request was trying to do
 * @base_name: (nullable): the base concerned
 * @error: the error the request failed with
 *
 * Airtable answers the same 403 for a missing scope, a base that was not
 * granted and a missing role; the granted scopes tell the first apart.
 *
 * Returns: (transfer full) (nullable): one sentence, or %NULL if not a 403
 */
char *
hangar_scopes_explain_forbidden (HangarAccount    *account,
                                 HangarCapability  capability,
                                 const char       *base_name,
                                 const GError     *error)
{
  g_auto(GStrv) missing = NULL;
  g_autofree char *base = NULL;

  g_return_val_if_fail (HANGAR_IS_ACCOUNT (account), NULL);

  if (error == NULL || !g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_PERMISSION_DENIED))
    return NULL;

  missing = hangar_scopes_account_missing (account, capability);
  if (missing != NULL && missing[0] != NULL)
    {
      g_autofree char *list = g_strjoinv (", ", missing);

      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "This account's token lacks the scope %s — reconnect and grant it.",
                                           "This account's token lacks the scopes %s — reconnect and grant them.",
                                           g_strv_length (missing)),
                              list);
    }

  base = base_name ? g_strdup_printf ("“%s”", base_name) : g_strdup (_("this base"));
  if (hangar_account_get_kind (account) == HANGAR_ACCOUNT_KIND_PAT)
    return g_strdup_printf (_("The personal access token cannot use %s for this (%s): "
                              "give the token the scope %s and access to the base, "
                              "or check your role in the base."),
                            base, hangar_capability_get_title (capability),
                            capabilities[capability].scopes[0]);
  return g_strdup_printf (_("The base %s is not granted to this account — reconnect and tick "
                            "it on the consent page (or ask for a role that allows this)."),
                          base);
}
