"""Pydantic mirror of the wire format, for the OpenAPI document (responses are built from
the scene dataclasses and serialized with orjson; these models only describe them)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from approxlab.scenes.vocabulary import Relation, Role, TraceKind


class Health(BaseModel):
    status: Literal["ok"]
    version: str


class RoleStyle(BaseModel):
    label: str
    dash: str
    width: float
    marker: str
    color: dict[str, str]


class Vocabulary(BaseModel):
    trace_kinds: list[TraceKind]
    relations: list[Relation]
    roles: dict[Role, RoleStyle]
    themes: list[str]


class SceneInfo(BaseModel):
    id: str
    title: str
    chapter: str
    chapter_id: str
    chapter_number: int
    summary: str
    primary_plot: str
    has_networks: bool
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
    relation: Relation
    rounding: float
    confidence: float | None
    note: str | None = None


class AxisOut(BaseModel):
    label: str
    log: bool
    integer: bool = False
    range: list[float] | None = None


class TraceOut(BaseModel):
    name: str
    kind: TraceKind
    x: list[float | None]
    y: list[float | None]
    z: list[list[float | None]] | None = None
    style: Role | None = None
    group: str | None = None
    legend: bool = True


class ZoomOut(BaseModel):
    lo: str
    hi: str


class PlotOut(BaseModel):
    id: str
    title: str
    caption: str = ""
    x: AxisOut
    y: AxisOut
    aspect: Literal["equal"] | None = None
    zoom: ZoomOut | None = None
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
