/* hangar-fetch.c — every record of a table, as fast as the budget allows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include <string.h>

#include "hangar-client-private.h"
#include "hangar-error.h"
#include "hangar-fetch.h"
#include "hangar-page-guard.h"
#include "hangar-record-page.h"

/**
 * HangarFetch:
 *
 * Reads every record of a table (that the list options select) for callers
 * that need all of them and not their order: filling the cache, an export,
 * `hangar-cli records list`.
 *
 * Pages of one listing are chained by their offsets, so one cursor sends a
 * request, waits a round trip, and only then can send the next: at 600 ms
 * per request that is under two requests a second, while a base allows
 * five. A fetch therefore splits the table into k disjoint parts with a
 * `filterByFormula` over `RECORD_ID()` (ANDed with the caller's own
 * formula) and runs k cursors side by side, every request through the
 * client's pacing. k is what fills the base's rate at the measured round
 * trip (hangar_client_get_latency_us()): 1 on a fast network, 4 at 600 ms,
 * never more than %HANGAR_FETCH_MAX_PARTITIONS. When nothing was measured
 * yet (in this process or, through the shared budget file, in another)
 * the fetch does not wait for a first answer to measure one: it starts at
 * once with the parts a typical round trip needs, and if the first answer
 * shows that one cursor keeps up, the parts not asked for yet are read by
 * one cursor together (trim()).
 *
 * The parts are chosen by the id's last character, which Airtable draws
 * from 62 letters and digits. Each part holds whole case classes — "a" and
 * "A" always together — so the parts stay disjoint and complete whether the
 * server compares text with or without case. Part i is "the character is
 * in set i and in none of sets 0 … i−1", the last part "in none of the
 * others": however the server evaluates the tests, every record falls in
 * exactly one part. The fetch checks what comes back — each record in the
 * part its id belongs to, no id twice — and if anything looks wrong, or the
 * server refuses the formula (422 `INVALID_FILTER_BY_FORMULA`), it falls
 * back to one cursor over the whole table, delivering only records it had
 * not delivered yet (#HangarFetch:fallback-reason says why).
 *
 * A sort, a view or a record cap (hangar_list_options_get_ordered()) makes
 * the order part of the answer: such a fetch uses one cursor.
 *
 * Every cursor asks for its next page as soon as the answer's offset is
 * known (read from the end of the body, before the records are read), so
 * the server works on the next page while this one is read and delivered.
 *
 * Records reach the page function as each page arrives, each exactly once
 * (merged by id); with #HangarFetch:keep-records the fetch is also a
 * #GListModel of them, in arrival order. Expired listings restart (each
 * cursor at most five times) without delivering a record twice, and a
 * cursor that goes round in circles stops the fetch (#HangarPageGuard).
 */

#define MAX_RESTARTS  5
#define PAGE_SIZE     100
/* What a page costs besides the round trip (reading it, the server's
 * work), counted when sizing k. */
#define PAGE_WORK_US  (10 * G_TIME_SPAN_MILLISECOND)
/* Round trips vary around their mean: k is sized for one a quarter longer,
 * so a slow answer leaves the pacing, not the cursors, setting the pace. A
 * spare cursor waits in the queue at no cost but its part's last, partial
 * page. */
#define ROUND_TRIP_HEADROOM 1.25
#define WHOLE         G_MAXUINT
/* A round trip to assume before one was measured: about what a list
 * request to Airtable takes from a desktop. */
#define ASSUMED_ROUND_TRIP_US (600 * G_TIME_SPAN_MILLISECOND)

typedef struct
{
  HangarFetch       *fetch;       /* unowned: the fetch owns its cursors */
  guint              index;       /* its part, or WHOLE */
  gboolean           rest;        /* it reads parts index … n_partitions − 1 */
  HangarListOptions *options;
  HangarPageGuard   *guard;
  GCancellable      *cancellable; /* of the request in flight */
  char              *offset;      /* of the request in flight */
  guint              seq;         /* bumped per request: late answers are dropped */
  guint              n_restarts;
  guint              n_pages;
  gboolean           in_flight;
  gboolean           done;
} Cursor;

typedef struct
{
  HangarFetch *fetch;             /* a reference */
  Cursor      *cursor;            /* valid while generation matches */
  guint        generation;
  guint        seq;
} Request;

struct _HangarFetch
{
  GObject              parent_instance;

  HangarClient        *client;
  char                *base_id;
  char                *table;
  HangarListOptions   *options;

  guint                want_partitions;   /* 0: chosen from the round trip */
  guint                n_partitions;      /* the parts cut; 1 for a whole-table cursor */
  guint                n_cursors;         /* reading: a rest read by one counts once */
  gint64               started_us;        /* monotonic, when the cursors started */
  guint                expected;
  gboolean             keep;
  HangarFetchPageFunc  page_func;
  gpointer             page_data;
  GDestroyNotify       page_destroy;

