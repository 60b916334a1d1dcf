"""Overview: per model, leads by band (a funnel), the score distribution, the sales-ready count
and its change since the previous scoring, the rules version and scored_at."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from lead_scoring.dashboard.common import empty_state, fmt_points, selected_models, sql_list
from lead_scoring.dashboard.data import query

BIN_POINTS = 10


def render() -> None:
    st.title("Overview")
    models = selected_models()
    marks, params = sql_list(models)
    summary = query(
        f"""
        with current as (
            select model_id, count(*) as leads, count(*) filter (where is_sales_ready) as sales_ready,
                   max(scored_at) as scored_at, max(rules_version) as rules_version
            from marts.fct_lead_scores where model_id in ({marks}) group by model_id
        ),
        previous_time as (  -- the previous scoring that changed any lead: the newest earlier version start
            select h.model_id, max(h.valid_from) as previous_at
            from marts.fct_lead_score_history as h join current as c using (model_id)
            where h.valid_from < c.scored_at group by h.model_id
        ),
        previous as (
            select p.model_id, p.previous_at,
                   count(h.contact_id) filter (where h.is_sales_ready) as previous_sales_ready
            from previous_time as p left join marts.fct_lead_score_history as h
              on h.model_id = p.model_id and h.valid_from <= p.previous_at
             and (h.valid_to is null or h.valid_to > p.previous_at)
            group by p.model_id, p.previous_at
        )
        select c.*, p.previous_at, p.previous_sales_ready
        from current as c left join previous as p using (model_id) order by c.model_id
        """, params)
    if summary.empty:
        empty_state("No lead has been scored yet.")
        return
    for row in summary.itertuples():
        st.subheader(f"Model `{row.model_id}`")
        st.caption(f"Scored at {row.scored_at:%Y-%m-%d %H:%M} · rules version `{row.rules_version}`")
        cols = st.columns(3)
        cols[0].metric("Leads scored", f"{row.leads:,}")
        delta = None
        if not pd.isna(row.previous_at) and not pd.isna(row.previous_sales_ready):
            delta = int(row.sales_ready - row.previous_sales_ready)
        cols[1].metric("Sales-ready leads", f"{row.sales_ready:,}",
                       delta=None if delta is None else f"{delta:+,} since {row.previous_at:%Y-%m-%d %H:%M}",
                       help="Change since the previous scoring that moved a lead (fct_lead_score_history).")
        cols[2].metric("Share sales-ready", f"{row.sales_ready / row.leads:.1%}")

    bands = query(
        f"""
        select b.model_id, b.band, b.min_score, b.is_sales_ready, count(s.contact_id) as leads
        from rules.score_bands as b
        left join marts.fct_lead_scores as s on s.model_id = b.model_id and s.band = b.band
        where b.model_id in ({marks})
        group by all order by b.model_id, b.min_score desc
        """, params)
    if bands.empty:  # a publish replaced the read copy during this run: the next run shows it whole
        return
    funnel = (
        alt.Chart(bands)
        .mark_bar()
        .encode(
            x=alt.X("leads:Q", title="Leads (count)"),
            y=alt.Y("band:N", title="Band", sort=alt.EncodingSortField("min_score", order="descending")),
            color=alt.Color("is_sales_ready:N", title="Sales-ready"),
            tooltip=["model_id", "band", "min_score", "leads"],
        )
        .properties(width=320, height=200)
    )
    labels = funnel.mark_text(align="left", dx=3).encode(text="leads:Q", color=alt.value("black"))
    st.altair_chart((funnel + labels).facet(column=alt.Column("model_id:N", title="Model"))
                    .resolve_scale(y="independent").properties(title="Leads by band (funnel, highest band on top)"))

    distribution = query(
        f"""
        select model_id, floor(score / {BIN_POINTS}) * {BIN_POINTS} as score_from, count(*) as leads
        from marts.fct_lead_scores where model_id in ({marks}) group by all order by 1, 2
        """, params)
    if distribution.empty:  # as above: a publish during this run
        return
    distribution["score_to"] = distribution["score_from"] + BIN_POINTS
    histogram = (
        alt.Chart(distribution)
        .mark_bar()
        .encode(
            x=alt.X("score_from:Q", bin="binned", title="Score (points)"),
            x2="score_to:Q",
            y=alt.Y("leads:Q", title="Leads (count)"),
            color=alt.Color("model_id:N", title="Model"),
            tooltip=["model_id", "score_from", "score_to", "leads"],
        )
        .properties(width=320, height=200)
        .facet(column=alt.Column("model_id:N", title="Model"))
        .properties(title=f"Score distribution ({BIN_POINTS}-point bins)")
    )
    st.altair_chart(histogram)
    st.markdown("**Leads by band**")
    bands["min_score"] = bands["min_score"].map(fmt_points)
    st.table(bands[["model_id", "band", "min_score", "is_sales_ready", "leads"]].rename(columns={
        "model_id": "Model", "band": "Band", "min_score": "From score (points)", "is_sales_ready": "Sales-ready",
        "leads": "Leads"}).set_index("Model"))


if __name__ == "__main__":  # run as a page by st.navigation (app.py)
    render()
