#!/usr/bin/env bash
# Installs the npm packages of DIR (web/, tests/s3/) exactly as its
# package-lock.json records them, unless that lock file is already installed.
#   scripts/npm-ci.sh DIR
set -euo pipefail
cd "$1"
stamp=node_modules/.ruche-lock
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  npm ci --no-audit --no-fund --prefer-offline >/dev/null
  cp package-lock.json "$stamp"
fi
