#!/usr/bin/env bash
# The local infrastructure of Rachmistrz as plain processes (no Docker):
#
#   postgres  PostgreSQL (Debian package), own data dir and port, one role + database per service
#   kafka     Apache Kafka (Maven Central jars), KRaft, one combined broker+controller node
#   minio     MinIO (go install), S3 API + console
#   mail      SMTP catcher with an HTTP API (MailDev, npm)
#   nginx     API gateway (Debian package), /api/<service>/ -> the service's port
#
# Usage: scripts/stack.sh install|up|down|reset|status|provision|env
#   RACHMISTRZ_INSTANCE=dev (default) or test picks the port set (scripts/lib/ports.sh) and the
#   state folder .run/<instance>/ (data, logs/, pids/, secrets.env, stack.env).
#
#   install    download/build what is missing into .cache/ (a no-op once done)
#   up         install, start every part that is not already healthy, wait until all are, create
#              the service databases and write .run/<instance>/stack.env (source it)
#   down       stop every part; data is kept
#   reset      down, then delete .run/<instance>/ (data, secrets, logs)
#   status     one line per part: up/down and its address
#   provision  create/update the per-service roles and databases (part of up)
#   env        print the path of stack.env
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=scripts/lib/install.sh
. "$ROOT/scripts/lib/install.sh"

PARTS=(postgres kafka minio mail nginx)
STACK_ENV="$RUN/stack.env"

# ==== PostgreSQL ================================================================================

PG_DIR="$RUN/pg"
PG_DATA="$PG_DIR/data"
PG_SOCKET_DIR="$PG_DIR/socket"
PG_SUPERUSER=postgres
PG_USER_OS=postgres # OS user that runs the server when we are root (initdb refuses root)

# As root, commands of the server run as the postgres OS user through this prefix. setpriv execs
# in place (unlike su/runuser), so the pid start_bg records is the postmaster itself.
PG_AS_USER=()
if is_root; then PG_AS_USER=(setpriv --reuid="$PG_USER_OS" --regid="$PG_USER_OS" --init-groups --); fi

pg_superuser_password() { secret PG_SUPERUSER_PASSWORD; }

# pg_psql [psql args...]: psql as the superuser over TCP (password auth, as every client uses).
pg_psql() {
  PGPASSWORD="$(pg_superuser_password)" PGCONNECT_TIMEOUT=3 \
    "$(pg_bin_dir)/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U "$PG_SUPERUSER" "$@"
}

postgres_healthy() { pg_psql -d postgres -Atc 'select 1' >/dev/null 2>&1; }

# pg_init: create the cluster on first start only.
pg_init() {
  [ -f "$PG_DATA/PG_VERSION" ] && return 0
  log "postgres: initialising cluster in ${PG_DATA#"$ROOT"/}"
  mkdir -p "$PG_DATA" "$PG_SOCKET_DIR"
  chmod 700 "$PG_DATA"
  local pwfile="$PG_DIR/.initdb-pw"
  (umask 077 && pg_superuser_password >"$pwfile")
  if is_root; then chown -R "$PG_USER_OS:$PG_USER_OS" "$PG_DIR"; fi
  # scram for every connection, local socket included; C.UTF-8 exists on every Debian
  if ! (cd "$PG_DIR" && "${PG_AS_USER[@]}" "$(pg_bin_dir)/initdb" -D "$PG_DATA" -U "$PG_SUPERUSER" \
    --pwfile="$pwfile" --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8) >"$LOGS/postgres-initdb.log" 2>&1; then
    rm -f "$pwfile"
    tail -n 20 "$LOGS/postgres-initdb.log" >&2
    rm -rf "$PG_DATA"
    die "postgres: initdb failed (log: $LOGS/postgres-initdb.log)"
  fi
  rm -f "$pwfile"
  echo "include_if_exists = 'rachmistrz.conf'" >>"$PG_DATA/postgresql.conf"
}

