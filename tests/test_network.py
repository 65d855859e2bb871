"""backprop.network: gradients against finite differences and against an independent
per-unit reference; training behaviour; and the errors bad input must produce."""

from __future__ import annotations

import numpy as np
import pytest

from backprop.datasets import xor
from backprop.functions import LOSSES
from backprop.gradcheck import network_numerical_gradient, relative_error
from backprop.network import (
    Network,
    NetworkInputError,
    check_sizes,
    pack,
    parameter_slices,
    unpack,
)

SHAPES = [
    ((2, 3, 1), "sigmoid"),
    ((3, 4, 2), "tanh"),
    ((2, 5, 3, 4), ["tanh", "sigmoid", "identity"]),
    ((4, 2, 3, 2, 1), ["sigmoid", "tanh", "sigmoid", "sigmoid"]),
    ((1, 1), "identity"),
]


def _data(rng, sizes, n=6):
    return rng.normal(size=(n, sizes[0])), rng.uniform(0.05, 0.95, size=(n, sizes[-1]))


@pytest.mark.parametrize("sizes,acts", SHAPES)
@pytest.mark.parametrize("seed", [0, 1])
def test_backward_matches_finite_differences(sizes, acts, seed):
    rng = np.random.default_rng(seed)
    net = Network(sizes, acts, rng=rng, weight_scale=1.0)
    X, T = _data(rng, sizes)
    analytic = net.gradients(X, T).flat()
    numeric = network_numerical_gradient(net, X, T)
    assert relative_error(analytic, numeric) < 1e-6


def _reference_gradients(W1, b1, W2, b2, X, T):
    """Loop-per-unit two-layer sigmoid backprop written straight from the scalar rules."""
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    gW1, gb1 = np.zeros_like(W1), np.zeros_like(b1)
    gW2, gb2 = np.zeros_like(W2), np.zeros_like(b2)
    for x, t in zip(X, T):
        aj = [sig(sum(W1[j, i] * x[i] for i in range(len(x))) + b1[j]) for j in range(len(b1))]
        ak = [sig(sum(W2[k, j] * aj[j] for j in range(len(aj))) + b2[k]) for k in range(len(b2))]
        dk = [(t[k] - ak[k]) * ak[k] * (1 - ak[k]) for k in range(len(ak))]
        dj = [aj[j] * (1 - aj[j]) * sum(dk[k] * W2[k, j] for k in range(len(dk)))
              for j in range(len(aj))]
        for k in range(len(dk)):
            gb2[k] -= dk[k]
            for j in range(len(aj)):
                gW2[k, j] -= dk[k] * aj[j]
        for j in range(len(dj)):
            gb1[j] -= dj[j]
            for i in range(len(x)):
                gW1[j, i] -= dj[j] * x[i]
    return gW1, gb1, gW2, gb2


def test_backward_matches_scalar_reference_on_non_square_layers():
    rng = np.random.default_rng(7)
    net = Network((3, 5, 2), "sigmoid", rng=rng, weight_scale=1.0)
    X, T = _data(rng, (3, 5, 2), n=4)
    g = net.gradients(X, T)
    ref = _reference_gradients(net.weights[0], net.biases[0], net.weights[1], net.biases[1],
                               X, T)
    for got, want in zip([g.weights[0], g.biases[0], g.weights[1], g.biases[1]], ref):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def test_deltas_have_the_books_sign():
    net = Network.from_parameters([[[0.0]]], [[0.0]], "identity")
    g = net.gradients(np.array([[1.0]]), np.array([[2.0]]))
    # a_k = 0 below its target 2: delta_k = t_k - a_k = +2 and dE/dw = -delta_k a_j = -2.
    assert g.deltas[0][0, 0] == pytest.approx(2.0)
    assert g.weights[0][0, 0] == pytest.approx(-2.0)


