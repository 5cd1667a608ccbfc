/* hangar-record-grid-cache.c — the grid's rows from the offline cache, live
 * sync, and sort / filter / search offline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-cache-query.h"
#include "hangar-error.h"
#include "hangar-record-grid-private.h"
#include "hangar-window.h"

/* With an account's #HangarSync the grid opens a table from the cache: its
 * rows show at once (HangarCachedRecords reads them lazily), the sync
 * watches the table while it is shown — filling the cache the first time,
 * then following webhook payloads or recently changed records — and every
 * change it writes reaches the rows on screen. The status bar says how
 * fresh the rows are (HangarFreshnessLabel).
 *
 * Online, a sort, filter, search or view goes to Airtable as before (it
 * covers the whole table); records changed meanwhile are replaced in place.
 * Offline, the same settings run on the cached rows; what cannot (a view, a
 * formula beyond the filter editor's) is said, and the rows are shown
 * without it. When Airtable can be reached again, the grid goes back to
 * Airtable for what only Airtable can do. */

#define NOTE_SHOWN_KEY "hangar-grid-note-shown"

/* What the cache can give as Airtable would. Comment counts are not
 * cached: with them the rows come from Airtable while online. */
static gboolean
plain_query (HangarRecordGrid *self)
{
  return self->view_id == NULL && self->filter_formula == NULL && !self->show_comment_count &&
         (self->search_text == NULL || *self->search_text == '\0') &&
         hangar_sort_editor_get_n_sorts (self->sort_editor) == 0;
}

/* A sentence for the user: as a toast in the window, else logged. */
static void
tell (HangarRecordGrid *self,
      const char       *text)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (root != NULL && HANGAR_IS_WINDOW (root))
    hangar_window_toast (HANGAR_WINDOW (root), text);
  else
    g_message ("%s", text);
}

/* The cache's recovery note, once per cache. */
static void
tell_cache_note (HangarRecordGrid *self)
{
  HangarCache *cache = self->sync != NULL ? hangar_sync_get_cache (self->sync) : NULL;
  const char *note = cache != NULL ? hangar_cache_get_recovery_note (cache) : NULL;

  if (note == NULL || g_strcmp0 (g_object_get_data (G_OBJECT (cache), NOTE_SHOWN_KEY), note) == 0)
    return;
  g_object_set_data_full (G_OBJECT (cache), NOTE_SHOWN_KEY, g_strdup (note), g_free);
  tell (self, note);
}

/* ---- the first screen ----
 *
 * Opening a cached table shows a screenful of its rows at once. Until a
 * frame with them is drawn, nothing else competes for the machine: the
 * rest of the table is not listed (HangarCachedRecords is held), and the
 * sync neither starts watching the table nor refreshes it. A frame not
 * drawn within FIRST_FRAME_WAIT_MS (the grid not on screen after all) lets
 * them go all the same; while the grid is on screen the frame is only slow
 * (a busy machine), and it is waited for up to FIRST_FRAME_MAX_WAIT_MS. */

#define FIRST_FRAME_WAIT_MS     500
#define FIRST_FRAME_MAX_WAIT_MS 3000
/* Before a row is drawn its height is taken as a line of text and this
 * much padding: no more than a real row, so the first screen never comes
 * out short. */
#define MIN_ROW_PADDING         4

static gboolean
waiting_for_frame (HangarRecordGrid *self)
{
  return self->first_frame_timeout != 0;
}

static void
stop_waiting_for_frame (HangarRecordGrid *self)
{
  hangar_frame_hook_clear (&self->first_frame);
  g_clear_handle_id (&self->first_frame_timeout, g_source_remove);
}

/* The height of a row the view has drawn, the smallest seen (a table
 * whose rows hold chips has taller ones): the next first screen is sized
 * with it. GTK 4.8's column view holds a "listview" whose children are the
 * rows; if that differs in another version, the estimate stays in use. */
static void
remember_row_height (HangarRecordGrid *self)
{
  GtkWidget *child;

  for (child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_strcmp0 (gtk_widget_get_css_name (child), "listview") == 0)
      {
        GtkWidget *row = gtk_widget_get_first_child (child);

        if (row != NULL && g_strcmp0 (gtk_widget_get_css_name (row), "row") == 0 &&
            gtk_widget_get_mapped (row) && gtk_widget_get_height (row) > 0 &&
            (self->row_height == 0 || gtk_widget_get_height (row) < self->row_height))
          self->row_height = gtk_widget_get_height (row);
        return;
      }
}

/* How many rows fill the view (or the window, when the view is not laid
 * out yet), with one more at each end. */
