/* hangar-import-progress.h — how far a CSV import came, in the STATE database
 *
 * One row per (file, table): the file is known by the SHA-256 of its
 * bytes, so a renamed copy is the same file and an edited one is not. The
 * row holds counts, a position in the file, a server time and the ids of
 * the last few records created — never a cell value, never a token. Component "import";
 * tables import_*.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hangar-store.h"

G_BEGIN_DECLS

typedef struct
{
  gint64   id;
  char    *file_sha256;
  char    *base_id;
  char    *table_id;
  char    *settings;      /* mode, merge fields, typecast and mapping, by field id */
  char    *file_name;     /* for people: the name it had */
  guint64  total_rows;
  guint64  rows_done;     /* every data row before this one is settled */
  guint64  created;
  guint64  updated;
  guint64  failed;
  char    *failed_path;   /* the failed rows so far, as CSV */
  guint64  failed_bytes;  /* its length when rows_done was saved */
  char    *check_since;   /* a check after an interruption looks at the records
                           * created after this server time (NULL: none created yet) */
  char    *recent_ids;    /* comma-separated ids of this import's records created
                           * after check_since, left out of that check */
  gint64   started_at;    /* Unix seconds */
  gint64   updated_at;
  gint64   finished_at;   /* 0 while unfinished */
  gint64   writes_until;  /* Unix ms: until then a write this run sent may
                           * still be applied by the server (0: none; -1: not
                           * known, saved by an older version) */
} HangarImportRun;

void             hangar_import_run_free          (HangarImportRun  *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarImportRun, hangar_import_run_free)

/* Creates or updates the tables (call once per store). */
gboolean         hangar_import_progress_ensure   (HangarStore      *store,
                                                  GError          **error);
/* The run for this file and table, or NULL (no error) when there is none. */
HangarImportRun *hangar_import_progress_lookup   (HangarStore      *store,
                                                  const char       *file_sha256,
                                                  const char       *base_id,
                                                  const char       *table_id,
                                                  GError          **error);
/* Starts a run afresh (replacing any earlier one for the same file and
 * table); sets @run->id. */
gboolean         hangar_import_progress_start    (HangarStore      *store,
                                                  HangarImportRun  *run,
                                                  GError          **error);
/* Saves rows_done, the counts, failed_bytes and check_since of @run. */
gboolean         hangar_import_progress_save     (HangarStore      *store,
                                                  HangarImportRun  *run,
                                                  GError          **error);
/* Marks the run finished (it is kept, so that importing the same file into
 * the same table again can be noticed). */
gboolean         hangar_import_progress_finish   (HangarStore      *store,
                                                  HangarImportRun  *run,
                                                  GError          **error);

G_END_DECLS
