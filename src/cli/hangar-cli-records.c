/* hangar-cli-records.c — records list|get|create|update|replace|upsert|delete
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hangar-cli.h"

#define MAX_INPUT_ERRORS 20
#define MAX_LIST_RESTARTS 3

/* Output ------------------------------------------------------------------ */

static JsonNode *
record_to_output (HangarRecord *record)
{
  g_autoptr(JsonObject) object = json_object_new ();
  GDateTime *created = hangar_record_get_created_time (record);

  json_object_set_string_member (object, "id", hangar_record_get_id (record));
  if (created != NULL)
    {
      g_autofree char *text = g_date_time_format (created, "%Y-%m-%dT%H:%M:%S");
      g_autofree char *full = g_strdup_printf ("%s.%03dZ", text, g_date_time_get_microsecond (created) / 1000);

      json_object_set_string_member (object, "createdTime", full);
    }
  json_object_set_object_member (object, "fields", json_object_ref (hangar_record_get_fields (record)));
  if (hangar_record_has_comment_count (record))
    json_object_set_int_member (object, "commentCount", hangar_record_get_comment_count (record));

  return json_node_init_object (json_node_alloc (), object);
}

static void
print_record (HangarRecord *record)
{
  g_autoptr(JsonNode) node = record_to_output (record);

  hangar_cli_print_json_line (node);
}

/* records list ------------------------------------------------------------ */

/* A column the schema does not know (--field with a name it lacks):
 * written as the plain values. */
static HangarField *
field_named (const char *name)
{
  g_autoptr(JsonObject) spec = json_object_new ();

  json_object_set_string_member (spec, "id", name);
  json_object_set_string_member (spec, "name", name);
  json_object_set_string_member (spec, "type", "unknown");
  return hangar_field_new_from_json (spec, NULL);
}

/* The CSV columns: the --field names in order, or every field of the
 * schema; and the schema itself (for the names of linked records). */
static GPtrArray *
csv_columns (HangarClient  *client,
             const char    *base,
             const char    *table_name,
             char         **wanted,
             GPtrArray    **out_tables,
             GError       **error)
{
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) tables = NULL;
  g_autoptr(GError) local_error = NULL;
  HangarTable *table = NULL;

  hangar_client_get_base_schema_async (client, base, NULL, hangar_cli_wait_callback, &result);
  tables = hangar_client_get_base_schema_finish (client, hangar_cli_wait (&result), &local_error);
  if (tables != NULL)
    table = hangar_table_list_lookup (tables, table_name);

  if (table == NULL && (wanted == NULL || wanted[0] == NULL))
    {
      /* Without --field the columns come from the schema: it is needed. */
      if (local_error != NULL)
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                      "CSV output needs the schema (or --field): ");
          return NULL;
        }
      g_set_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_NOT_FOUND,
                   "table “%s” is not in the schema of %s", table_name, base);
      return NULL;
    }

  if (wanted != NULL && wanted[0] != NULL)
    {
      for (guint i = 0; wanted[i] != NULL; i++)
        {
          HangarField *field = table != NULL ? hangar_table_lookup_field (table, wanted[i]) : NULL;

          g_ptr_array_add (columns, field != NULL ? g_object_ref (field) : field_named (wanted[i]));
        }
    }
  else
    {
      GPtrArray *fields = hangar_table_get_fields (table);

      for (guint i = 0; i < fields->len; i++)
        g_ptr_array_add (columns, g_object_ref (g_ptr_array_index (fields, i)));
    }

  *out_tables = g_steal_pointer (&tables);
  return g_steal_pointer (&columns);
}

static char *
build_formula (const char  *formula,
               char       **where,
               GError     **error)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func ((GDestroyNotify) hangar_formula_unref);
  g_autoptr(HangarFormula) combined = NULL;

  if (where == NULL || where[0] == NULL)
    return g_strdup (formula);

  if (formula != NULL)
    g_ptr_array_add (parts, hangar_formula_raw (formula));

  for (guint i = 0; where[i] != NULL; i++)
    {
      const char *eq = strchr (where[i], '=');
      g_autofree char *field = NULL;

      if (eq == NULL || eq == where[i])
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--where “%s” is not FIELD=VALUE", where[i]);
          return NULL;
        }
      field = g_strndup (where[i], eq - where[i]);
      g_ptr_array_add (parts, hangar_formula_field_equals (field, eq + 1));
    }

  if (parts->len == 1)
    combined = g_ptr_array_steal_index (parts, 0);
  else
    {
      gsize n = 0;
      g_autofree HangarFormula **args = (HangarFormula **) g_ptr_array_steal (parts, &n);

      combined = hangar_formula_callv ("AND", args, n);
    }

  return hangar_formula_to_string (combined);
}

