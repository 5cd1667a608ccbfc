#!/usr/bin/env python3
"""Checks a Flatpak manifest of Hangar as far as can be done without
downloading the GNOME runtime: strict JSON, the app id and command of this
profile, the runtime that carries our stack, finish-args that stay the
reviewed minimal set, a module for every library the runtime does not ship
(read from meson.build), and a last module that builds this checkout with
meson — with -Dprofile=development in the development manifest, which must
otherwise match the default one. When flatpak-builder is installed, it
parses the manifest too and any property it does not know is an error.
With --meson, the tree is configured with the manifest's config-opts and
the app id that build gets must be the manifest's.

Usage: check-flatpak-manifest.py --app-id ID --profile default|development
                                 [--meson MESON] MANIFEST
Exit status 0 when everything holds; otherwise each problem on stderr."""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

# The first GNOME runtime with WebKitGTK 6.0 (the GTK 4 API) beside libsoup 3.
MIN_RUNTIME = 44

# What org.gnome.Platform ships of what meson.build asks for (pkg-config
# names): GLib, GTK 4, libadwaita, libsoup 3, json-glib, WebKitGTK 6.0 from the
# GNOME stack; libsecret and SQLite from the freedesktop base it builds on.
RUNTIME_PROVIDES = {
    "glib-2.0", "gobject-2.0", "gio-2.0", "gio-unix-2.0", "gmodule-2.0",
    "gtk4", "libadwaita-1", "libsoup-3.0", "json-glib-1.0", "webkitgtk-6.0",
    "libsecret-1", "sqlite3",
}

# The reviewed minimal permissions, each with its reason (README: Flatpak).
REQUIRED_ARGS = {
    "--share=network": "Airtable's API and the sign-in page",
    "--share=ipc": "X11 shared memory, needed with the X11 fallback",
    "--socket=wayland": "the window",
    "--socket=fallback-x11": "the window where there is no Wayland",
    "--device=dri": "GPU rendering (GTK 4 and WebKit)",
    "--system-talk-name=org.freedesktop.login1": "logind's resume signal, to re-check tokens after a suspend",
}
# Asked for by mistake often enough to name why not.
WHY_NOT = {
    "--talk-name=org.freedesktop.secrets": "secrets go through the Secret portal (libsecret's file backend inside Flatpak)",
    "--socket=x11": "X11 only as a fallback: --socket=fallback-x11",
    "--talk-name=org.freedesktop.Notifications": "GNotification uses the notification portal inside Flatpak",
    "--socket=session-bus": "no session bus access beyond the portals",
    "--socket=system-bus": "no system bus access beyond logind",
    "--device=all": "only DRI is needed",
}

errors = []


def fail(msg):
    errors.append(msg)


def no_duplicates(pairs):
    seen = {}
    for k, v in pairs:
        if k in seen:
            raise ValueError(f"key {k!r} appears twice")
        seen[k] = v
    return seen


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f, object_pairs_hook=no_duplicates)


def meson_dependencies(source_root):
    """pkg-config names of every dependency() in the meson.build files."""
    names = set()
    for dirpath, dirnames, filenames in os.walk(source_root):
        dirnames[:] = [d for d in dirnames if not d.startswith((".", "_")) and d != "subprojects"]
        if "meson.build" in filenames:
            with open(os.path.join(dirpath, "meson.build"), encoding="utf-8") as f:
                names.update(re.findall(r"\bdependency\(\s*'([^']+)'", f.read()))
    return names


def meson_options(source_root):
    """Option name -> its choices (None when it takes any value)."""
    opts = {}
    with open(os.path.join(source_root, "meson_options.txt"), encoding="utf-8") as f:
        text = f.read()
    for m in re.finditer(r"option\(\s*'([^']+)'\s*,\s*type\s*:\s*'(\w+)'(.*?)\)\s*$", text, re.S | re.M):
        name, kind, rest = m.groups()
        if kind == "combo":
            c = re.search(r"choices\s*:\s*\[([^\]]*)\]", rest)
            opts[name] = set(re.findall(r"'([^']*)'", c.group(1))) if c else None
        elif kind == "feature":
            opts[name] = {"enabled", "disabled", "auto"}
        elif kind == "boolean":
            opts[name] = {"true", "false"}
        else:
            opts[name] = None
    return opts


def app_module(m):
    mods = m.get("modules")
    if not isinstance(mods, list) or not mods or not isinstance(mods[-1], dict):
        return None
    return mods[-1]


