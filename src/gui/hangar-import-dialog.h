/* hangar-import-dialog.h — a CSV file into a table: check, map, preview,
 * import, report
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hangar-api.h"
#include "hangar-importer.h"

G_BEGIN_DECLS

typedef struct _HangarAccount HangarAccount;

#define HANGAR_TYPE_IMPORT_DIALOG (hangar_import_dialog_get_type ())

G_DECLARE_FINAL_TYPE (HangarImportDialog, hangar_import_dialog, HANGAR, IMPORT_DIALOG, AdwWindow)

/* @account: (nullable): its scopes are checked, and its STATE database
 * keeps the progress (without one the import cannot resume). */
HangarImportDialog *hangar_import_dialog_new       (GtkWindow          *parent,
                                                    HangarClient       *client,
                                                    HangarAccount      *account,
                                                    const char         *base_id,
                                                    HangarTable        *table);
/* Checks @file, or asks for one first (@file NULL). Returns the dialog. */
GtkWindow          *hangar_import_dialog_start     (HangarImportDialog *self,
                                                    GFile              *file);

/* For tests and tools: the page shown ("checking", "problem", "mapping",
 * "preview", "progress", "report"), the parts, and what the buttons do. */
const char         *hangar_import_dialog_get_page  (HangarImportDialog *self);
HangarImporter     *hangar_import_dialog_get_importer (HangarImportDialog *self);
/* A STATE database for the progress when there is no account. */
void                hangar_import_dialog_set_progress_store (HangarImportDialog *self,
                                                             HangarStore        *store);
/* The column's choice in the mapping page (NULL: skipped). */
void                hangar_import_dialog_map_column (HangarImportDialog *self,
                                                     guint               column,
                                                     const char         *field_name);
void                hangar_import_dialog_set_upsert (HangarImportDialog *self,
                                                     const char * const *merge_fields);
void                hangar_import_dialog_set_typecast (HangarImportDialog *self,
                                                       gboolean            typecast);
/* Next: mapping → preview → import. */
void                hangar_import_dialog_next      (HangarImportDialog *self);
/* The text of the problem or report page, the preview's summary. */
const char         *hangar_import_dialog_get_text  (HangarImportDialog *self);
/* The preview rows (HangarImportPreviewRow), after the preview page. */
GPtrArray          *hangar_import_dialog_get_preview (HangarImportDialog *self);
/* The failed rows file of the last run (NULL when nothing failed). */
GFile              *hangar_import_dialog_get_failed_file (HangarImportDialog *self);
/* Copies the failed rows to @file (what Save Failed Rows… does after its
 * file chooser). */
void                hangar_import_dialog_save_failed (HangarImportDialog *self,
                                                      GFile              *file);
void                hangar_import_dialog_stop      (HangarImportDialog *self);

G_END_DECLS
