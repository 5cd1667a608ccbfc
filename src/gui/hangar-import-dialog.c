/* hangar-import-dialog.c — a CSV file into a table: check, map, preview,
 * import, report
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

/* PRIu64, not G_GUINT64_FORMAT: xgettext and gettext read it in a translatable format. */
#include <inttypes.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "hangar-account.h"
#include "hangar-import-dialog.h"
#include "hangar-scopes.h"

/* The importer keeps the reasons of this many failed rows. */
#define REPORT_SAMPLES 20

/**
 * HangarImportDialog:
 *
 * The window's import, page by page over one #HangarImporter:
 *
 *  1. *checking*: the whole file is read once in a thread; a file that is
 *     not UTF-8, has broken quotes or rows with another number of cells is
 *     refused there with every problem named by line (*problem* page), and
 *     nothing is sent;
 *  2. *mapping*: each column of the file goes to a field (matched by name
 *     at first) or is skipped, with a sample value; create or update
 *     matching records (up to three fields to match on), typecast on or
 *     off; an earlier, interrupted import of the same file into the table
 *     is named, and importing resumes it;
 *  3. *preview*: the first rows as they will be sent, cell by cell, the
 *     rows that will fail marked with the reason;
 *  4. *progress*: rows settled, created, updated and failed; Stop ends after
 *     the requests in flight (importing again resumes);
 *  5. *report*: the counts, the reasons of the first failures, and Save
 *     Failed Rows… — a CSV of the failed rows with the reason in a last
 *     column, to fix and import again as it is.
 *
 * Text from the file and from the server is shown as plain text.
 */
struct _HangarImportDialog
{
  AdwWindow          parent_instance;

  /* template */
  AdwWindowTitle    *window_title;
  GtkButton         *back_button;
  GtkButton         *next_button;
  GtkStack          *stack;
  GtkSpinner        *checking_spinner;
  GtkLabel          *checking_label;
  GtkLabel          *problem_title;
  GtkLabel          *problem_label;
  GtkButton         *problem_reconnect;
  GtkButton         *problem_restart;
  AdwPreferencesGroup *resume_group;
  GtkLabel          *resume_label;
  AdwPreferencesGroup *columns_group;
  GtkSwitch         *upsert_switch;
  AdwActionRow      *merge_row;
  GtkBox            *merge_box;
  GtkSwitch         *typecast_switch;
  GtkLabel          *mapping_error;
  GtkLabel          *preview_summary;
  GtkGrid           *preview_grid;
  GtkLabel          *progress_title;
  GtkProgressBar    *progress_bar;
  GtkLabel          *progress_label;
  GtkButton         *stop_button;
  GtkLabel          *report_title;
  GtkLabel          *report_counts;
  GtkLabel          *report_detail;
  GtkButton         *save_failed_button;

  /* what is imported where */
  HangarClient      *client;
  HangarAccount     *account;
  char              *base_id;
  HangarTable       *table;
  HangarImporter    *importer;
  HangarStore       *store;
  GFile             *file;
  GFile             *failed_file;
  GCancellable      *cancellable;      /* checking and preview */
  GCancellable      *run_cancellable;  /* the import */
  GtkFileChooserNative *chooser;

  /* the mapping page */
  GtkListBox        *columns_list;
  GPtrArray         *dropdowns;        /* GtkDropDown*, per column */
  GPtrArray         *choices;          /* HangarField* (NULL first: skip), the dropdowns' items */
  GPtrArray         *merge_checks;     /* GtkCheckButton*, data "field" */
  GPtrArray         *samples;          /* char*: the first row's cells */
  gboolean           updating;

  GPtrArray         *preview;          /* HangarImportPreviewRow* */
  char              *text;
  gboolean           restart;
};

G_DEFINE_FINAL_TYPE (HangarImportDialog, hangar_import_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_IMPORTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_PAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void build_mapping (HangarImportDialog *self);
static void show_preview (HangarImportDialog *self);
static void run_import (HangarImportDialog *self);

static void
set_text (HangarImportDialog *self,
          const char         *text)
{
  g_free (self->text);
  self->text = g_strdup (text);
}

static void
show_page (HangarImportDialog *self,
           const char         *page)
{
  gboolean mapping = g_str_equal (page, "mapping");
  gboolean preview = g_str_equal (page, "preview");

  gtk_stack_set_visible_child_name (self->stack, page);
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), preview);
  gtk_widget_set_visible (GTK_WIDGET (self->next_button), mapping || preview);
  gtk_button_set_label (self->next_button, preview ? _("_Import") : _("_Preview"));
  gtk_spinner_set_spinning (self->checking_spinner, g_str_equal (page, "checking"));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE]);
}

