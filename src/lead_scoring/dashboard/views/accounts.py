"""Accounts: account scores per model with their top contacts."""
from __future__ import annotations

import altair as alt
import streamlit as st

from lead_scoring.dashboard.common import empty_state, selected_models, sql_list
from lead_scoring.dashboard.data import query

TOP = 15


def render() -> None:
    st.title("Accounts")
    marks, params = sql_list(selected_models())
    accounts = query(
        f"""
        select a.model_id, a.account_id, a.account_score, a.band, a.contact_count, a.engaged_contact_count,
               a.sales_ready_contact_count, a.top_contact_id, c.email as top_contact_email, a.score_method,
               row_number() over (partition by a.model_id order by a.account_score desc, a.account_id) as account_rank
        from marts.fct_account_scores as a left join marts.dim_contacts as c on c.contact_id = a.top_contact_id
        where a.model_id in ({marks}) order by a.model_id, account_rank
        """, params)
    if accounts.empty:
        empty_state("No account has scored contacts yet (contacts need an account_id).")
        return
    top = accounts[accounts["account_rank"] <= TOP]
    st.altair_chart(
        alt.Chart(top).mark_bar().encode(
            x=alt.X("account_score:Q", title="Account score (points)"),
            y=alt.Y("account_id:N", sort="-x", title="Account"),
            color=alt.Color("band:N", title="Band"),
            tooltip=["model_id", "account_id", "account_score", "contact_count", "sales_ready_contact_count"],
        ).properties(width=280, height=320).facet(column=alt.Column("model_id:N", title="Model"))
        .resolve_scale(y="independent").properties(title=f"Top {TOP} accounts by account score"))
    st.dataframe(accounts.drop(columns="account_rank"), hide_index=True)

    st.subheader("Top contacts of an account")
    choice = st.selectbox("Account", list(dict.fromkeys(top["account_id"])), key="accounts_pick")
    contacts = query(
        f"""
        select s.model_id, s.contact_id, c.email, s.score, s.band, s.owner_id, s.score_rank
        from marts.fct_lead_scores as s left join marts.dim_contacts as c using (contact_id)
        where s.account_id = ? and s.model_id in ({marks}) order by s.model_id, s.score desc, s.contact_id
        """, (choice, *params))
    st.dataframe(contacts, hide_index=True)


if __name__ == "__main__":  # run as a page by st.navigation (app.py)
    render()
