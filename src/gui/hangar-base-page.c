/* hangar-base-page.c — a base's schema
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-base-page-private.h"
#include "hangar-field-dialog.h"
#include "hangar-schema-watch.h"
#include "hangar-schema-widgets.h"
#include "hangar-table-counts.h"
#include "hangar-table-dialog.h"

/**
 * HangarBasePage:
 *
 * What a base is made of, read with one schema request: per table a group
 * with its description, its field, view and (where known without asking)
 * record counts, a button to open it in the grid and the schema editor's
 * actions; per field an expandable row — type icon and words, the type's
 * options in plain words (select choices as coloured chips, a link's table
 * and inverse field, a formula's text with field names, …), description,
 * the field id with a copy button, the primary field marked; then the
 * table's views. The search looks through every table's fields at once.
 *
 * The editor (new table, new field, edit field, rename table) needs the
 * schema.bases:write scope and the base's Creator permission; without
 * them its buttons are off and a line says why. After a change the page
 * says so on the schema watch (hangar-schema-watch.h), so the sidebar and
 * the grid follow, and reads the schema again.
 *
 * The layout is one clamped column of groups, so a narrow window (360 px)
 * only wraps the texts.
 */

G_DEFINE_FINAL_TYPE (HangarBasePage, hangar_base_page, GTK_TYPE_WIDGET)

enum {
  OPEN_TABLE,
  NOTICE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_LOADING,
  PROP_EDITABLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void       load            (HangarBasePage *self);
static GtkWidget *find_descendant (GtkWidget      *widget,
                                   GType           type);

/* ---- helpers ---- */

char *
_hangar_base_page_row_key (const char *table_id,
         const char *field_id)
{
  return g_strconcat (table_id, "\n", field_id, NULL);
}

static HangarTable *
find_table (HangarBasePage *self,
            const char     *table_id)
{
  return self->tables != NULL ? hangar_table_list_lookup (self->tables, table_id) : NULL;
}

static void
set_loading (HangarBasePage *self,
             gboolean        loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  gtk_spinner_set_spinning (self->spinner, loading);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
update_editable (HangarBasePage *self)
{
  g_autofree char *reason = NULL;
  gboolean editable = self->client != NULL && self->base != NULL &&
                      hangar_schema_can_edit (self->account, self->base, &reason);

  g_free (self->edit_reason);
  self->edit_reason = g_steal_pointer (&reason);
  gtk_label_set_text (self->edit_notice, self->edit_reason != NULL ? self->edit_reason : "");
  gtk_widget_set_visible (GTK_WIDGET (self->edit_notice), self->edit_reason != NULL);
  gtk_widget_set_tooltip_text (self->new_table_button,
                               self->edit_reason != NULL ? self->edit_reason : _("New Table"));
  for (const char * const *action = (const char * const[]) { "page.new-table", "page.add-field",
                                                             "page.edit-field", "page.edit-table", NULL };
       *action != NULL; action++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), *action, editable && self->tables != NULL);
  if (self->editable != editable)
    {
      self->editable = editable;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EDITABLE]);
    }
}

