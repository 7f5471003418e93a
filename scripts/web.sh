#!/usr/bin/env bash
# Builds (and with `test`, lints and unit-tests) the web client in web/.
# npm ci installs exactly what package-lock.json records.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f web/package.json ] || exit 0
cd web
stamp=node_modules/.ruche-lock
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  npm ci --no-audit --no-fund --prefer-offline >/dev/null
  cp package-lock.json "$stamp"
fi
case "${1:-build}" in
  build) npm run --silent build ;;
  test) npm run --silent lint && npm run --silent test ;;
  *) echo "usage: $0 [build|test]" >&2; exit 2 ;;
esac
