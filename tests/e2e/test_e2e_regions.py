"""Scene ``regions`` in Chromium: the partition is drawn as filled polygons with exact
edges, and a construction switches in place (one page; screenshots at three sizes with
APPROXLAB_SCREENSHOTS=1)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_regions_draws_polygons_and_the_sweep(app):
    app.open("#/regions?network=random&width=8&depth=2&seed=0")
    api = app.api("regions", network="random", width=8, depth=2, seed=0)
    assert app.plot_ids() == ["regions", "sweep"]
    drawn = app.plot_data("regions")
    fills = [t for t in drawn if t["mode"] == "lines" and t["n"] > 0]
    assert len(drawn) == len(api["plots"][0]["traces"]) and fills
    assert app.metric("regions").replace(",", "") == str(api["metrics"]["regions"])
    if os.environ.get("APPROXLAB_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        for w, h in ((1280, 720), (960, 540), (360, 740)):
            app.page.set_viewport_size({"width": w, "height": h})
            app.page.locator("#plot-regions").scroll_into_view_if_needed()
            app.page.screenshot(path=str(SHOTS / f"regions-{w}x{h}.png"))
    before = app.render_seq()
    app.page.evaluate("location.hash = '#/regions?network=sawtooth&L=5'")
    app.wait_rendered(before)
    assert app.metric("regions").replace(",", "") == "32"


def test_regions_json_panel_counts_a_pasted_network(app):
    """The panel posts its JSON to /api/v1/regions and draws the answer; an invalid
    network shows the server's message; the scene's own network loads with one click."""
    app.open("#/regions?network=random&width=4&depth=2&seed=3")
    panel = app.page.locator('[data-widget="regions-json"]')
    expect(panel).to_have_attribute("data-state", "ok")
    text = panel.locator("textarea").input_value()
    want = app.page.request.post(f"{app.base_url}/api/v1/regions", data=text).json()["regions"]
    expect(panel.locator(".pieces-caption")).to_contain_text(f"{want} activation region")
    expect(panel.locator(".panel-checks .check")).to_have_count(1)
    panel.locator("textarea").fill('{"layers": [{"weight": [[1]], "bias": [0]}]}')
    panel.get_by_role("button", name="Count regions").click()
    expect(panel.locator(".panel-error")).to_contain_text("2-dimensional")
    panel.get_by_role("button", name="This scene's network").click()
    expect(panel).to_have_attribute("data-state", "ok")
    scene = app.api("regions", network="random", width=4, depth=2, seed=3)
    n = scene["metrics"]["regions"]
    expect(panel.locator(".pieces-caption")).to_contain_text(f"{n} activation region")
