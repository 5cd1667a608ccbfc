/* hangar-cell-value.h — a cell's value as text and back, per field type
 *
 * What the editors start with, what copy puts on the clipboard, and what
 * typed or pasted text becomes: numbers in the user's locale with the
 * field's precision, durations as h:mm, dates in the field's format and
 * time zone, selects matched by name, collaborators by email.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "hangar-field.h"
#include "hangar-link-cache.h"

G_BEGIN_DECLS

/**
 * HangarCellEditKind:
 *
 * Which editor a field gets.
 */
typedef enum
{
  HANGAR_CELL_EDIT_NONE,           /* computed (or unknown): never edited */
  HANGAR_CELL_EDIT_TEXT,           /* single line text, email, URL, phone, barcode */
  HANGAR_CELL_EDIT_LONG_TEXT,      /* long text, rich text */
  HANGAR_CELL_EDIT_NUMBER,         /* number, currency, percent, duration */
  HANGAR_CELL_EDIT_CHECKBOX,
  HANGAR_CELL_EDIT_RATING,
  HANGAR_CELL_EDIT_SELECT,         /* single and multiple select */
  HANGAR_CELL_EDIT_DATE,           /* date, date and time */
  HANGAR_CELL_EDIT_LINKS,
  HANGAR_CELL_EDIT_COLLABORATORS,  /* single and multiple */
  HANGAR_CELL_EDIT_ATTACHMENTS,
} HangarCellEditKind;

#define HANGAR_CELL_VALUE_ERROR (hangar_cell_value_error_quark ())
typedef enum
{
  HANGAR_CELL_VALUE_ERROR_INVALID,      /* not a value of the field's type */
  HANGAR_CELL_VALUE_ERROR_NEW_OPTION,   /* a select option that does not exist yet */
  HANGAR_CELL_VALUE_ERROR_READ_ONLY,    /* the field is computed */
} HangarCellValueError;

GQuark              hangar_cell_value_error_quark    (void);

HangarCellEditKind  hangar_cell_edit_kind            (HangarField  *field);

/* Why @field cannot be edited, for the user ("“Total” is a rollup:
 * Airtable works it out, so it cannot be edited"), or NULL when it can. */
char               *hangar_cell_value_why_read_only  (HangarField  *field);

/* The text an editor starts with: numbers in the locale without grouping
 * and with every digit, durations as the field shows them, dates in the
 * field's format (date-times in its time zone), select names joined by
 * ", ", collaborators by email. "" for an empty cell. */
char               *hangar_cell_value_to_edit_text   (HangarField  *field,
                                                      JsonNode     *value);

/* What a copy puts on the clipboard for one cell: the text the grid shows
 * (links by their names from @links), with attachments as "name (url)".
 * Never contains a tab or a newline unless the value has them. */
char               *hangar_cell_value_to_copy_text   (HangarField     *field,
                                                      JsonNode        *value,
                                                      HangarLinkCache *links);

/* Reads typed or pasted @text as a value of @field. Empty text clears
 * (JSON null). A select name that is not an option fails with
 * HANGAR_CELL_VALUE_ERROR_NEW_OPTION unless @allow_new_options, which makes
 * *out_typecast TRUE (Airtable then creates the option). Links are not
 * parsed here (their names need a search of the linked table): the text
 * is split into names with hangar_cell_value_split_list(). */
JsonNode           *hangar_cell_value_from_text      (HangarField  *field,
                                                      const char   *text,
                                                      gboolean      allow_new_options,
                                                      gboolean     *out_typecast,
                                                      GError      **error);

/* Splits a list cell's text ("a, b, c") into trimmed, non-empty items. */
char              **hangar_cell_value_split_list     (const char   *text);

/* A value read from a record, made fit to write back (to another record,
 * or to this one after an undo): attachments as [{"id"}], collaborators as
 * {"id"} / [{"id"}], links as ids; computed fields give NULL. */
JsonNode           *hangar_cell_value_for_write      (HangarField  *field,
                                                      JsonNode     *value);

/* A new record's value for @field from its options (a "defaultValue"
 * member, if Airtable ever sends one), or NULL. */
JsonNode           *hangar_cell_value_default        (HangarField  *field);

/* The choices of a select field: names and colour names (same length). */
void                hangar_cell_value_get_choices    (HangarField  *field,
                                                      GPtrArray   **out_names,
                                                      GPtrArray   **out_colors);

/* A day in the field's date format ("3/5/2024", "2024-03-05"). */
char               *hangar_cell_value_format_day     (HangarField  *field,
                                                      int           year,
                                                      int           month,
                                                      int           day);

/* Helpers the editors share. */
const char         *hangar_cell_value_option_string  (HangarField  *field,
                                                      const char   *member);
/* The field's time zone for date-times: UTC, the local one ("client"), or
 * an IANA zone. Never NULL. */
GTimeZone          *hangar_cell_value_time_zone      (HangarField  *field);
/* The same from a field's (or a formula result's) options. */
GTimeZone          *hangar_cell_value_zone_for_options (JsonObject *options);
/* The rating field's maximum (5 by default). */
guint               hangar_cell_value_rating_max     (HangarField  *field);
/* A valid email / URL / phone number for the field's type. */
gboolean            hangar_cell_value_check_text     (HangarField  *field,
                                                      const char   *text,
                                                      GError      **error);

G_END_DECLS
