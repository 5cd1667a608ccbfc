/* hangar-record-grid.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-account.h"
#include "hangar-client.h"
#include "hangar-error.h"
#include "hangar-filter-editor.h"
#include "hangar-formula.h"
#include "hangar-grid-cell.h"
#include "hangar-grid-model.h"
#include "hangar-link-cache.h"
#include "hangar-record-detail.h"
#include "hangar-record-grid.h"
#include "hangar-record-list.h"
#include "hangar-sort-editor.h"

/**
 * HangarRecordGrid:
 *
 * One table's records in a #GtkColumnView over the client's page-by-page
 * #HangarRecordList, one column per field built in code. Sort, filter, view
 * and search are sent to Airtable (`sort[]`, `filterByFormula`, `view`) and
 * the list is reloaded, so they cover the whole table and not only the
 * loaded pages. Field visibility is local: every field is still requested,
 * so showing a field again needs no reload and the detail panel always has
 * every value.
 *
 * Records load on demand: the first page at once, then the next page only
 * when the view is scrolled to within about two screens of the end of what
 * is loaded (the scrolled window's vertical adjustment), so a table of
 * 100,000 records costs a request or two (the list model also fetches a page
 * ahead when the view asks for rows near its end) until the user scrolls.
 * The status bar says "100 records loaded — scroll for more" until the last
 * page came. An operation that needs every record (none yet; "select all"
 * would) calls hangar_record_list_load_all_async() on the list.
 *
 * The grid owns one #GCancellable per load; a new table, sort, filter,
 * search or view cancels the load in flight, and dispose cancels everything.
 * A 429 pause of the base (#HangarRateState) shows a banner with a live
 * countdown.
 */

struct _HangarRecordGrid
{
  GtkWidget           parent_instance;

  /* template */
  GtkBox             *toolbar;
  GtkDropDown        *view_dropdown;
  GtkMenuButton      *sort_button;
  GtkMenuButton      *filter_button;
  GtkMenuButton      *fields_button;
  AdwButtonContent   *sort_content;
  AdwButtonContent   *filter_content;
  AdwButtonContent   *fields_content;
  GtkPopover         *filter_popover;
  HangarSortEditor   *sort_editor;
  HangarFilterEditor *filter_editor;
  GtkBox             *fields_box;
  GtkSearchEntry     *search_entry;
  GtkToggleButton    *search_toggle;
  GtkWidget          *reload_button;
  GtkToggleButton    *detail_button;
  GtkRevealer        *rate_revealer;
  GtkLabel           *rate_label;
  GtkRevealer        *error_revealer;
  GtkLabel           *error_label;
  GtkStack           *content_stack;
  GtkScrolledWindow  *scrolled_window;
  GtkColumnView      *column_view;
  AdwStatusPage      *empty_page;
  HangarRecordDetail *detail;
  GtkSpinner         *spinner;
  GtkLabel           *count_label;
  GtkLabel           *query_label;

  /* what is shown */
  HangarClient       *client;
  char               *base_id;
  HangarTable        *table;
  GPtrArray          *fields;        /* HangarField, table order */
  GHashTable         *hidden;        /* field names hidden locally */
  HangarLinkCache    *links;

  /* the query */
  char               *view_id;
  char               *filter_formula;
  char               *search_text;

  /* the load */
  HangarRecordList   *records;
  HangarGridModel    *model;         /* records, with edited ones replaced */
  GtkSingleSelection *selection;
  GCancellable       *schema_cancellable;
  guint               more_idle_id;  /* checks whether to load the next page */

  /* rate-limit banner */
  HangarRateState    *rate_state;
  gulong              rate_handler;
  guint               countdown_id;

  gboolean            updating_views;

  /* narrow layout (see hangar_record_grid_size_allocate) */
  gboolean            compact;
  gboolean            detail_when_wide;  /* the detail panel's state to restore */
  int                 wide_min_width;    /* what the wide layout needed when last measured */
  int                 compact_min_width; /* what the narrow one needed */
  GtkWidget          *button_contents[3];  /* sort, filter, fields: labelled contents (owned) */
  GtkListItemFactory *view_label_factory;
  GtkListItemFactory *view_icon_factory;
  GtkLayoutManager   *layout;          /* a vertical box, driven by measure and size_allocate */
};

G_DEFINE_FINAL_TYPE (HangarRecordGrid, hangar_record_grid, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TABLE,
  PROP_LOADING,
  PROP_N_RECORDS,
  PROP_ERROR_MESSAGE,
  PROP_RATE_LIMITED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start_load (HangarRecordGrid *self);
static void queue_load_more_check (HangarRecordGrid *self);

/* ---- helpers ---- */

static void
ensure_style (void)
{
  static gboolean done;
  GdkDisplay *display = gdk_display_get_default ();
  g_autoptr(GtkCssProvider) provider = NULL;

  if (done || display == NULL)
    return;
  done = TRUE;

  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, "/io/github/tablehangar/Hangar/hangar-grid.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (display),
                                    "/io/github/tablehangar/Hangar/icons");
}

static HangarField *
lookup_field (HangarRecordGrid *self,
              const char       *name)
{
  for (guint i = 0; self->fields != NULL && i < self->fields->len; i++)
    if (g_strcmp0 (hangar_field_get_name (g_ptr_array_index (self->fields, i)), name) == 0)
      return g_ptr_array_index (self->fields, i);
  return NULL;
}

