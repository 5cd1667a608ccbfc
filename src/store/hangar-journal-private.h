/* hangar-journal-private.h — what the files of the edit journal share
 *
 * The journal is one class over several files:
 *
 *   hangar-journal-change.c  HangarJournalChange and HangarJournalGroup (what
 *                            a change holds, groups, their inverse for undo,
 *                            comparing cell values)
 *   hangar-journal.c         the journal: its tables, opening and crash
 *                            recovery, submitting groups, the list model and
 *                            counts, overlays, conflicts, retry / discard /
 *                            edit, the sender lock
 *   hangar-journal-sender.c  sending: picking batches, the requests, what an
 *                            answer (or its absence) does to each change,
 *                            pauses and backoff
 *   hangar-journal-lookup.c  uncertain creates: looking for the record by the
 *                            values written
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hangar-journal.h"

G_BEGIN_DECLS

/* Records per request: Airtable's batch limit. */
#define HANGAR_JOURNAL_BATCH       HANGAR_BATCH_SIZE
/* Batches in flight at once, over every base (the client paces each base). */
#define HANGAR_JOURNAL_IN_FLIGHT   4
/* Attempts before an update that keeps meeting 5xx or a broken answer fails. */
#define HANGAR_JOURNAL_MAX_ATTEMPTS 10
/* Settled changes kept in the list model, the oldest dropped first. */
#define HANGAR_JOURNAL_KEEP_SETTLED 2000
/* Files bigger than this are refused for upload (Airtable's documented cap). */
#define HANGAR_JOURNAL_MAX_UPLOAD  (5 * 1024 * 1024)

/* HangarJournalChange.lookup_done, as kept in the journal's lookup_done
 * column: not looked up; looked up and not decided by it (several matches,
 * nothing to search by; also every lookup of a journal written before the
 * outcome was kept); looked up and not found. */
#define LOOKUP_NONE      0
#define LOOKUP_UNDECIDED 1
#define LOOKUP_NOT_FOUND 2

struct _HangarJournalChange
{
  GObject             parent_instance;

  HangarJournal      *journal;     /* not owned; set on submit */
  HangarJournalGroup *group;       /* not owned */
  gint64              id;          /* 0 until persisted */
  HangarChangeKind    kind;
  HangarChangeState   state;
  gboolean            persisted;
  gboolean            discarded;
  gboolean            solo;        /* send alone (its batch was refused) */
  int                 lookup_done; /* an uncertain create was looked up: LOOKUP_* */
  char               *base_id;
  char               *table_id;
  char               *record_id;
  char               *local_id;
  char               *restores_id; /* a create that undoes the delete of this record */
  JsonObject         *fields;
  JsonObject         *previous;
  JsonObject         *conflict;
  gboolean            typecast;
  char               *message;
  HangarRecord       *result;
  guint               attempts;
  gint64              created_at;  /* real time, µs */
  gint64              sent_at;     /* real time, µs; 0 when never sent */
};

struct _HangarJournalGroup
{
  GObject    parent_instance;

  char      *label;
  GPtrArray *changes;      /* HangarJournalChange */
  gboolean   submitted;
  gint64     db_id;
  gint64     created_at;
};

typedef struct _HangarJournalWaiter HangarJournalWaiter;

struct _HangarJournal
{
  GObject             parent_instance;

  HangarStore        *store;
  HangarClient       *client;
  GListStore         *model;        /* HangarJournalChange shown in the list */
  GPtrArray          *open;         /* unsettled changes, oldest first */
  GHashTable         *by_record;    /* record id → GPtrArray of unsettled changes */
  guint               counts[HANGAR_N_CHANGE_STATES];
  guint               n_conflicts;
  guint               n_settled_shown;

  /* sending (hangar-journal-sender.c) */
  gboolean            sending;      /* the user's switch */
  int                 lock_fd;
  gboolean            is_sender;
  guint               lock_poll_id;
  guint               pump_id;
  guint               resume_id;
  guint               in_flight;
  HangarJournalPause  pause;
  gint64              paused_until; /* monotonic µs */
  guint               backoff;      /* consecutive transient failures */
  GCancellable       *cancellable;
  GHashTable         *rate_states;  /* base id → HangarRateState (watched) */
  GList              *waiters;      /* GTask of wait_idle_async */
};

/* hangar-journal-change.c */
HangarJournalChange *_hangar_journal_change_new         (HangarChangeKind     kind,
                                                         const char          *base_id,
                                                         const char          *table_id,
                                                         const char          *record_id,
                                                         JsonObject          *fields,
                                                         JsonObject          *previous,
                                                         gboolean             typecast);
