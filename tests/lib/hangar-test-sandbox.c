/* hangar-test-sandbox.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "hangar-test-sandbox.h"

void
hangar_test_isolate_home (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("hangar-test-XXXXXX", &error);
  const char *subdirs[] = { "config", "data", "cache", "runtime" };
  const char *vars[] = { "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR" };

  g_assert_no_error (error);
  g_setenv ("HOME", root, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *path = g_build_filename (root, subdirs[i], NULL);
      g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);
      g_setenv (vars[i], path, TRUE);
    }
}

void
hangar_test_use_file_keyring (const char *path)
{
  g_autofree char *in_home = NULL;

  if (path == NULL)
    path = in_home = g_build_filename (g_getenv ("HOME"), "test.keyring", NULL);
  g_setenv ("SECRET_BACKEND", "file", TRUE);
  g_setenv ("SECRET_FILE_TEST_PATH", path, TRUE);
  g_setenv ("SECRET_FILE_TEST_PASSWORD", "test", TRUE);
}

HangarTestSandbox *
hangar_test_sandbox_startv (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *line = NULL;
  HangarTestSandbox *sandbox;
  const char *bin = g_getenv ("HANGAR_SANDBOX");
  JsonNode *root;

  if (bin == NULL)
    bin = BUILDDIR "/src/sandbox/hangar-sandbox";

  g_ptr_array_add (argv, (char *) bin);
  g_ptr_array_add (argv, (char *) "--port");
  g_ptr_array_add (argv, (char *) "0");
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  sandbox = g_new0 (HangarTestSandbox, 1);
  sandbox->process = g_subprocess_newv ((const char * const *) argv->pdata,
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);

  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    if (g_str_equal (args[i], "--state-dir") && args[i + 1] != NULL)
      sandbox->state_dir = g_strdup (args[i + 1]);

  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (sandbox->process));
  line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);
  g_assert_no_error (error);
  if (line == NULL)
    g_error ("hangar-sandbox exited before printing its JSON line");

  json_parser_load_from_data (parser, line, -1, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  sandbox->info = json_object_ref (json_node_get_object (root));
  sandbox->url = g_strdup (json_object_get_string_member (sandbox->info, "url"));
  sandbox->pat = g_strdup (json_object_get_string_member (sandbox->info, "pat"));
  sandbox->client_id = g_strdup (json_object_get_string_member (sandbox->info, "client_id"));
  sandbox->redirect_uri = g_strdup (json_object_get_string_member (sandbox->info, "redirect_uri"));
  g_assert_nonnull (sandbox->url);
  g_assert_true (g_str_has_prefix (sandbox->url, "http://127.0.0.1:"));
  g_assert_nonnull (sandbox->pat);

  return sandbox;
}

HangarTestSandbox *
hangar_test_sandbox_start (const char *first_arg,
                           ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  return hangar_test_sandbox_startv ((const char * const *) args->pdata);
}

void
hangar_test_sandbox_stop (HangarTestSandbox *sandbox)
{
  if (sandbox == NULL)
    return;

  if (sandbox->process != NULL)
    {
      g_subprocess_send_signal (sandbox->process, SIGTERM);
      g_subprocess_wait (sandbox->process, NULL, NULL);
      g_clear_object (&sandbox->process);
    }
  g_clear_pointer (&sandbox->info, json_object_unref);
  g_free (sandbox->url);
  g_free (sandbox->pat);
  g_free (sandbox->client_id);
  g_free (sandbox->redirect_uri);
  g_free (sandbox->state_dir);
  g_free (sandbox);
}

JsonNode *
hangar_test_sandbox_request (HangarTestSandbox *sandbox,
                             const char        *method,
                             const char        *path_and_query,
                             const char        *bearer,
                             const char        *json_body,
                             guint             *out_status)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *uri = g_strconcat (sandbox->url, path_and_query, NULL);
  gsize len = 0;
  const char *data;

  msg = soup_message_new (method, uri);
  g_assert_nonnull (msg);
  if (bearer != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", bearer, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  if (json_body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (json_body, strlen (json_body));
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  body = soup_session_send_and_read (session, msg, NULL, &error);
  /* Which request: a failure here is the sandbox not answering. */
  if (error != NULL)
    g_error ("%s %s to the sandbox: %s", method, path_and_query, error->message);
  if (out_status != NULL)
    *out_status = soup_message_get_status (msg);

  data = g_bytes_get_data (body, &len);
  if (len == 0)
    return NULL;
  if (!json_parser_load_from_data (parser, data, len, &error))
    return NULL;
  return json_node_copy (json_parser_get_root (parser));
}

