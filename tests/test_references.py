"""book/references.bib: every seed text the book grew from is cited by its real title, and
with an author or a year only where the text itself names one. The seeds' titles are
recorded here; where the seed texts are at hand (``../shared/seeds``, or
``$BACKPROP_SEEDS``), the record is checked against them too."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from pybtex.database import parse_file

from conftest import ROOT

# seed number: (its title as the text gives it, the year it names or None)
SEEDS = {
    "000": ("Backpropagation Derivation - Multi-layer Neural Networks", None),
    "001": ("Derivation of Backpropagation", None),
    "002": (None, None),  # the text has no title: the entry names it by its first sentence
    "003": ("1b: Multi Layer Networks and Backpropagation", "2024"),
    "004": ("Neural Networks: The mechanics of backpropagation", None),
}


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("{", "").replace("}", "")).strip()


def _seed_entries() -> dict[str, object]:
    out = {}
    for entry in parse_file(str(ROOT / "book" / "references.bib")).entries.values():
        found = re.search(r"Seed text (\d{3})", _plain(entry.fields.get("note", "")))
        if found:
            assert found.group(1) not in out, f"two entries claim seed text {found.group(1)}"
            out[found.group(1)] = entry
    return out


def _seed_dir() -> Path | None:
    for candidate in (os.environ.get("BACKPROP_SEEDS"), ROOT.parent / "shared" / "seeds",
                      ROOT.parents[1] / "shared" / "seeds"):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


def test_every_seed_has_one_entry_with_its_title_and_no_invented_author():
    entries = _seed_entries()
    assert sorted(entries) == sorted(SEEDS)
    for number, (title, year) in SEEDS.items():
        entry = entries[number]
        if title is not None:
            assert _plain(entry.fields["title"]) == title, f"seed {number}"
        assert not entry.persons, (f"seed {number} names no author, but the entry gives "
                                   f"{entry.persons}")
        assert entry.fields.get("year") == year, f"seed {number}: year"


def test_seed_titles_and_years_are_those_of_the_texts():
    seeds = _seed_dir()
    if seeds is None:
        pytest.skip("the seed texts are not here (set BACKPROP_SEEDS to their folder)")
    texts = {f.name[:3]: f.read_text() for f in sorted(seeds.glob("*.txt"))}
    assert sorted(texts) == sorted(SEEDS)
    entries = _seed_entries()
    for number, (title, year) in SEEDS.items():
        text = re.sub(r"[ \t\xa0]+", " ", texts[number])  # no-break spaces as spaces
        if title is None:
            assert not re.search(r"^#|^title:", text, re.M), f"seed {number} has a title now"
            first = _plain(text.strip().split("\n")[0]).replace("*", "")
            assert _plain(entries[number].fields["title"]).removeprefix("[Untitled] ") \
                in first
        else:
            assert title in text, f"seed {number}: {title!r} is not in the text"
        if year is not None:
            assert year in text
