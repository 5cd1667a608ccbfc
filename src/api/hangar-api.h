/* hangar-api.h — everything of libhangar's API part (src/api)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hangar-types.h"
#include "hangar-error.h"
#include "hangar-ids.h"
#include "hangar-json.h"
#include "hangar-redact.h"

/* client, pacing, record list */
#include "hangar-token-source.h"
#include "hangar-list-options.h"
#include "hangar-page-guard.h"
#include "hangar-batch-result.h"
#include "hangar-rate-state.h"
#include "hangar-scheduler.h"
#include "hangar-request-info.h"
#include "hangar-client.h"
#include "hangar-record-list.h"

/* models and formula builder */
#include "hangar-base.h"
#include "hangar-comment.h"
#include "hangar-field.h"
#include "hangar-field-spec.h"
#include "hangar-formula.h"
#include "hangar-formula-refs.h"
#include "hangar-record.h"
#include "hangar-table.h"
#include "hangar-view.h"
#include "hangar-whoami.h"
