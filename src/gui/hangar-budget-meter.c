/* hangar-budget-meter.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-budget-meter.h"

/**
 * HangarBudgetMeter:
 *
 * A level bar of a base's budget in use: the requests every Hangar process
 * of the user sent to the base in the last second
 * (hangar_scheduler_get_base_usage(), which reads the shared budget file),
 * out of the base's limit. It ticks four times a second, and only while it
 * is active and has a base.
 */

#define TICK_MS 250

struct _HangarBudgetMeter
{
  GtkWidget        parent_instance;

  GtkLevelBar     *bar;

  HangarScheduler *scheduler;
  char            *base_id;
  gboolean         active;
  guint            usage;
  guint            limit;
  guint            tick_id;
};

G_DEFINE_FINAL_TYPE (HangarBudgetMeter, hangar_budget_meter, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_ACTIVE,
  PROP_USAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_usage (HangarBudgetMeter *self)
{
  g_autofree char *tooltip = NULL;
  guint usage, limit = 0;

  if (self->scheduler == NULL || self->base_id == NULL)
    return;
  usage = hangar_scheduler_get_base_usage (self->scheduler, self->base_id, &limit);
  limit = MAX (limit, 1);
  gtk_level_bar_set_max_value (self->bar, limit);
  gtk_level_bar_set_value (self->bar, MIN (usage, limit));
  tooltip = g_strdup_printf (g_dngettext (NULL, "%u of %u requests a second to this base in use (every Hangar window and command counts)",
                                          "%u of %u requests a second to this base in use (every Hangar window and command counts)",
                                          limit),
                             usage, limit);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), tooltip);
  self->limit = limit;
  if (usage != self->usage)
    {
      self->usage = usage;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USAGE]);
    }
}

static gboolean
tick_cb (gpointer user_data)
{
  update_usage (HANGAR_BUDGET_METER (user_data));
  return G_SOURCE_CONTINUE;
}

/* Shown and ticking exactly while active with a base. */
static void
sync_state (HangarBudgetMeter *self)
{
  gboolean on = self->active && self->scheduler != NULL && self->base_id != NULL;

  gtk_widget_set_visible (GTK_WIDGET (self), on);
  if (on && self->tick_id == 0)
    {
      update_usage (self);
      self->tick_id = g_timeout_add (TICK_MS, tick_cb, self);
    }
  else if (!on)
    g_clear_handle_id (&self->tick_id, g_source_remove);
}

static void
hangar_budget_meter_dispose (GObject *object)
{
  HangarBudgetMeter *self = HANGAR_BUDGET_METER (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->bar != NULL)
    gtk_widget_unparent (GTK_WIDGET (self->bar));
  self->bar = NULL;
  g_clear_object (&self->scheduler);
  g_clear_pointer (&self->base_id, g_free);
  G_OBJECT_CLASS (hangar_budget_meter_parent_class)->dispose (object);
}

static void
hangar_budget_meter_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  HangarBudgetMeter *self = HANGAR_BUDGET_METER (object);

  switch (prop_id)
    {
    case PROP_ACTIVE:
      g_value_set_boolean (value, self->active);
      break;
    case PROP_USAGE:
      g_value_set_uint (value, self->usage);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_budget_meter_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  HangarBudgetMeter *self = HANGAR_BUDGET_METER (object);

  switch (prop_id)
    {
    case PROP_ACTIVE:
      hangar_budget_meter_set_active (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_budget_meter_class_init (HangarBudgetMeterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_budget_meter_dispose;
  object_class->get_property = hangar_budget_meter_get_property;
  object_class->set_property = hangar_budget_meter_set_property;

  properties[PROP_ACTIVE] =
    g_param_spec_boolean ("active", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USAGE] =
    g_param_spec_uint ("usage", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "budget-meter");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
hangar_budget_meter_init (HangarBudgetMeter *self)
{
  self->bar = GTK_LEVEL_BAR (gtk_level_bar_new_for_interval (0, 5));
  gtk_level_bar_set_mode (self->bar, GTK_LEVEL_BAR_MODE_DISCRETE);
  /* full is normal here (the pacing keeps it at the limit), not a warning */
  gtk_level_bar_remove_offset_value (self->bar, GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (self->bar, GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (self->bar, GTK_LEVEL_BAR_OFFSET_FULL);
  gtk_widget_set_size_request (GTK_WIDGET (self->bar), 40, -1);
  gtk_widget_set_valign (GTK_WIDGET (self->bar), GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->bar), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Request budget of this base in use"), -1);
  gtk_widget_set_parent (GTK_WIDGET (self->bar), GTK_WIDGET (self));
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
hangar_budget_meter_new (void)
{
  return g_object_new (HANGAR_TYPE_BUDGET_METER, NULL);
}

/**
 * hangar_budget_meter_set_base:
 * @self: a #HangarBudgetMeter
 * @scheduler: (nullable): the scheduler the base's requests go through
 * @base_id: (nullable): the base
 *
 * Which budget the meter shows; without both it stays hidden.
 */
void
hangar_budget_meter_set_base (HangarBudgetMeter *self,
                              HangarScheduler   *scheduler,
                              const char        *base_id)
{
  g_return_if_fail (HANGAR_IS_BUDGET_METER (self));

  g_set_object (&self->scheduler, scheduler);
  g_free (self->base_id);
  self->base_id = g_strdup (base_id);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  sync_state (self);
}

gboolean
hangar_budget_meter_get_active (HangarBudgetMeter *self)
{
  g_return_val_if_fail (HANGAR_IS_BUDGET_METER (self), FALSE);
  return self->active;
}

void
hangar_budget_meter_set_active (HangarBudgetMeter *self,
                                gboolean           active)
{
  g_return_if_fail (HANGAR_IS_BUDGET_METER (self));

  active = !!active;
  if (self->active == active)
    return;
  self->active = active;
  sync_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
}

guint
hangar_budget_meter_get_usage (HangarBudgetMeter *self,
                               guint             *out_limit)
{
  g_return_val_if_fail (HANGAR_IS_BUDGET_METER (self), 0);

  if (out_limit != NULL)
    *out_limit = self->limit;
  return self->usage;
}
