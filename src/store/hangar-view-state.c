/* hangar-view-state.c — the "views" component of an account's state database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-json.h"
#include "hangar-view-state.h"

struct _HangarViewState
{
  GObject      parent_instance;

  HangarStore *store;
};

G_DEFINE_FINAL_TYPE (HangarViewState, hangar_view_state, G_TYPE_OBJECT)

/* Version i → i + 1 of the component's tables. */
static const char * const schema_steps[] = {
  "CREATE TABLE view_setting ("
  "  base      TEXT NOT NULL,"
  "  table_id  TEXT NOT NULL,"
  "  settings  TEXT NOT NULL,"
  "  saved     INTEGER NOT NULL,"
  "  PRIMARY KEY (base, table_id)"
  ");"
  "CREATE TABLE view_last_table ("
  "  base      TEXT PRIMARY KEY NOT NULL,"
  "  table_id  TEXT NOT NULL,"
  "  opened    INTEGER NOT NULL"
  ");"
  "CREATE TABLE view_shown_table ("
  "  base      TEXT NOT NULL,"
  "  table_id  TEXT NOT NULL,"
  "  name      TEXT NOT NULL,"
  "  shown     INTEGER NOT NULL,"
  "  PRIMARY KEY (base, table_id)"
  ");"
  "CREATE TABLE view_shown_field ("
  "  base      TEXT NOT NULL,"
  "  table_id  TEXT NOT NULL,"
  "  position  INTEGER NOT NULL,"
  "  field_id  TEXT NOT NULL,"
  "  name      TEXT NOT NULL,"
  "  type      TEXT NOT NULL,"
  "  PRIMARY KEY (base, table_id, field_id)"
  ");",
};

/* Settings are small; a row larger than this was not written by us. */
#define MAX_SETTINGS_BYTES (1024 * 1024)

static void
hangar_view_state_finalize (GObject *object)
{
  HangarViewState *self = HANGAR_VIEW_STATE (object);

  g_clear_object (&self->store);

  G_OBJECT_CLASS (hangar_view_state_parent_class)->finalize (object);
}

static void
hangar_view_state_class_init (HangarViewStateClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hangar_view_state_finalize;
}

static void
hangar_view_state_init (HangarViewState *self)
{
}

/**
 * hangar_view_state_new:
 * @store: an account's state database
 * @error: return location for an error
 *
 * Returns: (transfer full): the component, its tables up to date
 */
HangarViewState *
hangar_view_state_new (HangarStore  *store,
                       GError      **error)
{
  HangarViewState *self;

  g_return_val_if_fail (HANGAR_IS_STORE (store), NULL);

  if (!hangar_store_ensure_schema (store, "views", schema_steps, G_N_ELEMENTS (schema_steps), error))
    return NULL;
  self = g_object_new (HANGAR_TYPE_VIEW_STATE, NULL);
  self->store = g_object_ref (store);
  return self;
}

HangarViewState *
hangar_view_state_new_for_account (const char  *account_id,
                                   GError     **error)
{
  g_autoptr(HangarStore) store = hangar_store_get_for_account (account_id, HANGAR_STORE_STATE, error);

  if (store == NULL)
    return NULL;
  return hangar_view_state_new (store, error);
}

HangarStore *
hangar_view_state_get_store (HangarViewState *self)
{
  g_return_val_if_fail (HANGAR_IS_VIEW_STATE (self), NULL);
  return self->store;
}

static gboolean
step_done (HangarViewState  *self,
           sqlite3_stmt     *stmt,
           const char       *doing,
           GError          **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE)
    return hangar_store_set_error (error, hangar_store_get_db (self->store), rc, doing);
  return TRUE;
}

/* ---- settings ---- */

