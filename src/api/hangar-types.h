/* hangar-types.h — forward declarations of libhangar's API types
 *
 * Headers that only pass these types around include this file instead of
 * the class headers. (C11 allows the same typedef again in the class's own
 * G_DECLARE_* line.)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* classes */
typedef struct _HangarBase         HangarBase;
typedef struct _HangarBatchResult  HangarBatchResult;
typedef struct _HangarClient       HangarClient;
typedef struct _HangarComment      HangarComment;
typedef struct _HangarFetch        HangarFetch;
typedef struct _HangarField        HangarField;
typedef struct _HangarRateState    HangarRateState;
typedef struct _HangarRecord       HangarRecord;
typedef struct _HangarRecordList   HangarRecordList;
typedef struct _HangarScheduler    HangarScheduler;
typedef struct _HangarTable        HangarTable;
typedef struct _HangarView         HangarView;
typedef struct _HangarWhoami       HangarWhoami;

/* interfaces */
typedef struct _HangarTokenSource  HangarTokenSource;

/* boxed */
typedef struct _HangarListOptions  HangarListOptions;

G_END_DECLS
