/* hangar-changes-button.c — the "changes" indicator and its list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-account.h"
#include "hangar-changes-button.h"
#include "hangar-json.h"

/**
 * HangarChangesButton:
 *
 * Every account's edit journal, seen from the header bar: a badge with
 * how many changes are not on Airtable yet (red when some failed, are
 * uncertain or in conflict), and a popover listing them with what is
 * happening ("Sending 12 changes…", or why sending is paused and for how
 * long, live) and, per change, what can be done: retry, look up (an
 * uncertain new record), keep mine or take theirs (a conflict), edit the
 * values, discard.
 *
 * It opens the journals of all accounts when it is given the account
 * store, so that what a previous run left is sent at once, and after a
 * crash the uncertain creates are shown for the user to decide.
 */

#define SUMMARY_CHARS 140

struct _HangarChangesButton
{
  GtkWidget            parent_instance;

  GtkMenuButton       *button;
  GtkPopover          *popover;
  GtkLabel            *badge;
  GtkLabel            *status_label;
  GtkWidget           *resume_button;
  GtkListView         *list_view;
  GtkLabel            *written_label;

  GPtrArray           *journals;     /* HangarJournal */
  GListStore          *models;       /* each journal's change list */
  GtkCustomFilter     *filter;
  GtkFilterListModel  *filtered;
  HangarAccountStore  *store;
  guint                update_id;
  guint                sync_id;
  guint                tick_id;
  char                *badge_text;
  char                *status_text;
  gboolean             announced;
};

enum {
  ATTENTION,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (HangarChangesButton, hangar_changes_button, GTK_TYPE_WIDGET)

static void queue_update (HangarChangesButton *self);

/* ---- counts and the status line ---- */

guint
hangar_changes_button_count_unsent (HangarChangesButton *self)
{
  guint n = 0;

  g_return_val_if_fail (HANGAR_IS_CHANGES_BUTTON (self), 0);

  for (guint i = 0; i < self->journals->len; i++)
    n += hangar_journal_count_unsent (g_ptr_array_index (self->journals, i));
  return n;
}

guint
hangar_changes_button_count_attention (HangarChangesButton *self)
{
  guint n = 0;

  g_return_val_if_fail (HANGAR_IS_CHANGES_BUTTON (self), 0);

  for (guint i = 0; i < self->journals->len; i++)
    {
      HangarJournal *journal = g_ptr_array_index (self->journals, i);

      n += hangar_journal_count (journal, HANGAR_CHANGE_FAILED) +
           hangar_journal_count (journal, HANGAR_CHANGE_UNCERTAIN) +
           hangar_journal_count_conflicts (journal);
    }
  return n;
}

/* The journal paused longest, and how many seconds are left. */
static HangarJournal *
paused_journal (HangarChangesButton *self,
                gint64              *out_seconds)
{
  HangarJournal *paused = NULL;
  gint64 until = 0;

  for (guint i = 0; i < self->journals->len; i++)
    {
      HangarJournal *journal = g_ptr_array_index (self->journals, i);

      if (hangar_journal_get_pause (journal) != HANGAR_JOURNAL_PAUSE_NONE &&
          hangar_journal_count_unsent (journal) > 0 &&
          hangar_journal_get_paused_until (journal) >= until)
        {
          paused = journal;
          until = hangar_journal_get_paused_until (journal);
        }
    }
  if (out_seconds != NULL)
    *out_seconds = until > 0 ? MAX (0, (until - g_get_real_time () + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC) : 0;
  return paused;
}

static gboolean
tick_cb (gpointer user_data)
{
  HangarChangesButton *self = user_data;

  queue_update (self);
  return G_SOURCE_CONTINUE;
}

static void
update (HangarChangesButton *self)
{
  guint unsent = hangar_changes_button_count_unsent (self);
  guint attention = hangar_changes_button_count_attention (self);
  guint written = 0;
  gint64 seconds = 0;
  HangarJournal *paused = paused_journal (self, &seconds);
  g_autofree char *status = NULL;
  g_autofree char *accessible = NULL;

  for (guint i = 0; i < self->journals->len; i++)
    {
      GListModel *changes = hangar_journal_get_changes (g_ptr_array_index (self->journals, i));

      for (guint j = 0; j < g_list_model_get_n_items (changes); j++)
        {
          g_autoptr(HangarJournalChange) change = g_list_model_get_item (changes, j);

          if (hangar_journal_change_get_state (change) == HANGAR_CHANGE_WRITTEN &&
              hangar_journal_change_is_settled (change))
            written++;
        }
    }

  if (paused != NULL)
    {
      switch (hangar_journal_get_pause (paused))
        {
        case HANGAR_JOURNAL_PAUSE_RATE_LIMITED:
          status = g_strdup_printf (g_dngettext (NULL, "Airtable asked us to slow down — sending again in %d second",
                                                 "Airtable asked us to slow down — sending again in %d seconds",
                                                 (int) seconds), (int) seconds);
          break;
        case HANGAR_JOURNAL_PAUSE_OFFLINE:
          status = g_strdup_printf (g_dngettext (NULL, "Airtable cannot be reached — trying again in %d second",
                                                 "Airtable cannot be reached — trying again in %d seconds",
                                                 (int) seconds), (int) seconds);
          break;
        case HANGAR_JOURNAL_PAUSE_SERVER_ERROR:
          status = g_strdup_printf (g_dngettext (NULL, "Airtable is having trouble — trying again in %d second",
                                                 "Airtable is having trouble — trying again in %d seconds",
                                                 (int) seconds), (int) seconds);
          break;
        case HANGAR_JOURNAL_PAUSE_SIGN_IN:
        default:
          status = g_strdup (_("The account must sign in again before its changes can be sent"));
          break;
        }
    }
  else if (unsent > 0)
    status = g_strdup_printf (g_dngettext (NULL, "Sending %u change…", "Sending %u changes…", unsent), unsent);
  else if (attention > 0)
    status = g_strdup_printf (g_dngettext (NULL, "%u change needs you", "%u changes need you", attention), attention);
  else
    status = g_strdup (_("Every change is on Airtable"));

  g_free (self->status_text);
  self->status_text = g_steal_pointer (&status);
  gtk_label_set_text (self->status_label, self->status_text);
  gtk_widget_set_visible (self->resume_button, paused != NULL);

  g_free (self->badge_text);
  self->badge_text = unsent + attention > 0 ? g_strdup_printf ("%u", unsent + attention) : NULL;
  gtk_label_set_text (self->badge, self->badge_text != NULL ? self->badge_text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->badge), self->badge_text != NULL);
  if (attention > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->badge), "failed");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->badge), "failed");
  accessible = g_strdup_printf (_("Changes: %u not on Airtable yet, %u need you"), unsent, attention);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), self->status_text);

  if (written > 0)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (NULL, "%u change sent since Hangar started",
                                                            "%u changes sent since Hangar started", written), written);

      gtk_label_set_text (self->written_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->written_label), written > 0);

  /* A live countdown while paused. */
  if (paused != NULL && self->tick_id == 0)
    self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
  else if (paused == NULL)
    g_clear_handle_id (&self->tick_id, g_source_remove);
}

