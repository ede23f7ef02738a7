"""``POST /api/v1/pieces`` — exact affine pieces of a user-supplied univariate ReLU network.

Thin layer: request validation with messages that name the layer, then
:func:`approxlab.theory.depth.pieces.report` (the exact count, Lemma 4.9's bounds and
checks) mapped to the response body.  No math here.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationError, model_validator
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from approxlab.api.cache import Representations
from approxlab.api.compute import BusyError, ComputePool
from approxlab.api.responses import dumps, error_json
from approxlab.api.schema import CheckOut, ErrorResponse
from approxlab.theory.core.networks import KnotLimitError, layer
from approxlab.theory.depth import pieces as affine_pieces

#: Documented limits: every accepted request finishes in well under a second.
MAX_LAYERS = 32
MAX_WIDTH = 64
MAX_PARAMETERS = 20_000
MAX_KNOTS = 32_768
MAX_WORK = 4_000_000
MAX_ABS_DOMAIN = 1e6
#: Multiply-adds of big integers for an exact recount (≈ 0.3 s); more: 422.
MAX_EXACT_WORK = 1_500_000

#: A JSON number (booleans and numeric strings are refused).
Num = Annotated[float, Strict()]

LIMITS_DOC = (
    f"Limits (422 beyond them, the message names the layer): at most {MAX_LAYERS} layers, "
    f"{MAX_WIDTH} units per layer, {MAX_PARAMETERS:,} parameters (weights + biases) in "
    f"total; the exact propagation may create at most {MAX_KNOTS:,} knots on the domain "
    f"and evaluate at most {MAX_WORK:,} (unit, knot) pairs (Σ over layers of knots × "
    f"width); domain endpoints within ±{MAX_ABS_DOMAIN:g} with a < b; all numbers finite, "
    "and the network's values on the domain must stay finite in float64. Counts are exact: "
    "float64 with a certified error bound on every number, and exact rational arithmetic "
    "for any decision within rounding; a network so ill-conditioned that this exact recount "
    f"would take more than {MAX_EXACT_WORK:,} multiply-adds of big integers is refused (422)."
)


class LayerIn(BaseModel):
    """One affine layer ``z ↦ W z + b``; ``weight`` has one row per output unit."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    weight: list[Annotated[list[Num], Field(max_length=MAX_WIDTH)]] = Field(
        min_length=1, max_length=MAX_WIDTH, description="rows = output units"
    )
    bias: list[Num] = Field(min_length=1, max_length=MAX_WIDTH)


class PiecesRequest(BaseModel):
    """A univariate ReLU network (ReLU after every layer but the last) and an interval."""

    model_config = ConfigDict(
        extra="forbid",
        allow_inf_nan=False,
        json_schema_extra={
            "examples": [
                {
                    "layers": [
                        {"weight": [[1.0], [1.0], [1.0]], "bias": [0.0, -0.5, -1.0]},
                        {"weight": [[2.0, -4.0, 2.0]], "bias": [0.0]},
                    ],
                    "domain": [0.0, 1.0],
                }
            ]
        },
    )

    layers: list[LayerIn] = Field(min_length=1, max_length=MAX_LAYERS)
    # What ``GET /api/v1/scenes/{id}/networks`` hands out, so a fetched network posts back
    # as it is: these fields are accepted and, but for ``activation``, not used.
    activation: Literal["relu"] = Field(
        "relu", description="only ReLU networks are counted here (ReLU after all but the last)"
    )
    name: str | None = Field(None, max_length=200)
    input_dim: Literal[1] | None = None
    output_dim: Literal[1] | None = None
    seed: Annotated[int, Strict()] | None = None
    notes: list[Annotated[str, Field(max_length=2000)]] | None = Field(None, max_length=20)
    domain: list[Num] = Field(
        [0.0, 1.0],
        min_length=2,
        max_length=2,
        description=f"[a, b] with a < b, |a|, |b| ≤ {MAX_ABS_DOMAIN:g}",
    )

    @model_validator(mode="after")
    def _shapes_chain(self) -> PiecesRequest:
        a, b = self.domain
        if not a < b:
            raise ValueError(f"domain: need a < b, got [{a}, {b}]")
        if max(abs(a), abs(b)) > MAX_ABS_DOMAIN:
            raise ValueError(f"domain: endpoints must lie within ±{MAX_ABS_DOMAIN:g}")
        fan_in, total = 1, 0
        for i, lay in enumerate(self.layers):
            rows = len(lay.weight)
            for r, row in enumerate(lay.weight):
                if len(row) != fan_in:
                    what = "the input is 1-dimensional" if i == 0 else f"layer {i - 1}'s outputs"
                    raise ValueError(
                        f"layers[{i}].weight: row {r} has {len(row)} entries, expected "
                        f"{fan_in} ({what})"
                    )
            if len(lay.bias) != rows:
                raise ValueError(
                    f"layers[{i}].bias: has {len(lay.bias)} entries, expected {rows} (one per "
                    "row of the weight)"
                )
            total += rows * (fan_in + 1)
            fan_in = rows
        if fan_in != 1:
            raise ValueError(
                f"layers[{len(self.layers) - 1}]: the last layer must have 1 output, has {fan_in}"
            )
        if total > MAX_PARAMETERS:
            raise ValueError(
                f"layers: {total:,} parameters, more than the limit {MAX_PARAMETERS:,}"
            )
        return self


