/* hangar-field-editor.h — the form for one field: name, type, description
 * and the options its type takes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hangar-api.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_FIELD_EDITOR (hangar_field_editor_get_type ())

G_DECLARE_FINAL_TYPE (HangarFieldEditor, hangar_field_editor, HANGAR, FIELD_EDITOR, GtkWidget)

GtkWidget  *hangar_field_editor_new          (void);

/* A new field for @table (NULL: for a table still to be created, whose
 * other new fields are @siblings, JsonObject, nullable); @tables are the
 * base's tables (links); @primary: the new table's first field, so only
 * the types a primary field may have are offered. @spec (nullable) fills
 * the form (a new table's field being edited again). */
void        hangar_field_editor_set_create   (HangarFieldEditor *self,
                                              HangarTable       *table,
                                              GPtrArray         *tables,
                                              GPtrArray         *siblings,
                                              gboolean           primary,
                                              JsonObject        *spec);
/* An existing @field of @table: name and description can change, and a
 * formula's text; the rest is shown read-only with the reason. */
void        hangar_field_editor_set_edit     (HangarFieldEditor *self,
                                              HangarTable       *table,
                                              HangarField       *field,
                                              GPtrArray         *tables);

/* The definition {"name","type","description"?,"options"?} (create) or the
 * change {"name"?,"description"?,"options"?} (edit: only what changed). */
JsonObject *hangar_field_editor_build        (HangarFieldEditor *self);
/* What is wrong with the form by Airtable's rules, or NULL when it can be
 * sent ("problem" property). An edit that changes nothing is a problem too. */
const char *hangar_field_editor_get_problem  (HangarFieldEditor *self);

/* For tests: the form's parts, by name ("name", "type", "description",
 * "precision", "symbol", "duration-format", "icon", "color", "max",
 * "date-format", "time-format", "time-zone", "time-zone-other",
 * "linked-table", "view", "formula", "add-choice"); NULL when the type
 * shown has no such part. */
GtkWidget  *hangar_field_editor_get_part     (HangarFieldEditor *self,
                                              const char        *name);
/* The choice rows' name entries and colour selectors, in order. */
guint       hangar_field_editor_get_n_choices (HangarFieldEditor *self);
GtkEditable *hangar_field_editor_get_choice_entry (HangarFieldEditor *self,
                                                   guint              index);
GtkDropDown *hangar_field_editor_get_choice_color (HangarFieldEditor *self,
                                                   guint              index);

G_END_DECLS
