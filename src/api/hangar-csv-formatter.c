/* hangar-csv-formatter.c — records as CSV rows, linked records by name
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-client.h"
#include "hangar-csv-formatter.h"
#include "hangar-error.h"
#include "hangar-formula.h"
#include "hangar-list-options.h"
#include "hangar-record.h"
#include "hangar-table.h"

/* Record ids per look-up request: OR(RECORD_ID()='rec…', …) stays far
 * below Airtable's URL limit. */
#define IDS_PER_LOOKUP 50

/**
 * HangarCsvFormatter:
 *
 * Turns records into CSV rows the way hangar-csv-cell.h describes, the
 * same for the window's export and `hangar-cli records list --format csv`.
 * Linked records are written by their primary value: before a page of
 * records is written, hangar_csv_formatter_resolve_async() fetches the
 * names not known yet (only the primary field, 50 records a request) and
 * keeps them for the rest of the export.
 */
struct _HangarCsvFormatter
{
  GObject                  parent_instance;

  HangarClient            *client;
  char                    *base_id;
  HangarCsvFormatterFlags  flags;
  GPtrArray               *columns;      /* HangarCsvField* */
  GPtrArray               *header;       /* char*, NULL-terminated */
  GArray                  *cell_flags;   /* HangarCsvCellFlags */
  GHashTable              *primaries;    /* linked table id → HangarCsvField* of its primary field */
  GHashTable              *names;        /* table id → (record id → name) */
};

G_DEFINE_FINAL_TYPE (HangarCsvFormatter, hangar_csv_formatter, G_TYPE_OBJECT)

static void
hangar_csv_formatter_finalize (GObject *object)
{
  HangarCsvFormatter *self = HANGAR_CSV_FORMATTER (object);

  g_clear_object (&self->client);
  g_free (self->base_id);
  g_clear_pointer (&self->columns, g_ptr_array_unref);
  g_clear_pointer (&self->header, g_ptr_array_unref);
  g_clear_pointer (&self->cell_flags, g_array_unref);
  g_clear_pointer (&self->primaries, g_hash_table_unref);
  g_clear_pointer (&self->names, g_hash_table_unref);

  G_OBJECT_CLASS (hangar_csv_formatter_parent_class)->finalize (object);
}

static void
hangar_csv_formatter_class_init (HangarCsvFormatterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hangar_csv_formatter_finalize;
}

static void
hangar_csv_formatter_init (HangarCsvFormatter *self)
{
  self->columns = g_ptr_array_new_with_free_func ((GDestroyNotify) hangar_csv_field_free);
  self->header = g_ptr_array_new_with_free_func (g_free);
  self->cell_flags = g_array_new (FALSE, FALSE, sizeof (HangarCsvCellFlags));
  self->primaries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) hangar_csv_field_free);
  self->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
}

/**
 * hangar_csv_formatter_new:
 * @client: the client that looks up linked records
 * @base_id: the base
 * @columns: (element-type HangarField): the columns, in order
 * @tables: (element-type HangarTable) (nullable): the base's tables
 * @flags: what else to write
 *
 * Returns: (transfer full): a new formatter
 */
HangarCsvFormatter *
hangar_csv_formatter_new (HangarClient            *client,
                          const char              *base_id,
                          GPtrArray               *columns,
                          GPtrArray               *tables,
                          HangarCsvFormatterFlags  flags)
{
  HangarCsvFormatter *self;

  g_return_val_if_fail (HANGAR_IS_CLIENT (client), NULL);
  g_return_val_if_fail (base_id != NULL, NULL);
  g_return_val_if_fail (columns != NULL, NULL);

  self = g_object_new (HANGAR_TYPE_CSV_FORMATTER, NULL);
  self->client = g_object_ref (client);
  self->base_id = g_strdup (base_id);
  self->flags = flags;

  if (flags & HANGAR_CSV_FORMATTER_RECORD_ID)
    {
      HangarCsvCellFlags plain = HANGAR_CSV_CELL_PLAIN;

      g_ptr_array_add (self->header, g_strdup ("id"));
      g_array_append_val (self->cell_flags, plain);
    }
  for (guint i = 0; i < columns->len; i++)
    {
      HangarField *field = g_ptr_array_index (columns, i);
      HangarCsvField *column = hangar_csv_field_new (field);
      HangarCsvCellFlags cell = (flags & HANGAR_CSV_FORMATTER_NO_GUARD) ? HANGAR_CSV_CELL_PLAIN
                                                                        : hangar_csv_field_get_cell_flags (column);

      g_ptr_array_add (self->columns, column);
      g_ptr_array_add (self->header, g_strdup (hangar_field_get_name (field)));
      g_array_append_val (self->cell_flags, cell);
    }
  g_ptr_array_add (self->header, NULL);

  for (guint i = 0; tables != NULL && i < tables->len; i++)
    {
      HangarTable *table = g_ptr_array_index (tables, i);
      HangarField *primary = hangar_table_get_primary_field (table);

      if (primary != NULL)
        g_hash_table_insert (self->primaries, g_strdup (hangar_table_get_id (table)), hangar_csv_field_new (primary));
    }
  return self;
}

