#!/usr/bin/env bash
# Wall time of a full build of the example handbook (release binary), with hyperfine.
# Usage: bench/example.sh   (installs hyperfine from Debian if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine >/dev/null
cargo build --release --locked -q
# Let the compiler's writes reach the disk first: pending write-back triples the system time.
sync; sleep 5
out=$(mktemp -d)
hyperfine -N --warmup 5 --runs 30 \
  "./target/release/ismsbook build --today 2026-11-24 -d $out/book"
rm -rf "$out"
