# The web service as a container image: `docker compose up` (compose.yaml) runs it
# with PostgreSQL. Not built on the machine this file was written on (no Docker
# daemon there); tests/test_deployment.py checks what can be checked without one.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY src ./src
# the web service and the PostgreSQL driver; the test tools stay out of the image
RUN pip install ".[server,postgres]" \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin scorecard

USER scorecard
EXPOSE 8000

# Overridden by compose.yaml / the orchestrator; no default URL, so a container without
# a database fails at once instead of writing a SQLite file inside itself.
ENV MLOPS_SCORECARD_WORKERS=2

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]

# Migrate first (idempotent: nothing to do when the schema is current), then serve.
CMD ["sh", "-c", "mlops-scorecard db upgrade && exec mlops-scorecard serve --host 0.0.0.0 --port 8000 --workers \"$MLOPS_SCORECARD_WORKERS\""]
