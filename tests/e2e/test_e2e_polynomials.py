"""Scene polynomials in Chromium: the preset menu, custom coefficients (shown only for
"custom", a bad list answered in words), the i slider by keyboard, and the layout at three
viewport sizes (screenshots saved when APPROXLAB_SCREENSHOTS names a directory)."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import expect

SHOTS = os.environ.get("APPROXLAB_SCREENSHOTS")
SIZES = [(1280, 720), (960, 540), (360, 740)]


def test_polynomials_presets_custom_coefficients_and_slider(app):
    page = app.page
    app.open("#/polynomials")
    assert app.plot_ids() == ["polynomial", "error", "bound", "nodes"]
    coef = page.locator('#control-form [data-param="coefficients"]')
    expect(coef.first).to_be_hidden()  # only for custom coefficients

    before = app.render_seq()
    page.locator('select[data-param="polynomial"]').select_option("chebyshev4")
    app.wait_rendered(before)
    app.wait_for_params("polynomials", polynomial="chebyshev4")
    assert app.metric("degree").strip() == "4"

    before = app.render_seq()
    page.locator('select[data-param="polynomial"]').select_option("custom")
    app.wait_rendered(before)
    box = page.locator('#control-form input[type="text"][data-param="coefficients"]')
    expect(box).to_be_visible()
    before = app.render_seq()
    box.fill("2, -3, 1")
    box.press("Enter")
    app.wait_rendered(before)
    app.wait_for_params("polynomials", coefficients="2, -3, 1")
    assert app.metric("degree").strip() == "2"

    box.fill("1, x")
    box.press("Enter")
    expect(page.get_by_text("not a number").first).to_be_visible()

    box.fill("1, 0, -0.5, 0")
    box.press("Enter")
    app.wait_for_params("polynomials", coefficients="1, 0, -0.5, 0")
    app.press("i", "ArrowRight")
    assert app.rendered()["params"]["i"] == 4

    if SHOTS:
        out = Path(SHOTS)
        out.mkdir(parents=True, exist_ok=True)
        here = app.hash()
        for w, h in SIZES:
            page.set_viewport_size({"width": w, "height": h})
            page.goto("/about:blank")
            app.open(here)  # fresh, from the top of the page
            page.screenshot(path=str(out / f"polynomials-{w}x{h}.png"))
        page.set_viewport_size({"width": 1280, "height": 720})
        app.open(here)
        page.locator("#plots").screenshot(path=str(out / "polynomials-plots.png"))
