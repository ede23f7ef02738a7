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
