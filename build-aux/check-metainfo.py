#!/usr/bin/env python3
"""Checks the AppStream metainfo of one profile, and that the desktop file,
the settings schema and the icons agree with it.

First appstreamcli validates it as strictly as it goes without the network
(--strict: anything above pedantic fails). Then the rules a software centre
page, the launcher and the application itself rely on, which a valid file
can still break: the ids, a captioned screenshot that exists in
data/screenshots with the size it claims, a release for this version with
notes (the About window shows them), an OARS 1.1 rating that says something,
the launchable desktop file, branding colours, display and input needs, the
binaries provided.

Usage: check-metainfo.py --app-id ID --version V --desktop FILE --schema FILE
                         --icons DIR METAINFO
Exit status 0 when everything holds; otherwise each problem on stderr."""
import argparse
import configparser
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

# OARS 1.1 attributes and values (https://hughsie.github.io/oars/).
OARS_IDS = {
    "violence-cartoon", "violence-fantasy", "violence-realistic", "violence-bloodshed",
    "violence-sexual", "violence-desecration", "violence-slavery", "violence-worship",
    "drugs-alcohol", "drugs-narcotics", "drugs-tobacco", "sex-nudity", "sex-themes",
    "sex-homosexuality", "sex-prostitution", "sex-adultery", "sex-appearance",
    "language-profanity", "language-humor", "language-discrimination",
    "social-chat", "social-info", "social-audio", "social-location", "social-contacts",
    "money-purchasing", "money-gambling", "money-advertising",
}
OARS_VALUES = {"none", "mild", "moderate", "intense"}
BINARIES = ("hangar", "hangar-cli")
CONTROLS = ("keyboard", "pointing")
NARROWEST = 360  # the window works down to this width (README: Using the app)

errors = []


def fail(msg):
    errors.append(msg)


def text(el):
    return "".join(el.itertext()).strip() if el is not None else ""


def untranslated(parent, tag):
    """Children named @tag without xml:lang (the source-language ones)."""
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    return [c for c in parent.findall(tag) if lang not in c.attrib]


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


def version_key(v):
    return [int(p) if p.isdigit() else p for p in re.split(r"[.\-]", v)]


