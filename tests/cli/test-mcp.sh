#!/bin/sh
# test-mcp.sh — a real MCP client against `hangar-cli mcp`: the official
# TypeScript SDK (@modelcontextprotocol/sdk) drives the server over stdio
# against a real hangar-sandbox (test-mcp.js).
#
# Installs @modelcontextprotocol/sdk@$MCP_SDK_VERSION once into BUILD/npm-mcp
# (npm's cache, config and HOME are kept there too), starts hangar-sandbox
# with a 250-record generated base, and runs test-mcp.js in a private HOME,
# XDG dirs and libsecret file keyring. Exit 77 (skip) when node/npm are
# missing or the npm registry cannot be reached; any other failure fails.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -u

MCP_SDK_VERSION=1.32.2

here=$(cd "$(dirname "$0")" && pwd)
build=${MESON_BUILD_ROOT:-${HANGAR_BUILD_DIR:-}}
sandbox=${HANGAR_SANDBOX:-}
cli=${HANGAR_CLI:-}

if [ -z "$build" ] || [ -z "$sandbox" ] || [ -z "$cli" ]; then
  echo "HANGAR_BUILD_DIR (or MESON_BUILD_ROOT), HANGAR_SANDBOX and HANGAR_CLI must be set (run under meson test)" >&2
  exit 1
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "SKIP: node and npm are needed (apt-get install nodejs npm)"
  exit 77
fi

prefix="$build/npm-mcp"
mkdir -p "$prefix/home" "$prefix/cache"
# npm keeps everything in the build dir: its HOME, cache, user config, logs.
npm_config_cache="$prefix/cache"
npm_config_userconfig="$prefix/npmrc"
npm_config_update_notifier=false
npm_config_fund=false
npm_config_audit=false
npm_config_loglevel=warn
export npm_config_cache npm_config_userconfig npm_config_update_notifier \
       npm_config_fund npm_config_audit npm_config_loglevel
: > "$prefix/npmrc"

sdk_version () {
  node -e "try{process.stdout.write(require('$prefix/node_modules/@modelcontextprotocol/sdk/package.json').version)}catch(e){}" 2>/dev/null
}

# Two tests may start at once: one installs, the other waits for it.
lock="$prefix/install.lock"
if [ "$(sdk_version)" != "$MCP_SDK_VERSION" ]; then
  (
    flock 9
    if [ "$(sdk_version)" != "$MCP_SDK_VERSION" ]; then
      echo "installing @modelcontextprotocol/sdk@$MCP_SDK_VERSION into $prefix"
      if ! HOME="$prefix/home" npm install --prefix "$prefix" --cache "$prefix/cache" --prefer-offline --no-audit \
            --no-fund --no-save --no-package-lock "@modelcontextprotocol/sdk@$MCP_SDK_VERSION" \
            > "$prefix/install.log" 2>&1; then
        cat "$prefix/install.log"
        # no route, no DNS, no proxy, or no TLS trust to the registry: skip;
        # anything else (a missing version, a broken npm) is a failure
        if grep -Eq 'ENOTFOUND|EAI_AGAIN|EAI_FAIL|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ESOCKETTIMEDOUT|ENETUNREACH|EHOSTUNREACH|ECONNABORTED|EPROTO|CERT_|_CERT|certificate|network|proxy' "$prefix/install.log"; then
          exit 77
        fi
        exit 1
      fi
    fi
  ) 9> "$lock"
  status=$?
  if [ $status -eq 77 ]; then
    echo "SKIP: npm cannot reach the registry (see the log above)"
    exit 77
  elif [ $status -ne 0 ]; then
    echo "npm install failed" >&2
    exit 1
  fi
fi
echo "node $(node --version), @modelcontextprotocol/sdk $(sdk_version)"

tmp=$(mktemp -d "$build/mcp-test.XXXXXX")
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

# A private home: the accounts, the keyring (libsecret's file backend) and
# the lock files of this test only.
HOME="$tmp/home"
XDG_CONFIG_HOME="$tmp/home/.config"
XDG_DATA_HOME="$tmp/home/.local/share"
XDG_CACHE_HOME="$tmp/home/.cache"
XDG_RUNTIME_DIR="$tmp/runtime"
SECRET_BACKEND=file
SECRET_FILE_TEST_PATH="$tmp/home/test.keyring"
SECRET_FILE_TEST_PASSWORD=test
mkdir -p "$HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$HOME" "$XDG_RUNTIME_DIR"
export HOME XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME XDG_RUNTIME_DIR \
       SECRET_BACKEND SECRET_FILE_TEST_PATH SECRET_FILE_TEST_PASSWORD

# No rate limit on the sandbox's side: test-mcp.js calls the API directly
# too, which the server's pacing cannot know about (test-mcp-protocol
# checks the pacing against a rate-limited sandbox); 429s are injected.
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

HANGAR_CLI="$cli" NODE_PATH="$prefix/node_modules" node "$here/test-mcp.js" "$tmp/line"
status=$?
if [ $status -ne 0 ]; then
  echo "hangar-sandbox stderr:" >&2
  cat "$tmp/stderr" >&2
fi
exit $status
