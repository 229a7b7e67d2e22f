# shellcheck shell=bash
# Idempotent installers of the local-stack parts. Source after common.sh.
#
# Everything downloaded or built lands under $CACHE (git-ignored, kept by `stack.sh reset`), in a
# folder named after the version, and is marked complete only at the very end, so an interrupted
# install is redone instead of half-used. A second run finds the marks and returns at once.
#
#   PostgreSQL, nginx      Debian packages (apt only when the binaries are missing)
#   Kafka                  official jars from Maven Central, resolved by scripts/kafka/pom.xml
#   MinIO                  go install from the Go module proxy
#   mail catcher           MailDev from npm (Mailpit's Go module is refused by the module proxy
#                          reachable here), locked by scripts/maildev/package-lock.json

# Pinned versions; override from the environment to try another one.
# Kafka: newest 4.x whose artifacts are all on Maven Central (4.4.0's kafka-tools and
# kafka-tools-api, which kafka_2.13 4.4.0 depends on, are missing there).
KAFKA_VERSION="${KAFKA_VERSION:-4.3.1}"
# MinIO tags releases as RELEASE.<date> (not semver), so the Go proxy's @latest is the pseudo-version
# of the newest master commit; pinned to what @latest resolved to, for the same build everywhere.
MINIO_VERSION="${MINIO_VERSION:-v0.0.0-20260212201848-7aac2a2c5b7c}"
MAILDEV_VERSION=2.2.1 # must match scripts/maildev/package.json

KAFKA_HOME="$CACHE/kafka/$KAFKA_VERSION"
MINIO_BIN="$CACHE/go/bin/minio-$MINIO_VERSION/minio"
MAILDEV_HOME="$CACHE/maildev/$MAILDEV_VERSION"
MAILDEV_BIN="$MAILDEV_HOME/node_modules/maildev/bin/maildev"
BUILD_LOGS="$CACHE/logs"

# pg_bin_dir: directory of the newest installed PostgreSQL server binaries, e.g.
# /usr/lib/postgresql/15/bin (Debian keeps them off PATH).
pg_bin_dir() {
  local d
  d="$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/initdb' 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$d" ] || return 1
  dirname "$d"
}

nginx_bin() {
  if have nginx; then command -v nginx; elif [ -x /usr/sbin/nginx ]; then echo /usr/sbin/nginx; else return 1; fi
}

# run_logged LOGFILE CMD...: run an install step quietly; on failure show its tail and stop.
run_logged() {
  local logf="$1"; shift
  mkdir -p "$(dirname "$logf")"
  if ! "$@" >"$logf" 2>&1; then
    printf -- '----- last lines of %s -----\n' "$logf" >&2
    tail -n 30 "$logf" >&2
    die "install step failed: $* (full log: $logf)"
  fi
}

# ---- Debian packages --------------------------------------------------------------------------

# ensure_apt_packages: PostgreSQL server, nginx, and the few tools the scripts call, each only if
# its binary is missing. Nothing runs apt when all are present. Java, Maven, Go and Node are the
# machine's (checked, with a clear message, by the installers that need them).
ensure_apt_packages() {
  local -a need=()
  pg_bin_dir >/dev/null || need+=(postgresql)
  nginx_bin >/dev/null || need+=(nginx-light)
  have curl || need+=(curl)
  have setpriv || need+=(util-linux)
  # invoices renders PDFs with a TTF font that has Polish glyphs
  [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
  # the web portal's browser tests drive the system Chromium (Playwright never downloads one)
  [ -x /usr/bin/chromium ] || need+=(chromium)
  [ "${#need[@]}" -eq 0 ] && return 0

  is_root || die "missing Debian packages: ${need[*]}; install them as root: apt-get install -y ${need[*]}"
  log "installing Debian packages: ${need[*]}"
  # update the package lists only when apt has none yet, or when an install from stale ones fails
  if ! compgen -G '/var/lib/apt/lists/*_Packages' >/dev/null; then
    run_logged "$BUILD_LOGS/apt.log" apt-get update
  fi
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}" \
    >"$BUILD_LOGS/apt.log" 2>&1; then
    run_logged "$BUILD_LOGS/apt-update.log" apt-get update
    run_logged "$BUILD_LOGS/apt.log" env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y --no-install-recommends "${need[@]}"
  fi
  pg_bin_dir >/dev/null || die "PostgreSQL was installed but no /usr/lib/postgresql/*/bin/initdb exists"
  nginx_bin >/dev/null || die "nginx was installed but no nginx binary was found"
}

# ---- Kafka ------------------------------------------------------------------------------------

java_major() { java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1; }