static int
column_width_for (HangarField *field)
{
  switch ((int) hangar_field_get_field_type (field))
    {
    case HANGAR_FIELD_TYPE_CHECKBOX:
      return 72;
    case HANGAR_FIELD_TYPE_NUMBER:
    case HANGAR_FIELD_TYPE_PERCENT:
    case HANGAR_FIELD_TYPE_CURRENCY:
    case HANGAR_FIELD_TYPE_DURATION:
    case HANGAR_FIELD_TYPE_RATING:
    case HANGAR_FIELD_TYPE_COUNT:
    case HANGAR_FIELD_TYPE_AUTO_NUMBER:
      return 100;
    case HANGAR_FIELD_TYPE_DATE:
      return 110;
    case HANGAR_FIELD_TYPE_DATE_TIME:
    case HANGAR_FIELD_TYPE_CREATED_TIME:
    case HANGAR_FIELD_TYPE_LAST_MODIFIED_TIME:
      return 160;
    case HANGAR_FIELD_TYPE_MULTILINE_TEXT:
    case HANGAR_FIELD_TYPE_RICH_TEXT:
    case HANGAR_FIELD_TYPE_MULTIPLE_SELECTS:
    case HANGAR_FIELD_TYPE_MULTIPLE_ATTACHMENTS:
      return 220;
    default:
      return 160;
    }
}

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

static void
update_query_label (HangarRecordGrid *self)
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
        g_string_append_printf (text, _(" and %u more"), n_sorts - 1);
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

static void
update_load_state (HangarRecordGrid *self)
{
  guint n = self->records != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->records)) : 0;
  gboolean loading = self->records != NULL && hangar_record_list_get_loading (self->records);
  const GError *error = self->records != NULL ? hangar_record_list_get_failed (self->records) : NULL;
  g_autofree char *count = NULL;

  gtk_spinner_set_spinning (self->spinner, loading);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), loading);

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

  if (error != NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_FORMULA))
        {
          const char *server = hangar_api_error_get_server_message (error);

          message = g_strdup_printf (_("The filter is not a valid formula: %s"),
                                     server != NULL ? server : error->message);
          /* Inline in the filter editor too; what the user typed stays. */
          hangar_filter_editor_set_error (self->filter_editor, server != NULL ? server : error->message);
        }
      else
        message = g_strdup_printf (_("Load failed: %s"), error->message);
      gtk_label_set_text (self->error_label, message);
    }
  gtk_revealer_set_reveal_child (self->error_revealer, error != NULL);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_RECORDS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
}

static void
records_notify_cb (HangarRecordList *records,
                   GParamSpec       *pspec,
                   HangarRecordGrid *self)
{
  update_load_state (self);
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
  update_load_state (self);
  return G_SOURCE_REMOVE;
}

/* Adjustments change while the view is being allocated: decide (and start
 * I/O) from an idle, never from inside layout. */
static void
queue_load_more_check (HangarRecordGrid *self)
{
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
  update_load_state (self);
}

static void
clear_records (HangarRecordGrid *self)
{
  if (self->records != NULL)
    {
      /* Cancels the page in flight; the list's dispose cancels the rest. */
      g_signal_handlers_disconnect_by_data (self->records, self);
      hangar_record_list_stop (self->records);
      g_clear_object (&self->records);
    }
  g_clear_handle_id (&self->more_idle_id, g_source_remove);
  if (self->model != NULL)
    hangar_grid_model_set_model (self->model, NULL);
}

static void
start_load (HangarRecordGrid *self)
{
  g_autoptr(HangarListOptions) options = NULL;

  clear_records (self);
  hangar_filter_editor_set_error (self->filter_editor, NULL);
  update_query_label (self);

  if (self->client == NULL || self->table == NULL)
    {
      update_load_state (self);
      return;
    }

  options = build_options (self);
  self->records = hangar_record_list_new (self->client, self->base_id,
                                          hangar_table_get_id (self->table), options);
  g_signal_connect_object (self->records, "notify", G_CALLBACK (records_notify_cb), self, 0);
  g_signal_connect_object (self->records, "items-changed", G_CALLBACK (records_items_changed_cb), self,
                           G_CONNECT_AFTER);
  hangar_grid_model_set_model (self->model, G_LIST_MODEL (self->records));
  /* The first page now; the next ones when the view nears the end. */
  hangar_record_list_load_more (self->records);
  update_load_state (self);
}

/* ---- rate-limit banner ---- */

static gboolean
countdown_tick_cb (gpointer user_data);

static void
update_rate_banner (HangarRecordGrid *self)
{
  gint64 remaining_ms = self->rate_state != NULL ? hangar_rate_state_get_remaining_ms (self->rate_state) : 0;
  gboolean paused = remaining_ms > 0;
  gboolean was_paused = gtk_revealer_get_reveal_child (self->rate_revealer);

  if (paused)
    {
      guint seconds = (guint) ((remaining_ms + 999) / 1000);
      g_autofree char *text =
        g_strdup_printf (g_dngettext (NULL,
                                      "Airtable asked us to slow down — resuming in %u s",
                                      "Airtable asked us to slow down — resuming in %u s",
                                      seconds),
                         seconds);

      gtk_label_set_text (self->rate_label, text);
      if (self->countdown_id == 0)
        self->countdown_id = g_timeout_add (250, countdown_tick_cb, self);
    }
  else
    g_clear_handle_id (&self->countdown_id, g_source_remove);

  gtk_revealer_set_reveal_child (self->rate_revealer, paused);
  if (was_paused != paused)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE_LIMITED]);
}

