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

enum {
  PROP_0,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

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
hangar_sidebar_node_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, hangar_sidebar_node_get_text (HANGAR_SIDEBAR_NODE (object)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_sidebar_node_class_init (HangarSidebarNodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hangar_sidebar_node_finalize;
  object_class->get_property = hangar_sidebar_node_get_property;

  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
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

void
hangar_sidebar_node_set_table (HangarSidebarNode *self,
                               HangarTable       *table)
{
  g_return_if_fail (HANGAR_IS_SIDEBAR_NODE (self));
  g_return_if_fail (self->kind == HANGAR_SIDEBAR_NODE_TABLE);
  g_return_if_fail (HANGAR_IS_TABLE (table));

  if (!g_set_object (&self->table, table))
    return;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}
