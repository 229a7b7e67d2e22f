#!/usr/bin/env bash
# The front door: install what is missing, start the whole system locally with demo data,
# and print where to look. Idempotent; a second run takes seconds.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "$0")/lib/common.sh"
# shellcheck source=scripts/lib/python.sh
. "$ROOT/scripts/lib/python.sh"
# shellcheck source=scripts/lib/web.sh
. "$ROOT/scripts/lib/web.sh"

ensure_python_env
ensure_web_build
"$ROOT/scripts/stack.sh" up
"$ROOT/scripts/services.sh" up
"$ROOT/scripts/demo.sh"
# shellcheck disable=SC1091
. "$RUN/stack.env"
cat <<MSG

Rachmistrz is running (instance: $RACHMISTRZ_INSTANCE).
  Web portal      $GATEWAY_URL/
  API gateway     $GATEWAY_URL/api/<service>/   (services: $SERVICES)
  API docs        $GATEWAY_URL/api/auth/docs  (and /api/<service>/docs for each service)
  KSeF simulator  $KSEF_SIMULATOR_URL
  Mail catcher    $MAILPIT_API
  MinIO console   http://127.0.0.1:$MINIO_CONSOLE_PORT
  Logs            $LOGS/
  Demo log-in     admin@demo.rachmistrz.pl (office), jan.kowalski@piekarnia.demo.rachmistrz.pl
                  (client), password ${DEMO_PASSWORD:-Demo-Rachmistrz-2026}; all: $RUN/demo/accounts.txt
Stop with scripts/down.sh (data kept) or scripts/down.sh --reset (data deleted).
MSG
