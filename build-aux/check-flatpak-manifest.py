#!/usr/bin/env python3
"""Checks the Flatpak manifest as far as can be done without flatpak-builder:
valid JSON, the app id and command of this project, the runtime that carries
our stack, finish-args that stay minimal, and a meson module building this
repository."""
import json
import sys

path, app_id = sys.argv[1], sys.argv[2]
errors = []
with open(path, encoding="utf-8") as f:
    m = json.load(f)

if m.get("id") != app_id:
    errors.append(f"id is {m.get('id')!r}, expected {app_id!r}")
if m.get("command") != "hangar":
    errors.append("command must be 'hangar'")
if m.get("runtime") != "org.gnome.Platform" or m.get("sdk") != "org.gnome.Sdk":
    errors.append("runtime/sdk must be the GNOME platform (it ships GTK 4, libadwaita, WebKitGTK 6.0, libsoup 3, libsecret)")
if not str(m.get("runtime-version", "")).isdigit():
    errors.append("runtime-version must be a GNOME release number")

allowed = {"--share=network", "--share=ipc", "--socket=wayland", "--socket=fallback-x11",
           "--device=dri", "--system-talk-name=org.freedesktop.login1"}
for arg in m.get("finish-args", []):
    if arg not in allowed:
        errors.append(f"finish-arg {arg!r} is not in the reviewed minimal set")
if "--talk-name=org.freedesktop.secrets" in m.get("finish-args", []):
    errors.append("secrets go through the portal; no direct Secret Service access")

mods = m.get("modules", [])
last = mods[-1] if mods else {}
if last.get("name") != "hangar" or last.get("buildsystem") != "meson":
    errors.append("the last module must build hangar with meson")

for e in errors:
    print(f"{path}: {e}", file=sys.stderr)
sys.exit(1 if errors else 0)
