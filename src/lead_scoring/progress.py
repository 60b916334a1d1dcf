"""Progress bars for long work (Rich), shown only when stderr is a terminal: CI and cron stay quiet."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn


class Step:
    """One task's bar; every method does nothing when output is not a terminal."""

    def __init__(self, progress: Progress | None = None, task=None):
        self._progress, self._task = progress, task

    def advance(self, by: int = 1, description: str | None = None) -> None:
        if self._progress is not None:
            self._progress.update(self._task, advance=by,
                                  **({"description": description} if description else {}))

    def update(self, *, total: int | None = None, description: str | None = None) -> None:
        if self._progress is not None:
            fields = {k: v for k, v in (("total", total), ("description", description)) if v is not None}
            self._progress.update(self._task, **fields)


def stderr_console() -> Console:
    return Console(stderr=True)


@contextmanager
def progress(description: str, total: int | None = None, console: Console | None = None) -> Iterator[Step]:
    """A bar `description  done/total` on stderr, removed when the work ends."""
    console = console or stderr_console()
    if not console.is_terminal:
        yield Step()
        return
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as bar:
        yield Step(bar, bar.add_task(description, total=total))
