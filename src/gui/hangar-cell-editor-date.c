/* hangar-cell-editor-date.c — dates and date-times: typed in the field's
 * format (in the locale), or picked on a calendar; a date-time is read in
 * the field's time zone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "hangar-cell-editor-private.h"

static gboolean
with_time (HangarCellEditor *self)
{
  return hangar_field_get_field_type (self->field) == HANGAR_FIELD_TYPE_DATE_TIME;
}

/* The entry's text with its date part replaced by @date (a time typed
 * already is kept). */
static void
set_date_part (HangarCellEditor *self,
               GDateTime        *date)
{
  g_autofree char *day = hangar_cell_value_format_day (self->field, g_date_time_get_year (date),
                                                       g_date_time_get_month (date),
                                                       g_date_time_get_day_of_month (date));
  g_autofree char *text = NULL;

  if (with_time (self))
    {
      const char *old = gtk_editable_get_text (GTK_EDITABLE (self->entry));
      const char *colon = strchr (old, ':');

      /* The time starts at the word holding the first ":". */
      while (colon != NULL && colon > old && colon[-1] != ' ')
        colon--;
      text = g_strconcat (day, " ", colon != NULL ? colon : "00:00", NULL);
    }
  else
    text = g_steal_pointer (&day);
  gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
  gtk_editable_set_position (GTK_EDITABLE (self->entry), -1);
}

static void
day_selected_cb (GtkCalendar      *calendar,
                 HangarCellEditor *self)
{
  g_autoptr(GDateTime) date = gtk_calendar_get_date (calendar);

  set_date_part (self, date);
  _hangar_cell_editor_set_error (self, NULL);
}

static void
today_clicked_cb (GtkButton        *button,
                  HangarCellEditor *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (with_time (self))
    {
      g_autoptr(GTimeZone) tz = hangar_cell_value_time_zone (self->field);
      g_autoptr(GDateTime) there = g_date_time_to_timezone (now, tz);
      g_autoptr(GDateTime) utc = g_date_time_to_utc (there);
      g_autofree char *iso = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S.000Z");
      g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), iso);
      g_autofree char *text = hangar_cell_value_to_edit_text (self->field, node);

      gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
    }
  else
    set_date_part (self, now);
  gtk_calendar_select_day (GTK_CALENDAR (self->calendar), now);
  /* Enter next commits it. */
  gtk_widget_grab_focus (self->entry);
}

static void
clear_clicked_cb (GtkButton        *button,
                  HangarCellEditor *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->entry), "");
  gtk_widget_grab_focus (self->entry);
}

static void
entry_changed_cb (HangarCellEditor *self)
{
  _hangar_cell_editor_set_error (self, NULL);
}

void
_hangar_cell_editor_build_date (HangarCellEditor *self)
{
  g_autofree char *text = hangar_cell_value_to_edit_text (self->field, self->initial);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *today = gtk_button_new_with_mnemonic (_("_Today"));
  GtkWidget *clear = gtk_button_new_with_mnemonic (_("_Clear"));
  g_autofree char *hint = NULL;
  g_autoptr(JsonNode) example_node = NULL;
  g_autofree char *example = NULL;

  self->entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  hangar_field_get_name (self->field), -1);
  g_signal_connect_swapped (self->entry, "changed", G_CALLBACK (entry_changed_cb), self);
  gtk_box_append (GTK_BOX (self->box), self->entry);

  /* What to type, from the field's own format. */
  example_node = json_node_init_string (json_node_alloc (), with_time (self) ? "2024-03-05T14:30:00.000Z" : "2024-03-05");
  example = hangar_cell_value_to_edit_text (self->field, example_node);
  if (with_time (self))
    {
      const char *zone = hangar_cell_value_option_string (self->field, "timeZone");

      hint = g_strdup_printf (_("For example %s · times in %s"), example,
                              zone == NULL || g_str_equal (zone, "client") ? _("this computer's time zone")
                              : g_str_equal (zone, "utc") ? "UTC" : zone);
    }
  else
    hint = g_strdup_printf (_("For example %s"), example);
  gtk_box_append (GTK_BOX (self->box), _hangar_cell_editor_heading (self, hint));

  self->calendar = gtk_calendar_new ();
  if (self->initial != NULL && JSON_NODE_HOLDS_VALUE (self->initial) &&
      json_node_get_value_type (self->initial) == G_TYPE_STRING)
    {
      const char *value = json_node_get_string (self->initial);
      g_autoptr(GDateTime) date = NULL;

      if (with_time (self))
        {
          g_autoptr(GDateTime) utc = g_date_time_new_from_iso8601 (value, NULL);
          g_autoptr(GTimeZone) tz = hangar_cell_value_time_zone (self->field);

          if (utc != NULL)
            date = g_date_time_to_timezone (utc, tz);
        }
      else
        {
          int y, m, d;

          if (sscanf (value, "%4d-%2d-%2d", &y, &m, &d) == 3)
            date = g_date_time_new_local (y, m, d, 12, 0, 0);
        }
      if (date != NULL)
        gtk_calendar_select_day (GTK_CALENDAR (self->calendar), date);
    }
  g_signal_connect (self->calendar, "day-selected", G_CALLBACK (day_selected_cb), self);
  gtk_box_append (GTK_BOX (self->box), self->calendar);

  g_signal_connect (today, "clicked", G_CALLBACK (today_clicked_cb), self);
  g_signal_connect (clear, "clicked", G_CALLBACK (clear_clicked_cb), self);
  gtk_box_append (GTK_BOX (buttons), today);
  gtk_box_append (GTK_BOX (buttons), clear);
  gtk_box_append (GTK_BOX (self->box), buttons);
  self->focus = self->entry;
}

JsonNode *
_hangar_cell_editor_date_value (HangarCellEditor  *self,
                                GError           **error)
{
  return hangar_cell_value_from_text (self->field, gtk_editable_get_text (GTK_EDITABLE (self->entry)),
                                      FALSE, NULL, error);
}
