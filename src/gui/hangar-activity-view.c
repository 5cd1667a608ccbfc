/* hangar-activity-view.c — an account's request log, as a list with filters
 *
 * The newest request first. The log is read on the store's worker thread;
 * what this process writes afterwards arrives through the log's
 * "entries-written" signal and is put on top, and "Read the Log Again"
 * (or showing the view again) picks up what other programs wrote.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-activity-view.h"
#include "hangar-redact.h"
#include "hangar-request-log.h"

struct _HangarActivityView
{
  GtkWidget          parent_instance;

  GtkWidget         *content;
  GtkToggleButton   *errors_button;
  GtkDropDown       *base_dropdown;
  GtkLabel          *count_label;
  GtkSpinner        *spinner;
  GtkStack          *stack;
  GtkColumnView     *column_view;
  AdwStatusPage     *empty_page;

  HangarAccount     *account;
  HangarRequestLog  *log;
  gulong             written_id;
  GListStore        *entries;      /* HangarRequestLogEntry, newest first */
  GtkStringList     *bases;        /* "All Bases", then base ids */
  GCancellable      *cancellable;         /* the rows' query */
  GCancellable      *summary_cancellable; /* the bases for the filter */
  gboolean           loading;
  gboolean           updating_bases;
};

G_DEFINE_FINAL_TYPE (HangarActivityView, hangar_activity_view, GTK_TYPE_WIDGET)

typedef enum
{
  COLUMN_TIME,
  COLUMN_SOURCE,
  COLUMN_METHOD,
  COLUMN_STATUS,
  COLUMN_PATH,
  COLUMN_DURATION,
  COLUMN_WAIT,
  COLUMN_RETRIES,
  COLUMN_ERROR,
} Column;

static char *
format_time (gint64 time_ms)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (time_ms / 1000);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (when == NULL)
    return g_strdup ("?");
  if (g_date_time_get_year (when) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (when) == g_date_time_get_day_of_year (now))
    return g_date_time_format (when, "%X");
  return g_date_time_format (when, "%x %X");
}

static char *
format_duration (gint64 us)
{
  if (us < 1000)
    return g_strdup (us > 0 ? _("< 1 ms") : "0 ms");
  if (us < 10 * G_USEC_PER_SEC)
    return g_strdup_printf (_("%d ms"), (int) ((us + 500) / 1000));
  return g_strdup_printf (_("%.1f s"), us / (double) G_USEC_PER_SEC);
}

static char *
cell_text (HangarRequestLogEntry *entry,
           Column                 column)
{
  switch (column)
    {
    case COLUMN_TIME:
      return format_time (hangar_request_log_entry_get_time_ms (entry));
    case COLUMN_SOURCE:
      return g_strdup (hangar_request_log_entry_get_source (entry));
    case COLUMN_METHOD:
      return g_strdup (hangar_request_log_entry_get_method (entry));
    case COLUMN_STATUS:
      return hangar_request_log_entry_get_status (entry) > 0
        ? g_strdup_printf ("%u", hangar_request_log_entry_get_status (entry))
        : g_strdup ("—");
    case COLUMN_PATH:
      {
        /* Table names and parameter names as they read ("fields[]"); written
         * by this process or another, so shown as plain, inert text. */
        g_autofree char *decoded = g_uri_unescape_string (hangar_request_log_entry_get_path (entry), NULL);

        return hangar_redact_for_terminal (decoded != NULL ? decoded : hangar_request_log_entry_get_path (entry),
                                           FALSE);
      }
    case COLUMN_DURATION:
      return format_duration (hangar_request_log_entry_get_duration_us (entry));
    case COLUMN_WAIT:
      /* A free slot takes a few µs: only a real wait is worth a number. */
      return hangar_request_log_entry_get_wait_us (entry) >= 1000
        ? format_duration (hangar_request_log_entry_get_wait_us (entry)) : g_strdup ("");
    case COLUMN_RETRIES:
      return hangar_request_log_entry_get_retries (entry) > 0
        ? g_strdup_printf ("%u", hangar_request_log_entry_get_retries (entry)) : g_strdup ("");
    case COLUMN_ERROR:
      return hangar_redact_for_terminal (hangar_request_log_entry_get_error_type (entry) != NULL
                                         ? hangar_request_log_entry_get_error_type (entry) : "", FALSE);
    default:
      return g_strdup ("");
    }
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  GtkWidget *inscription = gtk_inscription_new (NULL);

  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (inscription),
                                     column == COLUMN_PATH ? GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_MIDDLE
                                                           : GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  if (column == COLUMN_STATUS || column == COLUMN_DURATION || column == COLUMN_WAIT || column == COLUMN_RETRIES)
    {
      gtk_inscription_set_xalign (GTK_INSCRIPTION (inscription), 1.0);
      gtk_widget_add_css_class (inscription, "numeric");
    }
  if (column == COLUMN_TIME)
    gtk_inscription_set_min_chars (GTK_INSCRIPTION (inscription), 8);
  if (column == COLUMN_ERROR)
    {
      gtk_inscription_set_min_chars (GTK_INSCRIPTION (inscription), 16);
      gtk_inscription_set_nat_chars (GTK_INSCRIPTION (inscription), 16);
    }
  if (column == COLUMN_PATH)
    {
      gtk_inscription_set_min_chars (GTK_INSCRIPTION (inscription), 36);
      gtk_inscription_set_nat_chars (GTK_INSCRIPTION (inscription), 60);
      gtk_widget_add_css_class (inscription, "monospace");
    }
  gtk_list_item_set_child (item, inscription);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  HangarRequestLogEntry *entry = gtk_list_item_get_item (item);
  GtkWidget *inscription = gtk_list_item_get_child (item);
  g_autofree char *text = cell_text (entry, column);

  gtk_inscription_set_text (GTK_INSCRIPTION (inscription), text);
  if (column == COLUMN_PATH || column == COLUMN_ERROR)
    gtk_widget_set_tooltip_text (inscription, text);
  if ((column == COLUMN_STATUS || column == COLUMN_ERROR) && hangar_request_log_entry_is_error (entry))
    gtk_widget_add_css_class (inscription, "error");
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  GtkWidget *inscription = gtk_list_item_get_child (item);

  gtk_widget_remove_css_class (inscription, "error");
  gtk_widget_set_tooltip_text (inscription, NULL);
}

