/* hangar-record-grid-clipboard.c — copy and paste of cells
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hangar-cell-value.h"
#include "hangar-formula.h"
#include "hangar-record-grid-private.h"

/* Copy puts the cells on the clipboard twice: as tab-separated text (what
 * spreadsheets read and write: a cell with a tab, a newline or a quote is
 * quoted, its quotes doubled) and as an HTML table (rich text editors).
 * Paste reads tab-separated text onto the cells from the cursor (or fills a
 * selected range with a single value), converting each value for its
 * field (numbers in the locale, dates, selects by name, linked records by
 * their primary value — looked up in the linked table first). Rows beyond
 * the last record are offered as new records. All of it is one journal
 * group: one undo step, sent in batches of 10. */

#define MAX_REPORTED 3
#define LINK_NAMES_PER_SEARCH 30

/* ---- copy ---- */

static void
append_tsv_cell (GString    *out,
                 const char *text)
{
  if (strpbrk (text, "\t\n\r\"") == NULL)
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
append_html_cell (GString    *out,
                  const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  g_auto(GStrv) lines = g_strsplit (escaped, "\n", -1);
  g_autofree char *joined = g_strjoinv ("<br>", lines);

  g_string_append_printf (out, "<td>%s</td>", joined);
}

void
_hangar_record_grid_copy (HangarRecordGrid *self,
                          gboolean          cut)
{
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(GString) tsv = g_string_new (NULL);
  g_autoptr(GString) html = g_string_new ("<meta charset=\"utf-8\"><table>");
  g_autoptr(GBytes) html_bytes = NULL;
  g_autoptr(GdkContentProvider) provider = NULL;
  GdkContentProvider *providers[2];
  g_autofree char *message = NULL;
  guint n;

  if (!_hangar_record_grid_get_target (self, &rows, &fields) || rows->len == 0)
    return;

  for (guint i = 0; i < rows->len; i++)
    {
      HangarRecord *record = hangar_grid_model_peek (self->model, g_array_index (rows, guint, i));

      g_string_append (html, "<tr>");
      for (guint j = 0; j < fields->len; j++)
        {
          HangarField *field = g_ptr_array_index (fields, j);
          g_autofree char *text = hangar_cell_value_to_copy_text (field, hangar_record_get_field (record, hangar_field_get_name (field)),
                                                                  self->links);

          if (j > 0)
            g_string_append_c (tsv, '\t');
          append_tsv_cell (tsv, text);
          append_html_cell (html, text);
        }
      g_string_append (tsv, "\n");
      g_string_append (html, "</tr>");
    }
  g_string_append (html, "</table>");

  html_bytes = g_bytes_new (html->str, html->len);
  providers[0] = gdk_content_provider_new_typed (G_TYPE_STRING, tsv->str);
  providers[1] = gdk_content_provider_new_for_bytes ("text/html", html_bytes);
  provider = gdk_content_provider_new_union (providers, 2);
  gdk_clipboard_set_content (gtk_widget_get_clipboard (GTK_WIDGET (self)), provider);

  n = rows->len * fields->len;
  message = g_strdup_printf (g_dngettext (NULL, "Copied %u cell", "Copied %u cells", n), n);
  _hangar_record_grid_show_message (self, message);
  if (cut)
    gtk_widget_activate_action (GTK_WIDGET (self), "grid.clear-cells", NULL);
}

/* ---- reading tab-separated text ---- */

/* Rows of cells (GPtrArray of GStrv-like GPtrArray of char*). A quoted cell
 * may hold tabs, newlines and doubled quotes; CRLF line ends are fine; a
 * last empty line is no row. */
static GPtrArray *
parse_tsv (const char *text)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *row = g_ptr_array_new_with_free_func (g_free);
  GString *cell = g_string_new (NULL);
  const char *p = text;
  gboolean quoted = FALSE;
  gboolean at_start = TRUE;

  while (*p != '\0')
    {
      char c = *p;

      if (quoted)
        {
          if (c == '"' && p[1] == '"')
            {
              g_string_append_c (cell, '"');
              p += 2;
              continue;
            }
          if (c == '"')
            quoted = FALSE;
          else
            g_string_append_c (cell, c);
          p++;
          continue;
        }
      if (c == '"' && at_start)
        {
          quoted = TRUE;
          at_start = FALSE;
          p++;
          continue;
        }
      if (c == '\t')
        {
          g_ptr_array_add (row, g_string_free (cell, FALSE));
          cell = g_string_new (NULL);
          at_start = TRUE;
          p++;
          continue;
        }
      if (c == '\r' || c == '\n')
        {
          g_ptr_array_add (row, g_string_free (cell, FALSE));
          cell = g_string_new (NULL);
          g_ptr_array_add (rows, row);
          row = g_ptr_array_new_with_free_func (g_free);
          at_start = TRUE;
          p += (c == '\r' && p[1] == '\n') ? 2 : 1;
          continue;
        }
      g_string_append_c (cell, c);
      at_start = FALSE;
      p++;
    }
  if (cell->len > 0 || row->len > 0)
    {
      g_ptr_array_add (row, g_string_free (cell, FALSE));
      g_ptr_array_add (rows, row);
    }
  else
    {
      g_string_free (cell, TRUE);
      g_ptr_array_unref (row);
    }
  return rows;
}

