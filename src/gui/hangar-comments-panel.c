/* hangar-comments-panel.c — a record's comments, in the record panel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "hangar-account.h"
#include "hangar-api.h"
#include "hangar-comments-panel.h"
#include "hangar-compat.h"
#include "hangar-scopes.h"

/* Comments per request: a screenful; older ones on demand. */
#define PAGE_SIZE 20

/**
 * HangarCommentsPanel:
 *
 * The comments of the record shown in the record panel: author, time and
 * text (mentions `@[usr…]` shown as `@Name`, plain text, never markup),
 * newest last, a page at a time ("Show Older Comments" loads the next
 * page, as Airtable pages them newest first). Your own comments can be
 * edited in place and deleted (after a confirmation); a new one is written
 * below (Ctrl+Enter sends). The scopes are checked first: without
 * data.recordComments:read the panel says so and offers to reconnect,
 * without data.recordComments:write the composer is off with the same
 * offer; a 403 from Airtable is explained the same way.
 */
struct _HangarCommentsPanel
{
  GtkWidget      parent_instance;

  /* template */
  GtkLabel      *count_label;
  GtkSpinner    *spinner;
  GtkBox        *message_box;
  GtkLabel      *message_label;
  GtkButton     *reconnect_button;
  GtkButton     *older_button;
  GtkBox        *list_box;
  GtkLabel      *empty_label;
  GtkBox        *composer;
  GtkTextView   *compose_view;
  GtkLabel      *compose_hint;

  /* context */
  HangarClient  *client;
  HangarAccount *account;
  char          *base_id;
  char          *table_id;
  char          *record_id;
  char          *user_id;          /* you: from the account, or whoami */
  gboolean       can_write;

  /* the comments shown, oldest first */
  GPtrArray     *comments;         /* HangarComment */
  GPtrArray     *texts;            /* char*: what is shown for each */
  char          *next_offset;      /* the next (older) page, or NULL */
  guint          editing;          /* index of the comment being edited, or G_MAXUINT */
  GtkTextView   *edit_view;
  GCancellable  *load_cancellable;
  GCancellable  *write_cancellable;
  gboolean       loading;
  char          *message;
};

G_DEFINE_FINAL_TYPE (HangarCommentsPanel, hangar_comments_panel, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LOADING,
  PROP_N_COMMENTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void load_page (HangarCommentsPanel *self, gboolean older);
static void rebuild (HangarCommentsPanel *self);

static void
set_loading (HangarCommentsPanel *self,
             gboolean             loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  gtk_spinner_set_spinning (self->spinner, loading);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), loading);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* Shows @text (plain) above the comments, with Reconnect when the account
 * can sign in again. NULL hides it. */
static void
show_message (HangarCommentsPanel *self,
              const char          *text,
              gboolean             reconnect)
{
  g_free (self->message);
  self->message = g_strdup (text);
  gtk_label_set_text (self->message_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_box), text != NULL);
  reconnect = reconnect && self->account != NULL;
  /* The window's action, for this account (the target first: the action
   * takes a string). */
  if (reconnect)
    {
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->reconnect_button),
                                              g_variant_new_string (hangar_account_get_id (self->account)));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->reconnect_button), "win.reconnect-account");
    }
  else
    gtk_actionable_set_action_name (GTK_ACTIONABLE (self->reconnect_button), NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->reconnect_button), reconnect);
}

static char *
missing_scope_text (HangarCommentsPanel *self,
                    HangarCapability     capability,
                    const char          *what)
{
  g_auto(GStrv) missing = self->account != NULL ? hangar_scopes_account_missing (self->account, capability) : NULL;
  g_autofree char *list = missing != NULL ? g_strjoinv (", ", missing) : NULL;

  if (list == NULL || list[0] == '\0')
    return NULL;
  return g_strdup_printf (_("%s needs the scope %s, which this account was not granted — reconnect and "
                            "grant it."), what, list);
}

