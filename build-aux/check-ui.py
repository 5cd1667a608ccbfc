#!/usr/bin/env python3
# check-ui.py — checks GtkBuilder files for mistakes GtkBuilder itself lets
# pass without a word:
#   - a <child> element holding more than one <object>: GtkBuilder adds only
#     one of them, the others are built and never shown (a widget the code
#     binds as a template child then lives outside every window);
#   - an object id used twice in one file.
#
#   check-ui.py FILE.ui…
#   check-ui.py --gresource RESOURCES.gresource.xml   (every .ui it lists)
#
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import sys
import xml.etree.ElementTree as ET


def check(path):
    problems = []
    try:
        tree = ET.parse(path)
    except ET.ParseError as error:
        return [f"{path}: not well-formed XML: {error}"]
    ids = {}
    for child in tree.iter("child"):
        objects = [node for node in child if node.tag in ("object", "template")]
        if len(objects) > 1:
            names = ", ".join(node.get("id") or node.get("class") or "?" for node in objects)
            problems.append(f"{path}: one <child> holds {len(objects)} objects ({names}); "
                            "GtkBuilder adds only one — give each its own <child>")
    for node in tree.iter("object"):
        ident = node.get("id")
        if ident is None:
            continue
        if ident in ids:
            problems.append(f"{path}: the id “{ident}” is used twice")
        ids[ident] = True
    return problems


def listed(gresource):
    root = os.path.dirname(gresource)
    files = [node.text.strip() for node in ET.parse(gresource).iter("file")]
    return [os.path.join(root, name) for name in files if name.endswith(".ui")]


def main(args):
    paths = []
    while args:
        if args[0] == "--gresource" and len(args) > 1:
            paths += listed(args[1])
            args = args[2:]
        else:
            paths.append(args.pop(0))
    if not paths:
        sys.exit("usage: check-ui.py FILE.ui… | --gresource RESOURCES.gresource.xml")
    problems = [problem for path in paths for problem in check(path)]
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"check-ui: {len(paths)} files, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
