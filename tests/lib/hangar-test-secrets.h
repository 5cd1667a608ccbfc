/* hangar-test-secrets.h — scanning files and output for leaked tokens
 *
 * A test remembers every secret it handled (tokens, client secrets) and
 * then asserts that none of them appears in a piece of captured output or
 * in any file under the given directories. A failure names the file or the
 * output and which secret (by number and length), never the secret itself,
 * so the test log does not leak it either.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _HangarTestSecrets HangarTestSecrets;

HangarTestSecrets *hangar_test_secrets_new                 (void);
void               hangar_test_secrets_free                (HangarTestSecrets  *secrets);

/* Remembers a copy of @secret; NULL, empty and already known ones are ignored. */
void               hangar_test_secrets_add                 (HangarTestSecrets  *secrets,
                                                            const char         *secret);
guint              hangar_test_secrets_get_n               (HangarTestSecrets  *secrets);

/* TRUE when @secret (any string) occurs in @text — for tests that check one
 * value without a HangarTestSecrets. */
gboolean           hangar_test_text_contains_secret        (const char         *text,
                                                            const char         *secret);

/* Aborts the test if any remembered secret occurs in @text (may be NULL);
 * @what names the output in the message ("hangar-cli's stderr"). */
void               hangar_test_secrets_assert_not_in_text  (HangarTestSecrets  *secrets,
                                                            const char         *what,
                                                            const char         *text);

/* Reads every regular file under @dir (recursively; symbolic links are not
 * followed) and aborts the test naming the first file that holds a
 * remembered secret. Returns how many files were read, so a test can check
 * that the scan saw something. A missing @dir counts as empty. */
guint              hangar_test_secrets_assert_not_in_dir   (HangarTestSecrets  *secrets,
                                                            const char         *dir);

/* The same for the test's XDG config, data, cache and runtime dirs (read
 * from the environment, as set by hangar_test_isolate_home()). */
guint              hangar_test_secrets_assert_not_in_xdg_dirs (HangarTestSecrets *secrets);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarTestSecrets, hangar_test_secrets_free)

G_END_DECLS
