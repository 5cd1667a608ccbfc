/* test-client-fetch.c — HangarFetch: every record, in parts, exactly once
 *
 * Against real sandboxes (and, for an answer that ignores the formula, the
 * hostile server): tables whose ids are skewed — one shared prefix, the
 * last character drawn from a few values that differ only in case — read
 * in parts, by a server that compares text with or without case; the
 * fallback to one cursor when the server refuses the formula or answers
 * each part with the same records; the caller's formula ANDed in; the
 * next page asked for before the current one is delivered; cancellation.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "test-client-common.h"

/* 62 × 8 ids "recSKEWSKEWSKEW" + one of 62 + one of these: they share 13
 * characters, and the last one (the one parts are cut by) takes 8 values
 * in 4 pairs that differ only in case. */
static const char last_chars[] = "qQzZaA0m";
#define N_SKEWED (62 * 8)

static const char alnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/* Makes the skewed records in @table (a table of the demo base with a
 * "Title"): every tenth one titled "skip", the others "keep". */
static GHashTable *
make_skewed (HangarTestSandbox *sandbox,
             const char        *base_id,
             const char        *table)
{
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint chunk = 0; chunk < 62; chunk += 31)
    {
      g_autoptr(GString) body = g_string_new (NULL);

      g_string_append_printf (body, "{\"base\":\"%s\",\"table\":\"%s\",\"create\":[", base_id, table);
      for (guint i = chunk; i < chunk + 31; i++)
        for (guint j = 0; j < 8; j++)
          {
            g_autofree char *id = g_strdup_printf ("recSKEWSKEWSKEW%c%c", alnum[i], last_chars[j]);
            guint n = g_hash_table_size (ids);

            g_string_append_printf (body, "%s{\"id\":\"%s\",\"fields\":{\"Title\":\"%s\"}}",
                                    i == chunk && j == 0 ? "" : ",", id, n % 10 == 0 ? "skip" : "keep");
            g_hash_table_add (ids, g_steal_pointer (&id));
          }
      g_string_append (body, "]}");
      hangar_test_sandbox_control (sandbox, "/__sandbox/edit", body->str);
    }
  g_assert_cmpuint (g_hash_table_size (ids), ==, N_SKEWED);
  return ids;
}

static HangarFetch *
run_fetch (HangarClient            *client,
           const char              *base_id,
           const char              *table,
           const HangarListOptions *options,
           guint                    partitions,
           GError                 **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  HangarFetch *fetch = hangar_fetch_new (client, base_id, table, options);

  hangar_fetch_set_partitions (fetch, partitions);
  hangar_fetch_run_async (fetch, NULL, hangar_test_result_cb, &result);
  if (!hangar_fetch_run_finish (fetch, hangar_test_wait_result (&result), error))
    g_assert_true (error == NULL || *error != NULL);
  return fetch;
}

/* Every record of the fetch once, and exactly @expected (ids of the table,
 * those titled "skip" left out when @only_keep). */
static void
assert_exactly (HangarFetch *fetch,
                GHashTable  *table_ids,
                guint        n_other,
                gboolean     only_keep)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (fetch));
  guint skewed = 0;

  g_assert_cmpuint (hangar_fetch_get_n_fetched (fetch), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HangarRecord) record = g_list_model_get_item (G_LIST_MODEL (fetch), i);
      const char *id = hangar_record_get_id (record);
      JsonNode *title = hangar_record_get_field (record, "Title");

      g_assert_true (g_hash_table_add (seen, (gpointer) id));   /* no id twice */
      g_assert_true (hangar_fetch_lookup (fetch, id) == record);
      if (g_hash_table_contains (table_ids, id))
        skewed++;
      if (only_keep)
        g_assert_cmpstr (title != NULL ? json_node_get_string (title) : "", !=, "skip");
    }
  /* none missing */
  if (only_keep)
    {
      guint keep = 0;

      for (guint i = 0; i < N_SKEWED; i++)
        if (i % 10 != 0)
          keep++;
      g_assert_cmpuint (skewed, ==, keep);
    }
  else
    {
      g_assert_cmpuint (skewed, ==, N_SKEWED);
      g_assert_cmpuint (n, ==, N_SKEWED + n_other);
    }
}

