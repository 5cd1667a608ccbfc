/* hangar-journal-lookup.c — does the record of an uncertain create exist?
 *
 * A create whose answer never came may or may not have made the record.
 * Sending it again could make a duplicate, so it is never sent blind: the
 * table is searched for a record with the values written, created after
 * the change was journalled (less a margin for clocks that disagree), and
 * not already claimed by another create of this journal. One match: the
 * change is written with that record. None: creating it again makes no
 * duplicate (the user decides). Several: the user decides which.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

#include "hangar-formula.h"
#include "hangar-journal-private.h"

/* The server's clock may be behind ours. */
#define CLOCK_MARGIN_US (10 * G_TIME_SPAN_MINUTE)
/* Values longer than this are left out of the formula (a URL holds it). */
#define MAX_VALUE_CHARS 500

typedef struct
{
  HangarJournalChange *change;
  char                *record_id;
} Lookup;

static void
lookup_free (gpointer data)
{
  Lookup *lookup = data;

  g_clear_object (&lookup->change);
  g_free (lookup->record_id);
  g_free (lookup);
}

/* A string that a formula can compare exactly: not a date or a date-time
 * (Airtable would compare those as dates, in a time zone). */
static gboolean
is_plain_text (const char *text)
{
  int y, m, d;

  if (strlen (text) > MAX_VALUE_CHARS)
    return FALSE;
  if (sscanf (text, "%4d-%2d-%2d", &y, &m, &d) == 3)
    return FALSE;
  return TRUE;
}

/* The formula: AND({F}=value, …, IS_AFTER(CREATED_TIME(), …),
 * NOT(OR(RECORD_ID()=claimed…))), or NULL when no value written can be
 * compared. */
static HangarFormula *
build_formula (HangarJournal       *self,
               HangarJournalChange *change)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  g_autoptr(GDateTime) after = NULL;
  g_autoptr(GPtrArray) claimed = g_ptr_array_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;
  guint n_values = 0;

  json_object_iter_init_ordered (&iter, change->fields);
  while (json_object_iter_next_ordered (&iter, &name, &value))
    {
      HangarFormula *part = NULL;

      if (!JSON_NODE_HOLDS_VALUE (value))
        continue;   /* links, selects, attachments, collaborators: not comparable */
      switch (json_node_get_value_type (value))
        {
        case G_TYPE_STRING:
          if (json_node_get_string (value)[0] != '\0' && is_plain_text (json_node_get_string (value)))
            part = hangar_formula_field_equals (name, json_node_get_string (value));
          break;
        case G_TYPE_INT64:
          part = hangar_formula_eq (hangar_formula_field (name), hangar_formula_int (json_node_get_int (value)));
          break;
        case G_TYPE_DOUBLE:
          part = hangar_formula_eq (hangar_formula_field (name), hangar_formula_number (json_node_get_double (value)));
          break;
        case G_TYPE_BOOLEAN:
          if (json_node_get_boolean (value))
            part = hangar_formula_eq (hangar_formula_field (name), hangar_formula_boolean (TRUE));
          break;
        default:
          break;
        }
      if (part != NULL)
        {
          g_ptr_array_add (parts, part);
          n_values++;
        }
    }
  if (n_values == 0)
    {
      g_ptr_array_foreach (parts, (GFunc) hangar_formula_unref, NULL);
      return NULL;
    }

  {
    g_autoptr(GDateTime) seconds = g_date_time_new_from_unix_utc ((change->created_at - CLOCK_MARGIN_US) / G_USEC_PER_SEC);

    after = g_date_time_ref (seconds);
  }
  g_ptr_array_add (parts, hangar_formula_call ("IS_AFTER", hangar_formula_call ("CREATED_TIME", NULL),
                                               hangar_formula_datetime (after), NULL));

  /* Records other creates of this journal are known to have made. */
  for (guint i = 0; i < self->open->len; i++)
    {
      HangarJournalChange *other = g_ptr_array_index (self->open, i);

      if (other != change && other->kind == HANGAR_CHANGE_CREATE &&
          !hangar_journal_is_local_id (other->record_id) &&
          g_strcmp0 (other->table_id, change->table_id) == 0)
        g_ptr_array_add (claimed, other->record_id);
    }
  {
    const char * const *ids = g_object_get_data (G_OBJECT (self), "hangar-journal-claimed");

    guint n = ids != NULL ? g_strv_length ((char **) ids) : 0;

    /* The newest ones: a formula with thousands of ids helps nobody. */
    for (guint i = n > 200 ? n - 200 : 0; i < n; i++)
      g_ptr_array_add (claimed, (gpointer) ids[i]);
  }
  if (claimed->len > 0)
    {
      g_ptr_array_add (claimed, NULL);
      g_ptr_array_add (parts, hangar_formula_not (hangar_formula_record_id_in ((const char * const *) claimed->pdata)));
    }
  return hangar_formula_callv ("AND", (HangarFormula **) parts->pdata, parts->len);
}

