# syntax=docker/dockerfile:1.7
#
# One image per service, all built from this file with the repository root as context:
#   docker build --build-arg SERVICE=invoices -t rachmistrz/invoices .
#   docker build --build-arg SERVICE=ksef-simulator --build-arg SERVICE_DIR=tools/ksef-simulator \
#     -t rachmistrz/ksef-simulator .
# SERVICE is the workspace member (folder and distribution name); its Python package is the same
# name with "-" replaced by "_". The image runs `python -m <package> <command>`; the command
# defaults to `api` (`worker` and `migrate` are the other ones, see deploy/README.md).

# python:3.11.14-slim-bookworm, pinned by the digest of its multi-architecture index.
ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm@sha256:65a93d69fa75478d554f4ad27c85c1e69fa184956261b4301ebaf6dbb0a3543d

# ---------------------------------------------------------------------------------------------
# Only the workspace manifests. COPY --from compares file contents, so the dependency layer in
# the builder is reused until a pyproject.toml or uv.lock changes, not on every source edit.
FROM ${PYTHON_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir /manifests \
    && find . -name pyproject.toml -not -path './.venv/*' -exec cp --parents {} /manifests \; \
    && cp uv.lock /manifests/

# ---------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS builder
ARG SERVICE
ARG SERVICE_DIR=services/${SERVICE}
ARG UV_VERSION=0.13.8
RUN test -n "${SERVICE}" || { echo "build with --build-arg SERVICE=<workspace member>" >&2; exit 2; }
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install --disable-pip-version-check "uv==${UV_VERSION}"
# Compile bytecode now: the root filesystem is read-only at run time.
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11
WORKDIR /app

# Third-party dependencies of this one service, from the lock file only.
COPY --from=manifests /manifests/ ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --package "${SERVICE}" --no-install-workspace

# Then the shared libraries and the service itself. The repository layout is kept under /app,
# so the service finds its migrations next to its sources as it does in a checkout.
COPY libs/ libs/
COPY ${SERVICE_DIR}/ ${SERVICE_DIR}/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --package "${SERVICE}" \
    && python -m compileall -q libs "${SERVICE_DIR}"

# Exec-form CMD cannot expand build arguments, so the package name is baked into a one-line
# launcher that execs Python (which stays PID 1 and receives SIGTERM itself).
RUN mkdir -p /app/bin \
    && package="$(echo "${SERVICE}" | tr - _)" \
    && printf '#!/bin/sh\nexec python -m %s "$@"\n' "${package}" > /app/bin/service \
    && chmod 0755 /app/bin/service \
    && /app/.venv/bin/python -c "import ${package}"

# ---------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime
ARG SERVICE
LABEL org.opencontainers.image.title="rachmistrz-${SERVICE}" \
      org.opencontainers.image.description="Rachmistrz ${SERVICE}"
RUN groupadd --system --gid 10001 rachmistrz \
    && useradd --system --uid 10001 --gid rachmistrz --no-create-home \
       --home-dir /nonexistent --shell /usr/sbin/nologin rachmistrz
# invoices prints PDFs with DejaVu (Polish glyphs; PDF_FONT_FILE, PDF_BOLD_FONT_FILE)
RUN if [ "${SERVICE}" = invoices ]; then \
      apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core \
      && rm -rf /var/lib/apt/lists/*; \
    fi
ENV PATH=/app/.venv/bin:/app/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8000
WORKDIR /app
# Owned by root and not writable by the service user.
COPY --from=builder /app /app
USER 10001:10001
EXPOSE 8000
ENTRYPOINT ["/app/bin/service"]
CMD ["api"]
