/* hangar-importer-private.h — what the files of HangarImporter share
 *
 * HangarImporter is one class over four files:
 *
 *   hangar-importer.c        the object, the scan, the mapping, the preview,
 *                            reading rows (in a thread) and converting them
 *   hangar-importer-run.c    the run: batches in file order, at most a few
 *                            requests in flight, progress saved as rows
 *                            settle, failed rows written, resuming
 *   hangar-importer-check.c  what the server is asked besides the writes:
 *                            names of linked records, and which rows of an
 *                            uncertain batch were written after all
 *   hangar-importer-wait.c   waiting for writes that may still be applied
 *                            before looking at what they wrote
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hangar-importer.h"

G_BEGIN_DECLS

/* Rows read and converted in one go by the reading thread: a batch. */
#define IMPORT_BATCH_RECORDS  10     /* Airtable's limit per request */
#define IMPORT_BATCH_MAX_ROWS 100    /* failed rows count too; bounds memory */
/* Requests in flight at once: enough to keep 5 per second going against
 * Airtable's latency; the client's scheduler paces them. */
#define IMPORT_WINDOW         3
/* Progress is saved after this many batches settle, or this often. */
#define IMPORT_SAVE_BATCHES   5
#define IMPORT_SAVE_USEC      (500 * 1000)
/* Rows that may have been sent after the last save: looked at again when
 * an interrupted import resumes. */
#define IMPORT_UNCERTAIN_ROWS ((IMPORT_SAVE_BATCHES + IMPORT_WINDOW + 1) * IMPORT_BATCH_MAX_ROWS)
/* Records created since the last save that a check may compare. */
#define IMPORT_CHECK_MAX      2000
/* The records of settled rows created after the check's start time, known
 * by id and left out of a check: at most this many are kept. */
#define IMPORT_MARGIN_IDS     300
#define IMPORT_MAX_SAMPLES    20
/* Seconds added to the wait for an interrupted run's writes: the save's
 * time is kept to the millisecond, but a retry by the client or a late
 * timer may start a write up to this long after it. */
#define IMPORT_WRITES_SLACK_S 3

typedef enum
{
  ROW_PENDING,
  ROW_WRITTEN,
  ROW_FAILED,
} RowState;

typedef struct
{
  guint64     index;       /* data row, 0-based */
  guint64     line;
  char      **cells;       /* the file's cells */
  JsonObject *fields;      /* keyed by field id; NULL once failed */
  char       *problem;     /* why it failed */
  char       *merge_key;   /* upsert: the merge values, joined */
  RowState    state;
  gboolean    created;
  char       *created_time; /* the server's createdTime of the record it created */
  char       *record_id;    /* and its id */
} ImportRow;

typedef enum
{
  BATCH_NEW,
  BATCH_NAMING,     /* linked record names are being looked up */
  BATCH_READY,
  BATCH_SENDING,
  BATCH_CHECKING,   /* an uncertain create: which rows were written? */
  BATCH_DONE,
} BatchState;

typedef struct
{
  GPtrArray  *rows;        /* ImportRow*, in file order */
  BatchState  state;
  guint       tries;       /* sends that came back uncertain */
  gboolean    recheck;     /* rows of an interrupted run: check before sending */
  char       *anchor;      /* the newest createdTime known when it was first sent */
  gboolean    sent;        /* sent at least once */
  gint64      applied_by;  /* unanswered: real time (µs) after which it can no longer be applied */
} ImportBatch;

/* A column as the run sees it: immutable, shared with the reading thread. */
typedef struct
{
  HangarCsvField *csv;     /* NULL: skipped */
  char           *field_id;
  char           *field_name;
  gboolean        merge;
} PlanColumn;

typedef struct
{
  gint        ref_count;
  GPtrArray  *columns;       /* PlanColumn* per file column */
  char      **merge_ids;     /* NULL: create */
  gboolean    typecast;
  gboolean    upsert;
  int         error_column;  /* the "Import error" column of the file, or -1 */
  guint       n_columns;
} ImportPlan;

struct _HangarImporter
{
  GObject             parent_instance;

  HangarClient       *client;
  char               *base_id;
  HangarTable        *table;
  GFile              *file;

  /* the scan */
  gboolean            scanned;
  GPtrArray          *header;          /* char*, NULL-terminated */
  guint64             n_rows;
  char               *sha256;
  char                delimiter;

  /* the settings */
  GPtrArray          *mapping;         /* HangarField* or NULL, per column */
  char              **merge_fields;
  gboolean            typecast;
  HangarStore        *store;
  GFile              *failed_file;
  HangarImportResume  resume;
  HangarImportRun    *previous;