class PiecesResponse(BaseModel):
    pieces: int = Field(description="maximal affine pieces of the network on the domain")
    breakpoints: list[float] = Field(description="interior points where the slope changes")
    bound: float = Field(description="∏_j (m_j + 1) over the hidden widths m_j")
    bound_formula: str
    lemma_4_9_bound: float = Field(
        description="003, Lemma 4.9 as proved: 2^(L−1) ∏ m_j ≥ bound (L layers)"
    )
    knots: dict[str, list[float]] = Field(
        description="the function at its breakpoints and the domain ends: {x: […], y: […]}"
    )
    regions: list[int] = Field(description="activation regions after each hidden layer")
    hidden_widths: list[int]
    layers: int
    nodes: int
    checks: list[CheckOut] = Field(description="Lemma 4.9's inequalities on this network")


def count_pieces(req: PiecesRequest) -> dict[str, Any]:
    """The response body; limit errors raise ``ValueError``."""
    net = [layer(lay.weight, lay.bias) for lay in req.layers]
    domain = (float(req.domain[0]), float(req.domain[1]))
    rep = affine_pieces.report(net, domain, MAX_KNOTS, MAX_WORK, MAX_EXACT_WORK)
    return {
        "pieces": rep.pieces,
        "breakpoints": rep.breakpoints,
        "bound": rep.bound,
        "bound_formula": rep.bound_formula,
        "lemma_4_9_bound": rep.lemma_4_9_bound,
        "knots": {"x": rep.knots_x, "y": rep.knots_y},
        "regions": rep.regions,
        "hidden_widths": rep.hidden_widths,
        "layers": rep.layers,
        "nodes": rep.nodes,
        "checks": [c.to_dict() for c in rep.checks],
    }


def _where(loc: Any) -> str:
    parts = [str(p) for p in loc if p != "body"]
    out = ""
    for p in parts:
        out += f"[{p}]" if p.isdigit() else (f".{p}" if out else p)
    return out or "body"


def named_errors(errors: list[Any]) -> Response:
    """422 messages of the form ``layers[2].weight[0]: <problem>`` (the scene routes'
    ``param: problem`` style) instead of pydantic's bare messages."""
    items = []
    for e in errors:
        msg = str(e["msg"]).removeprefix("Value error, ")
        where = _where(e["loc"])
        if not (msg.startswith(("layers", "domain")) and where == "body"):
            msg = f"{where}: {msg}"
        items.append({"loc": ["body", *e["loc"]], "msg": msg, "type": e["type"]})
    return error_json(422, "; ".join(i["msg"] for i in items), items)


