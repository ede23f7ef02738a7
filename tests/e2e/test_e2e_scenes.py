"""The scene view in a real browser: scene list, keyboard sliders, URL state, errors."""

from __future__ import annotations

import math

import pytest
from playwright.sync_api import expect


def fmt_int(n: float) -> str:
    return f"{int(n):,}"


def test_default_page_is_the_landing_page(app):
    # no scene in the URL: the landing page, whose first card is the first scene
    app.page.goto("/")
    expect(app.page.locator("#landing")).to_be_visible()
    listing = app.page.request.get(f"{app.base_url}/api/v1/scenes").json()
    first = sorted(listing, key=lambda s: int(s["chapter"].split()[0]))[0]["id"]
    card = app.page.locator("#landing .scene-card").first
    expect(card).to_have_attribute("data-scene", first)
    card.click()
    app.wait_rendered()
    assert app.hash_state()[0] == first == "threshold"
    page = app.page
    expect(page.locator(".app-header .brand-name")).to_have_text("approxlab")
    expect(page.locator(".tagline")).to_be_visible()
    # scene list grouped by chapter, in chapter order
    chapters = page.locator("#scene-list .chapter-title").all_inner_texts()
    assert chapters == sorted(chapters, key=lambda c: int(c.split()[0]))
    expect(page.locator('#scene-list a[data-scene="threshold"]')).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.locator('#scene-list a[data-scene="sawtooth"]')).to_be_visible()
    expect(page.locator("#scene-title")).to_have_text("Threshold networks: gridding with bricks")
    expect(page.locator("#scene-source")).to_have_text("003, Proposition 2.1")
    assert page.locator("#scene-statement math").count() > 0  # server-rendered MathML
    # plots, metrics and checks match the API for the default parameters
    api = app.api("threshold")
    assert app.plot_ids() == [p["id"] for p in api["plots"]]
    for plot in api["plots"]:
        data = app.plot_data(plot["id"])
        assert [t["n"] for t in data] == [len(t["x"]) for t in plot["traces"]]
    assert app.metric("width") == fmt_int(api["metrics"]["width"])
    checks = page.locator("#checks .check")
    expect(checks).to_have_count(len(api["checks"]))
    expect(checks.first.locator(".check-icon")).to_have_text("✓")
    expect(checks.first.locator(".check-values")).to_contain_text("≤")


def test_threshold_eps_slider_with_keyboard(app):
    app.open("#/threshold")
    eps0 = float(app.number("eps").input_value())
    width0 = app.metric("width")
    before = app.plot_data("approximation")
    slider = app.page.get_by_role("slider", name="ε")
    expect(slider).to_have_attribute("data-scale", "log")

    app.press("eps", "ArrowRight", times=3)
    eps1 = float(app.number("eps").input_value())
    assert eps1 > eps0
    # log slider: its position is log10(ε)
    assert math.isclose(float(slider.input_value()), math.log10(eps1), abs_tol=1e-9)
    scene, params = app.hash_state()
    assert scene == "threshold" and float(params["eps"]) == eps1
    assert set(params) == {"eps"}  # untouched parameters stay out of the link
    app.wait_for_params("threshold", eps=eps1)
    api = app.api("threshold", **params)
    assert app.metric("width") == fmt_int(api["metrics"]["width"]) != width0
    after = app.plot_data("approximation")
    assert after != before
    assert [t["n"] for t in after] == [len(t["x"]) for t in api["plots"][0]["traces"]]

    app.press("eps", "ArrowLeft", times=3)
    assert float(app.number("eps").input_value()) < eps1
    assert app.metric("width") != fmt_int(api["metrics"]["width"])


def test_sawtooth_depth_slider_with_keyboard(app):
    app.open("#/sawtooth?L=4")
    assert app.number("L").input_value() == "4"
    assert app.metric("pieces") == "16"
    n4 = app.plot_data("sawtooth")[0]["n"]

    app.press("L", "ArrowRight")
    app.wait_for_params("sawtooth", L=5)
    assert app.number("L").input_value() == "5"
    assert app.metric("pieces") == "32"
    app.assert_hash("sawtooth", L="5")
    assert app.plot_data("sawtooth")[0]["n"] > n4
    expect(app.page.locator('[data-plot="sawtooth"] figcaption')).to_contain_text("32")

    app.press("L", "ArrowLeft", times=2)
    app.wait_for_params("sawtooth", L=3)
    assert app.metric("pieces") == "8"
    app.assert_hash("sawtooth", L="3")

    app.press("L", "End")
    top = app.prop("sawtooth", "L")["maximum"]
    assert top == 20
    app.wait_for_params("sawtooth", L=top)
    assert app.metric("pieces") == "1,048,576"  # Δ^20, counted exactly
    assert app.page.locator("#checks .check.fails").count() == 0