HangarViewSettings *
hangar_view_state_load_settings (HangarViewState *self,
                                 const char      *base_id,
                                 const char      *table_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarStoreStmt) stmt = NULL;
  g_autoptr(JsonNode) node = NULL;
  const char *text;
  int length;

  g_return_val_if_fail (HANGAR_IS_VIEW_STATE (self), NULL);
  g_return_val_if_fail (base_id != NULL && table_id != NULL, NULL);

  stmt = hangar_store_prepare (self->store,
                               "SELECT settings FROM view_setting WHERE base = ?1 AND table_id = ?2",
                               &error);
  if (stmt == NULL)
    {
      g_warning ("Could not read the saved view settings: %s", error->message);
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, base_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, table_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  text = (const char *) sqlite3_column_text (stmt, 0);
  length = sqlite3_column_bytes (stmt, 0);
  if (text == NULL || length > MAX_SETTINGS_BYTES)
    return NULL;
  node = hangar_json_parse (text, length, MAX_SETTINGS_BYTES, NULL, &error);
  if (node == NULL)
    {
      g_warning ("The saved view settings of table %s are damaged and were not used: %s",
                 table_id, error->message);
      return NULL;
    }
  {
    HangarViewSettings *settings = hangar_view_settings_from_json (node, &error);

    if (settings == NULL)
      g_warning ("The saved view settings of table %s were not used: %s", table_id, error->message);
    return settings;
  }
}

gboolean
hangar_view_state_save_settings (HangarViewState     *self,
                                 const char          *base_id,
                                 const char          *table_id,
                                 HangarViewSettings  *settings,
                                 GError             **error)
{
  g_autoptr(HangarStoreStmt) stmt = NULL;

  g_return_val_if_fail (HANGAR_IS_VIEW_STATE (self), FALSE);
  g_return_val_if_fail (base_id != NULL && table_id != NULL, FALSE);

  if (settings == NULL || hangar_view_settings_is_empty (settings))
    {
      stmt = hangar_store_prepare (self->store, "DELETE FROM view_setting WHERE base = ?1 AND table_id = ?2", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, base_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, table_id, -1, SQLITE_TRANSIENT);
      return step_done (self, stmt, "Could not forget the view settings", error);
    }
  else
    {
      g_autoptr(JsonNode) node = hangar_view_settings_to_json (settings);
      g_autofree char *text = hangar_json_to_string (node, -1);

      stmt = hangar_store_prepare (self->store,
                                   "INSERT INTO view_setting (base, table_id, settings, saved) VALUES (?1, ?2, ?3, ?4) "
                                   "ON CONFLICT (base, table_id) DO UPDATE SET settings = ?3, saved = ?4",
                                   error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, base_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, table_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, text, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
      return step_done (self, stmt, "Could not save the view settings", error);
    }
}

/* ---- last table ---- */

gboolean
hangar_view_state_set_last_table (HangarViewState  *self,
                                  const char       *base_id,
                                  const char       *table_id,
                                  GError          **error)
{
  g_autoptr(HangarStoreStmt) stmt = NULL;

  g_return_val_if_fail (HANGAR_IS_VIEW_STATE (self), FALSE);
  g_return_val_if_fail (base_id != NULL && table_id != NULL, FALSE);

  stmt = hangar_store_prepare (self->store,
                               "INSERT INTO view_last_table (base, table_id, opened) VALUES (?1, ?2, ?3) "
                               "ON CONFLICT (base) DO UPDATE SET table_id = ?2, opened = ?3",
                               error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, base_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, table_id, -1, SQLITE_TRANSIENT);
  /* Microseconds: two tables opened in one second still have an order. */
  sqlite3_bind_int64 (stmt, 3, g_get_real_time ());
  return step_done (self, stmt, "Could not note the table opened", error);
}

gboolean
hangar_view_state_get_last_table (HangarViewState  *self,
                                  const char       *base_id,
                                  char            **out_base_id,
                                  char            **out_table_id,
                                  gint64           *out_when)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarStoreStmt) stmt = NULL;

  g_return_val_if_fail (HANGAR_IS_VIEW_STATE (self), FALSE);

  stmt = hangar_store_prepare (self->store,
                               base_id != NULL
                               ? "SELECT base, table_id, opened FROM view_last_table WHERE base = ?1"
                               : "SELECT base, table_id, opened FROM view_last_table ORDER BY opened DESC LIMIT 1",
                               &error);
  if (stmt == NULL)
    {
      g_warning ("Could not read the last table opened: %s", error->message);
      return FALSE;
    }
  if (base_id != NULL)
    sqlite3_bind_text (stmt, 1, base_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return FALSE;
  if (out_base_id != NULL)
    *out_base_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  if (out_table_id != NULL)
    *out_table_id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  if (out_when != NULL)
    *out_when = sqlite3_column_int64 (stmt, 2) / G_USEC_PER_SEC;
  return TRUE;
}

/* ---- the schema shown ---- */

