#!/usr/bin/env bash
# Validates deploy/k8s (base and every overlay) and docker-compose.yml offline; run by CI.
# Exits non-zero, listing every problem, when anything is wrong. Details: scripts/validate_deploy.py.
#
# kustomize: `kubectl kustomize` when kubectl is installed, otherwise a kustomize built once
# with `go install` into the git-ignored .cache/go (Go module proxy only).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KUSTOMIZE_VERSION=v5.5.0  # the kustomize inside kubectl 1.32
PYTHON="$ROOT/.venv/bin/python"
started_ns=$(date +%s%N)

die() { echo "validate-deploy: $*" >&2; exit 2; }

ensure_python() {
  local probe='import importlib.util as u, sys
sys.exit(any(u.find_spec(m) is None for m in ("kubernetes_validate", "jsonschema", "yaml", "contracts")))'
  if [ -x "$PYTHON" ] && "$PYTHON" -c "$probe" 2>/dev/null; then
    return
  fi
  local uv="$ROOT/.cache/tools/bin/uv"
  command -v "$uv" >/dev/null || uv="$(command -v uv)" || die "uv not found: run the set-up command first"
  echo "validate-deploy: syncing the workspace environment (uv sync --frozen)"
  (cd "$ROOT" && UV_CACHE_DIR="$ROOT/.cache/uv" UV_PYTHON_DOWNLOADS=never "$uv" sync --frozen --quiet)
}

kustomize_command() {
  if command -v kubectl >/dev/null; then
    echo "kubectl kustomize"
    return
  fi
  local gobin="$ROOT/.cache/go/bin" bin="$ROOT/.cache/go/bin/kustomize-$KUSTOMIZE_VERSION"
  if [ ! -x "$bin" ]; then
    command -v go >/dev/null || die "neither kubectl nor go is installed; one is needed for kustomize"
    echo "validate-deploy: building kustomize $KUSTOMIZE_VERSION with go install" >&2
    mkdir -p "$gobin"
    GOPATH="$ROOT/.cache/go" GOMODCACHE="$ROOT/.cache/go/mod" GOCACHE="$ROOT/.cache/go/build" \
      GOBIN="$gobin" GOFLAGS=-modcacherw GOTOOLCHAIN=local \
      go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION" >&2 \
      || die "go install of kustomize $KUSTOMIZE_VERSION failed"
    mv "$gobin/kustomize" "$bin"
  fi
  echo "$bin build"
}

ensure_python
kustomize="$(kustomize_command)"
echo "validate-deploy: kustomize is '$kustomize'"
status=0
"$PYTHON" "$ROOT/scripts/validate_deploy.py" --kustomize "$kustomize" || status=$?
elapsed_ms=$(( ($(date +%s%N) - started_ns) / 1000000 ))
elapsed="$((elapsed_ms / 1000)).$(printf '%03d' $((elapsed_ms % 1000)))"
if [ "$status" -ne 0 ]; then
  echo "validate-deploy: FAILED (${elapsed}s)" >&2
  exit "$status"
fi
echo "validate-deploy: all checks passed (${elapsed}s)"
