"""Depth scenes (issue 5, part A): contract metrics against the formulas, from the API."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest


def get(client, scene: str, **params) -> dict:
    r = client.get(f"/api/v1/scenes/{scene}", params=params)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize("i", [0, 1, 4, 15])
def test_squaring_metrics(client, i):
    m = get(client, "squaring", i=i)["metrics"]
    assert m["bound"] == 4.0 ** (-i - 1)
    assert m["sup_error"] <= m["bound"] * (1 + 1e-12)
    assert m["sup_error"] == pytest.approx(m["bound"], rel=1e-12)  # attained
    assert (m["nodes_skip"], m["nodes_pure"], m["layers"]) == (3 * i, 5 * i, 2 * i)
    assert m["shallow_nodes"] == math.ceil(2 / m["bound"])
    assert m["pieces"] == 2**i


@pytest.mark.parametrize("i", [0, 2, 7])
def test_product_metrics(client, i):
    body = get(client, "product", i=i)
    m = body["metrics"]
    assert m["bound"] == 4.0**-i
    assert m["sup_error"] <= m["bound"] * (1 + 1e-12)
    assert (m["nodes"], m["layers"], m["nodes_skip"]) == (15 * i, 2 * i, 9 * i)
    assert m["printed_axis_max"] == pytest.approx(0.5 * 4.0**-i)
    assert all(c["holds"] for c in body["checks"])
    assert any("16i" in n for n in body["notes"])


@pytest.mark.parametrize("L", [1, 2, 3, 4])
def test_parity_metrics(client, L):
    body = get(client, "parity", L=L)
    m = body["metrics"]
    assert m["points"] == 2 ** (2**L) and m["max_error"] == 0.0
    assert m["printed_wrong_points"] > 0
    assert any("printed" in n for n in body["notes"])


@pytest.mark.parametrize("L", [2, 3, 4])
def test_separation_metrics(client, L):
    body = get(client, "separation", L=L)
    m = body["metrics"]
    assert m["target_pieces"] == 2 ** (L * L + 2)
    assert m["piece_bound"] == pytest.approx((2 * 2**L / L) ** L)
    assert m["competitor_pieces"] <= m["piece_bound"]
    assert m["competitor_nodes"] <= 2**L and m["competitor_layers"] <= L
    assert m["l1_lower_bound"] == 1 / 32 and m["l1_error"] >= 1 / 32
    assert m["missed_area"] <= m["l1_error"] + 1e-12
    assert all(c["holds"] for c in body["checks"])


@pytest.mark.parametrize(
    ("scene", "query", "param", "limit"),
    [
        ("squaring", "i=16", "i", "15"),
        ("squaring", "i=-1", "i", "0"),
        ("product", "i=8", "i", "7"),
        ("parity", "L=5", "L", "4"),
        ("parity", "L=0", "L", "1"),
        ("separation", "L=1", "L", "2"),
        ("separation", "L=5", "L", "4"),
    ],
)
def test_out_of_range_is_422(client, scene, query, param, limit):
    r = client.get(f"/api/v1/scenes/{scene}?{query}")
    assert r.status_code == 422
    msg = r.json()["message"]
    assert msg.startswith(f"{param}:") and limit in msg


@pytest.mark.parametrize(
    ("L", "f", "pieces_per_copy", "flat"),
    [(3, "bump", 4, True), (5, "trapezoid", 3, False), (6, "vee", 2, False), (1, "tent", 2, False)],
)
def test_sawtooth_consequences(client, L, f, pieces_per_copy, flat):
    body = get(client, "sawtooth", L=L, f=f)
    m = body["metrics"]
    assert m["pieces"] == 2**L and m["fractal_max_dev"] == 0.0  # existing contract
    assert m["viral_pieces"] == 2**L * pieces_per_copy - (2**L - 1) * flat
    assert m["viral_max_dev"] == 0.0
    assert m["bit_errors"] == 0 and m["bits_checked"] == L * 2**L
    assert {p["id"] for p in body["plots"]} >= {"sawtooth", "pieces", "viral", "bits"}
    assert all(c["holds"] for c in body["checks"])


def test_sawtooth_symmetric_function_must_be_from_the_library(client):
    r = client.get("/api/v1/scenes/sawtooth?f=sin")
    assert r.status_code == 422 and r.json()["message"].startswith("f:")


# ------------------------------------------------------------------ exact at every zoom

MINE = ["sawtooth", "squaring", "product", "parity", "separation"]
ZOOMABLE = {
    "sawtooth": ["sawtooth", "viral"],
    "squaring": ["error", "squaring"],
    "separation": ["separation"],
}


def plot(body: dict, pid: str) -> dict:
    return next(p for p in body["plots"] if p["id"] == pid)


def test_delta_20_zoomed_returns_every_exact_knot(client):
    """Δ^20 on [0.5, 0.5005]: the knots in the response are exactly its breakpoints k/2^20
    there (exact in float32 too), as many as the exact count, with values 0/1."""
    body = get(client, "sawtooth", L=20, x_lo=0.5, x_hi=0.5005)
    p = plot(body, "sawtooth")
    assert p["zoom"] == {"lo": "x_lo", "hi": "x_hi"}
    tr = p["traces"][0]
    assert tr["kind"] == "line" and tr["style"] == "construction"
    # plot data travel as float32; k/2^20 near ½ needs 21 bits, so float32 holds it exactly
    x = np.array(tr["x"], dtype=np.float32).astype(float)
    y = np.array(tr["y"], dtype=float)
    k = np.arange(2**20 + 1)
    exact = k[(k / 2**20 > 0.5) & (k / 2**20 < 0.5005)]
    inside = (x > 0.5) & (x < 0.5005)
    np.testing.assert_array_equal(x[inside], exact / 2**20)
    assert inside.sum() == exact.size == 524  # 525 pieces meet the window
    np.testing.assert_array_equal(y[inside], exact % 2)  # Δ^20(k/2^20) = [k odd]
    assert x[0] <= 0.5 and x[-1] >= 0.5005  # the line reaches the window's edges
    assert "525 of its 1,048,576 pieces" in p["title"]
    # the viral plot follows the same window, every knot of f∘Δ^20 exact
    v = plot(body, "viral")["traces"][0]
    assert v["kind"] == "line" and np.all(np.diff(v["x"]) > 0)


def test_overviews_are_honest_envelopes_with_a_suggested_window(client):
    body = get(client, "sawtooth", L=20)
    p = plot(body, "sawtooth")
    band, window = p["traces"][0], p["traces"][1]
    assert band["kind"] == "band" and "1,048,576 pieces here" in band["name"]
    assert len(band["x"]) <= 2 * 1200  # one column per pixel, never a million points
    assert window["kind"] == "band" and window["style"] == "highlight"
    # Δ^9 in the overview is still every knot (visible teeth), Δ^10 the envelope
    assert plot(get(client, "sawtooth", L=9), "sawtooth")["traces"][0]["kind"] == "line"
    assert plot(get(client, "sawtooth", L=10), "sawtooth")["traces"][0]["kind"] == "band"
    sq = plot(get(client, "squaring", i=15), "error")
    env = next(t for t in sq["traces"] if t["style"] == "error")
    assert env["kind"] == "band" and max(env["y"]) == pytest.approx(4.0**-16, rel=1e-6)
    sep = plot(get(client, "separation", L=4), "separation")
    assert [t["kind"] for t in sep["traces"]][:2] == ["band", "band"]
    assert sep["traces"][-1]["style"] == "highlight"


@pytest.mark.parametrize(("lo", "hi"), [(0.7, 0.2), (0.4, 0.4), (0.0, 1.0)])
def test_an_empty_or_reversed_window_is_the_whole_domain(client, lo, hi):
    whole = get(client, "sawtooth", L=12)
    got = get(client, "sawtooth", L=12, x_lo=lo, x_hi=hi)
    assert got["plots"] == whole["plots"] and got["checks"] == whole["checks"]


@pytest.mark.parametrize("scene", ["sawtooth", "squaring", "separation"])
def test_window_params_are_hidden_and_bounded(client, scene):
    props = next(s for s in client.get("/api/v1/scenes").json() if s["id"] == scene)[
        "params_schema"
    ]["properties"]
    for name, default in (("x_lo", 0.0), ("x_hi", 1.0)):
        assert props[name]["hidden"] is True and props[name]["default"] == default
        assert (props[name]["minimum"], props[name]["maximum"]) == (0.0, 1.0)
    r = client.get(f"/api/v1/scenes/{scene}", params={"x_hi": 1.5})
    assert r.status_code == 422 and r.json()["message"].startswith("x_hi:")
    assert {p["id"] for p in get(client, scene)["plots"] if p.get("zoom")} == set(ZOOMABLE[scene])


def test_squaring_zoomed_error_arches_are_exact(client):
    body = get(client, "squaring", i=15, x_lo=0.5, x_hi=0.5005)
    err = next(t for t in plot(body, "error")["traces"] if t["style"] == "error")
    assert err["kind"] == "line"
    x, e = np.array(err["x"], dtype=float), np.array(err["y"], dtype=float)
    k = np.arange(2**15 + 1) / 2**15
    knots = k[(k >= 0.5) & (k <= 0.5005)]
    assert np.isin(knots.astype(np.float32), x.astype(np.float32)).all()
    assert e.max() == pytest.approx(4.0**-16, rel=1e-6) and e.min() >= -1e-12
    h = plot(body, "squaring")["traces"][1]
    assert h["kind"] == "line"  # h_15's knots in the window, every one


def test_separation_zoomed_target_knots_are_exact(client):
    body = get(client, "separation", L=4, x_lo=0.25, x_hi=0.2501)
    f = plot(body, "separation")["traces"][1]
    assert f["kind"] == "line"
    x = np.array(f["x"], dtype=np.float32).astype(float)  # k/2^18: exact in float32
    k = np.arange(2**18 + 1) / 2**18
    np.testing.assert_array_equal(x[(x > 0.25) & (x < 0.2501)], k[(k > 0.25) & (k < 0.2501)])


# ------------------------------------------------------------- figures a class can read

SNAKE = re.compile(r"\b[a-z]{2,}_[a-z0-9]{2,}\b")


def visible_text(body: dict) -> list[str]:
    out = [c["name"] for c in body["checks"]] + [c.get("note") or "" for c in body["checks"]]
    out += body["notes"]
    for p in body["plots"]:
        out += [p["title"], p.get("caption", ""), p["x"]["label"], p["y"]["label"]]
        out += [t["name"] for t in p["traces"]]
    return out


@pytest.mark.parametrize("scene", MINE)
def test_figures_have_captions_roles_words_and_few_legend_entries(client, scene):
    info = next(s for s in client.get("/api/v1/scenes").json() if s["id"] == scene)
    for params in (
        {},
        *[{k: v} for k, v in {"L": 4, "i": 7}.items() if k in info["params_schema"]["properties"]],
    ):
        body = get(client, scene, **params)
        assert body["plots"][0]["id"] == info["primary_plot"]
        assert body["checks"]
        for p in body["plots"]:
            assert len(p.get("caption", "")) > 20, p["id"]
            entries = set()
            for t in p["traces"]:
                assert t.get("style") or t["kind"] == "heatmap", (p["id"], t["name"])
                if t.get("legend", True):
                    entries.add(t.get("group") or t["name"])
            assert len(entries) <= 5, (p["id"], entries)
            styles = [(t["kind"], t.get("style")) for t in p["traces"] if t.get("legend", True)]
            assert len(styles) == len(set(styles)), (p["id"], styles)  # no two drawn alike
        for text in visible_text(body):
            assert not SNAKE.search(text), text
            assert "$" not in text and "\\" not in text, text


@pytest.mark.parametrize(
    ("scene", "pid", "axis"),
    [
        ("sawtooth", "pieces", "x"),
        ("sawtooth", "bits", "y"),
        ("squaring", "bound", "x"),
        ("product", "bound", "x"),
        ("product", "factors", "x"),
        ("parity", "by_k", "x"),
        ("parity", "errors", "x"),
        ("separation", "lemma49", "x"),
    ],
)
def test_integer_axes(client, scene, pid, axis):
    assert plot(get(client, scene), pid)[axis]["integer"] is True


def test_product_heatmap_is_square_and_oriented(client):
    """z[row][col] is the error at (x = x[col], x′ = y[row]), checked against the exported
    network; the orientation itself is tested with an asymmetric function in
    tests/theory/depth/test_product.py (g_i − xx′ is symmetric)."""
    body = get(client, "product", i=2)
    p = plot(body, "error")
    assert p["aspect"] == "equal"
    hm = p["traces"][0]
    x, y, z = (np.array(hm[k], dtype=float) for k in ("x", "y", "z"))
    assert z.shape == (y.size, x.size)
    net = client.get("/api/v1/scenes/product/networks", params={"i": 2}).json()["networks"][0]
    r, c = 5, 40
    P = np.array([[x[c], y[r]]])
    g = forward(net, P)[0]
    assert z[r, c] == pytest.approx(g - x[c] * y[r], abs=1e-6)


def forward(net: dict, X: np.ndarray) -> np.ndarray:
    z = np.atleast_2d(X).reshape(len(X), -1).T
    for k, lay in enumerate(net["layers"]):
        z = np.asarray(lay["weight"]) @ z + np.asarray(lay["bias"])[:, None]
        if k < len(net["layers"]) - 1:
            z = np.maximum(z, 0.0)
    return z[0]


def test_squaring_names_the_corrected_derivation(client):
    body = get(client, "squaring", i=4)
    tele = next(c for c in body["checks"] if "Δ^i/4^i" in c["name"])
    assert tele["holds"] and "printed" in tele["note"]
    note = next(n for n in body["notes"] if n.startswith("Corrected"))
    assert "4k² + 4k + 1" in note and "|τ² − τ|" in note and "4^(k+1)" in note


def test_pl_view_overview_envelope_and_exact_piece_count():
    """The plotting kit's zoomable view: the overview switches to the envelope beyond
    OVERVIEW_KNOTS knots, a zoomed window keeps every knot up to EXACT_KNOTS, and an
    envelope names the exact number of pieces (true breakpoints, not knots)."""
    from approxlab.scenes.plotkit import OVERVIEW_KNOTS, pl_view, window_band

    x = np.linspace(0.0, 1.0, 2 * OVERVIEW_KNOTS + 1)
    y = np.where(np.arange(x.size) % 2 == 0, 0.0, 1.0)
    y[: x.size // 2 + 1] = x[: x.size // 2 + 1]  # the first half is one straight piece
    over = pl_view("f", x, y, (0.0, 1.0), (0.0, 1.0), envelope_name="g")
    assert over[0].kind == "band"
    assert over[0].name.startswith(f"g: {OVERVIEW_KNOTS + 1:,} pieces here")
    zoomed = pl_view("f", x, y, (0.0, 0.9), (0.0, 1.0))
    assert zoomed[0].kind == "line" and zoomed[0].name == "f"
    w = window_band("here", 0.25, 0.5, 0.0, 1.0)
    assert w.kind == "band" and w.style == "highlight"
    assert list(w.x) == [0.25, 0.5, 0.5, 0.25] and list(w.y) == [1.0, 1.0, 0.0, 0.0]
