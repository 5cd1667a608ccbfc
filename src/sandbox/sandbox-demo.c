/* sandbox-demo.c — the demo workspace and --generate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox-private.h"

static SandboxField *
add_field (SandboxServer *self,
           SandboxTable  *table,
           const char    *name,
           const char    *type,
           const char    *options_json)
{
  g_autoptr(JsonNode) node = options_json != NULL ? json_from_string (options_json, NULL) : NULL;
  JsonObject *options = NULL;
  g_autofree char *message = NULL;
  SandboxField *field;

  if (!sandbox_field_options_validate (self, table->base, type, node, &options, &message))
    {
      /* computed types: their options are taken as given */
      g_clear_pointer (&message, g_free);
      options = node != NULL ? json_object_ref (json_node_get_object (node)) : NULL;
    }
  if (g_str_equal (type, "formula"))
    {
      /* the formula text with {fld…} references, isValid, referencedFieldIds */
      gboolean valid;
      JsonObject *computed = sandbox_formula_field_options (table, json_object_get_string_member (options, "formula"), &valid);

      if (json_object_has_member (options, "result"))
        json_object_set_member (computed, "result", json_node_copy (json_object_get_member (options, "result")));
      json_object_unref (options);
      options = computed;
    }
  field = sandbox_table_add_field (table, name, type, options);
  g_clear_pointer (&options, json_object_unref);
  if (g_str_equal (type, "multipleRecordLinks"))
    sandbox_table_add_inverse_link (self, table, field);
  return field;
}

static char *
date_token_cb_text (const char *token)
{
  /* "@D+12" → today + 12 days (YYYY-MM-DD); "@T+3" → an instant 3 days away at 09:30Z */
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) day = NULL;
  int offset = atoi (token + 2);

  day = g_date_time_add_days (now, offset);
  if (token[1] == 'D')
    return g_date_time_format (day, "%Y-%m-%d");
  return g_date_time_format (day, "%Y-%m-%dT09:30:00.000Z");
}

static gboolean
replace_cb (const GMatchInfo *info,
            GString          *result,
            gpointer          data)
{
  g_autofree char *token = g_match_info_fetch (info, 0);
  g_autofree char *text = date_token_cb_text (token);

  g_string_append (result, text);
  return FALSE;
}

static guint demo_rows;

static SandboxRecord *
add_row (SandboxServer *self,
         SandboxTable  *table,
         const char    *json)
{
  static GRegex *regex;
  g_autofree char *expanded = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  SandboxRecord *record;
  JsonObject *fields;
  GList *members;

  if (regex == NULL)
    regex = g_regex_new ("@[DT][+-][0-9]+", 0, 0, NULL);
  expanded = g_regex_replace_eval (regex, json, -1, 0, 0, replace_cb, NULL, NULL);
  node = json_from_string (expanded, &error);
  if (node == NULL)
    g_error ("demo row: %s: %s", expanded, error->message);
  fields = json_node_get_object (node);
  record = sandbox_record_new (table);
  /* demo records were created over the last weeks, an hour apart */
  record->created_ms = (g_get_real_time () / 1000) - (gint64) 21 * 86400000 + (gint64) ++demo_rows * 3600000;
  members = json_object_get_members (fields);
  for (GList *l = members; l != NULL; l = l->next)
    {
      SandboxField *field = sandbox_table_find_field (table, l->data);
      JsonNode *out = NULL;
      g_autofree char *etype = NULL;
      g_autofree char *emessage = NULL;

      if (field == NULL)
        g_error ("demo row: no field %s", (char *) l->data);
      if (!sandbox_cell_convert (self, table, field, json_object_get_member (fields, l->data), TRUE, &out, &etype, &emessage))
        g_error ("demo row: %s: %s", (char *) l->data, emessage);
      sandbox_pending_choices_commit (self, table);
      sandbox_record_set_cell (self, table, record, field, out);
      if (out != NULL)
        json_node_unref (out);
    }
  g_list_free (members);
  return record;
}