static gboolean
update_idle_cb (gpointer user_data)
{
  HangarChangesButton *self = user_data;

  self->update_id = 0;
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update (self);
  return G_SOURCE_REMOVE;
}

/* Many changes move at once (a paste): once per main loop turn. */
static void
queue_update (HangarChangesButton *self)
{
  if (self->update_id == 0)
    self->update_id = g_idle_add_full (G_PRIORITY_DEFAULT, update_idle_cb, self, NULL);
}

static void
resume_clicked_cb (HangarChangesButton *self)
{
  for (guint i = 0; i < self->journals->len; i++)
    hangar_journal_resume (g_ptr_array_index (self->journals, i));
}

/* ---- rows ---- */

typedef struct
{
  GtkWidget *title;
  GtkWidget *detail;
  GtkWidget *state;
  GtkWidget *retry;
  GtkWidget *lookup;
  GtkWidget *mine;
  GtkWidget *theirs;
  GtkWidget *edit;
  GtkWidget *discard;
} Row;

static char *
value_text (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup (_("(empty)"));
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup_printf ("“%s”", json_node_get_string (node));
  return hangar_json_to_string (node, -1);
}

static char *
fields_summary (HangarJournalChange *change)
{
  JsonObject *fields = hangar_journal_change_get_fields (change);
  GString *out = g_string_new (NULL);
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  switch (hangar_journal_change_get_kind (change))
    {
    case HANGAR_CHANGE_DELETE:
      g_string_append (out, hangar_journal_change_get_record_id (change));
      break;
    case HANGAR_CHANGE_UPLOAD:
      g_string_append_printf (out, _("%s into %s"),
                              json_object_get_string_member_with_default (fields, "filename", "?"),
                              json_object_get_string_member_with_default (fields, "field", "?"));
      break;
    default:
      json_object_iter_init_ordered (&iter, fields);
      while (json_object_iter_next_ordered (&iter, &name, &value))
        {
          g_autofree char *text = value_text (value);

          if (out->len > 0)
            g_string_append (out, ", ");
          g_string_append_printf (out, "%s: %s", name, text);
        }
      break;
    }
  if (g_utf8_strlen (out->str, -1) > SUMMARY_CHARS)
    {
      g_autofree char *cut = g_utf8_substring (out->str, 0, SUMMARY_CHARS);

      g_string_assign (out, cut);
      g_string_append (out, "…");
    }
  return g_string_free (out, FALSE);
}

