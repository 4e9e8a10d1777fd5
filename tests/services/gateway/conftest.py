"""Fixtures of the gateway tests: an app on a fresh store in tmp_path, and an in-process client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.gateway import Settings, create_app
from tests.paths import VENDOR_A, VENDOR_B


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tolka") as client:
        yield client


async def upload(client: httpx.AsyncClient, path: Path, **files: Any) -> str:
    """Upload a model file; its id."""
    response = await client.post("/models", files={"file": (path.name, path.read_bytes()), **files})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def wait_for(client: httpx.AsyncClient, job: str, timeout: float = 120.0) -> dict[str, Any]:
    """Poll a job until it is done or failed; its last state."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        state: dict[str, Any] = (await client.get(f"/jobs/{job}")).json()
        if state["state"] in ("done", "failed") or loop.time() > deadline:
            return state
        await asyncio.sleep(0.1)


async def matched(client: httpx.AsyncClient) -> tuple[str, str, str]:
    """Vendor A and B uploaded and matched: (source id, target id, alignment id)."""
    a, b = await upload(client, VENDOR_A), await upload(client, VENDOR_B)
    started = (await client.post("/alignments", json={"source": a, "target": b, "method": "auto"})).json()
    state = await wait_for(client, started["job"])
    assert state["state"] == "done", state
    return a, b, str(started["alignment"])
