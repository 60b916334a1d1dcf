"""`lead-scoring mutate`: a mutation check for the scoring SQL.

Each mutant is one small change to one file of models/ or macros/ (a comparison flipped, `and`
for `or`, a `not` or a `coalesce` dropped, a day count or occurrence number off by one, a window
sorted the other way, row_number for rank). Each runs the fast contract tests in a scratch copy
of the project (the working tree is never touched); a mutant the tests do not fail 'survived'.
Mutants that cannot change any result are listed with a reason in tests_py/mutation_allowlist.yml.

Mutant ids are `path:line:kind#n` (n counts mutants of that kind on that line), derived from the
text alone, so a scan is deterministic. An allow-list entry matches by path, kind, n and the
line's text, so it survives edits elsewhere in the file.
"""
from __future__ import annotations

import concurrent.futures
import dataclasses
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import click

# The scoring path: what the contract's edges live in (`--all` takes every file).
DEFAULT_SCOPE = [
    "models/intermediate/int_active_*_rules.sql",
    "models/intermediate/int_behavior_*.sql",
    "models/intermediate/int_absence_*.sql",
    "models/intermediate/int_condition_events.sql",
    "models/intermediate/int_lead_score_totals.sql",
    "models/intermediate/int_lead_scores.sql",
    "models/intermediate/int_routed_lead_scores.sql",  # the owner precedence (was fct_lead_scores')
    "models/marts/scoring/fct_lead_scores.sql",
    "macros/as_of.sql",  # as_of, watermarks and the leaving-window ranges the incremental reads rely on
    "macros/behavior_points.sql",  # the scoring filters and decay (were int_behavior_scored_events')
    "macros/conditions.sql",
    "macros/rule_condition.sql",
]
FAST_TESTS = ["tests_py/test_contract_boundaries.py", "tests_py/test_scoring_cases.py",
              "tests_py/test_scoring_features.py",
              # the carried behaviour sums: a second build at a later as_of (one build never reaches them)
              "tests_py/test_behavior_sums.py"]
# Left out of the default run (not out of `make test`): these rebuild a project 2-4 more times to
# check fct_lead_score_changes across reruns, backfills and old seed layouts, none of which the
# scoring-path files decide; they would triple a surviving mutant's run.
FAST_DESELECT = [
    "tests_py/test_scoring_features.py::test_changes_survive_rerun_full_refresh_and_backfill",
    "tests_py/test_scoring_features.py::test_clamp_row_keeps_the_sum_exact",
    "tests_py/test_scoring_features.py::test_seeds_without_the_new_columns_score_the_same",
    "tests_py/test_scoring_features.py::test_history_older_than_the_changes_table",
]
ALLOWLIST = "tests_py/mutation_allowlist.yml"
# What a scratch copy needs to run the fast tests.
PROJECT_PARTS = ["models", "macros", "tests", "seeds", "analyses", "scripts", "tests_py",
                 "dbt_project.yml", "profiles.yml", "packages.yml"]

COMPARISONS = {"<=": ("lte_to_lt", "<"), ">=": ("gte_to_gt", ">"), "<>": ("ne_to_eq", "="),
               "!=": ("ne_to_eq", "="), "<": ("lt_to_lte", "<="), ">": ("gt_to_gte", ">="),
               "=": ("eq_to_ne", "<>")}
# A rule's day counts and occurrence bounds (the other side of such a comparison moving by one is
# the same mutant; numbers written in the SQL get +1/-1 where they are compared with).
COUNTED = re.compile(r"\b(?:\w+\.)?(?:occurrence_from|occurrence_to|lookback_days|"
                     r"within_days_of_previous|within_days)\b")


@dataclasses.dataclass(frozen=True)
class Mutant:
    path: str          # relative to the project root
    line: int          # 1-based line of the change
    kind: str
    n: int             # 1-based index among mutants of this kind on this line
    start: int         # character span of the original text in the file
    end: int
    replacement: str
    line_text: str     # the original line, stripped

    @property
    def id(self) -> str:
        return f"{self.path}:{self.line}:{self.kind}#{self.n}"

    def apply(self, text: str) -> str:
        return text[:self.start] + self.replacement + text[self.end:]


# --- scanning -----------------------------------------------------------------------------------

