/* hangar-list-options.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "hangar-json.h"
#include "hangar-list-options.h"

/**
 * HangarListOptions:
 *
 * Every option of "list records" (src/api/README.md, "Listing records";
 * https://airtable.com/developers/web/api/list-records): projected fields, a
 * formula, a total cap, the page size, sort keys, a view, the string cell
 * format with its time zone and locale, field-id keys and the comment count.
 * Unset options are not sent.
 */
struct _HangarListOptions
{
  GPtrArray *fields;        /* char* */
  char      *formula;
  guint      max_records;
  guint      page_size;
  GPtrArray *sort_fields;   /* char* */
  GArray    *sort_desc;     /* gboolean */
  char      *view;
  char      *time_zone;     /* non-NULL: cellFormat=string */
  char      *user_locale;
  gboolean   fields_by_id;
  gboolean   comment_count;
  gboolean   force_post;
};

G_DEFINE_BOXED_TYPE (HangarListOptions, hangar_list_options,
                     hangar_list_options_copy, hangar_list_options_free)

HangarListOptions *
hangar_list_options_new (void)
{
  HangarListOptions *self = g_new0 (HangarListOptions, 1);

  self->fields = g_ptr_array_new_with_free_func (g_free);
  self->sort_fields = g_ptr_array_new_with_free_func (g_free);
  self->sort_desc = g_array_new (FALSE, FALSE, sizeof (gboolean));
  return self;
}

HangarListOptions *
hangar_list_options_copy (const HangarListOptions *self)
{
  HangarListOptions *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = hangar_list_options_new ();
  for (guint i = 0; i < self->fields->len; i++)
    g_ptr_array_add (copy->fields, g_strdup (g_ptr_array_index (self->fields, i)));
  for (guint i = 0; i < self->sort_fields->len; i++)
    hangar_list_options_add_sort (copy, g_ptr_array_index (self->sort_fields, i),
                                  g_array_index (self->sort_desc, gboolean, i));
  copy->formula = g_strdup (self->formula);
  copy->max_records = self->max_records;
  copy->page_size = self->page_size;
  copy->view = g_strdup (self->view);
  copy->time_zone = g_strdup (self->time_zone);
  copy->user_locale = g_strdup (self->user_locale);
  copy->fields_by_id = self->fields_by_id;
  copy->comment_count = self->comment_count;
  copy->force_post = self->force_post;
  return copy;
}

void
hangar_list_options_free (HangarListOptions *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->fields);
  g_ptr_array_unref (self->sort_fields);
  g_array_unref (self->sort_desc);
  g_free (self->formula);
  g_free (self->view);
  g_free (self->time_zone);
  g_free (self->user_locale);
  g_free (self);
}

/** hangar_list_options_add_field: only @field (a name or id) comes back; repeatable. */
void
hangar_list_options_add_field (HangarListOptions *self,
                               const char        *field)
{
  g_return_if_fail (self != NULL && field != NULL);
  g_ptr_array_add (self->fields, g_strdup (field));
}

/** hangar_list_options_set_formula: filterByFormula; %NULL or "" for none. */
void
hangar_list_options_set_formula (HangarListOptions *self,
                                 const char        *formula)
{
  g_return_if_fail (self != NULL);
  g_free (self->formula);
  self->formula = (formula != NULL && *formula != '\0') ? g_strdup (formula) : NULL;
}

/** hangar_list_options_set_max_records: total cap across pages; 0 for none. */
void
hangar_list_options_set_max_records (HangarListOptions *self,
                                     guint              max_records)
{
  g_return_if_fail (self != NULL);
  self->max_records = max_records;
}

/** hangar_list_options_set_page_size: 1–100; 0 for the server default (100). */
void
hangar_list_options_set_page_size (HangarListOptions *self,
                                   guint              page_size)
{
  g_return_if_fail (self != NULL);
  self->page_size = page_size;
}

