"""One lead (query parameters model_id and contact_id): fit and engagement, band and
points_in_band, score history with band thresholds, the contributions that explain every point,
tag scores, owner and routing rule, the latest band changes and the latest events."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from lead_scoring.dashboard.common import all_models, empty_state, fmt_points, fmt_time
from lead_scoring.dashboard.data import MissingRelation, query

RULE_DESCRIPTIONS = """
    select model_id, rule_id, description from rules.attribute_rules
    union all select model_id, rule_id, description from rules.behavior_rules
    union all select model_id, rule_id, description from rules.absence_rules
"""


def render() -> None:
    st.title("Lead")
    models = list(all_models()["model_id"])
    params = st.query_params
    model_id = params.get("model_id") or (models[0] if models else None)
    contact_id = (params.get("contact_id") or "").strip()
    if not contact_id:
        st.info("Open a lead from the **Leads** page, or type a contact id below.")
        with st.form("pick_lead"):
            model_pick = st.selectbox("Model", models, index=models.index(model_id) if model_id in models else 0)
            contact_pick = st.text_input("Contact id")
            if st.form_submit_button("Show lead") and contact_pick.strip():
                st.query_params.update({"model_id": model_pick, "contact_id": contact_pick.strip()})
                st.rerun()
        return

    lead = query(
        """
        select s.*, c.email, c.first_name, c.last_name, c.job_title, c.company_size, c.industry,
               m.score_floor, m.score_cap, m.model_name
        from marts.fct_lead_scores as s
        left join marts.dim_contacts as c using (contact_id)
        left join rules.scoring_models as m using (model_id)
        where s.model_id = ? and s.contact_id = ?
        """, (model_id, contact_id))
    if lead.empty:
        empty_state(f"No score for contact `{contact_id}` in model `{model_id}`: check the id on the Leads page.")
        return
    r = lead.iloc[0]
    name = " ".join(str(v) for v in (r.first_name, r.last_name) if isinstance(v, str)) or contact_id
    st.subheader(f"{name} · `{contact_id}` · model `{model_id}` · band **{r.band}**"
                 + (" (sales-ready)" if r.is_sales_ready else ""))
    st.caption(" · ".join(str(v) for v in (r.email, r.job_title, r.industry, r.account_id) if isinstance(v, str)))
    cols = st.columns(5)
    cols[0].metric("Score (points)", fmt_points(r.score))
    cols[1].metric("Fit (points)", fmt_points(r.fit_score))
    cols[2].metric("Engagement (points)", fmt_points(r.engagement_score))
    cols[3].metric("Points in band", fmt_points(r.points_in_band), help="Score now minus the score when the lead entered this band.")
    cols[4].metric("Rank", f"{int(r.score_rank):,}")
    st.markdown(f"**Owner:** `{r.owner_id}` · **routing rule:** `{r.routing_rule_id}` · "
                f"**in band since:** {fmt_time(r.band_entered_at, '%Y-%m-%d')} · "
                f"**last activity:** {fmt_time(r.last_activity_at)} · "
                f"**scored at:** {fmt_time(r.scored_at)} · **rules version:** `{r.rules_version}`")

    contributions = query(
        f"""
        select x.rule_id, x.rule_kind, d.description, x.event_count, x.points
        from marts.fct_lead_score_contributions as x
        left join ({RULE_DESCRIPTIONS}) as d using (model_id, rule_id)
        where x.model_id = ? and x.contact_id = ? order by abs(x.points) desc, x.rule_id
        """, (model_id, contact_id))
    total = float(contributions["points"].sum()) if not contributions.empty else 0.0
    st.subheader("Why this score")
    clamp = ""
    if abs(total - float(r.score)) > 1e-9:
        clamp = f" (the model clamps scores to [{fmt_points(r.score_floor)}, {fmt_points(r.score_cap)}])"
    st.markdown(f"Contributions sum to **{fmt_points(total)}** points = fit {fmt_points(r.fit_score)} + "
                f"engagement {fmt_points(r.engagement_score)}; score **{fmt_points(r.score)}**{clamp}.")
    if contributions.empty:
        st.info("No rule contributed to this lead's score.")
    else:
        st.dataframe(contributions, hide_index=True, column_config={
            "rule_id": "Rule", "rule_kind": "Kind", "description": "What",
            "event_count": st.column_config.NumberColumn("Events", format="%d"),
            "points": st.column_config.NumberColumn("Points", format="%.1f")})

    history = query(
        "select valid_from, score, band from marts.fct_lead_score_history "
        "where model_id = ? and contact_id = ? order by valid_from", (model_id, contact_id))
    bands = query("select band, min_score from rules.score_bands where model_id = ? order by min_score", (model_id,))
    if not history.empty:
        # a step line: each version holds until the next one (and the current one until scored_at)
        end = pd.DataFrame({"valid_from": [r.scored_at], "score": [history["score"].iloc[-1]],
                            "band": [history["band"].iloc[-1]]})
        line_data = pd.concat([history, end], ignore_index=True)
        line = alt.Chart(line_data).mark_line(interpolate="step-after", point=True).encode(
            x=alt.X("valid_from:T", title="Date"), y=alt.Y("score:Q", title="Score (points)"),
            tooltip=["valid_from", "score", "band"])
        rules = alt.Chart(bands).mark_rule(strokeDash=[4, 4], color="gray").encode(
            y=alt.Y("min_score:Q", title="Score (points)"))
        rule_labels = alt.Chart(bands).mark_text(align="left", dy=-6, color="gray").encode(
            y=alt.Y("min_score:Q", title="Score (points)"), text="band:N", x=alt.value(4))
        st.altair_chart((rules + rule_labels + line).properties(
            title="Score history with band thresholds (dashed)", height=260), width="stretch")

    left, right = st.columns(2)
    tags = query("select tag, tag_score, event_count from marts.fct_lead_tag_scores "
                 "where model_id = ? and contact_id = ? order by tag_score desc", (model_id, contact_id))
    with left:
        if tags.empty:
            st.info("No tag scores: none of this lead's scoring events carries an interest tag.")
        else:
            st.altair_chart(alt.Chart(tags, title="Tag scores (per-interest score)").mark_bar().encode(
                x=alt.X("tag_score:Q", title="Tag score (points)"), y=alt.Y("tag:N", sort="-x", title="Tag"),
                tooltip=["tag", "tag_score", "event_count"]), width="stretch")
    changes = query("select changed_at, from_band, to_band, direction from marts.fct_lead_band_changes "
                    "where model_id = ? and contact_id = ? order by changed_at desc limit 20", (model_id, contact_id))
    with right:
        st.markdown("**Latest band changes**")
        if changes.empty:
            st.caption("No band change recorded yet.")
        else:
            st.dataframe(changes, hide_index=True)


    st.subheader("Latest events")
    try:
        events = query("select occurred_at, event_type, channel, campaign_id, url, event_id "
                       "from marts.fct_lead_recent_events where contact_id = ? order by event_rank", (contact_id,))
    except MissingRelation:
        st.caption("This read copy has no `marts.fct_lead_recent_events`; rebuild with `scripts/build.py` to list events.")
        return
    if events.empty:
        st.caption("No event recorded for this contact up to the scoring time.")
    else:
        st.dataframe(events, hide_index=True, column_config={
            "occurred_at": st.column_config.DatetimeColumn("When", format="YYYY-MM-DD HH:mm"),
            "event_type": "Event", "channel": "Channel", "campaign_id": "Campaign", "url": "URL",
            "event_id": "Event id"})


if __name__ == "__main__":  # run as a page by st.navigation (app.py)
    render()
