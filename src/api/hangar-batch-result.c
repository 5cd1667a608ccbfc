/* hangar-batch-result.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-batch-result.h"
#include "hangar-error.h"

/**
 * HangarBatchResult:
 *
 * The outcome of a batch create/update/replace/upsert/delete. Airtable takes
 * at most 10 records per request and each request is all-or-nothing, so the
 * client sends chunks of 10 in input order and stops at the first chunk that
 * fails. For every input record (by its index in the input) the result says
 * whether it was written (with the record and its id, and for upserts whether
 * it was created), refused with the chunk's error, possibly written
 * (uncertain), or never sent.
 */

typedef struct
{
  HangarBatchItemStatus  status;
  HangarRecord          *record;
  char                  *record_id;
  GError                *error;
  gboolean               created;
} Item;

struct _HangarBatchResult
{
  GObject  parent_instance;
  GArray  *items;
  guint    n_written;
  guint    n_requests;
};

G_DEFINE_FINAL_TYPE (HangarBatchResult, hangar_batch_result, G_TYPE_OBJECT)

static void
item_clear (gpointer data)
{
  Item *item = data;

  g_clear_object (&item->record);
  g_clear_pointer (&item->record_id, g_free);
  g_clear_error (&item->error);
}

static void
hangar_batch_result_finalize (GObject *object)
{
  HangarBatchResult *self = HANGAR_BATCH_RESULT (object);

  g_array_unref (self->items);

  G_OBJECT_CLASS (hangar_batch_result_parent_class)->finalize (object);
}

static void
hangar_batch_result_class_init (HangarBatchResultClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hangar_batch_result_finalize;
}

static void
hangar_batch_result_init (HangarBatchResult *self)
{
  self->items = g_array_new (FALSE, TRUE, sizeof (Item));
  g_array_set_clear_func (self->items, item_clear);
}

HangarBatchResult *
_hangar_batch_result_new (guint n_items)
{
  HangarBatchResult *self = g_object_new (HANGAR_TYPE_BATCH_RESULT, NULL);

  g_array_set_size (self->items, n_items);
  for (guint i = 0; i < n_items; i++)
    g_array_index (self->items, Item, i).status = HANGAR_BATCH_ITEM_NOT_SENT;
  return self;
}

void
_hangar_batch_result_set_written (HangarBatchResult *self,
                                  guint              index,
                                  HangarRecord      *record,
                                  const char        *record_id,
                                  gboolean           created)
{
  Item *item;

  g_return_if_fail (index < self->items->len);

  item = &g_array_index (self->items, Item, index);
  item_clear (item);
  if (item->status != HANGAR_BATCH_ITEM_WRITTEN)
    self->n_written++;
  item->status = HANGAR_BATCH_ITEM_WRITTEN;
  item->record = record != NULL ? g_object_ref (record) : NULL;
  item->record_id = g_strdup (record_id != NULL ? record_id
                              : record != NULL ? hangar_record_get_id (record) : NULL);
  item->created = created;
}

void
_hangar_batch_result_set_failed (HangarBatchResult     *self,
                                 guint                  index,
                                 HangarBatchItemStatus  status,
                                 const GError          *error)
{
  Item *item;

  g_return_if_fail (index < self->items->len);
  g_return_if_fail (status != HANGAR_BATCH_ITEM_WRITTEN);

  item = &g_array_index (self->items, Item, index);
  if (item->status == HANGAR_BATCH_ITEM_WRITTEN)
    self->n_written--;
  item_clear (item);
  item->status = status;
  item->error = error != NULL ? g_error_copy (error) : NULL;
}

void
_hangar_batch_result_count_request (HangarBatchResult *self)
{
  self->n_requests++;
}

/** hangar_batch_result_get_n_items: Returns: the number of input records */
guint
hangar_batch_result_get_n_items (HangarBatchResult *self)
{
  g_return_val_if_fail (HANGAR_IS_BATCH_RESULT (self), 0);
  return self->items->len;
}

