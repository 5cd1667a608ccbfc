/* hangar-consent-dialog.c — built into libhangar-consent.so (links WebKitGTK)
 *
 * One dialog per consent flow, each with its own ephemeral network session,
 * so no cookie of one Airtable login reaches the next flow. The redirect URI
 * is recognised in decide-policy and never loaded: no local server is needed.
 *
 * The view is only for signing in, so it refuses whatever else a page may
 * try (a page of the OAuth host or of anywhere it links to):
 *  - downloads: every response it cannot show or that asks to be saved
 *    (Content-Disposition: attachment) is ignored, and any download that
 *    starts anyway is cancelled before it has a destination, so nothing is
 *    ever written to the download folder;
 *  - other sites: only the authorize URL's origin (scheme, host, port) may
 *    load, in any frame; another origin or a new window is refused with a
 *    message and an "Open in Browser" choice, which goes on with the same
 *    sign-in in the user's browser (the host answers "browser-requested":
 *    it opens the authorize URL there and waits for the browser's answer on
 *    a loopback listener, then ends the dialog with consent.complete) — so
 *    a sign-in that needs another site (single sign-on, a captcha) can
 *    still finish;
 *  - forged answers: only a navigation to the redirect URI that carries the
 *    authorize URL's `state` ends the sign-in; one with another state, or
 *    one that would open a new window, is ignored and the dialog keeps
 *    waiting, as the CLI's loopback listener does. WebKitGTK does not tell
 *    which frame a navigation is for, so a frame can only be one of the
 *    OAuth origin, which knows the state anyway.
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
  AdwStatusPage         *refused_page;
  AdwStatusPage         *browser_page;
  GtkWidget             *open_button;

  WebKitNetworkSession  *session;
  WebKitWebView         *web_view;
  char                  *authorize_uri;
  char                  *origin;          /* of authorize_uri: scheme://host:port */
  char                  *state;           /* of authorize_uri */
  char                  *refused_uri;     /* what "Open in Browser" opens */
  char                  *refusal;         /* the message shown, or NULL */
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
  PROP_REFUSAL,
  N_PROPS
};

enum {
  DECIDE_REDIRECT,
  REDIRECTED,
  CANCELLED,
  BROWSER_REQUESTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* "scheme://host:port" with the scheme's default port filled in, or NULL
 * for a URI without a host. */
static char *
origin_of (const char *uri)
{
  g_autoptr(GUri) parsed = uri != NULL ? g_uri_parse (uri, G_URI_FLAGS_NONE, NULL) : NULL;
  g_autofree char *host = NULL;
  const char *scheme;
  int port;

  if (parsed == NULL || g_uri_get_host (parsed) == NULL || *g_uri_get_host (parsed) == '\0')
    return NULL;
  scheme = g_uri_get_scheme (parsed);
  port = g_uri_get_port (parsed);
  if (port < 0)
    port = g_ascii_strcasecmp (scheme, "https") == 0 ? 443 : g_ascii_strcasecmp (scheme, "http") == 0 ? 80 : 0;
  host = g_ascii_strdown (g_uri_get_host (parsed), -1);
  return g_strdup_printf ("%s://%s:%d", scheme, host, port);
}

/* The value of @name in @uri's query, or NULL. */
static char *
query_param (const char *uri,
             const char *name)
{
  g_autoptr(GUri) parsed = uri != NULL ? g_uri_parse (uri, G_URI_FLAGS_ENCODED_QUERY, NULL) : NULL;
  g_autoptr(GHashTable) params = NULL;

  if (parsed == NULL || g_uri_get_query (parsed) == NULL)
    return NULL;
  params = g_uri_parse_params (g_uri_get_query (parsed), -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
  if (params == NULL)
    return NULL;
  return g_strdup (g_hash_table_lookup (params, name));
}

/* Whether a frame of the view may load @uri: the OAuth origin, or an empty
 * document. */
static gboolean
is_allowed (HangarConsentDialog *self,
            const char          *uri)
{
  g_autofree char *origin = NULL;

  if (uri == NULL)
    return FALSE;
  if (g_str_equal (uri, "about:blank") || g_str_equal (uri, "about:srcdoc"))
    return TRUE;
  origin = origin_of (uri);
  return origin != NULL && self->origin != NULL && g_str_equal (origin, self->origin);
}

/* Shows why something was refused in place of the page (which stays as it
 * was: "Back to Sign-In" shows it again). @uri, when http(s), is offered to
 * the user's browser. */
static void
refuse (HangarConsentDialog *self,
        const char          *message,
        const char          *uri)
{
  gboolean openable = uri != NULL && (g_str_has_prefix (uri, "https://") || g_str_has_prefix (uri, "http://"));

  g_free (self->refused_uri);
  self->refused_uri = openable ? g_strdup (uri) : NULL;
  g_free (self->refusal);
  self->refusal = g_strdup (message);
  {
    /* The description is markup in libadwaita 1.2; the host is page text. */
    g_autofree char *escaped = g_markup_escape_text (message, -1);

    adw_status_page_set_description (self->refused_page, escaped);
  }
  gtk_widget_set_visible (self->open_button, openable);
  gtk_stack_set_visible_child_name (self->stack, "refused");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFUSAL]);
}

