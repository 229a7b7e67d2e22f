#!/usr/bin/env bash
# ruff (format check + lint) and mypy --strict over every Python package of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin
"$PY/ruff" format --check .
"$PY/ruff" check .
# mypy by package name, so each module is known once (the workspace installs them editable).
packages=(chassis contracts)
for src in services/*/src/* tools/*/src/*; do
  [ -d "$src" ] && packages+=("$(basename "$src")")
done
args=()
for p in "${packages[@]}"; do args+=(-p "$p"); done
"$PY/mypy" "${args[@]}"
