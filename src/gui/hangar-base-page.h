/* hangar-base-page.h — a base's schema: its tables, their fields (type,
 * options in words, description, id) and views; search across all
 * fields; the schema editor's entry points
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hangar-api.h"
#include "hangar-auth.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_BASE_PAGE (hangar_base_page_get_type ())

G_DECLARE_FINAL_TYPE (HangarBasePage, hangar_base_page, HANGAR, BASE_PAGE, GtkWidget)

GtkWidget   *hangar_base_page_new               (void);

/* Shows @base of @account (its schema is read through the account's
 * client). The same base again only shows it. */
void         hangar_base_page_set_base          (HangarBasePage *self,
                                                 HangarAccount  *account,
                                                 HangarBase     *base);
/* The same with a bare client (tests, tools); @account may be NULL. */
void         hangar_base_page_set_base_with_client (HangarBasePage *self,
                                                    HangarClient   *client,
                                                    HangarAccount  *account,
                                                    HangarBase     *base);
HangarBase  *hangar_base_page_get_base          (HangarBasePage *self);
HangarAccount *hangar_base_page_get_account     (HangarBasePage *self);
/* Reads the schema again. */
void         hangar_base_page_reload            (HangarBasePage *self);
/* The tables shown (HangarTable), or NULL while loading. */
GPtrArray   *hangar_base_page_get_tables        (HangarBasePage *self);
gboolean     hangar_base_page_get_loading       (HangarBasePage *self);

/* Shows the field (clears the search, expands and focuses its row); when
 * the schema is still loading, as soon as it is there. */
void         hangar_base_page_show_field        (HangarBasePage *self,
                                                 const char     *table_id,
                                                 const char     *field_id);

/* Signals: "open-table" (HangarTable *table) — the user asked to see the
 * table's records; "notice" (const char *message) — something to tell
 * the user in passing (a copied id, a saved change). */

/* For tests and tools. */
GtkEditable *hangar_base_page_get_search_entry  (HangarBasePage *self);
/* The row of a field or of a table's views ("views" as @field_id). */
GtkWidget   *hangar_base_page_get_field_row     (HangarBasePage *self,
                                                 const char     *table_id,
                                                 const char     *field_id);
GtkWidget   *hangar_base_page_get_table_group   (HangarBasePage *self,
                                                 const char     *table_id);
/* Whether a field's (or "views") row shows its details, as activating it
 * does; the details row, made when first opened (NULL before). */
gboolean     hangar_base_page_get_field_open    (HangarBasePage *self,
                                                 const char     *table_id,
                                                 const char     *field_id);
void         hangar_base_page_set_field_open    (HangarBasePage *self,
                                                 const char     *table_id,
                                                 const char     *field_id,
                                                 gboolean        open);
GtkWidget   *hangar_base_page_get_field_details (HangarBasePage *self,
                                                 const char     *table_id,
                                                 const char     *field_id);
/* Whether the schema can be changed, and why not ("edit-reason"). */
gboolean     hangar_base_page_get_editable      (HangarBasePage *self);
const char  *hangar_base_page_get_edit_reason   (HangarBasePage *self);
/* The page's visible state: "loading", "error", "schema" or "no-match". */
const char  *hangar_base_page_get_state         (HangarBasePage *self);
/* Opens the dialogs as the buttons do; returns the dialog. */
GtkWindow   *hangar_base_page_new_table         (HangarBasePage *self);
GtkWindow   *hangar_base_page_add_field         (HangarBasePage *self,
                                                 const char     *table_id);
GtkWindow   *hangar_base_page_edit_field        (HangarBasePage *self,
                                                 const char     *table_id,
                                                 const char     *field_id);
GtkWindow   *hangar_base_page_edit_table        (HangarBasePage *self,
                                                 const char     *table_id);

G_END_DECLS