/** hangar_batch_result_get_n_written: Returns: how many input records were written */
guint
hangar_batch_result_get_n_written (HangarBatchResult *self)
{
  g_return_val_if_fail (HANGAR_IS_BATCH_RESULT (self), 0);
  return self->n_written;
}

/** hangar_batch_result_get_n_requests: Returns: how many HTTP write requests were answered */
guint
hangar_batch_result_get_n_requests (HangarBatchResult *self)
{
  g_return_val_if_fail (HANGAR_IS_BATCH_RESULT (self), 0);
  return self->n_requests;
}

/** hangar_batch_result_is_complete: Returns: %TRUE when every input record was written */
gboolean
hangar_batch_result_is_complete (HangarBatchResult *self)
{
  g_return_val_if_fail (HANGAR_IS_BATCH_RESULT (self), FALSE);
  return self->n_written == self->items->len;
}

HangarBatchItemStatus
hangar_batch_result_get_status (HangarBatchResult *self,
                                guint              index)
{
  g_return_val_if_fail (HANGAR_IS_BATCH_RESULT (self), HANGAR_BATCH_ITEM_NOT_SENT);
  g_return_val_if_fail (index < self->items->len, HANGAR_BATCH_ITEM_NOT_SENT);
  return g_array_index (self->items, Item, index).status;
}

/**
 * hangar_batch_result_get_record:
 * @self: a #HangarBatchResult
 * @index: an input index
 *
 * Returns: (transfer none) (nullable): the record as the server returned it
 *   when written (deletes have none)
 */
HangarRecord *
hangar_batch_result_get_record (HangarBatchResult *self,
                                guint              index)
{
  g_return_val_if_fail (HANGAR_IS_BATCH_RESULT (self), NULL);
  g_return_val_if_fail (index < self->items->len, NULL);
  return g_array_index (self->items, Item, index).record;
}

/**
 * hangar_batch_result_get_record_id:
 * @self: a #HangarBatchResult
 * @index: an input index
 *
 * Returns: (nullable): the id of the written (or deleted) record
 */
const char *
hangar_batch_result_get_record_id (HangarBatchResult *self,
                                   guint              index)
{
  g_return_val_if_fail (HANGAR_IS_BATCH_RESULT (self), NULL);
  g_return_val_if_fail (index < self->items->len, NULL);
  return g_array_index (self->items, Item, index).record_id;
}

/** hangar_batch_result_get_created: Returns: for an upsert, %TRUE if the record was created */
gboolean
hangar_batch_result_get_created (HangarBatchResult *self,
                                 guint              index)
{
  g_return_val_if_fail (HANGAR_IS_BATCH_RESULT (self), FALSE);
  g_return_val_if_fail (index < self->items->len, FALSE);
  return g_array_index (self->items, Item, index).created;
}

/**
 * hangar_batch_result_get_item_error:
 * @self: a #HangarBatchResult
 * @index: an input index
 *
 * Returns: (nullable): why this record was not (or maybe not) written
 */
const GError *
hangar_batch_result_get_item_error (HangarBatchResult *self,
                                    guint              index)
{
  g_return_val_if_fail (HANGAR_IS_BATCH_RESULT (self), NULL);
  g_return_val_if_fail (index < self->items->len, NULL);
  return g_array_index (self->items, Item, index).error;
}

/**
 * hangar_batch_result_dup_records:
 * @self: a #HangarBatchResult
 *
 * Returns: (transfer container) (element-type HangarRecord): the written
 *   records in input order
 */
GPtrArray *
hangar_batch_result_dup_records (HangarBatchResult *self)
{
  GPtrArray *records;

  g_return_val_if_fail (HANGAR_IS_BATCH_RESULT (self), NULL);

  records = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = &g_array_index (self->items, Item, i);

      if (item->status == HANGAR_BATCH_ITEM_WRITTEN && item->record != NULL)
        g_ptr_array_add (records, g_object_ref (item->record));
    }
  return records;
}

/**
 * hangar_batch_result_get_error:
 * @self: a #HangarBatchResult
 *
 * Returns: (nullable): the error of the first record not written, or %NULL
 *   when the batch is complete
 */
