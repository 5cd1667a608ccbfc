/* sandbox-latency.c — answers held back to model the network (--latency)
 *
 * An API answer is worked out as soon as its request arrives, then held:
 * the message is paused and a timeout unpauses it after the latency (plus a
 * random 0..jitter). Nothing blocks, so answers to concurrent requests are
 * held side by side; the statistics count how many are held at once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sandbox-private.h"

struct _SandboxHeld
{
  SandboxServer     *self;
  SoupServerMessage *msg;
  guint              source;
  gulong             finished_id;
};

static void
held_free (SandboxHeld *held)
{
  g_clear_handle_id (&held->source, g_source_remove);
  g_clear_signal_handler (&held->finished_id, held->msg);
  g_clear_object (&held->msg);
  g_free (held);
}

/* Forgets @held; with @answer its response goes out now. */
static void
held_end (SandboxHeld *held,
          gboolean     answer)
{
  SandboxServer *self = held->self;
  g_autoptr(SoupServerMessage) msg = g_object_ref (held->msg);

  g_ptr_array_remove_fast (self->held, held);   /* frees @held */
  if (answer)
    soup_server_message_unpause (msg);
}

static gboolean
held_timeout_cb (gpointer data)
{
  SandboxHeld *held = data;

  held->source = 0;
  held_end (held, TRUE);
  return G_SOURCE_REMOVE;
}

/* The client went away while its answer was held. */
static void
held_finished_cb (SoupServerMessage *msg,
                  gpointer           data)
{
  SandboxHeld *held = data;

  held_end (held, FALSE);
}

void
sandbox_latency_setup (SandboxServer *self)
{
  self->held = g_ptr_array_new_with_free_func ((GDestroyNotify) held_free);
}

void
sandbox_latency_hold (SandboxServer     *self,
                      SoupServerMessage *msg)
{
  SandboxHeld *held;
  guint delay = self->config.latency_ms;

  if (self->config.latency_ms == 0 && self->config.latency_jitter_ms == 0)
    return;
  if (self->config.latency_jitter_ms > 0)
    delay += (guint) g_random_int_range (0, (gint32) self->config.latency_jitter_ms + 1);
  if (delay == 0)
    return;

  held = g_new0 (SandboxHeld, 1);
  held->self = self;
  held->msg = g_object_ref (msg);
  g_ptr_array_add (self->held, held);
  self->held_total++;
  self->max_in_flight = MAX (self->max_in_flight, self->held->len);
  soup_server_message_pause (msg);
  held->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (held_finished_cb), held);
  held->source = g_timeout_add (delay, held_timeout_cb, held);
}

guint
sandbox_latency_release_all (SandboxServer *self)
{
  guint n = self->held->len;

  while (self->held->len > 0)
    held_end (self->held->pdata[self->held->len - 1], TRUE);
  return n;
}

void
sandbox_latency_clear (SandboxServer *self)
{
  g_clear_pointer (&self->held, g_ptr_array_unref);
}
