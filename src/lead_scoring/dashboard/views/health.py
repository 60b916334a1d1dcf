"""Data health: rejected rows by reason and source table, pending identities, and freshness of the
last build and of the newest scored event."""
from __future__ import annotations

from datetime import datetime, timezone

import altair as alt
import pandas as pd
import streamlit as st

from lead_scoring.dashboard.data import query, read_copy_path


def _age(then) -> str:
    if then is None or pd.isna(then):
        return "–"
    then = pd.Timestamp(then)
    now = pd.Timestamp(datetime.now(timezone.utc)) if then.tzinfo else pd.Timestamp(datetime.now(timezone.utc).replace(tzinfo=None))
    hours = (now - then).total_seconds() / 3600
    return f"{hours:,.1f} h ago" if hours < 48 else f"{hours / 24:,.1f} days ago"


def render() -> None:
    st.title("Data health")
    publication = query("select published_at, scored_at, rules_version from marts._publication")
    newest = query("select max(last_activity_at) as newest_event, count(*) as scores from marts.fct_lead_scores")
    pub = publication.iloc[0] if not publication.empty else None
    cols = st.columns(3)
    cols[0].metric("Last build published (UTC)", "–" if pub is None else f"{pub.published_at:%Y-%m-%d %H:%M}",
                   delta=None if pub is None else _age(pub.published_at), delta_color="off", delta_arrow="off")
    cols[1].metric("Scored as of", "–" if pub is None or pd.isna(pub.scored_at) else f"{pub.scored_at:%Y-%m-%d %H:%M}")
    ev = newest.iloc[0].newest_event
    cols[2].metric("Newest scored event", "–" if pd.isna(ev) else f"{ev:%Y-%m-%d %H:%M}",
                   delta=None if pd.isna(ev) else _age(ev), delta_color="off", delta_arrow="off",
                   help="The newest activity of any scored lead (fct_lead_scores.last_activity_at).")
    st.caption(f"Read copy: `{read_copy_path()}`")

    st.subheader("Rejected raw rows")
    rejected = query("select source_table, reason, count(*) as rows, max(loaded_at) as last_loaded_at "
                     "from marts.rpt_rejected_rows group by all order by rows desc, source_table, reason")
    if rejected.empty:
        st.success("No raw row was rejected.")
    else:
        st.altair_chart(
            alt.Chart(rejected, title="Rejected rows by reason and source table").mark_bar().encode(
                x=alt.X("rows:Q", title="Rows (count)"), y=alt.Y("reason:N", sort="-x", title="Reason", axis=alt.Axis(labelLimit=320)),
                color=alt.Color("source_table:N", title="Source table"),
                tooltip=["source_table", "reason", "rows", "last_loaded_at"]),
            width="stretch")
        st.dataframe(rejected, hide_index=True)
        st.caption("Rows are in `marts.rpt_rejected_rows` with their raw values; fix them at the source and load again.")

    st.subheader("Pending identities")
    pending = query("select count(*) as ids, coalesce(sum(pending_events), 0) as events, min(first_occurred_at) as oldest, "
                    "max(last_occurred_at) as newest from marts.rpt_pending_identities")
    p = pending.iloc[0]
    if int(p.ids) == 0:
        st.success("No anonymous event is waiting for an identity.")
    else:
        cols = st.columns(3)
        cols[0].metric("Anonymous ids waiting", f"{int(p.ids):,}")
        cols[1].metric("Their events", f"{int(p.events):,}")
        cols[2].metric("Oldest waiting event", f"{p.oldest:%Y-%m-%d}")
        st.caption("They score once `raw.identities` maps the anonymous id to a contact (load identities and build).")


if __name__ == "__main__":  # run as a page by st.navigation (app.py)
    render()
