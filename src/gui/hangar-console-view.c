/* hangar-console-view.c — send any API request with an account's token
 *
 * The desktop form of `hangar-cli request`: the request goes through the
 * account's HangarClient, so it is paced, refreshed, retried and logged
 * like every other. A request that may change data (anything but GET and
 * the POST of …/listRecords) asks first. What the server answers is shown
 * as plain text: pretty-printed when it is JSON, every registered secret
 * redacted, control characters made visible; never parsed as markup.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hangar-api.h"
#include "hangar-compat.h"
#include "hangar-console-view.h"
#include "hangar-json.h"
#include "hangar-redact.h"

/* The most a request body may be (Airtable refuses larger ones, as the CLI
 * does); the most of an answer shown. */
#define MAX_BODY_BYTES   (2 * 1024 * 1024)
#define MAX_SHOWN_BYTES  (2 * 1024 * 1024)

struct _HangarConsoleView
{
  GtkWidget             parent_instance;

  GtkWidget            *content;
  GtkDropDown          *method_dropdown;
  GtkEntry             *path_entry;
  GtkButton            *send_button;
  GtkButton            *cancel_button;
  GtkTextView          *query_view;
  GtkTextView          *body_view;
  GtkLabel             *message_label;
  AdwPreferencesGroup  *response_group;
  AdwActionRow         *status_row;
  AdwActionRow         *headers_row;
  GtkWidget            *response_frame;
  GtkTextView          *response_view;

  HangarAccount        *account;
  GCancellable         *cancellable;
  char                 *message;
  char                 *status_text;
  char                 *headers_text;
  gboolean              busy;
};

G_DEFINE_FINAL_TYPE (HangarConsoleView, hangar_console_view, GTK_TYPE_WIDGET)

/* A request waiting for the user's yes. */
typedef struct
{
  HangarConsoleView *self;
  char              *method;
  char              *path;
  GPtrArray         *query;   /* name, value, …, NULL */
  JsonNode          *body;
} Pending;

static void
pending_free (Pending *pending)
{
  g_clear_object (&pending->self);
  g_free (pending->method);
  g_free (pending->path);
  g_clear_pointer (&pending->query, g_ptr_array_unref);
  g_clear_pointer (&pending->body, json_node_unref);
  g_free (pending);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Pending, pending_free)

static char *
text_view_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
set_message (HangarConsoleView *self,
             const char        *text,
             gboolean           is_error)
{
  g_autofree char *shown = text != NULL ? hangar_redact_for_terminal (text, TRUE) : NULL;

  g_free (self->message);
  self->message = g_strdup (shown);
  gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "info");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), shown != NULL);
  if (shown == NULL)
    return;
  gtk_widget_add_css_class (GTK_WIDGET (self->message_label), is_error ? "error" : "info");
  gtk_label_set_text (self->message_label, shown);
}

static void
set_busy (HangarConsoleView *self,
          gboolean           busy)
{
  self->busy = busy;
  gtk_widget_set_visible (GTK_WIDGET (self->send_button), !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->method_dropdown), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->path_entry), !busy);
}

static void
clear_response (HangarConsoleView *self)
{
  g_clear_pointer (&self->status_text, g_free);
  g_clear_pointer (&self->headers_text, g_free);
  gtk_widget_set_visible (GTK_WIDGET (self->response_group), FALSE);
  gtk_widget_set_visible (self->response_frame, FALSE);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->response_view), "", -1);
}

static char *
format_ms (gint64 us)
{
  return g_strdup_printf (_("%d ms"), (int) ((us + 500) / 1000));
}

/* The headers a user of the console looks for: pacing and waiting. */
static gboolean
header_matters (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  return g_str_equal (lower, "retry-after") || g_str_equal (lower, "content-type") ||
         strstr (lower, "ratelimit") != NULL || strstr (lower, "rate-limit") != NULL ||
         g_str_has_prefix (lower, "x-airtable");
}

