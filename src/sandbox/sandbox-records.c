/* sandbox-records.c — the records API (fact sheet §3): list (GET and POST
 * listRecords) with cursors, get, create, update (PATCH/PUT, batch, upsert),
 * delete and comments
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox-private.h"

#define BATCH_MAX 10

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

typedef struct
{
  SandboxRecord *record;      /* NULL: create */
  GPtrArray     *fields;      /* SandboxField* */
  GPtrArray     *values;      /* JsonNode* or NULL (clear) */
  gboolean       created;
} WritePlan;

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

static void
write_plan_free (WritePlan *plan)
{
  g_ptr_array_unref (plan->fields);
  g_ptr_array_unref (plan->values);
  g_free (plan);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WritePlan, write_plan_free)

static void
maybe_node_unref (gpointer node)
{
  if (node != NULL)
    json_node_unref (node);
}

static gboolean
node_is_type (JsonNode *node,
              GType     type)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

static void
respond_unknown_field (SoupServerMessage *msg,
                       const char        *name)
{
  sandbox_respond_error (msg, 422, "UNKNOWN_FIELD_NAME", "Unknown field name: \"%s\"", name);
}

static void
respond_record_not_found (SoupServerMessage *msg)
{
  sandbox_respond_error (msg, 404, "MODEL_ID_NOT_FOUND", "Record not found");
}

/* ------------------------------------------------------------ list params */

static gboolean
parse_int (const char *text,
           gint64     *out)
{
  char *end = NULL;

  if (text == NULL || *text == '\0')
    return FALSE;
  *out = g_ascii_strtoll (text, &end, 10);
  return end != NULL && *end == '\0';
}

