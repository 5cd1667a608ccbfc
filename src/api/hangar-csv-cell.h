/* hangar-csv-cell.h — a field as a CSV column: cell values out and in
 *
 * Export writes a cell the way Airtable's own CSV download does where that
 * is known, and in a form that reads back in where it is not; import turns
 * the text of a cell into the JSON value the API takes for the field's
 * type, or says why it cannot. The choices, per type:
 *
 *   text, email, URL, phone   the text itself
 *   number, currency, percent the field's precision, "." decimal point, no
 *                             grouping; currency with its symbol ("$1.50"),
 *                             percent with "%" ("12.5%"). Import takes the
 *                             same, with or without symbol, "%" or
 *                             thousands commas; a percent without "%" is
 *                             read as shown in Airtable ("12.5" is 12.5 %)
 *   duration                  h:mm or h:mm:ss[.S…] by durationFormat; import
 *                             also takes a number of seconds
 *   rating                    the number; import also takes stars (★★★)
 *   checkbox                  "checked" or empty (Airtable's export); import
 *                             also takes true/false, yes/no, 1/0, x, ✓
 *   single / multiple select  option names; several joined by "," with a
 *                             name quoted ("a, b") when it holds a comma
 *                             or a quote. Import matches names exactly,
 *                             then ignoring case; an unknown name fails the
 *                             row unless typecast is on (Airtable adds it)
 *   linked records            the linked records' primary values, joined
 *                             like selects (record ids when a name is not
 *                             known). Import takes names or rec… ids; names
 *                             are looked up by the importer (or left to
 *                             Airtable with typecast)
 *   collaborators             email (Airtable's export shows names, which
 *                             the API cannot take back; an email it can),
 *                             the name when there is no email
 *   date                      ISO 8601, YYYY-MM-DD; import also takes the
 *                             field's own format (M/D/YYYY for "us" and
 *                             "local", D/M/YYYY for "european")
 *   date and time             ISO 8601 in UTC as the API gives it
 *                             (2024-03-01T09:30:00.000Z); import takes ISO
 *                             8601 with or without an offset (without, the
 *                             field's time zone applies, as in Airtable)
 *   attachments               "name (url)" joined by ","; import takes the
 *                             same or bare URLs (Airtable fetches them)
 *   barcode, button, AI text  their text, label and value
 *   formula, rollup, lookup   by the type of their result; errors as
 *                             #ERROR!. Computed fields are never imported
 *
 * Empty cells are empty values. With typecast on, text that this side
 * cannot read as a number, date or checkbox is sent as it is and Airtable
 * converts it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hangar-csv.h"
#include "hangar-field.h"

G_BEGIN_DECLS

typedef struct _HangarCsvField HangarCsvField;

/* The name of the linked record @record_id (in the table @table_id), or
 * NULL when it is not known (the id is written instead). */
typedef const char *(*HangarCsvLinkNameFunc) (const char *table_id,
                                              const char *record_id,
                                              gpointer    user_data);

HangarCsvField     *hangar_csv_field_new           (HangarField     *field);
void                hangar_csv_field_free          (HangarCsvField  *self);
HangarField        *hangar_csv_field_get_field     (HangarCsvField  *self);
/* Whether values of this column can be imported (not computed, known). */
gboolean            hangar_csv_field_is_writable   (HangarCsvField  *self);
/* For linked records: the linked table's id; NULL otherwise. */
const char         *hangar_csv_field_get_linked_table (HangarCsvField *self);
/* HANGAR_CSV_CELL_GUARD for text; numbers formatted here need no guard. */
HangarCsvCellFlags  hangar_csv_field_get_cell_flags (HangarCsvField *self);

/* The text of a cell for export. Never NULL. */
char               *hangar_csv_field_format        (HangarCsvField        *self,
                                                    JsonNode              *value,
                                                    HangarCsvLinkNameFunc  link_name,
                                                    gpointer               user_data);

/* Reads @text (a cell; the apostrophe of the formula guard is taken off)
 * as a value for the field. TRUE with *@out set (NULL for an empty cell),
 * or FALSE with @error saying why, in a sentence naming the value. For
 * linked records *@out is an array of strings: rec… ids, or names for the
 * caller to look up (or for Airtable with typecast). */
gboolean            hangar_csv_field_parse         (HangarCsvField  *self,
                                                    const char      *text,
                                                    gboolean         typecast,
                                                    JsonNode       **out,
                                                    GError         **error);

/* Splits a multiple value ("a,b", "\"x, y\",z") into items, trimmed;
 * empty items are dropped. */
GPtrArray          *hangar_csv_split_items         (const char      *text);
/* Appends @item for a multiple value: quoted when it holds "," or "\"". */
void                hangar_csv_append_item         (GString         *out,
                                                    const char      *item);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarCsvField, hangar_csv_field_free)

G_END_DECLS