/* Explains a failure: a 403 as the missing scope or base grant. */
static void
show_error (HangarCommentsPanel *self,
            HangarCapability     capability,
            const char          *doing,
            const GError        *error)
{
  g_autofree char *explained = NULL;
  g_autofree char *text = NULL;

  if (self->account != NULL)
    explained = hangar_scopes_explain_forbidden (self->account, capability, NULL, error);
  if (explained != NULL)
    text = g_strdup_printf ("%s: %s", doing, explained);
  else
    text = g_strdup_printf ("%s: %s", doing, error->message);
  show_message (self, text, explained != NULL ||
                g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_REVOKED) ||
                g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_TOKEN_EXPIRED));
}

static char *
format_time (GDateTime *time)
{
  g_autoptr(GDateTime) local = NULL;

  if (time == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (time);
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

static gboolean
is_own (HangarCommentsPanel *self,
        HangarComment       *comment)
{
  return self->user_id != NULL && g_strcmp0 (hangar_comment_get_author_id (comment), self->user_id) == 0;
}

/* ---- writes ---- */

static void
write_done (HangarCommentsPanel *self,
            const char          *doing,
            GError              *error)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->composer), self->can_write);
  if (error != NULL)
    {
      show_error (self, HANGAR_CAPABILITY_COMMENTS_WRITE, doing, error);
      return;
    }
  show_message (self, NULL, FALSE);
  /* What Airtable has now, newest last. */
  load_page (self, FALSE);
}

static void
created_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarComment) comment = hangar_client_create_comment_finish (HANGAR_CLIENT (object), result, &error);
  HangarCommentsPanel *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  if (comment != NULL)
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->compose_view);

      gtk_text_buffer_set_text (buffer, "", 0);
    }
  write_done (self, _("Could not add the comment"), g_steal_pointer (&error));
}

static void
updated_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarComment) comment = hangar_client_update_comment_finish (HANGAR_CLIENT (object), result, &error);
  HangarCommentsPanel *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  if (comment != NULL)
    self->editing = G_MAXUINT;
  write_done (self, _("Could not change the comment"), g_steal_pointer (&error));
}

static void
deleted_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  HangarCommentsPanel *self;

  hangar_client_delete_comment_finish (HANGAR_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  write_done (self, _("Could not delete the comment"), g_steal_pointer (&error));
}

static char *
buffer_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  return g_strstrip (g_steal_pointer (&text));
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  HangarCommentsPanel *self = HANGAR_COMMENTS_PANEL (widget);
  g_autofree char *text = buffer_text (self->compose_view);

  if (text[0] == '\0')
    return;
  hangar_comments_panel_add (self, text);
}

typedef struct
{
  HangarCommentsPanel *self;
  char                *comment_id;
} DeleteData;

static void
delete_confirmed_cb (gboolean confirmed,
                     gpointer user_data)
{
  DeleteData *data = user_data;

  if (confirmed && data->self->client != NULL && data->self->record_id != NULL)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (data->self->composer), FALSE);
      hangar_client_delete_comment_async (data->self->client, data->self->base_id, data->self->table_id,
                                          data->self->record_id, data->comment_id, data->self->write_cancellable,
                                          deleted_cb, data->self);
    }
  g_object_unref (data->self);
  g_free (data->comment_id);
  g_free (data);
}

static void
delete_clicked_cb (GtkButton           *button,
                   HangarCommentsPanel *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "comment-index"));
  HangarComment *comment;
  DeleteData *data;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (index >= self->comments->len)
    return;
  comment = g_ptr_array_index (self->comments, index);
  data = g_new0 (DeleteData, 1);
  data->self = g_object_ref (self);
  data->comment_id = g_strdup (hangar_comment_get_id (comment));
  hangar_compat_confirm (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, _("Delete This Comment?"),
                         _("It is deleted in Airtable for everyone."), _("_Delete"), TRUE,
                         delete_confirmed_cb, data);
}

