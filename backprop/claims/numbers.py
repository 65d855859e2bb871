"""The numbers of a piece of MyST prose, and :func:`claim`, which checks one against the code.

Part of :mod:`backprop.claims` (the rule is in its docstring and in ``CONTRIBUTING.md``,
*Numbers in the prose*); used by every chapter from ``book/intro`` on.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["COMPUTED_ROLES", "STRUCTURAL", "ClaimError", "Number", "claim", "numbers_in"]


class ClaimError(AssertionError):
    """A sentence of the book says something the code does not compute."""


# ============================================================================ the tokenizer
_SMALL = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
          "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
WORDS: dict[str, float] = {w: float(i) for i, w in enumerate(_SMALL)}
WORDS.update({w: float(10 * (i + 2)) for i, w in enumerate(_TENS)})
WORDS.update({"hundred": 100.0, "thousand": 1000.0, "million": 1e6, "dozen": 12.0,
              "twice": 2.0, "thrice": 3.0, "half": 0.5, "quarter": 0.25})
#: Words that name an order of magnitude rather than a value: "hundreds of networks".
PLURALS = {"hundreds": (100.0, 1000.0), "thousands": (1000.0, 1e6), "dozens": (24.0, 144.0)}
#: Words too common as structure to count ("one layer", "two inputs", "half the sum").
UNCOUNTED_WORDS = {"zero", "one", "two", "half", "quarter"}

_NUMERAL = re.compile(
    r"(?<![\w.\\])(?P<sign>[-−])?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<dec>\d+))?"
    r"(?:[eE](?P<exp>[-+−]?\d+))?(?P<pct>\s?%)?(?:st|nd|rd|th)?(?![\w])")
_WORD = re.compile(r"(?i)\b(?:(?P<tens>" + "|".join(_TENS) + r")-(?P<unit>" +
                   "|".join(_SMALL[1:10]) + r")|(?P<word>" + "|".join(
                       sorted(list(WORDS) + list(PLURALS), key=len, reverse=True)) +
                   r")|(?P<fold>\w+)fold)\b")
_FRACTION = re.compile(r"\\[dt]?frac\s*(?:\{\s*(\d+)\s*\}|(\d))\s*(?:\{\s*(\d+)\s*\}|(\d))"
                       r"|(?<![\w.])(\d+)\s*/\s*(\d+)(?![\w.])")
_SCI = re.compile(r"(?:(?P<m>\d+(?:\.\d+)?)\s*(?:\\times|\\cdot|×)\s*)?10\^\{?\s*"
                  r"(?P<e>[-−]?\d+)\s*\}?")
_RELATION = re.compile(r"\\(?:approx|le|leq|ge|geq|lt|gt|ne|neq|sim|to)(?![a-zA-Z])|"
                       r"[=<>≈≤≥]")
_QUALIFIERS = {
    "<=": ("at most", "no more than", "up to", "below", "under", "less than", "fewer than",
           "smaller than", "within", "<", "\\le", "\\leq", "\\lt", "≤"),
    ">=": ("at least", "more than", "over", "above", "greater than", "larger than",
           "exceeds", ">", "\\ge", "\\geq", "\\gt", "≥"),
    "~": ("about", "around", "roughly", "approximately", "nearly", "almost", "some",
          "~", "\\approx", "≈", "\\sim", "of order", "near", "close to"),
}


@dataclass(frozen=True)
class Number:
    """One number as written: its text, value, place in the source and how precisely it
    was written (a value agrees if it rounds to the text: ``tolerance`` either side)."""

    text: str
    value: float
    start: int
    end: int
    tolerance: float = 0.0
    kind: str = "numeral"  # numeral, word, fraction, power, magnitude, percent
    relation: str = "="    # "=", "<=", ">=" or "~" (from a qualifier written before it)
    upper: float | None = None  # for magnitudes ("hundreds"): value < upper

    def agrees(self, value: float) -> bool:
        """Does ``value`` agree with the number as written (and its qualifier)?"""
        v = float(value)
        if self.kind == "magnitude":
            return self.value <= v < (self.upper or float("inf"))
        tol = self.tolerance * (1 + 1e-9)
        if self.relation == "~":  # "about": one unit of the last digit, or 5% if exact
            tol = 2 * tol if tol else 0.05 * abs(self.value)
        if self.kind == "power" and self.relation in ("=", "~"):
            return v != 0 and (v > 0) == (self.value > 0) and \
                abs(math.log10(abs(v)) - math.log10(abs(self.value))) <= 0.5
        if self.relation == "<=":
            return v <= self.value + tol
        if self.relation == ">=":
            return v >= self.value - tol
        return abs(v - self.value) <= tol + 1e-12 * max(1.0, abs(self.value))


def _qualifier(text: str, start: int) -> str:
    """The relation a qualifier just before ``start`` puts on the number ("at most 3")."""
    before = re.sub(r"[\s$={]+$", "", text[max(0, start - 24):start]).lower()
    before = re.sub(r"\s+(?:a|an|the)$", "", before)         # "about a hundredfold"
    for relation, words in _QUALIFIERS.items():
        for w in words:
            if before.endswith(w) and not before[:-len(w)][-1:].isalnum():
                return relation
    return "="


def _unary(text: str, i: int) -> bool:
    """Is the minus sign at ``text[i]`` a number's sign (not a subtraction)?"""
    before = text[:i].rstrip()
    return not before or before[-1] in "=(,[{<>:;≈≤≥" or \
        bool(re.search(r"\\(?:approx|le|leq|ge|geq|lt|gt|sim|quad|qquad|pm|in)$", before)) or \
        bool(re.search(r"(?:^|\s)(?:is|are|of|at|to|by|and|or|from|was|be|gives?)$", before))


