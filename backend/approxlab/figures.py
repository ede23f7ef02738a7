"""SceneResult plots as ``plotly.graph_objects.Figure``s, styled like the app.

The styling comes from the same vocabulary the frontend reads
(:mod:`approxlab.scenes.vocabulary`): one colour and dash per role and theme.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from approxlab.scenes.base import Scene
from approxlab.scenes.vocabulary import ROLES

_BACKGROUND = {"light": "#ffffff", "dark": "#14171c", "contrast": "#ffffff"}
_INK = {"light": "#1d2330", "dark": "#e8eaed", "contrast": "#000000"}
_GRID = {"light": "#e3e7ee", "dark": "#2c323c", "contrast": "#b0b0b0"}


def _rgba(hex_colour: str, alpha: float) -> str:
    n = int(hex_colour[1:], 16)
    return f"rgba({(n >> 16) & 255}, {(n >> 8) & 255}, {n & 255}, {alpha})"


def _trace(t: dict[str, Any], theme: str, seen_groups: set[str]) -> dict[str, Any]:
    role = ROLES.get(t.get("style") or "construction", ROLES["construction"])
    colour = role["color"][theme]
    common: dict[str, Any] = {"name": t["name"], "x": np.asarray(t["x"]), "y": np.asarray(t["y"])}
    group = t.get("group")
    if group is not None:
        common["legendgroup"] = group
        common["showlegend"] = group not in seen_groups and t.get("legend", True)
        seen_groups.add(group)
    elif not t.get("legend", True):
        common["showlegend"] = False
    kind = t["kind"]
    if kind in ("line", "step"):
        shape = "hv" if kind == "step" else "linear"
        line = {"color": colour, "width": role["width"], "dash": role["dash"], "shape": shape}
        return {**common, "type": "scatter", "mode": "lines", "line": line}
    if kind == "markers":
        size = 14 if t.get("style") in ("this-value", "highlight") else 7
        marker = {"color": colour, "size": size, "symbol": role["marker"]}
        return {**common, "type": "scatter", "mode": "markers", "marker": marker}
    if kind == "band":
        return {
            **common,
            "type": "scatter",
            "mode": "lines",
            "fill": "toself",
            "fillcolor": _rgba(colour, 0.18),
            "line": {"width": 0, "color": colour},
        }
    if kind == "bar":
        return {**common, "type": "bar", "marker": {"color": _rgba(colour, 0.85)}}
    return {**common, "type": "heatmap", "z": np.asarray(t["z"]), "colorscale": "Viridis"}


def _axis(ax: dict[str, Any], theme: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "title": {"text": ax["label"]},
        "type": "log" if ax.get("log") else "linear",
        "gridcolor": _GRID[theme],
        "zeroline": False,
        "exponentformat": "power",
    }
    if ax.get("integer"):
        out["tickformat"] = "d"
    if ax.get("range") is not None:
        lo, hi = ax["range"]
        out["range"] = [np.log10(lo), np.log10(hi)] if ax.get("log") else [lo, hi]
    return out


def to_figures(result: dict[str, Any], scene: Scene, theme: str = "light") -> list[Any]:
    """One Figure per plot of ``result`` (a ``SceneResult.to_dict()``), primary plot first."""
    import plotly.graph_objects as go

    if theme not in _BACKGROUND:
        raise ValueError(f"unknown theme {theme!r}; known: {', '.join(_BACKGROUND)}")
    plots = sorted(result["plots"], key=lambda p: p["id"] != scene.primary_plot)
    figures = []
    for plot in plots:
        seen: set[str] = set()
        layout: dict[str, Any] = {
            "title": {"text": f"{plot['title']}<br><sup>{scene.source}</sup>"},
            "xaxis": _axis(plot["x"], theme),
            "yaxis": _axis(plot["y"], theme),
            "paper_bgcolor": _BACKGROUND[theme],
            "plot_bgcolor": _BACKGROUND[theme],
            "font": {"color": _INK[theme]},
            "legend": {"orientation": "h", "y": -0.2},
        }
        if plot.get("aspect") == "equal":
            layout["yaxis"]["scaleanchor"] = "x"
        fig = go.Figure([_trace(t, theme, seen) for t in plot["traces"]], layout)
        if plot.get("caption"):
            fig.add_annotation(
                text=plot["caption"], xref="paper", yref="paper", x=0, y=-0.35, showarrow=False
            )
        figures.append(fig)
    return figures
