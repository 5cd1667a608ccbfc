/* hangar-about.c — the About window: credits, licence, links, the newest
 * release's notes (from the metainfo the app carries, data/meson.build) and
 * the debug info a bug report asks for
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <dlfcn.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsecret/secret.h>
#include <libsoup/soup.h>
#include <sqlite3.h>
#include <string.h>

#include "hangar-about.h"

#define METAINFO_RESOURCE "/io/github/tablehangar/Hangar/metainfo.xml"
/* The library the consent module links; looked up only if already loaded. */
#define WEBKIT_SONAME "libwebkitgtk-6.0.so.4"

typedef struct
{
  gboolean    collect;       /* pass 1: which languages the notes have */
  GHashTable *langs;
  const char *lang;          /* pass 2: the one to render, NULL: untranslated */
  int         depth;
  int         skip_depth;    /* > 0: inside an element left out */
  int         release_depth;
  int         desc_depth;
  gboolean    in_releases;
  gboolean    done;
  char       *version;
  GString    *out;
  GString    *list;          /* the <ul>/<ol> being read */
  char       *list_tag;
  guint       list_items;
  GString    *para;          /* the <p>/<li> being read */
} NotesParse;

static const char *
attribute (const char  *name,
           const char **names,
           const char **values)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (strcmp (names[i], name) == 0)
      return values[i];
  return NULL;
}

static void
notes_start_cb (GMarkupParseContext  *context,
                const char           *element,
                const char          **names,
                const char          **values,
                gpointer              user_data,
                GError              **error)
{
  NotesParse *p = user_data;
  const char *lang;

  p->depth++;
  if (p->skip_depth > 0 || p->done)
    return;

  if (p->release_depth == 0)
    {
      if (strcmp (element, "releases") == 0)
        p->in_releases = TRUE;
      else if (p->in_releases && strcmp (element, "release") == 0)
        {
          p->release_depth = p->depth;
          p->version = g_strdup (attribute ("version", names, values));
        }
      return;
    }

  if (p->desc_depth == 0)
    {
      if (strcmp (element, "description") == 0 && p->depth == p->release_depth + 1)
        p->desc_depth = p->depth;
      return;
    }

  lang = attribute ("xml:lang", names, values);
  if (p->collect)
    {
      if (strcmp (element, "p") == 0 || strcmp (element, "li") == 0)
        g_hash_table_add (p->langs, g_strdup (lang != NULL ? lang : ""));
      return;
    }
  if (strcmp (element, "p") == 0 || strcmp (element, "li") == 0)
    {
      if (g_strcmp0 (lang, p->lang) != 0 || p->para != NULL ||
          (strcmp (element, "li") == 0) != (p->list != NULL))
        {
          p->skip_depth = p->depth;
          return;
        }
      p->para = g_string_new (NULL);
    }
  else if ((strcmp (element, "ul") == 0 || strcmp (element, "ol") == 0) &&
           p->list == NULL && p->para == NULL)
    {
      p->list = g_string_new (NULL);
      p->list_tag = g_strdup (element);
      p->list_items = 0;
    }
  else if ((strcmp (element, "em") == 0 || strcmp (element, "code") == 0) && p->para != NULL)
    g_string_append_printf (p->para, "<%s>", element);
  else
    p->skip_depth = p->depth;
}

static void
notes_end_cb (GMarkupParseContext  *context,
              const char           *element,
              gpointer              user_data,
              GError              **error)
{
  NotesParse *p = user_data;
  int depth = p->depth--;

  if (p->skip_depth > 0)
    {
      if (p->skip_depth == depth)
        p->skip_depth = 0;
      return;
    }
  if (p->done || p->release_depth == 0)
    return;

  if (depth == p->release_depth || depth == p->desc_depth)
    {
      /* Only the newest release, which AppStream lists first. */
      p->done = TRUE;
      return;
    }
  if (p->desc_depth == 0 || p->collect)
    return;

  if ((strcmp (element, "p") == 0 || strcmp (element, "li") == 0) && p->para != NULL)
    {
      GString *target = p->list != NULL ? p->list : p->out;

      g_strstrip (p->para->str);
      g_string_append_printf (target, "<%s>%s</%s>", element, p->para->str, element);
      g_string_free (p->para, TRUE);
      p->para = NULL;
      if (p->list != NULL)
        p->list_items++;
    }
  else if ((strcmp (element, "ul") == 0 || strcmp (element, "ol") == 0) && p->list != NULL)
    {
      if (p->list_items > 0)
        g_string_append_printf (p->out, "<%s>%s</%s>", p->list_tag, p->list->str, p->list_tag);
      g_string_free (p->list, TRUE);
      p->list = NULL;
      g_clear_pointer (&p->list_tag, g_free);
    }
  else if (p->para != NULL)
    g_string_append_printf (p->para, "</%s>", element);
}

