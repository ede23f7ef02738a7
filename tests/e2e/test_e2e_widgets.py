"""Opt-in scene widgets (frontend/js/widgets/) and the generic ``visible_when`` hint, in a
real browser: dragging cpwl knots (mouse, keyboard, touch), the pieces-json panel."""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

import pytest
from playwright.sync_api import expect

KNOTS_TRACE = "knots (xᵢ, f(xᵢ))"
DEFAULT_VALUES = [0, 0.8, 0.3, 0.9, 0.1, 0.6, 0.45, 1]


def numbers(text: str) -> list[float]:
    return [float(t) for t in re.split(r"[,;\s]+", text.strip()) if t]


def widget(app, scene: str, type_: str) -> dict:
    listing = app.page.request.get(f"{app.base_url}/api/v1/scenes").json()
    info = next(s for s in listing if s["id"] == scene)
    return next(w for w in info["widgets"] if w["type"] == type_)


def knot_pixels(app, plot: str = "function", trace: str = KNOTS_TRACE) -> list[dict]:
    """Page coordinates of the knots, from Plotly's own axes (d2p + the plot area offset)."""
    index = [t["name"] for t in app.api("cpwl", **app.hash_state()[1])["plots"][0]["traces"]]
    return app.page.evaluate(
        """([id, i]) => {
            const d = document.getElementById('plot-' + id);
            const fl = d._fullLayout, r = d.getBoundingClientRect(), t = d.data[i];
            return Array.from(t.x, (x, k) => ({
                x: r.left + fl.xaxis._offset + fl.xaxis.d2p(x),
                y: r.top + fl.yaxis._offset + fl.yaxis.d2p(t.y[k]),
                dx: x, dy: t.y[k]}));
        }""",
        [plot, index.index(trace)],
    )


def stable_knot(app, i: int) -> dict:
    """The knot's page position once the layout has stopped moving (a late resize of the
    stage or a legend's growth on a loaded machine would move it under the finger)."""
    prev = None
    for _ in range(40):
        k = knot_pixels(app)[i]
        if prev and abs(k["x"] - prev["x"]) < 0.5 and abs(k["y"] - prev["y"]) < 0.5:
            return k
        prev = k
        app.page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 50)))")
    raise AssertionError("the knots never stopped moving")


def data_pixel(app, x: float, y: float, plot: str = "function") -> dict:
    return app.page.evaluate(
        """([id, x, y]) => {
            const d = document.getElementById('plot-' + id);
            const fl = d._fullLayout, r = d.getBoundingClientRect();
            return {x: r.left + fl.xaxis._offset + fl.xaxis.d2p(x),
                    y: r.top + fl.yaxis._offset + fl.yaxis.d2p(y)};
        }""",
        [plot, x, y],
    )


def open_cpwl(app, hash_: str = "#/cpwl") -> None:
    app.open(hash_)
    app.page.locator("#plot-function").scroll_into_view_if_needed()
    app.page.wait_for_function("() => window.approxlab.idle")


# ---------------------------------------------------------------- drag-knots (cpwl)


def test_cpwl_declares_the_drag_knots_widget(app):
    cfg = widget(app, "cpwl", "drag-knots")
    assert cfg["plot"] == "function" and cfg["trace"] == KNOTS_TRACE
    assert (cfg["x_param"], cfg["y_param"]) == ("knots", "values")
    open_cpwl(app)
    plot = app.page.locator("#plot-function")
    expect(plot).to_have_attribute("tabindex", "0")
    expect(plot).to_have_attribute("role", "application")
    expect(app.page.locator('[data-plot="function"] .widget-hint')).to_contain_text("Drag")


def test_dragging_a_knot_up_rewrites_values(app):
    open_cpwl(app)
    page = app.page
    before = app.plot_data("function")
    history = page.evaluate("history.length")
    k = knot_pixels(app)[2]
    assert k["dy"] == pytest.approx(0.3)
    page.mouse.move(k["x"], k["y"])
    page.mouse.down()
    for step in range(1, 7):
        page.mouse.move(k["x"], k["y"] - 12 * step, steps=2)
    # while the button is held: results follow, the URL waits for the release
    app.page.wait_for_function(
        "(v) => window.approxlab.rendered && window.approxlab.rendered.params.values !== v",
        arg=app.default("cpwl", "values"),
    )
    assert app.hash() == "#/cpwl"
    page.mouse.up()
    app.page.wait_for_function("() => location.hash.includes('values=')")
    app.wait_rendered()
    params = app.hash_state()[1]
    assert set(params) == {"values"}  # a vertical drag leaves the knot positions alone
    values = numbers(params["values"])
    assert len(values) == 8
    assert values[2] > 0.5  # moved up by ~70 px
    assert values[:2] + values[3:] == DEFAULT_VALUES[:2] + DEFAULT_VALUES[3:]
    assert len(params["values"]) < 60  # rounded: short URLs
    # the plot on screen is the one for the new values, and it changed
    app.wait_for_params("cpwl", values=params["values"])
    after = app.plot_data("function")
    assert after != before
    api = app.api("cpwl", values=params["values"])
    assert app.metric("knots") == "8"
    assert app.metric("pieces") == str(api["metrics"]["pieces"])
    dragged = knot_pixels(app)[2]
    assert dragged["dy"] == pytest.approx(values[2])
    # one history entry for the whole drag
    assert page.evaluate("history.length") == history + 1
    page.go_back()
    app.wait_for_params("cpwl", values=app.default("cpwl", "values"))