static gboolean
add_field_param (SoupServerMessage *msg,
                 SandboxTable      *table,
                 ListParams        *p,
                 const char        *name)
{
  SandboxField *field = sandbox_table_find_field (table, name);

  if (field == NULL)
    {
      respond_unknown_field (msg, name);
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
      respond_unknown_field (msg, field_name);
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
          if (!parse_int (value, &p->max_records) || p->max_records < 0)
            {
              sandbox_respond_error (msg, 422, "INVALID_REQUEST_UNKNOWN", "Invalid maxRecords: \"%s\"", value);
              return FALSE;
            }
        }
      else if (g_str_equal (key, "pageSize"))
        {
          if (!parse_int (value, &p->page_size) || p->page_size < 1 || p->page_size > 100)
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
      if (!parse_int (legacy_limit, &p->page_size) || p->page_size < 1 || p->page_size > 100)
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

              if (!node_is_type (item, G_TYPE_STRING))
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

          if (!node_is_type (value, G_TYPE_STRING))
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

          if (!node_is_type (value, G_TYPE_INT64))
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
              if (!node_is_type (f, G_TYPE_STRING) || (d != NULL && !node_is_type (d, G_TYPE_STRING)))
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
          if (!node_is_type (value, G_TYPE_BOOLEAN))
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
  if (g_str_equal (field->type, "singleSelect") && node_is_type (value, G_TYPE_STRING) && field->options != NULL)
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
  if (node_is_type (value, G_TYPE_STRING)
      && (g_str_equal (field->type, "date") || g_str_equal (field->type, "dateTime")
          || g_str_equal (field->type, "createdTime") || g_str_equal (field->type, "lastModifiedTime")))
    {
      /* ISO 8601 UTC text sorts chronologically */
      key->str = g_strdup (json_node_get_string (value));
      return;
    }
  {
    g_autofree char *text = node_is_type (value, G_TYPE_STRING) ? g_strdup (json_node_get_string (value))
                                                                : sandbox_cell_to_string (self, table, field, value, NULL);
    g_autofree char *folded = g_utf8_casefold (text, -1);

    key->str = g_utf8_collate_key (folded, -1);
  }
}

static int
compare_keys (const CellKey *a,
              const CellKey *b)
{
  /* blanks first in ascending order (UNCONFIRMED, see README) */
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

static void
handle_list (SandboxServer     *self,
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

/* --------------------------------------------------------------- writes */

/* Reads "typecast" and "returnFieldsByFieldId" from a write body. */
static gboolean
write_flags (SoupServerMessage *msg,
             JsonObject        *body,
             GPtrArray         *query,
             gboolean          *typecast,
             gboolean          *by_id)
{
  JsonNode *tc = json_object_get_member (body, "typecast");
  JsonNode *bi = json_object_get_member (body, "returnFieldsByFieldId");

  *typecast = FALSE;
  *by_id = sandbox_query_bool (sandbox_query_get (query, "returnFieldsByFieldId"));
  if (tc != NULL && !JSON_NODE_HOLDS_NULL (tc))
    {
      if (!node_is_type (tc, G_TYPE_BOOLEAN))
        {
          sandbox_respond_invalid_request (msg);
          return FALSE;
        }
      *typecast = json_node_get_boolean (tc);
    }
  if (bi != NULL && !JSON_NODE_HOLDS_NULL (bi))
    {
      if (!node_is_type (bi, G_TYPE_BOOLEAN))
        {
          sandbox_respond_invalid_request (msg);
          return FALSE;
        }
      *by_id = json_node_get_boolean (bi);
    }
  return TRUE;
}

/* Validates one record's "fields" object and adds the converted cells to
 * @plan. Responds and returns FALSE on the first problem. */
static gboolean
plan_fields (SandboxServer     *self,
             SoupServerMessage *msg,
             SandboxTable      *table,
             JsonNode          *fields_node,
             gboolean           typecast,
             WritePlan         *plan)
{
  JsonObject *fields;
  GList *members;

  if (fields_node == NULL || !JSON_NODE_HOLDS_OBJECT (fields_node))
    {
      sandbox_respond_error (msg, 422, "INVALID_REQUEST_MISSING_FIELDS", "Could not find field \"fields\" in the request body");
      return FALSE;
    }
  fields = json_node_get_object (fields_node);
  members = json_object_get_members (fields);
  for (GList *l = members; l != NULL; l = l->next)
    {
      SandboxField *field = sandbox_table_find_field (table, l->data);
      JsonNode *out = NULL;
      g_autofree char *etype = NULL;
      g_autofree char *emessage = NULL;
      guint index;

      if (field == NULL)
        {
          respond_unknown_field (msg, l->data);
          g_list_free (members);
          return FALSE;
        }
      if (!sandbox_cell_convert (self, table, field, json_object_get_member (fields, l->data), typecast,
                                 &out, &etype, &emessage))
        {
          sandbox_respond_error (msg, 422, etype, "%s", emessage);
          g_list_free (members);
          return FALSE;
        }
      if (g_ptr_array_find (plan->fields, field, &index))
        {
          g_ptr_array_remove_index (plan->fields, index);
          g_ptr_array_remove_index (plan->values, index);
        }
      g_ptr_array_add (plan->fields, field);
      g_ptr_array_add (plan->values, out);
    }
  g_list_free (members);
  return TRUE;
}

static WritePlan *
write_plan_new (SandboxRecord *record)
{
  WritePlan *plan = g_new0 (WritePlan, 1);

  plan->record = record;
  plan->fields = g_ptr_array_new ();
  plan->values = g_ptr_array_new_with_free_func (maybe_node_unref);
  return plan;
}

static void
apply_plan (SandboxServer *self,
            SandboxTable  *table,
            WritePlan     *plan,
            gboolean       destructive)
{
  sandbox_pending_choices_commit (self, table);
  if (plan->record == NULL)
    {
      plan->record = sandbox_record_new (table);
      plan->created = TRUE;
      if (self->acting_user_id != NULL)
        {
          g_free (plan->record->created_by);
          plan->record->created_by = g_strdup (self->acting_user_id);
        }
    }
  if (destructive)
    for (guint i = 0; i < table->fields->len; i++)
      {
        SandboxField *field = table->fields->pdata[i];

        if (!sandbox_field_is_computed (field) && !g_ptr_array_find (plan->fields, field, NULL))
          sandbox_record_set_cell (self, table, plan->record, field, NULL);
      }
  for (guint i = 0; i < plan->fields->len; i++)
    sandbox_record_set_cell (self, table, plan->record, plan->fields->pdata[i], plan->values->pdata[i]);
  if (!plan->created)
    {
      plan->record->modified_ms = g_get_real_time () / 1000;
      g_free (plan->record->modified_by);
      plan->record->modified_by = g_strdup (self->acting_user_id);
    }
}

static void
respond_invalid_records (SoupServerMessage *msg)
{
  sandbox_respond_error (msg, 422, "INVALID_RECORDS",
                         "You must provide an array of up to 10 record objects, each with an 'id' ID field and a 'fields' object for cell values.");
}

static void
handle_create (SandboxServer     *self,
               SoupServerMessage *msg,
               SandboxTable      *table,
               JsonObject        *body,
               GPtrArray         *query)
{
  gboolean typecast, by_id;
  JsonNode *records = json_object_get_member (body, "records");
  g_autoptr(GPtrArray) plans = g_ptr_array_new_with_free_func ((GDestroyNotify) write_plan_free);

  if (!write_flags (msg, body, query, &typecast, &by_id))
    return;

  if (records != NULL)
    {
      JsonArray *array;
      JsonArray *out;
      g_autoptr(JsonObject) reply = json_object_new ();

      if (!JSON_NODE_HOLDS_ARRAY (records))
        {
          sandbox_respond_invalid_request (msg);
          return;
        }
      array = json_node_get_array (records);
      if (json_array_get_length (array) > BATCH_MAX)
        {
          sandbox_respond_error (msg, 422, "INVALID_RECORDS",
                                 "A maximum of 10 records can be created per request but you have provided %u.",
                                 json_array_get_length (array));
          return;
        }
      if (json_array_get_length (array) == 0)
        {
          sandbox_respond_error (msg, 422, "INVALID_RECORDS",
                                 "You must provide an array of up to 10 record objects, each with a 'fields' object for cell values.");
          return;
        }
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);
          WritePlan *plan = write_plan_new (NULL);

          g_ptr_array_add (plans, plan);
          if (!JSON_NODE_HOLDS_OBJECT (item))
            {
              sandbox_respond_error (msg, 422, "INVALID_RECORDS",
                                     "You must provide an array of up to 10 record objects, each with a 'fields' object for cell values.");
              return;
            }
          if (!plan_fields (self, msg, table, json_object_get_member (json_node_get_object (item), "fields"), typecast, plan))
            return;
        }
      out = json_array_new ();
      for (guint i = 0; i < plans->len; i++)
        {
          WritePlan *plan = plans->pdata[i];

          apply_plan (self, table, plan, FALSE);
          json_array_add_object_element (out, sandbox_record_to_json (self, table, plan->record, NULL, by_id, FALSE, NULL, NULL));
        }
      json_object_set_array_member (reply, "records", out);
      sandbox_server_changed (self);
      sandbox_respond_object (msg, 200, reply);
      return;
    }

  {
    WritePlan *plan = write_plan_new (NULL);
    g_autoptr(JsonObject) reply = NULL;

    g_ptr_array_add (plans, plan);
    if (!plan_fields (self, msg, table, json_object_get_member (body, "fields"), typecast, plan))
      return;
    apply_plan (self, table, plan, FALSE);
    reply = sandbox_record_to_json (self, table, plan->record, NULL, by_id, FALSE, NULL, NULL);
    sandbox_server_changed (self);
    sandbox_respond_object (msg, 200, reply);
  }
}

static const char * const merge_types[] = {
  "number", "singleLineText", "multilineText", "singleSelect", "multipleSelects", "date",
  "email", "url", "phoneNumber", NULL,
};

static gboolean
cells_equal (JsonNode *a,
             JsonNode *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return json_node_equal (a, b);
}

static void
handle_update_batch (SandboxServer     *self,
                     SoupServerMessage *msg,
                     SandboxTable      *table,
                     JsonObject        *body,
                     GPtrArray         *query,
                     gboolean           destructive)
{
  gboolean typecast, by_id;
  JsonNode *records = json_object_get_member (body, "records");
  JsonNode *upsert = json_object_get_member (body, "performUpsert");
  g_autoptr(GPtrArray) merge = NULL;
  g_autoptr(GPtrArray) plans = g_ptr_array_new_with_free_func ((GDestroyNotify) write_plan_free);
  g_autoptr(JsonObject) reply = json_object_new ();
  JsonArray *array;
  JsonArray *out;
  JsonArray *created = NULL, *updated = NULL;

  if (!write_flags (msg, body, query, &typecast, &by_id))
    return;
  if (records == NULL || !JSON_NODE_HOLDS_ARRAY (records))
    {
      respond_invalid_records (msg);
      return;
    }
  array = json_node_get_array (records);
  if (json_array_get_length (array) == 0 || json_array_get_length (array) > BATCH_MAX)
    {
      respond_invalid_records (msg);
      return;
    }

  if (upsert != NULL && !JSON_NODE_HOLDS_NULL (upsert))
    {
      JsonNode *fields_on = JSON_NODE_HOLDS_OBJECT (upsert) ? json_object_get_member (json_node_get_object (upsert), "fieldsToMergeOn") : NULL;
      JsonArray *names;

      if (fields_on == NULL || !JSON_NODE_HOLDS_ARRAY (fields_on)
          || json_array_get_length (json_node_get_array (fields_on)) < 1
          || json_array_get_length (json_node_get_array (fields_on)) > 3)
        {
          sandbox_respond_error (msg, 422, "INVALID_REQUEST_UNKNOWN",
                                 "Invalid request: performUpsert.fieldsToMergeOn must be an array of 1 to 3 field names or ids.");
          return;
        }
      names = json_node_get_array (fields_on);
      merge = g_ptr_array_new ();
      for (guint i = 0; i < json_array_get_length (names); i++)
        {
          JsonNode *n = json_array_get_element (names, i);
          SandboxField *field;

          if (!node_is_type (n, G_TYPE_STRING))
            {
              sandbox_respond_invalid_request (msg);
              return;
            }
          field = sandbox_table_find_field (table, json_node_get_string (n));
          if (field == NULL)
            {
              respond_unknown_field (msg, json_node_get_string (n));
              return;
            }
          if (sandbox_field_is_computed (field) || !g_strv_contains (merge_types, field->type))
            {
              sandbox_respond_error (msg, 422, "INVALID_FIELD_TO_MERGE_ON",
                                     "Field \"%s\" cannot be used in fieldsToMergeOn (type %s)", field->name, field->type);
              return;
            }
          g_ptr_array_add (merge, field);
        }
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      JsonObject *obj;
      JsonNode *id;
      WritePlan *plan;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        {
          respond_invalid_records (msg);
          return;
        }
      obj = json_node_get_object (item);
      id = json_object_get_member (obj, "id");
      if (!JSON_NODE_HOLDS_OBJECT (json_object_get_member (obj, "fields") != NULL ? json_object_get_member (obj, "fields") : item)
          || json_object_get_member (obj, "fields") == NULL
          || (id != NULL && !node_is_type (id, G_TYPE_STRING))
          || (id == NULL && merge == NULL))
        {
          respond_invalid_records (msg);
          return;
        }
      plan = write_plan_new (NULL);
      g_ptr_array_add (plans, plan);
      if (id != NULL)
        {
          plan->record = g_hash_table_lookup (table->records_by_id, json_node_get_string (id));
          if (plan->record == NULL)
            {
              sandbox_respond_error (msg, 422, "ROW_DOES_NOT_EXIST",
                                     "Record ID %s does not exist in this table", json_node_get_string (id));
              return;
            }
        }
      if (!plan_fields (self, msg, table, json_object_get_member (obj, "fields"), typecast, plan))
        return;

      if (id == NULL)
        {
          /* upsert: find the one record whose merge fields equal this one's */
          SandboxRecord *match = NULL;
          guint matches = 0;
          g_autoptr(GPtrArray) wanted = g_ptr_array_new ();

          for (guint m = 0; m < merge->len; m++)
            {
              guint index;

              if (!g_ptr_array_find (plan->fields, merge->pdata[m], &index))
                {
                  sandbox_respond_error (msg, 422, "INVALID_RECORDS",
                                         "Record #%u lacks the merge field \"%s\"", i, ((SandboxField *) merge->pdata[m])->name);
                  return;
                }
              g_ptr_array_add (wanted, plan->values->pdata[index]);
            }
          for (guint r = 0; r < table->records->len; r++)
            {
              SandboxRecord *rec = table->records->pdata[r];
              gboolean same = TRUE;

              for (guint m = 0; m < merge->len && same; m++)
                same = cells_equal (json_object_get_member (rec->cells, ((SandboxField *) merge->pdata[m])->id), wanted->pdata[m]);
              if (same)
                {
                  match = rec;
                  matches++;
                }
            }
          if (matches > 1)
            {
              sandbox_respond_error (msg, 422, "INVALID_RECORDS",
                                     "Cannot upsert record #%u: %u records in table %s match the fields to merge on",
                                     i, matches, table->name);
              return;
            }
          plan->record = match;
        }
    }

  out = json_array_new ();
  if (merge != NULL)
    {
      created = json_array_new ();
      updated = json_array_new ();
    }
  for (guint i = 0; i < plans->len; i++)
    {
      WritePlan *plan = plans->pdata[i];

      apply_plan (self, table, plan, destructive);
      json_array_add_object_element (out, sandbox_record_to_json (self, table, plan->record, NULL, by_id, FALSE, NULL, NULL));
      if (merge != NULL)
        json_array_add_string_element (plan->created ? created : updated, plan->record->id);
    }
  json_object_set_array_member (reply, "records", out);
  if (merge != NULL)
    {
      json_object_set_array_member (reply, "createdRecords", created);
      json_object_set_array_member (reply, "updatedRecords", updated);
    }
  sandbox_server_changed (self);
  sandbox_respond_object (msg, 200, reply);
}

static void
handle_update_one (SandboxServer     *self,
                   SoupServerMessage *msg,
                   SandboxTable      *table,
                   const char        *record_id,
                   JsonObject        *body,
                   GPtrArray         *query,
                   gboolean           destructive)
{
  gboolean typecast, by_id;
  SandboxRecord *record = g_hash_table_lookup (table->records_by_id, record_id);
  g_autoptr(WritePlan) plan = NULL;
  g_autoptr(JsonObject) reply = NULL;

  if (record == NULL)
    {
      respond_record_not_found (msg);
      return;
    }
  if (!write_flags (msg, body, query, &typecast, &by_id))
    return;
  plan = write_plan_new (record);
  if (!plan_fields (self, msg, table, json_object_get_member (body, "fields"), typecast, plan))
    return;
  apply_plan (self, table, plan, destructive);
  reply = sandbox_record_to_json (self, table, record, NULL, by_id, FALSE, NULL, NULL);
  sandbox_server_changed (self);
  sandbox_respond_object (msg, 200, reply);
}

static void
delete_record (SandboxServer *self,
               SandboxTable  *table,
               SandboxRecord *record)
{
  /* keep inverse links in step, then drop the record */
  for (guint i = 0; i < table->fields->len; i++)
    {
      SandboxField *field = table->fields->pdata[i];

      if (g_str_equal (field->type, "multipleRecordLinks"))
        sandbox_record_set_cell (self, table, record, field, NULL);
    }
  sandbox_table_remove_record (table, record);
}

static void
handle_delete_batch (SandboxServer     *self,
                     SoupServerMessage *msg,
                     SandboxTable      *table,
                     GPtrArray         *query)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(JsonObject) reply = json_object_new ();
  JsonArray *out;

  for (guint i = 0; i + 1 < query->len; i += 2)
    if (g_str_equal (query->pdata[i], "records[]") || g_str_equal (query->pdata[i], "records")
        || g_str_has_prefix (query->pdata[i], "records["))
      g_ptr_array_add (ids, query->pdata[i + 1]);
  if (ids->len == 0 || ids->len > BATCH_MAX)
    {
      sandbox_respond_error (msg, 422, "INVALID_RECORDS",
                             "You must provide an array of up to 10 record IDs in records[].");
      return;
    }
  for (guint i = 0; i < ids->len; i++)
    if (!g_hash_table_contains (table->records_by_id, ids->pdata[i]))
      {
        sandbox_respond_error (msg, 422, "ROW_DOES_NOT_EXIST", "Record ID %s does not exist in this table",
                               (char *) ids->pdata[i]);
        return;
      }
  out = json_array_new ();
  for (guint i = 0; i < ids->len; i++)
    {
      SandboxRecord *record = g_hash_table_lookup (table->records_by_id, ids->pdata[i]);
      JsonObject *d = json_object_new ();

      json_object_set_string_member (d, "id", ids->pdata[i]);
      json_object_set_boolean_member (d, "deleted", TRUE);
      json_array_add_object_element (out, d);
      if (record != NULL)   /* the same id twice */
        delete_record (self, table, record);
    }
  json_object_set_array_member (reply, "records", out);
  sandbox_server_changed (self);
  sandbox_respond_object (msg, 200, reply);
}

