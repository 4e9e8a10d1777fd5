"""Tolka's gateway: a FastAPI service over the store, the matchers, the compiler and the translators."""

from services.gateway.app import create_app
from services.gateway.settings import Settings, get_settings

__all__ = ["Settings", "create_app", "get_settings"]