static void
add_column (HangarActivityView *self,
            Column              column,
            const char         *title,
            gboolean            expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *view_column;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), GINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), GINT_TO_POINTER (column));
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), GINT_TO_POINTER (column));
  view_column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (view_column, expand);
  gtk_column_view_column_set_resizable (view_column, TRUE);
  gtk_column_view_append_column (self->column_view, view_column);
  g_object_unref (view_column);
}

static const char *
selected_base (HangarActivityView *self)
{
  guint selected = gtk_drop_down_get_selected (self->base_dropdown);

  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION)
    return NULL;
  return gtk_string_list_get_string (self->bases, selected);
}

static gboolean
matches_filter (HangarActivityView    *self,
                HangarRequestLogEntry *entry)
{
  const char *base = selected_base (self);

  if (gtk_toggle_button_get_active (self->errors_button) && !hangar_request_log_entry_is_error (entry))
    return FALSE;
  return base == NULL || g_strcmp0 (hangar_request_log_entry_get_base_id (entry), base) == 0;
}

static void
update_state (HangarActivityView *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->entries));
  g_autofree char *count = NULL;

  if (gtk_toggle_button_get_active (self->errors_button))
    count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u failed request", "%u failed requests", n), n);
  else
    count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u request", "%u requests", n), n);
  gtk_label_set_text (self->count_label, self->account != NULL ? count : "");

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), self->loading);
  gtk_spinner_set_spinning (self->spinner, self->loading);
  if (n == 0 && !self->loading)
    {
      gboolean filtered = gtk_toggle_button_get_active (self->errors_button) || selected_base (self) != NULL;

      adw_status_page_set_title (self->empty_page, filtered ? _("No Matching Requests") : _("No Requests Yet"));
      gtk_stack_set_visible_child_name (self->stack, "empty");
    }
  else
    gtk_stack_set_visible_child_name (self->stack, "list");
}

/* The bases the log has seen, for the filter; the selection is kept. */
static void
set_bases (HangarActivityView *self,
           char              **base_ids)
{
  g_autofree char *current = g_strdup (selected_base (self));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->bases));
  guint select = 0;

  self->updating_bases = TRUE;
  gtk_string_list_splice (self->bases, 1, n - 1, (const char * const *) base_ids);
  for (guint i = 0; base_ids != NULL && base_ids[i] != NULL; i++)
    if (g_strcmp0 (base_ids[i], current) == 0)
      select = i + 1;
  gtk_drop_down_set_selected (self->base_dropdown, select);
  self->updating_bases = FALSE;
}

