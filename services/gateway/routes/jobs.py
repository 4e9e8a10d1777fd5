"""``/jobs``: how far long work got."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from services.gateway.schemas import JobPublic
from services.gateway.state import Gateway, gateway

__all__ = ["router"]

router = APIRouter(prefix="/jobs", tags=["jobs"])
State = Annotated[Gateway, Depends(gateway)]


@router.get("", response_model=list[JobPublic])
def list_jobs(state: State) -> list[JobPublic]:
    """Every job, oldest first."""
    return [JobPublic.of(j) for j in state.store.list_jobs()]


@router.get("/{job_id}", response_model=JobPublic)
def get_job(state: State, job_id: str) -> JobPublic:
    """A job's state, progress (0..1), stage and message."""
    return JobPublic.of(state.store.get_job(job_id))
