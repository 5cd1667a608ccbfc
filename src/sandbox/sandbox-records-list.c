/* sandbox-records-list.c — list records (GET and POST listRecords):
 * parameters, filterByFormula, sort and views, cursors that expire
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox-records-private.h"

typedef struct
{
  SandboxField *field;
  gboolean      desc;
} SortKey;

typedef struct
{
  GPtrArray   *fields;        /* SandboxField*, NULL = all */
  char        *formula;
  gint64       max_records;   /* 0 = no cap */
  gint64       page_size;
  GArray      *sort;          /* SortKey */
  SandboxView *view;
  gboolean     by_id;
  gboolean     comment_count;
  gboolean     string_format;
  char        *time_zone;
  char        *user_locale;
  char        *offset;
} ListParams;

typedef struct
{
  gboolean empty;
  gboolean numeric;
  double   num;
  char    *str;               /* collation key */
} CellKey;

typedef struct
{
  SandboxRecord *record;
  CellKey       *keys;
} SortItem;

static void
list_params_clear (ListParams *p)
{
  g_clear_pointer (&p->fields, g_ptr_array_unref);
  g_free (p->formula);
  g_clear_pointer (&p->sort, g_array_unref);
  g_free (p->time_zone);
  g_free (p->user_locale);
  g_free (p->offset);
}

/* ------------------------------------------------------------ list params */

static gboolean
add_field_param (SoupServerMessage *msg,
                 SandboxTable      *table,
                 ListParams        *p,
                 const char        *name)
{
  SandboxField *field = sandbox_table_find_field (table, name);

  if (field == NULL)
    {
      _sandbox_records_respond_unknown_field (msg, name);
      return FALSE;
    }
  if (p->fields == NULL)
    p->fields = g_ptr_array_new ();
  if (!g_ptr_array_find (p->fields, field, NULL))
    g_ptr_array_add (p->fields, field);
  return TRUE;
}

static gboolean
add_sort_param (SoupServerMessage *msg,
                SandboxTable      *table,
                ListParams        *p,
                guint              index,
                const char        *field_name,
                const char        *direction)
{
  SortKey key;

  if (field_name == NULL)
    {
      sandbox_respond_invalid_request (msg);
      return FALSE;
    }
  key.field = sandbox_table_find_field (table, field_name);
  if (key.field == NULL)
    {
      _sandbox_records_respond_unknown_field (msg, field_name);
      return FALSE;
    }
  if (direction != NULL && !g_str_equal (direction, "asc") && !g_str_equal (direction, "desc"))
    {
      sandbox_respond_error (msg, 422, "INVALID_SORT_DIRECTION", "Invalid sort direction: \"%s\"", direction);
      return FALSE;
    }
  key.desc = direction != NULL && g_str_equal (direction, "desc");
  if (p->sort == NULL)
    p->sort = g_array_new (FALSE, FALSE, sizeof (SortKey));
  g_array_append_val (p->sort, key);
  (void) index;
  return TRUE;
}

