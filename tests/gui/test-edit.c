/* test-edit.c — editing in the record grid with a real keyboard and mouse
 * (xdotool through Xvfb), against a real hangar-sandbox, through a real
 * journal; every test checks the sandbox's records through the API after
 *
 * One window and one grid for the whole file (tests run in order, each on
 * records of its own), to keep the GUI suite quick.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "hangar-cell-editor.h"
#include "hangar-client.h"
#include "hangar-journal.h"
#include "hangar-record-detail.h"
#include "hangar-record-grid-private.h"
#include "hangar-test-gui.h"
#include "hangar-test-input.h"

static struct
{
  HangarTestSandbox *sandbox;
  HangarClient      *client;
  HangarStore       *store;
  HangarJournal     *journal;
  char              *roadmap;     /* base ids */
  char              *content;
  GPtrArray         *roadmap_tables;
  GPtrArray         *content_tables;
  GtkWindow         *window;
  HangarRecordGrid  *grid;
  const char        *base_id;     /* what is shown */
  HangarTable       *table;
} F;

/* ---- helpers ---- */

static GPtrArray *
load_tables (const char *base_id)
{
  g_autofree char *path = g_strdup_printf ("/v0/meta/bases/%s/tables", base_id);
  g_autoptr(JsonNode) node = hangar_test_sandbox_get (F.sandbox, path);
  g_autoptr(GError) error = NULL;
  GPtrArray *tables = hangar_table_list_from_json (node, &error);

  g_assert_no_error (error);
  return tables;
}

static gboolean
grid_idle (gpointer data)
{
  return !hangar_record_grid_get_loading (F.grid);
}

static void
show (const char *base_id,
      const char *table_name)
{
  GPtrArray *tables = g_strcmp0 (base_id, F.roadmap) == 0 ? F.roadmap_tables : F.content_tables;

  F.base_id = base_id;
  F.table = hangar_table_list_lookup (tables, table_name);
  g_assert_nonnull (F.table);
  hangar_record_grid_show_table_with_client (F.grid, F.client, base_id, F.table);
  hangar_record_grid_set_journal (F.grid, F.journal);
  hangar_test_wait_until (grid_idle, NULL, "the records to load");
  hangar_test_gui_wait_for_frame (GTK_WIDGET (F.grid));
  g_assert_null (hangar_record_grid_get_read_only_reason (F.grid));
}

static gboolean
journal_idle (gpointer data)
{
  return hangar_journal_count_unsent (F.journal) == 0;
}

/* Until every edit made is on Airtable (or refused). */
static void
wait_sent (void)
{
  hangar_test_wait_until (journal_idle, NULL, "the journal to send every edit");
}

static HangarRecord *
row_record (guint row)
{
  return g_list_model_get_item (G_LIST_MODEL (hangar_record_grid_get_model (F.grid)), row);
}

static JsonObject *
server_fields (const char *record_id)
{
  g_autofree char *path = g_strdup_printf ("/v0/%s/%s/%s", F.base_id, hangar_table_get_id (F.table), record_id);
  g_autoptr(JsonNode) node = hangar_test_sandbox_get (F.sandbox, path);

  return json_object_ref (json_object_get_object_member (json_node_get_object (node), "fields"));
}

static gboolean
server_has (const char *record_id)
{
  g_autofree char *path = g_strdup_printf ("/v0/%s/%s/%s", F.base_id, hangar_table_get_id (F.table), record_id);
  g_autoptr(JsonNode) node = NULL;
  guint status = 0;

  node = hangar_test_sandbox_request (F.sandbox, "GET", path, F.sandbox->pat, NULL, &status);
  return status == 200;
}

/* How many records of the shown table have @field = @text. */
static guint
server_count (const char *field,
              const char *text)
{
  g_autofree char *formula = g_strdup_printf ("{%s}='%s'", field, text);
  g_autofree char *escaped = g_uri_escape_string (formula, NULL, TRUE);
  g_autofree char *query = g_strdup_printf ("filterByFormula=%s", escaped);
  g_autoptr(GPtrArray) ids = hangar_test_sandbox_list_ids (F.sandbox, F.base_id, hangar_table_get_id (F.table), query);

  return ids->len;
}

typedef struct
{
  const char *record_id;
  const char *field;
  char       *expected;   /* the value as compact JSON; NULL: absent */
  gint64      last_check;
} ServerWait;

static gboolean
server_shows (gpointer data)
{
  ServerWait *wait = data;
  g_autoptr(JsonObject) fields = NULL;
  JsonNode *value;
  g_autofree char *text = NULL;

  /* A request per check: not more than ten a second. */
  if (g_get_monotonic_time () - wait->last_check < 100000)
    return FALSE;
  wait->last_check = g_get_monotonic_time ();
  fields = server_fields (wait->record_id);
  value = json_object_get_member (fields, wait->field);
  if (value == NULL)
    return wait->expected == NULL;
  text = json_to_string (value, FALSE);
  return g_strcmp0 (text, wait->expected) == 0;
}

/* Until Airtable has @expected_json (NULL: nothing) in @field of the
 * record: what the user did went all the way. */
static void
wait_server (const char *record_id,
             const char *field,
             const char *expected_json)
{
  ServerWait wait = { record_id, field, g_strdup (expected_json), 0 };
  g_autofree char *what = g_strdup_printf ("Airtable to have %s in %s", expected_json ? expected_json : "nothing", field);

  hangar_test_wait_until (server_shows, &wait, what);
  g_free (wait.expected);
}

static GtkWidget *
cell (guint       row,
      const char *field)
{
  GtkWidget *widget = hangar_record_grid_get_cell_widget (F.grid, row, field);

  if (widget == NULL)
    g_error ("The cell of row %u, %s is not on screen", row, field);
  return widget;
}

typedef struct
{
  guint       row;
  const char *field;
} Place;

static gboolean
cursor_at (gpointer data)
{
  Place *place = data;

  return hangar_record_grid_get_cursor_field (F.grid) != NULL &&
         hangar_record_grid_get_cursor_row (F.grid) == place->row &&
         g_str_equal (hangar_field_get_name (hangar_record_grid_get_cursor_field (F.grid)), place->field);
}

/* A real click on the row's first cell, then Right (real keys) until the
 * cursor is on @field: columns off screen scroll into view as it goes. */
static void
put_cursor (guint       row,
            const char *field)
{
  g_autoptr(GPtrArray) fields = _hangar_record_grid_visible_fields (F.grid);
  Place first = { row, hangar_field_get_name (g_ptr_array_index (fields, 0)) };
  Place wanted = { row, field };

  /* Elsewhere first, so that the click is seen to move it. */
  hangar_record_grid_set_cursor (F.grid, row + 1, first.field);
  hangar_test_input_click (cell (row, first.field), 1, 1, NULL);
  hangar_test_wait_until (cursor_at, &first, "the cursor to move to the clicked cell");
  for (guint i = 1; i < fields->len && !cursor_at (&wanted); i++)
    {
      Place next = { row, hangar_field_get_name (g_ptr_array_index (fields, i)) };

      hangar_test_input_keys (GTK_WIDGET (F.grid), "Right");
      hangar_test_wait_until (cursor_at, &next, "Right to move the cursor");
    }
  g_assert_true (cursor_at (&wanted));
}