def test_stacked_networks_equal_separate_networks():
    rng = np.random.default_rng(3)
    many = Network((2, 3, 1), "tanh", rng=rng, n_networks=5)
    X, T = _data(rng, (2, 3, 1))
    g = many.gradients(X, T)
    errs = many.error(X, T)
    assert errs.shape == (5,)
    for m in range(5):
        one = Network.from_parameters([w[m] for w in many.weights],
                                      [b[m] for b in many.biases], "tanh")
        g1 = one.gradients(X, T)
        for a, b in zip(g.weights + g.biases, g1.weights + g1.biases):
            np.testing.assert_allclose(a[m], b, rtol=1e-12)
        assert errs[m] == pytest.approx(float(one.error(X, T)))


def test_batch_step_is_minus_eta_times_summed_gradient():
    rng = np.random.default_rng(4)
    net = Network((2, 2, 1), rng=rng)
    X, T = xor()
    before = net.copy()
    g = before.gradients(X, T)
    net.train_epoch(X, T, eta=0.5, mode="batch")
    np.testing.assert_allclose(net.weights[0], before.weights[0] - 0.5 * g.weights[0])
    np.testing.assert_allclose(net.biases[1], before.biases[1] - 0.5 * g.biases[1])


def test_online_differs_from_batch_and_follows_sample_order():
    rng = np.random.default_rng(5)
    start = Network((2, 2, 1), rng=rng, weight_scale=1.0)
    X, T = xor()
    a, b, c = start.copy(), start.copy(), start.copy()
    a.train_epoch(X, T, 0.5, mode="batch")
    b.train_epoch(X, T, 0.5, mode="online")
    c.train_epoch(X, T, 0.5, mode="online", order=[3, 2, 1, 0])
    assert not np.allclose(a.weights[0], b.weights[0])
    assert not np.allclose(b.weights[0], c.weights[0])
    # One on-line step on the first sample alone equals a batch step on that sample.
    d = start.copy()
    d.train_epoch(X[:1], T[:1], 0.5, mode="batch")
    e = start.copy()
    e.train_epoch(X[:1], T[:1], 0.5, mode="online")
    np.testing.assert_allclose(d.weights[1], e.weights[1])


def test_xor_is_learned():
    net = Network((2, 3, 1), rng=np.random.default_rng(0), weight_scale=1.0)
    X, T = xor()
    history = net.train(X, T, eta=2.0, epochs=3000)
    assert history[-1] < 0.02 < history[0]
    assert np.all(np.round(net.predict(X)) == T)


def test_biases_can_be_frozen():
    net = Network((2, 2, 1), rng=np.random.default_rng(1))
    b = [x.copy() for x in net.biases]
    net.train(*xor(), eta=0.5, epochs=5, update_biases=False)
    for before, after in zip(b, net.biases):
        np.testing.assert_array_equal(before, after)


def test_divergence_stops_training_and_is_visible():
    net = Network((1, 1), "identity", init="zeros")
    X, T = np.array([[10.0]]), np.array([[1.0]])
    hist = net.train(X, T, eta=10.0, epochs=1000)
    assert len(hist) < 1000
    assert not np.isfinite(hist[-1])


# ----------------------------------------------------------------------------- bad input
def test_unknown_activation_lists_valid_names():
    with pytest.raises(NetworkInputError, match="unknown activation 'relux'.*identity, relu, "
                                                "sigmoid, softmax, tanh"):
        Network((2, 1), "relux", rng=np.random.default_rng(0))


def test_wrong_input_width_names_layer_and_both_shapes():
    net = Network((2, 3, 1), rng=np.random.default_rng(0))
    with pytest.raises(NetworkInputError, match=r"layer 1.*\(3, 2\).*\(4, 3\)"):
        net.forward(np.zeros((4, 3)))


def test_single_sample_vector_is_explained():
    net = Network((2, 1), rng=np.random.default_rng(0))
    with pytest.raises(NetworkInputError, match="reshape"):
        net.forward(np.zeros(2))


def test_wrong_target_shape():
    net = Network((2, 3, 2), rng=np.random.default_rng(0))
    with pytest.raises(NetworkInputError, match=r"targets must have shape \(4, 2\).*\(4, 1\)"):
        net.gradients(np.zeros((4, 2)), np.zeros((4, 1)))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_and_inf_inputs_are_refused(bad):
    net = Network((2, 1), rng=np.random.default_rng(0))
    X = np.zeros((3, 2))
    X[1, 0] = bad
    with pytest.raises(NetworkInputError, match=r"X contains .* at index \(1, 0\)"):
        net.forward(X)
    with pytest.raises(NetworkInputError, match="targets contains"):
        net.gradients(np.zeros((3, 2)), np.array([[0.0], [bad], [1.0]]))