static void
query_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  HangarActivityView *self;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  entries = hangar_request_log_query_finish (HANGAR_REQUEST_LOG (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = HANGAR_ACTIVITY_VIEW (user_data);
  self->loading = FALSE;
  if (entries == NULL)
    {
      g_autofree char *message = hangar_redact (error->message);

      g_list_store_remove_all (self->entries);
      adw_status_page_set_description (self->empty_page, message);
    }
  else
    g_list_store_splice (self->entries, 0, g_list_model_get_n_items (G_LIST_MODEL (self->entries)),
                         entries->pdata, entries->len);
  update_state (self);
}

static void
summary_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(HangarRequestLogSummary) summary = NULL;
  g_autoptr(GError) error = NULL;

  summary = hangar_request_log_summary_finish (HANGAR_REQUEST_LOG (object), result, &error);
  if (summary == NULL)
    return;
  set_bases (HANGAR_ACTIVITY_VIEW (user_data), summary->base_ids);
}

static void
start_query (HangarActivityView *self)
{
  HangarRequestLogFilter filter = { 0 };

  if (self->log == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  filter.errors_only = gtk_toggle_button_get_active (self->errors_button);
  filter.base_id = selected_base (self);
  self->loading = TRUE;
  update_state (self);
  hangar_request_log_query_async (self->log, &filter, self->cancellable, query_cb, self);
}

static void
entries_written_cb (HangarRequestLog   *log,
                    GPtrArray          *entries,
                    HangarActivityView *self)
{
  gboolean new_base = FALSE;

  /* Oldest first in the batch: each goes on top in turn. */
  for (guint i = 0; i < entries->len; i++)
    {
      HangarRequestLogEntry *entry = g_ptr_array_index (entries, i);
      const char *base = hangar_request_log_entry_get_base_id (entry);

      if (base != NULL)
        {
          gboolean known = FALSE;

          for (guint j = 1; j < g_list_model_get_n_items (G_LIST_MODEL (self->bases)) && !known; j++)
            known = g_str_equal (gtk_string_list_get_string (self->bases, j), base);
          new_base |= !known;
        }
      if (!self->loading && matches_filter (self, entry))
        g_list_store_insert (self->entries, 0, entry);
    }
  /* Never more than the log keeps. */
  while (g_list_model_get_n_items (G_LIST_MODEL (self->entries)) > HANGAR_REQUEST_LOG_CAPACITY)
    g_list_store_remove (self->entries, g_list_model_get_n_items (G_LIST_MODEL (self->entries)) - 1);
  if (new_base)
    hangar_request_log_summary_async (self->log, self->summary_cancellable, summary_cb, self);
  update_state (self);
}

static void
filter_changed_cb (HangarActivityView *self)
{
  if (!self->updating_bases)
    start_query (self);
}

static void
refresh_clicked_cb (HangarActivityView *self)
{
  hangar_activity_view_reload (self);
}

static void
hangar_activity_view_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (hangar_activity_view_parent_class)->map (widget);

  /* Shown again: what other programs logged meanwhile appears too. */
  hangar_activity_view_reload (HANGAR_ACTIVITY_VIEW (widget));
}

static void
hangar_activity_view_dispose (GObject *object)
{
  HangarActivityView *self = (HangarActivityView *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->summary_cancellable);
  g_clear_object (&self->summary_cancellable);
  if (self->log != NULL)
    g_clear_signal_handler (&self->written_id, self->log);
  g_clear_object (&self->log);
  g_clear_object (&self->account);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_ACTIVITY_VIEW);
  g_clear_object (&self->entries);
  g_clear_object (&self->bases);

  G_OBJECT_CLASS (hangar_activity_view_parent_class)->dispose (object);
}

static void
hangar_activity_view_class_init (HangarActivityViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_activity_view_dispose;
  widget_class->map = hangar_activity_view_map;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/tablehangar/Hangar/hangar-activity-view.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarActivityView, content);
  gtk_widget_class_bind_template_child (widget_class, HangarActivityView, errors_button);
  gtk_widget_class_bind_template_child (widget_class, HangarActivityView, base_dropdown);
  gtk_widget_class_bind_template_child (widget_class, HangarActivityView, count_label);
  gtk_widget_class_bind_template_child (widget_class, HangarActivityView, spinner);
  gtk_widget_class_bind_template_child (widget_class, HangarActivityView, stack);
  gtk_widget_class_bind_template_child (widget_class, HangarActivityView, column_view);
  gtk_widget_class_bind_template_child (widget_class, HangarActivityView, empty_page);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, refresh_clicked_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
