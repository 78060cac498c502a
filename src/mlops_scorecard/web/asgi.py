"""ASGI entry point for several workers: ``uvicorn mlops_scorecard.web.asgi:app``.

Settings come from the environment (``MLOPS_SCORECARD_DATABASE_URL`` and friends).
"""

from .app import create_app

app = create_app()