def parse_request(body: bytes, model: type[BaseModel] = PiecesRequest) -> Any:
    """JSON → validated request (a ``model``, :class:`PiecesRequest` unless another body of
    the same style is given), or the 422 naming the problem (runs in a worker thread: a
    body of up to the size limit is parsed and validated off the event loop)."""
    if not body.strip():
        return error_json(
            422,
            "body: a JSON object is required",
            [{"loc": ["body"], "msg": "body: a JSON object is required", "type": "missing"}],
        )
    try:
        data = json.loads(body)  # the stdlib parser: NaN is read, then refused by name
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as e:
        pos = getattr(e, "pos", 0)
        reason = getattr(e, "msg", type(e).__name__)
        msg = f"body: invalid JSON at character {pos} ({reason})"
        return error_json(422, msg, [{"loc": ["body", pos], "msg": msg, "type": "json_invalid"}])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        return named_errors(exc.errors(include_url=False))


def _pieces_body(req: PiecesRequest) -> Representations | Response:
    try:
        body = count_pieces(req)
    except (KnotLimitError, affine_pieces.WorkLimitError) as e:
        return error_json(
            422, str(e), [{"loc": ["body", "layers"], "msg": str(e), "type": "limit"}]
        )
    return Representations.of(dumps(body))


router = APIRouter(prefix="/api/v1")

#: The request body's schema for the OpenAPI document (the route reads the body itself, so
#: FastAPI does not see the model); app.py adds these to ``components.schemas``.
REQUEST_SCHEMAS = PiecesRequest.model_json_schema(ref_template="#/components/schemas/{model}")
REQUEST_SCHEMAS = {
    **REQUEST_SCHEMAS.pop("$defs", {}),
    "PiecesRequest": REQUEST_SCHEMAS,
}


@router.post(
    "/pieces",
    tags=["networks"],
    summary="Exact affine pieces of a univariate ReLU network (003, Lemma 4.9)",
    description=(
        'Body: `{"layers": [{"weight": [[…]], "bias": […]}, …], "domain": [a, b]}` — '
        "`weight` has one row per output unit; ReLU after every layer but the last; input "
        "and output dimension 1. Returns the exact number of maximal affine pieces on the "
        "domain, the breakpoints (found by pushing knots through the network layer by "
        "layer, no grid), and `bound` = ∏ (m_j + 1) over the hidden widths — the number of "
        "activation regions an interval can be cut into, a valid upper bound on `pieces` "
        "(and at most Lemma 4.9's 2^(L−1) ∏ m_j ≤ (2m/(L−1))^(L−1) for L layers and "
        f"m nodes). {LIMITS_DOC}"
    ),
    response_model=PiecesResponse,
    responses={
        413: {"model": ErrorResponse, "description": "The body is over the size limit"},
        422: {"model": ErrorResponse, "description": "Invalid network or over a limit"},
        503: {"model": ErrorResponse, "description": "BusyError: retry after Retry-After seconds"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/PiecesRequest"}}
            },
        }
    },
)
async def pieces(request: Request) -> Response:
    raw = await request.body()  # already read, within the size limit (api.guard.BodyLimit)
    parsed = await run_in_threadpool(parse_request, raw)
    if isinstance(parsed, Response):
        return parsed
    pool: ComputePool = request.app.state.compute_pool
    key = "pieces:" + hashlib.blake2b(raw, digest_size=16).hexdigest()
    try:
        flight = await pool.run(key, 16.0, lambda: _pieces_body(parsed), heavy=False)
    except BusyError as e:
        return error_json(503, e.message, "busy", headers={"Retry-After": str(e.retry_after)})
    if isinstance(flight.value, Response):
        return flight.value
    body, _, encoding = flight.value.select(request.headers.get("accept-encoding", ""))
    headers = {"Vary": "Accept-Encoding"} if flight.value.compressible else {}
    if encoding:
        headers["Content-Encoding"] = encoding
    return Response(body, media_type="application/json", headers=headers)


@router.api_route(
    "/pieces",
    methods=["GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"],
    include_in_schema=False,
)
def pieces_other_methods() -> Response:
    """405 naming the one supported method (otherwise the static mount would answer)."""
    response = error_json(405, "use POST with a JSON body", "method not allowed")
    response.headers["Allow"] = "POST"
    return response
