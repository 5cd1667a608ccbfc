/* hangar-auth.h — everything of src/auth (accounts, OAuth, tokens, scopes)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hangar-auth-error.h"
#include "hangar-credentials.h"
#include "hangar-account.h"
#include "hangar-account-store.h"
#include "hangar-oauth.h"
#include "hangar-oauth-listener.h"
#include "hangar-oauth-token-source.h"
#include "hangar-scopes.h"
