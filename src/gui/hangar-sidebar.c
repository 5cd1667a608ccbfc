/* hangar-sidebar.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-account-row.h"
#include "hangar-client.h"
#include "hangar-sidebar.h"

/* --- HangarSidebarNode ----------------------------------------------------- */

struct _HangarSidebarNode
{
  GObject                parent_instance;

  HangarSidebarNodeKind  kind;
  HangarAccount         *account;
  HangarBase            *base;
  HangarTable           *table;
  char                  *text;
};

G_DEFINE_FINAL_TYPE (HangarSidebarNode, hangar_sidebar_node, G_TYPE_OBJECT)

static void
hangar_sidebar_node_finalize (GObject *object)
{
  HangarSidebarNode *self = (HangarSidebarNode *)object;

  g_clear_object (&self->account);
  g_clear_object (&self->base);
  g_clear_object (&self->table);
  g_free (self->text);

  G_OBJECT_CLASS (hangar_sidebar_node_parent_class)->finalize (object);
}

static void
hangar_sidebar_node_class_init (HangarSidebarNodeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hangar_sidebar_node_finalize;
}

static void
hangar_sidebar_node_init (HangarSidebarNode *self)
{
}

static HangarSidebarNode *
node_new (HangarSidebarNodeKind  kind,
          HangarAccount         *account,
          HangarBase            *base,
          HangarTable           *table,
          const char            *text)
{
  HangarSidebarNode *self = g_object_new (HANGAR_TYPE_SIDEBAR_NODE, NULL);

  self->kind = kind;
  self->account = account != NULL ? g_object_ref (account) : NULL;
  self->base = base != NULL ? g_object_ref (base) : NULL;
  self->table = table != NULL ? g_object_ref (table) : NULL;
  self->text = g_strdup (text);
  return self;
}

HangarSidebarNodeKind
hangar_sidebar_node_get_kind (HangarSidebarNode *self)
{
  g_return_val_if_fail (HANGAR_IS_SIDEBAR_NODE (self), 0);
  return self->kind;
}

HangarAccount *
hangar_sidebar_node_get_account (HangarSidebarNode *self)
{
  g_return_val_if_fail (HANGAR_IS_SIDEBAR_NODE (self), NULL);
  return self->account;
}

HangarBase *
hangar_sidebar_node_get_base (HangarSidebarNode *self)
{
  g_return_val_if_fail (HANGAR_IS_SIDEBAR_NODE (self), NULL);
  return self->base;
}

HangarTable *
hangar_sidebar_node_get_table (HangarSidebarNode *self)
{
  g_return_val_if_fail (HANGAR_IS_SIDEBAR_NODE (self), NULL);
  return self->table;
}

const char *
hangar_sidebar_node_get_text (HangarSidebarNode *self)
{
  g_return_val_if_fail (HANGAR_IS_SIDEBAR_NODE (self), NULL);

  switch (self->kind)
    {
    case HANGAR_SIDEBAR_NODE_BASE:
      return hangar_base_get_name (self->base);
    case HANGAR_SIDEBAR_NODE_TABLE:
      return hangar_table_get_name (self->table);
    case HANGAR_SIDEBAR_NODE_LOADING:
    case HANGAR_SIDEBAR_NODE_MESSAGE:
    default:
      return self->text;
    }
}

/* --- HangarSidebar --------------------------------------------------------- */

struct _HangarSidebar
{
  GtkWidget           parent_instance;

  GtkWidget          *scroller;
  GtkListView        *list_view;
  GtkTreeListModel   *tree;
  GtkSingleSelection *selection;

  HangarAccountStore *store;
  GHashTable         *account_children;  /* HangarAccount* → GListStore (bases) */
  GHashTable         *base_children;     /* HangarSidebarNode* → GListStore (tables) */
  GHashTable         *account_rows;      /* HangarAccount* → HangarAccountRow* (not owned) */
  GCancellable       *cancellable;
  gboolean            keyboard_moving;   /* an arrow key is moving the selection */
  gboolean            was_mapped;        /* the startup selection is made */
};

G_DEFINE_FINAL_TYPE (HangarSidebar, hangar_sidebar, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_SELECTED_ITEM,
  N_PROPS
};