static GtkWindow *
parent_window (HangarBasePage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

/* ---- search ---- */

void
_hangar_base_page_apply_search (HangarBasePage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *needle = g_utf8_casefold (text, -1);
  gboolean any = FALSE;

  g_strstrip (needle);
  for (GtkWidget *group = gtk_widget_get_first_child (GTK_WIDGET (self->tables_box));
       group != NULL; group = gtk_widget_get_next_sibling (group))
    {
      GPtrArray *rows = g_object_get_data (G_OBJECT (group), GROUP_ROWS_KEY);
      const char *table_text = g_object_get_data (G_OBJECT (group), SEARCH_KEY);
      gboolean whole = *needle == '\0' || (table_text != NULL && strstr (table_text, needle) != NULL);
      gboolean shown = whole;

      /* A folded table shows the fields the search finds in it, and
       * otherwise only its "Show its fields" row. */
      if (g_object_get_data (G_OBJECT (group), UNFOLD_KEY) != NULL)
        {
          gboolean searching = *needle != '\0';
          gboolean found = !searching || whole;

          if (searching)
            _hangar_base_page_unfold_matches (self, group, needle);

          gtk_widget_set_visible (g_object_get_data (G_OBJECT (group), UNFOLD_KEY), !searching || whole);
          for (guint i = 0; rows != NULL && i < rows->len; i++)
            {
              GtkWidget *row = g_ptr_array_index (rows, i);
              const char *row_text = g_object_get_data (G_OBJECT (row), SEARCH_KEY);
              gboolean match = searching && (whole || (row_text != NULL && strstr (row_text, needle) != NULL));

              _hangar_base_page_set_row_visible (row, match);
              found |= match;
            }
          gtk_widget_set_visible (group, found);
          any |= found;
          continue;
        }

      for (guint i = 0; rows != NULL && i < rows->len; i++)
        {
          GtkWidget *row = g_ptr_array_index (rows, i);
          const char *row_text = g_object_get_data (G_OBJECT (row), SEARCH_KEY);
          gboolean match = whole || (row_text != NULL && strstr (row_text, needle) != NULL);

          _hangar_base_page_set_row_visible (row, match);
          shown |= match;
        }
      gtk_widget_set_visible (group, shown);
      any |= shown;
    }
  /* Groups still being made may match: "nothing matches" waits for them. */
  if (self->tables != NULL)
    gtk_stack_set_visible_child_name (self->stack,
                                      any || self->tables->len == 0 || self->n_built < self->tables->len
                                      ? "schema" : "no-match");
}

static void
search_changed_cb (HangarBasePage *self)
{
  _hangar_base_page_apply_search (self);
}

static void
stop_search_cb (HangarBasePage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

/* Down in the search entry moves on to the first shown row. */
static gboolean
search_key_cb (GtkEventControllerKey *controller,
               guint                  keyval,
               guint                  keycode,
               GdkModifierType        state,
               HangarBasePage        *self)
{
  if (keyval != GDK_KEY_Down && keyval != GDK_KEY_KP_Down)
    return GDK_EVENT_PROPAGATE;
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "schema") != 0)
    return GDK_EVENT_PROPAGATE;
  for (GtkWidget *group = gtk_widget_get_first_child (GTK_WIDGET (self->tables_box));
       group != NULL; group = gtk_widget_get_next_sibling (group))
    {
      GPtrArray *rows = g_object_get_data (G_OBJECT (group), GROUP_ROWS_KEY);

      if (!gtk_widget_get_visible (group))
        continue;
      for (guint i = 0; rows != NULL && i < rows->len; i++)
        if (gtk_widget_get_visible (g_ptr_array_index (rows, i)))
          {
            GtkWidget *header = find_descendant (g_ptr_array_index (rows, i), ADW_TYPE_ACTION_ROW);

            return gtk_widget_grab_focus (header != NULL ? header : g_ptr_array_index (rows, i));
          }
    }
  return GDK_EVENT_PROPAGATE;
}

/* ---- show a field ---- */

static gboolean
unhighlight_cb (gpointer data)
{
  HangarBasePage *self = data;

  self->highlight_id = 0;
  if (self->highlighted != NULL)
    gtk_widget_remove_css_class (self->highlighted, "field-highlight");
  self->highlighted = NULL;
  return G_SOURCE_REMOVE;
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = G_TYPE_CHECK_INSTANCE_TYPE (child, type) ? child : find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Once the row is laid out: the keyboard on it, and (a frame later, after
 * the viewport followed the focus its own way) scrolled near the top. */
static gboolean
scroll_to_row_cb (GtkWidget     *row,
                  GdkFrameClock *clock,
                  gpointer       data)
{
  HangarBasePage *self = data;
  GtkWidget *content = gtk_widget_get_parent (GTK_WIDGET (self->tables_box));
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);
  double x = 0, y = 0;

  if (gtk_widget_get_height (row) <= 0 || !gtk_widget_translate_coordinates (row, content, 0, 0, &x, &y))
    return G_SOURCE_CONTINUE;
  if (g_object_get_data (G_OBJECT (row), "hangar-focused") == NULL)
    {
      GtkWidget *header = find_descendant (row, ADW_TYPE_ACTION_ROW);

      g_object_set_data (G_OBJECT (row), "hangar-focused", GINT_TO_POINTER (TRUE));
      gtk_widget_grab_focus (header != NULL ? header : row);
      return G_SOURCE_CONTINUE;
    }
  g_object_set_data (G_OBJECT (row), "hangar-focused", NULL);
  g_object_set_data (G_OBJECT (row), "hangar-scroll-tick", NULL);
  /* With its group's heading above it when there is room. */
  gtk_adjustment_set_value (adjustment, MAX (0, y - 140));
  return G_SOURCE_REMOVE;
}

