"""Classroom views (issue 10) and the check card (issue 11.3) in a real browser.

One screen per idea at 1280×720 and 1920×1080, embeds that fit 960×540 and 900×600, presenter
mode, phones at 360 px, the landing page, share buttons and axe-core on every scene. The
scene ids come from GET /api/v1/scenes; each test reuses one page and navigates by hash.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

FIRST_SCREEN = ("#scene-title", "#scene-source", "#plot-stage .plot-card", "#controls")


def scene_ids(app) -> list[str]:
    listing = json.loads(app.page.request.get(f"{app.base_url}/api/v1/scenes").text())
    assert len(listing) >= 20
    return [s["id"] for s in listing]


def go(app, hash_: str) -> None:
    """Navigate by hash inside the loaded page and wait for the scene's render."""
    before = app.render_seq()
    app.page.evaluate("(h) => { location.hash = h; }", hash_)
    app.wait_rendered(before, timeout=45_000)


def box(page, selector: str) -> dict | None:
    return page.evaluate(
        """(sel) => { const e = document.querySelector(sel); if (!e) return null;
            const r = e.getBoundingClientRect();
            return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,
                    width: r.width, height: r.height}; }""",
        selector,
    )


def assert_in_view(page, selector: str, w: int, h: int, where: str) -> None:
    b = box(page, selector)
    assert b and b["width"] > 0 and b["height"] > 0, f"{where}: {selector} not shown"
    inside = b["top"] >= 0 and b["left"] >= 0 and b["bottom"] <= h + 0.5 and b["right"] <= w + 0.5
    assert inside, f"{where}: {selector} at {b} outside {w}×{h}"


AXE = Axe()


def serious_axe_violations(page) -> list[str]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.axe_script)
    result = page.evaluate(
        # Plotly's drawing (an SVG per plot, thousands of nodes) is left out: its text
        # alternative is the figure's caption (aria-labelledby); the toolbar is checked.
        """() => axe.run({exclude: [['.main-svg']]}, {resultTypes: ['violations']})
            .then(r => r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => v.id + ': '
                + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))"""
    )
    return result


# ---------------------------------------------------------------- one screen per idea


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)], ids=["1280x720", "1920x1080"])
def test_every_scene_shows_its_idea_on_the_first_screen(app, size):
    w, h = size
    app.page.set_viewport_size({"width": w, "height": h})
    app.page.goto("/#/")
    expect(app.page.locator("#landing")).to_be_visible()
    problems = []
    if w == 1280:
        violations = serious_axe_violations(app.page)
        if violations:
            problems.append(f"axe, landing at 1280: {violations}")
    for sid in scene_ids(app):
        go(app, f"#/{sid}")
        info = app.page.evaluate("() => window.approxlab.rendered")
        assert info["scene"] == sid
        try:
            for sel in (*FIRST_SCREEN, "#checks-summary"):
                assert_in_view(app.page, sel, w, h, sid)
            # the stage holds the scene's primary plot, drawn by Plotly
            assert app.page.locator("#plot-stage .main-svg").count() > 0, sid
            summary = app.page.locator("#checks-summary").inner_text()
            assert summary.strip(), sid
            assert app.page.evaluate("() => document.documentElement.scrollWidth") <= w
        except AssertionError as e:
            problems.append(str(e))
        if w == 1280:
            violations = serious_axe_violations(app.page)
            if violations:
                problems.append(f"axe, {sid} at 1280: {violations}")
    assert not problems, "\n".join(problems)


def test_primary_plot_is_the_scene_primary_plot(app):
    app.open("#/maurey")
    listing = json.loads(app.page.request.get(f"{app.base_url}/api/v1/scenes").text())
    want = {s["id"]: s["primary_plot"] for s in listing}
    stage = app.page.locator("#plot-stage .plot-card")
    expect(stage).to_have_count(1)
    expect(stage).to_have_attribute("data-plot", want["maurey"])
    # secondary plots follow below the stage; the statement opens and wraps
    assert app.page.locator("#plot-more .plot-card").count() >= 1
    stage_box = box(app.page, "#plot-stage")
    more_box = box(app.page, "#plot-more")
    assert more_box["top"] >= stage_box["bottom"]
    statement = app.page.locator("#scene-statement")
    expect(statement).to_be_hidden()
    app.page.get_by_text("Statement", exact=True).click()
    expect(statement).to_be_visible()
    assert app.page.evaluate(
        "() => { const s = document.getElementById('scene-statement');"
        " return s.scrollWidth <= s.clientWidth + 1; }"
    )


