"""Read copies for the dashboard tests: a small demo warehouse built with the project's loader and
dbt in-process (tests_py/conftest.py's Project), published the way scripts/build.py publishes."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
AS_OF_1 = "2026-05-31 00:00:00"
AS_OF_2 = "2026-06-30 00:00:00"


def _conftest():
    """tests_py/conftest.py as a module (also from tests_browser, whose own conftest shadows the name)."""
    if "lead_scoring_test_harness" not in sys.modules:
        spec = importlib.util.spec_from_file_location("lead_scoring_test_harness", REPO / "tests_py" / "conftest.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return sys.modules["lead_scoring_test_harness"]


def publish(project, target: Path) -> Path:
    """`lead-scoring build`'s publish(): a new file swapped in with os.replace."""
    from lead_scoring.building.publish import publish as build_publish

    build_publish(Path(project.db), target)
    return target


def demo_project(root: Path, contacts: int = 300, events: int = 9000):
    """The demo generator's data in two batches, built as of 2026-05-31 and 2026-06-30."""
    harness = _conftest()
    data = root / "data"
    subprocess.run([sys.executable, "-m", "lead_scoring", "demo-data", "--out", str(data),
                    "--contacts", str(contacts), "--events", str(events), "--batches", "2", "--seed", "7"],
                   check=True, capture_output=True)
    project = harness.Project(root / "project")
    from lead_scoring.loading.loader import load_directory

    load_directory(project.db, data / "batch_1", "2026-06-01 00:00:00")
    project.build(as_of=AS_OF_1)
    load_directory(project.db, data / "batch_2", "2026-07-01 00:00:00")
    project.build(as_of=AS_OF_2)
    return project


def empty_project(root: Path):
    """The demo rules and no data at all: every raw table exists and is empty."""
    harness = _conftest()
    project = harness.Project(root / "project")
    from lead_scoring.loading.loader import load_directory

    (root / "empty").mkdir()
    load_directory(project.db, root / "empty", "2026-06-01 00:00:00")
    project.build(as_of=AS_OF_2)
    return project
