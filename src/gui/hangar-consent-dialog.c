/* hangar-consent-dialog.c — built into libhangar-consent.so (links WebKitGTK)
 *
 * One dialog per consent flow, each with its own ephemeral network session,
 * so no cookie of one Airtable login reaches the next flow. The redirect URI
 * is recognised in decide-policy and never loaded: no local server is needed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <gmodule.h>
#include <webkit/webkit.h>

#include "hangar-compat.h"
#include "hangar-consent-dialog.h"

struct _HangarConsentDialog
{
  AdwWindow              parent_instance;

  GtkLabel              *host_label;
  GtkImage              *security_image;
  GtkProgressBar        *progress_bar;
  GtkStack              *stack;
  GtkBox                *web_box;
  AdwStatusPage         *error_page;

  WebKitNetworkSession  *session;
  WebKitWebView         *web_view;
  char                  *authorize_uri;
  char                  *host;
  gboolean               secure;
  gboolean               finished;
};

G_DEFINE_FINAL_TYPE (HangarConsentDialog, hangar_consent_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_AUTHORIZE_URI,
  PROP_HOST,
  PROP_SECURE,
  PROP_WEB_VIEW,
  N_PROPS
};

enum {
  DECIDE_REDIRECT,
  REDIRECTED,
  CANCELLED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static gboolean
is_redirect (HangarConsentDialog *self,
             const char          *uri)
{
  gboolean ret = FALSE;

  if (uri == NULL)
    return FALSE;
  g_signal_emit (self, signals[DECIDE_REDIRECT], 0, uri, &ret);
  return ret;
}

static void
update_location (HangarConsentDialog *self)
{
  const char *uri = webkit_web_view_get_uri (self->web_view);
  g_autoptr(GUri) parsed = NULL;
  g_autofree char *host = NULL;
  gboolean secure = FALSE;

  if (uri != NULL)
    parsed = g_uri_parse (uri, G_URI_FLAGS_NONE, NULL);

  if (parsed != NULL && g_uri_get_host (parsed) != NULL)
    {
      int port = g_uri_get_port (parsed);

      host = port > 0 ? g_strdup_printf ("%s:%d", g_uri_get_host (parsed), port)
                      : g_strdup (g_uri_get_host (parsed));
      if (g_strcmp0 (g_uri_get_scheme (parsed), "https") == 0)
        {
          GTlsCertificate *certificate = NULL;
          GTlsCertificateFlags errors = 0;

          secure = webkit_web_view_get_tls_info (self->web_view, &certificate, &errors) && errors == 0;
        }
    }

  if (g_strcmp0 (host, self->host) != 0)
    {
      g_free (self->host);
      self->host = g_steal_pointer (&host);
      gtk_label_set_text (self->host_label, self->host != NULL ? self->host : "");
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOST]);
    }

  if (secure != self->secure)
    {
      self->secure = secure;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECURE]);
    }

  gtk_image_set_from_icon_name (self->security_image,
                                secure ? "channel-secure-symbolic" : "channel-insecure-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->security_image),
                               secure ? _("Secure connection")
                                      : _("Not encrypted: only acceptable for a local sandbox"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->security_image),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  secure ? _("Secure connection") : _("Not encrypted"),
                                  -1);
}

static gboolean
decide_policy_cb (WebKitWebView            *web_view,
                  WebKitPolicyDecision     *decision,
                  WebKitPolicyDecisionType  type,
                  HangarConsentDialog      *self)
{
  WebKitNavigationAction *action;
  WebKitURIRequest *request;
  const char *uri;

  if (type == WEBKIT_POLICY_DECISION_TYPE_RESPONSE)
    return FALSE;

  action = webkit_navigation_policy_decision_get_navigation_action (WEBKIT_NAVIGATION_POLICY_DECISION (decision));
  request = webkit_navigation_action_get_request (action);
  uri = webkit_uri_request_get_uri (request);

  if (is_redirect (self, uri))
    {
      g_autofree char *redirect = g_strdup (uri);

      /* Never fetch the redirect URI: it carries the code and nothing
       * listens there. */
      webkit_policy_decision_ignore (decision);
      if (!self->finished)
        {
          self->finished = TRUE;
          g_signal_emit (self, signals[REDIRECTED], 0, redirect);
          gtk_window_destroy (GTK_WINDOW (self));
        }
      return TRUE;
    }

  if (type == WEBKIT_POLICY_DECISION_TYPE_NEW_WINDOW_ACTION)
    {
      /* Links such as "Terms" go to the user's browser, not a second view. */
      if (uri != NULL && (g_str_has_prefix (uri, "https://") || g_str_has_prefix (uri, "http://")))
        hangar_compat_show_uri (GTK_WINDOW (self), uri);
      webkit_policy_decision_ignore (decision);
      return TRUE;
    }

  return FALSE;
}

