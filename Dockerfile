# The web app, serving only (no TensorFlow): gunicorn as configured, the shipped model, a non-root user.
#   docker build -t asl-digits:1 .            (or: podman build -t asl-digits:1 .)
#   docker run -p 8000:8000 asl-digits:1      then http://127.0.0.1:8000
# Offline builds: put wheels in ./wheels (pip download -d wheels -r requirements-serve.txt) and build
# with --build-arg WHEELS=wheels. Wheels exist for amd64 and arm64 (LiteRT publishes both).
ARG BASE=python:3.11-slim-bookworm

FROM ${BASE} AS build
ARG WHEELS=""
# The wheels folder is optional: "wheels*" matches nothing when it is absent (the lock file always matches).
COPY requirements-serve.txt wheels* /tmp/build/
RUN python3 -m venv /opt/venv \
 && if [ -n "$WHEELS" ]; then \
      /opt/venv/bin/pip install --no-cache-dir --no-index --find-links /tmp/build -r /tmp/build/requirements-serve.txt; \
    else \
      /opt/venv/bin/pip install --no-cache-dir -r /tmp/build/requirements-serve.txt; \
    fi \
 && find /opt/venv -name __pycache__ -prune -exec rm -rf {} +

FROM ${BASE}
RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --chown=root:root wsgi.py gunicorn.conf.py ./
COPY --chown=root:root recognition recognition
COPY --chown=root:root webapp webapp
COPY --chown=root:root feedback feedback
COPY --chown=root:root templates templates
COPY --chown=root:root static static
COPY --chown=root:root models/asl_digits.h5 models/asl_digits.tflite models/asl_digits.int8.tflite models/asl_digits.json models/asl_digits.settings.json models/asl_digits.geometry.npz models/
COPY --chown=root:root models/hands models/hands
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    GUNICORN_BIND=0.0.0.0:8000 \
    GUNICORN_WORKER_TMP_DIR=/dev/shm \
    ASL_MAX_UPLOAD_MB=10 \
    ASL_BODY_TIMEOUT_SECONDS=20 \
    ASL_HEADER_TIMEOUT_SECONDS=10
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python3", "-c", "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"]
# exec form: gunicorn is PID 1 and gets SIGTERM for a graceful stop.
ENTRYPOINT ["gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"]
