/* hangar-table-counts.c — how many records a table has, where known
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-table-counts.h"

struct _HangarTableCounts
{
  GObject     parent_instance;

  GHashTable *counts;   /* "account\nbase\ntable" → guint64 * */
};

G_DEFINE_FINAL_TYPE (HangarTableCounts, hangar_table_counts, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
hangar_table_counts_class_init (HangarTableCountsClass *klass)
{
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
}

static void
hangar_table_counts_init (HangarTableCounts *self)
{
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

HangarTableCounts *
hangar_table_counts_get_default (void)
{
  static HangarTableCounts *counts;

  if (counts == NULL)
    counts = g_object_new (HANGAR_TYPE_TABLE_COUNTS, NULL);
  return counts;
}

static char *
key_for (const char *account_id,
         const char *base_id,
         const char *table_id)
{
  return g_strjoin ("\n", account_id != NULL ? account_id : "", base_id, table_id, NULL);
}

void
hangar_table_counts_set (HangarTableCounts *self,
                         const char        *account_id,
                         const char        *base_id,
                         const char        *table_id,
                         guint64            n_records)
{
  guint64 *value;

  g_return_if_fail (HANGAR_IS_TABLE_COUNTS (self));
  g_return_if_fail (base_id != NULL && table_id != NULL);

  {
    g_autofree char *key = key_for (account_id, base_id, table_id);

    value = g_hash_table_lookup (self->counts, key);
    if (value != NULL && *value == n_records)
      return;
    if (value == NULL)
      {
        value = g_new (guint64, 1);
        g_hash_table_insert (self->counts, g_steal_pointer (&key), value);
      }
    *value = n_records;
  }
  g_signal_emit (self, signals[CHANGED], 0, account_id, base_id, table_id);
}

gboolean
hangar_table_counts_lookup (HangarTableCounts *self,
                            const char        *account_id,
                            const char        *base_id,
                            const char        *table_id,
                            guint64           *out_n_records)
{
  g_autofree char *key = NULL;
  guint64 *value;

  g_return_val_if_fail (HANGAR_IS_TABLE_COUNTS (self), FALSE);

  key = key_for (account_id, base_id, table_id);
  value = g_hash_table_lookup (self->counts, key);
  if (value == NULL)
    return FALSE;
  if (out_n_records != NULL)
    *out_n_records = *value;
  return TRUE;
}
