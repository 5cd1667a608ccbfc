/* hangar-sync.h — keeping the offline cache current
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hangar-account.h"
#include "hangar-cache.h"
#include "hangar-client.h"

G_BEGIN_DECLS

/**
 * HangarSyncMode:
 * @HANGAR_SYNC_MODE_UNKNOWN: not decided yet (nothing asked of Airtable)
 * @HANGAR_SYNC_MODE_LIVE: a webhook's payloads are polled every few seconds
 * @HANGAR_SYNC_MODE_POLLING: recently changed records are asked for
 *   (without webhook:manage, or when the base's webhooks are full)
 *
 * How the cached tables of a base are kept current.
 */
typedef enum
{
  HANGAR_SYNC_MODE_UNKNOWN,
  HANGAR_SYNC_MODE_LIVE,
  HANGAR_SYNC_MODE_POLLING,
} HangarSyncMode;

#define HANGAR_TYPE_SYNC (hangar_sync_get_type ())

G_DECLARE_FINAL_TYPE (HangarSync, hangar_sync, HANGAR, SYNC, GObject)

/* The account's sync (its client, its cache), shared in the process while
 * someone holds it; webhooks are used when the account was granted
 * webhook:manage (or when its scopes are unknown: a personal access token). */
HangarSync      *hangar_sync_get_for_account     (HangarAccount       *account,
                                                  GError             **error);
HangarSync      *hangar_sync_new                 (HangarClient        *client,
                                                  HangarCache         *cache);

HangarClient    *hangar_sync_get_client          (HangarSync          *self);
HangarCache     *hangar_sync_get_cache           (HangarSync          *self);

/* Whether Airtable cannot be reached (the network monitor says so, or the
 * last request failed for want of a network). */
gboolean         hangar_sync_get_offline         (HangarSync          *self);
gboolean         hangar_sync_get_use_webhooks    (HangarSync          *self);
void             hangar_sync_set_use_webhooks    (HangarSync          *self,
                                                  gboolean             use_webhooks);
/* Milliseconds between polls of a webhook's payloads (5,000). */
void             hangar_sync_set_poll_interval   (HangarSync          *self,
                                                  guint                ms);
/* Milliseconds between incremental refreshes without a webhook (30,000). */
void             hangar_sync_set_refresh_interval (HangarSync         *self,
                                                   guint               ms);
/* Milliseconds between listings of every id (to find deleted records)
 * without a webhook (6 hours). */
void             hangar_sync_set_sweep_interval  (HangarSync          *self,
                                                  guint                ms);
/* Milliseconds between checks that the webhook is still enabled (300,000). */
void             hangar_sync_set_health_interval (HangarSync          *self,
                                                  guint                ms);

/* Keeps @table (of @base_id) current while watched: fills the cache with it
 * if it is not there yet, then follows changes. Calls nest; each watch needs
 * an unwatch. */
void             hangar_sync_watch_table         (HangarSync          *self,
                                                  const char          *base_id,
                                                  HangarTable         *table);
void             hangar_sync_unwatch_table       (HangarSync          *self,
                                                  const char          *base_id,
                                                  const char          *table_id);

/* Brings the base's watched tables up to date now (a poll, an incremental
 * refresh, a retry after failures); what a "Reload" does. With @full, every
 * watched table of the base is fetched again completely. */
void             hangar_sync_refresh_now         (HangarSync          *self,
                                                  const char          *base_id,
                                                  gboolean             full);

HangarSyncMode   hangar_sync_get_mode            (HangarSync          *self,
                                                  const char          *base_id);
/* A sentence on why live sync is off for the base (no scope, the limit of
 * webhooks, …), or NULL. */
const char      *hangar_sync_get_note            (HangarSync          *self,
                                                  const char          *base_id);
/* Whether the table is being fetched completely (the first time, or after
 * payloads were lost), and how many records that fetch has so far. */
gboolean         hangar_sync_get_filling         (HangarSync          *self,
                                                  const char          *base_id,
                                                  const char          *table_id,
                                                  guint               *out_n_fetched);
/* Why the last sync of the table failed, or NULL. */
const GError    *hangar_sync_get_error           (HangarSync          *self,
                                                  const char          *base_id,
                                                  const char          *table_id);
/* When the cached copy of the table was last known to be current (local
 * wall-clock µs), 0 if never. */
gint64           hangar_sync_get_synced_us       (HangarSync          *self,
                                                  const char          *base_id,
                                                  const char          *table_id);
/* The id of the webhook used for the base, or NULL. */
const char      *hangar_sync_get_webhook_id      (HangarSync          *self,
                                                  const char          *base_id);

/* Deletes every webhook this app created in @base_id (and only those),
 * e.g. before an account is removed. */
void             hangar_sync_delete_own_webhooks_async  (HangarSync          *self,
                                                         const char          *base_id,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean         hangar_sync_delete_own_webhooks_finish (HangarSync          *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

/* The part of the payload specification the sync asks for: a webhook per
 * base, no notification URL, records and schema. */
JsonObject      *hangar_sync_dup_specification   (void);

/* The V1 (REST) form of a V2 cell value of a webhook payload (see
 * src/api/WEBHOOKS.md, "Cell values"), for a field of @field (NULL when
 * its type is unknown: the shape decides). */
JsonNode        *hangar_sync_cell_from_v2        (HangarField         *field,
                                                  JsonNode            *value);

G_END_DECLS