  GPtrArray           *items;             /* HangarRecord, when keeping */
  GHashTable          *by_id;             /* id (the record's) → HangarRecord, when keeping */
  GHashTable          *ids;               /* id → GUINT_TO_POINTER (part + 1), 0 for WHOLE */
  GPtrArray           *cursors;           /* Cursor */
  GTask               *task;
  GCancellable        *cancellable;       /* the caller's */
  gulong               cancel_id;
  guint                cancel_idle;
  guint                generation;
  guint                n_fetched;
  guint                n_requests;
  char                *fallback_reason;

  guint                running     : 1;
  guint                complete    : 1;
  guint                ordered     : 1;
  guint                may_trim    : 1;
};

static void hangar_fetch_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HangarFetch, hangar_fetch, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, hangar_fetch_model_init))

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_BASE_ID,
  PROP_TABLE,
  PROP_OPTIONS,
  PROP_PARTITIONS,
  PROP_KEEP_RECORDS,
  PROP_RUNNING,
  PROP_COMPLETE,
  PROP_N_FETCHED,
  PROP_N_REQUESTS,
  PROP_FALLBACK_REASON,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void cursor_request (Cursor *cursor, const char *offset);

/* ------------------------------------------------------------------------ */
/* Parts                                                                     */

/* The 36 case classes of the id's last character, each in one part:
 * letters (both cases, weight 2) first, then digits (weight 1), each to the
 * lightest part so far. */
static void
part_sets (guint    n_partitions,
           GString *sets[])
{
  guint weight[HANGAR_FETCH_MAX_PARTITIONS] = { 0 };

  for (guint i = 0; i < n_partitions; i++)
    sets[i] = g_string_new (NULL);
  for (guint c = 0; c < 36; c++)
    {
      guint lightest = 0;

      for (guint i = 1; i < n_partitions; i++)
        if (weight[i] < weight[lightest])
          lightest = i;
      if (c < 26)
        {
          g_string_append_c (sets[lightest], (char) ('a' + c));
          g_string_append_c (sets[lightest], (char) ('A' + c));
          weight[lightest] += 2;
        }
      else
        {
          g_string_append_c (sets[lightest], (char) ('0' + c - 26));
          weight[lightest] += 1;
        }
    }
}

/* Part @index (every part from @index on, with @rest): in set @index and
 * in none of the sets before it. The last part, and a rest, is only "in
 * none of the sets before". */
static char *
part_formula (guint    n_partitions,
              guint    index,
              gboolean rest)
{
  GString *sets[HANGAR_FETCH_MAX_PARTITIONS];
  GString *formula = g_string_new (NULL);
  gboolean in = !rest && index < n_partitions - 1;
  guint n_terms = index + (in ? 1 : 0);

  part_sets (n_partitions, sets);
  if (n_terms > 1)
    g_string_append (formula, "AND(");
  for (guint j = 0; j < n_terms; j++)
    {
      gboolean positive = j == index;

      if (j > 0)
        g_string_append_c (formula, ',');
      g_string_append_printf (formula, "%sFIND(RIGHT(RECORD_ID(),1),\"%s\")%s",
                              positive ? "" : "NOT(", sets[j]->str, positive ? ">0" : ">0)");
    }
  if (n_terms > 1)
    g_string_append_c (formula, ')');
  for (guint i = 0; i < n_partitions; i++)
    g_string_free (sets[i], TRUE);
  return g_string_free (formula, FALSE);
}

/**
 * hangar_fetch_partition_formula:
 * @n_partitions: 2 to %HANGAR_FETCH_MAX_PARTITIONS
 * @index: the part, below @n_partitions
 *
 * Returns: (transfer full): the formula selecting part @index
 */
char *
hangar_fetch_partition_formula (guint n_partitions,
                                guint index)
{
  g_return_val_if_fail (n_partitions >= 2 && n_partitions <= HANGAR_FETCH_MAX_PARTITIONS, NULL);
  g_return_val_if_fail (index < n_partitions, NULL);

  return part_formula (n_partitions, index, FALSE);
}

/**
 * hangar_fetch_rest_formula:
 * @n_partitions: 2 to %HANGAR_FETCH_MAX_PARTITIONS
 * @first: 1 to @n_partitions − 1
 *
 * Returns: (transfer full): the formula selecting parts @first to
 *   @n_partitions − 1 together
 */
char *
hangar_fetch_rest_formula (guint n_partitions,
                           guint first)
{
  g_return_val_if_fail (n_partitions >= 2 && n_partitions <= HANGAR_FETCH_MAX_PARTITIONS, NULL);
  g_return_val_if_fail (first >= 1 && first < n_partitions, NULL);

  return part_formula (n_partitions, first, TRUE);
}

/**
 * hangar_fetch_partition_of_id:
 * @n_partitions: 2 to %HANGAR_FETCH_MAX_PARTITIONS
 * @record_id: a record id
 *
 * Returns: the part @record_id belongs to (a last character outside the 62
 *   letters and digits falls in the last part, as the formulas say), or
 *   %G_MAXUINT for an empty id
 */
