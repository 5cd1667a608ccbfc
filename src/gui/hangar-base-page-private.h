/* hangar-base-page-private.h — what the base page's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hangar-base-page.h"

G_BEGIN_DECLS

struct _HangarBasePage
{
  GtkWidget          parent_instance;

  /* template */
  GtkSearchEntry    *search_entry;
  GtkWidget         *new_table_button;
  GtkLabel          *edit_notice;
  GtkStack          *stack;
  GtkSpinner        *spinner;
  AdwStatusPage     *error_page;
  GtkScrolledWindow *scroller;
  GtkBox            *tables_box;

  HangarClient      *client;
  HangarAccount     *account;
  HangarBase        *base;
  GPtrArray         *tables;        /* HangarTable */
  GCancellable      *cancellable;
  gboolean           loading;
  gboolean           editable;
  char              *edit_reason;
  GHashTable        *groups;        /* table id → AdwPreferencesGroup (not owned) */
  GHashTable        *rows;          /* "table\nfield" → row (not owned) */
  char              *pending_table;
  char              *pending_field;
  GtkWidget         *highlighted;
  guint              highlight_id;
  gboolean           folded;        /* a large base: tables show their fields on demand */
  guint              n_built;       /* tables whose group is made */
  guint              build_id;      /* making the rest */
};

#define GROUP_ROWS_KEY "hangar-rows"        /* on a group: GPtrArray of its rows */
#define SEARCH_KEY     "hangar-search-text" /* on a row: what the search looks at */
#define TABLE_KEY      "hangar-table"       /* on a group and a field's row: the HangarTable */
#define FIELD_KEY      "hangar-field"       /* on a field's row: its HangarField */
#define PAGE_KEY       "hangar-page"        /* on a field's row: the page (not held) */
#define UNFOLD_KEY     "hangar-unfold"      /* on a folded group: its "Show its fields" row */

/* A base with more fields than this shows each table's fields on demand
 * (or when the search finds some): a few hundred rows take a second or
 * more to make and lay out. */
#define FOLD_OVER_FIELDS 150
#define DETAILS_KEY  "hangar-details"   /* on a row: its details row, once made */
#define OPEN_KEY     "hangar-open"      /* on a row: whether its details show */

/* hangar-base-page.c */
char      *_hangar_base_page_row_key                 (const char          *table_id,
                                                      const char          *field_id);
void       _hangar_base_page_apply_search            (HangarBasePage      *self);

/* hangar-base-page-rows.c: per table a group, per field a row that opens */
void       _hangar_base_page_update_group_description (HangarBasePage      *self,
                                                      AdwPreferencesGroup *group,
                                                      HangarTable         *table);
void       _hangar_base_page_set_row_open            (HangarBasePage      *self,
                                                      GtkWidget           *row,
                                                      gboolean             open);
gboolean   _hangar_base_page_row_open                (GtkWidget           *row);
void       _hangar_base_page_set_row_visible         (GtkWidget           *row,
                                                      gboolean             visible);
void       _hangar_base_page_add_field_rows          (HangarBasePage      *self,
                                                      GtkWidget           *group);
void       _hangar_base_page_unfold_matches          (HangarBasePage      *self,
                                                      GtkWidget           *group,
                                                      const char          *needle);
GtkWidget *_hangar_base_page_table_group             (HangarBasePage      *self,
                                                      HangarTable         *table);
void       _hangar_base_page_clear_groups            (HangarBasePage      *self);

G_END_DECLS
