"""Print (issue 11.6): every scene at its defaults on at most two A4 pages, as Chromium prints
it (print media, ``page.pdf(format="A4")``) — parameters and source printed, the statement
and the checks printed, the primary plot at the full width and the others two a row, each
plot's title on the same page as its plot, no plot cut, no text under 7 pt.

One page for all scenes (navigated by hash), so the whole file takes well under a minute.
The title-with-plot rule is read from the PDF's text (``pdftotext``, poppler-utils) where it
is installed; the page count and the layout rules are checked without it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from approxlab.scenes.registry import SCENES

PDFTOTEXT = shutil.which("pdftotext")
A4_CONTENT_HEIGHT_PX = (297 - 20) / 25.4 * 96  # css/print.css: @page margin 10mm 12mm
A4_CONTENT_WIDTH_PX = (210 - 24) / 25.4 * 96
MIN_TEXT_PX = 7 * 96 / 72  # 7 pt

# The printed page as the print stylesheet lays it out (print media emulated).
PRINT_FACTS = """(minPx) => {
    const scene = document.getElementById('scene');
    const shown = (el) => el && el.getClientRects().length > 0
        && getComputedStyle(el).visibility !== 'hidden';
    const px = (el) => parseFloat(getComputedStyle(el).fontSize);
    // text smaller than 7 pt (sub/superscripts and formulas excepted)
    const small = [];
    for (const el of scene.querySelectorAll('*')) {
        if (el.closest('math, sub, sup, svg, .js-plotly-plot')) continue;
        const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
        if (own && shown(el) && px(el) < minPx) {
            small.push(`${el.tagName}.${el.className}: ${px(el)}px ${el.textContent.slice(0, 40)}`);
        }
    }
    const params = scene.querySelector('.print-params');
    const statement = document.getElementById('scene-statement');
    const checks = [...document.querySelectorAll('#checks > li')];
    return {
        params: shown(params) ? params.textContent : null,
        statement: shown(statement) ? statement.getBoundingClientRect().height : 0,
        statementText: statement.textContent.trim().length,
        checks: checks.length,
        checksShown: checks.filter(shown).length,
        small,
        cards: [...scene.querySelectorAll('.plot-card')].map(f => {
            const div = f.querySelector('.plot');
            const L = div._fullLayout;
            return {
                id: f.dataset.plot,
                stage: Boolean(f.closest('#plot-stage')),
                title: f.querySelector('.plot-title').textContent,
                caption: (f.querySelector('.plot-caption') || {}).textContent || '',
                breakInside: getComputedStyle(f).breakInside,
                titleBreakAfter: getComputedStyle(f.querySelector('.plot-title')).breakAfter,
                height: f.getBoundingClientRect().height,
                width: L.width,
                plotHeight: L._size.h,
                font: Math.min(L.font.size, L.xaxis.tickfont.size, L.yaxis.tickfont.size,
                               L.showlegend ? L.legend.font.size : Infinity),
            };
        }),
    };
}"""


@pytest.fixture(scope="module")
def printer(browser: Any, browser_context_args: dict) -> Iterator[tuple[Any, dict]]:
    """One page for every scene, watched like conftest's page_guard (per test, below)."""
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    page.set_default_timeout(20_000)
    log: dict[str, list[str]] = {"requests": [], "errors": [], "console": []}
    page.on("request", lambda r: log["requests"].append(r.url))
    page.on("pageerror", lambda e: log["errors"].append(str(e)))
    page.on(
        "console",
        lambda m: log["console"].append(m.text) if m.type in ("error", "warning") else None,
    )
    yield page, log
    context.close()


def _norm(text: str) -> str:
    """Letters and digits only (NFKC): the PDF's text and the page's agree on these."""
    return "".join(c for c in unicodedata.normalize("NFKC", text) if c.isalnum())


