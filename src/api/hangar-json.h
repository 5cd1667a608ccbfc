/* hangar-json.h — the one guarded way into JSON, and JSON out again
 *
 * Every JSON text Hangar reads — from the network, stdin, a file, the keyring
 * or its own state — goes through hangar_json_parse(). json-glib 1.6 recurses
 * once per nesting level (a few tens of thousands of "[" overflow the stack),
 * accepts comments and single-quoted strings, wraps integers beyond 64 bits,
 * cuts strings at "\u0000" and turns lone surrogates into invalid UTF-8. So a
 * strict RFC 8259 scan with an explicit stack runs first and refuses what is
 * not JSON, too deep or too large; values json-glib cannot hold faithfully are
 * rewritten before it sees them, and each rewrite is reported as a note.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define HANGAR_JSON_ERROR (hangar_json_error_quark ())

typedef enum
{
  HANGAR_JSON_ERROR_INVALID,    /* not RFC 8259 JSON, or not UTF-8 */
  HANGAR_JSON_ERROR_TOO_DEEP,   /* nested deeper than HANGAR_JSON_MAX_DEPTH */
  HANGAR_JSON_ERROR_TOO_LARGE,  /* longer than the caller's limit */
} HangarJsonError;

/* Nothing Airtable sends or accepts nests deeper than about ten levels
 * (record → fields → attachment → thumbnails → size); 128 leaves room for any
 * JSON a user passes through `hangar-cli request` and keeps json-glib's
 * recursion far from the stack's end. */
#define HANGAR_JSON_MAX_DEPTH 128

GQuark     hangar_json_error_quark   (void);

/* Checks that @data (@length bytes, or NUL-terminated when -1) is one RFC
 * 8259 JSON value, optionally surrounded by whitespace (and preceded by a
 * UTF-8 byte order mark), nested at most HANGAR_JSON_MAX_DEPTH deep and at
 * most @max_bytes long (0: no limit), then parses it with json-glib.
 *
 * Values json-glib would change silently are rewritten first, and one note
 * per rewrite goes to @out_notes (a NULL-terminated array, NULL when there
 * was none): an integer beyond 64 bits is read as the nearest double (as
 * JavaScript reads it), a number beyond the double range as null, "\u0000"
 * and unpaired surrogates as U+FFFD. When @out_notes is NULL the notes are
 * logged with g_warning() instead, so nothing changes unsaid.
 *
 * Returns: (transfer full): the root node, or NULL with @error set in
 * HANGAR_JSON_ERROR (the message names the byte offset and what was wrong). */
JsonNode  *hangar_json_parse         (const char   *data,
                                      gssize        length,
                                      gsize         max_bytes,
                                      char       ***out_notes,
                                      GError      **error);

/* A rewrite hangar_json_parse() made, and where. */
typedef struct
{
  gsize  offset;    /* byte offset of the value in the input */
  char  *path;      /* the value's place: "" for the root, then ".name" (or
                     * ["name"] for other names) and "[i]" per level, without
                     * a leading dot: records[3].fields.Count */
  char  *message;   /* what was changed: "the number 1e999 is out of range
                     * and was read as null" */
  char  *text;      /* the note as hangar_json_parse() gives it:
                     * "byte 1234: " + message */
} HangarJsonNote;

void       hangar_json_note_free     (HangarJsonNote *note);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarJsonNote, hangar_json_note_free)

/* hangar_json_parse() with the notes as HangarJsonNote, each with the path
 * of the value it concerns, so that a caller can tell the record (or field)
 * a note belongs to. @out_notes gets NULL when there was no rewrite. */
JsonNode  *hangar_json_parse_full    (const char   *data,
                                      gssize        length,
                                      gsize         max_bytes,
                                      GPtrArray   **out_notes,
                                      GError      **error);

/* hangar_json_parse() over the contents of @bytes. */
JsonNode  *hangar_json_parse_bytes   (GBytes       *bytes,
                                      gsize         max_bytes,
                                      char       ***out_notes,
                                      GError      **error);

/* The strict scan alone, without building anything: TRUE when @data would be
 * accepted by hangar_json_parse(). */
gboolean   hangar_json_validate      (const char   *data,
                                      gssize        length,
                                      gsize         max_bytes,
                                      GError      **error);

/* Writing. json-glib 1.6's generator prints doubles with 17 digits (0.4 as
 * 0.40000000000000002); these write the shortest text that reads back as the
 * same double, and escape every control character. @indent < 0 is compact;
 * otherwise each level is indented by @indent spaces. A non-finite double is
 * written as null (JSON has no other spelling for it). */
void       hangar_json_append        (GString      *out,
                                      JsonNode     *node,
                                      int           indent);
char      *hangar_json_to_string     (JsonNode     *node,
                                      int           indent);
void       hangar_json_append_string (GString      *out,
                                      const char   *text);
void       hangar_json_append_double (GString      *out,
                                      double        value);

/* Writes the shortest C-locale text that reads back as @value (finite) into
 * @buf, which holds at least G_ASCII_DTOSTR_BUF_SIZE bytes; returns @buf. */
char      *hangar_json_format_double (char         *buf,
                                      double        value);

/* Typed member access. Each reads one member of @object after checking its
 * JSON type. A missing member is fine when @required is FALSE (the out value
 * is then left at NULL / the default); null counts as missing. Wrong types
 * and missing required members set HANGAR_API_ERROR_INVALID_RESPONSE naming
 * @what (e.g. "table tblXXX") and the member. */
gboolean   _hangar_json_get_string   (JsonObject   *object,
                                      const char   *member,
                                      gboolean      required,
                                      const char   *what,
                                      const char  **out_value,
                                      GError      **error);
gboolean   _hangar_json_get_object   (JsonObject   *object,
                                      const char   *member,
                                      gboolean      required,
                                      const char   *what,
                                      JsonObject  **out_value,
                                      GError      **error);
gboolean   _hangar_json_get_array    (JsonObject   *object,
                                      const char   *member,
                                      gboolean      required,
                                      const char   *what,
                                      JsonArray   **out_value,
                                      GError      **error);
/* An integer member; a double with an integral value inside the 64-bit range
 * counts too. Anything else (a fraction, out of range, not a number) is an
 * error, never a clamped or wrapped value. */
gboolean   _hangar_json_get_int      (JsonObject   *object,
                                      const char   *member,
                                      gboolean      required,
                                      const char   *what,
                                      gint64       *out_value,
                                      GError      **error);
gboolean   _hangar_json_get_boolean  (JsonObject   *object,
                                      const char   *member,
                                      gboolean      required,
                                      const char   *what,
                                      gboolean     *out_value,
                                      GError      **error);

/* TRUE for a JSON number (integer or double) and stores it as a double. */
gboolean   _hangar_json_node_get_number (JsonNode  *node,
                                         double    *out_value);

/* "an object" / "an array" / "a string" / "a number" / "a boolean" / "null" */
const char *_hangar_json_node_type_name (JsonNode  *node);

/* json_node_copy() shares objects and arrays; these copy all the way down. */
JsonNode   *_hangar_json_node_deep_copy   (JsonNode   *node);
JsonObject *_hangar_json_object_deep_copy (JsonObject *object);

G_END_DECLS
