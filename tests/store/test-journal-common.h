/* test-journal-common.h — what the journal tests and their driver share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hangar-journal.h"
#include "hangar-test.h"

G_BEGIN_DECLS

/* The generated table every journal test writes to (`--generate Big:N`):
 * Name, Number, Category, Date, Done, Notes, Row (autonumber). */
#define JOURNAL_TEST_BASE_NAME  "Big"
#define JOURNAL_TEST_TABLE      "Records"

static inline JsonObject *
journal_test_fields (const char *first_name,
                     ...) G_GNUC_NULL_TERMINATED;

/* {"name": "value", …} of string values; a value NULL gives a JSON null. */
static inline JsonObject *
journal_test_fields (const char *first_name,
                     ...)
{
  JsonObject *fields = json_object_new ();
  va_list args;

  va_start (args, first_name);
  for (const char *name = first_name; name != NULL; name = va_arg (args, const char *))
    {
      const char *value = va_arg (args, const char *);

      if (value != NULL)
        json_object_set_string_member (fields, name, value);
      else
        json_object_set_null_member (fields, name);
    }
  va_end (args);
  return fields;
}

G_END_DECLS
