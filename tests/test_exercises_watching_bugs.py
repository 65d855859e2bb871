"""The find-the-bug checks of part III (book/training-xor, book/error-landscapes,
book/beyond-xor): the fixed function passes (float32 too, where it returns arrays), the
student's bug of each exercise is named as such, and odd returns get feedback."""

from __future__ import annotations

import numpy as np
import pytest

from backprop import Network
from backprop import exercises as ex
from backprop.landscapes import stacked_errors


# --------------------------------------------------------------------------- training-xor
def test_xor_starts_right():
    def xor_starts(n, rng):
        return [Network((2, 2, 1), "sigmoid", rng=rng) for _ in range(n)]

    assert ex.check_xor_starts(xor_starts, show=False).passed


@pytest.mark.parametrize("func, words", [
    (lambda n, rng: [Network((2, 2, 1), rng=np.random.default_rng(0)) for _ in range(n)],
     "identical"),
    (lambda n, rng: [Network((2, 2, 1), rng=np.random.default_rng()) for _ in range(n)],
     "the same seed gave other networks"),
    (lambda n, rng: [Network((2, 2, 1), rng=np.random.default_rng(k)) for k in range(n)],
     "another seed gave the same networks"),
    (lambda n, rng: [Network((2, 3, 1), rng=rng) for _ in range(n)], "2-2-1 sigmoid"),
    (lambda n, rng: [Network((2, 2, 1), rng=rng)], "return a list of"),
])
def test_xor_starts_names_the_mistake(func, words):
    result = ex.check_xor_starts(func, show=False)
    assert not result.passed and words in result.message, result.message


# --------------------------------------------------------------------------- error-landscapes
def _slice(indexing="xy", swap=False, dtype=float):
    def slice_errors(net, X, T, d1, d2, u, v):
        a, b = (d2, d1) if swap else (d1, d2)
        U, V = np.meshgrid(u, v, indexing=indexing)
        thetas = net.parameters() + U.reshape(-1, 1) * a + V.reshape(-1, 1) * b
        return stacked_errors(net, thetas, X, T).reshape(U.shape).astype(dtype)

    return slice_errors


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_slice_errors_right(dtype):
    assert ex.check_slice_errors(_slice(dtype=dtype), show=False).passed


@pytest.mark.parametrize("func, words", [
    (_slice(indexing="ij"), "transpose"),
    (_slice(swap=True), "directions are swapped"),
])
def test_slice_errors_names_the_mistake(func, words):
    result = ex.check_slice_errors(func, show=False)
    assert not result.passed and words in result.message, result.message


def test_the_square_grid_names_the_students_transpose():
    # On the plan's square grid the student's array has the right shape: the named mistake.
    from backprop.exercises.framework import Ran

    spec = ex.check_slice_errors.checker
    plan = spec.make_plan()
    calls = plan.calls["slice_errors"]
    values = [_slice()(*c.args) if c.args[5].size != c.args[6].size else
              _slice(indexing="ij")(*c.args) for c in calls]
    verdict = spec.judge(plan, slice_errors=Ran(values, [[] for _ in calls]))
    assert "is the transpose of the slice" in verdict.message


# --------------------------------------------------------------------------- beyond-xor
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_relu_hidden_deltas_right(dtype):
    def relu_hidden_deltas(delta_out, W2, A_hidden):
        return (A_hidden > 0) * (delta_out.astype(dtype) @ W2.astype(dtype))

    assert ex.check_relu_hidden_deltas(relu_hidden_deltas, show=False).passed


@pytest.mark.parametrize("func, words", [
    (lambda d, W, A: (A >= 0) * (d @ W), "still pass the error back"),
    (lambda d, W, A: A * (1 - A) * (d @ W), "sigmoid's slope"),
    (lambda d, W, A: -(A > 0) * (d @ W), "sign is flipped"),
])
def test_relu_hidden_deltas_names_the_mistake(func, words):
    result = ex.check_relu_hidden_deltas(func, show=False)
    assert not result.passed and words in result.message, result.message


# --------------------------------------------------------------------------- notation
def _nielsen(scale):
    def nielsen_step(net, X, T, eta):
        net.apply(net.gradients(X, T), eta * scale(len(X)))

    return nielsen_step


def test_nielsen_step_right():
    assert ex.check_nielsen_step(_nielsen(lambda m: 1 / m), show=False).passed


@pytest.mark.parametrize("scale, words", [
    (lambda m: 1.0, "m times Nielsen's"),
    (lambda m: 1 / (2 * m), "halved once more"),
    (lambda m: -1 / m, "uphill"),
    (lambda m: 0.0, "did not change"),
])
def test_nielsen_step_names_the_mistake(scale, words):
    result = ex.check_nielsen_step(_nielsen(scale), show=False)
    assert not result.passed and words in result.message, result.message
