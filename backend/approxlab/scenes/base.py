"""The scene engine: declarative scenes (params model + compute) and their results.

A scene is data: an id, a title, its chapter (:mod:`approxlab.scenes.chapters`), the source
(seed file + theorem number), a statement (text with ``$…$`` LaTeX), a one-line summary, a
pydantic params model whose field bounds, defaults and UI hints define the controls, and
``compute(params) -> SceneResult``.  The API and the frontend are generic over scenes;
adding a theorem is one module plus one registry line.

Results are plain dataclasses holding numpy arrays, serialized once by the API (orjson);
:mod:`approxlab.api.schema` has their pydantic mirror for the OpenAPI document.  Trace
kinds, relations and rendering roles are declared once in :mod:`approxlab.scenes.plotkit`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from approxlab.scenes.chapters import Chapter
from approxlab.scenes.vocabulary import Role, TraceKind
from approxlab.theory.core.checks import Check

#: Kept for older imports: a trace's rendering role.
TraceStyle = Role


class SceneParams(BaseModel):
    """Base of every scene's params model: unknown fields and NaN/inf are rejected.

    Defaults are validated too (``validate_default``), so a cross-field cost limit written
    as a field validator also guards a default value combined with a user-given one (e.g.
    the default ε with a user's d).
    """

    model_config = ConfigDict(
        extra="forbid", allow_inf_nan=False, frozen=True, validate_default=True
    )


def param(
    default: Any,
    *,
    label: str,
    description: str,
    ge: float | None = None,
    le: float | None = None,
    step: float | None = None,
    scale: Literal["linear", "log"] = "linear",
    options: dict[str, str] | None = None,
    hidden: bool = False,
    animate: bool = False,
) -> Any:
    """A scene parameter: bounds, default and the UI hints the frontend builds controls from.

    ``step`` is the slider step in the parameter's units (linear scale) or in decades (log
    scale).  ``options`` labels the values of an enumerated parameter.  ``hidden`` params
    live in the URL but get no control (e.g. a plot's zoom window).  ``animate`` offers a
    ▶ control that plays the slider through its values (e.g. training checkpoints).
    """
    hints: dict[str, Any] = {"label": label, "scale": scale}
    if hidden:
        hints["hidden"] = True
    if animate:
        hints["animate"] = True
    if step is not None:
        hints["step"] = step
    if options is not None:
        hints["options"] = options
    return Field(default, ge=ge, le=le, description=description, json_schema_extra=hints)


def seed_param(description: str = "Seed of the random draws (equal seeds, equal results).") -> Any:
    """The ``seed`` parameter of scenes with randomness: 0 … 1,000,000, default 0."""
    return param(0, ge=0, le=1_000_000, step=1, label="seed", description=description)


def width_param(default: int, description: str = "Number of hidden units m.") -> Any:
    """The width ``m`` of chapter 3's two-layer networks: 1 … 100,000 on a log slider."""
    return param(
        default, ge=1, le=100_000, scale="log", step=0.1, label="width m", description=description
    )


@dataclass(frozen=True)
class Trace:
    """One trace of a plot.

    ``band`` traces are closed polygons (``x``, ``y`` go along the upper edge and back
    along the lower edge) drawn filled.  ``step`` traces hold their value from each ``x``
    to the next.  ``style`` is an optional rendering role; the frontend maps it to colour
    and dash.
    """

    name: str
    kind: TraceKind
    x: Sequence[float] | np.ndarray
    y: Sequence[float] | np.ndarray
    z: Sequence[Sequence[float]] | np.ndarray | None = None
    style: Role | None = None
    #: Legend group: traces of one group share one legend entry.
    group: str | None = None
    #: False hides the trace's legend entry.
    legend: bool = True

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind,
            "x": _plot_array(self.x),
            "y": _plot_array(self.y),
        }
        if self.z is not None:
            d["z"] = _plot_array(self.z)
        if self.style is not None:
            d["style"] = self.style
        if self.group is not None:
            d["group"] = self.group
        if not self.legend:
            d["legend"] = False
        return d


def _plot_array(a: Any) -> Any:
    """Plot data travels as float32 (7 significant digits is beyond screen resolution),
    except the x of zoomable plots (:meth:`Plot.to_dict`), which a deep zoom resolves."""
    arr = np.asarray(a)
    if arr.dtype.kind == "f":
        return arr.astype(np.float32)
    return arr


@dataclass(frozen=True)
class Axis:
    label: str
    log: bool = False
    #: Ticks at integers only (depths, counts).
    integer: bool = False
    #: A fixed range ``(lo, hi)`` (in data units, also on log axes).
    range: tuple[float, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"label": self.label, "log": self.log}
        if self.integer:
            d["integer"] = True
        if self.range is not None:
            d["range"] = [float(self.range[0]), float(self.range[1])]
        return d


