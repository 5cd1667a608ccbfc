/* hangar-schema-widgets.h — small pieces the schema browser and its
 * dialogs share: colour chips, who may change a base's schema, their style
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hangar-api.h"
#include "hangar-auth.h"

G_BEGIN_DECLS

/* Loads the schema views' styles once (they also work outside the
 * application: tests, tools). */
void         hangar_schema_ensure_style     (void);

/* A select colour as Airtable shows it: a chip with @text (or a blank
 * swatch when NULL), its colour's name as the tooltip. */
GtkWidget   *hangar_color_chip_new          (const char         *color,
                                             const char         *text);
/* A drop-down of @colors (static, NULL-terminated) shown as chips, their
 * names in the list. */
GtkDropDown *hangar_color_drop_down_new     (const char * const *colors);

/* Whether @account may change @base's schema: the schema.bases:write
 * scope (unknown for a personal access token: assumed) and the base's
 * Creator permission. When not, @out_reason (may be NULL) says why in a
 * sentence. */
gboolean     hangar_schema_can_edit         (HangarAccount      *account,
                                             HangarBase         *base,
                                             char              **out_reason);

/* A failed schema write as one sentence: a 403 explained as the scope or
 * permission that is missing, else "@doing: the server's message". */
char        *hangar_schema_describe_error   (HangarAccount      *account,
                                             HangarBase         *base,
                                             const char         *doing,
                                             const GError       *error);

/* Ctrl+Return, Ctrl+Enter and Ctrl+S activate @action_name ("field.save")
 * wherever the focus is in @dialog. */
void         hangar_schema_add_save_shortcuts (GtkWidget        *dialog,
                                               const char       *action_name);

G_END_DECLS