static void
show_problem (HangarImportDialog *self,
              const char         *title,
              const char         *text,
              gboolean            reconnect,
              gboolean            restart)
{
  gtk_label_set_text (self->problem_title, title);
  gtk_label_set_text (self->problem_label, text);
  set_text (self, text);
  reconnect = reconnect && self->account != NULL;
  if (reconnect)
    {
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->problem_reconnect),
                                              g_variant_new_string (hangar_account_get_id (self->account)));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->problem_reconnect), "win.reconnect-account");
    }
  gtk_widget_set_visible (GTK_WIDGET (self->problem_reconnect), reconnect);
  gtk_widget_set_visible (GTK_WIDGET (self->problem_restart), restart);
  show_page (self, "problem");
}

/* ---- the mapping page ---- */

static HangarField *
choice_at (HangarImportDialog *self,
           guint               position)
{
  return position < self->choices->len ? g_ptr_array_index (self->choices, position) : NULL;
}

static gboolean
mergeable (HangarField *field)
{
  switch ((int) hangar_field_get_field_type (field))
    {
    case HANGAR_FIELD_TYPE_NUMBER:
    case HANGAR_FIELD_TYPE_SINGLE_LINE_TEXT:
    case HANGAR_FIELD_TYPE_MULTILINE_TEXT:
    case HANGAR_FIELD_TYPE_SINGLE_SELECT:
    case HANGAR_FIELD_TYPE_MULTIPLE_SELECTS:
    case HANGAR_FIELD_TYPE_DATE:
    case HANGAR_FIELD_TYPE_EMAIL:
    case HANGAR_FIELD_TYPE_URL:
    case HANGAR_FIELD_TYPE_PHONE_NUMBER:
      return TRUE;
    default:
      return FALSE;
    }
}

static char **
checked_merge_fields (HangarImportDialog *self)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();

  for (guint i = 0; i < self->merge_checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (self->merge_checks, i);

      if (gtk_check_button_get_active (check))
        g_strv_builder_add (names, hangar_field_get_id (g_object_get_data (G_OBJECT (check), "field")));
    }
  return g_strv_builder_end (names);
}

/* Puts the page's choices into the importer and says what is wrong. */
static gboolean
apply_settings (HangarImportDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) merge = NULL;
  gboolean upsert = gtk_switch_get_active (self->upsert_switch);

  for (guint c = 0; c < self->dropdowns->len; c++)
    hangar_importer_set_mapping (self->importer, c,
                                 choice_at (self, gtk_drop_down_get_selected (g_ptr_array_index (self->dropdowns, c))));
  merge = checked_merge_fields (self);
  hangar_importer_set_merge_fields (self->importer, upsert ? (const char * const *) merge : NULL);
  hangar_importer_set_typecast (self->importer, gtk_switch_get_active (self->typecast_switch));

  if (upsert && (merge == NULL || merge[0] == NULL))
    g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s",
                 _("Choose the fields to match rows on (1 to 3), or create a record per row."));
  else
    hangar_importer_check (self->importer, &error);
  gtk_label_set_text (self->mapping_error, error != NULL ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->mapping_error), error != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->next_button), error == NULL);
  return error == NULL;
}

static void
rebuild_merge_checks (HangarImportDialog *self)
{
  g_auto(GStrv) checked = checked_merge_fields (self);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->merge_box))) != NULL)
    gtk_box_remove (self->merge_box, child);
  g_ptr_array_set_size (self->merge_checks, 0);
  for (guint c = 0; c < self->dropdowns->len; c++)
    {
      HangarField *field = choice_at (self, gtk_drop_down_get_selected (g_ptr_array_index (self->dropdowns, c)));
      GtkWidget *check;

      if (field == NULL || !mergeable (field))
        continue;
      check = gtk_check_button_new_with_label (hangar_field_get_name (field));
      g_object_set_data_full (G_OBJECT (check), "field", g_object_ref (field), g_object_unref);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                   checked != NULL && g_strv_contains ((const char * const *) checked,
                                                                       hangar_field_get_id (field)));
      g_signal_connect_swapped (check, "toggled", G_CALLBACK (apply_settings), self);
      gtk_box_append (self->merge_box, check);
      g_ptr_array_add (self->merge_checks, check);
    }
  if (self->merge_checks->len == 0)
    gtk_box_append (self->merge_box, gtk_label_new (_("No column goes to a field rows can be matched on")));
}

static void
options_changed_cb (HangarImportDialog *self)
{
  if (self->importer == NULL || self->updating)
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->merge_row), gtk_switch_get_active (self->upsert_switch));
  apply_settings (self);
}

static void
mapping_changed_cb (HangarImportDialog *self)
{
  if (self->updating)
    return;
  rebuild_merge_checks (self);
  apply_settings (self);
}

