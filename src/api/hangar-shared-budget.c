/* hangar-shared-budget.c — one rate budget for every process of the user
 *
 * Airtable counts requests per base and per token, whoever sends them, so
 * the app and every hangar-cli of the same user must pace together. Each
 * bucket is a small file in $XDG_RUNTIME_DIR/hangar/budget/ holding when
 * its next request may leave, the pause after a 429, the last dispatches
 * and the measured round trip. A process reads and updates it under an
 * fcntl lock held for a few system calls, never across a wait:
 *
 * - nothing is "held" between requests: a slot is spent when a request
 *   leaves, so a process that dies costs no capacity;
 * - the kernel drops the lock of a process that dies, and a lock that
 *   stays taken for a second (a stopped process) is passed over, so
 *   nobody waits for ever;
 * - times are CLOCK_MONOTONIC, which all processes share; the boot id in
 *   the file tells a state from before a reboot, which is dropped, as is
 *   anything unreadable or out of range.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE   /* F_OFD_SETLK */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>

#include "hangar-shared-budget.h"

#define MAGIC        0x42524748u   /* "HGRB" */
#define VERSION      1
#define RING         16
#define BOOT_ID_LEN  40
/* Nothing in a sane file lies further ahead than this. */
#define MAX_AHEAD_US (15 * 60 * G_USEC_PER_SEC)
#define LATENCY_TTL  (30 * 60 * G_USEC_PER_SEC)

typedef struct
{
  guint32 magic;
  guint32 version;
  char    boot_id[BOOT_ID_LEN];
  gint64  next_allowed;   /* monotonic µs */
  gint64  paused_until;   /* monotonic µs, 0 for none */
  gint64  latency_us;     /* smoothed, -1 for none */
  gint64  latency_at;     /* monotonic µs of the last sample */
  guint32 ring_pos;
  guint32 reserved;
  gint64  recent[RING];   /* monotonic µs of the last dispatches */
} State;

struct _HangarSharedBucket
{
  int   fd;
  char *path;
};

static const char *
boot_id (void)
{
  static char id[BOOT_ID_LEN];
  static gsize done;

  if (g_once_init_enter (&done))
    {
      g_autofree char *text = NULL;

      if (g_file_get_contents ("/proc/sys/kernel/random/boot_id", &text, NULL, NULL))
        g_strlcpy (id, g_strstrip (text), sizeof id);
      g_once_init_leave (&done, 1);
    }
  return id;
}

static gboolean
name_is_safe (const char *name)
{
  if (name == NULL || *name == '\0' || strlen (name) > 200)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

HangarSharedBucket *
_hangar_shared_bucket_open (const char  *dir,
                            const char  *name,
                            GError     **error)
{
  g_autofree char *path = NULL;
  HangarSharedBucket *bucket;
  struct stat st;
  int fd;

  g_return_val_if_fail (dir != NULL, NULL);

  if (!name_is_safe (name))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME, "Not a budget name: %s", name);
      return NULL;
    }
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), "%s: %s", dir, g_strerror (errsv));
      return NULL;
    }
  path = g_build_filename (dir, name, NULL);
  fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), "%s: %s", path, g_strerror (errsv));
      return NULL;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode) || st.st_uid != getuid ())
    {
      close (fd);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "%s is not a file of this user", path);
      return NULL;
    }
  bucket = g_new0 (HangarSharedBucket, 1);
  bucket->fd = fd;
  bucket->path = g_steal_pointer (&path);
  return bucket;
}

void
_hangar_shared_bucket_free (HangarSharedBucket *bucket)
{
  if (bucket == NULL)
    return;
  close (bucket->fd);
  g_free (bucket->path);
  g_free (bucket);
}

/* Non-blocking; FALSE when another process holds it. Open-file-description
 * locks where the kernel has them (they belong to this descriptor only),
 * classic record locks otherwise. */
static gboolean
set_lock (HangarSharedBucket *bucket,
          short               type)
{
  struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0, .l_pid = 0 };

#ifdef F_OFD_SETLK
  if (fcntl (bucket->fd, F_OFD_SETLK, &fl) == 0)
    return TRUE;
  if (errno != EINVAL)
    return FALSE;
#endif
  return fcntl (bucket->fd, F_SETLK, &fl) == 0;
}

static gboolean
lock (HangarSharedBucket *bucket)
{
  return bucket == NULL || set_lock (bucket, F_WRLCK);
}

static void
unlock (HangarSharedBucket *bucket)
{
  if (bucket != NULL)
    (void) set_lock (bucket, F_UNLCK);
}

/* The state, or a fresh one when the file is new, from another boot,
 * damaged or says something impossible. Under the lock. */
static void
read_state (HangarSharedBucket *bucket,
            State              *state,
            gint64              now)
{
  ssize_t n = pread (bucket->fd, state, sizeof *state, 0);
  gboolean sane = n == (ssize_t) sizeof *state && state->magic == MAGIC && state->version == VERSION &&
                  memcmp (state->boot_id, boot_id (), BOOT_ID_LEN) == 0 &&
                  state->next_allowed <= now + MAX_AHEAD_US && state->paused_until <= now + MAX_AHEAD_US &&
                  state->ring_pos < RING;

  if (!sane)
    {
      memset (state, 0, sizeof *state);
      state->magic = MAGIC;
      state->version = VERSION;
      memcpy (state->boot_id, boot_id (), BOOT_ID_LEN);
      state->latency_us = -1;
    }
}

