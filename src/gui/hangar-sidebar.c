/* hangar-sidebar.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-account-row.h"
#include "hangar-sidebar-model.h"
#include "hangar-sidebar-private.h"

/**
 * HangarSidebar:
 *
 * The accounts, each with its bases and their tables below, in a tree list
 * (#HangarSidebarModel lists the children when a row is first expanded).
 * An account row is a #HangarAccountRow; bases, tables and notes are a
 * small icon-and-label row made here.
 */

struct _HangarSidebar
{
  GtkWidget           parent_instance;

  /* template */
  GtkWidget          *scroller;
  GtkListView        *list_view;

  HangarAccountStore *store;
  HangarSidebarModel *model;
  GtkSingleSelection *selection;
  GHashTable         *account_rows;      /* HangarAccount* → HangarAccountRow* (not owned) */
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

static void
row_expanded_cb (GtkTreeListRow *row,
                 GParamSpec     *pspec,
                 HangarSidebar  *self)
{
  if (gtk_tree_list_row_get_expanded (row))
    {
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);
      hangar_sidebar_model_ensure_loaded (self->model, item);
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

  switch (hangar_sidebar_node_get_kind (node))
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
  /* A table renamed meanwhile (hangar_sidebar_node_set_table()). */
  g_object_bind_property (node, "text", label, "label", G_BINDING_DEFAULT);
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
    hangar_sidebar_model_ensure_loaded (self->model, item);

  if (HANGAR_IS_ACCOUNT (item))
    {
      child = hangar_account_row_new (item);
      g_hash_table_insert (self->account_rows, item, child);
    }
  else
    {
      HangarSidebarNode *node = item;

      child = make_node_widget (node);
      gtk_list_item_set_selectable (list_item, hangar_sidebar_node_get_kind (node) == HANGAR_SIDEBAR_NODE_BASE ||
                                               hangar_sidebar_node_get_kind (node) == HANGAR_SIDEBAR_NODE_TABLE);
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
  g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (hangar_sidebar_model_get_tree (self->model)), position);

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
load_failed_cb (HangarSidebarModel *model,
                HangarAccount      *account,
                const char         *message,
                HangarSidebar      *self)
{
  g_signal_emit (self, signals[LOAD_FAILED], 0, account, message);
}

static void
hangar_sidebar_set_store (HangarSidebar      *self,
                          HangarAccountStore *store)
{
  g_return_if_fail (self->store == NULL);

  if (store == NULL)
    return;

  self->store = g_object_ref (store);
  self->model = hangar_sidebar_model_new (store);
  g_signal_connect_object (self->model, "load-failed", G_CALLBACK (load_failed_cb), self, 0);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (hangar_sidebar_model_get_tree (self->model))));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect (self->selection, "notify::selected-item", G_CALLBACK (selection_changed_cb), self);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
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

  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  g_clear_object (&self->selection);
  g_clear_object (&self->model);
  g_clear_pointer (&self->account_rows, g_hash_table_unref);
  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_SIDEBAR);

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

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/tablehangar/Hangar/hangar-sidebar.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarSidebar, scroller);
  gtk_widget_class_bind_template_child (widget_class, HangarSidebar, list_view);
  gtk_widget_class_bind_template_callback (widget_class, setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, unbind_cb);
  gtk_widget_class_bind_template_callback (widget_class, activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, key_pressed_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hangarsidebar");
}

static void
hangar_sidebar_init (HangarSidebar *self)
{
  self->account_rows = g_hash_table_new (NULL, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
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
  guint n = g_list_model_get_n_items (G_LIST_MODEL (hangar_sidebar_model_get_tree (self->model)));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (hangar_sidebar_model_get_tree (self->model)), i);
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);

      if (item == wanted)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

void
hangar_sidebar_unselect (HangarSidebar *self)
{
  g_return_if_fail (HANGAR_IS_SIDEBAR (self));

  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
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
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (hangar_sidebar_model_get_tree (self->model)), position);
      gtk_tree_list_row_set_expanded (row, TRUE);
      hangar_sidebar_model_ensure_loaded (self->model, account);
    }
  gtk_single_selection_set_selected (self->selection, position);
}

gboolean
hangar_sidebar_select_item (HangarSidebar *self,
                            gpointer       item)
{
  guint position;

  g_return_val_if_fail (HANGAR_IS_SIDEBAR (self), FALSE);

  position = find_position (self, item);
  if (position == GTK_INVALID_LIST_POSITION)
    return FALSE;
  gtk_single_selection_set_selected (self->selection, position);
  return TRUE;
}

gboolean
hangar_sidebar_select_table (HangarSidebar *self,
                             HangarAccount *account,
                             const char    *table_id)
{
  guint n;

  g_return_val_if_fail (HANGAR_IS_SIDEBAR (self), FALSE);

  n = g_list_model_get_n_items (G_LIST_MODEL (hangar_sidebar_model_get_tree (self->model)));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (hangar_sidebar_model_get_tree (self->model)), i);
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);

      if (HANGAR_IS_SIDEBAR_NODE (item))
        {
          HangarSidebarNode *node = HANGAR_SIDEBAR_NODE (item);

          if (hangar_sidebar_node_get_account (node) == account &&
              hangar_sidebar_node_get_kind (node) == HANGAR_SIDEBAR_NODE_TABLE &&
              g_strcmp0 (hangar_table_get_id (hangar_sidebar_node_get_table (node)), table_id) == 0)
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
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (hangar_sidebar_model_get_tree (self->model)), position);
      gtk_tree_list_row_set_expanded (row, expanded);
      if (expanded)
        hangar_sidebar_model_ensure_loaded (self->model, item);
    }
}

void
hangar_sidebar_reload_account (HangarSidebar *self,
                               HangarAccount *account)
{
  g_return_if_fail (HANGAR_IS_SIDEBAR (self));

  if (self->model != NULL)
    hangar_sidebar_model_reload_account (self->model, account);
}

GtkWidget *
hangar_sidebar_get_account_row (HangarSidebar *self,
                                HangarAccount *account)
{
  g_return_val_if_fail (HANGAR_IS_SIDEBAR (self), NULL);
  return g_hash_table_lookup (self->account_rows, account);
}

GListModel *
hangar_sidebar_get_account_children (HangarSidebar *self,
                                     HangarAccount *account)
{
  g_return_val_if_fail (HANGAR_IS_SIDEBAR (self), NULL);

  if (self->model == NULL)
    return NULL;
  return hangar_sidebar_model_get_account_children (self->model, account);
}

GListModel *
hangar_sidebar_get_base_children (HangarSidebar     *self,
                                  HangarSidebarNode *base_node)
{
  g_return_val_if_fail (HANGAR_IS_SIDEBAR (self), NULL);

  if (self->model == NULL)
    return NULL;
  return hangar_sidebar_model_get_base_children (self->model, base_node);
}
