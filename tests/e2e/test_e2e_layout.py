"""Phone width, offline operation (no request leaves the server) and the README screenshot."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import expect

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshot.png"


def test_phone_width_has_no_horizontal_scrolling(app):
    page = app.page
    page.set_viewport_size({"width": 360, "height": 740})
    for hash_ in ("#/threshold?eps=0.001&target=nielsen", "#/sawtooth?L=20", "#/nope"):
        page.goto(f"/{hash_}")
        if "nope" in hash_:
            expect(page.locator("#message")).to_be_visible()
        else:
            app.wait_rendered()
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 360, f"{hash_}: scrollWidth {width}"
    # the sidebar collapses into a select
    page.goto("/#/threshold")
    app.wait_rendered()
    expect(page.locator("#sidebar")).to_be_hidden()
    picker = page.get_by_role("combobox", name="Choose a scene")
    expect(picker).to_be_visible()
    picker.select_option("sawtooth")
    L = app.default("sawtooth", "L")
    app.wait_for_params("sawtooth", L=L)
    assert app.hash() == "#/sawtooth"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    app.press("L", "ArrowRight")
    assert app.metric("pieces") == f"{2 ** (L + 1):,}"


def test_no_request_leaves_the_server(page, app, base_url, page_guard):
    """A tour through every feature; every request must go to the app's own origin."""
    page.goto("/")
    expect(page.locator("#landing")).to_be_visible()
    page.locator('#landing .scene-card[data-scene="threshold"]').click()
    app.wait_for_params("threshold", eps=app.default("threshold", "eps"))
    app.press("eps", "ArrowRight", times=2)
    page.locator('select[data-param="target"]').select_option("square")
    app.wait_for_params("threshold", target="square")
    page.locator('#scene-list a[data-scene="sawtooth"]').click()
    app.wait_for_params("sawtooth", L=app.default("sawtooth", "L"))
    app.press("L", "ArrowRight", times=2)
    page.goto("/#/sawtooth?L=3&embed=1")
    app.wait_for_params("sawtooth", L=3)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/#/threshold?eps=0.3")
    app.wait_for_params("threshold", eps=0.3)
    page.wait_for_load_state("networkidle")
    urls = page_guard["requests"]
    assert any(u.endswith("/vendor/plotly.min.js") for u in urls)
    assert any("/api/v1/scenes/sawtooth" in u for u in urls)
    outside = [u for u in urls if not u.startswith((base_url, "data:", "blob:"))]
    assert outside == []


def test_screenshot_for_the_readme(page, app, tmp_path):
    page.set_viewport_size({"width": 1280, "height": 800})
    app.open("#/threshold")
    page.mouse.move(0, 0)
    page.wait_for_load_state("networkidle")
    # The README's picture is rewritten only on request (APPROXLAB_SCREENSHOTS=1), so a test
    # run leaves the checkout clean; otherwise the shot goes to a temporary file.
    target = SCREENSHOT if os.environ.get("APPROXLAB_SCREENSHOTS") else tmp_path / "shot.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=True, animations="disabled", caret="hide")
    assert target.stat().st_size > 20_000
