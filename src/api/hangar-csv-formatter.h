/* hangar-csv-formatter.h — records as CSV rows, linked records by name
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hangar-csv-cell.h"
#include "hangar-types.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_CSV_FORMATTER (hangar_csv_formatter_get_type ())

G_DECLARE_FINAL_TYPE (HangarCsvFormatter, hangar_csv_formatter, HANGAR, CSV_FORMATTER, GObject)

/**
 * HangarCsvFormatterFlags:
 * @HANGAR_CSV_FORMATTER_NONE: the columns only
 * @HANGAR_CSV_FORMATTER_RECORD_ID: a first column "id" with the record id
 * @HANGAR_CSV_FORMATTER_NO_GUARD: cells exactly as they are, no apostrophe
 *   before text a spreadsheet would run as a formula
 */
typedef enum
{
  HANGAR_CSV_FORMATTER_NONE      = 0,
  HANGAR_CSV_FORMATTER_RECORD_ID = 1 << 0,
  HANGAR_CSV_FORMATTER_NO_GUARD  = 1 << 1,
} HangarCsvFormatterFlags;

/* @columns: (element-type HangarField) the columns, in order; a field of
 * @tables' table or, for a column named only (no schema), NULL entries are
 * not allowed: pass a field made with hangar_field_new_from_json().
 * @tables: (element-type HangarTable) (nullable): the base schema, for the
 * primary fields of linked tables; without it links are written as ids. */
HangarCsvFormatter *hangar_csv_formatter_new          (HangarClient            *client,
                                                       const char              *base_id,
                                                       GPtrArray               *columns,
                                                       GPtrArray               *tables,
                                                       HangarCsvFormatterFlags  flags);
/* The header row and the cell flags (guard or not) of each column. */
guint               hangar_csv_formatter_get_n_columns (HangarCsvFormatter     *self);
const char * const *hangar_csv_formatter_get_header   (HangarCsvFormatter      *self);
const HangarCsvCellFlags *hangar_csv_formatter_get_cell_flags (HangarCsvFormatter *self);

/* Looks up the names of the records that @records link to and that are not
 * known yet (a request per linked table and 50 records). A failed look-up
 * leaves those links as ids and is not an error, unless cancelled. */
void                hangar_csv_formatter_resolve_async  (HangarCsvFormatter  *self,
                                                        GPtrArray           *records,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean            hangar_csv_formatter_resolve_finish (HangarCsvFormatter  *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* The cells of @record (hangar_csv_formatter_get_n_columns() of them). */
GPtrArray          *hangar_csv_formatter_format_record (HangarCsvFormatter  *self,
                                                        HangarRecord        *record);
/* Appends @record as a CSV row to @out. */
void                hangar_csv_formatter_append_record (HangarCsvFormatter  *self,
                                                        GString             *out,
                                                        HangarRecord        *record,
                                                        gboolean             crlf);

G_END_DECLS
