/* hangar-schema-sync.c — a window follows "the schema of base X changed"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-schema-sync.h"
#include "hangar-schema-watch.h"
#include "hangar-sidebar-private.h"

struct _HangarSchemaSync
{
  GObject             parent_instance;

  HangarAccountStore *store;
  HangarSidebar      *sidebar;      /* weak */
  GCancellable       *cancellable;
  GHashTable         *in_flight;    /* "account\nbase" → GINT (TRUE: read again after this one) */
};

G_DEFINE_FINAL_TYPE (HangarSchemaSync, hangar_schema_sync, G_TYPE_OBJECT)

enum {
  TABLES_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  HangarSchemaSync *self;      /* not held: dispose cancels the read */
  HangarAccount    *account;
  char             *base_id;
} Read;

static void read_schema (HangarSchemaSync *self,
                         HangarAccount    *account,
                         const char       *base_id);

static void
read_free (Read *read)
{
  g_object_unref (read->account);
  g_free (read->base_id);
  g_free (read);
}

static char *
key_for (HangarAccount *account,
         const char    *base_id)
{
  return g_strconcat (hangar_account_get_id (account), "\n", base_id, NULL);
}

/* The sidebar's rows of the base take the new tables: renamed ones in
 * place (the selection stays), new ones at the end, gone ones out. */
static void
update_sidebar (HangarSchemaSync *self,
                HangarAccount    *account,
                const char       *base_id,
                GPtrArray        *tables)
{
  GListModel *bases;

  if (self->sidebar == NULL)
    return;
  bases = hangar_sidebar_get_account_children (self->sidebar, account);
  for (guint i = 0; bases != NULL && i < g_list_model_get_n_items (bases); i++)
    {
      g_autoptr(HangarSidebarNode) base = g_list_model_get_item (bases, i);
      GListModel *children;
      g_autoptr(GHashTable) listed = NULL;

      if (hangar_sidebar_node_get_kind (base) != HANGAR_SIDEBAR_NODE_BASE ||
          g_strcmp0 (hangar_base_get_id (hangar_sidebar_node_get_base (base)), base_id) != 0)
        continue;
      children = hangar_sidebar_get_base_children (self->sidebar, base);
      if (children == NULL || !G_IS_LIST_STORE (children))
        continue;

      listed = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint j = g_list_model_get_n_items (children); j > 0; j--)
        {
          g_autoptr(HangarSidebarNode) node = g_list_model_get_item (children, j - 1);
          HangarTable *table;

          if (hangar_sidebar_node_get_kind (node) != HANGAR_SIDEBAR_NODE_TABLE)
            continue;
          table = hangar_table_list_lookup (tables, hangar_table_get_id (hangar_sidebar_node_get_table (node)));
          if (table == NULL)
            g_list_store_remove (G_LIST_STORE (children), j - 1);
          else
            {
              hangar_sidebar_node_set_table (node, table);
              g_hash_table_add (listed, (gpointer) hangar_table_get_id (table));
            }
        }
      /* Only a listing that was there gets new rows; one still loading
       * will list them itself. */
      if (g_hash_table_size (listed) == 0)
        continue;
      for (guint j = 0; j < tables->len; j++)
        {
          HangarTable *table = g_ptr_array_index (tables, j);

          if (!g_hash_table_contains (listed, hangar_table_get_id (table)))
            {
              g_autoptr(HangarSidebarNode) node = hangar_sidebar_node_new (HANGAR_SIDEBAR_NODE_TABLE, account,
                                                                           hangar_sidebar_node_get_base (base),
                                                                           table, NULL);

              g_list_store_append (G_LIST_STORE (children), node);
            }
        }
    }
}

static void
schema_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Read *read = user_data;
  HangarSchemaSync *self = read->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tables = hangar_client_get_base_schema_finish (HANGAR_CLIENT (source), result, &error);
  g_autofree char *key = NULL;
  gboolean again;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      read_free (read);
      return;
    }
  key = key_for (read->account, read->base_id);
  again = GPOINTER_TO_INT (g_hash_table_lookup (self->in_flight, key));
  g_hash_table_remove (self->in_flight, key);
  if (tables == NULL)
    g_debug ("The changed schema of base %s could not be read: %s", read->base_id, error->message);
  else
    {
      update_sidebar (self, read->account, read->base_id, tables);
      g_signal_emit (self, signals[TABLES_CHANGED], 0, read->account, read->base_id, tables);
    }
  /* A change came while this read was on its way: read once more. */
  if (again)
    read_schema (self, read->account, read->base_id);
  read_free (read);
}

static void
read_schema (HangarSchemaSync *self,
             HangarAccount    *account,
             const char       *base_id)
{
  char *key = key_for (account, base_id);
  Read *read;

  if (g_hash_table_contains (self->in_flight, key))
    {
      g_hash_table_replace (self->in_flight, key, GINT_TO_POINTER (TRUE));
      return;
    }
  g_hash_table_insert (self->in_flight, key, GINT_TO_POINTER (FALSE));
  read = g_new0 (Read, 1);
  read->self = self;
  read->account = g_object_ref (account);
  read->base_id = g_strdup (base_id);
  hangar_client_get_base_schema_async (hangar_account_get_client (account), base_id, self->cancellable,
                                       schema_cb, read);
}

static void
watch_cb (HangarSchemaWatch *watch,
          const char        *account_id,
          const char        *base_id,
          const char        *table_id,
          HangarSchemaSync  *self)
{
  HangarAccount *account = hangar_account_store_lookup_by_id (self->store, account_id);

  if (account != NULL)
    read_schema (self, account, base_id);
}

static void
hangar_schema_sync_dispose (GObject *object)
{
  HangarSchemaSync *self = HANGAR_SCHEMA_SYNC (object);

  g_cancellable_cancel (self->cancellable);
  g_signal_handlers_disconnect_by_data (hangar_schema_watch_get_default (), self);
  g_clear_weak_pointer (&self->sidebar);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (hangar_schema_sync_parent_class)->dispose (object);
}

static void
hangar_schema_sync_finalize (GObject *object)
{
  HangarSchemaSync *self = HANGAR_SCHEMA_SYNC (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->in_flight, g_hash_table_unref);

  G_OBJECT_CLASS (hangar_schema_sync_parent_class)->finalize (object);
}

static void
hangar_schema_sync_class_init (HangarSchemaSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hangar_schema_sync_dispose;
  object_class->finalize = hangar_schema_sync_finalize;

  signals[TABLES_CHANGED] =
    g_signal_new ("tables-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, HANGAR_TYPE_ACCOUNT, G_TYPE_STRING, G_TYPE_PTR_ARRAY);
}

static void
hangar_schema_sync_init (HangarSchemaSync *self)
{
  self->cancellable = g_cancellable_new ();
  self->in_flight = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

HangarSchemaSync *
hangar_schema_sync_new (HangarAccountStore *store,
                        HangarSidebar      *sidebar)
{
  HangarSchemaSync *self;

  g_return_val_if_fail (HANGAR_IS_ACCOUNT_STORE (store), NULL);
  g_return_val_if_fail (HANGAR_IS_SIDEBAR (sidebar), NULL);

  self = g_object_new (HANGAR_TYPE_SCHEMA_SYNC, NULL);
  self->store = g_object_ref (store);
  g_set_weak_pointer (&self->sidebar, sidebar);
  g_signal_connect_object (hangar_schema_watch_get_default (), "base-changed", G_CALLBACK (watch_cb), self, 0);
  return self;
}
