#!/usr/bin/env bash
# Every source file with translatable strings must be listed in po/POTFILES.in,
# and every listed file must exist.
set -euo pipefail
root="${1:-$(dirname "$0")/..}"
cd "$root"
status=0
while IFS= read -r f; do
  if ! grep -qxF "$f" po/POTFILES.in; then
    echo "po/POTFILES.in: missing $f" >&2
    status=1
  fi
done < <(grep -rlE '(^|[^A-Za-z0-9_])N?_\("|translatable="yes"' src --include='*.c' --include='*.ui' | sort)
while IFS= read -r f; do
  case "$f" in ''|'#'*) continue ;; esac
  if [ ! -f "$f" ]; then
    echo "po/POTFILES.in: $f does not exist" >&2
    status=1
  fi
done < po/POTFILES.in
exit $status
