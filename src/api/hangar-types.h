/* hangar-types.h — forward declarations shared by libhangar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _HangarClient       HangarClient;
typedef struct _HangarTokenSource  HangarTokenSource;

G_END_DECLS
