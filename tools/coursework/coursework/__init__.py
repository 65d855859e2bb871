"""The coursework tool of *Backprop, Derived*: the student edition, the sandboxed grader
and the nbgrader export (``python -m coursework student|grade|nbgrader --root <book>``).

It reads a book (``_toc.yml`` and the chapters under ``--root``), never the checkout it
happens to be installed from. Light on import: :mod:`coursework.runner`, which runs inside
the sandbox, imports only the standard library and ``backprop``. Described in
``book/instructor-guide``; the checks it runs are :mod:`backprop.exercises`.
"""

from __future__ import annotations

from .book import (
                   BEGIN,
                   END,
                   META,
                   CheckCall,
                   CourseworkError,
                   Exercise,
                   StudentChapter,
                   identify_chapter,
                   parse_check,
                   split_answer_cell,
                   stub_answer,
                   student_chapter,
                   toc_chapters,
                   toc_files,
)

__all__ = ["BEGIN", "END", "META", "CheckCall", "CourseworkError", "Exercise",
           "StudentChapter", "identify_chapter", "parse_check", "split_answer_cell",
           "student_chapter", "stub_answer", "toc_chapters", "toc_files"]