static int
records_list (HangarCliGlobals  *globals,
              int                argc,
              char             **argv)
{
  g_autofree char *formula = NULL;
  g_autofree char *view = NULL;
  g_autofree char *format = NULL;
  g_auto(GStrv) sorts = NULL;
  g_auto(GStrv) fields = NULL;
  g_auto(GStrv) where = NULL;
  int max = 0;
  int page_size = 0;
  gboolean no_guard = FALSE;
  GOptionEntry entries[] = {
    { "formula", 0, 0, G_OPTION_ARG_STRING, &formula, "Only records for which the formula is true", "FORMULA" },
    { "where", 0, 0, G_OPTION_ARG_STRING_ARRAY, &where, "Only records whose FIELD equals VALUE, quoted safely (repeatable; AND)", "FIELD=VALUE" },
    { "sort", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sorts, "Sort by FIELD, descending with -FIELD (repeatable)", "[-]FIELD" },
    { "field", 0, 0, G_OPTION_ARG_STRING_ARRAY, &fields, "Only this field (repeatable; also the CSV columns)", "FIELD" },
    { "view", 0, 0, G_OPTION_ARG_STRING, &view, "Only records of this view, in its order", "VIEW" },
    { "max", 0, 0, G_OPTION_ARG_INT, &max, "At most N records", "N" },
    { "page-size", 0, 0, G_OPTION_ARG_INT, &page_size, "Records per request (1-100)", "N" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, "jsonl (default) or csv", "FORMAT" },
    { "no-formula-guard", 0, 0, G_OPTION_ARG_NONE, &no_guard,
      "CSV: write cells starting with = + - @ exactly (by default an apostrophe goes first, so that "
      "spreadsheets show them as text)", NULL },
    { NULL }
  };
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(HangarListOptions) options = hangar_list_options_new ();
  g_autoptr(GPtrArray) columns = NULL;
  g_autoptr(GPtrArray) tables = NULL;
  g_autoptr(HangarCsvFormatter) formatter = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) offsets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *offset = NULL;
  g_autofree char *full_formula = NULL;
  const char *base, *table;
  gboolean csv;
  guint printed = 0;
  guint restarts = 0;
  guint relisted = 0;

  if (!hangar_cli_parse_options (entries, "BASE TABLE — print records as JSON lines or CSV", &argc, &argv))
    return HANGAR_CLI_EXIT_USAGE;
  if (argc != 3)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "usage: records list BASE TABLE [options]");
  base = argv[1];
  table = argv[2];
  if (!hangar_cli_check_ids ("base", base, "table", table, NULL))
    return HANGAR_CLI_EXIT_USAGE;

  if (format != NULL && !g_str_equal (format, "jsonl") && !g_str_equal (format, "csv"))
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "unknown format “%s” (jsonl or csv)", format);
  csv = format != NULL && g_str_equal (format, "csv");
  if (max < 0)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "--max must be positive");
  if (page_size < 0 || page_size > 100)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "--page-size must be 1 to 100");

  full_formula = build_formula (formula, where, &error);
  if (error != NULL)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "%s", error->message);
  if (full_formula != NULL)
    hangar_list_options_set_formula (options, full_formula);
  for (guint i = 0; sorts != NULL && sorts[i] != NULL; i++)
    {
      gboolean desc = sorts[i][0] == '-';
      const char *name = desc ? sorts[i] + 1 : sorts[i];

      if (name[0] == '\0')
        return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "--sort needs a field name");
      hangar_list_options_add_sort (options, name, desc);
    }
  for (guint i = 0; fields != NULL && fields[i] != NULL; i++)
    hangar_list_options_add_field (options, fields[i]);
  if (view != NULL)
    hangar_list_options_set_view (options, view);
  if (max > 0)
    hangar_list_options_set_max_records (options, max);
  if (page_size > 0)
    hangar_list_options_set_page_size (options, page_size);

  if (!(client = hangar_cli_open_client (globals, &error)))
    return hangar_cli_report_error (error);

  if (csv)
    {
      g_autofree HangarCsvCellFlags *header_flags = NULL;
      guint n;

      columns = csv_columns (client, base, table, fields, &tables, &error);
      if (columns == NULL)
        return hangar_cli_report_error (error);
      /* The same rows as the window's export (src/api/hangar-csv-cell.h),
       * after a first column with the record id. */
      formatter = hangar_csv_formatter_new (client, base, columns, tables,
                                            HANGAR_CSV_FORMATTER_RECORD_ID |
                                            (no_guard ? HANGAR_CSV_FORMATTER_NO_GUARD : 0));
      n = hangar_csv_formatter_get_n_columns (formatter);
      header_flags = g_new (HangarCsvCellFlags, n);
      for (guint i = 0; i < n; i++)
        header_flags[i] = no_guard ? HANGAR_CSV_CELL_PLAIN : HANGAR_CSV_CELL_GUARD;
      hangar_cli_print_csv_row_full (hangar_csv_formatter_get_header (formatter), n, header_flags);
    }

  /* Page by page, printing each page as it arrives. When the server's
   * iterator expires the listing starts over; records already printed are
   * skipped, so nothing is duplicated or lost.
   *
   * A server that never lets the listing end — the same offset again, or
   * new offsets with nothing new — is told apart from that restart: every
   * page must bring a record not printed yet, except right after a
   * restart, while the records listed again are no more than those
   * printed. Otherwise the listing stops with an error rather than ask
   * forever. */
  for (;;)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GPtrArray) page = NULL;
      g_autofree char *next = NULL;
      guint new_records = 0;

      hangar_client_list_records_page_async (client, base, table, options, offset, NULL,
                                             hangar_cli_wait_callback, &result);
      page = hangar_client_list_records_page_finish (client, hangar_cli_wait (&result), &next, &error);
      if (page == NULL)
        {
          if (g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_ITERATOR_EXPIRED) &&
              restarts < MAX_LIST_RESTARTS)
            {
              restarts++;
              relisted = 0;
              g_clear_error (&error);
              g_clear_pointer (&offset, g_free);
              g_hash_table_remove_all (offsets);
              continue;
            }
          return hangar_cli_report_error (error);
        }

      if (csv)
        {
          g_autoptr(GAsyncResult) resolved = NULL;

          /* The names of the records they link to. */
          hangar_csv_formatter_resolve_async (formatter, page, NULL, hangar_cli_wait_callback, &resolved);
          if (!hangar_csv_formatter_resolve_finish (formatter, hangar_cli_wait (&resolved), &error))
            return hangar_cli_report_error (error);
        }
      for (guint i = 0; i < page->len; i++)
        {
          HangarRecord *record = g_ptr_array_index (page, i);

          if (!g_hash_table_add (seen, g_strdup (hangar_record_get_id (record))))
            {
              relisted++;
              continue;
            }
          new_records++;
          if (csv)
            {
              g_autoptr(GPtrArray) cells = hangar_csv_formatter_format_record (formatter, record);

              hangar_cli_print_csv_row_full ((const char * const *) cells->pdata, cells->len,
                                             hangar_csv_formatter_get_cell_flags (formatter));
            }
          else
            print_record (record);
          printed++;
          if (max > 0 && printed >= (guint) max)
            return HANGAR_CLI_EXIT_OK;
        }
      fflush (stdout);

      if (next == NULL)
        break;
      if (g_hash_table_contains (offsets, next))
        return hangar_cli_fail (HANGAR_CLI_EXIT_ERROR,
                                "the server returned a listing offset it had returned before, so the "
                                "listing would never end; stopped after %u record%s", printed, printed == 1 ? "" : "s");
      if (new_records == 0 && (restarts == 0 || relisted > g_hash_table_size (seen)))
        return hangar_cli_fail (HANGAR_CLI_EXIT_ERROR,
                                "the server returned a page with no record not listed already, and "
                                "another offset, so the listing would never end; stopped after %u record%s",
                                printed, printed == 1 ? "" : "s");
      g_hash_table_add (offsets, g_strdup (next));
      g_free (offset);
      offset = g_steal_pointer (&next);
    }

  return HANGAR_CLI_EXIT_OK;
}

