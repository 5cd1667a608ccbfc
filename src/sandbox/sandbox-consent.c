/* sandbox-consent.c — the HTML of the sandbox's OAuth consent page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sandbox-consent.h"
#include "sandbox-oauth.h"

static const char page_css[] =
  ":root{color-scheme:light dark;--bg:#f6f5f4;--card:#fff;--fg:#1e1e1e;--muted:#5e5c64;"
  "--line:#deddda;--accent:#1c71d8;--accent-fg:#fff;--soft:#f0f4fb;--warn-bg:#fdf0d5;--warn-fg:#6b4500;"
  "--danger:#c01c28}"
  "@media (prefers-color-scheme:dark){:root{--bg:#1d1d20;--card:#2a2a2e;--fg:#f6f5f4;--muted:#b7b5bd;"
  "--line:#3d3d42;--accent:#3584e4;--soft:#24314a;--warn-bg:#4a3a12;--warn-fg:#f8e45c}}"
  "*{box-sizing:border-box}"
  "body{margin:0;min-height:100vh;background:var(--bg);color:var(--fg);"
  "font:15px/1.5 Cantarell,'Noto Sans','Segoe UI',system-ui,sans-serif;display:flex;"
  "align-items:flex-start;justify-content:center;padding:48px 16px}"
  "main{width:100%;max-width:520px;background:var(--card);border:1px solid var(--line);"
  "border-radius:14px;box-shadow:0 2px 12px rgba(0,0,0,.08);overflow:hidden}"
  ".top{padding:28px 32px 20px;border-bottom:1px solid var(--line)}"
  ".brand{display:flex;align-items:center;gap:10px;color:var(--muted);font-size:13px;"
  "font-weight:600;letter-spacing:.02em;text-transform:uppercase;margin:0 0 14px}"
  ".logo{width:28px;height:28px;border-radius:8px;background:linear-gradient(135deg,#fcb400 0 33%,"
  "#18bfff 33% 66%,#f82b60 66%)}"
  "h1{font-size:22px;line-height:1.3;margin:0}"
  "h1 strong{color:var(--accent)}"
  ".sub{margin:6px 0 0;color:var(--muted);font-size:13px;word-break:break-all}"
  "form{margin:0}"
  "section{padding:18px 32px;border-bottom:1px solid var(--line)}"
  "h2{font-size:13px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin:0 0 10px}"
  ".account{display:flex;gap:8px}"
  "select{flex:1;min-width:0;font:inherit;color:inherit;background:var(--card);border:1px solid var(--line);"
  "border-radius:8px;padding:7px 10px}"
  "ul.scopes{list-style:none;margin:0;padding:0}"
  "ul.scopes li{position:relative;padding:5px 0 5px 28px}"
  "ul.scopes li::before{content:'';position:absolute;left:4px;top:11px;width:10px;height:5px;"
  "border-left:2px solid var(--accent);border-bottom:2px solid var(--accent);transform:rotate(-45deg)}"
  "ul.scopes code{color:var(--muted);font-size:12px;margin-left:6px}"
  "fieldset{border:1px solid var(--line);border-radius:10px;margin:0 0 12px;padding:6px 0}"
  "legend{padding:0 8px;margin-left:10px;font-weight:600;font-size:14px}"
  "label.base{display:flex;align-items:center;gap:12px;padding:7px 16px;cursor:pointer}"
  "label.base:hover{background:var(--soft)}"
  "label.base input{width:18px;height:18px;accent-color:var(--accent);margin:0}"
  "label.base span small{display:block;color:var(--muted);font-size:12px}"
  ".empty{color:var(--muted);margin:0}"
  ".notice{margin:16px 32px 0;padding:10px 14px;border-radius:8px;background:var(--warn-bg);"
  "color:var(--warn-fg)}"
  ".fine{padding:14px 32px 0;color:var(--muted);font-size:13px;margin:0}"
  ".actions{display:flex;justify-content:flex-end;gap:10px;padding:18px 32px 26px}"
  "button{font:inherit;font-weight:600;border-radius:8px;padding:8px 18px;cursor:pointer;white-space:nowrap;"
  "border:1px solid var(--line);background:var(--card);color:var(--fg)}"
  "button:hover{filter:brightness(.96)}"
  "button:focus-visible,select:focus-visible,input:focus-visible{outline:2px solid var(--accent);"
  "outline-offset:2px}"
  "button.primary{background:var(--accent);border-color:var(--accent);color:var(--accent-fg)}"
  ".error h1{color:var(--danger)}"
  ".error .top{border-bottom:0;padding-bottom:28px}"
  ".error p.detail{margin:12px 0 0}";

static void
append_escaped (GString    *s,
                const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text != NULL ? text : "", -1);

  g_string_append (s, escaped);
}

static void
append_head (GString    *s,
             const char *title)
{
  g_string_append (s, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                      "<meta name=\"referrer\" content=\"no-referrer\">\n<title>");
  append_escaped (s, title);
  g_string_append (s, " · Airtable sandbox</title>\n<style>");
  g_string_append (s, page_css);
  g_string_append (s, "</style>\n</head>\n");
}

GString *
sandbox_consent_render (const SandboxConsentPage *page)
{
  GString *s = g_string_sized_new (8192);
  g_autofree char *title = g_strdup_printf ("Authorize %s", page->integration_name);
  g_autoptr(GPtrArray) workspaces = g_ptr_array_new ();
  const SandboxOAuthUser *current = NULL;

  append_head (s, title);
  g_string_append (s, "<body>\n<main>\n<div class=\"top\">\n"
                      "<p class=\"brand\"><span class=\"logo\" aria-hidden=\"true\"></span>Airtable sandbox</p>\n"
                      "<h1><strong>");
  append_escaped (s, page->integration_name);
  g_string_append (s, "</strong> wants to access your Airtable bases</h1>\n<p class=\"sub\">After you decide you will be sent back to ");
  append_escaped (s, page->redirect_uri);
  g_string_append (s, "</p>\n</div>\n");

  if (page->message != NULL)
    {
      g_string_append (s, "<p class=\"notice\" role=\"alert\">");
      append_escaped (s, page->message);
      g_string_append (s, "</p>\n");
    }

  g_string_append (s, "<form method=\"post\" action=\"");
  append_escaped (s, page->action);
  g_string_append (s, "\" enctype=\"application/x-www-form-urlencoded\">\n"
                      "<input type=\"hidden\" name=\"form_token\" value=\"");
  append_escaped (s, page->form_token);
  g_string_append (s, "\">\n");

  /* Account */
  g_string_append (s, "<section>\n<h2><label for=\"user\">Signed in as</label></h2>\n"
                      "<div class=\"account\">\n<select id=\"user\" name=\"user\">\n");
  for (guint i = 0; i < page->users->len; i++)
    {
      const SandboxOAuthUser *user = g_ptr_array_index (page->users, i);
      gboolean selected = g_strcmp0 (user->id, page->current_user_id) == 0;

      if (selected)
        current = user;
      g_string_append (s, "<option value=\"");
      append_escaped (s, user->id);
      g_string_append_printf (s, "\"%s>", selected ? " selected" : "");
      append_escaped (s, user->name);
      if (user->email != NULL && user->email[0] != '\0')
        {
          g_string_append (s, " (");
          append_escaped (s, user->email);
          g_string_append (s, ")");
        }
      g_string_append (s, "</option>\n");
    }
  g_string_append (s, "</select>\n<button type=\"submit\" name=\"action\" value=\"switch\">Switch</button>\n"
                      "</div>\n</section>\n");

  /* Scopes */
  g_string_append (s, "<section>\n<h2>It will be able to</h2>\n<ul class=\"scopes\">\n");
  for (guint i = 0; page->scopes != NULL && page->scopes[i] != NULL; i++)
    {
      g_string_append (s, "<li>");
      append_escaped (s, sandbox_oauth_describe_scope (page->scopes[i]));
      g_string_append (s, "<code>");
      append_escaped (s, page->scopes[i]);
      g_string_append (s, "</code></li>\n");
    }
  g_string_append (s, "</ul>\n</section>\n");

  /* Bases, grouped by workspace in the order the core lists them */
  g_string_append (s, "<section>\n<h2>In the bases you choose</h2>\n");
  for (guint i = 0; i < page->bases->len; i++)
    {
      const SandboxOAuthBase *base = g_ptr_array_index (page->bases, i);
      const char *ws = base->workspace != NULL ? base->workspace : "Workspace";
      gboolean seen = FALSE;

      for (guint j = 0; j < workspaces->len && !seen; j++)
        seen = g_str_equal (g_ptr_array_index (workspaces, j), ws);
      if (!seen)
        g_ptr_array_add (workspaces, (gpointer) ws);
    }
  if (page->bases->len == 0)
    g_string_append (s, "<p class=\"empty\">This account has no bases. Switch to another account or cancel.</p>\n");
  for (guint j = 0; j < workspaces->len; j++)
    {
      const char *ws = g_ptr_array_index (workspaces, j);

      g_string_append (s, "<fieldset>\n<legend>");
      append_escaped (s, ws);
      g_string_append (s, "</legend>\n");
      for (guint i = 0; i < page->bases->len; i++)
        {
          const SandboxOAuthBase *base = g_ptr_array_index (page->bases, i);

          if (!g_str_equal (base->workspace != NULL ? base->workspace : "Workspace", ws))
            continue;
          g_string_append (s, "<label class=\"base\"><input type=\"checkbox\" name=\"base\" value=\"");
          append_escaped (s, base->id);
          g_string_append (s, "\"><span>");
          append_escaped (s, base->name);
          g_string_append (s, "<small>");
          append_escaped (s, base->id);
          g_string_append (s, "</small></span></label>\n");
        }
      g_string_append (s, "</fieldset>\n");
    }
  g_string_append (s, "</section>\n");

  g_string_append (s, "<p class=\"fine\">");
  if (current != NULL)
    {
      g_string_append (s, "Only the bases you tick are shared, and only while ");
      append_escaped (s, current->name);
      g_string_append (s, " keeps access to them. ");
    }
  g_string_append (s, "You can revoke this access at any time.</p>\n"
                      "<div class=\"actions\">\n"
                      "<button type=\"submit\" name=\"action\" value=\"cancel\">Cancel</button>\n"
                      "<button type=\"submit\" name=\"action\" value=\"grant\" class=\"primary\">Grant access</button>\n"
                      "</div>\n</form>\n</main>\n</body>\n</html>\n");
  return s;
}

GString *
sandbox_consent_render_error (const char *title,
                              const char *detail)
{
  GString *s = g_string_sized_new (4096);

  append_head (s, title);
  g_string_append (s, "<body>\n<main class=\"error\">\n<div class=\"top\">\n"
                      "<p class=\"brand\"><span class=\"logo\" aria-hidden=\"true\"></span>Airtable sandbox</p>\n<h1>");
  append_escaped (s, title);
  g_string_append (s, "</h1>\n<p class=\"detail\">");
  append_escaped (s, detail);
  g_string_append (s, "</p>\n</div>\n</main>\n</body>\n</html>\n");
  return s;
}