static SandboxView *
add_view (SandboxTable *table,
          const char   *name,
          const char   *type,
          const char   *filter,
          const char   *sort_field,
          const char   *direction)
{
  SandboxView *view = sandbox_table_add_view (table, name, type);

  view->filter = g_strdup (filter);
  if (sort_field != NULL)
    {
      JsonObject *s = json_object_new ();
      SandboxField *field = sandbox_table_find_field (table, sort_field);

      json_object_set_string_member (s, "field", field != NULL ? field->id : sort_field);
      json_object_set_string_member (s, "direction", direction);
      view->sort = json_array_new ();
      json_array_add_object_element (view->sort, s);
    }
  return view;
}

static SandboxUser *
add_user (SandboxServer *self,
          const char    *email,
          const char    *name)
{
  SandboxUser *user = sandbox_user_new (email, name);

  g_ptr_array_add (self->users, user);
  sandbox_user_add_pat (user, "Hangar sandbox token", sandbox_basic_scopes);
  return user;
}

static void
roadmap (SandboxServer *self,
         SandboxUser   *owner)
{
  SandboxBase *base = sandbox_base_new ("Product Roadmap", owner);
  SandboxTable *people, *projects, *tasks;
  g_autofree char *link_people = NULL;
  g_autofree char *link_projects = NULL;
  SandboxField *f_tasks, *f_estimate;
  g_autofree char *opts = NULL;

  g_ptr_array_add (self->bases, base);
  people = sandbox_table_new (base, "People");
  projects = sandbox_table_new (base, "Projects");
  tasks = sandbox_table_new (base, "Tasks");
  people->description = g_strdup ("Everyone working on the roadmap");
  projects->description = g_strdup ("Projects planned for this year");

  add_field (self, people, "Name", "singleLineText", NULL);
  add_field (self, people, "Email", "email", NULL);
  add_field (self, people, "Role", "singleSelect",
             "{\"choices\":[{\"name\":\"Engineering\",\"color\":\"blueLight2\"},{\"name\":\"Design\",\"color\":\"pinkLight2\"},"
             "{\"name\":\"Product\",\"color\":\"purpleLight2\"},{\"name\":\"Marketing\",\"color\":\"orangeLight2\"}]}");
  add_field (self, people, "Account", "singleCollaborator", NULL);
  add_field (self, people, "Photo", "multipleAttachments", NULL);
  add_field (self, people, "Active", "checkbox", "{\"icon\":\"check\",\"color\":\"greenBright\"}");
  add_field (self, people, "Phone", "phoneNumber", NULL);

  add_field (self, projects, "Name", "singleLineText", NULL);
  add_field (self, projects, "Status", "singleSelect",
             "{\"choices\":[{\"name\":\"Planned\",\"color\":\"grayLight2\"},{\"name\":\"In progress\",\"color\":\"blueLight2\"},"
             "{\"name\":\"Blocked\",\"color\":\"redLight2\"},{\"name\":\"Done\",\"color\":\"greenLight2\"}]}");
  add_field (self, projects, "Tags", "multipleSelects",
             "{\"choices\":[{\"name\":\"Mobile\",\"color\":\"cyanLight2\"},{\"name\":\"Web\",\"color\":\"tealLight2\"},"
             "{\"name\":\"Infra\",\"color\":\"grayLight1\"},{\"name\":\"Growth\",\"color\":\"yellowLight2\"}]}");
  add_field (self, projects, "Start", "date", "{\"dateFormat\":{\"name\":\"iso\"}}");
  add_field (self, projects, "Deadline", "date", "{\"dateFormat\":{\"name\":\"iso\"}}");
  add_field (self, projects, "Kickoff", "dateTime",
             "{\"dateFormat\":{\"name\":\"iso\"},\"timeFormat\":{\"name\":\"24hour\"},\"timeZone\":\"Europe/Berlin\"}");
  add_field (self, projects, "Budget", "currency", "{\"precision\":2,\"symbol\":\"$\"}");
  add_field (self, projects, "Progress", "percent", "{\"precision\":0}");
  add_field (self, projects, "Priority", "rating", "{\"icon\":\"star\",\"color\":\"yellowBright\",\"max\":5}");
  link_people = g_strdup_printf ("{\"linkedTableId\":\"%s\"}", people->id);
  add_field (self, projects, "Owner", "multipleRecordLinks", link_people);
  add_field (self, projects, "Notes", "multilineText", NULL);
  add_field (self, projects, "Brief", "multipleAttachments", NULL);

  add_field (self, tasks, "Title", "singleLineText", NULL);
  link_projects = g_strdup_printf ("{\"linkedTableId\":\"%s\"}", projects->id);
  add_field (self, tasks, "Project", "multipleRecordLinks", link_projects);
  add_field (self, tasks, "Assignee", "multipleRecordLinks", link_people);
  add_field (self, tasks, "Done", "checkbox", "{\"icon\":\"check\",\"color\":\"greenBright\"}");
  f_estimate = add_field (self, tasks, "Estimate", "duration", "{\"durationFormat\":\"h:mm\"}");
  add_field (self, tasks, "Due", "date", "{\"dateFormat\":{\"name\":\"iso\"}}");
  add_field (self, tasks, "Points", "number", "{\"precision\":0}");
  add_field (self, tasks, "Labels", "multipleSelects",
             "{\"choices\":[{\"name\":\"bug\",\"color\":\"redLight2\"},{\"name\":\"feature\",\"color\":\"greenLight2\"},"
             "{\"name\":\"chore\",\"color\":\"grayLight2\"}]}");
  add_field (self, tasks, "ID", "autoNumber", NULL);
  add_field (self, tasks, "Created by", "createdBy", NULL);
  add_field (self, tasks, "Last modified by", "lastModifiedBy", NULL);
  add_field (self, tasks, "Last modified", "lastModifiedTime",
             "{\"isValid\":true,\"referencedFieldIds\":[],\"result\":{\"type\":\"dateTime\",\"options\":{\"dateFormat\":{\"name\":\"iso\",\"format\":\"YYYY-MM-DD\"},\"timeFormat\":{\"name\":\"24hour\",\"format\":\"HH:mm\"},\"timeZone\":\"utc\"}}}");
  add_field (self, tasks, "Created", "createdTime", "{\"result\":{\"type\":\"dateTime\",\"options\":{\"dateFormat\":{\"name\":\"iso\",\"format\":\"YYYY-MM-DD\"},\"timeFormat\":{\"name\":\"24hour\",\"format\":\"HH:mm\"},\"timeZone\":\"utc\"}}}");
  add_field (self, tasks, "Late", "formula",
             "{\"formula\":\"AND(NOT({Done}), IS_BEFORE({Due}, TODAY()))\",\"isValid\":true,\"referencedFieldIds\":[],\"result\":{\"type\":\"number\",\"options\":{\"precision\":0}}}");

  /* computed fields on Projects, now that Tasks exists */
  f_tasks = sandbox_table_find_field (projects, "Tasks");
  opts = g_strdup_printf ("{\"isValid\":true,\"recordLinkFieldId\":\"%s\"}", f_tasks->id);
  add_field (self, projects, "Task count", "count", opts);
  g_free (opts);
  opts = g_strdup_printf ("{\"isValid\":true,\"recordLinkFieldId\":\"%s\",\"fieldIdInLinkedTable\":\"%s\","
                          "\"referencedFieldIds\":[\"%s\"],\"result\":{\"type\":\"duration\",\"options\":{\"durationFormat\":\"h:mm\"}}}",
                          f_tasks->id, f_estimate->id, f_estimate->id);
  add_field (self, projects, "Total estimate", "rollup", opts);
  add_field (self, projects, "Summary", "formula",
             "{\"formula\":\"{Name} & ' (' & {Status} & ')'\",\"isValid\":true,\"referencedFieldIds\":[],\"result\":{\"type\":\"singleLineText\"}}");
  add_field (self, projects, "Code", "autoNumber", NULL);
  add_field (self, projects, "Created", "createdTime", "{\"result\":{\"type\":\"dateTime\",\"options\":{\"dateFormat\":{\"name\":\"iso\",\"format\":\"YYYY-MM-DD\"},\"timeFormat\":{\"name\":\"24hour\",\"format\":\"HH:mm\"},\"timeZone\":\"utc\"}}}");

  add_row (self, people, "{\"Name\":\"Dana Demo\",\"Email\":\"demo@hangar.test\",\"Role\":\"Product\",\"Account\":\"demo@hangar.test\",\"Active\":true,\"Phone\":\"+1 555 0100\",\"Photo\":[{\"url\":\"/__sandbox/attachments/dana.png\",\"filename\":\"dana.png\"}]}");
  add_row (self, people, "{\"Name\":\"Priya Patel\",\"Email\":\"priya@hangar.test\",\"Role\":\"Engineering\",\"Account\":\"priya@hangar.test\",\"Active\":true,\"Photo\":[{\"url\":\"/__sandbox/attachments/priya.jpg\",\"filename\":\"priya.jpg\"}]}");
  add_row (self, people, "{\"Name\":\"Marco Rossi\",\"Email\":\"marco@hangar.test\",\"Role\":\"Design\",\"Account\":\"marco@hangar.test\",\"Active\":true}");
  add_row (self, people, "{\"Name\":\"Lena Fischer\",\"Email\":\"lena@hangar.test\",\"Role\":\"Marketing\",\"Active\":false}");
  add_row (self, people, "{\"Name\":\"Sam Okafor\",\"Email\":\"sam@hangar.test\",\"Role\":\"Engineering\",\"Active\":true}");

  add_row (self, projects, "{\"Name\":\"Mobile app 2.0\",\"Status\":\"In progress\",\"Tags\":[\"Mobile\",\"Growth\"],\"Start\":\"@D-30\",\"Deadline\":\"@D+45\",\"Kickoff\":\"@T-30\",\"Budget\":120000,\"Progress\":0.4,\"Priority\":5,\"Owner\":[\"Priya Patel\"],\"Notes\":\"Rebuild the app on the new design system.\\nShip to beta first.\",\"Brief\":[{\"url\":\"/__sandbox/attachments/mobile-brief.pdf\",\"filename\":\"mobile-brief.pdf\"}]}");
  add_row (self, projects, "{\"Name\":\"Website redesign\",\"Status\":\"Planned\",\"Tags\":[\"Web\"],\"Start\":\"@D+10\",\"Deadline\":\"@D+90\",\"Budget\":45000.5,\"Progress\":0,\"Priority\":3,\"Owner\":[\"Marco Rossi\"],\"Notes\":\"New landing pages and docs.\"}");
  add_row (self, projects, "{\"Name\":\"Data platform\",\"Status\":\"Blocked\",\"Tags\":[\"Infra\"],\"Start\":\"@D-60\",\"Deadline\":\"@D-5\",\"Kickoff\":\"@T-60\",\"Budget\":80000,\"Progress\":0.75,\"Priority\":4,\"Owner\":[\"Sam Okafor\"]}");
  add_row (self, projects, "{\"Name\":\"Referral program\",\"Status\":\"Done\",\"Tags\":[\"Growth\",\"Web\"],\"Start\":\"@D-120\",\"Deadline\":\"@D-20\",\"Budget\":15000,\"Progress\":1,\"Priority\":2,\"Owner\":[\"Lena Fischer\",\"Dana Demo\"]}");
  add_row (self, projects, "{\"Name\":\"Onboarding revamp\",\"Status\":\"In progress\",\"Tags\":[\"Growth\"],\"Start\":\"@D-7\",\"Deadline\":\"@D+30\",\"Budget\":22000,\"Progress\":0.15,\"Priority\":4,\"Owner\":[\"Dana Demo\"]}");

  add_row (self, tasks, "{\"Title\":\"Design new navigation\",\"Project\":[\"Mobile app 2.0\"],\"Assignee\":[\"Marco Rossi\"],\"Done\":true,\"Estimate\":14400,\"Due\":\"@D-10\",\"Points\":5,\"Labels\":[\"feature\"]}");
  add_row (self, tasks, "{\"Title\":\"Offline sync\",\"Project\":[\"Mobile app 2.0\"],\"Assignee\":[\"Priya Patel\"],\"Estimate\":57600,\"Due\":\"@D+14\",\"Points\":8,\"Labels\":[\"feature\"]}");
  add_row (self, tasks, "{\"Title\":\"Crash on login\",\"Project\":[\"Mobile app 2.0\"],\"Assignee\":[\"Sam Okafor\"],\"Estimate\":3600,\"Due\":\"@D-2\",\"Points\":3,\"Labels\":[\"bug\"]}");
  add_row (self, tasks, "{\"Title\":\"Wireframes\",\"Project\":[\"Website redesign\"],\"Assignee\":[\"Marco Rossi\"],\"Estimate\":28800,\"Due\":\"@D+20\",\"Points\":5}");
  add_row (self, tasks, "{\"Title\":\"Migrate warehouse\",\"Project\":[\"Data platform\"],\"Assignee\":[\"Sam Okafor\",\"Priya Patel\"],\"Estimate\":86400,\"Due\":\"@D-1\",\"Points\":13,\"Labels\":[\"chore\"]}");
  add_row (self, tasks, "{\"Title\":\"Referral emails\",\"Project\":[\"Referral program\"],\"Assignee\":[\"Lena Fischer\"],\"Done\":true,\"Estimate\":7200,\"Due\":\"@D-30\",\"Points\":2,\"Labels\":[\"feature\"]}");
  add_row (self, tasks, "{\"Title\":\"Welcome checklist\",\"Project\":[\"Onboarding revamp\"],\"Assignee\":[\"Dana Demo\"],\"Estimate\":10800,\"Due\":\"@D+7\",\"Points\":3,\"Labels\":[\"feature\"]}");
  add_row (self, tasks, "{\"Title\":\"Fix empty state copy\",\"Project\":[\"Onboarding revamp\"],\"Estimate\":1800,\"Points\":1,\"Labels\":[\"bug\",\"chore\"]}");

  sandbox_table_add_view (people, "Grid view", "grid");
  add_view (people, "Team", "gallery", NULL, "Name", "asc");
  sandbox_table_add_view (projects, "All projects", "grid");
  add_view (projects, "Active projects", "grid", "{Status} != 'Done'", "Deadline", "asc");
  add_view (projects, "Board", "kanban", NULL, NULL, NULL);
  add_view (projects, "Timeline", "timeline", NULL, "Start", "asc");
  sandbox_table_add_view (tasks, "Grid view", "grid");
  add_view (tasks, "Open tasks", "grid", "NOT({Done})", "Due", "asc");
  add_view (tasks, "By status", "kanban", NULL, NULL, NULL);
  {
    SandboxView *view = sandbox_table_find_view (projects, "Active projects");
    SandboxField *notes = sandbox_table_find_field (projects, "Notes");
    SandboxField *brief = sandbox_table_find_field (projects, "Brief");

    view->hidden_field_ids = g_new0 (char *, 3);
    view->hidden_field_ids[0] = g_strdup (notes->id);
    view->hidden_field_ids[1] = g_strdup (brief->id);
  }
  {
    SandboxRecord *first = projects->records->pdata[0];
    SandboxComment *comment;
    SandboxUser *priya = sandbox_server_find_user (self, "priya@hangar.test");

    /* A colleague's comment mentioning the demo user: shown with the name,
     * and not the demo user's to edit. */
    if (priya != NULL)
      {
        comment = g_new0 (SandboxComment, 1);
        comment->id = sandbox_new_id ("com");
        comment->author_id = g_strdup (priya->id);
        comment->text = g_strdup_printf ("@[%s] the crash on login is fixed in today's build.", owner->id);
        comment->created_ms = g_get_real_time () / 1000 - 2 * 86400000;
        sandbox_record_add_comment (first, comment);
      }
    comment = g_new0 (SandboxComment, 1);
    comment->id = sandbox_new_id ("com");
    comment->author_id = g_strdup (owner->id);
    comment->text = g_strdup ("Beta build is on track for next week.");
    comment->created_ms = g_get_real_time () / 1000 - 86400000;
    sandbox_record_add_comment (first, comment);
  }
}