static gboolean
show_row (HangarBasePage *self,
          const char     *table_id,
          const char     *field_id)
{
  g_autofree char *key = _hangar_base_page_row_key (table_id, field_id);
  GtkWidget *row = g_hash_table_lookup (self->rows, key);
  GtkWidget *group = g_hash_table_lookup (self->groups, table_id);

  /* Its table unfolds: the field among its neighbours. */
  if (group != NULL && g_object_get_data (G_OBJECT (group), UNFOLD_KEY) != NULL)
    {
      _hangar_base_page_add_field_rows (self, group);
      row = g_hash_table_lookup (self->rows, key);
    }
  if (row == NULL)
    return FALSE;
  if (*gtk_editable_get_text (GTK_EDITABLE (self->search_entry)) != '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  _hangar_base_page_apply_search (self);
  _hangar_base_page_set_row_open (self, row, TRUE);
  {
    guint tick = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "hangar-scroll-tick"));

    if (tick != 0)
      gtk_widget_remove_tick_callback (row, tick);
    g_object_set_data (G_OBJECT (row), "hangar-focused", NULL);
    tick = gtk_widget_add_tick_callback (row, scroll_to_row_cb, self, NULL);
    g_object_set_data (G_OBJECT (row), "hangar-scroll-tick", GUINT_TO_POINTER (tick));
  }
  if (self->highlighted != NULL)
    gtk_widget_remove_css_class (self->highlighted, "field-highlight");
  g_clear_handle_id (&self->highlight_id, g_source_remove);
  self->highlighted = row;
  gtk_widget_add_css_class (row, "field-highlight");
  self->highlight_id = g_timeout_add_seconds (3, unhighlight_cb, self);
  return TRUE;
}

void
hangar_base_page_show_field (HangarBasePage *self,
                             const char     *table_id,
                             const char     *field_id)
{
  g_return_if_fail (HANGAR_IS_BASE_PAGE (self));
  g_return_if_fail (table_id != NULL && field_id != NULL);

  g_clear_pointer (&self->pending_table, g_free);
  g_clear_pointer (&self->pending_field, g_free);
  if (self->loading || !show_row (self, table_id, field_id))
    {
      /* Once the schema is there (or again: it may be one that changed). */
      self->pending_table = g_strdup (table_id);
      self->pending_field = g_strdup (field_id);
    }
}

/* ---- loading ---- */

/* Rows made per step while a base is shown. */
#define ROWS_PER_STEP 150

static void
build_some (HangarBasePage *self)
{
  guint rows = 0;

  while (self->n_built < self->tables->len && rows < ROWS_PER_STEP)
    {
      HangarTable *table = g_ptr_array_index (self->tables, self->n_built++);
      GtkWidget *group = _hangar_base_page_table_group (self, table);

      gtk_box_append (self->tables_box, group);
      g_hash_table_insert (self->groups, g_strdup (hangar_table_get_id (table)), group);
      rows += self->folded || hangar_table_get_fields (table) == NULL ? 1 : hangar_table_get_fields (table)->len + 1;
    }
}

static void
built_all (HangarBasePage *self)
{
  _hangar_base_page_apply_search (self);
  set_loading (self, FALSE);
  if (self->pending_table != NULL)
    {
      g_autofree char *table_id = g_steal_pointer (&self->pending_table);
      g_autofree char *field_id = g_steal_pointer (&self->pending_field);

      show_row (self, table_id, field_id);
    }
}

static gboolean
build_idle_cb (gpointer data)
{
  HangarBasePage *self = data;

  build_some (self);
  _hangar_base_page_apply_search (self);
  if (self->n_built < self->tables->len)
    return G_SOURCE_CONTINUE;
  self->build_id = 0;
  built_all (self);
  return G_SOURCE_REMOVE;
}