/* ---- paste ---- */

typedef struct
{
  HangarRecordGrid *self;
  GPtrArray        *cells;       /* parsed rows (GPtrArray of char *) */
  GPtrArray        *fields;      /* visible fields from the start column */
  GArray           *target_rows; /* the grid rows pasted onto, in order */
  gboolean          fill;        /* one value over the whole target */
  GPtrArray        *target_fields;
  guint             n_extra;     /* parsed rows below the last record */
  gboolean          create_extra;
  GHashTable       *link_ids;    /* "table\x1fname" → record id ("" when not found) */
  guint             pending_searches;
  guint             loading_handler;
  guint             needed_rows;
  guint             n_invalid;
  guint             n_read_only;
  guint             n_not_found;
  GString          *problems;
} Paste;

static void
paste_free (Paste *paste)
{
  g_clear_pointer (&paste->cells, g_ptr_array_unref);
  g_clear_pointer (&paste->fields, g_ptr_array_unref);
  g_clear_pointer (&paste->target_rows, g_array_unref);
  g_clear_pointer (&paste->target_fields, g_ptr_array_unref);
  g_clear_pointer (&paste->link_ids, g_hash_table_unref);
  if (paste->problems != NULL)
    g_string_free (paste->problems, TRUE);
  g_clear_object (&paste->self);
  g_free (paste);
}

static void
note_problem (Paste      *paste,
              const char *message)
{
  if (paste->n_invalid + paste->n_not_found > MAX_REPORTED)
    return;
  if (paste->problems->len > 0)
    g_string_append (paste->problems, "; ");
  g_string_append (paste->problems, message);
}

static char *
link_key (HangarField *field,
          const char  *name)
{
  return g_strconcat (hangar_cell_value_option_string (field, "linkedTableId") ?: "", "\x1f", name, NULL);
}

