/* hangar-importer-check.c — what HangarImporter asks besides the writes:
 * the records linked rows name, and which rows of an uncertain create were
 * written after all (see hangar-importer-run.c for why and when)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "hangar-importer-private.h"
#include "hangar-json.h"

/* Names looked up per request: the formula stays far below Airtable's URL
 * limit. */
#define NAMES_PER_LOOKUP 20

/* Marks in self->names for names without exactly one record. */
#define NAME_NONE    ""
#define NAME_SEVERAL "*"

static gboolean
is_record_id (const char *text)
{
  if (!g_str_has_prefix (text, "rec") || strlen (text) != 17)
    return FALSE;
  for (const char *p = text + 3; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Linked records by name                                                    */

typedef struct
{
  char       *table_id;
  HangarCsvField *primary;   /* borrowed from the op */
  GPtrArray  *names;         /* char* */
} NameLookup;

typedef struct
{
  HangarImporter *self;
  ImportBatch    *batch;
  GQueue          lookups;   /* NameLookup* */
  GHashTable     *primaries; /* table id → HangarCsvField* */
} NamingOp;

static void
name_lookup_free (NameLookup *lookup)
{
  g_free (lookup->table_id);
  g_ptr_array_unref (lookup->names);
  g_free (lookup);
}

static void
naming_op_free (NamingOp *op)
{
  g_queue_clear_full (&op->lookups, (GDestroyNotify) name_lookup_free);
  g_clear_pointer (&op->primaries, g_hash_table_unref);
  g_object_unref (op->self);
  g_free (op);
}

static GHashTable *
names_of (HangarImporter *self,
          const char     *table_id)
{
  GHashTable *names = g_hash_table_lookup (self->names, table_id);

  if (names == NULL)
    {
      names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_insert (self->names, g_strdup (table_id), names);
    }
  return names;
}

static const char *
linked_table_name (HangarImporter *self,
                   const char     *table_id)
{
  GPtrArray *tables = g_object_get_data (G_OBJECT (self), "hangar-import-tables");

  for (guint i = 0; tables != NULL && i < tables->len; i++)
    if (g_str_equal (hangar_table_get_id (g_ptr_array_index (tables, i)), table_id))
      return hangar_table_get_name (g_ptr_array_index (tables, i));
  return table_id;
}

/* Every name is known: rows get record ids, or fail. */
static void
apply_names (NamingOp *op)
{
  HangarImporter *self = op->self;

  for (guint r = 0; r < op->batch->rows->len; r++)
    {
      ImportRow *row = g_ptr_array_index (op->batch->rows, r);

      if (row->state != ROW_PENDING)
        continue;
      for (guint c = 0; c < self->plan->columns->len && row->state == ROW_PENDING; c++)
        {
          PlanColumn *column = g_ptr_array_index (self->plan->columns, c);
          const char *table_id = column->csv != NULL ? hangar_csv_field_get_linked_table (column->csv) : NULL;
          JsonNode *value = table_id != NULL ? json_object_get_member (row->fields, column->field_id) : NULL;
          GHashTable *names;
          JsonArray *array;

          if (value == NULL || !JSON_NODE_HOLDS_ARRAY (value))
            continue;
          names = names_of (self, table_id);
          array = json_node_get_array (value);
          {
            g_autoptr(JsonArray) ids = json_array_new ();

            for (guint i = 0; i < json_array_get_length (array); i++)
              {
                const char *item = json_array_get_string_element (array, i);
                const char *id;
                g_autofree char *problem = NULL;

                if (item == NULL)
                  continue;
                if (is_record_id (item))
                  {
                    json_array_add_string_element (ids, item);
                    continue;
                  }
                id = g_hash_table_lookup (names, item);
                if (id == NULL || g_str_equal (id, NAME_NONE))
                  problem = g_strdup_printf ("%s: no record in %s is named “%s” (turn on typecast to let "
                                             "Airtable match or add it)", column->field_name,
                                             linked_table_name (self, table_id), item);
                else if (g_str_equal (id, NAME_SEVERAL))
                  problem = g_strdup_printf ("%s: several records in %s are named “%s”; use the record id",
                                             column->field_name, linked_table_name (self, table_id), item);
                if (problem != NULL)
                  {
                    _hangar_import_row_fail (row, problem);
                    break;
                  }
                json_array_add_string_element (ids, id);
              }
            if (row->state == ROW_PENDING)
              json_object_set_array_member (row->fields, column->field_id, json_array_ref (ids));
          }
        }
    }
}

static void naming_next (NamingOp *op);

static void
names_found_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  NamingOp *op = user_data;
  HangarImporter *self = op->self;
  NameLookup *lookup = g_queue_pop_head (&op->lookups);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = hangar_client_list_records_finish (HANGAR_CLIENT (object), result, &error);
  GHashTable *names = names_of (self, lookup->table_id);
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);

  if (records == NULL)
    {
      ImportBatch *batch = op->batch;

      name_lookup_free (lookup);
      batch->state = BATCH_NEW;
      self->n_busy--;
      naming_op_free (op);
      g_prefix_error (&error, "Could not look up linked records by name: ");
      _hangar_importer_stop (self, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < lookup->names->len; i++)
    g_hash_table_add (wanted, g_ptr_array_index (lookup->names, i));
  for (guint i = 0; i < records->len; i++)
    {
      HangarRecord *record = g_ptr_array_index (records, i);
      JsonNode *value = hangar_record_get_field (record, hangar_field_get_id (hangar_csv_field_get_field (lookup->primary)));
      g_autofree char *text = hangar_csv_field_format (lookup->primary, value, NULL, NULL);
      const char *known;

      if (!g_hash_table_contains (wanted, text))
        continue;
      known = g_hash_table_lookup (names, text);
      if (known == NULL || g_str_equal (known, NAME_NONE))
        g_hash_table_insert (names, g_strdup (text), g_strdup (hangar_record_get_id (record)));
      else if (!g_str_equal (known, hangar_record_get_id (record)))
        g_hash_table_insert (names, g_strdup (text), g_strdup (NAME_SEVERAL));
    }
  for (guint i = 0; i < lookup->names->len; i++)
    if (!g_hash_table_contains (names, g_ptr_array_index (lookup->names, i)))
      g_hash_table_insert (names, g_strdup (g_ptr_array_index (lookup->names, i)), g_strdup (NAME_NONE));
  name_lookup_free (lookup);
  naming_next (op);
}

static void
naming_next (NamingOp *op)
{
  HangarImporter *self = op->self;
  NameLookup *lookup = g_queue_peek_head (&op->lookups);
  g_autoptr(HangarListOptions) options = NULL;
  g_autoptr(GPtrArray) parts = NULL;
  g_autoptr(HangarFormula) formula = NULL;
  g_autofree char *text = NULL;
  const char *primary_id;

  if (lookup == NULL)
    {
      ImportBatch *batch = op->batch;

      apply_names (op);
      batch->state = BATCH_READY;
      self->n_busy--;
      naming_op_free (op);
      _hangar_importer_pump (self);
      return;
    }

  primary_id = hangar_field_get_id (hangar_csv_field_get_field (lookup->primary));
  parts = g_ptr_array_new ();
  for (guint i = 0; i < lookup->names->len; i++)
    g_ptr_array_add (parts, hangar_formula_eq (hangar_formula_call ("CONCATENATE", hangar_formula_field (primary_id), NULL),
                                               hangar_formula_string (g_ptr_array_index (lookup->names, i))));
  formula = hangar_formula_callv ("OR", (HangarFormula **) parts->pdata, parts->len);
  text = hangar_formula_to_string (formula);
  options = hangar_list_options_new ();
  hangar_list_options_set_formula (options, text);
  hangar_list_options_add_field (options, primary_id);
  hangar_list_options_set_fields_by_id (options, TRUE);
  hangar_client_list_records_async (self->client, self->base_id, lookup->table_id, options,
                                    self->cancellable, names_found_cb, op);
}

static void
start_naming (NamingOp *op)
{
  HangarImporter *self = op->self;
  GPtrArray *tables = g_object_get_data (G_OBJECT (self), "hangar-import-tables");
  g_autoptr(GHashTable) queued = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  op->primaries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) hangar_csv_field_free);
  for (guint i = 0; tables != NULL && i < tables->len; i++)
    {
      HangarTable *table = g_ptr_array_index (tables, i);

      if (hangar_table_get_primary_field (table) != NULL)
        g_hash_table_insert (op->primaries, g_strdup (hangar_table_get_id (table)),
                             hangar_csv_field_new (hangar_table_get_primary_field (table)));
    }

  for (guint c = 0; c < self->plan->columns->len; c++)
    {
      PlanColumn *column = g_ptr_array_index (self->plan->columns, c);
      const char *table_id = column->csv != NULL ? hangar_csv_field_get_linked_table (column->csv) : NULL;
      HangarCsvField *primary;
      GHashTable *names;
      NameLookup *lookup = NULL;

      if (table_id == NULL)
        continue;
      primary = g_hash_table_lookup (op->primaries, table_id);
      names = names_of (self, table_id);
      for (guint r = 0; r < op->batch->rows->len; r++)
        {
          ImportRow *row = g_ptr_array_index (op->batch->rows, r);
          JsonNode *value = row->state == ROW_PENDING ? json_object_get_member (row->fields, column->field_id) : NULL;
          JsonArray *array = value != NULL && JSON_NODE_HOLDS_ARRAY (value) ? json_node_get_array (value) : NULL;

          for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
            {
              const char *item = json_array_get_string_element (array, i);
              g_autofree char *key = NULL;

              if (item == NULL || is_record_id (item) || g_hash_table_contains (names, item))
                continue;
              if (primary == NULL)
                {
                  /* No schema for the linked table: the name cannot be
                   * matched here. */
                  g_hash_table_insert (names, g_strdup (item), g_strdup (NAME_NONE));
                  continue;
                }
              key = g_strconcat (table_id, "\x1f", item, NULL);
              if (!g_hash_table_add (queued, g_steal_pointer (&key)))
                continue;
              if (lookup == NULL || lookup->names->len >= NAMES_PER_LOOKUP)
                {
                  lookup = g_new0 (NameLookup, 1);
                  lookup->table_id = g_strdup (table_id);
                  lookup->primary = primary;
                  lookup->names = g_ptr_array_new_with_free_func (g_free);
                  g_queue_push_tail (&op->lookups, lookup);
                }
              g_ptr_array_add (lookup->names, g_strdup (item));
            }
        }
    }
  naming_next (op);
}