static void
test_partitions (void)
{
  /* Every character is in exactly one part, with its other case, for any k. */
  for (guint k = 2; k <= HANGAR_FETCH_MAX_PARTITIONS; k++)
    {
      guint counts[HANGAR_FETCH_MAX_PARTITIONS] = { 0 };

      for (const char *c = alnum; *c != '\0'; c++)
        {
          char id[] = "recXXXXXXXXXXXXXX";
          char other[] = "recXXXXXXXXXXXXXX";
          guint part;

          id[16] = *c;
          other[16] = g_ascii_isupper (*c) ? g_ascii_tolower (*c) : g_ascii_toupper (*c);
          part = hangar_fetch_partition_of_id (k, id);
          g_assert_cmpuint (part, <, k);
          g_assert_cmpuint (hangar_fetch_partition_of_id (k, other), ==, part);
          counts[part]++;
        }
      for (guint i = 0; i < k; i++)
        {
          g_autofree char *formula = hangar_fetch_partition_formula (k, i);

          g_assert_cmpuint (counts[i], >=, 62 / k - 2);   /* about even */
          g_assert_nonnull (strstr (formula, "RECORD_ID()"));
        }
    }
  /* every part from one on, together: the tests of the parts before it only */
  for (guint k = 2; k <= HANGAR_FETCH_MAX_PARTITIONS; k++)
    for (guint first = 1; first < k; first++)
      {
        g_autofree char *rest = hangar_fetch_rest_formula (k, first);
        g_autofree char *last = hangar_fetch_partition_formula (k, k - 1);
        guint n_not = 0;

        for (const char *p = rest; (p = strstr (p, "NOT(")) != NULL; p++)
          n_not++;
        g_assert_cmpuint (n_not, ==, first);
        g_assert_nonnull (strstr (rest, "RECORD_ID()"));
        if (first == k - 1)
          g_assert_cmpstr (rest, ==, last);
      }
  /* a last character outside the 62 falls in the last part, as the formulas say */
  g_assert_cmpuint (hangar_fetch_partition_of_id (4, "rec-"), ==, 3);
  g_assert_cmpuint (hangar_fetch_partition_of_id (4, ""), ==, G_MAXUINT);
}

/* Skewed ids read in 2 to 8 parts, by a server that compares text with
 * case and by one that does not: every record exactly once, no fallback. */
static void
test_skewed_ids (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--no-rate-limit", "--quiet", NULL);
  g_autoptr(HangarClient) client = tc_client_new (sandbox, NULL, NULL, FALSE);
  g_autofree char *base_id = tc_find_base (client, "Product Roadmap");
  g_autoptr(GHashTable) ids = NULL;
  guint n_other;

  ids = make_skewed (sandbox, base_id, "Tasks");
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(HangarFetch) all = run_fetch (client, base_id, "Tasks", NULL, 1, &error);

    g_assert_no_error (error);
    n_other = hangar_fetch_get_n_fetched (all) - N_SKEWED;
    g_assert_true (hangar_fetch_get_ordered (all));
  }

  for (guint fold = 0; fold < 2; fold++)
    {
      hangar_test_sandbox_control (sandbox, "/__sandbox/formula",
                                   fold ? "{\"case_insensitive\":true}" : "{\"case_insensitive\":false}");
      for (guint k = 2; k <= HANGAR_FETCH_MAX_PARTITIONS; k += 2)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(HangarFetch) fetch = run_fetch (client, base_id, "Tasks", NULL, k, &error);

          g_assert_no_error (error);
          g_assert_cmpuint (hangar_fetch_get_partitions (fetch), ==, k);
          g_assert_cmpstr (hangar_fetch_get_fallback_reason (fetch), ==, NULL);
          g_assert_false (hangar_fetch_get_ordered (fetch));
          g_assert_cmpuint (hangar_fetch_get_n_requests (fetch), >=, k);
          assert_exactly (fetch, ids, n_other, FALSE);
        }
    }

  /* the caller's own formula is ANDed with each part's */
  {
    g_autoptr(HangarListOptions) options = hangar_list_options_new ();
    g_autoptr(GError) error = NULL;
    g_autoptr(HangarFetch) fetch = NULL;

    hangar_list_options_set_formula (options, "{Title}='keep'");
    fetch = run_fetch (client, base_id, "Tasks", options, 3, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (hangar_fetch_get_fallback_reason (fetch), ==, NULL);
    assert_exactly (fetch, ids, 0, TRUE);
    g_assert_cmpuint (hangar_fetch_get_n_fetched (fetch), ==, N_SKEWED - N_SKEWED / 10 - (N_SKEWED % 10 != 0));
  }

  /* a sort, a view or a cap keep one cursor, whatever was asked */
  {
    g_autoptr(HangarListOptions) options = hangar_list_options_new ();
    g_autoptr(GError) error = NULL;
    g_autoptr(HangarFetch) fetch = NULL;

    hangar_list_options_add_sort (options, "Title", FALSE);
    fetch = run_fetch (client, base_id, "Tasks", options, 4, &error);
    g_assert_no_error (error);
    g_assert_true (hangar_fetch_get_ordered (fetch));
    g_assert_cmpuint (hangar_fetch_get_partitions (fetch), ==, 1);
  }
}