/* The value of one pasted cell for @field, or NULL (skipped, counted). */
static JsonNode *
convert (Paste       *paste,
         HangarField *field,
         const char  *text,
         gboolean    *out_typecast)
{
  g_autoptr(GError) error = NULL;
  JsonNode *value;

  *out_typecast = FALSE;
  if (hangar_cell_edit_kind (field) == HANGAR_CELL_EDIT_NONE)
    {
      paste->n_read_only++;
      return NULL;
    }
  if (hangar_cell_edit_kind (field) == HANGAR_CELL_EDIT_LINKS)
    {
      g_auto(GStrv) names = hangar_cell_value_split_list (text);
      JsonArray *array = json_array_new ();
      JsonNode *node = json_node_new (JSON_NODE_ARRAY);

      for (guint i = 0; names[i] != NULL; i++)
        {
          g_autofree char *key = link_key (field, names[i]);
          const char *id = g_hash_table_lookup (paste->link_ids, key);

          if (g_str_has_prefix (names[i], "rec") && strlen (names[i]) == 17)
            json_array_add_string_element (array, names[i]);   /* an id as is */
          else if (id != NULL && *id != '\0')
            json_array_add_string_element (array, id);
          else
            {
              g_autofree char *message = g_strdup_printf (_("no record “%s” to link in “%s”"), names[i],
                                                          hangar_field_get_name (field));

              paste->n_not_found++;
              note_problem (paste, message);
            }
        }
      json_node_take_array (node, array);
      return node;
    }
  value = hangar_cell_value_from_text (field, text, FALSE, out_typecast, &error);
  if (value == NULL)
    {
      paste->n_invalid++;
      note_problem (paste, error->message);
    }
  return value;
}

/* The text of parsed cell (row @i, column @j), or NULL when the paste has
 * no such cell. A single value fills every target cell. */
static const char *
cell_text (Paste *paste,
           guint  i,
           guint  j)
{
  GPtrArray *row;

  if (paste->fill)
    return g_ptr_array_index ((GPtrArray *) g_ptr_array_index (paste->cells, 0), 0);
  if (i >= paste->cells->len)
    return NULL;
  row = g_ptr_array_index (paste->cells, i);
  return j < row->len ? g_ptr_array_index (row, j) : NULL;
}

static HangarField *
cell_field (Paste *paste,
            guint  j)
{
  GPtrArray *fields = paste->fill ? paste->target_fields : paste->fields;

  return j < fields->len ? g_ptr_array_index (fields, j) : NULL;
}

static guint
n_columns (Paste *paste)
{
  guint n = 0;

  if (paste->fill)
    return paste->target_fields->len;
  for (guint i = 0; i < paste->cells->len; i++)
    n = MAX (n, ((GPtrArray *) g_ptr_array_index (paste->cells, i))->len);
  return MIN (n, paste->fields->len);
}

