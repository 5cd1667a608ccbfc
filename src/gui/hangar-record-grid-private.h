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
 *   hangar-record-grid-cursor.c     the cell cursor, cell ranges, the keyboard
 *                                   and the mouse on cells, the context menu
 *   hangar-record-grid-edit.c       editing through the journal: editors,
 *                                   create, delete, duplicate, fill, clear,
 *                                   undo and redo, read-only states
 *   hangar-record-grid-clipboard.c  copy (TSV and HTML) and paste
 *   hangar-record-grid-csv.c        the comment count column, CSV export and import
 *   hangar-record-grid-state.c      settings kept per table by field id, schema
 *                                   drift told in a banner
 * Cells are made by hangar-grid-cell.c, editors by hangar-cell-editor*.c;
 * the rate-limit banner is its own widget (hangar-rate-banner.c).
 *
 * Only the grid's own files, tests and tools include this header.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hangar-budget-meter.h"
#include "hangar-cached-records.h"
#include "hangar-cell-editor.h"
#include "hangar-client.h"
#include "hangar-freshness-label.h"
#include "hangar-sync.h"
#include "hangar-drift-banner.h"
#include "hangar-filter-editor.h"
#include "hangar-frame-hook.h"
#include "hangar-grid-cell.h"
#include "hangar-grid-model.h"
#include "hangar-journal.h"
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
  GtkWidget          *add_button;
  GtkWidget          *edit_button;
  GtkRevealer        *readonly_revealer;
  GtkLabel           *readonly_label;
  GtkLabel           *edit_label;
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
  HangarGridCells    *cells;         /* the bound cells (refresh, decorations) */

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
  /* Until the first frame with cached rows is drawn: the rest of the
   * table, the watch and the refresh wait (hangar-record-grid-cache.c). */
  gboolean             watch_pending;
  gboolean             refresh_pending;
  HangarFrameHook      first_frame;
  guint                first_frame_timeout;
  guint                first_frame_waited_ms;
  int                  row_height;      /* of a row drawn, to size the next first screen */

  /* selection (hangar-record-grid-selection.c): rows, many at a time */
  GtkMultiSelection  *selection;

  /* the cell cursor and ranges (hangar-record-grid-cursor.c) */
  guint               cursor_row;      /* G_MAXUINT: none */
  HangarField        *cursor_field;    /* one of self->fields (not owned) */
  guint               anchor_row;      /* the other corner of a range (== cursor: none) */
  HangarField        *anchor_field;
  GHashTable         *column_order;    /* HangarField → visible column index + 1; NULL: to compute */
  GtkWidget          *context_menu;
  guint               scroll_idle_id;
  GArray             *early_keys;      /* EarlyKey: pressed while the editor was not on screen */
  GtkWidget          *early_target;    /* the editor's keyboard widget, until it maps (weak) */
  gulong              early_map_id;
  guint               early_replay_id;

  /* editing (hangar-record-grid-edit.c) */
  HangarJournal      *journal;
  char               *read_only_reason; /* why editing is off; NULL when it is on */
  char               *permission_level; /* the base's, when known */
  char               *refused_reason;   /* a write refused with 403 */
  GHashTable         *fresh;           /* record id → HangarRecord as Airtable last answered */
  GHashTable         *place_after;     /* local id → the row a new record goes under */
  GHashTable         *deleted_after;   /* deleted id → the row it was under */
  GPtrArray          *undo_stack;      /* HangarJournalGroup */
  GPtrArray          *redo_stack;
  GtkWidget          *editor_popover;  /* the open editor's; NULL: none open */
  GtkWidget          *spare_popover;   /* the last one, hidden, for the next edit */
  HangarCellEditor   *editor;
  char               *editor_record_id;
  HangarField        *editor_field;
  GdkRectangle        editor_rect;     /* the cell it is put over */
  HangarFrameHook     editor_follow;   /* after each layout while it is open */
  GtkWidget          *closed_editor;   /* still in the spare popover until the next frame is painted */
  HangarFrameHook     editor_release;  /* the next frame's after-paint */
  char               *edit_message;    /* the last message shown */

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
/* The table is shown: the watch starts, unless it waits for the first
 * frame of cached rows. */
void         _hangar_record_grid_cache_shown           (HangarRecordGrid *self);
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

/* hangar-record-grid-cursor.c */
void         _hangar_record_grid_init_cursor           (HangarRecordGrid *self);
void         _hangar_record_grid_dispose_cursor        (HangarRecordGrid *self);
/* Moves the cursor to @row, @field (NULL: keep the column); @extend grows
 * the range from its anchor instead of starting anew. */
void         _hangar_record_grid_set_cursor            (HangarRecordGrid *self,
                                                        guint             row,
                                                        HangarField      *field,
                                                        gboolean          extend);
/* The visible fields in the order of their columns on screen. */
GPtrArray   *_hangar_record_grid_visible_fields        (HangarRecordGrid *self);
/* Columns moved, appeared or disappeared. */
void         _hangar_record_grid_columns_changed       (HangarRecordGrid *self);
/* The cells to act on: the range, or the selected rows (with every visible
 * column), or the cursor's cell; rows in order (positions, G_MAXUINT-free),
 * fields in on-screen order. FALSE when there is no cursor. */