static void
build_mapping (HangarImportDialog *self)
{
  const char * const *header = hangar_importer_get_header (self->importer);
  guint n = hangar_importer_get_n_columns (self->importer);
  GPtrArray *fields = hangar_table_get_fields (self->table);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  const HangarImportRun *previous = hangar_importer_get_previous_run (self->importer);

  self->updating = TRUE;
  if (self->columns_list != NULL)
    adw_preferences_group_remove (self->columns_group, GTK_WIDGET (self->columns_list));
  self->columns_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->columns_list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->columns_list), "boxed-list");
  adw_preferences_group_add (self->columns_group, GTK_WIDGET (self->columns_list));

  g_ptr_array_set_size (self->choices, 0);
  g_ptr_array_add (self->choices, NULL);
  gtk_string_list_append (names, _("Skip"));
  for (guint f = 0; f < fields->len; f++)
    {
      HangarField *field = g_ptr_array_index (fields, f);

      if (hangar_field_is_computed (field))
        continue;
      g_ptr_array_add (self->choices, g_object_ref (field));
      gtk_string_list_append (names, hangar_field_get_name (field));
    }

  g_ptr_array_set_size (self->dropdowns, 0);
  for (guint c = 0; c < n; c++)
    {
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      GtkWidget *name = gtk_label_new (header[c][0] != '\0' ? header[c] : _("(no name)"));
      const char *sample_text = c < self->samples->len ? g_ptr_array_index (self->samples, c) : "";
      g_autofree char *sample_line = g_strdup (sample_text);
      GtkWidget *sample;
      GtkWidget *dropdown = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (names)), NULL);
      HangarField *mapped = hangar_importer_get_mapping (self->importer, c);
      guint position = 0;

      /* A sample on one line. */
      g_strdelimit (sample_line, "\r\n", ' ');
      sample = gtk_label_new (sample_line);
      gtk_widget_set_margin_start (row, 12);
      gtk_widget_set_margin_end (row, 12);
      gtk_widget_set_margin_top (row, 8);
      gtk_widget_set_margin_bottom (row, 8);
      gtk_widget_set_hexpand (labels, TRUE);
      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
      gtk_label_set_xalign (GTK_LABEL (sample), 0);
      gtk_label_set_ellipsize (GTK_LABEL (sample), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (sample, "caption");
      gtk_widget_add_css_class (sample, "dim-label");
      gtk_box_append (GTK_BOX (labels), name);
      gtk_box_append (GTK_BOX (labels), sample);
      gtk_box_append (GTK_BOX (row), labels);

      for (guint i = 1; i < self->choices->len; i++)
        if (g_ptr_array_index (self->choices, i) == mapped)
          position = i;
      gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), position);
      gtk_widget_set_valign (dropdown, GTK_ALIGN_CENTER);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (dropdown), GTK_ACCESSIBLE_RELATION_LABELLED_BY, name, NULL, -1);
      g_signal_connect_swapped (dropdown, "notify::selected", G_CALLBACK (mapping_changed_cb), self);
      gtk_box_append (GTK_BOX (row), dropdown);
      gtk_list_box_append (self->columns_list, row);
      g_ptr_array_add (self->dropdowns, dropdown);
    }

  if (previous != NULL && !self->restart)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (previous->finished_at != 0 ? previous->finished_at
                                                                   : previous->updated_at);
      g_autofree char *date = g_date_time_format (when, "%Y-%m-%d %H:%M");
      g_autofree char *note = previous->finished_at != 0
        ? g_strdup_printf (_("This file was imported into this table on %s (%" PRIu64 " created, %"
                             PRIu64 " updated, %" PRIu64 " failed). Creating records again would "
                             "add its rows a second time; updating matching records is safe."),
                           date, previous->created, previous->updated, previous->failed)
        : g_strdup_printf (_("An import of this file into this table stopped on %s after %" PRIu64 " of %"
                             PRIu64 " rows. Importing with the same settings resumes it without "
                             "duplicating rows."), date, previous->rows_done, previous->total_rows);

      gtk_label_set_text (self->resume_label, note);
      gtk_widget_set_visible (GTK_WIDGET (self->resume_group), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->resume_group), FALSE);

  self->updating = FALSE;
  rebuild_merge_checks (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->merge_row), gtk_switch_get_active (self->upsert_switch));
  apply_settings (self);
  show_page (self, "mapping");
}

/* ---- checking ---- */

static void
samples_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = hangar_importer_preview_finish (HANGAR_IMPORTER (object), result, &error);
  HangarImportDialog *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  g_ptr_array_set_size (self->samples, 0);
  if (rows != NULL && rows->len > 0)
    {
      HangarImportPreviewRow *first = g_ptr_array_index (rows, 0);

      for (guint i = 0; i < first->cells->len; i++)
        g_ptr_array_add (self->samples, g_strdup (g_ptr_array_index (first->cells, i)));
    }
  build_mapping (self);
}

