"""backprop.autodiff (book/computational-graphs): the scalar reverse-mode engine against
independent references (SymPy's derivatives, central differences, Network.gradients)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

from backprop import Network, NetworkInputError
from backprop import autodiff as ad
from backprop.gradcheck import network_numerical_gradient, numerical_gradient

# A random program: each step applies one operation to earlier values, so values are reused
# (fan-out) and paths of different lengths meet (the case a wrong order gets wrong).
BINARY = {"add": lambda u, v: u + v, "sub": lambda u, v: u - v, "mul": lambda u, v: u * v}
UNARY_NODE = {"sigmoid": ad.sigmoid, "tanh": ad.tanh, "exp": ad.exp, "square": lambda u: u**2,
              "neg": lambda u: -u, "cube": lambda u: u**3, "scale": lambda u: 0.7 * u,
              "shift": lambda u: 1.5 - u}
UNARY_SYMPY = {"sigmoid": lambda u: 1 / (1 + sp.exp(-u)), "tanh": sp.tanh, "exp": sp.exp,
               "square": lambda u: u**2, "neg": lambda u: -u, "cube": lambda u: u**3,
               "scale": lambda u: sp.Rational(7, 10) * u, "shift": lambda u: sp.Rational(3, 2) - u}


def random_program(rng: np.random.Generator, n_inputs: int, n_steps: int) -> list[tuple]:
    steps = []
    for i in range(n_steps):
        n = n_inputs + i
        if rng.uniform() < 0.5:
            name = str(rng.choice(sorted(BINARY)))
            steps.append((name, int(rng.integers(n)), int(rng.integers(n))))
        else:
            name = str(rng.choice(sorted(UNARY_NODE)))
            steps.append((name, int(rng.integers(n))))
    return steps


def run(program, inputs, binary, unary):
    values = list(inputs)
    for step in program:
        if step[0] in binary:
            values.append(binary[step[0]](values[step[1]], values[step[2]]))
        elif step[0] == "exp":  # of a squashed value, so that a long program cannot overflow
            values.append(unary["exp"](unary["tanh"](values[step[1]])))
        else:
            values.append(unary[step[0]](values[step[1]]))
    return values[-1]


@pytest.mark.parametrize("seed", range(12))
def test_engine_matches_sympy_on_random_programs(seed):
    rng = np.random.default_rng(seed)
    program = random_program(rng, 3, 14)
    point = rng.uniform(-1, 1, 3)
    xs = [ad.Node(v) for v in point]
    out = run(program, xs, BINARY, UNARY_NODE)
    ad.backward(out)
    syms = sp.symbols("x0:3")
    expr = run(program, syms, BINARY, UNARY_SYMPY)
    subs = dict(zip(syms, point))
    assert out.value == pytest.approx(float(expr.evalf(subs=subs)), rel=1e-12, abs=1e-12)
    for x, s in zip(xs, syms):
        want = float(sp.diff(expr, s).evalf(subs=subs))
        assert x.grad == pytest.approx(want, rel=1e-10, abs=1e-10)


OPS = [
    ("sigmoid", ad.sigmoid, lambda v: 1 / (1 + math.exp(-v)), 0.3),
    ("sigmoid far left", ad.sigmoid, lambda v: 1 / (1 + math.exp(-v)), -30.0),
    ("tanh", ad.tanh, math.tanh, -0.8),
    ("relu", ad.relu, lambda v: max(v, 0.0), 0.6),
    ("relu off", ad.relu, lambda v: max(v, 0.0), -0.6),
    ("identity", ad.identity, lambda v: v, 1.7),
    ("exp", ad.exp, math.exp, 1.2),
    ("log", ad.log, math.log, 0.4),
    ("pow", lambda u: u**2.5, lambda v: v**2.5, 1.3),
    ("neg", lambda u: -u, lambda v: -v, 0.2),
]


@pytest.mark.parametrize(("name", "op", "f", "x"), OPS, ids=[o[0] for o in OPS])
def test_each_local_derivative_is_the_slope_of_its_forward(name, op, f, x):
    node = op(ad.Node(x))
    assert node.value == pytest.approx(f(x), rel=1e-12, abs=1e-300)
    slope = numerical_gradient(lambda v: f(float(v[0])), np.array([x]), h=1e-6)[0]
    assert node.local[0] == pytest.approx(slope, rel=1e-7, abs=1e-9)


def test_binary_operations_have_one_local_derivative_per_parent():
    u, v = ad.Node(3.0), ad.Node(-2.0)
    assert (u * v).local == (-2.0, 3.0)
    assert (u - v).local == (1.0, -1.0)
    assert (u + v).local == (1.0, 1.0)
    assert (2.0 - u).value == -1.0 and (2.0 * u).value == 6.0 and (1 + u).value == 4.0
    assert (np.float64(2.0) * u).value == 6.0     # a numpy scalar on the left works too


def test_fan_out_adds_the_paths():
    x = ad.Node(3.0)
    ad.backward(x * x)
    assert x.grad == 6.0                          # both uses of x: 3 + 3, not 3
    y = ad.Node(0.5)
    u = ad.sigmoid(y)
    out = u * y + u                               # y used twice, u used twice
    ad.backward(out)
    s = 1 / (1 + math.exp(-0.5))
    assert y.grad == pytest.approx(s * (1 - s) * 0.5 + s + s * (1 - s))


def test_backward_twice_gives_the_same_gradients():
    x = ad.Node(1.2)
    out = ad.tanh(x * x) * x
    ad.backward(out)
    first = x.grad
    ad.backward(out)
    assert x.grad == first


def test_topological_order_lists_parents_first_and_survives_long_chains():
    rng = np.random.default_rng(1)
    xs = [ad.Node(v) for v in rng.uniform(-1, 1, 3)]
    out = run(random_program(rng, 3, 30), xs, BINARY, UNARY_NODE)
    order = ad.topological_order(out)
    where = {id(n): i for i, n in enumerate(order)}
    assert len(where) == len(order) and order[-1] is out
    assert all(where[id(p)] < where[id(n)] for n in order for p in n.parents)
    x = ad.Node(1.0)
    y = x
    for _ in range(20_000):                       # far deeper than Python's recursion limit
        y = y * 1.0001
    ad.backward(y)
    assert x.grad == pytest.approx(1.0001**20_000, rel=1e-9)


def test_as_lists_numbers_the_graph_so_a_list_sweep_gives_the_engines_gradients():
    rng = np.random.default_rng(6)
    xs = [ad.Node(v) for v in rng.uniform(-1, 1, 3)]
    out = run(random_program(rng, 3, 20), xs, BINARY, UNARY_NODE)
    nodes, parents, local = ad.as_lists(out)
    assert nodes[-1] is out and len(nodes) == len(parents) == len(local)
    assert all(p < i for i, ps in enumerate(parents) for p in ps)   # parents come first
    grad = [0.0] * len(nodes)
    grad[-1] = 1.0
    for v in reversed(range(len(nodes))):
        for u, d in zip(parents[v], local[v]):
            grad[u] += grad[v] * d
    ad.backward(out)
    assert grad == pytest.approx([n.grad for n in nodes], abs=1e-15)


def test_forward_sweep_gives_the_reverse_mode_gradient():
    rng = np.random.default_rng(2)
    xs = [ad.Node(v) for v in rng.uniform(-1, 1, 4)]
    out = run(random_program(rng, 4, 25), xs, BINARY, UNARY_NODE)
    order = ad.backward(out)
    for x in xs:
        assert ad.forward_sweep(order, x).get(id(out), 0.0) == pytest.approx(x.grad,
                                                                             abs=1e-12)


NETWORKS = [((3, 2), "sigmoid"), ((2, 4, 3), "tanh"), ((3, 3, 2, 2), ["relu", "tanh", "sigmoid"]),
            ((2, 3, 2, 2, 1), "identity"), ((4, 5, 1), ["sigmoid", "identity"])]


@pytest.mark.parametrize(("sizes", "acts"), NETWORKS)
def test_engine_gradients_equal_the_backward_pass_and_finite_differences(sizes, acts):
    rng = np.random.default_rng(len(sizes))
    net = Network(sizes, acts, rng=rng, weight_scale=1.0)
    X, T = rng.normal(size=(4, sizes[0])), rng.uniform(size=(4, sizes[-1]))
    mine, ref = ad.engine_gradients(net, X, T), net.gradients(X, T)
    assert np.allclose(mine.flat(), ref.flat(), rtol=1e-12, atol=1e-14)
    assert all(np.allclose(d, r, rtol=1e-12, atol=1e-14) for d, r in zip(mine.deltas, ref.deltas))
    assert np.allclose(mine.flat(), network_numerical_gradient(net, X, T), atol=1e-7)
    assert ad.network_graph(net, X, T).error.value == pytest.approx(float(net.error(X, T)))


LOSS_NETWORKS = [((3, 4, 2), ["tanh", "sigmoid"], "binary_cross_entropy"),
                 ((3, 4, 3), ["sigmoid", "softmax"], "categorical_cross_entropy"),
                 ((2, 3, 3), ["relu", "softmax"], "half_sse"),
                 ((2, 4, 3, 2), ["softmax", "tanh", "sigmoid"], "half_sse")]


@pytest.mark.parametrize(("sizes", "functions", "loss"), LOSS_NETWORKS)
def test_engine_follows_the_networks_loss_and_softmax(sizes, functions, loss):
    rng = np.random.default_rng(sum(sizes))
    net = Network(sizes, functions, loss=loss, rng=rng, weight_scale=1.0)
    X = rng.normal(size=(5, sizes[0]))
    T = rng.dirichlet(np.ones(sizes[-1]), size=5)       # rows sum to one: fine for every loss
    graph = ad.network_graph(net, X, T)
    assert graph.error.value == pytest.approx(float(net.error(X, T)), rel=1e-12)
    mine, ref = graph.gradients(), net.gradients(X, T)
    assert np.allclose(mine.flat(), ref.flat(), rtol=1e-10, atol=1e-13)
    assert all(np.allclose(d, r, rtol=1e-10, atol=1e-13) for d, r in zip(mine.deltas, ref.deltas))
    assert np.allclose(mine.flat(), network_numerical_gradient(net, X, T), atol=1e-7)


def test_softmax_nodes_sum_to_one_and_survive_large_inputs():
    out = ad.softmax([ad.Node(v) for v in (800.0, 799.0, -5.0)])
    assert sum(a.value for a in out) == pytest.approx(1.0)
    assert out[0].value == pytest.approx(1 / (1 + math.exp(-1) + math.exp(-805)))


def test_forward_mode_in_numpy_equals_the_backward_pass():
    rng = np.random.default_rng(5)
    net = Network((3, 4, 2, 2), ["tanh", "sigmoid", "identity"], rng=rng)
    X, T = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    assert np.allclose(ad.forward_mode_gradient(net, X, T), net.gradients(X, T).flat(),
                       rtol=1e-12, atol=1e-14)


def test_costs_count_every_operation_and_edge():
    rng = np.random.default_rng(3)
    net = Network((2, 3, 1), "sigmoid", rng=rng)
    X, T = rng.normal(size=(2, 2)), rng.uniform(size=(2, 1))
    graph = ad.network_graph(net, X, T)
    cost = ad.graph_cost(graph.error, net.parameters().size)
    # per pattern: 2*3 products and 3*2 additions into layer 1 (2 inputs + bias), 3 sigmoids;
    # 3 products and 3 additions into the output, 1 sigmoid; t - a, its square, half of it:
    # 25 operations per pattern, and one addition of the two patterns' errors
    assert cost.forward_ops == 2 * 25 + 1
    order = ad.topological_order(graph.error)
    assert cost.sweep_ops == sum(len(n.parents) for n in order)
    assert cost.sweep_ops <= 2 * cost.forward_ops
    assert cost.finite_differences == 14 * cost.forward_ops
    assert cost.forward_mode == cost.forward_ops + 13 * cost.sweep_ops
    assert cost.reverse_mode < cost.forward_mode < 14 * cost.reverse_mode


def test_time_routes_reports_every_route():
    rng = np.random.default_rng(4)
    net = Network((2, 3, 1), "sigmoid", rng=rng)
    X, T = rng.normal(size=(4, 2)), rng.uniform(size=(4, 1))
    times = ad.time_routes(net, X, T, repeats=1)
    assert times.n_parameters == 13
    assert all(t > 0 for t in (times.error, times.reverse_mode, times.forward_mode,
                               times.finite_differences))


# --------------------------------------------------------------------------- bad input
def test_bad_input_says_what_to_do():
    with pytest.raises(ValueError, match="finite numbers"):
        ad.Node(float("nan"))
    with pytest.raises(TypeError, match="one Node per entry"):
        ad.Node(1.0) * np.ones(3)
    with pytest.raises(TypeError, match="one Node per entry"):
        ad.Node(1.0) + "2"
    with pytest.raises(TypeError, match=r"exp\(y \* log\(x\)\)"):
        ad.Node(2.0) ** ad.Node(3.0)
    with pytest.raises(ValueError, match="positive argument"):
        ad.log(ad.Node(0.0))
    with pytest.raises(ValueError, match="overflows"):
        ad.exp(ad.Node(1000.0))
    many = Network((2, 2, 1), rng=np.random.default_rng(0), n_networks=3)
    with pytest.raises(NetworkInputError, match="without n_networks"):
        ad.network_graph(many, np.zeros((1, 2)), np.zeros((1, 1)))
    with pytest.raises(NetworkInputError, match="without n_networks"):
        ad.forward_mode_gradient(many, np.zeros((1, 2)), np.zeros((1, 1)))
    one = Network((2, 2, 1), rng=np.random.default_rng(0))
    with pytest.raises(NetworkInputError, match="takes 2 inputs per sample"):
        ad.network_graph(one, np.zeros((1, 3)), np.zeros((1, 1)))
    with pytest.raises(NetworkInputError, match="NaN and inf"):
        ad.engine_gradients(one, np.array([[np.nan, 0.0]]), np.zeros((1, 1)))
    bce = Network((2, 1), "sigmoid", loss="binary_cross_entropy", init="zeros")
    bce.set_parameters([np.array([[50.0, 0.0]])])
    with pytest.raises(NetworkInputError, match="saturated"):
        ad.network_graph(bce, np.array([[1.0, 0.0]]), np.array([[1.0]]))
    with pytest.raises(NetworkInputError, match="engine_gradients for cross-entropy"):
        ad.forward_mode_gradient(bce, np.array([[1.0, 0.0]]), np.array([[1.0]]))
