/* hangar-cache-private.h — what the files of HangarCache share
 *
 * HangarCache is one class over several files:
 *   hangar-cache.c        the object, its tables, bases and schemas, reading
 *                         rows on the main thread
 *   hangar-cache-write.c  writes to records on the store's worker thread
 *   hangar-cache-query.c  ordered (sorted, filtered, searched) row lists
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hangar-cache.h"

G_BEGIN_DECLS

struct _HangarCache
{
  GObject      parent_instance;

  HangarStore *store;
  char        *note;          /* the recovery note, ours or the store's */
  char        *damage_marker; /* file whose presence asks for a rebuild at the next open */
  gboolean     damaged;
};

enum {
  HANGAR_CACHE_SIGNAL_RECORDS_CHANGED,
  HANGAR_CACHE_SIGNAL_DAMAGED,
  HANGAR_CACHE_N_SIGNALS
};

extern guint _hangar_cache_signals[HANGAR_CACHE_N_SIGNALS];

/* Looks at @error from a statement of the cache: damage makes the cache
 * stop writing and ask for a rebuild at the next start. Returns @error's
 * truth (FALSE when it is NULL). Main thread only. */
gboolean _hangar_cache_check_damage (HangarCache  *self,
                                     const GError *error);

/* The key of (base, table) in cache_table, or 0 when unknown. @db may be
 * the worker's connection. */
gint64   _hangar_cache_table_key    (sqlite3      *db,
                                     const char   *base_id,
                                     const char   *table_id,
                                     gboolean      create,
                                     GError      **error);

G_END_DECLS
