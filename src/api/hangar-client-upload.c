/* hangar-client-upload.c — HangarClient: adding a file to an attachment field
 *
 * POST /v0/{baseId}/{recordId}/{field}/uploadAttachment with the file's
 * bytes in base64 (Airtable's "Upload attachment" endpoint,
 * https://airtable.com/developers/web/api/upload-attachment). Airtable
 * serves it from content.airtable.com rather than api.airtable.com; any
 * other API URL (the sandbox, a proxy) serves it itself.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-client-private.h"
#include "hangar-error.h"
#include "hangar-model-private.h"

#define AIRTABLE_CONTENT_URL "https://content.airtable.com"

static gpointer
parse_uploaded (JsonNode   *root,
                GPtrArray  *notes,
                GError    **error)
{
  HangarRecord *record;
  JsonObject *object;

  if (!_hangar_client_check_object_root (root, "upload", &object, error))
    return NULL;
  record = hangar_record_new_from_json (object, error);
  if (record != NULL)
    _hangar_record_take_notes (record, notes, "");
  return record;
}

/**
 * hangar_client_upload_attachment_async:
 * @self: a #HangarClient
 * @base_id: the base
 * @record_id: the record
 * @field: the attachment field's name or id
 * @content_type: the file's MIME type
 * @filename: the name Airtable shows
 * @data: the file's bytes
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the record
 * @user_data: data for @callback
 *
 * Adds the file to the field's attachments. Like a create, an upload is
 * never sent again once it may have reached the server
 * (%HANGAR_API_ERROR_UNCERTAIN_WRITE).
 */
void
hangar_client_upload_attachment_async (HangarClient        *self,
                                       const char          *base_id,
                                       const char          *record_id,
                                       const char          *field,
                                       const char          *content_type,
                                       const char          *filename,
                                       GBytes              *data,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(JsonObject) body = NULL;
  g_autofree char *encoded = NULL;
  GError *error = NULL;
  HangarClientCall *call;
  gsize len = 0;
  const guchar *bytes;

  g_return_if_fail (HANGAR_IS_CLIENT (self));
  g_return_if_fail (base_id != NULL && record_id != NULL && field != NULL && data != NULL);

  if (!_hangar_client_check_ids (&error, "base", base_id, "record", record_id, "field", field, NULL))
    {
      _hangar_client_fail_early (self, hangar_client_upload_attachment_async, error, callback, user_data);
      return;
    }
  if (filename == NULL || *filename == '\0')
    {
      _hangar_client_fail_early (self, hangar_client_upload_attachment_async,
                                 g_error_new (HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_ARGUMENT,
                                              "%s", "An uploaded file needs a name"),
                                 callback, user_data);
      return;
    }

  bytes = g_bytes_get_data (data, &len);
  encoded = g_base64_encode (bytes, len);
  body = json_object_new ();
  json_object_set_string_member (body, "contentType",
                                 content_type != NULL ? content_type : "application/octet-stream");
  json_object_set_string_member (body, "filename", filename);
  json_object_set_string_member (body, "file", encoded);

  call = _hangar_client_call_new ("POST", _hangar_client_records_path (base_id, record_id, field, "/uploadAttachment"),
                                  NULL, _hangar_client_object_to_bytes (body), base_id, FALSE);
  if (g_strcmp0 (hangar_client_get_api_url (self), HANGAR_DEFAULT_API_URL) == 0)
    _hangar_client_call_set_url (call, AIRTABLE_CONTENT_URL);
  _hangar_client_run_simple (self, call, hangar_client_upload_attachment_async, parse_uploaded, g_object_unref,
                             cancellable, callback, user_data);
}

/** hangar_client_upload_attachment_finish: Returns: (transfer full): the record with the new attachment */
HangarRecord *
hangar_client_upload_attachment_finish (HangarClient  *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  return _hangar_client_finish_simple (self, result, hangar_client_upload_attachment_async, error);
}
