#!/usr/bin/env bash
# Ingestion and build throughput on generated data.
#
#   bash bench/ingest.sh                 # 100k and 1M rows
#   SIZES="1M 10M" bash bench/ingest.sh
#
# Data goes to $ROOT/<size> (default /tmp/minebrief-bench), generated once
# with `minebrief sample --clean` (canonical UTF-8 CSV). For each size it
# times `validate` (read, decode, validate, supersede: ingestion alone) and
# `build --format none` (ingestion + analysis + assessment + summary.json +
# tables, no documents) with /usr/bin/time -v, and prints rows/s, MB/s and
# peak memory. Run it on a quiet machine; the load average is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="${ROOT:-/tmp/minebrief-bench}"
SIZES="${SIZES:-100k 1M}"
REPEAT="${REPEAT:-3}"
[ -x /usr/bin/time ] || { echo "need GNU time: apt-get install -y time" >&2; exit 2; }
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/minebrief-target}"
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet
  BIN="$CARGO_TARGET_DIR/release/minebrief"
fi

rows_of() { case "$1" in *k) echo $(( ${1%k} * 1000 ));; *M) echo $(( ${1%M} * 1000000 ));; *) echo "$1";; esac; }

# one timed run: prints "wall user+sys rss_kib"
timed() {
  local log; log=$(mktemp)
  /usr/bin/time -v "$@" >/dev/null 2>"$log" || { cat "$log" >&2; exit 1; }
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n=split($2,a,":"); w=0; for(i=1;i<=n;i++) w=w*60+a[i] }
    /User time/ { u=$2 } /System time/ { s=$2 } /Maximum resident/ { r=$2 }
    END { printf "%.2f %.2f %d\n", w, u+s, r }' "$log"
  rm -f "$log"
}

median() { sort -n | awk '{a[NR]=$1} END { print a[int((NR+1)/2)] }'; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "| rows | command | wall (s) | CPU (s) | peak RSS (MiB) | rows/s | MB/s |\n|---|---|---:|---:|---:|---:|---:|\n"
for size in $SIZES; do
  dir="$ROOT/$size"
  if [ ! -f "$dir/.complete" ]; then
    rm -rf "$dir"; mkdir -p "$dir"
    "$BIN" sample --out "$dir" --rows "$(rows_of "$size")" --clean --seed 1 >/dev/null
    touch "$dir/.complete"
  fi
  bytes=$(find "$dir" -name '*.csv' -printf '%s\n' | awk '{s+=$1} END {print s}')
  rows=$(find "$dir" -name '*.csv' ! -name referrals.csv ! -name patrols.csv ! -name meetings.csv ! -name adjustments.csv -exec cat {} + | wc -l)
  for cmd in validate build; do
    walls=(); cpus=(); rss=0
    for _ in $(seq "$REPEAT"); do
      if [ "$cmd" = validate ]; then
        read -r w c r < <(timed "$BIN" validate --data "$dir" --quarter 2026Q3)
      else
        read -r w c r < <(timed "$BIN" build --data "$dir" --quarter 2026Q3 --out "$ROOT/out" --format none)
      fi
      walls+=("$w"); cpus+=("$c"); [ "$r" -gt "$rss" ] && rss=$r
    done
    w=$(printf '%s\n' "${walls[@]}" | median); c=$(printf '%s\n' "${cpus[@]}" | median)
    awk -v s="$size" -v cmd="$cmd" -v w="$w" -v c="$c" -v r="$rss" -v rows="$rows" -v b="$bytes" \
      'BEGIN { printf "| %s | %s | %.2f | %.2f | %.0f | %.0f | %.1f |\n", s, cmd, w, c, r/1024, rows/w, b/1e6/w }'
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
