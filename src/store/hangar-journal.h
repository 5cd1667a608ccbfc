/* hangar-journal.h — the edit journal: every change to records, kept on disk
 * before it is sent, and sent until Airtable has it
 *
 * An edit the user makes is never sent straight to Airtable. It becomes a
 * HangarJournalChange — a create, update, replace, delete or attachment
 * upload of one record, with the fields written and their values before —
 * grouped with the other changes of the same user action (a paste of 1,000
 * cells is one group, one undo step). The group is written to the account's
 * state database in one transaction, and only then does the journal's
 * sender pick its changes up: in batches of up to 10 records per request
 * through the account's HangarClient (and its pacing), several updates of
 * one record merged into one.
 *
 * Every change has a state the user can see:
 *
 *   pending → sending → written
 *                     → failed     (Airtable refused it; its message is kept)
 *                     → uncertain  (a create or upload whose answer never
 *                                   came: it may exist; never re-sent blind)
 *
 * A 429, a network failure or a 5xx puts the changes back to pending and
 * pauses the sender (the pause and its reason are properties, for a
 * countdown); an update or delete is re-sent, a create never is. After a
 * crash or kill, a change left "sending" goes back to pending when it is an
 * update, replace or delete, and becomes uncertain when it is a create or an
 * upload; hangar_journal_lookup_async() then looks for the record by the
 * values written before anyone offers to create it again.
 *
 * A refresh that shows a server value different from the value before a
 * local change that is not on the server yet (and different from the new
 * value) makes that change a conflict: it is held back until the user
 * keeps theirs or takes the server's (hangar_journal_resolve_conflict()).
 *
 * One process sends for an account at a time (a lock file beside the
 * database); another process may open the journal and record changes, which
 * the sending process picks up when it next (re)loads.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "hangar-client.h"
#include "hangar-record.h"
#include "hangar-store.h"

G_BEGIN_DECLS

/**
 * HangarChangeKind:
 * @HANGAR_CHANGE_CREATE: a new record (its id is a local one, "new…", until
 *   Airtable answers)
 * @HANGAR_CHANGE_UPDATE: PATCH of some fields
 * @HANGAR_CHANGE_REPLACE: PUT: every writable field not given is cleared
 * @HANGAR_CHANGE_DELETE: the record is deleted (the fields before are kept,
 *   so an undo can create it again)
 * @HANGAR_CHANGE_UPLOAD: a file added to an attachment field through the
 *   upload endpoint
 */
typedef enum
{
  HANGAR_CHANGE_CREATE,
  HANGAR_CHANGE_UPDATE,
  HANGAR_CHANGE_REPLACE,
  HANGAR_CHANGE_DELETE,
  HANGAR_CHANGE_UPLOAD,
} HangarChangeKind;

/**
 * HangarChangeState:
 * @HANGAR_CHANGE_PENDING: journalled, not sent yet (or to be sent again)
 * @HANGAR_CHANGE_SENDING: in a request whose answer has not come
 * @HANGAR_CHANGE_WRITTEN: Airtable has it
 * @HANGAR_CHANGE_FAILED: Airtable refused it (see the message); not sent
 *   again unless retried
 * @HANGAR_CHANGE_UNCERTAIN: a create or upload that may or may not have
 *   been applied; look it up before creating it again
 */
typedef enum
{
  HANGAR_CHANGE_PENDING,
  HANGAR_CHANGE_SENDING,
  HANGAR_CHANGE_WRITTEN,
  HANGAR_CHANGE_FAILED,
  HANGAR_CHANGE_UNCERTAIN,
  HANGAR_N_CHANGE_STATES
} HangarChangeState;

/**
 * HangarJournalPause:
 * @HANGAR_JOURNAL_PAUSE_NONE: sending when there is something to send
 * @HANGAR_JOURNAL_PAUSE_RATE_LIMITED: Airtable answered 429; waiting out the
 *   base's penalty
 * @HANGAR_JOURNAL_PAUSE_OFFLINE: Airtable could not be reached
 * @HANGAR_JOURNAL_PAUSE_SERVER_ERROR: Airtable answered 5xx
 * @HANGAR_JOURNAL_PAUSE_SIGN_IN: the account needs to sign in again
 */
