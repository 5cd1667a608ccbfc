/* hangar-test-secrets.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE 1   /* memmem */
#include "config.h"

#include <string.h>

#include "hangar-test-secrets.h"

struct _HangarTestSecrets
{
  GPtrArray *values;
};

HangarTestSecrets *
hangar_test_secrets_new (void)
{
  HangarTestSecrets *secrets = g_new0 (HangarTestSecrets, 1);

  secrets->values = g_ptr_array_new_with_free_func (g_free);
  return secrets;
}

void
hangar_test_secrets_free (HangarTestSecrets *secrets)
{
  if (secrets == NULL)
    return;
  g_ptr_array_unref (secrets->values);
  g_free (secrets);
}

void
hangar_test_secrets_add (HangarTestSecrets *secrets,
                         const char        *secret)
{
  if (secret == NULL || *secret == '\0' ||
      g_ptr_array_find_with_equal_func (secrets->values, secret, g_str_equal, NULL))
    return;
  g_ptr_array_add (secrets->values, g_strdup (secret));
}

guint
hangar_test_secrets_get_n (HangarTestSecrets *secrets)
{
  return secrets->values->len;
}

gboolean
hangar_test_text_contains_secret (const char *text,
                                  const char *secret)
{
  return text != NULL && secret != NULL && *secret != '\0' && strstr (text, secret) != NULL;
}

/* The index of the first secret found in @data, or -1. */
static int
find_secret (HangarTestSecrets *secrets,
             const char        *data,
             gsize              len)
{
  for (guint i = 0; i < secrets->values->len; i++)
    {
      const char *secret = g_ptr_array_index (secrets->values, i);

      if (memmem (data, len, secret, strlen (secret)) != NULL)
        return (int) i;
    }
  return -1;
}

void
hangar_test_secrets_assert_not_in_text (HangarTestSecrets *secrets,
                                        const char        *what,
                                        const char        *text)
{
  int found;

  if (text == NULL)
    return;
  found = find_secret (secrets, text, strlen (text));
  if (found >= 0)
    g_error ("A secret (number %d of %u, %zu characters) appears in %s",
             found + 1, secrets->values->len,
             strlen (g_ptr_array_index (secrets->values, found)), what);
}

static void
scan_dir (HangarTestSecrets *secrets,
          const char        *dir,
          guint             *n_files)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize len = 0;
      int found;

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          scan_dir (secrets, path, n_files);
          continue;
        }
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) ||
          !g_file_get_contents (path, &contents, &len, NULL))
        continue;
      (*n_files)++;
      found = find_secret (secrets, contents, len);
      if (found >= 0)
        g_error ("A secret (number %d of %u, %zu characters) was written to %s",
                 found + 1, secrets->values->len,
                 strlen (g_ptr_array_index (secrets->values, found)), path);
    }
}

guint
hangar_test_secrets_assert_not_in_dir (HangarTestSecrets *secrets,
                                       const char        *dir)
{
  guint n_files = 0;

  scan_dir (secrets, dir, &n_files);
  return n_files;
}

guint
hangar_test_secrets_assert_not_in_xdg_dirs (HangarTestSecrets *secrets)
{
  /* GLib keeps the first g_get_user_*_dir() answer for the whole process:
   * read the variables, which hangar_test_isolate_home() sets. */
  const struct {
    const char *var;
    const char *(*fallback) (void);
  } dirs[] = {
    { "XDG_CONFIG_HOME", g_get_user_config_dir },
    { "XDG_DATA_HOME", g_get_user_data_dir },
    { "XDG_CACHE_HOME", g_get_user_cache_dir },
    { "XDG_RUNTIME_DIR", g_get_user_runtime_dir },
  };
  guint n_files = 0;

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      const char *dir = g_getenv (dirs[i].var);

      n_files += hangar_test_secrets_assert_not_in_dir (secrets, dir != NULL ? dir : dirs[i].fallback ());
    }
  return n_files;
}
