"""The X Education importer: file format quirks, leaky columns, outcome mapping."""
from __future__ import annotations

import pytest

from conftest import REPO
from lead_scoring.loading import x_education as xe

LEADS = REPO.parent / "shared" / "data" / "x_education_leads" / "Leads.csv"


@pytest.mark.skipif(not LEADS.exists(), reason="../shared/data is not present")
def test_real_file_imports_every_lead_without_leaky_columns():
    tables = xe.convert(xe.read_leads(LEADS))
    assert len(tables["contacts"]) == 9240
    assert sum(r["outcome"] == "won" for r in tables["conversions"]) == 3561
    attributes = {r["attribute"] for r in tables["contact_attributes"]}
    assert {"lead_origin", "last_activity", "visits", "time_on_site_seconds", "page_views_per_visit"} <= attributes
    leaky = {"tags", "lead_quality", "lead_profile", "last_notable_activity"}
    assert not attributes & leaky and not any("asymmetrique" in a for a in attributes)
    assert all(r["value"] != "Select" for r in tables["contact_attributes"])


def header_and(*rows: str) -> bytes:
    return ("\r\n".join([",".join(xe.EXPECTED) + ","] + list(rows)) + "\r\n").encode()


def row(number: str, converted: str, **overrides) -> str:
    values = {c: "" for c in xe.EXPECTED}
    values.update({"Prospect ID": f"p{number}", "Lead Number": number, "Converted": converted,
                   "Do Not Email": "Yes", "Lead Source": "Google", "Specialization": "Select", "Tags": "Closed",
                   "TotalVisits": "3"}, **overrides)
    return ",".join(values[c] for c in xe.EXPECTED) + ","


def test_crlf_trailing_comma_select_and_outcomes(tmp_path):
    path = tmp_path / "Leads.csv"
    path.write_bytes(header_and(row("1", "1"), row("2", "0")))
    tables = xe.convert(xe.read_leads(path))
    assert [(c["contact_id"], c["email_consent"], c["lead_source"]) for c in tables["contacts"]] == [
        ("xe1", "false", "Google"), ("xe2", "false", "Google")]
    assert [(c["contact_id"], c["outcome"]) for c in tables["conversions"]] == [("xe1", "won"), ("xe2", "lost")]
    assert {(a["contact_id"], a["attribute"], a["value"]) for a in tables["contact_attributes"]} == {
        ("xe1", "visits", "3"), ("xe2", "visits", "3")}   # 'Select' is missing, Tags is not imported


def test_a_short_line_is_refused_with_its_number(tmp_path):
    path = tmp_path / "Leads.csv"
    path.write_bytes(header_and(row("1", "1"), "x,y,z"))
    with pytest.raises(SystemExit, match="line 3 has 3 fields"):
        xe.read_leads(path)
