/* hangar-scopes.h — which capability needs which Airtable scope (no GTK)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "hangar-account.h"

G_BEGIN_DECLS

/**
 * HangarCapability:
 * @HANGAR_CAPABILITY_RECORDS_READ: list / get records (data.records:read)
 * @HANGAR_CAPABILITY_RECORDS_WRITE: create / update / delete records (data.records:write)
 * @HANGAR_CAPABILITY_COMMENTS_READ: read comments (data.recordComments:read)
 * @HANGAR_CAPABILITY_COMMENTS_WRITE: write comments (data.recordComments:write)
 * @HANGAR_CAPABILITY_SCHEMA_READ: list bases, read schemas (schema.bases:read)
 * @HANGAR_CAPABILITY_SCHEMA_WRITE: create / change tables and fields (schema.bases:write)
 * @HANGAR_CAPABILITY_USER_EMAIL: show the user's email (user.email:read)
 * @HANGAR_CAPABILITY_LIVE_SYNC: follow other people's changes through a
 *   webhook per base (webhook:manage); without it the offline cache is
 *   refreshed by asking for recently changed records
 *
 * A feature of the app; each declares the scopes it needs.
 */
typedef enum
{
  HANGAR_CAPABILITY_RECORDS_READ,
  HANGAR_CAPABILITY_RECORDS_WRITE,
  HANGAR_CAPABILITY_COMMENTS_READ,
  HANGAR_CAPABILITY_COMMENTS_WRITE,
  HANGAR_CAPABILITY_SCHEMA_READ,
  HANGAR_CAPABILITY_SCHEMA_WRITE,
  HANGAR_CAPABILITY_USER_EMAIL,
  HANGAR_CAPABILITY_LIVE_SYNC,
  HANGAR_N_CAPABILITIES
} HangarCapability;

#define HANGAR_TYPE_CAPABILITY (hangar_capability_get_type ())
GType               hangar_capability_get_type        (void);

/* The scopes @capability needs (static, NULL-terminated). */
const char * const *hangar_capability_get_scopes      (HangarCapability capability);
/* A short human name: "Read records", … (translated). */
const char         *hangar_capability_get_title       (HangarCapability capability);

/* Every scope some capability needs: what a connect flow asks for by default. */
const char * const *hangar_scopes_default             (void);

/* Whether the account's granted scopes cover @capability. A personal access
 * token's scopes are unknown (whoami does not say): returns TRUE, hoping. */
gboolean            hangar_scopes_account_can         (HangarAccount    *account,
                                                       HangarCapability  capability);
/* The scopes @capability needs that the account lacks (NULL-terminated, maybe
 * empty; empty for a PAT, whose scopes are unknown). */
char              **hangar_scopes_account_missing     (HangarAccount    *account,
                                                       HangarCapability  capability);
/* Every default scope the account lacks. */
char              **hangar_scopes_account_missing_all (HangarAccount    *account);

/* Explains a 403 (HANGAR_API_ERROR_PERMISSION_DENIED) met while doing
 * @capability, as one sentence for the user:
 *   "This account's token lacks the scope X — reconnect and grant it." or
 *   "The base B is not granted to this account — reconnect and tick it on
 *    the consent page." (with @base_name, or "this base" when NULL).
 * Returns NULL when @error is not a 403. */
char               *hangar_scopes_explain_forbidden   (HangarAccount    *account,
                                                       HangarCapability  capability,
                                                       const char       *base_name,
                                                       const GError     *error);

G_END_DECLS