def test_scene_list_toggle_is_remembered(app):
    page = app.page
    app.open("#/threshold")
    toggle = page.get_by_role("button", name="Scenes")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#sidebar")).to_be_visible()
    stage_before = box(page, "#plot-stage")["width"]
    toggle.click()
    expect(page.locator("#sidebar")).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    page.wait_for_function(
        f"() => document.getElementById('plot-stage').offsetWidth > {stage_before}"
    )
    page.reload()
    app.wait_rendered()
    expect(page.locator("#sidebar")).to_be_hidden()
    page.get_by_role("button", name="Scenes").click()
    expect(page.locator("#sidebar")).to_be_visible()


# ---------------------------------------------------------------- check rows in words


def test_check_rows_and_summary_in_words(app):
    page = app.page
    app.open("#/threshold")
    # threshold's equality check: a tiny measured value equals 0 up to rounding
    api = app.api("threshold")
    eq = [i for i, c in enumerate(api["checks"]) if c["relation"] == "=="]
    assert eq
    row = page.locator(f'#checks .check[data-check="{eq[0]}"]')
    expect(row.locator(".check-values")).to_contain_text("= 0 up to rounding (")
    expect(row.locator(".rounding")).to_have_text(" up to rounding (6·10⁻¹⁴)")
    summary = page.locator("#checks-summary")
    n = len(api["checks"])
    expect(summary).to_have_text(f"All {n} checks hold")
    # the summary opens and closes the full list
    details = page.locator("#checks-details")
    was_open = details.evaluate("d => d.open")
    summary.click()
    assert details.evaluate("d => d.open") != was_open

    # probabilistic rows say so; a check's note is shown with it
    go(app, "#/maurey")
    prob = page.locator("#checks .check.probabilistic")
    expect(prob).to_have_count(1)
    expect(prob.locator(".check-probability")).to_have_text(
        "Probabilistic: holds with probability ≥ 53.1 % over the draw."
    )
    expect(summary).to_have_text("All 3 checks hold · 1 probabilistic check holds")
    go(app, "#/universal")
    expect(page.locator("#checks .check .check-note")).to_contain_text("Theorem 2.5")

    # every wording, on synthetic checks (the panels module itself, in the page)
    out = page.evaluate(
        """async () => {
            const m = await import('/js/panels.js');
            const c = (holds, extra = {}) => ({name: 'a check', holds, measured: 1, bound: 2,
                relation: '<=', rounding: 0, confidence: null, ...extra});
            const p = {confidence: 0.95};
            const ul = document.createElement('ul');
            const s = document.createElement('p');
            const empty = document.createElement('p');
            m.renderChecks(ul, s, [c(true), c(true), c(false, {...p, measured: 3})]);
            const miss = ul.querySelector('.check.probabilistic').textContent;
            const missSummary = s.textContent;
            m.renderChecks(ul, s, [], {empty, emptyText: 'What you see: the construction.'});
            return {
                three: m.checkSummary([c(true), c(true), c(true)]).text,
                oneOfFour: m.checkSummary([c(false), c(true), c(true), c(true)]).text,
                twoOfFour: m.checkSummary([c(false), c(false), c(true), c(true)]).text,
                single: m.checkSummary([c(true)]).text,
                missSummary, miss, state: s.dataset.state,
                emptySummary: s.textContent, emptyText: empty.textContent,
                emptyShown: !empty.hidden, rows: ul.children.length,
                rounding: [m.formatRounding(4e-16), m.formatRounding(1e-16),
                           m.formatRounding(5.59e-14)],
            };
        }"""
    )
    assert out["three"] == "All 3 checks hold"
    assert out["oneOfFour"] == "1 of 4 checks fails"
    assert out["twoOfFour"] == "2 of 4 checks fail"
    assert out["single"] == "The check holds"
    assert out["missSummary"] == "All 2 checks hold · 1 probabilistic check misses (allowed)"
    assert (
        "holds with probability ≥ 95 % over the draw; this draw misses, which the theorem allows"
        in out["miss"]
    )
    assert out["state"] == "none" and out["rows"] == 0
    assert out["emptySummary"] == "What this scene shows"
    assert out["emptyShown"] and out["emptyText"] == "What you see: the construction."
    assert out["rounding"] == ["4·10⁻¹⁶", "10⁻¹⁶", "6·10⁻¹⁴"]


