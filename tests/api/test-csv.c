/* test-csv.c — the CSV reader and writer, and cell values per field type:
 * quotes, line breaks inside cells, byte order marks, CR / LF / CRLF, text
 * that is not UTF-8, rows far beyond the limits (read past, never kept),
 * the formula guard, and every import conversion with its refusals
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hangar-csv-cell.h"
#include "hangar-test.h"

/* Reads @data (@len bytes, -1 for a string) row by row into a list of
 * rows; a refused row is the string "ERROR: message". */
static GPtrArray *
read_all_with (const char *data,
               gssize      len,
               gsize       max_cell,
               gsize       max_row)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, len < 0 ? strlen (data) : (gsize) len);
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (bytes);
  g_autoptr(HangarCsvReader) reader = hangar_csv_reader_new (stream, 0);
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_free);

  if (max_cell > 0)
    hangar_csv_reader_set_limits (reader, max_cell, max_row, 0);
  for (guint guard = 0; guard < 1000; guard++)
    {
      g_autoptr(GError) error = NULL;

      if (hangar_csv_reader_next (reader, cells, NULL, &error))
        {
          GString *row = g_string_new (NULL);

          g_string_append_printf (row, "%" G_GUINT64_FORMAT ":", hangar_csv_reader_get_line (reader));
          for (guint i = 0; i < cells->len; i++)
            g_string_append_printf (row, "%s[%s]", i > 0 ? "," : "", (char *) g_ptr_array_index (cells, i));
          g_ptr_array_add (rows, g_string_free (row, FALSE));
          continue;
        }
      if (error == NULL)
        break;
      g_ptr_array_add (rows, g_strdup_printf ("ERROR: %s", error->message));
      if (hangar_csv_reader_at_end (reader))
        break;
    }
  return rows;
}

static GPtrArray *
read_all (const char *data)
{
  return read_all_with (data, -1, 0, 0);
}

static void
assert_rows (GPtrArray          *rows,
             const char * const *expected)
{
  guint n = g_strv_length ((char **) expected);

  for (guint i = 0; i < MIN (n, rows->len); i++)
    g_assert_cmpstr (g_ptr_array_index (rows, i), ==, expected[i]);
  g_assert_cmpuint (rows->len, ==, n);
}

static void
test_reader_basic (void)
{
  g_autoptr(GPtrArray) rows = NULL;

  rows = read_all ("Name,Notes,Num\r\n"
                   "\"Comma, \"\"quoted\"\"\",\"two\r\nlines\",3\r\n"
                   "plain,,\r\n"
                   "\r\n"
                   "last,\"x\",\"\"");
  assert_rows (rows, (const char * const[]) {
    "1:[Name],[Notes],[Num]",
    "2:[Comma, \"quoted\"],[two\nlines],[3]",
    "4:[plain],[],[]",
    "6:[last],[x],[]",
    NULL });
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* LF only, CR only (old Mac), a quote inside an unquoted cell kept. */
  rows = read_all ("a,b\nc,d\re,f\"g\r");
  assert_rows (rows, (const char * const[]) { "1:[a],[b]", "2:[c],[d]", "3:[e],[f\"g]", NULL });
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* A UTF-8 byte order mark is not part of the first header. */
  rows = read_all ("\xEF\xBB\xBFName,Ünï\n1,2\n");
  assert_rows (rows, (const char * const[]) { "1:[Name],[Ünï]", "2:[1],[2]", NULL });
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* Semicolons (a European spreadsheet) and tabs are found from the header. */
  rows = read_all ("a;b;\"c;d\"\n1,5;2;3\n");
  assert_rows (rows, (const char * const[]) { "1:[a],[b],[c;d]", "2:[1,5],[2],[3]", NULL });
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = read_all ("a\tb\n1\t2\n");
  assert_rows (rows, (const char * const[]) { "1:[a],[b]", "2:[1],[2]", NULL });
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* Nothing at all, and only blank lines. */
  rows = read_all ("");
  g_assert_cmpuint (rows->len, ==, 0);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = read_all ("\n\r\n\n");
  g_assert_cmpuint (rows->len, ==, 0);
}