gboolean     _hangar_record_grid_get_target            (HangarRecordGrid *self,
                                                        GArray          **out_rows,
                                                        GPtrArray       **out_fields);
/* The records of the rows selected (or the range's, or the cursor's). */
GPtrArray   *_hangar_record_grid_target_records        (HangarRecordGrid *self);
/* The bounds of the cursor's cell in the grid's coordinates. */
gboolean     _hangar_record_grid_cursor_bounds         (HangarRecordGrid *self,
                                                        GdkRectangle     *out_rect);
void         _hangar_record_grid_scroll_to_cursor      (HangarRecordGrid *self);

/* hangar-record-grid-edit.c */
void         _hangar_record_grid_class_init_edit       (GtkWidgetClass   *widget_class);
void         _hangar_record_grid_init_edit             (HangarRecordGrid *self);
void         _hangar_record_grid_dispose_edit          (HangarRecordGrid *self);
/* The account, its journal and whether it may write (show_table). */
void         _hangar_record_grid_setup_editing         (HangarRecordGrid *self,
                                                        HangarAccount    *account);
void         _hangar_record_grid_update_editable       (HangarRecordGrid *self);
/* Why @field of the record at @row cannot be edited now, or NULL. */
char        *_hangar_record_grid_why_not_editable      (HangarRecordGrid *self,
                                                        HangarField      *field);
void         _hangar_record_grid_edit_cell             (HangarRecordGrid *self,
                                                        const char       *initial_text);
void         _hangar_record_grid_toggle_cell           (HangarRecordGrid *self);
void         _hangar_record_grid_close_editor          (HangarRecordGrid *self,
                                                        gboolean          commit);
void         _hangar_record_grid_show_message          (HangarRecordGrid *self,
                                                        const char       *message);
/* The record as Airtable last gave it (not the local guess). */
HangarRecord *_hangar_record_grid_server_record        (HangarRecordGrid *self,
                                                        const char       *record_id);
/* Journals one group of cell writes (CellWrite); updates of one record are
 * one change. Returns the group (transfer none), or NULL when empty. */
typedef struct
{
  char        *record_id;
  HangarField *field;
  JsonNode    *value;
  gboolean     typecast;
} HangarCellWrite;
void         _hangar_cell_write_free                   (gpointer          data);
HangarJournalGroup *_hangar_record_grid_write_cells    (HangarRecordGrid *self,
                                                        const char       *label,
                                                        GPtrArray        *writes);
/* Adds the updates of @writes to @group (one per record, values equal to
 * what is shown left out); returns how many. */
guint        _hangar_record_grid_add_updates           (HangarRecordGrid   *self,
                                                        HangarJournalGroup *group,
                                                        GPtrArray          *writes);
/* Creates records with @fields (JsonObject each); each new row goes under
 * the matching @after id (nullable, or NULL entries) or at the end. */
HangarJournalGroup *_hangar_record_grid_create_records (HangarRecordGrid *self,
                                                        const char       *label,
                                                        GPtrArray        *fields,
                                                        GPtrArray        *after);
/* After a (re)load: new rows and unsent changes go back on the rows. */
void         _hangar_record_grid_reapply_journal       (HangarRecordGrid *self);
/* Remembers @group for Ctrl+Z (after hangar_journal_submit()). */
void         _hangar_record_grid_push_undo             (HangarRecordGrid *self,
                                                        HangarJournalGroup *group);

/* hangar-record-grid-clipboard.c */
void         _hangar_record_grid_copy                  (HangarRecordGrid *self,
                                                        gboolean          cut);
void         _hangar_record_grid_paste                 (HangarRecordGrid *self);

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
/* Edits through @journal (its client must be the grid's). A grid shown
 * with a bare client has no journal and is read-only until given one. */
void                hangar_record_grid_set_journal       (HangarRecordGrid *self,
                                                          HangarJournal    *journal);
HangarJournal      *hangar_record_grid_get_journal       (HangarRecordGrid *self);
/* Why editing is off, or NULL. */
const char         *hangar_record_grid_get_read_only_reason (HangarRecordGrid *self);
/* The last message the grid showed about editing (a toast, the status). */
const char         *hangar_record_grid_get_edit_message  (HangarRecordGrid *self);
/* The cursor (G_MAXUINT / NULL when none). */
guint               hangar_record_grid_get_cursor_row    (HangarRecordGrid *self);
HangarField        *hangar_record_grid_get_cursor_field  (HangarRecordGrid *self);
void                hangar_record_grid_set_cursor        (HangarRecordGrid *self,
                                                          guint             row,
                                                          const char       *field_name);
/* The open cell editor, or NULL. */
HangarCellEditor   *hangar_record_grid_get_editor        (HangarRecordGrid *self);
HangarGridModel    *hangar_record_grid_get_grid_model    (HangarRecordGrid *self);
/* The widget of the cell at @row, @field_name when it is on screen. */
GtkWidget          *hangar_record_grid_get_cell_widget   (HangarRecordGrid *self,
                                                          guint             row,
                                                          const char       *field_name);
/* Shows @record in place of the loaded record with the same id (the path a
 * changed record takes). */
gboolean            hangar_record_grid_replace_record    (HangarRecordGrid *self,
                                                          HangarRecord     *record);

G_END_DECLS
