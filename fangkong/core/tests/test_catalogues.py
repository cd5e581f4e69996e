"""English second, but whole: every marked string of every area has its English, and none
is a guess. gettext skips fuzzy entries, so they would show Chinese in the English pages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

CATALOGUES = sorted(Path(__file__).resolve().parents[2].glob("*/locale/en/LC_MESSAGES/django.po"))
QUOTED = re.compile(r'^"(.*)"$')


@dataclass(frozen=True)
class Entry:
    msgid: str
    translations: list[str]  # msgstr, or msgstr[0], msgstr[1]... for plurals
    flags: str


def _entries(path: Path) -> list[Entry]:
    """Each live entry of a catalogue (obsolete ones, #~, left out)."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#~")]
        flags = " ".join(line for line in lines if line.startswith("#,"))
        fields: dict[str, str] = {}
        current = None
        for line in lines:
            if line.startswith("#"):
                continue
            if match := re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$', line):
                current = match.group(1)
                fields[current] = match.group(2)
            elif (match := QUOTED.match(line)) and current:
                fields[current] += match.group(1)
        if "msgid" in fields:
            translations = [v for k, v in fields.items() if k.startswith("msgstr")]
            entries.append(Entry(fields["msgid"], translations, flags))
    return entries


def test_every_area_has_an_english_catalogue():
    areas = {path.parts[-5] for path in CATALOGUES}
    assert {"core", "people", "quarantine", "hospitals", "cases", "venues", "command"} <= areas


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: path.parts[-5])
def test_every_string_has_its_english_and_none_is_fuzzy(catalogue: Path):
    entries = [e for e in _entries(catalogue) if e.msgid]  # the header has no msgid
    untranslated = [e.msgid for e in entries if not all(e.translations)]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert untranslated == [], f"{catalogue}: no English for {untranslated}"
    assert fuzzy == [], f"{catalogue}: fuzzy (ignored by gettext) {fuzzy}"