enum {
  LOAD_FAILED,
  ITEM_OPENED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct
{
  HangarSidebar *self;   /* weak */
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
load_data_new (HangarSidebar *self,
               GListStore    *store,
               HangarAccount *account,
               HangarBase    *base)
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
  g_autoptr(HangarSidebarNode) node = node_new (HANGAR_SIDEBAR_NODE_MESSAGE, data->account, NULL, NULL, text);
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
    g_ptr_array_add (nodes, node_new (HANGAR_SIDEBAR_NODE_TABLE, data->account, data->base,
                                      g_ptr_array_index (tables, i), NULL));
  if (nodes->len == 0)
    g_ptr_array_add (nodes, node_new (HANGAR_SIDEBAR_NODE_MESSAGE, data->account, NULL, NULL,
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
    g_ptr_array_add (nodes, node_new (HANGAR_SIDEBAR_NODE_BASE, data->account,
                                      g_ptr_array_index (bases, i), NULL, NULL));
  if (nodes->len == 0)
    g_ptr_array_add (nodes, node_new (HANGAR_SIDEBAR_NODE_MESSAGE, data->account, NULL, NULL,
                                      _("No bases granted")));

  g_list_store_splice (data->store, 0, g_list_model_get_n_items (G_LIST_MODEL (data->store)),
                       nodes->pdata, nodes->len);
  load_data_free (data);
}

static void
load_bases (HangarSidebar *self,
            HangarAccount *account,
            GListStore    *store)
{
  g_autoptr(HangarSidebarNode) loading = node_new (HANGAR_SIDEBAR_NODE_LOADING, account, NULL, NULL,
                                                   _("Loading bases…"));
  gpointer items[] = { loading };

  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)), items, 1);
  hangar_client_list_bases_async (hangar_account_get_client (account), self->cancellable,
                                  list_bases_cb, load_data_new (self, store, account, NULL));
}

static void
load_tables (HangarSidebar     *self,
             HangarSidebarNode *base_node,
             GListStore        *store)
{
  g_autoptr(HangarSidebarNode) loading = node_new (HANGAR_SIDEBAR_NODE_LOADING, base_node->account,
                                                   NULL, NULL, _("Loading tables…"));
  gpointer items[] = { loading };

  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)), items, 1);
  hangar_client_get_base_schema_async (hangar_account_get_client (base_node->account),
                                       hangar_base_get_id (base_node->base),
                                       self->cancellable, list_tables_cb,
                                       load_data_new (self, store, base_node->account, base_node->base));
}

/* Children are listed on first expansion, not when the tree merely asks
 * whether a row can expand (it does that for every row it shows). */
#define LOADED_KEY "hangar-sidebar-loaded"

static GListStore *
new_child_store (HangarAccount *account,
                 const char    *text)
{
  GListStore *store = g_list_store_new (HANGAR_TYPE_SIDEBAR_NODE);
  g_autoptr(HangarSidebarNode) placeholder = node_new (HANGAR_SIDEBAR_NODE_LOADING, account, NULL, NULL, text);

  g_list_store_append (store, placeholder);
  return store;
}

static void
ensure_loaded (HangarSidebar *self,
               gpointer       item)
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
  HangarSidebar *self = user_data;
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

  if (HANGAR_IS_SIDEBAR_NODE (item) && HANGAR_SIDEBAR_NODE (item)->kind == HANGAR_SIDEBAR_NODE_BASE)
    {
      store = g_hash_table_lookup (self->base_children, item);
      if (store == NULL)
        {
          store = new_child_store (HANGAR_SIDEBAR_NODE (item)->account, _("Loading tables…"));
          g_hash_table_insert (self->base_children, g_object_ref (item), store);
        }
      return G_LIST_MODEL (g_object_ref (store));
    }

  return NULL;
}

static void
row_expanded_cb (GtkTreeListRow *row,
                 GParamSpec     *pspec,
                 HangarSidebar  *self)
{
  if (gtk_tree_list_row_get_expanded (row))
    {
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);
      ensure_loaded (self, item);
    }
}

/* The full name as a tooltip only when the label cut it short. */
static gboolean
label_query_tooltip_cb (GtkLabel   *label,
                        int         x,
                        int         y,
                        gboolean    keyboard_mode,
                        GtkTooltip *tooltip,
                        gpointer    user_data)
{
  if (!pango_layout_is_ellipsized (gtk_label_get_layout (label)))
    return FALSE;
  gtk_tooltip_set_text (tooltip, gtk_label_get_text (label));
  return TRUE;
}

