/* test-admin.c — the admin views against a real hangar-sandbox: the
 * account page's Activity list (the request log, live, with its filters),
 * the request console, the accounts overview (sorting, Test, last success
 * and last error), the truthful Disconnect dialog and the deletion of the
 * account's local data, and server text that never reaches a toast as a
 * secret
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "hangar-account-page.h"
#include "hangar-accounts-overview.h"
#include "hangar-accounts-overview-row.h"
#include "hangar-activity-view.h"
#include "hangar-console-view.h"
#include "hangar-redact.h"
#include "hangar-request-log.h"
#include "hangar-sidebar-private.h"
#include "hangar-test-gui.h"
#include "hangar-window-private.h"

typedef struct
{
  HangarTestSandbox  *sandbox;
  HangarAccountStore *store;
  HangarWindow       *window;
  char               *base_id;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *store_path = NULL;
  static guint n_fixture;

  hangar_test_isolate_home ();
  hangar_test_use_file_keyring (NULL);
  f->sandbox = hangar_test_sandbox_start ("--no-rate-limit", NULL);
  hangar_redact_add_secret (f->sandbox->pat);
  /* GLib keeps the process's first XDG dirs: a store file of its own per test. */
  store_path = g_strdup_printf ("%s/hangar-%u/accounts.json", g_get_user_config_dir (), ++n_fixture);
  f->store = hangar_account_store_new_for_path (store_path, &error);
  g_assert_no_error (error);
  f->base_id = hangar_test_sandbox_base_id (f->sandbox, f->sandbox->pat, "Product Roadmap");
  f->window = g_object_ref_sink (hangar_window_new (NULL, f->store));
  gtk_window_present (GTK_WINDOW (f->window));
  hangar_test_wait_until (hangar_test_gui_widget_mapped, f->window, "the window to map");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  GtkWindow *weak_window = GTK_WINDOW (f->window);
  GtkWindow *dialog;

  while ((dialog = hangar_test_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL)
    gtk_window_destroy (dialog);
  g_object_add_weak_pointer (G_OBJECT (weak_window), (gpointer *) &weak_window);
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->window);
  hangar_test_wait_until (hangar_test_pointer_is_null, &weak_window, "the window to be finalized");
  hangar_request_log_flush_all ();
  hangar_account_store_flush (f->store, NULL);
  g_clear_object (&f->store);
  g_clear_pointer (&f->base_id, g_free);
  g_clear_pointer (&f->sandbox, hangar_test_sandbox_stop);
}

static HangarAccount *
connect_pat (Fixture    *f,
             const char *label,
             const char *pat)
{
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  g_autoptr(GError) error = NULL;
  HangarAccount *account;

  hangar_account_store_connect_pat_async (f->store, label, f->sandbox->url, pat, NULL, hangar_test_wait_cb, wait);
  account = hangar_account_store_connect_pat_finish (f->store, hangar_test_wait_run (wait), &error);
  g_assert_no_error (error);
  return account;
}

static HangarAccountPage *
open_account_page (Fixture       *f,
                   HangarAccount *account,
                   const char    *view)
{
  HangarAccountPage *page = hangar_window_get_account_page (f->window);

  g_assert_true (hangar_window_show_account (f->window, hangar_account_get_id (account)));
  g_assert_cmpstr (hangar_window_get_content_page (f->window), ==, "account");
  g_assert_true (hangar_account_page_get_account (page) == account);
  hangar_account_page_show_view (page, view);
  return page;
}

typedef struct
{
  GListModel *model;
  guint       n;
} Count;

static gboolean
count_reached (gpointer data)
{
  Count *c = data;

  return g_list_model_get_n_items (c->model) == c->n;
}