static void
scanned_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  HangarImportDialog *self;
  gboolean ok = hangar_importer_scan_finish (HANGAR_IMPORTER (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  if (!ok)
    {
      show_problem (self, _("This File Cannot Be Imported"), error->message, FALSE, FALSE);
      return;
    }
  hangar_importer_auto_map (self->importer);
  /* A sample of each column for the mapping page. */
  hangar_importer_preview_async (self->importer, 1, self->cancellable, samples_cb, self);
}

static void
begin (HangarImportDialog *self,
       GFile              *file)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *checking = g_strdup_printf (_("Checking “%s”…"), name);
  g_autofree char *subtitle = g_strdup_printf (_("%s into %s"), name, hangar_table_get_name (self->table));

  g_set_object (&self->file, file);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_label_set_text (self->checking_label, checking);
  gtk_window_present (GTK_WINDOW (self));

  if (self->account != NULL && !hangar_scopes_account_can (self->account, HANGAR_CAPABILITY_RECORDS_WRITE))
    {
      g_auto(GStrv) missing = hangar_scopes_account_missing (self->account, HANGAR_CAPABILITY_RECORDS_WRITE);
      g_autofree char *list = g_strjoinv (", ", missing);
      g_autofree char *text = g_strdup_printf (_("Importing writes records, which needs the scope %s; this account "
                                                 "was not granted it — reconnect and grant it."), list);

      show_problem (self, _("This Account Cannot Write Records"), text, TRUE, FALSE);
      return;
    }

  g_clear_object (&self->importer);
  self->importer = hangar_importer_new (self->client, self->base_id, self->table, file);
  if (self->store == NULL && self->account != NULL)
    {
      g_autoptr(GError) error = NULL;

      self->store = hangar_store_get_for_account (hangar_account_get_id (self->account), HANGAR_STORE_STATE, &error);
      if (self->store == NULL)
        g_warning ("No progress can be kept for imports: %s", error->message);
    }
  if (self->store != NULL)
    hangar_importer_set_progress_store (self->importer, self->store);
  show_page (self, "checking");
  hangar_importer_scan_async (self->importer, self->cancellable, scanned_cb, self);
}

/* ---- the preview ---- */

static GtkWidget *
cell_label (const char *text,
            const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  /* Short values whole, long ones cut at 24 characters. */
  gtk_label_set_width_chars (GTK_LABEL (label), MIN (g_utf8_strlen (text, -1), 24));
  gtk_label_set_max_width_chars (GTK_LABEL (label), 28);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static void
preview_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *rows = hangar_importer_preview_finish (HANGAR_IMPORTER (object), result, &error);
  HangarImportDialog *self;
  GtkWidget *child;
  guint n_columns, grid_column = 1, failing = 0;
  gboolean links = FALSE;
  g_autofree char *summary = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  gtk_widget_set_sensitive (GTK_WIDGET (self->next_button), rows != NULL);
  if (rows == NULL)
    {
      show_problem (self, _("The File Could Not Be Read"), error->message, FALSE, FALSE);
      return;
    }
  g_clear_pointer (&self->preview, g_ptr_array_unref);
  self->preview = rows;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->preview_grid))) != NULL)
    gtk_grid_remove (self->preview_grid, child);

  n_columns = hangar_importer_get_n_columns (self->importer);
  /* Line, why it will fail (first, so it is seen), then the fields. */
  gtk_grid_attach (self->preview_grid, cell_label (_("Line"), "heading"), 0, 0, 1, 1);
  gtk_grid_attach (self->preview_grid, cell_label (_("Will fail because"), "heading"), 1, 0, 1, 1);
  grid_column = 2;
  for (guint c = 0; c < n_columns; c++)
    {
      HangarField *field = hangar_importer_get_mapping (self->importer, c);

      if (field == NULL)
        continue;
      if (hangar_field_get_field_type (field) == HANGAR_FIELD_TYPE_MULTIPLE_RECORD_LINKS)
        links = TRUE;
      gtk_grid_attach (self->preview_grid, cell_label (hangar_field_get_name (field), "heading"),
                       grid_column++, 0, 1, 1);
    }

  for (guint r = 0; r < rows->len; r++)
    {
      HangarImportPreviewRow *row = g_ptr_array_index (rows, r);
      gboolean fails = hangar_import_preview_row_fails (row);
      g_autofree char *line = g_strdup_printf ("%" PRIu64, row->line);
      g_autoptr(GString) reasons = g_string_new (row->row_problem);
      GtkWidget *line_label = cell_label (line, fails ? "error" : "dim-label");

      if (fails)
        failing++;
      gtk_grid_attach (self->preview_grid, line_label, 0, r + 1, 1, 1);
      grid_column = 2;
      for (guint c = 0; c < n_columns; c++)
        {
          HangarField *field = hangar_importer_get_mapping (self->importer, c);
          const char *value = c < row->values->len ? g_ptr_array_index (row->values, c) : NULL;
          const char *problem = c < row->problems->len ? g_ptr_array_index (row->problems, c) : NULL;
          GtkWidget *label;

          if (field == NULL)
            continue;
          if (problem != NULL)
            {
              label = cell_label (c < row->cells->len ? g_ptr_array_index (row->cells, c) : "", "error");
              gtk_widget_set_tooltip_text (label, problem);
              g_string_append_printf (reasons, "%s%s: %s", reasons->len > 0 ? "; " : "",
                                      hangar_field_get_name (field), problem);
            }
          else
            {
              label = cell_label (value != NULL ? value : "", NULL);
              if (value != NULL)
                gtk_widget_set_tooltip_text (label, value);
            }
          gtk_grid_attach (self->preview_grid, label, grid_column++, r + 1, 1, 1);
        }
      {
        GtkWidget *why = gtk_label_new (reasons->str);

        gtk_label_set_xalign (GTK_LABEL (why), 0);
        gtk_label_set_wrap (GTK_LABEL (why), TRUE);
        gtk_label_set_max_width_chars (GTK_LABEL (why), 36);
        gtk_label_set_width_chars (GTK_LABEL (why), reasons->len > 0 ? 24 : 0);
        gtk_widget_add_css_class (why, "error");
        gtk_grid_attach (self->preview_grid, why, 1, r + 1, 1, 1);
      }
    }

  summary = g_strdup_printf (_("The first %u of %" PRIu64 " rows as they will be sent: %u will fail "
                               "(in red, with the reason; hover a cell for its own). Rows that fail are kept "
                               "with the reason, to fix and import again.%s"),
                             rows->len, hangar_importer_get_n_rows (self->importer), failing,
                             links && !hangar_importer_get_typecast (self->importer)
                             ? _(" Linked records are looked up by name while importing.") : "");
  gtk_label_set_text (self->preview_summary, summary);
  set_text (self, summary);
  show_page (self, "preview");
}