static const char *
kind_text (HangarJournalChange *change)
{
  switch (hangar_journal_change_get_kind (change))
    {
    case HANGAR_CHANGE_CREATE:
      return _("New record");
    case HANGAR_CHANGE_DELETE:
      return _("Delete");
    case HANGAR_CHANGE_REPLACE:
      return _("Replace");
    case HANGAR_CHANGE_UPLOAD:
      return _("Upload");
    case HANGAR_CHANGE_UPDATE:
    default:
      return _("Change");
    }
}

/* A change handed to the client waits there while its journal is paused
 * (the header bar's status says until when). */
static const char *
sending_text (HangarJournalChange *change)
{
  HangarJournal *journal = hangar_journal_change_get_journal (change);

  switch (journal != NULL ? hangar_journal_get_pause (journal) : HANGAR_JOURNAL_PAUSE_NONE)
    {
    case HANGAR_JOURNAL_PAUSE_RATE_LIMITED:
      return _("Waiting: Airtable asked us to slow down");
    case HANGAR_JOURNAL_PAUSE_OFFLINE:
      return _("Waiting: Airtable cannot be reached");
    case HANGAR_JOURNAL_PAUSE_SERVER_ERROR:
      return _("Waiting: Airtable is having trouble");
    case HANGAR_JOURNAL_PAUSE_SIGN_IN:
      return _("Waiting for the account to sign in again");
    case HANGAR_JOURNAL_PAUSE_NONE:
    default:
      return _("Sending…");
    }
}

static void
bind_row (GtkListItem *item)
{
  Row *row = g_object_get_data (G_OBJECT (item), "hangar-row");
  HangarJournalChange *change = gtk_list_item_get_item (item);
  HangarChangeState state;
  gboolean conflict;
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *state_text = NULL;
  const char *message;
  const char *css[] = { "pending", "sending", "written", "failed", "uncertain" };

  if (row == NULL || change == NULL)
    return;
  state = hangar_journal_change_get_state (change);
  conflict = hangar_journal_change_get_conflict (change) != NULL;
  message = hangar_journal_change_get_message (change);

  /* The edit as the user named it ("Edit Status", "Paste 40 cells"), and
   * what this change of it does when that is not a plain change. */
  if (hangar_journal_change_get_label (change)[0] == '\0')
    title = g_strdup (kind_text (change));
  else if (hangar_journal_change_get_kind (change) == HANGAR_CHANGE_UPDATE)
    title = g_strdup (hangar_journal_change_get_label (change));
  else
    title = g_strdup_printf ("%s · %s", hangar_journal_change_get_label (change), kind_text (change));
  detail = fields_summary (change);
  if (conflict)
    {
      g_autoptr(JsonNode) theirs = json_node_init_object (json_node_alloc (), hangar_journal_change_get_conflict (change));
      g_autofree char *text = hangar_json_to_string (theirs, -1);

      state_text = g_strdup_printf (_("Changed on Airtable meanwhile — Airtable now has %s"), text);
    }
  else
    switch (state)
      {
      case HANGAR_CHANGE_PENDING:
        state_text = g_strdup (hangar_journal_change_get_persisted (change) ? _("Waiting to be sent")
                                                                             : _("Being saved on this computer"));
        break;
      case HANGAR_CHANGE_SENDING:
        state_text = g_strdup (sending_text (change));
        break;
      case HANGAR_CHANGE_WRITTEN:
        state_text = g_strdup (_("On Airtable"));
        break;
      case HANGAR_CHANGE_FAILED:
        state_text = g_strdup_printf (_("Not saved: %s"), message != NULL ? message : _("Airtable refused it"));
        break;
      case HANGAR_CHANGE_UNCERTAIN:
      default:
        state_text = g_strdup (message != NULL ? message : _("May or may not have been saved"));
        break;
      }

  /* Plain text: values and messages come from people and from Airtable. */
  gtk_label_set_text (GTK_LABEL (row->title), title);
  gtk_label_set_text (GTK_LABEL (row->detail), detail);
  gtk_label_set_text (GTK_LABEL (row->state), state_text);
  for (guint i = 0; i < G_N_ELEMENTS (css); i++)
    gtk_widget_remove_css_class (row->state, css[i]);
  if (state < G_N_ELEMENTS (css))
    gtk_widget_add_css_class (row->state, css[state]);

  gtk_widget_set_visible (row->retry, !conflict && (state == HANGAR_CHANGE_FAILED ||
                                                    (state == HANGAR_CHANGE_UNCERTAIN &&
                                                     hangar_journal_change_get_not_found (change))));
  gtk_button_set_label (GTK_BUTTON (row->retry), state == HANGAR_CHANGE_UNCERTAIN ? _("_Create Again") : _("_Retry"));
  gtk_widget_set_visible (row->lookup, state == HANGAR_CHANGE_UNCERTAIN &&
                                       hangar_journal_change_get_kind (change) == HANGAR_CHANGE_CREATE);
  gtk_widget_set_visible (row->mine, conflict);
  gtk_widget_set_visible (row->theirs, conflict);
  gtk_widget_set_visible (row->edit, !conflict && (state == HANGAR_CHANGE_FAILED || state == HANGAR_CHANGE_PENDING) &&
                                     hangar_journal_change_get_kind (change) != HANGAR_CHANGE_DELETE &&
                                     hangar_journal_change_get_kind (change) != HANGAR_CHANGE_UPLOAD);
  gtk_widget_set_visible (row->discard, state != HANGAR_CHANGE_SENDING && !conflict &&
                                        !hangar_journal_change_is_settled (change));
}

