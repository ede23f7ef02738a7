"""The network panel (frontend/js/network-panel.js) in a real browser: the diagram of the
exported network, the node box (weights and bias equal to the JSON), the per-unit view
adding up to the scene's plotted f, keyboard navigation, downloads and accessibility."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from playwright.sync_api import expect

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
#: Set APPROXLAB_SCREENSHOTS=1 to refresh docs/screenshots/network-panel-*.png.
REFRESH = os.environ.get("APPROXLAB_SCREENSHOTS") == "1"


def shot(page, name: str) -> None:
    if REFRESH:
        page.screenshot(path=str(SHOTS / name), animations="disabled", caret="hide")


def networks_json(app, scene: str) -> dict:
    params = app.rendered()["params"]
    r = app.page.request.get(f"{app.base_url}/api/v1/scenes/{scene}/networks?{urlencode(params)}")
    assert r.ok, r.text()
    return json.loads(r.text())


def open_panel(app) -> None:
    button = app.page.locator('#scene-actions [data-action="network"]')
    expect(button).to_be_visible()
    expect(button).to_have_accessible_name("Show the network")
    button.click()
    app.page.wait_for_selector('#network-panel[data-state="ready"]')


def shown_network(app) -> dict:
    return app.page.evaluate("() => window.approxlabNetwork.network()")


def check_columns(app, net: dict) -> None:
    """Every layer's column: its width is the exported width; nodes drawn + "… n more"."""
    widths = [net["input_dim"]] + [len(layer["bias"]) for layer in net["layers"]]
    for layer, width in enumerate(widths):
        col = app.page.locator(f'.net-col[data-layer="{layer}"]')
        assert int(col.get_attribute("data-width")) == width
        drawn = col.locator(".net-node").count()
        more = col.locator(".net-more")
        hidden = int(re.sub(r"\D", "", more.text_content())) if more.count() else 0
        assert drawn + hidden == width, (layer, drawn, hidden, width)


def check_node_box(app, net: dict, layer: int, unit: int) -> None:
    info = app.page.locator("[data-net-info]")
    expect(info).to_have_attribute("data-unit", str(unit))
    expect(info).to_have_attribute("data-layer", str(layer))
    lay = net["layers"][layer - 1]
    assert float(info.locator(".net-bias").get_attribute("data-bias")) == lay["bias"][unit]
    row = lay["weight"][unit]
    listed = info.locator(".net-weights li")
    assert listed.count() == min(sum(w != 0 for w in row), 8)
    for k in range(listed.count()):
        li = listed.nth(k)
        j = int(li.get_attribute("data-source"))
        assert float(li.get_attribute("data-weight")) == row[j]
    top = sorted((abs(w) for w in row), reverse=True)[: listed.count()]
    sources = [int(listed.nth(k).get_attribute("data-source")) for k in range(listed.count())]
    got = sorted((abs(row[j]) for j in sources), reverse=True)
    assert got == top


def per_unit_against_scene(app, plot_id: str, trace_name: str) -> dict[str, float]:
    """In the page, on step functions: (1) on every cell of the per-unit view's bold f, the
    thin units (each a step with its own points) plus the output bias add up to f; (2) on
    every cell of the scene's plotted step trace f, the per-unit f has the plotted value.
    Returns the largest differences."""
    return app.page.evaluate(
        """([plotId, name]) => {
            const u = document.getElementById('net-units-plot').data;
            const units = u[0], sum = u[1];
            const net = window.approxlabNetwork.network();
            const c = net.layers[1].bias[0];
            // a step curve (Plotly 'hv'): the value at t is y at the last x <= t
            const at = (xs, ys, t) => {
                let j = 0;
                while (j + 1 < xs.length && xs[j + 1] <= t) j++;
                return ys[j];
            };
            const curves = [];
            let cx = [], cy = [];
            for (let i = 0; i < units.y.length; i++) {
                if (units.y[i] === null) { curves.push([cx, cy]); cx = []; cy = []; continue; }
                cx.push(units.x[i]); cy.push(units.y[i]);
            }
            const n = sum.x.length;
            let sumDiff = 0;
            for (let i = 0; i + 1 < n; i++) {
                const t = 0.5 * (sum.x[i] + sum.x[i + 1]);
                let acc = c;
                for (const [xs, ys] of curves) acc += at(xs, ys, t);
                sumDiff = Math.max(sumDiff, Math.abs(acc - sum.y[i]));
            }
            const d = document.getElementById('plot-' + plotId);
            const f = d.data.find(tr => tr.name === name);
            let sceneDiff = 0, scale = 0, cells = 0;
            for (let i = 0; i + 1 < f.x.length; i++) {
                const t = 0.5 * (f.x[i] + f.x[i + 1]);
                sceneDiff = Math.max(sceneDiff, Math.abs(at(sum.x, sum.y, t) - f.y[i]));
                scale = Math.max(scale, Math.abs(f.y[i]));
                cells++;
            }
            return {units: curves.length, sumDiff, sceneDiff, scale, cells,
                    shape: sum.line.shape, highlighted: u[2].name};
        }""",
        [plot_id, trace_name],
    )


