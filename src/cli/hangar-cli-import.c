/* hangar-cli-import.c — records import BASE TABLE FILE.csv
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib-unix.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "hangar-auth.h"
#include "hangar-cli.h"
#include "hangar-importer.h"

typedef struct
{
  HangarImporter *importer;
  gboolean        tty;
  gint64          last_print;
} Progress;

static void
progress_cb (HangarImporter *importer,
             GParamSpec     *pspec,
             Progress       *progress)
{
  gint64 now = g_get_monotonic_time ();
  guint64 done = hangar_importer_get_n_done (importer);
  guint64 total = hangar_importer_get_n_rows (importer);

  /* On a terminal, one line kept up to date; elsewhere quiet. */
  if (!progress->tty || (now - progress->last_print < 250 * 1000 && done < total))
    return;
  progress->last_print = now;
  fprintf (stderr, "\rhangar-cli: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " rows (%" G_GUINT64_FORMAT
           " created, %" G_GUINT64_FORMAT " updated, %" G_GUINT64_FORMAT " failed)\x1b[K",
           done, total, hangar_importer_get_n_created (importer), hangar_importer_get_n_updated (importer),
           hangar_importer_get_n_failed (importer));
  fflush (stderr);
}

static void
wait_cb (HangarImporter *importer,
         GParamSpec     *pspec,
         gboolean       *waiting)
{
  guint seconds = hangar_importer_get_wait_seconds (importer);

  /* Once per wait, terminal or not: a pause this long needs saying. */
  if (seconds == 0 || *waiting)
    {
      *waiting = seconds > 0;
      return;
    }
  *waiting = TRUE;
  if (hangar_importer_get_waiting_for_interrupted (importer))
    hangar_cli_fail (0, "waiting %u s for the requests of the interrupted import, so that none arrives after the "
                     "check of what it wrote…", seconds);
  else
    hangar_cli_fail (0, "waiting %u s for a request whose answer never came, so that it cannot arrive after the "
                     "check of what it wrote…", seconds);
}

static gboolean
interrupt_cb (gpointer user_data)
{
  GCancellable *cancellable = user_data;

  /* The requests in flight end first, the progress is saved: the same
   * command resumes. A second Ctrl+C ends at once (and resumes too). */
  if (g_cancellable_is_cancelled (cancellable))
    _exit (130);
  hangar_cli_fail (0, "stopping after the requests in flight (Ctrl+C again to stop now)…");
  g_cancellable_cancel (cancellable);
  return G_SOURCE_CONTINUE;
}

/* The account whose STATE database keeps the progress: -a LABEL's, or for
 * a token from the environment one named after the API URL and the
 * Airtable user (whoami), never after the token. */
static char *
progress_account_id (HangarCliGlobals  *globals,
                     HangarClient      *client,
                     GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(HangarWhoami) who = NULL;
  g_autofree char *key = NULL;
  g_autofree char *hash = NULL;

  if (globals->account != NULL)
    {
      HangarAccount *account = hangar_account_store_lookup_by_label (hangar_account_store_get_default (),
                                                                     globals->account);

      if (account != NULL)
        return g_strdup (hangar_account_get_id (account));
    }
  hangar_client_whoami_async (client, NULL, hangar_cli_wait_callback, &result);
  who = hangar_client_whoami_finish (client, hangar_cli_wait (&result), error);
  if (who == NULL)
    return NULL;
  key = g_strconcat (hangar_client_get_api_url (client), "\n", hangar_whoami_get_user_id (who), NULL);
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
  return g_strdup_printf ("cli-%.16s", hash);
}

static char *
default_failed_path (const char *path)
{
  g_autofree char *stem = g_str_has_suffix (path, ".csv") || g_str_has_suffix (path, ".CSV")
                          ? g_strndup (path, strlen (path) - 4) : g_strdup (path);

  return g_strconcat (stem, "-failed.csv", NULL);
}

