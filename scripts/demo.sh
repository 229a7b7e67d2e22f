#!/usr/bin/env bash
# Demo data for the front door, created through the real use cases: the accounts by auth's
# bootstrap command, then the office's onboarding through the public APIs (scripts/demo.py):
# central KSeF authorisation of the office, clients granting it access in the simulator. The
# gateway then pulls the clients' invoices from the simulator in the background.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "$0")/lib/common.sh"
# shellcheck disable=SC1091
. "$RUN/stack.env"

DEMO_PASSWORD="${DEMO_PASSWORD:-Demo-Rachmistrz-2026}"
PY="$ROOT/.venv/bin/python"
mkdir -p "$RUN/demo"
mapfile -t auth_env < <("$ROOT/scripts/services.sh" env auth)
env "${auth_env[@]}" "$PY" -m auth.bootstrap demo --password "$DEMO_PASSWORD" >"$RUN/demo/accounts.txt"
"$PY" "$ROOT/scripts/demo.py" --gateway "$GATEWAY_URL" --simulator "$KSEF_SIMULATOR_URL" \
  --password "$DEMO_PASSWORD"
log "demo accounts (password $DEMO_PASSWORD):"
sed 's/^/    /' "$RUN/demo/accounts.txt" >&2
