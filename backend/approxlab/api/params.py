"""Query-string → params model, with 422 messages that name the parameter and its limit."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from starlette.datastructures import QueryParams

from approxlab.scenes.base import Scene, SceneParams

_LIMIT_WORDS = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<"}


class ParamError(Exception):
    def __init__(self, items: list[dict[str, Any]]):
        super().__init__(items)
        self.items = items

    @property
    def message(self) -> str:
        return "; ".join(f"{i['param']}: {i['msg']}" for i in self.items)


def _limits(scene: Scene, name: str) -> dict[str, Any] | None:
    schema = scene.params.model_json_schema()["properties"].get(name, {})
    lim = {k: schema[k] for k in ("minimum", "maximum", "enum") if k in schema}
    if "$ref" in schema or "allOf" in schema:
        return None
    return lim or None


def parse(scene: Scene, query: QueryParams) -> SceneParams:
    """Validate query parameters against the scene's params model."""
    fields = scene.params.model_fields
    items: list[dict[str, Any]] = []
    for key in dict.fromkeys(query.keys()):
        if key not in fields:
            items.append(
                {
                    "loc": ["query", key],
                    "param": key,
                    "type": "unknown_parameter",
                    "msg": f"unknown parameter; scene '{scene.id}' takes {', '.join(fields)}",
                }
            )
        elif len(query.getlist(key)) > 1:
            items.append(
                {
                    "loc": ["query", key],
                    "param": key,
                    "type": "repeated_parameter",
                    "msg": "given more than once",
                    "limit": _limits(scene, key),
                }
            )
    if items:
        raise ParamError(items)
    try:
        return scene.params.model_validate(dict(query))
    except ValidationError as e:
        for err in e.errors(include_url=False):
            name = str(err["loc"][0]) if err["loc"] else "?"
            msg = str(err["msg"]).removeprefix("Value error, ")
            ctx = err.get("ctx") or {}
            lims = [f"{_LIMIT_WORDS[k]} {ctx[k]}" for k in ("ge", "gt", "le", "lt") if k in ctx]
            limit = _limits(scene, name)
            if not lims and limit and ("minimum" in limit or "maximum" in limit):
                lims = [f"between {limit.get('minimum')} and {limit.get('maximum')}"]
            if lims and "greater" not in msg and "less" not in msg:
                msg = f"{msg} (allowed: {' and '.join(lims)})"
            got = err.get("input")
            if isinstance(got, str | int | float) and len(str(got)) <= 40:
                msg = f"{msg}; got {got!r}"
            items.append(
                {
                    "loc": ["query", name],
                    "param": name,
                    "type": err["type"],
                    "msg": msg,
                    "limit": limit,
                }
            )
        raise ParamError(items) from None
