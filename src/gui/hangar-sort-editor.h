/* hangar-sort-editor.h — the grid's sort list (several fields, asc/desc, reorderable)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hangar-field.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_SORT_EDITOR (hangar_sort_editor_get_type ())

G_DECLARE_FINAL_TYPE (HangarSortEditor, hangar_sort_editor, HANGAR, SORT_EDITOR, GtkWidget)

GtkWidget  *hangar_sort_editor_new        (void);

/* The fields to offer (a GPtrArray of HangarField; referenced). Clears the sort. */
void        hangar_sort_editor_set_fields (HangarSortEditor *self,
                                           GPtrArray        *fields);

/* Appends a sort on @field_name; replaces an existing sort on that field. */
void        hangar_sort_editor_add_sort   (HangarSortEditor *self,
                                           const char       *field_name,
                                           gboolean          descending);
void        hangar_sort_editor_clear      (HangarSortEditor *self);

guint       hangar_sort_editor_get_n_sorts (HangarSortEditor *self);
/* The field name and direction of the @index-th sort, in priority order. */
const char *hangar_sort_editor_get_sort    (HangarSortEditor *self,
                                            guint             index,
                                            gboolean         *descending);

G_END_DECLS