/* ------------------------------------------------------------- comments */

static JsonObject *
comment_to_json (SandboxServer  *self,
                 SandboxComment *comment)
{
  JsonObject *obj = json_object_new ();
  JsonObject *author = json_object_new ();
  SandboxUser *user = sandbox_server_find_user (self, comment->author_id);
  g_autofree char *created = sandbox_format_time (comment->created_ms);

  json_object_set_string_member (obj, "id", comment->id);
  json_object_set_string_member (author, "id", comment->author_id);
  if (user != NULL)
    {
      json_object_set_string_member (author, "email", user->email);
      json_object_set_string_member (author, "name", user->name);
    }
  json_object_set_object_member (obj, "author", author);
  json_object_set_string_member (obj, "text", comment->text);
  json_object_set_string_member (obj, "createdTime", created);
  if (comment->updated_ms > 0)
    {
      g_autofree char *updated = sandbox_format_time (comment->updated_ms);

      json_object_set_string_member (obj, "lastUpdatedTime", updated);
    }
  else
    json_object_set_null_member (obj, "lastUpdatedTime");
  if (comment->parent_id != NULL)
    json_object_set_string_member (obj, "parentCommentId", comment->parent_id);

  /* "mentioned": every known user written as @[usr…] in the text, keyed by
   * id (Airtable's user-mentioned model). */
  {
    JsonObject *mentioned = NULL;
    const char *p = comment->text;

    while ((p = strstr (p, "@[usr")) != NULL)
      {
        const char *close = strchr (p, ']');
        g_autofree char *id = close != NULL ? g_strndup (p + 2, close - (p + 2)) : NULL;
        SandboxUser *who = id != NULL ? sandbox_server_find_user (self, id) : NULL;

        p += 2;
        if (who == NULL || !g_str_equal (who->id, id))
          continue;
        if (mentioned == NULL)
          mentioned = json_object_new ();
        if (!json_object_has_member (mentioned, who->id))
          {
            JsonObject *m = json_object_new ();

            json_object_set_string_member (m, "type", "user");
            json_object_set_string_member (m, "id", who->id);
            json_object_set_string_member (m, "displayName", who->name);
            json_object_set_string_member (m, "email", who->email);
            json_object_set_object_member (mentioned, who->id, m);
          }
      }
    if (mentioned != NULL)
      json_object_set_object_member (obj, "mentioned", mentioned);
  }
  return obj;
}