static void
schema_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  NamingOp *op = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *tables = hangar_client_get_base_schema_finish (HANGAR_CLIENT (object), result, &error);

  if (tables == NULL)
    {
      HangarImporter *self = op->self;

      op->batch->state = BATCH_NEW;
      self->n_busy--;
      naming_op_free (op);
      g_prefix_error (&error, "Could not read the base's tables to look up linked records: ");
      _hangar_importer_stop (self, g_steal_pointer (&error));
      return;
    }
  g_object_set_data_full (G_OBJECT (op->self), "hangar-import-tables", tables, (GDestroyNotify) g_ptr_array_unref);
  start_naming (op);
}

void
_hangar_importer_name_links (HangarImporter *self,
                             ImportBatch    *batch)
{
  NamingOp *op = g_new0 (NamingOp, 1);

  op->self = g_object_ref (self);
  op->batch = batch;
  g_queue_init (&op->lookups);
  if (g_object_get_data (G_OBJECT (self), "hangar-import-tables") == NULL)
    hangar_client_get_base_schema_async (self->client, self->base_id, self->cancellable, schema_cb, op);
  else
    start_naming (op);
}

/* ------------------------------------------------------------------------ */
/* Which rows were written after all                                         */

char *
_hangar_importer_just_before (const char *time)
{
  g_autoptr(GDateTime) parsed = NULL;
  g_autoptr(GDateTime) earlier = NULL;
  g_autofree char *base = NULL;

  if (time == NULL || (parsed = g_date_time_new_from_iso8601 (time, NULL)) == NULL)
    return NULL;
  earlier = g_date_time_add (parsed, -1000);
  base = g_date_time_format (earlier, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%03dZ", base, g_date_time_get_microsecond (earlier) / 1000);
}

static gboolean
numbers_match (HangarField *field,
               double       sent,
               double       stored)
{
  JsonObject *options = hangar_field_get_options (field);
  gint64 precision = -1;
  double tolerance;

  if (options != NULL)
    _hangar_json_get_int (options, "precision", FALSE, "options", &precision, NULL);
  /* Airtable keeps a number to the field's precision. */
  tolerance = precision >= 0 && hangar_field_get_field_type (field) != HANGAR_FIELD_TYPE_PERCENT
              ? 0.5 * pow (10, -(double) CLAMP (precision, 0, 8)) + 1e-9
              : 1e-9 * MAX (1.0, fabs (sent));
  return fabs (sent - stored) <= tolerance;
}

gboolean
_hangar_importer_row_matches (HangarImporter *self,
                              ImportRow      *row,
                              JsonObject     *record_fields)
{
  for (guint c = 0; c < self->plan->columns->len; c++)
    {
      PlanColumn *column = g_ptr_array_index (self->plan->columns, c);
      HangarField *field;
      JsonNode *sent, *stored;
      double a, b;

      if (column->csv == NULL)
        continue;
      field = hangar_csv_field_get_field (column->csv);
      sent = row->fields != NULL ? json_object_get_member (row->fields, column->field_id) : NULL;
      stored = json_object_get_member (record_fields, column->field_id);
      if (sent != NULL && JSON_NODE_HOLDS_NULL (sent))
        sent = NULL;
      if (stored != NULL && JSON_NODE_HOLDS_NULL (stored))
        stored = NULL;

      switch ((int) hangar_field_get_field_type (field))
        {
        case HANGAR_FIELD_TYPE_SINGLE_LINE_TEXT:
        case HANGAR_FIELD_TYPE_MULTILINE_TEXT:
        case HANGAR_FIELD_TYPE_EMAIL:
        case HANGAR_FIELD_TYPE_URL:
        case HANGAR_FIELD_TYPE_PHONE_NUMBER:
        case HANGAR_FIELD_TYPE_SINGLE_SELECT:
        case HANGAR_FIELD_TYPE_DATE:
          if (sent == NULL || stored == NULL)
            {
              if ((sent == NULL) != (stored == NULL))
                return FALSE;
              continue;
            }
          if (!JSON_NODE_HOLDS_VALUE (sent) || json_node_get_value_type (sent) != G_TYPE_STRING ||
              !JSON_NODE_HOLDS_VALUE (stored) || json_node_get_value_type (stored) != G_TYPE_STRING)
            continue;   /* typecast: Airtable's conversion is not ours to predict */
          if (!g_str_equal (json_node_get_string (sent), json_node_get_string (stored)))
            return FALSE;
          break;

        case HANGAR_FIELD_TYPE_NUMBER:
        case HANGAR_FIELD_TYPE_CURRENCY:
        case HANGAR_FIELD_TYPE_PERCENT:
        case HANGAR_FIELD_TYPE_DURATION:
        case HANGAR_FIELD_TYPE_RATING:
          if (sent == NULL || stored == NULL)
            {
              if ((sent == NULL) != (stored == NULL))
                return FALSE;
              continue;
            }
          if (!_hangar_json_node_get_number (sent, &a) || !_hangar_json_node_get_number (stored, &b))
            continue;
          if (!numbers_match (field, a, b))
            return FALSE;
          break;

        case HANGAR_FIELD_TYPE_CHECKBOX:
          {
            gboolean x = sent != NULL && JSON_NODE_HOLDS_VALUE (sent) &&
                         json_node_get_value_type (sent) == G_TYPE_BOOLEAN && json_node_get_boolean (sent);
            gboolean y = stored != NULL && JSON_NODE_HOLDS_VALUE (stored) &&
                         json_node_get_value_type (stored) == G_TYPE_BOOLEAN && json_node_get_boolean (stored);

            if (sent != NULL && (!JSON_NODE_HOLDS_VALUE (sent) || json_node_get_value_type (sent) != G_TYPE_BOOLEAN))
              continue;
            if (x != y)
              return FALSE;
          }
          break;

        default:
          /* Links, attachments, collaborators: not compared. */
          break;
        }
    }
  return TRUE;
}

typedef struct
{
  HangarImporter *self;
  GPtrArray      *batches;   /* ImportBatch* (borrowed) */
} CheckOp;

static void
check_op_free (CheckOp *op)
{
  g_object_unref (op->self);
  g_ptr_array_unref (op->batches);
  g_free (op);
}

static void
check_done (CheckOp *op,
            GError  *error)
{
  HangarImporter *self = op->self;

  for (guint i = 0; i < op->batches->len; i++)
    {
      ImportBatch *batch = g_ptr_array_index (op->batches, i);

      /* What was not written is sent (again). */
      if (batch->state == BATCH_CHECKING)
        batch->state = BATCH_READY;
    }
  self->n_busy--;
  self->rechecking = FALSE;
  g_object_ref (self);
  check_op_free (op);
  if (error != NULL)
    _hangar_importer_stop (self, error);
  else
    _hangar_importer_pump (self);
  g_object_unref (self);
}

static void
candidates_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  CheckOp *op = user_data;
  HangarImporter *self = op->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = hangar_client_list_records_finish (HANGAR_CLIENT (object), result, &error);
  g_autoptr(GPtrArray) candidates = g_ptr_array_new ();

  if (records == NULL)
    {
      g_prefix_error (&error, "Could not check which rows were written before the interruption: ");
      check_done (op, g_steal_pointer (&error));
      return;
    }
  for (guint i = 0; i < records->len; i++)
    {
      HangarRecord *record = g_ptr_array_index (records, i);

      /* The records this run knows it created are accounted for. */
      if (!g_hash_table_contains (self->recent_ids, hangar_record_get_id (record)))
        g_ptr_array_add (candidates, record);
    }
  if (records->len > IMPORT_CHECK_MAX)
    {
      check_done (op, g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                   "More than %u records were created in the table since the import was "
                                   "interrupted, so which of its rows were written cannot be told; the import "
                                   "stopped rather than risk duplicates", IMPORT_CHECK_MAX));
      return;
    }

  /* In file order, each row with the first unpaired record like it. */
  for (guint b = 0; b < op->batches->len; b++)
    {
      ImportBatch *batch = g_ptr_array_index (op->batches, b);

      for (guint r = 0; r < batch->rows->len; r++)
        {
          ImportRow *row = g_ptr_array_index (batch->rows, r);

          if (row->state != ROW_PENDING)
            continue;
          for (guint k = 0; k < candidates->len; k++)
            {
              HangarRecord *record = g_ptr_array_index (candidates, k);
              GDateTime *time;
              g_autofree char *base = NULL;

              if (!_hangar_importer_row_matches (self, row, hangar_record_get_fields (record)))
                continue;
              row->state = ROW_WRITTEN;
              row->created = TRUE;
              g_clear_pointer (&row->fields, json_object_unref);
              time = hangar_record_get_created_time (record);
              if (time != NULL)
                {
                  base = g_date_time_format (time, "%Y-%m-%dT%H:%M:%S");
                  row->created_time = g_strdup_printf ("%s.%03dZ", base, g_date_time_get_microsecond (time) / 1000);
                  row->record_id = g_strdup (hangar_record_get_id (record));
                  g_hash_table_insert (self->recent_ids, g_strdup (row->record_id), g_strdup (row->created_time));
                }
              g_ptr_array_remove_index (candidates, k);
              break;
            }
        }
    }
  check_done (op, NULL);
}

