/* hangar-rate-state.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-rate-state.h"

/**
 * HangarRateState:
 *
 * What the process-wide scheduler knows about one rate-limit bucket (a base,
 * or a token for calls that are not per base): whether it is paused after a
 * 429 and until when, and how many requests wait for it. The GUI binds to
 * #HangarRateState:paused-until to show a countdown. The object is owned by
 * the scheduler and lives as long as the process.
 */
struct _HangarRateState
{
  GObject  parent_instance;
  char    *key;
  gint64   paused_until;
  guint    queued;
  guint    n_rate_limited;
};

G_DEFINE_FINAL_TYPE (HangarRateState, hangar_rate_state, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KEY,
  PROP_PAUSED_UNTIL,
  PROP_PAUSED,
  PROP_QUEUED,
  PROP_N_RATE_LIMITED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
hangar_rate_state_finalize (GObject *object)
{
  HangarRateState *self = HANGAR_RATE_STATE (object);

  g_free (self->key);

  G_OBJECT_CLASS (hangar_rate_state_parent_class)->finalize (object);
}

static void
hangar_rate_state_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  HangarRateState *self = HANGAR_RATE_STATE (object);

  switch (prop_id)
    {
    case PROP_KEY:
      g_value_set_string (value, self->key);
      break;
    case PROP_PAUSED_UNTIL:
      g_value_set_int64 (value, self->paused_until);
      break;
    case PROP_PAUSED:
      g_value_set_boolean (value, self->paused_until != 0);
      break;
    case PROP_QUEUED:
      g_value_set_uint (value, self->queued);
      break;
    case PROP_N_RATE_LIMITED:
      g_value_set_uint (value, self->n_rate_limited);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_rate_state_class_init (HangarRateStateClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hangar_rate_state_finalize;
  object_class->get_property = hangar_rate_state_get_property;

  properties[PROP_KEY] =
    g_param_spec_string ("key", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * HangarRateState:paused-until:
   *
   * Wall-clock time (g_get_real_time(), µs) until which requests for this
   * bucket are held back after a 429, or 0 when not paused.
   */
  properties[PROP_PAUSED_UNTIL] =
    g_param_spec_int64 ("paused-until", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_QUEUED] =
    g_param_spec_uint ("queued", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_RATE_LIMITED] =
    g_param_spec_uint ("n-rate-limited", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_rate_state_init (HangarRateState *self)
{
}

HangarRateState *
_hangar_rate_state_new (const char *key)
{
  HangarRateState *self = g_object_new (HANGAR_TYPE_RATE_STATE, NULL);

  self->key = g_strdup (key);
  return self;
}

void
_hangar_rate_state_set_paused_until (HangarRateState *self,
                                     gint64           paused_until)
{
  gboolean was_paused;

  g_return_if_fail (HANGAR_IS_RATE_STATE (self));

  if (self->paused_until == paused_until)
    return;

  was_paused = self->paused_until != 0;
  self->paused_until = paused_until;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED_UNTIL]);
  if (was_paused != (paused_until != 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
}

void
_hangar_rate_state_set_queued (HangarRateState *self,
                               guint            queued)
{
  g_return_if_fail (HANGAR_IS_RATE_STATE (self));

  if (self->queued == queued)
    return;
  self->queued = queued;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUEUED]);
}

void
_hangar_rate_state_count_rate_limited (HangarRateState *self)
{
  g_return_if_fail (HANGAR_IS_RATE_STATE (self));

  self->n_rate_limited++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_RATE_LIMITED]);
}

/**
 * hangar_rate_state_get_key:
 * @self: a #HangarRateState
 *
 * Returns: the base id this state is for (or a token bucket's label)
 */
const char *
hangar_rate_state_get_key (HangarRateState *self)
{
  g_return_val_if_fail (HANGAR_IS_RATE_STATE (self), NULL);
  return self->key;
}

/**
 * hangar_rate_state_get_paused_until:
 * @self: a #HangarRateState
 *
 * Returns: the wall-clock time (µs) the pause ends, or 0 when not paused
 */
gint64
hangar_rate_state_get_paused_until (HangarRateState *self)
{
  g_return_val_if_fail (HANGAR_IS_RATE_STATE (self), 0);
  return self->paused_until;
}

gboolean
hangar_rate_state_get_paused (HangarRateState *self)
{
  g_return_val_if_fail (HANGAR_IS_RATE_STATE (self), FALSE);
  return self->paused_until != 0;
}

guint
hangar_rate_state_get_queued (HangarRateState *self)
{
  g_return_val_if_fail (HANGAR_IS_RATE_STATE (self), 0);
  return self->queued;
}

/**
 * hangar_rate_state_get_n_rate_limited:
 * @self: a #HangarRateState
 *
 * Returns: how many 429 answers this bucket got since the process started
 */
guint
hangar_rate_state_get_n_rate_limited (HangarRateState *self)
{
  g_return_val_if_fail (HANGAR_IS_RATE_STATE (self), 0);
  return self->n_rate_limited;
}

/**
 * hangar_rate_state_get_remaining_ms:
 * @self: a #HangarRateState
 *
 * Returns: milliseconds left in the current pause, 0 when not paused
 */
gint64
hangar_rate_state_get_remaining_ms (HangarRateState *self)
{
  gint64 left;

  g_return_val_if_fail (HANGAR_IS_RATE_STATE (self), 0);

  if (self->paused_until == 0)
    return 0;
  left = (self->paused_until - g_get_real_time () + 999) / 1000;
  return MAX (left, 0);
}
