/* hangar-add-account-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hangar-add-account-dialog.h"
#include "hangar-compat.h"
#include "hangar-connect.h"
#include "hangar-redact.h"

#define DEFAULT_REDIRECT_URI "http://localhost:8471/oauth/callback"
#define REGISTER_URL         "https://airtable.com/create/oauth"

struct _HangarAddAccountDialog
{
  AdwWindow               parent_instance;

  AdwToastOverlay        *toast_overlay;
  GtkButton              *back_button;
  AdwWindowTitle         *window_title;
  GtkScrolledWindow      *oauth_scroller;
  GtkScrolledWindow      *pat_scroller;
  AdwPreferencesGroup    *register_group;
  AdwPreferencesGroup    *details_group;
  AdwComboRow            *saved_row;
  AdwActionRow           *open_register_row;
  GtkButton              *browser_button;
  GtkStack               *stack;
  GtkLabel               *sandbox_hint;
  AdwActionRow           *oauth_row;
  AdwActionRow           *pat_row;
  AdwActionRow           *redirect_copy_row;
  GtkButton              *copy_redirect_button;
  AdwActionRow           *scopes_row;
  AdwEntryRow            *label_row;
  AdwEntryRow            *client_id_row;
  AdwPasswordEntryRow    *client_secret_row;
  AdwEntryRow            *redirect_row;
  AdwExpanderRow         *server_row;
  AdwEntryRow            *api_url_row;
  AdwEntryRow            *oauth_url_row;
  GtkLabel               *oauth_message;
  GtkButton              *oauth_button;
  AdwEntryRow            *pat_label_row;
  AdwPasswordEntryRow    *token_row;
  AdwEntryRow            *pat_api_url_row;
  GtkLabel               *pat_message;
  GtkButton              *pat_button;
  AdwStatusPage          *progress_page;
  GtkSpinner             *spinner;

  HangarAccountStore     *store;
  HangarOAuthIntegration *sandbox;
  GCancellable           *cancellable;
  char                   *return_page;
  char                   *message;

  /* saved integrations: the names offered after the first item */
  GtkStringList          *saved_names;
  /* reconnect mode */
  HangarAccount          *reconnect;
  HangarOAuthIntegration *reconnect_integration;  /* as connected, secret included */
  char                  **reconnect_scopes;       /* what to ask for: granted ∪ missing */
  char                  **added_scopes;           /* the missing ones */
};

G_DEFINE_FINAL_TYPE (HangarAddAccountDialog, hangar_add_account_dialog, ADW_TYPE_WINDOW)

enum {
  ACCOUNT_ADDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
unique_label (HangarAccountStore *store,
              const char         *wanted)
{
  if (hangar_account_store_lookup_by_label (store, wanted) == NULL)
    return g_strdup (wanted);

  for (guint i = 2; ; i++)
    {
      g_autofree char *candidate = g_strdup_printf ("%s %u", wanted, i);
      if (hangar_account_store_lookup_by_label (store, candidate) == NULL)
        return g_steal_pointer (&candidate);
    }
}

static char *
dup_entry_text (gpointer editable)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (editable)));

  g_strstrip (text);
  if (*text == '\0')
    return NULL;
  return g_steal_pointer (&text);
}

static gboolean
scroll_to_end_cb (GtkWidget     *widget,
                  GdkFrameClock *clock,
                  gpointer       user_data)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (widget));
  int frames = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (widget), "hangar-scroll-frames"));

  /* The message and the button under it sit at the end of the page. A new
   * message is laid out a frame later: follow for a few frames (counted
   * from 1 in the scroller's data, NULL when not scrolling). */
  gtk_adjustment_set_value (adjustment,
                            gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment));
  g_object_set_data (G_OBJECT (widget), "hangar-scroll-frames", GINT_TO_POINTER (frames + 1));
  if (frames < 3)
    return G_SOURCE_CONTINUE;
  g_object_set_data (G_OBJECT (widget), "hangar-scroll-frames", NULL);
  return G_SOURCE_REMOVE;
}