def _pdf_pages_text(path: Path, pages: int) -> list[str]:
    out = []
    for i in range(1, pages + 1):
        r = subprocess.run(
            [PDFTOTEXT, "-raw", "-f", str(i), "-l", str(i), str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
        out.append(_norm(r.stdout))
    return out


@pytest.mark.parametrize("scene", list(SCENES))
def test_scene_prints_on_two_a4_pages(printer, base_url, scene, tmp_path):
    """At its defaults: ≤ 2 A4 pages, parameters and statement printed, plots whole and at
    their printed sizes, each title on its plot's page, no text under 7 pt."""
    page, log = printer
    page.emulate_media(media="screen")
    page.goto(f"{base_url}/#/{scene}")
    page.wait_for_function(
        """(s) => { const a = window.approxlab; const p = document.getElementById('plots');
            return a && a.rendered && a.rendered.scene === s && a.idle && p
                && p.dataset.renderSeq === String(a.renderSeq); }""",
        arg=scene,
    )
    page.emulate_media(media="print")
    page.wait_for_function("() => document.documentElement.dataset.printReady === '1'")
    facts = page.evaluate(PRINT_FACTS, MIN_TEXT_PX - 0.05)
    pdf = page.pdf(format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 2, f"{scene}: {pages} pages"

    # the parameters line, the statement and every check are on paper
    assert facts["params"] and "Printed from approxlab" in facts["params"], facts["params"]
    visible = [
        p
        for p in SCENES[scene].params.model_json_schema()["properties"].values()
        if not p.get("hidden")
    ]
    if visible:
        assert facts["params"].startswith("Parameters: "), facts["params"]
    assert facts["statementText"] and facts["statement"] > 10
    assert facts["checksShown"] == facts["checks"]
    assert not facts["small"], f"text under 7 pt: {facts['small'][:5]}"

    # plots: never cut, title kept with its plot, drawn at the printed width, text ≥ 7 pt
    cards = facts["cards"]
    assert cards and cards[0]["stage"]
    for c in cards:
        assert c["breakInside"] == "avoid" and c["titleBreakAfter"] == "avoid", c
        assert c["height"] < A4_CONTENT_HEIGHT_PX, c
        assert c["font"] >= MIN_TEXT_PX - 0.05, c
        assert c["plotHeight"] >= 100, c
    assert abs(cards[0]["width"] - A4_CONTENT_WIDTH_PX) < 2, cards[0]
    more = [c for c in cards if not c["stage"]]
    for i, c in enumerate(more):
        alone = i == len(more) - 1 and len(more) % 2 == 1
        want = A4_CONTENT_WIDTH_PX if alone else A4_CONTENT_WIDTH_PX / 2 - 6
        assert abs(c["width"] - want) < 4, (c["id"], c["width"], want)

    if PDFTOTEXT:
        path = tmp_path / f"{scene}.pdf"
        path.write_bytes(pdf)
        texts = _pdf_pages_text(path, pages)
        assert _norm("Printed from approxlab") in texts[0]
        assert _norm(SCENES[scene].title)[:30] in texts[0]
        # Each title with its caption on one page: a plot's own text is painted after the
        # page's flowing text (Plotly's SVG is positioned), so on the page that holds the
        # whole figure the title runs straight into the caption.
        for c in cards:
            joint = _norm(c["title"])[-30:] + _norm(c["caption"])[:30]
            on = [n + 1 for n, t in enumerate(texts) if joint in t]
            assert len(on) == 1, f"{c['id']}: title and plot not together on one page ({on})"

    # back on screen: every plot at the page's size again, its legend as it was
    page.emulate_media(media="screen")
    page.wait_for_function("() => !('printReady' in document.documentElement.dataset)")
    printed = page.evaluate(
        """() => [...document.querySelectorAll('#scene .plot')].filter(d => d.layout && (
            d.layout.width != null || d.layout.height != null
            || d.data.some(t => String(t.legendgroup || '').startsWith('print-'))))
            .map(d => d.id)"""
    )
    assert not printed, f"plots still in their printed shape: {printed}"
    external = [u for u in log["requests"] if not u.startswith((base_url, "data:", "blob:"))]
    csp = [m for m in log["console"] if "Content Security Policy" in m]
    errors = list(log["errors"])
    for v in log.values():
        v.clear()
    assert not external, f"requests left the server: {external}"
    assert not errors, f"uncaught errors in the page: {errors}"
    assert not csp, f"CSP violations: {csp}"


def test_dark_theme_prints_light(printer, base_url):
    """Paper is white: a scene shown in the dark theme prints in the light colours, plots
    included, and is dark again afterwards."""
    page, log = printer
    page.emulate_media(media="screen")
    page.goto(f"{base_url}/#/sawtooth?theme=dark")
    page.wait_for_function(
        """() => { const a = window.approxlab; const p = document.getElementById('plots');
            return a && a.rendered && a.rendered.scene === 'sawtooth' && a.idle && p
                && p.dataset.renderSeq === String(a.renderSeq); }"""
    )
    colours = """() => ({
        page: getComputedStyle(document.body).backgroundColor,
        text: getComputedStyle(document.getElementById('scene-title')).color,
        plots: [...document.querySelectorAll('#scene .plot')].map(d => d._fullLayout.plot_bgcolor),
    })"""
    dark = page.evaluate(colours)
    assert set(dark["plots"]) == {"#11161e"}, dark
    page.emulate_media(media="print")
    page.wait_for_function("() => document.documentElement.dataset.printReady === '1'")
    paper = page.evaluate(colours)
    assert paper["page"] == "rgb(255, 255, 255)" and paper["text"] == "rgb(0, 0, 0)", paper
    assert set(paper["plots"]) == {"#ffffff"}, paper
    page.emulate_media(media="screen")
    page.wait_for_function("() => !('printReady' in document.documentElement.dataset)")
    assert page.evaluate(colours)["plots"] == dark["plots"]
    assert not log["errors"], log["errors"]
