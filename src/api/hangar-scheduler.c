/* hangar-scheduler.c — process-wide pacing of Airtable requests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hangar-error.h"
#include "hangar-scheduler.h"
#include "hangar-shared-budget.h"
#include "hangar-token-source.h"

/*
 * Airtable allows 5 requests/s per base and 50 requests/s per token, and a
 * breach costs a 30 s penalty. Rather than reacting to 429s we space requests
 * evenly: every bucket (one per base, one per token) remembers the earliest
 * time its next request may leave, which is the *actual* dispatch time of the
 * previous one plus 1/rate (plus a small margin), so a late dispatch never
 * lets the next one follow too closely and no sliding window can see a burst.
 *
 * Waiting requests form one FIFO queue. A pass over the queue dispatches
 * every entry whose buckets are all free, in order; a bucket that makes an
 * entry wait is "claimed" for the rest of the pass so later entries for the
 * same bucket cannot overtake it, while entries for other bases go ahead.
 * One timer wakes the pump when the earliest waiting entry can leave.
 *
 * The scheduler lives on the main context of the thread that first used it;
 * all clients of a process are expected to run there.
 *
 * The default scheduler also shares its buckets with the user's other
 * processes (hangar-shared-budget.c): an entry whose buckets are free here
 * leaves only once it took its slot in the shared files too, and a 429 any
 * process saw pauses the bucket here as well. The limit is then the
 * desktop's, not the process's: the app and two hangar-cli loading one
 * base send five requests a second between them.
 */

#define DEFAULT_BASE_RATE   5.0
#define DEFAULT_TOKEN_RATE  50.0
#define DEFAULT_PENALTY_MS  30000
/* Spacing is 1/rate stretched by 3 %: five requests to a base span
 * 824 ms and the sixth leaves 1,030 ms after the first, so their arrival
 * may jitter by 30 ms against a strict one-second window before Airtable
 * counts six in a second — and a 429 costs 30 s, 150 requests' worth. A
 * larger margin costs the same share of the rate for every fetch (the
 * fetch figures in the README are measured with this one). A client that
 * is itself late to send is covered separately: the next slot counts from
 * when the request actually left (_hangar_scheduler_note_sent). */
#define SPACING_MARGIN      1.03
/* A request that leaves this much later than its slot said makes the next
 * one wait for it (see _hangar_scheduler_note_sent). */
#define SEND_SLACK_US       (5 * G_TIME_SPAN_MILLISECOND)
/* Requests remembered per bucket, for the usage meter. */
#define RECENT              16
/* Another process holds a shared bucket's lock for a few system calls; a
 * lock held longer than this (a stopped process) is passed over. */
#define SHARED_BUSY_RETRY_US  (2 * G_TIME_SPAN_MILLISECOND)
#define SHARED_BUSY_GIVE_UP   G_USEC_PER_SEC

typedef struct
{
  HangarRateState *state;
  gint64           next_allowed;   /* monotonic µs */
  gint64           paused_until;   /* monotonic µs, 0 when not paused */
  guint            resume_id;
  guint            claim_stamp;
  guint            queued;
  gboolean         is_base;
  gpointer         token_key;      /* for token buckets */
  HangarScheduler *scheduler;      /* unowned */
  char            *shared_name;    /* its file's name, NULL: never shared */
  HangarSharedBucket *shared;      /* opened on first use */
  gboolean         shared_failed;
  gint64           busy_since;     /* monotonic µs another process held the lock from */
  gint64           pending_pause;  /* a pause to write to the shared file still */
  guint            pause_retry_id;
  gint64           recent[RECENT]; /* local dispatches, monotonic µs */
  guint            recent_pos;
  guint            last_usage;
} Bucket;

typedef struct
{
  Bucket *base;                    /* nullable */
  Bucket *token;                   /* nullable */
  gulong  cancel_id;
} Waiter;

struct _HangarScheduler
{
  GObject       parent_instance;

  GMainContext *context;
  GHashTable   *bases;             /* char* base id → Bucket* */
  GHashTable   *tokens;            /* token key → Bucket* */
  GQueue        queue;             /* GTask* with Waiter data, FIFO */
  guint         timer_id;
  gint64        timer_due;
  guint         idle_id;
  guint         pass;

