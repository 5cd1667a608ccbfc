#!/bin/sh
# test-airtable-js.sh — fidelity proof: the official airtable.js client,
# unchanged, against a real hangar-sandbox.
#
# Installs airtable@$AIRTABLE_JS_VERSION once into BUILD/npm-airtable (npm's
# cache, config and HOME are kept there too), starts hangar-sandbox with a
# 250-record generated base, and runs test-airtable-js.js against it.
# Exit 77 (skip) when node/npm are missing or the npm registry cannot be
# reached; any other failure fails.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -u

AIRTABLE_JS_VERSION=0.12.2

here=$(cd "$(dirname "$0")" && pwd)
build=${MESON_BUILD_ROOT:-${HANGAR_BUILD_DIR:-}}
sandbox=${HANGAR_SANDBOX:-}

if [ -z "$build" ] || [ -z "$sandbox" ]; then
  echo "HANGAR_BUILD_DIR (or MESON_BUILD_ROOT) and HANGAR_SANDBOX must be set (run under meson test)" >&2
  exit 1
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "SKIP: node and npm are needed (apt-get install nodejs npm)"
  exit 77
fi

prefix="$build/npm-airtable"
mkdir -p "$prefix/home" "$prefix/cache"
# Nothing outside the build dir: npm's HOME, cache, user config, logs.
HOME="$prefix/home"
npm_config_cache="$prefix/cache"
npm_config_userconfig="$prefix/npmrc"
npm_config_update_notifier=false
npm_config_fund=false
npm_config_audit=false
npm_config_loglevel=warn
export HOME npm_config_cache npm_config_userconfig npm_config_update_notifier \
       npm_config_fund npm_config_audit npm_config_loglevel
: > "$prefix/npmrc"

installed=$(node -e "try{process.stdout.write(require('$prefix/node_modules/airtable/package.json').version)}catch(e){}" 2>/dev/null)
if [ "$installed" != "$AIRTABLE_JS_VERSION" ]; then
  echo "installing airtable@$AIRTABLE_JS_VERSION into $prefix"
  if ! npm install --prefix "$prefix" --cache "$prefix/cache" --prefer-offline --no-audit --no-fund \
        --no-save --no-package-lock "airtable@$AIRTABLE_JS_VERSION" > "$prefix/install.log" 2>&1; then
    cat "$prefix/install.log"
    # no route, no DNS, no proxy, or no TLS trust to the registry: skip;
    # anything else (a missing version, a broken npm) is a failure
    if grep -Eq 'ENOTFOUND|EAI_AGAIN|EAI_FAIL|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ESOCKETTIMEDOUT|ENETUNREACH|EHOSTUNREACH|ECONNABORTED|EPROTO|CERT_|_CERT|certificate|network|proxy' "$prefix/install.log"; then
      echo "SKIP: npm cannot reach the registry (see the log above)"
      exit 77
    fi
    echo "npm install failed" >&2
    exit 1
  fi
fi
echo "node $(node --version), airtable.js $(node -e "process.stdout.write(require('$prefix/node_modules/airtable/package.json').version)")"

tmp=$(mktemp -d "$build/airtable-js.XXXXXX")
pid=
cleanup () {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

"$sandbox" --port 0 --no-rate-limit --auto-approve --quiet --generate Big:250 > "$tmp/line" 2> "$tmp/stderr" &
pid=$!
i=0
# wait for the whole JSON line (it ends with "}")
while ! grep -q '}$' "$tmp/line" 2>/dev/null; do
  i=$((i + 1))
  if [ $i -gt 300 ] || ! kill -0 "$pid" 2>/dev/null; then
    echo "hangar-sandbox did not start:" >&2
    cat "$tmp/stderr" >&2
    exit 1
  fi
  sleep 0.1
done

NODE_PATH="$prefix/node_modules" node "$here/test-airtable-js.js" "$tmp/line"
status=$?
if [ $status -ne 0 ]; then
  echo "hangar-sandbox stderr:" >&2
  cat "$tmp/stderr" >&2
fi
exit $status
