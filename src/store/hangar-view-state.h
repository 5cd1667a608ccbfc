/* hangar-view-state.h — the "views" component of an account's state
 * database: remembered view settings, the last table opened, and the
 * schema the app last showed of each table
 *
 * All per account (the state database is the account's), base and table:
 *   view_setting     one row per table: HangarViewSettings as JSON
 *   view_last_table  the table last opened in each base, with the time
 *   view_shown_table, view_shown_field
 *                    what the grid showed of a table the last time (field
 *                    ids, names, types), to tell the user what changed
 *                    since (hangar-schema-drift.h)
 * No record data, no tokens: field ids, names and types, and what the
 * user typed into search and filters.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hangar-schema-drift.h"
#include "hangar-store.h"
#include "hangar-table.h"
#include "hangar-view-settings.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_VIEW_STATE (hangar_view_state_get_type ())

G_DECLARE_FINAL_TYPE (HangarViewState, hangar_view_state, HANGAR, VIEW_STATE, GObject)

/* The component on @store (a HANGAR_STORE_STATE database); creates or
 * updates its tables. */
HangarViewState    *hangar_view_state_new                (HangarStore         *store,
                                                          GError             **error);
/* The component on the account's shared state database. */
HangarViewState    *hangar_view_state_new_for_account    (const char          *account_id,
                                                          GError             **error);
HangarStore        *hangar_view_state_get_store          (HangarViewState     *self);

/* The settings saved for a table; NULL when none (or unreadable: a row
 * that cannot be read is treated as none, and replaced at the next save). */
HangarViewSettings *hangar_view_state_load_settings      (HangarViewState     *self,
                                                          const char          *base_id,
                                                          const char          *table_id);
/* Saves @settings (NULL or empty: forgets the table's settings). */
gboolean            hangar_view_state_save_settings      (HangarViewState     *self,
                                                          const char          *base_id,
                                                          const char          *table_id,
                                                          HangarViewSettings  *settings,
                                                          GError             **error);

/* Notes that @table_id of @base_id was opened now. */
gboolean            hangar_view_state_set_last_table     (HangarViewState     *self,
                                                          const char          *base_id,
                                                          const char          *table_id,
                                                          GError             **error);
/* The table opened last, in @base_id or (NULL) in any base of the account;
 * FALSE when none. @out_when: seconds since the epoch (may be NULL). */
gboolean            hangar_view_state_get_last_table     (HangarViewState     *self,
                                                          const char          *base_id,
                                                          char               **out_base_id,
                                                          char               **out_table_id,
                                                          gint64              *out_when);

/* What the app last showed of a table: HangarShownField in table order, or
 * NULL when it never showed the table. */
GPtrArray          *hangar_view_state_load_shown_fields  (HangarViewState     *self,
                                                          const char          *base_id,
                                                          const char          *table_id);
/* Remembers @table's fields as shown now. */
gboolean            hangar_view_state_save_shown_fields  (HangarViewState     *self,
                                                          const char          *base_id,
                                                          HangarTable         *table,
                                                          GError             **error);
/* The tables of @base_id with a snapshot: pairs of id and name,
 * NULL-terminated ({id, name, id, name, …, NULL}). */
char              **hangar_view_state_list_shown_tables  (HangarViewState     *self,
                                                          const char          *base_id);

G_END_DECLS