hangar_activity_view_init (HangarActivityView *self)
{
  const char *all[] = { NULL, NULL };

  gtk_widget_init_template (GTK_WIDGET (self));

  self->entries = g_list_store_new (HANGAR_TYPE_REQUEST_LOG_ENTRY);
  self->summary_cancellable = g_cancellable_new ();
  all[0] = _("All Bases");
  self->bases = gtk_string_list_new (all);
  self->updating_bases = TRUE;
  gtk_drop_down_set_model (self->base_dropdown, G_LIST_MODEL (self->bases));
  self->updating_bases = FALSE;
  gtk_column_view_set_model (self->column_view,
                             GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->entries)))));

  add_column (self, COLUMN_TIME, _("Time"), FALSE);
  add_column (self, COLUMN_SOURCE, _("From"), FALSE);
  add_column (self, COLUMN_METHOD, _("Method"), FALSE);
  add_column (self, COLUMN_STATUS, _("Status"), FALSE);
  add_column (self, COLUMN_PATH, _("Path"), TRUE);
  add_column (self, COLUMN_DURATION, _("Duration"), FALSE);
  add_column (self, COLUMN_WAIT, _("Waited"), FALSE);
  add_column (self, COLUMN_RETRIES, _("Retries"), FALSE);
  add_column (self, COLUMN_ERROR, _("Error"), FALSE);
  update_state (self);
}

GtkWidget *
hangar_activity_view_new (void)
{
  return g_object_new (HANGAR_TYPE_ACTIVITY_VIEW, NULL);
}

HangarAccount *
hangar_activity_view_get_account (HangarActivityView *self)
{
  g_return_val_if_fail (HANGAR_IS_ACTIVITY_VIEW (self), NULL);
  return self->account;
}

void
hangar_activity_view_set_account (HangarActivityView *self,
                                  HangarAccount      *account)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (HANGAR_IS_ACTIVITY_VIEW (self));

  if (!g_set_object (&self->account, account))
    return;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->summary_cancellable);
  g_clear_object (&self->summary_cancellable);
  self->summary_cancellable = g_cancellable_new ();
  if (self->log != NULL)
    g_clear_signal_handler (&self->written_id, self->log);
  g_clear_object (&self->log);
  g_list_store_remove_all (self->entries);
  self->loading = FALSE;
  self->updating_bases = TRUE;
  gtk_drop_down_set_selected (self->base_dropdown, 0);
  gtk_string_list_splice (self->bases, 1, g_list_model_get_n_items (G_LIST_MODEL (self->bases)) - 1, NULL);
  self->updating_bases = FALSE;
  adw_status_page_set_description (self->empty_page,
                                   _("Every request Hangar, hangar-cli or its MCP server makes for this account is listed here."));

  if (account != NULL)
    {
      self->log = hangar_request_log_get_for_account (hangar_account_get_id (account), &error);
      if (self->log == NULL)
        {
          g_autofree char *message = hangar_redact (error->message);

          adw_status_page_set_description (self->empty_page, message);
        }
      else
        self->written_id = g_signal_connect (self->log, "entries-written", G_CALLBACK (entries_written_cb), self);
    }
  hangar_activity_view_reload (self);
}

void
hangar_activity_view_reload (HangarActivityView *self)
{
  g_return_if_fail (HANGAR_IS_ACTIVITY_VIEW (self));

  if (self->log == NULL)
    {
      update_state (self);
      return;
    }
  start_query (self);
  hangar_request_log_summary_async (self->log, self->summary_cancellable, summary_cb, self);
}

GListModel *
hangar_activity_view_get_entries (HangarActivityView *self)
{
  g_return_val_if_fail (HANGAR_IS_ACTIVITY_VIEW (self), NULL);
  return G_LIST_MODEL (self->entries);
}

gboolean
hangar_activity_view_get_loading (HangarActivityView *self)
{
  g_return_val_if_fail (HANGAR_IS_ACTIVITY_VIEW (self), FALSE);
  return self->loading;
}

void
hangar_activity_view_set_errors_only (HangarActivityView *self,
                                      gboolean            errors_only)
{
  g_return_if_fail (HANGAR_IS_ACTIVITY_VIEW (self));
  gtk_toggle_button_set_active (self->errors_button, errors_only);
}

gboolean
hangar_activity_view_set_base (HangarActivityView *self,
                               const char         *base_id)
{
  g_return_val_if_fail (HANGAR_IS_ACTIVITY_VIEW (self), FALSE);

  if (base_id == NULL)
    {
      gtk_drop_down_set_selected (self->base_dropdown, 0);
      return TRUE;
    }
  for (guint i = 1; i < g_list_model_get_n_items (G_LIST_MODEL (self->bases)); i++)
    if (g_str_equal (gtk_string_list_get_string (self->bases, i), base_id))
      {
        gtk_drop_down_set_selected (self->base_dropdown, i);
        return TRUE;
      }
  return FALSE;
}
