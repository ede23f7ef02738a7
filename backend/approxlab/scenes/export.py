"""Networks handed out by scenes (``GET /api/v1/scenes/{id}/networks``).

A network travels in the body format of ``POST /api/v1/pieces``: layers of ``weight`` (one
row per output unit) and ``bias``, the activation after every layer but the last.  A scene
that builds, samples or trains networks sets ``Scene(networks=fn)`` with
``fn(params) -> [network_export(...), ...]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from approxlab.scenes.base import Check, NetworkExport
from approxlab.theory.core import networks as nets
from approxlab.theory.core.activations import SOFTMAX_ATTENTION
from approxlab.theory.core.networks import PiecewiseLinear

#: Most weights and biases, over all networks of one response (422 beyond).
MAX_EXPORT_PARAMETERS = 250_000


class NetworkTooLargeError(ValueError):
    """The networks of these parameters are too large to send."""


def network_export(
    name: str,
    layers: Sequence[tuple[np.ndarray, np.ndarray]],
    *,
    activation: str = "relu",
    seed: int | None = None,
    notes: Sequence[str] = (),
    **extra: Any,
) -> NetworkExport:
    """A network ``[(W, b), ...]`` (``W`` of shape ``(out, in)``) in the wire format."""
    out: NetworkExport = {
        "name": name,
        "activation": activation,
        "input_dim": int(np.shape(layers[0][0])[1]),
        "output_dim": int(np.shape(layers[-1][0])[0]),
        "layers": [
            {"weight": np.asarray(W, dtype=float), "bias": np.asarray(b, dtype=float)}
            for W, b in layers
        ],
    }
    if seed is not None:
        out["seed"] = int(seed)
    if notes:
        out["notes"] = list(notes)
    out.update(extra)
    return out


def exact_form_check(
    layers: Sequence[tuple[np.ndarray, np.ndarray]], pl: PiecewiseLinear, rounding: float
) -> Check:
    """The built network, evaluated layer by layer, equals the exact piecewise-linear form
    that every measured figure is read from, at all of its knots."""
    gap = float(np.max(np.abs(nets.evaluate(list(layers), pl.x) - pl.y)))
    return Check(
        f"the network equals its exact form at all {pl.x.size:,} knots: largest difference = 0",
        gap,
        0.0,
        "==",
        rounding=rounding,
    )


def parameter_count(networks: Sequence[NetworkExport]) -> int:
    return int(
        sum(np.size(lay["weight"]) + np.size(lay["bias"]) for n in networks for lay in n["layers"])
    )


def checked(networks: list[NetworkExport]) -> list[NetworkExport]:
    """The networks, unless together they exceed :data:`MAX_EXPORT_PARAMETERS`."""
    n = parameter_count(networks)
    if n > MAX_EXPORT_PARAMETERS:
        raise NetworkTooLargeError(
            f"these networks have {n:,} weights and biases, more than the limit of "
            f"{MAX_EXPORT_PARAMETERS:,} that can be sent; choose smaller parameters"
        )
    return networks


# ---------------------------------------------------------------------------------------
# Snippets a user pastes into a notebook: the networks as NumPy and as PyTorch code.

_TORCH_ACTIVATIONS = {
    "relu": "nn.ReLU()",
    "sigmoid": "nn.Sigmoid()",
    "tanh": "nn.Tanh()",
    "softplus": "nn.Softplus()",
    "identity": "nn.Identity()",
    "threshold": "Elementwise(lambda z: (z >= 0).to(z.dtype))",
    "exp": "Elementwise(torch.exp)",
    "cos": "Elementwise(torch.cos)",
    "square": "Elementwise(lambda z: z * z)",
    "cube": "Elementwise(lambda z: z * z * z)",
}
_NUMPY_ACTIVATIONS = {
    "relu": "np.maximum(z, 0.0)",
    "threshold": "(z >= 0).astype(float)",
    "sigmoid": "0.5 * (1.0 + np.tanh(0.5 * z))",
    "tanh": "np.tanh(z)",
    "softplus": "np.logaddexp(0.0, z)",
    "exp": "np.exp(z)",
    "cos": "np.cos(z)",
    "identity": "z",
    "square": "z * z",
    "cube": "z * z * z",
}


def _array(a: Any) -> str:
    """An exact literal: floats by ``repr`` (shortest round-tripping decimal)."""
    arr = np.asarray(a, dtype=float)
    if arr.ndim == 1:
        return "[" + ", ".join(repr(float(v)) for v in arr) + "]"
    return "[" + ", ".join(_array(row) for row in arr) + "]"


def _identifier(i: int) -> str:
    return f"net_{i + 1}"


def _header(networks: Sequence[NetworkExport], source: str) -> list[str]:
    lines = [f"# {source}", "# Exported by approxlab: activation after every layer but the last."]
    for i, n in enumerate(networks):
        seed = f", seed {n['seed']}" if "seed" in n else ""
        lines.append(f"# {_identifier(i)}: {n['name']} ({n['activation']}{seed})")
    return lines


def numpy_snippet(networks: Sequence[NetworkExport], source: str) -> str:
    """Python source defining one function per network, ``net_1(x)`` …, in plain NumPy."""
    out = [*_header(networks, source), "import numpy as np", ""]
    for i, n in enumerate(networks):
        name = _identifier(i)
        if n["activation"] == ATTENTION:
            out += _attention_numpy(name, n)
            continue
        out.append(f"{name}_layers = [")
        for lay in n["layers"]:
            out.append(f"    (np.array({_array(lay['weight'])}), np.array({_array(lay['bias'])})),")
        out += [
            "]",
            "",
            "",
            f"def {name}(x):",
            f'    """{n["name"]}: inputs of shape (n,) or (n, {n["input_dim"]})."""',
            "    x = np.asarray(x, dtype=float)",
            "    z = x[None, :] if x.ndim == 1 else x.T",
            f"    for i, (W, b) in enumerate({name}_layers):",
            "        z = W @ z + b[:, None]",
            f"        if i < len({name}_layers) - 1:",
            f"            z = {_NUMPY_ACTIVATIONS[n['activation']]}",
            "    return z[0] if z.shape[0] == 1 else z.T",
            "",
            "",
        ]
    return "\n".join(out).rstrip() + "\n"


def torch_snippet(networks: Sequence[NetworkExport], source: str) -> str:
    """Python source building one ``torch.nn.Sequential`` per network (float64), weights set."""
    out = [
        *_header(networks, source),
        "import torch",
        "from torch import nn",
        "",
        "",
        "class Elementwise(nn.Module):",
        '    """An activation without a torch.nn class."""',
        "",
        "    def __init__(self, fn):",
        "        super().__init__()",
        "        self.fn = fn",
        "",
        "    def forward(self, z):",
        "        return self.fn(z)",
        "",
        "",
    ]
    for i, n in enumerate(networks):
        name = _identifier(i)
        if n["activation"] == ATTENTION:
            out += _attention_torch(name, n)
            continue
        mods = []
        for j, lay in enumerate(n["layers"]):
            W = np.asarray(lay["weight"])
            mods.append(f"nn.Linear({W.shape[1]}, {W.shape[0]})")
            if j < len(n["layers"]) - 1:
                mods.append(_TORCH_ACTIVATIONS[n["activation"]])
        out.append(f"{name} = nn.Sequential({', '.join(mods)}).double()")
        out.append("with torch.no_grad():")
        for j, lay in enumerate(n["layers"]):
            k = 2 * j
            w, b = _array(lay["weight"]), _array(lay["bias"])
            out.append(f"    {name}[{k}].weight.copy_(torch.tensor({w}, dtype=torch.float64))")
            out.append(f"    {name}[{k}].bias.copy_(torch.tensor({b}, dtype=torch.float64))")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


# ---------------------------------------------------------------------------------------
# Softmax attention (scene ``attention``): not a layer stack, so its own snippet.

#: ``activation`` of a one-layer softmax attention: ``layers`` are the query, key and value
#: maps ``(W, b)`` applied to every token (rows of the input), and token ``i``'s output is
#: ``Σ_k softmax_k(⟨q_i, k_k⟩)·v_k``.
ATTENTION = SOFTMAX_ATTENTION


def _attention_numpy(name: str, n: NetworkExport) -> list[str]:
    (q, k, v) = n["layers"]
    maps = ", ".join(
        f"(np.array({_array(lay['weight'])}), np.array({_array(lay['bias'])}))" for lay in (q, k, v)
    )
    return [
        f"{name}_qkv = [{maps}]",
        "",
        "",
        f"def {name}(tokens):",
        f'    """{n["name"]}: tokens of shape (N, {n["input_dim"]}), one row per token."""',
        "    t = np.asarray(tokens, dtype=float)",
        f"    (Wq, bq), (Wk, bk), (Wv, bv) = {name}_qkv",
        "    s = (t @ Wq.T + bq) @ (t @ Wk.T + bk).T",
        "    w = np.exp(s - s.max(axis=1, keepdims=True))",
        "    return (w / w.sum(axis=1, keepdims=True)) @ (t @ Wv.T + bv)",
        "",
        "",
    ]


def _attention_torch(name: str, n: NetworkExport) -> list[str]:
    out = [f"{name}_qkv = nn.ModuleList(["]
    for lay in n["layers"]:
        W = np.asarray(lay["weight"])
        out.append(f"    nn.Linear({W.shape[1]}, {W.shape[0]}),")
    out += ["]).double()", "with torch.no_grad():"]
    for j, lay in enumerate(n["layers"]):
        w, b = _array(lay["weight"]), _array(lay["bias"])
        out.append(f"    {name}_qkv[{j}].weight.copy_(torch.tensor({w}, dtype=torch.float64))")
        out.append(f"    {name}_qkv[{j}].bias.copy_(torch.tensor({b}, dtype=torch.float64))")
    out += [
        "",
        "",
        f"def {name}(tokens):",
        f'    """{n["name"]}: tokens of shape (N, {n["input_dim"]})."""',
        f"    q, k, v = (lin(tokens) for lin in {name}_qkv)",
        "    return torch.softmax(q @ k.T, dim=1) @ v",
        "",
        "",
    ]
    return out