/* Sets the state (and message) and notifies; counts are the journal's job. */
void                 _hangar_journal_change_set_state   (HangarJournalChange *self,
                                                         HangarChangeState    state,
                                                         const char          *message);
void                 _hangar_journal_change_set_record_id (HangarJournalChange *self,
                                                           const char          *record_id);
void                 _hangar_journal_change_set_conflict (HangarJournalChange *self,
                                                          JsonObject          *conflict);
void                 _hangar_journal_change_set_result  (HangarJournalChange *self,
                                                         HangarRecord        *record);
void                 _hangar_journal_change_set_fields  (HangarJournalChange *self,
                                                         JsonObject          *fields);
void                 _hangar_journal_change_set_previous (HangarJournalChange *self,
                                                          JsonObject          *previous);
void                 _hangar_journal_change_notify      (HangarJournalChange *self,
                                                         const char          *property);
char                *_hangar_journal_new_local_id       (void);
/* Written changes are kept this long on disk (the list shows this
 * session's only). */
#define KEEP_WRITTEN_US (7 * G_TIME_SPAN_DAY)

/* Opening (hangar-journal-recover.c): the changes not settled yet read
 * from disk, put on the open list and counted. */
void                 _hangar_journal_load_open          (HangarJournal       *self);
void                 _hangar_journal_open_change        (HangarJournal       *self,
                                                         HangarJournalChange *change);
void                 _hangar_journal_count_add          (HangarJournal       *self,
                                                         HangarJournalChange *change,
                                                         int                  delta);
void                 _hangar_journal_emit_record_changed (HangarJournal      *self,
                                                          const char         *record_id);
/* After a crash: sending updates/deletes back to pending, sending creates
 * uncertain (hangar-journal-recover.c). */
gboolean             _hangar_journal_recover            (HangarJournal       *self,
                                                         GError             **error);
JsonObject          *_hangar_journal_object_from_text   (const char          *text);
char                *_hangar_journal_object_to_text     (JsonObject          *object);

/* hangar-journal.c */
/* Moves @change to @state (counts, notifications, the journal's signals)
 * without writing anything; the caller persists. */
void                 _hangar_journal_set_state          (HangarJournal       *self,
                                                         HangarJournalChange *change,
                                                         HangarChangeState    state,
                                                         const char          *message);
/* The unsettled changes of @record_id (owned by the journal); NULL when
 * there are none, unless @create. */
GPtrArray           *_hangar_journal_record_list        (HangarJournal       *self,
                                                         const char          *record_id,
                                                         gboolean             create);
/* Done with @change (written without conflict, or discarded): off the open
 * list. */
void                 _hangar_journal_settle             (HangarJournal       *self,
                                                         HangarJournalChange *change);
void                 _hangar_journal_emit_written       (HangarJournal       *self,
                                                         HangarJournalChange *change,
                                                         HangarRecord        *record);
void                 _hangar_journal_emit_refused       (HangarJournal       *self,
                                                         HangarJournalChange *change,
                                                         const GError        *error);
void                 _hangar_journal_check_idle         (HangarJournal       *self);

/* hangar-journal-write.c */
/* Writes the mutable columns of @changes, inside the caller's transaction. */
gboolean             _hangar_journal_persist_in         (HangarJournal       *self,
                                                         GPtrArray           *changes,
                                                         GError             **error);
/* Writes the mutable columns of @changes in one transaction. */
gboolean             _hangar_journal_persist            (HangarJournal       *self,
                                                         GPtrArray           *changes,
                                                         GError             **error);
gboolean             _hangar_journal_persist_one        (HangarJournal       *self,
                                                         HangarJournalChange *change,
                                                         GError             **error);
/* A create became written as @record_id: every change of its local id now
 * names @record_id (in memory and on disk, inside the caller's transaction). */
void                 _hangar_journal_rename_record      (HangarJournal       *self,
                                                         const char          *local_id,
                                                         const char          *record_id);

/* hangar-journal-lookup.c: looks up the uncertain creates not looked up
 * yet (after a restart). */
void                 _hangar_journal_lookup_uncertain   (HangarJournal       *self);
/* A record this journal's creates made (a lookup never takes it for
 * another create's). */
void                 _hangar_journal_claim              (HangarJournal       *self,
                                                         const char          *record_id);

/* hangar-journal-sender.c */
void                 _hangar_journal_kick               (HangarJournal       *self);
void                 _hangar_journal_sender_start       (HangarJournal       *self);
void                 _hangar_journal_sender_stop        (HangarJournal       *self);
void                 _hangar_journal_set_pause          (HangarJournal       *self,
                                                         HangarJournalPause   pause,
                                                         gint64               until);

G_END_DECLS
