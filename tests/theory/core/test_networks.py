"""ReLU networks: evaluation, composition, exact breakpoint propagation."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approxlab.theory.core import networks
from approxlab.theory.core.networks import PiecewiseLinear, layer


def random_net(seed: int, widths: list[int], scale: float = 1.0) -> networks.ReLUNetwork:
    rng = np.random.default_rng(seed)
    return [
        layer(scale * rng.normal(size=(widths[i + 1], widths[i])), rng.normal(size=widths[i + 1]))
        for i in range(len(widths) - 1)
    ]


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    hidden=st.lists(st.integers(1, 12), min_size=1, max_size=4),
    lo=st.floats(-3, 0),
    span=st.floats(0.1, 6),
)
def test_propagated_knots_reproduce_the_network(seed, hidden, lo, span):
    """The exact piecewise-linear form agrees with direct evaluation everywhere.

    A missed knot would make the interpolant wrong between knots, so agreement on a dense
    grid (and at every knot) certifies the knot set.
    """
    net = random_net(seed, [1, *hidden, 1])
    pl = networks.breakpoints(net, (lo, lo + span))
    assert np.all(np.diff(pl.x) > 0)
    assert pl.x[0] == lo and pl.x[-1] == lo + span
    np.testing.assert_allclose(networks.evaluate(net, pl.x), pl.y, rtol=1e-9, atol=1e-9)
    grid = np.linspace(lo, lo + span, 20_001)
    scale = 1 + np.max(np.abs(pl.y))
    assert np.max(np.abs(networks.evaluate(net, grid) - pl(grid))) <= 1e-9 * scale


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31), hidden=st.lists(st.integers(1, 8), min_size=1, max_size=3))
def test_piece_count_bounded_by_activation_patterns(seed, hidden):
    """Lemma 4.9-type sanity: pieces ≤ ∏ (m_j + 1) for univariate input."""
    net = random_net(seed, [1, *hidden, 1])
    n = networks.pieces(net, (-2.0, 2.0))
    assert 1 <= n <= int(np.prod([m + 1 for m in hidden]))


def test_pieces_of_a_single_relu():
    net = [layer([[1.0]], [-0.25]), layer([[1.0]], [0.0])]
    pl = networks.breakpoints(net, (0.0, 1.0))
    assert pl.pieces() == 2
    np.testing.assert_array_equal(pl.breakpoints(), [0.25])


def test_collinear_knots_are_not_breakpoints():
    # σ(x) − σ(−x) = x: two units switch at 0 but the output is affine
    net = [layer([[1.0], [-1.0]], [0.0, 0.0]), layer([[1.0, -1.0]], [0.0])]
    assert networks.pieces(net, (-1.0, 1.0)) == 1


def test_simultaneous_crossings_make_one_knot():
    net = [layer([[1.0], [2.0], [-3.0]], [-0.5, -1.0, 1.5]), layer([[1.0, 1.0, 1.0]], [0.0])]
    pl = networks.breakpoints(net, (0.0, 1.0))
    assert pl.x.size == 3 and pl.pieces() == 2


def test_evaluate_shapes_and_multivariate():
    rng = np.random.default_rng(1)
    net = random_net(2, [3, 5, 2])
    x = rng.normal(size=(7, 3))
    out = networks.evaluate(net, x)
    (W1, b1), (W2, b2) = net
    expected = np.maximum(x @ W1.T + b1, 0) @ W2.T + b2
    np.testing.assert_allclose(out, expected)


def test_compose_is_composition():
    f, g = random_net(3, [1, 4, 1]), random_net(4, [1, 6, 3, 1])
    x = np.linspace(-2, 2, 101)
    fg = networks.compose(f, g)
    assert len(fg) == len(f) + len(g) - 1
    assert networks.hidden_nodes(fg) == networks.hidden_nodes(f) + networks.hidden_nodes(g)
    np.testing.assert_allclose(
        networks.evaluate(fg, x), networks.evaluate(f, networks.evaluate(g, x))
    )


def test_parallel_sum():
    f, g = random_net(5, [1, 3, 2, 1]), random_net(6, [1, 4, 5, 1])
    x = np.linspace(-1, 1, 51)
    s = networks.parallel_sum([f, g], [2.0, -0.5])
    np.testing.assert_allclose(
        networks.evaluate(s, x), 2 * networks.evaluate(f, x) - 0.5 * networks.evaluate(g, x)
    )


@pytest.mark.parametrize(
    "net",
    [
        [],
        [layer([[1.0], [2.0]], [0.0, 0.0]), layer([[1.0, 1.0, 1.0]], [0.0])],
        [(np.array([[np.nan]]), np.array([0.0]))],
    ],
)
def test_validate_rejects_bad_networks(net):
    with pytest.raises(ValueError):
        networks.validate(net)


def test_piecewise_linear_simplified_keeps_the_function():
    pl = PiecewiseLinear(np.array([0.0, 0.25, 0.5, 1.0]), np.array([0.0, 0.25, 0.5, 0.0]))
    s = pl.simplified()
    np.testing.assert_array_equal(s.x, [0.0, 0.5, 1.0])
    assert s.pieces() == pl.pieces() == 2


def test_breakpoints_carry_the_exact_answer():
    """From a network, pieces and breakpoints are exact (not a slope tolerance): a kink
    of relative size 10⁻¹⁰ counts, and simplified() keeps the count."""
    net = [layer([[1.0], [1.0]], [0.0, -0.5]), layer([[1.0, 1e-10]], [0.0])]
    pl = networks.breakpoints(net, (0.0, 1.0))
    assert pl.pieces() == 2 and pl.breaks is not None
    np.testing.assert_array_equal(pl.breakpoints(), [0.5])
    s = pl.simplified()
    assert s.pieces() == 2 and s.x.tolist() == [0.0, 0.5, 1.0]
    # built from float data, the tolerance still applies (the data carries rounding)
    data = PiecewiseLinear(pl.x, pl.y)
    assert data.pieces() == 1


def test_propagate_switches_to_exact_arithmetic():
    """Two switches one float64 step apart: their order is no float64 decision, so the
    knots from that layer on come from exact arithmetic (and stay distinct)."""
    a = -0.61
    net = [
        layer([[1.0], [1.0]], [a, np.nextafter(a, -1.0)]),
        layer([[1.0, -1.0]], [0.0]),
    ]
    (_, t0, _), (_, t1, pre1) = networks.propagate(net, (0.0, 1.0))
    assert t0.tolist() == [0.0, 0.61, np.nextafter(0.61, 1.0), 1.0]
    np.testing.assert_array_equal(t1, t0)
    assert pre1[0, -1] == -(0.61 - np.nextafter(0.61, 1.0))  # the exact difference
    assert networks.pieces(net, (0.0, 1.0)) == 3


def test_propagate_many_splices_the_exact_network():
    rng = np.random.default_rng(4)
    good = random_net(11, [1, 3, 1])
    a = -0.25
    bad = [
        layer([[1.0], [1.0], [0.0]], [a, np.nextafter(a, -1.0), 1.0]),
        layer(rng.normal(size=(1, 3)), [0.0]),
    ]
    together = list(networks.propagate_many([good, bad, good], (-1.0, 1.0)))
    for li, t, pre in together:
        sep = np.flatnonzero(np.isnan(t))
        blocks = np.split(np.arange(t.size), sep + 1)[:-1]
        for net, idx in zip([good, bad, good], blocks, strict=True):
            _, t_one, pre_one = list(networks.propagate(net, (-1.0, 1.0)))[li]
            np.testing.assert_array_equal(t[idx[:-1]], t_one)
            np.testing.assert_allclose(pre[:, idx[:-1]], pre_one, rtol=1e-12, atol=1e-15)
