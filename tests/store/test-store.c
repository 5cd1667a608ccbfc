/* test-store.c — HangarStore: private files, per-component schemas, damaged
 * files recovered by kind, the worker thread, two processes on one database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "hangar-store.h"
#include "hangar-test-sandbox.h"

static char *
temp_path (const char *name)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "store-test", NULL);

  return g_build_filename (dir, name, NULL);
}

static guint
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 0777;
}

static gint64
query_int (HangarStore *store,
           const char  *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarStoreStmt) stmt = hangar_store_prepare (store, sql, &error);

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static void
test_private_files (void)
{
  g_autofree char *path = temp_path ("a/private.sqlite");
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarStore) store = NULL;
  mode_t old = umask (0);

  store = hangar_store_open (path, HANGAR_STORE_STATE, &error);
  umask (old);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_null (hangar_store_get_recovery_note (store));
  g_assert_true (hangar_store_exec (store, "CREATE TABLE t (x); INSERT INTO t VALUES (1);", &error));

  g_assert_cmpuint (file_mode (dir), ==, 0700);
  g_assert_cmpuint (file_mode (path), ==, 0600);
  /* WAL mode, and the log file inherits the database's mode. */
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (file_mode (wal), ==, 0600);

  /* An existing file with a looser mode is tightened. */
  g_clear_object (&store);
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  store = hangar_store_open (path, HANGAR_STORE_STATE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (file_mode (path), ==, 0600);
  g_assert_cmpint (query_int (store, "SELECT x FROM t"), ==, 1);
}

static void
test_paths (void)
{
  g_autofree char *cache = hangar_store_path_for_account ("acct-1", HANGAR_STORE_CACHE);
  g_autofree char *state = hangar_store_path_for_account ("acct-1", HANGAR_STORE_STATE);

  g_assert_true (g_str_has_prefix (cache, g_get_user_cache_dir ()));
  g_assert_true (g_str_has_suffix (cache, "/hangar/acct-1/cache.sqlite"));
  g_assert_true (g_str_has_prefix (state, g_get_user_data_dir ()));
  g_assert_true (g_str_has_suffix (state, "/hangar/acct-1/state.sqlite"));
}

static const char * const steps_v2[] = {
  "CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT NOT NULL)",
  "ALTER TABLE note ADD COLUMN created INTEGER NOT NULL DEFAULT 0",
};

static void
test_schema (void)
{
  g_autofree char *path = temp_path ("schema.sqlite");
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarStore) store = hangar_store_open (path, HANGAR_STORE_STATE, &error);
  const char * const broken[] = { steps_v2[0], steps_v2[1], "CREATE TABLE nonsense (" };
  const char * const other[] = { "CREATE TABLE other (x)" };

  g_assert_no_error (error);

  /* Step by step: version 1, then 2; running again changes nothing. */
  g_assert_true (hangar_store_ensure_schema (store, "notes", steps_v2, 1, &error));
  g_assert_true (hangar_store_exec (store, "INSERT INTO note (text) VALUES ('kept')", &error));
  g_assert_true (hangar_store_ensure_schema (store, "notes", steps_v2, 2, &error));
  g_assert_true (hangar_store_ensure_schema (store, "notes", steps_v2, 2, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (store, "SELECT version FROM hangar_component WHERE name = 'notes'"), ==, 2);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM note WHERE text = 'kept' AND created = 0"), ==, 1);

  /* Components are versioned apart. */
  g_assert_true (hangar_store_ensure_schema (store, "other", other, 1, &error));
  g_assert_cmpint (query_int (store, "SELECT version FROM hangar_component WHERE name = 'other'"), ==, 1);

  /* A failing step rolls back alone and says which it was. */
  g_assert_false (hangar_store_ensure_schema (store, "notes", broken, 3, &error));
  g_assert_error (error, HANGAR_STORE_ERROR, HANGAR_STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "Could not update the notes tables to version 3"));
  g_clear_error (&error);
  g_assert_cmpint (query_int (store, "SELECT version FROM hangar_component WHERE name = 'notes'"), ==, 2);

  /* A database from a newer Hangar is left alone. */
  g_assert_false (hangar_store_ensure_schema (store, "notes", steps_v2, 1, &error));
  g_assert_error (error, HANGAR_STORE_ERROR, HANGAR_STORE_ERROR_NEWER);
  g_clear_error (&error);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM note"), ==, 1);
}

