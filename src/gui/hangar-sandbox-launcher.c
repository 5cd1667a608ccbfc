/* hangar-sandbox-launcher.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "hangar-sandbox-launcher.h"

struct _HangarSandboxLauncher
{
  GObject           parent_instance;

  GSubprocess      *process;
  GDataInputStream *stdout_stream;
  char             *url;
  char             *client_id;
  char             *redirect_uri;
  char             *pat;
  /* for the fallback to --port 0 */
  char             *binary;
  char             *state_dir;
  GStrv             extra_args;
};

G_DEFINE_FINAL_TYPE (HangarSandboxLauncher, hangar_sandbox_launcher, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_RUNNING,
  PROP_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean spawn (HangarSandboxLauncher  *self,
                       guint                   port,
                       GTask                  *task,
                       GError                **error);

static char *
dup_string_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

char *
hangar_sandbox_launcher_find_binary (void)
{
  const char *env = g_getenv ("HANGAR_SANDBOX");
  g_autofree char *self_exe = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *candidate = NULL;

  if (env != NULL && *env != '\0')
    return g_strdup (env);

  /* Next to the running executable: installed (BINDIR/hangar-sandbox), or the
   * build tree (_build/src/gui/hangar → _build/src/sandbox/hangar-sandbox). */
  self_exe = g_file_read_link ("/proc/self/exe", NULL);
  if (self_exe != NULL)
    {
      dir = g_path_get_dirname (self_exe);
      candidate = g_build_filename (dir, "hangar-sandbox", NULL);
      if (g_file_test (candidate, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&candidate);
      g_clear_pointer (&candidate, g_free);
      candidate = g_build_filename (dir, "..", "sandbox", "hangar-sandbox", NULL);
      if (g_file_test (candidate, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&candidate);
      g_clear_pointer (&candidate, g_free);
    }

  candidate = g_build_filename (BUILDDIR, "src", "sandbox", "hangar-sandbox", NULL);
  if (g_file_test (candidate, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&candidate);
  g_clear_pointer (&candidate, g_free);

  candidate = g_build_filename (BINDIR, "hangar-sandbox", NULL);
  if (g_file_test (candidate, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&candidate);

  return NULL;
}

static void
read_line_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HangarSandboxLauncher *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *line = NULL;
  JsonNode *root;
  JsonObject *info;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result, NULL, &error);
  if (error != NULL)
    {
      hangar_sandbox_launcher_stop (self);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (line == NULL && GPOINTER_TO_UINT (g_task_get_task_data (task)) != 0)
    {
      /* The preferred port was taken: any free one then. */
      hangar_sandbox_launcher_stop (self);
      if (!spawn (self, 0, task, &error))
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (line == NULL)
    {
      hangar_sandbox_launcher_stop (self);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s",
                               _("The sandbox exited before it was ready"));
      return;
    }

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, line, -1, &error) ||
      (root = json_parser_get_root (parser)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (root))
    {
      hangar_sandbox_launcher_stop (self);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s",
                               _("The sandbox printed no connection info"));
      return;
    }

  info = json_node_get_object (root);
  self->url = dup_string_member (info, "url");
  self->client_id = dup_string_member (info, "client_id");
  self->redirect_uri = dup_string_member (info, "redirect_uri");
  self->pat = dup_string_member (info, "pat");

  if (self->url == NULL || self->client_id == NULL || self->redirect_uri == NULL)
    {
      hangar_sandbox_launcher_stop (self);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s",
                               _("The sandbox's connection info is incomplete"));
      return;
    }

  /* Keep the rest of its stdout flowing nowhere: it prints nothing more. */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_task_return_boolean (task, TRUE);
}

static void
hangar_sandbox_launcher_dispose (GObject *object)
{
  HangarSandboxLauncher *self = (HangarSandboxLauncher *)object;

  hangar_sandbox_launcher_stop (self);

  G_OBJECT_CLASS (hangar_sandbox_launcher_parent_class)->dispose (object);
}

static void
hangar_sandbox_launcher_finalize (GObject *object)
{
  HangarSandboxLauncher *self = (HangarSandboxLauncher *)object;

  g_free (self->url);
  g_free (self->client_id);
  g_free (self->redirect_uri);
  if (self->pat != NULL)
    memset (self->pat, 0, strlen (self->pat));
  g_free (self->pat);
  g_free (self->binary);
  g_free (self->state_dir);
  g_strfreev (self->extra_args);

  G_OBJECT_CLASS (hangar_sandbox_launcher_parent_class)->finalize (object);
}

static void
hangar_sandbox_launcher_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  HangarSandboxLauncher *self = HANGAR_SANDBOX_LAUNCHER (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, hangar_sandbox_launcher_get_running (self));
      break;
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_sandbox_launcher_class_init (HangarSandboxLauncherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hangar_sandbox_launcher_dispose;
  object_class->finalize = hangar_sandbox_launcher_finalize;
  object_class->get_property = hangar_sandbox_launcher_get_property;

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_sandbox_launcher_init (HangarSandboxLauncher *self)
{
}

HangarSandboxLauncher *
hangar_sandbox_launcher_new (void)
{
  return g_object_new (HANGAR_TYPE_SANDBOX_LAUNCHER, NULL);
}

static gboolean
spawn (HangarSandboxLauncher  *self,
       guint                   port,
       GTask                  *task,
       GError                **error)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (argv, g_strdup (self->binary));
  g_ptr_array_add (argv, g_strdup ("--port"));
  g_ptr_array_add (argv, g_strdup_printf ("%u", port));
  g_ptr_array_add (argv, g_strdup ("--state-dir"));
  g_ptr_array_add (argv, g_strdup (self->state_dir));
  for (guint i = 0; self->extra_args != NULL && self->extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (self->extra_args[i]));
  g_ptr_array_add (argv, NULL);

  /* stderr stays with ours: the sandbox's own messages help the user. */
  self->process = g_subprocess_newv ((const char * const *) argv->pdata,
                                     G_SUBPROCESS_FLAGS_STDOUT_PIPE, error);
  if (self->process == NULL)
    return FALSE;

  g_task_set_task_data (task, GUINT_TO_POINTER (port), NULL);
  self->stdout_stream = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  g_data_input_stream_read_line_async (self->stdout_stream, G_PRIORITY_DEFAULT,
                                       g_task_get_cancellable (task),
                                       read_line_cb, g_object_ref (task));
  return TRUE;
}

void
hangar_sandbox_launcher_start_async (HangarSandboxLauncher *self,
                                     const char            *state_dir,
                                     guint                  port,
                                     const char * const    *extra_args,
                                     GCancellable          *cancellable,
                                     GAsyncReadyCallback    callback,
                                     gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (HANGAR_IS_SANDBOX_LAUNCHER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_sandbox_launcher_start_async);

  if (self->process != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_EXISTS, "%s",
                               _("The sandbox is already running"));
      return;
    }

  g_clear_pointer (&self->binary, g_free);
  self->binary = hangar_sandbox_launcher_find_binary ();
  if (self->binary == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s",
                               _("hangar-sandbox was not found; set HANGAR_SANDBOX to its path"));
      return;
    }

  g_free (self->state_dir);
  self->state_dir = state_dir != NULL ? g_strdup (state_dir)
                                      : g_build_filename (g_get_user_data_dir (), "hangar", "sandbox", NULL);
  if (g_mkdir_with_parents (self->state_dir, 0700) != 0)
    {
      int errsv = errno;
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (errsv),
                               _("Could not create %s: %s"), self->state_dir, g_strerror (errsv));
      return;
    }

  g_strfreev (self->extra_args);
  self->extra_args = g_strdupv ((char **) extra_args);

  if (!spawn (self, port, task, &error))
    g_task_return_error (task, g_steal_pointer (&error));
}

