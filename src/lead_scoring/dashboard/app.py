"""Entry file of the dashboard: `streamlit run app.py` (see `lead-scoring dashboard --help`)."""
from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# `streamlit run` executes this file as a script: make the package importable from a checkout too.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from lead_scoring.dashboard import common  # noqa: E402
from lead_scoring.dashboard.data import MissingRelation, NoReadCopy, read_copy_path  # noqa: E402

st.set_page_config(page_title="Lead scoring", layout="wide")

VIEWS = Path(__file__).resolve().parent / "views"
# (file, title, url path): one module per page; AppTest switches pages by file.
PAGES = [
    ("overview.py", "Overview", "overview"),
    ("leads.py", "Leads", "leads"),
    ("lead.py", "Lead", "lead"),
    ("handovers.py", "Hand-overs", "handovers"),
    ("accounts.py", "Accounts", "accounts"),
    ("outcomes.py", "Rules and outcomes", "outcomes"),
    ("health.py", "Data health", "health"),
]
page = st.navigation([st.Page(VIEWS / file, title=title, url_path=url, default=url == "overview")
                      for file, title, url in PAGES])

try:
    models = common.all_models()
    known = list(models["model_id"])
    # all models at first; later keep the choice, less any model a new build dropped
    chosen = st.session_state.get("models")
    if chosen is None or any(m not in known for m in chosen):
        st.session_state["models"] = [m for m in (chosen or known) if m in known]
    with st.sidebar:
        st.multiselect("Scoring models", known, key="models", help="Charts show the chosen models side by side.")
        st.caption(f"Read copy: `{read_copy_path()}`")
    page.run()
except NoReadCopy as exc:
    st.title(page.title)
    st.info(f"No published scores yet: the read copy `{exc}` does not exist. {common.LOAD_HINT} "
            "To view another read copy, start the dashboard with `lead-scoring dashboard --read-db PATH` "
            "or set `LEAD_SCORING_READ_DB`.")
except MissingRelation as exc:
    st.title(page.title)
    st.warning(f"The read copy `{read_copy_path()}` lacks a table this page needs ({exc}). "
               "Rebuild with this version of the project: `scripts/build.py`.")