static gboolean
set_view (SoupServerMessage *msg,
          SandboxTable      *table,
          ListParams        *p,
          const char        *name)
{
  p->view = sandbox_table_find_view (table, name);
  if (p->view == NULL)
    {
      sandbox_respond_error (msg, 422, "VIEW_NAME_NOT_FOUND", "Could not find view %s in table %s", name, table->name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
set_cell_format (SoupServerMessage *msg,
                 ListParams        *p,
                 const char        *value)
{
  if (g_str_equal (value, "json"))
    p->string_format = FALSE;
  else if (g_str_equal (value, "string"))
    p->string_format = TRUE;
  else
    {
      sandbox_respond_error (msg, 422, "INVALID_REQUEST_UNKNOWN", "Invalid cellFormat: \"%s\"", value);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_list_query (SoupServerMessage *msg,
                  SandboxTable      *table,
                  GPtrArray         *query,
                  ListParams        *p)
{
  g_autoptr(GHashTable) sort_fields = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  g_autoptr(GHashTable) sort_dirs = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  guint max_sort = 0;
  gboolean any_sort = FALSE;
  gboolean page_size_given = FALSE;
  const char *legacy_limit = NULL;

  for (guint i = 0; i + 1 < query->len; i += 2)
    {
      const char *key = query->pdata[i];
      const char *value = query->pdata[i + 1];
      guint n;
      char what[16];

      if (g_str_equal (key, "fields[]") || g_str_equal (key, "fields") || g_str_has_prefix (key, "fields["))
        {
          if (!add_field_param (msg, table, p, value))
            return FALSE;
        }
      else if (g_str_equal (key, "filterByFormula"))
        {
          g_free (p->formula);
          p->formula = g_strdup (value);
        }
      else if (g_str_equal (key, "maxRecords"))
        {
          if (!_sandbox_records_parse_int (value, &p->max_records) || p->max_records < 0)
            {
              sandbox_respond_error (msg, 422, "INVALID_REQUEST_UNKNOWN", "Invalid maxRecords: \"%s\"", value);
              return FALSE;
            }
        }
      else if (g_str_equal (key, "pageSize"))
        {
          if (!_sandbox_records_parse_int (value, &p->page_size) || p->page_size < 1 || p->page_size > 100)
            {
              sandbox_respond_error (msg, 422, "INVALID_PAGE_SIZE", "Invalid pageSize: \"%s\" (must be from 1 to 100)", value);
              return FALSE;
            }
          page_size_given = TRUE;
        }
      else if (g_str_equal (key, "limit"))
        legacy_limit = value;   /* the old name of pageSize: airtable.js's deprecated list()/forEach() */
      else if (sscanf (key, "sort[%u][%15[a-z]]", &n, what) == 2 && n < 100)
        {
          any_sort = TRUE;
          max_sort = MAX (max_sort, n + 1);
          if (g_str_equal (what, "field"))
            g_hash_table_insert (sort_fields, GUINT_TO_POINTER (n + 1), g_strdup (value));
          else if (g_str_equal (what, "direction"))
            g_hash_table_insert (sort_dirs, GUINT_TO_POINTER (n + 1), g_strdup (value));
        }
      else if (g_str_equal (key, "view"))
        {
          if (!set_view (msg, table, p, value))
            return FALSE;
        }
      else if (g_str_equal (key, "cellFormat"))
        {
          if (!set_cell_format (msg, p, value))
            return FALSE;
        }
      else if (g_str_equal (key, "timeZone"))
        {
          g_free (p->time_zone);
          p->time_zone = g_strdup (value);
        }
      else if (g_str_equal (key, "userLocale"))
        {
          g_free (p->user_locale);
          p->user_locale = g_strdup (value);
        }
      else if (g_str_equal (key, "returnFieldsByFieldId"))
        p->by_id = sandbox_query_bool (value);
      else if (g_str_equal (key, "recordMetadata[]") || g_str_equal (key, "recordMetadata") || g_str_has_prefix (key, "recordMetadata["))
        {
          if (!g_str_equal (value, "commentCount"))
            {
              sandbox_respond_error (msg, 422, "INVALID_REQUEST_UNKNOWN", "Invalid recordMetadata: \"%s\"", value);
              return FALSE;
            }
          p->comment_count = TRUE;
        }
      else if (g_str_equal (key, "offset"))
        {
          g_free (p->offset);
          p->offset = g_strdup (value);
        }
      /* anything else (includeDateDependencyMetadata, unknown keys) is ignored */
    }

  if (legacy_limit != NULL && !page_size_given)
    {
      if (!_sandbox_records_parse_int (legacy_limit, &p->page_size) || p->page_size < 1 || p->page_size > 100)
        {
          sandbox_respond_error (msg, 422, "INVALID_PAGE_SIZE", "Invalid pageSize: \"%s\" (must be from 1 to 100)", legacy_limit);
          return FALSE;
        }
    }

  if (any_sort)
    for (guint n = 1; n <= max_sort; n++)
      {
        const char *field = g_hash_table_lookup (sort_fields, GUINT_TO_POINTER (n));

        if (field == NULL && g_hash_table_lookup (sort_dirs, GUINT_TO_POINTER (n)) == NULL)
          continue;
        if (!add_sort_param (msg, table, p, n - 1, field, g_hash_table_lookup (sort_dirs, GUINT_TO_POINTER (n))))
          return FALSE;
      }
  return TRUE;
}

static gboolean
parse_list_body (SoupServerMessage *msg,
                 SandboxTable      *table,
                 JsonObject        *body,
                 ListParams        *p)
{
  GList *members = json_object_get_members (body);
  gboolean ok = TRUE;

  for (GList *l = members; l != NULL && ok; l = l->next)
    {
      const char *key = l->data;
      JsonNode *value = json_object_get_member (body, key);

      if (JSON_NODE_HOLDS_NULL (value))
        continue;
      if (g_str_equal (key, "fields"))
        {
          if (!JSON_NODE_HOLDS_ARRAY (value))
            ok = FALSE;
          for (guint i = 0; ok && i < json_array_get_length (json_node_get_array (value)); i++)
            {
              JsonNode *item = json_array_get_element (json_node_get_array (value), i);

              if (!sandbox_node_is_type (item, G_TYPE_STRING))
                ok = FALSE;
              else if (!add_field_param (msg, table, p, json_node_get_string (item)))
                {
                  g_list_free (members);
                  return FALSE;
                }
            }
        }
      else if (g_str_equal (key, "filterByFormula") || g_str_equal (key, "view") || g_str_equal (key, "cellFormat")
               || g_str_equal (key, "offset") || g_str_equal (key, "timeZone") || g_str_equal (key, "userLocale"))
        {
          const char *s;

          if (!sandbox_node_is_type (value, G_TYPE_STRING))
            {
              ok = FALSE;
              break;
            }
          s = json_node_get_string (value);
          if (g_str_equal (key, "filterByFormula"))
            p->formula = g_strdup (s);
          else if (g_str_equal (key, "offset"))
            p->offset = g_strdup (s);
          else if (g_str_equal (key, "timeZone"))
            {
              if (p->time_zone == NULL)
                p->time_zone = g_strdup (s);
            }
          else if (g_str_equal (key, "userLocale"))
            {
              if (p->user_locale == NULL)
                p->user_locale = g_strdup (s);
            }
          else if (g_str_equal (key, "view"))
            {
              if (!set_view (msg, table, p, s))
                {
                  g_list_free (members);
                  return FALSE;
                }
            }
          else if (!set_cell_format (msg, p, s))
            {
              g_list_free (members);
              return FALSE;
            }
        }
      else if (g_str_equal (key, "maxRecords") || g_str_equal (key, "pageSize"))
        {
          gint64 v;

          if (!sandbox_node_is_type (value, G_TYPE_INT64))
            {
              ok = FALSE;
              break;
            }
          v = json_node_get_int (value);
          if (g_str_equal (key, "maxRecords"))
            {
              if (v < 0)
                ok = FALSE;
              p->max_records = v;
            }
          else
            {
              if (v < 1 || v > 100)
                {
                  g_list_free (members);
                  sandbox_respond_error (msg, 422, "INVALID_PAGE_SIZE", "Invalid pageSize: %" G_GINT64_FORMAT " (must be from 1 to 100)", v);
                  return FALSE;
                }
              p->page_size = v;
            }
        }
      else if (g_str_equal (key, "sort"))
        {
          if (!JSON_NODE_HOLDS_ARRAY (value))
            {
              ok = FALSE;
              break;
            }
          for (guint i = 0; ok && i < json_array_get_length (json_node_get_array (value)); i++)
            {
              JsonNode *item = json_array_get_element (json_node_get_array (value), i);
              JsonNode *f, *d;

              if (!JSON_NODE_HOLDS_OBJECT (item))
                {
                  ok = FALSE;
                  break;
                }
              f = json_object_get_member (json_node_get_object (item), "field");
              d = json_object_get_member (json_node_get_object (item), "direction");
              if (!sandbox_node_is_type (f, G_TYPE_STRING) || (d != NULL && !sandbox_node_is_type (d, G_TYPE_STRING)))
                {
                  ok = FALSE;
                  break;
                }
              if (!add_sort_param (msg, table, p, i, json_node_get_string (f), d != NULL ? json_node_get_string (d) : NULL))
                {
                  g_list_free (members);
                  return FALSE;
                }
            }
        }
      else if (g_str_equal (key, "returnFieldsByFieldId"))
        {
          if (!sandbox_node_is_type (value, G_TYPE_BOOLEAN))
            ok = FALSE;
          else
            p->by_id = json_node_get_boolean (value);
        }
      else if (g_str_equal (key, "recordMetadata"))
        {
          if (!JSON_NODE_HOLDS_ARRAY (value))
            ok = FALSE;
          for (guint i = 0; ok && i < json_array_get_length (json_node_get_array (value)); i++)
            {
              const char *s = sandbox_array_string (json_node_get_array (value), i);

              if (s == NULL || !g_str_equal (s, "commentCount"))
                ok = FALSE;
              else
                p->comment_count = TRUE;
            }
        }
      /* unknown members are ignored */
    }
  g_list_free (members);
  if (!ok)
    sandbox_respond_invalid_request (msg);
  return ok;
}

/* ------------------------------------------------------------ ordering */

static void
make_key (SandboxServer *self,
          SandboxTable  *table,
          SandboxRecord *record,
          SandboxField  *field,
          CellKey       *key)
{
  g_autoptr(JsonNode) value = sandbox_record_get_cell (self, table, record, field);

  memset (key, 0, sizeof *key);
  if (value == NULL)
    {
      key->empty = TRUE;
      return;
    }
  if (JSON_NODE_HOLDS_VALUE (value) && (json_node_get_value_type (value) == G_TYPE_INT64
                                        || json_node_get_value_type (value) == G_TYPE_DOUBLE
                                        || json_node_get_value_type (value) == G_TYPE_BOOLEAN))
    {
      key->numeric = TRUE;
      key->num = json_node_get_value_type (value) == G_TYPE_BOOLEAN ? (json_node_get_boolean (value) ? 1 : 0)
                                                                     : json_node_get_double (value);
      return;
    }
  if (g_str_equal (field->type, "singleSelect") && sandbox_node_is_type (value, G_TYPE_STRING) && field->options != NULL)
    {
      /* selects sort in choice order */
      JsonNode *choices = json_object_get_member (field->options, "choices");

      for (guint i = 0; choices != NULL && JSON_NODE_HOLDS_ARRAY (choices) && i < json_array_get_length (json_node_get_array (choices)); i++)
        {
          JsonObject *choice = json_array_get_object_element (json_node_get_array (choices), i);

          if (choice != NULL && g_strcmp0 (json_object_get_string_member_with_default (choice, "name", ""), json_node_get_string (value)) == 0)
            {
              key->numeric = TRUE;
              key->num = i;
              return;
            }
        }
    }
  if (sandbox_node_is_type (value, G_TYPE_STRING)
      && (g_str_equal (field->type, "date") || g_str_equal (field->type, "dateTime")
          || g_str_equal (field->type, "createdTime") || g_str_equal (field->type, "lastModifiedTime")))
    {
      /* ISO 8601 UTC text sorts chronologically */
      key->str = g_strdup (json_node_get_string (value));
      return;
    }
  {
    g_autofree char *text = sandbox_node_is_type (value, G_TYPE_STRING) ? g_strdup (json_node_get_string (value))
                                                                : sandbox_cell_to_string (self, table, field, value, NULL);
    g_autofree char *folded = g_utf8_casefold (text, -1);

    key->str = g_utf8_collate_key (folded, -1);
  }
}

static int
compare_keys (const CellKey *a,
              const CellKey *b)
{
  /* blanks first in ascending order (a choice: see src/sandbox/README.md) */
  if (a->empty || b->empty)
    return (int) b->empty - (int) a->empty;
  if (a->numeric && b->numeric)
    return a->num < b->num ? -1 : a->num > b->num ? 1 : 0;
  if (a->numeric != b->numeric)
    return a->numeric ? -1 : 1;
  return strcmp (a->str, b->str);
}

static int
sort_items_cb (gconstpointer pa,
               gconstpointer pb,
               gpointer      data)
{
  const SortItem *a = *(SortItem * const *) pa;
  const SortItem *b = *(SortItem * const *) pb;
  GArray *keys = data;

  for (guint i = 0; i < keys->len; i++)
    {
      int c = compare_keys (&a->keys[i], &b->keys[i]);

      if (c != 0)
        return g_array_index (keys, SortKey, i).desc ? -c : c;
    }
  return 0;
}

static void
sort_records (SandboxServer *self,
              SandboxTable  *table,
              GPtrArray     *records,
              GArray        *keys)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new ();

  for (guint i = 0; i < records->len; i++)
    {
      SortItem *item = g_new0 (SortItem, 1);

      item->record = records->pdata[i];
      item->keys = g_new0 (CellKey, keys->len);
      for (guint k = 0; k < keys->len; k++)
        make_key (self, table, item->record, g_array_index (keys, SortKey, k).field, &item->keys[k]);
      g_ptr_array_add (items, item);
    }
  g_ptr_array_sort_with_data (items, sort_items_cb, keys);   /* stable */
  for (guint i = 0; i < items->len; i++)
    {
      SortItem *item = items->pdata[i];

      records->pdata[i] = item->record;
      for (guint k = 0; k < keys->len; k++)
        g_free (item->keys[k].str);
      g_free (item->keys);
      g_free (item);
    }
}

static GArray *
view_sort_keys (SandboxTable *table,
                SandboxView  *view)
{
  GArray *keys = g_array_new (FALSE, FALSE, sizeof (SortKey));

  for (guint i = 0; view->sort != NULL && i < json_array_get_length (view->sort); i++)
    {
      JsonObject *s = json_array_get_object_element (view->sort, i);
      SortKey key;

      if (s == NULL)
        continue;
      key.field = sandbox_table_find_field (table, json_object_get_string_member_with_default (s, "field", ""));
      key.desc = g_strcmp0 (json_object_get_string_member_with_default (s, "direction", "asc"), "desc") == 0;
      if (key.field != NULL)
        g_array_append_val (keys, key);
    }
  return keys;
}

/* The whole ordered result of a listing: view filter, filterByFormula, then
 * the sort (explicit sort overrides the view's), then maxRecords. */
static GPtrArray *
compute_listing (SandboxServer     *self,
                 SoupServerMessage *msg,
                 SandboxTable      *table,
                 ListParams        *p)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new ();
  g_autoptr(SandboxFormula) formula = NULL;
  g_autoptr(SandboxFormula) view_formula = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  if (p->formula != NULL && *p->formula != '\0')
    {
      g_autoptr(GError) error = NULL;

      formula = sandbox_table_parse_formula (self, table, p->formula, &error);
      if (formula == NULL)
        {
          if (error != NULL && g_error_matches (error, SANDBOX_FORMULA_ERROR, SANDBOX_FORMULA_ERROR_UNKNOWN_FIELD))
            sandbox_respond_error (msg, 422, "INVALID_FILTER_BY_FORMULA",
                                   "The formula for filtering records is invalid: %s", error->message);
          else
            sandbox_respond_error (msg, 422, "INVALID_FILTER_BY_FORMULA",
                                   "The formula for filtering records is invalid: Invalid formula. Please check your formula text.");
          return NULL;
        }
    }
  if (p->view != NULL && p->view->filter != NULL)
    view_formula = sandbox_table_parse_formula (self, table, p->view->filter, NULL);

  for (guint i = 0; i < table->records->len; i++)
    {
      SandboxRecord *record = table->records->pdata[i];

      if (view_formula != NULL && !sandbox_record_matches (self, table, record, view_formula, now))
        continue;
      if (formula != NULL && !sandbox_record_matches (self, table, record, formula, now))
        continue;
      g_ptr_array_add (result, record);
    }

  if (p->sort != NULL && p->sort->len > 0)
    sort_records (self, table, result, p->sort);
  else if (p->view != NULL && p->view->sort != NULL)
    {
      g_autoptr(GArray) keys = view_sort_keys (table, p->view);

      if (keys->len > 0)
        sort_records (self, table, result, keys);
    }

  if (p->max_records > 0 && (gint64) result->len > p->max_records)
    g_ptr_array_set_size (result, (guint) p->max_records);
  return g_steal_pointer (&result);
}

static gboolean
parse_offset (const char *offset,
              char      **out_itr,
              char      **out_rec)
{
  const char *slash = strchr (offset, '/');
  g_autofree char *itr = NULL;

  if (slash == NULL)
    return FALSE;
  itr = g_strndup (offset, slash - offset);
  if (!sandbox_is_id (itr, "itr") || !sandbox_is_id (slash + 1, "rec"))
    return FALSE;
  *out_itr = g_steal_pointer (&itr);
  *out_rec = g_strdup (slash + 1);
  return TRUE;
}

/* Iterators hold a listing's whole result (the ids), so only the most
 * recently used MAX_ITERATORS live; an evicted one answers
 * LIST_RECORDS_ITERATOR_NOT_AVAILABLE like an expired one. */
#define MAX_ITERATORS 16

static void
evict_iterators (SandboxServer *self)
{
  while (g_hash_table_size (self->iterators) >= MAX_ITERATORS)
    {
      GHashTableIter it;
      gpointer value;
      SandboxIterator *oldest = NULL;

      g_hash_table_iter_init (&it, self->iterators);
      while (g_hash_table_iter_next (&it, NULL, &value))
        if (oldest == NULL || ((SandboxIterator *) value)->last_used_us < oldest->last_used_us)
          oldest = value;
      g_hash_table_remove (self->iterators, oldest->id);
    }
}

void
_sandbox_records_handle_list (SandboxServer     *self,
                              SoupServerMessage *msg,
                              SandboxTable      *table,
                              GPtrArray         *query,
                              JsonObject        *body)
{
  ListParams p = { 0 };
  g_autoptr(JsonObject) reply = json_object_new ();
  JsonArray *records;
  g_autoptr(GTimeZone) zone = NULL;
  SandboxIterator *iter = NULL;
  g_autoptr(GPtrArray) page = g_ptr_array_new ();
  guint start = 0;
  guint total;
  GPtrArray *ids = NULL;
  g_autoptr(GPtrArray) fresh = NULL;

  p.page_size = 100;
  if (!parse_list_query (msg, table, query, &p))
    goto out;
  if (body != NULL)
    {
      /* POST listRecords: options from the body; timeZone/userLocale from the query */
      g_clear_pointer (&p.offset, g_free);
      if (!parse_list_body (msg, table, body, &p))
        goto out;
    }

  if (p.string_format)
    {
      if (p.time_zone == NULL || p.user_locale == NULL)
        {
          sandbox_respond_error (msg, 422, "INVALID_REQUEST_UNKNOWN",
                                 "Invalid request: timeZone and userLocale are required when cellFormat is \"string\".");
          goto out;
        }
      zone = g_time_zone_new_identifier (p.time_zone);
      if (zone == NULL)
        {
          sandbox_respond_error (msg, 422, "INVALID_REQUEST_UNKNOWN", "Invalid timeZone: \"%s\"", p.time_zone);
          goto out;
        }
    }

  if (p.offset != NULL && *p.offset != '\0')
    {
      g_autofree char *itr_id = NULL;
      g_autofree char *rec_id = NULL;
      gint64 now = g_get_monotonic_time ();

      if (!parse_offset (p.offset, &itr_id, &rec_id))
        {
          sandbox_respond_error (msg, 422, "INVALID_OFFSET_VALUE", "The value of offset %s is invalid", p.offset);
          goto out;
        }
      iter = g_hash_table_lookup (self->iterators, itr_id);
      if (iter != NULL && now - iter->last_used_us > (gint64) (self->config.iterator_ttl_s * G_USEC_PER_SEC))
        {
          g_hash_table_remove (self->iterators, itr_id);
          iter = NULL;
        }
      if (iter == NULL || !g_str_equal (iter->table_id, table->id))
        {
          sandbox_respond_error (msg, 422, "LIST_RECORDS_ITERATOR_NOT_AVAILABLE",
                                 "The list records iterator is not available. Restart the listing from the first page.");
          goto out;
        }
      ids = iter->record_ids;
      if (iter->position < ids->len && g_str_equal (ids->pdata[iter->position], rec_id))
        start = iter->position;
      else
        {
          gboolean found = FALSE;

          for (guint i = 0; i < ids->len; i++)
            if (g_str_equal (ids->pdata[i], rec_id))
              {
                start = i;
                found = TRUE;
                break;
              }
          if (!found)
            {
              sandbox_respond_error (msg, 422, "INVALID_OFFSET_VALUE", "The value of offset %s is invalid", p.offset);
              goto out;
            }
        }
      iter->last_used_us = now;
      total = ids->len;
      for (guint i = start; i < total && page->len < (guint) p.page_size; i++)
        {
          SandboxRecord *record = g_hash_table_lookup (table->records_by_id, ids->pdata[i]);

          if (record != NULL)
            g_ptr_array_add (page, record);
          start = i + 1;
        }
      /* start now indexes the first record of the next page */
    }
  else
    {
      fresh = compute_listing (self, msg, table, &p);
      if (fresh == NULL)
        goto out;
      total = fresh->len;
      for (guint i = 0; i < total && page->len < (guint) p.page_size; i++)
        g_ptr_array_add (page, fresh->pdata[i]);
      start = page->len;
      if (start < total)
        {
          iter = g_new0 (SandboxIterator, 1);
          iter->id = sandbox_new_id ("itr");
          iter->table_id = g_strdup (table->id);
          iter->base_id = g_strdup (table->base->id);
          iter->record_ids = g_ptr_array_new_full (total, g_free);
          for (guint i = 0; i < total; i++)
            g_ptr_array_add (iter->record_ids, g_strdup (((SandboxRecord *) fresh->pdata[i])->id));
          iter->last_used_us = g_get_monotonic_time ();
          evict_iterators (self);
          g_hash_table_insert (self->iterators, iter->id, iter);
          ids = iter->record_ids;
        }
    }

  records = json_array_new ();
  for (guint i = 0; i < page->len; i++)
    json_array_add_object_element (records, sandbox_record_to_json (self, table, page->pdata[i], p.fields, p.by_id,
                                                                    p.comment_count, zone, p.user_locale));
  json_object_set_array_member (reply, "records", records);
  if (iter != NULL && start < total)
    {
      g_autofree char *offset = g_strconcat (iter->id, "/", (char *) ids->pdata[start], NULL);

      iter->position = start;
      json_object_set_string_member (reply, "offset", offset);
    }
  else if (iter != NULL)
    g_hash_table_remove (self->iterators, iter->id);   /* the listing is complete */
  sandbox_respond_object (msg, 200, reply);

out:
  list_params_clear (&p);
}