/** hangar_list_options_add_sort: one more sort key, in priority order. */
void
hangar_list_options_add_sort (HangarListOptions *self,
                              const char        *field,
                              gboolean           descending)
{
  g_return_if_fail (self != NULL && field != NULL);
  g_ptr_array_add (self->sort_fields, g_strdup (field));
  descending = !!descending;
  g_array_append_val (self->sort_desc, descending);
}

/** hangar_list_options_set_view: a view name or id; %NULL for none. */
void
hangar_list_options_set_view (HangarListOptions *self,
                              const char        *view)
{
  g_return_if_fail (self != NULL);
  g_free (self->view);
  self->view = g_strdup (view);
}

/**
 * hangar_list_options_set_cell_format_string:
 * @time_zone: (nullable): e.g. "Europe/Paris"; %NULL goes back to JSON cells
 * @user_locale: (nullable): e.g. "en-gb"
 *
 * cellFormat=string, which Airtable requires with both a time zone and a locale.
 */
void
hangar_list_options_set_cell_format_string (HangarListOptions *self,
                                            const char        *time_zone,
                                            const char        *user_locale)
{
  g_return_if_fail (self != NULL);
  g_free (self->time_zone);
  g_free (self->user_locale);
  self->time_zone = g_strdup (time_zone);
  self->user_locale = time_zone != NULL ? g_strdup (user_locale) : NULL;
}

/** hangar_list_options_set_fields_by_id: returnFieldsByFieldId. */
void
hangar_list_options_set_fields_by_id (HangarListOptions *self,
                                      gboolean           by_id)
{
  g_return_if_fail (self != NULL);
  self->fields_by_id = !!by_id;
}

/** hangar_list_options_set_comment_count: recordMetadata[]=commentCount. */
void
hangar_list_options_set_comment_count (HangarListOptions *self,
                                       gboolean           comment_count)
{
  g_return_if_fail (self != NULL);
  self->comment_count = !!comment_count;
}

/** hangar_list_options_set_force_post: use POST …/listRecords even for short URLs. */
void
hangar_list_options_set_force_post (HangarListOptions *self,
                                    gboolean           force_post)
{
  g_return_if_fail (self != NULL);
  self->force_post = !!force_post;
}

const char *
hangar_list_options_get_formula (const HangarListOptions *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->formula;
}

guint
hangar_list_options_get_max_records (const HangarListOptions *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->max_records;
}

guint
hangar_list_options_get_page_size (const HangarListOptions *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->page_size;
}

/* How many fields the listing is limited to (0: every field). */
guint
hangar_list_options_get_n_fields (const HangarListOptions *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->fields->len;
}

gboolean
_hangar_list_options_get_force_post (const HangarListOptions *self)
{
  return self != NULL && self->force_post;
}

static void
append_param (GString    *query,
              const char *key,
              const char *value)
{
  g_autofree char *k = g_uri_escape_string (key, NULL, FALSE);
  g_autofree char *v = g_uri_escape_string (value, NULL, FALSE);

  if (query->len > 0)
    g_string_append_c (query, '&');
  g_string_append (query, k);
  g_string_append_c (query, '=');
  g_string_append (query, v);
}

static void
append_cell_format (const HangarListOptions *self,
                    GString                 *query,
                    gboolean                 with_format)
{
  if (self->time_zone == NULL)
    return;
  if (with_format)
    append_param (query, "cellFormat", "string");
  append_param (query, "timeZone", self->time_zone);
  if (self->user_locale != NULL)
    append_param (query, "userLocale", self->user_locale);
}

