"""Scene reciprocal in Chromium: the sliders by keyboard, the plots over [a, 1] (the zoom
window moves with a), exact zoom into the hash and back, the network panel evaluating over
[a, 1], and the layout at three viewport sizes (screenshots saved when
APPROXLAB_SCREENSHOTS names a directory)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from playwright.sync_api import expect

from approxlab.theory.depth import reciprocal as rc

SHOTS = os.environ.get("APPROXLAB_SCREENSHOTS")
SIZES = [(1280, 720), (960, 540), (360, 740)]

X_RANGE = """(id) => document.getElementById(id)._fullLayout.xaxis.range"""


def test_reciprocal_sliders_zoom_and_network_panel(app):
    page = app.page
    page.set_viewport_size({"width": 1280, "height": 720})
    app.open("#/reciprocal")
    assert app.plot_ids() == ["reciprocal", "error", "bound", "nodes"]
    assert app.metric("degree").strip() == "15"
    lo, hi = page.evaluate(X_RANGE, "plot-reciprocal")
    assert abs(lo - 0.25) < 1e-9 and hi == 1

    # keyboard: n up by one (degree 31), a moves the plots' interval with it
    app.press("n", "ArrowRight")
    app.wait_for_params("reciprocal", n=5)
    assert app.metric("degree").strip() == "31"
    app.press("a", "ArrowRight")
    a = app.rendered()["params"]["a"]
    assert a > 0.25
    lo, hi = page.evaluate(X_RANGE, "plot-reciprocal")
    assert abs(lo - a) < 1e-9 and hi == 1

    # zoom: the window goes into the hash and every knot inside comes back
    page.evaluate(
        "() => Plotly.relayout('plot-reciprocal', {'xaxis.range[0]': 0.4, 'xaxis.range[1]': 0.5})"
    )
    app.wait_for_params("reciprocal", n=5, x_lo=0.4, x_hi=0.5)
    f = page.evaluate(
        """() => { const t = document.getElementById('plot-reciprocal').data
                     .find(t => t.name === 'f, the network');
                   return {x: Array.from(t.x), y: Array.from(t.y)}; }"""
    )
    pl = rc.measure(a, 5, 4).pl
    inside = pl.x[(pl.x > 0.4) & (pl.x < 0.5)]
    x = np.array(f["x"])
    assert inside.size > 3 and np.isin(np.float32(inside), np.float32(x)).all()
    assert page.evaluate(X_RANGE, "plot-reciprocal") == [0.4, 0.5]
    # double-click: the whole interval [a, 1] again
    page.dblclick("#plot-reciprocal .nsewdrag")
    page.wait_for_function(
        """(a) => { const r = document.getElementById('plot-reciprocal')._fullLayout.xaxis.range;
                    return Math.abs(r[0] - a) < 1e-9 && r[1] === 1; }""",
        arg=a,
    )

    # the network panel evaluates the exported network over [a, 1]
    button = page.locator('#scene-actions [data-action="network"]')
    expect(button).to_have_accessible_name("Show the network")
    button.click()
    page.wait_for_selector('#network-panel[data-state="ready"]')
    state = page.evaluate("() => window.approxlabNetwork.state")
    assert state["name"].startswith("f, the network:")
    d0, d1 = state["domain"]
    assert abs(d0 - a) < 1e-6 and d1 == 1
    xs = np.linspace(a, 1.0, 9)
    got = np.array(page.evaluate("(xs) => window.approxlabNetwork.evaluate(xs)", list(xs)))
    np.testing.assert_allclose(got, pl(xs), rtol=0, atol=1e-9)

    if SHOTS:
        out = Path(SHOTS)
        out.mkdir(parents=True, exist_ok=True)
        for w, h in SIZES:
            page.set_viewport_size({"width": w, "height": h})
            page.goto("/about:blank")
            app.open("#/reciprocal")  # the defaults, fresh, from the top of the page
            page.screenshot(path=str(out / f"reciprocal-{w}x{h}.png"))
