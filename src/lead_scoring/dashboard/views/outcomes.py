"""Rules and outcomes: conversion by band, ROC AUC and top-decile lift per model, and rule
effectiveness with mis-weighted rules highlighted; only when conversions exist."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from lead_scoring.dashboard.common import empty_state, selected_models, sql_list
from lead_scoring.dashboard.data import query

# A rule is flagged as mis-weighted when its suggested points (rpt_rule_effectiveness) have the
# other sign, or differ from its points by at least this much (10 points double the odds at the
# default var points_to_double_odds).
MISWEIGHT_POINTS = 10
NO_OUTCOMES = ("No conversions after the scoring time for {what}: load won deals into `raw.conversions` "
               "(a `conversions.csv` with contact_id and converted_at, `scripts/load_raw.py DIR`) and build "
               "with an `as_of` before them, e.g. `scripts/build.py --vars '{{as_of: \"2026-05-31\"}}'`; "
               "see docs/calibration.md.")


def misweighted(frame: pd.DataFrame) -> pd.Series:
    s, p = frame["suggested_points"], frame["points"]
    opposite = (s * p < 0)
    return s.notna() & (opposite | ((s - p).abs() >= MISWEIGHT_POINTS))


def render() -> None:
    st.title("Rules and outcomes")
    marks, params = sql_list(selected_models())
    performance = query(f"select * from marts.rpt_model_performance where model_id in ({marks}) order by model_id",
                        params)
    with_wins = performance[performance["won"] > 0]
    if with_wins.empty:
        st.info(NO_OUTCOMES.format(what="any model"))
        return
    for model in sorted(set(performance["model_id"]) - set(with_wins["model_id"])):
        st.info(NO_OUTCOMES.format(what=f"model `{model}`"))
    models = list(with_wins["model_id"])
    marks, params = sql_list(models)
    cols = st.columns(len(models))
    for col, row in zip(cols, with_wins.itertuples()):
        col.subheader(f"`{row.model_id}`")
        col.metric("ROC AUC", "–" if pd.isna(row.roc_auc) else f"{row.roc_auc:.3f}",
                   help="Probability that a won lead outscored a lead not won (0.5 = chance).")
        col.metric("Top-decile lift", "–" if pd.isna(row.top_decile_lift) else f"{row.top_decile_lift:.2f}×")
        col.metric("Won / evaluated leads", f"{row.won:,} / {row.leads:,} ({row.conversion_rate:.1%})")

    bands = query(f"select * from marts.rpt_score_band_conversion where model_id in ({marks}) "
                  "order by model_id, min_score", params)
    bands["conversion_pct"] = bands["conversion_rate"] * 100
    st.altair_chart(
        alt.Chart(bands).mark_bar().encode(
            x=alt.X("band:N", title="Band", sort=alt.EncodingSortField("min_score")),
            y=alt.Y("conversion_pct:Q", title="Conversion rate (%)"),
            color=alt.Color("is_sales_ready:N", title="Sales-ready"),
            tooltip=["model_id", "band", "leads", "won", alt.Tooltip("conversion_pct:Q", format=".1f")],
        ).properties(width=300, height=220).facet(column=alt.Column("model_id:N", title="Model"))
        .resolve_scale(x="independent").properties(title="Conversion rate by band (wins after the scoring time)"))

    rules = query(f"select * from marts.rpt_rule_effectiveness where model_id in ({marks}) "
                  "order by model_id, information_value desc nulls last", params)
    rules.insert(2, "mis_weighted", misweighted(rules))
    st.subheader("Rule effectiveness")
    flagged = int(rules["mis_weighted"].sum())
    st.markdown(f"**{flagged}** rule(s) highlighted as mis-weighted: suggested points of the other sign, or "
                f"{MISWEIGHT_POINTS}+ points away from the current points.")
    shown = rules[["model_id", "rule_id", "mis_weighted", "rule_kind", "description", "points", "suggested_points",
                   "lift", "information_value", "leads_matched", "won_matched", "won_rate_with", "won_rate_without"]]
    styled = shown.style.apply(
        lambda row: ["background-color: #fde2c8" if row["mis_weighted"] else "" for _ in row], axis=1
    ).format({"lift": "{:.2f}", "information_value": "{:.3f}", "won_rate_with": "{:.1%}",
              "won_rate_without": "{:.1%}", "points": "{:.0f}", "suggested_points": "{:.0f}"}, na_rep="–")
    st.dataframe(styled, hide_index=True)
    st.altair_chart(
        alt.Chart(rules, title="Current vs suggested points per rule").mark_circle(size=70).encode(
            x=alt.X("points:Q", title="Current points"), y=alt.Y("suggested_points:Q", title="Suggested points"),
            color=alt.Color("mis_weighted:N", title="Mis-weighted",
                            scale=alt.Scale(domain=[False, True], range=["#1f77b4", "#e8590c"])),
            shape=alt.Shape("model_id:N", title="Model"),
            tooltip=["model_id", "rule_id", "points", "suggested_points", "information_value"],
        ).properties(height=300), width="stretch")


if __name__ == "__main__":  # run as a page by st.navigation (app.py)
    render()
