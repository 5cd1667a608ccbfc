/* hangar-batch-result.h — what a chunked write did, record by record
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "hangar-record.h"

#include "hangar-types.h"

G_BEGIN_DECLS

/**
 * HangarBatchItemStatus:
 * @HANGAR_BATCH_ITEM_WRITTEN: the server applied it (its record/id is known)
 * @HANGAR_BATCH_ITEM_FAILED: the server refused its chunk; not written
 * @HANGAR_BATCH_ITEM_UNCERTAIN: its chunk may or may not have been applied
 *   (connection lost after sending a create/upsert); check before re-sending
 * @HANGAR_BATCH_ITEM_NOT_SENT: never sent, because an earlier chunk failed
 *   or the operation was cancelled
 */
typedef enum
{
  HANGAR_BATCH_ITEM_WRITTEN,
  HANGAR_BATCH_ITEM_FAILED,
  HANGAR_BATCH_ITEM_UNCERTAIN,
  HANGAR_BATCH_ITEM_NOT_SENT,
} HangarBatchItemStatus;

#define HANGAR_TYPE_BATCH_RESULT (hangar_batch_result_get_type ())

G_DECLARE_FINAL_TYPE (HangarBatchResult, hangar_batch_result, HANGAR, BATCH_RESULT, GObject)

guint                 hangar_batch_result_get_n_items     (HangarBatchResult *self);
guint                 hangar_batch_result_get_n_written   (HangarBatchResult *self);
guint                 hangar_batch_result_get_n_requests  (HangarBatchResult *self);
gboolean              hangar_batch_result_is_complete     (HangarBatchResult *self);
HangarBatchItemStatus hangar_batch_result_get_status      (HangarBatchResult *self,
                                                           guint              index);
HangarRecord         *hangar_batch_result_get_record      (HangarBatchResult *self,
                                                           guint              index);
const char           *hangar_batch_result_get_record_id   (HangarBatchResult *self,
                                                           guint              index);
gboolean              hangar_batch_result_get_created     (HangarBatchResult *self,
                                                           guint              index);
const GError         *hangar_batch_result_get_item_error  (HangarBatchResult *self,
                                                           guint              index);
GPtrArray            *hangar_batch_result_dup_records     (HangarBatchResult *self);
const GError         *hangar_batch_result_get_error       (HangarBatchResult *self);
gboolean              hangar_batch_result_propagate_error (HangarBatchResult *self,
                                                           GError           **error);
char                 *hangar_batch_result_describe        (HangarBatchResult *self);

/* For the client. */
HangarBatchResult    *_hangar_batch_result_new            (guint              n_items);
void                  _hangar_batch_result_set_written    (HangarBatchResult *self,
                                                           guint              index,
                                                           HangarRecord      *record,
                                                           const char        *record_id,
                                                           gboolean           created);
void                  _hangar_batch_result_set_failed     (HangarBatchResult *self,
                                                           guint              index,
                                                           HangarBatchItemStatus status,
                                                           const GError      *error);
void                  _hangar_batch_result_count_request  (HangarBatchResult *self);

G_END_DECLS
