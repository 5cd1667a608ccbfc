/* hangar-table-counts.h — how many records a table has, where that is
 * known without asking: a listing of the whole table that ran to its end,
 * or the offline cache. Never a fetch just to count. In memory, per process.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define HANGAR_TYPE_TABLE_COUNTS (hangar_table_counts_get_type ())

G_DECLARE_FINAL_TYPE (HangarTableCounts, hangar_table_counts, HANGAR, TABLE_COUNTS, GObject)

/* The process's one registry (transfer none). Signal "changed"
 * (const char *account_id, const char *base_id, const char *table_id). */
HangarTableCounts *hangar_table_counts_get_default (void);

void               hangar_table_counts_set         (HangarTableCounts *self,
                                                    const char        *account_id,
                                                    const char        *base_id,
                                                    const char        *table_id,
                                                    guint64            n_records);
gboolean           hangar_table_counts_lookup      (HangarTableCounts *self,
                                                    const char        *account_id,
                                                    const char        *base_id,
                                                    const char        *table_id,
                                                    guint64           *out_n_records);

G_END_DECLS