static void
write_garbage (const char *path)
{
  g_autoptr(GError) error = NULL;
  GString *junk = g_string_new ("this is not a database, it is a test's garbage\n");

  for (guint i = 0; i < 2000; i++)
    g_string_append_printf (junk, "%u junk ", i);
  g_file_set_contents (path, junk->str, junk->len, &error);
  g_assert_no_error (error);
  g_string_free (junk, TRUE);
}

static void
test_damaged_cache (void)
{
  g_autofree char *path = temp_path ("damaged-cache.sqlite");
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarStore) store = NULL;

  write_garbage (path);
  store = hangar_store_open (path, HANGAR_STORE_CACHE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (hangar_store_get_recovery_note (store));
  g_assert_nonnull (strstr (hangar_store_get_recovery_note (store), "has been rebuilt"));
  /* Usable, and empty. */
  g_assert_true (hangar_store_exec (store, "CREATE TABLE t (x)", &error));
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM t"), ==, 0);
  g_assert_cmpuint (file_mode (path), ==, 0600);
}

/* A database whose header is sound but whose pages are not. */
static void
damage_pages (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (len, >, 8192);
  /* Past the first page (the header and schema), scribble over the rest. */
  for (gsize i = 4096 + 100; i < len; i += 7)
    contents[i] = (char) (i * 31);
  g_file_set_contents (path, contents, len, &error);
  g_assert_no_error (error);
}

static void
test_damaged_state (void)
{
  g_autofree char *path = temp_path ("damaged-state.sqlite");
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarStore) store = NULL;
  g_autofree char *note = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GDir) listing = NULL;
  const char *name;

  /* A real database with the user's work in it, then damaged. */
  store = hangar_store_open (path, HANGAR_STORE_STATE, &error);
  g_assert_no_error (error);
  g_assert_true (hangar_store_exec (store, "CREATE TABLE work (t TEXT);"
                                           "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)"
                                           "INSERT INTO work SELECT printf('edit %d of the user', i) FROM n;", &error));
  g_assert_no_error (error);
  g_clear_object (&store);
  damage_pages (path);

  store = hangar_store_open (path, HANGAR_STORE_STATE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (hangar_store_get_recovery_note (store));
  note = g_strdup (hangar_store_get_recovery_note (store));
  g_assert_nonnull (strstr (note, "It was kept as"));

  /* The damaged file is still there, under the name the note gives. */
  listing = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (name, "damaged-state.sqlite.damaged-") && !g_str_has_suffix (name, "-wal") &&
        !g_str_has_suffix (name, "-shm"))
      aside = g_build_filename (dir, name, NULL);
  g_assert_nonnull (aside);
  g_assert_nonnull (strstr (note, aside));
  g_assert_true (g_file_test (aside, G_FILE_TEST_IS_REGULAR));

  /* The new database works and starts empty. */
  g_assert_true (hangar_store_exec (store, "CREATE TABLE work (t TEXT)", &error));
  g_assert_no_error (error);
}

typedef struct
{
  GMainLoop *loop;
  GPtrArray *order;
  guint      pending;
  GError    *error;
} WorkState;

static gpointer
insert_work (sqlite3       *db,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  int n = GPOINTER_TO_INT (data);
  g_autofree char *sql = g_strdup_printf ("INSERT INTO w VALUES (%d)", n);
  int rc;

  /* The worker runs on another thread than the test's. */
  g_assert_false (g_main_context_is_owner (g_main_context_default ()));
  rc = sqlite3_exec (db, sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      hangar_store_set_error (error, db, rc, "insert");
      return NULL;
    }
  return g_strdup_printf ("done %d", n);
}

static gpointer
failing_work (sqlite3       *db,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  int rc = sqlite3_exec (db, "INSERT INTO no_such_table VALUES (1)", NULL, NULL, NULL);

  hangar_store_set_error (error, db, rc, "Failing on purpose");
  return NULL;
}

