"""Numbers in the prose, checked: no chapter states a number that the code does not back.

Every chapter follows one rule (``CONTRIBUTING.md``, *Numbers in the prose*): a number
written in the text, in a paragraph, heading, caption, admonition or exercise, and in inline
or display math when it is a value rather than a formula's constant, is

- inserted from the code by a role (``{glue:text}`name``` or the ``{eval}`` form), or
- quoted in a :func:`claim` in a code cell of the same section: ``claim("forty points",
  len(X))`` asserts at build time that the number *as written* agrees with the value the code
  computes, so a wrong sentence fails the build; or
- structural: a network's shape (2-2-1), the name of a unit, layer or seed ("hidden unit 2",
  "seed 11"), a Boolean pattern such as (0, 1), or the year of a work cited in the same
  section (:data:`STRUCTURAL` lists them, with the reason for each).

:func:`scan_chapter` (in :mod:`.scan`) finds the numbers that are none of these;
``tests/test_claims.py`` runs it on every page, and
``python -m backprop.claims book/<chapter>.md`` prints them with their line numbers.
Used by every chapter from ``book/intro`` on.
"""

from .numbers import COMPUTED_ROLES, STRUCTURAL, ClaimError, Number, claim, numbers_in
from .scan import Report, main, scan_chapter

__all__ = ["COMPUTED_ROLES", "STRUCTURAL", "ClaimError", "Number", "Report", "claim", "main",
           "numbers_in", "scan_chapter"]
