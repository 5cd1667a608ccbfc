/* hangar-record-grid-private.h — the record grid's shared state
 *
 * HangarRecordGrid spans several files, one per concern:
 *   hangar-record-grid.c            the object: properties, template, public API
 *   hangar-record-grid-load.c       the query (view, sort, filter, search), loading
 *                                   page by page and the state it shows
 *   hangar-record-grid-columns.c    one column per field, header decoration and
 *                                   menus, field visibility
 *   hangar-record-grid-selection.c  the selected record, the detail panel, rows
 *                                   replaced after a change
 *   hangar-record-grid-actions.c    the grid.* actions and their shortcuts
 *   hangar-record-grid-narrow.c     the narrow layout (measure / size_allocate)
 *   hangar-record-grid-cache.c      rows from the offline cache, live sync,
 *                                   offline sort / filter / search, freshness
 *   hangar-record-grid-csv.c        the comment count column, CSV export and import
 *   hangar-record-grid-state.c      settings kept per table by field id, schema
 *                                   drift told in a banner
 * Cells (display now, editors later) are made by hangar-grid-cell.c; the
 * rate-limit banner is its own widget (hangar-rate-banner.c).
 *
 * Only the grid's own files, tests and tools include this header.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hangar-budget-meter.h"
#include "hangar-cached-records.h"
#include "hangar-client.h"
#include "hangar-freshness-label.h"
#include "hangar-sync.h"
#include "hangar-drift-banner.h"
#include "hangar-filter-editor.h"
#include "hangar-grid-model.h"
#include "hangar-link-cache.h"
#include "hangar-rate-banner.h"
#include "hangar-record-detail.h"
#include "hangar-record-grid.h"
#include "hangar-record-list.h"
#include "hangar-sort-editor.h"

G_BEGIN_DECLS

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
  HangarRateBanner   *rate_banner;
  GtkRevealer        *error_revealer;
  GtkLabel           *error_label;
  GtkWidget          *reconnect_button;
  GtkStack           *content_stack;
  GtkScrolledWindow  *scrolled_window;
  GtkColumnView      *column_view;
  AdwStatusPage      *empty_page;
  HangarRecordDetail *detail;
  GtkSpinner         *spinner;
  HangarBudgetMeter  *budget_meter;   /* beside the spinner, not in the template */
  GtkLabel           *count_label;
  GtkLabel           *query_label;
  HangarFreshnessLabel *freshness;

  /* what is shown */
  HangarClient       *client;
  HangarAccount      *account;       /* NULL for a bare client (tests) */
  char               *base_id;
  HangarTable        *table;
  GPtrArray          *fields;        /* HangarField, table order */
  GHashTable         *hidden;        /* field names hidden locally */
  HangarLinkCache    *links;

  /* the query (hangar-record-grid-load.c) */
  char               *view_id;
  char               *filter_formula;
  char               *search_text;
  gboolean            updating_views;
  gboolean            show_comment_count;

  /* the comment count column (hangar-record-grid-csv.c), rebuilt with the others */
  GtkColumnViewColumn *comment_count_column;
  GtkWidget          *comment_count_check;

  /* the load (hangar-record-grid-load.c) */
  HangarRecordList   *records;
  HangarGridModel    *model;         /* records, with changed ones replaced */
  GCancellable       *schema_cancellable;
  guint               more_idle_id;  /* checks whether to load the next page */

  /* the offline cache and live sync (hangar-record-grid-cache.c) */
  HangarSync          *sync;
  HangarCachedRecords *cached;        /* the rows, when they come from the cache */
  char                *watched_base;  /* what the sync watches for the grid */
  char                *watched_table;
  gulong               sync_handlers[3];
  gulong               cache_handler;
  char                *offline_note;  /* "This filter is not available offline", … */

  /* selection (hangar-record-grid-selection.c): one selected row today;
   * the cell cursor and a selection of many rows belong there too. */
  GtkSingleSelection *selection;

  /* narrow layout (hangar-record-grid-narrow.c) */
  gboolean            compact;
  gboolean            detail_when_wide;  /* the detail panel's state to restore */
  int                 wide_min_width;    /* what the wide layout needed when last measured */
  int                 compact_min_width; /* what the narrow one needed */
  GtkWidget          *button_contents[3];  /* sort, filter, fields: labelled contents (owned) */
  GtkListItemFactory *view_label_factory;
  GtkListItemFactory *view_icon_factory;
  GtkLayoutManager   *layout;          /* a vertical box, driven by measure and size_allocate */

  /* remembered settings and schema drift (hangar-record-grid-state.c) */
  char               *state_account_id;  /* whose state database; NULL: nothing is kept */
  gboolean            restoring;         /* applying saved settings: no load, no save */
  guint               save_id;           /* a save is due */
  HangarDriftBanner  *drift_banner;
};