static gboolean
apply_mapping (HangarImporter  *importer,
               HangarTable     *table,
               char           **maps,
               char           **skips)
{
  const char * const *header = hangar_importer_get_header (importer);
  guint n = hangar_importer_get_n_columns (importer);

  for (guint i = 0; maps != NULL && maps[i] != NULL; i++)
    {
      const char *eq = strrchr (maps[i], '=');
      g_autofree char *column = eq != NULL ? g_strndup (maps[i], eq - maps[i]) : NULL;
      HangarField *field = eq != NULL ? hangar_table_lookup_field (table, eq + 1) : NULL;
      gboolean found = FALSE;

      if (eq == NULL || column[0] == '\0')
        {
          hangar_cli_fail (0, "--map “%s” is not COLUMN=FIELD", maps[i]);
          return FALSE;
        }
      if (field == NULL)
        {
          hangar_cli_fail (0, "--map %s: the table has no field “%s”", maps[i], eq + 1);
          return FALSE;
        }
      for (guint c = 0; c < n; c++)
        {
          if (!g_str_equal (header[c], column))
            continue;
          /* The field goes from this column only. */
          for (guint o = 0; o < n; o++)
            if (hangar_importer_get_mapping (importer, o) == field)
              hangar_importer_set_mapping (importer, o, NULL);
          hangar_importer_set_mapping (importer, c, field);
          found = TRUE;
        }
      if (!found)
        {
          hangar_cli_fail (0, "--map %s: the file has no column “%s”", maps[i], column);
          return FALSE;
        }
    }
  for (guint i = 0; skips != NULL && skips[i] != NULL; i++)
    {
      gboolean found = FALSE;

      for (guint c = 0; c < n; c++)
        if (g_str_equal (header[c], skips[i]))
          {
            hangar_importer_set_mapping (importer, c, NULL);
            found = TRUE;
          }
      if (!found)
        {
          hangar_cli_fail (0, "--skip: the file has no column “%s”", skips[i]);
          return FALSE;
        }
    }
  return TRUE;
}

static void
print_report (HangarImporter *importer,
              const char     *failed_path,
              gboolean        complete)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  JsonArray *samples = json_array_new ();
  const char * const *reasons = hangar_importer_get_failure_samples (importer);

  json_object_set_boolean_member (object, "complete", complete);
  json_object_set_int_member (object, "rows", hangar_importer_get_n_rows (importer));
  json_object_set_int_member (object, "done", hangar_importer_get_n_done (importer));
  json_object_set_int_member (object, "created", hangar_importer_get_n_created (importer));
  json_object_set_int_member (object, "updated", hangar_importer_get_n_updated (importer));
  json_object_set_int_member (object, "failed", hangar_importer_get_n_failed (importer));
  json_object_set_int_member (object, "resumedAfter", hangar_importer_get_n_resumed (importer));
  json_object_set_int_member (object, "rechecked", hangar_importer_get_n_rechecked (importer));
  if (failed_path != NULL && hangar_importer_get_n_failed (importer) > 0)
    json_object_set_string_member (object, "failedCsv", failed_path);
  for (guint i = 0; reasons != NULL && reasons[i] != NULL; i++)
    json_array_add_string_element (samples, reasons[i]);
  json_object_set_array_member (object, "failures", samples);
  node = json_node_init_object (json_node_alloc (), object);
  hangar_cli_print_json_line (node);
}

