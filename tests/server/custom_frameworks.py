"""Framework files the published-framework tests upload: ACME's scorecard extends the
built-in one (one question re-worded, one dropped, a dimension of its own)."""

from __future__ import annotations

ACME = """\
extends: mlops-scorecard@1.0.0
id: acme-mlops
version: "1.0"
title: ACME MLOps scorecard
dimensions:
  - id: governance
    questions:
      - id: gov-strategy
        text: Does ACME have a written ML strategy signed by the board?
  - id: acme-security
    title: Security
    questions:
      - {id: sec-secrets, text: Are secrets kept out of repositories?}
drop:
  questions: [gov-team]
"""

#: The same framework, with a different text for one question.
ACME_CHANGED = ACME.replace("signed by the board", "signed by the CEO")

#: A framework with three problems, on lines 4, 8 and 10.
ACME_BROKEN = """\
extends: mlops-scorecard@1.0.0
id: acme-mlops
version: "1.0"
title: ""
dimensions:
  - id: governance
    questions:
      - {id: gov-strategy, weight: 0}
drop:
  questions: [gov-nothing]
"""
