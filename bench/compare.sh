#!/usr/bin/env bash
# ismsbook against mdBook and Hugo on the same generated Markdown, with the
# floor (pulldown-cmark alone) for reference: wall time and peak RSS,
# several runs each, interleaved, and the ratios ismsbook/peer.
#
# Usage: bench/compare.sh [LAYOUT:N ...]
#        (default: mix:1000 mix:10000 flat:10000 mix:100000; a bare N is mix:N)
#        LAYOUT is `mix` (bench/gen_handbook.rs's mix of policies, statements,
#        roles, guidance, risks and procedures) or `flat` (N policies in one
#        folder, `gen-handbook --flat`).
# Env:   RUNS (default 3) runs per tool, RUNS_100K (default 2: the first builds into an empty folder, the second over it, as the smaller handbooks' later runs do) from 100,000 documents;
#        MDBOOK_RUNS_10K (default 0: mdBook takes minutes at 10,000; never run
#        from 100,000); HUGO_MEM_MB (default: available memory less 2 GB), the
#        address space Hugo may take, so a run that would exhaust the machine's
#        memory fails alone and is reported as such;
#        TMPDIR (where sources and output go; /dev/shm keeps disk write-back out).
# Needs: hugo (apt-get install hugo), and mdbook (cargo install mdbook) where it runs;
#        installed if missing.
# Sources and outputs are removed after each handbook; the raw runs stay.
set -euo pipefail
cd "$(dirname "$0")/.."
handbooks=("$@")
[ $# -eq 0 ] && handbooks=(mix:1000 mix:10000 flat:10000 mix:100000)
runs="${RUNS:-3}"
command -v hugo >/dev/null || apt-get install -y -qq hugo >/dev/null
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
cargo build --release --locked -q
cargo build --release --locked -q --example gen-handbook --example floor
work=$(mktemp -d "${TMPDIR:-/tmp}/ismsbook-compare.XXXX")
results="$work/results.tsv"
: > "$results"
: > "$work/sizes.tsv"
available_mb=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)
hugo_mb="${HUGO_MEM_MB:-$((available_mb - 2048))}"

# measure NAME HANDBOOK N COMMAND...: one run, appends "name handbook n seconds kB".
# A run that fails is recorded as failed (seconds "-") with the last line of its
# errors, for tools that may not finish (Hugo at 100,000); ismsbook must finish.
measure() {
  local name=$1 hb=$2 n=$3; shift 3
  sync
  if /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null 2>"$work/err.txt"; then
    read -r secs kb < "$work/time.txt"
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$hb" "$n" "$secs" "$kb" >> "$results"
  else
    [ "$name" = ismsbook ] && { echo "ismsbook failed on $hb:"; cat "$work/err.txt"; exit 1; }
    echo "$name did not finish on $hb: $(grep -v '^\s*$' "$work/err.txt" | head -1)" >&2
    printf '%s\t%s\t%s\t-\t-\n' "$name" "$hb" "$n" >> "$results"
  fi
}

