#!/usr/bin/env python3
"""The packaging checks must catch what they are there for: each case here
feeds one of them a copy of the real file with one thing broken and expects
it to fail, naming the problem; the unbroken copies must pass.

Usage: test-packaging-checks.py --source-root DIR --app-id ID --version V
                                --desktop FILE --schema FILE METAINFO
(the files of the profile this build is configured with)."""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

failures = []
ran = 0


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


def expect(name, cmd, should_pass, needle=None):
    global ran
    ran += 1
    rc, out = run(cmd)
    if should_pass and rc != 0:
        failures.append(f"{name}: expected to pass, failed:\n{out}")
    elif not should_pass and rc == 0:
        failures.append(f"{name}: a broken file passed the check")
    elif not should_pass and needle and needle not in out:
        failures.append(f"{name}: failed, but without saying {needle!r}:\n{out}")
    else:
        print(f"ok - {name}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source-root", required=True)
    ap.add_argument("--app-id", required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("--desktop", required=True)
    ap.add_argument("--schema", required=True)
    ap.add_argument("metainfo")
    a = ap.parse_args()

    py = sys.executable
    aux = os.path.join(a.source_root, "build-aux")
    flatpak_dir = os.path.join(a.source_root, "flatpak")
    base_id = re.sub(r"\.Devel$", "", a.app_id)
    devel_id = base_id + ".Devel"
    tmp = tempfile.mkdtemp(prefix="hangar-packaging-")

    try:
        # --- the Flatpak manifests -------------------------------------------
        with open(os.path.join(flatpak_dir, base_id + ".json"), encoding="utf-8") as f:
            default = json.load(f)
        with open(os.path.join(flatpak_dir, devel_id + ".json"), encoding="utf-8") as f:
            devel = json.load(f)

        def manifest_case(name, mutate, needle, profile="default", raw=None, source_root=None,
                          configure=False):
            d = os.path.join(tmp, "m-" + re.sub(r"\W+", "-", name))
            os.makedirs(d)
            m_default = json.loads(json.dumps(default))
            m_devel = json.loads(json.dumps(devel))
            target = m_devel if profile == "development" else m_default
            if mutate:
                mutate(target)
            with open(os.path.join(d, base_id + ".json"), "w", encoding="utf-8") as f:
                json.dump(m_default, f, indent=2)
            with open(os.path.join(d, devel_id + ".json"), "w", encoding="utf-8") as f:
                json.dump(m_devel, f, indent=2)
            path = os.path.join(d, (devel_id if profile == "development" else base_id) + ".json")
            if raw is not None:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(raw)
            cmd = [py, os.path.join(aux, "check-flatpak-manifest.py"),
                   "--app-id", devel_id if profile == "development" else base_id,
                   "--profile", profile,
                   "--source-root", source_root or a.source_root]
            if configure:
                cmd += ["--meson", shutil.which("meson")]
            cmd.append(path)
            expect("manifest: " + name, cmd, needle is None, needle)

        manifest_case("the real default manifest", None, None)
        manifest_case("the real development manifest", None, None, profile="development")
        manifest_case("not JSON", None, "not valid JSON",
                      raw=json.dumps(default, indent=2).replace('"hangar"', '"hangar",', 1))
        manifest_case("a key twice", None, "appears twice",
                      raw=json.dumps(default, indent=2).replace('"command"', '"sdk": "org.gnome.Sdk", "command"', 1))
        manifest_case("another app id", lambda m: m.update(id="org.example.Other"), "id is")
        manifest_case("the keyring's bus name",
                      lambda m: m["finish-args"].append("--talk-name=org.freedesktop.secrets"),
                      "Secret portal")
        manifest_case("X11 without Wayland first",
                      lambda m: m["finish-args"].__setitem__(m["finish-args"].index("--socket=fallback-x11"), "--socket=x11"),
                      "fallback")
        manifest_case("the home directory",
                      lambda m: m["finish-args"].append("--filesystem=home"), "reviewed minimal set")
        manifest_case("no DRI", lambda m: m["finish-args"].remove("--device=dri"), "'--device=dri' is missing")
        manifest_case("a runtime without WebKitGTK 6.0", lambda m: m.update({"runtime-version": "43"}), "runtime-version")
        manifest_case("a runtime version as a number", lambda m: m.update({"runtime-version": 50}), "as a string")
        manifest_case("the freedesktop runtime", lambda m: m.update(runtime="org.freedesktop.Platform"), "runtime/sdk")
        manifest_case("another command", lambda m: m.update(command="hangar-cli"), "command")
        manifest_case("built from git, not the checkout",
                      lambda m: m["modules"][-1].__setitem__("sources", [{"type": "git", "path": "..", "branch": "main"}]),
                      "this checkout")
        manifest_case("the development build without its profile",
                      lambda m: m["modules"][-1]["config-opts"].remove("-Dprofile=development"),
                      "-Dprofile=development", profile="development")
        manifest_case("the development build with other permissions",
                      lambda m: m["finish-args"].remove("--share=ipc"),
                      "differs", profile="development")
        manifest_case("a profile meson does not know",
                      lambda m: m["modules"][-1]["config-opts"].__setitem__(-1, "-Dprofile=nightly"),
                      "meson_options.txt allows", profile="development")
        manifest_case("an option meson does not have",
                      lambda m: m["modules"][-1]["config-opts"].append("-Dtelemetry=true"),
                      "no such option")
        manifest_case("the default build as the development profile",
                      lambda m: m["modules"][-1]["config-opts"].append("-Dprofile=development"),
                      "must not change the profile")

        # A library the runtime does not ship needs a module of its own.
        fake_root = os.path.join(tmp, "fake-source")
        os.makedirs(fake_root)
        with open(os.path.join(fake_root, "meson.build"), "w") as f:
            f.write("gtk = dependency('gtk4')\nfoo = dependency('libfoo-1', version: '>= 1')\n")
        shutil.copy(os.path.join(a.source_root, "meson_options.txt"), fake_root)
        manifest_case("a library the runtime lacks", None, "'libfoo-1'", source_root=fake_root)
        manifest_case("a library the runtime lacks, with its module",
                      lambda m: m["modules"].insert(0, {"name": "libfoo-1", "buildsystem": "meson",
                                                        "sources": [{"type": "dir", "path": "libfoo"}]}),
                      None, source_root=fake_root)
        if shutil.which("meson"):
            manifest_case("the development manifest, configured", None, None,
                          profile="development", configure=True)
            manifest_case("a build type meson does not know",
                          lambda m: m["modules"][-1]["config-opts"].__setitem__(0, "--buildtype=fastest"),
                          "meson setup with the manifest's config-opts failed", configure=True)
        else:
            print("skip - configuring with the manifests' options: meson is not on PATH")
        if shutil.which("flatpak-builder"):
            manifest_case("a property flatpak-builder does not know",
                          lambda m: m.update({"finsh-args": []}), "Unknown property")
        else:
            print("skip - flatpak-builder's parse: flatpak-builder is not installed")

        # --- the metainfo, desktop file and schema ---------------------------
        with open(a.metainfo, encoding="utf-8") as f:
            metainfo = f.read()
        with open(a.desktop, encoding="utf-8") as f:
            desktop = f.read()
        with open(a.schema, encoding="utf-8") as f:
            schema = f.read()

        def data_case(name, needle, meta=None, desk=None, sch=None):
            d = os.path.join(tmp, "d-" + re.sub(r"\W+", "-", name))
            os.makedirs(d)
            paths = {}
            for kind, text, fname in (("meta", meta or metainfo, a.app_id + ".metainfo.xml"),
                                      ("desk", desk or desktop, a.app_id + ".desktop"),
                                      ("sch", sch or schema, a.app_id + ".gschema.xml")):
                paths[kind] = os.path.join(d, fname)
                with open(paths[kind], "w", encoding="utf-8") as f:
                    f.write(text)
            cmd = [py, os.path.join(aux, "check-metainfo.py"), "--app-id", a.app_id,
                   "--version", a.version, "--desktop", paths["desk"], "--schema", paths["sch"],
                   "--icons", os.path.join(a.source_root, "data", "icons"),
                   "--source-root", a.source_root, paths["meta"]]
            expect("metainfo: " + name, cmd, needle is None, needle)

        def sub(pattern, repl, text=None, count=1):
            new = re.sub(pattern, repl, text if text is not None else metainfo, count=count, flags=re.S)
            if new == (text if text is not None else metainfo):
                failures.append(f"the test's own pattern {pattern!r} matched nothing")
            return new

        data_case("the real files", None)
        data_case("a screenshot without a caption", "has no caption",
                  meta=sub(r"<caption>.*?</caption>", ""))
        data_case("a screenshot of the wrong size", "says",
                  meta=sub(r'width="(\d+)"', 'width="999"'))
        data_case("a screenshot that is not there", "does not exist",
                  meta=sub(r"data/screenshots/[^<]+\.png", "data/screenshots/missing.png"))
        data_case("no release for this version", "newest release",
                  meta=sub(r'<release version="[^"]+"', '<release version="0.0.1"'))
        data_case("a release without notes", "has no description",
                  meta=sub(r"(<release [^>]*>)\s*<description>.*?</description>", r"\1"))
        data_case("an empty OARS rating", "no content_attribute",
                  meta=sub(r"(<content_rating[^>]*>).*?(</content_rating>)", r"\1\2"))
        data_case("an old OARS version", "oars-1.1",
                  meta=sub(r'type="oars-1.1"', 'type="oars-1.0"'))
        data_case("hangar-cli not provided", "hangar-cli",
                  meta=sub(r"<binary>hangar-cli</binary>", ""))
        data_case("another launchable", "launchable",
                  meta=sub(r"<launchable([^>]*)>[^<]+<", r"<launchable\1>org.example.Other.desktop<"))
        data_case("no dark branding colour", "dark scheme",
                  meta=sub(r'<color type="primary" scheme_preference="dark">[^<]+</color>', ""))
        data_case("no narrow display length", "display_length",
                  meta=sub(r"<requires>.*?</requires>", ""))
        data_case("no developer id", "developer",
                  meta=sub(r'<developer id="[^"]+">', "<developer>"))
        if shutil.which("appstreamcli"):
            data_case("a tag AppStream does not know", "appstreamcli",
                      meta=sub(r"</component>", "<colour>blue</colour></component>"))
        data_case("the desktop file names another icon", "Icon is",
                  desk=sub(r"Icon=[^\n]+", "Icon=org.example.Other", text=desktop))
        data_case("the schema at another path", "schema path",
                  sch=sub(r'path="[^"]+"', 'path="/org/example/Other/"', text=schema))

        # The validators the data suite runs directly fail on broken files too.
        if shutil.which("desktop-file-validate"):
            p = os.path.join(tmp, a.app_id + ".desktop")
            with open(p, "w", encoding="utf-8") as f:
                f.write(desktop.replace("Categories=", "Categories=Officee;", 1))
            expect("desktop-file-validate: an unknown category",
                   ["desktop-file-validate", p], False, "Officee")
        d = os.path.join(tmp, "schemas")
        os.makedirs(d)
        with open(os.path.join(d, a.app_id + ".gschema.xml"), "w", encoding="utf-8") as f:
            f.write(re.sub(r"<default>\d+</default>", "<default>wide</default>", schema, count=1))
        expect("glib-compile-schemas --strict: a default of the wrong type",
               ["glib-compile-schemas", "--strict", "--dry-run", d], False)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    for f in failures:
        print("FAIL - " + f, file=sys.stderr)
    print(f"{ran - len(failures)} of {ran} cases as expected")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