static void
change_notify_cb (HangarJournalChange *change,
                  GParamSpec          *pspec,
                  GtkListItem         *item)
{
  bind_row (item);
}

static HangarJournalChange *
row_change (GtkWidget *button)
{
  GtkListItem *item = g_object_get_data (G_OBJECT (button), "hangar-list-item");

  return item != NULL ? gtk_list_item_get_item (item) : NULL;
}

static void
report (GtkWidget    *widget,
        const GError *error)
{
  HangarChangesButton *self = HANGAR_CHANGES_BUTTON (gtk_widget_get_ancestor (widget, HANGAR_TYPE_CHANGES_BUTTON));

  if (error == NULL)
    return;
  if (self == NULL)
    {
      /* (the row's popover is inside the button) */
      GtkWidget *popover = gtk_widget_get_ancestor (widget, GTK_TYPE_POPOVER);

      self = popover != NULL ? HANGAR_CHANGES_BUTTON (gtk_widget_get_ancestor (gtk_widget_get_parent (popover),
                                                                               HANGAR_TYPE_CHANGES_BUTTON)) : NULL;
    }
  if (self != NULL)
    gtk_label_set_text (self->status_label, error->message);
}

static void
retry_clicked_cb (GtkButton *button)
{
  HangarJournalChange *change = row_change (GTK_WIDGET (button));
  g_autoptr(GError) error = NULL;

  if (change != NULL)
    hangar_journal_retry (hangar_journal_change_get_journal (change), change, &error);
  report (GTK_WIDGET (button), error);
}

static void
discard_clicked_cb (GtkButton *button)
{
  HangarJournalChange *change = row_change (GTK_WIDGET (button));
  g_autoptr(GError) error = NULL;

  if (change != NULL)
    hangar_journal_discard (hangar_journal_change_get_journal (change), change, &error);
  report (GTK_WIDGET (button), error);
}

static void
resolve_clicked_cb (GtkButton *button)
{
  HangarJournalChange *change = row_change (GTK_WIDGET (button));
  gboolean mine = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "hangar-keep-mine"));
  g_autoptr(GError) error = NULL;

  if (change != NULL)
    hangar_journal_resolve_conflict (hangar_journal_change_get_journal (change), change, mine, &error);
  report (GTK_WIDGET (button), error);
}

static void
lookup_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GtkWidget) button = user_data;
  g_autoptr(GError) error = NULL;

  hangar_journal_lookup_finish (HANGAR_JOURNAL (source), result, NULL, &error);
  gtk_widget_set_sensitive (button, TRUE);
  report (button, error);
}

static void
lookup_clicked_cb (GtkButton *button)
{
  HangarJournalChange *change = row_change (GTK_WIDGET (button));

  if (change == NULL)
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  hangar_journal_lookup_async (hangar_journal_change_get_journal (change), change, NULL, lookup_cb,
                               g_object_ref (button));
}

/* Editing a change's values: one entry per field, as text; what reads as
 * JSON (a number, a list) is kept as such, anything else is text. */
typedef struct
{
  HangarJournalChange *change;
  GPtrArray           *entries;   /* GtkEditable, with "hangar-field" data */
} EditData;

static void
edit_data_free (EditData *data)
{
  g_object_unref (data->change);
  g_ptr_array_unref (data->entries);
  g_free (data);
}

