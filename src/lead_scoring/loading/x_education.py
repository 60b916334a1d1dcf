"""Import the X Education lead-scoring dataset (9,240 real leads) as raw tables.

    lead-scoring import x-education [--csv ../shared/data/x_education_leads/Leads.csv] --out DIR
    lead-scoring load DIR [--db PATH]

Writes contacts.csv, contact_attributes.csv and conversions.csv into DIR for `lead-scoring load`.
The data has no timestamps, so every lead is created on CREATED_AT and its outcome recorded on
CONVERTED_AT; score it at SCORING_AS_OF, between the two, so outcomes are counted after scoring.

- contacts: contact_id 'xe<Lead Number>', lead_source, country, city, email_consent (= not
  "Do Not Email").
- contact_attributes (custom fields, one row per lead and field): lead_origin, last_activity,
  occupation, specialization, visits (TotalVisits), time_on_site_seconds (Total Time Spent on
  Website), page_views_per_visit, and the remaining answer columns.
- conversions: 'won' for Converted = 1, 'lost' otherwise.
The columns filled in by sales after contact leak the outcome and are not imported: Tags, Lead
Quality, Lead Profile, Last Notable Activity and the four Asymmetrique columns. 'Select' (the web
form's unanswered default) is imported as a missing value.
"""
from __future__ import annotations

import csv
from pathlib import Path

import click

from lead_scoring import PROJECT_DIR
from lead_scoring.commands import CONTEXT, Refused, run

DEFAULT_CSV = PROJECT_DIR.parent / "shared" / "data" / "x_education_leads" / "Leads.csv"
CREATED_AT = "2026-01-01 00:00:00"
SCORING_AS_OF = "2026-02-01 00:00:00"
CONVERTED_AT = "2026-03-01 00:00:00"
LEAKY = ["Tags", "Lead Quality", "Lead Profile", "Last Notable Activity", "Asymmetrique Activity Index",
         "Asymmetrique Profile Index", "Asymmetrique Activity Score", "Asymmetrique Profile Score"]
CONTACT_COLUMNS = {"Lead Source": "lead_source", "Country": "country", "City": "city"}
ATTRIBUTES = {
    "Lead Origin": "lead_origin",
    "Last Activity": "last_activity",
    "What is your current occupation": "occupation",
    "Specialization": "specialization",
    "TotalVisits": "visits",
    "Total Time Spent on Website": "time_on_site_seconds",
    "Page Views Per Visit": "page_views_per_visit",
    "How did you hear about X Education": "heard_about_us",
    "What matters most to you in choosing a course": "what_matters_most",
    "Do Not Call": "do_not_call",
    "Search": "ad_search",
    "Magazine": "ad_magazine",
    "Newspaper Article": "ad_newspaper_article",
    "X Education Forums": "ad_forums",
    "Newspaper": "ad_newspaper",
    "Digital Advertisement": "ad_digital",
    "Through Recommendations": "through_recommendations",
    "Receive More Updates About Our Courses": "receive_course_updates",
    "Update me on Supply Chain Content": "supply_chain_updates",
    "Get updates on DM Content": "dm_content_updates",
    "I agree to pay the amount through cheque": "pay_by_cheque",
    "A free copy of Mastering The Interview": "free_interview_book",
}
EXPECTED = ["Prospect ID", "Lead Number", "Converted", "Do Not Email", *CONTACT_COLUMNS, *ATTRIBUTES, *LEAKY]


def value(text: str | None) -> str | None:
    text = (text or "").strip()
    return None if text in ("", "Select") else text


def read_leads(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as fh:  # csv handles the CRLF line ends
        reader = csv.reader(fh)
        header = next(reader)
        if header and header[-1] == "":  # every line ends with an extra ',' (an empty column)
            header = header[:-1]
        missing = [c for c in EXPECTED if c not in header]
        if missing:
            raise SystemExit(f"{path}: not the X Education file, missing columns {missing}")
        rows = []
        for line_no, row in enumerate(reader, start=2):
            if row and len(row) == len(header) + 1 and row[-1] == "":
                row = row[:-1]
            if len(row) != len(header):
                raise SystemExit(f"{path}: line {line_no} has {len(row)} fields, expected {len(header)}")
            rows.append(dict(zip(header, row)))
    return rows


def convert(leads: list[dict]) -> dict[str, list[dict]]:
    contacts, attributes, conversions = [], [], []
    for lead in leads:
        contact_id = f"xe{lead['Lead Number'].strip()}"
        if lead["Converted"].strip() not in ("0", "1"):
            raise SystemExit(f"lead {contact_id}: Converted is {lead['Converted']!r}, expected 0 or 1")
        contacts.append({"contact_id": contact_id, "created_at": CREATED_AT,
                         "email_consent": "false" if value(lead["Do Not Email"]) == "Yes" else "true",
                         **{name: value(lead[col]) for col, name in CONTACT_COLUMNS.items()}})
        for col, name in ATTRIBUTES.items():
            v = value(lead[col])
            if v is not None:
                attributes.append({"contact_id": contact_id, "attribute": name, "value": v,
                                   "updated_at": CREATED_AT})
        conversions.append({"conversion_id": f"{contact_id}_outcome", "contact_id": contact_id,
                            "converted_at": CONVERTED_AT,
                            "outcome": "won" if lead["Converted"].strip() == "1" else "lost"})
    return {"contacts": contacts, "contact_attributes": attributes, "conversions": conversions}


def write(out: Path, tables: dict[str, list[dict]]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for table, rows in tables.items():
        columns = list(dict.fromkeys(k for r in rows for k in r))
        with (out / f"{table}.csv").open("w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)


@click.command("x-education", context_settings=CONTEXT)
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_CSV,
              show_default=True, help="The dataset's Leads.csv.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Directory for contacts.csv, contact_attributes.csv, conversions.csv.")
def x_education(csv_path: Path, out: Path) -> None:
    """Import the X Education lead-scoring dataset (9,240 real leads) as raw tables; the columns
    sales fill in after contact (they leak the outcome) are left out.

    Example: lead-scoring import x-education --out target/x_education/raw && lead-scoring load target/x_education/raw
    """
    if not csv_path.exists():
        raise Refused(f"{csv_path} not found (the dataset lives in ../shared/data; see its SOURCES.md)")
    tables = convert(read_leads(csv_path))
    write(out, tables)
    won = sum(r["outcome"] == "won" for r in tables["conversions"])
    click.echo(f"import_x_education: {len(tables['contacts']):,} leads ({won:,} converted), "
               f"{len(tables['contact_attributes']):,} custom field values -> {out}")


def main(argv: list[str] | None = None) -> int:
    """The old scripts/import_x_education.py entry point."""
    return run(x_education, argv, "import_x_education")
