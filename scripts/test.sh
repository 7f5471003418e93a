#!/usr/bin/env bash
# Runs every test: unit and store tests on SQLite, the same store and
# whole-server tests on a private PostgreSQL, integration tests against real
# peers, the web client's unit tests and its end-to-end tests in Chromium.
# Every service is started here, on loopback, and stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
JOBS=${JOBS:-2}

started=$(date +%s)
scripts/npm-ci.sh tests/s3   # s3rver, the S3 service of the blob store's tests
eval "$(scripts/pg-test.sh start)"
cleanup() { scripts/pg-test.sh stop "$RUCHE_PG_DIR" >/dev/null 2>&1 || true; }
trap cleanup EXIT

status=0
# The benches are outside the default build (EXCLUDE_FROM_ALL): they are
# compiled here, so that a change that breaks one fails now, not on the day
# someone measures.
cmake --build "$BUILD" -j "$JOBS" --target chat_store_bench files_store_bench chunking_bench chat_loadgen \
  chat_blaster chat_seed chat_history_seed || status=1
ctest --test-dir "$BUILD" -j "$JOBS" --output-on-failure --timeout 300 || status=1

if [ -f web/package.json ]; then
  scripts/web.sh test || status=1
  if [ -x tests/e2e/run.sh ]; then
    tests/e2e/run.sh "$BUILD/ruche" || status=1
    # Calls through Janus: three Chromium, in a network namespace of their own.
    tests/e2e/calls_sfu.sh "$BUILD/ruche" || status=1
  fi
fi

echo "tests: $([ $status -eq 0 ] && echo passed || echo FAILED) in $(( $(date +%s) - started )) s"
exit $status