static void
set_message (HangarAddAccountDialog *self,
             GtkLabel               *label,
             const char             *text,
             gboolean                is_error)
{
  GtkWidget *scroller;
  g_autofree char *redacted = hangar_redact (text);

  /* The message may quote the server: never a secret it echoed. */
  text = redacted;
  g_free (self->message);
  self->message = g_strdup (text);

  gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (label), "info");
  if (text == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (label), FALSE);
      return;
    }
  gtk_widget_add_css_class (GTK_WIDGET (label), is_error ? "error" : "info");
  /* Plain text: the message may carry the server's words. */
  gtk_label_set_text (label, text);
  gtk_widget_set_visible (GTK_WIDGET (label), TRUE);

  /* Make sure it is seen, also when the page was scrolled up. */
  scroller = gtk_widget_get_ancestor (GTK_WIDGET (label), GTK_TYPE_SCROLLED_WINDOW);
  if (scroller != NULL && g_object_get_data (G_OBJECT (scroller), "hangar-scroll-frames") == NULL)
    {
      g_object_set_data (G_OBJECT (scroller), "hangar-scroll-frames", GINT_TO_POINTER (1));
      gtk_widget_add_tick_callback (scroller, scroll_to_end_cb, NULL, NULL);
    }
}

static const char *
selected_saved (HangarAddAccountDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->saved_row);

  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION)
    return NULL;
  return gtk_string_list_get_string (self->saved_names, selected);
}

static void
update_scopes_row (HangarAddAccountDialog *self)
{
  const char * const *scopes = self->sandbox != NULL ? (const char * const *) self->sandbox->scopes : NULL;
  g_autoptr(HangarOAuthIntegration) saved = NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  if (self->reconnect_scopes != NULL)
    scopes = (const char * const *) self->reconnect_scopes;
  else if (selected_saved (self) != NULL &&
           (saved = hangar_account_store_lookup_integration (self->store, selected_saved (self), NULL)) != NULL)
    scopes = (const char * const *) saved->scopes;
  if (scopes == NULL)
    scopes = hangar_scopes_default ();
  /* One per line, as they are ticked one by one; the ones a reconnect
   * adds are marked. */
  for (guint i = 0; scopes[i] != NULL; i++)
    {
      if (text->len > 0)
        g_string_append_c (text, '\n');
      if (self->added_scopes != NULL && g_strv_contains ((const char * const *) self->added_scopes, scopes[i]))
        g_string_append_printf (text, _("%s (missing until now)"), scopes[i]);
      else
        g_string_append (text, scopes[i]);
    }
  adw_action_row_set_subtitle (self->scopes_row, text->str);
}

/* Fills the detail rows from @integration (its secret is never shown). */
static void
fill_details (HangarAddAccountDialog       *self,
              const HangarOAuthIntegration *integration)
{
  gtk_editable_set_text (GTK_EDITABLE (self->client_id_row), integration->client_id);
  gtk_editable_set_text (GTK_EDITABLE (self->client_secret_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->redirect_row), integration->redirect_uri);
  gtk_editable_set_text (GTK_EDITABLE (self->api_url_row), integration->api_url);
  gtk_editable_set_text (GTK_EDITABLE (self->oauth_url_row), integration->oauth_url);
}

/* The detail rows are typed in only for a new integration: a saved one
 * or an account's own is used as it is. */
static void
set_details_editable (HangarAddAccountDialog *self,
                      gboolean                editable)
{
  GtkWidget *rows[] = {
    GTK_WIDGET (self->client_id_row), GTK_WIDGET (self->client_secret_row), GTK_WIDGET (self->redirect_row),
    GTK_WIDGET (self->server_row),
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    gtk_widget_set_sensitive (rows[i], editable);
}

static void
saved_changed_cb (HangarAddAccountDialog *self)
{
  const char *name = selected_saved (self);
  g_autoptr(HangarOAuthIntegration) saved = NULL;
  gboolean has_secret = FALSE;

  if (self->saved_names == NULL)
    return;
  if (name != NULL && (saved = hangar_account_store_lookup_integration (self->store, name, &has_secret)) != NULL)
    {
      fill_details (self, saved);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->client_secret_row),
                                     has_secret ? _("Client Secret (kept in the keyring)") : _("Client Secret (none)"));
      set_details_editable (self, FALSE);
    }
  else if (self->reconnect_integration != NULL)
    {
      fill_details (self, self->reconnect_integration);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->client_secret_row),
                                     self->reconnect_integration->client_secret != NULL
                                     ? _("Client Secret (kept in the keyring)") : _("Client Secret (none)"));
      set_details_editable (self, FALSE);
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->client_secret_row), _("Client Secret (optional)"));
      set_details_editable (self, TRUE);
    }
  update_scopes_row (self);
}

