/* hangar-comments-panel.h — a record's comments, in the record panel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hangar-types.h"

G_BEGIN_DECLS

typedef struct _HangarAccount HangarAccount;

#define HANGAR_TYPE_COMMENTS_PANEL (hangar_comments_panel_get_type ())

G_DECLARE_FINAL_TYPE (HangarCommentsPanel, hangar_comments_panel, HANGAR, COMMENTS_PANEL, GtkWidget)

GtkWidget  *hangar_comments_panel_new          (void);

/* Where the records are: @account (nullable: a bare client) says which
 * scopes were granted and who "you" are; without it the user is asked of
 * whoami. Clears the record. */
void        hangar_comments_panel_set_context  (HangarCommentsPanel *self,
                                                HangarClient        *client,
                                                HangarAccount       *account,
                                                const char          *base_id,
                                                const char          *table_id);
/* Shows the comments of @record_id (NULL: none). */
void        hangar_comments_panel_set_record   (HangarCommentsPanel *self,
                                                const char          *record_id);
/* The record whose comments are shown, or NULL. */
const char *hangar_comments_panel_get_record_id (HangarCommentsPanel *self);

/* For tests and tools. */
gboolean    hangar_comments_panel_get_loading  (HangarCommentsPanel *self);
guint       hangar_comments_panel_get_n_comments (HangarCommentsPanel *self);
/* The explanation shown (a missing scope, an error), or NULL. */
const char *hangar_comments_panel_get_message  (HangarCommentsPanel *self);
/* The text shown for the @index-th comment (oldest first), mentions as
 * names. */
const char *hangar_comments_panel_get_text     (HangarCommentsPanel *self,
                                                guint                index);
/* Whether the @index-th comment offers edit and delete (it is yours). */
gboolean    hangar_comments_panel_is_own       (HangarCommentsPanel *self,
                                                guint                index);
/* What the buttons do, without the clicks (and without the delete
 * confirmation). */
void        hangar_comments_panel_add          (HangarCommentsPanel *self,
                                                const char          *text);
void        hangar_comments_panel_edit         (HangarCommentsPanel *self,
                                                guint                index,
                                                const char          *text);
void        hangar_comments_panel_delete       (HangarCommentsPanel *self,
                                                guint                index);
void        hangar_comments_panel_load_older   (HangarCommentsPanel *self);
gboolean    hangar_comments_panel_has_older    (HangarCommentsPanel *self);

G_END_DECLS
