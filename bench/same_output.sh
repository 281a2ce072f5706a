#!/usr/bin/env bash
# Same inputs → same bytes: run two minebrief binaries (before and after a
# change) on the same data and compare every output file byte for byte.
#
#   bash bench/same_output.sh OLD_BIN NEW_BIN DATA [QUARTER] [FORMATS]
#   bash bench/same_output.sh /tmp/mb-base target/release/minebrief /tmp/peerbench/1M
#
# Builds the city-wide run (default formats html,xlsx; pass html,pdf,docx,xlsx
# for everything on a small data set) and one region-scoped run (--scope of
# the first configured region), then lists files that differ, exist only on
# one side, and for JSON files the first differing line. Exit 1 when anything
# differs. IGNORE (a grep -E pattern on the relative path) leaves files out,
# e.g. IGNORE='manifest.json' when the configuration changed on purpose
# (manifest.json holds the configuration's hash).
set -euo pipefail
OLD=${1:?old binary}; NEW=${2:?new binary}; DATA=${3:?data folder}
QUARTER=${4:-2026Q3}; FORMATS=${5:-html,xlsx}
IGNORE=${IGNORE:-'^$'}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/same_output.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
region=$("$OLD" init --out "$WORK/cfg.toml" >/dev/null 2>&1 && awk '/^\[\[regions\]\]/{f=1} f && /^name *=/{gsub(/.*= *"|".*/,""); print; exit}' "$WORK/cfg.toml")
status=0
for side in old new; do
  bin=$OLD; [ "$side" = new ] && bin=$NEW
  /usr/bin/env time -f "$side: %e s wall, %M KiB peak" "$bin" build --data "$DATA" --quarter "$QUARTER" --out "$WORK/$side" --format "$FORMATS" --issue-date 2026-10-20 >/dev/null
  "$bin" build --data "$DATA" --quarter "$QUARTER" --out "$WORK/$side" --format html --scope "$region" --issue-date 2026-10-20 >/dev/null
done
cd "$WORK"
(cd old && find . -type f | sort) > old.list
(cd new && find . -type f | sort) > new.list
if ! diff -q old.list new.list >/dev/null; then
  echo "file lists differ:"; diff old.list new.list | grep -vE "$IGNORE" || true; status=1
fi
n=0; same=0
while read -r f; do
  [ -f "new/$f" ] || continue
  if echo "$f" | grep -qE "$IGNORE"; then continue; fi
  n=$((n + 1))
  if cmp -s "old/$f" "new/$f"; then same=$((same + 1)); else
    status=1; echo "DIFFERS: $f"
    case "$f" in *.json|*.csv|*.html) diff "old/$f" "new/$f" | head -6 || true ;; esac
  fi
done < old.list
echo "$same of $n files identical (region-scoped run: $region)"
exit $status