static void
edit_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  EditData         *data)
{
  if (g_str_equal (response, "save"))
    {
      JsonObject *old = hangar_journal_change_get_fields (data->change);
      g_autoptr(JsonObject) fields = json_object_new ();
      g_autoptr(GError) error = NULL;

      for (guint i = 0; i < data->entries->len; i++)
        {
          GtkEditable *entry = g_ptr_array_index (data->entries, i);
          const char *name = g_object_get_data (G_OBJECT (entry), "hangar-field");
          const char *text = gtk_editable_get_text (entry);
          JsonNode *before = json_object_get_member (old, name);
          JsonNode *value = NULL;

          if (before != NULL && JSON_NODE_HOLDS_VALUE (before) && json_node_get_value_type (before) == G_TYPE_STRING)
            value = *text != '\0' ? json_node_init_string (json_node_alloc (), text) : json_node_new (JSON_NODE_NULL);
          else if (*text == '\0')
            value = json_node_new (JSON_NODE_NULL);
          else
            {
              value = hangar_json_parse (text, -1, 0, NULL, NULL);
              if (value == NULL)
                value = json_node_init_string (json_node_alloc (), text);
            }
          json_object_set_member (fields, name, value);
        }
      if (!hangar_journal_edit (data->change, fields, &error))
        g_warning ("%s", error->message);
    }
  edit_data_free (data);
}

static void
edit_clicked_cb (GtkButton *button)
{
  HangarJournalChange *change = row_change (GTK_WIDGET (button));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *dialog;
  EditData *data;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (change == NULL)
    return;
  data = g_new0 (EditData, 1);
  data->change = g_object_ref (change);
  data->entries = g_ptr_array_new ();
  json_object_iter_init_ordered (&iter, hangar_journal_change_get_fields (change));
  while (json_object_iter_next_ordered (&iter, &name, &value))
    {
      GtkWidget *row = adw_entry_row_new ();
      g_autofree char *text = JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING
                              ? g_strdup (json_node_get_string (value))
                              : JSON_NODE_HOLDS_NULL (value) ? g_strdup ("") : hangar_json_to_string (value, -1);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), FALSE);
      gtk_editable_set_text (GTK_EDITABLE (row), text);
      g_object_set_data_full (G_OBJECT (row), "hangar-field", g_strdup (name), g_free);
      g_ptr_array_add (data->entries, row);
      gtk_box_append (GTK_BOX (box), row);
    }
  gtk_widget_add_css_class (box, "boxed-list");
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (button))), _("Edit the Change"),
                                   hangar_journal_change_get_message (change));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "save", _("_Send Again"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (edit_response_cb), data);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
row_button (GtkWidget   *box,
            GtkListItem *item,
            const char  *label,
            GCallback    callback)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_add_css_class (button, "flat");
  g_object_set_data (G_OBJECT (button), "hangar-list-item", item);
  g_signal_connect (button, "clicked", callback, NULL);
  gtk_box_append (GTK_BOX (box), button);
  return button;
}

static GtkWidget *
row_label (GtkWidget *box,
           const char *css)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 50);
  if (css != NULL)
    gtk_widget_add_css_class (label, css);
  gtk_box_append (GTK_BOX (box), label);
  return label;
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  Row *row = g_new0 (Row, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);

  gtk_widget_add_css_class (box, "change-row");
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  row->title = row_label (box, "heading");
  row->detail = row_label (box, "caption");
  row->state = row_label (box, "change-state");
  row->retry = row_button (buttons, item, _("_Retry"), G_CALLBACK (retry_clicked_cb));
  row->lookup = row_button (buttons, item, _("_Look on Airtable"), G_CALLBACK (lookup_clicked_cb));
  row->mine = row_button (buttons, item, _("_Keep Mine"), G_CALLBACK (resolve_clicked_cb));
  g_object_set_data (G_OBJECT (row->mine), "hangar-keep-mine", GINT_TO_POINTER (TRUE));
  row->theirs = row_button (buttons, item, _("_Take Theirs"), G_CALLBACK (resolve_clicked_cb));
  row->edit = row_button (buttons, item, _("_Edit…"), G_CALLBACK (edit_clicked_cb));
  row->discard = row_button (buttons, item, _("_Discard"), G_CALLBACK (discard_clicked_cb));
  gtk_widget_add_css_class (row->discard, "destructive-action");
  gtk_box_append (GTK_BOX (box), buttons);
  g_object_set_data_full (G_OBJECT (item), "hangar-row", row, g_free);
  gtk_list_item_set_child (item, box);
  gtk_list_item_set_activatable (item, FALSE);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         gpointer                  user_data)
{
  HangarJournalChange *change = gtk_list_item_get_item (item);
  HangarJournal *journal = hangar_journal_change_get_journal (change);
  gulong id = g_signal_connect (change, "notify", G_CALLBACK (change_notify_cb), item);

  g_object_set_data (G_OBJECT (item), "hangar-notify", GSIZE_TO_POINTER (id));
  /* What a change being sent waits for follows its journal's pause. */
  if (journal != NULL)
    {
      id = g_signal_connect_swapped (journal, "notify::pause", G_CALLBACK (bind_row), item);
      g_object_set_data_full (G_OBJECT (item), "hangar-journal", g_object_ref (journal), g_object_unref);
      g_object_set_data (G_OBJECT (item), "hangar-pause-notify", GSIZE_TO_POINTER (id));
    }
  bind_row (item);
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  HangarJournalChange *change = gtk_list_item_get_item (item);
  gulong id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (item), "hangar-notify"));

  HangarJournal *journal = g_object_get_data (G_OBJECT (item), "hangar-journal");

  if (change != NULL && id != 0)
    g_signal_handler_disconnect (change, id);
  g_object_set_data (G_OBJECT (item), "hangar-notify", NULL);
  id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (item), "hangar-pause-notify"));
  if (journal != NULL && id != 0)
    g_signal_handler_disconnect (journal, id);
  g_object_set_data (G_OBJECT (item), "hangar-pause-notify", NULL);
  g_object_set_data (G_OBJECT (item), "hangar-journal", NULL);
}

