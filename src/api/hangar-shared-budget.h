/* hangar-shared-budget.h — one rate budget for every process of the user
 *
 * Private to libhangar: the scheduler's view of the buckets it shares
 * with the other processes (the app, any number of hangar-cli).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _HangarSharedBucket HangarSharedBucket;

/* The bucket named @name (letters, digits, "-" and "_" only) in @dir,
 * created (0600, @dir 0700) when missing. NULL with @error when the file
 * cannot be used; the caller then paces on its own. */
HangarSharedBucket *_hangar_shared_bucket_open          (const char          *dir,
                                                         const char          *name,
                                                         GError             **error);
void                _hangar_shared_bucket_free          (HangarSharedBucket  *bucket);

/* Takes one slot in @base and @token (either may be NULL) at once, if both
 * are free at @now (monotonic µs): then TRUE, and each one's next slot is
 * @now plus its interval. Otherwise FALSE and *@out_ready_at is when to try
 * again — the later of the two buckets' next slots or pauses — or -1 when
 * another process holds a lock just now; *@out_base_paused and
 * *@out_token_paused are the pauses a 429 seen by any process set (0 for
 * none). Never waits. */
gboolean            _hangar_shared_take                 (HangarSharedBucket  *base,
                                                         gint64               base_interval,
                                                         HangarSharedBucket  *token,
                                                         gint64               token_interval,
                                                         gint64               now,
                                                         gint64              *out_ready_at,
                                                         gint64              *out_base_paused,
                                                         gint64              *out_token_paused);

/* A 429: nobody sends through @bucket before @until (monotonic µs). FALSE
 * when another process held the lock: try again a moment later. */
gboolean            _hangar_shared_bucket_pause         (HangarSharedBucket  *bucket,
                                                         gint64               until);

/* No slot before @next (monotonic µs): a request left later than its slot
 * said. Dropped when the lock is held. */
void                _hangar_shared_bucket_push_next     (HangarSharedBucket  *bucket,
                                                         gint64               next);

/* Requests any process sent through @bucket in the second before @now;
 * FALSE when the lock was held (nothing read). */
gboolean            _hangar_shared_bucket_recent        (HangarSharedBucket  *bucket,
                                                         gint64               now,
                                                         guint               *out_n);

/* The round trip measured lately by any process (smoothed), -1 when none
 * was noted in the last half hour (or the lock was held). A sample is
 * dropped when the lock is held. */
void                _hangar_shared_bucket_note_latency  (HangarSharedBucket  *bucket,
                                                         gint64               us,
                                                         gint64               now);
gint64              _hangar_shared_bucket_latency       (HangarSharedBucket  *bucket,
                                                         gint64               now);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarSharedBucket, _hangar_shared_bucket_free)

G_END_DECLS