gboolean
hangar_sandbox_launcher_start_finish (HangarSandboxLauncher *self,
                                      GAsyncResult          *result,
                                      GError               **error)
{
  g_return_val_if_fail (HANGAR_IS_SANDBOX_LAUNCHER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
hangar_sandbox_launcher_stop (HangarSandboxLauncher *self)
{
  g_return_if_fail (HANGAR_IS_SANDBOX_LAUNCHER (self));

  if (self->process == NULL)
    return;

  g_subprocess_send_signal (self->process, SIGTERM);
  /* At quit the main loop is gone; the sandbox exits within milliseconds of
   * SIGTERM and writes its state first, so wait for it here. */
  g_subprocess_wait (self->process, NULL, NULL);
  g_clear_object (&self->stdout_stream);
  g_clear_object (&self->process);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

gboolean
hangar_sandbox_launcher_get_running (HangarSandboxLauncher *self)
{
  g_return_val_if_fail (HANGAR_IS_SANDBOX_LAUNCHER (self), FALSE);
  return self->process != NULL && self->url != NULL;
}

const char *
hangar_sandbox_launcher_get_url (HangarSandboxLauncher *self)
{
  g_return_val_if_fail (HANGAR_IS_SANDBOX_LAUNCHER (self), NULL);
  return self->url;
}

const char *
hangar_sandbox_launcher_get_client_id (HangarSandboxLauncher *self)
{
  g_return_val_if_fail (HANGAR_IS_SANDBOX_LAUNCHER (self), NULL);
  return self->client_id;
}

const char *
hangar_sandbox_launcher_get_redirect_uri (HangarSandboxLauncher *self)
{
  g_return_val_if_fail (HANGAR_IS_SANDBOX_LAUNCHER (self), NULL);
  return self->redirect_uri;
}

const char *
hangar_sandbox_launcher_get_pat (HangarSandboxLauncher *self)
{
  g_return_val_if_fail (HANGAR_IS_SANDBOX_LAUNCHER (self), NULL);
  return self->pat;
}