char *
_hangar_list_options_to_query (const HangarListOptions *self,
                               const char              *offset)
{
  GString *query = g_string_new (NULL);

  if (self != NULL)
    {
      for (guint i = 0; i < self->fields->len; i++)
        append_param (query, "fields[]", g_ptr_array_index (self->fields, i));
      if (self->formula != NULL)
        append_param (query, "filterByFormula", self->formula);
      if (self->max_records > 0)
        {
          char buf[16];

          g_snprintf (buf, sizeof buf, "%u", self->max_records);
          append_param (query, "maxRecords", buf);
        }
      if (self->page_size > 0)
        {
          char buf[16];

          g_snprintf (buf, sizeof buf, "%u", self->page_size);
          append_param (query, "pageSize", buf);
        }
      for (guint i = 0; i < self->sort_fields->len; i++)
        {
          char key[48];

          g_snprintf (key, sizeof key, "sort[%u][field]", i);
          append_param (query, key, g_ptr_array_index (self->sort_fields, i));
          g_snprintf (key, sizeof key, "sort[%u][direction]", i);
          append_param (query, key, g_array_index (self->sort_desc, gboolean, i) ? "desc" : "asc");
        }
      if (self->view != NULL)
        append_param (query, "view", self->view);
      append_cell_format (self, query, TRUE);
      if (self->fields_by_id)
        append_param (query, "returnFieldsByFieldId", "true");
      if (self->comment_count)
        append_param (query, "recordMetadata[]", "commentCount");
    }
  if (offset != NULL)
    append_param (query, "offset", offset);

  return g_string_free (query, FALSE);
}

char *
_hangar_list_options_to_post_query (const HangarListOptions *self)
{
  GString *query = g_string_new (NULL);

  if (self != NULL)
    append_cell_format (self, query, FALSE);
  return g_string_free (query, FALSE);
}

GBytes *
_hangar_list_options_to_post_body (const HangarListOptions *self,
                                   const char              *offset)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  char *data;

  json_builder_begin_object (builder);
  if (self != NULL)
    {
      if (self->fields->len > 0)
        {
          json_builder_set_member_name (builder, "fields");
          json_builder_begin_array (builder);
          for (guint i = 0; i < self->fields->len; i++)
            json_builder_add_string_value (builder, g_ptr_array_index (self->fields, i));
          json_builder_end_array (builder);
        }
      if (self->formula != NULL)
        {
          json_builder_set_member_name (builder, "filterByFormula");
          json_builder_add_string_value (builder, self->formula);
        }
      if (self->max_records > 0)
        {
          json_builder_set_member_name (builder, "maxRecords");
          json_builder_add_int_value (builder, self->max_records);
        }
      if (self->page_size > 0)
        {
          json_builder_set_member_name (builder, "pageSize");
          json_builder_add_int_value (builder, self->page_size);
        }
      if (self->sort_fields->len > 0)
        {
          json_builder_set_member_name (builder, "sort");
          json_builder_begin_array (builder);
          for (guint i = 0; i < self->sort_fields->len; i++)
            {
              json_builder_begin_object (builder);
              json_builder_set_member_name (builder, "field");
              json_builder_add_string_value (builder, g_ptr_array_index (self->sort_fields, i));
              json_builder_set_member_name (builder, "direction");
              json_builder_add_string_value (builder,
                                             g_array_index (self->sort_desc, gboolean, i) ? "desc" : "asc");
              json_builder_end_object (builder);
            }
          json_builder_end_array (builder);
        }
      if (self->view != NULL)
        {
          json_builder_set_member_name (builder, "view");
          json_builder_add_string_value (builder, self->view);
        }
      if (self->time_zone != NULL)
        {
          json_builder_set_member_name (builder, "cellFormat");
          json_builder_add_string_value (builder, "string");
        }
      if (self->fields_by_id)
        {
          json_builder_set_member_name (builder, "returnFieldsByFieldId");
          json_builder_add_boolean_value (builder, TRUE);
        }
      if (self->comment_count)
        {
          json_builder_set_member_name (builder, "recordMetadata");
          json_builder_begin_array (builder);
          json_builder_add_string_value (builder, "commentCount");
          json_builder_end_array (builder);
        }
    }
  if (offset != NULL)
    {
      json_builder_set_member_name (builder, "offset");
      json_builder_add_string_value (builder, offset);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  data = hangar_json_to_string (root, -1);
  return g_bytes_new_take (data, strlen (data));
}

char *
_hangar_list_options_to_record_query (const HangarListOptions *self)
{
  GString *query = g_string_new (NULL);

  if (self != NULL)
    {
      append_cell_format (self, query, TRUE);
      if (self->fields_by_id)
        append_param (query, "returnFieldsByFieldId", "true");
    }
  return g_string_free (query, FALSE);
}
