"""Chapters name each other by links, not by italic or bold titles: a reader can follow every
cross-reference, and a renamed chapter cannot leave a stale title behind (Sphinx's -n build
checks that every {doc} target exists)."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT, chapter_sources, toc_files


def _titles() -> dict[str, str]:
    out = {}
    for page in toc_files():
        text = (ROOT / f"{page}.md").read_text()
        heading = re.search(r"^# (.+)$", text, re.M)
        if heading:
            out[page.removeprefix("book/")] = heading.group(1).strip()
    return out


TITLES = _titles()


def test_titles_were_found():
    assert {"perceptron", "training-xor", "error-landscapes"} <= set(TITLES)


@pytest.mark.parametrize("page", sorted((ROOT / f"{p}.md") for p in toc_files()),
                         ids=lambda p: p.stem)
def test_chapters_are_named_by_links(page):
    text = page.read_text()
    found = []
    for slug, title in TITLES.items():
        if slug == page.stem or slug == "intro":
            continue  # a page may name itself; "Backprop, Derived" is the book
        words = r"\s+".join(map(re.escape, title.split()))
        for emphasis in (r"\*\*", r"\*", "_"):
            for m in re.finditer(rf"(?<![*\w]){emphasis}{words}{emphasis}(?![*\w])", text):
                line = text.count("\n", 0, m.start()) + 1
                found.append(f"line {line}: {m.group(0)!r} -> {{doc}}`{title} <{slug}>`")
    assert not found, f"{page.name} names chapters without linking them:\n" + "\n".join(found)


def test_every_chapter_source_is_checked():
    assert set(chapter_sources()) <= {ROOT / f"{p}.md" for p in toc_files()}
