"""The web service: a FastAPI app over the core library and the store."""

from .app import create_app

__all__ = ["create_app"]