  double        base_rate;
  double        token_rate;
  guint         penalty_ms;
  char         *shared_dir;        /* NULL: buckets are this process's own */
};

G_DEFINE_FINAL_TYPE (HangarScheduler, hangar_scheduler, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BASE_RATE,
  PROP_TOKEN_RATE,
  PROP_PENALTY_MS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void pump (HangarScheduler *self);

static gint64
interval_us (double rate)
{
  if (rate <= 0)
    return 0;
  return (gint64) (G_USEC_PER_SEC / rate * SPACING_MARGIN);
}

static void
bucket_free (gpointer data)
{
  Bucket *bucket = data;

  g_clear_handle_id (&bucket->resume_id, g_source_remove);
  g_clear_handle_id (&bucket->pause_retry_id, g_source_remove);
  g_clear_pointer (&bucket->shared, _hangar_shared_bucket_free);
  g_clear_object (&bucket->state);
  g_free (bucket->shared_name);
  g_free (bucket);
}

static void
token_key_finalized (gpointer  data,
                     GObject  *where_the_object_was)
{
  HangarScheduler *self = data;

  g_hash_table_remove (self->tokens, where_the_object_was);
}

static gboolean
name_is_plain (const char *name)
{
  if (name == NULL || *name == '\0' || strlen (name) > 128)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

/* The bucket's shared file, opened on first use; NULL when the scheduler
 * does not share or the file cannot be used (then it paces alone). */
static HangarSharedBucket *
bucket_shared (Bucket *bucket)
{
  g_autoptr(GError) error = NULL;

  if (bucket == NULL || bucket->scheduler->shared_dir == NULL || bucket->shared_name == NULL ||
      bucket->shared_failed)
    return NULL;
  if (bucket->shared == NULL)
    {
      bucket->shared = _hangar_shared_bucket_open (bucket->scheduler->shared_dir, bucket->shared_name, &error);
      if (bucket->shared == NULL)
        {
          g_debug ("Pacing %s in this process only: %s", bucket->shared_name, error->message);
          bucket->shared_failed = TRUE;
        }
    }
  return bucket->shared;
}

static Bucket *
get_base_bucket (HangarScheduler *self,
                 const char      *base_id)
{
  Bucket *bucket = g_hash_table_lookup (self->bases, base_id);

  if (bucket == NULL)
    {
      bucket = g_new0 (Bucket, 1);
      bucket->state = _hangar_rate_state_new (base_id);
      bucket->is_base = TRUE;
      bucket->scheduler = self;
      bucket->shared_name = name_is_plain (base_id) ? g_strconcat ("base-", base_id, NULL) : NULL;
      g_hash_table_insert (self->bases, g_strdup (base_id), bucket);
    }
  return bucket;
}

static Bucket *
get_token_bucket (HangarScheduler *self,
                  gpointer         token_key)
{
  Bucket *bucket = g_hash_table_lookup (self->tokens, token_key);

  if (bucket == NULL)
    {
      g_autofree char *key = HANGAR_IS_TOKEN_SOURCE (token_key)
                               ? hangar_token_source_dup_budget_key (token_key) : NULL;

      bucket = g_new0 (Bucket, 1);
      bucket->state = _hangar_rate_state_new ("token");
      bucket->token_key = token_key;
      bucket->scheduler = self;
      bucket->shared_name = name_is_plain (key) ? g_strconcat ("token-", key, NULL) : NULL;
      g_hash_table_insert (self->tokens, token_key, bucket);
      g_object_weak_ref (token_key, token_key_finalized, self);
    }
  return bucket;
}

static void
bucket_set_queued (Bucket *bucket,
                   int     delta)
{
  bucket->queued += delta;
  _hangar_rate_state_set_queued (bucket->state, bucket->queued);
}

/* G_MAXINT64 while paused: only the end of the pause (resume_cb) releases
 * the bucket, so "resumed" is always observable before the next send. */
static gint64
bucket_ready_at (Bucket *bucket)
{
  if (bucket == NULL)
    return 0;
  if (bucket->paused_until != 0)
    return G_MAXINT64;
  return bucket->next_allowed;
}

static void
waiter_free (gpointer data)
{
  g_free (data);
}

static gboolean
timer_cb (gpointer user_data)
{
  HangarScheduler *self = user_data;

  self->timer_id = 0;
  pump (self);
  return G_SOURCE_REMOVE;
}

static gboolean
idle_cb (gpointer user_data)
{
  HangarScheduler *self = user_data;

  self->idle_id = 0;
  pump (self);
  return G_SOURCE_REMOVE;
}

static guint
attach_timeout (HangarScheduler *self,
                guint            ms,
                GSourceFunc      func,
                gpointer         data)
{
  g_autoptr(GSource) source = ms == 0 ? g_idle_source_new () : g_timeout_source_new (ms);

  g_source_set_callback (source, func, data, NULL);
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  return g_source_attach (source, self->context);
}

static void
schedule_pump_soon (HangarScheduler *self)
{
  if (self->idle_id == 0)
    self->idle_id = attach_timeout (self, 0, idle_cb, self);
}

static gboolean
cancelled_idle_cb (gpointer user_data)
{
  pump (HANGAR_SCHEDULER (user_data));
  return G_SOURCE_REMOVE;
}

/* Runs inside g_cancellable_cancel(): never touch the queue (or disconnect)
 * here; let an idle pass on our context return the cancelled waiters. */
static void
waiter_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  HangarScheduler *self = user_data;
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, cancelled_idle_cb, g_object_ref (self), g_object_unref);
  g_source_attach (source, self->context);
}