static void
test_reader_hostile (void)
{
  g_autoptr(GPtrArray) rows = NULL;

  /* Not UTF-8 (Latin-1 é): the line and column are named, the row is
   * refused and reading goes on. */
  rows = read_all ("Name,City\nok,Paris\nbad,Caf\xE9\nnext,Rome\n");
  assert_rows (rows, (const char * const[]) {
    "1:[Name],[City]", "2:[ok],[Paris]",
    "ERROR: line 3, column 2: byte 0xE9 at character 4 of the cell is not UTF-8 "
    "(save the file as UTF-8, “CSV UTF-8” in spreadsheets)",
    "4:[next],[Rome]", NULL });
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* The bad byte on the second line of a quoted cell: that line. */
  rows = read_all ("a\n\"one\ntw\xFFo\"\n");
  assert_rows (rows, (const char * const[]) {
    "1:[a]", "ERROR: line 3, column 1: byte 0xFF at character 3 of the cell is not UTF-8 "
    "(save the file as UTF-8, “CSV UTF-8” in spreadsheets)", NULL });
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* A NUL byte: a binary file. */
  rows = read_all_with ("a,b\nx,y\0z\n", 10, 0, 0);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (rows, 1), "ERROR: line 2, column 2: a NUL byte"));
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* UTF-16 is named as such, and ends the input. */
  rows = read_all_with ("\xFF\xFEN\0a\0", 6, 0, 0);
  assert_rows (rows, (const char * const[]) {
    "ERROR: line 1: the file is in UTF-16; save it as UTF-8 (“CSV UTF-8” in spreadsheets)", NULL });
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* Text after a closing quote: that row only. */
  rows = read_all ("a,b\n\"x\"y,2\n3,4\n");
  assert_rows (rows, (const char * const[]) {
    "1:[a],[b]",
    "ERROR: line 2, column 1: text after the closing quote (a quote inside a quoted cell must be doubled: \"\")",
    "3:[3],[4]", NULL });
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* A quote never closed ends the input, naming where it opened. */
  rows = read_all ("a,b\n1,2\n3,\"open\n4,5\n");
  assert_rows (rows, (const char * const[]) {
    "1:[a],[b]", "2:[1],[2]", "ERROR: line 3, column 2: the quote opened here is never closed", NULL });
}

static void
test_reader_bounded (void)
{
  g_autoptr(GString) data = g_string_new ("a,b\n1,2\n");
  g_autoptr(GPtrArray) rows = NULL;
  gsize huge = 32 * 1024 * 1024;

  /* A cell of 32 MB: read to its end and dropped, never kept (the limits
   * here are small; the reader holds at most one row). */
  g_string_append (data, "x,");
  for (gsize i = 0; i < huge / 64; i++)
    g_string_append (data, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  g_string_append (data, "\n3,4\n");
  g_string_append (data, "5,\"quoted, long");
  for (guint i = 0; i < 2000; i++)
    g_string_append (data, " line\nof text");
  g_string_append (data, "\"\n6,7\n");

  rows = read_all_with (data->str, data->len, 1000, 4000);
  assert_rows (rows, (const char * const[]) {
    "1:[a],[b]", "2:[1],[2]",
    "ERROR: line 3, column 2: a cell longer than 1000 bytes",
    "4:[3],[4]",
    "ERROR: line 5, column 2: a cell longer than 1000 bytes (is a quote opened here never closed?)",
    "2006:[6],[7]", NULL });
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* A row too long across its cells. */
  g_string_assign (data, "a\n");
  for (guint i = 0; i < 600; i++)
    g_string_append (data, "abcdefgh,");
  g_string_append (data, "\nend\n");
  rows = read_all_with (data->str, data->len, 1000, 4000);
  assert_rows (rows, (const char * const[]) {
    "1:[a]", "ERROR: line 2, column 445: the row is longer than 4000 bytes", "3:[end]", NULL });
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* More columns than a table can have. */
  g_string_assign (data, "");
  for (guint i = 0; i < 501; i++)
    g_string_append (data, i > 0 ? ",c" : "c");
  g_string_append (data, "\nok\n");
  rows = read_all (data->str);
  assert_rows (rows, (const char * const[]) { "ERROR: line 1: more than 500 columns", "2:[ok]", NULL });
}

static void
test_writer (void)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *cells[] = { "plain", "a,b", "say \"hi\"", "two\nlines", " padded", "", NULL };

  hangar_csv_append_row (out, cells, 6, NULL, TRUE);
  g_assert_cmpstr (out->str, ==, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" padded\",\r\n");

  /* Formula starts get an apostrophe; numbers written as PLAIN do not. */
  g_string_truncate (out, 0);
  {
    const char *hostile[] = { "=HYPERLINK(\"http://x\",\"y\")", "+1", "-2+3", "@SUM(A1)", "\tx", "＝1", "-5", "a=b" };
    const HangarCsvCellFlags flags[] = { HANGAR_CSV_CELL_GUARD, HANGAR_CSV_CELL_GUARD, HANGAR_CSV_CELL_GUARD,
                                         HANGAR_CSV_CELL_GUARD, HANGAR_CSV_CELL_GUARD, HANGAR_CSV_CELL_GUARD,
                                         HANGAR_CSV_CELL_PLAIN, HANGAR_CSV_CELL_GUARD };

    hangar_csv_append_row (out, hostile, G_N_ELEMENTS (hostile), flags, FALSE);
    g_assert_cmpstr (out->str, ==,
                     "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",'+1,'-2+3,'@SUM(A1),\"'\tx\",'＝1,-5,a=b\n");
  }

  g_assert_cmpstr (hangar_csv_strip_formula_guard ("'=1"), ==, "=1");
  g_assert_null (hangar_csv_strip_formula_guard ("'quoted'"));
  g_assert_null (hangar_csv_strip_formula_guard ("=1"));

  /* What is written reads back the same. */
  {
    g_autoptr(GPtrArray) rows = NULL;

    g_string_truncate (out, 0);
    hangar_csv_append_row (out, cells, 6, NULL, TRUE);
    hangar_csv_append_row (out, cells, 6, NULL, FALSE);
    rows = read_all (out->str);
    assert_rows (rows, (const char * const[]) {
      "1:[plain],[a,b],[say \"hi\"],[two\nlines],[ padded],[]",
      "3:[plain],[a,b],[say \"hi\"],[two\nlines],[ padded],[]", NULL });
  }
}