# pg_configure: settings that follow the instance (port, socket), rewritten on every start.
pg_configure() {
  cat >"$PG_DATA/rachmistrz.conf" <<EOF
# written by scripts/stack.sh on every start; edit there
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCKET_DIR'
password_encryption = 'scram-sha-256'
max_connections = 200
# Sized for the 24 GB machine that runs two instances (dev, test): the invoice list's indexes
# (1M invoices: ~2 GB) stay in PostgreSQL's own cache; SSD-like random reads; no JIT (it adds
# tens of ms of compiling to any plan that looks expensive, more than short queries take).
shared_buffers = 2GB
effective_cache_size = 8GB
random_page_cost = 1.1
work_mem = 16MB
maintenance_work_mem = 256MB
max_wal_size = 4GB
jit = off
# lz4: several times cheaper than pglz for the TOASTed XML and JSON documents of invoices
default_toast_compression = lz4
logging_collector = off
log_destination = 'stderr'
log_line_prefix = '%m [%p] %q%u@%d '
log_min_duration_statement = 1000
EOF
  # Password (scram) for everyone. Which database a role may enter is decided by the CONNECT
  # privilege (see provision_databases), not here.
  cat >"$PG_DATA/pg_hba.conf" <<'EOF'
# written by scripts/stack.sh on every start; edit there
# TYPE  DATABASE  USER  ADDRESS        METHOD
local   all       all                  scram-sha-256
host    all       all   127.0.0.1/32   scram-sha-256
host    all       all   ::1/128        scram-sha-256
EOF
  if is_root; then chown "$PG_USER_OS:$PG_USER_OS" "$PG_DATA/rachmistrz.conf" "$PG_DATA/pg_hba.conf"; fi
}

start_postgres() {
  ensure_run_dirs
  pg_init
  pg_configure
  # Lock files of a server that was killed (kill -9, machine crash) name its pid; postgres refuses
  # to start while that pid exists, even as an unreaped zombie or an unrelated process that got
  # the pid. No process of the old server is alive at this point (the caller ran stop_postgres,
  # which waits for its whole process group, backends included), so they are stale.
  rm -f "$PG_DATA/postmaster.pid" "$PG_SOCKET_DIR/.s.PGSQL.$PG_PORT" "$PG_SOCKET_DIR/.s.PGSQL.$PG_PORT.lock"
  (cd "$PG_DIR" && start_bg postgres "${PG_AS_USER[@]}" "$(pg_bin_dir)/postgres" -D "$PG_DATA")
}

wait_postgres() {
  wait_for "postgres on 127.0.0.1:$PG_PORT" 60 postgres \
    "$(pg_bin_dir)/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"
  postgres_healthy || die "postgres answers but rejects the superuser password kept in ${SECRETS_FILE#"$ROOT"/} (secrets.env replaced or edited?); 'scripts/stack.sh reset' starts over"
}

# SIGINT is PostgreSQL's "fast" shutdown: ends sessions instead of waiting for clients to leave.
stop_postgres() { stop_pid postgres INT 60; }

# pg_ident NAME: service name -> role/database name (ksef-gateway -> ksef_gateway).
pg_ident() { printf '%s\n' "${1//-/_}"; }

# pg_role_password ROLE: the role's password, generated once into secrets.env.
pg_role_password() {
  local role="$1"
  secret "PG_PASSWORD_${role^^}"
}

# provision_databases: for each service in $SERVICES and for the KSeF simulator, a LOGIN role
# without extra powers and a database it owns that nobody else may connect to. Idempotent: roles
# and databases are created when missing; password, attributes, owner and grants are re-applied.
provision_databases() {
  local svc role
  local -a roles=()
  for svc in $SERVICES ksef-simulator; do roles+=("$(pg_ident "$svc")"); done
  # create missing passwords here, not in the pipeline's subshell below
  for role in "${roles[@]}"; do pg_role_password "$role" >/dev/null; done
  {
    # the maintenance databases are the superuser's alone
    echo "REVOKE CONNECT ON DATABASE postgres FROM PUBLIC;"
    echo "REVOKE CONNECT ON DATABASE template1 FROM PUBLIC;"
    for role in "${roles[@]}"; do
      # passwords go through psql variables (quoted by psql), over stdin, never on a command line
      printf '\\set role %s\n\\set pw %s\n' "$role" "$(pg_role_password "$role")"
      cat <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
  PASSWORD :'pw';
SELECT format('CREATE DATABASE %I OWNER %I', :'role', :'role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'role') \gexec
ALTER DATABASE :"role" OWNER TO :"role";
REVOKE ALL ON DATABASE :"role" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"role" TO :"role";
SQL
    done
  } | pg_psql -d postgres -f - >"$LOGS/provision.log" 2>&1 ||
    { tail -n 20 "$LOGS/provision.log" >&2; die "postgres: provisioning the service databases failed (log: $LOGS/provision.log)"; }
  log "postgres: roles and databases ready: ${roles[*]}"
}

# ==== Kafka =====================================================================================

KAFKA_DIR="$RUN/kafka"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms512m -Xmx512m}"

