"""Scene cpwl over HTTP: the list parameters and their 422 messages."""

import pytest


def test_defaults_and_metrics(client):
    body = client.get("/api/v1/scenes/cpwl").json()
    m = body["metrics"]
    assert m["knots"] == 8 and m["width_deep"] == 5 and m["depth_deep"] == 11
    assert m["width_shallow"] == 8
    assert all(c["holds"] for c in body["checks"])


def test_sixty_four_knots_with_positions(client):
    values = ",".join(str((-1) ** i * (i % 7)) for i in range(64))
    knots = ",".join(f"{(i / 63) ** 2:.9f}" for i in range(64))
    r = client.get("/api/v1/scenes/cpwl", params={"values": values, "knots": knots})
    assert r.status_code == 200
    m = r.json()["metrics"]
    assert m["knots"] == 64 and m["depth_deep"] == 67 and m["nodes_deep"] == 5 * 64 + 2
    assert all(c["holds"] for c in r.json()["checks"])


@pytest.mark.parametrize(
    ("params", "name", "words"),
    [
        ({"values": "1"}, "values", ["2 to 64"]),
        ({"values": ",".join(["1"] * 65)}, "values", ["2 to 64", "65"]),
        ({"values": "1, x"}, "values", ["item 2", "not a number"]),
        ({"values": "1, 11"}, "values", ["item 2", "outside"]),
        ({"values": "1, nan"}, "values", ["item 2"]),
        ({"values": "1, 2", "knots": "0, 0.5, 1"}, "knots", ["3 knots for 2 values"]),
        ({"values": "1, 2, 3", "knots": "0, 0.6, 0.5"}, "knots", ["strictly increasing"]),
        ({"values": "1, 2", "knots": "0, 1.5"}, "knots", ["outside [0, 1]"]),
        ({"values": "1" * 2000}, "values", ["1200"]),
    ],
)
def test_bad_lists_are_422_naming_the_parameter(client, params, name, words):
    r = client.get("/api/v1/scenes/cpwl", params=params)
    assert r.status_code == 422
    msg = r.json()["message"]
    assert msg.startswith(f"{name}:"), msg
    for w in words:
        assert w in msg, msg
