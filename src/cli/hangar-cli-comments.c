/* hangar-cli-comments.c — comments list|add|edit|delete
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hangar-cli.h"

static void
set_time (JsonObject *object,
          const char *member,
          GDateTime  *time)
{
  g_autofree char *text = NULL;
  g_autofree char *full = NULL;

  if (time == NULL)
    return;
  text = g_date_time_format (time, "%Y-%m-%dT%H:%M:%S");
  full = g_strdup_printf ("%s.%03dZ", text, g_date_time_get_microsecond (time) / 1000);
  json_object_set_string_member (object, member, full);
}

/* The comment as Airtable gives it, plus "displayText" with mentions shown
 * as names. */
static JsonNode *
comment_to_output (HangarComment *comment)
{
  g_autoptr(JsonObject) object = json_object_new ();
  JsonObject *author = json_object_new ();
  g_autofree char *display = hangar_comment_dup_display_text (comment);

  json_object_set_string_member (object, "id", hangar_comment_get_id (comment));
  json_object_set_string_member (author, "id", hangar_comment_get_author_id (comment));
  if (hangar_comment_get_author_email (comment) != NULL)
    json_object_set_string_member (author, "email", hangar_comment_get_author_email (comment));
  if (hangar_comment_get_author_name (comment) != NULL)
    json_object_set_string_member (author, "name", hangar_comment_get_author_name (comment));
  json_object_set_object_member (object, "author", author);
  json_object_set_string_member (object, "text", hangar_comment_get_text (comment));
  json_object_set_string_member (object, "displayText", display);
  set_time (object, "createdTime", hangar_comment_get_created_time (comment));
  set_time (object, "lastUpdatedTime", hangar_comment_get_last_updated_time (comment));
  if (hangar_comment_get_parent_comment_id (comment) != NULL)
    json_object_set_string_member (object, "parentCommentId", hangar_comment_get_parent_comment_id (comment));
  return json_node_init_object (json_node_alloc (), object);
}

static void
print_comment (HangarComment *comment)
{
  g_autoptr(JsonNode) node = comment_to_output (comment);

  hangar_cli_print_json_line (node);
}

/* The text argument, or stdin for "-" (at most the input limit). */
static char *
read_text (const char  *arg,
           GError     **error)
{
  g_autofree char *text = NULL;
  gsize len = 0;

  if (g_strcmp0 (arg, "-") != 0)
    text = g_strdup (arg);
  else
    {
      text = hangar_cli_read_stdin (HANGAR_CLI_MAX_INPUT_BYTES, &len, error);
      if (text == NULL)
        return NULL;
      /* One newline at the end is the shell's, not the comment's. */
      if (len > 0 && text[len - 1] == '\n')
        text[--len] = '\0';
      if (len > 0 && text[len - 1] == '\r')
        text[--len] = '\0';
      if (strlen (text) != len)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s", "the text contains a NUL byte");
          return NULL;
        }
    }
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s", "the text is not UTF-8");
      return NULL;
    }
  if (text[0] == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s", "the text is empty");
      return NULL;
    }
  return g_steal_pointer (&text);
}

static int
comments_list (HangarCliGlobals  *globals,
               int                argc,
               char             **argv)
{
  int page_size = 0;
  int max = 0;
  GOptionEntry entries[] = {
    { "page-size", 0, 0, G_OPTION_ARG_INT, &page_size, "Comments per request (1-100)", "N" },
    { "max", 0, 0, G_OPTION_ARG_INT, &max, "At most N comments", "N" },
    { NULL }
  };
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(GHashTable) offsets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *offset = NULL;
  guint printed = 0;

  if (!hangar_cli_parse_options (entries, "BASE TABLE RECORD — print a record's comments, newest first, as JSON lines",
                                 &argc, &argv))
    return HANGAR_CLI_EXIT_USAGE;
  if (argc != 4)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "usage: comments list BASE TABLE RECORD [--page-size N] [--max N]");
  if (!hangar_cli_check_ids ("base", argv[1], "table", argv[2], "record", argv[3], NULL))
    return HANGAR_CLI_EXIT_USAGE;
  if (page_size < 0 || page_size > 100)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "--page-size must be 1 to 100");
  if (max < 0)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "--max must be positive");

  if (!(client = hangar_cli_open_client (globals, &error)))
    return hangar_cli_report_error (error);

  for (;;)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GPtrArray) page = NULL;
      g_autofree char *next = NULL;

      hangar_client_list_comments_page_async (client, argv[1], argv[2], argv[3], page_size, offset, NULL,
                                              hangar_cli_wait_callback, &result);
      page = hangar_client_list_comments_page_finish (client, hangar_cli_wait (&result), &next, &error);
      if (page == NULL)
        return hangar_cli_report_error (error);
      for (guint i = 0; i < page->len; i++)
        {
          print_comment (g_ptr_array_index (page, i));
          if (max > 0 && ++printed >= (guint) max)
            return HANGAR_CLI_EXIT_OK;
        }
      fflush (stdout);
      if (next == NULL)
        break;
      /* A server that hands out an offset again would page forever. */
      if (!g_hash_table_add (offsets, g_strdup (next)))
        return hangar_cli_fail (HANGAR_CLI_EXIT_ERROR,
                                "the server returned a comment offset it had returned before; stopped");
      g_free (offset);
      offset = g_steal_pointer (&next);
    }
  return HANGAR_CLI_EXIT_OK;
}

