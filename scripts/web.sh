#!/usr/bin/env bash
# Builds (and with `test`, lints and unit-tests) the web client in web/.
# npm ci installs exactly what package-lock.json records.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f web/package.json ] || exit 0
scripts/npm-ci.sh web
cd web
case "${1:-build}" in
  build) npm run --silent build ;;
  test) npm run --silent lint && npm run --silent test ;;
  *) echo "usage: $0 [build|test]" >&2; exit 2 ;;
esac
