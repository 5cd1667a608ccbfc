/* hangar-client-meta.c — HangarClient's meta API: whoami, bases, base
 * schema, tables and fields
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-client-private.h"
#include "hangar-error.h"
#include "hangar-ids.h"
#include "hangar-model-private.h"

/* Gives the notes under @prefix ("" for the table itself) to the table's
 * fields; the rest is logged. */
static void
table_take_notes (HangarTable *table,
                  GPtrArray   *notes,
                  const char  *prefix)
{
  GPtrArray *fields = hangar_table_get_fields (table);

  for (guint i = 0; notes != NULL && i < fields->len; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s%sfields[%u]", prefix, *prefix != '\0' ? "." : "", i);

      _hangar_field_take_notes (g_ptr_array_index (fields, i), notes, path);
    }
}

static gpointer
parse_whoami (JsonNode   *root,
              GPtrArray  *notes,
              GError    **error)
{
  JsonObject *object;

  _hangar_client_log_notes (notes);
  if (!_hangar_client_check_object_root (root, "whoami", &object, error))
    return NULL;
  return hangar_whoami_new_from_json (object, error);
}

static gpointer
parse_table (JsonNode   *root,
             GPtrArray  *notes,
             GError    **error)
{
  HangarTable *table;
  JsonObject *object;

  if (!_hangar_client_check_object_root (root, "table", &object, error))
    return NULL;
  table = hangar_table_new_from_json (object, error);
  if (table != NULL)
    table_take_notes (table, notes, "");
  return table;
}

static gpointer
parse_field (JsonNode   *root,
             GPtrArray  *notes,
             GError    **error)
{
  HangarField *field;
  JsonObject *object;

  if (!_hangar_client_check_object_root (root, "field", &object, error))
    return NULL;
  field = hangar_field_new_from_json (object, error);
  if (field != NULL)
    _hangar_field_take_notes (field, notes, "");
  return field;
}

static gpointer
parse_tables (JsonNode   *root,
              GPtrArray  *notes,
              GError    **error)
{
  GPtrArray *tables = hangar_table_list_from_json (root, error);

  for (guint i = 0; tables != NULL && notes != NULL && i < tables->len; i++)
    {
      g_autofree char *prefix = g_strdup_printf ("tables[%u]", i);

      table_take_notes (g_ptr_array_index (tables, i), notes, prefix);
    }
  return tables;
}

/* ---- meta ---- */

static char *
meta_base_path (const char *base_id,
                const char *rest1,
                const char *rest2,
                const char *rest3)
{
  g_autofree char *b = hangar_escape_segment (base_id);
  g_autofree char *r1 = rest1 ? hangar_escape_segment (rest1) : NULL;
  g_autofree char *r3 = rest3 ? hangar_escape_segment (rest3) : NULL;

  /* /v0/meta/bases/{base}/tables[/{table}[/fields[/{field}]]] */
  return g_strconcat ("/v0/meta/bases/", b, "/tables",
                      r1 ? "/" : "", r1 ? r1 : "",
                      rest2 ? rest2 : "",
                      r3 ? "/" : "", r3 ? r3 : "",
                      NULL);
}

/**
 * hangar_client_whoami_async:
 * @self: a #HangarClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the user
 * @user_data: data for @callback
 *
 * GET /v0/meta/whoami: the token's user, and for OAuth tokens its scopes.
 */
void
hangar_client_whoami_async (HangarClient        *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  HangarClientCall *call;

  g_return_if_fail (HANGAR_IS_CLIENT (self));

  call = _hangar_client_call_new ("GET", g_strdup ("/v0/meta/whoami"), NULL, NULL, NULL, TRUE);
  _hangar_client_call_set_max_bytes (call, HANGAR_ANSWER_MAX_WHOAMI);
  _hangar_client_run_simple (self, call, hangar_client_whoami_async, parse_whoami,
                             g_object_unref, cancellable, callback, user_data);
}

/** hangar_client_whoami_finish: Returns: (transfer full): the user */
HangarWhoami *
hangar_client_whoami_finish (HangarClient  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return _hangar_client_finish_simple (self, result, hangar_client_whoami_async, error);
}

/**
 * hangar_client_list_bases_async:
 * @self: a #HangarClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with every base the token may use (all pages)
 * @user_data: data for @callback
 */
void
hangar_client_list_bases_async (HangarClient        *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (HANGAR_IS_CLIENT (self));

  _hangar_client_run_paged (self, g_strdup ("/v0/meta/bases"), NULL, HANGAR_ANSWER_MAX_BASES_PAGE,
                            hangar_base_list_from_json, hangar_client_list_bases_async,
                            cancellable, callback, user_data);
}

/** hangar_client_list_bases_finish: Returns: (transfer full) (element-type HangarBase): the bases */
GPtrArray *
hangar_client_list_bases_finish (HangarClient  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return _hangar_client_finish_simple (self, result, hangar_client_list_bases_async, error);
}

/**
 * hangar_client_get_base_schema_async:
 * @self: a #HangarClient
 * @base_id: the base
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the tables
 * @user_data: data for @callback
 */
