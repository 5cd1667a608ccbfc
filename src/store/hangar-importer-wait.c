/* hangar-importer-wait.c — HangarImporter waits for writes that may still
 * be applied before it looks at what they wrote (see the top of
 * hangar-importer-run.c): a write's lifetime, the saves that keep the
 * progress's writes_until current while writes are in flight, the wait
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-importer-private.h"

static void
set_wait_seconds (HangarImporter *self,
                  guint           seconds)
{
  if (self->wait_seconds == seconds)
    return;
  self->wait_seconds = seconds;
  _hangar_importer_notify_wait (self);
}

void
_hangar_importer_end_wait (HangarImporter *self)
{
  g_clear_handle_id (&self->wait_source, g_source_remove);
  set_wait_seconds (self, 0);
}

static gboolean
wait_cb (gpointer user_data)
{
  HangarImporter *self = user_data;
  gint64 left = self->wait_until - g_get_real_time ();

  if (self->stop_error != NULL || g_cancellable_is_cancelled (self->cancellable) || left <= 0)
    {
      self->wait_source = 0;
      set_wait_seconds (self, 0);
      _hangar_importer_pump (self);
      return G_SOURCE_REMOVE;
    }
  set_wait_seconds (self, (guint) ((left + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC));
  return G_SOURCE_CONTINUE;
}

/* Microseconds a write may still be applied after it was last sent. */
gint64
_hangar_importer_write_lifetime (HangarImporter *self)
{
  guint deadline = hangar_client_get_deadline (self->client);

  return (gint64) ((deadline > 0 ? deadline : HANGAR_DEFAULT_DEADLINE) + IMPORT_WRITES_SLACK_S) * G_USEC_PER_SEC;
}

/* Holds the pump until @until (real time, µs). */
void
_hangar_importer_start_wait (HangarImporter *self,
                             gint64          until,
                             gboolean        interrupted)
{
  gint64 now = g_get_real_time ();

  self->wait_until = until;
  self->wait_interrupted = interrupted;
  g_debug ("Waiting %" G_GINT64_FORMAT " ms for writes that may still be applied", (self->wait_until - now) / 1000);
  self->wait_source = g_timeout_add_full (G_PRIORITY_DEFAULT, 250, wait_cb, g_object_ref (self), g_object_unref);
  set_wait_seconds (self, (guint) ((self->wait_until - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC));
}

/* A resume first lets the interrupted run's writes end. */
void
_hangar_importer_wait_for_writes (HangarImporter *self)
{
  gint64 now = g_get_real_time ();
  gint64 saved = self->run->updated_at * G_USEC_PER_SEC;
  gint64 until = self->run->writes_until * 1000;

  /* Saved by an older version: as if writes were in flight then. */
  if (self->run->writes_until < 0)
    until = saved + G_USEC_PER_SEC + IMPORT_SAVE_USEC + _hangar_importer_write_lifetime (self);
  /* A clock set back since: no longer than the span it was saved with. */
  until = MIN (until, now + MAX (until - saved, 0));
  if (until > now)
    _hangar_importer_start_wait (self, until, TRUE);
  else
    _hangar_importer_pump (self);
}

/* While writes are in flight (the client may retry them after a pause),
 * the progress is saved at least every IMPORT_SAVE_USEC. */
static gboolean
heartbeat_cb (gpointer user_data)
{
  HangarImporter *self = user_data;

  if (self->n_writing == 0 || self->run_task == NULL)
    {
      self->heartbeat_source = 0;
      return G_SOURCE_REMOVE;
    }
  _hangar_importer_save_progress (self, FALSE);
  return G_SOURCE_CONTINUE;
}

void
_hangar_importer_start_heartbeat (HangarImporter *self)
{
  if (self->heartbeat_source != 0 || self->store == NULL)
    return;
  self->heartbeat_source = g_timeout_add_full (G_PRIORITY_DEFAULT, IMPORT_SAVE_USEC / 1000, heartbeat_cb,
                                               g_object_ref (self), g_object_unref);
}