/* The ids a fetch of one cursor with @formula (the caller's own) finds. */
static GHashTable *
ids_matching (HangarClient *client,
              const char   *base_id,
              const char   *formula)
{
  g_autoptr(HangarListOptions) options = hangar_list_options_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarFetch) fetch = NULL;
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  hangar_list_options_set_formula (options, formula);
  fetch = run_fetch (client, base_id, "Tasks", options, 1, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (fetch)); i++)
    {
      g_autoptr(HangarRecord) record = g_list_model_get_item (G_LIST_MODEL (fetch), i);

      g_assert_true (g_hash_table_add (ids, g_strdup (hangar_record_get_id (record))));
    }
  return ids;
}

/* A rest — every part from one on, read by one cursor after a trim —
 * selects exactly the records of those parts, on skewed ids, whether the
 * server compares text with or without case. */
static void
test_rest_of_parts (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--no-rate-limit", "--quiet", NULL);
  g_autoptr(HangarClient) client = tc_client_new (sandbox, NULL, NULL, FALSE);
  g_autofree char *base_id = tc_find_base (client, "Product Roadmap");
  g_autoptr(GHashTable) skewed = make_skewed (sandbox, base_id, "Tasks");
  g_autoptr(GHashTable) all = ids_matching (client, base_id, "TRUE()");

  g_assert_cmpuint (g_hash_table_size (all), >, N_SKEWED);
  for (guint fold = 0; fold < 2; fold++)
    {
      hangar_test_sandbox_control (sandbox, "/__sandbox/formula",
                                   fold ? "{\"case_insensitive\":true}" : "{\"case_insensitive\":false}");
      for (guint k = 2; k <= HANGAR_FETCH_MAX_PARTITIONS; k++)
        for (guint first = 1; first < k; first++)
          {
            g_autofree char *formula = hangar_fetch_rest_formula (k, first);
            g_autoptr(GHashTable) found = ids_matching (client, base_id, formula);
            GHashTableIter iter;
            const char *id;
            guint expected = 0;

            g_hash_table_iter_init (&iter, all);
            while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
              {
                gboolean in_rest = hangar_fetch_partition_of_id (k, id) >= first;

                if (in_rest)
                  expected++;
                if (in_rest != g_hash_table_contains (found, id))
                  g_error ("%u parts, from %u on: %s %s", k, first, id, in_rest ? "missing" : "found");
              }
            g_assert_cmpuint (g_hash_table_size (found), ==, expected);
          }
    }
}

/* Pages of each part: a part of n records takes ceil(n / 100) requests,
 * an empty one one. */
static guint
pages_of (guint n)
{
  return MAX (1, (n + 99) / 100);
}

/* With no round trip known (a new process, nothing in the shared budget
 * file) a paced fetch starts at once with the parts a typical round trip
 * needs. On loopback the first answer comes before the second part's
 * request may leave, shows that one cursor keeps up, and the parts not
 * asked for yet are read together by one cursor: every record once, and
 * exactly the requests the parts read need. (Should the first answer come
 * late, the parts are all read as they are: the same checks hold.) */
