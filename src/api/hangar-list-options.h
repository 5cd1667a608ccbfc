/* hangar-list-options.h — the query options of "list records"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "hangar-types.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_LIST_OPTIONS (hangar_list_options_get_type ())

GType              hangar_list_options_get_type          (void) G_GNUC_CONST;
HangarListOptions *hangar_list_options_new               (void);
HangarListOptions *hangar_list_options_copy              (const HangarListOptions *self);
void               hangar_list_options_free              (HangarListOptions       *self);

void               hangar_list_options_add_field         (HangarListOptions *self,
                                                          const char        *field);
void               hangar_list_options_set_formula       (HangarListOptions *self,
                                                          const char        *formula);
void               hangar_list_options_set_max_records   (HangarListOptions *self,
                                                          guint              max_records);
void               hangar_list_options_set_page_size     (HangarListOptions *self,
                                                          guint              page_size);
void               hangar_list_options_add_sort          (HangarListOptions *self,
                                                          const char        *field,
                                                          gboolean           descending);
void               hangar_list_options_set_view          (HangarListOptions *self,
                                                          const char        *view);
void               hangar_list_options_set_cell_format_string (HangarListOptions *self,
                                                               const char        *time_zone,
                                                               const char        *user_locale);
void               hangar_list_options_set_fields_by_id  (HangarListOptions *self,
                                                          gboolean           by_id);
void               hangar_list_options_set_comment_count (HangarListOptions *self,
                                                          gboolean           comment_count);
void               hangar_list_options_set_force_post    (HangarListOptions *self,
                                                          gboolean           force_post);

const char        *hangar_list_options_get_formula       (const HangarListOptions *self);
guint              hangar_list_options_get_max_records   (const HangarListOptions *self);
guint              hangar_list_options_get_page_size     (const HangarListOptions *self);
guint              hangar_list_options_get_n_fields      (const HangarListOptions *self);

/* For the client: the GET query string (without "?", keys and values
 * percent-encoded) for a page, and the JSON body + query of the POST form. */
char              *_hangar_list_options_to_query         (const HangarListOptions *self,
                                                          const char              *offset);
char              *_hangar_list_options_to_post_query    (const HangarListOptions *self);
GBytes            *_hangar_list_options_to_post_body     (const HangarListOptions *self,
                                                          const char              *offset);
gboolean           _hangar_list_options_get_force_post   (const HangarListOptions *self);
/* Query for get-record (cellFormat, timeZone, userLocale, returnFieldsByFieldId). */
char              *_hangar_list_options_to_record_query  (const HangarListOptions *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarListOptions, hangar_list_options_free)

G_END_DECLS
