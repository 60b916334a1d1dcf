"""Queries against the published read copy, cached by its path and modification time.

scripts/build.py publishes by writing a new file and `os.replace`-ing it over the read copy, so a
path always names a complete database. Each query opens its own read-only connection and closes
it; a cached result is keyed by (path, mtime, size, inode), so the first interaction after a
publish reads the new file. If an open or read fails while the file is being swapped, the query
is retried; if it keeps failing, the previous result of the same query is shown.
"""
from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

READ_DB_ENV = "LEAD_SCORING_READ_DB"
ATTEMPTS = 5
LAST_GOOD_ENTRIES = 500
# DuckDB's Python client shares one database instance per path among the connections open at the
# same time: a connection opened while another session's query still holds the old file would
# read the old file under the new cache key. Queries therefore run one at a time (they are short,
# and cached), so every connect opens whatever file the path names now.
_connect_lock = threading.Lock()


class NoReadCopy(Exception):
    """The read copy does not exist yet (nothing was built and published)."""


class MissingRelation(Exception):
    """The read copy lacks a table the page needs (published by an older version)."""


def read_copy_path() -> Path:
    """$LEAD_SCORING_READ_DB, else <LEAD_SCORING_DB without .duckdb>_read.duckdb, as scripts/build.py computes."""
    explicit = os.environ.get(READ_DB_ENV)
    if explicit:
        return Path(explicit).resolve()
    db = Path(os.environ.get("LEAD_SCORING_DB", "lead_scoring.duckdb")).resolve()
    return db.with_name(db.stem + "_read" + db.suffix)


def _stamp(path: Path) -> tuple[int, int, int]:
    stat = os.stat(path)
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def publication_stamp() -> tuple[int, int, int] | None:
    try:
        return _stamp(read_copy_path())
    except FileNotFoundError:
        return None


@st.cache_data(max_entries=1000, show_spinner=False)
def _run(path: str, stamp: tuple[int, int, int], sql: str, params: tuple) -> pd.DataFrame:
    # `stamp` is only part of the cache key: a new publication gets new entries.
    with _connect_lock:
        con = duckdb.connect(path, read_only=True)
        try:
            return con.execute(sql, list(params)).df()
        finally:
            con.close()


# The last result of each query, shown if the read copy cannot be read during a swap.
_last_good: OrderedDict[tuple[str, str, tuple], pd.DataFrame] = OrderedDict()


def query(sql: str, params: tuple | list = ()) -> pd.DataFrame:
    path = read_copy_path()
    params = tuple(params)
    key = (str(path), sql, params)
    error: Exception | None = None
    for attempt in range(ATTEMPTS):
        try:
            stamp = _stamp(path)
        except FileNotFoundError:
            raise NoReadCopy(str(path)) from None
        try:
            frame = _run(str(path), stamp, sql, params)
        except duckdb.CatalogException as exc:
            raise MissingRelation(str(exc).splitlines()[0]) from None
        except (duckdb.Error, OSError) as exc:  # e.g. opened while being replaced: try again
            error = exc
            time.sleep(0.1 * (attempt + 1))
            continue
        _last_good[key] = frame
        _last_good.move_to_end(key)
        while len(_last_good) > LAST_GOOD_ENTRIES:
            _last_good.popitem(last=False)
        return frame.copy()
    if key in _last_good:
        st.caption("The read copy is being replaced; showing the previous data. Interact again to see the new scores.")
        return _last_good[key].copy()
    raise error  # type: ignore[misc]


def scalar(sql: str, params: tuple | list = ()):
    frame = query(sql, params)
    return None if frame.empty else frame.iat[0, 0]