typedef enum
{
  HANGAR_JOURNAL_PAUSE_NONE,
  HANGAR_JOURNAL_PAUSE_RATE_LIMITED,
  HANGAR_JOURNAL_PAUSE_OFFLINE,
  HANGAR_JOURNAL_PAUSE_SERVER_ERROR,
  HANGAR_JOURNAL_PAUSE_SIGN_IN,
} HangarJournalPause;

GType hangar_change_kind_get_type    (void) G_GNUC_CONST;
GType hangar_change_state_get_type   (void) G_GNUC_CONST;
GType hangar_journal_pause_get_type  (void) G_GNUC_CONST;
#define HANGAR_TYPE_CHANGE_KIND   (hangar_change_kind_get_type ())
#define HANGAR_TYPE_CHANGE_STATE  (hangar_change_state_get_type ())
#define HANGAR_TYPE_JOURNAL_PAUSE (hangar_journal_pause_get_type ())

/* "pending", "sending", "written", "failed", "uncertain" */
const char *hangar_change_state_to_string (HangarChangeState state);

/* Local ids of records not created yet start with this. */
#define HANGAR_LOCAL_ID_PREFIX "new"
gboolean    hangar_journal_is_local_id    (const char *record_id);

typedef struct _HangarJournal HangarJournal;

/* ---- one change ---------------------------------------------------------- */

#define HANGAR_TYPE_JOURNAL_CHANGE (hangar_journal_change_get_type ())
G_DECLARE_FINAL_TYPE (HangarJournalChange, hangar_journal_change, HANGAR, JOURNAL_CHANGE, GObject)

/* The journal the change is in (NULL before it is submitted). */
HangarJournal    *hangar_journal_change_get_journal     (HangarJournalChange *self);
/* The database id (0 until the change is on disk). */
gint64            hangar_journal_change_get_id          (HangarJournalChange *self);
HangarChangeKind  hangar_journal_change_get_kind        (HangarJournalChange *self);
HangarChangeState hangar_journal_change_get_state       (HangarJournalChange *self);
/* Whether the change is on disk yet (it is sent only then). */
gboolean          hangar_journal_change_get_persisted   (HangarJournalChange *self);
const char       *hangar_journal_change_get_base_id     (HangarJournalChange *self);
const char       *hangar_journal_change_get_table_id    (HangarJournalChange *self);
/* The record's id: a local one ("new…") for a create not written yet; the
 * real one once Airtable created it (for the create and every later change
 * of that record). */
const char       *hangar_journal_change_get_record_id   (HangarJournalChange *self);
/* A create's local id, which stays the same after the real one is known. */
const char       *hangar_journal_change_get_local_id    (HangarJournalChange *self);
/* A create made by undoing a delete: the id the record had before (the
 * new record gets a new id), or NULL. */
const char       *hangar_journal_change_get_restores_id (HangarJournalChange *self);
/* The fields written (an upload: {"field": name, "filename", "contentType",
 * "path"}); do not modify. */
JsonObject       *hangar_journal_change_get_fields      (HangarJournalChange *self);
/* The values before, for the fields written (a delete or replace: every
 * writable field of the record); NULL when unknown. */
JsonObject       *hangar_journal_change_get_previous    (HangarJournalChange *self);
gboolean          hangar_journal_change_get_typecast    (HangarJournalChange *self);
/* Why it failed (the server's message), or what an uncertain change needs. */
const char       *hangar_journal_change_get_message     (HangarJournalChange *self);
/* The server's values of the fields in conflict, or NULL. */
JsonObject       *hangar_journal_change_get_conflict    (HangarJournalChange *self);
/* The record as Airtable answered, once written (NULL for a delete; for
 * an upload, the record with only the attachment field, which Airtable
 * keys by the field's id). */
