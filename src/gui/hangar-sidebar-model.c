/* hangar-sidebar-model.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-cache.h"
#include "hangar-client.h"
#include "hangar-sidebar-model.h"

struct _HangarSidebarModel
{
  GObject             parent_instance;

  HangarAccountStore *store;
  GtkTreeListModel   *tree;
  GHashTable         *account_children;  /* HangarAccount* → GListStore (bases) */
  GHashTable         *base_children;     /* HangarSidebarNode* → GListStore (tables) */
  GCancellable       *cancellable;
};

G_DEFINE_FINAL_TYPE (HangarSidebarModel, hangar_sidebar_model, G_TYPE_OBJECT)

enum {
  LOAD_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];


typedef struct
{
  HangarSidebarModel *self;   /* weak */
  GListStore    *store;
  HangarAccount *account;
  HangarBase    *base;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_weak_pointer (&data->self);
  g_clear_object (&data->store);
  g_clear_object (&data->account);
  g_clear_object (&data->base);
  g_free (data);
}

static LoadData *
load_data_new (HangarSidebarModel *self,
               GListStore         *store,
               HangarAccount      *account,
               HangarBase         *base)
{
  LoadData *data = g_new0 (LoadData, 1);

  g_set_weak_pointer (&data->self, self);
  data->store = g_object_ref (store);
  data->account = g_object_ref (account);
  data->base = base != NULL ? g_object_ref (base) : NULL;
  return data;
}

static void
show_message (LoadData   *data,
              const char *text)
{
  g_autoptr(HangarSidebarNode) node = hangar_sidebar_node_new (HANGAR_SIDEBAR_NODE_MESSAGE, data->account, NULL, NULL, text);
  gpointer items[] = { node };

  g_list_store_splice (data->store, 0, g_list_model_get_n_items (G_LIST_MODEL (data->store)), items, 1);
  if (data->self != NULL)
    g_signal_emit (data->self, signals[LOAD_FAILED], 0, data->account, text);
}

static void
list_tables_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  LoadData *data = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tables = NULL;
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func (g_object_unref);

  /* From the offline cache when Airtable cannot be reached. */
  if (HANGAR_IS_CACHE (object))
    tables = hangar_cache_get_base_schema_finish (HANGAR_CACHE (object), result, NULL, &error);
  else
    tables = hangar_client_get_base_schema_finish (HANGAR_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      load_data_free (data);
      return;
    }

  if (tables == NULL)
    {
      /* A 403 is explained as the scope or base grant that is missing. */
      g_autofree char *explained = hangar_scopes_explain_forbidden (data->account, HANGAR_CAPABILITY_SCHEMA_READ,
                                                                    hangar_base_get_name (data->base), error);
      g_autofree char *text = explained != NULL ? g_steal_pointer (&explained)
                                                : g_strdup_printf (_("Could not list tables: %s"), error->message);
      show_message (data, text);
      load_data_free (data);
      return;
    }

  for (guint i = 0; i < tables->len; i++)
    g_ptr_array_add (nodes, hangar_sidebar_node_new (HANGAR_SIDEBAR_NODE_TABLE, data->account, data->base,
                                      g_ptr_array_index (tables, i), NULL));
  if (nodes->len == 0)
    g_ptr_array_add (nodes, hangar_sidebar_node_new (HANGAR_SIDEBAR_NODE_MESSAGE, data->account, NULL, NULL,
                                      _("No tables")));

  g_list_store_splice (data->store, 0, g_list_model_get_n_items (G_LIST_MODEL (data->store)),
                       nodes->pdata, nodes->len);
  load_data_free (data);
}

static void
list_bases_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  LoadData *data = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) bases = NULL;
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func (g_object_unref);

  if (HANGAR_IS_CACHE (object))
    bases = hangar_cache_list_bases_finish (HANGAR_CACHE (object), result, NULL, &error);
  else
    bases = hangar_client_list_bases_finish (HANGAR_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      load_data_free (data);
      return;
    }

  if (bases == NULL)
    {
      g_autofree char *explained = hangar_scopes_explain_forbidden (data->account, HANGAR_CAPABILITY_SCHEMA_READ,
                                                                    NULL, error);
      g_autofree char *text = explained != NULL ? g_steal_pointer (&explained)
                                                : g_strdup_printf (_("Could not list bases: %s"), error->message);
      show_message (data, text);
      load_data_free (data);
      return;
    }

  for (guint i = 0; i < bases->len; i++)
    g_ptr_array_add (nodes, hangar_sidebar_node_new (HANGAR_SIDEBAR_NODE_BASE, data->account,
                                      g_ptr_array_index (bases, i), NULL, NULL));
  if (nodes->len == 0)
    g_ptr_array_add (nodes, hangar_sidebar_node_new (HANGAR_SIDEBAR_NODE_MESSAGE, data->account, NULL, NULL,
                                      _("No bases granted")));

  g_list_store_splice (data->store, 0, g_list_model_get_n_items (G_LIST_MODEL (data->store)),
                       nodes->pdata, nodes->len);
  load_data_free (data);
}

