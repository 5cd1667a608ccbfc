/* hangar-cell-editor.h — the editor of one cell, made when editing starts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "hangar-field.h"
#include "hangar-link-cache.h"

G_BEGIN_DECLS

/**
 * HangarCellEditorMove:
 * @HANGAR_CELL_EDITOR_STAY: committed in place (a click elsewhere, Done)
 * @HANGAR_CELL_EDITOR_DOWN: Enter
 * @HANGAR_CELL_EDITOR_UP: Shift+Enter (where Enter is not a new line)
 * @HANGAR_CELL_EDITOR_RIGHT: Tab
 * @HANGAR_CELL_EDITOR_LEFT: Shift+Tab
 *
 * Where the cell cursor goes after a commit.
 */
typedef enum
{
  HANGAR_CELL_EDITOR_STAY,
  HANGAR_CELL_EDITOR_DOWN,
  HANGAR_CELL_EDITOR_UP,
  HANGAR_CELL_EDITOR_RIGHT,
  HANGAR_CELL_EDITOR_LEFT,
} HangarCellEditorMove;

#define HANGAR_TYPE_CELL_EDITOR (hangar_cell_editor_get_type ())
G_DECLARE_FINAL_TYPE (HangarCellEditor, hangar_cell_editor, HANGAR, CELL_EDITOR, GtkWidget)

/* An editor for @field starting from @value (nullable). @links (nullable)
 * names linked records and searches the linked table; @api_url (nullable)
 * resolves attachment URLs that are relative (the sandbox's). Signals:
 *   committed (JsonNode *value, gboolean typecast, HangarCellEditorMove move)
 *   cancelled ()
 *   files-chosen (GListModel *files)   attachments to upload
 */
GtkWidget       *hangar_cell_editor_new             (HangarField      *field,
                                                     JsonNode         *value,
                                                     HangarLinkCache  *links,
                                                     const char       *api_url);
HangarField     *hangar_cell_editor_get_field       (HangarCellEditor *self);

/* Typing a character started the edit: it replaces the text (or starts a
 * search). */
void             hangar_cell_editor_start_with_text (HangarCellEditor *self,
                                                     const char       *text);
/* Commits what is entered (as Enter would, without moving); FALSE when it
 * is not valid (the message is shown in the editor). */
gboolean         hangar_cell_editor_commit          (HangarCellEditor *self,
                                                     HangarCellEditorMove move);
/* The message shown for what was entered (a value that is not valid), or
 * NULL. */
const char      *hangar_cell_editor_get_error       (HangarCellEditor *self);
/* The widget that takes the keyboard when the editor opens. */
GtkWidget       *hangar_cell_editor_get_focus_widget (HangarCellEditor *self);
/* A key that reached the grid before the editor was on screen: what it
 * would have done in the editor. */
gboolean         hangar_cell_editor_replay_key      (HangarCellEditor *self,
                                                     guint             keyval,
                                                     GdkModifierType   state);
/* Whether what is entered differs from the value it started with. */
gboolean         hangar_cell_editor_get_changed     (HangarCellEditor *self);

/* For tests: the value the editor would commit now (transfer full), or
 * NULL with @error. */
JsonNode        *hangar_cell_editor_dup_value       (HangarCellEditor *self,
                                                     gboolean         *out_typecast,
                                                     GError          **error);

G_END_DECLS