static gboolean
editor_open (gpointer data)
{
  HangarCellEditor *editor = hangar_record_grid_get_editor (F.grid);
  GtkWidget *wanted;
  GtkRoot *root;
  GtkWidget *focus;

  if (editor == NULL || !gtk_widget_get_mapped (GTK_WIDGET (editor)))
    return FALSE;
  wanted = hangar_cell_editor_get_focus_widget (editor);
  root = gtk_widget_get_root (GTK_WIDGET (editor));
  focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  /* (an entry's keyboard focus is on the text inside it) */
  return wanted != NULL && focus != NULL && (focus == wanted || gtk_widget_is_ancestor (focus, wanted));
}

static gboolean
editor_closed (gpointer data)
{
  return hangar_record_grid_get_editor (F.grid) == NULL;
}

static void
wait_editor (void)
{
  hangar_test_wait_until (editor_open, NULL, "the cell editor to open with the keyboard");
}

static GtkWidget *
editor_widget (void)
{
  return GTK_WIDGET (hangar_record_grid_get_editor (F.grid));
}

/* Keys to the grid (where the cursor is). */
static void
keys (const char *names)
{
  hangar_test_input_keys (GTK_WIDGET (F.grid), names);
}

static const char *
string_of (JsonObject *fields,
           const char *name)
{
  return json_object_get_string_member_with_default (fields, name, NULL);
}

/* ---- tests ---- */

/* Typing starts editing with the character; Enter commits and moves down;
 * Escape cancels. */
static void
test_text (void)
{
  g_autoptr(HangarRecord) first = NULL;
  g_autoptr(HangarRecord) second = NULL;
  g_autoptr(JsonObject) fields = NULL;

  show (F.roadmap, "Tasks");
  first = row_record (0);
  second = row_record (1);
  put_cursor (0, "Title");
  hangar_test_input_type (GTK_WIDGET (F.grid), "R");
  wait_editor ();
  hangar_test_input_type (editor_widget (), "enamed by keys");
  keys ("Return");
  hangar_test_wait_until (editor_closed, NULL, "Enter to commit");
  g_assert_cmpuint (hangar_record_grid_get_cursor_row (F.grid), ==, 1);
  wait_sent ();
  fields = server_fields (hangar_record_get_id (first));
  g_assert_cmpstr (string_of (fields, "Title"), ==, "Renamed by keys");
  /* The grid shows Airtable's answer. */
  hangar_test_gui_wait_for_text (GTK_WIDGET (F.grid), "Renamed by keys");

  /* F2 opens with the value; Escape leaves it as it was. */
  keys ("F2");
  wait_editor ();
  hangar_test_input_type (editor_widget (), " never saved");
  keys ("Escape");
  hangar_test_wait_until (editor_closed, NULL, "Escape to cancel");
  wait_sent ();
  g_clear_pointer (&fields, json_object_unref);
  fields = server_fields (hangar_record_get_id (second));
  g_assert_cmpstr (string_of (fields, "Title"), ==,
                   json_node_get_string (hangar_record_get_field (second, "Title")));
}

/* Numbers in the locale with the field's precision; a value that is not a
 * number is refused in the editor, which stays open. */
static void
test_numbers (void)
{
  g_autoptr(HangarRecord) task = NULL;
  g_autoptr(JsonObject) fields = NULL;

  show (F.roadmap, "Tasks");
  task = row_record (2);
  put_cursor (2, "Points");
  hangar_test_input_type (GTK_WIDGET (F.grid), "4x");
  wait_editor ();
  keys ("Return");
  hangar_test_wait_until ((HangarTestCondition) hangar_cell_editor_get_error, hangar_record_grid_get_editor (F.grid),
                          "the editor to refuse “4x”");
  g_assert_nonnull (strstr (hangar_cell_editor_get_error (hangar_record_grid_get_editor (F.grid)), "not a number"));
  keys ("BackSpace Return");
  hangar_test_wait_until (editor_closed, NULL, "Enter to commit 4");

  /* Duration h:mm, Tab moves right. */
  put_cursor (2, "Estimate");
  hangar_test_input_type (GTK_WIDGET (F.grid), "1:30");
  wait_editor ();
  keys ("Tab");
  hangar_test_wait_until (editor_closed, NULL, "Tab to commit");
  g_assert_cmpstr (hangar_field_get_name (hangar_record_grid_get_cursor_field (F.grid)), !=, "Estimate");
  wait_sent ();
  fields = server_fields (hangar_record_get_id (task));
  g_assert_cmpint (json_object_get_int_member (fields, "Points"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (fields, "Estimate"), ==, 5400);

  /* Currency and percent (Projects). */
  show (F.roadmap, "Projects");
  {
    g_autoptr(HangarRecord) project = row_record (0);
    g_autoptr(JsonObject) pfields = NULL;

    put_cursor (0, "Budget");
    hangar_test_input_type (GTK_WIDGET (F.grid), "$1234.567");
    wait_editor ();
    keys ("Return");
    hangar_test_wait_until (editor_closed, NULL, "Enter to commit the budget");
    put_cursor (0, "Progress");
    hangar_test_input_type (GTK_WIDGET (F.grid), "45");
    wait_editor ();
    keys ("Return");
    hangar_test_wait_until (editor_closed, NULL, "Enter to commit the progress");
    wait_sent ();
    pfields = server_fields (hangar_record_get_id (project));
    /* Two decimals for this currency field. */
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (pfields, "Budget"), 1234.57, 1e-9);
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (pfields, "Progress"), 0.45, 1e-9);
  }
}

/* Space toggles a checkbox, and a click on the cursor's checkbox cell. */
static void
test_checkbox (void)
{
  g_autoptr(HangarRecord) task = NULL;
  gboolean before;

  show (F.roadmap, "Tasks");
  task = row_record (3);
  before = hangar_record_get_field (task, "Done") != NULL;
  put_cursor (3, "Done");
  keys ("space");
  wait_server (hangar_record_get_id (task), "Done", before ? NULL : "true");

  /* A second click on the cell it is on: back. */
  hangar_test_input_click (cell (3, "Done"), 1, 1, NULL);
  wait_server (hangar_record_get_id (task), "Done", before ? "true" : NULL);
}

/* A computed field offers no editor and says why. */
static void
test_computed (void)
{
  show (F.roadmap, "Tasks");
  put_cursor (0, "ID");
  keys ("Return");
  hangar_test_wait_until ((HangarTestCondition) hangar_record_grid_get_edit_message, F.grid,
                          "the grid to say why");
  g_assert_null (hangar_record_grid_get_editor (F.grid));
  g_assert_nonnull (strstr (hangar_record_grid_get_edit_message (F.grid), "cannot be edited"));
  g_assert_nonnull (strstr (hangar_record_grid_get_edit_message (F.grid), "ID"));
}

