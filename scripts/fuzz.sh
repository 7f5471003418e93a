#!/usr/bin/env bash
# Fuzzing sessions with libFuzzer (clang, ASan, UBSan) over fuzz/*.cpp.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]    (default 60 s, all targets)
#
# New interesting inputs are merged into fuzz/corpus/<target>/ (commit them:
# `make test` replays every corpus as regression tests). A crash leaves its
# input in build-fuzz/crashes/ and stops with a non-zero status.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER=${1:-60}
shift || true
CXX=${FUZZ_CXX:-clang++-14}
command -v "$CXX" >/dev/null || { echo "fuzz: $CXX not found (apt-get install clang-14 libclang-rt-14-dev)" >&2; exit 2; }
cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS="-O1 -g" -DRUCHE_FUZZ=ON -DRUCHE_BUILD_TESTS=OFF >/dev/null
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_json fuzz_router fuzz_ws_frame fuzz_text fuzz_image fuzz_dav fuzz_tar fuzz_http fuzz_ical
  fuzz_caldav)
mkdir -p build-fuzz/crashes
for t in "${targets[@]}"; do
  cmake --build build-fuzz --target "${t}_fuzz" >/dev/null
  mkdir -p "build-fuzz/work/$t"
  echo "fuzz: $t for ${SECONDS_PER}s"
  build-fuzz/fuzz/"${t}_fuzz" -max_total_time="$SECONDS_PER" -max_len=4096 -print_final_stats=1 \
    -artifact_prefix="build-fuzz/crashes/${t}-" "build-fuzz/work/$t" "fuzz/corpus/$t" 2>&1 \
    | grep -E '^(stat::number_of_executed_units|stat::new_units_added|==.*ERROR|SUMMARY)' || true
  # Keep the corpus small: only inputs that add coverage.
  mkdir -p "build-fuzz/merged/$t"
  build-fuzz/fuzz/"${t}_fuzz" -merge=1 "build-fuzz/merged/$t" "fuzz/corpus/$t" "build-fuzz/work/$t" >/dev/null 2>&1
  rm -rf "fuzz/corpus/$t" && mv "build-fuzz/merged/$t" "fuzz/corpus/$t"
  echo "fuzz: $t corpus now $(ls "fuzz/corpus/$t" | wc -l) inputs"
done
if ls build-fuzz/crashes/* >/dev/null 2>&1; then
  echo "fuzz: crashes found in build-fuzz/crashes/" >&2
  exit 1
fi
