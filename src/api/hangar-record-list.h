/* hangar-record-list.h — a GListModel of records that grows page by page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hangar-list-options.h"
#include "hangar-record.h"
#include "hangar-types.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_RECORD_LIST (hangar_record_list_get_type ())

G_DECLARE_FINAL_TYPE (HangarRecordList, hangar_record_list, HANGAR, RECORD_LIST, GObject)

HangarRecordList *hangar_record_list_new            (HangarClient            *client,
                                                     const char              *base_id,
                                                     const char              *table,
                                                     const HangarListOptions *options);

gboolean          hangar_record_list_get_loading    (HangarRecordList *self);
gboolean          hangar_record_list_get_complete   (HangarRecordList *self);
const GError     *hangar_record_list_get_failed     (HangarRecordList *self);
guint             hangar_record_list_get_n_loaded   (HangarRecordList *self);
guint             hangar_record_list_get_n_restarts (HangarRecordList *self);
const char * const *hangar_record_list_get_notes    (HangarRecordList *self);
guint             hangar_record_list_get_n_pages    (HangarRecordList *self);
HangarRecord     *hangar_record_list_lookup         (HangarRecordList *self,
                                                     const char       *record_id);

void              hangar_record_list_load_more      (HangarRecordList *self);
void              hangar_record_list_load_all       (HangarRecordList *self);
void              hangar_record_list_stop           (HangarRecordList *self);

void              hangar_record_list_load_all_async  (HangarRecordList    *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean          hangar_record_list_load_all_finish (HangarRecordList    *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

G_END_DECLS