# ---------------------------------------------------------------- presenter mode


def test_presenter_mode(app):
    page = app.page
    page.set_viewport_size({"width": 1280, "height": 720})
    app.open("#/sawtooth?present=1")
    expect(page.locator("body")).to_have_class("present")
    expect(page.locator("#sidebar")).to_be_hidden()
    toggle = page.get_by_role("button", name="Present")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    for sel in (*FIRST_SCREEN, "#checks-summary"):
        assert_in_view(page, sel, 1280, 720, "present")
    sizes = page.evaluate(
        """() => ({
            ticks: [...document.querySelectorAll(
                    '#plot-stage .xtick text, #plot-stage .ytick text')]
                .map(t => parseFloat(getComputedStyle(t).fontSize)),
            title: parseFloat(getComputedStyle(
                document.querySelector('#plot-stage .plot-title')).fontSize),
            stage: document.getElementById('plot-stage').getBoundingClientRect().height,
        })"""
    )
    assert sizes["ticks"] and min(sizes["ticks"]) >= 16, sizes
    assert sizes["title"] >= 28, sizes
    assert sizes["stage"] >= 720 * 0.6, sizes
    # the key P leaves presenter mode (and comes back); the hash keeps the state
    page.locator("#scene-title").focus()
    before = app.render_seq()
    page.keyboard.press("p")
    app.wait_rendered(before)
    expect(page.locator("body")).not_to_have_class("present")
    assert "present" not in app.hash_state()[1]
    expect(page.locator("#sidebar")).to_be_visible()
    toggle.click()
    app.wait_for_params("sawtooth")
    expect(page.locator("body")).to_have_class("present")
    assert app.hash_state()[1].get("present") == "1"
    # ? lists the shortcuts in an accessible dialog; Escape closes it
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Presenter mode")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.get_by_role("button", name="Keyboard shortcuts").click()
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()


# ---------------------------------------------------------------- embeds


def test_every_embed_fits_a_slide(app):
    page = app.page
    page.goto("/#/")
    expect(page.locator("#landing")).to_be_visible()
    ids = scene_ids(app)
    problems = []
    for w, h in ((960, 540), (900, 600)):
        page.set_viewport_size({"width": w, "height": h})
        go_landing(app)
        for sid in ids:
            go(app, f"#/{sid}?embed=1")
            doc = page.evaluate(
                "() => [document.documentElement.scrollHeight,"
                " document.documentElement.scrollWidth]"
            )
            if doc[0] > h or doc[1] > w:
                problems.append(f"{sid} at {w}×{h}: document {doc[1]}×{doc[0]}")
            for sel in ("#plot-stage .plot-card", "#controls", "#checks-summary"):
                try:
                    assert_in_view(page, sel, w, h, f"{sid} embed {w}×{h}")
                except AssertionError as e:
                    problems.append(str(e))
    assert not problems, "\n".join(problems)