kafka_healthy() { python3 "$ROOT/scripts/kafka/probe.py" "127.0.0.1:$KAFKA_PORT" --timeout 2 >/dev/null 2>&1; }

# kafka_java_cmd: the java command line (up to the main class) in the array KAFKA_JAVA.
kafka_java_cmd() {
  local -a heap
  read -r -a heap <<<"$KAFKA_HEAP_OPTS"
  KAFKA_JAVA=(java "${heap[@]}" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -XX:+ExitOnOutOfMemoryError -XX:-UsePerfData \
    -Djava.awt.headless=true -Dkafka.logs.dir="$LOGS" \
    -Dlog4j2.configurationFile="$KAFKA_DIR/log4j2.properties" \
    -cp "$KAFKA_HOME/libs/*")
}

# kafka_configure: server.properties and logging, rewritten on every start.
kafka_configure() {
  mkdir -p "$KAFKA_DIR/data"
  cat >"$KAFKA_DIR/server.properties" <<EOF
# written by scripts/stack.sh on every start; edit there
# one node that is both broker and KRaft controller (dynamic quorum, formatted --standalone)
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$KAFKA_DIR/data

# topics are created by the project with explicit partitions, never by a stray producer
auto.create.topics.enable=false
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
# internal topics on a single node
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# consumers in tests join a group without the 3 s wait meant for big clusters
group.initial.rebalance.delay.ms=0
log.retention.hours=168
EOF
  cat >"$KAFKA_DIR/log4j2.properties" <<'EOF'
# written by scripts/stack.sh; everything to stdout, which start_bg sends to logs/kafka.log
status = warn
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.stdout.ref = STDOUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.statechange.name = state.change.logger
logger.statechange.level = WARN
logger.clients.name = org.apache.kafka.clients
logger.clients.level = WARN
EOF
}

# kafka_format: give the data dir a cluster id and a one-voter quorum, once.
kafka_format() {
  [ -f "$KAFKA_DIR/data/meta.properties" ] && return 0
  local cluster_id
  if [ -s "$KAFKA_DIR/cluster.id" ]; then
    cluster_id="$(cat "$KAFKA_DIR/cluster.id")"
  else
    # a Kafka Uuid: 16 random bytes, base64url without padding; not starting with '-' so it
    # cannot be mistaken for an option
    cluster_id="$(python3 -c 'import base64, uuid
while True:
    s = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
    if not s.startswith("-"):
        print(s)
        break')"
    echo "$cluster_id" >"$KAFKA_DIR/cluster.id"
  fi
  log "kafka: formatting storage (cluster id $cluster_id)"
  kafka_java_cmd
  "${KAFKA_JAVA[@]}" kafka.tools.StorageTool format --standalone --cluster-id "$cluster_id" \
    --config "$KAFKA_DIR/server.properties" >"$LOGS/kafka-format.log" 2>&1 ||
    { tail -n 20 "$LOGS/kafka-format.log" >&2; die "kafka: storage format failed (log: $LOGS/kafka-format.log)"; }
}

start_kafka() {
  ensure_run_dirs
  kafka_configure
  kafka_format
  kafka_java_cmd
  start_bg kafka "${KAFKA_JAVA[@]}" kafka.Kafka "$KAFKA_DIR/server.properties"
}

wait_kafka() { wait_for "kafka on 127.0.0.1:$KAFKA_PORT" 120 kafka kafka_healthy; }

# TERM makes the broker shut down in order (flushes logs, leaves the quorum cleanly)
stop_kafka() { stop_pid kafka TERM 60; }

# ==== MinIO =====================================================================================

MINIO_DIR="$RUN/minio"

minio_healthy() { http_ok "http://127.0.0.1:$MINIO_PORT/minio/health/live"; }

# the access key (root user) may be at most 20 characters
minio_user() { secret MINIO_ROOT_USER 8 rachmistrz; }
minio_password() { secret MINIO_ROOT_PASSWORD; }

start_minio() {
  ensure_run_dirs
  mkdir -p "$MINIO_DIR/data"
  (
    # credentials through the environment, not the command line (visible in ps)
    MINIO_ROOT_USER="$(minio_user)"
    MINIO_ROOT_PASSWORD="$(minio_password)"
    export MINIO_ROOT_USER MINIO_ROOT_PASSWORD MINIO_UPDATE=off MINIO_BROWSER=on
    start_bg minio "$MINIO_BIN" server "$MINIO_DIR/data" \
      --address "127.0.0.1:$MINIO_PORT" --console-address "127.0.0.1:$MINIO_CONSOLE_PORT"
  )
}