guint
hangar_fetch_partition_of_id (guint       n_partitions,
                              const char *record_id)
{
  GString *sets[HANGAR_FETCH_MAX_PARTITIONS];
  gsize len;
  char last;
  guint part = n_partitions - 1;

  g_return_val_if_fail (n_partitions >= 2 && n_partitions <= HANGAR_FETCH_MAX_PARTITIONS, G_MAXUINT);

  len = record_id != NULL ? strlen (record_id) : 0;
  if (len == 0)
    return G_MAXUINT;
  last = record_id[len - 1];
  part_sets (n_partitions, sets);
  for (guint j = 0; j < n_partitions - 1; j++)
    if (strchr (sets[j]->str, last) != NULL)
      {
        part = j;
        break;
      }
  for (guint i = 0; i < n_partitions; i++)
    g_string_free (sets[i], TRUE);
  return part;
}

/* k for a round trip of @latency_us: enough cursors that the base's rate,
 * not the round trip, sets the pace. */
static guint
partitions_for_latency (HangarFetch *self,
                        gint64       latency_us)
{
  HangarScheduler *scheduler = hangar_client_get_scheduler (self->client);
  gint64 spacing = hangar_scheduler_get_base_spacing_us (scheduler);
  guint k;

  if (spacing <= 0)
    return 1;
  k = (guint) ceil ((double) (latency_us + PAGE_WORK_US) * ROUND_TRIP_HEADROOM / (double) spacing);
  k = CLAMP (k, 1, HANGAR_FETCH_MAX_PARTITIONS);
  if (self->expected > 0)
    k = MIN (k, MAX (1, (self->expected + PAGE_SIZE - 1) / PAGE_SIZE));
  return k;
}

/* ------------------------------------------------------------------------ */
/* Cursors                                                                   */

static void
cursor_free (gpointer data)
{
  Cursor *cursor = data;

  if (cursor->cancellable != NULL)
    g_cancellable_cancel (cursor->cancellable);
  g_clear_object (&cursor->cancellable);
  g_clear_pointer (&cursor->options, hangar_list_options_free);
  g_clear_pointer (&cursor->guard, hangar_page_guard_free);
  g_free (cursor->offset);
  g_free (cursor);
}

static Cursor *
cursor_new (HangarFetch *self,
            guint        index,
            gboolean     rest)
{
  Cursor *cursor = g_new0 (Cursor, 1);

  cursor->fetch = self;
  cursor->index = index;
  cursor->rest = rest;
  cursor->options = self->options != NULL ? hangar_list_options_copy (self->options) : hangar_list_options_new ();
  if (index != WHOLE)
    {
      g_autofree char *part = part_formula (self->n_partitions, index, cursor->rest);
      const char *own = hangar_list_options_get_formula (self->options != NULL ? self->options : cursor->options);

      if (own != NULL && *own != '\0')
        {
          g_autofree char *both = g_strdup_printf ("AND((%s),%s)", own, part);

          hangar_list_options_set_formula (cursor->options, both);
        }
      else
        hangar_list_options_set_formula (cursor->options, part);
    }
  cursor->guard = hangar_page_guard_new ();
  /* Records delivered before this cursor started may come again. */
  if (self->n_fetched > 0)
    hangar_page_guard_restart (cursor->guard, self->n_fetched);
  return cursor;
}

static void
cancel_cursor_request (Cursor *cursor)
{
  cursor->seq++;
  cursor->in_flight = FALSE;
  if (cursor->cancellable != NULL)
    g_cancellable_cancel (cursor->cancellable);
}

static void
fetch_return (HangarFetch *self,
              GError      *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  self->running = FALSE;
  self->generation++;
  for (guint i = 0; i < self->cursors->len; i++)
    cancel_cursor_request (g_ptr_array_index (self->cursors, i));
  g_clear_handle_id (&self->cancel_idle, g_source_remove);
  if (self->cancel_id != 0)
    g_cancellable_disconnect (self->cancellable, self->cancel_id);
  self->cancel_id = 0;
  g_clear_object (&self->cancellable);

  if (error == NULL)
    {
      self->complete = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETE]);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  if (task == NULL)
    {
      g_clear_error (&error);
      return;
    }
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Replaces every cursor with @k new ones (one over the whole table when
 * @k is 1) and starts them. */
static void
start_cursors (HangarFetch *self,
               guint        k)
{
  self->generation++;
  for (guint i = 0; i < self->cursors->len; i++)
    cancel_cursor_request (g_ptr_array_index (self->cursors, i));
  g_ptr_array_set_size (self->cursors, 0);

  if (self->n_partitions != k)
    {
      self->n_partitions = k;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PARTITIONS]);
    }
  self->started_us = g_get_monotonic_time ();
  self->n_cursors = MAX (k, 1);
  if (k <= 1)
    g_ptr_array_add (self->cursors, cursor_new (self, WHOLE, FALSE));
  else
    for (guint i = 0; i < k; i++)
      g_ptr_array_add (self->cursors, cursor_new (self, i, FALSE));
  g_debug ("Fetching %s/%s with %u cursor%s", self->base_id, self->table, k, k == 1 ? "" : "s");
  for (guint i = 0; i < self->cursors->len; i++)
    cursor_request (g_ptr_array_index (self->cursors, i), NULL);
}

