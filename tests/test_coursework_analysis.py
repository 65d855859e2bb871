"""Reading a submission's cells without running them (:mod:`coursework.analysis`): which
cells the exercises need, shortcuts in the code that defines an answer, review notes."""

from __future__ import annotations

import nbformat

from coursework import analysis


def cells(*sources: str) -> list[analysis.CodeCell]:
    return analysis.code_cells([nbformat.v4.new_markdown_cell("# title")]
                               + [nbformat.v4.new_code_cell(s) for s in sources])


def needed(cs, *names) -> list[int]:
    return [c.n for c in analysis.needed_cells(cs, names)]


def test_cells_are_numbered_among_code_cells():
    cs = cells("a = 1", "b = 2")
    assert [c.n for c in cs] == [1, 2]


def test_figures_and_studies_are_not_needed():
    cs = cells("import numpy as np\nfrom backprop.plotting import plot_run\nX = np.ones(3)",
               "study = [x ** 2 for x in range(10**6)]",
               "plot_run(study, X)\nprint(X)",
               "def f(T):\n    return np.sum(T) + len(X)")
    assert needed(cs, "f") == [1, 4]


def test_a_cell_that_may_change_a_needed_name_is_needed():
    cs = cells("import numpy as np\nnet = make()", "net.weights[0] = 0", "net.train(1)",
               "history = net.train(2)", "train_epochs(net, 3)", "fwd = np.ones(3)",
               "def f():\n    return net")
    assert needed(cs, "f") == [1, 2, 3, 4, 5, 7]


def test_names_used_by_needed_cells_are_followed():
    cs = cells("k = 3", "def helper(x):\n    return x * k", "def f(x):\n    return helper(x)",
               "unused = 1")
    assert needed(cs, "f") == [1, 2, 3]


def test_cells_that_cannot_be_read_always_run():
    cs = cells("exec('g = 1')", "globals()['h'] = 2", "y = 3", "def f():\n    return 1")
    assert needed(cs, "f") == [1, 2, 4]


def test_magics_and_syntax_errors():
    cs = cells("%matplotlib inline\nx = 1", "def f(:\n    pass", "!pip install nothing")
    assert cs[0].defines == {"x"} and not cs[0].syntax_error
    assert cs[1].syntax_error and needed(cs, "f") == []


def test_static_shortcuts_look_only_at_the_students_code_for_the_answer():
    book = ["def f(T, A):\n    raise NotImplementedError"]
    cs = cells("import numpy as np\ncheck = net.backward(fwd, T)",
               "def helper(net, fwd, T):\n    return getattr(net, 'back' 'ward')(fwd, T)",
               "def f(T, A):\n    return helper(None, None, T)")
    target = ["backprop.network:Network.backward"]
    assert analysis.static_shortcuts(cs, ["f"], target, book) == target
    honest = cells("import numpy as np\ncheck = net.backward(fwd, T)",
                   "def f(T, A):\n    return (T - A) * A * (1 - A)")
    assert analysis.static_shortcuts(honest, ["f"], target, book) == []


def test_review_notes_name_the_construct_and_the_cell():
    book = ["import numpy as np"]
    cs = cells("import numpy as np", "import threading\nthreading.Thread()",
               "import sys\nsys._getframe()")
    notes = analysis.review_notes(cs, book)
    assert "threads (code cell 2)" in notes
    assert any("stack frames" in n and "code cell 3" in n for n in notes)
    assert analysis.review_notes(cells("import numpy as np"), book) == []


def test_a_name_bound_anew_makes_earlier_bindings_irrelevant():
    cs = cells("x = slow_study()", "x = 2", "def f():\n    return x")
    assert needed(cs, "f") == [2, 3]
    grown = cells("x = [1]", "x = x + [2]", "def f():\n    return x")
    assert needed(grown, "f") == [1, 2, 3]


def test_a_name_is_needed_as_it_was_where_it_is_read():
    cs = cells("y = 1", "z = y + 1", "y = 5", "def f():\n    return z")
    assert needed(cs, "f") == [1, 2, 4]


def test_names_the_cell_binds_before_reading_are_its_own():
    c = cells("import numpy as np\nx = np.ones(3)\ny = [x for x in range(3)]\nz = w + x")[0]
    assert c.uses_at_once == {"w", "range"} and c.defines >= {"np", "x", "y", "z"}
