/* hangar-auth-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-auth-error.h"

G_DEFINE_QUARK (hangar-auth-error-quark, hangar_auth_error)