  /* the run (hangar-importer-run.c) */
  ImportPlan         *plan;
  HangarImportRun    *run;
  GTask              *run_task;
  GCancellable       *cancellable;
  GInputStream       *input;
  HangarCsvReader    *reader;
  gboolean            header_read;
  ImportRow          *carry;           /* a row held back for the next batch */
  GIOStream          *failed_io;       /* kept open while appending */
  GOutputStream      *failed_out;
  GString            *failed_buffer;   /* failed rows not written yet */
  gboolean            writing_failed;
  char               *settings;
  GQueue              batches;         /* ImportBatch*, in file order, unsettled */
  gboolean            reading;
  gboolean            eof;
  guint64             rows_read;
  guint               n_busy;          /* batches naming, sending or checking */
  GHashTable         *busy_keys;       /* merge keys of batches being sent */
  GHashTable         *names;           /* linked table id → (name → record id, "" for none, "*" for several) */
  GHashTable         *recent_ids;      /* record id → createdTime: every record this run created, within the margin */
  GHashTable         *settled_ids;     /* the same, of settled rows only: what is saved */
  char               *max_created;     /* the newest createdTime any answer of this run gave */
  char               *start_time;      /* ISO, for checks before any record was created */
  guint64             recheck_until;   /* rows before this were maybe sent by an earlier run */
  gboolean            rechecking;      /* a check is under way */
  guint               settled_since_save;
  gint64              saved_at;
  gboolean            saved_writing;   /* the last save had writes in flight */
  guint               n_writing;       /* creates and upserts in flight */
  gint64              uncertain_until; /* Unix ms: until then a write whose answer never came may be applied, or 0 */
  guint               heartbeat_source; /* saves while writes are in flight */
  gboolean            probe_pending;   /* a resume probes after its check */
  gboolean            probing;
  guint               wait_source;     /* waiting for an interrupted run's writes */
  gint64              wait_until;      /* real time, µs */
  guint               wait_seconds;
  gboolean            wait_interrupted; /* the wait is for an interrupted run's writes */
  GError             *stop_error;
  GPtrArray          *samples;         /* char*, NULL-terminated */

  /* the report */
  guint64             n_done;
  guint64             n_created;
  guint64             n_updated;
  guint64             n_failed;
  guint64             n_resumed;
  guint64             n_rechecked;
};

/* hangar-importer.c */
ImportPlan   *_hangar_importer_build_plan    (HangarImporter  *self);
ImportPlan   *_hangar_import_plan_ref        (ImportPlan      *plan);
void          _hangar_import_plan_unref      (ImportPlan      *plan);
void          _hangar_import_row_free        (ImportRow       *row);
void          _hangar_import_batch_free      (ImportBatch     *batch);
void          _hangar_import_row_fail        (ImportRow       *row,
                                              const char      *problem);
/* Reads the next batch of rows (in a thread); NULL at the end. */
void          _hangar_importer_read_async    (HangarImporter  *self,
                                              GCancellable    *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer         user_data);
ImportBatch  *_hangar_importer_read_finish   (HangarImporter  *self,
                                              GAsyncResult    *result,
                                              GError         **error);
void          _hangar_importer_notify_counts (HangarImporter  *self);
void          _hangar_importer_notify_wait   (HangarImporter  *self);

/* hangar-importer-run.c */
void          _hangar_importer_pump          (HangarImporter  *self);
void          _hangar_importer_stop          (HangarImporter  *self,
                                              GError          *error);

/* hangar-importer-run.c (continued) */
/* Saves the progress when IMPORT_SAVE_BATCHES settled or IMPORT_SAVE_USEC
 * passed (@force: now), and while writes are in flight. */
void          _hangar_importer_save_progress (HangarImporter  *self,
                                              gboolean         force);

/* hangar-importer-wait.c */
/* Microseconds a write may still be applied after it was last sent: the
 * client's deadline and IMPORT_WRITES_SLACK_S. */
gint64        _hangar_importer_write_lifetime (HangarImporter *self);
/* Saves the progress every IMPORT_SAVE_USEC while writes are in flight. */
void          _hangar_importer_start_heartbeat (HangarImporter *self);
/* Holds the pump until @until (real time, µs), showing the seconds left;
 * @interrupted: for an interrupted run's writes. */
void          _hangar_importer_start_wait    (HangarImporter  *self,
                                              gint64           until,
                                              gboolean         interrupted);
void          _hangar_importer_end_wait      (HangarImporter  *self);
/* A resume: waits until the interrupted run's writes_until, then pumps. */
void          _hangar_importer_wait_for_writes (HangarImporter *self);

/* hangar-importer-check.c */
/* Looks up the linked record names of @batch's rows; rows whose names are
 * unknown or shared by several records fail. */
void          _hangar_importer_name_links    (HangarImporter  *self,
                                              ImportBatch     *batch);
/* Finds which pending rows of @batches (ImportBatch*) were written by a
 * send whose answer never came, marks them written, and pumps on. */
void          _hangar_importer_check_written (HangarImporter  *self,
                                              GPtrArray       *batches);
/* One millisecond before @time (ISO 8601 as the API writes it), in the
 * same form; NULL when @time is NULL or not a time. */
char         *_hangar_importer_just_before   (const char      *time);
/* Updates self->run->check_since: see hangar-importer-run.c. */
void          _hangar_importer_update_check_since (HangarImporter *self);
/* TRUE when @row's values equal @record's (keyed by field id) on every
 * field that can be compared. */
gboolean      _hangar_importer_row_matches   (HangarImporter  *self,
                                              ImportRow       *row,
                                              JsonObject      *record_fields);

G_END_DECLS
