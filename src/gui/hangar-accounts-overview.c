/* hangar-accounts-overview.c — every account and the health of its connection
 *
 * A GtkColumnView over one HangarAccountsOverviewRow per account, sorted
 * by the column whose header was clicked. The columns are fixed; they are
 * made here because each needs its own cell and its own order.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-account-page.h"
#include "hangar-accounts-overview.h"
#include "hangar-accounts-overview-row.h"
#include "hangar-redact.h"
#include "hangar-status-badge.h"

#define TICK_S 30

typedef enum
{
  COL_ACCOUNT,
  COL_STATUS,
  COL_KIND,
  COL_USER,
  COL_SCOPES,
  COL_ACCESS,
  COL_REFRESH,
  COL_SUCCESS,
  COL_ERROR,
  COL_TEST,
  COL_ACTIONS,
  N_COLUMNS
} Column;

static const struct
{
  const char *id;
  const char *title;
} column_info[N_COLUMNS] = {
  [COL_ACCOUNT] = { "account", N_("Account") },
  [COL_STATUS] = { "status", N_("Status") },
  [COL_KIND] = { "kind", N_("Sign-In") },
  [COL_USER] = { "user", N_("User") },
  [COL_SCOPES] = { "scopes", N_("Scopes") },
  [COL_ACCESS] = { "access", N_("Access Token Ends") },
  [COL_REFRESH] = { "refresh", N_("Sign-In Ends") },
  [COL_SUCCESS] = { "success", N_("Last Success") },
  [COL_ERROR] = { "error", N_("Last Error") },
  [COL_TEST] = { "test", N_("Test") },
  [COL_ACTIONS] = { "actions", "" },
};

struct _HangarAccountsOverview
{
  GtkWidget            parent_instance;

  GtkStack            *stack;
  GtkLabel            *summary_label;
  GtkColumnView       *column_view;

  HangarAccountStore  *store;
  GListStore          *rows;          /* in the store's order */
  GtkSortListModel    *sorted;
  GtkColumnViewColumn *columns[N_COLUMNS];
  GtkSorter           *sorters[N_COLUMNS];
  guint                tick_id;
  guint                resort_id;
};

G_DEFINE_FINAL_TYPE (HangarAccountsOverview, hangar_accounts_overview, GTK_TYPE_WIDGET)

/* ---- what a cell says ---- */

static int
status_severity (HangarAccountStatus status)
{
  switch (status)
    {
    case HANGAR_ACCOUNT_STATUS_ACTIVE: return 0;
    case HANGAR_ACCOUNT_STATUS_PENDING: return 1;
    case HANGAR_ACCOUNT_STATUS_EXPIRED: return 2;
    case HANGAR_ACCOUNT_STATUS_ERROR: return 3;
    case HANGAR_ACCOUNT_STATUS_REVOKED: return 4;
    default: return 5;
    }
}

/* -1 when not known (a personal access token). */
static int
n_missing_scopes (HangarAccount *account)
{
  g_auto(GStrv) missing = NULL;

  if (hangar_account_get_kind (account) == HANGAR_ACCOUNT_KIND_PAT)
    return -1;
  missing = hangar_scopes_account_missing_all (account);
  return (int) g_strv_length (missing);
}

static char *
scopes_text (HangarAccount *account)
{
  guint needed = g_strv_length ((char **) hangar_scopes_default ());
  g_auto(GStrv) missing = NULL;
  g_autofree char *list = NULL;

  if (hangar_account_get_kind (account) == HANGAR_ACCOUNT_KIND_PAT)
    return g_strdup (_("Not reported for tokens"));
  missing = hangar_scopes_account_missing_all (account);
  if (missing[0] == NULL)
    return g_strdup_printf (_("All %u"), needed);
  list = g_strjoinv (", ", missing);
  return g_strdup_printf (_("%u of %u, missing %s"), needed - g_strv_length (missing), needed, list);
}

