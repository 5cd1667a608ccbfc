/* hangar-cache-query.h — sort, filter and search over cached records
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hangar-cache.h"

G_BEGIN_DECLS

#define HANGAR_CACHE_QUERY_ERROR (hangar_cache_query_error_quark ())

typedef enum
{
  /* The formula uses something the cache cannot evaluate: the filter is
   * "not available offline". */
  HANGAR_CACHE_QUERY_ERROR_UNSUPPORTED,
  /* The formula is not a formula (the server would say more). */
  HANGAR_CACHE_QUERY_ERROR_SYNTAX,
} HangarCacheQueryError;

GQuark             hangar_cache_query_error_quark (void);

typedef struct _HangarCacheQuery HangarCacheQuery;

/* A query over the cached records of @table (its fields name what the
 * sorts and the formula refer to). */
HangarCacheQuery  *hangar_cache_query_new         (HangarTable      *table);
HangarCacheQuery  *hangar_cache_query_copy        (HangarCacheQuery *query);
void               hangar_cache_query_free        (HangarCacheQuery *query);

/* By field name or id; unknown fields are refused. */
gboolean           hangar_cache_query_add_sort    (HangarCacheQuery *query,
                                                   const char       *field,
                                                   gboolean          descending,
                                                   GError          **error);
/* A filterByFormula text. The subset the grid's filter editor writes is
 * understood — AND, OR, NOT; comparisons of a field with a text, a number,
 * TRUE(), FALSE() or BLANK(); FIND and SEARCH (with LOWER and ARRAYJOIN)
 * for "contains"; IS_SAME, IS_BEFORE and IS_AFTER with DATETIME_PARSE for
 * dates — on text, number, select, checkbox and date fields. Anything
 * else: HANGAR_CACHE_QUERY_ERROR_UNSUPPORTED, saying what. */
gboolean           hangar_cache_query_set_formula (HangarCacheQuery *query,
                                                   const char       *formula,
                                                   GError          **error);
/* Text to look for (ignoring case) in the text fields, as the grid's search. */
void               hangar_cache_query_set_search  (HangarCacheQuery *query,
                                                   const char       *text);
/* No sort, filter or search: the table's own order. */
gboolean           hangar_cache_query_is_plain    (HangarCacheQuery *query);

/* The rowids of the table's cached records that match @query, in its order
 * (the table's order without sorts), worked out on the store's worker
 * thread. @query is copied. */
void               hangar_cache_list_rowids_async  (HangarCache         *cache,
                                                    const char          *base_id,
                                                    const char          *table_id,
                                                    HangarCacheQuery    *query,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
/* Returns: (transfer full) (element-type gint64) */
GArray            *hangar_cache_list_rowids_finish (HangarCache         *cache,
                                                    GAsyncResult        *result,
                                                    GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarCacheQuery, hangar_cache_query_free)

G_END_DECLS