static gboolean resume_cb (gpointer user_data);

/* Pauses @bucket here until @until (monotonic µs); notifies its state. */
static void
bucket_pause_until (Bucket *bucket,
                    gint64  until)
{
  HangarScheduler *self = bucket->scheduler;
  gint64 now = g_get_monotonic_time ();

  if (until <= bucket->paused_until || until <= now)
    return;
  bucket->paused_until = until;
  _hangar_rate_state_set_paused_until (bucket->state, g_get_real_time () + (until - now));
  g_clear_handle_id (&bucket->resume_id, g_source_remove);
  bucket->resume_id = attach_timeout (self, MAX ((guint) ((until - now + 999) / 1000), 1), resume_cb, bucket);
}

static gboolean
pause_retry_cb (gpointer user_data)
{
  Bucket *bucket = user_data;
  HangarSharedBucket *shared = bucket_shared (bucket);

  if (shared == NULL || bucket->pending_pause <= g_get_monotonic_time () ||
      _hangar_shared_bucket_pause (shared, bucket->pending_pause))
    {
      bucket->pause_retry_id = 0;
      bucket->pending_pause = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* Tells the other processes: a failed write (their lock) is tried again a
 * few milliseconds later, until it lands or the pause is over. */
static void
bucket_share_pause (Bucket *bucket,
                    gint64  until)
{
  HangarSharedBucket *shared = bucket_shared (bucket);

  if (shared == NULL || _hangar_shared_bucket_pause (shared, until))
    return;
  bucket->pending_pause = MAX (bucket->pending_pause, until);
  if (bucket->pause_retry_id == 0)
    bucket->pause_retry_id = attach_timeout (bucket->scheduler, 5, pause_retry_cb, bucket);
}

static void
bucket_note_dispatch (Bucket *bucket,
                      gint64  now)
{
  if (bucket == NULL)
    return;
  bucket->recent[bucket->recent_pos] = now;
  bucket->recent_pos = (bucket->recent_pos + 1) % RECENT;
}

/* The shared part of a dispatch: TRUE when @waiter may leave now. When it
 * may not, *@wake is when to look again (G_MAXINT64: a pause's end). */
static gboolean
take_shared (HangarScheduler *self,
             Waiter          *waiter,
             gint64           now,
             gint64          *wake)
{
  HangarSharedBucket *base = waiter->base != NULL ? bucket_shared (waiter->base) : NULL;
  HangarSharedBucket *token = waiter->token != NULL ? bucket_shared (waiter->token) : NULL;
  Bucket *first = waiter->base != NULL ? waiter->base : waiter->token;
  gint64 ready, base_paused, token_paused;

  if (base == NULL && token == NULL)
    return TRUE;
  if (_hangar_shared_take (base, interval_us (self->base_rate), token, interval_us (self->token_rate), now,
                           &ready, &base_paused, &token_paused))
    {
      first->busy_since = 0;
      return TRUE;
    }
  if (ready < 0)
    {
      /* Another process is in the file this very moment. */
      if (first->busy_since == 0)
        first->busy_since = now;
      if (now - first->busy_since > SHARED_BUSY_GIVE_UP)
        {
          g_debug ("A shared rate budget stayed locked for a second; pacing without it for now");
          first->busy_since = 0;
          return TRUE;
        }
      *wake = now + SHARED_BUSY_RETRY_US;
      return FALSE;
    }
  first->busy_since = 0;
  if (base_paused > now && waiter->base != NULL)
    bucket_pause_until (waiter->base, base_paused);
  if (token_paused > now && waiter->token != NULL)
    bucket_pause_until (waiter->token, token_paused);
  *wake = (base_paused > now || token_paused > now) ? G_MAXINT64 : ready;
  return FALSE;
}

static void
pump (HangarScheduler *self)
{
  g_autoptr(GPtrArray) ready = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) cancelled = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 now = g_get_monotonic_time ();
  gint64 wake = G_MAXINT64;
  GList *link;
  guint stamp = ++self->pass;

  link = self->queue.head;
  while (link != NULL)
    {
      GList *next = link->next;
      GTask *task = link->data;
      Waiter *waiter = g_task_get_task_data (task);
      gint64 base_at = bucket_ready_at (waiter->base);
      gint64 token_at = bucket_ready_at (waiter->token);
      gboolean blocked = FALSE;

      if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
        {
          g_queue_delete_link (&self->queue, link);
          g_ptr_array_add (cancelled, task);
          link = next;
          continue;
        }

      if (waiter->base != NULL && waiter->base->claim_stamp == stamp)
        blocked = TRUE;
      if (waiter->token != NULL && waiter->token->claim_stamp == stamp)
        blocked = TRUE;

      if (!blocked && base_at <= now && token_at <= now)
        {
          gint64 shared_wake = G_MAXINT64;

          if (!take_shared (self, waiter, now, &shared_wake))
            {
              /* Another process has the slot (or a pause): keep the
               * place in line. */
              if (waiter->base != NULL)
                waiter->base->claim_stamp = stamp;
              if (waiter->token != NULL)
                waiter->token->claim_stamp = stamp;
              wake = MIN (wake, shared_wake);
              link = next;
              continue;
            }
          if (waiter->base != NULL)
            waiter->base->next_allowed = now + interval_us (self->base_rate);
          if (waiter->token != NULL)
            waiter->token->next_allowed = now + interval_us (self->token_rate);
          bucket_note_dispatch (waiter->base, now);
          bucket_note_dispatch (waiter->token, now);
          g_queue_delete_link (&self->queue, link);
          g_ptr_array_add (ready, task);
        }
      else
        {
          /* Claim the buckets that make this entry wait, so later entries
           * for them keep their place in line. */
          if (waiter->base != NULL && base_at > now)
            waiter->base->claim_stamp = stamp;
          if (waiter->token != NULL && token_at > now)
            waiter->token->claim_stamp = stamp;
          if (!blocked && MAX (base_at, token_at) != G_MAXINT64)
            wake = MIN (wake, MAX (base_at, token_at));
        }
      link = next;
    }

  if (self->timer_id != 0 && self->timer_due != wake)
    g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->timer_id == 0 && wake != G_MAXINT64)
    {
      gint64 delay_ms = (wake - now + 999) / 1000;

      self->timer_due = wake;
      self->timer_id = attach_timeout (self, MAX (delay_ms, 1), timer_cb, self);
    }

  /* Hand out the slots last: callbacks may queue new requests. */
  for (guint i = 0; i < cancelled->len; i++)
    {
      GTask *task = g_ptr_array_index (cancelled, i);
      Waiter *waiter = g_task_get_task_data (task);

      g_cancellable_disconnect (g_task_get_cancellable (task), waiter->cancel_id);
      waiter->cancel_id = 0;
      if (waiter->base != NULL)
        bucket_set_queued (waiter->base, -1);
      if (waiter->token != NULL)
        bucket_set_queued (waiter->token, -1);
      g_task_return_error_if_cancelled (task);
    }
  for (guint i = 0; i < ready->len; i++)
    {
      GTask *task = g_ptr_array_index (ready, i);
      Waiter *waiter = g_task_get_task_data (task);

      if (waiter->cancel_id != 0)
        g_cancellable_disconnect (g_task_get_cancellable (task), waiter->cancel_id);
      waiter->cancel_id = 0;
      if (waiter->base != NULL)
        bucket_set_queued (waiter->base, -1);
      if (waiter->token != NULL)
        bucket_set_queued (waiter->token, -1);
      g_task_return_boolean (task, TRUE);
    }
}

