/* hangar-private-dir.c — Hangar's own directories, private to the user
 *
 * Used for the metadata files (config dir) and the refresh lock files
 * (runtime dir).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hangar-account-private.h"

gboolean
_hangar_auth_ensure_private_dir (const char  *dir,
                                 GError     **error)
{
  g_autofree char *base = g_path_get_basename (dir);
  GStatBuf st;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "Could not create %s: %s", dir, g_strerror (errsv));
      return FALSE;
    }
  /* An older or hand-made directory may be readable by others. */
  if (g_str_equal (base, "hangar") && g_stat (dir, &st) == 0 &&
      st.st_uid == getuid () && (st.st_mode & 077) != 0 &&
      g_chmod (dir, 0700) != 0)
    {
      int errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "Could not make %s private: %s", dir, g_strerror (errsv));
      return FALSE;
    }
  return TRUE;
}