static gboolean
bases_listed (gpointer data)
{
  void **w = data;
  GListModel *bases = hangar_sidebar_get_account_children (w[0], w[1]);
  g_autoptr(GObject) first = NULL;

  if (bases == NULL || g_list_model_get_n_items (bases) == 0)
    return FALSE;
  first = g_list_model_get_item (bases, 0);
  return hangar_sidebar_node_get_kind (HANGAR_SIDEBAR_NODE (first)) != HANGAR_SIDEBAR_NODE_LOADING;
}

/* Waits until the sidebar listed the account's bases (which it does when
 * an account turns ACTIVE) and everything is in the log; returns how many
 * requests the log holds then. */
static guint
settle (Fixture       *f,
        HangarAccount *account)
{
  void *w[] = { hangar_window_get_sidebar (f->window), account };
  g_autoptr(HangarRequestLog) log = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  hangar_test_wait_until (bases_listed, w, "the sidebar to list the bases");
  log = hangar_request_log_get_for_account (hangar_account_get_id (account), &error);
  g_assert_no_error (error);
  entries = hangar_request_log_query (log, NULL, &error);
  g_assert_no_error (error);
  return entries->len;
}

static gboolean
activity_loaded (gpointer data)
{
  return !hangar_activity_view_get_loading (HANGAR_ACTIVITY_VIEW (data));
}

static const char *offered_base;

static gboolean
base_offered (gpointer data)
{
  /* Selecting it is what the user does once it is offered. */
  return hangar_activity_view_set_base (HANGAR_ACTIVITY_VIEW (data), offered_base);
}

static void
forbidden_schema (HangarAccount *account)
{
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tables = NULL;
  HangarClient *client = hangar_account_get_client (account);

  hangar_client_get_base_schema_async (client, "appNOTGRANTED0000", NULL, hangar_test_wait_cb, wait);
  tables = hangar_client_get_base_schema_finish (client, hangar_test_wait_run (wait), &error);
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_PERMISSION_DENIED);
}

/* The Activity list: every request of the account, newest first, as it
 * happens; the filters read the log again. */
static void
test_activity (Fixture       *f,
               gconstpointer  data)
{
  HangarAccount *account = connect_pat (f, "Work", f->sandbox->pat);
  HangarAccountPage *page = open_account_page (f, account, "activity");
  HangarActivityView *view = HANGAR_ACTIVITY_VIEW (hangar_account_page_get_activity_view (page));
  GListModel *entries = hangar_activity_view_get_entries (view);
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) bases = NULL;
  g_autoptr(GPtrArray) tables = NULL;
  Count count = { entries, 0 };
  HangarRequestLogEntry *newest;

  guint n0;

  hangar_test_wait_until (hangar_test_gui_widget_mapped, view, "the activity view to show");
  /* The sidebar lists the bases of a newly connected account: that is
   * the account's first request. */
  n0 = settle (f, account);
  hangar_test_wait_until (activity_loaded, view, "the log to be read");
  g_assert_cmpuint (g_list_model_get_n_items (entries), ==, n0);

  /* Three requests: they appear on their own (written within a second). */
  hangar_client_list_bases_async (hangar_account_get_client (account), NULL, hangar_test_wait_cb, wait);
  bases = hangar_client_list_bases_finish (hangar_account_get_client (account), hangar_test_wait_run (wait), &error);
  g_assert_no_error (error);
  hangar_client_get_base_schema_async (hangar_account_get_client (account), f->base_id, NULL, hangar_test_wait_cb, wait);
  tables = hangar_client_get_base_schema_finish (hangar_account_get_client (account), hangar_test_wait_run (wait), &error);
  g_assert_no_error (error);
  forbidden_schema (account);
  count.n = n0 + 3;
  hangar_test_wait_until (count_reached, &count, "three more requests in the Activity list");

  newest = g_list_model_get_item (entries, 0);
  g_assert_cmpuint (hangar_request_log_entry_get_status (newest), ==, 403);
  g_assert_cmpstr (hangar_request_log_entry_get_path (newest), ==, "/v0/meta/bases/appNOTGRANTED0000/tables");
  g_object_unref (newest);
  /* On screen: the cells, as plain text. */
  hangar_test_gui_wait_for_text (GTK_WIDGET (view), "/v0/meta/bases/appNOTGRANTED0000/tables");
  hangar_test_gui_wait_for_text (GTK_WIDGET (view), "INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND");
  {
    g_autofree char *shown = g_strdup_printf ("%u requests", n0 + 3);

    hangar_test_gui_wait_for_text (GTK_WIDGET (view), shown);
  }

  /* Errors only. */
  hangar_activity_view_set_errors_only (view, TRUE);
  hangar_test_wait_until (activity_loaded, view, "the errors to be read");
  g_assert_cmpuint (g_list_model_get_n_items (entries), ==, 1);
  hangar_test_gui_wait_for_text (GTK_WIDGET (view), "1 failed request");
  hangar_activity_view_set_errors_only (view, FALSE);
  hangar_test_wait_until (activity_loaded, view, "every request to be read");

  /* One base: the log has seen two (the filter learns of them as they come). */
  offered_base = f->base_id;
  hangar_test_wait_until (base_offered, view, "the base in the filter");
  g_assert_true (hangar_activity_view_set_base (view, f->base_id));
  hangar_test_wait_until (activity_loaded, view, "the base's requests to be read");
  g_assert_cmpuint (g_list_model_get_n_items (entries), ==, 1);
  newest = g_list_model_get_item (entries, 0);
  g_assert_cmpstr (hangar_request_log_entry_get_base_id (newest), ==, f->base_id);
  g_object_unref (newest);
  g_assert_false (hangar_activity_view_set_base (view, "appNEVERSEEN00000"));

  /* A new request of another base does not show under this filter. */
  forbidden_schema (account);
  hangar_request_log_flush_all ();
  g_assert_cmpuint (g_list_model_get_n_items (entries), ==, 1);
  g_assert_true (hangar_activity_view_set_base (view, NULL));
  hangar_test_wait_until (activity_loaded, view, "every request to be read");
  g_assert_cmpuint (g_list_model_get_n_items (entries), ==, n0 + 4);
}