static void
schema_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  HangarBasePage *self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tables = hangar_client_get_base_schema_finish (HANGAR_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = HANGAR_BASE_PAGE (user_data);

  if (tables == NULL)
    {
      set_loading (self, FALSE);
      g_autofree char *explained = NULL;

      if (self->account != NULL)
        explained = hangar_scopes_explain_forbidden (self->account, HANGAR_CAPABILITY_SCHEMA_READ,
                                                     hangar_base_get_name (self->base), error);
      /* A status page's description is markup; the message is server text. */
      {
        g_autofree char *escaped = g_markup_escape_text (explained != NULL ? explained : error->message, -1);

        adw_status_page_set_description (self->error_page, escaped);
      }
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  g_clear_pointer (&self->tables, g_ptr_array_unref);
  self->tables = g_steal_pointer (&tables);
  _hangar_base_page_clear_groups (self);
  {
    guint n_fields = 0;

    for (guint i = 0; i < self->tables->len; i++)
      {
        GPtrArray *fields = hangar_table_get_fields (g_ptr_array_index (self->tables, i));

        n_fields += fields != NULL ? fields->len : 0;
      }
    self->folded = n_fields > FOLD_OVER_FIELDS;
  }
  update_editable (self);
  /* The first tables at once, the rest a few at a time in between frames:
   * a base of a thousand fields shows its first tables at once. The page
   * is "loading" until all are there. */
  build_some (self);
  gtk_stack_set_visible_child_name (self->stack, "schema");
  _hangar_base_page_apply_search (self);
  if (self->n_built < self->tables->len)
    self->build_id = g_idle_add_full (G_PRIORITY_LOW, build_idle_cb, self, NULL);
  else
    built_all (self);
}

static void
load (HangarBasePage *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->build_id, g_source_remove);
  if (self->client == NULL || self->base == NULL)
    {
      set_loading (self, FALSE);
      return;
    }

  self->cancellable = g_cancellable_new ();
  set_loading (self, TRUE);
  /* The old schema stays in view while a new one is read (an edit, a
   * change elsewhere); only the first load shows the spinner. */
  if (self->tables == NULL)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  /* No reference is held: dispose cancels. */
  hangar_client_get_base_schema_async (self->client, hangar_base_get_id (self->base), self->cancellable,
                                       schema_cb, self);
}

void
hangar_base_page_reload (HangarBasePage *self)
{
  g_return_if_fail (HANGAR_IS_BASE_PAGE (self));
  load (self);
}

/* After a change of ours: everyone showing this base reads it again. */
static void
schema_changed (HangarBasePage *self,
                const char     *table_id)
{
  if (self->account != NULL)
    hangar_schema_watch_notify_base_changed (hangar_schema_watch_get_default (), hangar_account_get_id (self->account),
                                             hangar_base_get_id (self->base), table_id);
  else
    load (self);
}

static void
watch_cb (HangarSchemaWatch *watch,
          const char        *account_id,
          const char        *base_id,
          const char        *table_id,
          HangarBasePage    *self)
{
  if (self->account == NULL || self->base == NULL ||
      g_strcmp0 (account_id, hangar_account_get_id (self->account)) != 0 ||
      g_strcmp0 (base_id, hangar_base_get_id (self->base)) != 0)
    return;
  load (self);
}

static void
counts_cb (HangarTableCounts *counts,
           const char        *account_id,
           const char        *base_id,
           const char        *table_id,
           HangarBasePage    *self)
{
  AdwPreferencesGroup *group;

  if (self->base == NULL || g_strcmp0 (base_id, hangar_base_get_id (self->base)) != 0 ||
      g_strcmp0 (account_id, self->account != NULL ? hangar_account_get_id (self->account) : NULL) != 0)
    return;
  group = g_hash_table_lookup (self->groups, table_id);
  if (group != NULL)
    _hangar_base_page_update_group_description (self, group, g_object_get_data (G_OBJECT (group), TABLE_KEY));
}

/* ---- actions ---- */

static void
field_saved_cb (HangarFieldDialog *dialog,
                HangarField       *field,
                HangarBasePage    *self)
{
  g_autofree char *notice = g_strdup_printf (_("Saved the field “%s”"), hangar_field_get_name (field));
  const char *table_id = g_object_get_data (G_OBJECT (dialog), "table-id");
  g_autofree char *table = g_strdup (table_id);

  g_signal_emit (self, signals[NOTICE], 0, notice);
  /* Show it where it now is once the schema is read again. */
  g_clear_pointer (&self->pending_table, g_free);
  g_clear_pointer (&self->pending_field, g_free);
  self->pending_table = g_strdup (table);
  self->pending_field = g_strdup (hangar_field_get_id (field));
  schema_changed (self, table);
}