/* records get --------------------------------------------------------------- */

static int
records_get (HangarCliGlobals  *globals,
             int                argc,
             char             **argv)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(HangarRecord) record = NULL;
  g_autoptr(GError) error = NULL;

  if (!hangar_cli_parse_options (entries, "BASE TABLE RECORD — print one record", &argc, &argv))
    return HANGAR_CLI_EXIT_USAGE;
  if (argc != 4)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "usage: records get BASE TABLE RECORD");
  if (!hangar_cli_check_ids ("base", argv[1], "table", argv[2], "record", argv[3], NULL))
    return HANGAR_CLI_EXIT_USAGE;

  if (!(client = hangar_cli_open_client (globals, &error)))
    return hangar_cli_report_error (error);

  hangar_client_get_record_async (client, argv[1], argv[2], argv[3], NULL, NULL,
                                  hangar_cli_wait_callback, &result);
  record = hangar_client_get_record_finish (client, hangar_cli_wait (&result), &error);
  if (record == NULL)
    return hangar_cli_report_error (error);

  print_record (record);
  return HANGAR_CLI_EXIT_OK;
}

/* Batches ---------------------------------------------------------------------- */

typedef enum
{
  WRITE_CREATE,
  WRITE_UPDATE,
  WRITE_REPLACE,
  WRITE_UPSERT,
} WriteKind;

