/* hangar-field-spec.h — what Airtable lets a client create and change in a
 * base's schema, checked before anything is sent; field options in words
 *
 * The rules are those of Airtable's meta API (create and update table and
 * field, the field model; https://airtable.com/developers/web/api/field-model),
 * as hangar-sandbox enforces them too (src/sandbox/README.md): which types
 * can be created and which may be a primary field, the options each type
 * takes and their ranges, unique names ignoring case, descriptions of at
 * most 20,000 characters, and that only a formula's text may be changed
 * after creation. No GTK: the app and hangar-cli share them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hangar-field.h"
#include "hangar-table.h"

G_BEGIN_DECLS

/* The longest description Airtable accepts, in characters. */
#define HANGAR_SCHEMA_MAX_DESCRIPTION 20000

/* Whether Airtable's API can create a field of @type. */
gboolean            hangar_field_type_is_creatable     (HangarFieldType  type);
/* Whether @type may be a table's primary (first) field. */
gboolean            hangar_field_type_can_be_primary   (HangarFieldType  type);
/* Every creatable type, in the order a chooser offers them. */
const HangarFieldType *hangar_field_creatable_types    (guint           *n_types);

/* The values options may take (static, NULL-terminated). */
const char * const *hangar_field_choice_colors         (void);  /* the 40 select colours */
const char * const *hangar_field_bright_colors         (void);  /* checkbox and rating colours */
const char * const *hangar_field_rating_icons          (void);
const char * const *hangar_field_checkbox_icons        (void);
const char * const *hangar_field_duration_formats      (void);
const char * const *hangar_field_date_format_names     (void);  /* local, friendly, us, european, iso */
const char * const *hangar_field_time_format_names     (void);  /* 12hour, 24hour */
/* The pattern Airtable pairs with a date or time format name ("iso" →
 * "YYYY-MM-DD", "24hour" → "HH:mm"); NULL for an unknown name. */
const char         *hangar_field_date_format_pattern   (const char      *name);
const char         *hangar_field_time_format_pattern   (const char      *name);
/* The largest precision of a number type (8; 7 for currency). */
int                 hangar_field_max_precision         (HangarFieldType  type);

/* Words for people: "blueLight2" → "Blue, light 2", "thumbsUp" → "Thumbs
 * up", "iso" → "ISO (2024-03-05)", "12hour" → "12-hour (3:30pm)". Unknown
 * values come back as they are. */
char               *hangar_field_describe_color        (const char      *color);
const char         *hangar_field_describe_icon         (const char      *icon);
const char         *hangar_field_describe_date_format  (const char      *name);
const char         *hangar_field_describe_time_format  (const char      *name);
/* "utc" → "UTC", "client" → "Each viewer's own time zone", an IANA name
 * as it is. */
const char         *hangar_field_describe_time_zone    (const char      *zone);

/* The options of @field in plain words, one line each ("2 decimal
 * places", "Links to Projects; its inverse field is “Tasks”", "Formula:
 * {Points} * 2"); @tables (element-type HangarTable, nullable) names
 * linked tables and referenced fields. Empty when there is nothing to say. */
char              **hangar_field_describe_options      (HangarField     *field,
                                                        HangarTable     *table,
                                                        GPtrArray       *tables);

/* Checks a field definition {"name", "type", "description"?, "options"?}
 * for a new field of @table (NULL for a table still to be created, whose
 * other new fields are then in @siblings, element-type JsonObject,
 * nullable). @tables (nullable) are the base's tables, to check a link's
 * table and view; @primary: the definition is a new table's first field.
 * On a problem: FALSE and HANGAR_API_ERROR_INVALID_ARGUMENT with a
 * sentence for the user. */
gboolean            hangar_field_spec_check            (JsonObject      *spec,
                                                        HangarTable     *table,
                                                        GPtrArray       *siblings,
                                                        GPtrArray       *tables,
                                                        gboolean         primary,
                                                        GError         **error);
/* Checks a change {"name"?, "description"?, "options"?} of @field of
 * @table: at least one member; the type never changes; options only of a
 * formula field, and only its text. */
gboolean            hangar_field_update_check          (JsonObject      *changes,
                                                        HangarTable     *table,
                                                        HangarField     *field,
                                                        GError         **error);
/* Checks a new table {"name", "description"?, "fields": [...]} against the
 * base's @tables (nullable). */
gboolean            hangar_table_spec_check            (JsonObject      *spec,
                                                        GPtrArray       *tables,
                                                        GError         **error);
/* Checks a change {"name"?, "description"?} of @table. */
gboolean            hangar_table_update_check          (JsonObject      *changes,
                                                        HangarTable     *table,
                                                        GPtrArray       *tables,
                                                        GError         **error);

/* Why the type and options of @field cannot be changed through the API, as
 * a sentence; NULL for a formula field, whose text can be. The type never
 * can: hangar_field_type_change_reason(). */
const char         *hangar_field_options_fixed_reason  (HangarField     *field);
const char         *hangar_field_type_change_reason    (void);

/* The table named or with the id @name_or_id in @tables, ignoring case
 * for names as Airtable does; NULL if none. */
HangarTable        *hangar_schema_find_table           (GPtrArray       *tables,
                                                        const char      *name_or_id);
/* The field of @table with the id or name (ignoring case) @name_or_id. */
HangarField        *hangar_schema_find_field           (HangarTable     *table,
                                                        const char      *name_or_id);

G_END_DECLS