static void
table_saved_cb (HangarTableDialog *dialog,
                HangarTable       *table,
                HangarBasePage    *self)
{
  g_autofree char *notice = g_strdup_printf (_("Saved the table “%s”"), hangar_table_get_name (table));

  g_signal_emit (self, signals[NOTICE], 0, notice);
  g_clear_pointer (&self->pending_table, g_free);
  g_clear_pointer (&self->pending_field, g_free);
  if (hangar_table_get_primary_field_id (table) != NULL)
    {
      self->pending_table = g_strdup (hangar_table_get_id (table));
      self->pending_field = g_strdup (hangar_table_get_primary_field_id (table));
    }
  schema_changed (self, hangar_table_get_id (table));
}

GtkWindow *
hangar_base_page_new_table (HangarBasePage *self)
{
  HangarTableDialog *dialog;

  g_return_val_if_fail (HANGAR_IS_BASE_PAGE (self), NULL);

  if (!self->editable)
    return NULL;
  dialog = hangar_table_dialog_new_create (parent_window (self), self->client, self->account, self->base,
                                           hangar_base_get_id (self->base), self->tables);
  g_signal_connect_object (dialog, "table-saved", G_CALLBACK (table_saved_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}

GtkWindow *
hangar_base_page_edit_table (HangarBasePage *self,
                             const char     *table_id)
{
  HangarTable *table;
  HangarTableDialog *dialog;

  g_return_val_if_fail (HANGAR_IS_BASE_PAGE (self), NULL);

  table = find_table (self, table_id);
  if (!self->editable || table == NULL)
    return NULL;
  dialog = hangar_table_dialog_new_edit (parent_window (self), self->client, self->account, self->base,
                                         hangar_base_get_id (self->base), table, self->tables);
  g_signal_connect_object (dialog, "table-saved", G_CALLBACK (table_saved_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}

GtkWindow *
hangar_base_page_add_field (HangarBasePage *self,
                            const char     *table_id)
{
  HangarTable *table;
  HangarFieldDialog *dialog;

  g_return_val_if_fail (HANGAR_IS_BASE_PAGE (self), NULL);

  table = find_table (self, table_id);
  if (!self->editable || table == NULL)
    return NULL;
  dialog = hangar_field_dialog_new_create (parent_window (self), self->client, self->account, self->base,
                                           hangar_base_get_id (self->base), table, self->tables);
  g_object_set_data_full (G_OBJECT (dialog), "table-id", g_strdup (table_id), g_free);
  g_signal_connect_object (dialog, "field-saved", G_CALLBACK (field_saved_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}

GtkWindow *
hangar_base_page_edit_field (HangarBasePage *self,
                             const char     *table_id,
                             const char     *field_id)
{
  HangarTable *table;
  HangarField *field;
  HangarFieldDialog *dialog;

  g_return_val_if_fail (HANGAR_IS_BASE_PAGE (self), NULL);

  table = find_table (self, table_id);
  field = table != NULL ? hangar_table_lookup_field (table, field_id) : NULL;
  if (!self->editable || field == NULL)
    return NULL;
  dialog = hangar_field_dialog_new_edit (parent_window (self), self->client, self->account, self->base,
                                         hangar_base_get_id (self->base), table, field, self->tables);
  g_object_set_data_full (G_OBJECT (dialog), "table-id", g_strdup (table_id), g_free);
  g_signal_connect_object (dialog, "field-saved", G_CALLBACK (field_saved_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}

static void
new_table_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  hangar_base_page_new_table (HANGAR_BASE_PAGE (widget));
}

static void
add_field_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  hangar_base_page_add_field (HANGAR_BASE_PAGE (widget), g_variant_get_string (parameter, NULL));
}

static void
edit_table_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  hangar_base_page_edit_table (HANGAR_BASE_PAGE (widget), g_variant_get_string (parameter, NULL));
}

static void
edit_field_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  const char *table_id = NULL;
  const char *field_id = NULL;

  g_variant_get (parameter, "(&s&s)", &table_id, &field_id);
  hangar_base_page_edit_field (HANGAR_BASE_PAGE (widget), table_id, field_id);
}

static void
open_table_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  HangarBasePage *self = HANGAR_BASE_PAGE (widget);
  HangarTable *table = find_table (self, g_variant_get_string (parameter, NULL));

  if (table != NULL)
    g_signal_emit (self, signals[OPEN_TABLE], 0, table);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  const char *id = g_variant_get_string (parameter, NULL);
  g_autofree char *notice = g_strdup_printf (_("Copied %s"), id);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), id);
  g_signal_emit (widget, signals[NOTICE], 0, notice);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  hangar_base_page_reload (HANGAR_BASE_PAGE (widget));
}

static void
focus_search_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  gtk_widget_grab_focus (GTK_WIDGET (HANGAR_BASE_PAGE (widget)->search_entry));
}

