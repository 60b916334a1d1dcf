"""Leads: the ranked table of one model, filtered by band, owner, primary interest, account, and
searched by e-mail or id; each lead links to its own page."""
from __future__ import annotations

import html
from urllib.parse import urlencode

import streamlit as st

from lead_scoring.dashboard.common import all_models, empty_state, fmt_points, sql_list
from lead_scoring.dashboard.data import query

PAGE_SIZE = 50
# Compact rows that scroll sideways on a narrow screen rather than wrapping every name.
TABLE_STYLE = ("<style>div.leads-wrap{overflow-x:auto} table.leads{font-size:0.85rem;width:100%}"
               "table.leads th,table.leads td{padding:0.25rem 0.5rem;white-space:nowrap}</style>")


def lead_href(model_id: str, contact_id: str) -> str:
    return "lead?" + urlencode({"model_id": model_id, "contact_id": contact_id})


def render() -> None:
    st.title("Leads")
    models = list(all_models()["model_id"])
    if not models:
        empty_state("No scoring model is defined.")
        return
    top = st.columns(3)
    model = top[0].selectbox("Model", models, key="leads_model")
    search = top[1].text_input("Search e-mail or contact id", key="leads_search").strip()
    account = top[2].text_input("Account id", key="leads_account").strip()
    options = query(
        "select 'band' as kind, band as value, min_score as o from rules.score_bands where model_id = ? "
        "union all select distinct 'owner', owner_id, 0 from marts.fct_lead_scores where model_id = ? and owner_id is not null "
        "union all select distinct 'interest', primary_interest_tag, 0 from marts.fct_lead_scores "
        "where model_id = ? and primary_interest_tag is not null order by 1, 3 desc, 2", (model, model, model))
    pick = st.columns(3)
    bands = pick[0].multiselect("Band", list(options.loc[options.kind == "band", "value"]), key="leads_band")
    owners = pick[1].multiselect("Owner", list(options.loc[options.kind == "owner", "value"]), key="leads_owner")
    interests = pick[2].multiselect("Primary interest", list(options.loc[options.kind == "interest", "value"]),
                                    key="leads_interest")

    where, params = ["s.model_id = ?"], [model]
    for column, values in (("s.band", bands), ("s.owner_id", owners), ("s.primary_interest_tag", interests)):
        if values:
            marks, values = sql_list(values)
            where.append(f"{column} in ({marks})")
            params += values
    if account:
        where.append("s.account_id = ?")
        params.append(account)
    if search:
        where.append("(s.contact_id ilike ? or c.email ilike ?)")
        params += [f"%{search}%"] * 2
    condition = " and ".join(where)
    total = int(query(f"select count(*) from marts.fct_lead_scores as s left join marts.dim_contacts as c "
                      f"using (contact_id) where {condition}", params).iat[0, 0])
    if total == 0:
        if not (bands or owners or interests or account or search):
            empty_state(f"Model `{model}` has no scored leads yet.")
        else:
            st.info("No lead matches these filters; clear a filter or the search.")
        return
    pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
    if st.session_state.get("leads_page", 1) > pages:  # a filter left fewer pages than the one shown
        st.session_state["leads_page"] = 1
    page = st.number_input(f"Page (of {pages}; {total:,} leads, {PAGE_SIZE} a page)", min_value=1,
                           max_value=pages, step=1, key="leads_page")
    rows = query(
        f"""
        select s.score_rank, s.contact_id, trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')) as name,
               c.email, s.account_id, s.band, s.score, s.fit_score, s.engagement_score,
               s.primary_interest_tag, s.owner_id, s.last_activity_at
        from marts.fct_lead_scores as s left join marts.dim_contacts as c using (contact_id)
        where {condition} order by s.score_rank, s.contact_id limit {PAGE_SIZE} offset ?
        """, [*params, (int(page) - 1) * PAGE_SIZE])
    st.markdown(_table(model, rows), unsafe_allow_html=True)


def _table(model: str, rows) -> str:
    """An HTML table (every value escaped: names and e-mails are untrusted) with a link per lead."""
    headers = ["Rank", "Contact", "Name", "E-mail", "Account", "Band", "Score (points)", "Fit", "Engagement",
               "Primary interest", "Owner", "Last activity"]
    esc = lambda v: "" if v is None or v != v else html.escape(str(v))  # noqa: E731  (v != v: NaN/NaT)
    out = [TABLE_STYLE, "<div class='leads-wrap'><table class='leads'><thead><tr>", *(f"<th>{h}</th>" for h in headers),
           "</tr></thead><tbody>"]
    for r in rows.itertuples():
        link = f"<a href='{html.escape(lead_href(model, r.contact_id))}' target='_self'>{esc(r.contact_id)}</a>"
        last = "" if r.last_activity_at is None or r.last_activity_at != r.last_activity_at else f"{r.last_activity_at:%Y-%m-%d}"
        cells = [esc(r.score_rank), link, esc(r.name), esc(r.email), esc(r.account_id), esc(r.band),
                 fmt_points(r.score), fmt_points(r.fit_score), fmt_points(r.engagement_score),
                 esc(r.primary_interest_tag), esc(r.owner_id), last]
        out.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


if __name__ == "__main__":  # run as a page by st.navigation (app.py)
    render()