wait_minio() { wait_for "minio on 127.0.0.1:$MINIO_PORT" 60 minio minio_healthy; }

stop_minio() { stop_pid minio TERM 30; }

# ==== mail catcher (MailDev) =====================================================================

MAIL_DIR="$RUN/mail"

mail_healthy() { http_ok "http://127.0.0.1:$MAILPIT_HTTP_PORT/healthz"; }

start_mail() {
  ensure_run_dirs
  mkdir -p "$MAIL_DIR"
  start_bg mail node "$MAILDEV_BIN" --ip 127.0.0.1 --web-ip 127.0.0.1 \
    --smtp "$SMTP_PORT" --web "$MAILPIT_HTTP_PORT" --mail-directory "$MAIL_DIR"
}

wait_mail() { wait_for "mail catcher on 127.0.0.1:$MAILPIT_HTTP_PORT" 60 mail mail_healthy; }

stop_mail() { stop_pid mail TERM 15; }

# ==== nginx (API gateway) ========================================================================

NGINX_DIR="$RUN/nginx"
NGINX_CONF="$NGINX_DIR/nginx.conf"

nginx_healthy() { http_ok "http://127.0.0.1:$GATEWAY_PORT/healthz"; }

# nginx_render FILE: the gateway config from scripts/nginx/*.tmpl for this instance.
nginx_render() {
  local out="$1" tmpl svc port upstreams="" locations="" block extra index services_json=""
  upstreams+="$(nginx_upstream ksef_simulator "$KSEF_SIMULATOR_PORT")"$'\n'
  upstreams+="$(nginx_upstream mail_catcher "$MAILPIT_HTTP_PORT")"$'\n'
  upstreams+="$(nginx_upstream object_storage "$MINIO_PORT")"$'\n'
  for svc in $SERVICES; do
    port="$(service_port "$svc")"
    upstreams+="$(nginx_upstream "svc_$(pg_ident "$svc")" "$port")"$'\n'
    extra=""
    if [ "$svc" = files ]; then
      # uploads: large bodies streamed straight to the service, not spooled to disk first
      extra=$'            client_max_body_size 100m;\n            proxy_request_buffering off;'
    fi
    block="$(<"$ROOT/scripts/nginx/service.conf.tmpl")"
    block="${block//@@SERVICE@@/$svc}"
    block="${block//@@PORT@@/$port}"
    block="${block//@@UPSTREAM@@/svc_$(pg_ident "$svc")}"
    block="${block//@@EXTRA@@/$extra}"
    locations+="$block"$'\n\n'
    services_json+="${services_json:+,}\"$svc\":\"/api/$svc/\""
  done
  index="{\"name\":\"rachmistrz\",\"instance\":\"$RACHMISTRZ_INSTANCE\",\"services\":{$services_json},\"ksef_simulator\":\"/ksef/\",\"mail\":\"/mail/\",\"health\":\"/healthz\"}"

  tmpl="$(<"$ROOT/scripts/nginx/gateway.conf.tmpl")"
  if is_root; then
    tmpl="${tmpl//@@USER_DIRECTIVE@@/user nobody nogroup;}"
  else
    tmpl="${tmpl//@@USER_DIRECTIVE@@/# not root: workers run as the current user}"
  fi
  tmpl="${tmpl//@@NGINX_DIR@@/$NGINX_DIR}"
  tmpl="${tmpl//@@LOGS@@/$LOGS}"
  tmpl="${tmpl//@@GATEWAY_PORT@@/$GATEWAY_PORT}"
  tmpl="${tmpl//@@WEB_ROOT@@/$ROOT/web/dist}"
  tmpl="${tmpl//@@INDEX_JSON@@/$index}"
  tmpl="${tmpl//@@UPSTREAMS@@/$upstreams}"
  tmpl="${tmpl//@@SERVICE_LOCATIONS@@/$locations}"
  printf '%s\n' "$tmpl" >"$out"
}

# Upstreams are IP literals, so nginx starts whether or not the service runs. max_fails=0: a
# service restarting must not be shunned for fail_timeout after one refused connection.
nginx_upstream() {
  printf '    upstream %s {\n        server 127.0.0.1:%s max_fails=0;\n        keepalive 16;\n    }\n' "$1" "$2"
}