gint64
hangar_test_sandbox_stat (HangarTestSandbox *sandbox,
                          const char        *name)
{
  g_autoptr(JsonNode) node = NULL;
  g_auto(GStrv) parts = NULL;
  JsonObject *obj;
  guint status = 0;

  node = hangar_test_sandbox_request (sandbox, "GET", "/__sandbox/stats", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (node);
  obj = json_node_get_object (node);
  parts = g_strsplit (name, ".", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      JsonNode *member = json_object_get_member (obj, parts[i]);

      if (member == NULL)
        return 0;
      if (parts[i + 1] == NULL)
        return json_node_get_int (member);
      obj = json_node_get_object (member);
    }
  return 0;
}

GBytes *
hangar_test_sandbox_raw_request (HangarTestSandbox  *sandbox,
                                 const char         *method,
                                 const char         *path_and_query,
                                 const char         *bearer,
                                 const char * const *headers,
                                 const char         *body,
                                 gsize               body_len,
                                 const char         *content_type,
                                 guint              *out_status)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *text = g_strconcat (sandbox->url, path_and_query, NULL);
  GBytes *result;

  uri = g_uri_parse (text, SOUP_HTTP_URI_FLAGS, &error);
  g_assert_no_error (error);
  msg = soup_message_new_from_uri (method, uri);
  g_assert_nonnull (msg);
  if (bearer != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", bearer, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  for (guint i = 0; headers != NULL && headers[i] != NULL && headers[i + 1] != NULL; i += 2)
    soup_message_headers_replace (soup_message_get_request_headers (msg), headers[i], headers[i + 1]);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, body_len);
      soup_message_set_request_body_from_bytes (msg, content_type, bytes);
    }

  result = soup_session_send_and_read (session, msg, NULL, &error);
  if (result == NULL)
    {
      if (out_status != NULL)
        *out_status = 0;
      return g_bytes_new (NULL, 0);
    }
  if (out_status != NULL)
    *out_status = soup_message_get_status (msg);
  return result;
}

char *
hangar_test_sandbox_base_id (HangarTestSandbox *sandbox,
                             const char        *bearer,
                             const char        *name)
{
  g_autoptr(JsonNode) node = NULL;
  guint status = 0;
  JsonArray *bases;

  node = hangar_test_sandbox_request (sandbox, "GET", "/v0/meta/bases", bearer, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  bases = json_object_get_array_member (json_node_get_object (node), "bases");
  for (guint i = 0; i < json_array_get_length (bases); i++)
    {
      JsonObject *base = json_array_get_object_element (bases, i);

      if (g_strcmp0 (json_object_get_string_member (base, "name"), name) == 0)
        return g_strdup (json_object_get_string_member (base, "id"));
    }
  return NULL;
}

const char *
hangar_test_sandbox_user (HangarTestSandbox *sandbox,
                          guint              index,
                          const char        *member)
{
  JsonArray *users = json_object_get_array_member (sandbox->info, "users");

  g_assert_nonnull (users);
  g_assert_cmpuint (index, <, json_array_get_length (users));
  return json_object_get_string_member (json_array_get_object_element (users, index), member);
}

JsonNode *
hangar_test_sandbox_control_json (HangarTestSandbox *sandbox,
                                  const char        *path,
                                  const char        *json_body)
{
  JsonNode *reply;
  guint status = 0;

  reply = hangar_test_sandbox_request (sandbox, "POST", path, NULL, json_body, &status);
  if (status != 200)
    {
      g_autofree char *text = reply != NULL ? json_to_string (reply, FALSE) : g_strdup ("(no JSON body)");

      g_error ("POST %s answered %u: %s", path, status, text);
    }
  return reply;
}

void
hangar_test_sandbox_control (HangarTestSandbox *sandbox,
                             const char        *path,
                             const char        *json_body)
{
  g_autoptr(JsonNode) reply = hangar_test_sandbox_control_json (sandbox, path, json_body);
}

JsonNode *
hangar_test_sandbox_get (HangarTestSandbox *sandbox,
                         const char        *path_and_query)
{
  guint status = 0;
  JsonNode *node = hangar_test_sandbox_request (sandbox, "GET", path_and_query, sandbox->pat, NULL, &status);

  if (status != 200 || node == NULL)
    g_error ("GET %s answered %u%s", path_and_query, status, node == NULL ? " without a JSON body" : "");
  return node;
}

GPtrArray *
hangar_test_sandbox_list_ids (HangarTestSandbox *sandbox,
                              const char        *base_id,
                              const char        *table,
                              const char        *query)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *table_part = g_uri_escape_string (table, NULL, TRUE);
  g_autofree char *offset = NULL;

  do
    {
      g_autofree char *path = NULL;
      g_autoptr(JsonNode) node = NULL;
      JsonObject *object;
      JsonArray *records;

      path = g_strdup_printf ("/v0/%s/%s?%s%s%s", base_id, table_part,
                              query != NULL ? query : "",
                              offset != NULL ? "&offset=" : "", offset != NULL ? offset : "");
      node = hangar_test_sandbox_get (sandbox, path);
      object = json_node_get_object (node);
      records = json_object_get_array_member (object, "records");
      for (guint i = 0; i < json_array_get_length (records); i++)
        g_ptr_array_add (ids, g_strdup (json_object_get_string_member (json_array_get_object_element (records, i), "id")));
      g_clear_pointer (&offset, g_free);
      if (json_object_has_member (object, "offset"))
        offset = g_uri_escape_string (json_object_get_string_member (object, "offset"), NULL, TRUE);
    }
  while (offset != NULL);

  return ids;
}

