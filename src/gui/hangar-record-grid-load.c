/* hangar-record-grid-load.c — the grid's query, its page-by-page load and the state it shows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-error.h"
#include "hangar-formula.h"
#include "hangar-record-grid-private.h"
#include "hangar-redact.h"
#include "hangar-scopes.h"

/* The query (view, sort, filter, search) is sent to Airtable and the list
 * reloaded, so it covers the whole table and not only the loaded pages.
 * Records load on demand: the first page at once, then the next page only
 * when the view is scrolled to within about two screens of the end of what
 * is loaded. */

static void queue_load_more_check (HangarRecordGrid *self);

/* The search as OR(SEARCH(LOWER('text'), LOWER({F})), …) over the text
 * fields; NULL when there is nothing to search. */
static HangarFormula *
build_search_formula (HangarRecordGrid *self)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();

  if (self->search_text == NULL || *self->search_text == '\0' || self->fields == NULL)
    return NULL;

  for (guint i = 0; i < self->fields->len; i++)
    {
      HangarField *field = g_ptr_array_index (self->fields, i);

      if (!hangar_field_is_text_like (field))
        continue;
      g_ptr_array_add (parts,
                       hangar_formula_search (hangar_formula_lower (hangar_formula_string (self->search_text)),
                                              hangar_formula_lower (hangar_formula_field (hangar_field_get_name (field)))));
    }

  if (parts->len == 0)
    return hangar_formula_boolean (FALSE);
  return hangar_formula_callv ("OR", (HangarFormula **) parts->pdata, parts->len);
}

static HangarListOptions *
build_options (HangarRecordGrid *self)
{
  HangarListOptions *options = hangar_list_options_new ();
  g_autoptr(HangarFormula) search = build_search_formula (self);
  g_autoptr(HangarFormula) formula = NULL;
  guint n_sorts = hangar_sort_editor_get_n_sorts (self->sort_editor);

  if (self->view_id != NULL)
    hangar_list_options_set_view (options, self->view_id);
  if (self->show_comment_count)
    hangar_list_options_set_comment_count (options, TRUE);

  for (guint i = 0; i < n_sorts; i++)
    {
      gboolean descending = FALSE;
      const char *field = hangar_sort_editor_get_sort (self->sort_editor, i, &descending);

      hangar_list_options_add_sort (options, field, descending);
    }

  if (self->filter_formula != NULL && search != NULL)
    formula = hangar_formula_and (hangar_formula_raw (self->filter_formula),
                                  g_steal_pointer (&search), NULL);
  else if (self->filter_formula != NULL)
    formula = hangar_formula_raw (self->filter_formula);
  else if (search != NULL)
    formula = g_steal_pointer (&search);

  if (formula != NULL)
    {
      g_autofree char *text = hangar_formula_to_string (formula);

      hangar_list_options_set_formula (options, text);
    }

  return options;
}

HangarListOptions *
_hangar_record_grid_build_options (HangarRecordGrid *self)
{
  return build_options (self);
}

void
_hangar_record_grid_update_query_label (HangarRecordGrid *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint n_sorts = hangar_sort_editor_get_n_sorts (self->sort_editor);
  guint n_hidden = self->hidden != NULL ? g_hash_table_size (self->hidden) : 0;

  if (n_sorts > 0)
    {
      gboolean descending = FALSE;
      const char *first = hangar_sort_editor_get_sort (self->sort_editor, 0, &descending);

      g_string_append_printf (text, _("Sorted by %s %s"), first, descending ? "↓" : "↑");
      if (n_sorts > 1)
        g_string_append_printf (text, g_dngettext (NULL, " and %u more", " and %u more", n_sorts - 1),
                                n_sorts - 1);
    }
  if (self->filter_formula != NULL)
    {
      if (text->len > 0)
        g_string_append (text, " · ");
      g_string_append (text, _("Filtered"));
    }
  if (self->search_text != NULL && *self->search_text != '\0')
    {
      if (text->len > 0)
        g_string_append (text, " · ");
      g_string_append_printf (text, _("Search “%s”"), self->search_text);
    }
  if (n_hidden > 0)
    {
      if (text->len > 0)
        g_string_append (text, " · ");
      g_string_append_printf (text, g_dngettext (NULL, "%u hidden field", "%u hidden fields", n_hidden), n_hidden);
    }
  gtk_label_set_text (self->query_label, text->str);

  adw_button_content_set_label (self->sort_content,
                                n_sorts > 0 ? _("_Sorted") : _("_Sort"));
  adw_button_content_set_label (self->filter_content,
                                self->filter_formula != NULL ? _("_Filtered") : _("_Filter"));
  if (n_sorts > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->sort_button), "accent");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->sort_button), "accent");
  if (self->filter_formula != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->filter_button), "accent");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->filter_button), "accent");
}

