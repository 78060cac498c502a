"""Long random tokens (invitation links, API tokens), stored only as hashes.

The tokens carry 256 bits of randomness, so a fast hash (SHA-256) is enough: there is
nothing to brute-force, unlike passwords, which use argon2.
"""

from __future__ import annotations

import hashlib
import secrets

__all__ = ["hash_token", "new_token"]


def new_token(prefix: str = "") -> str:
    """A new URL-safe token of 43 random characters, with an optional readable prefix."""
    return prefix + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """The hex SHA-256 of a token: what the database stores and looks up."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