static gboolean
console_idle (gpointer data)
{
  return !hangar_console_view_get_busy (HANGAR_CONSOLE_VIEW (data));
}

static gboolean
question_shown (gpointer data)
{
  return hangar_test_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

static gboolean
question_gone (gpointer data)
{
  return hangar_test_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) == NULL;
}

/* Answers the dialog as a click on one of its buttons does (the response,
 * then the dialog closes), and waits for it to go. */
static void
answer (GtkWindow  *question,
        const char *response)
{
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (question), response);
  gtk_window_close (question);
  hangar_test_wait_until (question_gone, NULL, "the confirmation to close");
}

static GtkWindow *
wait_for_question (void)
{
  hangar_test_wait_until (question_shown, NULL, "the confirmation");
  return hangar_test_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
}

/* The console: a read goes at once, a write asks first; the answer shows
 * as plain text with the headers that matter. */
static void
test_console (Fixture       *f,
              gconstpointer  data)
{
  HangarAccount *account = connect_pat (f, "Work", f->sandbox->pat);
  HangarAccountPage *page = open_account_page (f, account, "console");
  HangarConsoleView *console = HANGAR_CONSOLE_VIEW (hangar_account_page_get_console_view (page));
  g_autofree char *body = NULL;
  g_autofree char *create_path = g_strdup_printf ("/v0/%s/People", f->base_id);
  GtkWindow *question;
  gint64 before;

  hangar_test_wait_until (hangar_test_gui_widget_mapped, console, "the console to show");

  /* A read. */
  hangar_console_view_set_request (console, "GET", "/v0/meta/whoami", NULL, NULL);
  hangar_console_view_send (console);
  hangar_test_wait_until (console_idle, console, "the answer");
  g_assert_true (g_str_has_prefix (hangar_console_view_get_status_text (console), "200 OK · "));
  g_assert_nonnull (strstr (hangar_console_view_get_headers_text (console), "Content-Type: application/json"));
  body = hangar_console_view_dup_body_text (console);
  g_assert_nonnull (strstr (body, "\"email\": \"demo@hangar.test\""));
  g_assert_nonnull (strstr (body, "\n  \"id\": "));   /* pretty-printed */
  g_assert_false (hangar_test_text_contains_secret (body, f->sandbox->pat));
  g_clear_pointer (&body, g_free);

  /* A query with a value that needs encoding. */
  hangar_console_view_set_request (console, "GET", create_path, "maxRecords=1\nfilterByFormula={Name} = 'A & B'", NULL);
  hangar_console_view_send (console);
  hangar_test_wait_until (console_idle, console, "the listing");
  g_assert_true (g_str_has_prefix (hangar_console_view_get_status_text (console), "200 OK"));

  /* Bad input is refused before anything is sent. */
  before = hangar_test_sandbox_stat (f->sandbox, "requests");
  hangar_console_view_set_request (console, "POST", create_path, "broken line", NULL);
  hangar_console_view_send (console);
  g_assert_nonnull (strstr (hangar_console_view_get_message (console), "not name=value"));
  hangar_console_view_set_request (console, "POST", create_path, NULL, "{\"fields\": ");
  hangar_console_view_send (console);
  g_assert_nonnull (strstr (hangar_console_view_get_message (console), "not JSON"));
  hangar_console_view_set_request (console, "GET", "v0/meta/whoami", NULL, NULL);
  hangar_console_view_send (console);
  g_assert_nonnull (strstr (hangar_console_view_get_message (console), "starts with"));
  g_assert_cmpint (hangar_test_sandbox_stat (f->sandbox, "requests"), ==, before);

  /* A write asks; "Cancel" sends nothing. */
  hangar_console_view_set_request (console, "POST", create_path, NULL,
                                   "{\"fields\": {\"Name\": \"From the console <b>&amp;</b>\"}}");
  hangar_console_view_send (console);
  question = wait_for_question ();
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (question)), "POST"));
  answer (question, "cancel");
  g_assert_cmpstr (hangar_console_view_get_message (console), ==, "Not sent.");
  g_assert_cmpint (hangar_test_sandbox_stat (f->sandbox, "requests"), ==, before);

  /* "Send" sends it, once. */
  hangar_console_view_send (console);
  question = wait_for_question ();
  answer (question, "confirm");
  hangar_test_wait_until (console_idle, console, "the write's answer");
  g_assert_true (g_str_has_prefix (hangar_console_view_get_status_text (console), "200 OK"));
  body = hangar_console_view_dup_body_text (console);
  /* The server's text, verbatim: markup-looking text stays text. */
  g_assert_nonnull (strstr (body, "From the console <b>&amp;</b>"));
  g_assert_cmpint (hangar_test_sandbox_stat (f->sandbox, "requests"), ==, before + 1);
  g_clear_pointer (&body, g_free);

  /* Three 503s: the answer that stays, with its Retry-After. */
  hangar_test_sandbox_control (f->sandbox, "/__sandbox/faults", "{\"count\": 3, \"status\": 503, \"retry_after\": 0}");
  hangar_console_view_set_request (console, "GET", "/v0/meta/whoami", NULL, NULL);
  hangar_console_view_send (console);
  hangar_test_wait_until (console_idle, console, "the 503");
  g_assert_true (g_str_has_prefix (hangar_console_view_get_status_text (console), "503 Service Unavailable"));
  g_assert_nonnull (strstr (hangar_console_view_get_status_text (console), "sent again 2 times"));
  g_assert_nonnull (strstr (hangar_console_view_get_headers_text (console), "Retry-After: 0"));
  g_assert_nonnull (strstr (hangar_console_view_get_message (console), "RETRIABLE_ERROR"));
}