/* ---- load state ---- */

/* The error bar for a failed listing (@error NULL: hidden): a 403 said as
 * the scope or base grant that is missing, with Reconnect. */
void
_hangar_record_grid_show_error (HangarRecordGrid *self,
                                const GError     *error)
{
  if (error != NULL)
    {
      g_autofree char *message = NULL;
      g_autofree char *explained = NULL;
      g_autofree char *redacted = NULL;

      if (g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_FORMULA))
        {
          const char *server = hangar_api_error_get_server_message (error);

          message = g_strdup_printf (_("The filter is not a valid formula: %s"),
                                     server != NULL ? server : error->message);
          /* Inline in the filter editor too; what the user typed stays. */
          hangar_filter_editor_set_error (self->filter_editor, server != NULL ? server : error->message);
        }
      else if (self->account != NULL &&
               (explained = hangar_scopes_explain_forbidden (self->account, HANGAR_CAPABILITY_RECORDS_READ,
                                                             NULL, error)) != NULL)
        /* A 403: the scope or the base grant that is missing, and Reconnect. */
        message = g_steal_pointer (&explained);
      else
        message = g_strdup_printf (_("Load failed: %s"), error->message);
      redacted = hangar_redact (message);
      gtk_label_set_text (self->error_label, redacted);
    }
  gtk_widget_set_visible (self->reconnect_button,
                          self->account != NULL &&
                          g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_PERMISSION_DENIED));
  gtk_revealer_set_reveal_child (self->error_revealer, error != NULL);
}

/* What the listing failed with, from Airtable or the cache's sync. */
const GError *
_hangar_record_grid_get_error (HangarRecordGrid *self)
{
  if (self->cached != NULL)
    return _hangar_record_grid_cached_error (self);
  return self->records != NULL ? hangar_record_list_get_failed (self->records) : NULL;
}

void
_hangar_record_grid_update_load_state (HangarRecordGrid *self)
{
  guint n = self->records != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->records)) : 0;
  gboolean loading = self->records != NULL && hangar_record_list_get_loading (self->records);
  const GError *error = self->records != NULL ? hangar_record_list_get_failed (self->records) : NULL;
  g_autofree char *count = NULL;

  if (self->cached != NULL)
    {
      _hangar_record_grid_update_cached_state (self);
      return;
    }
  gtk_spinner_set_spinning (self->spinner, loading);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), loading);
  hangar_budget_meter_set_active (self->budget_meter, loading);

  if (self->table == NULL)
    count = g_strdup ("");
  else if (loading)
    count = g_strdup_printf (g_dngettext (NULL, "Loading… %u record", "Loading… %u records", n), n);
  else if (error != NULL)
    count = g_strdup_printf (g_dngettext (NULL, "%u record (incomplete)", "%u records (incomplete)", n), n);
  else if (self->records != NULL && !hangar_record_list_get_complete (self->records))
    count = g_strdup_printf (g_dngettext (NULL, "%u record loaded — scroll for more",
                                          "%u records loaded — scroll for more", n), n);
  else
    count = g_strdup_printf (g_dngettext (NULL, "%u record", "%u records", n), n);
  gtk_label_set_text (self->count_label, count);

  if (self->table == NULL)
    gtk_stack_set_visible_child_name (self->content_stack, "none");
  else if (n == 0 && !loading)
    {
      gboolean narrowed = self->filter_formula != NULL ||
                          (self->search_text != NULL && *self->search_text != '\0') ||
                          self->view_id != NULL;

      adw_status_page_set_title (self->empty_page,
                                 error != NULL ? _("Could Not Load Records") : _("No Records"));
      adw_status_page_set_description (self->empty_page,
                                       error != NULL ? NULL
                                       : narrowed ? _("No record matches the view, filter or search.")
                                       : _("This table has no records yet."));
      gtk_stack_set_visible_child_name (self->content_stack, "empty");
    }
  else
    gtk_stack_set_visible_child_name (self->content_stack, "grid");

  _hangar_record_grid_show_error (self, error);

  _hangar_record_grid_notify (self, HANGAR_RECORD_GRID_PROP_LOADING);
  _hangar_record_grid_notify (self, HANGAR_RECORD_GRID_PROP_N_RECORDS);
  _hangar_record_grid_notify (self, HANGAR_RECORD_GRID_PROP_ERROR_MESSAGE);
}

