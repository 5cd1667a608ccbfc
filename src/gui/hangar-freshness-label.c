/* hangar-freshness-label.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-freshness-label.h"

/**
 * HangarFreshnessLabel:
 *
 * One line in the grid's status bar that says how fresh the records shown
 * are, from the account's #HangarSync: "Live · updated just now" while a
 * webhook is followed, "Updated 5 minutes ago", "Saving for offline use…"
 * while the table is fetched into the cache, "Offline — showing data from
 * 14:02" when Airtable cannot be reached. When live sync is off for the
 * base the reason follows (the tooltip has all of it). It reads the time
 * again every 20 s while it is shown.
 */

struct _HangarFreshnessLabel
{
  GtkWidget   parent_instance;

  GtkImage   *icon;
  GtkLabel   *label;

  HangarSync *sync;
  char       *base_id;
  char       *table_id;
  gulong      handlers[4];
  guint       tick_id;
};

G_DEFINE_FINAL_TYPE (HangarFreshnessLabel, hangar_freshness_label, GTK_TYPE_WIDGET)

/* "14:02" today, "3 Mar 14:02" before. */
static char *
format_when (gint64 us)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (g_date_time_get_year (when) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (when) == g_date_time_get_day_of_year (now))
    return g_date_time_format (when, "%H:%M");
  /* TRANSLATORS: a date with a time, as in "Offline — showing data from 3 Mar 14:02" */
  return g_date_time_format (when, _("%e %b %H:%M"));
}

static char *
describe_age (gint64 synced_us)
{
  gint64 age_s = (g_get_real_time () - synced_us) / G_USEC_PER_SEC;
  g_autofree char *when = NULL;

  if (age_s < 60)
    return g_strdup (_("updated just now"));
  if (age_s < 60 * 60)
    {
      guint minutes = (guint) (age_s / 60);

      return g_strdup_printf (g_dngettext (NULL, "updated %u minute ago", "updated %u minutes ago", minutes),
                              minutes);
    }
  when = format_when (synced_us);
  /* TRANSLATORS: %s is a time ("14:02") or a date and time */
  return g_strdup_printf (_("updated %s"), when);
}

static char *
capitalize (char *text)
{
  if (text != NULL && g_ascii_islower (text[0]))
    text[0] = g_ascii_toupper (text[0]);
  return text;
}

void
hangar_freshness_label_update (HangarFreshnessLabel *self)
{
  g_autofree char *text = NULL;
  const char *icon = "emblem-synchronizing-symbolic";
  const char *note = NULL;
  const GError *error;
  gint64 synced;
  guint fetched = 0;

  g_return_if_fail (HANGAR_IS_FRESHNESS_LABEL (self));

  if (self->sync == NULL || self->table_id == NULL)
    {
      gtk_label_set_text (self->label, "");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->label), NULL);
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      return;
    }

  synced = hangar_sync_get_synced_us (self->sync, self->base_id, self->table_id);
  error = hangar_sync_get_error (self->sync, self->base_id, self->table_id);
  note = hangar_sync_get_note (self->sync, self->base_id);

  if (hangar_sync_get_offline (self->sync))
    {
      g_autofree char *when = synced > 0 ? format_when (synced) : NULL;

      icon = "network-offline-symbolic";
      text = when != NULL ? g_strdup_printf (_("Offline — showing data from %s"), when)
                          : g_strdup (_("Offline — this table was not saved for offline use"));
      note = NULL;
    }
  else if (hangar_sync_get_filling (self->sync, self->base_id, self->table_id, &fetched))
    text = g_strdup (_("Saving for offline use…"));
  else if (error != NULL)
    {
      g_autofree char *when = synced > 0 ? format_when (synced) : NULL;

      icon = "dialog-warning-symbolic";
      text = when != NULL ? g_strdup_printf (_("Could not update (%s) — showing data from %s"), error->message, when)
                          : g_strdup_printf (_("Could not update: %s"), error->message);
    }
  else if (synced > 0)
    {
      g_autofree char *age = describe_age (synced);

      text = hangar_sync_get_mode (self->sync, self->base_id) == HANGAR_SYNC_MODE_LIVE
               /* TRANSLATORS: %s is "updated just now", "updated 5 minutes ago", … */
               ? g_strdup_printf (_("Live · %s"), age)
               : capitalize (g_steal_pointer (&age));
    }
  else
    text = g_strdup ("");

  if (note != NULL && *text != '\0')
    {
      char *with_note = g_strdup_printf ("%s · %s", text, note);

      g_free (text);
      text = with_note;
    }
  gtk_image_set_from_icon_name (self->icon, icon);
  gtk_label_set_text (self->label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->label), *text != '\0' ? text : NULL);
  gtk_widget_set_visible (GTK_WIDGET (self), *text != '\0');
}

