/* hangar-importer.h — a CSV file into a table: check, map, preview, import
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hangar-api.h"
#include "hangar-csv-cell.h"
#include "hangar-import-progress.h"
#include "hangar-store.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_IMPORTER (hangar_importer_get_type ())

G_DECLARE_FINAL_TYPE (HangarImporter, hangar_importer, HANGAR, IMPORTER, GObject)

/* The column of the failed-rows file that says why a row failed. A column
 * of this name is never imported, so the file can be fixed and imported
 * again as it is. */
#define HANGAR_IMPORT_ERROR_COLUMN "Import error"

/* How many rows of the file are read and checked at once. */
#define HANGAR_IMPORT_PREVIEW_ROWS 20

/**
 * HangarImportResume:
 * @HANGAR_IMPORT_RESUME_AUTO: go on from an interrupted import of the same
 *   file into the same table with the same settings; refuse when the
 *   settings differ or when the file was imported completely before
 * @HANGAR_IMPORT_RESUME_RESTART: start at the first row (rows written by an
 *   earlier run stay in the table)
 */
typedef enum
{
  HANGAR_IMPORT_RESUME_AUTO,
  HANGAR_IMPORT_RESUME_RESTART,
} HangarImportResume;

/* One row of the preview. */
typedef struct
{
  guint64    line;        /* where the row starts in the file */
  GPtrArray *cells;       /* char*: the file's text, one per column */
  GPtrArray *values;      /* char*: the value as it will be sent, shown as text; NULL when skipped or failed */
  GPtrArray *problems;    /* char*: why the cell fails, or NULL */
  char      *row_problem; /* a problem of the whole row (a missing merge value), or NULL */
} HangarImportPreviewRow;

void            hangar_import_preview_row_free     (HangarImportPreviewRow *row);
gboolean        hangar_import_preview_row_fails    (HangarImportPreviewRow *row);

HangarImporter *hangar_importer_new                (HangarClient       *client,
                                                    const char         *base_id,
                                                    HangarTable        *table,
                                                    GFile              *file);
HangarTable    *hangar_importer_get_table          (HangarImporter     *self);
GFile          *hangar_importer_get_file           (HangarImporter     *self);

/* Step 1: reads the whole file once, in a thread: the header, the number
 * of rows, the SHA-256 of its bytes, and every problem of its structure
 * (not UTF-8, quotes, rows with another number of cells than the header,
 * cells or rows over the limits). Any problem fails the scan with a message
 * listing them by line (the first 20); nothing can be imported then. */
void            hangar_importer_scan_async         (HangarImporter     *self,
                                                    GCancellable       *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer            user_data);
gboolean        hangar_importer_scan_finish        (HangarImporter     *self,
                                                    GAsyncResult       *result,
                                                    GError            **error);
guint           hangar_importer_get_n_columns      (HangarImporter     *self);
const char * const *hangar_importer_get_header     (HangarImporter     *self);
guint64         hangar_importer_get_n_rows         (HangarImporter     *self);
const char     *hangar_importer_get_file_sha256    (HangarImporter     *self);

/* Step 2: which field each column goes to (NULL: skipped). auto_map
 * matches column names to field names: exactly, then ignoring case and
 * spaces; computed fields and the HANGAR_IMPORT_ERROR_COLUMN are skipped. */
void            hangar_importer_auto_map           (HangarImporter     *self);
void            hangar_importer_set_mapping        (HangarImporter     *self,
                                                    guint               column,
                                                    HangarField        *field);
HangarField    *hangar_importer_get_mapping        (HangarImporter     *self,
                                                    guint               column);
/* Upsert on these fields (1 to 3, names or ids, each mapped from a
 * column); NULL or empty: create a record per row. */
void            hangar_importer_set_merge_fields   (HangarImporter     *self,
                                                    const char * const *fields);
const char * const *hangar_importer_get_merge_fields (HangarImporter   *self);
void            hangar_importer_set_typecast       (HangarImporter     *self,
                                                    gboolean            typecast);
gboolean        hangar_importer_get_typecast       (HangarImporter     *self);
/* Whether the settings can run; @error says why not. */
gboolean        hangar_importer_check              (HangarImporter     *self,
                                                    GError            **error);

/* Step 3: the first @n_rows rows converted as they would be sent. Linked
 * record names are looked up only when the import runs. */
void            hangar_importer_preview_async      (HangarImporter     *self,
                                                    guint               n_rows,
                                                    GCancellable       *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer            user_data);
/* Returns: (element-type HangarImportPreviewRow) */
GPtrArray      *hangar_importer_preview_finish     (HangarImporter     *self,
                                                    GAsyncResult       *result,
                                                    GError            **error);

/* Step 4: the import. @store: the account's STATE database, where the
 * progress is kept (NULL: no resuming). @failed_file: where the rows that
 * fail go, as CSV with an "Import error" column (NULL: not kept). */
void            hangar_importer_set_progress_store (HangarImporter     *self,
                                                    HangarStore        *store);
void            hangar_importer_set_failed_file    (HangarImporter     *self,
                                                    GFile              *failed_file);
void            hangar_importer_set_resume         (HangarImporter     *self,
                                                    HangarImportResume  resume);
/* The earlier run of this file into this table, if any (after the scan,
 * with a progress store). */
const HangarImportRun *hangar_importer_get_previous_run (HangarImporter *self);

void            hangar_importer_run_async          (HangarImporter     *self,
                                                    GCancellable       *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer            user_data);
/* FALSE with @error when the import stopped before the end (the counts
 * say how far it came; with a progress store it can be resumed). Rows that
 * failed do not make it fail. */
gboolean        hangar_importer_run_finish         (HangarImporter     *self,
                                                    GAsyncResult       *result,
                                                    GError            **error);

/* Progress and the report (notified as they change). */
guint64         hangar_importer_get_n_done         (HangarImporter     *self);
guint64         hangar_importer_get_n_created      (HangarImporter     *self);
guint64         hangar_importer_get_n_updated      (HangarImporter     *self);
guint64         hangar_importer_get_n_failed       (HangarImporter     *self);
/* Rows an earlier run had settled, skipped by this one. */
guint64         hangar_importer_get_n_resumed      (HangarImporter     *self);
/* Rows of an interrupted run whose fate was looked up (create) or that
 * were sent again (upsert) after the interruption. */
guint64         hangar_importer_get_n_rechecked    (HangarImporter     *self);
/* Before it looks at what they wrote, the import waits for the writes
 * that may still be applied: those an interrupted run may have had on
 * their way (a resume), or one whose answer never came. The seconds left,
 * 0 when not waiting (HangarImporter:wait-seconds); TRUE while the wait is
 * for an interrupted run's. */
guint           hangar_importer_get_wait_seconds   (HangarImporter     *self);
gboolean        hangar_importer_get_waiting_for_interrupted (HangarImporter *self);
/* The first reasons rows failed, one line each ("line 7: Status: …"). */
const char * const *hangar_importer_get_failure_samples (HangarImporter *self);

G_END_DECLS