static void
show_preview (HangarImportDialog *self)
{
  if (!apply_settings (self))
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->next_button), FALSE);
  hangar_importer_preview_async (self->importer, HANGAR_IMPORT_PREVIEW_ROWS, self->cancellable, preview_cb, self);
}

/* ---- the import ---- */

static void
update_progress (HangarImportDialog *self)
{
  guint64 done = hangar_importer_get_n_done (self->importer);
  guint64 total = hangar_importer_get_n_rows (self->importer);
  g_autofree char *text = g_strdup_printf (_("%" PRIu64 " of %" PRIu64 " rows · %" PRIu64
                                             " created · %" PRIu64 " updated · %" PRIu64 " failed"),
                                           done, total, hangar_importer_get_n_created (self->importer),
                                           hangar_importer_get_n_updated (self->importer),
                                           hangar_importer_get_n_failed (self->importer));
  guint wait = hangar_importer_get_wait_seconds (self->importer);

  gtk_progress_bar_set_fraction (self->progress_bar, total > 0 ? (double) done / (double) total : 0.0);
  /* Writes that may still be applied are waited for before anything is
   * checked: say why nothing moves. */
  if (wait > 0)
    {
      g_autofree char *waiting = NULL;

      if (hangar_importer_get_waiting_for_interrupted (self->importer))
        waiting = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "Waiting %u second for the requests of the interrupted import…",
                                                "Waiting %u seconds for the requests of the interrupted import…",
                                                wait), wait);
      else
        waiting = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "Waiting %u second for a request whose answer never came…",
                                                "Waiting %u seconds for a request whose answer never came…",
                                                wait), wait);
      gtk_label_set_text (self->progress_label, waiting);
      return;
    }
  gtk_label_set_text (self->progress_label, text);
}

static void
progress_cb (HangarImporter     *importer,
             GParamSpec         *pspec,
             HangarImportDialog *self)
{
  update_progress (self);
}

static void
report (HangarImportDialog *self,
        const GError       *error)
{
  HangarImporter *importer = self->importer;
  const char * const *samples = hangar_importer_get_failure_samples (importer);
  guint64 failed = hangar_importer_get_n_failed (importer);
  g_autoptr(GString) detail = g_string_new (NULL);
  g_autofree char *counts = g_strdup_printf (_("%" PRIu64 " created · %" PRIu64 " updated · %"
                                               PRIu64 " failed · %" PRIu64 " of %" PRIu64
                                               " rows done"),
                                             hangar_importer_get_n_created (importer),
                                             hangar_importer_get_n_updated (importer), failed,
                                             hangar_importer_get_n_done (importer),
                                             hangar_importer_get_n_rows (importer));

  if (error != NULL)
    {
      g_string_append_printf (detail, _("The import stopped: %s\nImporting the same file into this table again "
                                        "resumes where it stopped, without duplicating rows."),
                              error->message);
      if (g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_PERMISSION_DENIED) && self->account != NULL)
        {
          g_autofree char *why = hangar_scopes_explain_forbidden (self->account, HANGAR_CAPABILITY_RECORDS_WRITE,
                                                                  NULL, error);

          if (why != NULL)
            g_string_append_printf (detail, "\n%s", why);
        }
    }
  if (hangar_importer_get_n_resumed (importer) > 0)
    g_string_append_printf (detail, _("%sResumed after row %" PRIu64 " of an interrupted import."),
                            detail->len > 0 ? "\n\n" : "", hangar_importer_get_n_resumed (importer));
  if (failed > 0)
    {
      g_string_append_printf (detail, g_dngettext (NULL, "%s%" PRIu64 " row failed:",
                                                   "%s%" PRIu64 " rows failed:", failed),
                              detail->len > 0 ? "\n\n" : "", failed);
      for (guint i = 0; samples != NULL && samples[i] != NULL; i++)
        g_string_append_printf (detail, "\n• %s", samples[i]);
      if (failed > REPORT_SAMPLES)
        g_string_append (detail, _("\n…"));
    }

  gtk_label_set_text (self->report_title, error != NULL ? _("Import Stopped") : _("Import Finished"));
  gtk_label_set_text (self->report_counts, counts);
  gtk_label_set_text (self->report_detail, detail->str);
  gtk_widget_set_visible (GTK_WIDGET (self->save_failed_button),
                          failed > 0 && self->failed_file != NULL);
  set_text (self, detail->len > 0 ? detail->str : counts);
  show_page (self, "report");
}