def check(m, args):
    if m.get("id") != args.app_id:
        fail(f"id is {m.get('id')!r}, expected {args.app_id!r}")
    if "app-id" in m:
        fail("use 'id', not the old 'app-id'")
    if m.get("command") != "hangar":
        fail("command must be 'hangar'")
    if m.get("runtime") != "org.gnome.Platform" or m.get("sdk") != "org.gnome.Sdk":
        fail("runtime/sdk must be org.gnome.Platform/org.gnome.Sdk (GTK 4, libadwaita, "
             "WebKitGTK 6.0, libsoup 3, libsecret, SQLite)")
    rv = m.get("runtime-version")
    if not isinstance(rv, str) or not rv.isdigit() or int(rv) < MIN_RUNTIME:
        fail(f"runtime-version must be a GNOME release, {MIN_RUNTIME} or newer, as a string "
             f"(not {rv!r})")

    fargs = m.get("finish-args", [])
    for a in fargs:
        if a in WHY_NOT:
            fail(f"finish-arg {a!r}: {WHY_NOT[a]}")
        elif a not in REQUIRED_ARGS:
            fail(f"finish-arg {a!r} is not in the reviewed minimal set")
    for a, why in REQUIRED_ARGS.items():
        if a not in fargs:
            fail(f"finish-arg {a!r} is missing ({why})")
    if len(fargs) != len(set(fargs)):
        fail("a finish-arg is repeated")

    mod = app_module(m)
    if mod is None or mod.get("name") != "hangar" or mod.get("buildsystem") != "meson":
        fail("the last module must build hangar with meson")
        return
    sources = mod.get("sources", [])
    if len(sources) != 1 or sources[0].get("type") != "dir" or sources[0].get("path") != "..":
        fail("hangar must be built from this checkout: one source {\"type\": \"dir\", \"path\": \"..\"}")
    opts = mod.get("config-opts", [])
    want = "-Dprofile=development" if args.profile == "development" else None
    profiles = [o for o in opts if o.startswith("-Dprofile=")]
    if want and profiles != [want]:
        fail(f"the development manifest must configure with {want}")
    if not want and profiles not in ([], ["-Dprofile=default"]):
        fail("the default manifest must not change the profile")
    if any(o.startswith("-Dgui=") and o != "-Dgui=enabled" for o in opts):
        fail("the Flatpak is the desktop app: -Dgui must stay enabled")

    known = meson_options(args.source_root)
    for o in opts:
        m_opt = re.fullmatch(r"-D([\w-]+)=(.*)", o)
        if m_opt and m_opt.group(1) in known and known[m_opt.group(1)] is not None \
                and m_opt.group(2) not in known[m_opt.group(1)]:
            fail(f"{o}: meson_options.txt allows {sorted(known[m_opt.group(1)])}")
        elif m_opt and m_opt.group(1) not in known and not m_opt.group(1).startswith("b_"):
            fail(f"{o}: there is no such option in meson_options.txt")

    have = {x.get("name") for x in m.get("modules", [])[:-1] if isinstance(x, dict)}
    for dep in sorted(meson_dependencies(args.source_root) - RUNTIME_PROVIDES):
        if dep not in have:
            fail(f"meson.build needs {dep!r}, which the GNOME runtime does not ship: "
                 f"add a module named {dep!r} before hangar")


def check_against_default(m, path):
    """The development manifest is the default one with another id and profile."""
    default_path = os.path.join(os.path.dirname(path), re.sub(r"\.Devel\.json$", ".json", os.path.basename(path)))
    try:
        d = load(default_path)
    except (OSError, ValueError) as e:
        fail(f"cannot read the default manifest {default_path}: {e}")
        return
    for key in ("runtime", "runtime-version", "sdk", "command", "finish-args", "cleanup"):
        if m.get(key) != d.get(key):
            fail(f"{key!r} differs from {os.path.basename(default_path)}")
    if [x.get("name") for x in m.get("modules", [])] != [x.get("name") for x in d.get("modules", [])]:
        fail(f"the module list differs from {os.path.basename(default_path)}")


def run_flatpak_builder(path):
    tool = shutil.which("flatpak-builder")
    if tool is None:
        print("check-flatpak-manifest: flatpak-builder not found, its parse skipped", file=sys.stderr)
        return
    # It keeps a state directory where it runs: run it in a throwaway one.
    with tempfile.TemporaryDirectory() as tmp:
        r = subprocess.run([tool, "--show-manifest",
                            os.path.abspath(path)], capture_output=True, text=True, cwd=tmp)
    if r.returncode != 0:
        fail("flatpak-builder --show-manifest failed: " + r.stderr.strip())
    for line in r.stderr.splitlines():
        if "Unknown property" in line or "WARNING" in line or "CRITICAL" in line:
            fail("flatpak-builder: " + line.strip())


def run_configure(m, args):
    """Configures this tree with the manifest's own config-opts, as
    flatpak-builder will, and checks the app id that build would have."""
    mod = app_module(m)
    if mod is None:
        return
    with tempfile.TemporaryDirectory() as tmp:
        build = os.path.join(tmp, "build")
        r = subprocess.run([args.meson, "setup", build, os.path.abspath(args.source_root)]
                           + list(mod.get("config-opts", [])),
                           capture_output=True, text=True, cwd=tmp)
        if r.returncode != 0:
            fail("meson setup with the manifest's config-opts failed:\n" + r.stdout[-2000:] + r.stderr[-2000:])
            return
        with open(os.path.join(build, "config.h"), encoding="utf-8") as f:
            config = f.read()
        got = re.search(r'#define APP_ID "([^"]*)"', config)
        if got is None or got.group(1) != m.get("id"):
            fail(f"configured with the manifest's config-opts, the app id is "
                 f"{got.group(1) if got else None!r}, not the manifest's {m.get('id')!r}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--app-id", required=True)
    ap.add_argument("--profile", choices=("default", "development"), required=True)
    ap.add_argument("--source-root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    ap.add_argument("--meson", help="also configure the tree with the manifest's config-opts")
    ap.add_argument("manifest")
    args = ap.parse_args()

    try:
        m = load(args.manifest)
    except (OSError, ValueError) as e:
        print(f"{args.manifest}: not valid JSON: {e}", file=sys.stderr)
        return 1
    if not isinstance(m, dict):
        print(f"{args.manifest}: not a JSON object", file=sys.stderr)
        return 1
    check(m, args)
    if args.profile == "development":
        check_against_default(m, args.manifest)
    run_flatpak_builder(args.manifest)
    if args.meson and not errors:
        run_configure(m, args)

    for e in errors:
        print(f"{args.manifest}: {e}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
