/* hangar-comment.h — a comment on a record
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hangar-types.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_COMMENT (hangar_comment_get_type ())

G_DECLARE_FINAL_TYPE (HangarComment, hangar_comment, HANGAR, COMMENT, GObject)

HangarComment *hangar_comment_new_from_json          (JsonObject     *object,
                                                      GError        **error);
/* {"comments": [...], "offset"?} → HangarComment elements */
GPtrArray     *hangar_comment_list_from_json         (JsonNode       *response,
                                                      GError        **error);
const char    *hangar_comment_get_id                 (HangarComment  *self);
/* Mentions stay as written by the API: `@[usrXXXX]`. */
const char    *hangar_comment_get_text               (HangarComment  *self);
const char    *hangar_comment_get_author_id          (HangarComment  *self);
const char    *hangar_comment_get_author_email       (HangarComment  *self);
const char    *hangar_comment_get_author_name        (HangarComment  *self);
GDateTime     *hangar_comment_get_created_time       (HangarComment  *self);
GDateTime     *hangar_comment_get_last_updated_time  (HangarComment  *self);
const char    *hangar_comment_get_parent_comment_id  (HangarComment  *self);
/* The name Airtable gave for a mentioned user or group ("mentioned"). */
const char    *hangar_comment_get_mention_name       (HangarComment  *self,
                                                      const char     *id);
/* The text with each known `@[usr…]` shown as `@Name`. */
char          *hangar_comment_dup_display_text       (HangarComment  *self);

G_END_DECLS
