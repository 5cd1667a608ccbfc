/* hangar-page-guard.h — refusing a listing that goes round in circles
 *
 * A server (or a proxy) that keeps answering with an offset it gave before,
 * or with pages of records already seen, would make a page loop run for
 * ever. Every loop over "offset" pages in Hangar feeds each page to a
 * HangarPageGuard and stops with its error instead of asking again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Pages in a row without a single record (but with an offset) that are
 * accepted before the listing is called circular. Airtable fills its
 * pages; records deleted while a listing runs can empty some. */
#define HANGAR_PAGE_GUARD_MAX_EMPTY_PAGES 10

typedef struct _HangarPageGuard HangarPageGuard;

HangarPageGuard *hangar_page_guard_new     (void);
void             hangar_page_guard_free    (HangarPageGuard  *self);

/* Checks one page: @n_records it held, @n_new of them not seen before in
 * this listing (the caller keeps the ids), and the @next_offset it gave
 * (NULL on the last page). Fails with HANGAR_API_ERROR_INVALID_RESPONSE
 * ("The server repeated a page…") when @next_offset was given before, when
 * a page holds records but none is new, or after too many empty pages;
 * the caller must then stop instead of requesting @next_offset. */
gboolean         hangar_page_guard_check   (HangarPageGuard  *self,
                                            guint             n_records,
                                            guint             n_new,
                                            const char       *next_offset,
                                            GError          **error);

/* The listing starts again from its first page (e.g. after
 * LIST_RECORDS_ITERATOR_NOT_AVAILABLE) with @n_seen records already known:
 * offsets may come again, and up to @n_seen records may be repeated before
 * a page without anything new is an error. */
void             hangar_page_guard_restart (HangarPageGuard  *self,
                                            guint             n_seen);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarPageGuard, hangar_page_guard_free)

G_END_DECLS
