/* hangar-csv-export.h — a listing of records written to a CSV file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hangar-csv-formatter.h"
#include "hangar-types.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_CSV_EXPORT (hangar_csv_export_get_type ())

G_DECLARE_FINAL_TYPE (HangarCsvExport, hangar_csv_export, HANGAR, CSV_EXPORT, GObject)

/* @columns: (element-type HangarField) the columns in order;
 * @tables: (element-type HangarTable) (nullable): the base schema, fetched
 * when linked records need names and it is not given;
 * @options: (nullable): view, filter, sort (the fields to fetch are the
 * columns' unless set). */
HangarCsvExport *hangar_csv_export_new           (HangarClient            *client,
                                                  const char              *base_id,
                                                  const char              *table_id,
                                                  GPtrArray               *columns,
                                                  GPtrArray               *tables,
                                                  const HangarListOptions *options,
                                                  HangarCsvFormatterFlags  flags);
/* A UTF-8 byte order mark first and CRLF line ends: what spreadsheets
 * expect (Excel takes a file without the mark for its legacy code page). */
void             hangar_csv_export_set_for_spreadsheets (HangarCsvExport *self,
                                                         gboolean         spreadsheets);
/* Records written so far ("n-written", notified after every page). */
guint            hangar_csv_export_get_n_written (HangarCsvExport         *self);

void             hangar_csv_export_run_async     (HangarCsvExport         *self,
                                                  GOutputStream           *stream,
                                                  GCancellable            *cancellable,
                                                  GAsyncReadyCallback      callback,
                                                  gpointer                 user_data);
gboolean         hangar_csv_export_run_finish    (HangarCsvExport         *self,
                                                  GAsyncResult            *result,
                                                  GError                 **error);

G_END_DECLS
