"""File: each batch of changed rows becomes one JSONL or CSV file, written whole and renamed
into place. The file name is derived from the rows and values it holds, so a rerun after a crash
between the rename and the state commit rewrites the same file instead of adding a duplicate."""
from __future__ import annotations

import csv
import json
import math
import os
from pathlib import Path

from .engine import Result, Row, send_batches
from .http import SyncError
from .webhook import batch_key

DEFAULT_BATCH = 10_000


class FileDestination:
    label = "file"

    def __init__(self, mapping, batch_size: int | None = None, out: Path | None = None):
        self.mapping = mapping
        self.batch_size = batch_size or DEFAULT_BATCH
        self.format = mapping.options["format"]
        out = out or mapping.options.get("out")
        if not out:
            raise SyncError("file: give --out or out: in the mapping")
        self.out = Path(out)

    def describe(self) -> str:
        return f"{self.format} files in {self.out}, up to {self.batch_size:,} rows each"

    def invalid_reason(self, row: Row) -> str | None:
        return None

    def requests_needed(self, n: int) -> int:
        return math.ceil(n / self.batch_size)

    def connect(self, max_requests, time_budget, timeout):
        self.out.mkdir(parents=True, exist_ok=True)
        return None

    def deliver(self, rows: list[Row], ctx) -> None:
        send_batches(rows, self.batch_size, self._write, ctx)

    def _write(self, batch: list[Row]) -> list[Result]:
        key = batch_key(self.mapping.name, batch)
        target = self.out / f"{self.mapping.name}_{key[:20]}.{self.format}"
        tmp = target.with_name(f".{target.name}.tmp")
        with tmp.open("w", newline="") as fh:
            if self.format == "jsonl":
                fh.writelines(json.dumps(row.payload) + "\n" for row in batch)
            else:
                writer = csv.DictWriter(fh, fieldnames=list(batch[0].payload))
                writer.writeheader()
                writer.writerows(row.payload for row in batch)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        return [Result(row, "accepted", None, None, {"file": target.name}) for row in batch]
