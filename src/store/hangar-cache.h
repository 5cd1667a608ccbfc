/* hangar-cache.h — the offline copy of bases, schemas and records
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hangar-client.h"
#include "hangar-store.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_CACHE (hangar_cache_get_type ())

G_DECLARE_FINAL_TYPE (HangarCache, hangar_cache, HANGAR, CACHE, GObject)

/* What one write to the records of a table changed, in rowids of
 * cache_record (the keys HangarCachedRecords lists). */
typedef struct
{
  char     *base_id;
  char     *table_id;
  GArray   *inserted;   /* gint64 rowids, in position order */
  GArray   *updated;    /* gint64 rowids whose cells changed */
  GArray   *deleted;    /* gint64 rowids */
  gboolean  reset;      /* too much changed to say: read the table again */
} HangarCacheChange;

void               hangar_cache_change_free        (HangarCacheChange *change);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarCacheChange, hangar_cache_change_free)

/* What the cache knows of one table. */
typedef struct
{
  gboolean  known;             /* the table was ever cached */
  gboolean  complete;          /* every record has been fetched once */
  gint64    synced_us;         /* when the copy was last known to be current (local µs) */
  gint64    modified_since_us; /* start of the last fetch that read every changed record */
  gint64    swept_us;          /* last check for deleted records */
} HangarCacheTableState;

/* One record as the cache keeps it: cells keyed by field id, compact JSON. */
typedef struct
{
  gint64  rowid;
  char   *record_id;
  gint64  created_us;
  char   *cells;
} HangarCacheRow;

void               hangar_cache_row_clear          (HangarCacheRow    *row);

/* The account's cache (the CACHE database, shared by every user of it in the
 * process); a damaged file is rebuilt (see get_recovery_note). */
HangarCache       *hangar_cache_get_for_account    (const char        *account_id,
                                                    GError           **error);
/* A cache on an open store (tests, tools). */
HangarCache       *hangar_cache_new                (HangarStore       *store,
                                                    GError           **error);
HangarStore       *hangar_cache_get_store          (HangarCache       *self);

/* A sentence for the user when the cache had to be rebuilt (at open, or
 * because damage was found while it was used), else NULL. */
const char        *hangar_cache_get_recovery_note  (HangarCache       *self);
/* Whether damage was found while the cache was in use: it stops writing
 * and is rebuilt at the next start. */
gboolean           hangar_cache_get_damaged        (HangarCache       *self);

/* ---- bases and schemas ---- */

gboolean           hangar_cache_put_bases          (HangarCache       *self,
                                                    GPtrArray         *bases,
                                                    GError           **error);
/* (element-type HangarBase); an empty array when nothing was cached. */
GPtrArray         *hangar_cache_get_bases          (HangarCache       *self,
                                                    gint64            *out_fetched_us,
                                                    GError           **error);
gboolean           hangar_cache_put_schema         (HangarCache       *self,
                                                    const char        *base_id,
                                                    GPtrArray         *tables,
                                                    GError           **error);
/* (element-type HangarTable); NULL without error when not cached. */
GPtrArray         *hangar_cache_get_schema         (HangarCache       *self,
                                                    const char        *base_id,
                                                    gint64            *out_fetched_us,
                                                    GError           **error);

/* Airtable first, the cache when Airtable cannot be reached: the bases (or a
 * base's tables) are stored on success; on a network failure (or a server
 * error) the cached copy is returned with *out_from_cache TRUE, and the
 * original error when there is none. */
