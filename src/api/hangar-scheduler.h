/* hangar-scheduler.h — process-wide pacing of Airtable requests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hangar-rate-state.h"

#include "hangar-types.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_SCHEDULER (hangar_scheduler_get_type ())

G_DECLARE_FINAL_TYPE (HangarScheduler, hangar_scheduler, HANGAR, SCHEDULER, GObject)

HangarScheduler *hangar_scheduler_get_default        (void);
HangarScheduler *hangar_scheduler_new                (void);

void             hangar_scheduler_acquire_async      (HangarScheduler     *self,
                                                      const char          *base_id,
                                                      gpointer             token_key,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean         hangar_scheduler_acquire_finish     (HangarScheduler     *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

void             hangar_scheduler_report_rate_limited (HangarScheduler    *self,
                                                       const char         *base_id,
                                                       gpointer            token_key);

HangarRateState *hangar_scheduler_get_base_state     (HangarScheduler     *self,
                                                      const char          *base_id);
HangarRateState *hangar_scheduler_get_token_state    (HangarScheduler     *self,
                                                      gpointer             token_key);

double           hangar_scheduler_get_base_rate      (HangarScheduler     *self);
void             hangar_scheduler_set_base_rate      (HangarScheduler     *self,
                                                      double               rate);
double           hangar_scheduler_get_token_rate     (HangarScheduler     *self);
void             hangar_scheduler_set_token_rate     (HangarScheduler     *self,
                                                      double               rate);
void             hangar_scheduler_set_shared_dir     (HangarScheduler     *self,
                                                      const char          *dir);
const char      *hangar_scheduler_get_shared_dir     (HangarScheduler     *self);
guint            hangar_scheduler_get_base_usage     (HangarScheduler     *self,
                                                      const char          *base_id,
                                                      guint               *out_limit);
gint64           hangar_scheduler_get_base_spacing_us (HangarScheduler    *self);
gint64           hangar_scheduler_get_shared_latency_us (HangarScheduler  *self,
                                                        const char       *base_id);
guint            hangar_scheduler_get_penalty_ms     (HangarScheduler     *self);
void             hangar_scheduler_set_penalty_ms     (HangarScheduler     *self,
                                                      guint                penalty_ms);

/* For the client: a request's round trip, shared with the user's other
 * processes (hangar-fetch.c sizes itself by it). */
void             _hangar_scheduler_note_latency      (HangarScheduler     *self,
                                                      const char          *base_id,
                                                      gint64               us);
/* For the client: a request's last byte left at @sent_us (monotonic). */
void             _hangar_scheduler_note_sent         (HangarScheduler     *self,
                                                      const char          *base_id,
                                                      gpointer             token_key,
                                                      gint64               sent_us);

G_END_DECLS
