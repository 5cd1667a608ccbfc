/* hangar-link-cache.h — primary values of linked records, fetched lazily
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hangar-field.h"
#include "hangar-types.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_LINK_CACHE (hangar_link_cache_get_type ())

G_DECLARE_FINAL_TYPE (HangarLinkCache, hangar_link_cache, HANGAR, LINK_CACHE, GObject)

HangarLinkCache *hangar_link_cache_new               (HangarClient    *client,
                                                      const char      *base_id);

/* Tells the cache which field is the primary one of @table_id; until then
 * (or when the schema is unknown) lookups in that table give NULL. */
void             hangar_link_cache_set_primary_field (HangarLinkCache *self,
                                                      const char      *table_id,
                                                      HangarField     *primary_field);

/* The primary value of @record_id in @table_id when known; otherwise NULL,
 * and the record is queued for a batched fetch. #HangarLinkCache::changed is
 * emitted when fetched values arrive. */
const char      *hangar_link_cache_lookup            (HangarLinkCache *self,
                                                      const char      *table_id,
                                                      const char      *record_id);

/* The primary field of @table_id, when known (else NULL). */
HangarField     *hangar_link_cache_get_primary_field (HangarLinkCache *self,
                                                      const char      *table_id);
/* A primary value learnt elsewhere (a search), shown at once. */
void             hangar_link_cache_remember          (HangarLinkCache *self,
                                                      const char      *table_id,
                                                      const char      *record_id,
                                                      const char      *text);
HangarClient    *hangar_link_cache_get_client        (HangarLinkCache *self);
const char      *hangar_link_cache_get_base_id       (HangarLinkCache *self);

/* Cancels the fetches in flight. */
void             hangar_link_cache_cancel            (HangarLinkCache *self);

G_END_DECLS
