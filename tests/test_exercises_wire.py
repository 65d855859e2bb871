"""The channel between the student's code and the judge: plain data both ways, SymPy read
back without eval, caps on size, and the shortcut watch."""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy as sp

from backprop import Network
from backprop.exercises import wire


def roundtrip(value):
    return wire.decode(json.loads(json.dumps(wire.encode(value))))


def test_arrays_keep_shape_and_precision():
    a = np.arange(6, dtype=np.float32).reshape(2, 3) / 7
    back = roundtrip(a)
    assert back.dtype == np.float32 and back.shape == (2, 3) and np.array_equal(back, a)
    assert roundtrip(np.float32(0.25)).dtype == np.float32
    assert roundtrip(np.array([1, 2], dtype=np.int16)).dtype == np.int16
    assert np.isnan(roundtrip(np.array([np.nan]))[0])
    assert roundtrip([1.5, (2, None), {"k": "v"}]) == [1.5, (2, None), {"k": "v"}]
    assert roundtrip(float("inf")) == float("inf")


def test_expressions_come_back_equal():
    x, y = sp.symbols("x y", real=True)
    for expr in [sp.tanh(x) * (1 - y**2) / 3, sp.sqrt(x) + sp.Rational(-7, 3),
                 sp.Float("0.125") * sp.exp(-x) + sp.pi, sp.Function("f")(x, y),
                 sp.Abs(x - 2 * y) ** sp.Rational(3, 2)]:
        back = roundtrip(expr)
        # Assumptions are not carried: the judge compares symbols by name.
        assert sp.simplify(back - expr.xreplace({x: sp.Symbol("x"), y: sp.Symbol("y")})) == 0
    m = roundtrip(sp.Matrix([[x, 1], [2, y]]))
    assert m.shape == (2, 2) and str(m[0, 0]) == "x"
    assert isinstance(roundtrip(sp.Eq(x, y)), sp.Equality)


def test_symbol_names_are_never_code():
    name = "__import__('os').system('touch /tmp/pwned')"
    back = roundtrip(sp.Symbol(name) + 1)
    assert {s.name for s in back.free_symbols} == {name}


@pytest.mark.parametrize("tree, words", [
    (["gamma", ["Symbol", "x"]], "'gamma'"),
    (["Integer", "1" * 41], "digits"),
    (["Pow", ["Symbol", "x"], ["Integer", "100000"]], "power"),
    (["Symbol", 5], "name"),
    ("Add", "tree"),
])
def test_unknown_or_oversized_expressions_are_refused(tree, words):
    with pytest.raises(wire.WireError, match=words):
        wire.decode({"sympy": tree})


def test_a_huge_expression_is_refused_when_read():
    deep = ["Symbol", "x"]
    for _ in range(wire.MAX_NODES + 5):
        deep = ["Add", deep, ["Integer", "1"]]
    with pytest.raises(wire.WireError):
        wire.decode({"sympy": deep})


@pytest.mark.parametrize("data", [
    "x", {"nd": [1, 2, 3], "shape": [2], "dtype": "float64"},
    {"nd": [1], "shape": [1], "dtype": "object"}, {"nd": ["1"], "shape": [1], "dtype": "int64"},
    {"what": 1}, [1, 2],
])
def test_malformed_data_is_a_wire_error(data):
    with pytest.raises(wire.WireError):
        wire.decode(data)


def test_decode_probe_never_raises():
    out = wire.decode_probe({"f": {"name": "f", "value": {"sympy": ["os.system", "x"]}},
                             "g": {"name": "g", "results": [{"kind": "hacked"}]},
                             "h": "junk"})
    assert isinstance(out["f"]["value"], wire.Opaque) and "unreadable" in out["f"]["value"].type
    assert isinstance(out["g"]["value"], wire.Opaque) and "h" not in out


def test_networks_and_records_travel_as_data():
    net = Network((2, 3, 1), "sigmoid", rng=np.random.default_rng(0))
    back = roundtrip(net)
    assert isinstance(back, wire.WireNetwork)
    assert np.array_equal(back.network().parameters(), net.parameters())
    from backprop.training import TrainingConfig

    rec = roundtrip(TrainingConfig(eta=0.5))
    assert isinstance(rec, wire.Record) and rec.type == "TrainingConfig"
    assert rec.fields["eta"] == 0.5
    assert roundtrip(print) == wire.Opaque("builtin_function_or_method")


def test_the_answer_size_is_capped():
    with pytest.raises(wire.WireError, match="numbers"):
        wire.encode(np.zeros(wire.MAX_ITEMS + 1))


def test_odd_objects_become_data_not_crashes():
    class Weird:
        def __array__(self, *a, **k):
            raise RuntimeError("no")

    assert "unreadable" in wire.encode(Weird())


# --------------------------------------------------------------------------- the probe
def _wired(calls, shortcuts=()):
    return {"answers": {"f": {"name": "f", "calls": calls}}, "seconds": 2,
            "shortcuts": list(shortcuts)}


def test_probe_runs_each_call_and_stops_at_the_first_failure():
    seen = []

    def f(x):
        seen.append(x)
        if x > 1:
            raise ValueError("too big")
        return np.array([x, x])

    out = wire.probe({"f": f}.__getitem__, _wired([{"args": [v], "watch": []}
                                                    for v in (1, 2, 3)]))
    kinds = [r["kind"] for r in out["f"]["results"]]
    assert kinds == ["ok", "exception"] and seen == [1, 2]
    assert "too big" in out["f"]["results"][1]["message"]


def test_probe_reports_missing_and_uncallable_answers():
    out = wire.probe({"f": 3}.__getitem__, _wired([]))
    assert out["f"] == {"name": "f", "not_callable": "int"}
    out = wire.probe({}.__getitem__, _wired([]))
    assert out["f"]["missing"]


def test_generators_arrive_as_generators():
    out = wire.probe({"f": lambda rng: rng.integers(0, 10**6)}.__getitem__,
                     _wired([{"args": [wire.encode(wire.seed(5))], "watch": []}]))
    assert out["f"]["results"][0]["value"] == int(np.random.default_rng(5).integers(0, 10**6))


def test_watched_arguments_come_back_after_the_call():
    def grow(net):
        net.weights[0] = net.weights[0] + 1

    net = Network((2, 1), "sigmoid", rng=np.random.default_rng(0))
    out = wire.probe({"f": grow}.__getitem__,
                     _wired([{"args": [wire.encode(net)], "watch": [0]}]))
    after = wire.decode(out["f"]["results"][0]["after"][0])
    assert np.allclose(after.weights[0], net.weights[0] + 1)


def test_the_shortcut_watch_sees_direct_calls_only():
    net = Network((2, 2, 1), "sigmoid", rng=np.random.default_rng(0))
    X, T = np.ones((1, 2)), np.ones((1, 1))
    target = "backprop.network:Network.backward"
    direct = wire.probe({"f": lambda n: n.backward(n.forward(X), T).deltas[-1]}.__getitem__,
                        _wired([{"args": [wire.encode(net)], "watch": []}], [target]))
    indirect = wire.probe({"f": lambda n: n.gradients(X, T).deltas[-1]}.__getitem__,
                          _wired([{"args": [wire.encode(net)], "watch": []}], [target]))
    assert direct["f"]["used"] == [target] and indirect["f"]["used"] == []
    assert Network.backward.__name__ == "backward"  # restored after the call
