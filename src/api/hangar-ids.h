/* hangar-ids.h — checking what becomes part of a request URL
 *
 * Everything the user names (a base, a table, a record, a field, the API URL
 * itself) is checked before a request is built, so that nothing is ever sent
 * to an endpoint the user did not name: "." and ".." would be folded away by
 * URL normalisation ("DELETE /v0/appX/../recA" is "DELETE /v0/recA"), a "/"
 * would split one name into two segments, and a plain-http URL on another
 * host would carry the bearer token in clear text.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Longest identifier or name accepted as one path segment, in bytes. Airtable
 * ids are 17 characters; names are limited in the UI to a few hundred. */
#define HANGAR_MAX_SEGMENT_BYTES 1024

/* Checks @value (a base id, a table id or name, a record id, …) before it
 * becomes one percent-encoded path segment: it must be non-empty valid UTF-8
 * of at most HANGAR_MAX_SEGMENT_BYTES, without control characters, and not
 * "." or "..". @what names the kind of thing for the message ("base",
 * "table", "record", "field", "view", "comment"); the message reads e.g.
 * "table “..” is not a valid table name or id". Fails with
 * HANGAR_API_ERROR_INVALID_ARGUMENT. */
gboolean  hangar_check_path_segment (const char  *what,
                                     const char  *value,
                                     GError     **error);

/* Checks an API base URL before any request is sent to it: it must parse,
 * use http or https, name a host, carry no user info, query or fragment,
 * and use plain http only for a loopback host (127.0.0.0/8, ::1,
 * localhost). Fails with HANGAR_API_ERROR_INVALID_ARGUMENT and a message that
 * says what is wrong. */
gboolean  hangar_check_api_url      (const char  *url,
                                     GError     **error);

/* Percent-encodes @segment for use as one path segment: every byte except
 * the unreserved characters (RFC 3986 §2.3) is escaped, so "/", "?", "#" and
 * "%" never change the URL's structure. */
char     *hangar_escape_segment     (const char  *segment);

G_END_DECLS