static void
paste_commit (Paste *paste)
{
  HangarRecordGrid *self = paste->self;
  g_autoptr(GPtrArray) writes = g_ptr_array_new_with_free_func (_hangar_cell_write_free);
  g_autoptr(HangarJournalGroup) group = NULL;
  g_autoptr(GString) message = g_string_new (NULL);
  guint n_rows = paste->fill ? paste->target_rows->len : MIN (paste->cells->len, paste->target_rows->len);
  guint n_cols = n_columns (paste);
  guint n_cells = 0;
  guint n_created = 0;
  g_autofree char *label = NULL;

  if (self->journal == NULL || self->table == NULL)
    {
      paste_free (paste);
      return;
    }

  for (guint i = 0; i < n_rows; i++)
    {
      HangarRecord *record = hangar_grid_model_peek (self->model, g_array_index (paste->target_rows, guint, i));

      for (guint j = 0; j < n_cols; j++)
        {
          const char *text = cell_text (paste, i, j);
          HangarField *field = cell_field (paste, j);
          HangarCellWrite *write;
          gboolean typecast = FALSE;
          JsonNode *value;

          if (text == NULL || field == NULL)
            continue;
          value = convert (paste, field, text, &typecast);
          if (value == NULL)
            continue;
          write = g_new0 (HangarCellWrite, 1);
          write->record_id = g_strdup (hangar_record_get_id (record));
          write->field = field;
          write->value = value;
          write->typecast = typecast;
          g_ptr_array_add (writes, write);
          n_cells++;
        }
    }

  label = g_strdup_printf (g_dngettext (NULL, "Paste %u cell", "Paste %u cells", n_cells), n_cells);
  group = hangar_journal_group_new (label);
  _hangar_record_grid_add_updates (self, group, writes);

  /* The rows below the last record, as new records. */
  if (paste->create_extra)
    for (guint i = n_rows; i < paste->cells->len; i++)
      {
        g_autoptr(JsonObject) fields = json_object_new ();
        gboolean typecast_any = FALSE;

        for (guint j = 0; j < n_cols; j++)
          {
            const char *text = cell_text (paste, i, j);
            HangarField *field = cell_field (paste, j);
            gboolean typecast = FALSE;
            JsonNode *value;

            if (text == NULL || field == NULL)
              continue;
            value = convert (paste, field, text, &typecast);
            if (value == NULL)
              continue;
            typecast_any |= typecast;
            if (JSON_NODE_HOLDS_NULL (value))
              json_node_unref (value);
            else
              json_object_set_member (fields, hangar_field_get_name (field), value);
          }
        hangar_journal_group_add_create (group, self->base_id, hangar_table_get_id (self->table), fields,
                                         typecast_any);
        n_created++;
      }

  if (hangar_journal_group_get_n_changes (group) > 0)
    {
      hangar_journal_submit (self->journal, group);
      _hangar_record_grid_push_undo (self, group);
    }

  g_string_append_printf (message, g_dngettext (NULL, "Pasted %u cell", "Pasted %u cells", n_cells), n_cells);
  if (n_created > 0)
    g_string_append_printf (message, g_dngettext (NULL, ", %u new record", ", %u new records", n_created), n_created);
  if (paste->n_read_only > 0)
    g_string_append_printf (message, g_dngettext (NULL, "; %u computed cell left as it is",
                                                  "; %u computed cells left as they are", paste->n_read_only),
                            paste->n_read_only);
  if (paste->n_invalid + paste->n_not_found > 0)
    g_string_append_printf (message, g_dngettext (NULL, "; %u value not pasted (%s)", "; %u values not pasted (%s)",
                                                  paste->n_invalid + paste->n_not_found),
                            paste->n_invalid + paste->n_not_found, paste->problems->str);
  _hangar_record_grid_show_message (self, message->str);
  paste_free (paste);
}

static void
extra_rows_cb (AdwMessageDialog *dialog,
               const char       *response,
               Paste            *paste)
{
  if (g_str_equal (response, "cancel"))
    {
      paste_free (paste);
      return;
    }
  paste->create_extra = g_str_equal (response, "create");
  paste_commit (paste);
}

static void
ask_or_commit (Paste *paste)
{
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  if (paste->n_extra == 0 || paste->fill)
    {
      paste_commit (paste);
      return;
    }
  heading = g_strdup_printf (g_dngettext (NULL, "Paste %u more row as a new record?",
                                          "Paste %u more rows as new records?", paste->n_extra), paste->n_extra);
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (paste->self))), heading,
                                   _("What was copied has more rows than the table has below the cursor."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "existing", _("_Only Existing Rows"),
                                    "create", _("_Create Records"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "create", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "create");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (extra_rows_cb), paste);
  gtk_window_present (GTK_WINDOW (dialog));
}

typedef struct
{
  Paste       *paste;
  HangarField *primary;
  char        *table_id;
} LinkSearch;

static void
link_search_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  LinkSearch *search = user_data;
  Paste *paste = search->paste;
  g_autoptr(GError) error = NULL;
  g_autofree char *offset = NULL;
  g_autoptr(GPtrArray) records = hangar_client_list_records_page_finish (HANGAR_CLIENT (source), result, &offset, &error);

  if (records == NULL)
    g_warning ("Could not look up linked records for a paste: %s", error->message);
  for (guint i = 0; records != NULL && i < records->len; i++)
    {
      HangarRecord *record = g_ptr_array_index (records, i);
      g_autofree char *name = hangar_grid_format_cell (search->primary,
                                                       hangar_record_get_field (record, hangar_field_get_name (search->primary)),
                                                       NULL);
      g_autofree char *key = g_strconcat (search->table_id, "\x1f", name, NULL);

      /* The first record with that name wins. */
      if (g_hash_table_lookup (paste->link_ids, key) == NULL)
        g_hash_table_insert (paste->link_ids, g_steal_pointer (&key), g_strdup (hangar_record_get_id (record)));
      if (paste->self->links != NULL)
        hangar_link_cache_remember (paste->self->links, search->table_id, hangar_record_get_id (record), name);
    }
  g_free (search->table_id);
  g_free (search);
  if (--paste->pending_searches == 0)
    ask_or_commit (paste);
}