/* Remembers @record_id as made by a create of this journal (this session). */
void
_hangar_journal_claim (HangarJournal *self,
       const char    *record_id)
{
  char **ids = g_object_steal_data (G_OBJECT (self), "hangar-journal-claimed");
  guint n = ids != NULL ? g_strv_length (ids) : 0;

  ids = g_renew (char *, ids, n + 2);
  ids[n] = g_strdup (record_id);
  ids[n + 1] = NULL;
  g_object_set_data_full (G_OBJECT (self), "hangar-journal-claimed", ids, (GDestroyNotify) g_strfreev);
}

static void
listed_cb (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HangarJournal *self = g_task_get_source_object (task);
  Lookup *lookup = g_task_get_task_data (task);
  HangarJournalChange *change = lookup->change;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *offset = NULL;

  records = hangar_client_list_records_page_finish (HANGAR_CLIENT (source), res, &offset, &error);
  if (records == NULL)
    {
      g_prefix_error (&error, _("Could not look for the record: "));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (change->state != HANGAR_CHANGE_UNCERTAIN)
    {
      /* Decided meanwhile (discarded, marked by hand). */
      g_task_return_int (task, HANGAR_LOOKUP_CANNOT_TELL);
      return;
    }

  if (records->len == 1)
    {
      const char *id = hangar_record_get_id (g_ptr_array_index (records, 0));

      lookup->record_id = g_strdup (id);
      _hangar_journal_change_set_result (change, g_ptr_array_index (records, 0));
      if (!hangar_journal_mark_created (self, change, id, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      _hangar_journal_claim (self, id);
      g_task_return_int (task, HANGAR_LOOKUP_FOUND);
      return;
    }

  {
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autofree char *when = g_date_time_format (now, "%H:%M");
    g_autofree char *message = NULL;

    if (records->len == 0)
      message = g_strdup_printf (_("Airtable has no such record (checked at %s): it was not created. "
                                   "Create it again, or discard it"), when);
    else
      message = g_strdup_printf (g_dngettext (NULL, "%u record on Airtable matches what was written (checked at %s): "
                                              "check it before creating it again",
                                              "%u records on Airtable match what was written (checked at %s): "
                                              "check them before creating it again", records->len),
                                 records->len, when);
    change->lookup_done = records->len == 0 ? LOOKUP_NOT_FOUND : LOOKUP_UNDECIDED;
    _hangar_journal_set_state (self, change, HANGAR_CHANGE_UNCERTAIN, message);
    if (change->persisted)
      {
        g_autoptr(GPtrArray) one = g_ptr_array_new ();

        g_ptr_array_add (one, change);
        if (!_hangar_journal_persist (self, one, &error))
          g_warning ("%s", error->message);
      }
    g_task_return_int (task, records->len == 0 ? HANGAR_LOOKUP_NOT_FOUND : HANGAR_LOOKUP_AMBIGUOUS);
  }
}

/**
 * hangar_journal_lookup_async:
 * @self: a #HangarJournal
 * @change: an uncertain create
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the outcome
 * @user_data: data for @callback
 *
 * Looks for the record @change may have created.
 */
void
hangar_journal_lookup_async (HangarJournal       *self,
                             HangarJournalChange *change,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(HangarFormula) formula = NULL;
  g_autoptr(HangarListOptions) options = NULL;
  g_autofree char *text = NULL;
  Lookup *lookup;

  g_return_if_fail (HANGAR_IS_JOURNAL (self));
  g_return_if_fail (HANGAR_IS_JOURNAL_CHANGE (change));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_journal_lookup_async);
  lookup = g_new0 (Lookup, 1);
  lookup->change = g_object_ref (change);
  g_task_set_task_data (task, lookup, lookup_free);

  if (change->kind != HANGAR_CHANGE_CREATE || change->state != HANGAR_CHANGE_UNCERTAIN)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s",
                               "Only a create whose outcome is uncertain can be looked up");
      return;
    }
  if (self->client == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "%s",
                               _("The account has no client to look with"));
      return;
    }
  formula = build_formula (self, change);
  if (formula == NULL)
    {
      change->lookup_done = LOOKUP_UNDECIDED;
      _hangar_journal_set_state (self, change, HANGAR_CHANGE_UNCERTAIN,
                                 _("Hangar cannot search for this record (only links, attachments or "
                                   "people were written): look in Airtable before creating it again"));
      g_task_return_int (task, HANGAR_LOOKUP_CANNOT_TELL);
      return;
    }
  text = hangar_formula_to_string (formula);
  g_debug ("Journal: looking for an uncertain create with %s", text);
  options = hangar_list_options_new ();
  hangar_list_options_set_formula (options, text);
  hangar_list_options_set_page_size (options, 10);
  hangar_list_options_set_max_records (options, 10);
  hangar_client_list_records_page_async (self->client, change->base_id, change->table_id, options, NULL,
                                         cancellable, listed_cb, g_steal_pointer (&task));
}