/* Long text: Shift+Enter starts a new line, Enter commits. */
static void
test_long_text (void)
{
  g_autoptr(HangarRecord) project = NULL;

  show (F.roadmap, "Projects");
  project = row_record (0);
  put_cursor (0, "Notes");
  hangar_test_input_type (GTK_WIDGET (F.grid), "L");
  wait_editor ();
  hangar_test_input_type (editor_widget (), "ine one");
  keys ("shift+Return");
  hangar_test_input_type (editor_widget (), "Line two");
  keys ("Return");
  hangar_test_wait_until (editor_closed, NULL, "Enter to commit the notes");
  wait_server (hangar_record_get_id (project), "Notes", "\"Line one\\nLine two\"");
}

/* A rating: the digit typed, or the stars. */
static void
test_rating (void)
{
  g_autoptr(HangarRecord) project = NULL;

  show (F.roadmap, "Projects");
  project = row_record (1);
  put_cursor (1, "Priority");
  keys ("Return");
  wait_editor ();
  keys ("4 Return");
  wait_server (hangar_record_get_id (project), "Priority", "4");
  /* Enter moved the cursor down; back up, where a digit starts the edit
   * with it. */
  keys ("Up");
  keys ("2");
  wait_editor ();
  keys ("Return");
  wait_server (hangar_record_get_id (project), "Priority", "2");
}

static GtkWidget *
find_button_labelled (GtkWidget  *root,
                      const char *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && gtk_widget_get_mapped (child) &&
          ((gtk_button_get_label (GTK_BUTTON (child)) != NULL &&
            g_str_equal (gtk_button_get_label (GTK_BUTTON (child)), label)) ||
           g_strcmp0 (gtk_widget_get_tooltip_text (child), label) == 0))
        return child;
      found = find_button_labelled (child, label);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
add_option_shown (gpointer data)
{
  GtkWidget **out = data;

  *out = editor_widget () != NULL ? find_button_labelled (editor_widget (), "_Add Option") : NULL;
  return *out != NULL;
}

/* Selects: an option by name; a new option only after the confirmation,
 * then sent with typecast (Airtable adds it); several options. */
static void
test_selects (void)
{
  g_autoptr(HangarRecord) first = NULL;
  g_autoptr(HangarRecord) second = NULL;
  g_autoptr(HangarRecord) task = NULL;
  g_autoptr(JsonObject) fields = NULL;
  g_autoptr(JsonNode) schema = NULL;
  g_autofree char *schema_path = NULL;
  g_autofree char *expected = NULL;
  GtkWidget *add;

  show (F.roadmap, "Projects");
  first = row_record (1);
  second = row_record (2);
  put_cursor (1, "Status");
  hangar_test_input_type (GTK_WIDGET (F.grid), "Blocked");
  wait_editor ();
  keys ("Return");
  wait_server (hangar_record_get_id (first), "Status", "\"Blocked\"");

  put_cursor (2, "Status");
  hangar_test_input_type (GTK_WIDGET (F.grid), "Brand new status");
  wait_editor ();
  keys ("Return");
  /* Not yet: the question first. */
  hangar_test_wait_until (add_option_shown, &add, "the editor to ask before adding an option");
  g_assert_nonnull (hangar_record_grid_get_editor (F.grid));
  hangar_test_input_click (add, 1, 1, NULL);
  wait_server (hangar_record_get_id (second), "Status", "\"Brand new status\"");
  schema_path = g_strdup_printf ("/v0/meta/bases/%s/tables", F.roadmap);
  schema = hangar_test_sandbox_get (F.sandbox, schema_path);
  {
    g_autofree char *text = json_to_string (schema, FALSE);

    g_assert_nonnull (strstr (text, "\"Brand new status\""));
  }

  /* Several: Enter on a name toggles it; Enter with nothing searched commits. */
  show (F.roadmap, "Tasks");
  task = row_record (0);
  put_cursor (0, "Labels");
  keys ("Return");
  wait_editor ();
  hangar_test_input_type (editor_widget (), "chore");
  keys ("Return");
  keys ("Return");
  hangar_test_wait_until (editor_closed, NULL, "Enter to commit the labels");
  wait_sent ();
  fields = server_fields (hangar_record_get_id (task));
  expected = json_to_string (json_object_get_member (fields, "Labels"), FALSE);
  g_assert_nonnull (strstr (expected, "\"chore\""));
}

/* Dates typed in the field's format; a date-time in the field's zone
 * (Europe/Berlin here); Today. */
static void
test_dates (void)
{
  g_autoptr(HangarRecord) task = NULL;
  g_autoptr(HangarRecord) project = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "\"%Y-%m-%d\"");
  GtkWidget *button;

  show (F.roadmap, "Tasks");
  task = row_record (4);
  put_cursor (4, "Due");
  hangar_test_input_type (GTK_WIDGET (F.grid), "2024-03-05");
  wait_editor ();
  keys ("Return");
  wait_server (hangar_record_get_id (task), "Due", "\"2024-03-05\"");

  put_cursor (4, "Due");
  keys ("Return");
  wait_editor ();
  button = find_button_labelled (editor_widget (), "_Today");
  g_assert_nonnull (button);
  hangar_test_input_click (button, 1, 1, NULL);
  hangar_test_input_keys (editor_widget (), "Return");
  wait_server (hangar_record_get_id (task), "Due", today);

  show (F.roadmap, "Projects");
  project = row_record (3);
  put_cursor (3, "Kickoff");
  hangar_test_input_type (GTK_WIDGET (F.grid), "2024-03-05 14:30");
  wait_editor ();
  keys ("Return");
  /* 14:30 in Berlin in March is 13:30 UTC. */
  wait_server (hangar_record_get_id (project), "Kickoff", "\"2024-03-05T13:30:00.000Z\"");
  /* The cell shows it in the field's zone too, as typed, whatever the
   * machine's own zone (the suite runs with TZ unset: UTC). */
  hangar_test_gui_wait_for_text (cell (3, "Kickoff"), "2024-03-05 14:30");
}

/* Email, URL and phone are checked before they are sent. */
static void
test_validated (void)
{
  g_autoptr(HangarRecord) lena = NULL;
  g_autoptr(HangarRecord) marco = NULL;
  g_autoptr(HangarRecord) post = NULL;

  show (F.roadmap, "People");
  lena = row_record (3);
  marco = row_record (2);
  put_cursor (3, "Email");
  hangar_test_input_type (GTK_WIDGET (F.grid), "nope");
  wait_editor ();
  keys ("Return");
  hangar_test_wait_until ((HangarTestCondition) hangar_cell_editor_get_error, hangar_record_grid_get_editor (F.grid),
                          "the editor to refuse “nope”");
  g_assert_nonnull (strstr (hangar_cell_editor_get_error (hangar_record_grid_get_editor (F.grid)), "email"));
  keys ("ctrl+a");
  hangar_test_input_type (editor_widget (), "lena@example.org");
  keys ("Return");
  wait_server (hangar_record_get_id (lena), "Email", "\"lena@example.org\"");

  put_cursor (2, "Phone");
  hangar_test_input_type (GTK_WIDGET (F.grid), "+49 30 1234567");
  wait_editor ();
  keys ("Return");
  wait_server (hangar_record_get_id (marco), "Phone", "\"+49 30 1234567\"");

  show (F.content, "Posts");
  post = row_record (2);
  put_cursor (2, "Link");
  hangar_test_input_type (GTK_WIDGET (F.grid), "example.org/newsletter");
  wait_editor ();
  keys ("Return");
  wait_server (hangar_record_get_id (post), "Link", "\"example.org/newsletter\"");
}