GPtrArray *
hangar_view_state_load_shown_fields (HangarViewState *self,
                                     const char      *base_id,
                                     const char      *table_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarStoreStmt) stmt = NULL;
  g_autoptr(GPtrArray) fields = NULL;

  g_return_val_if_fail (HANGAR_IS_VIEW_STATE (self), NULL);

  stmt = hangar_store_prepare (self->store,
                               "SELECT field_id, name, type FROM view_shown_field "
                               "WHERE base = ?1 AND table_id = ?2 ORDER BY position",
                               &error);
  if (stmt == NULL)
    {
      g_warning ("Could not read the fields shown last: %s", error->message);
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, base_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, table_id, -1, SQLITE_TRANSIENT);
  fields = g_ptr_array_new_with_free_func ((GDestroyNotify) hangar_shown_field_free);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      HangarShownField *field = g_new0 (HangarShownField, 1);

      field->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      field->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      field->type = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      g_ptr_array_add (fields, field);
    }
  if (fields->len == 0)
    return NULL;
  return g_steal_pointer (&fields);
}

gboolean
hangar_view_state_save_shown_fields (HangarViewState  *self,
                                     const char       *base_id,
                                     HangarTable      *table,
                                     GError          **error)
{
  GPtrArray *fields;
  const char *table_id;

  g_return_val_if_fail (HANGAR_IS_VIEW_STATE (self), FALSE);
  g_return_val_if_fail (HANGAR_IS_TABLE (table), FALSE);

  table_id = hangar_table_get_id (table);
  fields = hangar_table_get_fields (table);
  if (!hangar_store_begin (self->store, error))
    return FALSE;

  {
    g_autoptr(HangarStoreStmt) stmt = hangar_store_prepare (self->store,
                                                            "DELETE FROM view_shown_field WHERE base = ?1 AND table_id = ?2",
                                                            error);

    if (stmt == NULL)
      goto failed;
    sqlite3_bind_text (stmt, 1, base_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (stmt, 2, table_id, -1, SQLITE_TRANSIENT);
    if (!step_done (self, stmt, "Could not update the fields shown", error))
      goto failed;
  }
  {
    g_autoptr(HangarStoreStmt) stmt = hangar_store_prepare (self->store,
                                                            "INSERT INTO view_shown_table (base, table_id, name, shown) "
                                                            "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (base, table_id) "
                                                            "DO UPDATE SET name = ?3, shown = ?4",
                                                            error);

    if (stmt == NULL)
      goto failed;
    sqlite3_bind_text (stmt, 1, base_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (stmt, 2, table_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (stmt, 3, hangar_table_get_name (table), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
    if (!step_done (self, stmt, "Could not update the fields shown", error))
      goto failed;
  }
  for (guint i = 0; fields != NULL && i < fields->len; i++)
    {
      HangarField *field = g_ptr_array_index (fields, i);
      g_autoptr(HangarStoreStmt) stmt = hangar_store_prepare (self->store,
                                                              "INSERT OR REPLACE INTO view_shown_field "
                                                              "(base, table_id, position, field_id, name, type) "
                                                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                                              error);

      if (stmt == NULL)
        goto failed;
      sqlite3_bind_text (stmt, 1, base_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, table_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 3, (int) i);
      sqlite3_bind_text (stmt, 4, hangar_field_get_id (field), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 5, hangar_field_get_name (field), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 6, hangar_field_get_type_string (field), -1, SQLITE_TRANSIENT);
      if (!step_done (self, stmt, "Could not update the fields shown", error))
        goto failed;
    }
  return hangar_store_commit (self->store, error);

failed:
  hangar_store_rollback (self->store);
  return FALSE;
}

char **
hangar_view_state_list_shown_tables (HangarViewState *self,
                                     const char      *base_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarStoreStmt) stmt = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (HANGAR_IS_VIEW_STATE (self), NULL);

  stmt = hangar_store_prepare (self->store,
                               "SELECT table_id, name FROM view_shown_table WHERE base = ?1 ORDER BY table_id",
                               &error);
  if (stmt == NULL)
    {
      g_warning ("Could not read the tables shown: %s", error->message);
      return g_strv_builder_end (builder);
    }
  sqlite3_bind_text (stmt, 1, base_id, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
      g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 1));
    }
  return g_strv_builder_end (builder);
}