def sql_mask(text: str) -> list[bool]:
    """True where a character is plain SQL: not in a string, a comment or a Jinja tag."""
    mask = [True] * len(text)
    i = 0
    while i < len(text):
        two = text[i:i + 2]
        if two in ("{#", "{{", "{%"):
            close = {"{#": "#}", "{{": "}}", "{%": "%}"}[two]
            j = text.find(close, i + 2)
            j = len(text) if j < 0 else j + 2
        elif two == "--":
            j = text.find("\n", i)
            j = len(text) if j < 0 else j
        elif text[i] == "'":
            j = i + 1
            while j < len(text):
                if text[j] == "'" and text[j + 1:j + 2] == "'":
                    j += 2
                elif text[j] == "'":
                    j += 1
                    break
                else:
                    j += 1
        else:
            i += 1
            continue
        for k in range(i, j):
            mask[k] = False
        i = j
    return mask


def matching_paren(text: str, open_at: int) -> int:
    """Index of the ')' closing the '(' at open_at (strings skipped), or -1."""
    depth, i, in_str = 0, open_at, False
    while i < len(text):
        c = text[i]
        if in_str:
            if c == "'":
                in_str = False
        elif c == "'":
            in_str = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def top_level_split(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of text[start:end] split at commas outside parentheses and strings."""
    spans, depth, in_str, seg = [], 0, False, start
    for i in range(start, end):
        c = text[i]
        if in_str:
            in_str = c != "'"
        elif c == "'":
            in_str = True
        elif c in "({":
            depth += 1
        elif c in ")}":
            depth -= 1
        elif c == "," and depth == 0:
            spans.append((seg, i))
            seg = i + 1
    spans.append((seg, end))
    return spans


def _edits(text: str, mask: list[bool]):
    """(start, end, replacement, kind) for every mutation of the catalogue in text."""
    def plain(a: int, b: int) -> bool:
        return all(mask[a:b])

    def line_before(pos: int) -> str:
        return text[text.rfind("\n", 0, pos) + 1:pos]

    def in_join_key(pos: int) -> bool:
        # `=` / `and` in a join's ON clause: `<>` or `or` there multiplies rows and fails every
        # test at once, so those mutants only cost time (range comparisons in ON are mutated)
        clause = None
        for k in re.finditer(r"\b(on|where|when|then|else|select|having|case|from|join)\b", text[:pos],
                             flags=re.IGNORECASE):
            if mask[k.start()]:
                clause = k.group().lower()
        return clause == "on"

    # comparisons (two-character operators first; '=' of '==' / '=>' is not SQL here)
    for m in re.finditer(r"<=|>=|<>|!=|<|>|=", text):
        a, b = m.span()
        if not plain(a, b) or text[b:b + 1] in "=>" or text[a - 1:a] in "=<>!":
            continue
        kind, new = COMPARISONS[m.group()]
        if not (m.group() == "=" and in_join_key(a)):
            yield a, b, new, kind
        # +1 / -1 on a number compared with (occurrence numbers, ranks, day counts)
        lit = re.match(r"\s*(-?\d+(?:\.\d+)?)\b", text[b:])
        if lit and plain(b, b + lit.end()):
            la, lb = b + lit.start(1), b + lit.end(1)
            value = float(lit.group(1))
            fmt = (lambda v: str(int(v))) if "." not in lit.group(1) else (lambda v: repr(v))
            yield la, lb, fmt(value + 1), "plus_1"
            yield la, lb, fmt(value - 1), "minus_1"
    # +1 / -1 on occurrence numbers and day counts in a comparison
    for m in COUNTED.finditer(text):
        a, b = m.span()
        line_start = text.rfind("\n", 0, a) + 1
        line_end = text.find("\n", b)
        line_end = len(text) if line_end < 0 else line_end
        has_cmp = any(mask[line_start + x.start()] for x in re.finditer(r"[<>=]", text[line_start:line_end]))
        # not in a select list (' as ...') nor a null test (x + 1 is null exactly when x is)
        if not plain(a, b) or not has_cmp or re.match(r"\s+(as|is)\b", text[b:]) or text[a - 1:a] == ".":
            continue
        yield a, b, f"({m.group()} + 1)", "plus_1"
        yield a, b, f"({m.group()} - 1)", "minus_1"
    # and / or (not the 'and' of 'between x and y')
    for m in re.finditer(r"\b(and|or)\b", text, flags=re.IGNORECASE):
        a, b = m.span()
        if not plain(a, b):
            continue
        word = m.group().lower()
        if word == "and" and in_join_key(a):
            continue
        if word == "and" and re.search(r"\bbetween\b(?!.*\b(and|or)\b)", line_before(a), flags=re.IGNORECASE):
            continue
        yield (a, b, "or", "and_to_or") if word == "and" else (a, b, "and", "or_to_and")
    # drop a not
    for m in re.finditer(r"\bnot\s+", text, flags=re.IGNORECASE):
        if plain(m.start(), m.start() + 3):
            yield m.start(), m.end(), "", "drop_not"
    # drop a coalesce: coalesce(a, b) -> (a)
    for m in re.finditer(r"\bcoalesce\s*\(", text, flags=re.IGNORECASE):
        if not plain(m.start(), m.end()):
            continue
        close = matching_paren(text, m.end() - 1)
        if close < 0:
            continue
        first = top_level_split(text, m.end(), close)[0]
        yield m.start(), close + 1, "(" + text[first[0]:first[1]].strip() + ")", "drop_coalesce"
    # row_number <-> rank
    for m in re.finditer(r"\b(row_number|rank|dense_rank)\s*\(\s*\)", text, flags=re.IGNORECASE):
        if not plain(m.start(), m.end()) or text[m.start() - 1:m.start()] == "_":
            continue
        new, kind = ("rank()", "row_number_to_rank") if m.group(1).lower() == "row_number" else \
            ("row_number()", f"{m.group(1).lower()}_to_row_number")
        yield m.start(), m.end(), new, kind
    # asc / desc in the order by of a window
    for m in re.finditer(r"\bover\s*\(", text, flags=re.IGNORECASE):
        if not plain(m.start(), m.end()):
            continue
        close = matching_paren(text, m.end() - 1)
        order = re.search(r"\border\s+by\b", text[m.end():close], flags=re.IGNORECASE)
        if close < 0 or not order:
            continue
        body_start = m.end() + order.end()
        frame = re.search(r"\b(rows|range)\s+between\b", text[body_start:close], flags=re.IGNORECASE)
        body_end = body_start + frame.start() if frame else close
        for a, b in top_level_split(text, body_start, body_end):
            item = text[a:b]
            direction = re.search(r"\b(asc|desc)\b", item, flags=re.IGNORECASE)
            if direction:
                da, db = a + direction.start(), a + direction.end()
                yield da, db, "desc" if direction.group().lower() == "asc" else "asc", "flip_order"
            else:
                stripped = item.rstrip()
                nulls = re.search(r"\s+nulls\s+(first|last)\s*$", stripped, flags=re.IGNORECASE)
                at = a + (nulls.start() if nulls else len(stripped))
                yield at, at, " desc", "flip_order"


def scan_file(root: Path, rel: str) -> list[Mutant]:
    text = (root / rel).read_text()
    mask = sql_mask(text)
    edits = sorted(set(_edits(text, mask)), key=lambda e: (e[0], e[1], e[3], e[2]))
    mutants, seen = [], {}
    lines = text.split("\n")
    for start, end, replacement, kind in edits:
        line = text.count("\n", 0, start) + 1
        n = seen[(line, kind)] = seen.get((line, kind), 0) + 1
        mutants.append(Mutant(rel, line, kind, n, start, end, replacement, lines[line - 1].strip()))
    return mutants


def scope_files(root: Path, all_files: bool, only: tuple[str, ...]) -> list[str]:
    files = sorted(str(p.relative_to(root)) for d in ("models", "macros") for p in (root / d).rglob("*.sql"))
    if not all_files:
        files = [f for f in files if any(fnmatch.fnmatch(f, pattern) for pattern in DEFAULT_SCOPE)]
    if only:  # in the order given, so the files that matter most can run first
        def rank(f: str) -> int | None:
            return next((i for i, o in enumerate(only)
                         if o == f or fnmatch.fnmatch(f, o) or fnmatch.fnmatch(Path(f).name, o)
                         or f.endswith("/" + o) or o in f), None)
        files = sorted((f for f in files if rank(f) is not None), key=lambda f: (rank(f), f))
    return files


def scan(root: Path, files: list[str]) -> list[Mutant]:
    return [m for f in files for m in scan_file(root, f)]


# --- allow-list ---------------------------------------------------------------------------------

def load_allowlist(path: Path) -> list[dict]:
    import yaml  # PyYAML: pinned in requirements.txt (dbt needs it)

    if not path.exists():
        return []
    entries = yaml.safe_load(path.read_text()) or []
    for i, e in enumerate(entries, 1):
        if not isinstance(e, dict) or not e.get("id") or not e.get("line") or not e.get("reason"):
            raise click.ClickException(f"{path}: entry {i} needs id, line and reason")
    return entries


def allowed(mutant: Mutant, entries: list[dict]) -> dict | None:
    for e in entries:
        path, _line, kind_n = e["id"].rsplit(":", 2)
        if (path, kind_n, e["line"].strip()) == (mutant.path, f"{mutant.kind}#{mutant.n}", mutant.line_text):
            return e
    return None


# --- running ------------------------------------------------------------------------------------

def scratch_copy(root: Path, dest: Path) -> None:
    for part in PROJECT_PARTS:
        src = root / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
        elif src.exists():
            shutil.copy(src, dest / part)


def run_tests(root: Path, mutant: Mutant | None, tests: list[str], timeout: float, workdir: Path) -> dict:
    scratch = Path(tempfile.mkdtemp(prefix="mutant-", dir=workdir))
    started = time.monotonic()
    try:
        scratch_copy(root, scratch)
        if mutant is not None:
            target = scratch / mutant.path
            target.write_text(mutant.apply(target.read_text()))
        deselect = [a for d in FAST_DESELECT if d.split("::")[0] in tests for a in ("--deselect", d)]
        cmd = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "--no-header",
               "--basetemp", str(scratch / "pytest"), *deselect, *tests]
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        try:
            proc = subprocess.run(cmd, cwd=scratch, env=env, capture_output=True, text=True, timeout=timeout)
            output, code = proc.stdout + proc.stderr, proc.returncode
        except subprocess.TimeoutExpired:
            output, code = "", "timeout"
        failed = re.findall(r"^(?:FAILED|ERROR) (\S+)", output, flags=re.MULTILINE)
        return {"code": code, "first_failure": failed[0] if failed else None,
                "seconds": round(time.monotonic() - started, 1), "tail": output[-2000:]}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@click.command("mutate")
@click.option("--jobs", "-j", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Mutants run in parallel.")
@click.option("--only", multiple=True, metavar="FILE",
              help="Only files matching (path, glob or name; repeatable).")
@click.option("--mutant", "mutant_ids", multiple=True, metavar="ID", help="Only this mutant id (repeatable).")
@click.option("--limit", type=click.IntRange(1), help="At most this many mutants (after filters).")
@click.option("--all", "all_files", is_flag=True,
              help="Every .sql file of models/ and macros/, not only the scoring path.")
@click.option("--list", "list_only", is_flag=True, help="List the mutants and exit without running tests.")
@click.option("--tests", "tests", multiple=True, metavar="PATH",
              help=f"Test files to run per mutant (default: {' '.join(FAST_TESTS)}).")
@click.option("--timeout", default=1200, show_default=True, type=click.IntRange(10),
              help="Seconds before a mutant's test run is stopped (reported as TIMEOUT, not killed).")
@click.option("--project-dir", default=".", show_default=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path), help="The dbt project root.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the results as JSON here (default: target/mutate/report.json).")
@click.option("--check-allowlist", is_flag=True,
              help="Also run the allow-listed mutants (to confirm they still survive); skipped by default.")
def mutate(jobs, only, mutant_ids, limit, all_files, list_only, tests, timeout, project_dir, report,
           check_allowlist):
    """Mutate the scoring SQL one change at a time and check the fast contract tests notice.

    Prints KILLED / SURVIVED / ALLOWED per mutant with file and line; exits 1 when a mutant
    survives that tests_py/mutation_allowlist.yml does not list.

    Example: lead-scoring mutate --jobs 2 --only int_behavior_scored_events.sql --limit 5
    """
    root = project_dir.resolve()
    if not (root / "dbt_project.yml").exists():
        raise click.ClickException(f"{root} is not the dbt project root (no dbt_project.yml)")
    tests = list(tests) or FAST_TESTS
    for t in tests:
        if not (root / t).exists():
            raise click.ClickException(f"test file {t} does not exist under {root}")
    files = scope_files(root, all_files, only)
    if not files:
        raise click.ClickException(f"no .sql file in scope matches {' '.join(only) or 'the scope'}")
    mutants = scan(root, files)
    if mutant_ids:
        unknown = set(mutant_ids) - {m.id for m in mutants}
        if unknown:
            raise click.ClickException(f"unknown mutant id(s): {', '.join(sorted(unknown))} (see --list)")
        mutants = [m for m in mutants if m.id in set(mutant_ids)]
    if limit:
        mutants = mutants[:limit]
    entries = load_allowlist(root / ALLOWLIST)
    if list_only:
        for m in mutants:
            mark = "  [allow-listed]" if allowed(m, entries) else ""
            click.echo(f"{m.id}  {m.line_text!r} -> {m.replacement!r}{mark}")
        click.echo(f"{len(mutants)} mutants in {len(files)} files")
        return

    skipped = [] if check_allowlist else [m for m in mutants if allowed(m, entries)]
    mutants = [m for m in mutants if m not in skipped]
    for m in skipped:
        click.echo(f"ALLOWED  {m.id}  (not run) {allowed(m, entries)['reason']}")
    workdir = root / "target" / "mutate"
    workdir.mkdir(parents=True, exist_ok=True)
    # every mutant copies this snapshot, so edits to the tree during a long run change nothing
    snapshot = Path(tempfile.mkdtemp(prefix="snapshot-", dir=workdir))
    scratch_copy(root, snapshot)
    try:
        _run_all(snapshot, root, files, mutants, entries, tests, jobs, timeout, workdir, only, mutant_ids,
                 limit, report, skipped)
    finally:
        shutil.rmtree(snapshot, ignore_errors=True)


def _run_all(snapshot, root, files, mutants, entries, tests, jobs, timeout, workdir, only, mutant_ids, limit,
             report, skipped):
    root_for_runs = snapshot
    started = time.monotonic()
    click.echo(f"baseline: {' '.join(tests)} on the unmutated project ...")
    base = run_tests(root_for_runs, None, tests, timeout, workdir)
    if base["code"] == "timeout":
        raise click.ClickException(f"the fast tests took over --timeout {timeout} s without any mutant")
    if base["code"] != 0:
        raise click.ClickException(f"the fast tests fail without any mutant; fix them first:\n{base['tail']}")
    click.echo(f"baseline passed in {base['seconds']} s; {len(mutants)} mutants in {len(files)} files, "
               f"{jobs} at a time")

    results = []

    def one(m: Mutant):
        return m, run_tests(root_for_runs, m, tests, timeout, workdir)

    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for m, r in pool.map(one, mutants):
            entry = allowed(m, entries)
            if r["code"] == 0:
                status = "ALLOWED" if entry else "SURVIVED"
            elif r["code"] == "timeout":  # a slow machine, not a verdict: run it again
                status = "TIMEOUT"
            else:
                status = "KILLED"
            detail = (entry["reason"] if status == "ALLOWED" else
                      "timeout" if r["code"] == "timeout" else r["first_failure"] or f"exit {r['code']}")
            click.echo(f"{status:8} {m.id}  {m.line_text!r} -> {m.replacement!r}  ({r['seconds']} s) {detail}")
            results.append({"id": m.id, "status": status, "line": m.line_text, "replacement": m.replacement,
                            "seconds": r["seconds"], "detail": detail})

    for m in skipped:
        results.append({"id": m.id, "status": "ALLOWED", "line": m.line_text, "replacement": m.replacement,
                        "seconds": 0, "detail": "not run: " + allowed(m, entries)["reason"]})
    mutants = mutants + skipped
    used = {e["id"] for e in entries for m in mutants if allowed(m, [e])}
    counts = {s: sum(1 for r in results if r["status"] == s) for s in ("KILLED", "SURVIVED", "ALLOWED", "TIMEOUT")}
    killed_but_listed = [r["id"] for r in results if r["status"] == "KILLED" and
                         allowed(next(m for m in mutants if m.id == r["id"]), entries)]
    minutes = (time.monotonic() - started) / 60
    click.echo(f"\n{len(results)} mutants: {counts['KILLED']} killed, {counts['SURVIVED']} survived, "
               f"{counts['ALLOWED']} allow-listed (equivalent), {counts['TIMEOUT']} timed out; "
               f"{minutes:.1f} min with --jobs {jobs}")
    if killed_but_listed:
        click.echo("allow-listed but killed (remove from the allow-list): " + ", ".join(killed_but_listed))
    if not (only or mutant_ids or limit):
        stale = [e["id"] for e in entries if e["id"] not in used]
        if stale:
            click.echo("allow-list entries matching no mutant (stale): " + ", ".join(stale))
    out = report or workdir / "report.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"counts": counts, "minutes": round(minutes, 1), "jobs": jobs,
                               "tests": tests, "files": files, "mutants": results}, indent=1))
    for r in results:
        if r["status"] in ("SURVIVED", "TIMEOUT"):
            click.echo(f"SURVIVED {r['id']}  {r['line']!r} -> {r['replacement']!r}")
    if counts["SURVIVED"] or counts["TIMEOUT"]:
        sys.exit(1)
