#!/usr/bin/env bash
# Demo data for the front door: an accounting office with a few client companies, created
# through the real use cases (auth's API), so every service sees them through events.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "$0")/lib/common.sh"
# shellcheck disable=SC1091
. "$RUN/stack.env"

mkdir -p "$RUN/demo"
[ -s "$RUN/demo/office.txt" ] && exit 0
PY="$ROOT/.venv/bin/python"
mapfile -t auth_env < <("$ROOT/scripts/services.sh" env auth)
office="$(env "${auth_env[@]}" "$PY" -m auth.bootstrap create-office --if-missing \
  --nip 5213870271 --name "Biuro Rachunkowe Rachmistrz Demo")"
"$PY" - "$office" "$RUN/keys/access-token.pem" "$GATEWAY_URL" <<'PY'
import sys, uuid, httpx
from chassis.tokens import sign_access_token
office, key, gateway = sys.argv[1], open(sys.argv[2], "rb").read(), sys.argv[3]
token = sign_access_token(key, user_id=uuid.uuid4(), org_id=uuid.UUID(office), org_kind="office", role="admin")
clients = [
    {"nip": "5261040828", "name": "Piekarnia Kowalski sp. z o.o."},
    {"nip": "7740001454", "name": "Transport Nowak S.A."},
    {"nip": "1132853869", "name": "Kwiaciarnia Róża Anna Wiśniewska"},
]
r = httpx.post(f"{gateway}/api/auth/clients", json={"clients": clients},
               headers={"Authorization": f"Bearer {token}"}, timeout=30)
r.raise_for_status()
PY
echo "$office (NIP 5213870271)" >"$RUN/demo/office.txt"
log "demo office $office with 3 client companies created"
