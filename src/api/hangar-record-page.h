/* hangar-record-page.h — one page of a record listing, read in one pass
 *
 * Private to libhangar (not in hangar-api.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "hangar-types.h"

G_BEGIN_DECLS

/* Reads a list answer `{"records": [...], "offset"?}` straight into
 * records: each record's fields become the compact JSON text the record
 * keeps, copied from the answer with whitespace dropped, escapes and
 * numbers written as hangar_json_to_string() writes them, so no JSON tree is
 * built and nothing is written twice.
 *
 * Only the common case is read here. Anything else — not strict JSON,
 * nested too deep, a member of the wrong type, a value json-glib would not
 * keep as sent (which needs a note), a name given twice, escapes in the
 * members the page itself is made of — returns FALSE without an error: the
 * caller then reads the page through hangar_json_parse_full() and the
 * models, which report exactly what is wrong. So this is only ever faster,
 * never different (tests/api/fuzz-models.c compares the two on every
 * input it makes).
 *
 * @out_records: (element-type HangarRecord) the page's records;
 * @out_offset: the next page's offset, NULL after the last page. */
gboolean  _hangar_record_page_read        (const char  *data,
                                           gsize        length,
                                           gsize        max_bytes,
                                           GPtrArray  **out_records,
                                           char       **out_offset);

/* The "offset" of a list answer, found from its end without reading the
 * records: when the answer's last member is `"offset": "…"` (as Airtable
 * writes it). NULL when it is not there, or cannot be told that way; the
 * full read has the last word. */
char     *_hangar_record_page_peek_offset (const char  *data,
                                           gsize        length);

/* Writes @us (Unix microseconds, UTC) as Airtable writes createdTime:
 * "2024-01-31T12:00:00.000Z" (milliseconds, truncated). @buf holds at least
 * 32 bytes; returns @buf, or NULL outside years 1–9999. */
char     *_hangar_format_timestamp_ms     (char        *buf,
                                           gint64       us);

G_END_DECLS