void
hangar_client_get_base_schema_async (HangarClient        *self,
                                     const char          *base_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  HangarClientCall *call;
  GError *error = NULL;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL);

  if (!_hangar_client_check_ids (&error, "base", base_id, NULL))
    {
      _hangar_client_fail_early (self, hangar_client_get_base_schema_async, error, callback, user_data);
      return;
    }
  call = _hangar_client_call_new ("GET", meta_base_path (base_id, NULL, NULL, NULL), NULL, NULL,
                                 base_id, TRUE);
  _hangar_client_call_set_max_bytes (call, HANGAR_ANSWER_MAX_SCHEMA);
  _hangar_client_run_simple (self, call, hangar_client_get_base_schema_async, parse_tables,
                             (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

/** hangar_client_get_base_schema_finish: Returns: (transfer full) (element-type HangarTable): the tables */
GPtrArray *
hangar_client_get_base_schema_finish (HangarClient  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return _hangar_client_finish_simple (self, result, hangar_client_get_base_schema_async, error);
}

void
hangar_client_create_table_async (HangarClient        *self,
                                  const char          *base_id,
                                  JsonObject          *spec,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  HangarClientCall *call;
  GError *error = NULL;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && spec != NULL);

  if (!_hangar_client_check_ids (&error, "base", base_id, NULL))
    {
      _hangar_client_fail_early (self, hangar_client_create_table_async, error, callback, user_data);
      return;
    }

  call = _hangar_client_call_new ("POST", meta_base_path (base_id, NULL, NULL, NULL), NULL,
                                  _hangar_client_object_to_bytes (spec), base_id, FALSE);
  _hangar_client_call_set_max_bytes (call, HANGAR_ANSWER_MAX_TABLE);
  _hangar_client_run_simple (self, call, hangar_client_create_table_async, parse_table,
                             g_object_unref, cancellable, callback, user_data);
}

/** hangar_client_create_table_finish: Returns: (transfer full): the new table */
HangarTable *
hangar_client_create_table_finish (HangarClient  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return _hangar_client_finish_simple (self, result, hangar_client_create_table_async, error);
}

void
hangar_client_update_table_async (HangarClient        *self,
                                  const char          *base_id,
                                  const char          *table,
                                  JsonObject          *changes,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  HangarClientCall *call;
  GError *error = NULL;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && table != NULL && changes != NULL);

  if (!_hangar_client_check_ids (&error, "base", base_id, "table", table, NULL))
    {
      _hangar_client_fail_early (self, hangar_client_update_table_async, error, callback, user_data);
      return;
    }

  call = _hangar_client_call_new ("PATCH", meta_base_path (base_id, table, NULL, NULL), NULL,
                                  _hangar_client_object_to_bytes (changes), base_id, TRUE);
  _hangar_client_call_set_max_bytes (call, HANGAR_ANSWER_MAX_TABLE);
  _hangar_client_run_simple (self, call, hangar_client_update_table_async, parse_table,
                             g_object_unref, cancellable, callback, user_data);
}

/** hangar_client_update_table_finish: Returns: (transfer full): the table */
HangarTable *
hangar_client_update_table_finish (HangarClient  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return _hangar_client_finish_simple (self, result, hangar_client_update_table_async, error);
}

void
hangar_client_create_field_async (HangarClient        *self,
                                  const char          *base_id,
                                  const char          *table_id,
                                  JsonObject          *spec,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  HangarClientCall *call;
  GError *error = NULL;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && table_id != NULL && spec != NULL);

  if (!_hangar_client_check_ids (&error, "base", base_id, "table", table_id, NULL))
    {
      _hangar_client_fail_early (self, hangar_client_create_field_async, error, callback, user_data);
      return;
    }

  call = _hangar_client_call_new ("POST", meta_base_path (base_id, table_id, "/fields", NULL), NULL,
                                  _hangar_client_object_to_bytes (spec), base_id, FALSE);
  _hangar_client_call_set_max_bytes (call, HANGAR_ANSWER_MAX_FIELD);
  _hangar_client_run_simple (self, call, hangar_client_create_field_async, parse_field,
                             g_object_unref, cancellable, callback, user_data);
}

/** hangar_client_create_field_finish: Returns: (transfer full): the new field */
HangarField *
hangar_client_create_field_finish (HangarClient  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return _hangar_client_finish_simple (self, result, hangar_client_create_field_async, error);
}

void
hangar_client_update_field_async (HangarClient        *self,
                                  const char          *base_id,
                                  const char          *table_id,
                                  const char          *field_id,
                                  JsonObject          *changes,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  HangarClientCall *call;
  GError *error = NULL;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && table_id != NULL && field_id != NULL && changes != NULL);

  if (!_hangar_client_check_ids (&error, "base", base_id, "table", table_id, "field", field_id, NULL))
    {
      _hangar_client_fail_early (self, hangar_client_update_field_async, error, callback, user_data);
      return;
    }

  call = _hangar_client_call_new ("PATCH", meta_base_path (base_id, table_id, "/fields", field_id), NULL,
                                  _hangar_client_object_to_bytes (changes), base_id, TRUE);
  _hangar_client_call_set_max_bytes (call, HANGAR_ANSWER_MAX_FIELD);
  _hangar_client_run_simple (self, call, hangar_client_update_field_async, parse_field,
                             g_object_unref, cancellable, callback, user_data);
}

/** hangar_client_update_field_finish: Returns: (transfer full): the field */
HangarField *
hangar_client_update_field_finish (HangarClient  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return _hangar_client_finish_simple (self, result, hangar_client_update_field_async, error);
}

