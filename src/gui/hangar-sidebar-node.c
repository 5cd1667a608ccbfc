/* hangar-sidebar-node.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-sidebar-node.h"

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


/**
 * hangar_sidebar_node_new:
 * @kind: what the row is
 * @account: (nullable): the account it is below
 * @base: (nullable): the base (BASE and TABLE nodes)
 * @table: (nullable): the table (TABLE nodes)
 * @text: (nullable): the note (LOADING and MESSAGE nodes)
 *
 * Returns: (transfer full): a new node
 */
HangarSidebarNode *
hangar_sidebar_node_new (HangarSidebarNodeKind  kind,
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
