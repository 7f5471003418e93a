#!/usr/bin/env bash
# bench/chunking: one core's throughput of the blob write path (core/blob),
# step by step, beside b3sum (BLAKE3) as the reference.
#
#   bench/chunking/run.sh [SIZE_MIB]     (default 1024: a 1 GiB buffer)
#
# Builds chunking_bench (in $BUILD_DIR, default build/), installs Debian's
# b3sum if missing, then on core 0 (taskset -c 0): b3sum --num-threads 1 on a
# SIZE_MIB file in /dev/shm (best of 3), and chunking_bench on a buffer of the
# same size generated in memory. Prints a Markdown table; nothing is asserted.
# The issue's target: chunking + hashing >= 1 GB/s on one core.
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZE_MIB=${1:-1024}
BUILD=${BUILD_DIR:-build}
REPS=${REPS:-3}

if ! command -v b3sum >/dev/null; then
  apt-get install -y --no-install-recommends b3sum >/dev/null 2>&1 ||
    { apt-get update >/dev/null && apt-get install -y --no-install-recommends b3sum >/dev/null; }
fi
if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$BUILD" --target chunking_bench >/dev/null

INPUT=$(mktemp /dev/shm/ruche-chunking-XXXXXX)
trap 'rm -f "$INPUT"' EXIT
head -c "$((SIZE_MIB << 20))" /dev/urandom >"$INPUT"

best=""
for _ in $(seq 1 "$REPS"); do
  t0=$EPOCHREALTIME
  taskset -c 0 b3sum --num-threads 1 "$INPUT" >/dev/null
  t1=$EPOCHREALTIME
  best=$(awk -v a="$t0" -v b="$t1" -v best="$best" 'BEGIN {
    d = b - a; if (best == "" || d < best) print d; else print best }')
done
B3_GBPS=$(awk -v s="$best" -v n="$((SIZE_MIB << 20))" 'BEGIN { printf "%.3f", n / s / 1e9 }')

echo "## bench/chunking ($(date -u +%Y-%m-%d), $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs))"
echo
taskset -c 0 "$BUILD/bench/chunking/chunking_bench" --size-mib "$SIZE_MIB" --reps "$REPS" \
  --reference-gbps "$B3_GBPS" 2>/dev/null
