"""The scene convention for targets: a library enum plus ``"custom"``, and the string ``expr``.

Every scene that takes a target offers the library targets and the option ``"custom"``
(label "custom expression…"); the string parameter ``expr`` is used iff
``target == "custom"``.  ``expr`` is declared after the parameters its validation needs, and
validated by a ``field_validator`` so that a bad expression becomes a 422 naming ``expr``
with the parser's message (which points at the position).  Nothing user-typed reaches
``eval``/``exec``: see :mod:`approxlab.theory.core.expressions`.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, ValidationInfo

from approxlab.theory.core import targets
from approxlab.theory.core.expressions import MAX_LENGTH, ExpressionError
from approxlab.theory.core.targets import CUSTOM, CUSTOM_LABEL, Target
from approxlab.theory.shallow.threshold import threshold_width

#: Default custom expression in x (on [0, 1]).
EXPR_DEFAULT = "x*sin(8*x)"


def target_options(names: tuple[str, ...]) -> dict[str, str]:
    """UI labels of a target enum: the library targets' formulas, then "custom expression…"."""
    return {**{n: targets.get(n).label for n in names}, CUSTOM: CUSTOM_LABEL}


def expr_param(default: str = EXPR_DEFAULT, variables: str = "x") -> Any:
    """The ``expr`` parameter: a text input of at most :data:`MAX_LENGTH` characters."""
    return Field(
        default,
        min_length=1,
        max_length=MAX_LENGTH,
        description=(
            f"Custom target g({variables}), used when target = custom: numbers, pi, e, "
            "+ − * / ^, parentheses, sin cos tan exp log sqrt abs tanh min max clip, "
            "comparisons (<, <=, >, >= give 1 or 0) and where(cond, a, b)."
        ),
        json_schema_extra={
            "label": f"custom g({variables})",
            "scale": "linear",
            "visible_when": {"target": CUSTOM},
        },
    )


def custom_target(expr: str, info: ValidationInfo, *, lipschitz: bool) -> Target | None:
    """Validate ``expr`` for a univariate scene; ``None`` unless ``target == "custom"``.

    With ``lipschitz``, g must also be Lipschitz on [0, 1] (finite g′, no jumps).  Parser
    and domain errors become ``ValueError`` so pydantic reports them under ``expr``.
    """
    if info.data.get("target") != CUSTOM:
        return None
    try:
        g = targets.custom(expr)
        if lipschitz:
            targets.checked_lipschitz(g)
    except ExpressionError as e:
        raise ValueError(str(e)) from None
    return g


def custom_target_within_width(expr: str, info: ValidationInfo, *, max_width: int) -> str:
    """Validate a custom, Lipschitz ``expr`` whose uniform grid ⌈ρ/ε⌉ (Proposition 2.1) at the
    already-validated ``eps`` has at most ``max_width`` nodes; the message says which ε works."""
    g = custom_target(expr, info, lipschitz=True)
    eps = info.data.get("eps")
    if g is not None and eps is not None:
        rho = targets.lipschitz(g)
        width = threshold_width(rho, eps)
        if width > max_width:
            raise ValueError(
                f"g = {expr} has ρ ≈ {rho:.4g}, so the uniform grid at ε = {eps:g} needs "
                f"{width:,} threshold nodes, more than the limit of {max_width:,}; "
                f"choose ε ≥ {rho / max_width:.2g}"
            )
    return expr
