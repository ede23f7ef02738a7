"""The training scenes in a real browser (issue 15): the ▶ control animates the step slider
with the URL following, and every training scene renders with its checks."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect


def play_button(app):
    return app.page.locator('button.control-play[data-param="step"]')


def test_play_advances_the_step_and_the_url_follows(app):
    app.open("#/lazy?m=64&n=8&step=0")
    button = play_button(app)
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(button).to_have_attribute("aria-label", "Play training progress (checkpoint)")
    history = app.page.evaluate("() => history.length")
    button.focus()
    app.page.keyboard.press("Enter")  # keyboard-operable
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button).to_have_attribute("aria-label", "Pause training progress (checkpoint)")
    app.page.wait_for_function(
        "() => Number(new URLSearchParams(location.hash.split('?')[1]).get('step')) >= 3",
        timeout=20_000,
    )
    button.click()  # pause
    expect(button).to_have_attribute("aria-pressed", "false")
    app.wait_rendered()
    params = app.assert_hash("lazy", m="64", n="8")
    step = params["step"]
    assert int(step) >= 3
    assert app.number("step").input_value() == step
    assert app.rendered()["params"]["step"] == int(step)
    # replaceState: playing added no history entries
    assert app.page.evaluate("() => history.length") == history
    # it stays paused
    app.page.wait_for_timeout(800)
    assert app.hash_state()[1]["step"] == step


def test_play_stops_at_the_end_and_restarts_from_the_beginning(app):
    app.open("#/lazy?m=64&n=8&step=38")
    button = play_button(app)
    button.click()
    app.page.wait_for_function(
        "() => new URLSearchParams(location.hash.split('?')[1]).get('step') === '40'",
        timeout=20_000,
    )
    expect(button).to_have_attribute("aria-pressed", "false")
    app.wait_rendered()
    # at the end, ▶ starts again from checkpoint 0
    button.click()
    app.page.wait_for_function(
        "() => Number(new URLSearchParams(location.hash.split('?')[1]).get('step')) < 40",
        timeout=20_000,
    )
    button.click()
    app.wait_rendered()


def test_taking_the_slider_stops_playback(app):
    app.open("#/lazy?m=64&n=8&step=0")
    button = play_button(app)
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    app.slider("step").focus()
    app.slider("step").press("Home")
    expect(button).to_have_attribute("aria-pressed", "false")
    app.wait_rendered()


@pytest.mark.parametrize(
    ("scene", "query"),
    [
        ("lazy", "m=64&n=8"),
        ("spectral-bias", "m=128"),
        ("learnability", "L=3&restarts=3"),
    ],
)
def test_training_scenes_render_with_their_checks(app, scene, query):
    app.open(f"#/{scene}?{query}")
    params = dict(p.split("=") for p in query.split("&"))
    api = app.api(scene, **params)
    assert app.plot_ids() == [p["id"] for p in api["plots"]]
    for plot in api["plots"]:
        data = app.plot_data(plot["id"])
        assert [t["n"] for t in data] == [len(t["x"]) for t in plot["traces"]]
    checks = app.page.locator("#checks .check")
    expect(checks).to_have_count(len(api["checks"]))
    expect(checks.first.locator(".check-icon")).to_have_text("✓")
    expect(play_button(app)).to_be_visible()