static void
load_changed_cb (WebKitWebView       *web_view,
                 WebKitLoadEvent      event,
                 HangarConsentDialog *self)
{
  if (event == WEBKIT_LOAD_STARTED)
    gtk_stack_set_visible_child_name (self->stack, "web");
  update_location (self);
}

static gboolean
load_failed_cb (WebKitWebView       *web_view,
                WebKitLoadEvent      event,
                const char          *failing_uri,
                GError              *error,
                HangarConsentDialog *self)
{
  /* Ignoring the redirect interrupts that load: expected, not an error. */
  if (g_error_matches (error, WEBKIT_POLICY_ERROR, WEBKIT_POLICY_ERROR_FRAME_LOAD_INTERRUPTED_BY_POLICY_CHANGE) ||
      g_error_matches (error, WEBKIT_NETWORK_ERROR, WEBKIT_NETWORK_ERROR_CANCELLED) ||
      self->finished || is_redirect (self, failing_uri))
    return TRUE;

  /* The host only: URLs of this flow carry state and codes. */
  g_debug ("Consent page failed to load from %s: %s", self->host != NULL ? self->host : "?", error->message);

  {
    /* The description is markup; WebKit's message may quote a URL or server text. */
    g_autofree char *escaped = g_markup_escape_text (error->message, -1);
    adw_status_page_set_description (self->error_page, escaped);
  }
  gtk_stack_set_visible_child_name (self->stack, "error");
  return TRUE;
}

static void
progress_changed_cb (WebKitWebView       *web_view,
                     GParamSpec          *pspec,
                     HangarConsentDialog *self)
{
  double progress = webkit_web_view_get_estimated_load_progress (web_view);
  gboolean loading = webkit_web_view_is_loading (web_view);

  gtk_progress_bar_set_fraction (self->progress_bar, progress);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), loading && progress < 1.0);
}

static void
web_process_terminated_cb (WebKitWebView                     *web_view,
                           WebKitWebProcessTerminationReason  reason,
                           HangarConsentDialog               *self)
{
  const char *text = reason == WEBKIT_WEB_PROCESS_EXCEEDED_MEMORY_LIMIT
    ? _("The sign-in page used too much memory and was stopped.")
    : _("The sign-in page stopped unexpectedly.");

  g_debug ("Consent web process terminated (reason %d)", reason);
  adw_status_page_set_description (self->error_page, text);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

static GtkWidget *
create_cb (WebKitWebView          *web_view,
           WebKitNavigationAction *action,
           HangarConsentDialog    *self)
{
  /* No pop-up windows in the consent flow. */
  return NULL;
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HangarConsentDialog *self = HANGAR_CONSENT_DIALOG (widget);

  if (self->authorize_uri != NULL)
    webkit_web_view_load_uri (self->web_view, self->authorize_uri);
}

static gboolean
hangar_consent_dialog_close_request (GtkWindow *window)
{
  HangarConsentDialog *self = HANGAR_CONSENT_DIALOG (window);

  if (!self->finished)
    {
      self->finished = TRUE;
      webkit_web_view_stop_loading (self->web_view);
      g_signal_emit (self, signals[CANCELLED], 0);
    }

  return GTK_WINDOW_CLASS (hangar_consent_dialog_parent_class)->close_request (window);
}

static void
hangar_consent_dialog_constructed (GObject *object)
{
  HangarConsentDialog *self = (HangarConsentDialog *)object;

  G_OBJECT_CLASS (hangar_consent_dialog_parent_class)->constructed (object);

  if (self->authorize_uri != NULL)
    webkit_web_view_load_uri (self->web_view, self->authorize_uri);
}

static void
hangar_consent_dialog_dispose (GObject *object)
{
  HangarConsentDialog *self = (HangarConsentDialog *)object;

  /* Destroyed without a close request (e.g. with its parent): still a
   * cancel for whoever waits on the flow. */
  if (!self->finished)
    {
      self->finished = TRUE;
      g_signal_emit (self, signals[CANCELLED], 0);
    }

  if (self->web_view != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->web_view, self);
      webkit_web_view_stop_loading (self->web_view);
      self->web_view = NULL;
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_CONSENT_DIALOG);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (hangar_consent_dialog_parent_class)->dispose (object);
}