static void
records_notify_cb (HangarRecordList *records,
                   GParamSpec       *pspec,
                   HangarRecordGrid *self)
{
  _hangar_record_grid_update_load_state (self);
  /* A page that arrived (or a load that ended) may leave the view still
   * near the end. */
  queue_load_more_check (self);
}

/* ---- loading on demand ---- */

/* Whether the view shows rows within two screens of the end of what is
 * loaded. Before the first allocation there is no page size: no. */
static gboolean
near_end (HangarRecordGrid *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);
  double value = gtk_adjustment_get_value (adjustment);
  double upper = gtk_adjustment_get_upper (adjustment);
  double page = gtk_adjustment_get_page_size (adjustment);

  if (page <= 0)
    return FALSE;
  return value + page >= upper - 2 * page;
}

static gboolean
load_more_idle_cb (gpointer user_data)
{
  HangarRecordGrid *self = user_data;

  self->more_idle_id = 0;
  if (self->records == NULL ||
      hangar_record_list_get_complete (self->records) ||
      hangar_record_list_get_loading (self->records) ||
      hangar_record_list_get_failed (self->records) != NULL ||   /* Retry continues */
      !gtk_widget_get_mapped (GTK_WIDGET (self->column_view)) ||
      !near_end (self))
    return G_SOURCE_REMOVE;

  g_debug ("Scrolled near the end of %u loaded records: loading the next page",
           hangar_record_list_get_n_loaded (self->records));
  hangar_record_list_load_more (self->records);
  _hangar_record_grid_update_load_state (self);
  return G_SOURCE_REMOVE;
}

/* Adjustments change while the view is being allocated: decide (and start
 * I/O) from an idle, never from inside layout. */
static void
queue_load_more_check (HangarRecordGrid *self)
{
  /* Idle priority on purpose: the check reads the view's adjustment,
   * which is only right once the new rows are laid out. */
  if (self->more_idle_id == 0 && self->records != NULL)
    self->more_idle_id = g_idle_add (load_more_idle_cb, self);
}

static void
vadjustment_changed_cb (GtkAdjustment    *adjustment,
                        HangarRecordGrid *self)
{
  queue_load_more_check (self);
}

static void
records_items_changed_cb (GListModel       *model,
                          guint             position,
                          guint             removed,
                          guint             added,
                          HangarRecordGrid *self)
{
  _hangar_record_grid_update_load_state (self);
}

void
_hangar_record_grid_clear_records (HangarRecordGrid *self)
{
  if (self->records != NULL)
    {
      /* Cancels the page in flight; the list's dispose cancels the rest. */
      g_signal_handlers_disconnect_by_data (self->records, self);
      hangar_record_list_stop (self->records);
      g_clear_object (&self->records);
    }
  if (self->cached != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->cached, self);
      g_clear_object (&self->cached);
    }
  g_clear_handle_id (&self->more_idle_id, g_source_remove);
  if (self->model != NULL)
    hangar_grid_model_set_model (self->model, NULL);
}

void
_hangar_record_grid_start_load (HangarRecordGrid *self)
{
  g_autoptr(HangarListOptions) options = NULL;

  /* Saved settings are being applied: one load follows, when all are. */
  if (self->restoring)
    return;
  _hangar_record_grid_queue_save_state (self);
  _hangar_record_grid_clear_records (self);
  hangar_filter_editor_set_error (self->filter_editor, NULL);
  _hangar_record_grid_update_query_label (self);

  if (self->client == NULL || self->table == NULL)
    {
      _hangar_record_grid_update_load_state (self);
      return;
    }
  /* The offline copy when it is the right source (hangar-record-grid-cache.c). */
  if (_hangar_record_grid_load_cached (self))
    return;

  options = build_options (self);
  self->records = hangar_record_list_new (self->client, self->base_id,
                                          hangar_table_get_id (self->table), options);
  g_signal_connect_object (self->records, "notify", G_CALLBACK (records_notify_cb), self, 0);
  g_signal_connect_object (self->records, "items-changed", G_CALLBACK (records_items_changed_cb), self,
                           G_CONNECT_AFTER);
  hangar_grid_model_set_model (self->model, G_LIST_MODEL (self->records));
  _hangar_record_grid_reapply_journal (self);
  /* The first page now; the next ones when the view nears the end. */
  hangar_record_list_load_more (self->records);
  _hangar_record_grid_update_load_state (self);
}