# nginx_cmd: nginx with its prefix, error log and config all inside the instance folder (the -e
# keeps it from even opening /var/log/nginx/error.log).
nginx_cmd() { NGINX=("$(nginx_bin)" -p "$NGINX_DIR/" -e "$LOGS/nginx-error.log" -c "$NGINX_CONF"); }

nginx_test() {
  nginx_cmd
  "${NGINX[@]}" -t -q >"$LOGS/nginx-test.log" 2>&1 ||
    { cat "$LOGS/nginx-test.log" >&2; die "nginx: the rendered config $NGINX_CONF is invalid"; }
}

start_nginx() {
  ensure_run_dirs
  mkdir -p "$NGINX_DIR/tmp"
  nginx_render "$NGINX_CONF"
  nginx_test
  nginx_cmd
  start_bg nginx "${NGINX[@]}" -g 'daemon off;'
}

# nginx_refresh: when nginx already runs, re-render its config and reload it if it changed
# (a service added to $SERVICES shows up without a restart).
nginx_refresh() {
  local pid new="$NGINX_DIR/nginx.conf.new"
  pid="$(pid_of nginx)" || return 0
  nginx_render "$new"
  if cmp -s "$new" "$NGINX_CONF"; then rm -f "$new"; return 0; fi
  mv "$new" "$NGINX_CONF"
  nginx_test
  log "nginx: config changed, reloading"
  kill -s HUP "$pid"
}

wait_nginx() { wait_for "nginx on 127.0.0.1:$GATEWAY_PORT" 30 nginx nginx_healthy; }

# QUIT: finish the requests in flight, then exit
stop_nginx() { stop_pid nginx QUIT 15; }

# ==== the stack ==================================================================================

part_healthy() { "$1_healthy"; }

# part_ports PART: the TCP ports the part listens on.
part_ports() {
  case "$1" in
    postgres) echo "$PG_PORT" ;;
    kafka) echo "$KAFKA_PORT $KAFKA_CONTROLLER_PORT" ;;
    minio) echo "$MINIO_PORT $MINIO_CONSOLE_PORT" ;;
    mail) echo "$SMTP_PORT $MAILPIT_HTTP_PORT" ;;
    nginx) echo "$GATEWAY_PORT" ;;
  esac
}

part_address() {
  case "$1" in
    postgres) echo "127.0.0.1:$PG_PORT" ;;
    kafka) echo "127.0.0.1:$KAFKA_PORT (controller :$KAFKA_CONTROLLER_PORT)" ;;
    minio) echo "http://127.0.0.1:$MINIO_PORT (console http://127.0.0.1:$MINIO_CONSOLE_PORT)" ;;
    mail) echo "smtp://127.0.0.1:$SMTP_PORT, http://127.0.0.1:$MAILPIT_HTTP_PORT" ;;
    nginx) echo "http://127.0.0.1:$GATEWAY_PORT" ;;
  esac
}

# write_stack_env: everything a service or test needs to reach this instance, as export lines.
write_stack_env() {
  local svc role tmp="$STACK_ENV.tmp"
  (
    umask 077
    {
      echo "# written by 'scripts/stack.sh up' for instance $RACHMISTRZ_INSTANCE; source it"
      echo "export RACHMISTRZ_INSTANCE=$RACHMISTRZ_INSTANCE"
      echo "export RACHMISTRZ_RUN_DIR=$RUN"
      echo "export RACHMISTRZ_LOG_DIR=$LOGS"
      echo "export PG_HOST=127.0.0.1"
      echo "export PG_PORT=$PG_PORT"
      echo "export PG_SUPERUSER=$PG_SUPERUSER"
      echo "export PG_SUPERUSER_PASSWORD=$(pg_superuser_password)"
      echo "export PG_SUPERUSER_URL=postgresql://$PG_SUPERUSER:$(pg_superuser_password)@127.0.0.1:$PG_PORT/postgres"
      for svc in $SERVICES ksef-simulator; do
        role="$(pg_ident "$svc")"
        echo "export ${role^^}_DATABASE_URL=postgresql://$role:$(pg_role_password "$role")@127.0.0.1:$PG_PORT/$role"
      done
      echo "export KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_PORT"
      echo "export MINIO_ENDPOINT=http://127.0.0.1:$MINIO_PORT"
      echo "export MINIO_ACCESS_KEY=$(minio_user)"
      echo "export MINIO_SECRET_KEY=$(minio_password)"
      echo "export MINIO_CONSOLE_URL=http://127.0.0.1:$MINIO_CONSOLE_PORT"
      echo "export SMTP_HOST=127.0.0.1"
      echo "export SMTP_PORT=$SMTP_PORT"
      echo "# the mail catcher is MailDev (REST API: GET /email, DELETE /email/all), not Mailpit;"
      echo "# MAILPIT_API is the same address under the name the project first planned"
      echo "export MAIL_CATCHER=maildev"
      echo "export MAIL_API=http://127.0.0.1:$MAILPIT_HTTP_PORT"
      echo "export MAILPIT_API=http://127.0.0.1:$MAILPIT_HTTP_PORT"
      echo "export GATEWAY_URL=http://127.0.0.1:$GATEWAY_PORT"
      echo "export KSEF_SIMULATOR_URL=http://127.0.0.1:$KSEF_SIMULATOR_PORT"
    } >"$tmp"
  )
  mv "$tmp" "$STACK_ENV"
}

