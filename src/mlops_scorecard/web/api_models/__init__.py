"""Request and response bodies of the REST API (``/api/v1``, see ``docs/api.md``), one
module per resource family, beside the route module that uses them:

- ``common``: text checks, timestamps, bounded field types, the strict request base, the
  error body (``Problem``);
- ``units``: units, the token's user, the built-in frameworks;
- ``assessments``: assessments; ``results``: their scores, targets and gaps;
- ``responses``: invitations, shared links, respondents, answers files;
- ``plans``: the improvement plan; ``tokens``: API tokens;
- ``evidence``: repository scans, merged, and their cross-check with the answers;
- ``analysis``: one assessment's analysis; ``trends``: two assessments compared and a
  unit's trend; ``rollup``: a unit's roll-up from its teams.

Requests refuse unknown fields; responses never carry a secret except the one-time
``token`` of the ``*Created`` models.
"""
