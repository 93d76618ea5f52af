"""Bahasa Indonesia is the default language: every string in the catalogue is translated and compiled.

CI runs ``makemessages`` before the suite, so a new string without a translation fails here.
"""

from pathlib import Path

import polib
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale" / "id" / "LC_MESSAGES"


def test_every_indonesian_entry_is_translated() -> None:
    for name in ("django.po", "djangojs.po"):
        catalogue = polib.pofile(str(LOCALE / name))
        missing = [entry.msgid for entry in catalogue if entry.obsolete is False and not entry.translated()]
        assert missing == [], f"{name}: untranslated or fuzzy: {missing[:20]}"


def test_compiled_catalogue_matches_the_source() -> None:
    for name in ("django", "djangojs"):
        source = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0, "")
                  for e in polib.pofile(str(LOCALE / f"{name}.po")) if e.translated()}
        compiled = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0, "")
                    for e in polib.mofile(str(LOCALE / f"{name}.mo"))}
        assert compiled == source, f"{name}.mo is stale: run `manage.py compilemessages`"
