/* hangar-drift-banner.c — "the table changed since you last saw it"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-drift-banner.h"

/* libadwaita 1.2 has no AdwBanner (1.3): a revealer with a label, like the
 * grid's rate-limit banner. Labels are plain text: field names are the
 * server's. */

struct _HangarDriftBanner
{
  GtkWidget    parent_instance;

  GtkRevealer *revealer;
  GtkLabel    *heading;
  GtkLabel    *lines;

  char        *text;
};

G_DEFINE_FINAL_TYPE (HangarDriftBanner, hangar_drift_banner, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_REVEALED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_revealed (HangarDriftBanner *self,
              gboolean           revealed)
{
  if (gtk_revealer_get_reveal_child (self->revealer) == revealed)
    return;
  gtk_revealer_set_reveal_child (self->revealer, revealed);
  gtk_widget_set_visible (GTK_WIDGET (self), revealed);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVEALED]);
}

static void
dismiss_clicked_cb (HangarDriftBanner *self)
{
  hangar_drift_banner_dismiss (self);
}

static void
hangar_drift_banner_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), HANGAR_TYPE_DRIFT_BANNER);
  G_OBJECT_CLASS (hangar_drift_banner_parent_class)->dispose (object);
}

static void
hangar_drift_banner_finalize (GObject *object)
{
  g_free (HANGAR_DRIFT_BANNER (object)->text);
  G_OBJECT_CLASS (hangar_drift_banner_parent_class)->finalize (object);
}

static void
hangar_drift_banner_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  HangarDriftBanner *self = HANGAR_DRIFT_BANNER (object);

  switch (prop_id)
    {
    case PROP_REVEALED:
      g_value_set_boolean (value, hangar_drift_banner_get_revealed (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_drift_banner_class_init (HangarDriftBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_drift_banner_dispose;
  object_class->finalize = hangar_drift_banner_finalize;
  object_class->get_property = hangar_drift_banner_get_property;

  properties[PROP_REVEALED] =
    g_param_spec_boolean ("revealed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/tablehangar/Hangar/hangar-drift-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarDriftBanner, revealer);
  gtk_widget_class_bind_template_child (widget_class, HangarDriftBanner, heading);
  gtk_widget_class_bind_template_child (widget_class, HangarDriftBanner, lines);
  gtk_widget_class_bind_template_callback (widget_class, dismiss_clicked_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "driftbanner");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_ALERT);
}

static void
hangar_drift_banner_init (HangarDriftBanner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
hangar_drift_banner_new (void)
{
  return g_object_new (HANGAR_TYPE_DRIFT_BANNER, NULL);
}

void
hangar_drift_banner_show (HangarDriftBanner  *self,
                          const char         *heading,
                          const char * const *lines)
{
  g_autofree char *joined = NULL;

  g_return_if_fail (HANGAR_IS_DRIFT_BANNER (self));

  if (heading == NULL || lines == NULL || lines[0] == NULL)
    {
      hangar_drift_banner_dismiss (self);
      return;
    }
  joined = g_strjoinv ("\n", (char **) lines);
  gtk_label_set_text (self->heading, heading);
  gtk_label_set_text (self->lines, joined);
  g_free (self->text);
  self->text = g_strdup_printf ("%s\n%s", heading, joined);
  set_revealed (self, TRUE);
}

void
hangar_drift_banner_dismiss (HangarDriftBanner *self)
{
  g_return_if_fail (HANGAR_IS_DRIFT_BANNER (self));

  g_clear_pointer (&self->text, g_free);
  set_revealed (self, FALSE);
}

gboolean
hangar_drift_banner_get_revealed (HangarDriftBanner *self)
{
  g_return_val_if_fail (HANGAR_IS_DRIFT_BANNER (self), FALSE);
  return gtk_revealer_get_reveal_child (self->revealer);
}

const char *
hangar_drift_banner_get_text (HangarDriftBanner *self)
{
  g_return_val_if_fail (HANGAR_IS_DRIFT_BANNER (self), NULL);
  return self->text;
}
