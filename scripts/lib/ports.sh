# shellcheck shell=bash
# Port plan of a local stack instance. Sourced by every stack script.
# RACHMISTRZ_INSTANCE=dev (default, the front door) or test (the test command's own stack),
# so that tests never touch the data of a running demo.
RACHMISTRZ_INSTANCE="${RACHMISTRZ_INSTANCE:-dev}"
# shellcheck disable=SC2317 # the exit is reached when this file is executed, not sourced
case "$RACHMISTRZ_INSTANCE" in
  dev)  _off=0 ;;
  test) _off=1000 ;;
  *) echo "RACHMISTRZ_INSTANCE must be dev or test, got '$RACHMISTRZ_INSTANCE'" >&2; return 2 2>/dev/null || exit 2 ;;
esac
export RACHMISTRZ_INSTANCE
export PG_PORT=$((55432 + _off))
export KAFKA_PORT=$((59092 + _off))
export KAFKA_CONTROLLER_PORT=$((59093 + _off))
export MINIO_PORT=$((59000 + _off))
export MINIO_CONSOLE_PORT=$((59001 + _off))
export SMTP_PORT=$((51025 + _off))
export MAILPIT_HTTP_PORT=$((58025 + _off))
export GATEWAY_PORT=$((8080 + _off))
export KSEF_SIMULATOR_PORT=$((58190 + _off))
# service HTTP ports, in the order of SERVICES
export SERVICES="auth ksef-gateway invoices taxes messaging files"
service_port() {
  local i=0 s
  for s in $SERVICES; do
    if [ "$s" = "$1" ]; then echo $((58101 + _off + i)); return 0; fi
    i=$((i + 1))
  done
  echo "unknown service $1" >&2; return 1
}
