"""Shared helpers of the pages: the model selection, empty states, number formatting."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from lead_scoring.dashboard.data import query

LOAD_HINT = ("Load contacts and events with `scripts/load_raw.py DIR` and run `scripts/build.py` "
             "(or `make demo` for demo data); the dashboard shows the new scores on the next click.")


def all_models() -> pd.DataFrame:
    """Active scoring models (rules.scoring_models), plus any model that has scores."""
    return query(
        "select model_id, coalesce(max(model_name), model_id) as model_name from ("
        " select model_id, model_name from rules.scoring_models where is_active"
        " union all select distinct model_id, null from marts.fct_lead_scores"
        ") group by model_id order by model_id")


def selected_models() -> list[str]:
    """The models chosen in the sidebar (all by default)."""
    return list(st.session_state.get("models") or all_models()["model_id"])


def band_order() -> pd.DataFrame:
    return query("select model_id, band, min_score, is_sales_ready from rules.score_bands order by model_id, min_score")


def sql_list(values: list) -> tuple[str, tuple]:
    """Placeholders and parameters for `in (...)`: never format values into SQL."""
    return ", ".join("?" for _ in values) or "null", tuple(values)


def empty_state(message: str) -> None:
    st.info(f"{message} {LOAD_HINT}")


def fmt_time(value, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return "–" if value is None or pd.isna(value) else f"{pd.Timestamp(value):{fmt}}"


def fmt_points(value) -> str:
    if value is None or pd.isna(value):
        return "–"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
