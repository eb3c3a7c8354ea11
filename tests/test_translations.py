"""The French catalogues of all domains are merged into one at run time, later ones winning.

So one English text must have one French text everywhere: otherwise a domain's wording silently
replaces another's on pages that domain does not own. Texts that mean different things need
different English texts.
"""
from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

from fair import TRANSLATION_DIRS

FAIR = Path(__file__).resolve().parents[1] / "fair"


def _catalogues():
    for directory in TRANSLATION_DIRS:
        for po in sorted((FAIR / directory).glob("*/LC_MESSAGES/messages.po")):
            with po.open("rb") as handle:
                yield po.relative_to(FAIR.parent), read_po(handle)


def test_every_catalogue_directory_is_loaded():
    on_disk = {po.parent.parent.parent.relative_to(FAIR).as_posix() for po in FAIR.glob("**/LC_MESSAGES/messages.po")}
    assert on_disk == set(TRANSLATION_DIRS)


def test_one_english_text_has_one_french_text_in_every_domain():
    seen: dict[object, tuple[Path, object]] = {}
    conflicts = []
    for path, catalogue in _catalogues():
        for message in catalogue:
            if not message.id or not message.string:
                continue
            key = (message.context, message.id)
            if key in seen and seen[key][1] != message.string:
                conflicts.append(
                    f"{message.id!r}: {seen[key][0]} says {seen[key][1]!r}, {path} says {message.string!r}")
            seen.setdefault(key, (path, message.string))
    assert not conflicts, "\n".join(conflicts)


def test_no_french_text_is_left_empty():
    empty = [f"{path}: {message.id!r}" for path, catalogue in _catalogues()
             for message in catalogue if message.id and not message.string]
    assert not empty, "\n".join(empty)