static void
notes_text_cb (GMarkupParseContext  *context,
               const char           *text,
               gsize                 length,
               gpointer              user_data,
               GError              **error)
{
  NotesParse *p = user_data;
  gboolean space = FALSE;

  if (p->skip_depth > 0 || p->para == NULL)
    return;

  /* The file's line breaks and indentation are not the text's. */
  for (gsize i = 0; i < length; i++)
    {
      if (g_ascii_isspace (text[i]))
        {
          space = TRUE;
          continue;
        }
      if (space && p->para->len > 0)
        g_string_append_c (p->para, ' ');
      space = FALSE;
      switch (text[i])
        {
        case '<': g_string_append (p->para, "&lt;"); break;
        case '>': g_string_append (p->para, "&gt;"); break;
        case '&': g_string_append (p->para, "&amp;"); break;
        default: g_string_append_c (p->para, text[i]); break;
        }
    }
  if (space && p->para->len > 0)
    g_string_append_c (p->para, ' ');
}

static gboolean
notes_run (NotesParse  *p,
           const char  *metainfo,
           gssize       length,
           GError     **error)
{
  static const GMarkupParser parser = { notes_start_cb, notes_end_cb, notes_text_cb, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = g_markup_parse_context_new (&parser, 0, p, NULL);

  return g_markup_parse_context_parse (context, metainfo, length, error) &&
         g_markup_parse_context_end_parse (context, error);
}

static void
notes_reset (NotesParse *p)
{
  p->depth = p->skip_depth = p->release_depth = p->desc_depth = 0;
  p->in_releases = p->done = FALSE;
  g_clear_pointer (&p->version, g_free);
  if (p->list != NULL)
    g_string_free (p->list, TRUE);
  if (p->para != NULL)
    g_string_free (p->para, TRUE);
  p->list = p->para = NULL;
  g_clear_pointer (&p->list_tag, g_free);
}

gboolean
hangar_about_parse_release_notes (const char  *metainfo,
                                  gssize       length,
                                  char       **out_version,
                                  char       **out_notes,
                                  GError     **error)
{
  NotesParse p = { 0 };
  const char * const *names = g_get_language_names ();
  gboolean ok;

  g_return_val_if_fail (metainfo != NULL, FALSE);

  p.collect = TRUE;
  p.langs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  p.out = g_string_new (NULL);
  ok = notes_run (&p, metainfo, length, error);

  /* The user's languages in order of preference ("de_DE", then "de"). */
  for (guint i = 0; ok && names[i] != NULL && strcmp (names[i], "C") != 0; i++)
    if (g_hash_table_contains (p.langs, names[i]))
      {
        p.lang = names[i];
        break;
      }

  if (ok)
    {
      notes_reset (&p);
      p.collect = FALSE;
      ok = notes_run (&p, metainfo, length, error);
    }
  if (ok && p.version == NULL)
    {
      g_set_error_literal (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                           "The metainfo lists no release");
      ok = FALSE;
    }
  if (ok)
    {
      *out_version = g_steal_pointer (&p.version);
      *out_notes = g_string_free (g_steal_pointer (&p.out), FALSE);
    }

  notes_reset (&p);
  if (p.out != NULL)
    g_string_free (p.out, TRUE);
  g_hash_table_unref (p.langs);
  return ok;
}

/* WebKitGTK's version if the consent module has loaded it (it is never
 * loaded just to say so). */
static char *
webkit_version (void)
{
  void *handle = dlopen (WEBKIT_SONAME, RTLD_LAZY | RTLD_NOLOAD);
  guint (*major) (void), (*minor) (void), (*micro) (void);
  char *version = NULL;

  if (handle == NULL)
    return NULL;
  major = (guint (*) (void)) dlsym (handle, "webkit_get_major_version");
  minor = (guint (*) (void)) dlsym (handle, "webkit_get_minor_version");
  micro = (guint (*) (void)) dlsym (handle, "webkit_get_micro_version");
  if (major != NULL && minor != NULL && micro != NULL)
    version = g_strdup_printf ("%u.%u.%u", major (), minor (), micro ());
  dlclose (handle);
  return version;
}

char *
hangar_about_dup_debug_info (const char *sandbox_url)
{
  GString *info = g_string_new (NULL);
  g_autofree char *os = g_get_os_info (G_OS_INFO_KEY_PRETTY_NAME);
  g_autofree char *webkit = webkit_version ();
  GdkDisplay *display = gdk_display_get_default ();

  g_string_append_printf (info, "Hangar %s (%s, profile %s)\n", PACKAGE_VERSION, APP_ID, PROFILE);
  g_string_append_printf (info, "Flatpak: %s\n",
                          g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS) ? "yes" : "no");
  g_string_append_printf (info, "OS: %s\n", os != NULL ? os : "unknown");
  g_string_append_printf (info, "Display: %s\n",
                          display != NULL ? G_OBJECT_TYPE_NAME (display) : "none");
  g_string_append_printf (info, "Sandbox mode: %s\n",
                          sandbox_url != NULL ? sandbox_url : "off");
  g_string_append (info, "\n");
  g_string_append_printf (info, "GLib %u.%u.%u\n", glib_major_version, glib_minor_version, glib_micro_version);
  g_string_append_printf (info, "GTK %u.%u.%u\n", gtk_get_major_version (), gtk_get_minor_version (),
                          gtk_get_micro_version ());
  g_string_append_printf (info, "libadwaita %u.%u.%u\n", adw_get_major_version (), adw_get_minor_version (),
                          adw_get_micro_version ());
  g_string_append_printf (info, "libsoup %u.%u.%u\n", soup_get_major_version (), soup_get_minor_version (),
                          soup_get_micro_version ());
  /* These two have no run-time version call: the headers built against. */
  g_string_append_printf (info, "json-glib %s (built with)\n", JSON_VERSION_S);
  g_string_append_printf (info, "libsecret %d.%d.%d (built with)\n", SECRET_MAJOR_VERSION,
                          SECRET_MINOR_VERSION, SECRET_MICRO_VERSION);
  g_string_append_printf (info, "SQLite %s\n", sqlite3_libversion ());
  if (webkit != NULL)
    g_string_append_printf (info, "WebKitGTK %s\n", webkit);
  else
    g_string_append (info, "WebKitGTK not loaded (only a sign-in page loads it)\n");

  return g_string_free (info, FALSE);
}