static void
content_calendar (SandboxServer *self,
                  SandboxUser   *owner)
{
  SandboxBase *base = sandbox_base_new ("Content Calendar", owner);
  SandboxTable *posts;

  g_ptr_array_add (self->bases, base);
  posts = sandbox_table_new (base, "Posts");
  add_field (self, posts, "Title", "singleLineText", NULL);
  add_field (self, posts, "Channel", "singleSelect",
             "{\"choices\":[{\"name\":\"Blog\",\"color\":\"blueBright\"},{\"name\":\"Newsletter\",\"color\":\"purpleBright\"},"
             "{\"name\":\"Mastodon\",\"color\":\"cyanBright\"},{\"name\":\"LinkedIn\",\"color\":\"tealDark1\"},{\"name\":\"YouTube\",\"color\":\"redBright\"}]}");
  add_field (self, posts, "Status", "singleSelect",
             "{\"choices\":[{\"name\":\"Idea\",\"color\":\"grayLight2\"},{\"name\":\"Drafting\",\"color\":\"yellowLight2\"},"
             "{\"name\":\"Review\",\"color\":\"orangeLight2\"},{\"name\":\"Scheduled\",\"color\":\"blueLight2\"},{\"name\":\"Published\",\"color\":\"greenLight2\"}]}");
  add_field (self, posts, "Publish at", "dateTime",
             "{\"dateFormat\":{\"name\":\"friendly\",\"format\":\"LL\"},\"timeFormat\":{\"name\":\"12hour\",\"format\":\"h:mma\"},\"timeZone\":\"America/New_York\"}");
  add_field (self, posts, "Author", "singleCollaborator", NULL);
  add_field (self, posts, "Reviewers", "multipleCollaborators", NULL);
  add_field (self, posts, "Topics", "multipleSelects",
             "{\"choices\":[{\"name\":\"Release\",\"color\":\"greenLight1\"},{\"name\":\"Tutorial\",\"color\":\"blueLight1\"},"
             "{\"name\":\"Community\",\"color\":\"pinkLight1\"},{\"name\":\"Hiring\",\"color\":\"purpleLight1\"}]}");
  add_field (self, posts, "Word count", "number", "{\"precision\":0}");
  add_field (self, posts, "Read time", "duration", "{\"durationFormat\":\"h:mm:ss\"}");
  add_field (self, posts, "Hero image", "multipleAttachments", NULL);
  add_field (self, posts, "Link", "url", NULL);
  add_field (self, posts, "Featured", "checkbox", "{\"icon\":\"star\",\"color\":\"yellowBright\"}");
  add_field (self, posts, "Score", "rating", "{\"icon\":\"heart\",\"color\":\"redBright\",\"max\":10}");
  add_field (self, posts, "Ad budget", "currency", "{\"precision\":0,\"symbol\":\"€\"}");
  add_field (self, posts, "Click rate", "percent", "{\"precision\":1}");
  add_field (self, posts, "Draft", "richText", NULL);
  add_field (self, posts, "Created", "createdTime", "{\"result\":{\"type\":\"dateTime\",\"options\":{\"dateFormat\":{\"name\":\"iso\",\"format\":\"YYYY-MM-DD\"},\"timeFormat\":{\"name\":\"24hour\",\"format\":\"HH:mm\"},\"timeZone\":\"utc\"}}}");
  add_field (self, posts, "Headline", "formula",
             "{\"formula\":\"UPPER({Title})\",\"isValid\":true,\"referencedFieldIds\":[],\"result\":{\"type\":\"singleLineText\"}}");

  add_row (self, posts, "{\"Title\":\"Hangar 1.0 is out\",\"Channel\":\"Blog\",\"Status\":\"Published\",\"Publish at\":\"@T-14\",\"Author\":\"demo@hangar.test\",\"Reviewers\":[\"priya@hangar.test\",\"marco@hangar.test\"],\"Topics\":[\"Release\"],\"Word count\":1200,\"Read time\":360,\"Hero image\":[{\"url\":\"/__sandbox/attachments/hero-release.png\",\"filename\":\"hero-release.png\"}],\"Link\":\"https://example.com/blog/hangar-1-0\",\"Featured\":true,\"Score\":9,\"Ad budget\":500,\"Click rate\":0.042,\"Draft\":\"# Hangar 1.0\\n\\nA **native** client.\"}");
  add_row (self, posts, "{\"Title\":\"Getting started with filters\",\"Channel\":\"Blog\",\"Status\":\"Review\",\"Publish at\":\"@T+3\",\"Author\":\"priya@hangar.test\",\"Reviewers\":[\"demo@hangar.test\"],\"Topics\":[\"Tutorial\"],\"Word count\":1800,\"Read time\":540,\"Score\":7}");
  add_row (self, posts, "{\"Title\":\"November newsletter\",\"Channel\":\"Newsletter\",\"Status\":\"Scheduled\",\"Publish at\":\"@T+7\",\"Author\":\"marco@hangar.test\",\"Topics\":[\"Community\",\"Release\"],\"Word count\":650,\"Read time\":200,\"Ad budget\":0}");
  add_row (self, posts, "{\"Title\":\"We're hiring designers\",\"Channel\":\"LinkedIn\",\"Status\":\"Drafting\",\"Author\":\"demo@hangar.test\",\"Topics\":[\"Hiring\"],\"Word count\":300,\"Featured\":true,\"Ad budget\":1500,\"Click rate\":0.013}");
  add_row (self, posts, "{\"Title\":\"Keyboard shortcuts video\",\"Channel\":\"YouTube\",\"Status\":\"Idea\",\"Topics\":[\"Tutorial\"]}");
  add_row (self, posts, "{\"Title\":\"Community spotlight\",\"Channel\":\"Mastodon\",\"Status\":\"Published\",\"Publish at\":\"@T-3\",\"Author\":\"priya@hangar.test\",\"Topics\":[\"Community\"],\"Word count\":80,\"Read time\":30,\"Score\":6,\"Link\":\"https://example.com/@hangar/1\"}");

  sandbox_table_add_view (posts, "Grid view", "grid");
  add_view (posts, "Calendar", "calendar", NULL, "Publish at", "asc");
  add_view (posts, "Pipeline", "kanban", "{Status} != 'Published'", NULL, NULL);
  add_view (posts, "Published", "grid", "{Status} = 'Published'", "Publish at", "desc");
  add_view (posts, "Gallery", "gallery", NULL, NULL, NULL);
  add_view (posts, "Submit an idea", "form", NULL, NULL, NULL);
}