/* "host:port" of @uri for messages (never the path or query: they may
 * carry codes). */
static char *
display_host (const char *uri)
{
  g_autoptr(GUri) parsed = uri != NULL ? g_uri_parse (uri, G_URI_FLAGS_NONE, NULL) : NULL;

  if (parsed == NULL || g_uri_get_host (parsed) == NULL)
    return g_strdup (_("another kind of page"));
  if (g_uri_get_port (parsed) > 0)
    return g_strdup_printf ("%s:%d", g_uri_get_host (parsed), g_uri_get_port (parsed));
  return g_strdup (g_uri_get_host (parsed));
}

static void
refuse_navigation (HangarConsentDialog *self,
                   const char          *uri,
                   gboolean             new_window)
{
  g_autofree char *host = display_host (uri);
  g_autofree char *home = display_host (self->authorize_uri);
  g_autofree char *message = NULL;

  if (new_window)
    message = g_strdup_printf (_("The page tried to open a new window on %s. This window only shows the "
                                 "sign-in pages of %s; you can go on signing in in your browser instead."),
                               host, home);
  else
    message = g_strdup_printf (_("The page tried to go to %s, which is not part of signing in to %s. "
                                 "You can go on signing in in your browser instead."),
                               host, home);
  g_debug ("Consent view: refused a %s to %s", new_window ? "new window" : "navigation", host);
  refuse (self, message, uri);
}

static void
refuse_download (HangarConsentDialog *self,
                 const char          *uri)
{
  g_autofree char *host = display_host (uri);

  g_debug ("Consent view: refused a download from %s", host);
  refuse (self,
          _("The page offered a file to download. This window never saves files; "
            "you can open that page in your browser instead."),
          uri);
}

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

/* Whether a response may be shown in the view: one WebKit can display and
 * that does not ask to be saved. */
static gboolean
is_displayable (WebKitResponsePolicyDecision *decision)
{
  WebKitURIResponse *response = webkit_response_policy_decision_get_response (decision);
  SoupMessageHeaders *headers = webkit_uri_response_get_http_headers (response);
  g_autofree char *disposition = NULL;

  if (!webkit_response_policy_decision_is_mime_type_supported (decision))
    return FALSE;
  if (headers != NULL && soup_message_headers_get_content_disposition (headers, &disposition, NULL) &&
      disposition != NULL && g_ascii_strcasecmp (disposition, "inline") != 0)
    return FALSE;
  return TRUE;
}