/* The saved integrations on offer, after "none" (or, for a reconnect, the
 * integration the account was connected with). */
static void
fill_saved (HangarAddAccountDialog *self)
{
  g_auto(GStrv) names = hangar_account_store_list_integrations (self->store);
  const char *first[] = { NULL, NULL };

  first[0] = self->reconnect != NULL ? _("The one it was connected with") : _("None: enter its details below");
  self->saved_names = gtk_string_list_new (first);
  gtk_string_list_splice (self->saved_names, 1, 0, (const char * const *) names);
  adw_combo_row_set_model (self->saved_row, G_LIST_MODEL (self->saved_names));
  adw_combo_row_set_selected (self->saved_row, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->saved_row), names[0] != NULL);
}

static void
show_progress (HangarAddAccountDialog *self,
               const char             *title,
               const char             *description)
{
  self->return_page = g_strdup (gtk_stack_get_visible_child_name (self->stack));
  adw_status_page_set_title (self->progress_page, title);
  adw_status_page_set_description (self->progress_page, description);
  gtk_spinner_start (self->spinner);
  hangar_add_account_dialog_show_page (self, "progress");
}

static void
back_from_progress (HangarAddAccountDialog *self)
{
  g_autofree char *page = g_steal_pointer (&self->return_page);

  gtk_spinner_stop (self->spinner);
  hangar_add_account_dialog_show_page (self, page != NULL ? page : "choose");
}

static void
account_connected (HangarAddAccountDialog *self,
                   HangarAccount          *account)
{
  gtk_spinner_stop (self->spinner);
  g_signal_emit (self, signals[ACCOUNT_ADDED], 0, account);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
connect_oauth_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(HangarAddAccountDialog) self = user_data;
  g_autoptr(HangarAccount) account = NULL;
  g_autoptr(GError) error = NULL;

  account = hangar_connect_oauth_finish (result, &error);
  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;

  if (account == NULL)
    {
      back_from_progress (self);
      if (g_error_matches (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_CANCELLED))
        /* Cancel or deny on the consent page itself (access_denied). */
        set_message (self, self->oauth_message,
                     _("Sign-in was cancelled on the consent page, so no access was granted. Nothing was connected."),
                     FALSE);
      else if (hangar_connect_error_is_cancel (error))
        set_message (self, self->oauth_message, _("Sign-in was cancelled. Nothing was connected."), FALSE);
      else
        {
          g_autofree char *text = hangar_connect_describe_error (_("Could not connect"), error);
          set_message (self, self->oauth_message, text, TRUE);
        }
      gtk_widget_grab_focus (GTK_WIDGET (self->oauth_button));
      return;
    }

  account_connected (self, account);
}

static void
connect_pat_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(HangarAddAccountDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  HangarAccount *account;

  account = hangar_account_store_connect_pat_finish (HANGAR_ACCOUNT_STORE (object), result, &error);
  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;

  if (account == NULL)
    {
      back_from_progress (self);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_message (self, self->pat_message, _("Cancelled. Nothing was connected."), FALSE);
      else if (g_error_matches (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_UNAUTHORIZED))
        set_message (self, self->pat_message, _("Airtable refused this token. Check that it was copied whole and has not been deleted."), TRUE);
      else
        {
          g_autofree char *text = hangar_connect_describe_error (_("Could not connect"), error);
          set_message (self, self->pat_message, text, TRUE);
        }
      gtk_widget_grab_focus (GTK_WIDGET (self->token_row));
      return;
    }

  account_connected (self, account);
}

