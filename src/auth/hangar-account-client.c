/* hangar-account-client.c — the account's one HangarClient
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-account-private.h"
#include "hangar-client.h"

/**
 * hangar_account_get_client:
 * @self: an account
 *
 * The client is created on first use with the account's API URL and token
 * source; every panel of the app and every CLI command shares it, so they
 * share its rate limiter and its invalidation when the grant goes away.
 *
 * Returns: (transfer none): the account's client
 */
HangarClient *
hangar_account_get_client (HangarAccount *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNT (self), NULL);

  if (self->client == NULL)
    self->client = hangar_client_new (self->api_url ? self->api_url : HANGAR_AIRTABLE_API_URL,
                                      hangar_account_get_token_source (self));
  return self->client;
}