/* "in 59 minutes", "3 days ago": the clock time goes to the tooltip. */
static char *
time_text (gint64      unix_s,
           const char *none)
{
  g_autofree char *full = NULL;
  const char *clock;

  if (unix_s <= 0)
    return g_strdup (none);
  full = hangar_format_relative_time (unix_s);
  clock = g_strrstr (full, " (");
  return clock != NULL ? g_strndup (full, clock - full) : g_steal_pointer (&full);
}

static char *
time_tooltip (gint64 unix_s)
{
  return unix_s > 0 ? hangar_format_relative_time (unix_s) : NULL;
}

static gint64
last_success_ms (HangarAccountsOverviewRow *row)
{
  const HangarRequestLogSummary *summary = hangar_accounts_overview_row_get_summary (row);

  return summary != NULL ? summary->last_success_ms : 0;
}

static gint64
last_error_ms (HangarAccountsOverviewRow *row)
{
  const HangarRequestLogSummary *summary = hangar_accounts_overview_row_get_summary (row);

  return summary != NULL && summary->last_error != NULL
    ? hangar_request_log_entry_get_time_ms (summary->last_error) : 0;
}

static char *
cell_text (HangarAccountsOverviewRow *row,
           Column                     column)
{
  HangarAccount *account = hangar_accounts_overview_row_get_account (row);
  const HangarRequestLogSummary *summary = hangar_accounts_overview_row_get_summary (row);
  gboolean oauth = hangar_account_get_kind (account) == HANGAR_ACCOUNT_KIND_OAUTH;

  switch (column)
    {
    case COL_ACCOUNT:
      return g_strdup (hangar_account_get_label (account));
    case COL_STATUS:
      return g_strdup (hangar_account_status_to_string (hangar_account_get_status (account)));
    case COL_KIND:
      return g_strdup (oauth ? _("OAuth") : _("Token"));
    case COL_USER:
      return g_strdup (hangar_account_get_email (account) != NULL ? hangar_account_get_email (account)
                       : hangar_account_get_user_id (account) != NULL ? hangar_account_get_user_id (account)
                       : "—");
    case COL_SCOPES:
      return scopes_text (account);
    case COL_ACCESS:
      return oauth ? time_text (hangar_account_get_access_expires_at (account), "—") : g_strdup (_("Never ends"));
    case COL_REFRESH:
      return oauth ? time_text (hangar_account_get_refresh_expires_at (account), "—") : g_strdup ("—");
    case COL_SUCCESS:
      if (summary == NULL)
        return g_strdup (hangar_account_get_status (account) == HANGAR_ACCOUNT_STATUS_PENDING ? _("Never") : "…");
      return time_text (summary->last_success_ms / 1000, _("Never"));
    case COL_ERROR:
      if (summary == NULL || summary->last_error == NULL)
        return g_strdup (summary == NULL ? "" : _("None"));
      {
        HangarRequestLogEntry *error = summary->last_error;
        g_autofree char *when = time_text (hangar_request_log_entry_get_time_ms (error) / 1000, "");
        g_autofree char *type = hangar_redact_for_terminal (hangar_request_log_entry_get_error_type (error), FALSE);

        if (hangar_request_log_entry_get_status (error) > 0)
          return g_strdup_printf ("%u %s — %s", hangar_request_log_entry_get_status (error), type, when);
        return g_strdup_printf ("%s — %s", type, when);
      }
    case COL_TEST:
      return g_strdup (hangar_accounts_overview_row_get_test_result (row) != NULL
                       ? hangar_accounts_overview_row_get_test_result (row) : "");
    case COL_ACTIONS:
    case N_COLUMNS:
    default:
      return g_strdup ("");
    }
}

/* ---- sorting ---- */

static int
compare_int64 (gint64 a,
               gint64 b)
{
  return a < b ? -1 : a > b ? 1 : 0;
}

/* A time that is not known sorts after every known one. */
static int
compare_times (gint64 a,
               gint64 b)
{
  if ((a <= 0) != (b <= 0))
    return a <= 0 ? 1 : -1;
  return compare_int64 (a, b);
}