static gboolean
unsettled_cb (gpointer item,
              gpointer user_data)
{
  return !hangar_journal_change_is_settled (item);
}

/* ---- journals ---- */

static void
journal_changed_cb (HangarJournal       *journal,
                    GParamSpec          *pspec,
                    HangarChangesButton *self)
{
  queue_update (self);
}

static void
journal_record_changed_cb (HangarJournal       *journal,
                           const char          *record_id,
                           HangarChangesButton *self)
{
  queue_update (self);
}

void
hangar_changes_button_add_journal (HangarChangesButton *self,
                                   HangarJournal       *journal)
{
  guint uncertain;

  g_return_if_fail (HANGAR_IS_CHANGES_BUTTON (self));
  g_return_if_fail (HANGAR_IS_JOURNAL (journal));

  for (guint i = 0; i < self->journals->len; i++)
    if (g_ptr_array_index (self->journals, i) == journal)
      return;
  g_ptr_array_add (self->journals, g_object_ref (journal));
  g_list_store_append (self->models, hangar_journal_get_changes (journal));
  g_signal_connect (journal, "notify", G_CALLBACK (journal_changed_cb), self);
  g_signal_connect (journal, "record-changed", G_CALLBACK (journal_record_changed_cb), self);
  queue_update (self);

  /* What a previous run could not finish: say so once. */
  uncertain = hangar_journal_count (journal, HANGAR_CHANGE_UNCERTAIN) + hangar_journal_count (journal, HANGAR_CHANGE_FAILED);
  if (uncertain > 0 && !self->announced)
    {
      self->announced = TRUE;
      g_signal_emit (self, signals[ATTENTION], 0, uncertain);
    }
}

static void
remove_journal_at (HangarChangesButton *self,
                   guint                index)
{
  HangarJournal *journal = g_ptr_array_index (self->journals, index);
  guint position = 0;

  g_signal_handlers_disconnect_by_data (journal, self);
  if (g_list_store_find (self->models, hangar_journal_get_changes (journal), &position))
    g_list_store_remove (self->models, position);
  g_ptr_array_remove_index (self->journals, index);
  queue_update (self);
}

static void sync_accounts (HangarChangesButton *self);

static gboolean
sync_idle_cb (gpointer user_data)
{
  HangarChangesButton *self = user_data;

  self->sync_id = 0;
  sync_accounts (self);
  return G_SOURCE_REMOVE;
}

/* An account signed in, or its client was replaced (a new address): its
 * journal follows. */
static void
account_notify_cb (HangarAccount       *account,
                   GParamSpec          *pspec,
                   HangarChangesButton *self)
{
  if (self->sync_id == 0)
    self->sync_id = g_idle_add_full (G_PRIORITY_DEFAULT, sync_idle_cb, self, NULL);
}