def _numeral(m: re.Match[str], base: int, text: str) -> Number:
    whole = m.group("int").replace(",", "")
    dec = m.group("dec") or ""
    exp = int((m.group("exp") or "0").replace("−", "-"))
    sign = -1.0 if m.group("sign") and _unary(text, m.start()) else 1.0
    value = sign * float(f"{whole}.{dec or 0}") * 10.0 ** exp
    kind = "percent" if m.group("pct") else "numeral"
    tolerance = 0.5 * 10.0 ** (exp - len(dec)) if (dec or exp or kind == "percent") else 0.0
    if m.group("exp") and not dec and whole == "1":
        kind = "power"
    return Number(m.group(0), value, base + m.start(), base + m.end(), tolerance, kind,
                  _qualifier(text, m.start()))


def _words(text: str, base: int) -> list[Number]:
    out = []
    for m in _WORD.finditer(text):
        word = m.group(0).lower()
        if m.group("tens"):
            value = WORDS[m.group("tens").lower()] + WORDS[m.group("unit").lower()]
        elif m.group("fold"):  # tenfold, a thousandfold
            stem = m.group("fold").lower()
            if stem not in WORDS:
                continue
            value = WORDS[stem]
        elif word in PLURALS or (word in ("hundred", "thousand") and re.search(
                r"(?:a few|several|some)\s+$", text[:m.start()].lower())):
            low, high = PLURALS.get(word) or PLURALS[word + "s"]
            out.append(Number(m.group(0), low, base + m.start(), base + m.end(), 0.0,
                              "magnitude", "=", high))
            continue
        else:
            value = WORDS[word]
            if word in UNCOUNTED_WORDS:
                continue
        out.append(Number(m.group(0), value, base + m.start(), base + m.end(), 0.0, "word",
                          _qualifier(text, m.start())))
    return out


def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for a, b in spans:
        chars[a:b] = " " * (b - a)
    return "".join(chars)


def _braced(text: str, i: int) -> int:
    """End of the ``{...}`` group starting at ``text[i] == "{"`` (or of one character)."""
    if i >= len(text) or text[i] != "{":
        command = re.match(r"\\[a-zA-Z]+", text[i:])  # x^\prime: the command, else one char
        return i + (len(command.group(0)) if command else 1)
    depth = 0
    for j in range(i, len(text)):
        depth += {"{": 1, "}": -1}.get(text[j], 0)
        if depth == 0:
            return j + 1
    return len(text)