guint
hangar_csv_formatter_get_n_columns (HangarCsvFormatter *self)
{
  g_return_val_if_fail (HANGAR_IS_CSV_FORMATTER (self), 0);
  return self->header->len - 1;
}

const char * const *
hangar_csv_formatter_get_header (HangarCsvFormatter *self)
{
  g_return_val_if_fail (HANGAR_IS_CSV_FORMATTER (self), NULL);
  return (const char * const *) self->header->pdata;
}

const HangarCsvCellFlags *
hangar_csv_formatter_get_cell_flags (HangarCsvFormatter *self)
{
  g_return_val_if_fail (HANGAR_IS_CSV_FORMATTER (self), NULL);
  return (const HangarCsvCellFlags *) (gpointer) self->cell_flags->data;
}

/* ---- names of linked records ---- */

static const char *
link_name (const char *table_id,
           const char *record_id,
           gpointer    user_data)
{
  HangarCsvFormatter *self = user_data;
  GHashTable *names = table_id != NULL ? g_hash_table_lookup (self->names, table_id) : NULL;

  return names != NULL ? g_hash_table_lookup (names, record_id) : NULL;
}

static void
collect_ids (JsonNode   *value,
             GHashTable *wanted)
{
  if (value == NULL)
    return;
  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);

      for (guint i = 0; i < json_array_get_length (array); i++)
        collect_ids (json_array_get_element (array, i), wanted);
    }
  else if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
    g_hash_table_add (wanted, g_strdup (json_node_get_string (value)));
  else if (JSON_NODE_HOLDS_OBJECT (value))
    {
      JsonNode *id = json_object_get_member (json_node_get_object (value), "id");

      if (id != NULL && JSON_NODE_HOLDS_VALUE (id) && json_node_get_value_type (id) == G_TYPE_STRING)
        g_hash_table_add (wanted, g_strdup (json_node_get_string (id)));
    }
}

typedef struct
{
  GQueue  lookups;     /* Lookup* still to send */
} ResolveOp;

typedef struct
{
  char       *table_id;
  GPtrArray  *ids;      /* char*, NULL-terminated */
} Lookup;

static void
lookup_free (Lookup *lookup)
{
  g_free (lookup->table_id);
  g_ptr_array_unref (lookup->ids);
  g_free (lookup);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Lookup, lookup_free)

static void
resolve_op_free (ResolveOp *op)
{
  g_queue_clear_full (&op->lookups, (GDestroyNotify) lookup_free);
  g_free (op);
}

static void resolve_next (GTask *task);

static void
lookup_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HangarCsvFormatter *self = g_task_get_source_object (task);
  ResolveOp *op = g_task_get_task_data (task);
  g_autoptr(Lookup) lookup = g_queue_pop_head (&op->lookups);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = hangar_client_list_records_finish (HANGAR_CLIENT (object), result, &error);
  HangarCsvField *primary = g_hash_table_lookup (self->primaries, lookup->table_id);
  GHashTable *names = g_hash_table_lookup (self->names, lookup->table_id);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (records == NULL)
    /* The ids are written instead: the export goes on. */
    g_debug ("Linked records of %s not named: %s", lookup->table_id, error->message);

  for (guint i = 0; records != NULL && i < records->len; i++)
    {
      HangarRecord *record = g_ptr_array_index (records, i);
      JsonNode *value = hangar_record_get_field (record, hangar_field_get_name (hangar_csv_field_get_field (primary)));
      g_autofree char *text = hangar_csv_field_format (primary, value, NULL, NULL);

      g_hash_table_insert (names, g_strdup (hangar_record_get_id (record)), g_steal_pointer (&text));
    }
  /* Records not found (deleted, or not visible) keep their id. */
  for (guint i = 0; lookup->ids->pdata[i] != NULL; i++)
    if (!g_hash_table_contains (names, lookup->ids->pdata[i]))
      g_hash_table_insert (names, g_strdup (lookup->ids->pdata[i]), g_strdup (lookup->ids->pdata[i]));

  resolve_next (g_steal_pointer (&task));
}

