#!/usr/bin/env python3
"""Import an XES event log (IEEE 1849, e.g. the BPI Challenge 2012 log) as raw tables.

    scripts/import_xes.py --xes ../shared/data/bpic2012/BPI_Challenge_2012.xes.gz --out DIR
    scripts/load_raw.py DIR [--db PATH]

One trace (case) is one lead, its events are its behaviour and its outcome activities are its
conversion. Writes into DIR, for scripts/load_raw.py:

- contacts.csv: contact_id = the trace's concept:name, created_at = REG_DATE (else its first
  event), lead_source = --source.
- contact_attributes.csv: every other trace attribute (AMOUNT_REQ -> amount_req); nested
  attributes get dotted names (parent.child).
- interactions.csv: one row per event that is behaviour: event_type = activity + '_' +
  lifecycle, lower-cased, every run of non-alphanumerics one '_' (W_Completeren aanvraag /
  START -> w_completeren_aanvraag_start); occurred_at in UTC; properties = JSON with activity,
  lifecycle, resource (when present) and any other event attribute.
- conversions.csv: the first outcome activity of the trace (--won / --lost activities):
  'won' or 'lost' at its time.
- _rejected_traces.csv: traces that could not be imported (no id, an event without activity or
  with a missing or unparseable timestamp, ...), with their id (or position) and the reason.
  They are reported on stderr too; --strict turns any of them into a failure.

Outcome events are never behaviour: the --outcome-activities (which happen with the decision)
and every event from --outcome-margin-seconds before the trace's first outcome on (the decision
drags work items with it; see SOURCES.md) are left out of interactions and counted in the summary.

The XML is streamed (ElementTree.iterparse, each trace cleared once read), so the log is never
held in memory.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from lead_scoring import PROJECT_DIR as REPO

DEFAULT_XES = REPO.parent / "shared" / "data" / "bpic2012" / "BPI_Challenge_2012.xes.gz"
# BPI Challenge 2012 (SOURCES.md): the decision activities and what happens within a second of them.
WON = ["A_APPROVED"]
LOST = ["A_DECLINED", "A_CANCELLED"]
OUTCOME_ACTIVITIES = ["A_APPROVED", "A_REGISTERED", "A_ACTIVATED", "O_ACCEPTED", "A_DECLINED", "A_CANCELLED"]
OUTCOME_MARGIN_SECONDS = 60.0
ATTRIBUTE_TAGS = {"string", "date", "int", "float", "boolean", "id", "list", "container"}
TABLE_COLUMNS = {
    "contacts": ["contact_id", "lead_source", "created_at"],
    "contact_attributes": ["contact_id", "attribute", "value", "updated_at"],
    "interactions": ["event_id", "contact_id", "event_type", "occurred_at", "source", "properties"],
    "conversions": ["conversion_id", "contact_id", "converted_at", "outcome", "amount"],
    "rejected_traces": ["trace", "reason"],
}


class MalformedTrace(ValueError):
    pass


def local(tag: str) -> str:
    """The tag without its XML namespace ('{http://www.xes-standard.org/}trace' -> 'trace')."""
    return tag.rsplit("}", 1)[-1]


def event_type_of(activity: str, lifecycle: str | None) -> str:
    text = f"{activity}_{lifecycle}" if lifecycle else activity
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def attribute_name(key: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "_", key.lower()).strip("_")


def parse_time(text: str) -> datetime:
    """An XES date (xs:dateTime) as a naive UTC datetime; without an offset it is taken as UTC."""
    stamp = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(timezone.utc).replace(tzinfo=None)
    return stamp


def time_text(stamp: datetime) -> str:
    return stamp.isoformat(sep=" ", timespec="milliseconds")


def attributes(element: ET.Element, prefix: str = "") -> dict[str, str]:
    """The XES attributes under an element, nested ones as 'parent.child' (values as text)."""
    out: dict[str, str] = {}
    for child in element:
        kind = local(child.tag)
        if kind not in ATTRIBUTE_TAGS:
            continue
        key = child.get("key")
        if key is None:
            continue
        name = f"{prefix}{key}"
        if kind not in ("list", "container") and child.get("value") is not None:
            out[name] = child.get("value")
        nested = child.find("./{*}values") if kind == "list" else None
        out.update(attributes(nested if nested is not None else child, prefix=f"{name}."))
    return out


@dataclass
class Tables:
    rows: dict[str, list[dict]] = field(default_factory=lambda: {t: [] for t in TABLE_COLUMNS})
    dropped_outcome_events: Counter = field(default_factory=Counter)


def convert_trace(trace: ET.Element, position: int, args) -> dict[str, list[dict]]:
    """One trace as rows of the raw tables; raises MalformedTrace naming what is wrong."""
    trace_attrs = attributes(trace)
    case = trace_attrs.get("concept:name")
    if not case or not case.strip():
        raise MalformedTrace("trace has no concept:name")
    case = case.strip()
    events = []
    for i, event in enumerate(trace.iterfind("./{*}event"), start=1):
        attrs = attributes(event)
        activity = (attrs.get("concept:name") or "").strip()
        if not activity:
            raise MalformedTrace(f"event {i} has no concept:name")
        if not attrs.get("time:timestamp"):
            raise MalformedTrace(f"event {i} ({activity}) has no time:timestamp")
        try:
            stamp = parse_time(attrs["time:timestamp"])
        except ValueError:
            raise MalformedTrace(f"event {i} ({activity}) has an unparseable time:timestamp "
                                 f"{attrs['time:timestamp']!r}") from None
        events.append((stamp, i, activity, attrs))
    if not events:
        raise MalformedTrace("trace has no events")
    created = min(e[0] for e in events)
    if trace_attrs.get("REG_DATE"):
        try:
            created = parse_time(trace_attrs["REG_DATE"])
        except ValueError:
            raise MalformedTrace(f"unparseable REG_DATE {trace_attrs['REG_DATE']!r}") from None
    out: dict[str, list[dict]] = {t: [] for t in TABLE_COLUMNS}
    out["contacts"].append({"contact_id": case, "lead_source": args.source, "created_at": time_text(created)})
    amount = None
    for key, value in trace_attrs.items():
        if key in ("concept:name", "REG_DATE"):
            continue
        out["contact_attributes"].append({"contact_id": case, "attribute": attribute_name(key), "value": value,
                                          "updated_at": time_text(created)})
        if key == args.amount_attribute:
            amount = value
    outcomes = sorted((e for e in events if e[2] in args.won or e[2] in args.lost), key=lambda e: (e[0], e[1]))
    cutoff = None
    if outcomes:
        stamp, i, activity, _ = outcomes[0]
        out["conversions"].append({"conversion_id": f"{case}:{i}", "contact_id": case,
                                   "converted_at": time_text(stamp),
                                   "outcome": "won" if activity in args.won else "lost", "amount": amount})
        cutoff = stamp - timedelta(seconds=args.outcome_margin_seconds)
    for stamp, i, activity, attrs in events:
        lifecycle = attrs.get("lifecycle:transition")
        if activity in args.outcome_activities or (cutoff is not None and stamp >= cutoff):
            out.setdefault("_dropped", []).append(event_type_of(activity, lifecycle))
            continue
        properties = {"activity": activity, "lifecycle": lifecycle, "resource": attrs.get("org:resource")}
        properties.update({k: v for k, v in attrs.items() if k not in (
            "concept:name", "lifecycle:transition", "org:resource", "time:timestamp")})
        out["interactions"].append({
            "event_id": f"{case}:{i}", "contact_id": case, "event_type": event_type_of(activity, lifecycle),
            "occurred_at": time_text(stamp), "source": args.source,
            "properties": json.dumps({k: v for k, v in properties.items() if v is not None}, sort_keys=True)})
    return out


def open_xes(path: Path):
    return gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")


def read_log(path: Path, args) -> Tables:
    """Stream the log: each trace is converted when its end tag is read, then cleared."""
    tables = Tables()
    position = 0
    with open_xes(path) as fh:
        context = ET.iterparse(fh, events=("start", "end"))
        depth, root = 0, None
        try:
            for kind, element in context:
                if kind == "start":
                    depth += 1
                    if root is None:
                        root = element
                    continue
                depth -= 1
                if depth != 1:  # only the log's direct children: traces and log-level metadata
                    continue
                if local(element.tag) == "trace":
                    position += 1
                    name = (attributes(element).get("concept:name") or "").strip()
                    try:
                        rows = convert_trace(element, position, args)
                    except MalformedTrace as exc:
                        label = name or f"#{position} (no id)"
                        tables.rows["rejected_traces"].append({"trace": label, "reason": str(exc)})
                    else:
                        tables.dropped_outcome_events.update(rows.pop("_dropped", []))
                        for table, table_rows in rows.items():
                            tables.rows[table].extend(table_rows)
                element.clear()
                root.remove(element)  # the log element would otherwise keep every (empty) trace
        except ET.ParseError as exc:
            raise SystemExit(f"{path}: not well-formed XML after trace #{position}: {exc}") from None
    if root is None or local(root.tag) != "log":
        raise SystemExit(f"{path}: not an XES log (no <log> root element)")
    return tables


def write(out: Path, tables: Tables) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for table, columns in TABLE_COLUMNS.items():
        # the report of rejected traces starts with _, which the raw loader skips by rule
        name = f"_{table}.csv" if table == "rejected_traces" else f"{table}.csv"
        with (out / name).open("w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(tables.rows[table])


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--xes", type=Path, default=DEFAULT_XES, help="XES file (.xes or .xes.gz)")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--source", default="bpic2012", help="lead_source of the contacts and source of the events")
    p.add_argument("--won", action="append", help=f"won outcome activity (repeatable; default {WON})")
    p.add_argument("--lost", action="append", help=f"lost outcome activity (repeatable; default {LOST})")
    p.add_argument("--outcome-activities", action="append",
                   help=f"activities that are outcome, never behaviour (default {OUTCOME_ACTIVITIES})")
    p.add_argument("--outcome-margin-seconds", type=float, default=OUTCOME_MARGIN_SECONDS,
                   help="events this close before the first outcome, or after it, are outcome too")
    p.add_argument("--amount-attribute", default="AMOUNT_REQ", help="trace attribute copied to conversions.amount")
    p.add_argument("--strict", action="store_true", help="fail (exit 1) when any trace is malformed")
    return p


def resolve(args) -> argparse.Namespace:
    args.won = set(args.won or WON)
    args.lost = set(args.lost or LOST)
    args.outcome_activities = set(args.outcome_activities or OUTCOME_ACTIVITIES) | args.won | args.lost
    return args


def main(argv: list[str] | None = None) -> int:
    args = resolve(parser().parse_args(argv))
    if not args.xes.exists():
        raise SystemExit(f"{args.xes} not found (the BPI Challenge 2012 log lives in ../shared/data; see SOURCES.md)")
    tables = read_log(args.xes, args)
    write(args.out, tables)
    rows = tables.rows
    won = sum(r["outcome"] == "won" for r in rows["conversions"])
    print(f"import_xes: {len(rows['contacts']):,} traces, {len(rows['interactions']):,} behaviour events, "
          f"{sum(tables.dropped_outcome_events.values()):,} outcome events left out, "
          f"{len(rows['conversions']):,} outcomes ({won:,} won) -> {args.out}")
    for reject in rows["rejected_traces"]:
        print(f"import_xes: trace {reject['trace']} rejected: {reject['reason']}", file=sys.stderr)
    if rows["rejected_traces"] and args.strict:
        print(f"import_xes: {len(rows['rejected_traces'])} malformed trace(s); see {args.out}/_rejected_traces.csv",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
