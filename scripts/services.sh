#!/usr/bin/env bash
# Rachmistrz services (and the KSeF simulator) as local processes over a running stack.
#
#   scripts/services.sh up [SERVICE...]    keys, topics, migrations, start, wait until ready
#   scripts/services.sh down [SERVICE...]  clean stop (SIGTERM, then KILL after a timeout)
#   scripts/services.sh status
#
# Each service runs `python -m <package> all` (HTTP API + Kafka consumers + outbox relay) on
# its port from ports.sh, mounted by nginx under /api/<service>/. Its database role is its
# own (least privilege) and migrations run once per `up`, before the process starts.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "$0")/lib/common.sh"

PY="$ROOT/.venv/bin/python"
KEYS="$RUN/keys"

load_stack_env() {
  [ -f "$RUN/stack.env" ] || die "no $RUN/stack.env: start the stack first (scripts/stack.sh up)"
  # shellcheck disable=SC1091
  . "$RUN/stack.env"
}

# Access-token keys of this instance: auth signs with the private key and publishes the
# public one as JWKS (AUTH_JWKS_URL of every other service).
ensure_keys() {
  mkdir -p "$KEYS"
  if [ ! -s "$KEYS/access-token.pem" ]; then
    (umask 077 && openssl ecparam -name prime256v1 -genkey -noout |
      openssl pkcs8 -topk8 -nocrypt -out "$KEYS/access-token.pem")
    openssl ec -in "$KEYS/access-token.pem" -pubout -out "$KEYS/access-token.pub.pem" 2>/dev/null
    log "generated access-token keys in $KEYS"
  fi
}

db_url_var() { local s="${1//-/_}"; echo "${s^^}_DATABASE_URL"; }

# service_env SERVICE: the environment of one service process, as VAR=value words for env(1).
service_env() {
  local svc="$1" url_var
  url_var="$(db_url_var "$svc")"
  printf '%s\n' \
    "DATABASE_URL=${!url_var}" \
    "KAFKA_BOOTSTRAP_SERVERS=$KAFKA_BOOTSTRAP_SERVERS" \
    "HTTP_HOST=127.0.0.1" \
    "HTTP_PORT=$(service_port "$svc")" \
    "ROOT_PATH=/api/$svc" \
    "OTEL_SERVICE_NAME=$svc"
  # auth signs with the private key (and checks its own tokens with it); every other service
  # verifies through auth's JWKS, which lists every key during a rotation.
  if [ "$svc" = auth ]; then
    printf '%s\n' "AUTH_PUBLIC_KEY_FILE=$KEYS/access-token.pub.pem"
  else
    printf '%s\n' "AUTH_JWKS_URL=http://127.0.0.1:$(service_port auth)/.well-known/jwks.json"
  fi
  case "$svc" in
    # the local gateway speaks plain http, where a Secure refresh cookie would never be sent
    auth) printf '%s\n' "AUTH_SIGNING_KEY_FILE=$KEYS/access-token.pem" "REFRESH_COOKIE_SECURE=false" ;;
    ksef-gateway)
      printf '%s\n' "KSEF_BASE_URL=$KSEF_SIMULATOR_URL/v2" \
        "SECRETS_MASTER_KEY=$(secret KSEF_GATEWAY_MASTER_KEY)$(secret KSEF_GATEWAY_MASTER_KEY_2)" \
        "MINIO_ENDPOINT=$MINIO_ENDPOINT" "MINIO_ACCESS_KEY=$MINIO_ACCESS_KEY" \
        "MINIO_SECRET_KEY=$MINIO_SECRET_KEY" ;;
    invoices)
      # reads the gateway's claim checks of large invoices; seals companies' Offline keys
      printf '%s\n' "MINIO_ENDPOINT=$MINIO_ENDPOINT" "MINIO_ACCESS_KEY=$MINIO_ACCESS_KEY" \
        "MINIO_SECRET_KEY=$MINIO_SECRET_KEY" \
        "OFFLINE_KEY_SECRET=$(secret INVOICES_OFFLINE_KEY_SECRET 32)" ;;
    messaging) printf '%s\n' "SMTP_HOST=$SMTP_HOST" "SMTP_PORT=$SMTP_PORT" \
      "PUBLIC_URL=$GATEWAY_URL" "FILES_URL=http://127.0.0.1:$(service_port files)" ;;
    files)
      # download URLs are signed for the gateway, which passes /storage/ on to MinIO
      printf '%s\n' "MINIO_ENDPOINT=$MINIO_ENDPOINT" "MINIO_ACCESS_KEY=$MINIO_ACCESS_KEY" \
        "MINIO_SECRET_KEY=$MINIO_SECRET_KEY" "MINIO_PUBLIC_URL=$GATEWAY_URL/storage" ;;
  esac
}