static gboolean
countdown_tick_cb (gpointer user_data)
{
  HangarRecordGrid *self = user_data;

  if (self->rate_state == NULL || hangar_rate_state_get_remaining_ms (self->rate_state) <= 0)
    {
      self->countdown_id = 0;
      update_rate_banner (self);
      return G_SOURCE_REMOVE;
    }
  update_rate_banner (self);
  return G_SOURCE_CONTINUE;
}

static void
rate_state_notify_cb (HangarRateState  *state,
                      GParamSpec       *pspec,
                      HangarRecordGrid *self)
{
  update_rate_banner (self);
}

static void
set_rate_state (HangarRecordGrid *self,
                HangarRateState  *state)
{
  if (self->rate_state == state)
    return;
  if (self->rate_state != NULL)
    g_clear_signal_handler (&self->rate_handler, self->rate_state);
  g_set_object (&self->rate_state, state);
  if (state != NULL)
    self->rate_handler = g_signal_connect (state, "notify::paused-until",
                                           G_CALLBACK (rate_state_notify_cb), self);
  update_rate_banner (self);
}

/* ---- columns ---- */

/* GTK 4.8 has no header factory (4.12): the title of a column is a label in
 * an internal GtkColumnViewTitle (css name "button") holding a box. Add the
 * field-type icon, and the lock of computed fields, into that box. The
 * header's children are in column order. Only decoration: if the structure
 * differs in another GTK version nothing is added. */
static void
decorate_headers (HangarRecordGrid *self)
{
  GtkWidget *header = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
  GtkWidget *title;
  guint i = 0;

  if (header == NULL || g_strcmp0 (gtk_widget_get_css_name (header), "header") != 0)
    return;

  for (title = gtk_widget_get_first_child (header);
       title != NULL && i < self->fields->len;
       title = gtk_widget_get_next_sibling (title), i++)
    {
      HangarField *field = g_ptr_array_index (self->fields, i);
      GtkWidget *box = gtk_widget_get_first_child (title);
      GtkWidget *label = box != NULL ? gtk_widget_get_first_child (box) : NULL;
      GtkWidget *icon;
      g_autofree char *tooltip = NULL;

      if (!GTK_IS_BOX (box) || !GTK_IS_LABEL (label))
        return;

      icon = gtk_image_new_from_icon_name (hangar_grid_field_icon_name (field));
      gtk_widget_add_css_class (icon, "field-type-icon");
      gtk_box_prepend (GTK_BOX (box), icon);

      if (hangar_field_is_computed (field))
        {
          GtkWidget *lock = gtk_image_new_from_icon_name ("changes-prevent-symbolic");

          gtk_widget_add_css_class (lock, "computed-lock");
          gtk_box_insert_child_after (GTK_BOX (box), lock, label);
          gtk_widget_add_css_class (title, "computed-field");
          tooltip = g_strdup_printf (_("%s (%s)\nComputed — read only"),
                                     hangar_field_get_name (field),
                                     hangar_field_get_display_name (field));
        }
      else
        tooltip = g_strdup_printf ("%s (%s)",
                                   hangar_field_get_name (field),
                                   hangar_field_get_display_name (field));
      gtk_widget_set_tooltip_text (title, tooltip);
    }
}

static GMenuModel *
header_menu_for (HangarField *field)
{
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenu) sort = g_menu_new ();
  g_autoptr(GMenu) other = g_menu_new ();
  const char *name = hangar_field_get_name (field);
  g_autoptr(GMenuItem) item = NULL;

  item = g_menu_item_new (_("Sort Ascending"), NULL);
  g_menu_item_set_action_and_target (item, "grid.sort-ascending", "s", name);
  g_menu_append_item (sort, item);
  g_clear_object (&item);

  item = g_menu_item_new (_("Sort Descending"), NULL);
  g_menu_item_set_action_and_target (item, "grid.sort-descending", "s", name);
  g_menu_append_item (sort, item);
  g_clear_object (&item);

  item = g_menu_item_new (_("Hide Field"), NULL);
  g_menu_item_set_action_and_target (item, "grid.hide-field", "s", name);
  g_menu_append_item (other, item);

  g_menu_append_section (menu, NULL, G_MENU_MODEL (sort));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (other));
  return G_MENU_MODEL (menu);
}

static void
field_toggled_cb (GtkCheckButton   *button,
                  HangarRecordGrid *self)
{
  const char *name = g_object_get_data (G_OBJECT (button), "field-name");

  hangar_record_grid_set_field_visible (self, name, gtk_check_button_get_active (button));
}