static guint
first_screen_rows (HangarRecordGrid *self)
{
  GtkWidget *view = GTK_WIDGET (self->column_view);
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (self)));
  int height = gtk_widget_get_mapped (view) ? gtk_widget_get_height (view) : 0;
  int row = self->row_height;

  if (height <= 0 && root != NULL)
    height = gtk_widget_get_height (root);
  if (row <= 0)
    {
      PangoFontMetrics *metrics = pango_context_get_metrics (gtk_widget_get_pango_context (view), NULL, NULL);

      row = PANGO_PIXELS_CEIL (pango_font_metrics_get_height (metrics)) + MIN_ROW_PADDING;
      pango_font_metrics_unref (metrics);
    }
  if (height <= 0 || row <= 0)
    return 60;
  return CLAMP (height / row + 2, 8, 200);
}

/* The sync watches the table, and refreshes it when a load asked for it. */
static void
start_watch (HangarRecordGrid *self)
{
  if (self->sync == NULL || self->watched_table == NULL)
    {
      self->watch_pending = self->refresh_pending = FALSE;
      return;
    }
  if (self->watch_pending && self->table != NULL &&
      g_strcmp0 (hangar_table_get_id (self->table), self->watched_table) == 0)
    {
      self->watch_pending = FALSE;
      hangar_sync_watch_table (self->sync, self->watched_base, self->table);
    }
  if (self->refresh_pending && !self->watch_pending)
    {
      self->refresh_pending = FALSE;
      if (!hangar_sync_get_offline (self->sync))
        hangar_sync_refresh_now (self->sync, self->watched_base, FALSE);
    }
}

/* The first screen is drawn, or was not in time: what waited for it runs. */
static void
after_first_frame (HangarRecordGrid *self)
{
  stop_waiting_for_frame (self);
  remember_row_height (self);
  if (self->cached != NULL)
    hangar_cached_records_hold (self->cached, FALSE);
  start_watch (self);
}

static void
first_frame_cb (GdkFrameClock    *clock,
                HangarRecordGrid *self)
{
  after_first_frame (self);
}

static gboolean
first_frame_timeout_cb (gpointer data)
{
  HangarRecordGrid *self = data;

  self->first_frame_timeout = 0;
  self->first_frame_waited_ms += FIRST_FRAME_WAIT_MS;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) && self->first_frame_waited_ms < FIRST_FRAME_MAX_WAIT_MS)
    self->first_frame_timeout = g_timeout_add_full (G_PRIORITY_DEFAULT, FIRST_FRAME_WAIT_MS,
                                                    first_frame_timeout_cb, self, NULL);
  else
    after_first_frame (self);
  return G_SOURCE_REMOVE;
}

/* The window's clock when it is on screen: the first screen can be drawn
 * soon (the grid itself may be mapped a moment later, by the same user
 * action). NULL: nothing to wait for. */
static GdkFrameClock *
first_screen_clock (HangarRecordGrid *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (root == NULL || !gtk_widget_get_mapped (GTK_WIDGET (root)))
    return NULL;
  return gtk_widget_get_frame_clock (GTK_WIDGET (root));
}

