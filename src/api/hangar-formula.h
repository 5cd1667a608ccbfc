/* hangar-formula.h — safe construction of Airtable formulas (filterByFormula)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * HangarFormula:
 *
 * A small immutable, reference-counted formula tree. Values are always
 * quoted for you: a string becomes a string literal, a field name a `{…}`
 * reference, so text from users can never change the formula's structure.
 * Only hangar_formula_raw() inserts text as it is.
 *
 * Every function taking `HangarFormula *` arguments takes ownership of them
 * (transfer full), so calls nest without temporaries:
 *
 * |[<!-- language="C" -->
 * g_autoptr(HangarFormula) f =
 *   hangar_formula_and (hangar_formula_eq (hangar_formula_field ("Status"),
 *                                          hangar_formula_string ("Done")),
 *                       hangar_formula_ge (hangar_formula_field ("Score"),
 *                                          hangar_formula_number (2.5)),
 *                       NULL);
 * g_autofree char *text = hangar_formula_to_string (f);
 * // AND({Status}='Done', {Score}>=2.5)
 * ]|
 *
 * To use one node twice, pass hangar_formula_ref() of it.
 */
typedef struct _HangarFormula HangarFormula;

typedef enum
{
  HANGAR_FORMULA_EQ,  /* = */
  HANGAR_FORMULA_NE,  /* != */
  HANGAR_FORMULA_LT,  /* < */
  HANGAR_FORMULA_GT,  /* > */
  HANGAR_FORMULA_LE,  /* <= */
  HANGAR_FORMULA_GE,  /* >= */
} HangarFormulaOp;

#define HANGAR_TYPE_FORMULA (hangar_formula_get_type ())
GType          hangar_formula_get_type      (void) G_GNUC_CONST;

HangarFormula *hangar_formula_ref           (HangarFormula   *self);
void           hangar_formula_unref         (HangarFormula   *self);
/* The formula text; newly allocated. */
char          *hangar_formula_to_string     (HangarFormula   *self);

/* Leaves */
HangarFormula *hangar_formula_field         (const char      *name_or_id);
HangarFormula *hangar_formula_string        (const char      *text);
HangarFormula *hangar_formula_number        (double           value);
HangarFormula *hangar_formula_int           (gint64           value);
HangarFormula *hangar_formula_boolean       (gboolean         value);
HangarFormula *hangar_formula_date          (int              year,
                                             int              month,
                                             int              day);
HangarFormula *hangar_formula_datetime      (GDateTime       *datetime);
HangarFormula *hangar_formula_blank         (void);
HangarFormula *hangar_formula_record_id     (void);
HangarFormula *hangar_formula_raw           (const char      *formula_text);

/* Comparisons */
HangarFormula *hangar_formula_compare       (HangarFormula   *left,
                                             HangarFormulaOp  op,
                                             HangarFormula   *right);
HangarFormula *hangar_formula_eq            (HangarFormula   *left,
                                             HangarFormula   *right);
HangarFormula *hangar_formula_ne            (HangarFormula   *left,
                                             HangarFormula   *right);
HangarFormula *hangar_formula_lt            (HangarFormula   *left,
                                             HangarFormula   *right);
HangarFormula *hangar_formula_gt            (HangarFormula   *left,
                                             HangarFormula   *right);
HangarFormula *hangar_formula_le            (HangarFormula   *left,
                                             HangarFormula   *right);
HangarFormula *hangar_formula_ge            (HangarFormula   *left,
                                             HangarFormula   *right);

/* Logic; the variadic ones take a NULL-terminated list of at least one. */
HangarFormula *hangar_formula_and           (HangarFormula   *first,
                                             ...) G_GNUC_NULL_TERMINATED;
HangarFormula *hangar_formula_or            (HangarFormula   *first,
                                             ...) G_GNUC_NULL_TERMINATED;
HangarFormula *hangar_formula_xor           (HangarFormula   *first,
                                             ...) G_GNUC_NULL_TERMINATED;
HangarFormula *hangar_formula_not           (HangarFormula   *operand);
HangarFormula *hangar_formula_if            (HangarFormula   *condition,
                                             HangarFormula   *then_value,
                                             HangarFormula   *else_value);

/* Functions. @name must be an identifier such as "DATETIME_DIFF"
 * ([A-Za-z_][A-Za-z0-9_]*); arguments are a NULL-terminated list (possibly
 * empty) or an array whose elements are all taken. */
HangarFormula *hangar_formula_call          (const char      *name,
                                             ...) G_GNUC_NULL_TERMINATED;
HangarFormula *hangar_formula_callv         (const char      *name,
                                             HangarFormula  **args,
                                             guint            n_args);
HangarFormula *hangar_formula_find          (HangarFormula   *needle,
                                             HangarFormula   *haystack);
HangarFormula *hangar_formula_search        (HangarFormula   *needle,
                                             HangarFormula   *haystack);
HangarFormula *hangar_formula_lower         (HangarFormula   *text);
HangarFormula *hangar_formula_arrayjoin     (HangarFormula   *values,
                                             const char      *separator);

/* Helpers */
/* value=BLANK(): true for empty cells */
HangarFormula *hangar_formula_is_blank      (HangarFormula   *value);
/* NOT(value=BLANK()) */
HangarFormula *hangar_formula_is_not_blank  (HangarFormula   *value);
/* value='' */
HangarFormula *hangar_formula_is_empty_text (HangarFormula   *value);
/* FIND(LOWER(needle), LOWER(haystack))>0, or FIND(needle, haystack)>0 when
 * @case_sensitive. */
HangarFormula *hangar_formula_contains_text (HangarFormula   *haystack,
                                             const char      *needle,
                                             gboolean         case_sensitive);
/* {field}=value for a field name and a string: the most common filter. */
HangarFormula *hangar_formula_field_equals  (const char      *field,
                                             const char      *text);
/* OR(RECORD_ID()='recA', RECORD_ID()='recB', …); FALSE() for none. */
HangarFormula *hangar_formula_record_id_in  (const char * const *record_ids);

/* Text helpers on their own, for callers building text by hand. */
char          *hangar_formula_quote_string  (const char      *text);
char          *hangar_formula_quote_field   (const char      *name_or_id);
char          *hangar_formula_format_number (double           value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarFormula, hangar_formula_unref)

G_END_DECLS
