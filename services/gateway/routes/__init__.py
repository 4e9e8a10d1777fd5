"""The gateway's routes, one module per resource; each route is a thin shell over the store and Tolka."""

from services.gateway.routes import alignments, jobs, models, proxies, system, translators

__all__ = ["alignments", "jobs", "models", "proxies", "system", "translators"]