static void
garden_club (SandboxServer *self,
             SandboxUser   *owner)
{
  SandboxBase *base = sandbox_base_new ("Garden Club", owner);
  SandboxTable *plants;

  g_ptr_array_add (self->bases, base);
  plants = sandbox_table_new (base, "Plants");
  add_field (self, plants, "Name", "singleLineText", NULL);
  add_field (self, plants, "Kind", "singleSelect",
             "{\"choices\":[{\"name\":\"Herb\",\"color\":\"greenLight2\"},{\"name\":\"Vegetable\",\"color\":\"orangeLight2\"},{\"name\":\"Flower\",\"color\":\"pinkLight2\"}]}");
  add_field (self, plants, "Planted", "date", "{\"dateFormat\":{\"name\":\"european\",\"format\":\"D/M/YYYY\"}}");
  add_field (self, plants, "Water every (days)", "number", "{\"precision\":0}");
  add_row (self, plants, "{\"Name\":\"Basil\",\"Kind\":\"Herb\",\"Planted\":\"@D-40\",\"Water every (days)\":2}");
  add_row (self, plants, "{\"Name\":\"Tomato\",\"Kind\":\"Vegetable\",\"Planted\":\"@D-70\",\"Water every (days)\":1}");
  add_row (self, plants, "{\"Name\":\"Sunflower\",\"Kind\":\"Flower\",\"Planted\":\"@D-20\",\"Water every (days)\":3}");
  sandbox_table_add_view (plants, "Grid view", "grid");
}

