/* hangar-view-settings.h — what the grid remembers of one table: view,
 * sort, filter, search, hidden fields, column order and widths
 *
 * Every setting that names a field names it by id, so a renamed field keeps
 * its sort, filter, width and place; a raw filter formula is kept with its
 * field references as {fld…} ids (Airtable accepts them) and turned back
 * into current names when shown. No record data: the search text and the
 * filter values are what the user typed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hangar-table.h"

G_BEGIN_DECLS

typedef struct
{
  char     *field_id;
  gboolean  descending;
} HangarViewSort;

typedef struct
{
  char *field_id;
  char *op;      /* the filter builder's operator, by name ("contains", "gt", …) */
  char *value;   /* NULL for operators without a value */
} HangarViewCondition;

typedef struct
{
  char       *view_id;           /* NULL: all records */
  GPtrArray  *sorts;             /* HangarViewSort, in priority order */
  gboolean    filter_is_formula; /* the raw formula, not the builder's conditions */
  char       *filter_formula;    /* raw formula with {fld…} references, or NULL */
  gboolean    filter_match_any;  /* conditions joined with OR */
  GPtrArray  *conditions;        /* HangarViewCondition */
  char       *search;            /* NULL: none */
  GPtrArray  *hidden;            /* field ids (char *) */
  GPtrArray  *order;             /* field ids in column order; empty: the table's */
  GHashTable *widths;            /* field id → GINT_TO_POINTER (width in px) */
} HangarViewSettings;

#define HANGAR_TYPE_VIEW_SETTINGS (hangar_view_settings_get_type ())
GType               hangar_view_settings_get_type       (void) G_GNUC_CONST;

HangarViewSettings *hangar_view_settings_new            (void);
HangarViewSettings *hangar_view_settings_copy           (HangarViewSettings  *self);
void                hangar_view_settings_free           (HangarViewSettings  *self);
void                hangar_view_settings_add_sort       (HangarViewSettings  *self,
                                                         const char          *field_id,
                                                         gboolean             descending);
void                hangar_view_settings_add_condition  (HangarViewSettings  *self,
                                                         const char          *field_id,
                                                         const char          *op,
                                                         const char          *value);
/* Whether nothing is set (nothing worth keeping). */
gboolean            hangar_view_settings_is_empty       (HangarViewSettings  *self);

/* The stored form: a JSON object with a "version" member. */
JsonNode           *hangar_view_settings_to_json        (HangarViewSettings  *self);
/* Reads the stored form back; members of the wrong type are skipped (a
 * damaged row loses only what is damaged), an unknown newer version is
 * refused. */
HangarViewSettings *hangar_view_settings_from_json      (JsonNode            *node,
                                                         GError             **error);

/* Formula text with field names → with {fld…} ids of @table's fields
 * (braced names and single-word bare names both). */
char               *hangar_view_settings_formula_to_ids (const char          *formula,
                                                         HangarTable         *table);
/* {fld…} ids → @table's current names; @n_missing counts ids @table no
 * longer has. */
char               *hangar_view_settings_formula_to_names (const char        *formula,
                                                           HangarTable       *table,
                                                           guint             *n_missing);

/* Fits settings saved for an earlier schema of @table to its fields now
 * (@shown, HangarShownField of hangar-schema-drift.h, nullable: the fields
 * as last shown, to name the ones that are gone):
 * a view that is gone goes back to all records; a sort or a filter
 * condition on a field that is gone is removed, and a raw filter naming a
 * field that is gone is removed whole; hidden fields, widths and column
 * places of gone fields are forgotten, fields new since are added at the
 * end of the order. Returns one sentence per sort, filter or view that was
 * dropped (the user is told; the rest is quietly tidied), NULL-terminated,
 * maybe empty. */
char              **hangar_view_settings_reconcile      (HangarViewSettings  *self,
                                                         HangarTable         *table,
                                                         GPtrArray           *shown);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarViewSettings, hangar_view_settings_free)

G_END_DECLS