GtkWindow *
hangar_about_show (GtkWindow  *parent,
                   const char *sandbox_url)
{
  static const char *developers[] = {
    "The Hangar contributors https://github.com/tablehangar/hangar/graphs/contributors",
    NULL
  };
  g_autoptr(GBytes) metainfo = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *debug_info = hangar_about_dup_debug_info (sandbox_url);
  g_autofree char *notes_version = NULL;
  g_autofree char *notes = NULL;
  /* Translators: your names, one per line, as "Name <email>" or "Name URL". */
  const char *translators = _("translator-credits");
  AdwAboutWindow *about;

  about = ADW_ABOUT_WINDOW (adw_about_window_new ());
  if (parent != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (about), parent);
  gtk_window_set_modal (GTK_WINDOW (about), parent != NULL);

  adw_about_window_set_application_name (about, _("Hangar"));
  adw_about_window_set_application_icon (about, APP_ID);
  adw_about_window_set_version (about, PACKAGE_VERSION);
  adw_about_window_set_developer_name (about, _("The Hangar contributors"));
  adw_about_window_set_comments (about, _("A desktop app for Airtable: browse your bases' records "
                                          "and schema, and watch the accounts that reach them."));
  adw_about_window_set_website (about, PACKAGE_WEBSITE);
  adw_about_window_set_issue_url (about, PACKAGE_BUGREPORTS);
  adw_about_window_set_license_type (about, GTK_LICENSE_GPL_3_0);
  adw_about_window_set_copyright (about, _("© 2026 The Hangar contributors"));
  adw_about_window_set_developers (about, developers);
  if (strcmp (translators, "translator-credits") != 0)
    adw_about_window_set_translator_credits (about, translators);
  adw_about_window_add_legal_section (about, "Airtable", NULL, GTK_LICENSE_CUSTOM,
                                      _("Hangar is an independent project, not made or endorsed by Airtable."));

  metainfo = g_resources_lookup_data (METAINFO_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (metainfo != NULL &&
      hangar_about_parse_release_notes (g_bytes_get_data (metainfo, NULL), g_bytes_get_size (metainfo),
                                        &notes_version, &notes, &error))
    {
      adw_about_window_set_release_notes_version (about, notes_version);
      adw_about_window_set_release_notes (about, notes);
    }
  else
    g_warning ("No release notes for the About window: %s", error->message);

  adw_about_window_set_debug_info (about, debug_info);
  adw_about_window_set_debug_info_filename (about, "hangar-debug-info.txt");

  gtk_window_present (GTK_WINDOW (about));
  return GTK_WINDOW (about);
}
