/* hangar-schema-watch.c — "the schema of base X changed"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-schema-watch.h"

struct _HangarSchemaWatch
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (HangarSchemaWatch, hangar_schema_watch, G_TYPE_OBJECT)

enum {
  BASE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
hangar_schema_watch_class_init (HangarSchemaWatchClass *klass)
{
  /**
   * HangarSchemaWatch::base-changed:
   * @account_id: the account that learnt of it
   * @base_id: the base whose schema changed
   * @table_id: (nullable): the table, when known
   */
  signals[BASE_CHANGED] =
    g_signal_new ("base-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
}

static void
hangar_schema_watch_init (HangarSchemaWatch *self)
{
}

HangarSchemaWatch *
hangar_schema_watch_get_default (void)
{
  static HangarSchemaWatch *watch;

  if (watch == NULL)
    watch = g_object_new (HANGAR_TYPE_SCHEMA_WATCH, NULL);
  return watch;
}

void
hangar_schema_watch_notify_base_changed (HangarSchemaWatch *self,
                                         const char        *account_id,
                                         const char        *base_id,
                                         const char        *table_id)
{
  g_return_if_fail (HANGAR_IS_SCHEMA_WATCH (self));
  g_return_if_fail (account_id != NULL && base_id != NULL);

  g_debug ("The schema of base %s changed", base_id);
  g_signal_emit (self, signals[BASE_CHANGED], 0, account_id, base_id, table_id);
}