static void
ran_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(HangarImportDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = hangar_importer_run_finish (HANGAR_IMPORTER (object), result, &error);

  g_signal_handlers_disconnect_by_func (self->importer, progress_cb, self);
  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      /* Imported before, or stopped with other settings: nothing sent. */
      show_problem (self, _("Import Again?"), error->message, FALSE, TRUE);
      return;
    }
  update_progress (self);
  if (hangar_importer_get_n_created (self->importer) + hangar_importer_get_n_updated (self->importer) > 0)
    g_signal_emit (self, signals[SIGNAL_IMPORTED], 0);
  report (self, ok ? NULL : error);
}

/* Where the failed rows of this file into this table are kept: in the
 * account's data, private, named after the file's contents. */
static GFile *
failed_file_for (HangarImportDialog *self)
{
  g_autofree char *name = g_strdup_printf ("%.16s-%s-failed.csv", hangar_importer_get_file_sha256 (self->importer),
                                           hangar_table_get_id (self->table));
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "hangar",
                                           self->account != NULL ? hangar_account_get_id (self->account) : "imports",
                                           "imports", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_mkdir_with_parents (dir, 0700);
  return g_file_new_for_path (path);
}

static void
run_import (HangarImportDialog *self)
{
  g_autofree char *title = g_strdup_printf (_("Importing into “%s”…"), hangar_table_get_name (self->table));

  if (!apply_settings (self))
    return;
  g_clear_object (&self->failed_file);
  self->failed_file = failed_file_for (self);
  hangar_importer_set_failed_file (self->importer, self->failed_file);
  hangar_importer_set_resume (self->importer, self->restart ? HANGAR_IMPORT_RESUME_RESTART : HANGAR_IMPORT_RESUME_AUTO);
  gtk_label_set_text (self->progress_title, title);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stop_button), TRUE);
  show_page (self, "progress");
  update_progress (self);
  g_signal_connect (self->importer, "notify::n-done", G_CALLBACK (progress_cb), self);
  g_signal_connect (self->importer, "notify::wait-seconds", G_CALLBACK (progress_cb), self);
  g_clear_object (&self->run_cancellable);
  self->run_cancellable = g_cancellable_new ();
  hangar_importer_run_async (self->importer, self->run_cancellable, ran_cb, g_object_ref (self));
}

/* ---- buttons ---- */

static void
next_clicked_cb (HangarImportDialog *self)
{
  hangar_import_dialog_next (self);
}

static void
back_clicked_cb (HangarImportDialog *self)
{
  show_page (self, "mapping");
}

static void
restart_clicked_cb (HangarImportDialog *self)
{
  self->restart = TRUE;
  run_import (self);
}

static void
stop_clicked_cb (HangarImportDialog *self)
{
  hangar_import_dialog_stop (self);
}

static void
copied_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HangarImportDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_copy_finish (G_FILE (object), result, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not save the failed rows: %s"), error->message);

      gtk_label_set_text (self->report_detail, text);
      set_text (self, text);
    }
}

static void
save_chooser_cb (GtkNativeDialog    *chooser,
                 int                 response,
                 HangarImportDialog *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->chooser);
  if (file != NULL)
    hangar_import_dialog_save_failed (self, file);
  g_object_unref (self);
}

