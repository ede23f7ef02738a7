"""``POST /api/v1/regions`` — the exact activation regions of a user's ReLU network with two
inputs on a square.

Thin layer: the body format and limits of ``POST /api/v1/pieces`` (:mod:`approxlab.api.pieces`:
layer model, messages naming the layer, parsing, the compute pool) with input dimension 2
and the square ``[a, b]²``; then :func:`approxlab.theory.depth.regions.partition`.  No math.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, Strict, model_validator
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from approxlab.api import pieces as pieces_api
from approxlab.api.cache import Representations
from approxlab.api.compute import BusyError, ComputePool
from approxlab.api.pieces import MAX_ABS_DOMAIN, MAX_LAYERS, MAX_PARAMETERS, LayerIn, Num
from approxlab.api.responses import dumps, error_json
from approxlab.api.schema import CheckOut, ErrorResponse
from approxlab.theory.core.checks import Check
from approxlab.theory.core.networks import layer
from approxlab.theory.depth import regions as rg

#: Most activation regions returned (422 beyond).
MAX_REGIONS = rg.MAX_REGIONS
#: Σ over hidden units of the polygon vertices examined (≈ 1–2 s of work).
MAX_WORK = 3_000_000
#: Vertices whose sign may be decided in exact rational arithmetic.
MAX_EXACT = 20_000

LIMITS_DOC = (
    f"Limits (422 beyond them, the message names the layer): at most {MAX_LAYERS} layers, "
    f"{pieces_api.MAX_WIDTH} units per layer, {MAX_PARAMETERS:,} parameters in total; at most "
    f"{MAX_REGIONS:,} activation regions, {MAX_WORK:,} (vertex, unit) pairs examined and "
    f"{MAX_EXACT:,} vertices decided in exact arithmetic; the square [a, b]² with a < b "
    f"within ±{MAX_ABS_DOMAIN:g}; all numbers finite and the network's values on the square "
    "finite in float64. Counts are exact: float64 with a certified error bound on every "
    "value, exact rational arithmetic for any sign within rounding."
)


class RegionsRequest(BaseModel):
    """A ReLU network ``ℝ² → ℝ`` (ReLU after every layer but the last) and a square."""

    model_config = ConfigDict(
        extra="forbid",
        allow_inf_nan=False,
        json_schema_extra={
            "examples": [
                {
                    "layers": [
                        {"weight": [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], "bias": [0, 0, -0.5]},
                        {"weight": [[1.0, -1.0, 2.0]], "bias": [0.0]},
                    ],
                    "domain": [-1.0, 1.0],
                }
            ]
        },
    )

    layers: list[LayerIn] = Field(min_length=1, max_length=MAX_LAYERS)
    activation: Literal["relu"] = Field("relu", description="ReLU after all layers but the last")
    name: str | None = Field(None, max_length=200)
    input_dim: Literal[2] | None = None
    output_dim: Literal[1] | None = None
    seed: Annotated[int, Strict()] | None = None
    notes: list[Annotated[str, Field(max_length=2000)]] | None = Field(None, max_length=20)
    domain: list[Num] = Field(
        [-1.0, 1.0],
        min_length=2,
        max_length=2,
        description=f"[a, b]: the square [a, b]², a < b, |a|, |b| ≤ {MAX_ABS_DOMAIN:g}",
    )

    @model_validator(mode="after")
    def _shapes_chain(self) -> RegionsRequest:
        a, b = self.domain
        if not a < b:
            raise ValueError(f"domain: need a < b, got [{a}, {b}]")
        if max(abs(a), abs(b)) > MAX_ABS_DOMAIN:
            raise ValueError(f"domain: endpoints must lie within ±{MAX_ABS_DOMAIN:g}")
        fan_in, total = 2, 0
        for i, lay in enumerate(self.layers):
            rows = len(lay.weight)
            for r, row in enumerate(lay.weight):
                if len(row) != fan_in:
                    what = "the input is 2-dimensional" if i == 0 else f"layer {i - 1}'s outputs"
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


class RegionsResponse(BaseModel):
    regions: int = Field(description="activation regions of the square (exact count)")
    by_layer: list[int] = Field(description="activation regions after each hidden layer")
    hidden_widths: list[int]
    neurons: int
    upper_bound: float = Field(description="∏_ℓ Σ_{i ≤ min(2, n_1..n_{ℓ−1})} C(n_ℓ, i)")
    upper_bound_formula: str
    polygons: list[list[list[float]]] = Field(
        description="each region's vertices [[x₁, x₂], …], counter-clockwise (float64, "
        "within vertex_error of the exact vertices)"
    )
    patterns: list[str] = Field(description="each region's activation pattern, '0'/'1' per unit")
    vertex_error: float
    exact_vertices: int = Field(description="vertices decided in exact rational arithmetic")
    checks: list[CheckOut]


def count_regions(req: RegionsRequest) -> dict[str, Any]:
    """The response body; limit errors raise ``ValueError``."""
    net = [layer(lay.weight, lay.bias) for lay in req.layers]
    a, b = float(req.domain[0]), float(req.domain[1])
    part = rg.partition(net, ((a, b), (a, b)), MAX_REGIONS, MAX_WORK, MAX_EXACT)
    bound = rg.upper_bound(part.hidden_widths)
    return {
        "regions": part.count,
        "by_layer": part.by_layer,
        "hidden_widths": part.hidden_widths,
        "neurons": int(sum(part.hidden_widths)),
        "upper_bound": float(bound),
        "upper_bound_formula": "∏_ℓ Σ_{i ≤ d_ℓ} C(n_ℓ, i), d_ℓ = min(2, n_1, …, n_{ℓ−1}) "
        "(Serra et al. 2018)",
        "polygons": [q for q in part.polygons],
        "patterns": ["".join("1" if v else "0" for v in row) for row in part.patterns],
        "vertex_error": part.vertex_error,
        "exact_vertices": part.exact_vertices,
        "checks": [Check("regions ≤ upper bound", part.count, float(bound), "<=").to_dict()],
    }


def parse_request(body: bytes) -> RegionsRequest | Response:
    """JSON → validated request, or the 422 naming the problem (the pieces endpoint's)."""
    return pieces_api.parse_request(body, RegionsRequest)


def _regions_body(req: RegionsRequest) -> Representations | Response:
    try:
        body = count_regions(req)
    except (rg.RegionLimitError, rg.WorkLimitError, ValueError) as e:
        return error_json(
            422, str(e), [{"loc": ["body", "layers"], "msg": str(e), "type": "limit"}]
        )
    return Representations.of(dumps(body))


router = APIRouter(prefix="/api/v1")

REQUEST_SCHEMAS = RegionsRequest.model_json_schema(ref_template="#/components/schemas/{model}")
REQUEST_SCHEMAS = {**REQUEST_SCHEMAS.pop("$defs", {}), "RegionsRequest": REQUEST_SCHEMAS}


@router.post(
    "/regions",
    tags=["networks"],
    summary="Exact activation regions of a ReLU network with two inputs (003, Lemma 4.9)",
    description=(
        'Body: `{"layers": [{"weight": [[…]], "bias": […]}, …], "domain": [a, b]}` — the '
        "body of `POST /api/v1/pieces` with 2 inputs; the square is [a, b]² (default "
        "[−1, 1]²). Returns the activation regions (cells of constant on/off pattern of the "
        "hidden units; the network is affine on each) as polygons, their exact count, the "
        "count after each hidden layer and the upper bound ∏ Σ_{i≤2} C(n_ℓ, i) (Serra et al. "
        f"2018). {LIMITS_DOC}"
    ),
    response_model=RegionsResponse,
    responses={
        413: {"model": ErrorResponse, "description": "The body is over the size limit"},
        422: {"model": ErrorResponse, "description": "Invalid network or over a limit"},
        503: {"model": ErrorResponse, "description": "BusyError: retry after Retry-After seconds"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/RegionsRequest"}}
            },
        }
    },
)
async def regions(request: Request) -> Response:
    raw = await request.body()
    parsed = await run_in_threadpool(parse_request, raw)
    if isinstance(parsed, Response):
        return parsed
    pool: ComputePool = request.app.state.compute_pool
    key = "regions:" + hashlib.blake2b(raw, digest_size=16).hexdigest()
    try:
        flight = await pool.run(key, 32.0, lambda: _regions_body(parsed), heavy=False)
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
    "/regions",
    methods=["GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"],
    include_in_schema=False,
)
def regions_other_methods() -> Response:
    """405 naming the one supported method."""
    response = error_json(405, "use POST with a JSON body", "method not allowed")
    response.headers["Allow"] = "POST"
    return response