static int
compare_rows (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  HangarAccountsOverviewRow *ra = (HangarAccountsOverviewRow *) a;
  HangarAccountsOverviewRow *rb = (HangarAccountsOverviewRow *) b;
  HangarAccount *x = hangar_accounts_overview_row_get_account (ra);
  HangarAccount *y = hangar_accounts_overview_row_get_account (rb);
  int result = 0;

  switch ((Column) GPOINTER_TO_INT (user_data))
    {
    case COL_STATUS:
      result = status_severity (hangar_account_get_status (x)) - status_severity (hangar_account_get_status (y));
      break;
    case COL_KIND:
      result = (int) hangar_account_get_kind (x) - (int) hangar_account_get_kind (y);
      break;
    case COL_USER:
      {
        g_autofree char *ux = cell_text (ra, COL_USER);
        g_autofree char *uy = cell_text (rb, COL_USER);

        result = g_utf8_collate (ux, uy);
      }
      break;
    case COL_SCOPES:
      result = n_missing_scopes (x) - n_missing_scopes (y);
      break;
    case COL_ACCESS:
      result = compare_times (hangar_account_get_access_expires_at (x), hangar_account_get_access_expires_at (y));
      break;
    case COL_REFRESH:
      result = compare_times (hangar_account_get_refresh_expires_at (x), hangar_account_get_refresh_expires_at (y));
      break;
    case COL_SUCCESS:
      result = compare_times (last_success_ms (ra), last_success_ms (rb));
      break;
    case COL_ERROR:
      result = compare_times (last_error_ms (ra), last_error_ms (rb));
      break;
    case COL_ACCOUNT:
    case COL_TEST:
    case COL_ACTIONS:
    case N_COLUMNS:
    default:
      break;
    }
  /* Ties, and the account column: by name. */
  if (result == 0)
    result = g_utf8_collate (hangar_account_get_label (x), hangar_account_get_label (y));
  return result < 0 ? GTK_ORDERING_SMALLER : result > 0 ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

static gboolean
resort_cb (gpointer user_data)
{
  HangarAccountsOverview *self = user_data;

  self->resort_id = 0;
  for (Column c = 0; c < N_COLUMNS; c++)
    if (self->sorters[c] != NULL)
      gtk_sorter_changed (self->sorters[c], GTK_SORTER_CHANGE_DIFFERENT);
  return G_SOURCE_REMOVE;
}

static void
queue_resort (HangarAccountsOverview *self)
{
  if (self->resort_id == 0)
    self->resort_id = g_idle_add (resort_cb, self);
}

/* ---- cells ---- */

#define ROW_HANDLER_KEY "hangar-overview-row-handler"

static HangarAccountsOverviewRow *
button_row (GtkWidget *button)
{
  return g_object_get_data (G_OBJECT (gtk_widget_get_parent (button)), "hangar-overview-row");
}

static void
reconnect_clicked_cb (GtkButton *button,
                      gpointer   user_data)
{
  HangarAccountsOverviewRow *row = button_row (GTK_WIDGET (button));

  if (row != NULL)
    gtk_widget_activate_action (GTK_WIDGET (button), "win.reconnect-account", "s",
                                hangar_account_get_id (hangar_accounts_overview_row_get_account (row)));
}

static void
test_clicked_cb (GtkButton *button,
                 gpointer   user_data)
{
  HangarAccountsOverviewRow *row = button_row (GTK_WIDGET (button));

  if (row != NULL)
    hangar_accounts_overview_row_test (row);
}

static void
disconnect_clicked_cb (GtkButton *button,
                       gpointer   user_data)
{
  HangarAccountsOverviewRow *row = button_row (GTK_WIDGET (button));

  if (row != NULL)
    gtk_widget_activate_action (GTK_WIDGET (button), "win.disconnect-account", "s",
                                hangar_account_get_id (hangar_accounts_overview_row_get_account (row)));
}

static GtkWidget *
action_button (const char *icon,
               const char *label,
               GCallback   callback)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_signal_connect (button, "clicked", callback, NULL);
  return button;
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  GtkWidget *child;

  switch (column)
    {
    case COL_ACCOUNT:
      {
        GtkWidget *name = gtk_label_new (NULL);
        GtkWidget *detail = gtk_label_new (NULL);

        child = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
        gtk_label_set_xalign (GTK_LABEL (name), 0);
        gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
        gtk_label_set_width_chars (GTK_LABEL (name), 12);
        gtk_widget_add_css_class (name, "heading");
        gtk_label_set_xalign (GTK_LABEL (detail), 0);
        gtk_label_set_ellipsize (GTK_LABEL (detail), PANGO_ELLIPSIZE_END);
        gtk_widget_add_css_class (detail, "dim-label");
        gtk_widget_add_css_class (detail, "caption");
        gtk_box_append (GTK_BOX (child), name);
        gtk_box_append (GTK_BOX (child), detail);
      }
      break;
    case COL_STATUS:
      child = GTK_WIDGET (hangar_status_badge_new ());
      gtk_widget_set_halign (child, GTK_ALIGN_START);
      break;
    case COL_ACTIONS:
      {
        /* The buttons, and under them what the last Test found. */
        GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
        GtkWidget *result = gtk_label_new (NULL);

        child = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
        gtk_box_append (GTK_BOX (buttons), action_button ("view-refresh-symbolic", _("Reconnect"),
                                                          G_CALLBACK (reconnect_clicked_cb)));
        gtk_box_append (GTK_BOX (buttons), action_button ("network-transmit-receive-symbolic", _("Test Connection"),
                                                          G_CALLBACK (test_clicked_cb)));
        gtk_box_append (GTK_BOX (buttons), action_button ("user-trash-symbolic", _("Disconnect…"),
                                                          G_CALLBACK (disconnect_clicked_cb)));
        gtk_label_set_xalign (GTK_LABEL (result), 0);
        gtk_label_set_ellipsize (GTK_LABEL (result), PANGO_ELLIPSIZE_END);
        gtk_label_set_max_width_chars (GTK_LABEL (result), 30);
        gtk_widget_set_margin_start (result, 6);
        gtk_widget_add_css_class (result, "caption");
        gtk_widget_set_visible (result, FALSE);
        gtk_box_append (GTK_BOX (child), buttons);
        gtk_box_append (GTK_BOX (child), result);
      }
      break;
    case COL_KIND:
    case COL_USER:
    case COL_SCOPES:
    case COL_ACCESS:
    case COL_REFRESH:
    case COL_SUCCESS:
    case COL_ERROR:
    case COL_TEST:
    case N_COLUMNS:
    default:
      child = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (child), 0);
      gtk_label_set_ellipsize (GTK_LABEL (child), PANGO_ELLIPSIZE_END);
      /* Enough to read at once; the rest is in the tooltip. */
      gtk_label_set_width_chars (GTK_LABEL (child), column == COL_KIND ? 5 : column == COL_ERROR ? 8 : 9);
      gtk_label_set_max_width_chars (GTK_LABEL (child), column == COL_ERROR ? 48 : 16);
      break;
    }
  gtk_list_item_set_child (item, child);
}