static void
back_clicked_cb (HangarAddAccountDialog *self)
{
  g_cancellable_cancel (self->cancellable);
  hangar_add_account_dialog_show_page (self, "choose");
}

static void
oauth_row_activated_cb (HangarAddAccountDialog *self)
{
  hangar_add_account_dialog_show_page (self, "oauth");
}

static void
pat_row_activated_cb (HangarAddAccountDialog *self)
{
  hangar_add_account_dialog_show_page (self, "pat");
}

static void
open_register_activated_cb (HangarAddAccountDialog *self)
{
  hangar_compat_show_uri (GTK_WINDOW (self), REGISTER_URL);
}

static void
redirect_changed_cb (HangarAddAccountDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->redirect_row));

  adw_action_row_set_subtitle (self->redirect_copy_row, text);
}

static void
copy_redirect_clicked_cb (HangarAddAccountDialog *self)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (self));

  gdk_clipboard_set_text (clipboard, gtk_editable_get_text (GTK_EDITABLE (self->redirect_row)));
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Redirect URL copied")));
}

/* One sign-in is about to start: with the details typed in, with a saved
 * integration (its secret read from the keyring first), or, for a
 * reconnect, with the account's own. */
typedef struct
{
  HangarAddAccountDialog *self;
  char                   *label;
  gboolean                in_browser;
} Start;

static void
start_free (Start *start)
{
  g_clear_object (&start->self);
  g_free (start->label);
  g_free (start);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Start, start_free)

static void
start_sign_in (Start                  *start,
               HangarOAuthIntegration *integration)
{
  HangarAddAccountDialog *self = start->self;

  /* A reconnect asks for what the account had plus what it lacks. */
  if (self->reconnect_scopes != NULL)
    {
      g_strfreev (integration->scopes);
      integration->scopes = g_strdupv (self->reconnect_scopes);
    }
  if (start->in_browser)
    {
      g_autofree char *text = g_strdup_printf (_("Sign in and grant access in the browser window that opened. "
                                                 "Hangar waits for the answer on %s."),
                                               integration->redirect_uri);

      show_progress (self, _("Continue in Your Browser"), text);
      hangar_connect_oauth_in_browser_async (GTK_WINDOW (self), self->store, start->label, integration,
                                             self->cancellable, connect_oauth_cb, g_object_ref (self));
    }
  else
    {
      show_progress (self, _("Waiting for Sign-In…"),
                     _("Sign in and grant access in the window that opened."));
      hangar_connect_oauth_async (GTK_WINDOW (self), self->store, start->label, integration,
                                  self->cancellable, connect_oauth_cb, g_object_ref (self));
    }
}

static void
saved_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Start) start = user_data;
  g_autoptr(HangarOAuthIntegration) integration = NULL;
  g_autoptr(GError) error = NULL;

  integration = hangar_account_store_load_named_integration_finish (HANGAR_ACCOUNT_STORE (object), result, &error);
  if (gtk_widget_in_destruction (GTK_WIDGET (start->self)) || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (integration == NULL)
    {
      g_autofree char *text = hangar_connect_describe_error (_("Could not use the saved integration"), error);

      set_message (start->self, start->self->oauth_message, text, TRUE);
      return;
    }
  start_sign_in (start, integration);
}

