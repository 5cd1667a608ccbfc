/* hangar-record-grid.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-account.h"
#include "hangar-record-grid-private.h"
#include "hangar-scopes.h"

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
 * countdown (#HangarRateBanner).
 *
 * The code is spread over hangar-record-grid-*.c by concern; see
 * hangar-record-grid-private.h for the map.
 */


G_DEFINE_FINAL_TYPE (HangarRecordGrid, hangar_record_grid, GTK_TYPE_WIDGET)

static GParamSpec *properties[HANGAR_RECORD_GRID_N_PROPS];

void
_hangar_record_grid_notify (HangarRecordGrid *self,
                            guint             prop_id)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
ensure_icons (void)
{
  static gboolean done;
  GdkDisplay *display = gdk_display_get_default ();

  if (done || display == NULL)
    return;
  done = TRUE;

  /* The grid's styles are in the application's style.css; its icons are
   * registered here too so that the grid works outside the application
   * (tests, tools), which a GtkApplication would otherwise do. */
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (display),
                                    "/io/github/tablehangar/Hangar/icons");
}

static void
rate_banner_revealed_cb (HangarRecordGrid *self)
{
  _hangar_record_grid_notify (self, HANGAR_RECORD_GRID_PROP_RATE_LIMITED);
}

/* A 403 while loading: reconnect, asking for exactly the scopes reading
 * records lacks (none when a base was not granted: it is ticked on the
 * consent page). */
static void
reconnect_clicked_cb (HangarRecordGrid *self)
{
  g_auto(GStrv) missing = NULL;

  if (self->account == NULL)
    return;
  missing = hangar_scopes_account_missing (self->account, HANGAR_CAPABILITY_RECORDS_READ);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.reconnect-with-scopes", "(s^as)",
                              hangar_account_get_id (self->account), missing);
}

/* ---- GObject ---- */

static void
hangar_record_grid_dispose (GObject *object)
{
  HangarRecordGrid *self = HANGAR_RECORD_GRID (object);
  GtkWidget *child;

  _hangar_record_grid_dispose_state (self);
  _hangar_record_grid_clear_records (self);
  _hangar_record_grid_cancel_links (self);
  _hangar_record_grid_dispose_cache (self);
  _hangar_record_grid_dispose_edit (self);
  _hangar_record_grid_dispose_cursor (self);

  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_RECORD_GRID);
  /* Children without a bound id are not removed by the above. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  _hangar_record_grid_dispose_narrow (self);
  g_clear_object (&self->selection);
  g_clear_object (&self->model);
  g_clear_object (&self->links);
  g_clear_object (&self->client);
  g_clear_object (&self->account);
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
    case HANGAR_RECORD_GRID_PROP_TABLE:
      g_value_set_object (value, self->table);
      break;
    case HANGAR_RECORD_GRID_PROP_LOADING:
      g_value_set_boolean (value, hangar_record_grid_get_loading (self));
      break;
    case HANGAR_RECORD_GRID_PROP_N_RECORDS:
      g_value_set_uint (value, g_list_model_get_n_items (G_LIST_MODEL (self->model)));
      break;
    case HANGAR_RECORD_GRID_PROP_ERROR_MESSAGE:
      {
        const GError *error = _hangar_record_grid_get_error (self);

        g_value_set_string (value, error != NULL ? error->message : NULL);
      }
      break;
    case HANGAR_RECORD_GRID_PROP_RATE_LIMITED:
      g_value_set_boolean (value, hangar_rate_banner_get_revealed (self->rate_banner));
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

  properties[HANGAR_RECORD_GRID_PROP_TABLE] =
    g_param_spec_object ("table", NULL, NULL, HANGAR_TYPE_TABLE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * HangarRecordGrid:loading:
   *
   * Whether a page of records is in flight.
   */
  properties[HANGAR_RECORD_GRID_PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[HANGAR_RECORD_GRID_PROP_N_RECORDS] =
    g_param_spec_uint ("n-records", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * HangarRecordGrid:error-message:
   *
   * Why the last load failed, or %NULL.
   */
  properties[HANGAR_RECORD_GRID_PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * HangarRecordGrid:rate-limited:
   *
   * Whether the rate-limit banner (a 429 pause of the base) is shown.
   */
  properties[HANGAR_RECORD_GRID_PROP_RATE_LIMITED] =
    g_param_spec_boolean ("rate-limited", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, HANGAR_RECORD_GRID_N_PROPS, properties);

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
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, add_button);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, edit_button);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, readonly_revealer);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, readonly_label);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, edit_label);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, detail_button);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, rate_banner);
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
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, freshness);
  gtk_widget_class_bind_template_child (widget_class, HangarRecordGrid, reconnect_button);
  gtk_widget_class_bind_template_callback (widget_class, reconnect_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, rate_banner_revealed_cb);

  _hangar_record_grid_class_init_load (widget_class);
  _hangar_record_grid_class_init_selection (widget_class);
  _hangar_record_grid_class_init_actions (widget_class);
  _hangar_record_grid_class_init_edit (widget_class);
  _hangar_record_grid_class_init_narrow (widget_class);

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
  g_type_ensure (HANGAR_TYPE_RATE_BANNER);
  g_type_ensure (HANGAR_TYPE_FRESHNESS_LABEL);
  /* Not the widget's layout manager: GTK would then skip the measure and
   * size_allocate overrides that choose the narrow layout. */
  self->layout = gtk_box_layout_new (GTK_ORIENTATION_VERTICAL);
  gtk_widget_init_template (GTK_WIDGET (self));
  self->budget_meter = HANGAR_BUDGET_METER (hangar_budget_meter_new ());
  gtk_box_insert_child_after (GTK_BOX (gtk_widget_get_parent (GTK_WIDGET (self->spinner))),
                              GTK_WIDGET (self->budget_meter), GTK_WIDGET (self->spinner));
  ensure_icons ();

  self->hidden = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  _hangar_record_grid_init_load (self);
  _hangar_record_grid_init_selection (self);
  _hangar_record_grid_init_cursor (self);
  _hangar_record_grid_init_edit (self);
  _hangar_record_grid_init_narrow (self);
  _hangar_record_grid_init_cache (self);
  _hangar_record_grid_init_state (self);

  _hangar_record_grid_rebuild_views (self);
  _hangar_record_grid_update_query_label (self);
  _hangar_record_grid_update_load_state (self);
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
 * hangar_record_grid_show_table_with_client() in
 * hangar-record-grid-private.h.
 */
