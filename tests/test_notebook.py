"""The notebook API (``approxlab.result/network/networks/figures``) and the example notebook,
executed end to end with nbclient."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import approxlab

ROOT = Path(__file__).resolve().parents[1]


def test_result_network_and_figures() -> None:
    r = approxlab.result("threshold", eps=0.05)
    assert r["scene"] == "threshold" and r["params"]["eps"] == 0.05
    net = approxlab.network("sawtooth", L=4)
    x = np.linspace(0.0, 1.0, 33)
    assert np.allclose(net(x), 1 - np.abs((x * 2**4) % 2 - 1))
    figs = approxlab.figures("sawtooth", L=4)
    assert len(figs) == len(approxlab.result("sawtooth", L=4)["plots"])
    with pytest.raises(ValueError):
        approxlab.result("threshold", eps=5)


def test_numpy_snippet_reproduces_the_network() -> None:
    net = approxlab.network("pieces", samples=1)
    x = np.linspace(-1.0, 1.0, 101)
    namespace: dict = {}
    exec(net.numpy_code(), namespace)  # our own generated code, not user input
    assert np.array_equal(namespace["net_1"](x), net(x))


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="torch not installed")
def test_torch_snippet_reproduces_the_network() -> None:
    import torch

    net = approxlab.network("sawtooth", L=6)
    namespace: dict = {}
    exec(net.torch_code(), namespace)  # our own generated code, not user input
    x = np.linspace(0.0, 1.0, 129)
    y = namespace["net_1"](torch.tensor(x[:, None], dtype=torch.float64)).detach().numpy()[:, 0]
    assert np.allclose(y, net(x), atol=1e-12)


def test_the_example_notebook_runs() -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(ROOT / "examples" / "notebook.ipynb", as_version=4)
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]


def test_attention_network_evaluates_in_the_notebook() -> None:
    """``Network`` runs a softmax attention on tokens: the exported layer on the embedded
    tokens of an instance is qSA up to the scene's measured worst error."""
    from approxlab.theory.attention import attention as sa

    N, q, m, d = 16, 2, 48, 1
    nets = approxlab.networks("attention", N=N, q=q, m=m, d_prime=d, seed=3)
    layer, codes = nets[0], nets[1]
    assert layer.activation == "softmax-attention"
    u = codes(np.eye(N))  # one-hot positions → codes, shape (N, m)
    assert np.allclose(u, sa.codes(N, m, 3))
    sets = sa.row_sets(N, q, N, 3)[:N]
    z = sa.random_values(N, d, 3)
    out = layer(sa.embed_tokens(z, sets, u))
    err = float(np.linalg.norm(out - sa.qsa(z, sets), axis=1).max())
    worst = approxlab.result("attention", N=N, q=q, m=m, d_prime=d, seed=3)["metrics"]
    assert err <= worst["max_error"] * (1 + 1e-9) + 1e-12
