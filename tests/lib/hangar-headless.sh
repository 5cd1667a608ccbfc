#!/usr/bin/env bash
# Runs a command with a private X server (Xvfb, one 1280x900 24-bit screen)
# and a private D-Bus session bus, and exits with the command's status.
# `meson test --setup headless` wraps every test in it, so the GUI tests get
# real windows on a machine without a display, and no test shares a display
# or a session bus with another one or with the desktop.
#
# Xvfb picks a free display number itself (-displayfd): wrappers started side
# by side never race for one, as `xvfb-run -a` can.
set -u

if ! command -v Xvfb >/dev/null 2>&1 || ! command -v dbus-run-session >/dev/null 2>&1; then
  echo "hangar-headless: Xvfb or dbus-run-session is not installed (build-aux/hangar-deps.sh installs them);" \
       "running without a display, so the GUI tests will skip" >&2
  exec "$@"
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/hangar-headless-XXXXXX") || exit 1
xvfb_pid=
stop_xvfb() {
  if [ -n "$xvfb_pid" ]; then
    kill "$xvfb_pid" 2>/dev/null
    wait "$xvfb_pid" 2>/dev/null
    xvfb_pid=
  fi
}
trap 'stop_xvfb; rm -rf "$dir"' EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# Starts Xvfb and sets $display once it answers an X client.
start_xvfb() {
  rm -f "$dir/displayfd"
  mkfifo "$dir/displayfd"
  Xvfb -displayfd 3 -screen 0 1280x900x24 -nolisten tcp -noreset 3>"$dir/displayfd" 2>"$dir/xvfb.log" &
  xvfb_pid=$!
  # Xvfb writes the display number once it accepts connections (EOF if it died).
  display=
  if ! read -r -t 60 display <"$dir/displayfd" || [ -z "$display" ]; then
    return 1
  fi
  # A real X client must get through (not just a socket that accepts);
  # -noreset keeps the server from resetting when that client leaves.
  if command -v xdotool >/dev/null 2>&1 && ! DISPLAY=":$display" xdotool getdisplaygeometry >/dev/null 2>>"$dir/xvfb.log"; then
    return 1
  fi
  return 0
}

for attempt in 1 2 3; do
  if start_xvfb; then
    break
  fi
  echo "hangar-headless: Xvfb did not start (attempt $attempt, display '${display:-}'):" >&2
  cat "$dir/xvfb.log" >&2
  stop_xvfb
  if [ "$attempt" = 3 ]; then
    exit 1
  fi
done

DISPLAY=":$display" GDK_BACKEND=x11 \
  dbus-run-session -- env -u WAYLAND_DISPLAY "$@"