HangarRecord     *hangar_journal_change_get_result      (HangarJournalChange *self);
/* What the user did, e.g. "Paste 5 cells" (the group's label). */
const char       *hangar_journal_change_get_label       (HangarJournalChange *self);
guint             hangar_journal_change_get_attempts    (HangarJournalChange *self);
/* An uncertain create that was looked up on Airtable and not found:
 * creating it again makes no duplicate. */
gboolean          hangar_journal_change_get_not_found   (HangarJournalChange *self);
/* Microseconds since the epoch. */
gint64            hangar_journal_change_get_created_at  (HangarJournalChange *self);
/* Whether the change is done with: written with no conflict, or discarded. */
gboolean          hangar_journal_change_is_settled      (HangarJournalChange *self);
/* Whether a change of @field_name is in it (an upload: its field). */
gboolean          hangar_journal_change_touches         (HangarJournalChange *self,
                                                         const char          *field_name);

/* ---- a group: the changes of one user action ----------------------------- */

#define HANGAR_TYPE_JOURNAL_GROUP (hangar_journal_group_get_type ())
G_DECLARE_FINAL_TYPE (HangarJournalGroup, hangar_journal_group, HANGAR, JOURNAL_GROUP, GObject)

HangarJournalGroup *hangar_journal_group_new          (const char          *label);
const char         *hangar_journal_group_get_label    (HangarJournalGroup  *self);
/* The changes, in order (HangarJournalChange). */
GPtrArray          *hangar_journal_group_get_changes  (HangarJournalGroup  *self);
guint               hangar_journal_group_get_n_changes (HangarJournalGroup *self);
gboolean            hangar_journal_group_get_submitted (HangarJournalGroup *self);

/* Building a group, before hangar_journal_submit(). @fields and @previous
 * are copied. @previous: the values before, for the fields written (NULL
 * when unknown); for a delete, the record's writable fields (so that an
 * undo can create it again). Returns the change (owned by the group). */
HangarJournalChange *hangar_journal_group_add_update  (HangarJournalGroup  *self,
                                                       const char          *base_id,
                                                       const char          *table_id,
                                                       const char          *record_id,
                                                       JsonObject          *fields,
                                                       JsonObject          *previous,
                                                       gboolean             typecast);
HangarJournalChange *hangar_journal_group_add_replace (HangarJournalGroup  *self,
                                                       const char          *base_id,
                                                       const char          *table_id,
                                                       const char          *record_id,
                                                       JsonObject          *fields,
                                                       JsonObject          *previous,
                                                       gboolean             typecast);
/* The new record's local id is hangar_journal_change_get_record_id(). */
HangarJournalChange *hangar_journal_group_add_create  (HangarJournalGroup  *self,
                                                       const char          *base_id,
                                                       const char          *table_id,
                                                       JsonObject          *fields,
                                                       gboolean             typecast);
HangarJournalChange *hangar_journal_group_add_delete  (HangarJournalGroup  *self,
                                                       const char          *base_id,
                                                       const char          *table_id,
                                                       const char          *record_id,
                                                       JsonObject          *previous);
/* Adds the file at @path (read when it is sent, at most 5 MB) to the
 * attachment field @field_name; @previous_attachments (nullable) is the
 * field's value before, for undo. */
HangarJournalChange *hangar_journal_group_add_upload  (HangarJournalGroup  *self,
                                                       const char          *base_id,
                                                       const char          *table_id,
                                                       const char          *record_id,
                                                       const char          *field_name,
                                                       const char          *path,
                                                       const char          *filename,
                                                       const char          *content_type,
                                                       JsonNode            *previous_attachments);

/* The group that undoes @group: the inverse writes in reverse order (an
 * update writes the values before back; a create is deleted; a delete is
 * created again with its fields — under a new id; a replace puts the whole
 * record before back; an upload sets the attachments before). Changes that
 * failed, and creates whose outcome is uncertain, are left out. NULL with
 * @error when nothing can be undone. Undoing the inverse redoes. */
