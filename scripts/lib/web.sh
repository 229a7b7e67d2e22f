# shellcheck shell=bash
# The web portal (web/): dependencies exactly as web/package-lock.json pins them, and the
# production build in web/dist that nginx serves at /. Source after common.sh.
#
#   ensure_web_deps    npm ci, only when package.json or the lock changed (npm's cache in .cache/)
#   ensure_web_build   type-check and vite build, only when a source file changed
#
# Stamps (content hashes) live in .cache/web/. Playwright never downloads a browser: the tests
# drive the system Chromium (scripts/lib/install.sh installs the Debian package).

# shellcheck source=scripts/lib/install.sh
. "$ROOT/scripts/lib/install.sh"

WEB_DIR="$ROOT/web"
WEB_STAMPS="$CACHE/web"

_web_deps_hash() { cat "$WEB_DIR/package.json" "$WEB_DIR/package-lock.json" | sha256sum | cut -d' ' -f1; }

# every file that goes into the build, by content
_web_sources_hash() {
  # (public/ may not exist: find's complaint about it must not fail the pipeline)
  (cd "$WEB_DIR" && { find index.html vite.config.ts tsconfig.json package-lock.json src public \
    -type f -print0 2>/dev/null || true; } | sort -z | xargs -0 sha256sum) | sha256sum | cut -d' ' -f1
}

ensure_web_deps() {
  local want stamp="$WEB_STAMPS/deps"
  want="$(_web_deps_hash)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -d "$WEB_DIR/node_modules" ]; then return 0; fi
  have node || die "Node.js 18+ is required for the web portal and 'node' is not on PATH"
  have npm || die "npm is required to install the web portal's dependencies"
  log "web: installing the portal's npm dependencies (npm ci)"
  mkdir -p "$WEB_STAMPS" "$BUILD_LOGS"
  run_logged "$BUILD_LOGS/web-npm-ci.log" env PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
    npm ci --prefix "$WEB_DIR" --cache "$CACHE/npm" --no-audit --no-fund --loglevel=error
  echo "$want" >"$stamp"
}

ensure_web_build() {
  ensure_web_deps
  local want stamp="$WEB_STAMPS/build"
  want="$(_web_sources_hash)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f "$WEB_DIR/dist/index.html" ]; then return 0; fi
  log "web: building the portal (tsc + vite) into web/dist"
  run_logged "$BUILD_LOGS/web-build.log" npm --prefix "$WEB_DIR" run build
  echo "$want" >"$stamp"
}
