/* hangar-record-detail.h — every field of one record, in a side panel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hangar-cell-editor.h"
#include "hangar-comments-panel.h"
#include "hangar-field.h"
#include "hangar-journal.h"
#include "hangar-link-cache.h"
#include "hangar-record.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_RECORD_DETAIL (hangar_record_detail_get_type ())

G_DECLARE_FINAL_TYPE (HangarRecordDetail, hangar_record_detail, HANGAR, RECORD_DETAIL, GtkWidget)

GtkWidget    *hangar_record_detail_new            (void);

/* The table's fields (GPtrArray of HangarField, all of them, in order) and
 * the link cache for linked-record names (nullable). Clears the record. */
void          hangar_record_detail_set_fields     (HangarRecordDetail *self,
                                                   GPtrArray          *fields,
                                                   HangarLinkCache    *links);
void          hangar_record_detail_set_record     (HangarRecordDetail *self,
                                                   HangarRecord       *record);
HangarRecord *hangar_record_detail_get_record     (HangarRecordDetail *self);
/* Where the records' comments are read and written (see HangarCommentsPanel). */
void          hangar_record_detail_set_comments_context (HangarRecordDetail *self,
                                                         HangarClient       *client,
                                                         HangarAccount      *account,
                                                         const char         *base_id,
                                                         const char         *table_id);
HangarCommentsPanel *hangar_record_detail_get_comments (HangarRecordDetail *self);

/* Where the record is (for its URL), the API URL (attachments) and the
 * journal (to show the state of edits). */
void          hangar_record_detail_set_context    (HangarRecordDetail *self,
                                                   const char         *base_id,
                                                   const char         *table_id,
                                                   const char         *api_url,
                                                   HangarJournal      *journal);
/* Why nothing can be edited (shown when the user tries), or NULL. */
void          hangar_record_detail_set_read_only_reason (HangarRecordDetail *self,
                                                         const char         *reason);

/* For tests. */
GtkWidget        *hangar_record_detail_get_value_button (HangarRecordDetail *self,
                                                         const char         *field_name);
HangarCellEditor *hangar_record_detail_get_editor       (HangarRecordDetail *self);
const char       *hangar_record_detail_get_message      (HangarRecordDetail *self);

/* The number of field rows and the text shown for @field_name ("" when the
 * cell is empty, NULL when there is no such row); for tests. */
guint         hangar_record_detail_get_n_fields   (HangarRecordDetail *self);
const char   *hangar_record_detail_get_value_text (HangarRecordDetail *self,
                                                   const char         *field_name);

G_END_DECLS
