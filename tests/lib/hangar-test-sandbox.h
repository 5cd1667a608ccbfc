/* hangar-test-sandbox.h — a real hangar-sandbox process for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  GSubprocess *process;
  JsonObject  *info;          /* the JSON line the sandbox printed on start */
  char        *url;           /* base URL of the API and of OAuth, no trailing slash */
  char        *pat;           /* personal access token, every scope, demo user */
  char        *client_id;     /* public OAuth integration (no secret) */
  char        *redirect_uri;  /* registered for client_id */
  char        *state_dir;     /* NULL unless --state-dir was given */
} HangarTestSandbox;

/* Gives this test process a fresh HOME and XDG dirs under a temporary
 * directory, so nothing touches the real user's files. Call after g_test_init. */
void               hangar_test_isolate_home       (void);

/* Points libsecret at its file backend: a keyring file at @path (NULL:
 * test.keyring in HOME, outside the XDG dirs that leak scans read) with a
 * fixed password. Call before anything touches libsecret. */
void               hangar_test_use_file_keyring   (const char *path);

/* Starts $HANGAR_SANDBOX --port 0 plus the NULL-terminated extra arguments,
 * waits for its JSON line, and returns the handle. Aborts the test on failure. */
HangarTestSandbox *hangar_test_sandbox_start      (const char *first_arg,
                                                   ...) G_GNUC_NULL_TERMINATED;
HangarTestSandbox *hangar_test_sandbox_startv     (const char * const *args);
void               hangar_test_sandbox_stop       (HangarTestSandbox *sandbox);

/* A blocking HTTP request to the sandbox (control API or plain API); returns
 * the parsed body (or NULL for an empty one) and the status in @out_status.
 * @bearer may be NULL. For test set-up and assertions only. */
JsonNode          *hangar_test_sandbox_request    (HangarTestSandbox *sandbox,
                                                   const char        *method,
                                                   const char        *path_and_query,
                                                   const char        *bearer,
                                                   const char        *json_body,
                                                   guint             *out_status);

/* GET /__sandbox/stats and return one integer member (e.g. "requests",
 * "refreshes") or, with a dotted name, a nested one ("by_status.429"). */
gint64             hangar_test_sandbox_stat       (HangarTestSandbox *sandbox,
                                                   const char        *name);

/* A blocking request with full control, for hostile-input tests: any
 * method, raw body bytes (may be NULL) with @content_type, extra headers as
 * a NULL-terminated name/value list (may be NULL). Returns the raw response
 * body (never NULL; empty when the connection was dropped, with
 * @out_status 0). */
GBytes            *hangar_test_sandbox_raw_request (HangarTestSandbox  *sandbox,
                                                    const char         *method,
                                                    const char         *path_and_query,
                                                    const char         *bearer,
                                                    const char * const *headers,
                                                    const char         *body,
                                                    gsize               body_len,
                                                    const char         *content_type,
                                                    guint              *out_status);

/* POST @json_body (may be NULL) to the control API at @path
 * ("/__sandbox/faults") and abort the test unless it answers 200. */
void               hangar_test_sandbox_control    (HangarTestSandbox *sandbox,
                                                   const char        *path,
                                                   const char        *json_body);
/* The same, returning the answer (NULL for an empty one). */
JsonNode          *hangar_test_sandbox_control_json (HangarTestSandbox *sandbox,
                                                     const char        *path,
                                                     const char        *json_body);

/* GET @path_and_query with the demo user's PAT; aborts the test unless the
 * answer is 200 with a JSON body, which is returned. */
JsonNode          *hangar_test_sandbox_get        (HangarTestSandbox *sandbox,
                                                   const char        *path_and_query);

/* Every record id of a listing of @table (id or name) in @base_id, page by
 * page, with the demo user's PAT; @query (may be NULL) is appended as is,
 * already escaped ("view=Open%20tasks"). */
GPtrArray         *hangar_test_sandbox_list_ids   (HangarTestSandbox *sandbox,
                                                   const char        *base_id,
                                                   const char        *table,
                                                   const char        *query);

/* The id of the first base named @name visible to @bearer (NULL if none). */
char              *hangar_test_sandbox_base_id    (HangarTestSandbox *sandbox,
                                                   const char        *bearer,
                                                   const char        *name);

/* A member of the startup JSON line's "users" array: the @index-th user's
 * "id", "email" or "pat". */
const char        *hangar_test_sandbox_user       (HangarTestSandbox *sandbox,
                                                   guint              index,
                                                   const char        *member);

/* --- the OAuth consent page, as a browser would drive it ------------------- */

/* A blocking HTTP request that does not follow redirects; @form (may be
 * NULL) is sent as application/x-www-form-urlencoded. */
typedef struct
{
  guint  status;
  char  *location;   /* the Location header, if any */
  char  *body;
} HangarTestHttp;

HangarTestHttp    *hangar_test_http               (const char        *method,
                                                   const char        *url,
                                                   const char        *form);
void               hangar_test_http_free          (HangarTestHttp    *response);

/* Opens @authorize_url on the sandbox, optionally switches to the user
 * @user_id on its consent page, then grants every base offered, or
 * cancels. Returns the redirect (Location) the sandbox answered with, which
 * carries the code or the error. With --auto-approve the first answer is
 * already that redirect. */
char              *hangar_test_sandbox_consent    (HangarTestSandbox *sandbox,
                                                   const char        *authorize_url,
                                                   const char        *user_id,
                                                   gboolean           cancel);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarTestSandbox, hangar_test_sandbox_stop)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarTestHttp, hangar_test_http_free)

G_END_DECLS