static void
rebuild_columns (HangarRecordGrid *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);
  GtkWidget *child;

  while (g_list_model_get_n_items (columns) > 0)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, 0);

      gtk_column_view_remove_column (self->column_view, column);
    }
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->fields_box))) != NULL)
    gtk_box_remove (self->fields_box, child);

  for (guint i = 0; self->fields != NULL && i < self->fields->len; i++)
    {
      HangarField *field = g_ptr_array_index (self->fields, i);
      g_autoptr(GtkListItemFactory) factory = hangar_grid_cell_factory_new (field, self->links);
      g_autoptr(GtkColumnViewColumn) column = gtk_column_view_column_new (hangar_field_get_name (field),
                                                                         g_steal_pointer (&factory));
      g_autoptr(GMenuModel) menu = header_menu_for (field);
      GtkWidget *check;

      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_column_set_fixed_width (column,
                                              field == hangar_table_get_primary_field (self->table)
                                              ? 210 : column_width_for (field));
      gtk_column_view_column_set_header_menu (column, menu);
      g_object_set_data_full (G_OBJECT (column), "hangar-field", g_object_ref (field), g_object_unref);
      gtk_column_view_append_column (self->column_view, column);

      check = gtk_check_button_new_with_label (hangar_field_get_name (field));
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
      g_object_set_data_full (G_OBJECT (check), "field-name",
                              g_strdup (hangar_field_get_name (field)), g_free);
      g_signal_connect (check, "toggled", G_CALLBACK (field_toggled_cb), self);
      gtk_box_append (self->fields_box, check);
    }

  decorate_headers (self);
}

/* ---- views ---- */

static void
rebuild_views (HangarRecordGrid *self)
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
  start_load (self);
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

static void
setup_links (HangarRecordGrid *self)
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
  start_load (self);
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
  start_load (self);
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
  start_load (self);
}

static void
selection_changed_cb (GtkSingleSelection *selection,
                      GParamSpec         *pspec,
                      HangarRecordGrid   *self)
{
  hangar_record_detail_set_record (self->detail, gtk_single_selection_get_selected_item (selection));
}

static void
row_activated_cb (HangarRecordGrid *self,
                  guint             position)
{
  gtk_single_selection_set_selected (self->selection, position);
  gtk_toggle_button_set_active (self->detail_button, TRUE);
}

/* ---- actions ---- */

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  start_load (HANGAR_RECORD_GRID (widget));
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  HangarRecordGrid *self = HANGAR_RECORD_GRID (widget);

  /* A failed list continues from the page that failed. */
  if (self->records != NULL && hangar_record_list_get_failed (self->records) != NULL &&
      !g_error_matches (hangar_record_list_get_failed (self->records),
                        HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_FORMULA))
    {
      hangar_record_list_load_more (self->records);
      update_load_state (self);
    }
  else
    start_load (self);
}

static void
sort_field_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  HangarRecordGrid *self = HANGAR_RECORD_GRID (widget);
  const char *name = g_variant_get_string (parameter, NULL);

  /* From a column header: make it the only sort. */
  hangar_sort_editor_clear (self->sort_editor);
  hangar_sort_editor_add_sort (self->sort_editor, name,
                               g_str_equal (action_name, "grid.sort-descending"));
}

static void
hide_field_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  hangar_record_grid_set_field_visible (HANGAR_RECORD_GRID (widget),
                                        g_variant_get_string (parameter, NULL), FALSE);
}

static void
show_all_fields_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  HangarRecordGrid *self = HANGAR_RECORD_GRID (widget);

  for (guint i = 0; self->fields != NULL && i < self->fields->len; i++)
    hangar_record_grid_set_field_visible (self, hangar_field_get_name (g_ptr_array_index (self->fields, i)), TRUE);
}

static void
focus_search_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  HangarRecordGrid *self = HANGAR_RECORD_GRID (widget);

  if (self->compact)
    gtk_toggle_button_set_active (self->search_toggle, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
toggle_detail_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  HangarRecordGrid *self = HANGAR_RECORD_GRID (widget);

  gtk_toggle_button_set_active (self->detail_button, !gtk_toggle_button_get_active (self->detail_button));
}

static void
popup_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  HangarRecordGrid *self = HANGAR_RECORD_GRID (widget);

  if (g_str_equal (action_name, "grid.show-sort"))
    gtk_menu_button_popup (self->sort_button);
  else
    gtk_menu_button_popup (self->filter_button);
}

/* ---- narrow layout ---- */

/* GTK 4.8 and libadwaita 1.2 have no breakpoints: the grid picks its layout
 * from the width it is given (size_allocate), and reports the narrow
 * layout's minimum width even while wide (measure), so that a window can be
 * made narrower than the wide toolbar and detail panel need.
 *
 * Narrow: View, Sort, Filter and Fields are icon-only (their accessible
 * names and tooltips stay); the search entry gives way to a toggle button
 * that swaps the toolbar for the entry; the detail panel is hidden and,
 * when opened (F9, the toolbar button, Enter on a row), takes the grid's
 * place instead of sitting beside it. */

/* Before the narrow layout was ever measured: a width it fits in. */
#define COMPACT_MIN_WIDTH_GUESS 360
/* Going back to wide needs this much more than the wide layout's last
 * known minimum (labels may have changed meanwhile). */
#define WIDE_HYSTERESIS 24

static const char * const button_icons[] = {
  "view-sort-descending-symbolic", "hangar-filter-symbolic", "view-reveal-symbolic",
};

static GtkMenuButton *
compact_button (HangarRecordGrid *self,
                guint             i)
{
  GtkMenuButton *buttons[] = { self->sort_button, self->filter_button, self->fields_button };

  return buttons[i];
}