static gboolean
links_known (gpointer data)
{
  return F.grid->links != NULL && hangar_link_cache_get_primary_field (F.grid->links, data) != NULL;
}

static gboolean
editor_shows (gpointer data)
{
  GtkWidget *editor = editor_widget ();

  return editor != NULL && hangar_test_gui_shows_text (editor, data);
}

/* Some text in the grid contains @part. */
static gboolean
grid_shows_part (gpointer part)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

  hangar_test_gui_collect_texts (GTK_WIDGET (F.grid), texts);
  for (guint i = 0; i < texts->len; i++)
    if (strstr (g_ptr_array_index (texts, i), part) != NULL)
      return TRUE;
  return FALSE;
}

/* Linked records: the picker searches the linked table by its primary
 * field; Enter adds the first found; Enter again commits. */
static void
test_links (void)
{
  g_autoptr(HangarRecord) task = NULL;
  g_autoptr(GPtrArray) projects = NULL;
  g_autoptr(JsonObject) fields = NULL;
  g_autofree char *text = NULL;
  HangarTable *projects_table = hangar_table_list_lookup (F.roadmap_tables, "Projects");
  g_autofree char *path = g_strdup_printf ("/v0/%s/%s?filterByFormula=%s", F.roadmap, hangar_table_get_id (projects_table),
                                           "%7BName%7D%3D'Referral%20program'");
  g_autoptr(JsonNode) found = NULL;
  const char *project_id;

  show (F.roadmap, "Tasks");
  hangar_test_wait_until (links_known, (gpointer) hangar_table_get_id (projects_table), "the linked tables' schema");
  found = hangar_test_sandbox_get (F.sandbox, path);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (found), "records")), ==, 1);
  project_id = json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (json_node_get_object (found), "records"), 0), "id");

  task = row_record (5);
  put_cursor (5, "Project");
  keys ("Return");
  wait_editor ();
  hangar_test_input_type (editor_widget (), "Referral");
  hangar_test_wait_until (editor_shows, "Referral program", "the picker to find the project");
  keys ("Return");
  keys ("Return");
  hangar_test_wait_until (editor_closed, NULL, "Enter to commit the links");
  wait_sent ();
  fields = server_fields (hangar_record_get_id (task));
  text = json_to_string (json_object_get_member (fields, "Project"), FALSE);
  g_assert_nonnull (strstr (text, project_id));
  /* Shown by name. */
  hangar_test_wait_until (grid_shows_part, "Referral program", "the link to be shown by name");
}

/* Collaborators by email (the API lists no base collaborators). */
static void
test_collaborators (void)
{
  g_autoptr(HangarRecord) post = NULL;
  g_autoptr(HangarRecord) sam = NULL;
  g_autoptr(JsonObject) fields = NULL;
  g_autofree char *text = NULL;

  show (F.content, "Posts");
  post = row_record (2);
  put_cursor (2, "Reviewers");
  keys ("Return");
  wait_editor ();
  g_assert_true (hangar_test_gui_shows_text (editor_widget (),
                                             "Airtable's API does not list a base's collaborators: add people by their email address."));
  hangar_test_input_type (editor_widget (), "lena@hangar.test");
  keys ("Return");
  keys ("Return");
  hangar_test_wait_until (editor_closed, NULL, "Enter to commit the reviewers");
  wait_sent ();
  fields = server_fields (hangar_record_get_id (post));
  text = json_to_string (json_object_get_member (fields, "Reviewers"), FALSE);
  g_assert_nonnull (strstr (text, "lena@hangar.test"));

  show (F.roadmap, "People");
  sam = row_record (4);
  put_cursor (4, "Account");
  hangar_test_input_type (GTK_WIDGET (F.grid), "sam@hangar.test");
  wait_editor ();
  keys ("Return Return");
  hangar_test_wait_until (editor_closed, NULL, "Enter to commit the account");
  wait_sent ();
  g_clear_pointer (&fields, json_object_unref);
  g_clear_pointer (&text, g_free);
  fields = server_fields (hangar_record_get_id (sam));
  text = json_to_string (json_object_get_member (fields, "Account"), FALSE);
  g_assert_nonnull (strstr (text, "sam@hangar.test"));
}

static gboolean
chooser_open (gpointer data)
{
  GtkWindow **out = data;

  *out = hangar_test_gui_find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG);
  return *out != NULL && gtk_widget_get_mapped (GTK_WIDGET (*out));
}

/* Attachments: a file from the file chooser is uploaded; one removed in
 * the editor is removed. */
static void
test_attachments (void)
{
  g_autoptr(HangarRecord) marco = NULL;
  g_autofree char *file = g_build_filename (g_get_home_dir (), "brief.txt", NULL);
  g_autoptr(GError) error = NULL;
  GtkWindow *chooser = NULL;
  GtkWidget *remove;

  g_assert_true (g_file_set_contents (file, "A brief for the test.\n", -1, &error));
  show (F.roadmap, "People");
  marco = row_record (2);
  put_cursor (2, "Photo");
  keys ("Return");
  wait_editor ();
  /* The focus is on Add Files…: Enter opens the chooser. */
  keys ("Return");
  hangar_test_wait_until (chooser_open, &chooser, "the file chooser");
  hangar_test_input_keys (GTK_WIDGET (chooser), "ctrl+l");
  hangar_test_input_type (GTK_WIDGET (chooser), file);
  hangar_test_input_keys (GTK_WIDGET (chooser), "Return");
  hangar_test_wait_until (editor_closed, NULL, "the chosen file to close the editor");
  wait_sent ();
  {
    g_autoptr(JsonObject) fields = server_fields (hangar_record_get_id (marco));
    JsonArray *photos = json_object_get_array_member (fields, "Photo");

    g_assert_cmpuint (json_array_get_length (photos), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (photos, 0), "filename"), ==,
                     "brief.txt");
  }

  /* Removed again. */
  hangar_test_gui_wait_for_text (GTK_WIDGET (F.grid), "brief.txt");
  put_cursor (2, "Photo");
  keys ("Return");
  wait_editor ();
  remove = find_button_labelled (editor_widget (), "Remove brief.txt");
  g_assert_nonnull (remove);
  hangar_test_input_click (remove, 1, 1, NULL);
  hangar_test_input_click (find_button_labelled (editor_widget (), "_Done"), 1, 1, NULL);
  wait_server (hangar_record_get_id (marco), "Photo", NULL);
}

/* A new record: Ctrl+Shift+N (the toolbar's button), edited in place; and
 * the "+" row at the end, clicked. */