static void
wait_for_first_frame (HangarRecordGrid *self,
                      GdkFrameClock    *clock)
{
  if (waiting_for_frame (self))
    return;
  hangar_frame_hook_connect (&self->first_frame, clock, "after-paint", FALSE, G_CALLBACK (first_frame_cb), self);
  self->first_frame_waited_ms = 0;
  /* At the default priority: it must run, whatever keeps the loop busy. */
  self->first_frame_timeout = g_timeout_add_full (G_PRIORITY_DEFAULT, FIRST_FRAME_WAIT_MS,
                                                  first_frame_timeout_cb, self, NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
unwatch (HangarRecordGrid *self)
{
  if (waiting_for_frame (self))
    {
      stop_waiting_for_frame (self);
      if (self->cached != NULL)
        hangar_cached_records_hold (self->cached, FALSE);
    }
  if (self->sync != NULL && self->watched_table != NULL && !self->watch_pending)
    hangar_sync_unwatch_table (self->sync, self->watched_base, self->watched_table);
  self->watch_pending = self->refresh_pending = FALSE;
  g_clear_pointer (&self->watched_base, g_free);
  g_clear_pointer (&self->watched_table, g_free);
}

/* ---- callbacks ---- */

static void
cached_notify_cb (GObject          *object,
                  GParamSpec       *pspec,
                  HangarRecordGrid *self)
{
  _hangar_record_grid_update_load_state (self);
}

static void
cached_items_changed_cb (GListModel       *model,
                         guint             position,
                         guint             removed,
                         guint             added,
                         HangarRecordGrid *self)
{
  _hangar_record_grid_update_load_state (self);
}

static void
offline_changed_cb (HangarSync       *sync,
                    GParamSpec       *pspec,
                    HangarRecordGrid *self)
{
  gboolean offline = hangar_sync_get_offline (sync);

  if (self->table == NULL)
    return;
  /* Offline: a listing from Airtable gives way to the cached rows. Back
   * online: what only Airtable can do (a view, its formula) goes back to it. */
  if ((offline && self->records != NULL) ||
      (!offline && self->cached != NULL && (!plain_query (self) || self->offline_note != NULL)))
    _hangar_record_grid_start_load (self);
  else
    _hangar_record_grid_update_load_state (self);
}

static void
table_changed_cb (HangarSync       *sync,
                  const char       *base_id,
                  const char       *table_id,
                  HangarRecordGrid *self)
{
  if (self->table == NULL || g_strcmp0 (base_id, self->base_id) != 0 ||
      g_strcmp0 (table_id, hangar_table_get_id (self->table)) != 0)
    return;
  if (self->cached != NULL)
    _hangar_record_grid_update_load_state (self);
}

/* Fields of the base changed (webhook payloads said so, and the sync read
 * the schema again). In the app the window hears it through the schema
 * watch (hangar-schema-watch.h) and shows the table with its new fields,
 * telling what drifted (hangar_record_grid_schema_changed()); a grid on
 * its own (tests, tools) follows the cached schema itself. */
static void
schema_changed_cb (HangarSync       *sync,
                   const char       *base_id,
                   HangarRecordGrid *self)
{
  g_autoptr(GPtrArray) tables = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->table == NULL || g_strcmp0 (base_id, self->base_id) != 0 || (root != NULL && HANGAR_IS_WINDOW (root)))
    return;
  tables = hangar_cache_get_schema (hangar_sync_get_cache (sync), base_id, NULL, NULL);
  hangar_record_grid_schema_changed (self, tables);
}

/* Rows listed by Airtable (sorted, filtered, searched online) follow the
 * records the sync changed; new and deleted ones come with the next load. */
static void
records_changed_cb (HangarCache       *cache,
                    HangarCacheChange *change,
                    HangarRecordGrid  *self)
{
  g_autoptr(GHashTable) names = NULL;

  if (self->records == NULL || self->table == NULL || change->updated == NULL ||
      g_strcmp0 (change->base_id, self->base_id) != 0 ||
      g_strcmp0 (change->table_id, hangar_table_get_id (self->table)) != 0)
    return;

  names = hangar_cache_names_by_id (self->table);
  for (guint i = 0; i < change->updated->len; i++)
    {
      HangarCacheRow row = { 0 };

      if (hangar_cache_read_row (cache, g_array_index (change->updated, gint64, i), &row) &&
          hangar_record_list_lookup (self->records, row.record_id) != NULL)
        {
          g_autoptr(HangarRecord) record = hangar_cache_row_to_record (&row, names);

          hangar_grid_model_replace_record (self->model, record);
        }
      hangar_cache_row_clear (&row);
    }
}

static void
cache_damaged_cb (HangarCache      *cache,
                  HangarRecordGrid *self)
{
  tell_cache_note (self);
}

/* ---- the grid's side ---- */

void
_hangar_record_grid_init_cache (HangarRecordGrid *self)
{
}

void
_hangar_record_grid_dispose_cache (HangarRecordGrid *self)
{
  stop_waiting_for_frame (self);
  hangar_record_grid_set_sync (self, NULL);
  g_clear_pointer (&self->offline_note, g_free);
}

void
hangar_record_grid_forget_account (HangarRecordGrid *self,
                                   HangarAccount    *account)
{
  g_return_if_fail (HANGAR_IS_RECORD_GRID (self));
  g_return_if_fail (HANGAR_IS_ACCOUNT (account));

  if (self->account != account)
    return;
  /* The journal first: showing nothing then hands the record panel no
   * journal either. Settings are saved while the databases are still
   * there. */
  _hangar_record_grid_setup_editing (self, NULL);
  hangar_record_grid_show_table_with_client (self, NULL, NULL, NULL);
  hangar_record_grid_set_state_account (self, NULL);
  hangar_record_grid_set_sync (self, NULL);
}

void
_hangar_record_grid_cache_table_changed (HangarRecordGrid *self)
{
  unwatch (self);
  g_clear_pointer (&self->offline_note, g_free);
  if (self->sync == NULL || self->table == NULL || self->base_id == NULL)
    {
      hangar_freshness_label_set_source (self->freshness, NULL, NULL, NULL);
      return;
    }
  self->watched_base = g_strdup (self->base_id);
  self->watched_table = g_strdup (hangar_table_get_id (self->table));
  /* Watched once the table is shown (_hangar_record_grid_cache_shown()). */
  self->watch_pending = TRUE;
  hangar_freshness_label_set_source (self->freshness, self->sync, self->watched_base, self->watched_table);
  tell_cache_note (self);
}

void
_hangar_record_grid_cache_shown (HangarRecordGrid *self)
{
  if (!waiting_for_frame (self))
    start_watch (self);
}

gboolean
_hangar_record_grid_load_cached (HangarRecordGrid *self)
{
  g_autoptr(HangarCacheQuery) query = NULL;
  HangarCacheTableState state;
  HangarCache *cache;
  GdkFrameClock *clock;
  gboolean offline;
  guint n_sorts;

  g_clear_pointer (&self->offline_note, g_free);
  if (self->sync == NULL || self->table == NULL)
    return FALSE;

  cache = hangar_sync_get_cache (self->sync);
  offline = hangar_sync_get_offline (self->sync);
  /* Online, Airtable sorts, filters, searches the whole table and counts
   * comments (the cache keeps no comment counts); offline with nothing
   * cached the listing fails and says why. */
  if (!offline && !plain_query (self))
    return FALSE;
  hangar_cache_get_table_state (cache, self->base_id, hangar_table_get_id (self->table), &state);
  if (offline && !state.known)
    return FALSE;

  if (!plain_query (self))
    {
      g_autoptr(GError) error = NULL;

      query = hangar_cache_query_new (self->table);
      n_sorts = hangar_sort_editor_get_n_sorts (self->sort_editor);
      for (guint i = 0; i < n_sorts; i++)
        {
          gboolean descending = FALSE;
          const char *field = hangar_sort_editor_get_sort (self->sort_editor, i, &descending);

          if (!hangar_cache_query_add_sort (query, field, descending, &error))
            {
              self->offline_note = g_strdup (error->message);
              g_clear_error (&error);
            }
        }
      hangar_cache_query_set_search (query, self->search_text);
      if (self->filter_formula != NULL && !hangar_cache_query_set_formula (query, self->filter_formula, &error))
        {
          /* Shown without the filter, and said so; the filter stays as set. */
          g_free (self->offline_note);
          self->offline_note = g_strdup (error->message);
        }
      if (self->view_id != NULL)
        {
          g_free (self->offline_note);
          self->offline_note = g_strdup (_("Views are not available offline: every cached record is shown"));
        }
      else if (self->show_comment_count && self->offline_note == NULL)
        self->offline_note = g_strdup (_("Comment counts are not available offline"));
    }

  /* The plain table in a window on screen: a screenful now, the rest
   * after it is drawn (see above). */
  clock = query == NULL ? first_screen_clock (self) : NULL;
  if (clock != NULL)
    self->cached = hangar_cached_records_new_held (cache, self->base_id, self->table, first_screen_rows (self));
  else
    self->cached = hangar_cached_records_new (cache, self->base_id, self->table, query);
  g_signal_connect_object (self->cached, "notify::loading", G_CALLBACK (cached_notify_cb), self, 0);
  g_signal_connect_object (self->cached, "notify::failed", G_CALLBACK (cached_notify_cb), self, 0);
  g_signal_connect_object (self->cached, "items-changed", G_CALLBACK (cached_items_changed_cb), self,
                           G_CONNECT_AFTER);
  hangar_grid_model_set_model (self->model, G_LIST_MODEL (self->cached));
  if (clock != NULL && g_list_model_get_n_items (G_LIST_MODEL (self->cached)) > 0)
    wait_for_first_frame (self, clock);
  if (self->offline_note != NULL)
    {
      g_autofree char *text = g_strdup_printf ("%s%s%s", gtk_label_get_text (self->query_label),
                                               *gtk_label_get_text (self->query_label) != '\0' ? " · " : "",
                                               self->offline_note);

      gtk_label_set_text (self->query_label, text);
    }
  /* What the user sees is the cache; bring it up to date now (a reload
   * does exactly this), or once the first screen is drawn. */
  if (!offline)
    {
      self->refresh_pending = TRUE;
      if (!waiting_for_frame (self) && !self->watch_pending)
        start_watch (self);
    }
  _hangar_record_grid_update_load_state (self);
  return TRUE;
}

gboolean
_hangar_record_grid_cached_loading (HangarRecordGrid *self)
{
  if (self->cached == NULL)
    return FALSE;
  return hangar_cached_records_get_loading (self->cached) ||
         hangar_sync_get_filling (self->sync, self->base_id, hangar_table_get_id (self->table), NULL);
}

const GError *
_hangar_record_grid_cached_error (HangarRecordGrid *self)
{
  const char *table_id = hangar_table_get_id (self->table);
  const GError *error = hangar_cached_records_get_failed (self->cached);
  HangarCacheTableState state;

  hangar_cache_get_table_state (hangar_sync_get_cache (self->sync), self->base_id, table_id, &state);
  /* A failed sync of a table that is not all there is a failed load; of a
   * complete one, only stale (the freshness line says so). */
  if (error == NULL && !hangar_sync_get_offline (self->sync) && !state.complete)
    error = hangar_sync_get_error (self->sync, self->base_id, table_id);
  return error;
}

void
_hangar_record_grid_update_cached_state (HangarRecordGrid *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->cached));
  gboolean loading = _hangar_record_grid_cached_loading (self);
  const char *table_id = hangar_table_get_id (self->table);
  const GError *error = _hangar_record_grid_cached_error (self);
  HangarCacheTableState state;
  g_autofree char *count = NULL;

  hangar_cache_get_table_state (hangar_sync_get_cache (self->sync), self->base_id, table_id, &state);

  gtk_spinner_set_spinning (self->spinner, loading);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), loading);
  if (loading)
    count = g_strdup_printf (g_dngettext (NULL, "Loading… %u record", "Loading… %u records", n), n);
  else if (!state.complete)
    count = g_strdup_printf (g_dngettext (NULL, "%u record (incomplete)", "%u records (incomplete)", n), n);
  else
    count = g_strdup_printf (g_dngettext (NULL, "%u record", "%u records", n), n);
  gtk_label_set_text (self->count_label, count);

  if (n == 0 && !loading)
    {
      adw_status_page_set_title (self->empty_page, error != NULL ? _("Could Not Load Records") : _("No Records"));
      adw_status_page_set_description (self->empty_page,
                                       error != NULL ? NULL
                                       : !plain_query (self) ? _("No record matches the view, filter or search.")
                                       : _("This table has no records yet."));
      gtk_stack_set_visible_child_name (self->content_stack, "empty");
    }
  else
    gtk_stack_set_visible_child_name (self->content_stack, "grid");

  _hangar_record_grid_show_error (self, error);
  hangar_freshness_label_update (self->freshness);

  _hangar_record_grid_notify (self, HANGAR_RECORD_GRID_PROP_LOADING);
  _hangar_record_grid_notify (self, HANGAR_RECORD_GRID_PROP_N_RECORDS);
  _hangar_record_grid_notify (self, HANGAR_RECORD_GRID_PROP_ERROR_MESSAGE);
}