/* The account's offline cache: bases and schemas are kept there for when
 * Airtable cannot be reached. NULL (then straight from Airtable) when it
 * cannot be opened. */
static HangarCache *
account_cache (HangarAccount *account)
{
  g_autoptr(GError) error = NULL;
  HangarCache *cache = hangar_cache_get_for_account (hangar_account_get_id (account), &error);

  if (cache == NULL)
    g_warning ("No offline cache for %s: %s", hangar_account_get_label (account), error->message);
  return cache;
}

static void
load_bases (HangarSidebarModel *self,
            HangarAccount      *account,
            GListStore         *store)
{
  g_autoptr(HangarSidebarNode) loading = hangar_sidebar_node_new (HANGAR_SIDEBAR_NODE_LOADING, account, NULL, NULL,
                                                   _("Loading bases…"));
  gpointer items[] = { loading };

  g_autoptr(HangarCache) cache = account_cache (account);

  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)), items, 1);
  if (cache != NULL)
    hangar_cache_list_bases_async (cache, hangar_account_get_client (account), self->cancellable,
                                   list_bases_cb, load_data_new (self, store, account, NULL));
  else
    hangar_client_list_bases_async (hangar_account_get_client (account), self->cancellable,
                                    list_bases_cb, load_data_new (self, store, account, NULL));
}

static void
load_tables (HangarSidebarModel *self,
             HangarSidebarNode  *base_node,
             GListStore         *store)
{
  g_autoptr(HangarSidebarNode) loading = hangar_sidebar_node_new (HANGAR_SIDEBAR_NODE_LOADING, hangar_sidebar_node_get_account (base_node),
                                                   NULL, NULL, _("Loading tables…"));
  gpointer items[] = { loading };

  HangarAccount *account = hangar_sidebar_node_get_account (base_node);
  g_autoptr(HangarCache) cache = account_cache (account);

  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)), items, 1);
  const char *base_id = hangar_base_get_id (hangar_sidebar_node_get_base (base_node));
  LoadData *data = load_data_new (self, store, account, hangar_sidebar_node_get_base (base_node));

  if (cache != NULL)
    hangar_cache_get_base_schema_async (cache, hangar_account_get_client (account), base_id,
                                        self->cancellable, list_tables_cb, data);
  else
    hangar_client_get_base_schema_async (hangar_account_get_client (account), base_id,
                                         self->cancellable, list_tables_cb, data);
}

/* Children are listed on first expansion, not when the tree merely asks
 * whether a row can expand (it does that for every row it shows). */
#define LOADED_KEY "hangar-sidebar-loaded"

static GListStore *
new_child_store (HangarAccount *account,
                 const char    *text)
{
  GListStore *store = g_list_store_new (HANGAR_TYPE_SIDEBAR_NODE);
  g_autoptr(HangarSidebarNode) placeholder = hangar_sidebar_node_new (HANGAR_SIDEBAR_NODE_LOADING, account, NULL, NULL, text);

  g_list_store_append (store, placeholder);
  return store;
}

static void
ensure_loaded (HangarSidebarModel *self,
               gpointer            item)
{
  GListStore *store = NULL;

  if (HANGAR_IS_ACCOUNT (item))
    store = g_hash_table_lookup (self->account_children, item);
  else if (HANGAR_IS_SIDEBAR_NODE (item))
    store = g_hash_table_lookup (self->base_children, item);

  if (store == NULL || g_object_get_data (G_OBJECT (store), LOADED_KEY) != NULL)
    return;
  /* A PENDING account has no tokens yet: asking would only fail (and mark
   * it as broken). It is listed once it turns ACTIVE. */
  if (HANGAR_IS_ACCOUNT (item) &&
      hangar_account_get_status (item) == HANGAR_ACCOUNT_STATUS_PENDING)
    return;
  g_object_set_data (G_OBJECT (store), LOADED_KEY, GINT_TO_POINTER (TRUE));

  if (HANGAR_IS_ACCOUNT (item))
    load_bases (self, item, store);
  else
    load_tables (self, item, store);
}

static GListModel *
create_child_model (gpointer item,
                    gpointer user_data)
{
  HangarSidebarModel *self = user_data;
  GListStore *store;

  if (HANGAR_IS_ACCOUNT (item))
    {
      store = g_hash_table_lookup (self->account_children, item);
      if (store == NULL)
        {
          store = new_child_store (item, _("Loading bases…"));
          g_hash_table_insert (self->account_children, g_object_ref (item), store);
        }
      return G_LIST_MODEL (g_object_ref (store));
    }

  if (HANGAR_IS_SIDEBAR_NODE (item) && hangar_sidebar_node_get_kind (item) == HANGAR_SIDEBAR_NODE_BASE)
    {
      store = g_hash_table_lookup (self->base_children, item);
      if (store == NULL)
        {
          store = new_child_store (hangar_sidebar_node_get_account (item), _("Loading tables…"));
          g_hash_table_insert (self->base_children, g_object_ref (item), store);
        }
      return G_LIST_MODEL (g_object_ref (store));
    }

  return NULL;
}