enum {
  HANGAR_RECORD_GRID_PROP_0,
  HANGAR_RECORD_GRID_PROP_TABLE,
  HANGAR_RECORD_GRID_PROP_LOADING,
  HANGAR_RECORD_GRID_PROP_N_RECORDS,
  HANGAR_RECORD_GRID_PROP_ERROR_MESSAGE,
  HANGAR_RECORD_GRID_PROP_RATE_LIMITED,
  HANGAR_RECORD_GRID_N_PROPS
};

void         _hangar_record_grid_notify                (HangarRecordGrid *self,
                                                        guint             prop_id);

/* hangar-record-grid-load.c */
void         _hangar_record_grid_class_init_load       (GtkWidgetClass   *widget_class);
void         _hangar_record_grid_init_load             (HangarRecordGrid *self);
void         _hangar_record_grid_start_load            (HangarRecordGrid *self);
void         _hangar_record_grid_clear_records         (HangarRecordGrid *self);
void         _hangar_record_grid_update_load_state     (HangarRecordGrid *self);
void         _hangar_record_grid_update_query_label    (HangarRecordGrid *self);
void         _hangar_record_grid_rebuild_views         (HangarRecordGrid *self);
void         _hangar_record_grid_setup_links           (HangarRecordGrid *self);
void         _hangar_record_grid_cancel_links          (HangarRecordGrid *self);
/* The query the grid shows, as list options (view, sort, filter, search). */
HangarListOptions *_hangar_record_grid_build_options   (HangarRecordGrid *self);
/* A failed list continues from the page that failed; anything else loads
 * again from the start. */
void         _hangar_record_grid_retry                 (HangarRecordGrid *self);
void         _hangar_record_grid_show_error            (HangarRecordGrid *self,
                                                        const GError     *error);
const GError *_hangar_record_grid_get_error            (HangarRecordGrid *self);

/* hangar-record-grid-cache.c */
void         _hangar_record_grid_init_cache            (HangarRecordGrid *self);
void         _hangar_record_grid_dispose_cache         (HangarRecordGrid *self);
/* The table shown changed: the sync watches the new one. */
void         _hangar_record_grid_cache_table_changed   (HangarRecordGrid *self);
/* Shows the rows from the cache when that is the right source (the plain
 * table, or anything offline); FALSE when the rows come from Airtable. */
gboolean     _hangar_record_grid_load_cached           (HangarRecordGrid *self);
gboolean     _hangar_record_grid_cached_loading        (HangarRecordGrid *self);
/* update_load_state for rows from the cache. */
void         _hangar_record_grid_update_cached_state   (HangarRecordGrid *self);
/* What the rows from the cache failed with: reading the cache, or the
 * sync of a table that is not all there yet. */
const GError *_hangar_record_grid_cached_error         (HangarRecordGrid *self);

/* hangar-record-grid-columns.c */
HangarField *_hangar_record_grid_lookup_field          (HangarRecordGrid *self,
                                                        const char       *name);
void         _hangar_record_grid_rebuild_columns       (HangarRecordGrid *self);

/* hangar-record-grid-csv.c */
void         _hangar_record_grid_add_comment_count     (HangarRecordGrid *self);