def test_dragging_a_knot_sideways_writes_knots_between_its_neighbours(app):
    open_cpwl(app)
    page = app.page
    pts = knot_pixels(app)
    k = pts[3]
    page.mouse.move(k["x"], k["y"])
    page.mouse.down()
    # far to the right, past the next knot: it stops just before it
    page.mouse.move(pts[5]["x"], k["y"], steps=6)
    page.mouse.up()
    app.page.wait_for_function("() => location.hash.includes('knots=')")
    app.wait_rendered()
    params = app.hash_state()[1]
    knots = numbers(params["knots"])
    assert len(knots) == 8
    assert all(a < b for a, b in itertools.pairwise(knots))
    assert knots[2] < knots[3] < knots[4] == pytest.approx(4 / 7, abs=1e-4)
    assert knots[3] > 0.5  # moved right
    assert numbers(params["values"])[3] == pytest.approx(0.9)
    app.wait_for_params("cpwl", knots=params["knots"])
    assert app.metric("knots") == "8"


def test_click_inserts_a_knot_and_shift_click_removes_it(app):
    open_cpwl(app)
    page = app.page
    before = app.plot_data("function")
    p = data_pixel(app, 0.5, 0.7)
    page.mouse.click(p["x"], p["y"])
    expect(page.locator('.metric[data-metric="knots"] .metric-value')).to_have_text("9")
    app.wait_rendered()
    params = app.hash_state()[1]
    knots, values = numbers(params["knots"]), numbers(params["values"])
    assert len(knots) == len(values) == 9
    assert knots == sorted(knots)
    i = min(range(9), key=lambda j: abs(knots[j] - 0.5))
    assert knots[i] == pytest.approx(0.5, abs=0.01) and values[i] == pytest.approx(0.7, abs=0.01)
    assert app.plot_data("function") != before

    new = knot_pixels(app)[i]
    page.keyboard.down("Shift")
    page.mouse.click(new["x"], new["y"])
    page.keyboard.up("Shift")
    expect(page.locator('.metric[data-metric="knots"] .metric-value')).to_have_text("8")
    params = app.hash_state()[1]
    assert len(numbers(params["values"])) == 8
    assert numbers(params["values"]) == DEFAULT_VALUES


def test_knots_with_the_keyboard_and_the_point_limits(app):
    open_cpwl(app, "#/cpwl?values=0,1,0.5")
    page = app.page
    plot = page.locator("#plot-function")
    plot.focus()
    status = page.locator('[data-plot="function"] .widget-status')
    expect(status).to_contain_text("Knot 1 of 3")
    page.keyboard.press("ArrowRight")
    expect(status).to_contain_text("Knot 2 of 3")
    expect(page.locator('[data-plot="function"] .dk-ring')).to_be_visible()
    before = app.render_seq()
    page.keyboard.press("ArrowDown")
    app.wait_rendered(before)
    assert numbers(app.hash_state()[1]["values"])[1] < 1
    page.keyboard.press("Delete")
    expect(page.locator('.metric[data-metric="knots"] .metric-value')).to_have_text("2")
    # two is the minimum: the next removal is refused with a message, no request
    seq = app.render_seq()
    page.keyboard.press("Delete")
    expect(status).to_contain_text("At least 2 knots")
    assert app.render_seq() == seq
    assert len(numbers(app.hash_state()[1]["values"])) == 2
    # + adds one between the selected knot and the next
    page.keyboard.press("Home")
    page.keyboard.press("+")
    expect(page.locator('.metric[data-metric="knots"] .metric-value')).to_have_text("3")

    # the maximum: 64 knots, no 65th
    cfg = widget(app, "cpwl", "drag-knots")
    many = ",".join(["0.5"] * cfg["max_points"])
    open_cpwl(app, f"#/cpwl?values={many}")
    p = data_pixel(app, (31.5 / (cfg["max_points"] - 1)), 0.2)  # between two knots
    page.mouse.click(p["x"], p["y"])
    expect(status).to_contain_text(f"At most {cfg['max_points']} knots")
    assert app.metric("knots") == str(cfg["max_points"])


