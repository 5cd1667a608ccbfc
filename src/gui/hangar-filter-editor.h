/* hangar-filter-editor.h — the grid's filter builder (conditions or a raw formula)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hangar-field.h"

G_BEGIN_DECLS

/**
 * HangarFilterOp:
 *
 * The operators a condition can use; which ones are offered depends on the
 * field's type (hangar_filter_editor_add_condition() accepts any).
 */
typedef enum
{
  HANGAR_FILTER_CONTAINS,
  HANGAR_FILTER_NOT_CONTAINS,
  HANGAR_FILTER_IS,
  HANGAR_FILTER_IS_NOT,
  HANGAR_FILTER_LT,
  HANGAR_FILTER_GT,
  HANGAR_FILTER_LE,
  HANGAR_FILTER_GE,
  HANGAR_FILTER_BEFORE,
  HANGAR_FILTER_AFTER,
  HANGAR_FILTER_IS_EMPTY,
  HANGAR_FILTER_IS_NOT_EMPTY,
  HANGAR_FILTER_CHECKED,
  HANGAR_FILTER_NOT_CHECKED,
} HangarFilterOp;

#define HANGAR_TYPE_FILTER_EDITOR (hangar_filter_editor_get_type ())

G_DECLARE_FINAL_TYPE (HangarFilterEditor, hangar_filter_editor, HANGAR, FILTER_EDITOR, GtkWidget)

GtkWidget *hangar_filter_editor_new           (void);

/* The fields to offer (GPtrArray of HangarField). Clears the filter. */
void       hangar_filter_editor_set_fields    (HangarFilterEditor *self,
                                               GPtrArray          *fields);

/* Adds a condition row (for tests and for "filter by this value" menus). */
void       hangar_filter_editor_add_condition (HangarFilterEditor *self,
                                               const char         *field_name,
                                               HangarFilterOp      op,
                                               const char         *value);
/* TRUE: any condition (OR); FALSE: all (AND). */
void       hangar_filter_editor_set_match_any (HangarFilterEditor *self,
                                               gboolean            match_any);
/* Switches to the raw-formula mode with @formula as its text. */
void       hangar_filter_editor_set_raw_formula (HangarFilterEditor *self,
                                                 const char         *formula);
void       hangar_filter_editor_clear         (HangarFilterEditor *self);

/* The filter compiled to an Airtable formula; NULL when there is none.
 * On an invalid value (e.g. text for a number) returns NULL and sets @error. */
char      *hangar_filter_editor_build_formula (HangarFilterEditor *self,
                                               GError            **error);

/* Shows @message (e.g. the server's 422 text) inline; NULL hides it. */
void       hangar_filter_editor_set_error     (HangarFilterEditor *self,
                                               const char         *message);

/* Emits ::apply, as the Apply button does. */
void       hangar_filter_editor_apply         (HangarFilterEditor *self);

/* What the editor holds (to remember it): the raw mode, whether conditions
 * are joined with OR, and each condition's field name, operator and value
 * (NULL for operators without one). */
gboolean    hangar_filter_editor_get_raw_mode      (HangarFilterEditor *self);
gboolean    hangar_filter_editor_get_match_any     (HangarFilterEditor *self);
guint       hangar_filter_editor_get_n_conditions  (HangarFilterEditor *self);
const char *hangar_filter_editor_get_condition     (HangarFilterEditor *self,
                                                    guint               index,
                                                    HangarFilterOp     *op,
                                                    const char        **value);

G_END_DECLS
