"""Pydantic mirror of the wire format, for the OpenAPI document (responses are built from
the scene dataclasses and serialized with orjson; these models only describe them)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel


class Health(BaseModel):
    status: Literal["ok"]
    version: str


class SceneInfo(BaseModel):
    id: str
    title: str
    chapter: str
    source: str
    statement: str
    statement_html: str
    params_schema: dict[str, Any]
    metric_labels: dict[str, str]
    widgets: list[dict[str, Any]]


class CheckOut(BaseModel):
    name: str
    holds: bool
    measured: float
    bound: float
    relation: Literal["<=", ">=", "=="]
    rounding: float
    confidence: float | None


class AxisOut(BaseModel):
    label: str
    log: bool


class TraceOut(BaseModel):
    name: str
    kind: Literal["line", "step", "markers", "heatmap", "bar", "band"]
    x: list[float | None]
    y: list[float | None]
    z: list[list[float | None]] | None = None
    style: str | None = None


class PlotOut(BaseModel):
    id: str
    title: str
    x: AxisOut
    y: AxisOut
    traces: list[TraceOut]


class SceneResultOut(BaseModel):
    scene: str
    params: dict[str, Any]
    metrics: dict[str, float]
    checks: list[CheckOut]
    plots: list[PlotOut]
    notes: list[str]


class ErrorItem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str
    param: str | None = None
    limit: dict[str, Any] | None = None


class ErrorResponse(BaseModel):
    message: str
    detail: list[ErrorItem] | str
