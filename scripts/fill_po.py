"""Fill msgstr values of a .po file from a JSON dict {msgid: msgstr} (developer helper).

Usage: python scripts/fill_po.py bvct/<app>/locale/vi/LC_MESSAGES/django.po translations.json
Reports msgids still untranslated. Never overwrites an existing translation unless --force.
"""

from __future__ import annotations

import json
import sys
import unicodedata

import polib


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    force = "--force" in sys.argv
    po = polib.pofile(args[0])
    with open(args[1], encoding="utf-8") as handle:
        table: dict[str, str] = json.load(handle)
    for entry in po:
        if entry.msgid in table and (force or not entry.msgstr or "fuzzy" in entry.flags):
            entry.msgstr = unicodedata.normalize("NFC", table[entry.msgid])
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    po.save()
    missing = [e.msgid for e in po if not e.msgstr and not e.msgid_plural and not e.obsolete]
    for msgid in missing:
        print("untranslated:", msgid)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
