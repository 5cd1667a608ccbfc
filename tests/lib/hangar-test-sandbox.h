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

/* The id of the first base named @name visible to @bearer (NULL if none). */
char              *hangar_test_sandbox_base_id    (HangarTestSandbox *sandbox,
                                                   const char        *bearer,
                                                   const char        *name);

/* A member of the startup JSON line's "users" array: the @index-th user's
 * "id", "email" or "pat". */
const char        *hangar_test_sandbox_user       (HangarTestSandbox *sandbox,
                                                   guint              index,
                                                   const char        *member);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarTestSandbox, hangar_test_sandbox_stop)

G_END_DECLS
