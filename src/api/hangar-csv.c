/* hangar-csv.c — reading and writing CSV files, streamed and bounded
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hangar-csv.h"

G_DEFINE_QUARK (hangar-csv-error-quark, hangar_csv_error)

#define BUFFER_SIZE (64 * 1024)

typedef enum
{
  STATE_FIELD_START,
  STATE_UNQUOTED,
  STATE_QUOTED,
  STATE_QUOTE_IN_QUOTED,   /* a quote inside a quoted cell: doubled, or the end */
} ParseState;

struct _HangarCsvReader
{
  GInputStream *stream;
  char          delimiter;
  gsize         max_cell;
  gsize         max_row;
  guint         max_columns;

  guint8       *buffer;
  gsize         buffer_len;
  gsize         buffer_pos;
  gboolean      started;        /* the byte order mark has been looked at */
  gboolean      had_bom;
  gboolean      eof;
  gboolean      finished;       /* no more rows: end of input or a fatal error */
  gboolean      skip_lf;        /* the last row ended with CR: a LF right after belongs to it */

  guint64       line;           /* the line the next byte is on */
  guint64       row_line;       /* where the last row started */
  guint64       offset;

  GString      *cell;
};

HangarCsvReader *
hangar_csv_reader_new (GInputStream *stream,
                       char          delimiter)
{
  HangarCsvReader *self;

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);
  g_return_val_if_fail (delimiter == 0 || delimiter == ',' || delimiter == ';' || delimiter == '\t', NULL);

  self = g_new0 (HangarCsvReader, 1);
  self->stream = g_object_ref (stream);
  self->delimiter = delimiter;
  self->max_cell = HANGAR_CSV_MAX_CELL_BYTES;
  self->max_row = HANGAR_CSV_MAX_ROW_BYTES;
  self->max_columns = HANGAR_CSV_MAX_COLUMNS;
  self->buffer = g_malloc (BUFFER_SIZE);
  self->line = 1;
  self->row_line = 1;
  self->cell = g_string_new (NULL);
  return self;
}

void
hangar_csv_reader_free (HangarCsvReader *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->stream);
  g_free (self->buffer);
  g_string_free (self->cell, TRUE);
  g_free (self);
}

void
hangar_csv_reader_set_limits (HangarCsvReader *self,
                              gsize            max_cell,
                              gsize            max_row,
                              guint            max_columns)
{
  g_return_if_fail (self != NULL);

  self->max_cell = max_cell > 0 ? max_cell : HANGAR_CSV_MAX_CELL_BYTES;
  self->max_row = max_row > 0 ? max_row : HANGAR_CSV_MAX_ROW_BYTES;
  self->max_columns = max_columns > 0 ? max_columns : HANGAR_CSV_MAX_COLUMNS;
}

guint64
hangar_csv_reader_get_line (HangarCsvReader *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->row_line;
}

guint64
hangar_csv_reader_get_offset (HangarCsvReader *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->offset;
}

char
hangar_csv_reader_get_delimiter (HangarCsvReader *self)
{
  g_return_val_if_fail (self != NULL, ',');
  return self->delimiter != 0 ? self->delimiter : ',';
}

gboolean
hangar_csv_reader_had_bom (HangarCsvReader *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->had_bom;
}

gboolean
hangar_csv_reader_at_end (HangarCsvReader *self)
{
  g_return_val_if_fail (self != NULL, TRUE);
  return self->finished;
}

/* Moves what is left to the front and reads more after it. FALSE with
 * @error on a read error; at the end of the input self->eof is set. */
static gboolean
fill (HangarCsvReader  *self,
      GCancellable     *cancellable,
      GError          **error)
{
  gssize n;

  if (self->eof)
    return TRUE;
  if (self->buffer_pos > 0)
    {
      memmove (self->buffer, self->buffer + self->buffer_pos, self->buffer_len - self->buffer_pos);
      self->buffer_len -= self->buffer_pos;
      self->buffer_pos = 0;
    }
  if (self->buffer_len == BUFFER_SIZE)
    return TRUE;
  n = g_input_stream_read (self->stream, self->buffer + self->buffer_len, BUFFER_SIZE - self->buffer_len,
                           cancellable, error);
  if (n < 0)
    return FALSE;
  if (n == 0)
    self->eof = TRUE;
  self->buffer_len += n;
  return TRUE;
}

