"""``scan --upload URL --assessment ID``: a scan sent to an assessment on the service
(``POST /api/v1/assessments/{id}/evidence``, ``[server]`` extra: httpx), which answers
with the cross-check against that assessment's answers."""

from __future__ import annotations

from pydantic import BaseModel, ValidationError

from ..errors import ScorecardError
from ..evidence.crosscheck import CrossCheck
from .service import TOKEN_VARIABLE, api_token, post, refusal_lines, service_base

__all__ = ["TOKEN_VARIABLE", "evidence_url", "upload_scan"]


def evidence_url(url: str, assessment: int) -> str:
    """The evidence resource of ``assessment`` on the service at ``url`` (its base address,
    e.g. ``https://scorecard.example.com``, or one under a path prefix)."""
    base = service_base(url)
    if isinstance(assessment, bool) or not isinstance(assessment, int) or not 1 <= assessment < 2**31:
        raise ScorecardError(f"not an assessment id: {assessment!r} (a positive whole number)")
    return f"{base}/api/v1/assessments/{assessment}/evidence"


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
    target = evidence_url(url, assessment)
    token = api_token(token or "", action="upload")
    response = post(target, shown=url, token=token, json=report.model_dump(mode="json"))
    if response.status_code >= 300:
        hint = _HINTS.get(response.status_code)
        where = f" ({response.headers.get('location')})" if response.is_redirect else ""
        message = f"upload refused ({response.status_code}){where}: {'; '.join(refusal_lines(response))}"
        raise ScorecardError(message + (f" ({hint})" if hint else ""))
    try:
        data = response.json()
        check = data.get("crosscheck") if isinstance(data, dict) else None
        return None if check is None else CrossCheck.model_validate(check)
    except (ValueError, ValidationError):
        raise ScorecardError(f"{url} answered the upload with something that is not a cross-check") from None
