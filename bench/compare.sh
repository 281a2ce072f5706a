#!/usr/bin/env bash
# minebrief against the analyst's pipeline (../shared/peer: pandas / DuckDB +
# Jinja2 + WeasyPrint) on the same generated data, side by side.
#
#   bash bench/compare.sh                     # 10k 100k 1M, 3 runs each
#   SIZES="10k 100k 1M 10M" REPEAT=1 bash bench/compare.sh
#
# Needs: the peer's virtual environment (bash ../shared/peer/setup.sh) and
# GNU time (/usr/bin/time). Data: the peer's gen_clean.py output (valid
# minebrief input), in $ROOT/<size> (default /tmp/peerbench, the same folder
# the peer's bench.sh uses), generated once. Runs alternate between the two
# tools so that both see the same machine load. Wall and CPU time are the
# median of REPEAT runs, peak RSS the largest; ratios are minebrief / peer.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PEER="${PEER:-$HERE/../shared/peer}"
PY="${PY:-${VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/minebrief-peer/venv}/bin/python}"
ROOT="${ROOT:-/tmp/peerbench}"
SIZES="${SIZES:-10k 100k 1M}"
REPEAT="${REPEAT:-3}"
QUARTER="${QUARTER:-2026Q3}"
SEED="${SEED:-1}"

[ -x /usr/bin/time ] || { echo "need GNU time: apt-get install -y time" >&2; exit 2; }
[ -x "$PY" ] || { echo "no $PY: run bash $PEER/setup.sh first" >&2; exit 2; }
[ -f "$PEER/pipeline.py" ] || { echo "no peer at $PEER (set PEER=)" >&2; exit 2; }

if [ -z "${BIN:-}" ]; then
  (cd "$HERE" && cargo build --release --quiet)
  BIN="${CARGO_TARGET_DIR:-$HERE/target}/release/minebrief"
fi
mkdir -p "$ROOT/logs" "$ROOT/out"

rows_of() {
  case "$1" in
    *k) echo $(( ${1%k} * 1000 )) ;;
    *M) echo $(( ${1%M} * 1000000 )) ;;
    *) echo "$1" ;;
  esac
}

for size in $SIZES; do
  dir="$ROOT/$size"
  [ -f "$dir/.complete" ] && continue
  rm -rf "$dir" "$dir.tmp"
  echo "generating $size rows into $dir" >&2
  python3 "$PEER/gen_clean.py" --out "$dir.tmp" --rows "$(rows_of "$size")" --seed "$SEED" >&2
  mv "$dir.tmp" "$dir"
  touch "$dir/.complete"
done

# One timed run: prints "wall cpu rss_mib".
timed() {
  local log=$1; shift
  local tf="$log.time"
  /usr/bin/time -v -o "$tf" "$@" > "$log" 2>&1 || { echo "failed: $* (see $log)" >&2; exit 1; }
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, t, ":"); w = 0; for (j = 1; j <= n; j++) w = w * 60 + t[j] }
    /User time|System time/ { c += $2 }
    /Maximum resident set size/ { r = $2 / 1024 }
    END { printf "%.2f %.2f %.0f\n", w, c, r }' "$tf"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

rows=()
# compare LABEL SIZE "minebrief args" "peer args"
compare() {
  local label=$1 size=$2 margs=$3 pargs=$4 i m p
  local mw=() mc=() mr=0 pw=() pc=() pr=0
  for ((i = 1; i <= REPEAT; i++)); do
    rm -rf "$ROOT/out/mb" "$ROOT/out/peer"
    # shellcheck disable=SC2086
    read -r w c r < <(timed "$ROOT/logs/mb-$label-$size-$i.log" "$BIN" build --data "$ROOT/$size" \
      --quarter "$QUARTER" --out "$ROOT/out/mb" $margs)
    mw+=("$w"); mc+=("$c"); (( r > mr )) && mr=$r
    # shellcheck disable=SC2086
    read -r w c r < <(timed "$ROOT/logs/peer-$label-$size-$i.log" "$PY" "$PEER/pipeline.py" \
      --data "$ROOT/$size" --quarter "$QUARTER" --out "$ROOT/out/peer" $pargs)
    pw+=("$w"); pc+=("$c"); (( r > pr )) && pr=$r
  done
  m=$(printf '%s\n' "${mw[@]}" | median); p=$(printf '%s\n' "${pw[@]}" | median)
  local mcm pcm
  mcm=$(printf '%s\n' "${mc[@]}" | median); pcm=$(printf '%s\n' "${pc[@]}" | median)
  rows+=("$(awk -v l="$label" -v s="$size" -v m="$m" -v p="$p" -v mc="$mcm" -v pc="$pcm" -v mr="$mr" -v pr="$pr" \
    'BEGIN { printf "| %-5s | %-34s | %7.2f | %7.2f | %5.2f | %6.2f | %6.2f | %6.0f | %6.0f | %5.2f |", s, l, m, p, m / p, mc, pc, mr, pr, mr / pr }')")
  echo "done $size $label" >&2
}

# Ingest alone (validate): throughput of clean UTF-8 per CPU-second.
ingest_rows=()
ingest() {
  local size=$1 i w c r ws=() cs=() mib
  mib=$(du -sm "$ROOT/$size" | cut -f1)
  for ((i = 1; i <= REPEAT; i++)); do
    read -r w c r < <(timed "$ROOT/logs/mb-validate-$size-$i.log" "$BIN" validate --data "$ROOT/$size" --quarter "$QUARTER")
    ws+=("$w"); cs+=("$c")
  done
  w=$(printf '%s\n' "${ws[@]}" | median); c=$(printf '%s\n' "${cs[@]}" | median)
  ingest_rows+=("$(awk -v s="$size" -v w="$w" -v c="$c" -v m="$mib" -v r="$r" \
    'BEGIN { printf "| %-5s | %6d | %6.2f | %6.2f | %7.0f | %8.0f | %6.0f |", s, m, w, c, m / w, m / c, r }')")
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for size in $SIZES; do
  cat "$ROOT/$size"/*/*.csv > /dev/null # warm the page cache
  compare "html vs duckdb html" "$size" "--format html" "--engine duckdb"
  [ "$size" = 10M ] && continue
  compare "html vs pandas html" "$size" "--format html" "--engine pandas"
  if [ "$size" = 10k ]; then
    compare "html+pdf, all docs vs pandas --pdf" "$size" "--format html,pdf" "--engine pandas --pdf"
  fi
  ingest "$size"
done

{
  echo "minebrief $("$BIN" --version 2>/dev/null | head -1) vs peer pipeline.py; quarter $QUARTER; $(nproc) cores;" \
    "median of $REPEAT runs; load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| rows  | run (minebrief vs peer)            | mb wall | peer wall | ratio | mb CPU | peer CPU | mb MiB | peer MiB | ratio |"
  echo "|-------|------------------------------------|--------:|--------:|------:|-------:|-------:|-------:|-------:|------:|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Ingest alone (\`minebrief validate\`: read, decode, check, settle; no analysis):"
  echo
  echo "| rows  | MiB in | wall (s) | CPU (s) | MiB/s wall | MiB/s per CPU-s | peak MiB |"
  echo "|-------|-------:|---------:|--------:|-----------:|----------------:|---------:|"
  printf '%s\n' "${ingest_rows[@]}"
} | tee "$ROOT/compare.md"