static void
test_create (void)
{
  guint n;

  show (F.roadmap, "Tasks");
  put_cursor (0, "Title");
  keys ("ctrl+shift+n");
  wait_editor ();
  hangar_test_input_type (editor_widget (), "Created by keys");
  keys ("Return");
  hangar_test_wait_until (editor_closed, NULL, "Enter to commit the new record's title");
  wait_sent ();
  g_assert_cmpuint (server_count ("Title", "Created by keys"), ==, 1);
  hangar_test_gui_wait_for_text (GTK_WIDGET (F.grid), "Created by keys");

  /* The "+" row. */
  n = hangar_grid_model_get_n_records (hangar_record_grid_get_grid_model (F.grid));
  hangar_test_input_click (cell (n, "Title"), 1, 1, NULL);
  wait_editor ();
  hangar_test_input_type (editor_widget (), "From the plus row");
  keys ("Return");
  hangar_test_wait_until (editor_closed, NULL, "Enter to commit the new record's title");
  wait_sent ();
  g_assert_cmpuint (server_count ("Title", "From the plus row"), ==, 1);
}

static char *
create_on_server (const char *title)
{
  g_autofree char *path = g_strdup_printf ("/v0/%s/%s", F.base_id, hangar_table_get_id (F.table));
  g_autofree char *body = g_strdup_printf ("{\"fields\":{\"Title\":\"%s\"}}", title);
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = hangar_test_sandbox_request (F.sandbox, "POST", path, F.sandbox->pat, body, &status);
  g_assert_cmpuint (status, ==, 200);
  return g_strdup (json_object_get_string_member (json_node_get_object (answer), "id"));
}

static guint
row_of (const char *record_id)
{
  return hangar_grid_model_find (hangar_record_grid_get_grid_model (F.grid), record_id);
}

/* Keys pressed in one burst, before the editor the first one opens is on
 * screen (xdotool sends them all while this process waits for it, so GTK
 * reads them together): each does what it does once the editor is there,
 * in order — Enter commits and moves down, the next character starts the
 * next edit, Escape cancels it, and a select's Enter still asks before
 * adding an option. */
static void
test_early_keys (void)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  Place after = { 0, "Title" };
  GtkWidget *add = NULL;

  show (F.roadmap, "Tasks");
  a = create_on_server ("early a");
  b = create_on_server ("early b");
  c = create_on_server ("early c");
  show (F.roadmap, "Tasks");
  g_assert_cmpuint (row_of (b), ==, row_of (a) + 1);
  g_assert_cmpuint (row_of (c), ==, row_of (b) + 1);

  put_cursor (row_of (a), "Title");
  keys ("E a r l y space o n e Return T w o Tab");
  hangar_test_wait_until (editor_closed, NULL, "Enter and Tab to commit");
  wait_server (a, "Title", "\"Early one\"");
  wait_server (b, "Title", "\"Two\"");
  /* Enter went down a row, Tab right from there. */
  after.row = row_of (b);
  after.field = "Project";
  hangar_test_wait_until (cursor_at, &after, "the cursor right of the second edit");

  /* Escape cancels what was typed before it; nothing is sent. */
  put_cursor (row_of (c), "Title");
  keys ("N o t space s e n t Escape");
  hangar_test_wait_until (editor_closed, NULL, "Escape to cancel");
  wait_sent ();
  {
    g_autoptr(JsonObject) fields = server_fields (c);

    g_assert_cmpstr (string_of (fields, "Title"), ==, "early c");
  }

  /* A select: Enter on a name that is no option asks first. */
  put_cursor (row_of (c), "Labels");
  keys ("z z t o p Return");
  hangar_test_wait_until (add_option_shown, &add, "the editor to ask before adding an option");
  g_assert_nonnull (hangar_record_grid_get_editor (F.grid));
  g_assert_cmpuint (hangar_journal_count_unsent (F.journal), ==, 0);
  hangar_test_input_click (add, 1, 1, NULL);
  keys ("Return");
  wait_server (c, "Labels", "[\"zztop\"]");
}

typedef struct
{
  char    *value;   /* compact JSON */
  guint    move;
  gboolean cancelled;
} Replayed;

static void
replayed_committed_cb (HangarCellEditor *editor,
                       JsonNode         *value,
                       gboolean          typecast,
                       guint             move,
                       Replayed         *out)
{
  out->value = json_to_string (value, FALSE);
  out->move = move;
}

static void
replayed_cancelled_cb (HangarCellEditor *editor,
                       Replayed         *out)
{
  out->cancelled = TRUE;
}

static void
replay (HangarCellEditor *editor,
        const char       *keys)
{
  g_auto(GStrv) names = g_strsplit (keys, " ", -1);

  for (guint i = 0; names[i] != NULL; i++)
    {
      gboolean shift = g_str_has_prefix (names[i], "shift+");
      guint keyval = gdk_keyval_from_name (shift ? names[i] + 6 : names[i]);

      g_assert_cmpuint (keyval, !=, GDK_KEY_VoidSymbol);
      hangar_cell_editor_replay_key (editor, keyval, shift ? GDK_SHIFT_MASK : 0);
    }
}

/* An editor in a window of its own, given keys as the grid replays those
 * pressed before the editor was on screen. */
static HangarCellEditor *
replay_editor (GtkWindow  **out_window,
               const char  *field_name,
               Replayed    *out)
{
  HangarField *field = _hangar_record_grid_lookup_field (F.grid, field_name);
  GtkWidget *editor;

  g_assert_nonnull (field);
  editor = hangar_cell_editor_new (field, NULL, NULL, NULL);
  g_signal_connect (editor, "committed", G_CALLBACK (replayed_committed_cb), out);
  g_signal_connect (editor, "cancelled", G_CALLBACK (replayed_cancelled_cb), out);
  *out_window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_child (*out_window, editor);
  gtk_window_present (*out_window);
  hangar_test_wait_until (hangar_test_gui_widget_mapped, editor, "the editor on screen");
  gtk_widget_grab_focus (hangar_cell_editor_get_focus_widget (HANGAR_CELL_EDITOR (editor)));
  return HANGAR_CELL_EDITOR (editor);
}

static GtkWidget *
find_visible_button (GtkWidget  *root,
                     const char *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && gtk_widget_is_visible (child) &&
          g_strcmp0 (gtk_button_get_label (GTK_BUTTON (child)), label) == 0)
        return child;
      found = find_visible_button (child, label);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
question_answered (gpointer editor)
{
  return find_visible_button (editor, "_Add Option") == NULL;
}

/* What the grid replays into an editor: characters and the keys that edit
 * text, then the editor's own (Enter, Shift+Tab, Escape); in a select,
 * Enter on a new name asks, and Enter again answers the question. */