static void
test_unknown_round_trip (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--no-rate-limit", "--quiet", NULL);
  g_autoptr(HangarClient) lister = tc_client_new (sandbox, NULL, NULL, FALSE);
  g_autofree char *base_id = tc_find_base (lister, "Product Roadmap");
  g_autoptr(GHashTable) skewed = make_skewed (sandbox, base_id, "Tasks");
  g_autoptr(GHashTable) all = ids_matching (lister, base_id, "TRUE()");
  /* 3 requests a second to a base: 343 ms between two, three parts for a
   * round trip of 600 ms. */
  g_autoptr(HangarScheduler) scheduler = hangar_scheduler_new ();
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(HangarFetch) fetch = NULL;
  g_autoptr(GError) error = NULL;
  guint per_part[HANGAR_FETCH_MAX_PARTITIONS] = { 0 };
  guint k, n_cursors, requests = 0;
  GHashTableIter iter;
  const char *id;

  hangar_scheduler_set_base_rate (scheduler, 3.0);
  client = tc_client_new (sandbox, NULL, scheduler, TRUE);
  g_assert_cmpint (hangar_client_get_latency_us (client, base_id), <, 0);
  hangar_test_sandbox_control (sandbox, "/__sandbox/reset-stats", "{}");
  fetch = run_fetch (client, base_id, "Tasks", NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hangar_fetch_get_fallback_reason (fetch), ==, NULL);
  assert_exactly (fetch, skewed, g_hash_table_size (all) - N_SKEWED, FALSE);

  k = hangar_fetch_get_partitions (fetch);
  n_cursors = hangar_fetch_get_n_cursors (fetch);
  g_assert_cmpuint (k, >=, 3);
  g_assert_cmpuint (n_cursors, >=, 2);
  g_assert_cmpuint (n_cursors, <=, k);
  g_test_message ("%u parts, read by %u cursors", k, n_cursors);
  g_hash_table_iter_init (&iter, all);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    per_part[MIN (hangar_fetch_partition_of_id (k, id), n_cursors - 1)]++;
  for (guint i = 0; i < n_cursors; i++)
    requests += pages_of (per_part[i]);
  g_assert_cmpint (hangar_test_sandbox_stat (sandbox, "requests"), ==, requests);
}

/* A server that does not know FIND(): the parts are refused, the fetch
 * reads the table with one cursor instead. A formula of the caller's that
 * is itself wrong fails as it would without parts. */
static void
test_refused_formula (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--no-rate-limit", "--quiet", "--generate",
                                                                     "Refused:700", NULL);
  g_autoptr(HangarClient) client = tc_client_new (sandbox, NULL, NULL, FALSE);
  g_autofree char *base_id = tc_find_base (client, "Refused");
  g_autoptr(GHashTable) none = g_hash_table_new (g_str_hash, g_str_equal);

  hangar_test_sandbox_control (sandbox, "/__sandbox/formula", "{\"disabled_functions\":[\"FIND\"]}");
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(HangarFetch) fetch = run_fetch (client, base_id, "Records", NULL, 4, &error);
    g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

    g_assert_no_error (error);
    g_assert_nonnull (hangar_fetch_get_fallback_reason (fetch));
    g_assert_nonnull (strstr (hangar_fetch_get_fallback_reason (fetch), "refused"));
    g_assert_cmpuint (hangar_fetch_get_n_fetched (fetch), ==, 700);
    for (guint i = 0; i < 700; i++)
      {
        g_autoptr(HangarRecord) record = g_list_model_get_item (G_LIST_MODEL (fetch), i);

        g_assert_true (g_hash_table_add (seen, (gpointer) hangar_record_get_id (record)));
      }
  }
  {
    g_autoptr(HangarListOptions) options = hangar_list_options_new ();
    g_autoptr(GError) error = NULL;
    g_autoptr(HangarFetch) fetch = NULL;

    hangar_test_sandbox_control (sandbox, "/__sandbox/formula", "{\"disabled_functions\":[]}");
    hangar_list_options_set_formula (options, "NOT_A_FUNCTION({Name})");
    fetch = run_fetch (client, base_id, "Records", options, 4, &error);
    g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_FORMULA);
    g_assert_cmpuint (hangar_fetch_get_n_fetched (fetch), ==, 0);
  }
  (void) none;
}