static void
update_compact_visibility (HangarRecordGrid *self)
{
  gboolean searching = self->compact && gtk_toggle_button_get_active (self->search_toggle);
  gboolean detail = gtk_toggle_button_get_active (self->detail_button);

  gtk_widget_set_visible (GTK_WIDGET (self->view_dropdown), !searching);
  gtk_widget_set_visible (GTK_WIDGET (self->sort_button), !searching);
  gtk_widget_set_visible (GTK_WIDGET (self->filter_button), !searching);
  gtk_widget_set_visible (GTK_WIDGET (self->fields_button), !searching);
  gtk_widget_set_visible (self->reload_button, !searching);
  gtk_widget_set_visible (GTK_WIDGET (self->detail_button), !searching);
  gtk_widget_set_visible (GTK_WIDGET (self->search_entry), !self->compact || searching);
  gtk_widget_set_visible (GTK_WIDGET (self->search_toggle), self->compact);
  /* Narrow: an open detail panel replaces the grid. */
  gtk_widget_set_visible (GTK_WIDGET (self->content_stack), !(self->compact && detail));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "grid.close-detail", self->compact && detail);
}

static void
set_compact (HangarRecordGrid *self,
             gboolean          compact)
{
  if (self->compact == compact)
    return;
  self->compact = compact;

  for (guint i = 0; i < G_N_ELEMENTS (self->button_contents); i++)
    {
      if (compact)
        gtk_menu_button_set_icon_name (compact_button (self, i), button_icons[i]);
      else
        gtk_menu_button_set_child (compact_button (self, i), self->button_contents[i]);
    }
  gtk_drop_down_set_factory (self->view_dropdown, compact ? self->view_icon_factory : self->view_label_factory);

  if (compact)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self), "narrow");
      self->detail_when_wide = gtk_toggle_button_get_active (self->detail_button);
      gtk_toggle_button_set_active (self->detail_button, FALSE);
      /* A search in progress stays in view. */
      gtk_toggle_button_set_active (self->search_toggle,
                                    gtk_widget_has_focus (GTK_WIDGET (self->search_entry)) ||
                                    gtk_editable_get_text (GTK_EDITABLE (self->search_entry))[0] != '\0');
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self), "narrow");
      if (self->detail_when_wide)
        gtk_toggle_button_set_active (self->detail_button, TRUE);
      gtk_toggle_button_set_active (self->search_toggle, FALSE);
    }
  update_compact_visibility (self);
}

static void
search_toggled_cb (HangarRecordGrid *self)
{
  update_compact_visibility (self);
  if (self->compact && gtk_toggle_button_get_active (self->search_toggle))
    gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  else if (self->compact && gtk_widget_get_focus_child (GTK_WIDGET (self->toolbar)) == NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->search_toggle));
}

static void
stop_search_cb (HangarRecordGrid *self)
{
  /* Escape in the entry: narrow, the toolbar comes back. */
  if (self->compact)
    gtk_toggle_button_set_active (self->search_toggle, FALSE);
}

static void
detail_toggled_cb (HangarRecordGrid *self)
{
  update_compact_visibility (self);
}

/* Escape, narrow, with the detail panel in the grid's place: back to the
 * grid. The action is disabled otherwise, so the key goes on to others. */
static void
close_detail_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  HangarRecordGrid *self = HANGAR_RECORD_GRID (widget);

  gtk_toggle_button_set_active (self->detail_button, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
}

static void
view_label_setup_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *item,
                     gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (item, label);
}

static void
view_label_bind_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    gpointer                  user_data)
{
  GtkStringObject *string = gtk_list_item_get_item (item);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), gtk_string_object_get_string (string));
}

static void
view_icon_setup_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    gpointer                  user_data)
{
  gtk_list_item_set_child (item, gtk_image_new_from_icon_name ("view-list-symbolic"));
}

static void
view_tooltip_cb (HangarRecordGrid *self)
{
  GtkStringObject *string = gtk_drop_down_get_selected_item (self->view_dropdown);
  g_autofree char *tooltip = NULL;

  /* Icon-only when narrow: the tooltip names the view shown. */
  if (string != NULL)
    tooltip = g_strdup_printf (_("Airtable view: %s"), gtk_string_object_get_string (string));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->view_dropdown), tooltip != NULL ? tooltip : _("Airtable view"));
}

static void
hangar_record_grid_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  HangarRecordGrid *self = HANGAR_RECORD_GRID (widget);

  gtk_layout_manager_measure (self->layout, widget, orientation, for_size, minimum, natural,
                              minimum_baseline, natural_baseline);
  if (orientation != GTK_ORIENTATION_HORIZONTAL)
    return;
  if (self->compact)
    self->compact_min_width = *minimum;
  else
    {
      self->wide_min_width = *minimum;
      *minimum = MIN (*minimum, self->compact_min_width);
    }
}

static void
hangar_record_grid_size_allocate (GtkWidget *widget,
                                  int        width,
                                  int        height,
                                  int        baseline)
{
  HangarRecordGrid *self = HANGAR_RECORD_GRID (widget);

  if (!self->compact && width < self->wide_min_width)
    set_compact (self, TRUE);
  else if (self->compact && width >= self->wide_min_width + WIDE_HYSTERESIS)
    {
      set_compact (self, FALSE);
      /* The wide layout may need more now (a longer label): measure it
       * again, and stay narrow if it does not fit after all. */
      {
        int min = 0, nat = 0;

        gtk_layout_manager_measure (self->layout, widget, GTK_ORIENTATION_HORIZONTAL, -1,
                                    &min, &nat, NULL, NULL);
        self->wide_min_width = min;
        if (width < min)
          set_compact (self, TRUE);
      }
    }
  gtk_layout_manager_allocate (self->layout, widget, width, height, baseline);
}

