/* hangar-field-dialog.h — create or edit a field
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hangar-api.h"
#include "hangar-auth.h"
#include "hangar-field-editor.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_FIELD_DIALOG (hangar_field_dialog_get_type ())

G_DECLARE_FINAL_TYPE (HangarFieldDialog, hangar_field_dialog, HANGAR, FIELD_DIALOG, AdwWindow)

/* A new field of @table, created through @client when saved. @account and
 * @base (nullable) explain a refusal. Signal "field-saved" (HangarField *)
 * after Airtable created it; the dialog then closes. */
HangarFieldDialog *hangar_field_dialog_new_create (GtkWindow     *parent,
                                                   HangarClient  *client,
                                                   HangarAccount *account,
                                                   HangarBase    *base,
                                                   const char    *base_id,
                                                   HangarTable   *table,
                                                   GPtrArray     *tables);
/* Renames @field, changes its description or (a formula) its text. */
HangarFieldDialog *hangar_field_dialog_new_edit   (GtkWindow     *parent,
                                                   HangarClient  *client,
                                                   HangarAccount *account,
                                                   HangarBase    *base,
                                                   const char    *base_id,
                                                   HangarTable   *table,
                                                   HangarField   *field,
                                                   GPtrArray     *tables);
/* A field of a table still to be created: nothing is sent; signal
 * "spec-ready" (JsonObject *definition) when saved. @spec (nullable)
 * fills it in. */
HangarFieldDialog *hangar_field_dialog_new_spec   (GtkWindow     *parent,
                                                   GPtrArray     *tables,
                                                   GPtrArray     *siblings,
                                                   gboolean       primary,
                                                   JsonObject    *spec);

HangarFieldEditor *hangar_field_dialog_get_editor (HangarFieldDialog *self);
/* Does what the Save button does, when it is sensitive. */
void               hangar_field_dialog_save       (HangarFieldDialog *self);
/* The last error from Airtable shown in the dialog, or NULL. */
const char        *hangar_field_dialog_get_error  (HangarFieldDialog *self);
gboolean           hangar_field_dialog_get_busy   (HangarFieldDialog *self);

G_END_DECLS