HangarJournalGroup *hangar_journal_group_new_inverse  (HangarJournalGroup  *group,
                                                       const char          *label,
                                                       GError             **error);

/* ---- the journal --------------------------------------------------------- */

#define HANGAR_TYPE_JOURNAL (hangar_journal_get_type ())
G_DECLARE_FINAL_TYPE (HangarJournal, hangar_journal, HANGAR, JOURNAL, GObject)

/* Opens the journal in @store (a STATE database), recovering what a crash
 * left (see above), and sends through @client (nullable: record only, until
 * hangar_journal_set_client()). */
HangarJournal     *hangar_journal_new                (HangarStore          *store,
                                                      HangarClient         *client,
                                                      GError              **error);
/* The process's one journal for @account_id, opened on first use on the
 * account's state database; main thread only. Returns a new reference. */
HangarJournal     *hangar_journal_get_for_account    (const char           *account_id,
                                                      HangarClient         *client,
                                                      GError              **error);

HangarStore       *hangar_journal_get_store          (HangarJournal        *self);
HangarClient      *hangar_journal_get_client         (HangarJournal        *self);
void               hangar_journal_set_client         (HangarJournal        *self,
                                                      HangarClient         *client);

/* Journals @group: its changes appear in the model at once (pending, not
 * yet persisted), are written to disk in one transaction on the store's
 * worker thread, and are sent only after that. A group that cannot be
 * written (a full disk) has its changes failed with the reason, and nothing
 * of it is sent. */
void               hangar_journal_submit             (HangarJournal        *self,
                                                      HangarJournalGroup   *group);

/* Whether the sender runs (TRUE by default). Off, changes are journalled
 * and kept; nothing is sent. */
void               hangar_journal_set_sending        (HangarJournal        *self,
                                                      gboolean              sending);
gboolean           hangar_journal_get_sending        (HangarJournal        *self);
/* Whether this process holds the account's sender lock. */
gboolean           hangar_journal_get_is_sender      (HangarJournal        *self);

/* A GListModel of HangarJournalChange: every change not settled, and the
 * ones settled in this session (the newest last), up to a bound. */
GListModel        *hangar_journal_get_changes        (HangarJournal        *self);
/* Changes in @state among those not settled; changes in conflict are
 * counted apart (hangar_journal_count_conflicts()), whatever their state. */
guint              hangar_journal_count              (HangarJournal        *self,
                                                      HangarChangeState     state);
/* Changes held back by a conflict. */
guint              hangar_journal_count_conflicts    (HangarJournal        *self);
/* Pending + sending (not in conflict): what is not on Airtable yet and
 * will be sent without the user's help. */
guint              hangar_journal_count_unsent       (HangarJournal        *self);

/* The pause: why, and until when (real time in microseconds, as
 * g_get_real_time(); 0 when not paused). */
HangarJournalPause hangar_journal_get_pause          (HangarJournal        *self);
gint64             hangar_journal_get_paused_until   (HangarJournal        *self);
/* Ends a pause now (the user pressed "Retry now"). */
void               hangar_journal_resume             (HangarJournal        *self);

/* The changes of @record_id not settled, oldest first (HangarJournalChange;
 * transfer container). */
GPtrArray         *hangar_journal_get_record_changes (HangarJournal        *self,
                                                      const char           *record_id);
/* The state shown for a cell (or for the whole record when @field_name is
 * NULL): the state of the newest unsettled change touching it; @out_conflict
 * tells whether one is in conflict. FALSE when nothing is unsettled. */
gboolean           hangar_journal_get_cell_state     (HangarJournal        *self,
                                                      const char           *record_id,
                                                      const char           *field_name,
                                                      HangarChangeState    *out_state,
                                                      gboolean             *out_conflict);

/* @record as the user expects to see it: the server's record with the
 * values of the changes not yet on the server put over it. NULL when there
 * is nothing to put over it; a pending delete also gives NULL with
 * *out_deleted TRUE. */
