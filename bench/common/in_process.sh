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

#   bench_workdir NAME         a temporary folder in $T, removed at exit, with
#                              the PostgreSQL server bench_postgres started
bench_workdir() {
  T=$(mktemp -d "/tmp/ruche-$1-XXXXXX")
  BENCH_PG_DIR=""
  BENCH_HUGE_PAGES_WERE=""
  trap 'if [ -n "$BENCH_PG_DIR" ]; then scripts/pg-test.sh stop "$BENCH_PG_DIR" >/dev/null 2>&1; fi
        if [ -n "$BENCH_HUGE_PAGES_WERE" ]; then echo "$BENCH_HUGE_PAGES_WERE" >/proc/sys/vm/nr_hugepages; fi
        rm -rf "$T"' EXIT
}

#   bench_postgres             a private PostgreSQL on loopback (scripts/pg-test.sh),
#                              stopped at exit; sets RUCHE_TEST_PG_DSN
bench_postgres() {
  eval "$(scripts/pg-test.sh start)"
  BENCH_PG_DIR=$RUCHE_PG_DIR
}

#   bench_huge_pages           reserves the 2 MiB pages the running PostgreSQL
#                              server's shared memory needs (the kernel lets
#                              root only), given back at exit; fails, with a
#                              message, when it cannot. The server uses them
#                              once restarted with huge_pages=on.
bench_huge_pages() {
  local need had
  if [ ! -w /proc/sys/vm/nr_hugepages ]; then
    echo "(huge pages: this user cannot reserve them)"
    return 1
  fi
  need=$(psql "$RUCHE_TEST_PG_DSN" -Atc 'SHOW shared_memory_size_in_huge_pages')
  had=$(cat /proc/sys/vm/nr_hugepages)
  BENCH_HUGE_PAGES_WERE=$had
  echo $((had + need)) >/proc/sys/vm/nr_hugepages
  if [ "$(awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo)" -lt "$need" ]; then
    echo "(huge pages: the kernel could not reserve $need of them)"
    return 1
  fi
}