static void
edit_clicked_cb (GtkButton           *button,
                 HangarCommentsPanel *self)
{
  self->editing = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "comment-index"));
  rebuild (self);
  if (self->edit_view != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->edit_view));
}

static void
edit_cancel_cb (GtkButton           *button,
                HangarCommentsPanel *self)
{
  self->editing = G_MAXUINT;
  rebuild (self);
}

static void
edit_save_cb (GtkButton           *button,
              HangarCommentsPanel *self)
{
  g_autofree char *text = NULL;

  if (self->edit_view == NULL || self->editing >= self->comments->len)
    return;
  text = buffer_text (self->edit_view);
  if (text[0] == '\0')
    return;
  hangar_comments_panel_edit (self, self->editing, text);
}

/* ---- showing ---- */

static GtkWidget *
icon_button (const char *icon,
             const char *label)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  return button;
}

static GtkWidget *
comment_row (HangarCommentsPanel *self,
             guint                index)
{
  HangarComment *comment = g_ptr_array_index (self->comments, index);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *when_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  const char *name = hangar_comment_get_author_name (comment);
  GtkWidget *author = gtk_label_new (name != NULL ? name
                                     : hangar_comment_get_author_email (comment) != NULL
                                     ? hangar_comment_get_author_email (comment)
                                     : hangar_comment_get_author_id (comment));
  g_autofree char *when = format_time (hangar_comment_get_created_time (comment));
  GtkWidget *time = gtk_label_new (when);

  /* Author (and your buttons) on one line, the time below. */
  gtk_widget_add_css_class (box, "comment");
  gtk_label_set_use_markup (GTK_LABEL (author), FALSE);
  gtk_label_set_ellipsize (GTK_LABEL (author), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (author), 0);
  gtk_widget_set_hexpand (author, TRUE);
  gtk_widget_add_css_class (author, "heading");
  gtk_box_append (GTK_BOX (header), author);
  gtk_widget_add_css_class (time, "caption");
  gtk_widget_add_css_class (time, "dim-label");
  gtk_box_append (GTK_BOX (when_box), time);
  if (hangar_comment_get_last_updated_time (comment) != NULL)
    {
      GtkWidget *edited = gtk_label_new (_("(edited)"));

      gtk_widget_add_css_class (edited, "caption");
      gtk_widget_add_css_class (edited, "dim-label");
      gtk_box_append (GTK_BOX (when_box), edited);
    }

  if (is_own (self, comment) && self->can_write && self->editing != index)
    {
      GtkWidget *edit = icon_button ("document-edit-symbolic", _("Edit Comment"));
      GtkWidget *delete = icon_button ("user-trash-symbolic", _("Delete Comment"));

      g_object_set_data (G_OBJECT (edit), "comment-index", GUINT_TO_POINTER (index));
      g_object_set_data (G_OBJECT (delete), "comment-index", GUINT_TO_POINTER (index));
      g_signal_connect (edit, "clicked", G_CALLBACK (edit_clicked_cb), self);
      g_signal_connect (delete, "clicked", G_CALLBACK (delete_clicked_cb), self);
      gtk_box_append (GTK_BOX (header), edit);
      gtk_box_append (GTK_BOX (header), delete);
    }
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), when_box);

  if (self->editing == index)
    {
      GtkWidget *frame = gtk_frame_new (NULL);
      GtkWidget *view = gtk_text_view_new ();
      GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
      GtkWidget *save = gtk_button_new_with_mnemonic (_("_Save"));

      gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
      gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 6);
      gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 6);
      gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 6);
      gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 6);
      /* Edited as Airtable stores it: mentions as @[usr…]. */
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), hangar_comment_get_text (comment), -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Comment text"), -1);
      gtk_frame_set_child (GTK_FRAME (frame), view);
      gtk_box_append (GTK_BOX (box), frame);
      gtk_widget_set_halign (buttons, GTK_ALIGN_END);
      gtk_widget_add_css_class (save, "suggested-action");
      g_signal_connect (cancel, "clicked", G_CALLBACK (edit_cancel_cb), self);
      g_signal_connect (save, "clicked", G_CALLBACK (edit_save_cb), self);
      gtk_box_append (GTK_BOX (buttons), cancel);
      gtk_box_append (GTK_BOX (buttons), save);
      gtk_box_append (GTK_BOX (box), buttons);
      self->edit_view = GTK_TEXT_VIEW (view);
    }
  else
    {
      /* Plain text: a comment never restyles the panel. */
      GtkWidget *text = gtk_label_new (g_ptr_array_index (self->texts, index));

      gtk_label_set_use_markup (GTK_LABEL (text), FALSE);
      gtk_label_set_xalign (GTK_LABEL (text), 0);
      gtk_label_set_wrap (GTK_LABEL (text), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (text), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_selectable (GTK_LABEL (text), TRUE);
      gtk_widget_set_focusable (text, FALSE);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (text), GTK_ACCESSIBLE_RELATION_LABELLED_BY, author, NULL, -1);
      gtk_box_append (GTK_BOX (box), text);
    }
  return box;
}