static void
store_items_changed_cb (GListModel         *model,
                        guint               position,
                        guint               removed,
                        guint               added,
                        HangarSidebarModel *self)
{
  GHashTableIter iter;
  gpointer key;

  /* Forget the children of accounts that left the store. */
  if (removed == 0)
    return;

  g_hash_table_iter_init (&iter, self->account_children);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      gboolean present = FALSE;

      for (guint i = 0; i < g_list_model_get_n_items (model) && !present; i++)
        {
          g_autoptr(GObject) item = g_list_model_get_item (model, i);
          present = item == key;
        }
      if (!present)
        g_hash_table_iter_remove (&iter);
    }
}

static void
hangar_sidebar_model_dispose (GObject *object)
{
  HangarSidebarModel *self = HANGAR_SIDEBAR_MODEL (object);

  g_cancellable_cancel (self->cancellable);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->tree);
  g_clear_pointer (&self->account_children, g_hash_table_unref);
  g_clear_pointer (&self->base_children, g_hash_table_unref);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (hangar_sidebar_model_parent_class)->dispose (object);
}

static void
hangar_sidebar_model_finalize (GObject *object)
{
  HangarSidebarModel *self = HANGAR_SIDEBAR_MODEL (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (hangar_sidebar_model_parent_class)->finalize (object);
}

static void
hangar_sidebar_model_class_init (HangarSidebarModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hangar_sidebar_model_dispose;
  object_class->finalize = hangar_sidebar_model_finalize;

  /* Listing an account's bases or a base's tables failed; the message is
   * also shown as a node in place of the children. */
  signals[LOAD_FAILED] =
    g_signal_new ("load-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, HANGAR_TYPE_ACCOUNT, G_TYPE_STRING);
}

static void
hangar_sidebar_model_init (HangarSidebarModel *self)
{
  self->cancellable = g_cancellable_new ();
  self->account_children = g_hash_table_new_full (NULL, NULL, g_object_unref, g_object_unref);
  self->base_children = g_hash_table_new_full (NULL, NULL, g_object_unref, g_object_unref);
}

/**
 * hangar_sidebar_model_new:
 * @store: the accounts
 *
 * Returns: (transfer full): a new model over @store
 */
HangarSidebarModel *
hangar_sidebar_model_new (HangarAccountStore *store)
{
  HangarSidebarModel *self;

  g_return_val_if_fail (HANGAR_IS_ACCOUNT_STORE (store), NULL);

  self = g_object_new (HANGAR_TYPE_SIDEBAR_MODEL, NULL);
  self->store = g_object_ref (store);
  self->tree = gtk_tree_list_model_new (G_LIST_MODEL (g_object_ref (store)), FALSE, FALSE,
                                        create_child_model, self, NULL);
  g_signal_connect (store, "items-changed", G_CALLBACK (store_items_changed_cb), self);
  return self;
}

GtkTreeListModel *
hangar_sidebar_model_get_tree (HangarSidebarModel *self)
{
  g_return_val_if_fail (HANGAR_IS_SIDEBAR_MODEL (self), NULL);

  return self->tree;
}

void
hangar_sidebar_model_ensure_loaded (HangarSidebarModel *self,
                                    gpointer            item)
{
  g_return_if_fail (HANGAR_IS_SIDEBAR_MODEL (self));

  ensure_loaded (self, item);
}

void
hangar_sidebar_model_reload_account (HangarSidebarModel *self,
                                     HangarAccount      *account)
{
  GListStore *store;

  g_return_if_fail (HANGAR_IS_SIDEBAR_MODEL (self));

  /* Only what was listed before: the rest loads on expansion anyway. */
  store = g_hash_table_lookup (self->account_children, account);
  if (store != NULL && hangar_account_get_status (account) != HANGAR_ACCOUNT_STATUS_PENDING)
    {
      g_object_set_data (G_OBJECT (store), LOADED_KEY, GINT_TO_POINTER (TRUE));
      load_bases (self, account, store);
    }
}

GListModel *
hangar_sidebar_model_get_account_children (HangarSidebarModel *self,
                                           HangarAccount      *account)
{
  g_return_val_if_fail (HANGAR_IS_SIDEBAR_MODEL (self), NULL);
  return g_hash_table_lookup (self->account_children, account);
}

GListModel *
hangar_sidebar_model_get_base_children (HangarSidebarModel *self,
                                        HangarSidebarNode  *base_node)
{
  g_return_val_if_fail (HANGAR_IS_SIDEBAR_MODEL (self), NULL);
  return g_hash_table_lookup (self->base_children, base_node);
}

