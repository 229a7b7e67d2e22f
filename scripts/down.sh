#!/usr/bin/env bash
# Stop the local system: services first, then the stack. --reset also deletes its data.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "$0")/lib/common.sh"

"$ROOT/scripts/services.sh" down
if [ "${1:-}" = "--reset" ]; then
  "$ROOT/scripts/stack.sh" reset
else
  "$ROOT/scripts/stack.sh" down
fi