def appstream_version(tool):
    out = subprocess.run([tool, "--version"], capture_output=True, text=True).stdout
    m = re.search(r"(\d+)\.(\d+)", out)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def run_appstreamcli(path, app_id):
    tool = shutil.which("appstreamcli")
    if tool is None:
        print("check-metainfo: appstreamcli not found, its validation skipped", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory() as tmp:
        target = path
        if appstream_version(tool) < (1, 0):
            # <developer> is AppStream 1.0; older validators call it an unknown
            # tag. It is checked below, so leave it out of their copy only.
            tree = ET.parse(path)
            root = tree.getroot()
            for dev in root.findall("developer"):
                root.remove(dev)
            target = os.path.join(tmp, app_id + ".metainfo.xml")
            tree.write(target, encoding="utf-8", xml_declaration=True)
        r = subprocess.run([tool, "validate", "--no-net", "--strict", "--explain", target],
                           capture_output=True, text=True)
        if r.returncode != 0:
            fail("appstreamcli validate --no-net --strict failed:\n" + r.stdout + r.stderr)


def check_metainfo(root, args):
    app_id = args.app_id
    if root.tag != "component" or root.get("type") != "desktop-application":
        fail("the root must be <component type=\"desktop-application\">")
    if text(root.find("id")) != app_id:
        fail(f"<id> is {text(root.find('id'))!r}, expected {app_id!r}")
    if text(root.find("metadata_license")) not in ("CC0-1.0", "FSFAP", "MIT"):
        fail("<metadata_license> must be a permissive licence (CC0-1.0)")
    if text(root.find("project_license")) != "GPL-3.0-or-later":
        fail("<project_license> must be GPL-3.0-or-later, as COPYING and meson.build say")

    summary = text(root.find("summary"))
    if not summary or len(summary) > 35 or summary.endswith("."):
        fail("<summary> must be at most 35 characters and not end with a full stop")

    dev = root.find("developer")
    if dev is None or not re.fullmatch(r"[a-z0-9]+(\.[a-zA-Z0-9_-]+)+", dev.get("id", "")) \
            or not text(dev.find("name")):
        fail("<developer id=\"reverse.dns\"> with a <name> is missing")

    desc = root.find("description")
    if desc is None or not untranslated(desc, "p"):
        fail("<description> needs at least one paragraph")

    shots = root.findall("screenshots/screenshot")
    if not shots:
        fail("no <screenshots>")
    if sum(1 for s in shots if s.get("type") == "default") != 1:
        fail("exactly one screenshot must be type=\"default\"")
    for i, shot in enumerate(shots, 1):
        if not untranslated(shot, "caption") or not text(untranslated(shot, "caption")[0]):
            fail(f"screenshot {i} has no caption")
        images = [im for im in shot.findall("image") if im.get("type", "source") == "source"]
        if not images:
            fail(f"screenshot {i} has no source image")
            continue
        url = text(images[0])
        if not url.startswith("https://"):
            fail(f"screenshot {i}: {url!r} is not an https URL")
        m = re.search(r"/(data/screenshots/[^/]+\.png)$", url)
        if m is None:
            fail(f"screenshot {i}: {url!r} does not point into data/screenshots")
            continue
        local = os.path.join(args.source_root, m.group(1))
        size = png_size(local) if os.path.exists(local) else None
        if size is None:
            fail(f"screenshot {i}: {m.group(1)} does not exist or is not a PNG")
        elif (images[0].get("width"), images[0].get("height")) != (str(size[0]), str(size[1])):
            fail(f"screenshot {i}: says {images[0].get('width')}x{images[0].get('height')}, "
                 f"{m.group(1)} is {size[0]}x{size[1]}")

    launch = root.find("launchable")
    if launch is None or launch.get("type") != "desktop-id" or text(launch) != app_id + ".desktop":
        fail(f"<launchable type=\"desktop-id\"> must be {app_id}.desktop")

    binaries = {text(b) for b in root.findall("provides/binary")}
    for b in BINARIES:
        if b not in binaries:
            fail(f"<provides> lacks <binary>{b}</binary>")

    urls = {u.get("type"): text(u) for u in root.findall("url")}
    for kind in ("homepage", "bugtracker"):
        if not urls.get(kind, "").startswith("https://"):
            fail(f"<url type=\"{kind}\"> with an https address is missing")

    colors = {c.get("scheme_preference"): text(c) for c in root.findall("branding/color")
              if c.get("type") == "primary"}
    for scheme in ("light", "dark"):
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", colors.get(scheme, "")):
            fail(f"<branding> needs a primary colour for the {scheme} scheme")

    rating = root.find("content_rating")
    if rating is None or rating.get("type") != "oars-1.1":
        fail("<content_rating type=\"oars-1.1\"> is missing")
    else:
        attrs = rating.findall("content_attribute")
        if not attrs:
            fail("the OARS rating has no content_attribute: say what applies")
        for a in attrs:
            if a.get("id") not in OARS_IDS:
                fail(f"OARS attribute {a.get('id')!r} is not in OARS 1.1")
            if text(a) not in OARS_VALUES:
                fail(f"OARS attribute {a.get('id')!r} has value {text(a)!r}")

    lengths = [d for d in root.findall("requires/display_length")]
    if not any(d.get("compare") == "ge" and text(d) == str(NARROWEST) for d in lengths):
        fail(f"<requires> must say <display_length compare=\"ge\">{NARROWEST}</display_length>")
    controls = {text(c) for rel in ("requires", "recommends", "supports")
                for c in root.findall(rel + "/control")}
    for c in CONTROLS:
        if c not in controls:
            fail(f"<control>{c}</control> is missing")

    releases = root.findall("releases/release")
    if not releases:
        fail("no <releases>")
    else:
        newest = releases[0]
        if newest.get("version") != args.version:
            fail(f"the newest release is {newest.get('version')!r}, "
                 f"but meson.build says {args.version!r}")
        versions = [r.get("version", "") for r in releases]
        if versions != sorted(versions, key=version_key, reverse=True):
            fail("releases must be listed newest first")
        for r in releases:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", r.get("date", "")):
                fail(f"release {r.get('version')} has no date (YYYY-MM-DD)")
        d = newest.find("description")
        if d is None or not untranslated(d, "p"):
            fail(f"release {newest.get('version')} has no description")


def check_desktop(path, root, args):
    cp = configparser.RawConfigParser(interpolation=None, strict=True)
    cp.optionxform = str
    cp.read(path, encoding="utf-8")
    if not cp.has_section("Desktop Entry"):
        fail(f"{path}: no [Desktop Entry]")
        return
    e = cp["Desktop Entry"]
    if e.get("Icon") != args.app_id:
        fail(f"{path}: Icon is {e.get('Icon')!r}, expected {args.app_id!r}")
    if not e.get("Exec", "").split(" ")[0] == "hangar":
        fail(f"{path}: Exec must run hangar")
    if e.get("Name") != text(root.find("name")):
        fail(f"{path}: Name {e.get('Name')!r} differs from the metainfo's <name>")
    cats = [c for c in e.get("Categories", "").split(";") if c]
    if "Office" not in cats:
        fail(f"{path}: Categories must include Office")
    if not [k for k in e.get("Keywords", "").split(";") if k]:
        fail(f"{path}: no Keywords")


def check_schema(path, args):
    root = ET.parse(path).getroot()
    schemas = root.findall("schema")
    want_path = "/" + args.app_id.replace(".", "/") + "/"
    if not any(s.get("id") == args.app_id for s in schemas):
        fail(f"{path}: no schema with id {args.app_id!r} (the app opens GSettings by its id)")
    for s in schemas:
        if s.get("id") == args.app_id and s.get("path") != want_path:
            fail(f"{path}: schema path is {s.get('path')!r}, expected {want_path!r}")


def check_icons(args):
    for name in (args.app_id + ".svg", args.base_id + "-symbolic.svg"):
        p = os.path.join(args.icons, name)
        try:
            root = ET.parse(p).getroot()
        except (OSError, ET.ParseError) as e:
            fail(f"icon {name}: {e}")
            continue
        if not root.tag.endswith("svg"):
            fail(f"icon {name} is not an SVG")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--app-id", required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("--desktop", required=True)
    ap.add_argument("--schema", required=True)
    ap.add_argument("--icons", required=True)
    ap.add_argument("--source-root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    ap.add_argument("metainfo")
    args = ap.parse_args()
    args.base_id = re.sub(r"\.Devel$", "", args.app_id)

    try:
        root = ET.parse(args.metainfo).getroot()
    except (OSError, ET.ParseError) as e:
        print(f"{args.metainfo}: {e}", file=sys.stderr)
        return 1
    run_appstreamcli(args.metainfo, args.app_id)
    check_metainfo(root, args)
    check_desktop(args.desktop, root, args)
    check_schema(args.schema, args)
    check_icons(args)

    for e in errors:
        print(f"{args.metainfo}: {e}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