cmd_install() {
  ensure_all
  log "install: everything present under ${CACHE#"$ROOT"/}/"
}

cmd_up() {
  local part port
  local -a started=() to_start=()
  ensure_all
  ensure_run_dirs
  for part in "${PARTS[@]}"; do
    if is_running "$part"; then
      # healthy: leave it alone; otherwise still starting (an earlier 'up' was interrupted): wait
      part_healthy "$part" || started+=("$part")
    else
      "stop_$part" # ends what a killed process may have left behind (workers, backends)
      to_start+=("$part")
    fi
  done
  # every port free before anything starts, so a clash does not leave a half-started stack
  for part in "${to_start[@]}"; do
    for port in $(part_ports "$part"); do require_free_port "$part" "$port"; done
  done
  # start every part that is down first, then wait for all: the slow starts overlap
  for part in "${to_start[@]}"; do
    "start_$part"
    started+=("$part")
  done
  for part in "${started[@]}"; do
    "wait_$part"
    log "$part: up"
  done
  nginx_refresh
  provision_databases
  write_stack_env
  cmd_status
  log "ready; environment: source ${STACK_ENV#"$ROOT"/}"
}

cmd_down() {
  local i
  for ((i = ${#PARTS[@]} - 1; i >= 0; i--)); do "stop_${PARTS[i]}"; done
  sweep_strays
  log "down (data kept in ${RUN#"$ROOT"/})"
}

# sweep_strays: a part whose pid file was lost would survive `down`; end any process that runs
# one of the stack's programs on this instance's folder (never anything else, e.g. a `tail -f`).
sweep_strays() {
  local p pid exe
  for p in /proc/[0-9]*; do
    pid="${p#/proc/}"
    [ "$pid" = "$$" ] && continue
    exe="$(readlink "$p/exe" 2>/dev/null)" || continue
    case "${exe##*/}" in java | postgres | minio | node | nginx) ;; *) continue ;; esac
    tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -qF "$RUN/" || continue
    log "ending stray process $pid ($(tr '\0' ' ' <"$p/cmdline" | cut -c1-100))"
    kill -s TERM "$pid" 2>/dev/null || true
  done
}

cmd_reset() {
  cmd_down
  rm -rf "$RUN"
  log "reset: ${RUN#"$ROOT"/} deleted"
}

cmd_status() {
  local part state
  for part in "${PARTS[@]}"; do
    if is_running "$part"; then
      if part_healthy "$part"; then state=up; else state=unhealthy; fi
    elif part_healthy "$part"; then
      state=foreign # something answers on the port, but not a process this instance started
    else
      state=down
    fi
    printf '%-9s %-10s %s\n' "$part" "$state" "$(part_address "$part")"
  done
}

main() {
  case "${1:-}" in
    install | up | down | reset | provision) stack_lock ;;
  esac
  case "${1:-}" in
    install) cmd_install ;;
    up) cmd_up ;;
    down) cmd_down ;;
    reset) cmd_reset ;;
    status) cmd_status ;;
    provision)
      postgres_healthy || die "postgres of instance $RACHMISTRZ_INSTANCE is not up; run scripts/stack.sh up"
      provision_databases
      write_stack_env
      ;;
    env) echo "$STACK_ENV" ;;
    *)
      sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
      [ $# -eq 0 ] && exit 2
      die "unknown command '$1'"
      ;;
  esac
}

main "$@"
