#!/usr/bin/env python3
"""Keeps the translations whole.

1. po/POTFILES.in lists every file xgettext finds a translatable string in
   (the C and .ui files under src/, with the keywords meson's glib preset
   gives it, and the desktop file, metainfo and schema under data/), and
   every file it lists exists, and xgettext reads every C format whole.
2. In the .ui files, every property a user reads (label, title, tooltip…)
   with words in it is marked translatable="yes" — or says
   translatable="no" on purpose.
3. Each language in po/LINGUAS has its .po file, msgfmt --check accepts it
   (the placeholders of a C format string agree, the plural forms header is
   there), and measured against the strings the sources have now it is
   complete: nothing untranslated, nothing fuzzy.

Usage: check-translations.py SOURCE_ROOT
"""

import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

# As meson's i18n.gettext(preset: 'glib') passes them to xgettext.
KEYWORDS = ["_", "N_", "C_:1c,2", "NC_:1c,2", "g_dcgettext:2", "g_dngettext:2,3",
            "g_dpgettext2:2c,3"]
FLAGS = ["--flag=N_:1:pass-c-format", "--flag=C_:2:pass-c-format",
         "--flag=NC_:2:pass-c-format", "--flag=g_dngettext:2:pass-c-format",
         "--flag=g_strdup_printf:1:c-format", "--flag=g_string_printf:2:c-format",
         "--flag=g_string_append_printf:2:c-format", "--flag=g_error_new:3:c-format",
         "--flag=g_set_error:4:c-format"]

# Properties a user reads; a value with a letter in it must be marked.
READ_PROPERTIES = {"label", "title", "subtitle", "tooltip-text", "tooltip-markup",
                   "placeholder-text", "description", "text", "heading", "body",
                   "secondary-text", "button-label", "primary-button-text"}
PROPERTY_RE = re.compile(r'<property\s+name="([a-z-]+)"([^>]*)>([^<]*)</property>')

failures = []


def fail(message):
    failures.append(message)


def xgettext(paths, output, cwd):
    cmd = ["xgettext", "--from-code=UTF-8", "--add-comments", "--no-location",
           "--output=" + output, "--package-name=hangar"]
    cmd += ["--keyword=" + k for k in KEYWORDS] + FLAGS
    r = subprocess.run(cmd + list(paths), cwd=cwd, capture_output=True, text=True)
    if r.returncode != 0:
        fail("xgettext failed on %s:\n%s" % (" ".join(paths), r.stderr))
        return False
    # A format pasted together from a macro (G_GUINT64_FORMAT) reaches
    # translators cut off; PRIu64 is the one gettext understands.
    for line in r.stderr.splitlines():
        if "not a valid C format string" in line:
            fail(line + " (use PRIu64 or format the number first)")
    return True


def has_messages(pot):
    if not os.path.exists(pot):
        return False
    with open(pot, encoding="utf-8") as f:
        return sum(1 for line in f if line.startswith("msgid ")) > 1


def check_potfiles(root, tmp):
    with open(os.path.join(root, "po", "POTFILES.in"), encoding="utf-8") as f:
        listed = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    for path in listed:
        if not os.path.isfile(os.path.join(root, path)):
            fail("po/POTFILES.in: %s does not exist" % path)
    candidates = sorted(
        os.path.relpath(p, root)
        for pattern in ("src/**/*.c", "src/**/*.ui", "data/*.in")
        for p in glob.glob(os.path.join(root, pattern), recursive=True))
    for path in candidates:
        if path in listed:
            continue
        pot = os.path.join(tmp, "one.pot")
        if os.path.exists(pot):
            os.unlink(pot)
        if xgettext([path], pot, root) and has_messages(pot):
            fail("po/POTFILES.in: missing %s, which has translatable strings" % path)


def check_ui(root):
    for path in sorted(glob.glob(os.path.join(root, "src", "**", "*.ui"), recursive=True)):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for m in PROPERTY_RE.finditer(text):
            name, attrs, value = m.groups()
            if name not in READ_PROPERTIES or not re.search(r"[A-Za-z]{2}", value):
                continue
            if 'translatable="yes"' in attrs or 'translatable="no"' in attrs:
                continue
            line = text.count("\n", 0, m.start()) + 1
            fail('%s:%d: "%s" is shown but not marked translatable="yes"'
                 % (os.path.relpath(path, root), line, value))


def po_counts(po):
    """Translated, fuzzy and untranslated messages of a .po file, as
    msgfmt --statistics counts them."""
    r = subprocess.run(["msgfmt", "--statistics", "--output-file=/dev/null", po],
                       capture_output=True, text=True, env=dict(os.environ, LC_ALL="C", LANGUAGE=""))
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    for number, kind in re.findall(r"(\d+) (translated|fuzzy|untranslated)", r.stderr):
        counts[kind] = int(number)
    return counts


def check_translations(root, tmp):
    with open(os.path.join(root, "po", "LINGUAS"), encoding="utf-8") as f:
        languages = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    if not languages:
        fail("po/LINGUAS lists no language")
        return
    with open(os.path.join(root, "po", "POTFILES.in"), encoding="utf-8") as f:
        listed = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    pot = os.path.join(tmp, "now.pot")
    if not xgettext(listed, pot, root):
        return
    for lang in languages:
        po = os.path.join(root, "po", lang + ".po")
        if not os.path.isfile(po):
            fail("po/%s.po is missing (po/LINGUAS lists %s)" % (lang, lang))
            continue
        r = subprocess.run(["msgfmt", "--check", "--output-file=/dev/null", po],
                           capture_output=True, text=True)
        if r.returncode != 0:
            fail("msgfmt --check po/%s.po:\n%s" % (lang, r.stderr))
        merged = os.path.join(tmp, lang + ".po")
        r = subprocess.run(["msgmerge", "--quiet", "--no-fuzzy-matching", "--output-file=" + merged,
                            po, pot], capture_output=True, text=True)
        if r.returncode != 0:
            fail("msgmerge po/%s.po:\n%s" % (lang, r.stderr))
            continue
        counts = po_counts(merged)
        if counts["untranslated"] or counts["fuzzy"]:
            fail("po/%s.po is not up to date with the sources: %d untranslated, %d fuzzy "
                 "(run ninja hangar-update-po and translate)"
                 % (lang, counts["untranslated"], counts["fuzzy"]))
        if counts["translated"] == 0:
            fail("po/%s.po translates nothing" % lang)


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = os.path.abspath(sys.argv[1])
    for tool in ("xgettext", "msgfmt", "msgmerge"):
        if shutil.which(tool) is None:
            print("check-translations: %s not found (package gettext)" % tool, file=sys.stderr)
            return 1
    with tempfile.TemporaryDirectory() as tmp:
        check_potfiles(root, tmp)
        check_ui(root)
        check_translations(root, tmp)
    for message in failures:
        print(message, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
