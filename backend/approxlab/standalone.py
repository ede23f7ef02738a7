"""A standalone offline demo: one scene in one self-contained HTML file.

``approxlab export <scene> [name=value …] -o FILE.html`` and
``GET /api/v1/scenes/{id}/export.html`` write the same file: Plotly.js, the page's CSS and
script, and the scene's results at every value of one slider (the *swept* parameter, by
default the scene's first visible slider; every other parameter keeps its value) are
inlined, so the slider works from ``file://`` with no server and no network — a
Content-Security-Policy meta tag forbids every request.

The plots are drawn by the frontend's own trace mapping (``frontend/js/plots.js`` and
``format.js``, inlined as they are) with the role colours and dashes of
:mod:`approxlab.scenes.vocabulary`.

**Size.**  The file stays under :data:`MAX_BYTES` (20 MB).  When the slider has more
steps than fit (or than ``--values`` allows), the file holds a subset chosen evenly on the
slider's own scale (logarithmic for a log slider), always including both ends and the
current value; the file says how many of the slider's values it holds and how they were
chosen.
"""

from __future__ import annotations

import html
import math
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import orjson
from pydantic import ValidationError

from approxlab import __version__
from approxlab.scenes.base import Scene, SceneParams
from approxlab.scenes.vocabulary import ROLES

#: The largest file written (bytes).
MAX_BYTES = 20_000_000
#: The most slider values a file holds (the command line's ``--values`` may ask for fewer).
MAX_VALUES = 201
#: Slider values precomputed when nothing else is asked.
DEFAULT_VALUES = 101

HERE = Path(__file__).resolve().parent
RUNTIME = HERE / "static" / "standalone"
#: Frontend modules inlined (with their own imports, in dependency order).
FRONTEND_MODULES = ("format.js", "plots.js", "panels.js")

CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data: blob:; font-src data:; base-uri 'none'; form-action 'none'"
)

CHOICE_NOTE = (
    "When the slider has more steps than fit in the file (at most {max_values} values and "
    "20 MB), the values are chosen evenly on the slider's own scale (logarithmic for a log "
    "slider), always including both ends and the current value."
)


class ExportError(ValueError):
    """Bad input: ``field`` names the parameter at fault (a 422 on the API)."""

    def __init__(self, field: str, message: str):
        super().__init__(field, message)  # picklable: raised in the heavy process pool too
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


# ------------------------------------------------------------------ the slider's values


@dataclass(frozen=True)
class Grid:
    """The values a control offers, with their positions on the slider's own scale."""

    name: str
    label: str
    kind: str  # "slider" | "select" | "switch"
    log: bool
    positions: tuple[float, ...]
    values: tuple[Any, ...]
    options: dict[str, str] = field(default_factory=dict)


