#!/usr/bin/env bash
# Installs what Buildhub needs to build, run and test on Debian 12, from
# Debian's packages only. Safe to run again: already-installed packages are
# left alone. Needs root or sudo.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake pkg-config git clang libclang-rt-14-dev sqlite3 util-linux curl
  # libraries
  libsqlite3-dev libpq-dev libssl-dev libyaml-cpp-dev libcli11-dev libfmt-dev
  libboost-dev libre2-dev libroaring-dev libcurl4-openssl-dev libicu-dev
  # tests and benchmarks
  googletest libgtest-dev libgmock-dev libbenchmark-dev postgresql wrk
  # the web page and test peers (S3/SQS servers, browser tests)
  nodejs npm chromium
)

missing=()
for p in "${packages[@]}"; do
  # nodejs may come from elsewhere (a newer build); any working node is fine.
  if [[ $p == nodejs || $p == npm ]] && command -v "${p/js/}" >/dev/null 2>&1; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: everything is already installed"
  exit 0
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root or install sudo" >&2; exit 1; }
  sudo=(sudo)
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
