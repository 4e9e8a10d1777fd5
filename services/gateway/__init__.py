"""Tolka's gateway: a FastAPI service over the store, the matchers, the compiler and the translators.

``create_app`` is imported when first asked for: ``tolka serve`` reads its settings and marks
interrupted jobs (:mod:`services.gateway.settings`, :mod:`services.gateway.jobs`) in the process that
starts the workers, which never builds an app and need not import it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from services.gateway.settings import Settings, get_settings

if TYPE_CHECKING:
    from services.gateway.app import create_app

__all__ = ["Settings", "create_app", "get_settings"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from services.gateway.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