void               hangar_cache_list_bases_async   (HangarCache         *self,
                                                    HangarClient        *client,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
GPtrArray         *hangar_cache_list_bases_finish  (HangarCache         *self,
                                                    GAsyncResult        *result,
                                                    gboolean            *out_from_cache,
                                                    GError             **error);
void               hangar_cache_get_base_schema_async  (HangarCache         *self,
                                                        HangarClient        *client,
                                                        const char          *base_id,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
GPtrArray         *hangar_cache_get_base_schema_finish (HangarCache         *self,
                                                        GAsyncResult        *result,
                                                        gboolean            *out_from_cache,
                                                        GError             **error);

/* ---- records ---- */

void               hangar_cache_get_table_state    (HangarCache           *self,
                                                    const char            *base_id,
                                                    const char            *table_id,
                                                    HangarCacheTableState *out);
/* How many records of the table are cached (counts them: not for every
 * redraw of a big table). */
guint              hangar_cache_count_records      (HangarCache           *self,
                                                    const char            *base_id,
                                                    const char            *table_id);
/* Records the end of a successful sync of the table: @synced_us, and when
 * the sync read every record changed since @modified_since_us (a full fetch
 * or an incremental one; 0 leaves it), that too; @swept_us likewise. */
gboolean           hangar_cache_set_table_synced   (HangarCache       *self,
                                                    const char        *base_id,
                                                    const char        *table_id,
                                                    gint64             synced_us,
                                                    gint64             modified_since_us,
                                                    gint64             swept_us,
                                                    GError           **error);
/* The field ids of @table as one text (sorted, comma-separated): the cache
 * notes it at each complete fetch, so that a field added since (whose
 * values no change feed may bring) means a new complete fetch. */
char              *hangar_cache_fields_signature   (HangarTable       *table);
gboolean           hangar_cache_set_table_fields   (HangarCache       *self,
                                                    const char        *base_id,
                                                    const char        *table_id,
                                                    const char        *signature,
                                                    GError           **error);
/* NULL when the table is not cached; "" when never noted. */
char              *hangar_cache_get_table_fields   (HangarCache       *self,
                                                    const char        *base_id,
                                                    const char        *table_id);
/* The records of @table_id (every table of @base_id when NULL) must be
 * fetched again completely before they are current: they stay readable. */
gboolean           hangar_cache_mark_incomplete    (HangarCache       *self,
                                                    const char        *base_id,
                                                    const char        *table_id,
                                                    GError           **error);
/* Forgets the records of a table (schema gone, or a fresh start). */
gboolean           hangar_cache_drop_table         (HangarCache       *self,
                                                    const char        *base_id,
                                                    const char        *table_id,
                                                    GError           **error);
/* The base ids and table ids of every cached table of @base_id (or of all
 * bases when NULL), as "base/table" strings. */
char             **hangar_cache_list_tables        (HangarCache       *self,
                                                    const char        *base_id);

/* One row by rowid, on the main thread; FALSE when it is gone. */
gboolean           hangar_cache_read_row           (HangarCache       *self,
                                                    gint64             rowid,
                                                    HangarCacheRow    *out);
/* One row by record id; FALSE when not cached. */
gboolean           hangar_cache_read_record        (HangarCache       *self,
                                                    const char        *base_id,
                                                    const char        *table_id,
                                                    const char        *record_id,
                                                    HangarCacheRow    *out);
/* The first @limit rowids of the table in the cache's order (main thread,
 * cheap: an index walk), for showing the first rows at once. */
GArray            *hangar_cache_first_rowids       (HangarCache       *self,
                                                    const char        *base_id,
                                                    const char        *table_id,
                                                    guint              limit);

/* A write to the records of one table, run on the store's worker thread;
 * build it, then hangar_cache_write_async(). */
typedef struct _HangarCacheWrite HangarCacheWrite;

HangarCacheWrite  *hangar_cache_write_new          (const char        *base_id,
                                                    const char        *table_id);
void               hangar_cache_write_free         (HangarCacheWrite  *write);
/* Full records (a fetch with returnFieldsByFieldId): inserted or replaced. */
void               hangar_cache_write_add_records  (HangarCacheWrite  *write,
                                                    GPtrArray         *records);
/* One record's complete cells (compact JSON keyed by field id). */
void               hangar_cache_write_add_row      (HangarCacheWrite  *write,
                                                    const char        *record_id,
                                                    gint64             created_us,
                                                    const char        *cells);
/* Some cells of a cached record; a JSON null removes the cell. A record
 * that is not cached is left out (the next fetch brings it). */
void               hangar_cache_write_patch        (HangarCacheWrite  *write,
                                                    const char        *record_id,
                                                    JsonObject        *cells);
void               hangar_cache_write_delete       (HangarCacheWrite  *write,
                                                    const char        *record_id);
/* Removes @field_ids from every cached record of the table. */
void               hangar_cache_write_drop_fields  (HangarCacheWrite  *write,
                                                    const char * const *field_ids);
/* Part of a full fetch numbered @generation (hangar_cache_begin_full()):
 * the records written are marked as seen by it. */
void               hangar_cache_write_set_generation (HangarCacheWrite *write,
                                                      gint64            generation);
/* Ends a full fetch: every record not seen by @generation is deleted and
 * the table is marked complete. */
void               hangar_cache_write_finish_full  (HangarCacheWrite  *write,
                                                    gint64             generation);
/* Ends an id sweep: @ids is every record id the table has now; the others
 * are deleted. */
void               hangar_cache_write_keep_only    (HangarCacheWrite  *write,
                                                    GHashTable        *ids);

/* Starts a full fetch of a table: a new generation number. */
gint64             hangar_cache_begin_full         (HangarCache       *self,
                                                    const char        *base_id,
                                                    const char        *table_id,
                                                    GError           **error);

/* Applies @write (taken) on the worker thread; on success the change is
 * also emitted as HangarCache::records-changed (when anything changed). */
void               hangar_cache_write_async        (HangarCache         *self,
                                                    HangarCacheWrite    *write,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
HangarCacheChange *hangar_cache_write_finish       (HangarCache         *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* Converts cached cells (keyed by field id) to a record keyed by field name
 * for the fields of @table, as a listing by name returns it: cells of
 * fields @table does not have are left out. */
HangarRecord      *hangar_cache_row_to_record      (const HangarCacheRow *row,
                                                    GHashTable           *names_by_id);
/* field id → field name of @table (for hangar_cache_row_to_record()). */
GHashTable        *hangar_cache_names_by_id        (HangarTable          *table);

/* Bytes the records of a table take in the database file (approximate:
 * the sum of the rows' sizes), for the figures. */
gint64             hangar_cache_get_table_bytes    (HangarCache       *self,
                                                    const char        *base_id,
                                                    const char        *table_id);

G_END_DECLS