static void
start_oauth (HangarAddAccountDialog *self,
             gboolean                in_browser)
{
  g_autoptr(HangarOAuthIntegration) integration = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(Start) start = g_new0 (Start, 1);
  g_autofree char *label = dup_entry_text (self->label_row);
  g_autofree char *client_id = dup_entry_text (self->client_id_row);
  g_autofree char *client_secret = dup_entry_text (self->client_secret_row);
  g_autofree char *redirect = dup_entry_text (self->redirect_row);
  g_autofree char *api_url = dup_entry_text (self->api_url_row);
  g_autofree char *oauth_url = dup_entry_text (self->oauth_url_row);
  const char * const *scopes = NULL;
  const char *saved = selected_saved (self);

  set_message (self, self->oauth_message, NULL, FALSE);

  if (label == NULL)
    {
      set_message (self, self->oauth_message, _("Enter an account name."), TRUE);
      return;
    }

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  start->self = g_object_ref (self);
  start->label = g_strdup (label);
  start->in_browser = in_browser;

  if (saved != NULL)
    {
      hangar_account_store_load_named_integration_async (self->store, saved, self->cancellable,
                                                         saved_loaded_cb, g_steal_pointer (&start));
      return;
    }
  if (self->reconnect_integration != NULL)
    {
      integration = hangar_oauth_integration_copy (self->reconnect_integration);
      start_sign_in (start, integration);
      return;
    }

  if (client_id == NULL || redirect == NULL)
    {
      set_message (self, self->oauth_message,
                   _("Enter an account name, the client ID and the redirect URL."), TRUE);
      return;
    }
  if (self->sandbox != NULL && g_strcmp0 (client_id, self->sandbox->client_id) == 0)
    scopes = (const char * const *) self->sandbox->scopes;
  integration = hangar_oauth_integration_new (api_url, oauth_url, client_id, client_secret,
                                              redirect, scopes);
  if (!hangar_oauth_integration_validate (integration, &error))
    {
      set_message (self, self->oauth_message, error->message, TRUE);
      return;
    }
  start_sign_in (start, integration);
}

static void
oauth_continue_clicked_cb (HangarAddAccountDialog *self)
{
  start_oauth (self, FALSE);
}

static void
oauth_browser_clicked_cb (HangarAddAccountDialog *self)
{
  start_oauth (self, TRUE);
}

static void
pat_connect_clicked_cb (HangarAddAccountDialog *self)
{
  g_autofree char *label = dup_entry_text (self->pat_label_row);
  g_autofree char *token = dup_entry_text (self->token_row);
  g_autofree char *api_url = dup_entry_text (self->pat_api_url_row);

  set_message (self, self->pat_message, NULL, FALSE);

  if (label == NULL || token == NULL)
    {
      set_message (self, self->pat_message, _("Enter an account name and the token."), TRUE);
      return;
    }

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  show_progress (self, _("Checking the Token…"), NULL);
  hangar_account_store_connect_pat_async (self->store, label, api_url, token, self->cancellable,
                                          connect_pat_cb, g_object_ref (self));

  /* Do not keep the token around in the entry. */
  gtk_editable_set_text (GTK_EDITABLE (self->token_row), "");
  if (token != NULL)
    memset (token, 0, strlen (token));
}

static void
progress_cancel_clicked_cb (HangarAddAccountDialog *self)
{
  g_cancellable_cancel (self->cancellable);
}

static void
hangar_add_account_dialog_dispose (GObject *object)
{
  HangarAddAccountDialog *self = (HangarAddAccountDialog *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->saved_names);
  g_clear_object (&self->reconnect);
  g_clear_pointer (&self->reconnect_integration, hangar_oauth_integration_free);
  g_clear_pointer (&self->sandbox, hangar_oauth_integration_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_ADD_ACCOUNT_DIALOG);

  G_OBJECT_CLASS (hangar_add_account_dialog_parent_class)->dispose (object);
}

static void
hangar_add_account_dialog_finalize (GObject *object)
{
  HangarAddAccountDialog *self = (HangarAddAccountDialog *)object;

  g_free (self->return_page);
  g_free (self->message);
  g_strfreev (self->reconnect_scopes);
  g_strfreev (self->added_scopes);

  G_OBJECT_CLASS (hangar_add_account_dialog_parent_class)->finalize (object);
}