static GtkSizeRequestMode
hangar_record_grid_get_request_mode (GtkWidget *widget)
{
  /* The banners' labels wrap. */
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

/* ---- GObject ---- */

static void
hangar_record_grid_dispose (GObject *object)
{
  HangarRecordGrid *self = HANGAR_RECORD_GRID (object);
  GtkWidget *child;

  clear_records (self);
  if (self->schema_cancellable != NULL)
    g_cancellable_cancel (self->schema_cancellable);
  g_clear_object (&self->schema_cancellable);
  if (self->links != NULL)
    hangar_link_cache_cancel (self->links);
  set_rate_state (self, NULL);
  g_clear_handle_id (&self->countdown_id, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_RECORD_GRID);
  /* Children without a bound id are not removed by the above. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  for (guint i = 0; i < G_N_ELEMENTS (self->button_contents); i++)
    g_clear_object (&self->button_contents[i]);
  g_clear_object (&self->view_label_factory);
  g_clear_object (&self->view_icon_factory);
  g_clear_object (&self->layout);
  g_clear_object (&self->selection);
  g_clear_object (&self->model);
  g_clear_object (&self->links);
  g_clear_object (&self->client);
  g_clear_object (&self->table);
  g_clear_pointer (&self->fields, g_ptr_array_unref);

  G_OBJECT_CLASS (hangar_record_grid_parent_class)->dispose (object);
}

static void
hangar_record_grid_finalize (GObject *object)
{
  HangarRecordGrid *self = HANGAR_RECORD_GRID (object);

  g_clear_pointer (&self->hidden, g_hash_table_unref);
  g_free (self->base_id);
  g_free (self->view_id);
  g_free (self->filter_formula);
  g_free (self->search_text);

  G_OBJECT_CLASS (hangar_record_grid_parent_class)->finalize (object);
}

static void
hangar_record_grid_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  HangarRecordGrid *self = HANGAR_RECORD_GRID (object);

  switch (prop_id)
    {
    case PROP_TABLE:
      g_value_set_object (value, self->table);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, hangar_record_grid_get_loading (self));
      break;
    case PROP_N_RECORDS:
      g_value_set_uint (value, self->records != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->records)) : 0);
      break;
    case PROP_ERROR_MESSAGE:
      {
        const GError *error = self->records != NULL ? hangar_record_list_get_failed (self->records) : NULL;

        g_value_set_string (value, error != NULL ? error->message : NULL);
      }
      break;
    case PROP_RATE_LIMITED:
      g_value_set_boolean (value, gtk_revealer_get_reveal_child (self->rate_revealer));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_record_grid_class_init (HangarRecordGridClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_record_grid_dispose;
  object_class->finalize = hangar_record_grid_finalize;
  object_class->get_property = hangar_record_grid_get_property;
  widget_class->measure = hangar_record_grid_measure;
  widget_class->size_allocate = hangar_record_grid_size_allocate;
  widget_class->get_request_mode = hangar_record_grid_get_request_mode;

  properties[PROP_TABLE] =
    g_param_spec_object ("table", NULL, NULL, HANGAR_TYPE_TABLE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * HangarRecordGrid:loading:
   *
   * Whether a page of records is in flight.
   */
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_RECORDS] =
    g_param_spec_uint ("n-records", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * HangarRecordGrid:error-message:
   *
   * Why the last load failed, or %NULL.
   */
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * HangarRecordGrid:rate-limited:
   *
   * Whether the rate-limit banner (a 429 pause of the base) is shown.
   */
  properties[PROP_RATE_LIMITED] =
    g_param_spec_boolean ("rate-limited", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tablehangar/Hangar/hangar-record-grid.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, toolbar);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, view_dropdown);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, sort_button);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, filter_button);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, fields_button);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, sort_content);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, filter_content);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, fields_content);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, filter_popover);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, sort_editor);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, filter_editor);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, fields_box);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, search_entry);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, search_toggle);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, reload_button);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, detail_button);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, rate_revealer);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, rate_label);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, error_label);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, content_stack);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, column_view);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, empty_page);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, detail);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, spinner);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, count_label);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, query_label);
  gtk_widget_class_bind_template_callback (widget_class, sort_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, filter_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);

  gtk_widget_class_install_action (widget_class, "grid.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "grid.retry", NULL, retry_action);
  gtk_widget_class_install_action (widget_class, "grid.sort-ascending", "s", sort_field_action);
  gtk_widget_class_install_action (widget_class, "grid.sort-descending", "s", sort_field_action);
  gtk_widget_class_install_action (widget_class, "grid.hide-field", "s", hide_field_action);
  gtk_widget_class_install_action (widget_class, "grid.show-all-fields", NULL, show_all_fields_action);
  gtk_widget_class_install_action (widget_class, "grid.focus-search", NULL, focus_search_action);
  gtk_widget_class_install_action (widget_class, "grid.toggle-detail", NULL, toggle_detail_action);
  gtk_widget_class_install_action (widget_class, "grid.close-detail", NULL, close_detail_action);
  gtk_widget_class_install_action (widget_class, "grid.show-sort", NULL, popup_action);
  gtk_widget_class_install_action (widget_class, "grid.show-filter", NULL, popup_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "grid.reload", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "grid.reload", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "grid.focus-search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "grid.toggle-detail", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "grid.close-detail", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_S, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "grid.show-sort", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "grid.show-filter", NULL);

  gtk_widget_class_set_css_name (widget_class, "recordgrid");
}

static void
hangar_record_grid_init (HangarRecordGrid *self)
{
  g_type_ensure (HANGAR_TYPE_SORT_EDITOR);
  g_type_ensure (HANGAR_TYPE_FILTER_EDITOR);
  g_type_ensure (HANGAR_TYPE_RECORD_DETAIL);
  g_type_ensure (ADW_TYPE_BUTTON_CONTENT);
  g_type_ensure (ADW_TYPE_STATUS_PAGE);
  /* Not the widget's layout manager: GTK would then skip the measure and
   * size_allocate overrides that choose the narrow layout. */
  self->layout = gtk_box_layout_new (GTK_ORIENTATION_VERTICAL);
  gtk_widget_init_template (GTK_WIDGET (self));
  ensure_style ();

  self->hidden = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->model = hangar_grid_model_new ();
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  gtk_single_selection_set_autoselect (self->selection, TRUE);
  g_signal_connect (self->selection, "notify::selected-item", G_CALLBACK (selection_changed_cb), self);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect (self->view_dropdown, "notify::selected", G_CALLBACK (view_selected_cb), self);

  /* The narrow layout: labelled contents kept while their buttons show
   * icons; view names in the list, an icon on the button. */
  self->compact_min_width = COMPACT_MIN_WIDTH_GUESS;
  self->button_contents[0] = g_object_ref (GTK_WIDGET (self->sort_content));
  self->button_contents[1] = g_object_ref (GTK_WIDGET (self->filter_content));
  self->button_contents[2] = g_object_ref (GTK_WIDGET (self->fields_content));
  self->view_label_factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (self->view_label_factory, "setup", G_CALLBACK (view_label_setup_cb), NULL);
  g_signal_connect (self->view_label_factory, "bind", G_CALLBACK (view_label_bind_cb), NULL);
  self->view_icon_factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (self->view_icon_factory, "setup", G_CALLBACK (view_icon_setup_cb), NULL);
  gtk_drop_down_set_factory (self->view_dropdown, self->view_label_factory);
  gtk_drop_down_set_list_factory (self->view_dropdown, self->view_label_factory);
  g_signal_connect_swapped (self->view_dropdown, "notify::selected-item", G_CALLBACK (view_tooltip_cb), self);
  g_signal_connect_swapped (self->detail_button, "notify::active", G_CALLBACK (detail_toggled_cb), self);
  update_compact_visibility (self);
  {
    GtkAdjustment *vadjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);

    g_signal_connect_object (vadjustment, "value-changed", G_CALLBACK (vadjustment_changed_cb), self, 0);
    g_signal_connect_object (vadjustment, "changed", G_CALLBACK (vadjustment_changed_cb), self, 0);
  }

  rebuild_views (self);
  update_query_label (self);
  update_load_state (self);
}

