"""The lecture deck (examples/slides/, reveal.js from file://) and the clicker keys
(frontend/js/keys.js): inside an embed PageDown / PageUp / space move the deck, not the
slider; outside an embed they keep their usual meaning."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

DECK = Path(__file__).resolve().parents[2] / "examples" / "slides" / "index.html"


def _indices(page: Any) -> tuple[int, int]:
    i = page.evaluate("() => Reveal.getIndices()")
    return i["h"], i["v"]


def _demo(page: Any, base_url: str, app: Any) -> Any:
    """The demo on the current slide, rendered."""
    iframe = page.locator(".reveal .slides > section.present iframe.demo")
    expect(iframe).to_have_attribute("src", re.compile("^" + re.escape(base_url) + "/#/"))
    frame = iframe.element_handle().content_frame()
    demo = type(app)(page, base_url, frame=frame)
    demo.wait_rendered()
    return demo


def _goto_slide(page: Any, h: int) -> None:
    page.evaluate("(h) => Reveal.slide(h)", h)
    page.wait_for_function("(h) => Reveal.getIndices().h === h", arg=h)


def test_deck_from_file_advances_with_pagedown_inside_an_embed(page, base_url, app, page_guard):
    page_guard["allowed"].append("file:")
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{DECK.as_uri()}?server={base_url}")
    page.wait_for_function("() => window.Reveal && Reveal.isReady()")
    assert page.evaluate("() => window.approxlabDeck.server") == base_url
    # the server URL reached every demo; nothing else is loaded from anywhere
    srcs = page.evaluate(
        "() => [...document.querySelectorAll('iframe.demo')].map(f => f.dataset.src || f.src)"
    )
    assert len(srcs) >= 4 and all(s.startswith(f"{base_url}/#/") and "embed=1" in s for s in srcs)

    _goto_slide(page, 1)
    demo = _demo(page, base_url, app)
    scene = demo.rendered()["scene"]
    param = demo.frame.evaluate(
        "() => document.querySelector('#control-form input[type=range]').dataset.param"
    )

    # an arrow key stays with the focused slider: the demo recomputes
    before = demo.number(param).input_value()
    demo.press(param, "ArrowRight")
    moved = demo.number(param).input_value()
    assert moved != before
    seq = demo.render_seq()
    hash_ = demo.hash()

    # the clicker: PageDown with the slider focused advances the deck, the slider stays
    demo.slider(param).focus()
    demo.slider(param).press("PageDown")
    page.wait_for_function("() => Reveal.getIndices().h === 2")
    assert demo.number(param).input_value() == moved
    assert demo.hash() == hash_ and demo.render_seq() == seq
    assert demo.frame.evaluate("() => window.approxlab.idle")
    # the hidden demo gives the keyboard back: the deck's own keys work again
    page.wait_for_function("() => document.activeElement === document.body")

    # on the next slide's demo: PageUp returns, space and Shift+space too
    nxt = _demo(page, base_url, app)
    p2 = nxt.frame.evaluate(
        "() => document.querySelector('#control-form input[type=range]').dataset.param"
    )
    v2, seq2 = nxt.number(p2).input_value(), nxt.render_seq()
    nxt.slider(p2).focus()
    nxt.slider(p2).press("PageUp")
    page.wait_for_function("() => Reveal.getIndices().h === 1")
    assert _indices(page) == (1, 0)
    assert nxt.number(p2).input_value() == v2 and nxt.render_seq() == seq2

    demo.slider(param).focus()
    demo.slider(param).press("Space")
    page.wait_for_function("() => Reveal.getIndices().h === 2")
    nxt.slider(p2).focus()
    nxt.slider(p2).press("Shift+Space")
    page.wait_for_function("() => Reveal.getIndices().h === 1")
    # the clicker's "black screen" button ("b" or ".") pauses the deck and resumes it
    demo.slider(param).press("b")
    page.wait_for_function("() => Reveal.isPaused()")
    demo.slider(param).press(".")
    page.wait_for_function("() => !Reveal.isPaused()")
    assert demo.number(param).input_value() == moved
    assert nxt.number(p2).input_value() == v2
    assert demo.render_seq() == seq and nxt.render_seq() == seq2
    assert demo.rendered()["scene"] == scene


def test_deck_server_and_theme_from_the_deck_url(page, base_url, page_guard):
    page_guard["allowed"].append("file:")
    page.goto(f"{DECK.as_uri()}?server={base_url}/&theme=dark")
    page.wait_for_function("() => window.Reveal && Reveal.isReady()")
    assert page.evaluate("() => document.documentElement.classList.contains('dark')")
    src = page.evaluate("() => window.approxlabDeck.demoUrl('sawtooth?L=5&controls=L')")
    assert src == f"{base_url}/#/sawtooth?L=5&controls=L&embed=1&theme=dark"
    # only an http(s) address is taken as the server
    checks = page.evaluate(
        """() => ['javascript:alert(1)', 'file:///etc', 'nonsense', 'https://lab.example.org:8443/']
            .map(window.approxlabDeck.serverUrl)"""
    )
    assert checks == [None, None, None, "https://lab.example.org:8443"]


@pytest.mark.parametrize("key", ["PageDown", "Space"])
def test_keys_outside_an_embed_keep_their_meaning(app, key):
    page = app.page
    app.open("#/threshold?eps=0.1")
    page.evaluate(
        """() => {
            window.__keys = [];
            window.addEventListener('approxlab:deck-key', () => window.__keys.push('deck'));
            window.addEventListener('keydown', (e) => window.__keys.push(e.defaultPrevented));
        }"""
    )
    page.locator("body").press(key)
    assert page.evaluate("() => window.__keys") == [False]
    # a focused slider keeps PageDown (ten steps down): the page is not a deck
    before = app.number("eps").input_value()
    app.press("eps", "PageDown")
    assert app.number("eps").input_value() != before


def test_keys_deck_method_spares_typing(app):
    app.open("#/threshold?eps=0.1")
    got = app.page.evaluate(
        """async () => {
            const { deckMethod } = await import('./js/keys.js');
            const num = document.querySelector('#control-form input[type=number]');
            const range = document.querySelector('#control-form input[type=range]');
            const ev = (key, target, more = {}) => deckMethod({ key, target, ...more });
            return {
                pageDownInNumber: ev('PageDown', num),
                spaceInNumber: ev(' ', num),
                dotInNumber: ev('.', num),
                spaceOnSlider: ev(' ', range),
                shiftSpaceOnSlider: ev(' ', range, { shiftKey: true }),
                pageUp: ev('PageUp', document.body),
                black: ev('b', document.body),
                arrow: ev('ArrowRight', range),
                ctrlPageDown: ev('PageDown', range, { ctrlKey: true }),
            };
        }"""
    )
    assert got == {
        "pageDownInNumber": "next",
        "spaceInNumber": None,
        "dotInNumber": None,
        "spaceOnSlider": "next",
        "shiftSpaceOnSlider": "prev",
        "pageUp": "prev",
        "black": "togglePause",
        "arrow": None,
        "ctrlPageDown": None,
    }
