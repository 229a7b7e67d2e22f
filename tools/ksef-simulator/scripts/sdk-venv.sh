#!/usr/bin/env bash
# Builds (once) the virtualenv with the third-party KSeF SDK that tests/test_third_party_sdk.py
# drives the simulator with, and prints its python. Idempotent: a stamp file records the pinned
# requirement, so later runs only print the path. The SDK lives in its own venv because it is
# not a dependency of the workspace (and its top-level module name clashes with our test client).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
REQUIREMENT="ksef-client[xml]==0.20.0"
VENV="${KSEF_SDK_VENV:-$ROOT/.cache/ksef-sdk-venv}"
STAMP="$VENV/.requirement"
UV="$ROOT/.cache/tools/bin/uv"

if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$REQUIREMENT" ]; then
  mkdir -p "$(dirname "$VENV")"
  exec 9>"$VENV.lock"
  flock 9
  if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$REQUIREMENT" ]; then
    rm -rf "$VENV"
    if [ -x "$UV" ]; then
      export UV_CACHE_DIR="$ROOT/.cache/uv" UV_PYTHON_DOWNLOADS=never
      "$UV" venv --quiet --python "$(command -v python3)" "$VENV" >&2
      "$UV" pip install --quiet --python "$VENV/bin/python" "$REQUIREMENT" >&2
    else
      python3 -m venv "$VENV"
      "$VENV/bin/pip" install --quiet --disable-pip-version-check "$REQUIREMENT" >&2
    fi
    echo "$REQUIREMENT" >"$STAMP"
  fi
fi
echo "$VENV/bin/python"
