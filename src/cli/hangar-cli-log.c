/* hangar-cli-log.c — hangar-cli log: the request log of the connected accounts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hangar-auth.h"
#include "hangar-cli.h"
#include "hangar-request-log.h"

typedef struct
{
  HangarRequestLogEntry *entry;
  const char            *label;   /* the account's */
} Row;

/* "30s", "15m", "2h", "7d", "1w" ago, or an ISO 8601 date or date-time
 * (local time unless it names a zone). Milliseconds since the epoch, or -1. */
static gint64
parse_since (const char *text)
{
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  char *end = NULL;
  guint64 amount;

  if (text == NULL || *text == '\0')
    return -1;

  if (g_ascii_isdigit (text[0]))
    {
      amount = g_ascii_strtoull (text, &end, 10);
      if (end != NULL && end != text && end[0] != '\0' && end[1] == '\0' && amount < G_MAXINT32)
        {
          gint64 unit = end[0] == 's' ? 1 : end[0] == 'm' ? 60 : end[0] == 'h' ? 3600 :
                        end[0] == 'd' ? 86400 : end[0] == 'w' ? 7 * 86400 : 0;

          if (unit > 0)
            return g_get_real_time () / 1000 - (gint64) amount * unit * 1000;
        }
    }

  when = g_date_time_new_from_iso8601 (text, local);
  if (when == NULL && strlen (text) == 10)
    {
      /* A date alone: from its local midnight. */
      g_autofree char *midnight = g_strconcat (text, "T00:00:00", NULL);

      when = g_date_time_new_from_iso8601 (midnight, local);
    }
  if (when == NULL)
    return -1;
  return g_date_time_to_unix (when) * 1000 + g_date_time_get_microsecond (when) / 1000;
}

static char *
format_local_time (gint64 time_ms)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (time_ms / 1000);
  g_autofree char *text = NULL;

  if (when == NULL)
    return g_strdup ("?");
  text = g_date_time_format (when, "%Y-%m-%d %H:%M:%S");
  return g_strdup_printf ("%s.%03d", text, (int) (time_ms % 1000));
}

static char *
format_utc_time (gint64 time_ms)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (time_ms / 1000);
  g_autofree char *text = NULL;

  if (when == NULL)
    return g_strdup ("?");
  text = g_date_time_format (when, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%03dZ", text, (int) (time_ms % 1000));
}

static char *
format_ms (gint64 us)
{
  if (us < 10000)
    return g_strdup_printf ("%.1f ms", us / 1000.0);
  return g_strdup_printf ("%" G_GINT64_FORMAT " ms", (us + 500) / 1000);
}

static void
print_text (const Row *row)
{
  HangarRequestLogEntry *e = row->entry;
  g_autofree char *time = format_local_time (hangar_request_log_entry_get_time_ms (e));
  g_autofree char *duration = format_ms (hangar_request_log_entry_get_duration_us (e));
  g_autoptr(GString) extra = g_string_new (NULL);
  g_autofree char *status = NULL;

  /* A free slot takes a few µs to hand out: only a real wait is shown. */
  if (hangar_request_log_entry_get_wait_us (e) >= 1000)
    {
      g_autofree char *wait = format_ms (hangar_request_log_entry_get_wait_us (e));

      g_string_append_printf (extra, "  waited %s", wait);
    }
  if (hangar_request_log_entry_get_retries (e) > 0)
    g_string_append_printf (extra, "  %u %s", hangar_request_log_entry_get_retries (e),
                            hangar_request_log_entry_get_retries (e) == 1 ? "retry" : "retries");
  if (hangar_request_log_entry_get_error_type (e) != NULL)
    g_string_append_printf (extra, "  %s", hangar_request_log_entry_get_error_type (e));

  status = hangar_request_log_entry_get_status (e) > 0
    ? g_strdup_printf ("%u", hangar_request_log_entry_get_status (e)) : g_strdup ("---");
  /* Through hangar_cli_print_line: a path or type that came from elsewhere
   * cannot drive the terminal. */
  hangar_cli_print_line ("%s  %s  %-4s %-6s %s  %8s  %s%s", time, row->label,
                         hangar_request_log_entry_get_source (e), hangar_request_log_entry_get_method (e),
                         status, duration, hangar_request_log_entry_get_path (e), extra->str);
}

static void
print_jsonl (const Row *row)
{
  HangarRequestLogEntry *e = row->entry;
  g_autoptr(JsonObject) obj = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *time = format_utc_time (hangar_request_log_entry_get_time_ms (e));

  json_object_set_string_member (obj, "time", time);
  json_object_set_int_member (obj, "time_ms", hangar_request_log_entry_get_time_ms (e));
  json_object_set_string_member (obj, "account", row->label);
  json_object_set_string_member (obj, "source", hangar_request_log_entry_get_source (e));
  json_object_set_string_member (obj, "method", hangar_request_log_entry_get_method (e));
  json_object_set_string_member (obj, "path", hangar_request_log_entry_get_path (e));
  if (hangar_request_log_entry_get_base_id (e) != NULL)
    json_object_set_string_member (obj, "base", hangar_request_log_entry_get_base_id (e));
  else
    json_object_set_null_member (obj, "base");
  json_object_set_int_member (obj, "status", hangar_request_log_entry_get_status (e));
  json_object_set_double_member (obj, "duration_ms", hangar_request_log_entry_get_duration_us (e) / 1000.0);
  json_object_set_double_member (obj, "wait_ms", hangar_request_log_entry_get_wait_us (e) / 1000.0);
  json_object_set_int_member (obj, "retries", hangar_request_log_entry_get_retries (e));
  if (hangar_request_log_entry_get_error_type (e) != NULL)
    json_object_set_string_member (obj, "error_type", hangar_request_log_entry_get_error_type (e));
  else
    json_object_set_null_member (obj, "error_type");
  node = json_node_init_object (json_node_alloc (), obj);
  hangar_cli_print_json_line (node);
}

