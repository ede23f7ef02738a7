"""A theorem's inequality evaluated on a construction: ``measured <relation> bound``.

Pure data, no web imports: theory functions return :class:`Check` rows (e.g.
:func:`approxlab.theory.depth.pieces.report`), the scene engine re-exports the class as
``approxlab.scenes.base.Check`` and the API serializes it with :meth:`Check.to_dict`.
The relations are declared here once (:data:`Relation`); the visual vocabulary
(:mod:`approxlab.scenes.vocabulary`) serves them to the frontend.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Relation = Literal["<=", ">=", "=="]


@dataclass(frozen=True)
class Check:
    """A theorem's inequality evaluated on the construction: ``measured <relation> bound``.

    ``rounding`` is the floating-point rounding allowance of the *measurement* (a few ulps
    of the magnitudes it is computed from), for bounds that the construction attains with
    equality in exact arithmetic — e.g. Proposition 2.1 for ``|x − 1/2|``, where every cell
    has error exactly ε.  It is 0 for exact quantities (counts, dyadic arithmetic) and is
    reported with the check, never hidden.

    ``confidence`` marks a probabilistic statement ("with probability ≥ 1 − δ over the
    draw", or a bound on an expectation checked on finitely many draws): the check may
    legitimately fail for some seeds; ``confidence`` is the stated probability (``None``
    for deterministic statements, which must hold for every parameter value).
    """

    name: str
    measured: float
    bound: float
    relation: Relation
    rounding: float = 0.0
    confidence: float | None = None
    #: Optional words for the row (e.g. "corrected from the printed 32d").
    note: str | None = None

    @property
    def holds(self) -> bool:
        m, b, r = self.measured, self.bound, self.rounding
        if self.relation == "<=":
            return bool(m <= b + r)
        if self.relation == ">=":
            return bool(m >= b - r)
        return bool(abs(m - b) <= r)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "holds": self.holds,
            "measured": self.measured,
            "bound": self.bound,
            "relation": self.relation,
            "rounding": self.rounding,
            "confidence": self.confidence,
            **({"note": self.note} if self.note else {}),
        }