/* ---- API for the window, tests and tools ---- */

void
hangar_record_grid_set_sync (HangarRecordGrid *self,
                             HangarSync       *sync)
{
  HangarCache *cache;

  g_return_if_fail (HANGAR_IS_RECORD_GRID (self));
  g_return_if_fail (sync == NULL || HANGAR_IS_SYNC (sync));

  if (self->sync == sync)
    return;
  unwatch (self);
  if (self->sync != NULL)
    {
      cache = hangar_sync_get_cache (self->sync);
      for (guint i = 0; i < G_N_ELEMENTS (self->sync_handlers); i++)
        g_clear_signal_handler (&self->sync_handlers[i], self->sync);
      g_signal_handlers_disconnect_by_data (cache, self);
      self->cache_handler = 0;
    }
  g_set_object (&self->sync, sync);
  if (sync != NULL)
    {
      cache = hangar_sync_get_cache (sync);
      self->sync_handlers[0] = g_signal_connect (sync, "notify::offline", G_CALLBACK (offline_changed_cb), self);
      self->sync_handlers[1] = g_signal_connect (sync, "table-changed", G_CALLBACK (table_changed_cb), self);
      self->sync_handlers[2] = g_signal_connect (sync, "schema-changed", G_CALLBACK (schema_changed_cb), self);
      self->cache_handler = g_signal_connect (cache, "records-changed", G_CALLBACK (records_changed_cb), self);
      g_signal_connect (cache, "damaged", G_CALLBACK (cache_damaged_cb), self);
    }
  hangar_freshness_label_set_source (self->freshness, NULL, NULL, NULL);
}

const char *
hangar_record_grid_get_freshness_text (HangarRecordGrid *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_GRID (self), NULL);

  return hangar_freshness_label_get_text (self->freshness);
}

const char *
hangar_record_grid_get_offline_note (HangarRecordGrid *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_GRID (self), NULL);

  return self->offline_note;
}
