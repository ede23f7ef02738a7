"""Scene ``cpwl`` — one piecewise-linear function, two exact ReLU realisations (seed 004,
Theorem 2.2): width N and depth 3, or width 5 and depth N + 3."""

from __future__ import annotations

import re

import numpy as np
from pydantic import Field, ValidationInfo, field_validator

from approxlab.scenes.base import Axis, Check, Plot, Scene, SceneParams, SceneResult
from approxlab.scenes.chapters import DEPTH
from approxlab.scenes.export import network_export
from approxlab.scenes.plotkit import bars, context_curves, line, markers
from approxlab.theory.core import networks
from approxlab.theory.depth import cpwl

MIN_KNOTS, MAX_KNOTS = 2, 64
VALUE_LIMIT = 10.0
MAX_TEXT = 1200
#: The exactness check also covers some of the constant extension on both sides.
CHECK_DOMAIN = (-0.25, 1.25)
#: Inner layers drawn in the "layers" plot (evenly spread over the N + 1).
SHOWN_LAYERS = 8
#: The draggable markers (the drag-knots widget finds them by this name).
KNOTS_TRACE = "knots (xᵢ, f(xᵢ))"

_SEP = re.compile(r"[,;\s]+")


def parse_numbers(text: str, what: str, lo: float, hi: float) -> np.ndarray:
    """Comma-separated numbers → array, with messages that say which item is wrong.

    Tokens go through ``float()`` only; nothing typed reaches ``eval``."""
    tokens = [t for t in _SEP.split(text.strip()) if t]
    if not MIN_KNOTS <= len(tokens) <= MAX_KNOTS:
        raise ValueError(
            f"expected {MIN_KNOTS} to {MAX_KNOTS} comma-separated {what}, got {len(tokens)}"
        )
    out = np.empty(len(tokens))
    for i, tok in enumerate(tokens):
        try:
            v = float(tok)
        except ValueError:
            raise ValueError(f"item {i + 1} ({tok[:20]!r}) is not a number") from None
        if not (lo <= v <= hi):  # also rejects nan and ±inf
            raise ValueError(f"item {i + 1} ({tok[:20]}) is outside [{lo:g}, {hi:g}]")
        out[i] = v
    return out


def equispaced(n: int) -> np.ndarray:
    return np.linspace(0.0, 1.0, n)


class Params(SceneParams):
    values: str = Field(
        "0, 0.8, 0.3, 0.9, 0.1, 0.6, 0.45, 1",
        min_length=1,
        max_length=MAX_TEXT,
        description=(
            f"Values of f at the knots: {MIN_KNOTS} to {MAX_KNOTS} comma-separated numbers "
            f"in [−{VALUE_LIMIT:g}, {VALUE_LIMIT:g}]."
        ),
        json_schema_extra={"label": "values f(xᵢ)", "scale": "linear"},
    )
    knots: str = Field(
        "",
        max_length=MAX_TEXT,
        description=(
            "Knot positions xᵢ: strictly increasing numbers in [0, 1], one per value; "
            "empty = equally spaced on [0, 1]."
        ),
        json_schema_extra={"label": "knots xᵢ (empty: equally spaced)", "scale": "linear"},
    )

    @field_validator("values")
    @classmethod
    def _values(cls, v: str) -> str:
        parse_numbers(v, "values", -VALUE_LIMIT, VALUE_LIMIT)
        return v

    @field_validator("knots")
    @classmethod
    def _knots(cls, v: str, info: ValidationInfo) -> str:
        if not v.strip():
            return v
        x = parse_numbers(v, "knots", 0.0, 1.0)
        if "values" in info.data:
            n = parse_numbers(info.data["values"], "values", -VALUE_LIMIT, VALUE_LIMIT).size
            if x.size != n:
                raise ValueError(f"{x.size} knots for {n} values; give one knot per value")
        bad = np.flatnonzero(np.diff(x) <= 0)
        if bad.size:
            i = int(bad[0])
            raise ValueError(
                f"knots must be strictly increasing: item {i + 2} ({x[i + 1]:g}) ≤ item "
                f"{i + 1} ({x[i]:g})"
            )
        return v

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        y = parse_numbers(self.values, "values", -VALUE_LIMIT, VALUE_LIMIT)
        x = (
            parse_numbers(self.knots, "knots", 0.0, 1.0)
            if self.knots.strip()
            else equispaced(y.size)
        )
        return x, y


