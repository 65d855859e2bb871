"""The find-the-bug checks of part II (book/output-layer to book/worked-example): the fixed
function passes (float32 too, where it returns arrays), the student's bug of each exercise is
named as such, other likely mistakes are named, and odd returns get feedback, not errors."""

from __future__ import annotations

import numpy as np
import pytest

from backprop import exercises as ex


# --------------------------------------------------------------------------- output-layer
def _output_step(slope="a", sign=1.0, mean=False, dtype=float):
    def output_step(W2, b2, A_hidden, A_out, T, eta):
        H, A, T = (np.asarray(v, dtype=dtype) for v in (A_hidden, A_out, T))
        s = {"a": A * (1 - A), "t": T * (1 - T), "none": 1.0}[slope]
        delta = sign * (T - A) * s / (len(T) if mean else 1)
        return W2.astype(dtype) + eta * delta.T @ H, b2.astype(dtype) + eta * delta.sum(axis=0)

    return output_step


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_output_step_right(dtype):
    assert ex.check_output_step(_output_step(dtype=dtype), show=False).passed


@pytest.mark.parametrize("func, words", [
    (_output_step(slope="t"), "slope is still taken at the targets"),
    (_output_step(slope="none"), "linear output"),
    (_output_step(sign=-1.0), "uphill"),
    (_output_step(mean=True), "averaged over the patterns"),
    (lambda W2, b2, H, A, T, eta: W2, "return two arrays"),
    (lambda W2, b2, H, A, T, eta: (W2.T, b2), "shape"),
])
def test_output_step_names_the_mistake(func, words):
    result = ex.check_output_step(func, show=False)
    assert not result.passed and words in result.message, result.message


# --------------------------------------------------------------------------- hidden-layer
def _hidden(kind="right", dtype=float):
    def hidden_deltas_fixed(T, A_out, W2, A_hidden):
        T, A, W, H = (np.asarray(v, dtype=dtype) for v in (T, A_out, W2, A_hidden))
        d_out = (T - A) * A * (1 - A)
        if kind == "error":
            return H * (1 - H) * ((T - A) @ W)
        if kind == "no slope":
            return d_out @ W
        return H * (1 - H) * (d_out @ W)

    return hidden_deltas_fixed


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_hidden_deltas_fixed_right(dtype):
    assert ex.check_hidden_deltas_fixed(_hidden(dtype=dtype), show=False).passed


@pytest.mark.parametrize("func, words", [
    (_hidden("error"), "output error t - a is still carried back"),
    (_hidden("no slope"), "f'(net_j) = a_j(1 - a_j) of the hidden unit is missing"),
    (lambda T, A, W2, H: -_hidden()(T, A, W2, H), "sign is flipped"),
    (lambda T, A, W2, H: _hidden()(T, A, W2, H).T, "transpose"),
])
def test_hidden_deltas_fixed_names_the_mistake(func, words):
    result = ex.check_hidden_deltas_fixed(func, show=False)
    assert not result.passed and words in result.message, result.message


# --------------------------------------------------------------------------- biases-batches
def _sgd(axis=0, biases=True, in_place=True):
    def sgd_step(net, x, t, eta):
        fwd = net.forward(x)
        deltas = net.backward(fwd, t).deltas
        target = net if in_place else net.copy()
        for l in range(len(net.weights)):
            target.weights[l] = net.weights[l] + eta * deltas[l].T @ fwd.activations[l]
            if biases:
                target.biases[l] = net.biases[l] + eta * deltas[l].sum(axis=axis)

    return sgd_step


def test_sgd_step_right():
    assert ex.check_sgd_step(_sgd(), show=False).passed


@pytest.mark.parametrize("func, words", [
    (_sgd(axis=1), "sum of its layer's deltas"),
    (_sgd(biases=False), "biases do not move"),
    (_sgd(in_place=False), "did not change"),
])
def test_sgd_step_names_the_mistake(func, words):
    result = ex.check_sgd_step(func, show=False)
    assert not result.passed and words in result.message, result.message


def test_sgd_step_stub_is_not_yet():
    def sgd_step(net, x, t, eta):
        raise NotImplementedError

    assert ex.check_sgd_step(sgd_step, show=False).status == ex.NOT_YET


# --------------------------------------------------------------------------- any-depth
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_weight_gradients_right(dtype):
    def weight_gradients(deltas, activations):
        return [-(d.astype(dtype).T @ a.astype(dtype)) for d, a in zip(deltas, activations)]

    assert ex.check_weight_gradients(weight_gradients, show=False).passed


@pytest.mark.parametrize("func, words", [
    (lambda ds, As: [-(d.T @ a) for d, a in zip(ds, As[1:])], "the layer's own activations"),
    (lambda ds, As: [d.T @ a for d, a in zip(ds, As)], "sign is flipped"),
    (lambda ds, As: [-(d.T @ a) / len(a) for d, a in zip(ds, As)], "averaged"),
    (lambda ds, As: [-(d.T @ a) for d, a in zip(ds[:1], As)], "one gradient per weight matrix"),
    (lambda ds, As: [-(a.T @ d) for d, a in zip(ds, As)], "shape"),
])
def test_weight_gradients_names_the_mistake(func, words):
    result = ex.check_weight_gradients(func, show=False)
    assert not result.passed and words in result.message, result.message


# --------------------------------------------------------------------------- worked-example
def _post(swap=False, sign=1.0):
    def post_gradients(v):
        d_o1 = (v["t1"] - v["out_o1"]) * v["out_o1"] * (1 - v["out_o1"])
        d_o2 = (v["t2"] - v["out_o2"]) * v["out_o2"] * (1 - v["out_o2"])
        g = {"w5": -d_o1 * v["out_h1"], "w6": -d_o1 * v["out_h2"],
             "w7": -d_o2 * v["out_h1"], "w8": -d_o2 * v["out_h2"]}
        a, b = ("w6", "w7") if swap else ("w7", "w6")
        dE_dout = {"h1": -(d_o1 * v["w5"] + d_o2 * v[a]), "h2": -(d_o1 * v[b] + d_o2 * v["w8"])}
        for h, (w_a, w_b) in (("h1", ("w1", "w2")), ("h2", ("w3", "w4"))):
            s = v[f"out_{h}"] * (1 - v[f"out_{h}"])
            g[w_a], g[w_b] = dE_dout[h] * s * v["i1"], dE_dout[h] * s * v["i2"]
        return {w: sign * x for w, x in g.items()}

    return post_gradients


def test_post_gradients_right():
    assert ex.check_post_gradients(_post(), show=False).passed


@pytest.mark.parametrize("func, words", [
    (_post(swap=True), "weights into o1 (w5, w6)"),
    (_post(sign=-1.0), "sign is flipped"),
    (lambda v: [1.0] * 8, "return a dictionary"),
    (lambda v: {"w1": 0.0}, "lacks w2"),
    (lambda v: {**_post()(v), "w3": "small"}, "w3 should be one number"),
    (lambda v: {**_post()(v), "w3": 0.0}, "gradients of w3 differ"),
])
def test_post_gradients_names_the_mistake(func, words):
    result = ex.check_post_gradients(func, show=False)
    assert not result.passed and words in result.message, result.message