def test_reload_restores_the_view(app):
    app.open("#/threshold")
    app.page.locator('select[data-param="target"]').select_option("nielsen")
    app.wait_for_params("threshold", target="nielsen")
    app.press("eps", "ArrowLeft", times=4)
    url = app.page.url
    controls = app.control_values()
    metrics = app.metrics()
    plot = app.plot_data("approximation")

    app.page.reload()
    app.wait_rendered()
    assert app.page.url == url
    assert app.control_values() == controls
    assert app.metrics() == metrics
    assert app.plot_data("approximation") == plot

    # the same link pasted into a fresh tab gives the same view
    other = app.page.context.new_page()
    other.goto(url)
    fresh = type(app)(other, app.base_url)
    fresh.wait_rendered()
    assert fresh.control_values() == controls
    assert fresh.metrics() == metrics
    other.close()


def test_pasted_link_and_hash_navigation(app):
    app.open("#/threshold?eps=0.01&target=nielsen")
    assert app.control_values() == {"target": "nielsen", "eps": "0.01"}
    api = app.api("threshold", eps=0.01, target="nielsen")
    assert app.metric("width") == fmt_int(api["metrics"]["width"])
    # editing the address bar in place (a hashchange) switches scene and parameters
    before = app.render_seq()
    app.page.evaluate("location.hash = '#/sawtooth?L=7'")
    app.wait_rendered(before)
    app.wait_for_params("sawtooth", L=7)
    assert app.metric("pieces") == "128"
    expect(app.page.locator("#scene-title")).to_contain_text("sawtooth")


def test_back_and_forward(app):
    app.open("#/sawtooth?L=4")
    app.press("L", "ArrowRight")  # 5
    app.press("L", "ArrowRight")  # 6
    app.wait_for_params("sawtooth", L=6)

    app.page.go_back()
    app.wait_for_params("sawtooth", L=5)
    assert app.number("L").input_value() == "5"
    assert app.metric("pieces") == "32"

    app.page.go_back()
    app.wait_for_params("sawtooth", L=4)
    assert app.hash() == "#/sawtooth?L=4"
    assert app.metric("pieces") == "16"

    app.page.go_forward()
    app.wait_for_params("sawtooth", L=5)
    assert app.number("L").input_value() == "5"
    app.assert_hash("sawtooth", L="5")

    # scene links are history entries too
    app.page.locator('#scene-list a[data-scene="threshold"]').click()
    app.wait_for_params("threshold", eps=app.default("threshold", "eps"))
    expect(app.page.locator("#scene-title")).to_be_focused()
    app.page.go_back()
    app.wait_for_params("sawtooth", L=5)
    expect(app.page.locator("#scene-title")).to_contain_text("sawtooth")


def test_dragging_redraws_while_dragging_and_makes_one_history_entry(app):
    app.open("#/sawtooth?L=4")
    box = app.slider("L").bounding_box()
    y = box["y"] + box["height"] / 2
    app.page.mouse.move(box["x"] + box["width"] * 0.5, y)
    app.page.mouse.down()
    seen = []
    for frac in (0.6, 0.7, 0.8):
        app.page.mouse.move(box["x"] + box["width"] * frac, y, steps=2)
        current = int(app.number("L").input_value())
        # the chart catches up with the slider while the button is still held
        app.wait_for_params("sawtooth", L=current)
        seen.append(current)
    app.page.mouse.up()
    assert seen == sorted(seen) and len(set(seen)) == 3
    app.wait_rendered()
    final = app.rendered()["params"]["L"]
    app.assert_hash("sawtooth", L=str(final))
    assert app.metric("pieces") == fmt_int(2**final)
    # the whole drag is one history entry
    app.page.go_back()
    app.wait_for_params("sawtooth", L=4)