/* ---- GObject ---- */

static void
hangar_base_page_dispose (GObject *object)
{
  HangarBasePage *self = HANGAR_BASE_PAGE (object);
  GtkWidget *child;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_signal_handlers_disconnect_by_data (hangar_schema_watch_get_default (), self);
  g_signal_handlers_disconnect_by_data (hangar_table_counts_get_default (), self);
  g_clear_handle_id (&self->highlight_id, g_source_remove);
  g_clear_handle_id (&self->build_id, g_source_remove);
  if (self->groups != NULL)
    _hangar_base_page_clear_groups (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_BASE_PAGE);
  /* Children without a bound id are not removed by the above. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->client);
  g_clear_object (&self->account);
  g_clear_object (&self->base);
  g_clear_pointer (&self->tables, g_ptr_array_unref);

  G_OBJECT_CLASS (hangar_base_page_parent_class)->dispose (object);
}

static void
hangar_base_page_finalize (GObject *object)
{
  HangarBasePage *self = HANGAR_BASE_PAGE (object);

  g_clear_pointer (&self->groups, g_hash_table_unref);
  g_clear_pointer (&self->rows, g_hash_table_unref);
  g_free (self->edit_reason);
  g_free (self->pending_table);
  g_free (self->pending_field);

  G_OBJECT_CLASS (hangar_base_page_parent_class)->finalize (object);
}

static void
hangar_base_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  HangarBasePage *self = HANGAR_BASE_PAGE (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_EDITABLE:
      g_value_set_boolean (value, self->editable);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_base_page_class_init (HangarBasePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_base_page_dispose;
  object_class->finalize = hangar_base_page_finalize;
  object_class->get_property = hangar_base_page_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_EDITABLE] =
    g_param_spec_boolean ("editable", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HangarBasePage::open-table:
   * @table: the table whose records the user wants to see
   */
  signals[OPEN_TABLE] =
    g_signal_new ("open-table", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, HANGAR_TYPE_TABLE);
  /**
   * HangarBasePage::notice:
   * @message: plain text to show in passing (a toast)
   */
  signals[NOTICE] =
    g_signal_new ("notice", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (ADW_TYPE_BUTTON_CONTENT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/tablehangar/Hangar/hangar-base-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarBasePage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, HangarBasePage, new_table_button);
  gtk_widget_class_bind_template_child (widget_class, HangarBasePage, edit_notice);
  gtk_widget_class_bind_template_child (widget_class, HangarBasePage, stack);
  gtk_widget_class_bind_template_child (widget_class, HangarBasePage, spinner);
  gtk_widget_class_bind_template_child (widget_class, HangarBasePage, error_page);
  gtk_widget_class_bind_template_child (widget_class, HangarBasePage, scroller);
  gtk_widget_class_bind_template_child (widget_class, HangarBasePage, tables_box);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);

  gtk_widget_class_install_action (widget_class, "page.new-table", NULL, new_table_action);
  gtk_widget_class_install_action (widget_class, "page.add-field", "s", add_field_action);
  gtk_widget_class_install_action (widget_class, "page.edit-table", "s", edit_table_action);
  gtk_widget_class_install_action (widget_class, "page.edit-field", "(ss)", edit_field_action);
  gtk_widget_class_install_action (widget_class, "page.open-table", "s", open_table_action);
  gtk_widget_class_install_action (widget_class, "page.copy", "s", copy_action);
  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "page.focus-search", NULL, focus_search_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "page.focus-search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "page.reload", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "page.reload", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "basepage");
}

static void
hangar_base_page_init (HangarBasePage *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();

  hangar_schema_ensure_style ();
  gtk_widget_init_template (GTK_WIDGET (self));
  self->groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (search_key_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->search_entry), keys);
  g_signal_connect_object (hangar_schema_watch_get_default (), "base-changed", G_CALLBACK (watch_cb), self, 0);
  g_signal_connect_object (hangar_table_counts_get_default (), "changed", G_CALLBACK (counts_cb), self, 0);
  update_editable (self);
}

GtkWidget *
hangar_base_page_new (void)
{
  return g_object_new (HANGAR_TYPE_BASE_PAGE, NULL);
}