/* ---- views ---- */

void
_hangar_record_grid_rebuild_views (HangarRecordGrid *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  GPtrArray *views = self->table != NULL ? hangar_table_get_views (self->table) : NULL;

  gtk_string_list_append (names, _("All records"));
  for (guint i = 0; views != NULL && i < views->len; i++)
    gtk_string_list_append (names, hangar_view_get_name (g_ptr_array_index (views, i)));

  self->updating_views = TRUE;
  gtk_drop_down_set_model (self->view_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->view_dropdown, 0);
  self->updating_views = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->view_dropdown), views != NULL && views->len > 0);
}

static void
view_selected_cb (GtkDropDown      *dropdown,
                  GParamSpec       *pspec,
                  HangarRecordGrid *self)
{
  guint selected = gtk_drop_down_get_selected (dropdown);
  GPtrArray *views = self->table != NULL ? hangar_table_get_views (self->table) : NULL;
  const char *view_id = NULL;

  if (self->updating_views)
    return;
  if (views != NULL && selected != GTK_INVALID_LIST_POSITION && selected >= 1 && selected - 1 < views->len)
    view_id = hangar_view_get_id (g_ptr_array_index (views, selected - 1));
  if (g_strcmp0 (view_id, self->view_id) == 0)
    return;
  g_free (self->view_id);
  self->view_id = g_strdup (view_id);
  _hangar_record_grid_start_load (self);
}

/* ---- linked tables ---- */

static void
base_schema_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  HangarRecordGrid *self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tables = hangar_client_get_base_schema_finish (HANGAR_CLIENT (source), result, &error);

  /* No reference is held while the request runs (so dropping the grid
   * disposes it at once); dispose cancels, and a cancelled call never gets
   * here with a live grid. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = HANGAR_RECORD_GRID (user_data);
  if (tables == NULL)
    {
      /* Links then show their record ids; not worth an error banner. */
      g_debug ("No base schema for linked records: %s", error->message);
      return;
    }
  if (self->links == NULL)
    return;

  for (guint i = 0; i < tables->len; i++)
    {
      HangarTable *table = g_ptr_array_index (tables, i);
      HangarField *primary = hangar_table_get_primary_field (table);

      if (primary != NULL)
        hangar_link_cache_set_primary_field (self->links, hangar_table_get_id (table), primary);
    }
}

void
_hangar_record_grid_setup_links (HangarRecordGrid *self)
{
  gboolean has_links = FALSE;

  if (self->links != NULL)
    hangar_link_cache_cancel (self->links);
  g_clear_object (&self->links);
  if (self->schema_cancellable != NULL)
    g_cancellable_cancel (self->schema_cancellable);
  g_clear_object (&self->schema_cancellable);

  if (self->client == NULL || self->fields == NULL)
    return;

  self->links = hangar_link_cache_new (self->client, self->base_id);

  for (guint i = 0; i < self->fields->len; i++)
    if (hangar_field_get_field_type (g_ptr_array_index (self->fields, i)) == HANGAR_FIELD_TYPE_MULTIPLE_RECORD_LINKS)
      has_links = TRUE;
  if (!has_links)
    return;

  /* The table itself may be linked to: its primary field is known already. */
  if (hangar_table_get_primary_field (self->table) != NULL)
    hangar_link_cache_set_primary_field (self->links, hangar_table_get_id (self->table),
                                         hangar_table_get_primary_field (self->table));

  self->schema_cancellable = g_cancellable_new ();
  hangar_client_get_base_schema_async (self->client, self->base_id, self->schema_cancellable,
                                       base_schema_cb, self);
}

/* ---- callbacks ---- */

static void
sort_changed_cb (HangarRecordGrid *self)
{
  _hangar_record_grid_start_load (self);
}

static void
filter_apply_cb (HangarRecordGrid *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *formula = hangar_filter_editor_build_formula (self->filter_editor, &error);

  if (error != NULL)
    {
      hangar_filter_editor_set_error (self->filter_editor, error->message);
      return;
    }
  g_free (self->filter_formula);
  self->filter_formula = g_steal_pointer (&formula);
  _hangar_record_grid_start_load (self);
}