static gboolean
tick_cb (gpointer user_data)
{
  hangar_freshness_label_update (HANGAR_FRESHNESS_LABEL (user_data));
  return G_SOURCE_CONTINUE;
}

static void
table_changed_cb (HangarSync           *sync,
                  const char           *base_id,
                  const char           *table_id,
                  HangarFreshnessLabel *self)
{
  if (g_strcmp0 (base_id, self->base_id) == 0 && g_strcmp0 (table_id, self->table_id) == 0)
    hangar_freshness_label_update (self);
}

static void
base_changed_cb (HangarSync           *sync,
                 const char           *base_id,
                 HangarFreshnessLabel *self)
{
  if (g_strcmp0 (base_id, self->base_id) == 0)
    hangar_freshness_label_update (self);
}

static void
offline_cb (HangarSync           *sync,
            GParamSpec           *pspec,
            HangarFreshnessLabel *self)
{
  hangar_freshness_label_update (self);
}

static void
disconnect_source (HangarFreshnessLabel *self)
{
  if (self->sync != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (self->handlers); i++)
      g_clear_signal_handler (&self->handlers[i], self->sync);
  g_clear_object (&self->sync);
  g_clear_pointer (&self->base_id, g_free);
  g_clear_pointer (&self->table_id, g_free);
}

static void
hangar_freshness_label_map (GtkWidget *widget)
{
  HangarFreshnessLabel *self = HANGAR_FRESHNESS_LABEL (widget);

  GTK_WIDGET_CLASS (hangar_freshness_label_parent_class)->map (widget);
  /* "updated 3 minutes ago" moves on by itself. */
  if (self->tick_id == 0)
    self->tick_id = g_timeout_add_seconds (20, tick_cb, self);
}

static void
hangar_freshness_label_unmap (GtkWidget *widget)
{
  HangarFreshnessLabel *self = HANGAR_FRESHNESS_LABEL (widget);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  GTK_WIDGET_CLASS (hangar_freshness_label_parent_class)->unmap (widget);
}

static void
hangar_freshness_label_dispose (GObject *object)
{
  HangarFreshnessLabel *self = HANGAR_FRESHNESS_LABEL (object);
  GtkWidget *child;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  disconnect_source (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_FRESHNESS_LABEL);
  /* The box holding them has no id: the template leaves it. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (hangar_freshness_label_parent_class)->dispose (object);
}

static void
hangar_freshness_label_class_init (HangarFreshnessLabelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_freshness_label_dispose;
  widget_class->map = hangar_freshness_label_map;
  widget_class->unmap = hangar_freshness_label_unmap;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tablehangar/Hangar/hangar-freshness-label.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarFreshnessLabel, icon);
  gtk_widget_class_bind_template_child (widget_class, HangarFreshnessLabel, label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "freshness");
}

static void
hangar_freshness_label_init (HangarFreshnessLabel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
hangar_freshness_label_new (void)
{
  return g_object_new (HANGAR_TYPE_FRESHNESS_LABEL, NULL);
}

/**
 * hangar_freshness_label_set_source:
 * @self: a #HangarFreshnessLabel
 * @sync: (nullable): the account's sync
 * @base_id: (nullable): the base
 * @table_id: (nullable): the table
 */
void
hangar_freshness_label_set_source (HangarFreshnessLabel *self,
                                   HangarSync           *sync,
                                   const char           *base_id,
                                   const char           *table_id)
{
  g_return_if_fail (HANGAR_IS_FRESHNESS_LABEL (self));
  g_return_if_fail (sync == NULL || HANGAR_IS_SYNC (sync));

  disconnect_source (self);
  if (sync != NULL && base_id != NULL && table_id != NULL)
    {
      self->sync = g_object_ref (sync);
      self->base_id = g_strdup (base_id);
      self->table_id = g_strdup (table_id);
      self->handlers[0] = g_signal_connect (sync, "table-changed", G_CALLBACK (table_changed_cb), self);
      self->handlers[1] = g_signal_connect (sync, "base-changed", G_CALLBACK (base_changed_cb), self);
      self->handlers[2] = g_signal_connect (sync, "notify::offline", G_CALLBACK (offline_cb), self);
    }
  hangar_freshness_label_update (self);
}

const char *
hangar_freshness_label_get_text (HangarFreshnessLabel *self)
{
  g_return_val_if_fail (HANGAR_IS_FRESHNESS_LABEL (self), NULL);

  return gtk_label_get_text (self->label);
}