for spec in "${handbooks[@]}"; do
  case "$spec" in
    *:*) layout=${spec%%:*}; n=${spec#*:} ;;
    *) layout=mix; n=$spec ;;
  esac
  case "$layout" in
    mix) flag=() ;;
    flat) flag=(--flat) ;;
    *) echo "unknown layout $layout (mix or flat)"; exit 2 ;;
  esac
  name="$layout-$n"
  hb="$work/hb-$name"
  ./target/release/examples/gen-handbook "$hb" "$n" "${flag[@]}" 2>/dev/null
  md_runs=$runs
  [ "$n" -ge 10000 ] && md_runs="${MDBOOK_RUNS_10K:-0}"
  [ "$n" -ge 100000 ] && md_runs=0
  tool_runs=$runs
  [ "$n" -ge 100000 ] && tool_runs="${RUNS_100K:-2}"
  if [ "$md_runs" -gt 0 ]; then
    command -v mdbook >/dev/null || cargo install mdbook --locked
    # mdBook: the same Markdown, every file a chapter of SUMMARY.md.
    mkdir -p "$work/md-$name"
    cp -r "$hb/content" "$work/md-$name/src"
    printf '[book]\ntitle = "Synthetic Handbook"\n' > "$work/md-$name/book.toml"
    ( cd "$work/md-$name/src" && { echo "# Summary"; echo; find . -name '*.md' ! -name SUMMARY.md | sort |
        sed 's|^\./||' | awk '{ printf "- [%s](%s)\n", $0, $0 }'; } > SUMMARY.md )
  fi
  # Hugo: the same Markdown, minimal templates, no taxonomies.
  mkdir -p "$work/hugo-$name/layouts/_default"
  cp -r "$hb/content" "$work/hugo-$name/content"
  # Hugo reads content/index.md as a leaf bundle: every other file would be
  # one of its resources, and only the home page would be rendered.
  mv "$work/hugo-$name/content/index.md" "$work/hugo-$name/content/_index.md"
  printf 'baseURL = "http://example.invalid/"\ntitle = "Synthetic Handbook"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n[markup.goldmark.renderer]\nunsafe = true\n' > "$work/hugo-$name/hugo.toml"
  printf '<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><main>{{ .Content }}</main></body></html>\n' > "$work/hugo-$name/layouts/_default/single.html"
  printf '<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></body></html>\n' > "$work/hugo-$name/layouts/_default/list.html"

  for run in $(seq 1 "$tool_runs"); do
    measure ismsbook "$layout" "$n" ./target/release/ismsbook build "$hb" -d "$work/out-ismsbook-$name" --today 2026-11-24
    measure hugo "$layout" "$n" bash -c 'ulimit -v "$1"; exec hugo --quiet --source "$2" --destination "$3"' \
      hugo $((hugo_mb * 1024)) "$work/hugo-$name" "$work/out-hugo-$name"
    if [ -d "$work/out-hugo-$name" ] && [ "$(tail -1 "$results" | cut -f4)" != - ]; then
      files=$(find "$work/out-hugo-$name" -name '*.html' | wc -l)
      [ "$files" -gt "$n" ] || { echo "hugo wrote only $files HTML files for $n documents"; exit 1; }
    fi
    measure floor "$layout" "$n" ./target/release/examples/floor "$hb/content" "$work/out-floor-$name"
    if [ "$run" -eq 1 ]; then
      # What each tool wrote: bytes, HTML pages, bytes per page, the largest file.
      for tool in ismsbook hugo; do
        out="$work/out-$tool-$name"
        [ -d "$out" ] || continue
        bytes=$(du -sb "$out" | cut -f1)
        pages=$(find "$out" -name '*.html' | wc -l)
        largest=$(find "$out" -type f -printf '%s %P\n' | sort -n | tail -1)
        median=$(find "$out" -name '*.html' -printf '%s\n' | sort -n | awk '{ s[NR] = $1 } END { print s[int((NR + 1) / 2)] }')
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$layout" "$n" "$tool" "$bytes" "$pages" "$median" "$largest" >> "$work/sizes.tsv"
      done
    fi
    if [ "$run" -le "$md_runs" ]; then
      measure mdbook "$layout" "$n" mdbook build "$work/md-$name" -d "$work/out-mdbook-$name"
    fi
  done
  rm -rf "$hb" "$work/md-$name" "$work/hugo-$name" "$work"/out-*-"$name"
done

echo
echo "| handbook | N | tool | runs | wall (s), best–worst | peak RSS (MB), max | ismsbook/tool, best wall | ismsbook/tool, RSS |"
echo "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |"
awk -F'\t' '
  { hb = $2 " " $3; if (!(hb in seen)) { seen[hb] = 1; order[++handbooks] = hb; layout[hb] = $2; size[hb] = $3 }
    key = hb SUBSEP $1
    if ($4 == "-") { failed[key]++; next }
    n[key]++; if (!(key in best) || $4 < best[key]) best[key] = $4
    if ($4 > worst[key]) worst[key] = $4; if ($5 > rss[key]) rss[key] = $5 }
  END {
    split("ismsbook floor hugo mdbook", tools, " ")
    for (h = 1; h <= handbooks; h++) for (i = 1; i <= 4; i++) {
      hb = order[h]; t = tools[i]; key = hb SUBSEP t; me = hb SUBSEP "ismsbook"
      if (key in best)
        printf "| %s | %s | %s | %d | %.2f–%.2f | %.0f | %.3f | %.3f |\n", layout[hb], size[hb], t, n[key],
          best[key], worst[key], rss[key] / 1024, best[me] / best[key], rss[me] / rss[key]
      else if (key in failed)
        printf "| %s | %s | %s | %d | did not finish | | | |\n", layout[hb], size[hb], t, failed[key]
    }
    for (h = 1; h <= handbooks; h++) {
      hb = order[h]; small = layout[hb] " " size[hb] / 10
      if ((small SUBSEP "ismsbook") in best && (hb SUBSEP "ismsbook") in best)
        printf "\nismsbook, %s %s against %s: %.1f× the best wall time\n", layout[hb], size[hb], size[hb] / 10,
          best[hb SUBSEP "ismsbook"] / best[small SUBSEP "ismsbook"]
    }
  }' "$results"
echo
echo "| handbook | N | tool | written (MB) | HTML pages | bytes written per page | median HTML page (bytes) | largest file |"
echo "| --- | ---: | --- | ---: | ---: | ---: | ---: | --- |"
awk -F'\t' '{ split($7, l, " "); printf "| %s | %s | %s | %.1f | %d | %.0f | %d | %s (%.1f MB) |\n",
  $1, $2, $3, $4 / 1e6, $5, $4 / $5, $6, l[2], l[1] / 1e6 }' "$work/sizes.tsv"
echo
echo "Raw runs: $results"