/* "3-5, 9" for the labels of the items in @indexes (line numbers), or the
 * ids themselves when @labels is a string array. */
static char *
describe_items (GArray     *indexes,
                const guint *line_numbers,
                const char * const *ids)
{
  GString *out = g_string_new (NULL);

  for (guint k = 0; k < indexes->len; k++)
    {
      guint i = g_array_index (indexes, guint, k);

      if (k > 0)
        g_string_append (out, ", ");
      if (ids != NULL)
        {
          g_string_append (out, ids[i]);
          continue;
        }

      /* Collapse runs of consecutive line numbers. */
      {
        guint first = line_numbers[i];
        guint last = first;

        while (k + 1 < indexes->len &&
               line_numbers[g_array_index (indexes, guint, k + 1)] == last + 1)
          {
            k++;
            last++;
          }
        if (last > first)
          g_string_append_printf (out, "%u-%u", first, last);
        else
          g_string_append_printf (out, "%u", first);
      }
    }

  return g_string_free (out, FALSE);
}

/* Prints the written records (or deletions) to stdout and, when not every
 * item was written, the error and which items were and were not written to
 * stderr. Returns the exit status. */
static int
report_batch (HangarBatchResult  *result,
              gboolean            deleting,
              const guint        *line_numbers,
              const char * const *ids)
{
  g_autoptr(GArray) written = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) failed = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) uncertain = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) not_sent = g_array_new (FALSE, FALSE, sizeof (guint));
  guint n = hangar_batch_result_get_n_items (result);
  const char *what = ids != NULL ? "records" : "stdin lines";
  const GError *error;

  for (guint i = 0; i < n; i++)
    {
      switch (hangar_batch_result_get_status (result, i))
        {
        case HANGAR_BATCH_ITEM_WRITTEN:
          g_array_append_val (written, i);
          if (deleting)
            {
              g_autoptr(JsonObject) object = json_object_new ();
              g_autoptr(JsonNode) node = NULL;
              const char *id = hangar_batch_result_get_record_id (result, i);

              json_object_set_string_member (object, "id", id != NULL ? id : ids[i]);
              json_object_set_boolean_member (object, "deleted", TRUE);
              node = json_node_init_object (json_node_alloc (), object);
              hangar_cli_print_json_line (node);
            }
          else if (hangar_batch_result_get_record (result, i) != NULL)
            print_record (hangar_batch_result_get_record (result, i));
          break;
        case HANGAR_BATCH_ITEM_FAILED:
          g_array_append_val (failed, i);
          break;
        case HANGAR_BATCH_ITEM_UNCERTAIN:
          g_array_append_val (uncertain, i);
          break;
        case HANGAR_BATCH_ITEM_NOT_SENT:
        default:
          g_array_append_val (not_sent, i);
          break;
        }
    }
  fflush (stdout);

  if (written->len == n)
    return HANGAR_CLI_EXIT_OK;

  error = hangar_batch_result_get_error (result);
  if (error != NULL)
    hangar_cli_report_error (error);
  else
    hangar_cli_fail (HANGAR_CLI_EXIT_ERROR, "the batch did not complete");

  {
    g_autofree char *list = describe_items (written, line_numbers, ids);

    const char *done = deleting ? "deleted" : "written";

    if (written->len > 0)
      hangar_cli_fail (0, "%s: %u of %u (%s %s)", done, written->len, n, what, list);
    else
      hangar_cli_fail (0, "%s: 0 of %u", done, n);
  }
  if (failed->len > 0)
    {
      g_autofree char *list = describe_items (failed, line_numbers, ids);
      hangar_cli_fail (0, deleting ? "not deleted (refused): %s %s" : "not written (refused): %s %s", what, list);
    }
  if (not_sent->len > 0)
    {
      g_autofree char *list = describe_items (not_sent, line_numbers, ids);
      hangar_cli_fail (0, deleting ? "not deleted (not sent): %s %s" : "not written (not sent): %s %s", what, list);
    }
  if (uncertain->len > 0)
    {
      g_autofree char *list = describe_items (uncertain, line_numbers, ids);
      hangar_cli_fail (0, deleting ? "uncertain (may have been deleted): %s %s" : "uncertain (may have been written; check before re-sending): %s %s", what, list);
    }

  return written->len > 0 || uncertain->len > 0 ? HANGAR_CLI_EXIT_PARTIAL : HANGAR_CLI_EXIT_ERROR;
}

