"""View controls bound to underscore URL parameters (`_actor`, `_issue`, `_article`), Datasette style.

Filters choose *which rows*; a view parameter chooses *what this page focuses on*.
Both live in the URL, so a shared link reopens the same focus. An unknown value
is said plainly and replaced by the page's default.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import streamlit as st

from ui.share import md_line

NONE_LABEL = "—"


def choose(label: str, options: Sequence[str], param: str, default: str | None,
           *, optional: bool = False, container=None, labels: Mapping[str, str] | None = None) -> str | None:
    """A selectbox bound to `?{param}=value` both ways; returns the chosen value (or None).

    `labels` shows a value under another name (an article id as its title); the URL keeps the value.
    """
    choices: list[str | None] = ([None] if optional else []) + list(options)
    raw = st.query_params.get(param)
    value = raw if raw in options else default
    if raw and raw not in options:
        st.warning(md_line(f"No {label.lower()} named {raw!r} in the positions shown; showing "
                           f"{default if default else 'none'} instead."), icon=":material/link_off:")
    key = "view" + param
    st.session_state[key] = value  # always: a widget new to this page would otherwise start empty
    (container or st).selectbox(label, choices, key=key, on_change=_to_url, args=(param, key), placeholder=NONE_LABEL,
                                format_func=lambda v: NONE_LABEL if v is None else str((labels or {}).get(v, v)))
    return value


def current(param: str) -> dict[str, str]:
    """The view parameter as it stands in the URL, for the share link."""
    value = st.query_params.get(param)
    return {param: value} if value else {}


def _to_url(param: str, key: str) -> None:
    value = st.session_state.get(key)
    if value is None:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = value
