/* hangar-formula-refs.h — the field references in formula text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * HangarFormulaRefFunc:
 * @ref: a field reference as written: the text inside `{…}` (unescaped), or
 *   a bare word that is not a function name
 * @braced: whether @ref was written in braces
 * @user_data: data given to hangar_formula_rewrite_refs()
 *
 * Returns: (transfer full) (nullable): what the field should be called in
 *   the rewritten text (it is written as `{…}`, escaped), or %NULL when @ref
 *   is not a field this function knows
 */
typedef char *(*HangarFormulaRefFunc) (const char *ref,
                                       gboolean    braced,
                                       gpointer    user_data);

/* Rewrites every field reference of formula @text with @func, leaving
 * string literals, numbers, operators and function calls as they are: how
 * a saved filter follows its fields by id ({Points} → {fld…} when saved,
 * {fld…} → {Score} after a rename), and how a formula field's options,
 * which Airtable gives with {fld…} references, are shown with names.
 *
 * A braced reference @func does not know is kept as written and counted in
 * @n_unknown (may be NULL); a bare word it does not know is kept silently
 * (it may be a field name Airtable resolves, or a mistake the server will
 * report). The text is not otherwise checked. */
char     *hangar_formula_rewrite_refs (const char           *text,
                                       HangarFormulaRefFunc  func,
                                       gpointer              user_data,
                                       guint                *n_unknown);

G_END_DECLS