static void
fall_back (HangarFetch *self,
           char        *reason)
{
  g_debug ("Partitioned fetch of %s/%s falls back to one cursor: %s", self->base_id, self->table, reason);
  g_free (self->fallback_reason);
  self->fallback_reason = reason;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FALLBACK_REASON]);
  start_cursors (self, 1);
}

static void
deliver (HangarFetch *self,
         GPtrArray   *records)
{
  if (records->len == 0)
    return;
  self->n_fetched += records->len;
  if (self->keep)
    {
      guint old = self->items->len;

      for (guint i = 0; i < records->len; i++)
        {
          HangarRecord *record = g_ptr_array_index (records, i);

          g_ptr_array_add (self->items, g_object_ref (record));
          g_hash_table_insert (self->by_id, (gpointer) hangar_record_get_id (record), record);
        }
      g_list_model_items_changed (G_LIST_MODEL (self), old, 0, records->len);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
    }
  if (self->page_func != NULL)
    self->page_func (self, records, self->page_data);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FETCHED]);
}

/* The fetch started before any round trip was measured, with the parts a
 * typical one needs. When the first answer shows a round trip so short
 * that one cursor keeps up with the base's rate, the parts whose first
 * request cannot have left yet are read by one cursor instead: fewer
 * last, partial pages. (Requests to a base leave in order and at least one
 * spacing apart, so cursor i's first one left no sooner than i spacings
 * after the start. Parts already asked for are kept: merging those whose
 * first requests are out would read their records twice, and a merged
 * rest larger than the others would be read alone at the end when one
 * cursor does not keep up — hence only when one does.) */
static void
trim (HangarFetch *self,
      Cursor      *answered)
{
  gint64 latency = hangar_client_get_latency_us (self->client, self->base_id);
  gint64 spacing = hangar_scheduler_get_base_spacing_us (hangar_client_get_scheduler (self->client));
  gint64 now = g_get_monotonic_time ();
  guint n = self->cursors->len;
  guint first = n;

  if (latency < 0 || n < 3 || partitions_for_latency (self, latency) > 1)
    return;
  while (first > 1 && self->started_us + (gint64) (first - 1) * spacing > now)
    first--;
  if (answered->index != WHOLE)
    first = MAX (first, answered->index + 1);
  if (first >= n - 1)
    return;
  g_debug ("A round trip of %" G_GINT64_FORMAT " ms: parts %u to %u of %s/%s are read by one cursor",
           latency / 1000, first + 1, n, self->base_id, self->table);
  for (guint i = first; i < n; i++)
    {
      Cursor *unsent = g_ptr_array_index (self->cursors, i);

      /* Kept (done) until the fetch ends: a dropped request still points to it. */
      cancel_cursor_request (unsent);
      unsent->done = TRUE;
    }
  g_ptr_array_add (self->cursors, cursor_new (self, first, TRUE));
  self->n_cursors = first + 1;
  cursor_request (g_ptr_array_index (self->cursors, n), NULL);
}

static void
cursor_failed (HangarFetch *self,
               Cursor      *cursor,
               GError      *error)
{
  if (g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_ITERATOR_EXPIRED) &&
      cursor->offset != NULL && cursor->n_restarts < MAX_RESTARTS)
    {
      g_debug ("A listing of %s/%s expired; its cursor starts again", self->base_id, self->table);
      g_error_free (error);
      cursor->n_restarts++;
      hangar_page_guard_restart (cursor->guard, self->n_fetched);
      cursor_request (cursor, NULL);
      return;
    }
  if (g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_FORMULA) && cursor->index != WHOLE)
    {
      /* The caller's own formula may be the one refused: the whole-table
       * cursor then fails with it, as a plain listing would. */
      fall_back (self, g_strdup_printf ("Airtable refused the partition formula (%s)", error->message));
      g_error_free (error);
      return;
    }
  fetch_return (self, error);
}

static gboolean
all_done (HangarFetch *self)
{
  for (guint i = 0; i < self->cursors->len; i++)
    if (!((Cursor *) g_ptr_array_index (self->cursors, i))->done)
      return FALSE;
  return TRUE;
}