@dataclass(frozen=True)
class Zoom:
    """The hidden params holding a plot's visible x-window (see docs/contract.md)."""

    lo: str
    hi: str


@dataclass(frozen=True)
class Plot:
    id: str
    title: str
    x: Axis
    y: Axis
    traces: list[Trace]
    #: What to look for (one or two sentences); also the plot's text alternative.
    caption: str = ""
    #: ``"equal"`` for discs and squares.
    aspect: Literal["equal"] | None = None
    zoom: Zoom | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id, "title": self.title}
        if self.caption:
            d["caption"] = self.caption
        d["x"] = self.x.to_dict()
        d["y"] = self.y.to_dict()
        if self.aspect is not None:
            d["aspect"] = self.aspect
        traces = [t.to_dict() for t in self.traces]
        if self.zoom is not None:
            d["zoom"] = {"lo": self.zoom.lo, "hi": self.zoom.hi}
            # Zoomable x travels in float64: a window 10⁻⁶ wide near 0.5 would otherwise show
            # float32's 6·10⁻⁸ steps; the knots arrive exactly as computed.
            for t, td in zip(self.traces, traces, strict=True):
                x = np.asarray(t.x)
                if x.dtype.kind == "f":
                    td["x"] = x.astype(np.float64)
        d["traces"] = traces
        return d


@dataclass
class SceneResult:
    """What ``compute`` returns; :meth:`Scene.run` fills ``scene`` and ``params``."""

    metrics: dict[str, float | int]
    checks: list[Check]
    plots: list[Plot]
    notes: list[str] = field(default_factory=list)
    scene: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "scene": self.scene,
            "params": self.params,
            "metrics": {k: _number(v) for k, v in self.metrics.items()},
            "checks": [c.to_dict() for c in self.checks],
            "plots": [p.to_dict() for p in self.plots],
            "notes": list(self.notes),
        }


def _number(v: float | int) -> float | int:
    if isinstance(v, bool | np.bool_):
        return int(v)
    if isinstance(v, int | np.integer):
        return int(v)
    return float(v)


#: A network in the wire format of ``POST /api/v1/pieces`` (see docs/contract.md).
NetworkExport = dict[str, Any]


@dataclass(frozen=True)
class Scene:
    """A theorem made interactive: metadata, a params model and a pure compute function."""

    id: str
    title: str
    chapter: Chapter
    source: str
    statement: str
    params: type[SceneParams]
    compute: Callable[[Any], SceneResult]
    #: Every metric the scene returns, with its label in words (a test checks the cover).
    metric_labels: dict[str, str] = field(default_factory=dict)
    #: One line of what you will see (landing page cards, the README table).
    summary: str = ""
    #: The plot that carries the theorem (shown first, largest).
    primary_plot: str = ""
    #: The networks the scene builds, samples or trains, for ``/scenes/{id}/networks``.
    networks: Callable[[Any], list[NetworkExport]] | None = None
    #: Opt-in custom interactions the generic frontend offers for this scene, e.g.
    #: ``{"type": "drag-knots", ...}`` or ``{"type": "pieces-json", ...}`` (see frontend/js).
    widgets: tuple[dict[str, Any], ...] = ()

    def run(self, params: SceneParams) -> SceneResult:
        return replace(self.compute(params), scene=self.id, params=params.model_dump())


def window_param(end: Literal["lo", "hi"], domain: tuple[float, float] = (0.0, 1.0)) -> Any:
    """One end of a zoomable plot's visible x-window (docs/contract.md, "Exact zoom"): a
    hidden float param bounded by the domain, defaulting to the domain's end.  A reversed
    or empty window means the whole domain (:func:`approxlab.scenes.plotkit.zoom_window`)."""
    lo, hi = domain
    return param(
        lo if end == "lo" else hi,
        ge=lo,
        le=hi,
        hidden=True,
        label="visible window, " + ("left end" if end == "lo" else "right end"),
        description=(
            f"{'Left' if end == 'lo' else 'Right'} end of the visible x-window of the zoomable "
            "plots (set by zooming; the whole domain when empty or reversed)."
        ),
    )


def checkpoint_param(checkpoints: int, run: str) -> Any:
    """The ``step`` parameter of training scenes: which of the ``checkpoints + 1`` saved
    moments of a training run to show (0: the initialization; ``checkpoints``: the end of
    the ``run``, in words), saved at log-spaced steps; the default is the end, and ▶ plays
    the run."""
    return param(
        checkpoints,
        ge=0,
        le=checkpoints,
        step=1,
        label="training progress (checkpoint)",
        description=(
            f"Which of the {checkpoints + 1} saved moments of training to show: 0 is the "
            f"initialization, {checkpoints} the end of the run ({run}). The saves are "
            "log-spaced — every step at first, then ever further apart; ▶ plays them."
        ),
        animate=True,
    )