static int
comments_add (HangarCliGlobals  *globals,
              int                argc,
              char             **argv)
{
  g_autofree char *parent = NULL;
  GOptionEntry entries[] = {
    { "parent", 0, 0, G_OPTION_ARG_STRING, &parent, "Answer this comment", "COMMENT" },
    { NULL }
  };
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(HangarComment) comment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (!hangar_cli_parse_options (entries, "BASE TABLE RECORD TEXT — add a comment (TEXT - reads stdin; "
                                 "mention people as @[usr…])", &argc, &argv))
    return HANGAR_CLI_EXIT_USAGE;
  if (argc != 5)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "usage: comments add BASE TABLE RECORD TEXT [--parent COMMENT]");
  if (!hangar_cli_check_ids ("base", argv[1], "table", argv[2], "record", argv[3], NULL) ||
      (parent != NULL && !hangar_cli_check_ids ("comment", parent, NULL)))
    return HANGAR_CLI_EXIT_USAGE;
  if (!(text = read_text (argv[4], &error)))
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "%s; nothing was sent", error->message);

  if (!(client = hangar_cli_open_client (globals, &error)))
    return hangar_cli_report_error (error);

  hangar_client_create_comment_async (client, argv[1], argv[2], argv[3], text, parent, NULL,
                                      hangar_cli_wait_callback, &result);
  comment = hangar_client_create_comment_finish (client, hangar_cli_wait (&result), &error);
  if (comment == NULL)
    return hangar_cli_report_error (error);
  print_comment (comment);
  return HANGAR_CLI_EXIT_OK;
}

static int
comments_edit (HangarCliGlobals  *globals,
               int                argc,
               char             **argv)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(HangarComment) comment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (!hangar_cli_parse_options (entries, "BASE TABLE RECORD COMMENT TEXT — change your comment (TEXT - reads stdin)",
                                 &argc, &argv))
    return HANGAR_CLI_EXIT_USAGE;
  if (argc != 6)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "usage: comments edit BASE TABLE RECORD COMMENT TEXT");
  if (!hangar_cli_check_ids ("base", argv[1], "table", argv[2], "record", argv[3], "comment", argv[4], NULL))
    return HANGAR_CLI_EXIT_USAGE;
  if (!(text = read_text (argv[5], &error)))
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "%s; nothing was sent", error->message);

  if (!(client = hangar_cli_open_client (globals, &error)))
    return hangar_cli_report_error (error);

  hangar_client_update_comment_async (client, argv[1], argv[2], argv[3], argv[4], text, NULL,
                                      hangar_cli_wait_callback, &result);
  comment = hangar_client_update_comment_finish (client, hangar_cli_wait (&result), &error);
  if (comment == NULL)
    return hangar_cli_report_error (error);
  print_comment (comment);
  return HANGAR_CLI_EXIT_OK;
}

static int
comments_delete (HangarCliGlobals  *globals,
                 int                argc,
                 char             **argv)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonNode) node = NULL;

  if (!hangar_cli_parse_options (entries, "BASE TABLE RECORD COMMENT — delete your comment", &argc, &argv))
    return HANGAR_CLI_EXIT_USAGE;
  if (argc != 5)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "usage: comments delete BASE TABLE RECORD COMMENT");
  if (!hangar_cli_check_ids ("base", argv[1], "table", argv[2], "record", argv[3], "comment", argv[4], NULL))
    return HANGAR_CLI_EXIT_USAGE;

  if (!(client = hangar_cli_open_client (globals, &error)))
    return hangar_cli_report_error (error);

  hangar_client_delete_comment_async (client, argv[1], argv[2], argv[3], argv[4], NULL,
                                      hangar_cli_wait_callback, &result);
  if (!hangar_client_delete_comment_finish (client, hangar_cli_wait (&result), &error))
    return hangar_cli_report_error (error);

  object = json_object_new ();
  json_object_set_string_member (object, "id", argv[4]);
  json_object_set_boolean_member (object, "deleted", TRUE);
  node = json_node_init_object (json_node_alloc (), object);
  hangar_cli_print_json_line (node);
  return HANGAR_CLI_EXIT_OK;
}

int
hangar_cli_comments_run (HangarCliGlobals  *globals,
                         int                argc,
                         char             **argv)
{
  const char *sub;

  if (argc < 2)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "usage: comments list|add|edit|delete BASE TABLE RECORD …");

  sub = argv[1];
  if (g_str_equal (sub, "--help") || g_str_equal (sub, "-h"))
    {
      hangar_cli_print_line ("Usage: hangar-cli comments list|add|edit|delete BASE TABLE RECORD …\n"
                             "       hangar-cli help comments SUBCOMMAND   (its options)");
      return HANGAR_CLI_EXIT_OK;
    }
  argc--;
  argv++;
  /* "hangar-cli comments list --help" names itself so. */
  {
    static const char * const names[] = { "comments list", "comments add", "comments edit", "comments delete" };
    static const char * const subs[] = { "list", "add", "edit", "delete" };

    for (guint i = 0; i < G_N_ELEMENTS (subs); i++)
      if (g_str_equal (sub, subs[i]))
        argv[0] = (char *) names[i];
  }

  if (g_str_equal (sub, "list"))
    return comments_list (globals, argc, argv);
  if (g_str_equal (sub, "add"))
    return comments_add (globals, argc, argv);
  if (g_str_equal (sub, "edit"))
    return comments_edit (globals, argc, argv);
  if (g_str_equal (sub, "delete"))
    return comments_delete (globals, argc, argv);

  return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "unknown comments command “%s”", sub);
}