run_in_env() {
  local svc="$1"; shift
  local -a vars
  mapfile -t vars < <(service_env "$svc")
  env "${vars[@]}" "$@"
}

start_service() {
  local svc="$1" pkg="${1//-/_}" port
  port="$(service_port "$svc")"
  if is_running "$svc" && http_ok "http://127.0.0.1:$port/health/ready"; then
    log "$svc already running on :$port"
    return 0
  fi
  stop_pid "$svc"
  require_free_port "$svc" "$port"
  run_in_env "$svc" "$PY" -m "$pkg" migrate >>"$LOGS/$svc.migrate.log" 2>&1 ||
    { tail -n 5 "$LOGS/$svc.migrate.log" >&2; die "$svc: migrations failed (log: $LOGS/$svc.migrate.log)"; }
  local -a vars
  mapfile -t vars < <(service_env "$svc")
  # -X pycache_prefix puts $RUN on the command line, which pid_of uses to recognise the process.
  start_bg "$svc" env "${vars[@]}" "$PY" -X "pycache_prefix=$RUN/pycache" -m "$pkg" all
}

start_simulator() {
  [ -d "$ROOT/tools/ksef-simulator/src/ksef_simulator" ] || return 0
  if is_running ksef-simulator && http_ok "$KSEF_SIMULATOR_URL/health"; then return 0; fi
  stop_pid ksef-simulator
  require_free_port ksef-simulator "$KSEF_SIMULATOR_PORT"
  local -a demo=()
  # The front door's simulator knows the demo's client companies (the NIPs of auth's demo
  # accounts) among a few more, and keeps issuing new invoices, so the demo has live traffic.
  if [ "$RACHMISTRZ_INSTANCE" = dev ]; then
    demo=(--companies 12 --invoices 40 --arrivals-per-hour 4)
    export KSEF_SIM_NAMED_COMPANIES="5261040828=Piekarnia Kowalski sp. z o.o.;7740001454=Transport Nowak S.A.;1132853869=Kwiaciarnia Róża Anna Wiśniewska;9542751368=Warsztat Zielony sp.j."
  fi
  start_bg ksef-simulator "$PY" -X "pycache_prefix=$RUN/pycache" -m ksef_simulator \
    --host 127.0.0.1 --port "$KSEF_SIMULATOR_PORT" "${demo[@]}"
}

cmd_up() {
  load_stack_env
  ensure_run_dirs
  ensure_keys
  "$PY" -m chassis topics --bootstrap "$KAFKA_BOOTSTRAP_SERVERS" >&2
  local svcs=("$@")
  [ ${#svcs[@]} -gt 0 ] || { read -ra svcs <<<"$SERVICES"; start_simulator; }
  local svc
  for svc in "${svcs[@]}"; do start_service "$svc"; done
  for svc in "${svcs[@]}"; do
    wait_for "$svc ready" 60 "$svc" http_ok "http://127.0.0.1:$(service_port "$svc")/health/ready"
    log "$svc ready on :$(service_port "$svc")"
  done
}

cmd_down() {
  local svcs=("$@") svc
  [ ${#svcs[@]} -gt 0 ] || read -ra svcs <<<"$SERVICES ksef-simulator"
  for svc in "${svcs[@]}"; do stop_pid "$svc" TERM 20; done
}

cmd_status() {
  local svc
  for svc in $SERVICES; do
    if is_running "$svc"; then echo "$svc: up (:$(service_port "$svc"))"; else echo "$svc: down"; fi
  done
}

case "${1:-}" in
  up) shift; cmd_up "$@" ;;
  down) shift; cmd_down "$@" ;;
  status) cmd_status ;;
  env) shift; load_stack_env; ensure_keys; service_env "$1" ;;
  *) echo "usage: $0 up|down|status [SERVICE...] | env SERVICE" >&2; exit 2 ;;
esac
