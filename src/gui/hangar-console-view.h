/* hangar-console-view.h — send any API request with an account's token
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hangar-auth.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_CONSOLE_VIEW (hangar_console_view_get_type ())

G_DECLARE_FINAL_TYPE (HangarConsoleView, hangar_console_view, HANGAR, CONSOLE_VIEW, GtkWidget)

GtkWidget     *hangar_console_view_new           (void);
HangarAccount *hangar_console_view_get_account   (HangarConsoleView *self);
void           hangar_console_view_set_account   (HangarConsoleView *self,
                                                  HangarAccount     *account);

/* For tests and tools: fill in the form as the user does, press Send, and
 * read what is shown. @query: "name=value" lines; @body: JSON text. */
void           hangar_console_view_set_request   (HangarConsoleView *self,
                                                  const char        *method,
                                                  const char        *path,
                                                  const char        *query,
                                                  const char        *body);
void           hangar_console_view_send          (HangarConsoleView *self);
gboolean       hangar_console_view_get_busy      (HangarConsoleView *self);
/* The response's status line, its headers and its body as shown; NULL
 * before a response. */
const char    *hangar_console_view_get_status_text  (HangarConsoleView *self);
const char    *hangar_console_view_get_headers_text (HangarConsoleView *self);
char          *hangar_console_view_dup_body_text    (HangarConsoleView *self);
/* The message above the response (a refused input, an error), or NULL. */
const char    *hangar_console_view_get_message      (HangarConsoleView *self);

G_END_DECLS