/* ---- public API ---- */

/**
 * hangar_record_grid_new:
 *
 * Returns: (transfer floating): a new, empty record grid
 */
GtkWidget *
hangar_record_grid_new (void)
{
  return g_object_new (HANGAR_TYPE_RECORD_GRID, NULL);
}

/**
 * hangar_record_grid_show_table:
 * @self: a #HangarRecordGrid
 * @account: the account to read with
 * @base_id: the base of @table
 * @table: the table
 *
 * Shows @table through @account's client; see
 * hangar_record_grid_show_table_with_client().
 */
void
hangar_record_grid_show_table (HangarRecordGrid *self,
                               HangarAccount    *account,
                               const char       *base_id,
                               HangarTable      *table)
{
  g_return_if_fail (HANGAR_IS_RECORD_GRID (self));
  g_return_if_fail (HANGAR_IS_ACCOUNT (account));

  hangar_record_grid_show_table_with_client (self, hangar_account_get_client (account), base_id, table);
}

/**
 * hangar_record_grid_show_table_with_client:
 * @self: a #HangarRecordGrid
 * @client: (nullable): the client; %NULL shows the empty state
 * @base_id: (nullable): the base of @table
 * @table: (nullable): the table
 *
 * Cancels whatever was loading, builds a column per field of @table and
 * starts listing its records. Sort, filter, search, view and hidden fields
 * are reset.
 */
