/* hangar-cached-records.h — a GListModel of a table's cached records
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hangar-cache.h"
#include "hangar-cache-query.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_CACHED_RECORDS (hangar_cached_records_get_type ())

G_DECLARE_FINAL_TYPE (HangarCachedRecords, hangar_cached_records, HANGAR, CACHED_RECORDS, GObject)

/* The cached records of @table in @base_id that match @query (NULL: all,
 * in the table's order). @query is copied. */
HangarCachedRecords *hangar_cached_records_new          (HangarCache         *cache,
                                                         const char          *base_id,
                                                         HangarTable         *table,
                                                         HangarCacheQuery    *query);
/* All of them in the table's order, but only the first @n_first rows until
 * hangar_cached_records_hold (self, FALSE): the full order is asked for
 * then (a view draws the first screen before the table is listed). */
HangarCachedRecords *hangar_cached_records_new_held     (HangarCache         *cache,
                                                         const char          *base_id,
                                                         HangarTable         *table,
                                                         guint                n_first);

/* Whether the rows are still being worked out (a sorted or filtered list,
 * or the rest of a long table after its first rows). */
gboolean             hangar_cached_records_get_loading  (HangarCachedRecords *self);
/* While held, an order worked out meanwhile waits: the rows shown stay as
 * they are until let go (a view draws the first rows first). Letting go of
 * a model made held asks for its order. */
void                 hangar_cached_records_hold         (HangarCachedRecords *self,
                                                         gboolean             hold);
/* Why the rows could not be read (a damaged cache), or NULL. */
const GError        *hangar_cached_records_get_failed   (HangarCachedRecords *self);
const char          *hangar_cached_records_get_base_id  (HangarCachedRecords *self);
HangarTable         *hangar_cached_records_get_table    (HangarCachedRecords *self);

/* The fields changed (a schema change): every row is read again with the
 * new names. */
void                 hangar_cached_records_set_table    (HangarCachedRecords *self,
                                                         HangarTable         *table);
/* The position of @record_id, or G_MAXUINT. */
guint                hangar_cached_records_find         (HangarCachedRecords *self,
                                                         const char          *record_id);
/* Records built from the cache and kept for reading again (at most a few
 * hundred: the rows on screen and near it). */
guint                hangar_cached_records_get_n_built  (HangarCachedRecords *self);

G_END_DECLS