static void
rebuild (HangarCommentsPanel *self)
{
  GtkWidget *child;
  g_autofree char *count = NULL;

  self->edit_view = NULL;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_box_remove (self->list_box, child);
  for (guint i = 0; i < self->comments->len; i++)
    gtk_box_append (self->list_box, comment_row (self, i));

  count = self->comments->len > 0
          ? g_strdup_printf (self->next_offset != NULL ? "%u+" : "%u", self->comments->len) : g_strdup ("");
  gtk_label_set_text (self->count_label, count);
  gtk_widget_set_visible (GTK_WIDGET (self->older_button), self->next_offset != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->empty_label),
                          self->comments->len == 0 && !self->loading && self->record_id != NULL &&
                          self->message == NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_COMMENTS]);
}

/* ---- loading ---- */

typedef struct
{
  HangarCommentsPanel *self;          /* a reference */
  GCancellable        *cancellable;   /* the load's: cancelled, its answer is stale */
  gboolean             older;
} PageData;

static void
page_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  PageData *data = user_data;
  g_autoptr(HangarCommentsPanel) self = data->self;
  g_autoptr(GCancellable) cancellable = data->cancellable;
  gboolean older = data->older;
  g_autoptr(GError) error = NULL;
  g_autofree char *next = NULL;
  g_autoptr(GPtrArray) page = NULL;

  g_free (data);
  page = hangar_client_list_comments_page_finish (HANGAR_CLIENT (object), result, &next, &error);
  /* An answer can be on its way back when its load is cancelled (another
   * record shown, or the panel disposed): it is not this record's. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || g_cancellable_is_cancelled (cancellable))
    return;

  set_loading (self, FALSE);
  if (page == NULL)
    {
      show_error (self, HANGAR_CAPABILITY_COMMENTS_READ, _("Could not load the comments"), error);
      rebuild (self);
      return;
    }
  if (!older)
    {
      g_ptr_array_set_size (self->comments, 0);
      g_ptr_array_set_size (self->texts, 0);
      self->editing = G_MAXUINT;
    }
  /* The page is newest first; shown oldest first, older pages above. */
  for (guint i = 0; i < page->len; i++)
    {
      HangarComment *comment = g_ptr_array_index (page, i);

      g_ptr_array_insert (self->comments, 0, g_object_ref (comment));
      g_ptr_array_insert (self->texts, 0, hangar_comment_dup_display_text (comment));
    }
  g_free (self->next_offset);
  self->next_offset = g_steal_pointer (&next);
  rebuild (self);
}