/* A server that ignores the formula answers every part with the same
 * records: records in parts their ids do not belong to, or twice. The
 * fetch gives the parts up and reads the table with one cursor: one
 * record, once. */
static void
test_parts_look_wrong (gconstpointer data)
{
  const char *argv0 = data;
  g_autofree char *dir = g_path_get_dirname (argv0);
  g_autofree char *exe = g_build_filename (dir, "hostile-server", NULL);
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(JsonNode) info = NULL;
  g_autofree char *line = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarTokenSource) source = hangar_static_token_source_new ("patHostileTest0001.x");
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(HangarFetch) fetch = NULL;

  server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, exe, NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  line = g_data_input_stream_read_line (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  info = hangar_json_parse (line, -1, 0, NULL, &error);
  g_assert_no_error (error);
  url = g_strconcat (json_object_get_string_member (json_node_get_object (info), "url"), "/ok", NULL);
  client = g_object_new (HANGAR_TYPE_CLIENT, "api-url", url, "token-source", source,
                         "scheduler", NULL, "pacing", FALSE, NULL);

  fetch = run_fetch (client, "appHostileBase001", "tblHostileTable01", NULL, 3, &error);
  g_assert_no_error (error);
  g_assert_nonnull (hangar_fetch_get_fallback_reason (fetch));
  g_assert_cmpuint (hangar_fetch_get_n_fetched (fetch), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fetch)), ==, 1);
  g_output_stream_close (g_subprocess_get_stdin_pipe (server), NULL, NULL);
  g_subprocess_wait (server, NULL, NULL);
}

typedef struct
{
  HangarTestSandbox *sandbox;
  guint              pages;
  guint              asked_before_delivered;
} Overlap;

static void
overlap_page_cb (HangarFetch *fetch,
                 GPtrArray   *records,
                 gpointer     user_data)
{
  Overlap *overlap = user_data;

  overlap->pages++;
  /* the request for the next page is already counted when this one arrives */
  if (hangar_fetch_get_n_requests (fetch) > overlap->pages)
    overlap->asked_before_delivered++;
}

/* One cursor asks for page n + 1 before page n reaches the caller. */
static void
test_next_page_first (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--no-rate-limit", "--quiet", "--generate",
                                                                     "Overlap:1000", NULL);
  g_autoptr(HangarClient) client = tc_client_new (sandbox, NULL, NULL, FALSE);
  g_autofree char *base_id = tc_find_base (client, "Overlap");
  g_autoptr(HangarFetch) fetch = hangar_fetch_new (client, base_id, "Records", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Overlap overlap = { sandbox, 0, 0 };

  hangar_fetch_set_partitions (fetch, 1);
  hangar_fetch_set_keep_records (fetch, FALSE);
  hangar_fetch_set_page_func (fetch, overlap_page_cb, &overlap, NULL);
  hangar_fetch_run_async (fetch, NULL, hangar_test_result_cb, &result);
  g_assert_true (hangar_fetch_run_finish (fetch, hangar_test_wait_result (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hangar_fetch_get_n_fetched (fetch), ==, 1000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fetch)), ==, 0);
  g_assert_cmpuint (overlap.pages, ==, 10);
  /* every page but the last had its successor asked for already */
  g_assert_cmpuint (overlap.asked_before_delivered, ==, 9);
  g_assert_cmpuint (hangar_fetch_get_n_requests (fetch), ==, 10);
}

typedef struct
{
  GCancellable *cancellable;
  guint         pages;
  guint         pages_after_cancel;
} Cancel;

static void
cancel_page_cb (HangarFetch *fetch,
                GPtrArray   *records,
                gpointer     user_data)
{
  Cancel *cancel = user_data;

  if (g_cancellable_is_cancelled (cancel->cancellable))
    cancel->pages_after_cancel++;
  cancel->pages++;
  if (cancel->pages == 1)
    g_cancellable_cancel (cancel->cancellable);
}

/* Cancelled after its first page, a fetch in 4 parts under latency stops
 * every cursor: it fails with CANCELLED, delivers no page after that, is
 * no longer running, and leaves no request of its own held at the server. */
