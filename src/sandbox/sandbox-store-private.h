/* sandbox-store-private.h — what the store's files share
 *
 * The store (users, bases, tables, fields, records and their cells) is split
 * by concern: the model and its JSON form (sandbox-store.c), reading cells
 * (-read.c), cellFormat=string (-string.c), writing cells (-write.c), field
 * option validation (-schema.c) and the state file (-state.c). The API the
 * rest of the sandbox uses is in sandbox-private.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sandbox-private.h"

G_BEGIN_DECLS

/* colours given to new select choices, in turn */
extern const char * const _sandbox_store_select_colors[10];
/* field types whose cells are computed, and the types a field may be created with */
extern const char * const _sandbox_store_computed_types[];
extern const char * const _sandbox_store_known_types[];

gboolean    _sandbox_store_type_in             (const char         *type,
                                                const char * const *list);
void        _sandbox_store_comment_free        (SandboxComment     *comment);
const char *_sandbox_store_option_string       (SandboxField       *field,
                                                const char         *member);
double      _sandbox_store_option_number       (SandboxField       *field,
                                                const char         *member,
                                                double              fallback);
JsonObject *_sandbox_store_collaborator_object (SandboxUser        *user);

/* sandbox-store-check.c: the shape of a state file, before it is loaded */
gboolean    _sandbox_store_check_state         (JsonNode           *root,
                                                GError            **error);

G_END_DECLS