static SandboxComment *
find_comment (SandboxRecord *record,
              const char    *comment_id,
              guint         *out_index)
{
  for (guint i = 0; record->comments != NULL && i < record->comments->len; i++)
    {
      SandboxComment *comment = record->comments->pdata[i];

      if (g_str_equal (comment->id, comment_id))
        {
          *out_index = i;
          return comment;
        }
    }
  return NULL;
}

/* PATCH and DELETE …/comments/{id}: only the comment's author may (the API
 * says users can change and delete only the comments they created); anyone
 * else gets 403 INVALID_PERMISSIONS, see README. */
static void
handle_comment_change (SandboxServer     *self,
                       SoupServerMessage *msg,
                       SandboxAuth       *auth,
                       SandboxRecord     *record,
                       const char        *comment_id)
{
  const char *method = soup_server_message_get_method (msg);
  guint index = 0;
  SandboxComment *comment = find_comment (record, comment_id, &index);

  if (comment == NULL)
    {
      sandbox_respond_error (msg, 404, "MODEL_ID_NOT_FOUND", "Comment not found");
      return;
    }
  if (!g_str_equal (comment->author_id, auth->user->id))
    {
      sandbox_respond_error (msg, 403, "INVALID_PERMISSIONS", "You are not permitted to perform this operation");
      return;
    }

  if (g_str_equal (method, "DELETE"))
    {
      g_autoptr(JsonObject) reply = json_object_new ();

      json_object_set_string_member (reply, "id", comment->id);
      json_object_set_boolean_member (reply, "deleted", TRUE);
      g_ptr_array_remove_index (record->comments, index);
      sandbox_server_changed (self);
      sandbox_respond_object (msg, 200, reply);
      return;
    }

  {
    SoupMessageBody *raw = soup_server_message_get_request_body (msg);
    g_autoptr(JsonNode) body_node = NULL;
    g_autoptr(JsonObject) updated = NULL;
    JsonNode *text;

    if (raw == NULL || raw->length == 0)
      {
        sandbox_respond_invalid_request (msg);
        return;
      }
    body_node = sandbox_parse_body (msg, raw, TRUE);
    if (body_node == NULL)
      return;
    text = json_object_get_member (json_node_get_object (body_node), "text");
    if (!node_is_type (text, G_TYPE_STRING) || *json_node_get_string (text) == '\0')
      {
        sandbox_respond_invalid_request (msg);
        return;
      }
    g_free (comment->text);
    comment->text = g_strdup (json_node_get_string (text));
    comment->updated_ms = MAX (g_get_real_time () / 1000, comment->created_ms + 1);
    updated = comment_to_json (self, comment);
    sandbox_server_changed (self);
    sandbox_respond_object (msg, 200, updated);
  }
}