static void
work_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  WorkState *state = user_data;
  g_autoptr(GError) error = NULL;
  char *text = hangar_store_run_finish (HANGAR_STORE (source), result, &error);

  if (text != NULL)
    g_ptr_array_add (state->order, text);
  else if (state->error == NULL)
    state->error = g_steal_pointer (&error);
  if (--state->pending == 0)
    g_main_loop_quit (state->loop);
}

static void
test_worker (void)
{
  g_autofree char *path = temp_path ("worker.sqlite");
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarStore) store = hangar_store_open (path, HANGAR_STORE_CACHE, &error);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  WorkState state = { loop, g_ptr_array_new_with_free_func (g_free), 0, NULL };

  g_assert_no_error (error);
  g_assert_true (hangar_store_exec (store, "CREATE TABLE w (n INTEGER)", &error));

  for (int i = 1; i <= 50; i++)
    {
      state.pending++;
      hangar_store_run_async (store, insert_work, GINT_TO_POINTER (i), NULL, g_free, NULL, work_done_cb, &state);
    }
  g_main_loop_run (loop);
  g_assert_no_error (state.error);

  /* In the order queued, and visible to the main connection. */
  g_assert_cmpuint (state.order->len, ==, 50);
  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *expected = g_strdup_printf ("done %u", i + 1);

      g_assert_cmpstr (g_ptr_array_index (state.order, i), ==, expected);
    }
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM w"), ==, 50);
  g_assert_cmpint (query_int (store, "SELECT sum(n) FROM w"), ==, 50 * 51 / 2);

  /* An error comes back as an error; a cancelled job does not run. */
  state.pending = 1;
  hangar_store_run_async (store, failing_work, NULL, NULL, NULL, NULL, work_done_cb, &state);
  g_main_loop_run (loop);
  g_assert_error (state.error, HANGAR_STORE_ERROR, HANGAR_STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (state.error->message, "Failing on purpose"));
  g_clear_error (&state.error);

  g_cancellable_cancel (cancelled);
  state.pending = 1;
  hangar_store_run_async (store, insert_work, GINT_TO_POINTER (1000), NULL, g_free, cancelled, work_done_cb, &state);
  g_main_loop_run (loop);
  g_assert_error (state.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&state.error);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM w WHERE n = 1000"), ==, 0);

  g_ptr_array_unref (state.order);
  g_assert_finalize_object (g_steal_pointer (&store));
}

/* The store goes away while its worker still has a job: the job finishes
 * and its connection closes after it, whichever thread lets go last. */
static gpointer
slow_work (sqlite3       *db,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  int rc = sqlite3_exec (db,
                         "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)"
                         "INSERT INTO w SELECT i FROM n", NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      hangar_store_set_error (error, db, rc, "slow");
      return NULL;
    }
  return g_strdup ("slow done");
}

static void
test_worker_outlives (void)
{
  g_autofree char *path = temp_path ("outlives.sqlite");
  g_autoptr(GError) error = NULL;
  HangarStore *store = hangar_store_open (path, HANGAR_STORE_CACHE, &error);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  WorkState state = { loop, g_ptr_array_new_with_free_func (g_free), 1, NULL };

  g_assert_no_error (error);
  g_assert_true (hangar_store_exec (store, "CREATE TABLE w (n INTEGER)", &error));
  hangar_store_run_async (store, slow_work, NULL, NULL, g_free, NULL, work_done_cb, &state);
  /* The task holds the store until its callback has run. */
  g_object_unref (store);
  g_main_loop_run (loop);
  g_assert_no_error (state.error);
  g_assert_cmpstr (g_ptr_array_index (state.order, 0), ==, "slow done");
  g_ptr_array_unref (state.order);

  /* Everything was written and the files are closed: reopen and count. */
  store = hangar_store_open (path, HANGAR_STORE_CACHE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM w"), ==, 200000);
  g_object_unref (store);
  g_assert_true (hangar_store_delete_files (path, &error));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (hangar_store_delete_files (path, &error));
}

/* Two processes write one database at once (the app and hangar-cli): every
 * row of both arrives, none is lost to a busy database. */
static void
test_two_processes (void)
{
  g_autofree char *path = temp_path ("shared.sqlite");
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarStore) store = NULL;
  g_autoptr(GSubprocess) child = NULL;
  const char *self_exe = g_test_get_filename (G_TEST_BUILT, "test-store", NULL);

  if (g_test_subprocess ())
    return;

  store = hangar_store_open (path, HANGAR_STORE_STATE, &error);
  g_assert_no_error (error);
  g_assert_true (hangar_store_exec (store, "CREATE TABLE IF NOT EXISTS shared (who TEXT, n INTEGER)", &error));

  child = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, self_exe, "--writer", path, NULL);
  g_assert_no_error (error);

  for (int i = 0; i < 300; i++)
    {
      g_autoptr(HangarStoreStmt) stmt = hangar_store_prepare (store, "INSERT INTO shared VALUES ('parent', ?1)", &error);

      g_assert_no_error (error);
      g_assert_true (hangar_store_begin (store, &error));
      sqlite3_bind_int (stmt, 1, i);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      g_assert_true (hangar_store_commit (store, &error));
      g_assert_no_error (error);
    }

  g_assert_true (g_subprocess_wait_check (child, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM shared WHERE who = 'parent'"), ==, 300);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM shared WHERE who = 'child'"), ==, 300);
}