/* Only JSON whitespace (a line of it is skipped). */
static gboolean
is_blank (const char *text,
          gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r')
      return FALSE;
  return TRUE;
}

/* Reads JSON lines from stdin and checks them for @kind. Every bad line is
 * reported with its number; on any error nothing is returned (and nothing
 * will be sent). */
static GPtrArray *
read_input (WriteKind            kind,
            const char * const  *merge_on,
            GArray              *line_numbers,
            gboolean            *ok)
{
  g_autoptr(HangarCliLineReader) in = hangar_cli_line_reader_new (STDIN_FILENO, HANGAR_CLI_MAX_INPUT_BYTES);
  g_autoptr(GString) line = g_string_new (NULL);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  guint line_no = 0;
  guint n_errors = 0;

  *ok = TRUE;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = NULL;
      g_auto(GStrv) notes = NULL;
      g_autofree char *problem = NULL;
      gboolean too_long = FALSE;
      JsonObject *object;

      if (!hangar_cli_line_reader_next (in, line, &too_long, &error))
        {
          if (error != NULL)
            {
              hangar_cli_fail (0, "reading stdin: %s", error->message);
              *ok = FALSE;
            }
          break;
        }
      line_no++;

      if (too_long)
        problem = g_strdup_printf ("longer than %d bytes, more than Airtable accepts in one request",
                                   HANGAR_CLI_MAX_INPUT_BYTES);
      else if (is_blank (line->str, line->len))
        continue;
      else if (!(node = hangar_cli_parse_json (line->str, line->len, &notes, &error)))
        problem = g_strdup_printf ("not JSON: %s", error->message);
      else if (!JSON_NODE_HOLDS_OBJECT (node))
        problem = g_strdup ("not a JSON object");

      for (guint i = 0; problem == NULL && notes != NULL && notes[i] != NULL; i++)
        hangar_cli_fail (0, "stdin line %u: %s", line_no, notes[i]);

      if (problem == NULL)
        {
          object = json_node_get_object (node);

          if (kind == WRITE_UPDATE || kind == WRITE_REPLACE)
            {
              JsonNode *id = json_object_get_member (object, "id");
              JsonNode *fields = json_object_get_member (object, "fields");
              g_autoptr(GList) members = json_object_get_members (object);

              if (id == NULL || !JSON_NODE_HOLDS_VALUE (id) || json_node_get_value_type (id) != G_TYPE_STRING ||
                  json_node_get_string (id)[0] == '\0')
                problem = g_strdup ("needs {\"id\": \"rec…\", \"fields\": {…}}: “id” is missing or not a string");
              else if (!hangar_check_path_segment ("record", json_node_get_string (id), &error))
                problem = g_strdup (error->message);
              else if (fields == NULL || !JSON_NODE_HOLDS_OBJECT (fields))
                problem = g_strdup ("needs {\"id\": \"rec…\", \"fields\": {…}}: “fields” is missing or not an object");
              else
                for (GList *l = members; l != NULL && problem == NULL; l = l->next)
                  if (!g_str_equal (l->data, "id") && !g_str_equal (l->data, "fields"))
                    problem = g_strdup_printf ("unexpected member “%s” (only “id” and “fields”)",
                                               (const char *) l->data);
              if (problem == NULL)
                g_ptr_array_add (items, json_object_ref (object));
            }
          else
            {
              for (guint i = 0; merge_on != NULL && merge_on[i] != NULL && problem == NULL; i++)
                {
                  JsonNode *value = json_object_get_member (object, merge_on[i]);

                  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
                    problem = g_strdup_printf ("missing merge field “%s”", merge_on[i]);
                }
              if (problem == NULL)
                {
                  if (kind == WRITE_UPSERT)
                    {
                      JsonObject *wrapped = json_object_new ();

                      json_object_set_object_member (wrapped, "fields", json_object_ref (object));
                      g_ptr_array_add (items, wrapped);
                    }
                  else
                    g_ptr_array_add (items, json_object_ref (object));
                }
            }
        }

      if (problem != NULL)
        {
          *ok = FALSE;
          if (++n_errors <= MAX_INPUT_ERRORS)
            hangar_cli_fail (0, "stdin line %u: %s", line_no, problem);
        }
      else
        g_array_append_val (line_numbers, line_no);
    }

  if (n_errors > MAX_INPUT_ERRORS)
    hangar_cli_fail (0, "… and %u more bad lines", n_errors - MAX_INPUT_ERRORS);
  if (!*ok)
    {
      hangar_cli_fail (0, "nothing was sent");
      return NULL;
    }
  return g_steal_pointer (&items);
}