static void
handle_comments (SandboxServer     *self,
                 SoupServerMessage *msg,
                 SandboxAuth       *auth,
                 SandboxTable      *table,
                 SandboxRecord     *record,
                 GPtrArray         *query)
{
  const char *method = soup_server_message_get_method (msg);
  g_autoptr(JsonObject) reply = json_object_new ();

  if (g_str_equal (method, "GET"))
    {
      JsonArray *out = json_array_new ();
      gint64 page_size = 100;
      const char *offset = sandbox_query_get (query, "offset");
      const char *ps = sandbox_query_get (query, "pageSize");
      guint n = record->comments != NULL ? record->comments->len : 0;
      gint start = (gint) n - 1;

      if (ps != NULL && (!parse_int (ps, &page_size) || page_size < 1 || page_size > 100))
        {
          json_array_unref (out);
          sandbox_respond_error (msg, 422, "INVALID_PAGE_SIZE", "Invalid pageSize: \"%s\" (must be from 1 to 100)", ps);
          return;
        }
      if (offset != NULL)
        {
          gboolean found = FALSE;

          for (guint i = 0; i < n; i++)
            if (g_str_equal (((SandboxComment *) record->comments->pdata[i])->id, offset))
              {
                start = (gint) i;
                found = TRUE;
              }
          if (!found)
            {
              json_array_unref (out);
              sandbox_respond_error (msg, 422, "INVALID_OFFSET_VALUE", "The value of offset %s is invalid", offset);
              return;
            }
        }
      /* newest first */
      for (gint i = start; i >= 0 && json_array_get_length (out) < (guint) page_size; i--, start--)
        json_array_add_object_element (out, comment_to_json (self, record->comments->pdata[i]));
      json_object_set_array_member (reply, "comments", out);
      if (start >= 0)
        json_object_set_string_member (reply, "offset", ((SandboxComment *) record->comments->pdata[start])->id);
      else
        json_object_set_null_member (reply, "offset");
      sandbox_respond_object (msg, 200, reply);
      return;
    }

  if (g_str_equal (method, "POST"))
    {
      SoupMessageBody *raw = soup_server_message_get_request_body (msg);
      g_autoptr(JsonNode) body_node = NULL;
      JsonObject *body;
      JsonNode *text, *parent;
      SandboxComment *comment;
      g_autoptr(JsonObject) created = NULL;

      if (raw == NULL || raw->length == 0)
        {
          sandbox_respond_invalid_request (msg);
          return;
        }
      body_node = sandbox_parse_body (msg, raw, TRUE);
      if (body_node == NULL)
        return;
      body = json_node_get_object (body_node);
      text = json_object_get_member (body, "text");
      parent = json_object_get_member (body, "parentCommentId");
      if (!node_is_type (text, G_TYPE_STRING) || *json_node_get_string (text) == '\0'
          || (parent != NULL && !JSON_NODE_HOLDS_NULL (parent) && !node_is_type (parent, G_TYPE_STRING)))
        {
          sandbox_respond_invalid_request (msg);
          return;
        }
      comment = g_new0 (SandboxComment, 1);
      comment->id = sandbox_new_id ("com");
      comment->author_id = g_strdup (auth->user->id);
      comment->text = g_strdup (json_node_get_string (text));
      comment->parent_id = node_is_type (parent, G_TYPE_STRING) ? g_strdup (json_node_get_string (parent)) : NULL;
      comment->created_ms = g_get_real_time () / 1000;
      sandbox_record_add_comment (record, comment);
      created = comment_to_json (self, comment);
      sandbox_server_changed (self);
      sandbox_respond_object (msg, 200, created);
      return;
    }
  sandbox_respond_not_found (msg);
}

