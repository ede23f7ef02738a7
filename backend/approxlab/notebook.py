"""approxlab from a notebook: scenes' results, networks and figures, with no server.

    import approxlab
    approxlab.result("threshold", eps=0.01)        # the SceneResult, as the API sends it
    net = approxlab.network("sawtooth", L=5)       # the scene's (first) network
    net(np.linspace(0, 1, 5))                      # evaluated with numpy
    for fig in approxlab.figures("threshold", eps=0.01):
        fig.show()                                 # plotly Figures styled like the app

Parameters are validated exactly as the API validates them (bounds, types, unknown names).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from approxlab.scenes.base import NetworkExport, Scene
from approxlab.scenes.export import checked, numpy_snippet, torch_snippet
from approxlab.theory.core.activations import SOFTMAX_ATTENTION, attend, forward


def _scene(scene_id: str) -> Scene:
    from approxlab.scenes.registry import SCENES

    try:
        return SCENES[scene_id]
    except KeyError:
        raise KeyError(f"unknown scene {scene_id!r}; available: {', '.join(SCENES)}") from None


def scenes() -> list[str]:
    """The ids of every scene, in reading order."""
    from approxlab.scenes.registry import SCENES

    return list(SCENES)


def result(scene_id: str, **params: Any) -> dict[str, Any]:
    """The scene's result for ``params`` (validated like the API): a dict with ``scene``,
    ``params``, ``metrics``, ``checks``, ``plots`` and ``notes`` (arrays as numpy)."""
    scene = _scene(scene_id)
    return scene.run(scene.params(**params)).to_dict()


@dataclass(frozen=True)
class Network:
    """A network handed out by a scene: ``layers`` ``[(W, b), ...]`` with ``W`` of shape
    ``(out, in)`` and ``activation`` after every layer but the last."""

    name: str
    activation: str
    layers: list[tuple[np.ndarray, np.ndarray]]
    seed: int | None = None
    notes: list[str] = field(default_factory=list)
    source: str = ""

    def __call__(self, x: Any) -> np.ndarray:
        """``f(x)`` for inputs of shape ``(n,)`` or ``(n, d)``; a softmax attention takes its
        tokens, shape ``(N, d)``, and returns one output row per token."""
        if self.activation == SOFTMAX_ATTENTION:
            return attend(self.layers, np.asarray(x, dtype=float))
        return forward(self.layers, self.activation, np.asarray(x, dtype=float))

    def export(self) -> NetworkExport:
        """The wire format (the body of ``POST /api/v1/pieces``)."""
        out: NetworkExport = {
            "name": self.name,
            "activation": self.activation,
            "input_dim": int(self.layers[0][0].shape[1]),
            "output_dim": int(self.layers[-1][0].shape[0]),
            "layers": [{"weight": W.tolist(), "bias": b.tolist()} for W, b in self.layers],
        }
        if self.seed is not None:
            out["seed"] = self.seed
        return out

    def numpy_code(self) -> str:
        return numpy_snippet([self.export()], self.source or self.name)

    def torch_code(self) -> str:
        return torch_snippet([self.export()], self.source or self.name)


def networks(scene_id: str, **params: Any) -> list[Network]:
    """Every network the scene builds, samples or trains for ``params``."""
    scene = _scene(scene_id)
    if scene.networks is None:
        raise ValueError(f"scene {scene_id!r} builds no network to hand out")
    p = scene.params(**params)
    source = f"approxlab scene {scene_id} with {p.model_dump()} ({scene.source})"
    return [
        Network(
            name=n["name"],
            activation=n["activation"],
            layers=[
                (np.asarray(lay["weight"], dtype=float), np.asarray(lay["bias"], dtype=float))
                for lay in n["layers"]
            ],
            seed=n.get("seed"),
            notes=list(n.get("notes", [])),
            source=source,
        )
        for n in checked(scene.networks(p))
    ]


def network(scene_id: str, **params: Any) -> Network:
    """The scene's first (main) network for ``params``."""
    return networks(scene_id, **params)[0]


def figures(scene_id: str, theme: str = "light", **params: Any) -> list[Any]:
    """The scene's plots as ``plotly.graph_objects.Figure``s, styled like the app."""
    from approxlab.figures import to_figures

    scene = _scene(scene_id)
    return to_figures(result(scene_id, **params), scene, theme=theme)