static void
update_cell (GtkWidget                 *child,
             HangarAccountsOverviewRow *row,
             Column                     column)
{
  HangarAccount *account = hangar_accounts_overview_row_get_account (row);
  g_autofree char *text = cell_text (row, column);

  switch (column)
    {
    case COL_ACCOUNT:
      {
        GtkWidget *name = gtk_widget_get_first_child (child);
        const char *email = hangar_account_get_email (account);

        g_autofree char *kind = cell_text (row, COL_KIND);
        g_autofree char *detail = g_strdup_printf ("%s · %s",
                                                   email != NULL ? email
                                                   : hangar_account_get_user_id (account) != NULL
                                                   ? hangar_account_get_user_id (account)
                                                   : hangar_account_get_api_url (account),
                                                   kind);

        gtk_label_set_text (GTK_LABEL (name), text);
        gtk_label_set_text (GTK_LABEL (gtk_widget_get_next_sibling (name)), detail);
        gtk_widget_set_tooltip_text (gtk_widget_get_next_sibling (name), detail);
      }
      break;
    case COL_STATUS:
      hangar_status_badge_update (GTK_LABEL (child), hangar_account_get_status (account));
      gtk_widget_set_tooltip_text (child, hangar_account_get_status_reason (account));
      break;
    case COL_ACTIONS:
      {
        GtkWidget *buttons = gtk_widget_get_first_child (child);
        GtkWidget *test = gtk_widget_get_next_sibling (gtk_widget_get_first_child (buttons));
        GtkWidget *result = gtk_widget_get_next_sibling (buttons);
        const char *found = hangar_accounts_overview_row_get_test_result (row);

        gtk_widget_set_sensitive (test, !hangar_accounts_overview_row_get_testing (row));
        gtk_label_set_text (GTK_LABEL (result), found != NULL ? found : "");
        gtk_widget_set_tooltip_text (result, found);
        gtk_widget_set_visible (result, found != NULL);
      }
      break;
    case COL_ERROR:
      gtk_label_set_text (GTK_LABEL (child), text);
      gtk_widget_set_tooltip_text (child, text);
      if (last_error_ms (row) > 0 && last_error_ms (row) > last_success_ms (row))
        gtk_widget_add_css_class (child, "error");
      else
        gtk_widget_remove_css_class (child, "error");
      break;
    case COL_ACCESS:
    case COL_REFRESH:
    case COL_SUCCESS:
      {
        gint64 when = column == COL_ACCESS ? hangar_account_get_access_expires_at (account)
                    : column == COL_REFRESH ? hangar_account_get_refresh_expires_at (account)
                    : last_success_ms (row) / 1000;
        g_autofree char *tooltip = time_tooltip (when);

        gtk_label_set_text (GTK_LABEL (child), text);
        gtk_widget_set_tooltip_text (child, tooltip != NULL ? tooltip : text);
      }
      break;
    case COL_KIND:
    case COL_USER:
    case COL_SCOPES:
    case COL_TEST:
    case N_COLUMNS:
    default:
      gtk_label_set_text (GTK_LABEL (child), text);
      gtk_widget_set_tooltip_text (child, text);
      break;
    }
}

