/* hangar-export-dialog.h — exporting the grid's view to CSV, with progress
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hangar-api.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_EXPORT_DIALOG (hangar_export_dialog_get_type ())

G_DECLARE_FINAL_TYPE (HangarExportDialog, hangar_export_dialog, HANGAR, EXPORT_DIALOG, AdwWindow)

/* @fields: (element-type HangarField) the columns, in order. */
HangarExportDialog *hangar_export_dialog_new          (GtkWindow               *parent,
                                                       HangarClient            *client,
                                                       const char              *base_id,
                                                       HangarTable             *table,
                                                       GPtrArray               *fields,
                                                       const HangarListOptions *options,
                                                       const char              *suggested_name);
/* How many records the export will write, when known (for the progress). */
void                hangar_export_dialog_set_expected (HangarExportDialog      *self,
                                                       guint                    n_records);
/* Writes to @file, or asks for a file first (@file NULL). Returns the
 * dialog (shown once the file is known), or NULL when nothing can start. */
GtkWindow          *hangar_export_dialog_start        (HangarExportDialog      *self,
                                                       GFile                   *file);

/* For tests: whether it ended, how, and the text it shows. */
gboolean            hangar_export_dialog_get_finished (HangarExportDialog      *self);
const GError       *hangar_export_dialog_get_error    (HangarExportDialog      *self);
guint               hangar_export_dialog_get_n_written (HangarExportDialog     *self);
void                hangar_export_dialog_cancel       (HangarExportDialog      *self);

G_END_DECLS