void
sandbox_demo_populate (SandboxServer *self)
{
  SandboxUser *demo = add_user (self, "demo@hangar.test", "Dana Demo");
  SandboxUser *other = add_user (self, "other@hangar.test", "Oskar Other");
  static const char * const read_only[] = { "data.records:read", "schema.bases:read", NULL };

  sandbox_user_add_pat (demo, "read-only", read_only);
  add_user (self, "priya@hangar.test", "Priya Patel");
  add_user (self, "marco@hangar.test", "Marco Rossi");
  add_user (self, "lena@hangar.test", "Lena Fischer");
  add_user (self, "sam@hangar.test", "Sam Okafor");

  self->loading = TRUE;
  roadmap (self, demo);
  content_calendar (self, demo);
  garden_club (self, other);
  self->loading = FALSE;
  sandbox_server_changed (self);
}

/* --generate NAME:N: a base NAME with one table "Records" of N rows, owned
 * by the demo user. Contents are deterministic; record ids are not. */
gboolean
sandbox_demo_generate (SandboxServer *self,
                       const char    *spec,
                       GError       **error)
{
  const char *colon = strrchr (spec, ':');
  g_autofree char *name = NULL;
  gint64 n;
  char *end = NULL;
  SandboxBase *base = NULL;
  SandboxTable *table;
  SandboxField *f_name, *f_number, *f_category, *f_date, *f_done, *f_notes;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  const char *categories[] = { "Alpha", "Beta", "Gamma", "Delta", "Epsilon" };
  const char *words[] = { "apple", "river", "stone", "cloud", "ember", "maple", "orbit", "pixel", "quartz", "tulip" };
  gint64 base_ms = 1700000000000;

  if (colon == NULL || colon == spec)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--generate expects NAME:N, got \"%s\"", spec);
      return FALSE;
    }
  n = g_ascii_strtoll (colon + 1, &end, 10);
  if (end == NULL || *end != '\0' || n < 0 || n > 5000000)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--generate: bad record count in \"%s\"", spec);
      return FALSE;
    }
  name = g_strndup (spec, colon - spec);

  /* a generated base from a saved state keeps its id */
  for (guint i = 0; i < self->bases->len; i++)
    {
      SandboxBase *b = self->bases->pdata[i];

      if (g_strcmp0 (b->generated_spec, spec) == 0)
        {
          base = b;
          g_ptr_array_set_size (base->tables, 0);
        }
    }
  if (base == NULL)
    {
      base = sandbox_base_new (name, self->users->pdata[0]);
      base->generated_spec = g_strdup (spec);
      g_ptr_array_add (self->bases, base);
    }

  self->loading = TRUE;
  table = sandbox_table_new (base, "Records");
  f_name = add_field (self, table, "Name", "singleLineText", NULL);
  f_number = add_field (self, table, "Number", "number", "{\"precision\":2}");
  f_category = add_field (self, table, "Category", "singleSelect",
                          "{\"choices\":[{\"name\":\"Alpha\"},{\"name\":\"Beta\"},{\"name\":\"Gamma\"},{\"name\":\"Delta\"},{\"name\":\"Epsilon\"}]}");
  f_date = add_field (self, table, "Date", "date", "{\"dateFormat\":{\"name\":\"iso\"}}");
  f_done = add_field (self, table, "Done", "checkbox", NULL);
  f_notes = add_field (self, table, "Notes", "multilineText", NULL);
  add_field (self, table, "Row", "autoNumber", NULL);
  sandbox_table_add_view (table, "Grid view", "grid");

  for (gint64 i = 0; i < n; i++)
    {
      SandboxRecord *record = sandbox_record_new (table);
      char buf[64];
      gint64 day = g_rand_int_range (rand, 0, 3650);
      g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc (1600000000 + day * 86400);
      g_autofree char *date_text = g_date_time_format (date, "%Y-%m-%d");

      record->created_ms = base_ms + i * 1000;
      g_snprintf (buf, sizeof buf, "%s %s %" G_GINT64_FORMAT, words[g_rand_int_range (rand, 0, 10)],
                  words[g_rand_int_range (rand, 0, 10)], i + 1);
      json_object_set_string_member (record->cells, f_name->id, buf);
      json_object_set_double_member (record->cells, f_number->id, g_rand_int_range (rand, 0, 1000000) / 100.0);
      json_object_set_string_member (record->cells, f_category->id, categories[g_rand_int_range (rand, 0, 5)]);
      json_object_set_string_member (record->cells, f_date->id, date_text);
      if (g_rand_boolean (rand))
        json_object_set_boolean_member (record->cells, f_done->id, TRUE);
      if (i % 10 == 0)
        json_object_set_string_member (record->cells, f_notes->id, "Every tenth record has a note.");
    }
  self->loading = FALSE;
  return TRUE;
}
