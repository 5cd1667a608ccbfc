/* hangar-sidebar-reveal.c — select a table in the sidebar that may not be
 * listed yet
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-sidebar-private.h"
#include "hangar-sidebar-reveal.h"
#include "hangar-view-state.h"

typedef struct
{
  HangarSidebar *sidebar;     /* weak */
  HangarAccount *account;
  char          *base_id;
  char          *table_id;
  GObject       *selected;    /* the selection when we started (weak use only) */
  GListModel    *waiting_on;  /* the listing we wait for */
  gulong         handler;
} Reveal;

static void reveal_step (Reveal *reveal);

static void
reveal_free (Reveal *reveal)
{
  if (reveal->waiting_on != NULL && reveal->handler != 0)
    g_signal_handler_disconnect (reveal->waiting_on, reveal->handler);
  g_clear_object (&reveal->waiting_on);
  g_clear_weak_pointer (&reveal->sidebar);
  g_clear_object (&reveal->account);
  g_free (reveal->base_id);
  g_free (reveal->table_id);
  g_free (reveal);
}

static void
listing_changed_cb (GListModel *model,
                    guint       position,
                    guint       removed,
                    guint       added,
                    Reveal     *reveal)
{
  g_signal_handler_disconnect (reveal->waiting_on, reveal->handler);
  reveal->handler = 0;
  g_clear_object (&reveal->waiting_on);
  reveal_step (reveal);
}

/* Waits for @model to change; FALSE when it is no longer loading (it
 * failed, or holds what it will hold). */
static gboolean
wait_on (Reveal     *reveal,
         GListModel *model)
{
  g_autoptr(GObject) first = NULL;

  if (model == NULL)
    return FALSE;
  first = g_list_model_get_n_items (model) > 0 ? g_list_model_get_item (model, 0) : NULL;
  if (first != NULL && HANGAR_IS_SIDEBAR_NODE (first) &&
      hangar_sidebar_node_get_kind (HANGAR_SIDEBAR_NODE (first)) == HANGAR_SIDEBAR_NODE_MESSAGE)
    return FALSE;
  if (first != NULL && HANGAR_IS_SIDEBAR_NODE (first) &&
      hangar_sidebar_node_get_kind (HANGAR_SIDEBAR_NODE (first)) != HANGAR_SIDEBAR_NODE_LOADING)
    return FALSE;
  reveal->waiting_on = g_object_ref (model);
  reveal->handler = g_signal_connect (model, "items-changed", G_CALLBACK (listing_changed_cb), reveal);
  return TRUE;
}

static HangarSidebarNode *
find_base (GListModel *bases,
           const char *base_id)
{
  for (guint i = 0; bases != NULL && i < g_list_model_get_n_items (bases); i++)
    {
      g_autoptr(HangarSidebarNode) node = g_list_model_get_item (bases, i);

      if (hangar_sidebar_node_get_kind (node) == HANGAR_SIDEBAR_NODE_BASE &&
          g_strcmp0 (hangar_base_get_id (hangar_sidebar_node_get_base (node)), base_id) == 0)
        return node;
    }
  return NULL;
}

static void
reveal_step (Reveal *reveal)
{
  HangarSidebar *sidebar = reveal->sidebar;
  GListModel *bases;
  HangarSidebarNode *base;

  /* Gone, or the user picked a base or table meanwhile (the first
   * account row selected when the sidebar first shows does not count). */
  if (sidebar == NULL ||
      (hangar_sidebar_get_selected_item (sidebar) != reveal->selected &&
       HANGAR_IS_SIDEBAR_NODE (hangar_sidebar_get_selected_item (sidebar))))
    goto done;
  if (hangar_sidebar_select_table (sidebar, reveal->account, reveal->table_id))
    goto done;

  bases = hangar_sidebar_get_account_children (sidebar, reveal->account);
  base = find_base (bases, reveal->base_id);
  if (base == NULL)
    {
      hangar_sidebar_set_expanded (sidebar, reveal->account, TRUE);
      bases = hangar_sidebar_get_account_children (sidebar, reveal->account);
      base = find_base (bases, reveal->base_id);
      if (base == NULL)
        {
          if (wait_on (reveal, bases))
            return;
          goto done;
        }
    }
  hangar_sidebar_set_expanded (sidebar, base, TRUE);
  if (hangar_sidebar_select_table (sidebar, reveal->account, reveal->table_id))
    goto done;
  if (wait_on (reveal, hangar_sidebar_get_base_children (sidebar, base)))
    return;

done:
  reveal_free (reveal);
}

void
hangar_sidebar_reveal_table (HangarSidebar *sidebar,
                             HangarAccount *account,
                             const char    *base_id,
                             const char    *table_id)
{
  Reveal *reveal;

  g_return_if_fail (HANGAR_IS_SIDEBAR (sidebar));
  g_return_if_fail (HANGAR_IS_ACCOUNT (account));
  g_return_if_fail (base_id != NULL && table_id != NULL);

  reveal = g_new0 (Reveal, 1);
  g_set_weak_pointer (&reveal->sidebar, sidebar);
  reveal->account = g_object_ref (account);
  reveal->base_id = g_strdup (base_id);
  reveal->table_id = g_strdup (table_id);
  reveal->selected = hangar_sidebar_get_selected_item (sidebar);
  reveal_step (reveal);
}

gboolean
hangar_sidebar_select_base (HangarSidebar *sidebar,
                            HangarAccount *account,
                            const char    *base_id)
{
  GListModel *bases;
  HangarSidebarNode *base;

  g_return_val_if_fail (HANGAR_IS_SIDEBAR (sidebar), FALSE);

  bases = hangar_sidebar_get_account_children (sidebar, account);
  base = find_base (bases, base_id);
  if (base == NULL)
    return FALSE;
  return hangar_sidebar_select_item (sidebar, base);
}

void
hangar_sidebar_reveal_last_table (HangarSidebar      *sidebar,
                                  HangarAccountStore *store)
{
  g_autoptr(HangarAccount) best = NULL;
  g_autofree char *best_base = NULL;
  g_autofree char *best_table = NULL;
  gint64 best_when = G_MININT64;

  g_return_if_fail (HANGAR_IS_SIDEBAR (sidebar));
  g_return_if_fail (HANGAR_IS_ACCOUNT_STORE (store));

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
    {
      g_autoptr(HangarAccount) account = g_list_model_get_item (G_LIST_MODEL (store), i);
      g_autoptr(HangarViewState) state = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *base_id = NULL;
      g_autofree char *table_id = NULL;
      gint64 when = 0;

      /* Only accounts that can list their bases now. */
      if (hangar_account_get_status (account) != HANGAR_ACCOUNT_STATUS_ACTIVE)
        continue;
      state = hangar_view_state_new_for_account (hangar_account_get_id (account), &error);
      if (state == NULL)
        {
          g_debug ("No remembered table for %s: %s", hangar_account_get_label (account), error->message);
          continue;
        }
      if (hangar_view_state_get_last_table (state, NULL, &base_id, &table_id, &when) && when > best_when)
        {
          g_set_object (&best, account);
          g_free (best_base);
          best_base = g_steal_pointer (&base_id);
          g_free (best_table);
          best_table = g_steal_pointer (&table_id);
          best_when = when;
        }
    }
  if (best != NULL)
    hangar_sidebar_reveal_table (sidebar, best, best_base, best_table);
}