/* The delimiter the first line uses most outside quotes: ",", ";" or tab. */
static char
guess_delimiter (const guint8 *data,
                 gsize         len)
{
  gsize counts[3] = { 0, 0, 0 };
  const char candidates[3] = { ',', ';', '\t' };
  gboolean quoted = FALSE;
  guint best = 0;

  for (gsize i = 0; i < len; i++)
    {
      char c = (char) data[i];

      if (c == '"')
        quoted = !quoted;
      else if (!quoted && (c == '\n' || c == '\r'))
        break;
      else if (!quoted)
        for (guint k = 0; k < 3; k++)
          if (c == candidates[k])
            counts[k]++;
    }
  for (guint k = 1; k < 3; k++)
    if (counts[k] > counts[best])
      best = k;
  return candidates[best];
}

/* The start of the input: a byte order mark, and the delimiter. */
static gboolean
start (HangarCsvReader  *self,
       GCancellable     *cancellable,
       GError          **error)
{
  self->started = TRUE;
  /* Enough to see the whole first line in most files. */
  while (!self->eof && self->buffer_len < BUFFER_SIZE)
    if (!fill (self, cancellable, error))
      return FALSE;

  if (self->buffer_len >= 3 && memcmp (self->buffer, "\xEF\xBB\xBF", 3) == 0)
    {
      self->had_bom = TRUE;
      self->buffer_pos = 3;
      self->offset = 3;
    }
  else if (self->buffer_len >= 2 &&
           (memcmp (self->buffer, "\xFF\xFE", 2) == 0 || memcmp (self->buffer, "\xFE\xFF", 2) == 0))
    {
      self->finished = TRUE;
      g_set_error (error, HANGAR_CSV_ERROR, HANGAR_CSV_ERROR_ENCODING,
                   "%s", "line 1: the file is in UTF-16; save it as UTF-8 (“CSV UTF-8” in spreadsheets)");
      return FALSE;
    }

  if (self->delimiter == 0)
    self->delimiter = guess_delimiter (self->buffer + self->buffer_pos, self->buffer_len - self->buffer_pos);
  return TRUE;
}

/* Describes the first byte of @text that is not UTF-8. */
static char *
describe_bad_utf8 (const char *text,
                   gsize       len,
                   guint64     cell_line,
                   guint64    *out_line)
{
  const char *end = NULL;
  g_autofree char *before = NULL;
  glong chars;
  guint64 line = cell_line;
  const char *line_start = text;

  g_utf8_validate (text, len, &end);
  for (const char *p = text; p < end; p++)
    if (*p == '\n')
      {
        line++;
        line_start = p + 1;
      }
  *out_line = line;
  chars = g_utf8_strlen (line_start, end - line_start);
  if (*end == '\0')
    return g_strdup_printf ("a NUL byte at character %ld of the cell (is this a binary file?)", chars + 1);
  return g_strdup_printf ("byte 0x%02X at character %ld of the cell is not UTF-8 "
                          "(save the file as UTF-8, “CSV UTF-8” in spreadsheets)",
                          (guint8) *end, chars + 1);
}