def test_out_of_range_typed_value_shows_the_server_message(app):
    app.open("#/threshold?eps=0.05")
    assert app.prop("threshold", "eps")["maximum"] == 0.5
    plots_before = app.plot_data("approximation")
    num = app.number("eps")
    num.fill("5")
    num.press("Enter")
    error = app.page.locator("#param-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("eps")
    expect(error).to_contain_text("0.5")  # the limit, from the server's 422 message
    expect(num).to_have_attribute("aria-invalid", "true")
    assert app.hash_state()[1]["eps"] == "5"
    # the page is intact: last valid plots stay, dimmed
    assert app.plot_data("approximation") == plots_before
    expect(app.page.locator("#workbench")).to_have_class("workbench stale")

    num.fill("0.2")
    num.press("Enter")
    app.wait_for_params("threshold", eps=0.2)
    expect(error).to_be_hidden()
    expect(num).not_to_have_attribute("aria-invalid", "true")
    assert app.metric("width") == fmt_int(app.api("threshold", eps=0.2)["metrics"]["width"])


def test_invalid_values_in_the_url_show_a_message(app):
    assert app.prop("sawtooth", "L")["maximum"] == 20
    app.page.goto("/#/sawtooth?L=99")
    error = app.page.locator("#param-error")
    expect(error).to_contain_text("L")
    expect(error).to_contain_text("20")
    expect(app.page.locator("#scene-title")).to_contain_text("sawtooth")
    app.page.goto("/#/sawtooth?L=6&bogus=1")
    expect(error).to_contain_text("bogus")
    app.page.goto("/#/sawtooth?L=6")
    app.wait_for_params("sawtooth", L=6)
    expect(error).to_be_hidden()


def test_unknown_scene_gives_a_friendly_message(app):
    app.page.goto("/#/no-such-scene?x=1")
    message = app.page.locator("#message")
    expect(message).to_contain_text("There is no scene called “no-such-scene”")
    expect(message.locator("a")).to_have_count(app.page.locator("#scene-list a").count())
    expect(app.page.locator("#scene")).to_be_hidden()
    message.locator('a[href="#/sawtooth"]').click()
    app.wait_for_params("sawtooth", L=app.default("sawtooth", "L"))
    expect(message).to_be_hidden()


@pytest.mark.parametrize("delay_ms", [900])
def test_slow_responses_show_progress_and_stale_ones_are_discarded(app, delay_ms):
    # Delay the API response for L=5 inside the page (the server stays as it is).
    app.page.add_init_script(
        """(() => {
            const real = window.fetch.bind(window);
            window.__delay = { match: null, ms: 0, delivered: 0 };
            window.fetch = (input, init) => {
                const url = typeof input === 'string' ? input : input.url;
                const d = window.__delay;
                const p = real(input, init);
                if (!d.match || !url.includes(d.match)) return p;
                return new Promise((resolve) => setTimeout(() => {
                    d.delivered += 1; resolve(p);
                }, d.ms));
            };
        })();"""
    )
    app.open("#/sawtooth?L=4")
    app.page.evaluate("(ms) => { window.__delay.match = 'L=5'; window.__delay.ms = ms; }", delay_ms)
    slider = app.slider("L")
    slider.focus()
    slider.press("ArrowRight")  # L=5: slow
    expect(app.page.locator("#progress")).to_be_visible()
    expect(app.page.locator("#workbench")).to_have_attribute("aria-busy", "true")
    # the page stays responsive: the next value goes out and renders first
    slider.press("ArrowRight")  # L=6: fast
    app.wait_for_params("sawtooth", L=6)
    seq = app.render_seq()
    app.page.wait_for_function("() => window.__delay.delivered >= 1")
    app.page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 50)))")
    # the late L=5 answer was dropped
    assert app.render_seq() == seq
    assert app.rendered()["params"]["L"] == 6
    assert app.metric("pieces") == "64"
    app.assert_hash("sawtooth", L="6")
    expect(app.page.locator("#progress")).to_be_hidden()
    expect(app.page.locator("#workbench")).not_to_have_attribute("aria-busy", "true")


def test_controls_are_labelled_and_keyboard_reachable(app):
    app.open("#/threshold?target=sin&eps=0.05")
    page = app.page
    expect(page.get_by_role("slider", name="ε")).to_be_visible()
    expect(page.get_by_role("spinbutton", name="ε value")).to_be_visible()
    expect(page.get_by_role("combobox", name="target g")).to_be_visible()
    # the skip link leads to the first control without touching the URL state
    url = page.url
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator('#control-form select[data-param="target"]')).to_be_focused()
    assert page.url == url
    # Tab order reaches the slider; arrow keys then drive it
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(app.slider("eps")).to_be_focused()
    before = app.render_seq()
    page.keyboard.press("ArrowLeft")
    app.wait_rendered(before)
    assert float(app.number("eps").input_value()) < 0.05


def test_every_scene_renders_with_its_defaults(app):
    """Generic renderer: whatever scenes the server offers, each one draws."""
    listing = app.page.request.get(f"{app.base_url}/api/v1/scenes").json()
    for info in listing:
        before = app.render_seq()
        app.page.goto(f"/#/{info['id']}")
        try:
            app.wait_rendered(before, timeout=45_000)  # some scenes compute for a while
        except Exception as e:
            raise AssertionError(f"scene {info['id']!r} did not render: {app.hooks()}") from e
        result = app.rendered()
        assert result["scene"] == info["id"]
        api = app.api(info["id"])
        assert app.plot_ids() == [p["id"] for p in api["plots"]], info["id"]
        for plot in api["plots"]:
            drawn = app.plot_data(plot["id"])
            assert drawn is not None and len(drawn) == len(plot["traces"]), plot["id"]
        assert set(app.metrics()) == set(api["metrics"])
        expect(app.page.locator("#checks .check")).to_have_count(len(api["checks"]))
        visible = app.page.locator("#control-form .control")
        props = info["params_schema"]["properties"].values()
        # hidden params (a zoom window) live in the URL only: no control (docs/contract.md)
        expect(visible).to_have_count(sum(not p.get("hidden") for p in props))