/* ------------------------------------------------------- uploadAttachment */

/* POST /v0/{base}/{record}/{field}/uploadAttachment (fact sheet §3.9; on
 * content.airtable.com in reality, on the same URL here). The bytes are
 * kept in memory and served from /__sandbox/attachments/{att}/{filename}. */
static void
handle_upload (SandboxServer     *self,
               SoupServerMessage *msg,
               SandboxBase       *base,
               const char        *record_id,
               const char        *field_name)
{
  SandboxTable *table = NULL;
  SandboxRecord *record = NULL;
  SandboxField *field;
  g_autoptr(JsonNode) body_node = NULL;
  JsonObject *body;
  JsonNode *ctype, *fname, *file;
  g_autofree guchar *data = NULL;
  gsize len = 0;
  JsonObject *att;
  g_autofree char *url = NULL;
  g_autofree char *escaped = NULL;
  JsonNode *cell;
  JsonArray *array;
  g_autoptr(JsonNode) value = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonObject) fields = NULL;
  g_autofree char *created = NULL;

  for (guint i = 0; i < base->tables->len && record == NULL; i++)
    {
      table = base->tables->pdata[i];
      record = g_hash_table_lookup (table->records_by_id, record_id);
    }
  if (record == NULL)
    {
      respond_record_not_found (msg);
      return;
    }
  field = sandbox_table_find_field (table, field_name);
  if (field == NULL || !g_str_equal (field->type, "multipleAttachments"))
    {
      sandbox_respond_error (msg, 422, "INVALID_ATTACHMENT_FIELD", "Field \"%s\" is not an attachment field", field_name);
      return;
    }
  body_node = sandbox_parse_body (msg, soup_server_message_get_request_body (msg), TRUE);
  if (body_node == NULL)
    return;
  body = json_node_get_object (body_node);
  ctype = json_object_get_member (body, "contentType");
  fname = json_object_get_member (body, "filename");
  file = json_object_get_member (body, "file");
  if (!node_is_type (ctype, G_TYPE_STRING) || !node_is_type (fname, G_TYPE_STRING) || !node_is_type (file, G_TYPE_STRING)
      || *json_node_get_string (fname) == '\0')
    {
      sandbox_respond_invalid_request (msg);
      return;
    }
  data = g_base64_decode (json_node_get_string (file), &len);

  escaped = g_uri_escape_string (json_node_get_string (fname), NULL, FALSE);
  att = sandbox_attachment_new ("", json_node_get_string (fname), json_node_get_string (ctype), (gint64) len);
  url = g_strdup_printf ("/__sandbox/attachments/%s/%s", json_object_get_string_member (att, "id"), escaped);
  json_object_set_string_member (att, "url", url);
  if (json_object_has_member (att, "thumbnails"))
    json_object_remove_member (att, "thumbnails");
  g_hash_table_insert (self->uploads, g_strdup (json_object_get_string_member (att, "id")),
                       g_bytes_new_take (g_steal_pointer (&data), len));
  g_hash_table_insert (self->upload_types, g_strdup (json_object_get_string_member (att, "id")),
                       g_strdup (json_node_get_string (ctype)));

  cell = json_object_get_member (record->cells, field->id);
  array = json_array_new ();
  for (guint i = 0; cell != NULL && JSON_NODE_HOLDS_ARRAY (cell) && i < json_array_get_length (json_node_get_array (cell)); i++)
    json_array_add_element (array, json_node_copy (json_array_get_element (json_node_get_array (cell), i)));
  json_array_add_object_element (array, att);
  value = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (value, array);
  sandbox_record_set_cell (self, table, record, field, value);
  record->modified_ms = g_get_real_time () / 1000;
  g_free (record->modified_by);
  record->modified_by = g_strdup (self->acting_user_id);
  sandbox_server_changed (self);

  reply = json_object_new ();
  fields = json_object_new ();
  created = sandbox_format_time (record->created_ms);
  json_object_set_string_member (reply, "id", record->id);
  json_object_set_string_member (reply, "createdTime", created);
  json_object_set_member (fields, field->id, sandbox_record_get_cell (self, table, record, field));
  json_object_set_object_member (reply, "fields", g_steal_pointer (&fields));
  sandbox_respond_object (msg, 200, reply);
}

