"""backprop.playground.bundle: the front end's modules joined into the widgets' one module.

The joined text is loaded in Chromium as anywidget loads it (a module with no address) by
``tests/test_playground_browser.py``; here, its rules, on the real files and on small ones.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backprop.playground import STATIC
from backprop.playground.bundle import BundleError, bundle, module_order
from backprop.playground.widget import PerceptronPlayground, Playground


def _write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


def test_every_module_is_joined_once_after_what_it_imports() -> None:
    order = module_order()
    assert order[-1] == "playground.js" and len(order) == len(set(order))
    assert sorted(order) == sorted(p.name for p in STATIC.glob("*.js"))  # no file left out
    assert order.index("rng.js") < order.index("network.js") < order.index("drivers.js")
    text = bundle()
    assert [line for line in text.splitlines() if re.search(r'from\s*"\./', line)] == []
    assert text.count("export default { render }") == 1
    for name in order:
        assert text.count(f"// ----- {name}\n") == 1


def test_the_widgets_load_the_joined_module() -> None:
    assert Playground._esm == bundle() == PerceptronPlayground._esm
    assert "export class Playground" in bundle() and "export class PerceptronPlayer" in bundle()


def test_imports_before_importers_and_exports_kept(tmp_path: Path) -> None:
    folder = _write(tmp_path, {
        "entry.js": ('import { b } from "./b.js";\nexport { a } from "./a.js";\n'
                     "export const c = b + 1;\n"),
        "b.js": 'import { a } from "./a.js";\nexport const b = a * 2;\n',
        "a.js": "export const a = 1;\n",
    })
    text = bundle("entry.js", folder)
    assert module_order("entry.js", folder) == ["a.js", "b.js", "entry.js"]
    assert text.index("const a") < text.index("const b") < text.index("const c")
    assert "import" not in text and "from" not in text


# Modules the bundle refuses, and what the refusal must say.
REFUSED = {
    "a name declared twice": (
        {"entry.js": 'import { x } from "./a.js";\nconst PANELS = 1;\n',
         "a.js": "export const x = 1;\nconst PANELS = 2;\n"},
        r"entry\.js and a\.js both declare 'PANELS'"),
    "an import over several lines": (
        {"entry.js": 'import {\n  x,\n} from "./a.js";\n', "a.js": "export const x = 1;\n"},
        r"entry\.js:1: import only from a sibling module, on one line"),
    "an import from another host": (
        {"entry.js": 'export const v = 1;\nimport { y } from "https://cdn.x/y.js";\n'},
        r"entry\.js:2: import only from a sibling module"),
    "a cycle": (
        {"entry.js": 'import { x } from "./a.js";\n',
         "a.js": 'import { y } from "./entry.js";\nexport const x = 1;\n'},
        r"cycle \(entry\.js -> a\.js -> entry\.js\)"),
    "a missing module": (
        {"entry.js": 'import { x } from "./a.js";\n', "a.js": 'import { y } from "./gone.js";\n'},
        r"a\.js imports gone\.js, which is not in"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_what_the_bundle_cannot_join_is_refused_saying_where(tmp_path: Path, case: str) -> None:
    files, message = REFUSED[case]
    with pytest.raises(BundleError, match=message):
        bundle("entry.js", _write(tmp_path, files))


def test_the_bundle_follows_changes_to_the_files(tmp_path: Path) -> None:
    folder = _write(tmp_path, {"entry.js": "export const v = 1;\n"})
    assert "v = 1" in bundle("entry.js", folder)
    (folder / "entry.js").write_text("export const v = 22;\n")
    assert "v = 22" in bundle("entry.js", folder)