static gboolean
decide_response (HangarConsentDialog          *self,
                 WebKitResponsePolicyDecision *decision)
{
  WebKitURIResponse *response = webkit_response_policy_decision_get_response (decision);
  const char *uri = webkit_uri_response_get_uri (response);

  if (is_displayable (decision))
    return FALSE;

  /* WebKit would download it: never. */
  webkit_policy_decision_ignore (WEBKIT_POLICY_DECISION (decision));
  if (webkit_response_policy_decision_is_main_frame_main_resource (decision))
    refuse_download (self, uri);
  else
    g_debug ("Consent view: refused a download in a frame");
  return TRUE;
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
    return decide_response (self, WEBKIT_RESPONSE_POLICY_DECISION (decision));

  action = webkit_navigation_policy_decision_get_navigation_action (WEBKIT_NAVIGATION_POLICY_DECISION (decision));
  request = webkit_navigation_action_get_request (action);
  uri = webkit_uri_request_get_uri (request);

  if (is_redirect (self, uri))
    {
      g_autofree char *redirect = g_strdup (uri);
      g_autofree char *state = query_param (uri, "state");

      /* Never fetch the redirect URI: it carries the code and nothing
       * listens there. */
      webkit_policy_decision_ignore (decision);
      if (self->finished)
        return TRUE;
      if (type != WEBKIT_POLICY_DECISION_TYPE_NAVIGATION_ACTION || g_strcmp0 (state, self->state) != 0)
        {
          /* Not the answer to this sign-in: keep waiting for it. */
          g_debug ("Consent view: ignored a navigation to the redirect URI (%s)",
                   type != WEBKIT_POLICY_DECISION_TYPE_NAVIGATION_ACTION ? "new window" : "wrong state");
          return TRUE;
        }
      self->finished = TRUE;
      g_signal_emit (self, signals[REDIRECTED], 0, redirect);
      gtk_window_destroy (GTK_WINDOW (self));
      return TRUE;
    }

  if (type == WEBKIT_POLICY_DECISION_TYPE_NEW_WINDOW_ACTION)
    {
      webkit_policy_decision_ignore (decision);
      refuse_navigation (self, uri, TRUE);
      return TRUE;
    }

  if (!is_allowed (self, uri))
    {
      webkit_policy_decision_ignore (decision);
      refuse_navigation (self, uri, FALSE);
      return TRUE;
    }

  return FALSE;
}

static gboolean
download_decide_destination_cb (WebKitDownload *download,
                                const char     *suggested_filename,
                                gpointer        user_data)
{
  /* Handled without a destination: the download cannot go on (it was
   * cancelled already). */
  webkit_download_cancel (download);
  return TRUE;
}

static void
download_started_cb (WebKitNetworkSession *session,
                     WebKitDownload       *download,
                     HangarConsentDialog  *self)
{
  WebKitURIRequest *request = webkit_download_get_request (download);

  /* Responses that would download are refused in decide-policy; this
   * catches the rest (a link with a download attribute) before a
   * destination is chosen, so no file is created or replaced. */
  webkit_download_set_allow_overwrite (download, FALSE);
  g_signal_connect (download, "decide-destination", G_CALLBACK (download_decide_destination_cb), NULL);
  webkit_download_cancel (download);
  if (!self->finished)
    refuse_download (self, request != NULL ? webkit_uri_request_get_uri (request) : NULL);
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
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  HangarConsentDialog *self = HANGAR_CONSENT_DIALOG (widget);

  g_clear_pointer (&self->refusal, g_free);
  g_clear_pointer (&self->refused_uri, g_free);
  gtk_stack_set_visible_child_name (self->stack, "web");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFUSAL]);
}