int
hangar_cli_import_run (HangarCliGlobals  *globals,
                       int                argc,
                       char             **argv)
{
  g_auto(GStrv) merge_on = NULL;
  g_auto(GStrv) maps = NULL;
  g_auto(GStrv) skips = NULL;
  g_autofree char *failed_csv = NULL;
  gboolean typecast = FALSE;
  gboolean restart = FALSE;
  gboolean no_progress_store = FALSE;
  gboolean told_wait = FALSE;
  int deadline = -1;
  GOptionEntry entries[] = {
    { "merge-on", 0, 0, G_OPTION_ARG_STRING_ARRAY, &merge_on,
      "Update the record whose FIELD matches (1 to 3; an upsert), else create one", "FIELD" },
    { "typecast", 0, 0, G_OPTION_ARG_NONE, &typecast,
      "Let Airtable convert values (adds select options, matches links by name)", NULL },
    { "map", 0, 0, G_OPTION_ARG_STRING_ARRAY, &maps,
      "Import COLUMN into FIELD (by default columns go to the fields of the same name)", "COLUMN=FIELD" },
    { "skip", 0, 0, G_OPTION_ARG_STRING_ARRAY, &skips, "Do not import COLUMN", "COLUMN" },
    { "failed-csv", 0, 0, G_OPTION_ARG_FILENAME, &failed_csv,
      "Where the rows that fail go, with the reason (default: FILE-failed.csv)", "PATH" },
    { "restart", 0, 0, G_OPTION_ARG_NONE, &restart,
      "Start at the first row even if an import of this file into this table stopped or ended before", NULL },
    { "no-resume", 0, 0, G_OPTION_ARG_NONE, &no_progress_store,
      "Keep no progress (an interrupted import then cannot resume)", NULL },
    { "deadline", 0, 0, G_OPTION_ARG_INT, &deadline,
      "Seconds a request may take before it counts as unanswered (default 120); a write left unanswered, "
      "or an interrupted import, is looked for only that long after its last write", "S" },
    { NULL }
  };
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) tables = NULL;
  g_autoptr(HangarImporter) importer = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) failed_file = NULL;
  g_autoptr(HangarStore) store = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) skipped = g_string_new (NULL);
  g_autofree char *failed_path = NULL;
  HangarTable *table;
  Progress progress = { NULL, FALSE, 0 };
  guint sigint_id;
  gboolean ok;
  guint n_merge;

  if (!hangar_cli_parse_options (entries, "BASE TABLE FILE.csv — import the rows of a CSV file", &argc, &argv))
    return HANGAR_CLI_EXIT_USAGE;
  if (argc != 4)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE,
                            "usage: records import BASE TABLE FILE.csv [--merge-on FIELD]… [--typecast]");
  if (!hangar_cli_check_ids ("base", argv[1], "table", argv[2], NULL))
    return HANGAR_CLI_EXIT_USAGE;
  if (deadline == 0 || deadline < -1)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "--deadline must be positive");
  n_merge = merge_on != NULL ? g_strv_length (merge_on) : 0;
  if (n_merge > 3)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "--merge-on: 1 to 3 fields");

  file = g_file_new_for_commandline_arg (argv[3]);
  failed_path = failed_csv != NULL ? g_strdup (failed_csv) : default_failed_path (argv[3]);
  failed_file = g_file_new_for_commandline_arg (failed_path);

  if (!(client = hangar_cli_open_client (globals, &error)))
    return hangar_cli_report_error (error);
  if (deadline > 0)
    hangar_client_set_deadline (client, (guint) deadline);

  hangar_client_get_base_schema_async (client, argv[1], NULL, hangar_cli_wait_callback, &result);
  tables = hangar_client_get_base_schema_finish (client, hangar_cli_wait (&result), &error);
  g_clear_object (&result);
  if (tables == NULL)
    {
      g_prefix_error (&error, "importing needs the table's fields: ");
      return hangar_cli_report_error (error);
    }
  table = hangar_table_list_lookup (tables, argv[2]);
  if (table == NULL)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "the base %s has no table “%s”; nothing was sent", argv[1], argv[2]);

  importer = hangar_importer_new (client, argv[1], table, file);
  if (!no_progress_store)
    {
      g_autofree char *account_id = progress_account_id (globals, client, &error);

      if (account_id == NULL)
        return hangar_cli_report_error (error);
      store = hangar_store_get_for_account (account_id, HANGAR_STORE_STATE, &error);
      if (store == NULL)
        return hangar_cli_fail (HANGAR_CLI_EXIT_ERROR, "cannot keep the import's progress: %s "
                                "(--no-resume imports without)", error->message);
      if (hangar_store_get_recovery_note (store) != NULL)
        hangar_cli_fail (0, "%s", hangar_store_get_recovery_note (store));
      hangar_importer_set_progress_store (importer, store);
    }

  /* The whole file is checked before anything is sent. */
  hangar_importer_scan_async (importer, NULL, hangar_cli_wait_callback, &result);
  ok = hangar_importer_scan_finish (importer, hangar_cli_wait (&result), &error);
  g_clear_object (&result);
  if (!ok)
    {
      /* One stderr line per problem. */
      g_auto(GStrv) lines = g_strsplit (error->message, "\n", -1);

      if (error->domain != HANGAR_CSV_ERROR || lines[1] == NULL)
        return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "%s: %s%s", argv[3], lines[0],
                                strstr (lines[0], "nothing was sent") == NULL ? "; nothing was sent" : "");
      hangar_cli_fail (0, "%s: %s", argv[3], lines[0]);
      for (guint i = 1; lines[i] != NULL; i++)
        hangar_cli_fail (0, "  %s", lines[i]);
      return HANGAR_CLI_EXIT_USAGE;
    }

  hangar_importer_auto_map (importer);
  if (!apply_mapping (importer, table, maps, skips))
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "nothing was sent");
  for (guint c = 0; c < hangar_importer_get_n_columns (importer); c++)
    {
      const char *name = hangar_importer_get_header (importer)[c];

      if (hangar_importer_get_mapping (importer, c) == NULL && !g_str_equal (name, HANGAR_IMPORT_ERROR_COLUMN) &&
          (skips == NULL || !g_strv_contains ((const char * const *) skips, name)))
        g_string_append_printf (skipped, "%s“%s”", skipped->len > 0 ? ", " : "", name);
    }
  if (skipped->len > 0)
    hangar_cli_fail (0, "not imported (no field of that name; --map COLUMN=FIELD to choose one): %s", skipped->str);

  hangar_importer_set_merge_fields (importer, (const char * const *) merge_on);
  hangar_importer_set_typecast (importer, typecast);
  hangar_importer_set_failed_file (importer, failed_file);
  hangar_importer_set_resume (importer, restart ? HANGAR_IMPORT_RESUME_RESTART : HANGAR_IMPORT_RESUME_AUTO);
  if (!hangar_importer_check (importer, &error))
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "%s; nothing was sent", error->message);

  progress.importer = importer;
  progress.tty = isatty (STDERR_FILENO);
  g_signal_connect (importer, "notify::n-done", G_CALLBACK (progress_cb), &progress);
  g_signal_connect (importer, "notify::wait-seconds", G_CALLBACK (wait_cb), &told_wait);
  sigint_id = g_unix_signal_add (SIGINT, interrupt_cb, cancellable);

  hangar_importer_run_async (importer, cancellable, hangar_cli_wait_callback, &result);
  ok = hangar_importer_run_finish (importer, hangar_cli_wait (&result), &error);
  g_source_remove (sigint_id);
  if (progress.tty)
    fputc ('\n', stderr);

  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "%s (--restart to import from the first row); nothing was sent",
                            error->message);
  if (hangar_importer_get_previous_run (importer) != NULL && hangar_importer_get_n_resumed (importer) > 0)
    hangar_cli_fail (0, "resumed an interrupted import after row %" G_GUINT64_FORMAT,
                     hangar_importer_get_n_resumed (importer));

  {
    const HangarImportRun *previous = hangar_importer_get_previous_run (importer);
    const char *shown = previous != NULL && hangar_importer_get_n_resumed (importer) > 0 && previous->failed_path != NULL
                        ? previous->failed_path : failed_path;

    print_report (importer, shown, ok);
    if (!ok)
      {
        hangar_cli_report_error (error);
        hangar_cli_fail (0, "stopped after %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " rows; run the same "
                         "command again to resume", hangar_importer_get_n_done (importer),
                         hangar_importer_get_n_rows (importer));
        return hangar_importer_get_n_created (importer) + hangar_importer_get_n_updated (importer) > 0
               ? HANGAR_CLI_EXIT_PARTIAL : HANGAR_CLI_EXIT_ERROR;
      }
    if (hangar_importer_get_n_failed (importer) > 0)
      {
        hangar_cli_fail (0, "%" G_GUINT64_FORMAT " rows failed; they are in %s with the reason, to fix and "
                         "import again", hangar_importer_get_n_failed (importer), shown);
        return HANGAR_CLI_EXIT_PARTIAL;
      }
  }
  /* Nothing failed: no failed-rows file to leave behind. */
  {
    const HangarImportRun *previous = hangar_importer_get_previous_run (importer);
    g_autoptr(GFile) used = previous != NULL && hangar_importer_get_n_resumed (importer) > 0 &&
                            previous->failed_path != NULL
                            ? g_file_new_for_path (previous->failed_path) : g_object_ref (failed_file);

    g_file_delete (used, NULL, NULL);
  }
  return HANGAR_CLI_EXIT_OK;
}