static HangarField *
field_from (const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  g_autoptr(GError) error = NULL;
  HangarField *field;

  g_assert_nonnull (node);
  field = hangar_field_new_from_json (json_node_get_object (node), &error);
  g_assert_no_error (error);
  return field;
}

static const char *
link_name (const char *table_id,
           const char *record_id,
           gpointer    user_data)
{
  g_assert_cmpstr (table_id, ==, "tblLinkedXXXXXXXX");
  if (g_str_equal (record_id, "recAAAAAAAAAAAAAA"))
    return "Alpha, Inc.";
  return NULL;
}

static char *
format_json (const char *field_json,
             const char *value_json)
{
  g_autoptr(HangarField) field = field_from (field_json);
  g_autoptr(HangarCsvField) column = hangar_csv_field_new (field);
  g_autoptr(JsonNode) value = json_from_string (value_json, NULL);

  return hangar_csv_field_format (column, value, link_name, NULL);
}

static void
test_format (void)
{
  struct { const char *field, *value, *expected; } cases[] = {
    { "{\"id\":\"fld1\",\"name\":\"T\",\"type\":\"singleLineText\"}", "\"=1+1\"", "=1+1" },
    { "{\"id\":\"fld1\",\"name\":\"N\",\"type\":\"number\",\"options\":{\"precision\":2}}", "1234.5", "1234.50" },
    { "{\"id\":\"fld1\",\"name\":\"C\",\"type\":\"currency\",\"options\":{\"precision\":2,\"symbol\":\"$\"}}", "-1.5", "-$1.50" },
    { "{\"id\":\"fld1\",\"name\":\"P\",\"type\":\"percent\",\"options\":{\"precision\":1}}", "0.125", "12.5%" },
    { "{\"id\":\"fld1\",\"name\":\"D\",\"type\":\"duration\",\"options\":{\"durationFormat\":\"h:mm\"}}", "5400", "1:30" },
    { "{\"id\":\"fld1\",\"name\":\"R\",\"type\":\"rating\",\"options\":{\"max\":5}}", "3", "3" },
    { "{\"id\":\"fld1\",\"name\":\"B\",\"type\":\"checkbox\"}", "true", "checked" },
    { "{\"id\":\"fld1\",\"name\":\"S\",\"type\":\"multipleSelects\"}", "[\"a\",\"b, c\",\"say \\\"x\\\"\"]",
      "a,\"b, c\",\"say \"\"x\"\"\"" },
    { "{\"id\":\"fld1\",\"name\":\"L\",\"type\":\"multipleRecordLinks\",\"options\":{\"linkedTableId\":\"tblLinkedXXXXXXXX\"}}",
      "[\"recAAAAAAAAAAAAAA\",\"recBBBBBBBBBBBBBB\"]", "\"Alpha, Inc.\",recBBBBBBBBBBBBBB" },
    { "{\"id\":\"fld1\",\"name\":\"U\",\"type\":\"multipleCollaborators\"}",
      "[{\"id\":\"usr1\",\"email\":\"a@x.io\",\"name\":\"A\"},{\"id\":\"usr2\",\"name\":\"B\"}]", "a@x.io,B" },
    { "{\"id\":\"fld1\",\"name\":\"F\",\"type\":\"multipleAttachments\"}",
      "[{\"id\":\"att1\",\"url\":\"https://x/a.png\",\"filename\":\"a.png\"}]", "a.png (https://x/a.png)" },
    { "{\"id\":\"fld1\",\"name\":\"D\",\"type\":\"date\"}", "\"2024-03-01\"", "2024-03-01" },
    { "{\"id\":\"fld1\",\"name\":\"DT\",\"type\":\"dateTime\"}", "\"2024-03-01T09:30:00.000Z\"", "2024-03-01T09:30:00.000Z" },
    { "{\"id\":\"fld1\",\"name\":\"F\",\"type\":\"formula\",\"options\":{\"result\":{\"type\":\"currency\",\"options\":{\"precision\":0,\"symbol\":\"€\"}}}}",
      "12.4", "€12" },
    { "{\"id\":\"fld1\",\"name\":\"F\",\"type\":\"formula\"}", "{\"error\":\"#ERROR!\"}", "#ERROR!" },
    { "{\"id\":\"fld1\",\"name\":\"K\",\"type\":\"multipleLookupValues\",\"options\":{\"result\":{\"type\":\"multipleSelects\"}}}",
      "[[\"x\"],[\"y\",\"z\"]]", "x,y,z" },
    { "{\"id\":\"fld1\",\"name\":\"B\",\"type\":\"barcode\"}", "{\"text\":\"0123\"}", "0123" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = format_json (cases[i].field, cases[i].value);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }

  {
    g_autoptr(HangarField) number = field_from ("{\"id\":\"f\",\"name\":\"N\",\"type\":\"number\"}");
    g_autoptr(HangarField) text = field_from ("{\"id\":\"f\",\"name\":\"T\",\"type\":\"singleLineText\"}");
    g_autoptr(HangarCsvField) a = hangar_csv_field_new (number);
    g_autoptr(HangarCsvField) b = hangar_csv_field_new (text);

    g_assert_cmpint (hangar_csv_field_get_cell_flags (a), ==, HANGAR_CSV_CELL_PLAIN);
    g_assert_cmpint (hangar_csv_field_get_cell_flags (b), ==, HANGAR_CSV_CELL_GUARD);
  }
}

/* Parses @text for the field and returns the JSON written compactly, or
 * "ERROR: message". */
static char *
parse_text (const char *field_json,
            const char *text,
            gboolean    typecast)
{
  g_autoptr(HangarField) field = field_from (field_json);
  g_autoptr(HangarCsvField) column = hangar_csv_field_new (field);
  g_autoptr(JsonNode) value = NULL;
  g_autoptr(GError) error = NULL;

  if (!hangar_csv_field_parse (column, text, typecast, &value, &error))
    return g_strdup_printf ("ERROR: %s", error->message);
  if (value == NULL)
    return g_strdup ("(empty)");
  return json_to_string (value, FALSE);
}

static void
test_parse (void)
{
  const char *select = "{\"id\":\"f\",\"name\":\"Status\",\"type\":\"singleSelect\",\"options\":{\"choices\":"
                       "[{\"id\":\"sel1\",\"name\":\"Todo\"},{\"id\":\"sel2\",\"name\":\"Done\"}]}}";
  const char *multi = "{\"id\":\"f\",\"name\":\"Tags\",\"type\":\"multipleSelects\",\"options\":{\"choices\":"
                      "[{\"id\":\"sel1\",\"name\":\"a\"},{\"id\":\"sel2\",\"name\":\"b, c\"}]}}";
  struct { const char *field, *text; gboolean typecast; const char *expected; } cases[] = {
    { "{\"id\":\"f\",\"name\":\"T\",\"type\":\"singleLineText\"}", " keep spaces ", FALSE, "\" keep spaces \"" },
    { "{\"id\":\"f\",\"name\":\"T\",\"type\":\"multilineText\"}", "'=1+1", FALSE, "\"=1+1\"" },
    { "{\"id\":\"f\",\"name\":\"T\",\"type\":\"singleLineText\"}", "", FALSE, "(empty)" },
    { "{\"id\":\"f\",\"name\":\"N\",\"type\":\"number\"}", " 1,234.5 ", FALSE, "1234.5" },
    { "{\"id\":\"f\",\"name\":\"N\",\"type\":\"number\"}", "-3", FALSE, "-3" },
    { "{\"id\":\"f\",\"name\":\"N\",\"type\":\"number\"}", "1e3", FALSE, "1000" },
    { "{\"id\":\"f\",\"name\":\"N\",\"type\":\"number\"}", "12,34", FALSE, "ERROR: “12,34” is not a number" },
    { "{\"id\":\"f\",\"name\":\"N\",\"type\":\"number\"}", "abc", FALSE, "ERROR: “abc” is not a number" },
    { "{\"id\":\"f\",\"name\":\"N\",\"type\":\"number\"}", "abc", TRUE, "\"abc\"" },
    { "{\"id\":\"f\",\"name\":\"N\",\"type\":\"number\"}", "1e400", FALSE, "ERROR: “1e400” is not a number" },
    { "{\"id\":\"f\",\"name\":\"C\",\"type\":\"currency\",\"options\":{\"symbol\":\"$\"}}", "-$1,000.50", FALSE, "-1000.5" },
    { "{\"id\":\"f\",\"name\":\"C\",\"type\":\"currency\",\"options\":{\"symbol\":\"CHF\"}}", "CHF 12", FALSE, "12" },
    { "{\"id\":\"f\",\"name\":\"P\",\"type\":\"percent\"}", "12.5%", FALSE, "0.125" },
    { "{\"id\":\"f\",\"name\":\"P\",\"type\":\"percent\"}", "50", FALSE, "0.5" },
    { "{\"id\":\"f\",\"name\":\"D\",\"type\":\"duration\"}", "1:30", FALSE, "5400" },
    { "{\"id\":\"f\",\"name\":\"D\",\"type\":\"duration\"}", "0:01:02.5", FALSE, "62.5" },
    { "{\"id\":\"f\",\"name\":\"D\",\"type\":\"duration\"}", "1:75", FALSE,
      "ERROR: “1:75” is not a duration (h:mm, h:mm:ss or seconds)" },
    { "{\"id\":\"f\",\"name\":\"R\",\"type\":\"rating\",\"options\":{\"max\":5}}", "★★★☆☆", FALSE, "3" },
    { "{\"id\":\"f\",\"name\":\"R\",\"type\":\"rating\",\"options\":{\"max\":5}}", "6", FALSE,
      "ERROR: “6” is not a rating from 1 to 5" },
    { "{\"id\":\"f\",\"name\":\"B\",\"type\":\"checkbox\"}", "checked", FALSE, "true" },
    { "{\"id\":\"f\",\"name\":\"B\",\"type\":\"checkbox\"}", "No", FALSE, "false" },
    { "{\"id\":\"f\",\"name\":\"B\",\"type\":\"checkbox\"}", "maybe", FALSE,
      "ERROR: “maybe” is not a checkbox value (checked or empty, true or false)" },
    { select, "done", FALSE, "\"Done\"" },
    { select, "Later", FALSE, "ERROR: “Later” is not an option of Status (turn on typecast to add it)" },
    { select, "Later", TRUE, "\"Later\"" },
    { multi, "A,\"b, c\", a", FALSE, "[\"a\",\"b, c\"]" },
    { "{\"id\":\"f\",\"name\":\"L\",\"type\":\"multipleRecordLinks\",\"options\":{\"linkedTableId\":\"tblX\"}}",
      "recAAAAAAAAAAAAAA,\"Alpha, Inc.\"", FALSE, "[\"recAAAAAAAAAAAAAA\",\"Alpha, Inc.\"]" },
    { "{\"id\":\"f\",\"name\":\"U\",\"type\":\"singleCollaborator\"}", "a@x.io", FALSE, "{\"email\":\"a@x.io\"}" },
    { "{\"id\":\"f\",\"name\":\"U\",\"type\":\"multipleCollaborators\"}", "usrAAAAAAAAAAAAAA,b@x.io", FALSE,
      "[{\"id\":\"usrAAAAAAAAAAAAAA\"},{\"email\":\"b@x.io\"}]" },
    { "{\"id\":\"f\",\"name\":\"U\",\"type\":\"singleCollaborator\"}", "Ann Smith", FALSE,
      "ERROR: “Ann Smith” is neither an email address nor a usr… id" },
    { "{\"id\":\"f\",\"name\":\"D\",\"type\":\"date\"}", "2024-02-29", FALSE, "\"2024-02-29\"" },
    { "{\"id\":\"f\",\"name\":\"D\",\"type\":\"date\"}", "2023-02-29", FALSE, "ERROR: “2023-02-29” is not a date (YYYY-MM-DD)" },
    { "{\"id\":\"f\",\"name\":\"D\",\"type\":\"date\",\"options\":{\"dateFormat\":{\"name\":\"us\"}}}", "3/1/2024", FALSE, "\"2024-03-01\"" },
    { "{\"id\":\"f\",\"name\":\"D\",\"type\":\"date\",\"options\":{\"dateFormat\":{\"name\":\"european\"}}}", "3/1/2024", FALSE, "\"2024-01-03\"" },
    { "{\"id\":\"f\",\"name\":\"D\",\"type\":\"date\"}", "2024-03-01T10:00:00.000Z", FALSE, "\"2024-03-01\"" },
    { "{\"id\":\"f\",\"name\":\"D\",\"type\":\"date\"}", "next week", TRUE, "\"next week\"" },
    { "{\"id\":\"f\",\"name\":\"T\",\"type\":\"dateTime\"}", "2024-03-01T09:30:00.000Z", FALSE, "\"2024-03-01T09:30:00.000Z\"" },
    { "{\"id\":\"f\",\"name\":\"T\",\"type\":\"dateTime\"}", "2024-03-01 11:30+02:00", FALSE, "\"2024-03-01T09:30:00.000Z\"" },
    { "{\"id\":\"f\",\"name\":\"T\",\"type\":\"dateTime\"}", "2024-03-01 11:30", FALSE, "\"2024-03-01T11:30:00.000\"" },
    { "{\"id\":\"f\",\"name\":\"T\",\"type\":\"dateTime\"}", "2024-03-01 25:00", FALSE,
      "ERROR: “2024-03-01 25:00” is not a date and time (YYYY-MM-DD HH:MM, ISO 8601)" },
    { "{\"id\":\"f\",\"name\":\"A\",\"type\":\"multipleAttachments\"}", "a.png (https://x/a.png),https://x/b.pdf", FALSE,
      "[{\"url\":\"https://x/a.png\",\"filename\":\"a.png\"},{\"url\":\"https://x/b.pdf\"}]" },
    { "{\"id\":\"f\",\"name\":\"A\",\"type\":\"multipleAttachments\"}", "file:///etc/passwd", FALSE,
      "ERROR: “file:///etc/passwd” is not an attachment URL (http or https)" },
    { "{\"id\":\"f\",\"name\":\"F\",\"type\":\"formula\"}", "1", FALSE, "ERROR: F is computed by Airtable and cannot be written" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *result = parse_text (cases[i].field, cases[i].text, cases[i].typecast);

      g_assert_cmpstr (result, ==, cases[i].expected);
    }
}

static void
test_items (void)
{
  g_autoptr(GPtrArray) items = hangar_csv_split_items (" a , \"b, c\" ,,\"say \"\"x\"\"\", ");
  g_autoptr(GString) joined = g_string_new (NULL);

  g_assert_cmpuint (items->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (items, 0), ==, "a");
  g_assert_cmpstr (g_ptr_array_index (items, 1), ==, "b, c");
  g_assert_cmpstr (g_ptr_array_index (items, 2), ==, "say \"x\"");

  for (guint i = 0; i < items->len; i++)
    {
      if (i > 0)
        g_string_append_c (joined, ',');
      hangar_csv_append_item (joined, g_ptr_array_index (items, i));
    }
  g_assert_cmpstr (joined->str, ==, "a,\"b, c\",\"say \"\"x\"\"\"");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hangar/api/csv/reader/basic", test_reader_basic);
  g_test_add_func ("/hangar/api/csv/reader/hostile", test_reader_hostile);
  g_test_add_func ("/hangar/api/csv/reader/bounded", test_reader_bounded);
  g_test_add_func ("/hangar/api/csv/writer", test_writer);
  g_test_add_func ("/hangar/api/csv/format", test_format);
  g_test_add_func ("/hangar/api/csv/parse", test_parse);
  g_test_add_func ("/hangar/api/csv/items", test_items);

  return g_test_run ();
}