static void
load_page (HangarCommentsPanel *self,
           gboolean             older)
{
  PageData *data;

  if (self->client == NULL || self->record_id == NULL)
    return;
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();

  data = g_new0 (PageData, 1);
  data->self = g_object_ref (self);
  data->cancellable = g_object_ref (self->load_cancellable);
  data->older = older;
  set_loading (self, TRUE);
  hangar_client_list_comments_page_async (self->client, self->base_id, self->table_id, self->record_id, PAGE_SIZE,
                                          older ? self->next_offset : NULL, self->load_cancellable, page_cb, data);
}

static void
whoami_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarWhoami) who = hangar_client_whoami_finish (HANGAR_CLIENT (object), result, &error);
  g_autoptr(HangarCommentsPanel) self = user_data;

  /* Disposed meanwhile (the answer can be on its way back when it is). */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->write_cancellable == NULL)
    return;
  /* Without it no comment offers edit and delete; reading goes on. */
  if (who != NULL)
    {
      g_free (self->user_id);
      self->user_id = g_strdup (hangar_whoami_get_user_id (who));
      rebuild (self);
    }
}

static void
older_clicked_cb (HangarCommentsPanel *self)
{
  hangar_comments_panel_load_older (self);
}

/* ---- GObject ---- */

static void
hangar_comments_panel_dispose (GObject *object)
{
  HangarCommentsPanel *self = HANGAR_COMMENTS_PANEL (object);
  GtkWidget *child;

  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_cancellable_cancel (self->write_cancellable);
  g_clear_object (&self->write_cancellable);
  g_clear_object (&self->client);
  g_clear_object (&self->account);
  g_clear_pointer (&self->comments, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_COMMENTS_PANEL);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (hangar_comments_panel_parent_class)->dispose (object);
}

static void
hangar_comments_panel_finalize (GObject *object)
{
  HangarCommentsPanel *self = HANGAR_COMMENTS_PANEL (object);

  g_free (self->base_id);
  g_free (self->table_id);
  g_free (self->record_id);
  g_free (self->user_id);
  g_free (self->next_offset);
  g_free (self->message);
  g_clear_pointer (&self->texts, g_ptr_array_unref);

  G_OBJECT_CLASS (hangar_comments_panel_parent_class)->finalize (object);
}