static void
test_replayed_keys (void)
{
  GtkWindow *window = NULL;
  HangarCellEditor *editor;
  Replayed out = { 0 };

  show (F.roadmap, "Tasks");

  editor = replay_editor (&window, "Title", &out);
  replay (editor, "a b c BackSpace Home X End d Return");
  g_assert_cmpstr (out.value, ==, "\"Xabd\"");
  g_assert_cmpuint (out.move, ==, HANGAR_CELL_EDITOR_DOWN);
  g_clear_pointer (&out.value, g_free);
  gtk_window_destroy (window);

  editor = replay_editor (&window, "Points", &out);
  replay (editor, "4 2 shift+Tab");
  g_assert_cmpstr (out.value, ==, "42");
  g_assert_cmpuint (out.move, ==, HANGAR_CELL_EDITOR_LEFT);
  g_clear_pointer (&out.value, g_free);
  /* Done: nothing more is taken. */
  g_assert_false (hangar_cell_editor_replay_key (editor, GDK_KEY_x, 0));
  gtk_window_destroy (window);

  editor = replay_editor (&window, "Title", &out);
  replay (editor, "n o Escape");
  g_assert_true (out.cancelled);
  g_assert_null (out.value);
  out.cancelled = FALSE;
  gtk_window_destroy (window);

  editor = replay_editor (&window, "Labels", &out);
  replay (editor, "q u u x Return");
  g_assert_null (out.value);
  g_assert_nonnull (find_visible_button (GTK_WIDGET (editor), "_Add Option"));
  /* On the question's button: yes (a button pressed with a key clicks
   * a moment later, as it shows itself pressed). */
  replay (editor, "Return");
  g_assert_null (out.value);
  hangar_test_wait_until (question_answered, editor, "the button to click");
  replay (editor, "Return");   /* nothing searched: done */
  g_assert_cmpstr (out.value, ==, "[\"quux\"]");
  g_clear_pointer (&out.value, g_free);
  gtk_window_destroy (window);
}

static gboolean
dialog_open (gpointer data)
{
  GtkWindow **out = data;

  *out = hangar_test_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  return *out != NULL && gtk_widget_get_mapped (GTK_WIDGET (*out));
}

static gboolean
dialog_gone (gpointer data)
{
  return hangar_test_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) == NULL;
}

/* Rows selected with a click and a Shift+click, deleted with Ctrl+Delete
 * after a confirmation that says how many. */
static void
test_bulk_delete (void)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  GtkWindow *dialog = NULL;
  guint first;

  show (F.roadmap, "Tasks");
  a = create_on_server ("delete-me one");
  b = create_on_server ("delete-me two");
  c = create_on_server ("delete-me three");
  show (F.roadmap, "Tasks");
  first = row_of (a);
  g_assert_cmpuint (row_of (b), ==, first + 1);
  g_assert_cmpuint (row_of (c), ==, first + 2);

  hangar_test_input_click (cell (first, "Title"), 1, 1, NULL);
  {
    g_autoptr(GtkBitset) selected = NULL;
    Place one = { first, "Title" };

    hangar_test_wait_until (cursor_at, &one, "the click");
    selected = gtk_selection_model_get_selection (hangar_record_grid_get_model (F.grid));
    g_assert_cmpuint (gtk_bitset_get_size (selected), ==, 1);
  }
  hangar_test_input_click (cell (first + 2, "Title"), 1, 1, "shift");
  {
    g_autoptr(GtkBitset) selected = NULL;
    Place last = { first + 2, "Title" };

    hangar_test_wait_until (cursor_at, &last, "Shift+click to extend");
    selected = gtk_selection_model_get_selection (hangar_record_grid_get_model (F.grid));
    g_assert_cmpuint (gtk_bitset_get_size (selected), ==, 3);
  }
  keys ("ctrl+Delete");
  hangar_test_wait_until (dialog_open, &dialog, "the confirmation");
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Delete 3 records?");
  hangar_test_input_click (find_button_labelled (GTK_WIDGET (dialog), "_Delete"), 1, 1, NULL);
  hangar_test_wait_until (dialog_gone, NULL, "the dialog to close");
  wait_sent ();
  g_assert_false (server_has (a));
  g_assert_false (server_has (b));
  g_assert_false (server_has (c));
  g_assert_cmpuint (row_of (a), ==, G_MAXUINT);
}

/* Shift+Down grows a range; Ctrl+D fills the top value down. */
static void
test_fill_down (void)
{
  g_autoptr(HangarRecord) top = NULL;
  g_autofree char *value = NULL;

  show (F.roadmap, "Tasks");
  top = row_record (0);
  value = json_to_string (hangar_record_get_field (top, "Points"), FALSE);
  put_cursor (0, "Points");
  keys ("shift+Down shift+Down shift+Down");
  keys ("ctrl+d");
  for (guint i = 1; i <= 3; i++)
    {
      g_autoptr(HangarRecord) record = row_record (i);

      wait_server (hangar_record_get_id (record), "Points", value);
    }
}

typedef struct
{
  char    *text;
  gboolean done;
} ClipboardRead;

static void
clipboard_read_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ClipboardRead *read = user_data;

  read->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  read->done = TRUE;
}

static char *
clipboard_text (void)
{
  ClipboardRead read = { NULL, FALSE };

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (F.grid)), NULL, clipboard_read_cb, &read);
  hangar_test_wait_until (hangar_test_flag_is_set, &read.done, "the clipboard's text");
  return read.text;
}

/* A range copied (tab-separated) and pasted elsewhere: the same values. */
static void
test_copy_paste (void)
{
  g_autoptr(HangarRecord) source0 = NULL;
  g_autoptr(HangarRecord) source1 = NULL;
  g_autoptr(HangarRecord) target0 = NULL;
  g_autoptr(HangarRecord) target1 = NULL;
  g_autofree char *text = NULL;

  show (F.roadmap, "Tasks");
  source0 = row_record (0);
  source1 = row_record (1);
  target0 = row_record (6);
  target1 = row_record (7);
  put_cursor (0, "Title");
  keys ("shift+Down shift+Right");
  keys ("ctrl+c");
  hangar_test_wait_until ((HangarTestCondition) hangar_record_grid_get_edit_message, F.grid, "the copy");
  text = clipboard_text ();
  {
    g_autofree char *expected = g_strdup_printf ("%s\t%s\n%s\t%s\n",
                                                 json_node_get_string (hangar_record_get_field (source0, "Title")),
                                                 "", json_node_get_string (hangar_record_get_field (source1, "Title")), "");

    /* Title and the (linked) Project: the names, or nothing. */
    g_assert_true (g_str_has_prefix (text, json_node_get_string (hangar_record_get_field (source0, "Title"))));
    g_assert_cmpuint (strlen (text), >=, strlen (expected) - 2);
  }

  /* Titles and estimates onto rows 6–7: paste a copy of two columns there. */
  put_cursor (0, "Estimate");
  keys ("shift+Down shift+Right");
  keys ("ctrl+c");
  put_cursor (6, "Estimate");
  keys ("ctrl+v");
  {
    g_autofree char *estimate0 = hangar_record_get_field (source0, "Estimate")
                                 ? json_to_string (hangar_record_get_field (source0, "Estimate"), FALSE) : NULL;
    g_autofree char *due1 = hangar_record_get_field (source1, "Due")
                            ? json_to_string (hangar_record_get_field (source1, "Due"), FALSE) : NULL;

    wait_server (hangar_record_get_id (target0), "Estimate", estimate0);
    wait_server (hangar_record_get_id (target1), "Due", due1);
  }
}