def test_dragging_a_knot_with_a_finger(browser, base_url, app):
    """Touch goes through the same pointer events: the knot moves, the page does not scroll."""
    context = browser.new_context(
        base_url=base_url, viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True
    )
    try:
        page = context.new_page()
        phone = type(app)(page, base_url)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        phone.open("#/cpwl")
        page.evaluate("document.getElementById('plot-function').scrollIntoView({block: 'center'})")
        page.wait_for_function("() => window.approxlab.idle")
        k = stable_knot(phone, 4)
        scroll = page.evaluate("scrollY")
        cdp = context.new_cdp_session(page)

        def touch(kind: str, x: float = 0, y: float = 0) -> None:
            points = [] if kind == "touchEnd" else [{"x": x, "y": y}]
            cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

        touch("touchStart", k["x"], k["y"])
        for step in range(1, 9):
            touch("touchMove", k["x"], k["y"] - 8 * step)
        touch("touchEnd")
        page.wait_for_function("() => location.hash.includes('values=')")
        values = numbers(phone.hash_state()[1]["values"])
        assert values[4] > 0.3  # was 0.1
        assert page.evaluate("scrollY") == scroll
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert not errors
    finally:
        context.close()


# ---------------------------------------------------------------- pieces-json


def pieces_posts(page_guard) -> int:
    return sum(1 for u in page_guard["requests"] if u.endswith("/api/v1/pieces"))


def open_pieces(app) -> Any:
    app.open("#/pieces")
    panel = app.page.locator('[data-widget="pieces-json"]')
    expect(panel).to_have_attribute("data-state", "ok")
    return panel


def test_pieces_panel_counts_the_default_network(app):
    assert widget(app, "pieces", "pieces-json")["endpoint"] == "/api/v1/pieces"
    panel = open_pieces(app)
    expect(panel.get_by_role("heading")).to_have_text("Count the pieces of your own network")
    textarea = panel.get_by_label("Network (JSON)")
    body = json.loads(textarea.input_value())
    delta = [
        {"weight": [[1], [1], [1]], "bias": [0, -0.5, -1]},
        {"weight": [[2, -4, 2]], "bias": [0]},
    ]
    assert body == {"layers": delta + delta, "domain": [0, 1]}  # Δ∘Δ on [0, 1]
    stats = panel.locator(".panel-stat")
    expect(panel.locator('[data-stat="pieces"] dd')).to_have_text("4")
    expect(panel.locator('[data-stat="bound"] dd')).to_have_text("32")
    expect(panel.locator('[data-stat="lemma_4_9_bound"] dd')).to_have_text("72")
    expect(panel.locator('[data-stat="breakpoints"] dd')).to_have_text("3")
    assert stats.count() >= 6
    expect(panel.locator(".pieces-caption")).to_contain_text("4 affine pieces on [0, 1]")
    expect(panel.locator(".check.holds")).to_have_count(2)
    # the panel's numbers are its own, not the scene's metrics
    assert set(app.metrics()) == set(app.api("pieces")["metrics"])
    drawn = app.page.evaluate(
        """() => Array.from(document.querySelector('.pieces-plot').data,
            t => ({n: t.x.length, y: Array.from(t.y)}))"""
    )
    assert drawn == [{"n": 5, "y": [0, 1, 0, 1, 0]}, {"n": 3, "y": [1, 0, 1]}]
    # a preset, then the button
    panel.get_by_role("button", name="Δ³", exact=True).click()
    expect(panel.locator('[data-stat="pieces"] dd')).to_have_text("8")
    textarea.fill(json.dumps({"layers": delta}))
    panel.get_by_role("button", name="Count pieces", exact=True).click()
    expect(panel.locator('[data-stat="pieces"] dd')).to_have_text("2")
    # the text is not in the URL, and survives a re-render of the scene
    assert "layers" not in app.hash()
    app.press("width", "ArrowLeft")
    assert json.loads(textarea.input_value()) == {"layers": delta}
    panel.get_by_role("button", name="Reset", exact=True).click()
    expect(panel.locator('[data-stat="pieces"] dd')).to_have_text("4")


