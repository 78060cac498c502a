"""Helpers for browser tests: a live server (uvicorn in a thread, SQLite) and Debian's Chromium driven by Playwright.

Screenshots go to ``test-artifacts/screenshots/`` at the repository root.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from playwright.sync_api import Page
from support import PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.fail("Chromium not found: install Debian's 'chromium' package (.ci/run does this)")


@dataclass
class LiveServer:
    url: str
    app: FastAPI

    def shot(self, page: Page, name: str) -> Path:
        """Save a full-page screenshot as a test artifact."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


def log_in(page: Page, server: LiveServer, role: str) -> None:
    """Log in through the form as the user named after ``role``."""
    page.goto(f"{server.url}/login")
    page.fill("input[name=username]", role)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/")
