"""Straight-line fits on log-log axes: rates and their standard errors."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SlopeFit:
    """Least-squares fit of ``log y = a + b·log x``, with the slope's standard error from the
    residuals (``n − 2`` degrees of freedom; 0 for two points)."""

    slope: float
    intercept: float
    stderr: float


def log_log_fit(x: np.ndarray, y: np.ndarray) -> SlopeFit:
    lx, ly = np.log(np.asarray(x, dtype=float)), np.log(np.asarray(y, dtype=float))
    xc = lx - lx.mean()
    sxx = float(np.sum(xc * xc))
    b = float(np.sum(xc * (ly - ly.mean())) / sxx)
    a = float(ly.mean() - b * lx.mean())
    resid = ly - a - b * lx
    se = math.sqrt(float(np.sum(resid * resid)) / (lx.size - 2) / sxx) if lx.size > 2 else 0.0
    return SlopeFit(b, a, se)
