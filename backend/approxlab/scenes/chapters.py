"""The chapter table: every scene belongs to one of these (seed 003's chapters 2–4, and
attention from seed 000).

Declared once; scenes refer to a chapter by its constant, the API sends its id, number and
title, and the frontend groups the scene list and the landing page by it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Chapter:
    id: str
    number: int
    title: str
    #: Where in the sources the chapter's scenes come from.
    sources: str

    @property
    def heading(self) -> str:
        """``"2 · Constructive approximation"``: how the app labels the chapter."""
        return f"{self.number} · {self.title}"


SHALLOW = Chapter("shallow", 2, "Constructive approximation", "003 §2.1–2.4")
NEAR_INIT = Chapter("near-init", 3, "Near initialization", "003 chapter 3")
DEPTH = Chapter("depth", 4, "Depth", "003 chapter 4; 000, 001, 004")
ATTENTION = Chapter("attention", 5, "Attention", "000 (Sanford, Hsu and Telgarsky 2023)")

CHAPTERS: tuple[Chapter, ...] = (SHALLOW, NEAR_INIT, DEPTH, ATTENTION)
