/* hangar-sync-private.h — what the files of HangarSync share
 *
 * HangarSync is one class over several files:
 *   hangar-sync.c           the object, watching tables, the schedule, full
 *                           fetches, incremental refreshes and sweeps
 *   hangar-sync-webhooks.c  finding or creating the base's webhook, polling
 *                           its payloads, the webhooks this app created
 *   hangar-sync-apply.c     applying payloads to the cache (V2 cells)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hangar-sync.h"

G_BEGIN_DECLS

typedef struct _SyncBase  SyncBase;
typedef struct _SyncTable SyncTable;

struct _SyncTable
{
  SyncBase    *base;            /* unowned: the base owns its tables */
  char        *table_id;
  HangarTable *table;
  guint        watchers;
  gboolean     filling;
  guint        n_fetched;
  gboolean     refreshing;      /* an incremental refresh or sweep in flight */
  gboolean     due;             /* just opened or reloaded: refresh now */
  gboolean     swept_last;      /* the last refresh was a sweep (they take turns) */
  guint        round;           /* the base's round this table was last refreshed in */
  gint64       failed_us;       /* when the last attempt failed (backoff) */
  GError      *error;
};

struct _SyncBase
{
  HangarSync    *sync;          /* unowned */
  char          *base_id;
  GHashTable    *tables;        /* table id → SyncTable */
  GPtrArray     *schema;        /* HangarTable, or NULL until known */
  guint          watchers;

  HangarSyncMode mode;
  char          *note;
  char          *webhook_id;
  gboolean       created_by_us;
  gint64         cursor;
  gint64         last_poll_us;
  gint64         next_cursor;   /* cursorForNextPayload at the last check, -1 unknown */
  gint64         health_us;     /* when the webhook was last seen enabled */
  gint64         blocked_until_us;

  gboolean       busy;          /* a webhook step or a poll in flight */
  gboolean       again;         /* refresh_now() while busy: go again after */
  gboolean       schema_dirty;
  guint          round;         /* rounds of refreshes without a webhook */
  guint          timer;
  GCancellable  *cancellable;
};

struct _HangarSync
{
  GObject          parent_instance;

  HangarClient    *client;
  HangarCache     *cache;
  char            *account_id;  /* for "the schema of base X changed"; NULL for a bare client */
  GHashTable      *bases;       /* base id → SyncBase */
  GNetworkMonitor *monitor;
  gulong           monitor_id;
  gulong           records_changed_id;
  gulong           invalidated_id;
  gboolean         invalidated;
  gboolean         offline;
  gboolean         use_webhooks;
  guint            poll_ms;
  guint            refresh_ms;
  guint            health_ms;
  gint64           sweep_us;
  JsonObject      *specification;  /* NULL: hangar_sync_dup_specification() */
  GCancellable    *cancellable;
};

enum {
  HANGAR_SYNC_SIGNAL_TABLE_CHANGED,   /* base, table: filling, error or synced */
  HANGAR_SYNC_SIGNAL_BASE_CHANGED,    /* base: mode or note */
  HANGAR_SYNC_SIGNAL_SCHEMA_CHANGED,  /* base: fields or tables changed */
  HANGAR_SYNC_N_SIGNALS
};

extern guint _hangar_sync_signals[HANGAR_SYNC_N_SIGNALS];

/* Payloads older than this are assumed lost (Airtable keeps them a week). */
#define HANGAR_SYNC_STALE_US ((gint64) G_USEC_PER_SEC * 60 * 60 * 24 * 6)
/* Local clocks and Airtable's differ: incremental refreshes reach back
 * this far before the last one. */
#define HANGAR_SYNC_CLOCK_MARGIN_US ((gint64) G_USEC_PER_SEC * 5 * 60)

/* A listing restarted this many times (expired iterators) gives up. */
#define HANGAR_SYNC_MAX_RESTARTS 5

/* hangar-sync-refresh.c: without webhooks, the next table's incremental
 * refresh or id sweep, in turns; ends with _hangar_sync_step_done(). */
void       _hangar_sync_refresh_next_table (SyncBase    *base);

/* hangar-sync.c */
void       _hangar_sync_note_result       (HangarSync   *self,
                                           const GError *error);
void       _hangar_sync_set_mode          (SyncBase       *base,
                                           HangarSyncMode  mode,
                                           const char     *note);
void       _hangar_sync_table_changed     (SyncBase     *base,
                                           const char   *table_id);
/* Every cached table of the base must be fetched again completely (the
 * change feed has a hole). */
void       _hangar_sync_mark_lost         (SyncBase     *base,
                                           const char   *why);
/* The step that was running for @base is over: schedules the next. */
void       _hangar_sync_step_done         (SyncBase     *base);
/* A table of the base is being filled: payloads wait for it. */
gboolean   _hangar_sync_base_filling      (SyncBase     *base);
/* The base's tables known to be complete and current at @when (after a
 * poll that left no hole). */
void       _hangar_sync_tables_synced     (SyncBase     *base,
                                           gint64        when);
HangarTable *_hangar_sync_lookup_table    (SyncBase     *base,
                                           const char   *table_id);
/* Fetches the base's schema again, stores it, tells the listeners. */
void       _hangar_sync_refresh_schema    (SyncBase     *base);

/* The webhook specification this sync uses; tests narrow it (to watched
 * fields, whose deletion makes the webhook send its error payload). */
void       _hangar_sync_set_specification     (HangarSync   *self,
                                               JsonObject   *specification);
JsonObject *_hangar_sync_dup_own_specification (HangarSync  *self);

/* The account the sync's tables belong to (what hangar_sync_get_for_account()
 * sets), for schema-watch announcements and record counts; tests set it. */
void       _hangar_sync_set_account_id        (HangarSync   *self,
                                               const char   *account_id);

/* hangar-sync-webhooks.c */
gboolean   _hangar_sync_ensure_schema     (HangarSync   *self,
                                           GError      **error);
void       _hangar_sync_load_webhook      (SyncBase     *base);
/* Finds, checks or creates the base's webhook, then polls it. */
void       _hangar_sync_webhook_step      (SyncBase     *base);
/* Polls the payloads of the base's webhook. */
void       _hangar_sync_poll_step         (SyncBase     *base);

/* hangar-sync-apply.c */
/* Applies a page of payloads; calls @done when the cache has them. Sets
 * *lost when an error payload ended the webhook. */
typedef void (*HangarSyncApplied) (SyncBase *base,
                                   gboolean  ok,
                                   gboolean  lost,
                                   gpointer  data);
void       _hangar_sync_apply_payloads    (SyncBase          *base,
                                           GPtrArray         *payloads,
                                           HangarSyncApplied  done,
                                           gpointer           data);

G_END_DECLS