HangarRecord      *hangar_journal_overlay_record     (HangarJournal        *self,
                                                      HangarRecord         *record,
                                                      gboolean             *out_deleted);

/* Records created in @base_id/@table_id and not written yet, as local
 * records (local ids), oldest first (transfer full). */
GPtrArray         *hangar_journal_dup_local_records  (HangarJournal        *self,
                                                      const char           *base_id,
                                                      const char           *table_id);

/* A refresh brought @record from the server: changes of it that are not on
 * the server yet (and written ones of this session) are checked for
 * conflicts. Returns TRUE when a new conflict was found. */
gboolean           hangar_journal_observe_record     (HangarJournal        *self,
                                                      const char           *base_id,
                                                      const char           *table_id,
                                                      HangarRecord         *record);
/* Keep mine: the change goes (again) with the server's values as the values
 * before. Take theirs: the change is discarded. */
gboolean           hangar_journal_resolve_conflict   (HangarJournal        *self,
                                                      HangarJournalChange  *change,
                                                      gboolean              keep_mine,
                                                      GError              **error);

/* A failed change (or an uncertain one, after a lookup found nothing)
 * goes back to pending. */
gboolean           hangar_journal_retry              (HangarJournal        *self,
                                                      HangarJournalChange  *change,
                                                      GError              **error);
/* Forgets a change that is not settled and not being sent: it is never sent.
 * Later changes of a discarded create are discarded with it. */
gboolean           hangar_journal_discard            (HangarJournal        *self,
                                                      HangarJournalChange  *change,
                                                      GError              **error);
/* Replaces the fields of a pending or failed change (e.g. a value Airtable
 * refused) and makes it pending. */
gboolean           hangar_journal_edit               (HangarJournalChange  *change,
                                                      JsonObject           *fields,
                                                      GError              **error);
/* An uncertain create that turned out to exist (@record_id) is written. */
gboolean           hangar_journal_mark_created       (HangarJournal        *self,
                                                      HangarJournalChange  *change,
                                                      const char           *record_id,
                                                      GError              **error);

/**
 * HangarLookupResult:
 * @HANGAR_LOOKUP_FOUND: a record with the values written exists (its id is
 *   returned); the change is marked written with it
 * @HANGAR_LOOKUP_NOT_FOUND: no such record: creating it again makes no
 *   duplicate
 * @HANGAR_LOOKUP_AMBIGUOUS: several records match; the user must decide
 * @HANGAR_LOOKUP_CANNOT_TELL: the values written cannot be searched for
 *   (only links, attachments or collaborators)
 */
typedef enum
{
  HANGAR_LOOKUP_FOUND,
  HANGAR_LOOKUP_NOT_FOUND,
  HANGAR_LOOKUP_AMBIGUOUS,
  HANGAR_LOOKUP_CANNOT_TELL,
} HangarLookupResult;

/* Looks for the record an uncertain create may have made: a listing of its
 * table filtered (with the formula builder) on the values written and on a
 * creation time after the change was made. FOUND marks the change written
 * with the record found. */
void               hangar_journal_lookup_async       (HangarJournal        *self,
                                                      HangarJournalChange  *change,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
HangarLookupResult hangar_journal_lookup_finish      (HangarJournal        *self,
                                                      GAsyncResult         *result,
                                                      char                **out_record_id,
                                                      GError              **error);

/* Waits until nothing is pending or sending (failed and uncertain changes
 * do not count), or until cancelled. */
void               hangar_journal_wait_idle_async    (HangarJournal        *self,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean           hangar_journal_wait_idle_finish   (HangarJournal        *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

/* Compares two cell values as Airtable stores them: absent, null, "", [],
 * false are all empty; numbers by value; links, attachments and
 * collaborators by their ids. */
gboolean           hangar_journal_values_equal       (JsonNode             *a,
                                                      JsonNode             *b);

G_END_DECLS
