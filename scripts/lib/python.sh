# shellcheck shell=bash
# The Python side of the workspace: uv from PyPI (cached in .cache/tools), then the locked
# environment in .venv. Sourced after common.sh.

ensure_python_env() {
  local tools="$CACHE/tools"
  if [ ! -x "$tools/bin/uv" ]; then
    log "installing uv into $tools"
    python3 -m venv "$tools"
    "$tools/bin/pip" install --quiet --disable-pip-version-check "uv==0.13.8"
  fi
  export UV_CACHE_DIR="$CACHE/uv" UV_PYTHON_DOWNLOADS=never UV_PROJECT_ENVIRONMENT="$ROOT/.venv"
  # --frozen: the lock file is the truth; a stale lock fails here instead of drifting.
  (cd "$ROOT" && "$tools/bin/uv" sync --frozen --quiet --python "$(command -v python3)")
}
