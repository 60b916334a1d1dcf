#!/usr/bin/env bash
# dbt-project-evaluator over the product (make lint). Skips, saying so, where ../shared is absent.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
package="${LEAD_SCORING_EVALUATOR_PACKAGE:-$root/../shared/dbt_packages/dbt_project_evaluator}"
if [ ! -f "$package/dbt_project.yml" ]; then
  echo "dbt-project-evaluator skipped: $package not found (vendored in ../shared/dbt_packages)"
  exit 0
fi
export LEAD_SCORING_EVALUATOR_PACKAGE="$(cd "$package" && pwd)"
# dbt resolves the evaluator's own `local: ../dbt_utils` from this project's folder, not the
# evaluator's: point checks/dbt_utils (git-ignored) at the vendored copy beside it.
ln -sfn "$LEAD_SCORING_EVALUATOR_PACKAGE/../dbt_utils" "$here/../dbt_utils"
dbt="${DBT:-$root/.venv/bin/dbt}"
python="${PYTHON:-$root/.venv/bin/python}"
cd "$here"
rm -f target/lead_scoring_checks.duckdb
"$dbt" deps --profiles-dir . --quiet
if "$dbt" build --profiles-dir . --quiet --select package:dbt_project_evaluator dbt_project_evaluator_exceptions; then
  echo "dbt-project-evaluator: no violations outside seeds/dbt_project_evaluator_exceptions.csv"
  exit 0
fi
# name every violation, not only the failing test: the rows of each non-empty fct_ table
"$python" - <<'PY' || true
import duckdb
con = duckdb.connect("target/lead_scoring_checks.duckdb", read_only=True)
names = con.execute("select table_schema, table_name from information_schema.tables"
                    " where table_name like 'fct_%' order by 2").fetchall()
for schema, name in names:
    if name in ("fct_documentation_coverage", "fct_test_coverage"):
        continue
    rows = con.execute(f'select * from "{schema}"."{name}"').fetchall()
    for row in rows:
        print(f"  {name}: {row}")
PY
echo "dbt-project-evaluator found violations (above). Fix them, or add a row with a reason to"
echo "checks/evaluator/seeds/dbt_project_evaluator_exceptions.csv (docs/testing.md)."
exit 1