const GError *
hangar_batch_result_get_error (HangarBatchResult *self)
{
  g_return_val_if_fail (HANGAR_IS_BATCH_RESULT (self), NULL);

  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = &g_array_index (self->items, Item, i);

      if (item->status != HANGAR_BATCH_ITEM_WRITTEN && item->error != NULL)
        return item->error;
    }
  return NULL;
}

/**
 * hangar_batch_result_propagate_error:
 * @self: a #HangarBatchResult
 * @error: return location for a #GError
 *
 * Returns: %TRUE when complete; otherwise %FALSE with the first chunk's error
 *   if nothing was written, or %HANGAR_API_ERROR_PARTIAL (with a summary of
 *   what was and was not written) if some records were.
 */
gboolean
hangar_batch_result_propagate_error (HangarBatchResult  *self,
                                     GError            **error)
{
  const GError *first;

  g_return_val_if_fail (HANGAR_IS_BATCH_RESULT (self), FALSE);

  if (hangar_batch_result_is_complete (self))
    return TRUE;

  first = hangar_batch_result_get_error (self);
  if (self->n_written == 0 && first != NULL)
    {
      g_propagate_error (error, g_error_copy (first));
      return FALSE;
    }

  {
    g_autofree char *summary = hangar_batch_result_describe (self);

    g_set_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_PARTIAL, "%s", summary);
    if (error != NULL && *error != NULL && first != NULL)
      hangar_api_error_set_details (*error, hangar_api_error_get_http_status (first),
                                    hangar_api_error_get_server_type (first),
                                    hangar_api_error_get_server_message (first));
  }
  return FALSE;
}

static void
append_ranges (GString           *out,
               HangarBatchResult *self,
               HangarBatchItemStatus status)
{
  gboolean first = TRUE;
  guint i = 0;

  while (i < self->items->len)
    {
      guint j;

      if (g_array_index (self->items, Item, i).status != status)
        {
          i++;
          continue;
        }
      for (j = i; j + 1 < self->items->len &&
                  g_array_index (self->items, Item, j + 1).status == status; j++)
        ;
      g_string_append (out, first ? "" : ", ");
      /* People count from 1. */
      if (i == j)
        g_string_append_printf (out, "%u", i + 1);
      else
        g_string_append_printf (out, "%u–%u", i + 1, j + 1);
      first = FALSE;
      i = j + 1;
    }
}

/**
 * hangar_batch_result_describe:
 * @self: a #HangarBatchResult
 *
 * Returns: (transfer full): one line for people, e.g. "12 of 25 records
 *   written (1–12); not written: 13–25 (Unknown field name: "X")"; input
 *   records are numbered from 1
 */
char *
hangar_batch_result_describe (HangarBatchResult *self)
{
  GString *out = g_string_new (NULL);
  const struct { HangarBatchItemStatus status; const char *label; } kinds[] = {
    { HANGAR_BATCH_ITEM_FAILED, "not written" },
    { HANGAR_BATCH_ITEM_UNCERTAIN, "maybe written (connection lost after sending; check before retrying)" },
    { HANGAR_BATCH_ITEM_NOT_SENT, "not sent" },
  };

  g_return_val_if_fail (HANGAR_IS_BATCH_RESULT (self), NULL);

  g_string_append_printf (out, "%u of %u records written", self->n_written, self->items->len);
  if (self->n_written > 0 && self->n_written < self->items->len)
    {
      g_string_append (out, " (");
      append_ranges (out, self, HANGAR_BATCH_ITEM_WRITTEN);
      g_string_append (out, ")");
    }
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      const GError *reason = NULL;
      gboolean any = FALSE;

      for (guint i = 0; i < self->items->len; i++)
        {
          Item *item = &g_array_index (self->items, Item, i);

          if (item->status == kinds[k].status)
            {
              any = TRUE;
              if (reason == NULL)
                reason = item->error;
            }
        }
      if (!any)
        continue;
      g_string_append_printf (out, "; %s: ", kinds[k].label);
      append_ranges (out, self, kinds[k].status);
      if (reason != NULL)
        g_string_append_printf (out, " (%s)", reason->message);
    }
  return g_string_free (out, FALSE);
}