static void
sync_accounts (HangarChangesButton *self)
{
  guint n = self->store != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->store)) : 0;
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HangarAccount) account = g_list_model_get_item (G_LIST_MODEL (self->store), i);
      g_autoptr(HangarJournal) journal = NULL;
      g_autoptr(GError) error = NULL;

      g_hash_table_add (ids, (gpointer) hangar_account_get_id (account));
      if (g_object_get_data (G_OBJECT (account), "hangar-changes-watched") != self)
        {
          g_object_set_data (G_OBJECT (account), "hangar-changes-watched", self);
          g_signal_connect_object (account, "notify::status", G_CALLBACK (account_notify_cb), self, 0);
          g_signal_connect_object (account, "notify::client", G_CALLBACK (account_notify_cb), self, 0);
        }
      /* Not before it has signed in: its client is made with its address,
       * which a pending account may not have yet. */
      if (hangar_account_get_status (account) == HANGAR_ACCOUNT_STATUS_PENDING)
        continue;
      journal = hangar_journal_get_for_account (hangar_account_get_id (account), hangar_account_get_client (account),
                                                &error);
      if (journal == NULL)
        {
          g_warning ("The journal of %s cannot be opened: %s", hangar_account_get_label (account), error->message);
          continue;
        }
      g_object_set_data_full (G_OBJECT (journal), "hangar-changes-account-id",
                              g_strdup (hangar_account_get_id (account)), g_free);
      hangar_changes_button_add_journal (self, journal);
    }
  /* Accounts removed: their journals go (so their databases can be deleted). */
  for (guint i = self->journals->len; i > 0; i--)
    {
      const char *id = g_object_get_data (G_OBJECT (g_ptr_array_index (self->journals, i - 1)), "hangar-changes-account-id");

      if (id != NULL && !g_hash_table_contains (ids, id))
        remove_journal_at (self, i - 1);
    }
}

static void
store_items_changed_cb (GListModel          *store,
                        guint                position,
                        guint                removed,
                        guint                added,
                        HangarChangesButton *self)
{
  sync_accounts (self);
}

/* ---- closing ---- */

typedef struct
{
  HangarChangesButton *self;
  GtkWindow           *window;
  GtkWidget           *waiting;
  guint                pending;
  gulong               handler;
} CloseData;

static void
close_data_free (CloseData *data)
{
  g_clear_object (&data->self);
  g_clear_object (&data->window);
  g_free (data);
}

static void
close_now (CloseData *data)
{
  GtkWindow *window = g_object_ref (data->window);

  if (data->waiting != NULL)
    gtk_window_destroy (GTK_WINDOW (data->waiting));
  data->waiting = NULL;
  g_object_set_data (G_OBJECT (window), "hangar-changes-closing", GINT_TO_POINTER (TRUE));
  gtk_window_destroy (window);
  g_object_unref (window);
}

static void
idle_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  CloseData *data = user_data;

  hangar_journal_wait_idle_finish (HANGAR_JOURNAL (source), result, NULL);
  if (--data->pending > 0)
    return;
  if (data->waiting != NULL)
    close_now (data);
  close_data_free (data);
}

static void
waiting_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     CloseData        *data)
{
  /* "Close Now": what is left is sent next time. */
  data->waiting = NULL;
  close_now (data);
}

static void
close_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   CloseData        *data)
{
  if (g_str_equal (response, "keep"))
    {
      close_now (data);
      close_data_free (data);
      return;
    }
  if (!g_str_equal (response, "wait"))
    {
      close_data_free (data);
      return;
    }

  data->waiting = adw_message_dialog_new (data->window, _("Sending Changes…"),
                                          _("The window closes once Airtable has every change."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (data->waiting), "close", _("Close _Now"), NULL);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (data->waiting), "close");
  g_signal_connect (data->waiting, "response", G_CALLBACK (waiting_response_cb), data);
  gtk_window_present (GTK_WINDOW (data->waiting));
  data->pending = data->self->journals->len;
  for (guint i = 0; i < data->self->journals->len; i++)
    hangar_journal_wait_idle_async (g_ptr_array_index (data->self->journals, i), NULL, idle_cb, data);
}

