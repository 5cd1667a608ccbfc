/* hangar-whoami.h — who a token belongs to (GET /v0/meta/whoami)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hangar-types.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_WHOAMI (hangar_whoami_get_type ())

G_DECLARE_FINAL_TYPE (HangarWhoami, hangar_whoami, HANGAR, WHOAMI, GObject)

HangarWhoami       *hangar_whoami_new_from_json (JsonObject    *object,
                                                 GError       **error);
const char         *hangar_whoami_get_user_id   (HangarWhoami  *self);
/* NULL unless the token has user.email:read */
const char         *hangar_whoami_get_email     (HangarWhoami  *self);
/* NULL for personal access tokens (the API only lists OAuth scopes) */
const char * const *hangar_whoami_get_scopes    (HangarWhoami  *self);
gboolean            hangar_whoami_has_scope     (HangarWhoami  *self,
                                                 const char    *scope);

G_END_DECLS
