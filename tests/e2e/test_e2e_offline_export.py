"""The offline demo: "Download offline demo" on a scene → one HTML file → opened from
file:// with every network request blocked, its slider redraws the plots with the
precomputed data of each value (approxlab/standalone.py, frontend/js/offline-export.js)."""

from __future__ import annotations

import json
import re
from typing import Any

SCENE = "rates"  # cheap: 18 values of its first slider (alpha) in well under a second

DEMO_STATE = "() => window.approxlabDemo && {index: window.approxlabDemo.index, seq: window.approxlabDemo.seq, value: window.approxlabDemo.value}"  # noqa: E501

# Every plot of result i, as Plotly holds it, is the file's precomputed data for value i.
PLOTS_MATCH = """(i) => {
    const r = window.approxlabDemo.results[i];
    return r.plots.every((p) => {
        const div = document.getElementById('plot-' + p.id);
        return div && div.data && div.data.length === p.traces.length && p.traces.every(
            (t, k) => JSON.stringify(Array.from(div.data[k].y)) === JSON.stringify(t.y));
    });
}"""


def _primary_y(page: Any, plot_id: str) -> list[list[float]]:
    return page.evaluate(
        "(id) => document.getElementById('plot-' + id).data.map((t) => Array.from(t.y))",
        plot_id,
    )


def test_offline_demo_downloads_and_its_slider_redraws_from_file(app, page, page_guard, tmp_path):
    app.open(f"#/{SCENE}")
    bar = page.locator("#scene-actions")
    button = bar.get_by_role("button", name="Download offline demo")
    assert button.count() == 1
    # a second render keeps one button
    app.press("alpha", "ArrowRight")
    assert bar.locator("[data-offline-export]").count() == 1
    params = app.rendered()["params"]

    button.focus()
    with page.expect_download(timeout=60_000) as dl:
        page.keyboard.press("Enter")
    download = dl.value
    assert re.fullmatch(rf"{SCENE}-alpha-offline.*\.html", download.suggested_filename)
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    page.wait_for_function(
        "() => /Saved .* slider values/.test("
        "document.querySelector('[data-offline-export] [role=status]').textContent)"
    )
    html = path.read_bytes()
    data = json.loads(
        re.search(rb'id="demo-data">(.*?)</script>', html, re.S).group(1)  # type: ignore[union-attr]
    )
    values = data["sweep"]["values"]
    assert len(values) == 18 and params["alpha"] in values

    # the same results straight from the API, for two values, before the network goes
    start = values.index(params["alpha"])
    target = len(values) - 1
    expected = {
        i: app.api(SCENE, **{**params, "alpha": values[i]}) for i in (start, start + 1, target)
    }

    # no server, no network: every http(s) request is blocked (and would fail the test)
    blocked: list[str] = []

    def block(route: Any) -> None:
        blocked.append(route.request.url)
        route.abort()

    page.route(re.compile(r"^(https?|wss?)://"), block)
    page_guard["allowed"].append("file://")
    page.goto(path.as_uri())
    page.wait_for_function("() => window.approxlabDemo && window.approxlabDemo.settled > 0")
    state = page.evaluate(DEMO_STATE)
    assert state["index"] == start and state["value"] == params["alpha"]
    assert page.evaluate(PLOTS_MATCH, start)
    primary = page.locator("#plots .plot-card").first.get_attribute("data-plot")
    assert primary
    before = _primary_y(page, primary)
    api_plot = next(p for p in expected[start]["plots"] if p["id"] == primary)
    assert before == [t["y"] for t in api_plot["traces"]]

    slider = page.get_by_role("slider", name=data["sweep"]["label"])
    slider.focus()
    for key, index in (("ArrowRight", start + 1), ("End", target)):
        seq = state["seq"]
        page.keyboard.press(key)
        # drawn, plots out of view included (they follow once the slider is quiet)
        page.wait_for_function("(seq) => window.approxlabDemo.settled > seq", arg=seq)
        state = page.evaluate(DEMO_STATE)
        assert state["index"] == index and state["value"] == values[index]
        assert page.locator("#sweep-value").inner_text() == data["sweep"]["labels"][index]
        assert page.evaluate(PLOTS_MATCH, index)
        now = _primary_y(page, primary)
        api_plot = next(p for p in expected[index]["plots"] if p["id"] == primary)
        assert now == [t["y"] for t in api_plot["traces"]]
        assert now != before
        before = now
    # the metrics and checks follow the slider too
    assert page.locator("#metrics .metric").count() == len(expected[target]["metrics"])
    assert page.locator("#checks .check").count() == len(expected[target]["checks"])
    assert not blocked, f"the offline file asked the network: {blocked}"