/* Looks up the names pasted into link columns (by the linked tables'
 * primary fields); then goes on. */
static void
resolve_links (Paste *paste)
{
  HangarRecordGrid *self = paste->self;
  g_autoptr(GHashTable) names_by_table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                                (GDestroyNotify) g_hash_table_unref);
  guint n_cols = n_columns (paste);
  guint n_rows = paste->fill ? 1 : paste->cells->len;
  GHashTableIter iter;
  gpointer key, value;

  for (guint j = 0; j < n_cols; j++)
    {
      HangarField *field = cell_field (paste, j);
      const char *table = field != NULL ? hangar_cell_value_option_string (field, "linkedTableId") : NULL;
      GHashTable *names;

      if (field == NULL || hangar_cell_edit_kind (field) != HANGAR_CELL_EDIT_LINKS || table == NULL)
        continue;
      names = g_hash_table_lookup (names_by_table, table);
      if (names == NULL)
        {
          names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
          g_hash_table_insert (names_by_table, g_strdup (table), names);
        }
      for (guint i = 0; i < n_rows; i++)
        {
          const char *text = cell_text (paste, i, j);
          g_auto(GStrv) items = text != NULL ? hangar_cell_value_split_list (text) : NULL;

          for (guint k = 0; items != NULL && items[k] != NULL; k++)
            g_hash_table_add (names, g_strdup (items[k]));
        }
    }

  g_hash_table_iter_init (&iter, names_by_table);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      HangarField *primary = self->links != NULL ? hangar_link_cache_get_primary_field (self->links, key) : NULL;
      guint n_names = 0;
      g_autofree gpointer *keys = g_hash_table_get_keys_as_array (value, &n_names);
      g_autoptr(GPtrArray) all = g_ptr_array_new ();

      if (primary == NULL)
        continue;   /* unknown schema: the names are reported as not found */
      for (guint k = 0; k < n_names; k++)
        g_ptr_array_add (all, keys[k]);
      for (guint start = 0; start < all->len; start += LINK_NAMES_PER_SEARCH)
        {
          g_autoptr(GPtrArray) parts = g_ptr_array_new ();
          g_autoptr(HangarFormula) formula = NULL;
          g_autoptr(HangarListOptions) options = hangar_list_options_new ();
          g_autofree char *text = NULL;
          LinkSearch *search = g_new0 (LinkSearch, 1);

          for (guint k = start; k < all->len && k < start + LINK_NAMES_PER_SEARCH; k++)
            g_ptr_array_add (parts, hangar_formula_field_equals (hangar_field_get_name (primary),
                                                                 g_ptr_array_index (all, k)));
          formula = hangar_formula_callv ("OR", (HangarFormula **) parts->pdata, parts->len);
          text = hangar_formula_to_string (formula);
          hangar_list_options_set_formula (options, text);
          hangar_list_options_add_field (options, hangar_field_get_name (primary));
          search->paste = paste;
          search->primary = primary;
          search->table_id = g_strdup (key);
          paste->pending_searches++;
          hangar_client_list_records_page_async (self->client, self->base_id, key, options, NULL, NULL,
                                                 link_search_cb, search);
        }
    }
  if (paste->pending_searches == 0)
    ask_or_commit (paste);
}

/* Rows pasted below what is loaded may still exist on Airtable: load the
 * pages they are on first. */
static void
records_loading_cb (HangarRecordList *records,
                    GParamSpec       *pspec,
                    Paste            *paste);