static int
records_write (HangarCliGlobals  *globals,
               WriteKind          kind,
               int                argc,
               char             **argv)
{
  g_auto(GStrv) merge_on = NULL;
  gboolean typecast = FALSE;
  gboolean keep_going = FALSE;
  GOptionEntry entries[] = {
    { "merge-on", 0, 0, G_OPTION_ARG_STRING_ARRAY, &merge_on, "upsert: match records on this field (1 to 3)", "FIELD" },
    { "typecast", 0, 0, G_OPTION_ARG_NONE, &typecast, "Let Airtable convert values (and create select options)", NULL },
    { "continue-on-error", 0, 0, G_OPTION_ARG_NONE, &keep_going, "Send later chunks after one failed", NULL },
    { NULL }
  };
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(HangarBatchResult) batch = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GArray) line_numbers = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GError) error = NULL;
  HangarWriteFlags flags = HANGAR_WRITE_NONE;
  guint n_merge;
  gboolean ok;

  if (!hangar_cli_parse_options (entries, "BASE TABLE — write records read as JSON lines from stdin",
                                 &argc, &argv))
    return HANGAR_CLI_EXIT_USAGE;
  if (argc != 3)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "usage: records %s BASE TABLE < records.jsonl", argv[0]);
  /* Before stdin is read: nothing is sent, so nothing needs reading. */
  if (!hangar_cli_check_ids ("base", argv[1], "table", argv[2], NULL))
    return HANGAR_CLI_EXIT_USAGE;

  n_merge = merge_on != NULL ? g_strv_length (merge_on) : 0;
  if (kind == WRITE_UPSERT && (n_merge < 1 || n_merge > 3))
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "upsert needs 1 to 3 --merge-on fields");
  if (kind != WRITE_UPSERT && n_merge > 0)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "--merge-on is only for upsert");

  if (typecast)
    flags |= HANGAR_WRITE_TYPECAST;
  if (keep_going)
    flags |= HANGAR_WRITE_CONTINUE_ON_ERROR;
  if (kind == WRITE_REPLACE)
    flags |= HANGAR_WRITE_REPLACE;

  items = read_input (kind, (const char * const *) merge_on, line_numbers, &ok);
  if (items == NULL)
    return HANGAR_CLI_EXIT_USAGE;
  if (items->len == 0)
    return HANGAR_CLI_EXIT_OK;

  if (!(client = hangar_cli_open_client (globals, &error)))
    return hangar_cli_report_error (error);

  switch (kind)
    {
    case WRITE_CREATE:
      hangar_client_create_records_async (client, argv[1], argv[2], items, flags, NULL,
                                          hangar_cli_wait_callback, &result);
      batch = hangar_client_create_records_finish (client, hangar_cli_wait (&result), &error);
      break;
    case WRITE_UPDATE:
    case WRITE_REPLACE:
      hangar_client_update_records_async (client, argv[1], argv[2], items, flags, NULL,
                                          hangar_cli_wait_callback, &result);
      batch = hangar_client_update_records_finish (client, hangar_cli_wait (&result), &error);
      break;
    case WRITE_UPSERT:
    default:
      hangar_client_upsert_records_async (client, argv[1], argv[2], (const char * const *) merge_on,
                                          items, flags, NULL, hangar_cli_wait_callback, &result);
      batch = hangar_client_upsert_records_finish (client, hangar_cli_wait (&result), &error);
      break;
    }

  if (batch == NULL)
    {
      hangar_cli_report_error (error);
      hangar_cli_fail (0, "nothing was sent");
      return HANGAR_CLI_EXIT_ERROR;
    }

  return report_batch (batch, FALSE, (const guint *) line_numbers->data, NULL);
}

