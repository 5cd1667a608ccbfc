/* hangar-cell-editor-private.h — what the files of the cell editor share
 *
 * HangarCellEditor is one class over several files, one per kind of field:
 *   hangar-cell-editor.c              the object, keys, text, long text,
 *                                     numbers, ratings
 *   hangar-cell-editor-select.c       single and multiple selects
 *   hangar-cell-editor-date.c         dates and date-times
 *   hangar-cell-editor-links.c        linked records and collaborators
 *   hangar-cell-editor-attachments.c  attachments
 *
 * The editor is built in code rather than from a template: what it holds
 * depends on the field's type and options.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hangar-cell-editor.h"
#include "hangar-cell-value.h"

G_BEGIN_DECLS

struct _HangarCellEditor
{
  GtkWidget           parent_instance;

  HangarField        *field;
  HangarCellEditKind  kind;
  JsonNode           *initial;      /* the value it started with (nullable) */
  HangarLinkCache    *links;
  char               *api_url;
  GtkWidget          *box;          /* the only child: a vertical box */
  GtkWidget          *error_label;
  GtkWidget          *focus;        /* what takes the keyboard */
  char               *error;

  /* text, long text, number */
  GtkWidget          *entry;        /* GtkEntry, or GtkTextView for long text */
  /* rating */
  GtkWidget         **stars;
  guint               rating;
  /* select, links, collaborators, attachments: the current items */
  GPtrArray          *items;        /* select: names; links: ids; people / files: JsonNode */
  GtkWidget          *list;         /* GtkListBox of choices or search results */
  GtkWidget          *chosen;       /* GtkBox or GtkFlowBox of the current items */
  GtkWidget          *search;       /* GtkSearchEntry */
  char               *new_option;   /* a select option the user confirmed */
  GtkWidget          *confirm;      /* the confirmation row of a new option */
  GCancellable       *cancellable;  /* link searches, thumbnails */
  guint               search_id;
  /* date */
  GtkWidget          *calendar;
  GtkWidget          *time_entry;

  gboolean            done;         /* committed or cancelled */
};

/* hangar-cell-editor.c */
void         _hangar_cell_editor_set_error          (HangarCellEditor     *self,
                                                     const char           *message);
void         _hangar_cell_editor_emit_commit        (HangarCellEditor     *self,
                                                     JsonNode             *value,
                                                     gboolean              typecast,
                                                     HangarCellEditorMove  move);
void         _hangar_cell_editor_emit_files         (HangarCellEditor     *self,
                                                     GListModel           *files);
GtkWidget   *_hangar_cell_editor_heading            (HangarCellEditor     *self,
                                                     const char           *text);

/* Each kind builds its widgets into self->box and answers for its value. */
void         _hangar_cell_editor_build_select       (HangarCellEditor     *self);
JsonNode    *_hangar_cell_editor_select_value       (HangarCellEditor     *self,
                                                     gboolean             *out_typecast,
                                                     GError              **error);
void         _hangar_cell_editor_select_start       (HangarCellEditor     *self,
                                                     const char           *text);

void         _hangar_cell_editor_build_date         (HangarCellEditor     *self);
JsonNode    *_hangar_cell_editor_date_value         (HangarCellEditor     *self,
                                                     GError              **error);

void         _hangar_cell_editor_build_links        (HangarCellEditor     *self);
JsonNode    *_hangar_cell_editor_links_value        (HangarCellEditor     *self);
void         _hangar_cell_editor_build_people       (HangarCellEditor     *self);
JsonNode    *_hangar_cell_editor_people_value       (HangarCellEditor     *self,
                                                     GError              **error);

void         _hangar_cell_editor_build_attachments  (HangarCellEditor     *self);
JsonNode    *_hangar_cell_editor_attachments_value  (HangarCellEditor     *self);

G_END_DECLS