/* hangar-record-grid-selection.c */
void         _hangar_record_grid_class_init_selection  (GtkWidgetClass   *widget_class);
void         _hangar_record_grid_init_selection        (HangarRecordGrid *self);

/* hangar-record-grid-actions.c */
void         _hangar_record_grid_class_init_actions    (GtkWidgetClass   *widget_class);

/* hangar-record-grid-narrow.c */
void         _hangar_record_grid_class_init_narrow     (GtkWidgetClass   *widget_class);
void         _hangar_record_grid_init_narrow           (HangarRecordGrid *self);
void         _hangar_record_grid_dispose_narrow        (HangarRecordGrid *self);

/* hangar-record-grid-state.c */
void         _hangar_record_grid_init_state            (HangarRecordGrid *self);
void         _hangar_record_grid_dispose_state         (HangarRecordGrid *self);
/* Applies the table's saved settings (by field id) and tells what changed
 * in its schema since it was last shown; before the first load. */
void         _hangar_record_grid_restore_state         (HangarRecordGrid *self);
/* The settings changed: saved soon (or at once by the flush). */
void         _hangar_record_grid_queue_save_state      (HangarRecordGrid *self);
void         _hangar_record_grid_flush_state           (HangarRecordGrid *self);

/* Keeps the settings in @account_id's state database (NULL: nowhere);
 * hangar_record_grid_show_table() sets it to the account's. */
void                hangar_record_grid_set_state_account (HangarRecordGrid *self,
                                                          const char       *account_id);
HangarDriftBanner  *hangar_record_grid_get_drift_banner  (HangarRecordGrid *self);
const char         *hangar_record_grid_get_base_id       (HangarRecordGrid *self);

/* For tests and tools (tests/gui): the grid's parts and programmatic
 * equivalents of what the user does. */

/* Like hangar_record_grid_show_table() with a bare client. */
void                hangar_record_grid_show_table_with_client (HangarRecordGrid *self,
                                                               HangarClient     *client,
                                                               const char       *base_id,
                                                               HangarTable      *table);
GtkSelectionModel  *hangar_record_grid_get_model         (HangarRecordGrid *self);
GtkColumnView      *hangar_record_grid_get_column_view   (HangarRecordGrid *self);
gboolean            hangar_record_grid_get_loading       (HangarRecordGrid *self);
void                hangar_record_grid_set_field_visible (HangarRecordGrid *self,
                                                          const char       *field_name,
                                                          gboolean          visible);
void                hangar_record_grid_set_search        (HangarRecordGrid *self,
                                                          const char       *text);
void                hangar_record_grid_set_view          (HangarRecordGrid *self,
                                                          const char       *view_name_or_id);
HangarSortEditor   *hangar_record_grid_get_sort_editor   (HangarRecordGrid *self);
HangarFilterEditor *hangar_record_grid_get_filter_editor (HangarRecordGrid *self);
HangarRecordDetail *hangar_record_grid_get_detail        (HangarRecordGrid *self);
const char         *hangar_record_grid_get_rate_text     (HangarRecordGrid *self);
const char         *hangar_record_grid_get_count_text    (HangarRecordGrid *self);
/* The account's sync for the cache and live updates (NULL: none, rows
 * always from Airtable); hangar_record_grid_show_table() sets it. */
void                hangar_record_grid_set_sync          (HangarRecordGrid *self,
                                                          HangarSync       *sync);
/* The freshness line ("Live · updated just now", "Offline — …"), "" when none. */
const char         *hangar_record_grid_get_freshness_text (HangarRecordGrid *self);
/* Why something is not available offline (a view, a filter), or NULL. */
const char         *hangar_record_grid_get_offline_note  (HangarRecordGrid *self);
/* Shows @record in place of the loaded record with the same id (the path a
 * changed record takes). */
gboolean            hangar_record_grid_replace_record    (HangarRecordGrid *self,
                                                          HangarRecord     *record);

G_END_DECLS
