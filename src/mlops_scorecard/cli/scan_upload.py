"""``scan --upload URL --assessment ID``: a scan sent to an assessment on the service
(``POST /api/v1/assessments/{id}/evidence``, ``[server]`` extra: httpx), which answers
with the cross-check against that assessment's answers."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import ScorecardError
from ..evidence.crosscheck import CrossCheck

__all__ = ["TOKEN_VARIABLE", "evidence_url", "upload_scan"]

#: Where ``scan --upload`` reads the API token from (a token never goes on a command line,
#: where the shell history and the process list would show it).
TOKEN_VARIABLE = "MLOPS_SCORECARD_TOKEN"
#: Seconds to connect, and to wait for the answer (the server stores and cross-checks).
_TIMEOUT = (10.0, 60.0)


def evidence_url(url: str, assessment: int) -> str:
    """The evidence resource of ``assessment`` on the service at ``url`` (its base address,
    e.g. ``https://scorecard.example.com``, or one under a path prefix)."""
    base = url.strip().rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise ScorecardError(f"not a service address: {url!r} (expected http(s)://host)")
    if "?" in base or "#" in base:
        raise ScorecardError(f"not a service address: {url!r} (no query or fragment: just http(s)://host)")
    if base.endswith("/api/v1"):  # the API's own address works too
        base = base[: -len("/api/v1")]
    if isinstance(assessment, bool) or not isinstance(assessment, int) or not 1 <= assessment < 2**31:
        raise ScorecardError(f"not an assessment id: {assessment!r} (a positive whole number)")
    return f"{base}/api/v1/assessments/{assessment}/evidence"


def _detail(response: Any) -> str:
    try:
        detail = response.json().get("detail", "")
    except (ValueError, AttributeError):
        return str(response.text[:300]).strip() or response.reason_phrase
    if isinstance(detail, list):  # request validation: one line per problem
        lines = []
        for problem in detail[:10]:
            loc = ".".join(str(p) for p in problem.get("loc", ()) if p != "body")
            lines.append(f"{loc}: {problem.get('msg', '')}" if loc else str(problem.get("msg", "")))
        return "; ".join(lines)
    return str(detail)[:2000]


_HINTS = {
    401: f"check the token in {TOKEN_VARIABLE}",
    403: "the token's user must be a facilitator or admin",
    404: "check the assessment id and the service address",
}


def upload_scan(report: BaseModel, url: str, assessment: int, token: str | None) -> CrossCheck | None:
    """Send ``report`` (a scan: any model with the scan's fields; a ``crosscheck`` in it
    is ignored by the service) to the assessment with the API token ``token`` (``None``
    or blank: an error saying where to set one), and return the service's cross-check
    against the assessment's answers (``None`` when it made none).

    Every failure is a :class:`ScorecardError` saying what to do: no token, a service
    that cannot be reached, a refusal with the service's reason (413 too large, 422 with
    the place of each problem, 409 a closed assessment).
    """
    import httpx

    target = evidence_url(url, assessment)
    token = (token or "").strip()
    if not token:
        raise ScorecardError(
            f"an API token is needed to upload: set {TOKEN_VARIABLE} (mlops-scorecard tokens create)"
        )
    body = report.model_dump(mode="json")
    try:
        response = httpx.post(
            target,
            json=body,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=httpx.Timeout(_TIMEOUT[1], connect=_TIMEOUT[0]),
        )
    except httpx.HTTPError as exc:
        raise ScorecardError(f"cannot reach {url}: {exc or type(exc).__name__}") from None
    if response.status_code >= 300:
        hint = _HINTS.get(response.status_code)
        where = f" ({response.headers.get('location')})" if response.is_redirect else ""
        message = f"upload refused ({response.status_code}){where}: {_detail(response)}"
        raise ScorecardError(message + (f" ({hint})" if hint else ""))
    try:
        data = response.json()
        check = data.get("crosscheck") if isinstance(data, dict) else None
        return None if check is None else CrossCheck.model_validate(check)
    except (ValueError, ValidationError):
        raise ScorecardError(f"{url} answered the upload with something that is not a cross-check") from None