gboolean
hangar_csv_reader_next (HangarCsvReader  *self,
                        GPtrArray        *cells,
                        GCancellable     *cancellable,
                        GError          **error)
{
  ParseState state = STATE_FIELD_START;
  g_autoptr(GError) row_error = NULL;
  gboolean cr_in_quoted = FALSE;
  gboolean any = FALSE;          /* a byte of this row was read */
  gsize row_bytes = 0;
  guint64 quote_line = 0;
  guint quote_column = 0;
  guint64 cell_line = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (cells != NULL, FALSE);

  g_ptr_array_set_size (cells, 0);
  g_string_truncate (self->cell, 0);

  if (self->finished)
    return FALSE;
  if (!self->started && !start (self, cancellable, error))
    {
      self->finished = TRUE;
      return FALSE;
    }

  for (;;)
    {
      guint8 c = 0;
      gboolean end_cell = FALSE, end_row = FALSE;

      if (self->buffer_pos >= self->buffer_len)
        {
          if (!fill (self, cancellable, error))
            {
              self->finished = TRUE;
              return FALSE;
            }
          if (self->buffer_pos >= self->buffer_len)
            {
              /* The end of the input. */
              self->finished = TRUE;
              if (state == STATE_QUOTED)
                {
                  g_set_error (error, HANGAR_CSV_ERROR, HANGAR_CSV_ERROR_QUOTES,
                               "line %" G_GUINT64_FORMAT ", column %u: the quote opened here is never closed",
                               quote_line, quote_column);
                  return FALSE;
                }
              if (!any)
                return FALSE;
              end_cell = end_row = TRUE;
              goto cell_done;
            }
        }

      c = self->buffer[self->buffer_pos++];
      self->offset++;

      if (self->skip_lf)
        {
          self->skip_lf = FALSE;
          if (c == '\n')
            continue;
        }

      if (!any)
        {
          any = TRUE;
          self->row_line = self->line;
          cell_line = self->line;
          /* A blank line between rows is no row at all. */
          if (c == '\n' || c == '\r')
            {
              any = FALSE;
              self->line++;
              self->skip_lf = c == '\r';
              continue;
            }
        }
      row_bytes++;

      switch (state)
        {
        case STATE_FIELD_START:
          cell_line = self->line;
          if (c == '"')
            {
              state = STATE_QUOTED;
              quote_line = self->line;
              quote_column = cells->len + 1;
              continue;
            }
          if (c == (guint8) self->delimiter)
            end_cell = TRUE;
          else if (c == '\n' || c == '\r')
            end_cell = end_row = TRUE;
          else
            {
              state = STATE_UNQUOTED;
              goto store;
            }
          break;

        case STATE_UNQUOTED:
          if (c == (guint8) self->delimiter)
            end_cell = TRUE;
          else if (c == '\n' || c == '\r')
            end_cell = end_row = TRUE;
          else
            goto store;   /* a quote inside an unquoted cell is kept as is */
          break;

        case STATE_QUOTED:
          if (c == '"')
            {
              state = STATE_QUOTE_IN_QUOTED;
              cr_in_quoted = FALSE;
              continue;
            }
          /* Line ends inside a cell become "\n", whatever the file used. */
          if (c == '\n' && cr_in_quoted)
            {
              cr_in_quoted = FALSE;
              continue;
            }
          cr_in_quoted = c == '\r';
          if (c == '\n' || c == '\r')
            {
              self->line++;
              c = '\n';
            }
          goto store;

        case STATE_QUOTE_IN_QUOTED:
          if (c == '"')
            {
              state = STATE_QUOTED;
              goto store;
            }
          if (c == (guint8) self->delimiter)
            end_cell = TRUE;
          else if (c == '\n' || c == '\r')
            end_cell = end_row = TRUE;
          else
            {
              if (row_error == NULL)
                g_set_error (&row_error, HANGAR_CSV_ERROR, HANGAR_CSV_ERROR_QUOTES,
                             "line %" G_GUINT64_FORMAT ", column %u: text after the closing quote "
                             "(a quote inside a quoted cell must be doubled: \"\")",
                             self->line, cells->len + 1);
              state = STATE_UNQUOTED;
              continue;
            }
          break;

        default:
          g_assert_not_reached ();
        }

    cell_done:
      if (end_row && c == '\r')
        self->skip_lf = TRUE;
      if (end_row && !self->finished)
        self->line++;

      if (end_cell)
        {
          if (row_error == NULL && !g_utf8_validate (self->cell->str, self->cell->len, NULL))
            {
              guint64 bad_line;
              g_autofree char *what = describe_bad_utf8 (self->cell->str, self->cell->len, cell_line, &bad_line);

              g_set_error (&row_error, HANGAR_CSV_ERROR, HANGAR_CSV_ERROR_ENCODING,
                           "line %" G_GUINT64_FORMAT ", column %u: %s", bad_line, cells->len + 1, what);
            }
          if (row_error == NULL && cells->len >= self->max_columns)
            g_set_error (&row_error, HANGAR_CSV_ERROR, HANGAR_CSV_ERROR_TOO_LONG,
                         "line %" G_GUINT64_FORMAT ": more than %u columns",
                         self->row_line, self->max_columns);
          if (row_error == NULL)
            g_ptr_array_add (cells, g_strndup (self->cell->str, self->cell->len));
          g_string_truncate (self->cell, 0);
          state = STATE_FIELD_START;
        }
      if (end_row)
        break;
      continue;

    store:
      if (row_error != NULL)
        continue;
      if (self->cell->len >= self->max_cell || row_bytes > self->max_row)
        {
          g_set_error (&row_error, HANGAR_CSV_ERROR, HANGAR_CSV_ERROR_TOO_LONG,
                       self->cell->len >= self->max_cell
                       ? "line %" G_GUINT64_FORMAT ", column %u: a cell longer than %" G_GSIZE_FORMAT " bytes%s"
                       : "line %" G_GUINT64_FORMAT ", column %u: the row is longer than %" G_GSIZE_FORMAT " bytes%s",
                       self->row_line, cells->len + 1,
                       self->cell->len >= self->max_cell ? self->max_cell : self->max_row,
                       state == STATE_QUOTED ? " (is a quote opened here never closed?)" : "");
          g_string_truncate (self->cell, 0);
          continue;
        }
      g_string_append_c (self->cell, (char) c);
    }

  g_string_truncate (self->cell, 0);
  if (row_error != NULL)
    {
      g_ptr_array_set_size (cells, 0);
      g_propagate_error (error, g_steal_pointer (&row_error));
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Writing                                                                   */

gboolean
hangar_csv_needs_formula_guard (const char *cell)
{
  static const char * const wide[] = { "＝", "＋", "－", "＠" };

  if (cell == NULL || cell[0] == '\0')
    return FALSE;
  if (strchr ("=+-@\t\r", cell[0]) != NULL)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (wide); i++)
    if (g_str_has_prefix (cell, wide[i]))
      return TRUE;
  return FALSE;
}

const char *
hangar_csv_strip_formula_guard (const char *cell)
{
  if (cell != NULL && cell[0] == '\'' && hangar_csv_needs_formula_guard (cell + 1))
    return cell + 1;
  return NULL;
}

void
hangar_csv_append_cell (GString            *out,
                        const char         *cell,
                        HangarCsvCellFlags  flags)
{
  gboolean guard;
  gsize len;

  g_return_if_fail (out != NULL);

  if (cell == NULL)
    cell = "";
  len = strlen (cell);
  guard = (flags & HANGAR_CSV_CELL_GUARD) && hangar_csv_needs_formula_guard (cell);

  if (strpbrk (cell, ",\"\r\n") != NULL ||
      (len > 0 && (g_ascii_isspace (cell[0]) || g_ascii_isspace (cell[len - 1]))))
    {
      g_string_append_c (out, '"');
      if (guard)
        g_string_append_c (out, '\'');
      for (const char *p = cell; *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (out, '"');
          g_string_append_c (out, *p);
        }
      g_string_append_c (out, '"');
    }
  else
    {
      if (guard)
        g_string_append_c (out, '\'');
      g_string_append_len (out, cell, len);
    }
}

void
hangar_csv_append_row (GString                  *out,
                       const char * const       *cells,
                       guint                     n_cells,
                       const HangarCsvCellFlags *flags,
                       gboolean                  crlf)
{
  g_return_if_fail (out != NULL);

  for (guint i = 0; i < n_cells; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      hangar_csv_append_cell (out, cells[i], flags != NULL ? flags[i] : HANGAR_CSV_CELL_PLAIN);
    }
  g_string_append (out, crlf ? "\r\n" : "\n");
}
