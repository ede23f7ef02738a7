"""Offline math typesetting: ``$…$`` LaTeX in statements → MathML, on the server."""

from __future__ import annotations

import html
import re
from functools import cache

from latex2mathml.converter import convert

_MATH = re.compile(r"\$([^$]+)\$")


@cache
def to_html(text: str) -> str:
    """Escape the prose and convert every ``$…$`` span to inline MathML."""
    out: list[str] = []
    pos = 0
    for m in _MATH.finditer(text):
        out.append(html.escape(text[pos : m.start()]))
        out.append(convert(m.group(1)))
        pos = m.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)