static GtkWidget *
make_node_widget (HangarSidebarNode *node)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *label = gtk_label_new (hangar_sidebar_node_get_text (node));
  GtkWidget *icon = NULL;

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_margin_top (box, 3);
  gtk_widget_set_margin_bottom (box, 3);

  switch (node->kind)
    {
    case HANGAR_SIDEBAR_NODE_BASE:
      icon = gtk_image_new_from_icon_name ("folder-symbolic");
      break;
    case HANGAR_SIDEBAR_NODE_TABLE:
      icon = gtk_image_new_from_icon_name ("view-list-symbolic");
      break;
    case HANGAR_SIDEBAR_NODE_LOADING:
      icon = gtk_spinner_new ();
      gtk_spinner_start (GTK_SPINNER (icon));
      gtk_widget_add_css_class (label, "dim-label");
      break;
    case HANGAR_SIDEBAR_NODE_MESSAGE:
    default:
      icon = gtk_image_new_from_icon_name ("dialog-information-symbolic");
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_NONE);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "dim-label");
      break;
    }

  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), label);
  gtk_widget_set_has_tooltip (label, TRUE);
  g_signal_connect (label, "query-tooltip", G_CALLBACK (label_query_tooltip_cb), NULL);
  return box;
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          HangarSidebar            *self)
{
  GtkWidget *expander = gtk_tree_expander_new ();

  gtk_list_item_set_child (list_item, expander);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *list_item,
         HangarSidebar            *self)
{
  GtkTreeListRow *row = gtk_list_item_get_item (list_item);
  GtkWidget *expander = gtk_list_item_get_child (list_item);
  gpointer item = gtk_tree_list_row_get_item (row);
  GtkWidget *child;

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);
  g_signal_connect (row, "notify::expanded", G_CALLBACK (row_expanded_cb), self);
  if (gtk_tree_list_row_get_expanded (row))
    ensure_loaded (self, item);

  if (HANGAR_IS_ACCOUNT (item))
    {
      child = hangar_account_row_new (item);
      g_hash_table_insert (self->account_rows, item, child);
    }
  else
    {
      HangarSidebarNode *node = item;

      child = make_node_widget (node);
      gtk_list_item_set_selectable (list_item, node->kind == HANGAR_SIDEBAR_NODE_BASE ||
                                               node->kind == HANGAR_SIDEBAR_NODE_TABLE);
      gtk_list_item_set_activatable (list_item, gtk_list_item_get_selectable (list_item));
    }

  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), child);
  g_object_unref (item);
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           HangarSidebar            *self)
{
  GtkWidget *expander = gtk_list_item_get_child (list_item);
  GtkWidget *child = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander));
  GtkTreeListRow *row = gtk_list_item_get_item (list_item);

  if (row != NULL)
    g_signal_handlers_disconnect_by_func (row, row_expanded_cb, self);

  if (HANGAR_IS_ACCOUNT_ROW (child))
    {
      HangarAccount *account = hangar_account_row_get_account (HANGAR_ACCOUNT_ROW (child));

      if (account != NULL && g_hash_table_lookup (self->account_rows, account) == child)
        g_hash_table_remove (self->account_rows, account);
    }

  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), NULL);
  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), NULL);
  gtk_list_item_set_selectable (list_item, TRUE);
  gtk_list_item_set_activatable (list_item, TRUE);
}

static void
selection_changed_cb (GtkSingleSelection *selection,
                      GParamSpec         *pspec,
                      HangarSidebar      *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_ITEM]);
}

static void
activate_cb (GtkListView   *list_view,
             guint          position,
             HangarSidebar *self)
{
  g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (self->tree), position);

  /* Activating a row (Enter / double click): a base toggles, an account
   * or a table is opened (the compact layout then shows it). */
  g_autoptr(GObject) item = row != NULL ? gtk_tree_list_row_get_item (row) : NULL;

  if (item == NULL)
    return;
  if (HANGAR_IS_ACCOUNT (item))
    {
      /* An account opens its page (and shows its bases); "+" and "-"
       * expand and collapse like any tree row. */
      gtk_tree_list_row_set_expanded (row, TRUE);
      g_signal_emit (self, signals[ITEM_OPENED], 0);
    }
  else if (gtk_tree_list_row_is_expandable (row))
    gtk_tree_list_row_set_expanded (row, !gtk_tree_list_row_get_expanded (row));
  else
    g_signal_emit (self, signals[ITEM_OPENED], 0);
}

static gboolean
clear_keyboard_moving_cb (gpointer user_data)
{
  HangarSidebar *self = user_data;

  self->keyboard_moving = FALSE;
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

/* Arrow keys move the selection; remember that while it happens, so the
 * compact layout does not leave the sidebar at every key press. */
static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                HangarSidebar         *self)
{
  switch (keyval)
    {
    case GDK_KEY_Up: case GDK_KEY_KP_Up:
    case GDK_KEY_Down: case GDK_KEY_KP_Down:
    case GDK_KEY_Home: case GDK_KEY_KP_Home:
    case GDK_KEY_End: case GDK_KEY_KP_End:
    case GDK_KEY_Page_Up: case GDK_KEY_KP_Page_Up:
    case GDK_KEY_Page_Down: case GDK_KEY_KP_Page_Down:
      if (!self->keyboard_moving)
        g_idle_add_full (G_PRIORITY_HIGH, clear_keyboard_moving_cb, g_object_ref (self), NULL);
      self->keyboard_moving = TRUE;
      break;
    default:
      break;
    }
  return GDK_EVENT_PROPAGATE;
}