def exported_networks(p: Params) -> list:
    x, y = p.arrays()
    n = x.size
    return [
        network_export(
            f"width-{n} network: one hidden layer, one unit per knot",
            cpwl.shallow_network(x, y),
            notes=["f(x) = y₀ + Σᵢ cᵢ σ(x − xᵢ), with cᵢ the change of slope at knot i."],
        ),
        network_export(
            f"width-5 network: {n + 1} hidden layers, one knot per layer",
            cpwl.deep_network(x, y),
            notes=[
                "Every hidden layer holds σ(x), σ(−x), σ(S), σ(−S) and the next hinge; "
                "S is the partial sum so far (the last hidden layer holds σ(f), σ(−f))."
            ],
        ),
    ]


def compute(p: Params) -> SceneResult:
    x, y = p.arrays()
    n = x.size
    # measure: both realisations against f, exactly at their knots
    shallow = cpwl.realise(cpwl.shallow_network(x, y), x, y, CHECK_DOMAIN)
    deep = cpwl.realise(cpwl.deep_network(x, y), x, y, CHECK_DOMAIN)
    allowance = cpwl.exactness_allowance(x, y, CHECK_DOMAIN)
    where = f"on [{CHECK_DOMAIN[0]:g}, {CHECK_DOMAIN[1]:g}]"
    exact = "taken at the network's exactly propagated knots and the data knots"
    return SceneResult(
        metrics={
            "knots": n,
            "pieces": cpwl.pieces(x, y),
            "width_shallow": max(shallow.widths),
            "depth_shallow": shallow.depth,
            "nodes_shallow": networks.hidden_nodes(shallow.network),
            "width_deep": max(deep.widths),
            "depth_deep": deep.depth,
            "nodes_deep": networks.hidden_nodes(deep.network),
            "max_dev_shallow": shallow.deviation,
            "max_dev_deep": deep.deviation,
        },
        checks=[
            Check(
                f"sup |width-{n} network − f| {where} = 0",
                shallow.deviation,
                0.0,
                "==",
                rounding=allowance,
                note=exact,
            ),
            Check(
                f"sup |width-5 network − f| {where} = 0",
                deep.deviation,
                0.0,
                "==",
                rounding=allowance,
                note=exact,
            ),
            Check("width of the deep network = 5", max(deep.widths), 5, "=="),
            Check(f"depth of the deep network = N + 3 = {n + 3}", deep.depth, n + 3, "=="),
            Check(f"width of the shallow network = N = {n}", max(shallow.widths), n, "=="),
        ],
        plots=[
            _function_plot(x, y, shallow, deep),
            _layers_plot(x, y),
            _architectures_plot(shallow, deep),
        ],
        notes=_notes(allowance),
    )


def _on_unit_interval(t: np.ndarray) -> np.ndarray:
    """The knots inside (0, 1) and the interval's ends: where the plotted curve bends."""
    return np.union1d(t[(t > 0.0) & (t < 1.0)], [0.0, 1.0])


def _function_plot(
    x: np.ndarray, y: np.ndarray, shallow: cpwl.Realisation, deep: cpwl.Realisation
) -> Plot:
    n = x.size
    t_s, t_d = _on_unit_interval(shallow.knots), _on_unit_interval(deep.knots)
    return Plot(
        "function",
        f"f with {n} knots and the two networks that compute it exactly",
        Axis("x"),
        Axis("f(x)"),
        [
            line("f, the linear interpolant of the knots", x, y, "target"),
            line(
                f"width-{n} network (1 hidden layer)",
                t_s,
                networks.evaluate(shallow.network, t_s),
                "construction",
            ),
            line(
                f"width-5 network ({n + 1} hidden layers)",
                t_d,
                networks.evaluate(deep.network, t_d),
                "reference",
            ),
            markers(KNOTS_TRACE, x, y, "highlight"),
        ],
        caption=(
            "Both networks, evaluated at their own exact knots, lie on f everywhere. Drag a "
            "knot: the networks are rebuilt and still coincide with f."
        ),
    )


def _layers_plot(x: np.ndarray, y: np.ndarray) -> Plot:
    # every Sₖ is piecewise linear with kinks at the data knots only: drawn exactly there
    t = np.union1d(x, [0.0, 1.0])
    S = cpwl.partial_sums(x, y, t)
    last = S.shape[0] - 1
    shown = np.unique(np.linspace(0, last, min(SHOWN_LAYERS, S.shape[0])).astype(int))
    inner = [(f"layer {k + 1}", t, S[k]) for k in shown if k != last]
    return Plot(
        "layers",
        "Inner layers of the deep network: partial sums Sₖ, one knot per layer",
        Axis("x"),
        Axis("Sₖ(x) = σ(S) − σ(−S) in layer k"),
        [
            *context_curves("inner layers: Sₖ", inner),
            line(f"layer {last + 1}: the whole sum, f", t, S[last], "construction"),
        ],
        caption=(
            "Layer k carries the partial sum Sₖ: it agrees with f up to the k-th knot and "
            "runs straight on beyond it; each layer bends it at one more knot, and the last "
            "one is f."
        ),
    )


