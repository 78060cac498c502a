"""API bodies of API tokens: the plain token appears only in ``TokenCreated``, once."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from .common import StrictIn, TokenName

__all__ = ["TokenCreated", "TokenIn", "TokenOut"]


class TokenIn(StrictIn):
    """A new API token for yourself; the name says where it is used."""

    name: TokenName = "token"


class TokenOut(BaseModel):
    """An API token (never the token itself)."""

    id: int
    name: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreated(TokenOut):
    """The new token: ``token`` is shown this once; send it as ``Authorization: Bearer``."""

    token: str