def test_set_parameters_checks_shapes_and_values():
    net = Network((2, 3, 1), rng=np.random.default_rng(0))
    with pytest.raises(NetworkInputError, match=r"layer 2: W\^\(2\) must have shape \(1, 3\)"):
        net.set_parameters([np.zeros((3, 2)), np.zeros((3, 1))])
    with pytest.raises(NetworkInputError, match="NaN and inf"):
        net.set_parameters([np.full((3, 2), np.nan), np.zeros((1, 3))])


def test_random_init_needs_a_generator():
    with pytest.raises(NetworkInputError, match="rng=np.random.default_rng"):
        Network((2, 1))


def test_bad_learning_rate_and_mode():
    net = Network((2, 1), rng=np.random.default_rng(0))
    X, T = xor()
    with pytest.raises(NetworkInputError, match="positive"):
        net.train_epoch(X, T, eta=-1.0)
    with pytest.raises(NetworkInputError, match="unknown mode"):
        net.train_epoch(X, T, eta=0.1, mode="minibatch")


def test_activation_count_must_match_layers():
    with pytest.raises(NetworkInputError, match="2 activation functions given for 3 layers"):
        Network((2, 2, 2, 1), ["tanh", "tanh"], rng=np.random.default_rng(0))


def test_flat_parameters_round_trip():
    net = Network((2, 3, 2), rng=np.random.default_rng(0))
    theta = net.parameters()
    other = Network((2, 3, 2), init="zeros")
    other.set_flat_parameters(theta)
    np.testing.assert_array_equal(other.parameters(), theta)
    with pytest.raises(NetworkInputError, match=r"shape \(17,\)"):
        other.set_flat_parameters(theta[:-1])


def test_pack_and_unpack_are_inverse_and_follow_parameter_slices():
    rng = np.random.default_rng(2)
    net = Network((3, 4, 2), rng=rng, n_networks=5)
    theta = net.parameters()
    assert theta.shape == (5, 3 * 4 + 4 + 4 * 2 + 2)
    (w1, b1), (w2, b2) = parameter_slices(net.sizes)
    np.testing.assert_array_equal(theta[:, w1], net.weights[0].reshape(5, -1))
    np.testing.assert_array_equal(theta[:, b2], net.biases[1])
    weights, biases = unpack(theta, net.sizes)
    for got, want in zip(weights + biases, net.weights + net.biases):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(pack(weights, biases), theta)
    with pytest.raises(NetworkInputError, match=r"has 26 entries.*got \(5, 25\)"):
        unpack(theta[:, :-1], net.sizes)


# ----------------------------------------------------------------------------- losses
# Every (functions, loss) pair the network accepts, with targets the loss allows.
LOSS_CASES = [
    ((2, 3, 2), "tanh", "sigmoid", "half_sse"),
    ((2, 3, 2), "tanh", "sigmoid", "binary_cross_entropy"),
    ((3, 4, 3), "sigmoid", "softmax", "categorical_cross_entropy"),
    ((3, 4, 3), "tanh", "softmax", "half_sse"),        # the general product, a full Jacobian
    ((2, 3, 3, 2), "softmax", "sigmoid", "binary_cross_entropy"),  # softmax in a hidden layer
]


def _targets_for(loss, rng, n, k):
    if loss == "categorical_cross_entropy":
        return np.eye(k)[rng.integers(0, k, n)]
    return rng.uniform(0.05, 0.95, size=(n, k))