def download(app, selector: str) -> tuple[str, str]:
    with app.page.expect_download() as info:
        app.page.locator(selector).click()
    d = info.value
    return d.suggested_filename, Path(d.path()).read_text()


def test_threshold_network_panel(app: Any, base_url: str) -> None:
    app.page.set_viewport_size({"width": 1280, "height": 720})
    app.open("#/threshold")
    panel = app.page.locator("#network-panel")
    expect(panel).to_be_visible()
    open_panel(app)
    data = networks_json(app, "threshold")
    net = data["networks"][0]
    assert shown_network(app) == net
    hidden = len(net["layers"][0]["bias"])

    # header and diagram
    header = app.page.locator("[data-net-header]").inner_text()
    assert "threshold" in header and f"1 → {hidden} → 1" in header, header
    assert f"{3 * hidden + 1} parameters" in header, header
    check_columns(app, net)

    # hovering a node: its bias and incoming weights are the JSON's
    app.page.locator('.net-node[data-layer="1"][data-unit="5"]').hover()
    check_node_box(app, net, 1, 5)
    outgoing = app.page.locator("[data-net-info] [data-outgoing]").get_attribute("data-outgoing")
    assert float(outgoing) == net["layers"][1]["weight"][0][5]
    expect(app.page.locator("[data-net-info] .net-spark svg")).to_be_visible()
    app.page.locator('.net-node[data-layer="2"][data-unit="0"]').hover()
    check_node_box(app, net, 2, 0)

    # the per-unit view: one thin curve per unit, adding up to the scene's f
    app.page.locator('.net-node[data-layer="1"][data-unit="5"]').hover()
    app.page.wait_for_function(
        "() => document.getElementById('net-units-plot').data?.[2]?.name === 'unit 6'"
    )
    got = per_unit_against_scene(app, "approximation", net["name"])
    assert got["units"] == hidden
    assert got["sumDiff"] < 1e-12, got
    assert got["sceneDiff"] <= 1e-6 * max(1.0, got["scale"]), got  # the plot sends float32
    assert got["cells"] == hidden and got["shape"] == "hv", got
    # stepping with the slider highlights the next unit
    slider = app.page.locator("[data-net-unit]")
    slider.focus()
    slider.press("ArrowRight")
    app.page.wait_for_function(
        "() => document.getElementById('net-units-plot').data[2].name === 'unit 7'"
    )
    check_node_box(app, net, 1, 6)
    # stacked, the running sums end in f and unit 7 fills the gap its step adds
    app.page.locator("[data-net-stack]").check()
    stacked = app.page.evaluate(
        """() => { const d = document.getElementById('net-units-plot').data;
            const runs = d[0].y, f = d[1].y, n = f.length;
            const last = runs.slice(runs.length - 1 - n, runs.length - 1);
            const a = window.approxlabNetwork.network().layers[1].weight[0][6];
            const gap = d[3].y.map((v, i) => v - d[2].y[i]);
            return {end: Math.max(...last.map((v, i) => Math.abs(v - f[i]))),
                    gap: Math.max(...gap.map(Math.abs)), a: Math.abs(a),
                    name: d[3].name, fill: d[3].fill}; }"""
    )
    assert stacked["end"] < 1e-12 and stacked["name"] == "unit 7", stacked
    assert stacked["fill"] == "tonexty" and abs(stacked["gap"] - stacked["a"]) < 1e-12, stacked
    app.page.locator("[data-net-stack]").uncheck()

    # keyboard: focus a node, move with the arrows; the same box follows
    node = app.page.locator('.net-node[tabindex="0"]')
    assert node.count() == 1
    node.focus()
    app.page.keyboard.press("ArrowDown")
    check_node_box(app, net, 1, 7)
    focused = app.page.evaluate(
        """() => { const e = document.activeElement;
            return {cls: e.getAttribute('class'), unit: e.dataset.unit,
                    ring: getComputedStyle(e).strokeWidth, name: e.getAttribute('aria-label')}; }"""
    )
    assert "net-node" in focused["cls"] and focused["unit"] == "7", focused
    assert focused["ring"] == "3.5px", focused  # :focus-visible
    assert focused["name"].startswith("hidden unit 8 of"), focused
    app.page.keyboard.press("ArrowRight")
    check_node_box(app, net, 2, 0)
    shot(app.page, "network-panel-threshold-1280.png")

    # downloads: JSON equal to the endpoint's network, snippets equal to the endpoints'
    name, text = download(app, '[data-net-download="json"]')
    assert re.fullmatch(r"threshold-f_126_threshold_units-.*\.json", name), name
    assert json.loads(text) == net
    name, text = download(app, '[data-net-download="numpy"]')
    assert name.startswith("threshold-") and name.endswith("-numpy.py"), name
    params = urlencode(app.rendered()["params"])
    numpy_url = f"{base_url}/api/v1/scenes/threshold/networks/numpy?{params}"
    assert text == app.page.request.get(numpy_url).text()
    name, text = download(app, '[data-net-download="torch"]')
    assert name.endswith("-torch.py") and "torch" in text

    # a parameter change re-fetches the network for the new parameters
    before = app.render_seq()
    app.page.evaluate("() => { location.hash = '#/threshold?eps=0.1'; }")
    app.wait_rendered(before)
    app.page.wait_for_function(
        "() => (window.approxlabNetwork.state.url || '').includes('eps=0.1')"
    )
    net2 = networks_json(app, "threshold")["networks"][0]
    assert shown_network(app) == net2
    check_columns(app, net2)

    # quick successive changes: the panel ends on the last parameters, whatever the order
    # in which the replies come back
    before = app.render_seq()
    app.page.evaluate(
        """() => { location.hash = '#/threshold?eps=0.2';
                   setTimeout(() => { location.hash = '#/threshold?eps=0.15'; }, 20); }"""
    )
    app.wait_for_params("threshold", eps=0.15)
    app.wait_rendered(before)
    app.page.wait_for_function(
        "() => (window.approxlabNetwork.state.url || '').includes('eps=0.15')"
    )
    assert shown_network(app) == networks_json(app, "threshold")["networks"][0]


