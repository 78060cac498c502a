"""Settings of the web service, from the environment (``MLOPS_SCORECARD_*``) or flags."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "default_database_url"]


def default_database_url() -> str:
    """The embedded default: a SQLite file in the user's data folder (XDG)."""
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return f"sqlite:///{base / 'mlops-scorecard' / 'scorecard.db'}"


class Settings(BaseSettings):
    """Everything the web app needs to know; each field has an env variable."""

    model_config = SettingsConfigDict(env_prefix="MLOPS_SCORECARD_", extra="ignore")

    database_url: str = Field(default_factory=default_database_url)
    #: Signs session cookies. When unset, a random key is created once and kept in the
    #: database, so that several workers on one database share it.
    secret_key: str | None = None
    #: Set the Secure flag on cookies (on by default behind HTTPS; off for localhost).
    secure_cookies: bool = False
    session_max_age: int = 8 * 3600
    max_upload_bytes: int = 2 * 1024 * 1024
    #: Failed logins of one (username, address) pair that cost nothing; then a delay.
    login_free_failures: int = 5
    #: The first delay after the free failures (seconds); it doubles with every failure.
    login_first_delay: int = 1
    #: The longest delay between two attempts of one pair (seconds).
    login_max_delay: int = 900
    #: Failed logins from one address (any usernames) in an hour before it must wait.
    login_failures_per_address: int = 100
    #: Respondents one address may add through one shared link in 10 minutes.
    joins_per_address: int = 20
    #: Respondents one shared link admits in a minute, from all addresses together.
    joins_per_link_per_minute: int = 120
    #: Proxy addresses whose ``X-Forwarded-For`` / ``X-Forwarded-Proto`` are believed
    #: (comma-separated IPs or networks, ``*`` for any). Empty: the headers are ignored,
    #: so a client cannot pick its own address to dodge the throttles.
    forwarded_allow_ips: str = ""
    #: Respondents one uploaded or imported answers file may hold (checked before any
    #: database work, so a huge file never holds the write lock).
    max_respondents_per_file: int = Field(default=5000, ge=1)
    #: Respondents an assessment may hold in all, however many files are imported.
    max_respondents_per_assessment: int = Field(default=10_000, ge=1)
    #: Stale summaries one roll-up page view computes at most (a few ms each); the others
    #: show their last stored figures, marked, until later views (or ``mlops-scorecard db
    #: summaries``) refresh them.
    summaries_per_view: int = Field(default=40, ge=0)
    #: The service's address as respondents reach it (``https://scorecard.example.com``),
    #: for the links in mailed invitations; empty: the address the request came to.
    public_url: str = ""
    #: The SMTP server invitations and reminders are mailed through; empty: nothing is
    #: mailed and the links are shown to copy.
    smtp_host: str = ""
    #: 0: the usual port (465 with ``smtp_tls``, 587 with STARTTLS, 25 otherwise).
    smtp_port: int = Field(default=0, ge=0, le=65535)
    smtp_user: str = ""
    smtp_password: SecretStr = SecretStr("")
    #: The sender (``Scorecard <scorecard@example.com>``); empty: ``smtp_user`` when it is an address.
    smtp_from: str = ""
    #: Upgrade the connection with STARTTLS (refused when the server does not offer it).
    smtp_starttls: bool = True
    #: Connect over TLS from the start (port 465) instead of STARTTLS.
    smtp_tls: bool = False
    #: Seconds to wait for the SMTP server before a send counts as failed.
    smtp_timeout: float = Field(default=15.0, gt=0, le=300)
    #: GitHub's REST API root for "Create GitHub issues" from a plan (GitHub Enterprise:
    #: ``https://HOST/api/v3``). The token is typed on the form each time, never stored.
    github_api_url: str = "https://api.github.com"
    #: Heavy pages and charts (scores, analyses, drawings) rendered at once per worker;
    #: more requests wait their turn, so 50 connections do not run 40 renders at once.
    render_concurrency: int = Field(default_factory=lambda: os.cpu_count() or 2, ge=1, le=64)
    #: Answer saves run at once per worker on PostgreSQL (SQLite takes one at a time).
    #: Each holds the GIL between round trips: a few threads keep the database busy,
    #: forty fight over the interpreter and the tail latency grows (docs/deployment.md).
    save_concurrency: int = Field(default=2, ge=1, le=64)