static void
resolve_next (GTask *task)
{
  HangarCsvFormatter *self = g_task_get_source_object (task);
  ResolveOp *op = g_task_get_task_data (task);
  Lookup *lookup = g_queue_peek_head (&op->lookups);
  HangarCsvField *primary;
  g_autoptr(HangarListOptions) options = NULL;
  g_autoptr(HangarFormula) formula = NULL;
  g_autofree char *text = NULL;

  if (lookup == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  primary = g_hash_table_lookup (self->primaries, lookup->table_id);
  options = hangar_list_options_new ();
  formula = hangar_formula_record_id_in ((const char * const *) lookup->ids->pdata);
  text = hangar_formula_to_string (formula);
  hangar_list_options_set_formula (options, text);
  hangar_list_options_add_field (options, hangar_field_get_name (hangar_csv_field_get_field (primary)));
  hangar_client_list_records_async (self->client, self->base_id, lookup->table_id, options,
                                    g_task_get_cancellable (task), lookup_done_cb, task);
}

/**
 * hangar_csv_formatter_resolve_async:
 * @self: a #HangarCsvFormatter
 * @records: (element-type HangarRecord): records about to be written
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the names are known
 * @user_data: data for @callback
 */
void
hangar_csv_formatter_resolve_async (HangarCsvFormatter  *self,
                                    GPtrArray           *records,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;
  ResolveOp *op;

  g_return_if_fail (HANGAR_IS_CSV_FORMATTER (self));
  g_return_if_fail (records != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_csv_formatter_resolve_async);
  op = g_new0 (ResolveOp, 1);
  g_queue_init (&op->lookups);
  g_task_set_task_data (task, op, (GDestroyNotify) resolve_op_free);

  for (guint c = 0; c < self->columns->len; c++)
    {
      HangarCsvField *column = g_ptr_array_index (self->columns, c);
      const char *table_id = hangar_csv_field_get_linked_table (column);
      const char *name = hangar_field_get_name (hangar_csv_field_get_field (column));
      g_autoptr(GHashTable) wanted = NULL;
      GHashTable *known;
      GHashTableIter iter;
      gpointer id;
      Lookup *lookup = NULL;

      if (table_id == NULL || !g_hash_table_contains (self->primaries, table_id))
        continue;
      known = g_hash_table_lookup (self->names, table_id);
      if (known == NULL)
        {
          known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
          g_hash_table_insert (self->names, g_strdup (table_id), known);
        }
      wanted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint r = 0; r < records->len; r++)
        collect_ids (hangar_record_get_field (g_ptr_array_index (records, r), name), wanted);

      /* Ids already asked for in an earlier lookup of this call count as
       * known from now on (several columns may link to one table). */
      g_hash_table_iter_init (&iter, wanted);
      while (g_hash_table_iter_next (&iter, &id, NULL))
        {
          if (g_hash_table_contains (known, id))
            continue;
          g_hash_table_insert (known, g_strdup (id), g_strdup (id));
          if (lookup == NULL || lookup->ids->len >= IDS_PER_LOOKUP)
            {
              if (lookup != NULL)
                g_ptr_array_add (lookup->ids, NULL);
              lookup = g_new0 (Lookup, 1);
              lookup->table_id = g_strdup (table_id);
              lookup->ids = g_ptr_array_new_with_free_func (g_free);
              g_queue_push_tail (&op->lookups, lookup);
            }
          g_ptr_array_add (lookup->ids, g_strdup (id));
        }
      if (lookup != NULL)
        g_ptr_array_add (lookup->ids, NULL);
    }
  resolve_next (task);
}

gboolean
hangar_csv_formatter_resolve_finish (HangarCsvFormatter  *self,
                                     GAsyncResult        *result,
                                     GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- rows ---- */

/**
 * hangar_csv_formatter_format_record:
 *
 * Returns: (transfer full) (element-type utf8): the cells
 */
GPtrArray *
hangar_csv_formatter_format_record (HangarCsvFormatter *self,
                                    HangarRecord       *record)
{
  GPtrArray *cells;

  g_return_val_if_fail (HANGAR_IS_CSV_FORMATTER (self), NULL);

  cells = g_ptr_array_new_with_free_func (g_free);
  if (self->flags & HANGAR_CSV_FORMATTER_RECORD_ID)
    g_ptr_array_add (cells, g_strdup (hangar_record_get_id (record)));
  for (guint c = 0; c < self->columns->len; c++)
    {
      HangarCsvField *column = g_ptr_array_index (self->columns, c);
      HangarField *field = hangar_csv_field_get_field (column);
      JsonNode *value = hangar_record_get_field (record, hangar_field_get_name (field));

      /* Listed by id: the record may be keyed by the id. */
      if (value == NULL)
        value = hangar_record_get_field (record, hangar_field_get_id (field));
      g_ptr_array_add (cells, hangar_csv_field_format (column, value, link_name, self));
    }
  return cells;
}

void
hangar_csv_formatter_append_record (HangarCsvFormatter *self,
                                    GString            *out,
                                    HangarRecord       *record,
                                    gboolean            crlf)
{
  g_autoptr(GPtrArray) cells = hangar_csv_formatter_format_record (self, record);

  hangar_csv_append_row (out, (const char * const *) cells->pdata, cells->len,
                         hangar_csv_formatter_get_cell_flags (self), crlf);
}
