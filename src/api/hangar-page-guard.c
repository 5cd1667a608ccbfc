/* hangar-page-guard.c — refusing a listing that goes round in circles
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-error.h"
#include "hangar-page-guard.h"
#include "hangar-redact.h"

struct _HangarPageGuard
{
  GHashTable *offsets;        /* every offset given in this pass */
  guint       replay_budget;  /* records that may come again after a restart */
  guint       empty_run;      /* empty pages in a row */
};

/**
 * hangar_page_guard_new:
 *
 * Returns: (transfer full): a guard for one listing
 */
HangarPageGuard *
hangar_page_guard_new (void)
{
  HangarPageGuard *self = g_new0 (HangarPageGuard, 1);

  self->offsets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return self;
}

void
hangar_page_guard_free (HangarPageGuard *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->offsets);
  g_free (self);
}

/**
 * hangar_page_guard_check:
 * @self: a #HangarPageGuard
 * @n_records: records on the page
 * @n_new: how many of them were not seen before in this listing
 * @next_offset: (nullable): the page's offset, %NULL on the last page
 * @error: return location for a %HANGAR_API_ERROR_INVALID_RESPONSE
 *
 * Returns: %TRUE when the listing may go on with @next_offset
 */
gboolean
hangar_page_guard_check (HangarPageGuard  *self,
                         guint             n_records,
                         guint             n_new,
                         const char       *next_offset,
                         GError          **error)
{
  guint repeated;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (n_new <= n_records, FALSE);

  repeated = n_records - n_new;
  if (n_records > 0 && n_new == 0 && repeated > self->replay_budget)
    {
      g_set_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE,
                   "The server repeated a page: none of its %u records is new; the listing "
                   "stopped instead of asking for more", n_records);
      return FALSE;
    }
  self->replay_budget -= MIN (self->replay_budget, repeated);

  if (next_offset == NULL)
    return TRUE;

  if (n_records == 0)
    {
      if (++self->empty_run > HANGAR_PAGE_GUARD_MAX_EMPTY_PAGES)
        {
          g_set_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE,
                       "The server repeated a page: %u pages in a row held no records; the "
                       "listing stopped instead of asking for more", self->empty_run);
          return FALSE;
        }
    }
  else
    self->empty_run = 0;

  if (!g_hash_table_add (self->offsets, g_strdup (next_offset)))
    {
      g_autofree char *redacted = hangar_redact (next_offset);
      g_autofree char *valid = g_utf8_make_valid (redacted, -1);
      g_autofree char *shown = g_utf8_strlen (valid, -1) > 80 ? g_utf8_substring (valid, 0, 80) : g_strdup (valid);

      g_set_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE,
                   "The server repeated a page: it gave the offset “%s” a second time; the "
                   "listing stopped instead of asking for it again", shown);
      return FALSE;
    }
  return TRUE;
}

void
hangar_page_guard_restart (HangarPageGuard *self,
                           guint            n_seen)
{
  g_return_if_fail (self != NULL);

  g_hash_table_remove_all (self->offsets);
  self->replay_budget = n_seen;
  self->empty_run = 0;
}
