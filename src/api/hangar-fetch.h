/* hangar-fetch.h — every record of a table, as fast as the budget allows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hangar-list-options.h"
#include "hangar-record.h"
#include "hangar-types.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_FETCH (hangar_fetch_get_type ())

G_DECLARE_FINAL_TYPE (HangarFetch, hangar_fetch, HANGAR, FETCH, GObject)

/* The most cursors one fetch runs at once. */
#define HANGAR_FETCH_MAX_PARTITIONS 8

/**
 * HangarFetchPageFunc:
 * @fetch: the fetch
 * @records: (element-type HangarRecord): the records of one page that the
 *   fetch had not delivered before, in the page's order (borrowed)
 * @user_data: the data given with the function
 */
typedef void (*HangarFetchPageFunc) (HangarFetch *fetch,
                                     GPtrArray   *records,
                                     gpointer     user_data);

HangarFetch  *hangar_fetch_new                  (HangarClient            *client,
                                                 const char              *base_id,
                                                 const char              *table,
                                                 const HangarListOptions *options);

void          hangar_fetch_set_partitions       (HangarFetch         *self,
                                                 guint                n_partitions);
guint         hangar_fetch_get_partitions       (HangarFetch         *self);
void          hangar_fetch_set_expected_records (HangarFetch         *self,
                                                 guint                n_records);
void          hangar_fetch_set_keep_records     (HangarFetch         *self,
                                                 gboolean             keep);
gboolean      hangar_fetch_get_keep_records     (HangarFetch         *self);
void          hangar_fetch_set_page_func        (HangarFetch         *self,
                                                 HangarFetchPageFunc  func,
                                                 gpointer             user_data,
                                                 GDestroyNotify       destroy);

gboolean      hangar_fetch_get_ordered          (HangarFetch         *self);
gboolean      hangar_fetch_get_running          (HangarFetch         *self);
gboolean      hangar_fetch_get_complete         (HangarFetch         *self);
guint         hangar_fetch_get_n_fetched        (HangarFetch         *self);
guint         hangar_fetch_get_n_cursors        (HangarFetch         *self);
guint         hangar_fetch_get_n_requests       (HangarFetch         *self);
const char   *hangar_fetch_get_fallback_reason  (HangarFetch         *self);
HangarRecord *hangar_fetch_lookup               (HangarFetch         *self,
                                                 const char          *record_id);

void          hangar_fetch_run_async            (HangarFetch         *self,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean      hangar_fetch_run_finish           (HangarFetch         *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

/* Every record of @table through a HangarFetch that keeps nothing: each
 * page goes to @page_func as it arrives. */
void          hangar_client_fetch_all_async     (HangarClient            *client,
                                                 const char              *base_id,
                                                 const char              *table,
                                                 const HangarListOptions *options,
                                                 HangarFetchPageFunc      page_func,
                                                 gpointer                 page_data,
                                                 GCancellable            *cancellable,
                                                 GAsyncReadyCallback      callback,
                                                 gpointer                 user_data);
gboolean      hangar_client_fetch_all_finish    (HangarClient            *client,
                                                 GAsyncResult            *result,
                                                 guint                   *out_n_records,
                                                 GError                 **error);

/* For tests: the filterByFormula that selects partition @index of
 * @n_partitions (without the caller's own formula), the one that selects
 * every partition from @first on, and the partition a record id belongs
 * to. */
char         *hangar_fetch_partition_formula    (guint                n_partitions,
                                                 guint                index);
char         *hangar_fetch_rest_formula         (guint                n_partitions,
                                                 guint                first);
guint         hangar_fetch_partition_of_id      (guint                n_partitions,
                                                 const char          *record_id);

G_END_DECLS