static void
cursor_page (HangarFetch *self,
             Cursor      *cursor,
             GBytes      *body,
             guint        status)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) fresh = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *peeked = NULL;
  g_autofree char *offset = NULL;
  g_autofree char *wrong = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (body, &len);

  /* The first answer with no round trip known before: now there is one. */
  if (self->may_trim)
    {
      self->may_trim = FALSE;
      trim (self, cursor);
    }
  cursor->n_pages++;

  /* The next page first: the server works on it while this one is read. */
  if (data != NULL)
    {
      peeked = _hangar_record_page_peek_offset (data, len);
      /* (The same offset again is the page guard's to refuse, unasked.) */
      if (peeked != NULL && g_strcmp0 (peeked, cursor->offset) != 0)
        cursor_request (cursor, peeked);
      else
        g_clear_pointer (&peeked, g_free);
    }

  if (!_hangar_client_page_from_body (body, status, &records, &offset, &error))
    {
      fetch_return (self, g_steal_pointer (&error));
      return;
    }
  if (g_strcmp0 (peeked, offset) != 0)
    {
      cancel_cursor_request (cursor);
      if (offset != NULL)
        cursor_request (cursor, offset);
    }

  fresh = g_ptr_array_new ();
  for (guint i = 0; i < records->len && wrong == NULL; i++)
    {
      HangarRecord *record = g_ptr_array_index (records, i);
      const char *id = hangar_record_get_id (record);
      gpointer seen_in = NULL;

      if (cursor->index != WHOLE)
        {
          guint part = hangar_fetch_partition_of_id (self->n_partitions, id);

          if (part == G_MAXUINT || (cursor->rest ? part < cursor->index : part != cursor->index))
            {
              wrong = g_strdup_printf ("record %s came in part %u%s of %u, but its id belongs to part %u",
                                       id, cursor->index + 1, cursor->rest ? " and after" : "",
                                       self->n_partitions, part + 1);
              break;
            }
        }
      if (g_hash_table_lookup_extended (self->ids, id, NULL, &seen_in))
        {
          guint earlier = GPOINTER_TO_UINT (seen_in);

          if (cursor->index != WHOLE && earlier != 0 && earlier != cursor->index + 1)
            wrong = g_strdup_printf ("record %s came in two parts", id);
          continue;
        }
      g_ptr_array_add (fresh, record);
    }
  if (wrong != NULL)
    {
      fall_back (self, g_steal_pointer (&wrong));
      return;
    }
  if (!hangar_page_guard_check (cursor->guard, records->len, fresh->len, offset, &error))
    {
      fetch_return (self, g_steal_pointer (&error));
      return;
    }
  for (guint i = 0; i < fresh->len; i++)
    g_hash_table_insert (self->ids, g_strdup (hangar_record_get_id (g_ptr_array_index (fresh, i))),
                         GUINT_TO_POINTER (cursor->index == WHOLE ? 0 : cursor->index + 1));

  deliver (self, fresh);
  if (!self->running)
    return;   /* the page function cancelled it */

  if (offset == NULL)
    {
      cursor->done = TRUE;
      cancel_cursor_request (cursor);
      if (all_done (self))
        fetch_return (self, NULL);
    }
}

static void
page_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Request *request = user_data;
  g_autoptr(HangarFetch) self = request->fetch;
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;
  guint status = 0;
  Cursor *cursor = request->cursor;
  gboolean current;

  body = _hangar_client_list_page_raw_finish (HANGAR_CLIENT (object), result, &status, &error);
  current = self->running && request->generation == self->generation && request->seq == cursor->seq;
  g_free (request);
  if (!current)
    {
      g_clear_error (&error);
      return;
    }
  cursor->in_flight = FALSE;
  if (body == NULL)
    cursor_failed (self, cursor, error);
  else
    cursor_page (self, cursor, body, status);
}

static void
cursor_request (Cursor     *cursor,
                const char *offset)
{
  HangarFetch *self = cursor->fetch;
  Request *request = g_new0 (Request, 1);

  cancel_cursor_request (cursor);
  g_clear_object (&cursor->cancellable);
  cursor->cancellable = g_cancellable_new ();
  g_free (cursor->offset);
  cursor->offset = g_strdup (offset);
  cursor->in_flight = TRUE;

  request->fetch = g_object_ref (self);
  request->cursor = cursor;
  request->generation = self->generation;
  request->seq = cursor->seq;

  self->n_requests++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_REQUESTS]);
  _hangar_client_list_page_raw_async (self->client, self->base_id, self->table, cursor->options, offset,
                                      cursor->cancellable, page_cb, request);
}

/* ------------------------------------------------------------------------ */
/* Cancellation                                                              */

static gboolean
cancel_idle_cb (gpointer user_data)
{
  HangarFetch *self = user_data;

  self->cancel_idle = 0;
  if (self->running)
    fetch_return (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", "The fetch was cancelled"));
  return G_SOURCE_REMOVE;
}

/* Inside g_cancellable_cancel(): only schedule. */
static void
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  HangarFetch *self = user_data;

  if (self->cancel_idle == 0)
    self->cancel_idle = g_idle_add_full (G_PRIORITY_DEFAULT, cancel_idle_cb, g_object_ref (self), g_object_unref);
}

/* ------------------------------------------------------------------------ */
/* GListModel                                                                */

