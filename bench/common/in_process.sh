# What the in-process benches' run.sh share (bench/chat-store, files-store,
# files-search, armoured-import): sourced from the repository's root.
#
#   in_process_bench TARGET    builds TARGET (bench/<this folder>/) in $BUILD
#                              (default build/, the release preset), its
#                              dependencies installed first; sets BENCH_BIN
#                              to the program
in_process_bench() {
  scripts/deps.sh build
  BUILD=${BUILD:-build}
  cmake --preset release >/dev/null
  cmake --build "$BUILD" --target "$1" >/dev/null
  BENCH_BIN="$BUILD/bench/$(basename "$(dirname "$0")")/$1"  # beside its run.sh's folder name
}