static void
hangar_add_account_dialog_class_init (HangarAddAccountDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_add_account_dialog_dispose;
  object_class->finalize = hangar_add_account_dialog_finalize;

  signals[ACCOUNT_ADDED] =
    g_signal_new ("account-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, HANGAR_TYPE_ACCOUNT);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/tablehangar/Hangar/hangar-add-account-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarAddAccountDialog, toast_overlay);
  gtk_widget_class_bind_template_child_full (widget_class, "app_icon", FALSE, 0);
  gtk_widget_class_bind_template_child (widget_class, HangarAddAccountDialog, back_button);
  gtk_widget_class_bind_template_child (widget_class, HangarAddAccountDialog, oauth_scroller);
  gtk_widget_class_bind_template_child (widget_class, HangarAddAccountDialog, pat_scroller);
  gtk_widget_class_bind_template_child (widget_class, HangarAddAccountDialog, register_group);
  gtk_widget_class_bind_template_child (widget_class, HangarAddAccountDialog, details_group);
  gtk_widget_class_bind_template_child (widget_class, HangarAddAccountDialog, saved_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAddAccountDialog, open_register_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAddAccountDialog, browser_button);
  gtk_widget_class_bind_template_child (widget_class, HangarAddAccountDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, HangarAddAccountDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, HangarAddAccountDialog, sandbox_hint);
  gtk_widget_class_bind_template_child (widget_class, HangarAddAccountDialog, oauth_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAddAccountDialog, pat_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAddAccountDialog, redirect_copy_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAddAccountDialog, copy_redirect_button);
  gtk_widget_class_bind_template_child (widget_class, HangarAddAccountDialog, scopes_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAddAccountDialog, label_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAddAccountDialog, client_id_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAddAccountDialog, client_secret_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAddAccountDialog, redirect_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAddAccountDialog, server_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAddAccountDialog, api_url_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAddAccountDialog, oauth_url_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAddAccountDialog, oauth_message);
  gtk_widget_class_bind_template_child (widget_class, HangarAddAccountDialog, oauth_button);
  gtk_widget_class_bind_template_child (widget_class, HangarAddAccountDialog, pat_label_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAddAccountDialog, token_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAddAccountDialog, pat_api_url_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAddAccountDialog, pat_message);
  gtk_widget_class_bind_template_child (widget_class, HangarAddAccountDialog, pat_button);
  gtk_widget_class_bind_template_child (widget_class, HangarAddAccountDialog, progress_page);
  gtk_widget_class_bind_template_child (widget_class, HangarAddAccountDialog, spinner);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, oauth_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, pat_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, open_register_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, redirect_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, copy_redirect_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, oauth_continue_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, oauth_browser_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, saved_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, pat_connect_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, progress_cancel_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
hangar_add_account_dialog_init (HangarAddAccountDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* The app's icon by its id, which differs in a development build. */
  gtk_image_set_from_icon_name (GTK_IMAGE (gtk_widget_get_template_child (GTK_WIDGET (self),
                                                                          HANGAR_TYPE_ADD_ACCOUNT_DIALOG,
                                                                          "app_icon")),
                                APP_ID);

  gtk_editable_set_text (GTK_EDITABLE (self->redirect_row), DEFAULT_REDIRECT_URI);
  gtk_editable_set_text (GTK_EDITABLE (self->api_url_row), HANGAR_AIRTABLE_API_URL);
  gtk_editable_set_text (GTK_EDITABLE (self->oauth_url_row), HANGAR_AIRTABLE_OAUTH_URL);
  gtk_editable_set_text (GTK_EDITABLE (self->pat_api_url_row), HANGAR_AIRTABLE_API_URL);
  adw_expander_row_set_subtitle (self->server_row, _("Airtable"));
  update_scopes_row (self);
}

HangarAddAccountDialog *
hangar_add_account_dialog_new (GtkWindow                    *parent,
                               HangarAccountStore           *store,
                               const HangarOAuthIntegration *sandbox)
{
  HangarAddAccountDialog *self;
  g_autofree char *label = NULL;

  g_return_val_if_fail (HANGAR_IS_ACCOUNT_STORE (store), NULL);

  self = g_object_new (HANGAR_TYPE_ADD_ACCOUNT_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->store = g_object_ref (store);

  if (sandbox != NULL)
    {
      self->sandbox = hangar_oauth_integration_copy (sandbox);
      label = unique_label (store, _("Sandbox"));
      gtk_editable_set_text (GTK_EDITABLE (self->client_id_row), sandbox->client_id);
      gtk_editable_set_text (GTK_EDITABLE (self->redirect_row), sandbox->redirect_uri);
      gtk_editable_set_text (GTK_EDITABLE (self->api_url_row), sandbox->api_url);
      gtk_editable_set_text (GTK_EDITABLE (self->oauth_url_row), sandbox->oauth_url);
      gtk_editable_set_text (GTK_EDITABLE (self->pat_api_url_row), sandbox->api_url);
      adw_expander_row_set_subtitle (self->server_row, _("Local sandbox"));
      gtk_widget_set_visible (GTK_WIDGET (self->sandbox_hint), TRUE);
      adw_preferences_group_set_description (self->register_group,
                                             _("With Airtable you register your own OAuth integration at "
                                               "airtable.com/create/oauth, with the redirect URL and the scopes "
                                               "below. The local sandbox has registered one for you: its details "
                                               "are filled in, so just continue."));
      update_scopes_row (self);
    }
  else
    label = unique_label (store, _("Airtable"));

  gtk_editable_set_text (GTK_EDITABLE (self->label_row), label);
  gtk_editable_set_text (GTK_EDITABLE (self->pat_label_row), label);
  fill_saved (self);

  return self;
}

/**
 * hangar_add_account_dialog_set_reconnect:
 *
 * See hangar-add-account-dialog.h.
 */
void
hangar_add_account_dialog_set_reconnect (HangarAddAccountDialog       *self,
                                         HangarAccount                *account,
                                         const HangarOAuthIntegration *integration,
                                         const char * const           *missing_scopes)
{
  g_autoptr(GStrvBuilder) scopes = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) added = g_strv_builder_new ();
  const char * const *had;
  g_autofree char *title = NULL;
  g_autofree char *description = NULL;

  g_return_if_fail (HANGAR_IS_ADD_ACCOUNT_DIALOG (self));
  g_return_if_fail (HANGAR_IS_ACCOUNT (account));
  g_return_if_fail (integration != NULL);

  g_set_object (&self->reconnect, account);
  g_clear_pointer (&self->reconnect_integration, hangar_oauth_integration_free);
  self->reconnect_integration = hangar_oauth_integration_copy (integration);

  /* What the account asked for when it was connected (or its
   * integration's), plus exactly what it lacks. */
  had = hangar_account_get_requested_scopes (account);
  if (had == NULL || had[0] == NULL)
    had = (const char * const *) integration->scopes;
  for (guint i = 0; had != NULL && had[i] != NULL; i++)
    g_strv_builder_add (scopes, had[i]);
  for (guint i = 0; missing_scopes != NULL && missing_scopes[i] != NULL; i++)
    if (had == NULL || !g_strv_contains (had, missing_scopes[i]))
      {
        g_strv_builder_add (scopes, missing_scopes[i]);
        g_strv_builder_add (added, missing_scopes[i]);
      }
  g_strfreev (self->reconnect_scopes);
  self->reconnect_scopes = g_strv_builder_end (scopes);
  g_strfreev (self->added_scopes);
  self->added_scopes = g_strv_builder_end (added);

  title = g_strdup_printf (_("Reconnect “%s”"), hangar_account_get_label (account));
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->window_title, title);
  hangar_add_account_dialog_set_label (self, hangar_account_get_label (account));
  gtk_widget_set_sensitive (GTK_WIDGET (self->label_row), FALSE);

  /* Nothing to register: what Airtable will ask, and who to sign in as. */
  adw_preferences_group_set_title (self->register_group, _("Sign In Again"));
  description = g_strdup_printf (_("Sign in as %s again and grant access on Airtable's consent page, ticking "
                                   "the bases Hangar should use. Airtable will ask for these scopes:"),
                                 hangar_account_get_email (account) != NULL ? hangar_account_get_email (account)
                                 : hangar_account_get_user_id (account) != NULL ? hangar_account_get_user_id (account)
                                 : _("the same user"));
  adw_preferences_group_set_description (self->register_group, description);
  gtk_widget_set_visible (GTK_WIDGET (self->open_register_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->redirect_copy_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->sandbox_hint), FALSE);
  adw_preferences_group_set_title (self->details_group, _("Integration"));

  g_clear_object (&self->saved_names);
  fill_saved (self);
  saved_changed_cb (self);
  hangar_add_account_dialog_show_page (self, "oauth");
}

gboolean
hangar_add_account_dialog_get_reconnecting (HangarAddAccountDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_ADD_ACCOUNT_DIALOG (self), FALSE);
  return self->reconnect != NULL;
}

