"""``scan --upload``: send a scan to an assessment on the service.

STUB (helper B): only the signature that ``cli/scan.py`` calls; the service's helper owns
this file and replaces the body.
"""

from __future__ import annotations

from ..evidence.crosscheck import CrossCheck
from ..evidence.output import ScanReport

__all__ = ["upload_scan"]


def upload_scan(report: ScanReport, url: str, assessment: int, token: str | None) -> CrossCheck | None:
    """Send ``report`` to assessment ``assessment`` of the service at ``url`` (API token
    ``token``) and return the service's cross-check with its answers, if it has one.
    Raises ScorecardError when the service cannot be reached or refuses."""
    raise NotImplementedError