gboolean
hangar_changes_button_confirm_close (HangarChangesButton *self,
                                     GtkWindow           *window)
{
  guint unsent;
  g_autofree char *heading = NULL;
  GtkWidget *dialog;
  CloseData *data;

  g_return_val_if_fail (HANGAR_IS_CHANGES_BUTTON (self), FALSE);

  unsent = hangar_changes_button_count_unsent (self);
  if (unsent == 0 || g_object_get_data (G_OBJECT (window), "hangar-changes-closing") != NULL)
    return FALSE;

  heading = g_strdup_printf (g_dngettext (NULL, "%u Change Is Not on Airtable Yet",
                                          "%u Changes Are Not on Airtable Yet", unsent), unsent);
  dialog = adw_message_dialog_new (window, heading,
                                   _("They are kept on this computer and sent the next time Hangar starts. "
                                     "Or wait here until Airtable has them."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "keep", _("_Keep for Later"),
                                    "wait", _("_Wait"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "wait", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "wait");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  data = g_new0 (CloseData, 1);
  data->self = g_object_ref (self);
  data->window = g_object_ref (window);
  g_signal_connect (dialog, "response", G_CALLBACK (close_response_cb), data);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

/* ---- GObject ---- */

static void
hangar_changes_button_dispose (GObject *object)
{
  HangarChangesButton *self = HANGAR_CHANGES_BUTTON (object);

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  while (self->journals != NULL && self->journals->len > 0)
    remove_journal_at (self, self->journals->len - 1);
  /* After the journals: removing one queues an update. */
  g_clear_handle_id (&self->update_id, g_source_remove);
  g_clear_handle_id (&self->sync_id, g_source_remove);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_CHANGES_BUTTON);

  G_OBJECT_CLASS (hangar_changes_button_parent_class)->dispose (object);
}

static void
hangar_changes_button_finalize (GObject *object)
{
  HangarChangesButton *self = HANGAR_CHANGES_BUTTON (object);

  g_clear_pointer (&self->journals, g_ptr_array_unref);
  g_clear_object (&self->models);
  g_clear_object (&self->filtered);
  g_free (self->badge_text);
  g_free (self->status_text);

  G_OBJECT_CLASS (hangar_changes_button_parent_class)->finalize (object);
}

static void
hangar_changes_button_class_init (HangarChangesButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_changes_button_dispose;
  object_class->finalize = hangar_changes_button_finalize;

  /**
   * HangarChangesButton::attention:
   * @self: the button
   * @n: changes a previous run left failed or uncertain
   *
   * Emitted once, when journals opened with changes that need the user.
   */
  signals[ATTENTION] =
    g_signal_new ("attention", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tablehangar/Hangar/hangar-changes-button.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarChangesButton, button);
  gtk_widget_class_bind_template_child (widget_class, HangarChangesButton, popover);
  gtk_widget_class_bind_template_child (widget_class, HangarChangesButton, badge);
  gtk_widget_class_bind_template_child (widget_class, HangarChangesButton, status_label);
  gtk_widget_class_bind_template_child (widget_class, HangarChangesButton, resume_button);
  gtk_widget_class_bind_template_child (widget_class, HangarChangesButton, list_view);
  gtk_widget_class_bind_template_child (widget_class, HangarChangesButton, written_label);
  gtk_widget_class_bind_template_callback (widget_class, resume_clicked_cb);
  gtk_widget_class_set_css_name (widget_class, "changesbutton");
}

static void
hangar_changes_button_init (HangarChangesButton *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  GtkFlattenListModel *flat;
  GtkNoSelection *selection;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->journals = g_ptr_array_new_with_free_func (g_object_unref);
  self->models = g_list_store_new (G_TYPE_LIST_MODEL);
  flat = gtk_flatten_list_model_new (G_LIST_MODEL (g_object_ref (self->models)));
  self->filter = gtk_custom_filter_new (unsettled_cb, NULL, NULL);
  self->filtered = gtk_filter_list_model_new (G_LIST_MODEL (flat), GTK_FILTER (self->filter));
  selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->filtered)));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);
  update (self);
}

GtkWidget *
hangar_changes_button_new (void)
{
  return g_object_new (HANGAR_TYPE_CHANGES_BUTTON, NULL);
}

void
hangar_changes_button_set_account_store (HangarChangesButton *self,
                                         HangarAccountStore  *store)
{
  g_return_if_fail (HANGAR_IS_CHANGES_BUTTON (self));

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);
  if (store != NULL)
    g_signal_connect (store, "items-changed", G_CALLBACK (store_items_changed_cb), self);
  sync_accounts (self);
}

const char *
hangar_changes_button_get_badge_text (HangarChangesButton *self)
{
  g_return_val_if_fail (HANGAR_IS_CHANGES_BUTTON (self), NULL);

  return self->badge_text;
}

const char *
hangar_changes_button_get_status_text (HangarChangesButton *self)
{
  g_return_val_if_fail (HANGAR_IS_CHANGES_BUTTON (self), NULL);

  return self->status_text;
}

GListModel *
hangar_changes_button_get_list (HangarChangesButton *self)
{
  g_return_val_if_fail (HANGAR_IS_CHANGES_BUTTON (self), NULL);

  return G_LIST_MODEL (self->filtered);
}

void
hangar_changes_button_popup (HangarChangesButton *self)
{
  g_return_if_fail (HANGAR_IS_CHANGES_BUTTON (self));

  gtk_menu_button_popup (self->button);
}
