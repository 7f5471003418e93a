#!/usr/bin/env bash
# Installs what Ruche needs to build, test and run, from Debian's archive only.
# Idempotent and non-interactive: packages already present are not reinstalled,
# and nothing is fetched when everything is there.
set -euo pipefail

BUILD_PKGS=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libexpected-dev libtomlplusplus-dev libfmt-dev
  libsqlite3-dev libpq-dev libsodium-dev libargon2-dev libssl-dev
  libcurl4-openssl-dev libexpat1-dev libpugixml-dev libical-dev libstemmer-dev zlib1g-dev
  libnats-dev
  libgtest-dev libgmock-dev
)
TEST_PKGS=(
  postgresql-15 nats-server python3-aiosmtpd curl openssl chromium
  litmus rclone valgrind nginx-light systemd python3-caldav vdirsyncer
  janus iproute2 procps util-linux strace
)
BENCH_PKGS=(
  wrk util-linux procps
  apache2 libnginx-mod-http-dav-ext
  ejabberd rsync radicale bc
)

want=("${BUILD_PKGS[@]}")
case "${1:-build}" in
  build) ;;
  test) want+=("${TEST_PKGS[@]}") ;;
  bench) want+=("${TEST_PKGS[@]}" "${BENCH_PKGS[@]}") ;;
  *) echo "usage: $0 [build|test|bench]" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
