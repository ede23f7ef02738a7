"""The plotting kit: one call per series, and the role decides colour and dash.

Roles, kinds and relations are declared in :mod:`approxlab.scenes.vocabulary`; this module
builds traces and plots with them so that every scene reads the same way: the target g
dark and solid, the construction blue, bounds dashed, the current parameter one large
marker on its sweep, many comparable curves grey behind the one that matters.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from approxlab.scenes.base import Axis, Plot, Trace
from approxlab.scenes.vocabulary import Role


def line(name: str, x: Any, y: Any, role: Role = "construction", **kw: Any) -> Trace:
    """A polyline through ``(x, y)``."""
    return Trace(name, "line", x, y, style=role, **kw)


def step(name: str, x: Any, y: Any, role: Role = "construction", **kw: Any) -> Trace:
    """A step function holding each ``y`` from its ``x`` to the next."""
    return Trace(name, "step", x, y, style=role, **kw)


def markers(name: str, x: Any, y: Any, role: Role = "highlight", **kw: Any) -> Trace:
    """Points (few: they are drawn large)."""
    return Trace(name, "markers", x, y, style=role, **kw)


def bars(name: str, x: Any, y: Any, role: Role = "construction", **kw: Any) -> Trace:
    return Trace(name, "bar", x, y, style=role, **kw)


def heatmap(name: str, x: Any, y: Any, z: Any) -> Trace:
    """``z[i][j]`` is the value at ``(x[j], y[i])``: rows run along y (Plotly's convention).
    Build ``z`` with ``np.meshgrid(x, y)`` (``indexing="xy"``) so that it cannot be
    transposed by accident."""
    z = np.asarray(z)
    if z.shape != (len(y), len(x)):
        raise ValueError(f"heatmap z has shape {z.shape}, expected (len(y), len(x))")
    return Trace(name, "heatmap", x, y, z=z)


def hline(name: str, value: float, x0: float, x1: float, role: Role = "bound", **kw: Any) -> Trace:
    """A horizontal line at ``value`` from ``x0`` to ``x1`` (a bound, a reference level)."""
    return Trace(name, "line", [x0, x1], [value, value], style=role, **kw)


def this_value(x: float, y: float, name: str = "this value") -> Trace:
    """The current parameter on a sweep: one large marker."""
    return Trace(name, "markers", [x], [y], style="this-value")


def band(name: str, x: Any, lower: Any, upper: Any, role: Role = "bound", **kw: Any) -> Trace:
    """A filled band between ``lower`` and ``upper`` over ``x``, as a closed polygon."""
    x = np.asarray(x, dtype=float)
    xs = np.concatenate([x, x[::-1]])
    ys = np.concatenate([np.broadcast_to(upper, x.shape), np.broadcast_to(lower, x.shape)[::-1]])
    return Trace(name, "band", xs, ys, style=role, **kw)


def sweep(
    id: str,
    title: str,
    caption: str,
    x: Axis,
    y: Axis,
    curves: list[Trace],
    current: tuple[float, float] | None = None,
    current_name: str = "this value",
) -> Plot:
    """A sweep over a parameter (often log-log) with the current value marked."""
    traces = list(curves)
    if current is not None:
        traces.append(this_value(current[0], current[1], current_name))
    return Plot(id, title, x, y, traces, caption=caption)


def context_curves(
    group: str, curves: list[tuple[str, Any, Any]], kind: str = "line"
) -> list[Trace]:
    """Many comparable curves drawn thin and grey behind the one that matters, sharing one
    legend entry (``group``); hover still names each."""
    return [
        Trace(name, kind, x, y, style="context", group=group, legend=i == 0)  # type: ignore[arg-type]
        for i, (name, x, y) in enumerate(curves)
    ]


# ---------------------------------------------------------------------------------------
# Exact at every zoom: piecewise-linear curves with more knots than a screen can show.

#: A window with at most this many knots is drawn exactly, every knot.
EXACT_KNOTS = 20_000
#: Pixel columns of the overview envelope.
ENVELOPE_COLUMNS = 1_200


def zoom_window(lo: float, hi: float, domain: tuple[float, float]) -> tuple[float, float]:
    """The visible x-window: ``(lo, hi)`` clipped to ``domain``; the whole domain when the
    window is empty or reversed (a double-click resets the zoom)."""
    a, b = max(float(lo), domain[0]), min(float(hi), domain[1])
    return (a, b) if a < b else domain


def pl_curve(
    name: str,
    x: np.ndarray,
    y: np.ndarray,
    window: tuple[float, float],
    role: Role = "construction",
    *,
    exact_knots: int = EXACT_KNOTS,
    columns: int = ENVELOPE_COLUMNS,
) -> list[Trace]:
    """A piecewise-linear function given by its knots ``(x, y)`` (x sorted), honestly drawn
    inside ``window``.

    At most ``exact_knots`` knots inside the window: the exact polyline (with the knots just
    outside, so the line reaches the window's edges).  More: an *envelope*, the band between
    the lowest and highest value in each of ``columns`` pixel columns — computed from the
    exact knots (a piecewise-linear function's extremes on a column are at its knots or at
    the column's ends), so it is what the curve fills at this zoom, never an aliased grid
    or a solid block of line; zooming in re-requests the exact knots.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    lo, hi = window
    i0 = max(int(np.searchsorted(x, lo, side="right")) - 1, 0)
    i1 = min(int(np.searchsorted(x, hi, side="left")) + 1, x.size)
    xs, ys = x[i0:i1], y[i0:i1]
    if xs.size <= exact_knots:
        return [line(name, xs, ys, role)]
    # column extremes: knots inside each column, plus the curve's values at column edges
    edges = np.linspace(lo, hi, columns + 1)
    at_edges = np.interp(edges, x, y)
    inside = (xs >= lo) & (xs <= hi)
    xi, yi = xs[inside], ys[inside]
    col = np.clip(((xi - lo) / (hi - lo) * columns).astype(np.int64), 0, columns - 1)
    upper = np.maximum(at_edges[:-1], at_edges[1:])
    lower = np.minimum(at_edges[:-1], at_edges[1:])
    starts = np.flatnonzero(np.diff(col, prepend=-1))  # x sorted: each column one run
    used = col[starts]
    upper[used] = np.maximum(upper[used], np.maximum.reduceat(yi, starts))
    lower[used] = np.minimum(lower[used], np.minimum.reduceat(yi, starts))
    centres = (edges[:-1] + edges[1:]) / 2
    pieces = xi.size + 1
    return [
        band(
            f"{name}: {pieces:,} pieces here, too many to draw — zoom in for every knot",
            centres,
            lower,
            upper,
            role,
        )
    ]


#: In a whole-domain overview a curve with more knots than this is drawn as its envelope:
#: more than one knot every two pixel columns reads as a solid block of ink.
OVERVIEW_KNOTS = ENVELOPE_COLUMNS // 2


def pl_view(
    name: str,
    x: np.ndarray,
    y: np.ndarray,
    window: tuple[float, float],
    domain: tuple[float, float],
    role: Role = "construction",
    envelope_name: str | None = None,
    pieces: int | None = None,
) -> list[Trace]:
    """:func:`pl_curve` for a zoomable plot: the whole-domain overview draws the envelope
    beyond :data:`OVERVIEW_KNOTS` knots (never a solid block); a zoomed window draws every
    knot up to :data:`EXACT_KNOTS` (docs/contract.md, "Exact zoom").  An envelope is named
    (``envelope_name``, default ``name``) with the exact number of pieces in the window —
    true breakpoints, not knots (``pieces``, when the caller has counted them already)."""
    from dataclasses import replace

    from approxlab.theory.core.networks import PiecewiseLinear

    limit = OVERVIEW_KNOTS if tuple(window) == tuple(domain) else EXACT_KNOTS
    traces = pl_curve(name, x, y, window, role, exact_knots=limit)
    if traces[0].kind == "band":  # name it with the exact count of pieces in the window
        lo, hi = window
        if pieces is None:
            i0 = max(int(np.searchsorted(x, lo, side="right")) - 1, 0)
            i1 = min(int(np.searchsorted(x, hi, side="left")) + 1, len(x))
            bp = PiecewiseLinear(np.asarray(x[i0:i1]), np.asarray(y[i0:i1])).breakpoints()
            pieces = int(np.count_nonzero((bp > lo) & (bp < hi))) + 1
        traces[0] = replace(
            traces[0],
            name=f"{envelope_name or name}: {pieces:,} pieces here, too many to draw — zoom in "
            "for every knot",
        )
    return traces


def window_band(name: str, lo: float, hi: float, y0: float, y1: float) -> Trace:
    """A shaded x-window ``[lo, hi]`` from ``y0`` to ``y1`` (a suggested zoom, a detail)."""
    return band(name, [lo, hi], [y0, y0], [y1, y1], role="highlight")


# ---------------------------------------------------------------------------------------
# Indices in running text: "T₈⁴", "h₁₀", "2ᵏ" — words, not TeX.

_SUBSCRIPT_DIGITS = str.maketrans("0123456789-", "₀₁₂₃₄₅₆₇₈₉₋")
_SUPERSCRIPT_DIGITS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def subscript(n: int) -> str:
    """``n`` in Unicode subscript digits (``subscript(10) == "₁₀"``)."""
    return str(n).translate(_SUBSCRIPT_DIGITS)


def superscript(n: int) -> str:
    """``n`` in Unicode superscript digits (``superscript(4) == "⁴"``)."""
    return str(n).translate(_SUPERSCRIPT_DIGITS)
