/* hangar-field.h — a field (column) of an Airtable table, and its type
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hangar-types.h"

G_BEGIN_DECLS

/**
 * HangarFieldType:
 * @HANGAR_FIELD_TYPE_UNKNOWN: a type this build does not know (Airtable adds
 *   types at any time); hangar_field_get_type_string() keeps the original
 *
 * Every field type of Airtable's field model
 * (https://airtable.com/developers/web/api/field-model).
 */
typedef enum
{
  HANGAR_FIELD_TYPE_UNKNOWN,
  HANGAR_FIELD_TYPE_SINGLE_LINE_TEXT,
  HANGAR_FIELD_TYPE_MULTILINE_TEXT,
  HANGAR_FIELD_TYPE_RICH_TEXT,
  HANGAR_FIELD_TYPE_EMAIL,
  HANGAR_FIELD_TYPE_URL,
  HANGAR_FIELD_TYPE_PHONE_NUMBER,
  HANGAR_FIELD_TYPE_NUMBER,
  HANGAR_FIELD_TYPE_PERCENT,
  HANGAR_FIELD_TYPE_CURRENCY,
  HANGAR_FIELD_TYPE_DURATION,
  HANGAR_FIELD_TYPE_RATING,
  HANGAR_FIELD_TYPE_CHECKBOX,
  HANGAR_FIELD_TYPE_SINGLE_SELECT,
  HANGAR_FIELD_TYPE_MULTIPLE_SELECTS,
  HANGAR_FIELD_TYPE_SINGLE_COLLABORATOR,
  HANGAR_FIELD_TYPE_MULTIPLE_COLLABORATORS,
  HANGAR_FIELD_TYPE_MULTIPLE_RECORD_LINKS,
  HANGAR_FIELD_TYPE_DATE,
  HANGAR_FIELD_TYPE_DATE_TIME,
  HANGAR_FIELD_TYPE_MULTIPLE_ATTACHMENTS,
  HANGAR_FIELD_TYPE_BARCODE,
  HANGAR_FIELD_TYPE_FORMULA,
  HANGAR_FIELD_TYPE_ROLLUP,
  HANGAR_FIELD_TYPE_COUNT,
  HANGAR_FIELD_TYPE_MULTIPLE_LOOKUP_VALUES,
  HANGAR_FIELD_TYPE_AUTO_NUMBER,
  HANGAR_FIELD_TYPE_BUTTON,
  HANGAR_FIELD_TYPE_CREATED_TIME,
  HANGAR_FIELD_TYPE_LAST_MODIFIED_TIME,
  HANGAR_FIELD_TYPE_CREATED_BY,
  HANGAR_FIELD_TYPE_LAST_MODIFIED_BY,
  HANGAR_FIELD_TYPE_AI_TEXT,
  HANGAR_FIELD_TYPE_EXTERNAL_SYNC_SOURCE,
  HANGAR_FIELD_TYPE_MANUAL_SORT,
} HangarFieldType;

#define HANGAR_TYPE_FIELD_TYPE (hangar_field_type_get_type ())
GType            hangar_field_type_get_type         (void) G_GNUC_CONST;

/* "singleLineText" → HANGAR_FIELD_TYPE_SINGLE_LINE_TEXT; anything else
 * (or NULL) → HANGAR_FIELD_TYPE_UNKNOWN. */
HangarFieldType  hangar_field_type_from_string      (const char      *type);
/* The API's name of @type; NULL for HANGAR_FIELD_TYPE_UNKNOWN. */
const char      *hangar_field_type_to_string        (HangarFieldType  type);
/* A short English name for people, e.g. "Single line text". */
const char      *hangar_field_type_get_display_name (HangarFieldType  type);
/* A symbolic icon from the Adwaita theme for the type. */
const char      *hangar_field_type_get_icon_name    (HangarFieldType  type);
/* Read-only types, computed by Airtable: formula, rollup, count, lookup,
 * autoNumber, button, created/modified time and by, aiText, sync source,
 * manualSort. Unknown types count as computed (never written). */
gboolean         hangar_field_type_is_computed      (HangarFieldType  type);
/* Types whose cell value is a plain string edited as text. */
gboolean         hangar_field_type_is_text_like     (HangarFieldType  type);


#define HANGAR_TYPE_FIELD (hangar_field_get_type ())

G_DECLARE_FINAL_TYPE (HangarField, hangar_field, HANGAR, FIELD, GObject)

HangarField     *hangar_field_new_from_json         (JsonObject      *object,
                                                     GError         **error);

const char      *hangar_field_get_id                (HangarField     *self);
const char      *hangar_field_get_name              (HangarField     *self);
const char      *hangar_field_get_description       (HangarField     *self);
HangarFieldType  hangar_field_get_field_type        (HangarField     *self);
const char      *hangar_field_get_type_string       (HangarField     *self);
JsonObject      *hangar_field_get_options           (HangarField     *self);
gboolean         hangar_field_is_computed           (HangarField     *self);
gboolean         hangar_field_is_text_like          (HangarField     *self);
const char      *hangar_field_get_display_name      (HangarField     *self);
const char      *hangar_field_get_icon_name         (HangarField     *self);
char           **hangar_field_dup_choice_names      (HangarField     *self);
const char * const *hangar_field_get_notes          (HangarField     *self);
JsonNode        *hangar_field_to_json               (HangarField     *self);

/* For people: the locale's decimal point and grouping, ratings as stars. */
char            *hangar_field_format_value          (HangarField     *field,
                                                     JsonNode        *value);
/* The same with given separators (deterministic: tests, previews). */
char            *hangar_field_format_value_with_separators (HangarField *field,
                                                            JsonNode    *value,
                                                            const char  *decimal_point,
                                                            const char  *thousands_sep,
                                                            const char  *grouping);
/* For machines (CSV): `.` decimal point, no grouping, in every locale. */
char            *hangar_field_format_value_plain    (HangarField     *field,
                                                     JsonNode        *value);

G_END_DECLS