static int
run_writer (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarStore) store = hangar_store_open (path, HANGAR_STORE_STATE, &error);

  g_assert_no_error (error);
  g_assert_true (hangar_store_exec (store, "CREATE TABLE IF NOT EXISTS shared (who TEXT, n INTEGER)", &error));
  for (int i = 0; i < 300; i++)
    {
      g_autoptr(HangarStoreStmt) stmt = hangar_store_prepare (store, "INSERT INTO shared VALUES ('child', ?1)", &error);

      g_assert_no_error (error);
      g_assert_true (hangar_store_begin (store, &error));
      g_assert_no_error (error);
      sqlite3_bind_int (stmt, 1, i);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      g_assert_true (hangar_store_commit (store, &error));
      g_assert_no_error (error);
    }
  return 0;
}

static void
test_shared (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarStore) a = hangar_store_get_for_account ("shared-acct", HANGAR_STORE_STATE, &error);
  g_autoptr(HangarStore) b = hangar_store_get_for_account ("shared-acct", HANGAR_STORE_STATE, &error);
  g_autoptr(HangarStore) c = hangar_store_get_for_account ("shared-acct", HANGAR_STORE_CACHE, &error);
  g_autofree char *state_path = hangar_store_path_for_account ("shared-acct", HANGAR_STORE_STATE);
  HangarStore *again;

  g_assert_no_error (error);
  g_assert_true (a == b);
  g_assert_true (a != c);
  g_assert_cmpint (hangar_store_get_kind (c), ==, HANGAR_STORE_CACHE);

  /* Still open: not deleted. */
  g_assert_false (hangar_store_delete_account ("shared-acct", &error));
  g_assert_error (error, HANGAR_STORE_ERROR, HANGAR_STORE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_true (g_file_test (state_path, G_FILE_TEST_EXISTS));

  g_clear_object (&a);
  g_clear_object (&b);
  g_clear_object (&c);
  g_assert_true (hangar_store_delete_account ("shared-acct", &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (state_path, G_FILE_TEST_EXISTS));

  /* A new instance after the old one went away. */
  again = hangar_store_get_for_account ("shared-acct", HANGAR_STORE_STATE, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (state_path, G_FILE_TEST_EXISTS));
  g_object_unref (again);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 3 && g_strcmp0 (argv[1], "--writer") == 0)
    return run_writer (argv[2]);

  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();

  g_test_add_func ("/hangar/store/private-files", test_private_files);
  g_test_add_func ("/hangar/store/paths", test_paths);
  g_test_add_func ("/hangar/store/schema", test_schema);
  g_test_add_func ("/hangar/store/damaged-cache", test_damaged_cache);
  g_test_add_func ("/hangar/store/damaged-state", test_damaged_state);
  g_test_add_func ("/hangar/store/worker", test_worker);
  g_test_add_func ("/hangar/store/worker-outlives", test_worker_outlives);
  g_test_add_func ("/hangar/store/two-processes", test_two_processes);
  g_test_add_func ("/hangar/store/shared", test_shared);

  return g_test_run ();
}
