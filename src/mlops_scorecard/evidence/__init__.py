"""Evidence from code: which MLOps practices a repository shows, and where.

:mod:`.practices` is the catalogue (data, ``practices.yaml``); :mod:`.sources` lists and
reads a repository's files; :mod:`.python_code`, :mod:`.manifests` and
:mod:`.ci_systems` read code, dependency manifests and CI configurations;
:mod:`.scanner` runs the scan; :mod:`.results` is the versioned result;
:mod:`.crosscheck` sets it beside the answers. See ``docs/evidence.md``.
"""