static gboolean
row_test_done (gpointer data)
{
  return !hangar_accounts_overview_row_get_testing (HANGAR_ACCOUNTS_OVERVIEW_ROW (data));
}

static char *
cell (HangarAccountsOverview *overview,
      guint                   position,
      const char             *column)
{
  return hangar_accounts_overview_dup_cell_text (overview, position, column);
}

typedef struct
{
  HangarAccountsOverview *overview;
  guint                   position;
  const char             *column;
  const char             *needle;
} CellWait;

static gboolean
cell_contains (gpointer data)
{
  CellWait *w = data;
  g_autofree char *text = cell (w->overview, w->position, w->column);

  return text != NULL && strstr (text, w->needle) != NULL;
}

/* The overview: every account, sortable; Test; the last error; the
 * truthful Disconnect, which removes the account's local data too. */
static void
test_overview (Fixture       *f,
               gconstpointer  data)
{
  HangarAccount *beta = connect_pat (f, "Beta", hangar_test_sandbox_user (f->sandbox, 1, "pat"));
  HangarAccount *alpha = connect_pat (f, "Alpha", f->sandbox->pat);
  HangarAccountsOverview *overview = HANGAR_ACCOUNTS_OVERVIEW (hangar_window_get_overview (f->window));
  GListModel *rows = hangar_accounts_overview_get_rows (overview);
  g_autoptr(HangarAccountsOverviewRow) first = NULL;
  g_autofree char *text = NULL;
  g_autofree char *state = NULL;
  CellWait error_wait = { overview, 0, "error", "403 INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND" };
  GtkWindow *question;
  GtkWidget *link;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-overview", NULL));
  g_assert_cmpstr (hangar_window_get_content_page (f->window), ==, "overview");
  hangar_test_wait_until (hangar_test_gui_widget_mapped, overview, "the overview to show");
  hangar_test_gui_wait_for_text (GTK_WIDGET (overview), "2 accounts, all working");

  /* By name until told otherwise. */
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 2);
  text = cell (overview, 0, "account");
  g_assert_cmpstr (text, ==, "Alpha");
  g_clear_pointer (&text, g_free);
  text = cell (overview, 0, "kind");
  g_assert_cmpstr (text, ==, "Token");
  g_clear_pointer (&text, g_free);
  text = cell (overview, 0, "user");
  g_assert_cmpstr (text, ==, "demo@hangar.test");
  g_clear_pointer (&text, g_free);
  g_assert_true (hangar_accounts_overview_sort_by (overview, "account", TRUE));
  text = cell (overview, 0, "account");
  g_assert_cmpstr (text, ==, "Beta");
  g_clear_pointer (&text, g_free);

  /* A failed request of Alpha: its last error, and first by errors. */
  forbidden_schema (alpha);
  g_assert_true (hangar_accounts_overview_sort_by (overview, "error", FALSE));
  hangar_test_wait_until (cell_contains, &error_wait, "Alpha's last error");
  text = cell (overview, 0, "account");
  g_assert_cmpstr (text, ==, "Alpha");
  g_clear_pointer (&text, g_free);
  text = cell (overview, 1, "error");
  g_assert_cmpstr (text, ==, "None");
  g_clear_pointer (&text, g_free);
  hangar_test_gui_wait_for_text (GTK_WIDGET (overview), "Alpha");

  /* Test: whoami through the account's client; a success to show. */
  first = g_list_model_get_item (rows, 1);
  g_assert_true (hangar_accounts_overview_row_get_account (first) == beta);
  hangar_accounts_overview_test (overview, 1);
  hangar_test_wait_until (row_test_done, first, "Beta's test");
  g_assert_true (g_str_has_prefix (hangar_accounts_overview_row_get_test_result (first), "Works: signed in as "));
  {
    CellWait success_wait = { overview, 1, "success", "ago" };
    CellWait now_wait = { overview, 1, "success", "just now" };

    if (!cell_contains (&now_wait))
      hangar_test_wait_until (cell_contains, &success_wait, "Beta's last success");
  }

  /* Disconnect tells the truth: Airtable still has the grant. */
  state = hangar_store_path_for_account (hangar_account_get_id (alpha), HANGAR_STORE_STATE);
  hangar_request_log_flush_all ();
  g_assert_true (g_file_test (state, G_FILE_TEST_EXISTS));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.disconnect-account", "s",
                                             hangar_account_get_id (alpha)));
  question = wait_for_question ();
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (question)),
                            "does not delete the personal access token at Airtable"));
  link = adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (question));
  g_assert_true (GTK_IS_LINK_BUTTON (link));
  g_assert_cmpstr (gtk_link_button_get_uri (GTK_LINK_BUTTON (link)), ==, "https://airtable.com/create/tokens");
  answer (question, "confirm");
  {
    Count gone = { rows, 1 };

    hangar_test_wait_until (count_reached, &gone, "the account to leave the overview");
  }
  hangar_test_gui_wait_for_text (GTK_WIDGET (overview), "1 account, all working");
  /* Its request log went with it. */
  g_assert_false (g_file_test (state, G_FILE_TEST_EXISTS));
}