static char *
describe_headers (SoupMessageHeaders *headers)
{
  g_autoptr(GString) text = g_string_new (NULL);
  SoupMessageHeadersIter iter;
  const char *name, *value;
  gboolean limits = FALSE;

  if (headers == NULL)
    return g_strdup (_("No answer came"));
  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    if (header_matters (name))
      {
        g_autofree char *clean = hangar_redact_for_terminal (value, FALSE);

        g_string_append_printf (text, "%s%s: %s", text->len > 0 ? "\n" : "", name, clean);
        limits |= g_ascii_strcasecmp (name, "content-type") != 0;
      }
  if (!limits)
    g_string_append_printf (text, "%s%s", text->len > 0 ? "\n" : "",
                            _("No rate-limit or Retry-After header in this answer"));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The answer's body as text to show: JSON pretty-printed, anything else as
 * it is; secrets redacted and control characters visible either way. */
static char *
describe_body (GBytes *body)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autofree char *valid = NULL;
  gsize length = 0;
  const char *data;

  if (body == NULL || g_bytes_get_size (body) == 0)
    return g_strdup (_("(empty body)"));
  data = g_bytes_get_data (body, &length);
  root = hangar_json_parse (data, (gssize) length, 0, NULL, NULL);
  if (root != NULL)
    text = hangar_json_to_string (root, 2);
  else
    {
      valid = g_utf8_make_valid (data, (gssize) MIN (length, MAX_SHOWN_BYTES));
      text = g_steal_pointer (&valid);
    }
  if (strlen (text) > MAX_SHOWN_BYTES)
    {
      const char *end = g_utf8_find_prev_char (text, text + MAX_SHOWN_BYTES);

      text[end != NULL ? end - text : MAX_SHOWN_BYTES] = '\0';
    }
  return hangar_redact_for_terminal (text, TRUE);
}

static void
show_info (HangarConsoleView *self,
           HangarRequestInfo *info)
{
  guint status = hangar_request_info_get_status (info);
  const GError *error = hangar_request_info_get_error (info);
  g_autofree char *duration = format_ms (hangar_request_info_get_duration_us (info));
  g_autofree char *waited = format_ms (hangar_request_info_get_wait_us (info));
  g_autofree char *body = NULL;
  g_autoptr(GString) line = g_string_new (NULL);
  guint retries = hangar_request_info_get_retries (info);

  if (status > 0)
    g_string_append_printf (line, "%u %s", status, soup_status_get_phrase (status));
  else
    g_string_append (line, _("No answer"));
  g_string_append_printf (line, " · %s", duration);
  if (hangar_request_info_get_wait_us (info) >= 1000)
    g_string_append_printf (line, _(" · waited %s for the rate limit"), waited);
  if (retries > 0)
    {
      g_autofree char *again = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "sent again %u time",
                                                             "sent again %u times", retries), retries);

      g_string_append_printf (line, " · %s", again);
    }

  g_free (self->status_text);
  self->status_text = g_string_free (g_steal_pointer (&line), FALSE);
  adw_action_row_set_subtitle (self->status_row, self->status_text);

  g_free (self->headers_text);
  self->headers_text = describe_headers (hangar_request_info_get_response_headers (info));
  adw_action_row_set_subtitle (self->headers_row, self->headers_text);
  gtk_widget_set_visible (GTK_WIDGET (self->response_group), TRUE);

  if (status > 0)
    {
      body = describe_body (hangar_request_info_get_response_body (info));
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->response_view), body, -1);
      gtk_widget_set_visible (self->response_frame, TRUE);
    }

  if (error != NULL && !hangar_request_info_was_cancelled (info))
    {
      g_autofree char *text = g_strdup_printf ("%s: %s", hangar_request_info_get_error_type (info), error->message);

      set_message (self, text, TRUE);
    }
  else if (hangar_request_info_was_cancelled (info))
    set_message (self, _("Cancelled."), FALSE);
}

static void
request_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(HangarConsoleView) self = user_data;
  g_autoptr(HangarRequestInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = hangar_client_request_finish_info (HANGAR_CLIENT (object), result, &error);
  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;
  set_busy (self, FALSE);
  if (info == NULL)
    {
      /* Refused before anything was sent (a path that names no endpoint). */
      g_autofree char *text = g_strdup_printf (_("Not sent: %s"), error->message);

      set_message (self, text, TRUE);
      return;
    }
  show_info (self, info);
}