static void
hangar_comments_panel_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  HangarCommentsPanel *self = HANGAR_COMMENTS_PANEL (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_N_COMMENTS:
      g_value_set_uint (value, self->comments != NULL ? self->comments->len : 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_comments_panel_class_init (HangarCommentsPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_comments_panel_dispose;
  object_class->finalize = hangar_comments_panel_finalize;
  object_class->get_property = hangar_comments_panel_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_COMMENTS] =
    g_param_spec_uint ("n-comments", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tablehangar/Hangar/hangar-comments-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarCommentsPanel, count_label);
  gtk_widget_class_bind_template_child (widget_class, HangarCommentsPanel, spinner);
  gtk_widget_class_bind_template_child (widget_class, HangarCommentsPanel, message_box);
  gtk_widget_class_bind_template_child (widget_class, HangarCommentsPanel, message_label);
  gtk_widget_class_bind_template_child (widget_class, HangarCommentsPanel, reconnect_button);
  gtk_widget_class_bind_template_child (widget_class, HangarCommentsPanel, older_button);
  gtk_widget_class_bind_template_child (widget_class, HangarCommentsPanel, list_box);
  gtk_widget_class_bind_template_child (widget_class, HangarCommentsPanel, empty_label);
  gtk_widget_class_bind_template_child (widget_class, HangarCommentsPanel, composer);
  gtk_widget_class_bind_template_child (widget_class, HangarCommentsPanel, compose_view);
  gtk_widget_class_bind_template_child (widget_class, HangarCommentsPanel, compose_hint);
  gtk_widget_class_bind_template_callback (widget_class, older_clicked_cb);

  gtk_widget_class_install_action (widget_class, "comments.send", NULL, send_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "comments.send", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "comments.send", NULL);
  gtk_widget_class_set_css_name (widget_class, "commentspanel");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
hangar_comments_panel_init (HangarCommentsPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->comments = g_ptr_array_new_with_free_func (g_object_unref);
  self->texts = g_ptr_array_new_with_free_func (g_free);
  self->editing = G_MAXUINT;
  self->write_cancellable = g_cancellable_new ();
}

/* ---- public API ---- */

/**
 * hangar_comments_panel_new:
 *
 * Returns: (transfer floating): an empty comments panel
 */
GtkWidget *
hangar_comments_panel_new (void)
{
  return g_object_new (HANGAR_TYPE_COMMENTS_PANEL, NULL);
}

/**
 * hangar_comments_panel_set_context:
 * @self: a #HangarCommentsPanel
 * @client: (nullable): the client that reads and writes
 * @account: (nullable): its account
 * @base_id: (nullable): the base
 * @table_id: (nullable): the table
 */
void
hangar_comments_panel_set_context (HangarCommentsPanel *self,
                                   HangarClient        *client,
                                   HangarAccount       *account,
                                   const char          *base_id,
                                   const char          *table_id)
{
  g_return_if_fail (HANGAR_IS_COMMENTS_PANEL (self));

  hangar_comments_panel_set_record (self, NULL);
  if (self->client != client)
    {
      g_clear_pointer (&self->user_id, g_free);
      g_set_object (&self->client, client);
    }
  g_set_object (&self->account, account);
  g_free (self->base_id);
  self->base_id = g_strdup (base_id);
  g_free (self->table_id);
  self->table_id = g_strdup (table_id);

  if (account != NULL && hangar_account_get_user_id (account) != NULL)
    {
      g_free (self->user_id);
      self->user_id = g_strdup (hangar_account_get_user_id (account));
    }
  else if (client != NULL && self->user_id == NULL)
    hangar_client_whoami_async (client, self->write_cancellable, whoami_cb, g_object_ref (self));

  self->can_write = client != NULL &&
                    (account == NULL || hangar_scopes_account_can (account, HANGAR_CAPABILITY_COMMENTS_WRITE));
  gtk_widget_set_sensitive (GTK_WIDGET (self->composer), self->can_write);
  if (client != NULL && !self->can_write)
    {
      g_autofree char *why = missing_scope_text (self, HANGAR_CAPABILITY_COMMENTS_WRITE,
                                                 _("Adding and changing comments"));

      gtk_label_set_text (self->compose_hint, why != NULL ? why : "");
      gtk_label_set_wrap (self->compose_hint, TRUE);
    }
  else
    gtk_label_set_text (self->compose_hint, _("Ctrl+Enter to send"));
}

/**
 * hangar_comments_panel_set_record:
 * @self: a #HangarCommentsPanel
 * @record_id: (nullable): the record
 *
 * Shows the newest page of the record's comments.
 */
void
hangar_comments_panel_set_record (HangarCommentsPanel *self,
                                  const char          *record_id)
{
  g_return_if_fail (HANGAR_IS_COMMENTS_PANEL (self));

  if (g_strcmp0 (record_id, self->record_id) == 0 && record_id != NULL)
    return;
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  set_loading (self, FALSE);
  g_free (self->record_id);
  self->record_id = g_strdup (record_id);
  g_ptr_array_set_size (self->comments, 0);
  g_ptr_array_set_size (self->texts, 0);
  g_clear_pointer (&self->next_offset, g_free);
  self->editing = G_MAXUINT;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->compose_view), "", 0);
  show_message (self, NULL, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->composer), record_id != NULL);

  if (record_id != NULL && self->account != NULL &&
      !hangar_scopes_account_can (self->account, HANGAR_CAPABILITY_COMMENTS_READ))
    {
      g_autofree char *why = missing_scope_text (self, HANGAR_CAPABILITY_COMMENTS_READ, _("Reading comments"));

      show_message (self, why, TRUE);
      rebuild (self);
      return;
    }
  rebuild (self);
  load_page (self, FALSE);
}

