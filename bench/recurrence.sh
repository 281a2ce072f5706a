#!/usr/bin/env bash
# Costs that must grow linearly (issue 17 item 17): many configured regions
# (each gets a region report) and many closed sites just outside the
# recurrence radius of new cases. Times `build --format html` with GNU time
# on data from bench/gen_scale.py and prints one table; the load average is
# printed with it (the build machine is shared).
#
#   bash bench/recurrence.sh
#   REGIONS="2500 10000" RING="5000 20000" bash bench/recurrence.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="${ROOT:-/tmp/minebrief-scale}"
REGIONS="${REGIONS-2500 10000}"
RING="${RING-5000 20000}"
CASES="${CASES:-20000}"
[ -x /usr/bin/time ] || { echo "need GNU time: apt-get install -y time" >&2; exit 2; }
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/minebrief-target}"
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet
  BIN="$CARGO_TARGET_DIR/release/minebrief"
fi
run() { # label dir
  local log; log=$(mktemp)
  rm -rf "$ROOT/out"
  /usr/bin/time -f "%e %M" -o "$log" "$BIN" build --data "$2" --quarter 2026Q3 --out "$ROOT/out" --format html >/dev/null
  read -r w m < "$log"; rm -f "$log"
  printf "| %-34s | %8.2f | %8.0f |\n" "$1" "$w" "$((m / 1024))"
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| data | wall (s) | peak MiB |"
echo "|---|---:|---:|"
for n in $REGIONS; do
  d="$ROOT/regions-$n"
  [ -d "$d" ] || python3 bench/gen_scale.py --out "$d" --regions "$n" --cases "$CASES"
  run "$n regions, $CASES cases" "$d"
done
for n in $RING; do
  d="$ROOT/ring-$n"
  [ -d "$d" ] || python3 bench/gen_scale.py --out "$d" --ring "$n"
  run "$n sites just outside $n new cases" "$d"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