void
hangar_base_page_set_base_with_client (HangarBasePage *self,
                                       HangarClient   *client,
                                       HangarAccount  *account,
                                       HangarBase     *base)
{
  g_return_if_fail (HANGAR_IS_BASE_PAGE (self));
  g_return_if_fail (client == NULL || HANGAR_IS_CLIENT (client));

  if (client == self->client && account == self->account && base != NULL && self->base != NULL &&
      g_strcmp0 (hangar_base_get_id (base), hangar_base_get_id (self->base)) == 0)
    return;

  g_set_object (&self->client, client);
  g_set_object (&self->account, account);
  g_set_object (&self->base, base);
  g_clear_pointer (&self->tables, g_ptr_array_unref);
  g_clear_pointer (&self->pending_table, g_free);
  g_clear_pointer (&self->pending_field, g_free);
  _hangar_base_page_clear_groups (self);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  update_editable (self);
  load (self);
}

void
hangar_base_page_set_base (HangarBasePage *self,
                           HangarAccount  *account,
                           HangarBase     *base)
{
  g_return_if_fail (HANGAR_IS_BASE_PAGE (self));
  g_return_if_fail (HANGAR_IS_ACCOUNT (account));

  hangar_base_page_set_base_with_client (self, hangar_account_get_client (account), account, base);
}

HangarBase *
hangar_base_page_get_base (HangarBasePage *self)
{
  g_return_val_if_fail (HANGAR_IS_BASE_PAGE (self), NULL);
  return self->base;
}

HangarAccount *
hangar_base_page_get_account (HangarBasePage *self)
{
  g_return_val_if_fail (HANGAR_IS_BASE_PAGE (self), NULL);
  return self->account;
}

GPtrArray *
hangar_base_page_get_tables (HangarBasePage *self)
{
  g_return_val_if_fail (HANGAR_IS_BASE_PAGE (self), NULL);
  return self->tables;
}

gboolean
hangar_base_page_get_loading (HangarBasePage *self)
{
  g_return_val_if_fail (HANGAR_IS_BASE_PAGE (self), FALSE);
  return self->loading;
}

GtkEditable *
hangar_base_page_get_search_entry (HangarBasePage *self)
{
  g_return_val_if_fail (HANGAR_IS_BASE_PAGE (self), NULL);
  return GTK_EDITABLE (self->search_entry);
}

GtkWidget *
hangar_base_page_get_field_row (HangarBasePage *self,
                                const char     *table_id,
                                const char     *field_id)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (HANGAR_IS_BASE_PAGE (self), NULL);

  key = _hangar_base_page_row_key (table_id, field_id);
  return g_hash_table_lookup (self->rows, key);
}

GtkWidget *
hangar_base_page_get_table_group (HangarBasePage *self,
                                  const char     *table_id)
{
  g_return_val_if_fail (HANGAR_IS_BASE_PAGE (self), NULL);
  return g_hash_table_lookup (self->groups, table_id);
}

gboolean
hangar_base_page_get_editable (HangarBasePage *self)
{
  g_return_val_if_fail (HANGAR_IS_BASE_PAGE (self), FALSE);
  return self->editable;
}

const char *
hangar_base_page_get_edit_reason (HangarBasePage *self)
{
  g_return_val_if_fail (HANGAR_IS_BASE_PAGE (self), NULL);
  return self->edit_reason;
}

const char *
hangar_base_page_get_state (HangarBasePage *self)
{
  g_return_val_if_fail (HANGAR_IS_BASE_PAGE (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

gboolean
hangar_base_page_get_field_open (HangarBasePage *self,
                                 const char     *table_id,
                                 const char     *field_id)
{
  GtkWidget *row = hangar_base_page_get_field_row (self, table_id, field_id);

  return row != NULL && _hangar_base_page_row_open (row);
}

void
hangar_base_page_set_field_open (HangarBasePage *self,
                                 const char     *table_id,
                                 const char     *field_id,
                                 gboolean        open)
{
  GtkWidget *row = hangar_base_page_get_field_row (self, table_id, field_id);

  g_return_if_fail (row != NULL);
  _hangar_base_page_set_row_open (self, row, open);
}

GtkWidget *
hangar_base_page_get_field_details (HangarBasePage *self,
                                    const char     *table_id,
                                    const char     *field_id)
{
  GtkWidget *row = hangar_base_page_get_field_row (self, table_id, field_id);

  return row != NULL ? g_object_get_data (G_OBJECT (row), DETAILS_KEY) : NULL;
}
