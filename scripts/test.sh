#!/usr/bin/env bash
# The full test suite: lint and types, deployment manifests, then unit, integration and
# end-to-end tests against the real parts of a separate test instance of the local stack
# (RACHMISTRZ_INSTANCE=test, its own ports and data, so a running demo is never touched).
# `.ci/run` calls exactly this. KEEP_STACK=1 leaves the test stack running afterwards.
set -euo pipefail
export RACHMISTRZ_INSTANCE=test
# shellcheck source=scripts/lib/common.sh
. "$(dirname "$0")/lib/common.sh"
# shellcheck source=scripts/lib/python.sh
. "$ROOT/scripts/lib/python.sh"
# shellcheck source=scripts/lib/web.sh
. "$ROOT/scripts/lib/web.sh"
cd "$ROOT"

ensure_python_env
if [ "${KEEP_STACK:-0}" != 1 ]; then
  trap '"$ROOT/scripts/services.sh" down >/dev/null 2>&1 || true; "$ROOT/scripts/stack.sh" down >/dev/null 2>&1 || true' EXIT
fi

# Static checks run while the stack starts: they need none of it.
( scripts/lint.sh && scripts/validate-deploy.sh ) >"$ROOT/.cache/static-checks.log" 2>&1 &
static_pid=$!
# The web portal builds (npm ci when the lock changed, tsc + vite when sources did) meanwhile.
( ensure_web_build ) >"$ROOT/.cache/web-build.log" 2>&1 &
web_pid=$!

scripts/stack.sh up
scripts/services.sh up
# shellcheck disable=SC1091
. "$RUN/stack.env"

status=0
if ! wait "$static_pid"; then
  cat "$ROOT/.cache/static-checks.log" >&2
  echo "static checks failed (lint, types or deployment manifests)" >&2
  status=1
else
  tail -n 5 "$ROOT/.cache/static-checks.log"
fi

if ! wait "$web_pid"; then
  cat "$ROOT/.cache/web-build.log" >&2
  echo "the web portal did not build" >&2
  status=1
fi

PYTEST=("$ROOT/.venv/bin/python" -m pytest -p no:cacheprovider)
# Unit and integration tests in two workers; end-to-end tests alone, as they drive the
# shared test stack (they kill and restart its services).
"${PYTEST[@]}" -n 2 libs services tools -q "$@" || status=$?
"${PYTEST[@]}" tests/e2e -q "$@" || status=$?
# The portal: component tests (Vitest), then the browser tests (Playwright, system Chromium)
# through nginx; screenshots in web/test-results/screens/.
"$ROOT/web/run-tests" || status=$?
exit "$status"