def test_maurey_per_unit_and_selector(app: Any) -> None:
    app.open("#/maurey?k=40&trials=20")
    open_panel(app)
    data = networks_json(app, "maurey")
    assert len(data["networks"]) == 3
    select = app.page.locator("[data-net-select]")
    expect(select).to_be_visible()
    for index in (0, 2):
        select.select_option(str(index))
        net = data["networks"][index]
        app.page.wait_for_function(
            "(n) => window.approxlabNetwork.state.name === n", arg=net["name"]
        )
        assert shown_network(app) == net
        assert f"seed {net['seed']}" in app.page.locator("[data-net-header]").inner_text()
        check_columns(app, net)
        app.page.locator('.net-node[data-layer="1"][data-unit="3"]').hover()
        check_node_box(app, net, 1, 3)
        app.page.wait_for_function(
            "() => document.getElementById('net-units-plot').data?.[2]?.name === 'unit 4'"
        )
        got = per_unit_against_scene(app, "networks", net["name"].split(":")[0])
        assert got["units"] == 40
        assert got["sumDiff"] < 1e-12, got
        assert got["sceneDiff"] <= 1e-6 * max(1.0, got["scale"]), got
    name, text = download(app, '[data-net-download="json"]')
    assert name.startswith("maurey-") and name.endswith(".json"), name
    assert json.loads(text) == data["networks"][2]
    app.page.locator("#network-panel").scroll_into_view_if_needed()
    shot(app.page, "network-panel-maurey-1280.png")


def test_no_panel_without_networks_and_accessibility(app: Any) -> None:
    app.open("#/barron-norm")
    assert app.page.locator("#network-panel:visible").count() == 0
    assert app.page.locator('#scene-actions [data-action="network"]:visible').count() == 0

    before = app.render_seq()
    app.page.evaluate("() => { location.hash = '#/threshold'; }")
    app.wait_rendered(before)
    open_panel(app)
    # keyboard only: Tab reaches the diagram's one focusable node, which shows its box
    app.page.locator("[data-net-select], .net-summary").last.focus()
    for _ in range(6):
        app.page.keyboard.press("Tab")
        if app.page.evaluate("() => document.activeElement.classList.contains('net-node')"):
            break
    assert app.page.evaluate("() => document.activeElement.classList.contains('net-node')")
    expect(app.page.locator("[data-net-info] .net-bias")).to_be_visible()

    try:  # axe-playwright-python (pip) bundles axe-core; without it this check is left out
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        Axe = None
    if Axe is not None:
        results = Axe().run(app.page, context={"include": [["#network-panel"]]})
        serious = [
            v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")
        ]
        assert not serious, [
            (v["id"], v["help"], [n["target"] for n in v["nodes"]][:5]) for v in serious
        ]

    # the panel stays open on the next scene; a network too large to send says so
    before = app.render_seq()
    app.page.evaluate("() => { location.hash = '#/grid?d=8'; }")
    app.wait_rendered(before)
    app.page.wait_for_selector('#network-panel[data-state="error"]')
    expect(app.page.locator(".net-status")).to_contain_text("limit of 250,000")
    assert app.page.locator(".net-node").count() == 0

    before = app.render_seq()
    app.page.evaluate("() => { location.hash = '#/kernel-fit'; }")
    app.wait_rendered(before)
    expect(app.page.locator("#network-panel")).to_be_hidden()
