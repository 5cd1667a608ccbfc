/* sandbox-formula.h — Airtable's formula language, for filterByFormula
 *
 * The sandbox's own parser and evaluator (the language and the choices made
 * where Airtable's formula reference is silent are in src/sandbox/README.md).
 * Independent of libhangar's formula builder on purpose.
 *
 * Contract with the callers:
 *  - The cell callback returns a NEW REFERENCE (transfer full): the evaluator
 *    calls json_node_unref() on it. For a stored cell return
 *    json_node_ref (stored_node); for computed cells (links as primary
 *    values, lookups, formula fields) return the freshly built node.
 *    NULL means an empty cell.
 *  - CREATED_TIME() / LAST_MODIFIED_TIME() call the cell callback with the
 *    pseudo ids SANDBOX_FORMULA_CREATED_TIME / SANDBOX_FORMULA_LAST_MODIFIED_TIME
 *    (never valid field ids); answer with an ISO string node, or NULL.
 *    LAST_MODIFIED_TIME() falls back to CREATED_TIME() when NULL.
 *  - The strings handed out by the resolve callback are copied at once.
 *  - An empty (or all-whitespace) formula is a SYNTAX error here: the list
 *    route treats filterByFormula="" as "no filter" before parsing.
 *  - A parsed SandboxFormula is immutable: it may be evaluated many times,
 *    and from several threads at once.
 *  - sandbox_formula_compare_cells() (below) orders two cells for sort[].
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define SANDBOX_FORMULA_ERROR (sandbox_formula_error_quark ())

typedef enum
{
  SANDBOX_FORMULA_ERROR_SYNTAX,         /* unparseable text */
  SANDBOX_FORMULA_ERROR_UNKNOWN_FIELD,  /* {Name} that the table does not have */
  SANDBOX_FORMULA_ERROR_UNKNOWN_FUNCTION,
  SANDBOX_FORMULA_ERROR_ARGUMENTS,      /* wrong number of arguments */
} SandboxFormulaError;

typedef struct _SandboxFormula SandboxFormula;

/* Resolves a field reference (a name, or a `fld…` id) for the table the
 * formula runs against. Returns the field's canonical id and its Airtable
 * type (e.g. "singleLineText", "checkbox", "multipleSelects") or FALSE when
 * the table has no such field. */
typedef gboolean (*SandboxFormulaResolveFunc) (const char  *name_or_id,
                                               const char **out_field_id,
                                               const char **out_field_type,
                                               gpointer     user_data);

/* Returns the cell value (JSON as the API would return it, or NULL when the
 * cell is empty) of @field_id in the record being evaluated. For links the
 * caller may hand out the linked records' primary values as an array of
 * strings, which is how formulas see them. */
typedef JsonNode *(*SandboxFormulaCellFunc) (const char *field_id,
                                             gpointer    record);

GQuark          sandbox_formula_error_quark (void);

/* Parses @text and resolves every field reference with @resolve. Any problem
 * is an error: the caller answers 422 INVALID_FILTER_BY_FORMULA. */
SandboxFormula *sandbox_formula_parse       (const char                 *text,
                                             SandboxFormulaResolveFunc   resolve,
                                             gpointer                    resolve_data,
                                             GError                    **error);

/* Evaluates for one record; @record_id is what RECORD_ID() returns and @now
 * is the instant NOW()/TODAY() see (UTC). Returns the formula's truthiness as
 * Airtable's list-records documentation defines it for filterByFormula: 0,
 * FALSE, "", NaN, [], blank and errors are false. */
gboolean        sandbox_formula_matches     (SandboxFormula             *formula,
                                             SandboxFormulaCellFunc      cell,
                                             gpointer                    record,
                                             const char                 *record_id,
                                             GDateTime                  *now);

/* Evaluates and returns the value as JSON (a string, number, boolean, array
 * or null for blank; errors as {"error":"#ERROR!"}), for tests and formula
 * fields. */
JsonNode       *sandbox_formula_evaluate    (SandboxFormula             *formula,
                                             SandboxFormulaCellFunc      cell,
                                             gpointer                    record,
                                             const char                 *record_id,
                                             GDateTime                  *now);

void            sandbox_formula_free        (SandboxFormula             *formula);

#define SANDBOX_FORMULA_CREATED_TIME       "__createdTime"
#define SANDBOX_FORMULA_LAST_MODIFIED_TIME "__lastModifiedTime"

/* Orders two cells of one field (JSON as the API returns them, NULL for
 * empty) for an ascending sort: < 0 when @a comes first. Numbers (number,
 * currency, percent, duration, rating, autoNumber, count) numerically; text
 * case-insensitively (g_ascii_strcasecmp for ASCII, else g_utf8_collate of
 * the casefolded text; then the exact bytes break ties); date, dateTime, createdTime and
 * lastModifiedTime chronologically; checkbox false before true; arrays
 * (selects, links, lookups, attachments, collaborators) by their text joined
 * with ", "; collaborators by name. Blank cells (NULL, null, "", [],
 * false for checkboxes) come FIRST ascending: negate the result for a
 * descending sort, which puts blanks last. Unknown types compare as text. */
int             sandbox_formula_compare_cells (JsonNode                 *a,
                                               JsonNode                 *b,
                                               const char               *field_type);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SandboxFormula, sandbox_formula_free)

G_END_DECLS