/* --------------------------------------------------------------- routing */

static char *
join_segments (char **segments,
              guint  n)
{
  GString *s = g_string_new (segments[0]);

  for (guint i = 1; i < n; i++)
    g_string_append_printf (s, "/%s", segments[i]);
  return g_string_free (s, FALSE);
}

static gboolean
level_at_least (const char *level,
                const char *wanted)
{
  const char *order[] = { "none", "read", "comment", "edit", "create", NULL };
  int have = -1, want = 0;

  for (int i = 0; order[i] != NULL; i++)
    {
      if (level != NULL && g_str_equal (order[i], level))
        have = i;
      if (g_str_equal (order[i], wanted))
        want = i;
    }
  return have >= want;
}

void
sandbox_records_handle (SandboxServer     *self,
                        SoupServerMessage *msg,
                        SandboxAuth       *auth,
                        SandboxBase       *base,
                        char             **segments,
                        guint              n_segments,
                        GPtrArray         *query)
{
  const char *method = soup_server_message_get_method (msg);
  gboolean is_get = g_str_equal (method, "GET");
  gboolean is_post = g_str_equal (method, "POST");
  gboolean is_patch = g_str_equal (method, "PATCH");
  gboolean is_put = g_str_equal (method, "PUT");
  gboolean is_delete = g_str_equal (method, "DELETE");
  gboolean comments;
  gboolean list_post;
  const char *scope;
  g_autofree char *joined = NULL;
  g_autofree char **shifted = NULL;

  if (n_segments == 3 && g_str_equal (segments[2], "uploadAttachment") && sandbox_is_id (segments[0], "rec")
      && (base == NULL || sandbox_base_find_table (base, segments[0]) == NULL))
    {
      if (!g_str_equal (method, "POST"))
        sandbox_respond_not_found (msg);
      else if (!sandbox_auth_has_scope (auth, "data.records:write") || !sandbox_auth_can_see_base (self, auth, base)
               || !level_at_least (sandbox_base_permission (base, auth->user->id), "edit"))
        sandbox_respond_forbidden (msg);
      else if (sandbox_server_check_base_rate (self, msg, base))
        handle_upload (self, msg, base, segments[0], segments[1]);
      return;
    }

  /* The path arrives decoded, so a table name containing "/" spans several
   * segments: take the longest run of leading segments naming a table. */
  if (base != NULL && n_segments > 1 && sandbox_base_find_table (base, segments[0]) == NULL)
    for (guint k = n_segments; k > 1; k--)
      {
        g_autofree char *name = join_segments (segments, k);

        if (sandbox_base_find_table (base, name) != NULL)
          {
            shifted = g_new0 (char *, n_segments - k + 2);
            joined = g_steal_pointer (&name);
            shifted[0] = joined;
            for (guint i = k; i < n_segments; i++)
              shifted[i - k + 1] = segments[i];
            segments = shifted;
            n_segments = n_segments - k + 1;
            break;
          }
      }
  comments = (n_segments == 3 || n_segments == 4) && g_str_equal (segments[2], "comments");
  list_post = n_segments == 2 && g_str_equal (segments[1], "listRecords");
  const char *level;
  SandboxTable *table;
  g_autoptr(JsonNode) body_node = NULL;

  if (n_segments > 4 || (n_segments >= 3 && !comments))
    {
      sandbox_respond_not_found (msg);
      return;
    }
  if (comments)
    {
      gboolean writing = !is_get;

      scope = writing ? "data.recordComments:write" : "data.recordComments:read";
      level = writing ? "comment" : "read";
      if ((n_segments == 3 && !is_get && !is_post) || (n_segments == 4 && !is_patch && !is_delete))
        {
          sandbox_respond_not_found (msg);
          return;
        }
    }
  else if (is_get || list_post)
    {
      scope = "data.records:read";
      level = "read";
      if (list_post && !is_post)
        {
          sandbox_respond_not_found (msg);
          return;
        }
    }
  else if (is_post || is_patch || is_put || is_delete)
    {
      scope = "data.records:write";
      level = "edit";
      if (is_post && n_segments != 1)
        {
          sandbox_respond_not_found (msg);
          return;
        }
    }
  else
    {
      sandbox_respond_not_found (msg);   /* unknown method: 404, see README */
      return;
    }

  if (!sandbox_auth_has_scope (auth, scope) || !sandbox_auth_can_see_base (self, auth, base)
      || !level_at_least (sandbox_base_permission (base, auth->user->id), level))
    {
      sandbox_respond_forbidden (msg);
      return;
    }
  if (!sandbox_server_check_base_rate (self, msg, base))
    return;

  table = sandbox_base_find_table (base, segments[0]);
  if (table == NULL)
    {
      sandbox_respond_error (msg, 404, "TABLE_NOT_FOUND", "Could not find table %s in application %s", segments[0], base->id);
      return;
    }

  sandbox_pending_choices_discard (self);
  if ((is_post || is_patch || is_put) && !comments)
    {
      SoupMessageBody *raw = soup_server_message_get_request_body (msg);

      if (!(list_post && (raw == NULL || raw->length == 0)))
        {
          body_node = sandbox_parse_body (msg, raw, TRUE);
          if (body_node == NULL)
            return;
        }
    }

  if (list_post)
    {
      g_autoptr(JsonObject) empty = json_object_new ();

      handle_list (self, msg, table, query, body_node != NULL ? json_node_get_object (body_node) : empty);
      return;
    }

  if (n_segments == 1)
    {
      if (is_get)
        handle_list (self, msg, table, query, NULL);
      else if (is_post)
        handle_create (self, msg, table, json_node_get_object (body_node), query);
      else if (is_patch || is_put)
        handle_update_batch (self, msg, table, json_node_get_object (body_node), query, is_put);
      else
        handle_delete_batch (self, msg, table, query);
      return;
    }

  {
    SandboxRecord *record = g_hash_table_lookup (table->records_by_id, segments[1]);

    if (is_get && record == NULL)
      {
        /* the base-wide fallback of §3.4 */
        for (guint i = 0; i < base->tables->len && record == NULL; i++)
          {
            SandboxTable *other = base->tables->pdata[i];

            record = g_hash_table_lookup (other->records_by_id, segments[1]);
            if (record != NULL)
              table = other;
          }
      }

    if (comments)
      {
        if (record == NULL)
          respond_record_not_found (msg);
        else if (n_segments == 4)
          handle_comment_change (self, msg, auth, record, segments[3]);
        else
          handle_comments (self, msg, auth, table, record, query);
        return;
      }

    if (is_get)
      {
        gboolean by_id = sandbox_query_bool (sandbox_query_get (query, "returnFieldsByFieldId"));
        const char *cell_format = sandbox_query_get (query, "cellFormat");
        g_autoptr(GTimeZone) zone = NULL;
        g_autoptr(JsonObject) reply = NULL;

        for (guint i = 0; i + 1 < query->len; i += 2)
          if (g_str_has_prefix (query->pdata[i], "fields"))
            {
              sandbox_respond_invalid_request (msg);
              return;
            }
        if (record == NULL)
          {
            respond_record_not_found (msg);
            return;
          }
        if (cell_format != NULL && g_str_equal (cell_format, "string"))
          {
            const char *tz = sandbox_query_get (query, "timeZone");

            if (tz == NULL || sandbox_query_get (query, "userLocale") == NULL
                || (zone = g_time_zone_new_identifier (tz)) == NULL)
              {
                sandbox_respond_error (msg, 422, "INVALID_REQUEST_UNKNOWN",
                                       "Invalid request: timeZone and userLocale are required when cellFormat is \"string\".");
                return;
              }
          }
        else if (cell_format != NULL && !g_str_equal (cell_format, "json"))
          {
            sandbox_respond_error (msg, 422, "INVALID_REQUEST_UNKNOWN", "Invalid cellFormat: \"%s\"", cell_format);
            return;
          }
        reply = sandbox_record_to_json (self, table, record, NULL, by_id, FALSE, zone,
                                        sandbox_query_get (query, "userLocale"));
        sandbox_respond_object (msg, 200, reply);
        return;
      }

    if (is_delete)
      {
        g_autoptr(JsonObject) reply = json_object_new ();

        if (record == NULL)
          {
            respond_record_not_found (msg);
            return;
          }
        json_object_set_string_member (reply, "id", record->id);
        json_object_set_boolean_member (reply, "deleted", TRUE);
        delete_record (self, table, record);
        sandbox_server_changed (self);
        sandbox_respond_object (msg, 200, reply);
        return;
      }

    if (is_patch || is_put)
      {
        handle_update_one (self, msg, table, segments[1], json_node_get_object (body_node), query, is_put);
        return;
      }
  }
  sandbox_respond_not_found (msg);
}