static GType
hangar_fetch_get_item_type (GListModel *model)
{
  return HANGAR_TYPE_RECORD;
}

static guint
hangar_fetch_get_n_items (GListModel *model)
{
  return HANGAR_FETCH (model)->items->len;
}

static gpointer
hangar_fetch_get_item (GListModel *model,
                       guint       position)
{
  HangarFetch *self = HANGAR_FETCH (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
hangar_fetch_model_init (GListModelInterface *iface)
{
  iface->get_item_type = hangar_fetch_get_item_type;
  iface->get_n_items = hangar_fetch_get_n_items;
  iface->get_item = hangar_fetch_get_item;
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */

static void
hangar_fetch_dispose (GObject *object)
{
  HangarFetch *self = HANGAR_FETCH (object);

  if (self->cursors != NULL)
    g_ptr_array_set_size (self->cursors, 0);
  if (self->page_destroy != NULL)
    self->page_destroy (self->page_data);
  self->page_func = NULL;
  self->page_destroy = NULL;
  self->page_data = NULL;
  g_clear_object (&self->client);

  G_OBJECT_CLASS (hangar_fetch_parent_class)->dispose (object);
}

static void
hangar_fetch_finalize (GObject *object)
{
  HangarFetch *self = HANGAR_FETCH (object);

  g_clear_pointer (&self->cursors, g_ptr_array_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->ids, g_hash_table_unref);
  g_clear_pointer (&self->options, hangar_list_options_free);
  g_free (self->fallback_reason);
  g_free (self->base_id);
  g_free (self->table);

  G_OBJECT_CLASS (hangar_fetch_parent_class)->finalize (object);
}

static void
hangar_fetch_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  HangarFetch *self = HANGAR_FETCH (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_BASE_ID:
      g_value_set_string (value, self->base_id);
      break;
    case PROP_TABLE:
      g_value_set_string (value, self->table);
      break;
    case PROP_OPTIONS:
      g_value_set_boxed (value, self->options);
      break;
    case PROP_PARTITIONS:
      g_value_set_uint (value, hangar_fetch_get_partitions (self));
      break;
    case PROP_KEEP_RECORDS:
      g_value_set_boolean (value, self->keep);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    case PROP_COMPLETE:
      g_value_set_boolean (value, self->complete);
      break;
    case PROP_N_FETCHED:
      g_value_set_uint (value, self->n_fetched);
      break;
    case PROP_N_REQUESTS:
      g_value_set_uint (value, self->n_requests);
      break;
    case PROP_FALLBACK_REASON:
      g_value_set_string (value, self->fallback_reason);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->items->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_fetch_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  HangarFetch *self = HANGAR_FETCH (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;
    case PROP_BASE_ID:
      self->base_id = g_value_dup_string (value);
      break;
    case PROP_TABLE:
      self->table = g_value_dup_string (value);
      break;
    case PROP_OPTIONS:
      self->options = g_value_dup_boxed (value);
      break;
    case PROP_PARTITIONS:
      hangar_fetch_set_partitions (self, g_value_get_uint (value));
      break;
    case PROP_KEEP_RECORDS:
      hangar_fetch_set_keep_records (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_fetch_class_init (HangarFetchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hangar_fetch_dispose;
  object_class->finalize = hangar_fetch_finalize;
  object_class->get_property = hangar_fetch_get_property;
  object_class->set_property = hangar_fetch_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, HANGAR_TYPE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BASE_ID] =
    g_param_spec_string ("base-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TABLE] =
    g_param_spec_string ("table", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OPTIONS] =
    g_param_spec_boxed ("options", NULL, NULL, HANGAR_TYPE_LIST_OPTIONS,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * HangarFetch:partitions:
   *
   * Before the fetch runs: how many parts to read at once, 0 (the default)
   * to choose from the measured round trip, 1 for one cursor in the
   * server's order. While it runs: the number of parts the table was cut
   * into (hangar_fetch_get_n_cursors() says how many cursors read them).
   */
  properties[PROP_PARTITIONS] =
    g_param_spec_uint ("partitions", NULL, NULL, 0, HANGAR_FETCH_MAX_PARTITIONS, 0,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /** HangarFetch:keep-records: whether the fetch is a #GListModel of its records (default %TRUE) */
  properties[PROP_KEEP_RECORDS] =
    g_param_spec_boolean ("keep-records", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_COMPLETE] =
    g_param_spec_boolean ("complete", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /** HangarFetch:n-fetched: records delivered so far (the progress) */
  properties[PROP_N_FETCHED] =
    g_param_spec_uint ("n-fetched", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /** HangarFetch:n-requests: page requests made (those a trim or a fallback cancelled included) */
  properties[PROP_N_REQUESTS] =
    g_param_spec_uint ("n-requests", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /** HangarFetch:fallback-reason: why the parts were given up for one cursor, or %NULL */
  properties[PROP_FALLBACK_REASON] =
    g_param_spec_string ("fallback-reason", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_fetch_init (HangarFetch *self)
{
  self->keep = TRUE;
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cursors = g_ptr_array_new_with_free_func (cursor_free);
}

/* ------------------------------------------------------------------------ */
/* Public API                                                                */

/**
 * hangar_fetch_new:
 * @client: the account's client
 * @base_id: the base
 * @table: a table id or name
 * @options: (nullable): list options (copied); a formula selects records,
 *   a sort, view or record cap makes the fetch use one cursor
 *
 * Returns: (transfer full): a fetch, not started
 */
HangarFetch *
hangar_fetch_new (HangarClient            *client,
                  const char              *base_id,
                  const char              *table,
                  const HangarListOptions *options)
{
  g_return_val_if_fail (HANGAR_IS_CLIENT (client), NULL);
  g_return_val_if_fail (base_id != NULL && table != NULL, NULL);

  return g_object_new (HANGAR_TYPE_FETCH,
                       "client", client,
                       "base-id", base_id,
                       "table", table,
                       "options", options,
                       NULL);
}

/**
 * hangar_fetch_set_partitions:
 * @n_partitions: 0 to choose from the round trip, 1 for one cursor in the
 *   server's order, or up to %HANGAR_FETCH_MAX_PARTITIONS
 */
void
hangar_fetch_set_partitions (HangarFetch *self,
                             guint        n_partitions)
{
  g_return_if_fail (HANGAR_IS_FETCH (self));
  g_return_if_fail (!self->running && !self->complete);

  n_partitions = MIN (n_partitions, HANGAR_FETCH_MAX_PARTITIONS);
  if (self->want_partitions == n_partitions)
    return;
  self->want_partitions = n_partitions;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PARTITIONS]);
}

guint
hangar_fetch_get_partitions (HangarFetch *self)
{
  g_return_val_if_fail (HANGAR_IS_FETCH (self), 0);
  return self->running || self->complete ? self->n_partitions : self->want_partitions;
}

/**
 * hangar_fetch_set_expected_records:
 * @n_records: about how many records the fetch will find (e.g. from the
 *   cache), 0 when unknown
 *
 * A fetch never uses more parts than the records fill pages: a table of
 * one page is read with one request.
 */
void
hangar_fetch_set_expected_records (HangarFetch *self,
                                   guint        n_records)
{
  g_return_if_fail (HANGAR_IS_FETCH (self));
  self->expected = n_records;
}

void
hangar_fetch_set_keep_records (HangarFetch *self,
                               gboolean     keep)
{
  g_return_if_fail (HANGAR_IS_FETCH (self));
  g_return_if_fail (!self->running);

  if (self->keep == !!keep)
    return;
  self->keep = !!keep;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEEP_RECORDS]);
}

gboolean
hangar_fetch_get_keep_records (HangarFetch *self)
{
  g_return_val_if_fail (HANGAR_IS_FETCH (self), FALSE);
  return self->keep;
}

/**
 * hangar_fetch_set_page_func:
 * @func: (nullable): called with each page's new records
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data
 */
void
hangar_fetch_set_page_func (HangarFetch         *self,
                            HangarFetchPageFunc  func,
                            gpointer             user_data,
                            GDestroyNotify       destroy)
{
  g_return_if_fail (HANGAR_IS_FETCH (self));

  if (self->page_destroy != NULL)
    self->page_destroy (self->page_data);
  self->page_func = func;
  self->page_data = user_data;
  self->page_destroy = destroy;
}

/** hangar_fetch_get_ordered: Returns: whether records come in the server's order (one cursor, no split) */
gboolean
hangar_fetch_get_ordered (HangarFetch *self)
{
  g_return_val_if_fail (HANGAR_IS_FETCH (self), FALSE);
  return self->ordered;
}

gboolean
hangar_fetch_get_running (HangarFetch *self)
{
  g_return_val_if_fail (HANGAR_IS_FETCH (self), FALSE);
  return self->running;
}

gboolean
hangar_fetch_get_complete (HangarFetch *self)
{
  g_return_val_if_fail (HANGAR_IS_FETCH (self), FALSE);
  return self->complete;
}

guint
hangar_fetch_get_n_fetched (HangarFetch *self)
{
  g_return_val_if_fail (HANGAR_IS_FETCH (self), 0);
  return self->n_fetched;
}

/**
 * hangar_fetch_get_n_cursors:
 *
 * Returns: how many cursors read the table: one per part, but one for the
 *   parts read together after a trim (see #HangarFetch), 0 before the run
 */
guint
hangar_fetch_get_n_cursors (HangarFetch *self)
{
  g_return_val_if_fail (HANGAR_IS_FETCH (self), 0);
  return self->n_cursors;
}

guint
hangar_fetch_get_n_requests (HangarFetch *self)
{
  g_return_val_if_fail (HANGAR_IS_FETCH (self), 0);
  return self->n_requests;
}

/** hangar_fetch_get_fallback_reason: Returns: (nullable): see #HangarFetch:fallback-reason */
const char *
hangar_fetch_get_fallback_reason (HangarFetch *self)
{
  g_return_val_if_fail (HANGAR_IS_FETCH (self), NULL);
  return self->fallback_reason;
}

/**
 * hangar_fetch_lookup:
 * @record_id: a record id
 *
 * Returns: (transfer none) (nullable): the record, when the fetch keeps its
 *   records and delivered it
 */
HangarRecord *
hangar_fetch_lookup (HangarFetch *self,
                     const char  *record_id)
{
  g_return_val_if_fail (HANGAR_IS_FETCH (self), NULL);

  return g_hash_table_lookup (self->by_id, record_id);
}

/**
 * hangar_fetch_run_async:
 * @self: a fetch that did not run yet
 * @cancellable: (nullable): stops every cursor
 * @callback: called once every record was delivered, or on the first error
 * @user_data: data for @callback
 *
 * Runs the fetch once. Records delivered before an error stay delivered.
 */
void
hangar_fetch_run_async (HangarFetch         *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  guint k;

  g_return_if_fail (HANGAR_IS_FETCH (self));
  g_return_if_fail (!self->running && !self->complete && self->task == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_fetch_run_async);
  g_task_set_check_cancellable (task, FALSE);
  self->task = g_steal_pointer (&task);
  self->running = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);

  if (cancellable != NULL)
    {
      self->cancellable = g_object_ref (cancellable);
      self->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), self, NULL);
    }

  if (hangar_list_options_get_ordered (self->options) || self->want_partitions == 1 ||
      (self->expected > 0 && self->expected <= PAGE_SIZE))
    {
      self->ordered = TRUE;
      k = 1;
    }
  else if (self->want_partitions > 1)
    k = self->want_partitions;
  else if (!hangar_client_get_pacing (self->client))
    k = 1;   /* no rate to fill: one cursor, its next page always in flight */
  else
    {
      gint64 latency = hangar_client_get_latency_us (self->client, self->base_id);

      if (latency < 0)
        latency = hangar_scheduler_get_shared_latency_us (hangar_client_get_scheduler (self->client),
                                                          self->base_id);
      if (latency < 0)
        {
          /* Waiting for a first answer to measure would cost a round trip
           * with the rate unused: start with what a typical round trip
           * needs, and trim when the first answer comes. */
          k = partitions_for_latency (self, ASSUMED_ROUND_TRIP_US);
          self->may_trim = k > 1;
        }
      else
        k = partitions_for_latency (self, latency);
    }
  start_cursors (self, k);
}

gboolean
hangar_fetch_run_finish (HangarFetch   *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (HANGAR_IS_FETCH (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- hangar_client_fetch_all ---- */

static void
fetch_all_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HangarFetch *fetch = HANGAR_FETCH (object);
  GError *error = NULL;

  if (!hangar_fetch_run_finish (fetch, result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_int (task, hangar_fetch_get_n_fetched (fetch));
}

/**
 * hangar_client_fetch_all_async:
 * @client: a #HangarClient
 * @base_id: the base
 * @table: a table id or name
 * @options: (nullable): list options (see hangar_fetch_new())
 * @page_func: called with each page's new records as they arrive
 * @page_data: data for @page_func
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when every record was delivered, or on an error
 * @user_data: data for @callback
 *
 * Every record of @table, partitioned as #HangarFetch describes, streamed
 * to @page_func; nothing is kept.
 */
void
hangar_client_fetch_all_async (HangarClient            *client,
                               const char              *base_id,
                               const char              *table,
                               const HangarListOptions *options,
                               HangarFetchPageFunc      page_func,
                               gpointer                 page_data,
                               GCancellable            *cancellable,
                               GAsyncReadyCallback      callback,
                               gpointer                 user_data)
{
  g_autoptr(HangarFetch) fetch = NULL;
  GTask *task;

  g_return_if_fail (HANGAR_IS_CLIENT (client));

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_client_fetch_all_async);
  g_task_set_check_cancellable (task, FALSE);
  fetch = hangar_fetch_new (client, base_id, table, options);
  hangar_fetch_set_keep_records (fetch, FALSE);
  hangar_fetch_set_page_func (fetch, page_func, page_data, NULL);
  hangar_fetch_run_async (fetch, cancellable, fetch_all_done_cb, task);
}

/**
 * hangar_client_fetch_all_finish:
 * @out_n_records: (out) (optional): how many records were delivered
 *
 * Returns: %TRUE when every record was delivered
 */
gboolean
hangar_client_fetch_all_finish (HangarClient  *client,
                                GAsyncResult  *result,
                                guint         *out_n_records,
                                GError       **error)
{
  gssize n;

  g_return_val_if_fail (g_task_is_valid (result, client), FALSE);

  n = g_task_propagate_int (G_TASK (result), error);
  if (n < 0)
    return FALSE;
  if (out_n_records != NULL)
    *out_n_records = (guint) n;
  return TRUE;
}