/* --- the consent page ----------------------------------------------------- */

HangarTestHttp *
hangar_test_http (const char *method,
                  const char *url,
                  const char *form)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  HangarTestHttp *r = g_new0 (HangarTestHttp, 1);
  const char *location;

  g_assert_nonnull (msg);
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  if (form != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (form, strlen (form));
      soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", bytes);
    }
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  r->status = soup_message_get_status (msg);
  location = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Location");
  r->location = g_strdup (location);
  r->body = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  return r;
}

void
hangar_test_http_free (HangarTestHttp *response)
{
  if (response == NULL)
    return;
  g_free (response->location);
  g_free (response->body);
  g_free (response);
}

/* Every value="…" that follows @marker in @html. */
static GPtrArray *
html_values (const char *html,
             const char *marker)
{
  GPtrArray *values = g_ptr_array_new_with_free_func (g_free);
  const char *p = html;

  while ((p = strstr (p, marker)) != NULL)
    {
      const char *v = strstr (p, "value=\"");
      const char *end;

      if (v == NULL)
        break;
      v += strlen ("value=\"");
      end = strchr (v, '"');
      g_assert_nonnull (end);
      g_ptr_array_add (values, g_strndup (v, end - v));
      p = end;
    }
  return values;
}

char *
hangar_test_sandbox_consent (HangarTestSandbox *sandbox,
                             const char        *authorize_url,
                             const char        *user_id,
                             gboolean           cancel)
{
  g_autoptr(HangarTestHttp) page = hangar_test_http ("GET", authorize_url, NULL);
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GPtrArray) bases = NULL;
  g_autofree char *decision = g_strconcat (sandbox->url, "/oauth2/v1/authorize/decision", NULL);
  g_autoptr(HangarTestHttp) answer = NULL;
  g_autoptr(GString) form = g_string_new (NULL);

  if (page->status == 302)
    return g_strdup (page->location);  /* --auto-approve */
  g_assert_cmpuint (page->status, ==, 200);
  tokens = html_values (page->body, "name=\"form_token\"");
  g_assert_cmpuint (tokens->len, ==, 1);

  if (user_id != NULL)
    {
      g_autofree char *f = g_strdup_printf ("form_token=%s&user=%s&action=switch",
                                            (char *) tokens->pdata[0], user_id);
      g_autoptr(HangarTestHttp) switched = hangar_test_http ("POST", decision, f);

      g_assert_cmpuint (switched->status, ==, 200);
      g_ptr_array_unref (tokens);
      tokens = html_values (switched->body, "name=\"form_token\"");
      g_assert_cmpuint (tokens->len, ==, 1);
      g_free (page->body);
      page->body = g_strdup (switched->body);
    }

  g_string_append_printf (form, "form_token=%s", (char *) tokens->pdata[0]);
  if (cancel)
    g_string_append (form, "&action=cancel");
  else
    {
      bases = html_values (page->body, "name=\"base\"");
      g_assert_cmpuint (bases->len, >, 0);
      for (guint i = 0; i < bases->len; i++)
        g_string_append_printf (form, "&base=%s", (char *) bases->pdata[i]);
      g_string_append (form, "&action=grant");
    }
  answer = hangar_test_http ("POST", decision, form->str);
  g_assert_cmpuint (answer->status, ==, 302);
  g_assert_nonnull (answer->location);
  return g_strdup (answer->location);
}
