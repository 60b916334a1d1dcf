"""Hand-overs: band changes into and out of a sales-ready band, by week and by owner."""
from __future__ import annotations

import altair as alt
import streamlit as st

from lead_scoring.dashboard.common import empty_state, selected_models, sql_list
from lead_scoring.dashboard.data import query


def render() -> None:
    st.title("Hand-overs")
    marks, params = sql_list(selected_models())
    moves = query(
        f"""
        select c.model_id, c.contact_id, c.changed_at, c.from_band, c.to_band, s.owner_id,
               case when t.is_sales_ready then 'into sales-ready' else 'out of sales-ready' end as direction
        from marts.fct_lead_band_changes as c
        left join rules.score_bands as f on f.model_id = c.model_id and f.band = c.from_band
        left join rules.score_bands as t on t.model_id = c.model_id and t.band = c.to_band
        left join marts.fct_lead_scores as s on s.model_id = c.model_id and s.contact_id = c.contact_id
        where c.model_id in ({marks})
          and coalesce(f.is_sales_ready, false) <> coalesce(t.is_sales_ready, false)
        """, params)
    if moves.empty:
        empty_state("No lead has moved into or out of a sales-ready band yet.")
        return
    weekly = (moves.assign(week=moves["changed_at"].dt.to_period("W").dt.start_time)
              .groupby(["model_id", "week", "direction"], as_index=False).size().rename(columns={"size": "leads"}))
    st.altair_chart(
        alt.Chart(weekly).mark_bar().encode(
            x=alt.X("week:T", title="Week (starting Monday)", timeUnit="yearmonthdate"),
            y=alt.Y("leads:Q", title="Leads (count)"),
            color=alt.Color("direction:N", title="Direction",
                            scale=alt.Scale(domain=["into sales-ready", "out of sales-ready"])),
            xOffset="direction:N",
            tooltip=["model_id", "week", "direction", "leads"],
        ).properties(width=300, height=220).facet(column=alt.Column("model_id:N", title="Model"))
        .properties(title="Hand-overs into and out of sales-ready per week"))
    by_owner = (moves.fillna({"owner_id": "(no owner)"})
                .pivot_table(index=["model_id", "owner_id"], columns="direction", values="contact_id",
                             aggfunc="count", fill_value=0).reset_index())
    for column in ("into sales-ready", "out of sales-ready"):
        if column not in by_owner:
            by_owner[column] = 0
    by_owner = by_owner.sort_values(["model_id", "into sales-ready"], ascending=[True, False])
    st.altair_chart(
        alt.Chart(by_owner).mark_bar().encode(
            x=alt.X("into sales-ready:Q", title="Leads handed over (count)"),
            y=alt.Y("owner_id:N", sort="-x", title="Owner"),
            tooltip=["model_id", "owner_id", "into sales-ready", "out of sales-ready"],
        ).properties(width=280).facet(column=alt.Column("model_id:N", title="Model")).resolve_scale(y="independent")
        .properties(title="Hand-overs into sales-ready by current owner"))
    st.dataframe(by_owner.rename(columns={"model_id": "model", "owner_id": "owner"}), hide_index=True)
    st.markdown("**Newest hand-overs**")
    st.dataframe(moves.sort_values("changed_at", ascending=False).head(50), hide_index=True)


if __name__ == "__main__":  # run as a page by st.navigation (app.py)
    render()