def _finite(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _precision(v: float, sig: int) -> float:
    return float(f"{v:.{sig}g}")


def grid_of(name: str, prop: dict[str, Any]) -> Grid | None:
    """Every value of a parameter's control, as the frontend's slider steps through them
    (``frontend/js/controls.js``, ``NumberSpec``); ``None`` for a free-text field."""
    label = str(prop.get("label") or prop.get("title") or name)
    if "enum" in prop:
        values = tuple(prop["enum"])
        options = {str(k): str(v) for k, v in (prop.get("options") or {}).items()}
        return Grid(name, label, "select", False, tuple(range(len(values))), values, options)
    if prop.get("type") == "boolean":
        return Grid(name, label, "switch", False, (0.0, 1.0), (False, True))
    if prop.get("type") not in ("integer", "number"):
        return None
    is_int = prop["type"] == "integer"
    default = prop.get("default")
    lo_v = prop.get("minimum", prop.get("exclusiveMinimum"))
    hi_v = prop.get("maximum", prop.get("exclusiveMaximum"))
    if not _finite(lo_v) or not _finite(hi_v):
        return None  # an unbounded field has no slider to sweep
    log = prop.get("scale") == "log" and lo_v > 0 and hi_v > lo_v
    lo = math.log10(lo_v) if log else float(lo_v)
    hi = math.log10(hi_v) if log else float(hi_v)
    step = float(prop.get("step") or 0)
    if not step > 0:
        step = 1.0 if is_int and not log else (hi - lo) / 100
    if is_int and not log:
        step = float(max(1, round(step)))
    if "minimum" not in prop:
        lo += step
    if "maximum" not in prop:
        hi -= step
    hi = max(hi, lo)
    sig = max(3, math.ceil(-math.log10(10**step - 1)) + 1) if log else 12
    k = math.floor((hi - lo) / step + 1e-9)
    positions = [lo + i * step for i in range(k + 1)]
    if abs(lo + k * step - hi) > 1e-9 * max(1.0, abs(step)):
        positions.append(hi)

    def value_at(pos: float) -> float | int:
        v = _precision(10**pos if log else pos, sig)
        v = min(hi_v, max(lo_v, v))
        if is_int:
            return int(min(math.floor(hi_v), max(math.ceil(lo_v), round(v))))
        return v

    seen: dict[Any, float] = {}
    for pos in positions:
        seen.setdefault(value_at(pos), pos)
    del default
    return Grid(name, label, "slider", log, tuple(seen.values()), tuple(seen))


def _visible(prop: dict[str, Any], params: dict[str, Any]) -> bool:
    if prop.get("hidden"):
        return False
    for other, want in (prop.get("visible_when") or {}).items():
        allowed = want if isinstance(want, list) else [want]
        if params.get(other) not in allowed:
            return False
    return True


def default_sweep(scene: Scene, params: dict[str, Any]) -> str:
    """The scene's first visible slider (else its first visible control with values)."""
    props = scene.params.model_json_schema()["properties"]
    candidates = [(n, p) for n, p in props.items() if _visible(p, params)]
    for kinds in (("slider",), ("select", "switch")):
        for name, prop in candidates:
            g = grid_of(name, prop)
            if g is not None and g.kind in kinds and len(g.values) > 1:
                return name
    raise ExportError("sweep", f"scene '{scene.id}' has no control to sweep")


def sweep_grid(scene: Scene, params: dict[str, Any], sweep: str | None) -> Grid:
    props = scene.params.model_json_schema()["properties"]
    name = sweep or default_sweep(scene, params)
    if name not in props:
        raise ExportError(
            "sweep",
            f"unknown parameter '{name}'; scene '{scene.id}' takes "
            f"{', '.join(n for n, p in props.items() if not p.get('hidden'))}",
        )
    prop = props[name]
    g = grid_of(name, prop) if not prop.get("hidden") else None
    if g is None or len(g.values) < 2:
        raise ExportError("sweep", f"'{name}' has no slider or choice to sweep")
    return g


def choose(grid: Grid, current: Any, n: int) -> list[tuple[float, Any]]:
    """At most ``n`` of the grid's (position, value) pairs, evenly spaced on the slider's
    scale, always with both ends and ``current`` (inserted in order if it is not a grid
    value): the current value splits the slider, and each side gets its share of the
    values.  All of them when they fit."""
    pairs = list(zip(grid.positions, grid.values, strict=True))
    cur = _position(grid, current)
    extra = [] if current in grid.values or cur is None else [(cur, current)]
    if len(pairs) + len(extra) <= n:
        return sorted(pairs + extra, key=lambda pv: pv[0])
    n = max(2, n)
    lo, hi = pairs[0][0], pairs[-1][0]

    def spaced(a: float, b: float, k: int) -> list[float]:
        return [a + (b - a) * j / (k - 1) for j in range(k)] if k > 1 else [a]

    if cur is None or not lo < cur < hi or n < 3:
        targets = spaced(lo, hi, n)
    else:
        left = min(n - 2, max(1, round((n - 1) * (cur - lo) / (hi - lo))))
        targets = spaced(lo, cur, left + 1) + spaced(cur, hi, n - left)[1:]
    positions = [p for p, _ in pairs]
    chosen: dict[Any, float] = {}
    for t in targets:
        if cur is not None and t == cur:
            chosen[current] = cur
            continue
        i = min(range(len(pairs)), key=lambda i, t=t: abs(positions[i] - t))
        chosen.setdefault(pairs[i][1], pairs[i][0])
    return sorted(((p, v) for v, p in chosen.items()), key=lambda pv: pv[0])


def _position(grid: Grid, value: Any) -> float | None:
    if value in grid.values:
        return grid.positions[grid.values.index(value)]
    if grid.kind != "slider" or not _finite(value):
        return None
    if grid.log:
        return math.log10(value) if value > 0 else None
    return float(value)


# ------------------------------------------------------------------ computing the results


@dataclass
class Export:
    """The written file and what it holds."""

    html: bytes
    scene: str
    sweep: str
    values: list[Any]
    slider_values: int
    skipped: list[Any]
    seconds: float

    @property
    def size(self) -> int:
        return len(self.html)

    def info(self) -> dict[str, Any]:
        return {
            "scene": self.scene,
            "sweep": self.sweep,
            "values": len(self.values),
            "slider_values": self.slider_values,
            "bytes": self.size,
            "seconds": round(self.seconds, 2),
            "skipped": self.skipped,
        }


def _dumps(obj: Any) -> bytes:
    return orjson.dumps(obj, option=orjson.OPT_SERIALIZE_NUMPY)


def parse_assignments(scene: Scene, items: Iterable[str]) -> dict[str, str]:
    """``name=value`` words of the command line → raw params (validated by the scene)."""
    out: dict[str, str] = {}
    fields = scene.params.model_fields
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ExportError(item, "expected name=value")
        if name not in fields:
            raise ExportError(
                name, f"unknown parameter; scene '{scene.id}' takes {', '.join(fields)}"
            )
        out[name] = value.strip()
    return out


def validate(scene: Scene, raw: dict[str, Any]) -> SceneParams:
    try:
        return scene.params.model_validate(raw)
    except ValidationError as e:
        err = e.errors(include_url=False)[0]
        name = str(err["loc"][0]) if err["loc"] else "params"
        raise ExportError(name, str(err["msg"]).removeprefix("Value error, ")) from None


def build(
    scene: Scene,
    params: SceneParams,
    sweep: str | None = None,
    values: int | None = None,
    *,
    max_bytes: int = MAX_BYTES,
    frontend_dir: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Export:
    """The standalone file for ``scene`` at ``params``, sweeping ``sweep`` (default: the
    first visible slider) over at most ``values`` of its values (default
    :data:`DEFAULT_VALUES`) within ``max_bytes``."""
    t0 = time.perf_counter()
    base = params.model_dump()
    grid = sweep_grid(scene, base, sweep)
    limit = DEFAULT_VALUES if values is None else values
    if not 2 <= limit <= MAX_VALUES:
        raise ExportError("values", f"between 2 and {MAX_VALUES}; got {limit}")
    shell = page_shell(frontend_dir)
    results: dict[Any, bytes | None] = {}

    def result(v: Any) -> bytes | None:
        if v not in results:
            try:
                p = scene.params.model_validate({**base, grid.name: v})
                results[v] = _dumps(scene.run(p).to_dict())
            except (ValidationError, ValueError):
                results[v] = None  # a value the scene refuses with the other parameters
            if progress is not None:
                progress(len(results), want)
        return results[v]

    current = base[grid.name]
    chosen = choose(grid, current, limit)
    want = len(chosen)
    # the ends and the current value first: they are in every choice, and their sizes
    # give the budget per value
    probes = [chosen[0][1], chosen[-1][1], current]
    sizes = [len(r) for r in map(result, probes) if r is not None]
    if not sizes:
        raise ExportError(grid.name, "the scene refuses these values with these parameters")
    room = max_bytes - len(shell) - 64 * 1024
    fit = int(room // (max(sizes) * 1.15))
    if fit < 2:
        raise ExportError(
            grid.name,
            f"one result is {max(sizes) / 1e6:.1f} MB: two of them do not fit in "
            f"{max_bytes / 1e6:.0f} MB; choose parameters with smaller plots",
        )
    everything = len(choose(grid, current, 10**9))
    best: tuple[bytes, list[tuple[float, Any]], list[tuple[float, Any]]] | None = None
    shrunk = False
    for _ in range(8):
        chosen = choose(grid, current, min(limit, fit))
        want = len(chosen)
        for _, v in chosen:
            result(v)
        kept = [(pos, v) for pos, v in chosen if results[v] is not None]
        page = render(scene, base, grid, kept, results, shell, want, limit, frontend_dir)
        if len(page) > max_bytes:
            if fit <= 2:
                break
            shrunk = True
            fit = max(2, min(fit - 1, int(fit * max_bytes / len(page) * 0.97)))
            continue
        best = (page, kept, chosen)
        if shrunk or want >= min(limit, everything):
            break
        # repeated arrays are stored once: later values cost less than the first ones
        per_value = (len(page) - len(shell)) / max(1, len(kept))
        grown = int((max_bytes * 0.97 - len(shell)) / per_value)
        if grown <= fit:
            break
        fit = grown
    if best is None:
        raise ExportError(grid.name, f"the file would exceed {max_bytes / 1e6:.0f} MB")
    page, kept, chosen = best
    return Export(
        html=page,
        scene=scene.id,
        sweep=grid.name,
        values=[v for _, v in kept],
        slider_values=len(grid.values),
        skipped=[v for _, v in chosen if results[v] is None],
        seconds=time.perf_counter() - t0,
    )


# ------------------------------------------------------------------ the page


def _script_safe(text: str) -> str:
    """Text for an inline <script>: no "</script" or "<!--" can end or alter it."""
    return re.sub(r"<(/script|!--)", r"\\u003c\1", text, flags=re.I)


_IMPORT = re.compile(r"^\s*import\s*\{([^}]*)\}\s*from\s*[\"']\./([\w./-]+)[\"'];?", re.M)
_BARE_IMPORT = re.compile(r"^\s*import\s*[\"']\./([\w./-]+)[\"'];?", re.M)
_EXPORT_DECL = re.compile(
    r"^export\s+(?:async\s+)?(?:function\*?|const|let|var|class)\s+(\w+)", re.M
)
_EXPORT_LIST = re.compile(r"^export\s*\{([^}]*)\};?", re.M)


def bundle(js_dir: Path, entries: Sequence[str]) -> tuple[str, dict[str, str]]:
    """The frontend's ES modules ``entries`` (and what they import), as one classic
    script: each module in its own function scope, its exports in a ``__mod_<name>``
    object.  Returns the script and the entry → object-name map."""
    order: list[str] = []
    sources: dict[str, str] = {}

    def visit(rel: str, stack: tuple[str, ...] = ()) -> None:
        if rel in sources or rel in stack:
            return
        text = (js_dir / rel).read_text(encoding="utf-8")
        base = Path(rel).parent
        for m in [*_IMPORT.finditer(text), *_BARE_IMPORT.finditer(text)]:
            dep = m.group(m.lastindex or 1)
            visit(str((base / dep).as_posix()).removeprefix("./"), (*stack, rel))
        sources[rel] = text
        order.append(rel)

    for entry in entries:
        visit(entry)

    def var(rel: str) -> str:
        return "__mod_" + re.sub(r"\W", "_", rel.removesuffix(".js"))

    parts = []
    for rel in order:
        text = sources[rel]
        base = Path(rel).parent

        def imp(m: re.Match[str], base: Path = base) -> str:
            names = ", ".join(
                n.strip().replace(" as ", ": ") for n in m.group(1).split(",") if n.strip()
            )
            dep = str((base / m.group(2)).as_posix()).removeprefix("./")
            return f"const {{ {names} }} = {var(dep)};"

        text = _IMPORT.sub(imp, text)
        text = _BARE_IMPORT.sub("", text)
        names = _EXPORT_DECL.findall(text)
        for m in _EXPORT_LIST.finditer(text):
            names += [n.strip().split(" as ")[-1] for n in m.group(1).split(",") if n.strip()]
        text = _EXPORT_LIST.sub("", text)
        text = re.sub(
            r"^export\s+(?=(?:async\s+)?(?:function|const|let|var|class)\b)", "", text, flags=re.M
        )
        if re.search(r"^export\s", text, re.M):
            raise ValueError(f"frontend/js/{rel}: an export this bundler does not understand")
        parts.append(
            f"const {var(rel)} = (() => {{\n{text}\nreturn {{ {', '.join(names)} }};\n}})();"
        )
    return "\n".join(parts), {e: var(e) for e in entries}


@cache
def _read(path: Path, mtime: int) -> str:
    return path.read_text(encoding="utf-8")


def read(path: Path) -> str:
    return _read(path, path.stat().st_mtime_ns)


@cache
def _shell(frontend_dir: Path, stamp: tuple[int, ...]) -> tuple[str, str]:
    from approxlab.app import plotly_js_path

    plotly = plotly_js_path(frontend_dir).read_text(encoding="utf-8")
    modules, names = bundle(frontend_dir / "js", FRONTEND_MODULES)
    runtime = read(RUNTIME / "demo.js")
    script = (
        # the roles of the vocabulary, before the modules: plots.js then never fetches
        'globalThis.APPROXLAB_ROLES = JSON.parse(document.getElementById("demo-data")'
        ".textContent).roles;\n"
        f"{modules}\nconst {{ formatNumber, richText }} = {names['format.js']};\n"
        f"const {{ toPlotly, layoutFor, PLOT_CONFIG }} = {names['plots.js']};\n"
        f"const {{ renderMetrics, renderChecks, renderNotes }} = {names['panels.js']};\n{runtime}"
    )
    return _script_safe(plotly), _script_safe(script)


def _frontend(frontend_dir: Path | None) -> Path:
    if frontend_dir is None:
        from approxlab.settings import Settings

        frontend_dir = Settings().frontend_dir
    return frontend_dir


def page_shell(frontend_dir: Path | None = None) -> bytes:
    """Everything of the page but the results (to budget the size)."""
    plotly, script, css = _parts(frontend_dir)
    return (plotly + script + css).encode()


def _parts(frontend_dir: Path | None) -> tuple[str, str, str]:
    d = _frontend(frontend_dir)
    files = [*sorted((d / "js").glob("*.js")), RUNTIME / "demo.js"]
    plotly, script = _shell(d, tuple(f.stat().st_mtime_ns for f in files))
    return plotly, script, read(RUNTIME / "demo.css")


def _label_of(grid: Grid, v: Any) -> str:
    if grid.kind == "select":
        return grid.options.get(str(v), str(v))
    if grid.kind == "switch":
        return "on" if v else "off"
    return _number_text(v)


def _number_text(v: Any) -> str:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return str(v)
    if isinstance(v, int) or (float(v).is_integer() and abs(v) < 1e15):
        return f"{int(v):,}"
    a = abs(v)
    if a < 1e-3 or a >= 1e9:
        m, e = f"{v:.3e}".split("e")
        return f"{m.rstrip('0').rstrip('.')} × 10^{int(e)}"
    return f"{v:.4g}"


#: Arrays at least this long are stored once per file (``{"$pool": i}`` in the traces).
POOL_MIN = 8


def _pooled(results: list[bytes | None]) -> tuple[list[bytes | None], list[bytes]]:
    """The results with every repeated plot array (a grid of x, a target curve, a heatmap
    that does not depend on the swept value) stored once in a pool."""
    pool: list[bytes] = []
    index: dict[bytes, int] = {}
    out: list[bytes | None] = []
    for raw in results:
        if raw is None:
            out.append(None)
            continue
        r = orjson.loads(raw)
        for plot in r.get("plots", []):
            for t in plot.get("traces", []):
                for k in ("x", "y", "z"):
                    a = t.get(k)
                    if isinstance(a, list) and len(a) >= POOL_MIN:
                        key = orjson.dumps(a)
                        i = index.setdefault(key, len(pool))
                        if i == len(pool):
                            pool.append(key)
                        t[k] = {"$pool": i}
        out.append(orjson.dumps(r))
    return out, pool


def render(
    scene: Scene,
    base: dict[str, Any],
    grid: Grid,
    kept: list[tuple[float, Any]],
    results: dict[Any, bytes | None],
    shell: bytes,
    wanted: int,
    limit: int,
    frontend_dir: Path | None = None,
) -> bytes:
    from approxlab.api.typeset import to_html

    plotly, script, css = _parts(frontend_dir)
    del shell
    props = scene.params.model_json_schema()["properties"]
    values = [v for _, v in kept]
    current = base[grid.name]
    start = values.index(current) if current in values else 0
    total = len(grid.values)
    scale = "logarithmic" if grid.log else "linear"
    if all(v in values for v in grid.values):
        choice = f"This file holds all {total} values of the slider."
        if current not in grid.values:
            choice = choice[:-1] + f", and the value it was made at ({_label_of(grid, current)})."
    else:
        choice = (
            f"This file holds {len(values)} of the slider's {total} values, chosen evenly on "
            f"its {scale} scale, including both ends and the value it was made at "
            f"({_label_of(grid, current)}); the slider moves between them."
        )
    skipped = wanted - len(values)
    if skipped > 0:
        choice += f" {skipped} value(s) are left out: the scene refuses them with these parameters."
    fixed = [
        {
            "label": str(p.get("label") or n),
            "value": _label_of(g, base[n]) if (g := grid_of(n, p)) else str(base[n]),
        }
        for n, p in props.items()
        if n != grid.name and not p.get("hidden") and _visible(p, base)
    ]
    meta = {
        "id": scene.id,
        "title": scene.title,
        "chapter": scene.chapter.heading,
        "source": scene.source,
        "summary": scene.summary,
        "primary_plot": scene.primary_plot,
        "metric_labels": scene.metric_labels,
    }
    sweep = {
        "name": grid.name,
        "label": grid.label,
        "description": str(props[grid.name].get("description", "")),
        "kind": grid.kind,
        "log": grid.log,
        "values": values,
        "labels": [_label_of(grid, v) for v in values],
        "start": start,
        "total": total,
        "choice": choice,
    }
    head = _dumps(
        {"scene": meta, "sweep": sweep, "fixed": fixed, "roles": ROLES, "version": __version__}
    )
    pooled, pool = _pooled([results[v] for v in values])
    data = b"".join(
        [
            head[:-1],
            b',"pool":[',
            b",".join(pool),
            b'],"results":[',
            b",".join(r or b"null" for r in pooled),
            b"]}",
        ]
    ).replace(b"<", b"\\u003c")
    title = html.escape(f"{scene.title} — approxlab offline demo")
    statement = to_html(scene.statement)
    parts = [
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        '<meta name="color-scheme" content="light">\n',
        f'<meta name="generator" content="approxlab {__version__}">\n',
        f"<title>{title}</title>\n<style>\n{css}\n</style>\n</head>\n<body>\n",
        '<main class="demo" id="demo">\n<header class="demo-head">\n',
        f'<p class="eyebrow">{html.escape(scene.chapter.heading)}</p>\n',
        f"<h1 data-rich>{html.escape(scene.title)}</h1>\n",
        '<p class="source"><span class="source-label">Source</span> '
        f"<cite>{html.escape(scene.source)}</cite></p>\n",
        "</header>\n",
        '<div class="columns">\n<div class="side">\n',
        '<section class="card sweep" aria-label="The slider of this file">\n',
        '<div class="sweep-row"><label id="sweep-label" for="sweep">'
        f"{html.escape(grid.label)}</label>"
        '<output id="sweep-value" for="sweep"></output></div>\n',
        f'<input type="range" id="sweep" min="0" max="{len(values) - 1}" step="1" '
        f'value="{start}" aria-describedby="sweep-choice">\n</section>\n',
        f'<div class="sweep-notes"><p class="muted" id="sweep-choice">{html.escape(choice)}</p>\n',
        '<p class="muted" id="fixed"></p></div>\n',
        '<section class="card checks-card" aria-labelledby="checks-title"><h2 id="checks-title">'
        'Theorem checks</h2><p id="checks-summary" class="checks-summary" aria-live="polite">'
        '</p><ul id="checks" class="checks"></ul></section>\n',
        '<section class="card metrics-card" aria-labelledby="metrics-title"><h2 '
        'id="metrics-title">Measured</h2><dl id="metrics" class="metrics"></dl></section>\n',
        "</div>\n",
        '<section class="plots" id="plots" aria-label="Plots"></section>\n</div>\n',
        '<section class="statement" aria-labelledby="statement-title">'
        '<h2 id="statement-title">Statement</h2>'
        f'<p class="summary" data-rich>{html.escape(scene.summary)}</p>\n'
        f"<p>{statement}</p></section>\n",
        '<section class="notes" id="notes-section" aria-labelledby="notes-title" hidden>'
        '<h2 id="notes-title">Notes</h2><ul id="notes"></ul></section>\n',
        '<footer class="muted">An offline demo written by approxlab '
        f"{html.escape(__version__)}: it needs no server and no network; the slider switches "
        "between results computed when the file was made. "
        f"{html.escape(CHOICE_NOTE.format(max_values=limit))}</footer>\n</main>\n",
    ]
    return b"".join(
        [
            "".join(parts).encode(),
            b'<script type="application/json" id="demo-data">',
            data,
            b"</script>\n<script>",
            plotly.encode(),
            b"</script>\n<script>",
            script.encode(),
            b"</script>\n</body>\n</html>\n",
        ]
    )
