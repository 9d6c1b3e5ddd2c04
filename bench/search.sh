#!/usr/bin/env bash
# Search at 10,000 documents: index cost in the build, bytes and time to
# first results in headless Chromium (file:// and HTTP).
# Usage: bench/search.sh [N]   (default 10000; needs hyperfine and chromium)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000}"
for tool in hyperfine chromium; do
  command -v "$tool" >/dev/null || apt-get install -y -qq "$tool" >/dev/null
done
cargo build --release --locked -q
cargo build --release --locked -q --example gen-handbook --example search-bench
work=$(mktemp -d /tmp/ismsbook-search-bench.XXXX)
./target/release/examples/gen-handbook "$work/on" "$n"
cp -r "$work/on" "$work/off"
printf '\n[output.html]\nsearch = false\n' >> "$work/off/book.toml"
sync; sleep 5
echo "== build time, search index on vs off (output on disk)"
hyperfine -N --warmup 1 --runs 7 \
  -n "search on" "./target/release/ismsbook build $work/on -d $work/site-on --today 2026-11-24" \
  -n "search off" "./target/release/ismsbook build $work/off -d $work/site-off --today 2026-11-24"
echo "== the same, output in memory (/dev/shm)"
hyperfine -N --warmup 1 --runs 7 \
  -n "search on" "./target/release/ismsbook build $work/on -d /dev/shm/ismsbook-on --today 2026-11-24" \
  -n "search off" "./target/release/ismsbook build $work/off -d /dev/shm/ismsbook-off --today 2026-11-24"
rm -rf /dev/shm/ismsbook-on /dev/shm/ismsbook-off
echo "== index size"
du -sh "$work/site-on/search" "$work/site-on/search/t" "$work/site-on/search/d" "$work/site-on/search/x"
echo "== search in headless Chromium, over HTTP"
./target/release/examples/search-bench "$work/site-on" http
echo "== search in headless Chromium, from file://"
./target/release/examples/search-bench "$work/site-on" file
rm -rf "$work"