static void
row_changed_for_cell_cb (HangarAccountsOverviewRow *row,
                         GtkListItem               *item)
{
  Column column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (item), "hangar-overview-column"));

  update_cell (gtk_list_item_get_child (item), row, column);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  HangarAccountsOverviewRow *row = gtk_list_item_get_item (item);
  gulong handler;

  g_object_set_data (G_OBJECT (item), "hangar-overview-column", user_data);
  g_object_set_data (G_OBJECT (gtk_list_item_get_child (item)), "hangar-overview-row", row);
  handler = g_signal_connect (row, "changed", G_CALLBACK (row_changed_for_cell_cb), item);
  g_object_set_data (G_OBJECT (item), ROW_HANDLER_KEY, GSIZE_TO_POINTER ((gsize) handler));
  update_cell (gtk_list_item_get_child (item), row, column);
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  HangarAccountsOverviewRow *row = gtk_list_item_get_item (item);
  gulong handler = (gulong) GPOINTER_TO_SIZE (g_object_steal_data (G_OBJECT (item), ROW_HANDLER_KEY));

  if (row != NULL && handler != 0)
    g_signal_handler_disconnect (row, handler);
  g_object_set_data (G_OBJECT (gtk_list_item_get_child (item)), "hangar-overview-row", NULL);
}

/* ---- the rows ---- */

static void
update_summary (HangarAccountsOverview *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->rows));
  guint attention = 0;
  g_autofree char *accounts = NULL;
  g_autofree char *text = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HangarAccountsOverviewRow) row = g_list_model_get_item (G_LIST_MODEL (self->rows), i);

      if (hangar_account_get_status (hangar_accounts_overview_row_get_account (row)) != HANGAR_ACCOUNT_STATUS_ACTIVE)
        attention++;
    }
  accounts = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u account", "%u accounts", n), n);
  if (attention == 0)
    text = g_strdup_printf (_("%s, all working"), accounts);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s, %u needs you", "%s, %u need you", attention),
                            accounts, attention);
  gtk_label_set_text (self->summary_label, text);
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "list" : "empty");
}