gboolean
hangar_sidebar_is_keyboard_moving (HangarSidebar *self)
{
  g_return_val_if_fail (HANGAR_IS_SIDEBAR (self), FALSE);
  return self->keyboard_moving;
}

static void
store_items_changed_cb (GListModel    *model,
                        guint          position,
                        guint          removed,
                        guint          added,
                        HangarSidebar *self)
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
hangar_sidebar_set_store (HangarSidebar      *self,
                          HangarAccountStore *store)
{
  g_return_if_fail (self->store == NULL);

  if (store == NULL)
    return;

  self->store = g_object_ref (store);
  self->tree = gtk_tree_list_model_new (G_LIST_MODEL (g_object_ref (store)), FALSE, FALSE,
                                        create_child_model, self, NULL);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->tree)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect (self->selection, "notify::selected-item", G_CALLBACK (selection_changed_cb), self);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (store, "items-changed", G_CALLBACK (store_items_changed_cb), self, 0);
}

/* Like Settings or Files, the sidebar has a current row from the start:
 * when it first shows and nothing is selected, the first account is. The
 * list's focus then starts on that row, so the focus ring is visible at
 * the first Tab or arrow key instead of appearing only after a click.
 * It is made as if by the arrow keys, so it does not move the compact
 * layout from one pane to the other. */
static void
hangar_sidebar_map (GtkWidget *widget)
{
  HangarSidebar *self = HANGAR_SIDEBAR (widget);

  GTK_WIDGET_CLASS (hangar_sidebar_parent_class)->map (widget);

  if (self->was_mapped || self->selection == NULL)
    return;
  self->was_mapped = TRUE;
  if (gtk_single_selection_get_selected (self->selection) == GTK_INVALID_LIST_POSITION &&
      g_list_model_get_n_items (G_LIST_MODEL (self->selection)) > 0)
    {
      gboolean moving = self->keyboard_moving;

      self->keyboard_moving = TRUE;
      gtk_single_selection_set_selected (self->selection, 0);
      self->keyboard_moving = moving;
    }
}

static void
hangar_sidebar_dispose (GObject *object)
{
  HangarSidebar *self = (HangarSidebar *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  g_clear_object (&self->selection);
  g_clear_object (&self->tree);
  g_clear_pointer (&self->account_children, g_hash_table_unref);
  g_clear_pointer (&self->base_children, g_hash_table_unref);
  g_clear_pointer (&self->account_rows, g_hash_table_unref);
  g_clear_object (&self->store);
  g_clear_pointer (&self->scroller, gtk_widget_unparent);

  G_OBJECT_CLASS (hangar_sidebar_parent_class)->dispose (object);
}

static void
hangar_sidebar_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  HangarSidebar *self = HANGAR_SIDEBAR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_SELECTED_ITEM:
      g_value_set_object (value, hangar_sidebar_get_selected_item (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_sidebar_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  HangarSidebar *self = HANGAR_SIDEBAR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      hangar_sidebar_set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_sidebar_class_init (HangarSidebarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_sidebar_dispose;
  object_class->get_property = hangar_sidebar_get_property;
  object_class->set_property = hangar_sidebar_set_property;
  widget_class->map = hangar_sidebar_map;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, HANGAR_TYPE_ACCOUNT_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED_ITEM] =
    g_param_spec_object ("selected-item", NULL, NULL, G_TYPE_OBJECT,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[LOAD_FAILED] =
    g_signal_new ("load-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, HANGAR_TYPE_ACCOUNT, G_TYPE_STRING);
  /* Enter or a double click on an item that does not expand. */
  signals[ITEM_OPENED] =
    g_signal_new ("item-opened", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hangarsidebar");
}

static void
hangar_sidebar_init (HangarSidebar *self)
{
  GtkListItemFactory *factory;

  self->cancellable = g_cancellable_new ();
  self->account_children = g_hash_table_new_full (NULL, NULL, g_object_unref, g_object_unref);
  self->base_children = g_hash_table_new_full (NULL, NULL, g_object_unref, g_object_unref);
  self->account_rows = g_hash_table_new (NULL, NULL);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), self);

  self->list_view = GTK_LIST_VIEW (gtk_list_view_new (NULL, factory));
  gtk_list_view_set_single_click_activate (self->list_view, FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list_view), "navigation-sidebar");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Accounts, bases and tables"),
                                  -1);
  g_signal_connect (self->list_view, "activate", G_CALLBACK (activate_cb), self);
  {
    GtkEventController *keys = gtk_event_controller_key_new ();

    gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
    g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
    gtk_widget_add_controller (GTK_WIDGET (self->list_view), keys);
  }

  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), GTK_WIDGET (self->list_view));
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));
}