void
_hangar_importer_check_written (HangarImporter *self,
                                GPtrArray      *batches)
{
  CheckOp *op = g_new0 (CheckOp, 1);
  g_autoptr(HangarListOptions) options = hangar_list_options_new ();
  g_autoptr(HangarFormula) formula = NULL;
  g_autofree char *text = NULL;
  const char *since;

  _hangar_importer_update_check_since (self);
  since = self->run->check_since != NULL ? self->run->check_since : self->start_time;

  op->self = g_object_ref (self);
  op->batches = g_ptr_array_ref (batches);

  formula = hangar_formula_call ("IS_AFTER", hangar_formula_call ("CREATED_TIME", NULL),
                                 hangar_formula_call ("DATETIME_PARSE", hangar_formula_string (since), NULL),
                                 NULL);
  text = hangar_formula_to_string (formula);
  hangar_list_options_set_formula (options, text);
  hangar_list_options_set_fields_by_id (options, TRUE);
  hangar_list_options_set_max_records (options, IMPORT_CHECK_MAX + 1);
  for (guint c = 0; c < self->plan->columns->len; c++)
    {
      PlanColumn *column = g_ptr_array_index (self->plan->columns, c);

      if (column->field_id != NULL)
        hangar_list_options_add_field (options, column->field_id);
    }
  g_debug ("Checking which of the rows after %s were written: records created after %s",
           self->run->check_since != NULL ? "the last settled rows" : "the start", since);
  hangar_client_list_records_async (self->client, self->base_id, hangar_table_get_id (self->table), options,
                                    self->cancellable, candidates_cb, op);
}