static void
send_pending (Pending *pending)
{
  HangarConsoleView *self = pending->self;

  if (self->account == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  clear_response (self);
  set_message (self, NULL, FALSE);
  set_busy (self, TRUE);
  hangar_client_request_async (hangar_account_get_client (self->account), pending->method, pending->path,
                               pending->query->len > 1 ? (const char * const *) pending->query->pdata : NULL,
                               pending->body, self->cancellable, request_done_cb, g_object_ref (self));
}

static void
confirmed_cb (gboolean confirmed,
              gpointer user_data)
{
  g_autoptr(Pending) pending = user_data;

  if (!confirmed)
    {
      set_message (pending->self, _("Not sent."), FALSE);
      return;
    }
  send_pending (pending);
}

/* Reads the form; NULL (with the reason shown) when it cannot be sent. */
static Pending *
read_form (HangarConsoleView *self)
{
  g_autoptr(Pending) pending = g_new0 (Pending, 1);
  g_autofree char *path = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->path_entry))));
  g_autofree char *query = text_view_text (self->query_view);
  g_autofree char *body = text_view_text (self->body_view);
  g_auto(GStrv) lines = NULL;
  GtkStringObject *method = gtk_drop_down_get_selected_item (self->method_dropdown);

  pending->self = g_object_ref (self);
  pending->method = g_strdup (method != NULL ? gtk_string_object_get_string (method) : "GET");
  if (path[0] != '/')
    {
      set_message (self, _("The path starts with “/”, for example /v0/meta/whoami."), TRUE);
      return NULL;
    }
  pending->path = g_steal_pointer (&path);

  pending->query = g_ptr_array_new_with_free_func (g_free);
  lines = g_strsplit (query, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      const char *eq = strchr (line, '=');

      if (*line == '\0')
        continue;
      if (eq == NULL || eq == line)
        {
          g_autofree char *text = g_strdup_printf (_("The query line “%s” is not name=value."), line);

          set_message (self, text, TRUE);
          return NULL;
        }
      g_ptr_array_add (pending->query, g_strndup (line, eq - line));
      g_ptr_array_add (pending->query, g_strdup (eq + 1));
    }
  g_ptr_array_add (pending->query, NULL);

  g_strstrip (body);
  if (*body != '\0')
    {
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) notes = NULL;

      pending->body = hangar_json_parse (body, -1, MAX_BODY_BYTES, &notes, &error);
      if (pending->body == NULL)
        {
          g_autofree char *text = g_strdup_printf (_("The body is not JSON (%s). Nothing was sent."), error->message);

          set_message (self, text, TRUE);
          return NULL;
        }
    }
  return g_steal_pointer (&pending);
}

/* Whether the request may change something at Airtable. */
static gboolean
is_write (const Pending *pending)
{
  g_autofree char *bare = g_strndup (pending->path, strcspn (pending->path, "?"));

  if (g_str_equal (pending->method, "GET"))
    return FALSE;
  if (g_str_equal (pending->method, "POST") && g_str_has_suffix (bare, "/listRecords"))
    return FALSE;
  return TRUE;
}

static void
send_clicked_cb (HangarConsoleView *self)
{
  g_autoptr(Pending) pending = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *text = NULL;
  gboolean destructive;

  if (self->account == NULL || self->busy)
    return;
  set_message (self, NULL, FALSE);
  pending = read_form (self);
  if (pending == NULL)
    return;

  if (!is_write (pending))
    {
      send_pending (pending);
      return;
    }
  heading = g_strdup_printf (_("Send %s %s?"), pending->method, pending->path);
  text = g_strdup_printf (_("It acts as “%s” and may create, change or delete data in Airtable. "
                            "A write that may have been applied is never sent twice."),
                          hangar_account_get_label (self->account));
  destructive = g_str_equal (pending->method, "DELETE");
  hangar_compat_confirm (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading, text,
                         _("_Send"), destructive, confirmed_cb, g_steal_pointer (&pending));
}

static void
cancel_clicked_cb (HangarConsoleView *self)
{
  g_cancellable_cancel (self->cancellable);
}

static void
hangar_console_view_dispose (GObject *object)
{
  HangarConsoleView *self = (HangarConsoleView *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->account);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_CONSOLE_VIEW);

  G_OBJECT_CLASS (hangar_console_view_parent_class)->dispose (object);
}

static void
hangar_console_view_finalize (GObject *object)
{
  HangarConsoleView *self = (HangarConsoleView *) object;

  g_free (self->message);
  g_free (self->status_text);
  g_free (self->headers_text);

  G_OBJECT_CLASS (hangar_console_view_parent_class)->finalize (object);
}

