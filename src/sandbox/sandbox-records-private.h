/* sandbox-records-private.h — what the records API's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sandbox-private.h"

G_BEGIN_DECLS

#define BATCH_MAX 10

void _sandbox_records_respond_unknown_field (SoupServerMessage *msg,
                                             const char        *name);
void _sandbox_records_respond_record_not_found (SoupServerMessage *msg);
gboolean _sandbox_records_parse_int (const char *text,
                                     gint64     *out);
void _sandbox_records_handle_list (SandboxServer     *self,
                                   SoupServerMessage *msg,
                                   SandboxTable      *table,
                                   GPtrArray         *query,
                                   JsonObject        *body);
void _sandbox_records_handle_create (SandboxServer     *self,
                                     SoupServerMessage *msg,
                                     SandboxTable      *table,
                                     JsonObject        *body,
                                     GPtrArray         *query);
void _sandbox_records_handle_update_batch (SandboxServer     *self,
                                           SoupServerMessage *msg,
                                           SandboxTable      *table,
                                           JsonObject        *body,
                                           GPtrArray         *query,
                                           gboolean           destructive);
void _sandbox_records_handle_update_one (SandboxServer     *self,
                                         SoupServerMessage *msg,
                                         SandboxTable      *table,
                                         const char        *record_id,
                                         JsonObject        *body,
                                         GPtrArray         *query,
                                         gboolean           destructive);
void _sandbox_records_handle_delete_batch (SandboxServer     *self,
                                           SoupServerMessage *msg,
                                           SandboxTable      *table,
                                           GPtrArray         *query);
void _sandbox_records_handle_comments (SandboxServer     *self,
                                       SoupServerMessage *msg,
                                       SandboxAuth       *auth,
                                       SandboxTable      *table,
                                       SandboxRecord     *record,
                                       GPtrArray         *query);
void _sandbox_records_handle_comment_change (SandboxServer     *self,
                                             SoupServerMessage *msg,
                                             SandboxAuth       *auth,
                                             SandboxRecord     *record,
                                             const char        *comment_id);
void _sandbox_records_handle_upload (SandboxServer     *self,
                                     SoupServerMessage *msg,
                                     SandboxBase       *base,
                                     const char        *record_id,
                                     const char        *field_name);

G_END_DECLS
