"""embed=1 (iframes in reveal.js slides) and the controls= / plots= view options."""

from __future__ import annotations

from playwright.sync_api import expect


def test_embed_inside_an_iframe_of_another_site(page, base_url, app, page_guard, slides_server):
    # A slide deck on another origin (another port) embeds one demo, as reveal.js would.
    slides, pages = slides_server
    page_guard["allowed"].append(slides)
    pages["/deck.html"] = f"""<!doctype html><html><head><title>deck</title></head><body>
        <h1>Depth separation</h1>
        <iframe id="demo" title="sawtooth demo" width="960" height="620"
                src="{base_url}/#/sawtooth?L=5&embed=1"></iframe></body></html>"""
    page.goto(f"{slides}/deck.html")
    frame = page.frame_locator("#demo")
    inner = type(app)(page, base_url, frame=page.frame(url=lambda u: u.startswith(base_url)))
    inner.wait_rendered()
    inner.wait_for_params("sawtooth", L=5)

    for chrome in (".app-header", ".sidebar", "#scene-statement", ".scene-head", "#notes-section"):
        expect(frame.locator(chrome)).to_be_hidden()
    expect(frame.locator("#controls")).to_be_visible()
    expect(frame.locator('[data-plot="sawtooth"] .main-svg').first).to_be_visible()
    assert inner.plot_data("sawtooth")[0]["n"] >= 33
    # no horizontal scrolling inside the frame
    assert inner.frame.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )

    # the demo works in the frame; the view options stay in its URL
    inner.press("L", "ArrowRight")
    inner.wait_for_params("sawtooth", L=6)
    inner.assert_hash("sawtooth", L="6", embed="1")
    # the one-line check summary stays; it opens the full list
    summary = frame.locator("#checks-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("hold")
    expect(frame.locator("#checks .check").first).to_be_hidden()
    summary.click()
    expect(frame.locator("#checks .check").first).to_be_visible()


def test_embed_flag_and_controls_are_not_sent_to_the_api(page, app):
    api_urls: list[str] = []
    page.on("request", lambda r: api_urls.append(r.url) if "/api/v1/scenes/" in r.url else None)
    app.open("#/threshold?eps=0.02&embed=1&controls=eps")
    expect(page.locator(".app-header")).to_be_hidden()
    assert api_urls and all("embed" not in u and "controls" not in u for u in api_urls)
    assert any("eps=0.02" in u for u in api_urls)


def test_controls_option_restricts_the_controls(app):
    app.open("#/threshold?controls=eps")
    form = app.page.locator("#control-form")
    expect(form.locator(".control")).to_have_count(1)
    expect(form.locator('[data-param="eps"]').first).to_be_visible()
    expect(form.locator('select[data-param="target"]')).to_have_count(0)
    # hidden parameters still come from the URL
    app.page.goto("/#/threshold?target=abs&eps=0.1&controls=eps")
    app.wait_for_params("threshold", target="abs", eps=0.1)
    expect(form.locator(".control")).to_have_count(1)
    app.press("eps", "ArrowRight")
    _, params = app.hash_state()
    assert params["target"] == "abs" and params["controls"] == "eps"

    default_target = app.default("threshold", "target")
    app.page.goto("/#/threshold?controls=eps,target&embed=1")
    app.wait_for_params("threshold", target=default_target)
    expect(form.locator(".control")).to_have_count(2)

    app.page.goto("/#/threshold?controls=&embed=1")
    app.wait_for_params("threshold", target=default_target)
    expect(app.page.locator("#controls")).to_be_hidden()
    # an embed shows the primary plot (plots= names more); hiding the controls drops none
    api_plots = [p["id"] for p in app.api("threshold")["plots"]]
    expect(app.page.locator("#plots .plot-card")).to_have_count(1)
    app.page.goto(f"/#/threshold?controls=&embed=1&plots={','.join(api_plots)}")
    app.wait_for_params("threshold", target=default_target)
    expect(app.page.locator("#plots .plot-card")).to_have_count(len(api_plots))


def test_plots_option_selects_plots(app):
    app.open("#/sawtooth?L=8&embed=1&plots=sawtooth")
    assert app.plot_ids() == ["sawtooth"]
    app.press("L", "ArrowRight")
    app.wait_for_params("sawtooth", L=9)
    assert app.plot_ids() == ["sawtooth"]
    app.assert_hash("sawtooth", L="9", embed="1", plots="sawtooth")


def test_embed_from_a_local_file_deck(page, base_url, app, tmp_path, page_guard):
    page_guard["allowed"].append("file:")
    deck = tmp_path / "deck.html"
    deck.write_text(f'<!doctype html><iframe id="demo" src="{base_url}/#/sawtooth?L=4&embed=1">')
    page.goto(deck.as_uri())
    frame = page.frame(url=lambda u: u.startswith(base_url))
    assert frame is not None
    type(app)(page, base_url, frame=frame).wait_for_params("sawtooth", L=4)
