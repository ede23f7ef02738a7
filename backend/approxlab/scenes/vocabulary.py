"""The visual vocabulary, declared once: trace kinds, check relations, rendering roles.

Trace kinds, check relations and rendering *roles* are declared here once (the relations
with the :class:`~approxlab.theory.core.checks.Check` they belong to, re-exported); the result
dataclasses (:mod:`approxlab.scenes.base`), the API schema, the tests and the frontend
(through ``GET /api/v1/vocabulary``) all read them from here.  A role is one colour and one
dash per theme, chosen to stay distinct in greyscale and in the dark and high-contrast
themes (Okabe–Ito hues; luminance steps between roles that share a plot).
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from approxlab.theory.core.checks import Relation

TraceKind = Literal["line", "step", "markers", "heatmap", "bar", "band"]
Role = Literal[
    "target", "construction", "bound", "error", "reference", "highlight", "this-value", "context"
]

TRACE_KINDS: tuple[str, ...] = get_args(TraceKind)
RELATIONS: tuple[str, ...] = get_args(Relation)
THEMES: tuple[str, ...] = ("light", "dark", "contrast")

#: role → how it is drawn.  ``color`` per theme; ``dash`` and ``width`` (px at 16 px font)
#: are shared by the themes; ``marker`` is the symbol when the role is drawn as markers.
ROLES: dict[str, dict[str, Any]] = {
    "target": {
        "label": "target g",
        "dash": "solid",
        "width": 2.6,
        "marker": "circle",
        "color": {"light": "#1f2328", "dark": "#eef1f5", "contrast": "#000000"},
    },
    "construction": {
        "label": "what the proof builds",
        "dash": "solid",
        "width": 2.2,
        "marker": "circle",
        "color": {"light": "#0072b2", "dark": "#56b4e9", "contrast": "#0040a0"},
    },
    "bound": {
        "label": "the theorem's bound",
        "dash": "dash",
        "width": 2.2,
        "marker": "triangle-down",
        "color": {"light": "#d55e00", "dark": "#ff9a4d", "contrast": "#b00000"},
    },
    "error": {
        "label": "measured error",
        "dash": "solid",
        "width": 1.8,
        "marker": "square",
        "color": {"light": "#cc79a7", "dark": "#f2a3d0", "contrast": "#8a008a"},
    },
    "reference": {
        "label": "reference",
        "dash": "dot",
        "width": 2.0,
        "marker": "x",
        "color": {"light": "#6b7280", "dark": "#a7afbb", "contrast": "#3a3a3a"},
    },
    "highlight": {
        "label": "where it matters",
        "dash": "solid",
        "width": 2.0,
        "marker": "diamond",
        "color": {"light": "#e69f00", "dark": "#ffc94d", "contrast": "#b35900"},
    },
    "this-value": {
        "label": "this value",
        "dash": "solid",
        "width": 2.0,
        "marker": "star",
        "color": {"light": "#009e73", "dark": "#3ddc97", "contrast": "#006400"},
    },
    "context": {
        "label": "others, for comparison",
        "dash": "solid",
        "width": 1.0,
        "marker": "circle",
        "color": {"light": "#c3c8d0", "dark": "#4b5361", "contrast": "#9a9a9a"},
    },
}

assert set(ROLES) == set(get_args(Role)), "every role has a style, every style a role"


def vocabulary() -> dict[str, Any]:
    """What ``GET /api/v1/vocabulary`` sends: kinds, relations, roles and themes."""
    return {
        "trace_kinds": list(TRACE_KINDS),
        "relations": list(RELATIONS),
        "roles": ROLES,
        "themes": list(THEMES),
    }
