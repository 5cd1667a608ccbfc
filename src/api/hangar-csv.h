/* hangar-csv.h — reading and writing CSV files, streamed and bounded
 *
 * The reader takes RFC 4180 text from any GInputStream, one row at a time,
 * holding no more than one row in memory however large the file or however
 * hostile its content: a cell or a row beyond its limit is read to its end
 * and dropped, never kept. It skips a UTF-8 byte order mark, accepts CRLF,
 * LF and CR line ends, newlines and doubled quotes inside quoted cells, and
 * names the line and column of whatever it refuses (text that is not UTF-8,
 * text after a closing quote, a quote never closed, a row too long).
 *
 * The writer quotes what needs quoting and, for files that spreadsheets
 * will open, neutralises text that a spreadsheet would run as a formula
 * (see hangar_csv_needs_formula_guard()).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define HANGAR_CSV_ERROR (hangar_csv_error_quark ())

/**
 * HangarCsvError:
 * @HANGAR_CSV_ERROR_ENCODING: the text is not UTF-8 (or is UTF-16)
 * @HANGAR_CSV_ERROR_TOO_LONG: a cell or a row is longer than the limits
 * @HANGAR_CSV_ERROR_QUOTES: text after a closing quote, or a quote that is
 *   never closed
 * @HANGAR_CSV_ERROR_COLUMNS: a row has another number of cells than the
 *   header (reported by callers that compare; the reader does not)
 * @HANGAR_CSV_ERROR_EMPTY: no header row at all
 * @HANGAR_CSV_ERROR_IO: reading or writing failed
 * @HANGAR_CSV_ERROR_VALUE: a cell's text is not a value of its field
 *
 * Every message names the line (and the column where one applies).
 */
typedef enum
{
  HANGAR_CSV_ERROR_ENCODING,
  HANGAR_CSV_ERROR_TOO_LONG,
  HANGAR_CSV_ERROR_QUOTES,
  HANGAR_CSV_ERROR_COLUMNS,
  HANGAR_CSV_ERROR_EMPTY,
  HANGAR_CSV_ERROR_IO,
  HANGAR_CSV_ERROR_VALUE,
} HangarCsvError;

GQuark hangar_csv_error_quark (void);

/* Airtable keeps at most 100,000 characters in a long text cell; a UTF-8
 * character takes at most 4 bytes. */
#define HANGAR_CSV_MAX_CELL_BYTES (100000 * 4)
/* A whole row: a little more than a full 10-record request body (2 MB)
 * holds, shared by every cell of the row. */
#define HANGAR_CSV_MAX_ROW_BYTES  (2 * 1024 * 1024)
/* A table has at most 500 fields. */
#define HANGAR_CSV_MAX_COLUMNS    500

typedef struct _HangarCsvReader HangarCsvReader;

/* @delimiter: ',' ';' or '\t', or 0 to guess it from the first line. */
HangarCsvReader *hangar_csv_reader_new          (GInputStream     *stream,
                                                 char              delimiter);
void             hangar_csv_reader_free         (HangarCsvReader  *self);
/* Limits (bytes) for one cell and one row; the defaults are the
 * HANGAR_CSV_MAX_* above. */
void             hangar_csv_reader_set_limits   (HangarCsvReader  *self,
                                                 gsize             max_cell,
                                                 gsize             max_row,
                                                 guint             max_columns);
/* Reads the next row into @cells (emptied first; NUL-terminated UTF-8
 * strings, owned by @cells, which must free with g_free). Returns FALSE at
 * the end of the input (no error) or with @error: an error in
 * HANGAR_CSV_ERROR_ENCODING, _TOO_LONG or _QUOTES concerns this row only —
 * the row was read to its end and the next call goes on with the next one —
 * while HANGAR_CSV_ERROR_IO and a quote never closed end the input. Blank
 * lines between rows are skipped. */
gboolean         hangar_csv_reader_next         (HangarCsvReader  *self,
                                                 GPtrArray        *cells,
                                                 GCancellable     *cancellable,
                                                 GError          **error);
/* The line on which the row last returned (or refused) starts, 1-based. */
guint64          hangar_csv_reader_get_line     (HangarCsvReader  *self);
/* Bytes read so far, the byte order mark included. */
guint64          hangar_csv_reader_get_offset   (HangarCsvReader  *self);
char             hangar_csv_reader_get_delimiter (HangarCsvReader *self);
/* Whether the input began with a UTF-8 byte order mark. */
gboolean         hangar_csv_reader_had_bom      (HangarCsvReader  *self);
/* Whether the reader stopped for good (end of input, an I/O error or a
 * quote never closed). */
gboolean         hangar_csv_reader_at_end       (HangarCsvReader  *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarCsvReader, hangar_csv_reader_free)

/* Whether a spreadsheet opening the file would take @cell for a formula:
 * it starts with =, +, -, @ (or their full-width forms), a tab or a
 * carriage return. OWASP's advice for CSV injection is to prefix such text
 * with an apostrophe, which spreadsheets show as text; callers skip the
 * guard for cells that are numbers they formatted themselves ("-3.5"). */
gboolean         hangar_csv_needs_formula_guard (const char       *cell);
/* The apostrophe added by the guard, taken off again on import: @cell
 * without it when it is "'" followed by a guarded character, else NULL. */
const char      *hangar_csv_strip_formula_guard (const char       *cell);

/**
 * HangarCsvCellFlags:
 * @HANGAR_CSV_CELL_PLAIN: written as is (quoted when needed)
 * @HANGAR_CSV_CELL_GUARD: text: an apostrophe goes before a formula start
 */
typedef enum
{
  HANGAR_CSV_CELL_PLAIN = 0,
  HANGAR_CSV_CELL_GUARD = 1 << 0,
} HangarCsvCellFlags;

/* Appends @cell to @out, quoted when it holds the delimiter, a quote, a
 * CR or LF, or starts or ends with white space (quotes doubled inside). */
void             hangar_csv_append_cell         (GString           *out,
                                                 const char        *cell,
                                                 HangarCsvCellFlags flags);
/* Appends a whole row: cells separated by ",", ended by "\r\n" when @crlf
 * (RFC 4180, what spreadsheets expect) or "\n". @flags: one per cell, or
 * NULL for HANGAR_CSV_CELL_PLAIN throughout. */
void             hangar_csv_append_row          (GString                  *out,
                                                 const char * const       *cells,
                                                 guint                     n_cells,
                                                 const HangarCsvCellFlags *flags,
                                                 gboolean                  crlf);

G_END_DECLS
