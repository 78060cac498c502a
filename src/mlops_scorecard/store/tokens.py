"""Long random tokens (invitation links, API tokens), stored only as hashes.

The tokens carry 256 bits of randomness, so a fast hash (SHA-256) is enough: there is
nothing to brute-force, unlike passwords, which use argon2.
"""

from __future__ import annotations

import hashlib
import secrets

__all__ = ["MAX_TOKEN_LENGTH", "hash_token", "new_token", "plausible_token"]

#: No token we issue is longer; a longer one is refused before it is hashed.
MAX_TOKEN_LENGTH = 200


def new_token(prefix: str = "") -> str:
    """A new URL-safe token of 43 random characters, with an optional readable prefix."""
    return prefix + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """The hex SHA-256 of a token: what the database stores and looks up."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def plausible_token(token: str) -> bool:
    """Whether ``token`` is worth looking up: not empty and not longer than
    :data:`MAX_TOKEN_LENGTH` (links and session cookies are checked the same way)."""
    return bool(token) and len(token) <= MAX_TOKEN_LENGTH
