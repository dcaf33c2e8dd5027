"""Vietnamese first: every UI string of every app is translated, in NFC, and compiled.

`make messages` refreshes the catalogues; this test fails when code or templates gained a string
that the Vietnamese catalogue lacks, when a translation is empty or fuzzy, when a .mo file is
stale, or when a translation is not NFC.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = sorted(
    p.parent.name for p in (ROOT / "bvct").glob("*/apps.py") if (p.parent / "locale").is_dir()
)


def catalogue(app: str) -> Path:
    return ROOT / "bvct" / app / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def source_msgids(app: str, tmp_path: Path) -> set[str]:
    """Run makemessages on a copy of the app and return the msgids it extracts."""
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext (xgettext) is needed: apt-get install gettext")
    copy = tmp_path / app
    shutil.copytree(ROOT / "bvct" / app, copy, ignore=shutil.ignore_patterns("locale", "tests"))
    (copy / "locale").mkdir()
    subprocess.run(  # noqa: S603 (our own CLI, fixed arguments)
        # the console script, not `python -m`: the app folder is the working directory and its
        # selectors.py / types.py must not shadow the standard library
        [str(Path(sys.executable).parent / "bvct"), "makemessages", "-l", "vi", "--no-location"],
        cwd=copy,
        check=True,
        capture_output=True,
        timeout=120,
    )
    po = polib.pofile(str(copy / "locale" / "vi" / "LC_MESSAGES" / "django.po"))
    return {entry.msgid for entry in po if entry.msgid}


def test_every_app_with_ui_text_has_a_catalogue() -> None:
    assert "core" in APPS
    for app in APPS:
        assert catalogue(app).is_file(), f"bvct/{app} has a locale/ dir but no vi catalogue"


@pytest.mark.parametrize("app", APPS)
def test_catalogue_is_complete_nfc_and_compiled(app: str, tmp_path: Path) -> None:
    po = polib.pofile(str(catalogue(app)))
    # every string in the code and templates is in the catalogue
    missing = sorted(source_msgids(app, tmp_path) - {e.msgid for e in po if not e.obsolete})
    assert missing == [], f"run `make messages` and translate: {missing}"
    # every entry is translated, not fuzzy, and NFC
    for entry in po:
        if entry.obsolete:
            continue
        assert "fuzzy" not in entry.flags, entry.msgid
        values = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for value in values:
            assert value, f"untranslated in bvct/{app}: {entry.msgid!r}"
            assert value == unicodedata.normalize("NFC", value), entry.msgid
    # the compiled .mo says the same as the .po
    mo = polib.mofile(str(catalogue(app).with_suffix(".mo")))
    compiled = {e.msgid: e.msgstr for e in mo if not e.msgid_plural}
    written = {e.msgid: e.msgstr for e in po if not e.msgid_plural and not e.obsolete}
    assert compiled == written, f"stale .mo: run `make messages` for bvct/{app}"