def _math_numbers(math: str, base: int, before: str = "") -> list[Number]:
    """The numbers of one math span that are values, not a formula's constants.

    Indices and exponents never count, powers of ten always do; the integers 0, 1, 2 and
    the fraction 1/2 count only when they stand alone on one side of a relation
    (``\\eta = 2`` is a value, ``1 - a`` is part of a formula)."""
    found: list[Number] = []
    hidden: list[tuple[int, int]] = []
    context = before[-24:].replace("$", " ") + math

    def qualifier(i: int) -> str:  # a qualifier may stand in the prose before the math
        return _qualifier(context, len(context) - len(math) + i)

    for m in _SCI.finditer(math):
        mant = m.group("m")
        exp = int(m.group("e").replace("−", "-"))
        dec = mant.split(".")[1] if mant and "." in mant else ""
        value = float(mant or 1) * 10.0 ** exp
        kind = "numeral" if mant else "power"
        found.append(Number(m.group(0), value, base + m.start(), base + m.end(),
                            0.5 * 10.0 ** (exp - len(dec)) if mant else 0.0, kind,
                            qualifier(m.start())))
        hidden.append(m.span())
    # indices and exponents: blank them so that their digits do not count
    rest = _blank(math, hidden)
    rest = _blank(rest, [(m.start(), _braced(rest, m.start() + 1))
                         for m in re.finditer(r"[_^]", rest)])
    for m in _FRACTION.finditer(rest):
        p, q = (int(g) for g in m.groups() if g is not None)
        minus = re.search(r"[-−]\s*$", rest[:m.start()])
        sign = -1 if minus and _unary(rest, minus.start()) else 1
        if q:
            found.append(Number(m.group(0), sign * p / q, base + m.start(), base + m.end(),
                                0.0, "fraction", qualifier(m.start())))
        hidden.append(m.span())
    rest = _blank(rest, hidden)
    rest = re.sub(r"\\[a-zA-Z]+", lambda m: " " * len(m.group(0)), rest)
    for m in _NUMERAL.finditer(rest):
        n = _numeral(m, base, math)
        found.append(Number(n.text, n.value, n.start, n.end, n.tolerance, n.kind,
                            qualifier(m.start())))
    return [n for n in found if not _formula_constant(n, math, base, before)]


_LONE_SYMBOL = re.compile(r"\s*[+\-−]?\s*(?:\\[a-zA-Z]+|\\mathrm\{[^}]*\}|[a-zA-Z])'?"
                          r"(?:\s*[_^](?:\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}|\\?\w))*\s*")
_LONE_VALUE = re.compile(r"\s*[+\-−]?\s*(?:\d+(?:\.\d+)?|\d+\s*/\s*\d+|\\[dt]?frac\s*\S+)\s*")


#: Words after which a math span holding only a number states a value ("answers $1/2$");
#: elsewhere ("the factor $\\tfrac12$", a table of local derivatives) it is a formula.
_VALUE_WORDS = ("is", "are", "was", "be", "exactly", "answers", "answer", "outputs", "output",
                "gives", "give", "equals", "equal", "constant", "bias", "at", "to", "near",
                "about", "only")