static void
write_state (HangarSharedBucket *bucket,
             const State        *state)
{
  ssize_t n = pwrite (bucket->fd, state, sizeof *state, 0);

  if (n != (ssize_t) sizeof *state)
    g_debug ("Could not write the shared budget %s: %s", bucket->path,
             n < 0 ? g_strerror (errno) : "short write");
}

static gint64
ready_at (const State *state)
{
  return MAX (state->next_allowed, state->paused_until);
}

gboolean
_hangar_shared_take (HangarSharedBucket *base,
                     gint64              base_interval,
                     HangarSharedBucket *token,
                     gint64              token_interval,
                     gint64              now,
                     gint64             *out_ready_at,
                     gint64             *out_base_paused,
                     gint64             *out_token_paused)
{
  State b, t;
  gint64 ready = 0;

  *out_ready_at = 0;
  *out_base_paused = 0;
  *out_token_paused = 0;
  if (!lock (base))
    {
      *out_ready_at = -1;
      return FALSE;
    }
  if (!lock (token))
    {
      unlock (base);
      *out_ready_at = -1;
      return FALSE;
    }

  if (base != NULL)
    {
      read_state (base, &b, now);
      ready = MAX (ready, ready_at (&b));
      if (b.paused_until > now)
        *out_base_paused = b.paused_until;
    }
  if (token != NULL)
    {
      read_state (token, &t, now);
      ready = MAX (ready, ready_at (&t));
      if (t.paused_until > now)
        *out_token_paused = t.paused_until;
    }
  if (ready > now)
    {
      unlock (token);
      unlock (base);
      *out_ready_at = ready;
      return FALSE;
    }

  if (base != NULL)
    {
      b.next_allowed = now + base_interval;
      b.paused_until = 0;
      b.recent[b.ring_pos] = now;
      b.ring_pos = (b.ring_pos + 1) % RING;
      write_state (base, &b);
    }
  if (token != NULL)
    {
      t.next_allowed = now + token_interval;
      t.paused_until = 0;
      t.recent[t.ring_pos] = now;
      t.ring_pos = (t.ring_pos + 1) % RING;
      write_state (token, &t);
    }
  unlock (token);
  unlock (base);
  return TRUE;
}

/* Runs @func on the state under the lock; FALSE (nothing done) when
 * another process holds it — for a few system calls: the caller tries
 * again later, it never waits here. */
static gboolean
with_state (HangarSharedBucket *bucket,
            gint64              now,
            gboolean            (*func) (State *state, gint64 now, gpointer data),
            gpointer            data)
{
  State state;
  gboolean changed;

  if (!lock (bucket))
    return FALSE;
  read_state (bucket, &state, now);
  changed = func (&state, now, data);
  if (changed)
    write_state (bucket, &state);
  unlock (bucket);
  return TRUE;
}

static gboolean
pause_func (State    *state,
            gint64    now,
            gpointer  data)
{
  gint64 until = *(gint64 *) data;

  if (until <= state->paused_until)
    return FALSE;
  state->paused_until = MIN (until, now + MAX_AHEAD_US);
  return TRUE;
}

gboolean
_hangar_shared_bucket_pause (HangarSharedBucket *bucket,
                             gint64              until)
{
  g_return_val_if_fail (bucket != NULL, FALSE);
  return with_state (bucket, g_get_monotonic_time (), pause_func, &until);
}

static gboolean
push_next_func (State    *state,
                gint64    now,
                gpointer  data)
{
  gint64 next = *(gint64 *) data;

  if (next <= state->next_allowed)
    return FALSE;
  state->next_allowed = MIN (next, now + MAX_AHEAD_US);
  return TRUE;
}

void
_hangar_shared_bucket_push_next (HangarSharedBucket *bucket,
                                 gint64              next)
{
  g_return_if_fail (bucket != NULL);
  with_state (bucket, g_get_monotonic_time (), push_next_func, &next);
}

static gboolean
recent_func (State    *state,
             gint64    now,
             gpointer  data)
{
  guint n = 0;

  for (guint i = 0; i < RING; i++)
    if (state->recent[i] != 0 && state->recent[i] > now - G_USEC_PER_SEC && state->recent[i] <= now)
      n++;
  *(guint *) data = n;
  return FALSE;
}

gboolean
_hangar_shared_bucket_recent (HangarSharedBucket *bucket,
                              gint64              now,
                              guint              *out_n)
{
  g_return_val_if_fail (bucket != NULL, FALSE);
  return with_state (bucket, now, recent_func, out_n);
}

static gboolean
note_latency_func (State    *state,
                   gint64    now,
                   gpointer  data)
{
  gint64 us = *(gint64 *) data;

  /* Processes note few samples each (a CLI run may send one request):
   * a new sample counts half. */
  if (state->latency_us < 0 || state->latency_at < now - LATENCY_TTL)
    state->latency_us = us;
  else
    state->latency_us = (state->latency_us + us) / 2;
  state->latency_at = now;
  return TRUE;
}

void
_hangar_shared_bucket_note_latency (HangarSharedBucket *bucket,
                                    gint64              us,
                                    gint64              now)
{
  g_return_if_fail (bucket != NULL);
  if (us >= 0)
    with_state (bucket, now, note_latency_func, &us);
}

static gboolean
latency_func (State    *state,
              gint64    now,
              gpointer  data)
{
  *(gint64 *) data = state->latency_us >= 0 && state->latency_at > now - LATENCY_TTL &&
                     state->latency_at <= now ? state->latency_us : -1;
  return FALSE;
}

gint64
_hangar_shared_bucket_latency (HangarSharedBucket *bucket,
                               gint64              now)
{
  gint64 us = -1;

  g_return_val_if_fail (bucket != NULL, -1);
  with_state (bucket, now, latency_func, &us);
  return us;
}
