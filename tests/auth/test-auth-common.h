/* test-auth-common.h — helpers for the accounts tests (header only)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "config.h"

#include <string.h>

#include "hangar-auth.h"
#include "hangar-client.h"
#include "hangar-error.h"
#include "hangar-test.h"

/* A fresh HOME/XDG tree and libsecret's file backend inside it. Call once,
 * right after g_test_init, before anything touches libsecret. */
static inline void
ta_init_environment (void)
{
  g_autofree char *keyring = NULL;

  hangar_test_isolate_home ();
  keyring = g_build_filename (g_get_user_data_dir (), "keyrings", "test.keyring", NULL);
  hangar_test_use_file_keyring (keyring);
}

/* A store with its own metadata file (one per test case). */
static inline HangarAccountStore *
ta_new_store (void)
{
  static guint n;
  g_autofree char *name = g_strdup_printf ("accounts-%u-%u.json", (guint) getpid (), ++n);
  g_autofree char *path = g_build_filename (g_get_user_config_dir (), "hangar", name, NULL);
  g_autoptr(GError) error = NULL;
  HangarAccountStore *store = hangar_account_store_new_for_path (path, &error);

  g_assert_no_error (error);
  return store;
}

static inline HangarOAuthIntegration *
ta_sandbox_integration (HangarTestSandbox *sandbox)
{
  return hangar_oauth_integration_new (sandbox->url, sandbox->url, sandbox->client_id, NULL,
                                       sandbox->redirect_uri, NULL);
}

/* The full flow: consent (as @user_id, or the default user), redirect
 * parsing, code exchange, whoami; returns the connected account. */
static inline HangarAccount *
ta_connect_oauth (HangarAccountStore *store,
                  HangarTestSandbox  *sandbox,
                  const char         *label,
                  const char         *user_id)
{
  g_autoptr(HangarOAuthIntegration) integration = ta_sandbox_integration (sandbox);
  g_autoptr(HangarOAuthFlow) flow = hangar_oauth_flow_new (integration);
  g_autofree char *redirect = hangar_test_sandbox_consent (sandbox, hangar_oauth_flow_get_authorize_uri (flow), user_id, FALSE);
  g_autofree char *code = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  HangarAccount *account;

  g_assert_true (hangar_oauth_flow_is_redirect (flow, redirect));
  code = hangar_oauth_flow_parse_redirect (flow, redirect, &error);
  g_assert_no_error (error);
  hangar_account_store_connect_oauth_async (store, label, flow, code, NULL, hangar_test_result_cb, &result);
  account = hangar_account_store_connect_oauth_finish (store, hangar_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (account);
  return account;
}

static inline HangarAccount *
ta_connect_pat (HangarAccountStore *store,
                HangarTestSandbox  *sandbox,
                const char         *label,
                const char         *pat)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  HangarAccount *account;

  hangar_account_store_connect_pat_async (store, label, sandbox->url, pat, NULL, hangar_test_result_cb, &result);
  account = hangar_account_store_connect_pat_finish (store, hangar_test_wait_result (&result), &error);
  g_assert_no_error (error);
  return account;
}

static inline HangarCredentials *
ta_load_credentials (HangarAccountStore *store,
                     HangarAccount      *account)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  HangarCredentials *creds;

  hangar_account_store_load_credentials_async (store, account, NULL, hangar_test_result_cb, &result);
  creds = hangar_account_store_load_credentials_finish (store, hangar_test_wait_result (&result), &error);
  g_assert_no_error (error);
  return creds;
}

/* One whoami through the account's client; returns the error, if any. */
static inline GError *
ta_client_whoami (HangarAccount *account)
{
  HangarClient *client = hangar_account_get_client (account);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(HangarWhoami) who = NULL;
  GError *error = NULL;

  hangar_client_whoami_async (client, NULL, hangar_test_result_cb, &result);
  who = hangar_client_whoami_finish (client, hangar_test_wait_result (&result), &error);
  if (who != NULL)
    g_assert_cmpstr (hangar_whoami_get_user_id (who), ==, hangar_account_get_user_id (account));
  return error;
}