@pytest.mark.parametrize("sizes,hidden,out,loss", LOSS_CASES)
@pytest.mark.parametrize("stacked", [None, 3])
def test_every_loss_backpropagates_its_own_gradient(sizes, hidden, out, loss, stacked):
    rng = np.random.default_rng(11)
    fs = [hidden] * (len(sizes) - 2) + [out]
    net = Network(sizes, fs, loss=loss, rng=rng, weight_scale=1.5, n_networks=stacked)
    X = rng.normal(size=(5, sizes[0]))
    T = _targets_for(loss, rng, 5, sizes[-1])
    analytic = net.gradients(X, T).flat()
    if stacked is None:
        numeric = network_numerical_gradient(net, X, T)
    else:
        numeric = np.array([network_numerical_gradient(
            Network.from_parameters([w[m] for w in net.weights], [b[m] for b in net.biases],
                                    fs, loss=loss), X, T) for m in range(stacked)])
    # Central differences carry an absolute error of about 1e-10 here (h = 1e-6).
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


def test_network_error_uses_its_loss():
    rng = np.random.default_rng(4)
    X, T = rng.normal(size=(5, 2)), np.eye(3)[[0, 1, 2, 0, 1]]
    soft = Network((2, 3), "softmax", loss="categorical_cross_entropy", rng=rng)
    fwd = soft.forward(X)
    np.testing.assert_allclose(fwd.output.sum(axis=1), 1.0)
    assert soft.error(X, T) == pytest.approx(-np.sum(T * np.log(fwd.output)), rel=1e-12)
    assert "categorical_cross_entropy" in repr(soft)
    assert soft.copy().loss is soft.loss
    assert set(LOSSES) == {"half_sse", "binary_cross_entropy", "categorical_cross_entropy"}


def test_softmax_training_learns_three_classes():
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 2.0], [2.0, -1.0], [-2.0, -1.0]])
    labels = rng.integers(0, 3, 60)
    X = centres[labels] + rng.normal(scale=0.3, size=(60, 2))
    T = np.eye(3)[labels]
    net = Network((2, 3), "softmax", loss="categorical_cross_entropy", rng=rng)
    history = net.train(X, T, eta=0.05, epochs=200)
    assert history[-1] < 0.1 * history[0]
    assert np.mean(np.argmax(net.predict(X), axis=1) == labels) == 1.0


def test_bad_loss_choices_say_what_to_change():
    rng = np.random.default_rng(0)
    with pytest.raises(NetworkInputError, match="unknown loss 'mse'.*half_sse"):
        Network((2, 1), loss="mse", rng=rng)
    with pytest.raises(NetworkInputError, match="written for a sigmoid output.*tanh"):
        Network((2, 1), "tanh", loss="binary_cross_entropy", rng=rng)
    with pytest.raises(NetworkInputError, match="written for a softmax output"):
        Network((2, 3), "sigmoid", loss="categorical_cross_entropy", rng=rng)
    with pytest.raises(NetworkInputError, match="layer 1: a softmax over 1 unit"):
        Network((2, 1), "softmax", rng=rng)
    bce = Network((2, 1), loss="binary_cross_entropy", rng=rng)
    with pytest.raises(NetworkInputError, match=r"targets in \[0, 1\].*from -1 to 1"):
        bce.error(np.zeros((2, 2)), np.array([[-1.0], [1.0]]))
    cce = Network((2, 2), "softmax", loss="categorical_cross_entropy", rng=rng)
    with pytest.raises(NetworkInputError, match=r"row \(1,\) sums to 2"):
        cce.gradients(np.zeros((2, 2)), np.array([[1.0, 0.0], [1.0, 1.0]]))


@pytest.mark.parametrize("bad,needle", [
    ((3,), "at least an input and an output layer"),
    ((2, 0, 1), "one or more units; got \\(2, 0, 1\\)"),
    ((2, 2.5, 1), "unit counts \\(whole numbers\\) such as \\(2, 3, 2\\); got \\(2, 2.5, 1\\)"),
    (3, "sequence of unit counts"),
    (("2", "x"), "sequence of unit counts"),
])
def test_one_check_of_layer_sizes_for_every_network(bad, needle):
    from backprop.efficiency import naive_gradient_cost
    from backprop.plotting import draw_network
    from backprop.symbolic import SymbolicNetwork

    for build in (check_sizes, Network, SymbolicNetwork, naive_gradient_cost, draw_network):
        with pytest.raises(NetworkInputError, match=needle):
            build(bad)
    assert check_sizes([np.int64(2), 3.0, 1]) == (2, 3, 1)
