/* hangar-table-dialog.h — create a table with its fields, or rename one
 * and change its description
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hangar-api.h"
#include "hangar-auth.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_TABLE_DIALOG (hangar_table_dialog_get_type ())

G_DECLARE_FINAL_TYPE (HangarTableDialog, hangar_table_dialog, HANGAR, TABLE_DIALOG, AdwWindow)

/* A new table of the base @base_id whose tables are @tables; it starts
 * with one field, "Name" (single line text), its primary field. Signal
 * "table-saved" (HangarTable *) once Airtable created it. */
HangarTableDialog *hangar_table_dialog_new_create   (GtkWindow     *parent,
                                                     HangarClient  *client,
                                                     HangarAccount *account,
                                                     HangarBase    *base,
                                                     const char    *base_id,
                                                     GPtrArray     *tables);
/* Renames @table or changes its description. */
HangarTableDialog *hangar_table_dialog_new_edit     (GtkWindow     *parent,
                                                     HangarClient  *client,
                                                     HangarAccount *account,
                                                     HangarBase    *base,
                                                     const char    *base_id,
                                                     HangarTable   *table,
                                                     GPtrArray     *tables);

/* For tests: the name row, the description view, the number of fields of
 * a new table and their definitions, the problem shown (NULL when it can
 * be saved) and the last error from Airtable. */
GtkEditable       *hangar_table_dialog_get_name_row     (HangarTableDialog *self);
GtkTextView       *hangar_table_dialog_get_description  (HangarTableDialog *self);
/* The new table's field definitions (JsonObject), in order. */
GPtrArray         *hangar_table_dialog_get_fields       (HangarTableDialog *self);
/* Appends a field definition (as the "Add Field" dialog does). */
void               hangar_table_dialog_add_field        (HangarTableDialog *self,
                                                         JsonObject        *spec);
/* Opens the field dialog for field @index of a new table (or for a new
 * field with @index == the number of fields); returns it. */
GtkWindow         *hangar_table_dialog_edit_field       (HangarTableDialog *self,
                                                         guint              index);
const char        *hangar_table_dialog_get_problem      (HangarTableDialog *self);
const char        *hangar_table_dialog_get_error        (HangarTableDialog *self);
void               hangar_table_dialog_save             (HangarTableDialog *self);

G_END_DECLS
