/* hangar-redact.h — keeping secrets and control characters out of messages
 *
 * Every secret the process holds (access and refresh tokens, personal access
 * tokens, client secrets) is registered here when it enters the process, and
 * every message that may quote a server, a file or the user — errors, log
 * lines, toasts, the CLI's stderr — passes hangar_redact() before it is
 * shown. A server can echo a token in any spelling, so each secret is found
 * literally, percent-encoded (once or twice), JSON- or C-escaped, as HTML
 * character references, and inside base64 text (an echoed Basic header),
 * and replaced by "[token]".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HANGAR_REDACTED "[token]"

/* Registers @secret (process-wide, thread-safe). Secrets shorter than 8
 * bytes are ignored: real tokens are far longer, and redacting short strings
 * would mangle ordinary text. The registry keeps the most recent 256. */
void   hangar_redact_add_secret   (const char *secret);

/* Forgets every registered secret (wiping the copies). For tests. */
void   hangar_redact_clear        (void);

/* A copy of @text with every form of every registered secret replaced by
 * HANGAR_REDACTED. NULL gives NULL. */
char  *hangar_redact              (const char *text);

/* hangar_redact(), then made safe to print on a terminal or show in one
 * line of a UI: invalid UTF-8 becomes U+FFFD, control characters (C0, DEL,
 * C1) and the bidirectional overrides that can disguise text are written as
 * visible escapes ("\x1b", "\u202e"); a newline becomes "\n" too unless
 * @keep_newlines. A server cannot retitle a terminal, recolour it or forge
 * a line of our own output through this. */
char  *hangar_redact_for_terminal (const char *text,
                                   gboolean    keep_newlines);

/* A GLogWriterFunc that redacts the MESSAGE field and passes everything to
 * g_log_writer_default(). Install it with g_log_set_writer_func() in every
 * program that handles secrets. */
GLogWriterOutput hangar_redact_log_writer (GLogLevelFlags   log_level,
                                           const GLogField *fields,
                                           gsize            n_fields,
                                           gpointer         user_data);

G_END_DECLS