/* Tab-separated text from a spreadsheet: values converted for their
 * fields (a duration, a date, a number, a checkbox, a select, a link by
 * name); rows past the last record become new records after a question. */
static void
test_paste_spreadsheet (void)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (F.grid));
  g_autoptr(HangarRecord) last = NULL;
  GtkWindow *dialog = NULL;
  guint n;

  show (F.roadmap, "Tasks");
  hangar_test_wait_until (links_known, (gpointer) hangar_table_get_id (hangar_table_list_lookup (F.roadmap_tables, "Projects")),
                          "the linked tables' schema");
  n = hangar_grid_model_get_n_records (hangar_record_grid_get_grid_model (F.grid));
  last = row_record (n - 1);
  /* Title, Project, Assignee, Done, Estimate, Due, Points, Labels */
  gdk_clipboard_set_text (clipboard,
                          "Pasted one\tData platform\t\tchecked\t1:15\t2024-04-01\t7\tbug\n"
                          "Pasted two\tReferral program\t\t\t0:45\t2024-04-02\t8\tfeature, chore\n"
                          "Pasted three\t\t\tyes\t2:00\t2024-04-03\t9\t\n");
  put_cursor (n - 1, "Title");
  keys ("ctrl+v");
  hangar_test_wait_until (dialog_open, &dialog, "the question about the rows past the end");
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Paste 2 more rows as new records?");
  hangar_test_input_click (find_button_labelled (GTK_WIDGET (dialog), "_Create Records"), 1, 1, NULL);
  hangar_test_wait_until (dialog_gone, NULL, "the dialog to close");
  wait_server (hangar_record_get_id (last), "Title", "\"Pasted one\"");
  wait_sent ();
  {
    g_autoptr(JsonObject) fields = server_fields (hangar_record_get_id (last));

    g_assert_cmpint (json_object_get_int_member (fields, "Estimate"), ==, 4500);
    g_assert_cmpstr (json_object_get_string_member (fields, "Due"), ==, "2024-04-01");
    g_assert_cmpint (json_object_get_int_member (fields, "Points"), ==, 7);
    g_assert_true (json_object_get_boolean_member (fields, "Done"));
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (fields, "Project")), ==, 1);
  }
  g_assert_cmpuint (server_count ("Title", "Pasted two"), ==, 1);
  g_assert_cmpuint (server_count ("Title", "Pasted three"), ==, 1);
}

/* Ctrl+Z writes the values before back, Ctrl+Shift+Z writes them again; a
 * delete is undone by creating the record again (a new id). */
static void
test_undo_redo (void)
{
  g_autoptr(HangarRecord) task = NULL;
  g_autofree char *before = NULL;
  g_autofree char *victim = NULL;
  GtkWindow *dialog = NULL;

  show (F.roadmap, "Tasks");
  task = row_record (7);
  before = json_to_string (hangar_record_get_field (task, "Title"), FALSE);
  put_cursor (7, "Title");
  hangar_test_input_type (GTK_WIDGET (F.grid), "Undo me");
  wait_editor ();
  keys ("Return");
  wait_server (hangar_record_get_id (task), "Title", "\"Undo me\"");
  keys ("ctrl+z");
  wait_server (hangar_record_get_id (task), "Title", before);
  keys ("ctrl+shift+z");
  wait_server (hangar_record_get_id (task), "Title", "\"Undo me\"");

  victim = create_on_server ("undo-delete target");
  show (F.roadmap, "Tasks");
  hangar_test_input_click (cell (row_of (victim), "Title"), 1, 1, NULL);
  keys ("ctrl+Delete");
  hangar_test_wait_until (dialog_open, &dialog, "the confirmation");
  hangar_test_input_click (find_button_labelled (GTK_WIDGET (dialog), "_Delete"), 1, 1, NULL);
  hangar_test_wait_until (dialog_gone, NULL, "the dialog to close");
  wait_sent ();
  g_assert_false (server_has (victim));
  keys ("ctrl+z");
  hangar_test_wait_until ((HangarTestCondition) hangar_record_grid_get_edit_message, F.grid, "the undo");
  g_assert_nonnull (strstr (hangar_record_grid_get_edit_message (F.grid), "new ids"));
  wait_sent ();
  g_assert_cmpuint (server_count ("Title", "undo-delete target"), ==, 1);
  g_assert_false (server_has (victim));
}

static gboolean
revealer_hidden (gpointer revealer)
{
  return !gtk_revealer_get_child_revealed (revealer);
}

/* Read only: a base the user may only read; a token Airtable refuses to
 * write with (403); nothing is attempted in the first case, and both say
 * why. */