def _architectures_plot(shallow: cpwl.Realisation, deep: cpwl.Realisation) -> Plot:
    return Plot(
        "architectures",
        "Hidden-layer widths of the two realisations",
        Axis("hidden layer", integer=True),
        Axis("width (ReLU units)", integer=True),
        [
            bars(
                f"shallow: {sum(shallow.widths)} nodes",
                np.arange(1, len(shallow.widths) + 1),
                shallow.widths,
                "construction",
            ),
            bars(
                f"deep: {sum(deep.widths)} nodes",
                np.arange(1, len(deep.widths) + 1),
                deep.widths,
                "reference",
            ),
        ],
        caption="One function, two shapes: N units in one layer, or 5 units in each of N + 1 "
        "layers.",
    )


def _notes(allowance: float) -> list[str]:
    return [
        "f is the linear interpolant of the knots, constant before the first and after the "
        "last. With slopes sᵢ between knots and the changes of slope cᵢ = sᵢ − sᵢ₋₁ (the "
        "first is the first slope, the last undoes the last slope), "
        "f(x) = y₀ + Σᵢ cᵢ σ(x − xᵢ) on all of ℝ: the shallow network is this sum, one "
        "unit per knot.",
        "The deep network adds one hinge per layer: every hidden layer holds σ(x), σ(−x), "
        "σ(S), σ(−S) and the next hinge σ(x − xⱼ), where S is the partial sum so far "
        "(any sign, hence the pair) — width 5. N such layers plus one that completes "
        "the sum: N + 1 hidden layers, N + 2 affine maps, depth N + 3 counting the input "
        "and output layers as seed 004 does. Inner layer k carries (x, Sₖ(x)), the "
        "representation on Ω = [0, 1] × ℝ the theorem's Besov estimate refers to.",
        f"Exactness: sup |network − f| over [{CHECK_DOMAIN[0]:g}, {CHECK_DOMAIN[1]:g}] is "
        "taken at the networks' exactly propagated knots and the data knots (all three "
        "functions are piecewise linear there); it is 0 in exact arithmetic, and the "
        f"allowance {allowance:.1e} is float64 rounding of the N-term sums.",
    ]


SCENE = Scene(
    id="cpwl",
    title="Piecewise-linear functions: wide and shallow, or width 5 and deep",
    chapter=DEPTH,
    summary=(
        "A piecewise-linear function from its knots as a width-N shallow network and a "
        "width-5 deep network, both exact."
    ),
    primary_plot="function",
    source="004, Theorem 2.2",
    statement=(
        r"A continuous piecewise-linear $f:[0,1]\to\mathbb{R}$ with $N$ knots is exactly a "
        r"one-hidden-layer ReLU network of width $N$, "
        r"$f(x) = y_0 + \sum_{i<N} c_i\,\sigma(x - x_i)$, and exactly a ReLU network of "
        r"width 5 and depth $N+3$, whose inner layers carry $(x, S_k(x))$ with $S_k$ the "
        r"partial sums."
    ),
    params=Params,
    compute=compute,
    networks=exported_networks,
    metric_labels={
        "knots": "knots N",
        "pieces": "affine pieces of f between its first and last knot",
        "width_shallow": "width (shallow)",
        "depth_shallow": "depth (shallow; input + hidden + output)",
        "nodes_shallow": "ReLU nodes (shallow)",
        "width_deep": "width (deep)",
        "depth_deep": "depth (deep; input + hidden + output)",
        "nodes_deep": "ReLU nodes (deep)",
        "max_dev_shallow": "sup |shallow − f|",
        "max_dev_deep": "sup |deep − f|",
    },
    widgets=(
        {
            "type": "drag-knots",
            "plot": "function",
            "trace": KNOTS_TRACE,
            "x_param": "knots",
            "y_param": "values",
            "x_range": [0.0, 1.0],
            "y_range": [-VALUE_LIMIT, VALUE_LIMIT],
            "min_points": MIN_KNOTS,
            "max_points": MAX_KNOTS,
        },
    ),
)
