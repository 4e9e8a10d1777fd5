"""The interop tests run on asyncio (asyncua's loop) and need node-opcua (skipped without it, failed in CI)."""

from __future__ import annotations

import pytest

from tests.interop.nodeopcua import require_node


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def _node() -> None:
    require_node()