const char * const *
hangar_add_account_dialog_get_scopes (HangarAddAccountDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_ADD_ACCOUNT_DIALOG (self), NULL);
  return (const char * const *) self->reconnect_scopes;
}

gboolean
hangar_add_account_dialog_select_saved (HangarAddAccountDialog *self,
                                        const char             *name)
{
  g_return_val_if_fail (HANGAR_IS_ADD_ACCOUNT_DIALOG (self), FALSE);

  for (guint i = 1; self->saved_names != NULL && i < g_list_model_get_n_items (G_LIST_MODEL (self->saved_names)); i++)
    if (g_strcmp0 (gtk_string_list_get_string (self->saved_names, i), name) == 0)
      {
        adw_combo_row_set_selected (self->saved_row, i);
        return TRUE;
      }
  return FALSE;
}

void
hangar_add_account_dialog_set_label (HangarAddAccountDialog *self,
                                     const char             *label)
{
  g_return_if_fail (HANGAR_IS_ADD_ACCOUNT_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->label_row), label);
  gtk_editable_set_text (GTK_EDITABLE (self->pat_label_row), label);
}

void
hangar_add_account_dialog_show_page (HangarAddAccountDialog *self,
                                     const char             *page)
{
  g_return_if_fail (HANGAR_IS_ADD_ACCOUNT_DIALOG (self));

  gtk_stack_set_visible_child_name (self->stack, page);
  gtk_widget_set_visible (GTK_WIDGET (self->back_button),
                          self->reconnect == NULL && (g_strcmp0 (page, "oauth") == 0 || g_strcmp0 (page, "pat") == 0));

  /* Keyboard: Enter in any field continues; focus goes where typing
   * starts (the first empty field, else the button). */
  if (g_strcmp0 (page, "oauth") == 0)
    {
      adw_window_title_set_subtitle (self->window_title, self->reconnect != NULL ? NULL : _("Sign in with Airtable"));
      gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->oauth_button));
      if (*gtk_editable_get_text (GTK_EDITABLE (self->label_row)) == '\0')
        gtk_widget_grab_focus (GTK_WIDGET (self->label_row));
      else if (*gtk_editable_get_text (GTK_EDITABLE (self->client_id_row)) == '\0')
        gtk_widget_grab_focus (GTK_WIDGET (self->client_id_row));
      else
        gtk_widget_grab_focus (GTK_WIDGET (self->oauth_button));
    }
  else if (g_strcmp0 (page, "pat") == 0)
    {
      adw_window_title_set_subtitle (self->window_title, _("Personal access token"));
      gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->pat_button));
      if (*gtk_editable_get_text (GTK_EDITABLE (self->pat_label_row)) == '\0')
        gtk_widget_grab_focus (GTK_WIDGET (self->pat_label_row));
      else
        gtk_widget_grab_focus (GTK_WIDGET (self->token_row));
    }
  else if (g_strcmp0 (page, "choose") == 0)
    {
      adw_window_title_set_subtitle (self->window_title, NULL);
      gtk_window_set_default_widget (GTK_WINDOW (self), NULL);
      gtk_widget_grab_focus (GTK_WIDGET (self->oauth_row));
    }
  else
    adw_window_title_set_subtitle (self->window_title, NULL);
}

const char *
hangar_add_account_dialog_get_page (HangarAddAccountDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_ADD_ACCOUNT_DIALOG (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

const char *
hangar_add_account_dialog_get_message (HangarAddAccountDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_ADD_ACCOUNT_DIALOG (self), NULL);
  return self->message;
}