static void
search_changed_cb (HangarRecordGrid *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *trimmed = g_strstrip (g_strdup (text));

  if (g_strcmp0 (trimmed, self->search_text != NULL ? self->search_text : "") == 0)
    return;
  g_free (self->search_text);
  self->search_text = *trimmed != '\0' ? g_steal_pointer (&trimmed) : NULL;
  _hangar_record_grid_start_load (self);
}

void
_hangar_record_grid_retry (HangarRecordGrid *self)
{
  /* A failed list continues from the page that failed. */
  if (self->records != NULL && hangar_record_list_get_failed (self->records) != NULL &&
      !g_error_matches (hangar_record_list_get_failed (self->records),
                        HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_FORMULA))
    {
      hangar_record_list_load_more (self->records);
      _hangar_record_grid_update_load_state (self);
    }
  else
    _hangar_record_grid_start_load (self);
}

void
_hangar_record_grid_cancel_links (HangarRecordGrid *self)
{
  if (self->schema_cancellable != NULL)
    g_cancellable_cancel (self->schema_cancellable);
  g_clear_object (&self->schema_cancellable);
  if (self->links != NULL)
    hangar_link_cache_cancel (self->links);
}

void
_hangar_record_grid_class_init_load (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, sort_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, filter_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
}

void
_hangar_record_grid_init_load (HangarRecordGrid *self)
{
  GtkAdjustment *vadjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);

  self->model = hangar_grid_model_new ();
  g_signal_connect (self->view_dropdown, "notify::selected", G_CALLBACK (view_selected_cb), self);
  g_signal_connect_object (vadjustment, "value-changed", G_CALLBACK (vadjustment_changed_cb), self, 0);
  g_signal_connect_object (vadjustment, "changed", G_CALLBACK (vadjustment_changed_cb), self, 0);
}


gboolean
hangar_record_grid_get_loading (HangarRecordGrid *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_GRID (self), FALSE);

  if (self->cached != NULL)
    return _hangar_record_grid_cached_loading (self);
  return self->records != NULL && hangar_record_list_get_loading (self->records);
}

/**
 * hangar_record_grid_set_search:
 * @self: a #HangarRecordGrid
 * @text: (nullable): text to search for in the text fields
 *
 * Sets the search entry's text; the search runs after the entry's 300 ms
 * debounce, as typed text does.
 */
void
hangar_record_grid_set_search (HangarRecordGrid *self,
                               const char       *text)
{
  g_return_if_fail (HANGAR_IS_RECORD_GRID (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
}

/**
 * hangar_record_grid_set_view:
 * @self: a #HangarRecordGrid
 * @view_name_or_id: (nullable): a view of the table, %NULL for all records
 *
 * Selects the view in the view selector (which reloads the records).
 */
void
hangar_record_grid_set_view (HangarRecordGrid *self,
                             const char       *view_name_or_id)
{
  GPtrArray *views;

  g_return_if_fail (HANGAR_IS_RECORD_GRID (self));

  views = self->table != NULL ? hangar_table_get_views (self->table) : NULL;
  if (view_name_or_id == NULL)
    {
      gtk_drop_down_set_selected (self->view_dropdown, 0);
      return;
    }
  for (guint i = 0; views != NULL && i < views->len; i++)
    {
      HangarView *view = g_ptr_array_index (views, i);

      if (g_strcmp0 (hangar_view_get_id (view), view_name_or_id) == 0 ||
          g_strcmp0 (hangar_view_get_name (view), view_name_or_id) == 0)
        gtk_drop_down_set_selected (self->view_dropdown, i + 1);
    }
}

/**
 * hangar_record_grid_get_count_text:
 * @self: a #HangarRecordGrid
 *
 * Returns: the status bar's record count, e.g. "100 records loaded — scroll
 *   for more", "Loading… 200 records" or "1000 records"
 */
const char *
hangar_record_grid_get_count_text (HangarRecordGrid *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_GRID (self), NULL);

  return gtk_label_get_text (self->count_label);
}

HangarSortEditor *
hangar_record_grid_get_sort_editor (HangarRecordGrid *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_GRID (self), NULL);

  return self->sort_editor;
}

HangarFilterEditor *
hangar_record_grid_get_filter_editor (HangarRecordGrid *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_GRID (self), NULL);

  return self->filter_editor;
}