static int
records_delete (HangarCliGlobals  *globals,
                int                argc,
                char             **argv)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(HangarBatchResult) batch = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  if (!hangar_cli_parse_options (entries, "BASE TABLE RECORD… — delete records", &argc, &argv))
    return HANGAR_CLI_EXIT_USAGE;
  if (argc < 4)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "usage: records delete BASE TABLE RECORD…");

  if (!hangar_cli_check_ids ("base", argv[1], "table", argv[2], NULL))
    return HANGAR_CLI_EXIT_USAGE;
  for (int i = 3; i < argc; i++)
    {
      if (!hangar_cli_check_ids ("record", argv[i], NULL))
        return HANGAR_CLI_EXIT_USAGE;
      g_ptr_array_add (ids, argv[i]);
    }
  g_ptr_array_add (ids, NULL);

  if (!(client = hangar_cli_open_client (globals, &error)))
    return hangar_cli_report_error (error);

  hangar_client_delete_records_async (client, argv[1], argv[2], (const char * const *) ids->pdata, NULL,
                                      hangar_cli_wait_callback, &result);
  batch = hangar_client_delete_records_finish (client, hangar_cli_wait (&result), &error);
  if (batch == NULL)
    return hangar_cli_report_error (error);

  return report_batch (batch, TRUE, NULL, (const char * const *) ids->pdata);
}

int
hangar_cli_records_run (HangarCliGlobals  *globals,
                        int                argc,
                        char             **argv)
{
  const char *sub;

  if (argc < 2)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE,
                            "usage: records list|get|create|update|replace|upsert|delete|import BASE TABLE …");

  sub = argv[1];
  argc--;
  argv++;

  if (g_str_equal (sub, "list"))
    return records_list (globals, argc, argv);
  if (g_str_equal (sub, "get"))
    return records_get (globals, argc, argv);
  if (g_str_equal (sub, "create"))
    return records_write (globals, WRITE_CREATE, argc, argv);
  if (g_str_equal (sub, "update"))
    return records_write (globals, WRITE_UPDATE, argc, argv);
  if (g_str_equal (sub, "replace"))
    return records_write (globals, WRITE_REPLACE, argc, argv);
  if (g_str_equal (sub, "upsert"))
    return records_write (globals, WRITE_UPSERT, argc, argv);
  if (g_str_equal (sub, "delete"))
    return records_delete (globals, argc, argv);
  if (g_str_equal (sub, "import"))
    return hangar_cli_import_run (globals, argc, argv);

  return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "unknown records command “%s”", sub);
}