void
hangar_record_grid_show_table (HangarRecordGrid *self,
                               HangarAccount    *account,
                               const char       *base_id,
                               HangarTable      *table)
{
  g_autoptr(HangarSync) sync = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (HANGAR_IS_RECORD_GRID (self));
  g_return_if_fail (HANGAR_IS_ACCOUNT (account));

  /* Without a cache the grid still works, from Airtable only. */
  sync = hangar_sync_get_for_account (account, &error);
  if (sync == NULL)
    g_warning ("No offline cache for this account: %s", error->message);
  hangar_record_grid_set_sync (self, sync);
  /* The account behind the client: for explaining a 403 (and
   * reconnecting), the comments' scopes and who "you" are. */
  g_set_object (&self->account, account);
  hangar_record_grid_set_state_account (self, hangar_account_get_id (account));
  hangar_record_grid_show_table_with_client (self, hangar_account_get_client (account), base_id, table);
  /* Editing goes through the account's journal. */
  _hangar_record_grid_setup_editing (self, account);
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

  /* The account given to hangar_record_grid_show_table() stays while its
   * client is the one shown (a newer schema shows the table again). */
  if (self->account != NULL && hangar_account_get_client (self->account) != client)
    g_clear_object (&self->account);
  /* The table shown until now keeps its settings. */
  _hangar_record_grid_flush_state (self);
  _hangar_record_grid_clear_records (self);
  _hangar_record_grid_close_editor (self, TRUE);
  self->cursor_row = self->anchor_row = G_MAXUINT;
  self->cursor_field = self->anchor_field = NULL;
  g_clear_pointer (&self->permission_level, g_free);
  g_clear_pointer (&self->refused_reason, g_free);
  g_ptr_array_set_size (self->undo_stack, 0);
  g_ptr_array_set_size (self->redo_stack, 0);
  g_hash_table_remove_all (self->place_after);
  g_hash_table_remove_all (self->deleted_after);

  g_set_object (&self->client, client);
  g_free (self->base_id);
  self->base_id = g_strdup (base_id);
  hangar_budget_meter_set_base (self->budget_meter, client != NULL ? hangar_client_get_scheduler (client) : NULL,
                                base_id);
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

  _hangar_record_grid_setup_links (self);
  _hangar_record_grid_rebuild_columns (self);
  _hangar_record_grid_rebuild_views (self);
  hangar_sort_editor_set_fields (self->sort_editor, self->fields);
  hangar_filter_editor_set_fields (self->filter_editor, self->fields);
  hangar_record_detail_set_fields (self->detail, self->fields, self->links);
  hangar_record_detail_set_context (self->detail, self->base_id, self->table != NULL ? hangar_table_get_id (self->table) : NULL,
                                    self->client != NULL ? hangar_client_get_api_url (self->client) : NULL, self->journal);
  hangar_record_detail_set_comments_context (self->detail, self->client, self->account, self->base_id,
                                             self->table != NULL ? hangar_table_get_id (self->table) : NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  g_clear_pointer (&self->search_text, g_free);

  hangar_rate_banner_set_rate_state (self->rate_banner, self->client != NULL ? hangar_client_get_rate_state (self->client, self->base_id) : NULL);

  _hangar_record_grid_notify (self, HANGAR_RECORD_GRID_PROP_TABLE);
  _hangar_record_grid_cache_table_changed (self);
  _hangar_record_grid_restore_state (self);
  _hangar_record_grid_start_load (self);
  _hangar_record_grid_cache_shown (self);
  _hangar_record_grid_update_editable (self);
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
 * hangar_record_grid_get_rate_text:
 * @self: a #HangarRecordGrid
 *
 * Returns: (nullable): the text of the rate-limit banner while it is shown
 */
const char *
hangar_record_grid_get_rate_text (HangarRecordGrid *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_GRID (self), NULL);

  return hangar_rate_banner_get_text (self->rate_banner);
}
