"""The negotiation board's cached reads: the board, its statements and its pairs are worked out once per
filter set, issue and sides, not on every rerun (a page change or a widget click)."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core.analysis import negotiation
from core.filters import Filters, query_string
from core.present import charts
from ui import cache, reviewing


def board(filters: Filters, issue: str, side_a: tuple[str, ...], side_b: tuple[str, ...], *,
          statements: bool, title: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, go.Figure]:
    """(every report on the board, the moves shown — statements or reports — with trust words, their pairs,
    the two-lane chart)."""
    path = cache.db_key()
    return _board(path, query_string(filters), reviewing.is_reviewed_only(), issue, tuple(side_a),
                  tuple(side_b), statements, title, cache.version(path))


# A resource, as the positions are (ui.cache): a chart of thousands of hovers is not pickled on every read.
# Readers only read what it returns. Keyed on the database version, as every read (ui/cache.py).
@st.cache_resource(max_entries=16, show_spinner=False)
def _board(path: str, qs: str, only: bool, issue: str, side_a: tuple[str, ...], side_b: tuple[str, ...],
           statements: bool, title: str, version: str = "") -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, go.Figure]:
    df = cache._positions(path, qs, only, False, version)
    df = df[df["issue"] == issue]   # one issue's rows: a far smaller frame to shape
    reports = negotiation.board(df, issue, side_a, side_b)
    moves = negotiation.board(df, issue, side_a, side_b, statements=True) if statements else reports
    moves = reviewing.with_trust(moves)
    return reports, moves, negotiation.replies(moves), charts.negotiation_chart(moves, title)


def clear() -> None:
    _board.clear()
