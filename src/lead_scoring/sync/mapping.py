"""The mapping file: which of our columns go to which CRM fields, checked before anything is sent."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

# Columns of marts.crm_lead_scores a mapping may use (score_updated_at and payload_hash are
# bookkeeping of the mart, not CRM values).
SYNCABLE_COLUMNS = ("contact_id", "email", "lead_score", "fit_score", "engagement_score", "lead_band",
                    "is_sales_ready", "owner_id", "primary_interest", "score_updated_at")
DESTINATIONS = ("hubspot", "salesforce", "webhook", "file")
TOP_LEVEL = {
    "hubspot": {"destination", "name", "object", "match", "fields"},
    "salesforce": {"destination", "name", "object", "match", "fields", "api", "bulk_threshold", "api_version"},
    "webhook": {"destination", "name", "url", "match", "fields"},
    "file": {"destination", "name", "out", "format", "match", "fields"},
}
SALESFORCE_OBJECTS = ("Lead", "Contact")


class MappingError(ValueError):
    """A mapping file problem, as one line naming the file and the entry."""


@dataclass
class Mapping:
    path: Path
    destination: str
    name: str
    match_column: str
    match_field: str
    fields: dict[str, str]                     # our column -> CRM field, in file order
    options: dict = field(default_factory=dict)  # destination-specific keys (object, api, url, ...)

    @property
    def columns(self) -> list[str]:
        return list(dict.fromkeys([self.match_column, *self.fields]))


def load_mapping(path: Path, destination: str, table_columns: list[str] | None = None) -> Mapping:
    """Read and validate a mapping; raise MappingError with a one-line reason."""
    where = str(path)
    try:
        data = yaml.safe_load(Path(path).read_text())
    except FileNotFoundError:
        raise MappingError(f"mapping {where}: file not found") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark else ""
        raise MappingError(f"mapping {where}:{line} not valid YAML") from None
    if not isinstance(data, dict):
        raise MappingError(f"mapping {where}: expected keys destination, match, fields")

    def fail(entry: str, problem: str) -> MappingError:
        return MappingError(f"mapping {where}: {entry}: {problem}")

    declared = data.get("destination", destination)
    if declared != destination:
        raise fail("destination", f"this file is for {declared!r}, not {destination!r}")
    unknown_keys = sorted(set(data) - TOP_LEVEL[destination])
    if unknown_keys:
        raise fail(unknown_keys[0], f"unknown key (allowed: {', '.join(sorted(TOP_LEVEL[destination]))})")
    known = set(table_columns) if table_columns else set(SYNCABLE_COLUMNS)
    known -= {"payload_hash"}

    match = data.get("match")
    if not isinstance(match, dict) or not match.get("column") or not match.get("field"):
        raise fail("match", "missing match key: give match: {column: <our column>, field: <CRM field>}")
    match_column, match_field = str(match["column"]), str(match["field"])
    if match_column not in known:
        raise fail("match.column", f"unknown column {match_column!r} (columns: {', '.join(sorted(known))})")

    fields = data.get("fields")
    if not isinstance(fields, dict) or not fields:
        raise fail("fields", "expected at least one 'our_column: crm_field' entry")
    targets: dict[str, str] = {match_field.lower(): "match.field"}
    mapped: dict[str, str] = {}
    for column, target in fields.items():
        column = str(column)
        if column not in known:
            raise fail(f"fields.{column}", f"unknown column (columns: {', '.join(sorted(known))})")
        if not isinstance(target, str) or not target.strip():
            raise fail(f"fields.{column}", "expected a CRM field name")
        target = target.strip()
        previous = targets.get(target.lower())
        if previous:
            raise fail(f"fields.{column}", f"duplicate target {target!r} (also {previous})")
        targets[target.lower()] = f"fields.{column}"
        mapped[column] = target

    options = {k: v for k, v in data.items() if k not in {"destination", "name", "match", "fields"}}
    if destination == "salesforce":
        obj = options.setdefault("object", "Lead")
        if obj not in SALESFORCE_OBJECTS:
            raise fail("object", f"expected one of {', '.join(SALESFORCE_OBJECTS)}")
        if options.setdefault("api", "auto") not in ("auto", "bulk", "composite"):
            raise fail("api", "expected auto, bulk or composite")
        threshold = options.setdefault("bulk_threshold", 2000)
        if not isinstance(threshold, int) or threshold < 1:
            raise fail("bulk_threshold", "expected a positive whole number of rows")
        options["api_version"] = str(options.get("api_version", "62.0"))
    if destination == "hubspot" and options.setdefault("object", "contacts") != "contacts":
        raise fail("object", "only contacts are supported")
    if destination == "file" and options.setdefault("format", "jsonl") not in ("jsonl", "csv"):
        raise fail("format", "expected jsonl or csv")
    name = str(data.get("name") or destination)
    return Mapping(Path(path), destination, name, match_column, match_field, mapped, options)