void
hangar_record_grid_show_table_with_client (HangarRecordGrid *self,
                                           HangarClient     *client,
                                           const char       *base_id,
                                           HangarTable      *table)
{
  GPtrArray *fields;

  g_return_if_fail (HANGAR_IS_RECORD_GRID (self));
  g_return_if_fail (client == NULL || HANGAR_IS_CLIENT (client));
  g_return_if_fail (table == NULL || HANGAR_IS_TABLE (table));

  clear_records (self);

  g_set_object (&self->client, client);
  g_free (self->base_id);
  self->base_id = g_strdup (base_id);
  g_set_object (&self->table, table);
  g_clear_pointer (&self->view_id, g_free);
  g_clear_pointer (&self->filter_formula, g_free);
  g_clear_pointer (&self->search_text, g_free);
  g_hash_table_remove_all (self->hidden);

  g_clear_pointer (&self->fields, g_ptr_array_unref);
  if (client == NULL || table == NULL || base_id == NULL)
    {
      g_clear_object (&self->client);
      g_clear_object (&self->table);
    }
  else
    {
      fields = hangar_table_get_fields (table);
      self->fields = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; fields != NULL && i < fields->len; i++)
        g_ptr_array_add (self->fields, g_object_ref (g_ptr_array_index (fields, i)));
    }

  setup_links (self);
  rebuild_columns (self);
  rebuild_views (self);
  hangar_sort_editor_set_fields (self->sort_editor, self->fields);
  hangar_filter_editor_set_fields (self->filter_editor, self->fields);
  hangar_record_detail_set_fields (self->detail, self->fields, self->links);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  g_clear_pointer (&self->search_text, g_free);

  set_rate_state (self, self->client != NULL ? hangar_client_get_rate_state (self->client, self->base_id) : NULL);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TABLE]);
  start_load (self);
}

/**
 * hangar_record_grid_get_table:
 * @self: a #HangarRecordGrid
 *
 * Returns: (transfer none) (nullable): the table shown
 */
HangarTable *
hangar_record_grid_get_table (HangarRecordGrid *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_GRID (self), NULL);

  return self->table;
}

/**
 * hangar_record_grid_get_model:
 * @self: a #HangarRecordGrid
 *
 * Returns: (transfer none): the selection model of the grid (items are
 *   #HangarRecord in the server's order)
 */
GtkSelectionModel *
hangar_record_grid_get_model (HangarRecordGrid *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_GRID (self), NULL);

  return GTK_SELECTION_MODEL (self->selection);
}

GtkColumnView *
hangar_record_grid_get_column_view (HangarRecordGrid *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_GRID (self), NULL);

  return self->column_view;
}

gboolean
hangar_record_grid_get_loading (HangarRecordGrid *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_GRID (self), FALSE);

  return self->records != NULL && hangar_record_list_get_loading (self->records);
}

/**
 * hangar_record_grid_set_field_visible:
 * @self: a #HangarRecordGrid
 * @field_name: a field of the table
 * @visible: whether its column is shown
 *
 * Shows or hides a column (locally; every field is still fetched).
 */
void
hangar_record_grid_set_field_visible (HangarRecordGrid *self,
                                      const char       *field_name,
                                      gboolean          visible)
{
  GListModel *columns;
  GtkWidget *check;

  g_return_if_fail (HANGAR_IS_RECORD_GRID (self));

  if (lookup_field (self, field_name) == NULL)
    return;

  if (visible)
    g_hash_table_remove (self->hidden, field_name);
  else
    g_hash_table_add (self->hidden, g_strdup (field_name));

  columns = gtk_column_view_get_columns (self->column_view);
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      HangarField *field = g_object_get_data (G_OBJECT (column), "hangar-field");

      if (field != NULL && g_strcmp0 (hangar_field_get_name (field), field_name) == 0)
        gtk_column_view_column_set_visible (column, visible);
    }

  for (check = gtk_widget_get_first_child (GTK_WIDGET (self->fields_box));
       check != NULL;
       check = gtk_widget_get_next_sibling (check))
    if (g_strcmp0 (g_object_get_data (G_OBJECT (check), "field-name"), field_name) == 0 &&
        gtk_check_button_get_active (GTK_CHECK_BUTTON (check)) != visible)
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), visible);

  update_query_label (self);
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

HangarRecordDetail *
hangar_record_grid_get_detail (HangarRecordGrid *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_GRID (self), NULL);

  return self->detail;
}

/**
 * hangar_record_grid_get_rate_text:
 * @self: a #HangarRecordGrid
 *
 * Returns: (nullable): the text of the rate-limit banner while it is shown
 */
const char *
hangar_record_grid_get_rate_text (HangarRecordGrid *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_GRID (self), NULL);

  if (!gtk_revealer_get_reveal_child (self->rate_revealer))
    return NULL;
  return gtk_label_get_text (self->rate_label);
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

/**
 * hangar_record_grid_replace_record:
 * @self: a #HangarRecordGrid
 * @record: a new version of a record shown in the grid (e.g. after an edit)
 *
 * The record-changed path: shows @record in place of the loaded record with
 * the same id, re-binding only that row's cells, and refreshes the detail
 * panel when it shows that record. The selection stays.
 *
 * Returns: %TRUE when a row showed that record
 */
gboolean
hangar_record_grid_replace_record (HangarRecordGrid *self,
                                   HangarRecord     *record)
{
  guint selected;
  guint row;

  g_return_val_if_fail (HANGAR_IS_RECORD_GRID (self), FALSE);
  g_return_val_if_fail (HANGAR_IS_RECORD (record), FALSE);

  selected = gtk_single_selection_get_selected (self->selection);
  row = hangar_grid_model_replace_record (self->model, record);
  if (row == G_MAXUINT)
    return FALSE;
  if (selected != GTK_INVALID_LIST_POSITION)
    gtk_single_selection_set_selected (self->selection, selected);
  if (selected == row)
    hangar_record_detail_set_record (self->detail, record);
  return TRUE;
}