const char *
hangar_comments_panel_get_record_id (HangarCommentsPanel *self)
{
  g_return_val_if_fail (HANGAR_IS_COMMENTS_PANEL (self), NULL);

  return self->record_id;
}

gboolean
hangar_comments_panel_get_loading (HangarCommentsPanel *self)
{
  g_return_val_if_fail (HANGAR_IS_COMMENTS_PANEL (self), FALSE);
  return self->loading;
}

guint
hangar_comments_panel_get_n_comments (HangarCommentsPanel *self)
{
  g_return_val_if_fail (HANGAR_IS_COMMENTS_PANEL (self), 0);
  return self->comments->len;
}

const char *
hangar_comments_panel_get_message (HangarCommentsPanel *self)
{
  g_return_val_if_fail (HANGAR_IS_COMMENTS_PANEL (self), NULL);
  return self->message;
}

const char *
hangar_comments_panel_get_text (HangarCommentsPanel *self,
                                guint                index)
{
  g_return_val_if_fail (HANGAR_IS_COMMENTS_PANEL (self), NULL);
  g_return_val_if_fail (index < self->texts->len, NULL);
  return g_ptr_array_index (self->texts, index);
}

gboolean
hangar_comments_panel_is_own (HangarCommentsPanel *self,
                              guint                index)
{
  g_return_val_if_fail (HANGAR_IS_COMMENTS_PANEL (self), FALSE);
  g_return_val_if_fail (index < self->comments->len, FALSE);
  return self->can_write && is_own (self, g_ptr_array_index (self->comments, index));
}

void
hangar_comments_panel_add (HangarCommentsPanel *self,
                           const char          *text)
{
  g_return_if_fail (HANGAR_IS_COMMENTS_PANEL (self));

  if (self->client == NULL || self->record_id == NULL || !self->can_write)
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->composer), FALSE);
  hangar_client_create_comment_async (self->client, self->base_id, self->table_id, self->record_id, text, NULL,
                                      self->write_cancellable, created_cb, self);
}

void
hangar_comments_panel_edit (HangarCommentsPanel *self,
                            guint                index,
                            const char          *text)
{
  g_return_if_fail (HANGAR_IS_COMMENTS_PANEL (self));
  g_return_if_fail (index < self->comments->len);

  if (self->client == NULL || self->record_id == NULL || !self->can_write)
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->composer), FALSE);
  hangar_client_update_comment_async (self->client, self->base_id, self->table_id, self->record_id,
                                      hangar_comment_get_id (g_ptr_array_index (self->comments, index)), text,
                                      self->write_cancellable, updated_cb, self);
}

void
hangar_comments_panel_delete (HangarCommentsPanel *self,
                              guint                index)
{
  g_return_if_fail (HANGAR_IS_COMMENTS_PANEL (self));
  g_return_if_fail (index < self->comments->len);

  if (self->client == NULL || self->record_id == NULL || !self->can_write)
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->composer), FALSE);
  hangar_client_delete_comment_async (self->client, self->base_id, self->table_id, self->record_id,
                                      hangar_comment_get_id (g_ptr_array_index (self->comments, index)),
                                      self->write_cancellable, deleted_cb, self);
}

void
hangar_comments_panel_load_older (HangarCommentsPanel *self)
{
  g_return_if_fail (HANGAR_IS_COMMENTS_PANEL (self));

  if (self->next_offset != NULL && !self->loading)
    load_page (self, TRUE);
}

gboolean
hangar_comments_panel_has_older (HangarCommentsPanel *self)
{
  g_return_val_if_fail (HANGAR_IS_COMMENTS_PANEL (self), FALSE);
  return self->next_offset != NULL;
}
