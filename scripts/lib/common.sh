# shellcheck shell=bash
# Shared paths and helpers of the local-stack scripts. Source it; it sources ports.sh.
#
#   ROOT   the repository            CACHE  $ROOT/.cache (downloads, builds; kept by reset)
#   RUN    $ROOT/.run/<instance>     LOGS   $RUN/logs     PIDS  $RUN/pids
#
# Processes started with start_bg get their own session (setsid), a pid file under $PIDS and a log
# under $LOGS; stop_pid ends them and everything they spawned.

if [ -n "${_RACHMISTRZ_COMMON_SH:-}" ]; then return 0; fi
_RACHMISTRZ_COMMON_SH=1

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=scripts/lib/ports.sh
. "$ROOT/scripts/lib/ports.sh"

CACHE="$ROOT/.cache"
RUN="$ROOT/.run/$RACHMISTRZ_INSTANCE"
LOGS="$RUN/logs"
PIDS="$RUN/pids"
SECRETS_FILE="$RUN/secrets.env"
export ROOT CACHE RUN LOGS PIDS SECRETS_FILE

log() { printf '[stack:%s] %s\n' "$RACHMISTRZ_INSTANCE" "$*" >&2; }

# One clear line, then exit. Callers put the cause and the next step in the message.
die() { printf '[stack:%s] ERROR: %s\n' "$RACHMISTRZ_INSTANCE" "$*" >&2; exit 1; }

have() { command -v "$1" >/dev/null 2>&1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

ensure_run_dirs() { mkdir -p "$RUN" "$LOGS" "$PIDS"; }

# stack_lock: one stack command at a time per instance (e.g. parallel test workers all running
# `up`); the others wait. The lock file sits beside .run/<instance>/ so reset can delete that.
stack_lock() {
  mkdir -p "$ROOT/.run"
  exec 9>"$ROOT/.run/.$RACHMISTRZ_INSTANCE.lock"
  if ! flock -n 9; then
    log "waiting for another stack.sh of instance $RACHMISTRZ_INSTANCE to finish"
    flock -w 900 9 || die "another stack.sh of instance $RACHMISTRZ_INSTANCE held the lock for 15 minutes"
  fi
}

# ---- processes --------------------------------------------------------------------------------

# pid_of NAME: the live pid recorded for NAME, or nothing. A pid file is trusted only while its
# process still runs and its command line names this instance's $RUN, so a stale file whose pid
# was reused by an unrelated process (or by the other instance) is never taken for ours.
pid_of() {
  local f="$PIDS/$1.pid" pid
  [ -s "$f" ] || return 1
  pid="$(cat "$f")"
  case "$pid" in '' | *[!0-9]*) return 1 ;; esac
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$RUN/" || return 1
  printf '%s\n' "$pid"
}

is_running() { pid_of "$1" >/dev/null; }

# start_bg NAME CMD...: run CMD detached in its own session, output appended to $LOGS/NAME.log.
# CMD must name $RUN somewhere in its arguments (see pid_of) and must not daemonize itself.
# Env vars meant only for the child can be given with `env VAR=... cmd`.
start_bg() {
  local name="$1"; shift
  ensure_run_dirs
  printf '\n===== %s starting %s =====\n' "$(date -Is)" "$name" >>"$LOGS/$name.log"
  # Not a process-group leader here (no job control in scripts), so setsid execs in place and
  # $! is the real process, which is also its own session and group leader.
  # fd 9 is the instance lock (stack_lock): the part must not inherit it and hold it forever
  nohup setsid "$@" >>"$LOGS/$name.log" 2>&1 </dev/null 9>&- &
  echo $! >"$PIDS/$name.pid"
}