/**
 * hangar_journal_lookup_finish:
 * @self: a #HangarJournal
 * @result: the result
 * @out_record_id: (out) (optional) (transfer full): the record found
 * @error: where a failure of the lookup itself goes
 *
 * Returns: what was found; %HANGAR_LOOKUP_CANNOT_TELL with @error set when
 *   the lookup failed
 */
HangarLookupResult
hangar_journal_lookup_finish (HangarJournal  *self,
                              GAsyncResult   *result,
                              char          **out_record_id,
                              GError        **error)
{
  Lookup *lookup;
  gssize value;

  g_return_val_if_fail (g_task_is_valid (result, self), HANGAR_LOOKUP_CANNOT_TELL);

  lookup = g_task_get_task_data (G_TASK (result));
  value = g_task_propagate_int (G_TASK (result), error);
  if (value < 0)
    return HANGAR_LOOKUP_CANNOT_TELL;
  if (out_record_id != NULL)
    *out_record_id = g_strdup (lookup->record_id);
  return (HangarLookupResult) value;
}

static void
auto_lookup_cb (GObject      *source,
                GAsyncResult *res,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  HangarLookupResult found = hangar_journal_lookup_finish (HANGAR_JOURNAL (source), res, NULL, &error);

  if (error != NULL)
    g_debug ("Journal: %s", error->message);
  else
    g_debug ("Journal: an uncertain create was looked up: %d", found);
}

void
_hangar_journal_lookup_uncertain (HangarJournal *self)
{
  for (guint i = 0; i < self->open->len; i++)
    {
      HangarJournalChange *change = g_ptr_array_index (self->open, i);

      if (change->kind == HANGAR_CHANGE_CREATE && change->state == HANGAR_CHANGE_UNCERTAIN &&
          !change->lookup_done && self->client != NULL)
        hangar_journal_lookup_async (self, change, self->cancellable, auto_lookup_cb, NULL);
    }
}