static gboolean
resume_cb (gpointer user_data)
{
  Bucket *bucket = user_data;

  bucket->resume_id = 0;
  bucket->paused_until = 0;
  _hangar_rate_state_set_paused_until (bucket->state, 0);
  pump (bucket->scheduler);
  return G_SOURCE_REMOVE;
}

static void
hangar_scheduler_finalize (GObject *object)
{
  HangarScheduler *self = HANGAR_SCHEDULER (object);
  GHashTableIter iter;
  gpointer key;

  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_handle_id (&self->idle_id, g_source_remove);
  g_hash_table_iter_init (&iter, self->tokens);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_object_weak_unref (key, token_key_finalized, self);
  g_clear_pointer (&self->tokens, g_hash_table_unref);
  g_clear_pointer (&self->bases, g_hash_table_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->shared_dir);

  G_OBJECT_CLASS (hangar_scheduler_parent_class)->finalize (object);
}

static void
hangar_scheduler_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  HangarScheduler *self = HANGAR_SCHEDULER (object);

  switch (prop_id)
    {
    case PROP_BASE_RATE:
      g_value_set_double (value, self->base_rate);
      break;
    case PROP_TOKEN_RATE:
      g_value_set_double (value, self->token_rate);
      break;
    case PROP_PENALTY_MS:
      g_value_set_uint (value, self->penalty_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_scheduler_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  HangarScheduler *self = HANGAR_SCHEDULER (object);

  switch (prop_id)
    {
    case PROP_BASE_RATE:
      hangar_scheduler_set_base_rate (self, g_value_get_double (value));
      break;
    case PROP_TOKEN_RATE:
      hangar_scheduler_set_token_rate (self, g_value_get_double (value));
      break;
    case PROP_PENALTY_MS:
      hangar_scheduler_set_penalty_ms (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_scheduler_class_init (HangarSchedulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hangar_scheduler_finalize;
  object_class->get_property = hangar_scheduler_get_property;
  object_class->set_property = hangar_scheduler_set_property;

  /**
   * HangarScheduler:base-rate:
   *
   * Requests per second per base (Airtable: 5). 0 disables the limit.
   */
  properties[PROP_BASE_RATE] =
    g_param_spec_double ("base-rate", NULL, NULL, 0, 10000, DEFAULT_BASE_RATE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * HangarScheduler:token-rate:
   *
   * Requests per second per token (Airtable: 50). 0 disables the limit.
   */
  properties[PROP_TOKEN_RATE] =
    g_param_spec_double ("token-rate", NULL, NULL, 0, 10000, DEFAULT_TOKEN_RATE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * HangarScheduler:penalty-ms:
   *
   * How long a base pauses after a 429 (Airtable: 30 s). The default can be
   * changed with the environment variable HANGAR_RATE_LIMIT_PENALTY_MS.
   */
  properties[PROP_PENALTY_MS] =
    g_param_spec_uint ("penalty-ms", NULL, NULL, 0, G_MAXUINT, DEFAULT_PENALTY_MS,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_scheduler_init (HangarScheduler *self)
{
  const char *env = g_getenv ("HANGAR_RATE_LIMIT_PENALTY_MS");

  self->context = g_main_context_ref_thread_default ();
  self->bases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, bucket_free);
  self->tokens = g_hash_table_new_full (NULL, NULL, NULL, bucket_free);
  g_queue_init (&self->queue);
  self->base_rate = DEFAULT_BASE_RATE;
  self->token_rate = DEFAULT_TOKEN_RATE;
  self->penalty_ms = DEFAULT_PENALTY_MS;

  if (env != NULL && *env != '\0')
    {
      guint64 value = 0;

      if (g_ascii_string_to_unsigned (env, 10, 0, G_MAXUINT, &value, NULL))
        self->penalty_ms = (guint) value;
      else
        g_warning ("Ignoring HANGAR_RATE_LIMIT_PENALTY_MS=%s: not a number of milliseconds", env);
    }
}

/**
 * hangar_scheduler_new:
 *
 * A private scheduler, for tests and benchmarks. Applications use
 * hangar_scheduler_get_default() so every client shares the limits.
 *
 * Returns: (transfer full): a new scheduler
 */
HangarScheduler *
hangar_scheduler_new (void)
{
  return g_object_new (HANGAR_TYPE_SCHEDULER, NULL);
}

/**
 * hangar_scheduler_get_default:
 *
 * Returns: (transfer none): the scheduler shared by every client of the process
 */
HangarScheduler *
hangar_scheduler_get_default (void)
{
  static HangarScheduler *instance;

  if (g_once_init_enter (&instance))
    {
      HangarScheduler *scheduler = hangar_scheduler_new ();

      /* Shared with the user's other processes, unless turned off. */
      if (g_strcmp0 (g_getenv ("HANGAR_SHARED_BUDGET"), "0") != 0)
        scheduler->shared_dir = g_build_filename (g_get_user_runtime_dir (), "hangar", "budget", NULL);
      g_once_init_leave (&instance, scheduler);
    }
  return instance;
}

/**
 * hangar_scheduler_set_shared_dir:
 * @self: a #HangarScheduler that has not paced anything yet
 * @dir: (nullable): where the shared bucket files live, %NULL to pace
 *   within this process only
 *
 * hangar_scheduler_get_default() shares its buckets in
 * `$XDG_RUNTIME_DIR/hangar/budget` (unless `HANGAR_SHARED_BUDGET=0`);
 * schedulers from hangar_scheduler_new() share nothing unless given a
 * directory here.
 */
void
hangar_scheduler_set_shared_dir (HangarScheduler *self,
                                 const char      *dir)
{
  g_return_if_fail (HANGAR_IS_SCHEDULER (self));

  g_free (self->shared_dir);
  self->shared_dir = g_strdup (dir);
}

const char *
hangar_scheduler_get_shared_dir (HangarScheduler *self)
{
  g_return_val_if_fail (HANGAR_IS_SCHEDULER (self), NULL);
  return self->shared_dir;
}

/**
 * hangar_scheduler_get_base_usage:
 * @self: a #HangarScheduler
 * @base_id: a base
 * @out_limit: (out) (optional): the base's limit per second
 *
 * For a meter of the base's budget: the requests sent to @base_id in the
 * last second — by every process of the user when the scheduler shares its
 * buckets, by this one otherwise.
 *
 * Returns: the number of requests
 */
guint
hangar_scheduler_get_base_usage (HangarScheduler *self,
                                 const char      *base_id,
                                 guint           *out_limit)
{
  Bucket *bucket;
  HangarSharedBucket *shared;
  gint64 now = g_get_monotonic_time ();
  guint n = 0;

  g_return_val_if_fail (HANGAR_IS_SCHEDULER (self), 0);
  g_return_val_if_fail (base_id != NULL, 0);

  if (out_limit != NULL)
    *out_limit = (guint) (self->base_rate + 0.5);
  bucket = get_base_bucket (self, base_id);
  shared = bucket_shared (bucket);
  if (shared != NULL)
    {
      if (_hangar_shared_bucket_recent (shared, now, &n))
        bucket->last_usage = n;
      return bucket->last_usage;
    }
  for (guint i = 0; i < RECENT; i++)
    if (bucket->recent[i] != 0 && bucket->recent[i] > now - G_USEC_PER_SEC)
      n++;
  return n;
}

/* Called by the client when a request's last byte was written: the slot
 * was granted earlier, and on a loaded machine the bytes may leave tens of
 * milliseconds after it. What the server counts is when they arrive, so
 * the next slot is measured from here (less a few ms of ordinary delay, so
 * an unloaded client keeps its full rate): a late request never brings the
 * next one closer to it. */
void
_hangar_scheduler_note_sent (HangarScheduler *self,
                             const char      *base_id,
                             gpointer         token_key,
                             gint64           sent_us)
{
  Bucket *buckets[2] = { base_id != NULL ? get_base_bucket (self, base_id) : NULL,
                         token_key != NULL ? get_token_bucket (self, token_key) : NULL };
  double rates[2] = { self->base_rate, self->token_rate };

  for (guint i = 0; i < 2; i++)
    {
      Bucket *bucket = buckets[i];
      gint64 next;
      HangarSharedBucket *shared;

      if (bucket == NULL || rates[i] <= 0)
        continue;
      next = sent_us + interval_us (rates[i]) - SEND_SLACK_US;
      if (next <= bucket->next_allowed)
        continue;
      bucket->next_allowed = next;
      shared = bucket_shared (bucket);
      if (shared != NULL)
        _hangar_shared_bucket_push_next (shared, next);
    }
}

/* Called by the client with each request's round trip to @base_id. */
void
_hangar_scheduler_note_latency (HangarScheduler *self,
                                const char      *base_id,
                                gint64           us)
{
  HangarSharedBucket *shared;

  if (base_id == NULL)
    return;
  shared = bucket_shared (get_base_bucket (self, base_id));
  if (shared != NULL)
    _hangar_shared_bucket_note_latency (shared, us, g_get_monotonic_time ());
}

/**
 * hangar_scheduler_acquire_async:
 * @self: a #HangarScheduler
 * @base_id: (nullable): the base the request is for, %NULL for calls that are
 *   not per base (whoami, list bases)
 * @token_key: (nullable) (type GObject): identifies the token (the client's
 *   token source); %NULL for no per-token limit
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the request may be sent
 * @user_data: data for @callback
 *
 * Waits for a slot: the base's and the token's spacing and any 429 pause.
 * Each successful acquire is one request sent; call it again to re-send.
 */
void
hangar_scheduler_acquire_async (HangarScheduler     *self,
                                const char          *base_id,
                                gpointer             token_key,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Waiter *waiter;

  g_return_if_fail (HANGAR_IS_SCHEDULER (self));
  g_return_if_fail (token_key == NULL || G_IS_OBJECT (token_key));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_scheduler_acquire_async);

  waiter = g_new0 (Waiter, 1);
  if (base_id != NULL)
    waiter->base = get_base_bucket (self, base_id);
  if (token_key != NULL)
    waiter->token = get_token_bucket (self, token_key);
  g_task_set_task_data (task, waiter, waiter_free);

  if (waiter->base != NULL)
    bucket_set_queued (waiter->base, +1);
  if (waiter->token != NULL)
    bucket_set_queued (waiter->token, +1);

  if (cancellable != NULL)
    waiter->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (waiter_cancelled_cb),
                                               self, NULL);

  g_queue_push_tail (&self->queue, g_steal_pointer (&task));
  /* Decide on the next main loop iteration, never from inside the caller. */
  schedule_pump_soon (self);
}

gboolean
hangar_scheduler_acquire_finish (HangarScheduler  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (HANGAR_IS_SCHEDULER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * hangar_scheduler_report_rate_limited:
 * @self: a #HangarScheduler
 * @base_id: (nullable): the base that answered 429
 * @token_key: (nullable): the token's key, used when @base_id is %NULL
 *
 * Pauses the bucket for #HangarScheduler:penalty-ms. Requests for it wait
 * (their place in line kept) and leave, evenly spaced, once the pause ends.
 */
void
hangar_scheduler_report_rate_limited (HangarScheduler *self,
                                      const char      *base_id,
                                      gpointer         token_key)
{
  Bucket *bucket;
  gint64 until;

  g_return_if_fail (HANGAR_IS_SCHEDULER (self));

  if (base_id != NULL)
    bucket = get_base_bucket (self, base_id);
  else if (token_key != NULL)
    bucket = get_token_bucket (self, token_key);
  else
    return;

  _hangar_rate_state_count_rate_limited (bucket->state);

  until = g_get_monotonic_time () + (gint64) self->penalty_ms * 1000;
  /* The other processes stop too: the penalty is the base's, not ours. */
  bucket_share_pause (bucket, until);
  if (until <= bucket->paused_until)
    return;
  bucket_pause_until (bucket, until);
  g_debug ("Rate limited: pausing %s for %u ms", base_id ? base_id : "token", self->penalty_ms);
}

/**
 * hangar_scheduler_get_base_state:
 * @self: a #HangarScheduler
 * @base_id: a base id
 *
 * Returns: (transfer none): the observable state of @base_id's bucket; it
 *   lives as long as the scheduler
 */
HangarRateState *
hangar_scheduler_get_base_state (HangarScheduler *self,
                                 const char      *base_id)
{
  g_return_val_if_fail (HANGAR_IS_SCHEDULER (self), NULL);
  g_return_val_if_fail (base_id != NULL, NULL);

  return get_base_bucket (self, base_id)->state;
}

/**
 * hangar_scheduler_get_token_state:
 * @self: a #HangarScheduler
 * @token_key: (type GObject): the token's key (a client's token source)
 *
 * Returns: (transfer none): the state of the token's bucket, which pauses
 *   after a 429 to a call that is not per base (whoami, list bases)
 */
HangarRateState *
hangar_scheduler_get_token_state (HangarScheduler *self,
                                  gpointer         token_key)
{
  g_return_val_if_fail (HANGAR_IS_SCHEDULER (self), NULL);
  g_return_val_if_fail (G_IS_OBJECT (token_key), NULL);

  return get_token_bucket (self, token_key)->state;
}

double
hangar_scheduler_get_base_rate (HangarScheduler *self)
{
  g_return_val_if_fail (HANGAR_IS_SCHEDULER (self), 0);
  return self->base_rate;
}

void
hangar_scheduler_set_base_rate (HangarScheduler *self,
                                double           rate)
{
  g_return_if_fail (HANGAR_IS_SCHEDULER (self));

  if (self->base_rate == rate)
    return;
  self->base_rate = rate;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BASE_RATE]);
}

double
hangar_scheduler_get_token_rate (HangarScheduler *self)
{
  g_return_val_if_fail (HANGAR_IS_SCHEDULER (self), 0);
  return self->token_rate;
}

void
hangar_scheduler_set_token_rate (HangarScheduler *self,
                                 double           rate)
{
  g_return_if_fail (HANGAR_IS_SCHEDULER (self));

  if (self->token_rate == rate)
    return;
  self->token_rate = rate;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN_RATE]);
}

/**
 * hangar_scheduler_get_base_spacing_us:
 *
 * Returns: the time between two requests to one base, margin included; 0
 *   when there is no limit
 */
gint64
hangar_scheduler_get_base_spacing_us (HangarScheduler *self)
{
  g_return_val_if_fail (HANGAR_IS_SCHEDULER (self), 0);
  return interval_us (self->base_rate);
}

/**
 * hangar_scheduler_get_shared_latency_us:
 * @base_id: a base
 *
 * Returns: the round trip to @base_id that processes of this user measured
 *   lately, -1 when none did
 */
gint64
hangar_scheduler_get_shared_latency_us (HangarScheduler *self,
                                        const char      *base_id)
{
  HangarSharedBucket *shared;

  g_return_val_if_fail (HANGAR_IS_SCHEDULER (self), -1);
  g_return_val_if_fail (base_id != NULL, -1);

  shared = bucket_shared (get_base_bucket (self, base_id));
  return shared != NULL ? _hangar_shared_bucket_latency (shared, g_get_monotonic_time ()) : -1;
}

guint
hangar_scheduler_get_penalty_ms (HangarScheduler *self)
{
  g_return_val_if_fail (HANGAR_IS_SCHEDULER (self), 0);
  return self->penalty_ms;
}

void
hangar_scheduler_set_penalty_ms (HangarScheduler *self,
                                 guint            penalty_ms)
{
  g_return_if_fail (HANGAR_IS_SCHEDULER (self));

  if (self->penalty_ms == penalty_ms)
    return;
  self->penalty_ms = penalty_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENALTY_MS]);
}