GtkWidget *
hangar_sidebar_new (HangarAccountStore *store)
{
  return g_object_new (HANGAR_TYPE_SIDEBAR, "store", store, NULL);
}

GObject *
hangar_sidebar_get_selected_item (HangarSidebar *self)
{
  GtkTreeListRow *row;

  g_return_val_if_fail (HANGAR_IS_SIDEBAR (self), NULL);

  if (self->selection == NULL)
    return NULL;
  row = gtk_single_selection_get_selected_item (self->selection);
  if (row == NULL)
    return NULL;
  /* The tree keeps the item alive while the row exists. */
  {
    g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);
    return item;
  }
}

static guint
find_position (HangarSidebar *self,
               gpointer       wanted)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->tree));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (self->tree), i);
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);

      if (item == wanted)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

void
hangar_sidebar_select_account (HangarSidebar *self,
                               HangarAccount *account,
                               gboolean       expand)
{
  guint position;

  g_return_if_fail (HANGAR_IS_SIDEBAR (self));

  position = find_position (self, account);
  if (position == GTK_INVALID_LIST_POSITION)
    return;

  if (expand)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (self->tree), position);
      gtk_tree_list_row_set_expanded (row, TRUE);
      ensure_loaded (self, account);
    }
  gtk_single_selection_set_selected (self->selection, position);
}

gboolean
hangar_sidebar_select_table (HangarSidebar *self,
                             HangarAccount *account,
                             const char    *table_id)
{
  guint n;

  g_return_val_if_fail (HANGAR_IS_SIDEBAR (self), FALSE);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->tree));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (self->tree), i);
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);

      if (HANGAR_IS_SIDEBAR_NODE (item))
        {
          HangarSidebarNode *node = HANGAR_SIDEBAR_NODE (item);

          if (node->account == account && node->kind == HANGAR_SIDEBAR_NODE_TABLE &&
              g_strcmp0 (hangar_table_get_id (node->table), table_id) == 0)
            {
              gtk_single_selection_set_selected (self->selection, i);
              return TRUE;
            }
        }
    }
  return FALSE;
}

void
hangar_sidebar_set_expanded (HangarSidebar *self,
                             gpointer       item,
                             gboolean       expanded)
{
  guint position;

  g_return_if_fail (HANGAR_IS_SIDEBAR (self));

  position = find_position (self, item);
  if (position != GTK_INVALID_LIST_POSITION)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (self->tree), position);
      gtk_tree_list_row_set_expanded (row, expanded);
      if (expanded)
        ensure_loaded (self, item);
    }
}

void
hangar_sidebar_reload_account (HangarSidebar *self,
                               HangarAccount *account)
{
  GListStore *store;

  g_return_if_fail (HANGAR_IS_SIDEBAR (self));

  /* Only what was listed before: the rest loads on expansion anyway. */
  store = g_hash_table_lookup (self->account_children, account);
  if (store != NULL && hangar_account_get_status (account) != HANGAR_ACCOUNT_STATUS_PENDING)
    {
      g_object_set_data (G_OBJECT (store), LOADED_KEY, GINT_TO_POINTER (TRUE));
      load_bases (self, account, store);
    }
}

GListModel *
hangar_sidebar_get_account_children (HangarSidebar *self,
                                     HangarAccount *account)
{
  g_return_val_if_fail (HANGAR_IS_SIDEBAR (self), NULL);
  return g_hash_table_lookup (self->account_children, account);
}

GListModel *
hangar_sidebar_get_base_children (HangarSidebar     *self,
                                  HangarSidebarNode *base_node)
{
  g_return_val_if_fail (HANGAR_IS_SIDEBAR (self), NULL);
  return g_hash_table_lookup (self->base_children, base_node);
}

GtkWidget *
hangar_sidebar_get_account_row (HangarSidebar *self,
                                HangarAccount *account)
{
  g_return_val_if_fail (HANGAR_IS_SIDEBAR (self), NULL);
  return g_hash_table_lookup (self->account_rows, account);
}