static gint
row_compare (gconstpointer a,
             gconstpointer b)
{
  const Row *x = a, *y = b;
  gint64 tx = hangar_request_log_entry_get_time_ms (x->entry);
  gint64 ty = hangar_request_log_entry_get_time_ms (y->entry);

  if (tx != ty)
    return tx < ty ? -1 : 1;
  return hangar_request_log_entry_get_seq (x->entry) < hangar_request_log_entry_get_seq (y->entry) ? -1
       : hangar_request_log_entry_get_seq (x->entry) > hangar_request_log_entry_get_seq (y->entry) ? 1 : 0;
}

static void
row_clear (gpointer data)
{
  Row *row = data;

  g_clear_object (&row->entry);
}

int
hangar_cli_log_run (HangarCliGlobals  *globals,
                    int                argc,
                    char             **argv)
{
  g_autofree char *account_label = NULL;
  g_autofree char *since = NULL;
  g_autofree char *base = NULL;
  g_autofree char *format = NULL;
  gboolean errors = FALSE;
  int limit = 0;
  GOptionEntry entries[] = {
    { "account", 'a', 0, G_OPTION_ARG_STRING, &account_label, "Only the account labelled A (default: every account)", "A" },
    { "errors", 0, 0, G_OPTION_ARG_NONE, &errors, "Only requests that failed (not the ones cancelled)", NULL },
    { "since", 0, 0, G_OPTION_ARG_STRING, &since, "From T on: 2026-05-01, 2026-05-01T09:30, or 30s, 15m, 2h, 7d ago", "T" },
    { "base", 0, 0, G_OPTION_ARG_STRING, &base, "Only requests for the base BASE (app…)", "BASE" },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "Only the newest N of each account", "N" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, "Output format: text (default) or jsonl", "FORMAT" },
    { NULL }
  };
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (Row));
  g_autoptr(GPtrArray) accounts = g_ptr_array_new_with_free_func (g_object_unref);
  HangarRequestLogFilter filter = { 0 };
  HangarAccountStore *store;
  gboolean jsonl;

  g_array_set_clear_func (rows, row_clear);

  if (!hangar_cli_parse_options (entries, "— the requests made for the connected accounts", &argc, &argv))
    return HANGAR_CLI_EXIT_USAGE;
  if (argc != 1)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "log takes no arguments (see hangar-cli help log)");
  if (format != NULL && !g_str_equal (format, "text") && !g_str_equal (format, "jsonl"))
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "unknown format “%s” (text or jsonl)", format);
  jsonl = format != NULL && g_str_equal (format, "jsonl");
  if (limit < 0)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "--limit must be positive");
  if (since != NULL && (filter.since_ms = parse_since (since)) < 0)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE,
                            "--since “%s” is neither a date (2026-05-01, 2026-05-01T09:30) nor an age (30s, 15m, 2h, 7d)",
                            since);
  if (base != NULL && !hangar_cli_check_ids ("base", base, NULL))
    return HANGAR_CLI_EXIT_USAGE;
  if (account_label != NULL && globals->account != NULL && !g_str_equal (account_label, globals->account))
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "two different accounts named (-a before and after log)");
  if (account_label == NULL && globals->account != NULL)
    account_label = g_strdup (globals->account);
  filter.errors_only = errors;
  filter.base_id = base;
  filter.limit = (guint) limit;

  store = hangar_account_store_get_default ();
  if (account_label != NULL)
    {
      HangarAccount *account = hangar_account_store_lookup_by_label (store, account_label);

      if (account == NULL)
        return hangar_cli_fail (HANGAR_CLI_EXIT_ERROR, "no account labelled “%s” (see hangar-cli accounts)",
                                account_label);
      g_ptr_array_add (accounts, g_object_ref (account));
    }
  else
    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
      g_ptr_array_add (accounts, g_list_model_get_item (G_LIST_MODEL (store), i));

  for (guint i = 0; i < accounts->len; i++)
    {
      HangarAccount *account = g_ptr_array_index (accounts, i);
      const char *id = hangar_account_get_id (account);
      g_autofree char *path = hangar_store_path_for_account (id, HANGAR_STORE_STATE);
      g_autoptr(HangarRequestLog) log = NULL;
      g_autoptr(GPtrArray) found = NULL;
      g_autoptr(GError) error = NULL;

      /* Reading never creates a database: no file, no requests yet. */
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        continue;
      log = hangar_request_log_get_for_account (id, &error);
      if (log != NULL)
        found = hangar_request_log_query (log, &filter, &error);
      if (found == NULL)
        return hangar_cli_fail (HANGAR_CLI_EXIT_ERROR, "the request log of “%s”: %s",
                                hangar_account_get_label (account), error->message);
      for (guint j = 0; j < found->len; j++)
        {
          Row row = { g_object_ref (g_ptr_array_index (found, j)), hangar_account_get_label (account) };

          g_array_append_val (rows, row);
        }
    }

  /* Oldest first, like a log file: the newest lines end up at the prompt. */
  g_array_sort (rows, row_compare);
  for (guint i = 0; i < rows->len; i++)
    {
      if (jsonl)
        print_jsonl (&g_array_index (rows, Row, i));
      else
        print_text (&g_array_index (rows, Row, i));
    }
  if (rows->len == 0 && !jsonl)
    hangar_cli_fail (0, "no requests%s", accounts->len == 0 ? " (no accounts are connected)" : "");
  return HANGAR_CLI_EXIT_OK;
}