static gboolean
enough_rows (Paste *paste)
{
  HangarRecordGrid *self = paste->self;

  return self->records == NULL || hangar_record_list_get_complete (self->records) ||
         hangar_record_list_get_failed (self->records) != NULL ||
         hangar_grid_model_get_n_records (self->model) >= paste->needed_rows;
}

static void
plan_rows (Paste *paste)
{
  HangarRecordGrid *self = paste->self;
  guint n_records = hangar_grid_model_get_n_records (self->model);
  guint start = g_array_index (paste->target_rows, guint, 0);

  g_array_set_size (paste->target_rows, 0);
  for (guint i = 0; i < paste->cells->len && start + i < n_records; i++)
    {
      guint row = start + i;

      g_array_append_val (paste->target_rows, row);
    }
  paste->n_extra = paste->cells->len - paste->target_rows->len;
}

static void
rows_ready (Paste *paste)
{
  if (!paste->fill)
    plan_rows (paste);
  resolve_links (paste);
}

static void
records_loading_cb (HangarRecordList *records,
                    GParamSpec       *pspec,
                    Paste            *paste)
{
  if (hangar_record_list_get_loading (records))
    return;
  if (!enough_rows (paste))
    {
      hangar_record_list_load_more (records);
      return;
    }
  g_signal_handler_disconnect (records, paste->loading_handler);
  paste->loading_handler = 0;
  rows_ready (paste);
}

static void
clipboard_read_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Paste *paste = user_data;
  HangarRecordGrid *self = paste->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(GPtrArray) visible = NULL;
  guint start_row;
  int start_col = -1;

  if (text == NULL || *text == '\0')
    {
      _hangar_record_grid_show_message (self, error != NULL ? error->message : _("Nothing to paste"));
      paste_free (paste);
      return;
    }
  if (!_hangar_record_grid_get_target (self, &rows, &fields) || rows->len == 0)
    {
      paste_free (paste);
      return;
    }

  paste->cells = parse_tsv (text);
  if (paste->cells->len == 0)
    {
      paste_free (paste);
      return;
    }
  /* One value onto a range: every cell of it. */
  paste->fill = paste->cells->len == 1 && ((GPtrArray *) g_ptr_array_index (paste->cells, 0))->len == 1 &&
                rows->len * fields->len > 1;
  paste->target_fields = g_ptr_array_ref (fields);
  start_row = g_array_index (rows, guint, 0);
  visible = _hangar_record_grid_visible_fields (self);
  for (guint j = 0; j < visible->len; j++)
    if (g_ptr_array_index (visible, j) == g_ptr_array_index (fields, 0))
      start_col = (int) j;
  paste->fields = g_ptr_array_new ();
  for (guint j = MAX (start_col, 0); j < visible->len; j++)
    g_ptr_array_add (paste->fields, g_ptr_array_index (visible, j));
  paste->target_rows = paste->fill ? g_array_ref (rows) : g_array_new (FALSE, FALSE, sizeof (guint));
  if (!paste->fill)
    g_array_append_val (paste->target_rows, start_row);
  paste->needed_rows = start_row + paste->cells->len;

  if (!paste->fill && !enough_rows (paste))
    {
      paste->loading_handler = g_signal_connect (self->records, "notify::loading",
                                                 G_CALLBACK (records_loading_cb), paste);
      if (!hangar_record_list_get_loading (self->records))
        hangar_record_list_load_more (self->records);
      return;
    }
  rows_ready (paste);
}

void
_hangar_record_grid_paste (HangarRecordGrid *self)
{
  Paste *paste;

  if (self->read_only_reason != NULL)
    {
      _hangar_record_grid_show_message (self, self->read_only_reason);
      return;
    }
  if (self->cursor_row == G_MAXUINT)
    return;
  paste = g_new0 (Paste, 1);
  paste->self = g_object_ref (self);
  paste->link_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  paste->problems = g_string_new (NULL);
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (self)), NULL, clipboard_read_cb, paste);
}