static void
save_failed_clicked_cb (HangarImportDialog *self)
{
  g_autofree char *base = g_file_get_basename (self->file);
  g_autofree char *stem = g_str_has_suffix (base, ".csv") ? g_strndup (base, strlen (base) - 4) : g_strdup (base);
  g_autofree char *name = g_strconcat (stem, "-failed.csv", NULL);

  self->chooser = gtk_file_chooser_native_new (_("Save Failed Rows"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect (self->chooser, "response", G_CALLBACK (save_chooser_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
open_chooser_cb (GtkNativeDialog    *chooser,
                 int                 response,
                 HangarImportDialog *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->chooser);
  if (file != NULL)
    begin (self, file);
  else
    gtk_window_destroy (GTK_WINDOW (self));
  g_object_unref (self);
}

/* ---- GObject ---- */

static gboolean
hangar_import_dialog_close_request (GtkWindow *window)
{
  HangarImportDialog *self = HANGAR_IMPORT_DIALOG (window);

  /* Closing stops the import after the requests in flight (it resumes). */
  g_cancellable_cancel (self->cancellable);
  if (self->run_cancellable != NULL)
    g_cancellable_cancel (self->run_cancellable);
  return GTK_WINDOW_CLASS (hangar_import_dialog_parent_class)->close_request (window);
}

static void
hangar_import_dialog_dispose (GObject *object)
{
  HangarImportDialog *self = HANGAR_IMPORT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  if (self->run_cancellable != NULL)
    g_cancellable_cancel (self->run_cancellable);
  if (self->importer != NULL)
    g_signal_handlers_disconnect_by_data (self->importer, self);
  g_clear_object (&self->importer);
  g_clear_object (&self->store);
  g_clear_object (&self->client);
  g_clear_object (&self->account);
  g_clear_object (&self->table);
  g_clear_object (&self->file);
  g_clear_object (&self->failed_file);
  g_clear_pointer (&self->choices, g_ptr_array_unref);
  g_clear_pointer (&self->preview, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_IMPORT_DIALOG);

  G_OBJECT_CLASS (hangar_import_dialog_parent_class)->dispose (object);
}

static void
hangar_import_dialog_finalize (GObject *object)
{
  HangarImportDialog *self = HANGAR_IMPORT_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->run_cancellable);
  g_free (self->base_id);
  g_free (self->text);
  g_clear_pointer (&self->dropdowns, g_ptr_array_unref);
  g_clear_pointer (&self->merge_checks, g_ptr_array_unref);
  g_clear_pointer (&self->samples, g_ptr_array_unref);

  G_OBJECT_CLASS (hangar_import_dialog_parent_class)->finalize (object);
}

static void
hangar_import_dialog_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  HangarImportDialog *self = HANGAR_IMPORT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_PAGE:
      g_value_set_string (value, hangar_import_dialog_get_page (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_import_dialog_class_init (HangarImportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = hangar_import_dialog_dispose;
  object_class->finalize = hangar_import_dialog_finalize;
  object_class->get_property = hangar_import_dialog_get_property;
  window_class->close_request = hangar_import_dialog_close_request;

  properties[PROP_PAGE] =
    g_param_spec_string ("page", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HangarImportDialog::imported:
   *
   * Rows were written (the table changed).
   */
  signals[SIGNAL_IMPORTED] = g_signal_new ("imported", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tablehangar/Hangar/hangar-import-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, back_button);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, next_button);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, checking_spinner);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, checking_label);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, problem_title);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, problem_label);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, problem_reconnect);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, problem_restart);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, resume_group);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, resume_label);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, columns_group);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, upsert_switch);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, merge_row);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, merge_box);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, typecast_switch);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, mapping_error);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, preview_summary);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, preview_grid);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, progress_title);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, progress_label);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, stop_button);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, report_title);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, report_counts);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, report_detail);
  gtk_widget_class_bind_template_child (widget_class, HangarImportDialog, save_failed_button);
  gtk_widget_class_bind_template_callback (widget_class, next_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, restart_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_failed_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, options_changed_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

/* The first choice is NULL: "Skip". */
static void
choice_free (gpointer field)
{
  if (field != NULL)
    g_object_unref (field);
}

static void
hangar_import_dialog_init (HangarImportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->dropdowns = g_ptr_array_new ();
  self->choices = g_ptr_array_new_with_free_func (choice_free);
  self->merge_checks = g_ptr_array_new ();
  self->samples = g_ptr_array_new_with_free_func (g_free);
}

/* ---- public API ---- */

/**
 * hangar_import_dialog_new:
 * @parent: (nullable): the window it belongs to
 * @client: the client that writes
 * @account: (nullable): the client's account
 * @base_id: the base
 * @table: the table imported into
 *
 * Returns: (transfer none): a new dialog; call hangar_import_dialog_start()
 */
HangarImportDialog *
hangar_import_dialog_new (GtkWindow     *parent,
                          HangarClient  *client,
                          HangarAccount *account,
                          const char    *base_id,
                          HangarTable   *table)
{
  HangarImportDialog *self;

  g_return_val_if_fail (HANGAR_IS_CLIENT (client), NULL);
  g_return_val_if_fail (HANGAR_IS_TABLE (table), NULL);

  self = g_object_new (HANGAR_TYPE_IMPORT_DIALOG, "transient-for", parent, NULL);
  self->client = g_object_ref (client);
  self->account = account != NULL ? g_object_ref (account) : NULL;
  self->base_id = g_strdup (base_id);
  self->table = g_object_ref (table);
  return self;
}

GtkWindow *
hangar_import_dialog_start (HangarImportDialog *self,
                            GFile              *file)
{
  g_autoptr(GtkFileFilter) csv = NULL;
  g_autoptr(GtkFileFilter) all = NULL;

  g_return_val_if_fail (HANGAR_IS_IMPORT_DIALOG (self), NULL);

  if (file != NULL)
    {
      begin (self, file);
      return GTK_WINDOW (self);
    }
  self->chooser = gtk_file_chooser_native_new (_("Import CSV"), gtk_window_get_transient_for (GTK_WINDOW (self)),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  csv = gtk_file_filter_new ();
  gtk_file_filter_set_name (csv, _("CSV files"));
  gtk_file_filter_add_pattern (csv, "*.csv");
  gtk_file_filter_add_mime_type (csv, "text/csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), csv);
  all = gtk_file_filter_new ();
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);
  g_signal_connect (self->chooser, "response", G_CALLBACK (open_chooser_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
  return GTK_WINDOW (self);
}

const char *
hangar_import_dialog_get_page (HangarImportDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_IMPORT_DIALOG (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

HangarImporter *
hangar_import_dialog_get_importer (HangarImportDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_IMPORT_DIALOG (self), NULL);
  return self->importer;
}

void
hangar_import_dialog_set_progress_store (HangarImportDialog *self,
                                         HangarStore        *store)
{
  g_return_if_fail (HANGAR_IS_IMPORT_DIALOG (self));
  g_set_object (&self->store, store);
}

void
hangar_import_dialog_map_column (HangarImportDialog *self,
                                 guint               column,
                                 const char         *field_name)
{
  guint position = 0;

  g_return_if_fail (HANGAR_IS_IMPORT_DIALOG (self));
  g_return_if_fail (column < self->dropdowns->len);

  for (guint i = 1; field_name != NULL && i < self->choices->len; i++)
    if (g_str_equal (hangar_field_get_name (g_ptr_array_index (self->choices, i)), field_name))
      position = i;
  gtk_drop_down_set_selected (g_ptr_array_index (self->dropdowns, column), position);
}

void
hangar_import_dialog_set_upsert (HangarImportDialog *self,
                                 const char * const *merge_fields)
{
  g_return_if_fail (HANGAR_IS_IMPORT_DIALOG (self));

  gtk_switch_set_active (self->upsert_switch, merge_fields != NULL && merge_fields[0] != NULL);
  for (guint i = 0; i < self->merge_checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (self->merge_checks, i);
      HangarField *field = g_object_get_data (G_OBJECT (check), "field");

      gtk_check_button_set_active (check, merge_fields != NULL &&
                                   g_strv_contains (merge_fields, hangar_field_get_name (field)));
    }
  apply_settings (self);
}

void
hangar_import_dialog_set_typecast (HangarImportDialog *self,
                                   gboolean            typecast)
{
  g_return_if_fail (HANGAR_IS_IMPORT_DIALOG (self));
  gtk_switch_set_active (self->typecast_switch, typecast);
}

void
hangar_import_dialog_next (HangarImportDialog *self)
{
  const char *page;

  g_return_if_fail (HANGAR_IS_IMPORT_DIALOG (self));

  page = hangar_import_dialog_get_page (self);
  if (g_str_equal (page, "mapping"))
    show_preview (self);
  else if (g_str_equal (page, "preview"))
    run_import (self);
}

const char *
hangar_import_dialog_get_text (HangarImportDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_IMPORT_DIALOG (self), NULL);
  return self->text;
}

GPtrArray *
hangar_import_dialog_get_preview (HangarImportDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_IMPORT_DIALOG (self), NULL);
  return self->preview;
}

GFile *
hangar_import_dialog_get_failed_file (HangarImportDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_IMPORT_DIALOG (self), NULL);
  return self->importer != NULL && hangar_importer_get_n_failed (self->importer) > 0 ? self->failed_file : NULL;
}

void
hangar_import_dialog_save_failed (HangarImportDialog *self,
                                  GFile              *file)
{
  g_return_if_fail (HANGAR_IS_IMPORT_DIALOG (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->failed_file == NULL)
    return;
  g_file_copy_async (self->failed_file, file, G_FILE_COPY_OVERWRITE, G_PRIORITY_DEFAULT, NULL, NULL, NULL,
                     copied_cb, g_object_ref (self));
}

void
hangar_import_dialog_stop (HangarImportDialog *self)
{
  g_return_if_fail (HANGAR_IS_IMPORT_DIALOG (self));

  if (self->run_cancellable != NULL)
    g_cancellable_cancel (self->run_cancellable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stop_button), FALSE);
  gtk_label_set_text (self->progress_title, _("Stopping after the requests in flight…"));
}