# stop_pid NAME [SIGNAL] [TIMEOUT_S]: send SIGNAL (default TERM) to NAME's process, wait for it
# and its process group to end, then KILL the group if it outlives TIMEOUT_S (default 30).
# When the recorded process is already gone (killed -9, crashed) but members of its group live on
# (nginx workers, postgres backends), those are ended too. Linux does not hand out a pid again
# while a process group of that id exists, so such a group can only be ours.
stop_pid() {
  local name="$1" sig="${2:-TERM}" timeout="${3:-30}" f="$PIDS/$1.pid" pid i
  if pid="$(pid_of "$name")"; then
    log "stopping $name (pid $pid, SIG$sig)"
    kill -s "$sig" "$pid" 2>/dev/null || true
  elif [ -s "$f" ] && pid="$(cat "$f")" && [[ "$pid" =~ ^[0-9]+$ ]] && group_alive "$pid"; then
    log "stopping what is left of $name (process group $pid)"
    kill -s TERM -- "-$pid" 2>/dev/null || true
  else
    rm -f "$f"
    return 0
  fi
  for ((i = 0; i < timeout * 5; i++)); do
    group_alive "$pid" || break
    sleep 0.2
  done
  if group_alive "$pid"; then
    log "$name did not stop within ${timeout}s, sending KILL"
    kill -s KILL -- "-$pid" 2>/dev/null || kill -s KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 25; i++)); do group_alive "$pid" || break; sleep 0.2; done
  fi
  rm -f "$f"
}

# group_alive PGID: true while any process of that process group exists (e.g. nginx workers,
# postgres backends), not just the leader.
group_alive() {
  local p line state pgrp
  for p in /proc/[0-9]*; do
    read -r line 2>/dev/null <"$p/stat" || continue
    # /proc/PID/stat: "pid (comm) state ppid pgrp ..."; comm may contain spaces, so cut after ')'
    line="${line##*) }"
    read -r state _ pgrp _ <<<"$line"
    # a zombie waiting for its parent to reap it counts as gone
    if [ "$pgrp" = "$1" ] && [ "$state" != "Z" ]; then return 0; fi
  done
  return 1
}

# wait_for LABEL TIMEOUT_S NAME CHECK...: poll CHECK (a command) every 0.5 s until it succeeds.
# Fails fast if NAME's process died, and on failure prints one clear line plus the tail of
# $LOGS/NAME.log, so the reason is on screen without hunting for the log.
wait_for() {
  local label="$1" timeout="$2" name="$3"; shift 3
  local deadline=$((SECONDS + timeout))
  while :; do
    if "$@" >/dev/null 2>&1; then return 0; fi
    if ! is_running "$name"; then
      _wait_failed "$label" "$name" "its process exited during start-up"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      _wait_failed "$label" "$name" "not healthy after ${timeout}s"
    fi
    sleep 0.5
  done
}

_wait_failed() {
  local label="$1" name="$2" why="$3" logf="$LOGS/$2.log"
  if [ -f "$logf" ]; then
    printf -- '----- last lines of %s -----\n' "$logf" >&2
    tail -n 25 "$logf" >&2
    printf -- '-----\n' >&2
  fi
  die "$label: $why (log: $logf)"
}

# port_busy PORT: something listens on 127.0.0.1:PORT (pure bash, no ss/netstat needed).
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# require_free_port LABEL PORT: refuse to start a part over a port held by someone else, with a
# message that says so, instead of a confusing bind error deep inside the part's log.
require_free_port() {
  if port_busy "$2"; then
    die "$1: port 127.0.0.1:$2 is already in use by another process (another stack instance or program?); free it or run 'scripts/stack.sh down'"
  fi
}

http_ok() { curl -fs -o /dev/null --max-time 2 "$1"; }

# ---- secrets ----------------------------------------------------------------------------------

# random_secret [BYTES]: 2*BYTES hex chars (default 40); hex needs no escaping in URLs, shells
# or SQL.
random_secret() { od -An -tx1 -N"${1:-20}" /dev/urandom | tr -d ' \n'; }

# secret NAME [BYTES] [PREFIX]: value of NAME from $SECRETS_FILE, generated (PREFIX + 2*BYTES hex
# chars) and appended on first use, so every run of an instance reuses the same credentials
# (stable across up/down; gone with reset).
secret() {
  local name="$1" bytes="${2:-20}" prefix="${3:-}" value
  ensure_run_dirs
  if [ ! -f "$SECRETS_FILE" ]; then
    (umask 077 && printf '# generated by scripts/stack.sh; removed by "stack.sh reset"\n' >"$SECRETS_FILE")
  fi
  value="$(sed -n "s/^export $name=//p" "$SECRETS_FILE" | tail -n 1)"
  if [ -z "$value" ]; then
    value="$prefix$(random_secret "$bytes")"
    printf 'export %s=%s\n' "$name" "$value" >>"$SECRETS_FILE"
  fi
  printf '%s\n' "$value"
}