static void
row_changed_cb (HangarAccountsOverviewRow *row,
                HangarAccountsOverview    *self)
{
  update_summary (self);
  queue_resort (self);
}

static void
store_items_changed_cb (GListModel             *model,
                        guint                   position,
                        guint                   removed,
                        guint                   added,
                        HangarAccountsOverview *self)
{
  g_autoptr(GPtrArray) new_rows = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < removed; i++)
    {
      g_autoptr(HangarAccountsOverviewRow) row = g_list_model_get_item (G_LIST_MODEL (self->rows), position + i);

      g_signal_handlers_disconnect_by_data (row, self);
      hangar_accounts_overview_row_cancel (row);
    }
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(HangarAccount) account = g_list_model_get_item (model, position + i);
      HangarAccountsOverviewRow *row = hangar_accounts_overview_row_new (account);

      g_signal_connect (row, "changed", G_CALLBACK (row_changed_cb), self);
      g_ptr_array_add (new_rows, row);
    }
  g_list_store_splice (self->rows, position, removed, new_rows->pdata, new_rows->len);
  update_summary (self);
}

static gboolean
tick_cb (gpointer user_data)
{
  HangarAccountsOverview *self = user_data;

  /* "in 52 minutes" moves on by itself. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->rows)); i++)
    {
      g_autoptr(HangarAccountsOverviewRow) row = g_list_model_get_item (G_LIST_MODEL (self->rows), i);

      g_signal_emit_by_name (row, "changed");
    }
  return G_SOURCE_CONTINUE;
}

static void
refresh_clicked_cb (HangarAccountsOverview *self)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->rows)); i++)
    {
      g_autoptr(HangarAccountsOverviewRow) row = g_list_model_get_item (G_LIST_MODEL (self->rows), i);

      hangar_accounts_overview_row_refresh (row);
    }
}

static void
hangar_accounts_overview_map (GtkWidget *widget)
{
  HangarAccountsOverview *self = HANGAR_ACCOUNTS_OVERVIEW (widget);

  GTK_WIDGET_CLASS (hangar_accounts_overview_parent_class)->map (widget);

  /* What other programs logged meanwhile, and fresh times. */
  refresh_clicked_cb (self);
  if (self->tick_id == 0)
    self->tick_id = g_timeout_add_seconds (TICK_S, tick_cb, self);
}

static void
hangar_accounts_overview_unmap (GtkWidget *widget)
{
  HangarAccountsOverview *self = HANGAR_ACCOUNTS_OVERVIEW (widget);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  GTK_WIDGET_CLASS (hangar_accounts_overview_parent_class)->unmap (widget);
}

static void
hangar_accounts_overview_dispose (GObject *object)
{
  HangarAccountsOverview *self = (HangarAccountsOverview *) object;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->resort_id, g_source_remove);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  if (self->rows != NULL)
    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->rows)); i++)
      {
        g_autoptr(HangarAccountsOverviewRow) row = g_list_model_get_item (G_LIST_MODEL (self->rows), i);

        g_signal_handlers_disconnect_by_data (row, self);
        hangar_accounts_overview_row_cancel (row);
      }
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_ACCOUNTS_OVERVIEW);
  g_clear_object (&self->sorted);
  g_clear_object (&self->rows);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (hangar_accounts_overview_parent_class)->dispose (object);
}