static void
test_read_only (void)
{
  g_autoptr(HangarRecord) task = NULL;
  g_autofree char *before = NULL;

  show (F.roadmap, "Tasks");
  task = row_record (2);
  before = json_to_string (hangar_record_get_field (task, "Title"), FALSE);
  hangar_record_grid_set_permission_level (F.grid, "read");
  /* The banner slides in: clicks wait until the rows stop moving. */
  hangar_test_wait_until ((HangarTestCondition) gtk_revealer_get_child_revealed,
                          gtk_widget_get_template_child (GTK_WIDGET (F.grid), HANGAR_TYPE_RECORD_GRID, "readonly_revealer"),
                          "the read-only banner");
  g_assert_nonnull (hangar_record_grid_get_read_only_reason (F.grid));
  g_assert_nonnull (strstr (hangar_record_grid_get_read_only_reason (F.grid), "“read”"));
  g_assert_true (hangar_test_gui_shows_text (GTK_WIDGET (F.grid), hangar_record_grid_get_read_only_reason (F.grid)));
  put_cursor (2, "Title");
  hangar_test_input_type (GTK_WIDGET (F.grid), "x");
  hangar_test_wait_until ((HangarTestCondition) hangar_record_grid_get_edit_message, F.grid, "the reason");
  g_assert_null (hangar_record_grid_get_editor (F.grid));
  g_assert_cmpuint (hangar_journal_count_unsent (F.journal), ==, 0);
  hangar_record_grid_set_permission_level (F.grid, "edit");
  g_assert_null (hangar_record_grid_get_read_only_reason (F.grid));
  hangar_test_wait_until (revealer_hidden,
                          gtk_widget_get_template_child (GTK_WIDGET (F.grid), HANGAR_TYPE_RECORD_GRID, "readonly_revealer"),
                          "the read-only banner to go");

  /* A token without data.records:write: the write is refused and editing
   * turns off with Airtable's reason. */
  {
    g_autoptr(JsonNode) answer = hangar_test_sandbox_control_json (F.sandbox, "/__sandbox/pats",
                                                                   "{\"scopes\":[\"data.records:read\",\"schema.bases:read\"]}");
    g_autoptr(HangarTokenSource) source = hangar_static_token_source_new (json_object_get_string_member (json_node_get_object (answer), "token"));
    g_autoptr(HangarClient) reader = hangar_client_new (F.sandbox->url, source);
    g_autofree char *path = g_build_filename (g_get_user_data_dir (), "hangar", "edit-test-reader", "state.sqlite", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(HangarStore) store = hangar_store_open (path, HANGAR_STORE_STATE, &error);
    g_autoptr(HangarJournal) journal = hangar_journal_new (store, reader, &error);

    g_assert_no_error (error);
    hangar_record_grid_show_table_with_client (F.grid, reader, F.roadmap, F.table);
    hangar_record_grid_set_journal (F.grid, journal);
    hangar_test_wait_until (grid_idle, NULL, "the records to load");
    put_cursor (2, "Title");
    hangar_test_input_type (GTK_WIDGET (F.grid), "never");
    wait_editor ();
    keys ("Return");
    hangar_test_wait_until ((HangarTestCondition) hangar_record_grid_get_read_only_reason, F.grid,
                            "the refusal to turn editing off");
    hangar_test_wait_until ((HangarTestCondition) gtk_revealer_get_child_revealed,
                            gtk_widget_get_template_child (GTK_WIDGET (F.grid), HANGAR_TYPE_RECORD_GRID, "readonly_revealer"),
                            "the read-only banner");
    g_assert_nonnull (strstr (hangar_record_grid_get_read_only_reason (F.grid), "Read only"));
    g_assert_cmpuint (hangar_journal_count (journal, HANGAR_CHANGE_FAILED), ==, 1);
    {
      g_autoptr(JsonObject) fields = server_fields (hangar_record_get_id (task));
      g_autofree char *now = json_to_string (json_object_get_member (fields, "Title"), FALSE);

      g_assert_cmpstr (now, ==, before);
    }
    hangar_record_grid_set_journal (F.grid, NULL);
  }
}

static gboolean
panel_editor_open (gpointer data)
{
  HangarCellEditor *editor = hangar_record_detail_get_editor (hangar_record_grid_get_detail (F.grid));

  return editor != NULL && gtk_widget_get_mapped (GTK_WIDGET (editor));
}

/* The record panel (Shift+Space): its values edit; Copy record ID. */
static void
test_record_panel (void)
{
  HangarRecordDetail *detail;
  g_autoptr(HangarRecord) person = NULL;
  g_autofree char *copied = NULL;

  show (F.roadmap, "People");
  detail = hangar_record_grid_get_detail (F.grid);
  person = row_record (1);
  put_cursor (1, "Name");
  keys ("shift+space");
  hangar_test_wait_until (hangar_test_gui_widget_mapped, detail, "the record panel");
  g_assert_true (hangar_record_detail_get_record (detail) != NULL);
  g_assert_cmpstr (hangar_record_get_id (hangar_record_detail_get_record (detail)), ==, hangar_record_get_id (person));

  hangar_test_input_click (hangar_record_detail_get_value_button (detail, "Role"), 1, 1, NULL);
  hangar_test_wait_until (panel_editor_open, NULL, "the panel's editor");
  hangar_test_input_type (GTK_WIDGET (hangar_record_detail_get_editor (detail)), "Design");
  hangar_test_input_keys (GTK_WIDGET (hangar_record_detail_get_editor (detail)), "Return");
  wait_server (hangar_record_get_id (person), "Role", "\"Design\"");

  /* Computed and writable: Name is a button, created time is said. */
  g_assert_nonnull (hangar_record_detail_get_value_button (detail, "Name"));
  hangar_test_input_click (find_button_labelled (GTK_WIDGET (detail), "Copy record ID"), 1, 1, NULL);
  copied = clipboard_text ();
  g_assert_cmpstr (copied, ==, hangar_record_get_id (person));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(HangarTokenSource) source = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  const char *args[] = { "--no-rate-limit", "--quiet", NULL };
  int status;

  hangar_test_isolate_home ();
  g_setenv ("TZ", "UTC", TRUE);
  hangar_test_gui_init (&argc, &argv);
  hangar_test_input_require ();

  F.sandbox = hangar_test_sandbox_startv (args);
  F.roadmap = hangar_test_sandbox_base_id (F.sandbox, F.sandbox->pat, "Product Roadmap");
  F.content = hangar_test_sandbox_base_id (F.sandbox, F.sandbox->pat, "Content Calendar");
  F.roadmap_tables = load_tables (F.roadmap);
  F.content_tables = load_tables (F.content);
  source = hangar_static_token_source_new (F.sandbox->pat);
  F.client = hangar_client_new (F.sandbox->url, source);
  path = g_build_filename (g_get_user_data_dir (), "hangar", "edit-test", "state.sqlite", NULL);
  F.store = hangar_store_open (path, HANGAR_STORE_STATE, &error);
  g_assert_no_error (error);
  F.journal = hangar_journal_new (F.store, F.client, &error);
  g_assert_no_error (error);

  F.grid = g_object_ref_sink (HANGAR_RECORD_GRID (hangar_record_grid_new ()));
  F.window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (F.window, 1280, 800);
  gtk_window_set_child (F.window, GTK_WIDGET (F.grid));
  gtk_window_present (F.window);

  g_test_add_func ("/hangar/gui/edit/text", test_text);
  g_test_add_func ("/hangar/gui/edit/early-keys", test_early_keys);
  g_test_add_func ("/hangar/gui/edit/replayed-keys", test_replayed_keys);
  g_test_add_func ("/hangar/gui/edit/numbers", test_numbers);
  g_test_add_func ("/hangar/gui/edit/checkbox", test_checkbox);
  g_test_add_func ("/hangar/gui/edit/computed", test_computed);
  g_test_add_func ("/hangar/gui/edit/long-text", test_long_text);
  g_test_add_func ("/hangar/gui/edit/rating", test_rating);
  g_test_add_func ("/hangar/gui/edit/selects", test_selects);
  g_test_add_func ("/hangar/gui/edit/dates", test_dates);
  g_test_add_func ("/hangar/gui/edit/validated", test_validated);
  g_test_add_func ("/hangar/gui/edit/links", test_links);
  g_test_add_func ("/hangar/gui/edit/collaborators", test_collaborators);
  g_test_add_func ("/hangar/gui/edit/attachments", test_attachments);
  g_test_add_func ("/hangar/gui/edit/create", test_create);
  g_test_add_func ("/hangar/gui/edit/bulk-delete", test_bulk_delete);
  g_test_add_func ("/hangar/gui/edit/fill-down", test_fill_down);
  g_test_add_func ("/hangar/gui/edit/copy-paste", test_copy_paste);
  g_test_add_func ("/hangar/gui/edit/paste-spreadsheet", test_paste_spreadsheet);
  g_test_add_func ("/hangar/gui/edit/undo-redo", test_undo_redo);
  g_test_add_func ("/hangar/gui/edit/read-only", test_read_only);
  g_test_add_func ("/hangar/gui/edit/record-panel", test_record_panel);

  status = g_test_run ();

  gtk_window_destroy (F.window);
  g_clear_object (&F.grid);
  g_clear_object (&F.journal);
  g_clear_object (&F.store);
  g_clear_object (&F.client);
  hangar_test_sandbox_stop (F.sandbox);
  return status;
}