def test_pieces_panel_malformed_json_is_caught_before_sending(app, page_guard):
    panel = open_pieces(app)
    textarea = panel.get_by_label("Network (JSON)")
    sent = pieces_posts(page_guard)
    textarea.fill('{"layers": [\n  {"weight": [[1]], "bias": [0],}\n]}')
    panel.get_by_role("button", name="Count pieces", exact=True).click()
    error = panel.locator(".panel-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("line 2")
    expect(error).to_contain_text("column 33")
    expect(error).to_contain_text("Nothing was sent")
    expect(textarea).to_have_attribute("aria-invalid", "true")
    expect(textarea).to_be_focused()
    app.page.wait_for_timeout(200)
    assert pieces_posts(page_guard) == sent
    # the last good result stays, dimmed
    expect(panel.locator(".pieces-result")).to_have_class(re.compile(r"\bstale\b"))
    expect(panel.locator('[data-stat="pieces"] dd')).to_have_text("4")


def test_pieces_panel_shows_the_servers_message(app, page_guard):
    panel = open_pieces(app)
    textarea = panel.get_by_label("Network (JSON)")
    bad = {
        "layers": [
            {"weight": [[1], [1]], "bias": [0, 1]},
            {"weight": [[1, 2, 3]], "bias": [0]},  # 3 inputs, but the layer before has 2 units
        ],
        "domain": [0, 1],
    }
    expected = app.page.request.post(f"{app.base_url}/api/v1/pieces", data=bad)
    assert expected.status == 422
    message = expected.json()["message"]
    assert "layers[1]" in message
    sent = pieces_posts(page_guard)
    textarea.fill(json.dumps(bad))
    panel.get_by_role("button", name="Count pieces", exact=True).click()
    error = panel.locator(".panel-error")
    expect(error).to_have_text(message)
    expect(error).to_have_attribute("role", "alert")
    assert pieces_posts(page_guard) == sent + 1
    expect(panel.locator(".pieces-result")).to_have_class(re.compile(r"\bstale\b"))
    assert app.page.evaluate("() => document.querySelector('.pieces-plot').data.length") == 2
    # fixed: the message goes, the chart is bright again
    panel.get_by_role("button", name="Reset", exact=True).click()
    expect(error).to_be_hidden()
    expect(panel.locator(".pieces-result")).not_to_have_class(re.compile(r"\bstale\b"))


# ---------------------------------------------------------------- visible_when


def test_visible_when_hides_the_custom_expression_until_it_is_used(app, page_guard):
    page = app.page

    # Until the server sends the hint itself, add it to the scene list in flight.
    def add_hint(route: Any) -> None:
        response = route.fetch()
        listing = response.json()
        for scene in listing:
            expr = scene["params_schema"]["properties"].get("expr")
            if scene["id"] == "threshold" and expr is not None:
                expr.setdefault("visible_when", {"target": "custom"})
        route.fulfill(response=response, json=listing)

    page.route(lambda url: url.endswith("/api/v1/scenes"), add_hint)
    app.open("#/threshold")
    expr = page.locator('.control[data-param="expr"]')
    expect(expr).to_be_hidden()
    expect(page.locator('.control[data-param="eps"]')).to_be_visible()
    # a hidden parameter the user did not set is not sent
    assert not any("expr=" in u for u in page_guard["requests"] if "/scenes/threshold" in u)
    before = app.plot_data("approximation")

    page.locator('select[data-param="target"]').select_option("custom")
    expect(expr).to_be_visible()
    box = expr.get_by_role("textbox")
    expect(box).to_have_value(str(app.default("threshold", "expr")))
    app.wait_for_params("threshold", target="custom")
    box.fill("x^2")
    box.press("Enter")
    app.wait_for_params("threshold", target="custom", expr="x^2")
    app.assert_hash("threshold", target="custom", expr="x^2")
    after = app.plot_data("approximation")
    assert after != before

    # back to a library target: hidden again, but what the user typed stays in the URL
    page.locator('select[data-param="target"]').select_option("square")
    app.wait_for_params("threshold", target="square")
    expect(expr).to_be_hidden()
    app.assert_hash("threshold", target="square", expr="x^2")
    page.go_back()
    app.wait_for_params("threshold", target="custom", expr="x^2")
    expect(expr).to_be_visible()


# ---------------------------------------------------------------- layout


@pytest.mark.parametrize("scene", ["cpwl", "pieces"])
def test_widgets_fit_a_phone(app, scene):
    app.page.set_viewport_size({"width": 360, "height": 740})
    app.open(f"#/{scene}")
    if scene == "pieces":
        expect(app.page.locator('[data-widget="pieces-json"]')).to_have_attribute(
            "data-state", "ok"
        )
    assert app.page.evaluate("() => document.documentElement.scrollWidth") <= 360


def test_unknown_widget_types_are_ignored(app):
    page = app.page

    def add_widget(route: Any) -> None:
        response = route.fetch()
        listing = response.json()
        for scene in listing:
            scene.setdefault("widgets", []).insert(0, {"type": "no-such-widget", "x": 1})
        route.fulfill(response=response, json=listing)

    page.route(lambda url: url.endswith("/api/v1/scenes"), add_widget)
    open_cpwl(app)
    expect(page.locator("#plot-function")).to_have_attribute("role", "application")
    app.page.goto("/#/sawtooth?L=3")
    app.wait_for_params("sawtooth", L=3)
    expect(page.locator("#scene-widgets")).to_be_empty()
