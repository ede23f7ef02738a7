"""Scene ``regions`` in Chromium: the partition is drawn as filled polygons with exact
edges, and a construction switches in place (one page; screenshots at three sizes with
APPROXLAB_SCREENSHOTS=1)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
