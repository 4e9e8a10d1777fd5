"""``/health`` (open, for load balancers) and ``/metrics`` (Prometheus text format)."""

from __future__ import annotations

from importlib import metadata
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from services.gateway.state import Gateway, gateway

__all__ = ["router"]

router = APIRouter(tags=["system"])
State = Annotated[Gateway, Depends(gateway)]


@router.get("/health")
def health(state: State) -> dict[str, Any]:
    """The service is up and its store answers."""
    return {
        "status": "ok",
        "version": metadata.version("tolka"),
        "schema_version": state.store.schema_version,
    }


@router.get("/metrics", response_class=Response)
def metrics(state: State) -> Response:
    """Requests, latency, messages translated and failed, jobs (Prometheus text format)."""
    return Response(generate_latest(state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