static void
open_in_browser_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  HangarConsentDialog *self = HANGAR_CONSENT_DIALOG (widget);
  g_autoptr(GError) error = NULL;
  gboolean handled = FALSE;

  if (self->finished)
    return;
  /* The whole sign-in moves to the browser: the host opens the authorize
   * URL there and waits for the answer; this window waits with it. */
  gtk_stack_set_visible_child_name (self->stack, "browser");
  g_signal_emit (self, signals[BROWSER_REQUESTED], 0, &handled);
  if (handled)
    {
      /* The host may have shown why it could not, on the error page. */
      webkit_web_view_stop_loading (self->web_view);
      g_clear_pointer (&self->refusal, g_free);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFUSAL]);
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, self->refusal != NULL ? "refused" : "web");
  /* Nobody can take the answer from a browser: at least show the page. */
  if (self->refused_uri != NULL)
    hangar_compat_show_uri (GTK_WINDOW (self), self->refused_uri);
}

/* Something the host could not do (the browser's listener): said on the
 * error page, whose Try Again loads the sign-in page again. */
static void
show_error_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  HangarConsentDialog *self = HANGAR_CONSENT_DIALOG (widget);
  g_autofree char *escaped = g_markup_escape_text (g_variant_get_string (parameter, NULL), -1);

  /* The description is markup; the message may quote a system error. */
  adw_status_page_set_description (self->error_page, escaped);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

/* The answer came by another way (the browser): end as if the view had
 * been sent to @parameter, the redirect URI the listener accepted. */
static void
complete_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  HangarConsentDialog *self = HANGAR_CONSENT_DIALOG (widget);
  g_autofree char *uri = g_variant_dup_string (parameter, NULL);

  if (self->finished)
    return;
  self->finished = TRUE;
  webkit_web_view_stop_loading (self->web_view);
  g_signal_emit (self, signals[REDIRECTED], 0, uri);
  gtk_window_destroy (GTK_WINDOW (self));
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
    {
      self->origin = origin_of (self->authorize_uri);
      self->state = query_param (self->authorize_uri, "state");
      webkit_web_view_load_uri (self->web_view, self->authorize_uri);
    }
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
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (hangar_consent_dialog_parent_class)->dispose (object);
}

static void
hangar_consent_dialog_finalize (GObject *object)
{
  HangarConsentDialog *self = (HangarConsentDialog *)object;

  g_free (self->authorize_uri);
  g_free (self->origin);
  g_free (self->state);
  g_free (self->refused_uri);
  g_free (self->refusal);
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
    case PROP_REFUSAL:
      g_value_set_string (value, self->refusal);
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
  /* What the view refused (a download, another site, a new window), as
   * shown to the user; NULL while the sign-in page shows. */
  properties[PROP_REFUSAL] =
    g_param_spec_string ("refusal", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
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
  /* The user wants to sign in in the browser; TRUE when the host took it
   * on (then consent.complete ends the dialog with the browser's answer). */
  signals[BROWSER_REQUESTED] =
    g_signal_new ("browser-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, g_signal_accumulator_true_handled, NULL, NULL, G_TYPE_BOOLEAN, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/tablehangar/Hangar/hangar-consent-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarConsentDialog, host_label);
  gtk_widget_class_bind_template_child (widget_class, HangarConsentDialog, security_image);
  gtk_widget_class_bind_template_child (widget_class, HangarConsentDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, HangarConsentDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, HangarConsentDialog, web_box);
  gtk_widget_class_bind_template_child (widget_class, HangarConsentDialog, error_page);
  gtk_widget_class_bind_template_child (widget_class, HangarConsentDialog, refused_page);
  gtk_widget_class_bind_template_child (widget_class, HangarConsentDialog, browser_page);
  gtk_widget_class_bind_template_child (widget_class, HangarConsentDialog, open_button);

  gtk_widget_class_install_action (widget_class, "consent.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "consent.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "consent.open-in-browser", NULL, open_in_browser_action);
  gtk_widget_class_install_action (widget_class, "consent.complete", "s", complete_action);
  gtk_widget_class_install_action (widget_class, "consent.show-error", "s", show_error_action);
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

  g_signal_connect (self->session, "download-started", G_CALLBACK (download_started_cb), self);
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
