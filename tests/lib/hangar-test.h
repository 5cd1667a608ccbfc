/* hangar-test.h — the test library: everything but the GUI helpers
 *
 * hangar-test-sandbox.h  a real hangar-sandbox process, its control API,
 *                        its consent page; a private HOME and keyring
 * hangar-test-wait.h     waiting on the main loop for a condition or an
 *                        async result, with a deadline
 * hangar-test-secrets.h  scanning files and output for leaked tokens
 * hangar-test-process.h  running a program with its output captured
 * hangar-test-notify.h   a desktop notification server on the test's bus
 *
 * The GUI tests also include hangar-test-gui.h (a library of its own, as it
 * links GTK).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hangar-test-notify.h"
#include "hangar-test-process.h"
#include "hangar-test-sandbox.h"
#include "hangar-test-secrets.h"
#include "hangar-test-wait.h"