/* The OAuth kind of the dialog points at Airtable's help on revoking. */
static void
test_disconnect_oauth_text (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(HangarOAuthIntegration) integration =
    hangar_oauth_integration_new (f->sandbox->url, f->sandbox->url, f->sandbox->client_id, NULL,
                                  f->sandbox->redirect_uri, NULL);
  g_autoptr(HangarOAuthFlow) flow = hangar_oauth_flow_new (integration);
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *location = hangar_test_sandbox_consent (f->sandbox, hangar_oauth_flow_get_authorize_uri (flow),
                                                           NULL, FALSE);
  g_autofree char *code = hangar_oauth_flow_parse_redirect (flow, location, &error);
  HangarAccount *account;
  GtkWindow *question;
  GtkWidget *link;

  g_assert_no_error (error);
  hangar_account_store_connect_oauth_async (f->store, "Signed In", flow, code, NULL, hangar_test_wait_cb, wait);
  account = hangar_account_store_connect_oauth_finish (f->store, hangar_test_wait_run (wait), &error);
  g_assert_no_error (error);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.disconnect-account", "s",
                                             hangar_account_get_id (account)));
  question = wait_for_question ();
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (question)),
                            "does not revoke Hangar's access at Airtable"));
  link = adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (question));
  g_assert_cmpstr (gtk_link_button_get_uri (GTK_LINK_BUTTON (link)), ==,
                   "https://support.airtable.com/docs/third-party-integrations-via-oauth-overview");
  answer (question, "cancel");
  g_assert_true (hangar_account_store_lookup_by_id (f->store, hangar_account_get_id (account)) == account);
}

/* A toast quotes server text: never a secret it echoed. */
static void
test_toast_redacted (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *message = g_strdup_printf ("Could not load: bad token %s <b>x</b>", f->sandbox->pat);

  hangar_window_toast (f->window, message);
  g_assert_false (hangar_test_text_contains_secret (hangar_window_get_last_toast (f->window), f->sandbox->pat));
  g_assert_nonnull (strstr (hangar_window_get_last_toast (f->window), "[token] <b>x</b>"));
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_gui_init (&argc, &argv);

  g_test_add ("/hangar/gui/admin/activity", Fixture, NULL, fixture_setup, test_activity, fixture_teardown);
  g_test_add ("/hangar/gui/admin/console", Fixture, NULL, fixture_setup, test_console, fixture_teardown);
  g_test_add ("/hangar/gui/admin/overview", Fixture, NULL, fixture_setup, test_overview, fixture_teardown);
  g_test_add ("/hangar/gui/admin/disconnect-oauth", Fixture, NULL, fixture_setup, test_disconnect_oauth_text, fixture_teardown);
  g_test_add ("/hangar/gui/admin/toast-redacted", Fixture, NULL, fixture_setup, test_toast_redacted, fixture_teardown);
  return g_test_run ();
}
