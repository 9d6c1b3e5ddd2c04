#!/usr/bin/env bash
# ismsbook against mdBook and Hugo on the same generated Markdown, with the
# floor (pulldown-cmark alone) for reference: wall time and peak RSS,
# several runs each, interleaved, and the ratios ismsbook/peer.
#
# Usage: bench/compare.sh [N ...]     (default: 1000 10000)
# Env:   RUNS (default 3), MDBOOK_RUNS_10K (default 1: mdBook takes minutes there),
#        TMPDIR (where sources and output go; /dev/shm keeps disk write-back out)
# Needs: mdbook (cargo install mdbook), hugo (apt-get install hugo); installed if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-1000 10000}")
[ $# -eq 0 ] && sizes=(1000 10000)
runs="${RUNS:-3}"
command -v hugo >/dev/null || apt-get install -y -qq hugo >/dev/null
command -v mdbook >/dev/null || cargo install mdbook --locked
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
cargo build --release --locked -q
cargo build --release --locked -q --example gen-handbook --example floor
work=$(mktemp -d "${TMPDIR:-/tmp}/ismsbook-compare.XXXX")
results="$work/results.tsv"
: > "$results"

# measure NAME N COMMAND...: one run, appends "name n seconds kB"
measure() {
  local name=$1 n=$2; shift 2
  sync
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null 2>"$work/err.txt" || {
    echo "$name failed:"; cat "$work/err.txt"; exit 1; }
  read -r secs kb < "$work/time.txt"
  printf '%s\t%s\t%s\t%s\n' "$name" "$n" "$secs" "$kb" >> "$results"
}

for n in "${sizes[@]}"; do
  hb="$work/hb-$n"
  ./target/release/examples/gen-handbook "$hb" "$n" 2>/dev/null
  # mdBook: the same Markdown, every file a chapter of SUMMARY.md.
  mkdir -p "$work/md-$n"
  cp -r "$hb/content" "$work/md-$n/src"
  printf '[book]\ntitle = "Synthetic Handbook"\n' > "$work/md-$n/book.toml"
  ( cd "$work/md-$n/src" && { echo "# Summary"; echo; find . -name '*.md' ! -name SUMMARY.md | sort |
      sed 's|^\./||' | awk '{ printf "- [%s](%s)\n", $0, $0 }'; } > SUMMARY.md )
  # Hugo: the same Markdown, minimal templates, no taxonomies.
  mkdir -p "$work/hugo-$n/layouts/_default"
  cp -r "$hb/content" "$work/hugo-$n/content"
  # Hugo reads content/index.md as a leaf bundle: every other file would be
  # one of its resources, and only the home page would be rendered.
  mv "$work/hugo-$n/content/index.md" "$work/hugo-$n/content/_index.md"
  printf 'baseURL = "http://example.invalid/"\ntitle = "Synthetic Handbook"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n[markup.goldmark.renderer]\nunsafe = true\n' > "$work/hugo-$n/hugo.toml"
  printf '<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><main>{{ .Content }}</main></body></html>\n' > "$work/hugo-$n/layouts/_default/single.html"
  printf '<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></body></html>\n' > "$work/hugo-$n/layouts/_default/list.html"

  md_runs=$runs
  [ "$n" -ge 10000 ] && md_runs="${MDBOOK_RUNS_10K:-1}"
  for run in $(seq 1 "$runs"); do
    measure ismsbook "$n" ./target/release/ismsbook build "$hb" -d "$work/out-ismsbook-$n" --today 2026-11-24
    measure hugo "$n" hugo --quiet --source "$work/hugo-$n" --destination "$work/out-hugo-$n"
    measure floor "$n" ./target/release/examples/floor "$hb/content" "$work/out-floor-$n"
    files=$(find "$work/out-hugo-$n" -name '*.html' | wc -l)
    [ "$files" -gt "$n" ] || { echo "hugo wrote only $files HTML files for $n documents"; exit 1; }
    if [ "$run" -le "$md_runs" ]; then
      measure mdbook "$n" mdbook build "$work/md-$n" -d "$work/out-mdbook-$n"
    fi
  done
done

echo
echo "| N | tool | runs | wall (s), best–worst | peak RSS (MB), max | ismsbook/tool, best wall | ismsbook/tool, RSS |"
echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: |"
awk -F'\t' '
  { key = $2 SUBSEP $1; n[key]++; if (!(key in best) || $3 < best[key]) best[key] = $3;
    if ($3 > worst[key]) worst[key] = $3; if ($4 > rss[key]) rss[key] = $4; sizes[$2] = 1 }
  END {
    split("ismsbook floor hugo mdbook", tools, " ");
    for (s in sizes) for (i = 1; i <= 4; i++) {
      t = tools[i]; key = s SUBSEP t; if (!(key in best)) continue;
      me = s SUBSEP "ismsbook";
      printf "| %s | %s | %d | %.2f–%.2f | %.0f | %.3f | %.3f |\n", s, t, n[key], best[key], worst[key], rss[key] / 1024,
        best[me] / best[key], rss[me] / rss[key];
    }
  }' "$results" | sort -t'|' -k2,2n
echo
echo "Raw runs: $results"
