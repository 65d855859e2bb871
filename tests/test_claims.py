"""``backprop.claims``: numbers in the prose are computed, claimed or structural.

The last test scans every page of the table of contents, so a sentence that states a number
the code does not back fails ``make check`` (no build needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from backprop.claims import ClaimError, claim, numbers_in, scan_chapter
from conftest import ROOT, toc_files


# ---------------------------------------------------------------------------- claim()
@pytest.mark.parametrize("phrase, values", [
    ("Forty points", (40,)),
    ("after 1500 epochs", (1500,)),
    ("an error of 0.291027924", (0.2910279239,)),
    ("about $0.7\\,\\eta_c$", (0.68,)),
    ("at most $10^{-15}$", (3e-16,)),
    ("at least 90%", (97.5,)),
    ("median epochs (242 to 62)", (242, 62)),
    ("ten 2-4-1 sigmoid networks", (10,)),
    ("winds one and a half turns... twice", (2,)),
    ("hundreds of networks", (500,)),
    ("$\\eta = 2$", (2.0,)),
    ("eigenvalue $3/8$", (0.375,)),
    ("a difference of about $1.5 \\times 10^{-7}$", (1.5e-7,)),
    ("the 10,000th forward pass", (10_000,)),
])
def test_claim_accepts_what_the_sentence_says(phrase, values):
    claim(phrase, *values)


@pytest.mark.parametrize("phrase, values, why", [
    ("Forty points", (41,), "not 'Forty' \\(40\\)"),
    ("an error of 0.291027924", (0.2910277737,), "0.291027924"),
    ("about $0.7\\,\\eta_c$", (0.55,), "not about '0.7'"),
    ("at most $10^{-15}$", (2e-15,), "at most"),
    ("at least 90%", (0.975,), "percent"),
    ("spirals wind twice", (1.5,), "twice"),
    ("hundreds of networks", (50,), "hundreds"),
    ("$\\eta = 2$", (0.5,), "2"),
    ("median epochs (242 to 62)", (242,), "one value per number"),
    ("no number here", (1,), "one value per number"),
    ("Forty points", ("forty",), "must be a number"),
])
def test_claim_rejects_what_the_sentence_does_not_say(phrase, values, why):
    with pytest.raises(ClaimError, match=why):
        claim(phrase, *values)


def test_claim_needs_a_phrase():
    with pytest.raises(ClaimError, match="needs the phrase"):
        claim("", 1)


# ---------------------------------------------------------------------------- the tokenizer
def written(text: str) -> list[str]:
    return [n.text for n in numbers_in(text)]


def test_math_counts_values_not_formula_constants():
    assert written(r"$a(1 - a)$ and $\tfrac12 \sum_k (t_k - a_k)^2$") == []
    assert written(r"$\eta = 2$, $b = -1$, $w_{j2} \neq 0$") == ["2", "-1", "0"]
    assert written(r"$f' \le 1/4$ and $E \approx 0.25$") == ["1/4", "0.25"]
    assert written(r"$1/(1 + e^{-3775/10000})$") == []           # an exponent is a formula
    assert written(r"$l = 0, \dots, L$ with $w^{(2)}_{11}$") == ["0"]  # scanned: structural
    assert written(r"$1.5 \times 10^{-7}$ and $10^{-16}$") == [r"1.5 \times 10^{-7}",
                                                                 "10^{-16}"]


def test_roles_code_and_binary_values_are_not_numbers():
    text = ("All {glue:text}`n-proved` agree ({eq}`eq-x-2`, {cite:p}`rosenblatt1958`); "
            "`Network((2, 3, 1))` answers 1 or 0, but at most 1 in size")
    assert written(text) == ["1"]


def test_words_count_except_the_structural_ones():
    assert written("one layer, two inputs, half the sum, three factors, twenty-five, "
                   "twice, a thousandfold, hundreds") == [
        "three", "twenty-five", "twice", "thousandfold", "hundreds"]


# ---------------------------------------------------------------------------- the scan
CHAPTER = """---
jupytext:
  text_representation:
    format_name: myst
---

# A chapter

In 1958 Rosenblatt {cite:p}`rosenblatt1958perceptron` built one. The 2-2-1 network has
hidden unit 2 and seed 11; (0, 1) is a pattern. Forty points, {glue:text}`n` networks.

```{code-cell} ipython3
:tags: [remove-cell]

X = list(range(40))
claim("Forty points", len(X))
claim("a phrase that is not in the prose", 3)
claim("built one", 1)
claim("Forty points", len(X), 2)
```

## Another section

```{code-cell} ipython3
---
tags: [remove-input]
mystnb:
  figure:
    caption: |
      Thirty steps of descent.
    name: fig-x
---
steps = 30
```

```{code-cell} ipython3
---
mystnb:
  figure:
    caption: 'Twenty more steps: the post''s figure in
      1500 epochs.'
    name: fig-y
---
more = 20
claim("Twenty more steps: the post's", more)
```

Forty points again, and $\\eta = 0.6$; `range(7)` is code.

````{exercise}
:label: ex-x-1

Train for 300 epochs.
````
"""


def test_scan_finds_every_unchecked_number_and_stale_claim(tmp_path: Path):
    page = tmp_path / "chapter.md"
    page.write_text(CHAPTER)
    report = scan_chapter(page)
    assert [num for _, num, _ in report.unchecked] == ["Thirty", "1500", "Forty", "0.6",
                                                       "300"]
    assert [p for _, p in report.stale] == ["a phrase that is not in the prose", "built one",
                                                 "Forty points"]
    assert report.claimed == 2 and report.computed == 1
    assert "Thirty" in str(report) and "stale" in str(report)


# ---------------------------------------------------------------------------- the book
PAGES = [ROOT / f"{f}.md" for f in toc_files() if (ROOT / f"{f}.md").exists()]
@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_every_number_in_the_prose_is_checked(page: Path):
    """A number in a page's text is glued, claimed in its section, or structural
    (``CONTRIBUTING.md``, *Numbers in the prose*); ``python -m backprop.claims`` lists them."""
    report = scan_chapter(page)
    assert not report.unchecked and not report.stale, str(report)


def test_the_scan_covers_the_book():
    assert len(PAGES) >= 10 and all(p.exists() for p in PAGES)