static void
hangar_accounts_overview_class_init (HangarAccountsOverviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_accounts_overview_dispose;
  widget_class->map = hangar_accounts_overview_map;
  widget_class->unmap = hangar_accounts_overview_unmap;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/tablehangar/Hangar/hangar-accounts-overview.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarAccountsOverview, stack);
  gtk_widget_class_bind_template_child (widget_class, HangarAccountsOverview, summary_label);
  gtk_widget_class_bind_template_child (widget_class, HangarAccountsOverview, column_view);
  gtk_widget_class_bind_template_callback (widget_class, refresh_clicked_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
hangar_accounts_overview_init (HangarAccountsOverview *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_list_store_new (HANGAR_TYPE_ACCOUNTS_OVERVIEW_ROW);
  for (Column c = 0; c < N_COLUMNS; c++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), GINT_TO_POINTER (c));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), GINT_TO_POINTER (c));
      g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), GINT_TO_POINTER (c));
      self->columns[c] = gtk_column_view_column_new (column_info[c].title[0] != '\0' ? _(column_info[c].title) : NULL,
                                                     factory);
      gtk_column_view_column_set_resizable (self->columns[c], c != COL_ACTIONS);
      /* The user and the kind show under the account's name, a test's
       * result under its button: fewer, wider columns. */
      gtk_column_view_column_set_visible (self->columns[c], c != COL_USER && c != COL_TEST && c != COL_KIND);
      if (c != COL_TEST && c != COL_ACTIONS)
        {
          self->sorters[c] = GTK_SORTER (gtk_custom_sorter_new (compare_rows, GINT_TO_POINTER (c), NULL));
          gtk_column_view_column_set_sorter (self->columns[c], self->sorters[c]);
          g_object_unref (self->sorters[c]);
        }
      gtk_column_view_append_column (self->column_view, self->columns[c]);
      g_object_unref (self->columns[c]);
    }
  gtk_column_view_column_set_expand (self->columns[COL_ERROR], TRUE);

  self->sorted = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->rows)),
                                          g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  gtk_column_view_set_model (self->column_view,
                             GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->sorted)))));
  /* By name until a header is clicked. */
  gtk_column_view_sort_by_column (self->column_view, self->columns[COL_ACCOUNT], GTK_SORT_ASCENDING);
}

GtkWidget *
hangar_accounts_overview_new (HangarAccountStore *store)
{
  HangarAccountsOverview *self;

  g_return_val_if_fail (HANGAR_IS_ACCOUNT_STORE (store), NULL);

  self = g_object_new (HANGAR_TYPE_ACCOUNTS_OVERVIEW, NULL);
  self->store = g_object_ref (store);
  g_signal_connect (store, "items-changed", G_CALLBACK (store_items_changed_cb), self);
  store_items_changed_cb (G_LIST_MODEL (store), 0, 0, g_list_model_get_n_items (G_LIST_MODEL (store)), self);
  return GTK_WIDGET (self);
}

GListModel *
hangar_accounts_overview_get_rows (HangarAccountsOverview *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNTS_OVERVIEW (self), NULL);
  return G_LIST_MODEL (self->sorted);
}

static Column
column_by_id (const char *id)
{
  for (Column c = 0; c < N_COLUMNS; c++)
    if (g_strcmp0 (column_info[c].id, id) == 0)
      return c;
  return N_COLUMNS;
}

gboolean
hangar_accounts_overview_sort_by (HangarAccountsOverview *self,
                                  const char             *column,
                                  gboolean                descending)
{
  Column c;

  g_return_val_if_fail (HANGAR_IS_ACCOUNTS_OVERVIEW (self), FALSE);

  c = column_by_id (column);
  if (c == N_COLUMNS || self->sorters[c] == NULL)
    return FALSE;
  gtk_column_view_sort_by_column (self->column_view, self->columns[c],
                                  descending ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
  return TRUE;
}

char *
hangar_accounts_overview_dup_cell_text (HangarAccountsOverview *self,
                                        guint                   position,
                                        const char             *column)
{
  g_autoptr(HangarAccountsOverviewRow) row = NULL;
  Column c;

  g_return_val_if_fail (HANGAR_IS_ACCOUNTS_OVERVIEW (self), NULL);

  c = column_by_id (column);
  row = g_list_model_get_item (G_LIST_MODEL (self->sorted), position);
  if (row == NULL || c == N_COLUMNS)
    return NULL;
  return cell_text (row, c);
}

void
hangar_accounts_overview_test (HangarAccountsOverview *self,
                               guint                   position)
{
  g_autoptr(HangarAccountsOverviewRow) row = NULL;

  g_return_if_fail (HANGAR_IS_ACCOUNTS_OVERVIEW (self));

  row = g_list_model_get_item (G_LIST_MODEL (self->sorted), position);
  if (row != NULL)
    hangar_accounts_overview_row_test (row);
}