def _formula_constant(n: Number, math: str, base: int, before: str = "") -> bool:
    """0, 1, 2 and 1/2 are a formula's constants, unless they give a symbol its value
    (``\\eta = 2`` and ``t_k = 1`` state values, ``1 - a`` and ``\\tfrac12 \\sum`` do not)
    or the sentence gives the number as a value ("the output is $\\tfrac12$")."""
    if n.kind not in ("numeral", "fraction") or n.value not in (0.0, 1.0, 2.0, 0.5, -1.0):
        return False
    if n.kind == "numeral" and "." in n.text:
        return False
    if _LONE_VALUE.fullmatch(math):
        last = re.findall(r"[a-z]+", before[-16:].lower())
        return not (last and last[-1] in _VALUE_WORDS and before.rstrip().endswith(last[-1]))
    pieces = re.split(r"(,|\\[qt]?quad|\\text\{[^}]*\}|\\[;,!]|\\\\|&|"
                      + _RELATION.pattern + ")", math)
    offset, spans = 0, []
    for piece in pieces:
        spans.append((offset, offset + len(piece), piece))
        offset += len(piece)
    a = n.start - base
    for idx, (s, e, piece) in enumerate(spans):
        if s <= a < e and _LONE_VALUE.fullmatch(piece):
            for other in (idx - 2, idx + 2):
                if 0 <= other < len(spans) and _RELATION.fullmatch(spans[(idx + other) // 2][2]) \
                        and _LONE_SYMBOL.fullmatch(spans[other][2]):
                    return False
    return True


_ROLE = re.compile(r"\{(?P<name>[\w:-]+)\}`(?P<body>[^`]*)`")
_MATH = re.compile(r"\$\$(?P<display>.+?)\$\$|(?<![\\$])\$(?P<inline>(?:[^$\n]|\n(?!\s*\n))+?)\$",
                   re.S)  # inline math may run over a line break, not over a blank line
#: Roles whose text is computed by the kernel: a number written there is checked.
COMPUTED_ROLES = ("glue", "glue:text", "glue:md", "glue:math", "glue:any", "glue:figure",
                  "eval", "eval:text", "eval:md", "eval:math")


def numbers_in(text: str, base: int = 0) -> list[Number]:
    """Every counted number of a piece of MyST prose, with math read by the math rules.

    Roles (references, citations, computed values), inline code and labels are skipped."""
    hidden = [m.span() for m in _ROLE.finditer(text)]
    hidden += [m.span() for m in re.finditer(r"``.+?``|`[^`\n]+`", _blank(text, hidden))]
    hidden += [m.span() for m in re.finditer(r"\]\([^)\s]*\)|<https?://[^>]*>|"
                                            r"\(eq-[\w-]+\)|https?://\S+", text)]
    clean = _blank(text, hidden)
    found: list[Number] = []
    math_spans = []
    for m in _MATH.finditer(clean):
        group = "display" if m.group("display") is not None else "inline"
        found += _math_numbers(m.group(group), base + m.start(group), clean[:m.start()])
        math_spans.append(m.span())
    prose = _blank(clean, math_spans)
    found += [n for n in (_numeral(m, base, prose) for m in _NUMERAL.finditer(prose))
              if not (n.text in ("0", "1") and n.relation in ("=", "~"))]  # binary values
    found += _words(prose, base)
    return sorted(found, key=lambda n: n.start)


# ============================================================================ the claim
def _as_written(phrase: str) -> str:
    """A phrase copied from display math has no ``$``: read it as math, as the scan does."""
    return f"${phrase}$" if "$" not in phrase and re.search(r"\\[a-zA-Z]", phrase) else phrase


def claim(phrase: str, *values: object) -> None:
    """Assert that the numbers written in ``phrase`` (a piece of a sentence of the book,
    copied exactly) agree with ``values``, one value per number, in order.

    A number agrees when the value rounds to it as written ("0.7" accepts 0.65 to 0.75,
    "200" only 200); a qualifier before it sets the relation: "at most 3", "at least 90%",
    "about 0.25" (one unit of the last digit either side), "hundreds" (100 to 999).
    Percentages are compared with values given in percent. ``tests/test_claims.py`` checks
    that the phrase really occurs in the prose of the cell's section.
    """
    if not isinstance(phrase, str) or not phrase.strip():
        raise ClaimError("claim() needs the phrase of the book it checks, as a string")
    nums = [n for n in numbers_in(_as_written(phrase)) if not _structural(phrase, n)]
    if len(nums) != len(values):
        written = ", ".join(repr(n.text) for n in nums) or "none"
        raise ClaimError(f"the phrase {phrase!r} states {len(nums)} number(s) ({written}) but "
                         f"{len(values)} value(s) were given: pass one value per number")
    for n, v in zip(nums, values):
        try:
            value = float(v)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ClaimError(f"{phrase!r}: the value for {n.text!r} must be a number; got "
                             f"{v!r}") from None
        if not n.agrees(value):
            how = {"<=": "at most ", ">=": "at least ", "~": "about "}.get(n.relation, "")
            hint = " (give percentages in percent)" if n.kind == "percent" else ""
            raise ClaimError(f"the book says {phrase!r}, but the code computes {value!r}, "
                             f"which is not {how}{n.text.strip()!r} ({n.value:g}){hint}: "
                             "correct the sentence (or glue the value) or the code")


# ============================================================================ structure
#: Numbers that name things rather than state quantities, with the reason for each.
STRUCTURAL: dict[str, str] = {
    r"(?<![\w.-])\d+(?:\s?-\s?\d+)+(?![\w.])": "a network's shape, such as 2-2-1",
    r"(?<![\w.])[123]-D\b": "the dimension of a plot or problem, 2-D",
    r"(?i)\b(?:hidden |output |input )?(?:unit|layer|input|output|seed|row|column|"
    r"pattern|weight|path|part|version|section|chapter|python|jupyter book|sphinx|"
    r"jupyterlab|step|class)s?[- ]\d+(?:\.\d+)*(?:(?:,| and| or| to) \d+)*\b":
        "the name or index of a unit, layer, seed, class or section",
    r"\(\s*[01](?:\s*,\s*[01])+\s*\)|\\\{0,\s*1\\\}": "a Boolean pattern, such as (0, 1)",
    r"=\s*[01],\s*\\[lc]?dots": "the start of an index range, l = 0, ..., L",
}


def _structural(text: str, n: Number, base: int = 0, years: set[str] | None = None) -> bool:
    if years and re.fullmatch(r"1[89]\d\d|20\d\d", n.text) and n.text in years:
        return True
    for pattern in STRUCTURAL:
        for m in re.finditer(pattern, text):
            if m.start() + base <= n.start and n.end <= m.end() + base:
                return True
    return False
