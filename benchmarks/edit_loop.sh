#!/usr/bin/env bash
# The rule-editing loop (docs/benchmarks.md): change one behaviour rule's points, rebuild.
# Each call toggles eng_pricing_page's points between 10 and 11, so the seed always changes and the
# build's no-op check never skips; run it on the demo database (`make demo`), an even number of
# times to leave the seed as it was. Time it as a whole, e.g. `/usr/bin/time -v benchmarks/edit_loop.sh`.
# `--edit-only` changes the seed and does not build (benchmarks/rule_edit_loop.py times `lead-scoring watch`).
set -euo pipefail
cd "$(dirname "$0")/.."
# this checkout's project, profile and demo database (a copy of the repo benchmarks itself)
export LEAD_SCORING_PROJECT_DIR="$PWD" DBT_PROFILES_DIR="$PWD" LEAD_SCORING_DB="$PWD/lead_scoring.duckdb"
unset LEAD_SCORING_READ_DB
seed=seeds/behavior_rules.csv
grep -q '^b2b_general,eng_pricing_page,page_view,url,contains,/pricing,1[01],' "$seed" || {
  echo "edit_loop.sh: eng_pricing_page in $seed has neither 10 nor 11 points" >&2; exit 2; }
if grep -q '^b2b_general,eng_pricing_page,page_view,url,contains,/pricing,10,' "$seed"; then
  sed -i 's#^\(b2b_general,eng_pricing_page,page_view,url,contains,/pricing,\)10,#\111,#' "$seed"
else
  sed -i 's#^\(b2b_general,eng_pricing_page,page_view,url,contains,/pricing,\)11,#\110,#' "$seed"
fi
[ "${1:-}" = --edit-only ] && exit 0
exec .venv/bin/lead-scoring build --quiet --vars '{as_of: "2026-06-30 00:00:00"}' "$@"