ensure_java() {
  have java || die "Java 17+ is required for Kafka and 'java' is not on PATH"
  local v
  v="$(java_major)"
  [ "${v:-0}" -ge 17 ] || die "Kafka $KAFKA_VERSION needs Java 17 or newer, found Java ${v:-unknown}"
}

# ensure_kafka: the broker's class path in $KAFKA_HOME/libs. The stamp records the pom's hash, so
# editing scripts/kafka/pom.xml re-resolves.
ensure_kafka() {
  local pom="$ROOT/scripts/kafka/pom.xml" stamp="$KAFKA_HOME/.complete" want
  want="$(sha256sum "$pom" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  ensure_java
  have mvn || die "Maven ('mvn') is required to fetch Kafka from Maven Central; install it: apt-get install -y maven"
  log "installing Kafka $KAFKA_VERSION from Maven Central into ${KAFKA_HOME#"$ROOT"/}"
  local tmp="$KAFKA_HOME.tmp"
  rm -rf "$tmp"
  run_logged "$BUILD_LOGS/kafka-$KAFKA_VERSION.log" \
    mvn -q -B -f "$pom" -Dmaven.repo.local="$CACHE/m2" -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp/libs"
  [ -f "$tmp/libs/kafka_2.13-$KAFKA_VERSION.jar" ] || die "Kafka jars missing after Maven ran (see $BUILD_LOGS/kafka-$KAFKA_VERSION.log)"
  rm -rf "$KAFKA_HOME"
  mv "$tmp" "$KAFKA_HOME"
  echo "$want" >"$stamp"
}

# ---- Go tools ---------------------------------------------------------------------------------

# go_env: Go's caches inside the project, and never a toolchain download (GOTOOLCHAIN=local) or
# read-only module files (-modcacherw, so `rm -rf .cache` works).
go_env() {
  export GOPATH="$CACHE/go" GOCACHE="$CACHE/go/build" GOMODCACHE="$CACHE/go/mod"
  export GOFLAGS=-modcacherw GOTOOLCHAIN=local
}

# ensure_go_tool NAME MODULE VERSION BIN: `go install MODULE@VERSION` into BIN's folder.
ensure_go_tool() {
  local name="$1" module="$2" version="$3" bin="$4"
  [ -x "$bin" ] && return 0
  # the official Go tarball's place, for shells whose PATH lacks it
  if ! have go && [ -x /usr/local/go/bin/go ]; then PATH="/usr/local/go/bin:$PATH"; fi
  have go || die "Go is required to build $name and 'go' is not on PATH"
  log "building $name $version with go install (takes minutes on 2 cores; log: ${BUILD_LOGS#"$ROOT"/}/$name-build.log)"
  (
    go_env
    export GOBIN
    GOBIN="$(dirname "$bin")"
    run_logged "$BUILD_LOGS/$name-build.log" go install "$module@$version"
  )
  [ -x "$bin" ] || die "go install $module@$version finished but $bin is missing"
}

ensure_minio() { ensure_go_tool minio github.com/minio/minio "$MINIO_VERSION" "$MINIO_BIN"; }

# ---- mail catcher -----------------------------------------------------------------------------

# ensure_mail_catcher: MailDev, exactly as locked in scripts/maildev/package-lock.json.
ensure_mail_catcher() {
  local src="$ROOT/scripts/maildev" stamp="$MAILDEV_HOME/.complete" want
  want="$(cat "$src/package.json" "$src/package-lock.json" | sha256sum | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f "$MAILDEV_BIN" ]; then return 0; fi
  have node || die "Node.js 18+ is required for the mail catcher (MailDev) and 'node' is not on PATH"
  have npm || die "npm is required to install the mail catcher (MailDev)"
  log "installing MailDev $MAILDEV_VERSION from npm into ${MAILDEV_HOME#"$ROOT"/}"
  local tmp="$MAILDEV_HOME.tmp"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  cp "$src/package.json" "$src/package-lock.json" "$tmp/"
  run_logged "$BUILD_LOGS/maildev-install.log" \
    npm ci --prefix "$tmp" --cache "$CACHE/npm" --omit=dev --no-audit --no-fund --loglevel=error
  rm -rf "$MAILDEV_HOME"
  mv "$tmp" "$MAILDEV_HOME"
  [ -f "$MAILDEV_BIN" ] || die "MailDev installed but $MAILDEV_BIN is missing"
  echo "$want" >"$stamp"
}

# ensure_all: everything `stack.sh up` needs, cheapest first so quick failures come early.
ensure_all() {
  mkdir -p "$CACHE" "$BUILD_LOGS"
  ensure_apt_packages
  ensure_kafka
  ensure_mail_catcher
  ensure_minio
}