static void
hangar_console_view_class_init (HangarConsoleViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_console_view_dispose;
  object_class->finalize = hangar_console_view_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/tablehangar/Hangar/hangar-console-view.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarConsoleView, content);
  gtk_widget_class_bind_template_child (widget_class, HangarConsoleView, method_dropdown);
  gtk_widget_class_bind_template_child (widget_class, HangarConsoleView, path_entry);
  gtk_widget_class_bind_template_child (widget_class, HangarConsoleView, send_button);
  gtk_widget_class_bind_template_child (widget_class, HangarConsoleView, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, HangarConsoleView, query_view);
  gtk_widget_class_bind_template_child (widget_class, HangarConsoleView, body_view);
  gtk_widget_class_bind_template_child (widget_class, HangarConsoleView, message_label);
  gtk_widget_class_bind_template_child (widget_class, HangarConsoleView, response_group);
  gtk_widget_class_bind_template_child (widget_class, HangarConsoleView, status_row);
  gtk_widget_class_bind_template_child (widget_class, HangarConsoleView, headers_row);
  gtk_widget_class_bind_template_child (widget_class, HangarConsoleView, response_frame);
  gtk_widget_class_bind_template_child (widget_class, HangarConsoleView, response_view);
  gtk_widget_class_bind_template_callback (widget_class, send_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
hangar_console_view_init (HangarConsoleView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_editable_set_text (GTK_EDITABLE (self->path_entry), "/v0/meta/whoami");
}

GtkWidget *
hangar_console_view_new (void)
{
  return g_object_new (HANGAR_TYPE_CONSOLE_VIEW, NULL);
}

HangarAccount *
hangar_console_view_get_account (HangarConsoleView *self)
{
  g_return_val_if_fail (HANGAR_IS_CONSOLE_VIEW (self), NULL);
  return self->account;
}

void
hangar_console_view_set_account (HangarConsoleView *self,
                                 HangarAccount     *account)
{
  g_return_if_fail (HANGAR_IS_CONSOLE_VIEW (self));

  if (!g_set_object (&self->account, account))
    return;
  /* An answer for another account must not show here. */
  g_cancellable_cancel (self->cancellable);
  set_busy (self, FALSE);
  set_message (self, NULL, FALSE);
  clear_response (self);
}

void
hangar_console_view_set_request (HangarConsoleView *self,
                                 const char        *method,
                                 const char        *path,
                                 const char        *query,
                                 const char        *body)
{
  GListModel *methods;

  g_return_if_fail (HANGAR_IS_CONSOLE_VIEW (self));

  methods = gtk_drop_down_get_model (self->method_dropdown);
  for (guint i = 0; i < g_list_model_get_n_items (methods); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (methods), i), method) == 0)
      gtk_drop_down_set_selected (self->method_dropdown, i);
  gtk_editable_set_text (GTK_EDITABLE (self->path_entry), path != NULL ? path : "");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->query_view), query != NULL ? query : "", -1);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->body_view), body != NULL ? body : "", -1);
}

void
hangar_console_view_send (HangarConsoleView *self)
{
  g_return_if_fail (HANGAR_IS_CONSOLE_VIEW (self));
  g_signal_emit_by_name (self->send_button, "clicked");
}

gboolean
hangar_console_view_get_busy (HangarConsoleView *self)
{
  g_return_val_if_fail (HANGAR_IS_CONSOLE_VIEW (self), FALSE);
  return self->busy;
}

const char *
hangar_console_view_get_status_text (HangarConsoleView *self)
{
  g_return_val_if_fail (HANGAR_IS_CONSOLE_VIEW (self), NULL);
  return self->status_text;
}

const char *
hangar_console_view_get_headers_text (HangarConsoleView *self)
{
  g_return_val_if_fail (HANGAR_IS_CONSOLE_VIEW (self), NULL);
  return self->headers_text;
}

char *
hangar_console_view_dup_body_text (HangarConsoleView *self)
{
  g_return_val_if_fail (HANGAR_IS_CONSOLE_VIEW (self), NULL);
  return text_view_text (self->response_view);
}

const char *
hangar_console_view_get_message (HangarConsoleView *self)
{
  g_return_val_if_fail (HANGAR_IS_CONSOLE_VIEW (self), NULL);
  return self->message;
}