def test_embed_options_and_open_link(app):
    page = app.page
    page.set_viewport_size({"width": 960, "height": 540})
    app.open("#/sawtooth?L=5&embed=1&checks=0&controls=L")
    expect(page.locator("#checks-summary")).to_be_hidden()
    expect(page.locator("#control-form .control")).to_have_count(1)
    assert app.plot_ids() == [app.api("sawtooth", L=5)["plots"][0]["id"]]
    link = page.get_by_role("link", name="Open in approxlab")
    expect(link).to_be_visible()
    expect(link).to_have_attribute("target", "_blank")
    href = link.get_attribute("href")
    assert href.endswith("#/sawtooth?L=5&controls=L&checks=0"), href
    app.press("L", "ArrowRight")
    assert link.get_attribute("href").endswith("#/sawtooth?L=6&controls=L&checks=0")
    # plots= picks the plots (the first one on the stage)
    go(app, "#/sawtooth?L=5&embed=1&plots=pieces,sawtooth")
    assert app.plot_ids() == ["pieces", "sawtooth"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 960


# ---------------------------------------------------------------- landing and share


def test_landing_page(app):
    page = app.page
    page.goto("/#/")
    landing = page.locator("#landing")
    expect(landing).to_be_visible()
    expect(page.locator("#scene")).to_be_hidden()
    ids = scene_ids(app)
    cards = page.locator("#landing .scene-card")
    expect(cards).to_have_count(len(ids))
    assert page.locator("#landing .landing-chapter-title").count() >= 4
    first = cards.first
    for part in (".scene-card-title", ".scene-card-source", ".scene-card-summary"):
        assert first.locator(part).inner_text().strip()
    how = page.locator(".how-to")
    for words in ("✓", "✗", "Corrected statements", "Probabilistic checks"):
        expect(how).to_contain_text(words)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1280
    page.locator('#landing .scene-card[data-scene="sawtooth"]').click()
    app.wait_for_params("sawtooth")
    assert app.hash_state()[0] == "sawtooth"
    page.get_by_role("link", name="approxlab, home").click()
    expect(landing).to_be_visible()


def test_share_buttons(app, base_url):
    page = app.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    app.open("#/sawtooth?L=6")
    bar = page.locator("#scene-actions")
    status = bar.locator('[data-share="status"]')
    expect(status).to_have_attribute("aria-live", "polite")
    bar.get_by_role("button", name="Copy link").click()
    expect(status).to_have_text("Copied: link")
    assert page.evaluate("() => navigator.clipboard.readText()") == f"{base_url}/#/sawtooth?L=6"
    bar.get_by_role("button", name="Copy embed snippet").click()
    expect(status).to_have_text("Copied: embed snippet")
    snippet = page.evaluate("() => navigator.clipboard.readText()")
    assert snippet.startswith("<iframe ") and 'width="960" height="540"' in snippet
    assert f'src="{base_url}/#/sawtooth?L=6&amp;embed=1"' in snippet
    # buttons are not duplicated by later renders
    app.press("L", "ArrowRight")
    expect(bar.locator('[data-share="link"]')).to_have_count(1)
    # without the clipboard API the text is shown, selected, in a dialog
    page.evaluate("() => Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    bar.get_by_role("button", name="Copy link").click()
    dialog = page.get_by_role("dialog", name="Copy the link")
    expect(dialog).to_be_visible()
    area = dialog.locator("textarea")
    expect(area).to_have_value(f"{base_url}/#/sawtooth?L=7")
    assert page.evaluate(
        "() => { const a = document.activeElement; return a.selectionEnd - a.selectionStart; }"
    ) == len(f"{base_url}/#/sawtooth?L=7")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


# ---------------------------------------------------------------- phones and accessibility


def test_every_scene_at_360_and_axe(app):
    """No sideways scrolling, summary and controls right after the primary plot, and no
    serious or critical axe-core violation at 360 px (1280 px: in the first-screen test)."""
    page = app.page
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/#/")
    expect(page.locator("#landing")).to_be_visible()
    problems: list[str] = []
    violations = serious_axe_violations(page)
    if violations:
        problems.append(f"landing at 360: {violations}")
    for sid in scene_ids(app):
        go(app, f"#/{sid}")
        sw = page.evaluate("() => document.documentElement.scrollWidth")
        if sw > 360:
            problems.append(f"{sid} at 360: scrollWidth {sw}")
        # the summary follows the primary plot, then the controls
        stage = box(page, "#plot-stage")
        summary = box(page, "#checks-summary")
        controls = box(page, "#controls")
        gap = summary["top"] - stage["bottom"]
        if not (0 <= gap <= 24 and summary["bottom"] <= controls["top"] <= summary["bottom"] + 32):
            problems.append(f"{sid} at 360: order {stage}, {summary}, {controls}")
        violations = serious_axe_violations(page)
        if violations:
            problems.append(f"{sid} at 360: {violations}")
    assert not problems, "\n".join(problems)


def go_landing(app: Any) -> None:
    app.page.evaluate("() => { location.hash = '#/'; }")
    expect(app.page.locator("#landing")).to_be_visible()
