/* hangar-rate-banner.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-rate-banner.h"

/**
 * HangarRateBanner:
 *
 * Shown while a base is paused after a 429 (#HangarRateState): says so and
 * counts down to the moment requests resume, ticking four times a second
 * only while it is shown.
 */

struct _HangarRateBanner
{
  GtkWidget        parent_instance;

  GtkRevealer     *revealer;
  GtkLabel        *label;

  HangarRateState *rate_state;
  gulong           rate_handler;
  guint            countdown_id;
};

G_DEFINE_FINAL_TYPE (HangarRateBanner, hangar_rate_banner, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_RATE_STATE,
  PROP_REVEALED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean countdown_tick_cb (gpointer user_data);

static void
update (HangarRateBanner *self)
{
  gint64 remaining_ms = self->rate_state != NULL ? hangar_rate_state_get_remaining_ms (self->rate_state) : 0;
  gboolean paused = remaining_ms > 0;
  gboolean was_paused = gtk_revealer_get_reveal_child (self->revealer);

  if (paused)
    {
      guint seconds = (guint) ((remaining_ms + 999) / 1000);
      g_autofree char *text =
        g_strdup_printf (g_dngettext (NULL,
                                      "Airtable asked us to slow down — resuming in %u s",
                                      "Airtable asked us to slow down — resuming in %u s",
                                      seconds),
                         seconds);

      gtk_label_set_text (self->label, text);
      if (self->countdown_id == 0)
        self->countdown_id = g_timeout_add (250, countdown_tick_cb, self);
    }
  else
    g_clear_handle_id (&self->countdown_id, g_source_remove);

  gtk_revealer_set_reveal_child (self->revealer, paused);
  if (was_paused != paused)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVEALED]);
}

static gboolean
countdown_tick_cb (gpointer user_data)
{
  HangarRateBanner *self = user_data;

  if (self->rate_state == NULL || hangar_rate_state_get_remaining_ms (self->rate_state) <= 0)
    {
      self->countdown_id = 0;
      update (self);
      return G_SOURCE_REMOVE;
    }
  update (self);
  return G_SOURCE_CONTINUE;
}

static void
rate_state_notify_cb (HangarRateState  *state,
                      GParamSpec       *pspec,
                      HangarRateBanner *self)
{
  update (self);
}

static void
hangar_rate_banner_dispose (GObject *object)
{
  HangarRateBanner *self = HANGAR_RATE_BANNER (object);

  hangar_rate_banner_set_rate_state (self, NULL);
  g_clear_handle_id (&self->countdown_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_RATE_BANNER);

  G_OBJECT_CLASS (hangar_rate_banner_parent_class)->dispose (object);
}

static void
hangar_rate_banner_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  HangarRateBanner *self = HANGAR_RATE_BANNER (object);

  switch (prop_id)
    {
    case PROP_RATE_STATE:
      g_value_set_object (value, self->rate_state);
      break;
    case PROP_REVEALED:
      g_value_set_boolean (value, hangar_rate_banner_get_revealed (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_rate_banner_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  HangarRateBanner *self = HANGAR_RATE_BANNER (object);

  switch (prop_id)
    {
    case PROP_RATE_STATE:
      hangar_rate_banner_set_rate_state (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_rate_banner_class_init (HangarRateBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_rate_banner_dispose;
  object_class->get_property = hangar_rate_banner_get_property;
  object_class->set_property = hangar_rate_banner_set_property;

  properties[PROP_RATE_STATE] =
    g_param_spec_object ("rate-state", NULL, NULL, HANGAR_TYPE_RATE_STATE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * HangarRateBanner:revealed:
   *
   * Whether the banner is shown (the base is paused).
   */
  properties[PROP_REVEALED] =
    g_param_spec_boolean ("revealed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tablehangar/Hangar/hangar-rate-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarRateBanner, revealer);
  gtk_widget_class_bind_template_child (widget_class, HangarRateBanner, label);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "ratebanner");
}

static void
hangar_rate_banner_init (HangarRateBanner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
hangar_rate_banner_new (void)
{
  return g_object_new (HANGAR_TYPE_RATE_BANNER, NULL);
}

HangarRateState *
hangar_rate_banner_get_rate_state (HangarRateBanner *self)
{
  g_return_val_if_fail (HANGAR_IS_RATE_BANNER (self), NULL);

  return self->rate_state;
}

/**
 * hangar_rate_banner_set_rate_state:
 * @self: a #HangarRateBanner
 * @state: (nullable): the base's rate-limit state to follow
 *
 * Follows @state: the banner shows while it is paused.
 */
void
hangar_rate_banner_set_rate_state (HangarRateBanner *self,
                                   HangarRateState  *state)
{
  g_return_if_fail (HANGAR_IS_RATE_BANNER (self));
  g_return_if_fail (state == NULL || HANGAR_IS_RATE_STATE (state));

  if (self->rate_state == state)
    return;
  if (self->rate_state != NULL)
    g_clear_signal_handler (&self->rate_handler, self->rate_state);
  g_set_object (&self->rate_state, state);
  if (state != NULL)
    self->rate_handler = g_signal_connect (state, "notify::paused-until",
                                           G_CALLBACK (rate_state_notify_cb), self);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE_STATE]);
}

gboolean
hangar_rate_banner_get_revealed (HangarRateBanner *self)
{
  g_return_val_if_fail (HANGAR_IS_RATE_BANNER (self), FALSE);

  return gtk_revealer_get_reveal_child (self->revealer);
}

const char *
hangar_rate_banner_get_text (HangarRateBanner *self)
{
  g_return_val_if_fail (HANGAR_IS_RATE_BANNER (self), NULL);

  if (!gtk_revealer_get_reveal_child (self->revealer))
    return NULL;
  return gtk_label_get_text (self->label);
}