static void
hangar_consent_dialog_finalize (GObject *object)
{
  HangarConsentDialog *self = (HangarConsentDialog *)object;

  g_free (self->authorize_uri);
  g_free (self->host);

  G_OBJECT_CLASS (hangar_consent_dialog_parent_class)->finalize (object);
}

static void
hangar_consent_dialog_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  HangarConsentDialog *self = HANGAR_CONSENT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_AUTHORIZE_URI:
      g_value_set_string (value, self->authorize_uri);
      break;
    case PROP_HOST:
      g_value_set_string (value, self->host);
      break;
    case PROP_SECURE:
      g_value_set_boolean (value, self->secure);
      break;
    case PROP_WEB_VIEW:
      g_value_set_object (value, self->web_view);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_consent_dialog_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  HangarConsentDialog *self = HANGAR_CONSENT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_AUTHORIZE_URI:
      g_free (self->authorize_uri);
      self->authorize_uri = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_consent_dialog_class_init (HangarConsentDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = hangar_consent_dialog_constructed;
  object_class->dispose = hangar_consent_dialog_dispose;
  object_class->finalize = hangar_consent_dialog_finalize;
  object_class->get_property = hangar_consent_dialog_get_property;
  object_class->set_property = hangar_consent_dialog_set_property;

  window_class->close_request = hangar_consent_dialog_close_request;

  properties[PROP_AUTHORIZE_URI] =
    g_param_spec_string ("authorize-uri", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HOST] =
    g_param_spec_string ("host", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SECURE] =
    g_param_spec_boolean ("secure", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_WEB_VIEW] =
    g_param_spec_object ("web-view", NULL, NULL, GTK_TYPE_WIDGET,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[DECIDE_REDIRECT] =
    g_signal_new ("decide-redirect", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, g_signal_accumulator_true_handled, NULL, NULL,
                  G_TYPE_BOOLEAN, 1, G_TYPE_STRING);
  signals[REDIRECTED] =
    g_signal_new ("redirected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[CANCELLED] =
    g_signal_new ("cancelled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/tablehangar/Hangar/hangar-consent-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarConsentDialog, host_label);
  gtk_widget_class_bind_template_child (widget_class, HangarConsentDialog, security_image);
  gtk_widget_class_bind_template_child (widget_class, HangarConsentDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, HangarConsentDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, HangarConsentDialog, web_box);
  gtk_widget_class_bind_template_child (widget_class, HangarConsentDialog, error_page);

  gtk_widget_class_install_action (widget_class, "consent.reload", NULL, reload_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
hangar_consent_dialog_init (HangarConsentDialog *self)
{
  WebKitSettings *settings;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* A fresh, memory-only session per flow: nothing of this login survives
   * the dialog. */
  self->session = webkit_network_session_new_ephemeral ();
  self->web_view = g_object_new (WEBKIT_TYPE_WEB_VIEW,
                                 "network-session", self->session,
                                 "vexpand", TRUE,
                                 "hexpand", TRUE,
                                 NULL);
  settings = webkit_web_view_get_settings (self->web_view);
  webkit_settings_set_enable_developer_extras (settings, FALSE);
  webkit_settings_set_javascript_can_open_windows_automatically (settings, FALSE);
  gtk_box_append (self->web_box, GTK_WIDGET (self->web_view));

  g_signal_connect (self->web_view, "decide-policy", G_CALLBACK (decide_policy_cb), self);
  g_signal_connect (self->web_view, "load-changed", G_CALLBACK (load_changed_cb), self);
  g_signal_connect (self->web_view, "load-failed", G_CALLBACK (load_failed_cb), self);
  g_signal_connect (self->web_view, "notify::estimated-load-progress", G_CALLBACK (progress_changed_cb), self);
  g_signal_connect (self->web_view, "notify::is-loading", G_CALLBACK (progress_changed_cb), self);
  g_signal_connect (self->web_view, "create", G_CALLBACK (create_cb), self);
  g_signal_connect (self->web_view, "web-process-terminated", G_CALLBACK (web_process_terminated_cb), self);
}

G_MODULE_EXPORT GType
hangar_consent_module_get_dialog_type (void)
{
  return HANGAR_TYPE_CONSENT_DIALOG;
}

G_MODULE_EXPORT void
hangar_consent_module_run_script (GtkWidget  *dialog,
                                  const char *script)
{
  HangarConsentDialog *self;

  g_return_if_fail (HANGAR_IS_CONSENT_DIALOG (dialog));
  self = HANGAR_CONSENT_DIALOG (dialog);

  if (self->web_view != NULL)
    webkit_web_view_evaluate_javascript (self->web_view, script, -1, NULL, NULL, NULL, NULL, NULL);
}