static void
test_cancel (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--no-rate-limit", "--quiet", "--latency", "150",
                                                                     "--generate", "Cancel:3000", NULL);
  g_autoptr(HangarClient) client = tc_client_new (sandbox, NULL, NULL, FALSE);
  g_autofree char *base_id = tc_find_base (client, "Cancel");
  g_autoptr(HangarFetch) fetch = hangar_fetch_new (client, base_id, "Records", NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Cancel cancel = { cancellable, 0, 0 };
  gint64 deadline;

  hangar_fetch_set_partitions (fetch, 4);
  hangar_fetch_set_page_func (fetch, cancel_page_cb, &cancel, NULL);
  hangar_fetch_run_async (fetch, cancellable, hangar_test_result_cb, &result);
  g_assert_false (hangar_fetch_run_finish (fetch, hangar_test_wait_result (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (hangar_fetch_get_running (fetch));
  g_assert_false (hangar_fetch_get_complete (fetch));
  g_assert_cmpuint (cancel.pages, ==, 1);
  g_assert_cmpuint (cancel.pages_after_cancel, ==, 0);
  g_assert_cmpuint (hangar_fetch_get_n_fetched (fetch), <, 3000);

  /* the cursors' requests were dropped: once the latency has passed,
   * nothing is held, and no cursor wakes up to ask again */
  {
    gint64 requests, until;

    deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
    while (hangar_test_sandbox_stat (sandbox, "in_flight") > 0 && g_get_monotonic_time () < deadline)
      g_usleep (20 * 1000);
    g_assert_cmpint (hangar_test_sandbox_stat (sandbox, "in_flight"), ==, 0);
    requests = hangar_test_sandbox_stat (sandbox, "requests");
    until = g_get_monotonic_time () + 500 * 1000;
    while (g_get_monotonic_time () < until)
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (5000);
    g_assert_cmpint (hangar_test_sandbox_stat (sandbox, "requests"), ==, requests);
    g_assert_cmpuint (cancel.pages, ==, 1);
  }
}

/* No libsoup release is known to restart a message safely (src/api/README.md,
 * "libsoup restarts"), so every request of a fetch in parts, however many
 * run at once, goes on a connection of its own, which the server sees. */
static void
test_connection_per_request (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--no-rate-limit", "--quiet", "--generate",
                                                                     "Connections:1200", NULL);
  g_autoptr(HangarClient) client = tc_client_new (sandbox, NULL, NULL, FALSE);
  g_autofree char *base_id = tc_find_base (client, "Connections");
  g_autoptr(HangarFetch) fetch = NULL;
  g_autoptr(GError) error = NULL;

  hangar_test_sandbox_control (sandbox, "/__sandbox/reset-stats", "{}");
  fetch = run_fetch (client, base_id, "Records", NULL, 4, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hangar_fetch_get_n_fetched (fetch), ==, 1200);
  g_assert_cmpint (hangar_test_sandbox_stat (sandbox, "requests"), ==, hangar_fetch_get_n_requests (fetch));
  g_assert_cmpint (hangar_test_sandbox_stat (sandbox, "connections"), ==, hangar_fetch_get_n_requests (fetch));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();

  g_test_add_func ("/hangar/api/client/fetch/partitions", test_partitions);
  g_test_add_func ("/hangar/api/client/fetch/skewed-ids", test_skewed_ids);
  g_test_add_func ("/hangar/api/client/fetch/rest-of-parts", test_rest_of_parts);
  g_test_add_func ("/hangar/api/client/fetch/unknown-round-trip", test_unknown_round_trip);
  g_test_add_func ("/hangar/api/client/fetch/refused-formula", test_refused_formula);
  g_test_add_data_func ("/hangar/api/client/fetch/parts-look-wrong", argv[0], test_parts_look_wrong);
  g_test_add_func ("/hangar/api/client/fetch/next-page-first", test_next_page_first);
  g_test_add_func ("/hangar/api/client/fetch/cancel", test_cancel);
  g_test_add_func ("/hangar/api/client/fetch/connection-per-request", test_connection_per_request);
  return g_test_run ();
}
